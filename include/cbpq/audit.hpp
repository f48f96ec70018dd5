// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_AUDIT_HPP
#define CBPQ_AUDIT_HPP

/// \file
/// Receipts: everything needed to re-run a draw and check it, as JSON that cbpq writes and
/// reads itself (docs/receipts.md specifies it byte for byte). verify() recomputes a draw from
/// a receipt, the entrants and the capacity, and reports the first difference. Also the text
/// form of partial draws, so shards can be shipped between machines.

#include "capacity.hpp"
#include "detail/json.hpp"
#include "draw.hpp"
#include "error.hpp"
#include "preferences.hpp"
#include "random.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE

/// Version of the receipt format (docs/receipts.md).
inline constexpr std::string_view receipt_format_version = "cbpq-receipt-v0";

/// How the seed of a draw was fixed, so a verifier can recompute it.
struct seed_source {
    enum class kind : std::uint8_t {
        /// The seed itself was given (64 hex digits); nothing to recompute.
        given,
        /// seed::from_public_values(public_values).
        public_values,
        /// seed::from_reveal(secret, commitment).
        reveal
    };
    kind type = kind::given;
    /// The RFC 3797 style public values text (kind public_values).
    std::string public_values;
    /// The published commitment, 64 hex digits, and the revealed secret in hex (kind reveal).
    std::string commitment;
    std::string secret_hex;

    friend bool operator==(const seed_source&, const seed_source&) = default;
};

/// The order-independent digest of an entrant set (docs/receipts.md, "Entrant digest").
struct entrant_digest {
    std::uint64_t count = 0;
    /// SHA-256, 64 lower-case hex digits.
    std::string sha256;

    friend bool operator==(const entrant_digest&, const entrant_digest&) = default;
};

/// A selected party as a receipt records it.
struct receipt_selected {
    std::string id;
    std::int64_t party = 1;
    std::size_t rank = 0;
    /// Slot label; empty without a grid.
    std::string slot;

    friend bool operator==(const receipt_selected&, const receipt_selected&) = default;
};

/// A waiting-list entry as a receipt records it.
struct receipt_alternate {
    std::string id;
    std::int64_t party = 1;
    std::size_t rank = 0;
    not_selected_reason reason = not_selected_reason::none;

    friend bool operator==(const receipt_alternate&, const receipt_alternate&) = default;
};

/// One port's outcome as a receipt records it.
struct receipt_port {
    std::string port;
    std::int64_t persons = 0;
    std::int64_t parties = 0;
    std::vector<receipt_selected> selected;
    std::vector<receipt_alternate> alternates;

    friend bool operator==(const receipt_port&, const receipt_port&) = default;
};

/// A draw receipt. Plain value type; receipt_to_json / receipt_from_json convert it.
struct receipt {
    std::string format = std::string(receipt_format_version);
    std::string spec_version = std::string(draw_spec_version);
    std::string randomness_spec_version = std::string(cbpq::randomness_spec_version);
    std::string label;
    seed_source source;
    cbpq::seed seed;
    /// The draw key derived from seed and label, 32 hex digits (a cross-check).
    std::string draw_key;
    draw_options options;
    day_capacity capacity;
    /// "integer" or "string": how ids are written and keyed.
    std::string id_kind = "integer";
    entrant_digest entrants;
    std::vector<receipt_port> result;
    /// SHA-256 of the result (docs/receipts.md, "Result digest"), 64 hex digits.
    std::string result_digest;

    friend bool operator==(const receipt&, const receipt&) = default;
};

/// The outcome of verify(): ok, or the first difference found, in words.
struct verification_report {
    bool ok = true;
    std::string difference;

    explicit operator bool() const noexcept { return ok; }
};

namespace detail {

inline void put_u32(std::string& out, std::uint32_t v) {
    unsigned char b[4];
    store_be32(b, v);
    out.append(reinterpret_cast<const char*>(b), 4);
}

inline void put_u64(std::string& out, std::uint64_t v) {
    unsigned char b[8];
    store_be64(b, v);
    out.append(reinterpret_cast<const char*>(b), 8);
}

inline void put_str(std::string& out, std::string_view s) {
    put_u32(out, static_cast<std::uint32_t>(s.size()));
    out.append(s);
}

template <class Id>
constexpr std::string_view id_kind_of() noexcept {
    return integer_id<Id> ? std::string_view("integer") : std::string_view("string");
}

// Canonical id bytes (random.hpp) from a receipt's id text.
inline std::string canonical_from_text(std::string_view text, std::string_view kind) {
    if (kind == "string") {
        return canonical_id_bytes(text);
    }
    if (!text.empty() && text[0] == '-') {
        std::int64_t v = 0;
        if (!json_reader::parse_int64(text, v)) {
            throw_invalid_input("receipt", "id",
                                "integer id '" + std::string(text) + "' is out of range");
        }
        return canonical_id_bytes(v);
    }
    std::uint64_t v = 0;
    if (!json_reader::parse_uint64(text, v)) {
        throw_invalid_input("receipt", "id",
                            "integer id '" + std::string(text) + "' is not a decimal integer");
    }
    return canonical_id_bytes(v);
}

inline std::string hex_digest(std::string_view bytes) { return to_hex(sha256::hash(bytes)); }

} // namespace detail

namespace detail {
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj, class Extra>
[[nodiscard]] entrant_digest
digest_records(const R& entrants, const day_capacity& capacity, IdProj& id_proj,
               PortProj& port_proj, PartyProj& party_proj, std::string_view domain, Extra extra);
} // namespace detail

/// The order-independent digest of an entrant set: SHA-256 over the sorted canonical records
/// (id bytes, port name, party), specified in docs/receipts.md. Ports given as capacity
/// indexes are written by name. O(n log n); allocates O(n). Throws invalid_input on an unknown
/// port index.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj>
[[nodiscard]] entrant_digest digest_entrants(const R& entrants, const day_capacity& capacity,
                                             IdProj id_proj, PortProj port_proj,
                                             PartyProj party_proj) {
    return detail::digest_records(entrants, capacity, id_proj, port_proj, party_proj,
                                  "cbpq-v0 entrants", [](std::string&, const auto&) {});
}

namespace detail {

template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj, class Extra>
[[nodiscard]] entrant_digest
digest_records(const R& entrants, const day_capacity& capacity, IdProj& id_proj,
               PortProj& port_proj, PartyProj& party_proj, std::string_view domain, Extra extra) {
    std::vector<std::string> records;
    for (const auto& e : entrants) {
        std::string r;
        detail::put_str(r, canonical_id_bytes(std::invoke(id_proj, e)));
        const auto& port = std::invoke(port_proj, e);
        using port_t = std::remove_cvref_t<decltype(port)>;
        if constexpr (std::integral<port_t>) {
            if (port < 0 || static_cast<std::uint64_t>(port) >= capacity.ports.size()) {
                detail::throw_invalid_input("entrant " + id_text(std::invoke(id_proj, e)), "port",
                                            "unknown port index");
            }
            detail::put_str(r, capacity.ports[static_cast<std::size_t>(port)].port);
        } else {
            detail::put_str(r, std::string_view(port));
        }
        detail::put_u64(
            r, static_cast<std::uint64_t>(static_cast<std::int64_t>(std::invoke(party_proj, e))));
        extra(r, e);
        records.push_back(std::move(r));
    }
    std::sort(records.begin(), records.end());
    detail::sha256 h;
    h.update(domain);
    std::string n;
    detail::put_u64(n, records.size());
    h.update(n);
    for (const auto& r : records) {
        h.update(r);
    }
    return entrant_digest{records.size(), detail::to_hex(h.finish())};
}

} // namespace detail

/// The entrant digest a receipt of `policy` records: digest_entrants for uniform; for
/// seniority and aging each record also holds u64(registered day) and the prefix is
/// "cbpq-v0 entrants registered"; for weighted, u64(the binary64 bits of the weight) and
/// "cbpq-v0 entrants weight" (docs/receipts.md). So a changed registration date or weight
/// changes the digest. O(n log n). Throws invalid_input on an unknown port index.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj, class WeightProj>
[[nodiscard]] entrant_digest digest_entrants_for(draw_policy policy, const R& entrants,
                                                 const day_capacity& capacity, IdProj id_proj,
                                                 PortProj port_proj, PartyProj party_proj,
                                                 RegProj registered_proj, WeightProj weight_proj) {
    switch (policy) {
    case draw_policy::seniority:
    case draw_policy::aging:
        return detail::digest_records(
            entrants, capacity, id_proj, port_proj, party_proj, "cbpq-v0 entrants registered",
            [&](std::string& r, const auto& e) {
                detail::put_u64(r, static_cast<std::uint64_t>(
                                       static_cast<std::int64_t>(std::invoke(registered_proj, e))));
            });
    case draw_policy::weighted:
        return detail::digest_records(
            entrants, capacity, id_proj, port_proj, party_proj, "cbpq-v0 entrants weight",
            [&](std::string& r, const auto& e) {
                detail::put_u64(r, std::bit_cast<std::uint64_t>(
                                       static_cast<double>(std::invoke(weight_proj, e))));
            });
    default:
        return digest_entrants(entrants, capacity, id_proj, port_proj, party_proj);
    }
}

