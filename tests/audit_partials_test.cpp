// Tests of the partial-draw text forms of audit.hpp for every sharded policy (uniform,
// seniority, weighted, aging): round trips, canonical bytes whatever the merge order,
// malformed input naming the field, and sharded partials shipped as text merging into the whole
// draw. Also the entrant_traits forms of the policy draws and of verify (draw.hpp, audit.hpp)
// over a host record type.
#include <cbpq/audit.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace host_side {

// A host row: no member is named id, port, party, registered or weight.
struct row {
    std::uint64_t no = 0;
    std::string crossing;
    int household = 1;
    std::int64_t signup_day = 0;
    double score = 1.0;
};

// A row with the default member names: read by the primary entrant_traits.
struct plain {
    std::uint64_t id = 0;
    std::string port;
    int party = 1;
    std::int64_t registered = 0;
    double weight = 1.0;
};

// A row with neither registration day nor weight.
struct bare {
    std::uint64_t id = 0;
    std::string port;
    int party = 1;
};

} // namespace host_side

template <>
struct cbpq::entrant_traits<host_side::row> {
    static const std::uint64_t& id(const host_side::row& r) noexcept { return r.no; }
    static const std::string& port(const host_side::row& r) noexcept { return r.crossing; }
    static int party(const host_side::row& r) noexcept { return r.household; }
    static std::int64_t registered(const host_side::row& r) noexcept { return r.signup_day; }
    static double weight(const host_side::row& r) noexcept { return r.score; }
};

static_assert(cbpq::registered_entrant<host_side::row>);
static_assert(cbpq::weighted_entrant<host_side::row>);
static_assert(cbpq::registered_entrant<host_side::plain>);
static_assert(cbpq::weighted_entrant<host_side::plain>);
static_assert(!cbpq::registered_entrant<host_side::bare>);
static_assert(!cbpq::weighted_entrant<host_side::bare>);

namespace {

using host_side::row;

constexpr std::int64_t draw_day = 19538; // 2023-06-30

const char* const public_values = "9319/2 5 12 8 10/9 18 26 34 41 45";

cbpq::day_capacity capacity() {
    cbpq::day_capacity cap;
    cap.ports.push_back({"nogales", 12, std::nullopt, {}});
    cap.ports.push_back({"san-ysidro", 15, 6, {{"08:00", 7}, {"09:00", 8}}});
    cap.ports.push_back({"laredo", 5, 3, {}});
    return cap;
}

std::vector<row> rows(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 g(seed);
    const char* const ports[] = {"nogales", "san-ysidro", "laredo"};
    std::vector<row> out;
    for (std::size_t i = 0; i < n; ++i) {
        row r;
        r.no = 500000 + i * 7;
        r.crossing = ports[g() % 3];
        r.household = static_cast<int>(1 + g() % 4);
        r.signup_day = draw_day - static_cast<std::int64_t>(g() % 200);
        r.score = 0.25 + static_cast<double>(g() % 16) * 0.5;
        out.push_back(r);
    }
    return out;
}

cbpq::draw_options options(cbpq::draw_policy policy) {
    cbpq::draw_options o;
    o.policy = policy;
    o.alternates = 3;
    o.max_party = 4;
    if (policy == cbpq::draw_policy::seniority) {
        o.seniority_share = 0.5;
    }
    if (policy == cbpq::draw_policy::aging) {
        o.aging = cbpq::parse_aging_rule("linear/30");
        o.draw_day = draw_day;
    }
    return o;
}

std::vector<std::vector<row>> split(const std::vector<row>& all, std::size_t k,
                                    std::uint64_t seed) {
    std::mt19937_64 g(seed);
    std::vector<std::vector<row>> out(k);
    for (const auto& r : all) {
        out[g() % k].push_back(r);
    }
    return out;
}

// Calls `f` with the text and expects a parse_error naming `field`.
template <class F>
void fails(F f, const std::string& text, const std::string& field) {
    try {
        (void)f(text);
        FAIL("accepted malformed text, expected field " << field);
    } catch (const cbpq::parse_error& e) {
        CHECK_MESSAGE(e.field() == field, e.what());
        CHECK(e.source() == "p.json");
        CHECK(e.line() > 0);
    }
}

std::string replace_first(std::string t, const std::string& from, const std::string& to) {
    const auto at = t.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, from);
    t.replace(at, from.size(), to);
    return t;
}

} // namespace

