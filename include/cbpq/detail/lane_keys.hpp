// SPDX-License-Identifier: BSL-1.0
// SipHash-2-4 of many short messages at once: entrant keys of integer ids (the same function
// as draw_key::entrant_key: tag byte, 8 bytes big-endian, 9 bytes in all) and keyed_stream
// words. Only the schedule differs from the one-at-a-time functions: eight independent lanes
// in one AVX-512 register, four in an AVX2 register, or one at a time. Chosen from what the
// CPU reports, so results never depend on it (tests compare every available path with the
// scalar one). Define CBPQ_NO_SIMD to keep only the scalar path, in every translation unit of
// a program (chosen_lane_hash is one function shared by all of them).
#ifndef CBPQ_DETAIL_LANE_KEYS_HPP
#define CBPQ_DETAIL_LANE_KEYS_HPP

#include "siphash.hpp"

#include <cstddef>
#include <cstdint>

#if !defined(CBPQ_NO_SIMD) && (defined(__x86_64__) || defined(_M_X64)) &&                          \
    (defined(__GNUC__) || defined(__clang__))
#define CBPQ_LANE_KEYS_X86 1
#include <immintrin.h>
#endif

CBPQ_BEGIN_NAMESPACE
namespace detail {

// Eight SipHash-2-4 values that share the state `start` (the key, and any message words
// before the last two) and differ only in their last two message words:
// out[i] = finish(absorb(absorb(start, m1[i]), m2[i])). An entrant key is one from the initial
// state (m1: tag and the id's top 7 bytes, m2: its low byte and the length 9; lane_key_words);
// a keyed_stream word is one from the state after the stream's first block.
using lane_hash_fn = void (*)(const siphash_state& start, const std::uint64_t* m1,
                              const std::uint64_t* m2, std::uint64_t* out);

inline void lane_hash_scalar(const siphash_state& start, const std::uint64_t* m1,
                             const std::uint64_t* m2, std::uint64_t* out) {
    for (std::size_t i = 0; i < 8; ++i) {
        siphash_state s = start;
        s.absorb(m1[i]);
        s.absorb(m2[i]);
        out[i] = s.finish();
    }
}

// The two message words of the entrant keys of eight integer ids (values as 64-bit two's
// complement; tags 'I' or 'N' per lane): the 9-byte message tag || value big-endian.
inline void lane_key_words(const std::uint64_t* values, const std::uint64_t* tags,
                           std::uint64_t* m1, std::uint64_t* m2) noexcept {
    for (std::size_t i = 0; i < 8; ++i) {
        m1[i] = tags[i] | (reverse_bytes64(values[i]) << 8);
        m2[i] = (std::uint64_t{9} << 56) | (values[i] & 0xffU);
    }
}

#ifdef CBPQ_LANE_KEYS_X86

// GCC 12's avx512fintrin.h initialises its "undefined" vectors from themselves, which
// -Wuninitialized reports inside every inlined intrinsic; the warning is about the header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

__attribute__((target("avx512f"))) inline void lane_hash_avx512(const siphash_state& start,
                                                                const std::uint64_t* m1_words,
                                                                const std::uint64_t* m2_words,
                                                                std::uint64_t* out) {
    const __m512i m1 = _mm512_loadu_si512(m1_words);
    const __m512i m2 = _mm512_loadu_si512(m2_words);
    __m512i v0 = _mm512_set1_epi64(static_cast<long long>(start.v0));
    __m512i v1 = _mm512_set1_epi64(static_cast<long long>(start.v1));
    __m512i v2 = _mm512_set1_epi64(static_cast<long long>(start.v2));
    __m512i v3 = _mm512_set1_epi64(static_cast<long long>(start.v3));
    auto round = [&]() __attribute__((target("avx512f"), always_inline)) {
        v0 = _mm512_add_epi64(v0, v1);
        v1 = _mm512_rol_epi64(v1, 13);
        v1 = _mm512_xor_si512(v1, v0);
        v0 = _mm512_rol_epi64(v0, 32);
        v2 = _mm512_add_epi64(v2, v3);
        v3 = _mm512_rol_epi64(v3, 16);
        v3 = _mm512_xor_si512(v3, v2);
        v0 = _mm512_add_epi64(v0, v3);
        v3 = _mm512_rol_epi64(v3, 21);
        v3 = _mm512_xor_si512(v3, v0);
        v2 = _mm512_add_epi64(v2, v1);
        v1 = _mm512_rol_epi64(v1, 17);
        v1 = _mm512_xor_si512(v1, v2);
        v2 = _mm512_rol_epi64(v2, 32);
    };
    v3 = _mm512_xor_si512(v3, m1);
    round();
    round();
    v0 = _mm512_xor_si512(v0, m1);
    v3 = _mm512_xor_si512(v3, m2);
    round();
    round();
    v0 = _mm512_xor_si512(v0, m2);
    v2 = _mm512_xor_si512(v2, _mm512_set1_epi64(0xff));
    round();
    round();
    round();
    round();
    _mm512_storeu_si512(out, _mm512_xor_si512(_mm512_xor_si512(v0, v1), _mm512_xor_si512(v2, v3)));
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

__attribute__((target("avx2"), always_inline)) inline __m256i lane_rotl_avx2(__m256i x, int b) {
    return _mm256_or_si256(_mm256_slli_epi64(x, b), _mm256_srli_epi64(x, 64 - b));
}

__attribute__((target("avx2"))) inline void lane_hash_avx2_half(const siphash_state& start,
                                                                const std::uint64_t* m1_words,
                                                                const std::uint64_t* m2_words,
                                                                std::uint64_t* out) {
    const __m256i m1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m1_words));
    const __m256i m2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m2_words));
    __m256i v0 = _mm256_set1_epi64x(static_cast<long long>(start.v0));
    __m256i v1 = _mm256_set1_epi64x(static_cast<long long>(start.v1));
    __m256i v2 = _mm256_set1_epi64x(static_cast<long long>(start.v2));
    __m256i v3 = _mm256_set1_epi64x(static_cast<long long>(start.v3));
    const __m256i rot16 = _mm256_setr_epi8(6, 7, 0, 1, 2, 3, 4, 5, 14, 15, 8, 9, 10, 11, 12, 13, 6,
                                           7, 0, 1, 2, 3, 4, 5, 14, 15, 8, 9, 10, 11, 12, 13);
    auto round = [&]() __attribute__((target("avx2"), always_inline)) {
        v0 = _mm256_add_epi64(v0, v1);
        v1 = lane_rotl_avx2(v1, 13);
        v1 = _mm256_xor_si256(v1, v0);
        v0 = _mm256_shuffle_epi32(v0, 0xb1); // rotate by 32
        v2 = _mm256_add_epi64(v2, v3);
        v3 = _mm256_shuffle_epi8(v3, rot16);
        v3 = _mm256_xor_si256(v3, v2);
        v0 = _mm256_add_epi64(v0, v3);
        v3 = lane_rotl_avx2(v3, 21);
        v3 = _mm256_xor_si256(v3, v0);
        v2 = _mm256_add_epi64(v2, v1);
        v1 = lane_rotl_avx2(v1, 17);
        v1 = _mm256_xor_si256(v1, v2);
        v2 = _mm256_shuffle_epi32(v2, 0xb1);
    };
    v3 = _mm256_xor_si256(v3, m1);
    round();
    round();
    v0 = _mm256_xor_si256(v0, m1);
    v3 = _mm256_xor_si256(v3, m2);
    round();
    round();
    v0 = _mm256_xor_si256(v0, m2);
    v2 = _mm256_xor_si256(v2, _mm256_set1_epi64x(0xff));
    round();
    round();
    round();
    round();
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out),
                        _mm256_xor_si256(_mm256_xor_si256(v0, v1), _mm256_xor_si256(v2, v3)));
}

