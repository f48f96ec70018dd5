// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_STORE_HPP
#define CBPQ_STORE_HPP

/// \file
/// Host storage: the concepts a host's database models so that cbpq can run a day against it
/// (daily.hpp), and memory_store, the embedded default that models them all.
///
/// The hierarchy, weakest first; each algorithm asks only for what it uses:
/// - pool_reader: the eligible pool of a port-local date;
/// - identity_index (duplicates.hpp, reused as is): identity candidates by blocking key, and
///   adding an identity; registration_writer records each registration with its decision;
/// - allocation_store: a day's allocation and its receipt, committed all or nothing,
///   idempotent by draw label;
/// - reservation_store: reserving and releasing persons in a (port, date, slot), atomically.
///   Every path that changes who holds capacity (the draw's commit, promotion, confirmation,
///   cancellation, an administrator) goes through reserve() / release().
/// docs/hosting.md gives the SQL a relational host uses to keep these promises.

#include "audit.hpp"
#include "capacity.hpp"
#include "duplicates.hpp"
#include "error.hpp"
#include "random.hpp"

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE

/// A registration as a store keeps it: the columns of the registry's CSV. Read by the draw
/// through entrant_traits (id, port, party) and by duplicate detection through
/// registration_traits (id, registered, given, surname, birth, document, phone, email).
struct registration {
    std::string id;
    /// Any integer that orders registrations in time (epoch seconds, a sequence number).
    std::int64_t registered = 0;
    std::string given, surname, birth, document, phone, email;
    std::string port;
    std::int64_t party = 1;

    friend bool operator==(const registration&, const registration&) = default;
};

/// One entrant of a committed day, as the draw saw it (what cbpq-verify reads back).
struct pool_entry {
    std::string id;
    std::string port;
    std::int64_t party = 1;

    friend bool operator==(const pool_entry&, const pool_entry&) = default;
};

/// Where capacity is held: a port, a port-local date and a slot label ("" when the port has no
/// slot grid that day).
struct slot_key {
    std::string port;
    civil_date date;
    std::string slot;

    friend bool operator==(const slot_key&, const slot_key&) = default;
};

/// The life of a reservation: held (drawn or promoted), confirmed, then possibly released as
/// cancelled or no_show. Released reservations stay on record: one person, one appointment.
enum class reservation_state : std::uint8_t { held, confirmed, cancelled, no_show };

/// "held", "confirmed", "cancelled", "no_show".
[[nodiscard]] constexpr std::string_view to_string(reservation_state s) noexcept {
    switch (s) {
    case reservation_state::confirmed:
        return "confirmed";
    case reservation_state::cancelled:
        return "cancelled";
    case reservation_state::no_show:
        return "no_show";
    default:
        return "held";
    }
}

/// Whether a reservation still holds capacity.
[[nodiscard]] constexpr bool holds_capacity(reservation_state s) noexcept {
    return s == reservation_state::held || s == reservation_state::confirmed;
}

/// A person's reservation: where, which day's draw it belongs to (label), for whom, how many
/// persons (the whole party) and its state.
struct reservation {
    slot_key where;
    std::string label;
    std::string id;
    std::int64_t persons = 1;
    reservation_state state = reservation_state::held;

    friend bool operator==(const reservation&, const reservation&) = default;
};

/// What commit_day stores: the port-local date, the draw's receipt (label, seed, capacity,
/// result with slot labels) and the entrants exactly as drawn.
struct day_commit {
    civil_date date;
    receipt day_receipt;
    std::vector<pool_entry> entrants;

    [[nodiscard]] const std::string& label() const noexcept { return day_receipt.label; }
    friend bool operator==(const day_commit&, const day_commit&) = default;
};

/// The answer of commit_day: stored now; the same label was already committed with the same
/// seed (nothing changed); or refused, the label being committed with a different seed
/// (nothing changed).
enum class commit_status : std::uint8_t { committed, already_committed, refused };

/// "committed", "already_committed", "refused".
[[nodiscard]] constexpr std::string_view to_string(commit_status s) noexcept {
    switch (s) {
    case commit_status::already_committed:
        return "already_committed";
    case commit_status::refused:
        return "refused";
    default:
        return "committed";
    }
}

// ---------------------------------------------------------------------------------------------
// Concepts

