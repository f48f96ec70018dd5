// SPDX-License-Identifier: BSL-1.0
// cbpq::draw_workspace: a draw with a workspace gives exactly the result of the same draw
// without one, whatever the workspace served before (larger and smaller pools, other policies,
// labels and id types), after draws that threw, and after clear(); and the workspace keeps its
// store as documented (reused for the same or a slightly larger pool, replaced by a larger one).
#include <cbpq/draw.hpp>
#include <cbpq/preferences.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

static_assert(!std::is_copy_constructible_v<cbpq::draw_workspace>);
static_assert(!std::is_copy_assignable_v<cbpq::draw_workspace>);
static_assert(std::is_nothrow_move_constructible_v<cbpq::draw_workspace>);
static_assert(std::is_nothrow_move_assignable_v<cbpq::draw_workspace>);
static_assert(std::is_nothrow_default_constructible_v<cbpq::draw_workspace>);

// One record type for every policy: entrant_traits reads .id, .port, .party, .registered and
// .weight; preference_traits reads .id, .preferences and .party.
template <class Id>
struct rec {
    Id id{};
    std::string port;
    int party = 1;
    std::int64_t registered = 0;
    double weight = 1.0;
    std::vector<std::string> preferences;
};

constexpr std::int64_t draw_day = 20000;

cbpq::day_capacity capacity_for(std::mt19937_64& g, bool big_port) {
    cbpq::day_capacity cap;
    const int ports = 1 + static_cast<int>(g() % 4);
    for (int p = 0; p < ports; ++p) {
        cbpq::port_capacity pc;
        pc.port = "port-" + std::to_string(p);
        pc.persons = static_cast<std::int64_t>(g() % 60);
        if (g() % 3 == 0) {
            pc.parties = static_cast<std::int64_t>(g() % 20);
        }
        if (g() % 3 == 0) {
            pc.slots = {{"08:00", pc.persons / 2 + 1}, {"09:00", pc.persons / 2 + 1}};
        }
        cap.ports.push_back(pc);
    }
    if (big_port) {
        // Never fills: draw_preferences cannot settle on a prefix and falls back to the
        // class partial, a second keyed pass over the pool.
        cap.ports.push_back({"huge", 10000000, std::nullopt, {}});
    }
    return cap;
}

template <class Id>
Id make_id(std::uint64_t n) {
    if constexpr (std::is_integral_v<Id>) {
        // An odd multiplier is a bijection: distinct n, distinct ids, scattered bits.
        return static_cast<Id>(n * 0x9e3779b97f4a7c15ULL);
    } else {
        return "applicant-" + std::to_string(n);
    }
}

// n entrants with distinct ids (drawn from `base` on), ports of `cap`.
template <class Id>
std::vector<rec<Id>> make_pool(std::mt19937_64& g, std::size_t n, const cbpq::day_capacity& cap,
                               std::uint64_t base) {
    std::vector<rec<Id>> pool(n);
    const std::size_t ports = cap.ports.size();
    for (std::size_t i = 0; i < n; ++i) {
        rec<Id>& r = pool[i];
        r.id = make_id<Id>(base + i);
        r.party = 1 + static_cast<int>(g() % 3);
        r.registered = draw_day - static_cast<std::int64_t>(g() % 1000);
        r.weight = 0.25 + static_cast<double>(g() % 16) / 4.0;
        const std::size_t first = g() % ports;
        r.port = cap.ports[first].port;
        r.preferences.push_back(r.port);
        for (std::size_t k = 1; k < ports && g() % 2 == 0; ++k) {
            r.preferences.push_back(cap.ports[(first + k) % ports].port);
        }
    }
    return pool;
}

enum class policy { uniform, seniority, weighted, aging, preferences };
constexpr int policies = 5;

