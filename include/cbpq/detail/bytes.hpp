// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DETAIL_BYTES_HPP
#define CBPQ_DETAIL_BYTES_HPP

#include "../config.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

CBPQ_BEGIN_NAMESPACE
namespace detail {

constexpr std::uint64_t load_le64(const unsigned char* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) {
        v = (v << 8) | p[i];
    }
    return v;
}

// The bytes of v in reverse order (what std::byteswap does in C++23; compilers emit bswap).
constexpr std::uint64_t reverse_bytes64(std::uint64_t v) noexcept {
    std::uint64_t r = 0;
    for (int i = 0; i < 8; ++i) {
        r = (r << 8) | (v & 0xffU);
        v >>= 8;
    }
    return r;
}

constexpr std::uint32_t load_be32(const unsigned char* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

constexpr void store_be64(unsigned char* p, std::uint64_t v) noexcept {
    for (int i = 7; i >= 0; --i) {
        p[i] = static_cast<unsigned char>(v & 0xffU);
        v >>= 8;
    }
}

constexpr void store_be32(unsigned char* p, std::uint32_t v) noexcept {
    for (int i = 3; i >= 0; --i) {
        p[i] = static_cast<unsigned char>(v & 0xffU);
        v >>= 8;
    }
}

constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

inline std::string to_hex(std::span<const unsigned char> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const unsigned char b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0x0fU];
    }
    return out;
}

inline std::string to_hex64(std::uint64_t v) {
    unsigned char b[8];
    store_be64(b, v);
    return to_hex(b);
}

// Decodes exactly out.size() bytes of hex; false on a wrong length or a non-hex digit.
inline bool from_hex(std::string_view text, std::span<unsigned char> out) noexcept {
    if (text.size() != out.size() * 2) {
        return false;
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_value(text[2 * i]);
        const int lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i] = static_cast<unsigned char>((hi << 4) | lo);
    }
    return true;
}

inline std::optional<std::string> hex_to_bytes(std::string_view text) {
    if (text.size() % 2 != 0) {
        return std::nullopt;
    }
    std::string out(text.size() / 2, '\0');
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_value(text[2 * i]);
        const int lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return std::nullopt;
        }
        out[i] = static_cast<char>((hi << 4) | lo);
    }
    return out;
}

} // namespace detail
CBPQ_END_NAMESPACE

#endif
