// SPDX-License-Identifier: BSL-1.0
// detail::large_allocator: blocks of 4 MiB and more are 2 MiB aligned (everywhere) and marked for
// transparent huge pages (on Linux); smaller ones are ordinary; containers over it keep their
// values as they grow across the threshold. And the draw's key_store, which uses the same blocks.

#include <cbpq/detail/draw_pass.hpp>

#include <cbpq/detail/large_pages.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace {

using cbpq::detail::huge_page_bytes;
using cbpq::detail::large_allocator;
using cbpq::detail::large_block_bytes;

bool aligned_to(const void* p, std::size_t a) {
    return reinterpret_cast<std::uintptr_t>(p) % a == 0;
}

#if defined(CBPQ_DETAIL_HUGE_PAGES)
// The VmFlags line of the mapping that holds p, from /proc/self/smaps ("" if not found).
std::string vm_flags_of(const void* p) {
    std::ifstream in("/proc/self/smaps");
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
        const auto dash = line.find('-');
        const auto space = line.find(' ');
        if (dash != std::string::npos && space != std::string::npos && dash < space &&
            line.find_first_not_of("0123456789abcdef") == dash) {
            const std::uintptr_t lo = std::stoull(line.substr(0, dash), nullptr, 16);
            const std::uintptr_t hi =
                std::stoull(line.substr(dash + 1, space - dash - 1), nullptr, 16);
            inside = lo <= at && at < hi;
            continue;
        }
        if (inside && line.rfind("VmFlags:", 0) == 0) {
            return line;
        }
    }
    return "";
}

bool kernel_has_thp() {
    std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string mode;
    std::getline(in, mode);
    return mode.find("[never]") == std::string::npos && !mode.empty();
}
#endif

} // namespace

TEST_CASE("large_allocator: the threshold, rounding and alignment") {
    CHECK_FALSE(cbpq::detail::is_large_block(large_block_bytes - 1));
    CHECK(cbpq::detail::is_large_block(large_block_bytes));
    CHECK(cbpq::detail::large_block_size(large_block_bytes) == large_block_bytes);
    CHECK(cbpq::detail::large_block_size(large_block_bytes + 1) ==
          large_block_bytes + huge_page_bytes);
    CHECK(cbpq::detail::large_block_size(5 * huge_page_bytes - 1) == 5 * huge_page_bytes);

    large_allocator<std::uint64_t> a;
    // Below the threshold: an ordinary block, usable in full.
    const std::size_t small_n = large_block_bytes / sizeof(std::uint64_t) - 1;
    std::uint64_t* small = a.allocate(small_n);
    REQUIRE(small != nullptr);
    small[0] = 1;
    small[small_n - 1] = 2;
    CHECK(small[0] + small[small_n - 1] == 3);
    a.deallocate(small, small_n);

    // At and above it: 2 MiB aligned, every byte writable.
    for (const std::size_t n : {large_block_bytes / sizeof(std::uint64_t),
                                large_block_bytes / sizeof(std::uint64_t) + 12345}) {
        CAPTURE(n);
        std::uint64_t* p = a.allocate(n);
        REQUIRE(p != nullptr);
        CHECK(aligned_to(p, huge_page_bytes));
        for (std::size_t i = 0; i < n; i += 4096) {
            p[i] = i;
        }
        p[n - 1] = 7;
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < n; i += 4096) {
            sum += p[i] - i;
        }
        CHECK(sum == 0);
        CHECK(p[n - 1] == 7);
        a.deallocate(p, n);
    }
}

TEST_CASE("large_allocator: over-aligned types, equality, rebinding, impossible sizes") {
    struct alignas(64) line {
        unsigned char b[64];
    };
    large_allocator<line> al;
    for (const std::size_t n : {std::size_t{1}, std::size_t{3}, large_block_bytes / 64 + 1}) {
        line* p = al.allocate(n);
        CHECK(aligned_to(p, 64));
        p[n - 1].b[63] = 9;
        CHECK(p[n - 1].b[63] == 9);
        al.deallocate(p, n);
    }
    large_allocator<int> ai(al); // rebinding copy
    CHECK(ai == large_allocator<int>());
    CHECK_FALSE(ai != large_allocator<int>());
    CHECK(ai == al); // across element types
    CHECK(al == ai);
    CHECK_THROWS_AS((void)ai.allocate(std::numeric_limits<std::size_t>::max() / 2),
                    std::bad_array_new_length);
    large_allocator<std::uint64_t> a64;
    CHECK_THROWS_AS((void)a64.allocate(std::numeric_limits<std::size_t>::max() / 8),
                    std::bad_array_new_length);
}

