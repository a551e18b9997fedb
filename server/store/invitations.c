/* invitations.c - see invitations.h. */
#include "server/store/invitations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/store/sql.h"

int store_invitations_insert(PGconn *c, long long wave, int layer, const char *const *hashes,
                             size_t n, tm_error *err)
{
    /* One statement for the whole batch: the hashes travel as one
     * comma-separated parameter. */
    size_t cap = 1, len = 0;
    for (size_t i = 0; i < n; i++)
        cap += strlen(hashes[i]) + 1;
    char *joined = malloc(cap);
    if (!joined) return tm_error_set(err, 500, "out of memory creating invitations");
    joined[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(joined + len, "%s%s", i ? "," : "", hashes[i]);
    char wt[24], lt[24];
    store_sql_id(wave, wt);
    store_sql_id(layer, lt);
    const char *p[] = {wt, lt, joined};
    int rc = db_exec(c,
                     "INSERT INTO invitations (wave_id, layer, token_hash)"
                     " SELECT $1, $2, decode(h, 'hex') FROM unnest(string_to_array($3, ',')) h",
                     3, p, err);
    free(joined);
    return rc;
}

int store_invitations_link_insert(PGconn *c, long long wave, int layer, const char *hash,
                                  int max_responses, long long *id, tm_error *err)
{
    char wt[24], lt[24], mt[24];
    store_sql_id(wave, wt);
    store_sql_id(layer, lt);
    store_sql_id(max_responses, mt);
    const char *p[] = {wt, lt, hash, mt};
    PGresult *r = db_query(c,
                           "INSERT INTO open_links (wave_id, layer, token_hash, max_responses)"
                           " VALUES ($1, $2, decode($3, 'hex'), $4) RETURNING id",
                           4, p, err);
    if (!r) return -1;
    *id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return 0;
}

json_t *store_invitations_progress(PGconn *c, long long wave, const char *const *layer_keys,
                                   size_t n_layers, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    /* imported: the stored responses beyond the layer's submitted
     * invitations, i.e. rows that came in through the import and stand for
     * no invited person (the demo marks invitations submitted for its rows,
     * which then count as answered invitations). A response rate is
     * (submitted - imported) / invited and so never passes 100%. */
    PGresult *r = db_query(c,
                           "SELECT l, coalesce(i.invited, 0), coalesce(i.started, 0),"
                           " coalesce(s.submitted, 0),"
                           " greatest(coalesce(s.submitted, 0) - coalesce(i.done, 0), 0)"
                           " FROM generate_series(0, 31) l"
                           " LEFT JOIN (SELECT layer, count(*) invited,"
                           "   count(*) FILTER (WHERE state >= 1) started,"
                           "   count(*) FILTER (WHERE state = 2) done"
                           "   FROM invitations WHERE wave_id = $1 GROUP BY layer) i ON i.layer = l"
                           " LEFT JOIN (SELECT layer, count(*) submitted FROM"
                           "   (SELECT layer FROM responses WHERE wave_id = $1 UNION ALL"
                           "    SELECT layer FROM pending_responses WHERE wave_id = $1) x"
                           "   GROUP BY layer) s ON s.layer = l"
                           " ORDER BY l",
                           1, p, err);
    if (!r) return NULL;
    json_t *layers = json_array();
    for (size_t i = 0; i < n_layers && (int)i < PQntuples(r); i++) {
        long long invited = strtoll(PQgetvalue(r, (int)i, 1), NULL, 10);
        long long started = strtoll(PQgetvalue(r, (int)i, 2), NULL, 10);
        long long submitted = strtoll(PQgetvalue(r, (int)i, 3), NULL, 10);
        long long imported = strtoll(PQgetvalue(r, (int)i, 4), NULL, 10);
        json_array_append_new(
            layers, json_pack("{s:s, s:I, s:I, s:I, s:I}", "layer", layer_keys[i], "invited",
                              (json_int_t)invited, "started", (json_int_t)started, "submitted",
                              (json_int_t)submitted, "imported", (json_int_t)imported));
    }
    PQclear(r);
    return json_pack("{s:o}", "layers", layers);
}

int store_invitations_mark_submitted(PGconn *c, long long wave, int layer, int count, tm_error *err)
{
    char wt[24], lt[24], ct[24];
    store_sql_id(wave, wt);
    store_sql_id(layer, lt);
    store_sql_id(count, ct);
    const char *p[] = {wt, lt, ct};
    return db_exec(c,
                   "UPDATE invitations SET state = 2 WHERE id IN (SELECT id FROM invitations"
                   " WHERE wave_id = $1 AND layer = $2 AND state = 0 ORDER BY id LIMIT $3)",
                   3, p, err);
}

/* ---- the console (issue 14) --------------------------------------------- */

json_t *store_invitations_counts(PGconn *c, long long wave, const char *const *layer_keys,
                                 size_t n_layers, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r = db_query(c,
                           "SELECT l, coalesce(i.invited, 0), coalesce(i.started, 0),"
                           " coalesce(i.submitted, 0), coalesce(m.imported, 0)"
                           " FROM generate_series(0, 31) l"
                           " LEFT JOIN (SELECT layer, count(*) invited,"
                           "   count(*) FILTER (WHERE state >= 1) started,"
                           "   count(*) FILTER (WHERE state = 2) submitted"
                           "   FROM invitations WHERE wave_id = $1 GROUP BY layer) i ON i.layer = l"
                           " LEFT JOIN (SELECT layer, count(*) imported FROM responses"
                           "   WHERE wave_id = $1 AND imported GROUP BY layer) m ON m.layer = l"
                           " ORDER BY l",
                           1, p, err);
    if (!r) return NULL;
    json_t *layers = json_array();
    for (size_t i = 0; i < n_layers && (int)i < PQntuples(r); i++) {
        json_t *o = json_pack("{s:s}", "layer", layer_keys[i]);
        const char *names[] = {"invited", "started", "submitted", "imported"};
        for (int k = 0; k < 4; k++)
            json_object_set_new(o, names[k],
                                json_integer(strtoll(PQgetvalue(r, (int)i, 1 + k), NULL, 10)));
        json_array_append_new(layers, o);
    }
    PQclear(r);
    return json_pack("{s:o}", "layers", layers);
}

json_t *store_invitations_links(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r = db_query(c,
                           "SELECT id, layer, max_responses, used, " UTC_TEXT(
                               "created_at") " FROM open_links WHERE wave_id = $1 ORDER BY id DESC",
                           1, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(
            list, json_pack("{s:I, s:i, s:i, s:i, s:s}", "id",
                            (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10), "layer",
                            atoi(PQgetvalue(r, i, 1)), "max_responses", atoi(PQgetvalue(r, i, 2)),
                            "used", atoi(PQgetvalue(r, i, 3)), "created_at", PQgetvalue(r, i, 4)));
    PQclear(r);
    return list;
}

long long store_invitations_drafts(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r = db_query(c,
                           "SELECT count(*) FROM invitations"
                           " WHERE wave_id = $1 AND state < 2 AND draft IS NOT NULL",
                           1, p, err);
    if (!r) return -1;
    long long n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return n;
}
