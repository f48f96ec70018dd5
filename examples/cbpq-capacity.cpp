// SPDX-License-Identifier: BSL-1.0
// cbpq-capacity: what each port can take, per date, from a capacity plan (docs/capacity.md);
// and the apportionment of a total by weights.
//
//   cbpq-capacity --plan FILE --from YYYY-MM-DD --to YYYY-MM-DD [--slots | --pools]
//       CSV "date,port,persons,parties", one row per port and date (parties empty: no cap).
//       --slots adds a fifth column "slot": after each port row come its slot rows
//       "date,port,persons,,HH:MM" (persons of that slot); port rows have an empty slot.
//       --pools prints "date,port,pool,persons" instead: the set-aside pools of each port-day.
//   cbpq-capacity --apportion TOTAL --weights "a=5117,b=4400,..." [--method M]
//       CSV "port,seats"; M is hamilton (default), webster, dhondt or huntington-hill.
//
// Exit codes: 0 done, 2 bad input (the message names file, line and column).

#include "tool.hpp"

#include <cbpq/capacity.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace {

constexpr std::string_view usage =
    "usage: cbpq-capacity --plan FILE --from YYYY-MM-DD --to YYYY-MM-DD [--slots | --pools]\n"
    "       cbpq-capacity --apportion TOTAL --weights \"a=5117,b=4400,...\" "
    "[--method hamilton|webster|dhondt|huntington-hill]\n";

std::int64_t whole_number(const std::string& text, const std::string& source, std::size_t column,
                          const std::string& field) {
    if (text.empty() || text.size() > 10) {
        throw cbpq::parse_error(source, 1, column, field,
                                "expected a whole number, got '" + text + "'");
    }
    std::int64_t n = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            throw cbpq::parse_error(source, 1, column, field,
                                    text[0] == '-' ? "must not be negative, got '" + text + "'"
                                                   : "expected a whole number, got '" + text + "'");
        }
        n = n * 10 + (c - '0');
    }
    return n;
}

int apportion_command(const tool::options& opt) {
    const std::int64_t total = whole_number(opt.require("apportion"), "--apportion", 1, "total");
    const std::string weights = opt.require("weights");
    const auto method_name = opt.get("method").value_or("hamilton");
    const auto method = cbpq::parse_apportion_method(method_name);
    if (!method) {
        throw cbpq::invalid_input("--method", "method", "unknown method '" + method_name + "'");
    }
    std::vector<std::string> names;
    std::vector<std::int64_t> w;
    std::size_t pos = 0;
    while (pos <= weights.size()) {
        std::size_t end = weights.find(',', pos);
        if (end == std::string::npos) {
            end = weights.size();
        }
        const std::string item = weights.substr(pos, end - pos);
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw cbpq::parse_error("--weights", 1, pos + 1, "weights",
                                    "expected name=weight, got '" + item + "'");
        }
        const std::string name = item.substr(0, eq);
        for (const auto& n : names) {
            if (n == name) {
                throw cbpq::parse_error("--weights", 1, pos + 1, name, "named twice");
            }
        }
        names.push_back(name);
        w.push_back(whole_number(item.substr(eq + 1), "--weights", pos + eq + 2, name));
        if (end == weights.size()) {
            break;
        }
        pos = end + 1;
    }
    const auto seats = cbpq::apportion(total, w, *method);
    std::string out = "port,seats\n";
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += names[i] + ',' + std::to_string(seats[i]) + '\n';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return tool::ok;
}

int plan_command(const tool::options& opt) {
    const std::string path = opt.require("plan");
    const auto plan = cbpq::capacity_plan::parse(tool::read_file(path), path);
    const auto from = cbpq::parse_date(opt.require("from"), "--from");
    const auto to = cbpq::parse_date(opt.require("to"), "--to");
    const auto first = cbpq::detail::day_number(from);
    const auto last = cbpq::detail::day_number(to);
    if (last < first || last - first > 36600) {
        throw cbpq::invalid_input("--to", "to", "the range must run forward, at most 100 years");
    }
    const bool slots = opt.has("slots");
    const bool pools = opt.has("pools");
    if (slots && pools) {
        throw tool::usage_error("give at most one of --slots and --pools");
    }
    std::string out =
        pools ? "date,port,pool,persons\n"
              : (slots ? "date,port,persons,parties,slot\n" : "date,port,persons,parties\n");
    for (auto n = first; n <= last; ++n) {
        const auto date = cbpq::detail::from_day_number(n);
        const std::string ds = cbpq::format_date(date);
        for (const auto& p : plan.for_date(date).ports) {
            if (pools) {
                for (const auto& a : plan.pools(p.persons)) {
                    out +=
                        ds + ',' + p.port + ',' + a.pool + ',' + std::to_string(a.persons) + '\n';
                }
                continue;
            }
            out += ds + ',' + p.port + ',' + std::to_string(p.persons) + ',' +
                   (p.parties ? std::to_string(*p.parties) : std::string()) +
                   (slots ? ",\n" : "\n");
            if (slots) {
                for (const auto& s : p.slots) {
                    out +=
                        ds + ',' + p.port + ',' + std::to_string(s.persons) + ",," + s.label + '\n';
                }
            }
        }
        if (out.size() > (1U << 16)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return tool::ok;
}

int body(int argc, char** argv) {
    const tool::options opt(argc, argv, {"plan", "from", "to", "apportion", "weights", "method"},
                            {"slots", "pools"});
    if (!opt.positional().empty()) {
        throw tool::usage_error("unexpected argument '" + opt.positional().front() + "'");
    }
    if (opt.has("plan") == opt.has("apportion")) {
        throw tool::usage_error("give exactly one of --plan and --apportion");
    }
    return opt.has("apportion") ? apportion_command(opt) : plan_command(opt);
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-capacity", usage, [&] { return body(argc, argv); });
}
