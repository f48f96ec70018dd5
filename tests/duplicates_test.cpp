// Tests of duplicates.hpp: dates, normalisation, comparisons, rules on hand-made pairs (true
// duplicates and hard negatives), union-find, resolution, incremental == batch, keyed
// blocking, the block cap, the index concept (with an archetype), and the quality targets on
// the project's own generator.
#include "../examples/common/identity_gen.hpp"

#include <cbpq/duplicates.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <list>
#include <map>
#include <ranges>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

constexpr cbpq::index_secret secret_a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
constexpr cbpq::index_secret secret_b = {9, 9, 9, 9, 9, 9, 9, 9, 1, 1, 1, 1, 1, 1, 1, 1};

// A host record type with the field names the primary registration_traits reads.
struct person_record {
    std::string id;
    long registered = 0;
    std::string given, surname, birth, sex, nationality;
    std::string document, document_country, phone, phone_country, email, device, address;
};

person_record base_person(std::string id, long t) {
    person_record p;
    p.id = std::move(id);
    p.registered = t;
    p.given = "María José";
    p.surname = "García López";
    p.birth = "1990-03-14";
    p.sex = "F";
    p.nationality = "VE";
    p.document = "123456789";
    p.document_country = "VEN";
    p.phone = "0412-1234567";
    p.phone_country = "VE";
    p.email = "mariajose.garcia@gmail.com";
    p.device = "dev-1";
    p.address = "Calle Morelos 12";
    return p;
}

cbpq::normalized_registration norm(const person_record& p) {
    return cbpq::normalize_registration(cbpq::registration_traits<person_record>::view(p));
}

// The rule set's verdict on a pair: "same:<rule>", "possible:<rule>" or "none".
std::string verdict(const person_record& a, const person_record& b,
                    const cbpq::rule_set& rules = cbpq::default_rules()) {
    const auto na = norm(a);
    const auto nb = norm(b);
    const auto m = rules.evaluate(cbpq::view_of(nb), cbpq::view_of(na));
    if (!m) {
        return "none";
    }
    return std::string(m->strength == cbpq::match_strength::same ? "same:" : "possible:") +
           rules[m->rule].name;
}

bool is_same(const std::string& v) { return v.rfind("same:", 0) == 0; }

// The generator's members carry registration_traits' field names, so the primary template
// reads them.
cbpq::registration_view gen_view(const gen::registration& r) {
    return cbpq::registration_traits<gen::registration>::view(r);
}

std::vector<gen::registration> generated(std::size_t n, std::uint64_t seed, double rate = 0.05) {
    gen::options o;
    o.count = n;
    o.dup_rate = rate;
    o.seed = seed;
    return gen::generate(o);
}

// id -> (decision, cluster id) of a resolution.
std::map<std::string, std::pair<cbpq::dedup_decision, std::string>>
by_id(const cbpq::deduplicator& d, const std::vector<cbpq::dedup_result>& rs) {
    std::map<std::string, std::pair<cbpq::dedup_decision, std::string>> out;
    for (const auto& r : rs) {
        out[std::string(d.record(r.ordinal).id)] = {r.decision,
                                                    std::string(d.record(r.cluster).id)};
    }
    return out;
}

} // namespace

TEST_CASE("duplicates: dates") {
    CHECK(cbpq::parse_yyyymmdd("1990-03-14") == 19900314);
    CHECK(cbpq::parse_yyyymmdd("19900314") == 19900314);
    CHECK(cbpq::parse_yyyymmdd("  ") == 0);
    CHECK(cbpq::parse_yyyymmdd("") == 0);
    CHECK_FALSE(cbpq::parse_yyyymmdd("1990-02-30"));
    CHECK_FALSE(cbpq::parse_yyyymmdd("1990-3-14"));
    CHECK_FALSE(cbpq::parse_yyyymmdd("14/03/1990"));
    CHECK(cbpq::parse_yyyymmdd("14/03/1990", "DD/MM/YYYY") == 19900314);
    CHECK(cbpq::parse_yyyymmdd("2000-02-29") == 20000229);
    CHECK_FALSE(cbpq::parse_yyyymmdd("1900-02-29"));
    CHECK(cbpq::valid_date_format("DD.MM.YYYY"));
    CHECK_FALSE(cbpq::valid_date_format("DD/MM/YY"));
    CHECK_FALSE(cbpq::valid_date_format("YYYY-MM-DD-DD"));

    using C = cbpq::condition;
    CHECK_FALSE(C::birth_typo(19900314, 19910315)); // two separate slips
    CHECK(C::birth_typo(19900304, 19900403));       // day and month swapped
    CHECK(C::birth_typo(19900314, 19900315));       // one digit
    CHECK(C::birth_typo(19890314, 19980314));       // adjacent digits transposed
    CHECK_FALSE(C::birth_typo(19900314, 20150314)); // a parent and a child
    CHECK_FALSE(C::birth_typo(19900314, 19900314));
}

TEST_CASE("duplicates: normalisation folds what people vary") {
    auto a = base_person("1", 1);
    auto b = a;
    b.given = "MARIA JOSE";
    b.surname = "Garcia-Lopez";
    b.phone = "+58 412 1234567";
    b.email = "Maria.Jose.Garcia+cbp@googlemail.com";
    b.document = "123-456 789";
    b.document_country = "VE";
    const auto na = norm(a), nb = norm(b);
    CHECK(na.given == nb.given);
    CHECK(na.surname1 == nb.surname1);
    CHECK(na.surname2 == nb.surname2);
    CHECK(na.phone == "+584121234567");
    CHECK(na.phone == nb.phone);
    CHECK(na.email == nb.email);
    CHECK(na.document == nb.document);
    CHECK(na.document_country == nb.document_country);
    CHECK(na.sex == 'f');
    CHECK(na.birth == 19900314);

    // Cyrillic and its ICAO Latin form normalise alike.
    person_record r = a;
    r.given = "Юлия";
    r.surname = "Щербакова";
    person_record l = r;
    l.given = "Iuliia";
    l.surname = "Shcherbakova";
    CHECK(norm(r).given == norm(l).given);
    CHECK(norm(r).surname1 == norm(l).surname1);

    // A full name splits Hispanic style.
    cbpq::registration_view v;
    v.id = "9";
    v.full_name = "María de los Ángeles Pérez Núñez";
    const auto nf = cbpq::normalize_registration(v);
    CHECK(nf.surname1 == "PEREZ");
    CHECK(nf.surname2 == "NUNEZ");
    CHECK(nf.given.rfind("MARIA", 0) == 0);
}

TEST_CASE("duplicates: the phone's region, a widow's married name and a full name with a comma") {
    const auto normalized = [](std::string_view phone, std::string_view phone_country,
                               std::string_view nationality, std::string_view document_country) {
        cbpq::registration_view v;
        v.id = "1";
        v.given = "Ana";
        v.surname = "Lopez";
        v.phone = phone;
        v.phone_country = phone_country;
        v.nationality = nationality;
        v.document = "AB123456";
        v.document_country = document_country;
        return cbpq::normalize_registration(v).phone;
    };
    // phone_country, else nationality, else the document's country, in any form normalize_phone
    // reads: an alpha-3 phone_country is not passed over for the nationality.
    CHECK(normalized("55 6200 0000", "MEX", "", "") == "+525562000000");
    CHECK(normalized("(212) 555-1234", "USA", "MX", "") == "+12125551234");
    CHECK(normalized("(212) 555-1234", "1", "", "") == "+12125551234");
    CHECK(normalized("55 6200 0000", "", "MEX", "") == "+525562000000");
    CHECK(normalized("55 6200 0000", "", "", "MEX") == "+525562000000");
    CHECK(normalized("55 6200 0000", "", "", "mx") == "+525562000000");

    // "Vda." / "viuda" before a married "de X" is dropped with it, as parse_name does.
    cbpq::registration_view w;
    w.id = "2";
    w.given = "Ana";
    w.surname = "López Vda. de García";
    auto n = cbpq::normalize_registration(w);
    CHECK(n.surname1 == "LOPEZ");
    CHECK(n.surname2.empty());

    // A full name "SURNAMES, GIVEN NAMES" reads as the two fields would.
    cbpq::registration_view f;
    f.id = "3";
    f.full_name = "García López, María José";
    n = cbpq::normalize_registration(f);
    CHECK(n.given == "MARIA JOSE");
    CHECK(n.surname1 == "GARCIA");
    CHECK(n.surname2 == "LOPEZ");
    f.full_name = "María José García López";
    n = cbpq::normalize_registration(f);
    CHECK(n.surname1 == "GARCIA");
    CHECK(n.surname2 == "LOPEZ");
    // Invalid UTF-8 on either side of the comma names the field.
    f.full_name = "Garc\xC3, Mar\xC3\xAD"
                  "a";
    CHECK_THROWS_WITH_AS((void)cbpq::normalize_registration(f), doctest::Contains("full_name"),
                         cbpq::invalid_input);
}

