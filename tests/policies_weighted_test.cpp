// Tests of the weighted and aging draw policies (draw.hpp, docs/policies.md): the integer
// logarithm, the draw against a naive reference model written from the documentation, the
// lottery invariants (order independence, shard merge over random splits, capacity, parties
// whole, alternates disjoint), exact successive-sampling probabilities by enumeration against
// frequencies over fixed seeds, and bad input.
#include "draw_invariants.hpp"

#include <cbpq/detail/stats.hpp>
#include <cbpq/draw.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct wrec {
    std::int64_t id;
    std::string port;
    int party;
    double weight;
    std::int64_t registered;
};

cbpq::seed wseed(int i) {
    cbpq::seed::bytes_type b{};
    for (std::size_t j = 0; j < b.size(); ++j) {
        b[j] = static_cast<unsigned char>(j * 13 + static_cast<std::size_t>(i) * 29 + 5);
    }
    return cbpq::seed(b);
}

auto w_id = [](const wrec& r) { return r.id; };
auto w_port = [](const wrec& r) -> const std::string& { return r.port; };
auto w_party = [](const wrec& r) { return r.party; };
auto w_weight = [](const wrec& r) { return r.weight; };
auto w_reg = [](const wrec& r) { return r.registered; };

cbpq::draw_result<std::int64_t> weighted(const std::vector<wrec>& v, const cbpq::day_capacity& c,
                                         const cbpq::draw_key& k, const cbpq::draw_options& o) {
    return cbpq::draw_weighted(v, c, k, o, w_id, w_port, w_party, w_weight);
}

cbpq::draw_options weighted_options() {
    cbpq::draw_options o;
    o.policy = cbpq::draw_policy::weighted;
    return o;
}

// The fill walk of docs/draw.md, one offer at a time, written independently of draw.hpp.
struct walker {
    std::int64_t persons;
    std::int64_t parties;
    std::vector<std::int64_t> room;
    bool stopped = false;

    bool exhausted() const {
        if (persons <= 0 || parties <= 0) {
            return true;
        }
        return !room.empty() &&
               std::all_of(room.begin(), room.end(), [](std::int64_t r) { return r <= 0; });
    }
    // The outcome of offering one party: selected, did_not_fit or not_reached.
    cbpq::not_selected_reason offer(std::int64_t party, cbpq::fill_rule fill, bool& selected) {
        selected = false;
        if (stopped || exhausted()) {
            stopped = true;
            return cbpq::not_selected_reason::not_reached;
        }
        bool fits = party <= persons && parties > 0;
        std::size_t slot = room.size();
        if (fits && !room.empty()) {
            for (std::size_t j = 0; j < room.size(); ++j) {
                if (room[j] >= party) {
                    slot = j;
                    break;
                }
            }
            fits = slot < room.size();
        }
        if (!fits) {
            if (fill == cbpq::fill_rule::strict) {
                stopped = true;
            }
            return cbpq::not_selected_reason::did_not_fit;
        }
        persons -= party;
        --parties;
        if (slot < room.size()) {
            room[slot] -= party;
        }
        if (exhausted()) {
            stopped = true;
        }
        selected = true;
        return cbpq::not_selected_reason::none;
    }
};

walker walker_for(const cbpq::port_capacity& pc) {
    walker w{pc.persons, pc.parties ? *pc.parties : std::numeric_limits<std::int64_t>::max(), {}};
    for (const auto& s : pc.slots) {
        w.room.push_back(s.persons);
    }
    return w;
}

struct ref_port {
    std::set<std::int64_t> selected;
    std::vector<std::int64_t> alternates; // in walk order
    std::map<std::int64_t, cbpq::not_selected_reason> reason;
};

