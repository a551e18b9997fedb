/* formdata.c - see formdata.h. */
#include "server/web/formdata.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *formdata_unescape(const char *s, size_t n, size_t *out_len, int *bad)
{
    char *out = malloc(n + 1);
    size_t j = 0;
    *bad = 0;
    if (!out) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[j++] = ' ';
        } else if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = hi >= 0 ? hexval(s[i + 2]) : -1;
            if (lo < 0) {
                free(out);
                *bad = 1;
                return NULL;
            }
            out[j++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    /* The text ends up in C strings and JSON: no NUL, valid UTF-8. */
    if (memchr(out, '\0', j) || !utf8_valid(out, j)) {
        free(out);
        *bad = 2;
        return NULL;
    }
    *out_len = j;
    return out;
}

static int field_add(form_data *f, char *name, char *value, size_t len, char *filename,
                     tm_error *err)
{
    if (f->n >= FORMDATA_MAX_FIELDS) {
        free(name);
        free(value);
        free(filename);
        return tm_error_set(err, 400, "the form has more than %d fields", FORMDATA_MAX_FIELDS);
    }
    if (f->n % 16 == 0) {
        form_field *g = realloc(f->fields, (f->n + 16) * sizeof *g);
        if (!g) {
            free(name);
            free(value);
            free(filename);
            return tm_error_set(err, 500, "out of memory reading the form");
        }
        f->fields = g;
    }
    f->fields[f->n++] = (form_field){name, value, len, filename};
    return 0;
}

static int parse_urlencoded(form_data *f, const char *body, size_t len, tm_error *err)
{
    const char *p = body, *end = body + len;
    while (p && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if (stop != p) {
            const char *eq = memchr(p, '=', (size_t)(stop - p));
            size_t nn = eq ? (size_t)(eq - p) : (size_t)(stop - p), nl, vl;
            int bad;
            char *name = formdata_unescape(p, nn, &nl, &bad);
            char *value = name ? formdata_unescape(eq ? eq + 1 : "",
                                                   eq ? (size_t)(stop - eq - 1) : 0, &vl, &bad)
                               : NULL;
            if (!name || !value) {
                free(name);
                return tm_error_set(err, 400,
                                    bad == 1   ? "a field of the form has an invalid percent escape"
                                    : bad == 2 ? "a field of the form is not valid UTF-8 text"
                                               : "out of memory reading the form");
            }
            if (field_add(f, name, value, vl, NULL, err) != 0) return -1;
        }
        p = amp ? amp + 1 : end;
    }
    return 0;
}

/* The value of parameter key (boundary, name, filename) in a header line
 * such as `form-data; name="x"; filename="a.csv"`, as a new string. */
static char *header_param(const char *line, size_t n, const char *key)
{
    size_t kn = strlen(key);
    for (size_t i = 0; i + kn + 1 < n; i++) {
        if ((i == 0 || line[i - 1] == ';' || line[i - 1] == ' ') &&
            !strncasecmp(line + i, key, kn) && line[i + kn] == '=') {
            const char *v = line + i + kn + 1, *end = line + n;
            if (v < end && *v == '"') {
                const char *q = memchr(v + 1, '"', (size_t)(end - v - 1));
                return q ? strndup(v + 1, (size_t)(q - v - 1)) : NULL;
            }
            size_t vn = strcspn(v, "; \r\n");
            return strndup(v, vn < (size_t)(end - v) ? vn : (size_t)(end - v));
        }
    }
    return NULL;
}

static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || n < m) return NULL;
    for (const char *p = hay; p + m <= hay + n; p++) {
        p = memchr(p, needle[0], (size_t)(hay + n - p));
        if (!p || p + m > hay + n) return NULL;
        if (!memcmp(p, needle, m)) return p;
    }
    return NULL;
}

static int parse_multipart(form_data *f, const char *content_type, const char *body, size_t len,
                           tm_error *err)
{
    char *boundary = header_param(content_type, strlen(content_type), "boundary");
    if (!boundary || !*boundary || strlen(boundary) > 70) {
        free(boundary);
        return tm_error_set(err, 400, "the multipart form has no boundary");
    }
    char delim[80];
    size_t dn = (size_t)snprintf(delim, sizeof delim, "--%s", boundary);
    free(boundary);
    const char *end = body + len;
    const char *p = find_bytes(body, len, delim, dn);
    if (!p) return tm_error_set(err, 400, "the multipart form does not start with its boundary");
    for (;;) {
        p += dn;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') return 0; /* the closing boundary */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') break;
        p += 2;
        const char *head_end = find_bytes(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!head_end) break;
        char *name = NULL, *filename = NULL;
        for (const char *line = p; line < head_end;) {
            const char *eol = find_bytes(line, (size_t)(head_end + 2 - line), "\r\n", 2);
            size_t ln = eol ? (size_t)(eol - line) : (size_t)(head_end - line);
            if (ln > 20 && !strncasecmp(line, "Content-Disposition:", 20)) {
                free(name);
                free(filename);
                name = header_param(line, ln, "name");
                filename = header_param(line, ln, "filename");
            }
            line += ln + 2;
        }
        const char *data = head_end + 4;
        char next[84];
        size_t nn = (size_t)snprintf(next, sizeof next, "\r\n%s", delim);
        const char *stop = find_bytes(data, (size_t)(end - data), next, nn);
        if (!stop || !name) {
            free(name);
            free(filename);
            break;
        }
        size_t vl = (size_t)(stop - data);
        char *value = malloc(vl + 1);
        if (!value) {
            free(name);
            free(filename);
            return tm_error_set(err, 500, "out of memory reading the form");
        }
        memcpy(value, data, vl);
        value[vl] = '\0';
        if (!filename && (memchr(value, '\0', vl) || !utf8_valid(value, vl))) {
            free(name);
            free(value);
            return tm_error_set(err, 400, "a field of the form is not valid UTF-8 text");
        }
        if (field_add(f, name, value, vl, filename, err) != 0) return -1;
        p = stop + 2;
    }
    return tm_error_set(err, 400, "the multipart form is cut off or malformed");
}

int formdata_parse(form_data *f, const char *content_type, const char *body, size_t len,
                   tm_error *err)
{
    const char *ct = content_type ? content_type : "";
    int rc;
    if (!strncasecmp(ct, "application/x-www-form-urlencoded", 33))
        rc = parse_urlencoded(f, body ? body : "", body ? len : 0, err);
    else if (!strncasecmp(ct, "multipart/form-data", 19))
        rc = parse_multipart(f, ct, body ? body : "", body ? len : 0, err);
    else
        rc = tm_error_set(err, 415, "a form was expected (application/x-www-form-urlencoded)");
    if (rc != 0) formdata_free(f);
    return rc;
}

const form_field *formdata_field(const form_data *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->fields[i].name, name)) return &f->fields[i];
    return NULL;
}

const char *formdata_get(const form_data *f, const char *name)
{
    const form_field *x = formdata_field(f, name);
    return x ? x->value : NULL;
}

void formdata_free(form_data *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->fields[i].name);
        free(f->fields[i].value);
        free(f->fields[i].filename);
    }
    free(f->fields);
    f->fields = NULL;
    f->n = 0;
}
