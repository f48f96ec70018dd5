// Known-answer and property tests for similarity.hpp.
#include <cbpq/random.hpp>
#include <cbpq/similarity.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

double round6(double x) { return std::round(x * 1e6) / 1e6; }

struct jw_case {
    std::string_view a, b;
    double jaro, jw;
};

} // namespace

// Winkler (1990), "String Comparator Metrics and Enhanced Decision Rules in the Fellegi-Sunter
// Model of Record Linkage", US Census Bureau, table of comparator values; recomputed in
// ../shared/reference/facts-and-vectors.md.
TEST_CASE("jaro and jaro_winkler reproduce Winkler's Census table") {
    const jw_case cases[] = {
        {"SHACKLEFORD", "SHACKELFORD", 0.969697, 0.981818},
        {"DUNNINGHAM", "CUNNIGHAM", 0.896296, 0.896296},
        {"NICHLESON", "NICHULSON", 0.925926, 0.955556},
        {"JONES", "JOHNSON", 0.790476, 0.832381},
        {"MASSEY", "MASSIE", 0.888889, 0.933333},
        {"ABROMS", "ABRAMS", 0.888889, 0.922222},
        {"JERALDINE", "GERALDINE", 0.925926, 0.925926},
        {"MARHTA", "MARTHA", 0.944444, 0.961111},
        {"MICHELLE", "MICHAEL", 0.869048, 0.921429},
        {"JULIES", "JULIUS", 0.888889, 0.933333},
        {"DWAYNE", "DUANE", 0.822222, 0.840000},
        {"SEAN", "SUSAN", 0.783333, 0.805000},
        {"JON", "JOHN", 0.916667, 0.933333},
        {"DIXON", "DICKSONX", 0.766667, 0.813333},
    };
    for (const auto& c : cases) {
        CAPTURE(c.a);
        CAPTURE(c.b);
        CHECK(round6(cbpq::jaro(c.a, c.b)) == doctest::Approx(c.jaro).epsilon(1e-12));
        CHECK(round6(cbpq::jaro_winkler(c.a, c.b)) == doctest::Approx(c.jw).epsilon(1e-12));
        // Symmetric, and the same on code points.
        CHECK(cbpq::jaro_winkler(c.b, c.a) == cbpq::jaro_winkler(c.a, c.b));
        const std::u32string ua(c.a.begin(), c.a.end());
        const std::u32string ub(c.b.begin(), c.b.end());
        CHECK(cbpq::jaro_winkler(ua, ub) == cbpq::jaro_winkler(c.a, c.b));
    }
}

// facts-and-vectors.md: edit distances of the classic examples.
TEST_CASE("levenshtein, osa and damerau reproduce the reference table") {
    struct row {
        std::string_view a, b;
        std::size_t lev, osa, dl;
    };
    const row rows[] = {
        {"kitten", "sitting", 3, 3, 3}, {"Saturday", "Sunday", 3, 3, 3},
        {"CA", "ABC", 3, 3, 2},         {"fuor", "four", 2, 1, 1},
        {"abcd", "acb", 2, 2, 2},       {"jellyifhs", "jellyfish", 3, 2, 2},
        {"MARIA", "MAIRA", 2, 1, 1},
    };
    for (const auto& r : rows) {
        CAPTURE(r.a);
        CAPTURE(r.b);
        CHECK(cbpq::levenshtein(r.a, r.b) == r.lev);
        CHECK(cbpq::levenshtein_plain(r.a, r.b) == r.lev);
        CHECK(cbpq::osa_distance(r.a, r.b) == r.osa);
        CHECK(cbpq::osa_distance_plain(r.a, r.b) == r.osa);
        CHECK(cbpq::damerau_levenshtein(r.a, r.b) == r.dl);
        CHECK(cbpq::levenshtein(r.b, r.a) == r.lev);
        CHECK(cbpq::osa_distance(r.b, r.a) == r.osa);
        CHECK(cbpq::damerau_levenshtein(r.b, r.a) == r.dl);
    }
}

