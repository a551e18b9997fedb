/* analysis_service.c - see analysis_service.h. */
#include "analysis_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "store_answers.h"

/* The bare analysis of one wave (no trend, no benchmark): from the cache for
 * a closed wave, else computed (and cached when closed). New reference. */
static json_t *analyse_plain(PGconn *c, instrument_registry *reg, const wave_info *w, tm_error *err)
{
    int closed = !strcmp(w->status, "closed");
    if (closed) {
        json_t *cached = store_analysis_cache_get(c, w->id, err);
        if (cached || err->status) return cached;
    }
    const instrument *in = instrument_registry_get(reg, c, w->instrument_id, err);
    if (!in) return NULL;

    const char *keys[INSTRUMENT_MAX_LAYERS];
    for (size_t i = 0; i < in->n_layers; i++)
        keys[i] = in->layers[i].key;
    json_t *progress = store_progress(c, w->id, keys, in->n_layers, err);
    if (!progress) return NULL;
    json_t *response = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(progress, "layers"), i, l) json_array_append_new(
        response,
        json_pack("{s:O, s:O, s:O}", "layer", json_object_get(l, "layer"), "invited",
                  json_object_get(l, "invited"), "submitted", json_object_get(l, "submitted")));
    json_decref(progress);

    wave_answers ans;
    if (store_wave_answers_load(c, w->id, in->n_items, &ans, err) != 0) {
        json_decref(response);
        return NULL;
    }
    json_t *meta = json_pack("{s:I, s:s, s:s, s:s, s:i, s:s}", "id", (json_int_t)w->id, "name",
                             w->name, "organisation", w->organisation, "instrument", w->instrument,
                             "min_group_size", w->min_group_size, "status", w->status);
    wave_data data = {in, ans.n, ans.layer, ans.scores, w->min_group_size};
    json_t *a = analysis_run(&data, meta, response, err);
    json_decref(meta);
    json_decref(response);
    wave_answers_free(&ans);
    if (a && closed) {
        tm_error ignored = TM_ERROR_INIT; /* a cache miss next time is harmless */
        store_analysis_cache_put(c, w->id, a, &ignored);
        tm_error_clear(&ignored);
    }
    return a;
}

static int add_trend(PGconn *c, instrument_registry *reg, const wave_info *w, json_t *a,
                     tm_error *err)
{
    if (!w->previous_wave_id) return 0;
    wave_info prev;
    if (store_wave_get(c, NULL, w->previous_wave_id, &prev, err) != 0) return -1;
    json_t *pa = analyse_plain(c, reg, &prev, err);
    if (!pa) return -1;
    int rc = analysis_add_trend(a, pa, err);
    json_decref(pa);
    return rc;
}

static int add_benchmark(PGconn *c, instrument_registry *reg, const wave_info *w, json_t *a,
                         tm_error *err)
{
    json_t *ids = store_benchmark_waves(c, w->id, err);
    if (!ids) return -1;
    size_t n = json_array_size(ids);
    json_t **others = calloc(n ? n : 1, sizeof *others);
    int rc = others ? 0 : tm_error_set(err, 500, "out of memory for the benchmark");
    size_t got = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        wave_info ow;
        rc = store_wave_get(c, NULL, json_integer_value(json_array_get(ids, i)), &ow, err);
        if (rc == 0) {
            others[got] = analyse_plain(c, reg, &ow, err);
            rc = others[got] ? 0 : -1;
            got += others[got] != NULL;
        }
    }
    if (rc == 0) rc = analysis_add_benchmark(a, others, got, err);
    for (size_t i = 0; i < got; i++)
        json_decref(others[i]);
    free(others);
    json_decref(ids);
    return rc;
}

json_t *analysis_service_run(PGconn *c, instrument_registry *reg, const auth_context *who,
                             long long wave, wave_info *wave_out, tm_error *err)
{
    wave_info w;
    if (store_wave_get(c, who, wave, &w, err) != 0) return NULL;
    if (wave_out) *wave_out = w;
    json_t *a = analyse_plain(c, reg, &w, err);
    if (!a) return NULL;
    /* The cached copy is shared; trend and benchmark go on a private one. */
    json_t *full = json_deep_copy(a);
    json_decref(a);
    if (!full) {
        tm_error_set(err, 500, "out of memory");
        return NULL;
    }
    if (add_trend(c, reg, &w, full, err) != 0 || add_benchmark(c, reg, &w, full, err) != 0) {
        json_decref(full);
        return NULL;
    }
    return full;
}
