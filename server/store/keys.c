/* keys.c - see keys.h. */
#include "server/store/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/store/sql.h"

int store_keys_insert(PGconn *c, const store_key_new *k, long long *id, tm_error *err)
{
    char hex[STORE_SQL_BYTEA_HEX(STORE_KEY_HASH_BYTES)];
    store_sql_bytea(k->hash, STORE_KEY_HASH_BYTES, hex);
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    const char *p1[] = {role_name(k->role), hex, k->name ? k->name : "", k->expires_at};
    PGresult *res = db_query(c,
                             "INSERT INTO api_keys (role, secret_hash, name, expires_at)"
                             " VALUES ($1, $2::bytea, $3, $4::timestamptz) RETURNING id",
                             4, p1, err);
    if (!res) {
        db_rollback(c, own);
        return -1;
    }
    char idt[24];
    snprintf(idt, sizeof idt, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    for (size_t i = 0; i < k->n_orgs; i++) {
        char org[24];
        store_sql_id(k->orgs[i], org);
        const char *p2[] = {idt, org};
        if (db_exec(c,
                    "INSERT INTO api_key_organisations (api_key_id, organisation_id)"
                    " VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    2, p2, err) != 0) {
            if (err && err->status == 422)
                tm_error_set(err, 422, "organisation %lld does not exist", k->orgs[i]);
            db_rollback(c, own);
            return -1;
        }
    }
    if (db_commit(c, own, err) != 0) return -1;
    *id = strtoll(idt, NULL, 10);
    return 0;
}

int store_keys_find(PGconn *c, long long id, role *r, unsigned char *hash, int *stale,
                    tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    static const db_stmt find = {"keys_find",
                                 "SELECT role, secret_hash, (last_used_at IS NULL"
                                 "  OR last_used_at < now() - interval '1 minute')::int"
                                 " FROM api_keys WHERE id = $1 AND revoked_at IS NULL"
                                 " AND (expires_at IS NULL OR expires_at > now())",
                                 1};
    PGresult *res = db_run_bin(c, &find, p, NULL, NULL, 1, err);
    if (!res) return -1;
    int found = PQntuples(res) == 1 && PQgetlength(res, 0, 1) == STORE_KEY_HASH_BYTES &&
                role_parse(PQgetvalue(res, 0, 0), r) == 0;
    if (found) {
        memcpy(hash, PQgetvalue(res, 0, 1), STORE_KEY_HASH_BYTES);
        *stale = PQgetlength(res, 0, 2) == 4 && PQgetvalue(res, 0, 2)[3] != 0;
    }
    PQclear(res);
    return found;
}

int store_keys_touch(PGconn *c, long long id, tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    /* The condition is in the statement, so two requests in the same
     * second write once; a key used within the minute writes nothing. */
    return db_exec(c,
                   "UPDATE api_keys SET last_used_at = now() WHERE id = $1"
                   " AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
                   1, p, err);
}

json_t *store_keys_list(PGconn *c, tm_error *err)
{
    PGresult *r = db_query(
        c,
        "SELECT k.id, k.name, k.role, " UTC_TEXT("k.created_at") ", " UTC_TEXT(
            "k.last_used_at") ", " UTC_TEXT("k.expires_at") ", " UTC_TEXT("k.revoked_at") ","
                                                                                          " (k."
                                                                                          "revoked_"
                                                                                          "at IS "
                                                                                          "NULL "
                                                                                          "AND "
                                                                                          "(k."
                                                                                          "expires_"
                                                                                          "at IS "
                                                                                          "NULL OR "
                                                                                          "k."
                                                                                          "expires_"
                                                                                          "at > "
                                                                                          "now())),"
                                                                                          " coalesc"
                                                                                          "e(("
                                                                                          "SELECT "
                                                                                          "json_"
                                                                                          "agg("
                                                                                          "json_"
                                                                                          "build_"
                                                                                          "object('"
                                                                                          "id', "
                                                                                          "o.id, "
                                                                                          "'name', "
                                                                                          "o.name)"
                                                                                          "   "
                                                                                          "ORDER "
                                                                                          "BY "
                                                                                          "o.name, "
                                                                                          "o.id) "
                                                                                          "FROM "
                                                                                          "api_key_"
                                                                                          "organisa"
                                                                                          "tions g"
                                                                                          "   JOIN "
                                                                                          "organisa"
                                                                                          "tions o "
                                                                                          "ON o.id "
                                                                                          "= "
                                                                                          "g."
                                                                                          "organisa"
                                                                                          "tion_id"
                                                                                          "   "
                                                                                          "WHERE "
                                                                                          "g.api_"
                                                                                          "key_id "
                                                                                          "= "
                                                                                          "k.id), "
                                                                                          "'[]')"
                                                                                          " FROM "
                                                                                          "api_"
                                                                                          "keys k "
                                                                                          "ORDER "
                                                                                          "BY k.id "
                                                                                          "DESC",
        0, NULL, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++) {
        json_t *k = json_pack("{s:I, s:s, s:s, s:s}", "id",
                              (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10), "name",
                              PQgetvalue(r, i, 1), "role", PQgetvalue(r, i, 2), "created_at",
                              PQgetvalue(r, i, 3));
        const char *times[] = {"last_used_at", "expires_at", "revoked_at"};
        for (int t = 0; t < 3; t++)
            json_object_set_new(k, times[t],
                                PQgetisnull(r, i, 4 + t) ? json_null()
                                                         : json_string(PQgetvalue(r, i, 4 + t)));
        json_object_set_new(k, "active", json_boolean(PQgetvalue(r, i, 7)[0] == 't'));
        json_object_set_new(k, "organisations", json_loads(PQgetvalue(r, i, 8), 0, NULL));
        json_array_append_new(list, k);
    }
    PQclear(r);
    return list;
}

int store_keys_revoke(PGconn *c, long long id, tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    PGresult *r = db_query(
        c, "SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = $1 FOR UPDATE", 1, p, err);
    if (!r) return -1;
    int exists = PQntuples(r) == 1, revoked = exists && PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (!exists) return tm_error_set(err, 404, "API key %lld does not exist", id);
    if (revoked) return tm_error_set(err, 409, "API key %lld is revoked already", id);
    return db_exec(c, "UPDATE api_keys SET revoked_at = now() WHERE id = $1", 1, p, err);
}
