// SPDX-License-Identifier: BSL-1.0
// Numerical helpers for the fairness metrics and the simulator: a logarithm and an exponential
// built only from IEEE-754 basic operations (so that every draw that uses them reproduces on
// every platform, whatever the C library's log and exp return in their last bit; provided no
// multiply-add is fused, which the CMake target ensures with -ffp-contract=off), the log-gamma
// function, and the regularized incomplete gamma functions behind chi-square p-values.
#ifndef CBPQ_DETAIL_STATS_HPP
#define CBPQ_DETAIL_STATS_HPP

#include "../config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

CBPQ_BEGIN_NAMESPACE
namespace detail {

// ln 2 split so that k * ln2_hi is exact for |k| < 2^11 (the fdlibm split).
inline constexpr double ln2_hi = 6.93147180369123816490e-01;
inline constexpr double ln2_lo = 1.90821492927058770002e-10;
inline constexpr double ln2 = 0.693147180559945309417232121458;

// Natural logarithm of a finite x > 0 from +, -, *, / and the exact frexp only.
// x = m * 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(f), f = (m - 1) / (m + 1), summed
// as the odd series f + f^3/3 + ... (|f| <= 0.1716, so 12 terms reach below 1e-17).
// Accurate to a few ulp; returns -inf for 0 and NaN for negative or NaN input.
inline double det_log(double x) noexcept {
    if (!(x > 0.0)) {
        return x == 0.0 ? -std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::quiet_NaN();
    }
    if (x == std::numeric_limits<double>::infinity()) {
        return x;
    }
    int e = 0;
    double m = std::frexp(x, &e); // m in [0.5, 1)
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        --e;
    }
    const double f = (m - 1.0) / (m + 1.0);
    const double f2 = f * f;
    // Horner form of 1 + f2/3 + f2^2/5 + ... + f2^11/23.
    double s = 1.0 / 23.0;
    for (int k = 21; k >= 1; k -= 2) {
        s = s * f2 + 1.0 / static_cast<double>(k);
    }
    const double lm = 2.0 * f * s;
    const double de = static_cast<double>(e);
    return de * ln2_hi + (lm + de * ln2_lo);
}

// e^x from +, -, *, / and the exact ldexp only: x = k ln2 + r, |r| <= ln2 / 2, and e^r by its
// Taylor series to the 14th power (remainder below 5e-18).
inline double det_exp(double x) noexcept {
    if (x != x) {
        return x;
    }
    if (x > 709.78) {
        return std::numeric_limits<double>::infinity();
    }
    if (x < -745.2) {
        return 0.0;
    }
    const double kd = std::floor(x / ln2 + 0.5);
    const double r = (x - kd * ln2_hi) - kd * ln2_lo;
    double s = 1.0;
    for (int n = 14; n >= 1; --n) {
        s = 1.0 + s * r / static_cast<double>(n);
    }
    return std::ldexp(s, static_cast<int>(kd));
}

// ln Gamma(x) for x > 0: shift x up to at least 15 with Gamma(x) = Gamma(x + n) / (x (x+1) ...
// (x+n-1)), then Stirling's series (Abramowitz and Stegun 6.1.40) to the x^-9 term, whose
// remainder at x >= 15 is below 3e-16 relative.
inline double log_gamma(double x) noexcept {
    if (!(x > 0.0)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    double shift = 0.0;
    double product = 1.0;
    while (x < 15.0) {
        product *= x;
        x += 1.0;
    }
    if (product != 1.0) {
        shift = det_log(product);
    }
    const double inv = 1.0 / x;
    const double inv2 = inv * inv;
    // 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7) + 1/(1188x^9)
    const double series =
        inv * (1.0 / 12.0 +
               inv2 * (-1.0 / 360.0 +
                       inv2 * (1.0 / 1260.0 + inv2 * (-1.0 / 1680.0 + inv2 * (1.0 / 1188.0)))));
    constexpr double half_log_two_pi = 0.918938533204672741780329736406;
    return (x - 0.5) * det_log(x) - x + half_log_two_pi + series - shift;
}

// ln k! for k >= 0.
inline double log_factorial(std::uint64_t k) noexcept {
    return log_gamma(static_cast<double>(k) + 1.0);
}

// Regularized lower and upper incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x), for
// a > 0, x >= 0. The method is the classical pair (Abramowitz and Stegun 6.5.29 and 6.5.31, as
// described in Numerical Recipes, section 6.2): for x < a + 1 the power series
// gamma(a, x) = e^-x x^a sum_n x^n / (a (a+1) ... (a+n)); otherwise Legendre's continued
// fraction for Gamma(a, x), evaluated by the modified Lentz method. Each side is used where it
// converges fast and the other is obtained by 1 - value. Near x = a both need a number of
// terms that grows as sqrt(a) (a term of the series is about e^(-n^2 / 2a)), so the limit does
// too. The accuracy at large a is bounded by the prefix -x + a ln x - ln Gamma(a), whose terms
// are about a ln a: its rounding is a relative error near a ln a x 2^-53 (1e-8 at a = 5e7).
struct incomplete_gamma {
    double p;
    double q;
};

inline incomplete_gamma regularized_gamma(double a, double x) noexcept {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    if (!(a > 0.0 && a <= std::numeric_limits<double>::max()) || !(x >= 0.0)) {
        return {nan, nan};
    }
    if (x == 0.0) {
        return {0.0, 1.0};
    }
    if (x == std::numeric_limits<double>::infinity()) {
        return {1.0, 0.0};
    }
    constexpr double eps = 1e-16;
    const double max_terms = std::min(1e7, 1e5 + 20.0 * std::sqrt(a)); // bounded work
    const double log_prefix = -x + a * det_log(x) - log_gamma(a);
    if (x < a + 1.0) {
        double term = 1.0 / a;
        double sum = term;
        for (double n = 1; n < max_terms; ++n) {
            term *= x / (a + n);
            sum += term;
            if (std::fabs(term) < std::fabs(sum) * eps) {
                break;
            }
        }
        const double p = sum * det_exp(log_prefix);
        return {p, 1.0 - p};
    }
    constexpr double tiny = 1e-300;
    double b = x + 1.0 - a;
    double c = 1.0 / tiny;
    double d = 1.0 / b;
    double h = d;
    for (double di = 1; di < max_terms; ++di) {
        const double an = -di * (di - a);
        b += 2.0;
        d = an * d + b;
        if (std::fabs(d) < tiny) {
            d = tiny;
        }
        c = b + an / c;
        if (std::fabs(c) < tiny) {
            c = tiny;
        }
        d = 1.0 / d;
        const double delta = d * c;
        h *= delta;
        if (std::fabs(delta - 1.0) < eps) {
            break;
        }
    }
    const double q = det_exp(log_prefix) * h;
    return {1.0 - q, q};
}

} // namespace detail
CBPQ_END_NAMESPACE

#endif
