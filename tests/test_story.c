/* test_story.c - what the summaries say (reports/analysis/story.h), on a
 * hand-made analysis whose every sentence is derived here by hand
 * (tests/fixtures/story-hand.json):
 *
 *   eigen kracht   beleving 80 / 70 / 50, kennis 90 / 60 / 40 (bestuur,
 *                  beleid, uitvoering); significant (p_holm < 0.05): beleving
 *                  beleid -> uitvoering (20), kennis bestuur -> beleid (30);
 *                  carry 44.4% on kennis; temperature 38.3 (zorg)
 *   integraliteit  beleving 70 / 68 / 66, nothing significant; carry 94.3%
 *                  on beleving; temperature 66 (aandacht)
 *   rules          "loket": beleid +80, uitvoering -60 (a conflict, 140);
 *                  "registratie": uitvoering -40, no conflict
 *
 * and then the same with bestuur suppressed, with a cell below k that the
 * producer did not flag, and with response counts that do not fit.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "reports/analysis/measures.h"
#include "reports/analysis/story.h"

#define INSTRUMENT "survey-defs/thermometer-sociaal-domein.json"
#define HAND "tests/fixtures/story-hand.json"

static instrument *in;
static json_t *a;

static void setup(void)
{
    tm_error err = TM_ERROR_INIT;
    in = instrument_load_file(INSTRUMENT, &err);
    cr_assert_not_null(in, "%s", err.message);
    json_error_t je;
    a = json_load_file(HAND, 0, &je);
    cr_assert_not_null(a, "%s: %s", HAND, je.text);
}

static void teardown(void)
{
    json_decref(a);
    instrument_free(in);
}

TestSuite(story, .init = setup, .fini = teardown);

/* The sentences of facts f[0..n) in lang, one per line (caller frees). */
static char *sentences(const story_fact *f, size_t n, const char *lang)
{
    strbuf sb = STRBUF_INIT(1 << 16);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(story_sentence(&f[i], a, in, lang, &sb), 0);
        strbuf_addch(&sb, '\n');
    }
    char *s = strbuf_detach(&sb, NULL);
    cr_assert_not_null(s);
    return s;
}

static json_t *theme(int i)
{
    return json_array_get(json_object_get(a, "themes"), (size_t)i);
}

Test(story, the_council_reads_four_sentences_each_about_one_measure)
{
    story_fact f[STORY_COUNCIL_MAX];
    size_t n = story_council(a, f, STORY_COUNCIL_MAX);
    /* no knowledge sentence: the carry sentence is about eigen kracht's
     * kennis already, and integraliteit has none */
    cr_assert_eq(n, 4);
    cr_assert_eq(f[0].kind, STORY_LOSS_MOST);
    cr_assert_eq(f[0].measure, MEASURE_SCORE);
    cr_assert_eq(f[1].kind, STORY_CARRY_LEAST);
    cr_assert_eq(f[2].kind, STORY_STRENGTH_MOST);
    cr_assert_eq(f[3].kind, STORY_RULE_SPLIT);
    char *s = sentences(f, n, "nl");
    cr_assert_str_eq(
        s, "De bedoeling gaat het meest verloren bij eigen kracht, tussen beleid en de "
           "uitvoering: de beleving daalt daar van 70 naar 50 (op een schaal van 0 tot 100).\n"
           "Bij eigen kracht komt het minst van de bedoeling aan: de kennis bij de uitvoering is "
           "44% van die bij het bestuur.\n"
           "Het best gaat het bij integraliteit: de thermometer staat daar op 66 (vraagt "
           "aandacht).\n"
           "Over de regel ‘Elke aanvraag gaat via het loket’ zijn de lagen verdeeld: volgens "
           "beleid helpt hij, volgens de uitvoering belemmert hij.\n");
    free(s);
    s = sentences(f, n, "en");
    cr_assert_str_eq(
        s, "The intent is lost most in the theme Self-reliance, between policy staff and "
           "frontline staff: perceived alignment falls there from 70 to 50 (on a scale of 0 to "
           "100).\n"
           "In the theme Self-reliance the least of the intent gets through: the knowledge of "
           "frontline staff is 44% of that of the council and executive.\n"
           "Things go best in the theme Integrated approach: the thermometer stands at 66 there "
           "(needs attention).\n"
           "The layers are divided on the rule ‘Elke aanvraag gaat via het loket’: according to "
           "policy staff it helps, according to frontline staff it hinders.\n");
    free(s);
}

/* Significant losses first, each group by size; one per theme and pair
 * (the larger measure, the earlier on a tie); a loss that may be chance
 * says so. */
