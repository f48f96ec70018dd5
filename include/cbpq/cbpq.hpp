// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_CBPQ_HPP
#define CBPQ_CBPQ_HPP

/// \file Umbrella header: every public part of cbpq, in pipeline order.

#include "config.hpp"
#include "error.hpp"
#include "fwd.hpp"
#include "version.hpp"

#include "csv.hpp"
#include "random.hpp"

#include "duplicates.hpp"
#include "identity.hpp"
#include "similarity.hpp"

#include "capacity.hpp"
#include "draw.hpp"
#include "preferences.hpp"
#include "rfc3797.hpp"

#include "audit.hpp"
#include "daily.hpp"
#include "fairness.hpp"
#include "replay.hpp"
#include "simulate.hpp"
#include "store.hpp"

#endif
