// Tests of the capacity policies in capacity.hpp, each alone: dates, fixed, weekly, overrides,
// RFC 5545 recurrences, staffing, combinators, apportionment, set-asides, carry-over,
// overbooking and slot grids. Plans, the ledger and property tests: capacity_plan_test.cpp.
#include <cbpq/capacity.hpp>
#include <cbpq/random.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace {

using cbpq::civil_date;
using namespace std::chrono;

civil_date D(int y, unsigned m, unsigned d) { return civil_date{year(y), month(m), day(d)}; }

std::vector<std::string> dates_of(const cbpq::recurrence& r, civil_date a, civil_date b) {
    std::vector<std::string> out;
    for (const auto& d : r.between(a, b)) {
        out.push_back(cbpq::format_date(d));
    }
    return out;
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) {
        s += s.empty() ? "" : " ";
        s += x;
    }
    return s;
}

} // namespace

TEST_CASE("capacity: civil dates parse strictly and format back") {
    CHECK(cbpq::format_date(cbpq::parse_date("2023-05-12")) == "2023-05-12");
    CHECK(cbpq::parse_date("2024-02-29") == D(2024, 2, 29));
    CHECK_THROWS_AS((void)cbpq::parse_date("2023-02-29"), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::parse_date("2023-5-12"), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::parse_date("2023-05-12T00:00"), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::parse_date("0000-01-01"), cbpq::invalid_input);
    // 1970-01-01 was a Thursday; ISO weekday index Monday = 0.
    CHECK(cbpq::detail::iso_weekday_index(0) == 3);
    CHECK(cbpq::detail::iso_weekday_index(cbpq::detail::day_number(D(2023, 5, 15))) == 0);
    CHECK(cbpq::detail::iso_weekday_index(cbpq::detail::day_number(D(1969, 12, 28))) == 6);
}

TEST_CASE("capacity: fixed and weekly policies") {
    static_assert(cbpq::daily_policy<cbpq::fixed_capacity>);
    static_assert(cbpq::daily_policy<cbpq::weekly_schedule>);
    static_assert(cbpq::daily_policy<cbpq::date_overrides>);
    static_assert(cbpq::daily_policy<cbpq::staffing>);
    static_assert(cbpq::daily_policy<cbpq::recurring_capacity>);
    CHECK(cbpq::fixed_capacity{400}.limit(D(2023, 6, 1)) == 400);
    cbpq::weekly_schedule w;
    w.persons = {100, 100, 100, 100, 80, 0, std::nullopt};
    CHECK(w.limit(D(2023, 5, 15)) == 100); // Monday
    CHECK(w.limit(D(2023, 5, 19)) == 80);  // Friday
    CHECK(w.limit(D(2023, 5, 20)) == 0);   // Saturday: closed
    CHECK(!w.limit(D(2023, 5, 21)));       // Sunday: no opinion
}

TEST_CASE("capacity: date overrides and closures refuse overlaps") {
    cbpq::date_overrides o;
    o.add(D(2023, 6, 1), D(2023, 6, 29), 1250);
    o.close(D(2023, 7, 4), D(2023, 7, 4));
    CHECK(o.limit(D(2023, 5, 31)) == std::nullopt);
    CHECK(o.limit(D(2023, 6, 1)) == 1250);
    CHECK(o.limit(D(2023, 6, 29)) == 1250);
    CHECK(o.limit(D(2023, 6, 30)) == std::nullopt);
    CHECK(o.limit(D(2023, 7, 4)) == 0);
    const auto before = o;
    CHECK_THROWS_AS(o.add(D(2023, 6, 29), D(2023, 7, 1), 5), cbpq::invalid_input);
    CHECK_THROWS_AS(o.close(D(2023, 5, 1), D(2023, 6, 1)), cbpq::invalid_input);
    CHECK_THROWS_AS(o.add(D(2023, 8, 2), D(2023, 8, 1), 5), cbpq::invalid_input);
    CHECK_THROWS_AS(o.add(D(2023, 8, 1), D(2023, 8, 2), -1), cbpq::invalid_input);
    CHECK(o == before); // strong guarantee
    try {
        o.add(D(2023, 7, 1), D(2023, 7, 10), 5);
        FAIL("overlap accepted");
    } catch (const cbpq::invalid_input& e) {
        CHECK(e.field() == "dates");
        CHECK(std::string(e.what()).find("2023-07-04..2023-07-04") != std::string::npos);
    }
}

