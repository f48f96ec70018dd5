// Two translation units of cbpq-tests that include every public header (this one and
// odr_second.cpp): linking them catches a non-inline definition in any header (an ODR
// violation), whichever headers the test files include.
#include <cbpq/cbpq.hpp>

int cbpq_odr_check_first_tu = 0;
