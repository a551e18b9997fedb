/* respondent_flow.c - see respondent_flow.h. */
#include "server/app/respondent_flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/answers.h"

int respondent_begin(app *a, PGconn *c, const char *token, const char *client,
                     respondent_session *s)
{
    memset(s, 0, sizeof *s);
    char hash[TOKEN_HASH_HEX];
    if (auth_token_well_formed(token)) auth_token_hash(token, hash);
    if (!auth_token_well_formed(token) || store_respondents_find(c, hash, &s->who, &s->err) != 0) {
        if (!s->err.status) tm_error_set(&s->err, 404, "this survey link is not known");
        if (s->err.status == 404) s->retry_after = app_token_failed(a, c, client, token, &s->err);
        return -1;
    }
    s->in = app_instrument(a, c, s->who.wave.instrument_id, &s->err);
    if (!s->in) return -1;
    if (s->who.state == 2)
        return tm_error_set(&s->err, 409, "this survey has already been submitted");
    if (!strcmp(s->who.wave.status, "closed"))
        return tm_error_set(&s->err, 410, "this survey is closed");
    if (!s->who.wave.accepting) return tm_error_set(&s->err, 403, "this survey is not open yet");
    return 0;
}

void respondent_end(respondent_session *s)
{
    store_respondents_clear(&s->who);
    tm_error_clear(&s->err);
}

int respondent_store(app *a, PGconn *c, respondent_session *s, json_t *answers, int submit,
                     respondent_outcome *out)
{
    memset(out, 0, sizeof *out);
    answer_set set;
    if (answers_check(s->in, s->who.layer, answers, submit ? ANSWERS_SUBMIT : ANSWERS_DRAFT, &set,
                      &s->err) != 0)
        return -1;
    int rc;
    out->answered = set.answered;
    char token[TOKEN_TEXT_MAX], hash[TOKEN_HASH_HEX];
    if (s->who.link_id) auth_token_new(token, hash); /* the visitor's own */
    if (submit) {
        /* The answers wait sealed until the mixer releases them (mixer.h). */
        const seal_key *k = app_seal_key(a);
        char *sealed = k ? seal_answers(k, s->who.wave_id, s->who.layer, &set) : NULL;
        if (!k)
            rc = tm_error_set(&s->err, 503,
                              "this server cannot take submissions: it has no seal key");
        else if (!sealed)
            rc = tm_error_set(&s->err, 500, "out of memory sealing the answers");
        else
            rc = s->who.link_id
                     ? store_respondents_claim_link(c, &s->who, hash, NULL, k->id, sealed, &s->err)
                     : store_respondents_submit(c, &s->who, k->id, sealed, &s->err);
        free(sealed);
        if (rc == 0) {
            out->submitted = 1;
            app_count_submissions(a, 1);
        }
    } else {
        /* The draft is kept in the normalised form, so what comes back is
         * exactly what was accepted. */
        json_t *draft = answers_to_json(s->in, set.scores, set.extra);
        rc = s->who.link_id
                 ? store_respondents_claim_link(c, &s->who, hash, draft, NULL, NULL, &s->err)
                 : store_respondents_save_draft(c, &s->who, draft, &s->err);
        json_decref(draft);
    }
    if (rc == 0 && s->who.link_id) snprintf(out->new_token, sizeof out->new_token, "%s", token);
    answers_free(&set);
    return rc;
}

int respondent_link_visitor(app *a, PGconn *c, const respondent_session *link, const char *token,
                            const char *client)
{
    /* A cookie is one more way to try tokens: counted as the link's are. */
    if (!link->who.link_id || !auth_token_well_formed(token)) return 0;
    char hash[TOKEN_HASH_HEX];
    auth_token_hash(token, hash);
    respondent r;
    tm_error err = TM_ERROR_INIT;
    int rc = store_respondents_find(c, hash, &r, &err) == 0 && r.from_link == link->who.link_id;
    if (err.status == 404) app_token_failed(a, c, client, token, &err);
    store_respondents_clear(&r);
    tm_error_clear(&err);
    return rc;
}
