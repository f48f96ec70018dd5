// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_SIMILARITY_HPP
#define CBPQ_SIMILARITY_HPP

/// \file
/// String similarity on Unicode code points (std::u32string_view), with the same functions on
/// std::string_view for ASCII or folded text (one char = one symbol): Jaro, Jaro-Winkler,
/// Levenshtein (bit-parallel when the shorter string has at most 64 symbols), optimal string
/// alignment and true Damerau-Levenshtein, each with a cutoff that stops early. Pure functions,
/// no global state; they allocate only when a string exceeds 64 symbols (Jaro, Levenshtein) or
/// always for the two Damerau variants (their tables). Reproduce the tables of
/// docs/identity.md (Winkler's US Census examples) to the last printed digit.

#include "config.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <type_traits>
#include <vector>

#if !defined(CBPQ_NO_SIMD) && (defined(__x86_64__) || defined(_M_X64)) &&                          \
    (defined(__GNUC__) || defined(__clang__))
#define CBPQ_JARO_SSE2 1
#include <emmintrin.h>
#endif

CBPQ_BEGIN_NAMESPACE

/// "No cutoff" for the distance functions.
inline constexpr std::size_t no_distance_cutoff = std::numeric_limits<std::size_t>::max();

namespace detail {

// Matching flags for Jaro: a bit set for up to 64 symbols, else a vector.
class match_flags {
public:
    explicit match_flags(std::size_t n) {
        if (n > 64) {
            big_.assign(n, 0);
        }
    }
    [[nodiscard]] bool test(std::size_t i) const noexcept {
        return big_.empty() ? ((small_ >> i) & 1u) != 0 : big_[i] != 0;
    }
    void set(std::size_t i) noexcept {
        if (big_.empty()) {
            small_ |= std::uint64_t{1} << i;
        } else {
            big_[i] = 1;
        }
    }

private:
    std::uint64_t small_ = 0;
    std::vector<unsigned char> big_;
};

struct jaro_counts {
    std::size_t matches;
    // Matched symbols out of order; Jaro's t is this count halved with integer division, as in
    // Winkler's strcmp95 (the program that produced the Census table).
    std::size_t half_transpositions;
};

#if CBPQ_JARO_SSE2
// jaro_count() for |a| <= 64 and |b| <= 16 bytes: one SSE2 comparison gives the positions of b
// that hold a[i]; the lowest one still unmatched inside the window is the match jaro_count's loop
// (below) would take, so the counts are the same. (SSE2 is part of every x86-64
// processor.)
inline jaro_counts jaro_count_sse2(std::string_view a, std::string_view b, std::size_t min_matches,
                                   std::size_t window) noexcept {
    const std::size_t la = a.size();
    const std::size_t lb = b.size();
    alignas(16) char padded[16] = {};
    if (lb != 0) {
        std::memcpy(padded, b.data(), lb);
    }
    const __m128i vb = _mm_load_si128(reinterpret_cast<const __m128i*>(padded));
    const std::uint32_t all = (std::uint32_t{1} << lb) - 1;
    std::uint32_t unmatched = all; // positions of b not matched yet
    std::uint64_t matched_a = 0;
    std::size_t m = 0;
    for (std::size_t i = 0; i < la; ++i) {
        if (m + (la - i) < min_matches) {
            return {m, 0};
        }
        const std::size_t lo = i > window ? i - window : 0;
        const std::size_t hi = std::min(lb, i + window + 1);
        if (lo >= hi) {
            continue;
        }
        const std::uint32_t in_window =
            ((std::uint32_t{1} << hi) - 1) & ~((std::uint32_t{1} << lo) - 1);
        const auto equal =
            static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(vb, _mm_set1_epi8(a[i]))));
        const std::uint32_t found = equal & unmatched & in_window;
        if (found != 0) {
            unmatched &= ~(found & (~found + 1)); // the lowest position found is taken
            matched_a |= std::uint64_t{1} << i;
            ++m;
        }
    }
    if (m == 0 || m < min_matches) {
        return {m, 0};
    }
    std::uint32_t matched_b = all & ~unmatched;
    std::size_t t = 0;
    while (matched_a != 0) {
        const auto i = static_cast<std::size_t>(std::countr_zero(matched_a));
        const auto j = static_cast<std::size_t>(std::countr_zero(matched_b));
        matched_a &= matched_a - 1;
        matched_b &= matched_b - 1;
        if (a[i] != b[j]) {
            ++t;
        }
    }
    return {m, t};
}
#endif

