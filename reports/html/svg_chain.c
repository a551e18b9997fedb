/* svg_chain.c - see svg_chain.h. */
#include "reports/html/svg_chain.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/html.h"
#include "core/text.h"

/* The plot area inside the viewBox. */
#define LEFT 48.0
#define RIGHT 20.0
#define TOP 20.0
#define BOTTOM 70.0

static const json_t *theme_of(const json_t *analysis, const char *theme)
{
    size_t i;
    const json_t *t;
    json_array_foreach(json_object_get(analysis, "themes"), i, t)
    {
        const char *k = json_string_value(json_object_get(t, "theme"));
        if (k && theme && !strcmp(k, theme)) return t;
    }
    return NULL;
}

int svg_chain_mean(const json_t *analysis, const char *theme, const char *layer,
                   const char *measure, double *mean)
{
    size_t i;
    const json_t *l;
    json_array_foreach(json_object_get(theme_of(analysis, theme), "layers"), i, l)
    {
        const char *k = json_string_value(json_object_get(l, "layer"));
        if (!k || strcmp(k, layer) != 0) continue;
        if (json_is_true(json_object_get(l, "suppressed"))) return 0;
        const json_t *cell = json_object_get(l, measure);
        const json_t *m = json_object_get(cell, "mean");
        if (!json_is_number(m) || json_is_true(json_object_get(cell, "suppressed"))) return 0;
        *mean = json_number_value(m);
        return isfinite(*mean);
    }
    return 0;
}

static int layer_suppressed(const json_t *t, const char *layer)
{
    size_t i;
    const json_t *l;
    json_array_foreach(json_object_get(t, "layers"), i, l)
    {
        const char *k = json_string_value(json_object_get(l, "layer"));
        if (k && !strcmp(k, layer)) return json_is_true(json_object_get(l, "suppressed"));
    }
    return 1; /* not in the theme at all: nothing to show */
}

static double x_of(size_t i, size_t n)
{
    double w = SVG_CHAIN_WIDTH - LEFT - RIGHT;
    return n <= 1 ? LEFT + w / 2 : LEFT + w * ((double)i + 0.5) / (double)n;
}

static double y_of(double v)
{
    if (v < 0) v = 0;
    if (v > 100) v = 100;
    return TOP + (SVG_CHAIN_HEIGHT - TOP - BOTTOM) * (100.0 - v) / 100.0;
}

static const char *label_of(const svg_chain_opts *o, const json_t *chain, size_t i)
{
    if (o->layer_labels && i < o->n_layer_labels && o->layer_labels[i]) return o->layer_labels[i];
    return json_string_value(json_array_get(chain, i));
}

/* One measure: its line in segments (a gap where a layer has no figure) and
 * its points. */
static void put_series(strbuf *b, const json_t *analysis, const char *theme, const json_t *chain,
                       const char *measure, int dashed)
{
    size_t n = json_array_size(chain);
    const char *colour = dashed ? "#b45309" : "#1d4f91";
    int open = 0;
    for (size_t i = 0; i < n; i++) {
        double m;
        const char *layer = json_string_value(json_array_get(chain, i));
        if (!layer || !svg_chain_mean(analysis, theme, layer, measure, &m)) {
            if (open) strbuf_adds(b, "\"/>\n");
            open = 0;
            continue;
        }
        if (!open)
            strbuf_addf(b,
                        "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"3\"%s "
                        "points=\"",
                        colour, dashed ? " stroke-dasharray=\"8 5\"" : "");
        strbuf_addf(b, "%s%.1f,%.1f", open ? " " : "", x_of(i, n), y_of(m));
        open = 1;
    }
    if (open) strbuf_adds(b, "\"/>\n");
    for (size_t i = 0; i < n; i++) {
        double m;
        const char *layer = json_string_value(json_array_get(chain, i));
        if (!layer || !svg_chain_mean(analysis, theme, layer, measure, &m)) continue;
        double x = x_of(i, n), y = y_of(m);
        if (dashed)
            strbuf_addf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>\n",
                        x - 5, y - 5, colour);
        else
            strbuf_addf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5.5\" fill=\"%s\"/>\n", x, y,
                        colour);
        strbuf_addf(b,
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" text-anchor=\"middle\" "
                    "fill=\"%s\">%.0f</text>\n",
                    x + (dashed ? 16 : -16), y - 8, dashed ? "#7c2d12" : "#1d4f91", round(m));
    }
}

