// SPDX-License-Identifier: BSL-1.0
// BM_capacity_year: capacity for 8 ports x 365 days from a plan with overrides, recurrences,
// staffing, slots and a national total apportioned by weights. Baseline: a plain loop that fills
// a fixed 8 x 365 table (what a host with a hand-written table pays), in the same binary.
#include <cbpq/capacity.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace {

const char* const year_plan = R"(cbpq-capacity-plan 1
port nogales      weight=100
port brownsville  weight=380
port eagle-pass   weight=100
port hidalgo      weight=125
port laredo       weight=150
port el-paso      weight=125
port calexico     weight=75
port san-ysidro   weight=395
method webster
national persons=1000 from=2023-01-01 until=2023-05-31
national persons=1250 from=2023-06-01 until=2023-06-29
national persons=1450 from=2023-06-30
weekly * mon=600 tue=600 wed=600 thu=600 fri=600 sat=300 sun=150
override brownsville persons=200 from=2023-03-01 until=2023-03-15
override laredo persons=100 from=2023-08-01 until=2023-08-10
close * on=2023-07-04
close * on=2023-12-25
close * on=2023-01-01
recur * persons=0 start=2023-05-29 rrule=FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO
recur * persons=0 start=2023-11-23 rrule=FREQ=YEARLY;BYMONTH=11;BYDAY=4TH
recur san-ysidro persons=250 start=2023-01-06 rrule=FREQ=MONTHLY;BYDAY=1FR exdate=2023-07-07
recur hidalgo persons=80 start=2023-01-15 rrule=FREQ=MONTHLY;BYMONTHDAY=15,-1
staff nogales officers=12 hours=8 minutes-per-person=45 holding=120
staff el-paso officers=20 hours=7.5 minutes-per-person=40
slots calexico start=08:00 end=16:00 length=30 step=30 persons=8
week-cap eagle-pass persons=600
set-aside seniority share=50%
)";

void BM_capacity_year(benchmark::State& state) {
    const auto plan = cbpq::capacity_plan::parse(year_plan, "bench");
    const auto first = cbpq::detail::day_number(cbpq::parse_date("2023-01-01"));
    std::int64_t check = 0;
    for (auto _ : state) {
        for (std::int64_t d = first; d < first + 365; ++d) {
            const auto cap = plan.for_date(cbpq::detail::from_day_number(d));
            check += cap.ports[7].persons;
            benchmark::DoNotOptimize(cap);
        }
    }
    benchmark::DoNotOptimize(check);
    // One iteration is 8 port-years; report the rate per port-year too.
    state.counters["port_years"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * 8,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_capacity_year)->Unit(benchmark::kMicrosecond);

// The numbers only, without building day_capacity (no strings, no slot vectors).
void BM_capacity_year_limits(benchmark::State& state) {
    const auto plan = cbpq::capacity_plan::parse(year_plan, "bench");
    const auto first = cbpq::detail::day_number(cbpq::parse_date("2023-01-01"));
    for (auto _ : state) {
        for (std::int64_t d = first; d < first + 365; ++d) {
            auto lim = plan.limits(cbpq::detail::from_day_number(d));
            benchmark::DoNotOptimize(lim);
        }
    }
    state.counters["port_years"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * 8,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_capacity_year_limits)->Unit(benchmark::kMicrosecond);

// Baseline: a fixed 8 x 365 table of persons filled by a plain loop (weekday pattern and a
// flat split), the cheapest thing a host could do without any policy.
void BM_capacity_year_baseline_table(benchmark::State& state) {
    static constexpr std::array<std::int64_t, 8> share = {100, 380, 100, 125, 150, 125, 75, 395};
    std::vector<std::int64_t> table(8 * 365);
    for (auto _ : state) {
        for (std::size_t d = 0; d < 365; ++d) {
            const std::int64_t scale = (d % 7 == 5 || d % 7 == 6) ? 1 : 2;
            for (std::size_t p = 0; p < 8; ++p) {
                table[d * 8 + p] = share[p] * scale / 2;
            }
        }
        benchmark::DoNotOptimize(table.data());
        benchmark::ClobberMemory();
    }
    state.counters["port_years"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * 8,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_capacity_year_baseline_table)->Unit(benchmark::kMicrosecond);

void BM_capacity_plan_parse(benchmark::State& state) {
    for (auto _ : state) {
        auto plan = cbpq::capacity_plan::parse(year_plan, "bench");
        benchmark::DoNotOptimize(plan);
    }
}
BENCHMARK(BM_capacity_plan_parse)->Unit(benchmark::kMicrosecond);

} // namespace
