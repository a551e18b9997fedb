/* report_sheets_summary.c - the Samenvatting and Doorfluisteren sheets of
 * the full report.
 *
 * Samenvatting: organisation, wave, how the answers were collected and the
 * response; per theme the thermometer (temperature with a bar, grade, band
 * in cells coloured by band, the measure it is based on) and the
 * carry-through index with its interval and the layers it runs between;
 * the largest losses between successive layers as sentences (one measure
 * each, reports/analysis/story.h); a bar chart of the temperatures.
 *
 * Doorfluisteren: per theme the layer means of beleving and kennis and the
 * perception gap along the chain, the carry-through per link, and a line
 * chart per measure (layers on the x axis, one line per theme) drawn from a
 * block of chart data in which a cell that may not be shown is blank, never
 * text.
 */
#define REPORT_XLSX_INTERNAL
#include "reports/xlsx/report_xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUM_LAST_COL 8
#define MAX_THEMES 64

/* ------------------------------------------------------------------------
 * Samenvatting
 * ------------------------------------------------------------------------ */

static void fact_str(rs_sheet *s, rt_id label, const char *value)
{
    rs_str(s, 0, rx_t(s->x, label), s->x->f.label);
    rs_merge(s, 1, SUM_LAST_COL, value, s->x->f.text);
    rs_next(s);
}

static int summary_facts(rs_sheet *s)
{
    rx *x = s->x;
    json_t *wave = json_object_get(x->a, "wave");
    const char *instr = json_string_value(json_object_get(wave, "instrument"));
    const char *collection = json_string_value(json_object_get(wave, "collection"));
    char buf[256];
    if (!instr) {
        snprintf(buf, sizeof buf, "%s@%s", x->in->key, x->in->version);
        instr = buf;
    }
    fact_str(s, RT_ORGANISATION, x->organisation);
    fact_str(s, RT_WAVE, x->wave_name);
    fact_str(s, RT_INSTRUMENT, instr);
    if (collection)
        fact_str(
            s, RT_COLLECTION,
            rx_t(x, !strcmp(collection, "import") ? RT_COLLECTION_IMPORT : RT_COLLECTION_ONLINE));
    strbuf_reset(&x->scratch);
    if (story_response_line(x->a, x->r->progress, x->lang, &x->scratch) < 0) return rx_oom(x);
    fact_str(s, RT_RESPONSE, x->scratch.buf);
    story_response r;
    story_response_count(x->a, x->r->progress, &r);
    rs_str(s, 0, rx_t(x, RT_SUBMITTED), x->f.label);
    rs_num(s, 1, r.submitted, x->f.int_left);
    rs_next(s);
    fact_str(s, RT_GENERATED, x->r->generated_at);
    strbuf_reset(&x->scratch);
    int said = story_reference_note(x->a, x->in, x->lang, &x->scratch);
    if (said < 0) return rx_oom(x);
    if (said) rs_wrapped(s, SUM_LAST_COL, x->scratch.buf, x->f.note, 9);
    rs_next(s);
    return 0;
}

/* "Management → Partners": the layers the theme's carry runs between. */
static void chain_span(const rx *x, json_t *theme, char *buf, size_t size)
{
    const char *from = json_string_value(json_object_get(theme, "carry_from"));
    const char *to = json_string_value(json_object_get(theme, "carry_to"));
    buf[0] = '\0';
    if (!from || !to || rx_layer_suppressed(x, from) || rx_layer_suppressed(x, to)) return;
    snprintf(buf, size, "%s → %s", rx_layer_label(x, from), rx_layer_label(x, to));
}

/* A data bar 0..100 in the band's colour behind the temperature cell. */
static void temperature_bar(rs_sheet *s, lxw_col_t col, int band)
{
    static const lxw_color_t bars[4] = {0x63BE7B, 0xFFC000, 0xE0565B, 0xA6A6A6};
    lxw_conditional_format cf = {.type = LXW_CONDITIONAL_DATA_BAR,
                                 .min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                 .min_value = 0,
                                 .max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                 .max_value = 100,
                                 .bar_color = bars[band >= 0 ? band : 3],
                                 .bar_solid = LXW_TRUE};
    rs_check(s, worksheet_conditional_format_cell(s->ws, s->row, col, &cf), col);
}

