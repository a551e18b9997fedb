/* share_links.c - see share_links.h. */
#include "server/store/share_links.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/store/sql.h"

#define LINK_COLUMNS                                                                               \
    "id, wave_id, " UTC_TEXT("created_at") ", " UTC_TEXT("expires_at") ", " UTC_TEXT(              \
        "revoked_at") ", (revoked_at IS NULL AND expires_at > now())"

static json_t *link_json(PGresult *r, int i)
{
    json_t *o =
        json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10),
                  "wave_id", (json_int_t)strtoll(PQgetvalue(r, i, 1), NULL, 10), "created_at",
                  PQgetvalue(r, i, 2), "expires_at", PQgetvalue(r, i, 3));
    if (!o) return NULL;
    json_object_set_new(o, "revoked_at",
                        PQgetisnull(r, i, 4) ? json_null() : json_string(PQgetvalue(r, i, 4)));
    json_object_set_new(o, "active", json_boolean(!strcmp(PQgetvalue(r, i, 5), "t")));
    return o;
}

json_t *store_share_links_insert(PGconn *c, long long wave, const char *hash,
                                 const char *expires_at, long long key_id, tm_error *err)
{
    char wt[24], kt[24];
    store_sql_id(wave, wt);
    store_sql_id(key_id, kt);
    const char *p[] = {wt, hash, expires_at, key_id > 0 ? kt : NULL};
    PGresult *r = db_query(c,
                           "INSERT INTO share_links (wave_id, token_hash, expires_at, created_by)"
                           " VALUES ($1, decode($2, 'hex'), $3::timestamptz, $4::bigint)"
                           " RETURNING " LINK_COLUMNS,
                           4, p, err);
    if (!r) return NULL;
    json_t *o = PQntuples(r) == 1 ? link_json(r, 0) : NULL;
    PQclear(r);
    if (!o) tm_error_set(err, 500, "the share link was not stored");
    return o;
}

int store_share_links_find(PGconn *c, const char *hash, long long *wave, tm_error *err)
{
    const char *p[] = {hash};
    PGresult *r = db_query(c,
                           "SELECT wave_id, revoked_at IS NOT NULL, expires_at <= now()"
                           " FROM share_links WHERE token_hash = decode($1, 'hex')",
                           1, p, err);
    if (!r) return -1;
    int rc = 0;
    if (PQntuples(r) == 0)
        rc = tm_error_set(err, 404, "this link is not known");
    else if (!strcmp(PQgetvalue(r, 0, 1), "t"))
        rc = tm_error_set(err, 410, "this link was withdrawn");
    else if (!strcmp(PQgetvalue(r, 0, 2), "t"))
        rc = tm_error_set(err, 410, "this link has expired");
    else
        *wave = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return rc;
}

json_t *store_share_links_list(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r = db_query(c,
                           "SELECT " LINK_COLUMNS " FROM share_links WHERE wave_id = $1"
                           " ORDER BY created_at DESC, id DESC",
                           1, p, err);
    if (!r) return NULL;
    json_t *arr = json_array();
    for (int i = 0; arr && i < PQntuples(r); i++)
        json_array_append_new(arr, link_json(r, i));
    PQclear(r);
    return arr;
}

json_t *store_share_links_revoke(PGconn *c, long long wave, long long id, tm_error *err)
{
    char wt[24], it[24];
    store_sql_id(wave, wt);
    store_sql_id(id, it);
    const char *p[] = {wt, it};
    PGresult *r = db_query(c,
                           "UPDATE share_links SET revoked_at = coalesce(revoked_at, now())"
                           " WHERE wave_id = $1 AND id = $2 RETURNING " LINK_COLUMNS,
                           2, p, err);
    if (!r) return NULL;
    json_t *o = NULL;
    if (PQntuples(r) == 1)
        o = link_json(r, 0);
    else
        tm_error_set(err, 404, "wave %lld has no share link %lld", wave, id);
    PQclear(r);
    return o;
}

int store_share_links_expiry_valid(PGconn *c, const char *text, int max_days, tm_error *err)
{
    char days[24];
    store_sql_id(max_days, days);
    const char *p[] = {text, days};
    tm_error ignored = TM_ERROR_INIT;
    PGresult *r = db_query(c,
                           "SELECT $1::timestamptz >= now() + interval '1 minute'"
                           " AND $1::timestamptz <= now() + make_interval(days => $2::int)",
                           2, p, &ignored);
    tm_error_clear(&ignored);
    if (!r) return PQstatus(c) == CONNECTION_OK ? 0 : tm_error_set(err, 503, "database lost");
    int ok = !strcmp(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    return ok;
}
