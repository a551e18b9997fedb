/* api_survey.c - the respondent's side as JSON: GET and POST
 * /api/v1/survey/{token}. The route table's ROUTE_TOKEN has found the
 * token and checked its wave before the body is read (respondent_flow.h);
 * the HTML form (form.c) takes the same steps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/answers.h"
#include "server/app/wave_settings.h"
#include "server/web/routes.h"
#include "server/web/survey_page.h"

/* Items of the instrument asked to layer, as their definition objects with
 * "question": the wording this layer reads ({"nl", "en"}: its layer_text,
 * else its text). */
static json_t *items_for_layer(const instrument *in, int layer)
{
    json_t *defs = json_object_get(in->definition, "items");
    json_t *out = json_array();
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        if (!instrument_item_asked(it, layer)) continue;
        json_t *def = json_copy(json_array_get(defs, i));
        json_object_set_new(def, "question",
                            json_pack("{s:s, s:s}", "nl", instrument_item_text(in, it, layer, "nl"),
                                      "en", instrument_item_text(in, it, layer, "en")));
        json_array_append_new(out, def);
    }
    return out;
}

/* The rules block as the respondent sees it: the question, the scale and
 * the wave's rules ({"key", "text", "text_en"}), or null without rules. */
static json_t *rules_block(const instrument *in, json_t *rules)
{
    const tm_rules *r = instrument_rules(in);
    if (!r || !json_array_size(rules)) return json_null();
    json_t *scale = json_array();
    for (int a = 0; a < RULE_ANSWERS; a++)
        json_array_append_new(
            scale, json_pack("{s:s, s:{s:s, s:s}}", "key", r->scale[a].key, "label", "nl",
                             r->scale[a].label.nl, "en",
                             r->scale[a].label.en ? r->scale[a].label.en : r->scale[a].label.nl));
    json_t *o = json_pack("{s:{s:s?, s:s?}, s:o, s:O}", "text", "nl", r->text.nl, "en", r->text.en,
                          "scale", scale, "rules", rules);
    if (r->help.nl)
        json_object_set_new(o, "help",
                            json_pack("{s:s, s:s?}", "nl", r->help.nl, "en", r->help.en));
    return o;
}

void route_survey_get(http_request *req, http_response *res)
{
    const respondent_session *s = &req->respondent;
    const instrument *in = s->in;
    /* A draft keeps rule ratings under ANSWERS_RULE_PREFIX keys; here they
     * come apart again. */
    json_t *answers = s->who.draft ? json_deep_copy(s->who.draft) : json_object();
    json_t *ratings = answers_take_rules(answers);
    double nl = wave_settings_layer_seconds(in, s->who.layer, "nl", s->who.rules);
    double en = wave_settings_layer_seconds(in, s->who.layer, "en", s->who.rules);
    json_t *o = json_pack(
        "{s:{s:s, s:s, s:O}, s:{s:s, s:s, s:s}, s:s, s:i, s:o, s:o, s:b}", "survey", "key", in->key,
        "version", in->version, "title", json_object_get(in->definition, "title"), "wave", "name",
        s->who.wave.name, "organisation", s->who.wave.organisation, "status", s->who.wave.status,
        "layer", in->layers[s->who.layer].key, "min_group_size", s->who.wave.min_group_size,
        "items", items_for_layer(in, s->who.layer), "answers", answers, "submitted", 0);
    json_t *description = json_object_get(in->definition, "description");
    if (description) json_object_set(json_object_get(o, "survey"), "description", description);
    json_object_set_new(o, "rules", rules_block(in, s->who.rules));
    json_object_set_new(o, "rule_answers", ratings);
    /* What the form says at its top: the minutes, rounded up. */
    json_object_set_new(o, "expected_seconds", json_pack("{s:f, s:f}", "nl", nl, "en", en));
    json_object_set_new(
        o, "expected_minutes",
        json_pack("{s:i, s:i}", "nl", survey_page_minutes(nl), "en", survey_page_minutes(en)));
    http_respond_json(res, 200, o);
}

void route_survey_post(http_request *req, http_response *res)
{
    respondent_session *s = &req->respondent;
    json_t *answers = json_object_get(req->json, "answers");
    json_t *submit = json_object_get(req->json, "submit");
    json_t *rules = json_object_get(req->json, "rules");
    if (!json_is_object(answers) || (submit && !json_is_boolean(submit)) ||
        (rules && !json_is_object(rules) && !json_is_null(rules))) {
        http_respond_message(res, 400,
                             "the body must be {\"answers\": {...}, \"rules\": {\"rule key\": "
                             "\"helpt\" | ...} (optional), \"submit\": true|false}");
        return;
    }
    respondent_outcome out;
    if (respondent_store(req->app, req->db, s, answers, json_is_object(rules) ? rules : NULL,
                         json_is_true(submit), &out) != 0) {
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
