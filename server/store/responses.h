/* responses.h - the responses table: submitted answers, one row per
 * respondent (layer, a smallint[] of scores, the open answers as JSON).
 * Written one at a time by server/store/respondents.c and in bulk by the
 * import here; read in bulk for the analysis and the report.
 */
#ifndef TM_STORE_RESPONSES_H
#define TM_STORE_RESPONSES_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Row i of an import: its layer, scores (n_items entries) and open answers
 * (borrowed, may be NULL). Returns 0, or -1 when the row cannot be read. */
typedef int (*store_row_fn)(void *ctx, size_t i, int *layer, const int16_t **scores,
                            json_t **extra);

/* Stores n_rows responses of wave in one transaction with COPY: all or
 * nothing, as one import batch (*batch receives its id; see imports.h).
 * 409 when the wave is closed. */
int store_responses_import(PGconn *c, long long wave, size_t n_rows, size_t n_items,
                           store_row_fn row, void *ctx, long long *batch, tm_error *err);

typedef struct wave_answers {
    size_t n;        /* responses */
    size_t n_items;  /* scores per response */
    uint8_t *layer;  /* n entries; owned */
    int16_t *scores; /* n * n_items; owned */
} wave_answers;

/* Loads every response of wave (n_items scores each; binary transfer, one
 * pass). Free with store_responses_free. 500 when a stored row does not have
 * n_items scores. */
int store_responses_load(PGconn *c, long long wave, size_t n_items, wave_answers *out,
                         tm_error *err);
void store_responses_free(wave_answers *a);

/* The open answers of wave, in no particular order (the caller orders each
 * item's answers at random): [{"layer": index, "extra": {...}}] (new
 * reference). */
json_t *store_responses_extras(PGconn *c, long long wave, tm_error *err);

#endif
