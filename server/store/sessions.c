/* sessions.c - see sessions.h. */
#include "server/store/sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/store/sql.h"

#define HASH_HEX STORE_SQL_BYTEA_HEX(STORE_SESSION_HASH_BYTES)

int store_sessions_insert(PGconn *c, long long user, const unsigned char *hash, tm_error *err)
{
    char ut[24], hex[HASH_HEX];
    store_sql_id(user, ut);
    store_sql_bytea(hash, STORE_SESSION_HASH_BYTES, hex);
    const char *p[] = {ut, hex};
    return db_exec(c, "INSERT INTO sessions (user_id, token_hash) VALUES ($1, $2::bytea)", 2, p,
                   err);
}

int store_sessions_find(PGconn *c, const unsigned char *hash, int idle_s, int max_s,
                        store_session *out, tm_error *err)
{
    char hex[HASH_HEX], it[24], mt[24];
    store_sql_bytea(hash, STORE_SESSION_HASH_BYTES, hex);
    store_sql_id(idle_s, it);
    store_sql_id(max_s, mt);
    const char *p[] = {hex, it, mt};
    PGresult *r = db_query(c,
                           "SELECT s.id, u.id, u.role, u.must_change_password, u.name, u.email,"
                           " s.last_seen_at < now() - interval '1 minute'"
                           " FROM sessions s JOIN users u ON u.id = s.user_id"
                           " WHERE s.token_hash = $1::bytea AND s.ended_at IS NULL"
                           " AND u.disabled_at IS NULL"
                           " AND s.last_seen_at > now() - make_interval(secs => $2::int)"
                           " AND s.created_at > now() - make_interval(secs => $3::int)",
                           3, p, err);
    if (!r) return -1;
    int found = PQntuples(r) == 1, stale = 0;
    if (found) {
        out->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        out->user_id = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
        role_parse(PQgetvalue(r, 0, 2), &out->role);
        out->must_change_password = PQgetvalue(r, 0, 3)[0] == 't';
        snprintf(out->name, sizeof out->name, "%s", PQgetvalue(r, 0, 4));
        snprintf(out->email, sizeof out->email, "%s", PQgetvalue(r, 0, 5));
        stale = PQgetvalue(r, 0, 6)[0] == 't';
    }
    PQclear(r);
    if (stale) {
        char st[24];
        store_sql_id(out->id, st);
        const char *q[] = {st};
        if (db_exec(c, "UPDATE sessions SET last_seen_at = now() WHERE id = $1", 1, q, err) != 0)
            return -1;
    }
    return found;
}

int store_sessions_end(PGconn *c, const unsigned char *hash, tm_error *err)
{
    char hex[HASH_HEX];
    store_sql_bytea(hash, STORE_SESSION_HASH_BYTES, hex);
    const char *p[] = {hex};
    return db_exec(c,
                   "UPDATE sessions SET ended_at = now()"
                   " WHERE token_hash = $1::bytea AND ended_at IS NULL",
                   1, p, err);
}

int store_sessions_end_user(PGconn *c, long long user, const unsigned char *keep, tm_error *err)
{
    char ut[24], hex[HASH_HEX];
    store_sql_id(user, ut);
    if (keep) store_sql_bytea(keep, STORE_SESSION_HASH_BYTES, hex);
    const char *p[] = {ut, keep ? hex : NULL};
    return db_exec(c,
                   "UPDATE sessions SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL"
                   " AND ($2::bytea IS NULL OR token_hash <> $2::bytea)",
                   2, p, err);
}

int store_logins_failures(PGconn *c, const unsigned char *subject, int window_s, int *failures,
                          double *since, tm_error *err)
{
    char hex[HASH_HEX], wt[24];
    store_sql_bytea(subject, STORE_SESSION_HASH_BYTES, hex);
    store_sql_id(window_s, wt);
    const char *p[] = {hex, wt};
    PGresult *r = db_query(c,
                           "SELECT failures, extract(epoch FROM now() - last_failure)"
                           " FROM login_failures WHERE subject = $1::bytea"
                           " AND last_failure > now() - make_interval(secs => $2::int)",
                           2, p, err);
    if (!r) return -1;
    *failures = 0;
    *since = 0;
    if (PQntuples(r) == 1) {
        *failures = atoi(PQgetvalue(r, 0, 0));
        *since = strtod(PQgetvalue(r, 0, 1), NULL);
    }
    PQclear(r);
    return 0;
}

int store_logins_fail(PGconn *c, const unsigned char *subject, int window_s, tm_error *err)
{
    char hex[HASH_HEX], wt[24];
    store_sql_bytea(subject, STORE_SESSION_HASH_BYTES, hex);
    store_sql_id(window_s, wt);
    const char *p[] = {hex, wt};
    return db_exec(c,
                   "INSERT INTO login_failures (subject, failures, last_failure)"
                   " VALUES ($1::bytea, 1, now()) ON CONFLICT (subject) DO UPDATE SET"
                   " failures = CASE WHEN login_failures.last_failure"
                   "   > now() - make_interval(secs => $2::int)"
                   "   THEN login_failures.failures + 1 ELSE 1 END,"
                   " last_failure = now()",
                   2, p, err);
}

int store_logins_clear(PGconn *c, const unsigned char *subject, tm_error *err)
{
    char hex[HASH_HEX];
    store_sql_bytea(subject, STORE_SESSION_HASH_BYTES, hex);
    const char *p[] = {hex};
    return db_exec(c, "DELETE FROM login_failures WHERE subject = $1::bytea", 1, p, err);
}
