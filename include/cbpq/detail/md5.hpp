// SPDX-License-Identifier: BSL-1.0
// MD5 as specified in RFC 1321. Used only for RFC 3797 compatibility, never for security.
#ifndef CBPQ_DETAIL_MD5_HPP
#define CBPQ_DETAIL_MD5_HPP

#include "bytes.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

CBPQ_BEGIN_NAMESPACE
namespace detail {

class md5 {
public:
    using digest_type = std::array<unsigned char, 16>;

    md5& update(const void* data, std::size_t size) noexcept {
        const auto* p = static_cast<const unsigned char*>(data);
        length_ += static_cast<std::uint64_t>(size);
        while (size > 0) {
            const std::size_t take = (size < 64 - fill_) ? size : 64 - fill_;
            for (std::size_t i = 0; i < take; ++i) {
                block_[fill_ + i] = p[i];
            }
            fill_ += take;
            p += take;
            size -= take;
            if (fill_ == 64) {
                compress();
                fill_ = 0;
            }
        }
        return *this;
    }

    md5& update(std::string_view text) noexcept { return update(text.data(), text.size()); }

    digest_type finish() noexcept {
        const std::uint64_t bits = length_ * 8U;
        const unsigned char pad = 0x80;
        update(&pad, 1);
        const unsigned char zero = 0;
        while (fill_ != 56) {
            update(&zero, 1);
        }
        unsigned char len[8];
        for (std::size_t i = 0; i < 8; ++i) {
            len[i] = static_cast<unsigned char>((bits >> (8 * i)) & 0xffU);
        }
        update(len, 8);
        digest_type out{};
        for (std::size_t i = 0; i < 4; ++i) {
            for (std::size_t j = 0; j < 4; ++j) {
                out[4 * i + j] = static_cast<unsigned char>((state_[i] >> (8 * j)) & 0xffU);
            }
        }
        return out;
    }

private:
    static constexpr std::uint32_t rotl(std::uint32_t x, unsigned n) noexcept {
        return (x << n) | (x >> (32U - n));
    }

    void compress() noexcept {
        // T[i] = floor(2^32 * |sin(i + 1)|), RFC 1321 section 3.4.
        static constexpr std::uint32_t t[64] = {
            0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
            0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
            0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
            0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
            0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
            0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
            0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
            0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
            0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
            0xeb86d391};
        static constexpr unsigned shift[4][4] = {
            {7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};
        std::uint32_t x[16];
        for (std::size_t i = 0; i < 16; ++i) {
            x[i] = std::uint32_t{block_[4 * i]} | (std::uint32_t{block_[4 * i + 1]} << 8) |
                   (std::uint32_t{block_[4 * i + 2]} << 16) |
                   (std::uint32_t{block_[4 * i + 3]} << 24);
        }
        std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
        for (std::size_t i = 0; i < 64; ++i) {
            std::uint32_t f = 0;
            std::size_t g = 0;
            const std::size_t round = i / 16;
            if (round == 0) {
                f = (b & c) | (~b & d);
                g = i;
            } else if (round == 1) {
                f = (d & b) | (~d & c);
                g = (5 * i + 1) % 16;
            } else if (round == 2) {
                f = b ^ c ^ d;
                g = (3 * i + 5) % 16;
            } else {
                f = c ^ (b | ~d);
                g = (7 * i) % 16;
            }
            const std::uint32_t next = b + rotl(a + f + t[i] + x[g], shift[round][i % 4]);
            a = d;
            d = c;
            c = b;
            b = next;
        }
        state_[0] += a;
        state_[1] += b;
        state_[2] += c;
        state_[3] += d;
    }

    std::uint32_t state_[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    std::array<unsigned char, 64> block_{};
    std::size_t fill_ = 0;
    std::uint64_t length_ = 0;
};

} // namespace detail
CBPQ_END_NAMESPACE

#endif
