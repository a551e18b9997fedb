/* answers.h - a respondent's answers, checked against the instrument.
 *
 * Answers arrive as a JSON object {"item-key": value} (the API, the bulk
 * import, and the form after decoding). This module checks every value for
 * the respondent's layer and turns the answers into the stored form: one
 * small integer per item (see sql/001_initial.sql, responses.scores) plus a
 * JSON object for text and multiple-choice answers. The reverse direction
 * gives drafts and exports back as JSON.
 *
 * Values: likert an integer 1..points; grade 1..10; intent and single choice
 * an option key; multiple choice an array of option keys; text a string of
 * at most max_length characters; "dont_know" where the item offers "weet
 * niet"; absent or null = unanswered.
 */
#ifndef TM_ANSWERS_H
#define TM_ANSWERS_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "core/instrument.h"

#define SCORE_UNANSWERED 0
#define SCORE_DONT_KNOW (-1)

typedef struct answer_set {
    int16_t *scores; /* in->n_items entries; owned */
    size_t n;
    json_t *extra;   /* {"key": "text" | ["a","b"]}; NULL when empty; owned */
    size_t answered; /* items with an answer (including "weet niet") */
} answer_set;

typedef enum answers_mode {
    ANSWERS_DRAFT,  /* values are checked, required items may be missing */
    ANSWERS_SUBMIT, /* ... and required items must be answered, and at least half of the
                       core items (answers_core_count) */
} answers_mode;

/* Checks answers (borrowed JSON object) for a respondent of layer (index)
 * and fills out (caller frees with answers_free). On any problem returns
 * -1 with err status 422 and one detail per problem:
 *   {"item": "ek-eff-1", "error": "must be a whole number from 1 to 5, or \"dont_know\""}
 * Unknown keys, items not asked to the layer, wrong types and out-of-range
 * values are all reported, not only the first. In ANSWERS_SUBMIT mode, too
 * few core items answered is one more detail (answers_too_few), with no
 * "item". */
int answers_check(const instrument *in, int layer, json_t *answers, answers_mode mode,
                  answer_set *out, tm_error *err);

/* Only real respondents count: a submission (or an imported row) must
 * answer at least half, rounded up, of the core scored items its layer is
 * asked (likert, grade and intent items asked of every layer: the items
 * that enter the figures). "Weet niet" counts as an answer; text and choice
 * items do not count (they enter no figure). Someone who sends a nearly
 * empty form would otherwise be a respondent who changes nothing but n, and
 * k - 1 such forms un-suppress a layer of one real person.
 *
 * answers_core_count gives how many core items of layer the scores answer
 * (*answered) and how many are needed (*needed = ceil(asked / 2)); it
 * returns how many more are needed (0 when enough). */
size_t answers_core_count(const instrument *in, int layer, const int16_t *scores, size_t *answered,
                          size_t *needed);

/* The 422 of a submission that answers too few core items: the message and
 * one detail {"error", "answered", "needed", "missing"}. Returns -1. */
int answers_too_few(tm_error *err, size_t answered, size_t needed);

/* Frees what an answer_set owns; the struct itself is the caller's. */
void answers_free(answer_set *a);

/* The answers as a JSON object again (new reference): the inverse of
 * answers_check for valid data. scores has in->n_items entries; extra may
 * be NULL (borrowed). */
json_t *answers_to_json(const instrument *in, const int16_t *scores, json_t *extra);

/* The stored scores array in PostgreSQL's text form "{1,0,-1,...}", for a
 * smallint[] parameter: a new string the caller frees, or NULL when out of
 * memory. */
char *answers_scores_literal(const answer_set *a);

/* Parses "{1,0,-1,...}" into scores (n entries). Returns 0, or -1 when the
 * text does not have exactly n integers. */
int answers_scores_parse(const char *text, int16_t *scores, size_t n);

#endif
