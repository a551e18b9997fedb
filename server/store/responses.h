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

/* Row i of an import: its layer, scores (n_items entries), rule ratings
 * (n_rules codes, or NULL: none given) and open answers (borrowed, may be
 * NULL). Returns 0, or -1 when the row cannot be read. */
typedef int (*store_row_fn)(void *ctx, size_t i, int *layer, const int16_t **scores,
                            const uint8_t **rules, json_t **extra);

/* Stores n_rows responses of wave in one transaction with COPY: all or
 * nothing, as one import batch (*batch receives its id; see imports.h).
 * n_rules: the wave's rules (0: none; the rows' rules column stays NULL);
 * rules_json: the wave's rules the rows were read against (NULL: not
 * checked), 409 when the wave's are no longer those (a draft's rules may
 * change until its first row). 409 when the wave is closed. */
int store_responses_import(PGconn *c, long long wave, size_t n_rows, size_t n_items, size_t n_rules,
                           const char *rules_json, store_row_fn row, void *ctx, long long *batch,
                           tm_error *err);

typedef struct wave_answers {
    size_t n;        /* responses */
    size_t n_items;  /* scores per response */
    size_t n_rules;  /* rule codes per response */
    uint8_t *layer;  /* n entries; owned */
    int16_t *scores; /* n * n_items; owned */
    uint8_t *rules;  /* n * n_rules codes RULE_* (0 where a row has none); owned */
} wave_answers;

/* Loads every response of wave (n_items scores and n_rules rule codes each;
 * binary transfer, one pass). Free with store_responses_free. 500 when a
 * stored row does not have n_items scores, or has ratings of another number
 * of rules (n_rules 0: the ratings are not read). */
int store_responses_load(PGconn *c, long long wave, size_t n_items, size_t n_rules,
                         wave_answers *out, tm_error *err);
void store_responses_free(wave_answers *a);

/* The open answers of wave, in no particular order (the caller orders each
 * item's answers at random): [{"layer": index, "extra": {...}}] (new
 * reference). */
json_t *store_responses_extras(PGconn *c, long long wave, tm_error *err);

#endif
