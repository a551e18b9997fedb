/* waves.c - see waves.h. */
#include "server/store/waves.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/store/organisations.h"
#include "server/store/sql.h"

#define WAVE_JSON_SELECT                                                                           \
    "SELECT " WAVE_COLUMNS                                                                         \
    ", " UTC_TEXT("w.opens_at") ", " UTC_TEXT("w.closes_at") ", " UTC_TEXT("w.created_at")         \
        WAVE_FROM

int store_waves_get(PGconn *c, const caller *who, long long id, wave_info *w, tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt, store_sql_role(who), store_sql_key(who)};
    PGresult *r = db_query(
        c, "SELECT " WAVE_COLUMNS WAVE_FROM " WHERE w.id = $1 AND" IN_SCOPE("$2", "$3"), 3, p, err);
    if (!r) return -1;
    int rc = 0;
    if (PQntuples(r) == 0)
        rc = tm_error_set(err, 404, "wave %lld does not exist", id);
    else
        store_sql_wave_row(r, 0, 0, w);
    PQclear(r);
    return rc;
}

static json_t *wave_json_from_row(PGresult *r, int i)
{
    wave_info w;
    store_sql_wave_row(r, i, 0, &w);
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:i}", "id", (json_int_t)w.id,
                          "organisation_id", (json_int_t)w.organisation_id, "organisation",
                          w.organisation, "instrument", w.instrument, "name", w.name, "status",
                          w.status, "min_group_size", w.min_group_size);
    json_object_set_new(o, "collection", json_string(w.collection));
    json_object_set_new(o, "accepting_responses", json_boolean(w.accepting));
    json_object_set_new(o, "previous_wave_id",
                        w.previous_wave_id ? json_integer(w.previous_wave_id) : json_null());
    const char *names[] = {"opens_at", "closes_at", "created_at"};
    for (int k = 0; k < 3; k++)
        json_object_set_new(o, names[k],
                            PQgetisnull(r, i, WAVE_NCOLUMNS + k)
                                ? json_null()
                                : json_string(PQgetvalue(r, i, WAVE_NCOLUMNS + k)));
    return o;
}

json_t *store_waves_json(PGconn *c, long long id, tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    PGresult *r = db_query(c, WAVE_JSON_SELECT " WHERE w.id = $1", 1, p, err);
    if (!r) return NULL;
    json_t *o = NULL;
    if (PQntuples(r) == 1)
        o = wave_json_from_row(r, 0);
    else
        tm_error_set(err, 404, "wave %lld does not exist", id);
    PQclear(r);
    return o;
}

json_t *store_waves_of_organisation(PGconn *c, const caller *who, long long org, tm_error *err)
{
    int visible = store_organisations_visible(c, who, org, err);
    if (visible <= 0) {
        if (visible == 0) tm_error_set(err, 404, "organisation %lld does not exist", org);
        return NULL;
    }
    char idt[24];
    store_sql_id(org, idt);
    const char *p[] = {idt};
    PGresult *r = db_query(
        c, WAVE_JSON_SELECT " WHERE w.organisation_id = $1 ORDER BY w.created_at DESC, w.id DESC",
        1, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list, wave_json_from_row(r, i));
    PQclear(r);
    return list;
}

int store_waves_time_valid(PGconn *c, const char *text, tm_error *err)
{
    const char *p[] = {text};
    PGresult *r = store_sql_probe(c, "SELECT $1::timestamptz", 1, p, err);
    if (!r) return err && err->status ? -1 : 0;
    PQclear(r);
    return 1;
}

int store_waves_previous_fits(PGconn *c, long long prev, long long org, const char *instrument_ref,
                              tm_error *err)
{
    char prevt[24], orgt[24];
    store_sql_id(prev, prevt);
    store_sql_id(org, orgt);
    const char *p[] = {prevt, orgt, instrument_ref};
    PGresult *r = db_query(c,
                           "SELECT 1 FROM waves w JOIN instruments i ON i.id = w.instrument_id"
                           " WHERE w.id = $1 AND w.organisation_id = $2"
                           " AND i.key = split_part($3, '@', 1)",
                           3, p, err);
    if (!r) return -1;
    int fits = PQntuples(r) == 1;
    PQclear(r);
    return fits;
}

int store_waves_insert(PGconn *c, const wave_new *w, long long *id, tm_error *err)
{
    char orgt[24], instt[24], kt[24], prevt[24];
    store_sql_id(w->organisation_id, orgt);
    store_sql_id(w->instrument_id, instt);
    store_sql_id(w->min_group_size, kt);
    store_sql_id(w->previous_wave_id, prevt);
    const char *p[] = {orgt,
                       instt,
                       w->name,
                       kt,
                       w->previous_wave_id ? prevt : NULL,
                       w->opens_at,
                       w->closes_at,
                       w->collection ? w->collection : "online",
                       w->is_test ? "true" : "false"};
    PGresult *r =
        db_query(c,
                 "INSERT INTO waves (organisation_id, instrument_id, name, min_group_size,"
                 " previous_wave_id, opens_at, closes_at, collection, is_test)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                 9, p, err);
    if (!r) return -1;
    *id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return 0;
}

int store_waves_set_status(PGconn *c, long long id, const char *status, tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt, status};
    /* open: from draft (or re-open an open one: no-op); close: from draft or open. */
    PGresult *r =
        db_query(c,
                 "UPDATE waves SET status = $2,"
                 " closes_at = CASE WHEN $2 = 'closed' AND (closes_at IS NULL OR closes_at > now())"
                 "   THEN now() ELSE closes_at END"
                 " WHERE id = $1 AND ("
                 "  ($2 = 'open' AND status IN ('draft', 'open')"
                 "   AND (closes_at IS NULL OR closes_at > now()))"
                 "  OR ($2 = 'closed' AND status IN ('draft', 'open')))"
                 " RETURNING id",
                 2, p, err);
    if (!r) return -1;
    int changed = PQntuples(r) == 1;
    PQclear(r);
    /* Unsubmitted drafts hang on invitation rows, which the mail merge ties
     * to names: once answers can no longer be sent, nothing keeps them. */
    if (changed && !strcmp(status, "closed") &&
        db_exec(c, "UPDATE invitations SET draft = NULL WHERE wave_id = $1 AND draft IS NOT NULL",
                1, p, err) != 0)
        return -1;
    if (!changed)
        return tm_error_set(err, 409, "wave %lld is closed and cannot be %s", id,
                            !strcmp(status, "open") ? "opened again" : "closed again");
    return 0;
}

json_t *store_waves_benchmark(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r =
        db_query(c,
                 "SELECT DISTINCT ON (w.organisation_id) w.id"
                 " FROM waves w JOIN instruments i ON i.id = w.instrument_id"
                 "  JOIN organisations o ON o.id = w.organisation_id,"
                 "  waves me JOIN instruments mi ON mi.id = me.instrument_id"
                 "  JOIN organisations mo ON mo.id = me.organisation_id"
                 " WHERE me.id = $1 AND i.key = mi.key AND w.organisation_id <> me.organisation_id"
                 "  AND CASE WHEN mo.demo THEN o.demo ELSE o.benchmark AND NOT o.demo END"
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
