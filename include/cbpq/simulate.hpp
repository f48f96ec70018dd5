// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_SIMULATE_HPP
#define CBPQ_SIMULATE_HPP

/// \file
/// A day-stepped simulator for measuring allocation policies (docs/simulate.md). Each day, per
/// port: the pool's entrants are drawn by a selection policy, winners leave with their wait
/// recorded, newcomers arrive. Every random choice comes from random.hpp's keyed functions under
/// a per-run seed, so a run is a pure function of (scenario, policy, seed) and reproduces
/// byte for byte on every platform. The `steady` scenario (pool held at N, S slots a day) is the
/// one queueing theory describes exactly, and the tests use that theory as their oracle.
///
/// Every built-in policy runs the production draw (draw.hpp: cbpq::draw, cbpq::draw_seniority
/// and cbpq::draw_aging), the code a host runs, over each day's pool, with the simulator's day
/// as the draw day and each entrant's arrival day as its registration day. Names live in
/// cbpq::sim; any policy plugs in through the selection_policy concept.

#include "detail/bytes.hpp"
#include "detail/sha256.hpp"
#include "detail/stats.hpp"
#include "draw.hpp"
#include "error.hpp"
#include "fairness.hpp"
#include "random.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

CBPQ_BEGIN_NAMESPACE

namespace sim {

// ---------------------------------------------------------------------------------------------
// Random variates beyond random.hpp

/// A Poisson(lambda) variate from a keyed stream: for lambda < 10, Knuth's product method
/// (multiply uniforms until the product falls to e^-lambda; Knuth, TAOCP vol. 2, 3.4.1), for
/// lambda >= 10 the transformed rejection method PTRS (W. Hoermann, "The transformed rejection
/// method for generating Poisson random variables", Insurance: Mathematics and Economics 12,
/// 1993), which is exact and needs about 1.1 pairs of uniforms whatever lambda is. Uses only
/// keyed_stream::uniform and cbpq's own log and exp, so it reproduces on every platform.
/// Exact up to the rounding of the acceptance test's log-probability, whose terms are about
/// lambda ln lambda: an error of a few units of lambda ln lambda x 2^-53, about 1e-5 at the
/// largest lambda accepted (at 1e15 it reached 4, and the variance of the variates was 4% too
/// large). Throws invalid_input unless 0 <= lambda <= 1e9.
[[nodiscard]] inline std::uint64_t poisson_variate(double lambda, keyed_stream& stream) {
    if (!(lambda >= 0.0) || lambda > 1e9) {
        detail::throw_invalid_input("poisson", "lambda",
                                    "must be a finite number between 0 and 1e9");
    }
    if (lambda == 0.0) {
        return 0;
    }
    if (lambda < 10.0) {
        const double limit = detail::det_exp(-lambda);
        std::uint64_t k = 0;
        double product = stream.uniform();
        while (product > limit) {
            ++k;
            product *= stream.uniform();
        }
        return k;
    }
    const double slam = std::sqrt(lambda);
    const double loglam = detail::det_log(lambda);
    const double b = 0.931 + 2.53 * slam;
    const double a = -0.059 + 0.02483 * b;
    const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    const double vr = 0.9277 - 3.6224 / (b - 2.0);
    const double log_inv_alpha = detail::det_log(inv_alpha);
    for (;;) {
        const double u = stream.uniform() - 0.5;
        const double v = stream.uniform();
        const double us = 0.5 - std::fabs(u);
        const double kd = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
        if (us >= 0.07 && v <= vr) {
            return static_cast<std::uint64_t>(kd);
        }
        if (kd < 0.0 || (us < 0.013 && v > us)) {
            continue;
        }
        const auto k = static_cast<std::uint64_t>(kd);
        if (detail::det_log(v) + log_inv_alpha - detail::det_log(a / (us * us) + b) <=
            -lambda + kd * loglam - detail::log_factorial(k)) {
            return k;
        }
    }
}

/// Index of a category drawn with probability weights[i] / sum(weights), by one exact bounded
/// draw on the integer total. weights must not be empty and must sum to a positive value that
/// fits in 64 bits. O(categories).
[[nodiscard]] inline std::size_t categorical_variate(std::span<const std::uint32_t> weights,
                                                     keyed_stream& stream) {
    std::uint64_t total = 0;
    for (const auto w : weights) {
        total += w;
    }
    if (total == 0) {
        detail::throw_invalid_input("categorical", "weights", "weights must sum to more than 0");
    }
    std::uint64_t r = stream.below(total);
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (r < weights[i]) {
            return i;
        }
        r -= weights[i];
    }
    return weights.size() - 1; // unreachable
}

