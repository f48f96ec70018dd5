// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DRAW_HPP
#define CBPQ_DRAW_HPP

/// \file
/// The daily draw: who gets today's appointments at each port. Every entrant's place is its
/// keyed 64-bit key (random.hpp), so the result is a pure function of (seed, label, entrant
/// set, capacity, options): independent of input order, thread count and platform, and
/// computable shard by shard. See docs/draw.md for the algorithm, the fill rules and the
/// shard-and-merge recipe.

#include "capacity.hpp"
#include "detail/draw_pass.hpp"
#include "detail/fixed_log.hpp"
#include "error.hpp"
#include "random.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE

/// Version of the draw specification (docs/draw.md). Receipts record it.
inline constexpr std::string_view draw_spec_version = "cbpq-draw-v0";

/// How a port's entrants are put in order.
/// - uniform: by keyed key (draw, collect_draw, finish_draw);
/// - seniority: a share of each port's persons to the oldest registrations, the rest by keyed
///   key (draw_seniority and friends; docs/policies.md).
/// - weighted: by the Efraimidis-Spirakis value E / w of each entrant's weight w
///   (draw_weighted and friends; docs/policies.md);
/// - aging: weighted, with the weight a function of the days waited (draw_aging).
/// - preferences: one keyed order over all entrants, each taking the first port on its ranked
///   list with room for its party (draw_preferences in preferences.hpp).
enum class draw_policy : std::uint8_t { uniform, seniority, weighted, aging, preferences };

/// How an aging draw turns days waited into a weight (docs/policies.md, "Aging"). For d days:
/// - linear, period P: w = 1 + d / P (binary64: one division, then one addition);
/// - doubling, period P: w = 2^min(floor(d / P), 100);
/// then w = min(w, cap) when cap > 0. Text form `linear/P[/CAP]` or `double/P[/CAP]` (the
/// grammar of cbpq-fairness's `aging:` policies). Small value type.
struct aging_rule {
    enum class shape : std::uint8_t { linear, doubling };
    shape kind = shape::linear;
    /// Days per step, 1..100000.
    std::int32_t period = 30;
    /// Largest weight (>= 1), or 0 for none.
    double cap = 0.0;

    /// The weight after `days` days of waiting (days >= 0). O(1); noexcept.
    [[nodiscard]] double weight(std::int64_t days) const noexcept {
        double w = 1.0;
        if (kind == shape::linear) {
            w = 1.0 + static_cast<double>(days) / static_cast<double>(period);
        } else {
            w = std::ldexp(1.0, static_cast<int>(std::min<std::int64_t>(days / period, 100)));
        }
        return cap > 0.0 && cap < w ? cap : w;
    }

    friend bool operator==(const aging_rule&, const aging_rule&) = default;
};

/// The largest and smallest weights a weighted draw accepts: 2^100 and 2^-100, so that every
/// value E / w is a normal binary64 number (no overflow, underflow or lost precision).
inline constexpr double max_weight = 0x1p100;
inline constexpr double min_weight = 0x1p-100;

/// What the walk does with a party that does not fit.
/// - skip: pass over it and keep walking; a smaller party further down may still fit.
/// - strict: stop the walk at the first party that does not fit.
enum class fill_rule : std::uint8_t { skip, strict };

class draw_workspace;
namespace detail {
key_scratch* scratch_of(draw_workspace& ws) noexcept;
} // namespace detail

/// Options of a draw. Small value type.
struct draw_options {
    draw_policy policy = draw_policy::uniform;
    fill_rule fill = fill_rule::skip;
    /// Length of each port's waiting list (alternates), per port.
    std::size_t alternates = 0;
    /// Largest party accepted; larger parties are refused as invalid input.
    std::int64_t max_party = 20;
    /// Refuse duplicate entrant ids anywhere in the input (an exact O(n) check with about 9
    /// bytes of scratch per entrant, which a draw_workspace keeps from draw to draw; see
    /// docs/draw.md for its cost). A host whose ids are unique by construction (a primary key)
    /// may turn it off; duplicates among the candidates are refused even then.
    bool check_duplicate_ids = true;
    /// Seniority policy only: the share s in [0, 1] of each port's persons that goes to the
    /// oldest registrations (round(s x persons), see seniority_persons).
    double seniority_share = 0.0;
    /// Aging policy only: how days waited become a weight.
    aging_rule aging;
    /// Aging policy only: the draw date as days since 1970-01-01; an entrant registered on
    /// day r has waited draw_day - r days.
    std::int64_t draw_day = 0;

    friend bool operator==(const draw_options&, const draw_options&) = default;
};

/// Scratch memory for a host that draws repeatedly (one draw a day per label, for years):
/// pass the same workspace to every draw and the exact duplicate-id check reuses its store
/// (about 8 bytes per entrant, the only scratch of a draw that grows with the pool) instead of
/// allocating it, and having the kernel fault it in page by page, on every call. Every draw
/// function that reads the pool (draw, collect_draw, draw_seniority, draw_weighted,
/// draw_aging, draw_preferences and their collect_ forms) has an overload taking one as its
/// last argument. Results are the same with or without a workspace, whatever it served
/// before (docs/draw.md, "Reusing scratch memory").
///
/// It keeps the store of the largest pool it has served (a store is reused for pools up to a
/// few per cent larger than the one it was made for; a larger pool replaces it) until clear()
/// or destruction; draws with check_duplicate_ids = false leave it untouched. A draw that
/// throws leaves it ready for the next. Not thread-safe: concurrent draws need one workspace
/// each (a workspace may move between threads between draws). Movable, not copyable.
class draw_workspace {
public:
    draw_workspace() noexcept = default;
    draw_workspace(const draw_workspace&) = delete;
    draw_workspace& operator=(const draw_workspace&) = delete;
    draw_workspace(draw_workspace&&) noexcept = default;
    draw_workspace& operator=(draw_workspace&&) noexcept = default;
    ~draw_workspace() = default;

    /// Makes room for a pool of `entrants` now and touches every page of it, so that the first
    /// draw of that size (or a little larger) pays for no fresh memory. O(entrants). Throws
    /// std::bad_alloc if the memory cannot be had; the workspace remains usable.
    void reserve(std::size_t entrants) {
        detail::repeated_key_finder sizer(entrants, keys_);
        sizer.reserve_table();
        std::memset(keys_.store.data(), 0, keys_.store.size() * sizeof(std::uint64_t));
        keys_.table.assign(keys_.table.capacity(), 0);
    }

    /// Bytes of scratch memory held. O(1), noexcept.
    [[nodiscard]] std::size_t bytes() const noexcept { return keys_.bytes(); }

    /// Releases all scratch memory; the workspace stays usable. noexcept.
    void clear() noexcept { keys_.clear(); }

private:
    friend detail::key_scratch* detail::scratch_of(draw_workspace& ws) noexcept;
    detail::key_scratch keys_;
};

namespace detail {
inline key_scratch* scratch_of(draw_workspace& ws) noexcept { return &ws.keys_; }
} // namespace detail

/// Why an entrant was not selected.
/// - did_not_fit: the walk reached it while the port still had room, but not for this party
///   (too many persons, no parties left, or no slot with room for the whole party), or under
///   the strict rule it was the party that stopped the walk;
/// - not_reached: the port was full (no persons, no parties, or no slot room left) before its
///   turn, or under the strict rule it came after the party that stopped the walk.
enum class not_selected_reason : std::uint8_t { none, did_not_fit, not_reached };

/// Text form of a reason: "did_not_fit", "not_reached" ("" for none).
[[nodiscard]] constexpr std::string_view to_string(not_selected_reason r) noexcept {
    switch (r) {
    case not_selected_reason::did_not_fit:
        return "did_not_fit";
    case not_selected_reason::not_reached:
        return "not_reached";
    default:
        return "";
    }
}

/// Text form of a fill rule: "skip" or "strict".
[[nodiscard]] constexpr std::string_view to_string(fill_rule f) noexcept {
    return f == fill_rule::strict ? "strict" : "skip";
}

/// Text form of a policy: "uniform", "seniority", "weighted", "aging" or "preferences".
[[nodiscard]] constexpr std::string_view to_string(draw_policy p) noexcept {
    switch (p) {
    case draw_policy::seniority:
        return "seniority";
    case draw_policy::weighted:
        return "weighted";
    case draw_policy::aging:
        return "aging";
    case draw_policy::preferences:
        return "preferences";
    default:
        return "uniform";
    }
}

/// The type a draw stores ids as: integers as they are, anything string-like as std::string
/// (so results never point into the host's records).
template <class Id>
using stored_id_t =
    std::conditional_t<integer_id<std::remove_cvref_t<Id>>, std::remove_cvref_t<Id>, std::string>;

/// Decimal text of an integer id, or the string id itself: how ids appear in messages, CSV
/// and receipts.
template <entrant_id Id>
[[nodiscard]] std::string id_text(const Id& id) {
    if constexpr (integer_id<Id>) {
        return std::to_string(id);
    } else {
        return std::string(std::string_view(id));
    }
}

namespace detail {
// A partial's entrants carry their keys; pass two recomputes each (one SipHash per kept
// entrant) so that an altered or corrupted partial is refused, not walked: the order, and the
// duplicate check (equal ids have equal keys), rest on them.
template <class Id>
void check_partial_key(const draw_key& key, std::uint64_t k, const Id& id) {
    if (k != key.entrant_key(id)) {
        throw_invalid_input("entrant " + id_text(id), "key",
                            "the partial's key is not this entrant's key under the draw key");
    }
}
} // namespace detail

/// One entrant as the draw keeps it after pass one: its key, id and party size.
template <class Id>
struct draw_candidate {
    std::uint64_t key = 0;
    Id id{};
    std::int64_t party = 1;

    friend bool operator==(const draw_candidate&, const draw_candidate&) = default;
};

/// (key, id) order: the draw order of a port. Ties of the 64-bit key (about one in 2^64 per
/// pair) are broken by compare_ids.
template <class Id>
[[nodiscard]] constexpr bool draw_order_less(std::uint64_t ka, const Id& a, std::uint64_t kb,
                                             const Id& b) noexcept {
    if (ka != kb) {
        return ka < kb;
    }
    return compare_ids(a, b) < 0;
}

/// A selected party: draw order rank from 1 within the port, and its slot index when the port
/// has a slot grid.
template <class Id>
struct selected_party {
    Id id{};
    std::int64_t party = 1;
    std::size_t rank = 0;
    std::optional<std::size_t> slot;
    std::uint64_t key = 0;

    friend bool operator==(const selected_party&, const selected_party&) = default;
};

/// A party on a port's waiting list: rank from 1, and why it was not selected.
template <class Id>
struct alternate_party {
    Id id{};
    std::int64_t party = 1;
    std::size_t rank = 0;
    not_selected_reason reason = not_selected_reason::none;
    std::uint64_t key = 0;

    friend bool operator==(const alternate_party&, const alternate_party&) = default;
};

/// Where a port's walk ended, which decides every non-selected entrant's reason in O(1):
/// - never: capacity was never exhausted; every non-selected entrant did_not_fit;
/// - at_start: the port had no room at all; every entrant was not_reached;
/// - at_entrant: entrants after (end_key, end_id) in draw order were not_reached, the others
///   did_not_fit. That entrant is the party whose selection exhausted capacity, or (strict)
///   the party that stopped the walk.
enum class walk_end : std::uint8_t { never, at_start, at_entrant };

/// The outcome at one port.
template <class Id>
struct port_draw {
    std::string port;
    /// Selected parties in draw order.
    std::vector<selected_party<Id>> selected;
    /// Waiting list in draw order.
    std::vector<alternate_party<Id>> alternates;
    /// Persons and parties selected.
    std::int64_t persons = 0;
    std::int64_t parties = 0;
    /// Persons placed in each slot (empty without a grid).
    std::vector<std::int64_t> slot_persons;
    /// Where the walk ended (see walk_end).
    walk_end end = walk_end::never;
    std::uint64_t end_key = 0;
    Id end_id{};

    friend bool operator==(const port_draw&, const port_draw&) = default;
};

/// Status of one entrant in a result.
enum class entrant_status : std::uint8_t { selected, alternate, not_selected };

/// One entrant's outcome: status, rank (selected or alternate, else 0), slot, and the reason
/// when it was not selected (alternates carry one too).
struct entrant_outcome {
    entrant_status status = entrant_status::not_selected;
    std::size_t rank = 0;
    std::optional<std::size_t> slot;
    not_selected_reason reason = not_selected_reason::none;

    friend bool operator==(const entrant_outcome&, const entrant_outcome&) = default;
};

/// The result of a draw: one port_draw per capacity port, in capacity order.
template <class Id>
class draw_result {
public:
    using id_type = Id;

