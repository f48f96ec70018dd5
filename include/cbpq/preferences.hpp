// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_PREFERENCES_HPP
#define CBPQ_PREFERENCES_HPP

/// \file
/// Ranked preferences (random serial dictatorship): every entrant lists ports best first; one
/// keyed order over all entrants; each in turn gets the first port on its list with room for
/// the whole party, under the lottery's fill rule. Returns draw.hpp's draw_result (receipts,
/// printing and invariants work unchanged) plus the choice rank each winner got. Entrants that
/// list one port get exactly the uniform lottery's result. Shards merge exactly through
/// bounded per-(port set, party size) partials. See docs/policies.md, "Ranked preferences".

#include "capacity.hpp"
#include "draw.hpp"
#include "error.hpp"
#include "random.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
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

/// One entrant as a preferences draw keeps it: key, id, party size and its list (capacity
/// indexes, best first).
template <class Id>
struct preference_candidate {
    std::uint64_t key = 0;
    Id id{};
    std::int64_t party = 1;
    std::vector<std::uint32_t> ports;

    friend bool operator==(const preference_candidate&, const preference_candidate&) = default;
};

/// The result of a preferences draw: the draw_result (one port_draw per capacity port, as the
/// lottery gives it) and, parallel to each port's `selected`, the choice rank each winner got
/// (1 = its first choice).
template <class Id>
struct preferences_result {
    draw_result<Id> result;
    /// choices[p][i]: position on its own list (from 1) of the port result.ports[p] that
    /// result.ports[p].selected[i] got.
    std::vector<std::vector<std::size_t>> choices;

    /// The choice rank `id` got at `port`, or 0 if it was not selected there. Binary search:
    /// O(log selected). Throws invalid_input on an unknown port.
    [[nodiscard]] std::size_t choice_of(const Id& id, std::string_view port) const {
        for (std::size_t p = 0; p < result.ports.size(); ++p) {
            const auto& pd = result.ports[p];
            if (pd.port != port) {
                continue;
            }
            const std::uint64_t k = result.key().entrant_key(id);
            const auto it = std::lower_bound(pd.selected.begin(), pd.selected.end(), k,
                                             [&id](const auto& s, std::uint64_t v) {
                                                 return draw_order_less(s.key, s.id, v, id);
                                             });
            if (it != pd.selected.end() && it->key == k && compare_ids(it->id, id) == 0) {
                return choices[p][static_cast<std::size_t>(it - pd.selected.begin())];
            }
            return 0;
        }
        detail::throw_invalid_input("entrant " + id_text(id), "port",
                                    "unknown port '" + std::string(port) + "'");
    }

    friend bool operator==(const preferences_result&, const preferences_result&) = default;
};

/// A shard's partial preferences draw. Entrants are grouped into classes by (the set of ports
/// they list, party size); each class keeps its `limit` smallest entrants by (key, id), where
/// limit = sum over the class's ports of min(persons / size, parties) + alternates + 1. An
/// entrant beyond its class's limit can change nothing (docs/policies.md proves it), so the
/// partial is bounded by capacity times the number of distinct (port set, size) classes, not
/// by the shard. Partials of disjoint shards merge (merge_preference_partials) into exactly
/// the partial of their union; finish_preferences turns any partial into the result.
template <class Id>
struct preferences_partial {
    /// One (port set, party size) class.
    struct port_class {
        /// The listed ports as sorted capacity indexes (the set, not the order of preference).
        std::vector<std::uint32_t> ports;
        std::int64_t party = 1;
        std::size_t limit = 0;
        /// Kept entrants in (key, id) order, each with its own ordered list.
        std::vector<preference_candidate<Id>> members;

        friend bool operator==(const port_class&, const port_class&) = default;
    };

    /// The draw key's 16 bytes: partials of different draws never merge.
    std::array<unsigned char, 16> key_bytes{};
    /// Entrants read by the shards merged into this partial.
    std::uint64_t entrants = 0;
    /// The capacity's port names, in capacity order.
    std::vector<std::string> ports;
    /// Classes in (ports, party) order.
    std::vector<port_class> classes;

    friend bool operator==(const preferences_partial&, const preferences_partial&) = default;
};

/// The default options with policy draw_policy::preferences, which every preferences function
/// requires. O(1), no throw.
[[nodiscard]] inline draw_options preferences_options() noexcept {
    draw_options o;
    o.policy = draw_policy::preferences;
    return o;
}

/// How a host record is read when no projections are given: members `.id`, `.preferences`
/// (a range of port names or capacity indexes, best first) and `.party`. Specialise for record
/// types that cannot change.
template <class T>
struct preference_traits {
    static constexpr const auto& id(const T& e) noexcept { return e.id; }
    static constexpr const auto& preferences(const T& e) noexcept { return e.preferences; }
    static constexpr auto party(const T& e) noexcept { return e.party; }
};

