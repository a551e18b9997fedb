/* test_analysis_rules.c -- the rules of a wave in the analysis JSON
 * ("rules": docs/method.md, "Rules that help or hinder"): per rule and
 * layer the counts and the net rating, suppression of small cells and of
 * suppressed layers, conflicts between layers, and the subtraction attack
 * on a suppressed cell. Every expected number is derived in the comment
 * above its test. */
#include <criterion/criterion.h>

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "reports/analysis/analysis.h"
#include "th_analysis.h"

static instrument *rules_instrument(void)
{
    return th_mini(json_pack("[o,o]", th_item("q1", NULL, NULL), th_item("k1", "a", NULL)));
}

static const char *const rule_keys[] = {"r1", "r2", "r3"};

/* k = 3; after "|" each respondent's rating of r1, r2, r3 (h helpt, n
 * neutraal, b belemmert, o onbekend, - unanswered).
 *
 *               r1            r2            r3
 *   bestuur     h h h n       o o h h       h h n n
 *   management  h n b o -     h h h o o     h n b b -
 *   uitvoering  b b n h       h h h b       h b b b
 *
 * n is the number of ratings (helpt + neutraal + belemmert; "onbekend" and
 * unanswered are not ratings); net = 100 (helpt - belemmert) / n:
 *   r1  bestuur n 4, net 100 * 3/4 = 75; management n 3 (h, n, b), net 0,
 *       onbekend 1; uitvoering n 4, net 100 * (1 - 2)/4 = -25
 *   r2  bestuur: 2 ratings < k = 3: {"suppressed": true}; management n 3,
 *       net 100, onbekend 2; uitvoering n 4, net 100 * (3 - 1)/4 = 50
 *   r3  bestuur n 4, net 100 * 2/4 = 50; management n 4 (h, n, b, b), net
 *       -25; uitvoering n 4, net 100 * (1 - 3)/4 = -50
 * Conflicts (nets 50 points or more apart, every pair of shown cells):
 *   r1  bestuur-management 75, bestuur-uitvoering 100 (management-
 *       uitvoering is 25: no)
 *   r2  management-uitvoering exactly 50: a conflict (bestuur is hidden)
 *   r3  bestuur-management 75, bestuur-uitvoering 100 (25: no) */
static void rules_wave(th_rows *w)
{
    th_rules(w, 3, rule_keys);
    th_row(w, "bestuur", "5 a | h o h");
    th_row(w, "bestuur", "4 a | h o h");
    th_row(w, "bestuur", "5 a | h h n");
    th_row(w, "bestuur", "4 b | n h n");
    th_row(w, "management", "4 a | h h h");
    th_row(w, "management", "3 a | n h n");
    th_row(w, "management", "4 b | b h b");
    th_row(w, "management", "3 a | o o b");
    th_row(w, "management", "2 c | - o -");
    th_row(w, "uitvoering", "3 a | b h h");
    th_row(w, "uitvoering", "2 a | b h b");
    th_row(w, "uitvoering", "3 ? | n h b");
    th_row(w, "uitvoering", "1 c | h b b");
}

static json_t *rating(json_t *an, const char *rule, const char *layer)
{
    return json_object_get(th_layer(th_unit(an, "rules", "rule", rule), layer), "rating");
}

static void assert_rating(json_t *an, const char *rule, const char *layer, int n, int helpt,
                          int neutraal, int belemmert, int onbekend, double net)
{
    json_t *c = rating(an, rule, layer);
    char what[64];
    snprintf(what, sizeof what, "%s %s", rule, layer);
    cr_assert(json_is_object(c) && !json_object_get(c, "suppressed"), "%s is not shown", what);
    json_t *want = json_pack("{s:i, s:i, s:i, s:i, s:i}", "n", n, "helpt", helpt, "neutraal",
                             neutraal, "belemmert", belemmert, "onbekend", onbekend);
    json_t *got = json_deep_copy(c);
    json_object_del(got, "net");
    cr_assert(json_equal(got, want), "%s counts: %s", what, json_dumps(c, JSON_COMPACT));
    json_decref(got);
    json_decref(want);
    ASSERT_REL(th_num(c, "net"), net, TOL_ARITH, what);
}

