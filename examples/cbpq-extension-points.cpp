// SPDX-License-Identifier: BSL-1.0
// cbpq-extension-points: one readable tour, for an engineer embedding cbpq in a registration
// system, of every place where the host's own types plug into cbpq's templates. Each numbered
// section below is self-contained and prints a deterministic report (no timings, no addresses),
// so the output doubles as a golden test (tests/golden/extension_points.txt).
//
//   cbpq-extension-points [--seed HEX]        (64 hex digits; a fixed default otherwise)
//
// Sections: 1 host record types in the draw (entrant_traits, projections); 2 policies fed by host
// fields (the traits' optional registered() and weight()); 3 shards and merge, for every policy;
// 4 a host daily_policy composed into a day's capacity (capacity_on); 5 receipts;
// 6 duplicates (registration_traits, a custom rule, a host identity_index); 7 storage concepts.
// docs/hosting.md ("Extension points") points here section by section.

#include "tool.hpp"

#include <cbpq/audit.hpp>
#include <cbpq/capacity.hpp>
#include <cbpq/draw.hpp>
#include <cbpq/duplicates.hpp>
#include <cbpq/random.hpp>
#include <cbpq/store.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

// =============================================================================================
// The host's own types. They live in the host's namespace, their members are named the way the
// host's schema names them, and cbpq never asks them to change.
// =============================================================================================
namespace host {

/// A row of the host's applicant table. Not `id`/`port`/`party`: the draw must be told how to
/// read it (section 1).
struct applicant {
    std::uint64_t applicant_no = 0; // primary key
    std::string crossing;           // port of entry, by name
    std::uint8_t crossing_ix = 0;   // the same port as an index into today's capacity
    int household = 1;              // persons travelling together (the party)
    std::int64_t signup_day = 0;    // registration date, days since 1970-01-01
    double priority_weight = 1.0;   // e.g. a vulnerability score from case workers
};

/// A row of the host's sign-up table, as duplicate detection reads it (section 6).
struct signup {
    std::string ref;
    std::int64_t created_unix = 0; // seconds since 1970: orders registrations in time
    std::string first_names, last_names, dob, passport_no, mobile, mail;
};

} // namespace host

// ---------------------------------------------------------------------------------------------
// Section 1's traits: how cbpq reads a host::applicant when no projections are given. A
// specialisation returns references into the row, so the draw reads the rows in place and
// copies only the ids of the few candidates it keeps (as integers here, kept as they are).
// The two optional members feed section 2's policy draws: registered() (a day number) for
// seniority and aging, weight() for weighted draws (docs/hosting.md).
template <>
struct cbpq::entrant_traits<host::applicant> {
    static const std::uint64_t& id(const host::applicant& a) noexcept { return a.applicant_no; }
    static const std::string& port(const host::applicant& a) noexcept { return a.crossing; }
    static int party(const host::applicant& a) noexcept { return a.household; }
    static std::int64_t registered(const host::applicant& a) noexcept { return a.signup_day; }
    static double weight(const host::applicant& a) noexcept { return a.priority_weight; }
};
static_assert(cbpq::entrant_id<std::uint64_t>, "applicant numbers must be keyable ids");
static_assert(cbpq::registered_entrant<host::applicant> && cbpq::weighted_entrant<host::applicant>);

// Section 6's traits: a registration_view borrows the row's text; nothing is copied until the
// engine normalises it. Fields the host does not have (address, device ...) stay empty, which
// the rules read as missing.
template <>
struct cbpq::registration_traits<host::signup> {
    static cbpq::registration_view view(const host::signup& s) noexcept {
        cbpq::registration_view v;
        v.id = s.ref;
        v.registered = s.created_unix;
        v.given = s.first_names;
        v.surname = s.last_names;
        v.birth = s.dob;
        v.document = s.passport_no;
        v.phone = s.mobile;
        v.email = s.mail;
        return v;
    }
};
static_assert(std::is_same_v<decltype(cbpq::registration_traits<host::signup>::view(
                                 std::declval<const host::signup&>())),
                             cbpq::registration_view>);

