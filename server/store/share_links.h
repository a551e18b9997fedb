/* share_links.h - the share_links table: links that show a closed wave's
 * council summary to whoever holds them, until they expire or are revoked.
 * Tokens arrive here as the hex of their hash (server/app/auth.c makes
 * them): the store never sees a token.
 */
#ifndef TM_STORE_SHARE_LINKS_H
#define TM_STORE_SHARE_LINKS_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/error.h"

/* Inserts a link to wave with token hash `hash` (hex) expiring at
 * `expires_at` (timestamptz text) made by API key `key_id` (0: none).
 * Returns the link as API JSON {"id", "wave_id", "created_at",
 * "expires_at", "revoked_at": null, "active"} (new reference), or NULL with
 * err. */
json_t *store_share_links_insert(PGconn *c, long long wave, const char *hash,
                                 const char *expires_at, long long key_id, tm_error *err);

/* The wave of the link whose token hashes to `hash`: 0 and *wave, or -1
 * with err 404 (unknown), 410 (expired or revoked; the message says which)
 * or 503. */
int store_share_links_find(PGconn *c, const char *hash, long long *wave, tm_error *err);

/* The links of wave, newest first, as API JSON (new reference). */
json_t *store_share_links_list(PGconn *c, long long wave, tm_error *err);

/* Revokes link id of wave (revoking twice keeps the first time) and returns
 * it as API JSON (new reference); 404 when wave has no such link. */
json_t *store_share_links_revoke(PGconn *c, long long wave, long long id, tm_error *err);

/* Whether text reads as a timestamptz at least one minute and at most
 * max_days days from now: 1 yes, 0 no, -1 with err (503). */
int store_share_links_expiry_valid(PGconn *c, const char *text, int max_days, tm_error *err);

#endif
