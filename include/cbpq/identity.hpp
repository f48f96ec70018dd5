// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_IDENTITY_HPP
#define CBPQ_IDENTITY_HPP

/// \file
/// Identity normalisation: the canonical forms that duplicate detection compares. UTF-8
/// validation, folding of names to upper-case ASCII (diacritics, letters that do not decompose,
/// Cyrillic by ICAO Doc 9303), Hispanic name structure, a Spanish phonetic key, phones to E.164,
/// e-mail addresses, identity documents and device ids. Every function is pure and allocates
/// only its result; there is no global state. docs/identity.md gives the tables, the rules and
/// why each is safe.

#include "detail/unicode_tables.hpp"
#include "detail/unicode_utf8.hpp"
#include "error.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE

// ---------------------------------------------------------------------------------------------
// UTF-8

/// What to do with ill-formed UTF-8. `strict` throws invalid_input naming the record, the field,
/// the byte offset and the kind of error; `replace` substitutes U+FFFD for each maximal subpart
/// of an ill-formed sequence (Unicode 14.0 section 3.9), so "a\xC3(b" reads as "a\uFFFD(b".
enum class utf8_errors { strict, replace };

namespace detail {

[[noreturn]] inline void throw_utf8_error(std::string_view record, std::string_view field,
                                          std::size_t offset, utf8_fault fault) {
    throw_invalid_input(std::string(record), std::string(field),
                        "invalid UTF-8 at byte offset " + std::to_string(offset) + ": " +
                            std::string(utf8_fault_text(fault)));
}

// Calls f(code point) for each code point of `text`.
template <class F>
void for_each_code_point(std::string_view text, utf8_errors policy, std::string_view record,
                         std::string_view field, F&& f) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            f(static_cast<char32_t>(c));
            ++i;
            continue;
        }
        const utf8_step st = utf8_next(text, i);
        if (st.fault != utf8_fault::none) {
            if (policy == utf8_errors::strict) {
                throw_utf8_error(record, field, i, st.fault);
            }
            f(char32_t{0xFFFD});
        } else {
            f(st.cp);
        }
        i += st.size;
    }
}

} // namespace detail

/// Decodes UTF-8 (RFC 3629) into code points, rejecting overlong forms, surrogates, values above
/// U+10FFFF, stray continuation bytes and truncated sequences. With `utf8_errors::strict` (the
/// default) throws invalid_input(record, field, "invalid UTF-8 at byte offset N: ...") at the
/// first error; with `utf8_errors::replace` substitutes U+FFFD per maximal subpart. O(n).
/// Strong guarantee.
[[nodiscard]] inline std::u32string decode_utf8(std::string_view text,
                                                utf8_errors policy = utf8_errors::strict,
                                                std::string_view record = {},
                                                std::string_view field = {}) {
    std::u32string out;
    out.reserve(text.size());
    detail::for_each_code_point(text, policy, record, field,
                                [&](char32_t cp) { out.push_back(cp); });
    return out;
}

/// True when `text` is well-formed UTF-8. O(n); noexcept.
[[nodiscard]] inline bool is_valid_utf8(std::string_view text) noexcept {
    return detail::utf8_valid(text);
}

/// Encodes code points as UTF-8. Surrogates and values above U+10FFFF are not scalar values and
/// are written as U+FFFD. O(n). Strong guarantee.
[[nodiscard]] inline std::string encode_utf8(std::u32string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t cp : text) {
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            cp = 0xFFFD;
        }
        detail::utf8_append(out, cp);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Folding

namespace detail {

enum class fold_class : unsigned char { letters, separator, drop, keep };

struct fold_result {
    fold_class kind;
    std::string_view letters; // for fold_class::letters
};

inline constexpr std::string_view ascii_upper_letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
inline constexpr std::string_view ascii_digits = "0123456789";

constexpr fold_result fold_ascii(char32_t cp) noexcept {
    if (cp >= 'a' && cp <= 'z') {
        return {fold_class::letters, ascii_upper_letters.substr(cp - 'a', 1)};
    }
    if (cp >= 'A' && cp <= 'Z') {
        return {fold_class::letters, ascii_upper_letters.substr(cp - 'A', 1)};
    }
    if (cp >= '0' && cp <= '9') {
        return {fold_class::letters, ascii_digits.substr(cp - '0', 1)};
    }
    // Apostrophes join ("O'Brien" -> OBRIEN, "D'Angelo" -> DANGELO); everything else, hyphens
    // included, separates ("Perez-Garcia" -> PEREZ GARCIA).
    if (cp == '\'' || cp == '`') {
        return {fold_class::drop, {}};
    }
    return {fold_class::separator, {}};
}

constexpr fold_result fold_code_point(char32_t cp) noexcept {
    if (cp < 0x80) {
        return fold_ascii(cp);
    }
    if (cp < 0xA0) { // C1 controls
        return {fold_class::separator, {}};
    }
    if (cp < 0xC0) {
        if (cp == 0xAA) {
            return {fold_class::letters, "A"};
        }
        if (cp == 0xBA) {
            return {fold_class::letters, "O"};
        }
        if (cp == 0xB4 || cp == 0xAD) { // acute accent used as an apostrophe; soft hyphen
            return {fold_class::drop, {}};
        }
        return {fold_class::separator, {}};
    }
    if (cp < 0x250) {
        const std::string_view m = latin_c0_24f[cp - 0xC0];
        if (m.empty()) {
            return {fold_class::keep, {}};
        }
        if (m == " ") {
            return {fold_class::separator, {}};
        }
        return {fold_class::letters, m};
    }
    if (cp < 0x2B0) { // IPA extensions: kept
        return {fold_class::keep, {}};
    }
    if (cp < 0x300) { // spacing modifier letters: apostrophe-like ones and stray accents vanish
        return {fold_class::drop, {}};
    }
    if (cp < 0x370) { // combining diacritical marks
        return {fold_class::drop, {}};
    }
    if (cp < 0x400) {
        if (cp == 0x37E || cp == 0x387) { // Greek question mark and ano teleia
            return {fold_class::separator, {}};
        }
        if (cp == 0x374 || cp == 0x375 || cp == 0x37A || cp == 0x384 || cp == 0x385) {
            return {fold_class::drop, {}}; // numeral signs, spacing tonos and dialytika
        }
        const std::string_view m = greek_370_3ff[cp - 0x370];
        return m.empty() ? fold_result{fold_class::keep, {}} : fold_result{fold_class::letters, m};
    }
    if (cp >= 0x400 && cp < 0x460) {
        const std::size_t idx =
            cp < 0x430 ? cp - 0x400 : (cp < 0x450 ? cp - 0x430 + 0x10 : cp - 0x450);
        const std::string_view m = cyrillic_400_42f[idx];
        if (m == "-") {
            return {fold_class::drop, {}};
        }
        return {fold_class::letters, m};
    }
    if (cp >= 0x460 && cp < 0x530) {
        if (cp >= 0x483 && cp <= 0x489) { // combining Cyrillic marks
            return {fold_class::drop, {}};
        }
        const std::string_view m = cyrillic_460_52f[cp - 0x460];
        return m.empty() ? fold_result{fold_class::keep, {}} : fold_result{fold_class::letters, m};
    }
    if (cp >= 0x530 && cp < 0x590) {
        if (cp == 0x55A) { // Armenian apostrophe
            return {fold_class::drop, {}};
        }
        if ((cp >= 0x55B && cp <= 0x55F) || cp == 0x589 || cp == 0x58A) {
            return {fold_class::separator, {}};
        }
        const std::string_view m = armenian_530_58f[cp - 0x530];
        return m.empty() ? fold_result{fold_class::keep, {}} : fold_result{fold_class::letters, m};
    }
    if ((cp >= 0x1AB0 && cp < 0x1B00) || (cp >= 0x1DC0 && cp < 0x1E00) ||
        (cp >= 0x20D0 && cp < 0x2100) || (cp >= 0xFE20 && cp < 0xFE30)) {
        return {fold_class::drop, {}}; // more combining marks
    }
    if (cp >= 0x1E00 && cp < 0x1F00) {
        const std::string_view m = latin_1e00_1eff[cp - 0x1E00];
        if (m.empty()) {
            return {fold_class::keep, {}};
        }
        return {fold_class::letters, m};
    }
    if (cp >= 0x2000 && cp < 0x2070) {
        if (cp == 0x2018 || cp == 0x2019 || cp == 0x201B || cp == 0x2032) {
            return {fold_class::drop, {}}; // typographic apostrophes and the prime
        }
        if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060) {
            return {fold_class::drop, {}}; // zero-width characters
        }
        return {fold_class::separator, {}};
    }
    if (cp == 0x1680 || cp == 0x3000 || cp == 0x3001 || cp == 0x3002) {
        return {fold_class::separator, {}};
    }
    if (cp == 0xFEFF) {
        return {fold_class::drop, {}};
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E) { // full-width ASCII
        return fold_ascii(cp - 0xFEE0);
    }
    return {fold_class::keep, {}};
}

} // namespace detail

