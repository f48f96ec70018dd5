// A second translation unit that includes every public header: linking it with the others
// catches non-inline definitions in headers (ODR violations).
#include <cbpq/cbpq.hpp>

int cbpq_odr_check_second_tu = 0;