// Counts Jaro matches and (if `min_matches` is reached) transpositions. Jaro (1989) and Winkler
// (1990): characters match when equal and no farther apart than
// max(0, floor(max(|a|,|b|)/2) - 1); each character of b matches at most once, taken left to
// right.
template <class C>
jaro_counts jaro_count(std::basic_string_view<C> a, std::basic_string_view<C> b,
                       std::size_t min_matches) {
    const std::size_t la = a.size();
    const std::size_t lb = b.size();
    const std::size_t longer = std::max(la, lb);
    const std::size_t window = longer / 2 > 0 ? longer / 2 - 1 : 0;
#if CBPQ_JARO_SSE2
    if constexpr (std::is_same_v<C, char>) {
        if (la <= 64 && lb <= 16) {
            return jaro_count_sse2(a, b, min_matches, window);
        }
    }
#endif
    match_flags fa(la);
    match_flags fb(lb);
    std::size_t m = 0;
    for (std::size_t i = 0; i < la; ++i) {
        // Matches still possible: m + (la - i) must reach min_matches.
        if (m + (la - i) < min_matches) {
            return {m, 0};
        }
        const std::size_t lo = i > window ? i - window : 0;
        const std::size_t hi = std::min(lb, i + window + 1);
        for (std::size_t j = lo; j < hi; ++j) {
            if (!fb.test(j) && a[i] == b[j]) {
                fa.set(i);
                fb.set(j);
                ++m;
                break;
            }
        }
    }
    if (m == 0 || m < min_matches) {
        return {m, 0};
    }
    std::size_t t = 0;
    std::size_t j = 0;
    for (std::size_t i = 0; i < la; ++i) {
        if (!fa.test(i)) {
            continue;
        }
        while (!fb.test(j)) {
            ++j;
        }
        if (a[i] != b[j]) {
            ++t;
        }
        ++j;
    }
    return {m, t};
}

inline double jaro_from_counts(std::size_t la, std::size_t lb, std::size_t m,
                               std::size_t t) noexcept {
    if (m == 0) {
        return 0.0;
    }
    const double md = static_cast<double>(m);
    return (md / static_cast<double>(la) + md / static_cast<double>(lb) +
            (md - static_cast<double>(t / 2)) / md) /
           3.0;
}

// Smallest match count m with (m/la + m/lb + 1)/3 >= min_score: a necessary condition.
inline std::size_t min_matches_for(std::size_t la, std::size_t lb, double min_score) noexcept {
    if (min_score <= 0.0) {
        return 0;
    }
    const double per = 1.0 / static_cast<double>(la) + 1.0 / static_cast<double>(lb);
    const double need = (3.0 * min_score - 1.0) / per;
    if (need <= 0.0) {
        return 0;
    }
    // A small tolerance keeps rounding from rejecting an exact hit.
    const double m = need - 1e-9;
    const auto floor_m = static_cast<std::size_t>(m);
    return static_cast<double>(floor_m) < m ? floor_m + 1 : floor_m;
}

template <class C>
double jaro_impl(std::basic_string_view<C> a, std::basic_string_view<C> b, double min_score) {
    if (a.empty() && b.empty()) {
        return 1.0;
    }
    if (a.empty() || b.empty()) {
        return 0.0;
    }
    const std::size_t need = min_matches_for(a.size(), b.size(), min_score);
    if (need > std::min(a.size(), b.size())) {
        return 0.0;
    }
    const jaro_counts c = jaro_count(a, b, need);
    if (c.matches < need || c.matches == 0) {
        return 0.0;
    }
    const double j = jaro_from_counts(a.size(), b.size(), c.matches, c.half_transpositions);
    return j < min_score ? 0.0 : j;
}