namespace detail {

// What fold() does with each ASCII byte: the upper-case letter or digit it writes, or one of
// the two markers below (fold_ascii() in table form, for the folding loop's fast path).
inline constexpr char ascii_fold_separator = 0;
inline constexpr char ascii_fold_drop = 1;
inline constexpr std::array<char, 128> ascii_fold_table = [] {
    std::array<char, 128> t{};
    for (std::size_t b = 0; b < 128; ++b) {
        const fold_result r = fold_ascii(static_cast<char32_t>(b));
        t[b] = r.kind == fold_class::letters ? r.letters[0]
               : r.kind == fold_class::drop  ? ascii_fold_drop
                                             : ascii_fold_separator;
    }
    return t;
}();

// The folding loop. Runs of ASCII bytes, the common case, are found 8 bytes at a time and
// folded through ascii_fold_table straight into `out`'s buffer (grown once per run: a run of k
// bytes writes at most k letters and k spaces, a space only before a letter); other code points
// go through the decoder and fold_code_point().
inline void fold_append(std::string_view utf8, std::string& out, utf8_errors policy,
                        std::string_view record, std::string_view field) {
    bool pending_space = false;
    std::size_t i = 0;
    const std::size_t n = utf8.size();
    while (i < n) {
        const std::size_t end = ascii_run(utf8, i);
        if (end != i) {
            std::size_t w = out.size();
            out.resize(w + 2 * (end - i));
            char* const p = out.data();
            for (; i < end; ++i) {
                const char c = ascii_fold_table[static_cast<unsigned char>(utf8[i])];
                if (c == ascii_fold_separator) {
                    pending_space = true;
                } else if (c != ascii_fold_drop) {
                    if (pending_space && w != 0) {
                        p[w++] = ' ';
                    }
                    pending_space = false;
                    p[w++] = c;
                }
            }
            out.resize(w);
            if (i == n) {
                break;
            }
        }
        const utf8_step st = utf8_next(utf8, i);
        char32_t cp = st.cp;
        if (st.fault != utf8_fault::none) {
            if (policy == utf8_errors::strict) {
                throw_utf8_error(record, field, i, st.fault);
            }
            cp = 0xFFFD;
        }
        i += st.size;
        const fold_result r = fold_code_point(cp);
        if (r.kind == fold_class::separator) {
            pending_space = true;
            continue;
        }
        if (r.kind == fold_class::drop) {
            continue;
        }
        if (pending_space && !out.empty()) {
            out.push_back(' ');
        }
        pending_space = false;
        if (r.kind == fold_class::letters) {
            out.append(r.letters);
        } else {
            utf8_append(out, cp);
        }
    }
}

} // namespace detail

/// Folds text for comparison: upper-case ASCII letters and digits, words separated by one space,
/// no leading or trailing space. Lower case becomes upper case; diacritics are dropped
/// (José -> JOSE, Núñez -> NUNEZ, Gonçalves -> GONCALVES); letters that do not decompose use a
/// written table (ß -> SS, Æ -> AE, Ø -> O, Đ -> D, Ł -> L, Œ -> OE, ı -> I, Þ -> TH);
/// Cyrillic is transliterated by ICAO Doc 9303 before any mark is dropped (Й -> I, Щ -> SHCH,
/// Ь dropped); apostrophes (' ` ´ ’ ʼ) are deleted so that O'Brien is OBRIEN; hyphens, other
/// punctuation, controls and every kind of space separate words. Letters of other scripts
/// (Greek, Arabic, Han ...) are kept unchanged, so different names in them stay different.
/// Invalid UTF-8 follows `policy` as in decode_utf8. O(n). Strong guarantee.
[[nodiscard]] inline std::string fold(std::string_view utf8,
                                      utf8_errors policy = utf8_errors::strict,
                                      std::string_view record = {}, std::string_view field = {}) {
    std::string out;
    out.reserve(utf8.size());
    detail::fold_append(utf8, out, policy, record, field);
    return out;
}