// Reference: every entrant of a port sorted by (E / w, key, id), walked once.
std::map<std::string, ref_port> reference(const std::vector<wrec>& recs,
                                          const cbpq::day_capacity& cap, const cbpq::draw_key& key,
                                          const cbpq::draw_options& opt) {
    std::map<std::string, ref_port> out;
    for (const auto& pc : cap.ports) {
        std::vector<wrec> mine;
        for (const auto& r : recs) {
            if (r.port == pc.port) {
                mine.push_back(r);
            }
        }
        std::sort(mine.begin(), mine.end(), [&](const wrec& a, const wrec& b) {
            const double va = cbpq::detail::neg_log_unit(key.entrant_key(a.id)) / a.weight;
            const double vb = cbpq::detail::neg_log_unit(key.entrant_key(b.id)) / b.weight;
            if (va != vb) {
                return va < vb;
            }
            const auto ka = key.entrant_key(a.id);
            const auto kb = key.entrant_key(b.id);
            return ka != kb ? ka < kb : a.id < b.id;
        });
        ref_port rp;
        walker w = walker_for(pc);
        for (const auto& r : mine) {
            bool sel = false;
            const auto why = w.offer(r.party, opt.fill, sel);
            if (sel) {
                rp.selected.insert(r.id);
            } else {
                rp.reason[r.id] = why;
                if (rp.alternates.size() < opt.alternates) {
                    rp.alternates.push_back(r.id);
                }
            }
        }
        out[pc.port] = rp;
    }
    return out;
}

struct wscenario {
    cbpq::day_capacity cap;
    std::vector<wrec> recs;
    cbpq::draw_options opt;
};

wscenario random_wscenario(std::mt19937_64& g) {
    wscenario s;
    auto pick = [&](int lo, int hi) {
        return lo + static_cast<int>(g() % static_cast<std::uint64_t>(hi - lo + 1));
    };
    s.cap = cbpq_test::random_capacity(g);
    const int ports = static_cast<int>(s.cap.ports.size());
    s.opt = weighted_options();
    s.opt.fill = pick(0, 1) == 0 ? cbpq::fill_rule::skip : cbpq::fill_rule::strict;
    s.opt.alternates = static_cast<std::size_t>(pick(0, 5));
    s.opt.max_party = pick(3, 6);
    const int n = pick(0, 200);
    const bool integer_weights = pick(0, 1) == 0;
    std::set<std::int64_t> used;
    for (int i = 0; i < n; ++i) {
        const auto id = static_cast<std::int64_t>(g() % 50000);
        if (!used.insert(id).second) {
            continue;
        }
        const double w = integer_weights
                             ? static_cast<double>(pick(1, 4))
                             : std::ldexp(static_cast<double>(pick(1, 1000)), pick(-12, 2));
        s.recs.push_back({id, s.cap.ports[static_cast<std::size_t>(pick(0, ports - 1))].port,
                          pick(0, 3) == 0 ? pick(1, static_cast<int>(s.opt.max_party)) : 1, w,
                          19000 + pick(0, 400)});
    }
    return s;
}

void check_against_reference(const wscenario& s, const cbpq::draw_key& key,
                             const cbpq::draw_result<std::int64_t>& res) {
    const auto ref = reference(s.recs, s.cap, key, s.opt);
    REQUIRE(res.ports.size() == s.cap.ports.size());
    // Capacity, whole parties, alternates disjoint from the selected.
    cbpq_test::check_draw_invariants(
        res, s.cap, s.recs, s.opt.alternates,
        [](const wrec& r, std::string_view port) { return r.port == port; }, true);
    for (std::size_t p = 0; p < res.ports.size(); ++p) {
        const auto& pd = res.ports[p];
        const auto& want = ref.at(pd.port);
        std::set<std::int64_t> got;
        for (const auto& sp : pd.selected) {
            got.insert(sp.id);
        }
        CHECK(got == want.selected);
        // Ranks are the walk order; the lists are in keyed order.
        std::vector<std::pair<std::size_t, std::int64_t>> alts;
        for (const auto& a : pd.alternates) {
            alts.emplace_back(a.rank, a.id);
            CHECK(a.reason == want.reason.at(a.id));
        }
        std::sort(alts.begin(), alts.end());
        std::vector<std::int64_t> alt_ids;
        for (const auto& a : alts) {
            alt_ids.push_back(a.second);
        }
        CHECK(alt_ids == want.alternates);
        // outcome_of with the weight agrees with the reference for every entrant of the port.
        for (const auto& r : s.recs) {
            if (r.port != pd.port) {
                continue;
            }
            const auto o = res.outcome_of(r.id, pd.port, r.weight);
            if (want.selected.count(r.id) != 0) {
                CHECK(o.status == cbpq::entrant_status::selected);
            } else {
                CHECK(o.status != cbpq::entrant_status::selected);
                CHECK(o.reason == want.reason.at(r.id));
            }
        }
    }
}

} // namespace

