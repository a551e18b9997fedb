/* mail_address.c - see mail_address.h. */
#include "core/mail_address.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"

#define LOCAL_MAX 64
#define LABEL_MAX 63
#define SHOWN_MAX 200 /* bytes of a bad address quoted back */

static int is_atext(unsigned char c)
{
    return isalnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static const char *local_problem(const char *s, size_t n)
{
    if (n == 0) return "has nothing before the @";
    if (n > LOCAL_MAX) return "has more than 64 characters before the @";
    if (s[0] == '.' || s[n - 1] == '.') return "starts or ends with a dot before the @";
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && s[i + 1] == '.') return "has two dots in a row";
        if (s[i] != '.' && !is_atext((unsigned char)s[i]))
            return "has a character that an address cannot hold before the @";
    }
    return NULL;
}

static const char *domain_problem(const char *s, size_t n)
{
    if (n == 0) return "has no domain after the @";
    size_t labels = 0;
    const char *last = s;
    size_t last_len = 0;
    for (size_t i = 0; i <= n; labels++) {
        size_t len = 0;
        while (i + len < n && s[i + len] != '.')
            len++;
        if (len == 0) return "has an empty part in its domain (two dots, or a dot at an end)";
        if (len > LABEL_MAX) return "has a part of its domain longer than 63 characters";
        if (s[i] == '-' || s[i + len - 1] == '-')
            return "has a part of its domain that starts or ends with a hyphen";
        for (size_t k = 0; k < len; k++)
            if (!isalnum((unsigned char)s[i + k]) && s[i + k] != '-')
                return "has a character that a domain name cannot hold";
        last = s + i;
        last_len = len;
        i += len + 1;
    }
    if (labels < 2) return "has a domain without a dot (such as example.nl)";
    int alpha = last_len >= 2;
    for (size_t k = 0; alpha && k < last_len; k++)
        alpha = isalpha((unsigned char)last[k]);
    if (!alpha && !(last_len > 4 && !strncasecmp(last, "xn--", 4)))
        return "has a domain that does not end in a top-level domain (such as .nl)";
    return NULL;
}

const char *mail_address_problem(const char *s, size_t n)
{
    if (n == 0) return "is empty";
    /* "Jan <jan@ede.nl>" is the likeliest slip: say that before its space. */
    for (size_t i = 0; i < n; i++)
        if (s[i] && strchr("<>\"(),;:[]\\", s[i]))
            return "holds a name, a comment or a quote: give only the address (name@example.nl)";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            return "holds a character outside ASCII: write the domain in its xn-- form; a "
                   "local part outside ASCII is not supported";
        if (c <= ' ' || c == 0x7F) return "holds a space or a control character";
    }
    if (n > MAIL_ADDRESS_MAX) return "is longer than 254 characters";
    const char *at = memchr(s, '@', n);
    if (!at) return "has no @";
    if (memchr(at + 1, '@', n - (size_t)(at - s) - 1)) return "has more than one @";
    const char *why = local_problem(s, (size_t)(at - s));
    return why ? why : domain_problem(at + 1, n - (size_t)(at - s) - 1);
}

/* ---- the list ----------------------------------------------------------- */

void mail_list_problem(tm_error *err, size_t line, const char *email, const char *fmt, ...)
{
    size_t have = tm_error_count(err);
    if (have > MAIL_LIST_PROBLEMS) return;
    if (have == MAIL_LIST_PROBLEMS) {
        tm_error_add_json(err, json_pack("{s:s}", "error",
                                         "and more problems: correct the ones above and "
                                         "upload the list again"));
        return;
    }
    char msg[256], shown[SHOWN_MAX + 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(shown, sizeof shown, "%.*s%s", SHOWN_MAX, email ? email : "",
             email && strlen(email) > SHOWN_MAX ? "..." : "");
    utf8_cut_tail(shown);
    utf8_scrub(shown);
    tm_error_add_json(
        err, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)line, "email", shown, "error", msg));
}

enum { COL_EMAIL, COL_LAYER, COL_LANG, COL_COUNT };

#define MAX_FIELDS 8

typedef struct reader {
    char sep;           /* ';', ',' or '\t' once a line decided; 0 before */
    int col[COL_COUNT]; /* field index of each column, -1 when absent */
    int n_cols;         /* fields a line has */
    const char *default_layer, *default_lang;
} reader;

