// SPDX-License-Identifier: BSL-1.0
#include "store_conformance.hpp"

#include <cbpq/audit.hpp>
#include <cbpq/daily.hpp>
#include <cbpq/store.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace {

// A store that fails on purpose at one step of the daily run: 1 committed, 2 eligible_pool,
// 3 commit_day (before the inner store is touched); 0 never.
struct faulty_store {
    cbpq::memory_store inner;
    int fail_at = 0;
    mutable int step = 0;

    void hit() const {
        if (++step == fail_at) {
            throw cbpq::storage_failure("failing on purpose at step " + std::to_string(step));
        }
    }
    [[nodiscard]] auto eligible_pool(cbpq::civil_date d) const {
        hit();
        return inner.eligible_pool(d);
    }
    [[nodiscard]] std::optional<cbpq::day_commit> committed(std::string_view l) const {
        hit();
        return inner.committed(l);
    }
    cbpq::commit_status commit_day(const cbpq::day_commit& c) {
        hit();
        return inner.commit_day(c);
    }
};

struct faulty_resolver {
    bool fail = false;
    std::vector<cbpq::dedup_decision>
    resolve(std::span<const cbpq::registration* const> pool) const {
        if (fail) {
            throw cbpq::storage_failure("resolver failing on purpose");
        }
        return cbpq::pass_through_resolver{}.resolve(pool);
    }
};

struct faulty_capacity {
    bool fail = false;
    [[nodiscard]] cbpq::day_capacity for_date(cbpq::civil_date) const {
        if (fail) {
            throw cbpq::storage_failure("capacity failing on purpose");
        }
        return conformance::two_ports();
    }
};

cbpq::memory_store filled(std::size_t n) {
    cbpq::memory_store s;
    conformance::fill(s, n);
    return s;
}

} // namespace

TEST_CASE("daily: a failure at any step leaves the store as it was") {
    for (int at = 1; at <= 6; ++at) {
        CAPTURE(at);
        faulty_store s{filled(25), 0, 0};
        const cbpq::memory_store before = s.inner;
        faulty_resolver res{at == 4};
        faulty_capacity cap{at == 5};
        auto q = conformance::request(3);
        if (at == 6) {
            q.options.max_party = 1; // the draw itself refuses parties of 2 and 3
        }
        s.fail_at = at <= 3 ? at : 0;
        // Steps 1-3 are the store's own calls (committed, eligible_pool, commit_day).
        if (at == 3) {
            s.fail_at = 3;
        }
        CHECK_THROWS(cbpq::run_day(s, cap, q, res));
        CHECK(s.inner == before);
        // And the same run then succeeds.
        s.fail_at = 0;
        res.fail = false;
        cap.fail = false;
        q.options.max_party = 20;
        CHECK(cbpq::run_day(s, cap, q, res).status == cbpq::day_status::committed);
        CHECK_FALSE(s.inner == before);
    }
}

TEST_CASE("daily: a workspace kept from day to day changes no outcome") {
    // Two stores with the same registrations: one runs its days without a workspace, the
    // other with one workspace for every day (the second day's pool is smaller, the third
    // larger again after new arrivals), as a host would keep it.
    auto plain = filled(80);
    auto reused = filled(80);
    const conformance::fixed_capacity_source cap{conformance::two_ports()};
    cbpq::draw_workspace workspace;
    for (int day = 1; day <= 3; ++day) {
        auto q = conformance::request(static_cast<unsigned char>(20 + day), 3);
        q.date = cbpq::parse_date("2024-03-0" + std::to_string(day));
        if (day == 3) {
            for (auto* s : {&plain, &reused}) {
                for (int i = 0; i < 40; ++i) {
                    s->add_registration(conformance::person("late" + std::to_string(i),
                                                            i % 2 == 0 ? "A" : "B", 1 + i % 3,
                                                            1000 + i),
                                        cbpq::dedup_decision::keep);
                }
            }
        }
        const auto a = cbpq::run_day(plain, cap, q);
        const auto b = cbpq::run_day(reused, cap, q, cbpq::pass_through_resolver{}, workspace);
        REQUIRE(a.status == cbpq::day_status::committed);
        CHECK(b.status == a.status);
        CHECK(b.day == a.day);
        CHECK(b.pool == a.pool);
        CHECK(workspace.bytes() > 0); // the draw's duplicate check kept its store there
    }
    // A day already committed is returned as stored, with or without the workspace.
    auto q = conformance::request(21, 3);
    q.date = cbpq::parse_date("2024-03-01");
    CHECK(cbpq::run_day(reused, cap, q, cbpq::pass_through_resolver{}, workspace).status ==
          cbpq::day_status::already_committed);
}

