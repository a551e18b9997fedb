/* report_sheets_misc.c - the Respons, Trend, Benchmark, Open antwoorden and
 * Verantwoording sheets.
 *
 * Respons: invited, started, completed and the rate per layer, with a column
 * chart; counts may be shown for every layer, suppressed ones included.
 * Trend and Benchmark: one row per theme x layer x measure of the analysis'
 * arrays, suppressed layers left out. Open antwoorden (full variant): the
 * answers per item and layer, never those of a suppressed layer.
 * Verantwoording: the instrument, the anonymity rule, what was suppressed,
 * and the definition of every measure in plain words.
 */
#define REPORT_XLSX_INTERNAL
#include "reports/xlsx/report_xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Row height for text of len characters wrapped at per_line. */
static double wrapped_height(size_t len, size_t per_line)
{
    return 15.0 * (double)(len / per_line + 1) + 2;
}

/* Text id with {k} filled in (rx_fill: valid until x's scratch is used
 * again), or NULL with x->err set. */
static const char *with_k(rx *x, rt_id id)
{
    char k[16];
    snprintf(k, sizeof k, "%d", x->k);
    const tm_text_var vars[] = {{"k", k}, {NULL, NULL}};
    return rx_fill(x, rx_t(x, id), vars);
}

/* Title and a note that names k. */
static int title_k(rs_sheet *s, rt_id title, rt_id note, lxw_col_t last)
{
    const char *text = with_k(s->x, note);
    if (!text) return -1;
    rs_title(s, rx_t(s->x, title), text, last);
    return 0;
}

/* ------------------------------------------------------------------------
 * Respons
 * ------------------------------------------------------------------------ */

static json_t *response_entry(const rx *x, const char *layer)
{
    json_t *e = rx_find(json_object_get(x->r->progress, "layers"), "layer", layer);
    return e ? e : rx_find(json_object_get(x->a, "response"), "layer", layer);
}

static void response_chart(rs_sheet *s, lxw_row_t first, lxw_row_t last)
{
    lxw_chart *c = rs_new_chart(s, LXW_CHART_COLUMN);
    if (!c) return;
    lxw_col_t cols[2] = {1, 3};
    lxw_chart_fill fills[2] = {{.color = 0xB4C7E7}, {.color = 0x2F5597}};
    for (int i = 0; i < 2; i++) {
        lxw_chart_series *ser = chart_add_series(c, NULL, NULL);
        if (!ser) {
            rs_check(s, LXW_ERROR_MEMORY_MALLOC_FAILED, 0);
            return;
        }
        chart_series_set_categories(ser, s->name, first, 0, last, 0);
        chart_series_set_values(ser, s->name, first, cols[i], last, cols[i]);
        chart_series_set_name_range(ser, s->name, first - 1, cols[i]);
        chart_series_set_fill(ser, &fills[i]);
        chart_series_set_labels(ser);
    }
    chart_title_set_name(c, rx_t(s->x, RT_CHART_RESP));
    chart_legend_set_position(c, LXW_CHART_LEGEND_BOTTOM);
    chart_axis_set_min(c->y_axis, 0);
    rs_chart(s, s->row, 0, c, 640, 300);
}