/// Reads the eligible pool of a port-local date: every registration that may enter that day's
/// draw. Semantic requirements: eligible_pool(d) is a forward range whose elements convert to
/// `const registration&`; it holds each eligible registration once; it excludes registrations
/// cancelled as duplicates and persons who ever held a reservation (one person, one
/// appointment); it does not change the store. Exceptions: whatever the store throws
/// (storage_failure for I/O); the algorithms then leave the store untouched.
template <class S>
concept pool_reader = requires(const S& cs, civil_date d) {
    { cs.eligible_pool(d) } -> std::ranges::forward_range;
    requires std::convertible_to < std::ranges::range_reference_t<decltype(cs.eligible_pool(d))>,
    const registration& > ;
};

/// Records a registration with the decision duplicate detection gave it, changes the
/// decision of an earlier one (a later arrival may displace an earlier keeper), and tells
/// whether an id is registered. Semantic requirements: ids are unique (add_registration of a
/// known id throws invalid_input and changes nothing); set_decision of an unknown id returns
/// false; decision_of(id) is the decision on record, nullopt for an unknown id (the registrar
/// asks it before it touches the identity index, so a known id changes nothing there either).
/// Strong guarantee expected.
template <class S>
concept registration_writer = requires(S& s, const S& cs, const registration& r, dedup_decision d,
                                       std::string_view id) {
    s.add_registration(r, d);
    { s.set_decision(id, d) } -> std::same_as<bool>;
    { cs.decision_of(id) } -> std::same_as<std::optional<dedup_decision>>;
};

/// A store that is also the identity index of duplicate detection (duplicates.hpp's
/// identity_index concept, reused rather than duplicated) and records registrations.
template <class S>
concept registry_store = identity_index<S> && registration_writer<S>;

/// Commits a day's allocation together with its receipt, all or nothing, idempotent by label.
/// Semantic requirements:
/// - committed(label) returns the committed day of that label, or nullopt;
/// - commit_day(c) either stores everything (the day, its entrants, the capacity limits of its
///   (port, date, slot) triples and one held reservation per selected party, made through the
///   same reservation logic as reserve()) and returns committed, or stores nothing: it returns
///   already_committed when c's label is committed with the same seed, refused when it is
///   committed with another seed, and throws on failure (storage_failure) with nothing stored.
///   Two concurrent commits of one label store it once (a unique label in a database).
template <class S>
concept allocation_store = requires(S& s, const S& cs, const day_commit& c, std::string_view l) {
    { cs.committed(l) } -> std::same_as<std::optional<day_commit>>;
    { s.commit_day(c) } -> std::same_as<commit_status>;
};

/// Reserves and releases persons in a (port, date, slot), atomically. Semantic requirements:
/// - reserve(r) books r (state held) only if the person has no reservation at all (in any
///   state), r.persons fits the slot's remaining persons, the port-day's remaining persons and
///   its remaining parties, and the (port, date) has capacity on record; otherwise it returns
///   false and changes nothing;
/// - release(id, to) moves the person's held or confirmed reservation to `to` (cancelled or
///   no_show), gives its persons and party back, and returns the reservation as it was;
///   nullopt (nothing changed) when the person holds nothing;
/// - confirm(date, id) turns a held reservation on `date` into confirmed; false otherwise;
/// - reservation_of(id) is the person's reservation in any state, or nullopt.
/// noexcept where the store promises it: the algorithms of daily.hpp are noexcept exactly when
/// the store functions they call are.
template <class S>
concept reservation_store = requires(S& s, const S& cs, const reservation& r, std::string_view id,
                                     reservation_state to, civil_date d) {
    { s.reserve(r) } -> std::same_as<bool>;
    { s.release(id, to) } -> std::same_as<std::optional<reservation>>;
    { s.confirm(d, id) } -> std::same_as<bool>;
    { cs.reservation_of(id) } -> std::same_as<std::optional<reservation>>;
};

/// Everything the daily run, registration and the release paths need.
template <class S>
concept full_store = pool_reader<S> && allocation_store<S> && reservation_store<S>;

/// An identity_index that forwards to a store's own index functions, so that a
/// basic_deduplicator can work on a host store it does not own. Holds a pointer: the store
/// must outlive it.
template <identity_index S>
class store_index_ref {
public:
    explicit store_index_ref(S& s) noexcept : s_(&s) {}
    [[nodiscard]] std::size_t size() const { return s_->size(); }
    std::uint32_t append(const normalized_registration& r) { return s_->append(r); }
    [[nodiscard]] identity_view record(std::uint32_t i) const { return s_->record(i); }
    bool link(std::uint64_t key, std::uint32_t i) { return s_->link(key, i); }
    void candidates(std::uint64_t key, std::vector<std::uint32_t>& out) const {
        s_->candidates(key, out);
    }
    [[nodiscard]] std::size_t cap() const { return s_->cap(); }
    [[nodiscard]] index_secret secret() const { return s_->secret(); }

private:
    S* s_;
};

