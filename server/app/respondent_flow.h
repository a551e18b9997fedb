/* respondent_flow.h - the steps every respondent request takes, shared by
 * the JSON API and the HTML form: slow down token guessers, find the token,
 * check that the wave takes answers, check the answers, store them.
 */
#ifndef TM_RESPONDENT_FLOW_H
#define TM_RESPONDENT_FLOW_H

#include "server/web/http.h"
#include "server/store/store.h"

typedef struct respondent_session {
    PGconn *conn;         /* borrowed from the pool until respondent_end */
    respondent who;       /* the token's invitation or open link */
    const instrument *in; /* the wave's instrument (borrowed from the registry) */
    tm_error err;         /* why respondent_begin/store failed */
    int retry_after;      /* seconds, when err.status is 429 */
} respondent_session;

/* Finds the token of path parameter 0. Fails with err 429 (too many failed
 * look-ups from this address; retry_after set), 404 (unknown token; counted
 * against the address), 409 (already submitted), 410 (wave closed) or 403
 * (not yet open). s is always to be ended with respondent_end. */
int respondent_begin(http_request *req, respondent_session *s);

/* Answers the JSON error of s (with Retry-After on 429). */
void respondent_fail(http_response *res, const respondent_session *s);

/* Releases the connection and frees what s holds. */
void respondent_end(http_request *req, respondent_session *s);

typedef struct respondent_outcome {
    int submitted;                  /* 1 = stored as a response */
    size_t answered;                /* items answered (drafts) */
    char new_token[TOKEN_TEXT_MAX]; /* open links: the visitor's own token after a save */
} respondent_outcome;

/* Checks answers (borrowed) and stores them as a draft or a submission.
 * Fails with err 422 (one detail per bad item), 409, 410 or 503. */
int respondent_store(http_request *req, respondent_session *s, json_t *answers, int submit,
                     respondent_outcome *out);

#endif
