// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_CAPACITY_HPP
#define CBPQ_CAPACITY_HPP

/// \file
/// Capacity: what each port can take on one port-local date, in persons, parties and time
/// slots. The draw consumes a day_capacity; capacity policies produce one.
///
/// The policies are small value types, each usable alone: fixed_capacity, weekly_schedule,
/// date_overrides, recurrence (an RFC 5545 RRULE subset), staffing, apportion() of a national
/// total, set_aside_policy, carry_over_bucket, overbooking_limit(), slot_grid, and the
/// combinators strictest(), first_of(), sum_of() and scaled(). capacity_plan reads the plain-text
/// plan format of docs/capacity.md and answers for_date(); capacity_ledger books reservations
/// against every layer and proves that cancelling restores capacity.
///
/// Dates are port-local civil dates (std::chrono::year_month_day); the host supplies each
/// port's local date. See docs/capacity.md for why, and for the traps.

#include "detail/civil_date.hpp"
#include "detail/rrule.hpp"
#include "error.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE

/// One time slot of a port-day: its label (such as "08:00") and how many persons it takes.
struct slot_capacity {
    std::string label;
    std::int64_t persons = 0;

    friend bool operator==(const slot_capacity&, const slot_capacity&) = default;
};

/// What one port can take on one date. Signed counts so that bad plans can be represented
/// and refused by validation rather than wrapped silently.
struct port_capacity {
    std::string port;
    /// Persons the port can process that day.
    std::int64_t persons = 0;
    /// Cap on parties (appointments); none means no cap beyond persons.
    std::optional<std::int64_t> parties;
    /// Slots in order; empty means no slot grid. With a grid, each selected party must fit
    /// whole in one slot.
    std::vector<slot_capacity> slots;

    friend bool operator==(const port_capacity&, const port_capacity&) = default;
};

/// The capacity of every port for one draw (one port-local date).
struct day_capacity {
    std::vector<port_capacity> ports;

    /// The port named `name`, or nullptr. O(ports).
    [[nodiscard]] const port_capacity* find(std::string_view name) const noexcept {
        for (const auto& p : ports) {
            if (p.port == name) {
                return &p;
            }
        }
        return nullptr;
    }

    friend bool operator==(const day_capacity&, const day_capacity&) = default;
};

// ---------------------------------------------------------------------------------------------
// Civil dates

/// A port-local civil date. Only calendar types: no time zone is ever consulted.
using civil_date = std::chrono::year_month_day;

/// Parses a strict ISO 8601 calendar date "YYYY-MM-DD" (years 0001..9999, a real date).
/// Throws invalid_input naming `field` otherwise. O(1).
[[nodiscard]] inline civil_date parse_date(std::string_view text,
                                           const std::string& field = "date") {
    if (const auto d = detail::parse_civil_date(text)) {
        return *d;
    }
    detail::throw_invalid_input("date", field,
                                "'" + std::string(text.substr(0, 40)) +
                                    "' is not a calendar date YYYY-MM-DD");
}

/// Formats as "YYYY-MM-DD". O(1); allocates the string.
[[nodiscard]] inline std::string format_date(civil_date d) { return detail::format_civil_date(d); }

/// The earliest and latest day numbers that from_day_number accepts: -32767-01-01 and
/// 32767-12-31, the range of std::chrono::year.
inline constexpr std::int64_t min_day_number =
    std::chrono::sys_days(std::chrono::year_month_day(std::chrono::year::min(),
                                                      std::chrono::January, std::chrono::day(1)))
        .time_since_epoch()
        .count();
inline constexpr std::int64_t max_day_number =
    std::chrono::sys_days(std::chrono::year_month_day(std::chrono::year::max(),
                                                      std::chrono::December, std::chrono::day(31)))
        .time_since_epoch()
        .count();

/// The day number of a civil date: days since 1970-01-01 in the proleptic Gregorian calendar
/// (1970-01-01 is 0, 1969-12-31 is -1). This is the integer every policy reads as a day:
/// draw_options::draw_day and the registration days of seniority and aging draws. Pure
/// calendar arithmetic (std::chrono::sys_days), no time zone. O(1). Throws invalid_input
/// naming the field `date` if `d` is not a real date (2023-02-29, month 13 ...).
[[nodiscard]] inline std::int64_t day_number(civil_date d) {
    if (!d.ok()) {
        detail::throw_invalid_input("date", "date", "not a calendar date");
    }
    return detail::day_number(d);
}

/// The civil date of a day number: the inverse of day_number, so
/// from_day_number(day_number(d)) == d for every valid d. O(1). Throws invalid_input naming
/// the field `day` if `n` is outside [min_day_number, max_day_number].
[[nodiscard]] inline civil_date from_day_number(std::int64_t n) {
    if (n < min_day_number || n > max_day_number) {
        detail::throw_invalid_input("day " + std::to_string(n), "day",
                                    "outside the years -32767..32767");
    }
    return detail::from_day_number(n);
}

// ---------------------------------------------------------------------------------------------
// Daily policies and their combinators

/// A daily policy says how many persons a port can take on a date, or nothing (nullopt) when
/// it has no opinion on that date (an override outside its range, a recurrence off its days).
/// Semantic requirement: limit() is pure (same date, same answer) and never negative.
template <class P>
concept daily_policy = requires(const P& p, civil_date d) {
    { p.limit(d) } -> std::same_as<std::optional<std::int64_t>>;
};

/// The same number every day. O(1), noexcept.
struct fixed_capacity {
    std::int64_t persons = 0;

    [[nodiscard]] std::optional<std::int64_t> limit(civil_date) const noexcept { return persons; }
    friend bool operator==(const fixed_capacity&, const fixed_capacity&) = default;
};

/// A number per weekday, Monday first (ISO 8601). A weekday left empty (nullopt) means *no
/// opinion*, not *closed*: limit() returns nullopt on it, so under precedence() the next policy
/// decides and under strictest() it imposes nothing; only where no policy has an opinion does
/// the day get 0 (capacity_on, capacity plans). To close a weekday, give it 0.
/// O(1), noexcept.
struct weekly_schedule {
    /// persons[i]: persons on ISO weekday i + 1 (0 = Monday ... 6 = Sunday); nullopt: no
    /// opinion on that weekday.
    std::array<std::optional<std::int64_t>, 7> persons{};

    [[nodiscard]] std::optional<std::int64_t> limit(civil_date d) const noexcept {
        return persons[detail::iso_weekday_index(detail::day_number(d))];
    }
    friend bool operator==(const weekly_schedule&, const weekly_schedule&) = default;
};

/// Date-range overrides and closures (a closure is an override to 0). Ranges are inclusive and
/// may not overlap: an overlap is refused by add(), never resolved by a silent choice.
class date_overrides {
public:
    struct entry {
        civil_date first;
        civil_date last;
        std::int64_t persons = 0;
        friend bool operator==(const entry&, const entry&) = default;
    };

    /// Adds persons for [first, last]. Throws invalid_input (record "override", field "dates")
    /// if last < first, persons < 0, or the range overlaps one already added; the object is
    /// unchanged then (strong guarantee). O(n).
    void add(civil_date first, civil_date last, std::int64_t persons) {
        if (!first.ok() || !last.ok() || detail::day_number(last) < detail::day_number(first)) {
            detail::throw_invalid_input("override", "dates", "the range is empty or invalid");
        }
        if (persons < 0) {
            detail::throw_invalid_input("override", "persons", "must not be negative");
        }
        if (const entry* o = overlapping(first, last)) {
            detail::throw_invalid_input(
                "override " + format_date(first) + ".." + format_date(last), "dates",
                "overlaps the override " + format_date(o->first) + ".." + format_date(o->last));
        }
        const entry e{first, last, persons};
        const auto at = std::upper_bound(
            entries_.begin(), entries_.end(), e, [](const entry& a, const entry& b) {
                return detail::day_number(a.first) < detail::day_number(b.first);
            });
        entries_.insert(at, e);
    }

    /// Closes the port on [first, last] (an override to 0). Same guarantees as add().
    void close(civil_date first, civil_date last) { add(first, last, 0); }

    /// The first override that shares a day with [first, last], or nullptr. O(n), noexcept.
    [[nodiscard]] const entry* overlapping(civil_date first, civil_date last) const noexcept {
        const auto f = detail::day_number(first), l = detail::day_number(last);
        for (const auto& e : entries_) {
            if (detail::day_number(e.first) <= l && f <= detail::day_number(e.last)) {
                return &e;
            }
        }
        return nullptr;
    }

    /// The override's persons on `d`, or nullopt. O(log n), noexcept.
    [[nodiscard]] std::optional<std::int64_t> limit(civil_date d) const noexcept {
        const auto n = detail::day_number(d);
        auto it = std::upper_bound(
            entries_.begin(), entries_.end(), n,
            [](std::int64_t v, const entry& e) { return v < detail::day_number(e.first); });
        if (it == entries_.begin()) {
            return std::nullopt;
        }
        --it;
        if (n <= detail::day_number(it->last)) {
            return it->persons;
        }
        return std::nullopt;
    }

    [[nodiscard]] const std::vector<entry>& entries() const noexcept { return entries_; }
    friend bool operator==(const date_overrides&, const date_overrides&) = default;

private:
    std::vector<entry> entries_;
};

/// A recurrence set in the sense of RFC 5545 section 3.8.5: the dates of one RRULE
/// (section 3.3.10 / 3.8.5.3) started at DTSTART, plus RDATE dates (3.8.5.2), minus EXDATE
/// dates (3.8.5.1). Supported rule parts: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL,
/// COUNT, UNTIL (a DATE), BYDAY (with ordinals such as -1MO under MONTHLY and YEARLY),
/// BYMONTHDAY (negative counts from the month's end) and BYMONTH. Anything else is refused
/// naming the part. Weeks start on Monday (the RFC's default WKST; WKST itself is refused).
/// As RFC 5545 3.3.10 says, DTSTART always counts as the first occurrence, even when the rule
/// would not produce it (the RFC's own examples then remove it with EXDATE).
class recurrence {
public:
    recurrence() = default;

    /// Parses `rrule` (without the "RRULE:" prefix) from `start`. Throws invalid_input with
    /// record "RRULE" and the rule part as field. With COUNT the occurrences are enumerated
    /// once here (at most 400 years are scanned); otherwise matching is arithmetic.
    recurrence(std::string_view rrule, civil_date start, std::vector<civil_date> rdates = {},
               std::vector<civil_date> exdates = {}) {
        detail::rrule_problem problem;
        if (!build(rrule, start, std::move(rdates), std::move(exdates), problem)) {
            detail::throw_invalid_input("RRULE", problem.part, problem.message);
        }
    }

    /// As the constructor, but reports a problem instead of throwing (the plan parser turns it
    /// into a parse_error with a column). Returns false and fills `problem` on failure.
    [[nodiscard]] bool build(std::string_view rrule, civil_date start,
                             std::vector<civil_date> rdates, std::vector<civil_date> exdates,
                             detail::rrule_problem& problem) {
        if (auto p = detail::parse_rrule(rrule, rule_)) {
            problem = *p;
            return false;
        }
        if (!start.ok()) {
            problem = {0, "DTSTART", "not a calendar date"};
            return false;
        }
        start_ = start;
        start_day_ = detail::day_number(start);
        rdates_.clear();
        exdates_.clear();
        for (const auto& d : rdates) {
            rdates_.push_back(detail::day_number(d));
        }
        for (const auto& d : exdates) {
            exdates_.push_back(detail::day_number(d));
        }
        std::sort(rdates_.begin(), rdates_.end());
        std::sort(exdates_.begin(), exdates_.end());
        counted_.clear();
        if (rule_.count) {
            const std::int64_t limit = start_day_ + 146097; // 400 Gregorian years
            counted_.push_back(start_day_);
            for (std::int64_t d = start_day_ + 1;
                 d < limit && static_cast<std::int64_t>(counted_.size()) < *rule_.count; ++d) {
                if (detail::rrule_matches(rule_, start_, start_day_, d)) {
                    counted_.push_back(d);
                }
            }
        }
        return true;
    }

