// SPDX-License-Identifier: BSL-1.0
// cbpq-fairness: runs the steady scenario (pool held at N, S slots a day) under several
// selection policies and seeds, and prints one row of fairness metrics per policy, pooled over
// every seed and port: policy,mean,p50,p90,p95,p99,max,jain,gini,chi2_p_party,utilisation.
// Optionally writes the same rows to a CSV file, one row per (policy, seed, port) with the run
// seed to another, and SVG figures (the distribution of waits per policy, p95 wait per port).
//
//   cbpq-fairness --scenario steady --pool N --slots S [--days D] [--seeds K]
//                 --policies uniform,fifo,seniority:0.3,seniority:0.5,aging:linear/30
//                 [--burn-in B] [--seed HEX] [--csv OUT.csv] [--runs RUNS.csv] [--svg DIR]
//                 [--threads T]
//   cbpq-fairness --scenario FILE ...      (a scenario text file, docs/simulate.md)

#include "tool.hpp"

#include <cbpq/csv.hpp>
#include <cbpq/fairness.hpp>
#include <cbpq/simulate.hpp>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr std::string_view usage =
    "usage: cbpq-fairness --scenario steady --pool N --slots S [--days D] [--seeds K]\n"
    "                     --policies LIST [--burn-in B] [--seed HEX] [--csv OUT.csv]\n"
    "                     [--runs RUNS.csv] [--svg DIR] [--threads T]\n"
    "       cbpq-fairness --scenario FILE --policies LIST [same options but --pool, --slots]\n"
    "  LIST: comma-separated uniform, fifo, seniority:S, aging:linear/P[/CAP], "
    "aging:double/P[/CAP]\n";

constexpr std::string_view default_seed_text = "cbpq-fairness default seed";

std::int64_t integer_option(const tool::options& opt, const std::string& name, std::int64_t lo,
                            std::int64_t hi, std::int64_t fallback) {
    const auto text = opt.get(name);
    if (!text) {
        return fallback;
    }
    std::int64_t v = 0;
    const auto r = std::from_chars(text->data(), text->data() + text->size(), v);
    if (text->empty() || r.ec != std::errc() || r.ptr != text->data() + text->size() || v < lo ||
        v > hi) {
        throw cbpq::invalid_input("option --" + name, name,
                                  "'" + *text + "' is not a whole number from " +
                                      std::to_string(lo) + " to " + std::to_string(hi));
    }
    return v;
}

std::string fixed(double v, int decimals) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    std::string s(buf, r.ptr);
    return s == "-0" || s == "-0.0000" ? s.substr(1) : s;
}

void append_metrics(std::string& row, const cbpq::sim::port_outcome& o) {
    const auto s = o.waits.summary();
    row += fixed(s.mean, 3) + ',' + fixed(s.p50, 0) + ',' + fixed(s.p90, 0) + ',' +
           fixed(s.p95, 0) + ',' + fixed(s.p99, 0) + ',' + fixed(s.max, 0) + ',' +
           fixed(s.jain, 4) + ',' + fixed(s.gini, 4) + ',' + fixed(o.party.test().p_value, 4);
}

