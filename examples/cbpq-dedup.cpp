// SPDX-License-Identifier: BSL-1.0
// cbpq-dedup: finds registrations that belong to the same person and decides, per cluster,
// which one to keep (the earliest) and which to cancel or send to review.
//
//   cbpq-dedup --in FILE.csv [--in FILE2.csv ...] --map FIELD=COLUMN[,FIELD=COLUMN...]
//              --out OUT.csv [--rules default|strict|lenient] [--date-format FMT] [--details]
//              [--unreadable-dates-missing]
//
// FIELD is one of id, registered, given, middle, surname, full_name, birth, sex, nationality,
// document, document_type, document_country, phone, phone_country, email, device, address,
// postcode, city; unmapped fields are missing. CSV per RFC 4180; spaces around unquoted fields
// are trimmed. OUT.csv: id,cluster,decision,rule,score (and other,fields with --details: the
// registration the decision links to and the fields that matched), one row per input
// registration in input order; cluster is the id of the kept registration.
// --unreadable-dates-missing reads an impossible birth date as missing instead of refusing it.
// Bad input: exit 2 with file, line and column on stderr, and no output written.

#include "tool.hpp"

#include <cbpq/csv.hpp>
#include <cbpq/duplicates.hpp>

#include <array>
#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

constexpr std::string_view usage =
    "usage: cbpq-dedup --in FILE.csv [--in FILE.csv ...] --map FIELD=COLUMN[,FIELD=COLUMN...]\n"
    "                  --out OUT.csv [--rules default|strict|lenient] [--date-format FMT]\n"
    "                  [--details] [--unreadable-dates-missing]\n"
    "  FIELD: id registered given middle surname full_name birth sex nationality document\n"
    "         document_type document_country phone phone_country email device address\n"
    "         postcode city\n"
    "  FMT: a layout of YYYY, MM, DD and separators (default: YYYY-MM-DD or YYYYMMDD)\n";

using field_map = std::array<std::optional<std::string>, cbpq::identity_field_count>;

field_map parse_map(const std::vector<std::string>& specs) {
    field_map map;
    for (const auto& spec : specs) {
        std::size_t start = 0;
        while (start <= spec.size()) {
            std::size_t end = spec.find(',', start);
            if (end == std::string::npos) {
                end = spec.size();
            }
            const std::string item = spec.substr(start, end - start);
            const auto eq = item.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
                throw tool::usage_error("--map needs FIELD=COLUMN, got '" + item + "'");
            }
            const auto f = cbpq::identity_field_from_string(item.substr(0, eq));
            if (!f) {
                throw tool::usage_error("--map: unknown field '" + item.substr(0, eq) + "'");
            }
            auto& slot = map[static_cast<std::size_t>(*f)];
            if (slot) {
                throw tool::usage_error("--map: field '" + item.substr(0, eq) + "' mapped twice");
            }
            slot = item.substr(eq + 1);
            start = end + 1;
        }
    }
    return map;
}

// Registration times: an integer, or YYYY-MM-DD[(T| )HH:MM[:SS]][Z] as seconds since 1970 UTC.
std::optional<std::int64_t> parse_registered(std::string_view s) {
    if (s.empty()) {
        return std::nullopt;
    }
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) {
        return v;
    }
    if (s.size() < 10) {
        return std::nullopt;
    }
    const auto date = cbpq::parse_yyyymmdd(s.substr(0, 10), "YYYY-MM-DD");
    if (!date || *date == 0) {
        return std::nullopt;
    }
    int hh = 0, mm = 0, ss = 0;
    std::string_view rest = s.substr(10);
    if (!rest.empty() && rest.back() == 'Z') {
        rest.remove_suffix(1);
    }
    auto two = [](std::string_view t, int& out, int max) {
        if (t.size() != 2 || t[0] < '0' || t[0] > '9' || t[1] < '0' || t[1] > '9') {
            return false;
        }
        out = (t[0] - '0') * 10 + (t[1] - '0');
        return out <= max;
    };
    if (!rest.empty()) {
        if ((rest[0] != 'T' && rest[0] != ' ') || (rest.size() != 6 && rest.size() != 9) ||
            !two(rest.substr(1, 2), hh, 23) || rest[3] != ':' || !two(rest.substr(4, 2), mm, 59)) {
            return std::nullopt;
        }
        if (rest.size() == 9 && (rest[6] != ':' || !two(rest.substr(7, 2), ss, 60))) {
            return std::nullopt;
        }
    }
    // Days from civil (Howard Hinnant's algorithm).
    const int yy = *date / 10000, mo = *date / 100 % 100, dd = *date % 100;
    const int y = mo <= 2 ? yy - 1 : yy;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const std::int64_t days = std::int64_t{era} * 146097 + doe - 719468;
    return days * 86400 + hh * 3600 + mm * 60 + ss;
}

std::string format_score(float s) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(s));
    return buf;
}

