// SPDX-License-Identifier: BSL-1.0
// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012).
#ifndef CBPQ_DETAIL_SIPHASH_HPP
#define CBPQ_DETAIL_SIPHASH_HPP

#include "bytes.hpp"

#include <cstddef>
#include <cstdint>

CBPQ_BEGIN_NAMESPACE
namespace detail {

struct siphash_state {
    std::uint64_t v0, v1, v2, v3;

    static constexpr std::uint64_t rotl(std::uint64_t x, int b) noexcept {
        return (x << b) | (x >> (64 - b));
    }

    constexpr siphash_state(std::uint64_t k0, std::uint64_t k1) noexcept
        : v0(k0 ^ 0x736f6d6570736575ULL), v1(k1 ^ 0x646f72616e646f6dULL),
          v2(k0 ^ 0x6c7967656e657261ULL), v3(k1 ^ 0x7465646279746573ULL) {}

    constexpr void round() noexcept {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    }

    constexpr void absorb(std::uint64_t m) noexcept {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }

    constexpr std::uint64_t finish() noexcept {
        v2 ^= 0xff;
        round();
        round();
        round();
        round();
        return v0 ^ v1 ^ v2 ^ v3;
    }
};

// SipHash-2-4 of `size` bytes with the 128-bit key (k0, k1) read little-endian from the key
// bytes, as in the reference implementation.
constexpr std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1, const unsigned char* data,
                                  std::size_t size) noexcept {
    siphash_state s(k0, k1);
    const std::size_t full = size - (size % 8);
    for (std::size_t i = 0; i < full; i += 8) {
        s.absorb(load_le64(data + i));
    }
    std::uint64_t last = static_cast<std::uint64_t>(size & 0xffU) << 56;
    for (std::size_t i = 0; i < size % 8; ++i) {
        last |= static_cast<std::uint64_t>(data[full + i]) << (8 * i);
    }
    s.absorb(last);
    return s.finish();
}

// The same function for the fixed 9-byte encoding of an integer id (tag, 8 bytes big-endian),
// unrolled: no buffer, no loop. Equal to siphash24 over those 9 bytes.
constexpr std::uint64_t siphash24_tagged_u64(std::uint64_t k0, std::uint64_t k1, unsigned char tag,
                                             std::uint64_t value) noexcept {
    // Bytes: tag, b7..b1 form the first little-endian word; b0 and the length form the last.
    siphash_state s(k0, k1);
    s.absorb(std::uint64_t{tag} | (reverse_bytes64(value) << 8));
    s.absorb((std::uint64_t{9} << 56) | (value & 0xffU));
    return s.finish();
}

} // namespace detail
CBPQ_END_NAMESPACE

#endif
