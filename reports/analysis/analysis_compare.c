/* analysis_compare.c - trend and benchmark: an analysis compared with the
 * previous wave's analysis and with other organisations' analyses (see
 * analysis.h for the entries).
 *
 * Both work on analysis JSON only (as analysis_run() writes it and as it may
 * be stored), so a wave analysed earlier need not be recomputed. A cell is
 * usable when its layer entry has "suppressed": false and the measure's
 * object has an integer "n" >= 1 and a numeric "mean" (and "sd" a number or
 * null): exactly the CELL objects that are not {"suppressed": true} or null.
 * Only analyses with the same "method" are compared: numbers of another
 * method answer another question.
 */
#include "reports/analysis/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_number.h"
#include "reports/analysis/measures.h"
#include "reports/analysis/stats.h"

#define BENCHMARK_MIN_ORGANISATIONS 5

/* An entry being written; failed allocations set oom. */
typedef struct writer {
    int oom;
} writer;

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

/* Whether two analyses were computed by the same method. */
static int same_method(json_t *a, json_t *b)
{
    json_t *ma = json_object_get(a, "method"), *mb = json_object_get(b, "method");
    return json_is_integer(ma) && json_is_integer(mb) &&
           json_integer_value(ma) == json_integer_value(mb);
}

/* ------------------------------------------------------------------------ */
/* Trend                                                                    */
/* ------------------------------------------------------------------------ */

/* Whether an item entry counts for its theme's knowledge: a core intent
 * item with a key. */
static int item_counts_for_knowledge(json_t *item)
{
    return json_is_true(json_object_get(item, "core")) &&
           json_is_string(json_object_get(item, "intended"));
}

static int same_key(json_t *a, json_t *b)
{
    const char *x = json_string_value(json_object_get(a, "intended"));
    const char *y = json_string_value(json_object_get(b, "intended"));
    return x && y ? !strcmp(x, y) : x == y;
}

/* Appends to changed the keys of the intent items of theme tk in items that
 * count in this wave or the other and have another key (or none, or no
 * entry) in other_items; skip_known: leave out items that other_items also
 * has (the second pass, over the previous wave, adds only its own). */
static void changed_keys(writer *wr, json_t *changed, const char *tk, json_t *items,
                         json_t *other_items, int skip_known)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *theme = json_string_value(json_object_get(it, "theme"));
        const char *type = json_string_value(json_object_get(it, "type"));
        if (!theme || strcmp(theme, tk) || !type || strcmp(type, "intent")) continue;
        json_t *key = json_object_get(it, "item");
        json_t *other = find_by(other_items, "item", json_string_value(key));
        if (other && skip_known) continue;
        if (!item_counts_for_knowledge(it) && !(other && item_counts_for_knowledge(other)))
            continue;
        if (other && same_key(it, other)) continue;
        if (json_array_append(changed, key)) wr->oom = 1;
    }
}

/* The intent items of theme tk whose key differs between the two analyses
 * (new reference; empty when the knowledge means compare the same
 * questions). */
static json_t *theme_changed_keys(writer *wr, json_t *analysis, json_t *previous, const char *tk)
{
    json_t *changed = json_array();
    if (!changed) {
        wr->oom = 1;
        return NULL;
    }
    json_t *cur = json_object_get(analysis, "items"), *prev = json_object_get(previous, "items");
    changed_keys(wr, changed, tk, cur, prev, 0);
    changed_keys(wr, changed, tk, prev, cur, 1);
    return changed;
}

static void trend_cell(writer *wr, json_t *out, json_t *theme, json_t *layer, json_t *prev_layer,
                       int m, json_t *changed)
{
    stats_summary cur, prev;
    if (cell_read(layer, measure_key(m), &cur) || cell_read(prev_layer, measure_key(m), &prev))
        return;
    int comparable = m != MEASURE_KNOWLEDGE || json_array_size(changed) == 0;
    stats_welch w;
    stats_welch_compute(&cur, &prev, &w);
    json_t *o = entry_head(wr, theme, layer, measure_key(m));
    if (!o) return;
    put(wr, o, "previous_mean", json_real_or_null(prev.mean));
    put(wr, o, "mean", json_real_or_null(cur.mean));
    put(wr, o, "diff", json_real_or_null(comparable ? w.diff : NAN));
    put(wr, o, "p", json_real_or_null(comparable ? w.p : NAN));
    put(wr, o, "comparable", json_boolean(comparable));
    if (!comparable) put(wr, o, "changed_items", json_deep_copy(changed));
    if (json_array_append_new(out, o)) wr->oom = 1;
}

/* p_holm of every trend entry: Holm-Bonferroni over the entries of the same
 * measure that have a p (one family per measure, as the gaps have one per
 * measure and level); null where p is null. */
