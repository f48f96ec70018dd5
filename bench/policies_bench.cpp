// The draw policies beside the uniform draw (BM_draw/1000000 in draw_bench.cpp, same binary,
// same workload): N entrants over the eight ports, party sizes 1-6, 1,450 persons of
// capacity, 182 alternates per port; each entrant also has a registration day spread over
// 400 days and an H-1B style weight 1-4. Entrant data is generated once, outside the timed
// loop. Seniority uses share 0.25; aging linear/30 (weights 1 to about 14.3) on 2023-06-30.
#include "bench_data.hpp"

#include <cbpq/draw.hpp>
#include <cbpq/preferences.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct policy_entrant {
    std::uint64_t id;
    std::string port;
    int party;
    std::int64_t registered;
    double weight;
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
                             party, 19000 + static_cast<std::int64_t>((r >> 40) % 400),
                             static_cast<double>(1 + ((r >> 50) % 4))});
        }
    }
    return *slot;
}

enum class which { uniform, seniority, weighted, aging };

void BM_draw_policy(benchmark::State& state, which policy) {
    const auto& es = policy_entrants(static_cast<std::size_t>(state.range(0)));
    const auto cap = bench_data::capacity();
    cbpq::draw_options opt;
    opt.alternates = 182;
    auto id = [](const policy_entrant& e) { return e.id; };
    auto port = [](const policy_entrant& e) -> const std::string& { return e.port; };
    auto party = [](const policy_entrant& e) { return e.party; };
    auto registered = [](const policy_entrant& e) { return e.registered; };
    auto weight = [](const policy_entrant& e) { return e.weight; };
    switch (policy) {
    case which::seniority:
        opt.policy = cbpq::draw_policy::seniority;
        opt.seniority_share = 0.25;
        break;
    case which::weighted:
        opt.policy = cbpq::draw_policy::weighted;
        break;
    case which::aging:
        opt.policy = cbpq::draw_policy::aging;
        opt.aging = cbpq::parse_aging_rule("linear/30");
        opt.draw_day = 19538; // 2023-06-30; registrations 19000..19399
        break;
    default:
        break;
    }
    for (auto _ : state) {
        switch (policy) {
        case which::seniority: {
            auto res =
                cbpq::draw_seniority(es, cap, bench_data::key(), opt, id, port, party, registered);
            benchmark::DoNotOptimize(res.ports.data());
            break;
        }
        case which::weighted: {
            auto res =
                cbpq::draw_weighted(es, cap, bench_data::key(), opt, id, port, party, weight);
            benchmark::DoNotOptimize(res.ports.data());
            break;
        }
        case which::aging: {
            auto res =
                cbpq::draw_aging(es, cap, bench_data::key(), opt, id, port, party, registered);
            benchmark::DoNotOptimize(res.ports.data());
            break;
        }
        default: {
            auto res = cbpq::draw(es, cap, bench_data::key(), opt, id, port, party);
            benchmark::DoNotOptimize(res.ports.data());
            break;
        }
        }
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK_CAPTURE(BM_draw_policy, uniform, which::uniform)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_draw_policy, seniority, which::seniority)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_draw_policy, weighted, which::weighted)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_draw_policy, aging, which::aging)->Arg(1000000)->Unit(benchmark::kMillisecond);

} // namespace

// Ranked preferences (random serial dictatorship, preferences.hpp) on the same entrants: the
// first choice is the entrant's port above, then 0-2 further distinct ports chosen from
// other bits of the same word, so 1-3 preferences each (about a third each). Lists are
// views of port names, read in place through the projection.
namespace {

struct pref_entrant {
    std::uint64_t id;
    int party;
    std::uint8_t count;
    std::array<std::string_view, 3> ports;
};

const std::vector<pref_entrant>& pref_entrants(std::size_t n) {
    static std::map<std::size_t, std::unique_ptr<std::vector<pref_entrant>>> cache;
    auto& slot = cache[n];
    if (!slot) {
        slot = std::make_unique<std::vector<pref_entrant>>();
        slot->reserve(n);
        std::mt19937_64 g(12345); // the same words as policy_entrants
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t r = g();
            const auto first = static_cast<std::size_t>((r >> 32) % 8);
            pref_entrant e{(i + 1) * 0x9e3779b97f4a7c15ULL,
                           bench_data::party(r),
                           static_cast<std::uint8_t>(1 + (r >> 48) % 3),
                           {}};
            // Two more distinct ports: offsets 1..7 and 1..6 past the ones already taken.
            const auto second = (first + 1 + static_cast<std::size_t>((r >> 52) % 7)) % 8;
            std::size_t third = (second + 1 + static_cast<std::size_t>((r >> 56) % 6)) % 8;
            if (third == first) {
                third = (third + 1) % 8;
            }
            if (third == second) {
                third = (third + 1) % 8;
            }
            e.ports = {bench_data::ports[first], bench_data::ports[second],
                       bench_data::ports[third]};
            slot->push_back(e);
        }
    }
    return *slot;
}

void BM_draw_policy_preferences(benchmark::State& state) {
    const auto& es = pref_entrants(static_cast<std::size_t>(state.range(0)));
    const auto cap = bench_data::capacity();
    cbpq::draw_options opt = cbpq::preferences_options();
    opt.alternates = 182;
    auto id = [](const pref_entrant& e) { return e.id; };
    auto prefs = [](const pref_entrant& e) {
        return std::span<const std::string_view>(e.ports.data(), e.count);
    };
    auto party = [](const pref_entrant& e) { return e.party; };
    for (auto _ : state) {
        auto res = cbpq::draw_preferences(es, cap, bench_data::key(), opt, id, prefs, party);
        benchmark::DoNotOptimize(res.result.ports.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_draw_policy_preferences)
    ->Name("BM_draw_policy/preferences")
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

} // namespace
