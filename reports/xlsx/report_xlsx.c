/* report_xlsx.c - the Excel report: the workbook, its formats, the row
 * writer every sheet uses, lookups in the analysis JSON, and the file name.
 *
 * The workbook is opened in libxlsxwriter's constant-memory mode: each row is
 * flushed to a temporary file as soon as a later row is touched, so every
 * sheet is written strictly top to bottom (rx_sheet keeps the current row)
 * and merges and row heights happen only on the current row. Charts and
 * conditional formats are objects of their own and can be added at any time.
 *
 * libxlsxwriter reports errors per call; the row writer remembers the first
 * one of a sheet ("sticky", as in SQLite's pager) so sheet code reads as a
 * plain sequence of writes and checks once, in rs_close.
 *
 * The sheets themselves are in report_sheets_*.c.
 */
#define REPORT_XLSX_INTERNAL
#include "reports/xlsx/report_xlsx.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * The analysis
 * ------------------------------------------------------------------------ */

json_t *rx_find(json_t *arr, const char *field, const char *key)
{
    size_t i;
    json_t *e;
    if (!json_is_array(arr) || !key) return NULL;
    json_array_foreach(arr, i, e)
    {
        const char *v = json_string_value(json_object_get(e, field));
        if (v && strcmp(v, key) == 0) return e;
    }
    return NULL;
}

