/* test_summary.c - the council summary web page (reports/html/summary.h),
 * rendered from the report fixtures (tests/fixtures/report-*.json, see
 * test_report.c) and read back by tests/summary_check.py with Python's own
 * HTML parser: every figure on the page is the analysis' figure rounded as
 * a reader sees it, nothing of a suppressed layer but its name and counts,
 * no script and no style attribute (the CSP allows neither). Then the
 * attacks a page invites: markup in an organisation's, wave's or rule's
 * name, and an analysis that is not one.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/instrument.h"
#include "reports/html/summary.h"
#include "th.h"

#define INSTRUMENT "survey-defs/thermometer-sociaal-domein.json"
#define FIX_HIDDEN "tests/fixtures/report-hidden.json"
#define FIX_SHOWN "tests/fixtures/report-shown.json"
#define FIX_PROGRESS "tests/fixtures/report-progress.json"

static json_t *load_json(const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    cr_assert_not_null(j, "%s: %s (line %d)", path, je.text, je.line);
    return j;
}

static instrument *load_instrument(void)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(INSTRUMENT, &err);
    cr_assert_not_null(in, "instrument: %s", err.message);
    return in;
}

/* The page of analysis a (borrowed) with progress (may be NULL); caller
 * frees. */
static char *render(const instrument *in, json_t *a, json_t *progress, const char *lang)
{
    summary_input s = {.in = in,
                       .analysis = a,
                       .progress = progress,
                       .lang = lang,
                       .generated_at = "2026-11-24 10:15",
                       .css_href = "/assets/raad.css"};
    tm_error err = TM_ERROR_INIT;
    size_t len = 0;
    char *html = summary_render(&s, &len, &err);
    cr_assert_not_null(html, "summary_render: %s", err.message);
    cr_assert_eq(strlen(html), len, "the page's length");
    return html;
}

static void check_page(const char *fixture, const char *progress, const char *lang)
{
    instrument *in = load_instrument();
    json_t *a = load_json(fixture);
    json_t *p = progress ? load_json(progress) : NULL;
    char *html = render(in, a, p, lang);
    const char *base = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp";
    char *path, *cmd, *out = NULL;
    cr_assert(asprintf(&path, "%s/summary-%d-%s.html", base, (int)getpid(), lang) > 0);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(html, f);
    fclose(f);
    cr_assert(asprintf(&cmd,
                       "timeout 60 /usr/bin/python3 tests/summary_check.py --file %s --fixture %s "
                       "--instrument %s --progress %s --lang %s",
                       path, fixture, INSTRUMENT, progress ? progress : "none", lang) > 0);
    int st = th_run(cmd, &out);
    cr_assert_eq(st, 0, "summary_check.py failed (exit %d):\n%s\n%s", st, cmd, out ? out : "");
    cr_log_info("%s", out);
    free(out);
    free(cmd);
    unlink(path);
    free(path);
    free(html);
    json_decref(p);
    json_decref(a);
    instrument_free(in);
}

Test(summary, nl_page_matches_the_analysis_with_bestuur_suppressed)
{
    check_page(FIX_HIDDEN, FIX_PROGRESS, "nl");
}

Test(summary, en_page_matches_the_analysis_with_bestuur_suppressed)
{
    check_page(FIX_HIDDEN, FIX_PROGRESS, "en");
}

Test(summary, pages_of_a_wave_with_every_layer_shown)
{
    check_page(FIX_SHOWN, NULL, "nl");
    check_page(FIX_SHOWN, NULL, "en");
}

/* The page of analysis a (borrowed), written as a fixture of its own for
 * the check. */
static void check_analysis(json_t *a, const char *lang)
{
    const char *base = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp";
    char *path;
    cr_assert(asprintf(&path, "%s/summary-fx-%d-%s.json", base, (int)getpid(), lang) > 0);
    cr_assert_eq(json_dump_file(a, path, 0), 0, "%s: cannot write", path);
    check_page(path, NULL, lang);
    unlink(path);
    free(path);
}

/* A wave whose layers agree on every rule and find none hindering gets a
 * sentence that says so; a wave without rules no word about rules. */
