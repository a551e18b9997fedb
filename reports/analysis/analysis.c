/* analysis.c - the gap analysis of one wave by method v2 (analysis.h is the
 * interface, docs/method.md the method and the JSON; analysis_compare.c adds
 * trend and benchmark).
 *
 * How it runs
 * -----------
 * 1. Plan (from the instrument only): for every layer the list of scored
 *    items asked to it, each with its column, its measure and a table of
 *    normalised values (reverse-worded likert items: 100 minus the normal
 *    value).
 * 2. Count pass over the score matrix: respondents per layer, per item x
 *    layer the count of every answer code ("bins"), and per rule x layer the
 *    count of every rating. Item statistics come from these bins (exact
 *    counts; mean and M2 by two passes over the bins).
 * 3. Keys and aggregates: every intent item gets its key (the wave's, else
 *    the instrument's fixed option, else none). An item feeds the groups of
 *    a layer (theme, domain, theme x domain) only when it is a core item,
 *    has a key if it is an intent item, and its own cell in that layer has
 *    at least k answers (known from the bins). Per group x layer x measure
 *    the half-answered threshold ceil(|items|/2) is over the items that feed.
 * 4. Score pass: per respondent the sums and counts of normalised answers
 *    per group (small arrays reused for every respondent), then one
 *    stats_acc per group x layer x measure gets the respondent's mean when
 *    the half-answered rule is met.
 * 5. JSON: every group and item becomes a "unit" (per measure and layer a
 *    cell: absent, layer suppressed, too small, or usable with its summary),
 *    from which layers, gaps, ANOVA, carry, links and thermometer are
 *    written. Gaps are registered in their Holm family; p_holm is filled in
 *    once every family is complete. Rules are written from their counts.
 *
 * Memory does not depend on the number of respondents beyond the caller's
 * matrices: bins, accumulators and scratch are sized by the instrument.
 */
#include "reports/analysis/analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/answers.h"
#include "core/json_number.h"
#include "reports/analysis/measures.h"
#include "reports/analysis/stats.h"

enum { LV_THEME, LV_DOMAIN, LV_CELL, LV_ITEM, N_LEVELS };

/* Where an intent item's key comes from. */
enum { KEY_NONE, KEY_INSTRUMENT, KEY_WAVE };

#define NO_GROUP UINT32_MAX
#define MAX_LAYERS INSTRUMENT_MAX_LAYERS
#define RULE_CODES (RULE_ONBEKEND + 1)

/* A scored item as seen by one layer. */
typedef struct plan_item {
    uint32_t ord;       /* item ordinal: column in the score matrix */
    uint32_t bins;      /* offset of this item x layer's bins in analysis.bins */
    uint32_t groups[3]; /* theme, domain, theme x domain it feeds in this layer (NO_GROUP:
                           none, also when the item is left out of the layer's aggregates) */
    int16_t top;        /* highest valid code: points, or option count */
    int16_t correct;    /* intent: the correct code (option index + 1); 0: no key */
    uint8_t measure;    /* MEASURE_SCORE or MEASURE_KNOWLEDGE */
    const double *norm; /* MEASURE_SCORE: norm[v] is the 0-100 value of code v */
} plan_item;

/* A family of p-values for Holm: the gap objects (borrowed from the result
 * tree) and their p. */
typedef struct family {
    json_t **gap;
    double *p;
    size_t n, cap;
} family;

typedef struct analysis {
    const wave_data *w;
    const instrument *in;
    size_t nl, nt, nd, ng, k;
    size_t layer_n[MAX_LAYERS];
    int layer_ok[MAX_LAYERS];
    plan_item *plan; /* layer after layer */
    size_t plan_off[MAX_LAYERS + 1];
    uint32_t *bins_base; /* per item: offset of layer 0's bins; NO_GROUP if unscored */
    size_t *bins;        /* per item x layer: [0] "weet niet", [v] code v */
    double *norm;        /* per item: norm table, same offsets as one layer's bins */
    uint32_t *norm_base;
    int *resolved;     /* per item: correct option index, -1 none */
    int *key_source;   /* per item: KEY_* */
    unsigned *counted; /* (g * nl + l) * 2 + m: items of the group that count for the
                          measure and are asked to the layer (before small cells are left out) */
    unsigned *thr;     /* same index: half-answered threshold over the items that feed; 0: none */
    stats_acc *acc;    /* same index */
    uint32_t *active;  /* per layer: groups with any item feeding them */
    size_t active_off[MAX_LAYERS + 1];
    double *sum; /* scratch per group x measure */
    unsigned *cnt;
    size_t *rule_bins; /* (rule * nl + l) * RULE_CODES + code */
    family fam[N_LEVELS][MEASURE_COUNT];
    int oom;
} analysis;

/* ------------------------------------------------------------------------ */
/* JSON helpers: every failed allocation sets a->oom, checked at the end    */
/* ------------------------------------------------------------------------ */

static json_t *jsize(size_t n)
{
    return json_integer((json_int_t)n);
}

/* A whole-number statistic (ANOVA degrees of freedom) as a JSON integer, so
 * that json_integer_value() works on it; null when not computable. */
static json_t *jcount(double x)
{
    return isfinite(x) ? json_integer((json_int_t)x) : json_null();
}

/* A borrowed string as JSON, or null. */
static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Sets obj[key] = v, stealing v; records a failure (v NULL included). */
static void put(analysis *a, json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v)) a->oom = 1;
}

/* Appends v to arr, stealing v; records a failure. */
static void push(analysis *a, json_t *arr, json_t *v)
{
    if (!v || json_array_append_new(arr, v)) a->oom = 1;
}

/* [lo, hi], or null when either end is not finite. New reference. */
static json_t *jinterval(double lo, double hi)
{
    if (!isfinite(lo) || !isfinite(hi)) return json_null();
    json_t *v = json_array();
    if (v && (json_array_append_new(v, json_real(lo)) || json_array_append_new(v, json_real(hi)))) {
        json_decref(v);
        return NULL;
    }
    return v;
}

/* A new object {"layer": key, "suppressed": flag}. */
static json_t *layer_head(analysis *a, size_t l, int suppressed)
{
    json_t *o = json_object();
    if (!o) {
        a->oom = 1;
        return NULL;
    }
    put(a, o, "layer", json_string(a->in->layers[l].key));
    put(a, o, "suppressed", json_boolean(suppressed));
    return o;
}

