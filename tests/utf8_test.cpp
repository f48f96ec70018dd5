// Tests of the UTF-8 decoder and encoder in identity.hpp.
#include <cbpq/identity.hpp>

#include <doctest/doctest.h>

#include <string>

TEST_CASE("decode_utf8 round trip") {
    const std::string text = "Aé€😀";
    const std::u32string cps = cbpq::decode_utf8(text);
    CHECK(cps == std::u32string{U'A', U'é', U'€', U'😀'});
    CHECK(cbpq::encode_utf8(cps) == text);
}
