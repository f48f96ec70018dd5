// The error hierarchy: one root, messages that name the record and the field.
#include <cbpq/error.hpp>

#include <doctest/doctest.h>

#include <string>

TEST_CASE("errors derive from cbpq::error and name record and field") {
    const cbpq::invalid_input e("entrant 42", "party", "must be at least 1");
    CHECK(std::string(e.what()) == "entrant 42, field 'party': must be at least 1");
    CHECK(e.record() == "entrant 42");
    CHECK(e.field() == "party");
    const cbpq::error& base = e;
    CHECK(std::string(base.what()).find("party") != std::string::npos);
    CHECK(std::string(cbpq::invalid_input("", "", "bare").what()) == "bare");
    CHECK(std::string(cbpq::invalid_input("", "seed", "bad").what()) == "field 'seed': bad");

    const cbpq::parse_error p("c.csv", 3, 7, "persons", "not a number");
    CHECK(std::string(p.what()) == "c.csv:3:7, field 'persons': not a number");
    CHECK(p.line() == 3);
    CHECK(p.column() == 7);
    CHECK(p.source() == "c.csv");
    CHECK_THROWS_AS(cbpq::detail::throw_parse_error("x", 1, 0, "", "m"), cbpq::invalid_input);
    CHECK_THROWS_AS(cbpq::detail::throw_verification_failure("m"), cbpq::error);
    CHECK_THROWS_AS(throw cbpq::storage_failure("disk"), cbpq::error);
}
