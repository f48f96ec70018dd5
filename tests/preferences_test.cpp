// Tests of preferences.hpp (random serial dictatorship): the uniform lottery for single-port
// lists, a naive reference model written from docs/policies.md, order independence, exact
// shard merge, the bounded partial, strategy-proofness by enumeration, exact probabilities by
// enumerating orders against frequencies over seeds, and bad input.
#include "draw_invariants.hpp"

#include <cbpq/audit.hpp>
#include <cbpq/detail/stats.hpp>
#include <cbpq/preferences.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct prec {
    std::int64_t id;
    std::vector<std::string> preferences;
    int party;
};

cbpq::seed pref_seed(int i) {
    cbpq::seed::bytes_type b{};
    for (std::size_t j = 0; j < b.size(); ++j) {
        b[j] = static_cast<unsigned char>(j * 5 + static_cast<std::size_t>(i) * 29 + 7);
    }
    return cbpq::seed(b);
}

auto by_id = [](const prec& r) { return r.id; };
auto by_prefs = [](const prec& r) -> const std::vector<std::string>& { return r.preferences; };
auto by_party = [](const prec& r) { return r.party; };
auto by_port = [](const prec& r) -> const std::string& { return r.preferences.front(); };

cbpq::preferences_result<std::int64_t> prefs_draw(const std::vector<prec>& v,
                                                  const cbpq::day_capacity& c,
                                                  const cbpq::draw_key& k,
                                                  const cbpq::draw_options& o) {
    return cbpq::draw_preferences(v, c, k, o, by_id, by_prefs, by_party);
}

cbpq::preferences_partial<std::int64_t> collect(const std::vector<prec>& v,
                                                const cbpq::day_capacity& c,
                                                const cbpq::draw_key& k,
                                                const cbpq::draw_options& o) {
    return cbpq::collect_preferences(v, c, k, o, by_id, by_prefs, by_party);
}

// ---------------------------------------------------------------------------------------------
// Reference: random serial dictatorship written from docs/policies.md, over every entrant in
// the given order, with no pruning and no early stop.
struct ref_port_state {
    std::int64_t persons;
    std::int64_t parties;
    std::vector<std::int64_t> room;
    bool stopped = false;

    bool exhausted() const {
        if (persons <= 0 || parties <= 0) {
            return true;
        }
        if (room.empty()) {
            return false;
        }
        return std::all_of(room.begin(), room.end(), [](std::int64_t r) { return r <= 0; });
    }
    // The slot index (room.size() without a grid) if the party fits, else -1.
    long fit(std::int64_t party) const {
        if (party > persons || parties <= 0) {
            return -1;
        }
        if (room.empty()) {
            return 0;
        }
        for (std::size_t j = 0; j < room.size(); ++j) {
            if (room[j] >= party) {
                return static_cast<long>(j);
            }
        }
        return -1;
    }
};

struct ref_result {
    // Per port: selected ids in walk order with their choice rank; alternates in order.
    std::map<std::string, std::vector<std::pair<std::int64_t, std::size_t>>> selected;
    std::map<std::string, std::vector<std::int64_t>> alternates;
    // Per entrant (index into the input): the port it got, or "".
    std::vector<std::string> got;
};

ref_result reference(const std::vector<prec>& recs, const std::vector<std::size_t>& order,
                     const cbpq::day_capacity& cap, const cbpq::draw_options& opt) {
    std::map<std::string, ref_port_state> st;
    ref_result out;
    out.got.assign(recs.size(), "");
    for (const auto& pc : cap.ports) {
        ref_port_state s{
            pc.persons, pc.parties ? *pc.parties : std::numeric_limits<std::int64_t>::max(), {}};
        for (const auto& sl : pc.slots) {
            s.room.push_back(sl.persons);
        }
        s.stopped = s.exhausted();
        st[pc.port] = s;
        out.selected[pc.port];
        out.alternates[pc.port];
    }
    for (const std::size_t i : order) {
        const prec& r = recs[i];
        for (std::size_t j = 0; j < r.preferences.size(); ++j) {
            auto& s = st.at(r.preferences[j]);
            if (s.stopped) {
                continue;
            }
            const long slot = s.fit(r.party);
            if (slot >= 0) {
                s.persons -= r.party;
                --s.parties;
                if (!s.room.empty()) {
                    s.room[static_cast<std::size_t>(slot)] -= r.party;
                }
                if (s.exhausted()) {
                    s.stopped = true;
                }
                out.got[i] = r.preferences[j];
                out.selected[r.preferences[j]].emplace_back(r.id, j + 1);
                break;
            }
            if (opt.fill == cbpq::fill_rule::strict) {
                s.stopped = true;
            }
        }
        if (out.got[i].empty()) {
            for (const auto& p : r.preferences) {
                if (out.alternates[p].size() < opt.alternates) {
                    out.alternates[p].push_back(r.id);
                }
            }
        }
    }
    return out;
}

