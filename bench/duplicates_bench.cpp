// SPDX-License-Identifier: BSL-1.0
// Benchmarks of duplicates.hpp on registrations from the project's generator
// (examples/common/identity_gen.hpp): the whole batch (normalisation, blocking, rules,
// clustering, resolution) on the generator's layout and on a host's, one incremental add against an
// index of 1M, and in the same run a baseline: grouping by the exact document number with
// std::unordered_map; and the batch added one by one without the validation pass.

#include "../examples/common/identity_gen.hpp"

#include <cbpq/duplicates.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

const std::vector<gen::registration>& generated(std::size_t n) {
    static std::map<std::size_t, std::unique_ptr<std::vector<gen::registration>>> cache;
    auto& slot = cache[n];
    if (!slot) {
        gen::options o;
        o.count = n;
        o.dup_rate = 0.05;
        o.seed = 2023;
        slot = std::make_unique<std::vector<gen::registration>>(gen::generate(o));
    }
    return *slot;
}

// The same registrations copied once, in order, into fresh memory: laid out as a host that read
// them from its storage (a CSV file, a database cursor) would hold them, each record's text
// allocated after the previous record's. generated() keeps the generator's layout, where
// shuffling left consecutive records' text at unrelated heap addresses.
const std::vector<gen::registration>& loaded(std::size_t n) {
    static std::map<std::size_t, std::unique_ptr<std::vector<gen::registration>>> cache;
    auto& slot = cache[n];
    if (!slot) {
        const auto& made = generated(n);
        slot = std::make_unique<std::vector<gen::registration>>();
        slot->reserve(made.size());
        for (const auto& r : made) {
            slot->push_back(r);
        }
    }
    return *slot;
}

// The generator's members carry registration_traits' field names, so the primary template
// reads them.
cbpq::registration_view view(const gen::registration& r) {
    return cbpq::registration_traits<gen::registration>::view(r);
}

constexpr cbpq::index_secret bench_secret = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

std::size_t cancelled_in(const std::vector<cbpq::dedup_result>& results) {
    return static_cast<std::size_t>(
        std::count_if(results.begin(), results.end(), [](const cbpq::dedup_result& r) {
            return r.decision == cbpq::dedup_decision::cancel;
        }));
}

