// Tests of draw.hpp: known answers (golden files), a naive reference model, order
// independence, shard and merge, invariants, fairness, and bad input.
#include "draw_invariants.hpp"

#include <cbpq/draw.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <forward_list>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct rec {
    std::int64_t id;
    std::string port;
    int party;
};

struct srec {
    std::string id;
    std::string port;
    int party;
};

cbpq::seed test_seed(int i = 0) {
    cbpq::seed::bytes_type b{};
    for (std::size_t j = 0; j < b.size(); ++j) {
        b[j] = static_cast<unsigned char>(j * 7 + static_cast<std::size_t>(i) * 13 + 1);
    }
    return cbpq::seed(b);
}

// ---------------------------------------------------------------------------------------------
// The reference model: every entrant of a port in (key, id) order, walked one by one, written
// from the rules in docs/draw.md without the bounded buckets.
struct ref_outcome {
    cbpq::entrant_status status = cbpq::entrant_status::not_selected;
    std::size_t rank = 0;
    std::optional<std::size_t> slot;
    cbpq::not_selected_reason reason = cbpq::not_selected_reason::none;
};

struct ref_port {
    std::vector<std::pair<std::int64_t, std::optional<std::size_t>>> selected; // id, slot
    std::vector<std::pair<std::int64_t, cbpq::not_selected_reason>> alternates;
    std::map<std::int64_t, ref_outcome> outcomes;
};

template <class Recs>
std::map<std::string, ref_port> reference_draw(const Recs& recs, const cbpq::day_capacity& cap,
                                               const cbpq::draw_key& key,
                                               const cbpq::draw_options& opt) {
    std::map<std::string, ref_port> out;
    for (const auto& pc : cap.ports) {
        std::vector<std::pair<std::uint64_t, const rec*>> order;
        for (const auto& r : recs) {
            if (r.port == pc.port) {
                order.emplace_back(key.entrant_key(r.id), &r);
            }
        }
        std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first < b.first : a.second->id < b.second->id;
        });
        std::int64_t persons = pc.persons;
        std::int64_t parties = pc.parties.value_or(1'000'000'000);
        std::vector<std::int64_t> room;
        for (const auto& s : pc.slots) {
            room.push_back(s.persons);
        }
        auto full = [&] {
            if (persons == 0 || parties == 0) {
                return true;
            }
            return !room.empty() &&
                   std::all_of(room.begin(), room.end(), [](std::int64_t r) { return r == 0; });
        };
        bool stopped = false;
        ref_port& rp = out[pc.port];
        for (const auto& [k, r] : order) {
            ref_outcome o;
            if (stopped || full()) {
                o.reason = cbpq::not_selected_reason::not_reached;
            } else {
                bool fits = r->party <= persons && parties > 0;
                std::optional<std::size_t> slot;
                if (fits && !room.empty()) {
                    fits = false;
                    for (std::size_t j = 0; j < room.size(); ++j) {
                        if (room[j] >= r->party) {
                            slot = j;
                            fits = true;
                            break;
                        }
                    }
                }
                if (fits) {
                    persons -= r->party;
                    --parties;
                    if (slot) {
                        room[*slot] -= r->party;
                    }
                    o.status = cbpq::entrant_status::selected;
                    o.slot = slot;
                    rp.selected.emplace_back(r->id, slot);
                    o.rank = rp.selected.size();
                } else {
                    o.reason = cbpq::not_selected_reason::did_not_fit;
                    if (opt.fill == cbpq::fill_rule::strict) {
                        stopped = true;
                    }
                }
            }
            if (o.status != cbpq::entrant_status::selected &&
                rp.alternates.size() < opt.alternates) {
                rp.alternates.emplace_back(r->id, o.reason);
                o.status = cbpq::entrant_status::alternate;
                o.rank = rp.alternates.size();
            }
            rp.outcomes[r->id] = o;
        }
    }
    return out;
}

