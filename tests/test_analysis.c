/* test_analysis.c -- Criterion tests for reports/analysis/analysis.{h,c}
 * and analysis_compare.c (method v2, docs/method.md): the values a user of
 * the analysis JSON sees. The rules of a wave are in test_analysis_rules.c;
 * helpers in tests/helpers/th_analysis.h.
 *
 * Where the expected numbers come from
 * ------------------------------------
 * The hand-built wave (hand_wave() below, on the "mini" instrument: layers
 * bestuur, management, uitvoering; one theme, one domain; core likert q1,
 * q2; core intent k1 (a/b/c, intended a) and k2 (a/b/c, intended "local",
 * the wave's key a); k = 3) is small enough to check with pencil and paper:
 *
 *   respondent scores (score = mean of the normalised likert answers,
 *   100*(x-1)/4; knowledge = mean of 100*correct over k1, k2):
 *     bestuur     score 100, 87.5, 75, 75      knowledge 100, 100, 50, 50
 *     management  score 75, 62.5, 62.5, 37.5, 50  knowledge 100, 50, 50, 50, 50
 *     uitvoering  score 50, 37.5, 37.5, 12.5   knowledge 50, 50, 0, 50
 *   e.g. bestuur score mean = (100 + 87.5 + 75 + 75) / 4 = 84.375,
 *   sd = sqrt(((15.625)^2 + 3.125^2 + 2 * 9.375^2) / 3) = 11.967838846954226,
 *   ci95 = 84.375 -/+ t(0.975, 3) * sd / 2 with t(0.975, 3) = 3.182 in any
 *   Student t table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2), to 17 digits
 *   3.1824463052837096: [65.33, 103.42], clipped to [65.33, 100].
 *
 * Every expected number of that wave was then computed independently by
 * tests/fixtures/analysis_reference.py: python3 + mpmath 1.3.0 at 40 digits,
 * straight from the formulas of docs/method.md (Welch t, df and two-sided p
 * via the regularised incomplete beta function, t quantile by root finding,
 * Hedges g, Holm, ANOVA F tail, the Wilson interval by inverting the score
 * test with bisection, the carry interval), without GSL or stats.c. The
 * values below are that script's output, quoted with 17 digits.
 * The other waves are small enough that the comments derive every number.
 *
 * Tolerances: TOL_ARITH (1e-13) for plain arithmetic on a handful of values,
 * TOL_GSL (1e-10) for anything through a GSL cdf or quantile (p, ci95): GSL
 * is accurate to ~1e-15 there, so these only leave room for rounding.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/answers.h"
#include "core/instrument.h"
#include "reports/analysis/analysis.h"
#include "th_analysis.h"

#define Z975 1.959963984540054

/* q1, q2 likert; k1 intent (intended a); k2 intent ("local"). */
static instrument *hand_instrument(void)
{
    return th_mini(json_pack("[o,o,o,o]", th_item("q1", NULL, NULL), th_item("q2", NULL, NULL),
                             th_item("k1", "a", NULL), th_item("k2", "local", NULL)));
}

/* The wave of the header comment. */
static void hand_wave(th_rows *w)
{
    th_key(w, "k2", "a");
    th_row(w, "bestuur", "5 5 a a");
    th_row(w, "bestuur", "5 4 a a");
    th_row(w, "bestuur", "4 4 a b");
    th_row(w, "bestuur", "4 ? b a");
    th_row(w, "management", "4 4 a a");
    th_row(w, "management", "3 4 a b");
    th_row(w, "management", "4 3 b a");
    th_row(w, "management", "2 3 a ?");
    th_row(w, "management", "3 ? c a");
    th_row(w, "uitvoering", "3 3 a b");
    th_row(w, "uitvoering", "2 3 a ?");
    th_row(w, "uitvoering", "3 2 ? b");
    th_row(w, "uitvoering", "1 2 c a");
}

static json_t *hand_analysis(instrument **in, th_rows *w)
{
    *in = hand_instrument();
    th_rows_init(w, *in);
    hand_wave(w);
    return th_analyse(w, 3);
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    cr_assert(s, "\"%s\" is not a string", key);
    return s;
}

/* ------------------------------------------------------------------------ */
/* The hand-built wave                                                      */
/* ------------------------------------------------------------------------ */

/* Layer statistics and the perception gap (reference script lines
 * "<layer>.<measure>.*"). Three ci95 bounds leave 0-100 and are clipped:
 * bestuur score 103.418... -> 100, bestuur knowledge 120.93... -> 100,
 * uitvoering knowledge -2.28... -> 0. */
Test(hand_wave, layer_statistics)
{
    instrument *in;
    th_rows w;
    json_t *an = hand_analysis(&in, &w);
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    static const th_cell_expect cells[] = {
        {"bestuur", "score", 4, 84.375, 11.967838846954226, 65.331497739639836, 100.0},
        {"bestuur", "knowledge", 4, 75.0, 28.867513459481288, 29.065344224073008, 100.0},
        {"management", "score", 5, 57.5, 14.252192813739225, 39.803565287721593,
         75.196434712278407},
        {"management", "knowledge", 5, 60.0, 22.360679774997897, 32.235548948022056,
         87.764451051977944},
        {"uitvoering", "score", 4, 34.375, 15.728821740147395, 9.3469346833009172,
         59.403065316699083},
        {"uitvoering", "knowledge", 4, 37.5, 25.0, 0.0, 77.28057881604637},
    };
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
        th_assert_cell(th, &cells[i]);
    /* perception gap = score mean - knowledge mean */
    ASSERT_REL(th_num(th_layer(th, "bestuur"), "perception_gap"), 9.375, TOL_ARITH, "pg bestuur");
    ASSERT_REL(th_num(th_layer(th, "management"), "perception_gap"), -2.5, TOL_ARITH, "pg mgmt");
    ASSERT_REL(th_num(th_layer(th, "uitvoering"), "perception_gap"), -3.125, TOL_ARITH, "pg uitv");
    cr_assert(json_is_false(json_object_get(th_layer(th, "bestuur"), "suppressed")));
    /* the domain has the same items, so the same numbers; so has the cell */
    json_t *dom = th_unit(an, "domains", "domain", "effecten");
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
        th_assert_cell(dom, &cells[i]);
    json_t *cell = th_cell_unit(an, "eigen-kracht", "effecten");
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
        th_assert_cell(cell, &cells[i]);
    cr_assert_eq(json_integer_value(json_object_get(an, "method")), 2);
    cr_assert_eq(json_integer_value(json_object_get(an, "min_group_size")), 3);
    cr_assert_eq(json_array_size(json_object_get(an, "suppressed_layers")), 0);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(an, "chain"), 2)),
                     "uitvoering");
    cr_assert_str_eq(str(json_object_get(an, "wave"), "name"), "test");
    cr_assert(json_is_array(json_object_get(an, "trend")));
    cr_assert_eq(json_array_size(json_object_get(an, "trend")), 0);
    cr_assert_eq(json_array_size(json_object_get(an, "benchmark")), 0);
    cr_assert_eq(json_array_size(json_object_get(an, "rules")), 0, "the wave has no rules");
    /* k2's key is the wave's: the theme's knowledge is the municipality's own */
    cr_assert_str_eq(str(th, "knowledge_keys"), "wave");
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* Welch gaps, Hedges g, ci95 (not clipped: a difference) and Holm over the
 * family of 3 theme-level gaps per measure (reference script lines
 * "gap.*"). Holm by hand for score: sorted p 0.00282, 0.01811, 0.06088 ->
 * 3p, 2p, 1p = 0.00847, 0.03622, 0.06088 (already monotone). */
