// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DAILY_HPP
#define CBPQ_DAILY_HPP

/// \file
/// The daily run against a host store (store.hpp): eligible pool -> duplicate resolution ->
/// capacity for the port-local date -> keyed draw -> slot times -> one atomic commit of the
/// allocation and its receipt. Then the paths that change an allocation afterwards:
/// confirmation, and release (cancellation, no-show) with promotion of alternates in order.
/// docs/daily.md has the long form.

#include "audit.hpp"
#include "capacity.hpp"
#include "draw.hpp"
#include "error.hpp"
#include "random.hpp"
#include "store.hpp"

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE

/// Anything that gives the capacity of every port for a port-local date (capacity_plan does).
/// Semantic requirement: for_date is pure.
template <class C>
concept capacity_source = requires(const C& c, civil_date d) {
    { c.for_date(d) } -> std::convertible_to<day_capacity>;
};

/// Resolves duplicates in a day's pool in one batch. Semantic requirements: resolve(pool)
/// returns one decision per pool entry, in pool order; entries decided `cancel` leave the
/// draw; it changes no store. Exceptions propagate; the daily run then stores nothing.
template <class R>
concept duplicate_resolver = requires(R& r, std::span<const registration* const> pool) {
    { r.resolve(pool) } -> std::same_as<std::vector<dedup_decision>>;
};

/// Keeps everyone: for hosts that resolved duplicates earlier (at registration) or elsewhere.
struct pass_through_resolver {
    [[nodiscard]] std::vector<dedup_decision>
    resolve(std::span<const registration* const> pool) const {
        return std::vector<dedup_decision>(pool.size(), dedup_decision::keep);
    }
};

/// Batch resolution with duplicates.hpp: a fresh engine over the pool, in pool order (the
/// store's order of arrival), with `rules`. `review` stays in the draw (kept for now, as
/// duplicates.hpp defines it); `cancel` leaves it. O(n + candidates).
class dedup_resolver {
public:
    explicit dedup_resolver(rule_set rules = default_rules(), index_secret secret = {})
        : rules_(std::move(rules)), secret_(secret) {}

    [[nodiscard]] std::vector<dedup_decision>
    resolve(std::span<const registration* const> pool) const {
        basic_deduplicator<memory_identity_index> engine(rules_, dedup_options{},
                                                         memory_identity_index(secret_));
        const auto results =
            engine.add_all(pool, [](const registration* r) -> const registration& { return *r; });
        std::vector<dedup_decision> out;
        out.reserve(results.size());
        for (const auto& r : results) {
            out.push_back(r.decision);
        }
        return out;
    }

private:
    rule_set rules_;
    index_secret secret_;
};

/// What to run: the port-local date, the label (empty: the date "YYYY-MM-DD"), the seed and
/// how it was fixed, and the draw options.
struct day_request {
    civil_date date;
    std::string label;
    seed day_seed;
    seed_source source;
    draw_options options;
};

/// How a run ended: committed now; already committed with this seed (the stored result is
/// returned, nothing changed); refused, the label being committed with another seed (the
/// stored day is returned, nothing changed).
enum class day_status : std::uint8_t { committed, already_committed, refused };

/// "committed", "already_committed", "refused".
[[nodiscard]] constexpr std::string_view to_string(day_status s) noexcept {
    switch (s) {
    case day_status::already_committed:
        return "already_committed";
    case day_status::refused:
        return "refused";
    default:
        return "committed";
    }
}

/// The outcome of run_day: its status, the committed day, and (when run now) the pool size and
/// how many duplicates left the draw.
struct day_outcome {
    day_status status = day_status::committed;
    day_commit day;
    std::size_t pool = 0;
    std::size_t duplicates_removed = 0;
};

/// The label run_day uses for a request.
[[nodiscard]] inline std::string day_label(const day_request& r) {
    return r.label.empty() ? format_date(r.date) : r.label;
}

namespace detail {

inline day_outcome already(const day_commit& stored, const seed& s) {
    day_outcome out;
    out.status = stored.day_receipt.seed.bytes() == s.bytes() ? day_status::already_committed
                                                              : day_status::refused;
    out.day = stored;
    return out;
}

// run_day, with the draw's scratch from `workspace` when it is not null.
template <class Store, class Capacity, class Resolver>
day_outcome run_day_with(Store& store, const Capacity& capacity, const day_request& request,
                         Resolver& resolver, draw_workspace* workspace) {
    (void)day_number(request.date); // a date that does not exist is refused, never run
    const std::string label = day_label(request);
    if (const auto stored = store.committed(label)) {
        return already(*stored, request.day_seed);
    }
    auto&& pool_range = store.eligible_pool(request.date);
    std::vector<const registration*> pool;
    for (auto&& e : pool_range) {
        const registration& r = e;
        pool.push_back(&r);
    }
    const std::vector<dedup_decision> decisions =
        resolver.resolve(std::span<const registration* const>(pool));
    if (decisions.size() != pool.size()) {
        detail::throw_invalid_input("duplicate resolver", "decisions",
                                    "one decision per pool entry expected");
    }
    std::vector<const registration*> entrants;
    entrants.reserve(pool.size());
    for (std::size_t i = 0; i < pool.size(); ++i) {
        if (decisions[i] != dedup_decision::cancel) {
            entrants.push_back(pool[i]);
        }
    }
    const day_capacity cap = capacity.for_date(request.date);
    const draw_key key(request.day_seed, label);
    auto id = [](const registration* r) -> const std::string& { return r->id; };
    auto port = [](const registration* r) -> const std::string& { return r->port; };
    auto party = [](const registration* r) { return r->party; };
    const auto result = workspace != nullptr
                            ? draw(entrants, cap, key, request.options, id, port, party, *workspace)
                            : draw(entrants, cap, key, request.options, id, port, party);
    auto digest = digest_entrants(entrants, cap, id, port, party);

    day_commit c;
    c.date = request.date;
    c.day_receipt =
        make_receipt(result, cap, label, request.day_seed, request.source, std::move(digest));
    c.entrants.reserve(entrants.size());
    for (const registration* r : entrants) {
        c.entrants.push_back({r->id, r->port, r->party});
    }
    const commit_status st = store.commit_day(c);
    if (st != commit_status::committed) {
        // Another run committed this label between our check and our commit.
        if (const auto stored = store.committed(label)) {
            return already(*stored, request.day_seed);
        }
        throw storage_failure("commit of day '" + label + "' reported " +
                              std::string(to_string(st)) + " but the day is not on record");
    }
    day_outcome out;
    out.status = day_status::committed;
    out.day = std::move(c);
    out.pool = pool.size();
    out.duplicates_removed = pool.size() - entrants.size();
    return out;
}

} // namespace detail

