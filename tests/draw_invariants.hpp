// SPDX-License-Identifier: BSL-1.0
// The invariants every draw policy keeps (docs/policies.md: a policy changes only the order the
// fill walk consumes), checked in one place for the tests of the uniform draw, the seniority,
// weighted and aging policies and ranked preferences: capacity never exceeded, parties whole,
// each entrant selected at most once, alternates disjoint from the selected, results that do not
// depend on input order, and shards that merge into exactly the whole. Also the chi-square
// quantile the statistical tests share, from detail/stats.hpp's incomplete gamma function.
#ifndef CBPQ_TESTS_DRAW_INVARIANTS_HPP
#define CBPQ_TESTS_DRAW_INVARIANTS_HPP

#include <cbpq/capacity.hpp>
#include <cbpq/detail/stats.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cbpq_test {

// The bounds of random_capacity. Each test file keeps its own shape, so its random scenarios
// (and the generator's sequence of draws) stay what they were.
struct capacity_shape {
    int max_ports = 3;
    int max_persons = 30;
    int max_parties = 10;
    int max_slots = 3;
    int min_slot_persons = 1; // 0 allows empty slots; a port with persons keeps one usable slot
    std::string prefix = "p";
};

// An integer in [lo, hi] from g (test data only: g() modulo the width).
template <class Rng>
int pick_int(Rng& g, int lo, int hi) {
    return lo + static_cast<int>(g() % static_cast<std::uint64_t>(hi - lo + 1));
}

// Random ports: persons, a party cap one time in three, a slot grid one time in three.
template <class Rng>
cbpq::day_capacity random_capacity(Rng& g, const capacity_shape& shape = {}) {
    cbpq::day_capacity cap;
    const int ports = pick_int(g, 1, shape.max_ports);
    for (int p = 0; p < ports; ++p) {
        cbpq::port_capacity pc;
        pc.port = shape.prefix + std::to_string(p);
        pc.persons = pick_int(g, 0, shape.max_persons);
        if (pick_int(g, 0, 2) == 0) {
            pc.parties = pick_int(g, 0, shape.max_parties);
        }
        if (pick_int(g, 0, 2) == 0) {
            const int slots = pick_int(g, 1, shape.max_slots);
            for (int j = 0; j < slots; ++j) {
                pc.slots.push_back(
                    {"s" + std::to_string(j), pick_int(g, shape.min_slot_persons, 9)});
            }
            if (pc.persons > 0 && std::all_of(pc.slots.begin(), pc.slots.end(),
                                              [](const auto& sl) { return sl.persons == 0; })) {
                pc.slots.front().persons = 1;
            }
        }
        cap.ports.push_back(pc);
    }
    return cap;
}

