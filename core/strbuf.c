/* strbuf.c - see strbuf.h. */
#include "core/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char strbuf_empty[1];

/* A cap above this is taken as this: sizes stay far from overflow. */
#define STRBUF_CAP_LIMIT (SIZE_MAX / 2)

void strbuf_init(strbuf *sb, size_t max)
{
    sb->buf = strbuf_empty;
    sb->len = 0;
    sb->alloc = 0;
    sb->max = max;
    sb->status = STRBUF_OK;
}

int strbuf_fail(strbuf *sb, strbuf_status why)
{
    if (sb->status == STRBUF_OK) sb->status = why;
    return -1;
}

int strbuf_grow(strbuf *sb, size_t n)
{
    if (sb->status != STRBUF_OK) return -1;
    size_t max = sb->max < STRBUF_CAP_LIMIT ? sb->max : STRBUF_CAP_LIMIT;
    if (n > max - sb->len) return strbuf_fail(sb, STRBUF_TOO_LARGE);
    size_t need = sb->len + n + 1;
    if (need <= sb->alloc) return 0;
    size_t alloc = sb->alloc ? sb->alloc : 64;
    while (alloc < need)
        alloc *= 2;
    if (alloc > max + 1) alloc = max + 1; /* what strbuf_addch's fast path relies on */
    char *b = realloc(sb->alloc ? sb->buf : NULL, alloc);
    if (!b) return strbuf_fail(sb, STRBUF_NO_MEMORY);
    if (!sb->alloc) b[0] = '\0';
    sb->buf = b;
    sb->alloc = alloc;
    return 0;
}

int strbuf_add(strbuf *sb, const void *data, size_t n)
{
    /* The common case costs two tests: room in the allocation is room under
     * the cap (strbuf_grow keeps alloc <= max + 1), and a failed buffer goes
     * to strbuf_grow, which refuses. */
    if (n >= sb->alloc - sb->len || sb->status != STRBUF_OK) {
        if (n == 0) return sb->status == STRBUF_OK ? 0 : -1;
        if (strbuf_grow(sb, n) < 0) return -1;
    }
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
    return 0;
}

int strbuf_adds(strbuf *sb, const char *s)
{
    return strbuf_add(sb, s ? s : "", s ? strlen(s) : 0);
}

int strbuf_addf(strbuf *sb, const char *fmt, ...)
{
    if (sb->status != STRBUF_OK) return -1;
    /* First into the room there is (often enough), else grow and again. */
    size_t room = sb->alloc - sb->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) { /* an encoding error: nothing sensible to append */
        if (sb->alloc) sb->buf[sb->len] = '\0';
        return strbuf_fail(sb, STRBUF_NO_MEMORY);
    }
    if ((size_t)n >= room) {
        if (strbuf_grow(sb, (size_t)n) < 0) {
            if (sb->alloc) sb->buf[sb->len] = '\0'; /* undo the cut-off attempt */
            return -1;
        }
        va_start(ap, fmt);
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    sb->len += (size_t)n;
    return 0;
}

char *strbuf_detach(strbuf *sb, size_t *len)
{
    char *s = NULL;
    if (sb->status == STRBUF_OK)
        s = sb->alloc ? sb->buf : strdup("");
    else if (sb->alloc)
        free(sb->buf);
    if (len) *len = s ? sb->len : 0;
    strbuf_init(sb, sb->max);
    return s;
}

void strbuf_reset(strbuf *sb)
{
    sb->len = 0;
    if (sb->alloc) sb->buf[0] = '\0';
    sb->status = STRBUF_OK;
}

void strbuf_release(strbuf *sb)
{
    if (sb->alloc) free(sb->buf);
    strbuf_init(sb, sb->max);
}