/* Splits line (changed in place) into at most max fields; returns how many,
 * or -1 for a quote that does not close. */
static int split_fields(reader *r, char *line, char **fields, int max)
{
    int n = 0;
    char *s = line;
    for (;;) {
        while (*s == ' ' || (*s == '\t' && r->sep != '\t'))
            s++;
        char *out, *start;
        if (*s == '"') {
            start = out = ++s;
            for (;;) {
                if (!*s) return -1;
                if (*s == '"' && s[1] == '"') {
                    *out++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *out++ = *s++;
                }
            }
            while (*s == ' ')
                s++;
        } else {
            start = s;
            while (*s && (r->sep ? *s != r->sep : !strchr(";,\t", *s)))
                s++;
            out = s;
        }
        if (!r->sep && (*s == ';' || *s == ',' || *s == '\t')) r->sep = *s;
        char end = *s;
        while (out > start && (out[-1] == ' ' || out[-1] == '\t'))
            out--;
        *out = '\0';
        if (n < max) fields[n] = start;
        n++;
        if (!end || end != r->sep) return n;
        s++;
    }
}

static int column_of(const char *name)
{
    static const char *const names[][5] = {
        {"email", "e-mail", "emailadres", "e-mailadres", "address"},
        {"layer", "laag", NULL, NULL, NULL},
        {"lang", "taal", "language", NULL, NULL},
    };
    for (int c = 0; c < COL_COUNT; c++)
        for (int k = 0; k < 5 && names[c][k]; k++)
            if (!strcasecmp(name, names[c][k])) return c;
    return -1;
}

/* Whether fields name the columns; fills r->col when they do. */
static int read_header(reader *r, char **fields, int n)
{
    if (n < 1 || column_of(fields[0]) < 0) return 0;
    for (int c = 0; c < COL_COUNT; c++)
        r->col[c] = -1;
    for (int i = 0; i < n; i++) {
        int c = column_of(fields[i]);
        if (c >= 0) r->col[c] = i;
    }
    r->n_cols = n;
    return 1;
}

static void default_columns(reader *r)
{
    r->col[COL_EMAIL] = 0;
    r->col[COL_LAYER] = r->default_layer ? -1 : 1;
    r->col[COL_LANG] = r->default_layer ? 1 : 2;
    r->n_cols = 0; /* the lang column is optional */
}

/* Field col of a line with have fields read, or "" when it has none there. */
static const char *field_at(char **fields, int have, int col)
{
    return col >= 0 && col < have ? fields[col] : "";
}

/* Reads one line's fields (n of them, the first MAX_FIELDS in fields) into
 * e; returns 0, or -1 having named the problem. */
static int read_entry(reader *r, char **fields, int n, size_t line, mail_entry *e, tm_error *err)
{
    int have = n > MAX_FIELDS ? MAX_FIELDS : n;
    int cl = r->col[COL_LAYER], cg = r->col[COL_LANG];
    const char *email = field_at(fields, have, r->col[COL_EMAIL]);
    int max = r->n_cols ? r->n_cols : cg + 1;
    if (n > max) {
        if (r->n_cols)
            mail_list_problem(err, line, email, "has %d fields; the header names %d", n, max);
        else if (r->default_layer)
            mail_list_problem(err, line, email,
                              "has %d fields; with one layer per upload a line holds the address "
                              "and optionally a language (nl or en)",
                              n);
        else
            mail_list_problem(err, line, email,
                              "has %d fields; expected address;layer and optionally a language "
                              "(nl or en)",
                              n);
        return -1;
    }
    const char *why = mail_address_problem(email, strlen(email));
    if (why) {
        mail_list_problem(err, line, email, "%s", why);
        return -1;
    }
    const char *layer = *field_at(fields, have, cl) ? field_at(fields, have, cl) : r->default_layer;
    if (!layer || !*layer) {
        mail_list_problem(err, line, email,
                          "has no layer: write address;layer, or upload one layer at a time "
                          "(?layer=...)");
        return -1;
    }
    const char *lang = *field_at(fields, have, cg) ? field_at(fields, have, cg) : NULL;
    if (!lang) lang = r->default_lang ? r->default_lang : "nl";
    if (strcasecmp(lang, "nl") && strcasecmp(lang, "en")) {
        if (r->default_layer && cl < 0)
            mail_list_problem(err, line, email,
                              "has \"%.40s\" after the address: with one layer per upload a line "
                              "holds the address and optionally a language (nl or en)",
                              lang);
        else
            mail_list_problem(err, line, email, "has language \"%.40s\"; write nl or en", lang);
        return -1;
    }
    e->email = email;
    e->layer = layer;
    e->lang = !strcasecmp(lang, "en") ? "en" : "nl";
    e->line = line;
    return 0;
}

