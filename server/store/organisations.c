/* organisations.c - see organisations.h. */
#include "server/store/organisations.h"

#include <stdlib.h>

#include "server/store/db.h"
#include "server/store/sql.h"

/* Row i (id, name, code, created_at, benchmark, demo) as API JSON (new). */
static json_t *org_json(PGresult *r, int i)
{
    return json_pack(
        "{s:I, s:s, s:s, s:s, s:b, s:b}", "id", (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10),
        "name", PQgetvalue(r, i, 1), "code", PQgetvalue(r, i, 2), "created_at", PQgetvalue(r, i, 3),
        "benchmark", PQgetvalue(r, i, 4)[0] == 't', "demo", PQgetvalue(r, i, 5)[0] == 't');
}

json_t *store_organisations_insert(PGconn *c, const caller *who, const char *name, const char *code,
                                   tm_error *err)
{
    int own;
    if (db_begin(c, &own, err) != 0) return NULL;
    const char *p[] = {name, code};
    PGresult *r = db_query(c,
                           "INSERT INTO organisations (name, code) VALUES ($1, $2)"
                           " RETURNING id, name, code, " UTC_TEXT("created_at") ", benchmark, demo",
                           2, p, err);
    if (!r) {
        if (err->status == 409)
            tm_error_set(err, 409, "an organisation with code %s exists already", code);
        return NULL;
    }
    if (who && who->role == ROLE_CONSULTANT) {
        /* The consultant who made it may see it: a key or a person. */
        char uid[24];
        store_sql_id(who->user_id, uid);
        const char *g[] = {who->user_id ? uid : who->key_id_text, PQgetvalue(r, 0, 0)};
        if (db_exec(c,
                    who->user_id ? "INSERT INTO user_organisations (user_id, organisation_id)"
                                   " VALUES ($1, $2)"
                                 : "INSERT INTO api_key_organisations (api_key_id, organisation_id)"
                                   " VALUES ($1, $2)",
                    2, g, err) != 0) {
            PQclear(r);
            return NULL;
        }
    }
    if (db_commit(c, own, err) != 0) {
        PQclear(r);
        return NULL;
    }
    json_t *o = org_json(r, 0);
    PQclear(r);
    return o;
}

json_t *store_organisations_list(PGconn *c, const caller *who, tm_error *err)
{
    const char *p[] = {store_sql_role(who), store_sql_key(who)};
    PGresult *r =
        db_query(c,
                 "SELECT o.id, o.name, o.code, " UTC_TEXT(
                     "o.created_at") ", o.benchmark,"
                                     " o.demo FROM organisations o"
                                     " WHERE" IN_SCOPE("$1", "$2") " ORDER BY o.name, o.id",
                 2, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list, org_json(r, i));
    PQclear(r);
    return list;
}

int store_organisations_visible(PGconn *c, const caller *who, long long org, tm_error *err)
{
    char orgt[24];
    store_sql_id(org, orgt);
    const char *p[] = {orgt, store_sql_role(who), store_sql_key(who)};
    PGresult *r = db_query(
        c, "SELECT 1 FROM organisations o WHERE o.id = $1 AND" IN_SCOPE("$2", "$3"), 3, p, err);
    if (!r) return -1;
    int visible = PQntuples(r) == 1;
    PQclear(r);
    return visible;
}

long long store_organisations_by_code(PGconn *c, const char *code, tm_error *err)
{
    const char *p[] = {code};
    PGresult *r = db_query(c, "SELECT id FROM organisations WHERE code = $1", 1, p, err);
    if (!r) return -1;
    long long id = PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    return id;
}

/* ---- the console (issue 14) --------------------------------------------- */

json_t *store_organisations_get(PGconn *c, const caller *who, long long org, tm_error *err)
{
    char orgt[24];
    store_sql_id(org, orgt);
    const char *p[] = {orgt, store_sql_role(who), store_sql_key(who)};
    PGresult *r = db_query(c,
                           "SELECT o.id, o.name, o.code, " UTC_TEXT(
                               "o.created_at") ", o.benchmark, o.demo FROM organisations o WHERE "
                                               "o.id = $1 AND" IN_SCOPE("$2", "$3"),
                           3, p, err);
    if (!r) return NULL;
    json_t *o = NULL;
    if (PQntuples(r) == 1)
        o = org_json(r, 0);
    else
        tm_error_set(err, 404, "organisation %lld does not exist", org);
    PQclear(r);
    return o;
}

int store_organisations_update(PGconn *c, long long org, const char *name, const char *code,
                               tm_error *err)
{
    char orgt[24];
    store_sql_id(org, orgt);
    const char *p[] = {orgt, name, code};
    PGresult *r = db_query(
        c, "UPDATE organisations SET name = $2, code = $3 WHERE id = $1 RETURNING id", 3, p, err);
    if (!r) {
        if (err->status == 409)
            tm_error_set(err, 409, "an organisation with code %s exists already", code);
        return -1;
    }
    int found = PQntuples(r) == 1;
    PQclear(r);
    return found ? 0 : tm_error_set(err, 404, "organisation %lld does not exist", org);
}

int store_organisations_set_benchmark(PGconn *c, long long org, int benchmark, tm_error *err)
{
    char orgt[24];
    store_sql_id(org, orgt);
    const char *p[] = {orgt, benchmark ? "true" : "false"};
    PGresult *r = db_query(c,
                           "UPDATE organisations SET benchmark = $2::boolean"
                           " WHERE id = $1 AND NOT (demo AND $2::boolean) RETURNING id",
                           2, p, err);
    if (!r) return -1;
    int found = PQntuples(r) == 1;
    PQclear(r);
    if (found) return 0;
    int exists = store_organisations_visible(c, NULL, org, err);
    if (exists < 0) return -1;
    if (!exists) return tm_error_set(err, 404, "organisation %lld does not exist", org);
    return tm_error_set(err, 422,
                        "organisation %lld is a demo organisation: its answers are made up, so it "
                        "can never be a benchmark peer",
                        org);
}

int store_organisations_mark_demo(PGconn *c, long long org, tm_error *err)
{
    char orgt[24];
    store_sql_id(org, orgt);
    const char *p[] = {orgt};
    return db_exec(c, "UPDATE organisations SET demo = true, benchmark = false WHERE id = $1", 1, p,
                   err);
}