double rx_dbl(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

rx_cell rx_cell_state(const rx *x, json_t *stat)
{
    if (!json_is_object(stat)) return RX_ABSENT;
    if (json_is_true(json_object_get(stat, "suppressed"))) return RX_SUPPRESSED;
    double n = rx_dbl(stat, "n");
    if (!isnan(n) && n < x->k) return RX_SUPPRESSED;
    return RX_OK;
}

int rx_layer(const rx *x, const char *key)
{
    return key ? instrument_layer_index(x->in, key) : -1;
}

int rx_layer_suppressed(const rx *x, const char *key)
{
    int i = rx_layer(x, key);
    return i < 0 || (x->suppressed >> i) & 1u;
}

static const char *label_or_key(tm_text t, const char *key, const char *lang)
{
    const char *s = tm_text_get(t, lang);
    return s ? s : key;
}

const char *rx_layer_label(const rx *x, const char *key)
{
    int i = rx_layer(x, key);
    return i < 0 ? (key ? key : "") : label_or_key(x->in->layers[i].label, key, x->lang);
}

const char *rx_theme_label(const rx *x, const char *key)
{
    int i = key ? instrument_theme_index(x->in, key) : -1;
    return i < 0 ? (key ? key : "") : label_or_key(x->in->themes[i].label, key, x->lang);
}

const char *rx_domain_label(const rx *x, const char *key)
{
    int i = key ? instrument_domain_index(x->in, key) : -1;
    return i < 0 ? (key ? key : "") : label_or_key(x->in->domains[i].label, key, x->lang);
}

const char *rx_t(const rx *x, rt_id id)
{
    return rt(id, x->lang);
}

int rx_band(const char *band)
{
    if (!band) return -1;
    if (strcmp(band, "goed") == 0) return RX_BAND_GOED;
    if (strcmp(band, "aandacht") == 0) return RX_BAND_AANDACHT;
    if (strcmp(band, "zorg") == 0) return RX_BAND_ZORG;
    return -1;
}

int rx_oom(rx *x)
{
    return tm_error_set(x->err, 500, "out of memory while writing the report");
}

int rx_reserve(rx *x, size_t n)
{
    if (n <= x->buf_cap) return 0;
    size_t cap = x->buf_cap ? x->buf_cap : 256;
    while (cap < n)
        cap *= 2;
    char *b = realloc(x->buf, cap);
    if (!b) return -1;
    x->buf = b;
    x->buf_cap = cap;
    return 0;
}

/* Position of layer index li among the active (shown) layers, or -1. */
static int active_pos(const rx *x, int li)
{
    for (size_t i = 0; i < x->n_active; i++)
        if (x->active[i] == li) return (int)i;
    return -1;
}

int rx_pair_is_span(const rx *x, rx_pair p)
{
    return active_pos(x, p.to) - active_pos(x, p.from) != 1;
}

static int pair_cmp(const rx *x, rx_pair a, rx_pair b)
{
    int sa = rx_pair_is_span(x, a), sb = rx_pair_is_span(x, b);
    if (sa != sb) return sa - sb;
    int fa = active_pos(x, a.from), fb = active_pos(x, b.from);
    if (fa != fb) return fa - fb;
    return active_pos(x, a.to) - active_pos(x, b.to);
}

size_t rx_pair_add(const rx *x, rx_pair *out, size_t n, rx_pair p)
{
    for (size_t i = 0; i < n; i++)
        if (out[i].from == p.from && out[i].to == p.to) return n;
    if (n == RX_MAX_PAIRS) return n;
    size_t at = n;
    while (at > 0 && pair_cmp(x, p, out[at - 1]) < 0) {
        out[at] = out[at - 1];
        at--;
    }
    out[at] = p;
    return n + 1;
}

/* The pair of a gap or link entry; 0 when it touches a layer not shown. */
static int entry_pair(const rx *x, json_t *e, rx_pair *p)
{
    p->from = rx_layer(x, json_string_value(json_object_get(e, "from")));
    p->to = rx_layer(x, json_string_value(json_object_get(e, "to")));
    return p->from >= 0 && p->to >= 0 && active_pos(x, p->from) >= 0 && active_pos(x, p->to) >= 0;
}

static int measure_is(json_t *e, const char *measure)
{
    const char *m = json_string_value(json_object_get(e, "measure"));
    return !measure || (m && strcmp(m, measure) == 0);
}

size_t rx_pairs(const rx *x, json_t *groups, const char *member, const char *measure, rx_pair *out)
{
    size_t n = 0, i, j;
    json_t *g, *e;
    rx_pair p;
    json_array_foreach(groups, i, g)
    {
        json_array_foreach(json_object_get(g, member), j, e)
        {
            if (measure_is(e, measure) && entry_pair(x, e, &p)) n = rx_pair_add(x, out, n, p);
        }
    }
    return n;
}

json_t *rx_pair_find(const rx *x, json_t *arr, rx_pair p, const char *measure)
{
    size_t i;
    json_t *e;
    rx_pair q;
    json_array_foreach(arr, i, e)
    {
        if (measure_is(e, measure) && entry_pair(x, e, &q) && q.from == p.from && q.to == p.to)
            return e;
    }
    return NULL;
}

char *rx_pair_label(const rx *x, rx_pair p, char *buf, size_t size)
{
    snprintf(buf, size, "%s → %s", rx_layer_label(x, x->in->layers[p.from].key),
             rx_layer_label(x, x->in->layers[p.to].key));
    return buf;
}

const char *rx_carry_measure(const rx *x, const char *theme)
{
    /* The analysis says which measure its carry used; fall back to the
     * contract's rule for an analysis without the field. */
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(x->a, "themes"), i, t)
    {
        const char *key = json_string_value(json_object_get(t, "theme"));
        const char *m = json_string_value(json_object_get(t, "carry_measure"));
        if (key && theme && !strcmp(key, theme) && m) return m;
    }
    int ti = theme ? instrument_theme_index(x->in, theme) : -1;
    for (size_t k = 0; ti >= 0 && k < x->in->n_items; k++)
        if (x->in->items[k].theme == ti && x->in->items[k].type == ITEM_INTENT) return "knowledge";
    return "score";
}

/* ------------------------------------------------------------------------
 * The row writer
 * ------------------------------------------------------------------------ */

void rs_check(rx_sheet *s, lxw_error e, lxw_col_t col)
{
    if (e != LXW_NO_ERROR && s->lerr == LXW_NO_ERROR) {
        s->lerr = e;
        s->err_row = s->row;
        s->err_col = col;
    }
}

void rs_next(rx_sheet *s)
{
    s->row++;
}

void rs_str(rx_sheet *s, lxw_col_t col, const char *text, lxw_format *f)
{
    if (!text) return;
    rs_check(s, worksheet_write_string(s->ws, s->row, col, text, f), col);
}

void rs_num(rx_sheet *s, lxw_col_t col, double v, lxw_format *f)
{
    if (isnan(v) || isinf(v)) {
        rs_str(s, col, "–", s->x->f.dash);
        return;
    }
    rs_check(s, worksheet_write_number(s->ws, s->row, col, v, f), col);
}

void rs_jnum(rx_sheet *s, lxw_col_t col, json_t *v, lxw_format *f)
{
    rs_num(s, col, json_is_number(v) ? json_number_value(v) : NAN, f);
}