typedef struct conflict {
    const char *from, *to;
    double net_from, net_to;
} conflict;

static void assert_conflicts(json_t *an, const char *rule, const conflict *want, size_t n)
{
    json_t *arr = json_object_get(th_unit(an, "rules", "rule", rule), "conflicts");
    cr_assert_eq(json_array_size(arr), n, "%s: %zu conflicts", rule, json_array_size(arr));
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(arr, i);
        cr_assert_str_eq(json_string_value(json_object_get(c, "from")), want[i].from);
        cr_assert_str_eq(json_string_value(json_object_get(c, "to")), want[i].to);
        ASSERT_REL(th_num(c, "net_from"), want[i].net_from, TOL_ARITH, rule);
        ASSERT_REL(th_num(c, "net_to"), want[i].net_to, TOL_ARITH, rule);
        ASSERT_REL(th_num(c, "diff"), want[i].net_from - want[i].net_to, TOL_ARITH, rule);
    }
}

Test(rules, counts_net_and_conflicts)
{
    instrument *in = rules_instrument();
    th_rows w;
    th_rows_init(&w, in);
    rules_wave(&w);
    json_t *an = th_analyse(&w, 3);
    json_t *rules = json_object_get(an, "rules");
    cr_assert_eq(json_array_size(rules), 3);
    json_t *r1 = json_array_get(rules, 0);
    cr_assert_str_eq(json_string_value(json_object_get(r1, "rule")), "r1");
    cr_assert_str_eq(json_string_value(json_object_get(r1, "text")), "Regel r1");
    assert_rating(an, "r1", "bestuur", 4, 3, 1, 0, 0, 75);
    assert_rating(an, "r1", "management", 3, 1, 1, 1, 1, 0);
    assert_rating(an, "r1", "uitvoering", 4, 1, 1, 2, 0, -25);
    cr_assert(th_is_suppressed_cell(rating(an, "r2", "bestuur")), "2 ratings < k");
    assert_rating(an, "r2", "management", 3, 3, 0, 0, 2, 100);
    assert_rating(an, "r2", "uitvoering", 4, 3, 0, 1, 0, 50);
    assert_rating(an, "r3", "bestuur", 4, 2, 2, 0, 0, 50);
    assert_rating(an, "r3", "management", 4, 1, 1, 2, 0, -25);
    assert_rating(an, "r3", "uitvoering", 4, 1, 0, 3, 0, -50);
    static const conflict c1[] = {{"bestuur", "management", 75, 0},
                                  {"bestuur", "uitvoering", 75, -25}};
    assert_conflicts(an, "r1", c1, 2);
    static const conflict c2[] = {{"management", "uitvoering", 100, 50}};
    assert_conflicts(an, "r2", c2, 1);
    static const conflict c3[] = {{"bestuur", "management", 50, -25},
                                  {"bestuur", "uitvoering", 50, -50}};
    assert_conflicts(an, "r3", c3, 2);
    /* the rules do not touch the items' aggregates: q1 bestuur 5, 4, 5, 4 */
    json_t *th = th_unit(an, "themes", "theme", "eigen-kracht");
    ASSERT_REL(th_num(th_cell(th, "bestuur", "score"), "mean"), 87.5, TOL_ARITH, "q1");
    json_decref(an);
    th_rows_free(&w);
    instrument_free(in);
}