std::vector<std::size_t> key_order(const std::vector<prec>& recs, const cbpq::draw_key& key) {
    std::vector<std::size_t> order(recs.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto ka = key.entrant_key(recs[a].id);
        const auto kb = key.entrant_key(recs[b].id);
        return ka != kb ? ka < kb : recs[a].id < recs[b].id;
    });
    return order;
}

struct scenario {
    cbpq::day_capacity cap;
    std::vector<prec> recs;
    cbpq::draw_options opt;
};

// Random capacity (persons, party caps, slot grids), options and entrants with lists of
// 1..max_list distinct ports in random order.
scenario random_scenario(std::mt19937_64& g, int max_list, int min_n, int max_n,
                         int max_persons = 30) {
    scenario s;
    auto pick = [&](int lo, int hi) {
        return lo + static_cast<int>(g() % static_cast<std::uint64_t>(hi - lo + 1));
    };
    s.cap = cbpq_test::random_capacity(g, {4, max_persons, 10, 3, 1, "p"});
    const int ports = static_cast<int>(s.cap.ports.size());
    s.opt.policy = cbpq::draw_policy::preferences;
    s.opt.fill = pick(0, 1) == 0 ? cbpq::fill_rule::skip : cbpq::fill_rule::strict;
    s.opt.alternates = static_cast<std::size_t>(pick(0, 5));
    s.opt.max_party = pick(3, 6);
    const int n = pick(min_n, max_n);
    std::set<std::int64_t> used;
    for (int i = 0; i < n; ++i) {
        const auto id = static_cast<std::int64_t>(g() % 1000000);
        if (!used.insert(id).second) {
            continue;
        }
        std::vector<std::string> names;
        for (const auto& pc : s.cap.ports) {
            names.push_back(pc.port);
        }
        std::shuffle(names.begin(), names.end(), g);
        names.resize(static_cast<std::size_t>(pick(1, std::min(max_list, ports))));
        s.recs.push_back(
            {id, names, pick(0, 3) == 0 ? pick(1, static_cast<int>(s.opt.max_party)) : 1});
    }
    return s;
}

void check_against_reference(const scenario& s, const cbpq::draw_key& key,
                             const cbpq::preferences_result<std::int64_t>& res) {
    const ref_result ref = reference(s.recs, key_order(s.recs, key), s.cap, s.opt);
    REQUIRE(res.result.ports.size() == s.cap.ports.size());
    REQUIRE(res.choices.size() == s.cap.ports.size());
    for (std::size_t p = 0; p < res.result.ports.size(); ++p) {
        const auto& pd = res.result.ports[p];
        std::vector<std::pair<std::int64_t, std::size_t>> got;
        REQUIRE(res.choices[p].size() == pd.selected.size());
        for (std::size_t i = 0; i < pd.selected.size(); ++i) {
            got.emplace_back(pd.selected[i].id, res.choices[p][i]);
            CHECK(pd.selected[i].rank == i + 1);
            CHECK(res.choice_of(pd.selected[i].id, pd.port) == res.choices[p][i]);
            CHECK(res.result.outcome_of(pd.selected[i].id, pd.port).status ==
                  cbpq::entrant_status::selected);
        }
        CHECK(got == ref.selected.at(pd.port));
        std::vector<std::int64_t> alts;
        for (const auto& a : pd.alternates) {
            alts.push_back(a.id);
        }
        CHECK(alts == ref.alternates.at(pd.port));
    }
    // Capacity (persons, parties, slots), whole parties, one port per winner, alternates who
    // got nothing and listed the port.
    cbpq_test::check_draw_invariants(
        res.result, s.cap, s.recs, s.opt.alternates,
        [](const prec& r, std::string_view port) {
            return std::find(r.preferences.begin(), r.preferences.end(), port) !=
                   r.preferences.end();
        },
        false);
}

} // namespace

