// Pass one internals (detail/draw_pass.hpp, the batch paths of detail/lane_keys.hpp): every
// SIMD path against the scalar reference, and the duplicate check against a plain count.
#include <cbpq/draw.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <forward_list>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

const cbpq::draw_key& pass_key() {
    static const cbpq::draw_key key(
        cbpq::seed::from_hex("3b1f0c9e5a7d2486f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566ff"),
        "pass");
    return key;
}

// Values that exercise the encoding: signs, extremes, every byte position.
std::vector<std::uint64_t> awkward_values(std::size_t n, std::uint64_t seed) {
    std::vector<std::uint64_t> v = {0,
                                    1,
                                    0xff,
                                    0x100,
                                    0x7fffffffffffffffULL,
                                    0x8000000000000000ULL,
                                    0xffffffffffffffffULL,
                                    0x0123456789abcdefULL};
    std::mt19937_64 g(seed);
    while (v.size() < n) {
        const std::uint64_t r = g();
        v.push_back(r >> (r & 63U)); // small and large magnitudes
    }
    v.resize(n);
    return v;
}

using batch_fn = cbpq::detail::batch_keys_fn;

// Every batch length from 0 to 100 (so every tail of the 32- and 8-key blocks) and one long
// batch, signed and unsigned, against draw_key::entrant_key itself.
void check_batch_path(batch_fn fn) {
    const auto& key = pass_key();
    for (std::size_t n = 0; n <= 100; ++n) {
        for (const bool is_signed : {false, true}) {
            const auto values = awkward_values(n, n + 7);
            std::vector<std::uint64_t> got(n + 1, 0xdeadbeef);
            fn(key.k0(), key.k1(), values.data(), n, is_signed, got.data());
            for (std::size_t i = 0; i < n; ++i) {
                const std::uint64_t want =
                    is_signed ? key.entrant_key(static_cast<std::int64_t>(values[i]))
                              : key.entrant_key(values[i]);
                CHECK(got[i] == want);
            }
            CHECK(got[n] == 0xdeadbeef); // nothing written past the batch
        }
    }
    const auto values = awkward_values(10007, 99);
    std::vector<std::uint64_t> got(values.size());
    std::vector<std::uint64_t> want(values.size());
    fn(key.k0(), key.k1(), values.data(), values.size(), true, got.data());
    cbpq::detail::batch_keys_scalar(key.k0(), key.k1(), values.data(), values.size(), true,
                                    want.data());
    CHECK(got == want);
}

std::vector<std::uint64_t> repeated_by_count(const std::vector<std::uint64_t>& keys) {
    std::map<std::uint64_t, int> count;
    for (const auto k : keys) {
        ++count[k];
    }
    std::vector<std::uint64_t> out;
    for (const auto& [k, c] : count) {
        if (c > 1) {
            out.push_back(k);
        }
    }
    return out;
}

std::vector<std::uint64_t> repeated_by_finder(const std::vector<std::uint64_t>& keys,
                                              std::size_t expected) {
    cbpq::detail::key_scratch scratch;
    cbpq::detail::repeated_key_finder f(expected, scratch);
    // Uneven chunks, as the pass adds them.
    std::size_t i = 0;
    std::size_t step = 1;
    while (i < keys.size()) {
        const std::size_t n = std::min(step, keys.size() - i);
        f.add(keys.data() + i, n);
        i += n;
        step = step * 3 % 301 + 1;
    }
    return f.finish();
}

struct rec {
    std::int64_t id;
    std::string port;
    int party;
};

cbpq::day_capacity one_port() {
    cbpq::day_capacity cap;
    cap.ports.push_back({"a", 5, std::nullopt, {}});
    return cap;
}

} // namespace

TEST_CASE("draw pass: batch keys equal draw_key::entrant_key on every path this CPU runs") {
    check_batch_path(&cbpq::detail::batch_keys_scalar);
    check_batch_path(cbpq::detail::best_batch_keys());
#ifdef CBPQ_LANE_KEYS_X86
    if (__builtin_cpu_supports("avx2")) {
        check_batch_path(&cbpq::detail::batch_keys_avx2);
    }
    if (__builtin_cpu_supports("avx512f")) {
        check_batch_path(&cbpq::detail::batch_keys_avx512);
    }
#endif
}

