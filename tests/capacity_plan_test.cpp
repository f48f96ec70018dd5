// Tests of capacity plans (the text format of docs/capacity.md), for_date(), the reservation
// ledger, and property tests over random plans: no layer is ever exceeded, and cancelling
// restores capacity.
#include <cbpq/capacity.hpp>
#include <cbpq/random.hpp>

#include <doctest/doctest.h>

#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace {

using cbpq::civil_date;
using namespace std::chrono;

civil_date D(int y, unsigned m, unsigned d) { return civil_date{year(y), month(m), day(d)}; }

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string example_plan() {
    return read(std::string(CBPQ_TEST_SOURCE_DIR) + "/../examples/plans/cbp-one-2023.plan");
}

const std::string header = "cbpq-capacity-plan 1\nport a weight=3\nport b weight=1\n";

struct where {
    std::size_t line;
    std::size_t column;
    std::string field;
};

where parse_failure(const std::string& text) {
    try {
        (void)cbpq::capacity_plan::parse(text, "t.plan");
    } catch (const cbpq::parse_error& e) {
        CHECK(e.source() == "t.plan");
        MESSAGE(std::string(e.what()));
        return {e.line(), e.column(), e.field()};
    }
    FAIL("plan accepted: " << text);
    return {};
}

std::int64_t persons(const cbpq::day_capacity& d, const char* port) {
    const auto* p = d.find(port);
    REQUIRE(p != nullptr);
    return p->persons;
}

} // namespace

TEST_CASE("capacity plan: the CBP One 2023 example") {
    const auto plan = cbpq::capacity_plan::parse(example_plan(), "cbp-one-2023.plan");
    CHECK(plan.port_names() == std::vector<std::string>{"nogales", "brownsville", "eagle-pass",
                                                        "hidalgo", "laredo", "el-paso", "calexico",
                                                        "san-ysidro"});
    auto total = [&](civil_date d) {
        std::int64_t t = 0;
        for (const auto& p : plan.for_date(d).ports) {
            t += p.persons;
        }
        return t;
    };
    CHECK(total(D(2023, 5, 11)) == 0);
    CHECK(total(D(2023, 5, 12)) == 1000);
    CHECK(total(D(2023, 5, 31)) == 1000);
    CHECK(total(D(2023, 6, 1)) == 1250);
    CHECK(total(D(2023, 6, 29)) == 1250);
    CHECK(total(D(2023, 6, 30)) == 1450);
    CHECK(total(D(2024, 12, 31)) == 1450);
    // At 1,450 the weights are the assumed daily numbers, so Hamilton reproduces them.
    const auto d = plan.for_date(D(2023, 7, 1));
    CHECK(persons(d, "san-ysidro") == 395);
    CHECK(persons(d, "brownsville") == 380);
    CHECK(persons(d, "nogales") == 100);
    CHECK(persons(d, "laredo") == 150);
    // At 1,000: floors 68 262 68 86 103 86 51 272 (996), then the four largest remainders
    // (nogales .97, eagle-pass .97, calexico .72, laredo .45).
    const auto may = plan.for_date(D(2023, 5, 12));
    CHECK(persons(may, "nogales") == 69);
    CHECK(persons(may, "brownsville") == 262);
    CHECK(persons(may, "laredo") == 104);
    CHECK(persons(may, "calexico") == 52);
    CHECK(persons(may, "san-ysidro") == 272);
    // Seniority set-aside: half, the tie of 197.5 going to the pool listed first.
    const auto pools = plan.pools(395);
    REQUIRE(pools.size() == 2);
    CHECK(pools[0] == cbpq::pool_amount{"seniority", 198});
    CHECK(pools[1] == cbpq::pool_amount{"lottery", 197});
    for (const auto& p : d.ports) {
        CHECK(!p.parties);
        CHECK(p.slots.empty());
    }
}

