/* analysis.c - the gap analysis of one wave (see analysis.h for the JSON and
 * the decisions; reports/analysis_compare.c adds trend and benchmark).
 *
 * How it runs
 * -----------
 * 1. Plan (from the instrument only): for every layer the list of scored
 *    items asked to it, each with its column, its measure, a table of
 *    normalised values and the groups it feeds (theme, domain, theme x
 *    domain); per group x layer x measure the half-answered threshold
 *    ceil(|items|/2) (0: no items of that kind, the measure is absent).
 * 2. Count pass over the score matrix: respondents per layer and, per item
 *    x layer, the count of every answer code ("bins"). Item statistics come
 *    from these bins (exact counts; mean and M2 by two passes over the bins),
 *    and so does the "top-layer" intent resolution, which must be known
 *    before any knowledge score can be computed.
 * 3. Score pass: per respondent the sums and counts of normalised answers
 *    per group (small arrays reused for every respondent), then one
 *    stats_acc per group x layer x measure gets the respondent's mean when
 *    the half-answered rule is met.
 * 4. JSON: every group and item becomes a "unit" (per measure and layer a
 *    cell: absent, layer suppressed, too small, or usable with its summary),
 *    from which layers, gaps, ANOVA, carry, links and thermometer are
 *    written. Gaps are registered in their Holm family; p_holm is filled in
 *    once every family is complete.
 *
 * Memory does not depend on the number of respondents beyond the caller's
 * matrix: bins, accumulators and scratch are sized by the instrument.
 */
#include "reports/analysis/analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/answers.h"
#include "reports/analysis/stats.h"

enum { M_SCORE, M_KNOW, N_MEASURES };
static const char *const measure_key[N_MEASURES] = {"score", "knowledge"};

enum { LV_THEME, LV_DOMAIN, LV_CELL, LV_ITEM, N_LEVELS };

#define NO_GROUP UINT32_MAX
#define MAX_LAYERS INSTRUMENT_MAX_LAYERS

/* A scored item as seen by one layer. */
typedef struct plan_item {
    uint32_t ord;       /* item ordinal: column in the score matrix */
    uint32_t bins;      /* offset of this item x layer's bins in analysis.bins */
    uint32_t groups[3]; /* theme, domain, theme x domain (NO_GROUP: none) */
    int16_t top;        /* highest valid code: points, or option count */
    int16_t correct;    /* intent: the correct code (option index + 1); 0: none */
    uint8_t measure;    /* M_SCORE or M_KNOW */
    const double *norm; /* M_SCORE: norm[v] is the 0-100 value of code v */
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
    int *resolved;      /* per item: correct option index, -1 none */
    int *resolved_from; /* per item: layer a top-layer intent came from, -1 */
    unsigned *thr;      /* (g * nl + l) * 2 + m: threshold, 0 = absent */
    stats_acc *acc;     /* same index */
    uint32_t *active;   /* per layer: groups with any item for it */
    size_t active_off[MAX_LAYERS + 1];
    double *sum; /* scratch per group x measure */
    unsigned *cnt;
    family fam[N_LEVELS][N_MEASURES];
    int oom;
} analysis;

/* ------------------------------------------------------------------------ */
/* JSON helpers: every failed allocation sets a->oom, checked at the end    */
/* ------------------------------------------------------------------------ */

/* A finite number as a JSON real; NaN and infinities as null. */
static json_t *jnum(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

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

/* [lo, hi], or null when either end is not finite. */
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
        put(a, f->gap[i], "p_holm", jnum(adj[i]));
    free(adj);
}

/* ------------------------------------------------------------------------ */
/* Setup: the plan                                                          */
/* ------------------------------------------------------------------------ */

static int item_measure(const tm_item *it)
{
    return it->type == ITEM_INTENT ? M_KNOW : M_SCORE;
}