/* The description a screen reader reads: each measure's figures in order. */
static void put_description(strbuf *b, const json_t *analysis, const char *theme,
                            const json_t *chain, const svg_chain_opts *o, const json_t *t)
{
    const char *lang = o->lang;
    static const tm_text names[2] = {{"Beleving", "Perceived alignment"}, {"Kennis", "Knowledge"}};
    static const char *const measures[2] = {"score", "knowledge"};
    for (int k = 0; k < 2; k++) {
        html_escape(b, tm_text_get(names[k], lang));
        strbuf_adds(b, ": ");
        for (size_t i = 0; i < json_array_size(chain); i++) {
            double m;
            const char *layer = json_string_value(json_array_get(chain, i));
            if (i) strbuf_adds(b, ", ");
            html_escape(b, label_of(o, chain, i));
            strbuf_adds(b, " ");
            if (layer && svg_chain_mean(analysis, theme, layer, measures[k], &m))
                strbuf_addf(b, "%.0f", round(m)); /* half away from zero, as the reports */
            else if (layer && layer_suppressed(t, layer))
                html_escape(
                    b, tm_text_get((tm_text){"te weinig antwoorden", "too few answers"}, lang));
            else
                html_escape(b, tm_text_get((tm_text){"geen cijfer", "no figure"}, lang));
        }
        strbuf_adds(b, k ? "." : ". ");
    }
}

int svg_chain_theme(strbuf *b, const json_t *analysis, const char *theme, const svg_chain_opts *o)
{
    const json_t *t = theme_of(analysis, theme);
    const json_t *chain = json_object_get(analysis, "chain");
    if (!t || !json_is_array(chain)) return -1;
    const char *id = o && o->id ? o->id : "chain";
    svg_chain_opts dflt = {0};
    if (!o) o = &dflt;
    const char *lang = tm_text_lang(o->lang);
    size_t n = json_array_size(chain);

    strbuf_addf(b,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
                "aria-labelledby=\"",
                SVG_CHAIN_WIDTH, SVG_CHAIN_HEIGHT);
    html_escape(b, id);
    strbuf_adds(b, "-t ");
    html_escape(b, id);
    strbuf_adds(b, "-d\" font-family=\"system-ui, sans-serif\">\n<title id=\"");
    html_escape(b, id);
    strbuf_adds(b, "-t\">");
    html_escape(b, o->title ? o->title : theme);
    strbuf_adds(b, "</title>\n<desc id=\"");
    html_escape(b, id);
    strbuf_adds(b, "-d\">");
    svg_chain_opts with_lang = *o;
    with_lang.lang = lang;
    put_description(b, analysis, theme, chain, &with_lang, t);
    strbuf_adds(b, "</desc>\n");

    /* the scale: 0..100 with lines every 25 */
    for (int v = 0; v <= 100; v += 25) {
        double y = y_of(v);
        strbuf_addf(b,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    "stroke-width=\"1\"/>\n<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
                    "text-anchor=\"end\" fill=\"#4b5563\">%d</text>\n",
                    LEFT, y, (double)SVG_CHAIN_WIDTH - RIGHT, y, v ? "#e5e7eb" : "#6b7280",
                    LEFT - 8, y + 4, v);
    }
    /* the layers along the bottom; a suppressed one says so */
    for (size_t i = 0; i < n; i++) {
        double x = x_of(i, n);
        double base = SVG_CHAIN_HEIGHT - BOTTOM;
        strbuf_addf(b,
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" text-anchor=\"middle\" "
                    "fill=\"#1a1a1a\">",
                    x, base + 20);
        html_escape(b, label_of(o, chain, i));
        strbuf_adds(b, "</text>\n");
        const char *layer = json_string_value(json_array_get(chain, i));
        if (layer && layer_suppressed(t, layer)) {
            strbuf_addf(b,
                        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" "
                        "fill=\"#4b5563\">",
                        x, base + 36);
            html_escape(b, tm_text_get((tm_text){"(te weinig)", "(too few)"}, lang));
            strbuf_adds(b, "</text>\n");
        }
    }
    put_series(b, analysis, theme, chain, "score", 0);
    put_series(b, analysis, theme, chain, "knowledge", 1);
    /* the legend under the chart */
    double ly = SVG_CHAIN_HEIGHT - 14;
    strbuf_addf(b,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1d4f91\" "
                "stroke-width=\"3\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"#1d4f91\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"#1a1a1a\">",
                LEFT, ly, LEFT + 28, ly, LEFT + 14, ly, LEFT + 36, ly + 4);
    html_escape(b, tm_text_get((tm_text){"beleving", "perceived alignment"}, lang));
    strbuf_addf(b,
                "</text>\n<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b45309\" "
                "stroke-width=\"3\" stroke-dasharray=\"8 5\"/><rect x=\"%.1f\" y=\"%.1f\" "
                "width=\"9\" height=\"9\" fill=\"#b45309\"/><text x=\"%.1f\" y=\"%.1f\" "
                "font-size=\"13\" fill=\"#1a1a1a\">",
                LEFT + 230, ly, LEFT + 258, ly, LEFT + 239.5, ly - 4.5, LEFT + 266, ly + 4);
    html_escape(b,
                tm_text_get((tm_text){"kennis van de bedoeling", "knowledge of the intent"}, lang));
    strbuf_adds(b, "</text>\n</svg>\n");
    return b->status == STRBUF_OK ? 0 : -1;
}