    draw_result(const draw_key& key, const draw_options& options) : key_(key), options_(options) {}

    std::vector<port_draw<Id>> ports;

    /// The port named `name`, or nullptr. O(ports).
    [[nodiscard]] const port_draw<Id>* find(std::string_view name) const noexcept {
        for (const auto& p : ports) {
            if (p.port == name) {
                return &p;
            }
        }
        return nullptr;
    }

    /// Persons selected over all ports.
    [[nodiscard]] std::int64_t persons() const noexcept {
        std::int64_t n = 0;
        for (const auto& p : ports) {
            n += p.persons;
        }
        return n;
    }

    /// Parties selected over all ports.
    [[nodiscard]] std::int64_t parties() const noexcept {
        std::int64_t n = 0;
        for (const auto& p : ports) {
            n += p.parties;
        }
        return n;
    }

    /// The outcome of entrant `id`, which asked for `port`. Selected and alternate entrants
    /// are found by binary search in draw order; anyone else gets a reason from the port's
    /// walk end, so nothing is stored per non-candidate. O(log(capacity + alternates)).
    /// Assumes `id` was an entrant of that port (it cannot know otherwise); throws
    /// invalid_input if the port is unknown.
    /// A weighted or aging result needs the entrant's weight: use the three-argument form
    /// (this one throws invalid_input naming the field `weight`).
    [[nodiscard]] entrant_outcome outcome_of(const Id& id, std::string_view port) const {
        if (options_.policy == draw_policy::weighted || options_.policy == draw_policy::aging) {
            detail::throw_invalid_input("entrant " + id_text(id), "weight",
                                        "the outcome of a weighted draw needs the entrant's "
                                        "weight: outcome_of(id, port, weight)");
        }
        return outcome_with(
            id, port, [&](const port_draw<Id>& p, std::uint64_t k) { return reason_at(p, k, id); });
    }

    /// The outcome of entrant `id` at `port` in a weighted or aging result, given the weight
    /// it was drawn with (for aging, options().aging.weight(days waited)). Non-selected
    /// entrants get their reason by comparing (weighted_value(key, weight), key, id) with
    /// where the walk ended. O(log(capacity + alternates)). Throws invalid_input if the port
    /// is unknown or the weight is outside [min_weight, max_weight].
    [[nodiscard]] entrant_outcome outcome_of(const Id& id, std::string_view port,
                                             double weight) const {
        if (!(weight >= min_weight && weight <= max_weight)) {
            detail::throw_invalid_input("entrant " + id_text(id), "weight",
                                        "weight must be a number in [2^-100, 2^100]");
        }
        return outcome_with(id, port, [&](const port_draw<Id>& p, std::uint64_t k) {
            switch (p.end) {
            case walk_end::at_start:
                return not_selected_reason::not_reached;
            case walk_end::at_entrant: {
                const double mine = detail::neg_log_unit(k) / weight;
                const double end = std::bit_cast<double>(p.end_key);
                const bool after =
                    end != mine ? end < mine
                                : draw_order_less(key_.entrant_key(p.end_id), p.end_id, k, id);
                return after ? not_selected_reason::not_reached : not_selected_reason::did_not_fit;
            }
            default:
                return not_selected_reason::did_not_fit;
            }
        });
    }

private:
    template <class Reason>
    [[nodiscard]] entrant_outcome outcome_with(const Id& id, std::string_view port,
                                               Reason reason) const {
        const port_draw<Id>* p = find(port);
        if (p == nullptr) {
            detail::throw_invalid_input("entrant " + id_text(id), "port",
                                        "unknown port '" + std::string(port) + "'");
        }
        const std::uint64_t k = key_.entrant_key(id);
        auto less_sel = [](const auto& e, const std::pair<std::uint64_t, const Id*>& v) {
            return draw_order_less(e.key, e.id, v.first, *v.second);
        };
        const std::pair<std::uint64_t, const Id*> probe{k, &id};
        entrant_outcome out;
        if (auto it = std::lower_bound(p->selected.begin(), p->selected.end(), probe, less_sel);
            it != p->selected.end() && it->key == k && compare_ids(it->id, id) == 0) {
            out.status = entrant_status::selected;
            out.rank = it->rank;
            out.slot = it->slot;
            return out;
        }
        out.reason = reason(*p, k);
        if (auto it = std::lower_bound(p->alternates.begin(), p->alternates.end(), probe, less_sel);
            it != p->alternates.end() && it->key == k && compare_ids(it->id, id) == 0) {
            out.status = entrant_status::alternate;
            out.rank = it->rank;
        }
        return out;
    }

public:
    /// The reason a non-selected entrant with this key and id at port `p` was not selected.
    /// O(1).
    [[nodiscard]] static not_selected_reason reason_at(const port_draw<Id>& p, std::uint64_t k,
                                                       const Id& id) noexcept {
        switch (p.end) {
        case walk_end::at_start:
            return not_selected_reason::not_reached;
        case walk_end::at_entrant:
            return draw_order_less(p.end_key, p.end_id, k, id) ? not_selected_reason::not_reached
                                                               : not_selected_reason::did_not_fit;
        default:
            return not_selected_reason::did_not_fit;
        }
    }

    [[nodiscard]] const draw_key& key() const noexcept { return key_; }
    [[nodiscard]] const draw_options& options() const noexcept { return options_; }

    friend bool operator==(const draw_result& a, const draw_result& b) {
        return a.key_.bytes() == b.key_.bytes() && a.options_ == b.options_ && a.ports == b.ports;
    }

private:
    draw_key key_;
    draw_options options_;
};

/// A shard's partial draw: for each port and party size, the only entrants that can matter
/// (at most min(persons / size, parties) + alternates + 1 of them, the smallest keys), so its
/// size is bounded by capacity and waiting-list length, not by the shard. Partials of
/// disjoint shards merge (merge_partials) into exactly the partial of their union, and
/// finish_draw turns any partial into the result. Serialise with audit.hpp
/// (partial_to_json / partial_from_json, whose text is canonical: see sort_partial) to ship
/// partials between machines.
template <class Id>
struct draw_partial {
    struct port_part {
        std::string port;
        /// limits[s - 1]: how many entrants of party size s are kept.
        std::vector<std::size_t> limits;
        /// by_size[s - 1]: the kept entrants of party size s, in no particular order.
        std::vector<std::vector<draw_candidate<Id>>> by_size;

        friend bool operator==(const port_part&, const port_part&) = default;
    };

    /// The draw key's 16 bytes: partials of different draws never merge.
    std::array<unsigned char, 16> key_bytes{};
    /// Entrants read by the shards merged into this partial.
    std::uint64_t entrants = 0;
    std::vector<port_part> ports;

    friend bool operator==(const draw_partial&, const draw_partial&) = default;
};

namespace detail {
template <class T>
concept has_registered_member = requires(const T& x) {
    x.registered;
};
template <class T>
concept has_weight_member = requires(const T& x) {
    x.weight;
};
} // namespace detail

/// How a host record is read when no projections are given: members `.id`, `.port` and
/// `.party`. Specialise for record types that cannot change.
///
/// Two optional members feed the policy draws: `registered(e)` (an integer day number, days
/// since 1970-01-01: see day_number) for seniority and aging, and `weight(e)` (a number) for
/// weighted draws. The primary template has them only for records with members `.registered`
/// and `.weight`; a specialisation adds them when the host has those columns. The concepts
/// registered_entrant and weighted_entrant detect them, and the policy overloads without
/// projections (draw_seniority, draw_weighted, draw_aging, their collect_ forms, verify)
/// require them.
template <class T>
struct entrant_traits {
    static constexpr const auto& id(const T& e) noexcept { return e.id; }
    static constexpr const auto& port(const T& e) noexcept { return e.port; }
    static constexpr auto party(const T& e) noexcept { return e.party; }
    static constexpr auto
    registered(const T& e) noexcept requires detail::has_registered_member<T> {
        return e.registered;
    }
    static constexpr auto weight(const T& e) noexcept requires detail::has_weight_member<T> {
        return e.weight;
    }
};

/// Records whose entrant_traits give a registration day: `entrant_traits<T>::registered(e)` is
/// an integer (days since 1970-01-01, or any consistent day count). Semantic requirement: the
/// same record always gives the same day.
template <class T>
concept registered_entrant = requires(const T& e) {
    requires std::integral<std::remove_cvref_t<decltype(entrant_traits<T>::registered(e))>>;
};

/// Records whose entrant_traits give a weight: `entrant_traits<T>::weight(e)` is a number.
/// Semantic requirement: the same record always gives the same weight.
template <class T>
concept weighted_entrant = requires(const T& e) {
    requires std::is_arithmetic_v<std::remove_cvref_t<decltype(entrant_traits<T>::weight(e))>>;
};

namespace detail {

template <class R>
using record_t = std::remove_cvref_t<std::ranges::range_reference_t<const R>>;

// The projections that read a record through entrant_traits.
template <class T>
struct traits_id {
    constexpr decltype(auto) operator()(const T& e) const { return entrant_traits<T>::id(e); }
};
template <class T>
struct traits_port {
    constexpr decltype(auto) operator()(const T& e) const { return entrant_traits<T>::port(e); }
};
template <class T>
struct traits_party {
    constexpr auto operator()(const T& e) const { return entrant_traits<T>::party(e); }
};
template <class T>
struct traits_registered {
    constexpr auto operator()(const T& e) const { return entrant_traits<T>::registered(e); }
};
template <class T>
struct traits_weight {
    constexpr auto operator()(const T& e) const { return entrant_traits<T>::weight(e); }
};

} // namespace detail

/// Puts a partial's buckets in their canonical order: per (port, party size) by (key, id), the
/// order partial_to_json writes and partial_from_json returns. Two partials of the same draw
/// hold the same entrants exactly when they compare equal after this, whatever order the
/// shards were merged in. O(c log c) for c kept entrants; no throw beyond the ids' copies.
template <class Id>
void sort_partial(draw_partial<Id>& part) {
    for (auto& p : part.ports) {
        for (auto& bucket : p.by_size) {
            std::sort(bucket.begin(), bucket.end(), [](const auto& x, const auto& y) {
                return draw_order_less(x.key, x.id, y.key, y.id);
            });
        }
    }
}

