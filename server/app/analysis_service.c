/* analysis_service.c - see analysis_service.h. */
#include "server/app/analysis_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/analysis/analysis.h"
#include "server/app/mixer.h"
#include "server/app/wave_settings.h"
#include "server/store/analysis_cache.h"
#include "server/store/invitations.h"
#include "server/store/responses.h"

/* The bare analysis of one closed wave (no trend, no benchmark), computed
 * once and kept: a closed wave never changes. Before it is computed, every
 * submission still waiting to be mixed is released, so it holds every
 * acknowledged one. New reference. */
static json_t *analyse_plain(app *a, PGconn *c, const wave_info *w, tm_error *err)
{
    json_t *stored = store_analysis_cache_get(c, w->id, err);
    if (err->status) return NULL;
    if (stored && json_integer_value(json_object_get(stored, "method")) == ANALYSIS_METHOD)
        return stored;
    json_decref(stored); /* none, or computed by an earlier method: compute it again */

    if (mixer_flush_wave(a, c, w->id, err) != 0) return NULL;
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    if (!in) return NULL;
    const char *keys[INSTRUMENT_MAX_LAYERS];
    for (size_t i = 0; i < in->n_layers; i++)
        keys[i] = in->layers[i].key;
    json_t *progress = store_invitations_progress(c, w->id, keys, in->n_layers, err);
    if (!progress) return NULL;
    json_t *response = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(progress, "layers"), i, l) json_array_append_new(
        response,
        json_pack("{s:O, s:O, s:O}", "layer", json_object_get(l, "layer"), "invited",
                  json_object_get(l, "invited"), "submitted", json_object_get(l, "submitted")));
    json_decref(progress);

    wave_settings settings;
    if (wave_settings_load(c, in, w->id, &settings, err) != 0) {
        json_decref(response);
        return NULL;
    }
    wave_answers ans;
    if (store_responses_load(c, w->id, in->n_items, settings.n_rules, &ans, err) != 0) {
        wave_settings_release(&settings);
        json_decref(response);
        return NULL;
    }
    json_t *meta = json_pack("{s:I, s:s, s:s, s:s, s:i, s:s}", "id", (json_int_t)w->id, "name",
                             w->name, "organisation", w->organisation, "instrument", w->instrument,
                             "min_group_size", w->min_group_size, "status", w->status);
    /* The wave's own keys and rules (wave_settings.h): a local knowledge
     * question without a key counts in no knowledge aggregate. */
    wave_data data = {.in = in,
                      .n = ans.n,
                      .layer = ans.layer,
                      .scores = ans.scores,
                      .min_group_size = w->min_group_size,
                      .intended = settings.intended,
                      .n_rules = settings.n_rules,
                      .rules = settings.rules,
                      .rule_answers = ans.rules};
    json_t *result = analysis_run(&data, meta, response, err);
    wave_settings_release(&settings);
    json_decref(meta);
    json_decref(response);
    store_responses_free(&ans);
    if (result) {
        tm_error ignored = TM_ERROR_INIT; /* a cache miss next time is harmless */
        store_analysis_cache_put(c, w->id, result, &ignored);
        tm_error_clear(&ignored);
    }
    return result;
}

int analysis_service_published(const wave_info *w, tm_error *err)
{
    if (!strcmp(w->status, "closed")) return 0;
    return tm_error_set(err, 409, ANALYSIS_NOT_YET);
}

static int add_trend(app *a, PGconn *c, const wave_info *w, json_t *analysis, tm_error *err)
{
    if (!w->previous_wave_id) return 0;
    wave_info prev;
    if (store_waves_get(c, NULL, w->previous_wave_id, &prev, err) != 0) return -1;
    if (strcmp(prev.status, "closed")) return 0; /* its results do not exist yet */
    json_t *pa = analyse_plain(a, c, &prev, err);
    if (!pa) return -1;
    int rc = analysis_add_trend(analysis, pa, err);
    json_decref(pa);
    return rc;
}