cbpq::draw_options options_for(policy p, std::mt19937_64& g) {
    cbpq::draw_options o;
    o.alternates = static_cast<std::size_t>(g() % 6);
    o.fill = g() % 2 == 0 ? cbpq::fill_rule::skip : cbpq::fill_rule::strict;
    o.max_party = 3 + static_cast<std::int64_t>(g() % 3);
    switch (p) {
    case policy::uniform:
        break;
    case policy::seniority:
        o.policy = cbpq::draw_policy::seniority;
        o.seniority_share = 0.3;
        break;
    case policy::weighted:
        o.policy = cbpq::draw_policy::weighted;
        break;
    case policy::aging:
        o.policy = cbpq::draw_policy::aging;
        o.aging = cbpq::parse_aging_rule("linear/30");
        o.draw_day = draw_day;
        break;
    case policy::preferences:
        o.policy = cbpq::draw_policy::preferences;
        break;
    }
    return o;
}

// Draws `pool` under policy p twice, with `ws` and without a workspace, through the traits
// form, and checks the results (and the pass-one partials) are equal. Alternates between the
// traits and the projection forms with `projections`.
template <class Id>
void check_same(policy p, const std::vector<rec<Id>>& pool, const cbpq::day_capacity& cap,
                const cbpq::draw_key& key, const cbpq::draw_options& o, cbpq::draw_workspace& ws,
                bool projections) {
    auto id = [](const rec<Id>& r) -> const Id& { return r.id; };
    auto port = [](const rec<Id>& r) -> const std::string& { return r.port; };
    auto party = [](const rec<Id>& r) { return r.party; };
    auto registered = [](const rec<Id>& r) { return r.registered; };
    auto weight = [](const rec<Id>& r) { return r.weight; };
    auto prefs = [](const rec<Id>& r) -> const std::vector<std::string>& { return r.preferences; };
    switch (p) {
    case policy::uniform:
        if (projections) {
            CHECK(cbpq::draw(pool, cap, key, o, id, port, party, ws) ==
                  cbpq::draw(pool, cap, key, o, id, port, party));
            CHECK(cbpq::collect_draw(pool, cap, key, o, id, port, party, ws) ==
                  cbpq::collect_draw(pool, cap, key, o, id, port, party));
        } else {
            CHECK(cbpq::draw(pool, cap, key, o, ws) == cbpq::draw(pool, cap, key, o));
            CHECK(cbpq::collect_draw(pool, cap, key, o, ws) ==
                  cbpq::collect_draw(pool, cap, key, o));
        }
        break;
    case policy::seniority:
        if (projections) {
            CHECK(cbpq::draw_seniority(pool, cap, key, o, id, port, party, registered, ws) ==
                  cbpq::draw_seniority(pool, cap, key, o, id, port, party, registered));
            CHECK(cbpq::collect_seniority(pool, cap, key, o, id, port, party, registered, ws) ==
                  cbpq::collect_seniority(pool, cap, key, o, id, port, party, registered));
        } else {
            CHECK(cbpq::draw_seniority(pool, cap, key, o, ws) ==
                  cbpq::draw_seniority(pool, cap, key, o));
            CHECK(cbpq::collect_seniority(pool, cap, key, o, ws) ==
                  cbpq::collect_seniority(pool, cap, key, o));
        }
        break;
    case policy::weighted:
        if (projections) {
            CHECK(cbpq::draw_weighted(pool, cap, key, o, id, port, party, weight, ws) ==
                  cbpq::draw_weighted(pool, cap, key, o, id, port, party, weight));
            CHECK(cbpq::collect_weighted(pool, cap, key, o, id, port, party, weight, ws) ==
                  cbpq::collect_weighted(pool, cap, key, o, id, port, party, weight));
        } else {
            CHECK(cbpq::draw_weighted(pool, cap, key, o, ws) ==
                  cbpq::draw_weighted(pool, cap, key, o));
            CHECK(cbpq::collect_weighted(pool, cap, key, o, ws) ==
                  cbpq::collect_weighted(pool, cap, key, o));
        }
        break;
    case policy::aging:
        if (projections) {
            CHECK(cbpq::draw_aging(pool, cap, key, o, id, port, party, registered, ws) ==
                  cbpq::draw_aging(pool, cap, key, o, id, port, party, registered));
            CHECK(cbpq::collect_aging(pool, cap, key, o, id, port, party, registered, ws) ==
                  cbpq::collect_aging(pool, cap, key, o, id, port, party, registered));
        } else {
            CHECK(cbpq::draw_aging(pool, cap, key, o, ws) == cbpq::draw_aging(pool, cap, key, o));
            CHECK(cbpq::collect_aging(pool, cap, key, o, ws) ==
                  cbpq::collect_aging(pool, cap, key, o));
        }
        break;
    case policy::preferences:
        if (projections) {
            CHECK(cbpq::draw_preferences(pool, cap, key, o, id, prefs, party, ws) ==
                  cbpq::draw_preferences(pool, cap, key, o, id, prefs, party));
        } else {
            CHECK(cbpq::draw_preferences(pool, cap, key, o, ws) ==
                  cbpq::draw_preferences(pool, cap, key, o));
        }
        CHECK(cbpq::collect_preferences(pool, cap, key, o, id, prefs, party, ws) ==
              cbpq::collect_preferences(pool, cap, key, o, id, prefs, party));
        break;
    }
}