Test(story, the_largest_losses_for_the_dialogue)
{
    story_fact f[3];
    size_t n = story_losses(a, f, 3);
    cr_assert_eq(n, 3);
    char *s = sentences(f, n, "nl");
    cr_assert_str_eq(s, "Bij eigen kracht daalt de kennis tussen het bestuur en beleid van 90% "
                        "naar 60%.\n"
                        "Bij eigen kracht daalt de beleving tussen beleid en de uitvoering van 70 "
                        "naar 50 (op een schaal van 0 tot 100).\n"
                        "Bij integraliteit daalt de beleving tussen het bestuur en beleid van 70 "
                        "naar 68 (op een schaal van 0 tot 100). Dit verschil kan toeval zijn.\n");
    free(s);
    cr_assert_float_eq(f[0].diff, 30, 1e-12);
    cr_assert_float_eq(f[0].p_holm, 0.04, 1e-12);
}

Test(story, strengths_and_the_rules_map)
{
    story_fact f[5];
    size_t n = story_strengths(a, f, 3);
    cr_assert_eq(n, 2);
    cr_assert_eq(f[0].theme, theme(1), "the warmest first");
    n = story_rules(a, f, 5);
    cr_assert_eq(n, 2);
    char *s = sentences(f, n, "nl");
    cr_assert_str_eq(
        s, "Over de regel ‘Elke aanvraag gaat via het loket’ zijn de lagen verdeeld: volgens "
           "beleid helpt hij, volgens de uitvoering belemmert hij.\n"
           "Volgens de uitvoering belemmert de regel ‘Elk contact staat binnen een dag in het "
           "systeem’ meer dan hij helpt (per saldo −40 op een schaal van −100 tot +100).\n");
    free(s);
}

Test(story, a_theme_in_brief)
{
    story_fact f[3];
    size_t n = story_theme(a, theme(0), f, 3);
    cr_assert_eq(n, 3);
    char *s = sentences(f, n, "nl");
    cr_assert_str_eq(s, "Bij eigen kracht staat de thermometer op 38 (zorgelijk).\n"
                        "De kennis bij de uitvoering is 44% van die bij het bestuur (de "
                        "doorfluisterindex).\n"
                        "Bij eigen kracht daalt de kennis tussen het bestuur en beleid van 90% "
                        "naar 60%.\n");
    free(s);
    n = story_theme(a, theme(1), f, 3);
    cr_assert_eq(n, 2, "integraliteit has no significant loss");
}

/* With bestuur suppressed, nothing names it but the note that it is not
 * shown; a conflict or a loss that involves it is not told. */
Test(story, a_suppressed_layer_is_never_told_about)
{
    json_array_append_new(json_object_get(a, "suppressed_layers"), json_string("bestuur"));
    for (int t = 0; t < 2; t++) {
        json_t *l = json_array_get(json_object_get(theme(t), "layers"), 0);
        json_object_clear(l);
        json_object_set_new(l, "layer", json_string("bestuur"));
        json_object_set_new(l, "suppressed", json_true());
        json_object_set_new(theme(t), "carry_from", json_string("beleid"));
    }
    /* a conflict of the suppressed layer that a careless producer left in */
    json_t *rule = json_array_get(json_object_get(a, "rules"), 1);
    json_array_append_new(json_object_get(rule, "conflicts"),
                          json_pack("{s:s, s:s, s:f, s:f, s:f}", "from", "bestuur", "to",
                                    "uitvoering", "net_from", 100.0, "net_to", -40.0, "diff",
                                    140.0));
    story_fact f[8];
    size_t n = story_council(a, f, STORY_COUNCIL_MAX);
    char *s = sentences(f, n, "nl");
    cr_assert_null(strstr(s, "bestuur"), "the council's sentences name bestuur:\n%s", s);
    free(s);
    n = story_losses(a, f, 8);
    s = sentences(f, n, "nl");
    cr_assert_null(strstr(s, "bestuur"), "the losses name bestuur:\n%s", s);
    free(s);
    n = story_rules(a, f, 8);
    s = sentences(f, n, "nl");
    cr_assert_null(strstr(s, "bestuur"), "the rules name bestuur:\n%s", s);
    free(s);
    strbuf sb = STRBUF_INIT(4096);
    cr_assert_eq(story_reference_note(a, in, "nl", &sb), 1);
    cr_assert_str_eq(sb.buf, "Van het bestuur zijn minder dan 5 vragenlijsten ingevuld; om de "
                             "anonimiteit te beschermen staat het bestuur niet in deze "
                             "samenvatting. De vergelijking langs de keten begint daarom bij "
                             "beleid.");
    strbuf_release(&sb);
}

/* A theme whose comparison starts below the first shown layer says so. */
Test(story, a_carry_that_starts_lower_is_named)
{
    json_object_set_new(theme(1), "carry_from", json_string("beleid"));
    strbuf sb = STRBUF_INIT(4096);
    cr_assert_eq(story_reference_note(a, in, "nl", &sb), 1);
    cr_assert_str_eq(sb.buf, "Bij integraliteit begint de vergelijking bij beleid: van de lagen "
                             "daarboven zijn te weinig antwoorden om te tonen.");
    strbuf_reset(&sb);
    json_object_set_new(theme(1), "carry_from", json_string("bestuur"));
    cr_assert_eq(story_reference_note(a, in, "nl", &sb), 0, "%s", sb.buf);
    strbuf_release(&sb);
}

