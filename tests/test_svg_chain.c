/* test_svg_chain.c - the chain chart (reports/html/svg_chain.h): what it
 * draws from the analysis JSON, what it says to a screen reader, and that a
 * suppressed layer shows no figure.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "reports/html/svg_chain.h"

static const char analysis_text[] =
    "{\"chain\": [\"bestuur\", \"beleid\", \"uitvoering\"],"
    " \"themes\": [{\"theme\": \"t1\", \"layers\": ["
    "  {\"layer\": \"bestuur\", \"suppressed\": false,"
    "   \"score\": {\"n\": 6, \"mean\": 80.4, \"sd\": 1, \"ci95\": null},"
    "   \"knowledge\": {\"n\": 6, \"mean\": 62.5, \"sd\": 1, \"ci95\": null}},"
    "  {\"layer\": \"beleid\", \"suppressed\": true},"
    "  {\"layer\": \"uitvoering\", \"suppressed\": false,"
    "   \"score\": {\"n\": 9, \"mean\": 40.0, \"sd\": 1, \"ci95\": null},"
    "   \"knowledge\": {\"suppressed\": true}}]}]}";

static char *draw(json_t *a, const char *theme, const svg_chain_opts *o, int *rc)
{
    strbuf b = STRBUF_INIT(1 << 20);
    *rc = svg_chain_theme(&b, a, theme, o);
    return strbuf_detach(&b, NULL);
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p++)
        n++;
    return n;
}

Test(svg_chain, draws_shown_layers_and_marks_a_suppressed_one)
{
    json_t *a = json_loads(analysis_text, 0, NULL);
    cr_assert_not_null(a);
    const char *labels[] = {"Bestuur", "Beleid", "Uitvoering"};
    svg_chain_opts o = {"nl", "c1", "Thema <één>", labels, 3};
    int rc;
    char *svg = draw(a, "t1", &o, &rc);
    cr_assert_eq(rc, 0);
    cr_expect(strstr(svg, "role=\"img\" aria-labelledby=\"c1-t c1-d\"") != NULL);
    cr_expect(strstr(svg, "<title id=\"c1-t\">Thema &lt;één&gt;</title>") != NULL, "escaped");
    cr_expect(strstr(svg, "Beleving: Bestuur 80, Beleid te weinig antwoorden, Uitvoering 40. "
                          "Kennis: Bestuur 63, Beleid te weinig antwoorden, Uitvoering geen "
                          "cijfer.") != NULL,
              "the description reads the figures: %s", svg);
    cr_expect_eq(count(svg, "<circle"), 3, "two score points and the legend's");
    cr_expect_eq(count(svg, "<rect"), 2, "one knowledge point and the legend's");
    cr_expect_eq(count(svg, "<polyline"), 3,
                 "the score line breaks at the suppressed layer (two pieces), knowledge one");
    cr_expect_eq(count(svg, "(te weinig)"), 1, "the suppressed layer is marked");
    double m;
    cr_expect(svg_chain_mean(a, "t1", "bestuur", "score", &m) && m == 80.4);
    cr_expect(!svg_chain_mean(a, "t1", "beleid", "score", &m), "suppressed: no figure");
    cr_expect(!svg_chain_mean(a, "t1", "uitvoering", "knowledge", &m), "a suppressed cell");
    free(svg);
    svg = draw(a, "t2", &o, &rc);
    cr_expect_eq(rc, -1, "an unknown theme");
    free(svg);
    json_decref(a);
}

Test(svg_chain, english_and_the_layer_keys_without_labels)
{
    json_t *a = json_loads(analysis_text, 0, NULL);
    svg_chain_opts o = {"en", "x", NULL, NULL, 0};
    int rc;
    char *svg = draw(a, "t1", &o, &rc);
    cr_assert_eq(rc, 0);
    cr_expect(strstr(svg, "Perceived alignment: bestuur 80, beleid too few answers") != NULL, "%s",
              svg);
    cr_expect(strstr(svg, "(too few)") && strstr(svg, "knowledge of the intent"));
    free(svg);
    json_decref(a);
}