    /// Whether `d` is in the recurrence set. O(log n) in RDATE/EXDATE/COUNT sizes, noexcept.
    [[nodiscard]] bool occurs_on(civil_date d) const noexcept {
        return occurs_on_day(detail::day_number(d));
    }

    /// The occurrences in [first, last], in order. O(days in range).
    [[nodiscard]] std::vector<civil_date> between(civil_date first, civil_date last) const {
        std::vector<civil_date> out;
        for (auto n = detail::day_number(first); n <= detail::day_number(last); ++n) {
            if (occurs_on_day(n)) {
                out.push_back(detail::from_day_number(n));
            }
        }
        return out;
    }

    [[nodiscard]] civil_date start() const noexcept { return start_; }
    [[nodiscard]] const detail::rrule_parts& parts() const noexcept { return rule_; }

    /// Day-number form of occurs_on (days since 1970-01-01).
    [[nodiscard]] bool occurs_on_day(std::int64_t n) const noexcept {
        if (std::binary_search(exdates_.begin(), exdates_.end(), n)) {
            return false;
        }
        if (std::binary_search(rdates_.begin(), rdates_.end(), n)) {
            return true;
        }
        if (rule_.count) {
            return std::binary_search(counted_.begin(), counted_.end(), n);
        }
        return n == start_day_ || detail::rrule_matches(rule_, start_, start_day_, n);
    }

private:
    detail::rrule_parts rule_;
    civil_date start_{};
    std::int64_t start_day_ = 0;
    std::vector<std::int64_t> rdates_, exdates_, counted_;
};

/// A number of persons on the dates of a recurrence, no opinion on other dates. O(log n).
struct recurring_capacity {
    recurrence dates;
    std::int64_t persons = 0;

    [[nodiscard]] std::optional<std::int64_t> limit(civil_date d) const noexcept {
        if (dates.occurs_on(d)) {
            return persons;
        }
        return std::nullopt;
    }
};

namespace detail {

// Capacity arithmetic at the limits of std::int64_t is done exactly in 128 bits (GCC and Clang,
// the compilers cbpq is built and tested with, have the type on every 64-bit target).
#if !defined(__SIZEOF_INT128__)
#error "cbpq/capacity.hpp needs a 128-bit integer type (__int128)"
#endif
__extension__ typedef __int128 i128;

// Whether a 128-bit intermediate fits in std::int64_t.
[[nodiscard]] constexpr bool fits_int64(i128 v) noexcept {
    return v >= std::numeric_limits<std::int64_t>::min() &&
           v <= std::numeric_limits<std::int64_t>::max();
}

// A 128-bit intermediate clamped to the range of std::int64_t.
[[nodiscard]] constexpr std::int64_t clamp_to_int64(i128 v) noexcept {
    if (v > std::numeric_limits<std::int64_t>::max()) {
        return std::numeric_limits<std::int64_t>::max();
    }
    if (v < std::numeric_limits<std::int64_t>::min()) {
        return std::numeric_limits<std::int64_t>::min();
    }
    return static_cast<std::int64_t>(v);
}

} // namespace detail

/// Resource-based capacity: persons = floor(officers x shift_minutes / minutes_per_person),
/// capped by holding_space (the persons the port can hold at once, if limited). All inputs are
/// whole numbers so that the result is exact; hours are carried as minutes. The product is
/// taken in 128 bits, so it never overflows.
struct staffing {
    std::int64_t officers = 0;
    std::int64_t shift_minutes = 0;
    std::int64_t minutes_per_person = 1;
    std::optional<std::int64_t> holding_space;

    /// Throws invalid_input (record "staffing") naming the field that is negative or zero, or
    /// naming `officers` when, with no holding space, the formula's result would exceed
    /// std::int64_t (9223372036854775807 persons).
    void validate() const {
        if (officers < 0) {
            detail::throw_invalid_input("staffing", "officers", "must not be negative");
        }
        if (shift_minutes < 0 || shift_minutes > 24 * 60) {
            detail::throw_invalid_input("staffing", "hours", "must be within 0..24");
        }
        if (minutes_per_person <= 0) {
            detail::throw_invalid_input("staffing", "minutes-per-person", "must be positive");
        }
        if (holding_space && *holding_space < 0) {
            detail::throw_invalid_input("staffing", "holding", "must not be negative");
        }
        if (!holding_space && !detail::fits_int64(processed())) {
            detail::throw_invalid_input("staffing", "officers",
                                        "too many: officers x shift minutes / minutes per person "
                                        "exceeds 9223372036854775807 persons");
        }
    }

    /// The formula above, computed exactly. O(1), noexcept. Exact on every input validate()
    /// accepts; on others the result is clamped to the range of std::int64_t, never overflows.
    [[nodiscard]] std::int64_t persons() const noexcept {
        const detail::i128 p = processed();
        return detail::clamp_to_int64(holding_space ? std::min<detail::i128>(p, *holding_space)
                                                    : p);
    }
    [[nodiscard]] std::optional<std::int64_t> limit(civil_date) const noexcept { return persons(); }
    friend bool operator==(const staffing&, const staffing&) = default;

private:
    // floor(officers x shift_minutes / minutes_per_person) in 128 bits: the product of two
    // int64 values always fits. 0 when minutes_per_person is not positive.
    [[nodiscard]] detail::i128 processed() const noexcept {
        return minutes_per_person > 0 ? detail::i128{officers} * shift_minutes / minutes_per_person
                                      : 0;
    }
};

namespace detail {
template <class Tuple, class F>
void for_each_policy(const Tuple& t, F&& f) {
    std::apply([&](const auto&... p) { (f(p), ...); }, t);
}
} // namespace detail

/// The strictest of several policies: the smallest limit among those with an opinion.
template <daily_policy... Ps>
struct strictest_of {
    std::tuple<Ps...> policies;

    [[nodiscard]] std::optional<std::int64_t> limit(civil_date d) const {
        std::optional<std::int64_t> out;
        detail::for_each_policy(policies, [&](const auto& p) {
            if (const auto v = p.limit(d)) {
                out = out ? std::min(*out, *v) : *v;
            }
        });
        return out;
    }
};

/// Precedence: the first policy with an opinion wins (for override > recurrence > schedule).
template <daily_policy... Ps>
struct first_of {
    std::tuple<Ps...> policies;

    [[nodiscard]] std::optional<std::int64_t> limit(civil_date d) const {
        std::optional<std::int64_t> out;
        detail::for_each_policy(policies, [&](const auto& p) {
            if (!out) {
                out = p.limit(d);
            }
        });
        return out;
    }
};

/// The sum of the policies with an opinion (a second shift on top of the first, say); no
/// opinion if none has one. Throws invalid_input (record "sum", field "persons") if the sum
/// does not fit in std::int64_t.
template <daily_policy... Ps>
struct sum_of {
    std::tuple<Ps...> policies;

    [[nodiscard]] std::optional<std::int64_t> limit(civil_date d) const {
        std::optional<std::int64_t> out;
        detail::for_each_policy(policies, [&](const auto& p) {
            if (const auto v = p.limit(d)) {
                const detail::i128 s = detail::i128{out.value_or(0)} + *v;
                if (!detail::fits_int64(s)) {
                    detail::throw_invalid_input(
                        "sum", "persons",
                        "the limits add up to a number outside std::int64_t (at most "
                        "9223372036854775807 persons)");
                }
                out = static_cast<std::int64_t>(s);
            }
        });
        return out;
    }
};

/// A policy scaled by numerator/denominator, rounded down (never rounds capacity up), computed
/// exactly: floor(limit x numerator / denominator) with the product in 128 bits. Throws
/// invalid_input (record "scale", field "factor") if the factor is negative or its
/// denominator not positive (as scaled() does), or if the scaled limit exceeds std::int64_t.
template <daily_policy P>
struct scaled_by {
    P policy;
    std::int64_t numerator = 1;
    std::int64_t denominator = 1;

    [[nodiscard]] std::optional<std::int64_t> limit(civil_date d) const {
        if (const auto v = policy.limit(d)) {
            if (numerator < 0 || denominator <= 0) {
                detail::throw_invalid_input("scale", "factor", "must be a non-negative fraction");
            }
            const detail::i128 s = detail::i128{*v} * numerator / denominator;
            if (!detail::fits_int64(s)) {
                detail::throw_invalid_input("scale", "factor",
                                            "the scaled limit exceeds 9223372036854775807 persons");
            }
            return static_cast<std::int64_t>(s);
        }
        return std::nullopt;
    }
};

/// Builds strictest_of from values. O(1).
template <daily_policy... Ps>
[[nodiscard]] strictest_of<Ps...> strictest(Ps... ps) {
    return {std::tuple<Ps...>(std::move(ps)...)};
}
/// Builds first_of from values (the first with an opinion wins). O(1).
template <daily_policy... Ps>
[[nodiscard]] first_of<Ps...> precedence(Ps... ps) {
    return {std::tuple<Ps...>(std::move(ps)...)};
}
/// Builds sum_of from values. O(1).
template <daily_policy... Ps>
[[nodiscard]] sum_of<Ps...> sum(Ps... ps) {
    return {std::tuple<Ps...>(std::move(ps)...)};
}
/// Builds scaled_by; throws invalid_input if the factor is negative or the denominator zero.
template <daily_policy P>
[[nodiscard]] scaled_by<P> scaled(P p, std::int64_t numerator, std::int64_t denominator) {
    if (numerator < 0 || denominator <= 0) {
        detail::throw_invalid_input("scale", "factor", "must be a non-negative fraction");
    }
    return {std::move(p), numerator, denominator};
}

// ---------------------------------------------------------------------------------------------
// Apportionment of a national total

/// How a national total is divided among ports by weight (Balinski and Young, "Fair
/// Representation", 1982; the 1975 vectors in the tests).
enum class apportion_method {
    hamilton,       ///< largest remainders of the exact quotas (default)
    webster,        ///< divisor method, divisors k + 1/2 (Sainte-Lague)
    dhondt,         ///< divisor method, divisors k + 1 (Jefferson)
    huntington_hill ///< divisor method, divisors sqrt(k(k + 1)) (equal proportions)
};

/// "hamilton", "webster" (or "sainte-lague"), "dhondt" (or "jefferson"), "huntington-hill".
[[nodiscard]] inline std::optional<apportion_method> parse_apportion_method(std::string_view s) {
    if (s == "hamilton" || s == "largest-remainder") {
        return apportion_method::hamilton;
    }
    if (s == "webster" || s == "sainte-lague") {
        return apportion_method::webster;
    }
    if (s == "dhondt" || s == "jefferson") {
        return apportion_method::dhondt;
    }
    if (s == "huntington-hill") {
        return apportion_method::huntington_hill;
    }
    return std::nullopt;
}

/// The canonical name of a method (as parse_apportion_method reads it).
[[nodiscard]] constexpr std::string_view to_string(apportion_method m) noexcept {
    switch (m) {
    case apportion_method::webster:
        return "webster";
    case apportion_method::dhondt:
        return "dhondt";
    case apportion_method::huntington_hill:
        return "huntington-hill";
    default:
        return "hamilton";
    }
}

/// One recipient of an apportionment: a non-negative weight (at most 10^9) and bounds.
struct apportion_share {
    std::int64_t weight = 0;
    std::int64_t min = 0;
    /// No value: unbounded.
    std::optional<std::int64_t> max;
    friend bool operator==(const apportion_share&, const apportion_share&) = default;
};