TEST_CASE("duplicates: bad input names the registration and the field") {
    auto a = base_person("r-17", 1);
    a.birth = "1990-02-30";
    try {
        (void)norm(a);
        FAIL("no exception");
    } catch (const cbpq::invalid_input& e) {
        CHECK(e.record() == "r-17");
        CHECK(e.field() == "birth");
    }
    auto b = base_person("r-18", 1);
    b.surname = std::string("Garc\xff", 5);
    try {
        (void)norm(b);
        FAIL("no exception");
    } catch (const cbpq::invalid_input& e) {
        CHECK(e.record() == "r-18");
        CHECK(e.field() == "surname");
    }
    auto c = base_person("", 1);
    CHECK_THROWS_AS((void)norm(c), cbpq::invalid_input);
}

TEST_CASE("duplicates: invalid UTF-8 is refused in every field, by normalising and by validating") {
    using V = cbpq::registration_view;
    const std::pair<std::string_view V::*, const char*> fields[] = {
        {&V::given, "given"},
        {&V::middle, "middle"},
        {&V::surname, "surname"},
        {&V::full_name, "full_name"},
        {&V::sex, "sex"},
        {&V::nationality, "nationality"},
        {&V::document, "document"},
        {&V::document_type, "document_type"},
        {&V::document_country, "document_country"},
        {&V::phone, "phone"},
        {&V::phone_country, "phone_country"},
        {&V::email, "email"},
        {&V::device, "device"},
        {&V::address, "address"},
        {&V::postcode, "postcode"},
        {&V::city, "city"}};
    // A registration with given name and surname (so full_name is not read for the name) and
    // every other field filled; each field in turn gets a byte that is never UTF-8.
    V good;
    good.id = "r-1";
    good.given = "Maria";
    good.surname = "Garcia";
    good.full_name = "Maria Garcia";
    good.birth = "1990-03-14";
    good.sex = "F";
    good.nationality = "MX";
    good.document = "G1234567";
    good.document_type = "passport";
    good.document_country = "MEX";
    good.phone = "+52 55 1234 5678";
    good.phone_country = "MX";
    good.email = "maria@example.com";
    good.device = "dev-1";
    good.address = "Calle 1";
    good.postcode = "22000";
    good.city = "Tijuana";
    cbpq::normalized_registration out;
    cbpq::normalize_registration(good, out);
    cbpq::validate_registration(good);
    for (const auto& [member, name] : fields) {
        const std::string field_name = name;
        CAPTURE(field_name);
        const std::string bad = std::string(good.*member) + "\xff";
        V v = good;
        v.*member = bad;
        try {
            cbpq::normalize_registration(v, out);
            FAIL("normalize_registration accepted invalid UTF-8");
        } catch (const cbpq::invalid_input& e) {
            CHECK(e.record() == "r-1");
            CHECK(e.field() == name);
        }
        try {
            cbpq::validate_registration(v);
            FAIL("validate_registration accepted invalid UTF-8");
        } catch (const cbpq::invalid_input& e) {
            CHECK(e.record() == "r-1");
            CHECK(e.field() == name);
        }
    }
    // An invalid id: the message does not quote it.
    const std::string bad_id = "r-\xc3";
    V v = good;
    v.id = bad_id;
    for (int validate = 0; validate < 2; ++validate) {
        try {
            if (validate == 1) {
                cbpq::validate_registration(v);
            } else {
                cbpq::normalize_registration(v, out);
            }
            FAIL("an id of invalid UTF-8 was accepted");
        } catch (const cbpq::invalid_input& e) {
            CHECK(e.field() == "id");
            CHECK(std::string_view(e.what()).find('\xc3') == std::string_view::npos);
        }
    }
}

TEST_CASE("duplicates: surname comparison allows swaps, drops and joins") {
    using A = cbpq::surname_alignment;
    CHECK(cbpq::compare_surnames("GARCIA", "LOPEZ", "GARCIA", "LOPEZ").how == A::straight);
    const auto sw = cbpq::compare_surnames("GARCIA", "LOPEZ", "LOPEZ", "GARCIA");
    CHECK(sw.how == A::swapped);
    CHECK(sw.score == 1.0);
    const auto dr = cbpq::compare_surnames("GARCIA", "LOPEZ", "GARCIA", "");
    CHECK(dr.how == A::dropped);
    CHECK(dr.score == 1.0);
    const auto jn = cbpq::compare_surnames("GARCIA", "LOPEZ", "GARCIALOPEZ", "");
    CHECK(jn.how == A::joined);
    CHECK(jn.score == 1.0);
    CHECK(cbpq::compare_surnames("GARCIA", "LOPEZ", "GARCIA", "PEREZ").score < 0.8);
    // A single surname is a dropped one, not a join.
    CHECK(cbpq::compare_surnames("GARCIA", "", "GARCIA", "LOPEZ").how == A::dropped);
    CHECK(cbpq::compare_surnames("", "", "GARCIA", "").how == A::none);
    CHECK(cbpq::given_similarity("MARIA JOSE", "MARIAJOSE") == 1.0);
    CHECK(cbpq::given_similarity("MARIA JOSE", "MARIA") == 0.0);
    CHECK_FALSE(cbpq::given_similarity("", "MARIA"));
}

TEST_CASE("duplicates: default rules merge true duplicates") {
    const auto a = base_person("1", 100);

    SUBCASE("accents dropped, surnames swapped, phone written another way") {
        auto b = a;
        b.given = "Maria Jose";
        b.surname = "Lopez Garcia";
        b.phone = "+58 (412) 123-4567";
        b.document = "";
        b.email = "mj1990@hotmail.com";
        CHECK(verdict(a, b) == "same:name+birth+contact");
    }
    SUBCASE("second surname dropped, same e-mail in another form") {
        auto b = a;
        b.surname = "García";
        b.document = "";
        b.phone = "";
        b.email = "MariaJose.Garcia+cbp1@gmail.com";
        CHECK(verdict(a, b) == "same:name+birth+contact");
    }
    SUBCASE("document with a one-character typo, new phone and e-mail") {
        auto b = a;
        b.document = "123456780";
        b.phone = "0414-7654321";
        b.email = "otra@yahoo.com";
        b.device = "dev-2";
        CHECK(verdict(a, b) == "same:document-typo+name+birth");
    }
    SUBCASE("same document, birth date mistyped") {
        auto b = a;
        b.birth = "1990-03-15";
        b.phone = "";
        b.email = "";
        b.device = "";
        CHECK(verdict(a, b) == "same:document+name");
    }
    SUBCASE("Cyrillic and Latin spellings with the same passport") {
        auto r = a;
        r.given = "Юлия";
        r.surname = "Щербакова";
        r.nationality = "RU";
        r.document_country = "RUS";
        auto l = r;
        l.given = "Iuliia";
        l.surname = "Shcherbakova";
        l.email = "";
        l.phone = "";
        CHECK(verdict(r, l) == "same:document+birth");
    }
}

