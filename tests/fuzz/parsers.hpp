// SPDX-License-Identifier: BSL-1.0
// One fuzz target over every parser of untrusted text in cbpq. The first byte chooses the
// parser; the rest is its input. A parser may refuse input only with a cbpq::error (which
// names the record and field); any other exception, a crash or a sanitizer report is a bug.
// Where a parser has a writer, what it accepts must survive a write and a re-read unchanged.
// Used by tests/fuzz_test.cpp (the seeds and deterministic mutants of them, in every CI lane)
// and by tests/fuzz/libfuzzer.cpp (coverage-guided, Clang, CBPQ_BUILD_FUZZERS=ON).
#ifndef CBPQ_TESTS_FUZZ_PARSERS_HPP
#define CBPQ_TESTS_FUZZ_PARSERS_HPP
#include <cbpq/audit.hpp>
#include <cbpq/capacity.hpp>
#include <cbpq/csv.hpp>
#include <cbpq/duplicates.hpp>
#include <cbpq/identity.hpp>
#include <cbpq/random.hpp>
#include <cbpq/rfc3797.hpp>
#include <cbpq/similarity.hpp>
#include <cbpq/simulate.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cbpq_fuzz {

// A broken property: not a cbpq::error, so it escapes run_one.
struct property_failure : std::logic_error {
    using std::logic_error::logic_error;
};

inline void require(bool ok, const char* what) {
    if (!ok) {
        throw property_failure(what);
    }
}

// parse_csv_views holds what parse_csv does, and refuses what it refuses with the same message,
// with and without a header and trimming (the options come from the text's length).
inline void csv_views_agree(std::string_view text) {
    cbpq::csv_options opt;
    opt.header = text.size() % 3 != 0;
    opt.trim_spaces = text.size() % 2 == 0;
    std::optional<cbpq::csv_table> t;
    std::string refused;
    try {
        t = cbpq::parse_csv(text, "fuzz", opt);
    } catch (const cbpq::parse_error& e) {
        refused = e.what();
    }
    try {
        const cbpq::csv_view_table v = cbpq::parse_csv_views(std::string(text), "fuzz", opt);
        require(t.has_value(), "csv views accept only what the table accepts");
        require(
            std::equal(v.header().begin(), v.header().end(), t->header.begin(), t->header.end()),
            "csv views hold the header");
        require(v.size() == t->rows.size(), "csv views hold every record");
        for (std::size_t i = 0; i < v.size(); ++i) {
            const cbpq::csv_row& r = t->rows[i];
            require(v.line(i) == r.line && v.width() == r.fields.size(),
                    "csv views hold each record's line and width");
            for (std::size_t c = 0; c < v.width(); ++c) {
                require(v.field(i, c) == r.fields[c], "csv views hold every field");
            }
        }
    } catch (const cbpq::parse_error& e) {
        require(!t.has_value() && refused == e.what(),
                "csv views refuse what the table refuses, with the same message");
    }
}

inline void csv_round_trip(std::string_view text) {
    csv_views_agree(text);
    const cbpq::csv_table t = cbpq::parse_csv(text, "fuzz");
    std::string out;
    cbpq::csv_append_row(out, t.header);
    for (const auto& r : t.rows) {
        cbpq::csv_append_row(out, r.fields);
    }
    const cbpq::csv_table u = cbpq::parse_csv(out, "fuzz-rewritten");
    require(u.header == t.header, "csv header survives a rewrite");
    require(u.rows.size() == t.rows.size(), "csv row count survives a rewrite");
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        require(u.rows[i].fields == t.rows[i].fields, "csv fields survive a rewrite");
    }
}

inline void receipt_round_trip(std::string_view text) {
    const cbpq::receipt r = cbpq::receipt_from_json(text, "fuzz");
    const cbpq::receipt s = cbpq::receipt_from_json(cbpq::receipt_to_json(r), "fuzz-rewritten");
    require(r == s, "a receipt survives a rewrite");
}

inline void identity_fields(std::string_view text) {
    const bool valid = cbpq::is_valid_utf8(text);
    try {
        const std::u32string cps = cbpq::decode_utf8(text);
        require(valid, "decode_utf8 accepts only what is_valid_utf8 accepts");
        require(cbpq::encode_utf8(cps) == text, "valid UTF-8 survives decode and encode");
    } catch (const cbpq::error&) {
        require(!valid, "decode_utf8 refuses only what is_valid_utf8 refuses");
    }
    const std::string folded = cbpq::fold(text, cbpq::utf8_errors::replace);
    require(cbpq::is_valid_utf8(folded), "fold gives valid UTF-8");
    require(cbpq::fold(folded) == folded, "fold is idempotent");
    (void)cbpq::phonetic_key(folded);
    (void)cbpq::name_key(cbpq::parse_full_name(folded));
    (void)cbpq::surname_variants(cbpq::parse_full_name(folded));
    (void)cbpq::normalize_phone(text, "MX");
    (void)cbpq::normalize_phone(text, "");
    (void)cbpq::normalize_email(text);
    (void)cbpq::normalize_document("passport", "MEX", text);
    (void)cbpq::normalize_device(text);
    (void)cbpq::parse_yyyymmdd(text);
    (void)cbpq::parse_yyyymmdd(text, "DD/MM/YYYY");
}

