// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_FAIRNESS_HPP
#define CBPQ_FAIRNESS_HPP

/// \file
/// Fairness metrics: the distribution of waits (mean, nearest-rank quantiles, maximum), how
/// unequal waits are (Jain's index, Gini coefficient), whether winners match what the pool
/// would give by chance (chi-square tests with p-values), and how capacity was used. All are
/// value types and pure functions; docs/fairness.md gives the formulas and the theory.
///
/// Quantiles are **nearest-rank**: the q-quantile of n sorted values x_(1) <= ... <= x_(n) is
/// x_(r) with r = max(1, ceil(q n)). It is always one of the observed waits (a whole number of
/// days), needs no interpolation, and the sample quantile of n independent draws is exactly a
/// binomial order statistic, which is what the tests use to derive their tolerances.

#include "detail/stats.hpp"
#include "detail/svg.hpp"
#include "error.hpp"

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE

namespace detail {

// The 1-based nearest rank ceil(q n), clamped to [1, n]. q n is first rounded to a multiple of
// 2^-20 so that decimal fractions such as 0.95 (stored as 0.9499999999999999556) times 100 give
// rank 95, not 96 or 94.
inline std::uint64_t nearest_rank(double q, std::uint64_t n) noexcept {
    if (n == 0) {
        return 0;
    }
    if (!(q > 0.0)) {
        return 1;
    }
    if (q >= 1.0) {
        return n;
    }
    const double qn = std::round(q * static_cast<double>(n) * 1048576.0) / 1048576.0;
    auto r = static_cast<std::uint64_t>(std::ceil(qn));
    return std::clamp<std::uint64_t>(r, 1, n);
}

} // namespace detail

/// The nearest-rank q-quantile (0 <= q <= 1) of values already sorted ascending; 0 for an empty
/// range. O(1); noexcept.
template <class T>
[[nodiscard]] double quantile_nearest_rank(std::span<const T> sorted, double q) noexcept {
    if (sorted.empty()) {
        return 0.0;
    }
    return static_cast<double>(sorted[detail::nearest_rank(q, sorted.size()) - 1]);
}

/// Jain's fairness index (sum x)^2 / (n sum x^2): 1 when every wait is equal, 1/n when one
/// entrant carries all of it; 1 for an empty range or all zeros. O(n) (a second pass only when
/// the squares overflow); noexcept.
template <std::ranges::forward_range R>
requires std::convertible_to < std::ranges::range_value_t<R>,
double > [[nodiscard]] double jain_index(R&& values) noexcept {
    double sum = 0.0;
    double sum_sq = 0.0;
    std::uint64_t n = 0;
    for (const auto& v : values) {
        const auto x = static_cast<double>(v);
        sum += x;
        sum_sq += x * x;
        ++n;
    }
    if (n == 0 || sum_sq == 0.0) {
        return 1.0;
    }
    if (!std::isfinite(sum * sum) || !std::isfinite(sum_sq)) {
        // Beyond about 1e154 the squares overflow: the index is scale-free, so divide by the
        // largest value and sum again (only then, so ordinary inputs keep their exact bits).
        double largest = 0.0;
        for (const auto& v : values) {
            largest = std::max(largest, std::fabs(static_cast<double>(v)));
        }
        sum = 0.0;
        sum_sq = 0.0;
        for (const auto& v : values) {
            const double x = static_cast<double>(v) / largest;
            sum += x;
            sum_sq += x * x;
        }
    }
    return (sum * sum) / (static_cast<double>(n) * sum_sq);
}

/// Gini coefficient of non-negative values already sorted ascending:
/// G = sum_i (2i - n - 1) x_(i) / (n sum x), i = 1..n, which equals the mean absolute
/// difference over all n^2 ordered pairs divided by twice the mean. 0 when all are equal; 0 for
/// an empty range or all zeros. O(n); noexcept.
template <class T>
[[nodiscard]] double gini_sorted(std::span<const T> sorted) noexcept {
    const auto n = static_cast<double>(sorted.size());
    double weighted = 0.0;
    double sum = 0.0;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const auto x = static_cast<double>(sorted[i]);
        weighted += (2.0 * static_cast<double>(i + 1) - n - 1.0) * x;
        sum += x;
    }
    if (sorted.empty() || sum == 0.0) {
        return 0.0;
    }
    return weighted / (n * sum);
}

/// Summary of a distribution of waits (in days). Value type.
struct wait_summary {
    /// Number of waits summarised.
    std::uint64_t count = 0;
    double mean = 0.0;
    /// Nearest-rank quantiles (see the file comment).
    double p50 = 0.0;
    double p90 = 0.0;
    double p95 = 0.0;
    double p99 = 0.0;
    double max = 0.0;
    /// Jain's index and the Gini coefficient of the waits.
    double jain = 1.0;
    double gini = 0.0;

