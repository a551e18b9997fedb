/* console_results.c - a closed wave's results in the console: the chain at
 * a glance (an SVG line chart of score and knowledge per layer, per theme,
 * from reports/html/svg_chain.h, with its figures in a table beside it), the
 * thermometer per theme, the three largest losses along the chain, and the
 * downloads of the full and council reports in Dutch and English.
 *
 *   GET /beheer/metingen/{id}/uitkomsten
 *   GET /beheer/metingen/{id}/rapport?variant=full|council&lang=nl|en
 *   GET /raad/{id}                      the council summary page, behind a login
 *
 * Only for a closed wave (409 "results appear when the wave closes"
 * before): during collection there are counts only. Everything shown is at
 * the level of themes, as in the council summary; a viewer downloads the
 * council report only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/html/svg_chain.h"
#include "server/app/analysis_service.h"
#include "server/app/share.h"
#include "server/web/console.h"
#include "server/web/console_routes.h"
#include "server/web/routes.h"

static int closed_or_refuse(http_request *req, http_response *res)
{
    if (!strcmp(req->wave.status, "closed")) return 0;
    tm_error err = TM_ERROR_INIT;
    tm_error_set(&err, 409, "results appear when the wave closes");
    console_fail(req, res, &err);
    tm_error_clear(&err);
    return -1;
}

static const char *theme_label(const instrument *in, const char *key, const char *lang)
{
    return console_layer_label(in, key, lang);
}

static void put_chain(console_page *p, json_t *a, const instrument *in)
{
    strbuf *b = &p->b;
    json_t *chain = json_object_get(a, "chain");
    size_t n = json_array_size(chain);
    const char *labels[INSTRUMENT_MAX_LAYERS] = {0};
    for (size_t i = 0; i < n && i < INSTRUMENT_MAX_LAYERS; i++)
        labels[i] = console_layer_label(in, json_string_value(json_array_get(chain, i)), p->lang);
    strbuf_adds(b, "<h2 id=\"chain\">");
    console_t(p, TX("De keten in \u00e9\u00e9n oogopslag", "The chain at a glance"));
    strbuf_adds(b, "</h2>\n<p>");
    console_t(p, TX("Per thema: hoe de lagen de bedoeling beleven (doorgetrokken lijn) en hoe "
                    "goed ze haar kennen (stippellijn), op een schaal van 0 tot 100. Hoe lager "
                    "in de keten de lijn zakt, hoe meer van de bedoeling onderweg verloren gaat.",
                    "Per theme: how the layers perceive the intent (solid line) and how well they "
                    "know it (dashed line), on a scale of 0 to 100. The further the line drops "
                    "down the chain, the more of the intent is lost on the way."));
    strbuf_adds(b, "</p>\n<div class=\"charts\">\n");
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(a, "themes"), i, t)
    {
        const char *key = json_string_value(json_object_get(t, "theme"));
        const char *label = theme_label(in, key, p->lang);
        char id[32];
        snprintf(id, sizeof id, "chain-%zu", i);
        strbuf_adds(b, "<section class=\"chart\"><h3>");
        console_esc(p, label);
        strbuf_adds(b, "</h3>\n");
        svg_chain_opts o = {p->lang, id, label, labels, n};
        svg_chain_theme(b, a, key, &o);
        strbuf_adds(b, "<details><summary>");
        console_t(p, TX("De cijfers bij deze grafiek", "The figures of this chart"));
        strbuf_adds(b, "</summary><div class=\"table\"><table><thead><tr><th scope=\"col\">");
        console_t(p, TX("Laag", "Layer"));
        strbuf_adds(b, "</th><th scope=\"col\" class=\"num\">");
        console_t(p, TX("Beleving", "Perceived alignment"));
        strbuf_adds(b, "</th><th scope=\"col\" class=\"num\">");
        console_t(p, TX("Kennis", "Knowledge"));
        strbuf_adds(b, "</th></tr></thead><tbody>");
        for (size_t k = 0; k < n; k++) {
            const char *layer = json_string_value(json_array_get(chain, k));
            strbuf_adds(b, "<tr><th scope=\"row\">");
            console_esc(p, labels[k]);
            strbuf_adds(b, "</th>");
            static const char *const measures[2] = {"score", "knowledge"};
            for (int m = 0; m < 2; m++) {
                double v;
                if (svg_chain_mean(a, key, layer, measures[m], &v))
                    strbuf_addf(b, "<td class=\"num\">%.0f</td>", round(v));
                else {
                    strbuf_adds(b, "<td class=\"num\">");
                    console_t(p, TX("te weinig of geen", "too few or none"));
                    strbuf_adds(b, "</td>");
                }
            }
            strbuf_adds(b, "</tr>");
        }
        strbuf_adds(b, "</tbody></table></div></details></section>\n");
    }
    strbuf_adds(b, "</div>\n");
}

static void put_thermometer(console_page *p, json_t *a, const instrument *in)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<h2>");
    console_t(p, TX("De thermometer per thema", "The thermometer per theme"));
    strbuf_adds(b, "</h2>\n<p>");
    console_t(p, TX("De temperatuur is het gemiddelde van de lagen min de helft van het verschil "
                    "tussen de hoogste en de laagste laag: een keten die ergens breekt is niet "
                    "warm. Het cijfer loopt van 1 tot 10. Doorwerking is het deel van de bedoeling "
                    "dat onderaan de keten aankomt.",
                    "The temperature is the mean of the layers minus half the difference between "
                    "the highest and the lowest layer: a chain that breaks somewhere is not warm. "
                    "The mark runs from 1 to 10. Carry-through is the share of the intent that "
                    "arrives at the bottom of the chain."));
    strbuf_adds(b, "</p>\n<div class=\"table\"><table><thead><tr><th scope=\"col\">");
    console_t(p, TX("Thema", "Theme"));
    strbuf_adds(b, "</th><th scope=\"col\" class=\"num\">");
    console_t(p, TX("Temperatuur", "Temperature"));
    strbuf_adds(b, "</th><th scope=\"col\" class=\"num\">");
    console_t(p, TX("Cijfer", "Mark"));
    strbuf_adds(b, "</th><th scope=\"col\">");
    console_t(p, TX("Oordeel", "Verdict"));
    strbuf_adds(b, "</th><th scope=\"col\" class=\"num\">");
    console_t(p, TX("Doorwerking", "Carry-through"));
    strbuf_adds(b, "</th></tr></thead><tbody>\n");
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(a, "themes"), i, t)
    {
        json_t *th = json_object_get(t, "thermometer");
        json_t *temp = json_object_get(th, "temperature"), *grade = json_object_get(th, "grade");
        const char *band = json_string_value(json_object_get(th, "band"));
        json_t *carry = json_object_get(t, "carry");
        strbuf_adds(b, "<tr><th scope=\"row\">");
        console_esc(p, theme_label(in, json_string_value(json_object_get(t, "theme")), p->lang));
        strbuf_adds(b, "</th>");
        if (json_is_number(temp))
            strbuf_addf(b, "<td class=\"num\">%.0f</td>", json_number_value(temp));
        else
            strbuf_adds(b, "<td class=\"num\">\u2013</td>");
        if (json_is_number(grade))
            strbuf_addf(b, "<td class=\"num\">%.1f</td>", json_number_value(grade));
        else
            strbuf_adds(b, "<td class=\"num\">\u2013</td>");
        strbuf_adds(b, "<td>");
        if (band) {
            strbuf_addf(b, "<span class=\"band-%s\">",
                        !strcmp(band, "goed") || !strcmp(band, "aandacht") ? band : "zorg");
            console_t(p, !strcmp(band, "goed")       ? TX("goed", "good")
                         : !strcmp(band, "aandacht") ? TX("aandacht nodig", "needs attention")
                                                     : TX("zorgelijk", "worrying"));
            strbuf_adds(b, "</span>");
        } else {
            strbuf_adds(b, "\u2013");
        }
        strbuf_adds(b, "</td>");
        if (json_is_number(carry))
            strbuf_addf(b, "<td class=\"num\">%.0f%%</td>", json_number_value(carry));
        else
            strbuf_adds(b, "<td class=\"num\">\u2013</td>");
        strbuf_adds(b, "</tr>\n");
    }
    strbuf_adds(b, "</tbody></table></div>\n");
}

typedef struct loss {
    const char *theme, *from, *to, *measure;
    double lost; /* percent of the upper layer's figure */
} loss;