template <class Result, class Recs>
void check_against_reference(const Result& res, const Recs& recs, const cbpq::day_capacity& cap,
                             const cbpq::draw_key& key, const cbpq::draw_options& opt) {
    const auto ref = reference_draw(recs, cap, key, opt);
    REQUIRE(res.ports.size() == cap.ports.size());
    for (const auto& p : res.ports) {
        const ref_port& rp = ref.at(p.port);
        REQUIRE(p.selected.size() == rp.selected.size());
        for (std::size_t i = 0; i < p.selected.size(); ++i) {
            CHECK(p.selected[i].id == rp.selected[i].first);
            CHECK(p.selected[i].slot == rp.selected[i].second);
            CHECK(p.selected[i].rank == i + 1);
        }
        REQUIRE(p.alternates.size() == rp.alternates.size());
        for (std::size_t i = 0; i < p.alternates.size(); ++i) {
            CHECK(p.alternates[i].id == rp.alternates[i].first);
            CHECK(p.alternates[i].reason == rp.alternates[i].second);
            CHECK(p.alternates[i].rank == i + 1);
        }
    }
    for (const auto& r : recs) {
        const ref_outcome& want = ref.at(r.port).outcomes.at(r.id);
        const cbpq::entrant_outcome got = res.outcome_of(r.id, r.port);
        CHECK(got.status == want.status);
        CHECK(got.rank == want.rank);
        CHECK(got.slot == want.slot);
        if (want.status != cbpq::entrant_status::selected) {
            CHECK(got.reason == want.reason);
        }
    }
}

// Random capacity and entrants for property tests.
struct scenario {
    cbpq::day_capacity cap;
    std::vector<rec> recs;
    cbpq::draw_options opt;
};

scenario random_scenario(std::mt19937_64& g) {
    scenario s;
    auto pick = [&](int lo, int hi) {
        return static_cast<int>(lo +
                                static_cast<int>(g() % static_cast<std::uint64_t>(hi - lo + 1)));
    };
    s.cap = cbpq_test::random_capacity(g, {4, 40, 12, 4, 0, "port-"});
    const int ports = static_cast<int>(s.cap.ports.size());
    s.opt.fill = pick(0, 1) == 0 ? cbpq::fill_rule::skip : cbpq::fill_rule::strict;
    s.opt.alternates = static_cast<std::size_t>(pick(0, 6));
    s.opt.max_party = pick(3, 8);
    const int n = pick(0, 250);
    std::set<std::int64_t> used;
    for (int i = 0; i < n; ++i) {
        std::int64_t id = static_cast<std::int64_t>(g() % 100000) - 500;
        if (!used.insert(id).second) {
            continue;
        }
        int party = pick(0, 9) < 7 ? pick(1, 3) : pick(1, static_cast<int>(s.opt.max_party));
        s.recs.push_back(
            {id, s.cap.ports[static_cast<std::size_t>(pick(0, ports - 1))].port, party});
    }
    return s;
}

std::string result_text(const cbpq::draw_result<std::int64_t>& res, const cbpq::day_capacity& cap) {
    std::ostringstream o;
    o << "port,status,rank,id,party,slot,reason,key\n";
    for (std::size_t p = 0; p < res.ports.size(); ++p) {
        const auto& pd = res.ports[p];
        for (const auto& s : pd.selected) {
            o << pd.port << ",selected," << s.rank << ',' << s.id << ',' << s.party << ','
              << (s.slot ? cap.ports[p].slots[*s.slot].label : std::string()) << ",,"
              << cbpq::detail::to_hex64(s.key) << '\n';
        }
        for (const auto& a : pd.alternates) {
            o << pd.port << ",alternate," << a.rank << ',' << a.id << ',' << a.party << ",,"
              << cbpq::to_string(a.reason) << ',' << cbpq::detail::to_hex64(a.key) << '\n';
        }
        o << pd.port << ",total,," << pd.parties << ',' << pd.persons << ",,,\n";
    }
    return o.str();
}

void check_golden(const std::string& name, const std::string& text) {
    const std::string path = std::string(CBPQ_TEST_SOURCE_DIR) + "/golden/" + name;
    if (std::getenv("CBPQ_UPDATE_GOLDEN") != nullptr) {
        std::ofstream(path, std::ios::binary) << text;
    }
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "missing golden file " << path);
    std::ostringstream buf;
    buf << in.rdbuf();
    CHECK(buf.str() == text);
}

cbpq::day_capacity golden_capacity() {
    cbpq::day_capacity cap;
    cap.ports.push_back({"nogales", 12, std::nullopt, {}});
    cap.ports.push_back({"san-ysidro", 20, 6, {{"08:00", 6}, {"09:00", 6}, {"10:00", 8}}});
    cap.ports.push_back({"laredo", 0, std::nullopt, {}});
    return cap;
}

