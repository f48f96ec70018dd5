// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DETAIL_DEDUP_TEXT_HPP
#define CBPQ_DETAIL_DEDUP_TEXT_HPP

// Small text helpers of the duplicate engine, over text already folded by identity.hpp
// (lower case, one space between tokens).

#include "dedup_adapter.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

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
// Names join in a buffer on the stack; longer ones (hundreds of bytes) on the heap.
inline double joined_similarity(std::string_view a1, std::string_view a2, std::string_view b1,
                                std::string_view b2) {
    constexpr std::size_t room = 128;
    const auto join = [](std::string_view s1, std::string_view s2, char* buf,
                         std::string& heap) -> std::string_view {
        if (s1.size() + s2.size() > room) {
            heap.clear();
            for (const std::string_view s : {s1, s2}) {
                for (const char c : s) {
                    if (c != ' ') {
                        heap += c;
                    }
                }
            }
            return heap;
        }
        std::size_t n = 0;
        for (const std::string_view s : {s1, s2}) {
            for (const char c : s) {
                if (c != ' ') {
                    buf[n++] = c;
                }
            }
        }
        return {buf, n};
    };
    char x[room], y[room];
    std::string long_x, long_y;
    return similarity(join(a1, a2, x, long_x), join(b1, b2, y, long_y));
}

// The number of code points in valid UTF-8 (the bytes that do not continue a sequence): the
// length the comparisons' minimum lengths count, which is the byte length for ASCII.
inline std::size_t code_point_count(std::string_view s) noexcept {
    std::size_t n = 0;
    for (const char c : s) {
        n += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
    }
    return n;
}

// The optimal string alignment distance of two ASCII strings if it is 0 or 1, else 2, in one
// pass: distance 1 is one substitution, one insertion or deletion, or one transposition of
// adjacent symbols, and each must sit at the first position where the strings differ.
inline std::size_t osa_within_one(std::string_view a, std::string_view b) noexcept {
    if (a.size() < b.size()) {
        std::swap(a, b);
    }
    if (a.size() - b.size() > 1) {
        return 2;
    }
    std::size_t i = 0;
    while (i < b.size() && a[i] == b[i]) {
        ++i;
    }
    if (a.size() != b.size()) { // one deletion from a, at i
        return a.substr(i + 1) == b.substr(i) ? 1 : 2;
    }
    if (i == a.size()) {
        return 0;
    }
    if (a.substr(i + 1) == b.substr(i + 1)) { // one substitution
        return 1;
    }
    if (i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
        a.substr(i + 2) == b.substr(i + 2)) { // one transposition
        return 1;
    }
    return 2;
}

// Optimal string alignment distance on code points, capped: returns max + 1 as soon as it must
// exceed max. On ASCII text the lengths decide first, and with max <= 1 (document numbers) the
// one-pass check above replaces the bit-parallel matrix. (Byte lengths say nothing about the
// distance of other text: "AAéC" is 5 bytes to "AAC"'s 3, yet one edit away.)
inline std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t max) {
    if (!is_ascii(a) || !is_ascii(b)) {
        return std::min(osa_cp(a, b, max), max + 1);
    }
    const std::size_t la = a.size(), lb = b.size();
    if ((la > lb ? la - lb : lb - la) > max) {
        return max + 1;
    }
    if (max <= 1) {
        return std::min(osa_within_one(a, b), max + 1);
    }
    return std::min(cbpq::osa_distance(a, b, max), max + 1);
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

// parse_person_name() for separate given and surname fields, in place: `given` and `surname1`
// hold the folded fields on entry; on return they hold the grouped given names and the first
// surname, and `surname2` the other surnames. Kept words are moved left inside their own
// buffer (each lands at or before where it was), so the capacities of the reused strings are
// kept and nothing is allocated for the common one- or two-surname case.
inline void parse_person_name_in_place(std::string& given, std::string& surname1,
                                       std::string& surname2) {
    std::string_view words[16];
    const std::size_t ng = group_folded_words(given, false, words, 16);
    std::size_t len = 0;
    for (std::size_t i = 0; i < ng; ++i) {
        if (i != 0) {
            given[len++] = ' ';
        }
        std::memmove(given.data() + len, words[i].data(), words[i].size());
        len += words[i].size();
    }
    given.resize(len);
    const std::size_t ns = group_folded_words(surname1, true, words, 16);
    surname2.clear();
    for (std::size_t i = 1; i < ns; ++i) {
        if (i != 1) {
            surname2 += ' ';
        }
        surname2 += words[i];
    }
    if (ns == 0) {
        surname1.clear();
    } else {
        std::memmove(surname1.data(), words[0].data(), words[0].size());
        surname1.resize(words[0].size());
    }
}

// The number and country parts of normalize_document_into(), the country from its text
// already folded (fold_text of document_country): compact_folded() of the raw text is that
// fold with its spaces removed, so it is not folded (and checked) a second time.
inline void normalize_document_to(std::string_view number, std::string_view country_folded,
                                  std::string& out_number, std::string& out_country) {
    if (is_ascii(number)) {
        out_number.resize(number.size());
        std::size_t w = 0;
        char* const p = out_number.data();
        for (const char ch : number) {
            if (ch >= 'a' && ch <= 'z') {
                p[w++] = static_cast<char>(ch - 'a' + 'A');
            } else if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) {
                p[w++] = ch;
            }
        }
        out_number.resize(w);
    } else {
        out_number = detail::compact_folded(number, "document");
    }
    out_country.clear();
    for (const char ch : country_folded) {
        if (ch != ' ') {
            out_country += ch;
        }
    }
    if (out_country.size() == 2) {
        for (const auto& c : document_countries) {
            if (detail::code_equal(c.alpha2, out_country)) {
                out_country.assign(c.alpha3);
                break;
            }
        }
    }
}

} // namespace detail::dedup
CBPQ_END_NAMESPACE

#endif
