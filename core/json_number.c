/* json_number.c - see json_number.h. */
#include "core/json_number.h"

#include <math.h>

json_t *json_real_or_null(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}