static int family_add(family *f, json_t *gap, double p)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 64;
        json_t **g = realloc(f->gap, cap * sizeof *g);
        if (!g) return -1;
        f->gap = g;
        double *q = realloc(f->p, cap * sizeof *q);
        if (!q) return -1;
        f->p = q;
        f->cap = cap;
    }
    f->gap[f->n] = gap;
    f->p[f->n++] = p;
    return 0;
}

/* Writes p_holm into every gap of the family. */
static void family_apply(analysis *a, family *f)
{
    if (f->n == 0) return;
    double *adj = malloc(f->n * sizeof *adj);
    if (!adj || stats_holm_adjust(f->p, f->n, adj)) {
        a->oom = 1;
        free(adj);
        return;
    }
    for (size_t i = 0; i < f->n; i++)
        put(a, f->gap[i], "p_holm", json_real_or_null(adj[i]));
    free(adj);
}

/* ------------------------------------------------------------------------ */
/* Setup: the plan                                                          */
/* ------------------------------------------------------------------------ */

static int item_measure(const tm_item *it)
{
    return it->type == ITEM_INTENT ? MEASURE_KNOWLEDGE : MEASURE_SCORE;
}

/* Highest valid score code of a scored item. */
static int item_top(const tm_item *it)
{
    return it->type == ITEM_INTENT ? (int)it->n_options : it->points;
}

static size_t idx3(const analysis *a, size_t g, size_t l, int m)
{
    return (g * a->nl + l) * MEASURE_COUNT + (size_t)m;
}

/* The group indices an item feeds: theme, domain, theme x domain. */
static void item_groups(const analysis *a, const tm_item *it, uint32_t g[3])
{
    g[0] = g[1] = g[2] = NO_GROUP;
    if (it->theme >= 0) g[0] = (uint32_t)it->theme;
    if (it->domain >= 0) g[1] = (uint32_t)(a->nt + (size_t)it->domain);
    if (it->theme >= 0 && it->domain >= 0)
        g[2] = (uint32_t)(a->nt + a->nd + (size_t)it->theme * a->nd + (size_t)it->domain);
}

/* The 0-100 value of likert/grade code v; a reverse-worded likert item
 * counts the other way round, so that higher always means better aligned. */
static double item_norm(const tm_item *it, int v)
{
    if (it->type == ITEM_GRADE) return stats_grade_normalise(v);
    double x = stats_likert_normalise(v, (unsigned)it->points);
    return it->reverse ? 100.0 - x : x;
}

/* Offsets of bins and norm tables, the norm tables themselves, and every
 * intent item's key. */
static int setup_items(analysis *a)
{
    const instrument *in = a->in;
    size_t nb = 0, nn = 0;
    a->bins_base = malloc((in->n_items + 1) * sizeof *a->bins_base);
    a->norm_base = malloc((in->n_items + 1) * sizeof *a->norm_base);
    a->resolved = malloc((in->n_items + 1) * sizeof *a->resolved);
    a->key_source = malloc((in->n_items + 1) * sizeof *a->key_source);
    if (!a->bins_base || !a->norm_base || !a->resolved || !a->key_source) return -1;
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        int wave_key = a->w->intended ? a->w->intended[i] : -1;
        a->bins_base[i] = a->norm_base[i] = NO_GROUP;
        a->resolved[i] = -1;
        a->key_source[i] = KEY_NONE;
        if (it->type == ITEM_INTENT && wave_key >= 0) {
            a->resolved[i] = wave_key;
            a->key_source[i] = KEY_WAVE;
        } else if (it->type == ITEM_INTENT && it->intended >= 0) {
            a->resolved[i] = it->intended;
            a->key_source[i] = KEY_INSTRUMENT;
        }
        if (!instrument_item_scored(it)) continue;
        size_t width = (size_t)item_top(it) + 1;
        a->bins_base[i] = (uint32_t)nb;
        a->norm_base[i] = (uint32_t)nn;
        nb += width * a->nl;
        nn += width;
    }
    a->bins = calloc(nb + 1, sizeof *a->bins);
    a->norm = calloc(nn + 1, sizeof *a->norm);
    if (!a->bins || !a->norm) return -1;
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        if (a->norm_base[i] == NO_GROUP || it->type == ITEM_INTENT) continue;
        double *t = a->norm + a->norm_base[i];
        t[0] = NAN;
        for (int v = 1; v <= it->points; v++)
            t[v] = item_norm(it, v);
    }
    return 0;
}

/* Per layer the scored items asked to it (groups are set later, once the
 * item cells are counted). */
static int setup_plan(analysis *a)
{
    const instrument *in = a->in;
    size_t total = 0;
    for (size_t l = 0; l < a->nl; l++)
        for (size_t i = 0; i < in->n_items; i++)
            total += instrument_item_scored(&in->items[i]) &&
                     instrument_item_asked(&in->items[i], (int)l);
    a->plan = calloc(total + 1, sizeof *a->plan);
    if (!a->plan) return -1;
    size_t p = 0;
    for (size_t l = 0; l < a->nl; l++) {
        a->plan_off[l] = p;
        for (size_t i = 0; i < in->n_items; i++) {
            const tm_item *it = &in->items[i];
            if (!instrument_item_scored(it) || !instrument_item_asked(it, (int)l)) continue;
            plan_item *pi = &a->plan[p++];
            pi->ord = (uint32_t)i;
            pi->measure = (uint8_t)item_measure(it);
            pi->top = (int16_t)item_top(it);
            pi->bins = a->bins_base[i] + (uint32_t)(l * ((size_t)pi->top + 1));
            pi->norm = a->norm + a->norm_base[i];
            pi->correct = (int16_t)(a->resolved[i] + 1);
            pi->groups[0] = pi->groups[1] = pi->groups[2] = NO_GROUP;
        }
    }
    a->plan_off[a->nl] = p;
    return 0;
}

