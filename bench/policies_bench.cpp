// The draw policies beside the uniform draw (BM_draw/1000000 in draw_bench.cpp, same binary,
// same workload): N entrants over the eight ports, party sizes 1-6, 1,450 persons of
// capacity, 182 alternates per port; each entrant also has a registration day spread over
// 400 days. Entrant data is generated once, outside the timed loop.
#include "bench_data.hpp"

#include <cbpq/draw.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

struct policy_entrant {
    std::uint64_t id;
    std::string port;
    int party;
    std::int64_t registered;
};

const std::vector<policy_entrant>& policy_entrants(std::size_t n) {
    static std::map<std::size_t, std::unique_ptr<std::vector<policy_entrant>>> cache;
    auto& slot = cache[n];
    if (!slot) {
        slot = std::make_unique<std::vector<policy_entrant>>();
        slot->reserve(n);
        std::mt19937_64 g(12345); // test data only
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t r = g();
            const int party = bench_data::party(r);
            slot->push_back({(i + 1) * 0x9e3779b97f4a7c15ULL, bench_data::ports[(r >> 32) % 8],
                             party, 19000 + static_cast<std::int64_t>((r >> 40) % 400)});
        }
    }
    return *slot;
}

void BM_draw_policy(benchmark::State& state, double share) {
    const auto& es = policy_entrants(static_cast<std::size_t>(state.range(0)));
    const auto cap = bench_data::capacity();
    cbpq::draw_options opt;
    opt.alternates = 182;
    auto id = [](const policy_entrant& e) { return e.id; };
    auto port = [](const policy_entrant& e) -> const std::string& { return e.port; };
    auto party = [](const policy_entrant& e) { return e.party; };
    auto registered = [](const policy_entrant& e) { return e.registered; };
    if (share >= 0) {
        opt.policy = cbpq::draw_policy::seniority;
        opt.seniority_share = share;
    }
    for (auto _ : state) {
        if (share >= 0) {
            auto res =
                cbpq::draw_seniority(es, cap, bench_data::key(), opt, id, port, party, registered);
            benchmark::DoNotOptimize(res.ports.data());
        } else {
            auto res = cbpq::draw(es, cap, bench_data::key(), opt, id, port, party);
            benchmark::DoNotOptimize(res.ports.data());
        }
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK_CAPTURE(BM_draw_policy, uniform, -1.0)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_draw_policy, seniority, 0.25)->Arg(1000000)->Unit(benchmark::kMillisecond);

} // namespace