// ---------------------------------------------------------------------------------------------
// Entrants, the day's context and the selection policies

/// One registration in a simulated pool. Pools are kept sorted by (entry_day, id), and ids grow
/// with entry, so "longest waiting" is "first in the pool".
struct entrant {
    std::uint64_t id = 0;
    /// Day the registration arrived (after that day's draw); its first draw is entry_day + 1.
    /// Negative for the initial pool.
    std::int32_t entry_day = 0;
    /// Party-size category: party of (party + 1) persons.
    std::uint8_t party = 0;
};

/// What a policy knows about one draw: the day number (1-based) and the day's draw key.
struct day_context {
    std::int32_t day = 1;
    draw_key key;

    /// Draws this entrant lost before today (0 on its first draw).
    [[nodiscard]] constexpr std::int32_t lost_draws(const entrant& e) const noexcept {
        return day - e.entry_day - 1;
    }
};

/// Scratch space a policy may reuse from day to day so that it allocates only while the pool
/// grows. The built-in policies run the production draw, which keeps its own buffers per call,
/// and leave it alone; it stays in the concept for policies written outside the library.
struct workspace {
    std::vector<std::pair<double, std::uint32_t>> weighted;
};

/// A selection policy: `p.select(ctx, pool, slots, winners, ws)` appends to `winners` (empty on
/// entry) exactly min(slots, pool.size()) distinct indices into `pool`, as a pure function of
/// (ctx, pool, slots): the same arguments give the same set on every platform, and the result
/// must not depend on `ws` (scratch space) or on the order indices are appended in. `pool` is
/// sorted by (entry_day, id). `p.name()` is the policy's canonical text (what parse reads).
template <class P>
concept selection_policy = std::copy_constructible<P> &&
    requires(const P& p, const day_context& ctx, std::span<const entrant> pool, std::size_t slots,
             std::vector<std::uint32_t>& winners, workspace& ws) {
    { p.name() } -> std::convertible_to<std::string>;
    p.select(ctx, pool, slots, winners, ws);
};

} // namespace sim

