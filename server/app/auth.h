/* auth.h - API keys and respondent tokens.
 *
 * Both are random (libsodium) and stored only as BLAKE2b-256 hashes, so a
 * copy of the database reveals no usable key or link. An API key reads
 * "tm_<id>_<secret>": the id finds the row, the secret's hash is compared in
 * constant time (sodium_memcmp), so response times tell nothing about how
 * much of a guess was right.
 */
#ifndef TM_AUTH_H
#define TM_AUTH_H

#include <libpq-fe.h>
#include <stddef.h>

#include "core/error.h"

typedef enum role { ROLE_NONE = 0, ROLE_ADMIN, ROLE_CONSULTANT, ROLE_VIEWER } role;

/* Who is asking: filled by auth_check for every API request. */
typedef struct auth_context {
    role role;
    long long key_id;
    char key_id_text[24]; /* key_id as text, handy as a query parameter */
} auth_context;

#define TOKEN_HASH_BYTES 32
#define TOKEN_TEXT_MAX 48 /* room for a token and its NUL */

/* "admin", "consultant", "viewer" (or "none"). */
const char *role_name(role r);

/* Parses a role name; returns 0, or -1 when unknown. */
int role_parse(const char *s, role *out);

/* Creates an API key for role, granted the organisations orgs[0..n) (a
 * consultant may have several, a viewer exactly one, an admin none).
 * *key_out receives the key text (caller frees); only its hash is stored.
 * Returns 0 or -1 with err (422 for a bad combination or unknown organisation). */
int auth_key_create(PGconn *conn, role r, const long long *orgs, size_t n, char **key_out,
                    tm_error *err);

/* Checks an Authorization header value ("Bearer KEY"). Returns 0 and fills
 * ctx, or -1 with err 401 (no key, malformed, unknown, revoked) or 503. */
int auth_check(PGconn *conn, const char *authorization, auth_context *ctx, tm_error *err);

/* Whether the key may see organisation org: admins see all, others their
 * grants. Returns 1, 0, or -1 with err. */
int auth_can_see_organisation(PGconn *conn, const auth_context *ctx, long long org, tm_error *err);

/* A new respondent token: at least 128 random bits as URL-safe base64
 * without padding (24 characters) into text (TOKEN_TEXT_MAX bytes), and its
 * hash into hash. */
void token_new(char text[TOKEN_TEXT_MAX], unsigned char hash[TOKEN_HASH_BYTES]);

/* The stored hash of a token. */
void token_hash(const char *text, unsigned char hash[TOKEN_HASH_BYTES]);

/* Whether s looks like a token (URL-safe base64, 16..44 characters): a
 * cheap check before any database look-up. */
int token_well_formed(const char *s);

#endif