// facts-and-vectors.md: code points, not bytes.
TEST_CASE("similarity counts code points") {
    CHECK(cbpq::levenshtein(U"JOSÉ", U"JOSE") == 1);
    CHECK(cbpq::levenshtein(std::string_view("JOSÉ"), std::string_view("JOSE")) == 2);
    CHECK(round6(cbpq::jaro_winkler(U"Núñez", U"Nunez")) == doctest::Approx(0.76).epsilon(1e-12));
    CHECK(std::round(cbpq::jaro_winkler(std::string_view("Núñez"), std::string_view("Nunez")) *
                     1000) == 676);
}

namespace {

// Random strings over a small alphabet (so that matches and transpositions are frequent),
// from a fixed keyed stream so the test is the same everywhere.
std::u32string random_word(cbpq::keyed_stream& rng, std::size_t max_len) {
    static constexpr char32_t alphabet[] = {U'A', U'B', U'C', U'D', U'É', U'Ñ', U'Ж', 0x1F600};
    const std::size_t n = static_cast<std::size_t>(rng.below(max_len + 1));
    std::u32string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += alphabet[rng.below(sizeof alphabet / sizeof alphabet[0])];
    }
    return s;
}

std::string narrow(const std::u32string& s) {
    std::string out;
    for (char32_t c : s) {
        out += static_cast<char>('a' + static_cast<int>(c % 7));
    }
    return out;
}

} // namespace

TEST_CASE("property: bit-parallel Levenshtein and OSA equal the plain DP; cutoffs are exact") {
    cbpq::keyed_stream rng(0x1d3a7e5c0ffee123ULL, 0x5eedf00dULL, 6);
    for (int round = 0; round < 3000; ++round) {
        // Lengths to 90 so both the 64-symbol fast path and the DP fallback are exercised.
        const std::size_t max_len = round % 3 == 0 ? 90 : 12;
        const std::u32string a = random_word(rng, max_len);
        const std::u32string b = random_word(rng, max_len);
        const std::size_t d = cbpq::levenshtein(a, b);
        REQUIRE(d == cbpq::levenshtein_plain(a, b));
        const std::string na = narrow(a), nb = narrow(b);
        REQUIRE(cbpq::levenshtein(na, nb) == cbpq::levenshtein_plain(na, nb));
        const std::size_t k = static_cast<std::size_t>(rng.below(8));
        CHECK(cbpq::levenshtein(a, b, k) == std::min(d, k + 1));
        CHECK(cbpq::levenshtein_plain(a, b, k) == std::min(d, k + 1));
        const std::size_t o = cbpq::osa_distance(a, b);
        REQUIRE(o == cbpq::osa_distance_plain(a, b));
        REQUIRE(cbpq::osa_distance(na, nb) == cbpq::osa_distance_plain(na, nb));
        CHECK(cbpq::osa_distance_plain(a, b, k) == std::min(o, k + 1));
        const std::size_t dl = cbpq::damerau_levenshtein(a, b);
        CHECK(cbpq::osa_distance(a, b, k) == std::min(o, k + 1));
        CHECK(cbpq::damerau_levenshtein(a, b, k) == std::min(dl, k + 1));
        // DL <= OSA <= Levenshtein, all bounded by the longer length.
        CHECK(dl <= o);
        CHECK(o <= d);
        CHECK(d <= std::max(a.size(), b.size()));
    }
}

