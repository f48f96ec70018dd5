// SPDX-License-Identifier: BSL-1.0
// Pass one of every draw policy: each entrant visited once with its key, keys computed a block
// at a time (SIMD lanes for integer ids), and the exact duplicate-id check. Policies reuse
// keyed_pass and put their own per-entrant work in the visitor.
#ifndef CBPQ_DETAIL_DRAW_PASS_HPP
#define CBPQ_DETAIL_DRAW_PASS_HPP

#include "../error.hpp"
#include "../random.hpp"
#include "lane_keys.hpp"
#include "large_pages.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <ranges>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE
namespace detail {

// Uninitialised storage for n keys. Stores of 32 MiB and more (pools above about four million
// entrants) are 2 MiB aligned and, on Linux, marked for transparent huge pages: glibc's malloc
// maps allocations that large afresh every time, and faulting 80 MB (ten million entrants) in
// 4 KiB pages cost more than the whole draw on the benchmark virtual machine (docs/draw.md),
// against about 40 faults with huge pages. Smaller stores come from malloc, which reuses freed
// memory from draw to draw. The large ones come from allocate_large_block (large_pages.hpp);
// define CBPQ_NO_HUGE_PAGES to skip the hint.
class key_store {
public:
    key_store() = default;
    key_store(key_store&& o) noexcept
        : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
    key_store& operator=(key_store&& o) noexcept {
        if (this != &o) {
            release();
            data_ = std::exchange(o.data_, nullptr);
            size_ = std::exchange(o.size_, 0);
        }
        return *this;
    }
    key_store(const key_store&) = delete;
    key_store& operator=(const key_store&) = delete;
    ~key_store() { release(); }

    explicit key_store(std::size_t n) {
        const std::size_t bytes = std::max<std::size_t>(n, 1) * sizeof(std::uint64_t);
        if (is_large(bytes)) {
            data_ = static_cast<std::uint64_t*>(allocate_large_block(bytes));
            size_ = large_block_size(bytes) / sizeof(std::uint64_t);
            return;
        }
        data_ = static_cast<std::uint64_t*>(std::malloc(bytes));
        if (data_ == nullptr) {
            throw std::bad_alloc();
        }
        size_ = bytes / sizeof(std::uint64_t);
    }

    [[nodiscard]] std::uint64_t* data() const noexcept { return data_; }
    // How many keys it holds (at least the n asked for).
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
    // Stores this large come from allocate_large_block, smaller ones from malloc (a large store
    // only grows by rounding, so its size tells which).
    static constexpr bool is_large(std::size_t bytes) noexcept {
        return bytes >= 16 * huge_page_bytes;
    }

    void release() noexcept {
        if (is_large(size_ * sizeof(std::uint64_t))) {
            release_large_block(data_);
        } else {
            std::free(data_);
        }
        data_ = nullptr;
        size_ = 0;
    }

    std::uint64_t* data_ = nullptr;
    std::size_t size_ = 0;
};

// The memory of a repeated_key_finder. A draw without a workspace makes one and drops it; a
// draw_workspace (draw.hpp) keeps one from draw to draw, so that the store, the largest
// buffer of a draw, is faulted in once. Every field is rewritten before it is read: nothing
// carries over from one draw to the next but capacity.
struct key_scratch {
    key_store store;
    std::vector<std::size_t> fill;
    std::vector<std::uint64_t> overflow;
    std::vector<std::uint64_t> table;

    [[nodiscard]] std::size_t bytes() const noexcept {
        return store.size() * sizeof(std::uint64_t) + fill.capacity() * sizeof(std::size_t) +
               (overflow.capacity() + table.capacity()) * sizeof(std::uint64_t);
    }

    void clear() noexcept {
        store = key_store();
        std::vector<std::size_t>().swap(fill);
        std::vector<std::uint64_t>().swap(overflow);
        std::vector<std::uint64_t>().swap(table);
    }
};

// Finds, exactly, every 64-bit key added more than once. Keys are appended to 2^b partitions
// by their top b bits (about 4,096 keys each), all in one allocation of about 8 bytes per key
// (a region per partition sized for the binomial spread, and an overflow list for the rare
// excess); afterwards each partition is checked alone with a small open-addressing table that
// stays in cache. O(n) time, no random access over the whole pool. The memory comes from a
// key_scratch: an existing store is reused, with regions as large as it allows, if they leave
// room for the mean plus four standard deviations (pools a few per cent larger than the one
// it was made for); otherwise it is replaced by one sized for the mean plus eight. The result
// does not depend on the layout, only the rare overflow does.
class repeated_key_finder {
public:
    repeated_key_finder(std::size_t expected, key_scratch& scratch) : s_(scratch) {
        const std::size_t parts = std::clamp<std::size_t>(
            std::bit_ceil(std::max<std::size_t>(expected / 4096, 1)), 16, 4096);
        bits_ = std::countr_zero(parts);
        const std::size_t mean = expected / parts;
        const auto sd = static_cast<std::size_t>(std::sqrt(static_cast<double>(mean)));
        if (s_.store.size() / parts < mean + 4 * sd + 32) {
            // Free the old store first: the peak is one store, and a failed allocation leaves
            // an empty scratch, ready for the next draw.
            s_.store = key_store();
            s_.store = key_store(parts * (mean + 8 * sd + 32));
        }
        region_ = s_.store.size() / parts;
        typical_ = mean + 8 * sd + 32;
        s_.fill.assign(parts, 0);
        s_.overflow.clear();
    }

