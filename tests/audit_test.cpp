// Tests of audit.hpp and detail/json.hpp: the strict JSON reader on malformed input, receipt
// round trips, golden receipts, verify() on tampered receipts, changed entrants and changed
// capacity, and partial draws shipped as JSON.
#include <cbpq/audit.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
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

cbpq::day_capacity test_capacity() {
    cbpq::day_capacity cap;
    cap.ports.push_back({"nogales", 10, std::nullopt, {}});
    cap.ports.push_back({"san-ysidro", 14, 5, {{"08:00", 6}, {"09:00", 8}}});
    return cap;
}

std::vector<rec> test_entrants() {
    std::vector<rec> v;
    for (std::int64_t i = 1; i <= 40; ++i) {
        v.push_back({i * 37 - 200, i % 2 == 0 ? "nogales" : "san-ysidro",
                     static_cast<int>(1 + (i * 5) % 4)});
    }
    return v;
}

const char* const public_values = "9319/2 5 12 8 10/9 18 26 34 41 45";

cbpq::receipt test_receipt(const std::vector<rec>& recs, const cbpq::day_capacity& cap,
                           cbpq::fill_rule fill = cbpq::fill_rule::skip) {
    const cbpq::seed s = cbpq::seed::from_public_values(public_values);
    const cbpq::draw_key key(s, "2023-07-01/all");
    cbpq::draw_options opt;
    opt.alternates = 3;
    opt.fill = fill;
    const auto res = cbpq::draw(recs, cap, key, opt);
    cbpq::seed_source src;
    src.type = cbpq::seed_source::kind::public_values;
    src.public_values = public_values;
    return cbpq::make_receipt(res, cap, "2023-07-01/all", s, src, cbpq::digest_entrants(recs, cap));
}

