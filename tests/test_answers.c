/* test_answers.c - checking answers against the instrument: what is
 * accepted, what is refused (each bad item named), and the stored form. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/answers.h"
#include "core/instrument.h"

/* A small instrument: two layers, a likert item for both, a required grade
 * for "uitvoering" only, an intent, a multiple choice and a text. */
static const char *def_text =
    "{\"key\":\"t\",\"version\":\"1\",\"title\":{\"nl\":\"T\",\"en\":\"T\"},"
    "\"layers\":[{\"key\":\"beleid\",\"label\":{\"nl\":\"B\",\"en\":\"B\"}},"
    "{\"key\":\"uitvoering\",\"label\":{\"nl\":\"U\",\"en\":\"U\"}}],"
    "\"domains\":[{\"key\":\"d\",\"label\":{\"nl\":\"D\",\"en\":\"D\"}}],"
    "\"themes\":[{\"key\":\"t\",\"label\":{\"nl\":\"T\",\"en\":\"T\"}}],"
    "\"items\":["
    "{\"key\":\"l\",\"type\":\"likert\",\"theme\":\"t\",\"domain\":\"d\",\"text\":{\"nl\":\"x\","
    "\"en\":\"x\"}},"
    "{\"key\":\"g\",\"type\":\"grade\",\"theme\":\"t\",\"domain\":\"d\",\"required\":true,"
    " \"layers\":[\"uitvoering\"],\"text\":{\"nl\":\"x\",\"en\":\"x\"}},"
    "{\"key\":\"k\",\"type\":\"intent\",\"theme\":\"t\",\"domain\":\"d\",\"intended\":\"b\","
    " \"options\":[{\"key\":\"a\",\"label\":{\"nl\":\"a\",\"en\":\"a\"}},"
    "{\"key\":\"b\",\"label\":{\"nl\":\"b\",\"en\":\"b\"}}],\"text\":{\"nl\":\"x\",\"en\":\"x\"}},"
    "{\"key\":\"m\",\"type\":\"choice\",\"multiple\":true,"
    " \"options\":[{\"key\":\"a\",\"label\":{\"nl\":\"a\",\"en\":\"a\"}},"
    "{\"key\":\"b\",\"label\":{\"nl\":\"b\",\"en\":\"b\"}}],\"text\":{\"nl\":\"x\",\"en\":\"x\"}},"
    "{\"key\":\"o\",\"type\":\"text\",\"domain\":\"d\",\"max_length\":5,\"text\":{\"nl\":\"x\","
    "\"en\":\"x\"}}"
    "]}";

static instrument *in;

static void setup(void)
{
    json_t *def = json_loads(def_text, 0, NULL);
    tm_error err = TM_ERROR_INIT;
    in = instrument_load(def, &err);
    json_decref(def);
    cr_assert_not_null(in, "%s %s", err.message,
                       err.details ? json_dumps(err.details, JSON_COMPACT) : "");
}

static void teardown(void)
{
    instrument_free(in);
}

TestSuite(answers, .init = setup, .fini = teardown);

/* The detail about item key, or NULL. */
static const char *problem_of(const tm_error *err, const char *key)
{
    size_t i;
    json_t *d;
    json_array_foreach(err->details, i,
                       d) if (!strcmp(json_string_value(json_object_get(d, "item")),
                                      key)) return json_string_value(json_object_get(d, "error"));
    return NULL;
}

Test(answers, valid_answers_become_the_stored_form)
{
    json_t *a = json_loads(
        "{\"l\": 4, \"g\": 7, \"k\": \"b\", \"m\": [\"b\", \"a\"], \"o\": \"ja\"}", 0, NULL);
    answer_set set;
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(answers_check(in, 1, a, ANSWERS_SUBMIT, &set, &err), 0, "%s", err.message);
    /* likert the value, grade the value, intent the option index + 1 (b = 2),
     * multiple choice and text in extra. */
    cr_expect_eq(set.scores[0], 4);
    cr_expect_eq(set.scores[1], 7);
    cr_expect_eq(set.scores[2], 2);
    cr_expect_eq(set.scores[3], 0);
    cr_expect_eq(set.answered, 5);
    char *lit = answers_scores_literal(&set);
    cr_expect_str_eq(lit, "{4,7,2,0,0}");
    int16_t back[5];
    cr_expect_eq(answers_scores_parse(lit, back, 5), 0);
    cr_expect_eq(back[2], 2);
    free(lit);
    json_t *round = answers_to_json(in, set.scores, set.extra);
    cr_expect(json_equal(round, a), "answers_to_json gives back what was accepted");
    json_decref(round);
    answers_free(&set);
    json_decref(a);
}

