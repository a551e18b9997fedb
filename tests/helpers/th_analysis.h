/* th_analysis.h - shared helpers for the analysis tests (test_analysis.c,
 * test_analysis_rules.c): small instruments built in the test, waves written
 * as one line per respondent, the analysis run on them, and access to the
 * JSON it returns.
 *
 *   instrument *in = th_mini(json_pack("[o,o]", th_item("q1", NULL, NULL),
 *                                       th_item("k1", "local", NULL)));
 *   th_rows w;
 *   th_rows_init(&w, in);
 *   th_key(&w, "k1", "b");                       // the wave's own key
 *   th_row(&w, "bestuur", "5 b");                // one respondent
 *   json_t *an = th_analyse(&w, 3);                  // k = 3
 *   double m = th_num(th_cell(th_unit(an, "themes", "theme", "eigen-kracht"),
 *                             "bestuur", "score"), "mean");
 *   json_decref(an);
 *   th_rows_free(&w);
 *   instrument_free(in);
 *
 * Every helper aborts the test (cr_assert) on a surprise.
 */
#ifndef TM_TH_ANALYSIS_H
#define TM_TH_ANALYSIS_H

#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "core/instrument.h"
#include "reports/analysis/analysis.h"

#define TOL_ARITH 1e-13 /* plain arithmetic on a handful of values */
#define TOL_GSL 1e-10   /* anything through a GSL cdf or quantile */
#define TH_REAL_INSTRUMENT "survey-defs/thermometer-sociaal-domein-v1.json"

#define ASSERT_REL(actual, expected, tol, what)                                                    \
    do {                                                                                           \
        double a_ = (actual), e_ = (expected);                                                     \
        double err_ = e_ == 0.0 ? fabs(a_) : fabs(a_ - e_) / fabs(e_);                             \
        cr_assert(err_ <= (tol), "%s: got %.17g, expected %.17g (rel err %.3g)", (what), a_, e_,   \
                  err_);                                                                           \
    } while (0)

/* ---- instruments ---------------------------------------------------------- */

/* One item of the mini instrument, theme eigen-kracht, domain effecten:
 * intended NULL makes a likert item, else an intent item with options a, b,
 * c and that "intended" ("a", "local", "top-layer", ...). layers: NULL
 * (every layer: a core item) or a JSON array text. New reference. */
json_t *th_item(const char *key, const char *intended, const char *layers);

/* The mini instrument with the given items (stolen): layers bestuur,
 * management, uitvoering; theme eigen-kracht; domain effecten. */
instrument *th_mini(json_t *items);

/* The repository's instrument (survey-defs/). */
instrument *th_real(void);

/* ---- waves ---------------------------------------------------------------- */

typedef struct th_rows {
    const instrument *in;
    size_t n, cap;
    uint8_t *layer;
    int16_t *scores;
    int *intended; /* the wave's keys, in->n_items entries, -1 = none */
    size_t n_rules;
    analysis_rule rules[16];
    uint8_t *ratings; /* n * n_rules */
} th_rows;

void th_rows_init(th_rows *w, const instrument *in);
void th_rows_free(th_rows *w);

/* A new zeroed response of layer (index); rule ratings zero (unanswered). */
int16_t *th_rows_new(th_rows *w, int layer);

/* One response of layer (key): one token per item in instrument order: a
 * number (likert/grade value), a letter (option a, b, c...), "?" ("weet
 * niet") or "-" (unanswered); then, when the wave has rules, "|" and one
 * token per rule: h (helpt), n (neutraal), b (belemmert), o (onbekend: "ken
 * ik niet") or - (unanswered). */
void th_row(th_rows *w, const char *layer, const char *answers);

/* The wave sets option (key) as the intended answer of item (key). */
void th_key(th_rows *w, const char *item, const char *option);

/* The wave's rules: keys (and texts "Regel <key>"); before any th_row. */
void th_rules(th_rows *w, size_t n, const char *const *keys);

/* The wave_data of the rows (pointers into w). */
wave_data th_wave_data(const th_rows *w, int k);

/* The analysis of the rows with k; asserts success and that the JSON dumps
 * without NaN or infinities. New reference. */
json_t *th_analyse(const th_rows *w, int k);

/* json_dumps succeeds and, outside strings, the only words are true, false
 * and null. */
void th_assert_dumpable(json_t *an);

/* ---- the JSON ------------------------------------------------------------- */

/* The element of arr whose string field equals key (asserts it exists).
 * Borrowed. */
json_t *th_find(json_t *arr, const char *field, const char *key);

/* level "themes"/"domains"/"items"/"rules"; field "theme"/"domain"/"item"/
 * "rule". Borrowed. */
json_t *th_unit(json_t *an, const char *level, const char *field, const char *key);

/* The theme x domain entry of "cells". Borrowed. */
json_t *th_cell_unit(json_t *an, const char *theme, const char *domain);

json_t *th_layer(json_t *unit, const char *layer);
json_t *th_cell(json_t *unit, const char *layer, const char *measure);

/* o[key] as a number (asserts it is one). */
double th_num(json_t *o, const char *key);

/* o["ci95"][i] (asserts a number). */
double th_ci(json_t *o, const char *key, size_t i);

/* The gap of measure from -> to (asserts it exists). Borrowed. */
json_t *th_gap(json_t *unit, const char *measure, const char *from, const char *to);
size_t th_count_gaps(json_t *unit, const char *measure);

/* Whether c is exactly {"suppressed": true}. */
int th_is_suppressed_cell(json_t *c);

typedef struct th_cell_expect {
    const char *layer, *measure;
    double n, mean, sd, lo, hi;
} th_cell_expect;

void th_assert_cell(json_t *unit, const th_cell_expect *e);

typedef struct th_gap_expect {
    const char *measure, *from, *to;
    double diff, t, df, p, g, lo, hi, p_holm;
} th_gap_expect;

/* lo NAN: ci95 not checked. */
void th_assert_gap(json_t *unit, const th_gap_expect *e);

#endif
