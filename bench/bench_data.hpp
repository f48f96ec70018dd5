// Shared synthetic data for the draw benchmarks: eight ports, CBP One-like capacity (1,450
// persons), party sizes 1-6 with most 1-3, one key. Test data only (std::mt19937_64 is fine
// here: nothing needs to reproduce across standard libraries).
#ifndef CBPQ_BENCH_DATA_HPP
#define CBPQ_BENCH_DATA_HPP

#include <cbpq/capacity.hpp>
#include <cbpq/random.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace bench_data {

inline const char* const ports[8] = {"nogales", "brownsville", "eagle-pass", "hidalgo",
                                     "laredo",  "el-paso",     "calexico",   "san-ysidro"};

// Party size from a uniform 64-bit word: 40% 1, 25% 2, 20% 3, 8% 4, 4% 5, 3% 6.
inline int party(std::uint64_t r) {
    const std::uint64_t pct = r % 100;
    return pct < 40 ? 1 : pct < 65 ? 2 : pct < 85 ? 3 : pct < 93 ? 4 : pct < 97 ? 5 : 6;
}

// 1,450 persons: San Ysidro 390, Brownsville 380, Nogales 100, the other five 116 each.
inline cbpq::day_capacity capacity() {
    cbpq::day_capacity cap;
    for (const char* name : ports) {
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

inline const cbpq::draw_key& key() {
    static const cbpq::draw_key k(
        cbpq::seed::from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
        "2023-06-30");
    return k;
}

} // namespace bench_data

#endif