static void trend_holm(writer *wr, json_t *out)
{
    size_t n = json_array_size(out), i;
    double *p = malloc((n + 1) * sizeof *p);
    if (!p) {
        wr->oom = 1;
        return;
    }
    json_t *e;
    for (int m = 0; m < MEASURE_COUNT; m++) {
        json_array_foreach(out, i, e)
        {
            json_t *pv = json_object_get(e, "p");
            const char *mk = json_string_value(json_object_get(e, "measure"));
            p[i] =
                mk && measure_from_key(mk) == m && json_is_number(pv) ? json_number_value(pv) : NAN;
        }
        if (stats_holm_adjust(p, n, p)) {
            wr->oom = 1;
            break;
        }
        json_array_foreach(out, i, e)
        {
            const char *mk = json_string_value(json_object_get(e, "measure"));
            if (mk && measure_from_key(mk) == m) put(wr, e, "p_holm", json_real_or_null(p[i]));
        }
    }
    free(p);
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
        if (!out || !previous || !same_method(analysis, previous)) break;
        const char *tk = json_string_value(json_object_get(theme, "theme"));
        json_t *changed = theme_changed_keys(&wr, analysis, previous, tk);
        json_array_foreach(json_object_get(theme, "layers"), j, layer)
        {
            const char *lk = json_string_value(json_object_get(layer, "layer"));
            json_t *prev_layer = other_layer(previous, tk, lk);
            for (int m = 0; changed && prev_layer && m < MEASURE_COUNT; m++)
                trend_cell(&wr, out, theme, layer, prev_layer, m, changed);
        }
        json_decref(changed);
    }
    if (out && !wr.oom) trend_holm(&wr, out);
    return finish(analysis, "trend", out, &wr, err);
}

/* ------------------------------------------------------------------------ */
/* Benchmark                                                                */
/* ------------------------------------------------------------------------ */

/* Whether measure m of a theme entry may be benchmarked: score always;
 * knowledge only when every intent item that counts for it has the
 * instrument's key, so that every organisation answered the same
 * questions. */
static int theme_benchmarkable(json_t *theme, int m)
{
    if (m != MEASURE_KNOWLEDGE) return 1;
    const char *keys = json_string_value(json_object_get(theme, "knowledge_keys"));
    return keys && !strcmp(keys, "instrument");
}

static void benchmark_cell(writer *wr, json_t *out, json_t *theme, json_t *layer, int m,
                           json_t *const *peers, size_t n_peers, double *vals)
{
    stats_summary cur, s;
    const char *mk = measure_key(m);
    if (!theme_benchmarkable(theme, m) || cell_read(layer, mk, &cur)) return;
    const char *tk = json_string_value(json_object_get(theme, "theme"));
    const char *lk = json_string_value(json_object_get(layer, "layer"));
    size_t n = 0;
    for (size_t i = 0; i < n_peers; i++) {
        json_t *pt = peers[i] ? find_by(json_object_get(peers[i], "themes"), "theme", tk) : NULL;
        if (!pt || !theme_benchmarkable(pt, m)) continue;
        if (!cell_read(find_by(json_object_get(pt, "layers"), "layer", lk), mk, &s))
            vals[n++] = s.mean;
    }
    if (n < BENCHMARK_MIN_ORGANISATIONS) return;
    double percentile = stats_percentile_rank(cur.mean, vals, n);
    double median = stats_median_compute(vals, n); /* reorders vals: after the rank */
    json_t *o = entry_head(wr, theme, layer, mk);
    if (!o) return;
    put(wr, o, "organisations", json_integer((json_int_t)n));
    put(wr, o, "median", json_real_or_null(median));
    put(wr, o, "percentile", json_real_or_null(percentile));
    put(wr, o, "mean", json_real_or_null(cur.mean));
    if (json_array_append_new(out, o)) wr->oom = 1;
}

int analysis_add_benchmark(json_t *analysis, json_t *const *peers, size_t n_peers, tm_error *err)
{
    if (check_analysis(analysis, err)) return -1;
    if (!peers && n_peers) return tm_error_set(err, 500, "benchmark: no analyses given");
    writer wr = {0};
    json_t *out = json_array();
    json_t **same = calloc(n_peers + 1, sizeof *same);
    double *vals = malloc((n_peers + 1) * sizeof *vals);
    if (!same || !vals) wr.oom = 1;
    size_t n_same = 0;
    for (size_t i = 0; same && i < n_peers; i++)
        if (peers[i] && same_method(analysis, peers[i])) same[n_same++] = peers[i];
    json_t *themes = json_object_get(analysis, "themes"), *theme, *layer;
    size_t i, j;
    json_array_foreach(themes, i, theme)
    {
        if (!out || !vals || !same) break;
        json_array_foreach(json_object_get(theme, "layers"), j, layer)
        {
            for (int m = 0; m < MEASURE_COUNT; m++)
                benchmark_cell(&wr, out, theme, layer, m, same, n_same, vals);
        }
    }
    free(same);
    free(vals);
    return finish(analysis, "benchmark", out, &wr, err);
}
