/* test_text.c - Dutch and English (core/text.h): the lookup that falls back
 * to Dutch, the template filler with {name} and {{name}}, what a missing
 * value looks like, and the reports' tables of texts (the workbook's and
 * the council summary's, reports/analysis/story.h) read through them.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "reports/analysis/story.h"
#include "reports/xlsx/report_text.h"

Test(text, english_when_asked_and_present)
{
    tm_text t = {"Versturen", "Submit"};
    cr_assert_str_eq(tm_text_get(t, "en"), "Submit");
    cr_assert_str_eq(tm_text_get(t, "nl"), "Versturen");
}

Test(text, dutch_for_any_other_language_and_when_english_is_missing)
{
    tm_text t = {"Versturen", "Submit"};
    cr_assert_str_eq(tm_text_get(t, NULL), "Versturen");
    cr_assert_str_eq(tm_text_get(t, "de"), "Versturen");
    cr_assert_str_eq(tm_text_get(t, "EN"), "Versturen", "codes are lower case");
    tm_text dutch_only = {"Gemeente Súdwest-Fryslân", NULL};
    cr_assert_str_eq(tm_text_get(dutch_only, "en"), "Gemeente Súdwest-Fryslân");
    tm_text english_only = {NULL, "Help text"};
    cr_assert_str_eq(tm_text_get(english_only, "nl"), "Help text", "rather that than nothing");
    tm_text none = {NULL, NULL};
    cr_assert_null(tm_text_get(none, "en"));
    cr_assert_str_eq(tm_text_lang("en"), "en");
    cr_assert_str_eq(tm_text_lang("fr"), "nl");
    cr_assert_str_eq(tm_text_lang(NULL), "nl");
}

/* tmpl filled from vars; the number of missing placeholders in *missing. */
static char *filled(const char *tmpl, const tm_text_var *vars, int *missing)
{
    strbuf sb = STRBUF_INIT(4096);
    *missing = tm_text_fill(&sb, tmpl, vars);
    char *s = strbuf_detach(&sb, NULL);
    cr_assert_not_null(s);
    return s;
}

Test(text, fills_single_and_double_braces_alike)
{
    const tm_text_var vars[] = {{"k", "5"}, {"link", "https://x.nl/s/AbC"}, {NULL, NULL}};
    int missing;
    char *s = filled("minstens {k} personen; open {{link}} of {link}; k={k}", vars, &missing);
    cr_assert_str_eq(s, "minstens 5 personen; open https://x.nl/s/AbC of https://x.nl/s/AbC; k=5");
    cr_assert_eq(missing, 0);
    free(s);

    const tm_text_var names[] = {{"from", "het bestuur"}, {"to", "de uitvoering"},
                                 {"diff-1", "12,5"},      {"theme_x", "eigen kracht"},
                                 {"empty", NULL},         {NULL, NULL}};
    s = filled("{theme_x}: {from} \u2192 {to} ({diff-1}){empty}.", names, &missing);
    cr_assert_str_eq(s, "eigen kracht: het bestuur \u2192 de uitvoering (12,5).");
    cr_assert_eq(missing, 0);
    free(s);
}

Test(text, a_missing_value_stays_visible_and_is_counted)
{
    const tm_text_var vars[] = {{"k", "5"}, {NULL, NULL}};
    int missing;
    char *s = filled("Beste {naam}, minder dan {k}: {{lnik}}.", vars, &missing);
    cr_assert_str_eq(s, "Beste {naam}, minder dan 5: {{lnik}}.", "the reader sees the gap");
    cr_assert_eq(missing, 2);
    free(s);

    s = filled("{k} en {k}", NULL, &missing);
    cr_assert_str_eq(s, "{k} en {k}", "no values at all");
    cr_assert_eq(missing, 2);
    free(s);
}

Test(text, braces_that_are_no_placeholder_are_text)
{
    const tm_text_var vars[] = {{"x", "X"}, {NULL, NULL}};
    int missing;
    char *s = filled("{} { x } {x {{x} {x}} {{{x}}} {\"a\": 1} {", vars, &missing);
    cr_assert_str_eq(s, "{} { x } {x {X X} {X} {\"a\": 1} {");
    cr_assert_eq(missing, 0);
    free(s);
}

Test(text, a_failed_buffer_is_reported)
{
    const tm_text_var vars[] = {{"k", "12345678901234567890"}, {NULL, NULL}};
    strbuf sb = STRBUF_INIT(10);
    cr_assert_eq(tm_text_fill(&sb, "k is {k}", vars), -1);
    cr_assert_eq(sb.status, STRBUF_TOO_LARGE);
    strbuf_release(&sb);
}

/* The names the report passes to its templates (reports/xlsx: rx_fill_std
 * and the sheets' own). */
static const tm_text_var report_vars[] = {
    {"k", "5"},
    {"goed", "70"},
    {"aandacht", "55"},
    {"layers", "bestuur"},
    {"score", "beleving"},
    {"Score", "Beleving"},
    {"knowledge", "kennis"},
    {"Knowledge", "Kennis"},
    {"score_description", "hoe goed men vindt dat de bedoeling aankomt"},
    {"knowledge_description", "het percentage kennisvragen"},
    {"Score_description", "Hoe goed men vindt dat de bedoeling aankomt"},
    {"Knowledge_description", "Het percentage kennisvragen"},
    {"measure", "beleving"},
    {"n", "6"},
    {"items", "k2"},
    {NULL, NULL}};

