// SPDX-License-Identifier: BSL-1.0
// Every parser of untrusted text against its seed inputs and deterministic mutants of them
// (fuzz/parsers.hpp says what must hold). The coverage-guided fuzzer (fuzz/libfuzzer.cpp)
// explores further; this replay runs in every CI lane, under ASan and UBSan too.
#include "fuzz/parsers.hpp"

#include <cbpq/random.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

struct seed_input {
    std::string name;
    std::string bytes;
};

std::vector<seed_input> read_seeds() {
    const std::filesystem::path dir =
        std::filesystem::path(CBPQ_TEST_SOURCE_DIR) / "fuzz" / "seeds";
    std::vector<seed_input> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(entry.path(), std::ios::binary);
        out.push_back({entry.path().filename().string(),
                       std::string(std::istreambuf_iterator<char>(in), {})});
    }
    std::sort(out.begin(), out.end(),
              [](const seed_input& a, const seed_input& b) { return a.name < b.name; });
    return out;
}

bool run(const std::string& bytes) {
    return cbpq_fuzz::run_one(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

// One to four edits, keeping the first byte (the parser selector): flip bits, overwrite with a
// byte that matters to some grammar, delete, duplicate or truncate a range, insert a byte.
std::string mutate(const std::string& seed, cbpq::keyed_stream& rng) {
    static constexpr std::string_view special =
        ",\"\n\r {}[]:\\/.-+0123456789eE\x7f\xc3\xa9\xe2\x80\xff";
    std::string s = seed;
    const std::uint64_t edits = 1 + rng.below(4);
    for (std::uint64_t e = 0; e < edits && s.size() > 1; ++e) {
        const std::size_t body = s.size() - 1;
        const std::size_t at = 1 + static_cast<std::size_t>(rng.below(body));
        const std::size_t len =
            1 + static_cast<std::size_t>(rng.below(std::min<std::size_t>(body - (at - 1), 16)));
        switch (rng.below(6)) {
        case 0:
            s[at] = static_cast<char>(static_cast<unsigned char>(s[at]) ^ (1U << rng.below(8)));
            break;
        case 1:
            s[at] = special[static_cast<std::size_t>(rng.below(special.size()))];
            break;
        case 2:
            s.erase(at, len);
            break;
        case 3:
            s.insert(at, s.substr(at, len));
            break;
        case 4:
            s.resize(at);
            break;
        default:
            s.insert(s.begin() + static_cast<std::ptrdiff_t>(at),
                     special[static_cast<std::size_t>(rng.below(special.size()))]);
            break;
        }
    }
    return s;
}

} // namespace

TEST_CASE("fuzz seeds: every seed is a valid input its parser accepts") {
    const auto seeds = read_seeds();
    REQUIRE(seeds.size() >= 10);
    for (const auto& seed : seeds) {
        CAPTURE(seed.name);
        bool accepted = false;
        CHECK_NOTHROW(accepted = run(seed.bytes));
        CHECK(accepted);
    }
}

TEST_CASE("fuzz mutants: parsers refuse malformed input only with cbpq errors") {
    const auto seeds = read_seeds();
    const cbpq::draw_key key(cbpq::seed::from_hex(std::string(64, '0')), "fuzz mutants");
    std::size_t refused = 0;
    std::size_t total = 0;
    for (std::size_t i = 0; i < seeds.size(); ++i) {
        cbpq::keyed_stream rng = key.stream(i);
        for (int m = 0; m < 1500; ++m) {
            const std::string input = mutate(seeds[i].bytes, rng);
            bool accepted = false;
            try {
                accepted = run(input);
            } catch (const std::exception& e) {
                FAIL_CHECK("seed " << seeds[i].name << " mutant " << m << ": " << e.what());
            }
            refused += accepted ? 0 : 1;
            ++total;
        }
    }
    // The mutants must exercise the refusal paths, not only the happy ones.
    CHECK(refused > total / 10);
    CHECK(refused < total);
}
