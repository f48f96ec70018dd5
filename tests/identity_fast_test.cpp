// SPDX-License-Identifier: BSL-1.0
// The fast paths of normalisation (docs/duplicates.md, "Fourth speed pass") against the code
// they replaced, kept here verbatim as the reference: folding through the ASCII table, the
// phonetic key without temporaries, the in-place name grouping and the document fields from
// already folded text. Inputs mix ASCII and other scripts, cross the 8- and 16-byte boundaries
// of the word-at-a-time ASCII scan, and carry invalid UTF-8 at every position.

#include <cbpq/duplicates.hpp>
#include <cbpq/identity.hpp>
#include <cbpq/random.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

// The folding loop and the phonetic key as they were before the fast paths.
void ref_fold_append(std::string_view utf8, std::string& out, cbpq::utf8_errors policy,
                     std::string_view record, std::string_view field) {
    bool pending_space = false;
    std::size_t i = 0;
    const std::size_t n = utf8.size();
    while (i < n) {
        const auto b = static_cast<unsigned char>(utf8[i]);
        if (b < 0x80) {
            ++i;
            char c = static_cast<char>(b);
            if (c >= 'a' && c <= 'z') {
                c = static_cast<char>(c - 'a' + 'A');
            } else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                if (c != '\'' && c != '`') {
                    pending_space = true;
                }
                continue;
            }
            if (pending_space && !out.empty()) {
                out.push_back(' ');
            }
            pending_space = false;
            out.push_back(c);
            continue;
        }
        const cbpq::detail::utf8_step st = cbpq::detail::utf8_next(utf8, i);
        char32_t cp = st.cp;
        if (st.fault != cbpq::detail::utf8_fault::none) {
            if (policy == cbpq::utf8_errors::strict) {
                cbpq::detail::throw_utf8_error(record, field, i, st.fault);
            }
            cp = 0xFFFD;
        }
        i += st.size;
        const cbpq::detail::fold_result r = cbpq::detail::fold_code_point(cp);
        if (r.kind == cbpq::detail::fold_class::separator) {
            pending_space = true;
            continue;
        }
        if (r.kind == cbpq::detail::fold_class::drop) {
            continue;
        }
        if (pending_space && !out.empty()) {
            out.push_back(' ');
        }
        pending_space = false;
        if (r.kind == cbpq::detail::fold_class::letters) {
            out.append(r.letters);
        } else {
            cbpq::detail::utf8_append(out, cp);
        }
    }
}

std::string ref_phonetic_key(std::string_view folded) {
    std::string out;
    std::string letters;
    const auto flush = [&] {
        if (letters.empty()) {
            return;
        }
        if (!out.empty()) {
            out += ' ';
        }
        const std::size_t start = out.size();
        const std::size_t n = letters.size();
        const auto at = [&](std::size_t k) { return k < n ? letters[k] : '\0'; };
        const auto vowel = [](char c) {
            return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
        };
        const auto front = [](char c) { return c == 'E' || c == 'I' || c == 'Y'; };
        const auto emit = [&](char c) {
            if (out.size() == start || out.back() != c) {
                out += c;
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
                    out += c; // a letter of another script: copied, never collapsed
                } else {
                    emit(c);
                }
                break;
            }
            i += step;
        }
        letters.clear();
    };
    for (char c : folded) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
        if ((c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80) {
            letters += c;
        } else if (c == ' ') {
            flush();
        }
    }
    flush();
    return out;
}

// What the code paths return or throw, as one comparable string.
template <class F>
std::string outcome(F&& f) {
    try {
        return "ok:" + f();
    } catch (const cbpq::invalid_input& e) {
        return "throw:" + e.record() + "|" + e.field() + "|" + e.what();
    }
}

