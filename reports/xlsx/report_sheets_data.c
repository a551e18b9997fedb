/* report_sheets_data.c - the Data sheet of the full report: one row per
 * respondent of a shown layer, the layer and the answers.
 *
 * This is the only sheet whose size grows with the wave (100,000 respondents
 * x 60 items is six million cells), so it is written tightly: the kind of
 * every column is decided once, numbers go straight to
 * worksheet_write_number without a format, and nothing is allocated per
 * cell (multiple-choice answers are joined in the report's scratch buffer).
 *
 * Columns: every item but the open questions (they are on their own sheet,
 * never beside the rest of a person's answers: a text may name its writer)
 * and the background items (role, years in the job: together with the layer
 * they could single a person out).
 *
 * Values: likert and grade answers as numbers; intent and single-choice
 * answers as the option key; "weet niet" as the words; text and multiple
 * choice from the row's extra JSON. No timestamps, ids or anything else that
 * could point to a person. A row whose layer is suppressed in the analysis
 * is skipped even though the row source should not produce it.
 */
#define REPORT_XLSX_INTERNAL
#include "reports/xlsx/report_xlsx.h"

#include <stdlib.h>
#include <string.h>

#include "core/answers.h"

enum { COL_NUMBER, COL_OPTION, COL_EXTRA, COL_SKIP };

typedef struct data_sheet {
    rx *x;
    lxw_worksheet *ws;
    uint8_t *kind;  /* per item */
    lxw_col_t *col; /* per item: its column (kind COL_SKIP: none) */
    lxw_col_t n_cols;
    const char *dk; /* "weet niet" */
    const char *layer_label[INSTRUMENT_MAX_LAYERS];
    lxw_row_t row;
    lxw_error lerr;
} data_sheet;

static int kinds_init(data_sheet *d)
{
    const instrument *in = d->x->in;
    d->kind = malloc(in->n_items ? in->n_items : 1);
    d->col = malloc((in->n_items ? in->n_items : 1) * sizeof *d->col);
    if (!d->kind || !d->col) return rx_oom(d->x);
    d->n_cols = 0;
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        d->kind[i] = it->background || it->type == ITEM_TEXT             ? COL_SKIP
                     : it->type == ITEM_LIKERT || it->type == ITEM_GRADE ? COL_NUMBER
                     : it->type == ITEM_CHOICE && it->multiple           ? COL_EXTRA
                                                                         : COL_OPTION;
        d->col[i] = d->kind[i] == COL_SKIP ? 0 : ++d->n_cols;
    }
    for (size_t l = 0; l < in->n_layers && l < INSTRUMENT_MAX_LAYERS; l++)
        d->layer_label[l] = rx_layer_label(d->x, in->layers[l].key);
    d->dk = rx_t(d->x, RT_DONT_KNOW);
    return 0;
}

/* A text or multiple-choice answer into *out: a string as is, an array of
 * option keys joined with ", " in x->scratch; NULL when there is nothing to
 * write. Returns 0, or -1 when out of memory. */
static int extra_text(data_sheet *d, json_t *v, const char **out)
{
    *out = NULL;
    if (json_is_string(v)) *out = json_string_value(v);
    if (!json_is_array(v) || json_array_size(v) == 0) return 0;
    strbuf *sb = &d->x->scratch;
    strbuf_reset(sb);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        const char *s = json_string_value(e);
        if (!s) continue;
        if (sb->len > 0) strbuf_add(sb, ", ", 2);
        strbuf_adds(sb, s);
    }
    if (sb->status != STRBUF_OK) return -1;
    *out = sb->buf;
    return 0;
}

static lxw_error cell_write(data_sheet *d, size_t i, int16_t v, json_t *extra)
{
    const tm_item *it = &d->x->in->items[i];
    lxw_col_t col = d->col[i];
    switch (d->kind[i]) {
    case COL_SKIP:
        break;
    case COL_NUMBER:
        if (v > 0) return worksheet_write_number(d->ws, d->row, col, v, NULL);
        break;
    case COL_OPTION:
        if (v > 0 && (size_t)v <= it->n_options)
            return worksheet_write_string(d->ws, d->row, col, it->options[v - 1].key, NULL);
        break;
    case COL_EXTRA: {
        const char *t = NULL;
        if (extra && extra_text(d, json_object_get(extra, it->key), &t) < 0)
            return LXW_ERROR_MEMORY_MALLOC_FAILED;
        if (t && *t) return worksheet_write_string(d->ws, d->row, col, t, NULL);
        break;
    }
    }
    if (v == SCORE_DONT_KNOW) return worksheet_write_string(d->ws, d->row, col, d->dk, NULL);
    return LXW_NO_ERROR;
}