TEST_CASE("capacity plan: every layer and its precedence") {
    const std::string text = header + R"(
capacity a persons=500
weekly b mon=100 tue=100 wed=100 thu=100 fri=100 sat=40   # Sunday: no rule -> closed
override a persons=50 from=2024-01-10 until=2024-01-11
close * on=2024-12-25 reason=holiday
recur a persons=20 start=2024-01-06 rrule=FREQ=WEEKLY;BYDAY=SA,SU exdate=2024-01-13
staff a officers=10 hours=7.5 minutes-per-person=15 from=2024-02-01   # 300
week-cap b persons=450
parties a max=120
slots b start=08:00 end=12:00 length=30 step=60 persons=12 from=2024-03-01
)";
    const auto plan = cbpq::capacity_plan::parse(text, "t.plan");
    CHECK(persons(plan.for_date(D(2024, 1, 8)), "a") == 500);  // Monday: base
    CHECK(persons(plan.for_date(D(2024, 1, 10)), "a") == 50);  // override
    CHECK(persons(plan.for_date(D(2024, 1, 6)), "a") == 20);   // Saturday: recurrence
    CHECK(persons(plan.for_date(D(2024, 1, 13)), "a") == 500); // EXDATE
    CHECK(persons(plan.for_date(D(2024, 2, 5)), "a") == 300);  // staffing is stricter
    CHECK(persons(plan.for_date(D(2024, 12, 25)), "a") == 0);  // closed
    CHECK(persons(plan.for_date(D(2024, 12, 25)), "b") == 0);
    CHECK(plan.for_date(D(2024, 1, 8)).find("a")->parties == 120);
    CHECK(persons(plan.for_date(D(2024, 1, 6)), "b") == 40); // Saturday
    CHECK(persons(plan.for_date(D(2024, 1, 7)), "b") == 0);  // Sunday: no rule at all
    const auto march_day = plan.for_date(D(2024, 3, 4));
    const auto* march = march_day.find("b");
    REQUIRE(march->slots.size() == 4);
    CHECK(march->slots[3] == cbpq::slot_capacity{"11:00", 12});
    CHECK(march->persons == 48); // the slot layer is stricter than the 100 of the schedule
    const auto scaled = cbpq::capacity_plan::parse(text + "scale a percent=80 from=2024-02-01\n");
    CHECK(persons(scaled.for_date(D(2024, 2, 5)), "a") == 240); // 80% of the staffing's 300
    CHECK(persons(scaled.for_date(D(2024, 1, 8)), "a") == 500);
    const auto lim = plan.limits(D(2024, 3, 4));
    CHECK(lim[1].day_rule == 100);
    CHECK(lim[1].slot_total == 48);
    CHECK(lim[1].week_cap == 450);
    CHECK(!lim[1].national_share);
}

TEST_CASE("capacity plan: national apportionment respects port layers and bounds") {
    const std::string text = "cbpq-capacity-plan 1\n"
                             "port a weight=5117\nport b weight=4400\nport c weight=162\n"
                             "port d weight=161\nport e weight=160\n"
                             "national persons=100\n";
    auto plan = cbpq::capacity_plan::parse(text + "method dhondt\n");
    auto day = plan.for_date(D(2024, 1, 1));
    CHECK(persons(day, "a") == 52);
    CHECK(persons(day, "b") == 45);
    plan = cbpq::capacity_plan::parse(text + "method huntington-hill\n");
    CHECK(persons(plan.for_date(D(2024, 1, 1)), "e") == 2);
    // A closed port's share goes to the others; a port's own rule caps its share.
    plan = cbpq::capacity_plan::parse(text + "close a on=2024-01-02\ncapacity b persons=30\n");
    day = plan.for_date(D(2024, 1, 2));
    CHECK(persons(day, "a") == 0);
    CHECK(persons(day, "b") == 30);
    CHECK(persons(day, "c") + persons(day, "d") + persons(day, "e") == 70);
    // Huge port-level figures do not overflow the apportionment.
    plan = cbpq::capacity_plan::parse(
        text + "staff * officers=1000000000 hours=24 minutes-per-person=1\n");
    CHECK(persons(plan.for_date(D(2024, 1, 1)), "a") == 51);
    // If the ports cannot take the total, they take what they can.
    plan = cbpq::capacity_plan::parse(text + "capacity * persons=10\n");
    std::int64_t t = 0;
    for (const auto& p : plan.for_date(D(2024, 1, 1)).ports) {
        CHECK(p.persons == 10);
        t += p.persons;
    }
    CHECK(t == 50);
}