/// fold() into `out` (cleared first), reusing its capacity: for loops over many records.
/// O(n). Basic guarantee: on invalid UTF-8 under utf8_errors::strict it throws and `out` holds
/// an unspecified prefix.
inline void fold_into(std::string_view utf8, std::string& out,
                      utf8_errors policy = utf8_errors::strict, std::string_view record = {},
                      std::string_view field = {}) {
    out.clear();
    detail::fold_append(utf8, out, policy, record, field);
}

/// fold() as code points, for the similarity functions. O(n). Strong guarantee.
[[nodiscard]] inline std::u32string fold32(std::string_view utf8,
                                           utf8_errors policy = utf8_errors::strict,
                                           std::string_view record = {},
                                           std::string_view field = {}) {
    return decode_utf8(fold(utf8, policy, record, field), utf8_errors::replace);
}

/// Splits folded text at its spaces. O(n). Strong guarantee.
[[nodiscard]] inline std::vector<std::string> split_words(std::string_view folded) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < folded.size()) {
        while (i < folded.size() && folded[i] == ' ') {
            ++i;
        }
        std::size_t j = i;
        while (j < folded.size() && folded[j] != ' ') {
            ++j;
        }
        if (j > i) {
            words.emplace_back(folded.substr(i, j - i));
        }
        i = j;
    }
    return words;
}

// ---------------------------------------------------------------------------------------------
// Names

/// A person's name split into folded words (see fold()). Particles (DE, DEL, LA, LOS, LAS, DA,
/// DAS, DO, DOS, DI, DU, VAN, VON, DER, DEN) are dropped when a word follows them, so
/// "María de los Ángeles" gives the given words MARIA ANGELES and "de la Cruz" the surname CRUZ;
/// the conjunction Y (Spanish) or E (Portuguese) between two surnames is dropped; a final
/// "de" + surname after another surname ("López de García") is a married name and goes to
/// `married`, not `surnames` ("Vda." or "viuda" before it is dropped). Generational suffixes
/// (JR, SR, II ...) are kept: father and son must not become one name. Hyphens separate words, so
/// "Pérez-García" and "Pérez García" parse alike; surname_variants() also joins them so
/// "PEREZGARCIA" compares equal.
struct name_parts {
    std::vector<std::string> given;    ///< given-name words, in order
    std::vector<std::string> surnames; ///< surnames (paternal then maternal, as written)
    std::vector<std::string> married;  ///< surnames added by marriage ("de García")

    /// True when no word was found.
    [[nodiscard]] bool empty() const noexcept {
        return given.empty() && surnames.empty() && married.empty();
    }
    friend bool operator==(const name_parts&, const name_parts&) = default;
};

namespace detail {

inline bool is_name_particle(std::string_view w) noexcept {
    constexpr std::array<std::string_view, 15> particles = {"DE", "DEL", "LA",  "LAS", "LOS",
                                                            "DA", "DAS", "DO",  "DOS", "DI",
                                                            "DU", "VAN", "VON", "DER", "DEN"};
    if (w.size() < 2 || w.size() > 3) { // every particle has two or three letters
        return false;
    }
    return std::find(particles.begin(), particles.end(), w) != particles.end();
}

struct name_group {
    std::string_view word;
    std::size_t particles = 0;  // how many particles preceded the word
    bool after_bare_de = false; // the particles were exactly "DE"
};

struct grouped_name {
    std::vector<name_group> groups;
    std::size_t conjunction = 0; // index of the group after a dropped Y/E; 0 = none
};

inline std::vector<std::string_view> split_word_views(std::string_view folded) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < folded.size()) {
        while (i < folded.size() && folded[i] == ' ') {
            ++i;
        }
        std::size_t j = i;
        while (j < folded.size() && folded[j] != ' ') {
            ++j;
        }
        if (j > i) {
            words.push_back(folded.substr(i, j - i));
        }
        i = j;
    }
    return words;
}

// `min_before`: how many groups must precede a Y/E for it to count as a conjunction (an initial
// "Y." in "Juan Y. Perez" must survive); 0 = no conjunctions (given names).
inline grouped_name group_name_words(std::string_view folded, std::size_t min_before) {
    const std::vector<std::string_view> words = split_word_views(folded);
    grouped_name g;
    g.groups.reserve(words.size());
    std::size_t particles = 0;
    bool only_de = true;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string_view w = words[i];
        const bool last = i + 1 == words.size();
        if (min_before > 0 && (w == "Y" || w == "E") && particles == 0 &&
            g.groups.size() >= min_before && !last) {
            g.conjunction = g.groups.size();
            continue;
        }
        if (!last && is_name_particle(w)) {
            only_de = particles == 0 && w == "DE";
            ++particles;
            continue;
        }
        g.groups.push_back(name_group{w, particles, particles == 1 && only_de});
        particles = 0;
        only_de = true;
    }
    return g;
}

inline bool is_married_group(const name_group& g) { return g.after_bare_de; }

// "Vda." / "viuda" (widow) written before a married "de" + surname: not a surname.
inline bool is_widow_word(const name_group& g) {
    return g.particles == 0 && (g.word == "VDA" || g.word == "VIUDA");
}

} // namespace detail

