/* svg_chain.h - the chain at a glance: an inline SVG line chart of one
 * theme's score ("beleving") and knowledge ("kennis") per layer, in the
 * chain's order, from the analysis JSON (reports/analysis, method v2).
 *
 * A pure function: the analysis in, SVG text out onto a strbuf; no HTTP, no
 * database. The console's results page and the council summary page use it
 * alike. Score is a solid line with round points, knowledge a dashed line
 * with square points (told apart without colour). A layer that is
 * suppressed (fewer than k) or has no figure breaks the line and is marked
 * under its name; no number of it is written anywhere in the SVG. The SVG
 * is an image with a title and a description that reads the figures out
 * (role="img", aria-labelledby), so a screen reader gets what the eye gets;
 * pages should still put a table of the same figures beside it.
 *
 *   svg_chain_opts o = {.lang = "nl", .id = "chain-1", .title = "Effecten"};
 *   svg_chain_theme(&sb, analysis, "effecten", &o);
 */
#ifndef TM_SVG_CHAIN_H
#define TM_SVG_CHAIN_H

#include <jansson.h>
#include <stddef.h>

#include "core/strbuf.h"

typedef struct svg_chain_opts {
    const char *lang;  /* "nl" (default) or "en": the legend and the notes */
    const char *id;    /* a prefix for the SVG's element ids, unique on the page */
    const char *title; /* the chart's name, e.g. the theme's label; NULL: the key */
    /* The layers' names in the order of the analysis' "chain"; NULL (or a
     * NULL entry): the key. n_layer_labels entries. */
    const char *const *layer_labels;
    size_t n_layer_labels;
} svg_chain_opts;

#define SVG_CHAIN_WIDTH 640
#define SVG_CHAIN_HEIGHT 300

/* Appends the <svg> of theme (a theme key of analysis, borrowed) to out.
 * Returns 0, or -1 when the theme is not in the analysis or out has failed
 * (strbuf.h). */
int svg_chain_theme(strbuf *out, const json_t *analysis, const char *theme,
                    const svg_chain_opts *o);

/* The mean of measure ("score", "knowledge") for layer (its key) of theme:
 * 1 with *mean set, 0 when it is suppressed, missing or null. What the
 * chart draws, for a table beside it. */
int svg_chain_mean(const json_t *analysis, const char *theme, const char *layer,
                   const char *measure, double *mean);

#endif