namespace detail {

inline constexpr std::size_t pref_saturate = std::size_t{1} << 50;

// The class limit: sum over the set's ports of min(persons / s, parties), plus alternates + 1.
inline std::size_t class_limit(const day_capacity& cap, const std::vector<std::uint32_t>& set,
                               std::int64_t s, std::size_t alternates) {
    std::size_t fit = 0;
    for (const std::uint32_t p : set) {
        fit = std::min(pref_saturate, fit + (bucket_limit(cap.ports[p], s, 0) - 1));
    }
    return std::min(pref_saturate, fit + alternates) + 1;
}

// Reads, validates and resolves one entrant's list into capacity indexes (best first) in
// `out`, and (if want_sorted) the same indexes sorted in `sorted`. Throws invalid_input naming the
// entrant and the field `preferences`.
template <class List, class IdT>
void read_preferences(const List& list, const IdT& id, const day_capacity& capacity,
                      const port_lookup& lookup, std::vector<std::uint32_t>& out,
                      std::vector<std::uint32_t>& sorted, bool want_sorted) {
    using elem = std::remove_cvref_t<std::ranges::range_reference_t<const List&>>;
    static_assert(std::integral<elem> || std::convertible_to<const elem&, std::string_view>,
                  "the preferences projection must give a range of port names or indexes");
    const std::size_t nports = capacity.ports.size();
    out.clear();
    for (const auto& port : list) {
        if constexpr (std::integral<elem>) {
            if (CBPQ_UNLIKELY(port < 0 || static_cast<std::uint64_t>(port) >= nports)) {
                throw_invalid_input("entrant " + id_text(id), "preferences",
                                    "unknown port " + port_text(port));
            }
            out.push_back(static_cast<std::uint32_t>(port));
        } else {
            const std::int32_t found = lookup.find(std::string_view(port));
            if (CBPQ_UNLIKELY(found < 0)) {
                throw_invalid_input("entrant " + id_text(id), "preferences",
                                    "unknown port '" + port_text(port) + "'");
            }
            out.push_back(static_cast<std::uint32_t>(found));
        }
        if (CBPQ_UNLIKELY(out.size() > nports)) {
            break; // a longer list repeats a port: reported below
        }
    }
    if (CBPQ_UNLIKELY(out.empty())) {
        throw_invalid_input("entrant " + id_text(id), "preferences", "no port listed");
    }
    if (!want_sorted && out.size() <= 8) {
        // Short lists: pairwise, no copy.
        for (std::size_t i = 1; i < out.size(); ++i) {
            for (std::size_t j = 0; j < i; ++j) {
                if (CBPQ_UNLIKELY(out[i] == out[j])) {
                    throw_invalid_input("entrant " + id_text(id), "preferences",
                                        "port '" + capacity.ports[out[i]].port + "' listed twice");
                }
            }
        }
        return;
    }
    sorted.assign(out.begin(), out.end());
    // Lists are short: insertion sort, no allocation.
    for (std::size_t i = 1; i < sorted.size(); ++i) {
        const std::uint32_t v = sorted[i];
        std::size_t j = i;
        for (; j > 0 && sorted[j - 1] > v; --j) {
            sorted[j] = sorted[j - 1];
        }
        sorted[j] = v;
    }
    for (std::size_t i = 1; i < sorted.size(); ++i) {
        if (CBPQ_UNLIKELY(sorted[i] == sorted[i - 1])) {
            throw_invalid_input("entrant " + id_text(id), "preferences",
                                "port '" + capacity.ports[sorted[i]].port + "' listed twice");
        }
    }
}

template <class IdT>
void check_party(std::int64_t party, const IdT& id, const draw_options& options) {
    if (CBPQ_UNLIKELY(party < 1 || party > options.max_party)) {
        throw_invalid_input("entrant " + id_text(id), "party",
                            "party size " + std::to_string(party) + " outside 1.." +
                                std::to_string(options.max_party));
    }
}

// The global walk of random serial dictatorship: entrants are offered in (key, id) order;
// each takes the first port on its list that is still walking and has room for the whole
// party (first fit in slot order). Per port, the state and the bookkeeping (walk end, waiting
// list) are exactly those of draw.hpp's walk_port_from, so a pool whose entrants list one port
// each gives the lottery's result.
template <class Id>
class preference_walk {
public:
    preference_walk(const day_capacity& cap, const draw_options& options) : options_(options) {
        ports_.reserve(cap.ports.size());
        for (const auto& p : cap.ports) {
            ports_.emplace_back(p);
            auto& w = ports_.back();
            w.out.port = p.port;
            w.out.slot_persons.assign(p.slots.size(), 0);
            if (exhausted(w)) {
                w.stopped = true;
                w.out.end = walk_end::at_start;
            }
            update_done(w);
        }
    }

