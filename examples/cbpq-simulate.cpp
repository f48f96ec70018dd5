// SPDX-License-Identifier: BSL-1.0
// cbpq-simulate: the CBP One 2023 replay (docs/cbp-one-2023.md). Replays 18 January 2023 to
// 31 January 2024 at CBP One's scale and compares the cumulative appointments with CBP's
// published totals; prints progress, the comparison, waits per port and duplicate accounts;
// writes CSV and SVG to --out DIR. Every assumption that no source gives is printed with its
// value and reasoning, and written to DIR/assumptions.csv.
//
//   cbpq-simulate --scenario cbp-one-2023 [--seed S] [--out DIR] [--policy P] [--until DATE]
//                 [--plan FILE] [--identity-share Q]

#include "tool.hpp"

#include <cbpq/capacity.hpp>
#include <cbpq/detail/svg.hpp>
#include <cbpq/fairness.hpp>
#include <cbpq/replay.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <string>
#include <vector>

namespace {

// The usage text names the default identity share; this fails to compile if it goes stale.
static_assert(cbpq::sim::default_identity_share == 0.1, "update the usage text's default");
constexpr std::string_view usage =
    "usage: cbpq-simulate --scenario cbp-one-2023 [--seed S] [--out DIR] [--policy P]\n"
    "                     [--until YYYY-MM-DD] [--plan FILE] [--identity-share Q]\n"
    "  S: 1-64 characters of 0-9 A-Z a-z _ - (64 hex digits are used as the seed itself)\n"
    "  P: the rule from 10 May 2023: seniority:S (default seniority:0.5), uniform, fifo,\n"
    "     aging:linear/P[/CAP], aging:double/P[/CAP]\n"
    "  Q: share of registrants whose accounts get identity records and meet the duplicate\n"
    "     rules, in [0.05, 1] (at least the duplicate rate; default 0.1; 1 checks every\n"
    "     account, 2 to 3 times slower)\n";

// A copy of examples/plans/cbp-one-2023.plan (the CLI test checks that --plan with that file
// gives byte-identical output), so that the tool runs from any folder.
constexpr std::string_view default_plan = R"(cbpq-capacity-plan 1
port nogales      weight=100
port brownsville  weight=380
port eagle-pass   weight=100
port hidalgo      weight=125
port laredo       weight=150
port el-paso      weight=125
port calexico     weight=75
port san-ysidro   weight=395
method hamilton
national persons=1000 from=2023-05-12 until=2023-05-31
national persons=1250 from=2023-06-01 until=2023-06-29
national persons=1450 from=2023-06-30
set-aside seniority share=50% unused=lottery
remainder lottery
)";

constexpr std::int64_t pre_plan_persons = 1000;

struct milestone {
    const char* label;
    cbpq::civil_date date;
    std::int64_t published;
    const char* published_text;
};

std::string thousands(std::int64_t v) {
    // Built forwards, character by character: GCC 12 warns falsely (-Wrestrict, bug 105651)
    // on string inserts here.
    const std::string digits = std::to_string(v < 0 ? -v : v);
    std::string out;
    if (v < 0) {
        out.push_back('-');
    }
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0) {
            out.push_back(',');
        }
        out.push_back(digits[i]);
    }
    return out;
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// ",a,b,c": counts as CSV fields, each after a comma.
std::string csv_counts(std::initializer_list<std::int64_t> counts) {
    std::string out;
    for (const std::int64_t c : counts) {
        out += ',';
        out += std::to_string(c);
    }
    return out;
}

