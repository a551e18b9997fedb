/* token_failures.h - the token_failures table: failed token look-ups per
 * client address and per token prefix, counted in fixed windows, shared by
 * every replica (sql/004_token_failures.sql). server/app/ratelimit.c
 * decides what the counts mean.
 */
#ifndef TM_STORE_TOKEN_FAILURES_H
#define TM_STORE_TOKEN_FAILURES_H

#include <libpq-fe.h>

#include "core/error.h"

#define TOKEN_FAILURE_KEY_BYTES 16

/* What a failure made of the two counts. */
typedef struct token_failure_counts {
    int address, prefix;               /* failures in the current windows */
    int address_left_s, prefix_left_s; /* seconds until each window ends */
} token_failure_counts;

/* Counts one failure of address key and prefix key (hashes, made by the
 * caller) in windows of window_s seconds (a window older than that starts
 * again at 1). Returns 0 and fills out, or -1 with err. */
int store_token_failures_add(PGconn *c, const unsigned char address[TOKEN_FAILURE_KEY_BYTES],
                             const unsigned char prefix[TOKEN_FAILURE_KEY_BYTES], int window_s,
                             token_failure_counts *out, tm_error *err);

/* Deletes rows whose window ended more than window_s seconds ago. */
int store_token_failures_prune(PGconn *c, int window_s, tm_error *err);

#endif
