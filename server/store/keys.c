/* keys.c - see keys.h. */
#include "server/store/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/store/sql.h"

int store_keys_insert(PGconn *c, role r, const unsigned char *hash, const long long *orgs, size_t n,
                      long long *id, tm_error *err)
{
    /* "\\x" followed by hex: a bytea parameter in text form. */
    char hex[2 + 2 * STORE_KEY_HASH_BYTES + 1] = "\\x";
    for (size_t i = 0; i < STORE_KEY_HASH_BYTES; i++)
        snprintf(hex + 2 + 2 * i, 3, "%02x", hash[i]);
    if (db_exec(c, "BEGIN", 0, NULL, err) != 0) return -1;
    const char *p1[] = {role_name(r), hex};
    PGresult *res =
        db_query(c, "INSERT INTO api_keys (role, secret_hash) VALUES ($1, $2::bytea) RETURNING id",
                 2, p1, err);
    if (!res) return -1;
    char idt[24];
    snprintf(idt, sizeof idt, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    for (size_t i = 0; i < n; i++) {
        char org[24];
        store_sql_id(orgs[i], org);
        const char *p2[] = {idt, org};
        if (db_exec(c,
                    "INSERT INTO api_key_organisations (api_key_id, organisation_id)"
                    " VALUES ($1, $2)",
                    2, p2, err) != 0) {
            if (err && err->status == 422)
                tm_error_set(err, 422, "organisation %lld does not exist", orgs[i]);
            db_rollback(c, 1);
            return -1;
        }
    }
    if (db_exec(c, "COMMIT", 0, NULL, err) != 0) return -1;
    *id = strtoll(idt, NULL, 10);
    return 0;
}

int store_keys_find(PGconn *c, long long id, role *r, unsigned char *hash, tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    static const db_stmt find = {
        "keys_find", "SELECT role, secret_hash FROM api_keys WHERE id = $1 AND revoked_at IS NULL",
        1};
    PGresult *res = db_run_bin(c, &find, p, NULL, NULL, 1, err);
    if (!res) return -1;
    int found = PQntuples(res) == 1 && PQgetlength(res, 0, 1) == STORE_KEY_HASH_BYTES &&
                role_parse(PQgetvalue(res, 0, 0), r) == 0;
    if (found) memcpy(hash, PQgetvalue(res, 0, 1), STORE_KEY_HASH_BYTES);
    PQclear(res);
    return found;
}