/// digest_entrants through entrant_traits.
template <std::ranges::forward_range R>
[[nodiscard]] entrant_digest digest_entrants(const R& entrants, const day_capacity& capacity) {
    using T = detail::record_t<R>;
    return digest_entrants(entrants, capacity, detail::traits_id<T>{}, detail::traits_port<T>{},
                           detail::traits_party<T>{});
}

/// The result digest of a receipt's result (docs/receipts.md, "Result digest"). O(result).
[[nodiscard]] inline std::string result_digest(const std::vector<receipt_port>& result,
                                               std::string_view id_kind) {
    std::string b = "cbpq-v0 result";
    detail::put_u64(b, result.size());
    for (const auto& p : result) {
        detail::put_str(b, p.port);
        detail::put_u64(b, static_cast<std::uint64_t>(p.persons));
        detail::put_u64(b, static_cast<std::uint64_t>(p.parties));
        detail::put_u64(b, p.selected.size());
        for (const auto& s : p.selected) {
            detail::put_str(b, detail::canonical_from_text(s.id, id_kind));
            detail::put_u64(b, static_cast<std::uint64_t>(s.party));
            detail::put_u64(b, s.rank);
            detail::put_str(b, s.slot);
        }
        detail::put_u64(b, p.alternates.size());
        for (const auto& a : p.alternates) {
            detail::put_str(b, detail::canonical_from_text(a.id, id_kind));
            detail::put_u64(b, static_cast<std::uint64_t>(a.party));
            detail::put_u64(b, a.rank);
            detail::put_str(b, to_string(a.reason));
        }
    }
    return detail::hex_digest(b);
}

/// A draw result in receipt form (ids as text, slots as labels). O(result).
template <class Id>
[[nodiscard]] std::vector<receipt_port> receipt_result(const draw_result<Id>& result,
                                                       const day_capacity& capacity) {
    std::vector<receipt_port> out;
    for (std::size_t p = 0; p < result.ports.size(); ++p) {
        const auto& pd = result.ports[p];
        const port_capacity* cap = capacity.find(pd.port);
        receipt_port rp;
        rp.port = pd.port;
        rp.persons = pd.persons;
        rp.parties = pd.parties;
        for (const auto& s : pd.selected) {
            rp.selected.push_back(
                {id_text(s.id), s.party, s.rank,
                 s.slot && cap != nullptr ? cap->slots.at(*s.slot).label : std::string()});
        }
        for (const auto& a : pd.alternates) {
            rp.alternates.push_back({id_text(a.id), a.party, a.rank, a.reason});
        }
        out.push_back(std::move(rp));
    }
    return out;
}

/// Builds the receipt of a draw. `s` must be the seed the draw key came from, `label` its
/// label, and `digest` the entrants' digest (digest_entrants). O(result).
template <class Id>
[[nodiscard]] receipt make_receipt(const draw_result<Id>& result, const day_capacity& capacity,
                                   std::string label, const seed& s, seed_source source,
                                   entrant_digest digest) {
    receipt r;
    r.label = std::move(label);
    r.source = std::move(source);
    r.seed = s;
    r.draw_key = detail::to_hex(draw_key(s, r.label).bytes());
    if (r.draw_key != detail::to_hex(result.key().bytes())) {
        detail::throw_invalid_input("receipt", "draw_key",
                                    "the result was not drawn with this seed and label");
    }
    r.options = result.options();
    r.capacity = capacity;
    r.id_kind = std::string(detail::id_kind_of<Id>());
    r.entrants = std::move(digest);
    r.result = receipt_result(result, capacity);
    r.result_digest = result_digest(r.result, r.id_kind);
    return r;
}

