// Tests of capacity.hpp's public day numbers (day_number, from_day_number), capacity_on (a
// day's capacity from daily policies) and the "no opinion" weekday of weekly_schedule.
#include <cbpq/capacity.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono;

// A host closure calendar: 0 on the listed dates, no opinion otherwise.
struct closures {
    std::vector<cbpq::civil_date> days;
    [[nodiscard]] std::optional<std::int64_t> limit(cbpq::civil_date d) const {
        for (const auto& c : days) {
            if (c == d) {
                return 0;
            }
        }
        return std::nullopt;
    }
};
static_assert(cbpq::daily_policy<closures>);

cbpq::weekly_schedule every_day(std::int64_t n) {
    cbpq::weekly_schedule w;
    w.persons.fill(n);
    return w;
}

} // namespace

TEST_CASE("capacity: day_number and from_day_number, known values") {
    CHECK(cbpq::day_number(year{1970} / January / 1) == 0);
    CHECK(cbpq::day_number(year{1969} / December / 31) == -1);
    CHECK(cbpq::day_number(year{2000} / February / 29) == 11016); // 2000 is a leap year
    CHECK(cbpq::day_number(year{2000} / March / 1) == 11017);
    CHECK(cbpq::day_number(year{1900} / January / 1) == -25567);
    CHECK(cbpq::day_number(year{1900} / March / 1) == -25508); // 1900 is not: no Feb 29
    CHECK(cbpq::day_number(year{2023} / June / 30) == 19538);
    CHECK(cbpq::day_number(year{2024} / February / 29) == 19782);
    CHECK(cbpq::day_number(year{1} / January / 1) == -719162);
    CHECK(cbpq::day_number(year{9999} / December / 31) == 2932896);
    CHECK(cbpq::from_day_number(0) == year{1970} / January / 1);
    CHECK(cbpq::from_day_number(-1) == year{1969} / December / 31);
    CHECK(cbpq::from_day_number(11016) == year{2000} / February / 29);
    CHECK(cbpq::from_day_number(-25508) == year{1900} / March / 1);
    CHECK(cbpq::from_day_number(cbpq::min_day_number) == year::min() / January / 1);
    CHECK(cbpq::from_day_number(cbpq::max_day_number) == year::max() / December / 31);
}

TEST_CASE("capacity: day_number round trips and refuses what is not a date") {
    for (std::int64_t n = -800000; n <= 3000000; n += 997) {
        const auto d = cbpq::from_day_number(n);
        REQUIRE(d.ok());
        REQUIRE(cbpq::day_number(d) == n);
        REQUIRE(cbpq::day_number(cbpq::from_day_number(n + 1)) == n + 1);
    }
    // Every day of a leap and a non-leap year, consecutive.
    std::int64_t expect = cbpq::day_number(year{2023} / January / 1);
    for (cbpq::civil_date d = year{2023} / January / 1; d != year{2025} / January / 1;
         d = cbpq::from_day_number(cbpq::day_number(d) + 1)) {
        REQUIRE(cbpq::day_number(d) == expect++);
    }
    CHECK(expect - cbpq::day_number(year{2023} / January / 1) == 365 + 366);
    CHECK_THROWS_AS((void)cbpq::day_number(year{2023} / February / 29), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::day_number(year{2023} / month{13} / 1), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::from_day_number(cbpq::max_day_number + 1), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::from_day_number(cbpq::min_day_number - 1), cbpq::invalid_input);
    try {
        (void)cbpq::day_number(year{2023} / February / 30);
        FAIL("no throw");
    } catch (const cbpq::invalid_input& e) {
        CHECK(std::string(e.what()).find("date") != std::string::npos);
    }
}

TEST_CASE("capacity: a weekly_schedule weekday without an entry is no opinion, not closed") {
    cbpq::weekly_schedule weekdays;
    weekdays.persons = {20, 20, 20, 20, 20, std::nullopt, 0}; // Saturday empty, Sunday closed
    const cbpq::civil_date fri = year{2023} / June / 30;
    const cbpq::civil_date sat = year{2023} / July / 1;
    const cbpq::civil_date sun = year{2023} / July / 2;
    CHECK(weekdays.limit(fri) == std::optional<std::int64_t>(20));
    CHECK(weekdays.limit(sat) == std::nullopt);
    CHECK(weekdays.limit(sun) == std::optional<std::int64_t>(0));
    // Under precedence the next policy decides the empty weekday, never the closed one.
    const auto p = cbpq::precedence(weekdays, cbpq::fixed_capacity{7});
    CHECK(p.limit(sat) == std::optional<std::int64_t>(7));
    CHECK(p.limit(sun) == std::optional<std::int64_t>(0));
    // Under strictest it imposes nothing on the empty weekday.
    const auto s = cbpq::strictest(weekdays, cbpq::fixed_capacity{9});
    CHECK(s.limit(sat) == std::optional<std::int64_t>(9));
    CHECK(s.limit(fri) == std::optional<std::int64_t>(9));
    CHECK(s.limit(sun) == std::optional<std::int64_t>(0));
    // Alone, capacity_on reads "no opinion" as no capacity.
    const std::vector<cbpq::port_policy<cbpq::weekly_schedule>> ports = {{"p", weekdays}};
    CHECK(cbpq::capacity_on(ports, sat).ports[0].persons == 0);
    CHECK(cbpq::capacity_on(ports, fri).ports[0].persons == 20);
}

