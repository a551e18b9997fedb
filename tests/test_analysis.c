/* test_analysis.c -- Criterion tests for reports/analysis.{h,c} and
 * reports/analysis_compare.c: the values a user of the analysis JSON sees.
 *
 * Where the expected numbers come from
 * ------------------------------------
 * The hand-built wave (hand_wave() below, on the "mini" instrument: layers
 * bestuur, management, uitvoering; one theme, one domain; likert q1, q2;
 * intent k1 (a/b/c, intended a) and k2 (a/b/c, intended "top-layer");
 * k = 3) is small enough to check with pencil and paper:
 *
 *   respondent scores (score = mean of the normalised likert answers,
 *   100*(x-1)/4; knowledge = mean of 100*correct over k1, k2; k2 resolves to
 *   "a", the mode of bestuur's a, a, b, a):
 *     bestuur     score 100, 87.5, 75, 75      knowledge 100, 100, 50, 50
 *     management  score 75, 62.5, 62.5, 37.5, 50  knowledge 100, 50, 50, 50, 50
 *     uitvoering  score 50, 37.5, 37.5, 12.5   knowledge 50, 50, 0, 50
 *   e.g. bestuur score mean = (100 + 87.5 + 75 + 75) / 4 = 84.375,
 *   sd = sqrt(((15.625)^2 + 3.125^2 + 2 * 9.375^2) / 3) = 11.967838846954226,
 *   ci95 = 84.375 -/+ t(0.975, 3) * sd / 2 with t(0.975, 3) = 3.182 in any
 *   Student t table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2), to 17 digits
 *   3.1824463052837096.
 *
 * Every expected number of that wave was then computed independently by
 * tests/fixtures/analysis_reference.py: python3 + mpmath 1.3.0 at 40 digits,
 * straight from the formulas of docs/gap-analysis.md (Welch t, df and
 * two-sided p via the regularised incomplete beta function, t quantile by
 * root finding, Hedges g, Holm, ANOVA F tail), without GSL or stats.c. The
 * values below are that script's output, quoted with 17 digits.
 *
 * Tolerances: TOL_ARITH (1e-13) for plain arithmetic on a handful of values,
 * TOL_GSL (1e-10) for anything through a GSL cdf or quantile (p, ci95): GSL
 * is accurate to ~1e-15 there, so these only leave room for rounding.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reports/analysis/analysis.h"
#include "core/answers.h"
#include "core/instrument.h"

#define TOL_ARITH 1e-13
#define TOL_GSL 1e-10
#define REAL_INSTRUMENT "survey-defs/thermometer-sociaal-domein.json"

#define ASSERT_REL(actual, expected, tol, what)                                                    \
    do {                                                                                           \
        double a_ = (actual), e_ = (expected);                                                     \
        double err_ = e_ == 0.0 ? fabs(a_) : fabs(a_ - e_) / fabs(e_);                             \
        cr_assert(err_ <= (tol), "%s: got %.17g, expected %.17g (rel err %.3g)", (what), a_, e_,   \
                  err_);                                                                           \
    } while (0)

/* ------------------------------------------------------------------------ */
/* Instruments                                                              */
/* ------------------------------------------------------------------------ */

/* One item of the mini instrument: theme eigen-kracht, domain effecten.
 * intended != NULL makes an intent item with options a, b, c. layers: NULL
 * (all) or a JSON array text. */
static json_t *item_def(const char *key, const char *intended, const char *layers)
{
    json_t *it = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "key", key, "type",
                           intended ? "intent" : "likert", "theme", "eigen-kracht", "domain",
                           "effecten", "text", "nl", key, "en", key);
    cr_assert(it);
    if (intended) {
        json_object_set_new(it, "intended", json_string(intended));
        json_object_set_new(it, "options",
                            json_pack("[{s:s, s:{s:s, s:s}}, {s:s, s:{s:s, s:s}}, "
                                      "{s:s, s:{s:s, s:s}}]",
                                      "key", "a", "label", "nl", "A", "en", "A", "key", "b",
                                      "label", "nl", "B", "en", "B", "key", "c", "label", "nl", "C",
                                      "en", "C"));
    }
    if (layers) json_object_set_new(it, "layers", json_loads(layers, 0, NULL));
    return it;
}

static json_t *named(const char *key)
{
    return json_pack("{s:s, s:{s:s, s:s}}", "key", key, "label", "nl", key, "en", key);
}

/* The mini instrument with the given items (stolen): layers bestuur,
 * management, uitvoering; theme eigen-kracht; domain effecten. */
static instrument *mini_instrument(json_t *items)
{
    json_t *def = json_pack("{s:s, s:s, s:{s:s, s:s}, s:[o,o,o], s:[o], s:[o], s:o}", "key", "mini",
                            "version", "1", "title", "nl", "Mini", "en", "Mini", "layers",
                            named("bestuur"), named("management"), named("uitvoering"), "domains",
                            named("effecten"), "themes", named("eigen-kracht"), "items", items);
    cr_assert(def);
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load(def, &err);
    if (!in) {
        char *d = err.details ? json_dumps(err.details, 0) : NULL;
        cr_log_error("instrument: %s %s", err.message, d ? d : "");
        free(d);
    }
    cr_assert(in, "mini instrument does not load");
    json_decref(def);
    tm_error_clear(&err);
    return in;
}

/* q1, q2 likert; k1 intent (intended a); k2 intent (top-layer). */
static instrument *hand_instrument(void)
{
    return mini_instrument(json_pack("[o,o,o,o]", item_def("q1", NULL, NULL),
                                     item_def("q2", NULL, NULL), item_def("k1", "a", NULL),
                                     item_def("k2", "top-layer", NULL)));
}

static instrument *real_instrument(void)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(REAL_INSTRUMENT, &err);
    cr_assert(in, "%s: %s", REAL_INSTRUMENT, err.message);
    return in;
}

/* ------------------------------------------------------------------------ */
/* Waves                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct rows {
    const instrument *in;
    size_t n, cap;
    uint8_t *layer;
    int16_t *scores;
} rows;

static void rows_init(rows *w, const instrument *in)
{
    memset(w, 0, sizeof *w);
    w->in = in;
}

static void rows_free(rows *w)
{
    free(w->layer);
    free(w->scores);
}

static int16_t *rows_new(rows *w, int layer)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 16;
        w->layer = realloc(w->layer, w->cap);
        w->scores = realloc(w->scores, w->cap * w->in->n_items * sizeof *w->scores);
        cr_assert(w->layer && w->scores);
    }
    int16_t *row = w->scores + w->n * w->in->n_items;
    memset(row, 0, w->in->n_items * sizeof *row);
    w->layer[w->n++] = (uint8_t)layer;
    return row;
}

/* One response of layer (key): one token per item in instrument order:
 * a number (likert/grade value), a letter (option a, b, c...), "?" ("weet
 * niet") or "-" (unanswered). */
static void row_add(rows *w, const char *layer, const char *answers)
{
    int l = instrument_layer_index(w->in, layer);
    cr_assert(l >= 0, "no layer %s", layer);
    int16_t *row = rows_new(w, l);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", answers);
    size_t i = 0;
    for (char *save, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save), i++) {
        cr_assert(i < w->in->n_items, "too many answers in \"%s\"", answers);
        if (!strcmp(t, "?"))
            row[i] = SCORE_DONT_KNOW;
        else if (!strcmp(t, "-"))
            row[i] = SCORE_UNANSWERED;
        else if (*t >= 'a' && *t <= 'z')
            row[i] = (int16_t)(*t - 'a' + 1);
        else
            row[i] = (int16_t)atoi(t);
    }
    cr_assert(i == w->in->n_items, "%zu answers in \"%s\"", i, answers);
}

