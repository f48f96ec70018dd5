// Similarity and folding speed, per pair / per name, beside textbook baselines measured in the
// same run: a naive Jaro-Winkler (vectors of flags, no cutoffs) and the plain Wagner-Fischer
// Levenshtein.
#include <cbpq/detail/dedup_text.hpp>
#include <cbpq/identity.hpp>
#include <cbpq/similarity.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace {

// Name pairs of the kind duplicate detection compares (folded surnames and given names).
const std::vector<std::pair<std::u32string, std::u32string>>& name_pairs() {
    static const std::vector<std::pair<std::u32string, std::u32string>> pairs = [] {
        const char* raw[][2] = {
            {"GONZALEZ", "GONSALEZ"},
            {"HERNANDEZ", "FERNANDEZ"},
            {"RODRIGUEZ", "RODRIGUES"},
            {"MARIA JOSE", "MARIA JOSEFA"},
            {"JEAN BAPTISTE", "JAN BATIS"},
            {"SHACKLEFORD", "SHACKELFORD"},
            {"VASQUEZ", "VELASQUEZ"},
            {"ALEKSANDR", "ALEXANDER"},
            {"PEREZ GARCIA", "GARCIA PEREZ"},
            {"NUNEZ", "MUNOZ"},
            {"CASTILLO", "CASTRO"},
            {"WILNER", "WILMER"},
            {"DUNNINGHAM", "CUNNIGHAM"},
            {"MARTHA", "MARHTA"},
            {"JOHNSON", "JONES"},
            {"GUADALUPE", "GUADALUPE"},
        };
        std::vector<std::pair<std::u32string, std::u32string>> out;
        for (const auto& p : raw) {
            out.emplace_back(cbpq::decode_utf8(p[0]), cbpq::decode_utf8(p[1]));
        }
        return out;
    }();
    return pairs;
}

// name_pairs() as folded text.
const std::vector<std::pair<std::string, std::string>>& char_pairs() {
    static const std::vector<std::pair<std::string, std::string>> pairs = [] {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& [a, b] : name_pairs()) {
            out.emplace_back(std::string(a.begin(), a.end()), std::string(b.begin(), b.end()));
        }
        return out;
    }();
    return pairs;
}

// Document numbers as the document-typo rule sees them: mostly unrelated numbers of the same
// length, some one edit apart (substitution, transposition, insertion).
const std::vector<std::pair<std::string, std::string>>& document_pairs() {
    static const std::vector<std::pair<std::string, std::string>> pairs = {
        {"U35649660", "834440186"},
        {"W6627243", "W6627234"},
        {"GVLH545105GVRHYO07", "GVLH545105GVRHYO07"},
        {"748708254", "790732466"},
        {"0403359775", "0403359755"},
        {"X1234567", "X12345678"},
        {"PA1122334", "PA1122343"},
        {"E7781236", "F9912345"},
        {"AB123456", "BA123456"},
        {"9988776655", "9988776656"},
        {"CURP00112233", "CURP00112234"},
        {"N0012345", "M8812345"},
    };
    return pairs;
}

// Textbook Jaro-Winkler: the definition as usually written, allocating its flag vectors.
double naive_jaro_winkler(const std::u32string& a, const std::u32string& b) {
    if (a.empty() && b.empty()) {
        return 1.0;
    }
    if (a.empty() || b.empty()) {
        return 0.0;
    }
    const std::size_t window =
        std::max(a.size(), b.size()) / 2 > 0 ? std::max(a.size(), b.size()) / 2 - 1 : 0;
    std::vector<bool> ma(a.size(), false), mb(b.size(), false);
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::size_t lo = i > window ? i - window : 0;
        const std::size_t hi = std::min(b.size(), i + window + 1);
        for (std::size_t j = lo; j < hi; ++j) {
            if (!mb[j] && a[i] == b[j]) {
                ma[i] = mb[j] = true;
                m += 1;
                break;
            }
        }
    }
    if (m == 0) {
        return 0.0;
    }
    double t = 0;
    for (std::size_t i = 0, j = 0; i < a.size(); ++i) {
        if (ma[i]) {
            while (!mb[j]) {
                ++j;
            }
            if (a[i] != b[j]) {
                t += 1;
            }
            ++j;
        }
    }
    const double jaro = (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
                         (m - std::floor(t / 2)) / m) /
                        3.0;
    std::size_t l = 0;
    while (l < 4 && l < a.size() && l < b.size() && a[l] == b[l]) {
        ++l;
    }
    return jaro > 0.7 ? jaro + static_cast<double>(l) * 0.1 * (1.0 - jaro) : jaro;
}

