// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_REPLAY_HPP
#define CBPQ_REPLAY_HPP

/// \file
/// The CBP One 2023 replay (docs/cbp-one-2023.md): one shared pool of accounts, day by day from
/// 18 January 2023 to 31 January 2024, eight ports with capacity from a capacity plan, a
/// first-come-first-served race until 10 May 2023 and the daily allocation (seniority share plus
/// lottery) after it, connectivity, families, duplicate accounts (identity records resolved by
/// the duplicate rules of duplicates.hpp), confirmations, no-shows and what happens after a
/// miss. Every day's selection is one call of the production draw (draw.hpp), the code a host
/// runs: cbpq::draw in the race and for a pure lottery, cbpq::draw_seniority for a seniority
/// share (CBP One's rule) or FIFO, cbpq::draw_aging for an aging weight. Every random choice is
/// keyed (random.hpp), so a run is a pure function of (plan, configuration, seed).

#include "capacity.hpp"
#include "detail/identity_gen.hpp"
#include "detail/lane_keys.hpp"
#include "detail/stats.hpp"
#include "draw.hpp"
#include "duplicates.hpp"
#include "error.hpp"
#include "fairness.hpp"
#include "random.hpp"
#include "simulate.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

CBPQ_BEGIN_NAMESPACE

namespace sim {

/// One assumption of the replay that no source gives: its name, its value as text and why it
/// was chosen. The tool prints them and writes them with every run.
struct replay_assumption {
    std::string name;
    std::string value;
    std::string reasoning;
};

/// The share of registrants whose accounts go through the duplicate engine by default
/// (replay_config::identity_share). A sample, because checking every account takes 5.5-7 s of
/// CPU time against the flagship's 5 s budget (docs/cbp-one-2023.md); raise it here when the
/// engine gets faster.
inline constexpr double default_identity_share = 0.1;

/// The replay's parameters. Defaults are the flagship's (docs/cbp-one-2023.md gives the
/// reasoning for each); tests shorten the dates and shrink the scale. Value type.
struct replay_config {
    civil_date first = std::chrono::year{2023} / 1 / 18;
    civil_date last = std::chrono::year{2024} / 1 / 31;
    /// First day of the daily allocation; days before it are the first-come-first-served race.
    civil_date allocation_from = std::chrono::year{2023} / 5 / 10;
    /// The allocation rule from `allocation_from`: seniority:S (CBP One: 0.5 in May 2023),
    /// uniform (seniority:0), fifo (seniority:1) or aging:... (a weighted lottery).
    policy allocation = seniority_policy{0.5};
    /// Demand per port follows the plan's port split on this date (the 1,450/day split of the
    /// example plan equals its weights). Fixed, so that a shortened run sees the same demand.
    civil_date demand_split_date = std::chrono::year{2023} / 6 / 30;
    /// Registrations waiting on the first day (accounts, extra accounts included).
    std::int64_t initial_persons = 110000;
    /// Mean of the Poisson number of new registrants a day.
    double arrivals_per_day = 1600.0;
    /// Chance a day that an account stops requesting for good (gives up, goes elsewhere).
    double abandon_per_day = 0.01;
    /// Share of registrants with poor connectivity, and each class's chance to request a day.
    double poor_share = 0.3;
    double request_good = 0.9;
    double request_poor = 0.5;
    /// Weights of parties of 1, 2, ... persons.
    std::vector<std::uint32_t> party_weights{40, 25, 20, 10, 5};
    /// Share of registrants who open one extra account (an assumption). Extra accounts carry
    /// the variations people make (identity_gen.hpp) and are resolved by `duplicate_rules`.
    double duplicate_rate = 0.05;
    /// Share of registrants whose accounts carry identity records and go through the duplicate
    /// engine (a keyed sample of persons). Only they open extra accounts, at duplicate_rate /
    /// identity_share each (so identity_share >= duplicate_rate is required), so the number
    /// of extra accounts does not depend on the sample and every extra account meets the real
    /// rules; the sample bounds the cost of
    /// generating and indexing identities (docs/cbp-one-2023.md). 1 checks every account.
    double identity_share = default_identity_share;
    /// The rules that resolve accounts as they are created (duplicates.hpp): `same` links are
    /// cancelled at once; `possible` links go to review and the account stays in the pool.
    rule_set duplicate_rules = default_rules();
    /// From `allocation_from`: chance a selected account confirms within the deadline, and
    /// chance a confirmed appointment is not kept.
    double confirm_rate = 0.93;
    double no_show_rate = 0.05;