    // Offers the next entrant in (key, id) order.
    void offer(const preference_candidate<Id>& c) {
        for (std::size_t j = 0; j < c.ports.size(); ++j) {
            port_walk& w = ports_[c.ports[j]];
            if (w.stopped) {
                continue;
            }
            std::optional<std::size_t> slot;
            if (fits(w, c.party, slot)) {
                w.st.persons_left -= c.party;
                --w.st.parties_left;
                if (slot) {
                    w.st.room[*slot] -= c.party;
                    w.out.slot_persons[*slot] += c.party;
                }
                w.out.persons += c.party;
                ++w.out.parties;
                w.out.selected.push_back(
                    selected_party<Id>{c.id, c.party, w.out.selected.size() + 1, slot, c.key});
                w.choices.push_back(j + 1);
                if (exhausted(w)) {
                    stop_at(w, c);
                }
                return;
            }
            if (options_.fill == fill_rule::strict) {
                stop_at(w, c);
            }
        }
        // Not selected anywhere: on the waiting list of every listed port that has room.
        for (const std::uint32_t p : c.ports) {
            port_walk& w = ports_[p];
            if (w.passed.size() < options_.alternates) {
                w.passed.push_back(
                    alternate_party<Id>{c.id, c.party, w.passed.size() + 1, {}, c.key});
                update_done(w);
            }
        }
    }

    // True once no later entrant can change anything: every port has stopped and has a full
    // waiting list.
    [[nodiscard]] bool done() const noexcept { return done_ == ports_.size(); }

    // True if no later entrant of party size `s` can change port `p`: its waiting list is
    // full and it has stopped, or (skip rule) it has no room for a party of size s (room only
    // shrinks, and under skip a party that does not fit changes nothing).
    [[nodiscard]] bool closed_for(std::size_t p, std::int64_t s) const {
        const port_walk& w = ports_[p];
        if (w.passed.size() < options_.alternates) {
            return false;
        }
        if (w.stopped) {
            return true;
        }
        std::optional<std::size_t> slot;
        return options_.fill == fill_rule::skip && !fits(w, s, slot);
    }

    [[nodiscard]] preferences_result<Id> finish(const draw_key& key) {
        preferences_result<Id> r{draw_result<Id>(key, options_), {}};
        r.result.ports.reserve(ports_.size());
        r.choices.reserve(ports_.size());
        for (auto& w : ports_) {
            for (auto& a : w.passed) {
                a.reason = draw_result<Id>::reason_at(w.out, a.key, a.id);
            }
            w.out.alternates = std::move(w.passed);
            r.result.ports.push_back(std::move(w.out));
            r.choices.push_back(std::move(w.choices));
        }
        ports_.clear();
        return r;
    }

private:
    struct port_walk {
        explicit port_walk(const port_capacity& cap) : st(cap) {}
        walk_state st;
        port_draw<Id> out;
        std::vector<std::size_t> choices;
        std::vector<alternate_party<Id>> passed;
        bool stopped = false;
        bool done = false;
    };

    static bool exhausted(const port_walk& w) noexcept {
        if (w.st.persons_left <= 0 || w.st.parties_left <= 0) {
            return true;
        }
        if (w.st.room.empty()) {
            return false;
        }
        for (const std::int64_t r : w.st.room) {
            if (r > 0) {
                return false;
            }
        }
        return true;
    }

    static bool fits(const port_walk& w, std::int64_t party,
                     std::optional<std::size_t>& slot) noexcept {
        if (party > w.st.persons_left || w.st.parties_left <= 0) {
            return false;
        }
        if (w.st.room.empty()) {
            return true;
        }
        for (std::size_t j = 0; j < w.st.room.size(); ++j) {
            if (w.st.room[j] >= party) {
                slot = j;
                return true;
            }
        }
        return false;
    }

    void stop_at(port_walk& w, const preference_candidate<Id>& c) {
        w.stopped = true;
        w.out.end = walk_end::at_entrant;
        w.out.end_key = c.key;
        w.out.end_id = c.id;
        update_done(w);
    }

    void update_done(port_walk& w) noexcept {
        if (!w.done && w.stopped && w.passed.size() >= options_.alternates) {
            w.done = true;
            ++done_;
        }
    }