TEST_CASE("draw pass: the repeated-key finder is exact") {
    std::mt19937_64 g(11);
    SUBCASE("distinct keys: nothing") {
        std::vector<std::uint64_t> keys(50000);
        for (auto& k : keys) {
            k = g();
        }
        CHECK(repeated_by_finder(keys, keys.size()).empty());
    }
    SUBCASE("planted repeats, zero and all-ones keys, triples, first and last partitions") {
        std::vector<std::uint64_t> keys(30000);
        for (auto& k : keys) {
            k = g();
        }
        keys.push_back(0);
        keys.push_back(0);
        keys.push_back(~std::uint64_t{0});
        keys.push_back(~std::uint64_t{0});
        keys.push_back(1); // top partition 0, once: not repeated
        for (int i = 0; i < 3; ++i) {
            keys.push_back(keys[123]);
        }
        keys.push_back(keys[29999]);
        std::shuffle(keys.begin(), keys.end(), g);
        const auto want = repeated_by_count(keys);
        CHECK(want.size() == 4);
        CHECK(repeated_by_finder(keys, keys.size()) == want);
    }
    SUBCASE("an undersized estimate and a crowded partition overflow, still exact") {
        std::vector<std::uint64_t> keys;
        for (int i = 0; i < 20000; ++i) {
            // All in the top partition, differing only in low bits, with repeats.
            keys.push_back((std::uint64_t{0xffff} << 48) | (g() % 15000));
        }
        for (int i = 0; i < 5000; ++i) {
            keys.push_back(g());
        }
        const auto want = repeated_by_count(keys);
        CHECK(!want.empty());
        CHECK(repeated_by_finder(keys, 100) == want);
        CHECK(repeated_by_finder(keys, keys.size()) == want);
        CHECK(repeated_by_finder(keys, 0) == want);
    }
}

TEST_CASE("draw pass: the repeated-key finder is exact on a reused scratch of any size") {
    std::mt19937_64 g(12);
    cbpq::detail::key_scratch scratch;
    // Growing, shrinking (a store much larger than needed: long regions), slightly growing (the
    // store reused with less slack) and crowded (overflow into a reused overflow list).
    const std::size_t sizes[] = {5000, 200000, 300, 70000, 74000, 0, 90000, 3000};
    std::size_t previous_region = 0;
    for (std::size_t step = 0; step < std::size(sizes); ++step) {
        const std::size_t n = sizes[step];
        CAPTURE(n);
        std::vector<std::uint64_t> keys(n);
        for (auto& k : keys) {
            k = g();
        }
        if (n > 10) {
            keys[n / 3] = keys[n / 2];
            keys[n - 1] = keys[0];
        }
        if (step == 6) {
            for (std::size_t i = 0; i < 8000; ++i) { // all in partition 0, some repeated
                keys[i] = g() % 3000;
            }
        }
        const auto want = repeated_by_count(keys);
        cbpq::detail::repeated_key_finder f(n, scratch);
        if (step == 2) {
            CHECK(f.region() > 10000); // the 200,000-key store, reused for 300 keys
        }
        if (step == 4) {
            CHECK(f.region() == previous_region); // the store reused
        }
        previous_region = f.region();
        std::size_t i = 0;
        while (i < n) {
            const std::size_t m = std::min<std::size_t>(256, n - i);
            f.add(keys.data() + i, m);
            i += m;
        }
        CHECK(f.finish() == want);
        if (n > 10) {
            CHECK(!want.empty());
        }
    }
}