    /// Throws invalid_input naming the field when a value is out of range. O(1).
    void validate() const {
        auto unit = [](double v, const char* field) {
            if (!(v >= 0.0 && v <= 1.0)) {
                detail::throw_invalid_input("replay", field, "must be within 0..1");
            }
        };
        unit(abandon_per_day, "abandon_per_day");
        unit(poor_share, "poor_share");
        unit(request_good, "request_good");
        unit(request_poor, "request_poor");
        unit(duplicate_rate, "duplicate_rate");
        unit(identity_share, "identity_share");
        if (identity_share < duplicate_rate) {
            // Only the sample opens extra accounts, one at most each: a smaller sample would
            // quietly cut their number below duplicate_rate x registrants.
            detail::throw_invalid_input("replay", "identity_share",
                                        "must be at least duplicate_rate");
        }
        unit(confirm_rate, "confirm_rate");
        unit(no_show_rate, "no_show_rate");
        if (!(first.ok() && last.ok() && allocation_from.ok() && demand_split_date.ok()) ||
            last < first) {
            detail::throw_invalid_input("replay", "dates", "need valid dates, first <= last");
        }
        if (initial_persons < 0 || initial_persons > 50000000) {
            detail::throw_invalid_input("replay", "initial_persons", "must be 0..50,000,000");
        }
        if (!(arrivals_per_day >= 0.0 && arrivals_per_day <= 1e7)) {
            detail::throw_invalid_input("replay", "arrivals_per_day", "must be 0..1e7");
        }
        if (party_weights.empty() || party_weights.size() > 20) {
            detail::throw_invalid_input("replay", "party_weights", "need 1..20 weights");
        }
        if (std::all_of(party_weights.begin(), party_weights.end(),
                        [](std::uint32_t w) { return w == 0; })) {
            detail::throw_invalid_input("replay", "party_weights", "must not all be 0");
        }
    }
};

/// What happened at one port on one day.
struct replay_port_day {
    civil_date date;
    std::uint32_t port = 0;
    /// True from allocation_from (daily allocation), false in the race before it.
    bool allocation = false;
    /// Persons the plan offered, and its split into the seniority and lottery parts (the
    /// lottery part includes seniority capacity left unused).
    std::int64_t capacity = 0;
    std::int64_t seniority_capacity = 0;
    std::int64_t lottery_capacity = 0;
    /// Accounts that requested that day.
    std::int64_t requests = 0;
    /// Persons selected by seniority and by the draw (or the race).
    std::int64_t seniority_persons = 0;
    std::int64_t lottery_persons = 0;
    /// Persons whose selection was confirmed (appointments), of those no-shows, persons whose
    /// selection lapsed unconfirmed, and accounts cancelled as duplicates at confirmation.
    std::int64_t confirmed_persons = 0;
    std::int64_t no_show_persons = 0;
    std::int64_t missed_persons = 0;
    std::int64_t duplicates_cancelled = 0;
};

/// What the duplicate engine decided for the accounts it saw, against the truth (which account
/// belongs to which person). An extra account is a true duplicate; a person's first account is
/// not, so cancelling it is a false cancellation.
struct replay_dedup_stats {
    /// Accounts run through the engine (first accounts of sampled persons, and extra accounts).
    std::int64_t accounts_checked = 0;
    /// Candidate comparisons the blocking keys produced.
    std::int64_t candidates = 0;
    /// Extra accounts: cancelled automatically (`same`), sent to review, kept (missed).
    std::int64_t extra_cancelled = 0;
    std::int64_t extra_review = 0;
    std::int64_t extra_kept = 0;
    /// Extra accounts cancelled through a link to another person's account (right outcome,
    /// wrong reason).
    std::int64_t extra_cancelled_wrong_link = 0;
    /// First accounts: cancelled (false cancellations) and sent to review (false alarms).
    std::int64_t first_cancelled = 0;
    std::int64_t first_review = 0;