namespace {

constexpr std::string_view usage = "usage: cbpq-extension-points [--seed HEX]\n";
constexpr std::string_view default_seed =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr std::array<const char*, 3> crossings = {"nogales", "san-ysidro", "laredo"};

/// 48 applicants spread over three crossings, built arithmetically so the report reproduces.
std::vector<host::applicant> make_applicants(std::int64_t draw_day) {
    std::vector<host::applicant> out;
    for (int i = 0; i < 48; ++i) {
        host::applicant a;
        a.applicant_no = 910000 + static_cast<std::uint64_t>(i) * 37;
        a.crossing_ix = static_cast<std::uint8_t>(i % 3);
        a.crossing = crossings[static_cast<std::size_t>(i % 3)];
        a.household = 1 + (i * 5) % 3;
        a.signup_day = draw_day - (1 + (i * 41) % 120);
        a.priority_weight = 1.0 + static_cast<double>((i * 7) % 4);
        out.push_back(a);
    }
    return out;
}

void heading(const char* title) { std::printf("\n== %s\n", title); }

template <class Id>
void print_result(const cbpq::draw_result<Id>& r) {
    for (const auto& p : r.ports) {
        std::printf("  %-10s %2lld persons %2lld parties  selected:", p.port.c_str(),
                    static_cast<long long>(p.persons), static_cast<long long>(p.parties));
        for (const auto& s : p.selected) {
            std::printf(" %s", cbpq::id_text(s.id).c_str());
            if (s.slot) {
                std::printf("@%zu", *s.slot);
            }
        }
        std::printf("\n  %-10s %27s alternates:", "", "");
        for (const auto& a : p.alternates) {
            std::printf(" %s(%s)", cbpq::id_text(a.id).c_str(),
                        std::string(cbpq::to_string(a.reason)).c_str());
        }
        std::printf("\n");
    }
}

const char* yes_no(bool b) { return b ? "yes" : "NO"; }

// =============================================================================================
// 1. The draw over the host's record type, without copying
// =============================================================================================
void section_draw(const std::vector<host::applicant>& applicants, const cbpq::day_capacity& cap,
                  const cbpq::draw_key& key, const cbpq::draw_options& opt) {
    heading("1. draw over host::applicant (entrant_traits, then projections)");
    // Through the specialisation above: the short form a host uses when one record type is
    // always read the same way.
    const auto by_traits = cbpq::draw(applicants, cap, key, opt);

    // Through projections: a host that reads the same table in several ways (or cannot add a
    // specialisation) passes lambdas. The port may be an integer index into cap.ports instead
    // of a name: no string comparison per entrant.
    const auto by_projection = cbpq::draw(
        applicants, cap, key, opt, [](const host::applicant& a) { return a.applicant_no; },
        [](const host::applicant& a) { return static_cast<std::size_t>(a.crossing_ix); },
        [](const host::applicant& a) { return a.household; });

    print_result(by_traits);
    std::printf("  traits and projections give the same result: %s\n",
                yes_no(by_traits == by_projection));
}

// =============================================================================================
// 2. Policies fed by host fields
// =============================================================================================
void section_policies(const std::vector<host::applicant>& applicants, const cbpq::day_capacity& cap,
                      const cbpq::draw_key& key, const cbpq::draw_options& base,
                      std::int64_t draw_day) {
    heading("2. policies fed by host fields (docs/policies.md)");
    // The registration day and the weight are host columns; the traits above read them (their
    // optional registered() and weight()), and cbpq records in the receipt digest that it did
    // (docs/receipts.md). Projections do the same for a host without a specialisation.
    auto id = [](const host::applicant& a) { return a.applicant_no; };
    auto port = [](const host::applicant& a) -> const std::string& { return a.crossing; };
    auto party = [](const host::applicant& a) { return a.household; };
    auto registered = [](const host::applicant& a) { return a.signup_day; };
    auto weight = [](const host::applicant& a) { return a.priority_weight; };

    cbpq::draw_options senior = base;
    senior.policy = cbpq::draw_policy::seniority;
    senior.seniority_share = 0.5; // half of each port's persons to the oldest registrations
    std::printf("seniority, share 0.5:\n");
    const auto by_seniority = cbpq::draw_seniority(applicants, cap, key, senior);
    print_result(by_seniority);

    cbpq::draw_options weighted = base;
    weighted.policy = cbpq::draw_policy::weighted;
    std::printf("weighted by priority_weight:\n");
    const auto by_weight = cbpq::draw_weighted(applicants, cap, key, weighted);
    print_result(by_weight);

    cbpq::draw_options aging = base;
    aging.policy = cbpq::draw_policy::aging;
    aging.aging = cbpq::parse_aging_rule("linear/30"); // +1 weight per 30 days waited
    aging.draw_day = draw_day;
    std::printf("aging %s from signup_day:\n", cbpq::to_string(aging.aging).c_str());
    const auto by_age = cbpq::draw_aging(applicants, cap, key, aging);
    print_result(by_age);
    std::printf("  traits and projections give the same result (seniority, weighted, aging): "
                "%s\n",
                yes_no(by_seniority == cbpq::draw_seniority(applicants, cap, key, senior, id, port,
                                                            party, registered) &&
                       by_weight == cbpq::draw_weighted(applicants, cap, key, weighted, id, port,
                                                        party, weight) &&
                       by_age == cbpq::draw_aging(applicants, cap, key, aging, id, port, party,
                                                  registered)));
}

// =============================================================================================
// 3. Shards: collect on each, merge, finish (docs/draw.md, "Shards and merge")
// =============================================================================================
void section_shards(const std::vector<host::applicant>& applicants, const cbpq::day_capacity& cap,
                    const cbpq::draw_key& key, const cbpq::draw_options& opt) {
    heading("3. shards: collect_draw, merge_partials, finish_draw");
    // Two disjoint halves: the rows are unique by primary key, so splitting the table splits
    // the entrant set. In production each half is a worker's own query.
    const std::span<const host::applicant> all(applicants);
    const auto first = all.first(all.size() / 2);
    const auto second = all.subspan(all.size() / 2);
    auto part_a = cbpq::collect_draw(first, cap, key, opt);
    const auto part_b = cbpq::collect_draw(second, cap, key, opt);
    auto merged = cbpq::merge_partials(std::move(part_a), part_b);
    const auto sharded = cbpq::finish_draw(merged, cap, key, opt);
    const auto whole = cbpq::draw(applicants, cap, key, opt);

    std::size_t kept = 0;
    for (const auto& p : merged.ports) {
        for (const auto& bucket : p.by_size) {
            kept += bucket.size();
        }
    }
    // A partial's buckets are in no particular order in memory; its text form is canonical
    // (the same bytes whatever the merge order), and the reader returns canonical buckets, so
    // sort_partial puts `merged` in that order to compare it with what comes back.
    cbpq::sort_partial(merged);
    std::printf("  shard sizes %zu + %zu; merged partial keeps %zu of %llu entrants\n",
                first.size(), second.size(), kept,
                static_cast<unsigned long long>(merged.entrants));
    std::printf("  finish_draw(merged) == draw(whole pool): %s\n", yes_no(sharded == whole));

    // The text form ships a partial between machines (audit.hpp).
    const std::string wire = cbpq::partial_to_json(merged);
    const auto back = cbpq::partial_from_json<std::uint64_t>(wire, "merged partial");
    std::printf("  partial_to_json: %zu bytes; partial_from_json gives it back: %s\n", wire.size(),
                yes_no(back == merged));
    // Its head: the draw it belongs to (merge_partials refuses partials of another draw).
    std::size_t at = 0;
    for (int line = 0; line < 5 && at < wire.size(); ++line) {
        const std::size_t end = std::min(wire.find('\n', at), wire.size());
        std::printf("    %s\n", wire.substr(at, end - at).c_str());
        at = end + 1;
    }
    std::printf("    ...\n");

    // The policy partials ship the same way: a seniority draw sharded over the two halves ...
    cbpq::draw_options senior = opt;
    senior.policy = cbpq::draw_policy::seniority;
    senior.seniority_share = 0.5;
    const std::string senior_wire = cbpq::seniority_partial_to_json(cbpq::merge_seniority_partials(
        cbpq::seniority_partial_from_json<std::uint64_t>(
            cbpq::seniority_partial_to_json(cbpq::collect_seniority(second, cap, key, senior))),
        cbpq::seniority_partial_from_json<std::uint64_t>(
            cbpq::seniority_partial_to_json(cbpq::collect_seniority(first, cap, key, senior)))));
    std::printf("  seniority_partial_to_json: %zu bytes; shipped, merged and finished == "
                "draw_seniority: %s\n",
                senior_wire.size(),
                yes_no(cbpq::finish_seniority(
                           cbpq::seniority_partial_from_json<std::uint64_t>(senior_wire), cap, key,
                           senior) == cbpq::draw_seniority(applicants, cap, key, senior)));
    // ... and a weighted one (aging partials are weighted partials).
    cbpq::draw_options weighted = opt;
    weighted.policy = cbpq::draw_policy::weighted;
    const std::string weighted_wire = cbpq::weighted_partial_to_json(cbpq::merge_weighted_partials(
        cbpq::weighted_partial_from_json<std::uint64_t>(
            cbpq::weighted_partial_to_json(cbpq::collect_weighted(first, cap, key, weighted))),
        cbpq::weighted_partial_from_json<std::uint64_t>(
            cbpq::weighted_partial_to_json(cbpq::collect_weighted(second, cap, key, weighted)))));
    std::printf("  weighted_partial_to_json: %zu bytes; shipped, merged and finished == "
                "draw_weighted: %s\n",
                weighted_wire.size(),
                yes_no(cbpq::finish_weighted(
                           cbpq::weighted_partial_from_json<std::uint64_t>(weighted_wire), cap, key,
                           weighted) == cbpq::draw_weighted(applicants, cap, key, weighted)));
}

// =============================================================================================
// 4. Capacity: a host daily_policy composed with the library's
// =============================================================================================

/// The host's holiday calendar as a daily policy: closed (0) on a listed date, no opinion
/// otherwise, so that whatever comes after it in a precedence decides ordinary days. Sorted
/// once; limit() is pure, as the concept's semantic requirement asks.
class holiday_closure {
public:
    explicit holiday_closure(std::vector<cbpq::civil_date> days) : days_(std::move(days)) {
        std::sort(days_.begin(), days_.end());
    }
    [[nodiscard]] std::optional<std::int64_t> limit(cbpq::civil_date d) const {
        return std::binary_search(days_.begin(), days_.end(), d) ? std::optional<std::int64_t>(0)
                                                                 : std::nullopt;
    }

private:
    std::vector<cbpq::civil_date> days_;
};
static_assert(cbpq::daily_policy<holiday_closure>);

/// What the host keeps per port: a weekly schedule, the staffing roster, an optional slot grid
/// and an optional cap on parties.
struct port_plan {
    std::string port;
    cbpq::weekly_schedule schedule;
    cbpq::staffing staff;
    std::optional<cbpq::slot_grid> grid;
    std::optional<std::int64_t> parties;
};

/// Each port's daily policy: the holiday list overrides the schedule (precedence: first
/// opinion wins); the result is then held to what the officers on duty can process
/// (strictest: smallest limit).
using port_rule =
    cbpq::strictest_of<cbpq::first_of<holiday_closure, cbpq::weekly_schedule>, cbpq::staffing>;
static_assert(cbpq::daily_policy<port_rule>);

/// The ports as capacity_on reads them. A slot grid is the shape of the day rather than a
/// daily policy: capacity_on takes its total as one more limit and gives its slots to the draw,
/// which seats each party whole in one slot. A day no policy has an opinion on is closed.
std::vector<cbpq::port_policy<port_rule>> port_policies(const std::vector<port_plan>& plans,
                                                        const holiday_closure& holidays) {
    std::vector<cbpq::port_policy<port_rule>> out;
    for (const auto& p : plans) {
        p.staff.validate();
        out.push_back({p.port, cbpq::strictest(cbpq::precedence(holidays, p.schedule), p.staff),
                       p.parties, p.grid});
    }
    return out;
}

void print_capacity(const cbpq::day_capacity& cap) {
    for (const auto& p : cap.ports) {
        std::printf("  %-10s persons %2lld  parties %-4s slots", p.port.c_str(),
                    static_cast<long long>(p.persons),
                    p.parties ? std::to_string(*p.parties).c_str() : "-");
        if (p.slots.empty()) {
            std::printf(" -");
        }
        for (const auto& s : p.slots) {
            std::printf(" %s:%lld", s.label.c_str(), static_cast<long long>(s.persons));
        }
        std::printf("\n");
    }
}

cbpq::day_capacity section_capacity(cbpq::civil_date draw_date) {
    heading("4. capacity: host daily_policy + weekly_schedule, staffing, precedence, strictest, "
            "slot_grid");
    using namespace std::chrono;
    const holiday_closure holidays({year{2023} / July / 4, year{2023} / December / 25});

    cbpq::weekly_schedule weekdays_only; // Monday first; Sunday closed rather than "no opinion"
    weekdays_only.persons = {20, 20, 20, 20, 20, 8, 0};
    std::vector<port_plan> plans;
    plans.push_back({"nogales", weekdays_only, {3, 8 * 60, 60, 12}, std::nullopt, std::nullopt});
    plans.push_back({"san-ysidro",
                     weekdays_only,
                     {4, 8 * 60, 60, std::nullopt},
                     cbpq::slot_grid{8 * 60, 10 * 60, 30, 30, 4},
                     std::nullopt});
    plans.push_back({"laredo", weekdays_only, {2, 6 * 60, 60, std::nullopt}, std::nullopt, 5});

    const std::array<std::pair<cbpq::civil_date, const char*>, 3> days = {{
        {draw_date, "draw date, Friday"},
        {year{2023} / July / 1, "Saturday"},
        {year{2023} / July / 4, "holiday"},
    }};
    const auto policies = port_policies(plans, holidays);
    for (const auto& [d, what] : days) {
        std::printf("%s (%s):\n", cbpq::format_date(d).c_str(), what);
        print_capacity(cbpq::capacity_on(policies, d));
    }
    return cbpq::capacity_on(policies, draw_date);
}

// =============================================================================================
// 5. Receipts
// =============================================================================================
cbpq::receipt section_receipts(const std::vector<host::applicant>& applicants,
                               const cbpq::day_capacity& cap, const cbpq::seed& s,
                               const std::string& label, const cbpq::draw_options& opt) {
    heading("5. receipts: make_receipt, JSON round trip, verify");
    const cbpq::draw_key key(s, label);
    const auto result = cbpq::draw(applicants, cap, key, opt);
    print_result(result);
    // The digest covers (id, port, party) of every entrant, read through the same traits, in
    // an order-independent way: the host may hand the verifier its rows in any order.
    const cbpq::receipt r = cbpq::make_receipt(result, cap, label, s, cbpq::seed_source{},
                                               cbpq::digest_entrants(applicants, cap));
    const std::string json = cbpq::receipt_to_json(r);
    const cbpq::receipt back = cbpq::receipt_from_json(json, "receipt.json");
    std::printf("  receipt_to_json: %zu bytes; receipt_from_json gives it back: %s\n", json.size(),
                yes_no(back == r));
    std::printf("  entrants %llu, digest %s\n", static_cast<unsigned long long>(r.entrants.count),
                r.entrants.sha256.c_str());
    std::printf("  result digest %s\n", r.result_digest.c_str());

    const cbpq::verification_report good = cbpq::verify(back, applicants, cap);
    std::printf("  verify(all applicants): %s\n", good.ok ? "ok" : good.difference.c_str());

    // An auditor handed one row fewer (a host that silently dropped an applicant) must not be
    // told the draw checks out: verify names the difference instead of throwing.
    std::vector<host::applicant> missing_one = applicants;
    missing_one.erase(missing_one.begin() + 5);
    const cbpq::verification_report bad = cbpq::verify(back, missing_one, cap);
    std::printf("  verify(without applicant %llu): %s\n",
                static_cast<unsigned long long>(applicants[5].applicant_no),
                bad.ok ? "ok (UNEXPECTED)" : "fails");
    std::printf("    reason: %s\n", bad.difference.c_str());
    return r;
}

// =============================================================================================
// 6. Duplicates: host records, a host rule, a host identity index
// =============================================================================================

/// The shape a database-backed identity index takes: the host owns the rows and the blocking
/// postings; cbpq asks for candidates by keyed hash and reads records back by ordinal. Here it
/// wraps the in-memory index and counts the candidate lookups (each would be one indexed
/// SELECT in a database), which is the figure a host sizes its database for.
class counting_index {
public:
    explicit counting_index(const cbpq::index_secret& secret) : inner_(secret) {}

