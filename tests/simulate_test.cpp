// Tests for simulate.hpp: the random variates, the policies against brute force, the scenario
// text format, reproducibility, and queueing theory as the oracle for the steady scenario
// (../shared/reference/facts-and-vectors.md). Every statistical tolerance is derived in the
// comment beside it from the sample size; none was tuned.
#include <cbpq/simulate.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace {

namespace sim = cbpq::sim;

// Two-sided 0.1% critical value of Student's t with 9 degrees of freedom (any t table, e.g.
// NIST/SEMATECH e-Handbook 1.3.6.7.2: t(0.9995, 9) = 4.781).
constexpr double t_9_0_9995 = 4.781;

// Chi-square goodness of fit of `counts` (value -> count) against the pmf, merging the tails
// so that every bin expects at least 5.
double gof_p_value(const std::vector<std::uint64_t>& counts, std::uint64_t n,
                   const std::vector<double>& pmf) {
    std::vector<double> obs;
    std::vector<double> exp;
    double o = 0.0;
    double e = 0.0;
    for (std::size_t k = 0; k < pmf.size(); ++k) {
        o += k < counts.size() ? static_cast<double>(counts[k]) : 0.0;
        e += pmf[k] * static_cast<double>(n);
        if (e >= 5.0) {
            obs.push_back(o);
            exp.push_back(e);
            o = 0.0;
            e = 0.0;
        }
    }
    // Everything beyond the pmf's support and the last partial bin go to the last bin.
    double rest = 0.0;
    for (std::size_t k = pmf.size(); k < counts.size(); ++k) {
        rest += static_cast<double>(counts[k]);
    }
    double total_e = std::accumulate(exp.begin(), exp.end(), 0.0);
    obs.back() += o + rest;
    exp.back() += static_cast<double>(n) - total_e;
    return cbpq::chi_square_test(obs, exp).p_value;
}

std::vector<sim::entrant> random_pool(std::size_t n, std::uint64_t stream_id) {
    cbpq::keyed_stream s = cbpq::draw_key(cbpq::seed{}, "simulate-test pool").stream(stream_id);
    std::vector<sim::entrant> pool;
    for (std::size_t i = 0; i < n; ++i) {
        pool.push_back({0, -static_cast<std::int32_t>(s.below(40)), 0});
    }
    std::stable_sort(pool.begin(), pool.end(), [](const sim::entrant& a, const sim::entrant& b) {
        return a.entry_day < b.entry_day;
    });
    for (std::size_t i = 0; i < n; ++i) {
        pool[i].id = 1000 + 3 * i;
    }
    return pool;
}