TEST_CASE("policy draws through entrant_traits equal the projection forms") {
    const auto all = rows(400, 1);
    const auto cap = capacity();
    const cbpq::draw_key key(cbpq::seed::from_public_values(public_values), "traits");
    auto id = [](const row& r) { return r.no; };
    auto port = [](const row& r) -> const std::string& { return r.crossing; };
    auto party = [](const row& r) { return r.household; };
    auto reg = [](const row& r) { return r.signup_day; };
    auto weight = [](const row& r) { return r.score; };

    const auto sen = options(cbpq::draw_policy::seniority);
    CHECK(cbpq::draw_seniority(all, cap, key, sen) ==
          cbpq::draw_seniority(all, cap, key, sen, id, port, party, reg));
    CHECK(cbpq::collect_seniority(all, cap, key, sen) ==
          cbpq::collect_seniority(all, cap, key, sen, id, port, party, reg));
    const auto wei = options(cbpq::draw_policy::weighted);
    CHECK(cbpq::draw_weighted(all, cap, key, wei) ==
          cbpq::draw_weighted(all, cap, key, wei, id, port, party, weight));
    CHECK(cbpq::collect_weighted(all, cap, key, wei) ==
          cbpq::collect_weighted(all, cap, key, wei, id, port, party, weight));
    const auto age = options(cbpq::draw_policy::aging);
    CHECK(cbpq::draw_aging(all, cap, key, age) ==
          cbpq::draw_aging(all, cap, key, age, id, port, party, reg));
    CHECK(cbpq::collect_aging(all, cap, key, age) ==
          cbpq::collect_aging(all, cap, key, age, id, port, party, reg));

    // The primary template reads members .registered and .weight.
    std::vector<host_side::plain> plains;
    for (const auto& r : all) {
        plains.push_back({r.no, r.crossing, r.household, r.signup_day, r.score});
    }
    CHECK(cbpq::draw_seniority(plains, cap, key, sen) == cbpq::draw_seniority(all, cap, key, sen));
    CHECK(cbpq::draw_weighted(plains, cap, key, wei) == cbpq::draw_weighted(all, cap, key, wei));
    CHECK(cbpq::draw_aging(plains, cap, key, age) == cbpq::draw_aging(all, cap, key, age));
}

TEST_CASE("verify through entrant_traits re-runs every policy") {
    const auto all = rows(300, 2);
    const auto cap = capacity();
    const cbpq::seed s = cbpq::seed::from_public_values(public_values);
    cbpq::seed_source src;
    src.type = cbpq::seed_source::kind::public_values;
    src.public_values = public_values;
    const std::string label = "2023-06-30/verify";
    const cbpq::draw_key key(s, label);
    using T = row;
    for (const auto policy : {cbpq::draw_policy::uniform, cbpq::draw_policy::seniority,
                              cbpq::draw_policy::weighted, cbpq::draw_policy::aging}) {
        const std::string name(cbpq::to_string(policy));
        CAPTURE(name);
        const auto opt = options(policy);
        cbpq::draw_result<std::uint64_t> result(key, opt);
        switch (policy) {
        case cbpq::draw_policy::seniority:
            result = cbpq::draw_seniority(all, cap, key, opt);
            break;
        case cbpq::draw_policy::weighted:
            result = cbpq::draw_weighted(all, cap, key, opt);
            break;
        case cbpq::draw_policy::aging:
            result = cbpq::draw_aging(all, cap, key, opt);
            break;
        default:
            result = cbpq::draw(all, cap, key, opt);
            break;
        }
        const auto digest = cbpq::digest_entrants_for(
            policy, all, cap, [](const T& r) { return r.no; },
            [](const T& r) -> const std::string& { return r.crossing; },
            [](const T& r) { return r.household; }, [](const T& r) { return r.signup_day; },
            [](const T& r) { return r.score; });
        const cbpq::receipt r = cbpq::make_receipt(result, cap, label, s, src, digest);
        const auto good = cbpq::verify(r, all, cap);
        CHECK_MESSAGE(good.ok, good.difference);
        // A changed registration day or weight fails where the policy reads it.
        auto changed = all;
        changed[7].signup_day -= 1;
        changed[9].score += 0.5;
        const auto bad = cbpq::verify(r, changed, cap);
        CHECK(bad.ok == (policy == cbpq::draw_policy::uniform));

        // Records whose traits lack the field the policy needs: refused, naming `policy`.
        std::vector<host_side::bare> bares;
        for (const auto& x : all) {
            bares.push_back({x.no, x.crossing, x.household});
        }
        if (policy == cbpq::draw_policy::uniform) {
            CHECK(cbpq::verify(r, bares, cap).ok); // same ids, ports and parties
        } else {
            try {
                (void)cbpq::verify(r, bares, cap);
                FAIL("verified without the field the policy reads");
            } catch (const cbpq::invalid_input& e) {
                CHECK(e.field() == "policy");
            }
        }
    }
}

