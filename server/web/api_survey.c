/* api_survey.c - the respondent's side as JSON: GET and POST
 * /api/v1/survey/{token}. The route table's ROUTE_TOKEN has found the
 * token and checked its wave before the body is read (respondent_flow.h);
 * the HTML form (form.c) takes the same steps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/web/routes.h"

/* Items of the instrument asked to layer, as their definition objects. */
static json_t *items_for_layer(const instrument *in, int layer)
{
    json_t *defs = json_object_get(in->definition, "items");
    json_t *out = json_array();
    for (size_t i = 0; i < in->n_items; i++)
        if (tm_item_asked(&in->items[i], layer)) json_array_append(out, json_array_get(defs, i));
    return out;
}

void route_survey_get(http_request *req, http_response *res)
{
    const respondent_session *s = &req->respondent;
    const instrument *in = s->in;
    json_t *answers = s->who.draft ? json_incref(s->who.draft) : json_object();
    json_t *o = json_pack(
        "{s:{s:s, s:s, s:O}, s:{s:s, s:s, s:s}, s:s, s:i, s:o, s:o, s:b}", "survey", "key", in->key,
        "version", in->version, "title", json_object_get(in->definition, "title"), "wave", "name",
        s->who.wave.name, "organisation", s->who.wave.organisation, "status", s->who.wave.status,
        "layer", in->layers[s->who.layer].key, "min_group_size", s->who.wave.min_group_size,
        "items", items_for_layer(in, s->who.layer), "answers", answers, "submitted", 0);
    json_t *description = json_object_get(in->definition, "description");
    if (description) json_object_set(json_object_get(o, "survey"), "description", description);
    http_respond_json(res, 200, o);
}

void route_survey_post(http_request *req, http_response *res)
{
    respondent_session *s = &req->respondent;
    json_t *answers = json_object_get(req->json, "answers");
    json_t *submit = json_object_get(req->json, "submit");
    if (!json_is_object(answers) || (submit && !json_is_boolean(submit))) {
        http_respond_message(res, 400,
                             "the body must be {\"answers\": {...}, \"submit\": true|false}");
        return;
    }
    respondent_outcome out;
    if (respondent_store(req->app, req->db, s, answers, json_is_true(submit), &out) != 0) {
        http_respond_error(res, &s->err);
    } else if (out.submitted) {
        http_respond_json(res, 201, json_pack("{s:b}", "submitted", 1));
    } else {
        json_t *o = json_pack("{s:b, s:I}", "saved", 1, "answered", (json_int_t)out.answered);
        if (out.new_token[0]) {
            json_object_set_new(o, "token", json_string(out.new_token));
            json_object_set_new(o, "url",
                                json_sprintf("%s/s/%s", app_base_url(req->app), out.new_token));
        }
        http_respond_json(res, 200, o);
    }
}