namespace detail {

__extension__ typedef unsigned __int128 u128;

inline constexpr std::int64_t apportion_limit = 1000000000; // keeps products within 128 bits

inline std::int64_t share_max(const apportion_share& s, std::int64_t total) noexcept {
    return s.max ? *s.max : total;
}

inline void check_apportion(std::int64_t total, const std::vector<apportion_share>& shares) {
    if (total < 0 || total > apportion_limit) {
        throw_invalid_input("apportionment", "total", "must be within 0..1000000000");
    }
    std::int64_t sum_min = 0, placeable = 0;
    for (std::size_t i = 0; i < shares.size(); ++i) {
        const auto& s = shares[i];
        // The record string is built only on the error path: this runs once per port-day.
        if (s.weight < 0 || s.weight > apportion_limit) {
            throw_invalid_input("share " + std::to_string(i + 1), "weight",
                                "must be within 0..1000000000");
        }
        if (s.min < 0 || s.min > apportion_limit) {
            throw_invalid_input("share " + std::to_string(i + 1), "min",
                                "must be within 0..1000000000");
        }
        if (s.max && (*s.max < s.min || *s.max > apportion_limit)) {
            throw_invalid_input("share " + std::to_string(i + 1), "max",
                                "must be at least min and at most 1000000000");
        }
        sum_min += s.min;
        placeable += s.weight > 0 ? share_max(s, total) : s.min;
    }
    if (sum_min > total) {
        throw_invalid_input("apportionment", "min",
                            "the minimums add up to " + std::to_string(sum_min) +
                                ", more than the total " + std::to_string(total));
    }
    if (placeable < total) {
        throw_invalid_input("apportionment", "max",
                            "the total " + std::to_string(total) +
                                " cannot be placed: the maximums of weighted recipients and the "
                                "minimums of zero-weight ones add up to " +
                                std::to_string(placeable));
    }
}

// Whether seat k+1 of recipient i strictly precedes seat l+1 of recipient j: higher priority
// w/d(k) first; equal priorities go to the larger weight, then to the earlier recipient.
inline bool seat_precedes(apportion_method m, const std::vector<apportion_share>& s, std::size_t i,
                          std::int64_t k, std::size_t j, std::int64_t l) noexcept {
    const auto wi = static_cast<u128>(s[i].weight), wj = static_cast<u128>(s[j].weight);
    const auto ki = static_cast<u128>(k), lj = static_cast<u128>(l);
    u128 a = 0, b = 0; // compare a = priority_i * D vs b = priority_j * D
    switch (m) {
    case apportion_method::dhondt:
        a = wi * (lj + 1);
        b = wj * (ki + 1);
        break;
    case apportion_method::webster:
        a = wi * (2 * lj + 1);
        b = wj * (2 * ki + 1);
        break;
    default: // huntington_hill; d(0) = 0 gives every weighted recipient a first seat first
        if (k == 0 || l == 0) {
            if (k != l) {
                return k == 0;
            }
            a = wi; // both infinite: fall through to the tie rule
            b = wi;
        } else {
            a = wi * wi * (lj * (lj + 1));
            b = wj * wj * (ki * (ki + 1));
        }
        break;
    }
    if (a != b) {
        return a > b;
    }
    if (s[i].weight != s[j].weight) {
        return s[i].weight > s[j].weight;
    }
    return i < j;
}

inline std::vector<std::int64_t> apportion_hamilton(std::int64_t total,
                                                    const std::vector<apportion_share>& s);

inline std::vector<std::int64_t>
apportion_divisor(std::int64_t total, const std::vector<apportion_share>& s, apportion_method m) {
    const std::size_t n = s.size();
    // Start from Hamilton's answer: it honours the bounds, sums to the total and is within a
    // few seats of any divisor method, even when bounds move many seats between recipients,
    // so the exchanges below are few.
    std::vector<std::int64_t> seats = apportion_hamilton(total, s);
    std::int64_t assigned = total;
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    auto best_unselected = [&] {
        std::size_t b = none;
        for (std::size_t i = 0; i < n; ++i) {
            if (s[i].weight > 0 && seats[i] < share_max(s[i], total) &&
                (b == none || seat_precedes(m, s, i, seats[i], b, seats[b]))) {
                b = i;
            }
        }
        return b;
    };
    auto worst_selected = [&] {
        std::size_t w = none;
        for (std::size_t i = 0; i < n; ++i) {
            if (s[i].weight > 0 && seats[i] > s[i].min &&
                (w == none || seat_precedes(m, s, w, seats[w] - 1, i, seats[i] - 1))) {
                w = i;
            }
        }
        return w;
    };
    while (assigned < total) {
        const std::size_t b = best_unselected();
        ++seats[b];
        ++assigned;
    }
    while (assigned > total) {
        const std::size_t w = worst_selected();
        --seats[w];
        --assigned;
    }
    // Exchange until no unselected seat precedes a selected one: then the selected seats are
    // exactly the first `total` in the (total) order, as the one-seat-at-a-time method gives.
    for (;;) {
        const std::size_t b = best_unselected();
        const std::size_t w = worst_selected();
        if (b == none || w == none || !seat_precedes(m, s, b, seats[b], w, seats[w] - 1)) {
            break;
        }
        ++seats[b];
        --seats[w];
    }
    return seats;
}

struct ratio {
    u128 p = 0; // lambda = p / q
    u128 q = 1;
};

inline std::vector<std::int64_t> apportion_hamilton(std::int64_t total,
                                                    const std::vector<apportion_share>& s) {
    const std::size_t n = s.size();
    const auto T = static_cast<u128>(total);
    // Capped proportional division: find lambda with sum clamp(lambda w_i, min_i, max_i) = T.
    // S(lambda) is piecewise linear and non-decreasing with breakpoints min_i/w_i, max_i/w_i.
    auto clamped_sum_at = [&](const ratio& r) { // S(p/q) * q
        u128 sum = 0;
        for (const auto& x : s) {
            const u128 lo = static_cast<u128>(x.min) * r.q;
            if (x.weight == 0) {
                sum += lo;
                continue;
            }
            const u128 hi = static_cast<u128>(share_max(x, total)) * r.q;
            sum += std::clamp(r.p * static_cast<u128>(x.weight), lo, hi);
        }
        return sum;
    };
    ratio beta{0, 1};
    auto consider = [&](std::int64_t bound, std::int64_t w) {
        const ratio r{static_cast<u128>(bound), static_cast<u128>(w)};
        if (r.p * beta.q > beta.p * r.q && clamped_sum_at(r) <= T * r.q) {
            beta = r;
        }
    };
    for (const auto& x : s) {
        if (x.weight > 0) {
            consider(x.min, x.weight);
            consider(share_max(x, total), x.weight);
        }
    }
    std::vector<std::int64_t> seats(n);
    std::vector<std::size_t> free;
    std::int64_t fixed_sum = 0;
    u128 free_weight = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& x = s[i];
        const u128 at = beta.p * static_cast<u128>(x.weight);
        if (x.weight == 0 || static_cast<u128>(x.min) * beta.q > at) {
            seats[i] = x.min;
        } else if (static_cast<u128>(share_max(x, total)) * beta.q <= at) {
            seats[i] = share_max(x, total);
        } else {
            free.push_back(i);
            free_weight += static_cast<u128>(x.weight);
            continue;
        }
        fixed_sum += seats[i];
    }
    if (free.empty()) {
        return seats;
    }
    const auto TF = static_cast<u128>(total - fixed_sum);
    std::int64_t given = 0;
    std::vector<u128> remainder(n);
    for (const std::size_t i : free) {
        const u128 num = TF * static_cast<u128>(s[i].weight);
        seats[i] = static_cast<std::int64_t>(num / free_weight);
        remainder[i] = num % free_weight;
        given += seats[i];
    }
    // Largest remainders; ties to the larger weight, then to the earlier recipient.
    std::sort(free.begin(), free.end(), [&](std::size_t a, std::size_t b) {
        if (remainder[a] != remainder[b]) {
            return remainder[a] > remainder[b];
        }
        if (s[a].weight != s[b].weight) {
            return s[a].weight > s[b].weight;
        }
        return a < b;
    });
    const auto left = total - fixed_sum - given;
    for (std::int64_t k = 0; k < left; ++k) {
        ++seats[free[static_cast<std::size_t>(k)]];
    }
    return seats;
}

} // namespace detail

/// Divides `total` among recipients in proportion to their weights, within each one's
/// [min, max], by `method`. Zero-weight recipients receive their minimum only.
/// Hamilton: the quotas are those of the capped proportional division (the largest lambda
/// with sum of clamp(lambda x weight, min, max) = total); recipients strictly inside their
/// bounds get the floor of their quota, then one more each by largest remainder.
/// Divisor methods: the seats are the first `total` in the order of priority weight / d(k)
/// over each recipient's seats k = min..max-1, which is the one-seat-at-a-time method.
/// Tie rule (all methods): equal remainders or priorities go to the larger weight, then to the
/// recipient listed first. Exact integer arithmetic (128-bit); the same result everywhere.
/// O(n^2) for Hamilton, O(n x (n + moves)) for divisor methods. Throws invalid_input if a
/// number is out of range, the minimums exceed the total or the total cannot be placed.
[[nodiscard]] inline std::vector<std::int64_t>
apportion(std::int64_t total, const std::vector<apportion_share>& shares,
          apportion_method method = apportion_method::hamilton) {
    detail::check_apportion(total, shares);
    if (method == apportion_method::hamilton) {
        return detail::apportion_hamilton(total, shares);
    }
    return detail::apportion_divisor(total, shares, method);
}

/// apportion() with plain weights and no bounds.
[[nodiscard]] inline std::vector<std::int64_t>
apportion(std::int64_t total, const std::vector<std::int64_t>& weights,
          apportion_method method = apportion_method::hamilton) {
    std::vector<apportion_share> shares;
    shares.reserve(weights.size());
    for (const auto w : weights) {
        shares.push_back({w, 0, std::nullopt});
    }
    return apportion(total, shares, method);
}

// ---------------------------------------------------------------------------------------------
// Set-asides

/// One named pool of a port-day (seniority, walk-in, reschedule buffer ...): a count or a share
/// in parts per million, and where its unused capacity goes.
struct set_aside {
    std::string pool;
    /// Exactly one of count and share_ppm is used: count when it has a value.
    std::optional<std::int64_t> count;
    std::int64_t share_ppm = 0;
    /// Pool that receives what this pool leaves unused; empty: the remainder pool. Ignored when
    /// `lapse` is set.
    std::string unused_to;
    /// Unused capacity is lost instead of moved.
    bool lapse = false;
    friend bool operator==(const set_aside&, const set_aside&) = default;
};

/// Persons of one pool.
struct pool_amount {
    std::string pool;
    std::int64_t persons = 0;
    friend bool operator==(const pool_amount&, const pool_amount&) = default;
};

/// Splits a port-day's persons into named pools, the rest going to the remainder pool
/// ("lottery" by default). Counts are taken first, in order, each capped by what is left (a
/// closed day gives every pool 0); shares then divide what the counts left, together with the
/// remainder pool's implied share (1 - sum of shares), by largest remainder (Hamilton, ties to
/// the larger share, then the earlier pool), so the pools always add up exactly.
class set_aside_policy {
public:
    set_aside_policy() = default;
    /// Throws invalid_input (record "set-aside <pool>") on negative counts, shares summing past
    /// 100%, duplicate names, unknown unused_to targets or a cycle of unused_to.
    explicit set_aside_policy(std::vector<set_aside> pools, std::string remainder = "lottery")
        : pools_(std::move(pools)), remainder_(std::move(remainder)) {
        std::int64_t shares = 0;
        for (std::size_t i = 0; i < pools_.size(); ++i) {
            const auto& p = pools_[i];
            const std::string rec = "set-aside " + p.pool;
            if (p.pool.empty() || p.pool == remainder_) {
                detail::throw_invalid_input(rec, "pool",
                                            "a pool needs a name other than the remainder pool");
            }
            for (std::size_t j = 0; j < i; ++j) {
                if (pools_[j].pool == p.pool) {
                    detail::throw_invalid_input(rec, "pool", "pool named twice");
                }
            }
            if (p.count && *p.count < 0) {
                detail::throw_invalid_input(rec, "count", "must not be negative");
            }
            if (!p.count && (p.share_ppm < 0 || p.share_ppm > 1000000)) {
                detail::throw_invalid_input(rec, "share", "must be within 0%..100%");
            }
            shares += p.count ? 0 : p.share_ppm;
        }
        if (shares > 1000000) {
            detail::throw_invalid_input("set-aside", "share",
                                        "the shares add up to more than 100%");
        }
        for (const auto& p : pools_) {
            if (!p.lapse && !p.unused_to.empty() && p.unused_to != remainder_ &&
                index_of(p.unused_to) == npos) {
                detail::throw_invalid_input("set-aside " + p.pool, "unused",
                                            "unknown pool '" + p.unused_to + "'");
            }
        }
        order_ = flow_order();
    }

