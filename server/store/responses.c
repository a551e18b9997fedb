/* responses.c - see responses.h. */
#include "server/store/responses.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/store/sql.h"

/* Appends s to the COPY buffer; escaped, backslashes are doubled (COPY's
 * text format gives them a meaning; JSON from json_dumps holds no raw tabs
 * or newlines). Unescaped for COPY's own marks, such as \N for NULL. */
static int copy_append(char **buf, size_t *len, size_t *cap, const char *s, int escaped)
{
    size_t need = *len + 2 * strlen(s) + 1;
    if (need > *cap) {
        size_t ncap = *cap * 2 > need ? *cap * 2 : need;
        char *g = realloc(*buf, ncap);
        if (!g) return -1;
        *buf = g;
        *cap = ncap;
    }
    for (; *s; s++) {
        if (escaped && *s == '\\') (*buf)[(*len)++] = '\\';
        (*buf)[(*len)++] = *s;
    }
    return 0;
}

static int copy_rows(PGconn *c, long long wave, long long batch, size_t n_rows, size_t n_items,
                     store_row_fn row, void *ctx, tm_error *err)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf) return tm_error_set(err, 500, "out of memory importing");
    int rc = 0;
    for (size_t i = 0; i < n_rows && rc == 0; i++) {
        int layer;
        const int16_t *scores;
        json_t *extra;
        if (row(ctx, i, &layer, &scores, &extra) != 0) {
            rc = tm_error_set(err, 500, "import row %zu could not be read", i + 1);
            break;
        }
        char head[64];
        snprintf(head, sizeof head, "%lld\t%lld\t%d\t{", wave, batch, layer);
        rc = copy_append(&buf, &len, &cap, head, 1);
        for (size_t k = 0; rc == 0 && k < n_items; k++) {
            char num[16];
            snprintf(num, sizeof num, "%s%d", k ? "," : "", scores[k]);
            rc = copy_append(&buf, &len, &cap, num, 1);
        }
        char *ej = extra ? json_dumps(extra, JSON_COMPACT) : NULL;
        if (rc == 0) rc = copy_append(&buf, &len, &cap, "}\t", 1);
        if (rc == 0) rc = copy_append(&buf, &len, &cap, ej ? ej : "\\N", ej != NULL);
        free(ej);
        if (rc == 0) rc = copy_append(&buf, &len, &cap, "\tt\n", 1);
        if (rc != 0) {
            tm_error_set(err, 500, "out of memory importing");
            break;
        }
        if (len > (1 << 15) || i + 1 == n_rows) {
            if (PQputCopyData(c, buf, (int)len) != 1)
                rc = tm_error_set(err, 503, "the database connection was lost during the import");
            len = 0;
        }
    }
    free(buf);
    return rc;
}

int store_responses_import(PGconn *c, long long wave, size_t n_rows, size_t n_items,
                           store_row_fn row, void *ctx, long long *batch, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    /* Lock the wave row: a close cannot slip between the check and the insert. */
    PGresult *r =
        db_query(c,
                 "SELECT status = 'closed' OR (closes_at IS NOT NULL AND closes_at <= now()),"
                 " collection = 'import' FROM waves WHERE id = $1 FOR UPDATE",
                 1, p, err);
    if (!r) return -1;
    int closed = PQntuples(r) == 0 || PQgetvalue(r, 0, 0)[0] == 't';
    int for_import = PQntuples(r) == 1 && PQgetvalue(r, 0, 1)[0] == 't';
    PQclear(r);
    if (closed || !for_import) {
        db_rollback(c, own);
        return closed
                   ? tm_error_set(err, 409,
                                  "wave %lld is closed: its responses can no longer change", wave)
                   : tm_error_set(err, 409,
                                  "wave %lld collects answers online: a bulk import goes only "
                                  "into a wave made for import",
                                  wave);
    }
    /* The rows are one batch, which can be undone as a whole. */
    char nt[24];
    store_sql_id((long long)n_rows, nt);
    const char *bp[] = {wt, nt};
    r = db_query(c, "INSERT INTO import_batches (wave_id, rows) VALUES ($1, $2) RETURNING id", 2,
                 bp, err);
    if (!r) {
        db_rollback(c, own);
        return -1;
    }
    *batch = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    r = PQexecParams(c,
                     "COPY responses (wave_id, import_batch_id, layer, scores, extra, imported)"
                     " FROM STDIN",
                     0, NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        fprintf(stderr, "database: the import could not start: %s", PQerrorMessage(c));
        PQclear(r);
        db_rollback(c, own);
        return tm_error_set(err, 500, "internal error: the import could not start");
    }
    PQclear(r);
    int rc = copy_rows(c, wave, *batch, n_rows, n_items, row, ctx, err);
    if (PQputCopyEnd(c, rc == 0 ? NULL : "import aborted") != 1 && rc == 0)
        rc = tm_error_set(err, 503, "the database connection was lost during the import");
    PGresult *res;
    while ((res = PQgetResult(c))) {
        if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK) {
            fprintf(stderr, "database: the import failed: %s\n",
                    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
            rc = tm_error_set(err, 500, "internal error: the import failed");
        }
        PQclear(res);
    }
    if (rc != 0) {
        db_rollback(c, own);
        return -1;
    }
    return db_commit(c, own, err);
}

