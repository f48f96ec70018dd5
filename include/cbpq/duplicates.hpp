// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DUPLICATES_HPP
#define CBPQ_DUPLICATES_HPP

/// \file
/// One person, one registration: duplicate rules, blocking, clustering and resolution.
///
/// Pipeline: each registration (the host's own record, read through registration_traits or a
/// projection) is normalised once into a compact form (normalized_registration); a blocking
/// index over several strict keys, hashed with a per-index secret (SipHash-2-4), finds the
/// candidates; a rule_set compares the new registration with each candidate; `same` edges are
/// merged with union-find, `possible` edges are kept for review; per cluster the earliest
/// registration (registration time, then id) is kept and the others are cancelled. Every
/// decision carries the rule, the score and the fields that matched. docs/duplicates.md has
/// the long form.

#include "detail/dedup_text.hpp"
#include "detail/large_pages.hpp"
#include "detail/union_find.hpp"
#include "error.hpp"
#include "random.hpp"

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE

// ------------------------------------------------------------------------------------------
// Fields
// ------------------------------------------------------------------------------------------

/// The fields of a registration, as named by cbpq-dedup's --map. Used as bits of a field_set.
enum class identity_field : std::uint32_t {
    id,
    registered,
    given,
    middle,
    surname,
    full_name,
    birth,
    sex,
    nationality,
    document,
    document_type,
    document_country,
    phone,
    phone_country,
    email,
    device,
    address,
    postcode,
    city,
};

/// Number of identity_field values.
inline constexpr std::size_t identity_field_count = 19;

/// The name of a field as cbpq-dedup spells it ("document_country"). noexcept.
[[nodiscard]] constexpr std::string_view to_string(identity_field f) noexcept {
    constexpr std::array<std::string_view, identity_field_count> names = {
        "id",    "registered",    "given",       "middle",   "surname",       "full_name",
        "birth", "sex",           "nationality", "document", "document_type", "document_country",
        "phone", "phone_country", "email",       "device",   "address",       "postcode",
        "city"};
    return names[static_cast<std::size_t>(f)];
}

/// The field named `name`, if any. O(fields).
[[nodiscard]] constexpr std::optional<identity_field>
identity_field_from_string(std::string_view name) noexcept {
    for (std::size_t i = 0; i < identity_field_count; ++i) {
        if (to_string(static_cast<identity_field>(i)) == name) {
            return static_cast<identity_field>(i);
        }
    }
    return std::nullopt;
}

/// A set of fields, one bit each: the fields a decision rests on.
class field_set {
public:
    constexpr field_set() noexcept = default;
    constexpr field_set(std::initializer_list<identity_field> fs) noexcept {
        for (const auto f : fs) {
            insert(f);
        }
    }
    constexpr void insert(identity_field f) noexcept {
        bits_ |= std::uint32_t{1} << static_cast<std::uint32_t>(f);
    }
    constexpr field_set& operator|=(field_set o) noexcept {
        bits_ |= o.bits_;
        return *this;
    }
    [[nodiscard]] constexpr bool contains(identity_field f) const noexcept {
        return (bits_ >> static_cast<std::uint32_t>(f)) & 1U;
    }
    [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
    [[nodiscard]] constexpr std::uint32_t bits() const noexcept { return bits_; }
    friend constexpr bool operator==(field_set, field_set) noexcept = default;

    /// The fields joined by '+', in declaration order ("birth+document+surname" reads
    /// "given+surname+birth" style: declaration order of identity_field). Allocates.
    [[nodiscard]] std::string to_string() const {
        std::string out;
        for (std::size_t i = 0; i < identity_field_count; ++i) {
            if (contains(static_cast<identity_field>(i))) {
                if (!out.empty()) {
                    out += '+';
                }
                out += cbpq::to_string(static_cast<identity_field>(i));
            }
        }
        return out;
    }

private:
    std::uint32_t bits_ = 0;
};

// ------------------------------------------------------------------------------------------
// Reading the host's records
// ------------------------------------------------------------------------------------------

/// What the engine reads from one registration: borrowed text, nothing owned. Empty means
/// missing. `birth` is a date as text (see parse_yyyymmdd) and `registered` any integer that orders
/// registrations in time (epoch seconds, a sequence number ...).
struct registration_view {
    std::string_view id;
    std::int64_t registered = 0;
    std::string_view given, middle, surname, full_name;
    std::string_view birth;
    std::string_view sex, nationality;
    std::string_view document, document_type, document_country;
    std::string_view phone, phone_country;
    std::string_view email, device;
    std::string_view address, postcode, city;
};

namespace detail {

template <class T>
std::string_view as_text(const T& v) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
        return std::string_view(v);
    } else {
        static_assert(std::is_convertible_v<const T&, std::string_view>,
                      "registration_traits: this member must be convertible to std::string_view "
                      "(specialise cbpq::registration_traits for your type)");
        return {};
    }
}

} // namespace detail

/// How the engine reads a host record type R. The primary template forwards to data members
/// with the field names (r.id, r.given, r.surname, r.birth, r.document, ...): members that do
/// not exist read as missing. Specialise it for types whose members are named otherwise, or
/// pass a projection returning registration_view to the algorithms. `id` must be text;
/// `registered` an integer. No copying: the view borrows from the record.
template <class R>
struct registration_traits {
    /// The view of `r`. O(1); does not allocate.
    static registration_view view(const R& r) {
        registration_view v;
#define CBPQ_DETAIL_FIELD(name)                                                                    \
    if constexpr (requires { r.name; }) {                                                          \
        v.name = detail::as_text(r.name);                                                          \
    }
        CBPQ_DETAIL_FIELD(id)
        CBPQ_DETAIL_FIELD(given)
        CBPQ_DETAIL_FIELD(middle)
        CBPQ_DETAIL_FIELD(surname)
        CBPQ_DETAIL_FIELD(full_name)
        CBPQ_DETAIL_FIELD(birth)
        CBPQ_DETAIL_FIELD(sex)
        CBPQ_DETAIL_FIELD(nationality)
        CBPQ_DETAIL_FIELD(document)
        CBPQ_DETAIL_FIELD(document_type)
        CBPQ_DETAIL_FIELD(document_country)
        CBPQ_DETAIL_FIELD(phone)
        CBPQ_DETAIL_FIELD(phone_country)
        CBPQ_DETAIL_FIELD(email)
        CBPQ_DETAIL_FIELD(device)
        CBPQ_DETAIL_FIELD(address)
        CBPQ_DETAIL_FIELD(postcode)
        CBPQ_DETAIL_FIELD(city)
#undef CBPQ_DETAIL_FIELD
        if constexpr (requires { r.registered; }) {
            v.registered = static_cast<std::int64_t>(r.registered);
        }
        return v;
    }
};

/// registration_view reads as itself.
template <>
struct registration_traits<registration_view> {
    static registration_view view(const registration_view& r) noexcept { return r; }
};

// ------------------------------------------------------------------------------------------
// Dates
// ------------------------------------------------------------------------------------------

/// A calendar date as the integer yyyymmdd (20230512); 0 means missing.
using yyyymmdd_date = std::int32_t;

namespace detail {

constexpr bool valid_civil(int y, int m, int d) noexcept {
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) {
        return false;
    }
    constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

// Parses `text` against `format` made of YYYY, MM, DD and literal characters.
constexpr std::optional<yyyymmdd_date> parse_date_with(std::string_view text,
                                                       std::string_view format) noexcept {
    int y = -1, m = -1, d = -1;
    std::size_t i = 0;
    std::size_t f = 0;
    auto digits = [&](std::size_t n, int& out) {
        if (i + n > text.size()) {
            return false;
        }
        int v = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const char c = text[i + k];
            if (c < '0' || c > '9') {
                return false;
            }
            v = v * 10 + (c - '0');
        }
        out = v;
        i += n;
        return true;
    };
    while (f < format.size()) {
        if (format.substr(f, 4) == "YYYY") {
            if (!digits(4, y)) {
                return std::nullopt;
            }
            f += 4;
        } else if (format.substr(f, 2) == "MM") {
            if (!digits(2, m)) {
                return std::nullopt;
            }
            f += 2;
        } else if (format.substr(f, 2) == "DD") {
            if (!digits(2, d)) {
                return std::nullopt;
            }
            f += 2;
        } else {
            if (i >= text.size() || text[i] != format[f]) {
                return std::nullopt;
            }
            ++i;
            ++f;
        }
    }
    if (i != text.size() || !valid_civil(y, m, d)) {
        return std::nullopt;
    }
    return y * 10000 + m * 100 + d;
}

} // namespace detail

/// Checks that `format` is made of YYYY, MM and DD (each exactly once) and literal characters
/// other than letters. noexcept.
[[nodiscard]] constexpr bool valid_date_format(std::string_view format) noexcept {
    int y = 0, m = 0, d = 0;
    for (std::size_t f = 0; f < format.size();) {
        if (format.substr(f, 4) == "YYYY") {
            ++y;
            f += 4;
        } else if (format.substr(f, 2) == "MM") {
            ++m;
            f += 2;
        } else if (format.substr(f, 2) == "DD") {
            ++d;
            f += 2;
        } else {
            const char c = format[f];
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                return false;
            }
            ++f;
        }
    }
    return y == 1 && m == 1 && d == 1;
}

/// Parses a date. With an empty `format`, accepts YYYY-MM-DD and YYYYMMDD; otherwise `format`
/// spells the layout with YYYY, MM, DD and literal separators ("DD/MM/YYYY"). Empty text (after
/// trimming spaces) is a missing date: returns 0. Returns nullopt on anything else (wrong
/// layout, impossible date such as 2023-02-30). O(|text|); noexcept.
[[nodiscard]] constexpr std::optional<yyyymmdd_date>
parse_yyyymmdd(std::string_view text, std::string_view format = {}) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    if (text.empty()) {
        return yyyymmdd_date{0};
    }
    if (!format.empty()) {
        return detail::parse_date_with(text, format);
    }
    if (auto d = detail::parse_date_with(text, "YYYY-MM-DD")) {
        return d;
    }
    return detail::parse_date_with(text, "YYYYMMDD");
}

// ------------------------------------------------------------------------------------------
// The normalised form
// ------------------------------------------------------------------------------------------

/// A registration normalised once (identity.hpp): folded names split into given names and up
/// to two surnames, E.164 phone, canonical e-mail and document number, birth as yyyymmdd. Owned
/// strings; reuse one object across calls to avoid allocation. The phonetic keys serve blocking
/// only and are not stored in the index.
struct normalized_registration {
    std::string id;
    std::int64_t registered = 0;
    yyyymmdd_date birth = 0;
    char sex = 0;         ///< 'f', 'm', 'x' or 0 when missing
    std::string given;    ///< folded given names, one space between tokens
    std::string surname1; ///< first (paternal) surname, folded; particles kept ("de la cruz")
    std::string surname2; ///< second (maternal) surname, or empty
    std::string document, document_country;
    std::string phone, email, device;
    std::string address, postcode;
    std::string key_given, key_surname1, key_surname2; ///< phonetic keys, blocking only
};

