/* respondents.h - a respondent's token and what it may write: the token's
 * invitation (or open link) with its wave, the draft, the submission.
 *
 * Tokens arrive as the hex of their hash (server/app/auth.c makes and
 * hashes them). A submission is one statement: the invitation is marked
 * submitted and its answers, sealed (server/app/seal.h), are written to
 * pending_responses together, so a token submitted twice at once is stored
 * once. The mixer (server/app/mixer.h) moves them into responses later.
 */
#ifndef TM_STORE_RESPONDENTS_H
#define TM_STORE_RESPONDENTS_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/error.h"
#include "server/store/waves.h"

typedef struct respondent {
    long long invitation_id; /* 0 for an open link */
    long long link_id;       /* set for an open link */
    long long from_link;     /* an invitation a visitor of that open link got; else 0 */
    long long wave_id;
    int layer;
    int state;     /* 0 new, 1 started, 2 submitted */
    json_t *draft; /* saved answers or NULL; owned (free with store_respondents_clear) */
    wave_info wave;
} respondent;

/* The two statements of a submission, exported so that the benchmark can
 * run exactly the server's SQL through pgbench: the token look-up ($1: hex
 * of the token hash) and the submit ($1 invitation id, $2 hex of the seal
 * key's id, $3 hex of the sealed answers). */
extern const char store_respondents_find_sql[];
extern const char store_respondents_submit_sql[];

/* Looks a token up by its hash (invitation or open link). 404 when unknown. */
int store_respondents_find(PGconn *c, const char *hash, respondent *r, tm_error *err);

/* Frees what a respondent holds. */
void store_respondents_clear(respondent *r);

/* Saves a draft for an invitation. 409 submitted, 410 closed. */
int store_respondents_save_draft(PGconn *c, const respondent *r, json_t *answers, tm_error *err);

/* Stores a submission atomically: the invitation marked submitted and the
 * sealed answers (hex; key_id the hex of the key's id) waiting. 409 when
 * submitted already, 410 when the wave is not accepting or, for an
 * invitation made from an open link, the link has counted max_responses
 * submissions. */
int store_respondents_submit(PGconn *c, const respondent *r, const char *key_id, const char *sealed,
                             tm_error *err);

/* For an open link: creates the visitor's own invitation under new_hash,
 * holding the draft (sealed NULL; it does not count against max_responses)
 * or already submitted with the sealed answers (counted). 410 when the link
 * is used up or the wave closed. */
int store_respondents_claim_link(PGconn *c, const respondent *r, const char *new_hash,
                                 json_t *draft, const char *key_id, const char *sealed,
                                 tm_error *err);

#endif