/* ---- reading ------------------------------------------------------------ */

void store_responses_free(wave_answers *a)
{
    free(a->layer);
    free(a->scores);
    memset(a, 0, sizeof *a);
}

static uint32_t be32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return ntohl(v);
}

/* Decodes PostgreSQL's binary array format for a one-dimensional smallint[]
 * without NULLs into out (n entries). Returns 0, or -1 when it does not fit. */
static int decode_smallint_array(const char *p, int len, int16_t *out, size_t n)
{
    if (len < 20) return -1;
    uint32_t ndim = be32(p), hasnull = be32(p + 4);
    if (ndim != 1 || hasnull) return -1;
    uint32_t count = be32(p + 12);
    if (count != n || (size_t)len != 20 + n * 6) return -1;
    const char *e = p + 20;
    for (size_t i = 0; i < n; i++, e += 6) {
        if (be32(e) != 2) return -1;
        uint16_t v;
        memcpy(&v, e + 4, 2);
        out[i] = (int16_t)ntohs(v);
    }
    return 0;
}

int store_responses_load(PGconn *c, long long wave, size_t n_items, wave_answers *out,
                         tm_error *err)
{
    memset(out, 0, sizeof *out);
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r = db_query_bin(c, "SELECT layer, scores FROM responses WHERE wave_id = $1::bigint",
                               1, p, NULL, NULL, 1, err);
    if (!r) return -1;
    size_t n = (size_t)PQntuples(r);
    out->n = n;
    out->n_items = n_items;
    out->layer = malloc(n ? n : 1);
    out->scores = malloc((n ? n : 1) * n_items * sizeof *out->scores);
    if (!out->layer || !out->scores) {
        PQclear(r);
        store_responses_free(out);
        return tm_error_set(err, 500, "out of memory loading %zu responses", n);
    }
    for (size_t i = 0; i < n; i++) {
        int row = (int)i;
        uint16_t l;
        memcpy(&l, PQgetvalue(r, row, 0), 2);
        out->layer[i] = (uint8_t)ntohs(l);
        if (decode_smallint_array(PQgetvalue(r, row, 1), PQgetlength(r, row, 1),
                                  out->scores + i * n_items, n_items) != 0) {
            PQclear(r);
            store_responses_free(out);
            return tm_error_set(
                err, 500, "a stored response of wave %lld does not match its instrument", wave);
        }
    }
    PQclear(r);
    return 0;
}

json_t *store_responses_extras(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    /* In no particular order: the caller puts each item's answers in a
     * random order of its own (an order shared by items lines texts up). */
    PGresult *r = db_query(c,
                           "SELECT layer, extra::text FROM responses"
                           " WHERE wave_id = $1 AND extra IS NOT NULL",
                           1, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++) {
        json_t *extra = json_loads(PQgetvalue(r, i, 1), 0, NULL);
        if (extra)
            json_array_append_new(
                list, json_pack("{s:i, s:o}", "layer", atoi(PQgetvalue(r, i, 0)), "extra", extra));
    }
    PQclear(r);
    return list;
}