static int compare_entries(const void *a, const void *b)
{
    const mail_entry *x = a, *y = b;
    int c = strcasecmp(x->email, y->email);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int compare_lines(const void *a, const void *b)
{
    const mail_entry *x = a, *y = b;
    return (x->line > y->line) - (x->line < y->line);
}

/* Names every later copy of an address and drops it; l keeps the order of
 * the upload. */
static void drop_duplicates(mail_list *l, tm_error *err)
{
    if (l->n < 2) return;
    qsort(l->entries, l->n, sizeof *l->entries, compare_entries);
    size_t kept = 1;
    for (size_t i = 1; i < l->n; i++) {
        mail_entry *first = &l->entries[kept - 1];
        if (!strcasecmp(first->email, l->entries[i].email)) {
            mail_list_problem(err, l->entries[i].line, l->entries[i].email,
                              "appears twice in the list (first on line %zu)", first->line);
            continue;
        }
        l->entries[kept++] = l->entries[i];
    }
    l->n = kept;
    qsort(l->entries, l->n, sizeof *l->entries, compare_lines);
}

int mail_list_parse(const char *text, size_t len, const char *default_layer,
                    const char *default_lang, mail_list *l, tm_error *err)
{
    memset(l, 0, sizeof *l);
    if (!utf8_valid(text, len) || memchr(text, '\0', len))
        return tm_error_set(err, 422,
                            "the list is not UTF-8 text (in Excel: save as \"CSV UTF-8\")");
    l->text = malloc(len + 1);
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += text[i] == '\n';
    l->entries = calloc(cap, sizeof *l->entries);
    if (!l->text || !l->entries) {
        mail_list_free(l);
        return tm_error_set(err, 500, "out of memory reading the list");
    }
    memcpy(l->text, text, len);
    l->text[len] = '\0';
    reader r = {0, {0, 1, 2}, 0, default_layer, default_lang};
    default_columns(&r);
    char *s = l->text;
    if (!strncmp(s, "\xEF\xBB\xBF", 3)) s += 3;
    int first = 1;
    for (size_t line = 1; s && *s; line++) {
        char *next = strchr(s, '\n');
        if (next) *next++ = '\0';
        size_t n = strlen(s);
        if (n && s[n - 1] == '\r') s[--n] = '\0';
        if (strspn(s, " \t;,") == n) { /* blank */
            s = next;
            continue;
        }
        char *fields[MAX_FIELDS];
        int nf = split_fields(&r, s, fields, MAX_FIELDS);
        if (nf < 0) {
            mail_list_problem(err, line, s, "has a quote that does not close");
        } else if (first && read_header(&r, fields, nf > MAX_FIELDS ? MAX_FIELDS : nf)) {
            if (r.col[COL_EMAIL] < 0) {
                mail_list_free(l);
                return tm_error_set(err, 422, "the header line names no email column");
            }
        } else if (l->n >= MAIL_LIST_MAX) {
            mail_list_free(l);
            return tm_error_set(err, 413, "the list has more than %d addresses; upload it in parts",
                                MAIL_LIST_MAX);
        } else if (read_entry(&r, fields, nf, line, &l->entries[l->n], err) == 0) {
            l->n++;
        }
        first = 0;
        s = next;
    }
    drop_duplicates(l, err);
    if (tm_error_count(err) > 0)
        return tm_error_set(err, 422, "the list was not stored: correct the lines named below");
    if (l->n == 0) return tm_error_set(err, 422, "the list holds no address");
    return 0;
}

void mail_list_free(mail_list *l)
{
    free(l->entries);
    free(l->text);
    memset(l, 0, sizeof *l);
}