// f(first, second) for every pair of `pairs`, per iteration; items are pairs.
template <class Pairs, class F>
void run_pairs(benchmark::State& state, const Pairs& pairs, F f) {
    for (auto _ : state) {
        for (const auto& p : pairs) {
            benchmark::DoNotOptimize(f(p.first, p.second));
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(pairs.size()));
}

template <class F>
void run_pairs(benchmark::State& state, F f) {
    run_pairs(state, name_pairs(), f);
}

void BM_jaro_winkler(benchmark::State& state) {
    run_pairs(state, [](const std::u32string& a, const std::u32string& b) {
        return cbpq::jaro_winkler(a, b);
    });
}
BENCHMARK(BM_jaro_winkler);

// The same pairs as folded text (one char per symbol): the form the duplicate engine compares,
// which on x86-64 takes the SSE2 match search when the second name has at most 16 letters.
// Baseline: BM_jaro_winkler (code points, the plain window scan), same pairs.
void BM_jaro_winkler_chars(benchmark::State& state) {
    run_pairs(state, char_pairs(),
              [](const std::string& a, const std::string& b) { return cbpq::jaro_winkler(a, b); });
}
BENCHMARK(BM_jaro_winkler_chars);

void BM_jaro_winkler_at_least_0_9(benchmark::State& state) {
    run_pairs(state, [](const std::u32string& a, const std::u32string& b) {
        return cbpq::jaro_winkler_at_least(a, b, 0.9);
    });
}
BENCHMARK(BM_jaro_winkler_at_least_0_9);

void BM_jaro_winkler_naive_baseline(benchmark::State& state) {
    run_pairs(state, [](const std::u32string& a, const std::u32string& b) {
        return naive_jaro_winkler(a, b);
    });
}
BENCHMARK(BM_jaro_winkler_naive_baseline);

void BM_levenshtein_bit_parallel(benchmark::State& state) {
    run_pairs(state, [](const std::u32string& a, const std::u32string& b) {
        return cbpq::levenshtein(a, b);
    });
}
BENCHMARK(BM_levenshtein_bit_parallel);

void BM_levenshtein_plain_dp_baseline(benchmark::State& state) {
    run_pairs(state, [](const std::u32string& a, const std::u32string& b) {
        return cbpq::levenshtein_plain(a, b);
    });
}
BENCHMARK(BM_levenshtein_plain_dp_baseline);

void BM_osa_bit_parallel(benchmark::State& state) {
    run_pairs(state, [](const std::u32string& a, const std::u32string& b) {
        return cbpq::osa_distance(a, b);
    });
}
BENCHMARK(BM_osa_bit_parallel);

void BM_osa_plain_dp_baseline(benchmark::State& state) {
    run_pairs(state, [](const std::u32string& a, const std::u32string& b) {
        return cbpq::osa_distance_plain(a, b);
    });
}
BENCHMARK(BM_osa_plain_dp_baseline);

// The document-typo question (OSA distance at most 1) as the duplicate engine asks it: the
// one-pass check. Baseline in the same run: BM_document_typo_bit_parallel_baseline, the
// bit-parallel OSA with cutoff 1 that the engine called before.
void BM_document_typo(benchmark::State& state) {
    run_pairs(state, document_pairs(), [](const std::string& a, const std::string& b) {
        return cbpq::detail::dedup::edit_distance(a, b, 1);
    });
}
BENCHMARK(BM_document_typo);

void BM_document_typo_bit_parallel_baseline(benchmark::State& state) {
    run_pairs(state, document_pairs(), [](const std::string& a, const std::string& b) {
        return std::min<std::size_t>(cbpq::osa_distance(a, b, 1), 2);
    });
}
BENCHMARK(BM_document_typo_bit_parallel_baseline);

void BM_damerau_levenshtein(benchmark::State& state) {
    run_pairs(state, [](const std::u32string& a, const std::u32string& b) {
        return cbpq::damerau_levenshtein(a, b);
    });
}
BENCHMARK(BM_damerau_levenshtein);

const std::vector<std::string>& raw_names() {
    static const std::vector<std::string> names = {
        "María de los Ángeles López García",
        "José Luis Pérez-Núñez",
        "Jean-Baptiste Désir",
        "João Conceição Magalhães",
        "Алексей Чайковский",
        "Wilner Saint-Fleur",
        "Guadalupe Hernández",
        "Łukasz Żółć",
        "JUAN CARLOS RAMIREZ",
        "Yolanda Ibáñez de Gómez",
    };
    return names;
}

void BM_fold(benchmark::State& state) {
    const auto& names = raw_names();
    std::size_t bytes = 0;
    for (const auto& n : names) {
        bytes += n.size();
    }
    for (auto _ : state) {
        for (const auto& n : names) {
            benchmark::DoNotOptimize(cbpq::fold(n));
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(names.size()));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_fold);

void BM_fold_into(benchmark::State& state) {
    const auto& names = raw_names();
    std::string out;
    for (auto _ : state) {
        for (const auto& n : names) {
            cbpq::fold_into(n, out);
            benchmark::DoNotOptimize(out.data());
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(names.size()));
}
BENCHMARK(BM_fold_into);

// Baseline for BM_fold: copying and ASCII upper-casing the same bytes (no decoding, no tables).
void BM_fold_ascii_upper_baseline(benchmark::State& state) {
    const auto& names = raw_names();
    for (auto _ : state) {
        for (const auto& n : names) {
            std::string s = n;
            for (char& c : s) {
                if (c >= 'a' && c <= 'z') {
                    c = static_cast<char>(c - 'a' + 'A');
                }
            }
            benchmark::DoNotOptimize(s);
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(names.size()));
}
BENCHMARK(BM_fold_ascii_upper_baseline);

void BM_parse_name_key(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            cbpq::name_key(cbpq::parse_name("María de los Ángeles", "López y García")));
    }
}
BENCHMARK(BM_parse_name_key);

void BM_parse_folded_name_key(benchmark::State& state) {
    const std::string given = cbpq::fold("María de los Ángeles");
    const std::string surname = cbpq::fold("López y García");
    for (auto _ : state) {
        benchmark::DoNotOptimize(cbpq::name_key(cbpq::parse_folded_name(given, surname)));
    }
}
BENCHMARK(BM_parse_folded_name_key);

void BM_phonetic_key(benchmark::State& state) {
    const std::string name = cbpq::fold("Guillermo Vázquez Jiménez");
    for (auto _ : state) {
        benchmark::DoNotOptimize(cbpq::phonetic_key(name));
    }
}
BENCHMARK(BM_phonetic_key);

void BM_normalize_phone(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(cbpq::normalize_phone("044 55 6200 0000", "MX"));
    }
}
BENCHMARK(BM_normalize_phone);

} // namespace