TEST_CASE("daily: the committed day reproduces from its receipt (verify)") {
    auto s = filled(60);
    const conformance::fixed_capacity_source cap{conformance::two_ports()};
    const auto out = cbpq::run_day(s, cap, conformance::request(11, 3));
    REQUIRE(out.status == cbpq::day_status::committed);
    const auto& r = out.day.day_receipt;
    const auto report = cbpq::verify(
        r, out.day.entrants, cap.cap,
        [](const cbpq::pool_entry& e) -> const std::string& { return e.id; },
        [](const cbpq::pool_entry& e) -> const std::string& { return e.port; },
        [](const cbpq::pool_entry& e) { return e.party; });
    CHECK_MESSAGE(report.ok, report.difference);
    // Slot times: at B every selected party has a slot label of the grid.
    for (const auto& sel : r.result[1].selected) {
        CHECK((sel.slot == "08:00" || sel.slot == "09:00"));
    }
    // The receipt round-trips through its JSON form.
    CHECK(cbpq::receipt_from_json(cbpq::receipt_to_json(r), "r") == r);
    // Nobody drawn can enter the next day's draw.
    auto q2 = conformance::request(12, 3);
    q2.date = cbpq::parse_date("2024-03-02");
    const auto next = cbpq::run_day(s, cap, q2);
    std::set<std::string> first;
    for (const auto& p : r.result) {
        for (const auto& x : p.selected) {
            first.insert(x.id);
        }
    }
    for (const auto& e : next.day.entrants) {
        CHECK(first.count(e.id) == 0);
    }
    CHECK(next.day.entrants.size() == 60 - first.size());
}

TEST_CASE("daily: batch duplicate resolution removes cancelled duplicates from the draw") {
    cbpq::memory_store s;
    auto a = conformance::person("1", "A", 1, 10);
    a.document = "P12345678"; // long enough for the document rules
    auto b = a;               // same person, registered later under another id
    b.id = "2";
    b.registered = 20;
    auto c = conformance::person("3", "A", 1, 30);
    s.add_registration(a, cbpq::dedup_decision::keep);
    s.add_registration(b, cbpq::dedup_decision::keep); // not caught at registration
    s.add_registration(c, cbpq::dedup_decision::keep);
    cbpq::day_capacity cap;
    cap.ports.push_back({"A", 10, std::nullopt, {}});
    const auto out = cbpq::run_day(s, conformance::fixed_capacity_source{cap},
                                   conformance::request(1), cbpq::dedup_resolver{});
    REQUIRE(out.status == cbpq::day_status::committed);
    CHECK(out.pool == 3);
    CHECK(out.duplicates_removed == 1);
    std::set<std::string> ids;
    for (const auto& e : out.day.entrants) {
        ids.insert(e.id);
    }
    CHECK(ids == std::set<std::string>{"1", "3"});
    // With the pass-through default both stay.
    cbpq::memory_store t;
    t.add_registration(a, cbpq::dedup_decision::keep);
    t.add_registration(b, cbpq::dedup_decision::keep);
    const auto kept =
        cbpq::run_day(t, conformance::fixed_capacity_source{cap}, conformance::request(1));
    CHECK(kept.day.entrants.size() == 2);
}