namespace detail {

[[nodiscard]] inline std::string port_record(const port_capacity& p) {
    return "port '" + p.port + "'";
}

inline std::int64_t checked_add(std::int64_t a, std::int64_t b, const std::string& record,
                                const char* field) {
    // Both are non-negative here (negatives are refused first).
    if (b > std::numeric_limits<std::int64_t>::max() - a) {
        throw_invalid_input(record, field, "sum overflows a 64-bit count");
    }
    return a + b;
}

inline void validate_options(const draw_options& o, draw_policy expected = draw_policy::uniform) {
    if (o.max_party < 1) {
        throw_invalid_input("draw options", "max_party", "must be at least 1");
    }
    if (o.max_party > 1000000) {
        throw_invalid_input("draw options", "max_party", "must be at most 1000000");
    }
    if (o.alternates > (std::size_t{1} << 40)) {
        throw_invalid_input("draw options", "alternates", "waiting list is unreasonably long");
    }
    if (o.policy != draw_policy::uniform && o.policy != draw_policy::seniority &&
        o.policy != draw_policy::weighted && o.policy != draw_policy::aging &&
        o.policy != draw_policy::preferences) {
        throw_invalid_input("draw options", "policy", "unknown draw policy");
    }
    if (o.policy != expected) {
        const std::string name(to_string(o.policy));
        throw_invalid_input(
            "draw options", "policy",
            "policy '" + name + "' is drawn by " +
                (o.policy == draw_policy::uniform ? std::string("draw") : "draw_" + name) +
                " and its collect/merge/finish functions");
    }
    if (o.policy == draw_policy::aging) {
        if (o.aging.kind != aging_rule::shape::linear &&
            o.aging.kind != aging_rule::shape::doubling) {
            throw_invalid_input("draw options", "aging", "unknown aging shape");
        }
        if (o.aging.period < 1 || o.aging.period > 100000) {
            throw_invalid_input("draw options", "aging",
                                "the aging period must be a whole number of days from 1 to 100000");
        }
        if (!(o.aging.cap == 0.0 || (o.aging.cap >= 1.0 && o.aging.cap <= max_weight))) {
            throw_invalid_input("draw options", "aging",
                                "the aging cap must be 0 (none) or a number from 1 to 2^100");
        }
    }
    if (!(o.seniority_share >= 0.0 && o.seniority_share <= 1.0)) {
        throw_invalid_input("draw options", "seniority_share", "share must be a number in [0, 1]");
    }
    if (o.fill != fill_rule::skip && o.fill != fill_rule::strict) {
        throw_invalid_input("draw options", "fill", "unknown fill rule");
    }
}

inline void validate_capacity(const day_capacity& cap) {
    std::int64_t total = 0;
    for (std::size_t i = 0; i < cap.ports.size(); ++i) {
        const port_capacity& p = cap.ports[i];
        const std::string rec = port_record(p);
        if (p.port.empty()) {
            throw_invalid_input("port " + std::to_string(i + 1), "port", "empty port name");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (cap.ports[j].port == p.port) {
                throw_invalid_input(rec, "port", "port appears twice in the capacity");
            }
        }
        if (p.persons < 0) {
            throw_invalid_input(rec, "persons", "negative capacity " + std::to_string(p.persons));
        }
        total = checked_add(total, p.persons, "capacity", "persons");
        if (p.parties && *p.parties < 0) {
            throw_invalid_input(rec, "parties", "negative cap " + std::to_string(*p.parties));
        }
        std::int64_t slot_total = 0;
        std::int64_t slot_max = 0;
        for (std::size_t s = 0; s < p.slots.size(); ++s) {
            const slot_capacity& sl = p.slots[s];
            const std::string srec = rec + " slot '" + sl.label + "'";
            if (sl.label.empty()) {
                throw_invalid_input(rec + " slot " + std::to_string(s + 1), "slot",
                                    "empty slot label");
            }
            for (std::size_t t = 0; t < s; ++t) {
                if (p.slots[t].label == sl.label) {
                    throw_invalid_input(srec, "slot", "slot label appears twice");
                }
            }
            if (sl.persons < 0) {
                throw_invalid_input(srec, "persons",
                                    "negative slot capacity " + std::to_string(sl.persons));
            }
            slot_total = checked_add(slot_total, sl.persons, srec, "persons");
            slot_max = std::max(slot_max, sl.persons);
        }
        if (!p.slots.empty() && slot_max < 1 && p.persons > 0) {
            throw_invalid_input(rec, "slots",
                                "the slot grid cannot hold any party (every slot takes 0 persons)");
        }
    }
}

// min(persons / s, parties) + alternates + 1, saturating.
inline std::size_t bucket_limit(const port_capacity& p, std::int64_t s, std::size_t alternates) {
    std::uint64_t fit = static_cast<std::uint64_t>(std::max<std::int64_t>(p.persons, 0) / s);
    if (p.parties) {
        fit = std::min(fit, static_cast<std::uint64_t>(std::max<std::int64_t>(*p.parties, 0)));
    }
    const std::uint64_t cap = std::uint64_t{1} << 48;
    fit = std::min(fit, cap);
    return static_cast<std::size_t>(fit + std::min<std::uint64_t>(alternates, cap) + 1);
}

inline std::vector<std::size_t> port_limits(const port_capacity& p, const draw_options& o) {
    std::vector<std::size_t> out(static_cast<std::size_t>(o.max_party));
    for (std::size_t s = 0; s < out.size(); ++s) {
        out[s] = bucket_limit(p, static_cast<std::int64_t>(s + 1), o.alternates);
    }
    return out;
}

// Port names to capacity indexes in one probe, with no pointer chasing: a name of up to 16
// bytes is read as two 64-bit words (four 4-byte loads at offsets 0, 4, 8 and 12, each pulled
// back to end at the last byte: no loop and no branch on the length, which varies from entrant
// to entrant), and the capacity's names are stored in the table as the same words, so one probe
// is one multiply, one load of a slot and one comparison. The multiplier is chosen at
// construction so that the capacity's names do not collide; ports arrive in random order, so a
// probe loop would mispredict on most entrants. Names longer than 16 bytes, and capacities
// whose names cannot be hashed apart, fall back to a linear scan.
class port_lookup {
public:
    explicit port_lookup(const day_capacity& cap) {
        names_.reserve(cap.ports.size());
        for (const auto& p : cap.ports) {
            names_.emplace_back(p.port);
        }
        std::vector<std::pair<std::size_t, words>> in_table;
        for (std::size_t i = 0; i < names_.size(); ++i) {
            if (names_[i].size() <= short_name) {
                in_table.emplace_back(i, read(names_[i]));
            }
        }
        for (std::size_t bits = 4; bits <= 12 && !perfect_; ++bits) {
            for (std::uint64_t m = 1; m <= 64 && !perfect_; ++m) {
                mult_ = 0x9e3779b97f4a7c15ULL * (2 * m + 1);
                shift_ = static_cast<int>(64 - bits);
                slots_.assign(std::size_t{1} << bits, slot{});
                perfect_ = true;
                for (std::size_t k = 0; k < in_table.size() && perfect_; ++k) {
                    const words& w = in_table[k].second;
                    slot& sl = slots_[index(w)];
                    if (sl.index >= 0) {
                        perfect_ = false; // equal names, or a collision for this multiplier
                    }
                    sl = slot{w.w0, w.w1, w.len, static_cast<std::int32_t>(in_table[k].first)};
                }
            }
        }
    }

    // Capacity index of `name`, or -1.
    [[nodiscard]] std::int32_t find(std::string_view name) const noexcept {
        if (CBPQ_LIKELY(perfect_ && name.size() <= short_name)) {
            const words w = read(name);
            const slot& sl = slots_[index(w)];
            // An empty slot has len -1: it never matches.
            return sl.w0 == w.w0 && sl.w1 == w.w1 && sl.len == w.len ? sl.index : -1;
        }
        for (std::size_t i = 0; i < names_.size(); ++i) {
            if (names_[i] == name) {
                return static_cast<std::int32_t>(i);
            }
        }
        return -1;
    }

private:
    static constexpr std::size_t short_name = 16;

    // A name of at most 16 bytes, whole: with its length, the words determine every byte.
    struct words {
        std::uint64_t w0 = 0;
        std::uint64_t w1 = 0;
        std::int32_t len = 0;
    };

    struct slot {
        std::uint64_t w0 = 0;
        std::uint64_t w1 = 0;
        std::int32_t len = -1;
        std::int32_t index = -1;
    };

    [[nodiscard]] static words read(std::string_view s) noexcept {
        const std::size_t n = s.size();
        words w;
        w.len = static_cast<std::int32_t>(n);
        if (CBPQ_LIKELY(n >= 4)) {
            // Offset min(4k, n - 4) by masking, not by min(): compilers turn min() into a
            // branch on n < 8, 12 or 16, which mispredicts when port names of several lengths
            // arrive in random order.
            const std::size_t last = n - 4;
            std::uint32_t x[4];
            for (std::size_t k = 0; k < 4; ++k) {
                const std::size_t at = last + ((4 * k - last) & (0 - std::size_t{4 * k < last}));
                std::memcpy(&x[k], s.data() + at, 4);
            }
            w.w0 = x[0] | (std::uint64_t{x[1]} << 32);
            w.w1 = x[2] | (std::uint64_t{x[3]} << 32);
        } else if (n != 0) {
            // 1 to 3 bytes: the first, the middle and the last cover them all.
            w.w0 = static_cast<std::uint64_t>(static_cast<unsigned char>(s[0])) |
                   (static_cast<std::uint64_t>(static_cast<unsigned char>(s[n / 2])) << 8) |
                   (static_cast<std::uint64_t>(static_cast<unsigned char>(s[n - 1])) << 16);
        }
        return w;
    }

    [[nodiscard]] std::size_t index(const words& w) const noexcept {
        const std::uint64_t h =
            (w.w0 * 0xff51afd7ed558ccdULL) ^ w.w1 ^ (static_cast<std::uint64_t>(w.len) << 56);
        return static_cast<std::size_t>((h * mult_) >> shift_);
    }

    std::vector<slot> slots_;
    std::vector<std::string_view> names_;
    std::uint64_t mult_ = 0;
    int shift_ = 60;
    bool perfect_ = false;
};

// Keeps the `limit` smallest (key, id) pairs of one (port, party size) seen so far in a buffer
// of up to 2 * limit entries; nth_element halves it when full, and the running threshold
// rejects most later entrants with one comparison.
template <class Entry>
struct bounded_bucket {
    std::vector<Entry> buf;
    std::uint64_t threshold = ~std::uint64_t{0};
    std::size_t limit = 0;
};

template <class Bucket, class Less>
void trim_bucket(Bucket& b, Less less) {
    if (b.buf.size() <= b.limit) {
        return;
    }
    const auto nth = b.buf.begin() + static_cast<std::ptrdiff_t>(b.limit - 1);
    std::nth_element(b.buf.begin(), nth, b.buf.end(), less);
    b.threshold = nth->key;
    b.buf.resize(b.limit);
}

// Keeps the `limit` smallest of v under `less`, in no particular order. O(|v|).
template <class T, class Less>
void keep_smallest(std::vector<T>& v, std::size_t limit, Less less) {
    if (v.size() <= limit) {
        return;
    }
    const auto nth = v.begin() + static_cast<std::ptrdiff_t>(limit);
    std::nth_element(v.begin(), nth, v.end(), less);
    v.erase(nth, v.end());
}

// Merges partial b into a, for the partial types with key_bytes, entrants and ports of
// (port, limits, by_size): per (port, party size), concatenate and keep the `limit` smallest
// under `less`. Throws invalid_input, leaving `a` unchanged, if they belong to different
// draws.
template <class Partial, class Less>
void merge_sized_partials(Partial& a, const Partial& b, Less less) {
    if (a.key_bytes != b.key_bytes) {
        throw_invalid_input("partial draw", "key", "partials of different draw keys");
    }
    if (a.ports.size() != b.ports.size()) {
        throw_invalid_input("partial draw", "ports", "partials of different capacities");
    }
    for (std::size_t p = 0; p < a.ports.size(); ++p) {
        const auto& pa = a.ports[p];
        const auto& pb = b.ports[p];
        if (pa.port != pb.port || pa.limits != pb.limits ||
            pa.by_size.size() != pb.by_size.size()) {
            throw_invalid_input("partial draw", "port '" + pa.port + "'",
                                "partials of different capacities or options");
        }
    }
    for (std::size_t p = 0; p < a.ports.size(); ++p) {
        auto& pa = a.ports[p];
        const auto& pb = b.ports[p];
        for (std::size_t s = 0; s < pa.by_size.size(); ++s) {
            auto& dst = pa.by_size[s];
            dst.insert(dst.end(), pb.by_size[s].begin(), pb.by_size[s].end());
            keep_smallest(dst, pa.limits[s], less);
        }
    }
    a.entrants += b.entrants;
}

template <class It>
struct pending_entry {
    std::uint64_t key;
    It it;
};

template <class T>
[[nodiscard]] std::string port_text(const T& port) {
    if constexpr (std::integral<T>) {
        // Appended, not "#" + to_string(...): GCC 12 at -O3 reports a false -Wrestrict on that
        // operator+ once this is inlined into a pass.
        std::string out = "#";
        out += std::to_string(port);
        return out;
    } else {
        return std::string(std::string_view(port));
    }
}

template <class Id, class Port>
[[noreturn]] void throw_unknown_port(const Id& id, const Port& port) {
    if constexpr (std::integral<Port>) {
        throw_invalid_input("entrant " + id_text(id), "port", "unknown port " + port_text(port));
    } else {
        throw_invalid_input("entrant " + id_text(id), "port",
                            "unknown port '" + port_text(port) + "'");
    }
}

template <class Id>
[[noreturn]] void throw_bad_party(const Id& id, std::int64_t party, std::int64_t max_party) {
    throw_invalid_input("entrant " + id_text(id), "party",
                        "party size " + std::to_string(party) + " is outside 1.." +
                            std::to_string(max_party));
}

} // namespace detail