std::vector<rec> golden_entrants() {
    std::vector<rec> v;
    const char* ports[] = {"nogales", "san-ysidro", "laredo"};
    for (std::int64_t i = 1; i <= 60; ++i) {
        v.push_back({i * 1009 % 997 + 1000 * i, ports[i % 3], static_cast<int>(1 + (i * 7) % 5)});
    }
    return v;
}

} // namespace

TEST_CASE("draw: chi-square quantiles match published tables") {
    // NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.4 (upper critical values).
    CHECK(cbpq_test::chi_square_critical(10, 0.05) == doctest::Approx(18.307).epsilon(1e-4));
    CHECK(cbpq_test::chi_square_critical(39, 0.001) == doctest::Approx(72.055).epsilon(1e-4));
    CHECK(cbpq_test::chi_square_critical(1, 0.001) == doctest::Approx(10.828).epsilon(1e-4));
}

namespace {

// Every implementation of the eight-lane hash this CPU can run, the scalar one first.
std::vector<cbpq::detail::lane_hash_fn> lane_paths() {
    std::vector<cbpq::detail::lane_hash_fn> paths = {&cbpq::detail::lane_hash_scalar,
                                                     cbpq::detail::best_lane_hash(),
                                                     cbpq::detail::chosen_lane_hash()};
#ifdef CBPQ_LANE_KEYS_X86
    if (__builtin_cpu_supports("avx2")) {
        paths.push_back(&cbpq::detail::lane_hash_avx2);
    }
    if (__builtin_cpu_supports("avx512f")) {
        paths.push_back(&cbpq::detail::lane_hash_avx512);
    }
#endif
    return paths;
}

} // namespace

TEST_CASE("draw: SIMD key lanes equal the scalar key") {
    const cbpq::draw_key key(test_seed(), "lanes");
    const cbpq::detail::siphash_state start(key.k0(), key.k1());
    std::uint64_t values[8];
    std::uint64_t tags[8];
    std::mt19937_64 g(5);
    for (int round = 0; round < 100; ++round) {
        for (std::size_t i = 0; i < 8; ++i) {
            values[i] = g();
            tags[i] = (values[i] >> 63) != 0 ? 'N' : 'I';
        }
        std::uint64_t m1[8];
        std::uint64_t m2[8];
        cbpq::detail::lane_key_words(values, tags, m1, m2);
        std::uint64_t got[8];
        for (const auto path : lane_paths()) {
            path(start, m1, m2, got);
            for (std::size_t i = 0; i < 8; ++i) {
                CHECK(got[i] == key.entrant_key(static_cast<std::int64_t>(values[i])));
            }
        }
    }
}

TEST_CASE("draw: every SIMD lane path equals the scalar one from any state and words") {
    // keyed_stream starts the lanes from the state after its first message block, with other
    // words than an entrant key's: every path must agree with the scalar one there too.
    std::mt19937_64 g(11);
    const auto paths = lane_paths();
    for (int round = 0; round < 200; ++round) {
        cbpq::detail::siphash_state start(g(), g());
        start.absorb(g());
        std::uint64_t m1[8];
        std::uint64_t m2[8];
        std::uint64_t want[8];
        for (std::size_t i = 0; i < 8; ++i) {
            m1[i] = g();
            m2[i] = g();
            cbpq::detail::siphash_state s = start;
            s.absorb(m1[i]);
            s.absorb(m2[i]);
            want[i] = s.finish();
        }
        for (const auto path : paths) {
            std::uint64_t got[8];
            path(start, m1, m2, got);
            CHECK(std::equal(want, want + 8, got));
        }
    }
}

TEST_CASE("draw: a hand-checked example") {
    // Keys decide the order; check the walk with the order the keys give.
    const cbpq::draw_key key(test_seed(), "example");
    std::vector<rec> recs = {{1, "a", 3}, {2, "a", 2}, {3, "a", 1}, {4, "a", 2}, {5, "a", 4}};
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 5, std::nullopt, {}});
    cbpq::draw_options opt;
    opt.alternates = 2;
    const auto res = cbpq::draw(recs, cap, key, opt);
    std::vector<std::pair<std::uint64_t, std::int64_t>> order;
    for (const auto& r : recs) {
        order.emplace_back(key.entrant_key(r.id), r.id);
    }
    std::sort(order.begin(), order.end());
    // Walk by hand: persons 5, skip rule.
    std::int64_t left = 5;
    std::vector<std::int64_t> sel;
    std::vector<std::int64_t> passed;
    for (const auto& [k, id] : order) {
        const int party = recs[static_cast<std::size_t>(id - 1)].party;
        if (party <= left) {
            left -= party;
            sel.push_back(id);
        } else {
            passed.push_back(id);
        }
    }
    REQUIRE(res.ports.size() == 1);
    std::vector<std::int64_t> got;
    for (const auto& s : res.ports[0].selected) {
        got.push_back(s.id);
    }
    CHECK(got == sel);
    CHECK(res.ports[0].persons == 5 - left);
    REQUIRE(res.ports[0].alternates.size() == std::min<std::size_t>(2, passed.size()));
    for (std::size_t i = 0; i < res.ports[0].alternates.size(); ++i) {
        CHECK(res.ports[0].alternates[i].id == passed[i]);
    }
}