    draw_options options_;
    std::vector<port_walk> ports_;
    std::size_t done_ = 0;
};

template <class Id>
void sort_candidates(std::vector<preference_candidate<Id>>& v) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
        return draw_order_less(a.key, a.id, b.key, b.id);
    });
}

// Refuses a duplicate id among candidates in (key, id) order (equal ids have equal keys).
template <class Id>
void check_unique(const std::vector<preference_candidate<Id>>& v) {
    for (std::size_t i = 1; i < v.size(); ++i) {
        if (v[i].key == v[i - 1].key && compare_ids(v[i].id, v[i - 1].id) == 0) {
            throw_duplicate(v[i].id);
        }
    }
}

// Walks candidates in (key, id) order until nothing can change any more.
template <class Id>
void walk_candidates(preference_walk<Id>& walk, const std::vector<preference_candidate<Id>>& v) {
    for (std::size_t i = 0; i < v.size() && !walk.done(); ++i) {
        walk.offer(v[i]);
    }
}

// Open-addressing table from (sorted port set, party size) to a class number.
class class_table {
public:
    struct entry {
        std::vector<std::uint32_t> ports;
        std::int64_t party;
    };

    // The class number of (set, party), adding it if new.
    std::size_t find_or_add(const std::vector<std::uint32_t>& set, std::int64_t party) {
        if ((classes_.size() + 1) * 2 > slots_.size()) {
            grow();
        }
        const std::uint64_t h = hash(set, party);
        std::size_t i = static_cast<std::size_t>(h >> shift_);
        for (;; i = (i + 1) & (slots_.size() - 1)) {
            const std::uint32_t c = slots_[i];
            if (c == empty) {
                slots_[i] = static_cast<std::uint32_t>(classes_.size());
                classes_.push_back(entry{set, party});
                return classes_.size() - 1;
            }
            if (classes_[c].party == party && classes_[c].ports == set) {
                return c;
            }
        }
    }

    [[nodiscard]] const std::vector<entry>& classes() const noexcept { return classes_; }

private:
    static constexpr std::uint32_t empty = ~std::uint32_t{0};

    static std::uint64_t hash(const std::vector<std::uint32_t>& set, std::int64_t party) noexcept {
        std::uint64_t h = static_cast<std::uint64_t>(party) * 0x9e3779b97f4a7c15ULL;
        for (const std::uint32_t p : set) {
            h = (h ^ p) * 0xff51afd7ed558ccdULL;
            h ^= h >> 29;
        }
        return h * 0xc4ceb9fe1a85ec53ULL;
    }

    void grow() {
        const std::size_t n = slots_.empty() ? 64 : slots_.size() * 2;
        slots_.assign(n, empty);
        shift_ = 64 - static_cast<int>(std::countr_zero(n));
        for (std::size_t c = 0; c < classes_.size(); ++c) {
            std::size_t i =
                static_cast<std::size_t>(hash(classes_[c].ports, classes_[c].party) >> shift_);
            while (slots_[i] != empty) {
                i = (i + 1) & (n - 1);
            }
            slots_[i] = static_cast<std::uint32_t>(c);
        }
    }

    std::vector<std::uint32_t> slots_;
    std::vector<entry> classes_;
    int shift_ = 58;
};

inline void validate_preferences_setup(const day_capacity& capacity, const draw_options& options) {
    validate_options(options, draw_policy::preferences);
    validate_capacity(capacity);
    if (capacity.ports.size() >= std::numeric_limits<std::uint32_t>::max()) {
        throw_invalid_input("capacity", "ports", "too many ports");
    }
}

} // namespace detail

