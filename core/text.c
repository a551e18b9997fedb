/* text.c - see text.h. */
#include "core/text.h"

#include <string.h>

static int is_en(const char *lang)
{
    return lang && !strcmp(lang, "en");
}

const char *tm_text_lang(const char *lang)
{
    return is_en(lang) ? "en" : "nl";
}

const char *tm_text_get(tm_text t, const char *lang)
{
    if (is_en(lang) && t.en) return t.en;
    return t.nl ? t.nl : t.en;
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* The placeholder that starts at s: its length, with its name in
 * *name[0..*n); 0 when s starts none. "{{x}" is no placeholder, so the
 * caller moves on one byte and finds "{x}". */
static size_t placeholder_at(const char *s, const char **name, size_t *n)
{
    size_t braces = s[1] == '{' ? 2 : 1;
    const char *p = s + braces;
    size_t len = 0;
    while (is_name_char(p[len]))
        len++;
    if (len == 0) return 0;
    for (size_t k = 0; k < braces; k++)
        if (p[len + k] != '}') return 0;
    *name = p;
    *n = len;
    return len + 2 * braces;
}

static const tm_text_var *var_find(const tm_text_var *vars, const char *name, size_t n)
{
    for (; vars && vars->name; vars++)
        if (strlen(vars->name) == n && !memcmp(vars->name, name, n)) return vars;
    return NULL;
}

int tm_text_fill(strbuf *out, const char *tmpl, const tm_text_var *vars)
{
    int missing = 0;
    const char *run = tmpl; /* text not yet appended */
    for (const char *s = tmpl; *s;) {
        const char *name;
        size_t n, len = *s == '{' ? placeholder_at(s, &name, &n) : 0;
        if (len == 0) {
            s++;
            continue;
        }
        const tm_text_var *v = var_find(vars, name, n);
        if (!v) {
            missing++; /* stays in the run, as it stands */
        } else {
            strbuf_add(out, run, (size_t)(s - run));
            strbuf_adds(out, v->value);
            run = s + len;
        }
        s += len;
    }
    strbuf_adds(out, run);
    return out->status == STRBUF_OK ? missing : -1;
}

const char *tm_text_placeholder(const char *s, const char **name, size_t *n, size_t *len)
{
    for (; *s; s++)
        if (*s == '{' && (*len = placeholder_at(s, name, n)) > 0) return s;
    return NULL;
}
