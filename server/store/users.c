/* users.c - see users.h. */
#include "server/store/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/store/sql.h"

static int grants_insert(PGconn *c, const char *idt, const long long *orgs, size_t n, tm_error *err)
{
    for (size_t i = 0; i < n; i++) {
        char org[24];
        store_sql_id(orgs[i], org);
        const char *p[] = {idt, org};
        if (db_exec(c,
                    "INSERT INTO user_organisations (user_id, organisation_id) VALUES ($1, $2)"
                    " ON CONFLICT DO NOTHING",
                    2, p, err) != 0) {
            if (err && err->status == 422)
                tm_error_set(err, 422, "organisation %lld does not exist", orgs[i]);
            return -1;
        }
    }
    return 0;
}

int store_users_insert(PGconn *c, const store_user_new *u, long long *id, tm_error *err)
{
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    const char *p[] = {u->email, u->name, role_name(u->role), u->password_hash,
                       u->must_change_password ? "true" : "false"};
    PGresult *r = db_query(c,
                           "INSERT INTO users (email, name, role, password_hash,"
                           " must_change_password) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                           5, p, err);
    if (!r) {
        if (err && err->status == 409)
            tm_error_set(err, 409, "there is an account with this e-mail address already");
        db_rollback(c, own);
        return -1;
    }
    char idt[24];
    snprintf(idt, sizeof idt, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    if (grants_insert(c, idt, u->orgs, u->n_orgs, err) != 0 || db_commit(c, own, err) != 0) {
        db_rollback(c, own);
        return -1;
    }
    *id = strtoll(idt, NULL, 10);
    return 0;
}

int store_users_find_login(PGconn *c, const char *email, store_user_login *out, tm_error *err)
{
    const char *p[] = {email};
    PGresult *r = db_query(c,
                           "SELECT id, role, disabled_at IS NOT NULL, password_hash FROM users"
                           " WHERE email = $1",
                           1, p, err);
    if (!r) return -1;
    int found = PQntuples(r) == 1;
    if (found) {
        out->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        role_parse(PQgetvalue(r, 0, 1), &out->role);
        out->disabled = PQgetvalue(r, 0, 2)[0] == 't';
        snprintf(out->password_hash, sizeof out->password_hash, "%s", PQgetvalue(r, 0, 3));
    }
    PQclear(r);
    return found;
}

int store_users_password_hash(PGconn *c, long long id, char hash[STORE_PWHASH_MAX], tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    PGresult *r = db_query(c, "SELECT password_hash FROM users WHERE id = $1", 1, p, err);
    if (!r) return -1;
    int found = PQntuples(r) == 1;
    if (found) snprintf(hash, STORE_PWHASH_MAX, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return found;
}

json_t *store_users_list(PGconn *c, long long id, tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    PGresult *r = db_query(c,
                           "SELECT u.id, u.email, u.name, u.role, u.disabled_at IS NOT NULL,"
                           " u.must_change_password, " UTC_TEXT(
                               "u.created_at") ","
                                               " coalesce((SELECT json_agg(json_build_object('id', "
                                               "o.id, 'name', o.name)"
                                               "   ORDER BY o.name, o.id) FROM user_organisations g"
                                               "   JOIN organisations o ON o.id = "
                                               "g.organisation_id WHERE g.user_id = u.id), '[]')"
                                               " FROM users u WHERE $1::bigint = 0 OR u.id = "
                                               "$1::bigint ORDER BY u.name, u.id",
                           1, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++) {
        json_t *u =
            json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:s}", "id",
                      (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10), "email",
                      PQgetvalue(r, i, 1), "name", PQgetvalue(r, i, 2), "role", PQgetvalue(r, i, 3),
                      "disabled", PQgetvalue(r, i, 4)[0] == 't', "must_change_password",
                      PQgetvalue(r, i, 5)[0] == 't', "created_at", PQgetvalue(r, i, 6));
        json_object_set_new(u, "organisations", json_loads(PQgetvalue(r, i, 7), 0, NULL));
        json_array_append_new(list, u);
    }
    PQclear(r);
    return list;
}

int store_users_set_password(PGconn *c, long long id, const char *hash, int must_change,
                             tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt, hash, must_change ? "true" : "false"};
    return db_exec(c,
                   "UPDATE users SET password_hash = $2, must_change_password = $3 WHERE id = $1",
                   3, p, err);
}

