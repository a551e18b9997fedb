/* keys.h - the api_keys and api_key_organisations tables: a key's name,
 * role, the hash of its secret, its expiry, when it was last used and
 * whether it is revoked, and the organisations granted to it. The secret
 * and its hashing are server/app/auth.c's; only the hash comes here.
 */
#ifndef TM_STORE_KEYS_H
#define TM_STORE_KEYS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>

#include "core/error.h"
#include "core/role.h"

#define STORE_KEY_HASH_BYTES 32

/* A new key, checked by the caller. */
typedef struct store_key_new {
    role role;
    const unsigned char *hash; /* STORE_KEY_HASH_BYTES */
    const long long *orgs;     /* granted organisations */
    size_t n_orgs;
    const char *name;       /* "" when none */
    const char *expires_at; /* timestamptz text, or NULL: never */
} store_key_new;

/* Inserts key k, granted its organisations, in one transaction. *id
 * receives its id. 422 naming an organisation that does not exist. */
int store_keys_insert(PGconn *c, const store_key_new *k, long long *id, tm_error *err);

/* The role and secret hash of key id when it exists, is not revoked and has
 * not expired: returns 1 with *r, hash (STORE_KEY_HASH_BYTES) and *stale
 * (its last use was noted over a minute ago, or never) filled, 0 when there
 * is no such key, -1 with err. Nothing is cached: a revoke or an expiry
 * counts from the next request on. */
int store_keys_find(PGconn *c, long long id, role *r, unsigned char *hash, int *stale,
                    tm_error *err);

/* Notes that key id was used now, unless that was noted less than a minute
 * ago: one write a minute per key at most, whatever the traffic. */
int store_keys_touch(PGconn *c, long long id, tm_error *err);

/* Every key, newest first: [{id, name, role, organisations: [{id, name}],
 * created_at, last_used_at, expires_at, revoked_at, active}] (new). */
json_t *store_keys_list(PGconn *c, tm_error *err);

/* Revokes key id. 404 when there is no such key, 409 when it was revoked
 * already. */
int store_keys_revoke(PGconn *c, long long id, tm_error *err);

#endif
