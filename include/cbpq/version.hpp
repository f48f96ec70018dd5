// cbpq: fair, verifiable allocation of scarce appointments.
// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_VERSION_HPP
#define CBPQ_VERSION_HPP

// The one place the version lives; CMakeLists.txt reads these three lines.
#define CBPQ_VERSION_MAJOR 0
#define CBPQ_VERSION_MINOR 1
#define CBPQ_VERSION_PATCH 0

#define CBPQ_VERSION (CBPQ_VERSION_MAJOR * 10000 + CBPQ_VERSION_MINOR * 100 + CBPQ_VERSION_PATCH)

#endif