__attribute__((target("avx2"))) inline void lane_hash_avx2(const siphash_state& start,
                                                           const std::uint64_t* m1,
                                                           const std::uint64_t* m2,
                                                           std::uint64_t* out) {
    lane_hash_avx2_half(start, m1, m2, out);
    lane_hash_avx2_half(start, m1 + 4, m2 + 4, out + 4);
}

#endif

// The fastest implementation this CPU runs.
inline lane_hash_fn best_lane_hash() noexcept {
#ifdef CBPQ_LANE_KEYS_X86
    if (__builtin_cpu_supports("avx512f")) {
        return &lane_hash_avx512;
    }
    if (__builtin_cpu_supports("avx2")) {
        return &lane_hash_avx2;
    }
#endif
    return &lane_hash_scalar;
}

// best_lane_hash(), chosen once per program (thread-safe; usable during static
// initialisation, as __builtin_cpu_init is called first).
inline lane_hash_fn chosen_lane_hash() noexcept {
    static const lane_hash_fn chosen = [] {
#ifdef CBPQ_LANE_KEYS_X86
        __builtin_cpu_init();
#endif
        return best_lane_hash();
    }();
    return chosen;
}

// Keys of a whole batch of integer ids: out[i] = key of values[i], any n. The tag of each id
// is 'I', or 'N' when `signed_ids` and the value's top bit is set (a negative id). Several
// independent SipHash states are interleaved so that the latency of one round is hidden by the
// others: four 8-lane AVX-512 vectors (32 keys), or two 4-lane AVX2 vectors (8 keys); the rest
// of a batch goes one at a time through the scalar function.
using batch_keys_fn = void (*)(std::uint64_t k0, std::uint64_t k1, const std::uint64_t* values,
                               std::size_t n, bool signed_ids, std::uint64_t* out);

