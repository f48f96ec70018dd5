// Known-answer and property tests for similarity.hpp.
#include <cbpq/random.hpp>
#include <cbpq/similarity.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
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