constexpr std::string_view pieces[] = {"a",
                                       "Z",
                                       "m",
                                       "0",
                                       "9",
                                       " ",
                                       "  ",
                                       "-",
                                       "'",
                                       "`",
                                       ".",
                                       ",",
                                       "\t",
                                       "x",
                                       "H",
                                       "LL",
                                       "CH",
                                       "QU",
                                       "GUE",
                                       "Y",
                                       "DE",
                                       "LA",
                                       "ph",
                                       "sh",
                                       "abcdefg",
                                       "ABCDEFGH",
                                       "ijklmnopq",
                                       "\xC3\xA9",
                                       "\xC3\x89",
                                       "\xC3\x9F",
                                       "\xC3\x98",
                                       "\xC5\x81",
                                       "\xC4\x90",
                                       "\xC3\x86",
                                       "\xC5\x92",
                                       "\xC4\xB1",
                                       "\xC3\x9E",
                                       "\xD0\x99",
                                       "\xD0\xA9",
                                       "\xD0\xAC",
                                       "\xD1\x8C",
                                       "\xCE\xAC",
                                       "\xD4\xB1",
                                       "\xE2\x80\x99",
                                       "\xC2\xB4",
                                       "\xEF\xBC\xA1",
                                       "\xEF\xBB\xBF",
                                       "\xCC\x81",
                                       "\xE4\xB8\xAD",
                                       "\xF0\x9F\x98\x80",
                                       "\xC2\xA0",
                                       "\xC3\x97",
                                       "\xC2\xAD",
                                       "\xC0\xAF",
                                       "\xED\xA0\x80",
                                       "\x80",
                                       "\xFF",
                                       "\xC3",
                                       "\xE2\x82",
                                       "\xF0\x9F\x98"};

// A string of `n` pieces drawn from `rng`; with `valid`, only well-formed pieces.
std::string random_text(cbpq::keyed_stream& rng, std::size_t n, bool valid) {
    constexpr std::size_t valid_count = 53; // the pieces before the ill-formed ones
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += pieces[rng.below(valid ? valid_count : std::size(pieces))];
    }
    return s;
}

// Every length from 0 to 40 of ASCII text (so every 8- and 16-byte boundary) with one
// non-ASCII or ill-formed piece at every position.
std::vector<std::string> boundary_inputs() {
    std::vector<std::string> out;
    const std::string ascii = "maria-jose o'brien de la CRUZ y 12345 abcdefghijklmnop";
    for (std::size_t len = 0; len <= 40; ++len) {
        const std::string base = ascii.substr(0, len);
        out.push_back(base);
        for (const std::string_view p :
             {std::string_view("\xC3\xA9"), std::string_view("\xD0\xA9"), std::string_view("\xFF"),
              std::string_view("\xC3"), std::string_view("\xE2\x80\x99")}) {
            for (std::size_t at = 0; at <= len; ++at) {
                std::string s = base;
                s.insert(at, p);
                out.push_back(s);
            }
        }
    }
    return out;
}

} // namespace

TEST_CASE("normalisation fast paths: fold equals the byte-by-byte loop") {
    cbpq::keyed_stream rng(0x666f6c64ULL, 0x66617374ULL, 1);
    std::vector<std::string> inputs = boundary_inputs();
    for (int k = 0; k < 20000; ++k) {
        inputs.push_back(random_text(rng, rng.below(24), k % 2 == 0));
    }
    for (const auto& in : inputs) {
        for (const auto policy : {cbpq::utf8_errors::strict, cbpq::utf8_errors::replace}) {
            const std::string fast = outcome([&] { return cbpq::fold(in, policy, "r1", "given"); });
            const std::string slow = outcome([&] {
                std::string out;
                ref_fold_append(in, out, policy, "r1", "given");
                return out;
            });
            REQUIRE_MESSAGE(fast == slow, in);
            // Appending to text already there (fold_append's contract) as well.
            std::string fast_append = "AB";
            std::string slow_append = "AB";
            const std::string fa = outcome([&] {
                cbpq::detail::fold_append(in, fast_append, cbpq::utf8_errors::replace, {}, {});
                return fast_append;
            });
            const std::string sa = outcome([&] {
                ref_fold_append(in, slow_append, cbpq::utf8_errors::replace, {}, {});
                return slow_append;
            });
            REQUIRE(fa == sa);
        }
    }
}