template <class C>
std::size_t common_prefix(std::basic_string_view<C> a, std::basic_string_view<C> b,
                          std::size_t max_prefix) noexcept {
    const std::size_t n = std::min({a.size(), b.size(), max_prefix});
    std::size_t l = 0;
    while (l < n && a[l] == b[l]) {
        ++l;
    }
    return l;
}

template <class C>
double jaro_winkler_impl(std::basic_string_view<C> a, std::basic_string_view<C> b,
                         double prefix_scale, std::size_t max_prefix, double boost_threshold,
                         double min_score) {
    const std::size_t l = common_prefix(a, b, max_prefix);
    const double lp = static_cast<double>(l) * prefix_scale;
    // JW = j + l*p*(1 - j) is increasing in j, so JW >= min_score needs
    // j >= (min_score - l*p) / (1 - l*p) when boosted, j >= min_score otherwise; the weaker of
    // the two is a safe cutoff for Jaro. With l*p >= 1 every boosted score is at least 1, so
    // only j <= boost_threshold can fall short: the cutoff is then the weaker of min_score and
    // boost_threshold.
    // Margins keep rounding from rejecting a pair whose JW equals min_score (a lower cutoff
    // only costs time). The error of (min_score - lp) / (1 - lp) grows as 1 / (1 - lp), so its
    // margin grows with it.
    double jaro_min = 0.0;
    if (min_score > 0.0) {
        const double boosted =
            lp < 1.0 ? (min_score - lp - 1e-9) / (1.0 - lp) : boost_threshold - 1e-9;
        jaro_min = std::max(0.0, std::min(min_score - 1e-9, boosted));
    }
    const double j = jaro_impl(a, b, jaro_min);
    double jw = j;
    if (j > boost_threshold) {
        jw = j + lp * (1.0 - j);
    }
    return jw < min_score ? 0.0 : jw;
}

// Plain dynamic programming (Wagner and Fischer 1974), one row, with the cutoff: row minima never
// decrease, so once a row's minimum exceeds `max` the distance does.
template <class C>
std::size_t levenshtein_dp(std::basic_string_view<C> a, std::basic_string_view<C> b,
                           std::size_t max) {
    if (a.size() < b.size()) {
        std::swap(a, b);
    }
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        std::size_t row_min = row[0];
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            const std::size_t sub = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({up + 1, row[j - 1] + 1, sub});
            diag = up;
            row_min = std::min(row_min, row[j]);
        }
        if (row_min > max) {
            return max + 1;
        }
    }
    return std::min(row[b.size()], max == no_distance_cutoff ? row[b.size()] : max + 1);
}

// Pattern-match masks for the bit-parallel algorithm: for each distinct symbol of the pattern
// (at most 64), a 64-bit mask of its positions. ASCII/char uses a direct table; code points use
// a small open-addressing table.
template <class C>
class peq_table;

template <>
class peq_table<char> {
public:
    explicit peq_table(std::string_view p) noexcept {
        for (std::size_t i = 0; i < p.size(); ++i) {
            masks_[static_cast<unsigned char>(p[i])] |= std::uint64_t{1} << i;
        }
    }
    [[nodiscard]] std::uint64_t operator[](char c) const noexcept {
        return masks_[static_cast<unsigned char>(c)];
    }

private:
    std::array<std::uint64_t, 256> masks_{};
};

