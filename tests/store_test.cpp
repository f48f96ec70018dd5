// SPDX-License-Identifier: BSL-1.0
#include "store_conformance.hpp"

#include <cbpq/daily.hpp>
#include <cbpq/store.hpp>

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

template <>
struct conformance::store_factory<cbpq::memory_store> {
    static cbpq::memory_store make() { return cbpq::memory_store{}; }
};

TEST_CASE_TEMPLATE_INVOKE(store_conformance_commit, cbpq::memory_store);
TEST_CASE_TEMPLATE_INVOKE(store_conformance_reserve, cbpq::memory_store);
TEST_CASE_TEMPLATE_INVOKE(store_conformance_slots, cbpq::memory_store);
TEST_CASE_TEMPLATE_INVOKE(store_conformance_atomic, cbpq::memory_store);
TEST_CASE_TEMPLATE_INVOKE(store_conformance_promote, cbpq::memory_store);

namespace {

// Archetypes: each models exactly one concept and nothing more, so an algorithm that compiles
// against it asks for nothing more.

struct pool_archetype {
    std::vector<cbpq::registration> regs;
    [[nodiscard]] const std::vector<cbpq::registration>& eligible_pool(cbpq::civil_date) const {
        return regs;
    }
};

struct allocation_archetype {
    std::optional<cbpq::day_commit> day;
    [[nodiscard]] std::optional<cbpq::day_commit> committed(std::string_view l) const {
        return day && day->label() == l ? day : std::nullopt;
    }
    cbpq::commit_status commit_day(const cbpq::day_commit& c) {
        if (day) {
            return day->day_receipt.seed == c.day_receipt.seed
                       ? cbpq::commit_status::already_committed
                       : cbpq::commit_status::refused;
        }
        day = c;
        return cbpq::commit_status::committed;
    }
};

// pool_reader + allocation_store, the two run_day asks for.
struct run_day_archetype : pool_archetype, allocation_archetype {};

// reservation_store with a throwing confirm, and one with a noexcept confirm.
template <bool NoThrow>
struct reservation_archetype {
    std::optional<cbpq::reservation> held;
    bool reserve(const cbpq::reservation& r) {
        if (held) {
            return false;
        }
        held = r;
        return true;
    }
    std::optional<cbpq::reservation> release(std::string_view, cbpq::reservation_state to) {
        auto before = held;
        if (held) {
            held->state = to;
        }
        return before;
    }
    bool confirm(cbpq::civil_date, std::string_view) noexcept(NoThrow) { return held.has_value(); }
    [[nodiscard]] std::optional<cbpq::reservation> reservation_of(std::string_view) const {
        return held;
    }
};

struct release_archetype : allocation_archetype, reservation_archetype<false> {};

struct identity_archetype {
    cbpq::memory_identity_index ix{cbpq::index_secret{}};
    std::vector<std::pair<std::string, cbpq::dedup_decision>> recorded;
    [[nodiscard]] std::size_t size() const { return ix.size(); }
    std::uint32_t append(const cbpq::normalized_registration& r) { return ix.append(r); }
    [[nodiscard]] cbpq::identity_view record(std::uint32_t i) const { return ix.record(i); }
    bool link(std::uint64_t k, std::uint32_t i) { return ix.link(k, i); }
    void candidates(std::uint64_t k, std::vector<std::uint32_t>& out) const {
        ix.candidates(k, out);
    }
    [[nodiscard]] std::size_t cap() const { return ix.cap(); }
    [[nodiscard]] cbpq::index_secret secret() const { return ix.secret(); }
    void add_registration(const cbpq::registration& r, cbpq::dedup_decision d) {
        recorded.emplace_back(r.id, d);
    }
    [[nodiscard]] std::optional<cbpq::dedup_decision> decision_of(std::string_view id) const {
        for (const auto& [i, dd] : recorded) {
            if (i == id) {
                return dd;
            }
        }
        return std::nullopt;
    }
    bool set_decision(std::string_view id, cbpq::dedup_decision d) {
        for (auto& [i, dd] : recorded) {
            if (i == id) {
                dd = d;
                return true;
            }
        }
        return false;
    }
};

struct capacity_archetype {
    [[nodiscard]] cbpq::day_capacity for_date(cbpq::civil_date) const {
        cbpq::day_capacity c;
        c.ports.push_back({"A", 2, std::nullopt, {}});
        return c;
    }
};

struct resolver_archetype {
    std::vector<cbpq::dedup_decision> resolve(std::span<const cbpq::registration* const> pool) {
        return std::vector<cbpq::dedup_decision>(pool.size(), cbpq::dedup_decision::keep);
    }
};

} // namespace