TEST_CASE("daily: a capacity plan drives the run for the port-local date") {
    const auto plan = cbpq::capacity_plan::parse(
        "cbpq-capacity-plan 1\nport a\nport b\ncapacity a persons=3\ncapacity b persons=2\n");
    cbpq::memory_store s;
    for (int i = 0; i < 20; ++i) {
        s.add_registration(conformance::person("p" + std::to_string(i), i % 2 ? "a" : "b", 1, i),
                           cbpq::dedup_decision::keep);
    }
    auto q = conformance::request(2, 2);
    const auto out = cbpq::run_day(s, plan, q);
    REQUIRE(out.status == cbpq::day_status::committed);
    CHECK(out.day.day_receipt.capacity == plan.for_date(q.date));
    CHECK(out.day.day_receipt.result[0].persons <= 3);
    CHECK(out.day.day_receipt.result[1].persons <= 2);
}

TEST_CASE("daily: a release path rejects states that hold capacity") {
    auto s = filled(4);
    CHECK_THROWS_AS(cbpq::release_and_promote(s, cbpq::parse_date("2024-03-01"), "p1",
                                              cbpq::reservation_state::held),
                    cbpq::invalid_input);
}

TEST_CASE("daily: release_and_promote walks the waiting list in rank order, not stored order") {
    // A weighted or aging receipt stores its alternates in (key, id) order; promotion must
    // still go by rank: here rank 1 ("y") is stored last and must be promoted first.
    cbpq::memory_store s;
    cbpq::day_commit c;
    c.date = cbpq::parse_date("2024-03-01");
    c.day_receipt.label = "weighted-day";
    c.day_receipt.seed = conformance::seed_of(9);
    c.day_receipt.capacity.ports.push_back({"A", 1, std::nullopt, {}});
    cbpq::receipt_port a{"A", 1, 1, {{"s", 1, 1, ""}}, {}};
    a.alternates.push_back({"x", 1, 3, cbpq::not_selected_reason::none});
    a.alternates.push_back({"z", 1, 2, cbpq::not_selected_reason::none});
    a.alternates.push_back({"y", 1, 1, cbpq::not_selected_reason::none});
    c.day_receipt.result.push_back(a);
    REQUIRE(s.commit_day(c) == cbpq::commit_status::committed);
    const auto out = cbpq::release_and_promote(s, c.date, "s", cbpq::reservation_state::cancelled);
    REQUIRE(out.released.has_value());
    REQUIRE(out.promoted.size() == 1);
    CHECK(out.promoted[0].id == "y");
    // The next release promotes the next rank.
    const auto next = cbpq::release_and_promote(s, c.date, "y", cbpq::reservation_state::no_show);
    REQUIRE(next.promoted.size() == 1);
    CHECK(next.promoted[0].id == "z");
}

TEST_CASE("daily: a date that does not exist is refused by run_day and by the store") {
    auto s = filled(6);
    auto q = conformance::request(5);
    q.date = cbpq::civil_date{std::chrono::year{2023}, std::chrono::February, std::chrono::day{30}};
    CHECK_THROWS_WITH_AS(
        (void)cbpq::run_day(s, conformance::fixed_capacity_source{conformance::two_ports()}, q),
        doctest::Contains("not a calendar date"), cbpq::invalid_input);
    CHECK_FALSE(s.committed(cbpq::day_label(q)).has_value());
    // The real 2023-03-02, which 02-30 would have been filed as, still runs.
    q.date = cbpq::parse_date("2023-03-02");
    CHECK(
        cbpq::run_day(s, conformance::fixed_capacity_source{conformance::two_ports()}, q).status ==
        cbpq::day_status::committed);
    cbpq::day_commit c;
    c.date = cbpq::civil_date{std::chrono::year{2023}, std::chrono::February, std::chrono::day{30}};
    c.day_receipt.label = "bad-date";
    c.day_receipt.seed = conformance::seed_of(4);
    CHECK_THROWS_AS((void)s.commit_day(c), cbpq::invalid_input);
    CHECK_FALSE(s.committed("bad-date").has_value());
    CHECK_FALSE(s.reserve({{"A", c.date, ""}, "2023-03-02", "p5", 1, {}}));
}