TEST_CASE("capacity plan: overbooking raises the booking limit of a port and its slots") {
    const auto plan = cbpq::capacity_plan::parse(header + R"(
capacity a persons=100
overbook a show-up=0.9 risk=0.05
capacity b persons=100
overbook b show-up=0.9 risk=0.05 family=3
slots b start=08:00 end=10:00 length=60 step=60 persons=50
)");
    const auto d = plan.for_date(D(2024, 1, 1));
    CHECK(persons(d, "a") == 106);
    // b: two slots of 50 overbooked to 51 each (families of 3: 16 -> 17 families); the
    // port-day limit is the stricter of B(100) = 102 and the slots' 102.
    CHECK(d.find("b")->slots[0].persons == cbpq::overbooking_limit(50, 0.9, 0.05, 3));
    CHECK(persons(d, "b") ==
          std::min<std::int64_t>(102, 2 * cbpq::overbooking_limit(50, 0.9, 0.05, 3)));
}

TEST_CASE("capacity plan: malformed plans are refused with file, line and column") {
    SUBCASE("missing header") {
        const auto w = parse_failure("port a\n");
        CHECK(w.line == 1);
        CHECK(w.field == "cbpq-capacity-plan");
    }
    SUBCASE("unknown keyword") {
        const auto w = parse_failure(header + "  capacty a persons=5\n");
        CHECK(w.line == 4);
        CHECK(w.column == 3);
        CHECK(w.field == "capacty");
    }
    SUBCASE("bad date") {
        const auto w = parse_failure(header + "capacity a persons=5 from=2023-02-30\n");
        CHECK(w.line == 4);
        CHECK(w.column == 27);
        CHECK(w.field == "from");
    }
    SUBCASE("negative number") {
        const auto w = parse_failure(header + "capacity a persons=-5\n");
        CHECK(w.line == 4);
        CHECK(w.column == 20);
        CHECK(w.field == "persons");
    }
    SUBCASE("overlapping overrides") {
        const auto w =
            parse_failure(header + "override a persons=5 from=2024-01-01 until=2024-01-10\n"
                                   "# a comment line\n"
                                   "close * from=2024-01-10 until=2024-01-12\n");
        CHECK(w.line == 6);
        CHECK(w.column == 9);
        CHECK(w.field == "dates");
    }
    SUBCASE("overlapping base rules") {
        const auto w = parse_failure(header + "capacity a persons=5\n"
                                              "weekly a mon=3 from=2024-01-01\n");
        CHECK(w.line == 5);
        CHECK(w.field == "dates");
    }
    SUBCASE("unknown port") {
        const auto w = parse_failure(header + "capacity c persons=5\n");
        CHECK(w.line == 4);
        CHECK(w.column == 10);
        CHECK(w.field == "port");
    }
    SUBCASE("slot length 0") {
        const auto w =
            parse_failure(header + "slots a start=08:00 end=12:00 length=0 step=30 persons=5\n");
        CHECK(w.line == 4);
        CHECK(w.column == 38);
        CHECK(w.field == "length");
    }
    SUBCASE("unsupported RRULE part") {
        const auto w = parse_failure(
            header + "recur a persons=0 start=2024-01-01 rrule=FREQ=MONTHLY;BYSETPOS=-1\n");
        CHECK(w.line == 4);
        CHECK(w.column == 55);
        CHECK(w.field == "RRULE BYSETPOS");
    }
    SUBCASE("unknown field, duplicate field, bad value") {
        CHECK(parse_failure(header + "capacity a persons=5 size=3\n").field == "size");
        CHECK(parse_failure(header + "capacity a persons=5 persons=6\n").field == "persons");
        CHECK(parse_failure(header + "capacity a persons=five\n").field == "persons");
        CHECK(parse_failure(header + "capacity a\n").field == "persons");
        CHECK(parse_failure(header + "port a\n").field == "port");
        CHECK(parse_failure(header + "method adams\n").field == "method");
        CHECK(parse_failure(header + "override a persons=1 from=2024-01-01\n").field == "until");
        CHECK(
            parse_failure(header + "staff a officers=1 hours=7.33 minutes-per-person=5\n").field ==
            "hours");
        CHECK(parse_failure(header + "overbook a show-up=1.5 risk=0.05\n").field == "show-up");
        CHECK(parse_failure(header + "set-aside s share=150%\n").field == "share");
        CHECK(parse_failure(header + "scale a percent=120\n").field == "percent");
        CHECK(parse_failure(header + "set-aside s share=60%\nset-aside t share=60%\n").field ==
              "share");
        CHECK(parse_failure(header + "national persons=10\nport c min=11\n").field == "min");
        CHECK(parse_failure("cbpq-capacity-plan 2\n").field == "cbpq-capacity-plan");
    }
}

