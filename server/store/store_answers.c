/* store_answers.c - see store_answers.h. */
#include "server/store/store_answers.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"

void wave_answers_free(wave_answers *a)
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

int store_wave_answers_load(PGconn *c, long long wave, size_t n_items, wave_answers *out,
                            tm_error *err)
{
    memset(out, 0, sizeof *out);
    char wt[24];
    snprintf(wt, sizeof wt, "%lld", wave);
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
        wave_answers_free(out);
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
            wave_answers_free(out);
            return tm_error_set(
                err, 500, "a stored response of wave %lld does not match its instrument", wave);
        }
    }
    PQclear(r);
    return 0;
}

json_t *store_wave_extras(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    snprintf(wt, sizeof wt, "%lld", wave);
    const char *p[] = {wt};
    /* Random order: no one can line an open answer up with a submission time. */
    PGresult *r = db_query(c,
                           "SELECT layer, extra::text FROM responses"
                           " WHERE wave_id = $1 AND extra IS NOT NULL ORDER BY md5(id::text)",
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

json_t *store_analysis_cache_get(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    snprintf(wt, sizeof wt, "%lld", wave);
    const char *p[] = {wt};
    PGresult *r =
        db_query(c, "SELECT analysis::text FROM wave_analysis_cache WHERE wave_id = $1", 1, p, err);
    if (!r) return NULL;
    json_t *a = PQntuples(r) ? json_loads(PQgetvalue(r, 0, 0), 0, NULL) : NULL;
    PQclear(r);
    return a;
}

int store_analysis_cache_put(PGconn *c, long long wave, json_t *analysis, tm_error *err)
{
    char wt[24];
    snprintf(wt, sizeof wt, "%lld", wave);
    char *text = json_dumps(analysis, JSON_COMPACT | JSON_REAL_PRECISION(17));
    if (!text) return tm_error_set(err, 500, "out of memory caching an analysis");
    const char *p[] = {wt, text};
    int rc = db_exec(c,
                     "INSERT INTO wave_analysis_cache (wave_id, analysis) VALUES ($1, $2::json)"
                     " ON CONFLICT (wave_id) DO UPDATE SET analysis = EXCLUDED.analysis,"
                     " computed_at = now()",
                     2, p, err);
    free(text);
    return rc;
}

json_t *store_benchmark_waves(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    snprintf(wt, sizeof wt, "%lld", wave);
    const char *p[] = {wt};
    PGresult *r =
        db_query(c,
                 "SELECT DISTINCT ON (w.organisation_id) w.id"
                 " FROM waves w JOIN instruments i ON i.id = w.instrument_id,"
                 "  waves me JOIN instruments mi ON mi.id = me.instrument_id"
                 " WHERE me.id = $1 AND i.key = mi.key AND w.organisation_id <> me.organisation_id"
                 "  AND (w.status = 'closed' OR (w.closes_at IS NOT NULL AND w.closes_at <= now()))"
                 " ORDER BY w.organisation_id, coalesce(w.closes_at, w.created_at) DESC, w.id DESC",
                 1, p, err);
    if (!r) return NULL;
    json_t *ids = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(ids, json_integer(strtoll(PQgetvalue(r, i, 0), NULL, 10)));
    PQclear(r);
    return ids;
}