static void thermo_row(rs_sheet *s, json_t *theme)
{
    rx *x = s->x;
    const char *key = json_string_value(json_object_get(theme, "theme"));
    json_t *th = json_object_get(theme, "thermometer");
    const char *band = json_string_value(json_object_get(th, "band"));
    int b = rx_band(band);
    json_t *ci = json_object_get(theme, "carry_ci95");
    rs_str(s, 0, rx_theme_label(x, key), x->f.text);
    if (json_is_number(json_object_get(th, "temperature"))) {
        rs_jnum(s, 1, json_object_get(th, "temperature"), x->f.num1);
        temperature_bar(s, 1, b);
    } /* else blank: the chart draws no bar */
    rs_jnum(s, 2, json_object_get(th, "grade"), b >= 0 ? x->f.band_num[b] : x->f.num1);
    rs_str(s, 3, rx_band_label(x, band), b >= 0 ? x->f.band_text[b] : x->f.dash);
    rs_str(s, 4, rx_measure_label(x, rx_carry_measure(x, key)), x->f.text);
    rs_jnum(s, 5, json_object_get(theme, "carry"), x->f.num1);
    rs_jnum(s, 6, json_array_get(ci, 0), x->f.num1);
    rs_jnum(s, 7, json_array_get(ci, 1), x->f.num1);
    char span[200];
    chain_span(x, theme, span, sizeof span);
    rs_str(s, 8, span[0] ? span : "–", span[0] ? x->f.text : x->f.dash);
    rs_next(s);
}

/* The temperature bar chart over rows first..last of columns A (themes) and
 * B (temperatures); bars coloured by band. */
static void temperature_chart(rs_sheet *s, json_t *themes, lxw_row_t first, lxw_row_t last,
                              lxw_row_t at)
{
    rx *x = s->x;
    lxw_chart *c = rs_new_chart(s, LXW_CHART_BAR);
    if (!c) return;
    lxw_chart_series *ser = chart_add_series(c, NULL, NULL);
    if (!ser) {
        rs_check(s, LXW_ERROR_MEMORY_MALLOC_FAILED, 0);
        return;
    }
    chart_series_set_categories(ser, s->name, first, 0, last, 0);
    chart_series_set_values(ser, s->name, first, 1, last, 1);
    chart_series_set_labels(ser);
    chart_series_set_labels_num_format(ser, "0");

    static lxw_chart_fill fills[4] = {
        {.color = 0x63BE7B}, {.color = 0xFFC000}, {.color = 0xE0565B}, {.color = 0xA6A6A6}};
    lxw_chart_point points[MAX_THEMES];
    lxw_chart_point *list[MAX_THEMES + 1];
    size_t n = 0, i;
    json_t *t;
    json_array_foreach(themes, i, t)
    {
        if (n == MAX_THEMES) break;
        int b =
            rx_band(json_string_value(json_object_get(json_object_get(t, "thermometer"), "band")));
        points[n] = (lxw_chart_point){.fill = &fills[b >= 0 ? b : 3]};
        list[n] = &points[n];
        n++;
    }
    list[n] = NULL;
    rs_check(s, chart_series_set_points(ser, list), 1);

    chart_title_set_name(c, rx_t(x, RT_CHART_TEMP));
    chart_legend_set_position(c, LXW_CHART_LEGEND_NONE);
    chart_axis_set_min(c->x_axis, 0);
    chart_axis_set_max(c->x_axis, 100);
    chart_axis_set_major_unit(c->x_axis, 10);
    chart_axis_set_reverse(c->y_axis);      /* first theme on top */
    chart_axis_set_crossing_max(c->y_axis); /* ... with the value axis below */
    chart_set_series_gap(c, 60);
    rs_chart(s, at, 0, c, 760, 300);
}

/* The largest losses along the chain, one measure per sentence. */
static int summary_gaps(rs_sheet *s)
{
    rx *x = s->x;
    story_fact f[3];
    size_t n = story_losses(x->a, f, 3);
    rs_str(s, 0, rx_t(x, RT_SUM_GAPS), x->f.section);
    rs_next(s);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(f[i].p_holm) || f[i].p_holm >= STORY_ALPHA) continue;
        const char *text = rx_story(x, &f[i]);
        if (!text) return -1;
        rs_wrapped(s, SUM_LAST_COL, text, x->f.wrap, 11);
        shown++;
    }
    if (shown == 0) rs_wrapped(s, SUM_LAST_COL, rx_t(x, RT_GAP_NONE), x->f.wrap, 11);
    rs_wrapped(s, SUM_LAST_COL, rx_t(x, RT_GAP_FOOT), x->f.note, 9);
    rs_next(s);
    return 0;
}

