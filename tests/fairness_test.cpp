// Tests for fairness.hpp: nearest-rank quantiles, Jain, Gini, the wait histogram, chi-square
// p-values against closed forms and published quantiles, tallies, ledgers and the SVG figures
// (golden files, byte for byte).
#include <cbpq/fairness.hpp>
#include <cbpq/random.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Compares `text` with tests/golden/<name>; with CBPQ_UPDATE_GOLDEN=1 in the environment,
// rewrites the golden file instead (then review the diff before committing).
void check_golden(const std::string& name, const std::string& text) {
    const std::string path = std::string(CBPQ_TEST_SOURCE_DIR) + "/golden/" + name;
    if (const char* u = std::getenv("CBPQ_UPDATE_GOLDEN"); u != nullptr && std::string(u) == "1") {
        std::ofstream(path, std::ios::binary) << text;
    }
    const std::string expected = slurp(path);
    CHECK_MESSAGE(expected == text, "golden file differs: " << path);
}

std::vector<std::uint32_t> pseudo_waits(std::size_t n, std::uint64_t stream_id) {
    cbpq::keyed_stream s = cbpq::draw_key(cbpq::seed{}, "fairness-test").stream(stream_id);
    std::vector<std::uint32_t> v;
    for (std::size_t i = 0; i < n; ++i) {
        v.push_back(static_cast<std::uint32_t>(1 + s.below(60) + s.below(3) * s.below(40)));
    }
    return v;
}

} // namespace

TEST_CASE("nearest-rank quantiles") {
    std::vector<double> v;
    for (int i = 1; i <= 10; ++i) {
        v.push_back(i);
    }
    const std::span<const double> s(v);
    CHECK(cbpq::quantile_nearest_rank(s, 0.0) == 1.0);
    CHECK(cbpq::quantile_nearest_rank(s, 0.5) == 5.0);   // rank ceil(5) = 5
    CHECK(cbpq::quantile_nearest_rank(s, 0.9) == 9.0);   // rank ceil(9) = 9
    CHECK(cbpq::quantile_nearest_rank(s, 0.95) == 10.0); // rank ceil(9.5) = 10
    CHECK(cbpq::quantile_nearest_rank(s, 1.0) == 10.0);
    CHECK(cbpq::quantile_nearest_rank(std::span<const double>(), 0.5) == 0.0);
    // 0.95 * 100 is 94.99999999999999 in binary; the rank must still be 95.
    std::vector<int> h;
    for (int i = 1; i <= 100; ++i) {
        h.push_back(i);
    }
    CHECK(cbpq::quantile_nearest_rank(std::span<const int>(h), 0.95) == 95.0);
    CHECK(cbpq::quantile_nearest_rank(std::span<const int>(h), 0.99) == 99.0);
    CHECK(cbpq::quantile_nearest_rank(std::span<const int>(h), 0.951) == 96.0);
}

TEST_CASE("Jain's index and the Gini coefficient on hand-computed cases") {
    CHECK(cbpq::jain_index(std::vector<double>{5, 5, 5, 5}) == doctest::Approx(1.0));
    CHECK(cbpq::jain_index(std::vector<double>{0, 0, 0, 7}) == doctest::Approx(0.25)); // 1/n
    CHECK(cbpq::jain_index(std::vector<double>{1, 2, 3}) == doctest::Approx(36.0 / 42.0));
    CHECK(cbpq::jain_index(std::vector<double>{}) == 1.0);

    const std::vector<double> equal{3, 3, 3};
    CHECK(cbpq::gini_sorted(std::span<const double>(equal)) == 0.0);
    // (2*4 - 5) * 1 / (4 * 1) = 3/4
    const std::vector<double> one{0, 0, 0, 1};
    CHECK(cbpq::gini_sorted(std::span<const double>(one)) == doctest::Approx(0.75));
    // Against the definition: sum over all ordered pairs |xi - xj| / (2 n^2 mean).
    const auto w = pseudo_waits(300, 1);
    std::vector<double> sorted(w.begin(), w.end());
    std::sort(sorted.begin(), sorted.end());
    double pairs = 0.0;
    double sum = 0.0;
    for (const double a : sorted) {
        sum += a;
        for (const double b : sorted) {
            pairs += std::fabs(a - b);
        }
    }
    const double n = static_cast<double>(sorted.size());
    CHECK(cbpq::gini_sorted(std::span<const double>(sorted)) ==
          doctest::Approx(pairs / (2.0 * n * sum)).epsilon(1e-12));
}

TEST_CASE("summarize_waits refuses waits it cannot order; Jain survives huge waits") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (const std::vector<double>& bad : {std::vector<double>{1.0, nan, 2.0},
                                           std::vector<double>{2.0, 1.0, nan},
                                           {inf},
                                           {3.0, -1.0}}) {
        CHECK_THROWS_WITH_AS((void)cbpq::summarize_waits(bad), doctest::Contains("field 'wait'"),
                             cbpq::invalid_input);
    }
    // Equal waits give Jain 1 and Gini 0 even where their squares overflow.
    const auto huge = cbpq::summarize_waits(std::vector<double>{1e200, 1e200});
    CHECK(huge.jain == 1.0);
    CHECK(huge.gini == 0.0);
    CHECK(cbpq::jain_index(std::vector<double>{1e300, 0.0}) == 0.5);
}

