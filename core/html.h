/* html.h - HTML (and SVG) escaping onto a strbuf (core/strbuf.h); in core so
 * that the pure pages and charts of reports/ use the same one.
 *
 * Pages are built front to back in one strbuf. Every value that does not come
 * from this program's own source (instrument texts, answers, names, paths)
 * goes through html_escape; strbuf_adds and strbuf_addf are for markup and
 * numbers only.
 *
 *   strbuf b = STRBUF_INIT(1 << 20);
 *   strbuf_adds(&b, "<p>");
 *   html_escape(&b, name);
 *   strbuf_adds(&b, "</p>");
 *   char *page = strbuf_detach(&b, NULL); // the caller frees it; NULL on failure
 */
#ifndef TM_CORE_HTML_H
#define TM_CORE_HTML_H

#include <stddef.h>

#include "core/strbuf.h"

/* Appends s with & < > " ' replaced by entities, safe both in element content
 * and in quoted attribute values. NULL appends nothing. Returns 0, or -1 when
 * b has failed (see strbuf.h). */
int html_escape(strbuf *b, const char *s);

/* The same for the first n bytes of s. */
int html_escapen(strbuf *b, const char *s, size_t n);

#endif
