// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_RFC3797_HPP
#define CBPQ_RFC3797_HPP

/// \file
/// Selection exactly as RFC 3797 ("Publicly Verifiable Nominations Committee (NomCom) Random
/// Selection", D. Eastlake, 2004) section 4 specifies it, for compatibility with processes that
/// mandate it. It selects from a published, ordered pool, so its result depends on that order
/// and on the pool's size; cbpq's keyed draw (random.hpp, draw.hpp) depends on neither. MD5 is
/// used because the RFC says so, not for security.

#include "detail/md5.hpp"
#include "error.hpp"
#include "random.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

CBPQ_BEGIN_NAMESPACE

/// One RFC 3797 selection step.
struct rfc3797_step {
    /// 1-based number of the selection (step i of the RFC is number i + 1).
    std::size_t number = 0;
    /// MD5(BE16(i) || key string || BE16(i)).
    std::array<unsigned char, 16> digest{};
    /// How many pool entries were still unselected before this step.
    std::size_t remaining = 0;
    /// 1-based position of the selected entry among those remaining (digest mod remaining,
    /// plus one).
    std::size_t position = 0;
    /// 0-based index of the selected entry in the published pool order.
    std::size_t pool_index = 0;
};

/// Largest pool RFC 3797 selection accepts here: the step counter is two bytes, and cbpq
/// refuses pools it could not exhaust.
inline constexpr std::size_t rfc3797_max_pool = 65535;

/// Selects `count` entries from a pool of `pool_size` in published order, from an RFC 3797 key
/// string (see public_values_key). Throws invalid_input when the pool is empty or larger than
/// rfc3797_max_pool, or count exceeds the pool. O(count * pool_size) (the pool is small).
[[nodiscard]] inline std::vector<rfc3797_step>
rfc3797_select(std::size_t pool_size, std::string_view key_string, std::size_t count) {
    if (pool_size == 0 || pool_size > rfc3797_max_pool) {
        detail::throw_invalid_input("pool", "size",
                                    "pool size " + std::to_string(pool_size) + " is outside 1.." +
                                        std::to_string(rfc3797_max_pool));
    }
    if (count > pool_size) {
        detail::throw_invalid_input("selection", "count",
                                    "cannot select " + std::to_string(count) + " from a pool of " +
                                        std::to_string(pool_size));
    }
    std::vector<std::size_t> left(pool_size);
    for (std::size_t i = 0; i < pool_size; ++i) {
        left[i] = i;
    }
    std::vector<rfc3797_step> steps;
    steps.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const unsigned char prefix[2] = {static_cast<unsigned char>((i >> 8) & 0xffU),
                                         static_cast<unsigned char>(i & 0xffU)};
        detail::md5 h;
        h.update(prefix, 2);
        h.update(key_string);
        h.update(prefix, 2);
        rfc3797_step step;
        step.number = i + 1;
        step.digest = h.finish();
        step.remaining = left.size();
        // The digest as a 128-bit big-endian integer, reduced modulo the count remaining.
        std::uint64_t r = 0;
        for (const unsigned char byte : step.digest) {
            r = (r * 256U + byte) % step.remaining;
        }
        step.position = static_cast<std::size_t>(r) + 1;
        step.pool_index = left[static_cast<std::size_t>(r)];
        left.erase(left.begin() + static_cast<std::ptrdiff_t>(r));
        steps.push_back(step);
    }
    return steps;
}

/// rfc3797_select with the key string made from public source values (public_values_key).
[[nodiscard]] inline std::vector<rfc3797_step>
rfc3797_select_from_sources(std::size_t pool_size, std::string_view sources, std::size_t count) {
    return rfc3797_select(pool_size, public_values_key(sources), count);
}

CBPQ_END_NAMESPACE

#endif
