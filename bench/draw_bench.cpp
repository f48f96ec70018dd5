// The daily draw at CBP One scale and beyond, beside two baselines in the same binary:
// BM_std_sample (std::sample of 1,450 entrants with std::mt19937_64: fast, not verifiable,
// not reproducible across standard libraries) and BM_floor (one pass reading the same entrant
// fields: the memory floor). BM_draw_keys is the floor of any draw keyed like cbpq's: one pass
// that reads each id and computes its SipHash-2-4 key on the draw's batched SIMD path, and
// nothing else (no port lookup, no validation, no selection).
//
// BM_draw is the figure for a host that draws repeatedly (one draw a day, for years): it passes
// one cbpq::draw_workspace to every iteration, so the duplicate check's store is allocated and
// faulted in once, by an untimed draw before the loop. BM_draw_cold makes every iteration a first
// draw (no workspace: fresh scratch each time, which at 10M means fresh pages from the kernel,
// since glibc maps allocations of 32 MiB and more afresh on every call).
//
// Workload: N entrants over the eight ports, party sizes 1-6 (40% 1, 25% 2, 20% 3, 8% 4, 4%
// 5, 3% 6), 1,450 persons of capacity (San Ysidro 390, Brownsville 380, Nogales 100, the five
// others 116 each), and 182 alternates per port (1,456 in all). Entrant data is generated
// once per N, outside the timed loop.
#include "bench_data.hpp"

#include <cbpq/draw.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

struct bench_entrant {
    std::uint64_t id;
    std::string port;
    int party;
};

const std::vector<bench_entrant>& entrants(std::size_t n) {
    static std::map<std::size_t, std::unique_ptr<std::vector<bench_entrant>>> cache;
    auto& slot = cache[n];
    if (!slot) {
        slot = std::make_unique<std::vector<bench_entrant>>();
        slot->reserve(n);
        std::mt19937_64 g(12345); // test data only
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t r = g();
            const int party = bench_data::party(r);
            // An odd multiplier is a bijection on 64 bits: unique, scattered ids.
            slot->push_back(
                {(i + 1) * 0x9e3779b97f4a7c15ULL, bench_data::ports[(r >> 32) % 8], party});
        }
    }
    return *slot;
}

void BM_draw(benchmark::State& state) {
    const auto& es = entrants(static_cast<std::size_t>(state.range(0)));
    const auto cap = bench_data::capacity();
    cbpq::draw_options opt;
    opt.alternates = 182;
    // As a daily host keeps one. Its first draw, untimed, is the host's first day.
    cbpq::draw_workspace ws;
    benchmark::DoNotOptimize(cbpq::draw(es, cap, bench_data::key(), opt, ws).ports.data());
    for (auto _ : state) {
        auto res = cbpq::draw(es, cap, bench_data::key(), opt, ws);
        benchmark::DoNotOptimize(res.ports.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

// The same draw with fresh scratch memory every time (no workspace): a host's first draw.
void BM_draw_cold(benchmark::State& state) {
    const auto& es = entrants(static_cast<std::size_t>(state.range(0)));
    const auto cap = bench_data::capacity();
    cbpq::draw_options opt;
    opt.alternates = 182;
    for (auto _ : state) {
        auto res = cbpq::draw(es, cap, bench_data::key(), opt);
        benchmark::DoNotOptimize(res.ports.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

// The same draw when the host vouches for unique ids (check_duplicate_ids = false).
void BM_draw_unique_ids(benchmark::State& state) {
    const auto& es = entrants(static_cast<std::size_t>(state.range(0)));
    const auto cap = bench_data::capacity();
    cbpq::draw_options opt;
    opt.alternates = 182;
    opt.check_duplicate_ids = false;
    for (auto _ : state) {
        auto res = cbpq::draw(es, cap, bench_data::key(), opt);
        benchmark::DoNotOptimize(res.ports.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_draw_keys(benchmark::State& state) {
    const auto& es = entrants(static_cast<std::size_t>(state.range(0)));
    const cbpq::draw_key& key = bench_data::key();
    const cbpq::detail::batch_keys_fn fn = cbpq::detail::best_batch_keys();
    for (auto _ : state) {
        std::uint64_t values[256];
        std::uint64_t keys[256];
        std::uint64_t smallest = ~std::uint64_t{0};
        for (std::size_t i = 0; i < es.size(); i += 256) {
            const std::size_t n = std::min<std::size_t>(256, es.size() - i);
            for (std::size_t j = 0; j < n; ++j) {
                values[j] = es[i + j].id;
            }
            fn(key.k0(), key.k1(), values, n, false, keys);
            for (std::size_t j = 0; j < n; ++j) {
                smallest = std::min(smallest, keys[j]);
            }
        }
        benchmark::DoNotOptimize(smallest);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_std_sample(benchmark::State& state) {
    const auto& es = entrants(static_cast<std::size_t>(state.range(0)));
    std::mt19937_64 gen(42);
    std::vector<bench_entrant> out(1450);
    for (auto _ : state) {
        std::sample(es.begin(), es.end(), out.begin(), 1450, gen);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_floor(benchmark::State& state) {
    const auto& es = entrants(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        std::uint64_t acc = 0;
        for (const auto& e : es) {
            acc += e.id ^ (static_cast<std::uint64_t>(e.port.size()) +
                           static_cast<std::uint64_t>(static_cast<unsigned char>(e.port[0])) +
                           static_cast<std::uint64_t>(e.party));
        }
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

#define CBPQ_DRAW_SIZES                                                                            \
    ->Arg(10000)->Arg(100000)->Arg(1000000)->Arg(10000000)->Unit(benchmark::kMillisecond)
BENCHMARK(BM_draw) CBPQ_DRAW_SIZES;
BENCHMARK(BM_draw_cold) CBPQ_DRAW_SIZES;
BENCHMARK(BM_draw_unique_ids) CBPQ_DRAW_SIZES;
BENCHMARK(BM_draw_keys) CBPQ_DRAW_SIZES;
BENCHMARK(BM_std_sample) CBPQ_DRAW_SIZES;
BENCHMARK(BM_floor) CBPQ_DRAW_SIZES;

} // namespace
