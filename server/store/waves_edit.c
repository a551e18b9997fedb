/* waves_edit.c - see waves_edit.h. */
#include "server/store/waves_edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/store/sql.h"

#define LOCAL(column, fmt)                                                                         \
    "coalesce(to_char(" column " AT TIME ZONE 'Europe/Amsterdam', '" fmt "'), '')"

int store_waves_details(PGconn *c, long long id, wave_details *d, tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    PGresult *r = db_query(
        c,
        "SELECT " WAVE_COLUMNS /* its last column, 10, is w.collection */ ", w.is_test,"
        " coalesce(" UTC_TEXT("w.opens_at") ", ''), coalesce(" UTC_TEXT(
            "w.closes_at") ", ''),"
                           " " LOCAL("w.opens_at", "YYYY-MM-DD") ", " LOCAL(
                               "w.opens_at",
                               "HH24:MI") ","
                                          " " LOCAL("w.closes_at", "YYYY-MM-DD") ", " LOCAL(
                                              "w.closes_at",
                                              "HH24:MI") ","
                                                         " " UTC_TEXT(
                                                             "w.created_at") ","
                                                                             " (SELECT count(*) "
                                                                             "FROM invitations i "
                                                                             "WHERE i.wave_id = "
                                                                             "w.id AND i.state < 2"
                                                                             "   AND i.draft IS "
                                                                             "NOT NULL)" WAVE_FROM
                                                                             " WHERE w.id = $1",
        1, p, err);
    if (!r) return -1;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return tm_error_set(err, 404, "wave %lld does not exist", id);
    }
    memset(d, 0, sizeof *d);
    store_sql_wave_row(r, 0, 0, &d->info);
    snprintf(d->collection, sizeof d->collection, "%s", PQgetvalue(r, 0, 10));
    d->is_test = PQgetvalue(r, 0, 11)[0] == 't';
    snprintf(d->opens_at, sizeof d->opens_at, "%s", PQgetvalue(r, 0, 12));
    snprintf(d->closes_at, sizeof d->closes_at, "%s", PQgetvalue(r, 0, 13));
    snprintf(d->opens_date, sizeof d->opens_date, "%s", PQgetvalue(r, 0, 14));
    snprintf(d->opens_time, sizeof d->opens_time, "%s", PQgetvalue(r, 0, 15));
    snprintf(d->closes_date, sizeof d->closes_date, "%s", PQgetvalue(r, 0, 16));
    snprintf(d->closes_time, sizeof d->closes_time, "%s", PQgetvalue(r, 0, 17));
    snprintf(d->created_at, sizeof d->created_at, "%s", PQgetvalue(r, 0, 18));
    d->drafts = strtoll(PQgetvalue(r, 0, 19), NULL, 10);
    PQclear(r);
    return 0;
}

int store_waves_update(PGconn *c, long long id, const wave_edit *e, tm_error *err)
{
    char idt[24], kt[24], pt[24];
    store_sql_id(id, idt);
    store_sql_id(e->min_group_size, kt);
    store_sql_id(e->previous_wave_id, pt);
    const char *p[] = {idt,
                       e->name,
                       e->opens_at,
                       e->closes_at,
                       kt,
                       e->previous_wave_id ? pt : NULL,
                       e->collection,
                       e->is_test ? "true" : "false"};
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    PGresult *r = db_query(c,
                           "SELECT status, collection,"
                           " EXISTS (SELECT 1 FROM invitations WHERE wave_id = w.id)"
                           "  OR EXISTS (SELECT 1 FROM open_links WHERE wave_id = w.id)"
                           "  OR EXISTS (SELECT 1 FROM responses WHERE wave_id = w.id)"
                           " FROM waves w WHERE id = $1 FOR UPDATE",
                           1, p, err);
    if (!r) goto fail;
    int found = PQntuples(r) == 1;
    int draft = found && !strcmp(PQgetvalue(r, 0, 0), "draft");
    int mode_moves = found && strcmp(PQgetvalue(r, 0, 1), e->collection) != 0;
    int has_data = found && PQgetvalue(r, 0, 2)[0] == 't';
    PQclear(r);
    if (!found) {
        tm_error_set(err, 404, "wave %lld does not exist", id);
        goto fail;
    }
    if (!draft) {
        tm_error_set(err, 409, "wave %lld is no longer a draft: it cannot be changed", id);
        goto fail;
    }
    if (mode_moves && has_data) {
        tm_error_set(err, 409,
                     "wave %lld has invitations, links or responses already: its collection "
                     "mode stays as it is",
                     id);
        goto fail;
    }
    if (db_exec(c,
                "UPDATE waves SET name = $2, opens_at = $3, closes_at = $4, min_group_size = $5,"
                " previous_wave_id = $6, collection = $7, is_test = $8 WHERE id = $1",
                8, p, err) != 0)
        goto fail;
    return db_commit(c, own, err);
fail:
    db_rollback(c, own);
    return -1;
}

int store_waves_delete(PGconn *c, long long id, tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    PGresult *r = db_query(c,
                           "SELECT status = 'draft' OR is_test,"
                           " (SELECT min(id) FROM waves n WHERE n.previous_wave_id = w.id)"
                           " FROM waves w WHERE id = $1 FOR UPDATE",
                           1, p, err);
    if (!r) goto fail;
    int found = PQntuples(r) == 1, may = found && PQgetvalue(r, 0, 0)[0] == 't';
    long long next = found && !PQgetisnull(r, 0, 1) ? strtoll(PQgetvalue(r, 0, 1), NULL, 10) : 0;
    PQclear(r);
    if (!found) {
        tm_error_set(err, 404, "wave %lld does not exist", id);
        goto fail;
    }
    if (!may) {
        tm_error_set(err, 409,
                     "wave %lld is neither a draft nor marked as a test: it cannot be deleted", id);
        goto fail;
    }
    if (next) {
        tm_error_set(err, 409, "wave %lld is the previous wave of wave %lld: change that one first",
                     id, next);
        goto fail;
    }
    if (db_exec(c, "DELETE FROM waves WHERE id = $1", 1, p, err) != 0) goto fail;
    return db_commit(c, own, err);
fail:
    db_rollback(c, own);
    return -1;
}

int store_waves_times_order(PGconn *c, const char *opens, const char *closes, tm_error *err)
{
    const char *p[] = {opens, closes};
    PGresult *r = db_query(c,
                           "SELECT coalesce($2::timestamptz > $1::timestamptz, true),"
                           " coalesce($2::timestamptz > now(), true)",
                           2, p, err);
    if (!r) return -1;
    int bits = (PQgetvalue(r, 0, 0)[0] != 't' ? 1 : 0) | (PQgetvalue(r, 0, 1)[0] != 't' ? 2 : 0);
    PQclear(r);
    return bits;
}

int store_waves_local_to_utc(PGconn *c, const char *date, const char *time, char out[24],
                             tm_error *err)
{
    const char *p[] = {date, time};
    PGresult *r = store_sql_probe(c,
                                  "SELECT " UTC_TEXT("(($1::date + $2::time)::timestamp"
                                                     " AT TIME ZONE 'Europe/Amsterdam')"),
                                  2, p, err);
    if (!r) return err && err->status ? -1 : 0;
    snprintf(out, 24, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 1;
}

int store_waves_collection(PGconn *c, long long id, char out[8], tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    PGresult *r = db_query(c, "SELECT collection FROM waves WHERE id = $1", 1, p, err);
    if (!r) return -1;
    int found = PQntuples(r) == 1;
    if (found) snprintf(out, 8, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return found ? 0 : tm_error_set(err, 404, "wave %lld does not exist", id);
}
