/* svg_lines.h - a line chart as inline SVG: categories along the x axis
 * (the layers of the chain), one line per series (a theme), a value axis
 * with grid lines, and a legend below. No script and no style attribute
 * (the pages' Content-Security-Policy allows neither): colours are
 * presentation attributes, sizes come from the viewBox, so the chart scales
 * with its container and prints sharp.
 *
 * A series may miss values (NAN): the line breaks there, as a chart must
 * never draw a value that may not be shown. Every text (title, categories,
 * series names) is escaped here.
 *
 *   const char *layers[] = {"Bestuur", "Management", "Beleid"};
 *   double a[] = {80, 71.5, NAN};
 *   svg_line lines[] = {{"Eigen kracht", a}};
 *   svg_lines_chart c = {.id = "chain", .title = "...", .cats = layers, .n_cats = 3,
 *                        .lines = lines, .n_lines = 1, .min = 0, .max = 100, .step = 20,
 *                        .lang = "nl"};
 *   svg_lines(&sb, &c);
 */
#ifndef TM_SVG_LINES_H
#define TM_SVG_LINES_H

#include <stddef.h>

#include "core/strbuf.h"

typedef struct svg_line {
    const char *name;     /* in the legend */
    const double *values; /* n_cats values; NAN where there is none */
} svg_line;

typedef struct svg_lines_chart {
    const char *id;          /* unique on the page: the title's element id is "<id>-title" */
    const char *title;       /* the chart's accessible name (the caller shows it too) */
    const char *const *cats; /* the categories, left to right */
    size_t n_cats;
    const svg_line *lines;
    size_t n_lines;
    double min, max, step; /* the value axis: range and grid step */
    const char *lang;      /* numbers on the axis: decimal comma unless "en" */
} svg_lines_chart;

/* The colour of series i (a colour-blind-safe palette, repeated with a
 * dashed line after its seventh entry), as "#rrggbb". Static. */
const char *svg_lines_colour(size_t i);

/* Appends the chart's <svg> element. Returns 0, or -1 when b failed. */
int svg_lines(strbuf *b, const svg_lines_chart *c);

#endif