template <class Partial, class Read, class Write>
void partial_survives(std::string_view text, Read read, Write write) {
    const Partial p = read(text, "fuzz");
    const std::string json = write(p);
    const Partial q = read(json, "fuzz-rewritten");
    require(p == q, "a partial survives a rewrite");
    require(write(q) == json, "a partial's JSON is stable");
}

// The uniform, seniority, weighted or preferences partial form, chosen by the format the text
// names (any other text goes to the uniform reader, which refuses it).
template <class Id>
void partial_round_trip(std::string_view text) {
    if (text.find(cbpq::seniority_partial_format_version) != std::string_view::npos) {
        partial_survives<cbpq::seniority_partial<Id>>(
            text, cbpq::seniority_partial_from_json<Id>,
            [](const auto& p) { return cbpq::seniority_partial_to_json(p); });
    } else if (text.find(cbpq::weighted_partial_format_version) != std::string_view::npos) {
        partial_survives<cbpq::weighted_partial<Id>>(
            text, cbpq::weighted_partial_from_json<Id>,
            [](const auto& p) { return cbpq::weighted_partial_to_json(p); });
    } else if (text.find(cbpq::preferences_partial_format_version) != std::string_view::npos) {
        partial_survives<cbpq::preferences_partial<Id>>(
            text, cbpq::preferences_partial_from_json<Id>,
            [](const auto& p) { return cbpq::preferences_partial_to_json(p); });
    } else {
        partial_survives<cbpq::draw_partial<Id>>(
            text, cbpq::partial_from_json<Id>,
            [](const auto& p) { return cbpq::partial_to_json(p); });
    }
}

// The fast distances against their plain dynamic programmes, and the cutoffs against the full
// scores: the text is two strings split at the first newline (bytes; code points when valid).
template <class View>
void similarity_agrees(View a, View b, std::size_t k) {
    const std::size_t lev = cbpq::levenshtein(a, b);
    require(lev == cbpq::levenshtein_plain(a, b), "levenshtein equals the plain programme");
    require(cbpq::levenshtein(a, b, k) == std::min(lev, k + 1), "levenshtein cutoff");
    require(lev == cbpq::levenshtein(b, a), "levenshtein is symmetric");
    const std::size_t osa = cbpq::osa_distance(a, b);
    require(osa == cbpq::osa_distance_plain(a, b), "osa equals the plain programme");
    require(cbpq::osa_distance(a, b, k) == std::min(osa, k + 1), "osa cutoff");
    const std::size_t dl = cbpq::damerau_levenshtein(a, b);
    require(dl <= osa && osa <= lev, "damerau <= osa <= levenshtein");
    require(cbpq::damerau_levenshtein(a, b, k) == std::min(dl, k + 1), "damerau cutoff");
    const double j = cbpq::jaro(a, b);
    require(j >= 0.0 && j <= 1.0, "jaro in [0, 1]");
    const double cut = static_cast<double>(k % 11) / 10.0;
    require(cbpq::jaro_at_least(a, b, cut) == (j >= cut ? j : 0.0), "jaro cutoff");
    const double jw = cbpq::jaro_winkler(a, b);
    require(jw >= j && jw <= 1.0, "jaro-winkler in [jaro, 1]");
    require(cbpq::jaro_winkler_at_least(a, b, cut) == (jw >= cut ? jw : 0.0),
            "jaro-winkler cutoff");
}

inline void similarity_fields(std::string_view text) {
    const std::size_t nl = text.find('\n');
    const std::string_view a = text.substr(0, nl);
    const std::string_view b =
        nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const std::size_t k = text.empty() ? 0 : static_cast<unsigned char>(text.back()) % 8;
    similarity_agrees(a, b, k);
    if (cbpq::is_valid_utf8(a) && cbpq::is_valid_utf8(b)) {
        const std::u32string ua = cbpq::decode_utf8(a);
        const std::u32string ub = cbpq::decode_utf8(b);
        similarity_agrees(std::u32string_view(ua), std::u32string_view(ub), k);
    }
}

// Runs one input: true when the parser accepted it (and its properties hold), false when it
// refused it with a cbpq::error; anything else escapes.
inline bool run_one(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return false;
    }
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 12) {
        case 0:
            csv_round_trip(text);
            break;
        case 1:
            receipt_round_trip(text);
            break;
        case 2:
            (void)cbpq::capacity_plan::parse(text, "fuzz");
            break;
        case 3:
            identity_fields(text);
            break;
        case 4:
            (void)cbpq::seed::from_public_values(text);
            break;
        case 5:
            (void)cbpq::sim::parse_scenario(text, "fuzz");
            break;
        case 6:
            (void)cbpq::rfc3797_select_from_sources(25, text, 3);
            break;
        case 7:
            (void)cbpq::parse_date(text);
            break;
        case 8:
            partial_round_trip<std::uint64_t>(text);
            break;
        case 9:
            partial_round_trip<std::string>(text);
            break;
        case 10:
            similarity_fields(text);
            break;
        default:
            (void)cbpq::sim::parse_policies(text);
            break;
        }
    } catch (const cbpq::error&) {
        return false; // refused with a cbpq error, which names the record and field: fine
    }
    return true;
}

} // namespace cbpq_fuzz

#endif