/// The outcome of registering one person: the duplicate decision with its rule and score, and
/// the earlier keeper it displaced (now cancelled), if any.
struct registration_outcome {
    dedup_result result;
    std::optional<std::string> rule;
    std::optional<std::string> displaced;
};

/// Registration with duplicate detection as each registration arrives: the store is the
/// identity index (registry_store) and records each decision. Not thread-safe.
template <registry_store Store>
class basic_registrar {
public:
    explicit basic_registrar(Store& s, rule_set rules = default_rules())
        : store_(&s), dedup_(std::move(rules), dedup_options{}, store_index_ref<Store>(s)) {}

    /// Adds one registration: compares it with its blocking candidates, records it with its
    /// decision, cancels a displaced keeper. Throws invalid_input (bad identity fields, an id
    /// the store knows, including from before this registrar was made) before anything is
    /// stored. O(fields + candidates).
    registration_outcome add(const registration& r) {
        validate_registration(registration_traits<registration>::view(r));
        if (store_->decision_of(r.id)) {
            detail::throw_invalid_input("registration " + r.id, "id", "already registered");
        }
        const add_result a = dedup_.add(r);
        store_->add_registration(r, a.result.decision);
        registration_outcome out;
        out.result = a.result;
        if (a.result.rule) {
            out.rule = dedup_.rules()[*a.result.rule].name;
        }
        if (a.displaced) {
            out.displaced = std::string(dedup_.record(*a.displaced).id);
            (void)store_->set_decision(*out.displaced, dedup_decision::cancel);
        }
        return out;
    }

private:
    Store* store_;
    basic_deduplicator<store_index_ref<Store>> dedup_;
};

// ---------------------------------------------------------------------------------------------
// memory_store

/// The embedded default store: everything in memory, modelling every concept above. Not
/// thread-safe. commit_day and reserve give the strong guarantee (a failed commit undoes what
/// it did); confirm is noexcept.
class memory_store {
public:
    /// A store whose identity index uses `secret` (persist it with the data in a real host).
    explicit memory_store(const index_secret& secret = index_secret{}) : index_(secret) {}

    // -- registrations (registration_writer) and identity_index --------------------------

    /// Records a registration. O(1) amortised. Throws invalid_input on a known id.
    void add_registration(const registration& r, dedup_decision d) {
        if (by_id_.contains(r.id)) {
            detail::throw_invalid_input("registration " + r.id, "id", "already registered");
        }
        regs_.push_back(r);
        try {
            decision_.push_back(d);
            ever_reserved_.push_back(0);
            by_id_.emplace(r.id, regs_.size() - 1);
        } catch (...) {
            regs_.resize(by_id_.size());
            decision_.resize(by_id_.size());
            ever_reserved_.resize(by_id_.size());
            throw;
        }
    }

    /// Changes a registration's decision; false for an unknown id. O(1).
    bool set_decision(std::string_view id, dedup_decision d) {
        const auto it = by_id_.find(id);
        if (it == by_id_.end()) {
            return false;
        }
        decision_[it->second] = d;
        return true;
    }

    /// The decision recorded for `id`, if registered.
    [[nodiscard]] std::optional<dedup_decision> decision_of(std::string_view id) const {
        const auto it = by_id_.find(id);
        if (it == by_id_.end()) {
            return std::nullopt;
        }
        return decision_[it->second];
    }

    [[nodiscard]] std::size_t size() const noexcept { return index_.size(); }
    std::uint32_t append(const normalized_registration& r) { return index_.append(r); }
    [[nodiscard]] identity_view record(std::uint32_t i) const noexcept { return index_.record(i); }
    bool link(std::uint64_t key, std::uint32_t i) { return index_.link(key, i); }
    void candidates(std::uint64_t key, std::vector<std::uint32_t>& out) const {
        index_.candidates(key, out);
    }
    [[nodiscard]] std::size_t cap() const noexcept { return index_.cap(); }
    [[nodiscard]] const index_secret& secret() const noexcept { return index_.secret(); }

    /// Registrations recorded, in order of arrival.
    [[nodiscard]] const std::vector<registration>& registrations() const noexcept { return regs_; }

    /// Reserves room for n registrations.
    void reserve_registrations(std::size_t n) {
        regs_.reserve(n);
        decision_.reserve(n);
        ever_reserved_.reserve(n);
        by_id_.reserve(n);
    }

