// Key derivation speed beside the obvious non-verifiable baseline, std::mt19937_64.
#include <cbpq/detail/lane_keys.hpp>
#include <cbpq/random.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

const cbpq::draw_key& bench_key() {
    static const cbpq::draw_key key(
        cbpq::seed::from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
        "bench");
    return key;
}

void BM_keys_integer(benchmark::State& state) {
    const auto n = static_cast<std::uint64_t>(state.range(0));
    const auto& key = bench_key();
    for (auto _ : state) {
        std::uint64_t acc = 0;
        for (std::uint64_t id = 0; id < n; ++id) {
            acc ^= key.entrant_key(id);
        }
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_keys_integer)->Arg(1000000);

// The same keys the way the draw computes them: ids gathered 256 at a time and keyed in
// interleaved SIMD lanes (AVX-512, AVX2 or scalar, whichever this CPU runs).
void BM_keys_integer_batch(benchmark::State& state) {
    const auto n = static_cast<std::uint64_t>(state.range(0));
    const auto& key = bench_key();
    const cbpq::detail::batch_keys_fn fn = cbpq::detail::best_batch_keys();
    std::uint64_t ids[256];
    std::uint64_t keys[256];
    for (auto _ : state) {
        std::uint64_t acc = 0;
        for (std::uint64_t base = 0; base < n; base += 256) {
            const std::uint64_t m = std::min<std::uint64_t>(256, n - base);
            for (std::uint64_t i = 0; i < m; ++i) {
                ids[i] = base + i;
            }
            fn(key.k0(), key.k1(), ids, m, false, keys);
            for (std::uint64_t i = 0; i < m; ++i) {
                acc ^= keys[i];
            }
        }
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_keys_integer_batch)->Arg(1000000);

void BM_keys_string16(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::vector<std::string> ids(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::string s = "REG-" + std::to_string(1000000000000ULL + i);
        s.resize(16, 'x');
        ids[i] = s;
    }
    const auto& key = bench_key();
    for (auto _ : state) {
        std::uint64_t acc = 0;
        for (const auto& id : ids) {
            acc ^= key.entrant_key(std::string_view(id));
        }
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_keys_string16)->Arg(1000000);

// Words of one keyed stream (what the simulator and the identity generator draw from).
void BM_keyed_stream(benchmark::State& state) {
    const auto n = static_cast<std::uint64_t>(state.range(0));
    const auto& key = bench_key();
    for (auto _ : state) {
        auto stream = key.stream(7);
        std::uint64_t acc = 0;
        for (std::uint64_t i = 0; i < n; ++i) {
            acc ^= stream();
        }
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_keyed_stream)->Arg(1000000);

// Streams of a few words each, as the identity generator and the replay use them (a fresh
// stream per person, account or day; they draw 5 or more words each): N words from each of
// 4,096 streams. After its first word a stream computes eight at a time on the SIMD lanes.
void BM_keyed_stream_short(benchmark::State& state) {
    const auto n = static_cast<int>(state.range(0));
    const auto& key = bench_key();
    std::uint64_t id = 0;
    for (auto _ : state) {
        std::uint64_t acc = 0;
        for (int s = 0; s < 4096; ++s) {
            auto stream = key.stream(id++);
            for (int i = 0; i < n; ++i) {
                acc ^= stream();
            }
        }
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(state.iterations() * 4096 * state.range(0));
}
BENCHMARK(BM_keyed_stream_short)->Arg(1)->Arg(2)->Arg(3)->Arg(5)->Arg(8)->Arg(16)->Arg(33);

// Baseline: the same words computed one at a time (the stream's word function written out:
// SipHash-2-4 of 'R', the stream and the counter, the first block absorbed once per stream),
// as keyed_stream did before it used the lanes and still does without them.
void BM_keyed_stream_short_one_at_a_time(benchmark::State& state) {
    const auto n = static_cast<std::uint64_t>(state.range(0));
    const auto& key = bench_key();
    std::uint64_t id = 0;
    for (auto _ : state) {
        std::uint64_t acc = 0;
        for (int s = 0; s < 4096; ++s) {
            const std::uint64_t stream = id++;
            cbpq::detail::siphash_state first(key.k0(), key.k1());
            first.absorb(std::uint64_t{'R'} | (cbpq::detail::reverse_bytes64(stream) << 8));
            for (std::uint64_t c = 0; c < n; ++c) {
                cbpq::detail::siphash_state st = first;
                st.absorb((stream & 0xffU) | (cbpq::detail::reverse_bytes64(c) << 8));
                st.absorb((c & 0xffU) | (std::uint64_t{17} << 56));
                acc ^= st.finish();
            }
        }
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(state.iterations() * 4096 * state.range(0));
}
BENCHMARK(BM_keyed_stream_short_one_at_a_time)
    ->Arg(1)
    ->Arg(2)
    ->Arg(3)
    ->Arg(5)
    ->Arg(8)
    ->Arg(16)
    ->Arg(33);

// Baseline: the same number of 64-bit words from std::mt19937_64 (not keyed, not verifiable).
void BM_mt19937_64(benchmark::State& state) {
    const auto n = static_cast<std::uint64_t>(state.range(0));
    std::mt19937_64 gen(42);
    for (auto _ : state) {
        std::uint64_t acc = 0;
        for (std::uint64_t i = 0; i < n; ++i) {
            acc ^= gen();
        }
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_mt19937_64)->Arg(1000000);

} // namespace
