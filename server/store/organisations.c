/* organisations.c - see organisations.h. */
#include "server/store/organisations.h"

#include <stdlib.h>

#include "server/store/db.h"
#include "server/store/sql.h"

json_t *store_organisations_insert(PGconn *c, const caller *who, const char *name, const char *code,
                                   tm_error *err)
{
    int own;
    if (db_begin(c, &own, err) != 0) return NULL;
    const char *p[] = {name, code};
    PGresult *r = db_query(c,
                           "INSERT INTO organisations (name, code) VALUES ($1, $2)"
                           " RETURNING id, name, code, " UTC_TEXT("created_at"),
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
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s}", "id", (json_int_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10), "name",
        PQgetvalue(r, 0, 1), "code", PQgetvalue(r, 0, 2), "created_at", PQgetvalue(r, 0, 3));
    PQclear(r);
    return o;
}

json_t *store_organisations_list(PGconn *c, const caller *who, tm_error *err)
{
    const char *p[] = {store_sql_role(who), store_sql_key(who)};
    PGresult *r =
        db_query(c,
                 "SELECT o.id, o.name, o.code, " UTC_TEXT(
                     "o.created_at") " FROM organisations o"
                                     " WHERE" IN_SCOPE("$1", "$2") " ORDER BY o.name, o.id",
                 2, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list,
                              json_pack("{s:I, s:s, s:s, s:s}", "id",
                                        (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10), "name",
                                        PQgetvalue(r, i, 1), "code", PQgetvalue(r, i, 2),
                                        "created_at", PQgetvalue(r, i, 3)));
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
    PGresult *r = db_query(
        c,
        "SELECT o.id, o.name, o.code, o.benchmark, " UTC_TEXT(
            "o.created_at") " FROM organisations o WHERE o.id = $1 AND" IN_SCOPE("$2", "$3"),
        3, p, err);
    if (!r) return NULL;
    json_t *o = NULL;
    if (PQntuples(r) == 1)
        o = json_pack("{s:I, s:s, s:s, s:b, s:s}", "id",
                      (json_int_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10), "name",
                      PQgetvalue(r, 0, 1), "code", PQgetvalue(r, 0, 2), "benchmark",
                      PQgetvalue(r, 0, 3)[0] == 't', "created_at", PQgetvalue(r, 0, 4));
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
    PGresult *r = db_query(c, "UPDATE organisations SET benchmark = $2 WHERE id = $1 RETURNING id",
                           2, p, err);
    if (!r) return -1;
    int found = PQntuples(r) == 1;
    PQclear(r);
    return found ? 0 : tm_error_set(err, 404, "organisation %lld does not exist", org);
}