    /// Extra accounts checked. O(1).
    [[nodiscard]] std::int64_t extras() const noexcept {
        return extra_cancelled + extra_review + extra_kept;
    }
    /// Share of automatic cancellations that hit an extra account (1 when none). O(1).
    [[nodiscard]] double precision() const noexcept {
        return share(extra_cancelled, extra_cancelled + first_cancelled);
    }
    /// Share of extra accounts cancelled automatically (1 when none). O(1).
    [[nodiscard]] double recall() const noexcept { return share(extra_cancelled, extras()); }
    /// Share of extra accounts cancelled or sent to review (1 when none). O(1).
    [[nodiscard]] double recall_with_review() const noexcept {
        return share(extra_cancelled + extra_review, extras());
    }

private:
    static double share(std::int64_t part, std::int64_t whole) noexcept {
        return whole == 0 ? 1.0 : static_cast<double>(part) / static_cast<double>(whole);
    }
};

/// One appointment (a confirmed selection).
struct replay_appointment {
    std::uint64_t account = 0;
    std::uint32_t person = 0;
    std::int32_t day = 0;
    std::int32_t wait = 0;
    std::uint8_t port = 0;
    std::uint8_t party = 0; ///< persons - 1
    bool poor = false;
    bool seniority = false;
    bool no_show = false;
    /// Selections of this account that lapsed unconfirmed before this one.
    std::uint16_t misses = 0;
};

/// The outcome of a replay.
struct replay_outcome {
    std::vector<std::string> ports;
    std::vector<replay_port_day> days;
    std::vector<replay_appointment> appointments;
    std::int64_t persons_registered = 0;
    std::int64_t extra_accounts = 0;
    /// Accounts the duplicate rules cancelled when they were created (extra accounts and
    /// wrongly cancelled first accounts; see dedup).
    std::int64_t duplicates_cancelled_at_registration = 0;
    /// The duplicate engine's decisions against the truth.
    replay_dedup_stats dedup;
    std::int64_t duplicates_cancelled_at_confirmation = 0;
    /// Extra accounts withdrawn when their person got an appointment on another account.
    std::int64_t extra_accounts_withdrawn = 0;
    std::int64_t abandoned = 0;
    std::int64_t pool_at_end = 0;

