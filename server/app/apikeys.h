/* apikeys.h - managing API keys: create one with a name, a role, its
 * organisations and an optional expiry; list them (with when each was last
 * used); revoke one. The API (/api/v1/keys, admin), the console's Keys page
 * and `thermometer apikey` all come through here. Checking a key on a
 * request is auth.h's.
 */
#ifndef TM_APIKEYS_H
#define TM_APIKEYS_H

#include <jansson.h>

#include "core/error.h"
#include "server/store/db.h"

/* Creates a key from the fields of body (borrowed): name (1..200
 * characters, required), role ("admin", "consultant", "viewer"),
 * organisations (ids; a consultant any number, a viewer exactly one, an
 * admin none) and expires_at (optional: ISO 8601 with an offset, in the
 * future). 422 naming each bad field. Returns {id, name, role,
 * organisations, expires_at, key} (new); "key" is the secret, shown this
 * once: only its hash is stored. */
json_t *apikeys_create(PGconn *c, json_t *body, tm_error *err);

/* Every key, newest first (see store_keys_list; new). */
json_t *apikeys_list(PGconn *c, tm_error *err);

/* Revokes key id: refused from the next request on. 404, 409 when revoked
 * already. */
int apikeys_revoke(PGconn *c, long long id, tm_error *err);

#endif
