// SPDX-License-Identifier: BSL-1.0
// cbpq-draw: the daily draw from CSV files, with an optional receipt that cbpq-verify checks.
//
//   cbpq-draw --entrants E.csv --capacity C.csv (--seed HEX | --public-values TEXT)
//             --label TEXT [--slots S.csv] [--alternates N] [--fill skip|strict]
//             [--max-party N] [--policy P] [--draw-date YYYY-MM-DD] --out R.csv
//             [--receipt R.json]
//
// --policy: uniform (default) | seniority:S (share S in [0, 1]) | weighted | aging:SPEC
// (SPEC linear/P[/CAP] or double/P[/CAP]; docs/policies.md) | preferences. Aging counts days
// waited up to --draw-date, by default the date the label starts with.
// E.csv: id, port, party (default 1), and for seniority and aging `registered` (YYYY-MM-DD),
// for weighted `weight`; for preferences `preferences` (ports separated by '|', best first)
// instead of `port`; columns by name in any order; ids are strings.
// C.csv: port, persons[, parties]. S.csv: port, slot, persons (slots in order of appearance).
// R.csv: id, port, status (selected | alternate), rank, slot; with preferences also choice
// (the rank on the entrant's own list of the port it got; empty for alternates).
// Bad input: exit 2, a message naming file, line and column. On any failure (exit 2 or 3) no
// output file is written: R.csv and R.json go to temporary files, renamed once both are written.

#include "draw_files.hpp"
#include "tool.hpp"

#include <cbpq/audit.hpp>
#include <cbpq/capacity.hpp>
#include <cbpq/csv.hpp>
#include <cbpq/draw.hpp>
#include <cbpq/preferences.hpp>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr std::string_view usage =
    "usage: cbpq-draw --entrants E.csv (--capacity C.csv | --plan FILE)\n"
    "                 (--seed HEX | --public-values TEXT)\n"
    "                 --label TEXT [--slots S.csv] [--alternates N] [--fill skip|strict]\n"
    "                 [--max-party N]\n"
    "                 [--policy uniform|seniority:S|weighted|aging:SPEC|preferences]\n"
    "                 [--draw-date YYYY-MM-DD] --out R.csv [--receipt R.json]\n";

// --policy TEXT into the options. New policies add a branch here and a case in run_draw.
void parse_policy(const std::string& text, cbpq::draw_options& options) {
    if (text == "uniform") {
        options.policy = cbpq::draw_policy::uniform;
    } else if (text.rfind("seniority:", 0) == 0) {
        const std::string v = text.substr(10);
        double share = -1.0;
        const auto r = std::from_chars(v.data(), v.data() + v.size(), share);
        if (v.empty() || r.ec != std::errc{} || r.ptr != v.data() + v.size() ||
            !(share >= 0.0 && share <= 1.0)) {
            throw tool::usage_error("--policy seniority:S takes a share S from 0 to 1, got '" + v +
                                    "'");
        }
        options.policy = cbpq::draw_policy::seniority;
        options.seniority_share = share;
    } else if (text == "weighted") {
        options.policy = cbpq::draw_policy::weighted;
    } else if (text.rfind("aging:", 0) == 0) {
        options.policy = cbpq::draw_policy::aging;
        options.aging = cbpq::parse_aging_rule(text);
    } else if (text == "preferences") {
        options.policy = cbpq::draw_policy::preferences;
    } else {
        throw tool::usage_error("--policy takes uniform, seniority:S, weighted, aging:SPEC or "
                                "preferences, got '" +
                                text + "'");
    }
}

std::int64_t option_count(const tool::options& opt, const std::string& name, std::int64_t dflt,
                          std::int64_t lo, std::int64_t hi) {
    const auto v = opt.get(name);
    if (!v) {
        return dflt;
    }
    const auto n = tool::parse_integer(*v);
    if (!n || *n < lo || *n > hi) {
        throw tool::usage_error("--" + name + " takes a whole number in " + std::to_string(lo) +
                                ".." + std::to_string(hi) + ", got '" + *v + "'");
    }
    return *n;
}

// The capacity of the label's date (the label starts with YYYY-MM-DD) under a plan file
// (docs/capacity.md).
cbpq::day_capacity capacity_from_plan(const std::string& path, const std::string& label) {
    if (label.size() < 10) {
        throw tool::usage_error("--plan needs a label that starts with the date YYYY-MM-DD");
    }
    const auto date = cbpq::parse_date(std::string_view(label).substr(0, 10), "label");
    const auto plan = cbpq::capacity_plan::parse(tool::read_file(path), path);
    return plan.for_date(date);
}