TEST_CASE("preferences: single-port lists give exactly the uniform lottery") {
    std::mt19937_64 g(20261128);
    for (int round = 0; round < 300; ++round) {
        const scenario s = random_scenario(g, 1, 0, round < 280 ? 200 : 6000);
        const cbpq::draw_key key(pref_seed(round), "single-port");
        auto uopt = s.opt;
        uopt.policy = cbpq::draw_policy::uniform;
        const auto uni = cbpq::draw(s.recs, s.cap, key, uopt, by_id, by_port, by_party);
        const auto res = prefs_draw(s.recs, s.cap, key, s.opt);
        CHECK(res.result.ports == uni.ports);
        CHECK(res.result.options().policy == cbpq::draw_policy::preferences);
        for (const auto& c : res.choices) {
            CHECK(std::all_of(c.begin(), c.end(), [](std::size_t r) { return r == 1; }));
        }
        CHECK(cbpq::finish_preferences(collect(s.recs, s.cap, key, s.opt), s.cap, key, s.opt)
                  .result.ports == uni.ports);
    }
}

TEST_CASE("preferences: matches the reference model and keeps capacity") {
    std::mt19937_64 g(31337);
    for (int round = 0; round < 300; ++round) {
        const scenario s = random_scenario(g, 4, 0, 200);
        const cbpq::draw_key key(pref_seed(round), "reference");
        check_against_reference(s, key, prefs_draw(s.recs, s.cap, key, s.opt));
    }
}

TEST_CASE("preferences: large pools take the prefix or the fallback path, both exact") {
    std::mt19937_64 g(8080);
    for (int round = 0; round < 12; ++round) {
        // Small capacity and many entrants: the keyed prefix (4,096 entrants here) settles
        // every port, except (round % 3 == 0) a port of 200 persons that every 40th entrant
        // lists last: about 100 of them fall in the prefix, which cannot fill it, so the
        // draw must fall back to the class partial to place the later ones.
        scenario s = random_scenario(g, 3, 6000, 9000, 12);
        if (round % 3 == 0) {
            s.cap.ports.push_back({"rare", 200, std::nullopt, {}});
            for (std::size_t i = 0; i < s.recs.size(); i += 40) {
                s.recs[i].preferences.push_back("rare");
            }
        }
        const cbpq::draw_key key(pref_seed(round), "large");
        const auto res = prefs_draw(s.recs, s.cap, key, s.opt);
        check_against_reference(s, key, res);
        CHECK(cbpq::finish_preferences(collect(s.recs, s.cap, key, s.opt), s.cap, key, s.opt) ==
              res);
    }
}

TEST_CASE("preferences: order independence and exact shard merge") {
    std::mt19937_64 g(4242);
    for (int round = 0; round < 150; ++round) {
        const scenario s = random_scenario(g, 4, 0, 300);
        const cbpq::draw_key key(pref_seed(round), "shards");
        const auto whole = prefs_draw(s.recs, s.cap, key, s.opt);
        cbpq_test::check_order_independent(
            s.recs, whole, [&](const auto& recs) { return prefs_draw(recs, s.cap, key, s.opt); },
            g);
        const auto whole_partial = collect(s.recs, s.cap, key, s.opt);
        const std::size_t k = 1 + g() % 6;
        std::vector<cbpq::preferences_partial<std::int64_t>> parts;
        for (const auto& sh : cbpq_test::split_shards(s.recs, k, g)) {
            parts.push_back(collect(sh, s.cap, key, s.opt));
        }
        const auto merged = cbpq_test::merge_random_tree(
            parts,
            [](const auto& a, const auto& b) { return cbpq::merge_preference_partials(a, b); }, g);
        CHECK(merged == whole_partial);
        CHECK(cbpq::finish_preferences(merged, s.cap, key, s.opt) == whole);
    }
}