static int analysis_init(analysis *a, const wave_data *w)
{
    memset(a, 0, sizeof *a);
    a->w = w;
    a->in = w->in;
    a->nl = w->in->n_layers;
    a->nt = w->in->n_themes;
    a->nd = w->in->n_domains;
    a->ng = a->nt + a->nd + a->nt * a->nd;
    a->k = (size_t)w->min_group_size;
    size_t cells = a->ng * a->nl * MEASURE_COUNT + 1;
    a->acc = calloc(cells, sizeof *a->acc);
    a->thr = calloc(cells, sizeof *a->thr);
    a->counted = calloc(cells, sizeof *a->counted);
    a->active = malloc((a->ng * a->nl + 1) * sizeof *a->active);
    a->sum = calloc(a->ng * MEASURE_COUNT + 1, sizeof *a->sum);
    a->cnt = calloc(a->ng * MEASURE_COUNT + 1, sizeof *a->cnt);
    a->rule_bins = calloc(w->n_rules * a->nl * RULE_CODES + 1, sizeof *a->rule_bins);
    if (!a->acc || !a->thr || !a->counted || !a->active || !a->sum || !a->cnt || !a->rule_bins)
        return -1;
    return setup_items(a) || setup_plan(a) ? -1 : 0;
}

static void analysis_free(analysis *a)
{
    free(a->plan);
    free(a->bins_base);
    free(a->bins);
    free(a->norm);
    free(a->norm_base);
    free(a->resolved);
    free(a->key_source);
    free(a->counted);
    free(a->thr);
    free(a->acc);
    free(a->active);
    free(a->sum);
    free(a->cnt);
    free(a->rule_bins);
    for (int v = 0; v < N_LEVELS; v++)
        for (int m = 0; m < MEASURE_COUNT; m++) {
            free(a->fam[v][m].gap);
            free(a->fam[v][m].p);
        }
}

/* ------------------------------------------------------------------------ */
/* Pass 1: respondents per layer, answer counts per item and rule x layer   */
/* ------------------------------------------------------------------------ */

static int count_rules(analysis *a, size_t r, size_t l, tm_error *err)
{
    const wave_data *w = a->w;
    const uint8_t *row = w->rule_answers + r * w->n_rules;
    for (size_t q = 0; q < w->n_rules; q++) {
        if (row[q] > RULE_ONBEKEND)
            return tm_error_set(err, 500, "response %zu: rule \"%s\" has the invalid rating %d", r,
                                w->rules[q].key, (int)row[q]);
        a->rule_bins[(q * a->nl + l) * RULE_CODES + row[q]]++;
    }
    return 0;
}