namespace detail {

// The shortest decimal that reads back as the same binary64 (std::to_chars).
inline std::string shortest_double(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// A whole JSON number literal as the nearest binary64 (std::from_chars).
inline bool parse_double(std::string_view text, double& out) noexcept {
    const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
    return r.ec == std::errc{} && r.ptr == text.data() + text.size();
}

inline json_value id_json(const std::string& id, std::string_view kind) {
    return kind == "string" ? json_value::make_string(id) : json_value::make_number(id);
}

inline json_value capacity_json(const day_capacity& cap) {
    json_value arr = json_value::make_array();
    for (const auto& p : cap.ports) {
        json_value o = json_value::make_object();
        o.add("port", json_value::make_string(p.port));
        o.add("persons", json_value::make_integer(p.persons));
        o.add("parties", p.parties ? json_value::make_integer(*p.parties) : json_value{});
        json_value slots = json_value::make_array();
        for (const auto& s : p.slots) {
            json_value so = json_value::make_object();
            so.add("slot", json_value::make_string(s.label));
            so.add("persons", json_value::make_integer(s.persons));
            slots.push(std::move(so));
        }
        o.add("slots", std::move(slots));
        arr.push(std::move(o));
    }
    return arr;
}

constexpr std::int64_t count_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();

// A receipt's capacity. Its numbers may be any 64-bit signed integer (docs/receipts.md): one
// that differs from the given capacity is a difference verify() reports, not a bad file.
inline day_capacity capacity_from_json(const json_reader& rd, const json_value& arr) {
    day_capacity cap;
    for (const auto& o : arr.items) {
        port_capacity p;
        p.port = rd.string(o, "port");
        p.persons = rd.integer(rd.member(o, "persons"), "persons", int64_min, count_max);
        const json_value& parties = rd.member(o, "parties");
        if (parties.type != json_value::kind::null) {
            p.parties = rd.integer(parties, "parties", int64_min, count_max);
        }
        for (const auto& so : rd.array(o, "slots").items) {
            p.slots.push_back({rd.string(so, "slot"), rd.integer(rd.member(so, "persons"),
                                                                 "persons", int64_min, count_max)});
        }
        cap.ports.push_back(std::move(p));
    }
    return cap;
}

// The string member `name` of `obj`, which must be lower-case hex digits, the form
// receipt_to_json writes them in: exactly `digits` of them, or with `digits` 0 any even number
// (whole bytes). Else parse_error naming `name`.
inline std::string lower_hex_from_json(const json_reader& rd, const json_value& obj,
                                       std::string_view name, std::size_t digits) {
    const json_value& v = rd.member(obj, name);
    const bool ok = v.type == json_value::kind::string &&
                    (digits == 0 ? v.text.size() % 2 == 0 : v.text.size() == digits) &&
                    std::all_of(v.text.begin(), v.text.end(), [](char c) {
                        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                    });
    if (!ok) {
        rd.fail(v, std::string(name),
                digits == 0
                    ? std::string("expected hex bytes: an even number of lower-case "
                                  "hexadecimal digits")
                    : "expected " + std::to_string(digits) + " lower-case hexadecimal digits");
    }
    return v.text;
}

inline std::string id_from_json(const json_reader& rd, const json_value& v, std::string_view kind) {
    if (kind == "string") {
        if (v.type != json_value::kind::string) {
            rd.fail(v, "id", "expected a string id (id_kind is string)");
        }
        return v.text;
    }
    std::int64_t i = 0;
    std::uint64_t u = 0;
    if (v.type != json_value::kind::number ||
        !(json_reader::parse_int64(v.text, i) || json_reader::parse_uint64(v.text, u))) {
        rd.fail(v, "id", "expected an integer id (id_kind is integer)");
    }
    return v.text;
}

} // namespace detail

/// The receipt as JSON text (docs/receipts.md), ending in a newline. O(receipt).
[[nodiscard]] inline std::string receipt_to_json(const receipt& r) {
    using detail::json_value;
    json_value root = json_value::make_object();
    root.add("format", json_value::make_string(r.format));
    root.add("spec_version", json_value::make_string(r.spec_version));
    root.add("randomness_spec_version", json_value::make_string(r.randomness_spec_version));
    root.add("label", json_value::make_string(r.label));
    json_value seed_obj = json_value::make_object();
    switch (r.source.type) {
    case seed_source::kind::given:
        seed_obj.add("source", json_value::make_string("given"));
        break;
    case seed_source::kind::public_values:
        seed_obj.add("source", json_value::make_string("public_values"));
        seed_obj.add("public_values", json_value::make_string(r.source.public_values));
        break;
    case seed_source::kind::reveal:
        seed_obj.add("source", json_value::make_string("reveal"));
        seed_obj.add("commitment", json_value::make_string(r.source.commitment));
        seed_obj.add("secret", json_value::make_string(r.source.secret_hex));
        break;
    }
    seed_obj.add("seed", json_value::make_string(r.seed.to_hex()));
    root.add("seed", std::move(seed_obj));
    root.add("draw_key", json_value::make_string(r.draw_key));
    json_value policy = json_value::make_object();
    policy.add("name", json_value::make_string(std::string(to_string(r.options.policy))));
    policy.add("fill", json_value::make_string(std::string(to_string(r.options.fill))));
    policy.add("alternates", json_value::make_integer(r.options.alternates));
    policy.add("max_party", json_value::make_integer(r.options.max_party));
    switch (r.options.policy) {
    case draw_policy::seniority:
        policy.add("share",
                   json_value::make_number(detail::shortest_double(r.options.seniority_share)));
        break;
    case draw_policy::weighted:
        policy.add("weights", json_value::make_string("entrants"));
        break;
    case draw_policy::aging:
        policy.add("aging", json_value::make_string(to_string(r.options.aging)));
        policy.add("draw_date", json_value::make_string(
                                    format_date(detail::from_day_number(r.options.draw_day))));
        break;
    default:
        break;
    }
    root.add("policy", std::move(policy));
    root.add("capacity", detail::capacity_json(r.capacity));
    json_value ent = json_value::make_object();
    ent.add("count", json_value::make_integer(r.entrants.count));
    ent.add("id_kind", json_value::make_string(r.id_kind));
    ent.add("digest", json_value::make_string(r.entrants.sha256));
    root.add("entrants", std::move(ent));
    json_value result = json_value::make_array();
    for (const auto& p : r.result) {
        json_value po = json_value::make_object();
        po.add("port", json_value::make_string(p.port));
        po.add("persons", json_value::make_integer(p.persons));
        po.add("parties", json_value::make_integer(p.parties));
        json_value sel = json_value::make_array();
        for (const auto& s : p.selected) {
            json_value so = json_value::make_object();
            so.add("rank", json_value::make_integer(s.rank));
            so.add("id", detail::id_json(s.id, r.id_kind));
            so.add("party", json_value::make_integer(s.party));
            so.add("slot", s.slot.empty() ? json_value{} : json_value::make_string(s.slot));
            sel.push(std::move(so));
        }
        po.add("selected", std::move(sel));
        json_value alt = json_value::make_array();
        for (const auto& a : p.alternates) {
            json_value ao = json_value::make_object();
            ao.add("rank", json_value::make_integer(a.rank));
            ao.add("id", detail::id_json(a.id, r.id_kind));
            ao.add("party", json_value::make_integer(a.party));
            ao.add("reason", json_value::make_string(std::string(to_string(a.reason))));
            alt.push(std::move(ao));
        }
        po.add("alternates", std::move(alt));
        result.push(std::move(po));
    }
    root.add("result", std::move(result));
    root.add("result_digest", json_value::make_string(r.result_digest));
    return detail::json_document(root);
}

/// Reads a receipt written by receipt_to_json. Strict: throws parse_error with the source,
/// line, column and member name on malformed JSON, a missing or mistyped member, a value out
/// of range, or a seed or commitment that is not 64 lower-case hex digits or a secret that is
/// not lower-case hex bytes. Capacity numbers may be any 64-bit signed integer. Whether the
/// receipt is *true* is verify()'s job. O(n).
[[nodiscard]] inline receipt receipt_from_json(std::string_view text,
                                               const std::string& source = "receipt") {
    using detail::json_value;
    const json_value root = detail::json_parse(text, source);
    const detail::json_reader rd(source);
    receipt r;
    r.format = rd.string(root, "format");
    if (r.format != receipt_format_version) {
        rd.fail(rd.member(root, "format"), "format",
                "not a cbpq receipt (expected '" + std::string(receipt_format_version) + "')");
    }
    r.spec_version = rd.string(root, "spec_version");
    r.randomness_spec_version = rd.string(root, "randomness_spec_version");
    r.label = rd.string(root, "label");
    const json_value& seed_obj = rd.member(root, "seed");
    const std::string kind = rd.string(seed_obj, "source");
    if (kind == "given") {
        r.source.type = seed_source::kind::given;
    } else if (kind == "public_values") {
        r.source.type = seed_source::kind::public_values;
        r.source.public_values = rd.string(seed_obj, "public_values");
    } else if (kind == "reveal") {
        r.source.type = seed_source::kind::reveal;
        r.source.commitment = detail::lower_hex_from_json(rd, seed_obj, "commitment", 64);
        r.source.secret_hex = detail::lower_hex_from_json(rd, seed_obj, "secret", 0);
    } else {
        rd.fail(rd.member(seed_obj, "source"), "source",
                "expected 'given', 'public_values' or 'reveal'");
    }
    {
        const std::string hex = detail::lower_hex_from_json(rd, seed_obj, "seed", 64);
        cbpq::seed::bytes_type b{};
        (void)detail::from_hex(hex, b); // cannot fail: 64 hex digits
        r.seed = cbpq::seed(b);
    }
    r.draw_key = rd.string(root, "draw_key");
    const json_value& policy = rd.member(root, "policy");
    const std::string policy_name = rd.string(policy, "name");
    if (policy_name == "uniform") {
        r.options.policy = draw_policy::uniform;
    } else if (policy_name == "seniority") {
        r.options.policy = draw_policy::seniority;
        const json_value& share = rd.member(policy, "share");
        if (share.type != json_value::kind::number ||
            !detail::parse_double(share.text, r.options.seniority_share) ||
            !(r.options.seniority_share >= 0.0 && r.options.seniority_share <= 1.0)) {
            rd.fail(share, "share", "expected a number from 0 to 1");
        }
    } else if (policy_name == "weighted") {
        r.options.policy = draw_policy::weighted;
        if (rd.string(policy, "weights") != "entrants") {
            rd.fail(rd.member(policy, "weights"), "weights", "expected 'entrants'");
        }
    } else if (policy_name == "aging") {
        r.options.policy = draw_policy::aging;
        const std::string rule = rd.string(policy, "aging");
        try {
            r.options.aging = parse_aging_rule(rule);
        } catch (const invalid_input& e) {
            rd.fail(rd.member(policy, "aging"), "aging", e.what());
        }
        const std::string date = rd.string(policy, "draw_date");
        const auto d = detail::parse_civil_date(date);
        if (!d) {
            rd.fail(rd.member(policy, "draw_date"), "draw_date", "expected a date YYYY-MM-DD");
        }
        r.options.draw_day = detail::day_number(*d);
    } else if (policy_name == "preferences") {
        r.options.policy = draw_policy::preferences;
    } else {
        rd.fail(rd.member(policy, "name"), "name",
                "unknown policy (this verifier knows 'uniform', 'seniority', 'weighted', "
                "'aging' and 'preferences')");
    }
    const std::string fill = rd.string(policy, "fill");
    if (fill == "skip") {
        r.options.fill = fill_rule::skip;
    } else if (fill == "strict") {
        r.options.fill = fill_rule::strict;
    } else {
        rd.fail(rd.member(policy, "fill"), "fill", "expected 'skip' or 'strict'");
    }
    r.options.alternates = static_cast<std::size_t>(
        rd.integer(rd.member(policy, "alternates"), "alternates", 0, std::int64_t{1} << 40));
    r.options.max_party = rd.integer(rd.member(policy, "max_party"), "max_party", 1, 1000000);
    r.capacity = detail::capacity_from_json(rd, rd.array(root, "capacity"));
    const json_value& ent = rd.member(root, "entrants");
    r.entrants.count = static_cast<std::uint64_t>(
        rd.integer(rd.member(ent, "count"), "count", 0, detail::count_max));
    r.id_kind = rd.string(ent, "id_kind");
    if (r.id_kind != "integer" && r.id_kind != "string") {
        rd.fail(rd.member(ent, "id_kind"), "id_kind", "expected 'integer' or 'string'");
    }
    r.entrants.sha256 = rd.string(ent, "digest");
    for (const auto& po : rd.array(root, "result").items) {
        receipt_port p;
        p.port = rd.string(po, "port");
        p.persons = rd.integer(rd.member(po, "persons"), "persons", 0, detail::count_max);
        p.parties = rd.integer(rd.member(po, "parties"), "parties", 0, detail::count_max);
        for (const auto& so : rd.array(po, "selected").items) {
            receipt_selected s;
            s.rank = static_cast<std::size_t>(
                rd.integer(rd.member(so, "rank"), "rank", 1, detail::count_max));
            s.id = detail::id_from_json(rd, rd.member(so, "id"), r.id_kind);
            s.party = rd.integer(rd.member(so, "party"), "party", 1, 1000000);
            const json_value& slot = rd.member(so, "slot");
            if (slot.type == json_value::kind::string) {
                s.slot = slot.text;
            } else if (slot.type != json_value::kind::null) {
                rd.fail(slot, "slot", "expected a slot label or null");
            }
            p.selected.push_back(std::move(s));
        }
        for (const auto& ao : rd.array(po, "alternates").items) {
            receipt_alternate a;
            a.rank = static_cast<std::size_t>(
                rd.integer(rd.member(ao, "rank"), "rank", 1, detail::count_max));
            a.id = detail::id_from_json(rd, rd.member(ao, "id"), r.id_kind);
            a.party = rd.integer(rd.member(ao, "party"), "party", 1, 1000000);
            const std::string reason = rd.string(ao, "reason");
            if (reason == "did_not_fit") {
                a.reason = not_selected_reason::did_not_fit;
            } else if (reason == "not_reached") {
                a.reason = not_selected_reason::not_reached;
            } else {
                rd.fail(rd.member(ao, "reason"), "reason",
                        "expected 'did_not_fit' or 'not_reached'");
            }
            p.alternates.push_back(std::move(a));
        }
        r.result.push_back(std::move(p));
    }
    r.result_digest = rd.string(root, "result_digest");
    return r;
}

namespace detail {

inline std::string describe_capacity_difference(const day_capacity& want, const day_capacity& got) {
    if (want.ports.size() != got.ports.size()) {
        return "capacity: the receipt has " + std::to_string(want.ports.size()) +
               " ports, the given capacity " + std::to_string(got.ports.size());
    }
    for (std::size_t i = 0; i < want.ports.size(); ++i) {
        const auto& a = want.ports[i];
        const auto& b = got.ports[i];
        const std::string where = "capacity: port " + std::to_string(i + 1) + " ('" + a.port + "')";
        if (a.port != b.port) {
            return where + ": the given capacity names it '" + b.port + "'";
        }
        if (a.persons != b.persons) {
            return where + " persons: receipt " + std::to_string(a.persons) + ", given " +
                   std::to_string(b.persons);
        }
        if (a.parties != b.parties) {
            auto t = [](const std::optional<std::int64_t>& x) {
                return x ? std::to_string(*x) : std::string("none");
            };
            return where + " parties: receipt " + t(a.parties) + ", given " + t(b.parties);
        }
        if (a.slots.size() != b.slots.size()) {
            return where + ": receipt has " + std::to_string(a.slots.size()) + " slots, given " +
                   std::to_string(b.slots.size());
        }
        for (std::size_t j = 0; j < a.slots.size(); ++j) {
            if (a.slots[j] != b.slots[j]) {
                return where + " slot " + std::to_string(j + 1) + ": receipt '" + a.slots[j].label +
                       "' " + std::to_string(a.slots[j].persons) + " persons, given '" +
                       b.slots[j].label + "' " + std::to_string(b.slots[j].persons) + " persons";
            }
        }
    }
    return {};
}

inline std::string describe_result_difference(const std::vector<receipt_port>& want,
                                              const std::vector<receipt_port>& got) {
    if (want.size() != got.size()) {
        return "result: the receipt has " + std::to_string(want.size()) +
               " ports, the recomputed draw " + std::to_string(got.size());
    }
    for (std::size_t p = 0; p < want.size(); ++p) {
        const auto& a = want[p];
        const auto& b = got[p];
        const std::string where = "result: port '" + b.port + "'";
        if (a.port != b.port) {
            return "result: port " + std::to_string(p + 1) + ": receipt '" + a.port +
                   "', recomputed '" + b.port + "'";
        }
        const std::size_t ns = std::max(a.selected.size(), b.selected.size());
        for (std::size_t i = 0; i < ns; ++i) {
            auto show = [](const std::vector<receipt_selected>& v, std::size_t k) {
                if (k >= v.size()) {
                    return std::string("nobody");
                }
                const auto& s = v[k];
                return "rank " + std::to_string(s.rank) + " id " + s.id + " party " +
                       std::to_string(s.party) + (s.slot.empty() ? "" : " slot " + s.slot);
            };
            if (i >= a.selected.size() || i >= b.selected.size() ||
                a.selected[i] != b.selected[i]) {
                return where + " selected #" + std::to_string(i + 1) + ": receipt has " +
                       show(a.selected, i) + ", recomputed " + show(b.selected, i);
            }
        }
        const std::size_t na = std::max(a.alternates.size(), b.alternates.size());
        for (std::size_t i = 0; i < na; ++i) {
            auto show = [](const std::vector<receipt_alternate>& v, std::size_t k) {
                if (k >= v.size()) {
                    return std::string("nobody");
                }
                const auto& s = v[k];
                return "rank " + std::to_string(s.rank) + " id " + s.id + " party " +
                       std::to_string(s.party) + " " + std::string(to_string(s.reason));
            };
            if (i >= a.alternates.size() || i >= b.alternates.size() ||
                a.alternates[i] != b.alternates[i]) {
                return where + " alternate #" + std::to_string(i + 1) + ": receipt has " +
                       show(a.alternates, i) + ", recomputed " + show(b.alternates, i);
            }
        }
        if (a.persons != b.persons || a.parties != b.parties) {
            return where + " totals: receipt " + std::to_string(a.persons) + " persons in " +
                   std::to_string(a.parties) + " parties, recomputed " + std::to_string(b.persons) +
                   " in " + std::to_string(b.parties);
        }
    }
    return {};
}

// The checks every policy's verification shares, in order: format and specification versions;
// the seed against its source; the draw key against seed and label; the result digest
// against the receipt's own result; the capacity; the kind of the ids. ok if all pass.
template <class RawId>
[[nodiscard]] verification_report verify_receipt_common(const receipt& r,
                                                        const day_capacity& capacity) {
    auto fail = [](std::string m) { return verification_report{false, std::move(m)}; };
    if (r.format != receipt_format_version) {
        return fail("format: receipt says '" + r.format + "', this verifier reads '" +
                    std::string(receipt_format_version) + "'");
    }
    if (r.spec_version != draw_spec_version) {
        return fail("spec_version: receipt says '" + r.spec_version +
                    "', this verifier implements '" + std::string(draw_spec_version) + "'");
    }
    if (r.randomness_spec_version != randomness_spec_version) {
        return fail("randomness_spec_version: receipt says '" + r.randomness_spec_version +
                    "', this verifier implements '" + std::string(randomness_spec_version) + "'");
    }
    switch (r.source.type) {
    case seed_source::kind::given:
        break;
    case seed_source::kind::public_values: {
        // Public values that do not parse are a difference (an edited receipt), as a bad
        // reveal is, not a throw.
        std::optional<seed> s;
        try {
            s = seed::from_public_values(r.source.public_values);
        } catch (const error& e) {
            return fail(std::string("seed: ") + e.what());
        }
        if (*s != r.seed) {
            return fail("seed: the public values give " + s->to_hex() + ", the receipt says " +
                        r.seed.to_hex());
        }
        break;
    }
    case seed_source::kind::reveal: {
        const auto secret = hex_to_bytes(r.source.secret_hex);
        if (!secret) {
            return fail("seed: the revealed secret is not hexadecimal");
        }
        try {
            const seed s = seed::from_reveal(*secret, commitment::from_hex(r.source.commitment));
            if (s != r.seed) {
                return fail("seed: the reveal gives " + s.to_hex() + ", the receipt says " +
                            r.seed.to_hex());
            }
        } catch (const error& e) {
            return fail(std::string("seed: ") + e.what());
        }
        break;
    }
    }
    const draw_key key(r.seed, r.label);
    if (to_hex(key.bytes()) != r.draw_key) {
        return fail("draw_key: seed and label give " + to_hex(key.bytes()) + ", the receipt says " +
                    r.draw_key);
    }
    {
        std::string digest;
        try {
            digest = result_digest(r.result, r.id_kind);
        } catch (const invalid_input& e) {
            return fail(std::string("result: ") + e.what());
        }
        if (digest != r.result_digest) {
            return fail("result_digest: the receipt's result hashes to " + digest +
                        ", the receipt says " + r.result_digest + " (the receipt was altered)");
        }
    }
    if (auto d = describe_capacity_difference(r.capacity, capacity); !d.empty()) {
        return fail(d);
    }
    if (id_kind_of<RawId>() != r.id_kind) {
        return fail("entrants: the receipt's ids are of kind " + r.id_kind + ", the given ids " +
                    std::string(id_kind_of<RawId>()));
    }
    return {};
}

} // namespace detail

/// Re-runs the draw a receipt describes on the given entrants and capacity and reports the
/// first difference, checking in this order: format and specification versions; the seed
/// against its source (public values or commitment and reveal); the draw key against seed
/// and label; the result digest against the receipt's own result (a tampered receipt); the
/// capacity; the entrant count and digest; then the recomputed result, entry by entry.
/// Differences are values (ok == false with a message); bad entrants or capacity still throw
/// invalid_input, as for draw(). O(n log n) for the entrant digest plus the draw.
///
/// Every policy is re-run: `registered_proj` (an integer day number) is read for seniority and
/// aging receipts and `weight_proj` (a number) for weighted ones, and the entrant digest covers
/// the fields the policy reads (digest_entrants_for), so a changed registration date or weight
/// fails at the entrant digest with a reason. A preferences receipt is refused here
/// (invalid_input naming `policy`): verify_preferences reads the ranked lists.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj,
          class RegProj, class WeightProj>
[[nodiscard]] verification_report
verify(const receipt& r, const R& entrants, const day_capacity& capacity, IdProj id_proj,
       PortProj port_proj, PartyProj party_proj, RegProj registered_proj, WeightProj weight_proj) {
    auto fail = [](std::string m) { return verification_report{false, std::move(m)}; };
    if (r.options.policy == draw_policy::preferences) {
        detail::throw_invalid_input("receipt", "policy",
                                    "a 'preferences' receipt needs the entrants' ranked lists: "
                                    "call verify_preferences");
    }
    using ref = std::ranges::range_reference_t<const R>;
    using raw_id = std::remove_cvref_t<std::invoke_result_t<IdProj&, ref>>;
    if (auto common = detail::verify_receipt_common<raw_id>(r, capacity); !common.ok) {
        return common;
    }
    const draw_key key(r.seed, r.label);
    const entrant_digest d =
        digest_entrants_for(r.options.policy, entrants, capacity, id_proj, port_proj, party_proj,
                            registered_proj, weight_proj);
    if (d.count != r.entrants.count || d.sha256 != r.entrants.sha256) {
        std::string what;
        switch (r.options.policy) {
        case draw_policy::seniority:
        case draw_policy::aging:
            what = " (ids, ports, parties and registration dates)";
            break;
        case draw_policy::weighted:
            what = " (ids, ports, parties and weights)";
            break;
        default:
            break;
        }
        return fail("entrants: the receipt has " + std::to_string(r.entrants.count) +
                    " entrants with digest " + r.entrants.sha256 + ", the given set has " +
                    std::to_string(d.count) + " with digest " + d.sha256 + what);
    }
    std::vector<receipt_port> recomputed;
    switch (r.options.policy) {
    case draw_policy::seniority:
        recomputed = receipt_result(draw_seniority(entrants, capacity, key, r.options, id_proj,
                                                   port_proj, party_proj, registered_proj),
                                    capacity);
        break;
    case draw_policy::weighted:
        recomputed = receipt_result(draw_weighted(entrants, capacity, key, r.options, id_proj,
                                                  port_proj, party_proj, weight_proj),
                                    capacity);
        break;
    case draw_policy::aging:
        recomputed = receipt_result(draw_aging(entrants, capacity, key, r.options, id_proj,
                                               port_proj, party_proj, registered_proj),
                                    capacity);
        break;
    default:
        recomputed = receipt_result(
            draw(entrants, capacity, key, r.options, id_proj, port_proj, party_proj), capacity);
        break;
    }
    if (auto diff = detail::describe_result_difference(r.result, recomputed); !diff.empty()) {
        return fail(diff);
    }
    return {};
}

/// verify() of a uniform receipt (no registration days or weights needed). Throws
/// invalid_input naming the field `policy` for a receipt of another policy: use the form with
/// the registered and weight projections.
template <std::ranges::forward_range R, class IdProj, class PortProj, class PartyProj>
[[nodiscard]] verification_report verify(const receipt& r, const R& entrants,
                                         const day_capacity& capacity, IdProj id_proj,
                                         PortProj port_proj, PartyProj party_proj) {
    if (r.options.policy == draw_policy::preferences) {
        detail::throw_invalid_input("receipt", "policy",
                                    "a 'preferences' receipt needs the entrants' ranked lists: "
                                    "call verify_preferences");
    }
    if (r.options.policy != draw_policy::uniform) {
        detail::throw_invalid_input("receipt", "policy",
                                    "a '" + std::string(to_string(r.options.policy)) +
                                        "' receipt needs the entrants' registration days or "
                                        "weights: call verify with those projections");
    }
    auto none = [](const auto&) { return 0; };
    return verify(r, entrants, capacity, std::move(id_proj), std::move(port_proj),
                  std::move(party_proj), none, none);
}

/// verify() through entrant_traits, for every policy but preferences: the registration day
/// comes from entrant_traits<T>::registered and the weight from entrant_traits<T>::weight when
/// the traits have them (registered_entrant, weighted_entrant). A seniority or aging receipt
/// over records without `registered`, or a weighted one without `weight`, throws
/// invalid_input naming the field `policy`, as the projection form without them does. Same
/// checks, order and complexity as the projection form.
template <std::ranges::forward_range R>
[[nodiscard]] verification_report verify(const receipt& r, const R& entrants,
                                         const day_capacity& capacity) {
    using T = detail::record_t<R>;
    const draw_policy policy = r.options.policy;
    const bool needs_day = policy == draw_policy::seniority || policy == draw_policy::aging;
    if ((needs_day && !registered_entrant<T>) ||
        (policy == draw_policy::weighted && !weighted_entrant<T>)) {
        detail::throw_invalid_input(
            "receipt", "policy",
            "a '" + std::string(to_string(policy)) +
                "' receipt needs entrant_traits<T>::" + (needs_day ? "registered" : "weight") +
                ": add it to the traits or call verify with projections");
    }
    auto none = [](const T&) { return 0; };
    auto reg = [&] {
        if constexpr (registered_entrant<T>) {
            return detail::traits_registered<T>{};
        } else {
            return none;
        }
    }();
    auto weight = [&] {
        if constexpr (weighted_entrant<T>) {
            return detail::traits_weight<T>{};
        } else {
            return none;
        }
    }();
    if (policy == draw_policy::uniform || policy == draw_policy::preferences) {
        return verify(r, entrants, capacity, detail::traits_id<T>{}, detail::traits_port<T>{},
                      detail::traits_party<T>{});
    }
    return verify(r, entrants, capacity, detail::traits_id<T>{}, detail::traits_port<T>{},
                  detail::traits_party<T>{}, reg, weight);
}

/// verify(), throwing verification_failure with the difference instead of returning it.
template <std::ranges::forward_range R, class... Proj>
void verify_or_throw(const receipt& r, const R& entrants, const day_capacity& capacity,
                     Proj... proj) {
    const verification_report rep = verify(r, entrants, capacity, proj...);
    if (!rep.ok) {
        detail::throw_verification_failure(rep.difference);
    }
}

/// The entrant digest of a preferences receipt: SHA-256 over "cbpq-v0 entrants preferences",
/// u64(count) and the sorted records str(canonical id bytes) || u64(party) || u64(list
/// length) || str(port name) for each listed port, best first (docs/receipts.md). So the
/// same ports in another order, or another port, change the digest. Ports given as capacity
/// indexes are written by name. O(n log n); allocates O(n). Throws invalid_input on an unknown
/// port index.
template <std::ranges::forward_range R, class IdProj, class PrefProj, class PartyProj>
[[nodiscard]] entrant_digest
digest_preference_entrants(const R& entrants, const day_capacity& capacity, IdProj id_proj,
                           PrefProj prefs_proj, PartyProj party_proj) {
    std::vector<std::string> records;
    for (const auto& e : entrants) {
        std::string r;
        const auto& id = std::invoke(id_proj, e);
        detail::put_str(r, canonical_id_bytes(id));
        detail::put_u64(
            r, static_cast<std::uint64_t>(static_cast<std::int64_t>(std::invoke(party_proj, e))));
        const auto& list = std::invoke(prefs_proj, e);
        std::string ports;
        std::uint64_t n = 0;
        for (const auto& port : list) {
            using port_t = std::remove_cvref_t<decltype(port)>;
            if constexpr (std::integral<port_t>) {
                if (port < 0 || static_cast<std::uint64_t>(port) >= capacity.ports.size()) {
                    detail::throw_invalid_input("entrant " + id_text(id), "preferences",
                                                "unknown port index");
                }
                detail::put_str(ports, capacity.ports[static_cast<std::size_t>(port)].port);
            } else {
                detail::put_str(ports, std::string_view(port));
            }
            ++n;
        }
        detail::put_u64(r, n);
        r += ports;
        records.push_back(std::move(r));
    }
    std::sort(records.begin(), records.end());
    detail::sha256 h;
    h.update("cbpq-v0 entrants preferences");
    std::string count;
    detail::put_u64(count, records.size());
    h.update(count);
    for (const auto& r : records) {
        h.update(r);
    }
    return entrant_digest{records.size(), detail::to_hex(h.finish())};
}

/// verify() for a preferences receipt: the shared checks (versions, seed, key, result digest,
/// capacity, id kind), then the entrant digest over ids, parties and ranked lists
/// (digest_preference_entrants), then draw_preferences re-run and compared entry by entry.
/// Differences are values; bad entrants still throw invalid_input, as for draw_preferences;
/// a receipt of another policy throws invalid_input naming `policy`. O(n log n).
template <std::ranges::forward_range R, class IdProj, class PrefProj, class PartyProj>
[[nodiscard]] verification_report verify_preferences(const receipt& r, const R& entrants,
                                                     const day_capacity& capacity, IdProj id_proj,
                                                     PrefProj prefs_proj, PartyProj party_proj) {
    if (r.options.policy != draw_policy::preferences) {
        detail::throw_invalid_input("receipt", "policy",
                                    "a '" + std::string(to_string(r.options.policy)) +
                                        "' receipt is verified by verify, not verify_preferences");
    }
    using ref = std::ranges::range_reference_t<const R>;
    using raw_id = std::remove_cvref_t<std::invoke_result_t<IdProj&, ref>>;
    if (auto common = detail::verify_receipt_common<raw_id>(r, capacity); !common.ok) {
        return common;
    }
    const entrant_digest d =
        digest_preference_entrants(entrants, capacity, id_proj, prefs_proj, party_proj);
    if (d.count != r.entrants.count || d.sha256 != r.entrants.sha256) {
        return verification_report{
            false, "entrants: the receipt has " + std::to_string(r.entrants.count) +
                       " entrants with digest " + r.entrants.sha256 + ", the given set has " +
                       std::to_string(d.count) + " with digest " + d.sha256 +
                       " (ids, parties and preferences)"};
    }
    const draw_key key(r.seed, r.label);
    const auto recomputed = receipt_result(
        draw_preferences(entrants, capacity, key, r.options, id_proj, prefs_proj, party_proj)
            .result,
        capacity);
    if (auto diff = detail::describe_result_difference(r.result, recomputed); !diff.empty()) {
        return verification_report{false, diff};
    }
    return {};
}

/// verify_preferences() over records read through preference_traits (members `.id`,
/// `.preferences`, `.party` by default), as draw_preferences without projections reads them.
/// Same checks, exceptions and complexity as the projection form.
template <std::ranges::forward_range R>
[[nodiscard]] verification_report verify_preferences(const receipt& r, const R& entrants,
                                                     const day_capacity& capacity) {
    using T = detail::record_t<R>;
    return verify_preferences(
        r, entrants, capacity,
        [](const T& e) -> decltype(auto) { return preference_traits<T>::id(e); },
        [](const T& e) -> decltype(auto) { return preference_traits<T>::preferences(e); },
        [](const T& e) { return preference_traits<T>::party(e); });
}

/// Version of the partial-draw text form.
inline constexpr std::string_view partial_format_version = "cbpq-partial-v0";
/// Version of the seniority partial text form (docs/draw.md, "Shipping partials").
inline constexpr std::string_view seniority_partial_format_version = "cbpq-seniority-partial-v0";
/// Version of the weighted (and aging) partial text form (docs/draw.md, "Shipping partials").
inline constexpr std::string_view weighted_partial_format_version = "cbpq-weighted-partial-v0";
/// Version of the preferences partial text form (docs/draw.md, "Shipping partials").
inline constexpr std::string_view preferences_partial_format_version =
    "cbpq-preferences-partial-v0";

namespace detail {

template <class Id>
json_value partial_id_json(const Id& id) {
    return id_json(id_text(id), id_kind_of<Id>());
}

inline std::uint64_t partial_hex64(const json_reader& rd, const json_value& v,
                                   const std::string& field) {
    unsigned char b[8];
    if (v.type != json_value::kind::string || !from_hex(v.text, b)) {
        rd.fail(v, field, "expected 16 hexadecimal digits");
    }
    std::uint64_t out = 0;
    for (const unsigned char c : b) {
        out = (out << 8) | c;
    }
    return out;
}

template <class Id>
Id partial_id(const json_reader& rd, const json_value& v, const std::string& kind) {
    const std::string id = id_from_json(rd, v, kind);
    if constexpr (integer_id<Id>) {
        std::int64_t i = 0;
        std::uint64_t u = 0;
        if (json_reader::parse_int64(id, i) && std::in_range<Id>(i)) {
            return static_cast<Id>(i);
        }
        if (json_reader::parse_uint64(id, u) && std::in_range<Id>(u)) {
            return static_cast<Id>(u);
        }
        rd.fail(v, "id", "id out of range for this id type");
    } else {
        return Id(id);
    }
}

// The members every partial form starts with: format, draw_key, entrants, id_kind.
template <class Id>
json_value partial_head(std::string_view format, const std::array<unsigned char, 16>& key_bytes,
                        std::uint64_t entrants) {
    json_value root = json_value::make_object();
    root.add("format", json_value::make_string(std::string(format)));
    root.add("draw_key", json_value::make_string(to_hex(key_bytes)));
    root.add("entrants", json_value::make_integer(entrants));
    root.add("id_kind", json_value::make_string(std::string(id_kind_of<Id>())));
    return root;
}

// Reads the head; returns the id kind.
template <class Id>
std::string read_partial_head(const json_reader& rd, const json_value& root,
                              std::string_view format, std::string_view what,
                              std::array<unsigned char, 16>& key_bytes, std::uint64_t& entrants) {
    if (rd.string(root, "format") != format) {
        rd.fail(rd.member(root, "format"), "format", "not a cbpq " + std::string(what));
    }
    const json_value& k = rd.member(root, "draw_key");
    if (k.type != json_value::kind::string || !from_hex(k.text, key_bytes)) {
        rd.fail(k, "draw_key", "expected 32 hexadecimal digits");
    }
    entrants = static_cast<std::uint64_t>(
        rd.integer(rd.member(root, "entrants"), "entrants", 0, count_max));
    std::string kind = rd.string(root, "id_kind");
    if (kind != id_kind_of<Id>()) {
        rd.fail(rd.member(root, "id_kind"), "id_kind",
                "ids of kind '" + kind + "' cannot be read as " + std::string(id_kind_of<Id>()) +
                    " ids");
    }
    return kind;
}

inline json_value limits_json(const std::vector<std::size_t>& limits) {
    json_value out = json_value::make_array();
    for (const std::size_t l : limits) {
        out.push(json_value::make_integer(l));
    }
    return out;
}

inline std::vector<std::size_t> read_limits(const json_reader& rd, const json_value& po,
                                            std::string_view name, std::int64_t lo) {
    std::vector<std::size_t> out;
    for (const auto& l : rd.array(po, name).items) {
        out.push_back(static_cast<std::size_t>(rd.integer(l, name, lo, count_max)));
    }
    return out;
}

// A port's entries: each bucket sorted by `less` (canonical), buckets by party size.
template <class Cand, class Less, class Entry>
json_value entries_json(const std::vector<std::vector<Cand>>& by_size, Less less, Entry entry) {
    json_value out = json_value::make_array();
    std::vector<const Cand*> sorted;
    for (const auto& bucket : by_size) {
        sorted.clear();
        for (const auto& c : bucket) {
            sorted.push_back(&c);
        }
        std::sort(sorted.begin(), sorted.end(),
                  [&](const Cand* x, const Cand* y) { return less(*x, *y); });
        for (const Cand* c : sorted) {
            out.push(entry(*c));
        }
    }
    return out;
}

// Reads a port's entries into by_size (sized like limits): `read` parses one entry array into
// a candidate; entries must come in canonical order (party size, then `less`), each bucket
// within its limit.
template <class Cand, class Less, class Read>
void read_entries(const json_reader& rd, const json_value& po, std::string_view name,
                  std::size_t width, const std::vector<std::size_t>& limits,
                  std::vector<std::vector<Cand>>& by_size, Less less, Read read) {
    by_size.assign(limits.size(), {});
    const Cand* prev = nullptr;
    for (const auto& e : rd.array(po, name).items) {
        if (e.type != json_value::kind::array || e.items.size() != width) {
            rd.fail(e, std::string(name),
                    "expected an entry of " + std::to_string(width) + " values");
        }
        Cand c = read(e);
        const auto& party_at = e.items[width - 1];
        const std::int64_t party =
            rd.integer(party_at, "party", 1, static_cast<std::int64_t>(limits.size()));
        c.party = party;
        if (prev != nullptr && (party < prev->party || (party == prev->party && !less(*prev, c)))) {
            rd.fail(e, std::string(name),
                    "entries out of canonical order (party size, then the bucket order) or "
                    "repeated");
        }
        auto& bucket = by_size[static_cast<std::size_t>(party - 1)];
        if (bucket.size() >= limits[static_cast<std::size_t>(party - 1)]) {
            rd.fail(e, std::string(name), "more entries of this party size than its limit");
        }
        bucket.push_back(std::move(c));
        prev = &bucket.back();
    }
}

template <class Id>
json_value draw_port_json(const typename draw_partial<Id>::port_part& p) {
    json_value po = json_value::make_object();
    po.add("port", json_value::make_string(p.port));
    po.add("limits", limits_json(p.limits));
    po.add("entries", entries_json(
                          p.by_size,
                          [](const auto& x, const auto& y) {
                              return draw_order_less(x.key, x.id, y.key, y.id);
                          },
                          [](const draw_candidate<Id>& c) {
                              json_value e = json_value::make_array();
                              e.push(json_value::make_string(to_hex64(c.key)));
                              e.push(partial_id_json(c.id));
                              e.push(json_value::make_integer(c.party));
                              return e;
                          }));
    return po;
}

template <class Id>
typename draw_partial<Id>::port_part read_draw_port(const json_reader& rd, const json_value& po,
                                                    const std::string& kind) {
    typename draw_partial<Id>::port_part p;
    p.port = rd.string(po, "port");
    p.limits = read_limits(rd, po, "limits", 1);
    read_entries(
        rd, po, "entries", 3, p.limits, p.by_size,
        [](const auto& x, const auto& y) { return draw_order_less(x.key, x.id, y.key, y.id); },
        [&](const json_value& e) {
            draw_candidate<Id> c;
            c.key = partial_hex64(rd, e.items[0], "key");
            c.id = partial_id<Id>(rd, e.items[1], kind);
            return c;
        });
    return p;
}

} // namespace detail

/// A partial draw as JSON (docs/draw.md, "Shipping partials"): the draw key, the entrant
/// count, and per port its limits and kept entries [key as 16 hex digits, id, party] in
/// canonical order (party size, then key, then id), so the same partial always gives the same
/// bytes whatever order its shards were merged in. O(c log c) for c kept entries.
template <class Id>
[[nodiscard]] std::string partial_to_json(const draw_partial<Id>& part) {
    using detail::json_value;
    json_value root =
        detail::partial_head<Id>(partial_format_version, part.key_bytes, part.entrants);
    json_value ports = json_value::make_array();
    for (const auto& p : part.ports) {
        ports.push(detail::draw_port_json<Id>(p));
    }
    root.add("ports", std::move(ports));
    return detail::json_document(root);
}

/// Reads a partial written by partial_to_json, for ids of type Id (an integer type or
/// std::string); its buckets come back in canonical order (sort_partial). Throws parse_error
/// naming the member on malformed text, an id of the wrong kind, a party outside the limits,
/// more entries of a size than its limit, or entries out of canonical order (or repeated).
/// O(n).
template <class Id>
[[nodiscard]] draw_partial<Id> partial_from_json(std::string_view text,
                                                 const std::string& source = "partial") {
    const detail::json_value root = detail::json_parse(text, source);
    const detail::json_reader rd(source);
    draw_partial<Id> part;
    const std::string kind = detail::read_partial_head<Id>(
        rd, root, partial_format_version, "partial draw", part.key_bytes, part.entrants);
    for (const auto& po : rd.array(root, "ports").items) {
        part.ports.push_back(detail::read_draw_port<Id>(rd, po, kind));
    }
    return part;
}

/// A seniority partial as JSON (docs/draw.md, "Shipping partials"): the uniform form of its
/// lottery part (format "cbpq-seniority-partial-v0") with two more members per port:
/// `senior_limits` (per party size, how many of the oldest registrations are kept; 0 when the
/// port has no seniority persons) and `senior`, the kept entries [registered day, key as 16
/// hex digits, id, party] in canonical order (party size, then registered, key, id). O(c log
/// c). Throws invalid_input (field `seniority`) if the partial's parts disagree in shape.
template <class Id>
[[nodiscard]] std::string seniority_partial_to_json(const seniority_partial<Id>& part) {
    using detail::json_value;
    const auto& lot = part.lottery;
    if (part.senior.size() != lot.ports.size() || part.senior_limits.size() != lot.ports.size()) {
        detail::throw_invalid_input("partial draw", "seniority",
                                    "seniority and lottery parts of different port counts");
    }
    json_value root =
        detail::partial_head<Id>(seniority_partial_format_version, lot.key_bytes, lot.entrants);
    json_value ports = json_value::make_array();
    for (std::size_t p = 0; p < lot.ports.size(); ++p) {
        if (part.senior[p].size() != part.senior_limits[p].size()) {
            detail::throw_invalid_input("partial draw", "seniority",
                                        "seniority buckets and limits of different sizes");
        }
        json_value po = detail::draw_port_json<Id>(lot.ports[p]);
        po.add("senior_limits", detail::limits_json(part.senior_limits[p]));
        po.add("senior",
               detail::entries_json(
                   part.senior[p],
                   [](const auto& a, const auto& b) { return seniority_order_less(a, b); },
                   [](const seniority_candidate<Id>& c) {
                       json_value e = json_value::make_array();
                       e.push(json_value::make_integer(c.registered));
                       e.push(json_value::make_string(detail::to_hex64(c.key)));
                       e.push(detail::partial_id_json(c.id));
                       e.push(json_value::make_integer(c.party));
                       return e;
                   }));
        ports.push(std::move(po));
    }
    root.add("ports", std::move(ports));
    return detail::json_document(root);
}

/// Reads a seniority partial written by seniority_partial_to_json (see partial_from_json for
/// ids, limits and order); `senior_limits` must have one limit per party size, as `limits`
/// has. Throws parse_error with the source, position and member name on anything malformed.
/// O(n).
template <class Id>
[[nodiscard]] seniority_partial<Id>
seniority_partial_from_json(std::string_view text, const std::string& source = "partial") {
    using detail::json_value;
    const json_value root = detail::json_parse(text, source);
    const detail::json_reader rd(source);
    seniority_partial<Id> part;
    const std::string kind = detail::read_partial_head<Id>(
        rd, root, seniority_partial_format_version, "seniority partial draw",
        part.lottery.key_bytes, part.lottery.entrants);
    for (const auto& po : rd.array(root, "ports").items) {
        part.lottery.ports.push_back(detail::read_draw_port<Id>(rd, po, kind));
        const auto& lim = part.lottery.ports.back().limits;
        std::vector<std::size_t> senior_limits = detail::read_limits(rd, po, "senior_limits", 0);
        if (senior_limits.size() != lim.size()) {
            rd.fail(rd.member(po, "senior_limits"), "senior_limits",
                    "expected one limit per party size (as many as limits)");
        }
        std::vector<std::vector<seniority_candidate<Id>>> senior;
        detail::read_entries(
            rd, po, "senior", 4, senior_limits, senior,
            [](const auto& a, const auto& b) { return seniority_order_less(a, b); },
            [&](const json_value& e) {
                seniority_candidate<Id> c;
                c.registered =
                    rd.integer(e.items[0], "registered", std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max());
                c.key = detail::partial_hex64(rd, e.items[1], "key");
                c.id = detail::partial_id<Id>(rd, e.items[2], kind);
                return c;
            });
        part.senior_limits.push_back(std::move(senior_limits));
        part.senior.push_back(std::move(senior));
    }
    return part;
}

/// A weighted or aging partial as JSON (docs/draw.md, "Shipping partials"): the uniform form
/// (format "cbpq-weighted-partial-v0") with entries [value, key, id, party], the value being
/// the 16 hex digits of its IEEE-754 binary64 bits (exact; the walk order depends on every
/// bit), in canonical order (party size, then value, key, id). O(c log c).
template <class Id>
[[nodiscard]] std::string weighted_partial_to_json(const weighted_partial<Id>& part) {
    using detail::json_value;
    json_value root =
        detail::partial_head<Id>(weighted_partial_format_version, part.key_bytes, part.entrants);
    json_value ports = json_value::make_array();
    for (const auto& p : part.ports) {
        json_value po = json_value::make_object();
        po.add("port", json_value::make_string(p.port));
        po.add("limits", detail::limits_json(p.limits));
        po.add("entries",
               detail::entries_json(
                   p.by_size,
                   [](const auto& x, const auto& y) { return weighted_order_less(x, y); },
                   [](const weighted_candidate<Id>& c) {
                       json_value e = json_value::make_array();
                       e.push(json_value::make_string(
                           detail::to_hex64(std::bit_cast<std::uint64_t>(c.value))));
                       e.push(json_value::make_string(detail::to_hex64(c.key)));
                       e.push(detail::partial_id_json(c.id));
                       e.push(json_value::make_integer(c.party));
                       return e;
                   }));
        ports.push(std::move(po));
    }
    root.add("ports", std::move(ports));
    return detail::json_document(root);
}

/// Reads a weighted partial written by weighted_partial_to_json (see partial_from_json). A
/// value must be the bits of a finite, non-negative number with the sign bit clear, else
/// parse_error names the field `value`. O(n).
template <class Id>
[[nodiscard]] weighted_partial<Id>
weighted_partial_from_json(std::string_view text, const std::string& source = "partial") {
    using detail::json_value;
    const json_value root = detail::json_parse(text, source);
    const detail::json_reader rd(source);
    weighted_partial<Id> part;
    const std::string kind =
        detail::read_partial_head<Id>(rd, root, weighted_partial_format_version,
                                      "weighted partial draw", part.key_bytes, part.entrants);
    for (const auto& po : rd.array(root, "ports").items) {
        typename weighted_partial<Id>::port_part p;
        p.port = rd.string(po, "port");
        p.limits = detail::read_limits(rd, po, "limits", 1);
        detail::read_entries(
            rd, po, "entries", 4, p.limits, p.by_size,
            [](const auto& x, const auto& y) { return weighted_order_less(x, y); },
            [&](const json_value& e) {
                weighted_candidate<Id> c;
                const std::uint64_t bits = detail::partial_hex64(rd, e.items[0], "value");
                c.value = std::bit_cast<double>(bits);
                if ((bits >> 63) != 0 || !std::isfinite(c.value)) {
                    rd.fail(e.items[0], "value",
                            "expected the bits of a finite non-negative binary64");
                }
                c.key = detail::partial_hex64(rd, e.items[1], "key");
                c.id = detail::partial_id<Id>(rd, e.items[2], kind);
                return c;
            });
        part.ports.push_back(std::move(p));
    }
    return part;
}

namespace detail {

inline json_value indexes_json(const std::vector<std::uint32_t>& v) {
    json_value out = json_value::make_array();
    for (const std::uint32_t i : v) {
        out.push(json_value::make_integer(i));
    }
    return out;
}

// Capacity indexes below `ports`, read from an array of integers.
inline std::vector<std::uint32_t> read_indexes(const json_reader& rd, const json_value& a,
                                               std::string_view name, std::size_t ports) {
    if (a.type != json_value::kind::array) {
        rd.fail(a, std::string(name), "expected an array");
    }
    std::vector<std::uint32_t> out;
    for (const auto& i : a.items) {
        out.push_back(static_cast<std::uint32_t>(
            rd.integer(i, name, 0, static_cast<std::int64_t>(ports) - 1)));
    }
    return out;
}

} // namespace detail

/// A preferences partial as JSON (docs/draw.md, "Shipping partials"), format
/// "cbpq-preferences-partial-v0": the head every partial form has, `ports` (the capacity's port
/// names in capacity order) and `classes`, one object per (port set, party size) class with its
/// `ports` (capacity indexes, ascending), `party`, `limit` and `members` [key as 16 hex digits,
/// id, the entrant's list as capacity indexes, best first]. Classes in (ports, party) order,
/// members in (key, id) order, whatever the order in memory: one partial, one text. O(c log c)
/// for c kept entrants. Throws invalid_input (field `classes`) on what the reader would refuse:
/// a class whose ports are not ascending indexes of `ports`, whose party or limit is below 1,
/// with more members than its limit, or given twice; a member whose party or set of ports is
/// not its class's.
template <class Id>
[[nodiscard]] std::string preferences_partial_to_json(const preferences_partial<Id>& part) {
    using detail::json_value;
    using port_class = typename preferences_partial<Id>::port_class;
    json_value root =
        detail::partial_head<Id>(preferences_partial_format_version, part.key_bytes, part.entrants);
    json_value names = json_value::make_array();
    for (const auto& p : part.ports) {
        names.push(json_value::make_string(p));
    }
    root.add("ports", std::move(names));
    std::vector<const port_class*> classes;
    for (const auto& c : part.classes) {
        classes.push_back(&c);
    }
    std::sort(classes.begin(), classes.end(), [](const port_class* a, const port_class* b) {
        return a->ports != b->ports ? a->ports < b->ports : a->party < b->party;
    });
    json_value out = json_value::make_array();
    std::vector<const preference_candidate<Id>*> members;
    std::vector<std::uint32_t> set;
    for (std::size_t i = 0; i < classes.size(); ++i) {
        const port_class* c = classes[i];
        const bool ascending = !c->ports.empty() &&
                               std::adjacent_find(c->ports.begin(), c->ports.end(),
                                                  std::greater_equal<>()) == c->ports.end() &&
                               c->ports.back() < part.ports.size();
        if (!ascending || c->party < 1 || c->limit < 1 || c->members.size() > c->limit ||
            (i > 0 && classes[i - 1]->ports == c->ports && classes[i - 1]->party == c->party)) {
            detail::throw_invalid_input("partial draw", "classes",
                                        "a class with ports not ascending capacity indexes, a "
                                        "party or limit below 1, more members than its limit, "
                                        "or the same class twice");
        }
        members.clear();
        for (const auto& m : c->members) {
            set = m.ports;
            std::sort(set.begin(), set.end());
            if (m.party != c->party || set != c->ports) {
                detail::throw_invalid_input("partial draw", "classes",
                                            "a member whose party or list of ports is not its "
                                            "class's");
            }
            members.push_back(&m);
        }
        std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
            return draw_order_less(a->key, a->id, b->key, b->id);
        });
        json_value co = json_value::make_object();
        co.add("ports", detail::indexes_json(c->ports));
        co.add("party", json_value::make_integer(c->party));
        co.add("limit", json_value::make_integer(c->limit));
        json_value ms = json_value::make_array();
        for (const auto* m : members) {
            json_value e = json_value::make_array();
            e.push(json_value::make_string(detail::to_hex64(m->key)));
            e.push(detail::partial_id_json(m->id));
            e.push(detail::indexes_json(m->ports));
            ms.push(std::move(e));
        }
        co.add("members", std::move(ms));
        out.push(std::move(co));
    }
    root.add("classes", std::move(out));
    return detail::json_document(root);
}

