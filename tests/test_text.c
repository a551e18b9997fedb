/* test_text.c - Dutch and English (core/text.h): the lookup that falls back
 * to Dutch, the template filler with {name} and {{name}}, what a missing
 * value looks like, and the report's table of texts read through them.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
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

/* The names the report passes to its templates (reports/xlsx). */
static const tm_text_var report_vars[] = {
    {"k", "5"},           {"goed", "70"},       {"aandacht", "55"},        {"layers", "bestuur"},
    {"theme", "thema"},   {"carry", "80"},      {"last", "de uitvoering"}, {"from", "het bestuur"},
    {"to", "management"}, {"measure", "score"}, {"diff", "12,5"},          {NULL, NULL}};

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
    cr_assert_str_eq(tm_text_get(defs[0].term, "en"), "Score (perceived alignment)");
    cr_assert_str_eq(rt_get(RT_SHEET_GAPS, "nl"), "Kloven");
    cr_assert_str_eq(rt_get(RT_SHEET_GAPS, "de"), "Kloven", "the report falls back to Dutch");
}

Test(text, the_report_writes_numbers_the_dutch_or_english_way)
{
    char buf[32];
    rt_number(buf, sizeof buf, 12.25, 1, "nl");
    cr_assert_str_eq(buf, "12,2");
    rt_number(buf, sizeof buf, 12.25, 1, "en");
    cr_assert_str_eq(buf, "12.2");
    rt_number(buf, sizeof buf, -0.04, 1, NULL);
    cr_assert_str_eq(buf, "0,0", "no minus zero");
    rt_layer_phrase(buf, sizeof buf, "uitvoering", "Uitvoering", "nl");
    cr_assert_str_eq(buf, "de uitvoering");
    rt_layer_phrase(buf, sizeof buf, "uitvoering", "Frontline", "en");
    cr_assert_str_eq(buf, "frontline staff");
    rt_layer_phrase(buf, sizeof buf, "wijkteam", "Wijkteam", "en");
    cr_assert_str_eq(buf, "wijkteam", "an unknown layer: its label in lower case");
}
