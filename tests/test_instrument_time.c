/* test_instrument_time.c - the expected time of a layer's form
 * (instrument_layer_seconds): the words each layer reads at 200 a minute
 * plus 3 s per answer, counted by hand on a small instrument; and the time
 * the shipped v2 intro promises holds for every layer. */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"

/* A small v2 instrument. Its words, Dutch / English:
 *   intro 3 / 4; domain d: label 1 / 1, description 5 / 5;
 *   the five likert labels together 7 / 7; "Weet niet" / "Don't know" 2;
 *   q1 (likert, both layers) 6 / 5, help 3 / 3;
 *   q2 (likert, both) 5 / 6, for top 7 / 7;
 *   k1 (intent, both) 4 / 5, its three options 6 / 6;
 *   open (text, bodem) 3 / 3; jaren (choice, bodem) 3 / 2, options 2 / 2;
 *   rules block: question 4 / 5, help 3 / 2, its four labels 8 / 6. */
#define SMALL "tests/fixtures/instrument-time.json"

static instrument *load_small(json_t **def_out)
{
    json_error_t e;
    json_t *def = json_load_file(SMALL, 0, &e);
    cr_assert_not_null(def, "%s: line %d: %s", SMALL, e.line, e.text);
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load(def, &err);
    cr_assert_not_null(in, "%s %s", err.message,
                       err.details ? json_dumps(err.details, JSON_COMPACT) : "");
    if (def_out)
        *def_out = def;
    else
        json_decref(def);
    return in;
}

/* seconds = words * 60 / 200 + answers * 3 */
static double expected(int words, int answers)
{
    return words * 0.3 + answers * 3.0;
}

Test(instrument_time, each_layer_reads_its_own_words)
{
    instrument *in = load_small(NULL);
    /* top, nl: intro 3, domain 1 + 5; q1 6 + help 3 + the five likert labels 7
     * (once) + "Weet niet" 2 (once); q2 in top's wording 7, labels already
     * read; k1 4 + options 6. 44 words, 3 answers. */
    cr_expect_float_eq(instrument_layer_seconds(in, 0, "nl", 0, 0), expected(44, 3), 1e-9);
    /* bodem, nl: 9 + 18 + q2's own text 5 + k1 10 + open 3 + jaren 3 + 2.
     * 50 words, 5 answers. */
    cr_expect_float_eq(instrument_layer_seconds(in, 1, "nl", 0, 0), expected(50, 5), 1e-9);
    /* top, en: 4 + 1 + 5; 5 + 3 + 7 + 2; 7; 5 + 6. 45 words. */
    cr_expect_float_eq(instrument_layer_seconds(in, 0, "en", 0, 0), expected(45, 3), 1e-9);
    cr_expect_eq(instrument_layer_seconds(in, 2, "nl", 0, 0), 0);
    cr_expect_eq(instrument_layer_seconds(in, -1, "nl", 0, 0), 0);
    instrument_free(in);
}

Test(instrument_time, the_rules_block_adds_its_question_the_rules_and_one_scale)
{
    instrument *in = load_small(NULL);
    /* bodem, nl, 6 rules of 60 words together: 50 + question 4 + help 3 +
     * 60 + the four labels once 8 = 125 words; 5 + 6 answers. */
    cr_expect_float_eq(instrument_layer_seconds(in, 1, "nl", 60, 6), expected(125, 11), 1e-9);
    /* en: the items as without rules, plus question 5, help 2, 60, labels 6. */
    double en_items = instrument_layer_seconds(in, 1, "en", 0, 0);
    cr_expect_float_eq(instrument_layer_seconds(in, 1, "en", 60, 6),
                       en_items + expected(5 + 2 + 60 + 6, 6), 1e-9);
    /* No rules listed: no block. */
    cr_expect_float_eq(instrument_layer_seconds(in, 1, "nl", 60, 0), expected(50, 5), 1e-9);
    instrument_free(in);
}

Test(instrument_time, without_a_rules_block_rules_add_nothing)
{
    json_t *def;
    instrument *in = load_small(&def);
    instrument_free(in);
    json_object_del(def, "rules");
    tm_error err = TM_ERROR_INIT;
    in = instrument_load(def, &err);
    cr_assert_not_null(in, "%s", err.message);
    cr_expect_null(instrument_rules(in));
    cr_expect_float_eq(instrument_layer_seconds(in, 1, "nl", 60, 6), expected(50, 5), 1e-9);
    instrument_free(in);
    json_decref(def);
}

Test(instrument_time, an_items_own_labels_are_read_with_it)
{
    json_t *def;
    instrument *in = load_small(&def);
    instrument_free(in);
    json_t *q2 = json_array_get(json_object_get(def, "items"), 1);
    json_object_set_new(q2, "points", json_integer(2));
    json_object_set_new(q2, "labels",
                        json_pack("{s:[s,s], s:[s,s]}", "nl", "Nee", "Ja", "en", "No", "Yes"));
    tm_error err = TM_ERROR_INIT;
    in = instrument_load(def, &err);
    cr_assert_not_null(in, "%s", err.message);
    /* top, nl: 44 + "Nee" + "Ja". */
    cr_expect_float_eq(instrument_layer_seconds(in, 0, "nl", 0, 0), expected(46, 3), 1e-9);
    instrument_free(in);
    json_decref(def);
}

Test(instrument_time, words_are_runs_of_non_space)
{
    cr_expect_eq(instrument_count_words("  twee \t woorden\n"), 2);
    cr_expect_eq(instrument_count_words("één, twee; drie."), 3);
    cr_expect_eq(instrument_count_words(""), 0);
    cr_expect_eq(instrument_count_words(NULL), 0);
}

/* The intro of the shipped v2 promises "X tot Y minuten": every layer, with
 * the fewest (5) or the most (12) rules a wave may list, at 13 words a rule
 * (the example wave's average), takes a time inside that range. */
Test(instrument_time, the_shipped_intro_promises_a_true_range)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file("survey-defs/thermometer-sociaal-domein.json", &err);
    cr_assert_not_null(in, "%s", err.message);
    regex_t re;
    regmatch_t m[3];
    cr_assert_eq(regcomp(&re, "([0-9]+) tot ([0-9]+) minuten", REG_EXTENDED), 0);
    int found = regexec(&re, in->description.nl, 3, m, 0) == 0;
    regfree(&re);
    cr_assert(found, "the intro promises no time: %s", in->description.nl);
    int lo = atoi(in->description.nl + m[1].rm_so), hi = atoi(in->description.nl + m[2].rm_so);
    const tm_rules *rules = instrument_rules(in);
    cr_assert_not_null(rules);
    double shortest = 1e9, longest = 0;
    for (int l = 0; l < (int)in->n_layers; l++) {
        double few =
            instrument_layer_seconds(in, l, "nl", 13 * (size_t)rules->min, (size_t)rules->min);
        double many =
            instrument_layer_seconds(in, l, "nl", 13 * (size_t)rules->max, (size_t)rules->max);
        shortest = few < shortest ? few : shortest;
        longest = many > longest ? many : longest;
    }
    cr_expect_geq(shortest / 60, lo - 0.5, "shortest %.1f min, promised from %d", shortest / 60,
                  lo);
    cr_expect_leq(longest / 60, hi + 0.5, "longest %.1f min, promised up to %d", longest / 60, hi);
    instrument_free(in);
}