TEST_CASE("property: symmetry, identity and the triangle inequality") {
    cbpq::keyed_stream rng(0x0123456789abcdefULL, 0xfedcba9876543210ULL, 7);
    for (int round = 0; round < 1500; ++round) {
        const std::u32string a = random_word(rng, 10);
        const std::u32string b = random_word(rng, 10);
        const std::u32string c = random_word(rng, 10);
        CHECK(cbpq::levenshtein(a, b) == cbpq::levenshtein(b, a));
        CHECK(cbpq::osa_distance(a, b) == cbpq::osa_distance(b, a));
        CHECK(cbpq::damerau_levenshtein(a, b) == cbpq::damerau_levenshtein(b, a));
        CHECK(cbpq::jaro(a, b) == cbpq::jaro(b, a));
        CHECK(cbpq::jaro_winkler(a, b) == cbpq::jaro_winkler(b, a));
        CHECK(cbpq::levenshtein(a, a) == 0);
        CHECK(cbpq::damerau_levenshtein(a, a) == 0);
        CHECK(cbpq::jaro_winkler(a, a) == 1.0);
        CHECK(cbpq::levenshtein(a, c) <= cbpq::levenshtein(a, b) + cbpq::levenshtein(b, c));
        CHECK(cbpq::damerau_levenshtein(a, c) <=
              cbpq::damerau_levenshtein(a, b) + cbpq::damerau_levenshtein(b, c));
        const double jw = cbpq::jaro_winkler(a, b);
        CHECK(jw >= 0.0);
        CHECK(jw <= 1.0);
        CHECK(cbpq::jaro(a, b) <= jw);
    }
}

TEST_CASE("property: score cutoffs return the score or 0, never a different score") {
    cbpq::keyed_stream rng(42, 4242, 8);
    for (int round = 0; round < 3000; ++round) {
        const std::u32string a = random_word(rng, 12);
        const std::u32string b = random_word(rng, 12);
        const double min_score = static_cast<double>(rng.below(101)) / 100.0;
        const double jw = cbpq::jaro_winkler(a, b);
        const double cut = cbpq::jaro_winkler_at_least(a, b, min_score);
        CHECK(cut == (jw >= min_score ? jw : 0.0));
        const double j = cbpq::jaro(a, b);
        CHECK(cbpq::jaro_at_least(a, b, min_score) == (j >= min_score ? j : 0.0));
    }
    // Exact hits at the threshold survive.
    CHECK(cbpq::jaro_winkler_at_least("MARTHA", "MARHTA", cbpq::jaro_winkler("MARTHA", "MARHTA")) ==
          cbpq::jaro_winkler("MARTHA", "MARHTA"));
    CHECK(cbpq::jaro_winkler_at_least("JON", "JOHN", 0.95) == 0.0);
    CHECK(cbpq::jaro_winkler_at_least("A", "BCDEFGHIJ", 0.5) == 0.0);
}

TEST_CASE("jaro_winkler_at_least equals jaro_winkler when prefix_scale * max_prefix is 1") {
    // Jaro 0.8 with a common prefix of 4: boosted to 1 by 0.25 * 4.
    CHECK(cbpq::jaro_winkler("ABCDEFGHIJ", "ABCDXYZHIJ", 0.25, 4) == 1.0);
    CHECK(cbpq::jaro_winkler_at_least("ABCDEFGHIJ", "ABCDXYZHIJ", 0.95, 0.25, 4) == 1.0);
    CHECK(cbpq::jaro_winkler_at_least("ABCDEFGHIJ", "ABCDXYZHIJ", 0.95, 0.25, 4, 0.9) == 0.0);
    struct scale {
        double prefix_scale;
        std::size_t max_prefix;
    };
    static constexpr scale scales[] = {{0.25, 4}, {0.5, 2}, {1.0, 1}, {0.125, 8}};
    static constexpr double thresholds[] = {0.0, 0.5, 0.7, 0.9};
    cbpq::keyed_stream rng(0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 9);
    for (int round = 0; round < 3000; ++round) {
        const std::u32string a = random_word(rng, 12);
        std::u32string b = random_word(rng, 12);
        if (round % 2 == 0) { // a with its tail changed: long common prefixes, high Jaro
            const std::size_t keep = static_cast<std::size_t>(rng.below(a.size() + 1));
            b = a.substr(0, keep) + b.substr(0, b.size() / 2);
        }
        const scale sc = scales[rng.below(4)];
        const double bt = thresholds[rng.below(4)];
        const double min_score = static_cast<double>(rng.below(101)) / 100.0;
        const double jw = cbpq::jaro_winkler(a, b, sc.prefix_scale, sc.max_prefix, bt);
        const double cut =
            cbpq::jaro_winkler_at_least(a, b, min_score, sc.prefix_scale, sc.max_prefix, bt);
        CHECK(cut == (jw >= min_score ? jw : 0.0));
        const std::string na = narrow(a), nb = narrow(b);
        const double jw8 = cbpq::jaro_winkler(na, nb, sc.prefix_scale, sc.max_prefix, bt);
        CHECK(cbpq::jaro_winkler_at_least(na, nb, min_score, sc.prefix_scale, sc.max_prefix, bt) ==
              (jw8 >= min_score ? jw8 : 0.0));
    }
}

