/* svg_lines.c - see svg_lines.h. */
#include "reports/html/svg_lines.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/html.h"

/* The drawing's size in viewBox units and the plot area inside it. */
#define W 640.0
#define PLOT_L 44.0
#define PLOT_R 624.0
#define PLOT_T 12.0
#define PLOT_B 262.0
#define LEGEND_T 306.0
#define LEGEND_ROW 26.0
#define LEGEND_COLS 2

/* Okabe & Ito's palette, without its yellow (too light on white). */
static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                      "#E69F00", "#56B4E9", "#000000"};
#define N_PALETTE (sizeof palette / sizeof palette[0])

const char *svg_lines_colour(size_t i)
{
    return palette[i % N_PALETTE];
}

static double x_of(const svg_lines_chart *c, size_t i)
{
    double span = PLOT_R - PLOT_L;
    return c->n_cats <= 1 ? PLOT_L + span / 2
                          : PLOT_L + 44 + (span - 88) * (double)i / (double)(c->n_cats - 1);
}

static double y_of(const svg_lines_chart *c, double v)
{
    double r = c->max > c->min ? (v - c->min) / (c->max - c->min) : 0;
    if (r < 0) r = 0;
    if (r > 1) r = 1;
    return PLOT_B - (PLOT_B - PLOT_T) * r;
}

/* A number for the axis: whole, or one decimal with the language's mark. */
static void axis_number(strbuf *b, double v, const char *lang)
{
    char buf[32];
    if (fabs(v - round(v)) < 1e-9)
        snprintf(buf, sizeof buf, "%.0f", v);
    else
        snprintf(buf, sizeof buf, "%.1f", v);
    char *dot = strchr(buf, '.');
    if (dot && !(lang && !strcmp(lang, "en"))) *dot = ',';
    strbuf_adds(b, buf);
}

static void grid(strbuf *b, const svg_lines_chart *c)
{
    double step = c->step > 0 ? c->step : (c->max - c->min) / 5;
    for (double v = c->min; step > 0 && v <= c->max + step / 1000; v += step) {
        double y = y_of(c, v);
        strbuf_addf(b,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    "stroke-width=\"1\"/>",
                    PLOT_L, y, PLOT_R, y, v == c->min ? "#6b7280" : "#d1d5db");
        strbuf_addf(b,
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"14\" "
                    "fill=\"#374151\">",
                    PLOT_L - 6, y + 4);
        axis_number(b, v, c->lang);
        strbuf_adds(b, "</text>");
    }
    for (size_t i = 0; i < c->n_cats; i++) {
        strbuf_addf(b,
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"15\" "
                    "fill=\"#111827\">",
                    x_of(c, i), PLOT_B + 22);
        html_escape(b, c->cats[i]);
        strbuf_adds(b, "</text>");
    }
}

/* One series: line segments between neighbouring values (a missing value
 * breaks the line) and a marker on every value. */
static void series(strbuf *b, const svg_lines_chart *c, size_t k)
{
    const svg_line *l = &c->lines[k];
    const char *colour = svg_lines_colour(k);
    const char *dash = k >= N_PALETTE ? " stroke-dasharray=\"6 4\"" : "";
    strbuf_adds(b, "<g>");
    int open = 0;
    for (size_t i = 0; i < c->n_cats; i++) {
        double v = l->values[i];
        if (isnan(v)) {
            if (open) strbuf_adds(b, "\"/>");
            open = 0;
            continue;
        }
        if (!open)
            strbuf_addf(b,
                        "<path fill=\"none\" stroke=\"%s\" stroke-width=\"3\" "
                        "stroke-linejoin=\"round\"%s d=\"M%.1f %.1f",
                        colour, dash, x_of(c, i), y_of(c, v));
        else
            strbuf_addf(b, " L%.1f %.1f", x_of(c, i), y_of(c, v));
        open = 1;
    }
    if (open) strbuf_adds(b, "\"/>");
    for (size_t i = 0; i < c->n_cats; i++) {
        double v = l->values[i];
        if (isnan(v)) continue;
        strbuf_addf(b,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" stroke=\"#fff\" "
                    "stroke-width=\"1.5\"/>",
                    x_of(c, i), y_of(c, v), colour);
    }
    strbuf_adds(b, "</g>");
}

static void legend(strbuf *b, const svg_lines_chart *c)
{
    double col_w = (PLOT_R - PLOT_L) / LEGEND_COLS;
    for (size_t k = 0; k < c->n_lines; k++) {
        double x = PLOT_L + col_w * (double)(k % LEGEND_COLS);
        double y = LEGEND_T + LEGEND_ROW * (double)(k / LEGEND_COLS);
        strbuf_addf(b,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    "stroke-width=\"3\"%s/>",
                    x, y - 4, x + 24, y - 4, svg_lines_colour(k),
                    k >= N_PALETTE ? " stroke-dasharray=\"6 4\"" : "");
        strbuf_addf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", x + 12, y - 4,
                    svg_lines_colour(k));
        strbuf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"15\" fill=\"#111827\">", x + 32, y);
        html_escape(b, c->lines[k].name);
        strbuf_adds(b, "</text>");
    }
}

int svg_lines(strbuf *b, const svg_lines_chart *c)
{
    size_t rows = (c->n_lines + LEGEND_COLS - 1) / LEGEND_COLS;
    double h = LEGEND_T + LEGEND_ROW * (double)(rows ? rows : 1) - 6;
    strbuf_addf(b,
                "<svg class=\"chart chart-lines\" xmlns=\"http://www.w3.org/2000/svg\" "
                "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"",
                W, h);
    html_escape(b, c->id);
    strbuf_adds(b, "-title\" font-family=\"inherit\"><title id=\"");
    html_escape(b, c->id);
    strbuf_adds(b, "-title\">");
    html_escape(b, c->title);
    strbuf_adds(b, "</title>");
    grid(b, c);
    for (size_t k = 0; k < c->n_lines; k++)
        series(b, c, k);
    legend(b, c);
    return strbuf_adds(b, "</svg>");
}