/* json_dumps must succeed, and outside strings the only words may be true,
 * false and null: no NaN, nan, inf or Infinity anywhere. */
static void assert_dumpable(json_t *an)
{
    char *s = json_dumps(an, 0);
    cr_assert(s, "json_dumps failed");
    for (const char *p = s; *p; p++) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1]) p++;
            continue;
        }
        if (!isalpha((unsigned char)*p)) continue;
        if ((*p == 'e' || *p == 'E') && p > s && isdigit((unsigned char)p[-1])) continue;
        size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
        int ok = (len == 4 && (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))) ||
                 (len == 5 && !strncmp(p, "false", 5));
        cr_assert(ok, "non-JSON word in the output: %.*s", (int)len, p);
        p += len - 1;
    }
    free(s);
}

static json_t *run(const rows *w, int k)
{
    wave_data wd = {w->in, w->n, w->layer, w->scores, k};
    tm_error err = TM_ERROR_INIT;
    json_t *wave = json_pack("{s:i, s:s}", "id", 1, "name", "test");
    json_t *an = analysis_run(&wd, wave, NULL, &err);
    json_decref(wave);
    cr_assert(an, "analysis_run failed: %s", err.message);
    assert_dumpable(an);
    return an;
}

/* The wave of the header comment. */
static void hand_wave(rows *w)
{
    row_add(w, "bestuur", "5 5 a a");
    row_add(w, "bestuur", "5 4 a a");
    row_add(w, "bestuur", "4 4 a b");
    row_add(w, "bestuur", "4 ? b a");
    row_add(w, "management", "4 4 a a");
    row_add(w, "management", "3 4 a b");
    row_add(w, "management", "4 3 b a");
    row_add(w, "management", "2 3 a ?");
    row_add(w, "management", "3 ? c a");
    row_add(w, "uitvoering", "3 3 a b");
    row_add(w, "uitvoering", "2 3 a ?");
    row_add(w, "uitvoering", "3 2 ? b");
    row_add(w, "uitvoering", "1 2 c a");
}

/* ------------------------------------------------------------------------ */
/* JSON access                                                              */
/* ------------------------------------------------------------------------ */

static json_t *find(json_t *arr, const char *field, const char *key)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        const char *k = json_string_value(json_object_get(e, field));
        if (k && !strcmp(k, key)) return e;
    }
    cr_assert_fail("no element with %s = %s", field, key);
    return NULL;
}

/* level "themes"/"domains"/"items"; field "theme"/"domain"/"item". */
static json_t *unit_of(json_t *an, const char *level, const char *field, const char *key)
{
    return find(json_object_get(an, level), field, key);
}

static json_t *layer_of(json_t *unit, const char *layer)
{
    return find(json_object_get(unit, "layers"), "layer", layer);
}

static json_t *cell_of(json_t *unit, const char *layer, const char *measure)
{
    return json_object_get(layer_of(unit, layer), measure);
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_number(v), "\"%s\" is not a number", key);
    return json_number_value(v);
}

static double ci(json_t *o, size_t i)
{
    json_t *v = json_array_get(json_object_get(o, "ci95"), i);
    cr_assert(json_is_number(v), "ci95[%zu] is not a number", i);
    return json_number_value(v);
}

static json_t *gap_of(json_t *unit, const char *measure, const char *from, const char *to)
{
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(unit, "gaps"), i, g)
    {
        if (!strcmp(json_string_value(json_object_get(g, "measure")), measure) &&
            !strcmp(json_string_value(json_object_get(g, "from")), from) &&
            !strcmp(json_string_value(json_object_get(g, "to")), to))
            return g;
    }
    cr_assert_fail("no %s gap %s -> %s", measure, from, to);
    return NULL;
}

static size_t count_gaps(json_t *unit, const char *measure)
{
    size_t i, n = 0;
    json_t *g;
    json_array_foreach(json_object_get(unit, "gaps"), i, g) n +=
        !strcmp(json_string_value(json_object_get(g, "measure")), measure);
    return n;
}

static int is_suppressed_cell(json_t *c)
{
    return json_is_object(c) && json_object_size(c) == 1 &&
           json_is_true(json_object_get(c, "suppressed"));
}

typedef struct cell_expect {
    const char *layer, *measure;
    double n, mean, sd, lo, hi;
} cell_expect;

static void assert_cell(json_t *unit, const cell_expect *e)
{
    json_t *c = cell_of(unit, e->layer, e->measure);
    char what[128];
    snprintf(what, sizeof what, "%s %s", e->layer, e->measure);
    cr_assert(json_is_object(c), "%s: no statistics", what);
    ASSERT_REL(num(c, "n"), e->n, 0, what);
    ASSERT_REL(num(c, "mean"), e->mean, TOL_ARITH, what);
    ASSERT_REL(num(c, "sd"), e->sd, TOL_ARITH, what);
    ASSERT_REL(ci(c, 0), e->lo, TOL_GSL, what);
    ASSERT_REL(ci(c, 1), e->hi, TOL_GSL, what);
}

typedef struct gap_expect {
    const char *measure, *from, *to;
    double diff, t, df, p, g, lo, hi, p_holm;
} gap_expect;

static void assert_gap(json_t *unit, const gap_expect *e)
{
    json_t *g = gap_of(unit, e->measure, e->from, e->to);
    char what[128];
    snprintf(what, sizeof what, "%s gap %s -> %s", e->measure, e->from, e->to);
    ASSERT_REL(num(g, "diff"), e->diff, TOL_ARITH, what);
    ASSERT_REL(num(g, "t"), e->t, TOL_ARITH, what);
    ASSERT_REL(num(g, "df"), e->df, TOL_ARITH, what);
    ASSERT_REL(num(g, "p"), e->p, TOL_GSL, what);
    ASSERT_REL(num(g, "g"), e->g, TOL_ARITH, what);
    if (!isnan(e->lo)) {
        ASSERT_REL(ci(g, 0), e->lo, TOL_GSL, what);
        ASSERT_REL(ci(g, 1), e->hi, TOL_GSL, what);
    }
    ASSERT_REL(num(g, "p_holm"), e->p_holm, TOL_GSL, what);
}

/* ------------------------------------------------------------------------ */
/* The hand-built wave                                                      */
/* ------------------------------------------------------------------------ */

/* Layer statistics and the perception gap (reference script lines
 * "<layer>.<measure>.*"). */