TEST_CASE("wait_histogram gives exactly what summarize_waits gives") {
    const auto w = pseudo_waits(20000, 2);
    cbpq::wait_histogram h;
    for (const auto x : w) {
        h.add(x);
    }
    const auto a = cbpq::summarize_waits(w);
    const auto b = h.summary();
    CHECK(a.count == b.count);
    CHECK(a.mean == doctest::Approx(b.mean).epsilon(1e-12));
    CHECK(a.p50 == b.p50);
    CHECK(a.p90 == b.p90);
    CHECK(a.p95 == b.p95);
    CHECK(a.p99 == b.p99);
    CHECK(a.max == b.max);
    CHECK(a.jain == doctest::Approx(b.jain).epsilon(1e-12));
    CHECK(a.gini == doctest::Approx(b.gini).epsilon(1e-12));

    // Merging two halves gives the whole.
    cbpq::wait_histogram x;
    cbpq::wait_histogram y;
    for (std::size_t i = 0; i < w.size(); ++i) {
        (i % 2 == 0 ? x : y).add(w[i]);
    }
    x.merge(y);
    CHECK(x == h);
    CHECK(h.ecdf(h.max()) == 1.0);
    CHECK(h.ecdf(0) == 0.0);
    CHECK(cbpq::wait_histogram{}.summary().count == 0);
}

// Chi-square upper tails. Exact identities: for 2 degrees of freedom Q = e^(-x/2); for 4,
// Q = e^(-x/2) (1 + x/2); for 1, Q = erfc(sqrt(x/2)). These exercise both the series (x < a+1)
// and the continued fraction (x >= a+1).
TEST_CASE("chi-square upper tail against closed forms") {
    for (const double x : {0.01, 0.3, 1.0, 2.5, 3.0, 7.7, 20.0, 55.0, 150.0}) {
        CAPTURE(x);
        CHECK(cbpq::chi_square_upper_tail(x, 2.0) ==
              doctest::Approx(std::exp(-x / 2.0)).epsilon(1e-12));
        CHECK(cbpq::chi_square_upper_tail(x, 4.0) ==
              doctest::Approx(std::exp(-x / 2.0) * (1.0 + x / 2.0)).epsilon(1e-12));
        CHECK(cbpq::chi_square_upper_tail(x, 1.0) ==
              doctest::Approx(std::erfc(std::sqrt(x / 2.0))).epsilon(1e-11));
    }
    CHECK(cbpq::chi_square_upper_tail(0.0, 3.0) == 1.0);
    CHECK(std::isnan(cbpq::chi_square_upper_tail(1.0, 0.0)));
}

// At the statistic equal to a huge df, the upper tail is 1/2 - 1/(3 sqrt(pi df)) + O(1/df)
// (Temme's uniform expansion of Q(a, a), a = df/2). A fixed number of series terms once gave
// 0.5127 at df = 4e9; the bound below is the prefix's rounding (about a ln a x 2^-53 in
// relative terms, 2e-6 at these sizes), with margin.
TEST_CASE("chi-square upper tail at very large degrees of freedom") {
    const double pi = 3.14159265358979323846;
    for (const double df : {1e6, 1e8, 2e9, 4294967295.0}) {
        CAPTURE(df);
        CHECK(std::fabs(cbpq::chi_square_upper_tail(df, df) -
                        (0.5 - 1.0 / (3.0 * std::sqrt(pi * df)))) < 1e-5);
    }
    // Infinite degrees of freedom are outside the domain: NaN, at once (a term limit that grew
    // with sqrt(df) once made this call never return).
    CHECK(std::isnan(cbpq::chi_square_upper_tail(5.0, std::numeric_limits<double>::infinity())));
}

// Published chi-square quantiles (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.4, 3 decimals).
// A table value rounded to 3 decimals is off by at most 0.0005, which moves the tail by at most
// 0.0005 times the density there: 0.0293 for df 1 at 3.841, 0.0116 for df 10 at 18.307 and
// 0.00018 for df 5 at 20.515; the tolerances are those bounds.
// 3.841458820694124 is 1.959963984540054^2 (the two-sided 5% normal quantile squared), exact
// to 1e-15, so it must give 0.05 to 1e-10.
TEST_CASE("chi-square upper tail against published quantiles") {
    CHECK(std::fabs(cbpq::chi_square_upper_tail(3.841, 1.0) - 0.05) <= 0.0005 * 0.0293);
    CHECK(std::fabs(cbpq::chi_square_upper_tail(18.307, 10.0) - 0.05) <= 0.0005 * 0.0116);
    CHECK(std::fabs(cbpq::chi_square_upper_tail(20.515, 5.0) - 0.001) <= 0.0005 * 0.00018);
    CHECK(std::fabs(cbpq::chi_square_upper_tail(3.841458820694124, 1.0) - 0.05) <= 1e-10);
    CHECK(std::fabs(cbpq::chi_square_upper_tail(6.635, 1.0) - 0.01) <= 0.0005 * 0.0058);
    CHECK(std::fabs(cbpq::chi_square_upper_tail(124.342, 100.0) - 0.05) <= 0.0005 * 0.0032);
}