TEST_CASE("draw: golden results, byte for byte") {
    const auto cap = golden_capacity();
    const auto recs = golden_entrants();
    for (const auto fill : {cbpq::fill_rule::skip, cbpq::fill_rule::strict}) {
        cbpq::draw_options opt;
        opt.fill = fill;
        opt.alternates = 3;
        const cbpq::draw_key key(test_seed(), "2023-06-30");
        const auto res = cbpq::draw(recs, cap, key, opt);
        check_golden(std::string("draw_") + std::string(cbpq::to_string(fill)) + ".csv",
                     result_text(res, cap));
        check_against_reference(res, recs, cap, key, opt);
    }
}

TEST_CASE("draw: string ids, golden") {
    std::vector<srec> recs;
    for (int i = 0; i < 30; ++i) {
        recs.push_back({"REG-" + std::to_string(7000 + i * 37), i % 2 == 0 ? "hidalgo" : "el-paso",
                        1 + i % 3});
    }
    cbpq::day_capacity cap;
    cap.ports.push_back({"hidalgo", 9, 4, {}});
    cap.ports.push_back({"el-paso", 7, std::nullopt, {{"07:30", 3}, {"08:30", 4}}});
    cbpq::draw_options opt;
    opt.alternates = 2;
    const cbpq::draw_key key(test_seed(3), "strings");
    const auto res = cbpq::draw(recs, cap, key, opt);
    static_assert(std::is_same_v<decltype(res)::id_type, std::string>);
    std::ostringstream o;
    for (const auto& p : res.ports) {
        for (const auto& s : p.selected) {
            o << p.port << ",selected," << s.rank << ',' << s.id << ','
              << (s.slot ? std::to_string(*s.slot) : "") << '\n';
        }
        for (const auto& a : p.alternates) {
            o << p.port << ",alternate," << a.rank << ',' << a.id << ','
              << cbpq::to_string(a.reason) << '\n';
        }
    }
    check_golden("draw_strings.csv", o.str());
    // Shuffled input, same result.
    auto shuffled = recs;
    std::reverse(shuffled.begin(), shuffled.end());
    CHECK(cbpq::draw(shuffled, cap, key, opt) == res);
    for (const auto& r : recs) {
        const auto out = res.outcome_of(r.id, r.port);
        CHECK((out.status != cbpq::entrant_status::not_selected ||
               out.reason != cbpq::not_selected_reason::none));
    }
}

TEST_CASE("draw: matches the reference model on random inputs") {
    std::mt19937_64 g(20230512);
    for (int round = 0; round < 300; ++round) {
        const scenario s = random_scenario(g);
        const cbpq::draw_key key(test_seed(round), "prop");
        const auto res = cbpq::draw(s.recs, s.cap, key, s.opt);
        check_against_reference(res, s.recs, s.cap, key, s.opt);
    }
}

TEST_CASE("draw: invariants on random inputs") {
    std::mt19937_64 g(77);
    for (int round = 0; round < 300; ++round) {
        const scenario s = random_scenario(g);
        const cbpq::draw_key key(test_seed(round), "inv");
        const auto res = cbpq::draw(s.recs, s.cap, key, s.opt);
        cbpq_test::check_draw_invariants(
            res, s.cap, s.recs, s.opt.alternates,
            [](const rec& r, std::string_view port) { return r.port == port; }, true);
    }
}

TEST_CASE("draw: order independence") {
    std::mt19937_64 g(31);
    for (int round = 0; round < 60; ++round) {
        scenario s = random_scenario(g);
        const cbpq::draw_key key(test_seed(round), "order");
        const auto res = cbpq::draw(s.recs, s.cap, key, s.opt);
        cbpq_test::check_order_independent(
            s.recs, res, [&](const auto& recs) { return cbpq::draw(recs, s.cap, key, s.opt); }, g,
            3);
        // A forward-only range gives the same result too.
        std::forward_list<rec> fl(s.recs.begin(), s.recs.end());
        CHECK(cbpq::draw(fl, s.cap, key, s.opt) == res);
    }
}