    void add(const std::uint64_t* keys, std::size_t n) {
        const int shift = 64 - bits_;
        std::uint64_t* store = s_.store.data();
        std::size_t* fill = s_.fill.data();
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t k = keys[i];
            const auto p = static_cast<std::size_t>(k >> shift);
            if (CBPQ_LIKELY(fill[p] < region_)) {
                std::uint64_t* at = store + p * region_ + fill[p]++;
#if defined(__GNUC__) || defined(__clang__)
                __builtin_prefetch(at + 8, 1);
#endif
                *at = k;
            } else {
                s_.overflow.push_back(k);
            }
        }
    }

    // The keys seen more than once, sorted, each once.
    [[nodiscard]] std::vector<std::uint64_t> finish() {
        std::vector<std::uint64_t> repeated;
        std::vector<std::uint64_t>& overflow = s_.overflow;
        const std::vector<std::size_t>& fill = s_.fill;
        // Overflow keys sorted by key are grouped by partition (the top bits).
        std::sort(overflow.begin(), overflow.end());
        const int shift = 64 - bits_;
        const std::size_t parts = fill.size();
        std::size_t largest = 2;
        for (std::size_t p = 0; p < parts; ++p) {
            largest = std::max(largest, fill[p]);
        }
        largest += overflow.size();
        // One table for every partition, at most an eighth full (few probes, few
        // mispredictions). A slot whose key belongs to another partition counts as empty, so
        // the table is never cleared between partitions: it starts filled with keys of the
        // last partition, and is refilled with keys of partition 0 before the last one.
        const std::size_t size = std::bit_ceil(largest * 8);
        const int tshift = 64 - std::countr_zero(size);
        std::vector<std::uint64_t>& table = s_.table;
        table.assign(size, ~std::uint64_t{0});
        std::size_t extra = 0;
        for (std::size_t p = 0; p < parts; ++p) {
            std::size_t extra_end = extra;
            while (extra_end < overflow.size() &&
                   static_cast<std::size_t>(overflow[extra_end] >> shift) == p) {
                ++extra_end;
            }
            if (p + 1 == parts && parts > 1) {
                std::fill(table.begin(), table.end(), 0);
            }
            std::uint64_t* t = table.data();
            const std::size_t mask = size - 1;
            auto insert = [&](std::uint64_t k) {
                auto at = static_cast<std::size_t>((k << bits_) >> tshift);
                for (;;) {
                    const std::uint64_t v = t[at];
                    if (static_cast<std::size_t>(v >> shift) != p) {
                        t[at] = k;
                        return;
                    }
                    if (CBPQ_UNLIKELY(v == k)) {
                        repeated.push_back(k);
                        return;
                    }
                    at = (at + 1) & mask;
                }
            };
            const std::uint64_t* keys = s_.store.data() + p * region_;
            for (std::size_t i = 0; i < fill[p]; ++i) {
                insert(keys[i]);
            }
            for (std::size_t i = extra; i < extra_end; ++i) {
                insert(overflow[i]);
            }
            extra = extra_end;
        }
        std::sort(repeated.begin(), repeated.end());
        repeated.erase(std::unique(repeated.begin(), repeated.end()), repeated.end());
        return repeated;
    }

    // Keys per partition region (for tests).
    [[nodiscard]] std::size_t region() const noexcept { return region_; }

    // Allocates now the table finish() will most likely need.
    void reserve_table() { s_.table.reserve(std::bit_ceil(std::min(region_, typical_) * 8)); }

private:
    key_scratch& s_;
    std::size_t region_ = 0;
    std::size_t typical_ = 0;
    int bits_ = 0;
};

template <class Id>
[[noreturn]] void throw_duplicate(const Id& id) {
    std::string text;
    if constexpr (integer_id<Id>) {
        text = std::to_string(id);
    } else {
        text = std::string(std::string_view(id));
    }
    throw_invalid_input("entrant " + text, "id", "entrant id appears more than once");
}

// Given (key, entrant) pairs, throws for the equal ids among them with the smallest key. Pairs
// with equal keys but different ids (a 64-bit collision) are not duplicates.
template <class It, class IdProj>
void throw_first_duplicate(std::vector<std::pair<std::uint64_t, It>>& found, IdProj& id_proj) {
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < found.size(); ++i) {
        for (std::size_t j = i + 1; j < found.size() && found[j].first == found[i].first; ++j) {
            if (compare_ids(std::invoke(id_proj, *found[i].second),
                            std::invoke(id_proj, *found[j].second)) == 0) {
                throw_duplicate(std::invoke(id_proj, *found[i].second));
            }
        }
    }
}