int rx_sheet_response(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_RESPONSE) < 0) return -1;
    rs_width(&s, 0, 0, 22, NULL);
    rs_width(&s, 1, 4, 13, NULL);
    rs_width(&s, 5, 5, 32, NULL);
    if (title_k(&s, RT_RESP_TITLE, RT_RESP_NOTE, 5) < 0) return -1;
    rt_id heads[] = {RT_LAYER, RT_INVITED, RT_STARTED, RT_SUBMITTED_COL, RT_RATE, RT_SHOWN};
    for (lxw_col_t c = 0; c < 6; c++)
        rs_str(&s, c, rx_t(x, heads[c]),
               c == 0   ? x->f.head
               : c == 5 ? x->f.head_pad
                        : x->f.head_num);
    rs_next(&s);
    const char *no = with_k(x, RT_SHOWN_NO);
    if (!no) return -1;
    lxw_row_t first = s.row;
    double tot[3] = {0, 0, 0};
    int any[3] = {0, 0, 0};
    const char *fields[3] = {"invited", "started", "submitted"};
    for (size_t c = 0; c < x->n_chain; c++) {
        const char *key = x->in->layers[x->chain[c]].key;
        json_t *e = response_entry(x, key);
        rs_str(&s, 0, rx_layer_label(x, key), x->f.text);
        for (int f = 0; f < 3; f++) {
            double v = rx_dbl(e, fields[f]);
            rs_num(&s, (lxw_col_t)(1 + f), v, x->f.int0);
            if (!isnan(v)) tot[f] += v, any[f] = 1;
        }
        double inv = rx_dbl(e, "invited"), sub = rx_dbl(e, "submitted");
        rs_num(&s, 4, inv > 0 && !isnan(sub) ? sub / inv : NAN, x->f.pct1);
        rs_str(&s, 5, rx_layer_suppressed(x, key) ? no : rx_t(x, RT_SHOWN_YES), x->f.pad);
        rs_next(&s);
    }
    lxw_row_t last = s.row - 1;
    rs_str(&s, 0, rx_t(x, RT_TOTAL), x->f.total_label);
    for (int f = 0; f < 3; f++)
        rs_num(&s, (lxw_col_t)(1 + f), any[f] ? tot[f] : NAN, x->f.total_int);
    rs_num(&s, 4, tot[0] > 0 && any[2] ? tot[2] / tot[0] : NAN, x->f.total_pct);
    rs_str(&s, 5, "", x->f.total_label);
    rs_next(&s);
    rs_next(&s);
    if (last >= first) response_chart(&s, first, last);
    return rs_close(&s);
}

/* ------------------------------------------------------------------------
 * Trend and Benchmark
 * ------------------------------------------------------------------------ */

/* The first of the members keys (NULL-terminated) that obj has. */
static json_t *member(json_t *obj, const char *const *keys)
{
    for (; *keys; keys++) {
        json_t *v = json_object_get(obj, *keys);
        if (v) return v;
    }
    return NULL;
}

typedef struct column {
    rt_id head;
    const char *const *keys; /* aliases of the member */
    int fmt;                 /* 0 num1, 1 signed1, 2 p, 3 int0 */
} column;

static const char *const k_prev[] = {"previous", "previous_mean", "prev", NULL};
static const char *const k_cur[] = {"current", "mean", "this", NULL};
static const char *const k_diff[] = {"diff", NULL};
static const char *const k_p[] = {"p", NULL};
static const char *const k_own[] = {"mean", "value", "current", NULL};
static const char *const k_median[] = {"median", NULL};
static const char *const k_pct[] = {"percentile", NULL};
static const char *const k_orgs[] = {"organisations", "n_organisations", "n", NULL};

static const column trend_cols[] = {
    {RT_PREVIOUS, k_prev, 0}, {RT_CURRENT, k_cur, 0}, {RT_DIFF, k_diff, 1}, {RT__COUNT, k_p, 2}};
static const column bench_cols[] = {{RT_THIS_ORG, k_own, 0},
                                    {RT_MEDIAN, k_median, 0},
                                    {RT_PERCENTILE, k_pct, 0},
                                    {RT_ORGS, k_orgs, 3}};

static lxw_format *column_format(const rx *x, int fmt)
{
    switch (fmt) {
    case 1:
        return x->f.signed1;
    case 2:
        return x->f.p;
    case 3:
        return x->f.int0;
    default:
        return x->f.num1;
    }
}

static void series_row(rs_sheet *s, json_t *e, const column *cols, size_t nc)
{
    rx *x = s->x;
    const char *m = json_string_value(json_object_get(e, "measure"));
    rs_str(s, 0, rx_theme_label(x, json_string_value(json_object_get(e, "theme"))), x->f.text);
    rs_str(s, 1, rx_layer_label(x, json_string_value(json_object_get(e, "layer"))), x->f.text);
    rs_str(s, 2, rx_t(x, m && strcmp(m, "knowledge") == 0 ? RT_KNOWLEDGE : RT_SCORE), x->f.text);
    int supp = rx_cell_state(x, e) == RX_SUPPRESSED;
    for (size_t c = 0; c < nc; c++) {
        if (supp)
            rs_str(s, (lxw_col_t)(3 + c), x->supp_text, x->f.supp);
        else
            rs_jnum(s, (lxw_col_t)(3 + c), member(e, cols[c].keys), column_format(x, cols[c].fmt));
    }
    rs_next(s);
}