template <>
class peq_table<char32_t> {
public:
    // The table has the smallest power-of-two size >= 2 * |p| (at least 8), so a short name
    // touches only a few slots and only those are initialised.
    explicit peq_table(std::u32string_view p) noexcept {
        while (mask_ + 1 < 2 * p.size()) {
            mask_ = 2 * mask_ + 1;
        }
        for (std::size_t s = 0; s <= mask_; ++s) {
            used_[s] = false;
            masks_[s] = 0;
        }
        for (std::size_t i = 0; i < p.size(); ++i) {
            std::size_t s = slot(p[i]);
            while (used_[s] && keys_[s] != p[i]) {
                s = (s + 1) & mask_;
            }
            used_[s] = true;
            keys_[s] = p[i];
            masks_[s] |= std::uint64_t{1} << i;
        }
    }
    [[nodiscard]] std::uint64_t operator[](char32_t c) const noexcept {
        std::size_t s = slot(c);
        while (used_[s]) {
            if (keys_[s] == c) {
                return masks_[s];
            }
            s = (s + 1) & mask_;
        }
        return 0;
    }

private:
    [[nodiscard]] std::size_t slot(char32_t c) const noexcept {
        // Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4): the top bits of c * 2^32/phi.
        return static_cast<std::size_t>((static_cast<std::uint32_t>(c) * 2654435761u) >> 16) &
               mask_;
    }
    std::size_t mask_ = 7; // table size - 1; at most 127 since |p| <= 64
    std::array<std::uint64_t, 128> masks_;
    std::array<char32_t, 128> keys_;
    std::array<bool, 128> used_;
};

// Myers (1999), "A fast bit-vector algorithm for approximate string matching based on dynamic
// programming", in the formulation of Hyyrö (2001), "Explaining and extending the bit-parallel
// approximate string matching algorithm of Myers", for the global edit distance (a 1 shifted
// into the horizontal positive deltas). `p` is the shorter string, 1 <= |p| <= 64.
// Stops with max + 1 once the last row's value minus the columns left exceeds `max`: adjacent
// cells differ by at most 1, so the distance cannot come back under it.
template <class C>
std::size_t levenshtein_myers(std::basic_string_view<C> p, std::basic_string_view<C> t,
                              std::size_t max) {
    const peq_table<C> peq(p);
    const std::size_t m = p.size();
    const std::uint64_t last = std::uint64_t{1} << (m - 1);
    std::uint64_t pv = ~std::uint64_t{0};
    std::uint64_t mv = 0;
    std::size_t score = m;
    std::size_t left = t.size();
    for (const C c : t) {
        --left;
        const std::uint64_t eq = peq[c];
        const std::uint64_t xv = eq | mv;
        const std::uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
        std::uint64_t ph = mv | ~(xh | pv);
        std::uint64_t mh = pv & xh;
        if ((ph & last) != 0) {
            ++score;
        } else if ((mh & last) != 0) {
            --score;
        }
        ph = (ph << 1) | 1u;
        mh <<= 1;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
        if (score > max && score - max > left) {
            return max + 1;
        }
    }
    return score;
}

template <class C>
std::size_t levenshtein_impl(std::basic_string_view<C> a, std::basic_string_view<C> b,
                             std::size_t max) {
    if (a.size() < b.size()) {
        std::swap(a, b);
    }
    const std::size_t diff = a.size() - b.size();
    if (diff > max) {
        return max + 1;
    }
    if (b.empty()) {
        return a.size();
    }
    if (b.size() <= 64) {
        const std::size_t d = levenshtein_myers(b, a, max);
        return d > max ? max + 1 : d;
    }
    return levenshtein_dp(a, b, max);
}