TEST_CASE("duplicates: default rules never merge hard negatives") {
    const auto a = base_person("1", 100);

    SUBCASE("twins: same surnames, birth date, phone, address, e-mail; other given name") {
        auto b = a;
        b.given = "María Fernanda";
        b.document = "987654321";
        b.device = "dev-9";
        CHECK_FALSE(is_same(verdict(a, b)));
    }
    SUBCASE("twins Mario and Maria differ in sex") {
        auto m = a;
        m.given = "Maria";
        auto n = a;
        n.given = "Mario";
        n.sex = "M";
        n.document = "987654321";
        CHECK_FALSE(is_same(verdict(m, n)));
    }
    SUBCASE("a parent and a child with the same name, phone and address") {
        auto b = a;
        b.birth = "2012-07-01";
        b.document = "555666777";
        b.email = "";
        b.device = "";
        CHECK(verdict(a, b) == "none");
    }
    SUBCASE("two Maria Garcias with different birth dates and nothing shared") {
        auto b = a;
        b.birth = "1985-11-02";
        b.document = "777888999";
        b.phone = "0416-9999999";
        b.email = "mg85@gmail.com";
        b.device = "dev-3";
        b.address = "Avenida Juárez 5";
        CHECK(verdict(a, b) == "none");
    }
    SUBCASE("same full name and birth date, nothing else: review, not cancel") {
        auto b = a;
        b.document = "777888999";
        b.phone = "0416-9999999";
        b.email = "mg90@gmail.com";
        b.device = "dev-3";
        b.address = "Avenida Juárez 5";
        CHECK(verdict(a, b) == "possible:name+birth");
        CHECK(verdict(a, b, cbpq::lenient_rules()) == "same:full-name+birth");
    }
    SUBCASE("one surname, same given name, birth date and shelter address: review at most") {
        auto m = a;
        m.given = "Marie";
        m.surname = "Joseph";
        m.address = "Albergue Casa del Migrante, Calle 5 de Mayo 120";
        auto n = m;
        n.document = "777888999";
        n.phone = "";
        n.email = "";
        n.device = "";
        m.phone = "";
        m.email = "";
        m.device = "";
        CHECK_FALSE(is_same(verdict(m, n)));
    }
    SUBCASE("a middle name left out: review") {
        auto b = a;
        b.given = "María";
        b.document = "";
        b.phone = "";
        b.email = "";
        b.device = "";
        b.address = "";
        CHECK(verdict(a, b) == "possible:dropped-given+birth+surnames");
        auto twin = b;
        twin.given = "María Fernanda";
        CHECK(verdict(a, twin) == "none");
    }
    SUBCASE("same document, another name and birth date: review") {
        auto b = a;
        b.given = "Pedro";
        b.surname = "Ramírez Rojas";
        b.sex = "M";
        b.birth = "1970-01-01";
        b.phone = "";
        b.email = "";
        b.device = "";
        b.address = "";
        CHECK(verdict(a, b) == "possible:document");
    }
    SUBCASE("same number, another issuing country") {
        auto b = a;
        b.document_country = "COL";
        b.phone = "";
        b.email = "";
        b.device = "";
        b.address = "";
        b.given = "Maria";
        CHECK_FALSE(is_same(verdict(a, b)));
    }
}

TEST_CASE("duplicates: document lengths and edits count characters, not bytes") {
    // Normalised document numbers keep letters of scripts without a Latin transliteration
    // (Greek here): two bytes each in UTF-8, one character each for the minimum lengths and the
    // edit distance.
    const auto holds = [](const cbpq::condition& c, std::string_view x, std::string_view y) {
        cbpq::identity_view a, b;
        a.document = x;
        b.document = y;
        return c.evaluate(cbpq::pair_context(a, b)).has_value();
    };
    const std::string four = "\xCE\x91\xCE\x92\xCE\x93\xCE\x94"; // ΑΒΓΔ: 8 bytes
    CHECK_FALSE(holds(cbpq::same_document(), four, four));
    CHECK(holds(cbpq::same_document(), four + "1", four + "1"));
    // One substitution in six characters; too short at five.
    CHECK(holds(cbpq::document_typo(), four + "12", four + "13"));
    CHECK_FALSE(holds(cbpq::document_typo(), four + "1", four + "2"));
    // One character inserted, two bytes longer: one edit.
    CHECK(holds(cbpq::document_typo(),
                "AA\xC3\xA9"
                "CDEF",
                "AACDEF"));
    CHECK_FALSE(holds(cbpq::document_typo(),
                      "AA\xC3\xA9"
                      "CDEF",
                      "ACDEF"));
    // The score counts characters too: 1 - 1/7.
    cbpq::identity_view a, b;
    a.document = "AA\xC3\xA9"
                 "CDEF";
    b.document = "AACDEF";
    const auto typo = cbpq::document_typo().evaluate(cbpq::pair_context(a, b));
    REQUIRE(typo.has_value());
    CHECK(typo->score == doctest::Approx(1.0 - 1.0 / 7.0));
}

TEST_CASE("duplicates: strict sends all but document rules to review") {
    const auto a = base_person("1", 100);
    auto b = a;
    b.document = "";
    CHECK(verdict(a, b) == "same:name+birth+contact");
    CHECK(verdict(a, b, cbpq::strict_rules()) == "possible:name+birth+contact");
    CHECK(verdict(a, a, cbpq::strict_rules()) == "same:document+birth");
}

TEST_CASE("duplicates: rule sets are validated and hosts write their own") {
    CHECK_THROWS_AS(
        cbpq::rule_set({cbpq::rule{"", cbpq::match_strength::same, {cbpq::same_phone()}}}),
        cbpq::invalid_input);
    CHECK_THROWS_AS(cbpq::rule_set({cbpq::rule{"x", cbpq::match_strength::same, {}}}),
                    cbpq::invalid_input);
    CHECK_THROWS_AS(
        cbpq::rule_set({cbpq::rule{"x", cbpq::match_strength::same, {cbpq::same_phone()}},
                        cbpq::rule{"x", cbpq::match_strength::possible, {cbpq::same_email()}}}),
        cbpq::invalid_input);

    // A host rule: same device and same birth year is worth a review.
    const cbpq::rule_set host({cbpq::rule{
        "device+birth-year",
        cbpq::match_strength::possible,
        {cbpq::same_device(),
         cbpq::condition::custom("birth-year", {cbpq::identity_field::birth},
                                 [](const cbpq::identity_view& x,
                                    const cbpq::identity_view& y) -> std::optional<double> {
                                     if (x.birth != 0 && x.birth / 10000 == y.birth / 10000) {
                                         return 0.5;
                                     }
                                     return std::nullopt;
                                 })}}});
    auto a = base_person("1", 1);
    auto b = base_person("2", 2);
    b.birth = "1990-12-01";
    const auto m = host.evaluate(cbpq::view_of(norm(b)), cbpq::view_of(norm(a)));
    REQUIRE(m);
    CHECK(m->score == doctest::Approx(0.5));
    CHECK(m->fields.to_string() == "birth+device");
    CHECK(host[0].describe() == "device+birth-year: device==, birth-year (possible)");
}

TEST_CASE("duplicates: union-find") {
    cbpq::detail::union_find uf;
    for (int i = 0; i < 10; ++i) {
        (void)uf.add();
    }
    CHECK(uf.find(3) == 3);
    uf.unite(1, 2);
    uf.unite(3, 4);
    uf.unite(2, 4);
    CHECK(uf.find(1) == uf.find(3));
    CHECK(uf.set_size(4) == 4);
    CHECK(uf.find(5) != uf.find(1));
    CHECK(uf.unite(1, 1) == uf.find(1));
    uf.unite(9, 8);
    CHECK(uf.set_size(8) == 2);
    CHECK(uf.find(9) != uf.find(1));
}