// RFC 5545 section 3.8.5.3, "Examples" (the ones within cbpq's subset; DTSTARTs as dates).
TEST_CASE("capacity: RRULE reproduces RFC 5545 3.8.5.3 examples") {
    SUBCASE("daily for 10 occurrences") {
        const cbpq::recurrence r("FREQ=DAILY;COUNT=10", D(1997, 9, 2));
        const auto v = dates_of(r, D(1997, 9, 1), D(1997, 12, 31));
        REQUIRE(v.size() == 10);
        CHECK(v.front() == "1997-09-02");
        CHECK(v.back() == "1997-09-11");
    }
    SUBCASE("every 10 days, 5 occurrences") {
        const cbpq::recurrence r("FREQ=DAILY;INTERVAL=10;COUNT=5", D(1997, 9, 2));
        CHECK(join(dates_of(r, D(1997, 9, 1), D(1998, 12, 31))) ==
              "1997-09-02 1997-09-12 1997-09-22 1997-10-02 1997-10-12");
    }
    SUBCASE("every other week on MO, WE, FR until 1997-12-24") {
        // The RFC's UNTIL is 19971224T000000Z with a 09:00 New York start, which excludes
        // 24 December (25 instances, the last on the 22nd). cbpq's UNTIL is a DATE and
        // inclusive, so the same list ends with UNTIL=19971223; UNTIL=19971224 adds the 24th.
        const cbpq::recurrence r("FREQ=WEEKLY;INTERVAL=2;UNTIL=19971223;BYDAY=MO,WE,FR",
                                 D(1997, 9, 1));
        const auto v = dates_of(r, D(1997, 9, 1), D(1998, 1, 31));
        CHECK(join(std::vector<std::string>(v.begin(), v.begin() + 7)) ==
              "1997-09-01 1997-09-03 1997-09-05 1997-09-15 1997-09-17 1997-09-19 1997-09-29");
        CHECK(v.size() == 25);
        CHECK(v.back() == "1997-12-22");
        const cbpq::recurrence r24("FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224;BYDAY=MO,WE,FR",
                                   D(1997, 9, 1));
        CHECK(dates_of(r24, D(1997, 9, 1), D(1998, 1, 31)).back() == "1997-12-24");
    }
    SUBCASE("monthly on the first Friday for 10 occurrences") {
        const cbpq::recurrence r("FREQ=MONTHLY;COUNT=10;BYDAY=1FR", D(1997, 9, 5));
        CHECK(join(dates_of(r, D(1997, 1, 1), D(1999, 1, 1))) ==
              "1997-09-05 1997-10-03 1997-11-07 1997-12-05 1998-01-02 1998-02-06 1998-03-06 "
              "1998-04-03 1998-05-01 1998-06-05");
    }
    SUBCASE("monthly on the second-to-last Monday for 6 months") {
        const cbpq::recurrence r("FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", D(1997, 9, 22));
        CHECK(join(dates_of(r, D(1997, 1, 1), D(1999, 1, 1))) ==
              "1997-09-22 1997-10-20 1997-11-17 1997-12-22 1998-01-19 1998-02-16");
    }
    SUBCASE("monthly on the third-to-the-last day") {
        const cbpq::recurrence r("FREQ=MONTHLY;BYMONTHDAY=-3", D(1997, 9, 28));
        CHECK(join(dates_of(r, D(1997, 9, 1), D(1998, 2, 28))) ==
              "1997-09-28 1997-10-29 1997-11-28 1997-12-29 1998-01-29 1998-02-26");
    }
    SUBCASE("monthly on the 2nd and 15th for 10 occurrences") {
        const cbpq::recurrence r("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", D(1997, 9, 2));
        const auto v = dates_of(r, D(1997, 1, 1), D(1999, 1, 1));
        REQUIRE(v.size() == 10);
        CHECK(v.back() == "1998-01-15");
    }
    SUBCASE("every other month on the first and last Sunday, 10 occurrences") {
        const cbpq::recurrence r("FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", D(1997, 9, 7));
        CHECK(join(dates_of(r, D(1997, 1, 1), D(1999, 1, 1))) ==
              "1997-09-07 1997-09-28 1997-11-02 1997-11-30 1998-01-04 1998-01-25 1998-03-01 "
              "1998-03-29 1998-05-03 1998-05-31");
    }
    SUBCASE("yearly in June and July for 10 occurrences") {
        const cbpq::recurrence r("FREQ=YEARLY;COUNT=10;BYMONTH=6,7", D(1997, 6, 10));
        const auto v = dates_of(r, D(1997, 1, 1), D(2005, 1, 1));
        REQUIRE(v.size() == 10);
        CHECK(v[1] == "1997-07-10");
        CHECK(v.back() == "2001-07-10");
    }
    SUBCASE("every other year on January, February and March, 10 occurrences") {
        const cbpq::recurrence r("FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3", D(1997, 3, 10));
        CHECK(join(dates_of(r, D(1997, 1, 1), D(2005, 1, 1))) ==
              "1997-03-10 1999-01-10 1999-02-10 1999-03-10 2001-01-10 2001-02-10 2001-03-10 "
              "2003-01-10 2003-02-10 2003-03-10");
    }
    SUBCASE("every 20th Monday of the year") {
        const cbpq::recurrence r("FREQ=YEARLY;BYDAY=20MO", D(1997, 5, 19));
        CHECK(join(dates_of(r, D(1997, 1, 1), D(1999, 12, 31))) ==
              "1997-05-19 1998-05-18 1999-05-17");
    }
    SUBCASE("every Thursday in March") {
        const cbpq::recurrence r("FREQ=YEARLY;BYMONTH=3;BYDAY=TH", D(1997, 3, 13));
        CHECK(join(dates_of(r, D(1997, 1, 1), D(1998, 12, 31))) ==
              "1997-03-13 1997-03-20 1997-03-27 1998-03-05 1998-03-12 1998-03-19 1998-03-26");
    }
    SUBCASE("every Friday the 13th, DTSTART removed by EXDATE") {
        const cbpq::recurrence r("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", D(1997, 9, 2), {},
                                 {D(1997, 9, 2)});
        CHECK(join(dates_of(r, D(1997, 1, 1), D(2000, 12, 31))) ==
              "1998-02-13 1998-03-13 1998-11-13 1999-08-13 2000-10-13");
    }
    SUBCASE("the first Saturday that follows the first Sunday of the month, 10 occurrences") {
        const cbpq::recurrence r("FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13;COUNT=10",
                                 D(1997, 9, 13));
        CHECK(join(dates_of(r, D(1997, 1, 1), D(1999, 1, 1))) ==
              "1997-09-13 1997-10-11 1997-11-08 1997-12-13 1998-01-10 1998-02-07 1998-03-07 "
              "1998-04-11 1998-05-09 1998-06-13");
    }
    SUBCASE("U.S. presidential election day every 4 years") {
        const cbpq::recurrence r("FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;"
                                 "BYMONTHDAY=2,3,4,5,6,7,8",
                                 D(1996, 11, 5));
        CHECK(join(dates_of(r, D(1996, 1, 1), D(2004, 12, 31))) ==
              "1996-11-05 2000-11-07 2004-11-02");
    }
}

