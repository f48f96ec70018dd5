// Tests of the draw policies (draw.hpp): the seniority share against a naive reference model
// written from docs/policies.md, order independence, shard merge, capacity, exact
// probabilities of a small pool, and bad input.
#include "draw_invariants.hpp"

#include <cbpq/draw.hpp>

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
    std::string port;
    int party;
    std::int64_t registered;
};

cbpq::seed policy_seed(int i) {
    cbpq::seed::bytes_type b{};
    for (std::size_t j = 0; j < b.size(); ++j) {
        b[j] = static_cast<unsigned char>(j * 11 + static_cast<std::size_t>(i) * 17 + 3);
    }
    return cbpq::seed(b);
}

auto by_id = [](const prec& r) { return r.id; };
auto by_port = [](const prec& r) -> const std::string& { return r.port; };
auto by_party = [](const prec& r) { return r.party; };
auto by_reg = [](const prec& r) { return r.registered; };

cbpq::draw_result<std::int64_t> seniority(const std::vector<prec>& v, const cbpq::day_capacity& c,
                                          const cbpq::draw_key& k, const cbpq::draw_options& o) {
    return cbpq::draw_seniority(v, c, k, o, by_id, by_port, by_party, by_reg);
}

// Reference: per port, all entrants in (registered, key, id) order walked with round(s x
// persons) persons, then all the others in (key, id) order with what is left.
struct ref_port {
    std::set<std::int64_t> selected;
    std::vector<std::int64_t> alternates;
    std::int64_t persons = 0;
};

struct ref_walker {
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
    // Tries one party; returns whether selected.
    bool offer(std::int64_t party, cbpq::fill_rule fill) {
        if (stopped || exhausted()) {
            stopped = true;
            return false;
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
            return false;
        }
        persons -= party;
        --parties;
        if (slot < room.size()) {
            room[slot] -= party;
        }
        if (exhausted()) {
            stopped = true;
        }
        return true;
    }
};

std::map<std::string, ref_port> reference(const std::vector<prec>& recs,
                                          const cbpq::day_capacity& cap, const cbpq::draw_key& key,
                                          const cbpq::draw_options& opt) {
    std::map<std::string, ref_port> out;
    for (const auto& pc : cap.ports) {
        std::vector<prec> mine;
        for (const auto& r : recs) {
            if (r.port == pc.port) {
                mine.push_back(r);
            }
        }
        auto keyed = [&](const prec& a, const prec& b) {
            const auto ka = key.entrant_key(a.id);
            const auto kb = key.entrant_key(b.id);
            return ka != kb ? ka < kb : a.id < b.id;
        };
        ref_port rp;
        ref_walker w{
            pc.persons, pc.parties ? *pc.parties : std::numeric_limits<std::int64_t>::max(), {}};
        for (const auto& s : pc.slots) {
            w.room.push_back(s.persons);
        }
        const std::int64_t q = std::llround(opt.seniority_share * static_cast<double>(pc.persons));
        w.persons = q;
        std::vector<prec> senior = mine;
        std::sort(senior.begin(), senior.end(), [&](const prec& a, const prec& b) {
            return a.registered != b.registered ? a.registered < b.registered : keyed(a, b);
        });
        for (const auto& r : senior) {
            if (w.offer(r.party, opt.fill)) {
                rp.selected.insert(r.id);
                rp.persons += r.party;
            }
        }
        w.persons = pc.persons - rp.persons;
        w.stopped = false;
        std::sort(mine.begin(), mine.end(), keyed);
        for (const auto& r : mine) {
            if (rp.selected.count(r.id) != 0) {
                continue;
            }
            if (w.offer(r.party, opt.fill)) {
                rp.selected.insert(r.id);
                rp.persons += r.party;
            } else if (rp.alternates.size() < opt.alternates) {
                rp.alternates.push_back(r.id);
            }
        }
        out[pc.port] = rp;
    }
    return out;
}

struct pscenario {
    cbpq::day_capacity cap;
    std::vector<prec> recs;
    cbpq::draw_options opt;
};

pscenario random_pscenario(std::mt19937_64& g) {
    pscenario s;
    auto pick = [&](int lo, int hi) {
        return lo + static_cast<int>(g() % static_cast<std::uint64_t>(hi - lo + 1));
    };
    s.cap = cbpq_test::random_capacity(g);
    const int ports = static_cast<int>(s.cap.ports.size());
    s.opt.policy = cbpq::draw_policy::seniority;
    s.opt.seniority_share = static_cast<double>(pick(0, 10)) / 10.0;
    s.opt.fill = pick(0, 1) == 0 ? cbpq::fill_rule::skip : cbpq::fill_rule::strict;
    s.opt.alternates = static_cast<std::size_t>(pick(0, 5));
    s.opt.max_party = pick(3, 6);
    const int n = pick(0, 200);
    std::set<std::int64_t> used;
    for (int i = 0; i < n; ++i) {
        const auto id = static_cast<std::int64_t>(g() % 50000);
        if (!used.insert(id).second) {
            continue;
        }
        s.recs.push_back({id, s.cap.ports[static_cast<std::size_t>(pick(0, ports - 1))].port,
                          pick(0, 3) == 0 ? pick(1, static_cast<int>(s.opt.max_party)) : 1,
                          19000 + pick(0, 40)});
    }
    return s;
}

} // namespace

