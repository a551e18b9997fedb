/* store.h - every read and write of organisations, waves, invitations and
 * responses: the SQL of the collection side lives here, parameterised, and
 * nowhere else. Functions take a borrowed connection from the pool and
 * return JSON for the API (new references) or fill small structs.
 *
 * Scope: functions that take an auth_context return 404 for anything
 * outside the key's organisations, so a key never learns that another
 * organisation's wave exists. Role checks (may this role write?) are the
 * route's job; scope checks are here, next to the SQL that enforces them.
 */
#ifndef TM_STORE_H
#define TM_STORE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/answers.h"
#include "server/app/auth.h"
#include "core/error.h"

/* ---- organisations ---- */

/* Creates an organisation; a consultant key is granted it at once.
 * 409 when the CBS code is taken, 422 for a bad name or code. */
json_t *store_organisation_create(PGconn *c, const auth_context *who, const char *name,
                                  const char *code, tm_error *err);

/* The organisations the key may see: [{id, name, code, created_at}]. */
json_t *store_organisations_list(PGconn *c, const auth_context *who, tm_error *err);

/* ---- waves ---- */

typedef struct wave_info {
    long long id;
    long long organisation_id;
    int instrument_id;
    char status[8]; /* effective: "closed" once closes_at has passed */
    int accepting;  /* open, past opens_at, before closes_at */
    int min_group_size;
    long long previous_wave_id; /* 0 = none */
    char name[256];
    char organisation[256];
    char instrument[160]; /* "key@version" */
} wave_info;

/* Reads wave id as seen by who (NULL = no scope check, for the respondent
 * side). 404 when it does not exist or is out of scope. */
int store_wave_get(PGconn *c, const auth_context *who, long long id, wave_info *w, tm_error *err);

/* The wave as API JSON (new reference). */
json_t *store_wave_json(PGconn *c, long long id, tm_error *err);

/* Creates a wave from the API body fields; validates them (422 naming each
 * bad field). Returns the new wave's JSON. */
json_t *store_wave_create(PGconn *c, const auth_context *who, json_t *body, tm_error *err);

/* Sets the status ("open" or "closed"); 409 for a transition that makes no
 * sense (closing a draft is allowed: a wave may be abandoned). */
int store_wave_set_status(PGconn *c, long long id, const char *status, tm_error *err);

/* Waves of an organisation, newest first; 404 when out of scope. */
json_t *store_waves_of_organisation(PGconn *c, const auth_context *who, long long org,
                                    tm_error *err);

/* ---- invitations, links and progress ---- */

/* Creates count invitations for layer (index) and returns their tokens
 * (new JSON array of {token, url}); tokens are stored only as hashes. */
json_t *store_invitations_create(PGconn *c, long long wave, int layer, int count,
                                 const char *base_url, tm_error *err);

/* Creates an open link for layer with max_responses; returns {token, url, ...}. */
json_t *store_link_create(PGconn *c, long long wave, int layer, int max_responses,
                          const char *base_url, tm_error *err);

/* Per layer of the chain: invited, started, submitted (counts only). */
json_t *store_progress(PGconn *c, long long wave, const char *const *layer_keys, size_t n_layers,
                       tm_error *err);

/* ---- the respondent ---- */

typedef struct respondent {
    long long invitation_id; /* 0 for an open link */
    long long link_id;       /* set for an open link */
    long long wave_id;
    int layer;
    int state;     /* 0 new, 1 started, 2 submitted */
    json_t *draft; /* saved answers or NULL; owned (free with respondent_clear) */
    wave_info wave;
} respondent;

/* The two statements of a submission, exported so that the benchmark can
 * run exactly the server's SQL through pgbench: the token look-up ($1: hex
 * of the token hash) and the submit ($1 invitation id, $2 scores literal,
 * $3 extra JSON or NULL). */
extern const char store_respondent_sql[];
extern const char store_submit_sql[];

/* Looks a token up (invitation or open link). 404 when unknown. */
int store_respondent_find(PGconn *c, const char *token, respondent *r, tm_error *err);

/* Frees what a respondent holds. */
void respondent_clear(respondent *r);

/* Saves a draft for an invitation. 409 submitted, 410 closed. */
int store_draft_save(PGconn *c, const respondent *r, json_t *answers, tm_error *err);

/* Stores a submission atomically: the invitation is marked submitted and the
 * response inserted in one statement, so a token submitted twice at once is
 * stored once (the second gets 409). 410 when the wave is not accepting. */
int store_submit(PGconn *c, const respondent *r, const answer_set *a, tm_error *err);

/* For an open link: creates the visitor's own invitation (counting against
 * max_responses) holding the draft, or the submission when submit is set.
 * The new token goes to token_out (TOKEN_TEXT_MAX bytes) on a draft.
 * 410 when the link is used up or the wave closed. */
int store_link_claim(PGconn *c, const respondent *r, json_t *draft, const answer_set *submit,
                     char *token_out, tm_error *err);

/* Stores imported responses in one transaction with COPY: all or nothing.
 * row(ctx, i, ...) gives row i's layer, scores (n_items entries) and extra
 * (borrowed, may be NULL). 409 when the wave is closed. */
typedef int (*import_row_fn)(void *ctx, size_t i, int *layer, const int16_t **scores,
                             json_t **extra);
int store_import(PGconn *c, long long wave, size_t n_rows, size_t n_items, import_row_fn row,
                 void *ctx, tm_error *err);

/* Marks count unused invitations of layer as submitted (the demo and tests
 * use this for imported answers that stand for invited people). */
int store_invitations_mark_submitted(PGconn *c, long long wave, int layer, int count,
                                     tm_error *err);

/* The id of the organisation with CBS code, 0 when there is none. */
long long store_organisation_by_code(PGconn *c, const char *code, tm_error *err);

#endif