TEST_CASE("normalisation fast paths: fold is idempotent on every code point") {
    // normalize_registration folds document_country once and derives the document's country
    // from that fold, where it used to fold the folded text again: equal only if folding a
    // folded text changes nothing, checked here for every scalar value (folding works code
    // point by code point, and its spaces fold to themselves).
    std::size_t checked = 0;
    for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            continue;
        }
        std::string text = "A";
        cbpq::detail::utf8_append(text, cp);
        text += "B";
        const std::string once = cbpq::fold(text);
        const std::string twice = cbpq::fold(once);
        if (once != twice) {
            FAIL("fold not idempotent at U+" << static_cast<unsigned long>(cp));
        }
        ++checked;
    }
    CHECK(checked == 0x110000 - 0x800);
}

TEST_CASE("normalisation fast paths: phonetic key equals the one built with temporaries") {
    cbpq::keyed_stream rng(0x70686f6eULL, 0x65746963ULL, 2);
    std::vector<std::string> inputs = boundary_inputs();
    inputs.push_back(std::string(70, 'X') + " " + std::string(65, 'l') + "9" + std::string(3, 'C'));
    inputs.push_back(std::string(64, 'Q') + " ab " + std::string(63, 'y') + "-");
    for (int k = 0; k < 20000; ++k) {
        std::string s = random_text(rng, rng.below(20), true);
        inputs.push_back(s);
        inputs.push_back(cbpq::fold(s));
    }
    std::string out = "stale";
    for (const auto& in : inputs) {
        const std::string slow = ref_phonetic_key(in);
        REQUIRE_MESSAGE(cbpq::phonetic_key(in) == slow, in);
        cbpq::detail::phonetic_key_to(in, out);
        REQUIRE(out == slow);
    }
}

TEST_CASE("normalisation fast paths: in-place name grouping equals parse_person_name") {
    cbpq::keyed_stream rng(0x6e616d65ULL, 0x73706c69ULL, 3);
    constexpr std::string_view words[] = {
        "MARIA", "JOSE", "DE",  "LA", "LOS", "DEL",      "Y",   "E",   "GARCIA",  "LOPEZ",
        "CRUZ",  "SAN",  "VAN", "DA", "A",   "\xD0\xA9", "DOS", "LAS", "MARTINEZ"};
    cbpq::detail::dedup::parsed_name ref;
    std::string given = "stale given", s1 = "stale", s2 = "stale second";
    for (int k = 0; k < 20000; ++k) {
        std::string g, s;
        const auto ng = rng.below(k % 50 == 0 ? 20 : 5);
        const auto ns = rng.below(k % 50 == 1 ? 20 : 6);
        for (std::uint64_t i = 0; i < ng; ++i) {
            g += (i ? " " : "") + std::string(words[rng.below(std::size(words))]);
        }
        for (std::uint64_t i = 0; i < ns; ++i) {
            s += (i ? " " : "") + std::string(words[rng.below(std::size(words))]);
        }
        cbpq::detail::dedup::parse_person_name(g, s, {}, false, ref);
        given = g;
        s1 = s;
        cbpq::detail::dedup::parse_person_name_in_place(given, s1, s2);
        REQUIRE_MESSAGE(given == ref.given, g);
        REQUIRE_MESSAGE(s1 == ref.surname1, s);
        REQUIRE_MESSAGE(s2 == ref.surname2, s);
    }
}

