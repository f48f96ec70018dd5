// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DETAIL_DEDUP_ADAPTER_HPP
#define CBPQ_DETAIL_DEDUP_ADAPTER_HPP

// The duplicate engine's only contact with identity.hpp and similarity.hpp: folding, name
// parsing, phonetic keys, phones, e-mails, documents and the string metrics. Kept in one place
// so the engine's compact form does not depend on their container types.

#include "../error.hpp"
#include "../identity.hpp"
#include "../similarity.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

CBPQ_BEGIN_NAMESPACE
namespace detail::dedup {

// The token of `s` starting at or after `pos` (skipping spaces); advances pos past it.
inline std::string_view next_token(std::string_view s, std::size_t& pos) noexcept {
    while (pos < s.size() && s[pos] == ' ') {
        ++pos;
    }
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] != ' ') {
        ++pos;
    }
    return s.substr(start, pos - start);
}

inline bool is_ascii(std::string_view s) noexcept { return detail::ascii_run(s, 0) == s.size(); }

// fold() into `out`, reusing its buffer (fold_append classifies ASCII bytes in place, so no
// separate ASCII pass is needed).
inline void fold_text(std::string_view in, std::string& out, const std::string& record,
                      std::string_view field) {
    out.clear();
    detail::fold_append(in, out, utf8_errors::strict, record, field);
}

// Jaro-Winkler on code points: chars when both are ASCII (folded Latin and Cyrillic are),
// decoded code points otherwise.
inline double jaro_winkler_cp(std::string_view a, std::string_view b) {
    if (is_ascii(a) && is_ascii(b)) {
        return cbpq::jaro_winkler(a, b);
    }
    return cbpq::jaro_winkler(std::u32string_view(decode_utf8(a, utf8_errors::replace)),
                              std::u32string_view(decode_utf8(b, utf8_errors::replace)));
}

// Optimal string alignment distance with a cutoff (max + 1 beyond it).
inline std::size_t osa_cp(std::string_view a, std::string_view b, std::size_t max) {
    if (is_ascii(a) && is_ascii(b)) {
        return cbpq::osa_distance(a, b, max);
    }
    return cbpq::osa_distance(std::u32string_view(decode_utf8(a, utf8_errors::replace)),
                              std::u32string_view(decode_utf8(b, utf8_errors::replace)), max);
}

using cbpq::detail::is_name_particle;

// The parts of a name the engine keeps: given words joined by one space, the first surname,
// and the other surnames joined by one space. Married surnames ("de García") are left out:
// they are added and dropped over a life, so they are no evidence either way.
struct parsed_name {
    std::string given, surname1, surname2;
};

// The word grouping of identity.hpp's parse_name(), on folded text and without allocating:
// particles (DE, DEL, LA ...) before a word are dropped; in surnames a Y or E after at least
// one surname and before another is a conjunction; a final DE + word after another surname is
// a married name, and a "Vda." or "viuda" (widow) just before it is dropped too. Returns the
// number of words kept (at most `max`). The tests check it against parse_name().
inline std::size_t group_folded_words(std::string_view folded, bool surnames,
                                      std::string_view* words, std::size_t max) {
    std::size_t n = 0, total = 0, conjunction = 0;
    std::size_t pending = 0;      // particles waiting for a word
    bool pending_only_de = false; // the waiting particles are exactly one DE
    bool last_married = false;    // the last group is DE + word
    bool last_widow = false;      // the last group is VDA or VIUDA with no particle before it
    bool widow_before = false;    // the same for the group before the last
    std::size_t pos = 0;
    std::string_view next = next_token(folded, pos);
    while (!next.empty()) {
        const std::string_view w = next;
        next = next_token(folded, pos);
        const bool last = next.empty();
        if (surnames && (w == "Y" || w == "E") && pending == 0 && total >= 1 && !last) {
            conjunction = total;
            continue;
        }
        if (is_name_particle(w) && !last) {
            pending_only_de = pending == 0 && w == "DE";
            ++pending;
            continue;
        }
        last_married = pending == 1 && pending_only_de;
        widow_before = last_widow;
        last_widow = pending == 0 && (w == "VDA" || w == "VIUDA");
        pending = 0;
        if (n < max) {
            words[n++] = w;
        }
        ++total;
    }
    if (surnames && total >= 2 && last_married && conjunction != total - 1 && n == total) {
        --n;
        if (n >= 2 && widow_before) {
            --n;
        }
    }
    return n;
}

inline void parse_person_name(std::string_view given_folded, std::string_view surname_folded,
                              std::string_view full_folded, bool use_full, parsed_name& out) {
    out.given.clear();
    out.surname1.clear();
    out.surname2.clear();
    if (use_full) {
        const name_parts parts = parse_full_name(full_folded);
        for (const auto& w : parts.given) {
            out.given += out.given.empty() ? "" : " ";
            out.given += w;
        }
        for (std::size_t i = 0; i < parts.surnames.size(); ++i) {
            std::string& s = i == 0 ? out.surname1 : out.surname2;
            s += s.empty() ? "" : " ";
            s += parts.surnames[i];
        }
        return;
    }
    std::string_view words[16];
    const std::size_t ng = group_folded_words(given_folded, false, words, 16);
    for (std::size_t i = 0; i < ng; ++i) {
        if (i) {
            out.given += ' ';
        }
        out.given += words[i];
    }
    const std::size_t ns = group_folded_words(surname_folded, true, words, 16);
    for (std::size_t i = 0; i < ns; ++i) {
        std::string& s = i == 0 ? out.surname1 : out.surname2;
        if (!s.empty()) {
            s += ' ';
        }
        s += words[i];
    }
}

// E.164 when identity.hpp can read the number; otherwise the digits marked with '?', so that a
// number typed the same way twice still matches itself (and never an E.164 number).
inline void normalize_phone_into(std::string_view in, std::string_view region, std::string& out) {
    out.clear();
    if (in.empty()) {
        return;
    }
    if (auto e164 = normalize_phone(in, region)) {
        out = std::move(*e164);
        return;
    }
    for (const char c : in) {
        if (c >= '0' && c <= '9') {
            out += c;
        }
    }
    if (out.size() < 6) {
        out.clear();
    } else {
        out.insert(out.begin(), '?');
    }
}

// The document number (the part after the last ':' of normalize_document's key) and the
// issuing country (its middle part, ISO alpha-3 where known). The type is not kept: people give
// "P", "passport" or nothing for the same passport.
inline void normalize_document_into(std::string_view number, std::string_view country,
                                    std::string& out_number, std::string& out_country) {
    // normalize_document("", country, number) split at its colons, without building the key:
    // the number part is the compact fold of the number, the country part the canonical
    // compact fold of the country (also when the number is empty).
    out_number.clear();
    if (is_ascii(number)) {
        for (const char ch : number) {
            if (ch >= 'a' && ch <= 'z') {
                out_number += static_cast<char>(ch - 'a' + 'A');
            } else if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) {
                out_number += ch;
            }
        }
    } else {
        out_number = detail::compact_folded(number, "document");
    }
    out_country.clear();
    if (!country.empty()) {
        out_country =
            detail::canonical_country(detail::compact_folded(country, "document_country"));
    }
}

inline void normalize_device_into(std::string_view in, std::string& out) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!in.empty() && space(in.front())) {
        in.remove_prefix(1);
    }
    while (!in.empty() && space(in.back())) {
        in.remove_suffix(1);
    }
    out.assign(in); // normalize_device(), into a reused buffer
}

} // namespace detail::dedup
CBPQ_END_NAMESPACE

#endif