int rx_sheet_summary(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_SUMMARY) < 0) return -1;
    rs_width(&s, 0, 0, 28, NULL);
    rs_width(&s, 1, 1, 14, NULL);
    rs_width(&s, 2, 2, 13, NULL);
    rs_width(&s, 3, 3, 17, NULL);
    rs_width(&s, 4, 4, 19, NULL);
    rs_width(&s, 5, 5, 19, NULL);
    rs_width(&s, 6, 7, 12, NULL);
    rs_width(&s, 8, 8, 26, NULL);
    char title[200];
    snprintf(title, sizeof title, "%s: %s", rx_t(x, RT_REPORT), rx_t(x, RT_SUM_TITLE));
    rs_title(&s, title, NULL, SUM_LAST_COL);
    if (summary_facts(&s) < 0) return -1;

    json_t *themes = json_object_get(x->a, "themes"), *t;
    rs_str(&s, 0, rx_t(x, RT_SUM_THERMO), x->f.section);
    rs_next(&s);
    rt_id heads[SUM_LAST_COL + 1] = {RT_THEME,        RT_TEMPERATURE,   RT_GRADE,
                                     RT_BAND,         RT_BASED_ON,      RT_CARRY,
                                     RT_CARRY_CI_LOW, RT_CARRY_CI_HIGH, RT_CHAIN_SPAN};
    rs_height(&s, 30);
    for (lxw_col_t c = 0; c <= SUM_LAST_COL; c++)
        rs_str(&s, c, rx_t(x, heads[c]),
               c == 0 || c == 3 || c == 4 || c == 8 ? x->f.head : x->f.head_num);
    rs_next(&s);
    lxw_row_t first = s.row;
    size_t i;
    json_array_foreach(themes, i, t)
    {
        thermo_row(&s, t);
    }
    lxw_row_t last = s.row - 1;
    const char *note = rx_fill_std(x, rx_t(x, RT_MEASURES_NOTE), NULL);
    if (!note) return -1;
    rs_wrapped(&s, SUM_LAST_COL, note, x->f.note, 9);
    rs_next(&s);
    if (summary_gaps(&s) < 0) return -1;
    if (last >= first) {
        /* the chart on a page of its own rather than cut in two */
        lxw_row_t breaks[2] = {s.row, 0};
        rs_check(&s, worksheet_set_h_pagebreaks(s.ws, breaks), 0);
        temperature_chart(&s, themes, first, last, s.row);
    }
    worksheet_set_first_sheet(s.ws);
    worksheet_activate(s.ws);
    return rs_close(&s);
}

/* ------------------------------------------------------------------------
 * Doorfluisteren
 * ------------------------------------------------------------------------ */

#define CH_FIRST_LAYER_COL 2

static json_t *layer_entry(const rx *x, json_t *theme, size_t a)
{
    return rx_find(json_object_get(theme, "layers"), "layer", x->in->layers[x->active[a]].key);
}

/* Whether any shown layer of the theme has measure m (a value or "< k"). */
static int theme_has_measure(const rx *x, json_t *theme, const char *m)
{
    for (size_t a = 0; a < x->n_active; a++)
        if (rx_cell_state(x, json_object_get(layer_entry(x, theme, a), m)) != RX_ABSENT) return 1;
    return 0;
}

/* A row of theme means of measure m, or of the perception gap (m NULL). */
static void means_row(rs_sheet *s, json_t *theme, const char *m, int first)
{
    rx *x = s->x;
    const char *key = json_string_value(json_object_get(theme, "theme"));
    if (first) rs_str(s, 0, rx_theme_label(x, key), x->f.bold);
    rs_str(s, 1, m ? rx_measure_label(x, m) : rx_t(x, RT_PERCEPTION), x->f.text);
    for (size_t a = 0; a < x->n_active; a++) {
        json_t *e = layer_entry(x, theme, a);
        lxw_col_t col = (lxw_col_t)(CH_FIRST_LAYER_COL + a);
        if (m) {
            rs_stat(s, col, json_object_get(e, m), "mean", x->f.num1);
        } else if (rx_cell_state(x, json_object_get(e, measure_key(MEASURE_SCORE))) ==
                       RX_SUPPRESSED ||
                   rx_cell_state(x, json_object_get(e, measure_key(MEASURE_KNOWLEDGE))) ==
                       RX_SUPPRESSED) {
            rs_str(s, col, x->supp_text, x->f.supp);
        } else {
            rs_jnum(s, col, json_object_get(e, "perception_gap"), x->f.signed1);
        }
    }
    if (m && strcmp(m, rx_carry_measure(x, key)) == 0)
        rs_jnum(s, (lxw_col_t)(CH_FIRST_LAYER_COL + x->n_active), json_object_get(theme, "carry"),
                x->f.num1);
    rs_next(s);
}

