/* utf8.c - see utf8.h. */
#include "core/utf8.h"

#include <string.h>

/* The length a lead byte announces (1 to 4), or 0 for a byte that cannot
 * start a sequence: a continuation byte, C0/C1 (always overlong), F5..FF. */
static size_t lead_length(unsigned c)
{
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return 2;
    if (c < 0xF0) return 3;
    if (c < 0xF5) return 4;
    return 0;
}

size_t utf8_decode(const char *text, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)text;
    if (n == 0) return 0;
    size_t len = lead_length(s[0]);
    if (len == 0 || len > n) return 0;
    if (len == 1) {
        *cp = s[0];
        return 1;
    }
    /* The second byte's range also rules out overlong forms, surrogates and
     * values above U+10FFFF (RFC 3629, section 4). */
    unsigned lo = 0x80, hi = 0xBF;
    if (s[0] == 0xE0) lo = 0xA0;
    if (s[0] == 0xED) hi = 0x9F;
    if (s[0] == 0xF0) lo = 0x90;
    if (s[0] == 0xF4) hi = 0x8F;
    if (s[1] < lo || s[1] > hi) return 0;
    uint32_t v = s[0] & (0x7Fu >> len);
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        v = v << 6 | (s[k] & 0x3Fu);
    }
    *cp = v;
    return len;
}

int utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* Eight ASCII bytes at a time where it can: imports are mostly ASCII. */
        uint64_t w;
        if (i + 8 <= n && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ULL) == 0)) {
            i += 8;
            continue;
        }
        uint32_t cp;
        size_t len = utf8_decode(s + i, n - i, &cp);
        if (len == 0) return 0;
        i += len;
    }
    return 1;
}

size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

void utf8_scrub(char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            s[i] = '?';
            len = 1;
        }
        i += len;
    }
}

void utf8_cut_tail(char *s)
{
    size_t n = strlen(s), start = n;
    /* Back over continuation bytes to the byte that starts the last sequence. */
    while (start > 0 && n - start < 3 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0) return;
    start--;
    size_t want = lead_length((unsigned char)s[start]);
    if (want > n - start) s[start] = '\0';
}