TEST_CASE("capacity ledger: layers refuse, cancelling restores") {
    const auto plan = cbpq::capacity_plan::parse(header + R"(
national persons=100
capacity a persons=60
parties a max=3
week-cap b persons=70
slots b start=08:00 end=10:00 length=60 step=60 persons=25
)");
    // a: its share of 100 at 3:1 would be 75, capped by its own 60; b takes the other 40
    // (within its slots' 50).
    const auto day = plan.for_date(D(2024, 1, 1));
    CHECK(persons(day, "a") == 60);
    CHECK(persons(day, "b") == 40);
    cbpq::capacity_ledger ledger(plan);
    using L = cbpq::capacity_layer;
    const auto r1 = ledger.reserve({D(2024, 1, 1), "a", "", 30});
    REQUIRE(r1.booked);
    const auto r2 = ledger.reserve({D(2024, 1, 1), "a", "", 31});
    CHECK(!r2.booked);
    CHECK(r2.refused_by == L::day_persons);
    CHECK(ledger.reserve({D(2024, 1, 1), "a", "", 10}).booked);
    CHECK(ledger.reserve({D(2024, 1, 1), "a", "", 10}).booked);
    const auto r3 = ledger.reserve({D(2024, 1, 1), "a", "", 1});
    CHECK(r3.refused_by == L::day_parties);
    CHECK(ledger.reserve({D(2024, 1, 1), "b", "08:00", 26}).refused_by == L::slot);
    const auto s1 = ledger.reserve({D(2024, 1, 1), "b", "08:00", 25});
    REQUIRE(s1.booked);
    CHECK(ledger.reserve({D(2024, 1, 1), "b", "09:00", 16}).refused_by == L::day_persons);
    CHECK(ledger.remaining(D(2024, 1, 1), "b") == 15);
    // Week cap of 70 for b: 25 on Monday, 40 on Tuesday, then only 5 left that week.
    CHECK(ledger.reserve({D(2024, 1, 2), "b", "", 40}).booked);
    CHECK(ledger.reserve({D(2024, 1, 3), "b", "", 6}).refused_by == L::week);
    CHECK(ledger.remaining(D(2024, 1, 3), "b") == 5);
    // Cancelling restores every layer exactly.
    ledger.cancel(s1.id);
    CHECK(ledger.remaining(D(2024, 1, 1), "b") == 30); // the week: 70 - 40 on Tuesday
    CHECK(ledger.reserve({D(2024, 1, 1), "b", "08:00", 25}).booked);
    ledger.cancel(r1.id);
    CHECK(ledger.remaining(D(2024, 1, 1), "a") == 40); // 60 - 10 - 10
    CHECK_THROWS_AS(ledger.cancel(r1.id), cbpq::invalid_input);
    // A party larger than the room left is refused even where used + persons would overflow.
    CHECK(ledger.reserve({D(2024, 1, 1), "a", "", std::numeric_limits<std::int64_t>::max()})
              .refused_by == L::day_persons);
    // A date that does not exist is refused, never read as the day it would roll over to.
    CHECK_THROWS_WITH_AS((void)ledger.reserve({D(2023, 2, 30), "a", "", 1}),
                         doctest::Contains("not a calendar date"), cbpq::invalid_input);
    CHECK_THROWS_AS((void)plan.for_date(D(2023, 2, 30)), cbpq::invalid_input);
    CHECK_THROWS_AS((void)plan.limits(D(2023, 2, 29)), cbpq::invalid_input);
    CHECK_THROWS_AS((void)ledger.reserve({D(2024, 1, 1), "z", "", 1}), cbpq::invalid_input);
    CHECK_THROWS_AS((void)ledger.reserve({D(2024, 1, 1), "b", "07:00", 1}), cbpq::invalid_input);
    CHECK_THROWS_AS((void)ledger.reserve({D(2024, 1, 1), "a", "", 0}), cbpq::invalid_input);
}

