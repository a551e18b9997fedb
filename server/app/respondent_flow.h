/* respondent_flow.h - the steps every respondent request takes, shared by
 * the JSON API and the HTML form: slow down token guessers, find the token,
 * check that the wave takes answers, check the answers, store them.
 *
 * Input is the token and the client's address; the outcome is a session
 * (who answers, with which instrument) or an error with the status that
 * fits it. What that becomes, a JSON error or a page, is the caller's.
 */
#ifndef TM_RESPONDENT_FLOW_H
#define TM_RESPONDENT_FLOW_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "core/instrument.h"
#include "server/app/app.h"
#include "server/app/auth.h"
#include "server/store/respondents.h"

typedef struct respondent_session {
    respondent who;       /* the token's invitation or open link, with its wave */
    const instrument *in; /* the wave's instrument (borrowed from the app) */
    tm_error err;         /* why a step failed */
    int retry_after;      /* seconds, when err.status is 429 */
} respondent_session;

/* Finds token for client; clears s first, which is always to be ended with
 * respondent_end. Fails with err 404 (unknown token; counted against the
 * address and the token's prefix), 429 (unknown, and too many such from
 * that address or with that prefix: retry_after set; a known token is
 * never refused so), 409 (already submitted), 410 (wave closed), 403 (not
 * yet open) or 503. */
int respondent_begin(app *a, PGconn *c, const char *token, const char *client,
                     respondent_session *s);

/* Frees what s holds. */
void respondent_end(respondent_session *s);

typedef struct respondent_outcome {
    int submitted;                  /* 1 = stored as a response */
    size_t answered;                /* items answered (drafts) */
    char new_token[TOKEN_TEXT_MAX]; /* open links: the visitor's own token after a save or
                                       a submission */
} respondent_outcome;

/* Checks answers (borrowed) and stores them as a draft or a submission; a
 * submission must answer half of the core items (answers_core_count) and
 * waits sealed to be mixed (mixer.h). Fails with err 422 (one detail per
 * bad item), 409, 410 or 503 (no seal key). */
int respondent_store(app *a, PGconn *c, respondent_session *s, json_t *answers, int submit,
                     respondent_outcome *out);

/* Whether token (from an open link visitor's cookie) is the own token of a
 * visitor of the open link in session link: 1 or 0. An unknown token counts
 * against client as respondent_begin's do. The form then continues
 * that token, so one browser gets one token per link (which cannot stop one
 * person from answering twice in two browsers: an open link is for partners
 * whose addresses the municipality does not have). */
int respondent_link_visitor(app *a, PGconn *c, const respondent_session *link, const char *token,
                            const char *client);

#endif