/// A stored registration as the comparisons see it: views into the index's storage.
struct identity_view {
    std::string_view id;
    std::int64_t registered = 0;
    yyyymmdd_date birth = 0;
    char sex = 0;
    std::string_view given, surname1, surname2;
    std::string_view document, document_country;
    std::string_view phone, email, device;
    std::string_view address, postcode;
};

/// The view of a normalised registration (borrows from it).
[[nodiscard]] inline identity_view view_of(const normalized_registration& r) noexcept {
    identity_view v;
    v.id = r.id;
    v.registered = r.registered;
    v.birth = r.birth;
    v.sex = r.sex;
    v.given = r.given;
    v.surname1 = r.surname1;
    v.surname2 = r.surname2;
    v.document = r.document;
    v.document_country = r.document_country;
    v.phone = r.phone;
    v.email = r.email;
    v.device = r.device;
    v.address = r.address;
    v.postcode = r.postcode;
    return v;
}

/// How registrations are normalised.
struct normalize_options {
    /// Layout of birth dates (see parse_yyyymmdd); empty: YYYY-MM-DD or YYYYMMDD.
    std::string date_format;
    /// What to do with a birth date that cannot be read (wrong layout, 1937-12-33): refuse the
    /// registration (invalid_input, the default) or treat the date as missing. Data sets that
    /// corrupt dates on purpose (FEBRL) need the second.
    bool unreadable_birth_is_missing = false;
};

namespace detail {

// Reads the first and last byte of every field of `r` now, before any is used: the host's
// text of a large batch is far beyond the caches, and a field read only when its turn comes
// waits for its miss alone. Independent loads issued back to back overlap their misses (the
// same reasoning as memory_identity_index's touch: real loads, which are never dropped the way
// prefetch hints were on the machine measured in docs/duplicates.md). Returns nothing and
// changes nothing; the volatile reads keep the loads.
inline void touch_fields(const registration_view& r) noexcept {
    for (const std::string_view* f :
         {&r.id, &r.given, &r.middle, &r.surname, &r.full_name, &r.birth, &r.sex, &r.nationality,
          &r.document, &r.document_type, &r.document_country, &r.phone, &r.phone_country, &r.email,
          &r.device, &r.address, &r.postcode, &r.city}) {
        if (!f->empty()) {
            const char first = *static_cast<const volatile char*>(f->data());
            const char last = *static_cast<const volatile char*>(f->data() + f->size() - 1);
            (void)first;
            (void)last;
        }
    }
}

} // namespace detail

namespace detail {
// Throws invalid_input (record `record`, the field's name) for the first text that is not
// UTF-8; validate_registration and normalize_registration share it.
inline void require_utf8(std::string_view record,
                         std::initializer_list<std::pair<std::string_view, const char*>> fields) {
    for (const auto& [text, name] : fields) {
        if (!is_valid_utf8(text)) {
            throw_invalid_input(std::string(record), name, "invalid UTF-8");
        }
    }
}
} // namespace detail

/// Checks what normalize_registration would refuse, without normalising: a non-empty id, a
/// readable birth date, valid UTF-8 in every text field. Throws invalid_input naming the id
/// and the field. O(total length); no allocation unless it throws.
inline void validate_registration(const registration_view& r,
                                  const normalize_options& options = {}) {
    detail::touch_fields(r);
    if (r.id.empty()) {
        detail::throw_invalid_input("registration", "id", "the registration id is empty");
    }
    if (!is_valid_utf8(r.id)) {
        detail::throw_invalid_input("registration", "id", "invalid UTF-8");
    }
    if (!parse_yyyymmdd(r.birth, options.date_format) && !options.unreadable_birth_is_missing) {
        detail::throw_invalid_input(
            std::string(r.id), "birth",
            "'" + std::string(r.birth.substr(0, 40)) + "' is not a date in the format " +
                (options.date_format.empty() ? std::string("YYYY-MM-DD or YYYYMMDD")
                                             : options.date_format));
    }
    detail::require_utf8(r.id, {{r.given, "given"},
                                {r.middle, "middle"},
                                {r.surname, "surname"},
                                {r.full_name, "full_name"},
                                {r.sex, "sex"},
                                {r.nationality, "nationality"},
                                {r.document, "document"},
                                {r.document_type, "document_type"},
                                {r.document_country, "document_country"},
                                {r.phone, "phone"},
                                {r.phone_country, "phone_country"},
                                {r.email, "email"},
                                {r.device, "device"},
                                {r.address, "address"},
                                {r.postcode, "postcode"},
                                {r.city, "city"}});
}

/// Normalises one registration into `out` (reused: its buffers keep their capacity).
/// Throws invalid_input naming the registration id and the field (as cbpq-dedup names it) on
/// invalid UTF-8, an unreadable birth date, or an empty id. O(total length of the fields);
/// basic guarantee (out may hold a partial result after a throw).
inline void normalize_registration(const registration_view& r, normalized_registration& out,
                                   const normalize_options& options = {}) {
    detail::touch_fields(r);
    if (r.id.empty()) {
        detail::throw_invalid_input("registration", "id", "the registration id is empty");
    }
    if (!is_valid_utf8(r.id)) { // not quoted in the message: it would carry the bad bytes
        detail::throw_invalid_input("registration", "id", "invalid UTF-8");
    }
    // The id names the record in errors; a string is made of it only when one is thrown.
    const std::string_view record = r.id;
    // Fields read below without being decoded as text (kept as given, reduced to digits, or
    // not read at all) are checked here, so that invalid UTF-8 is refused in every field, as
    // validate_registration refuses it.
    detail::require_utf8(record, {{r.document_type, "document_type"},
                                  {r.phone, "phone"},
                                  {r.device, "device"},
                                  {r.city, "city"},
                                  {r.full_name, "full_name"}});
    out.id.assign(r.id);
    out.registered = r.registered;
    auto birth = parse_yyyymmdd(r.birth, options.date_format);
    if (!birth && options.unreadable_birth_is_missing) {
        birth = yyyymmdd_date{0};
    }
    if (!birth) {
        detail::throw_invalid_input(
            std::string(record), "birth",
            "'" + std::string(r.birth.substr(0, 40)) + "' is not a date in the format " +
                (options.date_format.empty() ? std::string("YYYY-MM-DD or YYYYMMDD")
                                             : options.date_format));
    }
    out.birth = *birth;
    using namespace detail::dedup;
    try {
        std::string& tmp = out.key_surname2; // scratch until the keys are computed
        // fold_text() without its std::string record name.
        const auto fold_field = [record](std::string_view in, std::string& to,
                                         std::string_view field) {
            to.clear();
            detail::fold_append(in, to, utf8_errors::strict, record, field);
        };
        // Names: given (+ middle) and surname, or a full name split Hispanic style.
        fold_field(r.given, out.given, "given");
        if (!r.middle.empty()) {
            fold_field(r.middle, tmp, "middle");
            if (!tmp.empty()) {
                out.given += ' ';
                out.given += tmp;
            }
        }
        fold_field(r.surname, out.surname1, "surname");
        const bool use_full = out.given.empty() && out.surname1.empty();
        if (use_full) {
            fold_field(r.full_name, out.key_given, "full_name"); // checks the whole field
        }
        const std::size_t comma = use_full ? r.full_name.find(',') : std::string_view::npos;
        if (comma != std::string_view::npos) {
            // "SURNAMES, GIVEN NAMES" (parse_full_name's comma form; folding drops the comma,
            // so the two sides are folded apart and read as the two fields would be).
            fold_field(r.full_name.substr(comma + 1), out.given, "full_name");
            fold_field(r.full_name.substr(0, comma), out.surname1, "full_name");
            parse_person_name_in_place(out.given, out.surname1, out.surname2);
        } else if (use_full) {
            detail::dedup::parsed_name name;
            parse_person_name(out.given, out.surname1, out.key_given, use_full, name);
            out.given = std::move(name.given);
            out.surname1 = std::move(name.surname1);
            out.surname2 = std::move(name.surname2);
        } else {
            parse_person_name_in_place(out.given, out.surname1, out.surname2);
        }
        fold_field(r.sex, tmp, "sex");
        out.sex = normalize_sex(tmp);
        fold_field(r.nationality, tmp, "nationality");
        fold_field(r.phone_country, out.key_surname1, "phone_country");
        fold_field(r.document_country, out.key_given, "document_country");
        normalize_document_to(r.document, out.key_given, out.document, out.document_country);
        // The phone's region: phone_country, else nationality, else the document's country,
        // whichever is given first, in any form normalize_phone reads (alpha-2, alpha-3, a
        // calling code); the document's country in its normalised alpha-3 form.
        std::string_view region = out.key_surname1;
        if (region.empty()) {
            region = !tmp.empty() ? std::string_view(tmp) : std::string_view(out.document_country);
        }
        normalize_phone_into(r.phone, region, out.phone);
        if (!is_valid_utf8(r.email)) { // the record name is built only when thrown
            detail::throw_invalid_input(std::string(record), "email", "invalid UTF-8");
        }
        detail::normalize_email_to(r.email, out.email);
        normalize_device_into(r.device, out.device);
        fold_field(r.address, out.address, "address");
        fold_field(r.postcode, out.postcode, "postcode");
        // Phonetic keys last: key_given and key_surname* served as scratch above.
        std::size_t pos = 0;
        detail::phonetic_key_to(next_token(out.given, pos), out.key_given);
        detail::phonetic_key_to(out.surname1, out.key_surname1);
        detail::phonetic_key_to(out.surname2, out.key_surname2);
    } catch (const invalid_input& e) {
        if (!e.record().empty()) {
            throw;
        }
        // identity.hpp names the field but not the registration: add it.
        std::string message = e.what();
        const std::string prefix = "field '" + e.field() + "': ";
        if (message.rfind(prefix, 0) == 0) {
            message.erase(0, prefix.size());
        }
        detail::throw_invalid_input(std::string(record), e.field(), message);
    }
}

/// Normalises one registration into a new object. See the overload above.
[[nodiscard]] inline normalized_registration
normalize_registration(const registration_view& r, const normalize_options& options = {}) {
    normalized_registration out;
    normalize_registration(r, out, options);
    return out;
}

// ------------------------------------------------------------------------------------------
// Comparisons and rules
// ------------------------------------------------------------------------------------------

/// How two surname lists were found to agree.
enum class surname_alignment : std::uint8_t { none, straight, swapped, joined, dropped };

/// The outcome of comparing two surname lists: the best Jaro-Winkler score over the allowed
/// alignments and which alignment gave it.
struct surname_match {
    double score = 0;
    surname_alignment how = surname_alignment::none;
};

