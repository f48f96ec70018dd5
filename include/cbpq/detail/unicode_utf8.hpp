// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DETAIL_UNICODE_UTF8_HPP
#define CBPQ_DETAIL_UNICODE_UTF8_HPP

// A validating UTF-8 decoder (RFC 3629 section 4; The Unicode Standard 14.0, section 3.9,
// table 3-7 "Well-Formed UTF-8 Byte Sequences"). It reports the first ill-formed subsequence with
// its byte offset and class, or substitutes U+FFFD for each maximal subpart of an ill-formed
// subsequence (the practice recommended by Unicode section 3.9 "U+FFFD Substitution of Maximal
// Subparts", also the one WHATWG's Encoding Standard requires).

#include "../config.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

CBPQ_BEGIN_NAMESPACE
namespace detail {

enum class utf8_fault : unsigned char {
    none,
    unexpected_continuation, // 80..BF where a lead byte was expected
    invalid_lead,            // F8..FF (never valid in UTF-8)
    overlong,                // C0, C1, E0 80..9F, F0 80..8F
    surrogate,               // ED A0..BF (U+D800..U+DFFF)
    too_large,               // F4 90..BF, F5..F7 (above U+10FFFF)
    truncated,               // a lead byte without all its continuation bytes
};

inline constexpr std::string_view utf8_fault_text(utf8_fault f) noexcept {
    switch (f) {
    case utf8_fault::none:
        return "no error";
    case utf8_fault::unexpected_continuation:
        return "unexpected continuation byte";
    case utf8_fault::invalid_lead:
        return "byte that never occurs in UTF-8";
    case utf8_fault::overlong:
        return "overlong encoding";
    case utf8_fault::surrogate:
        return "encoded surrogate (U+D800..U+DFFF)";
    case utf8_fault::too_large:
        return "code point above U+10FFFF";
    case utf8_fault::truncated:
        return "truncated multi-byte sequence";
    }
    return "unknown";
}

struct utf8_step {
    char32_t cp;      // the decoded code point (valid only when fault == none)
    std::size_t size; // bytes consumed: the sequence, or the maximal subpart when faulty
    utf8_fault fault;
};

// The length of the run of ASCII bytes at the start of s[i..], read 8 bytes at a time (most
// bytes of names, phones, e-mails and documents are ASCII). memcpy makes the unaligned load well
// defined.
inline std::size_t ascii_run(std::string_view s, std::size_t i) noexcept {
    const std::size_t n = s.size();
    while (i + 8 <= n) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        if ((w & 0x8080808080808080ULL) != 0) {
            break;
        }
        i += 8;
    }
    while (i < n && static_cast<unsigned char>(s[i]) < 0x80) {
        ++i;
    }
    return i;
}

// Decodes one sequence at s[i] (i < s.size()).
constexpr utf8_step utf8_next(std::string_view s, std::size_t i) noexcept {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        return {b0, 1, utf8_fault::none};
    }
    if (b0 < 0xC0) {
        return {0, 1, utf8_fault::unexpected_continuation};
    }
    if (b0 < 0xC2) {
        return {0, 1, utf8_fault::overlong};
    }
    if (b0 > 0xF7) {
        return {0, 1, utf8_fault::invalid_lead};
    }
    if (b0 > 0xF4) {
        return {0, 1, utf8_fault::too_large};
    }
    const std::size_t len = b0 < 0xE0 ? 2 : (b0 < 0xF0 ? 3 : 4);
    // Allowed range of the second byte (table 3-7).
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    utf8_fault below = utf8_fault::truncated;
    utf8_fault above = utf8_fault::truncated;
    if (b0 == 0xE0) {
        lo = 0xA0;
        below = utf8_fault::overlong;
    } else if (b0 == 0xED) {
        hi = 0x9F;
        above = utf8_fault::surrogate;
    } else if (b0 == 0xF0) {
        lo = 0x90;
        below = utf8_fault::overlong;
    } else if (b0 == 0xF4) {
        hi = 0x8F;
        above = utf8_fault::too_large;
    }
    if (i + 1 >= s.size()) {
        return {0, 1, utf8_fault::truncated};
    }
    const unsigned char b1 = byte(i + 1);
    if (b1 < lo || b1 > hi) {
        const bool continuation = b1 >= 0x80 && b1 <= 0xBF;
        utf8_fault f = utf8_fault::truncated;
        if (continuation) {
            f = b1 < lo ? below : above;
        }
        return {0, 1, f};
    }
    char32_t cp = static_cast<char32_t>(b0 & (len == 2 ? 0x1F : (len == 3 ? 0x0F : 0x07)));
    cp = (cp << 6) | (b1 & 0x3Fu);
    for (std::size_t k = 2; k < len; ++k) {
        if (i + k >= s.size()) {
            return {0, k, utf8_fault::truncated};
        }
        const unsigned char bk = byte(i + k);
        if (bk < 0x80 || bk > 0xBF) {
            return {0, k, utf8_fault::truncated};
        }
        cp = (cp << 6) | (bk & 0x3Fu);
    }
    return {cp, len, utf8_fault::none};
}

// Whether `text` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
[[nodiscard]] inline bool utf8_valid(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size()) {
        i = ascii_run(text, i);
        if (i == text.size()) {
            break;
        }
        const utf8_step st = utf8_next(text, i);
        if (st.fault != utf8_fault::none) {
            return false;
        }
        i += st.size;
    }
    return true;
}

template <class Out>
void utf8_append(Out& out, char32_t cp) {
    using ch = typename Out::value_type;
    if (cp < 0x80) {
        out.push_back(static_cast<ch>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<ch>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<ch>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<ch>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<ch>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<ch>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<ch>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<ch>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<ch>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<ch>(0x80 | (cp & 0x3F)));
    }
}

} // namespace detail
CBPQ_END_NAMESPACE

#endif