TEST_CASE("weighted: the integer logarithm is accurate, monotone and pinned") {
    // Extremes: x = 1 gives 53 ln 2; x = 2^53 - 1 gives about 2^-53.
    CHECK(cbpq::detail::neg_log_unit(0) == doctest::Approx(53.0 * 0.6931471805599453));
    CHECK(cbpq::detail::neg_log_unit(~std::uint64_t{0}) > 0.0);
    CHECK(cbpq::detail::neg_log_unit(~std::uint64_t{0}) < 2e-16);
    std::mt19937_64 g(2006);
    std::vector<std::uint64_t> ks;
    for (int i = 0; i < 20000; ++i) {
        std::uint64_t k = g();
        if (i % 4 == 1) {
            k |= 0xfff0000000000000ULL; // near u = 1, where the winners are
        } else if (i % 4 == 2) {
            k >>= (i % 60);
        }
        ks.push_back(k);
        const double u = cbpq::unit_interval(k);
        const double want = -std::log(u); // the C library only as an accuracy oracle
        const double got = cbpq::detail::neg_log_unit(k);
        CHECK(std::fabs(got - want) <= 0x1p-55 + 4e-16 * want);
    }
    std::sort(ks.begin(), ks.end());
    for (std::size_t i = 1; i < ks.size(); ++i) {
        CHECK(cbpq::detail::neg_log_unit(ks[i]) <= cbpq::detail::neg_log_unit(ks[i - 1]));
    }
    // Pinned values, also produced by docs/randomness_check.py from docs/policies.md.
    CHECK(cbpq::detail::neg_log_unit_q57(0) == 0x49793dec9cdfe861ULL);
    CHECK(cbpq::detail::neg_log_unit_q57(0x8000000000000000ULL) == 0x0162e42fefa39ed3ULL);
    CHECK(cbpq::detail::neg_log_unit_q57(~std::uint64_t{0}) == 0x0000000000000010ULL);
}

TEST_CASE("weighted: matches the reference model and keeps every capacity") {
    std::mt19937_64 g(31337);
    for (int round = 0; round < 200; ++round) {
        const wscenario s = random_wscenario(g);
        const cbpq::draw_key key(wseed(round), "weighted");
        check_against_reference(s, key, weighted(s.recs, s.cap, key, s.opt));
    }
}

TEST_CASE("weighted: order independent, and shards merge exactly over random splits") {
    std::mt19937_64 g(8080);
    for (int round = 0; round < 100; ++round) {
        const wscenario s = random_wscenario(g);
        const cbpq::draw_key key(wseed(round), "weighted-shards");
        const auto whole = weighted(s.recs, s.cap, key, s.opt);
        cbpq_test::check_order_independent(
            s.recs, whole, [&](const auto& recs) { return weighted(recs, s.cap, key, s.opt); }, g);
        const std::size_t k = 1 + g() % 6;
        std::vector<cbpq::weighted_partial<std::int64_t>> parts;
        for (const auto& sh : cbpq_test::split_shards(s.recs, k, g)) {
            parts.push_back(
                cbpq::collect_weighted(sh, s.cap, key, s.opt, w_id, w_port, w_party, w_weight));
            cbpq_test::check_partial_bounded(parts.back());
        }
        const auto merged = cbpq_test::merge_random_tree(
            parts, [](const auto& a, const auto& b) { return cbpq::merge_weighted_partials(a, b); },
            g);
        CHECK(cbpq::finish_weighted(merged, s.cap, key, s.opt) == whole);
    }
}