/* The names the council summary's words are filled with (story_word: the
 * standard ones and its callers'). */
static const tm_text_var story_vars[] = {{"k", "5"},
                                         {"goed", "70"},
                                         {"aandacht", "55"},
                                         {"score", "beleving"},
                                         {"Score", "Beleving"},
                                         {"knowledge", "kennis"},
                                         {"Knowledge", "Kennis"},
                                         {"measure", "beleving"},
                                         {"Measure", "Beleving"},
                                         {"organisation", "Gemeente X"},
                                         {"wave", "Meting 2026"},
                                         {"when", "2026-11-24 10:15"},
                                         {NULL, NULL}};

Test(text, the_council_summarys_words_are_complete_in_both_languages)
{
    const char *langs[] = {"nl", "en"};
    for (int id = 0; id < SW__COUNT; id++) {
        for (int l = 0; l < 2; l++) {
            strbuf sb = STRBUF_INIT(4096);
            cr_assert_eq(story_word((story_word_id)id, NULL, 5, langs[l], story_vars, &sb), 0);
            cr_assert(sb.len > 0, "word %d lacks %s", id, langs[l]);
            cr_assert_null(strchr(sb.buf, '{'), "word %d (%s) has a placeholder nobody fills: %s",
                           id, langs[l], sb.buf);
            strbuf_release(&sb);
        }
    }
    size_t n;
    const story_term *terms = story_reading(&n);
    cr_assert_geq(n, 6);
    for (size_t i = 0; i < n; i++)
        for (int l = 0; l < 2; l++) {
            strbuf t = STRBUF_INIT(256), x = STRBUF_INIT(4096);
            cr_assert_eq(story_reading_term(&terms[i], 5, langs[l], &t), 0);
            cr_assert_eq(story_reading_text(&terms[i], NULL, 5, langs[l], &x), 0);
            cr_assert(t.len && x.len && !strchr(t.buf, '{') && !strchr(x.buf, '{'),
                      "term %zu (%s): %s: %s", i, langs[l], t.buf, x.buf);
            strbuf_release(&t);
            strbuf_release(&x);
        }
}

/* Every text of the report exists in both languages, and every placeholder
 * in it is one the report fills. */
Test(text, the_reports_texts_are_complete_in_both_languages)
{
    const char *langs[] = {"nl", "en"};
    for (int id = 0; id < RT__COUNT; id++) {
        const char *nl = rt_get((rt_id)id, "nl"), *en = rt_get((rt_id)id, "en");
        cr_assert(nl && *nl && en && *en, "text %d lacks a language", id);
        for (int l = 0; l < 2; l++) {
            int missing;
            char *s = filled(rt_get((rt_id)id, langs[l]), report_vars, &missing);
            cr_assert_eq(missing, 0, "text %d (%s) has a placeholder the report never fills: %s",
                         id, langs[l], s);
            free(s);
        }
    }
    size_t n;
    const rt_def *defs = rt_definitions(&n);
    cr_assert_geq(n, 20);
    for (size_t i = 0; i < n; i++) {
        cr_assert(defs[i].term.nl && defs[i].term.en && defs[i].text.nl && defs[i].text.en);
        for (int l = 0; l < 2; l++) {
            int missing;
            char *s = filled(tm_text_get(defs[i].text, langs[l]), report_vars, &missing);
            cr_assert_eq(missing, 0, "definition %zu (%s): %s", i, langs[l], s);
            free(s);
        }
    }
    cr_assert_str_eq(tm_text_get(defs[0].term, "en"), "{Score}", "the measure's name: measures.h");
    cr_assert_str_eq(rt_get(RT_SHEET_GAPS, "nl"), "Kloven");
    cr_assert_str_eq(rt_get(RT_SHEET_GAPS, "de"), "Kloven", "the report falls back to Dutch");
}

Test(text, the_report_writes_numbers_the_dutch_or_english_way)
{
    char buf[32];
    /* half away from zero, as the workbook's number formats round: 62.5%
     * in a sentence must not read 62 beside a cell showing 63 */
    story_number(12.25, 1, "nl", buf, sizeof buf);
    cr_assert_str_eq(buf, "12,3");
    story_number(12.25, 1, "en", buf, sizeof buf);
    cr_assert_str_eq(buf, "12.3");
    story_number(62.5, 0, "nl", buf, sizeof buf);
    cr_assert_str_eq(buf, "63");
    story_number(-2.5, 0, "nl", buf, sizeof buf);
    cr_assert_str_eq(buf, "-3");
    story_number(-0.04, 1, NULL, buf, sizeof buf);
    cr_assert_str_eq(buf, "0,0", "no minus zero");
    story_layer_phrase(NULL, "uitvoering", "nl", buf, sizeof buf);
    cr_assert_str_eq(buf, "de uitvoering");
    story_layer_phrase(NULL, "uitvoering", "en", buf, sizeof buf);
    cr_assert_str_eq(buf, "frontline staff");
    story_layer_phrase(NULL, "Wijkteam", "en", buf, sizeof buf);
    cr_assert_str_eq(buf, "wijkteam", "an unknown layer: its label in lower case");
}