namespace detail {

// collect_preferences, its scratch memory from `scratch` (see keyed_pass).
template <std::ranges::forward_range R, class IdProj, class PrefProj, class PartyProj>
[[nodiscard]] auto collect_preferences_in(const R& entrants, const day_capacity& capacity,
                                          const draw_key& key, const draw_options& options,
                                          IdProj id_proj, PrefProj prefs_proj, PartyProj party_proj,
                                          key_scratch* scratch) {
    using ref = std::ranges::range_reference_t<const R>;
    using raw_id = std::remove_cvref_t<std::invoke_result_t<IdProj&, ref>>;
    static_assert(entrant_id<raw_id>, "the id projection must give an integer or a string");
    using party_t = std::remove_cvref_t<std::invoke_result_t<PartyProj&, ref>>;
    static_assert(std::integral<party_t>, "the party projection must give an integer");
    using Id = stored_id_t<raw_id>;
    using It = std::ranges::iterator_t<const R>;
    using entry = detail::pending_entry<It>;

    detail::validate_preferences_setup(capacity, options);
    const detail::port_lookup lookup(capacity);
    detail::class_table table;
    std::vector<detail::bounded_bucket<entry>> buckets;
    auto less = [&id_proj](const entry& a, const entry& b) {
        if (a.key != b.key) {
            return a.key < b.key;
        }
        return compare_ids(std::invoke(id_proj, *a.it), std::invoke(id_proj, *b.it)) < 0;
    };
    std::vector<std::uint32_t> list;
    std::vector<std::uint32_t> set;
    const std::uint64_t count = detail::keyed_pass(
        entrants, key, id_proj, options.check_duplicate_ids, scratch, [&](It at, std::uint64_t k) {
            const auto& id = std::invoke(id_proj, *at);
            detail::read_preferences(std::invoke(prefs_proj, *at), id, capacity, lookup, list, set,
                                     true);
            const auto party = static_cast<std::int64_t>(std::invoke(party_proj, *at));
            detail::check_party(party, id, options);
            const std::size_t c = table.find_or_add(set, party);
            if (c == buckets.size()) {
                buckets.emplace_back();
                buckets.back().limit =
                    detail::class_limit(capacity, set, party, options.alternates);
            }
            auto& b = buckets[c];
            if (k > b.threshold) {
                return;
            }
            b.buf.push_back(entry{k, at});
            if (CBPQ_UNLIKELY(b.buf.size() >= 2 * b.limit)) {
                detail::trim_bucket(b, less);
            }
        });

    preferences_partial<Id> out;
    out.key_bytes = key.bytes();
    out.entrants = count;
    for (const auto& p : capacity.ports) {
        out.ports.push_back(p.port);
    }
    const auto& classes = table.classes();
    out.classes.resize(classes.size());
    for (std::size_t c = 0; c < classes.size(); ++c) {
        auto& b = buckets[c];
        detail::trim_bucket(b, less);
        auto& dst = out.classes[c];
        dst.ports = classes[c].ports;
        dst.party = classes[c].party;
        dst.limit = b.limit;
        dst.members.reserve(b.buf.size());
        for (const entry& e : b.buf) {
            const auto& id = std::invoke(id_proj, *e.it);
            detail::read_preferences(std::invoke(prefs_proj, *e.it), id, capacity, lookup, list,
                                     set, false);
            dst.members.push_back(preference_candidate<Id>{e.key, Id(id), dst.party, list});
        }
        detail::sort_candidates(dst.members);
    }
    std::sort(out.classes.begin(), out.classes.end(), [](const auto& a, const auto& b) {
        return a.ports != b.ports ? a.ports < b.ports : a.party < b.party;
    });
    return out;
}

} // namespace detail

/// Pass one of a preferences draw over one shard (or the whole pool): validates every entrant,
/// computes its key and keeps, per (port set, party size) class, the entrants that can still
/// matter (see preferences_partial). `id_proj` gives an entrant_id, `prefs_proj` a range of
/// port names or capacity indexes (best first), `party_proj` an integer party size.
/// O(n (1 + list length)) time; memory bounded by capacity times the number of classes, plus
/// about 2 bytes per entrant while duplicate ids are checked. Throws invalid_input naming the
/// entrant and the field (`preferences`: empty list, unknown port, a port listed twice;
/// `party`; `id`: duplicate); nothing is returned then.
template <std::ranges::forward_range R, class IdProj, class PrefProj, class PartyProj>
[[nodiscard]] auto collect_preferences(const R& entrants, const day_capacity& capacity,
                                       const draw_key& key, const draw_options& options,
                                       IdProj id_proj, PrefProj prefs_proj, PartyProj party_proj) {
    return detail::collect_preferences_in(entrants, capacity, key, options, std::move(id_proj),
                                          std::move(prefs_proj), std::move(party_proj), nullptr);
}

/// collect_preferences with the scratch memory of `workspace` (see draw_workspace in
/// draw.hpp): the same result.
template <std::ranges::forward_range R, class IdProj, class PrefProj, class PartyProj>
[[nodiscard]] auto collect_preferences(const R& entrants, const day_capacity& capacity,
                                       const draw_key& key, const draw_options& options,
                                       IdProj id_proj, PrefProj prefs_proj, PartyProj party_proj,
                                       draw_workspace& workspace) {
    return detail::collect_preferences_in(entrants, capacity, key, options, std::move(id_proj),
                                          std::move(prefs_proj), std::move(party_proj),
                                          detail::scratch_of(workspace));
}