static lxw_error row_write(data_sheet *d, int layer, const int16_t *scores, json_t *extra)
{
    lxw_error e = worksheet_write_string(d->ws, d->row, 0, d->layer_label[layer], NULL);
    for (size_t i = 0; i < d->x->in->n_items && e == LXW_NO_ERROR; i++)
        e = cell_write(d, i, scores[i], extra);
    return e;
}

static int header_write(data_sheet *d, lxw_format *head)
{
    lxw_error e = worksheet_write_string(d->ws, 0, 0, rx_t(d->x, RT_LAYER), head);
    for (size_t i = 0; i < d->x->in->n_items && e == LXW_NO_ERROR; i++)
        if (d->kind[i] != COL_SKIP)
            e = worksheet_write_string(d->ws, 0, d->col[i], d->x->in->items[i].key, head);
    d->lerr = e;
    d->row = 1;
    return e == LXW_NO_ERROR ? 0 : -1;
}

static int rows_write(data_sheet *d)
{
    report_row_source *src = d->x->r->rows;
    int layer, rc;
    const int16_t *scores;
    json_t *extra;
    while ((rc = src->next(src->ctx, &layer, &scores, &extra)) == 1) {
        if (layer < 0 || (size_t)layer >= d->x->in->n_layers || !scores)
            return tm_error_set(d->x->err, 500,
                                "a respondent row of the Data sheet has no valid layer");
        if ((d->x->suppressed >> layer) & 1u) continue; /* second guard */
        if (d->row >= LXW_ROW_MAX)
            return tm_error_set(d->x->err, 500,
                                "the wave has more respondents than a sheet has rows");
        d->lerr = row_write(d, layer, scores, extra);
        if (d->lerr != LXW_NO_ERROR) return -1;
        d->row++;
    }
    if (rc < 0)
        return tm_error_set(d->x->err, 500, "could not read the respondents for the Data sheet");
    return 0;
}

int rx_sheet_data(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_DATA) < 0) return -1;
    data_sheet d = {.x = x, .ws = s.ws};
    if ((size_t)x->in->n_items + 1 > LXW_COL_MAX)
        return tm_error_set(x->err, 500, "the instrument has more items than a sheet has columns");
    if (kinds_init(&d) < 0) {
        free(d.kind);
        free(d.col);
        return -1;
    }
    rs_width(&s, 0, 0, 14, NULL);
    if (d.n_cols) rs_width(&s, 1, d.n_cols, 11, NULL);
    if (rs_close(&s) < 0) {
        free(d.kind);
        free(d.col);
        return -1;
    }
    int rc = header_write(&d, x->f.head) < 0 ? -1 : rows_write(&d);
    lxw_col_t n_cols = d.n_cols;
    free(d.kind);
    free(d.col);
    if (rc < 0 && d.lerr == LXW_NO_ERROR) return -1; /* err set already */
    if (d.lerr != LXW_NO_ERROR) {
        s.lerr = d.lerr;
        s.err_row = d.row;
        return rs_close(&s);
    }
    worksheet_freeze_panes(s.ws, 1, 1);
    /* too wide to fit a page: printed across pages, each with the header
     * row and the layer column */
    worksheet_fit_to_pages(s.ws, 0, 0);
    worksheet_print_across(s.ws);
    rs_check(&s, worksheet_repeat_rows(s.ws, 0, 0), 0);
    rs_check(&s, worksheet_repeat_columns(s.ws, 0, 0), 0);
    rs_check(&s, worksheet_autofilter(s.ws, 0, 0, d.row > 1 ? d.row - 1 : 1, n_cols), 0);
    return rs_close(&s);
}