TEST_CASE("preferences: the partial is bounded by capacity and classes, not by the pool") {
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 10, std::nullopt, {}});
    cap.ports.push_back({"b", 6, 2, {}});
    cap.ports.push_back({"c", 8, std::nullopt, {{"m", 4}, {"n", 4}}});
    cbpq::draw_options opt = cbpq::preferences_options();
    opt.alternates = 3;
    opt.max_party = 3;
    const cbpq::draw_key key(pref_seed(1), "bounded");
    std::mt19937_64 g(5);
    const std::vector<std::vector<std::string>> lists = {
        {"a"}, {"b"}, {"c"}, {"a", "b"}, {"b", "a"}, {"c", "a", "b"}, {"b", "c"}};
    std::vector<prec> recs;
    for (std::int64_t i = 0; i < 50000; ++i) {
        recs.push_back({i, lists[g() % lists.size()], 1 + static_cast<int>(g() % 3)});
    }
    const auto part = collect(recs, cap, key, opt);
    std::size_t kept = 0;
    std::size_t bound = 0;
    for (const auto& c : part.classes) {
        kept += c.members.size();
        std::size_t fit = 0;
        for (const auto p : c.ports) {
            const auto& pc = cap.ports[p];
            fit += static_cast<std::size_t>(
                std::min<std::int64_t>(pc.persons / c.party, pc.parties.value_or(1 << 30)));
        }
        CHECK(c.limit == fit + opt.alternates + 1);
        CHECK(c.members.size() == c.limit); // every class has more entrants than its limit
        bound += c.limit;
    }
    // 6 distinct port sets ({a,b} twice) x 3 sizes.
    CHECK(part.classes.size() == 18);
    CHECK(kept == bound);
    CHECK(kept < 400);
    CHECK(part.entrants == 50000);
    check_against_reference({cap, recs, opt}, key, cbpq::finish_preferences(part, cap, key, opt));
}

TEST_CASE("preferences: strategy-proof, no misreport gives a better port (enumeration)") {
    // For a fixed keyed order, replace one entrant's list by every non-empty ordered list of
    // distinct ports; the port it gets must never be better by its true list (a port off the
    // true list counts as no port).
    std::mt19937_64 g(1998);
    int instances = 0;
    int misreports = 0;
    for (int round = 0; round < 120; ++round) {
        scenario s = random_scenario(g, 3, 2, 5, 8);
        if (s.cap.ports.size() > 3) {
            s.cap.ports.resize(3);
            for (auto& r : s.recs) {
                std::vector<std::string> kept;
                for (const auto& p : r.preferences) {
                    if (p != "p3") {
                        kept.push_back(p);
                    }
                }
                r.preferences = kept.empty() ? std::vector<std::string>{"p0"} : kept;
            }
        }
        std::vector<std::string> names;
        for (const auto& pc : s.cap.ports) {
            names.push_back(pc.port);
        }
        // Every ordered list of distinct ports.
        std::vector<std::vector<std::string>> all_lists;
        for (unsigned mask = 1; mask < (1U << names.size()); ++mask) {
            std::vector<std::string> sub;
            for (std::size_t i = 0; i < names.size(); ++i) {
                if ((mask >> i) & 1U) {
                    sub.push_back(names[i]);
                }
            }
            std::sort(sub.begin(), sub.end());
            do {
                all_lists.push_back(sub);
            } while (std::next_permutation(sub.begin(), sub.end()));
        }
        const cbpq::draw_key key(pref_seed(round), "strategy");
        auto port_of = [&](const cbpq::preferences_result<std::int64_t>& r, std::int64_t id) {
            for (const auto& pd : r.result.ports) {
                for (const auto& sp : pd.selected) {
                    if (sp.id == id) {
                        return pd.port;
                    }
                }
            }
            return std::string();
        };
        const auto truthful = prefs_draw(s.recs, s.cap, key, s.opt);
        for (std::size_t i = 0; i < s.recs.size(); ++i) {
            const auto& truth = s.recs[i].preferences;
            auto value = [&](const std::string& port) {
                const auto it = std::find(truth.begin(), truth.end(), port);
                return it == truth.end() ? truth.size()
                                         : static_cast<std::size_t>(it - truth.begin());
            };
            const std::size_t honest = value(port_of(truthful, s.recs[i].id));
            for (const auto& lie : all_lists) {
                auto recs = s.recs;
                recs[i].preferences = lie;
                const auto r = prefs_draw(recs, s.cap, key, s.opt);
                CHECK(value(port_of(r, s.recs[i].id)) >= honest);
                ++misreports;
            }
        }
        ++instances;
    }
    MESSAGE(instances << " instances, " << misreports << " misreports checked");
}