Test(hand_wave, layer_statistics)
{
    instrument *in = hand_instrument();
    rows w;
    rows_init(&w, in);
    hand_wave(&w);
    json_t *an = run(&w, 3);
    json_t *th = unit_of(an, "themes", "theme", "eigen-kracht");
    static const cell_expect cells[] = {
        {"bestuur", "score", 4, 84.375, 11.967838846954226, 65.331497739639836, 103.41850226036016},
        {"bestuur", "knowledge", 4, 75.0, 28.867513459481288, 29.065344224073008,
         120.93465577592699},
        {"management", "score", 5, 57.5, 14.252192813739225, 39.803565287721593,
         75.196434712278407},
        {"management", "knowledge", 5, 60.0, 22.360679774997897, 32.235548948022056,
         87.764451051977944},
        {"uitvoering", "score", 4, 34.375, 15.728821740147395, 9.3469346833009172,
         59.403065316699083},
        {"uitvoering", "knowledge", 4, 37.5, 25.0, -2.2805788160463699, 77.28057881604637},
    };
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
        assert_cell(th, &cells[i]);
    /* perception gap = score mean - knowledge mean */
    ASSERT_REL(num(layer_of(th, "bestuur"), "perception_gap"), 9.375, TOL_ARITH, "pg bestuur");
    ASSERT_REL(num(layer_of(th, "management"), "perception_gap"), -2.5, TOL_ARITH, "pg mgmt");
    ASSERT_REL(num(layer_of(th, "uitvoering"), "perception_gap"), -3.125, TOL_ARITH, "pg uitv");
    cr_assert(json_is_false(json_object_get(layer_of(th, "bestuur"), "suppressed")));
    /* the domain has the same items, so the same numbers; so has the cell */
    json_t *dom = unit_of(an, "domains", "domain", "effecten");
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
        assert_cell(dom, &cells[i]);
    json_t *cell = json_array_get(json_object_get(an, "cells"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(cell, "theme")), "eigen-kracht");
    cr_assert_str_eq(json_string_value(json_object_get(cell, "domain")), "effecten");
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
        assert_cell(cell, &cells[i]);
    cr_assert_eq(json_integer_value(json_object_get(an, "min_group_size")), 3);
    cr_assert_eq(json_array_size(json_object_get(an, "suppressed_layers")), 0);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(an, "chain"), 2)),
                     "uitvoering");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(an, "wave"), "name")),
                     "test");
    cr_assert(json_is_array(json_object_get(an, "trend")));
    cr_assert_eq(json_array_size(json_object_get(an, "trend")), 0);
    cr_assert_eq(json_array_size(json_object_get(an, "benchmark")), 0);
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* Welch gaps, Hedges g, ci95 and Holm over the family of 3 theme-level gaps
 * per measure (reference script lines "gap.*"). Holm by hand for score:
 * sorted p 0.00282, 0.01811, 0.06088 -> 3p, 2p, 1p = 0.00847, 0.03622,
 * 0.06088 (already monotone). */