TEST_CASE("weighted: aging is the weighted draw with the documented weights") {
    cbpq::aging_rule lin = cbpq::parse_aging_rule("linear/30");
    CHECK(lin.weight(0) == 1.0);
    CHECK(lin.weight(15) == 1.5);
    CHECK(lin.weight(90) == 4.0);
    cbpq::aging_rule lin_cap = cbpq::parse_aging_rule("aging:linear/10/2.5");
    CHECK(lin_cap.weight(5) == 1.5);
    CHECK(lin_cap.weight(100) == 2.5);
    cbpq::aging_rule dbl = cbpq::parse_aging_rule("double/7");
    CHECK(dbl.weight(6) == 1.0);
    CHECK(dbl.weight(7) == 2.0);
    CHECK(dbl.weight(29) == 16.0);
    CHECK(dbl.weight(100000) == 0x1p100);
    CHECK(cbpq::parse_aging_rule("double/7/8").weight(1000) == 8.0);
    CHECK(cbpq::to_string(cbpq::parse_aging_rule("linear/30/4")) == "linear/30/4");
    CHECK(cbpq::to_string(cbpq::parse_aging_rule("double/5/2.75")) == "double/5/2.75");
    CHECK(cbpq::to_string(cbpq::parse_aging_rule("double/5")) == "double/5");

    std::mt19937_64 g(606);
    for (int round = 0; round < 60; ++round) {
        wscenario s = random_wscenario(g);
        cbpq::draw_options o = s.opt;
        o.policy = cbpq::draw_policy::aging;
        o.aging = round % 2 == 0 ? cbpq::parse_aging_rule("linear/30/6")
                                 : cbpq::parse_aging_rule("double/90");
        o.draw_day = 19400;
        for (auto& r : s.recs) {
            r.weight = o.aging.weight(o.draw_day - r.registered);
        }
        const cbpq::draw_key key(wseed(round), "aging");
        const auto aged = cbpq::draw_aging(s.recs, s.cap, key, o, w_id, w_port, w_party, w_reg);
        const auto weigh = weighted(s.recs, s.cap, key, s.opt);
        for (std::size_t p = 0; p < aged.ports.size(); ++p) {
            CHECK(aged.ports[p].selected == weigh.ports[p].selected);
            CHECK(aged.ports[p].alternates == weigh.ports[p].alternates);
        }
        check_against_reference(s, key, aged);
        // Shards merge for aging too.
        std::vector<wrec> a;
        std::vector<wrec> b;
        for (const auto& r : s.recs) {
            (g() % 2 == 0 ? a : b).push_back(r);
        }
        const auto merged = cbpq::merge_weighted_partials(
            cbpq::collect_aging(a, s.cap, key, o, w_id, w_port, w_party, w_reg),
            cbpq::collect_aging(b, s.cap, key, o, w_id, w_port, w_party, w_reg));
        CHECK(cbpq::finish_weighted(merged, s.cap, key, o) == aged);
    }
}

