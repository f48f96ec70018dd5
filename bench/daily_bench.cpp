// SPDX-License-Identifier: BSL-1.0
// The daily run (daily.hpp) in the memory store, for 100k and 1M registrations on the CBP One
// 2023 plan (8 ports, 1,450 persons a day): the whole pipeline with batch duplicate resolution
// (BM_daily_run), the same without it (BM_daily_run_pass_through), and the baseline, the bare
// draw of the same entrants (BM_daily_bare_draw). Each iteration runs a new date (a committed
// label cannot run twice), so the pool shrinks by one day's selection per iteration.
#include <cbpq/capacity.hpp>
#include <cbpq/daily.hpp>
#include <cbpq/draw.hpp>
#include <cbpq/store.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

const cbpq::capacity_plan& bench_plan() {
    // The ports, weights and national total of examples/plans/cbp-one-2023.plan.
    static const cbpq::capacity_plan plan = cbpq::capacity_plan::parse(
        "cbpq-capacity-plan 1\n"
        "port nogales weight=100\nport brownsville weight=380\nport eagle-pass weight=100\n"
        "port hidalgo weight=125\nport laredo weight=150\nport el-paso weight=125\n"
        "port calexico weight=75\nport san-ysidro weight=395\n"
        "national persons=1450 from=2023-06-30\n",
        "bench plan");
    return plan;
}

// Synthetic registrations: names from short lists, unique documents, about 1 in 50 a second
// registration of an earlier person (same document and birth). Fixed generator: splitmix64.
std::vector<cbpq::registration> make_registrations(std::size_t n) {
    static const char* given[] = {"ANA",   "JOSE",  "MARIA", "LUIS",   "CARMEN",  "PEDRO",
                                  "ROSA",  "JUAN",  "ELENA", "DIEGO",  "SOFIA",   "CARLOS",
                                  "LUCIA", "JORGE", "PAULA", "MIGUEL", "VALERIA", "ANDRES"};
    static const char* surname[] = {"LOPEZ",  "GARCIA",  "PEREZ",  "SANCHEZ", "RAMIREZ",
                                    "TORRES", "FLORES",  "RIVERA", "GOMEZ",   "DIAZ",
                                    "CRUZ",   "MORALES", "REYES",  "ORTIZ",   "CASTILLO"};
    const auto ports = bench_plan().port_names();
    std::uint64_t x = 42;
    auto next = [&x] {
        x += 0x9e3779b97f4a7c15ULL;
        std::uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    };
    std::vector<cbpq::registration> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t r = next();
        if (i > 0 && r % 50 == 0) {
            cbpq::registration again = out[static_cast<std::size_t>(r >> 8) % out.size()];
            again.id = "R" + std::to_string(i);
            again.registered = static_cast<std::int64_t>(i);
            out.push_back(std::move(again));
            continue;
        }
        cbpq::registration g;
        g.id = "R" + std::to_string(i);
        g.registered = static_cast<std::int64_t>(i);
        g.given = given[r % 18];
        g.surname = std::string(surname[(r >> 8) % 15]) + " " + surname[(r >> 16) % 15];
        g.birth = std::to_string(1950 + (r >> 24) % 60) + "-0" + std::to_string(1 + (r >> 32) % 9) +
                  "-" + std::to_string(10 + (r >> 40) % 19);
        g.document = "P" + std::to_string(10000000 + i);
        g.port = ports[(r >> 48) % ports.size()];
        g.party = static_cast<std::int64_t>(1 + (r >> 56) % 4);
        out.push_back(std::move(g));
    }
    return out;
}

std::unique_ptr<cbpq::memory_store> make_store(std::size_t n) {
    auto s = std::make_unique<cbpq::memory_store>();
    const auto regs = make_registrations(n);
    s->reserve_registrations(n);
    for (const auto& r : regs) {
        s->add_registration(r, cbpq::dedup_decision::keep);
    }
    return s;
}

cbpq::day_request request(int day) {
    cbpq::day_request q;
    q.date = cbpq::civil_date{std::chrono::sys_days{cbpq::parse_date("2023-07-01")} +
                              std::chrono::days{day}};
    q.day_seed = cbpq::seed::from_public_values("1 2 3 / " + std::to_string(day));
    q.source.type = cbpq::seed_source::kind::public_values;
    q.source.public_values = "1 2 3 / " + std::to_string(day);
    q.options.alternates = 50;
    return q;
}

template <class Resolver>
void run_days(benchmark::State& state, Resolver resolver) {
    const auto n = static_cast<std::size_t>(state.range(0));
    auto store = make_store(n);
    int day = 0;
    for (auto _ : state) {
        const auto out = cbpq::run_day(*store, bench_plan(), request(day++), resolver);
        benchmark::DoNotOptimize(out.day.day_receipt.result_digest);
    }
    state.counters["registrations"] = static_cast<double>(n);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(n));
}

void BM_daily_run(benchmark::State& state) { run_days(state, cbpq::dedup_resolver{}); }
void BM_daily_run_pass_through(benchmark::State& state) {
    run_days(state, cbpq::pass_through_resolver{});
}

// Baseline: the bare draw of the same entrants (no pool read, no duplicates, no receipt, no
// commit).
void BM_daily_bare_draw(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto regs = make_registrations(n);
    int day = 0;
    for (auto _ : state) {
        const auto q = request(day++);
        const auto cap = bench_plan().for_date(q.date);
        const auto r =
            cbpq::draw(regs, cap, cbpq::draw_key(q.day_seed, cbpq::day_label(q)), q.options);
        benchmark::DoNotOptimize(r.ports.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(n));
}

} // namespace

BENCHMARK(BM_daily_run)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_daily_run_pass_through)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);
BENCHMARK(BM_daily_bare_draw)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);