static int by_loss(const void *x, const void *y)
{
    double a = ((const loss *)x)->lost, b = ((const loss *)y)->lost;
    return a < b ? 1 : a > b ? -1 : 0;
}

/* The three links between adjacent shown layers where the most is lost
 * (1 - ratio of the theme's carry measure), over all themes. */
static void put_losses(console_page *p, json_t *a, const instrument *in)
{
    strbuf *b = &p->b;
    loss all[256] = {{0}};
    size_t n = 0, i, j;
    json_t *t, *l;
    json_array_foreach(json_object_get(a, "themes"), i, t)
    {
        json_array_foreach(json_object_get(t, "links"), j, l)
        {
            json_t *ratio = json_object_get(l, "ratio");
            if (!json_is_number(ratio) || json_number_value(ratio) >= 1.0 || n == 256) continue;
            all[n++] = (loss){json_string_value(json_object_get(t, "theme")),
                              json_string_value(json_object_get(l, "from")),
                              json_string_value(json_object_get(l, "to")),
                              json_string_value(json_object_get(t, "carry_measure")),
                              100.0 * (1.0 - json_number_value(ratio))};
        }
    }
    qsort(all, n, sizeof *all, by_loss);
    strbuf_adds(b, "<h2>");
    console_t(p, TX("De drie grootste verliezen in de keten", "The three largest losses along the "
                                                              "chain"));
    strbuf_adds(b, "</h2>\n");
    if (!n) {
        strbuf_adds(b, "<p>");
        console_t(p, TX("Nergens in de keten gaat iets verloren tussen twee lagen die we kunnen "
                        "tonen.",
                        "Nothing is lost between any two layers that can be shown."));
        strbuf_adds(b, "</p>\n");
        return;
    }
    strbuf_adds(b, "<ol>\n");
    for (i = 0; i < n && i < 3; i++) {
        char pct[16];
        snprintf(pct, sizeof pct, "%.0f", all[i].lost);
        const tm_text_var v[] = {{"thema", theme_label(in, all[i].theme, p->lang)},
                                 {"van", console_layer_label(in, all[i].from, p->lang)},
                                 {"naar", console_layer_label(in, all[i].to, p->lang)},
                                 {"procent", pct},
                                 {NULL, NULL}};
        strbuf_adds(b, "<li>");
        console_tf(p,
                   all[i].measure && !strcmp(all[i].measure, "knowledge")
                       ? TX("{thema}: van {van} naar {naar} gaat {procent}% van de kennis van de "
                            "bedoeling verloren.",
                            "{thema}: from {van} to {naar}, {procent}% of the knowledge of the "
                            "intent is lost.")
                       : TX("{thema}: van {van} naar {naar} daalt de beleving met {procent}%.",
                            "{thema}: from {van} to {naar}, perceived alignment drops by "
                            "{procent}%."),
                   v);
        strbuf_adds(b, "</li>\n");
    }
    strbuf_adds(b, "</ol>\n");
}