/* Highest valid score code of a scored item. */
static int item_top(const tm_item *it)
{
    return it->type == ITEM_INTENT ? (int)it->n_options : it->points;
}

static size_t idx3(const analysis *a, size_t g, size_t l, int m)
{
    return (g * a->nl + l) * N_MEASURES + (size_t)m;
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

/* Offsets of bins and norm tables, and the norm tables themselves. */
static int setup_items(analysis *a)
{
    const instrument *in = a->in;
    size_t nb = 0, nn = 0;
    a->bins_base = malloc((in->n_items + 1) * sizeof *a->bins_base);
    a->norm_base = malloc((in->n_items + 1) * sizeof *a->norm_base);
    a->resolved = malloc((in->n_items + 1) * sizeof *a->resolved);
    a->resolved_from = malloc((in->n_items + 1) * sizeof *a->resolved_from);
    if (!a->bins_base || !a->norm_base || !a->resolved || !a->resolved_from) return -1;
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        a->bins_base[i] = a->norm_base[i] = NO_GROUP;
        a->resolved[i] = it->type == ITEM_INTENT && it->intended >= 0 ? it->intended : -1;
        a->resolved_from[i] = -1;
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
            t[v] = it->type == ITEM_GRADE ? stats_grade_normalise(v)
                                          : stats_likert_normalise(v, (unsigned)it->points);
    }
    return 0;
}

/* Per layer the scored items asked to it; the thresholds per group. */
static int setup_plan(analysis *a)
{
    const instrument *in = a->in;
    size_t total = 0;
    for (size_t l = 0; l < a->nl; l++)
        for (size_t i = 0; i < in->n_items; i++)
            total += instrument_item_scored(&in->items[i]) &&
                     instrument_item_asked(&in->items[i], (int)l);
    a->plan = calloc(total + 1, sizeof *a->plan);
    unsigned *count = calloc(a->ng * a->nl * N_MEASURES + 1, sizeof *count);
    a->thr = count;
    if (!a->plan || !count) return -1;
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
            item_groups(a, it, pi->groups);
            for (int j = 0; j < 3; j++)
                if (pi->groups[j] != NO_GROUP) count[idx3(a, pi->groups[j], l, pi->measure)]++;
        }
    }
    a->plan_off[a->nl] = p;
    for (size_t i = 0; i < a->ng * a->nl * N_MEASURES; i++)
        count[i] = (count[i] + 1) / 2;
    return 0;
}

/* Per layer the groups that have any item for it (reset after each
 * respondent). */
static int setup_active(analysis *a)
{
    a->active = malloc((a->ng * a->nl + 1) * sizeof *a->active);
    if (!a->active) return -1;
    size_t p = 0;
    for (size_t l = 0; l < a->nl; l++) {
        a->active_off[l] = p;
        for (size_t g = 0; g < a->ng; g++)
            if (a->thr[idx3(a, g, l, M_SCORE)] || a->thr[idx3(a, g, l, M_KNOW)])
                a->active[p++] = (uint32_t)g;
    }
    a->active_off[a->nl] = p;
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
    size_t cells = a->ng * a->nl * N_MEASURES + 1;
    a->acc = calloc(cells, sizeof *a->acc);
    a->sum = calloc(a->ng * N_MEASURES + 1, sizeof *a->sum);
    a->cnt = calloc(a->ng * N_MEASURES + 1, sizeof *a->cnt);
    if (!a->acc || !a->sum || !a->cnt) return -1;
    return setup_items(a) || setup_plan(a) || setup_active(a) ? -1 : 0;
}

static void analysis_free(analysis *a)
{
    free(a->plan);
    free(a->bins_base);
    free(a->bins);
    free(a->norm);
    free(a->norm_base);
    free(a->resolved);
    free(a->resolved_from);
    free(a->thr);
    free(a->acc);
    free(a->active);
    free(a->sum);
    free(a->cnt);
    for (int v = 0; v < N_LEVELS; v++)
        for (int m = 0; m < N_MEASURES; m++) {
            free(a->fam[v][m].gap);
            free(a->fam[v][m].p);
        }
}