TEST_CASE("capacity: RRULE last Monday, negative month days, RDATE and EXDATE") {
    // Memorial Day: the last Monday of May.
    const cbpq::recurrence memorial("FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO", D(2023, 5, 29));
    CHECK(join(dates_of(memorial, D(2023, 1, 1), D(2025, 12, 31))) ==
          "2023-05-29 2024-05-27 2025-05-26");
    const cbpq::recurrence last_day("FREQ=MONTHLY;BYMONTHDAY=-1", D(2024, 1, 31));
    CHECK(join(dates_of(last_day, D(2024, 1, 1), D(2024, 4, 30))) ==
          "2024-01-31 2024-02-29 2024-03-31 2024-04-30");
    // Month days that do not exist are skipped, not moved (RFC 5545 3.3.10).
    const cbpq::recurrence thirty_first("FREQ=MONTHLY", D(2024, 1, 31));
    CHECK(join(dates_of(thirty_first, D(2024, 1, 1), D(2024, 5, 31))) ==
          "2024-01-31 2024-03-31 2024-05-31");
    const cbpq::recurrence weekends("FREQ=WEEKLY;BYDAY=SA,SU", D(2023, 5, 13), {D(2023, 5, 17)},
                                    {D(2023, 5, 14)});
    CHECK(join(dates_of(weekends, D(2023, 5, 12), D(2023, 5, 21))) ==
          "2023-05-13 2023-05-17 2023-05-20 2023-05-21");
    // EXDATE wins over RDATE (RFC 5545 3.8.5.1: excluded from the whole set).
    const cbpq::recurrence both("FREQ=DAILY;COUNT=1", D(2023, 1, 1), {D(2023, 1, 5)},
                                {D(2023, 1, 5)});
    CHECK(join(dates_of(both, D(2023, 1, 1), D(2023, 1, 31))) == "2023-01-01");
}