std::string read_golden(const std::string& name, const std::string& text) {
    const std::string path = std::string(CBPQ_TEST_SOURCE_DIR) + "/golden/" + name;
    if (std::getenv("CBPQ_UPDATE_GOLDEN") != nullptr) {
        std::ofstream(path, std::ios::binary) << text;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

void parse_fails(const std::string& text, std::size_t line, std::size_t column) {
    try {
        (void)cbpq::detail::json_parse(text, "t.json");
        FAIL("accepted: " << text);
    } catch (const cbpq::parse_error& e) {
        CHECK_MESSAGE(e.line() == line, text << " -> " << e.what());
        CHECK_MESSAGE(e.column() == column, text << " -> " << e.what());
        CHECK(e.source() == "t.json");
    }
}

// receipt_from_json refuses `text` with a parse_error naming `field`, a line and the source.
void fails(const std::string& text, const std::string& field) {
    try {
        (void)cbpq::receipt_from_json(text, "r.json");
        FAIL("accepted a malformed receipt, expected field " << field);
    } catch (const cbpq::parse_error& e) {
        CHECK_MESSAGE(e.field() == field, e.what());
        CHECK(e.line() > 0);
        CHECK(e.source() == "r.json");
    }
}

} // namespace

TEST_CASE("json: well-formed documents") {
    using cbpq::detail::json_value;
    const auto v = cbpq::detail::json_parse(
        R"( {"a": [1, -0, 2.5e-3, true, false, null], "b": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "c": {}} )");
    REQUIRE(v.type == json_value::kind::object);
    CHECK(v.find("a")->items.size() == 6);
    CHECK(v.find("a")->items[1].text == "-0");
    CHECK(v.find("a")->items[2].text == "2.5e-3");
    CHECK(v.find("b")->text == "x\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(v.find("c")->names.empty());
    CHECK(v.find("a")->line == 1);
    CHECK(v.find("a")->column == 8);
    CHECK(v.find("c")->column == 93); // after a nested array: positions count forward only
    const auto n = cbpq::detail::json_parse("{\"x\": [[1,\n [2]], {\"y\":\n  {}}], \"z\": 3}");
    CHECK(n.line == 1);
    CHECK(n.column == 1);
    CHECK(n.find("x")->column == 7);
    CHECK(n.find("x")->items[0].items[1].line == 2);
    CHECK(n.find("x")->items[0].items[1].column == 2);
    CHECK(n.find("x")->items[1].find("y")->line == 3);
    CHECK(n.find("x")->items[1].find("y")->column == 3);
    CHECK(n.find("z")->line == 3);
    CHECK(n.find("z")->column == 14);
    // Writer round trip.
    std::string out;
    cbpq::detail::json_write(out, v);
    const auto w = cbpq::detail::json_parse(out);
    CHECK(w.find("b")->text == v.find("b")->text);
    CHECK(cbpq::detail::json_parse("\"\xe2\x82\xac\"").text == "\xe2\x82\xac");
}

TEST_CASE("json: malformed documents are refused with line and column") {
    parse_fails("", 1, 1);
    parse_fails("   ", 1, 4);
    parse_fails("{", 1, 2);
    parse_fails("{\"a\" 1}", 1, 6);
    parse_fails("{\"a\": 1,}", 1, 9);
    parse_fails("[1, 2,]", 1, 7);
    parse_fails("[1 2]", 1, 4);
    parse_fails("{'a': 1}", 1, 2);
    parse_fails("{\"a\": 1, \"a\": 2}", 1, 10);
    parse_fails("01", 1, 2);
    parse_fails("-", 1, 2);
    parse_fails("1.", 1, 3);
    parse_fails("1e", 1, 3);
    parse_fails("+1", 1, 1);
    parse_fails("tru", 1, 1);
    parse_fails("nul", 1, 1);
    parse_fails("\"abc", 1, 1);
    parse_fails("\"a\nb\"", 1, 3);
    parse_fails("\"\\x\"", 1, 3);
    parse_fails("\"\\u12g4\"", 1, 6);
    parse_fails("\"\\ud800\"", 1, 8);
    parse_fails("\"\\udc00\"", 1, 8);
    parse_fails("\"\xc0\xaf\"", 1, 2);     // overlong
    parse_fails("\"\xed\xa0\x80\"", 1, 2); // encoded surrogate
    parse_fails("\"\xe2\x82\"", 1, 2);     // truncated
    parse_fails("\"\xff\"", 1, 2);
    parse_fails("{} {}", 1, 4);
    parse_fails("[1]\n\n  x", 3, 3);
    parse_fails("// c\n1", 1, 1);
    // At most 64 arrays and objects enclose one another; scalars inside the 64th are fine.
    std::string deep(70, '[');
    parse_fails(deep, 1, 65);
    const std::string deep64 = std::string(64, '[') + "1" + std::string(64, ']');
    CHECK(cbpq::detail::json_parse(deep64).items.size() == 1);
    parse_fails(std::string(65, '[') + std::string(65, ']'), 1, 65);
    parse_fails(std::string(64, '[') + "{}" + std::string(64, ']'), 1, 65);
    // A repeated member is found in a large object too (where the reader keeps a set of
    // names), also when written with an escape.
    std::string big = "{";
    for (int i = 0; i < 40; ++i) {
        big += "\"m" + std::to_string(i) + "\": " + std::to_string(i) + ",\n";
    }
    CHECK(cbpq::detail::json_parse(big + "\"m40\": 0}").names.size() == 41);
    parse_fails(big + "\"m\\u0033\": 0}", 41, 1); // m3 again
}

TEST_CASE("audit: receipts round trip through JSON and match the golden file") {
    const auto recs = test_entrants();
    const auto cap = test_capacity();
    const cbpq::receipt r = test_receipt(recs, cap);
    const std::string json = cbpq::receipt_to_json(r);
    CHECK(read_golden("draw_receipt.json", json) == json);
    const cbpq::receipt back = cbpq::receipt_from_json(json, "r.json");
    CHECK(back == r);
    CHECK(cbpq::receipt_to_json(back) == json);
    const auto rep = cbpq::verify(back, recs, cap);
    CHECK(rep.ok);
    CHECK(rep.difference.empty());
}

TEST_CASE("audit: the entrant digest ignores order and sees every change") {
    auto recs = test_entrants();
    const auto cap = test_capacity();
    const auto d = cbpq::digest_entrants(recs, cap);
    CHECK(d.count == recs.size());
    CHECK(d.sha256.size() == 64);
    std::reverse(recs.begin(), recs.end());
    CHECK(cbpq::digest_entrants(recs, cap) == d);
    recs[3].party += 1;
    CHECK(cbpq::digest_entrants(recs, cap) != d);
    recs[3].party -= 1;
    recs[5].port = recs[5].port == "nogales" ? "san-ysidro" : "nogales";
    CHECK(cbpq::digest_entrants(recs, cap) != d);
}

TEST_CASE("audit: the entrant digest by hand for one entrant") {
    // docs/receipts.md: SHA-256("cbpq-v0 entrants" || u64be(1) || u32be(9) || 'I' || u64be(7)
    //                   || u32be(1) || "a" || u64be(2)).
    std::vector<rec> one = {{7, "a", 2}};
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 1, std::nullopt, {}});
    std::string bytes = "cbpq-v0 entrants";
    bytes += std::string("\0\0\0\0\0\0\0\x01", 8);
    bytes += std::string("\0\0\0\x09", 4) + "I" + std::string("\0\0\0\0\0\0\0\x07", 8);
    bytes += std::string("\0\0\0\x01", 4) + "a";
    bytes += std::string("\0\0\0\0\0\0\0\x02", 8);
    CHECK(cbpq::digest_entrants(one, cap).sha256 == cbpq::detail::to_hex(cbpq::sha256(bytes)));
}