/// Compares surname lists (s1, s2) and (t1, t2), either second surname possibly empty:
/// straight (s1~t1, s2~t2), swapped (s1~t2, s2~t1), joined (a single word much longer than
/// either surname against the two written together: "GARCIALOPEZ" ~ "GARCIA LOPEZ"; hyphenated
/// names are already split), and dropped (a single surname against either of two). The score of a
/// pair alignment is the smaller of its two scores. O(total length^2) at worst; noexcept.
[[nodiscard]] inline surname_match compare_surnames(std::string_view s1, std::string_view s2,
                                                    std::string_view t1,
                                                    std::string_view t2) noexcept {
    using detail::dedup::similarity;
    surname_match best;
    if (s1.empty() && !s2.empty()) {
        std::swap(s1, s2);
    }
    if (t1.empty() && !t2.empty()) {
        std::swap(t1, t2);
    }
    if (s1.empty() || t1.empty()) {
        return best;
    }
    auto consider = [&](double score, surname_alignment how) {
        // Prefer alignments that keep both surnames when the scores tie.
        if (score > best.score || (score == best.score && best.how == surname_alignment::dropped)) {
            best = {score, how};
        }
    };
    if (!s2.empty() && !t2.empty()) {
        // No joined alignment here: hyphens and spaces already split both sides, and joining
        // "GARCIA LOPEZ" and "GARCIA PEREZ" would let the shared first surname hide the other.
        consider(std::min(similarity(s1, t1), similarity(s2, t2)), surname_alignment::straight);
        if (best.score < 1.0) {
            consider(std::min(similarity(s1, t2), similarity(s2, t1)), surname_alignment::swapped);
        }
        return best;
    }
    if (s2.empty() && t2.empty()) {
        consider(similarity(s1, t1), surname_alignment::straight);
        return best;
    }
    // One side has one surname, the other two.
    std::string_view one = s2.empty() ? s1 : t1;
    std::string_view a = s2.empty() ? t1 : s1;
    std::string_view b = s2.empty() ? t2 : s2;
    // A single word much longer than either surname may be the two written together
    // ("GARCIALOPEZ").
    if (one.size() > std::max(a.size(), b.size()) + 2) {
        consider(detail::dedup::joined_similarity(one, {}, a, b), surname_alignment::joined);
    }
    if (best.score < 1.0) {
        consider(std::max(similarity(one, a), similarity(one, b)), surname_alignment::dropped);
    }
    return best;
}

/// Compares given names token by token: 1 if equal (spaces ignored, so "maria jose" ==
/// "mariajose"); with the same number of tokens, the smallest Jaro-Winkler score of aligned
/// tokens; with different numbers of tokens, 0 (a dropped middle name is not a `same` match:
/// first_given_similarity covers it). nullopt if either is missing. noexcept.
[[nodiscard]] inline std::optional<double> given_similarity(std::string_view a,
                                                            std::string_view b) noexcept {
    if (a.empty() || b.empty()) {
        return std::nullopt;
    }
    if (a == b || detail::dedup::equal_ignoring_spaces(a, b)) {
        return 1.0;
    }
    double score = 1.0;
    std::size_t ia = 0, ib = 0;
    for (;;) {
        const std::string_view ta = detail::dedup::next_token(a, ia);
        const std::string_view tb = detail::dedup::next_token(b, ib);
        if (ta.empty() || tb.empty()) {
            return ta.empty() && tb.empty() ? score : 0.0;
        }
        score = std::min(score, detail::dedup::similarity(ta, tb));
    }
}

/// Jaro-Winkler of the first given-name tokens; nullopt if either is missing. noexcept.
[[nodiscard]] inline std::optional<double> first_given_similarity(std::string_view a,
                                                                  std::string_view b) noexcept {
    std::size_t ia = 0, ib = 0;
    const auto ta = detail::dedup::next_token(a, ia);
    const auto tb = detail::dedup::next_token(b, ib);
    if (ta.empty() || tb.empty()) {
        return std::nullopt;
    }
    return detail::dedup::similarity(ta, tb);
}

/// The strength of a rule: `same` links are merged and cancel automatically; `possible` links
/// are reported for review and never merged.
enum class match_strength : std::uint8_t { same, possible };

/// What one comparison found: its score in [0, 1] (1 for exact equality) and the fields it
/// rests on. A comparison that does not hold gives nullopt.
struct comparison_result {
    double score = 1.0;
    field_set fields;
};

/// The two registrations a rule compares, with the name comparisons computed once per pair.
class pair_context {
public:
    pair_context(const identity_view& a, const identity_view& b) noexcept : a_(a), b_(b) {}

    [[nodiscard]] const identity_view& first() const noexcept { return a_; }
    [[nodiscard]] const identity_view& second() const noexcept { return b_; }

    /// given_similarity(a.given, b.given), computed once.
    [[nodiscard]] std::optional<double> given() const noexcept {
        if (!given_done_) {
            given_ = given_similarity(a_.given, b_.given);
            given_done_ = true;
        }
        return given_;
    }

    /// compare_surnames over both, computed once.
    [[nodiscard]] const surname_match& surnames() const noexcept {
        if (!surnames_done_) {
            surnames_ = compare_surnames(a_.surname1, a_.surname2, b_.surname1, b_.surname2);
            surnames_done_ = true;
        }
        return surnames_;
    }

    /// The score of document numbers one edit apart (1 - 1/length of the longer), or nullopt
    /// when they are equal, too short (condition::min_typo_document_length) or further apart;
    /// computed once (the default rules ask twice for most pairs).
    [[nodiscard]] std::optional<double> document_typo() const {
        if (!typo_done_) {
            typo_ = document_typo_score(a_.document, b_.document);
            typo_done_ = true;
        }
        return typo_;
    }

private:
    static std::optional<double> document_typo_score(std::string_view x, std::string_view y);

    const identity_view& a_;
    const identity_view& b_;
    mutable std::optional<double> given_;
    mutable std::optional<double> typo_;
    mutable surname_match surnames_;
    mutable bool given_done_ = false;
    mutable bool surnames_done_ = false;
    mutable bool typo_done_ = false;
};

/// One comparison inside a rule: a small value type. Build them with the factory functions
/// below (same_document(), similar_given(0.92) ...) or condition::custom for anything else.
/// Copyable; evaluation is noexcept for the built-in kinds.
class condition {
public:
    /// The built-in comparisons.
    enum class kind : std::uint8_t {
        document_equal,
        document_typo,
        birth_equal,
        birth_differs,
        birth_close,
        given_similar,
        first_given_similar,
        given_dropped,
        two_surnames,
        surname_similar,
        surname_overlap,
        phone_equal,
        email_equal,
        device_equal,
        address_equal,
        postcode_equal,
        contact_equal,
        sex_compatible,
        document_country_compatible,
        custom,
    };

    /// A host-written comparison: `fn(a, b)` returns the score if it holds. `fields` names the
    /// fields it rests on (reported with decisions).
    using custom_function =
        std::function<std::optional<double>(const identity_view&, const identity_view&)>;

    explicit condition(kind k, double threshold = 1.0) noexcept : kind_(k), threshold_(threshold) {}

    /// A condition computed by host code.
    [[nodiscard]] static condition custom(std::string name, field_set fields, custom_function fn) {
        condition c(kind::custom);
        c.name_ = std::move(name);
        c.fields_ = fields;
        c.fn_ = std::move(fn);
        return c;
    }

    [[nodiscard]] kind which() const noexcept { return kind_; }
    [[nodiscard]] double threshold() const noexcept { return threshold_; }

    /// Evaluates the condition on a pair. O(name lengths^2) at worst.
    [[nodiscard]] std::optional<comparison_result> evaluate(const pair_context& p) const {
        const identity_view& a = p.first();
        const identity_view& b = p.second();
        using F = identity_field;
        auto exact = [](std::string_view x, std::string_view y, F f) {
            return !x.empty() && x == y ? std::optional<comparison_result>({1.0, {f}})
                                        : std::nullopt;
        };
        switch (kind_) {
        case kind::document_equal:
            if (a.document == b.document &&
                detail::dedup::code_point_count(a.document) >= min_document_length) {
                return comparison_result{1.0, {F::document}};
            }
            return std::nullopt;
        case kind::document_typo:
            if (const auto s = p.document_typo()) {
                return comparison_result{*s, {F::document}};
            }
            return std::nullopt;
        case kind::birth_equal:
            if (a.birth != 0 && a.birth == b.birth) {
                return comparison_result{1.0, {F::birth}};
            }
            return std::nullopt;
        case kind::birth_differs:
            if (a.birth != 0 && b.birth != 0 && a.birth != b.birth) {
                return comparison_result{1.0, {}};
            }
            return std::nullopt;
        case kind::birth_close:
            if (a.birth == 0 || b.birth == 0) {
                return comparison_result{1.0, {}};
            }
            if (a.birth == b.birth || birth_typo(a.birth, b.birth)) {
                return comparison_result{1.0, {F::birth}};
            }
            return std::nullopt;
        case kind::given_similar: {
            const auto s = p.given();
            if (s && *s >= threshold_) {
                return comparison_result{*s, {F::given}};
            }
            return std::nullopt;
        }
        case kind::first_given_similar: {
            const auto s = first_given_similarity(a.given, b.given);
            if (s && *s >= threshold_) {
                return comparison_result{*s, {F::given}};
            }
            return std::nullopt;
        }
        case kind::given_dropped: {
            // The shorter list of given names is the start of the longer one.
            std::string_view x = a.given, y = b.given;
            if (x.empty() || y.empty() || x == y) {
                return std::nullopt;
            }
            if (x.size() > y.size()) {
                std::swap(x, y);
            }
            if (y.substr(0, x.size()) == x && y.size() > x.size() && y[x.size()] == ' ') {
                return comparison_result{1.0, {F::given}};
            }
            return std::nullopt;
        }
        case kind::two_surnames:
            if (!a.surname2.empty() && !b.surname2.empty()) {
                return comparison_result{1.0, {}};
            }
            return std::nullopt;
        case kind::surname_similar:
        case kind::surname_overlap: {
            const surname_match& m = p.surnames();
            if (m.how == surname_alignment::none || m.score < threshold_ ||
                (kind_ == kind::surname_similar && m.how == surname_alignment::dropped)) {
                return std::nullopt;
            }
            return comparison_result{m.score, {F::surname}};
        }
        case kind::phone_equal:
            return exact(a.phone, b.phone, F::phone);
        case kind::email_equal:
            return exact(a.email, b.email, F::email);
        case kind::device_equal:
            return exact(a.device, b.device, F::device);
        case kind::address_equal:
            return exact(a.address, b.address, F::address);
        case kind::postcode_equal:
            return exact(a.postcode, b.postcode, F::postcode);
        case kind::contact_equal: {
            comparison_result r{1.0, {}};
            if (!a.phone.empty() && a.phone == b.phone) {
                r.fields.insert(F::phone);
            }
            if (!a.email.empty() && a.email == b.email) {
                r.fields.insert(F::email);
            }
            if (!a.device.empty() && a.device == b.device) {
                r.fields.insert(F::device);
            }
            return r.fields.empty() ? std::nullopt : std::optional<comparison_result>(r);
        }
        case kind::sex_compatible:
            if (a.sex == 0 || b.sex == 0) {
                return comparison_result{1.0, {}};
            }
            if (a.sex == b.sex) {
                return comparison_result{1.0, {F::sex}};
            }
            return std::nullopt;
        case kind::document_country_compatible:
            if (a.document_country.empty() || b.document_country.empty() ||
                a.document_country == b.document_country) {
                return comparison_result{1.0, {}};
            }
            return std::nullopt;
        case kind::custom: {
            const auto s = fn_(a, b);
            if (!s) {
                return std::nullopt;
            }
            return comparison_result{*s, fields_};
        }
        }
        return std::nullopt;
    }

