// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DETAIL_UNICODE_TABLES_HPP
#define CBPQ_DETAIL_UNICODE_TABLES_HPP

// Folding tables for identity.hpp (see docs/identity.md, "Folding tables").
//
// The two Latin tables map each code point to the upper-case ASCII letters a person would type
// for it. They were generated once from the Unicode Character Database 14.0 (Python's
// unicodedata): NFKD decomposition with the combining marks removed, upper-cased; letters that do
// not decompose take the base letter of their Unicode name ("LATIN SMALL LETTER D WITH HOOK" ->
// D) or a written override (CLDR Latin-ASCII conventions: sharp s -> SS, AE ligature -> AE,
// O with stroke -> O, D with stroke and eth -> D, L with stroke -> L, OE -> OE, dotless i -> I,
// thorn -> TH, kra -> Q, eng -> N). The generator is printed in docs/identity.md.
// Entry "" = no ASCII equivalent (the code point is kept as it is); entry " " = a symbol that
// folds to a separator (multiplication and division signs).

#include "../config.hpp"

#include <array>
#include <string_view>

CBPQ_BEGIN_NAMESPACE
namespace detail {

// U+00C0..U+024F: 400 entries, index = code point - 0x00C0.
inline constexpr std::array<std::string_view, 400> latin_c0_24f = {
    "A",  "A",  "A",  "A",  "A",  "A",  "AE", "C",  // U+00C0
    "E",  "E",  "E",  "E",  "I",  "I",  "I",  "I",  // U+00C8
    "D",  "N",  "O",  "O",  "O",  "O",  "O",  " ",  // U+00D0
    "O",  "U",  "U",  "U",  "U",  "Y",  "TH", "SS", // U+00D8
    "A",  "A",  "A",  "A",  "A",  "A",  "AE", "C",  // U+00E0
    "E",  "E",  "E",  "E",  "I",  "I",  "I",  "I",  // U+00E8
    "D",  "N",  "O",  "O",  "O",  "O",  "O",  " ",  // U+00F0
    "O",  "U",  "U",  "U",  "U",  "Y",  "TH", "Y",  // U+00F8
    "A",  "A",  "A",  "A",  "A",  "A",  "C",  "C",  // U+0100
    "C",  "C",  "C",  "C",  "C",  "C",  "D",  "D",  // U+0108
    "D",  "D",  "E",  "E",  "E",  "E",  "E",  "E",  // U+0110
    "E",  "E",  "E",  "E",  "G",  "G",  "G",  "G",  // U+0118
    "G",  "G",  "G",  "G",  "H",  "H",  "H",  "H",  // U+0120
    "I",  "I",  "I",  "I",  "I",  "I",  "I",  "I",  // U+0128
    "I",  "I",  "IJ", "IJ", "J",  "J",  "K",  "K",  // U+0130
    "Q",  "L",  "L",  "L",  "L",  "L",  "L",  "L",  // U+0138
    "L",  "L",  "L",  "N",  "N",  "N",  "N",  "N",  // U+0140
    "N",  "N",  "N",  "N",  "O",  "O",  "O",  "O",  // U+0148
    "O",  "O",  "OE", "OE", "R",  "R",  "R",  "R",  // U+0150
    "R",  "R",  "S",  "S",  "S",  "S",  "S",  "S",  // U+0158
    "S",  "S",  "T",  "T",  "T",  "T",  "T",  "T",  // U+0160
    "U",  "U",  "U",  "U",  "U",  "U",  "U",  "U",  // U+0168
    "U",  "U",  "U",  "U",  "W",  "W",  "Y",  "Y",  // U+0170
    "Y",  "Z",  "Z",  "Z",  "Z",  "Z",  "Z",  "S",  // U+0178
    "B",  "B",  "B",  "B",  "",   "",   "O",  "C",  // U+0180
    "C",  "D",  "D",  "D",  "D",  "",   "E",  "E",  // U+0188
    "E",  "F",  "F",  "G",  "",   "HV", "I",  "I",  // U+0190
    "K",  "K",  "L",  "",   "",   "N",  "N",  "O",  // U+0198
    "O",  "O",  "OI", "OI", "P",  "P",  "",   "",   // U+01A0
    "",   "",   "",   "T",  "T",  "T",  "T",  "U",  // U+01A8
    "U",  "U",  "V",  "Y",  "Y",  "Z",  "Z",  "Z",  // U+01B0
    "",   "",   "",   "",   "",   "",   "",   "",   // U+01B8
    "",   "",   "",   "",   "DZ", "DZ", "DZ", "LJ", // U+01C0
    "LJ", "LJ", "NJ", "NJ", "NJ", "A",  "A",  "I",  // U+01C8
    "I",  "O",  "O",  "U",  "U",  "U",  "U",  "U",  // U+01D0
    "U",  "U",  "U",  "U",  "U",  "E",  "A",  "A",  // U+01D8
    "A",  "A",  "AE", "AE", "G",  "G",  "G",  "G",  // U+01E0
    "K",  "K",  "O",  "O",  "O",  "O",  "Z",  "Z",  // U+01E8
    "J",  "DZ", "DZ", "DZ", "G",  "G",  "HV", "",   // U+01F0
    "N",  "N",  "A",  "A",  "AE", "AE", "O",  "O",  // U+01F8
    "A",  "A",  "A",  "A",  "E",  "E",  "E",  "E",  // U+0200
    "I",  "I",  "I",  "I",  "O",  "O",  "O",  "O",  // U+0208
    "R",  "R",  "R",  "R",  "U",  "U",  "U",  "U",  // U+0210
    "S",  "S",  "T",  "T",  "Y",  "Y",  "H",  "H",  // U+0218
    "N",  "D",  "OU", "OU", "Z",  "Z",  "A",  "A",  // U+0220
    "E",  "E",  "O",  "O",  "O",  "O",  "O",  "O",  // U+0228
    "O",  "O",  "Y",  "Y",  "L",  "N",  "T",  "J",  // U+0230
    "DB", "QP", "A",  "C",  "C",  "L",  "T",  "S",  // U+0238
    "Z",  "",   "",   "B",  "U",  "V",  "E",  "E",  // U+0240
    "J",  "J",  "Q",  "Q",  "R",  "R",  "Y",  "Y",  // U+0248
};

// U+1E00..U+1EFF: 256 entries, index = code point - 0x1E00.
inline constexpr std::array<std::string_view, 256> latin_1e00_1eff = {
    "A", "A", "B",  "B",  "B", "B", "B",  "B", // U+1E00
    "C", "C", "D",  "D",  "D", "D", "D",  "D", // U+1E08
    "D", "D", "D",  "D",  "E", "E", "E",  "E", // U+1E10
    "E", "E", "E",  "E",  "E", "E", "F",  "F", // U+1E18
    "G", "G", "H",  "H",  "H", "H", "H",  "H", // U+1E20
    "H", "H", "H",  "H",  "I", "I", "I",  "I", // U+1E28
    "K", "K", "K",  "K",  "K", "K", "L",  "L", // U+1E30
    "L", "L", "L",  "L",  "L", "L", "M",  "M", // U+1E38
    "M", "M", "M",  "M",  "N", "N", "N",  "N", // U+1E40
    "N", "N", "N",  "N",  "O", "O", "O",  "O", // U+1E48
    "O", "O", "O",  "O",  "P", "P", "P",  "P", // U+1E50
    "R", "R", "R",  "R",  "R", "R", "R",  "R", // U+1E58
    "S", "S", "S",  "S",  "S", "S", "S",  "S", // U+1E60
    "S", "S", "T",  "T",  "T", "T", "T",  "T", // U+1E68
    "T", "T", "U",  "U",  "U", "U", "U",  "U", // U+1E70
    "U", "U", "U",  "U",  "V", "V", "V",  "V", // U+1E78
    "W", "W", "W",  "W",  "W", "W", "W",  "W", // U+1E80
    "W", "W", "X",  "X",  "X", "X", "Y",  "Y", // U+1E88
    "Z", "Z", "Z",  "Z",  "Z", "Z", "H",  "T", // U+1E90
    "W", "Y", "A",  "S",  "S", "S", "SS", "",  // U+1E98
    "A", "A", "A",  "A",  "A", "A", "A",  "A", // U+1EA0
    "A", "A", "A",  "A",  "A", "A", "A",  "A", // U+1EA8
    "A", "A", "A",  "A",  "A", "A", "A",  "A", // U+1EB0
    "E", "E", "E",  "E",  "E", "E", "E",  "E", // U+1EB8
    "E", "E", "E",  "E",  "E", "E", "E",  "E", // U+1EC0
    "I", "I", "I",  "I",  "O", "O", "O",  "O", // U+1EC8
    "O", "O", "O",  "O",  "O", "O", "O",  "O", // U+1ED0
    "O", "O", "O",  "O",  "O", "O", "O",  "O", // U+1ED8
    "O", "O", "O",  "O",  "U", "U", "U",  "U", // U+1EE0
    "U", "U", "U",  "U",  "U", "U", "U",  "U", // U+1EE8
    "U", "U", "Y",  "Y",  "Y", "Y", "Y",  "Y", // U+1EF0
    "Y", "Y", "LL", "LL", "V", "V", "Y",  "Y", // U+1EF8
};

// Cyrillic U+0400..U+045F to Latin by ICAO Doc 9303 Part 3 (8th ed., 2021), section 6 A,
// "Transliteration of Cyrillic characters", the language-neutral column (the Russian passport
// rules, FMS order 320 of 2012, use the same column). Upper and lower case map alike; the soft
// sign is dropped (""), which is why these entries use "-" for "drop" and "" for "no mapping".
// Language-specific exceptions of that table (Ukrainian G->H, Serbian Zh->Z ...) are not
// applied: the language of a name is not known here.
inline constexpr std::array<std::string_view, 48> cyrillic_400_42f = {
    "E",  "E",    "D",  "G", "IE", "DZ", "I",  "I",  // U+0400 Ѐ Ё Ђ Ѓ Є Ѕ І Ї
    "J",  "LJ",   "NJ", "C", "K",  "I",  "U",  "DZ", // U+0408 Ј Љ Њ Ћ Ќ Ѝ Ў Џ
    "A",  "B",    "V",  "G", "D",  "E",  "ZH", "Z",  // U+0410 А Б В Г Д Е Ж З
    "I",  "I",    "K",  "L", "M",  "N",  "O",  "P",  // U+0418 И Й К Л М Н О П
    "R",  "S",    "T",  "U", "F",  "KH", "TS", "CH", // U+0420 Р С Т У Ф Х Ц Ч
    "SH", "SHCH", "IE", "Y", "-",  "E",  "IU", "IA", // U+0428 Ш Щ Ъ Ы Ь Э Ю Я
};

// U+0490/U+0491 (Ghe with upturn) -> G, as in the same ICAO table.
inline constexpr std::string_view cyrillic_ghe_upturn = "G";

} // namespace detail
CBPQ_END_NAMESPACE

#endif