TEST_CASE("policies: seniority matches the reference model and keeps capacity") {
    std::mt19937_64 g(777);
    for (int round = 0; round < 200; ++round) {
        const pscenario s = random_pscenario(g);
        const cbpq::draw_key key(policy_seed(round), "seniority");
        const auto res = seniority(s.recs, s.cap, key, s.opt);
        const auto ref = reference(s.recs, s.cap, key, s.opt);
        cbpq_test::check_draw_invariants(
            res, s.cap, s.recs, s.opt.alternates,
            [](const prec& r, std::string_view port) { return r.port == port; }, true);
        for (std::size_t p = 0; p < res.ports.size(); ++p) {
            const auto& pd = res.ports[p];
            const auto& want = ref.at(pd.port);
            std::set<std::int64_t> got;
            for (const auto& sp : pd.selected) {
                got.insert(sp.id);
            }
            CHECK(got == want.selected);
            std::vector<std::int64_t> alts;
            for (const auto& a : pd.alternates) {
                alts.push_back(a.id);
            }
            CHECK(alts == want.alternates);
            // Selected are in keyed order so outcome_of finds them.
            for (const auto& sp : pd.selected) {
                CHECK(res.outcome_of(sp.id, pd.port).status == cbpq::entrant_status::selected);
            }
        }
    }
}

TEST_CASE("policies: seniority is order independent and shards merge exactly") {
    std::mt19937_64 g(4711);
    for (int round = 0; round < 100; ++round) {
        const pscenario s = random_pscenario(g);
        const cbpq::draw_key key(policy_seed(round), "seniority-shards");
        const auto whole = seniority(s.recs, s.cap, key, s.opt);
        cbpq_test::check_order_independent(
            s.recs, whole, [&](const auto& recs) { return seniority(recs, s.cap, key, s.opt); }, g);
        const std::size_t k = 1 + g() % 5;
        std::vector<cbpq::seniority_partial<std::int64_t>> parts;
        for (const auto& sh : cbpq_test::split_shards(s.recs, k, g)) {
            parts.push_back(
                cbpq::collect_seniority(sh, s.cap, key, s.opt, by_id, by_port, by_party, by_reg));
        }
        const auto merged = cbpq_test::merge_in_order(parts, [](const auto& a, const auto& b) {
            return cbpq::merge_seniority_partials(a, b);
        });
        CHECK(cbpq::finish_seniority(merged, s.cap, key, s.opt) == whole);
    }
}

TEST_CASE("policies: seniority share 0 is the uniform lottery; share 1 is oldest first") {
    std::mt19937_64 g(99);
    for (int round = 0; round < 40; ++round) {
        pscenario s = random_pscenario(g);
        const cbpq::draw_key key(policy_seed(round), "share-edges");
        s.opt.seniority_share = 0.0;
        const auto sen = seniority(s.recs, s.cap, key, s.opt);
        auto uo = s.opt;
        uo.policy = cbpq::draw_policy::uniform;
        const auto uni = cbpq::draw(s.recs, s.cap, key, uo, by_id, by_port, by_party);
        for (std::size_t p = 0; p < sen.ports.size(); ++p) {
            CHECK(sen.ports[p].selected == uni.ports[p].selected);
            CHECK(sen.ports[p].alternates == uni.ports[p].alternates);
        }
    }
    // Share 1, single persons, no ties: exactly the oldest `persons` entrants.
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 3, std::nullopt, {}});
    std::vector<prec> v;
    for (int i = 0; i < 10; ++i) {
        v.push_back({i, "a", 1, 100 - i});
    }
    cbpq::draw_options o;
    o.policy = cbpq::draw_policy::seniority;
    o.seniority_share = 1.0;
    const auto r = seniority(v, cap, cbpq::draw_key(policy_seed(1), "oldest"), o);
    std::set<std::int64_t> got;
    for (const auto& sp : r.ports[0].selected) {
        got.insert(sp.id);
    }
    CHECK(got == std::set<std::int64_t>{7, 8, 9});
}