static int count_pass(analysis *a, tm_error *err)
{
    const wave_data *w = a->w;
    size_t ni = a->in->n_items;
    for (size_t r = 0; r < w->n; r++) {
        size_t l = w->layer[r];
        if (l >= a->nl)
            return tm_error_set(err, 500,
                                "response %zu has layer index %zu; the chain has %zu layers", r, l,
                                a->nl);
        a->layer_n[l]++;
        const int16_t *row = w->scores + r * ni;
        const plan_item *p = a->plan + a->plan_off[l], *end = a->plan + a->plan_off[l + 1];
        for (; p < end; p++) {
            int v = row[p->ord];
            if (v == SCORE_UNANSWERED) continue;
            if (v == SCORE_DONT_KNOW)
                v = 0;
            else if (v < 1 || v > p->top)
                return tm_error_set(err, 500, "response %zu: item \"%s\" has the invalid score %d",
                                    r, a->in->items[p->ord].key, (int)row[p->ord]);
            a->bins[p->bins + (size_t)v]++;
        }
        if (w->n_rules && count_rules(a, r, l, err)) return -1;
    }
    for (size_t l = 0; l < a->nl; l++)
        a->layer_ok[l] = a->layer_n[l] >= a->k;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Which items feed which aggregates                                        */
/* ------------------------------------------------------------------------ */

static const size_t *item_bins(const analysis *a, size_t i, size_t l)
{
    size_t width = (size_t)item_top(&a->in->items[i]) + 1;
    return a->bins + a->bins_base[i] + l * width;
}

/* n of item i's cell in layer l: the respondents who gave it a scored
 * answer (likert/grade: a number; intent: any option or "weet niet"). */
static size_t item_cell_n(const analysis *a, size_t i, size_t l)
{
    const tm_item *it = &a->in->items[i];
    const size_t *b = item_bins(a, i, l);
    size_t n = 0;
    for (int v = it->type == ITEM_INTENT ? 0 : 1; v <= item_top(it); v++)
        n += b[v];
    return n;
}

/* Whether item i counts for its groups' measure at all: a core item (so
 * that layers are compared on the same questions) and, for an intent item,
 * one with a key. */
static int item_counts(const analysis *a, size_t i)
{
    const tm_item *it = &a->in->items[i];
    return it->core && (it->type != ITEM_INTENT || a->resolved[i] >= 0);
}

/* Sets every plan item's groups and the thresholds: an item feeds a layer's
 * aggregates only when it counts and its own cell in that layer is not
 * suppressed (else the group cell minus the other items would give it
 * back). Then per layer the groups that anything feeds. */
static void plan_aggregates(analysis *a)
{
    for (size_t l = 0; l < a->nl; l++)
        for (size_t p = a->plan_off[l]; p < a->plan_off[l + 1]; p++) {
            plan_item *pi = &a->plan[p];
            if (!item_counts(a, pi->ord)) continue;
            uint32_t g[3];
            item_groups(a, &a->in->items[pi->ord], g);
            int feeds = item_cell_n(a, pi->ord, l) >= a->k;
            for (int j = 0; j < 3; j++) {
                if (g[j] == NO_GROUP) continue;
                a->counted[idx3(a, g[j], l, pi->measure)]++;
                if (feeds) a->thr[idx3(a, g[j], l, pi->measure)]++;
                pi->groups[j] = feeds ? g[j] : NO_GROUP;
            }
        }
    for (size_t i = 0; i < a->ng * a->nl * MEASURE_COUNT; i++)
        a->thr[i] = (a->thr[i] + 1) / 2;
    size_t q = 0;
    for (size_t l = 0; l < a->nl; l++) {
        a->active_off[l] = q;
        for (size_t g = 0; g < a->ng; g++)
            if (a->thr[idx3(a, g, l, MEASURE_SCORE)] || a->thr[idx3(a, g, l, MEASURE_KNOWLEDGE)])
                a->active[q++] = (uint32_t)g;
    }
    a->active_off[a->nl] = q;
}

/* ------------------------------------------------------------------------ */
/* Pass 2: respondent scores per group                                      */
/* ------------------------------------------------------------------------ */

static void add_answer(analysis *a, const plan_item *p, int v)
{
    double x;
    if (p->measure == MEASURE_SCORE) {
        if (v == SCORE_DONT_KNOW) return;
        x = p->norm[v];
    } else {
        x = v == p->correct ? 100.0 : 0.0;
    }
    for (int j = 0; j < 3; j++) {
        uint32_t g = p->groups[j];
        if (g == NO_GROUP) continue;
        a->sum[g * MEASURE_COUNT + p->measure] += x;
        a->cnt[g * MEASURE_COUNT + p->measure]++;
    }
}

/* Feeds the respondent's group means to the accumulators and clears the
 * scratch of the groups active in layer l. */
static void flush_respondent(analysis *a, size_t l)
{
    for (size_t q = a->active_off[l]; q < a->active_off[l + 1]; q++) {
        size_t g = a->active[q];
        for (int m = 0; m < MEASURE_COUNT; m++) {
            size_t s = g * MEASURE_COUNT + (size_t)m, c = idx3(a, g, l, m);
            if (a->thr[c] && a->cnt[s] >= a->thr[c])
                stats_acc_add(&a->acc[c], a->sum[s] / (double)a->cnt[s]);
            a->sum[s] = 0.0;
            a->cnt[s] = 0;
        }
    }
}

static void score_pass(analysis *a)
{
    const wave_data *w = a->w;
    size_t ni = a->in->n_items;
    for (size_t r = 0; r < w->n; r++) {
        size_t l = w->layer[r];
        if (!a->layer_ok[l]) continue; /* never reported: skip the work */
        const int16_t *row = w->scores + r * ni;
        const plan_item *p = a->plan + a->plan_off[l], *end = a->plan + a->plan_off[l + 1];
        for (; p < end; p++) {
            int v = row[p->ord];
            if (v != SCORE_UNANSWERED) add_answer(a, p, v);
        }
        flush_respondent(a, l);
    }
}

/* ------------------------------------------------------------------------ */
/* Units: per measure and layer the cell of a group or an item              */
/* ------------------------------------------------------------------------ */

typedef enum cell_state { CELL_ABSENT, CELL_LAYER_HIDDEN, CELL_SMALL, CELL_OK } cell_state;

typedef struct cell {
    cell_state state;
    stats_acc acc;
    stats_summary s; /* ci95 clipped to [0, 100] */
} cell;

typedef struct unit {
    int present[MEASURE_COUNT]; /* the measure exists for some layer */
    int no_key;                 /* an intent item without a key: counts, no mean */
    cell c[MEASURE_COUNT][MAX_LAYERS];
} unit;

/* Sets the state and summary of a cell whose accumulator is filled in. */
static void cell_finish(const analysis *a, cell *c, size_t l)
{
    if (!a->layer_ok[l]) {
        c->state = CELL_LAYER_HIDDEN;
        return;
    }
    c->state = c->acc.n >= a->k ? CELL_OK : CELL_SMALL;
    stats_summary_from_acc(&c->acc, &c->s);
    c->s.ci95_low = stats_clip(c->s.ci95_low, 0.0, 100.0);
    c->s.ci95_high = stats_clip(c->s.ci95_high, 0.0, 100.0);
}

static void unit_from_group(const analysis *a, size_t g, unit *u)
{
    memset(u, 0, sizeof *u);
    for (int m = 0; m < MEASURE_COUNT; m++)
        for (size_t l = 0; l < a->nl; l++) {
            cell *c = &u->c[m][l];
            size_t i = idx3(a, g, l, m);
            if (!a->counted[i]) continue;
            u->present[m] = 1;
            c->acc = a->acc[i]; /* empty when every item was left out: too small */
            cell_finish(a, c, l);
        }
}

/* n, mean and M2 over the bins b[lo..hi] with the values val[lo..hi]. */
static void bins_moments(const size_t *b, const double *val, int lo, int hi, stats_acc *acc)
{
    size_t n = 0;
    double s = 0.0, m2 = 0.0;
    for (int v = lo; v <= hi; v++) {
        n += b[v];
        s += (double)b[v] * val[v];
    }
    double mean = n ? s / (double)n : NAN;
    for (int v = lo; v <= hi; v++)
        if (b[v]) m2 += (double)b[v] * (val[v] - mean) * (val[v] - mean);
    stats_acc_from_moments(acc, n, mean, m2);
}

/* The 0-100 value of every code of item i: [0] is "weet niet". */
static void item_values(const analysis *a, size_t i, double *val)
{
    const tm_item *it = &a->in->items[i];
    int top = item_top(it);
    for (int v = 0; v <= top; v++)
        val[v] = it->type == ITEM_INTENT ? (v >= 1 && v == a->resolved[i] + 1 ? 100.0 : 0.0)
                                         : a->norm[a->norm_base[i] + (size_t)v];
}

/* An intent item's share correct gets the Wilson interval: it stays inside
 * 0-100 and is not empty when everyone (or no one) is right. */
static void item_wilson(const analysis *a, size_t i, size_t l, cell *c)
{
    size_t x = item_bins(a, i, l)[a->resolved[i] + 1];
    double lo, hi;
    if (stats_wilson_ci95(x, c->acc.n, &lo, &hi)) return;
    c->s.ci95_low = 100.0 * lo;
    c->s.ci95_high = 100.0 * hi;
}

static void unit_from_item(const analysis *a, size_t i, unit *u)
{
    const tm_item *it = &a->in->items[i];
    int m = item_measure(it), top = item_top(it);
    double val[64];
    item_values(a, i, val);
    memset(u, 0, sizeof *u);
    u->no_key = it->type == ITEM_INTENT && a->resolved[i] < 0;
    for (size_t l = 0; l < a->nl; l++) {
        if (!instrument_item_asked(it, (int)l)) continue;
        u->present[m] = 1;
        cell *c = &u->c[m][l];
        bins_moments(item_bins(a, i, l), val, m == MEASURE_KNOWLEDGE ? 0 : 1, top, &c->acc);
        cell_finish(a, c, l);
        if (c->state == CELL_OK && m == MEASURE_KNOWLEDGE && !u->no_key) item_wilson(a, i, l, c);
    }
}

static int usable(const unit *u, int m, size_t l)
{
    return u->c[m][l].state == CELL_OK && !u->no_key;
}

/* Indices of the usable layers of measure m, in chain order. */
static size_t usable_layers(const analysis *a, const unit *u, int m, size_t *out)
{
    size_t n = 0;
    for (size_t l = 0; l < a->nl; l++)
        if (usable(u, m, l)) out[n++] = l;
    return n;
}

/* ------------------------------------------------------------------------ */
/* JSON of cells and layers                                                 */
/* ------------------------------------------------------------------------ */

/* CELL of docs/method.md; NULL only when memory ran out. A cell of an
 * intent item without a key has its n but no mean. */
static json_t *cell_json(analysis *a, const unit *u, const cell *c)
{
    if (c->state == CELL_ABSENT) return json_null();
    json_t *o = json_object();
    if (!o) return NULL;
    if (c->state != CELL_OK) {
        put(a, o, "suppressed", json_true());
        return o;
    }
    put(a, o, "n", jsize(c->s.n));
    put(a, o, "mean", json_real_or_null(u->no_key ? NAN : c->s.mean));
    put(a, o, "sd", json_real_or_null(u->no_key ? NAN : c->s.sd));
    put(a, o, "ci95", u->no_key ? json_null() : jinterval(c->s.ci95_low, c->s.ci95_high));
    return o;
}

static json_t *group_layers_json(analysis *a, const unit *u)
{
    json_t *arr = json_array();
    if (!arr) return NULL;
    for (size_t l = 0; l < a->nl; l++) {
        json_t *o = layer_head(a, l, !a->layer_ok[l]);
        push(a, arr, o);
        if (!o || !a->layer_ok[l]) continue;
        for (int m = 0; m < MEASURE_COUNT; m++)
            put(a, o, measure_key(m), cell_json(a, u, &u->c[m][l]));
        double pg = usable(u, MEASURE_SCORE, l) && usable(u, MEASURE_KNOWLEDGE, l)
                        ? u->c[MEASURE_SCORE][l].s.mean - u->c[MEASURE_KNOWLEDGE][l].s.mean
                        : NAN;
        put(a, o, "perception_gap", json_real_or_null(pg));
    }
    return arr;
}

/* The extra fields of an item cell: dont_know, distribution, mean_raw, rwg. */
static void item_cell_extra(analysis *a, size_t i, size_t l, json_t *o)
{
    const tm_item *it = &a->in->items[i];
    const size_t *b = item_bins(a, i, l);
    int top = item_top(it);
    put(a, o, "dont_know", jsize(b[0]));
    json_t *dist = json_object();
    for (int v = 1; dist && v <= top; v++) {
        char num[16];
        const char *key = num;
        if (it->type == ITEM_INTENT)
            key = it->options[v - 1].key;
        else
            snprintf(num, sizeof num, "%d", v);
        put(a, dist, key, jsize(b[v]));
    }
    put(a, o, "distribution", dist);
    if (it->type == ITEM_INTENT) return;
    double raw[64];
    for (int v = 0; v <= top; v++)
        raw[v] = v;
    stats_acc acc;
    stats_summary s;
    bins_moments(b, raw, 1, top, &acc);
    stats_summary_from_acc(&acc, &s);
    put(a, o, "mean_raw", json_real_or_null(s.mean));
    if (it->type == ITEM_LIKERT)
        put(a, o, "rwg", json_real_or_null(stats_rwg_compute(s.n, s.sd, (unsigned)it->points)));
}

static json_t *item_layers_json(analysis *a, size_t i, const unit *u)
{
    int m = item_measure(&a->in->items[i]);
    json_t *arr = json_array();
    if (!arr) return NULL;
    for (size_t l = 0; l < a->nl; l++) {
        json_t *o = layer_head(a, l, !a->layer_ok[l]);
        push(a, arr, o);
        if (!o || !a->layer_ok[l]) continue;
        const cell *c = &u->c[m][l];
        json_t *cj = cell_json(a, u, c);
        if (cj && c->state == CELL_OK) item_cell_extra(a, i, l, cj);
        put(a, o, measure_key(m), cj);
    }
    return arr;
}

/* ------------------------------------------------------------------------ */
/* Gaps, ANOVA, carry, thermometer                                          */
/* ------------------------------------------------------------------------ */

static void gap_add(analysis *a, const unit *u, int m, size_t up, size_t lo, int adjacent,
                    json_t *gaps, family *fam)
{
    stats_welch w;
    stats_welch_compute(&u->c[m][up].s, &u->c[m][lo].s, &w);
    json_t *o = json_object();
    push(a, gaps, o);
    if (!o) return;
    put(a, o, "measure", json_string(measure_key(m)));
    put(a, o, "from", json_string(a->in->layers[up].key));
    put(a, o, "to", json_string(a->in->layers[lo].key));
    put(a, o, "adjacent", json_boolean(adjacent));
    put(a, o, "diff", json_real_or_null(w.diff));
    put(a, o, "t", json_real_or_null(w.t));
    put(a, o, "df", json_real_or_null(w.df));
    put(a, o, "p", json_real_or_null(w.p));
    put(a, o, "p_holm", json_null()); /* filled in by family_apply() */
    put(a, o, "g", json_real_or_null(w.g));
    put(a, o, "ci95", jinterval(w.ci95_low, w.ci95_high));
    if (isfinite(w.p) && family_add(fam, o, w.p)) a->oom = 1;
}

/* The gaps of a unit, both measures; registered in fams[measure]. */
static json_t *gaps_json(analysis *a, const unit *u, family *fams)
{
    json_t *gaps = json_array();
    if (!gaps) return NULL;
    for (int m = 0; m < MEASURE_COUNT; m++) {
        size_t ul[MAX_LAYERS], n = usable_layers(a, u, m, ul);
        for (size_t i = 0; i + 1 < n; i++)
            gap_add(a, u, m, ul[i], ul[i + 1], 1, gaps, &fams[m]);
        if (n >= 3) gap_add(a, u, m, ul[0], ul[n - 1], 0, gaps, &fams[m]);
    }
    return gaps;
}

static json_t *anova_json(analysis *a, const unit *u)
{
    json_t *o = json_object();
    if (!o) return NULL;
    for (int m = 0; m < MEASURE_COUNT; m++) {
        size_t ul[MAX_LAYERS], n = usable_layers(a, u, m, ul);
        if (n < 2) {
            put(a, o, measure_key(m), json_null());
            continue;
        }
        stats_acc g[MAX_LAYERS];
        for (size_t i = 0; i < n; i++)
            g[i] = u->c[m][ul[i]].acc;
        stats_anova an;
        stats_anova_from_accs(g, n, &an);
        json_t *e = json_object();
        put(a, o, measure_key(m), e);
        if (!e) continue;
        put(a, e, "f", json_real_or_null(an.f));
        put(a, e, "df1", jcount(an.df1));
        put(a, e, "df2", jcount(an.df2));
        put(a, e, "p", json_real_or_null(an.p));
        put(a, e, "eta2", json_real_or_null(an.eta2));
    }
    return o;
}

/* The measure carry, links and thermometer are computed on. */
static int carry_measure(const analysis *a, const unit *u)
{
    size_t ul[MAX_LAYERS];
    if (u->present[MEASURE_KNOWLEDGE] && usable_layers(a, u, MEASURE_KNOWLEDGE, ul) >= 2)
        return MEASURE_KNOWLEDGE;
    return u->present[MEASURE_SCORE] ? MEASURE_SCORE : MEASURE_KNOWLEDGE;
}

static double ratio(double num, double den)
{
    return den != 0.0 ? num / den : NAN;
}

static json_t *links_json(analysis *a, const unit *u, int m, const size_t *ul, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i + 1 < n; i++) {
        json_t *o = json_object();
        push(a, arr, o);
        if (!o) continue;
        put(a, o, "from", json_string(a->in->layers[ul[i]].key));
        put(a, o, "to", json_string(a->in->layers[ul[i + 1]].key));
        put(a, o, "ratio",
            json_real_or_null(ratio(u->c[m][ul[i + 1]].s.mean, u->c[m][ul[i]].s.mean)));
    }
    return arr;
}

