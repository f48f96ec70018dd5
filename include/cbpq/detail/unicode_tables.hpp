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

// Case folding for the other cased letters of the Greek, Cyrillic and Armenian blocks (generated
// from the same database; script in docs/identity.md): a letter that decomposes to a Cyrillic
// letter of U+0400..U+045F takes that letter's ICAO transliteration (Ӂ -> ZH, Ӣ -> I); Ґ -> G,
// Ѫ -> U and Ѵ -> Y as in the ICAO table; any other letter becomes its upper-case form without
// marks, still in its own script (ά -> Α, қ -> Қ), so case and accents stop mattering there too.
// Entry "" = kept as it is.
// U+0370..U+03FF: 144 entries, index = code point - 0x0370.
inline constexpr std::array<std::string_view, 144> greek_370_3ff = {
    "",  "Ͱ", "",  "Ͳ",  "",  "",  "",  "Ͷ", // U+0370
    "",  "",  "",  "Ͻ",  "Ͼ", "Ͽ", "",  "",  // U+0378
    "",  "",  "",  "",   "",  "",  "Α", "",  // U+0380
    "Ε", "Η", "Ι", "",   "Ο", "",  "Υ", "Ω", // U+0388
    "Ι", "",  "",  "",   "",  "",  "",  "",  // U+0390
    "",  "",  "",  "",   "",  "",  "",  "",  // U+0398
    "",  "",  "",  "",   "",  "",  "",  "",  // U+03A0
    "",  "",  "Ι", "Υ",  "Α", "Ε", "Η", "Ι", // U+03A8
    "Υ", "Α", "Β", "Γ",  "Δ", "Ε", "Ζ", "Η", // U+03B0
    "Θ", "Ι", "Κ", "Λ",  "Μ", "Ν", "Ξ", "Ο", // U+03B8
    "Π", "Ρ", "Σ", "Σ",  "Τ", "Υ", "Φ", "Χ", // U+03C0
    "Ψ", "Ω", "Ι", "Υ",  "Ο", "Υ", "Ω", "",  // U+03C8
    "Β", "Θ", "",  "ϒ",  "ϒ", "Φ", "Π", "Ϗ", // U+03D0
    "",  "Ϙ", "",  "Ϛ",  "",  "Ϝ", "",  "Ϟ", // U+03D8
    "",  "Ϡ", "",  "Ϣ",  "",  "Ϥ", "",  "Ϧ", // U+03E0
    "",  "Ϩ", "",  "Ϫ",  "",  "Ϭ", "",  "Ϯ", // U+03E8
    "Κ", "Ρ", "Ϲ", "Ϳ", "",  "Ε", "",  "",  // U+03F0
    "Ϸ", "",  "",  "Ϻ",  "",  "",  "",  "",  // U+03F8
};

// U+0460..U+052F: 208 entries, index = code point - 0x0460.
inline constexpr std::array<std::string_view, 208> cyrillic_460_52f = {
    "",  "Ѡ",  "",   "Ѣ",  "",   "Ѥ",  "",  "Ѧ",  // U+0460
    "",  "Ѩ",  "U",  "U",  "",   "Ѭ",  "",  "Ѯ",  // U+0468
    "",  "Ѱ",  "",   "Ѳ",  "Y",  "Y",  "Y", "Y",  // U+0470
    "",  "Ѹ",  "",   "Ѻ",  "",   "Ѽ",  "",  "Ѿ",  // U+0478
    "",  "Ҁ",  "",   "",   "",   "",   "",  "",   // U+0480
    "",  "",   "",   "Ҋ",  "",   "Ҍ",  "",  "Ҏ",  // U+0488
    "G", "G",  "",   "Ғ",  "",   "Ҕ",  "",  "Җ",  // U+0490
    "",  "Ҙ",  "",   "Қ",  "",   "Ҝ",  "",  "Ҟ",  // U+0498
    "",  "Ҡ",  "",   "Ң",  "",   "Ҥ",  "",  "Ҧ",  // U+04A0
    "",  "Ҩ",  "",   "Ҫ",  "",   "Ҭ",  "",  "Ү",  // U+04A8
    "",  "Ұ",  "",   "Ҳ",  "",   "Ҵ",  "",  "Ҷ",  // U+04B0
    "",  "Ҹ",  "",   "Һ",  "",   "Ҽ",  "",  "Ҿ",  // U+04B8
    "",  "ZH", "ZH", "",   "Ӄ",  "",   "Ӆ", "",   // U+04C0
    "Ӈ", "",   "Ӊ",  "",   "Ӌ",  "",   "Ӎ", "Ӏ",  // U+04C8
    "A", "A",  "A",  "A",  "",   "Ӕ",  "E", "E",  // U+04D0
    "",  "Ә",  "Ә",  "Ә",  "ZH", "ZH", "Z", "Z",  // U+04D8
    "",  "Ӡ",  "I",  "I",  "I",  "I",  "O", "O",  // U+04E0
    "",  "Ө",  "Ө",  "Ө",  "E",  "E",  "U", "U",  // U+04E8
    "U", "U",  "U",  "U",  "CH", "CH", "",  "Ӷ",  // U+04F0
    "Y", "Y",  "",   "Ӻ",  "",   "Ӽ",  "",  "Ӿ",  // U+04F8
    "",  "Ԁ",  "",   "Ԃ",  "",   "Ԅ",  "",  "Ԇ",  // U+0500
    "",  "Ԉ",  "",   "Ԋ",  "",   "Ԍ",  "",  "Ԏ",  // U+0508
    "",  "Ԑ",  "",   "Ԓ",  "",   "Ԕ",  "",  "Ԗ",  // U+0510
    "",  "Ԙ",  "",   "Ԛ",  "",   "Ԝ",  "",  "Ԟ",  // U+0518
    "",  "Ԡ",  "",   "Ԣ",  "",   "Ԥ",  "",  "Ԧ",  // U+0520
    "",  "Ԩ", "",   "Ԫ", "",   "Ԭ", "",  "Ԯ", // U+0528
};

// U+0530..U+058F: 96 entries, index = code point - 0x0530.
inline constexpr std::array<std::string_view, 96> armenian_530_58f = {
    "",  "",  "",  "",  "",  "",  "",  "",  // U+0530
    "",  "",  "",  "",  "",  "",  "",  "",  // U+0538
    "",  "",  "",  "",  "",  "",  "",  "",  // U+0540
    "",  "",  "",  "",  "",  "",  "",  "",  // U+0548
    "",  "",  "",  "",  "",  "",  "",  "",  // U+0550
    "",  "",  "",  "",  "",  "",  "",  "",  // U+0558
    "",  "Ա", "Բ", "Գ", "Դ", "Ե", "Զ", "Է", // U+0560
    "Ը", "Թ", "Ժ", "Ի", "Լ", "Խ", "Ծ", "Կ", // U+0568
    "Հ", "Ձ", "Ղ", "Ճ", "Մ", "Յ", "Ն", "Շ", // U+0570
    "Ո", "Չ", "Պ", "Ջ", "Ռ", "Ս", "Վ", "Տ", // U+0578
    "Ր", "Ց", "Ւ", "Փ", "Ք", "Օ", "Ֆ", "",  // U+0580
    "",  "",  "",  "",  "",  "",  "",  "",  // U+0588
};

} // namespace detail
CBPQ_END_NAMESPACE

#endif