    [[nodiscard]] std::size_t size() const noexcept { return inner_.size(); }
    std::uint32_t append(const cbpq::normalized_registration& r) { return inner_.append(r); }
    [[nodiscard]] cbpq::identity_view record(std::uint32_t i) const { return inner_.record(i); }
    bool link(std::uint64_t key, std::uint32_t ord) { return inner_.link(key, ord); }
    void candidates(std::uint64_t key, std::vector<std::uint32_t>& out) const {
        ++lookups_;
        inner_.candidates(key, out);
    }
    [[nodiscard]] std::size_t cap() const noexcept { return inner_.cap(); }
    [[nodiscard]] const cbpq::index_secret& secret() const noexcept { return inner_.secret(); }
    [[nodiscard]] std::size_t lookups() const noexcept { return lookups_; }

private:
    cbpq::memory_identity_index inner_;
    mutable std::size_t lookups_ = 0; // statistics only: candidates() stays logically const
};
static_assert(cbpq::identity_index<counting_index>);

/// The host's own rule: a sign-up resubmitted within ten minutes under the same name and birth
/// date is the same person pressing "send" twice, even with no document or contact in common.
/// The score falls from 1 (same second) to 0 (ten minutes apart), so reviewers see how close.
cbpq::rule resubmission_rule() {
    auto within_ten_minutes = [](const cbpq::identity_view& a,
                                 const cbpq::identity_view& b) -> std::optional<double> {
        const std::int64_t gap =
            a.registered > b.registered ? a.registered - b.registered : b.registered - a.registered;
        if (gap >= 600) {
            return std::nullopt;
        }
        return 1.0 - static_cast<double>(gap) / 600.0;
    };
    return {"host:resubmitted-within-10min",
            cbpq::match_strength::same,
            {cbpq::same_birth(), cbpq::similar_given(0.95), cbpq::similar_surnames(0.95),
             cbpq::condition::custom("registered<10min", {cbpq::identity_field::registered},
                                     within_ten_minutes)}};
}

void section_duplicates(const cbpq::draw_key& key) {
    heading("6. duplicates: registration_traits, a custom rule, a host identity_index");
    constexpr std::int64_t t0 = 1687000000;
    const std::vector<host::signup> signups = {
        {"S-001", t0, "Maria Jose", "Garcia Lopez", "1990-04-12", "G1234567", "+525512345678",
         "mjgl@example.org"},
        {"S-002", t0 + 240, "Maria Jose", "Garcia Lopez", "1990-04-12", "", "", ""},
        {"S-003", t0 + 300, "Juan", "Perez", "1985-01-02", "P7654321", "", ""},
        {"S-004", t0 + 9000, "Juan", "Perez Ruiz", "1985-01-02", "P7654321", "", ""},
        {"S-005", t0 + 100, "Ana", "Torres", "1992-07-30", "", "", "ana.t@example.org"},
        {"S-006", t0 + 86400, "Ana", "Torres", "1992-07-30", "", "", "torres.ana@example.net"},
        {"S-007", t0 + 500, "Luis", "Mendez", "1979-11-03", "M5550001", "", ""},
    };

    // The default rules plus the host's: appended, so the library's rules keep their names and
    // order, and the host's is reported only where none of them found `same`.
    std::vector<cbpq::rule> rules = cbpq::default_rules().rules();
    rules.push_back(resubmission_rule());
    const cbpq::rule_set rule_set(std::move(rules));

    // A fixed secret (derived from the draw key) so that a host can persist it with the
    // postings; outcomes never depend on it.
    cbpq::basic_deduplicator<counting_index> dedup(rule_set, cbpq::dedup_options{},
                                                   counting_index(cbpq::index_secret_from(key)));
    const auto decisions = dedup.add_all(signups);
    for (const auto& d : decisions) {
        const auto me = dedup.record(d.ordinal);
        std::printf("  %s %s", std::string(me.id).c_str(),
                    std::string(cbpq::to_string(d.decision)).c_str());
        if (d.rule) {
            std::printf(": rule %s, score %.3f, fields %s, with %s",
                        dedup.rules()[*d.rule].name.c_str(), static_cast<double>(d.score),
                        d.fields.to_string().c_str(),
                        std::string(dedup.record(d.other).id).c_str());
        }
        std::printf("\n");
    }
    std::printf("  candidate lookups through counting_index: %zu for %zu sign-ups\n",
                dedup.index().lookups(), signups.size());
}

// =============================================================================================
// 7. Storage concepts
// =============================================================================================

/// The smallest allocation_store: committed days by label. A database keeps the same promises
/// with a unique label and one transaction per commit (docs/hosting.md gives the SQL;
/// examples/sqlite_registry models every store concept on SQLite).
class label_ledger {
public:
    [[nodiscard]] std::optional<cbpq::day_commit> committed(std::string_view label) const {
        const auto it = days_.find(std::string(label));
        return it == days_.end() ? std::nullopt : std::optional<cbpq::day_commit>(it->second);
    }
    cbpq::commit_status commit_day(const cbpq::day_commit& c) {
        if (const auto old = committed(c.label())) {
            return old->day_receipt.seed == c.day_receipt.seed
                       ? cbpq::commit_status::already_committed
                       : cbpq::commit_status::refused;
        }
        days_.emplace(c.label(), c);
        return cbpq::commit_status::committed;
    }

private:
    std::map<std::string, cbpq::day_commit, std::less<>> days_;
};
static_assert(cbpq::allocation_store<label_ledger>);

void section_storage(const cbpq::receipt& r, const std::vector<host::applicant>& applicants,
                     cbpq::civil_date date) {
    heading("7. storage concepts (store.hpp; docs/hosting.md, examples/sqlite_registry)");
    cbpq::day_commit c{date, r, {}};
    for (const auto& a : applicants) {
        c.entrants.push_back({std::to_string(a.applicant_no), a.crossing, a.household});
    }
    label_ledger ledger;
    std::printf("  commit_day(%s): %s\n", r.label.c_str(),
                std::string(cbpq::to_string(ledger.commit_day(c))).c_str());
    std::printf("  commit_day again, same seed: %s\n",
                std::string(cbpq::to_string(ledger.commit_day(c))).c_str());
    cbpq::day_commit other = c;
    other.day_receipt.seed = cbpq::seed::from_hex(std::string(64, 'f'));
    std::printf("  commit_day again, another seed: %s\n",
                std::string(cbpq::to_string(ledger.commit_day(other))).c_str());
    std::printf("  pool_reader, registration_writer, reservation_store: see docs/hosting.md\n");
}

int body(int argc, char** argv) {
    const tool::options opt(argc, argv, {"seed"});
    if (!opt.positional().empty()) {
        throw tool::usage_error("unexpected argument '" + opt.positional().front() + "'");
    }
    const cbpq::seed s = cbpq::seed::from_hex(opt.get("seed").value_or(std::string(default_seed)));
    using namespace std::chrono;
    const cbpq::civil_date draw_date = year{2023} / June / 30;
    const std::string label = cbpq::format_date(draw_date);
    const cbpq::draw_key key(s, label);
    const std::int64_t draw_day = cbpq::day_number(draw_date); // days since 1970-01-01
    std::printf("cbpq extension points\nseed  %s\nlabel %s\n", s.to_hex().c_str(), label.c_str());

    const auto applicants = make_applicants(draw_day);
    // A hand-written capacity for sections 1 to 3; section 4 builds one from policies.
    cbpq::day_capacity cap;
    cap.ports = {
        {"nogales", 10, 5, {}}, {"san-ysidro", 12, std::nullopt, {}}, {"laredo", 6, 3, {}}};
    cbpq::draw_options options;
    options.alternates = 2;

    section_draw(applicants, cap, key, options);
    section_policies(applicants, cap, key, options, draw_day);
    section_shards(applicants, cap, key, options);
    const cbpq::day_capacity planned = section_capacity(draw_date);
    const cbpq::receipt r = section_receipts(applicants, planned, s, label, options);
    section_duplicates(key);
    section_storage(r, applicants, draw_date);
    return tool::ok;
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-extension-points", usage, [&] { return body(argc, argv); });
}