    /// Persons with appointments on days up to and including `through`. O(days).
    [[nodiscard]] std::int64_t cumulative_persons(civil_date through) const noexcept {
        std::int64_t n = 0;
        for (const auto& d : days) {
            if (d.date <= through) {
                n += d.confirmed_persons;
            }
        }
        return n;
    }
};

namespace detail_replay {

struct account {
    std::uint64_t id;
    std::uint32_t person;
    std::int32_t entry_day;
    std::uint8_t port;
    std::uint8_t party;
    std::uint8_t poor;
    std::uint8_t cancelled;
    std::uint16_t misses;
};

struct draw_entrant {
    std::uint64_t id;
    std::size_t port;
    std::int64_t party;
    std::int64_t registered;
};

// The production draw options of an allocation rule: seniority:S (S > 0) and fifo run
// draw_seniority, aging:... draw_aging, uniform (and seniority:0) the keyed lottery.
inline draw_options allocation_options(const policy& rule) {
    draw_options o;
    if (const auto* s = std::get_if<seniority_policy>(&rule.get()); s != nullptr && s->share > 0) {
        o.policy = draw_policy::seniority;
        o.seniority_share = s->share;
    } else if (std::holds_alternative<fifo_policy>(rule.get())) {
        o.policy = draw_policy::seniority;
        o.seniority_share = 1.0;
    } else if (const auto* a = std::get_if<aging_policy>(&rule.get())) {
        o.policy = draw_policy::aging;
        o.aging = a->rule;
    }
    return o;
}

inline double unit32(std::uint64_t w) noexcept {
    return static_cast<double>(w & 0xffffffffU) * (1.0 / 4294967296.0);
}

// The integer form of unit32(w) < p: (w & 0xffffffff) < below32(p), for every w. Exact: the
// scaling by 2^32 is exact, and an integer is below t exactly when it is below ceil(t).
inline std::uint64_t below32(double p) noexcept {
    if (!(p > 0.0)) {
        return 0;
    }
    if (p >= 1.0) {
        return std::uint64_t{1} << 32;
    }
    return static_cast<std::uint64_t>(std::ceil(p * 4294967296.0));
}

} // namespace detail_replay

/// The plan the replay uses: `plan_text` (examples/plans/cbp-one-2023.plan) with one national
/// rule added for the days before it starts: `pre_plan_persons` a day from `first` to
/// `until` (an assumption; see docs/cbp-one-2023.md). Throws parse_error like
/// capacity_plan::parse: at the line and column of `plan_text` for an error in it, and naming
/// the added rule (no line: it is not in the file) when that rule is what the plan refuses.
[[nodiscard]] inline capacity_plan replay_plan(std::string_view plan_text, civil_date first,
                                               civil_date until, std::int64_t pre_plan_persons,
                                               std::string source = "plan") {
    std::string text(plan_text);
    if (!text.empty() && text.back() != '\n') {
        text += '\n';
    }
    (void)capacity_plan::parse(text, source); // the host's own errors, at their own lines
    const auto own_lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    const std::string added = "national persons=" + std::to_string(pre_plan_persons) +
                              " from=" + format_date(first) + " until=" + format_date(until);
    text += "# ASSUMPTION added by the replay: capacity before the plan's first national rule\n";
    text += added + "\n";
    try {
        return capacity_plan::parse(text, source);
    } catch (const parse_error& e) {
        if (e.line() <= own_lines) {
            throw;
        }
        std::string why = e.what();
        if (const auto at = why.find("': "); at != std::string::npos) {
            why.erase(0, at + 3);
        }
        detail::throw_parse_error(std::move(source), 0, 0, "national",
                                  "the replay's assumed rule '" + added +
                                      "' (capacity before the plan's first national rule) is "
                                      "refused: " +
                                      why);
    }
}

/// Runs the replay. `on_day(date, outcome)` is called after every day (progress). Per day d
/// (1 = config.first), in this order, each step from its own keyed stream:
/// 1. behaviour, key "cbp-one-2023/behaviour/DATE": one keyed word per account; its high half
///    decides abandonment, its low half whether the account requests today;
/// 2. capacity: plan.for_date(DATE) per port, persons only; from allocation_from, a seniority
///    share reserves seniority_persons(port, share) of it;
/// 3. selection: one production draw over every port's requesters, registration day = entry
///    day: in the race cbpq::draw, from allocation_from the rule's draw (draw_seniority under a
///    seniority share or FIFO, cbpq::draw for uniform; key "cbp-one-2023/draw/DATE"; draw_aging
///    with draw day = day for an aging rule, key "cbp-one-2023/aging/DATE"). Winners are taken
///    in the draw's rank order (seniority part first); which of them the seniority part took is
///    found by walking the winners alone in seniority order (exact: see the code);
/// 4. confirmation (from allocation_from; key "cbp-one-2023/confirm/DATE"): confirmed
///    selections become appointments and their person leaves with every account; a second
///    account of a person confirmed the same day is cancelled as a duplicate; unconfirmed
///    selections lapse and the account stays in the pool with its registration date;
/// 5. arrivals (key "cbp-one-2023/arrivals", stream d): Poisson registrants, their ports
///    (plan weights), parties, connectivity and extra accounts. A sampled registrant's first
///    account and each extra account get an identity record (identity_gen.hpp; families from
///    key "cbp-one-2023/identities/families", records from "cbp-one-2023/identities/records"
///    stream account id) and go through basic_deduplicator with config.duplicate_rules, in
///    creation order: `same` cancels the new account, `possible` sends it to review (it stays).
/// O(days x pool) keyed words plus the draw's O(requests) a day, plus one identity record and
/// one deduplicator add per checked account. Throws invalid_input on a bad
/// configuration and cbpq::error if an invariant breaks (capacity exceeded, a person served
/// twice).
template <class OnDay>
[[nodiscard]] replay_outcome run_replay(const capacity_plan& plan, const replay_config& cfg,
                                        const seed& run_seed, OnDay&& on_day) {
    using detail_replay::account;
    cfg.validate();
    replay_outcome out;
    out.ports = plan.port_names();
    const std::size_t np = out.ports.size();
    if (np == 0 || np > 255) {
        detail::throw_invalid_input("replay", "plan", "needs 1..255 ports");
    }
    // Demand per port follows the plan's port split on demand_split_date (an assumption).
    std::vector<std::uint32_t> port_weights(np, 0);
    {
        const auto dc = plan.for_date(cfg.demand_split_date);
        std::uint64_t total = 0;
        for (std::size_t p = 0; p < np; ++p) {
            port_weights[p] = static_cast<std::uint32_t>(
                std::clamp<std::int64_t>(dc.ports[p].persons, 0, 1000000000));
            total += port_weights[p];
        }
        if (total == 0) {
            std::fill(port_weights.begin(), port_weights.end(), 1);
        }
    }
    const draw_options rule = detail_replay::allocation_options(cfg.allocation);
    std::vector<account> pool;
    std::vector<std::uint8_t> person_done;
    std::uint64_t next_account = 0;
    const draw_key arrival_key(run_seed, "cbp-one-2023/arrivals");

    // Identities: people from the generator (families share surnames, address and contacts:
    // the hard negatives), one record per account, resolved by the real engine.
    const draw_key identity_key(run_seed, "cbp-one-2023/identities");
    const draw_key family_key(run_seed, "cbp-one-2023/identities/families");
    const draw_key record_key(run_seed, "cbp-one-2023/identities/records");
    const draw_key sample_key(run_seed, "cbp-one-2023/identities/sample");
    const double extra_rate =
        cfg.identity_share > 0.0 ? std::min(1.0, cfg.duplicate_rate / cfg.identity_share) : 0.0;
    detail::idgen::generator people(identity_key);
    std::uint64_t families = 0;
    std::size_t next_in_family = 0;
    basic_deduplicator<memory_identity_index> engine(
        cfg.duplicate_rules, dedup_options{},
        memory_identity_index(index_secret_from(draw_key(run_seed, "cbp-one-2023/dedup-index"))));
    {
        // Room for the accounts expected (plus 2%, well above the spread of the Poisson
        // arrivals and of the sample), reserved once: growing the index by doubling copied it and
        // faulted in fresh pages again and again (about 1.5 s of 10 s with every account checked).
        const double days =
            static_cast<double>(detail::day_number(cfg.last) - detail::day_number(cfg.first) + 1);
        const double persons =
            static_cast<double>(cfg.initial_persons) + cfg.arrivals_per_day * days;
        // At most 4M up front (about a gigabyte of index): a larger run grows as it goes.
        auto capped = [](double n) { return static_cast<std::size_t>(std::min(n, 4194304.0)); };
        const double sampled = 1.02 * persons * std::min(1.0, cfg.identity_share);
        engine.reserve(capped(sampled * (1.0 + extra_rate))); // first and extra accounts
        people.reserve_people(capped(sampled));               // one e-mail address a person
    }
    std::vector<std::uint32_t> person_of_ordinal;
    // The accounts of one registration batch (the initial pool, then each day's arrivals) in
    // creation order, and the identity records of those that carry one: the records go through
    // the engine together (add_each, the same answers as add() one by one, with the index reads
    // of neighbouring records overlapped), then the accounts not cancelled join the pool in
    // creation order.
    struct pending_account {
        account a;
        bool checked; // has an identity record (the next one in `records`)
        bool extra;
    };
    std::vector<pending_account> pending;
    std::vector<detail::idgen::registration> records;
    // Books one account's result; true if it is cancelled.
    auto book = [&](const add_result& res, std::uint32_t person, bool extra) {
        person_of_ordinal.push_back(person);
        auto& st = out.dedup;
        ++st.accounts_checked;
        st.candidates += static_cast<std::int64_t>(res.candidates);
        const dedup_decision d = res.result.decision;
        if (extra) {
            if (d == dedup_decision::cancel) {
                ++st.extra_cancelled;
                st.extra_cancelled_wrong_link += person_of_ordinal[res.result.other] != person;
            } else if (d == dedup_decision::review) {
                ++st.extra_review;
            } else {
                ++st.extra_kept;
            }
        } else if (d == dedup_decision::cancel) {
            ++st.first_cancelled;
        } else if (d == dedup_decision::review) {
            ++st.first_review;
        }
        if (d == dedup_decision::cancel) {
            ++out.duplicates_cancelled_at_registration;
            return true;
        }
        return false;
    };

    // Runs the pending records through the engine and moves the accounts not cancelled to the
    // pool, in creation order.
    auto flush = [&] {
        std::size_t next = 0; // pending accounts handled so far
        auto move_unchecked = [&] {
            for (; next < pending.size() && !pending[next].checked; ++next) {
                pool.push_back(pending[next].a);
            }
        };
        engine.add_each(records, [&](const add_result& res) {
            move_unchecked();
            const pending_account& p = pending[next++];
            if (!book(res, p.a.person, p.extra)) {
                pool.push_back(p.a);
            }
        });
        move_unchecked();
        pending.clear();
        records.clear();
    };
    auto register_persons = [&](std::int64_t count, std::int32_t day, bool spread,
                                keyed_stream& st) {
        for (std::int64_t i = 0; i < count; ++i) {
            if (records.size() >= 4096 || pending.size() >= 65536) { // bounds what is held
                flush();
            }
            const auto person = static_cast<std::uint32_t>(person_done.size());
            person_done.push_back(0);
            ++out.persons_registered;
            account a{};
            a.id = next_account++;
            a.person = person;
            // The initial pool registered over the week before the first day.
            a.entry_day =
                spread ? day - 6 +
                             static_cast<std::int32_t>((7 * i) / std::max<std::int64_t>(count, 1))
                       : day;
            a.port = static_cast<std::uint8_t>(categorical_variate(port_weights, st));
            a.party = static_cast<std::uint8_t>(categorical_variate(cfg.party_weights, st));
            a.poor = st.uniform() < cfg.poor_share ? 1 : 0;
            const bool sampled = cfg.identity_share >= 1.0 ||
                                 unit_interval(sample_key.entrant_key(person)) < cfg.identity_share;
            const bool extra = sampled && st.uniform() < extra_rate;
            if (!sampled) {
                pending.push_back({a, false, false});
                continue;
            }
            if (next_in_family == people.people()) {
                people.forget_people();
                next_in_family = 0;
                keyed_stream fs = family_key.stream(families++);
                (void)people.add_family(fs, 6);
            }
            const std::size_t who = next_in_family++;
            auto record_of = [&](const account& acc, bool dup) {
                keyed_stream rs = record_key.stream(acc.id);
                records.push_back(people.render_person(who, rs, dup));
                records.back().id = std::to_string(acc.id);
                records.back().registered = static_cast<std::int64_t>(acc.id); // creation order
            };
            record_of(a, false);
            pending.push_back({a, true, false});
            if (extra) {
                ++out.extra_accounts;
                account b = a;
                b.id = next_account++;
                b.port = static_cast<std::uint8_t>(categorical_variate(port_weights, st));
                record_of(b, true);
                pending.push_back({b, true, true});
            }
        }
        flush();
    };
    {
        keyed_stream st = arrival_key.stream(0);
        register_persons(cfg.initial_persons, 0, true, st);
    }

    const std::int64_t first_day = detail::day_number(cfg.first);
    const std::int64_t last_day = detail::day_number(cfg.last);
    std::vector<std::vector<std::uint32_t>> requesters(np);
    std::vector<detail_replay::draw_entrant> entrants;
    struct winner {
        std::int64_t registered;
        std::uint64_t key;
        std::uint64_t id;
        std::size_t pick;
    };
    std::vector<winner> by_seniority;
    struct pick {
        std::uint32_t index;
        bool seniority;
    };
    std::vector<std::vector<pick>> picks(np);
    std::vector<std::uint32_t> confirmed_today;
    draw_options race = draw_options{};
    draw_options allocation_rule = rule;
    for (draw_options* o : {&race, &allocation_rule}) {
        o->check_duplicate_ids = false; // account ids are unique by construction
        o->max_party = static_cast<std::int64_t>(cfg.party_weights.size());
    }

    constexpr std::size_t key_block = 256;
    std::array<std::uint64_t, key_block> block_ids{};
    std::array<std::uint64_t, key_block> block_keys{};
    const detail::batch_keys_fn batch_keys = detail::best_batch_keys();
    // unit32(w) < p as integer comparisons (the same decisions, cheaper per account and day).
    const std::uint64_t abandon_below = detail_replay::below32(cfg.abandon_per_day);
    const std::array<std::uint64_t, 2> request_below = {detail_replay::below32(cfg.request_good),
                                                        detail_replay::below32(cfg.request_poor)};

    for (std::int64_t dn = first_day; dn <= last_day; ++dn) {
        const civil_date date = detail::from_day_number(dn);
        const auto day = static_cast<std::int32_t>(dn - first_day + 1);
        const std::string date_text = format_date(date);
        const bool allocation = date >= cfg.allocation_from;

        // 1. Behaviour: drop withdrawn, cancelled and abandoning accounts; collect requesters.
        const draw_key behaviour(run_seed, "cbp-one-2023/behaviour/" + date_text);
        for (auto& r : requesters) {
            r.clear();
        }
        // The accounts' keys (behaviour.entrant_key of each id) are computed 256 at a time on
        // the draw's batched SIMD path: the same keys, a fraction of the time of one call each.
        // pool is compacted in place: `kept` never passes the account being read.
        std::size_t kept = 0;
        for (std::size_t start = 0; start < pool.size(); start += key_block) {
            const std::size_t n = std::min(key_block, pool.size() - start);
            for (std::size_t j = 0; j < n; ++j) {
                block_ids[j] = pool[start + j].id;
            }
            batch_keys(behaviour.k0(), behaviour.k1(), block_ids.data(), n, false,
                       block_keys.data());
            for (std::size_t j = 0; j < n; ++j) {
                const account a = pool[start + j];
                if (a.cancelled != 0) {
                    continue;
                }
                if (person_done[a.person] != 0) {
                    ++out.extra_accounts_withdrawn;
                    continue;
                }
                const std::uint64_t w = block_keys[j];
                if ((w >> 32) < abandon_below) {
                    ++out.abandoned;
                    continue;
                }
                pool[kept] = a;
                if ((w & 0xffffffffU) < request_below[a.poor != 0 ? 1 : 0]) {
                    requesters[a.port].push_back(static_cast<std::uint32_t>(kept));
                }
                ++kept;
            }
        }
        pool.resize(kept);

        // 2. Capacity.
        const day_capacity dc = plan.for_date(date);
        const draw_options& opt = allocation ? allocation_rule : race;
        const bool senior = opt.policy == draw_policy::seniority;
        std::vector<replay_port_day> rows(np);
        day_capacity capacity;
        for (std::size_t p = 0; p < np; ++p) {
            auto& row = rows[p];
            row.date = date;
            row.port = static_cast<std::uint32_t>(p);
            row.allocation = allocation;
            row.capacity = dc.ports[p].persons;
            row.requests = static_cast<std::int64_t>(requesters[p].size());
            capacity.ports.push_back({out.ports[p], row.capacity, std::nullopt, {}});
            row.seniority_capacity =
                senior ? seniority_persons(capacity.ports.back(), opt.seniority_share) : 0;
            picks[p].clear();
        }

        // 3. Selection: the production draw, one call for every port.
        entrants.clear();
        for (std::size_t p = 0; p < np; ++p) {
            for (const std::uint32_t i : requesters[p]) {
                entrants.push_back({pool[i].id, p, pool[i].party + 1, pool[i].entry_day});
            }
        }
        auto take = [&](const auto& result) {
            for (std::size_t p = 0; p < np; ++p) {
                auto selected = result.ports[p].selected; // keyed order; taken in rank order
                std::sort(selected.begin(), selected.end(),
                          [](const auto& x, const auto& y) { return x.rank < y.rank; });
                by_seniority.clear();
                for (const auto& w : selected) {
                    const auto it = std::lower_bound(
                        pool.begin(), pool.end(), w.id,
                        [](const account& a, std::uint64_t id) { return a.id < id; });
                    if (it == pool.end() || it->id != w.id) {
                        throw error("replay: the draw selected an unknown account");
                    }
                    const auto i = static_cast<std::uint32_t>(it - pool.begin());
                    by_seniority.push_back({it->entry_day, w.key, w.id, picks[p].size()});
                    picks[p].push_back({i, false});
                }
                // Which winners the seniority part took: the seniority walk (skip rule, no
                // party or slot limits here) over the winners alone, in (registered, key, id)
                // order. Exact: every requester the walk passes over is skipped without
                // changing what is left, so leaving out those that did not win changes none of
                // its decisions about those that did.
                std::sort(by_seniority.begin(), by_seniority.end(),
                          [](const winner& x, const winner& y) {
                              return std::tie(x.registered, x.key, x.id) <
                                     std::tie(y.registered, y.key, y.id);
                          });
                std::int64_t left = rows[p].seniority_capacity;
                for (const auto& w : by_seniority) {
                    auto& pk = picks[p][w.pick];
                    const std::int64_t persons = pool[pk.index].party + 1;
                    if (persons <= left) {
                        left -= persons;
                        pk.seniority = true;
                        rows[p].seniority_persons += persons;
                    } else {
                        rows[p].lottery_persons += persons;
                    }
                }
                // Unused seniority capacity goes to the lottery (the plan's unused=lottery).
                rows[p].lottery_capacity = rows[p].capacity - rows[p].seniority_persons;
            }
        };
        auto id = [](const detail_replay::draw_entrant& e) { return e.id; };
        auto port = [](const detail_replay::draw_entrant& e) { return e.port; };
        auto party = [](const detail_replay::draw_entrant& e) { return e.party; };
        auto registered = [](const detail_replay::draw_entrant& e) { return e.registered; };
        if (opt.policy == draw_policy::aging) {
            draw_options o = opt;
            o.draw_day = day;
            take(draw_aging(entrants, capacity,
                            draw_key(run_seed, "cbp-one-2023/aging/" + date_text), o, id, port,
                            party, registered));
        } else {
            const draw_key dk(run_seed, "cbp-one-2023/draw/" + date_text);
            if (senior) {
                take(draw_seniority(entrants, capacity, dk, opt, id, port, party, registered));
            } else {
                take(draw(entrants, capacity, dk, opt, id, port, party));
            }
        }

        // 4. Confirmation, duplicates at confirmation, no-shows.
        const draw_key confirm(run_seed, "cbp-one-2023/confirm/" + date_text);
        for (std::size_t p = 0; p < np; ++p) {
            auto& row = rows[p];
            if (row.seniority_persons + row.lottery_persons > row.capacity) {
                throw error("replay: port " + out.ports[p] + " on " + date_text +
                            " selected more persons than its capacity");
            }
            for (const auto& pk : picks[p]) {
                account& a = pool[pk.index];
                const std::int64_t persons = a.party + 1;
                const std::uint64_t w = confirm.entrant_key(a.id);
                const bool confirmed = !allocation || detail_replay::unit32(w) < cfg.confirm_rate;
                if (!confirmed) {
                    row.missed_persons += persons;
                    ++a.misses;
                    continue;
                }
                if (person_done[a.person] != 0) {
                    // The person confirmed on another account today: the live photo matches.
                    a.cancelled = 1;
                    ++row.duplicates_cancelled;
                    ++out.duplicates_cancelled_at_confirmation;
                    continue;
                }
                person_done[a.person] = 1;
                a.cancelled = 1; // leaves the pool
                replay_appointment ap;
                ap.account = a.id;
                ap.person = a.person;
                ap.day = day;
                ap.wait = day - a.entry_day;
                ap.port = static_cast<std::uint8_t>(p);
                ap.party = a.party;
                ap.poor = a.poor != 0;
                ap.seniority = pk.seniority;
                ap.no_show = allocation && detail_replay::unit32(w >> 32) < cfg.no_show_rate;
                ap.misses = a.misses;
                out.appointments.push_back(ap);
                row.confirmed_persons += persons;
                row.no_show_persons += ap.no_show ? persons : 0;
            }
        }
        // The departed person's other accounts are withdrawn at the next day's pass (step 1).
        for (auto& row : rows) {
            out.days.push_back(row);
        }

        // 5. Arrivals, after the day's allocation: their first request is the next day.
        {
            keyed_stream st = arrival_key.stream(static_cast<std::uint64_t>(day));
            const std::uint64_t n = poisson_variate(cfg.arrivals_per_day, st);
            register_persons(static_cast<std::int64_t>(n), day, false, st);
        }
        std::int64_t live = 0;
        for (const auto& a : pool) {
            live += a.cancelled == 0 ? 1 : 0;
        }
        out.pool_at_end = live;
        on_day(date, std::as_const(out));
    }
    return out;
}

/// run_replay without a progress callback.
[[nodiscard]] inline replay_outcome run_replay(const capacity_plan& plan, const replay_config& cfg,
                                               const seed& run_seed) {
    return run_replay(plan, cfg, run_seed, [](civil_date, const replay_outcome&) {});
}

} // namespace sim

CBPQ_END_NAMESPACE

#endif
