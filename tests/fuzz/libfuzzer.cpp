// SPDX-License-Identifier: BSL-1.0
// Coverage-guided fuzzing of every parser (parsers.hpp) with libFuzzer. Clang only:
//   cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DCBPQ_BUILD_FUZZERS=ON
//   cmake --build build/fuzz --target cbpq-fuzz-parsers
//   mkdir -p /tmp/corpus && build/fuzz/tests/cbpq-fuzz-parsers -max_total_time=300 \
//       /tmp/corpus tests/fuzz/seeds
// Any crash, sanitizer report, non-cbpq exception or broken property aborts with the input
// saved; add such inputs to tests/fuzz/seeds so that every CI lane replays them.
#include "parsers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)cbpq_fuzz::run_one(data, size);
    return 0;
}