static json_t *thermometer_json(analysis *a, const unit *u, int m, const size_t *ul, size_t n)
{
    double means[MAX_LAYERS];
    for (size_t i = 0; i < n; i++)
        means[i] = u->c[m][ul[i]].s.mean;
    stats_thermometer t;
    stats_thermometer_compute(means, n, a->in->band_goed, a->in->band_aandacht, &t);
    json_t *o = json_object();
    if (!o) return NULL;
    put(a, o, "temperature", json_real_or_null(t.temperature));
    put(a, o, "grade", json_real_or_null(t.grade));
    put(a, o, "band", jstr(stats_band_key(t.band)));
    put(a, o, "level", json_real_or_null(t.level));
    put(a, o, "spread", json_real_or_null(t.spread));
    return o;
}

/* carry, carry_measure, carry_from, carry_to, carry_ci95, links and
 * thermometer into o. */
static void carry_json(analysis *a, const unit *u, json_t *o)
{
    int m = carry_measure(a, u);
    size_t ul[MAX_LAYERS], n = usable_layers(a, u, m, ul);
    stats_carry c = {NAN, NAN, NAN, NAN};
    if (n >= 2) stats_carry_compute(&u->c[m][ul[0]].s, &u->c[m][ul[n - 1]].s, &c);
    put(a, o, "carry", json_real_or_null(c.carry));
    put(a, o, "carry_measure", json_string(measure_key(m)));
    put(a, o, "carry_from", jstr(n >= 2 ? a->in->layers[ul[0]].key : NULL));
    put(a, o, "carry_to", jstr(n >= 2 ? a->in->layers[ul[n - 1]].key : NULL));
    put(a, o, "carry_ci95", jinterval(c.ci95_low, c.ci95_high));
    put(a, o, "links", links_json(a, u, m, ul, n));
    put(a, o, "thermometer", thermometer_json(a, u, m, ul, n));
}