    friend bool operator==(const wait_summary&, const wait_summary&) = default;
};

/// Summarises any range of non-negative waits: copies them, sorts the copy and reads every
/// statistic from it. Throws invalid_input (record "waits", field "wait") on a wait that is
/// negative, infinite or NaN (NaN cannot be sorted). O(n log n) time, O(n) memory; strong
/// guarantee.
template <std::ranges::input_range R>
requires std::convertible_to < std::ranges::range_value_t<R>,
double > [[nodiscard]] wait_summary summarize_waits(R&& waits) {
    std::vector<double> v;
    for (const auto& w : waits) {
        const auto x = static_cast<double>(w);
        if (!(x >= 0.0 && x <= std::numeric_limits<double>::max())) {
            detail::throw_invalid_input("waits", "wait",
                                        "wait " + std::to_string(v.size() + 1) +
                                            " is not a finite number >= 0");
        }
        v.push_back(x);
    }
    std::sort(v.begin(), v.end());
    wait_summary s;
    s.count = v.size();
    if (v.empty()) {
        return s;
    }
    double sum = 0.0;
    for (const double x : v) {
        sum += x;
    }
    const std::span<const double> sorted(v);
    s.mean = sum / static_cast<double>(v.size());
    s.p50 = quantile_nearest_rank(sorted, 0.50);
    s.p90 = quantile_nearest_rank(sorted, 0.90);
    s.p95 = quantile_nearest_rank(sorted, 0.95);
    s.p99 = quantile_nearest_rank(sorted, 0.99);
    s.max = v.back();
    s.jain = jain_index(v);
    s.gini = gini_sorted(sorted);
    return s;
}

/// Waits in whole days, kept as a count per day value: the form the simulator accumulates,
/// merges across ports and seeds, and summarises without sorting. Gives exactly the same
/// statistics as summarize_waits over the same waits while the sum of their squares is below
/// 2^53 (every sum is then an exact integer; beyond, the last bits may differ). Memory O(largest
/// wait).
class wait_histogram {
public:
    /// Records `n` waits of `days` days. Amortised O(1); strong guarantee.
    void add(std::uint32_t days, std::uint64_t n = 1) {
        if (days >= counts_.size()) {
            counts_.resize(static_cast<std::size_t>(days) + 1, 0);
        }
        counts_[days] += n;
        total_ += n;
    }

    /// Adds every wait of `other`. O(largest wait); strong guarantee.
    void merge(const wait_histogram& other) {
        if (other.counts_.size() > counts_.size()) {
            counts_.resize(other.counts_.size(), 0);
        }
        for (std::size_t i = 0; i < other.counts_.size(); ++i) {
            counts_[i] += other.counts_[i];
        }
        total_ += other.total_;
    }

    /// Number of waits recorded. O(1).
    [[nodiscard]] std::uint64_t count() const noexcept { return total_; }

    /// How many waits of exactly `days` days. O(1).
    [[nodiscard]] std::uint64_t count_at(std::uint32_t days) const noexcept {
        return days < counts_.size() ? counts_[days] : 0;
    }

    /// Counts indexed by days (index 0 = zero days); may end in zeros. O(1).
    [[nodiscard]] std::span<const std::uint64_t> counts() const noexcept { return counts_; }

    /// Largest wait recorded (0 when empty). O(largest wait).
    [[nodiscard]] std::uint32_t max() const noexcept {
        for (std::size_t i = counts_.size(); i > 0; --i) {
            if (counts_[i - 1] != 0) {
                return static_cast<std::uint32_t>(i - 1);
            }
        }
        return 0;
    }