/* ------------------------------------------------------------------------ */
/* Pass 1: respondents per layer and answer counts per item x layer         */
/* ------------------------------------------------------------------------ */

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
    }
    for (size_t l = 0; l < a->nl; l++)
        a->layer_ok[l] = a->layer_n[l] >= a->k;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* "top-layer" intents                                                      */
/* ------------------------------------------------------------------------ */

static const size_t *item_bins(const analysis *a, size_t i, size_t l)
{
    size_t width = (size_t)item_top(&a->in->items[i]) + 1;
    return a->bins + a->bins_base[i] + l * width;
}

/* Modal option of item i in layer l (index), -1 when the layer does not
 * qualify (see analysis.h). */
static int layer_mode(const analysis *a, size_t i, size_t l)
{
    const tm_item *it = &a->in->items[i];
    if (!a->layer_ok[l] || !instrument_item_asked(it, (int)l)) return -1;
    const size_t *b = item_bins(a, i, l);
    size_t answered = b[0], best = 0;
    int mode = -1;
    for (size_t o = 1; o <= it->n_options; o++) {
        answered += b[o];
        if (b[o] > best) {
            best = b[o];
            mode = (int)o - 1;
        }
    }
    return answered >= a->k ? mode : -1;
}

static void resolve_intents(analysis *a)
{
    for (size_t i = 0; i < a->in->n_items; i++) {
        if (a->in->items[i].intended != INTENDED_TOP_LAYER) continue;
        for (size_t l = 0; l < a->nl && a->resolved[i] < 0; l++) {
            a->resolved[i] = layer_mode(a, i, l);
            if (a->resolved[i] >= 0) a->resolved_from[i] = (int)l;
        }
    }
    for (size_t p = 0; p < a->plan_off[a->nl]; p++)
        a->plan[p].correct = (int16_t)(a->resolved[a->plan[p].ord] + 1);
}

/* ------------------------------------------------------------------------ */
/* Pass 2: respondent scores per group                                      */
/* ------------------------------------------------------------------------ */

static void add_answer(analysis *a, const plan_item *p, int v)
{
    double x;
    if (p->measure == M_SCORE) {
        if (v == SCORE_DONT_KNOW) return;
        x = p->norm[v];
    } else {
        x = v == p->correct ? 100.0 : 0.0;
    }
    for (int j = 0; j < 3; j++) {
        uint32_t g = p->groups[j];
        if (g == NO_GROUP) continue;
        a->sum[g * N_MEASURES + p->measure] += x;
        a->cnt[g * N_MEASURES + p->measure]++;
    }
}

/* Feeds the respondent's group means to the accumulators and clears the
 * scratch of the groups active in layer l. */