static void put_downloads(console_page *p, long long wave)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<h2>");
    console_t(p, TX("Rapporten downloaden", "Download the reports"));
    strbuf_adds(b, "</h2>\n<ul>\n");
    static const struct {
        const char *variant, *lang;
        tm_text label;
        int council;
    } links[] = {
        {"council", "nl", {"Raadsrapport (Nederlands, Excel)", "Council report (Dutch, Excel)"}, 1},
        {"council", "en", {"Raadsrapport (Engels, Excel)", "Council report (English, Excel)"}, 1},
        {"full", "nl", {"Volledig rapport (Nederlands, Excel)", "Full report (Dutch, Excel)"}, 0},
        {"full", "en", {"Volledig rapport (Engels, Excel)", "Full report (English, Excel)"}, 0},
    };
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        if (!links[i].council && p->req->who.role == ROLE_VIEWER) continue;
        strbuf_addf(b,
                    "<li><a href=\"/beheer/metingen/%lld/rapport?variant=%s&amp;lang=%s\" "
                    "download>",
                    wave, links[i].variant, links[i].lang);
        console_t(p, links[i].label);
        strbuf_adds(b, "</a></li>\n");
    }
    strbuf_adds(b, "</ul>\n");
}

void route_console_results(http_request *req, http_response *res)
{
    if (closed_or_refuse(req, res) != 0) return;
    tm_error err = TM_ERROR_INIT;
    /* a viewer (a council member) sees what the council summary is made of */
    json_t *a =
        analysis_service_read(req->app, req->db, &req->wave, req->who.role == ROLE_VIEWER, &err);
    const instrument *in =
        a ? app_instrument(req->app, req->db, req->wave.instrument_id, &err) : NULL;
    if (!in) {
        json_decref(a);
        console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    console_page p;
    strbuf *b = &p.b;
    console_begin(&p, req, TX("Uitkomsten", "Results"));
    strbuf_addf(b, "<p class=\"crumbs\"><a href=\"/beheer/metingen/%lld\">", req->wave.id);
    console_esc(&p, req->wave.name);
    strbuf_adds(b, "</a></p>\n");
    console_h1(&p, TX("Uitkomsten", "Results"));
    json_t *sup = json_object_get(a, "suppressed_layers");
    if (json_array_size(sup)) {
        strbuf_adds(b, "<p class=\"warning\">");
        char k[16];
        snprintf(k, sizeof k, "%d", req->wave.min_group_size);
        const tm_text_var v[] = {{"k", k}, {NULL, NULL}};
        console_tf(&p,
                   TX("Lagen met minder dan {k} antwoorden tonen we niet, zodat niemand "
                      "herkenbaar is:",
                      "Layers with fewer than {k} answers are not shown, so that no one can "
                      "be recognised:"),
                   v);
        size_t i;
        json_t *l;
        json_array_foreach(sup, i, l)
        {
            strbuf_adds(b, i ? ", " : " ");
            console_esc(&p, console_layer_label(in, json_string_value(l), p.lang));
        }
        strbuf_adds(b, ".</p>\n");
    }
    put_chain(&p, a, in);
    put_thermometer(&p, a, in);
    put_losses(&p, a, in);
    put_downloads(&p, req->wave.id);
    json_decref(a);
    console_end(&p, res, 200);
}

void route_console_report(http_request *req, http_response *res)
{
    if (closed_or_refuse(req, res) != 0) return;
    route_report(req, res); /* the API's download: the same workbook, the same rules */
}

/* The page a share link opens (/raad/s/{token}), for a signed-in person
 * whose scope holds the wave (a viewer included: it is the council's own
 * summary), without making a link. The service refuses an open wave (409);
 * a wave out of scope was refused as unknown (404) in the head step. */
void route_console_raad(http_request *req, http_response *res)
{
    if (closed_or_refuse(req, res) != 0) return;
    tm_error err = TM_ERROR_INIT;
    size_t len = 0;
    char *html = share_summary(req->app, req->db, &req->wave, console_lang(req), &len, &err);
    if (!html) {
        console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    http_respond_body(res, 200, "text/html; charset=utf-8", html, len);
}
