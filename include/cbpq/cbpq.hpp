// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_CBPQ_HPP
#define CBPQ_CBPQ_HPP

/// \file Umbrella header: every public part of cbpq.

#include "capacity.hpp"
#include "config.hpp"
#include "csv.hpp"
#include "error.hpp"
#include "fwd.hpp"
#include "random.hpp"
#include "rfc3797.hpp"
#include "version.hpp"

#endif