TEST_CASE("draw: shards merge into exactly the whole") {
    std::mt19937_64 g(4242);
    for (int round = 0; round < 150; ++round) {
        const scenario s = random_scenario(g);
        const cbpq::draw_key key(test_seed(round), "shards");
        const auto whole = cbpq::draw(s.recs, s.cap, key, s.opt);
        const std::size_t k = 1 + g() % 6;
        std::vector<cbpq::draw_partial<std::int64_t>> parts;
        for (const auto& sh : cbpq_test::split_shards(s.recs, k, g)) {
            parts.push_back(cbpq::collect_draw(sh, s.cap, key, s.opt));
            cbpq_test::check_partial_bounded(parts.back());
        }
        std::shuffle(parts.begin(), parts.end(), g);
        const auto merged = cbpq_test::merge_in_order(
            parts, [](const auto& a, const auto& b) { return cbpq::merge_partials(a, b); });
        CHECK(merged.entrants == s.recs.size());
        CHECK(cbpq::finish_draw(merged, s.cap, key, s.opt) == whole);
    }
}

TEST_CASE("draw: partial size does not grow with the pool") {
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 10, std::nullopt, {}});
    cbpq::draw_options opt;
    opt.alternates = 5;
    opt.max_party = 4;
    std::vector<rec> recs;
    for (std::int64_t i = 0; i < 50000; ++i) {
        recs.push_back({i, "a", static_cast<int>(1 + i % 4)});
    }
    const cbpq::draw_key key(test_seed(), "bound");
    const auto part = cbpq::collect_draw(recs, cap, key, opt);
    std::size_t total = 0;
    for (std::size_t s = 0; s < 4; ++s) {
        const std::size_t limit = std::min<std::size_t>(10 / (s + 1), 10) + 5 + 1;
        CHECK(part.ports[0].limits[s] == limit);
        CHECK(part.ports[0].by_size[s].size() == limit);
        total += part.ports[0].by_size[s].size();
    }
    CHECK(total == 16 + 11 + 9 + 8);
}

TEST_CASE("draw: fairness, chi-square over many seeds with equal parties") {
    // 40 entrants of party 2 at one port of 20 persons: each trial selects 10. Per trial the
    // selection indicators have variance p(1-p) and covariance -p(1-p)/(k-1), so
    // X2 = (k-1)/k * sum (O_i - E)^2 / (T p (1-p)) is asymptotically chi-square with k-1
    // degrees of freedom. Significance level fixed in advance: 0.001.
    const std::size_t k = 40;
    const int trials = 4000;
    std::vector<rec> recs;
    for (std::size_t i = 0; i < k; ++i) {
        recs.push_back({static_cast<std::int64_t>(i * 101 + 5), "p", 2});
    }
    cbpq::day_capacity cap;
    cap.ports.push_back({"p", 20, std::nullopt, {}});
    std::map<std::int64_t, int> hits;
    for (int t = 0; t < trials; ++t) {
        const cbpq::draw_key key(test_seed(), "fair/" + std::to_string(t));
        const auto res = cbpq::draw(recs, cap, key, {});
        REQUIRE(res.ports[0].selected.size() == 10);
        for (const auto& s : res.ports[0].selected) {
            ++hits[s.id];
        }
    }
    const double p = 10.0 / static_cast<double>(k);
    const double expected = trials * p;
    double sum = 0;
    for (const auto& r : recs) {
        const double d = hits[r.id] - expected;
        sum += d * d;
    }
    const double x2 =
        (static_cast<double>(k) - 1) / static_cast<double>(k) * sum / (trials * p * (1 - p));
    const double critical = cbpq_test::chi_square_critical(static_cast<double>(k - 1), 0.001);
    CHECK(x2 < critical);
    MESSAGE("chi-square " << x2 << " vs critical " << critical);
}