// Bit-parallel optimal string alignment: Hyyrö (2003), "A bit-vector algorithm for computing
// Levenshtein and Damerau edit distances", Nordic Journal of Computing 10(1): Myers' recurrence
// with a transposition vector TR = ((~D0 & PM[c]) << 1) & PM[previous c]. `p` is the shorter
// string, 1 <= |p| <= 64.
template <class C>
std::size_t osa_hyyro(std::basic_string_view<C> p, std::basic_string_view<C> t, std::size_t max) {
    const peq_table<C> peq(p);
    const std::size_t m = p.size();
    const std::uint64_t last = std::uint64_t{1} << (m - 1);
    std::uint64_t vp = ~std::uint64_t{0};
    std::uint64_t vn = 0;
    std::uint64_t d0 = 0;
    std::uint64_t pm_prev = 0;
    std::size_t score = m;
    std::size_t left = t.size();
    for (const C c : t) {
        --left;
        const std::uint64_t pm = peq[c];
        const std::uint64_t tr = ((~d0 & pm) << 1) & pm_prev;
        d0 = (((pm & vp) + vp) ^ vp) | pm | vn | tr;
        std::uint64_t hp = vn | ~(d0 | vp);
        std::uint64_t hn = d0 & vp;
        if ((hp & last) != 0) {
            ++score;
        } else if ((hn & last) != 0) {
            --score;
        }
        hp = (hp << 1) | 1u;
        hn <<= 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
        pm_prev = pm;
        if (score > max && score - max > left) {
            return max + 1;
        }
    }
    return score;
}

// Optimal string alignment (restricted edit distance): Levenshtein plus the transposition of two
// adjacent symbols, no substring edited twice (Damerau 1964; see Boytsov 2011 for the name).
template <class C>
std::size_t osa_impl(std::basic_string_view<C> a, std::basic_string_view<C> b, std::size_t max,
                     bool bit_parallel = true) {
    if (a.size() < b.size()) {
        std::swap(a, b);
    }
    if (a.size() - b.size() > max) {
        return max + 1;
    }
    if (b.empty()) {
        return a.size();
    }
    if (bit_parallel && b.size() <= 64) {
        const std::size_t d = osa_hyyro(b, a, max);
        return d > max ? max + 1 : d;
    }
    const std::size_t n = b.size();
    std::vector<std::size_t> prev2(n + 1), prev(n + 1), cur(n + 1);
    for (std::size_t j = 0; j <= n; ++j) {
        prev[j] = j;
    }
    std::size_t prev_min = 0;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        std::size_t row_min = i;
        for (std::size_t j = 1; j <= n; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            std::size_t v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                v = std::min(v, prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = std::min(row_min, v);
        }
        // Row i+1 is at least min(row i, row i-1 + 1): two rows above `max` end it.
        if (row_min > max && prev_min > max) {
            return max + 1;
        }
        prev_min = row_min;
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return prev[n] > max ? max + 1 : prev[n];
}

// True Damerau-Levenshtein distance (unrestricted transpositions), the algorithm of Lowrance
// and Wagner (1975), "An extension of the string-to-string correction problem", with the
// alphabet mapped to small integers through a sorted table of the symbols of both strings.
template <class C>
std::size_t damerau_impl(std::basic_string_view<C> a, std::basic_string_view<C> b,
                         std::size_t max) {
    const std::size_t la = a.size();
    const std::size_t lb = b.size();
    const std::size_t diff = la > lb ? la - lb : lb - la;
    if (diff > max) {
        return max + 1;
    }
    std::vector<C> alphabet(a.begin(), a.end());
    alphabet.insert(alphabet.end(), b.begin(), b.end());
    std::sort(alphabet.begin(), alphabet.end());
    alphabet.erase(std::unique(alphabet.begin(), alphabet.end()), alphabet.end());
    const auto index = [&](C c) {
        return static_cast<std::size_t>(std::lower_bound(alphabet.begin(), alphabet.end(), c) -
                                        alphabet.begin());
    };
    std::vector<std::size_t> da(alphabet.size(), 0);
    const std::size_t w = lb + 2;
    std::vector<std::size_t> d((la + 2) * w);
    const auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * w + j]; };
    const std::size_t inf = la + lb;
    at(0, 0) = inf;
    for (std::size_t i = 0; i <= la; ++i) {
        at(i + 1, 0) = inf;
        at(i + 1, 1) = i;
    }
    for (std::size_t j = 0; j <= lb; ++j) {
        at(0, j + 1) = inf;
        at(1, j + 1) = j;
    }
    for (std::size_t i = 1; i <= la; ++i) {
        std::size_t db = 0;
        for (std::size_t j = 1; j <= lb; ++j) {
            const std::size_t k = da[index(b[j - 1])];
            const std::size_t l = db;
            std::size_t cost = 1;
            if (a[i - 1] == b[j - 1]) {
                cost = 0;
                db = j;
            }
            at(i + 1, j + 1) = std::min({at(i, j) + cost, at(i + 1, j) + 1, at(i, j + 1) + 1,
                                         at(k, l) + (i - k - 1) + 1 + (j - l - 1)});
        }
        da[index(a[i - 1])] = i;
    }
    const std::size_t r = at(la + 1, lb + 1);
    return r > max ? max + 1 : r;
}

} // namespace detail