Test(hand_wave, gaps_and_holm)
{
    instrument *in = hand_instrument();
    rows w;
    rows_init(&w, in);
    hand_wave(&w);
    json_t *an = run(&w, 3);
    json_t *th = unit_of(an, "themes", "theme", "eigen-kracht");
    static const gap_expect gaps[] = {
        {"score", "bestuur", "management", 26.875, 3.0740436664714253, 6.9547610557547785,
         0.018110733517424496, 1.7932935776760427, 6.1748481255508725, 47.575151874449128,
         0.036221467034848992},
        {"score", "management", "uitvoering", 23.125, 2.2844149056695535, 6.2220417703334863,
         0.060876478171446263, 1.3792934873427296, -1.4322455051593233, 47.682245505159323,
         0.060876478171446263},
        {"score", "bestuur", "uitvoering", 50.0, 5.0596442562694069, 5.6016597510373444,
         0.0028220045912268698, 3.1110510991301422, 25.396333757125718, 74.603666242874282,
         0.0084660137736806094},
        {"knowledge", "bestuur", "management", 15.0, 0.8542421961772491, 5.6030013642564802,
         0.42797624203039339, 0.52587375849774365, -28.715225012380803, 58.715225012380803,
         0.42797624203039339},
        {"knowledge", "management", "uitvoering", 22.5, 1.4055638569974546, 6.1725826193390453,
         0.20813729277297322, 0.85004743700648279, -16.405755484354206, 61.405755484354206,
         0.41627458554594645},
        {"knowledge", "bestuur", "uitvoering", 37.5, 1.9639610121239314, 5.88, 0.098140307608154274,
         1.2075914344859367, -9.4536020434547207, 84.453602043454721, 0.29442092282446282},
    };
    for (size_t i = 0; i < sizeof gaps / sizeof *gaps; i++)
        assert_gap(th, &gaps[i]);
    cr_assert_eq(json_array_size(json_object_get(th, "gaps")), 6);
    cr_assert(
        json_is_true(json_object_get(gap_of(th, "score", "bestuur", "management"), "adjacent")));
    cr_assert(
        json_is_false(json_object_get(gap_of(th, "score", "bestuur", "uitvoering"), "adjacent")));
    /* domain gaps: same numbers, own family (same composition here) */
    json_t *dom = unit_of(an, "domains", "domain", "effecten");
    for (size_t i = 0; i < sizeof gaps / sizeof *gaps; i++)
        assert_gap(dom, &gaps[i]);
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* ANOVA, carry, links, thermometer ("anova.*", "carry", "link.*",
 * "thermometer.*"). Knowledge means 75, 60, 37.5: carry = 100 * 37.5 / 75 =
 * 50; links 60/75 = 0.8 and 37.5/60 = 0.625; level 57.5, spread 37.5,
 * temperature 57.5 - 18.75 = 38.75, grade 1 + 9 * 0.3875 = 4.4875 -> 4.5,
 * band zorg (< 55). */
Test(hand_wave, anova_carry_thermometer)
{
    instrument *in = hand_instrument();
    rows w;
    rows_init(&w, in);
    hand_wave(&w);
    json_t *an = run(&w, 3);
    json_t *th = unit_of(an, "themes", "theme", "eigen-kracht");
    json_t *as = json_object_get(json_object_get(th, "anova"), "score");
    ASSERT_REL(num(as, "f"), 12.625681405208964, TOL_ARITH, "anova score f");
    ASSERT_REL(num(as, "df1"), 2, 0, "anova score df1");
    ASSERT_REL(num(as, "df2"), 10, 0, "anova score df2");
    ASSERT_REL(num(as, "p"), 0.0018370477419033683, TOL_GSL, "anova score p");
    ASSERT_REL(num(as, "eta2"), 0.71632302405498282, TOL_ARITH, "anova score eta2");
    json_t *ak = json_object_get(json_object_get(th, "anova"), "knowledge");
    ASSERT_REL(num(ak, "f"), 2.2398190045248869, TOL_ARITH, "anova knowledge f");
    ASSERT_REL(num(ak, "p"), 0.15711276683241129, TOL_GSL, "anova knowledge p");
    ASSERT_REL(num(ak, "eta2"), 0.309375, TOL_ARITH, "anova knowledge eta2");

    cr_assert_str_eq(json_string_value(json_object_get(th, "carry_measure")), "knowledge");
    ASSERT_REL(num(th, "carry"), 50.0, TOL_ARITH, "carry");
    json_t *links = json_object_get(th, "links");
    cr_assert_eq(json_array_size(links), 2);
    json_t *l0 = json_array_get(links, 0), *l1 = json_array_get(links, 1);
    cr_assert_str_eq(json_string_value(json_object_get(l0, "from")), "bestuur");
    cr_assert_str_eq(json_string_value(json_object_get(l0, "to")), "management");
    ASSERT_REL(num(l0, "ratio"), 0.8, TOL_ARITH, "link 0");
    cr_assert_str_eq(json_string_value(json_object_get(l1, "to")), "uitvoering");
    ASSERT_REL(num(l1, "ratio"), 0.625, TOL_ARITH, "link 1");

    json_t *t = json_object_get(th, "thermometer");
    ASSERT_REL(num(t, "temperature"), 38.75, TOL_ARITH, "temperature");
    ASSERT_REL(num(t, "grade"), 4.5, TOL_ARITH, "grade");
    cr_assert_str_eq(json_string_value(json_object_get(t, "band")), "zorg");
    ASSERT_REL(num(t, "level"), 57.5, TOL_ARITH, "level");
    ASSERT_REL(num(t, "spread"), 37.5, TOL_ARITH, "spread");
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* Item cells ("item.*"): q1 in management answers 4, 3, 4, 2, 3 ->
 * normalised 75, 50, 75, 25, 50: mean 55, mean_raw 3.2; raw variance 0.7,
 * rwg = 1 - 0.7 / 2 = 0.65. q2 in bestuur: 5, 4, 4 and one "weet niet"
 * (n 3, dont_know 1), rwg = 1 - (1/3) / 2. k1 in uitvoering: a, a, ?, c ->
 * 100, 100, 0, 0 (n 4: "weet niet" is an answer scoring 0). */
Test(hand_wave, items)
{
    instrument *in = hand_instrument();
    rows w;
    rows_init(&w, in);
    hand_wave(&w);
    json_t *an = run(&w, 3);
    json_t *q1 = unit_of(an, "items", "item", "q1");
    cr_assert_str_eq(json_string_value(json_object_get(q1, "measure")), "score");
    cr_assert_str_eq(json_string_value(json_object_get(q1, "type")), "likert");
    cr_assert_null(json_object_get(q1, "intended"));
    cell_expect e1 = {"management",     "score",         5, 55.0, 20.916500663351889,
                      29.0287341579108, 80.9712658420892};
    assert_cell(q1, &e1);
    json_t *c = cell_of(q1, "management", "score");
    ASSERT_REL(num(c, "mean_raw"), 3.2, TOL_ARITH, "q1 mean_raw");
    ASSERT_REL(num(c, "rwg"), 0.65, TOL_ARITH, "q1 rwg");
    ASSERT_REL(num(c, "dont_know"), 0, 0, "q1 dont_know");
    json_t *want = json_pack("{s:i, s:i, s:i, s:i, s:i}", "1", 0, "2", 1, "3", 2, "4", 2, "5", 0);
    cr_assert(json_equal(json_object_get(c, "distribution"), want), "q1 distribution");
    json_decref(want);

    json_t *q2 = unit_of(an, "items", "item", "q2");
    cell_expect e2 = {
        "bestuur",          "score",          3, 83.333333333333333, 14.433756729740644,
        47.477893918754468, 119.1887727479122};
    assert_cell(q2, &e2);
    c = cell_of(q2, "bestuur", "score");
    ASSERT_REL(num(c, "dont_know"), 1, 0, "q2 dont_know");
    ASSERT_REL(num(c, "rwg"), 0.83333333333333333, TOL_ARITH, "q2 rwg");

    json_t *k1 = unit_of(an, "items", "item", "k1");
    cr_assert_str_eq(json_string_value(json_object_get(k1, "measure")), "knowledge");
    cr_assert_str_eq(json_string_value(json_object_get(k1, "intended")), "a");
    cr_assert_null(json_object_get(k1, "intended_layer"));
    cell_expect e3 = {"uitvoering",        "knowledge",       4, 50.0, 57.735026918962576,
                      -41.869311551853983, 141.86931155185398};
    assert_cell(k1, &e3);
    c = cell_of(k1, "uitvoering", "knowledge");
    ASSERT_REL(num(c, "dont_know"), 1, 0, "k1 dont_know");
    cr_assert_null(json_object_get(c, "rwg"));
    cr_assert_null(json_object_get(c, "mean_raw"));
    want = json_pack("{s:i, s:i, s:i}", "a", 2, "b", 0, "c", 1);
    cr_assert(json_equal(json_object_get(c, "distribution"), want), "k1 distribution");
    json_decref(want);

    json_t *k2 = unit_of(an, "items", "item", "k2");
    cr_assert_str_eq(json_string_value(json_object_get(k2, "intended")), "a");
    cr_assert_str_eq(json_string_value(json_object_get(k2, "intended_layer")), "bestuur");

    /* item gaps on the 0-100 scale; Holm over the 6 item-level score gaps
     * ("itemgap.*") */
    static const gap_expect gaps[] = {
        {"score", "bestuur", "management", 32.5, 2.7508479018485332, 6.9132443531827515,
         0.0288220397700591, 1.5683682849773955, NAN, NAN, 0.1152881590802364},
        {"score", "bestuur", "uitvoering", 56.25, 4.0249223594996215, 4.927007299270073,
         0.010378805931249995, 2.4748259949143838, NAN, NAN, 0.062272835587499969},
    };
    for (size_t i = 0; i < 2; i++)
        assert_gap(q1, &gaps[i]);
    gap_expect g2 = {"score",
                     "management",
                     "uitvoering",
                     25.0,
                     2.4494897427831781,
                     6.0,
                     0.049825262780576764,
                     1.506131137016415,
                     NAN,
                     NAN,
                     0.14947578834173029};
    assert_gap(q2, &g2);
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Suppression                                                              */
/* ------------------------------------------------------------------------ */

typedef struct walk_state {
    const char *layer; /* the suppressed layer */
    size_t layer_objects, means;
} walk_state;

/* Every object naming the suppressed layer is exactly {"layer", "suppressed":
 * true}; no gap or link starts or ends there; every mean is 100 (what every
 * other layer answered); no distribution counts a 1 (only the suppressed
 * layer answered 1). */
static void walk(json_t *v, walk_state *s)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) walk(e, s);
        return;
    }
    if (!json_is_object(v)) return;
    const char *l = json_string_value(json_object_get(v, "layer"));
    if (l && !strcmp(l, s->layer)) {
        s->layer_objects++;
        cr_assert_eq(json_object_size(v), 2, "suppressed layer object with more fields");
        cr_assert(json_is_true(json_object_get(v, "suppressed")));
    }
    static const char *const refs[] = {"from", "to", "intended_layer"};
    for (size_t i = 0; i < 3; i++) {
        const char *r = json_string_value(json_object_get(v, refs[i]));
        cr_assert(!r || strcmp(r, s->layer), "\"%s\" names the suppressed layer", refs[i]);
    }
    json_t *mean = json_object_get(v, "mean");
    if (mean) {
        s->means++;
        cr_assert(json_is_number(mean) && json_number_value(mean) == 100.0, "a mean is not 100: %g",
                  json_number_value(mean));
    }
    json_t *dist = json_object_get(v, "distribution"), *one = json_object_get(dist, "1");
    if (one) cr_assert_eq(json_integer_value(one), 0, "someone answered 1");
    const char *key;
    json_t *e;
    json_object_foreach(v, key, e) walk(e, s);
}

/* The real instrument, k = 5: bestuur has 4 respondents who answer every
 * likert and grade item with 1 and every intent item with a wrong option;
 * every other layer (6 each) answers 5, 10 and the intended option (option
 * "a" for the top-layer items). If anything of bestuur leaked into any mean,
 * that mean would be below 100; if bestuur decided a top-layer intent, the
 * others would score 0 on it. */
