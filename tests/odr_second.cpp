// The other half of the ODR check in odr.cpp.
#include <cbpq/cbpq.hpp>

int cbpq_odr_check_second_tu = 0;