cbpq::draw_key key_for(int day) {
    cbpq::seed::bytes_type b{};
    for (std::size_t j = 0; j < b.size(); ++j) {
        b[j] = static_cast<unsigned char>(j * 7 + 3);
    }
    return cbpq::draw_key(cbpq::seed(b), "2026-11-" + std::to_string(day));
}

// Pool sizes that grow and shrink across the store's regimes: empty, a few, one partition
// count (16 up to 65,536 entrants), more partitions (32 and 64), a little above a size just
// served (the store is reused), and back to small (a store far too large for the pool).
const std::vector<std::size_t> sizes = {0,     1,     7,    300,    5000, 100000, 20,
                                        70000, 73000, 3000, 140000, 0,    131,    101000};

template <class Id>
void run_reuse(std::uint64_t seed, const std::vector<std::size_t>& ns, cbpq::draw_workspace& ws) {
    std::mt19937_64 g(seed);
    std::uint64_t base = 1;
    int day = 1;
    for (std::size_t step = 0; step < ns.size(); ++step) {
        const bool big = g() % 3 == 0;
        const cbpq::day_capacity cap = capacity_for(g, big);
        const auto pool = make_pool<Id>(g, ns[step], cap, base);
        base += ns[step] + 1;
        for (int k = 0; k < policies; ++k) {
            const auto p = static_cast<policy>((static_cast<int>(step) + k) % policies);
            cbpq::draw_options o = options_for(p, g);
            o.check_duplicate_ids = g() % 8 != 0; // now and then a draw that leaves it alone
            CAPTURE(step);
            CAPTURE(k);
            CAPTURE(ns[step]);
            check_same(p, pool, cap, key_for(day++), o, ws,
                       (step + static_cast<std::size_t>(k)) % 2 == 0);
        }
    }
}

// What a draw threw, or nothing.
struct thrown {
    std::string record;
    std::string field;
    std::string what;
    friend bool operator==(const thrown&, const thrown&) = default;
};

template <class F>
std::optional<thrown> catch_input(F&& f) {
    try {
        (void)f();
    } catch (const cbpq::invalid_input& e) {
        return thrown{e.record(), e.field(), e.what()};
    }
    return std::nullopt;
}

} // namespace

TEST_CASE("draw workspace: every policy, integer ids, many reuses give the results of no "
          "workspace") {
    cbpq::draw_workspace ws;
    run_reuse<std::int64_t>(20261128, sizes, ws);
    CHECK(ws.bytes() >= 140000 * sizeof(std::uint64_t)); // the largest pool's store, kept
}

TEST_CASE("draw workspace: string ids, and a workspace that served integer ids before") {
    cbpq::draw_workspace ws;
    run_reuse<std::string>(7, {50, 40000, 2000, 0, 45000, 12}, ws);
    run_reuse<std::uint32_t>(8, {3000, 60000, 10}, ws);
    run_reuse<std::string>(9, {61000, 5}, ws);
}