    /// Nearest-rank q-quantile (0 when empty). O(largest wait).
    [[nodiscard]] double quantile(double q) const noexcept {
        const std::uint64_t r = detail::nearest_rank(q, total_);
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            seen += counts_[i];
            if (seen >= r && r != 0) {
                return static_cast<double>(i);
            }
        }
        return 0.0;
    }

    /// Share of waits at most `days` days: the empirical distribution function. O(days).
    [[nodiscard]] double ecdf(std::uint32_t days) const noexcept {
        if (total_ == 0) {
            return 0.0;
        }
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts_.size() && i <= days; ++i) {
            seen += counts_[i];
        }
        return static_cast<double>(seen) / static_cast<double>(total_);
    }

    /// Every statistic of wait_summary. O(largest wait); noexcept.
    [[nodiscard]] wait_summary summary() const noexcept {
        wait_summary s;
        s.count = total_;
        if (total_ == 0) {
            return s;
        }
        const auto n = static_cast<double>(total_);
        double sum = 0.0;
        double sum_sq = 0.0;
        double weighted = 0.0;
        std::uint64_t before = 0; // waits ranked below the current value
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            const std::uint64_t c = counts_[i];
            if (c == 0) {
                continue;
            }
            const auto x = static_cast<double>(i);
            const auto cd = static_cast<double>(c);
            sum += cd * x;
            sum_sq += cd * x * x;
            // Ranks before+1 .. before+c: sum of (2i - n - 1) over them.
            const double rank_sum =
                cd * (2.0 * static_cast<double>(before) + cd + 1.0); // 2 * sum of ranks
            weighted += (rank_sum - cd * (n + 1.0)) * x;
            before += c;
        }
        s.mean = sum / n;
        s.p50 = quantile(0.50);
        s.p90 = quantile(0.90);
        s.p95 = quantile(0.95);
        s.p99 = quantile(0.99);
        s.max = static_cast<double>(max());
        s.jain = sum_sq == 0.0 ? 1.0 : (sum * sum) / (n * sum_sq);
        s.gini = sum == 0.0 ? 0.0 : weighted / (n * sum);
        return s;
    }

    friend bool operator==(const wait_histogram& a, const wait_histogram& b) noexcept {
        const std::size_t n = std::max(a.counts_.size(), b.counts_.size());
        for (std::size_t i = 0; i < n; ++i) {
            if (a.count_at(static_cast<std::uint32_t>(i)) !=
                b.count_at(static_cast<std::uint32_t>(i))) {
                return false;
            }
        }
        return true;
    }

private:
    std::vector<std::uint64_t> counts_;
    std::uint64_t total_ = 0;
};

/// Upper tail probability P(X >= x) of the chi-square distribution with `df` degrees of
/// freedom: Q(df/2, x/2), the regularized upper incomplete gamma function (series and
/// continued fraction, detail/stats.hpp). df finite and > 0, x >= 0; NaN otherwise. O(sqrt(x))
/// typical; noexcept.
[[nodiscard]] inline double chi_square_upper_tail(double x, double df) noexcept {
    return detail::regularized_gamma(df / 2.0, x / 2.0).q;
}

/// Result of a chi-square goodness-of-fit test.
struct chi_square_result {
    /// sum (O - E)^2 / E over the categories with E > 0.
    double statistic = 0.0;
    /// Categories with E > 0, less one (0 means the test says nothing).
    std::uint32_t df = 0;
    /// P(chi2_df >= statistic); 1 when df = 0.
    double p_value = 1.0;
    /// Observations in categories with E = 0: impossible outcomes under the model. A test with
    /// any of them is failed whatever the p-value says (p_value is then 0).
    double unexpected = 0.0;
};

/// Chi-square goodness of fit of `observed` counts against `expected` counts (same length,
/// expected already scaled to the observed total). Throws invalid_input if the lengths differ
/// or a count is negative or not finite. O(categories).
[[nodiscard]] inline chi_square_result chi_square_test(std::span<const double> observed,
                                                       std::span<const double> expected) {
    if (observed.size() != expected.size()) {
        detail::throw_invalid_input("chi-square test", "expected",
                                    "observed and expected have different lengths");
    }
    chi_square_result r;
    std::uint32_t categories = 0;
    for (std::size_t i = 0; i < observed.size(); ++i) {
        const double o = observed[i];
        const double e = expected[i];
        if (!(o >= 0.0) || !(e >= 0.0) || !std::isfinite(o) || !std::isfinite(e)) {
            detail::throw_invalid_input("chi-square test", "category " + std::to_string(i),
                                        "counts must be finite and non-negative");
        }
        if (e > 0.0) {
            r.statistic += (o - e) * (o - e) / e;
            ++categories;
        } else {
            r.unexpected += o;
        }
    }
    r.df = categories > 0 ? categories - 1 : 0;
    if (r.unexpected > 0.0) {
        r.p_value = 0.0;
    } else if (r.df > 0) {
        r.p_value = chi_square_upper_tail(r.statistic, static_cast<double>(r.df));
    }
    return r;
}

/// Winners per category (party size, cohort, port) beside what chance alone would give: each
/// draw adds its winners to `observed` and, to `expected`, its slots times each category's
/// share of the pool it drew from. Summed over many draws, the chi-square test says whether
/// winners differ from the pool more than chance allows. Value type; merge across seeds.
class category_tally {
public:
    category_tally() = default;
    /// A tally of `categories` categories, all zero.
    explicit category_tally(std::size_t categories)
        : observed_(categories, 0.0), expected_(categories, 0.0) {}

