/* import.c - see import.h.
 *
 * Layout: a BOM filter in front of two byte-driven state machines, one per
 * format. Both collect the text of one row (a JSON array element, or the
 * cells of a CSV record) in p->text, which is reused from row to row; when a
 * row is complete it is turned into an answers object, checked with
 * answers_check and appended to the packed rows. Problems go to p->details
 * (at most IMPORT_MAX_DETAILS; the rest are only counted). Once any problem
 * is found the rows kept so far are freed: the import will be refused, and
 * the remaining rows are only checked, so that every bad row is named.
 */
#include "core/import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/answers.h"
#include "core/strbuf.h"
#include "core/utf8.h"

enum json_state {
    J_START, /* before the opening [ */
    J_FIRST, /* after [: an element or ] */
    J_NEXT,  /* after a comma: an element */
    J_ELEM,  /* inside an element */
    J_END,   /* after the closing ]: only white space */
};

enum csv_state {
    C_FIELD_START, /* at the start of a cell */
    C_UNQUOTED,    /* inside a cell without quotes */
    C_QUOTED,      /* inside "..." */
    C_QUOTE_END,   /* after a " inside quotes: "" or the end of the cell */
    C_AFTER_CR,    /* a record ended with CR; swallow one LF */
};

enum row_fault { FAULT_NONE, FAULT_TOO_LONG, FAULT_TOO_DEEP };

struct import_parser {
    const instrument *in;
    import_format format;
    int require_core; /* import_parser_require_core: half of the core items per row */
    int stopped;      /* outcome settled: further data is ignored */
    int finished;
    int status;        /* 0 while all is well */
    char message[600]; /* set when the parser stops */

    /* problems */
    json_t *details;
    size_t problems;
    size_t bad_rows, last_bad_row;
    int header_bad;

    /* valid rows: packed, n_items scores per row */
    int16_t *scores;
    uint8_t *layers;
    json_t **extra;
    size_t n_rows, cap_rows;

    /* the row being read */
    strbuf text; /* capped: a row holds fewer than IMPORT_MAX_ROW_BYTES bytes */
    enum row_fault fault;
    size_t row;       /* number of the current (or last) row */
    size_t data_rows; /* rows read, blank CSV lines not counted */

    /* byte order mark */
    unsigned bom_seen;
    int bom_done, bom_kind; /* bom_kind: index into marks[] once the first byte matched */

    /* JSON */
    enum json_state js;
    int in_string, escape;
    size_t depth;     /* nesting; 1 = inside the outer array */
    uint64_t objects; /* bit d set: level d is an object, d <= IMPORT_MAX_DEPTH */

    /* CSV */
    enum csv_state cs;
    char sep; /* 0 until a "sep=" line or the header shows one */
    int in_record, stray_quote, has_nul, unclosed;
    int first_record_done; /* a "sep=" line counts only as the first record */
    size_t *fields;        /* offset of each cell in buf; each cell ends with a NUL */
    size_t n_fields, cap_fields;
    int header_done;
    const tm_item **columns; /* per column; [0] (layer) is NULL */
    size_t n_columns;
    json_t *answers;   /* reused for every row */
    json_t *small[11]; /* shared integers 0..10 */
    json_t *dont_know; /* shared "dont_know" */
};

/* ---- small helpers ------------------------------------------------------ */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Trims spaces and tabs around s[0..*n); returns the new start. */
static char *trim(char *s, size_t *n)
{
    while (*n && (*s == ' ' || *s == '\t'))
        s++, (*n)--;
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
        (*n)--;
    return s;
}

/* ---- problems ------------------------------------------------------------ */

static int details_full(const import_parser *p)
{
    return json_array_size(p->details) >= IMPORT_MAX_DETAILS;
}

static void add_detail(import_parser *p, json_t *d)
{
    p->problems++;
    if (d && !details_full(p))
        json_array_append_new(p->details, d);
    else
        json_decref(d);
}

static void rows_drop(import_parser *p)
{
    for (size_t i = 0; i < p->n_rows; i++)
        json_decref(p->extra[i]);
    free(p->scores);
    free(p->layers);
    free(p->extra);
    p->scores = NULL;
    p->layers = NULL;
    p->extra = NULL;
    p->n_rows = p->cap_rows = 0;
}

