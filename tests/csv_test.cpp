// RFC 4180 reader and writer, including malformed input.
#include <cbpq/csv.hpp>

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

// The error parse_csv throws for `text`; parse_csv_views must throw the same.
cbpq::parse_error parse_failure(const std::string& text, const cbpq::csv_options& opt = {}) {
    std::string views_refused;
    try {
        (void)cbpq::parse_csv_views(text, "f.csv", opt);
    } catch (const cbpq::parse_error& e) {
        views_refused = e.what();
    }
    try {
        (void)cbpq::parse_csv(text, "f.csv", opt);
    } catch (const cbpq::parse_error& e) {
        CHECK(views_refused == e.what());
        return e;
    }
    FAIL("expected a parse_error for: " << text);
    return cbpq::parse_error("", 0, 0, "", "unreachable");
}

} // namespace

TEST_CASE("csv: header, rows, quotes, CRLF") {
    const auto t =
        cbpq::parse_csv("id,name\r\n1,\"Ana, \"\"la\"\" Ruiz\"\r\n2,\"two\nlines\"\n3,\n", "f.csv");
    REQUIRE(t.header == std::vector<std::string>{"id", "name"});
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[0].fields[1] == "Ana, \"la\" Ruiz");
    CHECK(t.rows[1].fields[1] == "two\nlines");
    CHECK(t.rows[1].line == 3);
    CHECK(t.rows[2].line == 5); // the quoted newline advanced the line count
    CHECK(t.rows[2].fields[1].empty());
    CHECK(t.find_column("name") == 1);
    CHECK_FALSE(t.find_column("nope").has_value());
}

TEST_CASE("csv: last line without newline, blank lines skipped, trimming") {
    auto t = cbpq::parse_csv("a,b\n\n1,2", "f");
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].line == 3);
    CHECK(t.rows[0].fields[1] == "2");
    cbpq::csv_options opt;
    opt.trim_spaces = true;
    t = cbpq::parse_csv("rec_id, given_name\nrec-1-org, ana \nrec-2,  \" b \" \n", "f", opt);
    CHECK(t.header[1] == "given_name");
    CHECK(t.rows[0].fields[1] == "ana");
    CHECK(t.rows[1].fields[1] == " b ");
    CHECK(t.rows[0].columns[1] == 12);
}

TEST_CASE("csv: malformed input names line and column") {
    auto e = parse_failure("a,b\n1,\"open\n2,3\n");
    CHECK(e.line() == 2);
    CHECK(e.column() == 3);
    CHECK(std::string(e.what()).find("never closed") != std::string::npos);
    CHECK(std::string(e.what()).find("f.csv:2:3") != std::string::npos);

    e = parse_failure("a,b\n1,x\"y\n");
    CHECK(e.line() == 2);
    CHECK(e.column() == 4);

    e = parse_failure("a,b\n1,\"x\"y\n");
    CHECK(e.column() == 6);

    // A short record points where its missing field would start; a long one at its first
    // extra field (on the line that field is on, after a quoted line break).
    e = parse_failure("a,b\n1,2\n3\n");
    CHECK(e.line() == 3);
    CHECK(e.column() == 2);
    CHECK(std::string(e.what()) ==
          "f.csv:3:2: record has 1 fields, expected 2 (field 2 is missing)");
    e = parse_failure("a,b\r\n1");
    CHECK(e.line() == 2);
    CHECK(e.column() == 2);
    e = parse_failure("a,b\n1,2,3\n");
    CHECK(e.line() == 2);
    CHECK(e.column() == 5);
    CHECK(std::string(e.what()).find("field 3 is extra") != std::string::npos);
    e = parse_failure("a,b\n1,2,\n");
    CHECK(e.column() == 5);
    e = parse_failure("a,b\n\"x\ny\",2,3\n");
    CHECK(e.line() == 3);
    CHECK(e.column() == 6);
    e = parse_failure("a,b,c\n1, 2\n", cbpq::csv_options{.trim_spaces = true});
    CHECK(e.column() == 5);

    e = parse_failure("a,a\n");
    CHECK(e.field() == "a");

    e = parse_failure("a,,c\n");
    CHECK(e.column() == 3);

    e = parse_failure("");
    CHECK(std::string(e.what()).find("no header") != std::string::npos);

    e = parse_failure("a\n1\r2\n");
    CHECK(e.line() == 2);

    e = parse_failure(std::string("a\nx\0y\n", 6));
    CHECK(e.column() == 2);
}

TEST_CASE("csv: require_column and fail point at the field") {
    const auto t = cbpq::parse_csv("id,port\n7,nogales\n", "e.csv");
    CHECK(t.require_column("port") == 1);
    CHECK_THROWS_WITH_AS((void)t.require_column("party"),
                         doctest::Contains("required column 'party'"), cbpq::parse_error);
    try {
        t.fail(0, 1, "unknown port");
        FAIL("fail() must throw");
    } catch (const cbpq::parse_error& e) {
        CHECK(e.line() == 2);
        CHECK(e.column() == 3);
        CHECK(e.field() == "port");
        CHECK(std::string(e.what()) == "e.csv:2:3, field 'port': unknown port");
    }
}