    /// Adds `n` winners in category `c` (c < size()). O(1); noexcept.
    void add_observed(std::size_t c, double n = 1.0) noexcept { observed_[c] += n; }
    /// Adds `e` expected winners in category `c`. O(1); noexcept.
    void add_expected(std::size_t c, double e) noexcept { expected_[c] += e; }

    /// Adds another tally over the same categories (extends to the larger size). Strong
    /// guarantee: both vectors are grown before either changes.
    void merge(const category_tally& other) {
        if (other.size() > size()) {
            std::vector<double> grown_observed(other.size(), 0.0);
            std::vector<double> grown_expected(other.size(), 0.0);
            std::copy(observed_.begin(), observed_.end(), grown_observed.begin());
            std::copy(expected_.begin(), expected_.end(), grown_expected.begin());
            observed_.swap(grown_observed);
            expected_.swap(grown_expected);
        }
        for (std::size_t i = 0; i < other.size(); ++i) {
            observed_[i] += other.observed_[i];
            expected_[i] += other.expected_[i];
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return observed_.size(); }
    [[nodiscard]] std::span<const double> observed() const noexcept { return observed_; }
    [[nodiscard]] std::span<const double> expected() const noexcept { return expected_; }

    /// The chi-square test of observed against expected. O(categories).
    [[nodiscard]] chi_square_result test() const { return chi_square_test(observed_, expected_); }

private:
    std::vector<double> observed_;
    std::vector<double> expected_;
};

/// How capacity was used, in slots (persons or appointments: the caller decides, and says so).
/// `offered` is what the plan made available, `carried_in` what earlier days passed on to this
/// period under a carry-over rule, `used` what winners took. Value type; add with +=.
struct capacity_usage {
    std::int64_t offered = 0;
    std::int64_t carried_in = 0;
    std::int64_t used = 0;
    /// Slots passed on to later days (0 when the plan lets unused capacity lapse).
    std::int64_t carried_out = 0;

    /// Slots that lapsed: offered + carried in - used - carried out. O(1).
    [[nodiscard]] constexpr std::int64_t unused() const noexcept {
        return offered + carried_in - used - carried_out;
    }
    /// used / (offered + carried in); 0 when nothing was available. O(1).
    [[nodiscard]] constexpr double utilisation() const noexcept {
        const std::int64_t available = offered + carried_in;
        return available > 0 ? static_cast<double>(used) / static_cast<double>(available) : 0.0;
    }

    constexpr capacity_usage& operator+=(const capacity_usage& o) noexcept {
        offered += o.offered;
        carried_in += o.carried_in;
        used += o.used;
        carried_out += o.carried_out;
        return *this;
    }
    friend bool operator==(const capacity_usage&, const capacity_usage&) = default;
};

/// A labelled distribution of waits, for figures.
struct named_waits {
    std::string name;
    wait_histogram waits;
};

/// SVG figure of the empirical distribution function of each distribution of waits (share of
/// waits at most x days), one line per series, colour-blind-safe colours in series order.
/// Deterministic to the byte for the same input. O(total distinct waits).
[[nodiscard]] inline std::string wait_ecdf_svg(std::string_view title,
                                               std::span<const named_waits> series) {
    std::vector<detail::svg::step_series> lines;
    for (const auto& s : series) {
        detail::svg::step_series line;
        line.name = s.name;
        const auto counts = s.waits.counts();
        const auto n = static_cast<double>(s.waits.count());
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts.size(); ++i) {
            if (counts[i] != 0) {
                seen += counts[i];
                line.steps.emplace_back(static_cast<double>(i), static_cast<double>(seen) / n);
            }
        }
        lines.push_back(std::move(line));
    }
    return detail::svg::ecdf_chart(title, "wait (days from registration to selection)",
                                   "share of winners who waited at most x days", lines);
}

/// SVG figure of grouped bars: values[s][g] is the bar of series s in group g (for example the
/// p95 wait of each policy at each port). Deterministic to the byte. O(series x groups).
/// Throws invalid_input if values does not have one row per series.
[[nodiscard]] inline std::string grouped_bars_svg(std::string_view title, std::string_view x_label,
                                                  std::string_view y_label,
                                                  const std::vector<std::string>& groups,
                                                  const std::vector<std::string>& series,
                                                  const std::vector<std::vector<double>>& values) {
    if (values.size() != series.size()) {
        detail::throw_invalid_input("figure", "values", "one row of values per series is needed");
    }
    return detail::svg::bar_chart(title, x_label, y_label, groups, series, values);
}

CBPQ_END_NAMESPACE

#endif
