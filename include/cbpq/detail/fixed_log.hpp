// SPDX-License-Identifier: BSL-1.0
// -ln(u) for the keyed uniform u of an entrant, from integer operations only, so that the
// weighted draw reproduces bit for bit on every compiler, library and platform: no libm, and
// no floating-point operation that a compiler may contract into a fused multiply-add
// (det_log in stats.hpp evaluates a polynomial in binary64, which GCC in its default GNU mode
// and any compiler targeting ARMv8 may fuse). docs/policies.md, "The logarithm", specifies
// each step; docs/randomness_check.py re-implements it from that text.
#ifndef CBPQ_DETAIL_FIXED_LOG_HPP
#define CBPQ_DETAIL_FIXED_LOG_HPP

#include "../config.hpp"

#include <bit>
#include <cstdint>

CBPQ_BEGIN_NAMESPACE
namespace detail {

// round(ln 2 x 2^64).
inline constexpr std::uint64_t ln2_q64 = 0xb17217f7d1cf79acULL;

// High 64 bits of a 64 x 64 -> 128-bit product, and the low bits in `lo`.
constexpr std::uint64_t mul_128(std::uint64_t a, std::uint64_t b, std::uint64_t& lo) noexcept {
#if defined(__SIZEOF_INT128__)
    __extension__ using wide = unsigned __int128;
    const wide p = static_cast<wide>(a) * b;
    lo = static_cast<std::uint64_t>(p);
    return static_cast<std::uint64_t>(p >> 64);
#else
    const std::uint64_t a0 = a & 0xffffffffU, a1 = a >> 32;
    const std::uint64_t b0 = b & 0xffffffffU, b1 = b >> 32;
    const std::uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const std::uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffU) + (p10 & 0xffffffffU);
    lo = (mid << 32) | (p00 & 0xffffffffU);
    return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

// -ln(u) in units of 2^-57, u = unit_interval(k) = x / 2^53 with x = 2 (k >> 12) + 1:
// log2 of x by repeated squaring (58 fraction bits), then times ln 2. Monotone: a larger x
// never gives a larger result. Always >= 1 and < 2^63.
constexpr std::uint64_t neg_log_unit_q57(std::uint64_t k) noexcept {
    const std::uint64_t x = ((k >> 12) << 1) | 1U;
    const int j = 63 - std::countl_zero(x); // 0..52
    std::uint64_t z = x << (62 - j);        // x / 2^j in [1, 2) as Q62
    std::uint64_t f = 0;
    for (int i = 0; i < 58; ++i) {
        std::uint64_t lo = 0;
        const std::uint64_t hi = mul_128(z, z, lo);
        z = (hi << 2) | (lo >> 62); // z^2 / 2^62, in [2^62, 2^64)
        const std::uint64_t bit = z >> 63;
        z >>= bit;
        f = (f << 1) | bit;
    }
    const std::uint64_t t = (static_cast<std::uint64_t>(53 - j) << 58) - f; // -log2 u, Q58
    std::uint64_t lo = 0;
    return mul_128(t, ln2_q64, lo) >> 1; // t ln 2 / 2^65: -ln u, Q57
}

// E = -ln(unit_interval(k)) as binary64: the Q57 integer rounded to the nearest double (ties to
// even), times 2^-57 (exact).
constexpr double neg_log_unit(std::uint64_t k) noexcept {
    return static_cast<double>(static_cast<std::int64_t>(neg_log_unit_q57(k))) * 0x1p-57;
}

} // namespace detail
CBPQ_END_NAMESPACE

#endif
