/* html.h - a growable string buffer for building HTML pages.
 *
 * Pages are built front to back into one buffer. Every value that does not
 * come from this program's own source (instrument texts, answers, names,
 * paths) goes through html_append_escaped; the other appends are for markup
 * and numbers only.
 *
 * Out of memory is sticky: after the first failed allocation every append is
 * a no-op and html_take returns NULL, so callers check once at the end.
 *
 *   html_buf b = HTML_BUF_INIT;
 *   html_append(&b, "<p>");
 *   html_append_escaped(&b, name);
 *   html_append(&b, "</p>");
 *   char *page = html_take(&b);   // caller frees; NULL on OOM
 */
#ifndef TM_HTML_H
#define TM_HTML_H

#include <stddef.h>

typedef struct html_buf {
    char *data;
    size_t len, cap;
    int oom; /* an allocation failed; the contents are incomplete */
} html_buf;

#define HTML_BUF_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

/* Appends s as it is (markup). NULL appends nothing. */
void html_append(html_buf *b, const char *s);

/* Appends n bytes of s as they are. */
void html_appendn(html_buf *b, const char *s, size_t n);

/* Appends printf-style output (markup and numbers; never untrusted text). */
void html_appendf(html_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s with & < > " ' replaced by entities, safe both in element content
 * and in quoted attribute values. NULL appends nothing. */
void html_append_escaped(html_buf *b, const char *s);

/* The same for the first n bytes of s. */
void html_append_escapedn(html_buf *b, const char *s, size_t n);

/* The contents as a NUL-terminated string the caller frees, or NULL when an
 * allocation failed. Either way the buffer is reset and may be reused. */
char *html_take(html_buf *b);

/* Frees the contents and resets the buffer. Safe on an empty buffer. */
void html_free(html_buf *b);

#endif