TEST_CASE("normalisation fast paths: document fields from the folded country") {
    cbpq::keyed_stream rng(0x646f6375ULL, 0x6d656e74ULL, 4);
    constexpr std::string_view countries[] = {
        "mx",  "MEX", " m x ", "ht",   "Hti", "zz",       "ru", "r\xC3\xBA", "\xD0\xA0\xD0\xA3",
        "u-s", "",    "M",     "abcd", "br ", "C\xC3\xB4"};
    std::vector<std::string> numbers = boundary_inputs();
    for (int k = 0; k < 3000; ++k) {
        numbers.push_back(random_text(rng, rng.below(12), k % 3 != 0));
    }
    std::string num_fast = "x", country_fast = "y", num_slow, country_slow;
    for (const auto& number : numbers) {
        for (const auto country : countries) {
            const std::string folded = cbpq::fold(country);
            const std::string slow = outcome([&] {
                cbpq::detail::dedup::normalize_document_into(number, folded, num_slow,
                                                             country_slow);
                return num_slow + "|" + country_slow;
            });
            const std::string fast = outcome([&] {
                cbpq::detail::dedup::normalize_document_to(number, folded, num_fast, country_fast);
                return num_fast + "|" + country_fast;
            });
            REQUIRE_MESSAGE(fast == slow, number);
        }
    }
}

namespace {

// A random edit of s that OSA counts as one (or, for equal neighbours, none): a substitution,
// an insertion, a deletion or a transposition of neighbours, at a random place.
std::u32string one_edit(cbpq::keyed_stream& rng, std::u32string s, std::u32string_view alphabet) {
    const auto letter = [&] { return alphabet[rng.below(alphabet.size())]; };
    switch (rng.below(4)) {
    case 0:
        if (!s.empty()) {
            s[rng.below(s.size())] = letter();
        }
        break;
    case 1:
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(rng.below(s.size() + 1)), letter());
        break;
    case 2:
        if (!s.empty()) {
            s.erase(s.begin() + static_cast<std::ptrdiff_t>(rng.below(s.size())));
        }
        break;
    default:
        if (s.size() >= 2) {
            const auto at = rng.below(s.size() - 1);
            std::swap(s[at], s[at + 1]);
        }
        break;
    }
    return s;
}

std::string utf8_of(std::u32string_view s) {
    std::string out;
    for (const char32_t c : s) {
        cbpq::detail::utf8_append(out, c);
    }
    return out;
}

} // namespace

TEST_CASE("comparison fast paths: edit distance within one equals the OSA matrix") {
    // The document-typo rule asks for an OSA distance of at most 1; edit_distance answers that
    // in one pass for ASCII text. Pairs one or two random edits apart (and unrelated pairs) over
    // small alphabets, so that equal neighbours and repeated symbols are common, with a
    // two-byte letter that sends edit_distance to the matrix on code points.
    cbpq::keyed_stream rng(0x6f736131ULL, 0x66617374ULL, 5);
    std::size_t within_one = 0;
    for (int k = 0; k < 60000; ++k) {
        const std::u32string_view alphabet =
            k % 3 == 0 ? U"AB" : (k % 3 == 1 ? U"AB12" : U"ABC\u00E9");
        std::u32string wa;
        const auto len = rng.below(12);
        for (std::uint64_t i = 0; i < len; ++i) {
            wa += alphabet[rng.below(alphabet.size())];
        }
        std::u32string wb = one_edit(rng, wa, alphabet);
        if (k % 4 == 0) {
            wb = one_edit(rng, wb, alphabet);
        } else if (k % 7 == 0) {
            wb = wa.substr(0, rng.below(wa.size() + 1)) + U"B";
        }
        const std::string a = utf8_of(wa), b = utf8_of(wb);
        const std::size_t full = cbpq::osa_distance_plain(wa, wb);
        within_one += full <= 1 ? 1 : 0;
        if (cbpq::detail::dedup::is_ascii(a) && cbpq::detail::dedup::is_ascii(b)) {
            REQUIRE_MESSAGE(cbpq::detail::dedup::osa_within_one(a, b) ==
                                std::min<std::size_t>(full, 2),
                            a << " / " << b);
        }
        for (std::size_t max = 0; max <= 3; ++max) {
            REQUIRE_MESSAGE(cbpq::detail::dedup::edit_distance(a, b, max) ==
                                std::min(full, max + 1),
                            a << " / " << b << " max " << max);
        }
    }
    CHECK(within_one > 20000); // the pairs do exercise the fast path's answers 0 and 1
    // Byte lengths 5 and 3, one code point inserted: one edit (the byte-length shortcut that
    // once answered "more than one" is taken on ASCII text only).
    CHECK(cbpq::detail::dedup::edit_distance("AA\xC3\xA9"
                                             "C",
                                             "AAC", 1) == 1);
}