TEST_CASE("capacity: RRULE refuses what it does not support, naming the part") {
    auto part_of = [](const char* rule) -> std::string {
        try {
            const cbpq::recurrence r(rule, D(2023, 5, 12));
            return "accepted";
        } catch (const cbpq::invalid_input& e) {
            CHECK(e.record() == "RRULE");
            return e.field();
        }
    };
    CHECK(part_of("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1") == "BYSETPOS");
    CHECK(part_of("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO") == "BYWEEKNO");
    CHECK(part_of("FREQ=YEARLY;BYYEARDAY=1,100,200") == "BYYEARDAY");
    CHECK(part_of("FREQ=WEEKLY;WKST=SU;BYDAY=TU,TH") == "WKST");
    CHECK(part_of("FREQ=DAILY;BYHOUR=9") == "BYHOUR");
    CHECK(part_of("FREQ=HOURLY") == "FREQ");
    CHECK(part_of("INTERVAL=2") == "FREQ");
    CHECK(part_of("FREQ=DAILY;COUNT=3;UNTIL=20240101") == "COUNT");
    CHECK(part_of("FREQ=DAILY;UNTIL=20240101T000000Z") == "UNTIL");
    CHECK(part_of("FREQ=WEEKLY;BYMONTHDAY=1") == "BYMONTHDAY");
    CHECK(part_of("FREQ=WEEKLY;BYDAY=1MO") == "BYDAY");
    CHECK(part_of("FREQ=MONTHLY;BYDAY=6MO") == "BYDAY");
    CHECK(part_of("FREQ=MONTHLY;BYMONTHDAY=0") == "BYMONTHDAY");
    CHECK(part_of("FREQ=YEARLY;BYMONTH=13") == "BYMONTH");
    CHECK(part_of("FREQ=DAILY;INTERVAL=0") == "INTERVAL");
    CHECK(part_of("FREQ=DAILY;FREQ=WEEKLY") == "FREQ");
    CHECK(part_of("FREQ=MONTHLY;BYDAY=-1MO") == "accepted");
}

TEST_CASE("capacity: staffing formula") {
    // 12 officers x 8 h x 60 / 45 min per person = 128, capped by a holding space of 100.
    cbpq::staffing s{12, 8 * 60, 45, 100};
    s.validate();
    CHECK(s.persons() == 100);
    s.holding_space.reset();
    CHECK(s.persons() == 128);
    s.minutes_per_person = 0;
    CHECK_THROWS_AS(s.validate(), cbpq::invalid_input);
    s = {-1, 60, 1, std::nullopt};
    CHECK_THROWS_AS(s.validate(), cbpq::invalid_input);
}

namespace {

// `f` throws invalid_input naming `record` and `field`.
template <class F>
void refused(F f, const std::string& record, const std::string& field) {
    try {
        f();
        FAIL("accepted; expected invalid_input for " << record << " / " << field);
    } catch (const cbpq::invalid_input& e) {
        CHECK(e.record() == record);
        CHECK(e.field() == field);
    }
}

} // namespace

TEST_CASE("capacity: staffing refuses officers whose persons would overflow") {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    // 10^16 officers x 1440 minutes / 1 = 1.44 x 10^19 persons: more than int64 holds.
    const cbpq::staffing huge{10000000000000000, 24 * 60, 1, std::nullopt};
    refused([&] { huge.validate(); }, "staffing", "officers");
    CHECK(huge.persons() == max); // clamped, never wrapped negative
    // Exact where the result fits: the product overflows 64 bits, the quotient does not.
    const cbpq::staffing exact{max, 24 * 60, 24 * 60, std::nullopt};
    exact.validate();
    CHECK(exact.persons() == max);
    const cbpq::staffing held{10000000000000000, 24 * 60, 1, 100};
    held.validate(); // a holding space bounds the result
    CHECK(held.persons() == 100);
}

namespace {

// The least a daily_policy needs: limit(civil_date) const returning optional<int64_t>. Not
// copyable beyond what the combinators need, no comparison, no other members.
struct policy_archetype {
    std::int64_t value;
    [[nodiscard]] std::optional<std::int64_t> limit(civil_date) const { return value; }
};

} // namespace

TEST_CASE("capacity: combinators ask nothing more of a policy than limit()") {
    static_assert(cbpq::daily_policy<policy_archetype>);
    const auto a = cbpq::strictest(policy_archetype{3}, policy_archetype{5});
    const auto b = cbpq::precedence(policy_archetype{7}, policy_archetype{1});
    const auto c = cbpq::sum(policy_archetype{2}, policy_archetype{4});
    const auto d = cbpq::scaled(policy_archetype{10}, 1, 3);
    CHECK(a.limit(D(2024, 1, 1)) == 3);
    CHECK(b.limit(D(2024, 1, 1)) == 7);
    CHECK(c.limit(D(2024, 1, 1)) == 6);
    CHECK(d.limit(D(2024, 1, 1)) == 3);
    static_assert(cbpq::daily_policy<decltype(a)>);
    static_assert(cbpq::daily_policy<decltype(cbpq::strictest(a, b, c, d))>);
}

