/* respondent_flow.c - see respondent_flow.h. */
#include "server/app/respondent_flow.h"

#include <stdio.h>
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
        rc = s->who.link_id ? store_respondents_claim_link(c, &s->who, hash, NULL, &set, &s->err)
                            : store_respondents_submit(c, &s->who, &set, &s->err);
        if (rc == 0) {
            out->submitted = 1;
            app_count_submissions(a, 1);
        }
    } else {
        /* The draft is kept in the normalised form, so what comes back is
         * exactly what was accepted. */
        json_t *draft = answers_to_json(s->in, set.scores, set.extra);
        rc = s->who.link_id ? store_respondents_claim_link(c, &s->who, hash, draft, NULL, &s->err)
                            : store_respondents_save_draft(c, &s->who, draft, &s->err);
        if (rc == 0 && s->who.link_id) snprintf(out->new_token, sizeof out->new_token, "%s", token);
        json_decref(draft);
    }
    answers_free(&set);
    return rc;
}