    /// The pools, remainder last, for `persons` (>= 0). O(k log k) for k pools.
    [[nodiscard]] std::vector<pool_amount> split(std::int64_t persons) const {
        std::vector<pool_amount> out;
        out.reserve(pools_.size() + 1);
        std::int64_t left = std::max<std::int64_t>(persons, 0);
        for (const auto& p : pools_) {
            out.push_back({p.pool, 0});
            if (p.count) {
                out.back().persons = std::min(*p.count, left);
                left -= out.back().persons;
            }
        }
        out.push_back({remainder_, 0});
        std::vector<apportion_share> w;
        std::vector<std::size_t> idx;
        std::int64_t used = 0;
        for (std::size_t i = 0; i < pools_.size(); ++i) {
            if (!pools_[i].count) {
                w.push_back({pools_[i].share_ppm, 0, std::nullopt});
                idx.push_back(i);
                used += pools_[i].share_ppm;
            }
        }
        w.push_back({1000000 - used, 0, std::nullopt});
        idx.push_back(pools_.size());
        // Hamilton on parts per million: exact largest remainders. Weights are <= 10^6 and
        // `left` is bounded by the caller's persons.
        const auto seats = detail::apportion_hamilton(left, w);
        for (std::size_t k = 0; k < idx.size(); ++k) {
            out[idx[k]].persons = seats[k];
        }
        return out;
    }

    /// Grants per pool after demand: each pool grants min(capacity + inflow, demand), and what
    /// it leaves unused flows to its unused_to pool (the remainder pool by default) or lapses.
    /// `split` and `demand` are in split() order (remainder last); the last element of the
    /// result is what lapsed, under the pool name "(lapsed)". O(k^2).
    [[nodiscard]] std::vector<pool_amount> grant(const std::vector<pool_amount>& split,
                                                 const std::vector<std::int64_t>& demand) const {
        if (split.size() != pools_.size() + 1 || demand.size() != split.size()) {
            detail::throw_invalid_input("set-aside", "demand",
                                        "expected one number per pool, remainder last");
        }
        std::vector<std::int64_t> inflow(split.size(), 0);
        std::vector<pool_amount> out = split;
        std::int64_t lapsed = 0;
        for (const std::size_t i : order_) {
            const std::int64_t have = split[i].persons + inflow[i];
            const std::int64_t granted = std::min(have, std::max<std::int64_t>(demand[i], 0));
            out[i].persons = granted;
            const std::int64_t unused = have - granted;
            if (i == pools_.size() || pools_[i].lapse) {
                lapsed += unused;
            } else {
                const auto& to = pools_[i].unused_to;
                inflow[to.empty() || to == remainder_ ? pools_.size() : index_of(to)] += unused;
            }
        }
        out.push_back({"(lapsed)", lapsed});
        return out;
    }

    [[nodiscard]] const std::vector<set_aside>& pools() const noexcept { return pools_; }
    [[nodiscard]] const std::string& remainder_pool() const noexcept { return remainder_; }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    [[nodiscard]] std::size_t index_of(const std::string& name) const noexcept {
        for (std::size_t i = 0; i < pools_.size(); ++i) {
            if (pools_[i].pool == name) {
                return i;
            }
        }
        return npos;
    }

    // Sources before targets (the remainder pool last); refuses a cycle.
    [[nodiscard]] std::vector<std::size_t> flow_order() const {
        const std::size_t k = pools_.size();
        auto target = [&](std::size_t i) -> std::size_t {
            if (i == k || pools_[i].lapse) {
                return npos;
            }
            const auto& to = pools_[i].unused_to;
            return to.empty() || to == remainder_ ? k : index_of(to);
        };
        std::vector<std::size_t> indegree(k + 1, 0);
        for (std::size_t i = 0; i < k; ++i) {
            if (const auto t = target(i); t != npos) {
                ++indegree[t];
            }
        }
        std::vector<std::size_t> order;
        std::vector<bool> done(k + 1, false);
        for (std::size_t round = 0; round <= k; ++round) {
            for (std::size_t i = 0; i <= k; ++i) {
                if (!done[i] && indegree[i] == 0) {
                    done[i] = true;
                    order.push_back(i);
                    if (const auto t = target(i); t != npos) {
                        --indegree[t];
                    }
                }
            }
        }
        if (order.size() != k + 1) {
            detail::throw_invalid_input("set-aside", "unused",
                                        "unused capacity flows in a cycle between pools");
        }
        return order;
    }

    std::vector<set_aside> pools_;
    std::string remainder_ = "lottery";
    std::vector<std::size_t> order_{0};
};

// ---------------------------------------------------------------------------------------------
// Carry-over

/// Carry-over of unused capacity as a token bucket: each day at most `rate` unused persons
/// become tokens, the bucket holds at most `cap` (cap 0: no carry-over), and a day may use its
/// own capacity plus the tokens. Tokens are spent only after the day's own capacity.
/// A stateful value type: one bucket per port, advanced day by day by the host.
class carry_over_bucket {
public:
    /// Throws invalid_input if rate or cap is negative.
    constexpr carry_over_bucket(std::int64_t rate, std::int64_t cap) : rate_(rate), cap_(cap) {
        if (rate < 0) {
            detail::throw_invalid_input("carry-over", "rate", "must not be negative");
        }
        if (cap < 0) {
            detail::throw_invalid_input("carry-over", "cap", "must not be negative");
        }
    }

    /// What a day with capacity `base` may use. O(1), noexcept.
    [[nodiscard]] constexpr std::int64_t available(std::int64_t base) const noexcept {
        return base + tokens_;
    }

    /// Closes a day: `used` persons of available(base). Throws invalid_input if `used` is
    /// negative or more than available (bucket unchanged then). O(1).
    constexpr void settle(std::int64_t base, std::int64_t used) {
        if (used < 0 || used > available(base)) {
            detail::throw_invalid_input("carry-over", "used",
                                        "must be within 0..available capacity");
        }
        const std::int64_t spent = std::max<std::int64_t>(0, used - base);
        const std::int64_t unused = std::max<std::int64_t>(0, base - used);
        tokens_ = std::min(cap_, tokens_ - spent + std::min(rate_, unused));
    }

    [[nodiscard]] constexpr std::int64_t tokens() const noexcept { return tokens_; }

private:
    std::int64_t rate_;
    std::int64_t cap_;
    std::int64_t tokens_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Overbooking

namespace detail {

// P(X > k) for X ~ Binomial(n, q), 0 < q < 1, summed exactly term by term in log space (no
// normal approximation; no lgamma, whose signgam is global state).
inline double binomial_upper_tail(std::int64_t n, std::int64_t k, double q) noexcept {
    if (k >= n) {
        return 0.0;
    }
    if (k < 0) {
        return 1.0;
    }
    const double log_ratio = std::log1p(-q) - std::log(q); // log((1-q)/q)
    double lp = static_cast<double>(n) * std::log(q);      // log P(X = n)
    double m = lp, sum = 1.0;
    for (std::int64_t j = n; j > k + 1; --j) {
        // P(X = j-1) = P(X = j) * j / (n - j + 1) * (1 - q) / q
        lp +=
            std::log(static_cast<double>(j)) - std::log(static_cast<double>(n - j + 1)) + log_ratio;
        if (lp > m) {
            sum = sum * std::exp(m - lp) + 1.0;
            m = lp;
        } else {
            sum += std::exp(lp - m);
        }
    }
    return std::min(1.0, std::exp(m + std::log(sum)));
}

} // namespace detail

/// The booking limit for a capacity: the largest B (in persons, whole families) such that
/// P(show-ups > capacity) <= epsilon when each family of `family` persons shows up together
/// with probability q, independently: B = family x b with the largest b such that
/// P(Binomial(b, q) > floor(capacity / family)) <= epsilon, from the exact binomial tail.
/// C=100, q=0.9: epsilon 5% gives 106, 1% gives 104; C=25 allows none (25); families of 3 at
/// C=100: 102. Never below family x floor(capacity / family). O((B - capacity) log B) time;
/// capacity is limited to 10^8 persons to bound that. Throws
/// invalid_input on q outside (0, 1], epsilon outside [0, 1), negative capacity or family < 1.
[[nodiscard]] inline std::int64_t overbooking_limit(std::int64_t capacity, double q, double epsilon,
                                                    std::int64_t family = 1) {
    if (capacity < 0 || capacity > 100000000) {
        detail::throw_invalid_input("overbooking", "capacity", "must be within 0..100000000");
    }
    if (!(q > 0.0 && q <= 1.0)) {
        detail::throw_invalid_input("overbooking", "show-up", "must be within (0, 1]");
    }
    if (!(epsilon >= 0.0 && epsilon < 1.0)) {
        detail::throw_invalid_input("overbooking", "risk", "must be within [0, 1)");
    }
    if (family < 1) {
        detail::throw_invalid_input("overbooking", "family", "must be at least 1");
    }
    const std::int64_t k = capacity / family;
    if (q == 1.0) {
        return k * family;
    }
    // A relative slack of 1e-12 so that a tail equal to epsilon in exact arithmetic (C=1,
    // q=0.5, b=3 gives exactly 0.5) is not refused for a rounding error in the last bits.
    auto ok = [&](std::int64_t b) {
        return detail::binomial_upper_tail(b, k, q) <= epsilon * (1 + 1e-12);
    };
    std::int64_t lo = k, step = 1; // ok(lo) holds: the tail beyond k of b = k is 0
    while (ok(lo + step)) {
        lo += step;
        step *= 2;
        if (lo > 1000000000) {
            detail::throw_invalid_input("overbooking", "show-up", "booking limit out of range");
        }
    }
    std::int64_t hi = lo + step; // !ok(hi); the tail grows with b
    while (hi - lo > 1) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        (ok(mid) ? lo : hi) = mid;
    }
    return lo * family;
}

// ---------------------------------------------------------------------------------------------
// Slot grids

/// A grid of time slots for one port-day: slots of `length` minutes every `step` minutes from
/// `start` (minutes after local midnight) while a slot ends by `end`, each taking
/// `persons_per_slot`. Labels are "HH:MM" of each slot's start.
struct slot_grid {
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::int64_t length = 0;
    std::int64_t step = 0;
    std::int64_t persons_per_slot = 0;

    /// Throws invalid_input (record "slots") naming the field: length and step must be
    /// positive, step >= length (slots do not overlap), 0 <= start < end <= 24:00, persons >= 0,
    /// and the total, count() x persons, at most 9223372036854775807 (field "persons").
    void validate() const {
        if (length <= 0) {
            detail::throw_invalid_input("slots", "length", "must be positive");
        }
        if (step <= 0) {
            detail::throw_invalid_input("slots", "step", "must be positive");
        }
        if (step < length) {
            detail::throw_invalid_input("slots", "step",
                                        "must be at least the length (slots "
                                        "would overlap)");
        }
        if (start < 0 || start >= 24 * 60) {
            detail::throw_invalid_input("slots", "start", "must be within 00:00..23:59");
        }
        if (end <= start || end > 24 * 60) {
            detail::throw_invalid_input("slots", "end", "must be after start and by 24:00");
        }
        if (persons_per_slot < 0) {
            detail::throw_invalid_input("slots", "persons", "must not be negative");
        }
        if (!detail::fits_int64(detail::i128{count()} * persons_per_slot)) {
            detail::throw_invalid_input("slots", "persons",
                                        "too many: " + std::to_string(count()) +
                                            " slots x persons exceeds 9223372036854775807");
        }
    }

    /// Number of slots. O(1), noexcept, defined on every grid: 0 when length or step is not
    /// positive (a grid validate() refuses), never an overflow.
    [[nodiscard]] std::int64_t count() const noexcept {
        if (length <= 0 || step <= 0) {
            return 0;
        }
        const detail::i128 span = detail::i128{end} - start;
        return span < length ? 0 : detail::clamp_to_int64((span - length) / step + 1);
    }

