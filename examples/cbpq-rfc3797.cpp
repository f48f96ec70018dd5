// SPDX-License-Identifier: BSL-1.0
// cbpq-rfc3797: selection exactly as RFC 3797 section 4, from a published, ordered pool.
//
//   cbpq-rfc3797 (--pool FILE | --size N) --sources "A/B/C" --count K
//
// FILE holds one name per line in the published order (blank lines and a final newline are
// ignored; duplicate names are refused). Prints one line per selection:
//   index<TAB>MD5 (upper-case hex, as the RFC prints it)<TAB>remaining<TAB>position<TAB>name

#include "tool.hpp"

#include <cbpq/rfc3797.hpp>

#include <cctype>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

namespace {

constexpr std::string_view usage =
    "usage: cbpq-rfc3797 (--pool FILE | --size N) --sources \"A/B/C\" --count K\n";

std::size_t parse_count(const std::string& text, const std::string& option) {
    if (text.empty() || text.size() > 9) {
        throw tool::usage_error("--" + option + " needs a whole number, got '" + text + "'");
    }
    std::size_t v = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            throw tool::usage_error("--" + option + " needs a whole number, got '" + text + "'");
        }
        v = v * 10 + static_cast<std::size_t>(c - '0');
    }
    return v;
}

std::vector<std::string> read_pool(const std::string& path) {
    const std::string text = tool::read_file(path);
    std::vector<std::string> names;
    std::set<std::string> seen;
    std::size_t line = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) {
            end = text.size();
        }
        ++line;
        std::string name = text.substr(pos, end - pos);
        if (!name.empty() && name.back() == '\r') {
            name.pop_back();
        }
        pos = end + 1;
        if (name.find_first_not_of(" \t") == std::string::npos) {
            continue;
        }
        if (!seen.insert(name).second) {
            throw cbpq::parse_error(path, line, 1, "name",
                                    "'" + name + "' appears twice in the pool");
        }
        names.push_back(std::move(name));
    }
    if (names.empty()) {
        throw cbpq::parse_error(path, 1, 0, "name", "the pool is empty");
    }
    return names;
}

int body(int argc, char** argv) {
    const tool::options opt(argc, argv, {"pool", "size", "sources", "count"});
    if (opt.has("pool") == opt.has("size")) {
        throw tool::usage_error("give exactly one of --pool and --size");
    }
    std::vector<std::string> names;
    if (opt.has("pool")) {
        names = read_pool(opt.require("pool"));
    } else {
        const std::size_t n = parse_count(opt.require("size"), "size");
        if (n == 0 || n > cbpq::rfc3797_max_pool) {
            throw cbpq::invalid_input("--size", "size", "pool size must be 1..65535");
        }
        for (std::size_t i = 1; i <= n; ++i) {
            names.push_back(std::to_string(i));
        }
    }
    const std::size_t count = parse_count(opt.require("count"), "count");
    const auto steps =
        cbpq::rfc3797_select_from_sources(names.size(), opt.require("sources"), count);
    std::string out;
    for (const auto& s : steps) {
        std::string hex = cbpq::detail::to_hex(s.digest);
        for (char& c : hex) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        out += std::to_string(s.number) + '\t' + hex + '\t' + std::to_string(s.remaining) + '\t' +
               std::to_string(s.position) + '\t' + names[s.pool_index] + '\n';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-rfc3797", usage, [&] { return body(argc, argv); });
}