Test(hand_wave, gaps_and_holm)
{
    instrument *in;
    th_rows w;
    json_t *an = hand_analysis(&in, &w);
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    static const th_gap_expect gaps[] = {
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
        th_assert_gap(th, &gaps[i]);
    cr_assert_eq(json_array_size(json_object_get(th, "gaps")), 6);
    cr_assert(
        json_is_true(json_object_get(th_gap(th, "score", "bestuur", "management"), "adjacent")));
    cr_assert(
        json_is_false(json_object_get(th_gap(th, "score", "bestuur", "uitvoering"), "adjacent")));
    /* domain gaps: same numbers, own family (same composition here) */
    json_t *dom = th_unit(an, "domains", "domain", "effecten");
    for (size_t i = 0; i < sizeof gaps / sizeof *gaps; i++)
        th_assert_gap(dom, &gaps[i]);
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* ANOVA, carry, links, thermometer ("anova.*", "carry*", "link.*",
 * "thermometer.*"). Knowledge means 75, 60, 37.5: carry = 100 * 37.5 / 75 =
 * 50, from bestuur to uitvoering; on the log scale se = sqrt(25^2 / (4 *
 * 37.5^2) + 28.8675^2 / (4 * 75^2)) = sqrt(1/9 + 1/27) = 0.3849, so
 * carry_ci95 = 50 * exp(-/+ 1.96 * 0.3849) = [23.51, 106.32] (not clipped:
 * a carry may pass 100). Links 60/75 = 0.8 and 37.5/60 = 0.625;
 * thermometer level 57.5, spread 37.5, temperature 57.5 - 18.75 = 38.75,
 * grade 1 + 9 * 0.3875 = 4.4875 -> 4.5, band zorg (< 55). */
Test(hand_wave, anova_carry_thermometer)
{
    instrument *in;
    th_rows w;
    json_t *an = hand_analysis(&in, &w);
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    json_t *as = json_object_get(json_object_get(th, "anova"), "score");
    ASSERT_REL(th_num(as, "f"), 12.625681405208964, TOL_ARITH, "anova score f");
    ASSERT_REL(th_num(as, "df1"), 2, 0, "anova score df1");
    ASSERT_REL(th_num(as, "df2"), 10, 0, "anova score df2");
    ASSERT_REL(th_num(as, "p"), 0.0018370477419033683, TOL_GSL, "anova score p");
    ASSERT_REL(th_num(as, "eta2"), 0.71632302405498282, TOL_ARITH, "anova score eta2");
    json_t *ak = json_object_get(json_object_get(th, "anova"), "knowledge");
    ASSERT_REL(th_num(ak, "f"), 2.2398190045248869, TOL_ARITH, "anova knowledge f");
    ASSERT_REL(th_num(ak, "p"), 0.15711276683241129, TOL_GSL, "anova knowledge p");
    ASSERT_REL(th_num(ak, "eta2"), 0.309375, TOL_ARITH, "anova knowledge eta2");

    cr_assert_str_eq(str(th, "carry_measure"), "knowledge");
    ASSERT_REL(th_num(th, "carry"), 50.0, TOL_ARITH, "carry");
    cr_assert_str_eq(str(th, "carry_from"), "bestuur");
    cr_assert_str_eq(str(th, "carry_to"), "uitvoering");
    ASSERT_REL(th_ci(th, "carry_ci95", 0), 23.514858925637858, 1e-12, "carry_ci95 lo");
    ASSERT_REL(th_ci(th, "carry_ci95", 1), 106.31575583361428, 1e-12, "carry_ci95 hi");
    json_t *links = json_object_get(th, "links");
    cr_assert_eq(json_array_size(links), 2);
    json_t *l0 = json_array_get(links, 0), *l1 = json_array_get(links, 1);
    cr_assert_str_eq(str(l0, "from"), "bestuur");
    cr_assert_str_eq(str(l0, "to"), "management");
    ASSERT_REL(th_num(l0, "ratio"), 0.8, TOL_ARITH, "link 0");
    cr_assert_str_eq(str(l1, "to"), "uitvoering");
    ASSERT_REL(th_num(l1, "ratio"), 0.625, TOL_ARITH, "link 1");

    json_t *t = json_object_get(th, "thermometer");
    ASSERT_REL(th_num(t, "temperature"), 38.75, TOL_ARITH, "temperature");
    ASSERT_REL(th_num(t, "grade"), 4.5, TOL_ARITH, "grade");
    cr_assert_str_eq(str(t, "band"), "zorg");
    ASSERT_REL(th_num(t, "level"), 57.5, TOL_ARITH, "level");
    ASSERT_REL(th_num(t, "spread"), 37.5, TOL_ARITH, "spread");
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* Item cells ("item.*"): q1 in management answers 4, 3, 4, 2, 3 ->
 * normalised 75, 50, 75, 25, 50: mean 55, mean_raw 3.2; raw variance 0.7,
 * rwg = 1 - 0.7 / 2 = 0.65. q2 in bestuur: 5, 4, 4 and one "weet niet"
 * (n 3, dont_know 1), rwg = 1 - (1/3) / 2, ci95 [47.48, 119.19] clipped to
 * 100. k1 in uitvoering: a, a, ?, c -> 2 of 4 correct (n 4: "weet niet" is
 * an answer scoring 0); its ci95 is the Wilson interval: p = 0.5,
 * centre = (0.5 + z^2/8) / (1 + z^2/4) = 0.5, half = z sqrt(1/16 +
 * z^2/64) / (1 + z^2/4) = 0.34996 -> [15.004, 84.996], where mean -/+ t sd
 * / sqrt(n) would have been [-41.9, 141.9]. k1 in bestuur: 3 of 4 ->
 * Wilson [30.06, 95.44]. */
Test(hand_wave, items)
{
    instrument *in;
    th_rows w;
    json_t *an = hand_analysis(&in, &w);
    json_t *q1 = th_unit(an, "items", "item", "q1");
    cr_assert_str_eq(str(q1, "measure"), "score");
    cr_assert_str_eq(str(q1, "type"), "likert");
    cr_assert(json_is_true(json_object_get(q1, "core")));
    cr_assert(json_is_false(json_object_get(q1, "reverse")));
    cr_assert_null(json_object_get(q1, "intended"));
    th_cell_expect e1 = {"management",     "score",         5, 55.0, 20.916500663351889,
                         29.0287341579108, 80.9712658420892};
    th_assert_cell(q1, &e1);
    json_t *c = th_cell(q1, "management", "score");
    ASSERT_REL(th_num(c, "mean_raw"), 3.2, TOL_ARITH, "q1 mean_raw");
    ASSERT_REL(th_num(c, "rwg"), 0.65, TOL_ARITH, "q1 rwg");
    ASSERT_REL(th_num(c, "dont_know"), 0, 0, "q1 dont_know");
    json_t *want = json_pack("{s:i, s:i, s:i, s:i, s:i}", "1", 0, "2", 1, "3", 2, "4", 2, "5", 0);
    cr_assert(json_equal(json_object_get(c, "distribution"), want), "q1 distribution");
    json_decref(want);

    json_t *q2 = th_unit(an, "items", "item", "q2");
    th_cell_expect e2 = {"bestuur",          "score", 3, 83.333333333333333, 14.433756729740644,
                         47.477893918754468, 100.0};
    th_assert_cell(q2, &e2);
    c = th_cell(q2, "bestuur", "score");
    ASSERT_REL(th_num(c, "dont_know"), 1, 0, "q2 dont_know");
    ASSERT_REL(th_num(c, "rwg"), 0.83333333333333333, TOL_ARITH, "q2 rwg");

    json_t *k1 = th_unit(an, "items", "item", "k1");
    cr_assert_str_eq(str(k1, "measure"), "knowledge");
    cr_assert_str_eq(str(k1, "intended"), "a");
    cr_assert_str_eq(str(k1, "intended_source"), "instrument");
    th_cell_expect e3 = {"uitvoering",       "knowledge",       4, 50.0, 57.735026918962576,
                         15.003898915214949, 84.996101084785051};
    th_assert_cell(k1, &e3);
    c = th_cell(k1, "uitvoering", "knowledge");
    ASSERT_REL(th_num(c, "dont_know"), 1, 0, "k1 dont_know");
    cr_assert_null(json_object_get(c, "rwg"));
    cr_assert_null(json_object_get(c, "mean_raw"));
    want = json_pack("{s:i, s:i, s:i}", "a", 2, "b", 0, "c", 1);
    cr_assert(json_equal(json_object_get(c, "distribution"), want), "k1 distribution");
    json_decref(want);
    c = th_cell(k1, "bestuur", "knowledge");
    ASSERT_REL(th_ci(c, "ci95", 0), 30.064184258240188, 1e-12, "k1 bestuur wilson lo");
    ASSERT_REL(th_ci(c, "ci95", 1), 95.441273919029944, 1e-12, "k1 bestuur wilson hi");

    json_t *k2 = th_unit(an, "items", "item", "k2");
    cr_assert_str_eq(str(k2, "intended"), "a");
    cr_assert_str_eq(str(k2, "intended_source"), "wave");
    cr_assert_null(json_object_get(k2, "intended_layer"), "top-layer is gone");

    /* item gaps on the 0-100 scale; Holm over the 6 item-level score gaps
     * ("itemgap.*") */
    static const th_gap_expect gaps[] = {
        {"score", "bestuur", "management", 32.5, 2.7508479018485332, 6.9132443531827515,
         0.0288220397700591, 1.5683682849773955, NAN, NAN, 0.1152881590802364},
        {"score", "bestuur", "uitvoering", 56.25, 4.0249223594996215, 4.927007299270073,
         0.010378805931249995, 2.4748259949143838, NAN, NAN, 0.062272835587499969},
    };
    for (size_t i = 0; i < 2; i++)
        th_assert_gap(q1, &gaps[i]);
    th_gap_expect g2 = {"score",
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
    th_assert_gap(q2, &g2);
    json_decref(an);
    th_rows_free(&w);
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
 * true}; no gap, link or carry starts or ends there; every mean is 100
 * (what every other layer answered); no distribution counts a 1 (only the
 * suppressed layer answered 1). */
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
    static const char *const refs[] = {"from", "to", "carry_from", "carry_to"};
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
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
 * every other layer (6 each) answers 5, 10 and the intended option (for
 * the items without a fixed key, the wave sets option "a"). If anything of
 * bestuur leaked into any mean, that mean would be below 100. */
Test(suppression, whole_layer)
{
    instrument *in = th_real();
    th_rows w;
    th_rows_init(&w, in);
    for (size_t i = 0; i < in->n_items; i++)
        if (in->items[i].type == ITEM_INTENT && in->items[i].intended < 0) w.intended[i] = 0;
    for (size_t l = 0; l < in->n_layers; l++) {
        int best = l == 0;
        size_t n = best ? 4 : 6;
        for (size_t r = 0; r < n; r++) {
            int16_t *row = th_rows_new(&w, (int)l);
            for (size_t i = 0; i < in->n_items; i++) {
                const tm_item *it = &in->items[i];
                if (!instrument_item_asked(it, (int)l) || !instrument_item_scored(it)) continue;
                if (it->type == ITEM_INTENT) {
                    int good = it->intended >= 0 ? it->intended : 0;
                    row[i] = (int16_t)((best ? (good + 1) % (int)it->n_options : good) + 1);
                } else {
                    row[i] = (int16_t)(best ? 1 : it->points);
                }
            }
        }
    }
    json_t *an = th_analyse(&w, 5);
    json_t *want = json_pack("[s]", "bestuur");
    cr_assert(json_equal(json_object_get(an, "suppressed_layers"), want));
    json_decref(want);
    walk_state s = {"bestuur", 0, 0};
    static const char *const parts[] = {"themes", "domains", "cells",    "items",
                                        "rules",  "trend",   "benchmark"};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        walk(json_object_get(an, parts[i]), &s);
    /* one entry per theme (5), domain (4), theme x domain (20), scored item (71) */
    cr_assert_eq(s.layer_objects, 100, "bestuur entries: %zu", s.layer_objects);
    cr_assert_gt(s.means, 100, "means seen: %zu", s.means);
    /* the other layers are complete and unaffected */
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    ASSERT_REL(th_num(th_cell(th, "management", "score"), "n"), 6, 0, "n");
    ASSERT_REL(th_num(th_cell(th, "partners", "knowledge"), "mean"), 100, 0, "knowledge");
    ASSERT_REL(th_num(json_object_get(th, "thermometer"), "temperature"), 100, 0, "temperature");
    cr_assert_str_eq(str(json_object_get(th, "thermometer"), "band"), "goed");
    cr_assert_str_eq(str(th, "carry_from"), "management");
    cr_assert_str_eq(str(th, "carry_to"), "partners");
    /* a v1 "top-layer" item takes its key from the wave */
    json_t *top = th_unit(an, "items", "item", "fin-eff-kn-1");
    cr_assert_str_eq(str(top, "intended"), "a");
    cr_assert_str_eq(str(top, "intended_source"), "wave");
    /* sd 0 everywhere: the gap exists, diff 0, but t, p, g, ci95 are null */
    json_t *g = th_gap(th, "score", "management", "beleid");
    ASSERT_REL(th_num(g, "diff"), 0, 0, "diff");
    cr_assert(json_is_null(json_object_get(g, "t")) && json_is_null(json_object_get(g, "p")) &&
              json_is_null(json_object_get(g, "g")) && json_is_null(json_object_get(g, "ci95")) &&
              json_is_null(json_object_get(g, "p_holm")));
    /* carry 100 with sd 0 on both ends: se 0, the interval is [100, 100] */
    ASSERT_REL(th_ci(th, "carry_ci95", 0), 100, 0, "carry_ci95 lo");
    ASSERT_REL(th_ci(th, "carry_ci95", 1), 100, 0, "carry_ci95 hi");
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* k = 5. management (6 respondents, so not suppressed): q1 answered by 3
 * of them, k1/k2 by 4: those item cells are {"suppressed": true} and,
 * method v2, left out of management's aggregates. So management's score is
 * q2 alone: 4, 4, 4, 4, 4, 3 -> (5 * 75 + 50) / 6 = 425/6, exactly q2's
 * item cell (with q1 in, as in v1, the first three would score mean(100,
 * 75) = 87.5 and the mean would be (3 * 87.5 + 75 + 75 + 50) / 6 = 77.08).
 * Knowledge: every intent item is left out, so the cell is {"suppressed":
 * true}; bestuur and uitvoering remain. */
Test(suppression, small_cells)
{
    instrument *in = hand_instrument();
    th_rows w;
    th_rows_init(&w, in);
    th_key(&w, "k2", "a");
    for (int i = 0; i < 3; i++)
        th_row(&w, "bestuur", "5 5 a a");
    th_row(&w, "bestuur", "4 4 a b");
    th_row(&w, "bestuur", "4 4 b a");
    for (int i = 0; i < 3; i++)
        th_row(&w, "management", "5 4 a a");
    th_row(&w, "management", "- 4 - -");
    th_row(&w, "management", "- 4 - -");
    th_row(&w, "management", "- 3 a a");
    for (int i = 0; i < 4; i++)
        th_row(&w, "uitvoering", "3 3 a b");
    th_row(&w, "uitvoering", "2 3 b b");
    json_t *an = th_analyse(&w, 5);
    cr_assert(
        th_is_suppressed_cell(th_cell(th_unit(an, "items", "item", "q1"), "management", "score")));
    cr_assert(th_is_suppressed_cell(
        th_cell(th_unit(an, "items", "item", "k1"), "management", "knowledge")));
    json_t *q2 = th_cell(th_unit(an, "items", "item", "q2"), "management", "score");
    ASSERT_REL(th_num(q2, "n"), 6, 0, "q2 n");
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    cr_assert(json_is_false(json_object_get(th_layer(th, "management"), "suppressed")));
    json_t *ms = th_cell(th, "management", "score");
    ASSERT_REL(th_num(ms, "n"), 6, 0, "score n");
    ASSERT_REL(th_num(ms, "mean"), 425.0 / 6.0, TOL_ARITH, "score mean: q2 alone");
    ASSERT_REL(th_num(ms, "mean"), th_num(q2, "mean"), TOL_ARITH, "= q2's item cell");
    ASSERT_REL(th_num(ms, "sd"), th_num(q2, "sd"), TOL_ARITH, "sd = q2's item cell");
    cr_assert(th_is_suppressed_cell(th_cell(th, "management", "knowledge")));
    cr_assert(json_is_null(json_object_get(th_layer(th, "management"), "perception_gap")));
    /* knowledge: usable layers bestuur, uitvoering -> one adjacent gap */
    cr_assert_eq(th_count_gaps(th, "knowledge"), 1);
    cr_assert(json_is_true(
        json_object_get(th_gap(th, "knowledge", "bestuur", "uitvoering"), "adjacent")));
    cr_assert_eq(th_count_gaps(th, "score"), 3);
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* An empty wave: every layer suppressed, nothing computable, still valid
 * JSON with nulls. */
Test(suppression, empty_wave)
{
    instrument *in = hand_instrument();
    th_rows w;
    th_rows_init(&w, in);
    json_t *an = th_analyse(&w, 3);
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    cr_assert_eq(json_array_size(json_object_get(an, "suppressed_layers")), 3);
    cr_assert_eq(json_array_size(json_object_get(th, "gaps")), 0);
    cr_assert(json_is_null(json_object_get(th, "carry")));
    cr_assert(json_is_null(json_object_get(th, "carry_from")));
    cr_assert(json_is_null(json_object_get(th, "carry_to")));
    cr_assert(json_is_null(json_object_get(th, "carry_ci95")));
    cr_assert(json_is_null(json_object_get(json_object_get(th, "anova"), "score")));
    cr_assert(json_is_null(json_object_get(json_object_get(th, "thermometer"), "temperature")));
    cr_assert(json_is_null(json_object_get(json_object_get(th, "thermometer"), "band")));
    cr_assert(json_is_null(json_object_get(th_unit(an, "items", "item", "k2"), "intended")));
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Method v2: what enters an aggregate                                      */
/* ------------------------------------------------------------------------ */

/* q1 is asked of every layer (core); q2 only of bestuur and management;
 * k1 of every layer. k = 3. Only q1 enters the score:
 *   bestuur     q1 5, 4, 5 -> 100, 75, 100: mean 275/3, sd sqrt(625/3)
 *               (with q2 = 2, 1, 1 -> 25, 0, 0 it would have been
 *               62.5, 37.5, 50: mean 50)
 *   management  q1 3, 4, 3 -> 50, 75, 50: mean 175/3
 *   uitvoering  q1 2, 3, 2 -> 25, 50, 25: mean 100/3
 * so the theme's score cell equals q1's item cell in every layer. q2 keeps
 * its own statistics: bestuur 25, 0, 0 (mean 25/3), management 1, 2, 2 ->
 * 0, 25, 25 (mean 50/3), gap bestuur -> management -25/3. */
Test(method, core_items_only)
{
    instrument *in = th_mini(json_pack("[o,o,o]", th_item("q1", NULL, NULL),
                                       th_item("q2", NULL, "[\"bestuur\",\"management\"]"),
                                       th_item("k1", "a", NULL)));
    th_rows w;
    th_rows_init(&w, in);
    th_row(&w, "bestuur", "5 2 a");
    th_row(&w, "bestuur", "4 1 a");
    th_row(&w, "bestuur", "5 1 b");
    th_row(&w, "management", "3 1 a");
    th_row(&w, "management", "4 2 b");
    th_row(&w, "management", "3 2 a");
    th_row(&w, "uitvoering", "2 - a");
    th_row(&w, "uitvoering", "3 - c");
    th_row(&w, "uitvoering", "2 - a");
    json_t *an = th_analyse(&w, 3);
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    json_t *q1 = th_unit(an, "items", "item", "q1");
    ASSERT_REL(th_num(th_cell(th, "bestuur", "score"), "mean"), 275.0 / 3.0, TOL_ARITH, "b");
    ASSERT_REL(th_num(th_cell(th, "bestuur", "score"), "sd"), sqrt(625.0 / 3.0), TOL_ARITH, "sd");
    ASSERT_REL(th_num(th_cell(th, "management", "score"), "mean"), 175.0 / 3.0, TOL_ARITH, "m");
    ASSERT_REL(th_num(th_cell(th, "uitvoering", "score"), "mean"), 100.0 / 3.0, TOL_ARITH, "u");
    static const char *const layers[] = {"bestuur", "management", "uitvoering"};
    for (size_t l = 0; l < 3; l++) {
        json_t *g = th_cell(th, layers[l], "score"), *i = th_cell(q1, layers[l], "score");
        ASSERT_REL(th_num(g, "n"), th_num(i, "n"), 0, layers[l]);
        ASSERT_REL(th_num(g, "mean"), th_num(i, "mean"), TOL_ARITH, layers[l]);
        ASSERT_REL(th_num(g, "sd"), th_num(i, "sd"), TOL_ARITH, layers[l]);
    }
    json_t *q2 = th_unit(an, "items", "item", "q2");
    cr_assert(json_is_false(json_object_get(q2, "core")));
    ASSERT_REL(th_num(th_cell(q2, "bestuur", "score"), "mean"), 25.0 / 3.0, TOL_ARITH, "q2 b");
    ASSERT_REL(th_num(th_gap(q2, "score", "bestuur", "management"), "diff"), -25.0 / 3.0, TOL_ARITH,
               "q2 gap");
    cr_assert(json_is_null(th_cell(q2, "uitvoering", "score")), "q2 is not asked of uitvoering");
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* The attack of issue 10, item 4, with a viewer's API alone: six
 * respondents in management (k = 5); all answer q1, one of them also q2.
 * In method v1 that respondent's cell score was mean(q1, q2) and the
 * others' q1 alone, so the theme x domain cell's n, mean and sd minus q1's
 * published distribution gave their q2 answer. Method v2: q2's cell in
 * management has n = 1 < 5, so q2 is left out of every management
 * aggregate: the cell is q1 alone, q1 5, 4, 4, 3, 5, 4 -> 100, 75, 75, 50,
 * 100, 75: mean 475/6, sd sqrt(((125/6)^2 * 2 + (25/6)^2 * 3 + (175/6)^2)
 * / 5) = sqrt(2125/6). And the lone q2 answer changes nothing: the whole
 * analysis with q2 = 1 and with q2 = 5 is the same JSON. */
Test(method, suppressed_item_cell_leaves_every_aggregate)
{
    instrument *in = th_mini(json_pack("[o,o,o]", th_item("q1", NULL, NULL),
                                       th_item("q2", NULL, NULL), th_item("k1", "a", NULL)));
    json_t *an[2];
    for (int v = 0; v < 2; v++) {
        th_rows w;
        th_rows_init(&w, in);
        for (int r = 0; r < 5; r++) {
            th_row(&w, "bestuur", r % 2 ? "5 4 a" : "4 4 b");
            th_row(&w, "uitvoering", r % 2 ? "2 3 a" : "3 2 c");
        }
        th_row(&w, "management", v ? "5 5 a" : "5 1 a"); /* the one who answers q2 */
        th_row(&w, "management", "4 - a");
        th_row(&w, "management", "4 - b");
        th_row(&w, "management", "3 - a");
        th_row(&w, "management", "5 - a");
        th_row(&w, "management", "4 - c");
        an[v] = th_analyse(&w, 5);
        th_rows_free(&w);
    }
    json_t *q2 = th_unit(an[0], "items", "item", "q2");
    cr_assert(th_is_suppressed_cell(th_cell(q2, "management", "score")));
    json_t *q1 = th_cell(th_unit(an[0], "items", "item", "q1"), "management", "score");
    json_t *units[] = {th_unit(an[0], "themes", "theme", "eigen-kracht"),
                       th_unit(an[0], "domains", "domain", "effecten"),
                       th_cell_unit(an[0], "eigen-kracht", "effecten")};
    for (size_t u = 0; u < 3; u++) {
        json_t *c = th_cell(units[u], "management", "score");
        ASSERT_REL(th_num(c, "n"), 6, 0, "n");
        ASSERT_REL(th_num(c, "mean"), 475.0 / 6.0, TOL_ARITH, "mean: q1 alone");
        ASSERT_REL(th_num(c, "sd"), sqrt(2125.0 / 6.0), TOL_ARITH, "sd: q1 alone");
        ASSERT_REL(th_num(c, "mean"), th_num(q1, "mean"), TOL_ARITH, "= q1's item cell");
    }
    cr_assert(json_equal(an[0], an[1]), "the suppressed answer must not move any figure");
    json_decref(an[0]);
    json_decref(an[1]);
    instrument_free(in);
}

/* The half-answered rule counts over the items that enter the layer's
 * aggregate. q1..q5 likert, k1..k3 intent (intended a), all core, k = 3.
 * In management, q5 is answered by 2 (< k): left out, so the score
 * threshold is ceil(4/2) = 2, not ceil(5/2) = 3. Beside 3 complete
 * respondents (score 100, knowledge 100):
 *   "1 - - - - a - -"  1 of 4 numeric (< 2), 1 of 3 intent (< 2): not counted
 *   "1 ? ? ? - ? - -"  "weet niet" is not numeric: 1 of 4; 1 of 3: not counted
 *   "1 1 - - - b a -"  2 of 4: score 0; 2 of 3: knowledge (0 + 100) / 2 = 50
 * so score n 4, mean 300/4 = 75 (with q5 in, the last one would have 2 of
 * 5 < 3 and n would be 3); knowledge n 4, mean 350/4 = 87.5. */
Test(method, half_answered)
{
    instrument *in = th_mini(
        json_pack("[o,o,o,o,o,o,o,o]", th_item("q1", NULL, NULL), th_item("q2", NULL, NULL),
                  th_item("q3", NULL, NULL), th_item("q4", NULL, NULL), th_item("q5", NULL, NULL),
                  th_item("k1", "a", NULL), th_item("k2", "a", NULL), th_item("k3", "a", NULL)));
    th_rows w;
    th_rows_init(&w, in);
    for (int i = 0; i < 3; i++) {
        th_row(&w, "bestuur", "5 5 5 5 5 a a a");
        th_row(&w, "management", i < 2 ? "5 5 5 5 5 a a a" : "5 5 5 5 - a a a");
        th_row(&w, "uitvoering", "5 5 5 5 5 a a a");
    }
    th_row(&w, "management", "1 - - - - a - -");
    th_row(&w, "management", "1 ? ? ? - ? - -");
    th_row(&w, "management", "1 1 - - - b a -");
    json_t *an = th_analyse(&w, 3);
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    ASSERT_REL(th_num(th_cell(th, "management", "score"), "n"), 4, 0, "score n");
    ASSERT_REL(th_num(th_cell(th, "management", "score"), "mean"), 75, TOL_ARITH, "score mean");
    ASSERT_REL(th_num(th_cell(th, "management", "knowledge"), "n"), 4, 0, "knowledge n");
    ASSERT_REL(th_num(th_cell(th, "management", "knowledge"), "mean"), 87.5, TOL_ARITH, "kn");
    cr_assert(
        th_is_suppressed_cell(th_cell(th_unit(an, "items", "item", "q5"), "management", "score")));
    /* carry on knowledge over bestuur -> uitvoering: 100 * 100 / 100 */
    cr_assert_str_eq(str(th, "carry_measure"), "knowledge");
    ASSERT_REL(th_num(th, "carry"), 100, TOL_ARITH, "carry");
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* q2 is reverse-worded: agreeing (5) means worse alignment, so its
 * normalised value is 100 - 100 (x - 1) / 4. k = 3.
 *   bestuur     q1 5, 4, 5 -> 100, 75, 100; q2 1, 2, 1 -> 100, 75, 100
 *               scores 100, 75, 100: mean 275/3
 *   management  q1 3, q2 3 -> 50, 50 for all three: mean 50
 *   uitvoering  q1 2, 1, 2 -> 25, 0, 25; q2 4, 5, 5 -> 25, 0, 0
 *               scores 25, 0, 12.5: mean 12.5
 * q2's item cell keeps the raw answers for mean_raw, distribution and rwg:
 * bestuur mean_raw 4/3, distribution {1: 2, 2: 1}, raw variance 1/3, rwg
 * 1 - (1/3)/2 = 5/6; its 0-100 mean is the reversed 275/3. q2's gap bestuur
 * -> uitvoering: 275/3 - 25/3 = 250/3. */
Test(method, reverse_items)
{
    json_t *q2def = th_item("q2", NULL, NULL);
    json_object_set_new(q2def, "reverse", json_true());
    instrument *in =
        th_mini(json_pack("[o,o,o]", th_item("q1", NULL, NULL), q2def, th_item("k1", "a", NULL)));
    th_rows w;
    th_rows_init(&w, in);
    th_row(&w, "bestuur", "5 1 a");
    th_row(&w, "bestuur", "4 2 a");
    th_row(&w, "bestuur", "5 1 b");
    for (int i = 0; i < 3; i++)
        th_row(&w, "management", "3 3 a");
    th_row(&w, "uitvoering", "2 4 a");
    th_row(&w, "uitvoering", "1 5 b");
    th_row(&w, "uitvoering", "2 5 b");
    json_t *an = th_analyse(&w, 3);
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    ASSERT_REL(th_num(th_cell(th, "bestuur", "score"), "mean"), 275.0 / 3.0, TOL_ARITH, "b");
    ASSERT_REL(th_num(th_cell(th, "management", "score"), "mean"), 50, TOL_ARITH, "m");
    ASSERT_REL(th_num(th_cell(th, "uitvoering", "score"), "mean"), 12.5, TOL_ARITH, "u");
    json_t *q2 = th_unit(an, "items", "item", "q2");
    cr_assert(json_is_true(json_object_get(q2, "reverse")));
    json_t *c = th_cell(q2, "bestuur", "score");
    ASSERT_REL(th_num(c, "mean"), 275.0 / 3.0, TOL_ARITH, "q2 mean reversed");
    ASSERT_REL(th_num(c, "mean_raw"), 4.0 / 3.0, TOL_ARITH, "q2 mean_raw");
    ASSERT_REL(th_num(c, "rwg"), 5.0 / 6.0, TOL_ARITH, "q2 rwg");
    json_t *want = json_pack("{s:i, s:i, s:i, s:i, s:i}", "1", 2, "2", 1, "3", 0, "4", 0, "5", 0);
    cr_assert(json_equal(json_object_get(c, "distribution"), want), "raw distribution");
    json_decref(want);
    ASSERT_REL(th_num(th_gap(q2, "score", "bestuur", "uitvoering"), "diff"), 250.0 / 3.0, TOL_ARITH,
               "q2 gap");
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* Whether x correct of n lies on the boundary of the Wilson interval at p
 * (0-100): the score statistic (x/n - p)^2 / (p (1 - p) / n) equals z^2
 * there. This is the definition of the interval, independent of its closed
 * form in stats.c. */
static void assert_wilson_bound(double x, double n, double p100, const char *what)
{
    double p = p100 / 100.0, ph = x / n;
    if (p <= 0.0 || p >= 1.0) {
        cr_assert(p100 == (p <= 0.0 ? 0.0 : 100.0) && ph == (p <= 0.0 ? 0.0 : 1.0),
                  "%s: bound %g only at p-hat 0 or 1", what, p100);
        return;
    }
    double score = (ph - p) * (ph - p) / (p * (1.0 - p) / n);
    ASSERT_REL(score, Z975 * Z975, 1e-9, what);
}

/* Walks a unit's layer cells: every ci95 bound in [0, 100]; for intent
 * items the Wilson property. Returns the number of cells seen. */
static size_t check_cells(json_t *unit, const char *measure, int wilson)
{
    size_t i, n = 0;
    json_t *l;
    json_array_foreach(json_object_get(unit, "layers"), i, l)
    {
        json_t *c = json_object_get(l, measure);
        json_t *ci = json_object_get(c, "ci95");
        if (!json_is_array(ci)) continue;
        double lo = th_ci(c, "ci95", 0), hi = th_ci(c, "ci95", 1);
        cr_assert(lo >= 0 && lo <= hi && hi <= 100, "ci95 [%g, %g] leaves 0-100", lo, hi);
        n++;
        if (!wilson) continue;
        const char *key = json_string_value(json_object_get(unit, "intended"));
        double x = th_num(json_object_get(c, "distribution"), key), nn = th_num(c, "n");
        assert_wilson_bound(x, nn, lo, "wilson lo");
        assert_wilson_bound(x, nn, hi, "wilson hi");
    }
    return n;
}

static uint64_t rng_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* Random answers to the real instrument: per layer n respondents (the wave
 * sets option a for the items without a fixed key). */
static void random_wave(th_rows *w, const instrument *in, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < in->n_items; i++)
        if (in->items[i].type == ITEM_INTENT && in->items[i].intended < 0) w->intended[i] = 0;
    for (size_t l = 0; l < in->n_layers; l++)
        for (size_t r = 0; r < n; r++) {
            int16_t *row = th_rows_new(w, (int)l);
            for (size_t i = 0; i < in->n_items; i++) {
                const tm_item *it = &in->items[i];
                if (!instrument_item_scored(it) || !instrument_item_asked(it, (int)l)) continue;
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

/* Every ci95 of every layer cell of a random wave lies in [0, 100], and
 * every intent item's interval is the Wilson interval (checked by the score
 * statistic at both bounds). With 6 respondents per layer and skewed
 * answers, many t intervals reach past 0 or 100 and are clipped. */
Test(method, intervals_stay_inside_0_100)
{
    instrument *in = th_real();
    th_rows w;
    th_rows_init(&w, in);
    random_wave(&w, in, 6, 11);
    json_t *an = th_analyse(&w, 5);
    size_t seen = 0, i;
    json_t *u;
    static const char *const groups[] = {"themes", "domains", "cells"};
    for (size_t g = 0; g < 3; g++)
        json_array_foreach(json_object_get(an, groups[g]), i, u) seen +=
            check_cells(u, "score", 0) + check_cells(u, "knowledge", 0);
    size_t wilson = 0;
    json_array_foreach(json_object_get(an, "items"), i, u)
    {
        int intent = !strcmp(str(u, "type"), "intent");
        size_t n = check_cells(u, str(u, "measure"), intent);
        seen += n;
        wilson += intent ? n : 0;
    }
    cr_assert_gt(seen, 300, "cells checked: %zu", seen);
    cr_assert_gt(wilson, 40, "Wilson intervals checked: %zu", wilson);
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Intent keys                                                              */
/* ------------------------------------------------------------------------ */

/* k1 has the instrument's key a, but the wave sets b: b wins. k2 "local"
 * gets c from the wave; k3 (a v1 "top-layer" item) a; k4 ("local") gets
 * none: "intended": null, and it enters no knowledge aggregate. k = 3.
 *   bestuur     k1 b b a  k2 c c c  k3 a a b  -> 100, 100, 33.3: 700/9
 *   management  k1 b a a  k2 c b a  k3 a a b  -> 100, 33.3, 0:   400/9
 *   uitvoering  k1 a a c  k2 a b a  k3 a ? a  -> 33.3, 0, 33.3: 200/9
 * (had k4 counted as a wrong answer for everyone, bestuur would be
 * 3/4 of these). k1 in bestuur: 2 of 3 correct -> Wilson [20.77, 93.85]
 * ("wilson.2/3.*" of the reference script). k4's cells have their n and
 * distribution but no mean. */
Test(keys, wave_key_wins_and_no_key_is_null)
{
    instrument *in =
        th_mini(json_pack("[o,o,o,o,o]", th_item("q1", NULL, NULL), th_item("k1", "a", NULL),
                          th_item("k2", "local", NULL), th_item("k3", "top-layer", NULL),
                          th_item("k4", "local", NULL)));
    th_rows w;
    th_rows_init(&w, in);
    th_key(&w, "k1", "b");
    th_key(&w, "k2", "c");
    th_key(&w, "k3", "a");
    th_row(&w, "bestuur", "5 b c a a");
    th_row(&w, "bestuur", "5 b c a b");
    th_row(&w, "bestuur", "5 a c b c");
    th_row(&w, "management", "4 b c a a");
    th_row(&w, "management", "4 a b a a");
    th_row(&w, "management", "4 a a b ?");
    th_row(&w, "uitvoering", "3 a a a b");
    th_row(&w, "uitvoering", "3 a b ? b");
    th_row(&w, "uitvoering", "3 c a a a");
    json_t *an = th_analyse(&w, 3);
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    ASSERT_REL(th_num(th_cell(th, "bestuur", "knowledge"), "mean"), 700.0 / 9.0, TOL_ARITH, "b");
    ASSERT_REL(th_num(th_cell(th, "management", "knowledge"), "mean"), 400.0 / 9.0, TOL_ARITH, "m");
    ASSERT_REL(th_num(th_cell(th, "uitvoering", "knowledge"), "mean"), 200.0 / 9.0, TOL_ARITH, "u");
    cr_assert_str_eq(str(th, "knowledge_keys"), "wave");
    static const struct {
        const char *item, *intended;
    } want[] = {{"k1", "b"}, {"k2", "c"}, {"k3", "a"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *it = th_unit(an, "items", "item", want[i].item);
        cr_assert_str_eq(str(it, "intended"), want[i].intended, "%s", want[i].item);
        cr_assert_str_eq(str(it, "intended_source"), "wave", "%s", want[i].item);
    }
    json_t *k1 = th_cell(th_unit(an, "items", "item", "k1"), "bestuur", "knowledge");
    ASSERT_REL(th_num(k1, "mean"), 200.0 / 3.0, TOL_ARITH, "k1 scored against b");
    ASSERT_REL(th_ci(k1, "ci95", 0), 20.765960080204772, 1e-12, "k1 wilson lo");
    ASSERT_REL(th_ci(k1, "ci95", 1), 93.850805527960377, 1e-12, "k1 wilson hi");
    json_t *k4 = th_unit(an, "items", "item", "k4");
    cr_assert(json_is_null(json_object_get(k4, "intended")));
    cr_assert(json_is_null(json_object_get(k4, "intended_source")));
    json_t *c = th_cell(k4, "bestuur", "knowledge");
    ASSERT_REL(th_num(c, "n"), 3, 0, "k4 n");
    cr_assert(json_is_null(json_object_get(c, "mean")) && json_is_null(json_object_get(c, "sd")) &&
              json_is_null(json_object_get(c, "ci95")));
    json_t *d = json_pack("{s:i, s:i, s:i}", "a", 1, "b", 1, "c", 1);
    cr_assert(json_equal(json_object_get(c, "distribution"), d));
    json_decref(d);
    cr_assert_eq(json_array_size(json_object_get(k4, "gaps")), 0, "no mean, no gap");
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* The server's call without wave keys (wave_data.intended NULL): k1 keeps
 * the instrument's key a; the local k2 has none. The theme's knowledge is
 * k1 alone (bestuur a a b -> 200/3) and "knowledge_keys" is "instrument". */
Test(keys, without_wave_keys)
{
    instrument *in = th_mini(json_pack("[o,o,o]", th_item("q1", NULL, NULL),
                                       th_item("k1", "a", NULL), th_item("k2", "local", NULL)));
    th_rows w;
    th_rows_init(&w, in);
    for (int l = 0; l < 3; l++) {
        const char *layer = l == 0 ? "bestuur" : l == 1 ? "management" : "uitvoering";
        th_row(&w, layer, "5 a a");
        th_row(&w, layer, "4 a b");
        th_row(&w, layer, "3 b c");
    }
    wave_data wd = {.in = in, .n = w.n, .layer = w.layer, .scores = w.scores, .min_group_size = 3};
    tm_error err = TM_ERROR_INIT;
    json_t *an = analysis_run(&wd, NULL, NULL, &err);
    cr_assert(an, "%s", err.message);
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    ASSERT_REL(th_num(th_cell(th, "bestuur", "knowledge"), "mean"), 200.0 / 3.0, TOL_ARITH, "b");
    cr_assert_str_eq(str(th, "knowledge_keys"), "instrument");
    json_t *k1 = th_unit(an, "items", "item", "k1");
    cr_assert_str_eq(str(k1, "intended_source"), "instrument");
    cr_assert(json_is_null(json_object_get(th_unit(an, "items", "item", "k2"), "intended")));
    cr_assert_eq(json_array_size(json_object_get(an, "rules")), 0);
    json_decref(an);
    th_rows_free(&w);
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
    th_rows w;
    th_rows_init(&w, in);
    th_key(&w, "k2", "a");
    th_row(&w, "bestuur", "5 4 a a");
    th_row(&w, "bestuur", "4 4 a b");
    th_row(&w, "bestuur", "3 4 a a");
    th_row(&w, "management", "3 3 a a");
    th_row(&w, "management", "2 3 b a");
    th_row(&w, "management", "3 2 a b");
    json_t *an = th_analyse(&w, 3);
    json_t *want = json_pack("[s]", "uitvoering");
    cr_assert(json_equal(json_object_get(an, "suppressed_layers"), want));
    json_decref(want);
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    want = json_pack("{s:s, s:b}", "layer", "uitvoering", "suppressed", 1);
    cr_assert(json_equal(th_layer(th, "uitvoering"), want));
    cr_assert(json_equal(th_layer(th_unit(an, "items", "item", "q1"), "uitvoering"), want));
    json_decref(want);
    cr_assert_eq(json_array_size(json_object_get(th, "gaps")), 2);
    th_gap(th, "score", "bestuur", "management");
    th_gap(th, "knowledge", "bestuur", "management");
    cr_assert_eq(json_array_size(json_object_get(th, "links")), 1);
    cr_assert_str_eq(str(th, "carry_to"), "management", "the reference is the last usable layer");
    ASSERT_REL(th_num(json_object_get(json_object_get(th, "anova"), "score"), "df1"), 1, 0, "df1");
    ASSERT_REL(th_num(json_object_get(json_object_get(th, "anova"), "score"), "df2"), 4, 0, "df2");
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* bestuur (2 < 3) is suppressed, so the theme's chain starts at
 * management: carry_from says so. The wave's key for k2 is b.
 * management knowledge 50, 100, 0, 100, 50 (mean 60, sd sqrt(1750));
 * uitvoering 100, 50, 0 (mean 50, sd 50): carry = 100 * 50 / 60 = 83.33...,
 * se = sqrt(2500 / (3 * 2500) + 1750 / (5 * 3600)) = 0.6533, ci95 83.33 *
 * exp(-/+ 1.96 * 0.6533) = [23.03, 301.54] ("chain.*" of the reference
 * script): with 3 and 5 respondents the carry is barely known. One link
 * 50/60; thermometer level 55, spread 10, temperature 50, grade 5.5, band
 * zorg. */
Test(chain, first_layer_suppressed)
{
    instrument *in = hand_instrument();
    th_rows w;
    th_rows_init(&w, in);
    th_key(&w, "k2", "b");
    th_row(&w, "bestuur", "5 5 a a");
    th_row(&w, "bestuur", "5 5 a a");
    th_row(&w, "management", "4 4 a c");
    th_row(&w, "management", "4 4 a b");
    th_row(&w, "management", "4 4 b c");
    th_row(&w, "management", "4 4 a b");
    th_row(&w, "management", "4 4 a a");
    th_row(&w, "uitvoering", "3 3 a b");
    th_row(&w, "uitvoering", "3 3 b b");
    th_row(&w, "uitvoering", "3 3 c a");
    json_t *an = th_analyse(&w, 3);
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    cr_assert(json_is_true(json_object_get(th_layer(th, "bestuur"), "suppressed")));
    cr_assert_str_eq(str(th, "carry_measure"), "knowledge");
    ASSERT_REL(th_num(th_cell(th, "management", "knowledge"), "mean"), 60, TOL_ARITH, "mgmt");
    ASSERT_REL(th_num(th_cell(th, "uitvoering", "knowledge"), "mean"), 50, TOL_ARITH, "uitv");
    ASSERT_REL(th_num(th, "carry"), 250.0 / 3.0, TOL_ARITH, "carry");
    cr_assert_str_eq(str(th, "carry_from"), "management");
    cr_assert_str_eq(str(th, "carry_to"), "uitvoering");
    ASSERT_REL(th_ci(th, "carry_ci95", 0), 23.029691279719379, 1e-12, "carry_ci95 lo");
    ASSERT_REL(th_ci(th, "carry_ci95", 1), 301.54309756466105, 1e-12, "carry_ci95 hi");
    json_t *links = json_object_get(th, "links");
    cr_assert_eq(json_array_size(links), 1);
    cr_assert_str_eq(str(json_array_get(links, 0), "from"), "management");
    ASSERT_REL(th_num(json_array_get(links, 0), "ratio"), 5.0 / 6.0, TOL_ARITH, "link");
    json_t *t = json_object_get(th, "thermometer");
    ASSERT_REL(th_num(t, "temperature"), 50, TOL_ARITH, "temperature");
    ASSERT_REL(th_num(t, "grade"), 5.5, TOL_ARITH, "grade");
    cr_assert_str_eq(str(t, "band"), "zorg");
    cr_assert_eq(th_count_gaps(th, "knowledge"), 1);
    th_gap(th, "knowledge", "management", "uitvoering");
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Trend and benchmark                                                      */
/* ------------------------------------------------------------------------ */

/* This wave (k2's key a, as before): bestuur scores 100, 75, 75, 50, 62.5
 * (mean 72.5); previous = the hand wave (bestuur 84.375, sd
 * 11.967838846954226, n 4). Welch by the reference script ("trend.*"):
 * diff -11.875, p 0.28467628315710031. uitvoering has no respondents now:
 * no trend entry for it. */
static void trend_wave(th_rows *b, const char *k2_key)
{
    th_key(b, "k2", k2_key);
    th_row(b, "bestuur", "5 5 a a");
    th_row(b, "bestuur", "4 4 a a");
    th_row(b, "bestuur", "5 3 a a");
    th_row(b, "bestuur", "3 3 a a");
    th_row(b, "bestuur", "4 3 a a");
    for (int i = 0; i < 3; i++)
        th_row(b, "management", "3 3 a a");
}

Test(compare, trend)
{
    instrument *in;
    th_rows a, b;
    json_t *prev = hand_analysis(&in, &a);
    th_rows_init(&b, in);
    trend_wave(&b, "a");
    json_t *cur = th_analyse(&b, 3);
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(analysis_add_trend(cur, NULL, &err), 0);
    cr_assert_eq(json_array_size(json_object_get(cur, "trend")), 0);
    cr_assert_eq(analysis_add_trend(cur, prev, &err), 0, "%s", err.message);
    th_assert_dumpable(cur);
    json_t *trend = json_object_get(cur, "trend");
    cr_assert_eq(json_array_size(trend), 4); /* bestuur, management x score, knowledge */
    json_t *e = json_array_get(trend, 0);
    cr_assert_str_eq(str(e, "theme"), "eigen-kracht");
    cr_assert_str_eq(str(e, "layer"), "bestuur");
    cr_assert_str_eq(str(e, "measure"), "score");
    ASSERT_REL(th_num(e, "previous_mean"), 84.375, TOL_ARITH, "previous_mean");
    ASSERT_REL(th_num(e, "mean"), 72.5, TOL_ARITH, "mean");
    ASSERT_REL(th_num(e, "diff"), -11.875, TOL_ARITH, "diff");
    ASSERT_REL(th_num(e, "p"), 0.28467628315710031, TOL_GSL, "p");
    cr_assert(json_is_true(json_object_get(e, "comparable")));
    /* knowledge, same keys: comparable; bestuur 100 now, 75 before */
    e = json_array_get(trend, 1);
    cr_assert_str_eq(str(e, "measure"), "knowledge");
    cr_assert(json_is_true(json_object_get(e, "comparable")));
    ASSERT_REL(th_num(e, "diff"), 25, TOL_ARITH, "knowledge diff");
    size_t i;
    json_array_foreach(trend, i, e) cr_assert_str_neq(str(e, "layer"), "uitvoering");
    /* p_holm: Holm over the entries of the same measure that have a p. Two
     * families of two: score p 0.2847 (bestuur) and 0.3046 (management):
     * the smaller doubles (0.5694), the larger gets max(0.5694, 0.3046);
     * knowledge p 0.1817 (bestuur) and 0.0161 (management): 0.0323 and
     * max(0.0323, 0.1817). A family is one measure, never both. */
    double p_bs = th_num(json_array_get(trend, 0), "p");
    double p_bk = th_num(json_array_get(trend, 1), "p");
    double p_ms = th_num(json_array_get(trend, 2), "p");
    double p_mk = th_num(json_array_get(trend, 3), "p");
    cr_assert(p_bs < p_ms && p_mk < p_bk && 2 * p_bs > p_ms && 2 * p_mk < p_bk,
              "the family order this comment assumes");
    ASSERT_REL(th_num(json_array_get(trend, 0), "p_holm"), 2 * p_bs, TOL_ARITH, "p_holm bs");
    ASSERT_REL(th_num(json_array_get(trend, 2), "p_holm"), 2 * p_bs, TOL_ARITH, "p_holm ms");
    ASSERT_REL(th_num(json_array_get(trend, 3), "p_holm"), 2 * p_mk, TOL_ARITH, "p_holm mk");
    ASSERT_REL(th_num(json_array_get(trend, 1), "p_holm"), p_bk, TOL_ARITH, "p_holm bk");
    ASSERT_REL(p_ms, 0.30455878468053477, TOL_GSL, "management score p");
    /* an analysis of another method is not compared */
    json_object_set_new(prev, "method", json_integer(1));
    cr_assert_eq(analysis_add_trend(cur, prev, &err), 0);
    cr_assert_eq(json_array_size(json_object_get(cur, "trend")), 0, "method 1 vs 2");
    cr_assert_eq(analysis_add_trend(NULL, prev, &err), -1);
    cr_assert_eq(err.status, 500);
    tm_error_clear(&err);
    json_decref(prev);
    json_decref(cur);
    th_rows_free(&a);
    th_rows_free(&b);
    instrument_free(in);
}

/* The same two waves, but this time the wave set k2's key to b (the
 * municipality changed its intent): this wave's knowledge answers another
 * question than the previous one's, so its entries are "comparable": false
 * with "changed_items": ["k2"] and no diff or p; both means are still
 * shown (each is its own wave's figure). Score is unaffected. */
Test(compare, trend_with_a_changed_key)
{
    instrument *in;
    th_rows a, b;
    json_t *prev = hand_analysis(&in, &a);
    th_rows_init(&b, in);
    trend_wave(&b, "b");
    json_t *cur = th_analyse(&b, 3);
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(analysis_add_trend(cur, prev, &err), 0, "%s", err.message);
    th_assert_dumpable(cur);
    size_t i, knowledge = 0;
    json_t *e;
    json_array_foreach(json_object_get(cur, "trend"), i, e)
    {
        if (!strcmp(str(e, "measure"), "score")) {
            cr_assert(json_is_true(json_object_get(e, "comparable")));
            cr_assert(json_is_number(json_object_get(e, "diff")));
            continue;
        }
        knowledge++;
        cr_assert(json_is_false(json_object_get(e, "comparable")));
        cr_assert(json_is_null(json_object_get(e, "diff")) &&
                  json_is_null(json_object_get(e, "p")) &&
                  json_is_null(json_object_get(e, "p_holm")));
        json_t *want = json_pack("[s]", "k2");
        cr_assert(json_equal(json_object_get(e, "changed_items"), want));
        json_decref(want);
        cr_assert(json_is_number(json_object_get(e, "mean")) &&
                  json_is_number(json_object_get(e, "previous_mean")));
    }
    cr_assert_eq(knowledge, 2, "bestuur and management");
    json_decref(prev);
    json_decref(cur);
    th_rows_free(&a);
    th_rows_free(&b);
    instrument_free(in);
}

/* Peer j (1..5) answers j on q1 and q2 in every layer (score mean 25 (j -
 * 1): 0, 25, 50, 75, 100) and "a" on k1 and k2. Peer 5 has only 2
 * respondents in uitvoering (suppressed). set_key: whether the peer's wave
 * sets k2's key (a). */
static json_t *benchmark_peer(const instrument *in, int j, int set_key)
{
    th_rows o;
    th_rows_init(&o, in);
    if (set_key) th_key(&o, "k2", "a");
    char ans[32];
    snprintf(ans, sizeof ans, "%d %d a a", j, j);
    for (int r = 0; r < 3; r++) {
        th_row(&o, "bestuur", ans);
        th_row(&o, "management", ans);
        if (j < 5 || r < 2) th_row(&o, "uitvoering", ans);
    }
    json_t *an = th_analyse(&o, 3);
    th_rows_free(&o);
    return an;
}

typedef struct bench_want {
    const char *layer, *measure;
    double median, percentile, mean;
} bench_want;

static void assert_benchmark(json_t *cur, const bench_want *want, size_t n)
{
    json_t *bm = json_object_get(cur, "benchmark");
    cr_assert_eq(json_array_size(bm), n, "%zu entries", json_array_size(bm));
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(bm, i);
        cr_assert_str_eq(str(e, "layer"), want[i].layer);
        cr_assert_str_eq(str(e, "measure"), want[i].measure);
        ASSERT_REL(th_num(e, "organisations"), 5, 0, "organisations");
        ASSERT_REL(th_num(e, "median"), want[i].median, TOL_ARITH, "median");
        ASSERT_REL(th_num(e, "percentile"), want[i].percentile, TOL_ARITH, "percentile");
        ASSERT_REL(th_num(e, "mean"), want[i].mean, TOL_ARITH, "mean");
    }
}

/* This wave is the hand wave. Scores: bestuur 84.375 beats 4 of 5 ->
 * percentile 80, median 50; management 57.5 beats 3 -> 60; uitvoering has
 * 4 contributors: no entry.
 * 1. Every wave sets k2's key: the theme's knowledge rests on a local key
 *    ("knowledge_keys": "wave"), so knowledge is not benchmarked at all.
 * 2. No wave sets a key: k2 has none and knowledge is k1 alone, the
 *    instrument's question for everyone: bestuur a a a b -> 75, management
 *    a a b a c -> 60, every peer 100: percentile 0, median 100.
 * 3. As 2, but one peer sets a key for k2: its knowledge is its own
 *    question, so only 4 peers remain for knowledge: no knowledge entry.
 * 4. A peer analysed by another method does not count: 4 peers, nothing. */
Test(compare, benchmark_leaves_local_keys_out)
{
    instrument *in = hand_instrument();
    json_t *peers[5];
    tm_error err = TM_ERROR_INIT;

    th_rows a;
    th_rows_init(&a, in);
    hand_wave(&a); /* sets k2's key */
    json_t *cur = th_analyse(&a, 3);
    th_rows_free(&a);
    for (int j = 1; j <= 5; j++)
        peers[j - 1] = benchmark_peer(in, j, 1);
    cr_assert_eq(analysis_add_benchmark(cur, peers, 4, &err), 0);
    cr_assert_eq(json_array_size(json_object_get(cur, "benchmark")), 0, "4 organisations");
    cr_assert_eq(analysis_add_benchmark(cur, peers, 5, &err), 0);
    th_assert_dumpable(cur);
    static const bench_want scores[] = {{"bestuur", "score", 50, 80, 84.375},
                                        {"management", "score", 50, 60, 57.5}};
    assert_benchmark(cur, scores, 2);
    json_decref(cur);
    for (int j = 0; j < 5; j++)
        json_decref(peers[j]);

    th_rows_init(&a, in);
    hand_wave(&a);
    a.intended[instrument_item(in, "k2")->ordinal] = -1; /* no wave key after all */
    cur = th_analyse(&a, 3);
    th_rows_free(&a);
    cr_assert_str_eq(str(th_unit(cur, "themes", "theme", "eigen-kracht"), "knowledge_keys"),
                     "instrument");
    for (int j = 1; j <= 5; j++)
        peers[j - 1] = benchmark_peer(in, j, 0);
    cr_assert_eq(analysis_add_benchmark(cur, peers, 5, &err), 0);
    static const bench_want all[] = {{"bestuur", "score", 50, 80, 84.375},
                                     {"bestuur", "knowledge", 100, 0, 75},
                                     {"management", "score", 50, 60, 57.5},
                                     {"management", "knowledge", 100, 0, 60}};
    assert_benchmark(cur, all, 4);

    json_decref(peers[2]);
    peers[2] = benchmark_peer(in, 3, 1);
    cr_assert_eq(analysis_add_benchmark(cur, peers, 5, &err), 0);
    assert_benchmark(cur, scores, 2);

    json_object_set_new(peers[0], "method", json_integer(1));
    cr_assert_eq(analysis_add_benchmark(cur, peers, 5, &err), 0);
    cr_assert_eq(json_array_size(json_object_get(cur, "benchmark")), 0, "a method 1 peer");

    cr_assert_eq(analysis_add_benchmark(cur, NULL, 3, &err), -1);
    tm_error_clear(&err);
    for (int j = 0; j < 5; j++)
        json_decref(peers[j]);
    json_decref(cur);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Holm families                                                            */
/* ------------------------------------------------------------------------ */

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
            if (strcmp(str(g, "measure"), measure)) continue;
            if (json_is_null(json_object_get(g, "p"))) {
                cr_assert(json_is_null(json_object_get(g, "p_holm")));
                continue;
            }
            cr_assert_lt(m, 4096);
            gaps[m] = g;
            p[m++] = th_num(g, "p");
        }
    }
    cr_assert_gt(m, 10, "%s %s: only %zu gaps", level, measure, m);
    holm_by_hand(p, m, adj);
    for (size_t k = 0; k < m; k++)
        ASSERT_REL(th_num(gaps[k], "p_holm"), adj[k], 1e-15, level);
}

/* p_holm spans the whole level (all themes' score gaps, ...), not one
 * theme: checked against Holm by hand over each of the 8 families. */
Test(method, holm_families)
{
    instrument *in = th_real();
    th_rows w;
    th_rows_init(&w, in);
    random_wave(&w, in, 12, 7);
    json_t *an = th_analyse(&w, 5);
    static const char *const levels[] = {"themes", "domains", "cells", "items"};
    for (size_t i = 0; i < 4; i++) {
        assert_family(an, levels[i], "score");
        assert_family(an, levels[i], "knowledge");
    }
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* ------------------------------------------------------------------------ */
/* Bad input                                                                */
/* ------------------------------------------------------------------------ */

static int run_status(const wave_data *wd)
{
    tm_error err = TM_ERROR_INIT;
    json_t *an = analysis_run(wd, NULL, NULL, &err);
    cr_assert_null(an);
    cr_assert(err.message[0]);
    int status = err.status;
    tm_error_clear(&err);
    return status;
}

Test(errors, bad_input)
{
    instrument *in = hand_instrument();
    th_rows w;
    th_rows_init(&w, in);
    th_row(&w, "bestuur", "5 5 a a");
    wave_data wd = th_wave_data(&w, 2);
    cr_assert_eq(run_status(&wd), 422, "k below 3");
    wd.min_group_size = 3;
    w.layer[0] = 3;
    cr_assert_eq(run_status(&wd), 500, "layer outside the chain");
    w.layer[0] = 0;
    w.scores[0] = 6;
    cr_assert_eq(run_status(&wd), 500, "likert 6 of 5");
    w.scores[0] = -2;
    cr_assert_eq(run_status(&wd), 500, "code -2");
    w.scores[0] = 5;
    w.scores[2] = 4;
    cr_assert_eq(run_status(&wd), 500, "option 4 of 3");
    w.scores[2] = 1;
    w.intended[3] = 3;
    cr_assert_eq(run_status(&wd), 500, "a wave key outside the options");
    w.intended[3] = -1;
    w.intended[0] = 1;
    cr_assert_eq(run_status(&wd), 500, "a wave key for a likert item");
    w.intended[0] = -1;
    tm_error err = TM_ERROR_INIT;
    cr_assert_null(analysis_run(NULL, NULL, NULL, &err));
    cr_assert_eq(err.status, 500);
    tm_error_clear(&err);
    json_t *an = analysis_run(&wd, NULL, NULL, &err);
    cr_assert(an, "the repaired wave runs: %s", err.message);
    json_decref(an);
    th_rows_free(&w);
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
    instrument *in = th_real();
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
            if (!instrument_item_asked(it, (int)l) || it->type == ITEM_TEXT) continue;
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
    wave_data w = {.in = in, .n = n, .layer = layer, .scores = scores, .min_group_size = 5};
    tm_error err = TM_ERROR_INIT;
    json_t *an = analysis_run(&w, NULL, NULL, &err);
    cr_assert(an, "%s", err.message);
    cr_assert_eq(json_array_size(json_object_get(an, "themes")), 5);
    cr_assert_eq(json_array_size(json_object_get(an, "suppressed_layers")), 0);
    ASSERT_REL(
        th_num(th_cell(th_unit(an, "themes", "theme", "eigen-kracht"), "uitvoering", "score"), "n"),
        50000, 0.02, "about half are uitvoering");
    th_assert_dumpable(an);
    json_decref(an);
    free(layer);
    free(scores);
    instrument_free(in);
}