void rs_jnum_or_blank(rx_sheet *s, lxw_col_t col, json_t *v, lxw_format *f)
{
    if (json_is_number(v)) rs_num(s, col, json_number_value(v), f);
}

void rs_stat(rx_sheet *s, lxw_col_t col, json_t *stat, const char *key, lxw_format *f)
{
    switch (rx_cell_state(s->x, stat)) {
    case RX_SUPPRESSED:
        rs_str(s, col, s->x->supp_text, s->x->f.supp);
        return;
    case RX_ABSENT:
        rs_str(s, col, "–", s->x->f.dash);
        return;
    case RX_OK:
        rs_jnum(s, col, json_object_get(stat, key), f);
        return;
    }
}

void rs_merge(rx_sheet *s, lxw_col_t first, lxw_col_t last, const char *text, lxw_format *f)
{
    if (first == last) {
        rs_str(s, first, text, f);
        return;
    }
    rs_check(s, worksheet_merge_range(s->ws, s->row, first, s->row, last, text, f), first);
}

void rs_height(rx_sheet *s, double height)
{
    rs_check(s, worksheet_set_row(s->ws, s->row, height, NULL), 0);
}

void rs_width(rx_sheet *s, lxw_col_t first, lxw_col_t last, double width, lxw_format *f)
{
    for (lxw_col_t c = first; c <= last && c < RX_TRACKED_COLS; c++)
        s->width[c] = width;
    rs_check(s, worksheet_set_column(s->ws, first, last, width, f), first);
}

/* Characters in a UTF-8 string. */
static size_t utf8_len(const char *t)
{
    size_t n = 0;
    for (; *t; t++)
        n += ((unsigned char)*t & 0xC0) != 0x80;
    return n;
}

void rs_title(rx_sheet *s, const char *title, const char *note, lxw_col_t last)
{
    rs_height(s, 24);
    rs_str(s, 0, title, s->x->f.title);
    rs_next(s);
    if (note) {
        /* about 1.1 characters per unit of column width at 9 pt italic */
        double width = 0;
        for (lxw_col_t c = 0; c <= last; c++)
            width += c < RX_TRACKED_COLS && s->width[c] > 0 ? s->width[c] : LXW_DEF_COL_WIDTH;
        size_t per_line = width > 20 ? (size_t)(width * 1.1) : 22;
        size_t lines = utf8_len(note) / per_line + 1;
        rs_height(s, 13.0 * (double)lines + 3);
        rs_merge(s, 0, last, note, s->x->f.note);
        rs_next(s);
    }
    rs_next(s);
}

char *rx_suppressed_names(const rx *x, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t c = 0; c < x->n_chain; c++) {
        if (!((x->suppressed >> x->chain[c]) & 1u)) continue;
        if (buf[0]) strncat(buf, ", ", size - strlen(buf) - 1);
        strncat(buf, rx_layer_label(x, x->in->layers[x->chain[c]].key), size - strlen(buf) - 1);
    }
    return buf;
}

int rs_suppressed_note(rx_sheet *s, lxw_col_t last)
{
    char names[512], k[16];
    if (!rx_suppressed_names(s->x, names, sizeof names)[0]) return 0;
    snprintf(k, sizeof k, "%d", s->x->k);
    const char *vars[] = {"k", k, "layers", names, NULL};
    char *note = rt_fill(rx_t(s->x, RT_SUPPRESSED_NOTE), vars);
    if (!note) return rx_oom(s->x);
    rs_merge(s, 0, last, note, s->x->f.note);
    free(note);
    rs_next(s);
    rs_next(s);
    return 0;
}

lxw_chart *rs_new_chart(rx_sheet *s, uint8_t type)
{
    lxw_chart *c = workbook_add_chart(s->x->wb, type);
    if (!c) rs_check(s, LXW_ERROR_MEMORY_MALLOC_FAILED, 0);
    return c;
}

void rs_chart(rx_sheet *s, lxw_row_t row, lxw_col_t col, lxw_chart *chart, int width, int height)
{
    lxw_chart_options o = {.x_offset = 4,
                           .y_offset = 4,
                           .x_scale = width / 480.0,
                           .y_scale = height / 288.0,
                           .object_position = LXW_OBJECT_MOVE_DONT_SIZE};
    if (chart) rs_check(s, worksheet_insert_chart_opt(s->ws, row, col, chart, &o), col);
}