/// Merges the partials of two disjoint shards into the partial of their union: per class,
/// concatenate and keep the `limit` smallest by (key, id). Commutative and associative; the
/// result equals collect_preferences over the union. O(size of the partials x log). Throws
/// invalid_input if the partials belong to different draws.
template <class Id>
[[nodiscard]] preferences_partial<Id> merge_preference_partials(const preferences_partial<Id>& a,
                                                                const preferences_partial<Id>& b) {
    if (a.key_bytes != b.key_bytes) {
        detail::throw_invalid_input("partial draw", "key", "partials of different draw keys");
    }
    if (a.ports != b.ports) {
        detail::throw_invalid_input("partial draw", "ports", "partials of different capacities");
    }
    preferences_partial<Id> out;
    out.key_bytes = a.key_bytes;
    out.entrants = a.entrants + b.entrants;
    out.ports = a.ports;
    auto before = [](const auto& x, const auto& y) {
        return x.ports != y.ports ? x.ports < y.ports : x.party < y.party;
    };
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.classes.size() || j < b.classes.size()) {
        if (j == b.classes.size() || (i < a.classes.size() && before(a.classes[i], b.classes[j]))) {
            out.classes.push_back(a.classes[i++]);
        } else if (i == a.classes.size() || before(b.classes[j], a.classes[i])) {
            out.classes.push_back(b.classes[j++]);
        } else {
            const auto& x = a.classes[i++];
            const auto& y = b.classes[j++];
            if (x.limit != y.limit) {
                detail::throw_invalid_input("partial draw", "classes",
                                            "partials of different capacities or options");
            }
            auto c = x;
            c.members.insert(c.members.end(), y.members.begin(), y.members.end());
            detail::sort_candidates(c.members);
            if (c.members.size() > c.limit) {
                c.members.resize(c.limit);
            }
            out.classes.push_back(std::move(c));
        }
    }
    return out;
}

/// Pass two: walks every kept entrant in (key, id) order (random serial dictatorship) and
/// builds the result. `capacity` and `options` must be those the partial was collected with
/// (checked through the class limits), and the key must match. O(c log c) for c kept
/// entrants. Throws invalid_input on a mismatch, a malformed class or a duplicate id.
template <class Id>
[[nodiscard]] preferences_result<Id>
finish_preferences(const preferences_partial<Id>& partial, const day_capacity& capacity,
                   const draw_key& key, const draw_options& options) {
    detail::validate_preferences_setup(capacity, options);
    if (partial.key_bytes != key.bytes()) {
        detail::throw_invalid_input("partial draw", "key", "partial of a different draw key");
    }
    if (partial.ports.size() != capacity.ports.size()) {
        detail::throw_invalid_input("partial draw", "ports", "partial of a different capacity");
    }
    for (std::size_t p = 0; p < capacity.ports.size(); ++p) {
        if (partial.ports[p] != capacity.ports[p].port) {
            detail::throw_invalid_input("partial draw", "ports", "partial of a different capacity");
        }
    }
    // Pointers, not copies: a partial of a large shard holds many kept entrants.
    std::vector<const preference_candidate<Id>*> all;
    std::vector<std::uint32_t> sorted;
    for (const auto& c : partial.classes) {
        const bool set_ok = !c.ports.empty() && std::is_sorted(c.ports.begin(), c.ports.end()) &&
                            std::adjacent_find(c.ports.begin(), c.ports.end()) == c.ports.end() &&
                            c.ports.back() < capacity.ports.size() && c.party >= 1 &&
                            c.party <= options.max_party;
        if (!set_ok ||
            c.limit != detail::class_limit(capacity, c.ports, c.party, options.alternates) ||
            c.members.size() > c.limit) {
            detail::throw_invalid_input("partial draw", "classes",
                                        "partial of a different capacity or options");
        }
        for (const auto& m : c.members) {
            sorted.assign(m.ports.begin(), m.ports.end());
            std::sort(sorted.begin(), sorted.end());
            if (m.party != c.party || sorted != c.ports) {
                detail::throw_invalid_input("entrant " + id_text(m.id), "preferences",
                                            "kept under the wrong class");
            }
            detail::check_partial_key(key, m.key, m.id);
            all.push_back(&m);
        }
    }
    std::sort(all.begin(), all.end(), [](const auto* a, const auto* b) {
        return draw_order_less(a->key, a->id, b->key, b->id);
    });
    for (std::size_t i = 1; i < all.size(); ++i) {
        if (all[i]->key == all[i - 1]->key && compare_ids(all[i]->id, all[i - 1]->id) == 0) {
            detail::throw_duplicate(all[i]->id);
        }
    }
    detail::preference_walk<Id> walk(capacity, options);
    for (std::size_t i = 0; i < all.size() && !walk.done(); ++i) {
        walk.offer(*all[i]);
    }
    return walk.finish(key);
}