/* {"row": row, "item": item, "error": msg}; item may be NULL. */
static json_t *row_detail(size_t row, const char *item, const char *msg)
{
    json_t *d = json_object();
    if (!d) return NULL;
    if (row) json_object_set_new(d, "row", json_integer((json_int_t)row));
    if (item) json_object_set_new(d, "item", json_string(item));
    json_t *e = json_string(msg);
    json_object_set_new(d, "error", e ? e : json_string("(message not shown)"));
    return d;
}

static void row_problem(import_parser *p, size_t row, const char *item, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records a problem with data row `row`. */
static void row_problem(import_parser *p, size_t row, const char *item, const char *fmt, ...)
{
    if (row != p->last_bad_row) {
        p->bad_rows++;
        p->last_bad_row = row;
    }
    if (!p->status) p->status = 422;
    rows_drop(p);
    if (details_full(p)) {
        p->problems++;
        return;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    utf8_cut_tail(msg);
    add_detail(p, row_detail(row, item, msg));
}

/* Records a problem with the CSV header; column may be NULL. */
static void header_problem(import_parser *p, const char *column, const char *msg)
{
    p->header_bad = 1;
    if (!p->status) p->status = 422;
    json_t *d = json_object();
    if (d) {
        json_object_set_new(d, "header", json_true());
        if (column) json_object_set_new(d, "column", json_string(column));
        json_object_set_new(d, "error", json_string(msg));
    }
    add_detail(p, d);
}

static void stop(import_parser *p, int status, size_t row, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Settles the outcome: status, one message (naming the row when not 0) and
 * a detail for the row. Further data is ignored. */
static void stop(import_parser *p, int status, size_t row, const char *fmt, ...)
{
    if (p->stopped) return;
    p->stopped = 1;
    p->status = status;
    rows_drop(p);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    utf8_cut_tail(msg);
    if (row) {
        snprintf(p->message, sizeof p->message, "row %zu %s", row, msg);
        add_detail(p, row_detail(row, NULL, msg));
    } else {
        snprintf(p->message, sizeof p->message, "%s", msg);
    }
}

static void out_of_memory(import_parser *p)
{
    stop(p, 500, 0, "out of memory reading the import");
}

/* ---- rows ---------------------------------------------------------------- */

static int rows_reserve(import_parser *p)
{
    if (p->n_rows < p->cap_rows) return 0;
    size_t cap = p->cap_rows ? p->cap_rows * 2 : 256;
    if (cap > IMPORT_MAX_ROWS) cap = IMPORT_MAX_ROWS;
    size_t items = p->in->n_items ? p->in->n_items : 1;
    int16_t *scores = realloc(p->scores, cap * items * sizeof *scores);
    if (scores) p->scores = scores;
    uint8_t *layers = realloc(p->layers, cap * sizeof *layers);
    if (layers) p->layers = layers;
    json_t **extra = realloc(p->extra, cap * sizeof *extra);
    if (extra) p->extra = extra;
    if (!scores || !layers || !extra) return -1;
    p->cap_rows = cap;
    return 0;
}

/* Appends a valid row; takes over set->extra. */
static void rows_add(import_parser *p, int layer, answer_set *set)
{
    if (rows_reserve(p) < 0) {
        out_of_memory(p);
        return;
    }
    size_t n = p->in->n_items;
    memcpy(p->scores + p->n_rows * n, set->scores, n * sizeof *set->scores);
    p->layers[p->n_rows] = (uint8_t)layer;
    p->extra[p->n_rows] = set->extra;
    set->extra = NULL;
    p->n_rows++;
}

/* Counts one more data row; stops past IMPORT_MAX_ROWS. */
static int count_row(import_parser *p)
{
    if (p->data_rows >= IMPORT_MAX_ROWS) {
        stop(p, 413, 0, "the import has more than %d rows (row %zu is one too many); split it",
             IMPORT_MAX_ROWS, p->row);
        return -1;
    }
    p->data_rows++;
    return 0;
}

/* Checks one row's answers for layer and keeps the row when the import is
 * still clean. */
static void check_answers(import_parser *p, int layer, json_t *answers)
{
    answer_set set;
    tm_error e = TM_ERROR_INIT;
    if (answers_check(p->in, layer, answers, ANSWERS_DRAFT, &set, &e) != 0) {
        size_t i;
        json_t *d;
        if (e.status == 500)
            out_of_memory(p);
        else if (tm_error_count(&e) == 0)
            row_problem(p, p->row, NULL, "%s", e.message);
        json_array_foreach(e.details, i, d)
        {
            row_problem(p, p->row, json_string_value(json_object_get(d, "item")), "%s",
                        json_string_value(json_object_get(d, "error")));
        }
        tm_error_clear(&e);
        return;
    }
    size_t answered, needed;
    if (set.answered == 0)
        row_problem(p, p->row, NULL, "has no answers");
    else if (p->require_core && answers_core_count(p->in, layer, set.scores, &answered, &needed))
        row_problem(p, p->row, NULL,
                    "answers %zu of the core questions of layer \"%s\"; at least %zu are needed "
                    "(half, rounded up; \"weet niet\" counts as an answer)",
                    answered, p->in->layers[layer].key, needed);
    else if (p->problems == 0)
        rows_add(p, layer, &set);
    answers_free(&set);
}

/* ---- the row buffer ------------------------------------------------------- */

/* An append to the row's text failed: the row is too long (it is refused, the
 * import reads on), or memory ran out (the import stops). */
static void text_failed(import_parser *p)
{
    if (p->text.status == STRBUF_TOO_LARGE)
        p->fault = FAULT_TOO_LONG;
    else
        out_of_memory(p);
}

static void buf_put(import_parser *p, const char *s, size_t n)
{
    if (!p->fault && strbuf_add(&p->text, s, n) < 0) text_failed(p);
}

static inline void buf_putc(import_parser *p, char c)
{
    if (!p->fault && strbuf_addch(&p->text, c) < 0) text_failed(p);
}

/* ---- JSON ---------------------------------------------------------------- */

/* Checks one parsed element: {"layer": "...", "answers": {...}}. */
static void json_response(import_parser *p, json_t *v)
{
    if (!json_is_object(v)) {
        row_problem(p, p->row, NULL, "must be an object with \"layer\" and \"answers\"");
        return;
    }
    int bad = 0, layer = -1;
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        if (strcmp(key, "layer") != 0 && strcmp(key, "answers") != 0) {
            row_problem(p, p->row, NULL,
                        "has an unknown field \"%s\" (allowed: \"layer\", \"answers\")", key);
            bad = 1;
        }
    }
    json_t *l = json_object_get(v, "layer"), *answers = json_object_get(v, "answers");
    if (!l) {
        row_problem(p, p->row, NULL, "has no \"layer\"");
        bad = 1;
    } else if (!json_is_string(l)) {
        row_problem(p, p->row, NULL, "\"layer\" must be the key of a layer");
        bad = 1;
    } else if ((layer = instrument_layer_index(p->in, json_string_value(l))) < 0) {
        row_problem(p, p->row, NULL, "unknown layer \"%s\"", json_string_value(l));
        bad = 1;
    }
    if (!answers) {
        row_problem(p, p->row, NULL, "has no \"answers\"");
        bad = 1;
    } else if (!json_is_object(answers)) {
        row_problem(p, p->row, NULL, "\"answers\" must be an object of item keys and values");
        bad = 1;
    }
    if (!bad) check_answers(p, layer, answers);
}

/* The element in p->text.buf is complete. */
static void json_element_end(import_parser *p)
{
    if (p->fault == FAULT_TOO_DEEP) {
        row_problem(p, p->row, NULL, "is nested deeper than %d levels", IMPORT_MAX_DEPTH);
    } else if (p->fault == FAULT_TOO_LONG) {
        row_problem(p, p->row, NULL, "is longer than %u bytes", IMPORT_MAX_ROW_BYTES);
    } else if (!utf8_valid(p->text.buf, p->text.len)) {
        stop(p, 400, p->row, "is not valid UTF-8");
    } else {
        json_error_t je;
        json_t *v =
            json_loadb(p->text.buf, p->text.len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
        if (!v) {
            stop(p, 400, p->row, "is not valid JSON: %s", je.text);
            return;
        }
        json_response(p, v);
        json_decref(v);
    }
    strbuf_reset(&p->text);
    p->fault = FAULT_NONE;
}

static void json_element_begin(import_parser *p)
{
    p->row++;
    if (count_row(p) < 0) return;
    p->js = J_ELEM;
    p->depth = 1;
    p->in_string = p->escape = 0;
    strbuf_reset(&p->text);
    p->fault = FAULT_NONE;
}

static void json_open(import_parser *p, char c)
{
    p->depth++;
    if (p->depth > IMPORT_MAX_DEPTH) {
        p->fault = FAULT_TOO_DEEP;
        strbuf_reset(&p->text);
        return;
    }
    if (c == '{')
        p->objects |= 1ULL << p->depth;
    else
        p->objects &= ~(1ULL << p->depth);
}

static int json_close(import_parser *p, char c)
{
    if (p->depth <= IMPORT_MAX_DEPTH) {
        char want = (p->objects >> p->depth) & 1 ? '}' : ']';
        if (c != want) {
            stop(p, 400, p->row, "is not valid JSON: \"%c\" where \"%c\" was expected", c, want);
            return -1;
        }
    }
    p->depth--;
    return 0;
}

/* Follows c through a JSON string (escapes included); returns 1 when c was
 * inside one, so the bracket logic must not look at it. */
static int json_in_string(import_parser *p, char c)
{
    if (!p->in_string) return 0;
    if (p->escape)
        p->escape = 0;
    else if (c == '\\')
        p->escape = 1;
    else if (c == '"')
        p->in_string = 0;
    return 1;
}

/* Reads s[0..n) as part of the current element; returns the bytes used. At
 * the "," or "]" that ends the element, checks it and moves on. */
static size_t json_element(import_parser *p, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (json_in_string(p, c)) continue;
        switch (c) {
        case '"':
            p->in_string = 1;
            break;
        case '{':
        case '[':
            json_open(p, c);
            if (p->fault == FAULT_TOO_DEEP) return i + 1; /* json_skip reads on */
            break;
        case '}':
        case ']':
            if (p->depth > 1) {
                if (json_close(p, c) < 0) return n;
                break;
            }
            if (c == '}') {
                stop(p, 400, p->row, "is not valid JSON: unexpected \"}\"");
                return n;
            }
            /* ] ends the element and the array */
            /* fall through */
        case ',':
            if (p->depth > 1) break;
            buf_put(p, s, i);
            p->js = c == ',' ? J_NEXT : J_END;
            json_element_end(p);
            return i + 1;
        default:
            break;
        }
    }
    buf_put(p, s, n);
    return n;
}

/* An element nested too deeply: follows strings and brackets to its end
 * without keeping its text. Returns the bytes used. */
static size_t json_skip(import_parser *p, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (json_in_string(p, c)) continue;
        if (c == '"') {
            p->in_string = 1;
        } else if (c == '{' || c == '[') {
            json_open(p, c);
        } else if (c == '}' || c == ']') {
            if (p->depth == 1) {
                if (c == '}') {
                    stop(p, 400, p->row, "is not valid JSON: unexpected \"}\"");
                    return n;
                }
                p->js = J_END;
                json_element_end(p);
                return i + 1;
            }
            if (json_close(p, c) < 0) return n;
        } else if (c == ',' && p->depth == 1) {
            p->js = J_NEXT;
            json_element_end(p);
            return i + 1;
        }
    }
    return n;
}

static void json_feed(import_parser *p, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !p->stopped) {
        if (p->js == J_ELEM) {
            i += p->fault == FAULT_TOO_DEEP ? json_skip(p, s + i, n - i)
                                            : json_element(p, s + i, n - i);
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (is_space(c)) {
            i++;
            continue;
        }
        switch (p->js) {
        case J_START:
            if (c != '[')
                stop(p, 400, 0,
                     "the body must be a JSON array of responses: "
                     "[{\"layer\": \"...\", \"answers\": {...}}, ...]");
            p->js = J_FIRST;
            i++;
            break;
        case J_FIRST:
            if (c == ']') {
                p->js = J_END;
                i++;
            } else {
                json_element_begin(p); /* the element starts at this byte */
            }
            break;
        case J_NEXT:
            if (c == ',' || c == ']')
                stop(p, 400, p->row + 1, "is missing: \"%c\" follows a \",\"", c);
            else
                json_element_begin(p);
            break;
        case J_END:
            stop(p, 400, 0, "unexpected text after the closing \"]\" of the array");
            break;
        case J_ELEM:
            break; /* handled above */
        }
    }
}

static void json_end(import_parser *p)
{
    switch (p->js) {
    case J_START:
        stop(p, 400, 0, "the body is empty");
        break;
    case J_FIRST:
    case J_NEXT:
        stop(p, 400, 0, "the body ends before the closing \"]\" of the array");
        break;
    case J_ELEM:
        if (p->depth == 1 && !p->in_string)
            stop(p, 400, 0, "the body ends before the closing \"]\" of the array");
        else
            stop(p, 400, p->row, "is cut off: the body ends inside it");
        break;
    case J_END:
        break;
    }
}

/* ---- CSV ----------------------------------------------------------------- */

static int csv_is_sep(import_parser *p, char c)
{
    if (p->sep) return c == p->sep;
    if (c != ',' && c != ';') return 0;
    p->sep = c; /* the first one outside quotes decides */
    return 1;
}

static void csv_field_begin(import_parser *p)
{
    size_t i = p->n_fields++;
    if (p->fault) return;
    if (i >= p->cap_fields) {
        size_t cap = p->cap_fields ? p->cap_fields * 2 : 128;
        size_t *f = realloc(p->fields, cap * sizeof *f);
        if (!f) {
            out_of_memory(p);
            return;
        }
        p->fields = f;
        p->cap_fields = cap;
    }
    p->fields[i] = p->text.len;
}

static void csv_field_next(import_parser *p)
{
    buf_putc(p, '\0');
    csv_field_begin(p);
}

/* Cell i: its text (NUL-terminated, may be changed in place) and length. */
static char *csv_cell(import_parser *p, size_t i, size_t *n)
{
    size_t end = i + 1 < p->n_fields ? p->fields[i + 1] : p->text.len;
    *n = end - p->fields[i] - 1;
    return p->text.buf + p->fields[i];
}

/* Whether the record holds nothing but separators and white space. */
static int csv_blank(const import_parser *p)
{
    if (p->fault || p->stray_quote || p->has_nul || p->unclosed) return 0;
    for (size_t i = 0; i < p->text.len; i++)
        if (p->text.buf[i] != '\0' && p->text.buf[i] != ' ' && p->text.buf[i] != '\t') return 0;
    return 1;
}

static void csv_header(import_parser *p)
{
    p->header_done = 1;
    if (p->fault || p->has_nul || p->unclosed || !utf8_valid(p->text.buf, p->text.len)) {
        header_problem(p, NULL,
                       "the header line cannot be read: it must be UTF-8 text "
                       "(in Excel: save as \"CSV UTF-8\")");
        return;
    }
    p->columns = calloc(p->n_fields, sizeof *p->columns);
    if (!p->columns) {
        out_of_memory(p);
        return;
    }
    p->n_columns = p->n_fields;
    for (size_t i = 0; i < p->n_fields; i++) {
        size_t n;
        char *name = trim(csv_cell(p, i, &n), &n);
        name[n] = '\0';
        const tm_item *it = NULL;
        if (i == 0) {
            if (strcasecmp(name, "layer") != 0)
                header_problem(p, name, "the first column must be \"layer\"");
        } else if (!strcasecmp(name, "layer")) {
            header_problem(p, name, "\"layer\" must be the first column, and only that");
        } else if (n == 0) {
            /* Excel writes trailing separators for formatted empty columns:
             * fine, as long as the cells below stay empty (see csv_row). */
        } else if (!(it = instrument_item(p->in, name))) {
            header_problem(p, name, "is not an item of this survey");
        } else {
            for (size_t j = 1; j < i; j++)
                if (p->columns[j] == it) {
                    header_problem(p, name, "appears more than once");
                    it = NULL;
                    break;
                }
        }
        p->columns[i] = it;
    }
    size_t items = 0;
    for (size_t i = 1; i < p->n_columns; i++)
        items += p->columns[i] != NULL;
    if (items == 0 && !p->header_bad)
        header_problem(p, NULL, "the header names no items: \"layer\" and then item keys");
}

static int is_dont_know_text(const char *s, size_t n)
{
    return (n == 9 && !strncasecmp(s, "dont_know", 9)) ||
           (n == 9 && !strncasecmp(s, "weet niet", 9));
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return n > 0;
}

/* Option keys separated by "|" as an array; empty pieces are dropped. */
static json_t *csv_options(char *s, size_t n)
{
    json_t *a = json_array();
    while (a) {
        size_t k = 0;
        while (k < n && s[k] != '|')
            k++;
        size_t m = k;
        char *piece = trim(s, &m);
        if (m && json_array_append_new(a, json_stringn_nocheck(piece, m)) < 0) {
            json_decref(a);
            return NULL;
        }
        if (k == n) break;
        s += k + 1;
        n -= k + 1;
    }
    return a;
}

/* The JSON value of a cell for item it, as answers_check expects it; a value
 * that cannot be right is passed on as a string, so that answers_check names
 * the problem. Returns 0 for an empty cell, 1 with *out (new reference), or
 * -1 when memory runs out. */
static int csv_value(import_parser *p, const tm_item *it, char *s, size_t n, json_t **out)
{
    if (it->type != ITEM_TEXT) s = trim(s, &n);
    if (n == 0) return 0;
    if (it->type == ITEM_TEXT)
        *out = json_stringn_nocheck(s, n);
    else if (is_dont_know_text(s, n))
        *out = json_incref(p->dont_know);
    else if ((it->type == ITEM_LIKERT || it->type == ITEM_GRADE) && all_digits(s, n) && n <= 6) {
        long v = strtol(s, NULL, 10);
        *out = v <= 10 ? json_incref(p->small[v]) : json_integer(v);
    } else if (it->multiple)
        *out = csv_options(s, n);
    else
        *out = json_stringn_nocheck(s, n);
    return *out ? 1 : -1;
}

/* Index of the layer named by s (any case), or -1. */
static int csv_layer(const instrument *in, const char *s)
{
    for (size_t i = 0; i < in->n_layers; i++)
        if (!strcasecmp(in->layers[i].key, s)) return (int)i;
    return -1;
}

static void csv_row(import_parser *p)
{
    size_t n;
    char *name = trim(csv_cell(p, 0, &n), &n);
    name[n] = '\0';
    int layer = csv_layer(p->in, name);
    if (n == 0) {
        row_problem(p, p->row, NULL, "has no layer");
        return;
    }
    if (layer < 0) {
        row_problem(p, p->row, NULL, "unknown layer \"%s\"", name);
        return;
    }
    json_object_clear(p->answers);
    for (size_t i = 1; i < p->n_fields; i++) {
        json_t *v;
        char *cell = csv_cell(p, i, &n);
        if (!p->columns[i]) {
            if (trim(cell, &n), n)
                row_problem(p, p->row, NULL, "has a value in column %zu, which has no name", i + 1);
            continue;
        }
        int r = csv_value(p, p->columns[i], cell, n, &v);
        if (r == 0) continue;
        if (r < 0 || json_object_set_new_nocheck(p->answers, p->columns[i]->key, v) < 0) {
            out_of_memory(p);
            return;
        }
    }
    check_answers(p, layer, p->answers);
}

/* Excel's first line "sep=X" names the separator: X, a comma or a
 * semicolon (which the line itself then set, leaving an empty second
 * cell), or another single character. Returns whether the record was one. */
static int csv_sep_line(import_parser *p)
{
    if (p->fault || p->has_nul || p->unclosed || p->stray_quote || p->n_fields > 2) return 0;
    size_t n;
    const char *s = csv_cell(p, 0, &n);
    if (n < 4 || strncasecmp(s, "sep=", 4) != 0) return 0;
    if (p->n_fields == 2) {
        size_t rest;
        csv_cell(p, 1, &rest);
        return n == 4 && rest == 0;
    }
    if (n != 5 || (s[4] != '\t' && (s[4] <= ' ' || s[4] > '~' || s[4] == '"'))) return 0;
    p->sep = s[4];
    return 1;
}

/* A record is complete: the "sep=" line, the header, a blank line, or a
 * data row. */
static void csv_record(import_parser *p)
{
    if (csv_blank(p)) {
        if (p->header_done) p->row++;
        return;
    }
    int first = !p->first_record_done;
    p->first_record_done = 1;
    if (first && csv_sep_line(p)) return;
    if (!p->header_done) {
        csv_header(p);
        if (p->header_bad) p->stopped = 1;
        return;
    }
    p->row++;
    if (count_row(p) < 0) return;
    if (p->fault)
        row_problem(p, p->row, NULL, "is longer than %u bytes", IMPORT_MAX_ROW_BYTES);
    else if (p->unclosed)
        row_problem(p, p->row, NULL, "has a cell that opens a quote (\") and never closes it");
    else if (p->has_nul || !utf8_valid(p->text.buf, p->text.len))
        row_problem(p, p->row, NULL, "is not valid UTF-8 text (in Excel: save as \"CSV UTF-8\")");
    else if (p->n_fields != p->n_columns)
        row_problem(p, p->row, NULL, "has %zu cells where the header has %zu", p->n_fields,
                    p->n_columns);
    else if (p->stray_quote)
        row_problem(p, p->row, NULL, "has text after the closing quote (\") of a cell");
    else
        csv_row(p);
}

static void csv_record_begin(import_parser *p)
{
    p->in_record = 1;
    p->n_fields = 0;
    strbuf_reset(&p->text);
    p->fault = FAULT_NONE;
    p->stray_quote = p->has_nul = p->unclosed = 0;
    csv_field_begin(p);
}

static void csv_record_end(import_parser *p)
{
    buf_putc(p, '\0');
    csv_record(p);
    p->in_record = 0;
}

/* One byte of CSV. */
static void csv_byte(import_parser *p, char c)
{
    if (c == '\0') { /* never valid in text; the row is refused */
        /* Also the first byte of a line: it starts a record (else
         * csv_record_begin would forget it and the row pass). */
        if (p->cs == C_AFTER_CR) p->cs = C_FIELD_START;
        if (!p->in_record) csv_record_begin(p);
        p->has_nul = 1;
        return;
    }
    switch (p->cs) {
    case C_AFTER_CR:
        p->cs = C_FIELD_START;
        if (c == '\n') return;
        /* fall through */
    case C_FIELD_START:
        if (!p->in_record) csv_record_begin(p);
        if (c == '"') {
            p->cs = C_QUOTED;
        } else if (csv_is_sep(p, c)) {
            csv_field_next(p);
        } else if (c == '\r' || c == '\n') {
            csv_record_end(p);
            p->cs = c == '\r' ? C_AFTER_CR : C_FIELD_START;
        } else {
            buf_putc(p, c);
            p->cs = C_UNQUOTED;
        }
        return;
    case C_QUOTE_END:
        if (c == '"') {
            buf_putc(p, '"');
            p->cs = C_QUOTED;
            return;
        }
        if (c != '\r' && c != '\n' && !csv_is_sep(p, c)) p->stray_quote = 1;
        /* fall through */
    case C_UNQUOTED:
        if (csv_is_sep(p, c)) {
            csv_field_next(p);
            p->cs = C_FIELD_START;
        } else if (c == '\r' || c == '\n') {
            csv_record_end(p);
            p->cs = c == '\r' ? C_AFTER_CR : C_FIELD_START;
        } else {
            buf_putc(p, c);
            p->cs = C_UNQUOTED;
        }
        return;
    case C_QUOTED:
        if (c == '"')
            p->cs = C_QUOTE_END;
        else
            buf_putc(p, c);
        return;
    }
}

static void csv_feed(import_parser *p, const char *s, size_t n)
{
    for (size_t i = 0; i < n && !p->stopped; i++) {
        /* Fast path: the plain bytes of an unquoted or quoted cell. */
        if ((p->cs == C_UNQUOTED || p->cs == C_QUOTED) && !p->fault) {
            size_t j = i;
            if (p->cs == C_QUOTED)
                while (j < n && s[j] != '"' && s[j] != '\0')
                    j++;
            else
                while (j < n && s[j] != p->sep && s[j] != '\r' && s[j] != '\n' && s[j] != '\0' &&
                       (p->sep || (s[j] != ',' && s[j] != ';')))
                    j++;
            if (j > i) {
                buf_put(p, s + i, j - i);
                i = j - 1;
                continue;
            }
        }
        csv_byte(p, s[i]);
    }
}

static void csv_end(import_parser *p)
{
    if (p->cs == C_QUOTED) p->unclosed = 1;
    if (p->in_record && !p->stopped) csv_record_end(p);
    if (!p->header_done && !p->stopped) stop(p, 400, 0, "the body is empty");
}

/* ---- byte order mark and dispatch ---------------------------------------- */

/* UTF-8's mark is skipped. A UTF-16 one refuses the body: its text would
 * otherwise be read as bytes with a NUL in every other place, and the user
 * is told the encoding rather than that the header cannot be read. */
static const struct {
    const char *bytes;
    unsigned len;
    const char *utf16; /* NULL for UTF-8 */
} marks[] = {
    {"\xEF\xBB\xBF", 3, NULL},
    {"\xFF\xFE", 2, "UTF-16 (little-endian)"},
    {"\xFE\xFF", 2, "UTF-16 (big-endian)"},
};

static void dispatch(import_parser *p, const char *s, size_t n)
{
    if (p->format == IMPORT_CSV)
        csv_feed(p, s, n);
    else
        json_feed(p, s, n);
}

static void refuse_utf16(import_parser *p, const char *encoding)
{
    if (p->format == IMPORT_CSV)
        stop(p, 422, 0,
             "the file is in %s, as Excel's \"Unicode text\" saves it; the import reads "
             "UTF-8 only: in Excel, save it as \"CSV UTF-8\"",
             encoding);
    else
        stop(p, 400, 0, "the body is in %s; JSON must be UTF-8", encoding);
}

/* Consumes a leading byte order mark, also when it is split across chunks;
 * bytes that only looked like its start are passed on. */
static size_t skip_bom(import_parser *p, const char *s, size_t n)
{
    size_t i = 0;
    while (!p->bom_done && i < n) {
        if (p->bom_seen == 0) {
            size_t k = 0;
            while (k < sizeof marks / sizeof *marks && s[i] != marks[k].bytes[0])
                k++;
            if (k == sizeof marks / sizeof *marks) {
                p->bom_done = 1;
                break;
            }
            p->bom_kind = (int)k;
        }
        if (s[i] == marks[p->bom_kind].bytes[p->bom_seen]) {
            i++;
            if (++p->bom_seen == marks[p->bom_kind].len) {
                p->bom_done = 1;
                if (marks[p->bom_kind].utf16) refuse_utf16(p, marks[p->bom_kind].utf16);
            }
        } else {
            p->bom_done = 1;
            dispatch(p, marks[p->bom_kind].bytes, p->bom_seen);
        }
    }
    return i;
}

/* ---- public -------------------------------------------------------------- */

import_format import_format_from_content_type(const char *ct)
{
    if (!ct) return IMPORT_JSON;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strcspn(ct, "; \t");
    if ((n == 8 && !strncasecmp(ct, "text/csv", n)) ||
        (n == 15 && !strncasecmp(ct, "application/csv", n)))
        return IMPORT_CSV;
    return IMPORT_JSON;
}

import_parser *import_parser_new(const instrument *in, import_format f)
{
    import_parser *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->in = in;
    p->format = f;
    strbuf_init(&p->text, IMPORT_MAX_ROW_BYTES - 1);
    p->details = json_array();
    p->answers = json_object();
    p->dont_know = json_string("dont_know");
    int ok = p->details && p->answers && p->dont_know;
    for (int i = 0; i <= 10; i++)
        ok = ok && (p->small[i] = json_integer(i)) != NULL;
    if (!ok) {
        import_parser_free(p);
        return NULL;
    }
    return p;
}

void import_parser_require_core(import_parser *p)
{
    p->require_core = 1;
}

int import_parser_feed(import_parser *p, const char *data, size_t len)
{
    if (p->finished || p->stopped) return -1;
    if (len == 0) return 0;
    size_t used = skip_bom(p, data, len);
    if (!p->stopped) dispatch(p, data + used, len - used);
    return p->stopped ? -1 : 0;
}

/* The message of a refused import that did not stop early. */
static void summary(const import_parser *p, tm_error *err)
{
    if (p->message[0])
        tm_error_set(err, p->status, "%s", p->message);
    else if (p->header_bad)
        tm_error_set(err, p->status, "the CSV header has %zu problem%s; nothing was imported",
                     p->problems, p->problems == 1 ? "" : "s");
    else
        tm_error_set(err, p->status, "%zu of %zu rows cannot be imported; nothing was imported",
                     p->bad_rows, p->data_rows);
}

int import_parser_finish(import_parser *p, tm_error *err)
{
    if (!p->finished) {
        p->finished = 1;
        if (!p->bom_done && p->bom_seen) {
            p->bom_done = 1;
            dispatch(p, marks[p->bom_kind].bytes, p->bom_seen);
        }
        if (!p->stopped) {
            if (p->format == IMPORT_CSV)
                csv_end(p);
            else
                json_end(p);
        }
        if (!p->status && p->data_rows == 0) stop(p, 422, 0, "there are no rows to import");
    }
    if (!p->status) return 0;
    summary(p, err);
    size_t listed = json_array_size(p->details), i;
    json_t *d;
    json_array_foreach(p->details, i, d)
    {
        tm_error_add_json(err, json_incref(d));
    }
    if (p->problems > listed) {
        char msg[96];
        snprintf(msg, sizeof msg, "... and %zu more problems", p->problems - listed);
        tm_error_add_json(err, json_pack("{s:s}", "error", msg));
    }
    rows_drop(p);
    return -1;
}

size_t import_parser_rows(const import_parser *p)
{
    return p->n_rows;
}

int import_parser_layer(const import_parser *p, size_t i)
{
    return p->layers[i];
}

const int16_t *import_parser_scores(const import_parser *p, size_t i)
{
    return p->scores + i * p->in->n_items;
}

json_t *import_parser_extra(const import_parser *p, size_t i)
{
    return p->extra[i];
}

void import_parser_free(import_parser *p)
{
    if (!p) return;
    rows_drop(p);
    json_decref(p->details);
    json_decref(p->answers);
    json_decref(p->dont_know);
    for (int i = 0; i <= 10; i++)
        json_decref(p->small[i]);
    strbuf_release(&p->text);
    free(p->fields);
    free(p->columns);
    free(p);
}