TEST_CASE("preferences: chi-square quantile helper matches published tables") {
    // NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.4 (upper critical values).
    CHECK(cbpq_test::chi_square_critical(1, 0.001) == doctest::Approx(10.828).epsilon(1e-4));
    CHECK(cbpq_test::chi_square_critical(3, 0.001) == doctest::Approx(16.266).epsilon(1e-4));
    CHECK(cbpq_test::chi_square_critical(10, 0.05) == doctest::Approx(18.307).epsilon(1e-4));
}

TEST_CASE("preferences: exact probabilities by enumerating orders vs frequencies over seeds") {
    // Keys are independent and continuous in effect, so every order of the n entrants is
    // equally likely: P(entrant i gets port p) = (orders in which it does) / n!. For each
    // entrant, the counts over T seeds of (each port, nothing) are multinomial with those
    // probabilities; Pearson's X2 over the outcomes of positive probability has k - 1 degrees
    // of freedom. Significance fixed in advance: 0.001 for the whole family of checks,
    // Bonferroni-split, so alpha = 0.001 / (number of entrants checked) each.
    struct pool {
        std::vector<cbpq::port_capacity> ports;
        std::vector<std::pair<std::vector<std::string>, int>> entrants; // list, party
        cbpq::fill_rule fill;
    };
    const std::vector<pool> pools = {
        {{{"a", 2, std::nullopt, {}}, {"b", 2, std::nullopt, {}}},
         {{{"a", "b"}, 1}, {{"a"}, 1}, {{"b", "a"}, 2}, {{"a", "b"}, 1}, {{"b"}, 1}},
         cbpq::fill_rule::skip},
        {{{"a", 3, std::nullopt, {}},
          {"b", 2, 1, {}},
          {"c", 4, std::nullopt, {{"x", 2}, {"y", 2}}}},
         {{{"a", "b", "c"}, 2},
          {{"c", "a"}, 1},
          {{"b"}, 1},
          {{"a"}, 2},
          {{"c", "b", "a"}, 3},
          {{"b", "c"}, 1}},
         cbpq::fill_rule::skip},
        {{{"a", 3, std::nullopt, {}}, {"b", 3, std::nullopt, {}}},
         {{{"a", "b"}, 2}, {{"b", "a"}, 2}, {{"a"}, 1}, {{"b"}, 3}, {{"a", "b"}, 1}, {{"b"}, 1}},
         cbpq::fill_rule::strict},
    };
    const int trials = 20000;
    std::size_t checks = 0;
    for (const auto& pl : pools) {
        checks += pl.entrants.size();
    }
    const double alpha = 0.001 / static_cast<double>(checks);
    int pool_no = 0;
    for (const auto& pl : pools) {
        ++pool_no;
        cbpq::day_capacity cap;
        cap.ports = pl.ports;
        std::vector<prec> recs;
        for (std::size_t i = 0; i < pl.entrants.size(); ++i) {
            recs.push_back(
                {static_cast<std::int64_t>(i + 1), pl.entrants[i].first, pl.entrants[i].second});
        }
        cbpq::draw_options opt = cbpq::preferences_options();
        opt.fill = pl.fill;
        opt.check_duplicate_ids = false; // ids are 1..n; the check is tested elsewhere
        // outcome index: port index, or ports.size() for nothing.
        const std::size_t outcomes = cap.ports.size() + 1;
        auto index_of = [&](const std::string& port) {
            for (std::size_t p = 0; p < cap.ports.size(); ++p) {
                if (cap.ports[p].port == port) {
                    return p;
                }
            }
            return cap.ports.size();
        };
        std::vector<std::vector<double>> exact(recs.size(), std::vector<double>(outcomes, 0));
        std::vector<std::size_t> perm(recs.size());
        for (std::size_t i = 0; i < perm.size(); ++i) {
            perm[i] = i;
        }
        double orders = 0;
        do {
            const ref_result r = reference(recs, perm, cap, opt);
            for (std::size_t i = 0; i < recs.size(); ++i) {
                exact[i][index_of(r.got[i])] += 1;
            }
            orders += 1;
        } while (std::next_permutation(perm.begin(), perm.end()));
        std::vector<std::vector<int>> seen(recs.size(), std::vector<int>(outcomes, 0));
        for (int t = 0; t < trials; ++t) {
            const cbpq::draw_key key(pref_seed(pool_no), "prob/" + std::to_string(t));
            const auto res = prefs_draw(recs, cap, key, opt);
            std::vector<std::size_t> got(recs.size(), cap.ports.size());
            for (std::size_t p = 0; p < res.result.ports.size(); ++p) {
                for (const auto& sp : res.result.ports[p].selected) {
                    got[static_cast<std::size_t>(sp.id - 1)] = p;
                }
            }
            for (std::size_t i = 0; i < recs.size(); ++i) {
                ++seen[i][got[i]];
            }
        }
        for (std::size_t i = 0; i < recs.size(); ++i) {
            double x2 = 0;
            int df = -1;
            for (std::size_t o = 0; o < outcomes; ++o) {
                const double p = exact[i][o] / orders;
                if (p == 0) {
                    CHECK(seen[i][o] == 0); // impossible outcomes never happen
                    continue;
                }
                ++df;
                const double e = p * trials;
                x2 += (seen[i][o] - e) * (seen[i][o] - e) / e;
            }
            if (df == 0) {
                continue; // a certain outcome: checked exactly above
            }
            const double critical = cbpq_test::chi_square_critical(df, alpha);
            CHECK_MESSAGE(x2 < critical, "pool " << pool_no << " entrant " << i + 1 << ": X2 " << x2
                                                 << " df " << df << " critical " << critical);
        }
    }
}