/// Jaro similarity in [0, 1] (Jaro 1989; match window max(0, floor(max(|a|,|b|)/2) - 1)).
/// 1 for two empty strings, 0 when one is empty. O(|a| * window); allocates only above 64
/// symbols.
[[nodiscard]] inline double jaro(std::u32string_view a, std::u32string_view b) {
    return detail::jaro_impl(a, b, 0.0);
}
/// jaro() on chars (ASCII or folded text).
[[nodiscard]] inline double jaro(std::string_view a, std::string_view b) {
    return detail::jaro_impl(a, b, 0.0);
}

/// Jaro with a cutoff: the score when it is at least `min_score`, else 0. Stops as soon as the
/// count of matches shows that `min_score` cannot be reached.
[[nodiscard]] inline double jaro_at_least(std::u32string_view a, std::u32string_view b,
                                          double min_score) {
    return detail::jaro_impl(a, b, min_score);
}
/// jaro_at_least() on chars.
[[nodiscard]] inline double jaro_at_least(std::string_view a, std::string_view b,
                                          double min_score) {
    return detail::jaro_impl(a, b, min_score);
}

/// Jaro-Winkler similarity (Winkler 1990, US Census Bureau): j + l * prefix_scale * (1 - j),
/// l = common prefix length capped at `max_prefix`, applied only when j > boost_threshold.
/// The defaults (0.1, 4, 0.7) are Winkler's; with them the Census examples of docs/identity.md
/// are reproduced exactly. Keep prefix_scale * max_prefix <= 1 for a result in [0, 1].
[[nodiscard]] inline double jaro_winkler(std::u32string_view a, std::u32string_view b,
                                         double prefix_scale = 0.1, std::size_t max_prefix = 4,
                                         double boost_threshold = 0.7) {
    return detail::jaro_winkler_impl(a, b, prefix_scale, max_prefix, boost_threshold, 0.0);
}
/// jaro_winkler() on chars.
[[nodiscard]] inline double jaro_winkler(std::string_view a, std::string_view b,
                                         double prefix_scale = 0.1, std::size_t max_prefix = 4,
                                         double boost_threshold = 0.7) {
    return detail::jaro_winkler_impl(a, b, prefix_scale, max_prefix, boost_threshold, 0.0);
}

/// Jaro-Winkler with a cutoff: the score when it is at least `min_score`, else 0; gives up early
/// (before counting transpositions, or before matching at all when the lengths alone rule it
/// out). Equal to jaro_winkler() whenever that is >= min_score.
[[nodiscard]] inline double jaro_winkler_at_least(std::u32string_view a, std::u32string_view b,
                                                  double min_score, double prefix_scale = 0.1,
                                                  std::size_t max_prefix = 4,
                                                  double boost_threshold = 0.7) {
    return detail::jaro_winkler_impl(a, b, prefix_scale, max_prefix, boost_threshold, min_score);
}
/// jaro_winkler_at_least() on chars.
[[nodiscard]] inline double jaro_winkler_at_least(std::string_view a, std::string_view b,
                                                  double min_score, double prefix_scale = 0.1,
                                                  std::size_t max_prefix = 4,
                                                  double boost_threshold = 0.7) {
    return detail::jaro_winkler_impl(a, b, prefix_scale, max_prefix, boost_threshold, min_score);
}