    /// The slots in order, labelled HH:MM. O(count). Calls validate() first, so a grid it
    /// refuses throws here too rather than giving slots outside the day.
    [[nodiscard]] std::vector<slot_capacity> slots() const {
        validate();
        std::vector<slot_capacity> out;
        const auto n = count();
        out.reserve(static_cast<std::size_t>(n));
        for (std::int64_t i = 0; i < n; ++i) {
            const std::int64_t t = start + i * step;
            std::string label = "00:00";
            label[0] = static_cast<char>('0' + t / 600);
            label[1] = static_cast<char>('0' + (t / 60) % 10);
            label[3] = static_cast<char>('0' + (t % 60) / 10);
            label[4] = static_cast<char>('0' + t % 10);
            out.push_back({std::move(label), persons_per_slot});
        }
        return out;
    }

    /// Persons over all slots: count() x persons_per_slot. O(1), noexcept. Exact on every grid
    /// validate() accepts; on others the product is clamped to the range of std::int64_t,
    /// never overflows.
    [[nodiscard]] std::int64_t total() const noexcept {
        return detail::clamp_to_int64(detail::i128{count()} * persons_per_slot);
    }
    friend bool operator==(const slot_grid&, const slot_grid&) = default;
};

// ---------------------------------------------------------------------------------------------
// From daily policies to a day's capacity

/// One port as capacity_on reads it: its name, its daily policy (a weekly_schedule, overrides
/// and closures, staffing, a host type, or any composition of them with precedence() and
/// strictest()), an optional cap on parties, an optional slot grid, and its weight in the
/// apportionment of a national total. Small value type.
template <daily_policy P>
struct port_policy {
    std::string port;
    P persons{};
    std::optional<std::int64_t> parties{};
    /// The shape of the day: its total is one more limit on persons, and its slots go to the
    /// draw (which seats each party whole in one slot).
    std::optional<slot_grid> grid{};
    /// Share of a national total (capacity_rules::national_total); 0 takes no part.
    std::int64_t weight = 1;
};

/// What applies to all ports of a day in capacity_on: a national total divided among the ports
/// by apportion() (each port's share capped by its own limit), and set-asides of which the draw
/// takes one pool (the remainder pool, "lottery", by default). Small value type.
struct capacity_rules {
    std::optional<std::int64_t> national_total;
    apportion_method method = apportion_method::hamilton;
    std::optional<set_aside_policy> set_asides;
    /// The pool of set_asides whose persons the draw hands out; empty: the remainder pool.
    std::string draw_pool;
};

