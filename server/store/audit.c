/* audit.c - see audit.h. */
#include "server/store/audit.h"

#include <stdio.h>
#include <stdlib.h>

#include "server/store/db.h"
#include "server/store/sql.h"

int store_audit_insert(PGconn *c, const caller *who, const char *action, const char *object_type,
                       long long object_id, json_t *detail, tm_error *err)
{
    char ut[24], kt[24], ot[24];
    store_sql_id(who ? who->user_id : 0, ut);
    store_sql_id(who ? who->key_id : 0, kt);
    store_sql_id(object_id, ot);
    char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    const char *p[] = {who && who->user_id ? ut : NULL,
                       who && who->key_id ? kt : NULL,
                       who && who->principal[0] ? who->principal : "cli",
                       action,
                       object_type,
                       object_id > 0 ? ot : NULL,
                       d};
    int rc = db_exec(c,
                     "INSERT INTO audit_log (user_id, api_key_id, actor, action, object_type,"
                     " object_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)",
                     7, p, err);
    free(d);
    return rc;
}

json_t *store_audit_list(PGconn *c, int limit, long long before, tm_error *err)
{
    char lt[24], bt[24];
    store_sql_id(limit, lt);
    store_sql_id(before, bt);
    const char *p[] = {lt, bt};
    PGresult *r = db_query(
        c,
        "SELECT a.id, " UTC_TEXT(
            "a.at") ", a.actor,"
                    " coalesce(u.name || ' <' || u.email || '>',"
                    "  'API key ' || k.id || coalesce(' (' || nullif(k.name, '') || ')', ''),"
                    "  a.actor),"
                    " a.action, a.object_type, a.object_id, a.detail::text"
                    " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"
                    " LEFT JOIN api_keys k ON k.id = a.api_key_id"
                    " WHERE $2::bigint = 0 OR a.id < $2::bigint"
                    " ORDER BY a.id DESC LIMIT $1",
        2, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++) {
        json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
                              (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10), "at",
                              PQgetvalue(r, i, 1), "actor", PQgetvalue(r, i, 2), "actor_name",
                              PQgetvalue(r, i, 3), "action", PQgetvalue(r, i, 4));
        json_object_set_new(e, "object_type",
                            PQgetisnull(r, i, 5) ? json_null() : json_string(PQgetvalue(r, i, 5)));
        json_object_set_new(e, "object_id",
                            PQgetisnull(r, i, 6)
                                ? json_null()
                                : json_integer(strtoll(PQgetvalue(r, i, 6), NULL, 10)));
        json_object_set_new(e, "detail",
                            PQgetisnull(r, i, 7) ? json_null()
                                                 : json_loads(PQgetvalue(r, i, 7), 0, NULL));
        json_array_append_new(list, e);
    }
    PQclear(r);
    return list;
}