int store_users_set_role(PGconn *c, long long id, role rl, const long long *orgs, size_t n,
                         tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt, role_name(rl)};
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    PGresult *r = db_query(c, "UPDATE users SET role = $2 WHERE id = $1 RETURNING id", 2, p, err);
    if (!r) goto fail;
    int found = PQntuples(r) == 1;
    PQclear(r);
    if (!found) {
        tm_error_set(err, 404, "user %lld does not exist", id);
        goto fail;
    }
    if (db_exec(c, "DELETE FROM user_organisations WHERE user_id = $1", 1, p, err) != 0 ||
        grants_insert(c, idt, orgs, n, err) != 0 || db_commit(c, own, err) != 0)
        goto fail;
    return 0;
fail:
    db_rollback(c, own);
    return -1;
}

int store_users_set_disabled(PGconn *c, long long id, int disabled, tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    PGresult *r = db_query(c,
                           disabled ? "UPDATE users SET disabled_at = coalesce(disabled_at, now())"
                                      " WHERE id = $1 RETURNING id"
                                    : "UPDATE users SET disabled_at = NULL WHERE id = $1"
                                      " RETURNING id",
                           1, p, err);
    if (!r) goto fail;
    int found = PQntuples(r) == 1;
    PQclear(r);
    if (!found) {
        tm_error_set(err, 404, "user %lld does not exist", id);
        goto fail;
    }
    if (disabled && db_exec(c,
                            "UPDATE sessions SET ended_at = now()"
                            " WHERE user_id = $1 AND ended_at IS NULL",
                            1, p, err) != 0)
        goto fail;
    return db_commit(c, own, err);
fail:
    db_rollback(c, own);
    return -1;
}

long long store_users_other_admins(PGconn *c, long long id, tm_error *err)
{
    char idt[24];
    store_sql_id(id, idt);
    const char *p[] = {idt};
    PGresult *r = db_query(c,
                           "SELECT count(*) FROM users WHERE role = 'admin'"
                           " AND disabled_at IS NULL AND id <> $1",
                           1, p, err);
    if (!r) return -1;
    long long n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return n;
}

int store_users_grant(PGconn *c, long long user, long long org, int grant, tm_error *err)
{
    char ut[24], ot[24];
    store_sql_id(user, ut);
    store_sql_id(org, ot);
    const char *p[] = {ut, ot};
    PGresult *r = db_query(c,
                           "SELECT role, (SELECT count(*) FROM user_organisations g"
                           "  WHERE g.user_id = u.id AND g.organisation_id <> $2::bigint)"
                           " FROM users u WHERE u.id = $1",
                           2, p, err);
    if (!r) return -1;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return tm_error_set(err, 404, "user %lld does not exist", user);
    }
    int admin = !strcmp(PQgetvalue(r, 0, 0), "admin");
    int viewer_has_one = !strcmp(PQgetvalue(r, 0, 0), "viewer") && atoi(PQgetvalue(r, 0, 1)) > 0;
    PQclear(r);
    if (!grant)
        return db_exec(c,
                       "DELETE FROM user_organisations WHERE user_id = $1 AND organisation_id = $2",
                       2, p, err);
    if (admin) return tm_error_set(err, 422, "an admin sees every organisation already");
    if (viewer_has_one) return tm_error_set(err, 422, "a viewer may see one organisation only");
    return grants_insert(c, ut, &org, 1, err);
}

json_t *store_users_of_organisation(PGconn *c, long long org, tm_error *err)
{
    char ot[24];
    store_sql_id(org, ot);
    const char *p[] = {ot};
    PGresult *r = db_query(c,
                           "SELECT u.id, u.email, u.name, u.role, u.disabled_at IS NOT NULL"
                           " FROM users u JOIN user_organisations g ON g.user_id = u.id"
                           " WHERE g.organisation_id = $1 ORDER BY u.name, u.id",
                           1, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id",
                                              (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10),
                                              "email", PQgetvalue(r, i, 1), "name",
                                              PQgetvalue(r, i, 2), "role", PQgetvalue(r, i, 3),
                                              "disabled", PQgetvalue(r, i, 4)[0] == 't'));
    PQclear(r);
    return list;
}

long long store_users_by_email(PGconn *c, const char *email, tm_error *err)
{
    const char *p[] = {email};
    PGresult *r = db_query(c, "SELECT id FROM users WHERE email = $1", 1, p, err);
    if (!r) return -1;
    long long id = PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    return id;
}
