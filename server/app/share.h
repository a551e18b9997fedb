/* share.h - share links to a closed wave's council summary, and the summary
 * page itself (reports/html).
 *
 * An admin or consultant makes a link for a wave (POST
 * /api/v1/waves/{id}/share): a random token (auth_token_new, 128 bits) of
 * which only the hash is stored, with an expiry that is required (at most
 * SHARE_MAX_DAYS ahead); the link can be revoked. Whoever holds the link sees
 * the summary at /raad/s/{token} until then: no key, no login. Only a closed
 * wave can be shared, as its analysis is then the wave's one publication
 * (docs/method.md 10.6). Unknown tokens count towards the per-address limit
 * on token guessing (app_token_failed), as the respondents' do.
 */
#ifndef TM_SHARE_H
#define TM_SHARE_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "core/role.h"
#include "server/app/app.h"
#include "server/store/waves.h"

#define SHARE_MAX_DAYS 366
#define SHARE_CSS_PATH "/assets/raad.css"

/* Makes a link to wave w's summary from the API's fields (body, borrowed):
 * exactly one of "expires_at" (an ISO 8601 time, one minute to
 * SHARE_MAX_DAYS days ahead) and "expires_in_days" (1..SHARE_MAX_DAYS).
 * Returns {"id", "wave_id", "url", "token", "created_at", "expires_at",
 * "revoked_at": null, "active": true} (new reference; the token is shown
 * this once). 422 naming each bad field, 409 when w is not closed. */
json_t *share_create(app *a, PGconn *c, const caller *who, const wave_info *w, json_t *body,
                     tm_error *err);

/* The links of wave w (without tokens), newest first: {"shares": [...]}
 * (new reference). */
json_t *share_list(PGconn *c, const wave_info *w, tm_error *err);

/* Revokes link id of wave w; returns it (new reference); 404 when w has no
 * such link. */
json_t *share_revoke(PGconn *c, const wave_info *w, long long id, tm_error *err);

/* The summary page behind a token, for a client at address client: a new
 * HTML string (caller frees; *len its length), or NULL with err 429 (too
 * many unknown tokens from the address; *retry_after the seconds to wait),
 * 404 (unknown token), 410 (expired or revoked), 503 or 500. lang: "en" or
 * Dutch. */
char *share_page(app *a, PGconn *c, const char *token, const char *client, const char *lang,
                 size_t *len, int *retry_after, tm_error *err);

/* The summary page of wave w (already found in the caller's scope, as
 * req->wave is), for /raad/{wave} behind a login: a new HTML string
 * (caller frees; *len its length), or NULL with err 409 when w is not
 * closed, 503 or 500. share_page uses it behind a token. */
char *share_summary(app *a, PGconn *c, const wave_info *w, const char *lang, size_t *len,
                    tm_error *err);

/* The page's style sheet (static). */
const char *share_css(void);

#endif