TEST_CASE("draw: fairness, exact probabilities of small pools by enumerating orders") {
    struct pool {
        std::vector<int> parties;
        cbpq::port_capacity cap;
        cbpq::fill_rule fill;
    };
    const std::vector<pool> pools = {
        {{1, 2, 3, 1, 4, 2, 1}, {"p", 6, std::nullopt, {}}, cbpq::fill_rule::skip},
        {{1, 2, 3, 1, 4, 2, 1}, {"p", 6, std::nullopt, {}}, cbpq::fill_rule::strict},
        {{2, 2, 1, 3, 5}, {"p", 7, 2, {}}, cbpq::fill_rule::skip},
        {{1, 3, 2, 2, 1, 4}, {"p", 9, std::nullopt, {{"a", 4}, {"b", 3}}}, cbpq::fill_rule::skip},
    };
    const int trials = 20000;
    // z = 4.5: two-sided tail 6.8e-6 per entrant under the normal approximation of the
    // binomial, so the family of 25 checks has false-alarm probability below 0.001.
    const double z = 4.5;
    int pool_no = 0;
    for (const auto& pl : pools) {
        ++pool_no;
        std::vector<rec> recs;
        for (std::size_t i = 0; i < pl.parties.size(); ++i) {
            recs.push_back({static_cast<std::int64_t>(i + 1), "p", pl.parties[i]});
        }
        cbpq::day_capacity cap;
        cap.ports.push_back(pl.cap);
        cbpq::draw_options opt;
        opt.fill = pl.fill;
        // Exact: every order of the n entrants is equally likely (iid continuous keys).
        std::vector<std::size_t> perm(recs.size());
        for (std::size_t i = 0; i < perm.size(); ++i) {
            perm[i] = i;
        }
        std::vector<double> exact(recs.size(), 0);
        double orders = 0;
        do {
            std::int64_t persons = pl.cap.persons;
            std::int64_t parties = pl.cap.parties.value_or(1000);
            std::vector<std::int64_t> room;
            for (const auto& s : pl.cap.slots) {
                room.push_back(s.persons);
            }
            for (const std::size_t i : perm) {
                const int party = pl.parties[i];
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
                if (fits) {
                    persons -= party;
                    --parties;
                    if (slot < room.size()) {
                        room[slot] -= party;
                    }
                    exact[i] += 1;
                } else if (pl.fill == cbpq::fill_rule::strict) {
                    break;
                }
            }
            orders += 1;
        } while (std::next_permutation(perm.begin(), perm.end()));
        std::vector<int> hits(recs.size(), 0);
        for (int t = 0; t < trials; ++t) {
            const cbpq::draw_key key(test_seed(pool_no), "small/" + std::to_string(t));
            const auto res = cbpq::draw(recs, cap, key, opt);
            for (const auto& s : res.ports[0].selected) {
                ++hits[static_cast<std::size_t>(s.id - 1)];
            }
        }
        for (std::size_t i = 0; i < recs.size(); ++i) {
            const double p = exact[i] / orders;
            const double f = hits[i] / static_cast<double>(trials);
            const double tol = z * std::sqrt(p * (1 - p) / trials) + 1e-12;
            CHECK_MESSAGE(std::fabs(f - p) <= tol, "pool " << pool_no << " entrant " << i + 1
                                                           << " party " << pl.parties[i]
                                                           << ": exact " << p << ", seen " << f);
        }
    }
}

TEST_CASE("draw: fill rules differ for large families as documented") {
    // Strict never selects a party after one that did not fit; skip may.
    std::vector<rec> recs;
    for (std::int64_t i = 0; i < 200; ++i) {
        recs.push_back({i, "p", i % 10 == 0 ? 6 : 1});
    }
    cbpq::day_capacity cap;
    cap.ports.push_back({"p", 30, std::nullopt, {}});
    int skip_persons = 0;
    int strict_persons = 0;
    for (int t = 0; t < 50; ++t) {
        const cbpq::draw_key key(test_seed(), "rules/" + std::to_string(t));
        cbpq::draw_options opt;
        skip_persons += static_cast<int>(cbpq::draw(recs, cap, key, opt).ports[0].persons);
        opt.fill = cbpq::fill_rule::strict;
        strict_persons += static_cast<int>(cbpq::draw(recs, cap, key, opt).ports[0].persons);
    }
    CHECK(skip_persons == 50 * 30); // parties of 1 always fill the remainder under skip
    CHECK(strict_persons < skip_persons);
}

