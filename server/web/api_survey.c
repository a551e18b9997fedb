/* routes_survey.c - the respondent's side as JSON: GET and POST
 * /api/v1/survey/{token}. The HTML form (routes_form.c) follows the same
 * steps: find the token, check the wave, check the answers, store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/answers.h"
#include "server/store/db.h"
#include "server/app/metrics.h"
#include "server/app/ratelimit.h"
#include "server/app/respondent_flow.h"
#include "server/web/routes.h"
#include "server/store/store.h"

/* Items of the instrument asked to layer, as their definition objects. */
static json_t *items_for_layer(const instrument *in, int layer)
{
    json_t *defs = json_object_get(in->definition, "items");
    json_t *out = json_array();
    for (size_t i = 0; i < in->n_items; i++)
        if (instrument_item_asked(&in->items[i], layer))
            json_array_append(out, json_array_get(defs, i));
    return out;
}

void handle_survey_get(http_request *req, http_response *res)
{
    respondent_session s;
    if (respondent_begin(req, &s) != 0) {
        respondent_fail(res, &s);
        respondent_end(req, &s);
        return;
    }
    const instrument *in = s.in;
    json_t *answers = s.who.draft ? json_incref(s.who.draft) : json_object();
    json_t *o = json_pack(
        "{s:{s:s, s:s, s:O}, s:{s:s, s:s, s:s}, s:s, s:i, s:o, s:o, s:b}", "survey", "key", in->key,
        "version", in->version, "title", json_object_get(in->definition, "title"), "wave", "name",
        s.who.wave.name, "organisation", s.who.wave.organisation, "status", s.who.wave.status,
        "layer", in->layers[s.who.layer].key, "min_group_size", s.who.wave.min_group_size, "items",
        items_for_layer(in, s.who.layer), "answers", answers, "submitted", 0);
    json_t *description = json_object_get(in->definition, "description");
    if (description) json_object_set(json_object_get(o, "survey"), "description", description);
    http_respond_json(res, 200, o);
    respondent_end(req, &s);
}

void handle_survey_post(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *body = http_body_json(req, &err);
    if (!body) {
        http_respond_error(res, &err);
        tm_error_clear(&err);
        return;
    }
    json_t *answers = json_object_get(body, "answers");
    json_t *submit = json_object_get(body, "submit");
    if (!json_is_object(answers) || (submit && !json_is_boolean(submit))) {
        http_respond_message(res, 400,
                             "the body must be {\"answers\": {...}, \"submit\": true|false}");
        json_decref(body);
        return;
    }
    respondent_session s;
    if (respondent_begin(req, &s) != 0) {
        respondent_fail(res, &s);
    } else {
        respondent_outcome out;
        if (respondent_store(req, &s, answers, json_is_true(submit), &out) != 0) {
            http_respond_error(res, &s.err);
        } else if (out.submitted) {
            http_respond_json(res, 201, json_pack("{s:b}", "submitted", 1));
        } else {
            json_t *o = json_pack("{s:b, s:I}", "saved", 1, "answered", (json_int_t)out.answered);
            if (out.new_token[0]) {
                json_object_set_new(o, "token", json_string(out.new_token));
                json_object_set_new(o, "url",
                                    json_sprintf("%s/s/%s", req->app->base_url, out.new_token));
            }
            http_respond_json(res, 200, o);
        }
    }
    respondent_end(req, &s);
    json_decref(body);
}