int body(int argc, char** argv) {
    const tool::options opt(argc, argv,
                            {"entrants", "capacity", "plan", "seed", "public-values", "label",
                             "slots", "alternates", "fill", "max-party", "out", "receipt", "policy",
                             "draw-date"});
    if (!opt.positional().empty()) {
        throw tool::usage_error("unexpected argument '" + opt.positional().front() + "'");
    }
    if (opt.has("seed") == opt.has("public-values")) {
        throw tool::usage_error("give exactly one of --seed and --public-values");
    }
    const std::string entrants_path = opt.require("entrants");
    if (opt.has("capacity") == opt.has("plan")) {
        throw tool::usage_error("give exactly one of --capacity and --plan");
    }
    if (opt.has("plan") && opt.has("slots")) {
        throw tool::usage_error("--slots goes with --capacity; a plan sets its own slots");
    }
    const std::string label = opt.require("label");
    const std::string out_path = opt.require("out");
    const auto receipt_path = opt.get("receipt");

    cbpq::draw_options options;
    options.alternates = static_cast<std::size_t>(option_count(opt, "alternates", 0, 0, 1000000));
    options.max_party = option_count(opt, "max-party", 20, 1, 1000);
    if (const auto f = opt.get("fill")) {
        if (*f == "skip") {
            options.fill = cbpq::fill_rule::skip;
        } else if (*f == "strict") {
            options.fill = cbpq::fill_rule::strict;
        } else {
            throw tool::usage_error("--fill takes skip or strict, got '" + *f + "'");
        }
    }
    parse_policy(opt.get("policy").value_or("uniform"), options);
    if (options.policy == cbpq::draw_policy::aging) {
        const std::string date = opt.get("draw-date").value_or(label.substr(0, 10));
        const auto d = cbpq::detail::parse_civil_date(date);
        if (!d) {
            throw tool::usage_error(
                "aging needs the draw date: --draw-date YYYY-MM-DD or a label that starts "
                "with it, got '" +
                date + "'");
        }
        options.draw_day = cbpq::detail::day_number(*d);
    } else if (opt.has("draw-date")) {
        throw tool::usage_error("--draw-date goes with --policy aging");
    }
    cbpq::seed_source source;
    cbpq::seed seed;
    if (const auto hex = opt.get("seed")) {
        seed = cbpq::seed::from_hex(*hex);
    } else {
        source.type = cbpq::seed_source::kind::public_values;
        source.public_values = opt.require("public-values");
        seed = cbpq::seed::from_public_values(source.public_values);
    }

    // Everything is read and checked before anything is drawn or written.
    const cbpq::day_capacity cap =
        opt.has("plan") ? capacity_from_plan(opt.require("plan"), label)
                        : tool::read_capacity(opt.require("capacity"), opt.get("slots"));
    const auto entrants = tool::read_entrants(entrants_path, cap, options.max_party,
                                              tool::columns_for(options.policy));

    const cbpq::draw_key key(seed, label);
    auto id = [](const tool::csv_entrant& e) -> const std::string& { return e.id; };
    auto port = [](const tool::csv_entrant& e) -> const std::string& { return e.port; };
    auto party = [](const tool::csv_entrant& e) { return e.party; };
    auto registered = [](const tool::csv_entrant& e) { return e.registered; };
    auto weight = [](const tool::csv_entrant& e) { return e.weight; };
    auto prefs = [](const tool::csv_entrant& e) -> const std::vector<std::string>& {
        return e.preferences;
    };
    std::vector<std::vector<std::size_t>> choices; // preferences only
    auto run_draw = [&] {
        switch (options.policy) {
        case cbpq::draw_policy::preferences: {
            auto r = cbpq::draw_preferences(entrants, cap, key, options, id, prefs, party);
            choices = std::move(r.choices);
            return std::move(r.result);
        }
        case cbpq::draw_policy::seniority:
            return cbpq::draw_seniority(entrants, cap, key, options, id, port, party, registered);
        case cbpq::draw_policy::weighted:
            return cbpq::draw_weighted(entrants, cap, key, options, id, port, party, weight);
        case cbpq::draw_policy::aging:
            return cbpq::draw_aging(entrants, cap, key, options, id, port, party, registered);
        default:
            return cbpq::draw(entrants, cap, key, options, id, port, party);
        }
    };
    const auto result = run_draw();

    // Rows in rank order (the policies list `selected` in keyed order; see docs/policies.md).
    auto by_rank = [](auto v) {
        std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.rank < b.rank; });
        return v;
    };
    const bool ranked = options.policy == cbpq::draw_policy::preferences;
    std::string csv;
    std::vector<std::string> header{"id", "port", "status", "rank", "slot"};
    if (ranked) {
        header.emplace_back("choice");
    }
    cbpq::csv_append_row(csv, header);
    for (std::size_t p = 0; p < result.ports.size(); ++p) {
        const auto& pd = result.ports[p];
        for (const auto& s : by_rank(pd.selected)) {
            std::vector<std::string> row{s.id, pd.port, "selected", std::to_string(s.rank),
                                         s.slot ? cap.ports[p].slots[*s.slot].label
                                                : std::string()};
            if (ranked) {
                // A preferences port selects in keyed order, so rank r is selected[r - 1].
                row.push_back(std::to_string(choices[p][s.rank - 1]));
            }
            cbpq::csv_append_row(csv, row);
        }
        for (const auto& a : by_rank(pd.alternates)) {
            std::vector<std::string> row{a.id, pd.port, "alternate", std::to_string(a.rank), ""};
            if (ranked) {
                row.emplace_back();
            }
            cbpq::csv_append_row(csv, row);
        }
    }
    std::string receipt_json;
    if (receipt_path) {
        const auto r = cbpq::make_receipt(
            result, cap, label, seed, source,
            ranked ? cbpq::digest_preference_entrants(entrants, cap, id, prefs, party)
                   : cbpq::digest_entrants_for(options.policy, entrants, cap, id, port, party,
                                               registered, weight));
        receipt_json = cbpq::receipt_to_json(r);
    }
    tool::output_files outputs;
    outputs.write(out_path, csv);
    if (receipt_path) {
        outputs.write(*receipt_path, receipt_json);
    }
    outputs.commit();
    std::cout << "drew " << result.parties() << " parties (" << result.persons()
              << " persons) from " << entrants.size() << " entrants at " << cap.ports.size()
              << " ports\n";
    for (const auto& pd : result.ports) {
        std::cout << "  " << pd.port << ": " << pd.parties << " parties, " << pd.persons
                  << " persons, " << pd.alternates.size() << " alternates\n";
    }
    return tool::ok;
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-draw", usage, [&] { return body(argc, argv); });
}