    /// A short description for docs and logs ("given>=0.92").
    [[nodiscard]] std::string describe() const {
        auto t = [&](const char* what) {
            std::string s = what;
            s += ">=";
            const int pct = static_cast<int>(threshold_ * 100.0 + 0.5);
            s += std::to_string(pct / 100) + "." + (pct % 100 < 10 ? "0" : "") +
                 std::to_string(pct % 100);
            return s;
        };
        switch (kind_) {
        case kind::document_equal:
            return "document==";
        case kind::document_typo:
            return "document~1";
        case kind::birth_equal:
            return "birth==";
        case kind::birth_differs:
            return "birth!=";
        case kind::birth_close:
            return "birth~";
        case kind::given_similar:
            return t("given");
        case kind::first_given_similar:
            return t("first-given");
        case kind::given_dropped:
            return "given-names-dropped";
        case kind::two_surnames:
            return "two-surnames";
        case kind::surname_similar:
            return t("surnames");
        case kind::surname_overlap:
            return t("surname-overlap");
        case kind::phone_equal:
            return "phone==";
        case kind::email_equal:
            return "email==";
        case kind::device_equal:
            return "device==";
        case kind::address_equal:
            return "address==";
        case kind::postcode_equal:
            return "postcode==";
        case kind::contact_equal:
            return "phone|email|device==";
        case kind::sex_compatible:
            return "sex-compatible";
        case kind::document_country_compatible:
            return "document-country-compatible";
        case kind::custom:
            return name_;
        }
        return {};
    }

    /// Whether two dates (yyyymmdd) differ as a typist's slip: day and month swapped, one digit
    /// changed, or two adjacent digits transposed. noexcept.
    [[nodiscard]] static constexpr bool birth_typo(yyyymmdd_date x, yyyymmdd_date y) noexcept {
        if (x == y) {
            return false;
        }
        if (x / 10000 == y / 10000 && x / 100 % 100 == y % 100 && x % 100 == y / 100 % 100) {
            return true;
        }
        int dx[8], dy[8];
        for (int i = 7; i >= 0; --i) {
            dx[i] = x % 10;
            dy[i] = y % 10;
            x /= 10;
            y /= 10;
        }
        int diff = 0, first = -1;
        for (int i = 0; i < 8; ++i) {
            if (dx[i] != dy[i]) {
                if (first < 0) {
                    first = i;
                }
                ++diff;
            }
        }
        if (diff == 1) {
            return true;
        }
        return diff == 2 && first < 7 && dx[first] == dy[first + 1] && dx[first + 1] == dy[first] &&
               dx[first + 1] != dy[first + 1];
    }

    /// Shortest document number that document_equal accepts, in characters (code points):
    /// shorter numbers ("1", "123") are placeholders more often than documents.
    static constexpr std::size_t min_document_length = 5;
    /// Shortest document number on which one edit counts as a typo, in characters.
    static constexpr std::size_t min_typo_document_length = 6;

private:
    kind kind_;
    double threshold_;
    std::string name_;
    field_set fields_;
    custom_function fn_;
};

inline std::optional<double> pair_context::document_typo_score(std::string_view x,
                                                               std::string_view y) {
    if (x == y) {
        return std::nullopt;
    }
    const std::size_t nx = detail::dedup::code_point_count(x);
    const std::size_t ny = detail::dedup::code_point_count(y);
    if (nx < condition::min_typo_document_length || ny < condition::min_typo_document_length ||
        detail::dedup::edit_distance(x, y, 1) > 1) {
        return std::nullopt;
    }
    return 1.0 - 1.0 / static_cast<double>(std::max(nx, ny));
}

/// Same document number (at least condition::min_document_length characters after
/// normalisation).
[[nodiscard]] inline condition same_document() {
    return condition(condition::kind::document_equal);
}
/// Document numbers one edit apart (substitution, insertion, deletion or adjacent
/// transposition; optimal string alignment), both at least 6 characters, not equal.
[[nodiscard]] inline condition document_typo() { return condition(condition::kind::document_typo); }
/// Same birth date, both present.
[[nodiscard]] inline condition same_birth() { return condition(condition::kind::birth_equal); }
/// Both birth dates present and different.
[[nodiscard]] inline condition different_birth() {
    return condition(condition::kind::birth_differs);
}
/// Birth dates equal, one a typo of the other (condition::birth_typo), or either missing.
[[nodiscard]] inline condition close_birth() { return condition(condition::kind::birth_close); }
/// Given names agree token by token with Jaro-Winkler at least `t` (see given_similarity).
[[nodiscard]] inline condition similar_given(double t) {
    return condition(condition::kind::given_similar, t);
}
/// First given names agree with Jaro-Winkler at least `t`.
[[nodiscard]] inline condition similar_first_given(double t) {
    return condition(condition::kind::first_given_similar, t);
}
/// One side's given names are the other's first ones: a middle name left out ("MARIA" and
/// "MARIA JOSE").
[[nodiscard]] inline condition dropped_given() { return condition(condition::kind::given_dropped); }
/// Both sides have two surnames: a whole Hispanic name is far more distinctive than one
/// surname.
[[nodiscard]] inline condition two_surnames_each() {
    return condition(condition::kind::two_surnames);
}
/// Surnames agree at least `t` straight, swapped or joined; both lists keep all their surnames.
[[nodiscard]] inline condition similar_surnames(double t) {
    return condition(condition::kind::surname_similar, t);
}
/// Surnames agree at least `t`, also when one side dropped one of two surnames.
[[nodiscard]] inline condition overlapping_surnames(double t) {
    return condition(condition::kind::surname_overlap, t);
}
/// Same E.164 phone.
[[nodiscard]] inline condition same_phone() { return condition(condition::kind::phone_equal); }
/// Same canonical e-mail.
[[nodiscard]] inline condition same_email() { return condition(condition::kind::email_equal); }
/// Same device id.
[[nodiscard]] inline condition same_device() { return condition(condition::kind::device_equal); }
/// Same folded address.
[[nodiscard]] inline condition same_address() { return condition(condition::kind::address_equal); }
/// Same postcode.
[[nodiscard]] inline condition same_postcode() {
    return condition(condition::kind::postcode_equal);
}
/// Same phone, e-mail or device (any one; all that agree are reported).
[[nodiscard]] inline condition same_contact() { return condition(condition::kind::contact_equal); }
/// Sex equal or missing on either side.
[[nodiscard]] inline condition compatible_sex() {
    return condition(condition::kind::sex_compatible);
}
/// Document issuing countries equal or missing on either side.
[[nodiscard]] inline condition compatible_document_country() {
    return condition(condition::kind::document_country_compatible);
}

/// A named rule: every condition must hold. Its score is the smallest condition score; its
/// fields the union of the conditions' fields. Copyable value type.
struct rule {
    std::string name;
    match_strength strength = match_strength::possible;
    std::vector<condition> conditions;

    /// Evaluates the rule on a pair; nullopt unless every condition holds. Stops at the first
    /// condition that fails, so put cheap exact comparisons first.
    [[nodiscard]] std::optional<comparison_result> evaluate(const pair_context& p) const {
        comparison_result out{1.0, {}};
        for (const auto& c : conditions) {
            const auto r = c.evaluate(p);
            if (!r) {
                return std::nullopt;
            }
            out.score = std::min(out.score, r->score);
            out.fields |= r->fields;
        }
        return out;
    }

    /// "name: cond, cond, ... (same)".
    [[nodiscard]] std::string describe() const {
        std::string s = name + ": ";
        for (std::size_t i = 0; i < conditions.size(); ++i) {
            s += (i ? ", " : "") + conditions[i].describe();
        }
        s += strength == match_strength::same ? " (same)" : " (possible)";
        return s;
    }
};

/// What a rule set found for one pair.
struct match {
    std::uint16_t rule = 0; ///< index into the rule set
    match_strength strength = match_strength::possible;
    float score = 0;
    field_set fields;
};

/// An ordered list of rules. A pair is `same` if any `same` rule holds (the first in order is
/// reported), else `possible` if any `possible` rule holds. Copyable value type.
class rule_set {
public:
    rule_set() = default;
    /// Throws invalid_input (record = the rule's name) for an unnamed rule, a rule without
    /// conditions, a repeated name or more than 65535 rules.
    explicit rule_set(std::vector<rule> rules) : rules_(std::move(rules)) {
        if (rules_.size() > 0xffff) {
            detail::throw_invalid_input("rule set", "", "more than 65535 rules");
        }
        for (std::size_t i = 0; i < rules_.size(); ++i) {
            if (rules_[i].name.empty()) {
                detail::throw_invalid_input("rule " + std::to_string(i + 1), "name",
                                            "a rule needs a name");
            }
            if (rules_[i].conditions.empty()) {
                detail::throw_invalid_input(rules_[i].name, "conditions",
                                            "a rule needs at least one condition");
            }
            for (std::size_t j = 0; j < i; ++j) {
                if (rules_[j].name == rules_[i].name) {
                    detail::throw_invalid_input(rules_[i].name, "name", "rule name used twice");
                }
            }
        }
    }

    [[nodiscard]] const std::vector<rule>& rules() const noexcept { return rules_; }
    [[nodiscard]] const rule& operator[](std::size_t i) const { return rules_[i]; }
    [[nodiscard]] std::size_t size() const noexcept { return rules_.size(); }

    /// The strongest match between two registrations, if any. O(rules x comparison cost).
    [[nodiscard]] std::optional<match> evaluate(const identity_view& a,
                                                const identity_view& b) const {
        const pair_context p(a, b);
        for (const auto strength : {match_strength::same, match_strength::possible}) {
            for (std::size_t i = 0; i < rules_.size(); ++i) {
                if (rules_[i].strength != strength) {
                    continue;
                }
                if (const auto r = rules_[i].evaluate(p)) {
                    return match{static_cast<std::uint16_t>(i), strength,
                                 static_cast<float>(r->score), r->fields};
                }
            }
        }
        return std::nullopt;
    }

private:
    std::vector<rule> rules_;
};