int body(int argc, char** argv) {
    const tool::options opt(argc, argv,
                            {"scenario", "pool", "slots", "days", "seeds", "policies", "burn-in",
                             "seed", "csv", "runs", "svg", "threads"});
    if (!opt.positional().empty()) {
        throw tool::usage_error("unexpected argument '" + opt.positional().front() + "'");
    }
    const std::string scenario_name = opt.require("scenario");
    cbpq::sim::steady_scenario scenario;
    if (scenario_name == "steady") {
        const auto pool = integer_option(opt, "pool", 1, 100000000, -1);
        const auto slots = integer_option(opt, "slots", 1, 100000000, -1);
        if (pool < 0 || slots < 0) {
            throw tool::usage_error("--scenario steady needs --pool and --slots");
        }
        if (slots > pool) {
            throw cbpq::invalid_input("option --slots", "slots",
                                      "the slots a day must not exceed the pool");
        }
        scenario.ports.push_back({"all", pool, slots});
    } else {
        if (opt.has("pool") || opt.has("slots")) {
            throw tool::usage_error("--pool and --slots go with --scenario steady; a scenario "
                                    "file names its ports itself");
        }
        scenario = cbpq::sim::parse_scenario(tool::read_file(scenario_name), scenario_name);
    }
    scenario.days =
        static_cast<std::int32_t>(integer_option(opt, "days", 1, 100000, scenario.days));
    scenario.burn_in =
        static_cast<std::int32_t>(integer_option(opt, "burn-in", 0, 99999, scenario.burn_in));
    scenario.validate();
    const auto seeds = static_cast<std::uint64_t>(integer_option(opt, "seeds", 1, 10000, 1));
    const auto threads = static_cast<std::size_t>(integer_option(opt, "threads", 1, 256, 1));
    const auto policies = cbpq::sim::parse_policies(opt.require("policies"));
    const cbpq::seed base = opt.has("seed") ? cbpq::seed::from_hex(opt.require("seed"))
                                            : cbpq::seed(cbpq::sha256(default_seed_text));

    // One job per (policy, seed); results land in fixed slots, so the output does not depend
    // on the thread count or on scheduling.
    const std::size_t jobs = policies.size() * seeds;
    std::vector<cbpq::sim::run_outcome> runs(jobs);
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    const auto start = std::chrono::steady_clock::now();
    auto worker = [&] {
        for (;;) {
            const std::size_t j = next.fetch_add(1);
            if (j >= jobs || failed.load()) {
                return;
            }
            const std::uint64_t k = j % seeds;
            try {
                runs[j] = cbpq::sim::run_steady(scenario, policies[j / seeds],
                                                cbpq::sim::run_seed(base, k), k);
            } catch (...) {
                if (!failed.exchange(true)) {
                    failure = std::current_exception();
                }
                return;
            }
        }
    };
    if (threads <= 1) {
        worker();
    } else {
        std::vector<std::thread> pool;
        for (std::size_t t = 0; t < threads; ++t) {
            pool.emplace_back(worker);
        }
        for (auto& t : pool) {
            t.join();
        }
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // Pool each policy's runs, per port and overall.
    std::vector<cbpq::sim::run_outcome> pooled;
    for (std::size_t p = 0; p < policies.size(); ++p) {
        cbpq::sim::run_outcome all = runs[p * seeds];
        for (std::uint64_t k = 1; k < seeds; ++k) {
            const auto& r = runs[p * seeds + k];
            for (std::size_t i = 0; i < all.ports.size(); ++i) {
                all.ports[i].merge(r.ports[i]);
            }
        }
        pooled.push_back(std::move(all));
    }

    std::string table = "policy,mean,p50,p90,p95,p99,max,jain,gini,chi2_p_party,utilisation\n";
    for (const auto& r : pooled) {
        const auto o = r.overall();
        std::string row;
        cbpq::csv_append_field(row, r.policy);
        row += ',';
        append_metrics(row, o);
        row += ',' + fixed(o.capacity.utilisation(), 4) + '\n';
        table += row;
    }
    std::cout << table << std::flush;
    if (const auto path = opt.get("csv")) {
        tool::write_file_atomic(*path, table);
    }
    if (const auto path = opt.get("runs")) {
        std::string out = "policy,seed_index,seed,port,mean,p50,p90,p95,p99,max,jain,gini,"
                          "chi2_p_party,chi2_p_cohort,utilisation,offered,used,unused,"
                          "carried_over\n";
        for (const auto& r : runs) {
            std::vector<cbpq::sim::port_outcome> rows = r.ports;
            if (rows.size() > 1) {
                rows.push_back(r.overall());
            }
            for (const auto& o : rows) {
                std::string row;
                cbpq::csv_append_field(row, r.policy);
                row += ',' + std::to_string(r.seed_index) + ',' + r.run_seed.to_hex() + ',';
                cbpq::csv_append_field(row, o.port);
                row += ',';
                append_metrics(row, o);
                row += ',' + fixed(o.cohort.test().p_value, 4) + ',' +
                       fixed(o.capacity.utilisation(), 4) + ',' +
                       std::to_string(o.capacity.offered) + ',' + std::to_string(o.capacity.used) +
                       ',' + std::to_string(o.capacity.unused()) + ',' +
                       std::to_string(o.capacity.carried_out) + '\n';
                out += row;
            }
        }
        tool::write_file_atomic(*path, out);
    }
    if (const auto dir = opt.get("svg")) {
        std::error_code ec;
        std::filesystem::create_directories(*dir, ec);
        if (ec) {
            throw cbpq::storage_failure("cannot create folder '" + *dir + "': " + ec.message());
        }
        const std::string what = "steady scenario, " + std::to_string(seeds) + " seed(s), days " +
                                 std::to_string(scenario.effective_burn_in() + 1) + "-" +
                                 std::to_string(scenario.days);
        std::vector<cbpq::named_waits> ecdf;
        for (const auto& r : pooled) {
            ecdf.push_back({r.policy, r.overall().waits});
        }
        tool::write_file_atomic(*dir + "/ecdf.svg",
                                cbpq::wait_ecdf_svg("Waits by policy (" + what + ")", ecdf));
        std::vector<std::string> ports;
        for (const auto& p : pooled.front().ports) {
            ports.push_back(p.port);
        }
        std::vector<std::string> names;
        std::vector<std::vector<double>> p95;
        for (const auto& r : pooled) {
            names.push_back(r.policy);
            std::vector<double> row;
            for (const auto& p : r.ports) {
                row.push_back(p.waits.quantile(0.95));
            }
            p95.push_back(std::move(row));
        }
        tool::write_file_atomic(*dir + "/p95_by_port.svg",
                                cbpq::grouped_bars_svg("p95 wait per port (" + what + ")", "port",
                                                       "p95 wait (days)", ports, names, p95));
    }
    std::cerr << "cbpq-fairness: " << jobs << " run(s) of " << scenario.days
              << " days, measured days " << scenario.effective_burn_in() + 1 << "-" << scenario.days
              << ", base seed " << base.to_hex() << ", " << fixed(seconds, 2) << " s\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-fairness", usage, [&] { return body(argc, argv); });
}