TEST_CASE("partials of every policy: shipped as text, merged, equal to the whole draw") {
    const auto all = rows(2500, 3);
    const auto cap = capacity();
    const cbpq::draw_key key(cbpq::seed::from_public_values(public_values), "ship-policies");
    for (const std::size_t k : {1U, 2U, 5U}) {
        CAPTURE(k);
        const auto shards = split(all, k, 40 + k);

        // Uniform.
        {
            const auto opt = options(cbpq::draw_policy::uniform);
            std::vector<cbpq::draw_partial<std::uint64_t>> parts;
            for (const auto& sh : shards) {
                const std::string text =
                    cbpq::partial_to_json(cbpq::collect_draw(sh, cap, key, opt));
                parts.push_back(cbpq::partial_from_json<std::uint64_t>(text, "p.json"));
                CHECK(cbpq::partial_to_json(parts.back()) == text);
            }
            auto merged = parts[0];
            for (std::size_t i = 1; i < parts.size(); ++i) {
                merged = cbpq::merge_partials(std::move(merged), parts[i]);
            }
            CHECK(cbpq::finish_draw(merged, cap, key, opt) == cbpq::draw(all, cap, key, opt));
        }
        // Seniority.
        {
            const auto opt = options(cbpq::draw_policy::seniority);
            std::vector<cbpq::seniority_partial<std::uint64_t>> parts;
            for (const auto& sh : shards) {
                const std::string text =
                    cbpq::seniority_partial_to_json(cbpq::collect_seniority(sh, cap, key, opt));
                parts.push_back(cbpq::seniority_partial_from_json<std::uint64_t>(text, "p.json"));
                CHECK(cbpq::seniority_partial_to_json(parts.back()) == text);
            }
            auto merged = parts[0];
            for (std::size_t i = 1; i < parts.size(); ++i) {
                merged = cbpq::merge_seniority_partials(std::move(merged), parts[i]);
            }
            // The merged partial travels too.
            const auto trip = cbpq::seniority_partial_from_json<std::uint64_t>(
                cbpq::seniority_partial_to_json(merged), "p.json");
            CHECK(cbpq::finish_seniority(trip, cap, key, opt) ==
                  cbpq::draw_seniority(all, cap, key, opt));
        }
        // Weighted and aging.
        for (const auto policy : {cbpq::draw_policy::weighted, cbpq::draw_policy::aging}) {
            const auto opt = options(policy);
            std::vector<cbpq::weighted_partial<std::uint64_t>> parts;
            for (const auto& sh : shards) {
                const auto part = policy == cbpq::draw_policy::weighted
                                      ? cbpq::collect_weighted(sh, cap, key, opt)
                                      : cbpq::collect_aging(sh, cap, key, opt);
                const std::string text = cbpq::weighted_partial_to_json(part);
                parts.push_back(cbpq::weighted_partial_from_json<std::uint64_t>(text, "p.json"));
                CHECK(cbpq::weighted_partial_to_json(parts.back()) == text);
                auto sorted = part;
                cbpq::sort_partial(sorted);
                CHECK(parts.back() == sorted);
            }
            auto merged = parts[0];
            for (std::size_t i = 1; i < parts.size(); ++i) {
                merged = cbpq::merge_weighted_partials(std::move(merged), parts[i]);
            }
            const auto whole = policy == cbpq::draw_policy::weighted
                                   ? cbpq::draw_weighted(all, cap, key, opt)
                                   : cbpq::draw_aging(all, cap, key, opt);
            CHECK(cbpq::finish_weighted(merged, cap, key, opt) == whole);
        }
    }
}

