/* analysis.h - the gap analysis of one wave: how well the intent carries down
 * the chain (docs/method.md describes it).
 *
 * The caller (the API, the CLI, the Excel report) loads a wave's submitted
 * responses into a wave_data and gets the whole analysis as one JSON object.
 * This module does no I/O, no SQL and no HTTP, never prints and never exits;
 * all statistics come from reports/stats.h. It is reentrant: no global state.
 *
 *   wave_data w = {in, n, layer, scores, 5};
 *   tm_error err = TM_ERROR_INIT;
 *   json_t *a = analysis_run(&w, wave_json, response_json, &err);
 *   if (!a) { ... err.status, err.message ... }
 *   analysis_add_trend(a, previous_analysis, &err);       // optional
 *   analysis_add_benchmark(a, others, n_others, &err);    // optional
 *   ... json_dumps(a, 0) ...
 *   json_decref(a);
 *
 * The JSON (fields of the contract plus the ones marked "+")
 * ----------------------------------------------------------
 * {"wave": copy of the caller's object,  "chain": [layer keys in order],
 *  + "min_group_size": k,  + "suppressed_layers": [keys of suppressed layers],
 *  "response": copy of the caller's array,
 *  "themes":  [GROUP + {"theme": key}],
 *  "domains": [GROUP + {"domain": key}],
 *  + "cells": [{"theme", "domain", "layers": [LAYER...], "gaps": [GAP...]}]
 *             (every theme x domain with at least one scored item),
 *  "items":   [ITEM...] (likert, grade and intent items, instrument order),
 *  "trend": [], "benchmark": []}
 *
 * GROUP = {"layers": [LAYER...], "gaps": [GAP...],
 *          "anova": {"score": ANOVA|null, "knowledge": ANOVA|null},
 *          "carry": %|null, + "carry_measure": "knowledge"|"score",
 *          "links": [{"from", "to", "ratio"}...],
 *          "thermometer": {"temperature", "grade", "band", + "level", + "spread"}}
 * LAYER = {"layer": key, "suppressed": true}                 (suppressed layer)
 *       | {"layer": key, "suppressed": false, "score": CELL, "knowledge": CELL,
 *          "perception_gap": number|null}
 * CELL  = {"n", "mean", "sd", "ci95": [lo, hi]|null}   (0-100 scale)
 *       | {"suppressed": true}     (n < k in a non-suppressed layer)
 *       | null                     (no item of that kind asked to the layer)
 * GAP   = {"measure", "from", "to", + "adjacent": bool, "diff", "t", "df", "p",
 *          "p_holm", "g", "ci95": [lo, hi]|null}
 * ANOVA = {"f", "df1", "df2" (integers), "p", "eta2"}
 * ITEM  = {"item", + "type", + "theme", + "domain",
 *          + "measure": "score" (likert, grade) | "knowledge" (intent),
 *          "intended": option key|null (intent items only; for "top-layer"
 *                      the resolved key), + "intended_layer": key|null
 *                      (top-layer items only: the layer it was taken from),
 *          "layers": [{"layer", "suppressed": false, MEASURE: ITEMCELL}
 *                     | {"layer", "suppressed": true}],
 *          "gaps": [GAP...]}
 *   where MEASURE is the item's "measure" value, so item layers have the
 *   same shape as group layers. ITEMCELL is CELL plus "dont_know" (count),
 *   "distribution" ({"1": count, ...} for likert 1..A and grade 1..10, option
 *   key -> count for intent; zero counts included), + "mean_raw" (likert and
 *   grade: on the 1..A / 1..10 scale) and "rwg" (likert only); or
 *   {"suppressed": true}; or null when the item is not asked to the layer.
 *   For likert/grade n counts the numeric answers ("weet niet" excluded and
 *   counted in dont_know); for intent n counts every answer including "weet
 *   niet" (which scores 0), and the mean is the percentage correct.
 *
 * A statistic that cannot be computed is null, never 0 or NaN. Numbers carry
 * full double precision.
 *
 * Decisions where the contract is silent
 * --------------------------------------
 * - Suppression. A layer with fewer than k responses in the wave (0
 *   included) is {"layer", "suppressed": true} everywhere. A cell (group x
 *   layer x measure, or item x layer) with n < k in a non-suppressed layer
 *   is {"suppressed": true}. "Usable" below means: layer not suppressed,
 *   measure present, cell not suppressed. Gaps, ANOVA, carry, links,
 *   perception gap, thermometer and Holm families use usable cells only.
 *   There are no totals over layers, so nothing can be recovered by
 *   subtraction.
 * - Gap pairs per measure: the usable layers in chain order, every adjacent
 *   pair ("adjacent": true) plus first -> last when they are not adjacent
 *   ("adjacent": false). Score gaps come before knowledge gaps.
 * - Holm families (p_holm): one family per level and measure, i.e. all
 *   theme-level score gaps of the wave (the contract's family), all
 *   theme-level knowledge gaps, and likewise separately for the domain
 *   level, the theme x domain cell level and the item level (8 families).
 *   A gap whose p is null is not in its family and has p_holm null.
 * - Items use the same 0-100 scale as groups, so item gaps compare with
 *   theme gaps; ci95 and sd too. rwg is from the raw 1..A answers.
 * - "top-layer" intents: the modal option ("weet niet" excluded, ties to
 *   the earlier option) of the first layer in chain order that is asked the
 *   item, is not suppressed, whose item cell is not suppressed (>= k
 *   answers, so the mode reveals nothing its published distribution does
 *   not) and that gave at least one option answer. When no layer qualifies,
 *   "intended" is null and no answer counts as correct.
 * - carry_measure is "knowledge" when the group has intent items and the
 *   knowledge measure has >= 2 usable layers; else "score" when the group
 *   has likert/grade items; else "knowledge". carry = 100 * mean_last /
 *   mean_first over that measure's first and last usable layers, null with
 *   < 2 usable layers or mean_first == 0. links[].ratio = mean_lower /
 *   mean_upper (a fraction) per adjacent usable pair, null when mean_upper
 *   is 0. The thermometer uses the usable layer means of carry_measure
 *   (one layer is enough: spread 0); bands from the instrument.
 * - Responses with a score code outside the item's range are an error (500):
 *   the data were validated on the way in, so such a code means corruption.
 *   Answers to items not asked to the respondent's layer are ignored.
 */
