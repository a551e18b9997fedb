/* ratelimit.h - slows down token guessing, across replicas.
 *
 * Every failed token look-up (a survey link that is not known) is counted
 * in PostgreSQL (server/store/token_failures.c), per client address and
 * per token prefix, in windows of a minute, so the count is the same on
 * every replica. Over either limit, unknown tokens are answered 429 with
 * Retry-After instead of 404 (and the web room answers them late). A valid
 * token is never counted and never refused: it is looked up and answered
 * even from an address that is being slowed, so a guesser behind a town
 * hall's single address does not lock out its staff.
 *
 * Per prefix: a guesser who knows the beginning of a link and tries the
 * rest from many addresses stays under each address's limit, but all its
 * guesses share the prefix.
 */
#ifndef TM_RATELIMIT_H
#define TM_RATELIMIT_H

#include "core/error.h"
#include "server/store/db.h"

#define RATELIMIT_WINDOW_S 60
#define RATELIMIT_PER_ADDRESS 50 /* failures per window from one client address */
#define RATELIMIT_PER_PREFIX 20  /* failures per window with one token prefix */
#define RATELIMIT_PREFIX_CHARS 6 /* 36 of a token's 144 random bits */

/* Counts one failed look-up of token by client. Returns 0 (answer 404 as
 * usual), or the seconds to wait with err set to 429 naming the limit.
 * When the count cannot be written (the database is away) it returns 0:
 * the look-up failed the same way. */
int ratelimit_failed(PGconn *c, const char *client, const char *token, tm_error *err);

#endif
