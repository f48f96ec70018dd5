// SPDX-License-Identifier: BSL-1.0
// The store conformance suite: one TEST_CASE_TEMPLATE_DEFINE run over every store that models
// store.hpp's concepts. tests/store_test.cpp invokes it for memory_store; the SQLite example
// (examples/sqlite_registry) invokes it for its sqlite_store in its own test binary, because
// only that target links SQLite. A store type S provides store_factory<S>::make().
#ifndef CBPQ_TESTS_STORE_CONFORMANCE_HPP
#define CBPQ_TESTS_STORE_CONFORMANCE_HPP

#include <cbpq/daily.hpp>
#include <cbpq/store.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace conformance {

template <class S>
struct store_factory;

struct fixed_capacity_source {
    cbpq::day_capacity cap;
    [[nodiscard]] cbpq::day_capacity for_date(cbpq::civil_date) const { return cap; }
};

inline cbpq::registration person(std::string id, std::string port, std::int64_t party,
                                 std::int64_t registered) {
    cbpq::registration r;
    r.id = id;
    r.registered = registered;
    r.given = "Given" + id;
    r.surname = "Surname" + id;
    r.birth = "1990-01-01";
    r.document = "DOC" + id;
    r.port = std::move(port);
    r.party = party;
    return r;
}

inline cbpq::seed seed_of(unsigned char b) {
    std::string hex;
    for (int i = 0; i < 32; ++i) {
        hex += "0123456789abcdef"[b >> 4];
        hex += "0123456789abcdef"[b & 15];
    }
    return cbpq::seed::from_hex(hex);
}

inline cbpq::day_capacity two_ports() {
    cbpq::day_capacity cap;
    cap.ports.push_back({"A", 5, std::nullopt, {}});
    cap.ports.push_back({"B", 4, 3, {{"08:00", 2}, {"09:00", 2}}});
    return cap;
}

template <class S>
void fill(S& s, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        s.add_registration(person("p" + std::to_string(i), i % 2 ? "A" : "B",
                                  static_cast<std::int64_t>(1 + i % 3),
                                  static_cast<std::int64_t>(i)),
                           cbpq::dedup_decision::keep);
    }
}

inline cbpq::day_request request(unsigned char seed_byte, std::size_t alternates = 4) {
    cbpq::day_request q;
    q.date = cbpq::parse_date("2024-03-01");
    q.day_seed = seed_of(seed_byte);
    q.options.alternates = alternates;
    return q;
}

// Every person's reservation, for before/after comparisons.
template <class S>
std::vector<std::optional<cbpq::reservation>> reservations(const S& s, std::size_t n) {
    std::vector<std::optional<cbpq::reservation>> out;
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(s.reservation_of("p" + std::to_string(i)));
    }
    return out;
}

} // namespace conformance

TEST_CASE_TEMPLATE_DEFINE(
    "store conformance: commit is idempotent by label and refuses another seed", S,
    store_conformance_commit) {
    auto s = conformance::store_factory<S>::make();
    conformance::fill(s, 30);
    const conformance::fixed_capacity_source cap{conformance::two_ports()};
    const auto first = cbpq::run_day(s, cap, conformance::request(7));
    REQUIRE(first.status == cbpq::day_status::committed);
    CHECK(first.pool == 30);
    const auto stored = s.committed("2024-03-01");
    REQUIRE(stored.has_value());
    CHECK(*stored == first.day);
    CHECK(s.eligible_pool(first.day.date).size() ==
          30 - static_cast<std::size_t>(first.day.day_receipt.result[0].parties +
                                        first.day.day_receipt.result[1].parties));
    const auto before = conformance::reservations(s, 30);

    const auto again = cbpq::run_day(s, cap, conformance::request(7));
    CHECK(again.status == cbpq::day_status::already_committed);
    CHECK(again.day == first.day);
    const auto other = cbpq::run_day(s, cap, conformance::request(8));
    CHECK(other.status == cbpq::day_status::refused);
    CHECK(other.day == first.day);
    CHECK(s.commit_day(first.day) == cbpq::commit_status::already_committed);
    CHECK(conformance::reservations(s, 30) == before);
    CHECK(*s.committed("2024-03-01") == first.day);
    // Every selected party holds a reservation in its slot; nobody else does.
    std::size_t held = 0;
    for (const auto& r : before) {
        held += r.has_value() ? 1 : 0;
    }
    CHECK(held == static_cast<std::size_t>(first.day.day_receipt.result[0].parties +
                                           first.day.day_receipt.result[1].parties));
    for (const auto& p : first.day.day_receipt.result) {
        for (const auto& sel : p.selected) {
            const auto r = s.reservation_of(sel.id);
            REQUIRE(r.has_value());
            CHECK(r->where.port == p.port);
            CHECK(r->where.slot == sel.slot);
            CHECK(r->persons == sel.party);
            CHECK(r->state == cbpq::reservation_state::held);
        }
    }
}