TEST_CASE("audit: verify reports the first difference") {
    const auto recs = test_entrants();
    const auto cap = test_capacity();
    const cbpq::receipt r = test_receipt(recs, cap);
    REQUIRE(cbpq::verify(r, recs, cap).ok);

    auto expect = [&](const cbpq::receipt& rr, const std::vector<rec>& es,
                      const cbpq::day_capacity& c, const std::string& starts) {
        const auto rep = cbpq::verify(rr, es, c);
        CHECK(!rep.ok);
        CHECK_MESSAGE(rep.difference.rfind(starts, 0) == 0, rep.difference);
    };
    // Tampered receipts.
    auto t = r;
    t.result[0].selected[0].id = "999999";
    expect(t, recs, cap, "result_digest:");
    t.result_digest = cbpq::result_digest(t.result, t.id_kind); // a careful forger
    expect(t, recs, cap, "result: port 'nogales' selected #1");
    t = r;
    std::swap(t.result[1].selected[0], t.result[1].selected[1]);
    t.result_digest = cbpq::result_digest(t.result, t.id_kind);
    expect(t, recs, cap, "result: port 'san-ysidro' selected #1");
    t = r;
    t.label = "2023-07-02/all";
    expect(t, recs, cap, "draw_key:");
    t.draw_key = cbpq::detail::to_hex(cbpq::draw_key(t.seed, t.label).bytes());
    expect(t, recs, cap, "result:");
    t = r;
    t.source.public_values = "9319/2 5 12 8 11/9 18 26 34 41 45";
    expect(t, recs, cap, "seed:");
    t = r;
    t.options.fill = cbpq::fill_rule::strict;
    expect(t, recs, cap, "result:");
    t = r;
    t.spec_version = "cbpq-draw-v9";
    expect(t, recs, cap, "spec_version:");
    // Changed entrants.
    auto es = recs;
    es.pop_back();
    expect(r, es, cap, "entrants:");
    es = recs;
    es[0].party = es[0].party == 1 ? 2 : 1;
    expect(r, es, cap, "entrants:");
    // Changed capacity.
    auto c = cap;
    c.ports[0].persons += 1;
    expect(r, recs, c, "capacity: port 1 ('nogales') persons");
    c = cap;
    c.ports[1].slots[1].persons = 7;
    expect(r, recs, c, "capacity: port 2 ('san-ysidro') slot 2");
    // verify_or_throw.
    CHECK_THROWS_AS(cbpq::verify_or_throw(r, es, cap), cbpq::verification_failure);
    CHECK_NOTHROW(cbpq::verify_or_throw(r, recs, cap));
}

TEST_CASE("audit: commit and reveal receipts") {
    const auto recs = test_entrants();
    const auto cap = test_capacity();
    const std::string secret = "0123456789abcdef0123456789abcdef";
    const auto com = cbpq::commitment::to(secret);
    const cbpq::seed s = cbpq::seed::from_reveal(secret, com);
    const cbpq::draw_key key(s, "reveal");
    const auto res = cbpq::draw(recs, cap, key, {});
    cbpq::seed_source src;
    src.type = cbpq::seed_source::kind::reveal;
    src.commitment = com.to_hex();
    src.secret_hex = cbpq::detail::to_hex(std::span<const unsigned char>(
        reinterpret_cast<const unsigned char*>(secret.data()), secret.size()));
    auto r = cbpq::make_receipt(res, cap, "reveal", s, src, cbpq::digest_entrants(recs, cap));
    const auto back = cbpq::receipt_from_json(cbpq::receipt_to_json(r));
    CHECK(cbpq::verify(back, recs, cap).ok);
    auto t = back;
    t.source.secret_hex[0] = t.source.secret_hex[0] == '3' ? '4' : '3';
    const auto rep = cbpq::verify(t, recs, cap);
    CHECK(!rep.ok);
    CHECK(rep.difference.find("commitment") != std::string::npos);
}