/* A sheet of one row per entry of the analysis array `name`. */
static int series_sheet(rx *x, rt_id sheet, rt_id title, rt_id note, const char *name,
                        const column *cols, size_t nc, int diff_scale)
{
    rs_sheet s;
    if (rs_open(x, &s, sheet) < 0) return -1;
    rs_width(&s, 0, 0, 24, NULL);
    rs_width(&s, 1, 2, 13, NULL);
    rs_width(&s, 3, (lxw_col_t)(2 + nc), 15, NULL);
    rs_title(&s, rx_t(x, title), rx_t(x, note), (lxw_col_t)(2 + nc));
    if (rs_suppressed_note(&s, (lxw_col_t)(2 + nc)) < 0) return -1;
    lxw_row_t head = s.row;
    rt_id heads[3] = {RT_THEME, RT_LAYER, RT_MEASURE};
    rs_height(&s, 30);
    for (lxw_col_t c = 0; c < 3; c++)
        rs_str(&s, c, rx_t(x, heads[c]), x->f.head);
    for (size_t c = 0; c < nc; c++)
        rs_str(&s, (lxw_col_t)(3 + c), cols[c].head == RT__COUNT ? "p" : rx_t(x, cols[c].head),
               x->f.head_num);
    rs_next(&s);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(x->a, name), i, e)
    {
        if (rx_layer_suppressed(x, json_string_value(json_object_get(e, "layer")))) continue;
        series_row(&s, e, cols, nc);
    }
    lxw_row_t last = s.row > head + 1 ? s.row - 1 : head + 1;
    if (diff_scale && s.row > head + 1) {
        lxw_conditional_format cf = {.type = LXW_CONDITIONAL_3_COLOR_SCALE,
                                     .min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                     .min_value = -10,
                                     .min_color = 0xF8696B,
                                     .mid_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                     .mid_value = 0,
                                     .mid_color = 0xFFFFFF,
                                     .max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                     .max_value = 10,
                                     .max_color = 0x63BE7B};
        rs_check(&s, worksheet_conditional_format_range(s.ws, head + 1, 5, last, 5, &cf), 5);
    }
    worksheet_freeze_panes(s.ws, head + 1, 0);
    rs_check(&s, worksheet_repeat_rows(s.ws, head, head), 0);
    rs_check(&s, worksheet_autofilter(s.ws, head, 0, last, (lxw_col_t)(2 + nc)), 0);
    return rs_close(&s);
}

int rx_sheet_trend(rx *x)
{
    return series_sheet(x, RT_SHEET_TREND, RT_TREND_TITLE, RT_TREND_NOTE, "trend", trend_cols,
                        sizeof trend_cols / sizeof trend_cols[0], 1);
}

int rx_sheet_benchmark(rx *x)
{
    return series_sheet(x, RT_SHEET_BENCHMARK, RT_BENCH_TITLE, RT_BENCH_NOTE, "benchmark",
                        bench_cols, sizeof bench_cols / sizeof bench_cols[0], 0);
}

/* ------------------------------------------------------------------------
 * Open antwoorden
 * ------------------------------------------------------------------------ */

static size_t open_rows(rs_sheet *s)
{
    rx *x = s->x;
    size_t i, j, n = 0;
    json_t *e, *a;
    json_array_foreach(x->r->open_answers, i, e)
    {
        const char *layer = json_string_value(json_object_get(e, "layer"));
        const char *key = json_string_value(json_object_get(e, "item"));
        if (rx_layer_suppressed(x, layer)) continue; /* never, whatever the caller passed */
        const tm_item *it = key ? instrument_item(x->in, key) : NULL;
        const char *q = it ? tm_text_get(it->text, x->lang) : key;
        if (!q) q = "";
        json_array_foreach(json_object_get(e, "answers"), j, a)
        {
            const char *text = json_string_value(a);
            if (!text || !*text) continue;
            size_t lq = strlen(q) / 42, la = strlen(text) / 90;
            rs_height(s, 15.0 * (double)((lq > la ? lq : la) + 1) + 2);
            rs_str(s, 0, q, x->f.wrap);
            rs_str(s, 1, rx_layer_label(x, layer), x->f.text);
            rs_str(s, 2, text, x->f.wrap);
            rs_next(s);
            n++;
        }
    }
    return n;
}