Test(suppression, whole_layer)
{
    instrument *in = real_instrument();
    rows w;
    rows_init(&w, in);
    for (size_t l = 0; l < in->n_layers; l++) {
        int best = l == 0;
        size_t n = best ? 4 : 6;
        for (size_t r = 0; r < n; r++) {
            int16_t *row = rows_new(&w, (int)l);
            for (size_t i = 0; i < in->n_items; i++) {
                const tm_item *it = &in->items[i];
                if (!tm_item_asked(it, (int)l) || !tm_item_scored(it)) continue;
                if (it->type == ITEM_INTENT) {
                    int good = it->intended >= 0 ? it->intended : 0;
                    row[i] = (int16_t)((best ? (good + 1) % (int)it->n_options : good) + 1);
                } else {
                    row[i] = (int16_t)(best ? 1 : it->points);
                }
            }
        }
    }
    json_t *an = run(&w, 5);
    json_t *want = json_pack("[s]", "bestuur");
    cr_assert(json_equal(json_object_get(an, "suppressed_layers"), want));
    json_decref(want);
    walk_state s = {"bestuur", 0, 0};
    static const char *const parts[] = {"themes", "domains", "cells",
                                        "items",  "trend",   "benchmark"};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        walk(json_object_get(an, parts[i]), &s);
    /* one entry per theme (5), domain (4), theme x domain (20), scored item (71) */
    cr_assert_eq(s.layer_objects, 100, "bestuur entries: %zu", s.layer_objects);
    cr_assert_gt(s.means, 100, "means seen: %zu", s.means);
    /* the other layers are complete and unaffected */
    json_t *th = unit_of(an, "themes", "theme", "eigen-kracht");
    ASSERT_REL(num(cell_of(th, "management", "score"), "n"), 6, 0, "n");
    ASSERT_REL(num(cell_of(th, "partners", "knowledge"), "mean"), 100, 0, "knowledge");
    ASSERT_REL(num(json_object_get(th, "thermometer"), "temperature"), 100, 0, "temperature");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(th, "thermometer"), "band")),
                     "goed");
    json_t *top = unit_of(an, "items", "item", "fin-eff-kn-1");
    cr_assert_str_eq(json_string_value(json_object_get(top, "intended")), "a");
    cr_assert_str_eq(json_string_value(json_object_get(top, "intended_layer")), "management");
    /* sd 0 everywhere: the gap exists, diff 0, but t, p, g, ci95 are null */
    json_t *g = gap_of(th, "score", "management", "beleid");
    ASSERT_REL(num(g, "diff"), 0, 0, "diff");
    cr_assert(json_is_null(json_object_get(g, "t")) && json_is_null(json_object_get(g, "p")) &&
              json_is_null(json_object_get(g, "g")) && json_is_null(json_object_get(g, "ci95")) &&
              json_is_null(json_object_get(g, "p_holm")));
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* k = 5. management (6 respondents, so not suppressed): q1 answered by 3
 * of them, k1/k2 by 4: those cells are {"suppressed": true}; q2 (6
 * answers) and the theme score (6 respondents) are shown. */