static_assert(cbpq::pool_reader<cbpq::memory_store>);
static_assert(cbpq::registry_store<cbpq::memory_store>);
static_assert(cbpq::allocation_store<cbpq::memory_store>);
static_assert(cbpq::reservation_store<cbpq::memory_store>);
static_assert(cbpq::full_store<cbpq::memory_store>);

static_assert(cbpq::pool_reader<pool_archetype>);
static_assert(!cbpq::allocation_store<pool_archetype>);
static_assert(cbpq::allocation_store<allocation_archetype>);
static_assert(!cbpq::pool_reader<allocation_archetype>);
static_assert(!cbpq::reservation_store<run_day_archetype>);
static_assert(cbpq::reservation_store<reservation_archetype<false>>);
static_assert(!cbpq::allocation_store<reservation_archetype<false>>);
static_assert(cbpq::registry_store<identity_archetype>);
static_assert(!cbpq::pool_reader<identity_archetype>);
static_assert(cbpq::capacity_source<capacity_archetype>);
static_assert(cbpq::capacity_source<cbpq::capacity_plan>);
static_assert(cbpq::duplicate_resolver<resolver_archetype>);
static_assert(cbpq::duplicate_resolver<cbpq::dedup_resolver>);

// noexcept follows the store: memory_store's confirm is noexcept, so is cbpq::confirm on it.
static_assert(noexcept(cbpq::confirm(std::declval<cbpq::memory_store&>(), cbpq::civil_date{},
                                     std::string_view{})));
static_assert(noexcept(cbpq::confirm(std::declval<reservation_archetype<true>&>(),
                                     cbpq::civil_date{}, std::string_view{})));
static_assert(!noexcept(cbpq::confirm(std::declval<reservation_archetype<false>&>(),
                                      cbpq::civil_date{}, std::string_view{})));

TEST_CASE("store archetypes: run_day needs only a pool reader and an allocation store") {
    run_day_archetype s;
    s.regs.push_back(conformance::person("1", "A", 1, 1));
    s.regs.push_back(conformance::person("2", "A", 1, 2));
    s.regs.push_back(conformance::person("3", "A", 1, 3));
    auto q = conformance::request(4, 1);
    const auto out = cbpq::run_day(s, capacity_archetype{}, q, resolver_archetype{});
    CHECK(out.status == cbpq::day_status::committed);
    CHECK(out.day.day_receipt.result[0].persons == 2);
    CHECK(cbpq::run_day(s, capacity_archetype{}, q).status == cbpq::day_status::already_committed);
}

TEST_CASE("store archetypes: release needs only allocation and reservation stores") {
    release_archetype s;
    s.day = cbpq::day_commit{};
    const auto d = cbpq::parse_date("2024-01-01");
    s.day->date = d;
    s.day->day_receipt.label = "L";
    CHECK(s.reserve({{"A", d, ""}, "L", "x", 1, {}}));
    CHECK(cbpq::confirm(s, d, "x"));
    const auto out = cbpq::release_and_promote(s, d, "x", cbpq::reservation_state::cancelled);
    CHECK(out.released.has_value());
    CHECK(out.promoted.empty());
}

TEST_CASE("store registrar: incremental duplicate detection on the store's own index") {
    identity_archetype a;
    cbpq::basic_registrar<identity_archetype> reg(a);
    auto p = conformance::person("10", "A", 1, 100);
    (void)reg.add(p);
    auto dup = p;
    dup.id = "11";
    dup.registered = 200;
    const auto o = reg.add(dup);
    CHECK(o.result.decision == cbpq::dedup_decision::cancel);
    CHECK(o.rule.has_value());
    // An earlier registration of the same person displaces the keeper.
    auto early = p;
    early.id = "9";
    early.registered = 50;
    const auto e = reg.add(early);
    CHECK(e.result.decision == cbpq::dedup_decision::keep);
    REQUIRE(e.displaced.has_value());
    CHECK(*e.displaced == "10");
    REQUIRE(a.recorded.size() == 3);
    CHECK(a.recorded[0].second == cbpq::dedup_decision::cancel);
    CHECK_THROWS_AS(reg.add(early), cbpq::invalid_input);

    cbpq::memory_store m;
    cbpq::basic_registrar<cbpq::memory_store> mr(m);
    (void)mr.add(p);
    (void)mr.add(dup);
    CHECK(m.decision_of("11") == cbpq::dedup_decision::cancel);
    CHECK(m.eligible_pool(cbpq::parse_date("2024-01-01")).size() == 1);
    // A registrar made later over the same store (a host restarted) refuses an id the store
    // holds before it touches the store's identity index.
    cbpq::basic_registrar<cbpq::memory_store> restarted(m);
    const std::size_t indexed = m.size();
    CHECK_THROWS_WITH_AS((void)restarted.add(p), doctest::Contains("already registered"),
                         cbpq::invalid_input);
    CHECK(m.size() == indexed);
}