// Chi-square quantile: x with P(X > x) = alpha for df degrees of freedom, by bisection on
// Q(df / 2, x / 2) (the regularized upper incomplete gamma function of detail/stats.hpp).
inline double chi_square_critical(double df, double alpha) {
    double lo = 0;
    double hi = df + 100 * std::sqrt(df) + 100;
    for (int i = 0; i < 200; ++i) {
        const double mid = (lo + hi) / 2;
        if (cbpq::detail::regularized_gamma(df / 2, mid / 2).q > alpha) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return (lo + hi) / 2;
}

// Capacity is never exceeded, port by port: the winners' persons sum to the result's persons,
// which stay within the port's persons; the parties count is the number of winners, within
// the parties cap; with a slot grid every winner has a slot, the slot sums equal
// `slot_persons` and stay within each slot; without one no winner has a slot.
template <class Result>
void check_capacity(const Result& res, const cbpq::day_capacity& cap) {
    REQUIRE(res.ports.size() == cap.ports.size());
    for (std::size_t p = 0; p < res.ports.size(); ++p) {
        const auto& pd = res.ports[p];
        const auto& pc = cap.ports[p];
        CHECK(pd.port == pc.port);
        std::int64_t persons = 0;
        std::vector<std::int64_t> slot(pc.slots.size(), 0);
        for (const auto& e : pd.selected) {
            persons += e.party;
            if (!pc.slots.empty()) {
                REQUIRE(e.slot.has_value());
                REQUIRE(*e.slot < slot.size());
                slot[*e.slot] += e.party;
            } else {
                CHECK(!e.slot.has_value());
            }
        }
        CHECK(persons == pd.persons);
        CHECK(pd.persons <= pc.persons);
        CHECK(static_cast<std::int64_t>(pd.selected.size()) == pd.parties);
        if (pc.parties) {
            CHECK(pd.parties <= *pc.parties);
        }
        for (std::size_t j = 0; j < slot.size(); ++j) {
            CHECK(slot[j] <= pc.slots[j].persons);
            REQUIRE(j < pd.slot_persons.size());
            CHECK(slot[j] == pd.slot_persons[j]);
        }
    }
}

// Entrants: a winner is one of the entrants, at a port it asked for, with its own party
// (parties stay whole), and wins at one port only; an alternate is one of the entrants, asked
// for the port, has its own party and won nowhere; a waiting list holds at most `alternates`.
// With one port per entrant (`alternate_once`), an entrant waits on one list at most; with
// ranked preferences an entrant with nothing may wait on every list it named.
// `find(id)` gives a pointer to the entrant's record (null if there is none), `asked(record,
// port name)` whether the record asked for that port.
template <class Result, class Find, class Asked>
void check_entrants(const Result& res, std::size_t alternates, const Find& find, const Asked& asked,
                    bool alternate_once) {
    using id_type = typename Result::id_type;
    std::set<id_type> selected;
    for (const auto& pd : res.ports) {
        for (const auto& e : pd.selected) {
            CHECK(selected.insert(e.id).second); // selected at most once, at one port
            const auto* r = find(e.id);
            REQUIRE(r != nullptr);
            CHECK(asked(*r, std::string_view(pd.port)));
            CHECK(e.party == r->party); // whole party
        }
    }
    std::set<id_type> waiting;
    for (const auto& pd : res.ports) {
        CHECK(pd.alternates.size() <= alternates);
        std::set<id_type> here;
        for (const auto& a : pd.alternates) {
            CHECK(selected.count(a.id) == 0); // disjoint from every port's selected
            CHECK(here.insert(a.id).second);  // once per list
            if (alternate_once) {
                CHECK(waiting.insert(a.id).second);
            }
            const auto* r = find(a.id);
            REQUIRE(r != nullptr);
            CHECK(asked(*r, std::string_view(pd.port)));
            CHECK(a.party == r->party);
        }
    }
}

// Both of the above over the entrants `recs` (records with `.id` and `.party`), for a result
// whose ids are the records' ids; `asked(record, port name)` as for check_entrants.
template <class Result, class Recs, class Asked>
void check_draw_invariants(const Result& res, const cbpq::day_capacity& cap, const Recs& recs,
                           std::size_t alternates, const Asked& asked, bool alternate_once) {
    using record = typename Recs::value_type;
    std::map<typename Result::id_type, const record*> by_id;
    for (const auto& r : recs) {
        by_id[r.id] = &r;
    }
    check_capacity(res, cap);
    check_entrants(
        res, alternates,
        [&](const typename Result::id_type& id) -> const record* {
            const auto it = by_id.find(id);
            return it == by_id.end() ? nullptr : it->second;
        },
        asked, alternate_once);
}

// The result does not depend on the input order: `times` shuffles of `recs` (test input order
// only, so std::shuffle is fine here) give `whole` again.
template <class Recs, class Result, class Run, class Rng>
void check_order_independent(Recs recs, const Result& whole, const Run& run, Rng& g,
                             int times = 1) {
    for (int k = 0; k < times; ++k) {
        std::shuffle(recs.begin(), recs.end(), g);
        CHECK(run(recs) == whole);
    }
}

// Disjoint shards: each record goes to shard g() % k.
template <class Recs, class Rng>
std::vector<Recs> split_shards(const Recs& recs, std::size_t k, Rng& g) {
    std::vector<Recs> shards(k);
    for (const auto& r : recs) {
        shards[g() % k].push_back(r);
    }
    return shards;
}

// A shard's partial per (port, party size) is bounded by capacity and waiting list (its
// limits), not by the shard's size.
template <class Partial>
void check_partial_bounded(const Partial& part) {
    for (const auto& pp : part.ports) {
        for (std::size_t z = 0; z < pp.by_size.size(); ++z) {
            CHECK(pp.by_size[z].size() <= pp.limits[z]);
        }
    }
}

// Merges partials in a random tree order, each merge with its arguments in random order:
// merging is commutative and associative, so any order must give the same partial.
template <class Partial, class Merge, class Rng>
Partial merge_random_tree(std::vector<Partial> parts, const Merge& merge, Rng& g) {
    REQUIRE(!parts.empty());
    while (parts.size() > 1) {
        const std::size_t i = g() % parts.size();
        auto a = parts[i];
        parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(i));
        const std::size_t j = g() % parts.size();
        parts[j] = g() % 2 == 0 ? merge(a, parts[j]) : merge(parts[j], a);
    }
    return parts[0];
}

// Merges partials left to right (after the caller shuffled them).
template <class Partial, class Merge>
Partial merge_in_order(const std::vector<Partial>& parts, const Merge& merge) {
    REQUIRE(!parts.empty());
    auto merged = parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i) {
        merged = merge(merged, parts[i]);
    }
    return merged;
}

} // namespace cbpq_test

#endif // CBPQ_TESTS_DRAW_INVARIANTS_HPP