namespace detail {

// The order of the uniform lottery: an entrant's walk value is its key.
struct key_order {
    static constexpr bool value_is_key = true;
    draw_policy policy = draw_policy::uniform;
    template <class Ref>
    constexpr std::uint64_t operator()(const Ref&, std::uint64_t k, std::uint64_t) const noexcept {
        return k;
    }
};

// Pass one of every keyed policy (collect_draw documents it). `order(entrant, key, threshold)`
// gives the 64-bit value the bucket orders by (ties by key, then id); it may return
// ~0 for an entrant it proves to lie above the bucket's current threshold.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj, class Order>
[[nodiscard]] auto collect_ordered(const R& entrants, const day_capacity& capacity,
                                   const draw_key& key, const draw_options& options, IdProj id_proj,
                                   PortProj port_proj, PartyProj party_proj, const Order& order,
                                   key_scratch* scratch) {
    using ref = std::ranges::range_reference_t<const R>;
    using raw_id = std::remove_cvref_t<std::invoke_result_t<IdProj&, ref>>;
    static_assert(entrant_id<raw_id>, "the id projection must give an integer or a string");
    using Id = stored_id_t<raw_id>;
    using It = std::ranges::iterator_t<const R>;
    using port_t = std::remove_cvref_t<std::invoke_result_t<PortProj&, ref>>;
    using party_t = std::remove_cvref_t<std::invoke_result_t<PartyProj&, ref>>;
    static_assert(std::integral<party_t>, "the party projection must give an integer");
    static_assert(std::integral<port_t> || std::convertible_to<const port_t&, std::string_view>,
                  "the port projection must give a port name or a capacity index");

    detail::validate_options(options, order.policy);
    detail::validate_capacity(capacity);

    const std::size_t nports = capacity.ports.size();
    const auto max_party = static_cast<std::size_t>(options.max_party);
    using entry = detail::pending_entry<It>;
    std::vector<detail::bounded_bucket<entry>> buckets(nports * max_party);
    std::vector<std::vector<std::size_t>> limits(nports);
    for (std::size_t p = 0; p < nports; ++p) {
        limits[p] = detail::port_limits(capacity.ports[p], options);
        for (std::size_t s = 0; s < max_party; ++s) {
            auto& b = buckets[p * max_party + s];
            b.limit = limits[p][s];
        }
    }
    auto less = [&](const entry& a, const entry& b) {
        if (a.key != b.key) {
            return a.key < b.key;
        }
        if constexpr (!Order::value_is_key) {
            const std::uint64_t ka = key.entrant_key(std::invoke(id_proj, *a.it));
            const std::uint64_t kb = key.entrant_key(std::invoke(id_proj, *b.it));
            if (ka != kb) {
                return ka < kb;
            }
        }
        return compare_ids(std::invoke(id_proj, *a.it), std::invoke(id_proj, *b.it)) < 0;
    };
    const detail::port_lookup lookup(capacity);

    // One entrant after its key is known.
    // One entrant after its key is known. The hot path is small enough to be inlined into
    // the pass; errors and kept entrants (rare once the thresholds settle) go out of line.
    auto keep = [&](detail::bounded_bucket<entry>& b, It at, std::uint64_t v) {
        if (CBPQ_UNLIKELY(b.buf.capacity() == 0)) {
            // Room for the bucket's whole life when its limit is of the usual size; a limit
            // from a vast capacity or waiting list (up to 2^49 entrants) grows as entrants come.
            b.buf.reserve(std::min<std::size_t>(2 * b.limit, std::size_t{1} << 16));
        }
        b.buf.push_back(entry{v, at});
        if (CBPQ_UNLIKELY(b.buf.size() >= 2 * b.limit)) {
            detail::trim_bucket(b, less);
        }
    };
    // Each entrant's bucket, read with its id (keyed_pass_tagged): `invalid` when its port or
    // party is bad, which place() then reports (errors in input order). Only a host
    // projection's own exception leaves from here.
    constexpr std::size_t invalid = static_cast<std::size_t>(-1);
    auto bucket_of = [&](It at) -> std::size_t {
        const auto& port = std::invoke(port_proj, *at);
        std::size_t pi = 0;
        if constexpr (std::integral<port_t>) {
            if (CBPQ_UNLIKELY(port < 0 || static_cast<std::uint64_t>(port) >= nports)) {
                return invalid;
            }
            pi = static_cast<std::size_t>(port);
        } else {
            const std::int32_t found = lookup.find(std::string_view(port));
            if (CBPQ_UNLIKELY(found < 0)) {
                return invalid;
            }
            pi = static_cast<std::size_t>(found);
        }
        const auto party = static_cast<std::int64_t>(std::invoke(party_proj, *at));
        if (CBPQ_UNLIKELY(party < 1 || party > options.max_party)) {
            return invalid;
        }
        return pi * max_party + static_cast<std::size_t>(party - 1);
    };
    // Out of line: the error of an entrant whose bucket_of was invalid.
    auto throw_invalid = [&](It at) {
        const auto& port = std::invoke(port_proj, *at);
        if constexpr (std::integral<port_t>) {
            if (port < 0 || static_cast<std::uint64_t>(port) >= nports) {
                detail::throw_unknown_port(std::invoke(id_proj, *at), port);
            }
        } else {
            if (lookup.find(std::string_view(port)) < 0) {
                detail::throw_unknown_port(std::invoke(id_proj, *at), port);
            }
        }
        detail::throw_bad_party(std::invoke(id_proj, *at),
                                static_cast<std::int64_t>(std::invoke(party_proj, *at)),
                                options.max_party);
    };
    auto place = [&](It at, std::uint64_t k, std::size_t bucket) {
        if (CBPQ_UNLIKELY(bucket == invalid)) {
            throw_invalid(at);
        }
        auto& b = buckets[bucket];
        if constexpr (Order::value_is_key) {
            if (CBPQ_UNLIKELY(k <= b.threshold)) {
                keep(b, at, k);
            }
        } else {
            const std::uint64_t v = order(*at, k, b.threshold);
            if (v <= b.threshold) {
                keep(b, at, v);
            }
        }
    };

    const std::uint64_t count = detail::keyed_pass_tagged(
        entrants, key, id_proj, options.check_duplicate_ids, scratch, bucket_of, place);

    draw_partial<Id> out;
    out.key_bytes = key.bytes();
    out.entrants = count;
    out.ports.resize(nports);
    for (std::size_t p = 0; p < nports; ++p) {
        auto& part = out.ports[p];
        part.port = capacity.ports[p].port;
        part.limits = std::move(limits[p]);
        part.by_size.resize(max_party);
        for (std::size_t s = 0; s < max_party; ++s) {
            auto& b = buckets[p * max_party + s];
            detail::trim_bucket(b, less);
            auto& dst = part.by_size[s];
            dst.reserve(b.buf.size());
            for (const entry& e : b.buf) {
                dst.push_back(draw_candidate<Id>{e.key, Id(std::invoke(id_proj, *e.it)),
                                                 static_cast<std::int64_t>(s + 1)});
            }
        }
    }
    return out;
}

} // namespace detail

/// Pass one of a draw over one shard (or the whole pool): validates every entrant, computes
/// its key and keeps, per port and party size, only the entrants that can be selected, wait
/// or stop the walk. Projections read the host's records in place: `id_proj` gives an
/// entrant_id, `port_proj` a port name (anything convertible to std::string_view) or a
/// capacity index (an integer), `party_proj` an integer party size.
/// O(n) time, O(ports x max_party x (capacity + alternates)) memory, plus about 9 bytes per entrant
/// while duplicates are checked. Throws invalid_input naming the entrant and field (unknown
/// port, party out of range, duplicate id) or the capacity record; nothing is returned then.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj>
[[nodiscard]] auto collect_draw(const R& entrants, const day_capacity& capacity,
                                const draw_key& key, const draw_options& options, IdProj id_proj,
                                PortProj port_proj, PartyProj party_proj) {
    return detail::collect_ordered(entrants, capacity, key, options, std::move(id_proj),
                                   std::move(port_proj), std::move(party_proj), detail::key_order{},
                                   nullptr);
}

/// collect_draw with the scratch memory of `workspace` (see draw_workspace): the same result.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj>
[[nodiscard]] auto collect_draw(const R& entrants, const day_capacity& capacity,
                                const draw_key& key, const draw_options& options, IdProj id_proj,
                                PortProj port_proj, PartyProj party_proj,
                                draw_workspace& workspace) {
    return detail::collect_ordered(entrants, capacity, key, options, std::move(id_proj),
                                   std::move(port_proj), std::move(party_proj), detail::key_order{},
                                   detail::scratch_of(workspace));
}

/// Merges the partial draws of two disjoint shards into the partial of their union: per
/// (port, party size), concatenate and keep the `limit` smallest. Commutative and
/// associative. O(size of the partials). Throws invalid_input if the partials belong to
/// different draws (key, ports or limits differ).
template <class Id>
[[nodiscard]] draw_partial<Id> merge_partials(draw_partial<Id> a, const draw_partial<Id>& b) {
    detail::merge_sized_partials(a, b,
                                 [](const draw_candidate<Id>& x, const draw_candidate<Id>& y) {
                                     return draw_order_less(x.key, x.id, y.key, y.id);
                                 });
    return a;
}

namespace detail {

// What is left of a port while it is walked: persons, parties and each slot's room.
struct walk_state {
    std::int64_t persons_left = 0;
    std::int64_t parties_left = 0;
    std::vector<std::int64_t> room;

    explicit walk_state(const port_capacity& cap)
        : persons_left(cap.persons),
          parties_left(cap.parties ? *cap.parties : std::numeric_limits<std::int64_t>::max()) {
        room.reserve(cap.slots.size());
        for (const auto& s : cap.slots) {
            room.push_back(s.persons);
        }
    }
};

// The fill walk of one port over its candidates in draw order, from the state `st` (which it
// consumes: afterwards it holds what is left).
template <class Id>
port_draw<Id> walk_port_from(const port_capacity& cap, const std::vector<draw_candidate<Id>>& order,
                             const draw_options& options, walk_state& st) {
    port_draw<Id> out;
    out.port = cap.port;
    std::int64_t& persons_left = st.persons_left;
    std::int64_t& parties_left = st.parties_left;
    std::vector<std::int64_t>& room = st.room;
    out.slot_persons.assign(room.size(), 0);
    const bool grid = !room.empty();
    auto exhausted = [&] {
        if (persons_left <= 0 || parties_left <= 0) {
            return true;
        }
        if (grid) {
            for (const std::int64_t r : room) {
                if (r > 0) {
                    return false;
                }
            }
            return true;
        }
        return false;
    };
    std::vector<const draw_candidate<Id>*> passed; // not selected, in draw order
    bool stopped = exhausted();
    if (stopped) {
        out.end = walk_end::at_start;
    }
    for (const auto& c : order) {
        if (stopped) {
            if (passed.size() >= options.alternates) {
                break;
            }
            passed.push_back(&c);
            continue;
        }
        bool fits = c.party <= persons_left && parties_left > 0;
        std::optional<std::size_t> slot;
        if (fits && grid) {
            for (std::size_t j = 0; j < room.size(); ++j) {
                if (room[j] >= c.party) {
                    slot = j;
                    break;
                }
            }
            fits = slot.has_value();
        }
        if (fits) {
            persons_left -= c.party;
            --parties_left;
            if (slot) {
                room[*slot] -= c.party;
                out.slot_persons[*slot] += c.party;
            }
            out.persons += c.party;
            ++out.parties;
            out.selected.push_back(
                selected_party<Id>{c.id, c.party, out.selected.size() + 1, slot, c.key});
            if (exhausted()) {
                stopped = true;
                out.end = walk_end::at_entrant;
                out.end_key = c.key;
                out.end_id = c.id;
            }
        } else {
            passed.push_back(&c);
            if (options.fill == fill_rule::strict) {
                stopped = true;
                out.end = walk_end::at_entrant;
                out.end_key = c.key;
                out.end_id = c.id;
            }
        }
    }
    const std::size_t n = std::min(passed.size(), options.alternates);
    out.alternates.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& c = *passed[i];
        out.alternates.push_back(alternate_party<Id>{
            c.id, c.party, i + 1, draw_result<Id>::reason_at(out, c.key, c.id), c.key});
    }
    return out;
}

// The fill walk of one port from its full capacity.
template <class Id>
port_draw<Id> walk_port(const port_capacity& cap, const std::vector<draw_candidate<Id>>& order,
                        const draw_options& options) {
    walk_state st(cap);
    return walk_port_from(cap, order, options, st);
}

} // namespace detail

