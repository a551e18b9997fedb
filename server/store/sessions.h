/* sessions.h - the sessions and login_failures tables: who is signed in to
 * the console (the hash of the cookie's secret, never the secret), and the
 * failed sign-ins that slow the next ones down.
 */
#ifndef TM_STORE_SESSIONS_H
#define TM_STORE_SESSIONS_H

#include <libpq-fe.h>

#include "core/error.h"
#include "core/role.h"

#define STORE_SESSION_HASH_BYTES 32

/* Starts a session of user with the cookie hash (STORE_SESSION_HASH_BYTES). */
int store_sessions_insert(PGconn *c, long long user, const unsigned char *hash, tm_error *err);

/* A live session: not ended, seen within idle_s seconds, started within
 * max_s seconds, its user not disabled. */
typedef struct store_session {
    long long id;
    long long user_id;
    role role;
    int must_change_password;
    char name[201 * 4];
    char email[255];
} store_session;

/* The live session with cookie hash: 1 with out filled (and its last use
 * noted when that is over a minute old), 0 when there is none, -1 with err. */
int store_sessions_find(PGconn *c, const unsigned char *hash, int idle_s, int max_s,
                        store_session *out, tm_error *err);

/* Ends the session with cookie hash (signing out); ends every session of
 * user except keep (a hash, or NULL) with store_sessions_end_user. */
int store_sessions_end(PGconn *c, const unsigned char *hash, tm_error *err);
int store_sessions_end_user(PGconn *c, long long user, const unsigned char *keep, tm_error *err);

/* Failed sign-ins of subject (a hash of an address or an account) within
 * window_s seconds: *failures and *since (seconds since the last one);
 * 0 failures when none. */
int store_logins_failures(PGconn *c, const unsigned char *subject, int window_s, int *failures,
                          double *since, tm_error *err);

/* Counts one failure of subject (starting again after window_s quiet
 * seconds); forgets subject's failures. */
int store_logins_fail(PGconn *c, const unsigned char *subject, int window_s, tm_error *err);
int store_logins_clear(PGconn *c, const unsigned char *subject, tm_error *err);

#endif
