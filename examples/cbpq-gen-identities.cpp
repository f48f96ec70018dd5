// SPDX-License-Identifier: BSL-1.0
// cbpq-gen-identities: writes realistic registrations, with duplicates and hard negatives, for
// measuring duplicate detection (see examples/common/identity_gen.hpp). The `person` column is
// the true person id. Deterministic from the seed.
//
//   cbpq-gen-identities --count N --dup-rate R --seed S --out FILE.csv

#include "identity_gen.hpp"
#include "tool.hpp"

#include <cbpq/csv.hpp>

#include <charconv>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace {

constexpr std::string_view usage =
    "usage: cbpq-gen-identities --count N --dup-rate R --seed S --out FILE.csv\n"
    "  N registrations, a fraction R (0 <= R < 1) of them duplicates of earlier people.\n";

std::uint64_t parse_u64(const std::string& name, const std::string& text) {
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) {
        throw tool::usage_error("--" + name + " needs a non-negative integer, got '" + text + "'");
    }
    return v;
}

// Registrations held in memory at once, about 300 bytes each: 10^9 is about 300 GB.
constexpr std::uint64_t max_count = 1000000000;

int body(int argc, char** argv) {
    const tool::options opt(argc, argv, {"count", "dup-rate", "seed", "out"});
    gen::options o;
    const std::uint64_t count = parse_u64("count", opt.require("count"));
    if (count > max_count) {
        throw tool::usage_error("--count needs at most 1000000000 registrations, got " +
                                std::to_string(count));
    }
    o.count = static_cast<std::size_t>(count);
    const std::string rate = opt.require("dup-rate");
    // A plain decimal number: std::from_chars takes no spaces, sign or hexadecimal prefix.
    const auto [end, ec] = std::from_chars(rate.data(), rate.data() + rate.size(), o.dup_rate);
    if (rate.empty() || rate[0] == '-' || ec != std::errc() || end != rate.data() + rate.size() ||
        !(o.dup_rate >= 0.0 && o.dup_rate < 1.0)) {
        throw tool::usage_error("--dup-rate needs a number in [0, 1), got '" + rate + "'");
    }
    o.seed = parse_u64("seed", opt.require("seed"));
    const std::string out_path = opt.require("out");

    const auto rows = gen::generate(o);
    std::string out;
    out.reserve(rows.size() * 220);
    out += gen::csv_header;
    out += '\n';
    std::vector<std::string> f(17);
    for (const auto& r : rows) {
        f[0] = r.id;
        f[1] = std::to_string(r.person);
        f[2] = gen::iso_time(r.registered);
        f[3] = r.given;
        f[4] = r.surname;
        f[5] = r.birth;
        f[6] = r.sex;
        f[7] = r.nationality;
        f[8] = r.document_type;
        f[9] = r.document_country;
        f[10] = r.document;
        f[11] = r.phone;
        f[12] = r.phone_country;
        f[13] = r.email;
        f[14] = r.device;
        f[15] = r.address;
        f[16] = r.city;
        cbpq::csv_append_row(out, f);
    }
    tool::write_file_atomic(out_path, out);
    return tool::ok;
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-gen-identities", usage, [&] { return body(argc, argv); });
}