TEST_CASE("partial text is canonical: merging in another order gives the same bytes") {
    const auto all = rows(3000, 4);
    const auto cap = capacity();
    const cbpq::draw_key key(cbpq::seed::from_public_values(public_values), "canonical");
    const auto shards = split(all, 4, 77);
    {
        const auto opt = options(cbpq::draw_policy::uniform);
        std::vector<cbpq::draw_partial<std::uint64_t>> p;
        for (const auto& sh : shards) {
            p.push_back(cbpq::collect_draw(sh, cap, key, opt));
        }
        auto a = cbpq::merge_partials(cbpq::merge_partials(cbpq::merge_partials(p[0], p[1]), p[2]),
                                      p[3]);
        auto b = cbpq::merge_partials(cbpq::merge_partials(p[3], p[1]),
                                      cbpq::merge_partials(p[2], p[0]));
        CHECK(cbpq::partial_to_json(a) == cbpq::partial_to_json(b));
        CHECK(cbpq::partial_to_json(a) ==
              cbpq::partial_to_json(cbpq::collect_draw(all, cap, key, opt)));
        cbpq::sort_partial(a);
        cbpq::sort_partial(b);
        CHECK(a == b);
    }
    {
        const auto opt = options(cbpq::draw_policy::seniority);
        std::vector<cbpq::seniority_partial<std::uint64_t>> p;
        for (const auto& sh : shards) {
            p.push_back(cbpq::collect_seniority(sh, cap, key, opt));
        }
        auto a = cbpq::merge_seniority_partials(
            cbpq::merge_seniority_partials(cbpq::merge_seniority_partials(p[0], p[1]), p[2]), p[3]);
        auto b = cbpq::merge_seniority_partials(cbpq::merge_seniority_partials(p[3], p[1]),
                                                cbpq::merge_seniority_partials(p[2], p[0]));
        CHECK(cbpq::seniority_partial_to_json(a) == cbpq::seniority_partial_to_json(b));
        CHECK(cbpq::seniority_partial_to_json(a) ==
              cbpq::seniority_partial_to_json(cbpq::collect_seniority(all, cap, key, opt)));
        cbpq::sort_partial(a);
        cbpq::sort_partial(b);
        CHECK(a == b);
    }
    for (const auto policy : {cbpq::draw_policy::weighted, cbpq::draw_policy::aging}) {
        const auto opt = options(policy);
        auto collect = [&](const std::vector<row>& sh) {
            return policy == cbpq::draw_policy::weighted ? cbpq::collect_weighted(sh, cap, key, opt)
                                                         : cbpq::collect_aging(sh, cap, key, opt);
        };
        std::vector<cbpq::weighted_partial<std::uint64_t>> p;
        for (const auto& sh : shards) {
            p.push_back(collect(sh));
        }
        auto a = cbpq::merge_weighted_partials(
            cbpq::merge_weighted_partials(cbpq::merge_weighted_partials(p[0], p[1]), p[2]), p[3]);
        auto b = cbpq::merge_weighted_partials(cbpq::merge_weighted_partials(p[3], p[1]),
                                               cbpq::merge_weighted_partials(p[2], p[0]));
        CHECK(cbpq::weighted_partial_to_json(a) == cbpq::weighted_partial_to_json(b));
        CHECK(cbpq::weighted_partial_to_json(a) == cbpq::weighted_partial_to_json(collect(all)));
        cbpq::sort_partial(a);
        cbpq::sort_partial(b);
        CHECK(a == b);
    }
}

TEST_CASE("partial readers refuse malformed text and name the field") {
    const auto all = rows(200, 5);
    const auto cap = capacity();
    const cbpq::draw_key key(cbpq::seed::from_public_values(public_values), "malformed");
    auto uni = [](const std::string& t) {
        return cbpq::partial_from_json<std::uint64_t>(t, "p.json");
    };
    auto sen = [](const std::string& t) {
        return cbpq::seniority_partial_from_json<std::uint64_t>(t, "p.json");
    };
    auto wei = [](const std::string& t) {
        return cbpq::weighted_partial_from_json<std::uint64_t>(t, "p.json");
    };
    const std::string u = cbpq::partial_to_json(
        cbpq::collect_draw(all, cap, key, options(cbpq::draw_policy::uniform)));
    const std::string s = cbpq::seniority_partial_to_json(
        cbpq::collect_seniority(all, cap, key, options(cbpq::draw_policy::seniority)));
    const std::string w = cbpq::weighted_partial_to_json(
        cbpq::collect_weighted(all, cap, key, options(cbpq::draw_policy::weighted)));

    // The head, in every form.
    for (const auto& [text, reader] :
         std::vector<std::pair<std::string, int>>{{u, 0}, {s, 1}, {w, 2}}) {
        auto check = [&, r = reader](const std::string& t, const std::string& field) {
            if (r == 0) {
                fails(uni, t, field);
            } else if (r == 1) {
                fails(sen, t, field);
            } else {
                fails(wei, t, field);
            }
        };
        check(replace_first(text, "\"format\": \"cbpq-", "\"format\": \"x-"), "format");
        check(replace_first(text, "\"draw_key\": \"", "\"draw_key\": \"zz"), "draw_key");
        check(replace_first(text, "\"entrants\": ", "\"entrants\": -"), "entrants");
        check(replace_first(text, "\"id_kind\": \"integer\"", "\"id_kind\": \"string\""),
              "id_kind");
        check(replace_first(text, "\"limits\": [", "\"limits\": [0, "), "limits");
        check(replace_first(text, "\"port\"", "\"ports\""), "port");
        check(text.substr(0, text.size() / 2), "");
    }
    // Each form's own readers are not interchangeable.
    fails(uni, s, "format");
    fails(sen, w, "format");
    fails(wei, u, "format");

    // Uniform entries [key, id, party].
    const std::string ue = "\"entries\": [\n";
    REQUIRE(u.find(ue) != std::string::npos);
    fails(uni, replace_first(u, "\"entries\": [", "\"entries\": [[\"00\", 1, 1], "), "key");
    fails(uni,
          replace_first(u, "\"entries\": [", "\"entries\": [[\"0000000000000000\", \"x\", 1], "),
          "id");
    fails(uni, replace_first(u, "\"entries\": [", "\"entries\": [[\"0000000000000000\", 1, 9], "),
          "party");
    fails(uni, replace_first(u, "\"entries\": [", "\"entries\": [[\"0000000000000000\", 1], "),
          "entries");

    // Seniority entries [registered, key, id, party] and their limits.
    fails(sen, replace_first(s, "\"senior_limits\": [", "\"senior_limits\": [1, "),
          "senior_limits");
    fails(sen, replace_first(s, "\"senior_limits\": [", "\"senior_limits\": [-1, "),
          "senior_limits");
    fails(sen, replace_first(s, "\"senior_limits\"", "\"senior_limit\""), "senior_limits");
    fails(sen,
          replace_first(s, "\"senior\": [", "\"senior\": [[\"1\", \"0000000000000000\", 1, 1], "),
          "registered");
    fails(sen, replace_first(s, "\"senior\": [", "\"senior\": [[1, \"0\", 1, 1], "), "key");
    fails(sen,
          replace_first(s, "\"senior\": [", "\"senior\": [[1, \"0000000000000000\", 1.5, 1], "),
          "id");
    fails(sen, replace_first(s, "\"senior\": [", "\"senior\": [[1, \"0000000000000000\", 1, 0], "),
          "party");
    fails(sen, replace_first(s, "\"senior\": [", "\"senior\": [[1, 1, 1], "), "senior");

    // Weighted entries [value, key, id, party].
    fails(wei,
          replace_first(w, "\"entries\": [",
                        "\"entries\": [[\"fff0000000000000\", \"0000000000000000\", 1, 1], "),
          "value"); // -infinity
    fails(wei,
          replace_first(w, "\"entries\": [",
                        "\"entries\": [[\"8000000000000000\", \"0000000000000000\", 1, 1], "),
          "value"); // -0
    fails(wei,
          replace_first(w, "\"entries\": [",
                        "\"entries\": [[\"7ff8000000000000\", \"0000000000000000\", 1, 1], "),
          "value"); // NaN
    fails(wei,
          replace_first(w, "\"entries\": [", "\"entries\": [[\"0000000000000000\", \"x\", 1, 1], "),
          "key");
    fails(wei,
          replace_first(w, "\"entries\": [",
                        "\"entries\": [[\"0000000000000000\", \"0000000000000000\", 1, 1, 1], "),
          "entries");
}