TEST_CASE_TEMPLATE_DEFINE("store conformance: reserve and release are atomic and exact", S,
                          store_conformance_reserve) {
    auto s = conformance::store_factory<S>::make();
    conformance::fill(s, 12);
    cbpq::day_capacity cap = conformance::two_ports();
    cap.ports[0].persons = 0; // nobody selected at A; B: 4 persons, 3 parties, 2 + 2 slots
    cap.ports[1].persons = 0;
    const auto day =
        cbpq::run_day(s, conformance::fixed_capacity_source{cap}, conformance::request(1));
    REQUIRE(day.status == cbpq::day_status::committed);
    const auto d = day.day.date;
    // Port A has room 0: nothing fits; an unknown slot or port fits nothing either.
    CHECK_FALSE(s.reserve({{"A", d, ""}, "2024-03-01", "p1", 1, cbpq::reservation_state::held}));
    CHECK_FALSE(s.reserve({{"B", d, "10:00"}, "2024-03-01", "p1", 1, {}}));
    CHECK_FALSE(s.reserve({{"C", d, ""}, "2024-03-01", "p1", 1, {}}));
    CHECK_FALSE(s.reservation_of("p1").has_value());
    CHECK_FALSE(s.release("p1", cbpq::reservation_state::cancelled).has_value());
    CHECK_FALSE(s.confirm(d, "p1"));
}

TEST_CASE_TEMPLATE_DEFINE("store conformance: slots, parties, one appointment per person", S,
                          store_conformance_slots) {
    auto s = conformance::store_factory<S>::make();
    conformance::fill(s, 12);
    cbpq::day_capacity cap;
    cap.ports.push_back({"A", 0, std::nullopt, {}});
    cap.ports.push_back({"B", 0, std::nullopt, {}});
    auto day = cbpq::run_day(s, conformance::fixed_capacity_source{cap}, conformance::request(2));
    REQUIRE(day.status == cbpq::day_status::committed);
    // A second day with real room, committed empty (no entrants left is fine: use a new label).
    cbpq::day_capacity cap2 = conformance::two_ports();
    cap2.ports[0].persons = 0;
    auto q = conformance::request(3);
    q.date = cbpq::parse_date("2024-03-02");
    q.options.alternates = 0;
    // Draw nobody by giving B a zero persons limit, then book by hand against real limits.
    cbpq::day_commit c;
    c.date = q.date;
    c.day_receipt.label = "manual";
    c.day_receipt.seed = conformance::seed_of(3);
    c.day_receipt.capacity = cap2;
    c.day_receipt.result.push_back({"A", 0, 0, {}, {}});
    c.day_receipt.result.push_back({"B", 0, 0, {}, {}});
    REQUIRE(s.commit_day(c) == cbpq::commit_status::committed);
    const auto d = q.date;
    CHECK_FALSE(s.reserve({{"B", d, ""}, "manual", "p0", 1, {}})); // B has a grid: slot needed
    CHECK(s.reserve({{"B", d, "08:00"}, "manual", "p0", 2, {}}));
    CHECK_FALSE(s.reserve({{"B", d, "08:00"}, "manual", "p1", 1, {}})); // slot full
    CHECK_FALSE(s.reserve({{"B", d, "09:00"}, "manual", "p0", 1, {}})); // one appointment
    CHECK(s.reserve({{"B", d, "09:00"}, "manual", "p1", 1, {}}));
    // A party larger than any room left is refused, even where used + persons would overflow.
    CHECK_FALSE(s.reserve(
        {{"B", d, "09:00"}, "manual", "p4", std::numeric_limits<std::int64_t>::max(), {}}));
    CHECK(s.reserve({{"B", d, "09:00"}, "manual", "p2", 1, {}}));
    CHECK_FALSE(s.reserve({{"B", d, "09:00"}, "manual", "p3", 1, {}})); // persons and parties
    CHECK(s.confirm(d, "p1"));
    CHECK_FALSE(s.confirm(d, "p1"));
    CHECK_FALSE(s.confirm(cbpq::parse_date("2024-03-03"), "p2"));
    const auto rel = s.release("p1", cbpq::reservation_state::no_show);
    REQUIRE(rel.has_value());
    CHECK(rel->state == cbpq::reservation_state::confirmed);
    CHECK(s.reservation_of("p1")->state == cbpq::reservation_state::no_show);
    CHECK_FALSE(s.release("p1", cbpq::reservation_state::cancelled).has_value());
    CHECK_FALSE(s.reserve({{"B", d, "09:00"}, "manual", "p1", 1, {}})); // never again
    CHECK(s.reserve({{"B", d, "09:00"}, "manual", "p3", 1, {}}));       // room given back
    CHECK_FALSE(s.release("p3", cbpq::reservation_state::held).has_value());
    // Persons who held a reservation leave the pool.
    for (const auto& e : s.eligible_pool(d)) {
        const cbpq::registration& r = e;
        CHECK(r.id != "p0");
        CHECK(r.id != "p1");
    }
}

