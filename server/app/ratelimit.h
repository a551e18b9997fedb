/* ratelimit.h - slows down token guessing.
 *
 * Counts failed token look-ups per client address in a sliding minute. An
 * address over the limit is refused (429 with Retry-After) before any
 * database work; addresses that present valid tokens are never counted, so
 * respondents are not slowed by a guesser on another address.
 */
#ifndef TM_RATELIMIT_H
#define TM_RATELIMIT_H

typedef struct ratelimit ratelimit;

/* A limiter allowing max_failures per window_seconds per address. */
ratelimit *ratelimit_create(int max_failures, int window_seconds);
void ratelimit_free(ratelimit *rl);

/* 0 when addr may look up a token now; else the seconds until it may. */
int ratelimit_check(ratelimit *rl, const char *addr);

/* Records one failed look-up by addr. */
void ratelimit_fail(ratelimit *rl, const char *addr);

#endif