#ifndef TM_ANALYSIS_H
#define TM_ANALYSIS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/instrument.h"

/* The submitted responses of one wave, as the caller loaded them. Nothing in
 * it is owned by the analysis; every pointer is borrowed for the call. */
typedef struct wave_data {
    const instrument *in;  /* the wave's instrument */
    size_t n;              /* submitted responses of the wave */
    const uint8_t *layer;  /* n entries: layer index into in->layers */
    const int16_t *scores; /* n * in->n_items, row-major (response r's scores start at
                              r * in->n_items), encoded as in core/answers.h:
                              0 unanswered, -1 "weet niet", likert/grade the value,
                              intent/choice option index + 1 */
    int min_group_size;    /* k: at least 3 */
} wave_data;

/* The whole analysis of a wave (see the top of this file for the JSON).
 *
 * wave and response are borrowed: deep copies go to "wave" and "response"
 * (either may be NULL, giving null). "trend" and "benchmark" are set to [].
 * Returns a new reference (the caller owns it), or NULL with err set:
 * 422 when min_group_size < 3, 500 on bad arguments (NULL pointers, a layer
 * index outside the chain, a score code outside an item's range) or when
 * memory runs out. Time and memory are linear in n * n_items (two passes
 * over the score matrix); extra memory does not grow with n. */
json_t *analysis_run(const wave_data *w, json_t *wave, json_t *response, tm_error *err);

/* Sets analysis["trend"] from the analysis JSON of the previous wave (both
 * borrowed; analysis is modified in place). One entry per theme x layer x
 * measure where both waves have a usable cell (themes and layers matched by
 * key):
 *   {"theme", "layer", "measure", "previous_mean", "mean",
 *    "diff": mean - previous_mean, "p": two-sided Welch p|null}
 * previous NULL gives "trend": []. Cells of the previous analysis that are
 * missing, suppressed or malformed are simply not usable.
 * Returns 0, or -1 with err set (500) when analysis is not an analysis
 * object or memory runs out (analysis is then unchanged). */
int analysis_add_trend(json_t *analysis, json_t *previous, tm_error *err);

/* Sets analysis["benchmark"] from the analyses of other organisations
 * (others[0..n_others-1], borrowed, one per organisation: its latest closed
 * wave of the same instrument key; NULL entries are skipped; others may be
 * NULL when n_others is 0). One entry per theme x layer x measure where this
 * wave's cell is usable and at least 5 organisations have a usable cell:
 *   {"theme", "layer", "measure", "organisations": count,
 *    "median": median of their layer means,
 *    "percentile": stats_percentile_rank() of this mean among theirs,
 *    "mean": this wave's layer mean}
 * Returns 0, or -1 with err set (500) when analysis is not an analysis
 * object, others is NULL with n_others > 0, or memory runs out (analysis is
 * then unchanged). */
int analysis_add_benchmark(json_t *analysis, json_t *const *others, size_t n_others, tm_error *err);

#endif