static int add_benchmark(app *a, PGconn *c, const wave_info *w, json_t *analysis, tm_error *err)
{
    json_t *ids = store_waves_benchmark(c, w->id, err);
    if (!ids) return -1;
    size_t n = json_array_size(ids);
    json_t **others = calloc(n ? n : 1, sizeof *others);
    int rc = others ? 0 : tm_error_set(err, 500, "out of memory for the benchmark");
    size_t got = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        wave_info ow;
        rc = store_waves_get(c, NULL, json_integer_value(json_array_get(ids, i)), &ow, err);
        if (rc == 0) {
            others[got] = analyse_plain(a, c, &ow, err);
            rc = others[got] ? 0 : -1;
            got += others[got] != NULL;
        }
    }
    if (rc == 0) rc = analysis_add_benchmark(analysis, others, got, err);
    for (size_t i = 0; i < got; i++)
        json_decref(others[i]);
    free(others);
    json_decref(ids);
    return rc;
}

json_t *analysis_service_run(app *a, PGconn *c, const wave_info *w, tm_error *err)
{
    if (analysis_service_published(w, err) != 0) return NULL;
    json_t *plain = analyse_plain(a, c, w, err);
    if (!plain) return NULL;
    /* The cached copy is shared; trend and benchmark go on a private one. */
    json_t *full = json_deep_copy(plain);
    json_decref(plain);
    if (!full) {
        tm_error_set(err, 500, "out of memory");
        return NULL;
    }
    if (add_trend(a, c, w, full, err) != 0 || add_benchmark(a, c, w, full, err) != 0) {
        json_decref(full);
        return NULL;
    }
    return full;
}

/* A rule as the council summary tells it: per layer its net (helpt minus
 * belemmert, in points) or that it is suppressed, and the conflicts; no
 * counts. New reference, NULL when out of memory. */
static json_t *council_rule(json_t *rule)
{
    json_t *o = json_object(), *layers = json_array();
    if (!o || !layers) {
        json_decref(o);
        json_decref(layers);
        return NULL;
    }
    json_object_set(o, "rule", json_object_get(rule, "rule"));
    json_object_set(o, "text", json_object_get(rule, "text"));
    if (json_object_get(rule, "text_en"))
        json_object_set(o, "text_en", json_object_get(rule, "text_en"));
    json_object_set_new(o, "layers", layers);
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(rule, "layers"), i, l)
    {
        json_t *rating = json_object_get(l, "rating"), *shown = json_object();
        if (!shown || json_array_append_new(layers, shown) != 0) {
            json_decref(o);
            return NULL;
        }
        json_object_set(shown, "layer", json_object_get(l, "layer"));
        json_object_set(shown, "suppressed", json_object_get(l, "suppressed"));
        if (!rating) continue;
        json_object_set_new(shown, "rating",
                            json_is_true(json_object_get(rating, "suppressed"))
                                ? json_pack("{sb}", "suppressed", 1)
                                : json_pack("{sO}", "net", json_object_get(rating, "net")));
    }
    json_object_set(o, "conflicts", json_object_get(rule, "conflicts"));
    return o;
}

json_t *analysis_service_council(json_t *analysis)
{
    static const char *const keep[] = {
        "method",   "wave",   "chain", "min_group_size", "suppressed_layers",
        "response", "themes", "trend", "benchmark"};
    json_t *o = json_object();
    for (size_t i = 0; o && i < sizeof keep / sizeof *keep; i++) {
        json_t *v = json_object_get(analysis, keep[i]);
        if (v) json_object_set(o, keep[i], v);
    }
    json_t *rules = json_object_get(analysis, "rules");
    if (o && rules) {
        json_t *told = json_array();
        size_t i;
        json_t *r;
        json_array_foreach(rules, i, r)
        {
            if (json_array_append_new(told, council_rule(r)) != 0) break;
        }
        if (told && json_array_size(told) != json_array_size(rules)) {
            json_decref(told);
            told = NULL;
        }
        /* json_object_set_new takes told even when it fails */
        if (!told || json_object_set_new(o, "rules", told) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    if (o) json_object_set_new(o, "council", json_true());
    return o;
}

json_t *analysis_service_read(app *a, PGconn *c, const wave_info *w, int council, tm_error *err)
{
    json_t *full = analysis_service_run(a, c, w, err);
    if (!full || !council) return full;
    json_t *part = analysis_service_council(full);
    json_decref(full);
    if (!part) tm_error_set(err, 500, "out of memory");
    return part;
}