[[nodiscard]] constexpr unsigned char integer_tag(std::uint64_t value, bool signed_ids) noexcept {
    return static_cast<unsigned char>(signed_ids && (value >> 63) != 0 ? 'N' : 'I');
}

inline void batch_keys_scalar(std::uint64_t k0, std::uint64_t k1, const std::uint64_t* values,
                              std::size_t n, bool signed_ids, std::uint64_t* out) {
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = siphash24_tagged_u64(k0, k1, integer_tag(values[i], signed_ids), values[i]);
    }
}

#ifdef CBPQ_LANE_KEYS_X86

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

__attribute__((target("avx512f"))) inline void batch_keys_avx512(std::uint64_t k0, std::uint64_t k1,
                                                                 const std::uint64_t* values,
                                                                 std::size_t n, bool signed_ids,
                                                                 std::uint64_t* out) {
    constexpr std::size_t ways = 4;
    const __m512i m8 = _mm512_set1_epi64(0x00ff00ff00ff00ffLL);
    const __m512i m16 = _mm512_set1_epi64(0x0000ffff0000ffffLL);
    const __m512i low = _mm512_set1_epi64(0xff);
    const __m512i len = _mm512_set1_epi64(static_cast<long long>(9ULL << 56));
    const __m512i tag_i = _mm512_set1_epi64('I');
    // 'N' - 'I' = 5, added where the value is negative (signed ids only).
    const __m512i tag_delta = _mm512_set1_epi64(signed_ids ? 'N' - 'I' : 0);
    const __m512i c0 = _mm512_set1_epi64(static_cast<long long>(k0 ^ 0x736f6d6570736575ULL));
    const __m512i c1 = _mm512_set1_epi64(static_cast<long long>(k1 ^ 0x646f72616e646f6dULL));
    const __m512i c2 = _mm512_set1_epi64(static_cast<long long>(k0 ^ 0x6c7967656e657261ULL));
    const __m512i c3 = _mm512_set1_epi64(static_cast<long long>(k1 ^ 0x7465646279746573ULL));
    std::size_t i = 0;
    for (; i + 8 * ways <= n; i += 8 * ways) {
        __m512i v0[ways], v1[ways], v2[ways], v3[ways], m1[ways], m2[ways];
        for (std::size_t j = 0; j < ways; ++j) {
            const __m512i id = _mm512_loadu_si512(values + i + 8 * j);
            // Byte reverse of each 64-bit lane: bytes within 16 bits, 16-bit halves within 32
            // bits, then the 32-bit halves.
            __m512i x = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi64(id, 8), m8),
                                        _mm512_slli_epi64(_mm512_and_si512(id, m8), 8));
            x = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi64(x, 16), m16),
                                _mm512_slli_epi64(_mm512_and_si512(x, m16), 16));
            x = _mm512_rol_epi64(x, 32);
            const __m512i neg = _mm512_sub_epi64(_mm512_setzero_si512(), _mm512_srli_epi64(id, 63));
            const __m512i tag = _mm512_add_epi64(tag_i, _mm512_and_si512(neg, tag_delta));
            m1[j] = _mm512_or_si512(_mm512_slli_epi64(x, 8), tag);
            m2[j] = _mm512_or_si512(_mm512_and_si512(id, low), len);
            v0[j] = c0;
            v1[j] = c1;
            v2[j] = c2;
            v3[j] = _mm512_xor_si512(c3, m1[j]);
        }
        auto round = [&]() __attribute__((target("avx512f"), always_inline)) {
            for (std::size_t j = 0; j < ways; ++j) {
                v0[j] = _mm512_add_epi64(v0[j], v1[j]);
                v1[j] = _mm512_rol_epi64(v1[j], 13);
                v1[j] = _mm512_xor_si512(v1[j], v0[j]);
                v0[j] = _mm512_rol_epi64(v0[j], 32);
                v2[j] = _mm512_add_epi64(v2[j], v3[j]);
                v3[j] = _mm512_rol_epi64(v3[j], 16);
                v3[j] = _mm512_xor_si512(v3[j], v2[j]);
                v0[j] = _mm512_add_epi64(v0[j], v3[j]);
                v3[j] = _mm512_rol_epi64(v3[j], 21);
                v3[j] = _mm512_xor_si512(v3[j], v0[j]);
                v2[j] = _mm512_add_epi64(v2[j], v1[j]);
                v1[j] = _mm512_rol_epi64(v1[j], 17);
                v1[j] = _mm512_xor_si512(v1[j], v2[j]);
                v2[j] = _mm512_rol_epi64(v2[j], 32);
            }
        };
        round();
        round();
        for (std::size_t j = 0; j < ways; ++j) {
            v0[j] = _mm512_xor_si512(v0[j], m1[j]);
            v3[j] = _mm512_xor_si512(v3[j], m2[j]);
        }
        round();
        round();
        for (std::size_t j = 0; j < ways; ++j) {
            v0[j] = _mm512_xor_si512(v0[j], m2[j]);
            v2[j] = _mm512_xor_si512(v2[j], low);
        }
        round();
        round();
        round();
        round();
        for (std::size_t j = 0; j < ways; ++j) {
            _mm512_storeu_si512(out + i + 8 * j, _mm512_xor_si512(_mm512_xor_si512(v0[j], v1[j]),
                                                                  _mm512_xor_si512(v2[j], v3[j])));
        }
    }
    batch_keys_scalar(k0, k1, values + i, n - i, signed_ids, out + i);
}