/// Pass two: orders each port's candidates by (key, id) and walks them under the fill rule.
/// `capacity` and `options` must be those the partial was collected with (checked through
/// the per-size limits), and the key must match. O(c log c) for c candidates. Throws
/// invalid_input on a mismatch or on a duplicate id among the candidates (at one port or at
/// two).
template <class Id>
[[nodiscard]] draw_result<Id> finish_draw(const draw_partial<Id>& partial,
                                          const day_capacity& capacity, const draw_key& key,
                                          const draw_options& options) {
    detail::validate_options(options);
    detail::validate_capacity(capacity);
    if (partial.key_bytes != key.bytes()) {
        detail::throw_invalid_input("partial draw", "key", "partial of a different draw key");
    }
    if (partial.ports.size() != capacity.ports.size()) {
        detail::throw_invalid_input("partial draw", "ports", "partial of a different capacity");
    }
    const auto by_draw_order = [](const draw_candidate<Id>& x, const draw_candidate<Id>& y) {
        return draw_order_less(x.key, x.id, y.key, y.id);
    };
    // Every port's candidates in draw order, checked before any port is walked.
    std::vector<std::vector<draw_candidate<Id>>> orders(capacity.ports.size());
    std::vector<const draw_candidate<Id>*> everyone;
    for (std::size_t p = 0; p < capacity.ports.size(); ++p) {
        const auto& cap = capacity.ports[p];
        const auto& part = partial.ports[p];
        if (part.port != cap.port || part.limits != detail::port_limits(cap, options)) {
            detail::throw_invalid_input("partial draw", "port '" + cap.port + "'",
                                        "partial of a different capacity or options");
        }
        auto& order = orders[p];
        for (std::size_t s = 0; s < part.by_size.size(); ++s) {
            for (const auto& c : part.by_size[s]) {
                if (c.party != static_cast<std::int64_t>(s + 1)) {
                    detail::throw_invalid_input("entrant " + id_text(c.id), "party",
                                                "kept under the wrong party size");
                }
                detail::check_partial_key(key, c.key, c.id);
                order.push_back(c);
            }
        }
        std::sort(order.begin(), order.end(), by_draw_order);
        for (const auto& c : order) {
            everyone.push_back(&c);
        }
    }
    // One id twice among the candidates, at one port or at two (from shards, or with
    // check_duplicate_ids off): a key depends on the id alone, so the copies sort side by side.
    std::sort(everyone.begin(), everyone.end(),
              [&](const draw_candidate<Id>* x, const draw_candidate<Id>* y) {
                  return by_draw_order(*x, *y);
              });
    for (std::size_t i = 1; i < everyone.size(); ++i) {
        if (everyone[i]->key == everyone[i - 1]->key &&
            compare_ids(everyone[i]->id, everyone[i - 1]->id) == 0) {
            detail::throw_duplicate(everyone[i]->id);
        }
    }
    draw_result<Id> result(key, options);
    result.ports.reserve(capacity.ports.size());
    for (std::size_t p = 0; p < capacity.ports.size(); ++p) {
        result.ports.push_back(detail::walk_port(capacity.ports[p], orders[p], options));
    }
    return result;
}

/// The draw: who gets each port's capacity, in keyed order, under the fill rule, with a
/// waiting list per port and a reason for everyone not selected. A pure function of (key,
/// entrant set, capacity, options): any order of the same entrants gives the same result.
/// Entrants are read in place through the projections (see collect_draw). O(n) plus
/// O(c log c) for the c = O(ports x max_party x (capacity + alternates)) candidates; the
/// keys are computed in SIMD batches. Validates everything first: throws invalid_input naming
/// the record and field, and returns nothing, on bad input.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj>
[[nodiscard]] auto draw(const R& entrants, const day_capacity& capacity, const draw_key& key,
                        const draw_options& options, IdProj id_proj, PortProj port_proj,
                        PartyProj party_proj) {
    auto partial = collect_draw(entrants, capacity, key, options, std::move(id_proj),
                                std::move(port_proj), std::move(party_proj));
    return finish_draw(partial, capacity, key, options);
}

/// The draw with the scratch memory of `workspace` (see draw_workspace): the same result,
/// without allocating the duplicate check's store afresh when the workspace already holds one
/// large enough.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj>
[[nodiscard]] auto draw(const R& entrants, const day_capacity& capacity, const draw_key& key,
                        const draw_options& options, IdProj id_proj, PortProj port_proj,
                        PartyProj party_proj, draw_workspace& workspace) {
    auto partial = collect_draw(entrants, capacity, key, options, std::move(id_proj),
                                std::move(port_proj), std::move(party_proj), workspace);
    return finish_draw(partial, capacity, key, options);
}

/// The draw over records read through entrant_traits (members .id, .port, .party by
/// default).
template <std::ranges::forward_range R>
[[nodiscard]] auto draw(const R& entrants, const day_capacity& capacity, const draw_key& key,
                        const draw_options& options = {}) {
    using T = detail::record_t<R>;
    return draw(entrants, capacity, key, options, detail::traits_id<T>{}, detail::traits_port<T>{},
                detail::traits_party<T>{});
}

/// The draw over records read through entrant_traits, with the scratch memory of `workspace`
/// (see draw_workspace): the same result.
template <std::ranges::forward_range R>
[[nodiscard]] auto draw(const R& entrants, const day_capacity& capacity, const draw_key& key,
                        const draw_options& options, draw_workspace& workspace) {
    using T = detail::record_t<R>;
    return draw(entrants, capacity, key, options, detail::traits_id<T>{}, detail::traits_port<T>{},
                detail::traits_party<T>{}, workspace);
}

/// Pass one through entrant_traits (see collect_draw).
template <std::ranges::forward_range R>
[[nodiscard]] auto collect_draw(const R& entrants, const day_capacity& capacity,
                                const draw_key& key, const draw_options& options = {}) {
    using T = detail::record_t<R>;
    return collect_draw(entrants, capacity, key, options, detail::traits_id<T>{},
                        detail::traits_port<T>{}, detail::traits_party<T>{});
}

/// Pass one through entrant_traits, with the scratch memory of `workspace` (see
/// draw_workspace): the same result.
template <std::ranges::forward_range R>
[[nodiscard]] auto collect_draw(const R& entrants, const day_capacity& capacity,
                                const draw_key& key, const draw_options& options,
                                draw_workspace& workspace) {
    using T = detail::record_t<R>;
    return collect_draw(entrants, capacity, key, options, detail::traits_id<T>{},
                        detail::traits_port<T>{}, detail::traits_party<T>{}, workspace);
}

/// Persons of port `p` reserved for seniority under share `share`: the IEEE-754 double
/// product share x persons rounded to the nearest integer, halves away from zero
/// (std::llround, exactly specified everywhere), so 0.5 x 3 gives 2. O(1), no throw.
[[nodiscard]] inline std::int64_t seniority_persons(const port_capacity& p, double share) noexcept {
    if (p.persons <= 0 || !(share > 0.0)) {
        return 0;
    }
    const double product = share * static_cast<double>(p.persons);
    if (product >= static_cast<double>(p.persons)) {
        return p.persons; // also where persons near 2^63 round up out of llround's range
    }
    return static_cast<std::int64_t>(std::llround(product));
}

/// One entrant kept for the seniority part: registration day, key, id, party size.
template <class Id>
struct seniority_candidate {
    std::int64_t registered = 0;
    std::uint64_t key = 0;
    Id id{};
    std::int64_t party = 1;

    friend bool operator==(const seniority_candidate&, const seniority_candidate&) = default;
};

/// (registered, key, id) order: the seniority order of a port.
template <class Id>
[[nodiscard]] constexpr bool seniority_order_less(const seniority_candidate<Id>& a,
                                                  const seniority_candidate<Id>& b) noexcept {
    if (a.registered != b.registered) {
        return a.registered < b.registered;
    }
    return draw_order_less(a.key, a.id, b.key, b.id);
}

/// A shard's partial seniority draw: the lottery part (key order; its per-size limits widened
/// by what the seniority part can take, so that it still holds every entrant the lottery walk
/// can reach once the seniority winners are removed) and, per port and party size, the oldest
/// min(seniority persons / size, parties) + 1 registrations. Bounded by capacity, not by the
/// shard; partials of disjoint shards merge exactly (merge_seniority_partials). Ship with
/// audit.hpp's seniority_partial_to_json / seniority_partial_from_json.
template <class Id>
struct seniority_partial {
    draw_partial<Id> lottery;
    /// senior[p][s - 1]: kept entrants of port p and party size s, in no particular order.
    std::vector<std::vector<std::vector<seniority_candidate<Id>>>> senior;
    /// senior_limits[p][s - 1]: how many of them are kept.
    std::vector<std::vector<std::size_t>> senior_limits;

    friend bool operator==(const seniority_partial&, const seniority_partial&) = default;
};

namespace detail {

inline void validate_seniority(const day_capacity& capacity, const draw_options& options) {
    validate_options(options, draw_policy::seniority);
    validate_capacity(capacity);
}

// The uniform options of the lottery part: the waiting list is widened by the most any
// seniority part can take from one party size (min(seniority persons, parties) for size 1),
// so each key-order bucket keeps enough entrants after the seniority winners are removed.
inline draw_options seniority_lottery_options(const day_capacity& capacity,
                                              const draw_options& options) {
    draw_options o = options;
    o.policy = draw_policy::uniform;
    o.seniority_share = 0.0;
    std::size_t extra = 0;
    for (const auto& p : capacity.ports) {
        port_capacity q = p;
        q.persons = seniority_persons(p, options.seniority_share);
        extra = std::max(extra, bucket_limit(q, 1, 0) - 1);
    }
    o.alternates += extra;
    return o;
}

inline std::vector<std::vector<std::size_t>> seniority_limits(const day_capacity& capacity,
                                                              const draw_options& options) {
    std::vector<std::vector<std::size_t>> out;
    out.reserve(capacity.ports.size());
    for (const auto& p : capacity.ports) {
        port_capacity q = p;
        q.persons = seniority_persons(p, options.seniority_share);
        std::vector<std::size_t> l(static_cast<std::size_t>(options.max_party));
        for (std::size_t s = 0; s < l.size(); ++s) {
            // No seniority persons: nothing is kept (the walk starts exhausted).
            l[s] = q.persons > 0 ? bucket_limit(q, static_cast<std::int64_t>(s + 1), 0) : 0;
        }
        out.push_back(std::move(l));
    }
    return out;
}

template <class Id>
void trim_senior(std::vector<seniority_candidate<Id>>& v, std::size_t limit) {
    keep_smallest(v, limit,
                  [](const auto& a, const auto& b) { return seniority_order_less(a, b); });
}

} // namespace detail

namespace detail {

// collect_seniority, its scratch memory from `scratch` (see keyed_pass).
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj>
[[nodiscard]] auto collect_seniority_in(const R& entrants, const day_capacity& capacity,
                                        const draw_key& key, const draw_options& options,
                                        IdProj id_proj, PortProj port_proj, PartyProj party_proj,
                                        RegProj registered_proj, key_scratch* scratch) {
    using ref = std::ranges::range_reference_t<const R>;
    using reg_t = std::remove_cvref_t<std::invoke_result_t<RegProj&, ref>>;
    static_assert(std::integral<reg_t>, "the registered projection must give an integer day");
    using port_t = std::remove_cvref_t<std::invoke_result_t<PortProj&, ref>>;
    detail::validate_seniority(capacity, options);
    auto lottery = detail::collect_ordered(entrants, capacity, key,
                                           detail::seniority_lottery_options(capacity, options),
                                           id_proj, port_proj, party_proj, key_order{}, scratch);
    using Id = stored_id_t<std::remove_cvref_t<std::invoke_result_t<IdProj&, ref>>>;
    using Cand = seniority_candidate<Id>;
    seniority_partial<Id> out;
    out.senior_limits = detail::seniority_limits(capacity, options);
    const std::size_t nports = capacity.ports.size();
    const auto max_party = static_cast<std::size_t>(options.max_party);
    out.senior.assign(nports, std::vector<std::vector<Cand>>(max_party));
    // Running thresholds (registered, key) of the full buckets.
    std::vector<std::pair<std::int64_t, std::uint64_t>> thr(
        nports * max_party, {std::numeric_limits<std::int64_t>::max(), ~std::uint64_t{0}});
    const detail::port_lookup lookup(capacity);
    for (const auto& e : entrants) {
        const auto& port = std::invoke(port_proj, e);
        std::size_t pi = 0;
        if constexpr (std::integral<port_t>) {
            pi = static_cast<std::size_t>(port);
        } else {
            pi = static_cast<std::size_t>(lookup.find(std::string_view(port)));
        }
        const auto s = static_cast<std::size_t>(std::invoke(party_proj, e) - 1);
        const std::size_t limit = out.senior_limits[pi][s];
        if (limit == 0) {
            continue;
        }
        const auto reg = static_cast<std::int64_t>(std::invoke(registered_proj, e));
        auto& t = thr[pi * max_party + s];
        if (reg > t.first) {
            continue;
        }
        const auto& id = std::invoke(id_proj, e);
        const std::uint64_t k = key.entrant_key(id);
        if (reg == t.first && k > t.second) {
            continue;
        }
        auto& b = out.senior[pi][s];
        b.push_back(Cand{reg, k, Id(id), static_cast<std::int64_t>(s + 1)});
        if (b.size() >= 2 * limit) {
            detail::trim_senior(b, limit);
            const auto last =
                std::max_element(b.begin(), b.end(), [](const auto& x, const auto& y) {
                    return seniority_order_less(x, y);
                });
            t = {last->registered, last->key};
        }
    }
    for (std::size_t p = 0; p < nports; ++p) {
        for (std::size_t s = 0; s < max_party; ++s) {
            detail::trim_senior(out.senior[p][s], out.senior_limits[p][s]);
        }
    }
    out.lottery = std::move(lottery);
    return out;
}

} // namespace detail

