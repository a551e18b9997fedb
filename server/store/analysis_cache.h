/* analysis_cache.h - the wave_analysis_cache table: a closed wave's
 * analysis, computed once and kept, and an open wave's live snapshot.
 */
#ifndef TM_STORE_ANALYSIS_CACHE_H
#define TM_STORE_ANALYSIS_CACHE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/error.h"

/* The stored analysis of a wave (new reference), or NULL when there is none
 * (err untouched) or on error (err set). */
json_t *store_analysis_cache_get(PGconn *c, long long wave, tm_error *err);

/* Stores the analysis (borrowed) of a wave: final for a closed wave, the
 * live snapshot for an open one (replacing the one before). */
int store_analysis_cache_put(PGconn *c, long long wave, json_t *analysis, tm_error *err);

#endif
