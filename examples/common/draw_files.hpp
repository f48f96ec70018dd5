// SPDX-License-Identifier: BSL-1.0
// The CSV files of cbpq-draw and cbpq-verify: entrants (id, port, party, and the columns a
// policy reads: registered, weight), capacity (port,
// persons, parties) and slots (port, slot, persons). Every problem is a parse_error naming the
// file, line and column, found before anything is drawn or written. Not part of the library.
#ifndef CBPQ_EXAMPLES_DRAW_FILES_HPP
#define CBPQ_EXAMPLES_DRAW_FILES_HPP

#include "tool.hpp"

#include <cbpq/capacity.hpp>
#include <cbpq/csv.hpp>
#include <cbpq/draw.hpp>
#include <cbpq/error.hpp>

#include <charconv>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tool {

/// One entrant row: ids are kept as text (string ids, keyed as 'S' || bytes).
struct csv_entrant {
    std::string id;
    std::string port;
    std::int64_t party = 1;
    /// Column `registered` (YYYY-MM-DD) as days since 1970-01-01, when the policy reads it.
    std::int64_t registered = 0;
    /// Column `weight`, when the policy reads it.
    double weight = 1.0;
    /// Column `preferences` (ports separated by '|', best first), when the policy reads it.
    std::vector<std::string> preferences;
    /// With integer ids (entrant_columns::integer_ids): the id's value, as 64-bit two's
    /// complement when it is negative.
    std::uint64_t id_value = 0;
    bool id_negative = false;
};

/// The optional columns a draw policy reads from E.csv (each then required).
struct entrant_columns {
    bool registered = false;
    bool weight = false;
    /// `preferences` replaces `port` (which is then optional and ignored).
    bool preferences = false;
    /// Ids are integers (a receipt's id_kind "integer"): decimal text, an optional '-' then
    /// digits, from -2^63 to 2^64 - 1, all of one 64-bit type (not both below 0 and above
    /// 2^63 - 1); e.id becomes the value's decimal text, so 7 and 007 are one id.
    bool integer_ids = false;
};

/// The columns policy `p` reads.
inline entrant_columns columns_for(cbpq::draw_policy p) {
    entrant_columns c;
    c.registered = p == cbpq::draw_policy::seniority || p == cbpq::draw_policy::aging;
    c.weight = p == cbpq::draw_policy::weighted;
    c.preferences = p == cbpq::draw_policy::preferences;
    return c;
}

/// A strict decimal integer ("-" allowed so that negatives get their own message).
inline std::optional<std::int64_t> parse_integer(std::string_view s) {
    if (s.empty()) {
        return std::nullopt;
    }
    std::size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) {
        return std::nullopt;
    }
    std::int64_t v = 0;
    for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return std::nullopt;
        }
        const int d = s[i] - '0';
        if (v > (std::numeric_limits<std::int64_t>::max() - d) / 10) {
            return std::nullopt;
        }
        v = v * 10 + d;
    }
    return s[0] == '-' ? -v : v;
}

// Field `col` of record `row`, from either kind of table.
inline std::string_view field_text(const cbpq::csv_table& t, std::size_t row, std::size_t col) {
    return t.rows[row].fields[col];
}
inline std::string_view field_text(const cbpq::csv_view_table& t, std::size_t row,
                                   std::size_t col) {
    return t.field(row, col);
}

template <class Table>
std::int64_t count_field(const Table& t, std::size_t row, std::size_t col, std::int64_t lo,
                         std::int64_t hi) {
    const std::string_view f = field_text(t, row, col);
    const auto v = parse_integer(f);
    if (!v) {
        t.fail(row, col, "'" + std::string(f) + "' is not a whole number");
    }
    if (*v < lo || *v > hi) {
        t.fail(row, col,
               "value " + std::string(f) + " is outside " + std::to_string(lo) + ".." +
                   std::to_string(hi));
    }
    return *v;
}

