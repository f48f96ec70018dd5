// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_FWD_HPP
#define CBPQ_FWD_HPP

/// \file Forward declarations of cbpq's main types.

#include "config.hpp"

CBPQ_BEGIN_NAMESPACE

class error;
class invalid_input;
class parse_error;
class verification_failure;
class storage_failure;

class seed;
class commitment;
class draw_key;
class keyed_stream;

struct slot_capacity;
struct port_capacity;
struct day_capacity;
class capacity_plan;
class capacity_ledger;
class recurrence;
class set_aside_policy;

struct draw_options;
class draw_workspace;
template <class Id>
class draw_result;
template <class Id>
struct draw_partial;
struct receipt;
struct verification_report;

class rule_set;
class memory_identity_index;

CBPQ_END_NAMESPACE

#endif