TEST_CASE("partial readers refuse entries out of canonical order, repeated or over a limit") {
    // A hand-written one-port partial with limits [2, 1]: exact text, so an independent writer
    // can be checked against docs/draw.md.
    const std::string head = "{\"format\": \"cbpq-partial-v0\", \"draw_key\": "
                             "\"000102030405060708090a0b0c0d0e0f\", \"entrants\": 3, "
                             "\"id_kind\": \"integer\", \"ports\": [{\"port\": \"p\", "
                             "\"limits\": [2, 1], \"entries\": [";
    auto uni = [](const std::string& t) {
        return cbpq::partial_from_json<std::uint64_t>(t, "p.json");
    };
    const std::string a = "[\"0000000000000005\", 7, 1]";
    const std::string b = "[\"0000000000000009\", 3, 1]";
    const std::string c = "[\"0000000000000001\", 4, 2]";
    const auto good = uni(head + a + ", " + b + ", " + c + "]}]}");
    REQUIRE(good.ports.size() == 1);
    CHECK(good.ports[0].by_size[0].size() == 2);
    CHECK(good.ports[0].by_size[1][0].id == 4U);
    CHECK(good.entrants == 3U);
    fails(uni, head + b + ", " + a + ", " + c + "]}]}", "entries"); // keys out of order
    fails(uni, head + c + ", " + a + ", " + b + "]}]}", "entries"); // party sizes out of order
    fails(uni, head + a + ", " + a + ", " + c + "]}]}", "entries"); // repeated
    fails(uni, head + a + ", " + b + ", [\"000000000000000a\", 1, 1]]}]}", "entries"); // limit
    // Equal keys are ordered by id.
    const std::string d = "[\"0000000000000009\", 2, 1]";
    CHECK(uni(head + d + ", " + b + "]}]}").ports[0].by_size[0].size() == 2);
    fails(uni, head + b + ", " + d + "]}]}", "entries");
}

