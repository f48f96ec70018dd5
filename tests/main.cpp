// The doctest runner. tests/CMakeLists.txt compiles it once and links it into every test
// program; it includes no cbpq header, so that programs built with different cbpq macros
// (cbpq-tests-scalar defines CBPQ_NO_SIMD) can share it.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