/// Runs one day from end to end. The only write is the final commit_day, so a failure at any
/// step (an exception from the store, the resolver, the capacity source or the draw) leaves
/// the store as it was, provided commit_day is all or nothing (allocation_store). Running a
/// committed label again returns the stored day (already_committed) or, with another seed,
/// refuses (refused); a concurrent run that commits first is detected the same way. A
/// request.date that is not a calendar date (2023-02-30) throws invalid_input (field `date`)
/// before the store is read. O(n) for the pool plus the resolver, the draw and the entrant digest
/// (O(n log n)).
template <class Store, capacity_source Capacity,
          duplicate_resolver Resolver = pass_through_resolver>
requires pool_reader<Store> && allocation_store<Store>
    day_outcome run_day(Store& store, const Capacity& capacity, const day_request& request,
                        Resolver resolver = {}) {
    return detail::run_day_with(store, capacity, request, resolver, nullptr);
}

/// run_day with the draw's scratch memory from `workspace` (see draw_workspace): the same
/// outcome. A host that runs one day after another keeps one workspace for all of them, so that
/// the exact duplicate-id check reuses its store instead of allocating and faulting it in every
/// day (docs/draw.md, "Reusing scratch memory").
template <class Store, capacity_source Capacity, duplicate_resolver Resolver>
requires pool_reader<Store> && allocation_store<Store>
    day_outcome run_day(Store& store, const Capacity& capacity, const day_request& request,
                        Resolver resolver, draw_workspace& workspace) {
    return detail::run_day_with(store, capacity, request, resolver, &workspace);
}

/// Confirms a held reservation of `id` on `date`. noexcept exactly when the store's confirm is.
template <reservation_store Store>
bool confirm(Store& store, civil_date date,
             std::string_view id) noexcept(noexcept(store.confirm(date, id))) {
    return store.confirm(date, id);
}

/// The outcome of a release: the reservation released (nullopt: the person held nothing on
/// that date, nothing changed) and the alternates promoted, in order.
struct release_outcome {
    std::optional<reservation> released;
    std::vector<reservation> promoted;
};

/// Releases the reservation `id` holds on `date` as cancelled or no_show, then walks that
/// port's waiting list of the same day in rank order and promotes, through reserve(), every
/// alternate that still fits (first slot with room, in slot order) and never held a
/// reservation; alternates that do not fit are passed over, as the draw's skip rule does.
/// Run it inside the host's transaction for atomicity across the release and the promotions.
/// O(alternates x slots) store calls.
template <class Store>
requires allocation_store<Store> && reservation_store<Store> release_outcome
release_and_promote(Store& store, civil_date date, std::string_view id, reservation_state why) {
    if (holds_capacity(why)) {
        detail::throw_invalid_input("release of " + std::string(id), "state",
                                    "a release must end in cancelled or no_show");
    }
    release_outcome out;
    const auto held = store.reservation_of(id);
    if (!held || !holds_capacity(held->state) || held->where.date != date) {
        return out;
    }
    out.released = store.release(id, why);
    if (!out.released) {
        return out;
    }
    const auto day = store.committed(held->label);
    if (!day) {
        return out;
    }
    const port_capacity* cap = day->day_receipt.capacity.find(held->where.port);
    std::vector<std::string> slots;
    if (cap != nullptr) {
        for (const auto& s : cap->slots) {
            slots.push_back(s.label);
        }
    }
    if (slots.empty()) {
        slots.emplace_back();
    }
    // The waiting list in rank order: a receipt stores it in rank order for the uniform draw
    // but in (key, id) order for the weighted and aging ones.
    std::vector<const receipt_alternate*> waiting;
    for (const auto& p : day->day_receipt.result) {
        if (p.port == held->where.port) {
            for (const auto& a : p.alternates) {
                waiting.push_back(&a);
            }
        }
    }
    std::sort(
        waiting.begin(), waiting.end(),
        [](const receipt_alternate* x, const receipt_alternate* y) { return x->rank < y->rank; });
    for (const receipt_alternate* a : waiting) {
        if (store.reservation_of(a->id)) {
            continue;
        }
        for (const auto& s : slots) {
            reservation r{
                {held->where.port, date, s}, held->label, a->id, a->party, reservation_state::held};
            if (store.reserve(r)) {
                out.promoted.push_back(std::move(r));
                break;
            }
        }
    }
    return out;
}

CBPQ_END_NAMESPACE

#endif