TEST_CASE("verify_preferences through preference_traits") {
    struct pref_row {
        std::uint64_t id;
        std::vector<std::string> preferences;
        int party;
    };
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 3, std::nullopt, {}});
    cap.ports.push_back({"b", 4, 2, {}});
    std::vector<pref_row> v;
    for (std::uint64_t i = 1; i <= 20; ++i) {
        v.push_back({i * 13,
                     i % 3 == 0
                         ? std::vector<std::string>{"b"}
                         : std::vector<std::string>{i % 3 == 1 ? "a" : "b", i % 3 == 1 ? "b" : "a"},
                     1 + static_cast<int>(i % 2)});
    }
    const cbpq::seed s = cbpq::seed::from_public_values(public_values);
    const cbpq::draw_key key(s, "prefs");
    auto opt = cbpq::preferences_options();
    opt.alternates = 2;
    auto id = [](const pref_row& r) { return r.id; };
    auto prefs = [](const pref_row& r) -> const std::vector<std::string>& { return r.preferences; };
    auto party = [](const pref_row& r) { return r.party; };
    const auto res = cbpq::draw_preferences(v, cap, key, opt);
    const auto rec = cbpq::make_receipt(res.result, cap, "prefs", s, {},
                                        cbpq::digest_preference_entrants(v, cap, id, prefs, party));
    CHECK(cbpq::verify_preferences(rec, v, cap).ok);
    auto changed = v;
    std::swap(changed[1].preferences[0], changed[1].preferences[1]);
    const auto bad = cbpq::verify_preferences(rec, changed, cap);
    CHECK_FALSE(bad.ok);
    CHECK(bad.difference ==
          cbpq::verify_preferences(rec, changed, cap, id, prefs, party).difference);
}

namespace {

struct pref_entrant {
    std::uint64_t id = 0;
    std::vector<std::string> preferences;
    int party = 1;
};

// Entrants listing one to three of the capacity's ports, in random order of preference.
std::vector<pref_entrant> pref_rows(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 g(seed);
    std::vector<pref_entrant> out;
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::string> ports{"nogales", "san-ysidro", "laredo"};
        for (std::size_t j = ports.size() - 1; j > 0; --j) {
            std::swap(ports[j], ports[g() % (j + 1)]);
        }
        ports.resize(1 + g() % 3);
        out.push_back({700000 + i * 11, ports, static_cast<int>(1 + g() % 4)});
    }
    return out;
}

cbpq::preferences_partial<std::uint64_t> collect_prefs(const std::vector<pref_entrant>& v,
                                                       const cbpq::day_capacity& cap,
                                                       const cbpq::draw_key& key,
                                                       const cbpq::draw_options& opt) {
    return cbpq::collect_preferences(
        v, cap, key, opt, [](const pref_entrant& e) { return e.id; },
        [](const pref_entrant& e) -> const std::vector<std::string>& { return e.preferences; },
        [](const pref_entrant& e) { return e.party; });
}

cbpq::draw_options pref_options() {
    auto opt = cbpq::preferences_options();
    opt.alternates = 3;
    opt.max_party = 4;
    return opt;
}

} // namespace

TEST_CASE("preferences partials: shipped as text, merged in any order, equal to the whole draw") {
    const auto all = pref_rows(2500, 8);
    const auto cap = capacity();
    const auto opt = pref_options();
    const cbpq::draw_key key(cbpq::seed::from_public_values(public_values), "ship-preferences");
    const auto whole = cbpq::draw_preferences(all, cap, key, opt);
    for (const std::size_t k : {1U, 2U, 4U}) {
        CAPTURE(k);
        std::vector<std::vector<pref_entrant>> shards(k);
        std::mt19937_64 g(90 + k);
        for (const auto& e : all) {
            shards[g() % k].push_back(e);
        }
        std::vector<cbpq::preferences_partial<std::uint64_t>> parts;
        for (const auto& sh : shards) {
            const auto part = collect_prefs(sh, cap, key, opt);
            const std::string text = cbpq::preferences_partial_to_json(part);
            parts.push_back(cbpq::preferences_partial_from_json<std::uint64_t>(text, "p.json"));
            CHECK(parts.back() == part);
            CHECK(cbpq::preferences_partial_to_json(parts.back()) == text);
        }
        auto merged = parts[0];
        for (std::size_t i = 1; i < parts.size(); ++i) {
            merged = cbpq::merge_preference_partials(merged, parts[i]);
        }
        const auto trip = cbpq::preferences_partial_from_json<std::uint64_t>(
            cbpq::preferences_partial_to_json(merged), "p.json");
        CHECK(cbpq::finish_preferences(trip, cap, key, opt) == whole);
        if (k == 4) {
            // Another merge tree, and the whole pool collected at once: the same bytes.
            const auto other = cbpq::merge_preference_partials(
                cbpq::merge_preference_partials(parts[3], parts[1]),
                cbpq::merge_preference_partials(parts[2], parts[0]));
            CHECK(cbpq::preferences_partial_to_json(other) ==
                  cbpq::preferences_partial_to_json(merged));
            CHECK(cbpq::preferences_partial_to_json(merged) ==
                  cbpq::preferences_partial_to_json(collect_prefs(all, cap, key, opt)));
            // The writer's order does not depend on the order in memory.
            auto shuffled = merged;
            std::reverse(shuffled.classes.begin(), shuffled.classes.end());
            for (auto& c : shuffled.classes) {
                std::reverse(c.members.begin(), c.members.end());
            }
            CHECK(cbpq::preferences_partial_to_json(shuffled) ==
                  cbpq::preferences_partial_to_json(merged));
        }
    }
    // String ids travel as JSON strings.
    cbpq::day_capacity small;
    small.ports.push_back({"a", 2, std::nullopt, {}});
    small.ports.push_back({"b", 3, 2, {}});
    struct named {
        std::string id;
        std::vector<std::string> preferences;
        int party;
    };
    const std::vector<named> people{
        {"ana", {"b", "a"}, 1}, {"\"q\"", {"a"}, 2}, {"zoë", {"a", "b"}, 1}};
    const auto sp = cbpq::collect_preferences(
        people, small, key, pref_options(),
        [](const named& e) -> const std::string& { return e.id; },
        [](const named& e) -> const std::vector<std::string>& { return e.preferences; },
        [](const named& e) { return e.party; });
    const std::string st = cbpq::preferences_partial_to_json(sp);
    CHECK(cbpq::preferences_partial_from_json<std::string>(st, "p.json") == sp);
    fails(
        [](const std::string& t) {
            return cbpq::preferences_partial_from_json<std::uint64_t>(t, "p.json");
        },
        st, "id_kind");
}

