/* report_sheets_misc.c - the Respons, Trend, Benchmark, Open antwoorden and
 * Verantwoording sheets of the full report.
 *
 * Respons: invited, started, completed online, read in (imported) and the
 * rate per layer (completed online / invited, never above 100%), with a
 * column chart; counts may be shown for every layer, suppressed ones
 * included. Trend: one row per theme x layer x measure with both means, the
 * difference, p and p (Holm); only a difference whose p (Holm) is below 0.05
 * is coloured, and knowledge that is not comparable says why. Benchmark:
 * the peer group named and counted. Open antwoorden: the answers per item
 * and layer, never those of a suppressed layer. Verantwoording: the
 * instrument, the method, the anonymity rule, what was suppressed, and the
 * definition of every figure in plain words.
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

/* Title and a note with the standard values filled in. */
static int title_std(rs_sheet *s, rt_id title, rt_id note, lxw_col_t last)
{
    const char *text = rx_fill_std(s->x, rx_t(s->x, note), NULL);
    if (!text) return -1;
    rs_title(s, rx_t(s->x, title), text, last);
    return 0;
}

/* ------------------------------------------------------------------------
 * Respons
 * ------------------------------------------------------------------------ */

enum { RP_LAYER, RP_INVITED, RP_STARTED, RP_SUBMITTED, RP_IMPORTED, RP_RATE, RP_SHOWN, RP_COLS };

static void response_chart(rs_sheet *s, lxw_row_t first, lxw_row_t last)
{
    lxw_chart *c = rs_new_chart(s, LXW_CHART_COLUMN);
    if (!c) return;
    lxw_col_t cols[2] = {RP_INVITED, RP_SUBMITTED};
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

/* One layer's counts (or the totals when e is NULL and tot is given). */
static void response_cells(rs_sheet *s, const story_response *r, int total)
{
    rx *x = s->x;
    lxw_format *n = total ? x->f.total_int : x->f.int0;
    rs_num(s, RP_INVITED, r->invited, n);
    rs_num(s, RP_SUBMITTED, r->online, n);
    rs_num(s, RP_IMPORTED, r->imported, n);
    rs_num(s, RP_RATE, r->rate, total ? x->f.total_pct : x->f.pct1);
}

int rx_sheet_response(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_RESPONSE) < 0) return -1;
    rs_width(&s, 0, 0, 22, NULL);
    rs_width(&s, 1, RP_RATE, 13, NULL);
    rs_width(&s, RP_SHOWN, RP_SHOWN, 32, NULL);
    if (title_std(&s, RT_RESP_TITLE, RT_RESP_NOTE, RP_SHOWN) < 0) return -1;
    rt_id heads[RP_COLS] = {RT_LAYER,    RT_INVITED, RT_STARTED, RT_SUBMITTED_COL,
                            RT_IMPORTED, RT_RATE,    RT_SHOWN};
    rs_height(&s, 30);
    for (lxw_col_t c = 0; c < RP_COLS; c++)
        rs_str(&s, c, rx_t(x, heads[c]),
               c == 0          ? x->f.head
               : c == RP_SHOWN ? x->f.head_pad
                               : x->f.head_num);
    rs_next(&s);
    const char *no = rx_fill_std(x, rx_t(x, RT_SHOWN_NO), NULL);
    if (!no) return -1;
    char no_text[128];
    snprintf(no_text, sizeof no_text, "%s", no);
    lxw_row_t first = s.row;
    double started = 0;
    int any_started = 0;
    for (size_t c = 0; c < x->n_chain; c++) {
        const char *key = x->in->layers[x->chain[c]].key;
        json_t *e = rx_find(x->progress_layers, "layer", key);
        story_response r;
        story_response_layer(e, &r);
        rs_str(&s, 0, rx_layer_label(x, key), x->f.text);
        response_cells(&s, &r, 0);
        double st = rx_dbl(e, "started");
        rs_num(&s, RP_STARTED, st, x->f.int0);
        if (!isnan(st)) started += st, any_started = 1;
        rs_str(&s, RP_SHOWN, rx_layer_suppressed(x, key) ? no_text : rx_t(x, RT_SHOWN_YES),
               x->f.pad);
        rs_next(&s);
    }
    lxw_row_t last = s.row - 1;
    story_response tot;
    story_response_count(x->a, x->r->progress, &tot);
    rs_str(&s, 0, rx_t(x, RT_TOTAL), x->f.total_label);
    response_cells(&s, &tot, 1);
    rs_num(&s, RP_STARTED, any_started ? started : NAN, x->f.total_int);
    rs_str(&s, RP_SHOWN, "", x->f.total_label);
    rs_next(&s);
    rs_next(&s);
    if (last >= first) response_chart(&s, first, last);
    return rs_close(&s);
}

