// SPDX-License-Identifier: BSL-1.0
// cbpq-verify: re-runs the draw a receipt describes and checks it against the entrants and
// capacity files. Uniform, seniority, weighted, aging and preferences receipts; E.csv then
// needs the columns the policy read (registered for seniority and aging, weight for weighted,
// preferences instead of port for preferences).
//
//   cbpq-verify --receipt R.json --entrants E.csv --capacity C.csv [--slots S.csv]
//
// Exit 0 and print "verified"; exit 1 and print the first difference; exit 2 on bad input
// (a malformed receipt or CSV file: the message names file, line and column).

#include "draw_files.hpp"
#include "tool.hpp"

#include <cbpq/audit.hpp>

#include <iostream>
#include <string>

namespace {

constexpr std::string_view usage =
    "usage: cbpq-verify --receipt R.json --entrants E.csv --capacity C.csv [--slots S.csv]\n";

int body(int argc, char** argv) {
    const tool::options opt(argc, argv, {"receipt", "entrants", "capacity", "slots"});
    if (!opt.positional().empty()) {
        throw tool::usage_error("unexpected argument '" + opt.positional().front() + "'");
    }
    const std::string receipt_path = opt.require("receipt");
    const cbpq::receipt r = cbpq::receipt_from_json(tool::read_file(receipt_path), receipt_path);
    const cbpq::day_capacity cap = tool::read_capacity(opt.require("capacity"), opt.get("slots"));
    // The receipt's policy says which columns the draw read (registered, weight, preferences).
    const auto entrants = tool::read_entrants(opt.require("entrants"), cap, r.options.max_party,
                                              tool::columns_for(r.options.policy));
    auto id = [](const tool::csv_entrant& e) -> const std::string& { return e.id; };
    auto party = [](const tool::csv_entrant& e) { return e.party; };
    const auto report =
        r.options.policy == cbpq::draw_policy::preferences
            ? cbpq::verify_preferences(
                  r, entrants, cap, id,
                  [](const tool::csv_entrant& e) -> const std::vector<std::string>& {
                      return e.preferences;
                  },
                  party)
            : cbpq::verify(
                  r, entrants, cap, id,
                  [](const tool::csv_entrant& e) -> const std::string& { return e.port; }, party,
                  [](const tool::csv_entrant& e) { return e.registered; },
                  [](const tool::csv_entrant& e) { return e.weight; });
    if (!report.ok) {
        std::cout << "NOT verified: " << report.difference << '\n';
        return tool::failed_check;
    }
    std::cout << "verified\n";
    return tool::ok;
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-verify", usage, [&] { return body(argc, argv); });
}