/// Pass one of a seniority draw (options.policy == seniority) over one shard: the uniform
/// pass one (collect_draw, which validates every entrant) plus a second pass that keeps, per
/// port and party size, the oldest registrations. `registered_proj` gives an integer day
/// number (days since 1970-01-01, or any consistent count). O(n) time; memory bounded by
/// capacity. Throws invalid_input naming the record and field; nothing is returned then.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj>
[[nodiscard]] auto collect_seniority(const R& entrants, const day_capacity& capacity,
                                     const draw_key& key, const draw_options& options,
                                     IdProj id_proj, PortProj port_proj, PartyProj party_proj,
                                     RegProj registered_proj) {
    return detail::collect_seniority_in(entrants, capacity, key, options, std::move(id_proj),
                                        std::move(port_proj), std::move(party_proj),
                                        std::move(registered_proj), nullptr);
}

/// collect_seniority with the scratch memory of `workspace` (see draw_workspace): the same
/// result.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj>
[[nodiscard]] auto collect_seniority(const R& entrants, const day_capacity& capacity,
                                     const draw_key& key, const draw_options& options,
                                     IdProj id_proj, PortProj port_proj, PartyProj party_proj,
                                     RegProj registered_proj, draw_workspace& workspace) {
    return detail::collect_seniority_in(entrants, capacity, key, options, std::move(id_proj),
                                        std::move(port_proj), std::move(party_proj),
                                        std::move(registered_proj), detail::scratch_of(workspace));
}

/// Merges the seniority partials of two disjoint shards (see merge_partials). Commutative and
/// associative. Throws invalid_input if they belong to different draws.
template <class Id>
[[nodiscard]] seniority_partial<Id> merge_seniority_partials(seniority_partial<Id> a,
                                                             const seniority_partial<Id>& b) {
    if (a.senior_limits != b.senior_limits || a.senior.size() != b.senior.size()) {
        detail::throw_invalid_input("partial draw", "seniority",
                                    "partials of different capacities or shares");
    }
    a.lottery = merge_partials(std::move(a.lottery), b.lottery);
    for (std::size_t p = 0; p < a.senior.size(); ++p) {
        for (std::size_t s = 0; s < a.senior[p].size(); ++s) {
            auto& dst = a.senior[p][s];
            dst.insert(dst.end(), b.senior[p][s].begin(), b.senior[p][s].end());
            detail::trim_senior(dst, a.senior_limits[p][s]);
        }
    }
    return a;
}

/// Pass two of a seniority draw. Per port: the seniority part walks the kept entrants in
/// (registered, key, id) order under the fill rule with seniority_persons persons (and the
/// port's parties and slots); then the lottery part walks the others in keyed order with
/// everything left, unused seniority persons included. `selected` lists both parts in keyed
/// order (for outcome_of); `rank` is the order of selection (seniority winners first). The
/// waiting list and the reasons come from the lottery part. O(c log c). Throws invalid_input
/// on a mismatched partial.
template <class Id>
[[nodiscard]] draw_result<Id> finish_seniority(const seniority_partial<Id>& partial,
                                               const day_capacity& capacity, const draw_key& key,
                                               const draw_options& options) {
    detail::validate_seniority(capacity, options);
    if (partial.senior_limits != detail::seniority_limits(capacity, options) ||
        partial.senior.size() != capacity.ports.size()) {
        detail::throw_invalid_input("partial draw", "seniority",
                                    "partial of a different capacity or share");
    }
    for (std::size_t p = 0; p < partial.senior.size(); ++p) {
        if (partial.senior[p].size() != partial.senior_limits[p].size()) {
            detail::throw_invalid_input("partial draw", "seniority",
                                        "partial of different options");
        }
        for (std::size_t s = 0; s < partial.senior[p].size(); ++s) {
            for (const auto& c : partial.senior[p][s]) {
                if (c.party != static_cast<std::int64_t>(s + 1)) {
                    detail::throw_invalid_input("entrant " + id_text(c.id), "party",
                                                "kept under the wrong party size");
                }
                detail::check_partial_key(key, c.key, c.id);
            }
        }
    }
    const draw_result<Id> lottery = finish_draw(
        partial.lottery, capacity, key, detail::seniority_lottery_options(capacity, options));
    (void)lottery; // validates the lottery part (key, limits, duplicates)
    draw_result<Id> result(key, options);
    result.ports.reserve(capacity.ports.size());
    std::vector<draw_candidate<Id>> order;
    std::vector<seniority_candidate<Id>> senior;
    draw_options first = options;
    first.alternates = 0;
    for (std::size_t p = 0; p < capacity.ports.size(); ++p) {
        const auto& cap = capacity.ports[p];
        senior.clear();
        for (const auto& v : partial.senior[p]) {
            senior.insert(senior.end(), v.begin(), v.end());
        }
        std::sort(senior.begin(), senior.end(),
                  [](const auto& a, const auto& b) { return seniority_order_less(a, b); });
        order.clear();
        for (const auto& c : senior) {
            order.push_back(draw_candidate<Id>{c.key, c.id, c.party});
        }
        detail::walk_state st(cap);
        const std::int64_t q = seniority_persons(cap, options.seniority_share);
        st.persons_left = q;
        port_draw<Id> one = detail::walk_port_from(cap, order, first, st);
        st.persons_left = cap.persons - one.persons;
        std::vector<std::pair<std::uint64_t, const Id*>> won;
        for (const auto& w : one.selected) {
            won.emplace_back(w.key, &w.id);
        }
        auto less_won = [](const auto& x, const auto& y) {
            return draw_order_less(x.first, *x.second, y.first, *y.second);
        };
        std::sort(won.begin(), won.end(), less_won);
        order.clear();
        for (const auto& v : partial.lottery.ports[p].by_size) {
            for (const auto& c : v) {
                if (!std::binary_search(won.begin(), won.end(),
                                        std::pair<std::uint64_t, const Id*>{c.key, &c.id},
                                        less_won)) {
                    order.push_back(c);
                }
            }
        }
        std::sort(order.begin(), order.end(), [](const auto& x, const auto& y) {
            return draw_order_less(x.key, x.id, y.key, y.id);
        });
        port_draw<Id> two = detail::walk_port_from(cap, order, options, st);
        const std::size_t m = one.selected.size();
        for (auto& w : two.selected) {
            w.rank += m;
        }
        two.selected.insert(two.selected.end(), one.selected.begin(), one.selected.end());
        std::sort(two.selected.begin(), two.selected.end(), [](const auto& x, const auto& y) {
            return draw_order_less(x.key, x.id, y.key, y.id);
        });
        two.persons += one.persons;
        two.parties += one.parties;
        for (std::size_t j = 0; j < two.slot_persons.size(); ++j) {
            two.slot_persons[j] += one.slot_persons[j];
        }
        result.ports.push_back(std::move(two));
    }
    return result;
}

/// The seniority draw (options.policy == seniority, share options.seniority_share): per port,
/// seniority_persons persons to the oldest registrations (ties by key), the rest, plus any
/// seniority persons left unused, by the keyed lottery among the others. A pure function of
/// (key, entrant set, capacity, options); shards merge exactly. O(n) plus O(c log c).
/// Throws invalid_input naming the record and field on bad input.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj>
[[nodiscard]] auto draw_seniority(const R& entrants, const day_capacity& capacity,
                                  const draw_key& key, const draw_options& options, IdProj id_proj,
                                  PortProj port_proj, PartyProj party_proj,
                                  RegProj registered_proj) {
    auto partial =
        collect_seniority(entrants, capacity, key, options, std::move(id_proj),
                          std::move(port_proj), std::move(party_proj), std::move(registered_proj));
    return finish_seniority(partial, capacity, key, options);
}

/// The seniority draw with the scratch memory of `workspace` (see draw_workspace): the same
/// result.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj>
[[nodiscard]] auto draw_seniority(const R& entrants, const day_capacity& capacity,
                                  const draw_key& key, const draw_options& options, IdProj id_proj,
                                  PortProj port_proj, PartyProj party_proj, RegProj registered_proj,
                                  draw_workspace& workspace) {
    auto partial = collect_seniority(entrants, capacity, key, options, std::move(id_proj),
                                     std::move(port_proj), std::move(party_proj),
                                     std::move(registered_proj), workspace);
    return finish_seniority(partial, capacity, key, options);
}

/// Puts a seniority partial in its canonical order: the lottery part as sort_partial does, and
/// each seniority bucket by (registered, key, id). O(c log c).
template <class Id>
void sort_partial(seniority_partial<Id>& part) {
    sort_partial(part.lottery);
    for (auto& port : part.senior) {
        for (auto& bucket : port) {
            std::sort(bucket.begin(), bucket.end(),
                      [](const auto& a, const auto& b) { return seniority_order_less(a, b); });
        }
    }
}

/// Pass one of a seniority draw over records read through entrant_traits, the registration
/// day from entrant_traits<T>::registered (see collect_seniority).
template <std::ranges::forward_range R>
requires registered_entrant<detail::record_t<R>>
[[nodiscard]] auto collect_seniority(const R& entrants, const day_capacity& capacity,
                                     const draw_key& key, const draw_options& options) {
    using T = detail::record_t<R>;
    return collect_seniority(entrants, capacity, key, options, detail::traits_id<T>{},
                             detail::traits_port<T>{}, detail::traits_party<T>{},
                             detail::traits_registered<T>{});
}

/// collect_seniority through entrant_traits, with the scratch memory of `workspace` (see
/// draw_workspace): the same result.
template <std::ranges::forward_range R>
requires registered_entrant<detail::record_t<R>>
[[nodiscard]] auto collect_seniority(const R& entrants, const day_capacity& capacity,
                                     const draw_key& key, const draw_options& options,
                                     draw_workspace& workspace) {
    using T = detail::record_t<R>;
    return collect_seniority(entrants, capacity, key, options, detail::traits_id<T>{},
                             detail::traits_port<T>{}, detail::traits_party<T>{},
                             detail::traits_registered<T>{}, workspace);
}

/// The seniority draw over records read through entrant_traits, the registration day from
/// entrant_traits<T>::registered (see draw_seniority): the same result as the projection form
/// given the same fields.
template <std::ranges::forward_range R>
requires registered_entrant<detail::record_t<R>>
[[nodiscard]] auto draw_seniority(const R& entrants, const day_capacity& capacity,
                                  const draw_key& key, const draw_options& options) {
    using T = detail::record_t<R>;
    return draw_seniority(entrants, capacity, key, options, detail::traits_id<T>{},
                          detail::traits_port<T>{}, detail::traits_party<T>{},
                          detail::traits_registered<T>{});
}

/// draw_seniority through entrant_traits, with the scratch memory of `workspace` (see
/// draw_workspace): the same result.
template <std::ranges::forward_range R>
requires registered_entrant<detail::record_t<R>>
[[nodiscard]] auto draw_seniority(const R& entrants, const day_capacity& capacity,
                                  const draw_key& key, const draw_options& options,
                                  draw_workspace& workspace) {
    using T = detail::record_t<R>;
    return draw_seniority(entrants, capacity, key, options, detail::traits_id<T>{},
                          detail::traits_port<T>{}, detail::traits_party<T>{},
                          detail::traits_registered<T>{}, workspace);
}

// ---------------------------------------------------------------------------------------------
// Weighted and aging draws (docs/policies.md)

/// Text form of an aging rule: "linear/P", "double/P", with "/CAP" when capped (CAP in the
/// shortest decimal that reads back as the same binary64). O(1).
[[nodiscard]] inline std::string to_string(const aging_rule& a) {
    std::string out = a.kind == aging_rule::shape::doubling ? "double/" : "linear/";
    out += std::to_string(a.period);
    if (a.cap > 0.0) {
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, a.cap);
        out += '/';
        out.append(buf, r.ptr);
    }
    return out;
}