TEST_CASE("policies: seniority rounding rule") {
    CHECK(cbpq::seniority_persons({"a", 3, std::nullopt, {}}, 0.5) == 2);
    CHECK(cbpq::seniority_persons({"a", 5, std::nullopt, {}}, 0.5) == 3);
    CHECK(cbpq::seniority_persons({"a", 10, std::nullopt, {}}, 0.25) == 3);
    CHECK(cbpq::seniority_persons({"a", 10, std::nullopt, {}}, 0.24) == 2);
    CHECK(cbpq::seniority_persons({"a", 7, std::nullopt, {}}, 0.0) == 0);
    CHECK(cbpq::seniority_persons({"a", 7, std::nullopt, {}}, 1.0) == 7);
    // Near 2^63 the product rounds up to 2^63, beyond llround's range: share 1 is still the
    // whole port, and a half is exact.
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    CHECK(cbpq::seniority_persons({"a", max, std::nullopt, {}}, 1.0) == max);
    CHECK(cbpq::seniority_persons({"a", max - 100, std::nullopt, {}}, 1.0) == max - 100);
    CHECK(cbpq::seniority_persons({"a", max, std::nullopt, {}}, 0.5) == std::int64_t{1} << 62);
}

// Exact probabilities: capacity 2 single persons, share 0.5 (one seniority place), entrants
// A (oldest), B and C tied second, D, E newest. A is always selected by seniority; the
// lottery place goes uniformly to one of B..E: P = 1/4 each. Frequencies over 4000 seeds
// against the binomial: 4 standard deviations of sqrt(4000 x 1/4 x 3/4) = 27.4 is 110.
TEST_CASE("policies: seniority selection probabilities, exact vs frequencies") {
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 2, std::nullopt, {}});
    const std::vector<prec> v{
        {1, "a", 1, 10}, {2, "a", 1, 11}, {3, "a", 1, 11}, {4, "a", 1, 12}, {5, "a", 1, 13}};
    cbpq::draw_options o;
    o.policy = cbpq::draw_policy::seniority;
    o.seniority_share = 0.5;
    std::map<std::int64_t, int> hits;
    const int seeds = 4000;
    for (int i = 0; i < seeds; ++i) {
        const auto r = seniority(
            v, cap, cbpq::draw_key(policy_seed(0), "probabilities-" + std::to_string(i)), o);
        REQUIRE(r.ports[0].selected.size() == 2);
        for (const auto& sp : r.ports[0].selected) {
            ++hits[sp.id];
        }
    }
    CHECK(hits[1] == seeds);
    for (std::int64_t id = 2; id <= 5; ++id) {
        CHECK(std::abs(hits[id] - seeds / 4) <= 110);
    }
}

TEST_CASE("policies: bad seniority input is refused with the field named") {
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 2, std::nullopt, {}});
    const std::vector<prec> v{{1, "a", 1, 10}};
    const cbpq::draw_key key(policy_seed(0), "bad");
    for (const double share : {-0.1, 1.5, std::nan(""), std::numeric_limits<double>::infinity()}) {
        cbpq::draw_options o;
        o.policy = cbpq::draw_policy::seniority;
        o.seniority_share = share;
        try {
            (void)seniority(v, cap, key, o);
            FAIL("accepted share " << share);
        } catch (const cbpq::invalid_input& e) {
            CHECK(std::string(e.what()).find("seniority_share") != std::string::npos);
        }
    }
    // The uniform entry points refuse the seniority policy, and vice versa.
    cbpq::draw_options o;
    o.policy = cbpq::draw_policy::seniority;
    CHECK_THROWS_AS((void)cbpq::draw(v, cap, key, o, by_id, by_port, by_party),
                    cbpq::invalid_input);
    CHECK_THROWS_AS((void)seniority(v, cap, key, cbpq::draw_options{}), cbpq::invalid_input);
    // A partial collected under another share is refused by finish_seniority.
    {
        cbpq::day_capacity big;
        big.ports.push_back({"a", 10, std::nullopt, {}});
        cbpq::draw_options o1;
        o1.policy = cbpq::draw_policy::seniority;
        o1.seniority_share = 0.5;
        auto o2 = o1;
        o2.seniority_share = 0.2;
        const auto part =
            cbpq::collect_seniority(v, big, key, o1, by_id, by_port, by_party, by_reg);
        CHECK_THROWS_AS((void)cbpq::finish_seniority(part, big, key, o2), cbpq::invalid_input);
        CHECK(cbpq::finish_seniority(part, big, key, o1) == seniority(v, big, key, o1));
    }
    // Unknown port still named by entrant and field.
    const std::vector<prec> w{{9, "zz", 1, 10}};
    try {
        (void)seniority(w, cap, key, o);
        FAIL("accepted an unknown port");
    } catch (const cbpq::invalid_input& e) {
        CHECK(std::string(e.what()).find("entrant 9") != std::string::npos);
    }
}
