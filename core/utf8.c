/* utf8.c - see utf8.h. */
#include "core/utf8.h"

size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

void utf8_scrub(char *s)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        unsigned b = *p;
        size_t n = b < 0x80 ? 1 : b < 0xC2 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : b < 0xF5 ? 4 : 0;
        size_t k = 1;
        while (k < n && (p[k] & 0xC0) == 0x80)
            k++;
        if (n == 0 || k < n)
            *p++ = '?';
        else
            p += n;
    }
}