static void chain_means(rs_sheet *s, json_t *themes)
{
    rx *x = s->x;
    rs_str(s, 0, rx_t(x, RT_MEANS), x->f.section);
    rs_next(s);
    rs_height(s, 30);
    rs_str(s, 0, rx_t(x, RT_THEME), x->f.head);
    rs_str(s, 1, rx_t(x, RT_MEASURE), x->f.head);
    for (size_t a = 0; a < x->n_active; a++)
        rs_str(s, (lxw_col_t)(CH_FIRST_LAYER_COL + a),
               rx_layer_label(x, x->in->layers[x->active[a]].key), x->f.head_num);
    rs_str(s, (lxw_col_t)(CH_FIRST_LAYER_COL + x->n_active), rx_t(x, RT_CARRY), x->f.head_num);
    rs_next(s);
    size_t i;
    json_t *t;
    const char *sk = measure_key(MEASURE_SCORE), *kk = measure_key(MEASURE_KNOWLEDGE);
    json_array_foreach(themes, i, t)
    {
        int has_s = theme_has_measure(x, t, sk), has_k = theme_has_measure(x, t, kk);
        if (has_s) means_row(s, t, sk, 1);
        if (has_k) means_row(s, t, kk, !has_s);
        if (has_s && has_k) means_row(s, t, NULL, 0);
    }
    rs_next(s);
}

static void chain_links(rs_sheet *s, json_t *themes)
{
    rx *x = s->x;
    rx_pair pairs[RX_MAX_PAIRS];
    size_t np = rx_pairs(x, themes, "links", NULL, pairs);
    if (np == 0) return;
    rs_str(s, 0, rx_t(x, RT_LINKS), x->f.section);
    rs_next(s);
    rs_wrapped(s, (lxw_col_t)(CH_FIRST_LAYER_COL + x->n_active), rx_t(x, RT_LINKS_NOTE), x->f.note,
               9);
    rs_str(s, 0, rx_t(x, RT_THEME), x->f.head);
    rs_str(s, 1, rx_t(x, RT_MEASURE), x->f.head);
    char label[200];
    for (size_t p = 0; p < np; p++)
        rs_str(s, (lxw_col_t)(CH_FIRST_LAYER_COL + p),
               rx_pair_label(x, pairs[p], label, sizeof label), x->f.head_num);
    rs_height(s, 30);
    rs_next(s);
    size_t i;
    json_t *t;
    json_array_foreach(themes, i, t)
    {
        const char *key = json_string_value(json_object_get(t, "theme"));
        rs_str(s, 0, rx_theme_label(x, key), x->f.text);
        rs_str(s, 1, rx_measure_label(x, rx_carry_measure(x, key)), x->f.text);
        for (size_t p = 0; p < np; p++) {
            json_t *link = rx_pair_find(x, json_object_get(t, "links"), pairs[p], NULL);
            rs_jnum(s, (lxw_col_t)(CH_FIRST_LAYER_COL + p), json_object_get(link, "ratio"),
                    x->f.pct1);
        }
        rs_next(s);
    }
    rs_next(s);
}

/* The chart data of measure m (per theme with m, its means; blank where a
 * value cannot be shown) and its line chart, not yet placed (NULL when
 * there is nothing to draw or on failure, with the sheet's error set). */