/// Reads C.csv (port,persons[,parties]) and, if given, S.csv (port,slot,persons).
inline cbpq::day_capacity read_capacity(const std::string& path,
                                        const std::optional<std::string>& slots_path) {
    const cbpq::csv_table t = cbpq::parse_csv(read_file(path), path);
    const std::size_t port_col = t.require_column("port");
    const std::size_t persons_col = t.require_column("persons");
    const auto parties_col = t.find_column("parties");
    const std::int64_t big = std::numeric_limits<std::int64_t>::max() / 4;
    cbpq::day_capacity cap;
    std::map<std::string, std::size_t> line_of;
    std::int64_t total = 0;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        cbpq::port_capacity p;
        p.port = t.rows[r].fields[port_col];
        if (p.port.empty()) {
            t.fail(r, port_col, "empty port name");
        }
        if (const auto it = line_of.find(p.port); it != line_of.end()) {
            t.fail(r, port_col,
                   "port '" + p.port + "' already given on line " + std::to_string(it->second));
        }
        line_of[p.port] = t.rows[r].line;
        p.persons = count_field(t, r, persons_col, 0, big);
        total += p.persons;
        if (total > big) {
            t.fail(r, persons_col, "total capacity overflows");
        }
        if (parties_col && !t.rows[r].fields[*parties_col].empty()) {
            p.parties = count_field(t, r, *parties_col, 0, big);
        }
        cap.ports.push_back(std::move(p));
    }
    if (slots_path) {
        const cbpq::csv_table s = cbpq::parse_csv(read_file(*slots_path), *slots_path);
        const std::size_t sp = s.require_column("port");
        const std::size_t sl = s.require_column("slot");
        const std::size_t sn = s.require_column("persons");
        std::map<std::string, std::size_t> first_row;
        for (std::size_t r = 0; r < s.rows.size(); ++r) {
            const std::string& port = s.rows[r].fields[sp];
            cbpq::port_capacity* p = nullptr;
            for (auto& pc : cap.ports) {
                if (pc.port == port) {
                    p = &pc;
                }
            }
            if (p == nullptr) {
                s.fail(r, sp, "unknown port '" + port + "' (not in " + path + ")");
            }
            const std::string& label = s.rows[r].fields[sl];
            if (label.empty()) {
                s.fail(r, sl, "empty slot label");
            }
            for (const auto& existing : p->slots) {
                if (existing.label == label) {
                    s.fail(r, sl, "slot '" + label + "' of port '" + port + "' given twice");
                }
            }
            std::int64_t sum = 0;
            for (const auto& existing : p->slots) {
                sum += existing.persons;
            }
            const std::int64_t persons = count_field(s, r, sn, 0, big);
            if (sum + persons > big) {
                s.fail(r, sn, "slot capacity overflows");
            }
            p->slots.push_back({label, persons});
            first_row.emplace(port, r);
        }
        for (const auto& pc : cap.ports) {
            if (pc.slots.empty() || pc.persons == 0) {
                continue;
            }
            bool any = false;
            for (const auto& x : pc.slots) {
                any = any || x.persons > 0;
            }
            if (!any) {
                s.fail(first_row.at(pc.port), sn,
                       "the slots of port '" + pc.port + "' cannot hold any party (all take 0)");
            }
        }
    }
    return cap;
}

// Reads record r's id as an integer id (entrant_columns::integer_ids) into e: its value, its
// sign, and e.id as canonical decimal text.
template <class Table>
void read_integer_id(const Table& t, std::size_t r, std::size_t col, csv_entrant& e) {
    const std::string_view f = t.field(r, col);
    const bool negative = f.front() == '-';
    const std::size_t from = negative ? 1 : 0;
    std::uint64_t v = 0;
    bool ok = from < f.size();
    for (std::size_t i = from; ok && i < f.size(); ++i) {
        const char c = f[i];
        const auto d = static_cast<std::uint64_t>(c - '0');
        ok = c >= '0' && c <= '9' && v <= (std::numeric_limits<std::uint64_t>::max() - d) / 10;
        v = v * 10 + d;
    }
    // Negative: at most 2^63.
    if (ok && negative) {
        ok = v <= std::uint64_t{1} << 63;
    }
    if (!ok) {
        t.fail(r, col,
               "'" + std::string(f) +
                   "' is not an integer id (the receipt's id_kind is integer: decimal digits "
                   "with an optional '-', from -2^63 to 2^64 - 1)");
    }
    e.id_negative = negative && v != 0;
    e.id_value = e.id_negative ? 0 - v : v;
    e.id = e.id_negative ? "-" + std::to_string(v) : std::to_string(v);
}