/* k = 5; bestuur has 3 respondents (a suppressed layer), management 6,
 * uitvoering 5. r1 in management: 2 ratings (h, b), 3 "onbekend", 1
 * unanswered: fewer than k ratings, so the cell is {"suppressed": true}.
 *
 * The attack: anything published that includes those two ratings (a total
 * over layers, an "onbekend" count, a conflict, the number who answered)
 * would give them back by subtraction from the other cells or from the
 * layer's response count. The test changes exactly what must stay secret
 * and demands the same analysis, byte for byte:
 *   A  management's raters h, b; bestuur rates h, h, h
 *   B  management's raters b, b; one "onbekend" becomes unanswered;
 *      bestuur rates b, b, b
 * The shown cells are the same in both (bestuur is a suppressed layer,
 * uitvoering rates n, n, n, h, h in both: n 5, net 40). */
static json_t *attack_wave(const instrument *in, int variant)
{
    static const char *const one[] = {"r1"};
    th_rows w;
    th_rows_init(&w, in);
    th_rules(&w, 1, one);
    static const char *const management[2][6] = {
        {"4 a | h", "4 a | b", "4 a | o", "3 b | o", "3 a | o", "3 a | -"},
        {"4 a | b", "4 a | b", "4 a | -", "3 b | o", "3 a | o", "3 a | -"}};
    for (int r = 0; r < 3; r++)
        th_row(&w, "bestuur", variant ? "5 a | b" : "5 a | h");
    for (int r = 0; r < 6; r++)
        th_row(&w, "management", management[variant][r]);
    for (int r = 0; r < 5; r++)
        th_row(&w, "uitvoering", r < 3 ? "2 a | n" : "2 b | h");
    json_t *an = th_analyse(&w, 5);
    th_rows_free(&w);
    return an;
}

Test(rules, a_suppressed_cell_cannot_be_recovered)
{
    instrument *in = rules_instrument();
    json_t *a = attack_wave(in, 0), *b = attack_wave(in, 1);
    cr_assert(th_is_suppressed_cell(rating(a, "r1", "management")));
    json_t *best = th_layer(th_unit(a, "rules", "rule", "r1"), "bestuur");
    json_t *want = json_pack("{s:s, s:b}", "layer", "bestuur", "suppressed", 1);
    cr_assert(json_equal(best, want), "a suppressed layer shows nothing of its ratings");
    json_decref(want);
    assert_rating(a, "r1", "uitvoering", 5, 2, 3, 0, 0, 40);
    cr_assert_eq(json_array_size(json_object_get(th_unit(a, "rules", "rule", "r1"), "conflicts")),
                 0);
    cr_assert(json_equal(a, b), "the secret ratings moved a published figure");
    json_decref(a);
    json_decref(b);
    instrument_free(in);
}

/* Bad rule input is the caller's bug or corrupt data: 500 with a message
 * naming the rule. */
Test(rules, bad_input)
{
    instrument *in = rules_instrument();
    th_rows w;
    th_rows_init(&w, in);
    rules_wave(&w);
    wave_data wd = th_wave_data(&w, 3);
    tm_error err = TM_ERROR_INIT;
    w.ratings[0] = 5;
    cr_assert_null(analysis_run(&wd, NULL, NULL, &err));
    cr_assert_eq(err.status, 500);
    cr_assert(strstr(err.message, "\"r1\""), "%s", err.message);
    tm_error_clear(&err);
    w.ratings[0] = RULE_HELPT;
    analysis_rule twice[3] = {{"r1", NULL, NULL}, {"r2", NULL, NULL}, {"r1", NULL, NULL}};
    wd.rules = twice;
    cr_assert_null(analysis_run(&wd, NULL, NULL, &err));
    cr_assert(strstr(err.message, "twice"), "%s", err.message);
    tm_error_clear(&err);
    twice[2].key = NULL;
    cr_assert_null(analysis_run(&wd, NULL, NULL, &err));
    cr_assert_eq(err.status, 500);
    tm_error_clear(&err);
    wd.rules = NULL;
    cr_assert_null(analysis_run(&wd, NULL, NULL, &err));
    cr_assert_eq(err.status, 500);
    tm_error_clear(&err);
    th_rows_free(&w);
    instrument_free(in);
}
