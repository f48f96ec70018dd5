// SPDX-License-Identifier: BSL-1.0
// The Merkle-Damgard framing shared by MD5 (RFC 1321) and SHA-256 (FIPS 180-4): 64-byte
// blocks, a 0x80 byte, zeros up to 56 mod 64, then the message length in bits as 8 bytes
// (little-endian for MD5, big-endian for SHA-256).
#ifndef CBPQ_DETAIL_BLOCK_HASH_HPP
#define CBPQ_DETAIL_BLOCK_HASH_HPP

#include "bytes.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

CBPQ_BEGIN_NAMESPACE
namespace detail {

template <class Derived, bool BigEndianLength>
class block_hash {
public:
    Derived& update(const void* data, std::size_t size) noexcept {
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
                static_cast<Derived*>(this)->compress(block_.data());
                fill_ = 0;
            }
        }
        return static_cast<Derived&>(*this);
    }

    Derived& update(std::string_view text) noexcept { return update(text.data(), text.size()); }

protected:
    // Appends the padding and the length; the derived class then writes out its state.
    void pad() noexcept {
        const std::uint64_t bits = length_ * 8U;
        const unsigned char marker = 0x80;
        update(&marker, 1);
        const unsigned char zero = 0;
        while (fill_ != 56) {
            update(&zero, 1);
        }
        unsigned char len[8];
        for (std::size_t i = 0; i < 8; ++i) {
            const std::size_t shift = BigEndianLength ? 8 * (7 - i) : 8 * i;
            len[i] = static_cast<unsigned char>((bits >> shift) & 0xffU);
        }
        update(len, 8);
    }

private:
    std::array<unsigned char, 64> block_{};
    std::size_t fill_ = 0;
    std::uint64_t length_ = 0;
};

} // namespace detail
CBPQ_END_NAMESPACE

#endif