/// The default rules (docs/duplicates.md explains why each `same` rule is safe). `same`:
/// - document+birth: same document, same birth date, compatible country, a surname in common;
/// - document+name: same document, compatible country, given names and surnames similar
///   (covers a mistyped birth date);
/// - document-typo+name+birth: document numbers one edit apart, same birth date, compatible
///   sex, given names and both surnames similar;
/// - name+birth+contact: given names equal, surnames equal (swapped, joined or one dropped
///   allowed), same birth date, compatible sex, same phone, e-mail or device;
/// - name+birth+address: given names equal, two surnames on each side, equal (swapped
///   allowed), same birth date, compatible sex, same address;
/// - fuzzy-name+birth+email: given names and surnames similar, same birth date, compatible
///   sex, same e-mail or device.
/// `possible` (review): name+birth, document alone, document-typo+name, name+contact with a
/// birth date that is a typo away or missing, given+birth+contact (surname changed), first
/// dropped-given+birth+surnames (a middle name left out).
[[nodiscard]] inline rule_set default_rules() {
    using S = match_strength;
    return rule_set({
        {"document+birth",
         S::same,
         {same_document(), same_birth(), compatible_document_country(),
          overlapping_surnames(0.80)}},
        {"document+name",
         S::same,
         {same_document(), compatible_document_country(), similar_given(0.90),
          overlapping_surnames(0.90)}},
        {"document-typo+name+birth",
         S::same,
         {same_birth(), document_typo(), compatible_sex(), compatible_document_country(),
          similar_given(0.92), similar_surnames(0.92)}},
        {"name+birth+contact",
         S::same,
         {same_birth(), same_contact(), compatible_sex(), similar_given(1.0),
          overlapping_surnames(1.0)}},
        {"name+birth+address",
         S::same,
         {same_birth(), same_address(), compatible_sex(), two_surnames_each(), similar_given(1.0),
          similar_surnames(1.0)}},
        {"fuzzy-name+birth+email",
         S::same,
         {same_birth(),
          condition::custom(
              "email|device==", {},
              [](const identity_view& a, const identity_view& b) -> std::optional<double> {
                  if ((!a.email.empty() && a.email == b.email) ||
                      (!a.device.empty() && a.device == b.device)) {
                      return 1.0;
                  }
                  return std::nullopt;
              }),
          same_contact(), compatible_sex(), similar_given(0.92), similar_surnames(0.92)}},
        {"name+birth",
         S::possible,
         {same_birth(), similar_given(0.88), overlapping_surnames(0.88)}},
        {"document", S::possible, {same_document()}},
        {"document-typo+name",
         S::possible,
         {document_typo(), similar_first_given(0.88), overlapping_surnames(0.88)}},
        {"name+contact+close-birth",
         S::possible,
         {same_contact(), close_birth(), similar_given(1.0), overlapping_surnames(1.0)}},
        {"given+birth+contact",
         S::possible,
         {same_birth(), same_contact(), compatible_sex(), similar_first_given(0.92)}},
        {"dropped-given+birth+surnames",
         S::possible,
         {same_birth(), dropped_given(), overlapping_surnames(0.92)}},
    });
}

/// Fewer automatic cancellations: only the two document rules are `same`; everything else the
/// default set finds goes to review.
[[nodiscard]] inline rule_set strict_rules() {
    auto rules = default_rules().rules();
    std::vector<rule> out;
    for (auto& r : rules) {
        if (r.strength == match_strength::same && r.name != "document+birth" &&
            r.name != "document+name") {
            r.strength = match_strength::possible;
        }
        if (r.name == "document+birth") {
            r.conditions.push_back(similar_first_given(0.85));
        }
        out.push_back(std::move(r));
    }
    return rule_set(std::move(out));
}

/// More automatic cancellations: the default set plus `same` for equal given names, both
/// surnames equal (swapped or joined allowed) and the same birth date, with nothing else
/// shared. Two different people with the same full name and birth date are then merged: use it
/// only where names carry two surnames and that risk was measured.
[[nodiscard]] inline rule_set lenient_rules() {
    auto rules = default_rules().rules();
    rules.insert(rules.begin() + 6, rule{"full-name+birth",
                                         match_strength::same,
                                         {same_birth(), compatible_sex(), two_surnames_each(),
                                          similar_given(1.0), similar_surnames(1.0)}});
    return rule_set(std::move(rules));
}

/// The rule set named "default", "strict" or "lenient"; nullopt otherwise.
[[nodiscard]] inline std::optional<rule_set> rules_named(std::string_view name) {
    if (name == "default") {
        return default_rules();
    }
    if (name == "strict") {
        return strict_rules();
    }
    if (name == "lenient") {
        return lenient_rules();
    }
    return std::nullopt;
}

// ------------------------------------------------------------------------------------------
// Blocking
// ------------------------------------------------------------------------------------------

/// The strict keys a registration is indexed under (a bit set). Two registrations are compared
/// only if they share at least one key. Every key needs its fields present.
enum class blocking_key : std::uint32_t {
    document = 1U << 0,      ///< document number
    phone = 1U << 1,         ///< E.164 phone
    email = 1U << 2,         ///< canonical e-mail
    device = 1U << 3,        ///< device id
    birth_surname = 1U << 4, ///< birth date + phonetic key of each surname (swap-proof)
    birth_given = 1U << 5,   ///< birth date + phonetic key of the first given name
    name_postcode = 1U << 6, ///< phonetic first given + each surname + postcode
};

/// Union of blocking keys.
[[nodiscard]] constexpr blocking_key operator|(blocking_key a, blocking_key b) noexcept {
    return static_cast<blocking_key>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}
/// Whether `set` holds `k`.
[[nodiscard]] constexpr bool has_key(blocking_key set, blocking_key k) noexcept {
    return (static_cast<std::uint32_t>(set) & static_cast<std::uint32_t>(k)) != 0;
}
/// Every blocking key.
inline constexpr blocking_key all_blocking_keys =
    blocking_key::document | blocking_key::phone | blocking_key::email | blocking_key::device |
    blocking_key::birth_surname | blocking_key::birth_given | blocking_key::name_postcode;

/// The 128-bit secret that keys the blocking hashes. Hash values never influence a decision;
/// the secret only keeps an attacker from crafting many different keys that land in one slot.
using index_secret = std::array<unsigned char, 16>;

/// A fresh secret from std::random_device. Outcomes never depend on it (see index_secret), so
/// it need not reproduce.
[[nodiscard]] inline index_secret random_index_secret() {
    std::random_device rd;
    index_secret s{};
    for (std::size_t i = 0; i < s.size(); i += 4) {
        const auto w = static_cast<std::uint32_t>(rd());
        for (std::size_t j = 0; j < 4; ++j) {
            s[i + j] = static_cast<unsigned char>(w >> (8 * j));
        }
    }
    return s;
}

/// A secret derived from a draw key (first 16 bytes), for hosts that manage their keys with
/// random.hpp.
[[nodiscard]] inline index_secret index_secret_from(const draw_key& key) noexcept {
    return key.bytes();
}

