/* waves.c - see waves.h. */
#include "server/app/waves.h"

#include <stdio.h>
#include <string.h>

#include "server/app/mail.h"
#include "server/app/mixer.h"
#include "server/app/wave_admin.h"
#include "server/app/wave_settings.h"
#include "server/store/instruments.h"
#include "server/store/invitations.h"
#include "server/store/organisations.h"

int waves_get(PGconn *c, const caller *who, long long id, wave_info *w, tm_error *err)
{
    if (id <= 0) return tm_error_set(err, 404, "no such wave");
    return store_waves_get(c, who, id, w, err);
}

json_t *waves_json(PGconn *c, long long id, tm_error *err)
{
    return store_waves_json(c, id, err);
}

static void field_problem(tm_error *err, const char *field, const char *msg)
{
    tm_error_add_json(err, json_pack("{s:s, s:s}", "field", field, "error", msg));
}

/* An optional timestamp field: NULL when absent or null; else its text
 * (checked by wave_admin_times_check in wave_fields_check). */
static const char *optional_string(json_t *body, const char *field, tm_error *err, int *bad)
{
    json_t *v = json_object_get(body, field);
    if (!v || json_is_null(v)) return NULL;
    if (!json_is_string(v)) {
        field_problem(err, field,
                      "must be a text: ISO 8601 with an offset, such as 2027-04-01T17:00:00+02:00");
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

/* Checks the body's fields into nw (instrument_id still to be resolved);
 * returns 0, or -1 with err 422 naming every bad field (503 when the
 * database could not judge a time). */
static int wave_fields_check(PGconn *c, json_t *body, wave_new *nw, tm_error *err)
{
    int bad = 0;
    json_t *org = json_object_get(body, "organisation_id");
    json_t *instr = json_object_get(body, "instrument");
    json_t *name = json_object_get(body, "name");
    json_t *k = json_object_get(body, "min_group_size");
    json_t *prev = json_object_get(body, "previous_wave_id");
    if (!json_is_integer(org) || json_integer_value(org) <= 0)
        field_problem(err, "organisation_id", "is required: the id of an organisation"), bad = 1;
    if (!json_is_string(instr) || !json_string_length(instr))
        field_problem(err, "instrument", "is required: an instrument key, optionally key@version"),
            bad = 1;
    if (!json_is_string(name) || !json_string_length(name) || json_string_length(name) > 200)
        field_problem(err, "name", "is required: 1 to 200 characters"), bad = 1;
    if (k && !json_is_null(k) &&
        (!json_is_integer(k) || json_integer_value(k) < 3 || json_integer_value(k) > 1000))
        field_problem(err, "min_group_size",
                      "must be a whole number of at least 3 (default 5): smaller groups could "
                      "be traced to a person"),
            bad = 1;
    if (prev && !json_is_null(prev) && (!json_is_integer(prev) || json_integer_value(prev) <= 0))
        field_problem(err, "previous_wave_id", "must be the id of an earlier wave"), bad = 1;
    const char *opens = optional_string(body, "opens_at", err, &bad);
    const char *closes = optional_string(body, "closes_at", err, &bad);
    int times = wave_admin_times_check(c, opens, closes, err);
    if (times < 0) return -1;
    if (times > 0) bad = 1;
    /* Shared with issue 10: the collection mode; issue 14: the test mark. */
    json_t *mode = json_object_get(body, "collection");
    if (mode && !json_is_null(mode) &&
        (!json_is_string(mode) ||
         (strcmp(json_string_value(mode), "online") && strcmp(json_string_value(mode), "import"))))
        field_problem(err, "collection",
                      "must be \"online\" (invitations and open links; the default) or "
                      "\"import\" (answers collected elsewhere, by bulk import)"),
            bad = 1;
    json_t *test = json_object_get(body, "test");
    if (test && !json_is_null(test) && !json_is_boolean(test))
        field_problem(err, "test", "must be true or false"), bad = 1;
    const char *known[] = {"organisation_id", "instrument",       "name",
                           "min_group_size",  "previous_wave_id", "opens_at",
                           "closes_at",       "collection",       "test"};
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        int ok = 0;
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            ok |= !strcmp(key, known[i]);
        if (!ok) field_problem(err, key, "is not a field of a wave"), bad = 1;
    }
    if (bad) return tm_error_set(err, 422, "the wave cannot be created");
    memset(nw, 0, sizeof *nw);
    nw->organisation_id = json_integer_value(org);
    nw->name = json_string_value(name);
    nw->min_group_size = json_is_integer(k) ? (int)json_integer_value(k) : 5;
    nw->previous_wave_id = json_is_integer(prev) ? json_integer_value(prev) : 0;
    nw->opens_at = opens;
    nw->closes_at = closes;
    nw->collection = json_is_string(mode) ? json_string_value(mode) : "online";
    nw->is_test = json_is_true(test);
    return 0;
}

json_t *waves_create(PGconn *c, const caller *who, json_t *body, tm_error *err)
{
    wave_new nw;
    if (wave_fields_check(c, body, &nw, err) != 0) return NULL;
    int visible = store_organisations_visible(c, who, nw.organisation_id, err);
    if (visible <= 0) {
        if (visible == 0)
            tm_error_set(err, 404, "organisation %lld does not exist", nw.organisation_id);
        return NULL;
    }
    const char *ref = json_string_value(json_object_get(body, "instrument"));
    if (store_instruments_resolve(c, ref, &nw.instrument_id, err) != 0) {
        if (err->status != 422) return NULL;
        field_problem(err, "instrument", "is not a known instrument (see GET /api/v1/instruments)");
        tm_error_set(err, 422, "the wave cannot be created");
        return NULL;
    }
    if (nw.previous_wave_id) {
        int fits = store_waves_previous_fits(c, nw.previous_wave_id, nw.organisation_id, ref, err);
        if (fits <= 0) {
            if (fits == 0) {
                field_problem(err, "previous_wave_id",
                              "must be a wave of the same organisation and instrument");
                tm_error_set(err, 422, "the wave cannot be created");
            }
            return NULL;
        }
    }
    long long id;
    if (store_waves_insert(c, &nw, &id, err) != 0) return NULL;
    return store_waves_json(c, id, err);
}

json_t *waves_set_status(app *a, PGconn *c, const wave_info *w, const char *status, tm_error *err)
{
    /* A wave opens only with a key for each of its own knowledge questions. */
    if (!strcmp(status, "open") && !strcmp(w->status, "draft") &&
        wave_settings_open_check(a, c, w, err) != 0)
        return NULL;
    if (store_waves_set_status(c, w->id, status, err) != 0) return NULL;
    /* The wave's e-mail addresses go with it, in the close's transaction:
     * a close that cannot delete them does not happen. */
    if (!strcmp(status, "closed") && mail_forget_wave(c, w->id, err) != 0) return NULL;
    return store_waves_json(c, w->id, err);
}

void waves_release_closed(app *a, PGconn *c, long long wave)
{
    /* Should it fail (a key missing), the mixer's next round and every
     * computation of the results try again: nothing is lost. */
    tm_error err = TM_ERROR_INIT;
    if (mixer_flush_wave(a, c, wave, &err) != 0)
        fprintf(stderr, "close of wave %lld: %s\n", wave, err.message);
    tm_error_clear(&err);
}

json_t *waves_progress(app *a, PGconn *c, const wave_info *w, tm_error *err)
{
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    if (!in) return NULL;
    const char *keys[INSTRUMENT_MAX_LAYERS];
    for (size_t i = 0; i < in->n_layers; i++)
        keys[i] = in->layers[i].key;
    json_t *p = store_invitations_progress(c, w->id, keys, in->n_layers, err);
    if (p) json_object_set_new(p, "wave_id", json_integer(w->id));
    return p;
}
