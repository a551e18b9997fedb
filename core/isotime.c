/* isotime.c - see isotime.h. */
#include "core/isotime.h"

#include <string.h>

/* n digits at s as a number in [lo, hi]; -1 when not. */
static int digits(const char *s, int n, int lo, int hi)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v >= lo && v <= hi ? v : -1;
}

static int date_at(const char *s)
{
    return digits(s, 4, 1, 9999) >= 0 && s[4] == '-' && digits(s + 5, 2, 1, 12) >= 0 &&
           s[7] == '-' && digits(s + 8, 2, 1, 31) >= 0;
}

static int hm_at(const char *s)
{
    return digits(s, 2, 0, 23) >= 0 && s[2] == ':' && digits(s + 3, 2, 0, 59) >= 0;
}

int isotime_valid(const char *s)
{
    if (!s || strlen(s) < 17 || !date_at(s) || s[10] != 'T' || !hm_at(s + 11)) return 0;
    const char *p = s + 16;
    if (*p == ':') {
        if (digits(p + 1, 2, 0, 59) < 0) return 0;
        p += 3;
        if (*p == '.') {
            size_t n = strspn(p + 1, "0123456789");
            if (n == 0 || n > 9) return 0;
            p += 1 + n;
        }
    }
    if (!strcmp(p, "Z")) return 1;
    if ((*p != '+' && *p != '-') || strlen(p) != 6) return 0;
    return digits(p + 1, 2, 0, 18) >= 0 && p[3] == ':' && digits(p + 4, 2, 0, 59) >= 0;
}

int isotime_local_valid(const char *s, const char *t)
{
    if (!s || strlen(s) != 10 || !date_at(s)) return 0;
    return !t || (strlen(t) == 5 && hm_at(t));
}