TEST_CASE("draw: bad input is refused with the record and field named") {
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 5, std::nullopt, {}});
    const cbpq::draw_key key(test_seed(), "bad");
    auto fails = [&](const std::vector<rec>& recs, const cbpq::day_capacity& c,
                     const std::string& record, const std::string& field,
                     cbpq::draw_options opt = {}) {
        try {
            (void)cbpq::draw(recs, c, key, opt);
            FAIL("no exception for " << record << " / " << field);
        } catch (const cbpq::invalid_input& e) {
            CHECK(e.record() == record);
            CHECK(e.field() == field);
        }
    };
    fails({{1, "a", 1}, {2, "a", 1}, {1, "a", 2}}, cap, "entrant 1", "id");
    // Duplicates far from the candidates are still found (10,000 entrants, capacity 5).
    std::vector<rec> many;
    for (std::int64_t i = 0; i < 10000; ++i) {
        many.push_back({i, "a", 1});
    }
    many.push_back({7777, "a", 1});
    fails(many, cap, "entrant 7777", "id");
    fails({{1, "a", 0}}, cap, "entrant 1", "party");
    fails({{1, "a", -3}}, cap, "entrant 1", "party");
    fails({{1, "a", 21}}, cap, "entrant 1", "party");
    cbpq::draw_options small;
    small.max_party = 4;
    fails({{1, "a", 5}}, cap, "entrant 1", "party", small);
    fails({{1, "b", 1}}, cap, "entrant 1", "port");
    auto c2 = cap;
    c2.ports[0].persons = -1;
    fails({}, c2, "port 'a'", "persons");
    c2 = cap;
    c2.ports[0].parties = -2;
    fails({}, c2, "port 'a'", "parties");
    c2 = cap;
    c2.ports[0].slots = {{"x", -1}};
    fails({}, c2, "port 'a' slot 'x'", "persons");
    c2 = cap;
    c2.ports[0].slots = {{"x", 0}, {"y", 0}};
    fails({}, c2, "port 'a'", "slots");
    c2 = cap;
    c2.ports[0].slots = {{"x", 1}, {"x", 1}};
    fails({}, c2, "port 'a' slot 'x'", "slot");
    c2 = cap;
    c2.ports.push_back({"a", 1, std::nullopt, {}});
    fails({}, c2, "port 'a'", "port");
    c2 = cap;
    c2.ports.push_back({"b", std::numeric_limits<std::int64_t>::max(), std::nullopt, {}});
    fails({}, c2, "capacity", "persons");
    c2 = cap;
    c2.ports[0].slots = {{"x", std::numeric_limits<std::int64_t>::max()}, {"y", 1}};
    fails({}, c2, "port 'a' slot 'y'", "persons");
    cbpq::draw_options bad;
    bad.max_party = 0;
    fails({}, cap, "draw options", "max_party", bad);
    // Check off: duplicates outside the candidates pass, duplicates among them do not.
    cbpq::draw_options off;
    off.check_duplicate_ids = false;
    fails({{1, "a", 1}, {1, "a", 1}}, cap, "entrant 1", "id", off);
}

TEST_CASE("draw: reasons from the walk end") {
    cbpq::day_capacity cap;
    cap.ports.push_back({"full", 0, std::nullopt, {}});
    cap.ports.push_back({"open", 100, std::nullopt, {}});
    std::vector<rec> recs = {{1, "full", 1}, {2, "full", 2}, {3, "open", 1}};
    cbpq::draw_options opt;
    opt.alternates = 1;
    const auto res = cbpq::draw(recs, cap, cbpq::draw_key(test_seed(), "reasons"), opt);
    CHECK(res.ports[0].end == cbpq::walk_end::at_start);
    CHECK(res.outcome_of(2, "full").reason == cbpq::not_selected_reason::not_reached);
    CHECK(res.ports[1].end == cbpq::walk_end::never);
    CHECK(res.outcome_of(3, "open").status == cbpq::entrant_status::selected);
    CHECK_THROWS_AS((void)res.outcome_of(3, "nowhere"), cbpq::invalid_input);
}

TEST_CASE("draw: projections, integer port indexes and a traits specialisation") {
    struct host {
        long long reg;
        short site;
        unsigned char size;
    };
    std::vector<host> hs = {{10, 0, 1}, {11, 1, 2}, {12, 0, 3}, {13, 1, 1}};
    cbpq::day_capacity cap;
    cap.ports.push_back({"x", 3, std::nullopt, {}});
    cap.ports.push_back({"y", 3, std::nullopt, {}});
    const cbpq::draw_key key(test_seed(), "proj");
    const auto a = cbpq::draw(
        hs, cap, key, {}, &host::reg, [](const host& h) { return static_cast<int>(h.site); },
        &host::size);
    std::vector<rec> recs = {{10, "x", 1}, {11, "y", 2}, {12, "x", 3}, {13, "y", 1}};
    const auto b = cbpq::draw(recs, cap, key, {});
    REQUIRE(a.ports.size() == b.ports.size());
    for (std::size_t p = 0; p < a.ports.size(); ++p) {
        REQUIRE(a.ports[p].selected.size() == b.ports[p].selected.size());
        for (std::size_t i = 0; i < a.ports[p].selected.size(); ++i) {
            CHECK(a.ports[p].selected[i].id == b.ports[p].selected[i].id);
        }
    }
    CHECK_THROWS_AS((void)cbpq::draw(
                        hs, cap, key, {}, &host::reg, [](const host&) { return 5; }, &host::size),
                    cbpq::invalid_input);
}

