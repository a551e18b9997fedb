/* html.c - see html.h. */
#include "core/html.h"

#include <string.h>

int html_escape(strbuf *b, const char *s)
{
    if (!s) return strbuf_add(b, "", 0); /* nothing to append; the status all the same */
    return html_escapen(b, s, strlen(s));
}

int html_escapen(strbuf *b, const char *s, size_t n)
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
        strbuf_add(b, run, (size_t)(s - run));
        strbuf_adds(b, ent);
        run = s + 1;
    }
    return strbuf_add(b, run, (size_t)(s - run));
}