namespace detail {

// The production draw over one day's pool: every entrant a party of one, so `slots` persons
// are `slots` winners, the simulator's day the draw day and the entry day the registration
// day. `options.policy` picks the call: uniform runs cbpq::draw (the keyed lottery),
// seniority cbpq::draw_seniority (round(share x slots) to the longest waiting, ties by keyed
// place, the rest by keyed place), aging cbpq::draw_aging (smallest E / w, w from
// options.aging of the days since arrival). Winners come back as ids and are found by binary
// search: a pool's ids ascend (see sim::entrant).
inline void production_select(const sim::day_context& ctx, std::span<const sim::entrant> pool,
                              std::size_t slots, draw_options options,
                              std::vector<std::uint32_t>& winners) {
    slots = std::min(slots, pool.size());
    if (slots == 0) {
        return;
    }
    day_capacity capacity;
    capacity.ports.push_back(
        port_capacity{"pool", static_cast<std::int64_t>(slots), std::nullopt, {}});
    options.max_party = 1;
    options.check_duplicate_ids = false; // ids are unique by construction
    auto id = [](const sim::entrant& e) { return e.id; };
    auto port = [](const sim::entrant&) { return std::size_t{0}; };
    auto party = [](const sim::entrant&) { return std::int64_t{1}; };
    auto registered = [](const sim::entrant& e) { return static_cast<std::int64_t>(e.entry_day); };
    auto take = [&](const auto& result) {
        for (const auto& s : result.ports[0].selected) {
            const auto it =
                std::lower_bound(pool.begin(), pool.end(), s.id,
                                 [](const sim::entrant& e, std::uint64_t v) { return e.id < v; });
            if (it == pool.end() || it->id != s.id) {
                throw error("simulate: the pool's ids do not ascend");
            }
            winners.push_back(static_cast<std::uint32_t>(it - pool.begin()));
        }
    };
    switch (options.policy) {
    case draw_policy::seniority:
        take(draw_seniority(pool, capacity, ctx.key, options, id, port, party, registered));
        break;
    case draw_policy::aging:
        options.draw_day = ctx.day;
        take(draw_aging(pool, capacity, ctx.key, options, id, port, party, registered));
        break;
    default:
        take(draw(pool, capacity, ctx.key, options, id, port, party));
        break;
    }
}

inline draw_options seniority_options(double share) {
    draw_options o;
    o.policy = draw_policy::seniority;
    o.seniority_share = share;
    return o;
}

inline std::string format_number(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

inline bool parse_number(std::string_view text, double& out) {
    if (text.empty() || text.front() == '+' || text.front() == '-') {
        return false;
    }
    const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
    return r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(out);
}

template <class Int>
inline bool parse_integer(std::string_view text, Int& out) {
    if (text.empty() || text.front() == '+') {
        return false;
    }
    const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
    return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

} // namespace detail

namespace sim {

/// Pure daily lottery: the `slots` entrants with the smallest keyed places win, whatever their
/// wait. Each entrant's chance is slots / pool every day. Runs cbpq::draw (draw.hpp) under the
/// day's key, every entrant a party of one. O(n) keyed places plus the draw's bounded buckets.
struct uniform_policy {
    [[nodiscard]] std::string name() const { return "uniform"; }
    void select(const day_context& ctx, std::span<const entrant> pool, std::size_t slots,
                std::vector<std::uint32_t>& winners, workspace&) const {
        detail::production_select(ctx, pool, slots, draw_options{}, winners);
    }
};

/// First in, first out: the longest waiting win; within the boundary entry day, the smallest
/// keyed places. Runs cbpq::draw_seniority with share 1. O(n) keyed places.
struct fifo_policy {
    [[nodiscard]] std::string name() const { return "fifo"; }
    void select(const day_context& ctx, std::span<const entrant> pool, std::size_t slots,
                std::vector<std::uint32_t>& winners, workspace&) const {
        detail::production_select(ctx, pool, slots, detail::seniority_options(1.0), winners);
    }
};

/// A seniority share: round(share x slots) slots (cbpq::seniority_persons: halves away from
/// zero) to the longest waiting, ties by keyed place, the rest by a uniform lottery among
/// everyone else. share in [0, 1]; 0 is the uniform lottery and 1 is FIFO. This is CBP One's
/// rule from May 2023 (docs/fairness.md). Runs cbpq::draw_seniority (draw.hpp) with the entry
/// day as the registration day. O(n) keyed places.
struct seniority_policy {
    double share = 0.5;

    /// Slots of a day of `slots` that go by seniority: cbpq::seniority_persons. O(1).
    [[nodiscard]] std::size_t senior_slots(std::size_t slots) const noexcept {
        return static_cast<std::size_t>(seniority_persons(
            port_capacity{"", static_cast<std::int64_t>(slots), std::nullopt, {}}, share));
    }
    [[nodiscard]] std::string name() const { return "seniority:" + detail::format_number(share); }
    void select(const day_context& ctx, std::span<const entrant> pool, std::size_t slots,
                std::vector<std::uint32_t>& winners, workspace&) const {
        detail::production_select(ctx, pool, slots, detail::seniority_options(share), winners);
    }
};

/// A weighted lottery whose weights grow with the days since arrival: the production aging
/// draw (cbpq::draw_aging, draw.hpp) with `rule` (cbpq::aging_rule: `linear/P[/CAP]` gives
/// w = 1 + d / P, `double/P[/CAP]` gives w = 2^min(floor(d / P), 100), capped at CAP), where
/// d = day - entry_day >= 1 is the days since arrival on the day of the draw. Winners are the
/// smallest Efraimidis-Spirakis values E / w: drawing without replacement proportionally to
/// weight (docs/policies.md). O(n) keys, O(slots) logarithms, O(slots log slots) per draw.
struct aging_policy {
    aging_rule rule;

    /// The weight on a draw `days` days after arrival: rule.weight(days). O(1); noexcept.
    [[nodiscard]] double weight(std::int64_t days) const noexcept { return rule.weight(days); }
    [[nodiscard]] std::string name() const { return "aging:" + to_string(rule); }
    void select(const day_context& ctx, std::span<const entrant> pool, std::size_t slots,
                std::vector<std::uint32_t>& winners, workspace&) const {
        draw_options o;
        o.policy = draw_policy::aging;
        o.aging = rule;
        detail::production_select(ctx, pool, slots, o, winners);
    }
};

/// Any of the built-in policies as one value type, read from its text form:
/// `uniform`, `fifo`, `seniority:S` (0 <= S <= 1), `aging:linear/P[/CAP]`,
/// `aging:double/P[/CAP]` (cbpq::parse_aging_rule: P whole days 1..100000, 1 <= CAP <= 2^100).
/// Models selection_policy.
class policy {
public:
    using variant_type = std::variant<uniform_policy, fifo_policy, seniority_policy, aging_policy>;

    policy() = default;
    template <class P>
    requires std::constructible_from<variant_type, P> policy(P p)
        : v_(std::move(p)) {} // NOLINT: implicit by design, like a variant

    /// Parses one policy. Throws invalid_input naming the text and the field `policies`.
    [[nodiscard]] static policy parse(std::string_view spec) {
        const std::string record = "policy '" + std::string(spec) + "'";
        auto fail = [&](const std::string& why) -> policy {
            detail::throw_invalid_input(record, "policies", why);
        };
        if (spec == "uniform") {
            return uniform_policy{};
        }
        if (spec == "fifo") {
            return fifo_policy{};
        }
        if (spec.rfind("seniority:", 0) == 0) {
            double s = 0.0;
            if (!detail::parse_number(spec.substr(10), s) || s < 0.0 || s > 1.0) {
                return fail("the seniority share must be a number from 0 to 1");
            }
            return seniority_policy{s};
        }
        if (spec.rfind("aging:", 0) == 0) {
            try {
                return aging_policy{parse_aging_rule(spec)};
            } catch (const invalid_input&) {
                return fail("aging takes linear/PERIOD[/CAP] or double/PERIOD[/CAP]: PERIOD whole "
                            "days from 1 to 100000, CAP a number from 1 to 2^100");
            }
        }
        return fail("unknown policy (expected uniform, fifo, seniority:S or aging:SPEC)");
    }

    /// Canonical text (parse(name()) gives an equal policy).
    [[nodiscard]] std::string name() const {
        return std::visit([](const auto& p) { return p.name(); }, v_);
    }
    /// Forwards to the policy held; see selection_policy.
    void select(const day_context& ctx, std::span<const entrant> pool, std::size_t slots,
                std::vector<std::uint32_t>& winners, workspace& ws) const {
        std::visit([&](const auto& p) { p.select(ctx, pool, slots, winners, ws); }, v_);
    }
    /// The built-in policy held (for std::get and std::visit).
    [[nodiscard]] const variant_type& get() const noexcept { return v_; }

private:
    variant_type v_;
};

/// Parses a comma-separated list of policies (`uniform,fifo,seniority:0.3`). Throws
/// invalid_input on an empty list, an empty item, a bad item or a repeated policy.
[[nodiscard]] inline std::vector<policy> parse_policies(std::string_view list) {
    std::vector<policy> out;
    std::vector<std::string> names;
    std::size_t pos = 0;
    while (true) {
        const auto comma = list.find(',', pos);
        const std::string_view item = list.substr(pos, comma - pos);
        if (item.empty()) {
            detail::throw_invalid_input("policy list '" + std::string(list) + "'", "policies",
                                        "empty policy name");
        }
        out.push_back(policy::parse(item));
        const std::string name = out.back().name();
        if (std::find(names.begin(), names.end(), name) != names.end()) {
            detail::throw_invalid_input("policy '" + std::string(item) + "'", "policies",
                                        "policy given twice");
        }
        names.push_back(name);
        if (comma == std::string_view::npos) {
            break;
        }
        pos = comma + 1;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/// One port of a steady scenario: its own pool, held at `pool` registrations, and `slots`
/// winners a day.
struct port_spec {
    std::string name;
    std::int64_t pool = 0;
    std::int64_t slots = 0;

    friend bool operator==(const port_spec&, const port_spec&) = default;
};

/// The steady scenario: every port's pool is held at N (each day S win and leave, S newcomers
/// arrive), starting from the state a pure daily lottery would leave it in; days 1..burn_in are
/// run but not measured. Newcomers' party sizes are drawn from `party_weights` (weight of
/// parties of 1, 2, ... persons). Value type; see docs/simulate.md for the text form.
struct steady_scenario {
    std::vector<port_spec> ports;
    std::int32_t days = 365;
    /// Days excluded from measurement; negative means the default rule (default_burn_in).
    std::int32_t burn_in = -1;
    /// Default 40:25:20:10:5 for parties of 1..5: an assumption for exercising the chi-square
    /// by party size, not a published figure.
    std::vector<std::uint32_t> party_weights{40, 25, 20, 10, 5};

    /// min(ceil(3 x largest N/S), floor(days / 2)): three mean waits let every policy forget the
    /// initial pool (docs/simulate.md), and at least half the run is always measured. O(ports).
    [[nodiscard]] std::int32_t default_burn_in() const noexcept {
        double w = 0.0;
        for (const auto& p : ports) {
            if (p.slots > 0) {
                w = std::max(w, static_cast<double>(p.pool) / static_cast<double>(p.slots));
            }
        }
        const auto three = static_cast<std::int64_t>(std::ceil(3.0 * w));
        return static_cast<std::int32_t>(std::min<std::int64_t>(three, days / 2));
    }
    /// The burn-in in force. O(ports).
    [[nodiscard]] std::int32_t effective_burn_in() const noexcept {
        return burn_in >= 0 ? burn_in : default_burn_in();
    }

    /// Throws invalid_input naming the scenario field unless: 1 to 64 ports with distinct
    /// non-empty names of [a-z0-9_-], 1 <= slots <= pool <= 100,000,000, pool / slots <= 50,000
    /// (integer division); 1 <= days <= 100,000;
    /// burn_in < days; 1 to 32 party weights each <= 1,000,000 with a positive total.
    void validate() const {
        if (ports.empty() || ports.size() > 64) {
            detail::throw_invalid_input("scenario", "port", "give between 1 and 64 ports");
        }
        for (std::size_t i = 0; i < ports.size(); ++i) {
            const auto& p = ports[i];
            const std::string rec = "port '" + p.name + "'";
            if (p.name.empty() || p.name.size() > 64) {
                detail::throw_invalid_input(rec, "name", "must hold 1 to 64 characters");
            }
            for (const char c : p.name) {
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                    detail::throw_invalid_input(rec, "name", "may hold only a-z, 0-9, '-' and '_'");
                }
            }
            for (std::size_t j = 0; j < i; ++j) {
                if (ports[j].name == p.name) {
                    detail::throw_invalid_input(rec, "name", "port named twice");
                }
            }
            if (p.slots < 1 || p.slots > 100000000) {
                detail::throw_invalid_input(rec, "slots", "must be from 1 to 100000000");
            }
            if (p.pool < p.slots || p.pool > 100000000) {
                detail::throw_invalid_input(rec, "pool",
                                            "must be at least the slots and at most 100000000");
            }
            if (p.pool / p.slots > 50000) {
                // The initial pool's lost draws are geometric with mean pool/slots - 1 and are
                // kept below 10^6 (the waits' histogram is O(largest wait)); at 50,000 at most
                // 2e-9 of them reach the bound, beyond it the bound would change the law.
                detail::throw_invalid_input(rec, "pool",
                                            "pool / slots must be at most 50000 (a mean wait "
                                            "of 50,000 draws)");
            }
        }
        if (days < 1 || days > 100000) {
            detail::throw_invalid_input("scenario", "days", "must be from 1 to 100000");
        }
        if (burn_in >= days) {
            detail::throw_invalid_input("scenario", "burn-in",
                                        "must be fewer than the days simulated");
        }
        if (party_weights.empty() || party_weights.size() > 32) {
            detail::throw_invalid_input("scenario", "party-weights", "give 1 to 32 weights");
        }
        std::uint64_t total = 0;
        for (const auto w : party_weights) {
            if (w > 1000000) {
                detail::throw_invalid_input("scenario", "party-weights",
                                            "each weight must be at most 1000000");
            }
            total += w;
        }
        if (total == 0) {
            detail::throw_invalid_input("scenario", "party-weights",
                                        "weights must sum to more than 0");
        }
    }

    friend bool operator==(const steady_scenario&, const steady_scenario&) = default;
};

/// The `steady` preset: one port named "all" with pool N and S slots a day, for `days` days.
/// Validates; throws invalid_input.
[[nodiscard]] inline steady_scenario steady_preset(std::int64_t pool, std::int64_t slots,
                                                   std::int32_t days = 365) {
    steady_scenario s;
    s.ports.push_back({"all", pool, slots});
    s.days = days;
    s.validate();
    return s;
}

/// Reads a scenario text file (docs/simulate.md): one directive a line, '#' starts a comment.
///   scenario steady
///   days D
///   burn-in B
///   party-weights W1 W2 ...
///   port NAME pool N slots S        (one line per port)
/// `scenario` must come first. Throws parse_error naming `source`, the line, the column and the
/// directive; the result is validated. O(text).
[[nodiscard]] inline steady_scenario parse_scenario(std::string_view text,
                                                    std::string_view source = "scenario") {
    steady_scenario s;
    s.ports.clear();
    const std::string src(source);
    bool have_kind = false;
    bool have_days = false;
    bool have_burn = false;
    bool have_party = false;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (const auto hash = line.find('#'); hash != std::string_view::npos) {
            line = line.substr(0, hash);
        }
        struct word {
            std::string_view text;
            std::size_t column;
        };
        std::vector<word> words;
        for (std::size_t i = 0; i < line.size();) {
            if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
                ++i;
                continue;
            }
            std::size_t j = i;
            while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') {
                ++j;
            }
            words.push_back({line.substr(i, j - i), i + 1});
            i = j;
        }
        if (words.empty()) {
            continue;
        }
        const std::string directive(words[0].text);
        auto fail = [&](std::size_t w, const std::string& why) {
            detail::throw_parse_error(src, line_no, w < words.size() ? words[w].column : 1,
                                      directive, why);
        };
        auto count = [&](std::size_t n) {
            if (words.size() < n) { // point just past the last word
                detail::throw_parse_error(
                    src, line_no, words.back().column + words.back().text.size(), directive,
                    "expected " + std::to_string(n - 1) + " value(s) after '" + directive + "'");
            }
            if (words.size() > n) {
                fail(n,
                     "expected " + std::to_string(n - 1) + " value(s) after '" + directive + "'");
            }
        };
        auto integer = [&](std::size_t w, std::int64_t lo, std::int64_t hi) {
            std::int64_t v = 0;
            if (!detail::parse_integer(words[w].text, v) || v < lo || v > hi) {
                fail(w, "'" + std::string(words[w].text) + "' is not a whole number from " +
                            std::to_string(lo) + " to " + std::to_string(hi));
            }
            return v;
        };
        if (!have_kind) {
            if (directive != "scenario") {
                fail(0, "the file must start with 'scenario steady'");
            }
            count(2);
            if (words[1].text != "steady") {
                fail(1, "unknown scenario kind '" + std::string(words[1].text) +
                            "' (this version reads 'steady')");
            }
            have_kind = true;
            continue;
        }
        auto once = [&](bool& seen) {
            if (seen) {
                fail(0, "'" + directive + "' given twice");
            }
            seen = true;
        };
        if (directive == "days") {
            once(have_days);
            count(2);
            s.days = static_cast<std::int32_t>(integer(1, 1, 100000));
        } else if (directive == "burn-in") {
            once(have_burn);
            count(2);
            s.burn_in = static_cast<std::int32_t>(integer(1, 0, 99999));
        } else if (directive == "party-weights") {
            once(have_party);
            if (words.size() < 2 || words.size() > 33) {
                fail(0, "give 1 to 32 weights");
            }
            s.party_weights.clear();
            for (std::size_t w = 1; w < words.size(); ++w) {
                s.party_weights.push_back(static_cast<std::uint32_t>(integer(w, 0, 1000000)));
            }
        } else if (directive == "port") {
            count(6);
            if (words[2].text != "pool") {
                fail(2, "expected 'pool'");
            }
            if (words[4].text != "slots") {
                fail(4, "expected 'slots'");
            }
            port_spec p{std::string(words[1].text), integer(3, 1, 100000000),
                        integer(5, 1, 100000000)};
            s.ports.push_back(std::move(p));
        } else if (directive == "scenario") {
            fail(0, "'scenario' given twice");
        } else {
            fail(0, "unknown directive '" + directive + "'");
        }
    }
    if (!have_kind) {
        detail::throw_parse_error(src, 1, 1, "scenario",
                                  "no 'scenario steady' line (an empty scenario)");
    }
    if (s.ports.empty()) {
        detail::throw_parse_error(src, 0, 0, "port", "the scenario has no 'port' line");
    }
    s.validate();
    return s;
}

// ---------------------------------------------------------------------------------------------
// Running

/// The seed of run `index` under a base seed:
/// SHA-256("cbpq-v0 simulate run" || base || index as 8 bytes big-endian). Every policy of one
/// index gets the same run seed, so they face the same initial pool and newcomers (common
/// random numbers). O(1); noexcept.
[[nodiscard]] inline seed run_seed(const seed& base, std::uint64_t index) noexcept {
    detail::sha256 h;
    h.update("cbpq-v0 simulate run");
    h.update(base.bytes().data(), base.bytes().size());
    unsigned char be[8];
    detail::store_be64(be, index);
    h.update(be, 8);
    return seed(h.finish());
}

/// Number of cohort categories: lost draws a against the port's mean wait W = N / S, in
/// [0, W/2), [W/2, W), [W, 2W), [2W, 3W), [3W, inf).
inline constexpr std::size_t cohort_categories = 5;

/// The cohort category of an entrant with `lost` lost draws at a port (see cohort_categories).
/// O(1); noexcept.
[[nodiscard]] constexpr std::size_t cohort_of(std::int32_t lost, const port_spec& p) noexcept {
    const auto a = static_cast<std::int64_t>(lost) * p.slots;
    if (2 * a < p.pool) {
        return 0;
    }
    if (a < p.pool) {
        return 1;
    }
    if (a < 2 * p.pool) {
        return 2;
    }
    if (a < 3 * p.pool) {
        return 3;
    }
    return 4;
}

/// What one port gave in the measured window (days burn_in + 1 .. days).
struct port_outcome {
    std::string port;
    /// Waits of the winners of measured days, in days from entry to selection (>= 1).
    wait_histogram waits;
    /// Slots offered and used on measured days (steady scenarios carry nothing over).
    capacity_usage capacity;
    /// Winners by party size against the pool's composition on each draw.
    category_tally party;
    /// Winners by cohort (lost draws, see cohort_categories) against the pool's composition.
    category_tally cohort;

