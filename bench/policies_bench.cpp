// The draw policies beside the uniform draw (BM_draw/1000000 in draw_bench.cpp, same binary,
// same workload): N entrants over the eight ports, party sizes 1-6, 1,450 persons of
// capacity, 182 alternates per port; each entrant also has a registration day spread over
// 400 days. Entrant data is generated once, outside the timed loop.
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

const char* const policy_ports[8] = {"nogales", "brownsville", "eagle-pass", "hidalgo",
                                     "laredo",  "el-paso",     "calexico",   "san-ysidro"};

const std::vector<policy_entrant>& policy_entrants(std::size_t n) {
    static std::map<std::size_t, std::unique_ptr<std::vector<policy_entrant>>> cache;
    auto& slot = cache[n];
    if (!slot) {
        slot = std::make_unique<std::vector<policy_entrant>>();
        slot->reserve(n);
        std::mt19937_64 g(12345); // test data only
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t r = g();
            const std::uint64_t pct = r % 100;
            const int party = pct < 40   ? 1
                              : pct < 65 ? 2
                              : pct < 85 ? 3
                              : pct < 93 ? 4
                              : pct < 97 ? 5
                                         : 6;
            slot->push_back({(i + 1) * 0x9e3779b97f4a7c15ULL, policy_ports[(r >> 32) % 8], party,
                             19000 + static_cast<std::int64_t>((r >> 40) % 400)});
        }
    }
    return *slot;
}

cbpq::day_capacity policy_capacity() {
    cbpq::day_capacity cap;
    for (const char* name : policy_ports) {
        std::int64_t persons = 116;
        if (std::string(name) == "san-ysidro") {
            persons = 390;
        } else if (std::string(name) == "brownsville") {
            persons = 380;
        } else if (std::string(name) == "nogales") {
            persons = 100;
        }
        cap.ports.push_back({name, persons, std::nullopt, {}});
    }
    return cap;
}

const cbpq::draw_key& policy_key() {
    static const cbpq::draw_key k(
        cbpq::seed::from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
        "2023-06-30");
    return k;
}

// share < 0: the uniform draw through the same projections; otherwise the seniority draw.
void BM_draw_policy(benchmark::State& state, double share) {
    const auto& es = policy_entrants(static_cast<std::size_t>(state.range(0)));
    const auto cap = policy_capacity();
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
                cbpq::draw_seniority(es, cap, policy_key(), opt, id, port, party, registered);
            benchmark::DoNotOptimize(res.ports.data());
        } else {
            auto res = cbpq::draw(es, cap, policy_key(), opt, id, port, party);
            benchmark::DoNotOptimize(res.ports.data());
        }
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK_CAPTURE(BM_draw_policy, uniform, -1.0)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_draw_policy, seniority, 0.25)->Arg(1000000)->Unit(benchmark::kMillisecond);

} // namespace