TEST_CASE("draw: one id at two ports is refused with the check off and across shards") {
    // docs/draw.md: duplicates among the candidates are refused even with check_duplicate_ids
    // off, "including one id at two ports", and finish_draw refuses those that shards bring
    // together. The copies share a key wherever they stand.
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 5, std::nullopt, {}});
    cap.ports.push_back({"b", 5, std::nullopt, {}});
    const cbpq::draw_key key(test_seed(3), "two-ports");
    const std::vector<rec> both{{7, "a", 1}, {7, "b", 1}, {8, "b", 2}};
    cbpq::draw_options on, off;
    off.check_duplicate_ids = false;
    const auto names_7 = [](const cbpq::invalid_input& e) {
        return e.record() == "entrant 7" && e.field() == "id";
    };
    for (const auto& o : {on, off}) {
        try {
            (void)cbpq::draw(both, cap, key, o);
            FAIL("one id at two ports was drawn");
        } catch (const cbpq::invalid_input& e) {
            CHECK(names_7(e));
        }
    }
    const std::vector<rec> s1{{7, "a", 1}}, s2{{7, "b", 1}, {8, "b", 2}};
    const auto merged = cbpq::merge_partials(cbpq::collect_draw(s1, cap, key, on),
                                             cbpq::collect_draw(s2, cap, key, on));
    try {
        (void)cbpq::finish_draw(merged, cap, key, on);
        FAIL("one id at two ports was drawn from shards");
    } catch (const cbpq::invalid_input& e) {
        CHECK(names_7(e));
    }
    // The weighted draw too.
    struct wrec {
        std::int64_t id;
        std::string port;
        int party;
        double weight;
    };
    const std::vector<wrec> wboth{{7, "a", 1, 1.0}, {7, "b", 1, 2.0}, {8, "b", 2, 1.0}};
    cbpq::draw_options w = off;
    w.policy = cbpq::draw_policy::weighted;
    try {
        (void)cbpq::draw_weighted(
            wboth, cap, key, w, [](const wrec& r) { return r.id; },
            [](const wrec& r) -> const std::string& { return r.port; },
            [](const wrec& r) { return r.party; }, [](const wrec& r) { return r.weight; });
        FAIL("one id at two ports was drawn by weight");
    } catch (const cbpq::invalid_input& e) {
        CHECK(names_7(e));
    }
    // Distinct ids at the two ports are fine.
    const std::vector<rec> fine{{7, "a", 1}, {9, "b", 1}};
    const auto r = cbpq::draw(fine, cap, key, off);
    CHECK(r.ports[0].selected.size() == 1);
    CHECK(r.ports[1].selected.size() == 1);
}

TEST_CASE("draw: a vast capacity or waiting list draws without room reserved for it") {
    // The buckets' room follows the entrants, not the limits: persons up to INT64_MAX and a
    // waiting list of 2^40 once asked for tens of gigabytes before the first entrant.
    const cbpq::draw_key key(test_seed(4), "vast");
    const std::vector<rec> few{{1, "a", 1}, {2, "a", 3}, {3, "a", 6}};
    for (const std::int64_t persons : {std::int64_t{1000000000}, std::int64_t{1} << 62,
                                       std::numeric_limits<std::int64_t>::max()}) {
        cbpq::day_capacity cap;
        cap.ports.push_back({"a", persons, std::nullopt, {}});
        const auto r = cbpq::draw(few, cap, key, {});
        CHECK(r.ports[0].selected.size() == 3);
    }
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 4, std::nullopt, {}});
    cbpq::draw_options o;
    o.alternates = std::size_t{1} << 40;
    const auto r = cbpq::draw(few, cap, key, o);
    CHECK(r.ports[0].selected.size() + r.ports[0].alternates.size() == 3);
}
