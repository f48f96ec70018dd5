// SPDX-License-Identifier: BSL-1.0
// Strong exception guarantees under allocation failure. This file replaces the global
// operator new and delete for the whole test binary (they forward to malloc and free); while a
// test arms `fail_after`, the allocation after that many others throws std::bad_alloc, so a
// test can make every allocation of an operation fail in turn and check that the object is
// left exactly as it was. Unarmed, the replacement behaves like the default one.
#include <cbpq/draw.hpp>
#include <cbpq/fairness.hpp>
#include <cbpq/simulate.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {

// Allocations left before the next one fails; negative: never fail. One thread only.
thread_local long fail_after = -1;

void* allocate(std::size_t n) {
    if (fail_after == 0) {
        fail_after = -1;
        throw std::bad_alloc();
    }
    if (fail_after > 0) {
        --fail_after;
    }
    if (void* p = std::malloc(n == 0 ? 1 : n)) {
        return p;
    }
    throw std::bad_alloc();
}

// Runs `op` on a copy of `before` with the k-th allocation failing, for k = 0, 1, ... until op
// completes without meeting the failure; after every failure the copy must equal `before`.
// Returns the number of allocation failures checked.
template <class T, class Op>
int check_strong(const T& before, Op op) {
    for (int k = 0; k < 10000; ++k) {
        T object = before;
        fail_after = k;
        try {
            op(object);
        } catch (const std::bad_alloc&) {
            fail_after = -1;
            CHECK(object == before);
            continue;
        }
        fail_after = -1;
        return k;
    }
    FAIL("the operation allocated more than 10,000 times");
    return -1;
}

} // namespace

// The replaceable allocation functions ([new.delete.single], [new.delete.array]), with their
// nothrow forms: memory from a nothrow new (std::stable_sort's buffer) is freed by the plain
// delete, so both must come from the same place (AddressSanitizer, which has its own, reports
// a mismatch otherwise). The aligned forms keep their defaults, new and delete alike.
void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    try {
        return allocate(n);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    try {
        return allocate(n);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

struct tally_eq {
    cbpq::category_tally t;
    friend bool operator==(const tally_eq& a, const tally_eq& b) {
        return std::vector<double>(a.t.observed().begin(), a.t.observed().end()) ==
                   std::vector<double>(b.t.observed().begin(), b.t.observed().end()) &&
               std::vector<double>(a.t.expected().begin(), a.t.expected().end()) ==
                   std::vector<double>(b.t.expected().begin(), b.t.expected().end());
    }
};

struct outcome_eq {
    cbpq::sim::port_outcome o;
    friend bool operator==(const outcome_eq& a, const outcome_eq& b) {
        return a.o.port == b.o.port && a.o.waits == b.o.waits && a.o.capacity == b.o.capacity &&
               tally_eq{a.o.party} == tally_eq{b.o.party} &&
               tally_eq{a.o.cohort} == tally_eq{b.o.cohort};
    }
};

cbpq::category_tally tally(std::size_t n, double base) {
    cbpq::category_tally t(n);
    for (std::size_t i = 0; i < n; ++i) {
        t.add_observed(i, base + static_cast<double>(i));
        t.add_expected(i, 2 * base + static_cast<double>(i));
    }
    return t;
}

} // namespace

TEST_CASE("allocation failure: the replaced operator new fails where it is armed, and only there") {
    // std::stable_sort takes its buffer with a nothrow new and gives it back with delete.
    std::vector<std::string> words;
    for (int i = 0; i < 2000; ++i) {
        words.push_back(std::string(40, static_cast<char>('a' + (i * 7) % 26)));
    }
    std::stable_sort(words.begin(), words.end());
    CHECK(std::is_sorted(words.begin(), words.end()));
    fail_after = 1;
    auto* a = new int(1); // the one allowed
    CHECK_THROWS_AS((void)new int(2), std::bad_alloc);
    CHECK(fail_after == -1); // disarmed by the failure
    auto* b = new int(3);
    CHECK(*a + *b == 4);
    delete a;
    delete b;
}

TEST_CASE("allocation failure: merges of fairness tallies and port outcomes are all or nothing") {
    SUBCASE("category_tally grown by a larger one") {
        const tally_eq before{tally(3, 1.0)};
        const cbpq::category_tally other = tally(7, 10.0);
        const int failures = check_strong(before, [&](tally_eq& t) { t.t.merge(other); });
        CHECK(failures >= 2); // both grown vectors were allocated under the failure
    }
    SUBCASE("wait_histogram grown by a longer one") {
        cbpq::wait_histogram before;
        before.add(3, 2);
        cbpq::wait_histogram other;
        other.add(40, 1);
        other.add(2, 5);
        CHECK(check_strong(before, [&](cbpq::wait_histogram& h) { h.merge(other); }) >= 1);
    }
    SUBCASE("port_outcome (histogram, usage and both tallies)") {
        outcome_eq before;
        before.o.port = "a port name longer than any short-string buffer";
        before.o.waits.add(5, 3);
        before.o.capacity.offered = 10;
        before.o.party = tally(4, 1.0);
        before.o.cohort = tally(2, 3.0);
        cbpq::sim::port_outcome other = before.o;
        other.waits.add(90, 1);
        other.party = tally(6, 2.0);
        other.cohort = tally(5, 1.0);
        const int failures = check_strong(before, [&](outcome_eq& o) { o.o.merge(other); });
        CHECK(failures >= 4);
        outcome_eq merged = before;
        merged.o.merge(other);
        CHECK(merged.o.waits.count() == 7); // 3 + (3 + 1)
        CHECK(merged.o.capacity.offered == 20);
        CHECK(merged.o.party.size() == 6);
    }
}

TEST_CASE("allocation failure: a draw that cannot allocate throws bad_alloc and leaves its "
          "workspace usable") {
    struct entrant {
        std::int64_t id;
        std::string port;
        int party;
    };
    std::vector<entrant> pool;
    for (std::int64_t i = 0; i < 3000; ++i) {
        pool.push_back({i, i % 3 == 0 ? "a" : "b", static_cast<int>(1 + i % 4)});
    }
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 40, std::nullopt, {}});
    cap.ports.push_back({"b", 25, std::nullopt, {}});
    cbpq::seed::bytes_type bytes{};
    bytes[0] = 7;
    const cbpq::draw_key key(cbpq::seed(bytes), "alloc failure");
    cbpq::draw_options opt;
    opt.alternates = 10;
    const auto want = cbpq::draw(pool, cap, key, opt);
    cbpq::draw_workspace ws;
    int failures = 0;
    for (int k = 0; k < 10000; ++k) {
        fail_after = k;
        try {
            const auto got = cbpq::draw(pool, cap, key, opt, ws);
            fail_after = -1;
            CHECK(got == want);
            break;
        } catch (const std::bad_alloc&) {
            fail_after = -1;
            ++failures;
            // The next draw in the same workspace is whole and right.
            CHECK(cbpq::draw(pool, cap, key, opt, ws) == want);
        }
    }
    CHECK(failures > 10);
}