int body(int argc, char** argv) {
    const tool::options opt(argc, argv, {"in", "map", "out", "rules", "date-format"},
                            {"details", "unreadable-dates-missing"});
    if (!opt.positional().empty()) {
        throw tool::usage_error("unexpected argument '" + opt.positional().front() + "'");
    }
    const auto inputs = opt.all("in");
    if (inputs.empty()) {
        throw tool::usage_error("missing required option --in");
    }
    const field_map map = parse_map(opt.all("map"));
    if (!opt.has("map")) {
        throw tool::usage_error("missing required option --map");
    }
    const std::string out_path = opt.require("out");
    const std::string rules_name = opt.get("rules").value_or("default");
    auto rules = cbpq::rules_named(rules_name);
    if (!rules) {
        throw tool::usage_error("--rules must be default, strict or lenient, got '" + rules_name +
                                "'");
    }
    cbpq::dedup_options options;
    options.normalize.date_format = opt.get("date-format").value_or("");
    if (!options.normalize.date_format.empty() &&
        !cbpq::valid_date_format(options.normalize.date_format)) {
        throw tool::usage_error("--date-format needs YYYY, MM and DD once each, got '" +
                                options.normalize.date_format + "'");
    }
    const bool details = opt.has("details");
    options.normalize.unreadable_birth_is_missing = opt.has("unreadable-dates-missing");

    // Read and check everything before deciding anything.
    cbpq::csv_options csv;
    csv.trim_spaces = true;
    std::vector<cbpq::csv_view_table> tables; // the fields are views into each file's text
    tables.reserve(inputs.size());
    for (const auto& path : inputs) {
        tables.push_back(cbpq::parse_csv_views(tool::read_file(path), path, csv));
    }
    struct source {
        std::size_t table, row;
    };
    cbpq::deduplicator engine(std::move(*rules), options);
    cbpq::normalized_registration normalized;
    std::vector<source> sources;
    std::unordered_map<std::string, source> seen_ids;
    std::size_t total_rows = 0;
    for (const auto& t : tables) {
        total_rows += t.size();
    }
    engine.reserve(total_rows);
    sources.reserve(total_rows);
    seen_ids.reserve(total_rows);
    std::size_t ordinal = 0;
    for (std::size_t ti = 0; ti < tables.size(); ++ti) {
        const cbpq::csv_view_table& t = tables[ti];
        std::array<std::optional<std::size_t>, cbpq::identity_field_count> col;
        for (std::size_t f = 0; f < col.size(); ++f) {
            if (map[f]) {
                col[f] = t.require_column(*map[f]);
            }
        }
        auto column_of = [&](std::string_view field) -> std::size_t {
            const auto f = cbpq::identity_field_from_string(field);
            return f && col[static_cast<std::size_t>(*f)] ? *col[static_cast<std::size_t>(*f)]
                                                          : t.width();
        };
        for (std::size_t ri = 0; ri < t.size(); ++ri) {
            ++ordinal;
            auto get = [&](cbpq::identity_field f) -> std::string_view {
                const auto& c = col[static_cast<std::size_t>(f)];
                return c ? t.field(ri, *c) : std::string_view();
            };
            using F = cbpq::identity_field;
            cbpq::registration_view v;
            std::string fallback_id;
            if (col[static_cast<std::size_t>(F::id)]) {
                v.id = get(F::id);
            } else {
                fallback_id = std::to_string(ordinal);
                v.id = fallback_id;
            }
            if (col[static_cast<std::size_t>(F::registered)]) {
                const auto r = parse_registered(get(F::registered));
                if (!r) {
                    t.fail(ri, column_of("registered"),
                           "registration time '" + std::string(get(F::registered)) +
                               "' is not an integer or YYYY-MM-DD[THH:MM[:SS]][Z]");
                }
                v.registered = *r;
            }
            v.given = get(F::given);
            v.middle = get(F::middle);
            v.surname = get(F::surname);
            v.full_name = get(F::full_name);
            v.birth = get(F::birth);
            v.sex = get(F::sex);
            v.nationality = get(F::nationality);
            v.document = get(F::document);
            v.document_type = get(F::document_type);
            v.document_country = get(F::document_country);
            v.phone = get(F::phone);
            v.phone_country = get(F::phone_country);
            v.email = get(F::email);
            v.device = get(F::device);
            v.address = get(F::address);
            v.postcode = get(F::postcode);
            v.city = get(F::city);
            try {
                cbpq::normalize_registration(v, normalized, options.normalize);
            } catch (const cbpq::invalid_input& e) {
                // The location names the field already: keep the record and the reason.
                std::string why = e.what();
                const std::string prefix = e.record() + ", field '" + e.field() + "': ";
                if (why.rfind(prefix, 0) == 0) {
                    // A record whose id cannot name it (empty, invalid UTF-8) is "registration".
                    why =
                        (e.record() == "registration" ? e.record() : "registration " + e.record()) +
                        ": " + why.substr(prefix.size());
                }
                t.fail(ri, column_of(e.field()), why);
            }
            const auto [it, fresh] = seen_ids.try_emplace(normalized.id, source{ti, ri});
            if (!fresh) {
                const auto& first = tables[it->second.table];
                t.fail(ri, column_of("id"),
                       "id '" + normalized.id + "' already used at " + first.source() + ":" +
                           std::to_string(first.line(it->second.row)));
            }
            sources.push_back({ti, ri});
            // Nothing is written before every row is read, so adding as we go keeps bad input
            // from having any effect.
            (void)engine.add_normalized(normalized);
        }
    }
    const auto results = engine.resolve();

    std::string out;
    out.reserve(results.size() * 48);
    out += details ? "id,cluster,decision,rule,score,other,fields\n"
                   : "id,cluster,decision,rule,score\n";
    std::vector<std::string> row(details ? 7 : 5);
    for (const auto& r : results) {
        row[0] = engine.record(r.ordinal).id;
        row[1] = engine.record(r.cluster).id;
        row[2] = std::string(cbpq::to_string(r.decision));
        if (r.rule) {
            row[3] = engine.rules()[*r.rule].name;
            row[4] = format_score(r.score);
        } else {
            row[3].clear();
            row[4].clear();
        }
        if (details) {
            row[5] = r.rule ? std::string(engine.record(r.other).id) : std::string();
            row[6] = r.fields.to_string();
        }
        cbpq::csv_append_row(out, row);
    }
    tool::write_file_atomic(out_path, out);
    return tool::ok;
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-dedup", usage, [&] { return body(argc, argv); });
}