TEST_CASE("capacity ledger: remaining() is never negative and refuses a date that does not exist") {
    // b's week cap falls from 70 to 10 on Wednesday 3 January 2024, after 40 were booked on
    // Monday under the old cap: no room is left that week, not minus 30.
    const auto plan = cbpq::capacity_plan::parse(header + R"(
capacity * persons=60
week-cap b persons=70 until=2024-01-02
week-cap b persons=10 from=2024-01-03
)");
    cbpq::capacity_ledger ledger(plan);
    REQUIRE(ledger.reserve({D(2024, 1, 1), "b", "", 40}).booked);
    CHECK(ledger.remaining(D(2024, 1, 2), "b") == 30);
    CHECK(ledger.remaining(D(2024, 1, 3), "b") == 0);
    CHECK(ledger.reserve({D(2024, 1, 3), "b", "", 1}).refused_by == cbpq::capacity_layer::week);
    CHECK(ledger.remaining(D(2024, 1, 8), "b") == 10); // the next week
    CHECK(ledger.remaining(D(2024, 1, 3), "a") == 60);
    // 2023-02-30 is not read as 2 March.
    CHECK_THROWS_WITH_AS((void)ledger.remaining(D(2023, 2, 30), "a"),
                         doctest::Contains("not a calendar date"), cbpq::invalid_input);
    CHECK_THROWS_AS((void)ledger.remaining(D(2024, 1, 3), "z"), cbpq::invalid_input);
}

namespace {

// A random plan over ports p0..p(n-1) and dates in 2024, built from every rule kind.
std::string random_plan(cbpq::keyed_stream& rng) {
    auto num = [&](std::uint64_t lo, std::uint64_t hi) {
        return std::to_string(lo + rng.below(hi - lo + 1));
    };
    auto date = [&](std::uint64_t from_day) {
        return cbpq::format_date(cbpq::detail::from_day_number(
            cbpq::detail::day_number(D(2024, 1, 1)) + static_cast<std::int64_t>(from_day)));
    };
    const auto n = 2 + rng.below(5);
    std::string t = "cbpq-capacity-plan 1\n";
    for (std::uint64_t i = 0; i < n; ++i) {
        t += "port p" + std::to_string(i) + " weight=" + num(0, 500) + " min=" + num(0, 5) +
             (rng.below(3) == 0 ? " max=" + num(5, 300) : "") + "\n";
    }
    static constexpr const char* methods[] = {"hamilton", "webster", "dhondt", "huntington-hill"};
    t += std::string("method ") + methods[rng.below(4)] + "\n";
    if (rng.below(4) != 0) {
        t += "national persons=" + num(30, 2000) + " until=2024-02-14\n";
        t += "national persons=" + num(30, 2000) + " from=2024-02-15\n";
    }
    for (std::uint64_t i = 0; i < n; ++i) {
        const std::string p = "p" + std::to_string(i);
        if (rng.below(2) == 0) {
            t += "capacity " + p + " persons=" + num(0, 600) + "\n";
        } else {
            t += "weekly " + p + " mon=" + num(0, 600) + " wed=" + num(0, 600) +
                 " sat=" + num(0, 600) + "\n";
        }
        if (rng.below(2) == 0) {
            const auto a = rng.below(30);
            t += "override " + p + " persons=" + num(0, 600) + " from=" + date(a) +
                 " until=" + date(a + rng.below(10)) + "\n";
        }
        if (rng.below(2) == 0) {
            t += "close " + p + " on=" + date(40 + rng.below(10)) + "\n";
        }
        if (rng.below(2) == 0) {
            static constexpr const char* rules[] = {
                "FREQ=WEEKLY;BYDAY=SU", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=DAILY;INTERVAL=3;COUNT=10",
                "FREQ=MONTHLY;BYMONTHDAY=1,-1"};
            t += "recur " + p + " persons=" + num(0, 600) +
                 " start=2024-01-01 rrule=" + rules[rng.below(4)] + "\n";
        }
        if (rng.below(2) == 0) {
            t += "staff " + p + " officers=" + num(0, 30) +
                 " hours=8 minutes-per-person=" + num(5, 60) +
                 (rng.below(2) == 0 ? " holding=" + num(0, 400) : "") + "\n";
        }
        if (rng.below(3) == 0) {
            t += "scale " + p + " percent=" + num(0, 99) + "." + num(0, 9) +
                 " from=" + date(rng.below(60)) + "\n";
        }
        if (rng.below(3) == 0) {
            t += "week-cap " + p + " persons=" + num(0, 2000) + "\n";
        }
        if (rng.below(3) == 0) {
            t += "parties " + p + " max=" + num(0, 200) + "\n";
        }
        if (rng.below(3) == 0) {
            t += "slots " + p + " start=08:00 end=" + num(10, 18) +
                 ":00 length=30 step=" + num(30, 90) + " persons=" + num(0, 40) + "\n";
        }
    }
    return t;
}

} // namespace