TEST_CASE("capacity: capacity_on, closures, grids and parties") {
    using policy = cbpq::first_of<closures, cbpq::weekly_schedule>;
    const closures holidays{{year{2023} / July / 4}};
    std::vector<cbpq::port_policy<policy>> ports;
    ports.push_back({"a", cbpq::precedence(holidays, every_day(30)), 4, std::nullopt});
    ports.push_back({"b", cbpq::precedence(holidays, every_day(50)), std::nullopt,
                     cbpq::slot_grid{8 * 60, 10 * 60, 30, 30, 4}});
    const auto day = cbpq::capacity_on(ports, year{2023} / July / 3);
    REQUIRE(day.ports.size() == 2);
    CHECK(day.ports[0] == cbpq::port_capacity{"a", 30, 4, {}});
    CHECK(day.ports[1].persons == 16); // the grid's 4 slots of 4 cap 50
    CHECK(day.ports[1].slots.size() == 4);
    CHECK(day.ports[1].slots[0] == cbpq::slot_capacity{"08:00", 4});
    const auto closed = cbpq::capacity_on(ports, year{2023} / July / 4);
    CHECK(closed.ports[0].persons == 0);
    CHECK(closed.ports[1].persons == 0);
    CHECK(closed.ports[1].slots.empty()); // a closed port offers no slots
    CHECK(closed.ports[0].parties == std::optional<std::int64_t>(4));

    // Bad input names the field.
    std::vector<cbpq::port_policy<cbpq::fixed_capacity>> neg = {{"n", {-1}}};
    CHECK_THROWS_AS((void)cbpq::capacity_on(neg, year{2023} / July / 3), cbpq::invalid_input);
    std::vector<cbpq::port_policy<cbpq::fixed_capacity>> bad_grid = {
        {"g", {10}, std::nullopt, cbpq::slot_grid{60, 30, 30, 30, 1}}};
    CHECK_THROWS_AS((void)cbpq::capacity_on(bad_grid, year{2023} / July / 3), cbpq::invalid_input);
    // 2023-02-30 is refused (the policies would read it as 2023-03-02).
    std::vector<cbpq::port_policy<cbpq::fixed_capacity>> one = {{"f", {10}}};
    CHECK_THROWS_WITH_AS((void)cbpq::capacity_on(one, year{2023} / February / 30),
                         doctest::Contains("field 'date'"), cbpq::invalid_input);
}

TEST_CASE("capacity: capacity_on, a national total and set-asides") {
    std::vector<cbpq::port_policy<cbpq::fixed_capacity>> ports = {
        {"a", {100}, std::nullopt, std::nullopt, 1},
        {"b", {100}, std::nullopt, std::nullopt, 3},
        {"c", {10}, std::nullopt, std::nullopt, 4},
        {"d", {100}, std::nullopt, std::nullopt, 0}};
    const cbpq::civil_date d = year{2023} / July / 3;
    cbpq::capacity_rules rules;
    rules.national_total = 80;
    const auto cap = cbpq::capacity_on(ports, d, rules);
    // c is capped at its own 10; the other 70 go 1:3 to a and b (Hamilton: 17.5, 52.5 -> the
    // tie goes to the larger weight); d has weight 0 and gets nothing.
    CHECK(cap.ports[0].persons == 17);
    CHECK(cap.ports[1].persons == 53);
    CHECK(cap.ports[2].persons == 10);
    CHECK(cap.ports[3].persons == 0);
    // A total larger than the ports can place: each gets its own limit, the rest lapses.
    rules.national_total = 1000;
    const auto big = cbpq::capacity_on(ports, d, rules);
    CHECK(big.ports[0].persons == 100);
    CHECK(big.ports[1].persons == 100);
    CHECK(big.ports[2].persons == 10);
    CHECK(big.ports[3].persons == 0);

    // Set-asides: the draw takes the remainder pool by default, or a named pool.
    cbpq::capacity_rules sa;
    sa.set_asides =
        cbpq::set_aside_policy({{"walk-in", 5, 0, "", false}, {"senior", {}, 500000, "", false}});
    const auto lottery = cbpq::capacity_on(ports, d, sa);
    // 100 - 5 = 95 split 47.5 : 47.5; the tie goes to the pool listed first (senior).
    CHECK(lottery.ports[0].persons == 47);
    CHECK(lottery.ports[2].persons == 2); // 10 - 5 = 5: senior 3, lottery 2
    sa.draw_pool = "walk-in";
    CHECK(cbpq::capacity_on(ports, d, sa).ports[0].persons == 5);
    sa.draw_pool = "nobody";
    CHECK_THROWS_AS((void)cbpq::capacity_on(ports, d, sa), cbpq::invalid_input);
    // A national total and set-asides together: the share first, then the split.
    sa.draw_pool.clear();
    sa.national_total = 80;
    CHECK(cbpq::capacity_on(ports, d, sa).ports[1].persons == 24); // 53 - 5 = 48, half
}