TEST_CASE("large_vector and a string over large_allocator keep their values across the threshold") {
    cbpq::detail::large_vector<std::uint32_t> v;
    const std::size_t n = 3 * large_block_bytes / sizeof(std::uint32_t) + 17;
    for (std::size_t i = 0; i < n; ++i) {
        v.push_back(static_cast<std::uint32_t>(i * 2654435761U));
    }
    bool same = true;
    for (std::size_t i = 0; i < n; ++i) {
        same = same && v[i] == static_cast<std::uint32_t>(i * 2654435761U);
    }
    CHECK(same);
    CHECK(aligned_to(v.data(), huge_page_bytes)); // the large path, not std::allocator's
    // Copies, moves and swaps between vectors of either size class.
    cbpq::detail::large_vector<std::uint32_t> small{1, 2, 3};
    auto copy = v;
    CHECK(copy == v);
    copy.swap(small);
    CHECK(small == v);
    CHECK(copy.size() == 3);
    v.clear();
    v.shrink_to_fit();
    CHECK(v.capacity() == 0);

    std::basic_string<char, std::char_traits<char>, large_allocator<char>> s;
    std::string expected;
    for (std::size_t i = 0; s.size() < large_block_bytes + 100; ++i) {
        const std::string piece = std::to_string(i) + ",";
        s.append(piece.data(), piece.size());
        expected += piece;
    }
    CHECK(std::string_view(s.data(), s.size()) == expected);
}

#if defined(CBPQ_DETAIL_HUGE_PAGES)
TEST_CASE("large_allocator: large blocks carry the huge-page hint, small ones do not need it") {
    if (!kernel_has_thp()) {
        MESSAGE("transparent huge pages are off or missing in this kernel: hint not checked");
        return;
    }
    large_allocator<char> a;
    const std::size_t n = large_block_bytes + 1;
    char* p = a.allocate(n);
    p[0] = 1;
    const std::string flags = vm_flags_of(p);
    CAPTURE(flags);
    if (flags.empty()) {
        MESSAGE("this kernel's /proc/self/smaps has no VmFlags for the block: hint not checked");
    } else {
        CHECK(flags.find(" hg") != std::string::npos); // madvise(MADV_HUGEPAGE) was applied
    }
    a.deallocate(p, n);
}
#endif

TEST_CASE("key_store: moves hand over the block once, from either allocator") {
    using cbpq::detail::key_store;
    // 32 MiB and more: the large path; below: malloc.
    const std::size_t big = 16 * huge_page_bytes / sizeof(std::uint64_t) + 1;
    for (const std::size_t n : {std::size_t{10}, big}) {
        CAPTURE(n);
        key_store a(n);
        REQUIRE(a.data() != nullptr);
        CHECK(a.size() >= n);
        if (n == big) {
            CHECK(aligned_to(a.data(), huge_page_bytes));
        }
        a.data()[0] = 5;
        a.data()[n - 1] = 6;
        std::uint64_t* const block = a.data();
        key_store b(std::move(a));
        CHECK(a.data() == nullptr); // NOLINT(bugprone-use-after-move): the moved-from state
        CHECK(a.size() == 0);
        CHECK(b.data() == block);
        key_store& alias = b;
        b = std::move(alias); // self-move keeps the block
        CHECK(b.data() == block);
        CHECK(b.data()[0] + b.data()[n - 1] == 11);
        key_store c(big + 10 - n); // the other allocator
        c = std::move(b);          // releases c's own block, takes b's
        CHECK(c.data() == block);
        CHECK(b.data() == nullptr); // NOLINT(bugprone-use-after-move)
        key_store empty;
        c = std::move(empty);
        CHECK(c.data() == nullptr);
    }
}
