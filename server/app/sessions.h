/* sessions.h - signing in to the console and staying signed in.
 *
 * A session is a random 256-bit secret in a cookie; the database keeps only
 * its BLAKE2b hash, so a copy of the database signs no one in. A session
 * ends after SESSIONS_IDLE_SECONDS without a request, after
 * SESSIONS_MAX_SECONDS in all, when its user signs out (in the database,
 * not only in the browser) or is disabled.
 *
 * Each session has a CSRF token: a keyed hash of the cookie's secret, so it
 * is bound to the session, costs no storage and cannot be computed from the
 * database. Every form that changes something carries it; sessions_csrf_ok
 * checks it in constant time. The sign-in form itself uses the same
 * derivation on a short-lived pre-session cookie.
 *
 * Failed sign-ins slow down per account and per client address (both
 * counted as hashes, whether or not an account has the address typed); the
 * message never says whether the address exists, and an unknown address
 * costs as much time as a known one.
 */
#ifndef TM_SESSIONS_H
#define TM_SESSIONS_H

#include "core/error.h"
#include "core/role.h"
#include "server/store/db.h"

#define SESSIONS_IDLE_SECONDS (30 * 60)
#define SESSIONS_MAX_SECONDS (12 * 60 * 60)
#define SESSIONS_COOKIE_MAX 48 /* a cookie's secret as text, with its NUL */
#define SESSIONS_CSRF_MAX 48   /* a CSRF token as text, with its NUL */

/* Failed sign-ins allowed before the waiting starts, and the window they
 * are counted in. */
#define SESSIONS_FREE_PER_ACCOUNT 5
#define SESSIONS_FREE_PER_ADDRESS 20
#define SESSIONS_FAILURE_WINDOW (15 * 60)

typedef struct console_session {
    long long id;
    long long user_id;
    role role;
    int must_change_password;
    char name[804];
    char email[255];
    char csrf[SESSIONS_CSRF_MAX];
    char cookie[SESSIONS_COOKIE_MAX]; /* the secret, for ending the session */
} console_session;

/* Signs in: email and password checked, a new session started; its secret
 * into cookie (for the Set-Cookie header) and the account into *user. 401
 * "the e-mail address or the password is not right" for any wrong pair,
 * 429 with *retry_after (seconds) while failures slow down, 503. */
int sessions_login(PGconn *c, const char *email, const char *password, const char *client,
                   char cookie[SESSIONS_COOKIE_MAX], long long *user, int *retry_after,
                   tm_error *err);

/* The live session of cookie (the secret as sent; may be NULL): 0 with who
 * (a person's caller) and s filled, -1 with err 401 (none, ended, too old,
 * idle too long) or 503. */
int sessions_check(PGconn *c, const char *cookie, caller *who, console_session *s, tm_error *err);

/* Ends the session of cookie in the database. */
int sessions_logout(PGconn *c, const char *cookie, tm_error *err);

/* Ends every other session of s's user (after a password change). */
int sessions_end_others(PGconn *c, const console_session *s, tm_error *err);

/* The CSRF token that belongs to a cookie's secret (any cookie: the
 * session's, or the sign-in form's pre-session cookie) into out. */
void sessions_csrf(const char *cookie, char out[SESSIONS_CSRF_MAX]);

/* Whether token is the CSRF token of cookie (constant time). */
int sessions_csrf_ok(const char *cookie, const char *token);

/* A new random secret for a cookie (the sign-in form's pre-session one). */
void sessions_secret_new(char out[SESSIONS_COOKIE_MAX]);

#endif