/// The day_capacity a draw takes for the port-local date `d`, from each port's daily policy.
/// Per port, in this order: persons = policy.limit(d), 0 when no policy has an opinion (a
/// weekly_schedule's empty weekday included) so a closure or an uncovered day is closed; a
/// slot grid caps persons at its total and, when persons > 0, gives the port its slots; then,
/// with a national total, the ports' shares of it by rules.method, each capped by the port's
/// persons (what cannot be placed lapses), replace persons; then, with set-asides, persons
/// become the draw pool's part of set_asides.split(persons). Parties are copied. The same
/// pipeline the capacity plan uses for these layers (capacity_plan::for_date), for a host that
/// keeps its rules as policy objects instead of plan text. O(ports x (cost of limit + slots))
/// plus the apportionment. Throws invalid_input naming the record and field on a negative
/// limit, a bad grid, an unknown draw pool or an impossible apportionment, and (field `date`)
/// on a `d` that is not a calendar date; nothing is returned then.
template <daily_policy P>
[[nodiscard]] day_capacity capacity_on(const std::vector<port_policy<P>>& ports, civil_date d,
                                       const capacity_rules& rules = {}) {
    (void)day_number(d); // refuses 2023-02-30, which the policies would read as 2023-03-02
    day_capacity out;
    out.ports.reserve(ports.size());
    for (const auto& p : ports) {
        port_capacity pc;
        pc.port = p.port;
        pc.persons = p.persons.limit(d).value_or(0);
        if (pc.persons < 0) {
            detail::throw_invalid_input("port '" + p.port + "'", "persons",
                                        "the daily policy gave a negative limit");
        }
        pc.parties = p.parties;
        if (p.grid) {
            p.grid->validate();
            pc.persons = std::min(pc.persons, p.grid->total());
            if (pc.persons > 0) {
                pc.slots = p.grid->slots();
            }
        }
        out.ports.push_back(std::move(pc));
    }
    if (rules.national_total) {
        std::vector<apportion_share> shares(ports.size());
        std::int64_t placeable = 0;
        for (std::size_t i = 0; i < ports.size(); ++i) {
            auto& s = shares[i];
            s.weight = ports[i].weight;
            // A bound above the total binds nothing; clamping keeps apportion()'s range.
            s.max =
                std::min(out.ports[i].persons, std::max<std::int64_t>(*rules.national_total, 0));
            placeable += s.weight > 0 ? *s.max : 0;
        }
        const auto seats =
            apportion(std::min(*rules.national_total, placeable), shares, rules.method);
        for (std::size_t i = 0; i < ports.size(); ++i) {
            out.ports[i].persons = seats[i];
            if (seats[i] == 0) {
                out.ports[i].slots.clear();
            }
        }
    }
    if (rules.set_asides) {
        for (auto& pc : out.ports) {
            const auto pools = rules.set_asides->split(pc.persons);
            const std::string& want =
                rules.draw_pool.empty() ? rules.set_asides->remainder_pool() : rules.draw_pool;
            const auto it = std::find_if(pools.begin(), pools.end(),
                                         [&](const pool_amount& a) { return a.pool == want; });
            if (it == pools.end()) {
                detail::throw_invalid_input("capacity rules", "draw_pool",
                                            "no set-aside pool '" + want + "'");
            }
            pc.persons = it->persons;
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Capacity plans

namespace detail {

inline constexpr std::int64_t open_start = std::numeric_limits<std::int32_t>::min();
inline constexpr std::int64_t open_end = std::numeric_limits<std::int32_t>::max();

template <class T>
struct dated {
    std::int64_t first = open_start;
    std::int64_t last = open_end;
    T value{};
    std::size_t line = 0;
};

// Non-overlapping dated values, sorted by first day; lookup by binary search.
template <class T>
class dated_list {
public:
    [[nodiscard]] const dated<T>* overlap(std::int64_t first, std::int64_t last) const noexcept {
        for (const auto& e : items_) {
            if (e.first <= last && first <= e.last) {
                return &e;
            }
        }
        return nullptr;
    }
    void insert(dated<T> e) {
        const auto at =
            std::upper_bound(items_.begin(), items_.end(), e.first,
                             [](std::int64_t v, const dated<T>& x) { return v < x.first; });
        items_.insert(at, std::move(e));
    }
    [[nodiscard]] const T* at(std::int64_t day) const noexcept {
        auto it = std::upper_bound(items_.begin(), items_.end(), day,
                                   [](std::int64_t v, const dated<T>& x) { return v < x.first; });
        if (it == items_.begin()) {
            return nullptr;
        }
        --it;
        return day <= it->last ? &it->value : nullptr;
    }
    [[nodiscard]] const std::vector<dated<T>>& items() const noexcept { return items_; }

private:
    std::vector<dated<T>> items_;
};

struct base_rule {
    bool weekly = false;
    std::int64_t persons = 0;
    weekly_schedule schedule;
};

struct overbook_rule {
    double show_up = 1.0;
    double risk = 0.0;
    std::int64_t family = 1;
};

struct port_rules {
    std::string name;
    std::int64_t weight = 0;
    std::int64_t min = 0;
    std::optional<std::int64_t> max;
    dated_list<base_rule> base;
    dated_list<std::int64_t> overrides;
    std::vector<recurring_capacity> recurrences;
    dated_list<staffing> staff;
    dated_list<std::int64_t> week_caps;
    dated_list<std::int64_t> parties;
    dated_list<slot_grid> slots;
    dated_list<overbook_rule> overbook;
    dated_list<std::int64_t> scale_ppm;
};

} // namespace detail

namespace detail {
class plan_parser;
} // namespace detail

/// Every layer's limit for one port on one date, as capacity_plan computes it (for audits and
/// for tests that prove no layer is exceeded). Empty optionals: the layer does not apply.
struct port_limits {
    /// The day rule: an override, else the recurrences (strictest), else the base schedule.
    std::optional<std::int64_t> day_rule;
    /// officers x minutes / minutes per person, capped by holding space.
    std::optional<std::int64_t> staffing;
    /// Persons over the slot grid (before overbooking).
    std::optional<std::int64_t> slot_total;
    /// The strictest of the three above (the physical limit), times the `scale` percentage in
    /// effect, rounded down.
    std::optional<std::int64_t> physical;
    /// physical after overbooking (a booking limit), or physical.
    std::optional<std::int64_t> booking;
    /// Bookings per ISO week (Monday to Sunday) in effect on this date.
    std::optional<std::int64_t> week_cap;
    /// The national total in effect and this port's apportioned share of it.
    std::optional<std::int64_t> national_total;
    std::optional<std::int64_t> national_share;
    /// The result: the strictest of booking, week_cap and national_share; 0 if neither booking
    /// nor national_share applies (a week cap alone gives no capacity).
    std::int64_t persons = 0;
    friend bool operator==(const port_limits&, const port_limits&) = default;
};

/// A parsed capacity plan (format: docs/capacity.md). Immutable after parsing; for_date() is
/// pure and may be called from several threads at once.
class capacity_plan {
public:
    /// Parses plan text. `source` names it in errors (a file path). Throws parse_error with the
    /// source, 1-based line and column and the offending keyword or field: unknown keywords and
    /// ports, bad dates and numbers, negative numbers, overlapping rules of one layer, slot
    /// length 0, unsupported RRULE parts ... Validation completes before a plan exists, so a
    /// plan is never half-applied. O(size of text + rules^2 per port).
    [[nodiscard]] static capacity_plan parse(std::string_view text, std::string source = "plan");

    /// The capacity of every port on the port-local date `d`, ports in declaration order: the
    /// one call the draw needs. O(ports x (log rules + recurrences) + apportionment). Throws
    /// invalid_input (field `date`) if `d` is not a calendar date (2023-02-30).
    [[nodiscard]] day_capacity for_date(civil_date d) const;

    /// Every layer's limit for every port on `d`, in declaration order (what for_date uses).
    /// Throws as for_date does.
    [[nodiscard]] std::vector<port_limits> limits(civil_date d) const;

    /// The set-aside pools of a port's persons (set_aside_policy::split of for_date's persons).
    [[nodiscard]] std::vector<pool_amount> pools(std::int64_t persons) const {
        return set_asides_.split(persons);
    }

    /// The week cap of `port` in effect on `d`, if any. O(log rules). Throws invalid_input
    /// (field `date`) on a date that is not a calendar date, as national_total does.
    [[nodiscard]] std::optional<std::int64_t> week_cap(std::size_t port, civil_date d) const {
        if (const auto* w = ports_.at(port).week_caps.at(day_number(d))) {
            return *w;
        }
        return std::nullopt;
    }

    /// The national total in effect on `d`, if any. O(log rules).
    [[nodiscard]] std::optional<std::int64_t> national_total(civil_date d) const {
        if (const auto* n = national_.at(day_number(d))) {
            return *n;
        }
        return std::nullopt;
    }

    /// Port names in declaration order.
    [[nodiscard]] std::vector<std::string> port_names() const {
        std::vector<std::string> out;
        for (const auto& p : ports_) {
            out.push_back(p.name);
        }
        return out;
    }
    /// Index of a port by name, if declared. O(ports).
    [[nodiscard]] std::optional<std::size_t> port_index(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < ports_.size(); ++i) {
            if (ports_[i].name == name) {
                return i;
            }
        }
        return std::nullopt;
    }
    [[nodiscard]] apportion_method method() const noexcept { return method_; }
    [[nodiscard]] const set_aside_policy& set_asides() const noexcept { return set_asides_; }

private:
    friend class detail::plan_parser;
    std::vector<detail::port_rules> ports_;
    detail::dated_list<std::int64_t> national_;
    apportion_method method_ = apportion_method::hamilton;
    set_aside_policy set_asides_;
};

namespace detail {

struct plan_token {
    std::string_view text;
    std::size_t column = 0;
};

class plan_parser {
public:
    plan_parser(std::string_view text, std::string source)
        : text_(text), source_(std::move(source)) {}

    capacity_plan run() {
        tokenize();
        if (lines_.empty() || lines_.front().tokens.front().text != "cbpq-capacity-plan") {
            fail(lines_.empty() ? 1 : lines_.front().number, 1, "cbpq-capacity-plan",
                 "a plan starts with the line 'cbpq-capacity-plan 1'");
        }
        {
            const auto& l = lines_.front();
            if (l.tokens.size() != 2 || l.tokens[1].text != "1") {
                fail(l.number, l.tokens.size() > 1 ? l.tokens[1].column : l.tokens[0].column,
                     "cbpq-capacity-plan", "unsupported plan version (this reader knows 1)");
            }
        }
        // Pass 1: ports, so that rules may name ports declared later.
        for (std::size_t i = 1; i < lines_.size(); ++i) {
            if (lines_[i].tokens.front().text == "port") {
                port_statement(lines_[i]);
            }
        }
        for (std::size_t i = 1; i < lines_.size(); ++i) {
            if (lines_[i].tokens.front().text != "port") {
                rule_statement(lines_[i]);
            }
        }
        try {
            plan_.set_asides_ = set_aside_policy(set_asides_, remainder_);
        } catch (const invalid_input& e) {
            fail(set_aside_line_ ? set_aside_line_ : 1, 1, e.field(), e.what());
        }
        for (const auto& n : plan_.national_.items()) {
            std::int64_t sum_min = 0;
            for (const auto& p : plan_.ports_) {
                sum_min += p.min;
            }
            if (sum_min > n.value) {
                fail(n.line, 1, "min",
                     "the ports' minimums add up to " + std::to_string(sum_min) +
                         ", more than this national total");
            }
        }
        return std::move(plan_);
    }

private:
    struct line {
        std::size_t number = 0;
        std::vector<detail::plan_token> tokens;
    };
    struct field {
        std::string_view key;
        std::string_view value;
        std::size_t column = 0;       // of the key
        std::size_t value_column = 0; // of the value
        bool used = false;
    };

    [[noreturn]] void fail(std::size_t line_no, std::size_t column, std::string field_name,
                           const std::string& message) const {
        detail::throw_parse_error(source_, line_no, column, std::move(field_name), message);
    }

    void tokenize() {
        std::size_t pos = 0, number = 0;
        while (pos < text_.size()) {
            std::size_t end = text_.find('\n', pos);
            if (end == std::string_view::npos) {
                end = text_.size();
            }
            std::string_view l = text_.substr(pos, end - pos);
            if (!l.empty() && l.back() == '\r') {
                l.remove_suffix(1);
            }
            ++number;
            line current{number, {}};
            std::size_t i = 0;
            while (i < l.size()) {
                const char c = l[i];
                if (c == ' ' || c == '\t') {
                    ++i;
                    continue;
                }
                if (c == '#') {
                    break;
                }
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    fail(number, i + 1, "", "control character in plan text");
                }
                std::size_t j = i;
                while (j < l.size() && l[j] != ' ' && l[j] != '\t') {
                    ++j;
                }
                current.tokens.push_back({l.substr(i, j - i), i + 1});
                i = j;
            }
            if (!current.tokens.empty()) {
                lines_.push_back(std::move(current));
            }
            pos = end + 1;
        }
    }

    std::vector<field> fields(const line& l, std::size_t from) const {
        std::vector<field> out;
        for (std::size_t i = from; i < l.tokens.size(); ++i) {
            const auto& t = l.tokens[i];
            const auto eq = t.text.find('=');
            if (eq == std::string_view::npos || eq == 0) {
                fail(l.number, t.column, std::string(t.text),
                     "expected key=value, got '" + std::string(t.text) + "'");
            }
            field f{t.text.substr(0, eq), t.text.substr(eq + 1), t.column, t.column + eq + 1,
                    false};
            for (const auto& g : out) {
                if (g.key == f.key) {
                    fail(l.number, f.column, std::string(f.key), "given twice");
                }
            }
            out.push_back(f);
        }
        return out;
    }

    static field* find(std::vector<field>& fs, std::string_view key) {
        for (auto& f : fs) {
            if (f.key == key) {
                f.used = true;
                return &f;
            }
        }
        return nullptr;
    }

    field& require(const line& l, std::vector<field>& fs, std::string_view key) const {
        if (auto* f = find(fs, key)) {
            return *f;
        }
        fail(l.number, l.tokens.front().column, std::string(key),
             "'" + std::string(l.tokens.front().text) + "' needs " + std::string(key) + "=...");
    }

    void no_leftovers(const line& l, const std::vector<field>& fs) const {
        for (const auto& f : fs) {
            if (!f.used) {
                fail(l.number, f.column, std::string(f.key),
                     "unknown field '" + std::string(f.key) + "' for '" +
                         std::string(l.tokens.front().text) + "'");
            }
        }
    }

    std::int64_t integer(const line& l, const field& f, std::int64_t max = 1000000000) const {
        std::string_view v = f.value;
        if (!v.empty() && v[0] == '-') {
            fail(l.number, f.value_column, std::string(f.key),
                 "must not be negative, got '" + std::string(v) + "'");
        }
        if (v.empty() || v.size() > 10) {
            fail(l.number, f.value_column, std::string(f.key),
                 "expected a whole number, got '" + std::string(v) + "'");
        }
        std::int64_t n = 0;
        for (const char c : v) {
            const int d = detail::digit_value(c);
            if (d < 0) {
                fail(l.number, f.value_column, std::string(f.key),
                     "expected a whole number, got '" + std::string(v) + "'");
            }
            n = n * 10 + d;
        }
        if (n > max) {
            fail(l.number, f.value_column, std::string(f.key),
                 "must be at most " + std::to_string(max));
        }
        return n;
    }

    // A decimal with at most `places` fractional digits, scaled by 10^places.
    std::int64_t decimal(const line& l, const field& f, int places, std::string_view v) const {
        if (!v.empty() && v[0] == '-') {
            fail(l.number, f.value_column, std::string(f.key), "must not be negative");
        }
        std::int64_t n = 0;
        int frac = -1;
        bool digits = false;
        for (const char c : v) {
            if (c == '.' && frac < 0) {
                frac = 0;
                continue;
            }
            const int d = detail::digit_value(c);
            if (d < 0 || (frac >= 0 && ++frac > places) || n > 100000000000) {
                fail(l.number, f.value_column, std::string(f.key),
                     "expected a decimal number with at most " + std::to_string(places) +
                         " decimals, got '" + std::string(f.value) + "'");
            }
            digits = true;
            n = n * 10 + d;
        }
        if (!digits) {
            fail(l.number, f.value_column, std::string(f.key),
                 "expected a number, got '" + std::string(f.value) + "'");
        }
        for (int k = std::max(frac, 0); k < places; ++k) {
            n *= 10;
        }
        return n;
    }

    std::int64_t date(const line& l, const field& f) const {
        const auto d = detail::parse_civil_date(f.value);
        if (!d) {
            fail(l.number, f.value_column, std::string(f.key),
                 "'" + std::string(f.value) + "' is not a calendar date YYYY-MM-DD");
        }
        return detail::day_number(*d);
    }

    std::int64_t minutes_of_day(const line& l, const field& f) const {
        const auto v = f.value;
        if (v.size() != 5 || v[2] != ':' || detail::digit_value(v[0]) < 0 ||
            detail::digit_value(v[1]) < 0 || detail::digit_value(v[3]) < 0 ||
            detail::digit_value(v[4]) < 0) {
            fail(l.number, f.value_column, std::string(f.key),
                 "expected a time HH:MM, got '" + std::string(v) + "'");
        }
        const int h = detail::digit_value(v[0]) * 10 + detail::digit_value(v[1]);
        const int m = detail::digit_value(v[3]) * 10 + detail::digit_value(v[4]);
        if (h > 24 || m > 59 || (h == 24 && m != 0)) {
            fail(l.number, f.value_column, std::string(f.key),
                 "'" + std::string(v) + "' is not a time of day");
        }
        return h * 60 + m;
    }

    // from=/until=/on= -> [first, last]; `required` demands a bounded range.
    std::pair<std::int64_t, std::int64_t> dates(const line& l, std::vector<field>& fs,
                                                bool required, std::size_t& column) const {
        std::int64_t first = detail::open_start, last = detail::open_end;
        column = l.tokens.front().column;
        const field* on = find(fs, "on");
        const field* from = find(fs, "from");
        const field* until = find(fs, "until");
        if (on) {
            if (from || until) {
                fail(l.number, on->column, "on", "give either on= or from=/until=, not both");
            }
            column = on->column;
            first = last = date(l, *on);
        } else {
            if (from) {
                column = from->column;
                first = date(l, *from);
            }
            if (until) {
                if (!from) {
                    column = until->column;
                }
                last = date(l, *until);
            }
            if (required && (!from || !until)) {
                fail(l.number, l.tokens.front().column, from ? "until" : "from",
                     "'" + std::string(l.tokens.front().text) +
                         "' needs a bounded range: from= and until=, or on=");
            }
            if (last < first) {
                fail(l.number, until->column, "until", "the range ends before it starts");
            }
        }
        return {first, last};
    }

    std::vector<std::size_t> targets(const line& l) const {
        if (l.tokens.size() < 2 || l.tokens[1].text.find('=') != std::string_view::npos) {
            fail(l.number, l.tokens.front().column, "port",
                 "'" + std::string(l.tokens.front().text) + "' needs a port name or *");
        }
        const auto& t = l.tokens[1];
        std::vector<std::size_t> out;
        if (t.text == "*") {
            for (std::size_t i = 0; i < plan_.ports_.size(); ++i) {
                out.push_back(i);
            }
            return out;
        }
        if (const auto i = plan_.port_index(t.text)) {
            out.push_back(*i);
            return out;
        }
        fail(l.number, t.column, "port", "unknown port '" + std::string(t.text) + "'");
    }

    template <class T>
    void add_dated(const line& l, detail::dated_list<T>& list, std::int64_t first,
                   std::int64_t last, const T& value, std::size_t column, const std::string& port,
                   const char* layer) {
        if (const auto* o = list.overlap(first, last)) {
            fail(l.number, column, "dates",
                 std::string(layer) + " rules for port '" + port +
                     "' overlap: this range overlaps the rule on line " + std::to_string(o->line));
        }
        list.insert({first, last, value, l.number});
    }

    static bool slug(std::string_view s) {
        if (s.empty() || s.size() > 64) {
            return false;
        }
        for (const char c : s) {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    void port_statement(const line& l) {
        if (l.tokens.size() < 2 || !slug(l.tokens[1].text)) {
            fail(l.number, l.tokens.size() < 2 ? l.tokens[0].column : l.tokens[1].column, "port",
                 "a port needs a name of lower-case letters, digits, '-' or '_'");
        }
        if (plan_.port_index(l.tokens[1].text)) {
            fail(l.number, l.tokens[1].column, "port",
                 "port '" + std::string(l.tokens[1].text) + "' declared twice");
        }
        auto fs = fields(l, 2);
        detail::port_rules p;
        p.name = std::string(l.tokens[1].text);
        if (auto* f = find(fs, "weight")) {
            p.weight = integer(l, *f);
        }
        if (auto* f = find(fs, "min")) {
            p.min = integer(l, *f);
        }
        if (auto* f = find(fs, "max")) {
            p.max = integer(l, *f);
            if (*p.max < p.min) {
                fail(l.number, f->value_column, "max", "must be at least min");
            }
        }
        no_leftovers(l, fs);
        plan_.ports_.push_back(std::move(p));
    }

    void rule_statement(const line& l) {
        const auto kw = l.tokens.front().text;
        if (kw == "method") {
            if (l.tokens.size() != 2) {
                fail(l.number, l.tokens[0].column, "method", "'method' takes one name");
            }
            const auto m = parse_apportion_method(l.tokens[1].text);
            if (!m) {
                fail(l.number, l.tokens[1].column, "method",
                     "unknown method '" + std::string(l.tokens[1].text) +
                         "' (hamilton, webster, dhondt, huntington-hill)");
            }
            plan_.method_ = *m;
            return;
        }
        if (kw == "national") {
            auto fs = fields(l, 1);
            const auto persons = integer(l, require(l, fs, "persons"));
            std::size_t col = 0;
            const auto [first, last] = dates(l, fs, false, col);
            no_leftovers(l, fs);
            add_dated(l, plan_.national_, first, last, persons, col, "*", "national");
            return;
        }
        if (kw == "set-aside") {
            set_aside_statement(l);
            return;
        }
        if (kw == "remainder") {
            if (l.tokens.size() != 2 || !slug(l.tokens[1].text)) {
                fail(l.number, l.tokens[0].column, "remainder", "'remainder' takes one pool name");
            }
            remainder_ = std::string(l.tokens[1].text);
            set_aside_line_ = set_aside_line_ ? set_aside_line_ : l.number;
            return;
        }
        static constexpr std::string_view per_port[] = {
            "capacity", "weekly",  "override", "close",    "recur", "staff",
            "week-cap", "parties", "slots",    "overbook", "scale"};
        if (std::find(std::begin(per_port), std::end(per_port), kw) == std::end(per_port)) {
            fail(l.number, l.tokens[0].column, std::string(kw),
                 "unknown keyword '" + std::string(kw) + "'");
        }
        const auto ports = targets(l);
        auto fs = fields(l, 2);
        std::size_t col = 0;
        if (kw == "capacity" || kw == "weekly") {
            detail::base_rule r;
            if (kw == "capacity") {
                r.persons = integer(l, require(l, fs, "persons"));
            } else {
                static constexpr std::string_view days[7] = {"mon", "tue", "wed", "thu",
                                                             "fri", "sat", "sun"};
                r.weekly = true;
                bool any = false;
                for (std::size_t d = 0; d < 7; ++d) {
                    if (auto* f = find(fs, days[d])) {
                        r.schedule.persons[d] = integer(l, *f);
                        any = true;
                    }
                }
                if (!any) {
                    fail(l.number, l.tokens[0].column, "weekly",
                         "'weekly' needs at least one of mon= ... sun=");
                }
            }
            const auto [first, last] = dates(l, fs, false, col);
            no_leftovers(l, fs);
            for (const auto p : ports) {
                add_dated(l, plan_.ports_[p].base, first, last, r, col, plan_.ports_[p].name,
                          "capacity/weekly");
            }
        } else if (kw == "override" || kw == "close") {
            const std::int64_t persons = kw == "close" ? 0 : integer(l, require(l, fs, "persons"));
            if (kw == "close") {
                find(fs, "reason");
            }
            const auto [first, last] = dates(l, fs, true, col);
            no_leftovers(l, fs);
            for (const auto p : ports) {
                add_dated(l, plan_.ports_[p].overrides, first, last, persons, col,
                          plan_.ports_[p].name, "override/close");
            }
        } else if (kw == "recur") {
            recur_statement(l, fs, ports);
        } else if (kw == "staff") {
            staffing s;
            s.officers = integer(l, require(l, fs, "officers"));
            const auto& h = require(l, fs, "hours");
            const auto hundredths = decimal(l, h, 2, h.value);
            if (hundredths * 60 % 100 != 0 || hundredths > 2400) {
                fail(l.number, h.value_column, "hours",
                     "hours must be within 0..24 and come to whole minutes");
            }
            s.shift_minutes = hundredths * 60 / 100;
            const auto& mpp = require(l, fs, "minutes-per-person");
            s.minutes_per_person = integer(l, mpp);
            if (s.minutes_per_person == 0) {
                fail(l.number, mpp.value_column, "minutes-per-person", "must be positive");
            }
            if (auto* f = find(fs, "holding")) {
                s.holding_space = integer(l, *f);
            }
            const auto [first, last] = dates(l, fs, false, col);
            no_leftovers(l, fs);
            for (const auto p : ports) {
                add_dated(l, plan_.ports_[p].staff, first, last, s, col, plan_.ports_[p].name,
                          "staff");
            }
        } else if (kw == "week-cap" || kw == "parties") {
            const auto n = integer(l, require(l, fs, kw == "parties" ? "max" : "persons"));
            const auto [first, last] = dates(l, fs, false, col);
            no_leftovers(l, fs);
            for (const auto p : ports) {
                auto& list = kw == "parties" ? plan_.ports_[p].parties : plan_.ports_[p].week_caps;
                add_dated(l, list, first, last, n, col, plan_.ports_[p].name,
                          kw == "parties" ? "parties" : "week-cap");
            }
        } else if (kw == "slots") {
            slot_grid g;
            g.start = minutes_of_day(l, require(l, fs, "start"));
            const auto& endf = require(l, fs, "end");
            g.end = minutes_of_day(l, endf);
            const auto& len = require(l, fs, "length");
            g.length = integer(l, len, 1440);
            const auto& step = require(l, fs, "step");
            g.step = integer(l, step, 1440);
            g.persons_per_slot = integer(l, require(l, fs, "persons"));
            if (g.length == 0) {
                fail(l.number, len.value_column, "length", "slot length must be positive");
            }
            if (g.step < g.length) {
                fail(l.number, step.value_column, "step",
                     "step must be at least the length (slots would overlap)");
            }
            if (g.end <= g.start) {
                fail(l.number, endf.value_column, "end", "end must be after start");
            }
            const auto [first, last] = dates(l, fs, false, col);
            no_leftovers(l, fs);
            for (const auto p : ports) {
                add_dated(l, plan_.ports_[p].slots, first, last, g, col, plan_.ports_[p].name,
                          "slots");
            }
        } else if (kw == "scale") {
            auto& f = require(l, fs, "percent");
            const auto ppm = decimal(l, f, 4, f.value);
            if (ppm > 1000000) {
                // Above 100% a scale would lift capacity over the layers it scales.
                fail(l.number, f.value_column, "percent", "must be at most 100");
            }
            const auto [first, last] = dates(l, fs, false, col);
            no_leftovers(l, fs);
            for (const auto p : ports) {
                add_dated(l, plan_.ports_[p].scale_ppm, first, last, ppm, col, plan_.ports_[p].name,
                          "scale");
            }
        } else { // overbook
            detail::overbook_rule r;
            const auto& q = require(l, fs, "show-up");
            r.show_up = static_cast<double>(decimal(l, q, 6, q.value)) / 1e6;
            if (!(r.show_up > 0.0 && r.show_up <= 1.0)) {
                fail(l.number, q.value_column, "show-up", "must be within (0, 1]");
            }
            const auto& e = require(l, fs, "risk");
            r.risk = static_cast<double>(decimal(l, e, 6, e.value)) / 1e6;
            if (!(r.risk < 1.0)) {
                fail(l.number, e.value_column, "risk", "must be within [0, 1)");
            }
            if (auto* f = find(fs, "family")) {
                r.family = integer(l, *f, 100);
                if (r.family == 0) {
                    fail(l.number, f->value_column, "family", "must be at least 1");
                }
            }
            const auto [first, last] = dates(l, fs, false, col);
            no_leftovers(l, fs);
            for (const auto p : ports) {
                add_dated(l, plan_.ports_[p].overbook, first, last, r, col, plan_.ports_[p].name,
                          "overbook");
            }
        }
    }

    std::vector<std::int64_t> date_list(const line& l, const field& f) const {
        std::vector<std::int64_t> out;
        std::size_t p = 0;
        const auto v = f.value;
        while (p <= v.size()) {
            std::size_t e = v.find(',', p);
            if (e == std::string_view::npos) {
                e = v.size();
            }
            const auto d = detail::parse_civil_date(v.substr(p, e - p));
            if (!d) {
                fail(l.number, f.value_column + p, std::string(f.key),
                     "'" + std::string(v.substr(p, e - p)) + "' is not a calendar date YYYY-MM-DD");
            }
            out.push_back(detail::day_number(*d));
            if (e == v.size()) {
                break;
            }
            p = e + 1;
        }
        return out;
    }

    void recur_statement(const line& l, std::vector<field>& fs,
                         const std::vector<std::size_t>& ports) {
        const auto persons = integer(l, require(l, fs, "persons"));
        const auto& startf = require(l, fs, "start");
        const auto start = detail::from_day_number(date(l, startf));
        const auto& rr = require(l, fs, "rrule");
        std::vector<civil_date> ex, rd;
        if (auto* f = find(fs, "exdate")) {
            for (const auto n : date_list(l, *f)) {
                ex.push_back(detail::from_day_number(n));
            }
        }
        if (auto* f = find(fs, "rdate")) {
            for (const auto n : date_list(l, *f)) {
                rd.push_back(detail::from_day_number(n));
            }
        }
        no_leftovers(l, fs);
        recurring_capacity rc;
        rc.persons = persons;
        detail::rrule_problem problem;
        if (!rc.dates.build(rr.value, start, rd, ex, problem)) {
            const std::size_t column =
                problem.part == "DTSTART" ? startf.value_column : rr.value_column + problem.offset;

            fail(l.number, column, "RRULE " + problem.part, problem.message);
        }
        for (const auto p : ports) {
            plan_.ports_[p].recurrences.push_back(rc);
        }
    }

    void set_aside_statement(const line& l) {
        if (l.tokens.size() < 2 || !slug(l.tokens[1].text)) {
            fail(l.number, l.tokens[0].column, "pool", "'set-aside' needs a pool name");
        }
        auto fs = fields(l, 2);
        set_aside s;
        s.pool = std::string(l.tokens[1].text);
        auto* count = find(fs, "count");
        auto* share = find(fs, "share");
        if ((count == nullptr) == (share == nullptr)) {
            fail(l.number, l.tokens[0].column, "share", "give exactly one of count= and share=");
        }
        if (count) {
            s.count = integer(l, *count);
        } else {
            auto v = share->value;
            if (v.empty() || v.back() != '%') {
                fail(l.number, share->value_column, "share", "a share is a percentage like 50%");
            }
            v.remove_suffix(1);
            s.share_ppm = decimal(l, *share, 4, v);
            if (s.share_ppm > 1000000) {
                fail(l.number, share->value_column, "share", "must be at most 100%");
            }
        }
        if (auto* f = find(fs, "unused")) {
            if (f->value == "lapse") {
                s.lapse = true;
            } else {
                s.unused_to = std::string(f->value);
            }
        }
        no_leftovers(l, fs);
        set_aside_line_ = set_aside_line_ ? set_aside_line_ : l.number;
        set_asides_.push_back(std::move(s));
    }

    std::string_view text_;
    std::string source_;
    std::vector<line> lines_;
    capacity_plan plan_;
    std::vector<set_aside> set_asides_;
    std::string remainder_ = "lottery";
    std::size_t set_aside_line_ = 0;
};

} // namespace detail

inline capacity_plan capacity_plan::parse(std::string_view text, std::string source) {
    return detail::plan_parser(text, std::move(source)).run();
}

inline std::vector<port_limits> capacity_plan::limits(civil_date date) const {
    const std::int64_t day = day_number(date); // throws on a date that does not exist
    std::vector<port_limits> out(ports_.size());
    auto tighten = [](std::optional<std::int64_t>& a, std::optional<std::int64_t> b) {
        if (b) {
            a = a ? std::min(*a, *b) : *b;
        }
    };
    for (std::size_t i = 0; i < ports_.size(); ++i) {
        const auto& p = ports_[i];
        auto& o = out[i];
        if (const auto* v = p.overrides.at(day)) {
            o.day_rule = *v;
        } else {
            for (const auto& r : p.recurrences) {
                if (r.dates.occurs_on_day(day)) {
                    tighten(o.day_rule, r.persons);
                }
            }
            if (!o.day_rule) {
                if (const auto* b = p.base.at(day)) {
                    o.day_rule = b->weekly ? b->schedule.limit(date) : b->persons;
                }
            }
        }
        if (const auto* s = p.staff.at(day)) {
            o.staffing = s->persons();
        }
        const auto* grid = p.slots.at(day);
        if (grid) {
            o.slot_total = grid->total();
        }
        tighten(o.physical, o.day_rule);
        tighten(o.physical, o.staffing);
        tighten(o.physical, o.slot_total);
        if (const auto* k = p.scale_ppm.at(day); k && o.physical) {
            // Scaling rounds down: it never creates capacity that the layers below lack.
            o.physical = *o.physical * *k / 1000000;
        }
        o.booking = o.physical;
        if (const auto* ob = p.overbook.at(day); ob && o.physical) {
            o.booking = overbooking_limit(*o.physical, ob->show_up, ob->risk, ob->family);
            if (grid) {
                // A grid's booking total is the sum of its overbooked slots.
                tighten(o.booking, detail::clamp_to_int64(detail::i128{grid->count()} *
                                                          overbooking_limit(grid->persons_per_slot,
                                                                            ob->show_up, ob->risk,
                                                                            ob->family)));
            }
        }
        if (const auto* w = p.week_caps.at(day)) {
            o.week_cap = *w;
        }
    }
    const auto* national = national_.at(day);
    if (national) {
        std::vector<apportion_share> shares(ports_.size());
        std::int64_t placeable = 0;
        for (std::size_t i = 0; i < ports_.size(); ++i) {
            std::optional<std::int64_t> cap = out[i].booking;
            tighten(cap, out[i].week_cap);
            auto& s = shares[i];
            s.weight = ports_[i].weight;
            s.max = ports_[i].max;
            tighten(s.max, cap);
            // A bound above the total binds nothing; clamping keeps huge staffing or slot
            // figures within apportion()'s 10^9 range.
            tighten(s.max, *national);
            s.min = std::min(ports_[i].min, s.max.value_or(ports_[i].min));
            placeable += s.weight > 0 ? s.max.value_or(*national) : s.min;
        }
        const auto seats = apportion(std::min(*national, placeable), shares, method_);
        for (std::size_t i = 0; i < ports_.size(); ++i) {
            out[i].national_total = *national;
            out[i].national_share = seats[i];
        }
    }
    for (auto& o : out) {
        // A week cap only limits: a port-day with no day rule, staffing, slots or national
        // share has no capacity at all.
        if (!o.booking && !o.national_share) {
            o.persons = 0;
            continue;
        }
        std::optional<std::int64_t> v = o.booking;
        tighten(v, o.week_cap);
        tighten(v, o.national_share);
        o.persons = v.value_or(0);
    }
    return out;
}

inline day_capacity capacity_plan::for_date(civil_date date) const {
    const std::int64_t day = day_number(date); // throws on a date that does not exist
    const auto lim = limits(date);
    day_capacity out;
    out.ports.reserve(ports_.size());
    for (std::size_t i = 0; i < ports_.size(); ++i) {
        const auto& p = ports_[i];
        port_capacity pc;
        pc.port = p.name;
        pc.persons = lim[i].persons;
        if (const auto* n = p.parties.at(day)) {
            pc.parties = *n;
        }
        if (const auto* g = p.slots.at(day); g && pc.persons > 0) {
            pc.slots = g->slots();
            if (const auto* ob = p.overbook.at(day)) {
                const auto per =
                    overbooking_limit(g->persons_per_slot, ob->show_up, ob->risk, ob->family);
                for (auto& s : pc.slots) {
                    s.persons = per;
                }
            }
        }
        out.ports.push_back(std::move(pc));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Reservations against every layer

/// The layers a reservation is checked against, strictest first in reports.
enum class capacity_layer { none, slot, day_persons, day_parties, week, national };

/// Name of a layer for reports ("slot", "day-persons", ...).
[[nodiscard]] constexpr std::string_view to_string(capacity_layer l) noexcept {
    switch (l) {
    case capacity_layer::slot:
        return "slot";
    case capacity_layer::day_persons:
        return "day-persons";
    case capacity_layer::day_parties:
        return "day-parties";
    case capacity_layer::week:
        return "week";
    case capacity_layer::national:
        return "national";
    default:
        return "none";
    }
}

/// Books parties (whole families) against a plan's layers: slot, port-day persons, port-day
/// parties, port-week persons and national-day persons. A reservation succeeds only if it fits
/// every layer; otherwise nothing changes and the result names the layer that refused.
/// cancel() gives back exactly what reserve() took, so cancelling restores capacity.
/// Not thread-safe; holds a reference to the plan, which must outlive it.
class capacity_ledger {
public:
    /// What to book: a port-local date, a port, a slot label (empty: no slot), persons >= 1.
    struct request {
        civil_date date;
        std::string port;
        std::string slot;
        std::int64_t persons = 1;
    };

    /// A booking or a refusal: refusals are values, not exceptions.
    struct outcome {
        bool booked = false;
        std::uint64_t id = 0;
        capacity_layer refused_by = capacity_layer::none;
    };

    /// One layer's use: its limit (empty: unlimited) and what is booked against it.
    struct layer_use {
        capacity_layer layer = capacity_layer::none;
        std::optional<std::int64_t> limit;
        std::int64_t used = 0;
    };

    explicit capacity_ledger(const capacity_plan& plan) : plan_(&plan) {}

    /// Books `r` if it fits every layer. Throws invalid_input for an unknown port or slot,
    /// persons < 1 or a date that is not a calendar date (nothing booked). O(log bookings + ports)
    /// after a date's first use.
    [[nodiscard]] outcome reserve(const request& r) {
        const auto port = plan_->port_index(r.port);
        if (!port) {
            detail::throw_invalid_input("reservation", "port", "unknown port '" + r.port + "'");
        }
        if (r.persons < 1) {
            detail::throw_invalid_input("reservation", "persons", "must be at least 1");
        }
        const std::int64_t day = day_number(r.date); // invalid_input for 2023-02-30
        const auto& cap = day_for(day).ports[*port];
        std::size_t slot = npos;
        if (!r.slot.empty()) {
            for (std::size_t s = 0; s < cap.slots.size(); ++s) {
                if (cap.slots[s].label == r.slot) {
                    slot = s;
                }
            }
            if (slot == npos) {
                detail::throw_invalid_input("reservation", "slot",
                                            "no slot '" + r.slot + "' at " + r.port + " on " +
                                                format_date(r.date));
            }
        }
        const key k{*port, day, slot};
        // The room left: used + add may overflow. The running sums themselves cannot: a plan's
        // port-day holds at most about 10^13 persons (numbers at most 10^9, staffing at most
        // 10^9 officers for 24 hours at one minute a person), so a week or a nation of them
        // stays far below 2^63.
        auto fits = [&](std::optional<std::int64_t> limit, std::int64_t used, std::int64_t add) {
            return !limit || add <= *limit - used;
        };
        if (slot != npos && !fits(cap.slots[slot].persons, used_slot_[k], r.persons)) {
            return {false, 0, capacity_layer::slot};
        }
        const key dk{*port, day, npos};
        if (!fits(cap.persons, used_day_[dk], r.persons)) {
            return {false, 0, capacity_layer::day_persons};
        }
        if (!fits(cap.parties, used_parties_[dk], 1)) {
            return {false, 0, capacity_layer::day_parties};
        }
        const key wk{*port, detail::monday_of(day), npos};
        if (!fits(plan_->week_cap(*port, r.date), used_week_[wk], r.persons)) {
            return {false, 0, capacity_layer::week};
        }
        const key nk{npos, day, npos};
        if (!fits(plan_->national_total(r.date), used_national_[nk], r.persons)) {
            return {false, 0, capacity_layer::national};
        }
        if (slot != npos) {
            used_slot_[k] += r.persons;
        }
        used_day_[dk] += r.persons;
        used_parties_[dk] += 1;
        used_week_[wk] += r.persons;
        used_national_[nk] += r.persons;
        const auto id = ++last_id_;
        bookings_.emplace(id, booking{*port, day, slot, r.persons});
        return {true, id, capacity_layer::none};
    }

    /// Cancels a booking, giving its persons and party back to every layer. Throws
    /// invalid_input for an unknown or already cancelled id. O(log bookings).
    void cancel(std::uint64_t id) {
        const auto it = bookings_.find(id);
        if (it == bookings_.end()) {
            detail::throw_invalid_input("reservation " + std::to_string(id), "id",
                                        "no such booking (unknown or already cancelled)");
        }
        const auto& b = it->second;
        if (b.slot != npos) {
            used_slot_[key{b.port, b.day, b.slot}] -= b.persons;
        }
        used_day_[key{b.port, b.day, npos}] -= b.persons;
        used_parties_[key{b.port, b.day, npos}] -= 1;
        used_week_[key{b.port, detail::monday_of(b.day), npos}] -= b.persons;
        used_national_[key{npos, b.day, npos}] -= b.persons;
        bookings_.erase(it);
    }

    /// Persons `port` can still book on `d` outside any slot (every layer but slot; 0 when a
    /// week cap lowered mid-week lies below what that week already holds). Throws invalid_input
    /// for an unknown port or a date that is not a calendar date. O(log n).
    [[nodiscard]] std::int64_t remaining(civil_date d, std::string_view port) {
        const auto p = plan_->port_index(port);
        if (!p) {
            detail::throw_invalid_input("reservation", "port", "unknown port");
        }
        const std::int64_t day = day_number(d); // invalid_input for 2023-02-30
        std::int64_t r = day_for(day).ports[*p].persons - used_day_[key{*p, day, npos}];
        if (const auto w = plan_->week_cap(*p, d)) {
            r = std::min(r, *w - used_week_[key{*p, detail::monday_of(day), npos}]);
        }
        if (const auto n = plan_->national_total(d)) {
            r = std::min(r, *n - used_national_[key{npos, day, npos}]);
        }
        // A week cap lowered mid-week can lie below what the week already booked: no room.
        return std::max<std::int64_t>(r, 0);
    }

    /// Every layer touched so far with its limit and use (for audits and property tests).
    [[nodiscard]] std::vector<layer_use> layers() const {
        std::vector<layer_use> out;
        for (const auto& [k, used] : used_slot_) {
            out.push_back(
                {capacity_layer::slot, days_.at(k.day).ports[k.port].slots[k.slot].persons, used});
        }
        for (const auto& [k, used] : used_day_) {
            out.push_back(
                {capacity_layer::day_persons, days_.at(k.day).ports[k.port].persons, used});
        }
        for (const auto& [k, used] : used_parties_) {
            out.push_back(
                {capacity_layer::day_parties, days_.at(k.day).ports[k.port].parties, used});
        }
        for (const auto& [k, used] : used_week_) {
            // The strictest week cap in effect on any day of that week.
            std::optional<std::int64_t> limit;
            for (std::int64_t d = k.day; d < k.day + 7; ++d) {
                if (const auto w = plan_->week_cap(k.port, detail::from_day_number(d))) {
                    limit = limit ? std::min(*limit, *w) : *w;
                }
            }
            out.push_back({capacity_layer::week, limit, used});
        }
        for (const auto& [k, used] : used_national_) {
            out.push_back({capacity_layer::national,
                           plan_->national_total(detail::from_day_number(k.day)), used});
        }
        return out;
    }

    /// Bookings currently held.
    [[nodiscard]] std::size_t size() const noexcept { return bookings_.size(); }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    struct key {
        std::size_t port;
        std::int64_t day;
        std::size_t slot;
        friend auto operator<=>(const key&, const key&) = default;
    };
    struct booking {
        std::size_t port;
        std::int64_t day;
        std::size_t slot;
        std::int64_t persons;
    };

    const day_capacity& day_for(std::int64_t day) {
        auto it = days_.find(day);
        if (it == days_.end()) {
            it = days_.emplace(day, plan_->for_date(detail::from_day_number(day))).first;
        }
        return it->second;
    }

    const capacity_plan* plan_;
    std::map<std::int64_t, day_capacity> days_;
    std::map<key, std::int64_t> used_slot_, used_day_, used_parties_, used_week_, used_national_;
    std::map<std::uint64_t, booking> bookings_;
    std::uint64_t last_id_ = 0;
};

CBPQ_END_NAMESPACE

#endif
