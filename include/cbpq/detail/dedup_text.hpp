// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DETAIL_DEDUP_TEXT_HPP
#define CBPQ_DETAIL_DEDUP_TEXT_HPP

// Small text helpers of the duplicate engine, over text already folded by identity.hpp
// (lower case, one space between tokens).

#include "dedup_adapter.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

CBPQ_BEGIN_NAMESPACE
namespace detail::dedup {

inline bool equal_ignoring_spaces(std::string_view a, std::string_view b) noexcept {
    std::size_t i = 0, j = 0;
    for (;;) {
        while (i < a.size() && a[i] == ' ') {
            ++i;
        }
        while (j < b.size() && b[j] == ' ') {
            ++j;
        }
        if (i == a.size() || j == b.size()) {
            return i == a.size() && j == b.size();
        }
        if (a[i] != b[j]) {
            return false;
        }
        ++i;
        ++j;
    }
}

// Jaro-Winkler (similarity.hpp), 1 for equal strings without computing.
inline double similarity(std::string_view a, std::string_view b) noexcept {
    if (a == b) {
        return 1.0;
    }
    return jaro_winkler_cp(a, b);
}

// Jaro-Winkler of a1+a2 against b1+b2 with spaces removed ("garcia lopez" ~ "garcialopez").
inline double joined_similarity(std::string_view a1, std::string_view a2, std::string_view b1,
                                std::string_view b2) {
    std::array<char, 128> x{}, y{};
    std::size_t nx = 0, ny = 0;
    auto put = [](std::array<char, 128>& buf, std::size_t& n, std::string_view s) {
        for (const char c : s) {
            if (c != ' ' && n < buf.size()) {
                buf[n++] = c;
            }
        }
    };
    put(x, nx, a1);
    put(x, nx, a2);
    put(y, ny, b1);
    put(y, ny, b2);
    return similarity(std::string_view(x.data(), nx), std::string_view(y.data(), ny));
}

// Optimal string alignment distance, capped: returns max + 1 as soon as it must exceed max.
inline std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t max) {
    const std::size_t la = a.size(), lb = b.size();
    if ((la > lb ? la - lb : lb - la) > max) {
        return max + 1;
    }
    return std::min(osa_cp(a, b, max), max + 1);
}

// Orders ids: decimal integers numerically (leading zeros ignored), before other text;
// other text byte by byte.
inline int compare_id_text(std::string_view a, std::string_view b) noexcept {
    auto numeric = [](std::string_view s) {
        return !s.empty() &&
               std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    const bool na = numeric(a), nb = numeric(b);
    if (na != nb) {
        return na ? -1 : 1;
    }
    if (na) {
        while (a.size() > 1 && a.front() == '0') {
            a.remove_prefix(1);
        }
        while (b.size() > 1 && b.front() == '0') {
            b.remove_prefix(1);
        }
        if (a.size() != b.size()) {
            return a.size() < b.size() ? -1 : 1;
        }
    }
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// 'f', 'm', 'x' or 0 from what people write (folded, upper-case text): f/female/mujer/
// femenino/feminino/femme/fanm/zhenskii; m/male/hombre/masculino/homme/gason/muzhskoi; any
// other text is 'x'.
inline char normalize_sex(std::string_view upper) noexcept {
    if (upper.empty()) {
        return 0;
    }
    char buf[16];
    if (upper.size() > sizeof buf) {
        return 'x';
    }
    for (std::size_t i = 0; i < upper.size(); ++i) {
        const char c = upper[i];
        buf[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    const std::string_view folded(buf, upper.size());
    constexpr std::string_view female[] = {"f",     "female", "mujer",    "femenino", "feminino",
                                           "femme", "fanm",   "fi",       "zhenskii", "zh",
                                           "w",     "woman",  "femenina", "feminina"};
    constexpr std::string_view male[] = {"m",     "male",  "hombre",   "masculino",
                                         "homme", "gason", "nonm",     "muzhskoi",
                                         "man",   "h",     "masculina"};
    for (const auto w : female) {
        if (folded == w) {
            return 'f';
        }
    }
    for (const auto w : male) {
        if (folded == w) {
            return 'm';
        }
    }
    return 'x';
}

} // namespace detail::dedup
CBPQ_END_NAMESPACE

#endif
