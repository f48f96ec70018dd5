// Known-answer and property tests for random.hpp.
#include <cbpq/draw.hpp>
#include <cbpq/random.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

std::string hex(const std::array<unsigned char, 32>& d) { return cbpq::detail::to_hex(d); }

std::array<unsigned char, 16> siphash_reference_key() {
    std::array<unsigned char, 16> k{};
    for (std::size_t i = 0; i < 16; ++i) {
        k[i] = static_cast<unsigned char>(i);
    }
    return k;
}

std::string first_bytes(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += static_cast<char>(i);
    }
    return s;
}

} // namespace

// FIPS 180-4 examples (also NIST CSRC "SHA256.pdf" example values).
TEST_CASE("sha256 known answers") {
    CHECK(hex(cbpq::sha256("abc")) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex(cbpq::sha256("")) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex(cbpq::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // One million 'a' (FIPS 180-2 appendix B.3), fed in uneven pieces.
    cbpq::detail::sha256 h;
    const std::string chunk(977, 'a');
    std::size_t left = 1000000;
    while (left > 0) {
        const std::size_t take = left < chunk.size() ? left : chunk.size();
        h.update(chunk.data(), take);
        left -= take;
    }
    CHECK(hex(h.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// SipHash-2-4 reference vectors (Aumasson and Bernstein, vectors.h): key 00..0f, message i =
// the first i bytes of 00 01 02 ...
TEST_CASE("siphash24 known answers") {
    const auto key = siphash_reference_key();
    const std::map<std::size_t, std::uint64_t> expected = {
        {0, 0x726fdb47dd0e0e31ULL}, {1, 0x74f839c593dc67fdULL},  {2, 0x0d6c8009d9a94f5aULL},
        {3, 0x85676696d7fb7e2dULL}, {4, 0xcf2794e0277187b7ULL},  {7, 0xab0200f58b01d137ULL},
        {8, 0x93f5f5799a932462ULL}, {15, 0xa129ca6149be45e5ULL}, {63, 0x958a324ceb064572ULL}};
    for (const auto& entry : expected) {
        const std::size_t len = entry.first;
        CAPTURE(len);
        CHECK(cbpq::siphash24(key, first_bytes(len)) == entry.second);
    }
}

TEST_CASE("the unrolled integer-id hash equals the general one") {
    const auto k0 = 0x0706050403020100ULL;
    const auto k1 = 0x0f0e0d0c0b0a0908ULL;
    for (std::uint64_t v : {0ULL, 1ULL, 255ULL, 0x0123456789abcdefULL, ~0ULL}) {
        unsigned char b[9];
        b[0] = 'I';
        cbpq::detail::store_be64(b + 1, v);
        CHECK(cbpq::detail::siphash24_tagged_u64(k0, k1, 'I', v) ==
              cbpq::detail::siphash24(k0, k1, b, 9));
    }
}

TEST_CASE("entrant keys of strings equal SipHash of their canonical bytes") {
    const cbpq::draw_key key(cbpq::seed{}, "label");
    for (const char* s : {"", "a", "1234567", "12345678", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}) {
        CAPTURE(s);
        CHECK(key.entrant_key(std::string_view(s)) ==
              cbpq::siphash24(key.bytes(), cbpq::canonical_id_bytes(std::string_view(s))));
    }
    for (std::int64_t v : {std::int64_t{0}, std::int64_t{42}, std::int64_t{-1},
                           std::int64_t{-9223372036854775807LL - 1}}) {
        CAPTURE(v);
        CHECK(key.entrant_key(v) == cbpq::siphash24(key.bytes(), cbpq::canonical_id_bytes(v)));
    }
}

TEST_CASE("integer ids of any width with one value share canonical bytes and keys") {
    const cbpq::draw_key key(cbpq::seed{}, "x");
    CHECK(cbpq::canonical_id_bytes(std::uint8_t{7}) == cbpq::canonical_id_bytes(7LL));
    CHECK(key.entrant_key(std::uint16_t{7}) == key.entrant_key(std::int64_t{7}));
    CHECK(cbpq::canonical_id_bytes(-1) != cbpq::canonical_id_bytes(~0ULL));
    CHECK(cbpq::compare_ids(-2, -1) == std::strong_ordering::less);
    CHECK(cbpq::compare_ids(5, -1) == std::strong_ordering::less); // 'I' < 'N'
    CHECK(cbpq::compare_ids(std::string_view("ab"), std::string_view("b")) ==
          std::strong_ordering::less);
    CHECK(cbpq::compare_ids(std::string_view("ab"), std::string_view("a")) ==
          std::strong_ordering::greater);
}

TEST_CASE("public values canonicalise as RFC 3797 section 6") {
    // RFC 3797 section 6: the key string of its worked example.
    CHECK(cbpq::public_values_key("9319/2 5 12 8 10/9 18 26 34 41 45") ==
          "9319./2.5.8.10.12./9.18.26.34.41.45./");
    CHECK(cbpq::public_values_key("9319/ 2  5 12 8 010 /9 18 26 34 41 45/") ==
          "9319./2.5.8.10.12./9.18.26.34.41.45./");
    CHECK(cbpq::public_values_key("0/00") == "0./0./");
    CHECK(cbpq::seed::from_public_values("9319/2 5 12 8 10/9 18 26 34 41 45").bytes() ==
          cbpq::sha256("9319./2.5.8.10.12./9.18.26.34.41.45./"));
    CHECK_THROWS_AS((void)cbpq::public_values_key(""), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::public_values_key("1//2"), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::public_values_key("1/2 x"), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::public_values_key("1/-2"), cbpq::invalid_input);
    CHECK_THROWS_WITH_AS((void)cbpq::public_values_key("1/2.5"), doctest::Contains("source 2"),
                         cbpq::invalid_input);
}

TEST_CASE("seeds from hex") {
    const std::string h = "000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F";
    const auto s = cbpq::seed::from_hex(h);
    CHECK(s.bytes()[31] == 0x1f);
    CHECK(s.to_hex() == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    CHECK_THROWS_AS((void)cbpq::seed::from_hex(h.substr(1)), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::seed::from_hex(h.substr(0, 63) + "g"), cbpq::invalid_input);
    CHECK_THROWS_WITH_AS((void)cbpq::seed::from_hex("zz"), doctest::Contains("seed"),
                         cbpq::invalid_input);
}

TEST_CASE("commit then reveal") {
    const std::string secret = "correct horse battery staple 2023";
    const auto c = cbpq::commitment::to(secret);
    CHECK(c.to_hex() == cbpq::detail::to_hex(cbpq::sha256("cbpq-v0 commit" + secret)));
    const auto s = cbpq::seed::from_reveal(secret, c);
    CHECK(s.bytes() == cbpq::sha256("cbpq-v0 reveal" + secret));
    CHECK(s.bytes() != c.bytes()); // the commitment does not give the seed away
    CHECK_THROWS_AS((void)cbpq::seed::from_reveal(secret + "!", c), cbpq::verification_failure);
    CHECK_THROWS_AS((void)cbpq::commitment::to("short"), cbpq::invalid_input);
    CHECK(cbpq::commitment::from_hex(c.to_hex()) == c);
    const auto combined = cbpq::seed::combine(s, cbpq::seed{});
    CHECK(combined != cbpq::seed::combine(cbpq::seed{}, s));
}

TEST_CASE("draw keys separate labels") {
    const auto s =
        cbpq::seed::from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const cbpq::draw_key a(s, "2023-05-12/san-ysidro");
    const cbpq::draw_key b(s, "2023-05-12/nogales");
    CHECK(a.bytes() != b.bytes());
    CHECK(a.entrant_key(1) != b.entrant_key(1));
    // Length prefix: label "ab" + seed is not confused with another split.
    CHECK(cbpq::draw_key(s, "").bytes() != cbpq::draw_key(s, std::string_view("\0", 1)).bytes());
}

TEST_CASE("unit interval mapping is exact and open") {
    CHECK(cbpq::unit_interval(0) == 0x1.0p-53);
    CHECK(cbpq::unit_interval(~0ULL) == 1.0 - 0x1.0p-53);
    CHECK(cbpq::unit_interval(1ULL << 63) == 0.5 + 0x1.0p-53);
    CHECK(cbpq::unit_interval(0xfffULL) == 0x1.0p-53); // low 12 bits are ignored
}

TEST_CASE("bounded integers are exact for small ranges") {
    // With n = 2^k the method returns the top k bits and never rejects.
    std::uint64_t word = 0xdeadbeefcafef00dULL;
    CHECK(cbpq::bounded(16, [&] { return word; }) == 0xdULL);
    CHECK(cbpq::bounded(1, [&] { return word; }) == 0);
    // Rejection: for n = 3 the threshold is 2^64 mod 3 = 1; a word whose low product is 0 is
    // rejected and the next one used.
    std::vector<std::uint64_t> words = {0, ~0ULL};
    std::size_t at = 0;
    CHECK(cbpq::bounded(3, [&] { return words[at++]; }) == 2);
    CHECK(at == 2);
}

TEST_CASE("keyed streams and shuffles reproduce") {
    const cbpq::draw_key key(cbpq::seed{}, "shuffle");
    auto s1 = key.stream(7);
    auto s2 = key.stream(7);
    auto s3 = key.stream(8);
    CHECK(s1() == s2());
    CHECK(s1() != s3());
    std::vector<int> v(20);
    for (int i = 0; i < 20; ++i) {
        v[static_cast<std::size_t>(i)] = i;
    }
    auto w = v;
    auto a = key.stream(1);
    auto b = key.stream(1);
    cbpq::keyed_shuffle(v, a);
    cbpq::keyed_shuffle(w, b);
    CHECK(v == w);
    std::vector<int> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < 20; ++i) {
        CHECK(sorted[static_cast<std::size_t>(i)] == i);
    }
    CHECK(a.position() == 19);
}

TEST_CASE("a keyed stream's word is SipHash-2-4 of 'R', the stream and the counter") {
    // The stream absorbs its first message word once; every word must still equal the hash of
    // the whole 17-byte message, for streams and counters whose bytes are all different.
    const std::uint64_t streams[] = {
        0, 1, 0xff, 0x100, 0x0102030405060708ULL, 0x8090a0b0c0d0e0f0ULL, ~std::uint64_t{0}};
    const std::uint64_t k0 = 0x0706050403020100ULL;
    const std::uint64_t k1 = 0x0f0e0d0c0b0a0908ULL;
    for (const std::uint64_t id : streams) {
        cbpq::keyed_stream st(k0, k1, id);
        // Past 2^16, so that the counter's second and third bytes change too.
        for (std::uint64_t counter = 0; counter < 70000; ++counter) {
            unsigned char msg[17];
            msg[0] = 'R';
            cbpq::detail::store_be64(msg + 1, id);
            cbpq::detail::store_be64(msg + 9, counter);
            REQUIRE(st() == cbpq::detail::siphash24(k0, k1, msg, sizeof msg));
        }
        CHECK(st.position() == 70000);
    }
    CHECK(cbpq::detail::reverse_bytes64(0x0102030405060708ULL) == 0x0807060504030201ULL);
    // The whole stream can be computed at compile time.
    static_assert([] {
        cbpq::keyed_stream s(1, 2, 3);
        (void)s();
        return s() != 0 && s.position() == 2;
    }());
}

TEST_CASE("a keyed stream's words computed ahead: copies, positions, compile time") {
    // After its first word a stream computes eight at a time (on SIMD lanes where the CPU has
    // them); a copy taken at any point of such a batch must go on exactly as the original.
    const std::uint64_t k0 = 0x1122334455667788ULL;
    const std::uint64_t k1 = 0x99aabbccddeeff00ULL;
    auto word = [&](std::uint64_t stream, std::uint64_t counter) {
        unsigned char msg[17];
        msg[0] = 'R';
        cbpq::detail::store_be64(msg + 1, stream);
        cbpq::detail::store_be64(msg + 9, counter);
        return cbpq::detail::siphash24(k0, k1, msg, sizeof msg);
    };
    for (std::uint64_t split = 0; split < 20; ++split) {
        cbpq::keyed_stream a(k0, k1, 77);
        for (std::uint64_t i = 0; i < split; ++i) {
            REQUIRE(a() == word(77, i));
        }
        cbpq::keyed_stream b = a;
        CHECK(b.position() == split);
        for (std::uint64_t i = split; i < split + 20; ++i) {
            const std::uint64_t w = word(77, i);
            REQUIRE(a() == w);
            REQUIRE(b() == w);
        }
        CHECK(a.position() == split + 20);
    }
    constexpr std::uint64_t at_compile_time = [] {
        cbpq::keyed_stream s(0x1122334455667788ULL, 0x99aabbccddeeff00ULL, 5);
        for (int i = 0; i < 11; ++i) {
            (void)s();
        }
        return s();
    }();
    cbpq::keyed_stream s(k0, k1, 5);
    for (int i = 0; i < 11; ++i) {
        (void)s();
    }
    CHECK(s() == at_compile_time);
    CHECK(at_compile_time == word(5, 11));
}

namespace {

// The golden vectors of docs/randomness.md, in the format docs/randomness_check.py prints.
std::string golden_vectors() {
    std::string out;
    const auto s =
        cbpq::seed::from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const auto pv = cbpq::seed::from_public_values("9319/2 5 12 8 10/9 18 26 34 41 45");
    auto line = [&out](const std::string& l) {
        out += l;
        out += '\n';
    };
    line("seed " + s.to_hex());
    line("public_values_seed " + pv.to_hex());
    for (const std::string label : {"2023-05-12/san-ysidro", "", "demo"}) {
        const cbpq::draw_key key(s, label);
        line("label \"" + label + "\"");
        line("draw_key " + cbpq::detail::to_hex(key.bytes()));
        for (const std::int64_t id : {std::int64_t{0}, std::int64_t{1}, std::int64_t{42},
                                      std::int64_t{-1}, std::int64_t{1} << 40}) {
            const auto k = key.entrant_key(id);
            const auto num = ((k >> 12) << 1) | 1U;
            line("int " + std::to_string(id) + " key " + cbpq::detail::to_hex64(k) + " u_num " +
                 std::to_string(num));
        }
        for (const std::string id : {"", "A-1", "REG-0001234567", "José Núñez"}) {
            const auto k = key.entrant_key(std::string_view(id));
            const auto num = ((k >> 12) << 1) | 1U;
            line("str \"" + id + "\" key " + cbpq::detail::to_hex64(k) + " u_num " +
                 std::to_string(num));
        }
        auto stream = key.stream(7);
        std::string words = "stream 7 words";
        for (int i = 0; i < 3; ++i) {
            words += ' ' + cbpq::detail::to_hex64(stream());
        }
        line(words);
        std::string below = "stream 9 below 1450";
        auto s9 = key.stream(9);
        for (int i = 0; i < 5; ++i) {
            below += ' ' + std::to_string(s9.below(1450));
        }
        line(below);
        std::vector<int> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        auto s11 = key.stream(11);
        cbpq::keyed_shuffle(v, s11);
        std::string sh = "stream 11 shuffle 1..10";
        for (const int x : v) {
            sh += ' ' + std::to_string(x);
        }
        line(sh);
    }
    // Weighted draw values (docs/policies.md, "The logarithm").
    const cbpq::draw_key wkey(s, "2023-05-12/san-ysidro");
    std::vector<std::pair<std::uint64_t, std::string>> cases;
    const std::int64_t ids[] = {0, 1, 42, -1, std::int64_t{1} << 40};
    const char* const weights[] = {"4", "3", "2", "1", "0.1"};
    for (std::size_t i = 0; i < 5; ++i) {
        cases.emplace_back(wkey.entrant_key(ids[i]), weights[i]);
    }
    cases.emplace_back(0, "1");
    cases.emplace_back(~std::uint64_t{0}, "1");
    cases.emplace_back(std::uint64_t{1} << 63, "2.5");
    for (const auto& [k, w] : cases) {
        const double q = cbpq::weighted_value(k, std::stod(w));
        line("weighted key " + cbpq::detail::to_hex64(k) + " weight " + w + " e_q57 " +
             cbpq::detail::to_hex64(cbpq::detail::neg_log_unit_q57(k)) + " q " +
             cbpq::detail::to_hex64(std::bit_cast<std::uint64_t>(q)));
    }
    return out;
}

std::string read_text(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    REQUIRE_MESSAGE(f != nullptr, "cannot open " << path);
    std::string text;
    char buf[4096];
    std::size_t got = 0;
    while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) {
        text.append(buf, got);
    }
    std::fclose(f);
    return text;
}

} // namespace

TEST_CASE("golden key vectors (docs/randomness.md) reproduce byte for byte") {
    const std::string expected =
        read_text(std::string(CBPQ_TEST_SOURCE_DIR) + "/golden/random_vectors.txt");
    const std::string actual = golden_vectors();
    if (actual != expected) {
        std::FILE* f = std::fopen(CBPQ_TEST_BINARY_DIR "/random_vectors.actual.txt", "wb");
        if (f != nullptr) {
            std::fwrite(actual.data(), 1, actual.size(), f);
            std::fclose(f);
        }
    }
    CHECK(actual == expected);
}

TEST_CASE("keys are the same from many threads at once (no shared mutable state)") {
    const cbpq::draw_key key(cbpq::seed::from_public_values("1 2 3/4"), "threads");
    constexpr std::uint64_t n = 20000;
    std::uint64_t expected = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
        expected ^= key.entrant_key(i) * (i | 1U);
    }
    std::vector<std::uint64_t> got(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < got.size(); ++t) {
        threads.emplace_back([&key, &got, t] {
            std::uint64_t acc = 0;
            for (std::uint64_t i = 0; i < n; ++i) {
                acc ^= key.entrant_key(i) * (i | 1U);
            }
            got[t] = acc;
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    for (const auto g : got) {
        CHECK(g == expected);
    }
}