TEST_CASE("jaro_winkler_at_least at its own score when prefix_scale * max_prefix is just below 1") {
    // The Jaro cutoff (min_score - lp) / (1 - lp) divides rounding error by 1 - lp; with
    // lp = 1 - 2^-k the cutoff once rejected pairs scored exactly min_score. Each pair is asked
    // for its own score (must be returned) and for the next double above it (must be 0).
    cbpq::keyed_stream rng(0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL, 11);
    for (int k = 8; k <= 52; k += 4) {
        const double prefix_scale = (1.0 - std::ldexp(1.0, -k)) / 4.0;
        for (int round = 0; round < 200; ++round) {
            std::string a = "ABCD";
            std::string b = "ABCD";
            for (std::uint64_t i = 0, n = 1 + rng.below(8); i < n; ++i) {
                a += static_cast<char>('E' + rng.below(4));
            }
            for (std::uint64_t i = 0, n = 1 + rng.below(8); i < n; ++i) {
                b += static_cast<char>('E' + rng.below(4));
            }
            const double jw = cbpq::jaro_winkler(a, b, prefix_scale, 4);
            CHECK(cbpq::jaro_winkler_at_least(a, b, jw, prefix_scale, 4) == jw);
            CHECK(cbpq::jaro_winkler_at_least(a, b, std::nextafter(jw, 2.0), prefix_scale, 4) ==
                  0.0);
        }
    }
}

TEST_CASE("edge cases: empty strings, one symbol, the 64-symbol boundary") {
    CHECK(cbpq::jaro("", "") == 1.0);
    CHECK(cbpq::jaro("", "A") == 0.0);
    CHECK(cbpq::jaro_winkler("A", "A") == 1.0);
    CHECK(cbpq::jaro("AB", "BA") == 0.0); // window 0: no matches out of place
    CHECK(cbpq::levenshtein("", "") == 0);
    CHECK(cbpq::levenshtein("", "abc") == 3);
    CHECK(cbpq::levenshtein("abc", "", 1) == 2);
    CHECK(cbpq::osa_distance("", "ab") == 2);
    CHECK(cbpq::damerau_levenshtein("", "") == 0);
    const std::string s64(64, 'x'), s65(65, 'x');
    CHECK(cbpq::levenshtein(s64, s65) == 1);
    CHECK(cbpq::levenshtein(s64, std::string(64, 'y')) == 64);
    std::u32string u64(64, U'Ñ');
    std::u32string u64b = u64;
    u64b[63] = U'N';
    CHECK(cbpq::levenshtein(u64, u64b) == 1);
    CHECK(cbpq::jaro_winkler(std::u32string(100, U'A'), std::u32string(100, U'A')) == 1.0);
}

// When an odd number of matched symbols is out of order, Winkler's strcmp95 (the program behind
// the Census table) halves the count with integer division; so does cbpq. Here m = 4 matches and
// 3 out of order: t = 1, Jaro = (4/5 + 4/6 + 3/4) / 3 = 0.738889 (0.697222 with t = 1.5).
TEST_CASE("jaro halves an odd transposition count with integer division, as strcmp95 does") {
    CHECK(round6(cbpq::jaro("AABCB", "CBBACC")) == doctest::Approx(0.738889).epsilon(1e-12));
}
