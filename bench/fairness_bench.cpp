// The fairness bench at the scale (N = 80,000, S = 1,450, 365 days): one run of the
// steady scenario per policy, beside two baselines in the same binary:
// - BM_fairness_keys_only: the keyed places alone (N keys a day for 365 days), the floor any
//   keyed daily lottery pays;
// - BM_fairness_metrics_*: the plain metric pass over one run's waits, by sorting
//   (summarize_waits) and from the histogram the simulator keeps.
// cbpq-fairness runs 5 policies x 10 seeds, i.e. 10 times the sum of the five run figures.
#include <cbpq/fairness.hpp>
#include <cbpq/simulate.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

constexpr std::int64_t bench_pool = 80000;
constexpr std::int64_t bench_slots = 1450;
constexpr std::int32_t bench_days = 365;

const char* const bench_policies[] = {"uniform", "fifo", "seniority:0.3", "seniority:0.5",
                                      "aging:linear/55"};

void BM_fairness_run_steady(benchmark::State& state) {
    const auto scenario = cbpq::sim::steady_preset(bench_pool, bench_slots, bench_days);
    const auto policy = cbpq::sim::policy::parse(bench_policies[state.range(0)]);
    state.SetLabel(policy.name());
    std::uint64_t k = 0;
    for (auto _ : state) {
        auto r = cbpq::sim::run_steady(scenario, policy, cbpq::sim::run_seed(cbpq::seed{}, k), k);
        benchmark::DoNotOptimize(r);
        ++k;
    }
    state.SetItemsProcessed(state.iterations() * bench_pool * bench_days); // entrant-days
}
BENCHMARK(BM_fairness_run_steady)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);

void BM_fairness_keys_only(benchmark::State& state) {
    std::uint64_t k = 0;
    for (auto _ : state) {
        std::uint64_t acc = 0;
        for (std::int32_t d = 1; d <= bench_days; ++d) {
            const cbpq::draw_key key(cbpq::sim::run_seed(cbpq::seed{}, k),
                                     "steady/all/day-" + std::to_string(d));
            for (std::uint64_t id = 1; id <= static_cast<std::uint64_t>(bench_pool); ++id) {
                acc ^= key.entrant_key(id + static_cast<std::uint64_t>(d) * 1450U);
            }
        }
        benchmark::DoNotOptimize(acc);
        ++k;
    }
    state.SetItemsProcessed(state.iterations() * bench_pool * bench_days);
}
BENCHMARK(BM_fairness_keys_only)->Unit(benchmark::kMillisecond);

// The waits of one uniform run, as a flat vector and as the simulator's histogram.
const cbpq::wait_histogram& one_run_histogram() {
    static const cbpq::wait_histogram h = [] {
        const auto r =
            cbpq::sim::run_steady(cbpq::sim::steady_preset(bench_pool, bench_slots, bench_days),
                                  cbpq::sim::uniform_policy{}, cbpq::seed{});
        return r.ports[0].waits;
    }();
    return h;
}

void BM_fairness_metrics_sort(benchmark::State& state) {
    std::vector<std::uint32_t> waits;
    const auto counts = one_run_histogram().counts();
    for (std::size_t d = 0; d < counts.size(); ++d) {
        waits.insert(waits.end(), counts[d], static_cast<std::uint32_t>(d));
    }
    // Scrambled so that the sort does real work (a keyed shuffle: reproducible).
    cbpq::keyed_stream s = cbpq::draw_key(cbpq::seed{}, "bench shuffle").stream(0);
    cbpq::keyed_shuffle(waits, s);
    for (auto _ : state) {
        auto summary = cbpq::summarize_waits(waits);
        benchmark::DoNotOptimize(summary);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(waits.size()));
}
BENCHMARK(BM_fairness_metrics_sort)->Unit(benchmark::kMillisecond);

void BM_fairness_metrics_histogram(benchmark::State& state) {
    const auto& h = one_run_histogram();
    for (auto _ : state) {
        auto summary = h.summary();
        benchmark::DoNotOptimize(summary);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(h.count()));
}
BENCHMARK(BM_fairness_metrics_histogram)->Unit(benchmark::kMicrosecond);

} // namespace