/// Reads a preferences partial written by preferences_partial_to_json (see partial_from_json
/// for the head and ids). Refuses, with parse_error naming the member: repeated port names
/// (`ports`); a class whose ports are not ascending capacity indexes (`ports`), a party below
/// 1 (`party`), a limit below 1 (`limit`), more members than its limit (`members`); classes
/// out of (ports, party) order or repeated (`classes`); a member that is not [key, id, list]
/// (`members`), whose list repeats a port or is not exactly its class's set (`preferences`), or
/// that is not strictly after the one before it in (key, id) order (`members`). O(n log n).
template <class Id>
[[nodiscard]] preferences_partial<Id>
preferences_partial_from_json(std::string_view text, const std::string& source = "partial") {
    using detail::json_value;
    const json_value root = detail::json_parse(text, source);
    const detail::json_reader rd(source);
    preferences_partial<Id> part;
    const std::string kind =
        detail::read_partial_head<Id>(rd, root, preferences_partial_format_version,
                                      "preferences partial draw", part.key_bytes, part.entrants);
    const json_value& names = rd.array(root, "ports");
    for (const auto& n : names.items) {
        if (n.type != json_value::kind::string) {
            rd.fail(n, "ports", "expected a port name");
        }
        part.ports.push_back(n.text);
    }
    {
        std::vector<std::string> sorted = part.ports;
        std::sort(sorted.begin(), sorted.end());
        if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
            rd.fail(names, "ports", "a port named twice");
        }
    }
    const std::size_t port_count = part.ports.size();
    std::vector<std::uint32_t> set;
    for (const auto& co : rd.array(root, "classes").items) {
        typename preferences_partial<Id>::port_class c;
        const json_value& cp = rd.member(co, "ports");
        c.ports = detail::read_indexes(rd, cp, "ports", port_count);
        if (c.ports.empty() || std::adjacent_find(c.ports.begin(), c.ports.end(),
                                                  std::greater_equal<>()) != c.ports.end()) {
            rd.fail(cp, "ports", "expected ascending capacity indexes, at least one");
        }
        c.party = rd.integer(rd.member(co, "party"), "party", 1, detail::count_max);
        c.limit = static_cast<std::size_t>(
            rd.integer(rd.member(co, "limit"), "limit", 1, detail::count_max));
        if (!part.classes.empty()) {
            const auto& prev = part.classes.back();
            if (!(prev.ports != c.ports ? prev.ports < c.ports : prev.party < c.party)) {
                rd.fail(co, "classes",
                        "classes out of canonical order (ports, then party) or repeated");
            }
        }
        for (const auto& e : rd.array(co, "members").items) {
            if (e.type != json_value::kind::array || e.items.size() != 3) {
                rd.fail(e, "members", "expected a member of 3 values");
            }
            if (c.members.size() >= c.limit) {
                rd.fail(e, "members", "more members than the class's limit");
            }
            preference_candidate<Id> m;
            m.key = detail::partial_hex64(rd, e.items[0], "key");
            m.id = detail::partial_id<Id>(rd, e.items[1], kind);
            m.party = c.party;
            m.ports = detail::read_indexes(rd, e.items[2], "preferences", port_count);
            set = m.ports;
            std::sort(set.begin(), set.end());
            if (set != c.ports) {
                rd.fail(e.items[2], "preferences",
                        "a list that repeats a port or is not its class's set of ports");
            }
            if (!c.members.empty() &&
                !draw_order_less(c.members.back().key, c.members.back().id, m.key, m.id)) {
                rd.fail(e, "members", "members out of canonical order (key, then id) or repeated");
            }
            c.members.push_back(std::move(m));
        }
        part.classes.push_back(std::move(c));
    }
    return part;
}

CBPQ_END_NAMESPACE

#endif