    /// Adds another outcome (same port, another seed). Strong guarantee (merged into a copy,
    /// which then replaces this one).
    void merge(const port_outcome& o) {
        port_outcome next(*this);
        next.waits.merge(o.waits);
        next.capacity += o.capacity;
        next.party.merge(o.party);
        next.cohort.merge(o.cohort);
        *this = std::move(next);
    }
};

/// One run: (scenario, policy, seed) and what each port gave.
struct run_outcome {
    std::string policy;
    std::uint64_t seed_index = 0;
    seed run_seed;
    std::int32_t days = 0;
    std::int32_t burn_in = 0;
    std::vector<port_outcome> ports;

    /// Every port merged, named "overall". O(ports x largest wait).
    [[nodiscard]] port_outcome overall() const {
        port_outcome all;
        all.port = "overall";
        for (const auto& p : ports) {
            all.merge(p);
        }
        return all;
    }
};

/// Runs the steady scenario under one policy and one run seed. Per port and day d = 1..days:
/// the policy draws min(S, pool) winners under draw_key(run_seed, "steady/<port>/day-<d>");
/// each winner's wait is d - entry_day; newcomers (as many as won) arrive with entry_day = d
/// and party sizes from draw_key(run_seed, "steady/<port>/arrivals").stream(d). The initial
/// pool's lost draws are geometric with P(L >= k) = (1 - S/N)^k (the pure lottery's steady
/// state), from draw_key(run_seed, "steady/<port>/initial").stream(0). Validates the scenario
/// (invalid_input); throws cbpq::error if the policy breaks its contract.
/// O(days x (pool + policy cost)) time, O(pool + days) memory per port.
template <selection_policy Policy>
[[nodiscard]] run_outcome run_steady(const steady_scenario& scenario, const Policy& pol,
                                     const seed& run, std::uint64_t seed_index = 0) {
    scenario.validate();
    run_outcome out;
    out.policy = pol.name();
    out.seed_index = seed_index;
    out.run_seed = run;
    out.days = scenario.days;
    out.burn_in = scenario.effective_burn_in();
    const std::span<const std::uint32_t> weights(scenario.party_weights);
    const std::size_t parties = weights.size();

    std::vector<entrant> pool;
    std::vector<entrant> next;
    std::vector<std::uint32_t> winners;
    std::vector<std::uint8_t> won;
    std::vector<double> party_count(parties);
    std::vector<double> cohort_count(cohort_categories);
    workspace ws;

    for (const auto& spec : scenario.ports) {
        port_outcome po;
        po.port = spec.name;
        po.party = category_tally(parties);
        po.cohort = category_tally(cohort_categories);
        const auto n = static_cast<std::size_t>(spec.pool);
        const auto slots = static_cast<std::size_t>(spec.slots);
        const std::string prefix = "steady/" + spec.name + "/";

        // Initial pool in the pure lottery's steady state.
        pool.clear();
        {
            keyed_stream init = draw_key(run, prefix + "initial").stream(0);
            const double p = static_cast<double>(spec.slots) / static_cast<double>(spec.pool);
            const double log_q = p < 1.0 ? detail::det_log(1.0 - p) : 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                std::int32_t lost = 0;
                const double u = init.uniform();
                if (p < 1.0) {
                    const double l = std::floor(detail::det_log(u) / log_q);
                    lost = static_cast<std::int32_t>(std::min(l, 1e6));
                }
                const auto party = static_cast<std::uint8_t>(categorical_variate(weights, init));
                pool.push_back({0, -lost, party});
            }
            std::stable_sort(pool.begin(), pool.end(), [](const entrant& a, const entrant& b) {
                return a.entry_day < b.entry_day;
            });
            std::fill(party_count.begin(), party_count.end(), 0.0);
            for (std::size_t i = 0; i < n; ++i) {
                pool[i].id = i + 1;
                party_count[pool[i].party] += 1.0;
            }
        }
        // Smallest lost draws of cohort categories 1..4 (see cohort_of).
        const std::int64_t cohort_min_lost[cohort_categories] = {
            0, (spec.pool + 2 * spec.slots - 1) / (2 * spec.slots),
            (spec.pool + spec.slots - 1) / spec.slots,
            (2 * spec.pool + spec.slots - 1) / spec.slots,
            (3 * spec.pool + spec.slots - 1) / spec.slots};
        std::uint64_t next_id = n + 1;
        const draw_key arrivals(run, prefix + "arrivals");

        for (std::int32_t d = 1; d <= scenario.days; ++d) {
            const bool measured = d > out.burn_in;
            const day_context ctx{d, draw_key(run, prefix + "day-" + std::to_string(d))};
            const std::size_t take = std::min(slots, pool.size());
            if (measured) {
                // The pool is sorted by entry day, so the entrants with at least m lost draws
                // are a prefix; category c is the prefix of its minimum less that of c + 1.
                std::size_t older = 0; // prefix length for category c + 1
                for (std::size_t c = cohort_categories; c-- > 0;) {
                    const std::int64_t min_lost = cohort_min_lost[c];
                    const auto oldest = static_cast<std::size_t>(
                        std::partition_point(
                            pool.begin(), pool.end(),
                            [&](const entrant& e) { return d - 1 - e.entry_day >= min_lost; }) -
                        pool.begin());
                    cohort_count[c] = static_cast<double>(oldest - older);
                    older = oldest;
                }
                const double scale = static_cast<double>(take) / static_cast<double>(pool.size());
                for (std::size_t c = 0; c < parties; ++c) {
                    po.party.add_expected(c, party_count[c] * scale);
                }
                for (std::size_t c = 0; c < cohort_categories; ++c) {
                    po.cohort.add_expected(c, cohort_count[c] * scale);
                }
            }
            winners.clear();
            pol.select(ctx, std::span<const entrant>(pool), take, winners, ws);
            won.assign(pool.size(), 0);
            if (winners.size() != take) {
                throw error("policy " + pol.name() + " returned " + std::to_string(winners.size()) +
                            " winners for " + std::to_string(take) + " slots on day " +
                            std::to_string(d));
            }
            for (const auto w : winners) {
                if (w >= pool.size() || won[w] != 0) {
                    throw error("policy " + pol.name() +
                                " returned an invalid or repeated winner on day " +
                                std::to_string(d));
                }
                won[w] = 1;
                party_count[pool[w].party] -= 1.0;
                if (measured) {
                    const entrant& e = pool[w];
                    po.waits.add(static_cast<std::uint32_t>(d - e.entry_day));
                    po.party.add_observed(e.party);
                    po.cohort.add_observed(cohort_of(ctx.lost_draws(e), spec));
                }
            }
            if (measured) {
                po.capacity.offered += spec.slots;
                po.capacity.used += static_cast<std::int64_t>(take);
            }
            next.clear();
            for (std::size_t i = 0; i < pool.size(); ++i) {
                if (won[i] == 0) {
                    next.push_back(pool[i]);
                }
            }
            keyed_stream arrive = arrivals.stream(static_cast<std::uint64_t>(d));
            for (std::size_t i = 0; i < take; ++i) {
                const auto party = categorical_variate(weights, arrive);
                party_count[party] += 1.0;
                next.push_back({next_id++, d, static_cast<std::uint8_t>(party)});
            }
            pool.swap(next);
        }
        out.ports.push_back(std::move(po));
    }
    return out;
}

} // namespace sim

CBPQ_END_NAMESPACE

#endif