TEST_CASE("preferences: a hand-checked example") {
    // Ports a (2 persons) and b (3 persons). Order by key decides; here we fix the pool and
    // check the documented rules on whichever order the key gives, against the reference.
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 2, std::nullopt, {}});
    cap.ports.push_back({"b", 3, std::nullopt, {}});
    const std::vector<prec> recs = {{1, {"a", "b"}, 2}, {2, {"a"}, 1}, {3, {"b", "a"}, 1},
                                    {4, {"a", "b"}, 1}, {5, {"b"}, 2}, {6, {"a", "b"}, 1}};
    cbpq::draw_options opt = cbpq::preferences_options();
    opt.alternates = 2;
    const cbpq::draw_key key(pref_seed(0), "example");
    const auto res = prefs_draw(recs, cap, key, opt);
    check_against_reference({cap, recs, opt}, key, res);
    CHECK(res.result.persons() <= 5);
}

TEST_CASE("preferences: bad input is refused naming the entrant and field") {
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 2, std::nullopt, {}});
    cap.ports.push_back({"b", 2, std::nullopt, {}});
    const cbpq::draw_key key(pref_seed(2), "bad");
    auto expect = [&](const std::vector<prec>& v, const std::string& record,
                      const std::string& field, const std::string& words) {
        for (int path = 0; path < 2; ++path) {
            try {
                if (path == 0) {
                    (void)prefs_draw(v, cap, key, cbpq::preferences_options());
                } else {
                    (void)collect(v, cap, key, cbpq::preferences_options());
                }
                FAIL("accepted bad input: " << words);
            } catch (const cbpq::invalid_input& e) {
                CHECK(e.record() == record);
                CHECK(e.field() == field);
                CHECK_MESSAGE(std::string(e.what()).find(words) != std::string::npos, e.what());
            }
        }
    };
    expect({{1, {"a"}, 1}, {7, {}, 1}}, "entrant 7", "preferences", "no port listed");
    expect({{1, {"a"}, 1}, {8, {"b", "zz"}, 1}}, "entrant 8", "preferences", "unknown port 'zz'");
    expect({{9, {"a", "b", "a"}, 1}}, "entrant 9", "preferences", "'a' listed twice");
    expect({{10, {"a", "b", "b", "a", "a"}, 1}}, "entrant 10", "preferences", "listed twice");
    expect({{11, {"a"}, 0}}, "entrant 11", "party", "outside 1..20");
    expect({{12, {"a"}, 21}}, "entrant 12", "party", "outside 1..20");
    expect({{13, {"a"}, 1}, {13, {"b"}, 1}}, "entrant 13", "id", "more than once");
    // Integer port indexes: out of range is unknown.
    struct irec {
        std::int64_t id;
        std::vector<int> preferences;
        int party;
    };
    const std::vector<irec> iv{{1, {1, 0}, 1}, {2, {2}, 1}};
    CHECK_THROWS_WITH_AS((void)cbpq::draw_preferences(iv, cap, key), doctest::Contains("#2"),
                         cbpq::invalid_input);
    const std::vector<irec> ok{{1, {1, 0}, 1}, {2, {0}, 2}, {3, {0, 1}, 1}};
    const auto r = cbpq::draw_preferences(ok, cap, key);
    CHECK(r.result.persons() == 4);
    // The policy is chosen by the function: another policy value is refused.
    cbpq::draw_options sen;
    sen.policy = cbpq::draw_policy::seniority;
    CHECK_THROWS_AS((void)prefs_draw({{1, {"a"}, 1}}, cap, key, sen), cbpq::invalid_input);
    CHECK_THROWS_AS((void)prefs_draw({{1, {"a"}, 1}}, cap, key, cbpq::draw_options{}),
                    cbpq::invalid_input);
    const std::vector<prec> one{{1, {"a"}, 1}};
    CHECK_THROWS_AS(
        (void)cbpq::draw(one, cap, key, cbpq::preferences_options(), by_id, by_port, by_party),
        cbpq::invalid_input);
    // Partials of another draw, capacity or options are refused.
    const std::vector<prec> v{{1, {"a", "b"}, 1}, {2, {"b"}, 1}};
    const auto popt = cbpq::preferences_options();
    const auto part = collect(v, cap, key, popt);
    cbpq::draw_options more = popt;
    more.alternates = 3;
    CHECK_THROWS_AS((void)cbpq::finish_preferences(part, cap, key, more), cbpq::invalid_input);
    CHECK_THROWS_AS(
        (void)cbpq::finish_preferences(part, cap, cbpq::draw_key(pref_seed(3), "x"), popt),
        cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::merge_preference_partials(part, collect(v, cap, key, more)),
                    cbpq::invalid_input);
    // The same id in two shards is caught when finishing.
    const auto twice = cbpq::merge_preference_partials(part, part);
    CHECK_THROWS_AS((void)cbpq::finish_preferences(twice, cap, key, popt), cbpq::invalid_input);
}

