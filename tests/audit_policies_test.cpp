// Receipts of the seniority, weighted and aging policies (audit.hpp): the policy and its
// parameters round-trip through JSON, verify re-runs each policy, and a changed weight or
// registration day fails at the entrant digest with a reason.
#include <cbpq/audit.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

struct arec {
    std::int64_t id;
    std::string port;
    int party;
    std::int64_t registered;
    double weight;
};

auto a_id = [](const arec& r) { return r.id; };
auto a_port = [](const arec& r) -> const std::string& { return r.port; };
auto a_party = [](const arec& r) { return r.party; };
auto a_reg = [](const arec& r) { return r.registered; };
auto a_weight = [](const arec& r) { return r.weight; };

std::vector<arec> pool() {
    std::vector<arec> v;
    for (int i = 0; i < 80; ++i) {
        v.push_back({1000 + i * 3, i % 2 == 0 ? "north" : "south", 1 + i % 3, 19400 + (i * 7) % 60,
                     1.0 + (i % 4)});
    }
    return v;
}

cbpq::day_capacity capacity() {
    cbpq::day_capacity c;
    c.ports.push_back({"north", 12, std::nullopt, {}});
    c.ports.push_back({"south", 9, 4, {{"08:00", 5}, {"09:00", 4}}});
    return c;
}

cbpq::receipt receipt_for(const std::vector<arec>& v, const cbpq::draw_options& o,
                          const cbpq::seed& s, const std::string& label) {
    const cbpq::day_capacity cap = capacity();
    const cbpq::draw_key key(s, label);
    const auto digest =
        cbpq::digest_entrants_for(o.policy, v, cap, a_id, a_port, a_party, a_reg, a_weight);
    switch (o.policy) {
    case cbpq::draw_policy::seniority:
        return cbpq::make_receipt(
            cbpq::draw_seniority(v, cap, key, o, a_id, a_port, a_party, a_reg), cap, label, s, {},
            digest);
    case cbpq::draw_policy::weighted:
        return cbpq::make_receipt(
            cbpq::draw_weighted(v, cap, key, o, a_id, a_port, a_party, a_weight), cap, label, s, {},
            digest);
    default:
        return cbpq::make_receipt(cbpq::draw_aging(v, cap, key, o, a_id, a_port, a_party, a_reg),
                                  cap, label, s, {}, digest);
    }
}

} // namespace

TEST_CASE("audit: policy receipts round-trip, verify, and catch changed weights and dates") {
    const cbpq::seed s = cbpq::seed::from_public_values("1 2 3/44 55");
    std::vector<cbpq::draw_options> opts(4);
    opts[0].policy = cbpq::draw_policy::seniority;
    opts[0].seniority_share = 0.3;
    opts[1].policy = cbpq::draw_policy::weighted;
    opts[2].policy = cbpq::draw_policy::aging;
    opts[2].aging = cbpq::parse_aging_rule("linear/30/2.75");
    opts[2].draw_day = 19470;
    opts[3].policy = cbpq::draw_policy::aging;
    opts[3].aging = cbpq::parse_aging_rule("double/14");
    opts[3].draw_day = 19500;
    opts[3].fill = cbpq::fill_rule::strict;
    opts[3].alternates = 3;
    const auto v = pool();
    const cbpq::day_capacity cap = capacity();
    for (const auto& o : opts) {
        const cbpq::receipt r = receipt_for(v, o, s, "2023-04-20");
        const std::string json = cbpq::receipt_to_json(r);
        const cbpq::receipt back = cbpq::receipt_from_json(json, "R.json");
        CHECK(back == r);
        CHECK(back.options == o);
        const auto ok = cbpq::verify(back, v, cap, a_id, a_port, a_party, a_reg, a_weight);
        CHECK_MESSAGE(ok.ok, ok.difference);
        // The six-argument verify refuses a receipt that needs more fields.
        CHECK_THROWS_AS((void)cbpq::verify(back, v, cap, a_id, a_port, a_party),
                        cbpq::invalid_input);
        // A changed field the policy reads fails at the entrant digest.
        auto changed = v;
        if (o.policy == cbpq::draw_policy::weighted) {
            changed[5].weight += 1.0;
        } else {
            changed[5].registered -= 1;
        }
        const auto bad = cbpq::verify(back, changed, cap, a_id, a_port, a_party, a_reg, a_weight);
        CHECK_FALSE(bad.ok);
        CHECK(bad.difference.rfind("entrants:", 0) == 0);
        // A field the policy does not read does not matter.
        auto other = v;
        if (o.policy == cbpq::draw_policy::weighted) {
            other[5].registered -= 1;
        } else {
            other[5].weight += 1.0;
        }
        CHECK(cbpq::verify(back, other, cap, a_id, a_port, a_party, a_reg, a_weight).ok);
        // A different parameter gives a different result.
        cbpq::receipt t = back;
        if (o.policy == cbpq::draw_policy::seniority) {
            t.options.seniority_share = 0.9;
        } else if (o.policy == cbpq::draw_policy::weighted) {
            t.options.policy = cbpq::draw_policy::uniform;
        } else {
            t.options.aging = cbpq::parse_aging_rule("linear/1");
        }
        const auto diff = cbpq::verify(t, v, cap, a_id, a_port, a_party, a_reg, a_weight);
        CHECK_FALSE(diff.ok);
    }
    // The JSON names the policy and its parameters.
    const std::string aging_json = cbpq::receipt_to_json(receipt_for(v, opts[2], s, "x"));
    CHECK(aging_json.find("\"aging\": \"linear/30/2.75\"") != std::string::npos);
    CHECK(aging_json.find("\"draw_date\": \"2023-04-23\"") != std::string::npos);
    const std::string sen_json = cbpq::receipt_to_json(receipt_for(v, opts[0], s, "x"));
    CHECK(sen_json.find("\"share\": 0.3") != std::string::npos);
    // Malformed parameters are parse errors naming the member.
    std::string broken = aging_json;
    broken.replace(broken.find("linear/30/2.75"), 14, "linear/0/2.75");
    CHECK_THROWS_AS((void)cbpq::receipt_from_json(broken), cbpq::parse_error);
    std::string broken_share = sen_json;
    broken_share.replace(broken_share.find("\"share\": 0.3"), 12, "\"share\": 1.3");
    CHECK_THROWS_AS((void)cbpq::receipt_from_json(broken_share), cbpq::parse_error);
}