TEST_CASE("capacity: combinators compose small policies") {
    cbpq::date_overrides closed;
    closed.close(D(2023, 12, 25), D(2023, 12, 25));
    cbpq::weekly_schedule w;
    w.persons = {400, 400, 400, 400, 400, 200, std::nullopt};
    const auto day = cbpq::precedence(closed, w, cbpq::fixed_capacity{300});
    CHECK(day.limit(D(2023, 12, 25)) == 0);   // override first
    CHECK(day.limit(D(2023, 12, 23)) == 200); // Saturday: schedule
    CHECK(day.limit(D(2023, 12, 24)) == 300); // Sunday: schedule silent, fixed
    const auto staffed = cbpq::strictest(day, cbpq::staffing{10, 480, 15, std::nullopt});
    CHECK(staffed.limit(D(2023, 12, 22)) == 320); // min(400, 10 x 480 / 15 = 320)
    CHECK(staffed.limit(D(2023, 12, 23)) == 200);
    const auto two_shifts = cbpq::sum(cbpq::fixed_capacity{100}, cbpq::fixed_capacity{50});
    CHECK(two_shifts.limit(D(2023, 1, 1)) == 150);
    const auto ninety = cbpq::scaled(cbpq::fixed_capacity{333}, 9, 10);
    CHECK(ninety.limit(D(2023, 1, 1)) == 299); // rounds down
    CHECK_THROWS_AS((void)cbpq::scaled(cbpq::fixed_capacity{1}, 1, 0), cbpq::invalid_input);
    const auto silent = cbpq::strictest(closed);
    CHECK(!silent.limit(D(2023, 1, 1)));
}

TEST_CASE("capacity: scaled() is exact at the int64 limits") {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    const auto d = D(2023, 6, 30);
    // 4 x 10^18 x 3 overflows 64 bits; the exact result 3 x 10^18 fits.
    CHECK(cbpq::scaled(cbpq::fixed_capacity{4000000000000000000}, 3, 4).limit(d) ==
          3000000000000000000);
    CHECK(cbpq::scaled(cbpq::fixed_capacity{max}, max - 1, max).limit(d) == max - 1);
    CHECK(cbpq::scaled(cbpq::fixed_capacity{max}, max, max).limit(d) == max);
    refused([&] { (void)cbpq::scaled(cbpq::fixed_capacity{max}, 2, 1).limit(d); }, "scale",
            "factor");
    // Built directly, a zero denominator is refused as scaled() refuses it.
    const cbpq::scaled_by<cbpq::fixed_capacity> zero{{1}, 1, 0};
    CHECK_THROWS_AS((void)zero.limit(d), cbpq::invalid_input);
}

TEST_CASE("capacity: sum() refuses a total beyond int64") {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    const auto d = D(2023, 6, 30);
    CHECK(cbpq::sum(cbpq::fixed_capacity{max - 1}, cbpq::fixed_capacity{1}).limit(d) == max);
    refused([&] { (void)cbpq::sum(cbpq::fixed_capacity{max}, cbpq::fixed_capacity{1}).limit(d); },
            "sum", "persons");
}

// Balinski and Young (1975) vectors, as recorded in shared/reference/facts-and-vectors.md.
TEST_CASE("capacity: apportionment reproduces the Balinski-Young vectors") {
    using M = cbpq::apportion_method;
    const std::vector<std::int64_t> votes{5117, 4400, 162, 161, 160};
    CHECK(cbpq::apportion(100, votes, M::hamilton) == std::vector<std::int64_t>{51, 44, 2, 2, 1});
    CHECK(cbpq::apportion(100, votes, M::dhondt) == std::vector<std::int64_t>{52, 45, 1, 1, 1});
    CHECK(cbpq::apportion(100, votes, M::webster) == std::vector<std::int64_t>{51, 43, 2, 2, 2});
    CHECK(cbpq::apportion(100, votes, M::huntington_hill) ==
          std::vector<std::int64_t>{51, 43, 2, 2, 2});
    for (const auto m : {M::hamilton, M::dhondt, M::webster, M::huntington_hill}) {
        CHECK(cbpq::apportion(12, std::vector<std::int64_t>{14, 28, 7, 35}, m) ==
              std::vector<std::int64_t>{2, 4, 1, 5});
    }
    CHECK(cbpq::parse_apportion_method("sainte-lague") == M::webster);
    CHECK(!cbpq::parse_apportion_method("adams"));
}