Test(suppression, small_cells)
{
    instrument *in = hand_instrument();
    rows w;
    rows_init(&w, in);
    for (int i = 0; i < 3; i++)
        row_add(&w, "bestuur", "5 5 a a");
    row_add(&w, "bestuur", "4 4 a b");
    row_add(&w, "bestuur", "4 4 b a");
    for (int i = 0; i < 3; i++)
        row_add(&w, "management", "4 4 a a");
    row_add(&w, "management", "- 4 - -");
    row_add(&w, "management", "- 4 - -");
    row_add(&w, "management", "- 3 a a");
    for (int i = 0; i < 4; i++)
        row_add(&w, "uitvoering", "3 3 a b");
    row_add(&w, "uitvoering", "2 3 b b");
    json_t *an = run(&w, 5);
    cr_assert(
        is_suppressed_cell(cell_of(unit_of(an, "items", "item", "q1"), "management", "score")));
    cr_assert(
        is_suppressed_cell(cell_of(unit_of(an, "items", "item", "k1"), "management", "knowledge")));
    json_t *q2 = cell_of(unit_of(an, "items", "item", "q2"), "management", "score");
    ASSERT_REL(num(q2, "n"), 6, 0, "q2 n");
    json_t *th = unit_of(an, "themes", "theme", "eigen-kracht");
    cr_assert(json_is_false(json_object_get(layer_of(th, "management"), "suppressed")));
    ASSERT_REL(num(cell_of(th, "management", "score"), "n"), 6, 0, "score n");
    cr_assert(is_suppressed_cell(cell_of(th, "management", "knowledge")));
    cr_assert(json_is_null(json_object_get(layer_of(th, "management"), "perception_gap")));
    /* knowledge: usable layers bestuur, uitvoering -> one adjacent gap */
    cr_assert_eq(count_gaps(th, "knowledge"), 1);
    cr_assert(json_is_true(
        json_object_get(gap_of(th, "knowledge", "bestuur", "uitvoering"), "adjacent")));
    cr_assert_eq(count_gaps(th, "score"), 3);
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* An empty wave: every layer suppressed, nothing computable, still valid
 * JSON with nulls. */
Test(suppression, empty_wave)
{
    instrument *in = hand_instrument();
    rows w;
    rows_init(&w, in);
    json_t *an = run(&w, 3);
    json_t *th = unit_of(an, "themes", "theme", "eigen-kracht");
    cr_assert_eq(json_array_size(json_object_get(an, "suppressed_layers")), 3);
    cr_assert_eq(json_array_size(json_object_get(th, "gaps")), 0);
    cr_assert(json_is_null(json_object_get(th, "carry")));
    cr_assert(json_is_null(json_object_get(json_object_get(th, "anova"), "score")));
    cr_assert(json_is_null(json_object_get(json_object_get(th, "thermometer"), "temperature")));
    cr_assert(json_is_null(json_object_get(json_object_get(th, "thermometer"), "band")));
    cr_assert(json_is_null(json_object_get(unit_of(an, "items", "item", "k2"), "intended")));
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Half-answered rule, absent measures                                      */
/* ------------------------------------------------------------------------ */

/* q1..q4 likert (all layers), k1..k3 intent (intended a, bestuur and
 * management only). In management, beside 3 complete respondents:
 *   "1 - - - a - -"  1 of 4 numeric (< 2), 1 of 3 intent (< 2): not counted
 *   "1 ? ? ? ? - -"  "weet niet" is not numeric: 1 of 4; 1 of 3: not counted
 *   "1 1 - - b a -"  2 of 4: score 0; 2 of 3: knowledge (0 + 100) / 2 = 50
 * so score n 4, mean 300/4 = 75; knowledge n 4, mean 350/4 = 87.5. */
Test(rules, half_answered)
{
    instrument *in = mini_instrument(
        json_pack("[o,o,o,o,o,o,o]", item_def("q1", NULL, NULL), item_def("q2", NULL, NULL),
                  item_def("q3", NULL, NULL), item_def("q4", NULL, NULL),
                  item_def("k1", "a", "[\"bestuur\",\"management\"]"),
                  item_def("k2", "a", "[\"bestuur\",\"management\"]"),
                  item_def("k3", "a", "[\"bestuur\",\"management\"]")));
    rows w;
    rows_init(&w, in);
    for (int i = 0; i < 3; i++) {
        row_add(&w, "bestuur", "5 5 5 5 a a a");
        row_add(&w, "management", "5 5 5 5 a a a");
        row_add(&w, "uitvoering", "5 5 5 5 - - -");
    }
    row_add(&w, "management", "1 - - - a - -");
    row_add(&w, "management", "1 ? ? ? ? - -");
    row_add(&w, "management", "1 1 - - b a -");
    json_t *an = run(&w, 3);
    json_t *th = unit_of(an, "themes", "theme", "eigen-kracht");
    ASSERT_REL(num(cell_of(th, "management", "score"), "n"), 4, 0, "score n");
    ASSERT_REL(num(cell_of(th, "management", "score"), "mean"), 75, TOL_ARITH, "score mean");
    ASSERT_REL(num(cell_of(th, "management", "knowledge"), "n"), 4, 0, "knowledge n");
    ASSERT_REL(num(cell_of(th, "management", "knowledge"), "mean"), 87.5, TOL_ARITH, "kn mean");
    /* intent items are not asked to uitvoering: knowledge absent (null),
     * not 0, and no knowledge gap reaches uitvoering */
    json_t *ul = layer_of(th, "uitvoering");
    cr_assert(json_is_null(json_object_get(ul, "knowledge")));
    cr_assert(json_is_null(json_object_get(ul, "perception_gap")));
    ASSERT_REL(num(json_object_get(ul, "score"), "mean"), 100, 0, "uitvoering score");
    cr_assert_eq(count_gaps(th, "knowledge"), 1);
    cr_assert(json_is_null(cell_of(unit_of(an, "items", "item", "k1"), "uitvoering", "knowledge")));
    /* carry on knowledge over bestuur -> management: 100 * 87.5 / 100 */
    cr_assert_str_eq(json_string_value(json_object_get(th, "carry_measure")), "knowledge");
    ASSERT_REL(num(th, "carry"), 87.5, TOL_ARITH, "carry");
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* "top-layer" intents                                                      */
/* ------------------------------------------------------------------------ */

/* bestuur (2 < k = 3) is suppressed and answers c everywhere. management:
 *   k2: c, b, c, b, a  -> tie b/c, broken by option order -> b
 *   k3: c, c and 3 unanswered -> only 2 answers (< k): skipped
 *   k4: all "weet niet" -> no option answer: skipped
 *   k5: all "weet niet"
 * uitvoering: k3 b, b, a -> b; k4 a, a, b -> a; k5 all "weet niet" ->
 * unresolved (null: nobody is correct). */
Test(rules, top_layer_intent)
{
    instrument *in = mini_instrument(
        json_pack("[o,o,o,o,o,o,o]", item_def("q1", NULL, NULL), item_def("q2", NULL, NULL),
                  item_def("k1", "a", NULL), item_def("k2", "top-layer", NULL),
                  item_def("k3", "top-layer", NULL), item_def("k4", "top-layer", NULL),
                  item_def("k5", "top-layer", NULL)));
    rows w;
    rows_init(&w, in);
    row_add(&w, "bestuur", "5 5 c c c c c");
    row_add(&w, "bestuur", "5 5 c c c c c");
    row_add(&w, "management", "3 3 a c c ? ?");
    row_add(&w, "management", "3 3 a b c ? ?");
    row_add(&w, "management", "3 3 a c - ? ?");
    row_add(&w, "management", "3 3 a b - ? ?");
    row_add(&w, "management", "3 3 a a - ? ?");
    row_add(&w, "uitvoering", "3 3 a b b a ?");
    row_add(&w, "uitvoering", "3 3 a b b a ?");
    row_add(&w, "uitvoering", "3 3 a b a b ?");
    json_t *an = run(&w, 3);
    static const struct {
        const char *item, *intended, *layer;
    } want[] = {{"k2", "b", "management"}, {"k3", "b", "uitvoering"}, {"k4", "a", "uitvoering"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *it = unit_of(an, "items", "item", want[i].item);
        cr_assert_str_eq(json_string_value(json_object_get(it, "intended")), want[i].intended, "%s",
                         want[i].item);
        cr_assert_str_eq(json_string_value(json_object_get(it, "intended_layer")), want[i].layer,
                         "%s", want[i].item);
    }
    json_t *k5 = unit_of(an, "items", "item", "k5");
    cr_assert(json_is_null(json_object_get(k5, "intended")));
    cr_assert(json_is_null(json_object_get(k5, "intended_layer")));
    ASSERT_REL(num(cell_of(k5, "management", "knowledge"), "mean"), 0, 0, "k5");
    /* k2 scored against b: management 2 of 5 correct, uitvoering 3 of 3 */
    json_t *k2 = unit_of(an, "items", "item", "k2");
    ASSERT_REL(num(cell_of(k2, "management", "knowledge"), "mean"), 40, TOL_ARITH, "k2 mgmt");
    ASSERT_REL(num(cell_of(k2, "uitvoering", "knowledge"), "mean"), 100, 0, "k2 uitv");
    /* k1 has a fixed intent: no intended_layer */
    cr_assert_null(json_object_get(unit_of(an, "items", "item", "k1"), "intended_layer"));
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Chains with holes                                                        */
/* ------------------------------------------------------------------------ */

/* uitvoering has no respondents at all: suppressed (0 < k); gaps, links and
 * ANOVA use bestuur and management only. */
Test(chain, layer_without_respondents)
{
    instrument *in = hand_instrument();
    rows w;
    rows_init(&w, in);
    row_add(&w, "bestuur", "5 4 a a");
    row_add(&w, "bestuur", "4 4 a b");
    row_add(&w, "bestuur", "3 4 a a");
    row_add(&w, "management", "3 3 a a");
    row_add(&w, "management", "2 3 b a");
    row_add(&w, "management", "3 2 a b");
    json_t *an = run(&w, 3);
    json_t *want = json_pack("[s]", "uitvoering");
    cr_assert(json_equal(json_object_get(an, "suppressed_layers"), want));
    json_decref(want);
    json_t *th = unit_of(an, "themes", "theme", "eigen-kracht");
    want = json_pack("{s:s, s:b}", "layer", "uitvoering", "suppressed", 1);
    cr_assert(json_equal(layer_of(th, "uitvoering"), want));
    cr_assert(json_equal(layer_of(unit_of(an, "items", "item", "q1"), "uitvoering"), want));
    json_decref(want);
    cr_assert_eq(json_array_size(json_object_get(th, "gaps")), 2);
    gap_of(th, "score", "bestuur", "management");
    gap_of(th, "knowledge", "bestuur", "management");
    cr_assert_eq(json_array_size(json_object_get(th, "links")), 1);
    ASSERT_REL(num(json_object_get(json_object_get(th, "anova"), "score"), "df1"), 1, 0, "df1");
    ASSERT_REL(num(json_object_get(json_object_get(th, "anova"), "score"), "df2"), 4, 0, "df2");
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* bestuur (2 < 3) is suppressed, so the theme's chain starts at
 * management. k2 resolves from management: c, b, c, b, a -> b.
 * management knowledge 50, 100, 0, 100, 50 (mean 60); uitvoering 100, 50, 0
 * (mean 50): carry = 100 * 50 / 60 = 83.33..., one link 50/60; thermometer
 * level 55, spread 10, temperature 50, grade 5.5, band zorg. */
Test(chain, first_layer_suppressed)
{
    instrument *in = hand_instrument();
    rows w;
    rows_init(&w, in);
    row_add(&w, "bestuur", "5 5 a a");
    row_add(&w, "bestuur", "5 5 a a");
    row_add(&w, "management", "4 4 a c");
    row_add(&w, "management", "4 4 a b");
    row_add(&w, "management", "4 4 b c");
    row_add(&w, "management", "4 4 a b");
    row_add(&w, "management", "4 4 a a");
    row_add(&w, "uitvoering", "3 3 a b");
    row_add(&w, "uitvoering", "3 3 b b");
    row_add(&w, "uitvoering", "3 3 c a");
    json_t *an = run(&w, 3);
    json_t *th = unit_of(an, "themes", "theme", "eigen-kracht");
    cr_assert(json_is_true(json_object_get(layer_of(th, "bestuur"), "suppressed")));
    cr_assert_str_eq(json_string_value(json_object_get(th, "carry_measure")), "knowledge");
    ASSERT_REL(num(cell_of(th, "management", "knowledge"), "mean"), 60, TOL_ARITH, "mgmt");
    ASSERT_REL(num(cell_of(th, "uitvoering", "knowledge"), "mean"), 50, TOL_ARITH, "uitv");
    ASSERT_REL(num(th, "carry"), 250.0 / 3.0, TOL_ARITH, "carry");
    json_t *links = json_object_get(th, "links");
    cr_assert_eq(json_array_size(links), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(links, 0), "from")),
                     "management");
    ASSERT_REL(num(json_array_get(links, 0), "ratio"), 5.0 / 6.0, TOL_ARITH, "link");
    json_t *t = json_object_get(th, "thermometer");
    ASSERT_REL(num(t, "temperature"), 50, TOL_ARITH, "temperature");
    ASSERT_REL(num(t, "grade"), 5.5, TOL_ARITH, "grade");
    cr_assert_str_eq(json_string_value(json_object_get(t, "band")), "zorg");
    cr_assert_eq(count_gaps(th, "knowledge"), 1);
    gap_of(th, "knowledge", "management", "uitvoering");
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Trend and benchmark                                                      */
/* ------------------------------------------------------------------------ */

/* This wave: bestuur scores 100, 75, 75, 50, 62.5 (mean 72.5); previous =
 * the hand wave (bestuur 84.375, sd 11.967838846954226, n 4). Welch by the
 * reference script ("trend.*"): diff -11.875, p 0.28467628315710031.
 * uitvoering has no respondents now: no trend entry for it. */
Test(compare, trend)
{
    instrument *in = hand_instrument();
    rows a, b;
    rows_init(&a, in);
    hand_wave(&a);
    rows_init(&b, in);
    row_add(&b, "bestuur", "5 5 a a");
    row_add(&b, "bestuur", "4 4 a a");
    row_add(&b, "bestuur", "5 3 a a");
    row_add(&b, "bestuur", "3 3 a a");
    row_add(&b, "bestuur", "4 3 a a");
    for (int i = 0; i < 3; i++)
        row_add(&b, "management", "3 3 a a");
    json_t *prev = run(&a, 3), *cur = run(&b, 3);
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(analysis_add_trend(cur, NULL, &err), 0);
    cr_assert_eq(json_array_size(json_object_get(cur, "trend")), 0);
    cr_assert_eq(analysis_add_trend(cur, prev, &err), 0, "%s", err.message);
    assert_dumpable(cur);
    json_t *trend = json_object_get(cur, "trend");
    cr_assert_eq(json_array_size(trend), 4); /* bestuur, management x score, knowledge */
    json_t *e = json_array_get(trend, 0);
    cr_assert_str_eq(json_string_value(json_object_get(e, "theme")), "eigen-kracht");
    cr_assert_str_eq(json_string_value(json_object_get(e, "layer")), "bestuur");
    cr_assert_str_eq(json_string_value(json_object_get(e, "measure")), "score");
    ASSERT_REL(num(e, "previous_mean"), 84.375, TOL_ARITH, "previous_mean");
    ASSERT_REL(num(e, "mean"), 72.5, TOL_ARITH, "mean");
    ASSERT_REL(num(e, "diff"), -11.875, TOL_ARITH, "diff");
    ASSERT_REL(num(e, "p"), 0.28467628315710031, TOL_GSL, "p");
    size_t i;
    json_array_foreach(trend, i, e)
        cr_assert_str_neq(json_string_value(json_object_get(e, "layer")), "uitvoering");
    cr_assert_eq(analysis_add_trend(NULL, prev, &err), -1);
    cr_assert_eq(err.status, 500);
    tm_error_clear(&err);
    json_decref(prev);
    json_decref(cur);
    rows_free(&a);
    rows_free(&b);
    instrument_free(in);
}

/* Organisation j (1..5) answers j on q1 and q2 in every layer (score mean
 * 25 (j - 1): 0, 25, 50, 75, 100) and "a" on k1, k2 (knowledge 100).
 * Organisation 5 has only 2 respondents in uitvoering (suppressed). This
 * wave is the hand wave: bestuur score 84.375 beats 4 of 5 -> percentile
 * 80, median 50; management 57.5 beats 3 -> 60; bestuur knowledge 75 is
 * below all -> 0, median 100. uitvoering has 4 contributors: no entry. */
Test(compare, benchmark)
{
    instrument *in = hand_instrument();
    rows a;
    rows_init(&a, in);
    hand_wave(&a);
    json_t *cur = run(&a, 3), *others[5];
    for (int j = 1; j <= 5; j++) {
        rows o;
        rows_init(&o, in);
        char ans[32];
        snprintf(ans, sizeof ans, "%d %d a a", j, j);
        for (int r = 0; r < 3; r++) {
            row_add(&o, "bestuur", ans);
            row_add(&o, "management", ans);
            if (j < 5 || r < 2) row_add(&o, "uitvoering", ans);
        }
        others[j - 1] = run(&o, 3);
        rows_free(&o);
    }
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(analysis_add_benchmark(cur, others, 4, &err), 0);
    cr_assert_eq(json_array_size(json_object_get(cur, "benchmark")), 0, "4 organisations");
    cr_assert_eq(analysis_add_benchmark(cur, others, 5, &err), 0);
    assert_dumpable(cur);
    json_t *bm = json_object_get(cur, "benchmark");
    cr_assert_eq(json_array_size(bm), 4);
    static const struct {
        const char *layer, *measure;
        double median, percentile, mean;
    } want[] = {{"bestuur", "score", 50, 80, 84.375},
                {"bestuur", "knowledge", 100, 0, 75},
                {"management", "score", 50, 60, 57.5},
                {"management", "knowledge", 100, 0, 60}};
    for (size_t i = 0; i < 4; i++) {
        json_t *e = json_array_get(bm, i);
        cr_assert_str_eq(json_string_value(json_object_get(e, "layer")), want[i].layer);
        cr_assert_str_eq(json_string_value(json_object_get(e, "measure")), want[i].measure);
        ASSERT_REL(num(e, "organisations"), 5, 0, "organisations");
        ASSERT_REL(num(e, "median"), want[i].median, TOL_ARITH, "median");
        ASSERT_REL(num(e, "percentile"), want[i].percentile, TOL_ARITH, "percentile");
        ASSERT_REL(num(e, "mean"), want[i].mean, TOL_ARITH, "mean");
    }
    cr_assert_eq(analysis_add_benchmark(cur, NULL, 3, &err), -1);
    tm_error_clear(&err);
    for (int j = 0; j < 5; j++)
        json_decref(others[j]);
    json_decref(cur);
    rows_free(&a);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Holm families                                                            */
/* ------------------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* Random answers to the real instrument: per layer n respondents. */
static void random_wave(rows *w, const instrument *in, size_t n, uint64_t seed)
{
    for (size_t l = 0; l < in->n_layers; l++)
        for (size_t r = 0; r < n; r++) {
            int16_t *row = rows_new(w, (int)l);
            for (size_t i = 0; i < in->n_items; i++) {
                const tm_item *it = &in->items[i];
                if (!tm_item_scored(it) || !tm_item_asked(it, (int)l)) continue;
                int top = it->type == ITEM_INTENT ? (int)it->n_options : it->points;
                unsigned u = (unsigned)(rng_next(&seed) % 10);
                /* layer-dependent skew so that some gaps are significant */
                int v = 1 + (int)((rng_next(&seed) % (unsigned)top + (top - 1) * (l == 0)) /
                                  (1 + (l == 0)));
                row[i] = u == 0                    ? SCORE_UNANSWERED
                         : u == 1 && it->dont_know ? SCORE_DONT_KNOW
                                                   : (int16_t)v;
            }
        }
}

/* Holm by hand: sort, (m - j) p, running maximum, capped at 1. */
static void holm_by_hand(const double *p, size_t m, double *adj)
{
    size_t *order = malloc(m * sizeof *order);
    for (size_t i = 0; i < m; i++)
        order[i] = i;
    for (size_t i = 1; i < m; i++) /* insertion sort, stable */
        for (size_t j = i; j > 0 && p[order[j - 1]] > p[order[j]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    double run = 0;
    for (size_t j = 0; j < m; j++) {
        double v = fmin(1.0, (double)(m - j) * p[order[j]]);
        run = fmax(run, v);
        adj[order[j]] = run;
    }
    free(order);
}

/* One family: every gap of measure m in every unit of the level. */
static void assert_family(json_t *an, const char *level, const char *measure)
{
    json_t *gaps[4096];
    double p[4096], adj[4096];
    size_t m = 0, i, j;
    json_t *u, *g;
    json_array_foreach(json_object_get(an, level), i, u)
    {
        json_array_foreach(json_object_get(u, "gaps"), j, g)
        {
            if (strcmp(json_string_value(json_object_get(g, "measure")), measure)) continue;
            if (json_is_null(json_object_get(g, "p"))) {
                cr_assert(json_is_null(json_object_get(g, "p_holm")));
                continue;
            }
            cr_assert_lt(m, 4096);
            gaps[m] = g;
            p[m++] = num(g, "p");
        }
    }
    cr_assert_gt(m, 10, "%s %s: only %zu gaps", level, measure, m);
    holm_by_hand(p, m, adj);
    for (size_t k = 0; k < m; k++)
        ASSERT_REL(num(gaps[k], "p_holm"), adj[k], 1e-15, level);
}

/* p_holm spans the whole level (all themes' score gaps, ...), not one
 * theme: checked against Holm by hand over each of the 8 families. */
Test(rules, holm_families)
{
    instrument *in = real_instrument();
    rows w;
    rows_init(&w, in);
    random_wave(&w, in, 12, 7);
    json_t *an = run(&w, 5);
    static const char *const levels[] = {"themes", "domains", "cells", "items"};
    for (size_t i = 0; i < 4; i++) {
        assert_family(an, levels[i], "score");
        assert_family(an, levels[i], "knowledge");
    }
    json_decref(an);
    rows_free(&w);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Bad input                                                                */
/* ------------------------------------------------------------------------ */

static int run_status(const rows *w, int k)
{
    wave_data wd = {w->in, w->n, w->layer, w->scores, k};
    tm_error err = TM_ERROR_INIT;
    json_t *an = analysis_run(&wd, NULL, NULL, &err);
    cr_assert_null(an);
    cr_assert(err.message[0]);
    int status = err.status;
    tm_error_clear(&err);
    return status;
}

Test(errors, bad_input)
{
    instrument *in = hand_instrument();
    rows w;
    rows_init(&w, in);
    row_add(&w, "bestuur", "5 5 a a");
    cr_assert_eq(run_status(&w, 2), 422, "k below 3");
    w.layer[0] = 3;
    cr_assert_eq(run_status(&w, 3), 500, "layer outside the chain");
    w.layer[0] = 0;
    w.scores[0] = 6;
    cr_assert_eq(run_status(&w, 3), 500, "likert 6 of 5");
    w.scores[0] = -2;
    cr_assert_eq(run_status(&w, 3), 500, "code -2");
    w.scores[0] = 5;
    w.scores[2] = 4;
    cr_assert_eq(run_status(&w, 3), 500, "option 4 of 3");
    tm_error err = TM_ERROR_INIT;
    cr_assert_null(analysis_run(NULL, NULL, NULL, &err));
    cr_assert_eq(err.status, 500);
    tm_error_clear(&err);
    rows_free(&w);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Scale                                                                    */
/* ------------------------------------------------------------------------ */

/* 100,000 respondents x the real instrument's 80 items (71 scored): layers
 * 2/8/20/50/20 %, 5 % unanswered, 5 % "weet niet" where offered, analysed in
 * one go: five themes, no layer suppressed, about half the respondents in
 * uitvoering, and a result that serialises. How fast is a figure for `make
 * bench` (bench/run.sh, section 3), not something this test judges. */
Test(scale, hundred_thousand_respondents, .timeout = 120)
{
    instrument *in = real_instrument();
    size_t n = 100000, ni = in->n_items;
    uint8_t *layer = malloc(n);
    int16_t *scores = calloc(n * ni, sizeof *scores);
    cr_assert(layer && scores);
    uint64_t s = 42;
    static const unsigned cut[] = {2, 10, 30, 80, 100};
    for (size_t r = 0; r < n; r++) {
        unsigned x = (unsigned)(rng_next(&s) % 100), l = 0;
        while (x >= cut[l])
            l++;
        layer[r] = (uint8_t)l;
        for (size_t i = 0; i < ni; i++) {
            const tm_item *it = &in->items[i];
            if (!tm_item_asked(it, (int)l) || it->type == ITEM_TEXT) continue;
            unsigned u = (unsigned)(rng_next(&s) % 100);
            int top =
                it->type == ITEM_LIKERT || it->type == ITEM_GRADE ? it->points : (int)it->n_options;
            if (u < 5) continue;
            if (u < 10 && it->dont_know)
                scores[r * ni + i] = SCORE_DONT_KNOW;
            else
                scores[r * ni + i] = (int16_t)(1 + rng_next(&s) % (unsigned)top);
        }
    }
    wave_data w = {in, n, layer, scores, 5};
    tm_error err = TM_ERROR_INIT;
    json_t *an = analysis_run(&w, NULL, NULL, &err);
    cr_assert(an, "%s", err.message);
    cr_assert_eq(json_array_size(json_object_get(an, "themes")), 5);
    cr_assert_eq(json_array_size(json_object_get(an, "suppressed_layers")), 0);
    ASSERT_REL(
        num(cell_of(unit_of(an, "themes", "theme", "eigen-kracht"), "uitvoering", "score"), "n"),
        50000, 0.02, "about half are uitvoering");
    assert_dumpable(an);
    json_decref(an);
    free(layer);
    free(scores);
    instrument_free(in);
}