TEST_CASE("preferences partial reader refuses malformed text and names the field") {
    // A partial built by hand: ports a and b; class {a, b} of single persons with two members
    // (one prefers b), class {b} of pairs with one.
    cbpq::preferences_partial<std::uint64_t> p;
    const cbpq::draw_key key(cbpq::seed::from_public_values(public_values), "x");
    p.key_bytes = key.bytes();
    p.entrants = 3;
    p.ports = {"a", "b"};
    p.classes.push_back({{0, 1}, 1, 3, {{0x10, 5, 1, {1, 0}}, {0x20, 6, 1, {0, 1}}}});
    p.classes.push_back({{1}, 2, 1, {{0x30, 7, 2, {1}}}});
    const std::string t = cbpq::preferences_partial_to_json(p);
    CHECK(t == R"({
  "format": "cbpq-preferences-partial-v0",
  "draw_key": "761ddd48abd21ce53644e6dbc60d0799",
  "entrants": 3,
  "id_kind": "integer",
  "ports": ["a", "b"],
  "classes": [
    {
      "ports": [0, 1],
      "party": 1,
      "limit": 3,
      "members": [
        [
          "0000000000000010",
          5,
          [1, 0]
        ],
        [
          "0000000000000020",
          6,
          [0, 1]
        ]
      ]
    },
    {
      "ports": [1],
      "party": 2,
      "limit": 1,
      "members": [
        [
          "0000000000000030",
          7,
          [1]
        ]
      ]
    }
  ]
}
)");
    auto read = [](const std::string& x) {
        return cbpq::preferences_partial_from_json<std::uint64_t>(x, "p.json");
    };
    CHECK(read(t) == p);
    // Each row: a change to the text above, and the member the error must name.
    struct mutation {
        const char* from;
        const char* to;
        const char* field;
    };
    const mutation mutations[] = {
        {"cbpq-preferences", "cbpq-x", "format"},
        {"\"entrants\": 3", "\"entrants\": 3.5", "entrants"},
        {"[\"a\", \"b\"]", "[\"a\", \"a\"]", "ports"},
        {"[\"a\", \"b\"]", "[\"a\", 2]", "ports"},
        {"\"ports\": [0, 1]", "\"ports\": [1, 0]", "ports"},
        {"\"ports\": [0, 1]", "\"ports\": [0, 2]", "ports"},
        {"\"ports\": [0, 1]", "\"ports\": []", "ports"},
        // The second class repeating the first, and coming before it ([0] sorts before
        // [0, 1]).
        {"\"ports\": [1],\n      \"party\": 2", "\"ports\": [0, 1],\n      \"party\": 1",
         "classes"},
        {"\"ports\": [1]", "\"ports\": [0]", "classes"},
        {"\"party\": 1", "\"party\": 0", "party"},
        {"\"limit\": 3", "\"limit\": 0", "limit"},
        {"\"limit\": 3", "\"limit\": 1", "members"},
        {"\"limit\": 1,", "\"limt\": 1,", "limit"},
        {"\"0000000000000010\"", "\"00000000000010\"", "key"},
        {"\"0000000000000020\"", "\"0000000000000001\"", "members"},
        {"\"0000000000000020\",\n          6,", "\"0000000000000010\",\n          5,", "members"},
        {"          6,\n", "          \"6\",\n", "id"},
        {"[1, 0]", "[1, 1]", "preferences"},
        {"[1, 0]", "[1]", "preferences"},
        {"[1, 0]", "[1, 0, 2]", "preferences"},
        {"          [1]\n", "          [0]\n", "preferences"},
        {"          7,\n          [1]\n", "          7\n", "members"},
    };
    for (const auto& m : mutations) {
        CAPTURE(m.from);
        fails(read, replace_first(t, m.from, m.to), m.field);
    }
    fails(read, t.substr(0, t.size() / 2), "");
    // The writer refuses what the reader would.
    auto bad = p;
    bad.classes[0].members[0].party = 2;
    CHECK_THROWS_AS((void)cbpq::preferences_partial_to_json(bad), cbpq::invalid_input);
    bad = p;
    bad.classes[1].members[0].ports = {0};
    CHECK_THROWS_AS((void)cbpq::preferences_partial_to_json(bad), cbpq::invalid_input);
    bad = p;
    bad.classes[0].ports = {1, 0};
    CHECK_THROWS_AS((void)cbpq::preferences_partial_to_json(bad), cbpq::invalid_input);
    bad = p;
    bad.classes[1].ports = {2};
    bad.classes[1].members[0].ports = {2};
    CHECK_THROWS_AS((void)cbpq::preferences_partial_to_json(bad), cbpq::invalid_input);
    bad = p;
    bad.classes[0].limit = 1;
    CHECK_THROWS_AS((void)cbpq::preferences_partial_to_json(bad), cbpq::invalid_input);
    bad = p;
    bad.classes.push_back(p.classes[1]);
    CHECK_THROWS_AS((void)cbpq::preferences_partial_to_json(bad), cbpq::invalid_input);
}