/* ------------------------------------------------------------------------ */
/* Themes, domains, cells, items                                            */
/* ------------------------------------------------------------------------ */

/* Whether item i feeds group g (one of its theme, domain, theme x domain). */
static int item_in_group(const analysis *a, size_t i, size_t g)
{
    uint32_t gs[3];
    item_groups(a, &a->in->items[i], gs);
    return gs[0] == g || gs[1] == g || gs[2] == g;
}

/* Where the keys of the intent items that count for group g come from:
 * "wave" when any of them has the wave's key (the measure is then the
 * municipality's own), "instrument" when all have the instrument's, null
 * when none counts. New reference. */
static json_t *knowledge_keys_json(const analysis *a, size_t g)
{
    int seen = KEY_NONE;
    for (size_t i = 0; i < a->in->n_items; i++) {
        if (a->in->items[i].type != ITEM_INTENT || !item_counts(a, i) || !item_in_group(a, i, g))
            continue;
        if (a->key_source[i] > seen) seen = a->key_source[i];
    }
    return jstr(seen == KEY_WAVE ? "wave" : seen == KEY_INSTRUMENT ? "instrument" : NULL);
}

/* A theme or domain: GROUP of docs/method.md, keyed by kind. */
static json_t *group_json(analysis *a, size_t g, const char *kind, const char *key, family *fams)
{
    unit u;
    unit_from_group(a, g, &u);
    json_t *o = json_object();
    if (!o) return NULL;
    put(a, o, kind, json_string(key));
    put(a, o, "knowledge_keys", knowledge_keys_json(a, g));
    put(a, o, "layers", group_layers_json(a, &u));
    put(a, o, "gaps", gaps_json(a, &u, fams));
    put(a, o, "anova", anova_json(a, &u));
    carry_json(a, &u, o);
    return o;
}

static json_t *themes_json(analysis *a)
{
    json_t *arr = json_array();
    for (size_t t = 0; arr && t < a->nt; t++)
        push(a, arr, group_json(a, t, "theme", a->in->themes[t].key, a->fam[LV_THEME]));
    return arr;
}