Test(answers, every_bad_item_is_named)
{
    json_t *a = json_loads("{\"l\": 6, \"g\": \"dont_know\", \"k\": \"c\", \"m\": [\"a\", \"a\"],"
                           " \"o\": \"langer\", \"zz\": 1}",
                           0, NULL);
    answer_set set;
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(answers_check(in, 1, a, ANSWERS_DRAFT, &set, &err), -1);
    cr_expect_eq(err.status, 422);
    cr_expect_eq(tm_error_count(&err), 6);
    cr_expect_str_eq(problem_of(&err, "l"), "must be a whole number from 1 to 5, or \"dont_know\"");
    cr_expect_str_eq(problem_of(&err, "g"), "does not offer \"dont_know\" (weet niet)");
    cr_expect_str_eq(problem_of(&err, "k"),
                     "must be one of the option keys (a, b) or \"dont_know\"");
    cr_expect_str_eq(problem_of(&err, "m"), "names option \"a\" twice");
    cr_expect_str_eq(problem_of(&err, "o"), "is longer than 5 characters");
    cr_expect_str_eq(problem_of(&err, "zz"), "is not an item of this survey");
    cr_expect_null(set.scores, "nothing is handed back on failure");
    tm_error_clear(&err);
    json_decref(a);
}

Test(answers, required_counts_on_submit_only_and_per_layer)
{
    json_t *a = json_loads("{\"l\": 3}", 0, NULL);
    answer_set set;
    tm_error err = TM_ERROR_INIT;
    cr_expect_eq(answers_check(in, 1, a, ANSWERS_DRAFT, &set, &err), 0, "a draft may miss it");
    answers_free(&set);
    cr_expect_eq(answers_check(in, 1, a, ANSWERS_SUBMIT, &set, &err), -1);
    cr_expect_str_eq(problem_of(&err, "g"), "is required");
    tm_error_clear(&err);
    /* "beleid" is not asked g: nothing is required of it, and answering it is refused. */
    cr_expect_eq(answers_check(in, 0, a, ANSWERS_SUBMIT, &set, &err), 0);
    answers_free(&set);
    json_t *b = json_loads("{\"g\": 8}", 0, NULL);
    cr_expect_eq(answers_check(in, 0, b, ANSWERS_DRAFT, &set, &err), -1);
    cr_expect_str_eq(problem_of(&err, "g"), "is not asked to layer \"beleid\"");
    tm_error_clear(&err);
    json_decref(b);
    json_decref(a);
}

Test(answers, dont_know_blank_text_and_whole_reals)
{
    json_t *a = json_loads(
        "{\"l\": \"dont_know\", \"k\": \"dont_know\", \"g\": 7.0, \"o\": \"  \"}", 0, NULL);
    answer_set set;
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(answers_check(in, 1, a, ANSWERS_SUBMIT, &set, &err), 0, "%s", err.message);
    cr_expect_eq(set.scores[0], SCORE_DONT_KNOW);
    cr_expect_eq(set.scores[2], SCORE_DONT_KNOW);
    cr_expect_eq(set.scores[1], 7, "7.0 is the whole number 7");
    cr_expect_null(json_object_get(set.extra, "o"), "a blank text is no answer");
    answers_free(&set);
    json_t *b = json_loads("{\"g\": 7.5}", 0, NULL);
    cr_expect_eq(answers_check(in, 1, b, ANSWERS_DRAFT, &set, &err), -1);
    tm_error_clear(&err);
    json_decref(b);
    json_decref(a);
}