namespace detail {

// The fast path of draw_preferences: keeps only the `budget` smallest entrants by (key, id)
// over the whole pool, walks them, and returns the result if it can prove that no later
// entrant can change anything: every (port, size) pair that a later entrant lists is closed
// for that size (closed_for). Otherwise nullopt (the caller falls back to the class
// partial). Validates every entrant.
template <class R, class IdProj, class PrefProj, class PartyProj>
auto draw_preferences_prefix(const R& entrants, const day_capacity& capacity, const draw_key& key,
                             const draw_options& options, IdProj& id_proj, PrefProj& prefs_proj,
                             PartyProj& party_proj, std::size_t budget, key_scratch* scratch) {
    using ref = std::ranges::range_reference_t<const R>;
    using raw_id = std::remove_cvref_t<std::invoke_result_t<IdProj&, ref>>;
    using Id = stored_id_t<raw_id>;
    using It = std::ranges::iterator_t<const R>;
    using entry = pending_entry<It>;
    const std::size_t nports = capacity.ports.size();
    const auto max_party = static_cast<std::size_t>(options.max_party);
    const port_lookup lookup(capacity);
    bounded_bucket<entry> bucket;
    bucket.limit = budget;
    auto less = [&id_proj](const entry& a, const entry& b) {
        if (a.key != b.key) {
            return a.key < b.key;
        }
        return compare_ids(std::invoke(id_proj, *a.it), std::invoke(id_proj, *b.it)) < 0;
    };
    // listed[p * max_party + s - 1]: entrants of party size s that list port p.
    std::vector<std::uint64_t> listed(nports * max_party, 0);
    std::vector<std::uint32_t> list;
    std::vector<std::uint32_t> set;
    const std::uint64_t count = keyed_pass(
        entrants, key, id_proj, options.check_duplicate_ids, scratch, [&](It at, std::uint64_t k) {
            const auto& id = std::invoke(id_proj, *at);
            read_preferences(std::invoke(prefs_proj, *at), id, capacity, lookup, list, set, false);
            const auto party = static_cast<std::int64_t>(std::invoke(party_proj, *at));
            check_party(party, id, options);
            for (const std::uint32_t p : list) {
                ++listed[p * max_party + static_cast<std::size_t>(party - 1)];
            }
            if (k > bucket.threshold) {
                return;
            }
            bucket.buf.push_back(entry{k, at});
            if (CBPQ_UNLIKELY(bucket.buf.size() >= 2 * bucket.limit)) {
                trim_bucket(bucket, less);
            }
        });
    trim_bucket(bucket, less);
    std::vector<preference_candidate<Id>> prefix;
    prefix.reserve(bucket.buf.size());
    for (const entry& e : bucket.buf) {
        const auto& id = std::invoke(id_proj, *e.it);
        read_preferences(std::invoke(prefs_proj, *e.it), id, capacity, lookup, list, set, false);
        prefix.push_back(preference_candidate<Id>{
            e.key, Id(id), static_cast<std::int64_t>(std::invoke(party_proj, *e.it)), list});
        for (const std::uint32_t p : list) {
            --listed[p * max_party + static_cast<std::size_t>(prefix.back().party - 1)];
        }
    }
    sort_candidates(prefix);
    check_unique(prefix);
    preference_walk<Id> walk(capacity, options);
    walk_candidates(walk, prefix);
    std::optional<preferences_result<Id>> out;
    if (prefix.size() < count) {
        for (std::size_t p = 0; p < nports; ++p) {
            for (std::size_t s = 0; s < max_party; ++s) {
                if (listed[p * max_party + s] != 0 &&
                    !walk.closed_for(p, static_cast<std::int64_t>(s + 1))) {
                    return out; // a later entrant may still matter
                }
            }
        }
    }
    out.emplace(walk.finish(key));
    return out;
}

} // namespace detail