std::string csv_text(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

std::vector<cbpq::sim::replay_assumption> assumptions(const cbpq::sim::replay_config& c) {
    using A = cbpq::sim::replay_assumption;
    const auto f = [](double v) { return cbpq::detail::format_number(v); };
    return {
        A{"capacity_before_plan", std::to_string(pre_plan_persons) + " persons/day to 2023-05-11",
          "no daily figure was published for January-May 2023; 1,000/day over the 114 days "
          "makes the plan's later capacity consistent with 'over 170,000 by end of June'"},
        A{"port_weights", "plan weights (nogales 100, brownsville 380, ... san-ysidro 395)",
          "no official split; three ports from press reports, five assumed (see the plan file); "
          "demand per port follows the same weights"},
        A{"race_before_allocation", "uniform draw among the day's requesters",
          "first come first served at a fixed release time is a race among those online; who "
          "clicks first is modelled as random, not by registration date"},
        A{"initial_registrations", std::to_string(c.initial_persons),
          "registrants waiting on 18 January, spread over the week before"},
        A{"arrivals_per_day", f(c.arrivals_per_day),
          "new registrants a day (Poisson); with abandonment this holds requests near the "
          "reported 80,000 a day"},
        A{"abandon_per_day", f(c.abandon_per_day),
          "chance a day that an account stops requesting for good (mean patience 100 days)"},
        A{"connectivity",
          "poor share " + f(c.poor_share) + ", request chance good " + f(c.request_good) +
              " poor " + f(c.request_poor),
          "the chance a registrant requests on a given day; no published figure"},
        A{"party_weights", "40:25:20:10:5 for 1..5 persons",
          "families register together; no published distribution"},
        A{"duplicate_rate", f(c.duplicate_rate),
          "share of registrants who open one extra account (all within the identity sample, "
          "see identity_records); no published rate"},
        A{"identity_records",
          "generated (include/cbpq/detail/identity_gen.hpp), " + f(c.identity_share) +
              " of registrants",
          "names, birth dates, documents, phones, e-mails and devices from the generator of "
          "docs/duplicates.md, with families that share surnames, address and contacts; an "
          "extra account carries the variations people make; a keyed sample of registrants "
          "gets records and all their accounts go through the rules, which bounds the run time "
          "(every account: 4 to 5 times the run time); only the sample opens extra accounts, "
          "at duplicate_rate / share each, so every extra account meets the rules; the engine "
          "sees fewer look-alike strangers than a full registry would (precision optimistic)"},
        A{"duplicate_resolution", "default rules, resolved at account creation",
          "the real deduplicator (duplicates.hpp): 'same' cancels the new account at once; "
          "'possible' goes to review and, no reviewer being modelled, the account stays in the "
          "pool; the live photo at confirmation still cancels a second account of a person "
          "confirmed the same day"},
        A{"confirm_rate", f(c.confirm_rate),
          "selections confirmed within 23 hours from 10 May; unconfirmed slots lapse and the "
          "account stays in the pool; chosen so the end-January total is near CBP's"},
        A{"no_show_rate", f(c.no_show_rate),
          "confirmed appointments not kept; counted as scheduled (as CBP counts), the person "
          "leaves (a new request is new demand)"},
    };
}

int run_tool(int argc, char** argv) {
    const tool::options opt(
        argc, argv, {"scenario", "seed", "out", "policy", "until", "plan", "identity-share"});
    if (!opt.positional().empty()) {
        throw tool::usage_error("unexpected argument '" + opt.positional().front() + "'");
    }
    const std::string scenario = opt.require("scenario");
    if (scenario != "cbp-one-2023") {
        throw tool::usage_error("unknown scenario '" + scenario + "' (expected cbp-one-2023)");
    }
    const std::string seed_text = opt.get("seed").value_or("2023");
    if (seed_text.empty() || seed_text.size() > 64 ||
        seed_text.find_first_not_of(
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-") !=
            std::string::npos) {
        throw tool::usage_error("--seed needs 1-64 characters of 0-9 A-Z a-z _ -");
    }
    const cbpq::seed run_seed =
        seed_text.size() == 64 &&
                seed_text.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos
            ? cbpq::seed::from_hex(seed_text)
            : cbpq::seed(cbpq::sha256("cbpq-simulate cbp-one-2023 seed " + seed_text));

    cbpq::sim::replay_config cfg;
    if (auto p = opt.get("policy")) {
        cfg.allocation = cbpq::sim::policy::parse(*p);
    }
    if (auto q = opt.get("identity-share")) {
        double v = 0.0;
        if (!cbpq::detail::parse_number(*q, v) || !(v >= cfg.duplicate_rate && v <= 1.0)) {
            // Below the duplicate rate the sample could not open that many extra accounts.
            throw tool::usage_error("--identity-share needs a number in [" +
                                    fixed(cfg.duplicate_rate, 2) +
                                    ", 1] (at least the duplicate rate), got '" + *q + "'");
        }
        cfg.identity_share = v;
    }
    if (auto u = opt.get("until")) {
        cfg.last = cbpq::parse_date(*u, "until");
        if (cfg.last < cfg.first || cfg.last > cbpq::civil_date{std::chrono::year{2024} / 1 / 31}) {
            throw tool::usage_error("--until must be within 2023-01-18..2024-01-31");
        }
    }
    std::string plan_text(default_plan);
    std::string plan_source = "cbp-one-2023 plan";
    if (auto p = opt.get("plan")) {
        plan_text = tool::read_file(*p);
        plan_source = *p;
    }
    const cbpq::capacity_plan plan = cbpq::sim::replay_plan(
        plan_text, cfg.first, std::chrono::year{2023} / 5 / 11, pre_plan_persons, plan_source);
    const std::optional<std::string> out_dir = opt.get("out");
    if (out_dir) {
        std::error_code ec;
        std::filesystem::create_directories(*out_dir, ec);
        if (ec) {
            throw cbpq::storage_failure("cannot create folder '" + *out_dir + "'");
        }
    }
    const std::string policy_name = cfg.allocation.name();
    const auto assumed = assumptions(cfg);

    std::cout << "cbpq-simulate: scenario cbp-one-2023, " << cbpq::format_date(cfg.first) << " to "
              << cbpq::format_date(cfg.last) << ", seed " << seed_text << " (" << run_seed.to_hex()
              << "), rule from 2023-05-10: " << policy_name << "\n";
    std::cout << "code paths: race before 10 May: cbpq::draw (draw.hpp, uniform); from 10 May: "
              << (std::holds_alternative<cbpq::sim::aging_policy>(cfg.allocation.get())
                      ? "cbpq::draw_aging"
                  : cbpq::sim::detail_replay::allocation_options(cfg.allocation).policy ==
                          cbpq::draw_policy::seniority
                      ? "cbpq::draw_seniority"
                      : "cbpq::draw")
              << " (draw.hpp), one call a day for all ports"
              << "\nassumptions (no source; docs/cbp-one-2023.md):\n";
    for (const auto& a : assumed) {
        std::cout << "  ASSUMPTION " << a.name << " = " << a.value << "\n";
    }
    std::cout << "progress (end of each month):\n";
    std::cout << "  date        phase       cumulative   requests/day   pool\n";
    std::cout.flush();

    const auto t0 = std::chrono::steady_clock::now();
    std::size_t day_rows_seen = 0;
    std::int64_t cumulative = 0;
    const auto result = cbpq::sim::run_replay(
        plan, cfg, run_seed, [&](cbpq::civil_date date, const cbpq::sim::replay_outcome& o) {
            std::int64_t requests = 0;
            for (; day_rows_seen < o.days.size(); ++day_rows_seen) {
                cumulative += o.days[day_rows_seen].confirmed_persons;
                requests += o.days[day_rows_seen].requests;
            }
            const auto next = cbpq::civil_date(std::chrono::sys_days(date) + std::chrono::days(1));
            if (next.day() == std::chrono::day{1} || date == cfg.last) {
                std::string line = "  " + cbpq::format_date(date) + "  " +
                                   (date >= cfg.allocation_from ? "allocation" : "race      ");
                std::string c = thousands(cumulative);
                std::string r = thousands(requests);
                std::string pl = thousands(o.pool_at_end);
                line += "  " + std::string(11 - std::min<std::size_t>(11, c.size()), ' ') + c;
                line += "  " + std::string(13 - std::min<std::size_t>(13, r.size()), ' ') + r;
                line += "  " + std::string(9 - std::min<std::size_t>(9, pl.size()), ' ') + pl;
                std::cout << line << "\n";
                std::cout.flush();
            }
        });
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // Cumulative appointments beside CBP's published totals.
    const std::vector<milestone> milestones{
        {"end of June 2023", std::chrono::year{2023} / 6 / 30, 170000, "over 170,000"},
        {"end of September 2023", std::chrono::year{2023} / 9 / 30, 278000, "about 278,000"},
        {"end of January 2024", std::chrono::year{2024} / 1 / 31, 459118, "459,118"},
    };
    std::cout << "\ncumulative appointments (persons)   simulated   CBP published   ratio\n";
    std::string milestones_csv = "seed,policy,date,label,simulated,published,published_text\n";
    for (const auto& m : milestones) {
        if (m.date > cfg.last) {
            continue;
        }
        const std::int64_t sim_total = result.cumulative_persons(m.date);
        std::string label = m.label;
        label.resize(34, ' ');
        std::string s = thousands(sim_total);
        std::cout << "  " << label << std::string(11 - std::min<std::size_t>(11, s.size()), ' ')
                  << s << "   " << m.published_text
                  << std::string(
                         14 - std::min<std::size_t>(14, std::string(m.published_text).size()), ' ')
                  << fixed(static_cast<double>(sim_total) / static_cast<double>(m.published), 3)
                  << "\n";
        milestones_csv += seed_text + "," + policy_name + "," + cbpq::format_date(m.date) + "," +
                          csv_text(m.label) + "," + std::to_string(sim_total) + "," +
                          std::to_string(m.published) + "," + csv_text(m.published_text) + "\n";
    }

    // Waits per port (days from registration to the appointment being made), and by group.
    const std::size_t np = result.ports.size();
    std::vector<cbpq::wait_histogram> port_waits(np);
    std::vector<cbpq::wait_histogram> port_waits_alloc(np);
    cbpq::wait_histogram all;
    cbpq::wait_histogram all_alloc;
    std::vector<cbpq::wait_histogram> party_waits(cfg.party_weights.size());
    cbpq::wait_histogram good;
    cbpq::wait_histogram poor;
    std::int64_t no_shows = 0;
    std::int64_t after_miss = 0;
    for (const auto& a : result.appointments) {
        const auto w = static_cast<std::uint32_t>(a.wait);
        port_waits[a.port].add(w);
        all.add(w);
        const bool in_alloc = cbpq::detail::from_day_number(cbpq::detail::day_number(cfg.first) +
                                                            a.day - 1) >= cfg.allocation_from;
        if (in_alloc) {
            port_waits_alloc[a.port].add(w);
            all_alloc.add(w);
            party_waits[a.party].add(w);
            (a.poor ? poor : good).add(w);
        }
        no_shows += a.no_show ? 1 : 0;
        after_miss += a.misses > 0 ? 1 : 0;
    }
    std::cout
        << "\nwaits in days, registration to appointment, appointments made from 2023-05-10\n";
    std::cout << "  port          appointments    mean   p50   p90   p95   p99   max\n";
    std::string waits_csv =
        "seed,policy,window,group,appointments,mean,p50,p90,p95,p99,max,jain,gini\n";
    // One row of waits.csv; printed too when `shown` (the group's name on screen) is given.
    auto wait_row = [&](const std::string& window, const std::string& group,
                        const cbpq::wait_histogram& h, const std::string& shown) {
        const bool print = !shown.empty();
        const auto s = h.summary();
        waits_csv += seed_text + "," + policy_name + "," + window + "," + group + "," +
                     std::to_string(s.count) + "," + fixed(s.mean, 3) + "," + fixed(s.p50, 0) +
                     "," + fixed(s.p90, 0) + "," + fixed(s.p95, 0) + "," + fixed(s.p99, 0) + "," +
                     fixed(s.max, 0) + "," + fixed(s.jain, 4) + "," + fixed(s.gini, 4) + "\n";
        if (print) {
            std::string g = shown;
            g.resize(14, ' ');
            std::string n = thousands(static_cast<std::int64_t>(s.count));
            std::cout << "  " << g << std::string(12 - std::min<std::size_t>(12, n.size()), ' ')
                      << n << "  "
                      << std::string(6 - std::min<std::size_t>(6, fixed(s.mean, 1).size()), ' ')
                      << fixed(s.mean, 1);
            for (const double q : {s.p50, s.p90, s.p95, s.p99, s.max}) {
                const std::string t = fixed(q, 0);
                std::cout << std::string(6 - std::min<std::size_t>(6, t.size()), ' ') << t;
            }
            std::cout << "\n";
        }
    };
    for (std::size_t p = 0; p < np; ++p) {
        wait_row("allocation", "port:" + result.ports[p], port_waits_alloc[p], result.ports[p]);
    }
    wait_row("allocation", "overall", all_alloc, "overall");
    for (std::size_t k = 0; k < party_waits.size(); ++k) {
        wait_row("allocation", "party:" + std::to_string(k + 1), party_waits[k], "");
    }
    wait_row("allocation", "connectivity:good", good, "");
    wait_row("allocation", "connectivity:poor", poor, "");
    for (std::size_t p = 0; p < np; ++p) {
        wait_row("whole", "port:" + result.ports[p], port_waits[p], "");
    }
    wait_row("whole", "overall", all, "");
    {
        const auto g = good.summary();
        const auto pr = poor.summary();
        std::cout << "  by connectivity (from 2023-05-10): good mean " << fixed(g.mean, 1)
                  << " p95 " << fixed(g.p95, 0) << "; poor mean " << fixed(pr.mean, 1) << " p95 "
                  << fixed(pr.p95, 0) << "\n";
    }

    const auto& dd = result.dedup;
    const std::int64_t firsts = dd.accounts_checked - dd.extras();
    std::cout
        << "\nduplicate accounts (duplicates.hpp default rules on generated identity records of "
        << fixed(100.0 * cfg.identity_share, 0)
        << "% of registrants; ASSUMPTION identity_records):\n"
        << "  accounts checked " << thousands(dd.accounts_checked) << " (" << thousands(firsts)
        << " first accounts, " << thousands(dd.extras()) << " extra accounts), "
        << thousands(dd.candidates) << " candidate comparisons\n"
        << "  extra accounts: " << thousands(dd.extra_cancelled) << " cancelled at once, "
        << thousands(dd.extra_review) << " sent to review, " << thousands(dd.extra_kept)
        << " missed; recall " << fixed(dd.recall(), 4) << " (" << fixed(dd.recall_with_review(), 4)
        << " with review)\n"
        << "  first accounts: " << thousands(dd.first_cancelled) << " cancelled wrongly, "
        << thousands(dd.first_review) << " sent to review; precision of cancellations "
        << fixed(dd.precision(), 4) << "\n"
        << "  later: " << thousands(result.duplicates_cancelled_at_confirmation)
        << " cancelled at confirmation (live photo), " << thousands(result.extra_accounts_withdrawn)
        << " withdrawn after their person's appointment\n";
    std::cout << "registrants: " << thousands(result.persons_registered) << ", appointments: "
              << thousands(static_cast<std::int64_t>(result.appointments.size()))
              << " parties, no-shows: " << thousands(no_shows)
              << ", made after a missed confirmation: " << thousands(after_miss)
              << ", gave up: " << thousands(result.abandoned)
              << ", accounts still waiting: " << thousands(result.pool_at_end) << "\n";
    std::cerr << "cbpq-simulate: " << fixed(elapsed, 2) << " s for the replay\n";

    if (out_dir) {
        const std::filesystem::path dir(*out_dir);
        std::string daily =
            "seed,policy,date,port,phase,capacity,seniority_capacity,lottery_capacity,requests,"
            "seniority_persons,lottery_persons,confirmed_persons,no_show_persons,missed_persons,"
            "duplicates_cancelled,cumulative_persons\n";
        std::int64_t cum = 0;
        for (const auto& d : result.days) {
            cum += d.confirmed_persons;
            daily +=
                seed_text + "," + policy_name + "," + cbpq::format_date(d.date) + "," +
                result.ports[d.port] + "," + (d.allocation ? "allocation" : "race") +
                csv_counts({d.capacity, d.seniority_capacity, d.lottery_capacity, d.requests,
                            d.seniority_persons, d.lottery_persons, d.confirmed_persons,
                            d.no_show_persons, d.missed_persons, d.duplicates_cancelled, cum}) +
                "\n";
        }
        std::string assumptions_csv = "seed,policy,name,value,reasoning\n";
        for (const auto& a : assumed) {
            assumptions_csv += seed_text + "," + policy_name + "," + a.name + "," +
                               csv_text(a.value) + "," + csv_text(a.reasoning) + "\n";
        }
        tool::write_file_atomic((dir / "daily.csv").string(), daily);
        tool::write_file_atomic((dir / "milestones.csv").string(), milestones_csv);
        tool::write_file_atomic((dir / "waits.csv").string(), waits_csv);
        tool::write_file_atomic((dir / "assumptions.csv").string(), assumptions_csv);
        std::string dedup_csv =
            "seed,policy,identity_share,accounts_checked,first_accounts,extra_accounts,"
            "candidates,extra_cancelled,extra_review,extra_kept,extra_cancelled_wrong_link,"
            "first_cancelled,first_review,precision,recall,recall_with_review,"
            "cancelled_at_confirmation,withdrawn_after_appointment\n";
        dedup_csv +=
            seed_text + "," + policy_name + "," + cbpq::detail::format_number(cfg.identity_share) +
            csv_counts({dd.accounts_checked, firsts, dd.extras(), dd.candidates, dd.extra_cancelled,
                        dd.extra_review, dd.extra_kept, dd.extra_cancelled_wrong_link,
                        dd.first_cancelled, dd.first_review}) +
            "," + fixed(dd.precision(), 6) + "," + fixed(dd.recall(), 6) + "," +
            fixed(dd.recall_with_review(), 6) +
            csv_counts(
                {result.duplicates_cancelled_at_confirmation, result.extra_accounts_withdrawn}) +
            "\n";
        tool::write_file_atomic((dir / "dedup.csv").string(), dedup_csv);

        namespace svg = cbpq::detail::svg;
        std::vector<std::string> groups;
        std::vector<std::vector<double>> cum_values(2);
        for (const auto& m : milestones) {
            if (m.date > cfg.last) {
                continue;
            }
            groups.push_back(cbpq::format_date(m.date));
            cum_values[0].push_back(static_cast<double>(result.cumulative_persons(m.date)) /
                                    1000.0);
            cum_values[1].push_back(static_cast<double>(m.published) / 1000.0);
        }
        tool::write_file_atomic((dir / "cumulative.svg").string(),
                                svg::bar_chart("Cumulative CBP One appointments: replay (seed " +
                                                   seed_text + ") and CBP's published totals",
                                               "end of", "thousands of persons", groups,
                                               {"replay " + policy_name, "CBP published"},
                                               cum_values));
        std::vector<std::vector<double>> p95(1);
        for (std::size_t p = 0; p < np; ++p) {
            p95[0].push_back(port_waits_alloc[p].summary().p95);
        }
        tool::write_file_atomic(
            (dir / "p95_by_port.svg").string(),
            svg::bar_chart("p95 wait per port from 10 May 2023 (seed " + seed_text + ")", "port",
                           "days", result.ports, {policy_name}, p95));
        std::vector<svg::step_series> series;
        auto steps = [](std::string name, const cbpq::wait_histogram& h) {
            svg::step_series s{std::move(name), {}};
            const auto counts = h.counts();
            std::uint64_t run = 0;
            for (std::size_t d = 0; d < counts.size(); ++d) {
                if (counts[d] != 0) {
                    run += counts[d];
                    s.steps.emplace_back(static_cast<double>(d),
                                         static_cast<double>(run) / static_cast<double>(h.count()));
                }
            }
            return s;
        };
        series.push_back(steps("all, " + policy_name, all_alloc));
        series.push_back(steps("good connectivity", good));
        series.push_back(steps("poor connectivity", poor));
        tool::write_file_atomic((dir / "waits_ecdf.svg").string(),
                                svg::ecdf_chart("Waits from registration to appointment, from 10 "
                                                "May 2023 (seed " +
                                                    seed_text + ")",
                                                "days", "share of appointments", series));
    }
    return tool::ok;
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-simulate", usage, [&] { return run_tool(argc, argv); });
}
