// Tests of the UTF-8 decoder and encoder in identity.hpp: RFC 3629 section 4 and The Unicode
// Standard 14.0, section 3.9 (table 3-7, well-formed sequences; table 3-8, U+FFFD per maximal
// subpart).
#include <cbpq/identity.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace {

// The message of the invalid_input thrown for `bytes`, or "" when nothing is thrown.
std::string strict_error(std::string_view bytes) {
    try {
        (void)cbpq::decode_utf8(bytes, cbpq::utf8_errors::strict, "line 7", "given");
    } catch (const cbpq::invalid_input& e) {
        CHECK(e.record() == "line 7");
        CHECK(e.field() == "given");
        return e.what();
    }
    return {};
}

bool contains(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("decode_utf8 round trip and boundaries of each length") {
    const std::string text = "Aé€😀";
    const std::u32string cps = cbpq::decode_utf8(text);
    CHECK(cps == std::u32string{U'A', U'é', U'€', U'😀'});
    CHECK(cbpq::encode_utf8(cps) == text);
    const std::u32string edges = {0x0,    0x7F,   0x80,   0x7FF,   0x800,   0xD7FF,
                                  0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF};
    const std::string bytes = cbpq::encode_utf8(edges);
    CHECK(bytes.size() == 1 + 1 + 2 + 2 + 3 + 3 + 3 + 3 + 3 + 4 + 4);
    CHECK(cbpq::decode_utf8(bytes) == edges);
    CHECK(cbpq::is_valid_utf8(bytes));
    CHECK(cbpq::decode_utf8("").empty());
}

TEST_CASE("encode_utf8 writes U+FFFD for non-scalar values") {
    CHECK(cbpq::encode_utf8(std::u32string{0xD800}) == "\xEF\xBF\xBD");
    CHECK(cbpq::encode_utf8(std::u32string{0x110000}) == "\xEF\xBF\xBD");
}

TEST_CASE("decode_utf8 strict names every class of error, the record, field and offset") {
    // Stray continuation bytes.
    CHECK(contains(strict_error("ab\x80"), "byte offset 2: unexpected continuation byte"));
    CHECK(contains(strict_error("\xBF"), "byte offset 0: unexpected continuation byte"));
    // Overlong forms: C0/C1 leads, E0 80..9F, F0 80..8F.
    CHECK(contains(strict_error("\xC0\xAF"), "byte offset 0: overlong encoding"));
    CHECK(contains(strict_error("x\xC1\xBF"), "byte offset 1: overlong encoding"));
    CHECK(contains(strict_error("\xE0\x80\xAF"), "overlong encoding"));
    CHECK(contains(strict_error("\xE0\x9F\xBF"), "overlong encoding"));
    CHECK(contains(strict_error("\xF0\x80\x80\xAF"), "overlong encoding"));
    CHECK(contains(strict_error("\xF0\x8F\xBF\xBF"), "overlong encoding"));
    // Surrogates U+D800..U+DFFF (CESU-8 style pairs included).
    CHECK(contains(strict_error("\xED\xA0\x80"), "surrogate"));
    CHECK(contains(strict_error("\xED\xBF\xBF"), "surrogate"));
    CHECK(contains(strict_error("\xED\xA0\xBD\xED\xB8\x80"), "surrogate"));
    // Above U+10FFFF: F4 90.., F5..F7 leads.
    CHECK(contains(strict_error("\xF4\x90\x80\x80"), "above U+10FFFF"));
    CHECK(contains(strict_error("\xF5\x80\x80\x80"), "above U+10FFFF"));
    CHECK(contains(strict_error("\xF7\xBF\xBF\xBF"), "above U+10FFFF"));
    // Bytes that never occur.
    CHECK(contains(strict_error("\xF8\x88\x80\x80\x80"), "never occurs"));
    CHECK(contains(strict_error("\xFF"), "never occurs"));
    CHECK(contains(strict_error("\xFE"), "never occurs"));
    // Truncated sequences: at the end, and interrupted by another byte.
    CHECK(contains(strict_error("ok\xC3"), "byte offset 2: truncated"));
    CHECK(contains(strict_error("\xE2\x82"), "truncated"));
    CHECK(contains(strict_error("\xF0\x9F\x98"), "truncated"));
    CHECK(contains(strict_error("\xE2\x82z"), "truncated"));
    CHECK(contains(strict_error("\xC3 "), "truncated"));
    // The message names the record and the field.
    CHECK(contains(strict_error("\xFF"), "line 7"));
    CHECK(contains(strict_error("\xFF"), "given"));
    // Valid text raises nothing.
    CHECK(strict_error("José \xF4\x8F\xBF\xBF").empty());
    for (std::string_view bad : {"\x80", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC3"}) {
        CHECK_FALSE(cbpq::is_valid_utf8(bad));
    }
}

TEST_CASE("decode_utf8 replace substitutes one U+FFFD per maximal subpart") {
    using cbpq::utf8_errors;
    // The example of Unicode 14.0 table 3-8.
    const std::string_view t38 = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
    CHECK(cbpq::decode_utf8(t38, utf8_errors::replace) ==
          std::u32string{U'a', 0xFFFD, 0xFFFD, 0xFFFD, U'b', 0xFFFD, U'c', 0xFFFD, 0xFFFD, U'd'});
    // Overlong and surrogate leads: each byte is its own subpart.
    CHECK(cbpq::decode_utf8("\xC0\xAF", utf8_errors::replace) == std::u32string{0xFFFD, 0xFFFD});
    CHECK(cbpq::decode_utf8("\xED\xA0\x80", utf8_errors::replace) ==
          std::u32string{0xFFFD, 0xFFFD, 0xFFFD});
    CHECK(cbpq::decode_utf8("\xF4\x90\x80\x80", utf8_errors::replace) ==
          std::u32string{0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD});
    CHECK(cbpq::decode_utf8("a\xF0\x9F\x98", utf8_errors::replace) == std::u32string{U'a', 0xFFFD});
    CHECK(cbpq::decode_utf8("a\xC3(b", utf8_errors::replace) ==
          std::u32string{U'a', 0xFFFD, U'(', U'b'});
}

TEST_CASE("fold follows the same UTF-8 policy") {
    CHECK_THROWS_AS((void)cbpq::fold("Jos\xE9", cbpq::utf8_errors::strict, "r1", "given"),
                    cbpq::invalid_input);
    CHECK(cbpq::fold("Jos\xE9", cbpq::utf8_errors::replace) == "JOS\xEF\xBF\xBD");
}

TEST_CASE("is_valid_utf8 reads ASCII runs eight bytes at a time without missing a fault") {
    // A fault (or a valid multi-byte letter) at every offset of runs longer than one 8-byte word,
    // so that it falls in a word, at its edges and in the byte-wise tail.
    for (std::size_t len = 0; len < 40; ++len) {
        for (std::size_t at = 0; at <= len; ++at) {
            std::string s(len, 'a');
            CHECK(cbpq::is_valid_utf8(s));
            std::string bad = s;
            bad.insert(at, "\xC3"); // truncated sequence
            CHECK_FALSE(cbpq::is_valid_utf8(bad));
            std::string stray = s;
            stray.insert(at, "\x80"); // continuation without a lead
            CHECK_FALSE(cbpq::is_valid_utf8(stray));
            std::string good = s;
            good.insert(at, "\xC3\xB1"); // ñ
            CHECK(cbpq::is_valid_utf8(good));
            // The validator and the decoder agree.
            CHECK(strict_error(good).empty());
            CHECK_FALSE(strict_error(bad).empty());
            CHECK_FALSE(strict_error(stray).empty());
        }
    }
}