static json_t *domains_json(analysis *a)
{
    json_t *arr = json_array();
    for (size_t d = 0; arr && d < a->nd; d++)
        push(a, arr, group_json(a, a->nt + d, "domain", a->in->domains[d].key, a->fam[LV_DOMAIN]));
    return arr;
}

static json_t *cell_group_json(analysis *a, size_t t, size_t d)
{
    unit u;
    unit_from_group(a, a->nt + a->nd + t * a->nd + d, &u);
    if (!u.present[MEASURE_SCORE] && !u.present[MEASURE_KNOWLEDGE]) return NULL;
    json_t *o = json_object();
    if (!o) {
        a->oom = 1;
        return NULL;
    }
    put(a, o, "theme", json_string(a->in->themes[t].key));
    put(a, o, "domain", json_string(a->in->domains[d].key));
    put(a, o, "layers", group_layers_json(a, &u));
    put(a, o, "gaps", gaps_json(a, &u, a->fam[LV_CELL]));
    return o;
}

static json_t *cells_json(analysis *a)
{
    json_t *arr = json_array();
    for (size_t t = 0; arr && t < a->nt; t++)
        for (size_t d = 0; d < a->nd; d++) {
            json_t *c = cell_group_json(a, t, d);
            if (c) push(a, arr, c);
        }
    return arr;
}

static void item_key_json(analysis *a, size_t i, json_t *o)
{
    const tm_item *it = &a->in->items[i];
    int r = a->resolved[i], src = a->key_source[i];
    put(a, o, "intended", jstr(r >= 0 ? it->options[r].key : NULL));
    put(a, o, "intended_source",
        jstr(src == KEY_WAVE         ? "wave"
             : src == KEY_INSTRUMENT ? "instrument"
                                     : NULL));
}

static json_t *item_json(analysis *a, size_t i)
{
    const tm_item *it = &a->in->items[i];
    unit u;
    unit_from_item(a, i, &u);
    json_t *o = json_object();
    if (!o) return NULL;
    put(a, o, "item", json_string(it->key));
    put(a, o, "type", json_string(instrument_type_name(it->type)));
    put(a, o, "theme", jstr(it->theme >= 0 ? a->in->themes[it->theme].key : NULL));
    put(a, o, "domain", jstr(it->domain >= 0 ? a->in->domains[it->domain].key : NULL));
    put(a, o, "measure", json_string(measure_key(item_measure(it))));
    put(a, o, "core", json_boolean(it->core));
    put(a, o, "reverse", json_boolean(it->reverse));
    if (it->type == ITEM_INTENT) item_key_json(a, i, o);
    put(a, o, "layers", item_layers_json(a, i, &u));
    put(a, o, "gaps", gaps_json(a, &u, a->fam[LV_ITEM]));
    return o;
}

static json_t *items_json(analysis *a)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < a->in->n_items; i++)
        if (instrument_item_scored(&a->in->items[i])) push(a, arr, item_json(a, i));
    return arr;
}

/* ------------------------------------------------------------------------ */
/* Rules                                                                    */
/* ------------------------------------------------------------------------ */

/* A rule's counts in one layer. */
typedef struct rule_cell {
    size_t count[RULE_CODES];
    size_t rated; /* helpt + neutraal + belemmert: the cell's n */
    int usable;   /* layer not suppressed and rated >= k */
} rule_cell;

static void rule_cell_get(const analysis *a, size_t q, size_t l, rule_cell *rc)
{
    memcpy(rc->count, a->rule_bins + (q * a->nl + l) * RULE_CODES, sizeof rc->count);
    rc->rated = rc->count[RULE_HELPT] + rc->count[RULE_NEUTRAAL] + rc->count[RULE_BELEMMERT];
    rc->usable = a->layer_ok[l] && rc->rated >= a->k;
}

static double rule_net(const rule_cell *rc)
{
    if (rc->rated == 0) return NAN;
    return 100.0 * ((double)rc->count[RULE_HELPT] - (double)rc->count[RULE_BELEMMERT]) /
           (double)rc->rated;
}

/* {"n", "helpt", "neutraal", "belemmert", "onbekend", "net"}, or
 * {"suppressed": true} when fewer than k rated the rule. */
static json_t *rule_cell_json(analysis *a, const rule_cell *rc)
{
    json_t *o = json_object();
    if (!o) return NULL;
    if (!rc->usable) {
        put(a, o, "suppressed", json_true());
        return o;
    }
    put(a, o, "n", jsize(rc->rated));
    put(a, o, "helpt", jsize(rc->count[RULE_HELPT]));
    put(a, o, "neutraal", jsize(rc->count[RULE_NEUTRAAL]));
    put(a, o, "belemmert", jsize(rc->count[RULE_BELEMMERT]));
    put(a, o, "onbekend", jsize(rc->count[RULE_ONBEKEND]));
    put(a, o, "net", json_real_or_null(rule_net(rc)));
    return o;
}

/* Whether two usable cells' nets differ by ANALYSIS_RULE_CONFLICT points or
 * more, decided in integers so that a difference of exactly 50 is one:
 * |(h1-b1)/n1 - (h2-b2)/n2| * 100 >= 50  <=>  2 |(h1-b1) n2 - (h2-b2) n1| >= n1 n2. */
static int rule_conflict(const rule_cell *x, const rule_cell *y)
{
    long long dx = (long long)x->count[RULE_HELPT] - (long long)x->count[RULE_BELEMMERT];
    long long dy = (long long)y->count[RULE_HELPT] - (long long)y->count[RULE_BELEMMERT];
    long long lhs = dx * (long long)y->rated - dy * (long long)x->rated;
    if (lhs < 0) lhs = -lhs;
    return (double)lhs * (100.0 / ANALYSIS_RULE_CONFLICT) >= (double)x->rated * (double)y->rated;
}

static json_t *rule_conflicts_json(analysis *a, const rule_cell *rc)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < a->nl; i++)
        for (size_t j = i + 1; j < a->nl; j++) {
            if (!rc[i].usable || !rc[j].usable || !rule_conflict(&rc[i], &rc[j])) continue;
            json_t *o = json_object();
            push(a, arr, o);
            if (!o) continue;
            double ni = rule_net(&rc[i]), nj = rule_net(&rc[j]);
            put(a, o, "from", json_string(a->in->layers[i].key));
            put(a, o, "to", json_string(a->in->layers[j].key));
            put(a, o, "net_from", json_real_or_null(ni));
            put(a, o, "net_to", json_real_or_null(nj));
            put(a, o, "diff", json_real_or_null(ni - nj));
        }
    return arr;
}