std::vector<std::uint32_t> sorted(std::vector<std::uint32_t> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// The geometric wait of the pure lottery: P(W > k) = q^k, q = 1 - p, on {1, 2, ...}.
double geometric_cdf(double k, double p) { return k < 1.0 ? 0.0 : 1.0 - std::pow(1.0 - p, k); }
double geometric_quantile(double alpha, double p) { // nearest rank: smallest k with F(k) >= alpha
    double k = std::ceil(std::log(1.0 - alpha) / std::log(1.0 - p));
    while (k > 1.0 && geometric_cdf(k - 1.0, p) >= alpha) {
        k -= 1.0;
    }
    while (geometric_cdf(k, p) < alpha) {
        k += 1.0;
    }
    return std::max(k, 1.0);
}

struct seeds_result {
    std::vector<cbpq::wait_summary> per_seed;
    cbpq::wait_histogram pooled;
    sim::port_outcome all;
};

seeds_result run_seeds(const sim::steady_scenario& sc, const sim::policy& p, std::uint64_t k) {
    seeds_result r;
    const cbpq::seed base = cbpq::seed(cbpq::sha256("simulate-test base"));
    for (std::uint64_t i = 0; i < k; ++i) {
        const auto out = sim::run_steady(sc, p, sim::run_seed(base, i), i);
        const auto o = out.overall();
        r.per_seed.push_back(o.waits.summary());
        r.pooled.merge(o.waits);
        if (i == 0) {
            r.all = o;
        } else {
            r.all.merge(o);
        }
    }
    return r;
}

double mean_of(const std::vector<cbpq::wait_summary>& v, double cbpq::wait_summary::*field) {
    double s = 0.0;
    for (const auto& x : v) {
        s += x.*field;
    }
    return s / static_cast<double>(v.size());
}

double sd_of(const std::vector<cbpq::wait_summary>& v, double cbpq::wait_summary::*field) {
    const double m = mean_of(v, field);
    double s = 0.0;
    for (const auto& x : v) {
        s += (x.*field - m) * (x.*field - m);
    }
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Random variates

// Poisson(lambda) over n draws: the sample mean has standard error sqrt(lambda / n), the sample
// variance sqrt((lambda + 2 lambda^2) / n) (the fourth central moment of the Poisson is
// lambda + 3 lambda^2); both are checked at 4 standard errors (two-sided 6e-5), and the whole
// distribution by a chi-square goodness of fit at the 0.1% level, under fixed seeds.
TEST_CASE("poisson_variate matches the Poisson distribution (Knuth and PTRS branches)") {
    for (const double lambda : {0.5, 3.5, 9.99, 10.0, 47.3, 1000.0, 250000.0}) {
        CAPTURE(lambda);
        const std::uint64_t n = 20000;
        cbpq::keyed_stream s = cbpq::draw_key(cbpq::seed{}, "poisson-test")
                                   .stream(static_cast<std::uint64_t>(lambda * 100));
        std::vector<std::uint64_t> counts;
        double sum = 0.0;
        double sum_sq = 0.0;
        const auto base =
            static_cast<std::uint64_t>(std::max(0.0, std::floor(lambda - 8.0 * std::sqrt(lambda))));
        for (std::uint64_t i = 0; i < n; ++i) {
            const std::uint64_t k = sim::poisson_variate(lambda, s);
            sum += static_cast<double>(k);
            sum_sq += static_cast<double>(k) * static_cast<double>(k);
            const std::uint64_t slot = k >= base ? k - base : 0;
            if (slot >= counts.size()) {
                counts.resize(slot + 1, 0);
            }
            ++counts[slot];
        }
        const double mean = sum / static_cast<double>(n);
        const double var = (sum_sq - sum * mean) / static_cast<double>(n - 1);
        CHECK(std::fabs(mean - lambda) <= 4.0 * std::sqrt(lambda / static_cast<double>(n)));
        CHECK(std::fabs(var - lambda) <=
              4.0 * std::sqrt((lambda + 2.0 * lambda * lambda) / static_cast<double>(n)));
        // pmf from base upward, computed in log space.
        std::vector<double> pmf;
        double below = 0.0;
        for (std::uint64_t k = 0; k < base; ++k) {
            below += std::exp(-lambda + static_cast<double>(k) * std::log(lambda) -
                              std::lgamma(static_cast<double>(k) + 1.0));
        }
        for (std::uint64_t k = base;
             k < base + 16 * static_cast<std::uint64_t>(std::sqrt(lambda)) + 40; ++k) {
            pmf.push_back(std::exp(-lambda + static_cast<double>(k) * std::log(lambda) -
                                   std::lgamma(static_cast<double>(k) + 1.0)));
        }
        pmf[0] += below;
        CHECK(gof_p_value(counts, n, pmf) > 0.001);
    }
    cbpq::keyed_stream s = cbpq::draw_key(cbpq::seed{}, "x").stream(0);
    CHECK(sim::poisson_variate(0.0, s) == 0);
    CHECK_THROWS_AS((void)sim::poisson_variate(-1.0, s), cbpq::invalid_input);
    CHECK_THROWS_AS((void)sim::poisson_variate(std::nan(""), s), cbpq::invalid_input);
    // Above 1e9 the acceptance test's rounding would no longer be negligible: refused.
    (void)sim::poisson_variate(1e9, s);
    CHECK_THROWS_AS((void)sim::poisson_variate(1.0000001e9, s), cbpq::invalid_input);
}

TEST_CASE("poisson_variate reproduces: known answers") {
    cbpq::keyed_stream a = cbpq::draw_key(cbpq::seed{}, "poisson-kat").stream(7);
    cbpq::keyed_stream b = cbpq::draw_key(cbpq::seed{}, "poisson-kat").stream(7);
    for (const double lambda : {2.0, 30.0, 1e6}) {
        for (int i = 0; i < 50; ++i) {
            CHECK(sim::poisson_variate(lambda, a) == sim::poisson_variate(lambda, b));
        }
    }
}

TEST_CASE("categorical_variate follows its integer weights") {
    // Chi-square goodness of fit at the 0.1% level, fixed seed.
    const std::vector<std::uint32_t> w{40, 25, 20, 10, 5};
    cbpq::keyed_stream s = cbpq::draw_key(cbpq::seed{}, "categorical-test").stream(0);
    std::vector<double> obs(w.size(), 0.0);
    const int n = 50000;
    for (int i = 0; i < n; ++i) {
        obs[sim::categorical_variate(w, s)] += 1.0;
    }
    std::vector<double> exp;
    for (const auto x : w) {
        exp.push_back(n * x / 100.0);
    }
    CHECK(cbpq::chi_square_test(obs, exp).p_value > 0.001);
    const std::vector<std::uint32_t> zero{0, 0};
    CHECK_THROWS_AS((void)sim::categorical_variate(zero, s), cbpq::invalid_input);
}

// ---------------------------------------------------------------------------------------------
// Policies

TEST_CASE("policies parse and print their canonical text") {
    for (const char* text : {"uniform", "fifo", "seniority:0.3", "seniority:0.5", "seniority:1",
                             "aging:linear/30", "aging:double/14/16", "aging:linear/55/4.5"}) {
        CAPTURE(text);
        CHECK(sim::policy::parse(text).name() == text);
    }
    CHECK(sim::policy::parse("seniority:0.50").name() == "seniority:0.5");
    for (const char* bad :
         {"", "lottery", "seniority:", "seniority:1.5", "seniority:-0.1", "seniority:x",
          "aging:", "aging:linear", "aging:linear/0", "aging:linear/3.5", "aging:cubic/3",
          "aging:double/10/0.5", "aging:double/10/", "aging:linear/10/1e300", "Uniform"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS((void)sim::policy::parse(bad), cbpq::invalid_input);
    }
    CHECK(sim::parse_policies("uniform,fifo,seniority:0.3").size() == 3);
    CHECK_THROWS_AS((void)sim::parse_policies("uniform,,fifo"), cbpq::invalid_input);
    CHECK_THROWS_AS((void)sim::parse_policies("uniform,uniform"), cbpq::invalid_input);
    CHECK_THROWS_AS((void)sim::parse_policies("seniority:0.5,seniority:0.50"), cbpq::invalid_input);
    static_assert(sim::selection_policy<sim::policy>);
    static_assert(sim::selection_policy<sim::uniform_policy>);
    static_assert(sim::selection_policy<sim::aging_policy>);
}

TEST_CASE("aging weights are the production rule's, of the days since arrival") {
    const auto lin = std::get<sim::aging_policy>(sim::policy::parse("aging:linear/10/3").get());
    CHECK(lin.rule == cbpq::parse_aging_rule("linear/10/3"));
    CHECK(lin.weight(0) == 1.0);
    CHECK(lin.weight(5) == 1.5);
    CHECK(lin.weight(20) == 3.0);
    CHECK(lin.weight(100) == 3.0);
    const auto dbl = std::get<sim::aging_policy>(sim::policy::parse("aging:double/7").get());
    CHECK(dbl.weight(6) == 1.0);
    CHECK(dbl.weight(7) == 2.0);
    CHECK(dbl.weight(21) == 8.0);
}

namespace {

// The simulator's own selection before its policies ran the production draw, kept here as an
// independent reference: `senior` slots to the longest waiting (ties within the boundary entry
// day by smallest keyed place), the rest by smallest keyed place among the others, with a
// partial sort instead of the draw's bounded buckets.
std::vector<std::uint32_t> reference_select(const cbpq::draw_key& key,
                                            const std::vector<sim::entrant>& pool,
                                            std::size_t slots, std::size_t senior) {
    const std::size_t n = pool.size();
    slots = std::min(slots, n);
    senior = std::min(senior, slots);
    std::vector<std::uint32_t> winners;
    std::vector<std::uint8_t> taken(n, 0);
    auto smallest = [&](std::size_t first, std::size_t last, std::size_t count) {
        std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;
        for (std::size_t i = first; i < last; ++i) {
            if (taken[i] == 0) {
                keyed.emplace_back(key.entrant_key(pool[i].id), static_cast<std::uint32_t>(i));
            }
        }
        std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(count),
                          keyed.end());
        for (std::size_t i = 0; i < count; ++i) {
            winners.push_back(keyed[i].second);
            taken[keyed[i].second] = 1;
        }
    };
    std::size_t lo = 0;
    if (senior > 0) {
        const std::int32_t boundary = pool[senior - 1].entry_day;
        lo = senior - 1;
        while (lo > 0 && pool[lo - 1].entry_day == boundary) {
            --lo;
        }
        std::size_t hi = senior;
        while (hi < n && pool[hi].entry_day == boundary) {
            ++hi;
        }
        for (std::size_t i = 0; i < lo; ++i) {
            winners.push_back(static_cast<std::uint32_t>(i));
            taken[i] = 1;
        }
        smallest(lo, hi, senior - lo);
    }
    smallest(0, n, slots - senior);
    return winners;
}

// A host's record, read by the production draw through entrant_traits (members id, port,
// party) and a registration-day projection: nothing shared with the simulator's adapter.
struct host_entrant {
    std::uint64_t id;
    std::string port;
    std::int64_t party;
    std::int64_t registered;
};

} // namespace

// The sim's uniform, FIFO and seniority policies run the production draw; this proves it over
// random pools (sizes, entry days with many ties, slots from 1 to beyond the pool) and random
// keys: the winners are exactly those of cbpq::draw / cbpq::draw_seniority called the way a
// host calls them (one port, parties of one, share as given), and those of the reference.
TEST_CASE("uniform, FIFO and seniority select exactly the production draw's winners") {
    cbpq::keyed_stream rs = cbpq::draw_key(cbpq::seed{}, "simulate-test production").stream(0);
    int compared = 0;
    for (std::uint64_t trial = 0; trial < 40; ++trial) {
        const auto n = static_cast<std::size_t>(1 + rs.below(trial < 20 ? 200 : 6000));
        // Entry days spread over 1 to 60 days: few days means large ties at the boundary.
        const auto spread = 1 + rs.below(60);
        std::vector<sim::entrant> pool;
        for (std::size_t i = 0; i < n; ++i) {
            pool.push_back({0, -static_cast<std::int32_t>(rs.below(spread)), 0});
        }
        std::stable_sort(pool.begin(), pool.end(),
                         [](const auto& a, const auto& b) { return a.entry_day < b.entry_day; });
        std::uint64_t next = 1 + rs.below(1000000);
        std::vector<host_entrant> hosts;
        for (auto& e : pool) {
            e.id = next;
            next += 1 + rs.below(5);
            hosts.push_back({e.id, "p", 1, e.entry_day});
        }
        const auto slots = static_cast<std::size_t>(1 + rs.below(n + n / 4 + 1));
        const auto take = std::min(slots, n);
        const sim::day_context ctx{static_cast<std::int32_t>(1 + rs.below(400)),
                                   cbpq::draw_key(cbpq::seed{}, "trial-" + std::to_string(trial))};
        cbpq::day_capacity cap;
        cap.ports.push_back(
            cbpq::port_capacity{"p", static_cast<std::int64_t>(take), std::nullopt, {}});
        auto ids_of = [&](const std::vector<std::uint32_t>& idx) {
            std::vector<std::uint64_t> out;
            for (const auto i : idx) {
                out.push_back(pool[i].id);
            }
            std::sort(out.begin(), out.end());
            return out;
        };
        auto production_ids = [](const auto& result) {
            std::vector<std::uint64_t> out;
            for (const auto& s : result.ports[0].selected) {
                out.push_back(s.id);
            }
            std::sort(out.begin(), out.end());
            return out;
        };
        sim::workspace ws;
        for (const double share : {0.0, 0.1, 0.3, 0.5, 0.77, 1.0}) {
            CAPTURE(trial);
            CAPTURE(n);
            CAPTURE(slots);
            CAPTURE(share);
            std::vector<std::uint32_t> got;
            std::vector<std::uint64_t> want;
            if (share == 0.0) {
                sim::uniform_policy{}.select(ctx, pool, slots, got, ws);
                want = production_ids(cbpq::draw(hosts, cap, ctx.key));
            } else {
                cbpq::draw_options o;
                o.policy = cbpq::draw_policy::seniority;
                o.seniority_share = share;
                (share == 1.0 ? sim::policy(sim::fifo_policy{})
                              : sim::policy(sim::seniority_policy{share}))
                    .select(ctx, pool, slots, got, ws);
                want = production_ids(cbpq::draw_seniority(
                    hosts, cap, ctx.key, o, [](const host_entrant& h) { return h.id; },
                    [](const host_entrant& h) -> const std::string& { return h.port; },
                    [](const host_entrant& h) { return h.party; },
                    [](const host_entrant& h) { return h.registered; }));
            }
            REQUIRE(got.size() == take);
            CHECK(ids_of(got) == want);
            const std::size_t senior = sim::seniority_policy{share}.senior_slots(take);
            CHECK(ids_of(reference_select(ctx.key, pool, slots, senior)) == want);
            ++compared;
        }
    }
    CHECK(compared == 240);
}

// Each policy's winners against a brute-force reading of its definition.
TEST_CASE("policies select what their definitions say") {
    const auto pool = random_pool(3000, 1);
    const sim::day_context ctx{5, cbpq::draw_key(cbpq::seed{}, "day-5")};
    sim::workspace ws;
    // (place, id) of every entrant, ascending.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> order;
    for (std::uint32_t i = 0; i < pool.size(); ++i) {
        order.emplace_back(ctx.key.entrant_key(pool[i].id), i);
    }
    std::sort(order.begin(), order.end());

    for (const std::size_t slots : {std::size_t{1}, std::size_t{37}, std::size_t{500},
                                    std::size_t{2999}, std::size_t{3000}, std::size_t{4000}}) {
        CAPTURE(slots);
        const std::size_t take = std::min(slots, pool.size());
        std::vector<std::uint32_t> got;
        sim::uniform_policy{}.select(ctx, pool, slots, got, ws);
        std::vector<std::uint32_t> want;
        for (std::size_t i = 0; i < take; ++i) {
            want.push_back(order[i].second);
        }
        CHECK(sorted(got) == sorted(want));

        for (const double share : {0.0, 0.3, 0.5, 1.0}) {
            CAPTURE(share);
            const sim::seniority_policy sp{share};
            const std::size_t senior = sp.senior_slots(take);
            // Seniority: by (entry day, place); the rest by place among the others.
            std::vector<std::pair<std::pair<std::int32_t, std::uint64_t>, std::uint32_t>> by_age;
            for (std::uint32_t i = 0; i < pool.size(); ++i) {
                by_age.push_back({{pool[i].entry_day, ctx.key.entrant_key(pool[i].id)}, i});
            }
            std::sort(by_age.begin(), by_age.end());
            std::vector<std::uint8_t> taken(pool.size(), 0);
            std::vector<std::uint32_t> expect;
            for (std::size_t i = 0; i < senior; ++i) {
                expect.push_back(by_age[i].second);
                taken[by_age[i].second] = 1;
            }
            for (const auto& [place, i] : order) {
                if (expect.size() == take) {
                    break;
                }
                if (taken[i] == 0) {
                    expect.push_back(i);
                }
            }
            got.clear();
            sp.select(ctx, pool, slots, got, ws);
            CHECK(sorted(got) == sorted(expect));
            if (share == 1.0) {
                got.clear();
                sim::fifo_policy{}.select(ctx, pool, slots, got, ws);
                CHECK(sorted(got) == sorted(expect));
            }
        }

        // Aging: the smallest (E / w, key) over everyone, sorted in full, with the production
        // value (weighted_value) and w from the days since arrival (ctx.day - entry_day).
        for (const char* spec : {"aging:linear/5", "aging:double/10/8", "aging:linear/1000"}) {
            CAPTURE(spec);
            const auto ap = std::get<sim::aging_policy>(sim::policy::parse(spec).get());
            std::vector<std::tuple<double, std::uint64_t, std::uint32_t>> keys;
            for (std::uint32_t i = 0; i < pool.size(); ++i) {
                const std::uint64_t k = ctx.key.entrant_key(pool[i].id);
                keys.emplace_back(cbpq::weighted_value(k, ap.weight(ctx.day - pool[i].entry_day)),
                                  k, i);
            }
            std::sort(keys.begin(), keys.end());
            std::vector<std::uint32_t> expect;
            for (std::size_t i = 0; i < take; ++i) {
                expect.push_back(std::get<2>(keys[i]));
            }
            got.clear();
            ap.select(ctx, pool, slots, got, ws);
            CHECK(sorted(got) == sorted(expect));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scenarios

TEST_CASE("scenario text format") {
    const auto s = sim::parse_scenario("# three ports\n"
                                       "scenario steady\n"
                                       "days 200   # a comment\n"
                                       "burn-in 50\n"
                                       "party-weights 1 1 2\n"
                                       "port nogales pool 2000 slots 100\r\n"
                                       "port san-ysidro pool 8000 slots 390\n"
                                       "\n"
                                       "port el_paso pool 100 slots 100\n",
                                       "three.txt");
    CHECK(s.days == 200);
    CHECK(s.burn_in == 50);
    CHECK(s.party_weights == std::vector<std::uint32_t>{1, 1, 2});
    REQUIRE(s.ports.size() == 3);
    CHECK(s.ports[1] == sim::port_spec{"san-ysidro", 8000, 390});
    CHECK(s.effective_burn_in() == 50);

    const auto d = sim::parse_scenario("scenario steady\nport a pool 1000 slots 30\n");
    CHECK(d.days == 365);
    CHECK(d.effective_burn_in() == 100); // ceil(3 x 1000/30)
    CHECK(sim::steady_preset(80000, 1450).effective_burn_in() == 166);
    CHECK(sim::steady_preset(80000, 100, 300).effective_burn_in() == 150); // half the days

    struct bad_case {
        const char* text;
        std::size_t line;
        std::size_t column;
    };
    for (const auto& c : {bad_case{"", 1, 1}, bad_case{"days 3\n", 1, 1},
                          bad_case{"scenario busy\n", 1, 10}, bad_case{"scenario steady\n", 0, 0},
                          bad_case{"scenario steady\nport a pool 10 slots\n", 2, 21},
                          bad_case{"scenario steady\nport a pool x slots 3\n", 2, 13},
                          bad_case{"scenario steady\nport a size 10 slots 3\n", 2, 8},
                          bad_case{"scenario steady\ndays 0\nport a pool 9 slots 3\n", 2, 6},
                          bad_case{"scenario steady\ndays 5\ndays 6\n", 3, 1},
                          bad_case{"scenario steady\nfrobnicate 1\n", 2, 1},
                          bad_case{"scenario steady\nport a pool 10 slots -3\n", 2, 22}}) {
        CAPTURE(std::string(c.text));
        try {
            (void)sim::parse_scenario(c.text, "bad.txt");
            FAIL("no exception");
        } catch (const cbpq::parse_error& e) {
            CHECK(e.source() == "bad.txt");
            CHECK(e.line() == c.line);
            CHECK(e.column() == c.column);
        }
    }
    // Validation (invalid_input, not parse errors): slots above the pool, a repeated port.
    CHECK_THROWS_AS((void)sim::parse_scenario("scenario steady\nport a pool 10 slots 30\n"),
                    cbpq::invalid_input);
    CHECK_THROWS_AS((void)sim::parse_scenario(
                        "scenario steady\nport a pool 10 slots 3\nport a pool 10 slots 3\n"),
                    cbpq::invalid_input);
    CHECK_THROWS_AS((void)sim::parse_scenario("scenario steady\nport A pool 10 slots 3\n"),
                    cbpq::invalid_input);
    CHECK_THROWS_AS(
        (void)sim::parse_scenario("scenario steady\ndays 10\nburn-in 10\nport a pool 10 slots 3\n"),
        cbpq::invalid_input);
    CHECK_THROWS_AS((void)sim::steady_preset(10, 0), cbpq::invalid_input);
}

// ---------------------------------------------------------------------------------------------
// Runs

TEST_CASE("runs reproduce and record their seed") {
    const auto sc = sim::steady_preset(500, 25, 60);
    const cbpq::seed base = cbpq::seed(cbpq::sha256("repro"));
    const auto p = sim::policy::parse("seniority:0.3");
    const auto a = sim::run_steady(sc, p, sim::run_seed(base, 3), 3);
    const auto b = sim::run_steady(sc, p, sim::run_seed(base, 3), 3);
    const auto c = sim::run_steady(sc, p, sim::run_seed(base, 4), 4);
    CHECK(a.ports[0].waits == b.ports[0].waits);
    CHECK_FALSE(a.ports[0].waits == c.ports[0].waits);
    CHECK(a.run_seed == sim::run_seed(base, 3));
    CHECK(a.seed_index == 3);
    CHECK(a.policy == "seniority:0.3");
    CHECK(a.burn_in == 30);
    // Measured days 31..60, 25 slots each, all used.
    CHECK(a.ports[0].waits.count() == 30 * 25);
    CHECK(a.ports[0].capacity.offered == 30 * 25);
    CHECK(a.ports[0].capacity.used == 30 * 25);
    CHECK(a.ports[0].capacity.unused() == 0);
    CHECK(a.ports[0].capacity.utilisation() == 1.0);
    // run_seed is SHA-256("cbpq-v0 simulate run" || base || index big-endian).
    std::string msg = "cbpq-v0 simulate run";
    msg.append(reinterpret_cast<const char*>(base.bytes().data()), 32);
    msg.append(std::string("\0\0\0\0\0\0\0\3", 8));
    CHECK(sim::run_seed(base, 3) == cbpq::seed(cbpq::sha256(msg)));
}

TEST_CASE("ports are simulated independently and merged overall") {
    const auto sc = sim::parse_scenario("scenario steady\ndays 80\n"
                                        "port a pool 400 slots 20\nport b pool 900 slots 90\n");
    const auto r = sim::run_steady(sc, sim::uniform_policy{}, cbpq::seed{});
    REQUIRE(r.ports.size() == 2);
    CHECK(r.burn_in == 40); // min(ceil(3 x 20), 80 / 2)
    CHECK(r.ports[0].waits.count() == 40 * 20);
    CHECK(r.ports[1].waits.count() == 40 * 90);
    const auto all = r.overall();
    CHECK(all.port == "overall");
    CHECK(all.waits.count() == 40 * 110);
    CHECK(all.capacity.used == 40 * 110);
    // Port a alone in a scenario of its own gives the same outcome: labels carry the port.
    const auto alone = sim::run_steady(
        sim::parse_scenario("scenario steady\ndays 80\nburn-in 40\nport a pool 400 slots 20\n"),
        sim::uniform_policy{}, cbpq::seed{});
    CHECK(alone.ports[0].waits == r.ports[0].waits);
}

// A policy that breaks its contract is caught.
namespace {
struct greedy_policy {
    [[nodiscard]] std::string name() const { return "greedy"; }
    void select(const sim::day_context&, std::span<const sim::entrant>, std::size_t slots,
                std::vector<std::uint32_t>& winners, sim::workspace&) const {
        for (std::size_t i = 0; i < slots; ++i) {
            winners.push_back(0);
        }
    }
};
} // namespace

TEST_CASE("a policy that returns repeated winners is refused") {
    static_assert(sim::selection_policy<greedy_policy>);
    CHECK_THROWS_AS(
        (void)sim::run_steady(sim::steady_preset(100, 5, 10), greedy_policy{}, cbpq::seed{}),
        cbpq::error);
}

// ---------------------------------------------------------------------------------------------
// Queueing theory as the oracle. Scenario: N = 4000, S = 200 (p = S/N = 0.05, W = N/S = 20),
// 300 days, default burn-in min(ceil(3W), 150) = 60, so 240 measured days x 200 = 48,000 waits
// per seed.

namespace {
constexpr std::int64_t pool_n = 4000;
constexpr std::int64_t slots_s = 200;
constexpr double p_win = static_cast<double>(slots_s) / static_cast<double>(pool_n);
constexpr double mean_w = static_cast<double>(pool_n) / static_cast<double>(slots_s);

// Little's law: the mean wait is N/S under every policy. Standard error: the waits' variance is
// at most the geometric's (1-p)/p^2 = 380 (the lottery has the most variable waits of these
// policies; FIFO's variance is 0), so for n pooled waits se <= sqrt(380 / n), and the check is
// at 4 se. Waits of one run are not independent, but by Little's identity the window mean
// differs from N/S only by the pool's total age at the window's two ends over S x days, whose
// standard deviation (about sqrt(N) x 20 / (S x 240) = 0.026 days per seed) is well below
// that bound, so the bound is conservative.
void check_little(const seeds_result& r) {
    const auto n = static_cast<double>(r.pooled.count());
    const double se = std::sqrt((1.0 - p_win) / (p_win * p_win) / n);
    CHECK(std::fabs(r.pooled.summary().mean - mean_w) <= 4.0 * se);
}
} // namespace

TEST_CASE("steady: pure lottery reproduces the geometric wait") {
    const auto sc = sim::steady_preset(pool_n, slots_s, 300);
    const auto r = run_seeds(sc, sim::uniform_policy{}, 10);
    CHECK(r.pooled.count() == 10u * 240u * 200u);
    check_little(r);

    // Jain and Gini: with integer days the wait is geometric on {1, 2, ...}, so
    // Jain = E[W]^2 / E[W^2] = (1/p^2) / ((2-p)/p^2) = 1/(2-p) = 0.51282 and
    // Gini = E|W-W'| / (2 E[W]) = (2(1-p)/(p(2-p))) / (2/p) = (1-p)/(2-p) = 0.48718, not the
    // continuous 0.5. Tolerance: the 10 seeds are independent, so the mean of the per-seed
    // values is checked with a two-sided t-test at the 0.1% level (t(0.9995, 9) = 4.781).
    const double jain = 1.0 / (2.0 - p_win);
    const double gini = (1.0 - p_win) / (2.0 - p_win);
    using S = cbpq::wait_summary;
    CHECK(std::fabs(mean_of(r.per_seed, &S::jain) - jain) <=
          t_9_0_9995 * sd_of(r.per_seed, &S::jain) / std::sqrt(10.0));
    CHECK(std::fabs(mean_of(r.per_seed, &S::gini) - gini) <=
          t_9_0_9995 * sd_of(r.per_seed, &S::gini) / std::sqrt(10.0));

    // Quantiles: the exact nearest-rank quantiles of the geometric are 14, 45, 59 and 90
    // (p95 = 59 = 2.95 W: the "about 3 times the mean" of the continuous approximation).
    // Tolerance: the sample quantile lies between F^-1(alpha - 4 se) and F^-1(alpha + 4 se)
    // where se is the standard error of the empirical distribution function at alpha. A day's
    // winners are a uniform sample of the pool, whose age make-up drifts slowly (each entrant
    // stays about 1/p days), which inflates the iid variance alpha(1-alpha)/n by the design
    // effect 1 + (S/N) * sum over lags of 2 (1-p)^lag = 1 + (2-p)(S/N)/p = 3 - p.
    CHECK(geometric_quantile(0.50, p_win) == 14.0);
    CHECK(geometric_quantile(0.95, p_win) == 59.0);
    const auto n = static_cast<double>(r.pooled.count());
    for (const double alpha : {0.50, 0.90, 0.95, 0.99}) {
        CAPTURE(alpha);
        const double se = std::sqrt(alpha * (1.0 - alpha) * (3.0 - p_win) / n);
        const double lo = geometric_quantile(alpha - 4.0 * se, p_win);
        const double hi = geometric_quantile(std::min(alpha + 4.0 * se, 0.999999), p_win);
        const double q = r.pooled.quantile(alpha);
        CHECK(q >= lo);
        CHECK(q <= hi);
    }
    // Party sizes: winners match the pool (chi-square at the 0.1% level, fixed seeds); and so do
    // cohorts: under a pure lottery the time already waited does not matter.
    CHECK(r.all.party.test().p_value > 0.001);
    CHECK(r.all.cohort.test().p_value > 0.001);
    CHECK(r.all.capacity.utilisation() == 1.0);
}

TEST_CASE("steady: the initial pool is already the lottery's steady state") {
    // With no burn-in at all, the pure lottery's first days must already give the geometric
    // mean (same standard error as above, 4 se).
    auto sc = sim::steady_preset(pool_n, slots_s, 100);
    sc.burn_in = 0;
    const auto r = run_seeds(sc, sim::uniform_policy{}, 3);
    check_little(r);
}

TEST_CASE("steady: FIFO gives every entrant the same wait") {
    // N/S = 20 exactly: every measured wait is 20, so Jain is 1 and Gini 0 exactly.
    const auto r = run_seeds(sim::steady_preset(pool_n, slots_s, 300), sim::fifo_policy{}, 2);
    const auto s = r.pooled.summary();
    CHECK(r.pooled.count_at(20) == r.pooled.count());
    CHECK(s.jain == 1.0);
    CHECK(s.gini == 0.0);
    // N/S = 20.5: each day's cohort is served over two days, waits are 20 or 21 only, and
    // Little's law holds (same bound as above).
    const auto h = run_seeds(sim::steady_preset(4100, 200, 300), sim::fifo_policy{}, 1);
    CHECK(h.pooled.count_at(20) + h.pooled.count_at(21) == h.pooled.count());
    CHECK(std::fabs(h.pooled.summary().mean - 20.5) <=
          4.0 * std::sqrt(380.0 / static_cast<double>(h.pooled.count())));
    // The cohort chi-square sees what FIFO is: winners are the oldest, not a sample.
    CHECK(r.all.cohort.test().p_value < 1e-9);
    CHECK(r.all.party.test().p_value > 0.001);
}

// Seniority share s: in the continuous model the longest wait is -ln(s)/(1-s) x W (1.386 W at
// s = 0.5). Discrete version (the target here): k = round(sS) go by seniority, the other S - k
// are drawn among the N - k others, so each of them wins with rho = (S-k)/(N-k) a day. A
// cohort of S has S(1-rho)^(j-1) left at its j-th draw, and each cohort must give exactly k to
// seniority; solving for the draw j0 where seniority starts on it gives
// J <= j0 <= J + 1 with J = ln(s) / ln(1 - rho), so the last of it is served at draw
// T = ceil(J) + 1. Fluctuation: the count reaching seniority is about Binomial(S, s), variance
// S s (1-s), and a surplus decays at rate rho (it stays in the lottery), so the seniority
// backlog has standard deviation about sqrt(S s (1-s) / (2 rho)) persons, i.e. that over k in
// days. Tolerance on the observed maximum: one day for the split of a cohort over two draws
// plus ceil(4 backlog standard deviations).
TEST_CASE("steady: a seniority share caps the wait at -ln(s)/(1-s) x W") {
    for (const double s : {0.3, 0.5}) {
        CAPTURE(s);
        const sim::seniority_policy sp{s};
        const auto k = static_cast<double>(sp.senior_slots(slots_s));
        const double rho = (static_cast<double>(slots_s) - k) / (static_cast<double>(pool_n) - k);
        const double j = std::log(s) / std::log(1.0 - rho);
        const double target = std::ceil(j) + 1.0;
        const double continuous = -std::log(s) / (1.0 - s) * mean_w;
        CHECK(std::fabs(target - continuous) <= 1.0); // 35 vs 34.4 at 0.3, 28 vs 27.7 at 0.5
        const double backlog_sd =
            std::sqrt(static_cast<double>(slots_s) * s * (1.0 - s) / (2.0 * rho));
        const double tolerance = 1.0 + std::ceil(4.0 * backlog_sd / k);
        const auto r = run_seeds(sim::steady_preset(pool_n, slots_s, 300), sp, 3);
        CAPTURE(target);
        CAPTURE(tolerance);
        CHECK(std::fabs(r.pooled.summary().max - target) <= tolerance);
        check_little(r);
        // A share s of winners go by seniority, all of them with waits near the maximum:
        // at least s of waits lie within the tolerance of it (minus 4 binomial se).
        std::uint64_t near = 0;
        for (auto d = static_cast<std::uint32_t>(std::max(1.0, target - tolerance));
             d <= r.pooled.max(); ++d) {
            near += r.pooled.count_at(d);
        }
        const auto n = static_cast<double>(r.pooled.count());
        CHECK(static_cast<double>(near) / n >= s - 4.0 * std::sqrt(s * (1.0 - s) / n));
        CHECK(r.all.party.test().p_value > 0.001);
        CHECK(r.all.cohort.test().p_value < 1e-9);
    }
}

// Aging in the steady state, large-pool limit: the production draw takes the S smallest
// values E / w (E exponential), so on a day whose S-th smallest value is tau an entrant of
// weight w wins with 1 - e^(-tau w), independently of everyone else as the pool grows. An
// entrant's j-th draw is j days after its arrival (w_j = rule.weight(j)), so it is still waiting
// after k draws with G(k) = exp(-tau (w_1 + ... + w_k)), and tau is the value for which the mean
// wait sum_k G(k) is N/S (Little's law: the pool is held at N and S leave a day). That gives the
// whole wait distribution P(W > k) = G(k); its quantiles are checked like the lottery's
// (F^-1(alpha -+ 4 se), se with the lottery's design effect 3 - p: aging's winners are a
// weighted sample of the same slowly drifting pool, whose entrants stay no longer than under
// the lottery, so the day-to-day correlation is no larger). The mean is checked with the
// geometric's standard error, which is an upper bound: aging's waits vary less.
namespace {
struct aging_theory {
    std::vector<double> survival; // survival[k] = G(k) = P(W > k)

    aging_theory(const cbpq::aging_rule& rule, double mean_wait) {
        auto curve = [&](double tau) {
            std::vector<double> g{1.0};
            double cumulative = 0.0;
            for (std::int64_t j = 1; g.back() > 1e-12 && j < 100000; ++j) {
                cumulative += rule.weight(j);
                g.push_back(std::exp(-tau * cumulative));
            }
            return g;
        };
        auto mean = [](const std::vector<double>& g) {
            return std::accumulate(g.begin(), g.end(), 0.0);
        };
        double lo = 0.0;
        double hi = 1.0;
        for (int i = 0; i < 200; ++i) {
            const double mid = 0.5 * (lo + hi);
            (mean(curve(mid)) > mean_wait ? lo : hi) = mid;
        }
        survival = curve(hi);
    }
    // Nearest-rank quantile: the smallest k with P(W <= k) >= alpha.
    [[nodiscard]] double quantile(double alpha) const {
        for (std::size_t k = 0; k < survival.size(); ++k) {
            if (1.0 - survival[k] >= alpha) {
                return static_cast<double>(k);
            }
        }
        return static_cast<double>(survival.size());
    }
};
} // namespace

TEST_CASE("steady: aging keeps the mean (Little) and follows its large-pool wait law") {
    const auto sc = sim::steady_preset(pool_n, slots_s, 300);
    for (const char* spec : {"aging:linear/10", "aging:double/10"}) {
        CAPTURE(spec);
        const auto pol = sim::policy::parse(spec);
        const auto r = run_seeds(sc, pol, 3);
        check_little(r);
        CHECK(r.all.party.test().p_value > 0.001);
        const aging_theory theory(std::get<sim::aging_policy>(pol.get()).rule, mean_w);
        const auto n = static_cast<double>(r.pooled.count());
        for (const double alpha : {0.50, 0.90, 0.95, 0.99}) {
            CAPTURE(alpha);
            const double se = std::sqrt(alpha * (1.0 - alpha) * (3.0 - p_win) / n);
            const double lo = theory.quantile(alpha - 4.0 * se);
            const double hi = theory.quantile(std::min(alpha + 4.0 * se, 0.999999));
            const double q = r.pooled.quantile(alpha);
            CAPTURE(q);
            CHECK(q >= lo);
            CHECK(q <= hi);
        }
        // And the direction the rule is for: the lottery's p99 is 90 days.
        CHECK(r.pooled.quantile(0.99) < 90.0);
    }
}
