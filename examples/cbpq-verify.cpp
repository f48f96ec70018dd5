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

// Re-runs the receipt's draw over the entrants with ids read by `id`.
template <class IdProj>
cbpq::verification_report verify_with(const cbpq::receipt& r,
                                      const std::vector<tool::csv_entrant>& entrants,
                                      const cbpq::day_capacity& cap, IdProj id) {
    auto party = [](const tool::csv_entrant& e) { return e.party; };
    if (r.options.policy == cbpq::draw_policy::preferences) {
        return cbpq::verify_preferences(
            r, entrants, cap, id,
            [](const tool::csv_entrant& e) -> const std::vector<std::string>& {
                return e.preferences;
            },
            party);
    }
    return cbpq::verify(
        r, entrants, cap, id,
        [](const tool::csv_entrant& e) -> const std::string& { return e.port; }, party,
        [](const tool::csv_entrant& e) { return e.registered; },
        [](const tool::csv_entrant& e) { return e.weight; });
}

int body(int argc, char** argv) {
    const tool::options opt(argc, argv, {"receipt", "entrants", "capacity", "slots"});
    if (!opt.positional().empty()) {
        throw tool::usage_error("unexpected argument '" + opt.positional().front() + "'");
    }
    const std::string receipt_path = opt.require("receipt");
    const cbpq::receipt r = cbpq::receipt_from_json(tool::read_file(receipt_path), receipt_path);
    const cbpq::day_capacity cap = tool::read_capacity(opt.require("capacity"), opt.get("slots"));
    // The receipt's policy says which columns the draw read (registered, weight, preferences);
    // its id_kind whether E.csv's ids are integers or text (docs/receipts.md).
    tool::entrant_columns columns = tool::columns_for(r.options.policy);
    columns.integer_ids = r.id_kind == "integer";
    const auto entrants =
        tool::read_entrants(opt.require("entrants"), cap, r.options.max_party, columns);
    // Integer ids are read as the one 64-bit type that holds them all (read_entrants refuses a
    // mix of negative ids and ids above 2^63 - 1): the library then encodes them as the host's
    // integer ids were.
    bool any_negative = false;
    for (const auto& e : entrants) {
        any_negative = any_negative || e.id_negative;
    }
    const auto report = [&] {
        if (!columns.integer_ids) {
            return verify_with(
                r, entrants, cap,
                [](const tool::csv_entrant& e) -> const std::string& { return e.id; });
        }
        if (any_negative) {
            return verify_with(r, entrants, cap, [](const tool::csv_entrant& e) {
                return static_cast<std::int64_t>(e.id_value);
            });
        }
        return verify_with(r, entrants, cap, [](const tool::csv_entrant& e) { return e.id_value; });
    }();
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