TEST_CASE_TEMPLATE_DEFINE("store conformance: a commit that cannot be stored stores nothing", S,
                          store_conformance_atomic) {
    auto s = conformance::store_factory<S>::make();
    conformance::fill(s, 6);
    cbpq::day_commit c;
    c.date = cbpq::parse_date("2024-03-05");
    c.day_receipt.label = "bad";
    c.day_receipt.seed = conformance::seed_of(9);
    c.day_receipt.capacity.ports.push_back({"A", 3, std::nullopt, {}});
    cbpq::receipt_port p;
    p.port = "A";
    p.selected.push_back({"p1", 2, 1, ""});
    p.selected.push_back({"p3", 2, 2, ""}); // 4 persons > 3: cannot be stored
    c.day_receipt.result.push_back(p);
    CHECK_THROWS(s.commit_day(c));
    CHECK_FALSE(s.committed("bad").has_value());
    CHECK_FALSE(s.reservation_of("p1").has_value());
    CHECK(s.eligible_pool(c.date).size() == 6);
    // The same label can then be committed properly.
    c.day_receipt.result[0].selected.pop_back();
    CHECK(s.commit_day(c) == cbpq::commit_status::committed);
    CHECK(s.reservation_of("p1").has_value());
}

TEST_CASE_TEMPLATE_DEFINE("store conformance: release promotes alternates in order, if they fit", S,
                          store_conformance_promote) {
    auto s = conformance::store_factory<S>::make();
    conformance::fill(s, 40);
    cbpq::day_capacity cap;
    cap.ports.push_back({"A", 4, std::nullopt, {}});
    cap.ports.push_back({"B", 0, std::nullopt, {}});
    const auto day =
        cbpq::run_day(s, conformance::fixed_capacity_source{cap}, conformance::request(5, 10));
    REQUIRE(day.status == cbpq::day_status::committed);
    const auto& port = day.day.day_receipt.result[0];
    REQUIRE(!port.selected.empty());
    REQUIRE(port.alternates.size() == 10);
    const auto d = day.day.date;
    const std::string first = port.selected.front().id;
    const std::int64_t freed = port.selected.front().party;
    const std::int64_t room = 4 - port.persons + freed;
    CHECK(cbpq::confirm(s, d, first));
    const auto out = cbpq::release_and_promote(s, d, first, cbpq::reservation_state::cancelled);
    REQUIRE(out.released.has_value());
    CHECK(out.released->id == first);
    // Expected: walk the alternates in rank order, take each that fits the room left.
    std::int64_t left = room;
    std::vector<std::string> want;
    for (const auto& a : port.alternates) {
        if (a.party <= left) {
            want.push_back(a.id);
            left -= a.party;
        }
    }
    std::vector<std::string> got;
    for (const auto& r : out.promoted) {
        got.push_back(r.id);
        CHECK(s.reservation_of(r.id)->state == cbpq::reservation_state::held);
    }
    CHECK(got == want);
    CHECK(s.reservation_of(first)->state == cbpq::reservation_state::cancelled);
    // Releasing someone who holds nothing changes nothing.
    const auto none =
        cbpq::release_and_promote(s, d, "p-unknown", cbpq::reservation_state::no_show);
    CHECK_FALSE(none.released.has_value());
    CHECK(none.promoted.empty());
}

#endif