static void flush_respondent(analysis *a, size_t l)
{
    for (size_t q = a->active_off[l]; q < a->active_off[l + 1]; q++) {
        size_t g = a->active[q];
        for (int m = 0; m < N_MEASURES; m++) {
            size_t s = g * N_MEASURES + (size_t)m, c = idx3(a, g, l, m);
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
    stats_summary s;
} cell;

typedef struct unit {
    int present[N_MEASURES]; /* items of that kind asked to some layer */
    cell c[N_MEASURES][MAX_LAYERS];
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
}

static void unit_from_group(const analysis *a, size_t g, unit *u)
{
    memset(u, 0, sizeof *u);
    for (int m = 0; m < N_MEASURES; m++)
        for (size_t l = 0; l < a->nl; l++) {
            cell *c = &u->c[m][l];
            size_t i = idx3(a, g, l, m);
            if (!a->thr[i]) continue;
            u->present[m] = 1;
            c->acc = a->acc[i];
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

static void unit_from_item(const analysis *a, size_t i, unit *u)
{
    const tm_item *it = &a->in->items[i];
    int m = item_measure(it), top = item_top(it);
    double val[64];
    item_values(a, i, val);
    memset(u, 0, sizeof *u);
    for (size_t l = 0; l < a->nl; l++) {
        if (!instrument_item_asked(it, (int)l)) continue;
        u->present[m] = 1;
        cell *c = &u->c[m][l];
        bins_moments(item_bins(a, i, l), val, m == M_KNOW ? 0 : 1, top, &c->acc);
        cell_finish(a, c, l);
    }
}

static int usable(const unit *u, int m, size_t l)
{
    return u->c[m][l].state == CELL_OK;
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

/* CELL of analysis.h; NULL only when memory ran out. */
static json_t *cell_json(analysis *a, const cell *c)
{
    if (c->state == CELL_ABSENT) return json_null();
    json_t *o = json_object();
    if (!o) return NULL;
    if (c->state != CELL_OK) {
        put(a, o, "suppressed", json_true());
        return o;
    }
    put(a, o, "n", jsize(c->s.n));
    put(a, o, "mean", jnum(c->s.mean));
    put(a, o, "sd", jnum(c->s.sd));
    put(a, o, "ci95", jinterval(c->s.ci95_low, c->s.ci95_high));
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
        for (int m = 0; m < N_MEASURES; m++)
            put(a, o, measure_key[m], cell_json(a, &u->c[m][l]));
        double pg = usable(u, M_SCORE, l) && usable(u, M_KNOW, l)
                        ? u->c[M_SCORE][l].s.mean - u->c[M_KNOW][l].s.mean
                        : NAN;
        put(a, o, "perception_gap", jnum(pg));
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
    put(a, o, "mean_raw", jnum(s.mean));
    if (it->type == ITEM_LIKERT)
        put(a, o, "rwg", jnum(stats_rwg_compute(s.n, s.sd, (unsigned)it->points)));
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
        json_t *cj = cell_json(a, c);
        if (cj && c->state == CELL_OK) item_cell_extra(a, i, l, cj);
        put(a, o, measure_key[m], cj);
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
    put(a, o, "measure", json_string(measure_key[m]));
    put(a, o, "from", json_string(a->in->layers[up].key));
    put(a, o, "to", json_string(a->in->layers[lo].key));
    put(a, o, "adjacent", json_boolean(adjacent));
    put(a, o, "diff", jnum(w.diff));
    put(a, o, "t", jnum(w.t));
    put(a, o, "df", jnum(w.df));
    put(a, o, "p", jnum(w.p));
    put(a, o, "p_holm", json_null()); /* filled in by family_apply() */
    put(a, o, "g", jnum(w.g));
    put(a, o, "ci95", jinterval(w.ci95_low, w.ci95_high));
    if (isfinite(w.p) && family_add(fam, o, w.p)) a->oom = 1;
}

/* The gaps of a unit, both measures; registered in fams[measure]. */
static json_t *gaps_json(analysis *a, const unit *u, family *fams)
{
    json_t *gaps = json_array();
    if (!gaps) return NULL;
    for (int m = 0; m < N_MEASURES; m++) {
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
    for (int m = 0; m < N_MEASURES; m++) {
        size_t ul[MAX_LAYERS], n = usable_layers(a, u, m, ul);
        if (n < 2) {
            put(a, o, measure_key[m], json_null());
            continue;
        }
        stats_acc g[MAX_LAYERS];
        for (size_t i = 0; i < n; i++)
            g[i] = u->c[m][ul[i]].acc;
        stats_anova an;
        stats_anova_from_accs(g, n, &an);
        json_t *e = json_object();
        put(a, o, measure_key[m], e);
        if (!e) continue;
        put(a, e, "f", jnum(an.f));
        put(a, e, "df1", jcount(an.df1));
        put(a, e, "df2", jcount(an.df2));
        put(a, e, "p", jnum(an.p));
        put(a, e, "eta2", jnum(an.eta2));
    }
    return o;
}

/* The measure carry, links and thermometer are computed on. */
static int carry_measure(const analysis *a, const unit *u)
{
    size_t ul[MAX_LAYERS];
    if (u->present[M_KNOW] && usable_layers(a, u, M_KNOW, ul) >= 2) return M_KNOW;
    return u->present[M_SCORE] ? M_SCORE : M_KNOW;
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
        put(a, o, "ratio", jnum(ratio(u->c[m][ul[i + 1]].s.mean, u->c[m][ul[i]].s.mean)));
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
    put(a, o, "temperature", jnum(t.temperature));
    put(a, o, "grade", jnum(t.grade));
    const char *band = stats_band_key(t.band);
    put(a, o, "band", band ? json_string(band) : json_null());
    put(a, o, "level", jnum(t.level));
    put(a, o, "spread", jnum(t.spread));
    return o;
}

/* carry, carry_measure, links and thermometer into o. */
static void carry_json(analysis *a, const unit *u, json_t *o)
{
    int m = carry_measure(a, u);
    size_t ul[MAX_LAYERS], n = usable_layers(a, u, m, ul);
    double carry = n >= 2 ? 100.0 * ratio(u->c[m][ul[n - 1]].s.mean, u->c[m][ul[0]].s.mean) : NAN;
    put(a, o, "carry", jnum(carry));
    put(a, o, "carry_measure", json_string(measure_key[m]));
    put(a, o, "links", links_json(a, u, m, ul, n));
    put(a, o, "thermometer", thermometer_json(a, u, m, ul, n));
}

/* ------------------------------------------------------------------------ */
/* Themes, domains, cells, items                                            */
/* ------------------------------------------------------------------------ */

/* A theme or domain: GROUP of analysis.h, keyed by kind. */
static json_t *group_json(analysis *a, size_t g, const char *kind, const char *key, family *fams)
{
    unit u;
    unit_from_group(a, g, &u);
    json_t *o = json_object();
    if (!o) return NULL;
    put(a, o, kind, json_string(key));
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
    if (!u.present[M_SCORE] && !u.present[M_KNOW]) return NULL;
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

static json_t *opt_key(const tm_item *it, int option)
{
    return option >= 0 ? json_string(it->options[option].key) : json_null();
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
    put(a, o, "theme", it->theme >= 0 ? json_string(a->in->themes[it->theme].key) : json_null());
    put(a, o, "domain",
        it->domain >= 0 ? json_string(a->in->domains[it->domain].key) : json_null());
    put(a, o, "measure", json_string(measure_key[item_measure(it)]));
    if (it->type == ITEM_INTENT) put(a, o, "intended", opt_key(it, a->resolved[i]));
    if (it->intended == INTENDED_TOP_LAYER) {
        int l = a->resolved_from[i];
        put(a, o, "intended_layer", l >= 0 ? json_string(a->in->layers[l].key) : json_null());
    }
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
    put(a, o, "wave", copy_or_null(wave));
    put(a, o, "chain", chain_json(a, 0));
    put(a, o, "min_group_size", jsize(a->k));
    put(a, o, "suppressed_layers", chain_json(a, 1));
    put(a, o, "response", copy_or_null(response));
    put(a, o, "themes", themes_json(a));
    put(a, o, "domains", domains_json(a));
    put(a, o, "cells", cells_json(a));
    put(a, o, "items", items_json(a));
    put(a, o, "trend", json_array());
    put(a, o, "benchmark", json_array());
    for (int v = 0; v < N_LEVELS; v++)
        for (int m = 0; m < N_MEASURES; m++)
            family_apply(a, &a->fam[v][m]);
    return o;
}

/* ------------------------------------------------------------------------ */
/* Entry point                                                              */
/* ------------------------------------------------------------------------ */

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
    return 0;
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
    resolve_intents(&a);
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
