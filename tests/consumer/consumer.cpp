// A program outside cbpq that uses it as an installed or vendored package.
#include <cbpq/cbpq.hpp>

#include <cstdio>

int main() {
    const auto s =
        cbpq::seed::from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const cbpq::draw_key key(s, "consumer");
    const auto k = key.entrant_key(std::uint64_t{42});
    std::printf("cbpq %d.%d.%d key %016llx\n", CBPQ_VERSION_MAJOR, CBPQ_VERSION_MINOR,
                CBPQ_VERSION_PATCH, static_cast<unsigned long long>(k));
    return k == key.entrant_key(std::uint64_t{42}) ? 0 : 1;
}