TEST_CASE("draw pass: equal keys with different ids are not duplicates") {
    using It = std::vector<rec>::const_iterator;
    const std::vector<rec> recs = {{5, "a", 1}, {6, "a", 1}, {7, "a", 1}, {6, "a", 1}};
    auto id = [](const rec& r) { return r.id; };
    // A forced 64-bit collision between ids 5 and 7: not reported.
    std::vector<std::pair<std::uint64_t, It>> found = {{42, recs.begin()}, {42, recs.begin() + 2}};
    CHECK_NOTHROW(cbpq::detail::throw_first_duplicate(found, id));
    // Equal ids are, by the id with the smallest key.
    found = {
        {42, recs.begin()}, {9, recs.begin() + 1}, {42, recs.begin() + 2}, {9, recs.begin() + 3}};
    try {
        cbpq::detail::throw_first_duplicate(found, id);
        FAIL("no exception");
    } catch (const cbpq::invalid_input& e) {
        CHECK(e.record() == "entrant 6");
        CHECK(e.field() == "id");
    }
}

TEST_CASE("draw pass: duplicates are found for every id kind and range kind") {
    const auto cap = one_port();
    const auto& key = pass_key();
    auto id_of = [](const rec& r) { return r.id; };
    auto port_of = [](const rec& r) -> const std::string& { return r.port; };
    auto party_of = [](const rec& r) { return r.party; };
    auto fails_with = [&](const auto& recs, const std::string& record) {
        try {
            (void)cbpq::draw(recs, cap, key, cbpq::draw_options{}, id_of, port_of, party_of);
            FAIL("no exception for " << record);
        } catch (const cbpq::invalid_input& e) {
            CHECK(e.record() == record);
            CHECK(e.field() == "id");
        }
    };
    // Negative ids (tag 'N'), far apart in a pool of 5,000.
    std::vector<rec> v;
    for (std::int64_t i = 0; i < 5000; ++i) {
        v.push_back({-i - 1, "a", 1});
    }
    v.push_back({-4321, "a", 1});
    fails_with(v, "entrant -4321");
    // The same pool as an unsized forward range.
    const std::forward_list<rec> fl(v.begin(), v.end());
    fails_with(fl, "entrant -4321");
    // Unique ids pass, and the results agree.
    v.pop_back();
    const std::forward_list<rec> ok(v.begin(), v.end());
    const auto a = cbpq::draw(v, cap, key, cbpq::draw_options{}, id_of, port_of, party_of);
    const auto b = cbpq::draw(ok, cap, key, cbpq::draw_options{}, id_of, port_of, party_of);
    CHECK(a == b);
    // String ids.
    struct srec {
        std::string id;
        std::string port;
        int party;
    };
    std::vector<srec> s;
    for (int i = 0; i < 3000; ++i) {
        s.push_back({"REG-" + std::to_string(i), "a", 1});
    }
    s.push_back({"REG-2999", "a", 2});
    try {
        (void)cbpq::draw(s, cap, key);
        FAIL("no exception for string ids");
    } catch (const cbpq::invalid_input& e) {
        CHECK(e.record() == "entrant REG-2999");
        CHECK(e.field() == "id");
    }
}