TEST_CASE("audit: public values that do not parse are a difference, not a throw") {
    const auto recs = test_entrants();
    const auto cap = test_capacity();
    auto r = test_receipt(recs, cap);
    REQUIRE(cbpq::verify(r, recs, cap).ok);
    for (const char* bad : {"", "9319/2 5 x/9", "9319//"}) {
        CAPTURE(bad);
        r.source.public_values = bad;
        cbpq::verification_report rep;
        CHECK_NOTHROW(rep = cbpq::verify(r, recs, cap));
        CHECK(!rep.ok);
        CHECK(rep.difference.rfind("seed: ", 0) == 0);
    }
}

TEST_CASE("audit: string ids, and a receipt of the wrong id kind") {
    std::vector<srec> recs = {{"A-1", "x", 1}, {"A-2", "x", 2}, {"B-7", "x", 1}, {"C\"q", "x", 1}};
    cbpq::day_capacity cap;
    cap.ports.push_back({"x", 3, std::nullopt, {}});
    const cbpq::seed s = cbpq::seed::from_hex(std::string(64, 'a'));
    const auto res = cbpq::draw(recs, cap, cbpq::draw_key(s, "s"), {});
    const auto r = cbpq::make_receipt(res, cap, "s", s, {}, cbpq::digest_entrants(recs, cap));
    CHECK(r.id_kind == "string");
    const auto back = cbpq::receipt_from_json(cbpq::receipt_to_json(r));
    CHECK(back == r);
    CHECK(cbpq::verify(back, recs, cap).ok);
    std::vector<rec> ints = {{1, "x", 1}};
    const auto rep = cbpq::verify(back, ints, cap);
    CHECK(!rep.ok);
    CHECK(rep.difference.rfind("entrants:", 0) == 0);
}

TEST_CASE("audit: text that is not UTF-8 is refused when a receipt or partial is written") {
    // A draw takes any id bytes (here Latin-1), but JSON cannot hold them: writing refuses
    // them, naming where they are, rather than writing a file that no reader accepts.
    std::vector<srec> recs = {{"Jos\xe9", "x", 1}, {"A-2", "x", 1}};
    cbpq::day_capacity cap;
    cap.ports.push_back({"x", 3, std::nullopt, {}});
    const cbpq::seed s = cbpq::seed::from_hex(std::string(64, 'a'));
    const auto res = cbpq::draw(recs, cap, cbpq::draw_key(s, "s"), {});
    const auto r = cbpq::make_receipt(res, cap, "s", s, {}, cbpq::digest_entrants(recs, cap));
    try {
        (void)cbpq::receipt_to_json(r);
        FAIL("a receipt holding a Latin-1 id was written");
    } catch (const cbpq::invalid_input& e) {
        CHECK(e.field().find("].id") != std::string::npos);
        CHECK(std::string_view(e.what()).find("not valid UTF-8") != std::string_view::npos);
    }
    CHECK_THROWS_AS(
        (void)cbpq::partial_to_json(cbpq::collect_draw(recs, cap, cbpq::draw_key(s, "s"), {})),
        cbpq::invalid_input);
    // A label that is not UTF-8.
    std::vector<srec> fine = {{"A-1", "x", 1}};
    const auto res2 = cbpq::draw(fine, cap, cbpq::draw_key(s, "d\xff"), {});
    const auto r2 = cbpq::make_receipt(res2, cap, "d\xff", s, {}, cbpq::digest_entrants(fine, cap));
    CHECK_THROWS_WITH_AS((void)cbpq::receipt_to_json(r2), doctest::Contains("field 'label'"),
                         cbpq::invalid_input);
}

TEST_CASE("audit: malformed receipts name the member, line and column") {
    const auto recs = test_entrants();
    const auto cap = test_capacity();
    const std::string json = cbpq::receipt_to_json(test_receipt(recs, cap));
    auto replace = [&](const std::string& from, const std::string& to) {
        std::string t = json;
        const auto at = t.find(from);
        REQUIRE(at != std::string::npos);
        t.replace(at, from.size(), to);
        return t;
    };
    fails(replace("\"fill\": \"skip\"", "\"fill\": \"sometimes\""), "fill");
    fails(replace("\"max_party\": 20", "\"max_party\": 0"), "max_party");
    fails(replace("\"max_party\": 20", "\"max_party\": 2.5"), "max_party");
    fails(replace("\"format\": \"cbpq-receipt-v0\"", "\"format\": \"other\""), "format");
    fails(replace("\"label\"", "\"labels\""), "label");
    fails(replace("\"reason\": \"", "\"reason\": \"x"), "reason");
    fails(replace("\"id_kind\": \"integer\"", "\"id_kind\": \"float\""), "id_kind");
    fails(replace("\"rank\": 1", "\"rank\": \"1\""), "rank");
    fails(json.substr(0, json.size() / 2), "");
}