TEST_CASE("draw workspace: a draw that throws leaves it ready for the next") {
    std::mt19937_64 g(99);
    cbpq::draw_workspace ws;
    int day = 1;
    for (const std::size_t n :
         {std::size_t{90000}, std::size_t{2000}, std::size_t{30000}, std::size_t{120000}}) {
        CAPTURE(n);
        const cbpq::day_capacity cap = capacity_for(g, false);
        auto pool = make_pool<std::int64_t>(g, n, cap, 1);
        const cbpq::draw_options uniform = options_for(policy::uniform, g);
        const cbpq::draw_options prefs = options_for(policy::preferences, g);
        const cbpq::draw_key key = key_for(day++);

        // A repeated id, found after the pass (the store is full when it throws).
        auto dup = pool;
        const std::size_t from = g() % n;
        std::size_t to = g() % n;
        if (to == from) {
            to = (to + 1) % n;
        }
        dup[to].id = dup[from].id;
        const auto want = catch_input([&] { return cbpq::draw(dup, cap, key, uniform); });
        REQUIRE(want.has_value());
        CHECK(want->field == "id");
        CHECK(catch_input([&] { return cbpq::draw(dup, cap, key, uniform, ws); }) == want);
        CHECK(cbpq::draw(pool, cap, key, uniform, ws) == cbpq::draw(pool, cap, key, uniform));
        const auto want_pref =
            catch_input([&] { return cbpq::draw_preferences(dup, cap, key, prefs); });
        REQUIRE(want_pref.has_value());
        CHECK(want_pref->field == "id");
        CHECK(catch_input([&] { return cbpq::draw_preferences(dup, cap, key, prefs, ws); }) ==
              want_pref);
        CHECK(cbpq::draw_preferences(pool, cap, key, prefs, ws) ==
              cbpq::draw_preferences(pool, cap, key, prefs));

        // An unknown port half-way through the pass (the store is part filled).
        auto bad = pool;
        bad[n / 2].port = "nowhere";
        const auto want_port = catch_input([&] { return cbpq::draw(bad, cap, key, uniform); });
        REQUIRE(want_port.has_value());
        CHECK(want_port->field == "port");
        CHECK(catch_input([&] { return cbpq::draw(bad, cap, key, uniform, ws); }) == want_port);
        CHECK(cbpq::draw(pool, cap, key, uniform, ws) == cbpq::draw(pool, cap, key, uniform));

        // A party out of range near the end, under another policy.
        auto big_party = pool;
        big_party[n - 1].party = 1000;
        const cbpq::draw_options senior = options_for(policy::seniority, g);
        const auto want_party =
            catch_input([&] { return cbpq::draw_seniority(big_party, cap, key, senior); });
        REQUIRE(want_party.has_value());
        CHECK(want_party->field == "party");
        CHECK(catch_input([&] { return cbpq::draw_seniority(big_party, cap, key, senior, ws); }) ==
              want_party);
        CHECK(cbpq::draw_seniority(pool, cap, key, senior, ws) ==
              cbpq::draw_seniority(pool, cap, key, senior));
    }
}

TEST_CASE("draw workspace: a repeated id is found whatever store the workspace holds") {
    std::mt19937_64 g(5);
    cbpq::draw_workspace ws;
    // Large, then small (a store far larger than the pool), then a little larger than the
    // last (the store reused with less slack), then larger (replaced).
    for (const std::size_t n : {std::size_t{150000}, std::size_t{40}, std::size_t{5000},
                                std::size_t{5200}, std::size_t{160000}}) {
        CAPTURE(n);
        const cbpq::day_capacity cap = capacity_for(g, false);
        auto pool = make_pool<std::string>(g, n, cap, 1);
        const std::size_t a = g() % n;
        const std::size_t b = g() % n;
        pool[a].id = pool[b].id;     // sometimes the same entrant: no duplicate then
        pool[n - 1].id = pool[0].id; // always one
        const cbpq::draw_key key = key_for(1);
        const cbpq::draw_options o;
        const auto want = catch_input([&] { return cbpq::draw(pool, cap, key, o); });
        REQUIRE(want.has_value());
        CHECK(want->field == "id");
        CHECK(catch_input([&] { return cbpq::draw(pool, cap, key, o, ws); }) == want);
    }
}