/* A cell below k that the producer did not flag is not shown, so no
 * sentence gives its mean: the loss into it is not told. */
Test(story, a_cell_below_k_is_not_told_even_unflagged)
{
    json_t *uitv = json_array_get(json_object_get(theme(0), "layers"), 2);
    json_object_set_new(json_object_get(uitv, "score"), "n", json_integer(3));
    story_fact f[STORY_COUNCIL_MAX];
    size_t n = story_council(a, f, STORY_COUNCIL_MAX);
    cr_assert_geq(n, 3);
    cr_assert_eq(f[0].kind, STORY_NO_LOSS, "the loss into the small cell was told");
    char *s = sentences(f, 1, "nl");
    cr_assert_str_eq(s, "Tussen twee opeenvolgende lagen is geen verschil in beleving zo groot "
                        "dat het geen toeval kan zijn.\n");
    free(s);
    cr_assert(isnan(story_mean(a, theme(0), "uitvoering", MEASURE_SCORE)));
}

/* The response line: imported rows apart, a rate only where it fits. */
Test(story, response_rates_never_pass_100_percent)
{
    json_t *p = json_pack("{s:[{s:s, s:i, s:i, s:i}, {s:s, s:i, s:i, s:i}]}", "layers", "layer",
                          "bestuur", "invited", 10, "submitted", 12, "imported", 4, "layer",
                          "beleid", "invited", 5, "submitted", 9, "imported", 0);
    story_response r;
    story_response_layer(json_array_get(json_object_get(p, "layers"), 0), &r);
    cr_assert_float_eq(r.online, 8, 1e-12);
    cr_assert_float_eq(r.rate, 0.8, 1e-12);
    story_response_layer(json_array_get(json_object_get(p, "layers"), 1), &r);
    cr_assert(isnan(r.rate), "9 of 5 invited is no rate");
    strbuf sb = STRBUF_INIT(4096);
    cr_assert_eq(story_response_line(a, p, "nl", &sb), 0);
    cr_assert_str_eq(sb.buf, "17 vragenlijsten ingevuld. Daarnaast zijn 4 vragenlijsten "
                             "ingelezen.");
    strbuf_reset(&sb);
    /* without progress: the analysis' own counts, 30 of 42 */
    cr_assert_eq(story_response_line(a, NULL, "en", &sb), 0);
    cr_assert_str_eq(sb.buf, "30 of the 42 people invited completed the questionnaire (71%).");
    strbuf_reset(&sb);
    json_object_set_new(json_object_get(a, "wave"), "collection", json_string("import"));
    cr_assert_eq(story_response_line(a, NULL, "nl", &sb), 0);
    cr_assert_str_eq(sb.buf, "Deze meting is ingelezen uit een bestand: 30 vragenlijsten, niet "
                             "via de uitnodigingen van de Thermometer verzameld.");
    strbuf_release(&sb);
    json_decref(p);
}

/* Layers that answered alike differ by the last bits of their sums (1e-14,
 * by the order the rows were added): no "daalt van 68 naar 68". */
Test(story, a_difference_of_rounding_is_no_drop)
{
    size_t j;
    json_t *g;
    json_array_foreach(json_object_get(theme(1), "gaps"), j, g)
        json_object_set_new(g, "diff", json_real(1e-14));
    story_fact f[8];
    size_t n = story_losses(a, f, 8);
    for (size_t i = 0; i < n; i++)
        cr_expect_neq(f[i].theme, theme(1), "fact %zu tells a drop of %g in integraliteit", i,
                      f[i].diff);
    cr_expect_eq(n, 2, "the two drops of eigen kracht remain (%zu facts)", n);
}

/* A rule the wave gave in English too reads in English in an English
 * sentence and in Dutch in a Dutch one; without it, both read the Dutch. */
Test(story, a_rule_reads_in_the_language_of_the_sentence)
{
    story_fact f[4];
    size_t n = story_rules(a, f, 4);
    cr_assert_geq(n, 1);
    cr_assert_eq(f[0].kind, STORY_RULE_SPLIT);
    char *s = sentences(f, 1, "en");
    cr_expect(strstr(s, "‘Elke aanvraag gaat via het loket’") != NULL, "%s", s);
    free(s);
    json_object_set_new(f[0].src, "text_en",
                        json_string("Every application goes through the desk."));
    s = sentences(f, 1, "en");
    cr_expect_str_eq(s, "The layers are divided on the rule ‘Every application goes through the "
                        "desk’: according to policy staff it helps, according to frontline staff "
                        "it hinders.\n");
    free(s);
    s = sentences(f, 1, "nl");
    cr_expect(strstr(s, "‘Elke aanvraag gaat via het loket’") != NULL, "%s", s);
    free(s);
    cr_expect_str_eq(story_rule_text(f[0].src, "en"), "Every application goes through the desk.");
    cr_expect_str_eq(story_rule_text(f[0].src, "nl"), "Elke aanvraag gaat via het loket.");
    json_object_del(f[0].src, "text_en");
}
