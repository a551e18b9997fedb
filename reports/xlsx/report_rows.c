/* report_rows.c - the row writer every sheet uses (rs_sheet).
 *
 * The workbook is written in libxlsxwriter's constant-memory mode (see
 * report_xlsx.c), so a sheet is written strictly top to bottom: rs_sheet
 * keeps the current row, and merges and row heights happen only on it.
 * libxlsxwriter reports errors per call; the writer remembers the first one
 * of a sheet ("sticky", as in SQLite's pager) so sheet code reads as a plain
 * sequence of writes and checks once, in rs_close.
 */
#define REPORT_XLSX_INTERNAL
#include "reports/xlsx/report_xlsx.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

void rs_check(rs_sheet *s, lxw_error e, lxw_col_t col)
{
    if (e != LXW_NO_ERROR && s->lerr == LXW_NO_ERROR) {
        s->lerr = e;
        s->err_row = s->row;
        s->err_col = col;
    }
}

void rs_next(rs_sheet *s)
{
    s->row++;
}

void rs_str(rs_sheet *s, lxw_col_t col, const char *text, lxw_format *f)
{
    if (!text) return;
    rs_check(s, worksheet_write_string(s->ws, s->row, col, text, f), col);
}

void rs_num(rs_sheet *s, lxw_col_t col, double v, lxw_format *f)
{
    if (isnan(v) || isinf(v)) {
        rs_str(s, col, "–", s->x->f.dash);
        return;
    }
    rs_check(s, worksheet_write_number(s->ws, s->row, col, v, f), col);
}

void rs_jnum(rs_sheet *s, lxw_col_t col, json_t *v, lxw_format *f)
{
    rs_num(s, col, json_is_number(v) ? json_number_value(v) : NAN, f);
}

void rs_jnum_or_blank(rs_sheet *s, lxw_col_t col, json_t *v, lxw_format *f)
{
    if (json_is_number(v)) rs_num(s, col, json_number_value(v), f);
}

void rs_stat(rs_sheet *s, lxw_col_t col, json_t *stat, const char *key, lxw_format *f)
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

void rs_merge(rs_sheet *s, lxw_col_t first, lxw_col_t last, const char *text, lxw_format *f)
{
    if (first == last) {
        rs_str(s, first, text, f);
        return;
    }
    rs_check(s, worksheet_merge_range(s->ws, s->row, first, s->row, last, text, f), first);
}

void rs_height(rs_sheet *s, double height)
{
    rs_check(s, worksheet_set_row(s->ws, s->row, height, NULL), 0);
}

void rs_width(rs_sheet *s, lxw_col_t first, lxw_col_t last, double width, lxw_format *f)
{
    for (lxw_col_t c = first; c <= last && c < RS_TRACKED_COLS; c++)
        s->width[c] = width;
    rs_check(s, worksheet_set_column(s->ws, first, last, width, f), first);
}

void rs_title(rs_sheet *s, const char *title, const char *note, lxw_col_t last)
{
    rs_height(s, 24);
    rs_str(s, 0, title, s->x->f.title);
    rs_next(s);
    if (note) {
        /* about 1.1 characters per unit of column width at 9 pt italic */
        double width = 0;
        for (lxw_col_t c = 0; c <= last; c++)
            width += c < RS_TRACKED_COLS && s->width[c] > 0 ? s->width[c] : LXW_DEF_COL_WIDTH;
        size_t per_line = width > 20 ? (size_t)(width * 1.1) : 22;
        size_t lines = utf8_length(note) / per_line + 1;
        rs_height(s, 13.0 * (double)lines + 3);
        rs_merge(s, 0, last, note, s->x->f.note);
        rs_next(s);
    }
    rs_next(s);
}

int rs_suppressed_note(rs_sheet *s, lxw_col_t last)
{
    char names[512], k[16];
    if (!rx_suppressed_names(s->x, names, sizeof names)[0]) return 0;
    snprintf(k, sizeof k, "%d", s->x->k);
    const tm_text_var vars[] = {{"k", k}, {"layers", names}, {NULL, NULL}};
    const char *note = rx_fill(s->x, rx_t(s->x, RT_SUPPRESSED_NOTE), vars);
    if (!note) return -1;
    rs_merge(s, 0, last, note, s->x->f.note);
    rs_next(s);
    rs_next(s);
    return 0;
}