/// Reads E.csv: columns by name in any order, `id` and `port` required, `party` optional
/// (default 1); other columns ignored. Refuses empty ids, unknown ports, parties outside
/// 1..max_party and duplicate ids (with integer_ids, ids of equal value).
/// `columns` names the policy's extra columns: `registered` (a date YYYY-MM-DD), `weight`
/// (a decimal number, finite, from 2^-100 to 2^100) and `preferences` (known ports separated
/// by '|', best first, none empty or repeated; `port` is then not read and e.port is the
/// first choice), required when asked for.
inline std::vector<csv_entrant> read_entrants(const std::string& path,
                                              const cbpq::day_capacity& cap, std::int64_t max_party,
                                              entrant_columns columns = {}) {
    // Views: an entrants file may hold millions of records, most fields of which are not kept.
    const cbpq::csv_view_table t = cbpq::parse_csv_views(read_file(path), path);
    const std::size_t id_col = t.require_column("id");
    std::optional<std::size_t> port_col;
    std::optional<std::size_t> prefs_col;
    if (columns.preferences) {
        prefs_col = t.require_column("preferences");
    } else {
        port_col = t.require_column("port");
    }
    const auto party_col = t.find_column("party");
    std::optional<std::size_t> reg_col;
    std::optional<std::size_t> weight_col;
    if (columns.registered) {
        reg_col = t.require_column("registered");
    }
    if (columns.weight) {
        weight_col = t.require_column("weight");
    }
    std::vector<csv_entrant> out;
    out.reserve(t.size());
    std::unordered_map<std::string, std::size_t> seen;
    seen.reserve(t.size());
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::size_t first_negative = none;    // rows: integer ids below 0
    std::size_t first_above_int64 = none; // and above 2^63 - 1
    for (std::size_t r = 0; r < t.size(); ++r) {
        csv_entrant e;
        e.id = t.field(r, id_col);
        if (e.id.empty()) {
            t.fail(r, id_col, "empty id");
        }
        if (columns.integer_ids) {
            read_integer_id(t, r, id_col, e);
            if (e.id_negative && first_negative == none) {
                first_negative = r;
            }
            if (e.id_value > std::uint64_t{std::numeric_limits<std::int64_t>::max()} &&
                !e.id_negative && first_above_int64 == none) {
                first_above_int64 = r;
            }
            if (first_negative != none && first_above_int64 != none) {
                t.fail(r, id_col,
                       "integer ids below 0 (line " + std::to_string(t.line(first_negative)) +
                           ") and above 2^63 - 1 (line " +
                           std::to_string(t.line(first_above_int64)) +
                           ") do not fit one 64-bit integer type");
            }
        }
        if (const auto [it, fresh] = seen.emplace(e.id, t.line(r)); !fresh) {
            t.fail(r, id_col,
                   "duplicate id '" + e.id + "' (first on line " + std::to_string(it->second) +
                       ")");
        }
        if (port_col) {
            e.port = t.field(r, *port_col);
            if (cap.find(e.port) == nullptr) {
                t.fail(r, *port_col, "unknown port '" + e.port + "'");
            }
        }
        if (prefs_col) {
            const std::string f(t.field(r, *prefs_col));
            if (f.empty()) {
                t.fail(r, *prefs_col, "no port listed");
            }
            std::size_t from = 0;
            for (;;) {
                const std::size_t bar = f.find('|', from);
                std::string name = f.substr(from, bar == std::string::npos ? bar : bar - from);
                if (name.empty()) {
                    t.fail(r, *prefs_col, "empty port name in the list '" + f + "'");
                }
                if (cap.find(name) == nullptr) {
                    t.fail(r, *prefs_col, "unknown port '" + name + "'");
                }
                for (const auto& earlier : e.preferences) {
                    if (earlier == name) {
                        t.fail(r, *prefs_col, "port '" + name + "' listed twice");
                    }
                }
                e.preferences.push_back(std::move(name));
                if (bar == std::string::npos) {
                    break;
                }
                from = bar + 1;
            }
            e.port = e.preferences.front();
        }
        if (party_col) {
            e.party = count_field(t, r, *party_col, 1, max_party);
        }
        if (reg_col) {
            const std::string_view f = t.field(r, *reg_col);
            const auto d = cbpq::detail::parse_civil_date(f);
            if (!d) {
                t.fail(r, *reg_col, "'" + std::string(f) + "' is not a date YYYY-MM-DD");
            }
            e.registered = cbpq::detail::day_number(*d);
        }
        if (weight_col) {
            const std::string_view f = t.field(r, *weight_col);
            double w = 0.0;
            const auto res = std::from_chars(f.data(), f.data() + f.size(), w);
            if (f.empty() || res.ec != std::errc{} || res.ptr != f.data() + f.size() || w != w) {
                t.fail(r, *weight_col, "'" + std::string(f) + "' is not a decimal number");
            }
            if (!(w >= cbpq::min_weight && w <= cbpq::max_weight)) {
                t.fail(r, *weight_col,
                       "weight " + std::string(f) +
                           " must be positive and finite, from 2^-100 to 2^100");
            }
            e.weight = w;
        }
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace tool

#endif