namespace detail {

// draw_preferences, its scratch memory from `scratch` (see keyed_pass).
template <std::ranges::forward_range R, class IdProj, class PrefProj, class PartyProj>
[[nodiscard]] auto draw_preferences_in(const R& entrants, const day_capacity& capacity,
                                       const draw_key& key, const draw_options& options,
                                       IdProj& id_proj, PrefProj& prefs_proj, PartyProj& party_proj,
                                       key_scratch* scratch) {
    using ref = std::ranges::range_reference_t<const R>;
    using raw_id = std::remove_cvref_t<std::invoke_result_t<IdProj&, ref>>;
    static_assert(entrant_id<raw_id>, "the id projection must give an integer or a string");
    using party_t = std::remove_cvref_t<std::invoke_result_t<PartyProj&, ref>>;
    static_assert(std::integral<party_t>, "the party projection must give an integer");
    detail::validate_preferences_setup(capacity, options);
    // Enough for every port to fill and every waiting list to fill a few times over when
    // demand is spread over the ports; checked, not assumed.
    std::size_t budget = 4096;
    std::size_t need = 0;
    for (const auto& p : capacity.ports) {
        need =
            std::min(detail::pref_saturate, need + detail::bucket_limit(p, 1, options.alternates));
    }
    budget = std::max(budget, std::min(detail::pref_saturate, 4 * need));
    // Without a workspace, the prefix pass and the fallback share one scratch.
    std::optional<key_scratch> own;
    if (scratch == nullptr && options.check_duplicate_ids) {
        scratch = &own.emplace();
    }
    if (auto r = detail::draw_preferences_prefix(entrants, capacity, key, options, id_proj,
                                                 prefs_proj, party_proj, budget, scratch)) {
        return std::move(*r);
    }
    return finish_preferences(collect_preferences_in(entrants, capacity, key, options, id_proj,
                                                     prefs_proj, party_proj, scratch),
                              capacity, key, options);
}

} // namespace detail

/// The ranked-preferences draw (random serial dictatorship): one keyed order over all
/// entrants (draw_key::entrant_key, ties by id); each in turn gets the first port on its list
/// with room for the whole party (persons, parties cap, a slot whole, first fit in slot
/// order), exactly the lottery's fill rule per port; under the strict rule a port stops at
/// the first party that reaches it on its list and does not fit. Per port, the waiting list
/// is the first `alternates` entrants in keyed order that list the port and were selected
/// nowhere. Strategy-proof (docs/policies.md). A pure function of (key, entrant set,
/// capacity, options); entrants that list one port get exactly draw()'s result (its ports).
/// `options.policy` must be draw_policy::preferences (so receipts record the policy).
/// O(n (1 + list length)) plus O(b log b) for a prefix of b = O(capacity + ports x
/// alternates) entrants in the common case; if that prefix cannot be proved sufficient it
/// falls back to collect_preferences + finish_preferences (exact as well). Validates
/// everything first: throws invalid_input naming the entrant and field on bad input, and
/// returns nothing then.
template <std::ranges::forward_range R, class IdProj, class PrefProj, class PartyProj>
[[nodiscard]] auto draw_preferences(const R& entrants, const day_capacity& capacity,
                                    const draw_key& key, const draw_options& options,
                                    IdProj id_proj, PrefProj prefs_proj, PartyProj party_proj) {
    return detail::draw_preferences_in(entrants, capacity, key, options, id_proj, prefs_proj,
                                       party_proj, nullptr);
}

/// draw_preferences with the scratch memory of `workspace` (see draw_workspace in draw.hpp):
/// the same result.
template <std::ranges::forward_range R, class IdProj, class PrefProj, class PartyProj>
[[nodiscard]] auto draw_preferences(const R& entrants, const day_capacity& capacity,
                                    const draw_key& key, const draw_options& options,
                                    IdProj id_proj, PrefProj prefs_proj, PartyProj party_proj,
                                    draw_workspace& workspace) {
    return detail::draw_preferences_in(entrants, capacity, key, options, id_proj, prefs_proj,
                                       party_proj, detail::scratch_of(workspace));
}

/// The preferences draw over records read through preference_traits (members .id,
/// .preferences, .party by default).
template <std::ranges::forward_range R>
[[nodiscard]] auto draw_preferences(const R& entrants, const day_capacity& capacity,
                                    const draw_key& key,
                                    const draw_options& options = preferences_options()) {
    using T = std::remove_cvref_t<std::ranges::range_reference_t<const R>>;
    return draw_preferences(
        entrants, capacity, key, options,
        [](const T& e) -> decltype(auto) { return preference_traits<T>::id(e); },
        [](const T& e) -> decltype(auto) { return preference_traits<T>::preferences(e); },
        [](const T& e) { return preference_traits<T>::party(e); });
}

/// The preferences draw over records read through preference_traits, with the scratch memory
/// of `workspace` (see draw_workspace in draw.hpp): the same result.
template <std::ranges::forward_range R>
[[nodiscard]] auto draw_preferences(const R& entrants, const day_capacity& capacity,
                                    const draw_key& key, const draw_options& options,
                                    draw_workspace& workspace) {
    using T = std::remove_cvref_t<std::ranges::range_reference_t<const R>>;
    return draw_preferences(
        entrants, capacity, key, options,
        [](const T& e) -> decltype(auto) { return preference_traits<T>::id(e); },
        [](const T& e) -> decltype(auto) { return preference_traits<T>::preferences(e); },
        [](const T& e) { return preference_traits<T>::party(e); }, workspace);
}

CBPQ_END_NAMESPACE

#endif
