/* json_number.h - one way to write a computed double into JSON.
 *
 * A statistic that cannot be computed is NaN (or, after an overflow, an
 * infinity) in C; JSON has no such numbers and jansson refuses them. Every
 * module that writes statistics uses this helper, so "not computable" is
 * null everywhere and never 0, NaN or a failed json_dumps. */
#ifndef TM_JSON_NUMBER_H
#define TM_JSON_NUMBER_H

#include <jansson.h>

/* x as a JSON real when it is finite, else JSON null. New reference; NULL
 * only when memory runs out. */
json_t *json_real_or_null(double x);

#endif
