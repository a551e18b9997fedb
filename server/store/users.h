/* users.h - the users and user_organisations tables: the people who sign in
 * to the console, their role, the hash of their password (made by
 * server/app/users.c) and the organisations they may see.
 */
#ifndef TM_STORE_USERS_H
#define TM_STORE_USERS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>

#include "core/error.h"
#include "core/role.h"

#define STORE_PWHASH_MAX 256 /* room for a crypto_pwhash_str string */

/* A new user, checked by the caller. */
typedef struct store_user_new {
    const char *email; /* lower case */
    const char *name;
    role role;
    const char *password_hash;
    int must_change_password;
    const long long *orgs;
    size_t n_orgs;
} store_user_new;

/* Inserts u with its organisations in one transaction; *id receives its id.
 * 409 when the address is taken, 422 naming an unknown organisation. */
int store_users_insert(PGconn *c, const store_user_new *u, long long *id, tm_error *err);

/* What signing in needs of the account with address email. Returns 1 with
 * the fields filled, 0 when there is none, -1 with err. */
typedef struct store_user_login {
    long long id;
    role role;
    int disabled;
    char password_hash[STORE_PWHASH_MAX];
} store_user_login;
int store_users_find_login(PGconn *c, const char *email, store_user_login *out, tm_error *err);

/* The password hash of user id (1), 0 when there is no such user, -1. */
int store_users_password_hash(PGconn *c, long long id, char hash[STORE_PWHASH_MAX], tm_error *err);

/* Every user by name: [{id, email, name, role, organisations: [{id, name}],
 * disabled, must_change_password, created_at}] (new); id > 0: that user only
 * (an array of one or none). */
json_t *store_users_list(PGconn *c, long long id, tm_error *err);

/* Sets the password hash and whether it must be changed at the next sign-in. */
int store_users_set_password(PGconn *c, long long id, const char *hash, int must_change,
                             tm_error *err);

/* Sets role and organisations (replacing the old ones) in one transaction.
 * 404 when there is no such user, 422 naming an unknown organisation. */
int store_users_set_role(PGconn *c, long long id, role r, const long long *orgs, size_t n,
                         tm_error *err);

/* Disables (1) or enables (0) user id; disabling ends its sessions. 404. */
int store_users_set_disabled(PGconn *c, long long id, int disabled, tm_error *err);

/* Active admins other than user id (0: all of them). -1 with err. */
long long store_users_other_admins(PGconn *c, long long id, tm_error *err);

/* Gives (grant 1) or takes (0) user access to organisation org. 404 for an
 * unknown user, 422 when the user is an admin (sees everything anyway) or a
 * viewer who has an organisation already. */
int store_users_grant(PGconn *c, long long user, long long org, int grant, tm_error *err);

/* The people who may see organisation org (consultants and viewers granted
 * it): [{id, email, name, role, disabled}] (new). */
json_t *store_users_of_organisation(PGconn *c, long long org, tm_error *err);

/* The id of the user with address email, 0 when none, -1 with err. */
long long store_users_by_email(PGconn *c, const char *email, tm_error *err);

#endif