    // -- pool_reader ---------------------------------------------------------------------

    /// Registrations not cancelled as duplicates and never reserved, in order of arrival. The
    /// date does not narrow the pool here (every registration waits for every day). O(n).
    [[nodiscard]] std::vector<std::reference_wrapper<const registration>>
    eligible_pool(civil_date) const {
        std::vector<std::reference_wrapper<const registration>> out;
        out.reserve(regs_.size());
        for (std::size_t i = 0; i < regs_.size(); ++i) {
            if (decision_[i] != dedup_decision::cancel && ever_reserved_[i] == 0) {
                out.emplace_back(regs_[i]);
            }
        }
        return out;
    }

    // -- allocation_store ----------------------------------------------------------------

    /// The committed day of `label`. O(log days + size of the day) (a copy).
    [[nodiscard]] std::optional<day_commit> committed(std::string_view label) const {
        const auto it = days_.find(label);
        if (it == days_.end()) {
            return std::nullopt;
        }
        return it->second;
    }

    /// Commits a day (see allocation_store). Records the capacity of every (port, date, slot)
    /// of the receipt, then reserves each selected party through reserve(); if anything fails
    /// or does not fit, undoes everything and throws (storage_failure for a party that does not
    /// fit: the result contradicts its own capacity), or invalid_input (field `date`) for a
    /// date that is not a calendar date. O(day x log).
    commit_status commit_day(const day_commit& c) {
        const std::int64_t day = day_number(c.date); // 2023-02-30 would be filed as 03-02
        if (const auto it = days_.find(c.label()); it != days_.end()) {
            return it->second.day_receipt.seed.bytes() == c.day_receipt.seed.bytes()
                       ? commit_status::already_committed
                       : commit_status::refused;
        }
        std::vector<port_day_key> added_days;
        std::vector<std::string> added_res;
        try {
            for (const auto& p : c.day_receipt.capacity.ports) {
                port_day_key k{p.port, day};
                if (limits_.contains(k)) {
                    throw storage_failure("memory_store: capacity of port " + p.port + " on " +
                                          format_date(c.date) + " already on record");
                }
                port_day pd;
                pd.persons_limit = p.persons;
                pd.parties_limit = p.parties;
                for (const auto& s : p.slots) {
                    pd.slots.emplace(s.label, std::pair<std::int64_t, std::int64_t>{s.persons, 0});
                }
                limits_.emplace(k, std::move(pd));
                added_days.push_back(std::move(k));
            }
            for (const auto& p : c.day_receipt.result) {
                for (const auto& s : p.selected) {
                    reservation r{{p.port, c.date, s.slot},
                                  c.label(),
                                  s.id,
                                  s.party,
                                  reservation_state::held};
                    if (!reserve(r)) {
                        throw storage_failure("memory_store: selected party " + s.id + " at " +
                                              p.port + " does not fit its own capacity");
                    }
                    added_res.push_back(s.id);
                }
            }
            days_.emplace(c.label(), c);
        } catch (...) {
            for (auto it = added_res.rbegin(); it != added_res.rend(); ++it) {
                unreserve(*it);
            }
            for (const auto& k : added_days) {
                limits_.erase(k);
            }
            throw;
        }
        return commit_status::committed;
    }

    // -- reservation_store ---------------------------------------------------------------

    /// Books r if the person never had a reservation and r fits the slot, the port-day persons
    /// and parties. O(log). Strong guarantee.
    bool reserve(const reservation& r) {
        if (reservations_.contains(r.id) || r.persons < 1 || !r.where.date.ok()) {
            return false; // a date that does not exist has no capacity on record
        }
        const auto pit = limits_.find(port_day_key{r.where.port, detail::day_number(r.where.date)});
        if (pit == limits_.end()) {
            return false;
        }
        port_day& pd = pit->second;
        std::pair<std::int64_t, std::int64_t>* slot = nullptr;
        if (!r.where.slot.empty()) {
            const auto sit = pd.slots.find(r.where.slot);
            if (sit == pd.slots.end()) {
                return false;
            }
            slot = &sit->second;
            if (r.persons > slot->first - slot->second) { // the room left: no overflow
                return false;
            }
        } else if (!pd.slots.empty()) {
            return false; // a port with a grid is booked in a slot
        }
        if (r.persons > pd.persons_limit - pd.persons_used) {
            return false;
        }
        if (pd.parties_limit && pd.parties_used + 1 > *pd.parties_limit) {
            return false;
        }
        reservation stored = r;
        stored.state = reservation_state::held;
        reservations_.emplace(r.id, std::move(stored));
        pd.persons_used += r.persons;
        pd.parties_used += 1;
        if (slot != nullptr) {
            slot->second += r.persons;
        }
        if (const auto it = by_id_.find(r.id); it != by_id_.end()) {
            ever_reserved_[it->second] = 1;
        }
        return true;
    }