namespace {

// Exact selection probabilities of a one-port weighted draw by enumeration: the weighted
// order is successive sampling (the first entrant is i with probability w_i / W, the next
// proportionally among the rest, ...), because the values E_i / w_i are independent
// exponentials of rates w_i (Efraimidis and Spirakis 2006). Each permutation's probability
// times the fill walk's outcome on it gives the distribution of the selected set.
std::map<std::vector<int>, double> exact_subsets(const std::vector<double>& w,
                                                 const std::vector<int>& party,
                                                 const cbpq::port_capacity& pc,
                                                 cbpq::fill_rule fill) {
    std::vector<int> perm(w.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::map<std::vector<int>, double> out;
    const double total = std::accumulate(w.begin(), w.end(), 0.0);
    do {
        double pr = 1.0;
        double left = total;
        for (const int i : perm) {
            pr *= w[static_cast<std::size_t>(i)] / left;
            left -= w[static_cast<std::size_t>(i)];
        }
        walker wk = walker_for(pc);
        std::vector<int> sel;
        for (const int i : perm) {
            bool s = false;
            (void)wk.offer(party[static_cast<std::size_t>(i)], fill, s);
            if (s) {
                sel.push_back(i);
            }
        }
        std::sort(sel.begin(), sel.end());
        out[sel] += pr;
    } while (std::next_permutation(perm.begin(), perm.end()));
    return out;
}

// Chi-square goodness of fit of the observed selected sets against the exact distribution,
// categories with expected count below 5 pooled into one; returns the p-value
// Q(df / 2, X^2 / 2) (regularized upper incomplete gamma).
double chi_square_p(const std::map<std::vector<int>, double>& exact,
                    const std::map<std::vector<int>, int>& seen, int draws) {
    double x2 = 0.0;
    double pooled_e = 0.0;
    double pooled_o = 0.0;
    int cells = 0;
    for (const auto& [set, p] : exact) {
        const double e = p * draws;
        const auto it = seen.find(set);
        const double o = it == seen.end() ? 0.0 : it->second;
        if (e < 5.0) {
            pooled_e += e;
            pooled_o += o;
            continue;
        }
        x2 += (o - e) * (o - e) / e;
        ++cells;
    }
    if (pooled_e > 0.0) {
        x2 += (pooled_o - pooled_e) * (pooled_o - pooled_e) / pooled_e;
        ++cells;
    }
    // Any observed set the enumeration calls impossible fails outright.
    for (const auto& [set, n] : seen) {
        if (exact.count(set) == 0) {
            return 0.0;
        }
    }
    const double df = static_cast<double>(cells - 1);
    return cbpq::detail::regularized_gamma(df / 2.0, x2 / 2.0).q;
}

} // namespace

// Significance level fixed before running: alpha = 1e-4 per scenario (three scenarios: a
// false alarm about once in 3,300 runs of a correct implementation; the seeds are fixed, so
// the outcome never changes between runs). 12,000 draws per scenario.
TEST_CASE("weighted: exact successive-sampling probabilities vs frequencies over seeds") {
    struct scenario {
        std::vector<double> w;
        std::vector<int> party;
        cbpq::port_capacity pc;
        cbpq::fill_rule fill;
    };
    const std::vector<scenario> scenarios{
        // H-1B style integer weights, single persons, two places.
        {{4, 3, 2, 1, 1, 2}, {1, 1, 1, 1, 1, 1}, {"a", 2, std::nullopt, {}}, cbpq::fill_rule::skip},
        // Real weights and families, four persons, skip rule.
        {{1, 2.5, 0.5, 3, 1, 1.5},
         {1, 2, 1, 3, 1, 2},
         {"a", 4, std::nullopt, {}},
         cbpq::fill_rule::skip},
        // The same under the strict rule with a party cap of 2 and seven entrants.
        {{1, 2.5, 0.5, 3, 1, 1.5, 0.25},
         {1, 2, 1, 3, 1, 2, 1},
         {"a", 5, 2, {}},
         cbpq::fill_rule::strict},
    };
    const int draws = 12000;
    for (std::size_t sc = 0; sc < scenarios.size(); ++sc) {
        const auto& s = scenarios[sc];
        std::vector<wrec> recs;
        for (std::size_t i = 0; i < s.w.size(); ++i) {
            recs.push_back({static_cast<std::int64_t>(i), "a", s.party[i], s.w[i], 0});
        }
        cbpq::day_capacity cap;
        cap.ports.push_back(s.pc);
        auto o = weighted_options();
        o.fill = s.fill;
        const auto exact = exact_subsets(s.w, s.party, s.pc, s.fill);
        double total = 0.0;
        for (const auto& [set, p] : exact) {
            total += p;
        }
        CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
        std::map<std::vector<int>, int> seen;
        for (int i = 0; i < draws; ++i) {
            const cbpq::draw_key key(wseed(static_cast<int>(sc)), "prob-" + std::to_string(i));
            const auto r = weighted(recs, cap, key, o);
            std::vector<int> sel;
            for (const auto& sp : r.ports[0].selected) {
                sel.push_back(static_cast<int>(sp.id));
            }
            std::sort(sel.begin(), sel.end());
            ++seen[sel];
        }
        const double p = chi_square_p(exact, seen, draws);
        MESSAGE("scenario " << sc << ": chi-square p-value " << p);
        CHECK(p >= 1e-4);
    }
}

TEST_CASE("weighted: bad input is refused with the entrant and field named") {
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 2, std::nullopt, {}});
    const cbpq::draw_key key(wseed(0), "bad");
    for (const double w :
         {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity(), 0x1p101, 0x1p-101}) {
        const std::vector<wrec> v{{1, "a", 1, 1.0, 0}, {42, "a", 1, w, 0}};
        try {
            (void)weighted(v, cap, key, weighted_options());
            FAIL("accepted weight " << w);
        } catch (const cbpq::invalid_input& e) {
            const std::string m = e.what();
            CHECK(m.find("entrant 42") != std::string::npos);
            CHECK(m.find("weight") != std::string::npos);
        }
    }
    // Integer weights are fine; so are the extremes of the range.
    {
        struct iw {
            int id;
            std::string port;
            int weight;
        };
        const std::vector<iw> v{{1, "a", 4}, {2, "a", 1}, {3, "a", 3}};
        const auto r = cbpq::draw_weighted(
            v, cap, key, weighted_options(), [](const iw& e) { return e.id; },
            [](const iw& e) -> const std::string& { return e.port; }, [](const iw&) { return 1; },
            [](const iw& e) { return e.weight; });
        CHECK(r.persons() == 2);
        const std::vector<wrec> ext{{1, "a", 1, 0x1p100, 0}, {2, "a", 1, 0x1p-100, 0}};
        CHECK(weighted(ext, cap, key, weighted_options()).persons() == 2);
    }
    // Aging: a registration after the draw day names `registered`; bad rules name `aging`.
    {
        auto o = weighted_options();
        o.policy = cbpq::draw_policy::aging;
        o.aging = cbpq::parse_aging_rule("linear/30");
        o.draw_day = 100;
        const std::vector<wrec> v{{1, "a", 1, 1.0, 50}, {7, "a", 1, 1.0, 101}};
        try {
            (void)cbpq::draw_aging(v, cap, key, o, w_id, w_port, w_party, w_reg);
            FAIL("accepted a registration after the draw");
        } catch (const cbpq::invalid_input& e) {
            const std::string m = e.what();
            CHECK(m.find("entrant 7") != std::string::npos);
            CHECK(m.find("registered") != std::string::npos);
        }
        o.aging.period = 0;
        CHECK_THROWS_AS(
            (void)cbpq::draw_aging(std::vector<wrec>{}, cap, key, o, w_id, w_port, w_party, w_reg),
            cbpq::invalid_input);
    }
    for (const char* spec : {"", "linear", "linear/", "linear/0", "linear/x", "triple/3",
                             "double/3/", "double/3/0.5", "double/3/abc", "linear/100001",
                             "linear/3/4/5", "linear/-3", "double/3/inf", "double/3/nan"}) {
        try {
            (void)cbpq::parse_aging_rule(spec);
            FAIL("accepted aging rule '" << spec << "'");
        } catch (const cbpq::invalid_input& e) {
            CHECK(std::string(e.what()).find("aging") != std::string::npos);
        }
    }
    // Each entry point refuses the other policies; outcome_of needs the weight.
    const std::vector<wrec> v{{1, "a", 1, 1.0, 0}};
    CHECK_THROWS_AS((void)cbpq::draw(v, cap, key, weighted_options(), w_id, w_port, w_party),
                    cbpq::invalid_input);
    CHECK_THROWS_AS((void)weighted(v, cap, key, cbpq::draw_options{}), cbpq::invalid_input);
    const auto r = weighted(v, cap, key, weighted_options());
    CHECK_THROWS_AS((void)r.outcome_of(1, "a"), cbpq::invalid_input);
    CHECK(r.outcome_of(1, "a", 1.0).status == cbpq::entrant_status::selected);
    CHECK_THROWS_AS((void)r.outcome_of(1, "a", 0.0), cbpq::invalid_input);
    // Duplicate ids are refused, even with different weights.
    const std::vector<wrec> dup{{5, "a", 1, 1.0, 0}, {5, "a", 1, 2.0, 0}};
    CHECK_THROWS_AS((void)weighted(dup, cap, key, weighted_options()), cbpq::invalid_input);
    auto nodup = weighted_options();
    nodup.check_duplicate_ids = false;
    CHECK_THROWS_AS((void)weighted(dup, cap, key, nodup), cbpq::invalid_input);
}