/// Levenshtein distance (insertions, deletions, substitutions). With `max`, returns max + 1 as
/// soon as the distance is known to exceed `max` (so `levenshtein(a, b, 1) <= 1` tests "at most
/// one edit"). Bit-parallel (Myers/Hyyrö) when the shorter string has at most 64 symbols:
/// O(|longer|), no allocation; otherwise O(|a| * |b|) time, O(min) memory.
[[nodiscard]] inline std::size_t levenshtein(std::u32string_view a, std::u32string_view b,
                                             std::size_t max = no_distance_cutoff) {
    return detail::levenshtein_impl(a, b, max);
}
/// levenshtein() on chars.
[[nodiscard]] inline std::size_t levenshtein(std::string_view a, std::string_view b,
                                             std::size_t max = no_distance_cutoff) {
    return detail::levenshtein_impl(a, b, max);
}

/// Levenshtein by the plain dynamic programme, for tests and as a benchmark baseline.
/// O(|a| * |b|).
[[nodiscard]] inline std::size_t levenshtein_plain(std::u32string_view a, std::u32string_view b,
                                                   std::size_t max = no_distance_cutoff) {
    if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > max) {
        return max + 1;
    }
    return detail::levenshtein_dp(a, b, max);
}
/// levenshtein_plain() on chars.
[[nodiscard]] inline std::size_t levenshtein_plain(std::string_view a, std::string_view b,
                                                   std::size_t max = no_distance_cutoff) {
    if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > max) {
        return max + 1;
    }
    return detail::levenshtein_dp(a, b, max);
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions, no substring
/// edited twice; not a metric: the triangle inequality fails). max + 1 above `max`.
/// Bit-parallel (Hyyrö 2003) when the shorter string has at most 64 symbols: O(|longer|), no
/// allocation; otherwise O(|a| * |b|) time, O(min) memory.
[[nodiscard]] inline std::size_t osa_distance(std::u32string_view a, std::u32string_view b,
                                              std::size_t max = no_distance_cutoff) {
    return detail::osa_impl(a, b, max);
}
/// osa_distance() on chars.
[[nodiscard]] inline std::size_t osa_distance(std::string_view a, std::string_view b,
                                              std::size_t max = no_distance_cutoff) {
    return detail::osa_impl(a, b, max);
}

/// osa_distance() by the plain dynamic programme, for tests and as a benchmark baseline.
/// O(|a| * |b|).
[[nodiscard]] inline std::size_t osa_distance_plain(std::u32string_view a, std::u32string_view b,
                                                    std::size_t max = no_distance_cutoff) {
    return detail::osa_impl(a, b, max, false);
}
/// osa_distance_plain() on chars.
[[nodiscard]] inline std::size_t osa_distance_plain(std::string_view a, std::string_view b,
                                                    std::size_t max = no_distance_cutoff) {
    return detail::osa_impl(a, b, max, false);
}

/// True (unrestricted) Damerau-Levenshtein distance (Lowrance and Wagner 1975), a metric.
/// max + 1 above `max` (checked from the lengths first, then at the end). O(|a| * |b|) time and
/// memory.
[[nodiscard]] inline std::size_t damerau_levenshtein(std::u32string_view a, std::u32string_view b,
                                                     std::size_t max = no_distance_cutoff) {
    return detail::damerau_impl(a, b, max);
}
/// damerau_levenshtein() on chars.
[[nodiscard]] inline std::size_t damerau_levenshtein(std::string_view a, std::string_view b,
                                                     std::size_t max = no_distance_cutoff) {
    return detail::damerau_impl(a, b, max);
}

CBPQ_END_NAMESPACE

#endif