TEST_CASE("duplicates: resolution keeps the earliest and explains every cancellation") {
    cbpq::deduplicator d(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    // Registered out of order: the third registration is the earliest.
    auto a = base_person("10", 500);
    auto b = base_person("9", 700);
    b.surname = "Lopez Garcia";
    b.document = "";
    auto c = base_person("11", 100);
    c.email = "";
    c.phone = "";
    c.device = "";
    const auto ra = d.add(a);
    CHECK(ra.result.decision == cbpq::dedup_decision::keep);
    const auto rb = d.add(b);
    CHECK(rb.result.decision == cbpq::dedup_decision::cancel);
    CHECK(rb.result.cluster == 0);
    CHECK(rb.result.rule);
    CHECK(d.rules()[*rb.result.rule].name == "name+birth+contact");
    CHECK(rb.result.fields.contains(cbpq::identity_field::birth));
    const auto rc = d.add(c);
    CHECK(rc.result.decision == cbpq::dedup_decision::keep);
    REQUIRE(rc.displaced);
    CHECK(*rc.displaced == 0);
    const auto all = d.resolve();
    CHECK(all[0].decision == cbpq::dedup_decision::cancel);
    CHECK(all[0].cluster == 2);
    CHECK(all[1].cluster == 2);
    CHECK(all[2].decision == cbpq::dedup_decision::keep);
    CHECK(all[0].rule);
    CHECK(d.rules()[*all[0].rule].name == "document+birth");
    CHECK(all[0].score == doctest::Approx(1.0));

    // Same time: ids decide, numerically when both are integers ("9" before "10").
    cbpq::deduplicator e(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    auto x = base_person("10", 5);
    auto y = base_person("9", 5);
    (void)e.add(x);
    (void)e.add(y);
    const auto r = e.resolve();
    CHECK(r[0].decision == cbpq::dedup_decision::cancel);
    CHECK(r[1].decision == cbpq::dedup_decision::keep);
    CHECK(e.earlier(1, 0));
}

TEST_CASE("duplicates: possible links go to review and are never merged") {
    cbpq::deduplicator d(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    auto a = base_person("1", 1);
    auto b = base_person("2", 2);
    b.document = "777888999";
    b.phone = "0416-9999999";
    b.email = "mg90@gmail.com";
    b.device = "dev-3";
    b.address = "Avenida Juárez 5";
    (void)d.add(a);
    const auto rb = d.add(b);
    CHECK(rb.result.decision == cbpq::dedup_decision::review);
    CHECK(rb.result.cluster == 1); // its own cluster: nothing merged
    CHECK(rb.result.other == 0);
    CHECK(d.rules()[*rb.result.rule].name == "name+birth");
    const auto all = d.resolve();
    CHECK(all[0].decision == cbpq::dedup_decision::keep);
    CHECK(all[1].decision == cbpq::dedup_decision::review);
    CHECK(all[1].cluster == 1);
}

TEST_CASE("duplicates: incremental adds give the batch answer, in any order") {
    const auto rows = generated(4000, 11, 0.1);
    cbpq::deduplicator batch(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    const auto rb = batch.add_all(rows, gen_view);
    REQUIRE(batch.index().saturated_blocks() == 0);

    cbpq::deduplicator one(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    for (const auto& r : rows) {
        (void)one.add(gen_view(r));
    }
    const auto ro = one.resolve();
    REQUIRE(rb.size() == ro.size());
    for (std::size_t i = 0; i < rb.size(); ++i) {
        CHECK(rb[i].decision == ro[i].decision);
        CHECK(rb[i].cluster == ro[i].cluster);
        CHECK(rb[i].rule == ro[i].rule);
    }
    const auto cancels = std::count_if(rb.begin(), rb.end(), [](const auto& r) {
        return r.decision == cbpq::dedup_decision::cancel;
    });
    CHECK(cancels > 200);

    // Reversed input and another secret: the same decisions and clusters by id.
    std::vector<gen::registration> reversed(rows.rbegin(), rows.rend());
    cbpq::deduplicator rev(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_b));
    const auto rr = rev.add_all(reversed, gen_view);
    CHECK(by_id(batch, rb) == by_id(rev, rr));
}

namespace {

// Every field of two resolutions agrees.
void check_same_results(const std::vector<cbpq::dedup_result>& got,
                        const std::vector<cbpq::dedup_result>& want) {
    REQUIRE(got.size() == want.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const auto& g = got[i];
        const auto& w = want[i];
        if (g.ordinal != w.ordinal || g.cluster != w.cluster || g.decision != w.decision ||
            g.other != w.other || g.rule != w.rule || g.score != w.score || g.fields != w.fields) {
            ++differ;
        }
    }
    CHECK(differ == 0);
}

void check_same_add(const cbpq::add_result& g, const cbpq::add_result& w) {
    CHECK(g.candidates == w.candidates);
    CHECK(g.displaced == w.displaced);
    CHECK(g.result.cluster == w.result.cluster);
    CHECK(g.result.decision == w.result.decision);
    CHECK(g.result.other == w.result.other);
    CHECK(g.result.rule == w.result.rule);
    CHECK(g.result.score == w.result.score);
    CHECK(g.result.fields == w.result.fields);
}

} // namespace

// add_all must give add()'s answer to the last field of every decision (rule, score, fields,
// the registration linked to), also with blocks at the cap, on an engine that already holds
// registrations, with the cap on possible links, and leave the index as add() would (later adds
// agree).
TEST_CASE("duplicates: add_all gives the one-by-one answer, field for field") {
    const auto rows = generated(4000, 11, 0.1);
    for (const std::size_t cap : {std::size_t{64}, std::size_t{3}}) {
        for (const std::size_t max_possible : {std::size_t{8}, std::size_t{1}}) {
            CAPTURE(cap);
            CAPTURE(max_possible);
            cbpq::dedup_options options;
            options.max_possible_per_registration = max_possible;
            cbpq::deduplicator one(cbpq::default_rules(), options,
                                   cbpq::memory_identity_index(secret_a, cap));
            for (const auto& r : rows) {
                (void)one.add(gen_view(r));
            }
            const auto want = one.resolve();

            cbpq::deduplicator batch(cbpq::default_rules(), options,
                                     cbpq::memory_identity_index(secret_a, cap));
            check_same_results(batch.add_all(rows, gen_view), want);
            CHECK(batch.index().blocks() == one.index().blocks());
            CHECK(batch.index().saturated_blocks() == one.index().saturated_blocks());
            if (cap == 3) {
                CHECK(batch.index().saturated_blocks() > 100);
            }

            // Part one by one, the rest as a batch onto the filled engine.
            cbpq::deduplicator mixed(cbpq::default_rules(), options,
                                     cbpq::memory_identity_index(secret_a, cap));
            for (std::size_t i = 0; i < 1500; ++i) {
                (void)mixed.add(gen_view(rows[i]));
            }
            const std::vector<gen::registration> rest(rows.begin() + 1500, rows.end());
            check_same_results(mixed.add_all(rest, gen_view), want);

            // Already normalised.
            std::vector<cbpq::normalized_registration> normalized;
            for (const auto& r : rows) {
                normalized.push_back(cbpq::normalize_registration(gen_view(r)));
            }
            cbpq::deduplicator pre(cbpq::default_rules(), options,
                                   cbpq::memory_identity_index(secret_a, cap));
            check_same_results(pre.add_all_normalized(normalized), want);

            // Later adds see the same index.
            const auto more = generated(300, 12, 0.1);
            for (const auto& r0 : more) {
                auto r = r0;
                r.id = "more-" + r.id;
                const auto g = batch.add(gen_view(r));
                const auto w = one.add(gen_view(r));
                check_same_add(g, w);
            }
            check_same_results(batch.resolve(), one.resolve());
        }
    }
}

TEST_CASE("duplicates: add_all reads ahead without skipping or repeating records") {
    // Ranges shorter than, equal to and longer than the read-ahead ring, including a list
    // (forward iterators only) and an empty range.
    const auto rows = generated(40, 5, 0.3);
    for (std::size_t n = 0; n <= 12; ++n) {
        CAPTURE(n);
        const std::vector<gen::registration> part(rows.begin(),
                                                  rows.begin() + static_cast<std::ptrdiff_t>(n));
        cbpq::deduplicator one(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
        for (const auto& r : part) {
            (void)one.add(gen_view(r));
        }
        const auto want = one.resolve();
        cbpq::deduplicator batch(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
        const auto got = batch.add_all(part, gen_view);
        REQUIRE(got.size() == n);
        check_same_results(got, want);
        for (std::uint32_t i = 0; i < n; ++i) {
            CHECK(batch.record(i).id == part[i].id);
        }
        const std::list<gen::registration> listed(part.begin(), part.end());
        cbpq::deduplicator from_list(cbpq::default_rules(), {},
                                     cbpq::memory_identity_index(secret_a));
        check_same_results(from_list.add_all(listed, gen_view), want);
    }
}

// add_each must hand the host, record by record and in order, exactly what add() returns, and
// leave the engine as the loop of add() would, also when a record is invalid or the host's
// callback throws part way.
TEST_CASE("duplicates: add_each reports add()'s result for every record, in order") {
    const auto rows = generated(3000, 21, 0.1);
    for (const std::size_t cap : {std::size_t{64}, std::size_t{3}}) {
        CAPTURE(cap);
        cbpq::deduplicator one(cbpq::default_rules(), {},
                               cbpq::memory_identity_index(secret_a, cap));
        std::vector<cbpq::add_result> want;
        for (const auto& r : rows) {
            want.push_back(one.add(gen_view(r)));
        }
        // Onto an empty engine, and the second half onto an engine filled by add().
        for (const std::size_t before : {std::size_t{0}, std::size_t{1400}}) {
            CAPTURE(before);
            cbpq::deduplicator each(cbpq::default_rules(), {},
                                    cbpq::memory_identity_index(secret_a, cap));
            for (std::size_t i = 0; i < before; ++i) {
                (void)each.add(gen_view(rows[i]));
            }
            const std::list<gen::registration> rest(
                rows.begin() + static_cast<std::ptrdiff_t>(before), rows.end());
            std::size_t at = before;
            std::size_t differ = 0;
            each.add_each(
                rest,
                [&](const cbpq::add_result& g) {
                    REQUIRE(at < want.size());
                    const auto& w = want[at++];
                    differ += g.candidates != w.candidates || g.displaced != w.displaced ||
                              g.result.ordinal != w.result.ordinal ||
                              g.result.cluster != w.result.cluster ||
                              g.result.decision != w.result.decision ||
                              g.result.other != w.result.other || g.result.rule != w.result.rule ||
                              g.result.score != w.result.score ||
                              g.result.fields != w.result.fields;
                },
                gen_view);
            CHECK(at == rows.size());
            CHECK(differ == 0);
            check_same_results(each.resolve(), one.resolve());
            CHECK(each.index().blocks() == one.index().blocks());
        }
    }
    // Every length around the read-ahead ring and the pipeline's depth.
    for (std::size_t n = 0; n <= 12; ++n) {
        CAPTURE(n);
        cbpq::deduplicator each(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
        std::vector<std::uint32_t> ordinals;
        const std::vector<gen::registration> part(rows.begin(),
                                                  rows.begin() + static_cast<std::ptrdiff_t>(n));
        each.add_each(
            part, [&](const cbpq::add_result& g) { ordinals.push_back(g.result.ordinal); },
            gen_view);
        REQUIRE(ordinals.size() == n);
        for (std::uint32_t i = 0; i < n; ++i) {
            CHECK(ordinals[i] == i);
            CHECK(each.record(i).id == part[i].id);
        }
    }
}

TEST_CASE("duplicates: add_each stops where the loop of add() would") {
    const auto rows = generated(400, 22, 0.2);
    auto want_after = [&](std::size_t k) {
        cbpq::deduplicator one(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
        for (std::size_t i = 0; i < k; ++i) {
            (void)one.add(gen_view(rows[i]));
        }
        return one.resolve();
    };
    // An invalid record: the ones before it are added and reported, then invalid_input.
    for (const std::size_t bad_at : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{4},
                                     std::size_t{5}, std::size_t{250}}) {
        CAPTURE(bad_at);
        auto bad = rows;
        bad[bad_at].birth = "not a date";
        cbpq::deduplicator one(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
        std::vector<cbpq::add_result> want;
        for (std::size_t i = 0; i < bad_at; ++i) {
            want.push_back(one.add(gen_view(rows[i])));
        }
        cbpq::deduplicator each(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
        std::size_t reported = 0;
        CHECK_THROWS_AS(each.add_each(
                            bad,
                            [&](const cbpq::add_result& g) {
                                REQUIRE(reported < want.size());
                                check_same_add(g, want[reported++]);
                            },
                            gen_view),
                        cbpq::invalid_input);
        CHECK(reported == bad_at);
        CHECK(each.size() == bad_at);
        check_same_results(each.resolve(), want_after(bad_at));
        // The engine goes on as the loop's would.
        (void)each.add(gen_view(rows[bad_at]));
        check_same_results(each.resolve(), want_after(bad_at + 1));
    }
    // The host's callback throws on record k: records up to k are in, none after.
    for (const std::size_t k : {std::size_t{0}, std::size_t{2}, std::size_t{7}, std::size_t{399}}) {
        CAPTURE(k);
        cbpq::deduplicator each(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
        std::size_t seen = 0;
        CHECK_THROWS_AS(each.add_each(
                            rows,
                            [&](const cbpq::add_result&) {
                                if (seen++ == k) {
                                    throw std::runtime_error("host stops");
                                }
                            },
                            gen_view),
                        std::runtime_error);
        CHECK(each.size() == k + 1);
        check_same_results(each.resolve(), want_after(k + 1));
    }
    // Reading record j throws (the host's projection): the records before it are added and
    // reported, including those already in flight, then the host's exception propagates.
    for (const std::size_t j :
         {std::size_t{0}, std::size_t{1}, std::size_t{4}, std::size_t{6}, std::size_t{300}}) {
        CAPTURE(j);
        cbpq::deduplicator each(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
        std::size_t reported = 0;
        std::size_t projected = 0;
        CHECK_THROWS_AS(each.add_each(
                            rows, [&](const cbpq::add_result&) { ++reported; },
                            [&](const gen::registration& r) {
                                if (projected++ == j) {
                                    throw std::runtime_error("host cannot read record");
                                }
                                return gen_view(r);
                            }),
                        std::runtime_error);
        CHECK(reported == j);
        CHECK(each.size() == j);
        check_same_results(each.resolve(), want_after(j));
    }
}

TEST_CASE("duplicates: add_each with a callback that adds, and with records made on the fly") {
    const auto rows = generated(1200, 23, 0.2);
    const auto side = generated(60, 24, 0.2);
    // The callback adds another registration after every 20th record; the answer is that of
    // the loop making the same calls.
    auto side_record = [&](std::size_t i) {
        auto r = side[i % side.size()];
        r.id = "side-" + std::to_string(i);
        return r;
    };
    cbpq::deduplicator one(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    std::vector<cbpq::add_result> want;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        want.push_back(one.add(gen_view(rows[i])));
        if (i % 20 == 19) {
            (void)one.add(gen_view(side_record(i)));
        }
    }
    cbpq::deduplicator each(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    std::size_t at = 0;
    each.add_each(
        rows,
        [&](const cbpq::add_result& g) {
            REQUIRE(at < want.size());
            CHECK(g.result.ordinal == want[at].result.ordinal);
            CHECK(g.result.decision == want[at].result.decision);
            CHECK(g.result.other == want[at].result.other);
            if (at % 20 == 19) {
                (void)each.add(gen_view(side_record(at)));
            }
            ++at;
        },
        gen_view);
    CHECK(at == rows.size());
    check_same_results(each.resolve(), one.resolve());

    // A range whose elements are made on the fly (its iterator returns them by value), and a
    // projection that returns a record by value: the views read ahead must not outlive them
    // (the sanitizer lane would see it).
    struct made_iterator {
        using value_type = gen::registration;
        using difference_type = std::ptrdiff_t;
        const std::vector<gen::registration>* from = nullptr;
        std::size_t at = 0;
        gen::registration operator*() const { return (*from)[at]; }
        made_iterator& operator++() {
            ++at;
            return *this;
        }
        made_iterator operator++(int) {
            auto old = *this;
            ++at;
            return old;
        }
        bool operator==(const made_iterator& o) const { return at == o.at; }
    };
    static_assert(std::forward_iterator<made_iterator>);
    struct made_range {
        const std::vector<gen::registration>* from;
        [[nodiscard]] made_iterator begin() const { return {from, 0}; }
        [[nodiscard]] made_iterator end() const { return {from, from->size()}; }
    };
    const made_range made{&rows};
    cbpq::deduplicator loop(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    for (const auto& r : rows) {
        (void)loop.add(gen_view(r));
    }
    const auto want_all = loop.resolve();
    cbpq::deduplicator from_made(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    from_made.add_each(made, [](const cbpq::add_result&) {});
    check_same_results(from_made.resolve(), want_all);
    cbpq::deduplicator by_value(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    check_same_results(by_value.add_all(rows, [](const gen::registration& r) { return r; }),
                       want_all);
    cbpq::deduplicator made_all(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    check_same_results(made_all.add_all(made), want_all);
}

TEST_CASE("duplicates: a record too long to store whole: batch and one by one agree") {
    auto rows = generated(600, 13, 0.1);
    rows[100].address = std::string(70000, 'A'); // cut at 65535 bytes by the index
    rows[101] = rows[100];
    rows[101].id = "copy-of-100";
    cbpq::deduplicator one(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    for (const auto& r : rows) {
        (void)one.add(gen_view(r));
    }
    cbpq::deduplicator batch(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    check_same_results(batch.add_all(rows, gen_view), one.resolve());
}

TEST_CASE("duplicates: the memory index stores every registration as given") {
    // Every field back as appended, for records of many lengths interleaved (empty, short, a
    // few hundred bytes, fields of 255 and 256 bytes), each read after all were appended; fields
    // past 65535 bytes are cut there (documented on append).
    cbpq::memory_identity_index idx(secret_a);
    std::vector<cbpq::normalized_registration> stored;
    const auto make = [&](std::size_t address, std::size_t device, std::int64_t registered) {
        cbpq::normalized_registration r;
        r.id = "id-" + std::to_string(stored.size());
        r.registered = registered;
        r.birth = 19900101 + static_cast<cbpq::yyyymmdd_date>(stored.size());
        r.sex = stored.size() % 2 == 0 ? 'f' : 'm';
        r.given = "MARIA";
        r.surname1 = "GARCIA";
        r.document = "X123";
        r.address.assign(address, static_cast<char>('A' + stored.size() % 26));
        r.device.assign(device, 'd');
        stored.push_back(r);
        return r;
    };
    // Fixed text other than address and device: id (4-5), MARIA, GARCIA, X123.
    for (const std::size_t address :
         {std::size_t{0}, std::size_t{100}, std::size_t{140}, std::size_t{145}, std::size_t{146},
          std::size_t{147}, std::size_t{255}, std::size_t{256}, std::size_t{70000}}) {
        for (const std::size_t device : {std::size_t{0}, std::size_t{1}, std::size_t{300}}) {
            const auto r = make(address, device, static_cast<std::int64_t>(stored.size()) - 5);
            CHECK(idx.append(r) == stored.size() - 1);
        }
    }
    cbpq::normalized_registration empty;
    empty.id = "e";
    stored.push_back(empty);
    CHECK(idx.append(empty) == stored.size() - 1);
    REQUIRE(idx.size() == stored.size());
    for (std::uint32_t i = 0; i < stored.size(); ++i) {
        const cbpq::identity_view got = idx.record(i);
        const cbpq::identity_view want = cbpq::view_of(stored[i]);
        const auto cut = [](std::string_view f) { return f.substr(0, 65535); };
        INFO("ordinal " << i);
        CHECK(got.id == want.id);
        CHECK(got.registered == want.registered);
        CHECK(got.birth == want.birth);
        CHECK(got.sex == want.sex);
        CHECK(got.given == want.given);
        CHECK(got.surname1 == want.surname1);
        CHECK(got.surname2 == want.surname2);
        CHECK(got.document == want.document);
        CHECK(got.document_country == want.document_country);
        CHECK(got.phone == want.phone);
        CHECK(got.email == want.email);
        CHECK(got.device == cut(want.device));
        CHECK(got.address == cut(want.address));
        CHECK(got.postcode == want.postcode);
    }
    CHECK(idx.record(24).address.size() == 65535); // the 70000-byte address, cut
}

TEST_CASE("duplicates: blocking hashes are keyed") {
    const auto n = norm(base_person("1", 1));
    std::vector<std::uint64_t> ha, hb, ha2;
    std::string scratch;
    cbpq::blocking_hashes(n, cbpq::all_blocking_keys, secret_a, ha, scratch);
    cbpq::blocking_hashes(n, cbpq::all_blocking_keys, secret_b, hb, scratch);
    cbpq::blocking_hashes(n, cbpq::all_blocking_keys, secret_a, ha2, scratch);
    CHECK(ha == ha2);
    // document, phone, email, device, birth+2 surnames, birth+given: 7 distinct keys.
    CHECK(ha.size() == 7);
    REQUIRE(ha.size() == hb.size());
    for (std::size_t i = 0; i < ha.size(); ++i) {
        CHECK(ha[i] != hb[i]);
    }
    // Only the keys asked for.
    cbpq::blocking_hashes(n, cbpq::blocking_key::phone | cbpq::blocking_key::email, secret_a, ha2,
                          scratch);
    CHECK(ha2.size() == 2);
    // The secret from a draw key.
    const cbpq::draw_key k(cbpq::seed{}, "dedup-index");
    CHECK(cbpq::index_secret_from(k) == k.bytes());
}

TEST_CASE("duplicates: memory_identity_index blocks of one, two, many and the cap") {
    // A block of one keeps its ordinal in its slot; the second ordinal moves it to the posting
    // chain. Candidates must come back the same at every size, and the cap must hold.
    for (const std::size_t cap : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
        cbpq::memory_identity_index idx(secret_a, cap);
        cbpq::normalized_registration r;
        r.id = "x";
        for (std::uint32_t i = 0; i < 8; ++i) {
            CHECK(idx.append(r) == i);
        }
        std::vector<std::uint32_t> out;
        idx.candidates(42, out);
        CHECK(out.empty());
        std::vector<std::uint32_t> filed;
        for (std::uint32_t i = 0; i < 8; ++i) {
            const bool ok = idx.link(42, i);
            CHECK(ok == (i < cap));
            if (ok) {
                filed.push_back(i);
            }
            out.clear();
            idx.candidates(42, out);
            std::sort(out.begin(), out.end());
            CHECK(out == filed);
            // Another key, filed once, is untouched by the first one's growth.
            if (i == 0) {
                CHECK(idx.link(7, 5));
            }
            out.clear();
            idx.candidates(7, out);
            CHECK(out == std::vector<std::uint32_t>{5});
        }
        CHECK(idx.blocks() == 2);
        CHECK(idx.saturated_blocks() == (cap == 1 ? 2U : 1U));
        // Key 0 and key 1 share a slot (0 marks empty slots).
        CHECK(idx.link(0, 3));
        out.clear();
        idx.candidates(1, out);
        CHECK(out == std::vector<std::uint32_t>{3});
    }
}

TEST_CASE("duplicates: an oversized block stops growing and keeps its earliest members") {
    cbpq::memory_identity_index idx(secret_a, 4);
    cbpq::deduplicator d(cbpq::default_rules(), {}, std::move(idx));
    // Ten different people who all give one shelter phone.
    const char* names[] = {"Ana",   "Rosa",   "Carmen",   "Daniela", "Karla",
                           "Sofía", "Isabel", "Patricia", "Andrea",  "Gabriela"};
    std::vector<person_record> people;
    for (int i = 0; i < 10; ++i) {
        person_record p;
        p.id = std::to_string(i + 1);
        p.registered = i + 1;
        p.given = names[i];
        p.surname = i % 2 ? "Torres Rivera" : "Flores Cruz";
        p.birth = "19" + std::to_string(70 + i) + "-05-0" + std::to_string(1 + i % 9);
        p.phone = "+52 1 664 123 4567";
        p.sex = "F";
        people.push_back(p);
        const auto r = d.add(p);
        CHECK(r.result.decision == cbpq::dedup_decision::keep);
        CHECK(r.candidates <= 4);
    }
    CHECK(d.index().saturated_blocks() == 1);
    // A duplicate of person 2 (inside the block's first four) is found through the phone block;
    // a duplicate of person 9 (outside it) through its birth+surname block instead.
    auto dup2 = people[1];
    dup2.id = "dup2";
    dup2.registered = 50;
    const auto r2 = d.add(dup2);
    CHECK(r2.result.decision == cbpq::dedup_decision::cancel);
    CHECK(r2.result.cluster == 1);
    auto dup9 = people[8];
    dup9.id = "dup9";
    dup9.registered = 60;
    const auto r9 = d.add(dup9);
    CHECK(r9.result.decision == cbpq::dedup_decision::cancel);
    CHECK(r9.result.cluster == 8);
    // With only the phone key, person 9's duplicate is out of reach: the documented price of
    // the cap.
    cbpq::dedup_options only_phone;
    only_phone.keys = cbpq::blocking_key::phone;
    cbpq::deduplicator p(cbpq::default_rules(), only_phone,
                         cbpq::memory_identity_index(secret_a, 4));
    for (const auto& x : people) {
        (void)p.add(x);
    }
    CHECK(p.add(dup9).result.decision == cbpq::dedup_decision::keep);
    CHECK(p.add(dup2).result.decision == cbpq::dedup_decision::cancel);
    CHECK_THROWS_AS(cbpq::memory_identity_index(secret_a, 0), cbpq::invalid_input);
}

// memory_identity_index keeps blocks of two or more in chunks of seven ordinals: blocks of
// every size around the chunk boundaries must give back exactly the ordinals filed, the
// first cap() of them when the block is full.
TEST_CASE("duplicates: the memory index returns every block member across chunk boundaries") {
    for (const std::size_t cap : {std::size_t{64}, std::size_t{7}, std::size_t{15}}) {
        CAPTURE(cap);
        cbpq::memory_identity_index idx(secret_a, cap);
        const auto r = norm(base_person("1", 1));
        // Blocks of 1 to 30 members, filed interleaved (ordinal o goes to every block k >= the
        // number of members it already has).
        std::vector<std::vector<std::uint32_t>> want(31);
        for (std::uint32_t o = 0; o < 30; ++o) {
            const std::uint32_t ord = idx.append(r);
            CHECK(ord == o);
            for (std::uint64_t k = o + 1; k <= 30; ++k) {
                const bool filed = idx.link(1000 + k, ord);
                CHECK(filed == (want[k].size() < cap));
                if (filed) {
                    want[k].push_back(ord);
                }
            }
        }
        for (std::uint64_t k = 1; k <= 30; ++k) {
            CAPTURE(k);
            std::vector<std::uint32_t> got;
            idx.candidates(1000 + k, got);
            std::sort(got.begin(), got.end());
            CHECK(got == want[k]);
            CHECK(got.size() == std::min<std::size_t>(k, cap));
        }
        std::vector<std::uint32_t> none;
        idx.candidates(5000, none);
        CHECK(none.empty());
    }
}

namespace {

// The least an index must offer (identity_index): a std::map of blocks and a vector of owned
// records. Proves the engine asks for nothing more than the concept.
class archetype_index {
public:
    archetype_index() = default;
    [[nodiscard]] std::size_t size() const { return records_.size(); }
    std::uint32_t append(const cbpq::normalized_registration& r) {
        records_.push_back(r);
        return static_cast<std::uint32_t>(records_.size() - 1);
    }
    [[nodiscard]] cbpq::identity_view record(std::uint32_t i) const {
        return cbpq::view_of(records_[i]);
    }
    bool link(std::uint64_t key, std::uint32_t ord) {
        auto& b = blocks_[key];
        if (b.size() >= cap()) {
            return false;
        }
        b.push_back(ord);
        return true;
    }
    void candidates(std::uint64_t key, std::vector<std::uint32_t>& out) const {
        const auto it = blocks_.find(key);
        if (it != blocks_.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
        }
    }
    [[nodiscard]] std::size_t cap() const { return 64; }
    [[nodiscard]] cbpq::index_secret secret() const { return secret_b; }

private:
    std::vector<cbpq::normalized_registration> records_;
    std::map<std::uint64_t, std::vector<std::uint32_t>> blocks_;
};

static_assert(cbpq::identity_index<archetype_index>);
static_assert(cbpq::identity_index<cbpq::memory_identity_index>);

template <class Index>
Index make_index() {
    if constexpr (std::is_same_v<Index, cbpq::memory_identity_index>) {
        return cbpq::memory_identity_index(secret_a);
    } else {
        return Index();
    }
}

} // namespace

TEST_CASE_TEMPLATE("duplicates: every index gives the same answer", Index,
                   cbpq::memory_identity_index, archetype_index) {
    const auto rows = generated(1500, 5, 0.1);
    cbpq::basic_deduplicator<Index> d(cbpq::default_rules(), {}, make_index<Index>());
    const auto got = d.add_all(rows, gen_view);
    cbpq::deduplicator ref(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_b));
    const auto want = ref.add_all(rows, gen_view);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].decision == want[i].decision);
        CHECK(got[i].cluster == want[i].cluster);
    }
    // add_each too (an index without the read-ahead hints takes the plain loop).
    cbpq::basic_deduplicator<Index> each(cbpq::default_rules(), {}, make_index<Index>());
    std::vector<cbpq::dedup_decision> decisions;
    each.add_each(
        rows, [&](const cbpq::add_result& g) { decisions.push_back(g.result.decision); }, gen_view);
    REQUIRE(decisions.size() == rows.size());
    cbpq::deduplicator loop(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_b));
    std::size_t differ = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        differ += loop.add(gen_view(rows[i])).result.decision != decisions[i];
    }
    CHECK(differ == 0);
    const auto again = each.resolve();
    for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(again[i].decision == want[i].decision);
        CHECK(again[i].cluster == want[i].cluster);
    }
}

TEST_CASE("duplicates: add_all refuses a bad range whole") {
    std::vector<person_record> rs = {base_person("1", 1), base_person("2", 2), base_person("3", 3)};
    rs[2].birth = "not a date";
    cbpq::deduplicator d(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    CHECK_THROWS_AS((void)d.add_all(rs), cbpq::invalid_input);
    CHECK(d.size() == 0);
    rs[2].birth = "1990-03-14";
    const auto r = d.add_all(rs);
    CHECK(r.size() == 3);
    CHECK(r[1].decision == cbpq::dedup_decision::cancel);

    // On an engine that already holds registrations: the records stored before the bad one
    // are taken back, and the engine answers as if the bad range had never been offered.
    const auto rows = generated(500, 14, 0.1);
    const std::vector<gen::registration> first(rows.begin(), rows.begin() + 250);
    std::vector<gen::registration> second(rows.begin() + 250, rows.end());
    cbpq::deduplicator e(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    (void)e.add_all(first, gen_view);
    auto bad = second;
    bad[200].given = "\xff";
    CHECK_THROWS_AS((void)e.add_all(bad, gen_view), cbpq::invalid_input);
    CHECK(e.size() == 250);
    CHECK(e.index().size() == 250);
    cbpq::deduplicator ref(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    check_same_results(e.add_all(second, gen_view), ref.add_all(rows, gen_view));
}

// The quality targets of the issue, measured on the project's generator (20,000
// registrations, 5% duplicates, fixed seed): pairwise precision of automatic cancellations at
// least 0.995, recall of cancel + review at least 0.98. Thresholds are the issue's, not tuned.
TEST_CASE("duplicates: quality on generated registrations") {
    const auto rows = generated(20000, 2024);
    cbpq::deduplicator d(cbpq::default_rules(), {}, cbpq::memory_identity_index(secret_a));
    const auto res = d.add_all(rows, gen_view);
    auto pairs = [](double n) { return n * (n - 1) / 2; };
    std::unordered_map<std::uint64_t, double> truth;
    std::unordered_map<std::uint64_t, double> cluster;
    std::map<std::pair<std::uint64_t, std::uint64_t>, double> both;
    // Reach: clusters joined by review links.
    cbpq::detail::union_find reach;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        (void)reach.add();
    }
    for (const auto& r : res) {
        reach.unite(r.ordinal, r.cluster);
        if (r.decision == cbpq::dedup_decision::review) {
            reach.unite(r.ordinal, r.other);
        }
    }
    std::unordered_map<std::uint64_t, double> reach_n;
    std::map<std::pair<std::uint64_t, std::uint64_t>, double> reach_both;
    for (const auto& r : res) {
        const auto person = rows[r.ordinal].person;
        truth[person] += 1;
        cluster[r.cluster] += 1;
        both[{r.cluster, person}] += 1;
        reach_both[{reach.find(r.ordinal), person}] += 1;
    }
    double true_pairs = 0, auto_pairs = 0, auto_tp = 0, reach_tp = 0;
    for (const auto& [k, n] : truth) {
        true_pairs += pairs(n);
    }
    for (const auto& [k, n] : cluster) {
        auto_pairs += pairs(n);
    }
    for (const auto& [k, n] : both) {
        auto_tp += pairs(n);
    }
    for (const auto& [k, n] : reach_both) {
        reach_tp += pairs(n);
    }
    REQUIRE(true_pairs > 500);
    MESSAGE("precision " << auto_tp / auto_pairs << ", automatic recall " << auto_tp / true_pairs
                         << ", cancel+review recall " << reach_tp / true_pairs);
    CHECK(auto_tp / auto_pairs >= 0.995);
    CHECK(reach_tp / true_pairs >= 0.98);
}

// The generator's set of taken e-mail addresses must answer exactly as a std::set of the
// joined strings does, across its growth, whatever the split into three parts.
TEST_CASE("duplicates: the generator's text set is an exact set") {
    cbpq::detail::idgen::text_set set;
    std::set<std::string> ref;
    cbpq::keyed_stream rng(0x74657874ULL, 0x736574ULL, 3);
    std::size_t differ = 0;
    for (int i = 0; i < 60000; ++i) {
        // Short strings over a small alphabet, so that many repeat; sometimes empty, sometimes
        // with bytes above 0x7f.
        std::string t(rng.below(7), 'a');
        for (auto& c : t) {
            c = static_cast<char>(rng.below(4) == 0 ? 0xc3 : 'a' + static_cast<int>(rng.below(5)));
        }
        const std::size_t cut1 = rng.below(t.size() + 1);
        const std::size_t cut2 = cut1 + rng.below(t.size() - cut1 + 1);
        const std::string_view v(t);
        const bool got = set.insert(v.substr(0, cut1), v.substr(cut1, cut2 - cut1), v.substr(cut2));
        differ += got != ref.insert(t).second;
    }
    CHECK(differ == 0);
    CHECK(set.size() == ref.size());
    CHECK(ref.size() > 5000); // the table grew several times
    set.clear();
    CHECK(set.size() == 0);
    CHECK(set.insert("x", "@", "y"));
    CHECK_FALSE(set.insert("x@", "", "y"));
    CHECK_THROWS_AS(set.insert(std::string(70000, 'a'), "@", "b"), std::length_error);
    CHECK(set.size() == 1);
}

TEST_CASE("duplicates: the generator reproduces from its seed") {
    const auto a = generated(300, 9);
    const auto b = generated(300, 9);
    const auto c = generated(300, 10);
    REQUIRE(a.size() == 300);
    bool same = true, differ = false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        same = same && a[i].given == b[i].given && a[i].phone == b[i].phone &&
               a[i].person == b[i].person && a[i].registered == b[i].registered;
        differ = differ || a[i].given != c[i].given;
    }
    CHECK(same);
    CHECK(differ);
    std::map<std::uint64_t, int> per_person;
    for (const auto& r : a) {
        ++per_person[r.person];
    }
    CHECK(per_person.size() == 300 - 15); // 5% of 300 are duplicates
    // A rate that rounds count * rate up to count still leaves one person to copy.
    const std::pair<std::size_t, double> near_one[] = {{1, 0.5}, {10, 0.95}, {1000, 0.9999}};
    for (const auto& [count, rate] : near_one) {
        const std::size_t n = count; // a copy: Clang 14 cannot capture a structured binding
        CAPTURE(n);
        gen::options o;
        o.count = n;
        o.dup_rate = rate;
        o.seed = 3;
        const auto regs = gen::generate(o);
        CHECK(regs.size() == n);
        std::set<std::uint64_t> people;
        for (const auto& r : regs) {
            people.insert(r.person);
        }
        CHECK(people.size() == 1);
    }
}

// The engine's allocation-free paths must agree with identity.hpp: fold() on ASCII and the word
// grouping of parse_name().
TEST_CASE("duplicates: fast folding and name grouping agree with identity.hpp") {
    std::vector<std::string> texts = {"O'Brien",
                                      "Pérez-García",
                                      "  de la  Cruz ",
                                      "a--b__c",
                                      "López de García",
                                      "Pérez y García",
                                      "Y",
                                      "de",
                                      "María de los Ángeles",
                                      "Juan Y. Pérez",
                                      "e",
                                      "DE LA",
                                      "Garcia e Silva",
                                      "x`y",
                                      "Jean-Baptiste",
                                      "da Silva dos Santos",
                                      "Ana de",
                                      "de García",
                                      "López de la Torre de Pérez",
                                      "López Vda. de García",
                                      "López viuda de García",
                                      "Vda. de García",
                                      "López y Vda. de García",
                                      "López de Vda. de García"};
    for (const auto& r : generated(3000, 3)) {
        for (const std::string* f :
             {&r.given, &r.surname, &r.phone, &r.email, &r.address, &r.document}) {
            texts.push_back(*f);
        }
    }
    // Every printable ASCII character between two letters.
    for (char c = 32; c < 127; ++c) {
        texts.push_back(std::string("a") + c + "B");
    }
    std::string fast;
    for (const auto& t : texts) {
        cbpq::detail::dedup::fold_text(t, fast, "r", "f");
        CHECK(fast == cbpq::fold(t));
        const auto parts = cbpq::parse_name(t, t);
        cbpq::detail::dedup::parsed_name mine;
        const auto folded = cbpq::fold(t);
        cbpq::detail::dedup::parse_person_name(folded, folded, {}, false, mine);
        std::string given, s1, s2;
        for (const auto& w : parts.given) {
            given += (given.empty() ? "" : " ") + w;
        }
        for (std::size_t i = 0; i < parts.surnames.size(); ++i) {
            std::string& s = i == 0 ? s1 : s2;
            s += (s.empty() ? "" : " ") + parts.surnames[i];
        }
        CHECK_MESSAGE(mine.given == given, t);
        CHECK_MESSAGE(mine.surname1 == s1, t);
        CHECK_MESSAGE(mine.surname2 == s2, t);
    }
}