__attribute__((target("avx2"))) inline void batch_keys_avx2(std::uint64_t k0, std::uint64_t k1,
                                                            const std::uint64_t* values,
                                                            std::size_t n, bool signed_ids,
                                                            std::uint64_t* out) {
    constexpr std::size_t ways = 2;
    const __m256i rev = _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6,
                                         5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    const __m256i rot16 = _mm256_setr_epi8(6, 7, 0, 1, 2, 3, 4, 5, 14, 15, 8, 9, 10, 11, 12, 13, 6,
                                           7, 0, 1, 2, 3, 4, 5, 14, 15, 8, 9, 10, 11, 12, 13);
    const __m256i low = _mm256_set1_epi64x(0xff);
    const __m256i len = _mm256_set1_epi64x(static_cast<long long>(9ULL << 56));
    const __m256i tag_i = _mm256_set1_epi64x('I');
    const __m256i tag_delta = _mm256_set1_epi64x(signed_ids ? 'N' - 'I' : 0);
    const __m256i c0 = _mm256_set1_epi64x(static_cast<long long>(k0 ^ 0x736f6d6570736575ULL));
    const __m256i c1 = _mm256_set1_epi64x(static_cast<long long>(k1 ^ 0x646f72616e646f6dULL));
    const __m256i c2 = _mm256_set1_epi64x(static_cast<long long>(k0 ^ 0x6c7967656e657261ULL));
    const __m256i c3 = _mm256_set1_epi64x(static_cast<long long>(k1 ^ 0x7465646279746573ULL));
    std::size_t i = 0;
    for (; i + 4 * ways <= n; i += 4 * ways) {
        __m256i v0[ways], v1[ways], v2[ways], v3[ways], m1[ways], m2[ways];
        for (std::size_t j = 0; j < ways; ++j) {
            const __m256i id =
                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + i + 4 * j));
            const __m256i neg = _mm256_sub_epi64(_mm256_setzero_si256(), _mm256_srli_epi64(id, 63));
            const __m256i tag = _mm256_add_epi64(tag_i, _mm256_and_si256(neg, tag_delta));
            m1[j] = _mm256_or_si256(_mm256_slli_epi64(_mm256_shuffle_epi8(id, rev), 8), tag);
            m2[j] = _mm256_or_si256(_mm256_and_si256(id, low), len);
            v0[j] = c0;
            v1[j] = c1;
            v2[j] = c2;
            v3[j] = _mm256_xor_si256(c3, m1[j]);
        }
        auto round = [&]() __attribute__((target("avx2"), always_inline)) {
            for (std::size_t j = 0; j < ways; ++j) {
                v0[j] = _mm256_add_epi64(v0[j], v1[j]);
                v1[j] = lane_rotl_avx2(v1[j], 13);
                v1[j] = _mm256_xor_si256(v1[j], v0[j]);
                v0[j] = _mm256_shuffle_epi32(v0[j], 0xb1); // rotate by 32
                v2[j] = _mm256_add_epi64(v2[j], v3[j]);
                v3[j] = _mm256_shuffle_epi8(v3[j], rot16);
                v3[j] = _mm256_xor_si256(v3[j], v2[j]);
                v0[j] = _mm256_add_epi64(v0[j], v3[j]);
                v3[j] = lane_rotl_avx2(v3[j], 21);
                v3[j] = _mm256_xor_si256(v3[j], v0[j]);
                v2[j] = _mm256_add_epi64(v2[j], v1[j]);
                v1[j] = lane_rotl_avx2(v1[j], 17);
                v1[j] = _mm256_xor_si256(v1[j], v2[j]);
                v2[j] = _mm256_shuffle_epi32(v2[j], 0xb1);
            }
        };
        round();
        round();
        for (std::size_t j = 0; j < ways; ++j) {
            v0[j] = _mm256_xor_si256(v0[j], m1[j]);
            v3[j] = _mm256_xor_si256(v3[j], m2[j]);
        }
        round();
        round();
        for (std::size_t j = 0; j < ways; ++j) {
            v0[j] = _mm256_xor_si256(v0[j], m2[j]);
            v2[j] = _mm256_xor_si256(v2[j], low);
        }
        round();
        round();
        round();
        round();
        for (std::size_t j = 0; j < ways; ++j) {
            _mm256_storeu_si256(
                reinterpret_cast<__m256i*>(out + i + 4 * j),
                _mm256_xor_si256(_mm256_xor_si256(v0[j], v1[j]), _mm256_xor_si256(v2[j], v3[j])));
        }
    }
    batch_keys_scalar(k0, k1, values + i, n - i, signed_ids, out + i);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif

// The fastest batch implementation this CPU runs (checked once per call; cheap).
inline batch_keys_fn best_batch_keys() noexcept {
#ifdef CBPQ_LANE_KEYS_X86
    if (__builtin_cpu_supports("avx512f")) {
        return &batch_keys_avx512;
    }
    if (__builtin_cpu_supports("avx2")) {
        return &batch_keys_avx2;
    }
#endif
    return &batch_keys_scalar;
}

} // namespace detail
CBPQ_END_NAMESPACE

#endif
