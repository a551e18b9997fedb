/* users.h - the people who use the console: accounts with an e-mail
 * address, a name, a role (admin; consultant with its organisations;
 * viewer with one organisation) and a password.
 *
 * Passwords are hashed with Argon2id (libsodium crypto_pwhash_str) and
 * must be at least USERS_PASSWORD_MIN characters and not a common password
 * (data/common-passwords*.txt, compiled in), nor one followed only by
 * digits and signs, nor one short piece repeated. A new account, and a
 * reset one, gets a one-time password that is shown once and must be
 * changed at the first sign-in. The console's Users page, `thermometer
 * user` and `make run` (the first admin) come through here.
 */
#ifndef TM_USERS_H
#define TM_USERS_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "core/role.h"
#include "server/store/db.h"

#define USERS_PASSWORD_MIN 12
#define USERS_PASSWORD_MAX 256
#define USERS_ONE_TIME_MAX 32 /* room for a one-time password and its NUL */

/* What is wrong with password for the account with address email (may be
 * NULL), as one English sentence (static), or NULL when it may be used. */
const char *users_password_problem(const char *password, const char *email);

/* The Argon2id hash of password into out (crypto_pwhash_STRBYTES); 0, or -1
 * with err (500 out of memory). */
int users_password_hash(const char *password, char *out, tm_error *err);

/* Whether password matches hash (crypto_pwhash_str_verify). */
int users_password_matches(const char *hash, const char *password);

/* A new account from the fields (email, name, role, organisations); its
 * one-time password into one_time. 422 naming each bad field, 409 when the
 * address is taken. *id receives its id. */
typedef struct users_new {
    const char *email;
    const char *name;
    const char *role;
    const long long *orgs;
    size_t n_orgs;
} users_new;
int users_create(PGconn *c, const users_new *u, char one_time[USERS_ONE_TIME_MAX], long long *id,
                 tm_error *err);

/* Every account (id 0), or the one with id: see store_users_list (new). */
json_t *users_list(PGconn *c, long long id, tm_error *err);

/* Sets the role and organisations of user id; actor is who asks (one may
 * not take away one's own admin role, and the last admin stays). 422, 404. */
int users_set_role(PGconn *c, const caller *actor, long long id, const char *role,
                   const long long *orgs, size_t n, tm_error *err);

/* Disables (1: its sessions end) or enables (0) user id; not oneself, and
 * not the last active admin (409). */
int users_set_disabled(PGconn *c, const caller *actor, long long id, int disabled, tm_error *err);

/* Gives user id a new one-time password (the old one stops working; its
 * sessions end). 404. */
int users_reset_password(PGconn *c, long long id, char one_time[USERS_ONE_TIME_MAX], tm_error *err);

/* The user's own change: current must match; fresh (typed twice: again)
 * must pass users_password_problem. 422 naming the field. (The console then
 * ends the user's other sessions: sessions_end_others.) */
int users_change_password(PGconn *c, long long id, const char *email, const char *current,
                          const char *fresh, const char *again, tm_error *err);

/* Gives (grant 1) or takes (0) user access to organisation org (see
 * store_users_grant). */
int users_grant(PGconn *c, long long user, long long org, int grant, tm_error *err);

/* The consultants and viewers who may see organisation org (new). */
json_t *users_of_organisation(PGconn *c, long long org, tm_error *err);

/* Normalises an e-mail address into out (lower case, trimmed); 0, or -1
 * when it does not look like one. */
int users_email_normalise(const char *in, char *out, size_t n);

#endif