TEST_CASE("preferences: string ids and choice ranks") {
    struct srec {
        std::string id;
        std::vector<std::string> preferences;
        int party;
    };
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 1, std::nullopt, {}});
    cap.ports.push_back({"b", 5, std::nullopt, {}});
    std::vector<srec> v;
    for (int i = 0; i < 6; ++i) {
        v.push_back({"person-" + std::to_string(i), {"a", "b"}, 1});
    }
    const auto r = cbpq::draw_preferences(v, cap, cbpq::draw_key(pref_seed(4), "strings"));
    REQUIRE(r.result.ports[0].selected.size() == 1);
    REQUIRE(r.result.ports[1].selected.size() == 5);
    CHECK(r.choices[0] == std::vector<std::size_t>{1});
    CHECK(r.choices[1] == std::vector<std::size_t>(5, 2));
    CHECK(r.choice_of(r.result.ports[0].selected[0].id, "a") == 1);
    CHECK(r.choice_of(r.result.ports[0].selected[0].id, "b") == 0);
    CHECK_THROWS_AS((void)r.choice_of("person-0", "zz"), cbpq::invalid_input);
    // The first in keyed order gets a.
    std::string first = v[0].id;
    for (const auto& e : v) {
        const cbpq::draw_key k(pref_seed(4), "strings");
        if (cbpq::draw_order_less(k.entrant_key(std::string_view(e.id)), e.id,
                                  k.entrant_key(std::string_view(first)), first)) {
            first = e.id;
        }
    }
    CHECK(r.result.ports[0].selected[0].id == first);
}