/// parse_name() on text already folded by fold() (fold is idempotent, so folding again would
/// only cost time). O(n). Strong guarantee.
[[nodiscard]] inline name_parts parse_folded_name(std::string_view given_folded,
                                                  std::string_view surname_folded) {
    name_parts out;
    const auto g = detail::group_name_words(given_folded, 0);
    for (const auto& grp : g.groups) {
        out.given.emplace_back(grp.word);
    }
    const auto s = detail::group_name_words(surname_folded, 1);
    std::size_t n = s.groups.size();
    if (n >= 2 && detail::is_married_group(s.groups[n - 1]) && s.conjunction != n - 1) {
        out.married.emplace_back(s.groups[n - 1].word);
        --n;
        if (n >= 2 && detail::is_widow_word(s.groups[n - 1])) {
            --n;
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        out.surnames.emplace_back(s.groups[i].word);
    }
    return out;
}

/// Parses a name given as separate given-name and surname fields (UTF-8; folded here).
/// O(n). Strong guarantee; throws invalid_input on invalid UTF-8 (fields "given", "surname").
[[nodiscard]] inline name_parts parse_name(std::string_view given, std::string_view surname) {
    return parse_folded_name(fold(given, utf8_errors::strict, {}, "given"),
                             fold(surname, utf8_errors::strict, {}, "surname"));
}

/// parse_full_name() on text already folded by fold(). There is no comma left in folded text,
/// so the "SURNAMES, GIVEN" form is not recognised here; use parse_full_name() for it.
/// O(n). Strong guarantee.
[[nodiscard]] inline name_parts parse_folded_full_name(std::string_view full_folded) {
    name_parts out;
    const auto g = detail::group_name_words(full_folded, 2);
    std::size_t n = g.groups.size();
    if (n >= 3 && detail::is_married_group(g.groups[n - 1]) && g.conjunction != n - 1) {
        out.married.emplace_back(g.groups[n - 1].word);
        --n;
        if (n >= 3 && detail::is_widow_word(g.groups[n - 1])) {
            --n;
        }
    }
    std::size_t first_surname = 0;
    if (g.conjunction != 0 && g.conjunction < n) {
        first_surname = g.conjunction - 1;
    } else if (n >= 3) {
        first_surname = n - 2;
    } else if (n == 2) {
        first_surname = 1;
    }
    for (std::size_t i = 0; i < n; ++i) {
        (i < first_surname ? out.given : out.surnames).emplace_back(g.groups[i].word);
    }
    return out;
}

/// Parses a name written in one field (UTF-8; folded here). "SURNAMES, GIVEN NAMES" when there
/// is a comma; otherwise the Hispanic order, given names then two surnames: a final "de" + word
/// after at least two words is a married surname; a Y/E after at least two words joins the
/// surname before it to the one after it; else with three or more words the last two are
/// surnames, with two the last one, with one it is a surname. "Juan Carlos Pérez" therefore
/// reads as JUAN + CARLOS PEREZ: the order-free name_key() makes that harmless for matching.
/// O(n). Strong guarantee; throws invalid_input on invalid UTF-8 (field "full_name").
[[nodiscard]] inline name_parts parse_full_name(std::string_view full) {
    const std::size_t comma = full.find(',');
    if (comma != std::string_view::npos) {
        return parse_name(full.substr(comma + 1), full.substr(0, comma));
    }
    return parse_folded_full_name(fold(full, utf8_errors::strict, {}, "full_name"));
}

/// A canonical key of a name: the given and surname words (not the married ones), sorted and
/// joined by one space. Equal for swapped surnames, for given and surnames written in each
/// other's field, and for a full name split differently. O(w log w). Strong guarantee.
[[nodiscard]] inline std::string name_key(const name_parts& name) {
    std::vector<std::string> words = name.given;
    words.insert(words.end(), name.surnames.begin(), name.surnames.end());
    std::sort(words.begin(), words.end());
    std::string key;
    for (const auto& w : words) {
        if (!key.empty()) {
            key += ' ';
        }
        key += w;
    }
    return key;
}

/// How a surname variant was derived from the surnames as written.
enum class surname_change {
    as_written,   ///< all surnames, in order
    swapped,      ///< all surnames, in reverse order
    first_only,   ///< the first (paternal) surname alone
    last_only,    ///< the last (maternal) surname alone
    with_married, ///< the surnames followed by the married surname
    married_only, ///< the married surname alone
};

/// One way of writing a person's surnames, as the words concatenated without separators (so a
/// hyphenated, spaced or joined form gives the same text).
struct surname_variant {
    std::string text;
    surname_change change;
    friend bool operator==(const surname_variant&, const surname_variant&) = default;
};

/// The surname variants a rule compares: as written, swapped, each one alone, with and as the
/// married surname; distinct texts only, the first derivation kept (in the order of
/// surname_change). Empty when there are no surnames. O(total length). Strong guarantee.
[[nodiscard]] inline std::vector<surname_variant> surname_variants(const name_parts& name) {
    std::vector<surname_variant> out;
    const auto add = [&](std::string text, surname_change change) {
        if (text.empty()) {
            return;
        }
        for (const auto& v : out) {
            if (v.text == text) {
                return;
            }
        }
        out.push_back(surname_variant{std::move(text), change});
    };
    const auto& s = name.surnames;
    std::string all;
    for (const auto& w : s) {
        all += w;
    }
    add(all, surname_change::as_written);
    if (s.size() >= 2) {
        std::string rev;
        for (std::size_t i = s.size(); i-- > 0;) {
            rev += s[i];
        }
        add(rev, surname_change::swapped);
        add(s.front(), surname_change::first_only);
        add(s.back(), surname_change::last_only);
    }
    if (!name.married.empty()) {
        std::string married;
        for (const auto& w : name.married) {
            married += w;
        }
        add(all + married, surname_change::with_married);
        add(married, surname_change::married_only);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Phonetic key

/// A phonetic key for Spanish (and Portuguese, Haitian Creole) names, for blocking: spellings
/// that sound alike in Latin American Spanish get the same key. Input is folded text (fold());
/// each word is keyed separately (joined by a space); letters of other scripts that fold()
/// kept are copied unchanged (so names in them do not all share one empty key); digits and
/// ASCII punctuation are ignored.
/// Rules, left to right: H is silent; CH and SH -> C (one code for both); C before E/I/Y -> S,
/// else K; QU -> K, Q -> K; K -> K; Z -> S (seseo); B, V, W -> B; G before E/I/Y -> J; GU before
/// E/I/Y -> G; X at the start before a vowel -> J (Ximena), else KS; LL, LH and Y before a
/// vowel -> Y; Y elsewhere -> I; PH -> F; TH -> T; then runs of one code collapse (RR -> R,
/// SS -> S, AA -> A). Vowels are kept: they separate names like GARCIA and GARZA.
/// O(n). Strong guarantee.
namespace detail {

// The key of one word of letters (A..Z and bytes of other scripts), appended to `out`.
inline void phonetic_word(const char* letters, std::size_t n, std::string& out) {
    if (n == 0) {
        return;
    }
    if (!out.empty()) {
        out += ' ';
    }
    // Each letter writes at most two codes (X -> KS): the room is made once and the codes are
    // written through a pointer.
    const std::size_t start = out.size();
    out.resize(start + 2 * n);
    char* const p = out.data();
    std::size_t w = start;
    const auto at = [&](std::size_t k) { return k < n ? letters[k] : '\0'; };
    const auto vowel = [](char c) {
        return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
    };
    const auto front = [](char c) { return c == 'E' || c == 'I' || c == 'Y'; };
    const auto emit = [&](char c) {
        if (w == start || p[w - 1] != c) {
            p[w++] = c;
        }
    };
    std::size_t i = 0;
    while (i < n) {
        const char c = letters[i];
        const char nx = at(i + 1);
        std::size_t step = 1;
        switch (c) {
        case 'A':
        case 'E':
        case 'I':
        case 'O':
        case 'U':
            emit(c);
            break;
        case 'B':
        case 'V':
        case 'W':
            emit('B');
            break;
        case 'C':
            if (nx == 'H') {
                emit('C');
                step = 2;
            } else if (front(nx)) {
                emit('S');
            } else if (nx != 'K') {
                emit('K');
            }
            break;
        case 'G':
            if (front(nx)) {
                emit('J');
            } else if (nx == 'U' && front(at(i + 2))) {
                emit('G');
                step = 2;
            } else {
                emit('G');
            }
            break;
        case 'H':
            break;
        case 'L':
            if (nx == 'L' || nx == 'H') {
                emit('Y');
                step = 2;
            } else {
                emit('L');
            }
            break;
        case 'P':
            if (nx == 'H') {
                emit('F');
                step = 2;
            } else {
                emit('P');
            }
            break;
        case 'Q':
            emit('K');
            if (nx == 'U') {
                step = 2;
            }
            break;
        case 'S':
            if (nx == 'H') {
                emit('C');
                step = 2;
            } else {
                emit('S');
            }
            break;
        case 'T':
            emit('T');
            if (nx == 'H') {
                step = 2;
            }
            break;
        case 'X':
            if (i == 0 && vowel(nx)) {
                emit('J');
            } else {
                emit('K');
                emit('S');
            }
            break;
        case 'Y':
            emit(vowel(nx) ? 'Y' : 'I');
            break;
        case 'Z':
            emit('S');
            break;
        default:
            if (static_cast<unsigned char>(c) >= 0x80) {
                p[w++] = c; // a letter of another script: copied, never collapsed
            } else {
                emit(c);
            }
            break;
        }
        i += step;
    }
    out.resize(w);
}

// phonetic_key() into `out` (cleared first, its buffer reused). A word already made of
// letters only (what fold() writes) is keyed where it lies; others (lower case, digits,
// punctuation) are first filtered into a small buffer, so no temporary string is built.
inline void phonetic_key_to(std::string_view folded, std::string& out) {
    out.clear();
    const auto letter = [](unsigned char c) { return (c >= 'A' && c <= 'Z') || c >= 0x80; };
    std::size_t i = 0;
    const std::size_t n = folded.size();
    std::string long_word;
    while (i < n) {
        while (i < n && folded[i] == ' ') {
            ++i;
        }
        const std::size_t start = i;
        bool plain = true;
        while (i < n && folded[i] != ' ') {
            plain = plain && letter(static_cast<unsigned char>(folded[i]));
            ++i;
        }
        if (plain) {
            phonetic_word(folded.data() + start, i - start, out);
            continue;
        }
        char small[64];
        char* buf = small;
        if (i - start > sizeof small) {
            long_word.resize(i - start);
            buf = long_word.data();
        }
        std::size_t k = 0;
        for (std::size_t j = start; j < i; ++j) {
            char c = folded[j];
            if (c >= 'a' && c <= 'z') {
                c = static_cast<char>(c - 'a' + 'A');
            }
            if (letter(static_cast<unsigned char>(c))) {
                buf[k++] = c;
            }
        }
        phonetic_word(buf, k, out);
    }
}

} // namespace detail

[[nodiscard]] inline std::string phonetic_key(std::string_view folded) {
    std::string out;
    detail::phonetic_key_to(folded, out);
    return out;
}

namespace detail {

struct country_code_pair {
    std::string_view alpha2;
    std::string_view alpha3;
};

// ISO 3166-1 codes of the countries CBP One users came from most, plus neighbours.
inline constexpr std::array<country_code_pair, 34> document_countries = {{
    {"MX", "MEX"}, {"HT", "HTI"}, {"VE", "VEN"}, {"CU", "CUB"}, {"HN", "HND"}, {"GT", "GTM"},
    {"SV", "SLV"}, {"NI", "NIC"}, {"CO", "COL"}, {"EC", "ECU"}, {"PE", "PER"}, {"BR", "BRA"},
    {"AR", "ARG"}, {"RU", "RUS"}, {"US", "USA"}, {"CA", "CAN"}, {"DO", "DOM"}, {"CL", "CHL"},
    {"BO", "BOL"}, {"PA", "PAN"}, {"CR", "CRI"}, {"ES", "ESP"}, {"UY", "URY"}, {"PY", "PRY"},
    {"UA", "UKR"}, {"BY", "BLR"}, {"KZ", "KAZ"}, {"UZ", "UZB"}, {"TR", "TUR"}, {"CN", "CHN"},
    {"IN", "IND"}, {"AF", "AFG"}, {"GH", "GHA"}, {"SN", "SEN"},
}};

} // namespace detail

// ---------------------------------------------------------------------------------------------
// Phones

/// The numbering facts normalize_phone() relies on for one country (ITU-T E.164 and the national
/// plans notified to the ITU; docs/identity.md cites each).
struct phone_plan {
    std::string_view region;                       ///< ISO 3166-1 alpha-2
    std::string_view country_code;                 ///< E.164 country calling code
    std::string_view trunk;                        ///< national trunk prefix, "" when none
    unsigned char min_length;                      ///< shortest national significant number
    unsigned char max_length;                      ///< longest national significant number
    std::array<std::string_view, 3> international; ///< international call prefixes; '?' = any digit
};

/// The countries with per-country rules. Numbers of other countries are accepted in
/// international form ("+" or a known international prefix) when they have 8 to 15 digits.
inline constexpr std::array<phone_plan, 22> phone_plans = {{
    {"MX", "52", "", 10, 10, {"00", "", ""}},    {"US", "1", "1", 10, 10, {"011", "", ""}},
    {"CA", "1", "1", 10, 10, {"011", "", ""}},   {"DO", "1", "1", 10, 10, {"011", "", ""}},
    {"HT", "509", "", 8, 8, {"00", "", ""}},     {"VE", "58", "0", 10, 10, {"00", "", ""}},
    {"CU", "53", "0", 6, 8, {"119", "00", ""}},  {"HN", "504", "", 8, 8, {"00", "", ""}},
    {"GT", "502", "", 8, 8, {"00", "", ""}},     {"SV", "503", "", 8, 8, {"00", "", ""}},
    {"NI", "505", "", 8, 8, {"00", "", ""}},     {"CO", "57", "0", 10, 10, {"00?", "", ""}},
    {"EC", "593", "0", 8, 9, {"00", "", ""}},    {"PE", "51", "0", 8, 9, {"00", "", ""}},
    {"BR", "55", "0", 10, 11, {"00??", "", ""}}, {"AR", "54", "0", 10, 11, {"00", "", ""}},
    {"RU", "7", "8", 10, 10, {"810", "00", ""}}, {"CL", "56", "", 9, 9, {"00", "", ""}},
    {"BO", "591", "0", 8, 8, {"00", "", ""}},    {"PA", "507", "", 7, 8, {"00", "", ""}},
    {"CR", "506", "", 8, 8, {"00", "", ""}},     {"ES", "34", "", 9, 9, {"00", "", ""}},
}};

namespace detail {

// a == b for the short codes of the phone plans (regions, prefixes), compared character by
// character: the library's memcmp call cost more than the comparison for two bytes.
constexpr bool code_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

// Joins pieces into one string. (Also sidesteps a GCC 12 -Wrestrict false positive on
// `"+" + std::string(...)` chains.)
inline std::string concat(std::initializer_list<std::string_view> parts) {
    std::size_t n = 0;
    for (const auto p : parts) {
        n += p.size();
    }
    std::string out;
    out.reserve(n);
    for (const auto p : parts) {
        out.append(p);
    }
    return out;
}

// A region as ISO 3166-1 alpha-2 or alpha-3 (any case), or a country calling code ("52",
// "+52"; "1" reads as the NANP and "7" as Russia, whose rules cover their neighbours).
inline const phone_plan* find_phone_plan(std::string_view region) noexcept {
    while (!region.empty() && region.front() == ' ') {
        region.remove_prefix(1);
    }
    while (!region.empty() && region.back() == ' ') {
        region.remove_suffix(1);
    }
    if (!region.empty() && region.front() == '+') {
        region.remove_prefix(1);
    }
    if (!region.empty() &&
        std::all_of(region.begin(), region.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        for (const auto& p : phone_plans) {
            if (p.country_code == region) {
                return &p;
            }
        }
        return nullptr;
    }
    if (region.size() != 2 && region.size() != 3) {
        return nullptr;
    }
    char r[3] = {};
    for (std::size_t i = 0; i < region.size(); ++i) {
        char c = region[i];
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
        r[i] = c;
    }
    std::string_view alpha2(r, 2);
    if (region.size() == 3) {
        const std::string_view alpha3(r, 3);
        alpha2 = {};
        for (const auto& c : document_countries) {
            if (code_equal(c.alpha3, alpha3)) {
                alpha2 = c.alpha2;
            }
        }
    }
    for (const auto& p : phone_plans) {
        if (code_equal(p.region, alpha2)) {
            return &p;
        }
    }
    return nullptr;
}

inline const phone_plan* find_plan_by_code(std::string_view digits) noexcept {
    for (const auto& p : phone_plans) {
        if (code_equal(digits.substr(0, p.country_code.size()), p.country_code)) {
            return &p;
        }
    }
    return nullptr;
}

inline bool starts_with(std::string_view s, std::string_view p) noexcept {
    return s.substr(0, p.size()) == p;
}

inline bool match_prefix(std::string_view digits, std::string_view pattern) noexcept {
    if (pattern.empty() || digits.size() < pattern.size()) {
        return false;
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '?' && pattern[i] != digits[i]) {
            return false;
        }
    }
    return true;
}

// Argentina: mobile numbers are dialled area + "15" + subscriber nationally and "9" + area +
// subscriber internationally; area codes have 2 to 4 digits and area + subscriber 10 digits.
inline std::string argentina_mobile(std::string n) {
    if (n.size() == 12) {
        for (std::size_t k = 2; k <= 4; ++k) {
            if (n[k] == '1' && n[k + 1] == '5') {
                return concat(
                    {"9", std::string_view(n).substr(0, k), std::string_view(n).substr(k + 2)});
            }
        }
    }
    if (n.size() == 13 && n[0] == '9') {
        for (std::size_t k = 3; k <= 5; ++k) {
            if (n[k] == '1' && n[k + 1] == '5') {
                return n.substr(0, k) + n.substr(k + 2);
            }
        }
    }
    return n;
}

// Per-country clean-up of a national significant number (after the country code, or after the
// trunk prefix); `national` = dialled inside the country. The legacy forms are rewritten first,
// then a trunk prefix written after the country code is removed, and only then are the
// per-country validity rules checked, so that they see the number without the trunk.
inline std::optional<std::string> fix_national_number(const phone_plan& plan, std::string n) {
    const std::string_view r = plan.region;
    const bool nanp = code_equal(r, "US") || code_equal(r, "CA") || code_equal(r, "DO");
    const bool br = code_equal(r, "BR");
    const bool ar = code_equal(r, "AR");
    if (code_equal(r, "MX")) {
        if (n.size() == 11 && n[0] == '1') { // +52 1 (mobile, abolished 2019)
            n.erase(0, 1);
        }
    } else if (br) {
        if (n.size() == 10 && n[2] >= '6') { // mobile written before the ninth digit (2012-2016)
            n.insert(2, 1, '9');
        }
    } else if (ar) {
        n = argentina_mobile(std::move(n));
    } else if (code_equal(r, "RU")) {
        if (n.size() == 11 && (n[0] == '8' || n[0] == '7')) {
            n.erase(0, 1);
        }
    } else if (code_equal(r, "CO")) {
        if (n.size() == 8 && n[0] >= '1' && n[0] <= '8') { // (area) + 7 digits -> 60 + area
            n.insert(0, "60");
        }
    }
    // A trunk prefix written after the country code ("+55 0 11 ..."): strip when too long.
    if (!plan.trunk.empty() && n.size() > plan.max_length && starts_with(n, plan.trunk)) {
        n.erase(0, plan.trunk.size());
    }
    if (nanp) {
        if (n.size() == 10 && (n[0] < '2' || n[3] < '2')) { // NANP: NXX NXX XXXX, N = 2..9
            return std::nullopt;
        }
    } else if (br) {
        if (n.size() >= 2 && (n[0] == '0' || n[1] == '0')) { // area codes are 11..99 without 0
            return std::nullopt;
        }
    } else if (ar) {
        if (n.size() == 11 && n[0] != '9') { // an 11-digit NSN is 9 + mobile
            return std::nullopt;
        }
    }
    if (n.size() < plan.min_length || n.size() > plan.max_length || n[0] == '0') {
        return std::nullopt;
    }
    return n;
}

inline std::optional<std::string> international_number(std::string_view d) {
    if (d.empty() || d[0] == '0') {
        return std::nullopt;
    }
    if (const phone_plan* p = find_plan_by_code(d)) {
        auto n = fix_national_number(*p, std::string(d.substr(p->country_code.size())));
        if (!n) {
            return std::nullopt;
        }
        return concat({"+", p->country_code, *n});
    }
    if (d.size() < 8 || d.size() > 15) { // E.164: at most 15 digits
        return std::nullopt;
    }
    return concat({"+", d});
}

inline std::optional<std::string> national_number(const phone_plan& plan, std::string d) {
    const std::string_view r = plan.region;
    if (code_equal(r, "MX")) {
        // 044/045 (mobile, local/long distance) and 01 (long distance) prefixes, abolished
        // 3 August 2019 (IFT numbering plan).
        if (d.size() == 13 && (starts_with(d, "044") || starts_with(d, "045"))) {
            d.erase(0, 3);
        } else if (d.size() == 12 && starts_with(d, "01")) {
            d.erase(0, 2);
        }
    } else if (code_equal(r, "BR")) {
        if (d.size() == 11 + 3 && d[0] == '0') { // 0 + carrier (2 digits) + area + 9 digits
            d.erase(0, 3);
        } else if (d.size() == 10 + 3 && d[0] == '0' && d[3] != '0' && d[5] >= '2') {
            d.erase(0, 3); // 0 + carrier + area + 8 digits
        }
    } else if (code_equal(r, "CO")) {
        if (d.size() == 12 && starts_with(d, "03")) { // 03 + mobile, dialled from fixed lines
            d.erase(0, 2);
        }
    } else if (code_equal(r, "RU")) {
        if (d.size() == 11 && d[0] == '7') { // "7 916 ..." written without the plus
            d.erase(0, 1);
        }
    } else if (code_equal(r, "US") || code_equal(r, "CA") || code_equal(r, "DO")) {
        if (d.size() == 11 && d[0] == '1') {
            d.erase(0, 1);
        }
    }
    if (!plan.trunk.empty() && starts_with(d, plan.trunk) && d.size() > plan.min_length) {
        d.erase(0, plan.trunk.size());
    }
    if (d.empty()) {
        return std::nullopt;
    }
    auto n = fix_national_number(plan, std::move(d));
    if (!n) {
        return std::nullopt;
    }
    return concat({"+", plan.country_code, *n});
}

} // namespace detail

/// A phone number in E.164 form ("+525562000000"), or nullopt when it cannot be one.
/// `raw` may hold digits, spaces, dashes, dots, slashes and parentheses, a leading "+", and an
/// extension after "ext", "x", "#" or ";" (dropped); any other character gives nullopt.
/// `default_region` (ISO 3166-1 alpha-2 or alpha-3, any case, or a calling code such as "52"
/// or "+52") says how to read numbers without "+": its
/// international prefixes, trunk prefix, legacy forms and lengths (phone_plans; Mexico's
/// 044/045/01 and +52 1 forms, Argentina's 15 and 9, Brazil's carrier codes and ninth digit,
/// Colombia's 03 and 60 forms ...); digits that are not a valid national number but start with
/// the region's country code are read as if "+" preceded them. Without a known region only
/// numbers starting with "+" or 00 are read.
/// O(n). Strong guarantee; does not throw on bad numbers.
[[nodiscard]] inline std::optional<std::string> normalize_phone(std::string_view raw,
                                                                std::string_view default_region) {
    std::string d;
    bool plus = false;
    bool seen_digit = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c >= '0' && c <= '9') {
            d += c;
            seen_digit = true;
        } else if (c == '+') {
            if (seen_digit || plus) {
                return std::nullopt;
            }
            plus = true;
        } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' ||
                   c == '\t') {
            continue;
        } else if (c == '#' || c == ';' || c == 'x' || c == 'X' || c == 'e' || c == 'E') {
            const std::string_view rest = raw.substr(i);
            if (c == 'e' || c == 'E') {
                if (rest.size() < 3 || (rest[1] != 'x' && rest[1] != 'X') ||
                    (rest[2] != 't' && rest[2] != 'T')) {
                    return std::nullopt;
                }
            }
            if (!seen_digit) {
                return std::nullopt;
            }
            break;
        } else {
            return std::nullopt;
        }
    }
    if (d.empty()) {
        return std::nullopt;
    }
    if (plus) {
        return detail::international_number(d);
    }
    const phone_plan* plan = detail::find_phone_plan(default_region);
    if (plan == nullptr) {
        // Without a region only the ITU-recommended international prefix 00 can be read.
        if (d.size() > 2 && d[0] == '0' && d[1] == '0') {
            return detail::international_number(std::string_view(d).substr(2));
        }
        return std::nullopt;
    }
    for (const std::string_view prefix : plan->international) {
        if (detail::match_prefix(d, prefix) && d.size() > prefix.size()) {
            return detail::international_number(std::string_view(d).substr(prefix.size()));
        }
    }
    if (auto national = detail::national_number(*plan, d)) {
        return national;
    }
    // The country code written without "+" ("52 55 6200 0000"): read only when the digits are
    // not a valid national number, so no valid national number is ever reinterpreted.
    if (detail::starts_with(d, plan->country_code)) {
        return detail::international_number(d);
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// E-mail

namespace detail {

// normalize_email() into `s` (its buffer reused), editing the lower-cased text in place.
inline void normalize_email_to(std::string_view raw, std::string& s) {
    const auto space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!raw.empty() && space(raw.front())) {
        raw.remove_prefix(1);
    }
    while (!raw.empty() && space(raw.back())) {
        raw.remove_suffix(1);
    }
    s.assign(raw);
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    const std::size_t at = s.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == s.size() ||
        s.find('@', at + 1) != std::string::npos || std::any_of(s.begin(), s.end(), space)) {
        return;
    }
    const std::string_view domain = std::string_view(s).substr(at + 1);
    if (domain.find('.') == std::string_view::npos || domain.front() == '.' ||
        domain.back() == '.') {
        return;
    }
    const auto in = [&](std::initializer_list<std::string_view> list) {
        return std::find(list.begin(), list.end(), domain) != list.end();
    };
    // The end of the local part after cutting a tag at the first `sep` (not at its start).
    const auto cut_at = [&](char sep) {
        const std::size_t k = std::string_view(s.data(), at).find(sep);
        return k != std::string_view::npos && k > 0 ? k : at;
    };
    if (in({"gmail.com", "googlemail.com"})) {
        const std::size_t end = cut_at('+');
        std::size_t w = 0;
        for (std::size_t r = 0; r < end; ++r) {
            if (s[r] != '.') {
                ++w;
            }
        }
        if (w == 0) {
            return; // an empty local part: the text unchanged
        }
        w = 0;
        for (std::size_t r = 0; r < end; ++r) {
            if (s[r] != '.') {
                s[w++] = s[r];
            }
        }
        s.resize(w);
        s += "@gmail.com";
    } else if (in({"outlook.com",    "hotmail.com",    "live.com",       "msn.com",
                   "outlook.es",     "hotmail.es",     "hotmail.fr",     "live.fr",
                   "outlook.fr",     "hotmail.it",     "hotmail.co.uk",  "live.co.uk",
                   "hotmail.de",     "outlook.de",     "live.com.mx",    "hotmail.com.mx",
                   "outlook.com.mx", "hotmail.com.br", "outlook.com.br", "live.com.ar",
                   "hotmail.com.ar", "live.cl",        "hotmail.cl",     "live.com.pe",
                   "hotmail.ca",     "live.ca",        "passport.com",   "icloud.com",
                   "me.com",         "mac.com",        "proton.me",      "protonmail.com",
                   "protonmail.ch",  "pm.me",          "fastmail.com",   "fastmail.fm",
                   "yandex.ru",      "yandex.com",     "ya.ru",          "zohomail.com",
                   "zoho.com",       "gmx.com",        "gmx.net",        "gmx.de"})) {
        s.erase(cut_at('+'), at - cut_at('+'));
    } else if (in({"yahoo.com", "yahoo.es", "yahoo.fr", "yahoo.co.uk", "yahoo.com.mx",
                   "yahoo.com.br", "yahoo.com.ar", "yahoo.com.ve", "yahoo.com.co", "yahoo.com.pe",
                   "yahoo.ca", "ymail.com", "rocketmail.com"})) {
        s.erase(cut_at('-'), at - cut_at('-'));
    }
}

} // namespace detail