TEST_CASE("capacity: apportionment tie rule, bounds and refusals") {
    using M = cbpq::apportion_method;
    for (const auto m : {M::hamilton, M::dhondt, M::webster, M::huntington_hill}) {
        // Exact ties: the larger weight first, then the recipient listed first.
        CHECK(cbpq::apportion(1, std::vector<std::int64_t>{1, 1, 1}, m) ==
              std::vector<std::int64_t>{1, 0, 0});
        CHECK(cbpq::apportion(2, std::vector<std::int64_t>{1, 1, 1}, m) ==
              std::vector<std::int64_t>{1, 1, 0});
        CHECK(cbpq::apportion(0, std::vector<std::int64_t>{5, 3}, m) ==
              std::vector<std::int64_t>{0, 0});
        // Bounds: a minimum for the small port and a maximum for the large one.
        const std::vector<cbpq::apportion_share> s{{900, 0, 500}, {90, 0, {}}, {10, 50, {}}};
        const auto seats = cbpq::apportion(1000, s, m);
        CHECK(seats[0] == 500);
        CHECK(seats[2] >= 50);
        CHECK(seats[0] + seats[1] + seats[2] == 1000);
        // Zero weight: only the minimum.
        CHECK(cbpq::apportion(10, std::vector<cbpq::apportion_share>{{0, 2, {}}, {1, 0, {}}}, m) ==
              std::vector<std::int64_t>{2, 8});
    }
    // Hamilton with bounds: the capped quotas. 1000 over 900:90:10 with max 500 on the first:
    // the other two share 500 as 90:10 = 450, 50.
    CHECK(cbpq::apportion(1000, {{900, 0, 500}, {90, 0, {}}, {10, 0, {}}}) ==
          std::vector<std::int64_t>{500, 450, 50});
    CHECK_THROWS_AS((void)cbpq::apportion(5, {{1, 3, {}}, {1, 3, {}}}), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::apportion(10, {{1, 0, 3}, {1, 0, 3}}), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::apportion(10, std::vector<std::int64_t>{-1, 3}),
                    cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::apportion(-1, std::vector<std::int64_t>{1}), cbpq::invalid_input);
}

namespace {

// The textbook one-seat-at-a-time divisor method with floating priorities, as an oracle for
// weights where no two priorities are close (random weights make exact ties vanishingly rare).
std::vector<std::int64_t> sequential(std::int64_t total, const std::vector<std::int64_t>& w,
                                     cbpq::apportion_method m) {
    std::vector<std::int64_t> s(w.size(), 0);
    for (std::int64_t k = 0; k < total; ++k) {
        std::size_t best = 0;
        double best_p = -1;
        for (std::size_t i = 0; i < w.size(); ++i) {
            const auto n = static_cast<double>(s[i]);
            double d = n + 1;
            if (m == cbpq::apportion_method::webster) {
                d = n + 0.5;
            } else if (m == cbpq::apportion_method::huntington_hill) {
                d = std::sqrt(n * (n + 1));
            }
            const double p =
                d == 0 ? 1e300 * static_cast<double>(w[i]) : static_cast<double>(w[i]) / d;
            if (p > best_p) {
                best_p = p;
                best = i;
            }
        }
        ++s[best];
    }
    return s;
}

// Hamilton by the book, with floating quotas (exact enough for these sizes).
std::vector<std::int64_t> hamilton_oracle(std::int64_t total, const std::vector<std::int64_t>& w) {
    double sum = 0;
    for (const auto x : w) {
        sum += static_cast<double>(x);
    }
    std::vector<std::int64_t> s(w.size());
    std::vector<std::pair<double, std::size_t>> rem;
    std::int64_t given = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        const double q = static_cast<double>(total) * static_cast<double>(w[i]) / sum;
        s[i] = static_cast<std::int64_t>(std::floor(q));
        given += s[i];
        rem.push_back({q - std::floor(q), i});
    }
    std::sort(rem.begin(), rem.end(), [](auto a, auto b) { return a.first > b.first; });
    for (std::int64_t k = 0; k < total - given; ++k) {
        ++s[rem[static_cast<std::size_t>(k)].second];
    }
    return s;
}

} // namespace

TEST_CASE("capacity: apportionment agrees with the one-seat-at-a-time definition") {
    cbpq::keyed_stream rng(0x6361706163697479ULL, 0x617070307274696fULL, 1);
    for (int trial = 0; trial < 300; ++trial) {
        const auto n = static_cast<std::size_t>(2 + rng.below(9));
        std::vector<std::int64_t> w(n);
        for (auto& x : w) {
            x = static_cast<std::int64_t>(1 + rng.below(100000));
        }
        const auto total = static_cast<std::int64_t>(rng.below(3000));
        for (const auto m : {cbpq::apportion_method::dhondt, cbpq::apportion_method::webster,
                             cbpq::apportion_method::huntington_hill}) {
            CHECK(cbpq::apportion(total, w, m) == sequential(total, w, m));
        }
        CHECK(cbpq::apportion(total, w) == hamilton_oracle(total, w));
    }
}

