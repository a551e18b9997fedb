/* analysis_compare.c - trend and benchmark: an analysis compared with the
 * previous wave's analysis and with other organisations' analyses (see
 * analysis.h for the entries).
 *
 * Both work on analysis JSON only (as analysis_run() writes it and as it may
 * be stored), so a wave analysed earlier need not be recomputed. A cell is
 * usable when its layer entry has "suppressed": false and the measure's
 * object has an integer "n" >= 1 and a numeric "mean" (and "sd" a number or
 * null): exactly the CELL objects that are not {"suppressed": true} or null.
 */
#include "reports/analysis/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/analysis/stats.h"

static const char *const measures[] = {"score", "knowledge"};
#define N_MEASURES 2
#define BENCHMARK_MIN_ORGANISATIONS 5

/* An entry being written; failed allocations set oom. */
typedef struct writer {
    int oom;
} writer;

static json_t *jnum(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static void put(writer *wr, json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v)) wr->oom = 1;
}

/* The element of arr whose string field equals key, or NULL. Borrowed. */
static json_t *find_by(json_t *arr, const char *field, const char *key)
{
    size_t i;
    json_t *e;
    if (!key) return NULL;
    json_array_foreach(arr, i, e)
    {
        const char *k = json_string_value(json_object_get(e, field));
        if (k && !strcmp(k, key)) return e;
    }
    return NULL;
}

/* The usable cell of measure m in a layer entry as a summary; 0 when usable,
 * -1 otherwise. */
static int cell_read(json_t *layer, const char *m, stats_summary *s)
{
    if (!json_is_false(json_object_get(layer, "suppressed"))) return -1;
    json_t *c = json_object_get(layer, m);
    json_t *n = json_object_get(c, "n"), *mean = json_object_get(c, "mean");
    json_t *sd = json_object_get(c, "sd");
    if (!json_is_integer(n) || json_integer_value(n) < 1 || !json_is_number(mean)) return -1;
    if (!json_is_number(sd) && !json_is_null(sd)) return -1;
    double sdv = json_is_number(sd) ? json_number_value(sd) : NAN;
    return stats_summary_from_sd((size_t)json_integer_value(n), json_number_value(mean), sdv, s);
}

/* The layer entry of theme key / layer key in another analysis, or NULL. */
static json_t *other_layer(json_t *analysis, const char *theme, const char *layer)
{
    json_t *t = find_by(json_object_get(analysis, "themes"), "theme", theme);
    return find_by(json_object_get(t, "layers"), "layer", layer);
}

/* A new entry {"theme", "layer", "measure"}. */
static json_t *entry_head(writer *wr, json_t *theme, json_t *layer, const char *m)
{
    json_t *o = json_object();
    if (!o) {
        wr->oom = 1;
        return NULL;
    }
    put(wr, o, "theme", json_deep_copy(json_object_get(theme, "theme")));
    put(wr, o, "layer", json_deep_copy(json_object_get(layer, "layer")));
    put(wr, o, "measure", json_string(m));
    return o;
}

static int check_analysis(json_t *analysis, tm_error *err)
{
    if (!json_is_object(analysis) || !json_is_array(json_object_get(analysis, "themes")))
        return tm_error_set(err, 500, "not an analysis: it has no \"themes\" array");
    return 0;
}

/* Sets analysis[key] = arr (stolen) unless writing failed. */
static int finish(json_t *analysis, const char *key, json_t *arr, writer *wr, tm_error *err)
{
    if (!arr || wr->oom) {
        json_decref(arr);
        return tm_error_set(err, 500, "out of memory writing the %s", key);
    }
    if (json_object_set_new(analysis, key, arr)) /* steals arr even on failure */
        return tm_error_set(err, 500, "out of memory writing the %s", key);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Trend                                                                    */
/* ------------------------------------------------------------------------ */

static void trend_cell(writer *wr, json_t *out, json_t *theme, json_t *layer, json_t *prev_layer,
                       const char *m)
{
    stats_summary cur, prev;
    if (cell_read(layer, m, &cur) || cell_read(prev_layer, m, &prev)) return;
    stats_welch w;
    stats_welch_compute(&cur, &prev, &w);
    json_t *o = entry_head(wr, theme, layer, m);
    if (!o) return;
    put(wr, o, "previous_mean", jnum(prev.mean));
    put(wr, o, "mean", jnum(cur.mean));
    put(wr, o, "diff", jnum(w.diff));
    put(wr, o, "p", jnum(w.p));
    if (json_array_append_new(out, o)) wr->oom = 1;
}

int analysis_add_trend(json_t *analysis, json_t *previous, tm_error *err)
{
    if (check_analysis(analysis, err)) return -1;
    writer wr = {0};
    json_t *out = json_array();
    json_t *themes = json_object_get(analysis, "themes"), *theme, *layer;
    size_t i, j;
    json_array_foreach(themes, i, theme)
    {
        if (!out || !previous) break;
        const char *tk = json_string_value(json_object_get(theme, "theme"));
        json_array_foreach(json_object_get(theme, "layers"), j, layer)
        {
            const char *lk = json_string_value(json_object_get(layer, "layer"));
            json_t *prev_layer = other_layer(previous, tk, lk);
            for (int m = 0; prev_layer && m < N_MEASURES; m++)
                trend_cell(&wr, out, theme, layer, prev_layer, measures[m]);
        }
    }
    return finish(analysis, "trend", out, &wr, err);
}

/* ------------------------------------------------------------------------ */
/* Benchmark                                                                */
/* ------------------------------------------------------------------------ */

static void benchmark_cell(writer *wr, json_t *out, json_t *theme, json_t *layer, const char *m,
                           json_t *const *others, size_t n_others, double *vals)
{
    stats_summary cur, s;
    if (cell_read(layer, m, &cur)) return;
    const char *tk = json_string_value(json_object_get(theme, "theme"));
    const char *lk = json_string_value(json_object_get(layer, "layer"));
    size_t n = 0;
    for (size_t i = 0; i < n_others; i++)
        if (others[i] && !cell_read(other_layer(others[i], tk, lk), m, &s)) vals[n++] = s.mean;
    if (n < BENCHMARK_MIN_ORGANISATIONS) return;
    double percentile = stats_percentile_rank(cur.mean, vals, n);
    double median = stats_median_compute(vals, n); /* reorders vals: after the rank */
    json_t *o = entry_head(wr, theme, layer, m);
    if (!o) return;
    put(wr, o, "organisations", json_integer((json_int_t)n));
    put(wr, o, "median", jnum(median));
    put(wr, o, "percentile", jnum(percentile));
    put(wr, o, "mean", jnum(cur.mean));
    if (json_array_append_new(out, o)) wr->oom = 1;
}

int analysis_add_benchmark(json_t *analysis, json_t *const *others, size_t n_others, tm_error *err)
{
    if (check_analysis(analysis, err)) return -1;
    if (!others && n_others) return tm_error_set(err, 500, "benchmark: no analyses given");
    writer wr = {0};
    json_t *out = json_array();
    double *vals = malloc((n_others + 1) * sizeof *vals);
    if (!vals) wr.oom = 1;
    json_t *themes = json_object_get(analysis, "themes"), *theme, *layer;
    size_t i, j;
    json_array_foreach(themes, i, theme)
    {
        if (!out || !vals) break;
        json_array_foreach(json_object_get(theme, "layers"), j, layer)
        {
            for (int m = 0; m < N_MEASURES; m++)
                benchmark_cell(&wr, out, theme, layer, measures[m], others, n_others, vals);
        }
    }
    free(vals);
    return finish(analysis, "benchmark", out, &wr, err);
}