TEST_CASE("audit: a seed, commitment or secret not in lower-case hex is a malformed receipt") {
    // docs/receipts.md: seed.seed and seed.commitment exactly 64 lower-case hex digits,
    // seed.secret lower-case hex bytes; anything else is a bad file (parse_error naming the
    // member), not a difference verify() reports.
    const auto recs = test_entrants();
    const auto cap = test_capacity();
    const cbpq::receipt given = test_receipt(recs, cap);
    const std::string hex = given.seed.to_hex();
    auto with_seed = [&](const std::string& seed_text) {
        std::string t = cbpq::receipt_to_json(given);
        const auto at = t.find("\"" + hex + "\"");
        REQUIRE(at != std::string::npos);
        t.replace(at + 1, hex.size(), seed_text);
        return t;
    };
    auto upper = [](std::string t) {
        std::transform(t.begin(), t.end(), t.begin(), [](char c) {
            return c >= 'a' && c <= 'f' ? static_cast<char>(c - 'a' + 'A') : c;
        });
        return t;
    };
    REQUIRE(upper(hex) != hex);
    fails(with_seed(upper(hex)), "seed");
    fails(with_seed(hex.substr(1)), "seed");
    fails(with_seed(hex + "0"), "seed");
    fails(with_seed(hex.substr(1) + "g"), "seed");
    CHECK(cbpq::receipt_from_json(with_seed(hex)) == given);

    const std::string secret = "0123456789abcdef0123456789abcdef";
    const auto com = cbpq::commitment::to(secret);
    const cbpq::seed s = cbpq::seed::from_reveal(secret, com);
    cbpq::seed_source src;
    src.type = cbpq::seed_source::kind::reveal;
    src.commitment = com.to_hex();
    src.secret_hex = cbpq::detail::to_hex(std::span<const unsigned char>(
        reinterpret_cast<const unsigned char*>(secret.data()), secret.size()));
    const auto res = cbpq::draw(recs, cap, cbpq::draw_key(s, "reveal"), {});
    const auto reveal =
        cbpq::make_receipt(res, cap, "reveal", s, src, cbpq::digest_entrants(recs, cap));
    REQUIRE(cbpq::verify(cbpq::receipt_from_json(cbpq::receipt_to_json(reveal)), recs, cap).ok);
    auto with_source = [&](const std::string& commitment, const std::string& secret_hex) {
        auto t = reveal;
        t.source.commitment = commitment;
        t.source.secret_hex = secret_hex;
        return cbpq::receipt_to_json(t);
    };
    REQUIRE(upper(src.commitment) != src.commitment);
    fails(with_source("abc", src.secret_hex), "commitment");
    fails(with_source(upper(src.commitment), src.secret_hex), "commitment");
    fails(with_source(std::string(64, 'g'), src.secret_hex), "commitment");
    fails(with_source(src.commitment + "00", src.secret_hex), "commitment");
    fails(with_source(src.commitment, "zz"), "secret");
    fails(with_source(src.commitment, src.secret_hex + "0"), "secret");
    fails(with_source(src.commitment, "AB" + src.secret_hex), "secret");
    // Well-formed but wrong: a difference at the seed step, not a bad file.
    const auto wrong = cbpq::receipt_from_json(with_source(std::string(64, 'a'), src.secret_hex));
    const auto rep = cbpq::verify(wrong, recs, cap);
    CHECK(!rep.ok);
    CHECK_MESSAGE(rep.difference.rfind("seed:", 0) == 0, rep.difference);
    const auto empty = cbpq::receipt_from_json(with_source(src.commitment, ""));
    CHECK(empty.source.secret_hex.empty());
    CHECK(!cbpq::verify(empty, recs, cap).ok);
}

