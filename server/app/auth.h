/* auth.h - API keys and respondent tokens.
 *
 * Both are random (libsodium) and stored only as BLAKE2b-256 hashes, so a
 * copy of the database reveals no usable key or link. An API key reads
 * "tm_<id>_<secret>": the id finds the row, the secret's hash is compared in
 * constant time (sodium_memcmp), so response times tell nothing about how
 * much of a guess was right. Roles and callers are core/role.h's.
 */
#ifndef TM_AUTH_H
#define TM_AUTH_H

#include <stddef.h>

#include "core/error.h"
#include "core/role.h"
#include "server/store/db.h"

#define TOKEN_HASH_BYTES 32
#define TOKEN_HASH_HEX (2 * TOKEN_HASH_BYTES + 1) /* the hash as hex, with its NUL */
#define TOKEN_TEXT_MAX 48                         /* room for a token and its NUL */

/* What a new API key is: its role, the organisations granted to it (a
 * consultant may have several, a viewer exactly one, an admin none), a name
 * and an expiry (timestamptz text; NULL: never). Checked by
 * server/app/apikeys.c; auth_key_create checks only the role's rule. */
typedef struct auth_key_spec {
    role role;
    const long long *orgs;
    size_t n_orgs;
    const char *name;
    const char *expires_at;
} auth_key_spec;

/* Creates an API key. *key_out receives the key text (caller frees); only
 * its hash is stored; *id (may be NULL) its id. Returns 0 or -1 with err (422
 * for a bad combination or unknown organisation). */
int auth_key_create(PGconn *c, const auth_key_spec *spec, char **key_out, long long *id,
                    tm_error *err);

/* Checks an Authorization header value ("Bearer KEY") against the database
 * on every call (no cache: a revoked or expired key is refused at once) and
 * notes the key's use at most once a minute. Returns 0 and fills who, or -1
 * with err 401 (no key, malformed, unknown, revoked, expired) or 503. */
int auth_key_check(PGconn *c, const char *authorization, caller *who, tm_error *err);

/* A new respondent token: at least 128 random bits as URL-safe base64
 * without padding (24 characters) into text, and the hex of its hash (what
 * the database keeps) into hash. */
void auth_token_new(char text[TOKEN_TEXT_MAX], char hash[TOKEN_HASH_HEX]);

/* The hex of a token's stored hash. */
void auth_token_hash(const char *text, char hash[TOKEN_HASH_HEX]);

/* Whether s looks like a token (URL-safe base64, 16..44 characters): a
 * cheap check before any database look-up. */
int auth_token_well_formed(const char *s);

#endif