    /// Releases the person's held or confirmed reservation (see reservation_store). O(log).
    std::optional<reservation> release(std::string_view id, reservation_state to) {
        const auto it = reservations_.find(id);
        if (it == reservations_.end() || !holds_capacity(it->second.state) || holds_capacity(to)) {
            return std::nullopt;
        }
        reservation before = it->second;
        give_back(before);
        it->second.state = to;
        return before;
    }

    /// Confirms a held reservation on date d. O(log); noexcept.
    bool confirm(civil_date d, std::string_view id) noexcept {
        const auto it = reservations_.find(id);
        if (it == reservations_.end() || it->second.state != reservation_state::held ||
            it->second.where.date != d) {
            return false;
        }
        it->second.state = reservation_state::confirmed;
        return true;
    }

    /// The person's reservation in any state. O(log).
    [[nodiscard]] std::optional<reservation> reservation_of(std::string_view id) const {
        const auto it = reservations_.find(id);
        if (it == reservations_.end()) {
            return std::nullopt;
        }
        return it->second;
    }

    /// Persons booked in a (port, date, slot) (slot "": the whole port-day). O(log).
    [[nodiscard]] std::int64_t booked(const slot_key& k) const {
        if (!k.date.ok()) {
            return 0;
        }
        const auto pit = limits_.find(port_day_key{k.port, detail::day_number(k.date)});
        if (pit == limits_.end()) {
            return 0;
        }
        if (k.slot.empty()) {
            return pit->second.persons_used;
        }
        const auto sit = pit->second.slots.find(k.slot);
        return sit == pit->second.slots.end() ? 0 : sit->second.second;
    }

    /// Equal registrations, decisions, days, capacity and reservations (the identity index is
    /// not compared: it only grows with registrations).
    friend bool operator==(const memory_store& a, const memory_store& b) {
        return a.regs_ == b.regs_ && a.decision_ == b.decision_ &&
               a.ever_reserved_ == b.ever_reserved_ && a.days_ == b.days_ &&
               a.limits_ == b.limits_ && a.reservations_ == b.reservations_;
    }

private:
    struct port_day_key {
        std::string port;
        std::int64_t day = 0;
        friend auto operator<=>(const port_day_key&, const port_day_key&) = default;
        friend bool operator==(const port_day_key&, const port_day_key&) = default;
    };
    struct port_day {
        std::int64_t persons_limit = 0;
        std::int64_t persons_used = 0;
        std::optional<std::int64_t> parties_limit;
        std::int64_t parties_used = 0;
        std::map<std::string, std::pair<std::int64_t, std::int64_t>, std::less<>> slots;
        friend bool operator==(const port_day&, const port_day&) = default;
    };

    void give_back(const reservation& r) noexcept {
        const auto pit = limits_.find(port_day_key{r.where.port, detail::day_number(r.where.date)});
        if (pit == limits_.end()) {
            return;
        }
        pit->second.persons_used -= r.persons;
        pit->second.parties_used -= 1;
        if (!r.where.slot.empty()) {
            if (const auto sit = pit->second.slots.find(r.where.slot);
                sit != pit->second.slots.end()) {
                sit->second.second -= r.persons;
            }
        }
    }

    // Undoes a reserve() of the current commit (it never existed).
    void unreserve(const std::string& id) noexcept {
        const auto it = reservations_.find(id);
        if (it == reservations_.end()) {
            return;
        }
        give_back(it->second);
        if (const auto r = by_id_.find(id); r != by_id_.end()) {
            ever_reserved_[r->second] = 0;
        }
        reservations_.erase(it);
    }

    std::vector<registration> regs_;
    std::vector<dedup_decision> decision_;
    std::vector<unsigned char> ever_reserved_;
    // Lookup only: the hash never influences an outcome.
    struct id_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    std::unordered_map<std::string, std::size_t, id_hash, std::equal_to<>> by_id_;
    memory_identity_index index_;
    std::map<std::string, day_commit, std::less<>> days_;
    std::map<port_day_key, port_day> limits_;
    std::map<std::string, reservation, std::less<>> reservations_;
};

CBPQ_END_NAMESPACE

#endif
