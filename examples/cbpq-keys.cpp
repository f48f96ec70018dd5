// SPDX-License-Identifier: BSL-1.0
// cbpq-keys: prints the keyed order of a list of entrant ids under a seed and label, the
// smallest key first. The smallest example of a verifiable draw: anyone with the same seed,
// label and ids gets the same order, whatever order the ids came in.
//
//   cbpq-keys --seed HEX | --public-values "9319/2 5 12 8 10/..." --label TEXT
//             [--count K] [ID ...]        (default ids: 1..20)

#include "tool.hpp"

#include <cbpq/random.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace {

constexpr std::string_view usage =
    "usage: cbpq-keys (--seed HEX | --public-values TEXT) --label TEXT [--count K] [ID ...]\n";

int body(int argc, char** argv) {
    const tool::options opt(argc, argv, {"seed", "public-values", "label", "count"});
    if (opt.has("seed") == opt.has("public-values")) {
        throw tool::usage_error("give exactly one of --seed and --public-values");
    }
    const cbpq::seed s = opt.has("seed")
                             ? cbpq::seed::from_hex(opt.require("seed"))
                             : cbpq::seed::from_public_values(opt.require("public-values"));
    const cbpq::draw_key key(s, opt.require("label"));
    std::vector<std::string> ids = opt.positional();
    if (ids.empty()) {
        for (int i = 1; i <= 20; ++i) {
            ids.push_back(std::to_string(i));
        }
    }
    struct place {
        std::uint64_t key;
        std::string id;
    };
    std::vector<place> order;
    for (const auto& id : ids) {
        order.push_back({key.entrant_key(std::string_view(id)), id});
    }
    std::sort(order.begin(), order.end(), [](const place& a, const place& b) {
        return a.key != b.key
                   ? a.key < b.key
                   : cbpq::compare_ids(std::string_view(a.id), std::string_view(b.id)) < 0;
    });
    std::size_t count = order.size();
    if (auto c = opt.get("count")) {
        count = std::min<std::size_t>(count, std::stoul(*c));
    }
    std::printf("seed  %s\nlabel %s\nrank\tkey\t\t\tid\n", s.to_hex().c_str(),
                opt.require("label").c_str());
    for (std::size_t i = 0; i < count; ++i) {
        std::printf("%zu\t%s\t%s\n", i + 1, cbpq::detail::to_hex64(order[i].key).c_str(),
                    order[i].id.c_str());
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-keys", usage, [&] { return body(argc, argv); });
}