// The whole batch over `rows`: normalise every registration, block, compare, cluster, resolve.
void batch_on(benchmark::State& state, const std::vector<gen::registration>& rows) {
    std::size_t cancelled = 0;
    for (auto _ : state) {
        cbpq::deduplicator d(cbpq::default_rules(), {}, cbpq::memory_identity_index(bench_secret));
        const auto results = d.add_all(rows, view);
        cancelled = cancelled_in(results);
        benchmark::DoNotOptimize(results.data());
    }
    state.counters["cancelled"] = static_cast<double>(cancelled);
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

// The whole batch on the generator's records as it leaves them.
void BM_dedup_batch(benchmark::State& state) {
    batch_on(state, generated(static_cast<std::size_t>(state.range(0))));
}
BENCHMARK(BM_dedup_batch)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// BM_dedup_batch over the same records in a host's layout (loaded(), above): the same decisions;
// the gap to BM_dedup_batch is the cost of reading text scattered over the heap.
void BM_dedup_batch_loaded(benchmark::State& state) {
    batch_on(state, loaded(static_cast<std::size_t>(state.range(0))));
}
BENCHMARK(BM_dedup_batch_loaded)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The same batch added one registration at a time (add), without add_all's validation pass:
// the gap to BM_dedup_batch is the cost of that pass (reading 1M records twice).
void BM_dedup_batch_one_by_one(benchmark::State& state) {
    const auto& rows = generated(static_cast<std::size_t>(state.range(0)));
    std::size_t cancelled = 0;
    for (auto _ : state) {
        cbpq::deduplicator d(cbpq::default_rules(), {}, cbpq::memory_identity_index(bench_secret));
        d.reserve(rows.size());
        for (const auto& r : rows) {
            (void)d.add(view(r));
        }
        const auto results = d.resolve();
        cancelled = cancelled_in(results);
        benchmark::DoNotOptimize(results.data());
    }
    state.counters["cancelled"] = static_cast<double>(cancelled);
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_dedup_batch_one_by_one)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The same loop through add_each (each record's add_result handed back in order, as add()
// returns it): the reads of neighbouring records overlap. Baseline: BM_dedup_batch_one_by_one.
void BM_dedup_add_each(benchmark::State& state) {
    const auto& rows = generated(static_cast<std::size_t>(state.range(0)));
    std::size_t cancelled = 0;
    for (auto _ : state) {
        cbpq::deduplicator d(cbpq::default_rules(), {}, cbpq::memory_identity_index(bench_secret));
        d.reserve(rows.size());
        cancelled = 0;
        d.add_each(
            rows,
            [&](const cbpq::add_result& r) {
                cancelled += r.result.decision == cbpq::dedup_decision::cancel;
            },
            view);
        benchmark::DoNotOptimize(cancelled);
    }
    state.counters["cancelled_at_add"] = static_cast<double>(cancelled);
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_dedup_add_each)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The batch split: normalisation alone (the share identity.hpp takes).
void BM_dedup_normalize(benchmark::State& state) {
    const auto& rows = generated(static_cast<std::size_t>(state.range(0)));
    cbpq::normalized_registration out;
    for (auto _ : state) {
        for (const auto& r : rows) {
            cbpq::normalize_registration(view(r), out);
            benchmark::DoNotOptimize(out.given.data());
        }
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_dedup_normalize)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// Baseline: group by the exact document number (what systems keyed on documents do), over the
// same registrations: std::unordered_map from the raw number to the first registration.
void BM_dedup_baseline_document(benchmark::State& state) {
    const auto& rows = generated(static_cast<std::size_t>(state.range(0)));
    std::size_t cancelled = 0;
    for (auto _ : state) {
        std::unordered_map<std::string_view, std::size_t> first;
        first.reserve(rows.size());
        cancelled = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (rows[i].document.empty()) {
                continue;
            }
            const auto [it, fresh] = first.try_emplace(rows[i].document, i);
            if (!fresh) {
                ++cancelled;
                if (rows[i].registered < rows[it->second].registered) {
                    it->second = i;
                }
            }
        }
        benchmark::DoNotOptimize(cancelled);
    }
    state.counters["cancelled"] = static_cast<double>(cancelled);
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_dedup_baseline_document)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// One registration added to an index already holding 1M; reports the p50 and p99 latency of
// the adds (each timed with steady_clock) as counters, in microseconds.
void BM_dedup_add(benchmark::State& state) {
    const auto& base = generated(1000000);
    static std::unique_ptr<cbpq::deduplicator> engine;
    if (!engine) {
        engine = std::make_unique<cbpq::deduplicator>(cbpq::default_rules(), cbpq::dedup_options{},
                                                      cbpq::memory_identity_index(bench_secret));
        (void)engine->add_all(base, view);
    }
    // New registrations: another generated population (some match people already indexed by
    // name and birth, as real new registrations do), ids made unique.
    static std::vector<gen::registration> fresh;
    if (fresh.empty()) {
        gen::options o;
        o.count = 200000;
        o.dup_rate = 0.05;
        o.seed = 77;
        fresh = gen::generate(o);
        for (auto& r : fresh) {
            r.id = "new-" + r.id;
        }
    }
    static std::size_t next = 0;
    std::vector<double> micros;
    micros.reserve(1 << 16);
    std::size_t candidates = 0;
    for (auto _ : state) {
        const auto& r = fresh[next++ % fresh.size()];
        const auto t0 = std::chrono::steady_clock::now();
        const auto res = engine->add(view(r));
        const auto t1 = std::chrono::steady_clock::now();
        candidates += res.candidates;
        micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        benchmark::DoNotOptimize(res.result.decision);
    }
    std::sort(micros.begin(), micros.end());
    if (!micros.empty()) {
        state.counters["p50_us"] = micros[micros.size() / 2];
        state.counters["p99_us"] = micros[std::min(micros.size() - 1, micros.size() * 99 / 100)];
        state.counters["candidates"] =
            static_cast<double>(candidates) / static_cast<double>(micros.size());
    }
}
BENCHMARK(BM_dedup_add)->Iterations(100000)->Unit(benchmark::kMicrosecond);

} // namespace
