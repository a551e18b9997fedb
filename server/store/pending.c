/* pending.c - see pending.h. */
#include "server/store/pending.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/store/sql.h"

/* The advisory lock class of a (wave, layer) batch; any constant nothing
 * else uses. */
#define BATCH_LOCK_CLASS "72451203"

int store_pending_groups(PGconn *c, const char *key_id, long long wave, pending_group **out,
                         size_t *n, tm_error *err)
{
    *out = NULL;
    *n = 0;
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {key_id, wt};
    PGresult *r = db_query(
        c,
        "SELECT p.wave_id, p.layer, count(*), w.min_group_size,"
        " w.status = 'closed' OR (w.closes_at IS NOT NULL AND w.closes_at <= clock_timestamp())"
        " FROM pending_responses p JOIN waves w ON w.id = p.wave_id"
        " WHERE p.key_id = decode($1, 'hex') AND ($2::bigint = 0 OR p.wave_id = $2::bigint)"
        " GROUP BY p.wave_id, p.layer, w.min_group_size, w.status, w.closes_at"
        " ORDER BY p.wave_id, p.layer",
        2, p, err);
    if (!r) return -1;
    int rows = PQntuples(r);
    if (rows > 0 && !(*out = calloc((size_t)rows, sizeof **out))) {
        PQclear(r);
        return tm_error_set(err, 500, "out of memory listing waiting submissions");
    }
    for (int i = 0; i < rows; i++) {
        pending_group *g = &(*out)[i];
        g->wave = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        g->layer = atoi(PQgetvalue(r, i, 1));
        g->waiting = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        g->min_group_size = atoi(PQgetvalue(r, i, 3));
        g->ended = PQgetvalue(r, i, 4)[0] == 't';
    }
    *n = (size_t)rows;
    PQclear(r);
    return 0;
}

long long store_pending_foreign(PGconn *c, const char *key_id, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {key_id, wt};
    PGresult *r =
        db_query(c,
                 "SELECT count(*) FROM pending_responses WHERE key_id <> decode($1, 'hex')"
                 " AND ($2::bigint = 0 OR wave_id = $2::bigint)",
                 2, p, err);
    if (!r) return -1;
    long long n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return n;
}

int store_pending_barrier(PGconn *c, tm_error *err)
{
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    if (db_exec(c, "LOCK TABLE pending_responses IN SHARE MODE", 0, NULL, err) != 0) {
        db_rollback(c, own);
        return -1;
    }
    return db_commit(c, own, err);
}

void store_pending_rows_free(pending_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++) {
        free(rows->ctid ? rows->ctid[i] : NULL);
        free(rows->sealed ? rows->sealed[i] : NULL);
    }
    free(rows->ctid);
    free(rows->sealed);
    free(rows->len);
    memset(rows, 0, sizeof *rows);
}

int store_pending_take(PGconn *c, long long wave, int layer, const char *key_id, pending_rows *rows,
                       tm_error *err)
{
    memset(rows, 0, sizeof *rows);
    char wt[24], lt[24];
    store_sql_id(wave, wt);
    store_sql_id(layer, lt);
    const char *p[] = {wt, lt, key_id};
    if (db_exec(c,
                "SELECT pg_advisory_xact_lock(" BATCH_LOCK_CLASS
                ", (($1::bigint * 32 + $2::int) % 2147483647)::int)",
                2, p, err) != 0)
        return -1;
    /* No row locks: only a holder of the batch lock deletes these rows, and
     * rows are never updated, so their ctids stay put until then. */
    PGresult *r = db_query(c,
                           "SELECT ctid::text, sealed FROM pending_responses"
                           " WHERE wave_id = $1 AND layer = $2 AND key_id = decode($3, 'hex')",
                           3, p, err);
    if (!r) return -1;
    size_t n = (size_t)PQntuples(r);
    rows->ctid = calloc(n + 1, sizeof *rows->ctid);
    rows->sealed = calloc(n + 1, sizeof *rows->sealed);
    rows->len = calloc(n + 1, sizeof *rows->len);
    int rc = rows->ctid && rows->sealed && rows->len ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rows->n = i + 1;
        rows->ctid[i] = strdup(PQgetvalue(r, (int)i, 0));
        rows->sealed[i] =
            PQunescapeBytea((const unsigned char *)PQgetvalue(r, (int)i, 1), &rows->len[i]);
        if (!rows->ctid[i] || !rows->sealed[i]) rc = -1;
    }
    PQclear(r);
    if (rc != 0) {
        store_pending_rows_free(rows);
        return tm_error_set(err, 500, "out of memory reading waiting submissions");
    }
    return 0;
}

int store_pending_release(PGconn *c, long long wave, int layer, const char *ctids,
                          const char *rows_json, tm_error *err)
{
    char wt[24], lt[24];
    store_sql_id(wave, wt);
    store_sql_id(layer, lt);
    const char *p[] = {wt, lt, ctids, rows_json};
    return db_exec(c,
                   "WITH gone AS (DELETE FROM pending_responses WHERE ctid = ANY($3::tid[]))"
                   " INSERT INTO responses (wave_id, layer, scores, extra)"
                   " SELECT $1::bigint, $2::smallint, (e.v->>'s')::smallint[], (e.v->'x')::jsonb"
                   " FROM json_array_elements($4::json) WITH ORDINALITY AS e(v, o) ORDER BY e.o",
                   4, p, err);
}

int store_pending_vacuum(PGconn *c, tm_error *err)
{
    return db_exec(c, "VACUUM pending_responses", 0, NULL, err);
}