TEST_CASE("capacity: set-asides by count and share, largest remainder, unused flows") {
    const cbpq::set_aside_policy p({{"seniority", std::nullopt, 500000, "", false},
                                    {"walk-in", 10, 0, "", true},
                                    {"reschedule", std::nullopt, 33333, "seniority", false}},
                                   "lottery");
    // 395 persons: walk-in 10 first; 385 split 50% / 3.3333% / rest 46.6667%:
    // quotas 192.5, 12.833, 179.667 -> floors 192, 12, 179 (383), two by largest remainder
    // (0.833 reschedule, 0.667 lottery).
    const auto s = p.split(395);
    REQUIRE(s.size() == 4);
    CHECK(s[0] == cbpq::pool_amount{"seniority", 192});
    CHECK(s[1] == cbpq::pool_amount{"walk-in", 10});
    CHECK(s[2] == cbpq::pool_amount{"reschedule", 13});
    CHECK(s[3] == cbpq::pool_amount{"lottery", 180});
    // A closed day gives every pool 0; a day smaller than the counts caps them in order.
    for (const auto& a : p.split(0)) {
        CHECK(a.persons == 0);
    }
    CHECK(p.split(7)[1].persons == 7);
    // Unused: reschedule -> seniority -> lottery; walk-in lapses.
    const auto g = p.grant(s, {100, 4, 3, 1000});
    CHECK(g[2].persons == 3);   // reschedule used 3 of 13, 10 go to seniority
    CHECK(g[0].persons == 100); // seniority used 100 of 202, 102 go to the lottery
    CHECK(g[1].persons == 4);
    CHECK(g[3].persons == 282); // 180 + 102
    CHECK(g[4] == cbpq::pool_amount{"(lapsed)", 6});
    CHECK_THROWS_AS(cbpq::set_aside_policy({{"a", std::nullopt, 600000, "", false},
                                            {"b", std::nullopt, 600000, "", false}}),
                    cbpq::invalid_input);
    CHECK_THROWS_AS(cbpq::set_aside_policy({{"a", 1, 0, "b", false}, {"b", 1, 0, "a", false}}),
                    cbpq::invalid_input);
    CHECK_THROWS_AS(cbpq::set_aside_policy({{"a", -1, 0, "", false}}), cbpq::invalid_input);
    CHECK_THROWS_AS(cbpq::set_aside_policy({{"a", 1, 0, "nowhere", false}}), cbpq::invalid_input);
}

TEST_CASE("capacity: set-aside pools always add up") {
    cbpq::keyed_stream rng(7, 8, 9);
    const cbpq::set_aside_policy p({{"a", std::nullopt, 333333, "", false},
                                    {"b", 17, 0, "", false},
                                    {"c", std::nullopt, 123457, "", false}});
    for (int i = 0; i < 500; ++i) {
        const auto persons = static_cast<std::int64_t>(rng.below(5000));
        std::int64_t sum = 0;
        for (const auto& a : p.split(persons)) {
            CHECK(a.persons >= 0);
            sum += a.persons;
        }
        CHECK(sum == persons);
    }
}

TEST_CASE("capacity: carry-over token bucket") {
    cbpq::carry_over_bucket b(50, 80);
    CHECK(b.available(100) == 100);
    b.settle(100, 20); // 80 unused, at most 50 carried
    CHECK(b.tokens() == 50);
    b.settle(100, 60); // 40 unused -> 90, capped at 80
    CHECK(b.tokens() == 80);
    CHECK(b.available(100) == 180);
    b.settle(100, 150); // 50 tokens spent
    CHECK(b.tokens() == 30);
    CHECK_THROWS_AS(b.settle(100, 131), cbpq::invalid_input);
    CHECK(b.tokens() == 30);
    cbpq::carry_over_bucket none(50, 0); // cap 0: no carry-over
    none.settle(100, 0);
    CHECK(none.available(100) == 100);
    CHECK_THROWS_AS(cbpq::carry_over_bucket(-1, 5), cbpq::invalid_input);
}