/// Parses `linear/P[/CAP]` or `double/P[/CAP]` (an optional leading "aging:" is allowed): P a
/// whole number of days 1..100000, CAP a decimal number from 1 to 2^100, read as the nearest
/// binary64. Throws invalid_input naming the text and the field `aging`.
[[nodiscard]] inline aging_rule parse_aging_rule(std::string_view spec) {
    const std::string record = "aging rule '" + std::string(spec.substr(0, 60)) + "'";
    std::string_view rest = spec;
    if (rest.rfind("aging:", 0) == 0) {
        rest.remove_prefix(6);
    }
    aging_rule a;
    if (rest.rfind("linear/", 0) == 0) {
        a.kind = aging_rule::shape::linear;
    } else if (rest.rfind("double/", 0) == 0) {
        a.kind = aging_rule::shape::doubling;
    } else {
        detail::throw_invalid_input(record, "aging",
                                    "expected linear/PERIOD[/CAP] or double/PERIOD[/CAP]");
    }
    rest.remove_prefix(7);
    const auto slash = rest.find('/');
    const std::string_view period = rest.substr(0, slash);
    std::int32_t p = 0;
    const auto pr = std::from_chars(period.data(), period.data() + period.size(), p);
    if (period.empty() || pr.ec != std::errc{} || pr.ptr != period.data() + period.size() ||
        p < 1 || p > 100000) {
        detail::throw_invalid_input(record, "aging",
                                    "the period must be a whole number of days from 1 to 100000");
    }
    a.period = p;
    if (slash != std::string_view::npos) {
        const std::string_view cap = rest.substr(slash + 1);
        double c = 0.0;
        const auto cr = std::from_chars(cap.data(), cap.data() + cap.size(), c);
        if (cap.empty() || cr.ec != std::errc{} || cr.ptr != cap.data() + cap.size() ||
            !(c >= 1.0 && c <= max_weight)) {
            detail::throw_invalid_input(record, "aging",
                                        "the cap must be a decimal number from 1 to 2^100");
        }
        a.cap = c;
    }
    return a;
}

/// The value an entrant is walked by in a weighted draw: q = E / w with E = -ln(u),
/// u = unit_interval(key), E from the integer logarithm of docs/policies.md ("The
/// logarithm") and one binary64 division, so q reproduces bit for bit everywhere. Smaller
/// first (Efraimidis and Spirakis, "Weighted random sampling with a reservoir", IPL 97(5),
/// 2006). `weight` must lie in [min_weight, max_weight]. O(1) (58 integer squarings).
[[nodiscard]] inline double weighted_value(std::uint64_t key, double weight) noexcept {
    return detail::neg_log_unit(key) / weight;
}

/// One entrant kept for a weighted walk: its value q = E / w, key, id and party size.
template <class Id>
struct weighted_candidate {
    double value = 0.0;
    std::uint64_t key = 0;
    Id id{};
    std::int64_t party = 1;

    friend bool operator==(const weighted_candidate&, const weighted_candidate&) = default;
};

/// (value, key, id) order: the walk order of a weighted port.
template <class Id>
[[nodiscard]] constexpr bool weighted_order_less(const weighted_candidate<Id>& a,
                                                 const weighted_candidate<Id>& b) noexcept {
    if (a.value != b.value) {
        return a.value < b.value;
    }
    return draw_order_less(a.key, a.id, b.key, b.id);
}

/// A shard's partial weighted (or aging) draw: per port and party size, the entrants with the
/// smallest (value, key, id), at most min(persons / size, parties) + alternates + 1 of them.
/// Bounded by capacity, not by the shard; partials of disjoint shards merge exactly
/// (merge_weighted_partials), and finish_weighted turns any partial into the result. Ship with
/// audit.hpp's weighted_partial_to_json / weighted_partial_from_json.
template <class Id>
struct weighted_partial {
    struct port_part {
        std::string port;
        /// limits[s - 1]: how many entrants of party size s are kept.
        std::vector<std::size_t> limits;
        /// by_size[s - 1]: the kept entrants of party size s, in no particular order.
        std::vector<std::vector<weighted_candidate<Id>>> by_size;

        friend bool operator==(const port_part&, const port_part&) = default;
    };

    /// The draw key's 16 bytes: partials of different draws never merge.
    std::array<unsigned char, 16> key_bytes{};
    /// Entrants read by the shards merged into this partial.
    std::uint64_t entrants = 0;
    std::vector<port_part> ports;

    friend bool operator==(const weighted_partial&, const weighted_partial&) = default;
};

namespace detail {

// The weighted order for collect_ordered. Before the 58-step logarithm, a cheap lower bound
// -ln u >= v + v^2 / 2 (v = 1 - u, exact in binary64) with generous relative and absolute
// margins rejects the entrants whose exact value must exceed the bucket's threshold, so the
// logarithm runs for about as many entrants as the buckets keep.
template <class WeightOf>
struct weight_order {
    static constexpr bool value_is_key = false;
    draw_policy policy = draw_policy::weighted;
    WeightOf weight_of;

    template <class Ref>
    std::uint64_t operator()(const Ref& e, std::uint64_t k, std::uint64_t threshold) const {
        const double w = weight_of(e);
        const double t = std::bit_cast<double>(threshold); // NaN while the bucket is open
        const double v =
            static_cast<double>(((std::uint64_t{1} << 53) - 1) - ((k >> 12) << 1)) * 0x1p-53;
        if ((v + 0.5 * v * v) * (1.0 - 0x1p-30) - 0x1p-52 > t * w * (1.0 + 0x1p-30)) {
            return ~std::uint64_t{0};
        }
        return std::bit_cast<std::uint64_t>(weighted_value(k, w));
    }
};

template <class Id>
[[noreturn]] void throw_bad_weight(const Id& id, double w) {
    std::string why;
    if (w != w) {
        why = "weight is not a number";
    } else if (w <= 0.0) {
        why = "weight must be positive";
    } else if (w == std::numeric_limits<double>::infinity()) {
        why = "weight is infinite";
    } else {
        why = "weight is outside [2^-100, 2^100]";
    }
    throw_invalid_input("entrant " + id_text(id), "weight", why);
}

template <class Id>
weighted_partial<Id> to_weighted_partial(draw_partial<Id>&& part, const draw_key& key) {
    weighted_partial<Id> out;
    out.key_bytes = part.key_bytes;
    out.entrants = part.entrants;
    out.ports.resize(part.ports.size());
    for (std::size_t p = 0; p < part.ports.size(); ++p) {
        auto& src = part.ports[p];
        auto& dst = out.ports[p];
        dst.port = std::move(src.port);
        dst.limits = std::move(src.limits);
        dst.by_size.resize(src.by_size.size());
        for (std::size_t s = 0; s < src.by_size.size(); ++s) {
            dst.by_size[s].reserve(src.by_size[s].size());
            for (auto& c : src.by_size[s]) {
                const std::uint64_t k = key.entrant_key(c.id);
                dst.by_size[s].push_back(weighted_candidate<Id>{std::bit_cast<double>(c.key), k,
                                                                std::move(c.id), c.party});
            }
        }
    }
    return out;
}

inline void check_weighted_policy(const draw_options& o) {
    if (o.policy != draw_policy::weighted && o.policy != draw_policy::aging) {
        validate_options(o, draw_policy::weighted); // names the right function
    }
    validate_options(o, o.policy);
    if (o.policy == draw_policy::aging &&
        (o.draw_day < -(std::int64_t{1} << 40) || o.draw_day > (std::int64_t{1} << 40))) {
        throw_invalid_input("draw options", "draw_day", "draw day out of range");
    }
}

} // namespace detail

namespace detail {

// collect_weighted, its scratch memory from `scratch` (see keyed_pass).
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class WeightProj>
[[nodiscard]] auto collect_weighted_in(const R& entrants, const day_capacity& capacity,
                                       const draw_key& key, const draw_options& options,
                                       IdProj id_proj, PortProj port_proj, PartyProj party_proj,
                                       WeightProj weight_proj, key_scratch* scratch) {
    using ref = std::ranges::range_reference_t<const R>;
    using weight_t = std::remove_cvref_t<std::invoke_result_t<WeightProj&, ref>>;
    static_assert(std::is_arithmetic_v<weight_t>, "the weight projection must give a number");
    if (options.policy != draw_policy::weighted) {
        detail::validate_options(options, draw_policy::weighted);
    }
    auto weight_of = [&](const auto& e) -> double {
        const auto w = static_cast<double>(std::invoke(weight_proj, e));
        if (CBPQ_UNLIKELY(!(w >= min_weight && w <= max_weight))) {
            detail::throw_bad_weight(std::invoke(id_proj, e), w);
        }
        return w;
    };
    auto part = detail::collect_ordered(
        entrants, capacity, key, options, id_proj, port_proj, party_proj,
        detail::weight_order<decltype(weight_of)>{draw_policy::weighted, weight_of}, scratch);
    return detail::to_weighted_partial(std::move(part), key);
}

// collect_aging, its scratch memory from `scratch` (see keyed_pass).
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj>
[[nodiscard]] auto collect_aging_in(const R& entrants, const day_capacity& capacity,
                                    const draw_key& key, const draw_options& options,
                                    IdProj id_proj, PortProj port_proj, PartyProj party_proj,
                                    RegProj registered_proj, key_scratch* scratch) {
    using ref = std::ranges::range_reference_t<const R>;
    using reg_t = std::remove_cvref_t<std::invoke_result_t<RegProj&, ref>>;
    static_assert(std::integral<reg_t>, "the registered projection must give an integer day");
    if (options.policy != draw_policy::aging) {
        detail::validate_options(options, draw_policy::aging);
    }
    detail::check_weighted_policy(options);
    const std::int64_t day = options.draw_day;
    const aging_rule rule = options.aging;
    auto weight_of = [&](const auto& e) -> double {
        const auto reg = static_cast<std::int64_t>(std::invoke(registered_proj, e));
        if (CBPQ_UNLIKELY(reg > day || reg < day - (std::int64_t{1} << 40))) {
            detail::throw_invalid_input("entrant " + id_text(std::invoke(id_proj, e)), "registered",
                                        reg > day
                                            ? "registered on day " + std::to_string(reg) +
                                                  ", after the draw day " + std::to_string(day)
                                            : std::string("registration day out of range"));
        }
        return rule.weight(day - reg);
    };
    auto part = detail::collect_ordered(
        entrants, capacity, key, options, id_proj, port_proj, party_proj,
        detail::weight_order<decltype(weight_of)>{draw_policy::aging, weight_of}, scratch);
    return detail::to_weighted_partial(std::move(part), key);
}

} // namespace detail

/// Pass one of a weighted draw (options.policy == weighted) over one shard: the pass one of
/// collect_draw (same validation, same keyed lanes, same duplicate check) with each entrant
/// ordered by weighted_value(key, weight) instead of its key. `weight_proj` gives a number
/// (integer or floating); weights must be finite and in [min_weight, max_weight], else
/// invalid_input names the entrant and the field `weight`. O(n) time; memory bounded by
/// capacity; nothing is returned on bad input.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class WeightProj>
[[nodiscard]] auto collect_weighted(const R& entrants, const day_capacity& capacity,
                                    const draw_key& key, const draw_options& options,
                                    IdProj id_proj, PortProj port_proj, PartyProj party_proj,
                                    WeightProj weight_proj) {
    return detail::collect_weighted_in(entrants, capacity, key, options, std::move(id_proj),
                                       std::move(port_proj), std::move(party_proj),
                                       std::move(weight_proj), nullptr);
}

/// collect_weighted with the scratch memory of `workspace` (see draw_workspace): the same
/// result.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class WeightProj>
[[nodiscard]] auto collect_weighted(const R& entrants, const day_capacity& capacity,
                                    const draw_key& key, const draw_options& options,
                                    IdProj id_proj, PortProj port_proj, PartyProj party_proj,
                                    WeightProj weight_proj, draw_workspace& workspace) {
    return detail::collect_weighted_in(entrants, capacity, key, options, std::move(id_proj),
                                       std::move(port_proj), std::move(party_proj),
                                       std::move(weight_proj), detail::scratch_of(workspace));
}

/// Pass one of an aging draw (options.policy == aging): the weighted pass one with each
/// entrant's weight options.aging.weight(options.draw_day - registered), `registered_proj`
/// giving an integer day number (days since 1970-01-01). A registration after the draw day
/// (or more than 2^40 days before it) is refused with invalid_input naming the entrant and
/// the field `registered`. O(n) time; memory bounded by capacity.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj>
[[nodiscard]] auto collect_aging(const R& entrants, const day_capacity& capacity,
                                 const draw_key& key, const draw_options& options, IdProj id_proj,
                                 PortProj port_proj, PartyProj party_proj,
                                 RegProj registered_proj) {
    return detail::collect_aging_in(entrants, capacity, key, options, std::move(id_proj),
                                    std::move(port_proj), std::move(party_proj),
                                    std::move(registered_proj), nullptr);
}

/// collect_aging with the scratch memory of `workspace` (see draw_workspace): the same result.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj>
[[nodiscard]] auto collect_aging(const R& entrants, const day_capacity& capacity,
                                 const draw_key& key, const draw_options& options, IdProj id_proj,
                                 PortProj port_proj, PartyProj party_proj, RegProj registered_proj,
                                 draw_workspace& workspace) {
    return detail::collect_aging_in(entrants, capacity, key, options, std::move(id_proj),
                                    std::move(port_proj), std::move(party_proj),
                                    std::move(registered_proj), detail::scratch_of(workspace));
}

