// RFC 3797 compatibility: MD5 known answers and the section 6 worked example.
#include <cbpq/rfc3797.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

std::string md5_hex(std::string_view s) {
    cbpq::detail::md5 h;
    h.update(s);
    return cbpq::detail::to_hex(h.finish());
}

} // namespace

// RFC 1321 appendix A.5 test suite.
TEST_CASE("md5 known answers (RFC 1321 A.5)") {
    CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(md5_hex("a") == "0cc175b9c0f1b6a831c399e269772661");
    CHECK(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(md5_hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
    CHECK(md5_hex("abcdefghijklmnopqrstuvwxyz") == "c3fcd3d76192e4007dfb496cca67e13b");
    CHECK(md5_hex(
              "12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
          "57edf4a22be3c955ac49da2e2107b67a");
}

// RFC 3797 section 6: pool of 25, sources 9319 / 2 5 12 8 10 / 9 18 26 34 41 45.
TEST_CASE("rfc3797 reproduces the section 6 table") {
    const auto steps =
        cbpq::rfc3797_select_from_sources(25, "9319/2 5 12 8 10/9 18 26 34 41 45", 16);
    const std::vector<std::size_t> expected = {17, 7,  2,  16, 25, 23, 8, 24,
                                               19, 13, 22, 5,  18, 9,  1, 4};
    REQUIRE(steps.size() == expected.size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
        CAPTURE(i);
        CHECK(steps[i].pool_index + 1 == expected[i]);
        CHECK(steps[i].remaining == 25 - i);
        CHECK(steps[i].number == i + 1);
    }
    CHECK(cbpq::detail::to_hex(steps[0].digest) == "990dd0a5692a029a98b5e01aa28f3459");
    CHECK(cbpq::detail::to_hex(steps[1].digest) == "3691e55cb63fcc37914430b2f70b5ec6");
    CHECK(cbpq::detail::to_hex(steps[2].digest) == "fe814edf564c190ac1d25753979990fa");
    CHECK(cbpq::detail::to_hex(steps[3].digest) == "1863ccaceb568c31d7ddbdf1d4e91387");
}

TEST_CASE("rfc3797 depends on pool order and size, and refuses bad input") {
    const auto a = cbpq::rfc3797_select_from_sources(25, "9319/2 5 12 8 10/9 18 26 34 41 45", 3);
    const auto b = cbpq::rfc3797_select_from_sources(26, "9319/2 5 12 8 10/9 18 26 34 41 45", 3);
    CHECK(a[0].digest == b[0].digest);         // same digests...
    CHECK(a[0].pool_index != b[0].pool_index); // ...but another pool size moves the selection
    const auto all = cbpq::rfc3797_select_from_sources(5, "1/2", 5);
    std::vector<bool> seen(5, false);
    for (const auto& s : all) {
        CHECK_FALSE(seen[s.pool_index]);
        seen[s.pool_index] = true;
    }
    CHECK(all.back().remaining == 1);
    CHECK(all.back().position == 1);
    CHECK_THROWS_AS((void)cbpq::rfc3797_select(0, "x", 0), cbpq::invalid_input);
    CHECK_THROWS_WITH_AS((void)cbpq::rfc3797_select(65536, "x", 1), doctest::Contains("65535"),
                         cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::rfc3797_select(3, "x", 4), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::rfc3797_select_from_sources(3, "1/a", 1), cbpq::invalid_input);
    CHECK(cbpq::rfc3797_select(65535, "x", 1).size() == 1);
}