int rx_sheet_open(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_OPEN) < 0) return -1;
    rs_width(&s, 0, 0, 45, NULL);
    rs_width(&s, 1, 1, 14, NULL);
    rs_width(&s, 2, 2, 90, NULL);
    if (title_k(&s, RT_OPEN_TITLE, RT_OPEN_NOTE, 2) < 0) return -1;
    lxw_row_t head = s.row;
    rt_id heads[3] = {RT_ITEM, RT_LAYER, RT_ANSWER};
    for (lxw_col_t c = 0; c < 3; c++)
        rs_str(&s, c, rx_t(x, heads[c]), x->f.head);
    rs_next(&s);
    if (open_rows(&s) == 0) {
        rs_str(&s, 0, rx_t(x, RT_OPEN_NONE), x->f.note);
        rs_next(&s);
    } else {
        rs_check(&s, worksheet_autofilter(s.ws, head, 0, s.row - 1, 2), 0);
    }
    worksheet_freeze_panes(s.ws, head + 1, 0);
    rs_check(&s, worksheet_repeat_rows(s.ws, head, head), 0);
    return rs_close(&s);
}

/* ------------------------------------------------------------------------
 * Verantwoording
 * ------------------------------------------------------------------------ */

static void method_fact(rs_sheet *s, const char *term, const char *text)
{
    rs_height(s, wrapped_height(strlen(text), 105));
    rs_str(s, 0, term, s->x->f.label);
    rs_str(s, 1, text, s->x->f.wrap);
    rs_next(s);
}

static void method_facts(rs_sheet *s)
{
    rx *x = s->x;
    char buf[600], names[512];
    const char *title = tm_text_get(x->in->title, x->lang);
    snprintf(buf, sizeof buf, "%s (%s), %s %s", title ? title : x->in->key, x->in->key,
             rx_t(x, RT_VERSION), x->in->version);
    method_fact(s, rx_t(x, RT_INSTRUMENT), buf);
    method_fact(s, rx_t(x, RT_ORGANISATION), x->organisation);
    method_fact(s, rx_t(x, RT_WAVE), x->wave_name);
    method_fact(s, rx_t(x, RT_VARIANT),
                rx_t(x, x->r->council ? RT_VARIANT_COUNCIL : RT_VARIANT_FULL));
    method_fact(s, rx_t(x, RT_GENERATED), x->r->generated_at ? x->r->generated_at : "");
    method_fact(s, rx_t(x, RT_PRODUCT), x->r->product_version ? x->r->product_version : "");
    rs_str(s, 0, rx_t(x, RT_K), x->f.label);
    rs_num(s, 1, x->k, x->f.int_left);
    rs_next(s);
    rx_suppressed_names(x, names, sizeof names);
    method_fact(s, rx_t(x, RT_SUPPRESSED_LAYERS), names[0] ? names : rx_t(x, RT_NONE));
    rs_next(s);
}

static int method_definitions(rs_sheet *s)
{
    rx *x = s->x;
    char k[16], goed[32], aandacht[32];
    snprintf(k, sizeof k, "%d", x->k);
    rt_number(goed, sizeof goed, x->in->band_goed, 0, x->lang);
    rt_number(aandacht, sizeof aandacht, x->in->band_aandacht, 0, x->lang);
    const tm_text_var vars[] = {{"k", k}, {"goed", goed}, {"aandacht", aandacht}, {NULL, NULL}};
    size_t n;
    const rt_def *defs = rt_definitions(&n);
    rs_str(s, 0, rx_t(x, RT_TERM), x->f.head);
    rs_str(s, 1, rx_t(x, RT_EXPLANATION), x->f.head);
    rs_next(s);
    for (size_t i = 0; i < n; i++) {
        const char *text = rx_fill(x, tm_text_get(defs[i].text, x->lang), vars);
        if (!text) return -1;
        method_fact(s, tm_text_get(defs[i].term, x->lang), text);
    }
    return 0;
}

int rx_sheet_method(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_METHOD) < 0) return -1;
    rs_width(&s, 0, 0, 28, NULL);
    rs_width(&s, 1, 1, 100, NULL);
    rs_title(&s, rx_t(x, RT_METHOD_TITLE), NULL, 1);
    method_facts(&s);
    if (method_definitions(&s) < 0) return -1;
    return rs_close(&s);
}