TEST_CASE("comparison fast paths: Jaro counts on SSE2 equal the loop") {
    // On x86-64, Jaro on chars takes jaro_count_sse2 when b has at most 16 bytes; on char32_t
    // it never does, so the loop's counts come from the same strings widened. Random strings
    // over small alphabets (many equal symbols in every window), at every cutoff.
    cbpq::keyed_stream rng(0x6a61726fULL, 0x66617374ULL, 6);
    for (int k = 0; k < 40000; ++k) {
        const std::string_view alphabet = k % 2 == 0 ? "ABA " : "ABCDEFGHIJ";
        std::string a, b;
        const auto la = rng.below(k % 10 == 0 ? 70 : 20);
        const auto lb = rng.below(k % 10 == 1 ? 30 : 18);
        for (std::uint64_t i = 0; i < la; ++i) {
            a += alphabet[rng.below(alphabet.size())];
        }
        for (std::uint64_t i = 0; i < lb; ++i) {
            b += alphabet[rng.below(alphabet.size())];
        }
        const std::u32string wa(a.begin(), a.end()), wb(b.begin(), b.end());
        for (std::size_t need = 0; need <= std::min(a.size(), b.size()) + 1; need += 1 + need / 3) {
            const auto fast =
                cbpq::detail::jaro_count(std::string_view(a), std::string_view(b), need);
            const auto loop =
                cbpq::detail::jaro_count(std::u32string_view(wa), std::u32string_view(wb), need);
            REQUIRE_MESSAGE(fast.matches == loop.matches, a << " / " << b << " need " << need);
            REQUIRE_MESSAGE(fast.half_transpositions == loop.half_transpositions,
                            a << " / " << b << " need " << need);
        }
        REQUIRE(cbpq::jaro_winkler(a, b) == cbpq::jaro_winkler(std::u32string_view(wa), wb));
    }
}

TEST_CASE("comparison fast paths: joined surnames at any length") {
    // joined_similarity joins on the stack up to 128 bytes a side and on the heap beyond: the
    // score is that of the joined texts either way (a 140-letter name once scored 1.0 against a
    // different one, its end cut off).
    cbpq::keyed_stream rng(0x6a6f696eULL, 0x66617374ULL, 7);
    for (int k = 0; k < 3000; ++k) {
        std::string part[4];
        for (auto& p : part) {
            const auto len = rng.below(k % 5 == 0 ? 200 : 12);
            for (std::uint64_t i = 0; i < len; ++i) {
                p += "AB C"[rng.below(4)];
            }
        }
        std::string x, y;
        for (const char c : part[0] + part[1]) {
            if (c != ' ') {
                x += c;
            }
        }
        for (const char c : part[2] + part[3]) {
            if (c != ' ') {
                y += c;
            }
        }
        REQUIRE(cbpq::detail::dedup::joined_similarity(part[0], part[1], part[2], part[3]) ==
                cbpq::detail::dedup::similarity(x, y));
    }
    const std::string stem(128, 'A');
    CHECK(cbpq::detail::dedup::joined_similarity(stem + "BBBBBBBBBBBB", {}, stem, "CCCCCCCCCCCC") <
          1.0);
}