/* ------------------------------------------------------------------------
 * Trend and Benchmark
 * ------------------------------------------------------------------------ */

enum { TR_THEME, TR_LAYER, TR_MEASURE, TR_PREV, TR_CUR, TR_DIFF, TR_P, TR_HOLM, TR_COMP, TR_COLS };

static void series_head(rs_sheet *s, const char *const *heads, size_t n)
{
    rx *x = s->x;
    rs_height(s, 30);
    for (size_t c = 0; c < n; c++)
        rs_str(s, (lxw_col_t)c, heads[c],
               c < 3                          ? x->f.head
               : c == TR_COMP && n == TR_COLS ? x->f.head_pad
                                              : x->f.head_num);
    rs_next(s);
}

static void series_start(rs_sheet *s, json_t *e)
{
    rx *x = s->x;
    rs_str(s, 0, rx_theme_label(x, json_string_value(json_object_get(e, "theme"))), x->f.text);
    rs_str(s, 1, rx_layer_label(x, json_string_value(json_object_get(e, "layer"))), x->f.text);
    rs_str(s, 2, rx_measure_label(x, json_string_value(json_object_get(e, "measure"))), x->f.text);
}

/* "k2, k3": the changed items of a trend entry, into buf. */
static void changed_items(json_t *e, char *buf, size_t size)
{
    size_t i;
    json_t *it;
    buf[0] = '\0';
    json_array_foreach(json_object_get(e, "changed_items"), i, it)
    {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", i ? ", " : "", json_string_value(it));
    }
}

static void trend_row(rs_sheet *s, json_t *e)
{
    rx *x = s->x;
    series_start(s, e);
    if (rx_cell_state(x, e) == RX_SUPPRESSED) {
        for (lxw_col_t c = TR_PREV; c <= TR_HOLM; c++)
            rs_str(s, c, x->supp_text, x->f.supp);
        rs_next(s);
        return;
    }
    double holm = rx_dbl(e, "p_holm"), diff = rx_dbl(e, "diff");
    int sig = !isnan(holm) && holm < 0.05 && !isnan(diff);
    rs_jnum(s, TR_PREV, json_object_get(e, "previous_mean"), x->f.num1);
    rs_jnum(s, TR_CUR, json_object_get(e, "mean"), x->f.num1);
    rs_jnum(s, TR_DIFF, json_object_get(e, "diff"),
            !sig       ? x->f.signed1
            : diff > 0 ? x->f.up
                       : x->f.down);
    rs_jnum(s, TR_P, json_object_get(e, "p"), x->f.p);
    rs_jnum(s, TR_HOLM, json_object_get(e, "p_holm"), x->f.p);
    if (json_is_false(json_object_get(e, "comparable"))) {
        char items[256];
        changed_items(e, items, sizeof items);
        const tm_text_var vars[] = {{"items", items}, {NULL, NULL}};
        const char *t = rx_fill(x, rx_t(x, RT_NOT_COMPARABLE), vars);
        rs_str(s, TR_COMP, t, x->f.pad);
    } else {
        rs_str(s, TR_COMP, rx_t(x, RT_YES), x->f.pad);
    }
    rs_next(s);
}

/* A sheet of one row per entry of the analysis array `name`. */
static int series_sheet(rx *x, rt_id sheet, rs_sheet *s, const char *note, lxw_col_t last,
                        rt_id title)
{
    if (rs_open(x, s, sheet) < 0) return -1;
    rs_width(s, 0, 0, 24, NULL);
    rs_width(s, 1, 2, 14, NULL);
    rs_width(s, 3, last, 14, NULL);
    rs_title(s, rx_t(x, title), note, last);
    return rs_suppressed_note(s, last);
}

static void series_finish(rs_sheet *s, lxw_row_t head, lxw_col_t last)
{
    lxw_row_t end = s->row > head + 1 ? s->row - 1 : head + 1;
    worksheet_freeze_panes(s->ws, head + 1, 0);
    rs_check(s, worksheet_repeat_rows(s->ws, head, head), 0);
    rs_check(s, worksheet_autofilter(s->ws, head, 0, end, last), 0);
}