/// Merges the weighted partials of two disjoint shards into the partial of their union: per
/// (port, party size), concatenate and keep the `limit` smallest (value, key, id).
/// Commutative and associative. Throws invalid_input if they belong to different draws.
template <class Id>
[[nodiscard]] weighted_partial<Id> merge_weighted_partials(weighted_partial<Id> a,
                                                           const weighted_partial<Id>& b) {
    detail::merge_sized_partials(
        a, b, [](const auto& x, const auto& y) { return weighted_order_less(x, y); });
    return a;
}

/// Pass two of a weighted or aging draw: per port, the kept entrants in (value, key, id) order
/// walked under the fill rule, as in finish_draw. In the result `selected` and `alternates`
/// are listed in keyed order (key, id), so outcome_of finds them by binary search, and `rank`
/// is the walk order; `end_key` holds the bits of the end party's value (not its key).
/// O(c log c). Throws invalid_input on a mismatched partial or a duplicate id.
template <class Id>
[[nodiscard]] draw_result<Id> finish_weighted(const weighted_partial<Id>& partial,
                                              const day_capacity& capacity, const draw_key& key,
                                              const draw_options& options) {
    detail::check_weighted_policy(options);
    detail::validate_capacity(capacity);
    if (partial.key_bytes != key.bytes()) {
        detail::throw_invalid_input("partial draw", "key", "partial of a different draw key");
    }
    if (partial.ports.size() != capacity.ports.size()) {
        detail::throw_invalid_input("partial draw", "ports", "partial of a different capacity");
    }
    draw_result<Id> result(key, options);
    result.ports.reserve(capacity.ports.size());
    std::vector<weighted_candidate<Id>> cands;
    std::vector<draw_candidate<Id>> order;
    std::vector<draw_candidate<Id>> seen; // every port's candidates, for the duplicate check
    auto keyed_less = [](const auto& x, const auto& y) {
        return draw_order_less(x.key, x.id, y.key, y.id);
    };
    for (std::size_t p = 0; p < capacity.ports.size(); ++p) {
        const auto& cap = capacity.ports[p];
        const auto& part = partial.ports[p];
        if (part.port != cap.port || part.limits != detail::port_limits(cap, options)) {
            detail::throw_invalid_input("partial draw", "port '" + cap.port + "'",
                                        "partial of a different capacity or options");
        }
        cands.clear();
        for (std::size_t s = 0; s < part.by_size.size(); ++s) {
            for (const auto& c : part.by_size[s]) {
                if (c.party != static_cast<std::int64_t>(s + 1)) {
                    detail::throw_invalid_input("entrant " + id_text(c.id), "party",
                                                "kept under the wrong party size");
                }
                detail::check_partial_key(key, c.key, c.id);
                cands.push_back(c);
            }
        }
        for (const auto& c : cands) {
            seen.push_back(draw_candidate<Id>{c.key, c.id, c.party});
        }
        std::sort(cands.begin(), cands.end(),
                  [](const auto& x, const auto& y) { return weighted_order_less(x, y); });
        // The walk compares nothing but party sizes; it carries the value bits as its key so
        // that end_key records where the walk ended in the weighted order.
        order.clear();
        for (const auto& c : cands) {
            order.push_back(
                draw_candidate<Id>{std::bit_cast<std::uint64_t>(c.value), c.id, c.party});
        }
        port_draw<Id> pd = detail::walk_port(cap, order, options);
        const weighted_candidate<Id> end{std::bit_cast<double>(pd.end_key),
                                         key.entrant_key(pd.end_id), pd.end_id, 1};
        for (auto& s : pd.selected) {
            s.key = key.entrant_key(s.id);
        }
        for (auto& a : pd.alternates) {
            const weighted_candidate<Id> me{std::bit_cast<double>(a.key), key.entrant_key(a.id),
                                            a.id, a.party};
            if (pd.end == walk_end::at_entrant) {
                a.reason = weighted_order_less(end, me) ? not_selected_reason::not_reached
                                                        : not_selected_reason::did_not_fit;
            }
            a.key = me.key;
        }
        std::sort(pd.selected.begin(), pd.selected.end(), keyed_less);
        std::sort(pd.alternates.begin(), pd.alternates.end(), keyed_less);
        result.ports.push_back(std::move(pd));
    }
    // One id twice among the candidates, at one port or at two: the copies share a key.
    std::sort(seen.begin(), seen.end(), keyed_less);
    for (std::size_t i = 1; i < seen.size(); ++i) {
        if (seen[i].key == seen[i - 1].key && compare_ids(seen[i].id, seen[i - 1].id) == 0) {
            detail::throw_duplicate(seen[i].id);
        }
    }
    return result;
}

/// The weighted draw (options.policy == weighted): per port, the fill walk of the uniform
/// lottery over the entrants ordered by q = E / w (weighted_value), ties by key then id. For
/// single persons this is successive sampling without replacement with probabilities
/// proportional to weight (docs/policies.md gives the selection probabilities). A pure
/// function of (key, entrant set with weights, capacity, options); shards merge exactly.
/// O(n) plus O(c log c). Throws invalid_input naming the record and field on bad input.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class WeightProj>
[[nodiscard]] auto draw_weighted(const R& entrants, const day_capacity& capacity,
                                 const draw_key& key, const draw_options& options, IdProj id_proj,
                                 PortProj port_proj, PartyProj party_proj, WeightProj weight_proj) {
    auto partial =
        collect_weighted(entrants, capacity, key, options, std::move(id_proj), std::move(port_proj),
                         std::move(party_proj), std::move(weight_proj));
    return finish_weighted(partial, capacity, key, options);
}

/// The weighted draw with the scratch memory of `workspace` (see draw_workspace): the same
/// result.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class WeightProj>
[[nodiscard]] auto draw_weighted(const R& entrants, const day_capacity& capacity,
                                 const draw_key& key, const draw_options& options, IdProj id_proj,
                                 PortProj port_proj, PartyProj party_proj, WeightProj weight_proj,
                                 draw_workspace& workspace) {
    auto partial =
        collect_weighted(entrants, capacity, key, options, std::move(id_proj), std::move(port_proj),
                         std::move(party_proj), std::move(weight_proj), workspace);
    return finish_weighted(partial, capacity, key, options);
}

/// The aging draw (options.policy == aging): the weighted draw with each entrant's weight
/// options.aging.weight(options.draw_day - registered). See collect_aging and draw_weighted.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj>
[[nodiscard]] auto draw_aging(const R& entrants, const day_capacity& capacity, const draw_key& key,
                              const draw_options& options, IdProj id_proj, PortProj port_proj,
                              PartyProj party_proj, RegProj registered_proj) {
    auto partial =
        collect_aging(entrants, capacity, key, options, std::move(id_proj), std::move(port_proj),
                      std::move(party_proj), std::move(registered_proj));
    return finish_weighted(partial, capacity, key, options);
}

/// The aging draw with the scratch memory of `workspace` (see draw_workspace): the same
/// result.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj>
[[nodiscard]] auto draw_aging(const R& entrants, const day_capacity& capacity, const draw_key& key,
                              const draw_options& options, IdProj id_proj, PortProj port_proj,
                              PartyProj party_proj, RegProj registered_proj,
                              draw_workspace& workspace) {
    auto partial =
        collect_aging(entrants, capacity, key, options, std::move(id_proj), std::move(port_proj),
                      std::move(party_proj), std::move(registered_proj), workspace);
    return finish_weighted(partial, capacity, key, options);
}

/// Puts a weighted partial's buckets in their canonical order: per (port, party size) by
/// (value, key, id), the order weighted_partial_to_json writes. O(c log c).
template <class Id>
void sort_partial(weighted_partial<Id>& part) {
    for (auto& p : part.ports) {
        for (auto& bucket : p.by_size) {
            std::sort(bucket.begin(), bucket.end(),
                      [](const auto& x, const auto& y) { return weighted_order_less(x, y); });
        }
    }
}

/// Pass one of a weighted draw over records read through entrant_traits, the weight from
/// entrant_traits<T>::weight (see collect_weighted).
template <std::ranges::forward_range R>
requires weighted_entrant<detail::record_t<R>>
[[nodiscard]] auto collect_weighted(const R& entrants, const day_capacity& capacity,
                                    const draw_key& key, const draw_options& options) {
    using T = detail::record_t<R>;
    return collect_weighted(entrants, capacity, key, options, detail::traits_id<T>{},
                            detail::traits_port<T>{}, detail::traits_party<T>{},
                            detail::traits_weight<T>{});
}

/// collect_weighted through entrant_traits, with the scratch memory of `workspace` (see
/// draw_workspace): the same result.
template <std::ranges::forward_range R>
requires weighted_entrant<detail::record_t<R>>
[[nodiscard]] auto collect_weighted(const R& entrants, const day_capacity& capacity,
                                    const draw_key& key, const draw_options& options,
                                    draw_workspace& workspace) {
    using T = detail::record_t<R>;
    return collect_weighted(entrants, capacity, key, options, detail::traits_id<T>{},
                            detail::traits_port<T>{}, detail::traits_party<T>{},
                            detail::traits_weight<T>{}, workspace);
}

/// The weighted draw over records read through entrant_traits, the weight from
/// entrant_traits<T>::weight (see draw_weighted).
template <std::ranges::forward_range R>
requires weighted_entrant<detail::record_t<R>>
[[nodiscard]] auto draw_weighted(const R& entrants, const day_capacity& capacity,
                                 const draw_key& key, const draw_options& options) {
    using T = detail::record_t<R>;
    return draw_weighted(entrants, capacity, key, options, detail::traits_id<T>{},
                         detail::traits_port<T>{}, detail::traits_party<T>{},
                         detail::traits_weight<T>{});
}

/// draw_weighted through entrant_traits, with the scratch memory of `workspace` (see
/// draw_workspace): the same result.
template <std::ranges::forward_range R>
requires weighted_entrant<detail::record_t<R>>
[[nodiscard]] auto draw_weighted(const R& entrants, const day_capacity& capacity,
                                 const draw_key& key, const draw_options& options,
                                 draw_workspace& workspace) {
    using T = detail::record_t<R>;
    return draw_weighted(entrants, capacity, key, options, detail::traits_id<T>{},
                         detail::traits_port<T>{}, detail::traits_party<T>{},
                         detail::traits_weight<T>{}, workspace);
}

/// Pass one of an aging draw over records read through entrant_traits, the registration day
/// from entrant_traits<T>::registered (see collect_aging).
template <std::ranges::forward_range R>
requires registered_entrant<detail::record_t<R>>
[[nodiscard]] auto collect_aging(const R& entrants, const day_capacity& capacity,
                                 const draw_key& key, const draw_options& options) {
    using T = detail::record_t<R>;
    return collect_aging(entrants, capacity, key, options, detail::traits_id<T>{},
                         detail::traits_port<T>{}, detail::traits_party<T>{},
                         detail::traits_registered<T>{});
}

/// collect_aging through entrant_traits, with the scratch memory of `workspace` (see
/// draw_workspace): the same result.
template <std::ranges::forward_range R>
requires registered_entrant<detail::record_t<R>>
[[nodiscard]] auto collect_aging(const R& entrants, const day_capacity& capacity,
                                 const draw_key& key, const draw_options& options,
                                 draw_workspace& workspace) {
    using T = detail::record_t<R>;
    return collect_aging(entrants, capacity, key, options, detail::traits_id<T>{},
                         detail::traits_port<T>{}, detail::traits_party<T>{},
                         detail::traits_registered<T>{}, workspace);
}

/// The aging draw over records read through entrant_traits, the registration day from
/// entrant_traits<T>::registered (see draw_aging).
template <std::ranges::forward_range R>
requires registered_entrant<detail::record_t<R>>
[[nodiscard]] auto draw_aging(const R& entrants, const day_capacity& capacity, const draw_key& key,
                              const draw_options& options) {
    using T = detail::record_t<R>;
    return draw_aging(entrants, capacity, key, options, detail::traits_id<T>{},
                      detail::traits_port<T>{}, detail::traits_party<T>{},
                      detail::traits_registered<T>{});
}

/// draw_aging through entrant_traits, with the scratch memory of `workspace` (see
/// draw_workspace): the same result.
template <std::ranges::forward_range R>
requires registered_entrant<detail::record_t<R>>
[[nodiscard]] auto draw_aging(const R& entrants, const day_capacity& capacity, const draw_key& key,
                              const draw_options& options, draw_workspace& workspace) {
    using T = detail::record_t<R>;
    return draw_aging(entrants, capacity, key, options, detail::traits_id<T>{},
                      detail::traits_port<T>{}, detail::traits_party<T>{},
                      detail::traits_registered<T>{}, workspace);
}

CBPQ_END_NAMESPACE

#endif