TEST_CASE("preferences: receipts record the policy and verify, a changed list does not") {
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 3, std::nullopt, {}});
    cap.ports.push_back({"b", 4, 2, {}});
    std::vector<prec> v;
    for (std::int64_t i = 1; i <= 12; ++i) {
        v.push_back({i * 11,
                     i % 3 == 0   ? std::vector<std::string>{"b"}
                     : i % 3 == 1 ? std::vector<std::string>{"a", "b"}
                                  : std::vector<std::string>{"b", "a"},
                     1 + static_cast<int>(i % 2)});
    }
    const cbpq::seed s = pref_seed(9);
    const cbpq::draw_key key(s, "2023-06-30");
    auto opt = cbpq::preferences_options();
    opt.alternates = 2;
    const auto res = prefs_draw(v, cap, key, opt);
    const auto rec =
        cbpq::make_receipt(res.result, cap, "2023-06-30", s, {},
                           cbpq::digest_preference_entrants(v, cap, by_id, by_prefs, by_party));
    const std::string json = cbpq::receipt_to_json(rec);
    CHECK(json.find("\"name\": \"preferences\"") != std::string::npos);
    const auto back = cbpq::receipt_from_json(json, "r.json");
    CHECK(back == rec);
    CHECK(cbpq::verify_preferences(back, v, cap, by_id, by_prefs, by_party).ok);
    // Integer port indexes digest as their names.
    struct irec {
        std::int64_t id;
        std::vector<int> preferences;
        int party;
    };
    std::vector<irec> iv;
    for (const auto& r : v) {
        std::vector<int> l;
        for (const auto& p : r.preferences) {
            l.push_back(p == "a" ? 0 : 1);
        }
        iv.push_back({r.id, l, r.party});
    }
    CHECK(cbpq::digest_preference_entrants(
              iv, cap, [](const irec& r) { return r.id; },
              [](const irec& r) -> const std::vector<int>& { return r.preferences; },
              [](const irec& r) { return r.party; }) == rec.entrants);
    // The same ports in another order is another entrant set.
    auto w = v;
    w[0].preferences = {"b", "a"};
    const auto rep = cbpq::verify_preferences(back, w, cap, by_id, by_prefs, by_party);
    CHECK_FALSE(rep.ok);
    CHECK(rep.difference.rfind("entrants:", 0) == 0);
    CHECK(rep.difference.find("preferences") != std::string::npos);
    // A receipt whose result was edited no longer verifies.
    auto edited = back;
    std::swap(edited.result[0].selected.front(), edited.result[0].selected.back());
    CHECK_FALSE(cbpq::verify_preferences(edited, v, cap, by_id, by_prefs, by_party).ok);
    // verify() refuses a preferences receipt; verify_preferences refuses the others.
    CHECK_THROWS_AS((void)cbpq::verify(back, v, cap, by_id, by_port, by_party),
                    cbpq::invalid_input);
    auto uniform = back;
    uniform.options.policy = cbpq::draw_policy::uniform;
    CHECK_THROWS_AS((void)cbpq::verify_preferences(uniform, v, cap, by_id, by_prefs, by_party),
                    cbpq::invalid_input);
}
