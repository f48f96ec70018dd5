// The other half of the ODR check in odr.cpp.
#include <cbpq/cbpq.hpp>

int cbpq_odr_check_third_tu = 0;