namespace {

// Port names that stress the lookup's word encoding: every length from 0 to 40, names that
// share their length, first and last bytes and differ in one middle byte, names that are
// prefixes of each other, and names with NUL and high bytes.
std::vector<std::string> awkward_port_names() {
    std::vector<std::string> names;
    for (std::size_t n = 0; n <= 40; ++n) {
        std::string s(n, 'p');
        for (std::size_t i = 0; i < n; ++i) {
            s[i] = static_cast<char>('a' + (i * 7 + n) % 26);
        }
        names.push_back(s);
        if (n >= 1) {
            for (std::size_t at = 0; at < n; ++at) {
                std::string t = s;
                t[at] = static_cast<char>(t[at] == 'Z' ? 'Y' : 'Z');
                names.push_back(t);
            }
        }
    }
    names.push_back(std::string("ab\0d", 4));
    names.push_back(std::string("ab\0e", 4));
    names.push_back(std::string("\xff\xfe\x01", 3));
    names.push_back(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff", 9));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

cbpq::day_capacity capacity_of(const std::vector<std::string>& names) {
    cbpq::day_capacity cap;
    for (const auto& n : names) {
        cap.ports.push_back({n, 10, std::nullopt, {}});
    }
    return cap;
}

} // namespace

TEST_CASE("draw pass: port lookup finds every port and nothing else") {
    const auto all = awkward_port_names();
    // The whole set (hundreds of ports), a handful, and one.
    for (const std::size_t count : {all.size(), std::size_t{9}, std::size_t{1}}) {
        std::vector<std::string> names;
        for (std::size_t i = 0; i < count; ++i) {
            names.push_back(all[(i * 37) % all.size()]);
        }
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        const auto cap = capacity_of(names); // the lookup views the capacity's names
        const cbpq::detail::port_lookup lookup(cap);
        for (std::size_t i = 0; i < names.size(); ++i) {
            CHECK(lookup.find(names[i]) == static_cast<std::int32_t>(i));
        }
        // Every name of the wider set that is not a port, and near misses of the ports: one
        // byte changed, one byte longer, one byte shorter.
        for (const auto& s : all) {
            if (!std::binary_search(names.begin(), names.end(), s)) {
                CHECK(lookup.find(s) == -1);
            }
        }
        for (const auto& s : names) {
            for (const std::string& miss :
                 {s + "x", s + std::string(1, '\0'), s.empty() ? std::string("q") : s.substr(1),
                  s.empty() ? std::string("r") : s.substr(0, s.size() - 1)}) {
                if (!std::binary_search(names.begin(), names.end(), miss)) {
                    CHECK(lookup.find(miss) == -1);
                }
            }
            for (std::size_t at = 0; at < s.size(); ++at) {
                std::string t = s;
                t[at] = static_cast<char>(t[at] ^ 0x40);
                if (!std::binary_search(names.begin(), names.end(), t)) {
                    CHECK(lookup.find(t) == -1);
                }
            }
        }
    }
    SUBCASE("no ports") {
        const cbpq::day_capacity cap;
        const cbpq::detail::port_lookup lookup(cap);
        CHECK(lookup.find("") == -1);
        CHECK(lookup.find("nogales") == -1);
    }
}

TEST_CASE("draw pass: ports by name, alternating or in runs, draw as ports by index") {
    // Names that share length, first and last byte (and short and long ones), entrants
    // alternating between them or in long runs: resolving names must give exactly the draw
    // that capacity indexes give.
    const std::vector<std::string> names = {"port-aaaa-x",
                                            "port-aaab-x",
                                            "port-abaa-x",
                                            "p",
                                            "pq",
                                            "pqr",
                                            "a-port-name-longer-than-16"};
    auto cap = capacity_of(names);
    for (auto& p : cap.ports) {
        p.persons = 40;
    }
    struct entrant {
        std::int64_t id;
        std::string port;
        std::int64_t index;
        int party;
    };
    for (const bool alternate : {true, false}) {
        std::vector<entrant> es;
        std::mt19937_64 g(alternate ? 21 : 22);
        for (std::int64_t i = 0; i < 4000; ++i) {
            const std::size_t p = alternate ? static_cast<std::size_t>(i) % names.size()
                                            : static_cast<std::size_t>(i / 600) % names.size();
            es.push_back({i * 13 + 5, names[p], static_cast<std::int64_t>(p),
                          static_cast<int>(1 + g() % 3)});
        }
        cbpq::draw_options opt;
        opt.alternates = 5;
        auto id = [](const entrant& e) { return e.id; };
        auto party = [](const entrant& e) { return e.party; };
        const auto by_name = cbpq::draw(
            es, cap, pass_key(), opt, id,
            [](const entrant& e) -> const std::string& { return e.port; }, party);
        const auto by_index = cbpq::draw(
            es, cap, pass_key(), opt, id, [](const entrant& e) { return e.index; }, party);
        CHECK(by_name == by_index);
        // An unknown name among them is reported for its entrant.
        es[1234].port = "port-aaac-x";
        try {
            (void)cbpq::draw(
                es, cap, pass_key(), opt, id,
                [](const entrant& e) -> const std::string& { return e.port; }, party);
            FAIL("no exception");
        } catch (const cbpq::invalid_input& e) {
            CHECK(e.record() == "entrant " + std::to_string(es[1234].id));
            CHECK(e.field() == "port");
        }
    }
}