static lxw_chart *chain_chart(rs_sheet *s, json_t *themes, int m)
{
    rx *x = s->x;
    const char *mk = measure_key(m);
    size_t i, n = 0;
    json_t *t;
    json_array_foreach(themes, i, t) n += theme_has_measure(x, t, mk);
    if (x->n_active == 0 || n == 0) return NULL;
    const tm_text_var vars[] = {{"measure", measure_label(m, x->lang)}, {NULL, NULL}};
    const char *title = rx_fill(x, rx_t(x, RT_CHART_DATA), vars);
    if (title) rs_str(s, 0, title, x->f.section);
    rs_next(s);
    lxw_row_t head = s->row;
    rs_str(s, 0, rx_t(x, RT_THEME), x->f.head);
    rs_str(s, 1, rx_t(x, RT_MEASURE), x->f.head);
    for (size_t a = 0; a < x->n_active; a++)
        rs_str(s, (lxw_col_t)(CH_FIRST_LAYER_COL + a),
               rx_layer_label(x, x->in->layers[x->active[a]].key), x->f.head_num);
    rs_next(s);
    lxw_row_t first = s->row;
    json_array_foreach(themes, i, t)
    {
        if (!theme_has_measure(x, t, mk)) continue;
        rs_str(s, 0, rx_theme_label(x, json_string_value(json_object_get(t, "theme"))), x->f.text);
        rs_str(s, 1, measure_label(m, x->lang), x->f.text);
        for (size_t a = 0; a < x->n_active; a++) {
            json_t *stat = json_object_get(layer_entry(x, t, a), mk);
            if (rx_cell_state(x, stat) == RX_OK)
                rs_jnum_or_blank(s, (lxw_col_t)(CH_FIRST_LAYER_COL + a),
                                 json_object_get(stat, "mean"), x->f.num1);
        }
        rs_next(s);
    }
    lxw_row_t last = s->row - 1;
    const char *empty = rx_fill_std(x, rx_t(x, RT_CHART_EMPTY_NOTE), NULL);
    if (empty) rs_merge(s, 0, (lxw_col_t)(CH_FIRST_LAYER_COL + x->n_active - 1), empty, x->f.note);
    rs_next(s);
    rs_next(s);

    lxw_chart *c = rs_new_chart(s, LXW_CHART_LINE);
    if (!c) return NULL;
    lxw_col_t c0 = CH_FIRST_LAYER_COL, c1 = (lxw_col_t)(CH_FIRST_LAYER_COL + x->n_active - 1);
    for (lxw_row_t r = first; r <= last; r++) {
        lxw_chart_series *ser = chart_add_series(c, NULL, NULL);
        if (!ser) {
            rs_check(s, LXW_ERROR_MEMORY_MALLOC_FAILED, 0);
            return NULL;
        }
        chart_series_set_categories(ser, s->name, head, c0, head, c1);
        chart_series_set_values(ser, s->name, r, c0, r, c1);
        chart_series_set_name_range(ser, s->name, r, 0);
        chart_series_set_marker_type(ser, LXW_CHART_MARKER_CIRCLE);
        chart_series_set_marker_size(ser, 6);
    }
    const char *ctitle = rx_fill(x, rx_t(x, RT_CHART_CHAIN), vars);
    if (ctitle) chart_title_set_name(c, ctitle);
    lxw_chart_font tf = {.size = 11, .bold = LXW_TRUE};
    chart_title_set_name_font(c, &tf);
    chart_axis_set_min(c->y_axis, 0);
    chart_axis_set_max(c->y_axis, 100);
    chart_axis_set_major_unit(c->y_axis, 20);
    chart_axis_set_name(c->x_axis, rx_t(x, RT_LAYER));
    chart_legend_set_position(c, LXW_CHART_LEGEND_BOTTOM);
    chart_show_blanks_as(c, LXW_CHART_BLANKS_AS_GAP);
    return c;
}

int rx_sheet_chain(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_CHAIN) < 0) return -1;
    lxw_col_t carry = (lxw_col_t)(CH_FIRST_LAYER_COL + x->n_active);
    lxw_col_t last = carry > 6 ? carry : 6;
    rs_width(&s, 0, 0, 26, NULL);
    rs_width(&s, 1, 1, 18, NULL);
    if (x->n_active) rs_width(&s, CH_FIRST_LAYER_COL, carry - 1, 14, NULL);
    rs_width(&s, carry, carry, 22, NULL); /* also the links table's columns beyond */
    rs_width(&s, carry + 1, carry + 8, 14, NULL);
    const char *note = rx_fill_std(x, rx_t(x, RT_CHAIN_NOTE), NULL);
    if (!note) return -1;
    rs_title(&s, rx_t(x, RT_CHAIN_TITLE), note, last);
    if (rs_suppressed_note(&s, last) < 0) return -1;
    json_t *themes = json_object_get(x->a, "themes");
    chain_means(&s, themes);
    chain_links(&s, themes);
    /* the charts' data on a page of their own, the two charts side by side
     * below it */
    lxw_row_t breaks[2] = {s.row, 0};
    rs_check(&s, worksheet_set_h_pagebreaks(s.ws, breaks), 0);
    lxw_chart *charts[MEASURE_COUNT];
    for (int m = 0; m < MEASURE_COUNT; m++)
        charts[m] = chain_chart(&s, themes, m);
    lxw_col_t at = 0;
    for (int m = 0; m < MEASURE_COUNT; m++) {
        if (!charts[m]) continue;
        rs_chart(&s, s.row, at, charts[m], 540, 360);
        at = CH_FIRST_LAYER_COL + 2;
    }
    return rs_close(&s);
}