TEST_CASE("draw workspace: what it keeps, reserve and clear") {
    std::mt19937_64 g(42);
    const cbpq::day_capacity cap = capacity_for(g, false);
    const cbpq::draw_key key = key_for(3);
    const cbpq::draw_options o;
    cbpq::draw_workspace ws;
    CHECK(ws.bytes() == 0);

    // Without the duplicate check the workspace is not used.
    const auto pool = make_pool<std::int64_t>(g, 100000, cap, 1);
    cbpq::draw_options unchecked = o;
    unchecked.check_duplicate_ids = false;
    CHECK(cbpq::draw(pool, cap, key, unchecked, ws) == cbpq::draw(pool, cap, key, unchecked));
    CHECK(ws.bytes() == 0);

    // A draw keeps its store: about 8 bytes per entrant, plus slack.
    CHECK(cbpq::draw(pool, cap, key, o, ws) == cbpq::draw(pool, cap, key, o));
    const std::size_t held = ws.bytes();
    CHECK(held >= 100000 * sizeof(std::uint64_t));
    CHECK(held <= 2 * 100000 * sizeof(std::uint64_t));

    // The same pool, a smaller one and one 3% larger reuse it; a larger one replaces it.
    CHECK(cbpq::draw(pool, cap, key, o, ws) == cbpq::draw(pool, cap, key, o));
    CHECK(ws.bytes() == held);
    const auto small = make_pool<std::int64_t>(g, 1000, cap, 200000);
    CHECK(cbpq::draw(small, cap, key, o, ws) == cbpq::draw(small, cap, key, o));
    CHECK(ws.bytes() == held);
    const auto more = make_pool<std::int64_t>(g, 103000, cap, 300000);
    CHECK(cbpq::draw(more, cap, key, o, ws) == cbpq::draw(more, cap, key, o));
    CHECK(ws.bytes() == held);
    const auto larger = make_pool<std::int64_t>(g, 200000, cap, 500000);
    CHECK(cbpq::draw(larger, cap, key, o, ws) == cbpq::draw(larger, cap, key, o));
    CHECK(ws.bytes() >= 200000 * sizeof(std::uint64_t));

    // clear() releases everything; the workspace still works.
    ws.clear();
    CHECK(ws.bytes() == 0);
    CHECK(cbpq::draw(small, cap, key, o, ws) == cbpq::draw(small, cap, key, o));
    CHECK(ws.bytes() > 0);
    CHECK(ws.bytes() < 100000 * sizeof(std::uint64_t));

    // reserve(n) sizes it for n entrants at once: the draw of n allocates nothing more.
    ws.clear();
    ws.reserve(pool.size());
    const std::size_t reserved = ws.bytes();
    CHECK(reserved >= 100000 * sizeof(std::uint64_t));
    CHECK(cbpq::draw(pool, cap, key, o, ws) == cbpq::draw(pool, cap, key, o));
    CHECK(ws.bytes() == reserved);

    // Moved: the target keeps the store; the source is empty and still usable.
    cbpq::draw_workspace other(std::move(ws));
    CHECK(other.bytes() == reserved);
    CHECK(cbpq::draw(pool, cap, key, o, other) == cbpq::draw(pool, cap, key, o));
    CHECK(other.bytes() == reserved);
    CHECK(cbpq::draw(small, cap, key, o, ws) == cbpq::draw(small, cap, key, o));
    ws = std::move(other);
    CHECK(ws.bytes() == reserved);
    CHECK(cbpq::draw(more, cap, key, o, ws) == cbpq::draw(more, cap, key, o));
}