lxw_chart *rs_new_chart(rs_sheet *s, uint8_t type)
{
    lxw_chart *c = workbook_add_chart(s->x->wb, type);
    if (!c) rs_check(s, LXW_ERROR_MEMORY_MALLOC_FAILED, 0);
    return c;
}

void rs_chart(rs_sheet *s, lxw_row_t row, lxw_col_t col, lxw_chart *chart, int width, int height)
{
    lxw_chart_options o = {.x_offset = 4,
                           .y_offset = 4,
                           .x_scale = width / 480.0,
                           .y_scale = height / 288.0,
                           .object_position = LXW_OBJECT_MOVE_DONT_SIZE};
    if (chart) rs_check(s, worksheet_insert_chart_opt(s->ws, row, col, chart, &o), col);
}

int rs_open(rx *x, rs_sheet *s, rt_id name)
{
    memset(s, 0, sizeof *s);
    s->x = x;
    s->name = rx_t(x, name);
    s->ws = workbook_add_worksheet(x->wb, s->name);
    if (!s->ws)
        return tm_error_set(x->err, 500, "could not add the sheet \"%s\" to the report", s->name);
    /* A default row height written into the file (libxlsxwriter writes it
     * only when it is not Excel's 15 pt): charts are placed by rows, as if
     * a row were the default height, and LibreOffice would draw rows
     * without a height of their own lower than Excel and squash them. */
    worksheet_set_default_row(s->ws, RS_ROW_PT, LXW_FALSE);
    worksheet_set_landscape(s->ws);
    worksheet_set_paper(s->ws, 9); /* A4 */
    worksheet_fit_to_pages(s->ws, 1, 0);
    worksheet_set_margins(s->ws, 0.5, 0.5, 0.75, 0.75);
    rs_check(s, worksheet_set_header(s->ws, x->header), 0);
    rs_check(s, worksheet_set_footer(s->ws, x->footer), 0);
    return 0;
}

char *rs_cell_name(char *buf, size_t size, lxw_row_t row, lxw_col_t col)
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

int rs_close(rs_sheet *s)
{
    if (s->lerr == LXW_NO_ERROR) return 0;
    char cell[24];
    rs_cell_name(cell, sizeof cell, s->err_row, s->err_col);
    return tm_error_set(s->x->err, 500, "could not write cell %s of the sheet \"%s\": %s", cell,
                        s->name, lxw_strerror(s->lerr));
}

/* Characters (code points) in the first n bytes of valid UTF-8. */
static size_t chars_in(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

double rs_text_height(const char *text, double width, double pt)
{
    /* about 1.05 characters per unit of column width at 11 pt (a unit is
     * the width of a digit), scaled by the font size; a line is 1.3 times
     * the font size high */
    double per_line = width * 1.05 * 11.0 / pt;
    if (per_line < 10) per_line = 10;
    double lines = 0, run = 0;
    /* count wrapped lines word by word, so that long words are not split */
    for (const char *p = text ? text : ""; *p;) {
        const char *sp = strchr(p, ' ');
        size_t wl = sp ? (size_t)(sp - p) : strlen(p);
        double w = (double)chars_in(p, wl);
        if (run > 0 && run + 1 + w > per_line) {
            lines++;
            run = 0;
        }
        run += (run > 0 ? 1 : 0) + w;
        p += wl;
        while (*p == ' ')
            p++;
    }
    return (lines + 1) * pt * 1.3 + 4;
}

void rs_wrapped(rs_sheet *s, lxw_col_t last, const char *text, lxw_format *f, double pt)
{
    double width = 0;
    for (lxw_col_t c = 0; c <= last; c++)
        width += c < RS_TRACKED_COLS && s->width[c] > 0 ? s->width[c] : LXW_DEF_COL_WIDTH;
    rs_height(s, rs_text_height(text, width, pt));
    rs_merge(s, 0, last, text, f);
    rs_next(s);
}

int rs_open_page(rx *x, rs_sheet *s, rt_id name)
{
    if (rs_open(x, s, name) < 0) return -1;
    worksheet_fit_to_pages(s->ws, 1, 1);
    worksheet_set_margins(s->ws, 0.4, 0.4, 0.6, 0.6);
    return 0;
}
