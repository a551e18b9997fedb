/* analysis.h - the gap analysis of one wave: how well the intent carries down
 * the chain, by method v2. docs/method.md is the whole description: every
 * formula, every field of the JSON, every suppression rule and the attack it
 * stops. This header is the interface.
 *
 * The caller (the API, the CLI, the Excel report) loads a wave's submitted
 * responses into a wave_data and gets the whole analysis as one JSON object.
 * This module does no I/O, no SQL and no HTTP, never prints and never exits;
 * the statistics come from reports/analysis/stats.h, the measure names from
 * reports/analysis/measures.h. It is reentrant: no global state.
 *
 *   wave_data w = {.in = in, .n = n, .layer = layer, .scores = scores,
 *                  .min_group_size = 5};          // the rest may stay zero
 *   tm_error err = TM_ERROR_INIT;
 *   json_t *a = analysis_run(&w, wave_json, response_json, &err);
 *   if (!a) { ... err.status, err.message ... }
 *   analysis_add_trend(a, previous_analysis, &err);       // optional
 *   analysis_add_benchmark(a, peers, n_peers, &err);      // optional
 *   ... json_dumps(a, 0) ...
 *   json_decref(a);
 *
 * In short (docs/method.md for the rest): only core items (asked of every
 * layer) enter the theme, domain and theme x domain aggregates, and an item
 * whose own cell in a layer has n < k is left out of every aggregate of that
 * layer; a layer with fewer than k respondents and any cell with n < k are
 * {"suppressed": true}; ci95 of a layer cell lies in [0, 100] (Wilson for an
 * intent item's share correct); reverse-worded likert items count as
 * 100 - score; an intent item's key is the wave's when the wave sets one,
 * else the instrument's fixed option, else none ("intended": null: the item
 * enters no knowledge aggregate); "rules" rates the wave's local rules.
 */
#ifndef TM_ANALYSIS_H
#define TM_ANALYSIS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/instrument.h"

/* The method version written as "method" into every analysis. Trend and
 * benchmark compare only analyses of the same method; a cache of analyses
 * must recompute one whose "method" differs. */
#define ANALYSIS_METHOD 2

/* Rule ratings are coded as in core/instrument.h (RULE_HELPT ...). */

/* Two layers' net ratings of a rule this far apart (or further) are a
 * conflict. */
#define ANALYSIS_RULE_CONFLICT 50.0

/* One of the wave's local rules (borrowed strings). */
typedef struct analysis_rule {
    const char *key;     /* unique within the wave */
    const char *text;    /* as the respondents read it; may be NULL */
    const char *text_en; /* as English respondents read it; NULL when the wave gave none */
} analysis_rule;

/* The submitted responses of one wave and the wave's own settings, as the
 * caller loaded them. Nothing in it is owned by the analysis; every pointer
 * is borrowed for the call. Fields after min_group_size may be left zero:
 * no wave keys, no rules. */
typedef struct wave_data {
    const instrument *in;  /* the wave's instrument */
    size_t n;              /* submitted responses of the wave */
    const uint8_t *layer;  /* n entries: layer index into in->layers */
    const int16_t *scores; /* n * in->n_items, row-major (response r's scores start at
                              r * in->n_items), encoded as in core/answers.h:
                              0 unanswered, -1 "weet niet", likert/grade the value,
                              intent/choice option index + 1 */
    int min_group_size;    /* k: at least 3 */
    /* The wave's intent keys: NULL (none), or in->n_items entries indexed by
     * item ordinal: the option index the wave set as the intended answer of
     * that intent item, or -1 for none. A wave key wins over the
     * instrument's fixed "intended"; an item with "intended": "local" (or a
     * v1 "top-layer") has a key only through the wave. Non-intent items
     * must be -1. */
    const int *intended;
    /* The wave's local rules and every response's rating of each. */
    size_t n_rules;              /* 0 when the wave has none */
    const analysis_rule *rules;  /* n_rules entries */
    const uint8_t *rule_answers; /* n * n_rules codes RULE_*, row-major like scores */
} wave_data;

/* The whole analysis of a wave (see docs/method.md for the JSON).
 *
 * wave and response are borrowed: deep copies go to "wave" and "response"
 * (either may be NULL, giving null). "trend" and "benchmark" are set to [].
 * Returns a new reference (the caller owns it), or NULL with err set:
 * 422 when min_group_size < 3, 500 on bad arguments (NULL pointers, a layer
 * index outside the chain, a score code outside an item's range, a wave
 * key that is not an option of an intent item, a rule code above
 * RULE_ONBEKEND, a rule without a key or with a key used twice) or when
 * memory runs out. Time and memory are linear in n * (n_items + n_rules)
 * (two passes over the score matrix); extra memory does not grow with n. */
json_t *analysis_run(const wave_data *w, json_t *wave, json_t *response, tm_error *err);

/* Sets analysis["trend"] from the analysis JSON of the previous wave (both
 * borrowed; analysis is modified in place). One entry per theme x layer x
 * measure where both waves have a usable cell (themes and layers matched by
 * key):
 *   {"theme", "layer", "measure", "previous_mean", "mean",
 *    "diff": mean - previous_mean|null, "p": two-sided Welch p|null,
 *    "comparable": bool, "changed_items": [item keys] (knowledge only),
 *    "p_holm": p adjusted by Holm-Bonferroni over the entries of the same
 *    measure that have a p|null}
 * A knowledge entry is "comparable": false, with diff and p null, when an
 * intent item of that theme that counts in either wave had another key (or
 * none) in the other wave: the two means then answer different questions.
 * previous NULL, or an analysis of another "method", gives "trend": [].
 * Cells of the previous analysis that are missing, suppressed or malformed
 * are simply not usable.
 * Returns 0, or -1 with err set (500) when analysis is not an analysis
 * object or memory runs out (analysis is then unchanged). */
int analysis_add_trend(json_t *analysis, json_t *previous, tm_error *err);

/* Sets analysis["benchmark"] from the analyses of benchmark peers
 * (peers[0..n_peers-1], borrowed, one per organisation: its latest closed
 * wave of the same instrument key; the caller passes only organisations an
 * admin marked as peers; NULL entries and analyses of another "method" are
 * skipped; peers may be NULL when n_peers is 0). One entry per theme x layer
 * x measure where this wave's cell is usable and at least 5 peers have a
 * usable cell:
 *   {"theme", "layer", "measure", "organisations": count,
 *    "median": median of their layer means,
 *    "percentile": stats_percentile_rank() of this mean among theirs,
 *    "mean": this wave's layer mean}
 * Knowledge is benchmarked only where the theme's "knowledge_keys" is
 * "instrument", both here and at the peer: an item keyed by a wave is that
 * municipality's own question and never enters a benchmark.
 * Returns 0, or -1 with err set (500) when analysis is not an analysis
 * object, peers is NULL with n_peers > 0, or memory runs out (analysis is
 * then unchanged). */
int analysis_add_benchmark(json_t *analysis, json_t *const *peers, size_t n_peers, tm_error *err);

#endif
