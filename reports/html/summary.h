/* summary.h - the council summary as a web page: the same three pages as
 * the council workbook (reports/xlsx), rendered from the analysis JSON
 * (docs/method.md, method 2) into one HTML document.
 *
 * Page 1: the title, organisation and wave, the response in one line, the
 * chain chart (beleving per layer, one line per theme, inline SVG), the
 * thermometer per theme and 3 to 5 plain sentences (reports/analysis/
 * story.h), with a note when the chain does not start at its top layer.
 * Page 2: beleving and kennis per layer and per theme a few sentences.
 * Page 3: the response per layer and how to read the summary. No p-values,
 * no per-item figures, no data.
 *
 * The page links one style sheet (summary_css, served by the server) whose
 * print rules give the same A4 landscape pages; it holds no script and no
 * style attribute, so it runs under a Content-Security-Policy that allows
 * neither. Every text that does not come from this program's source is
 * escaped (core/html.h). Pure: no I/O; the caller decides who may see it
 * (a closed wave only: the analysis is the wave's one publication).
 *
 *   summary_input s = {.in = in, .analysis = a, .progress = p, .lang = "nl",
 *                      .generated_at = "2026-11-24 10:15",
 *                      .css_href = "/assets/raad.css"};
 *   tm_error err = TM_ERROR_INIT;
 *   char *html = summary_render(&s, &len, &err);   // caller frees
 */
#ifndef TM_SUMMARY_H
#define TM_SUMMARY_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "core/instrument.h"

typedef struct summary_input {
    const instrument *in; /* labels, band bounds */
    json_t *analysis;     /* borrowed */
    json_t *progress;     /* {"layers": [{invited, started, submitted, imported}]}; may be NULL */
    const char *lang;     /* "en" English, else Dutch */
    const char *generated_at; /* shown as is; may be NULL */
    const char *css_href;     /* the style sheet's address, e.g. "/assets/raad.css" */
} summary_input;

/* The page as a new NUL-terminated string (caller frees), its length in
 * *len when len is not NULL; NULL with err: 400 for an analysis that is not
 * one (no "themes"), 500 when memory runs out. */
char *summary_render(const summary_input *s, size_t *len, tm_error *err);

/* The style sheet the page links: screen and print (A4 landscape, one page
 * per section). */
extern const char summary_css[];

#endif