TEST_CASE("pass two recomputes every kept entrant's key: an altered partial is refused") {
    const auto all = rows(600, 12);
    const auto cap = capacity();
    const cbpq::draw_key key(cbpq::seed::from_public_values(public_values), "altered");
    auto refused = [](auto finish, const std::string& id) {
        try {
            (void)finish();
            FAIL("an altered partial was finished");
        } catch (const cbpq::invalid_input& e) {
            CHECK(e.field() == "key");
            CHECK(e.record() == "entrant " + id);
        }
    };
    // Uniform: a key with one bit flipped, and a second copy of an entrant under another key
    // (which, walked, selected one id twice).
    {
        const auto opt = options(cbpq::draw_policy::uniform);
        const auto good = cbpq::collect_draw(all, cap, key, opt);
        auto bad = good;
        auto& c = bad.ports[0].by_size[0].front();
        c.key ^= 1;
        refused([&] { return cbpq::finish_draw(bad, cap, key, opt); }, std::to_string(c.id));
        auto twice = good;
        auto copy = twice.ports[0].by_size[0].front();
        copy.key ^= std::uint64_t{1} << 63;
        twice.ports[0].by_size[0].push_back(copy);
        refused([&] { return cbpq::finish_draw(twice, cap, key, opt); }, std::to_string(copy.id));
        CHECK(cbpq::finish_draw(good, cap, key, opt) == cbpq::draw(all, cap, key, opt));
    }
    // Seniority: in the seniority part, and in its lottery part.
    {
        const auto opt = options(cbpq::draw_policy::seniority);
        const auto good = cbpq::collect_seniority(all, cap, key, opt);
        auto bad = good;
        auto& c = bad.senior[1][0].front();
        c.key += 1;
        refused([&] { return cbpq::finish_seniority(bad, cap, key, opt); }, std::to_string(c.id));
        auto bad_lottery = good;
        auto& l = bad_lottery.lottery.ports[2].by_size[1].front();
        l.key -= 1;
        refused([&] { return cbpq::finish_seniority(bad_lottery, cap, key, opt); },
                std::to_string(l.id));
    }
    // Weighted and aging.
    for (const auto policy : {cbpq::draw_policy::weighted, cbpq::draw_policy::aging}) {
        const auto opt = options(policy);
        auto bad = policy == cbpq::draw_policy::weighted
                       ? cbpq::collect_weighted(all, cap, key, opt)
                       : cbpq::collect_aging(all, cap, key, opt);
        auto& c = bad.ports[0].by_size[2].front();
        c.key ^= 0xff00;
        refused([&] { return cbpq::finish_weighted(bad, cap, key, opt); }, std::to_string(c.id));
    }
    // Ranked preferences.
    {
        const auto prefs = pref_rows(400, 13);
        const auto opt = pref_options();
        auto bad = collect_prefs(prefs, cap, key, opt);
        auto& m = bad.classes.front().members.front();
        m.key ^= 2;
        refused([&] { return cbpq::finish_preferences(bad, cap, key, opt); }, std::to_string(m.id));
    }
}
