// SPDX-License-Identifier: BSL-1.0
// The generator of realistic registrants (include/cbpq/detail/identity_gen.hpp), under the short
// name the tools, tests and benchmarks use: gen::generate, gen::registration, gen::options.
#ifndef CBPQ_EXAMPLES_IDENTITY_GEN_HPP
#define CBPQ_EXAMPLES_IDENTITY_GEN_HPP

#include <cbpq/detail/identity_gen.hpp>

namespace gen = cbpq::detail::idgen;

#endif