// Calls visit(iterator, key, tag) for every entrant in input order and returns how many there
// were; tag is prepare(iterator), a std::size_t computed while the entrant's id is read for its
// key (so that reading the rest of the record overlaps the memory traffic of the pass, and the
// visit after the keys works on small values). A visitor that finds a record invalid should
// have prepare return a tag that says so and throw in visit, so that its errors come in input
// order whatever the blocks; an exception from prepare (a host projection's) propagates. Integer
// ids are gathered 256 at a time and keyed together (batch_keys: AVX-512, AVX2 or scalar, the same
// keys on every path); string ids one at a time. With `check_duplicates`, throws invalid_input
// (field "id") after the pass if an id appears twice: the keys go to a repeated_key_finder, and
// only if some key repeats does a second pass recompute the keys to find those entrants and compare
// their ids. The finder's memory comes from `scratch` (a draw_workspace's) when it is not null,
// else from a scratch of this call. Exceptions from `visit` propagate at once.
template <std::ranges::forward_range R, class IdProj, class Prepare, class Visit>
std::uint64_t keyed_pass_tagged(const R& entrants, const draw_key& key, IdProj& id_proj,
                                bool check_duplicates, key_scratch* scratch, Prepare&& prepare,
                                Visit&& visit) {
    using ref = std::ranges::range_reference_t<const R>;
    using raw_id = std::remove_cvref_t<std::invoke_result_t<IdProj&, ref>>;
    using It = std::ranges::iterator_t<const R>;
    constexpr std::size_t block = 256;

    // Calls each(its, keys, tags, n) per block; with_tags = false skips prepare.
    auto blocks = [&](bool with_tags, auto&& each) {
        auto it = std::ranges::begin(entrants);
        const auto last = std::ranges::end(entrants);
        It its[block];
        std::uint64_t keys[block];
        std::size_t tags[block];
        if constexpr (integer_id<raw_id>) {
            const batch_keys_fn fn = best_batch_keys();
            std::uint64_t values[block];
            while (it != last) {
                std::size_t n = 0;
                for (; n < block && it != last; ++n, ++it) {
                    its[n] = it;
                    values[n] = integer_id_parts(std::invoke(id_proj, *it)).second;
                    if (with_tags) {
                        tags[n] = prepare(it);
                    }
                }
                fn(key.k0(), key.k1(), values, n, std::is_signed_v<raw_id>, keys);
                each(its, keys, tags, n);
            }
        } else {
            while (it != last) {
                std::size_t n = 0;
                for (; n < block && it != last; ++n, ++it) {
                    its[n] = it;
                    keys[n] = key.entrant_key(std::invoke(id_proj, *it));
                    if (with_tags) {
                        tags[n] = prepare(it);
                    }
                }
                each(its, keys, tags, n);
            }
        }
    };

    std::optional<key_scratch> own;
    std::optional<repeated_key_finder> finder;
    if (check_duplicates) {
        if (scratch == nullptr) {
            scratch = &own.emplace();
        }
        // One cheap walk sizes the store when the range cannot say.
        finder.emplace(static_cast<std::size_t>(std::ranges::distance(entrants)), *scratch);
    }
    std::uint64_t count = 0;
    blocks(true,
           [&](const It* its, const std::uint64_t* keys, const std::size_t* tags, std::size_t n) {
               if (finder) {
                   finder->add(keys, n);
               }
               for (std::size_t i = 0; i < n; ++i) {
                   visit(its[i], keys[i], tags[i]);
               }
               count += n;
           });
    if (finder) {
        const std::vector<std::uint64_t> repeated = finder->finish();
        finder.reset();
        own.reset(); // a draw without a workspace holds the store no longer than it must
        if (!repeated.empty()) {
            std::vector<std::pair<std::uint64_t, It>> found;
            blocks(false, [&](const It* its, const std::uint64_t* keys, const std::size_t*,
                              std::size_t n) {
                for (std::size_t i = 0; i < n; ++i) {
                    if (std::binary_search(repeated.begin(), repeated.end(), keys[i])) {
                        found.emplace_back(keys[i], its[i]);
                    }
                }
            });
            throw_first_duplicate(found, id_proj);
        }
    }
    return count;
}

// keyed_pass_tagged for a visitor of (iterator, key) alone.
template <std::ranges::forward_range R, class IdProj, class Visit>
std::uint64_t keyed_pass(const R& entrants, const draw_key& key, IdProj& id_proj,
                         bool check_duplicates, key_scratch* scratch, Visit&& visit) {
    using It = std::ranges::iterator_t<const R>;
    return keyed_pass_tagged(
        entrants, key, id_proj, check_duplicates, scratch,
        [](const It&) noexcept { return std::size_t{0}; },
        [&](const It& at, std::uint64_t k, std::size_t) { visit(at, k); });
}

} // namespace detail
CBPQ_END_NAMESPACE

#endif