TEST_CASE("csv: fields after a quoted line break are placed on their own line") {
    // Record 1 starts on line 2; its third field is on line 4, column 7.
    const std::string text = "id,name,party\n1,\"Ana\nMaria\nRuiz\",x\n2,\"B\",3\n";
    const auto t = cbpq::parse_csv(text, "e.csv");
    const auto v = cbpq::parse_csv_views(text, "e.csv");
    CHECK(t.rows[0].line == 2);
    CHECK(t.rows[0].lines == std::vector<std::size_t>{2, 2, 4});
    CHECK(t.rows[1].lines == std::vector<std::size_t>{5, 5, 5});
    CHECK(v.line(0) == 2);
    CHECK(v.line(0, 0) == 2);
    CHECK(v.line(0, 1) == 2);
    CHECK(v.line(0, 2) == 4);
    CHECK(v.line(1, 2) == 5);
    const std::string want = "e.csv:4:7, field 'party': not a number";
    CHECK_THROWS_WITH_AS(t.fail(0, 2, "not a number"), want.c_str(), cbpq::parse_error);
    CHECK_THROWS_WITH_AS(v.fail(0, 2, "not a number"), want.c_str(), cbpq::parse_error);
    CHECK_THROWS_WITH_AS(v.fail(1, 1, "x"), "e.csv:5:3, field 'name': x", cbpq::parse_error);
    // A header across lines: its repeated name is reported where it is.
    const auto e = parse_failure("\"i\nd\",\"x\",\"x\"\n");
    CHECK(e.line() == 2);
    CHECK(e.column() == 8);
}

TEST_CASE("csv: a UTF-8 byte order mark at the start is skipped") {
    const std::string text = "\xEF\xBB\xBFid,port\n7,\"a\n";
    const auto t = cbpq::parse_csv("\xEF\xBB\xBFid,port\n7,a\n", "e.csv");
    CHECK(t.header == std::vector<std::string>{"id", "port"});
    CHECK(t.rows[0].columns == std::vector<std::size_t>{1, 3});
    const auto v = cbpq::parse_csv_views("\xEF\xBB\xBFid,port\n7,a\n", "e.csv");
    CHECK(v.header()[0] == "id");
    // Only at the start: elsewhere the bytes are data.
    const auto w = cbpq::parse_csv("id,port\n\xEF\xBB\xBF"
                                   "7,a\n",
                                   "e.csv");
    CHECK(w.rows[0].fields[0] == "\xEF\xBB\xBF"
                                 "7");
    const auto e = parse_failure(text);
    CHECK(e.line() == 2);
    CHECK(e.column() == 3);
}

TEST_CASE("csv: a missing column and an empty file are placed on the header line") {
    const auto t = cbpq::parse_csv("\n\nid,port\n7,a\n", "e.csv");
    const auto v = cbpq::parse_csv_views("\n\nid,port\n7,a\n", "e.csv");
    CHECK(t.header_line == 3);
    const std::string want = "e.csv:3:1, field 'party': required column 'party' is missing";
    CHECK_THROWS_WITH_AS((void)t.require_column("party"), want.c_str(), cbpq::parse_error);
    CHECK_THROWS_WITH_AS((void)v.require_column("party"), want.c_str(), cbpq::parse_error);
    const auto e = parse_failure("");
    CHECK(std::string(e.what()) == "f.csv:1:1: empty file: no header row");
}

TEST_CASE("csv: writer round-trips through the reader") {
    const std::vector<std::string> fields = {"plain",      "with,comma", "with \"quote\"",
                                             "two\nlines", " padded ",   ""};
    std::string text;
    cbpq::csv_append_row(text, std::vector<std::string>{"a", "b", "c", "d", "e", "f"});
    cbpq::csv_append_row(text, fields);
    CHECK(text.find("plain,\"with,comma\",\"with \"\"quote\"\"\"") != std::string::npos);
    const auto t = cbpq::parse_csv(text, "rt");
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].fields == fields);
}

TEST_CASE("csv views: the table's fields without a string each; views survive moves") {
    cbpq::csv_options opt;
    opt.trim_spaces = true;
    // Short enough for the string's inline buffer: the table must not view a moved-from one.
    cbpq::csv_view_table v = cbpq::parse_csv_views("a,b\n1, x \n", "s.csv", opt);
    cbpq::csv_view_table w = std::move(v);
    REQUIRE(w.size() == 1);
    CHECK(w.width() == 2);
    CHECK(w.field(0, 1) == "x");

    const std::string text =
        "id, name\r\n1,\"Ana, \"\"la\"\" Ruiz\"\r\n\n2,\"two\nlines\"\n3,  \" q \" \n";
    const cbpq::csv_table t = cbpq::parse_csv(text, "f.csv", opt);
    cbpq::csv_view_table u;
    u = cbpq::parse_csv_views(text, "f.csv", opt);
    REQUIRE(u.header() == std::vector<std::string_view>{"id", "name"});
    REQUIRE(u.size() == t.rows.size());
    for (std::size_t i = 0; i < u.size(); ++i) {
        CHECK(u.line(i) == t.rows[i].line);
        for (std::size_t c = 0; c < u.width(); ++c) {
            CHECK(u.field(i, c) == t.rows[i].fields[c]);
        }
    }
    CHECK(u.field(0, 1) == "Ana, \"la\" Ruiz"); // unescaped: a copy of its own
    CHECK(u.field(2, 1) == " q ");
    CHECK(u.find_column("name") == 1);
    CHECK_THROWS_WITH_AS((void)u.require_column("party"),
                         doctest::Contains("required column 'party'"), cbpq::parse_error);
    try {
        u.fail(2, 1, "bad name");
        FAIL("fail() must throw");
    } catch (const cbpq::parse_error& e) {
        CHECK(std::string(e.what()) == "f.csv:6:5, field 'name': bad name");
    }
    CHECK_THROWS_AS(u.fail(3, 0, "no such record"), std::out_of_range);

    opt.header = false;
    const cbpq::csv_view_table h = cbpq::parse_csv_views("1,2\n3,4\n", "n.csv", opt);
    CHECK(h.header().empty());
    CHECK(h.width() == 2);
    CHECK(h.size() == 2);
    CHECK(h.field(1, 0) == "3");
    CHECK(parse_failure("1,2\n3\n", opt).line() == 2);
}