TEST_CASE("capacity property: no layer is ever exceeded over random plans") {
    cbpq::keyed_stream rng(0x70726f7065727479ULL, 0x6361706163697479ULL, 42);
    for (int trial = 0; trial < 60; ++trial) {
        const auto text = random_plan(rng);
        INFO(text);
        const auto plan = cbpq::capacity_plan::parse(text, "random");
        for (std::int64_t k = 0; k < 70; ++k) {
            const auto d =
                cbpq::detail::from_day_number(cbpq::detail::day_number(D(2024, 1, 1)) + k);
            const auto lim = plan.limits(d);
            const auto cap = plan.for_date(d);
            std::int64_t sum = 0;
            for (std::size_t i = 0; i < lim.size(); ++i) {
                const auto& l = lim[i];
                const auto& p = cap.ports[i];
                CHECK(p.persons == l.persons);
                CHECK(p.persons >= 0);
                for (const auto& layer :
                     {l.day_rule, l.staffing, l.slot_total, l.week_cap, l.national_share}) {
                    if (layer) {
                        CHECK(p.persons <= *layer);
                    }
                }
                if (!p.slots.empty()) {
                    std::int64_t slots = 0;
                    for (const auto& s : p.slots) {
                        slots += s.persons;
                    }
                    CHECK(p.persons <= slots);
                }
                sum += p.persons;
            }
            if (const auto n = plan.national_total(d)) {
                CHECK(sum <= *n);
            }
        }
    }
}

TEST_CASE("capacity property: random bookings never exceed a layer; cancelling restores") {
    cbpq::keyed_stream rng(0x6c6564676572ULL, 0x63616e63656cULL, 7);
    for (int trial = 0; trial < 25; ++trial) {
        const auto plan = cbpq::capacity_plan::parse(random_plan(rng), "random");
        cbpq::capacity_ledger ledger(plan);
        const auto ports = plan.port_names();
        std::vector<std::uint64_t> held;
        std::vector<std::int64_t> before;
        for (std::int64_t k = 0; k < 14; ++k) {
            for (const auto& p : ports) {
                before.push_back(ledger.remaining(
                    cbpq::detail::from_day_number(cbpq::detail::day_number(D(2024, 2, 10)) + k),
                    p));
            }
        }
        for (int op = 0; op < 400; ++op) {
            if (!held.empty() && rng.below(4) == 0) {
                const auto j = static_cast<std::size_t>(rng.below(held.size()));
                ledger.cancel(held[j]);
                held.erase(held.begin() + static_cast<std::ptrdiff_t>(j));
            } else {
                const auto d =
                    cbpq::detail::from_day_number(cbpq::detail::day_number(D(2024, 2, 10)) +
                                                  static_cast<std::int64_t>(rng.below(14)));
                const auto& port = ports[static_cast<std::size_t>(rng.below(ports.size()))];
                std::string slot;
                const auto day_cap = plan.for_date(d);
                const auto* pc = day_cap.find(port);
                if (!pc->slots.empty() && rng.below(2) == 0) {
                    slot = pc->slots[static_cast<std::size_t>(rng.below(pc->slots.size()))].label;
                }
                const auto r =
                    ledger.reserve({d, port, slot, static_cast<std::int64_t>(1 + rng.below(6))});
                if (r.booked) {
                    held.push_back(r.id);
                }
            }
            for (const auto& u : ledger.layers()) {
                CHECK(u.used >= 0);
                if (u.limit) {
                    CHECK(u.used <= *u.limit);
                }
            }
        }
        for (const auto id : held) {
            ledger.cancel(id);
        }
        CHECK(ledger.size() == 0);
        for (const auto& u : ledger.layers()) {
            CHECK(u.used == 0);
        }
        std::size_t at = 0;
        for (std::int64_t k = 0; k < 14; ++k) {
            for (const auto& p : ports) {
                CHECK(ledger.remaining(cbpq::detail::from_day_number(
                                           cbpq::detail::day_number(D(2024, 2, 10)) + k),
                                       p) == before[at++]);
            }
        }
    }
}
