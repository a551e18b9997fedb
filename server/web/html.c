/* html.c - see html.h. */
#include "server/web/html.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for n more bytes plus a NUL. Returns 0, or -1 (and sets oom). */
static int reserve(html_buf *b, size_t n)
{
    if (b->oom) return -1;
    if (n < b->cap - b->len) return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap - b->len <= n) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    char *d = realloc(b->data, cap);
    if (!d) {
        b->oom = 1;
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

void html_appendn(html_buf *b, const char *s, size_t n)
{
    if (reserve(b, n) < 0) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void html_append(html_buf *b, const char *s)
{
    if (s) html_appendn(b, s, strlen(s));
}

void html_appendf(html_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) < 0) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void html_append_escaped(html_buf *b, const char *s)
{
    if (s) html_append_escapedn(b, s, strlen(s));
}

void html_append_escapedn(html_buf *b, const char *s, size_t n)
{
    const char *run = s, *end = s + n;
    for (; s < end; s++) {
        const char *ent;
        switch (*s) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            continue;
        }
        html_appendn(b, run, (size_t)(s - run));
        html_append(b, ent);
        run = s + 1;
    }
    html_appendn(b, run, (size_t)(s - run));
}

char *html_take(html_buf *b)
{
    char *s = NULL;
    if (!b->oom)
        s = b->data ? b->data : strdup("");
    else
        free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return s;
}

void html_free(html_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
