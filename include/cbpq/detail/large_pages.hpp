// SPDX-License-Identifier: BSL-1.0
// Memory for cbpq's large arrays (an identity index's tables, a large draw's key store),
// aligned for and, on Linux, marked for transparent huge pages (madvise MADV_HUGEPAGE).
//
// Why: these arrays are written once across their whole length and then read at random. With
// 4 KiB pages every fresh page costs a fault (about 3 ms per MB written on the virtual machine
// of docs/duplicates.md) and every random read a likely TLB miss; a 2 MiB page covers 512 of
// them at once. Debian's kernel leaves transparent huge pages to `madvise` by default, so
// without the hint a process gets none.
//
// On every platform, blocks of at least large_block_bytes are rounded up to whole 2 MiB and
// 2 MiB aligned (up to about 4 MiB of extra address space each, never touched; a huge page is
// backed only when touched, but then wholly); smaller blocks come from std::allocator as
// before. Only the hint depends on the platform and on CBPQ_NO_HUGE_PAGES, which turns it off
// (e.g. on a system where transparent huge pages are unwelcome): allocation and release take the
// same path whatever the macro, so translation units built with and without it still agree.
// Only the placement changes, never a value.
#ifndef CBPQ_DETAIL_LARGE_PAGES_HPP
#define CBPQ_DETAIL_LARGE_PAGES_HPP

#include "../config.hpp"

#include <cstddef>
#include <limits>
#include <memory>
#include <new>
#include <vector>

#if defined(__linux__) && !defined(CBPQ_NO_HUGE_PAGES)
#include <sys/mman.h>
#define CBPQ_DETAIL_HUGE_PAGES 1
#endif

CBPQ_BEGIN_NAMESPACE
namespace detail {

// The size of a transparent huge page on x86-64 and (by default) AArch64 Linux.
inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;
// Blocks this large or larger are placed for huge pages (rounding wastes at most a third).
inline constexpr std::size_t large_block_bytes = 2 * huge_page_bytes;

// Whether a block of `bytes` takes the large path (same answer on allocation and release).
[[nodiscard]] constexpr bool is_large_block(std::size_t bytes) noexcept {
    return bytes >= large_block_bytes;
}

// `bytes` rounded up to whole huge pages (bytes >= large_block_bytes, so this cannot wrap
// unless bytes is within 2 MiB of the address space, which no allocation can be).
[[nodiscard]] constexpr std::size_t large_block_size(std::size_t bytes) noexcept {
    return (bytes + huge_page_bytes - 1) & ~(huge_page_bytes - 1);
}

// A 2 MiB aligned block of large_block_size(bytes), hinted for huge pages. Throws
// std::bad_alloc as operator new does.
[[nodiscard]] inline void* allocate_large_block(std::size_t bytes) {
    const std::size_t size = large_block_size(bytes);
    void* p = ::operator new (size, std::align_val_t{huge_page_bytes});
#if defined(CBPQ_DETAIL_HUGE_PAGES)
    (void)::madvise(p, size, MADV_HUGEPAGE); // a hint: failure leaves ordinary pages
#endif
    return p;
}

// Releases a block from allocate_large_block (through the unsized operator delete: Clang leaves
// sized deallocation off by default).
inline void release_large_block(void* p) noexcept {
    ::operator delete (p, std::align_val_t{huge_page_bytes});
}

// A standard allocator (stateless, all instances equal) that places blocks of at least
// large_block_bytes on huge pages and leaves smaller ones to std::allocator<T>.
template <class T>
class large_allocator {
public:
    using value_type = T;

    large_allocator() noexcept = default;
    template <class U>
    large_allocator(const large_allocator<U>&) noexcept {} // NOLINT: implicit, as the standard's

    [[nodiscard]] T* allocate(std::size_t n) {
        static_assert(alignof(T) <= huge_page_bytes);
        if (n > (std::numeric_limits<std::size_t>::max() - huge_page_bytes) / sizeof(T)) {
            throw std::bad_array_new_length();
        }
        const std::size_t bytes = n * sizeof(T);
        if (is_large_block(bytes)) {
            return static_cast<T*>(allocate_large_block(bytes));
        }
        return std::allocator<T>().allocate(n);
    }

    void deallocate(T* p, std::size_t n) noexcept {
        const std::size_t bytes = n * sizeof(T);
        if (is_large_block(bytes)) {
            release_large_block(p);
            return;
        }
        std::allocator<T>().deallocate(p, n);
    }
};

// Stateless: any two compare equal, also across element types (a rebound copy).
template <class T, class U>
constexpr bool operator==(const large_allocator<T>&, const large_allocator<U>&) noexcept {
    return true;
}

// A std::vector whose storage, once large, sits on huge pages.
template <class T>
using large_vector = std::vector<T, large_allocator<T>>;

} // namespace detail
CBPQ_END_NAMESPACE

#endif