TEST_CASE("audit: receipt capacity numbers take the whole 64-bit signed range") {
    // docs/receipts.md: capacity numbers are any 64-bit signed integer, INT64_MIN included; a
    // wrong one is a difference (step 5), not a bad file.
    constexpr std::int64_t lo = std::numeric_limits<std::int64_t>::min();
    constexpr std::int64_t hi = std::numeric_limits<std::int64_t>::max();
    std::int64_t v = 0;
    CHECK(cbpq::detail::json_reader::parse_int64("-9223372036854775808", v));
    CHECK(v == lo);
    CHECK(cbpq::detail::json_reader::parse_int64("9223372036854775807", v));
    CHECK(v == hi);
    CHECK(!cbpq::detail::json_reader::parse_int64("-9223372036854775809", v));
    CHECK(!cbpq::detail::json_reader::parse_int64("9223372036854775808", v));

    const auto recs = test_entrants();
    const auto cap = test_capacity();
    const cbpq::receipt r = test_receipt(recs, cap);
    auto check = [&](cbpq::receipt t, const std::string& starts) {
        const std::string json = cbpq::receipt_to_json(t);
        const cbpq::receipt back = cbpq::receipt_from_json(json, "r.json");
        CHECK(back == t);
        const auto rep = cbpq::verify(back, recs, cap);
        CHECK(!rep.ok);
        CHECK_MESSAGE(rep.difference.rfind(starts, 0) == 0, rep.difference);
    };
    for (const std::int64_t x : {lo, lo + 1, hi}) {
        auto t = r;
        t.capacity.ports[0].persons = x;
        check(t, "capacity: port 1 ('nogales') persons: receipt " + std::to_string(x));
        t = r;
        t.capacity.ports[1].parties = x;
        check(t, "capacity: port 2 ('san-ysidro') parties: receipt " + std::to_string(x));
        t = r;
        t.capacity.ports[1].slots[0].persons = x;
        check(t, "capacity: port 2 ('san-ysidro') slot 1");
    }
    // One below INT64_MIN is out of range: a malformed receipt.
    auto t = r;
    t.capacity.ports[0].persons = lo;
    std::string json = cbpq::receipt_to_json(t);
    const auto at = json.find("-9223372036854775808");
    REQUIRE(at != std::string::npos);
    json.replace(at, 20, "-9223372036854775809");
    try {
        (void)cbpq::receipt_from_json(json, "r.json");
        FAIL("accepted a capacity below INT64_MIN");
    } catch (const cbpq::parse_error& e) {
        CHECK_MESSAGE(e.field() == "persons", e.what());
    }
}

TEST_CASE("audit: partial draws ship as JSON and merge after the trip") {
    std::mt19937_64 g(9);
    std::vector<rec> recs;
    for (std::int64_t i = 0; i < 3000; ++i) {
        recs.push_back(
            {i * 13 - 1000, i % 3 == 0 ? "nogales" : "san-ysidro", static_cast<int>(1 + g() % 5)});
    }
    const auto cap = test_capacity();
    const cbpq::draw_key key(cbpq::seed::from_public_values(public_values), "ship");
    cbpq::draw_options opt;
    opt.alternates = 4;
    opt.max_party = 6;
    const auto whole = cbpq::draw(recs, cap, key, opt);
    std::vector<std::vector<rec>> shards(3);
    for (const auto& r : recs) {
        shards[g() % 3].push_back(r);
    }
    std::vector<cbpq::draw_partial<std::int64_t>> parts;
    for (const auto& sh : shards) {
        const std::string text = cbpq::partial_to_json(cbpq::collect_draw(sh, cap, key, opt));
        parts.push_back(cbpq::partial_from_json<std::int64_t>(text, "shard.json"));
        CHECK(cbpq::partial_to_json(parts.back()) == text);
    }
    auto merged = cbpq::merge_partials(cbpq::merge_partials(parts[0], parts[1]), parts[2]);
    CHECK(cbpq::finish_draw(merged, cap, key, opt) == whole);
    // A partial of another draw does not merge; a partial with a wrong kind does not load.
    const cbpq::draw_key other(cbpq::seed::from_public_values(public_values), "other");
    const auto foreign = cbpq::collect_draw(shards[0], cap, other, opt);
    CHECK_THROWS_AS((void)cbpq::merge_partials(parts[0], foreign), cbpq::invalid_input);
    CHECK_THROWS_AS((void)cbpq::partial_from_json<std::string>(cbpq::partial_to_json(parts[0])),
                    cbpq::parse_error);
    // Changed options are caught at finish.
    auto opt2 = opt;
    opt2.alternates = 5;
    CHECK_THROWS_AS((void)cbpq::finish_draw(merged, cap, key, opt2), cbpq::invalid_input);
}