Test(summary, rules_without_a_point_and_no_rules)
{
    json_t *a = load_json(FIX_SHOWN);
    size_t i, j;
    json_t *r, *l;
    json_array_foreach(json_object_get(a, "rules"), i, r)
    {
        json_object_set_new(r, "conflicts", json_array());
        json_array_foreach(json_object_get(r, "layers"), j, l)
        {
            json_t *rating = json_object_get(l, "rating");
            if (json_real_value(json_object_get(rating, "net")) < 0)
                json_object_set_new(rating, "net", json_real(10));
        }
    }
    check_analysis(a, "nl");
    check_analysis(a, "en");
    instrument *in = load_instrument();
    char *html = render(in, a, NULL, "nl");
    cr_expect(strstr(html, "Over geen van de regels van deze meting lopen de lagen ver uiteen") !=
                  NULL,
              "no sentence that no rule divides the layers or hinders");
    free(html);
    json_object_set_new(a, "rules", json_array());
    check_analysis(a, "nl");
    html = render(in, a, NULL, "nl");
    cr_expect_null(strstr(html, "Regels die helpen of belemmeren"), "rules told without rules");
    free(html);
    instrument_free(in);
    json_decref(a);
}

/* Markup in names that come from outside the program (an organisation, a
 * wave, a rule) is text on the page, never markup. */
Test(summary, names_are_escaped)
{
    instrument *in = load_instrument();
    json_t *a = load_json(FIX_SHOWN);
    json_t *wave = json_object_get(a, "wave");
    json_object_set_new(wave, "organisation", json_string("Gemeente <script>alert(1)</script>"));
    json_object_set_new(wave, "name", json_string("Meting \"2026\" <img src=x onerror=alert(2)>"));
    json_t *rule = json_array_get(json_object_get(a, "rules"), 5); /* the rule of the conflict */
    json_object_set_new(rule, "text", json_string("Regel <b onclick=alert(3)>vet</b> & 'quote'"));
    char *html = render(in, a, NULL, "nl");
    cr_expect_null(strstr(html, "<script"), "a script element got through");
    cr_expect_null(strstr(html, "<img"), "an img element got through");
    cr_expect_null(strstr(html, "<b "), "a b element got through");
    cr_expect(strstr(html, "Meting &quot;2026&quot; &lt;img src=x onerror=alert(2)&gt;") != NULL,
              "the wave's name is not shown as text");
    cr_expect(strstr(html, "Gemeente &lt;script&gt;alert(1)&lt;/script&gt;") != NULL,
              "the organisation's name is not shown as text");
    cr_expect(strstr(html, "Regel &lt;b onclick=alert(3)&gt;vet&lt;/b&gt; &amp; &#39;quote&#39;") !=
                  NULL,
              "the rule's text is not shown as text (the sentence about its conflict)");
    free(html);
    json_decref(a);
    instrument_free(in);
}

Test(summary, an_analysis_that_is_not_one_is_refused)
{
    instrument *in = load_instrument();
    json_t *a = json_pack("{s:s}", "wave", "x");
    summary_input s = {.in = in, .analysis = a, .lang = "nl", .css_href = "/x.css"};
    tm_error err = TM_ERROR_INIT;
    cr_assert_null(summary_render(&s, NULL, &err));
    cr_assert_eq(err.status, 400);
    cr_assert(strstr(err.message, "themes"), "%s", err.message);
    tm_error_clear(&err);
    json_decref(a);
    /* an analysis with no themes, no chain and no response still gives a page */
    a = json_pack("{s:{s:s, s:s}, s:[], s:[]}", "wave", "name", "Leeg", "organisation", "X",
                  "themes", "chain");
    char *html = render(in, a, NULL, "en");
    cr_assert(strstr(html, "</html>") != NULL);
    free(html);
    json_decref(a);
    instrument_free(in);
}

/* The style sheet the page links prints A4 landscape, a page per section. */
Test(summary, the_style_sheet_prints_a4_landscape)
{
    cr_assert(strstr(summary_css, "@page { size: A4 landscape;") != NULL);
    cr_assert(strstr(summary_css, "break-after: page") != NULL);
}