static json_t *rule_json(analysis *a, size_t q)
{
    const analysis_rule *r = &a->w->rules[q];
    rule_cell rc[MAX_LAYERS];
    json_t *o = json_object(), *layers = json_array();
    if (!o || !layers) {
        json_decref(o);
        json_decref(layers);
        return NULL; /* push() records it */
    }
    put(a, o, "rule", json_string(r->key));
    put(a, o, "text", jstr(r->text));
    if (r->text_en) put(a, o, "text_en", json_string(r->text_en));
    put(a, o, "layers", layers);
    for (size_t l = 0; l < a->nl; l++) {
        rule_cell_get(a, q, l, &rc[l]);
        json_t *lo = layer_head(a, l, !a->layer_ok[l]);
        push(a, layers, lo);
        if (lo && a->layer_ok[l]) put(a, lo, "rating", rule_cell_json(a, &rc[l]));
    }
    put(a, o, "conflicts", rule_conflicts_json(a, rc));
    return o;
}

static json_t *rules_json(analysis *a)
{
    json_t *arr = json_array();
    for (size_t q = 0; arr && q < a->w->n_rules; q++)
        push(a, arr, rule_json(a, q));
    return arr;
}

/* ------------------------------------------------------------------------ */
/* The whole result                                                         */
/* ------------------------------------------------------------------------ */

static json_t *chain_json(analysis *a, int suppressed_only)
{
    json_t *arr = json_array();
    for (size_t l = 0; arr && l < a->nl; l++)
        if (!suppressed_only || !a->layer_ok[l]) push(a, arr, json_string(a->in->layers[l].key));
    return arr;
}

static json_t *copy_or_null(json_t *v)
{
    return v ? json_deep_copy(v) : json_null();
}

static json_t *result_json(analysis *a, json_t *wave, json_t *response)
{
    json_t *o = json_object();
    if (!o) return NULL;
    put(a, o, "method", json_integer(ANALYSIS_METHOD));
    put(a, o, "wave", copy_or_null(wave));
    put(a, o, "chain", chain_json(a, 0));
    put(a, o, "min_group_size", jsize(a->k));
    put(a, o, "suppressed_layers", chain_json(a, 1));
    put(a, o, "response", copy_or_null(response));
    put(a, o, "themes", themes_json(a));
    put(a, o, "domains", domains_json(a));
    put(a, o, "cells", cells_json(a));
    put(a, o, "items", items_json(a));
    put(a, o, "rules", rules_json(a));
    put(a, o, "trend", json_array());
    put(a, o, "benchmark", json_array());
    for (int v = 0; v < N_LEVELS; v++)
        for (int m = 0; m < MEASURE_COUNT; m++)
            family_apply(a, &a->fam[v][m]);
    return o;
}

/* ------------------------------------------------------------------------ */
/* Entry point                                                              */
/* ------------------------------------------------------------------------ */

static int check_keys(const wave_data *w, tm_error *err)
{
    for (size_t i = 0; w->intended && i < w->in->n_items; i++) {
        const tm_item *it = &w->in->items[i];
        int k = w->intended[i];
        if (k < 0) continue;
        if (it->type != ITEM_INTENT)
            return tm_error_set(err, 500,
                                "the wave sets a key for item \"%s\", which is not an "
                                "intent item",
                                it->key);
        if ((size_t)k >= it->n_options)
            return tm_error_set(err, 500, "the wave's key for item \"%s\" is option %d of %zu",
                                it->key, k + 1, it->n_options);
    }
    return 0;
}

static int check_rules(const wave_data *w, tm_error *err)
{
    if (!w->n_rules) return 0;
    if (!w->rules || (w->n && !w->rule_answers))
        return tm_error_set(err, 500, "the analysis needs the %zu rules and their ratings",
                            w->n_rules);
    for (size_t q = 0; q < w->n_rules; q++) {
        if (!w->rules[q].key) return tm_error_set(err, 500, "rule %zu has no key", q + 1);
        for (size_t p = 0; p < q; p++)
            if (!strcmp(w->rules[p].key, w->rules[q].key))
                return tm_error_set(err, 500, "rule \"%s\" is listed twice", w->rules[q].key);
    }
    return 0;
}

static int check_input(const wave_data *w, tm_error *err)
{
    if (!w || !w->in) return tm_error_set(err, 500, "the analysis needs a wave and its instrument");
    if (w->n && (!w->layer || (!w->scores && w->in->n_items)))
        return tm_error_set(err, 500, "the analysis needs the layers and scores of %zu responses",
                            w->n);
    if (w->min_group_size < 3)
        return tm_error_set(err, 422, "min_group_size is %d; it must be at least 3",
                            w->min_group_size);
    if (w->in->n_layers == 0 || w->in->n_layers > MAX_LAYERS)
        return tm_error_set(err, 500, "the instrument has %zu layers; 1 to %d are supported",
                            w->in->n_layers, MAX_LAYERS);
    for (size_t i = 0; i < w->in->n_items; i++)
        if (instrument_item_scored(&w->in->items[i]) && item_top(&w->in->items[i]) > 62)
            return tm_error_set(err, 500, "item \"%s\" has more answer codes than supported",
                                w->in->items[i].key);
    return check_keys(w, err) || check_rules(w, err) ? -1 : 0;
}

json_t *analysis_run(const wave_data *w, json_t *wave, json_t *response, tm_error *err)
{
    if (check_input(w, err)) return NULL;
    analysis a;
    json_t *result = NULL;
    if (analysis_init(&a, w)) {
        tm_error_set(err, 500, "out of memory preparing the analysis");
        goto done;
    }
    if (count_pass(&a, err)) goto done;
    plan_aggregates(&a);
    score_pass(&a);
    result = result_json(&a, wave, response);
    if (!result || a.oom) {
        json_decref(result);
        result = NULL;
        tm_error_set(err, 500, "out of memory writing the analysis");
    }
done:
    analysis_free(&a);
    return result;
}
