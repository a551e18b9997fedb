/* store_answers.h - reading a wave's answers in bulk, for the analysis and
 * the report: the compact score rows (binary transfer, one pass), the open
 * answers, and the cache of closed waves' analyses.
 */
#ifndef TM_STORE_ANSWERS_H
#define TM_STORE_ANSWERS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdint.h>

#include "core/error.h"

typedef struct wave_answers {
    size_t n;        /* responses */
    size_t n_items;  /* scores per response */
    uint8_t *layer;  /* n entries; owned */
    int16_t *scores; /* n * n_items; owned */
} wave_answers;

/* Loads every response of wave (n_items scores each). The caller frees with
 * wave_answers_free. 500 when a stored row does not have n_items scores. */
int store_wave_answers_load(PGconn *c, long long wave, size_t n_items, wave_answers *out,
                            tm_error *err);
void wave_answers_free(wave_answers *a);

/* Text and multiple-choice answers of wave: [{"layer": index, "extra": {...}}]
 * (new reference). */
json_t *store_wave_extras(PGconn *c, long long wave, tm_error *err);

/* The stored analysis of a wave (new reference), or NULL when there is none
 * (err untouched) or on error (err set). */
json_t *store_analysis_cache_get(PGconn *c, long long wave, tm_error *err);

/* Stores the analysis (borrowed) of a wave: final for a closed wave, the
 * live snapshot for an open one (replacing the one before). */
int store_analysis_cache_put(PGconn *c, long long wave, json_t *analysis, tm_error *err);

/* The latest closed wave of each other organisation with the same
 * instrument key as wave: their ids into a new JSON array. */
json_t *store_benchmark_waves(PGconn *c, long long wave, tm_error *err);

#endif
