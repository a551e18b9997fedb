/* respondent_flow.c - see respondent_flow.h. */
#include "server/app/respondent_flow.h"

#include <stdio.h>
#include <string.h>

#include "server/app/metrics.h"
#include "server/app/ratelimit.h"

int respondent_begin(http_request *req, respondent_session *s)
{
    memset(s, 0, sizeof *s);
    app *a = req->app;
    const char *token = req->params[0];
    if (a->limiter && (s->retry_after = ratelimit_check(a->limiter, req->client_ip)) > 0)
        return tm_error_set(&s->err, 429,
                            "too many unknown survey links were tried from this address; try "
                            "again in %d seconds",
                            s->retry_after);
    s->conn = db_pool_acquire(a->pool, &s->err);
    if (!s->conn) return -1;
    if (!token_well_formed(token) || store_respondent_find(s->conn, token, &s->who, &s->err) != 0) {
        if (!s->err.status) tm_error_set(&s->err, 404, "this survey link is not known");
        if (s->err.status == 404 && a->limiter) ratelimit_fail(a->limiter, req->client_ip);
        return -1;
    }
    s->in = instrument_registry_get(a->instruments, s->conn, s->who.wave.instrument_id, &s->err);
    if (!s->in) return -1;
    if (s->who.state == 2)
        return tm_error_set(&s->err, 409, "this survey has already been submitted");
    if (!strcmp(s->who.wave.status, "closed"))
        return tm_error_set(&s->err, 410, "this survey is closed");
    if (!s->who.wave.accepting) return tm_error_set(&s->err, 403, "this survey is not open yet");
    return 0;
}

void respondent_fail(http_response *res, const respondent_session *s)
{
    http_respond_error(res, &s->err);
    if (s->err.status == 429) {
        char secs[16];
        snprintf(secs, sizeof secs, "%d", s->retry_after);
        http_respond_header(res, "Retry-After", secs);
    }
}

void respondent_end(http_request *req, respondent_session *s)
{
    db_pool_release(req->app->pool, s->conn);
    s->conn = NULL;
    respondent_clear(&s->who);
    tm_error_clear(&s->err);
}

int respondent_store(http_request *req, respondent_session *s, json_t *answers, int submit,
                     respondent_outcome *out)
{
    memset(out, 0, sizeof *out);
    answer_set set;
    if (answers_check(s->in, s->who.layer, answers, submit ? ANSWERS_SUBMIT : ANSWERS_DRAFT, &set,
                      &s->err) != 0)
        return -1;
    int rc;
    out->answered = set.answered;
    if (submit) {
        rc = s->who.link_id ? store_link_claim(s->conn, &s->who, NULL, &set, NULL, &s->err)
                            : store_submit(s->conn, &s->who, &set, &s->err);
        if (rc == 0) {
            out->submitted = 1;
            metrics_add_submissions(req->app->metrics, 1);
        }
    } else {
        /* The draft is kept in the normalised form, so what comes back is
         * exactly what was accepted. */
        json_t *draft = answers_to_json(s->in, set.scores, set.extra);
        rc = s->who.link_id
                 ? store_link_claim(s->conn, &s->who, draft, NULL, out->new_token, &s->err)
                 : store_draft_save(s->conn, &s->who, draft, &s->err);
        json_decref(draft);
    }
    answers_free(&set);
    return rc;
}