/// The canonical form of an e-mail address: trimmed and lower-cased (ASCII), then per provider:
/// gmail.com and googlemail.com drop dots and a "+tag" from the local part and become gmail.com;
/// Outlook/Hotmail/Live/MSN, iCloud/me/mac, Proton, Fastmail, Yandex, Zoho and GMX drop a
/// "+tag"; Yahoo, ymail and rocketmail drop a "-tag". Other domains keep their local part as
/// written (a custom domain may route dots and tags to different people). Text that is not an
/// address (no single "@", an empty part, a domain without a dot, a space) is returned trimmed
/// and lower-cased, unchanged otherwise, so it still compares equal to itself only.
/// O(n). Strong guarantee.
[[nodiscard]] inline std::string normalize_email(std::string_view raw) {
    std::string out;
    detail::normalize_email_to(raw, out);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Documents and devices

namespace detail {

inline std::string compact_folded(std::string_view text, std::string_view field) {
    std::string f = fold(text, utf8_errors::strict, {}, field);
    f.erase(std::remove(f.begin(), f.end(), ' '), f.end());
    return f;
}

inline std::string canonical_document_type(std::string t) {
    constexpr std::array<std::string_view, 8> passport = {
        "P", "PASSPORT", "PASAPORTE", "PASSAPORTE", "PASSEPORT", "PASPO", "PASPORT", "PASPORTE"};
    if (std::find(passport.begin(), passport.end(), t) != passport.end()) {
        return "PASSPORT";
    }
    return t;
}

inline std::string canonical_country(std::string c) {
    if (c.size() == 2) {
        for (const auto& p : document_countries) {
            if (p.alpha2 == c) {
                return std::string(p.alpha3);
            }
        }
    }
    return c;
}

} // namespace detail

/// The key of an identity document: "TYPE:COUNTRY:NUMBER". Each part is folded (fold()) and has
/// every space and punctuation mark removed, so "AB-123 456.7" is AB1234567. Passport spellings
/// (P, passport, pasaporte, passaporte, passeport, paspò) become PASSPORT; other types stay as
/// written (DNI, CEDULA, CURP ...). Countries in ISO 3166-1 alpha-2 become alpha-3, as in the
/// machine-readable zone (MX -> MEX); others stay as written. The letters O and I are NOT
/// replaced by 0 and 1 (real numbers mix letters and digits, and a merge here would be an
/// automatic cancellation); document_confusable_key() does that for review rules. Returns ""
/// when the number is empty after cleaning, so blank numbers never match each other.
/// O(n). Strong guarantee; throws invalid_input on invalid UTF-8.
[[nodiscard]] inline std::string normalize_document(std::string_view type, std::string_view country,
                                                    std::string_view number) {
    std::string n = detail::compact_folded(number, "document");
    if (n.empty()) {
        return {};
    }
    const std::string t =
        detail::canonical_document_type(detail::compact_folded(type, "document_type"));
    const std::string c =
        detail::canonical_country(detail::compact_folded(country, "document_country"));
    return detail::concat({t, ":", c, ":", n});
}

/// A looser document key for review rules: normalize_document()'s key with the characters OCR
/// and typists confuse made equal in the number part: O and Q -> 0, I and L -> 1, Z -> 2,
/// S -> 5, B -> 8. Never use it for automatic cancellation. O(n). Strong guarantee.
[[nodiscard]] inline std::string document_confusable_key(std::string_view normalized) {
    std::string out(normalized);
    const std::size_t colon = out.rfind(':');
    for (std::size_t i = colon == std::string::npos ? 0 : colon + 1; i < out.size(); ++i) {
        char& c = out[i];
        switch (c) {
        case 'O':
        case 'Q':
            c = '0';
            break;
        case 'I':
        case 'L':
            c = '1';
            break;
        case 'Z':
            c = '2';
            break;
        case 'S':
            c = '5';
            break;
        case 'B':
            c = '8';
            break;
        default:
            break;
        }
    }
    return out;
}

/// A device id as given, with surrounding white space removed: device ids are opaque, and two
/// that differ in case may be different devices. O(n). Strong guarantee.
[[nodiscard]] inline std::string normalize_device(std::string_view raw) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!raw.empty() && space(raw.front())) {
        raw.remove_prefix(1);
    }
    while (!raw.empty() && space(raw.back())) {
        raw.remove_suffix(1);
    }
    return std::string(raw);
}

CBPQ_END_NAMESPACE

#endif