TEST_CASE("deterministic log, exp and log-gamma agree with the C library") {
    for (double x = 1e-300; x < 1e300; x *= 7.3) {
        CAPTURE(x);
        CHECK(cbpq::detail::det_log(x) == doctest::Approx(std::log(x)).epsilon(1e-15));
    }
    for (double x = 0.5; x < 2.0; x += 0.01) {
        CHECK(std::fabs(cbpq::detail::det_log(x) - std::log(x)) <= 4e-16);
    }
    CHECK(cbpq::detail::det_log(1.0) == 0.0);
    for (double x = -700.0; x < 700.0; x += 3.7) {
        CAPTURE(x);
        CHECK(cbpq::detail::det_exp(x) == doctest::Approx(std::exp(x)).epsilon(1e-14));
    }
    for (const double x : {0.5, 1.0, 1.5, 2.0, 3.5, 7.25, 14.9, 15.0, 100.5, 1e4, 1e8}) {
        CAPTURE(x);
        CHECK(cbpq::detail::log_gamma(x) ==
              doctest::Approx(std::lgamma(x)).epsilon(1e-13).scale(1.0));
    }
    CHECK(cbpq::detail::log_factorial(0) == doctest::Approx(0.0).scale(1.0));
    CHECK(cbpq::detail::log_factorial(10) == doctest::Approx(std::log(3628800.0)));
}

TEST_CASE("chi-square test by hand") {
    // (10-20)^2/20 + 0 + (30-20)^2/20 = 10 with 2 degrees of freedom: p = e^-5.
    const std::vector<double> o{10, 20, 30};
    const std::vector<double> e{20, 20, 20};
    const auto r = cbpq::chi_square_test(o, e);
    CHECK(r.statistic == doctest::Approx(10.0));
    CHECK(r.df == 2);
    CHECK(r.p_value == doctest::Approx(std::exp(-5.0)).epsilon(1e-12));
    // A category expected never to win but observed winning fails the test outright.
    const std::vector<double> o2{10, 1};
    const std::vector<double> e2{11, 0};
    CHECK(cbpq::chi_square_test(o2, e2).p_value == 0.0);
    CHECK(cbpq::chi_square_test(o2, e2).unexpected == 1.0);
    const std::vector<double> short_e{1.0};
    CHECK_THROWS_AS((void)cbpq::chi_square_test(o, short_e), cbpq::invalid_input);
    const std::vector<double> bad{-1, 1, 1};
    CHECK_THROWS_AS((void)cbpq::chi_square_test(bad, e), cbpq::invalid_input);

    cbpq::category_tally t(3);
    t.add_observed(0, 10);
    t.add_observed(2, 30);
    t.add_expected(0, 20);
    t.add_expected(2, 20);
    cbpq::category_tally u(3);
    u.add_observed(1, 20);
    u.add_expected(1, 20);
    t.merge(u);
    CHECK(t.test().statistic == doctest::Approx(10.0));
}

TEST_CASE("capacity ledger") {
    cbpq::capacity_usage a{100, 10, 95, 5};
    CHECK(a.unused() == 10);
    CHECK(a.utilisation() == doctest::Approx(95.0 / 110.0));
    a += cbpq::capacity_usage{50, 0, 50, 0};
    CHECK(a.offered == 150);
    CHECK(a.used == 145);
    CHECK(a.unused() == 10);
    CHECK(cbpq::capacity_usage{}.utilisation() == 0.0);
}

TEST_CASE("figures are deterministic SVG (golden)") {
    cbpq::wait_histogram lottery;
    cbpq::wait_histogram queue;
    for (std::uint32_t d = 1; d <= 30; ++d) {
        // A geometric-like decay for the lottery, one value for the queue.
        lottery.add(d, static_cast<std::uint64_t>(1000.0 * std::pow(0.9, d - 1)));
    }
    queue.add(10, 500);
    const std::vector<cbpq::named_waits> series{{"uniform", lottery}, {"fifo & co <x>", queue}};
    const std::string ecdf = cbpq::wait_ecdf_svg("ECDF test", series);
    CHECK(ecdf == cbpq::wait_ecdf_svg("ECDF test", series));
    check_golden("fairness_ecdf.svg", ecdf);

    const std::string bars =
        cbpq::grouped_bars_svg("p95 test", "port", "p95 wait (days)", {"nogales", "san-ysidro"},
                               {"uniform", "fifo"}, {{29.0, 31.0}, {10.0, 10.0}});
    check_golden("fairness_bars.svg", bars);
    CHECK_THROWS_AS((void)cbpq::grouped_bars_svg("x", "x", "y", {"a"}, {"u"}, {}),
                    cbpq::invalid_input);
}
