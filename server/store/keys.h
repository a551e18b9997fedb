/* keys.h - the api_keys and api_key_organisations tables: a key's role, the
 * hash of its secret, and the organisations granted to it. The secret and
 * its hashing are server/app/auth.c's; only the hash comes here.
 */
#ifndef TM_STORE_KEYS_H
#define TM_STORE_KEYS_H

#include <libpq-fe.h>
#include <stddef.h>

#include "core/error.h"
#include "core/role.h"

#define STORE_KEY_HASH_BYTES 32

/* Inserts a key with role r and secret hash (STORE_KEY_HASH_BYTES), granted
 * the organisations orgs[0..n), in one transaction. *id receives its id.
 * 422 naming an organisation that does not exist. */
int store_keys_insert(PGconn *c, role r, const unsigned char *hash, const long long *orgs, size_t n,
                      long long *id, tm_error *err);

/* The role and secret hash of key id when it exists and is not revoked:
 * returns 1 with *r and hash (STORE_KEY_HASH_BYTES) filled, 0 when there is
 * no such key, -1 with err. */
int store_keys_find(PGconn *c, long long id, role *r, unsigned char *hash, tm_error *err);

#endif