/// The keyed 64-bit hashes of a registration's blocking keys, without duplicates, appended to
/// `out` (cleared first). Each key is SipHash-2-4 under `secret` over a one-letter tag and the
/// key bytes. O(total key length); allocates only when `scratch` grows.
inline void blocking_hashes(const normalized_registration& r, blocking_key keys,
                            const index_secret& secret, std::vector<std::uint64_t>& out,
                            std::string& scratch) {
    out.clear();
    const std::uint64_t k0 = detail::load_le64(secret.data());
    const std::uint64_t k1 = detail::load_le64(secret.data() + 8);
    auto emit = [&] {
        const std::uint64_t h = detail::siphash24(
            k0, k1, reinterpret_cast<const unsigned char*>(scratch.data()), scratch.size());
        if (std::find(out.begin(), out.end(), h) == out.end()) {
            out.push_back(h);
        }
    };
    auto simple = [&](char tag, const std::string& value) {
        if (value.empty()) {
            return;
        }
        scratch.assign(1, tag);
        scratch += value;
        emit();
    };
    auto birth_bytes = [&] {
        const auto b = static_cast<std::uint32_t>(r.birth);
        for (int i = 0; i < 4; ++i) {
            scratch += static_cast<char>((b >> (8 * i)) & 0xffU);
        }
    };
    if (has_key(keys, blocking_key::document) &&
        detail::dedup::code_point_count(r.document) >= condition::min_document_length) {
        simple('D', r.document);
    }
    if (has_key(keys, blocking_key::phone)) {
        simple('P', r.phone);
    }
    if (has_key(keys, blocking_key::email)) {
        simple('E', r.email);
    }
    if (has_key(keys, blocking_key::device)) {
        simple('V', r.device);
    }
    if (has_key(keys, blocking_key::birth_surname) && r.birth != 0) {
        for (const std::string* s : {&r.key_surname1, &r.key_surname2}) {
            if (!s->empty()) {
                scratch.assign(1, 'B');
                birth_bytes();
                scratch += *s;
                emit();
            }
        }
    }
    if (has_key(keys, blocking_key::birth_given) && r.birth != 0 && !r.key_given.empty()) {
        scratch.assign(1, 'G');
        birth_bytes();
        scratch += r.key_given;
        emit();
    }
    if (has_key(keys, blocking_key::name_postcode) && !r.postcode.empty() && !r.key_given.empty()) {
        for (const std::string* s : {&r.key_surname1, &r.key_surname2}) {
            if (!s->empty()) {
                scratch.assign(1, 'N');
                scratch += r.key_given;
                scratch += '\0';
                scratch += *s;
                scratch += '\0';
                scratch += r.postcode;
                emit();
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Storage
// ------------------------------------------------------------------------------------------

/// Where registrations and their blocking keys live. Semantic requirements:
/// - append(r) stores r and returns its ordinal, 0, 1, 2 ... in order of appending;
/// - record(i) returns the stored form of ordinal i (valid until the next append);
/// - link(key, i) files ordinal i under the 64-bit keyed hash `key` and returns true, unless
///   the block already holds `cap()` ordinals: then it files nothing and returns false;
/// - candidates(key, out) appends the ordinals filed under `key` (at most cap(), the first
///   filed) to out;
/// - secret() is the key of the blocking hashes; it must stay the same for the life of the
///   stored data (persist it with the data).
/// A host backs it with its own database; memory_identity_index is the default.
template <class S>
concept identity_index = requires(S& s, const S& cs, const normalized_registration& r,
                                  std::uint64_t key, std::uint32_t ord,
                                  std::vector<std::uint32_t>& out) {
    { cs.size() } -> std::convertible_to<std::size_t>;
    { s.append(r) } -> std::same_as<std::uint32_t>;
    { cs.record(ord) } -> std::convertible_to<identity_view>;
    { s.link(key, ord) } -> std::same_as<bool>;
    cs.candidates(key, out);
    { cs.cap() } -> std::convertible_to<std::size_t>;
    { cs.secret() } -> std::convertible_to<index_secret>;
};

/// The in-memory identity index: registrations packed into one character arena, blocks in an
/// open-addressing table keyed by the (already keyed, hence unpredictable) 64-bit hashes, with
/// the ordinals of a block in chained chunks of seven; a block of one registration (most blocks)
/// keeps its ordinal in its slot. About 50 bytes per registration plus its text, 16 bytes per
/// slot of the table, and 32 bytes per seven entries (or fewer) of blocks of two or more. Not
/// thread-safe for writes; concurrent const use is fine.
class memory_identity_index {
public:
    /// Default cap on block size.
    static constexpr std::size_t default_cap = 64;

    /// An index with a fresh random secret.
    memory_identity_index() : memory_identity_index(random_index_secret()) {}
    /// An index with the given secret and cap (>= 1; throws invalid_input otherwise).
    explicit memory_identity_index(const index_secret& secret, std::size_t cap = default_cap)
        : secret_(secret), cap_(cap) {
        if (cap_ == 0 || cap_ > 0xffff) {
            detail::throw_invalid_input("identity index", "cap", "the cap must be in 1..65535");
        }
        grow(1024);
    }

    /// Reserves room for n registrations, about k blocks each and about `text` bytes of
    /// normalised text each (the generator's registrations average 132 bytes; a registration
    /// past the room grows the text store by doubling, which copies it).
    void reserve(std::size_t n, std::size_t k = 5, std::size_t text = 144) {
        reserve_touched(records_, n);
        reserve_touched(arena_, n * text);
        reserve_touched(chunks_, n * k / 4);
        std::size_t want = 1024;
        while (want * 7 < n * k * 10) {
            want *= 2;
        }
        if (want > slots_.size()) {
            grow(want);
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return records_.size(); }
    [[nodiscard]] std::size_t cap() const noexcept { return cap_; }
    [[nodiscard]] const index_secret& secret() const noexcept { return secret_; }
    /// Blocks that reached the cap (and refused further ordinals).
    [[nodiscard]] std::size_t saturated_blocks() const noexcept { return saturated_; }
    /// Distinct blocks.
    [[nodiscard]] std::size_t blocks() const noexcept { return used_; }

    /// Stores r; O(|r|) amortised. Strong guarantee.
    std::uint32_t append(const normalized_registration& r) {
        if (records_.size() >= 0xffffffffU) {
            throw storage_failure("memory_identity_index: more than 2^32 - 1 registrations");
        }
        stored s;
        s.offset = arena_.size();
        s.registered = r.registered;
        s.birth = r.birth;
        s.sex = r.sex;
        const std::string* fields[field_count] = {
            &r.id,    &r.given, &r.surname1, &r.surname2, &r.document, &r.document_country,
            &r.phone, &r.email, &r.device,   &r.address,  &r.postcode};
        std::size_t total = 0;
        for (std::size_t i = 0; i < field_count; ++i) {
            const std::size_t n = std::min<std::size_t>(fields[i]->size(), 0xffff);
            s.length[i] = static_cast<std::uint16_t>(n);
            total += n;
        }
        const std::size_t old = arena_.size();
        make_room(arena_, total);
        make_room(records_, 1);
        arena_.resize(old + total);
        char* p = arena_.data() + old;
        for (std::size_t i = 0; i < field_count; ++i) {
            std::copy_n(fields[i]->data(), s.length[i], p);
            p += s.length[i];
        }
        records_.push_back(s);
        return static_cast<std::uint32_t>(records_.size() - 1);
    }

    /// The stored form of ordinal i. O(1).
    [[nodiscard]] identity_view record(std::uint32_t i) const noexcept {
        const stored& s = records_[i];
        identity_view v;
        v.registered = s.registered;
        v.birth = s.birth;
        v.sex = s.sex;
        const char* p = arena_.data() + s.offset;
        std::string_view* fields[field_count] = {
            &v.id,    &v.given, &v.surname1, &v.surname2, &v.document, &v.document_country,
            &v.phone, &v.email, &v.device,   &v.address,  &v.postcode};
        for (std::size_t k = 0; k < field_count; ++k) {
            *fields[k] = std::string_view(p, s.length[k]);
            p += s.length[k];
        }
        return v;
    }

    /// Files ordinal `ord` under `key` unless the block is full. O(1) expected.
    bool link(std::uint64_t key, std::uint32_t ord) {
        if (key == 0) {
            key = 1; // 0 marks an empty slot
        }
        if ((used_ + 1) * 10 > slots_.size() * 7) {
            grow(slots_.size() * 2);
        }
        std::size_t i = slot_of(key);
        if (slots_[i].key == 0) {
            slots_[i] = {key, none, 0};
            ++used_;
        }
        slot& sl = slots_[i];
        if (sl.count >= cap_) {
            return false;
        }
        if (sl.count == 0) {
            sl.head = ord; // a block of one keeps its ordinal in the slot
        } else if (sl.count == 1) {
            // The inline ordinal and the new one start the block's first chunk.
            make_room(chunks_, 1);
            chunk c;
            c.ordinal[0] = sl.head;
            c.ordinal[1] = ord;
            chunks_.push_back(c);
            sl.head = static_cast<std::uint32_t>(chunks_.size() - 1);
        } else if (sl.count % chunk_size == 0) {
            // The newest chunk is full: a new one in front of it.
            make_room(chunks_, 1);
            chunk c;
            c.next = sl.head;
            c.ordinal[0] = ord;
            chunks_.push_back(c);
            sl.head = static_cast<std::uint32_t>(chunks_.size() - 1);
        } else {
            chunks_[sl.head].ordinal[sl.count % chunk_size] = ord;
        }
        if (++sl.count == cap_) {
            ++saturated_;
        }
        return true;
    }

    /// Hints that `key` will be looked up soon: starts loading its slot, so that the lookups of
    /// one registration's keys overlap their cache misses. Optional for an identity_index.
    void prefetch(std::uint64_t key) const noexcept {
        if (key == 0) {
            key = 1;
        }
#if defined(__GNUC__) || defined(__clang__)
        __builtin_prefetch(&slots_[static_cast<std::size_t>(key) & (slots_.size() - 1)]);
#endif
    }

    /// Hints that ordinal i will be read soon (see prefetch(key)).
    void prefetch_record(std::uint32_t i) const noexcept {
#if defined(__GNUC__) || defined(__clang__)
        __builtin_prefetch(&records_[i]);
        __builtin_prefetch(arena_.data() + records_[i].offset);
#endif
    }

    /// Loads the records of a sorted list of ordinals before they are compared, in two passes:
    /// first a prefetch of every record header, then a real load of every cache line of the
    /// text each one points to (see touch), so that the misses overlap instead of each waiting
    /// for the one before. Optional for an identity_index.
    void prefetch_records(const std::vector<std::uint32_t>& ords) const noexcept {
#if defined(__GNUC__) || defined(__clang__)
        for (const std::uint32_t i : ords) {
            __builtin_prefetch(&records_[i]);
        }
        for (const std::uint32_t i : ords) {
            touch_text(i);
        }
#else
        (void)ords;
#endif
    }

    /// Hints that the text of ordinal i will be read soon: loads every cache line of it. Reads
    /// the record's header, so call it once the header is cached (after prefetch_record_header)
    /// for it to cost no wait. Optional for an identity_index; add_all's pipeline uses it.
    void prefetch_record_text(std::uint32_t i) const noexcept {
#if defined(__GNUC__) || defined(__clang__)
        touch_text(i);
#else
        (void)i;
#endif
    }

    /// Hints that the block under `key` will be read soon: reads its slot (prefetch(key) should
    /// have loaded it) and starts loading what the slot points to, the newest chunk of a block
    /// of two or more or the one record's header. Optional for an identity_index.
    void prefetch_block(std::uint64_t key) const noexcept {
#if defined(__GNUC__) || defined(__clang__)
        if (key == 0) {
            key = 1;
        }
        const slot& s = slots_[slot_of(key)];
        if (s.count == 1) {
            __builtin_prefetch(&records_[s.head]);
        } else if (s.count > 1) {
            __builtin_prefetch(&chunks_[s.head]);
        }
#else
        (void)key;
#endif
    }

    /// Hints that the header of ordinal i will be read soon (see prefetch_record_text).
    void prefetch_record_header(std::uint32_t i) const noexcept {
#if defined(__GNUC__) || defined(__clang__)
        __builtin_prefetch(&records_[i]);
#else
        (void)i;
#endif
    }

    /// Appends the ordinals filed under `key`. O(block size) (at most cap()).
    void candidates(std::uint64_t key, std::vector<std::uint32_t>& out) const {
        if (key == 0) {
            key = 1;
        }
        const slot& s = slots_[slot_of(key)];
        if (s.count == 1) {
            out.push_back(s.head);
            return;
        }
        if (s.count == 0) {
            return;
        }
        // The newest chunk holds the last (count - 1) % chunk_size + 1 ordinals filed; the
        // chunks behind it are full.
        std::size_t used = (s.count - 1) % chunk_size + 1;
        for (std::uint32_t p = s.head; p != none; p = chunks_[p].next) {
            const chunk& c = chunks_[p];
            out.insert(out.end(), c.ordinal, c.ordinal + used);
            used = chunk_size;
        }
    }

private:
    static constexpr std::size_t field_count = 11;
    static constexpr std::uint32_t none = 0xffffffffU;

    struct stored {
        std::size_t offset = 0;
        std::int64_t registered = 0;
        yyyymmdd_date birth = 0;
        char sex = 0;
        std::array<std::uint16_t, field_count> length{};
    };
    // A block: its key, its size, and either its one ordinal (count 1: most blocks hold one
    // registration, and reading them then costs no second cache miss) or its newest chunk
    // (count >= 2).
    struct slot {
        std::uint64_t key = 0;
        std::uint32_t head = none;
        std::uint32_t count = 0;
    };

    // Loads every cache line of ordinal i's text now (see touch).
    void touch_text(std::uint32_t i) const noexcept {
        const stored& s = records_[i];
        std::size_t total = 0;
        for (const auto n : s.length) {
            total += n;
        }
        const char* p = arena_.data() + s.offset;
        for (std::size_t at = 0; at < total; at += 64) {
            touch(p + at);
        }
        if (total != 0) {
            touch(p + total - 1);
        }
    }

    // Reads the byte at p now (a real load, not a prefetch hint). On the virtual machine we
    // measured on, software prefetches of memory far beyond the caches were often dropped
    // (docs/duplicates.md, figures): independent loads issued back to back still overlap
    // their misses, and unlike a prefetch they are never dropped.
    static void touch(const void* p) noexcept {
        const char c = *static_cast<const volatile char*>(p);
        (void)c;
    }

    // Reserves room for n elements and writes the new room once, so that the pages behind it
    // are mapped now rather than one at a time inside later appends: a page fault inside an
    // add was a large part of the slowest adds' time (docs/duplicates.md, figures).
    template <class T, class A>
    static void reserve_touched(std::vector<T, A>& v, std::size_t n) {
        if (n <= v.capacity()) {
            return;
        }
        const std::size_t size = v.size();
        v.reserve(n);
        v.resize(v.capacity());
        v.resize(size);
    }
    // Room for `extra` more elements, doubling the capacity when it runs out (amortised O(1)).
    template <class T, class A>
    static void make_room(std::vector<T, A>& v, std::size_t extra) {
        if (v.size() + extra > v.capacity()) {
            reserve_touched(v, std::max(v.size() + extra, v.capacity() * 2));
        }
    }

    // The slot holding `key`, or the empty slot where it would go (linear probing).
    [[nodiscard]] std::size_t slot_of(std::uint64_t key) const noexcept {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = static_cast<std::size_t>(key) & mask;
        while (slots_[i].key != 0 && slots_[i].key != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    void grow(std::size_t n) {
        detail::large_vector<slot> old(n);
        old.swap(slots_);
        for (const slot& s : old) {
            if (s.key != 0) {
                slots_[slot_of(s.key)] = s;
            }
        }
    }

    index_secret secret_;
    std::size_t cap_;
    detail::large_vector<stored> records_;
    detail::large_vector<char> arena_;
    detail::large_vector<slot> slots_;
    std::size_t used_ = 0;
    std::size_t saturated_ = 0;
    // Blocks of two or more keep their ordinals in chunks of seven (half a cache line each),
    // chained newest first: reading a block of up to seven costs one cache miss after its slot,
    // where a chain of single entries cost one per ordinal, each waiting for the one before.
    static constexpr std::uint32_t chunk_size = 7;
    struct alignas(32) chunk {
        std::uint32_t next = none;
        std::uint32_t ordinal[chunk_size] = {};
    };
    detail::large_vector<chunk> chunks_; // the chunks of all blocks of two or more
};

// ------------------------------------------------------------------------------------------
// Decisions
// ------------------------------------------------------------------------------------------

/// What happens to a registration.
enum class dedup_decision : std::uint8_t {
    keep,   ///< the earliest registration of its cluster, with no open review
    cancel, ///< a `same` rule ties it to an earlier registration
    review  ///< kept for now; a `possible` rule ties its cluster to an earlier registration
};

/// "keep", "cancel" or "review".
[[nodiscard]] constexpr std::string_view to_string(dedup_decision d) noexcept {
    switch (d) {
    case dedup_decision::keep:
        return "keep";
    case dedup_decision::cancel:
        return "cancel";
    case dedup_decision::review:
        return "review";
    }
    return "keep";
}

/// The outcome for one registration, with its reason.
struct dedup_result {
    std::uint32_t ordinal = 0;
    std::uint32_t cluster = 0; ///< ordinal of the kept registration of its cluster
    dedup_decision decision = dedup_decision::keep;
    /// The registration the reason links to (for keep: itself).
    std::uint32_t other = 0;
    std::optional<std::uint16_t> rule; ///< index into the rule set; none for keep
    float score = 0;
    field_set fields;
};

/// What adding one registration found. `result` weighs the links this registration made;
/// when it displaced an earlier keeper, resolve() also accounts for that keeper's old review
/// links.
struct add_result {
    dedup_result result;
    /// Candidates compared.
    std::size_t candidates = 0;
    /// When the new registration is earlier than its cluster's previous keeper, that keeper
    /// (now cancelled).
    std::optional<std::uint32_t> displaced;
};

/// Options of the engine.
struct dedup_options {
    blocking_key keys = all_blocking_keys;
    /// At most this many `possible` links are kept per new registration (the strongest are
    /// not chosen: the first in ordinal order), so one registration cannot flood the review.
    std::size_t max_possible_per_registration = 8;
    normalize_options normalize;
};

/// The duplicate engine over an identity index. Add registrations one at a time (add) or many
/// (add_all); each add compares the registration only with the candidates its blocking keys
/// find, so costs O(candidates) comparisons plus O(keys) index operations. Adding in any
/// order gives the same clusters and decisions as long as no block reaches the cap (the cap
/// keeps the first registrations filed, so beyond it the order matters). Not thread-safe for
/// writes.
template <identity_index Index = memory_identity_index>
class basic_deduplicator {
public:
    /// An engine with the default rules over a default-constructed index.
    basic_deduplicator() : basic_deduplicator(default_rules()) {}

    explicit basic_deduplicator(rule_set rules, dedup_options options = {}, Index index = Index())
        : rules_(std::move(rules)), options_(std::move(options)), index_(std::move(index)) {
        for (std::uint32_t i = 0; i < static_cast<std::uint32_t>(index_.size()); ++i) {
            // An index that already holds registrations (a host database): rebuild the
            // clusters by replaying them is the host's job; we start with singletons.
            uf_.add();
            keeper_.push_back(i);
            link_.push_back({});
        }
    }

    [[nodiscard]] const rule_set& rules() const noexcept { return rules_; }
    [[nodiscard]] const Index& index() const noexcept { return index_; }
    [[nodiscard]] std::size_t size() const noexcept { return keeper_.size(); }

    /// Reserves room for n registrations (forwarded to the index if it can).
    void reserve(std::size_t n) {
        uf_.reserve(n);
        keeper_.reserve(n);
        link_.reserve(n);
        if constexpr (requires { index_.reserve(n); }) {
            index_.reserve(n);
        }
    }

    /// Normalises and adds one host record. Throws invalid_input naming the record and field
    /// (nothing is added then). O(fields + candidates).
    template <class R, class Traits = registration_traits<R>>
    add_result add(const R& record) {
        normalize_registration(Traits::view(record), scratch_, options_.normalize);
        return add_normalized(scratch_);
    }

    /// Adds one registration already normalised. Strong guarantee for the engine's own state
    /// if the index's append and link give it.
    add_result add_normalized(const normalized_registration& r) {
        blocking_hashes(r, options_.keys, index_.secret(), hashes_, key_scratch_);
        if constexpr (requires(const Index& ix, std::uint64_t k) { ix.prefetch(k); }) {
            for (const auto h : hashes_) {
                index_.prefetch(h);
            }
        }
        if constexpr (requires(const Index& ix, std::uint64_t k) { ix.prefetch_block(k); }) {
            // The slots' misses overlap (above); then the chunks' misses overlap here, instead
            // of each block's read waiting for the one before.
            for (const auto h : hashes_) {
                index_.prefetch_block(h);
            }
        }
        return add_hashed(r, hashes_);
    }

    /// Adds every record of `range`, read through `proj` (returning a registration_view or a
    /// type with registration_traits), and returns resolve(). Every record is checked first
    /// (validate_registration); if any is invalid, invalid_input is thrown and nothing is
    /// added. The answer is the one adding them one by one in range order gives.
    /// O(n + total candidates); normalises into one reused buffer.
    template <std::ranges::forward_range R, class Proj = std::identity>
    std::vector<dedup_result> add_all(R&& range, Proj proj = {}) {
        std::size_t n = 0;
        if (const auto stopped = read_ahead(range, proj, [&](const registration_view& v) {
                validate_registration(v, options_.normalize);
                ++n;
            })) {
            std::rethrow_exception(stopped);
        }
        reserve(size() + n);
        auto ignore = [](const add_result&) {};
        add_views(range, proj, ignore);
        return resolve();
    }

    /// Adds every record of `range` in order, exactly as calling add() on each in turn would,
    /// and calls `on_added(const add_result&)` with each record's result, in range order, right
    /// after it is added: the batch form of add() for a host that acts on each decision as it
    /// comes (cancel at once, send to review). Like add_all, it reads and normalises a few
    /// records ahead so that their index reads can overlap (whether that beats the plain loop
    /// depends on the machine: docs/duplicates.md). Unlike add_all, nothing is checked up front: if
    /// a record is invalid (or reading it throws), the records before it are added and reported,
    /// then the exception propagates (what the loop would leave); if `on_added` throws, the records
    /// after the one it was called for are not added. `on_added` may call this engine's add,
    /// add_each or resolve (the records in flight hold their own copies and re-read the index when
    /// they are added, so the answer is that of the loop with the same calls); it must not move or
    /// destroy the engine, nor change records of the range (a few records ahead have already
    /// been read). O(n + total candidates).
    template <std::ranges::forward_range R, class Sink, class Proj = std::identity>
    requires std::invocable<Sink&, const add_result&>
    void add_each(R&& range, Sink&& on_added, Proj proj = {}) { add_views(range, proj, on_added); }

    /// Adds registrations already normalised, in order, and returns the decision of every
    /// registration in the engine (resolve()).
    std::vector<dedup_result> add_all_normalized(const std::vector<normalized_registration>& rs) {
        reserve(size() + rs.size());
        if constexpr (pipelined) {
            pipeline p;
            auto ignore = [](const add_result&) {};
            for (const auto& r : rs) {
                p.feed(
                    *this, [&](in_flight& f) { f.r = &r; }, ignore);
            }
            p.drain(*this, ignore);
        } else {
            for (const auto& r : rs) {
                (void)add_normalized(r);
            }
        }
        return resolve();
    }

    /// The decision for every registration, by ordinal: per cluster the earliest (registration
    /// time, then id) is kept and the others cancelled with the `same` link that tied them;
    /// a kept registration whose cluster a `possible` link ties to an earlier registration's
    /// cluster goes to review. O(n + possible links).
    [[nodiscard]] std::vector<dedup_result> resolve() {
        std::vector<dedup_result> out(keeper_.size());
        for (std::uint32_t i = 0; i < out.size(); ++i) {
            out[i] = decide_same(i);
        }
        for (const auto& p : possible_) {
            apply_possible(p, out);
        }
        return out;
    }

    /// The registration with ordinal i, as stored.
    [[nodiscard]] identity_view record(std::uint32_t i) const { return index_.record(i); }

    /// Whether ordinal a comes before b: earlier registration time, then id (ids that are
    /// decimal integers compare numerically, others byte by byte), then ordinal.
    [[nodiscard]] bool earlier(std::uint32_t a, std::uint32_t b) const {
        const identity_view x = index_.record(a);
        const identity_view y = index_.record(b);
        if (x.registered != y.registered) {
            return x.registered < y.registered;
        }
        const int c = detail::dedup::compare_id_text(x.id, y.id);
        if (c != 0) {
            return c < 0;
        }
        return a < b;
    }

private:
    static constexpr std::size_t lookahead = 4; // records read ahead by add_all and add_each

    // One record read ahead: its view and, when the range hands out elements by value or the
    // projection returns a record by value, that element or record itself, so that the view
    // does not point into a temporary.
    template <class R, class Proj>
    struct held_record {
        struct nothing {};
        using element_ref = std::ranges::range_reference_t<R>;
        static constexpr bool hold_element = !std::is_reference_v<element_ref>;
        using element = std::remove_cvref_t<element_ref>;
        using source =
            std::conditional_t<hold_element, element&, std::remove_reference_t<element_ref>&>;
        using projected_ref = std::invoke_result_t<Proj&, source>;
        using projected = std::remove_cvref_t<projected_ref>;
        static constexpr bool is_view = std::is_same_v<projected, registration_view>;
        static constexpr bool hold_projected =
            !is_view && !std::is_lvalue_reference_v<projected_ref>;

        [[no_unique_address]] std::conditional_t<hold_element, std::optional<element>, nothing>
            held_element;
        [[no_unique_address]] std::conditional_t<hold_projected, std::optional<projected>, nothing>
            held_projected;
        registration_view view;

        template <class It>
        void take(const It& it, Proj& proj) {
            if constexpr (hold_element) {
                held_element.emplace(*it);
                project(*held_element, proj);
            } else {
                project(*it, proj);
            }
        }

    private:
        void project(source rec, Proj& proj) {
            if constexpr (is_view) {
                view = std::invoke(proj, rec);
            } else if constexpr (hold_projected) {
                held_projected.emplace(std::invoke(proj, rec));
                view = registration_traits<projected>::view(*held_projected);
            } else {
                view = registration_traits<projected>::view(std::invoke(proj, rec));
            }
        }
    };

    // Calls body(view) for each record in order, reading the host's text a few records ahead
    // (prefetch_text): the records of a large batch are far beyond the caches, and waiting
    // for each field's first byte was most of what validation and normalisation cost at 1M.
    // Each record's view is taken once, into a small ring. If taking a record's view (the
    // range's iterator, the projection, the traits) throws, the records before it are still
    // given to body, and the exception is returned rather than thrown, so that the caller can
    // finish what it has in flight first; exceptions from body propagate.
    template <class R, class Proj, class Body>
    static std::exception_ptr read_ahead(R& range, Proj& proj, Body&& body) {
        using held = held_record<R, Proj>;
        auto ahead = std::ranges::begin(range);
        const auto last = std::ranges::end(range);
        std::array<held, lookahead> ring;
        std::exception_ptr stopped;
        auto take = [&](held& slot) {
            if (stopped || ahead == last) {
                return false;
            }
            try {
                slot.take(ahead, proj);
            } catch (...) {
                stopped = std::current_exception();
                return false;
            }
            prefetch_text(slot.view);
            try {
                ++ahead;
            } catch (...) {
                stopped = std::current_exception();
            }
            return true;
        };
        std::size_t queued = 0;
        while (queued < lookahead && take(ring[queued])) {
            ++queued;
        }
        for (std::size_t k = 0; k < queued; ++k) {
            held& slot = ring[k % lookahead];
            body(std::as_const(slot.view));
            if (take(slot)) {
                ++queued;
            }
        }
        return stopped;
    }

    // Normalises and adds every record in order (as add), calling sink(add_result) after each.
    template <class R, class Proj, class Sink>
    void add_views(R& range, Proj& proj, Sink& sink) {
        std::exception_ptr stopped;
        if constexpr (pipelined) {
            pipeline p;
            stopped = read_ahead(range, proj, [&](const registration_view& v) {
                p.feed(
                    *this,
                    [&](in_flight& f) {
                        normalize_registration(v, f.norm, options_.normalize);
                        f.r = &f.norm;
                    },
                    sink);
            });
            p.drain(*this, sink);
        } else {
            stopped = read_ahead(range, proj, [&](const registration_view& v) {
                normalize_registration(v, scratch_, options_.normalize);
                const add_result res = add_normalized(scratch_);
                sink(res);
            });
        }
        if (stopped) {
            std::rethrow_exception(stopped);
        }
    }

    // The batch pipeline. One add waits on memory several times in a row: the slots of its
    // keys, then the headers of the candidates they hold, then the candidates' text; at 1M
    // these are random reads far beyond the caches, and each round trip waited for the one
    // before. With an index that takes the hints below, add_all keeps five records in flight,
    // each one stage apart: the newest has its keys hashed and their slots prefetched, the
    // next reads those slots and prefetches the chunks or records they point to, the next
    // reads its candidates and prefetches their headers, the next loads their text, and
    // the oldest is added (add_hashed, exactly as add_normalized would: the
    // candidate lists read ahead are only hints, taken before the records just ahead of them
    // were filed, and the add reads the index again). The answer is therefore the one by one
    // answer; only the order of memory reads changes.
    static constexpr bool pipelined = requires(const Index& ix, std::uint64_t k, std::uint32_t i) {
        ix.prefetch(k);
        ix.prefetch_block(k);
        ix.prefetch_record_header(i);
        ix.prefetch_record_text(i);
    };
    struct in_flight {
        normalized_registration norm; // the record, when the pipeline normalised it
        const normalized_registration* r = nullptr;
        std::vector<std::uint64_t> hashes;
        std::vector<std::uint32_t> cands; // read ahead: a hint, not the candidates compared
    };
    class pipeline {
    public:
        // Starts the next record (fill sets f.r) and moves every record in flight one stage
        // on. If fill throws, the records already started are added first (so the engine holds
        // exactly the records before the failing one, as one by one), then the exception
        // propagates.
        template <class Fill, class Sink>
        void feed(basic_deduplicator& d, Fill&& fill, Sink& sink) {
            in_flight& f = ring_[started_ % depth];
            try {
                fill(f);
                d.blocking_hashes_of(f);
            } catch (...) {
                while (added_ < started_) {
                    in_flight& g = ring_[added_ % depth];
                    ++added_;
                    const add_result res = d.add_hashed(*g.r, g.hashes);
                    sink(res);
                }
                throw;
            }
            ++started_;
            step(d, sink);
        }
        // Finishes the records still in flight.
        template <class Sink>
        void drain(basic_deduplicator& d, Sink& sink) {
            while (added_ < started_) {
                step(d, sink);
            }
        }

    private:
        static constexpr std::size_t depth = 5;
        template <class Sink>
        void step(basic_deduplicator& d, Sink& sink) {
            // Record tick_ was started by this tick (if any); the ones before it move on.
            if (tick_ >= 1 && tick_ - 1 < started_) {
                for (const auto h : ring_[(tick_ - 1) % depth].hashes) {
                    d.index_.prefetch_block(h);
                }
            }
            if (tick_ >= 2 && tick_ - 2 < started_) {
                in_flight& f = ring_[(tick_ - 2) % depth];
                f.cands.clear();
                for (const auto h : f.hashes) {
                    d.index_.candidates(h, f.cands);
                }
                for (const auto c : f.cands) {
                    d.index_.prefetch_record_header(c);
                }
            }
            if (tick_ >= 3 && tick_ - 3 < started_) {
                for (const auto c : ring_[(tick_ - 3) % depth].cands) {
                    d.index_.prefetch_record_text(c);
                }
            }
            if (tick_ >= 4 && tick_ - 4 < started_) {
                in_flight& f = ring_[(tick_ - 4) % depth];
                ++tick_;
                ++added_;
                const add_result res = d.add_hashed(*f.r, f.hashes);
                sink(res);
                return;
            }
            ++tick_;
        }
        std::array<in_flight, depth> ring_;
        std::size_t started_ = 0; // records whose keys were hashed
        std::size_t added_ = 0;   // records added
        std::size_t tick_ = 0;    // steps taken
    };

    void blocking_hashes_of(in_flight& f) {
        blocking_hashes(*f.r, options_.keys, index_.secret(), f.hashes, key_scratch_);
        for (const auto h : f.hashes) {
            index_.prefetch(h);
        }
    }

    // add_normalized after its blocking hashes: compare with the candidates those keys find,
    // store, file, cluster. `hashes` must not be hashes_ of a later call (it is read only).
    add_result add_hashed(const normalized_registration& r,
                          const std::vector<std::uint64_t>& hashes) {
        cands_.clear();
        for (const auto h : hashes) {
            index_.candidates(h, cands_);
        }
        std::sort(cands_.begin(), cands_.end());
        cands_.erase(std::unique(cands_.begin(), cands_.end()), cands_.end());

        if constexpr (requires(const Index& ix) { ix.prefetch_records(cands_); }) {
            index_.prefetch_records(cands_);
        } else if constexpr (requires(const Index& ix, std::uint32_t i) {
                                 ix.prefetch_record(i);
                             }) {
            for (const auto c : cands_) {
                index_.prefetch_record(c);
            }
        }
        const identity_view me = view_of(r);
        found_.clear();
        std::size_t possibles = 0;
        for (const auto c : cands_) {
            const identity_view other = index_.record(c);
            if (const auto m = rules_.evaluate(me, other)) {
                if (m->strength == match_strength::possible) {
                    if (possibles >= options_.max_possible_per_registration) {
                        continue;
                    }
                    ++possibles;
                }
                found_.push_back({c, *m});
            }
        }

        const std::uint32_t ord = index_.append(r);
        uf_.add();
        keeper_.push_back(ord);
        link_.push_back({});
        for (const auto h : hashes) {
            index_.link(h, ord);
        }

        add_result out;
        out.candidates = cands_.size();
        const std::size_t first_possible = possible_.size();
        for (const auto& f : found_) {
            if (f.m.strength == match_strength::same) {
                const std::uint32_t ra = uf_.find(ord);
                const std::uint32_t rb = uf_.find(f.other);
                const std::uint32_t ka = keeper_[ra];
                const std::uint32_t kb = keeper_[rb];
                if (ra != rb) {
                    const std::uint32_t root = uf_.unite(ra, rb);
                    keeper_[root] = earlier(ka, kb) ? ka : kb;
                    if (ka == ord && keeper_[root] == ord) {
                        out.displaced = kb;
                    }
                }
                note_link(ord, f.other, f.m);
                note_link(f.other, ord, f.m);
            } else {
                possible_.push_back({ord, f.other, f.m});
            }
        }
        out.result = decide_same(ord);
        if (out.result.decision == dedup_decision::keep) {
            for (std::size_t k = first_possible; k < possible_.size(); ++k) {
                apply_possible_to(possible_[k], ord, out.result);
            }
        }
        if (out.displaced && keeper_[uf_.find(ord)] != ord) {
            out.displaced.reset();
        }
        return out;
    }

    // Starts loading the text of a record that will be read soon (a hint: no effect on results).
    static void prefetch_text(const registration_view& v) noexcept {
#if defined(__GNUC__) || defined(__clang__)
        for (const std::string_view* f :
             {&v.id, &v.given, &v.middle, &v.surname, &v.full_name, &v.birth, &v.sex,
              &v.nationality, &v.document, &v.document_type, &v.document_country, &v.phone,
              &v.phone_country, &v.email, &v.device, &v.address, &v.postcode, &v.city}) {
            if (!f->empty()) {
                __builtin_prefetch(f->data());
            }
        }
#else
        (void)v;
#endif
    }

    struct link_info {
        std::uint32_t other = 0;
        std::uint16_t rule = 0;
        float score = -1;
        field_set fields;
    };
    struct found {
        std::uint32_t other;
        match m;
    };
    struct possible_link {
        std::uint32_t a, b;
        match m;
    };

    void note_link(std::uint32_t at, std::uint32_t other, const match& m) {
        link_info& l = link_[at];
        // The strongest evidence: the higher score, then the earlier rule (rule sets list
        // their strongest rules first).
        if (m.score > l.score || (m.score == l.score && m.rule < l.rule)) {
            l = {other, m.rule, m.score, m.fields};
        }
    }

    dedup_result decide_same(std::uint32_t i) {
        dedup_result r;
        r.ordinal = i;
        r.cluster = keeper_[uf_.find(i)];
        r.other = i;
        if (r.cluster != i) {
            r.decision = dedup_decision::cancel;
            const link_info& l = link_[i];
            r.other = l.other;
            r.rule = l.rule;
            r.score = l.score;
            r.fields = l.fields;
        }
        return r;
    }

    // A possible link between two clusters sends the later cluster's keeper to review.
    void apply_possible_to(const possible_link& p, std::uint32_t keeper_ord, dedup_result& r) {
        const std::uint32_t ka = keeper_[uf_.find(p.a)];
        const std::uint32_t kb = keeper_[uf_.find(p.b)];
        if (ka == kb) {
            return;
        }
        const std::uint32_t later = earlier(ka, kb) ? kb : ka;
        const std::uint32_t sooner = later == ka ? kb : ka;
        if (later != keeper_ord || r.decision == dedup_decision::cancel) {
            return;
        }
        if (r.decision == dedup_decision::review && r.score >= p.m.score) {
            return;
        }
        r.decision = dedup_decision::review;
        r.other = sooner;
        r.rule = p.m.rule;
        r.score = p.m.score;
        r.fields = p.m.fields;
    }

    void apply_possible(const possible_link& p, std::vector<dedup_result>& out) {
        const std::uint32_t ka = keeper_[uf_.find(p.a)];
        const std::uint32_t kb = keeper_[uf_.find(p.b)];
        if (ka == kb) {
            return;
        }
        const std::uint32_t later = earlier(ka, kb) ? kb : ka;
        apply_possible_to(p, later, out[later]);
    }

    rule_set rules_;
    dedup_options options_;
    Index index_;
    detail::union_find uf_;
    detail::large_vector<std::uint32_t> keeper_; // per root: ordinal of the kept registration
    detail::large_vector<link_info> link_;       // per ordinal: its strongest `same` link
    std::vector<possible_link> possible_;
    normalized_registration scratch_;
    std::vector<std::uint64_t> hashes_;
    std::string key_scratch_;
    std::vector<std::uint32_t> cands_;
    std::vector<found> found_;
};

/// The engine over the in-memory index.
using deduplicator = basic_deduplicator<>;

CBPQ_END_NAMESPACE

#endif
