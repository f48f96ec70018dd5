// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DETAIL_UNION_FIND_HPP
#define CBPQ_DETAIL_UNION_FIND_HPP

#include "../config.hpp"
#include "large_pages.hpp"

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE
namespace detail {

// Disjoint sets over 0..n-1 with union by size and path halving (Tarjan and van Leeuwen 1984):
// near-constant amortised time per operation. Elements are only ever appended.
class union_find {
public:
    std::uint32_t add() {
        const auto id = static_cast<std::uint32_t>(parent_.size());
        parent_.push_back(id);
        size_.push_back(1);
        return id;
    }

    void reserve(std::size_t n) {
        parent_.reserve(n);
        size_.reserve(n);
    }

    [[nodiscard]] std::size_t size() const noexcept { return parent_.size(); }

    std::uint32_t find(std::uint32_t x) noexcept {
        while (parent_[x] != x) {
            parent_[x] = parent_[parent_[x]];
            x = parent_[x];
        }
        return x;
    }

    // Root of x without compressing (for const callers).
    [[nodiscard]] std::uint32_t find_const(std::uint32_t x) const noexcept {
        while (parent_[x] != x) {
            x = parent_[x];
        }
        return x;
    }

    // Joins the sets of a and b; returns the new root (the root of the larger set).
    std::uint32_t unite(std::uint32_t a, std::uint32_t b) noexcept {
        a = find(a);
        b = find(b);
        if (a == b) {
            return a;
        }
        if (size_[a] < size_[b]) {
            std::swap(a, b);
        }
        parent_[b] = a;
        size_[a] += size_[b];
        return a;
    }

    [[nodiscard]] std::uint32_t set_size(std::uint32_t x) const noexcept {
        return size_[find_const(x)];
    }

private:
    large_vector<std::uint32_t> parent_;
    large_vector<std::uint32_t> size_;
};

} // namespace detail
CBPQ_END_NAMESPACE

#endif
