/* token_failures.c - see token_failures.h. */
#include "server/store/token_failures.h"

#include <stdio.h>
#include <stdlib.h>

#include "server/store/db.h"

/* One statement for both counts, rows always in the same order (address,
 * then prefix), so two failures at once never wait on each other in a
 * cycle. The SET sees the row as it was: a window that has run out starts
 * again. */
static const db_stmt add_stmt = {
    "token_failures_add",
    "INSERT INTO token_failures AS f (kind, key, window_start, failures)"
    " VALUES (1, $1::bytea, now(), 1), (2, $2::bytea, now(), 1)"
    " ON CONFLICT (kind, key) DO UPDATE SET"
    "  failures = CASE WHEN f.window_start > now() - make_interval(secs => $3::int)"
    "   THEN f.failures + 1 ELSE 1 END,"
    "  window_start = CASE WHEN f.window_start > now() - make_interval(secs => $3::int)"
    "   THEN f.window_start ELSE now() END"
    " RETURNING kind, failures,"
    "  ceil(extract(epoch FROM f.window_start + make_interval(secs => $3::int) - now()))::int",
    3};

static const db_stmt prune_stmt = {
    "token_failures_prune",
    "DELETE FROM token_failures WHERE window_start < now() - make_interval(secs => 2 * $1::int)",
    1};

int store_token_failures_add(PGconn *c, const unsigned char address[TOKEN_FAILURE_KEY_BYTES],
                             const unsigned char prefix[TOKEN_FAILURE_KEY_BYTES], int window_s,
                             token_failure_counts *out, tm_error *err)
{
    char window[16];
    snprintf(window, sizeof window, "%d", window_s);
    const char *p[] = {(const char *)address, (const char *)prefix, window};
    const int lengths[] = {TOKEN_FAILURE_KEY_BYTES, TOKEN_FAILURE_KEY_BYTES, 0};
    const int formats[] = {1, 1, 0};
    PGresult *r = db_run_bin(c, &add_stmt, p, lengths, formats, 0, err);
    if (!r) return -1;
    *out = (token_failure_counts){0, 0, 0, 0};
    for (int i = 0; i < PQntuples(r); i++) {
        int failures = atoi(PQgetvalue(r, i, 1)), left = atoi(PQgetvalue(r, i, 2));
        if (atoi(PQgetvalue(r, i, 0)) == 1) {
            out->address = failures;
            out->address_left_s = left;
        } else {
            out->prefix = failures;
            out->prefix_left_s = left;
        }
    }
    PQclear(r);
    return 0;
}

int store_token_failures_prune(PGconn *c, int window_s, tm_error *err)
{
    char window[16];
    snprintf(window, sizeof window, "%d", window_s);
    const char *p[] = {window};
    PGresult *r = db_run(c, &prune_stmt, p, err);
    if (!r) return -1;
    PQclear(r);
    return 0;
}