int rs_open(rx *x, rx_sheet *s, rt_id name)
{
    memset(s, 0, sizeof *s);
    s->x = x;
    s->name = rx_t(x, name);
    s->ws = workbook_add_worksheet(x->wb, s->name);
    if (!s->ws)
        return tm_error_set(x->err, 500, "could not add the sheet \"%s\" to the report", s->name);
    worksheet_set_landscape(s->ws);
    worksheet_set_paper(s->ws, 9); /* A4 */
    worksheet_fit_to_pages(s->ws, 1, 0);
    worksheet_set_margins(s->ws, 0.5, 0.5, 0.75, 0.75);
    rs_check(s, worksheet_set_header(s->ws, x->header), 0);
    rs_check(s, worksheet_set_footer(s->ws, x->footer), 0);
    return 0;
}

char *rx_cell_name(char *buf, size_t size, lxw_row_t row, lxw_col_t col)
{
    char letters[8];
    size_t n = 0;
    unsigned c = (unsigned)col + 1;
    while (c > 0 && n < sizeof letters) {
        letters[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    size_t k = 0;
    while (n > 0 && k + 1 < size)
        buf[k++] = letters[--n];
    snprintf(buf + k, size - k, "%u", (unsigned)row + 1);
    return buf;
}

int rs_close(rx_sheet *s)
{
    if (s->lerr == LXW_NO_ERROR) return 0;
    char cell[24];
    rx_cell_name(cell, sizeof cell, s->err_row, s->err_col);
    return tm_error_set(s->x->err, 500, "could not write cell %s of the sheet \"%s\": %s", cell,
                        s->name, lxw_strerror(s->lerr));
}

/* ------------------------------------------------------------------------
 * Formats
 * ------------------------------------------------------------------------ */

#define C_NAVY 0x1F3864
#define C_GREY 0x7F7F7F
#define C_HEAD 0xD9E1F2
#define C_LINE 0x8EA9DB

static const struct {
    lxw_color_t fill, font;
} band_colours[3] = {
    {0xC6EFCE, 0x006100}, /* goed: green */
    {0xFFEB9C, 0x7F4F00}, /* aandacht: amber */
    {0xFFC7CE, 0x9C0006}, /* zorg: red */
};

static lxw_format *fmt(rx *x, int *ok)
{
    lxw_format *f = workbook_add_format(x->wb);
    if (!f) *ok = 0;
    return f;
}

static lxw_format *fmt_num(rx *x, int *ok, const char *num_format)
{
    lxw_format *f = fmt(x, ok);
    if (f) format_set_num_format(f, num_format);
    return f;
}

static lxw_format *fmt_head(rx *x, int *ok, uint8_t align)
{
    lxw_format *f = fmt(x, ok);
    if (!f) return f;
    format_set_bold(f);
    format_set_bg_color(f, C_HEAD);
    format_set_bottom(f, LXW_BORDER_THIN);
    format_set_bottom_color(f, C_LINE);
    format_set_text_wrap(f);
    format_set_align(f, align);
    format_set_align(f, LXW_ALIGN_VERTICAL_BOTTOM);
    return f;
}

static int formats_create(rx *x)
{
    rx_formats *F = &x->f;
    int ok = 1;
    F->title = fmt(x, &ok);
    F->subtitle = fmt(x, &ok);
    F->section = fmt(x, &ok);
    F->note = fmt(x, &ok);
    F->label = fmt(x, &ok);
    F->text = fmt(x, &ok);
    F->wrap = fmt(x, &ok);
    F->bold = fmt(x, &ok);
    F->sig = fmt(x, &ok);
    F->supp = fmt(x, &ok);
    F->dash = fmt(x, &ok);
    F->head = fmt_head(x, &ok, LXW_ALIGN_LEFT);
    F->head_c = fmt_head(x, &ok, LXW_ALIGN_CENTER);
    F->head_num = fmt_head(x, &ok, LXW_ALIGN_RIGHT);
    F->head_pad = fmt_head(x, &ok, LXW_ALIGN_LEFT);
    F->pad = fmt(x, &ok);
    F->int_left = fmt_num(x, &ok, "0");
    F->num1 = fmt_num(x, &ok, "0.0");
    F->num2 = fmt_num(x, &ok, "0.00");
    F->p = fmt_num(x, &ok, "[<0.001]0.0E+00;0.000");
    F->int0 = fmt_num(x, &ok, "0");
    F->pct1 = fmt_num(x, &ok, "0.0%");
    F->signed1 = fmt_num(x, &ok, "+0.0;-0.0;0.0");
    F->num1_bold = fmt_num(x, &ok, "0.0");
    F->total_label = fmt(x, &ok);
    F->total_int = fmt_num(x, &ok, "0");
    F->total_pct = fmt_num(x, &ok, "0.0%");
    for (int b = 0; b < 3; b++) {
        F->band_text[b] = fmt(x, &ok);
        F->band_num[b] = fmt_num(x, &ok, "0.0");
    }
    if (!ok) return rx_oom(x);

    format_set_bold(F->title);
    format_set_font_size(F->title, 16);
    format_set_font_color(F->title, C_NAVY);
    format_set_font_size(F->subtitle, 12);
    format_set_font_color(F->subtitle, C_NAVY);
    format_set_bold(F->section);
    format_set_font_size(F->section, 12);
    format_set_font_color(F->section, C_NAVY);
    format_set_italic(F->note);
    format_set_font_size(F->note, 9);
    format_set_font_color(F->note, 0x404040);
    format_set_text_wrap(F->note);
    format_set_align(F->note, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(F->label);
    format_set_align(F->label, LXW_ALIGN_VERTICAL_TOP);
    format_set_align(F->text, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(F->wrap);
    format_set_align(F->wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(F->bold);
    format_set_indent(F->pad, 1);
    format_set_indent(F->head_pad, 1);
    format_set_align(F->int_left, LXW_ALIGN_LEFT);
    format_set_bold(F->sig);
    format_set_align(F->sig, LXW_ALIGN_CENTER);
    format_set_bold(F->num1_bold);
    format_set_font_color(F->supp, C_GREY);
    format_set_italic(F->supp);
    format_set_align(F->supp, LXW_ALIGN_RIGHT);
    format_set_font_color(F->dash, C_GREY);
    format_set_align(F->dash, LXW_ALIGN_RIGHT);
    lxw_format *totals[3] = {F->total_label, F->total_int, F->total_pct};
    for (int i = 0; i < 3; i++) {
        format_set_bold(totals[i]);
        format_set_top(totals[i], LXW_BORDER_THIN);
    }
    for (int b = 0; b < 3; b++) {
        lxw_format *pair[2] = {F->band_text[b], F->band_num[b]};
        for (int i = 0; i < 2; i++) {
            format_set_bg_color(pair[i], band_colours[b].fill);
            format_set_font_color(pair[i], band_colours[b].font);
            format_set_bold(pair[i]);
        }
        format_set_align(F->band_text[b], LXW_ALIGN_CENTER);
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * The workbook
 * ------------------------------------------------------------------------ */

/* Copies src into dst (size bytes) doubling '&' (page header codes) and
 * cutting at a character boundary so that at most max bytes are used. */
static void header_escape(char *dst, size_t size, const char *src, size_t max)
{
    size_t n = 0;
    if (max >= size) max = size - 1;
    for (const char *p = src ? src : ""; *p; p++) {
        size_t need = *p == '&' ? 2 : 1;
        if (n + need > max) break;
        if (*p == '&') dst[n++] = '&';
        dst[n++] = *p;
    }
    while (n > 0 && ((unsigned char)dst[n - 1] & 0xC0) == 0x80)
        n--;                                                      /* continuation bytes */
    if (n > 0 && ((unsigned char)dst[n - 1] & 0xC0) == 0xC0) n--; /* a dangling lead byte */
    dst[n] = '\0';
}

static void page_texts(rx *x)
{
    char org[80], wave[80], when[40];
    header_escape(org, sizeof org, x->organisation, 70);
    header_escape(wave, sizeof wave, x->wave_name, 70);
    header_escape(when, sizeof when, x->r->generated_at, 30);
    snprintf(x->header, sizeof x->header, "&L&B%s&B&C%s&R%s", org, rx_t(x, RT_REPORT), wave);
    snprintf(x->footer, sizeof x->footer, "&L&A&C%s &P %s &N&R%s", rx_t(x, RT_PAGE), rx_t(x, RT_OF),
             when);
}

/* The chain and which layers are suppressed, from the analysis (and, as a
 * second guard, any layer with fewer than k completed questionnaires). */
static void layers_derive(rx *x)
{
    json_t *chain = json_object_get(x->a, "chain"), *e;
    size_t i, j;
    json_array_foreach(chain, i, e)
    {
        int li = rx_layer(x, json_string_value(e));
        if (li >= 0 && x->n_chain < INSTRUMENT_MAX_LAYERS) x->chain[x->n_chain++] = li;
    }
    if (x->n_chain == 0)
        for (size_t l = 0; l < x->in->n_layers && l < INSTRUMENT_MAX_LAYERS; l++)
            x->chain[x->n_chain++] = (int)l;

    const char *groups[2] = {"themes", "domains"};
    for (int g = 0; g < 2; g++) {
        json_t *arr = json_object_get(x->a, groups[g]), *grp;
        json_array_foreach(arr, i, grp)
        {
            json_array_foreach(json_object_get(grp, "layers"), j, e)
            {
                int li = rx_layer(x, json_string_value(json_object_get(e, "layer")));
                if (li >= 0 && json_is_true(json_object_get(e, "suppressed")))
                    x->suppressed |= 1u << li;
            }
        }
    }
    json_t *counts[2] = {json_object_get(x->a, "response"),
                         json_object_get(x->r->progress, "layers")};
    for (int c = 0; c < 2; c++) {
        json_array_foreach(counts[c], i, e)
        {
            int li = rx_layer(x, json_string_value(json_object_get(e, "layer")));
            double sub = rx_dbl(e, "submitted");
            if (li >= 0 &&
                (json_is_true(json_object_get(e, "suppressed")) || (!isnan(sub) && sub < x->k)))
                x->suppressed |= 1u << li;
        }
    }
    for (size_t c = 0; c < x->n_chain; c++)
        if (!((x->suppressed >> x->chain[c]) & 1u)) x->active[x->n_active++] = x->chain[c];
}

static int properties_set(rx *x)
{
    char title[300], keywords[300], comments[400], author[120];
    snprintf(title, sizeof title, "%s – %s", rx_t(x, RT_REPORT), x->wave_name);
    snprintf(keywords, sizeof keywords, "%s, %s, %s", rx_t(x, RT_REPORT), x->organisation,
             x->wave_name);
    snprintf(comments, sizeof comments, "%s: %s; %s: %s; %s", rx_t(x, RT_WAVE), x->wave_name,
             rx_t(x, RT_GENERATED), x->r->generated_at ? x->r->generated_at : "",
             rx_t(x, x->r->council ? RT_VARIANT_COUNCIL : RT_VARIANT_FULL));
    snprintf(author, sizeof author, "%s %s", rx_t(x, RT_REPORT),
             x->r->product_version ? x->r->product_version : "");
    lxw_doc_properties p = {
        .title = title,
        .subject = (char *)x->organisation,
        .author = author,
        .company = (char *)x->organisation,
        .category = (char *)rx_t(x, RT_REPORT),
        .keywords = keywords,
        .comments = comments,
        .status = (char *)rx_t(x, x->r->council ? RT_VARIANT_COUNCIL : RT_VARIANT_FULL)};
    lxw_error e = workbook_set_properties(x->wb, &p);
    if (e == LXW_NO_ERROR)
        e = workbook_set_custom_property_string(x->wb, rx_t(x, RT_ORGANISATION), x->organisation);
    if (e == LXW_NO_ERROR)
        e = workbook_set_custom_property_string(x->wb, rx_t(x, RT_WAVE), x->wave_name);
    if (e != LXW_NO_ERROR)
        return tm_error_set(x->err, 500, "could not set the report's properties: %s",
                            lxw_strerror(e));
    return 0;
}

static int has_entries(json_t *a, const char *key)
{
    json_t *v = json_object_get(a, key);
    return json_is_array(v) && json_array_size(v) > 0;
}

static int sheets_write(rx *x)
{
    if (rx_sheet_summary(x) < 0 || rx_sheet_chain(x) < 0 || rx_sheet_gaps(x) < 0 ||
        rx_sheet_items(x) < 0 || rx_sheet_response(x) < 0)
        return -1;
    if (has_entries(x->a, "trend") && rx_sheet_trend(x) < 0) return -1;
    if (has_entries(x->a, "benchmark") && rx_sheet_benchmark(x) < 0) return -1;
    if (!x->r->council && rx_sheet_open(x) < 0) return -1;
    if (rx_sheet_method(x) < 0) return -1;
    if (!x->r->council && x->r->rows && rx_sheet_data(x) < 0) return -1;
    return 0;
}

static int input_check(const report_input *r, const char *path, tm_error *err)
{
    if (!r || !r->in || !path)
        return tm_error_set(err, 500, "report: no instrument or no output file given");
    if (!json_is_object(r->analysis))
        return tm_error_set(err, 400, "report: the analysis is not a JSON object");
    if (!json_is_array(json_object_get(r->analysis, "themes")))
        return tm_error_set(err, 400, "report: the analysis has no \"themes\" array");
    return 0;
}

int report_write_xlsx(const report_input *r, const char *path, tm_error *err)
{
    if (input_check(r, path, err) < 0) return -1;
    rx x = {.r = r, .in = r->in, .a = r->analysis, .err = err};
    x.lang = r->lang && strcmp(r->lang, "en") == 0 ? "en" : "nl";
    json_t *wave = json_object_get(r->analysis, "wave");
    double k = rx_dbl(wave, "min_group_size");
    x.k = isnan(k) || k < 3 ? (isnan(k) ? 5 : 3) : (int)k;
    snprintf(x.supp_text, sizeof x.supp_text, "< %d", x.k);
    x.organisation = json_string_value(json_object_get(wave, "organisation"));
    x.wave_name = json_string_value(json_object_get(wave, "name"));
    if (!x.organisation) x.organisation = "";
    if (!x.wave_name) x.wave_name = "";
    layers_derive(&x);
    page_texts(&x);

    /* fail before any work (and before libxlsxwriter complains on stderr) */
    FILE *probe = fopen(path, "wb");
    if (!probe)
        return tm_error_set(err, 500, "could not create the report file %s: %s", path,
                            strerror(errno));
    fclose(probe);

    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    x.wb = workbook_new_opt(path, &opt);
    if (!x.wb) {
        unlink(path);
        return tm_error_set(err, 500, "could not start the workbook %s", path);
    }
    int rc = 0;
    if (formats_create(&x) < 0 || properties_set(&x) < 0 || sheets_write(&x) < 0) rc = -1;
    if (rc < 0) {
        lxw_workbook_free(x.wb); /* writes nothing */
        unlink(path);
    } else {
        lxw_error e = workbook_close(x.wb);
        if (e != LXW_NO_ERROR) {
            unlink(path);
            rc = tm_error_set(err, 500, "could not write the report to %s: %s", path,
                              lxw_strerror(e));
        }
    }
    free(x.buf);
    return rc;
}

/* ------------------------------------------------------------------------
 * The file name
 * ------------------------------------------------------------------------ */

/* ASCII for the Latin-1 letters U+00C0..U+00FF ("-" for × and ÷). */
static const char *const latin1[64] = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
    "D", "N", "O", "O", "O", "O", "O",  "-", "O", "U", "U", "U", "U", "Y", "TH", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "-", "o", "u", "u", "u", "u", "y", "th", "y",
};

/* The ASCII form of part in buf (at most size - 1 characters): letters and
 * digits kept, accents dropped, anything else one '-' (no leading, trailing
 * or double '-'). */
static void name_part(char *buf, size_t size, const char *part)
{
    size_t n = 0;
    int dash = 0;
    const unsigned char *p = (const unsigned char *)part;
    while (*p) {
        const char *out = NULL;
        char one[2] = {0, 0};
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
            one[0] = (char)*p++;
            out = one;
        } else if (p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
            out = latin1[p[1] - 0x80];
            p += 2;
        } else {
            p++;
            while ((*p & 0xC0) == 0x80)
                p++; /* rest of a multi-byte character */
        }
        if (!out || strcmp(out, "-") == 0) {
            dash = 1;
            continue;
        }
        size_t len = strlen(out) + (dash && n > 0);
        if (n + len + 1 > size) break;
        if (dash && n > 0) buf[n++] = '-';
        dash = 0;
        for (; *out; out++)
            buf[n++] = *out;
    }
    buf[n] = '\0';
}

char *report_filename(const char *organisation, const char *wave, const char *date, int council)
{
    const char *parts[4] = {organisation, wave, council ? "raad" : NULL, date};
    char part[61], name[4 * 62 + 32] = "Thermometer";
    for (int i = 0; i < 4; i++) {
        if (!parts[i]) continue;
        name_part(part, sizeof part, parts[i]);
        if (!part[0]) continue;
        strcat(name, "_");
        strcat(name, part);
    }
    strcat(name, ".xlsx");
    return strdup(name);
}
