/* analysis_cache.h - the wave_analysis_cache table: a closed wave's
 * analysis, computed once and kept (an open wave has none: its results do
 * not exist before it closes).
 */
#ifndef TM_STORE_ANALYSIS_CACHE_H
#define TM_STORE_ANALYSIS_CACHE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/error.h"

/* The stored analysis of a wave (new reference), or NULL when there is none
 * (err untouched) or on error (err set). */
json_t *store_analysis_cache_get(PGconn *c, long long wave, tm_error *err);

/* Stores the analysis (borrowed) of a closed wave (replacing one of an
 * earlier method). */
int store_analysis_cache_put(PGconn *c, long long wave, json_t *analysis, tm_error *err);

#endif
