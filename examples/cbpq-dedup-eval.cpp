// SPDX-License-Identifier: BSL-1.0
// cbpq-dedup-eval: measures cbpq-dedup's output against the truth. Pairwise: the automatic
// pairs are all pairs inside one cluster (keep + cancel); their precision, recall and F1
// against the true pairs (same person); and the recall of cancel + review, where a review row
// also joins the registration it names (cbpq-dedup --details). Prints one figure a line.
//
//   cbpq-dedup-eval --in INPUT.csv --id COLUMN (--truth COLUMN | --febrl)
//                   --result OUT.csv [--show-errors N]
//
// --febrl takes the person from FEBRL record ids: rec-N-org and rec-N-dup-K are person N.

#include "tool.hpp"

#include <cbpq/csv.hpp>
#include <cbpq/detail/union_find.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

constexpr std::string_view usage =
    "usage: cbpq-dedup-eval --in INPUT.csv --id COLUMN (--truth COLUMN | --febrl) --result "
    "OUT.csv [--show-errors N]\n";

double pairs(std::uint64_t n) { return static_cast<double>(n) * static_cast<double>(n - 1) / 2; }

int body(int argc, char** argv) {
    const tool::options opt(argc, argv, {"in", "id", "truth", "result", "show-errors"}, {"febrl"});
    cbpq::csv_options csv;
    csv.trim_spaces = true;
    const auto in = cbpq::parse_csv(tool::read_file(opt.require("in")), opt.require("in"), csv);
    const auto out =
        cbpq::parse_csv(tool::read_file(opt.require("result")), opt.require("result"), csv);
    const bool febrl = opt.has("febrl");
    if (febrl == opt.has("truth")) {
        throw tool::usage_error("give exactly one of --truth and --febrl");
    }
    const std::size_t id_col = in.require_column(opt.require("id"));
    const std::size_t truth_col = febrl ? id_col : in.require_column(opt.require("truth"));
    const std::size_t show = opt.has("show-errors") ? std::stoul(*opt.get("show-errors")) : 0;

    std::unordered_map<std::string, std::uint32_t> index;
    std::vector<std::string> truth;
    for (const auto& r : in.rows) {
        std::string t = r.fields[truth_col];
        if (febrl) {
            const auto a = t.find('-');
            const auto b = t.find('-', a + 1);
            t = t.substr(a + 1, b - a - 1);
        }
        index.emplace(r.fields[id_col], static_cast<std::uint32_t>(truth.size()));
        truth.push_back(std::move(t));
    }
    const std::size_t oc = out.require_column("cluster");
    const std::size_t od = out.require_column("decision");
    const std::size_t orule = out.require_column("rule");
    const auto oo = out.find_column("other");
    const std::size_t oid = out.require_column("id");
    cbpq::detail::union_find reach;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        reach.add();
    }
    std::vector<std::uint32_t> cluster(truth.size());
    auto at = [&](const std::string& id) {
        const auto it = index.find(id);
        if (it == index.end()) {
            throw cbpq::invalid_input(id, "id", "id not in the input");
        }
        return it->second;
    };
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> by_rule; // rule -> ok, wrong
    std::size_t shown = 0;
    for (const auto& r : out.rows) {
        const auto i = at(r.fields[oid]);
        cluster[i] = at(r.fields[oc]);
        reach.unite(i, cluster[i]);
        const std::string& d = r.fields[od];
        if (oo && d == "review" && !r.fields[*oo].empty()) {
            reach.unite(i, at(r.fields[*oo]));
        }
        if (d != "keep" && oo && !r.fields[*oo].empty()) {
            const auto o = at(r.fields[*oo]);
            auto& c = by_rule[d + " " + r.fields[orule]];
            (truth[i] == truth[o] ? c.first : c.second) += 1;
            if (truth[i] != truth[o] && d == "cancel" && shown < show) {
                ++shown;
                std::fprintf(stderr, "false cancel: %s ~ %s (%s)\n", r.fields[oid].c_str(),
                             r.fields[*oo].c_str(), r.fields[orule].c_str());
            }
        }
    }
    std::unordered_map<std::string, std::uint64_t> t_count;
    std::unordered_map<std::uint64_t, std::uint64_t> c_count, r_count;
    std::unordered_map<std::string, std::uint64_t> ct_count, rt_count;
    for (std::uint32_t i = 0; i < truth.size(); ++i) {
        ++t_count[truth[i]];
        ++c_count[cluster[i]];
        ++ct_count[std::to_string(cluster[i]) + "|" + truth[i]];
        const auto root = reach.find(i);
        ++r_count[root];
        ++rt_count[std::to_string(root) + "|" + truth[i]];
    }
    double true_pairs = 0, auto_pairs = 0, auto_tp = 0, reach_pairs = 0, reach_tp = 0;
    for (const auto& [k, n] : t_count) {
        true_pairs += pairs(n);
    }
    for (const auto& [k, n] : c_count) {
        auto_pairs += pairs(n);
    }
    for (const auto& [k, n] : ct_count) {
        auto_tp += pairs(n);
    }
    for (const auto& [k, n] : r_count) {
        reach_pairs += pairs(n);
    }
    for (const auto& [k, n] : rt_count) {
        reach_tp += pairs(n);
    }
    const double p = auto_pairs > 0 ? auto_tp / auto_pairs : 1.0;
    const double rc = true_pairs > 0 ? auto_tp / true_pairs : 1.0;
    const double f1 = p + rc > 0 ? 2 * p * rc / (p + rc) : 0.0;
    std::printf("registrations            %zu\n", truth.size());
    std::printf("true pairs               %.0f\n", true_pairs);
    std::printf("automatic pairs          %.0f (true %.0f)\n", auto_pairs, auto_tp);
    std::printf("automatic precision      %.5f\n", p);
    std::printf("automatic recall         %.5f\n", rc);
    std::printf("automatic F1             %.5f\n", f1);
    std::printf("cancel+review pairs      %.0f (true %.0f)\n", reach_pairs, reach_tp);
    std::printf("cancel+review recall     %.5f\n", true_pairs > 0 ? reach_tp / true_pairs : 1.0);
    for (const auto& [rule, c] : by_rule) {
        std::printf("  %-40s right %8llu  wrong %6llu\n", rule.c_str(),
                    static_cast<unsigned long long>(c.first),
                    static_cast<unsigned long long>(c.second));
    }
    return tool::ok;
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-dedup-eval", usage, [&] { return body(argc, argv); });
}