int rx_sheet_trend(rx *x)
{
    rs_sheet s;
    const char *note = rx_fill_std(x, rx_t(x, RT_TREND_NOTE), NULL);
    char *copy = note ? strdup(note) : NULL;
    if (!copy) return rx_oom(x);
    int rc = series_sheet(x, RT_SHEET_TREND, &s, copy, TR_COMP, RT_TREND_TITLE);
    free(copy);
    if (rc < 0) return -1;
    rs_width(&s, TR_COMP, TR_COMP, 30, NULL);
    const char *heads[TR_COLS] = {rx_t(x, RT_THEME),
                                  rx_t(x, RT_LAYER),
                                  rx_t(x, RT_MEASURE),
                                  rx_t(x, RT_PREVIOUS),
                                  rx_t(x, RT_CURRENT),
                                  rx_t(x, RT_DIFF),
                                  "p",
                                  rx_t(x, RT_P_HOLM),
                                  rx_t(x, RT_COMPARABLE)};
    lxw_row_t head = s.row;
    series_head(&s, heads, TR_COLS);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(x->a, "trend"), i, e)
    {
        if (rx_layer_suppressed(x, json_string_value(json_object_get(e, "layer")))) continue;
        trend_row(&s, e);
    }
    series_finish(&s, head, TR_COMP);
    return rs_close(&s);
}

int rx_sheet_benchmark(rx *x)
{
    rs_sheet s;
    /* the most organisations any row compares with: the group's size here */
    double most = 0;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(x->a, "benchmark"), i, e)
    {
        double n = rx_dbl(e, "organisations");
        if (!isnan(n) && n > most) most = n;
    }
    char n[32];
    snprintf(n, sizeof n, "%.0f", most);
    const tm_text_var vars[] = {{"n", n}, {NULL, NULL}};
    const char *note = rx_fill_std(x, rx_t(x, RT_BENCH_NOTE), vars);
    char *copy = note ? strdup(note) : NULL;
    if (!copy) return rx_oom(x);
    int rc = series_sheet(x, RT_SHEET_BENCHMARK, &s, copy, 6, RT_BENCH_TITLE);
    free(copy);
    if (rc < 0) return -1;
    rs_width(&s, 6, 6, 16, NULL);
    const char *heads[7] = {rx_t(x, RT_THEME),    rx_t(x, RT_LAYER),  rx_t(x, RT_MEASURE),
                            rx_t(x, RT_THIS_ORG), rx_t(x, RT_MEDIAN), rx_t(x, RT_PERCENTILE),
                            rx_t(x, RT_ORGS)};
    lxw_row_t head = s.row;
    series_head(&s, heads, 7);
    static const char *const fields[4] = {"mean", "median", "percentile", "organisations"};
    json_array_foreach(json_object_get(x->a, "benchmark"), i, e)
    {
        if (rx_layer_suppressed(x, json_string_value(json_object_get(e, "layer")))) continue;
        series_start(&s, e);
        for (int f = 0; f < 4; f++) {
            if (rx_cell_state(x, e) == RX_SUPPRESSED)
                rs_str(&s, (lxw_col_t)(3 + f), x->supp_text, x->f.supp);
            else
                rs_jnum(&s, (lxw_col_t)(3 + f), json_object_get(e, fields[f]),
                        f == 3 ? x->f.int0 : x->f.num1);
        }
        rs_next(&s);
    }
    series_finish(&s, head, 6);
    return rs_close(&s);
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
    if (title_std(&s, RT_OPEN_TITLE, RT_OPEN_NOTE, 2) < 0) return -1;
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
    json_t *method = json_object_get(x->a, "method");
    if (json_is_integer(method)) {
        rs_str(s, 0, rx_t(x, RT_METHOD_VERSION), x->f.label);
        rs_num(s, 1, (double)json_integer_value(method), x->f.int_left);
        rs_next(s);
    }
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
    size_t n;
    const rt_def *defs = rt_definitions(&n);
    rs_str(s, 0, rx_t(x, RT_TERM), x->f.head);
    rs_str(s, 1, rx_t(x, RT_EXPLANATION), x->f.head);
    rs_next(s);
    for (size_t i = 0; i < n; i++) {
        const char *term = rx_fill_std(x, tm_text_get(defs[i].term, x->lang), NULL);
        char *term_copy = term ? strdup(term) : NULL;
        const char *text =
            term_copy ? rx_fill_std(x, tm_text_get(defs[i].text, x->lang), NULL) : NULL;
        if (!text) {
            free(term_copy);
            return rx_oom(x);
        }
        method_fact(s, term_copy, text);
        free(term_copy);
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