// Reference values from shared/reference/facts-and-vectors.md ("Overbooking").
TEST_CASE("capacity: overbooking from the exact binomial tail") {
    CHECK(cbpq::overbooking_limit(100, 0.9, 0.05) == 106);
    CHECK(cbpq::overbooking_limit(100, 0.9, 0.01) == 104);
    CHECK(cbpq::overbooking_limit(25, 0.9, 0.05) == 25);
    CHECK(cbpq::overbooking_limit(100, 0.9, 0.05, 3) == 102);
    CHECK(cbpq::overbooking_limit(100, 1.0, 0.05) == 100);
    CHECK(cbpq::overbooking_limit(0, 0.5, 0.05) == 0);
    CHECK(cbpq::overbooking_limit(100, 0.9, 0.0) == 100);
    // Exact small case: C = 1, q = 0.5. P(Bin(b, 0.5) > 1) = 1 - (b + 1) / 2^b:
    // b = 2 gives 0.25, b = 3 gives 0.5. With epsilon 0.3 the limit is 2.
    CHECK(cbpq::overbooking_limit(1, 0.5, 0.3) == 2);
    CHECK(cbpq::overbooking_limit(1, 0.5, 0.5) == 3);
    CHECK(cbpq::detail::binomial_upper_tail(3, 1, 0.5) == doctest::Approx(0.5));
    // 0.9^26 = 0.0646 > 5%: no overbooking at C = 25.
    CHECK(cbpq::detail::binomial_upper_tail(26, 25, 0.9) == doctest::Approx(std::pow(0.9, 26)));
    // Large capacities stay fast and sane: the normal approximation puts the limit near
    // b with b/2 + 2.326 sqrt(b)/2 = 100000, that is b = 198960 or so.
    const auto big = cbpq::overbooking_limit(100000, 0.5, 0.01);
    CHECK(big > 198900);
    CHECK(big < 199000);
    CHECK_THROWS_AS((void)cbpq::overbooking_limit(100, 0.0, 0.05), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::overbooking_limit(100, 0.9, 1.0), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::overbooking_limit(100, 0.9, 0.05, 0), cbpq::invalid_input);
}

TEST_CASE("capacity: slot grids") {
    const cbpq::slot_grid g{8 * 60, 16 * 60, 30, 30, 25};
    g.validate();
    const auto s = g.slots();
    REQUIRE(s.size() == 16);
    CHECK(s.front() == cbpq::slot_capacity{"08:00", 25});
    CHECK(s[1].label == "08:30");
    CHECK(s.back().label == "15:30");
    CHECK(g.total() == 400);
    const cbpq::slot_grid gaps{9 * 60, 12 * 60, 45, 60, 10}; // 09:00, 10:00, 11:00
    CHECK(gaps.count() == 3);
    CHECK(gaps.slots()[2].label == "11:00");
    CHECK_THROWS_AS((cbpq::slot_grid{480, 960, 0, 30, 25}.validate()), cbpq::invalid_input);
    CHECK_THROWS_AS((cbpq::slot_grid{480, 960, 30, 20, 25}.validate()), cbpq::invalid_input);
    CHECK_THROWS_AS((cbpq::slot_grid{960, 480, 30, 30, 25}.validate()), cbpq::invalid_input);
    CHECK((cbpq::slot_grid{0, 24 * 60, 60, 60, 1}.slots().back().label == "23:00"));
}

TEST_CASE("capacity: slot grids refuse a total beyond int64") {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    // 1440 one-minute slots of max / 2 persons: the total would be about 6.6 x 10^21.
    const cbpq::slot_grid g{0, 24 * 60, 1, 1, max / 2};
    refused([&] { g.validate(); }, "slots", "persons");
    CHECK(g.total() == max); // clamped, never wrapped negative
    // capacity_on validates the grid: invalid_input, never a negative persons.
    const std::vector<cbpq::port_policy<cbpq::fixed_capacity>> ports{
        {"a", cbpq::fixed_capacity{100}, std::nullopt, g, 1}};
    CHECK_THROWS_AS((void)cbpq::capacity_on(ports, D(2023, 6, 30)), cbpq::invalid_input);
    // The largest total that fits is accepted and exact.
    const cbpq::slot_grid full{0, 24 * 60, 1, 1, max / 1440};
    full.validate();
    CHECK(full.total() == max / 1440 * 1440);
}

TEST_CASE("capacity: count() is defined on grids validate() refuses; slots() refuses them") {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    constexpr auto min = std::numeric_limits<std::int64_t>::min();
    // end - start beyond int64: the count is computed without overflow and clamped.
    CHECK((cbpq::slot_grid{min, max, 1, 1, 1}.count() == max));
    CHECK((cbpq::slot_grid{min, max, 1, 4, 1}.count() == std::int64_t{1}
                                                             << 62)); // (2^64 - 2) / 4 + 1
    CHECK((cbpq::slot_grid{min, max, 1, 2, 3}.total() == max));
    // A length or step that is not positive gives no slots (no division by zero).
    CHECK((cbpq::slot_grid{0, 60, 30, 0, 1}.count() == 0));
    CHECK((cbpq::slot_grid{0, 60, 0, 30, 1}.count() == 0));
    CHECK((cbpq::slot_grid{0, 60, -5, -5, 1}.count() == 0));
    CHECK((cbpq::slot_grid{60, 0, 30, 30, 1}.count() == 0));
    // slots() would label minutes outside the day: it validates first.
    refused([] { (void)cbpq::slot_grid{min, max, 1, 1, 1}.slots(); }, "slots", "start");
    refused([] { (void)cbpq::slot_grid{0, 60, 30, 0, 1}.slots(); }, "slots", "step");
}
