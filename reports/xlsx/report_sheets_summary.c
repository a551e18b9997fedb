/* report_sheets_summary.c - the Samenvatting (council summary) and
 * Doorfluisteren (the intent along the chain) sheets.
 *
 * Samenvatting: organisation, wave and response; per theme the thermometer
 * (temperature, grade, band, in cells coloured by band) and the carry-through
 * index; the three largest significant gaps between successive layers as
 * plain sentences; a bar chart of the temperatures.
 *
 * Doorfluisteren: per theme the layer means of score and knowledge and the
 * perception gap along the chain, the carry-through per link, and a line
 * chart (layers on the x axis, one line per theme) drawn from a block of
 * chart data in which a cell that may not be shown is blank, never text.
 */
#define REPORT_XLSX_INTERNAL
#include "reports/xlsx/report_xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUM_LAST_COL 6
#define MAX_THEMES 64

static const rt_id band_words[3] = {RT_GOED, RT_AANDACHT, RT_ZORG};

/* ------------------------------------------------------------------------
 * Samenvatting
 * ------------------------------------------------------------------------ */

/* Sums field over the layers of the progress (else the analysis response). */
static double count_total(const rx *x, const char *field)
{
    json_t *arr = json_object_get(x->r->progress, "layers"), *e;
    if (!json_is_array(arr) || json_array_size(arr) == 0) arr = json_object_get(x->a, "response");
    double sum = 0;
    int any = 0;
    size_t i;
    json_array_foreach(arr, i, e)
    {
        double v = rx_dbl(e, field);
        if (!isnan(v)) {
            sum += v;
            any = 1;
        }
    }
    return any ? sum : NAN;
}

static void fact_str(rs_sheet *s, rt_id label, const char *value)
{
    rs_str(s, 0, rx_t(s->x, label), s->x->f.label);
    rs_str(s, 1, value, s->x->f.text);
    rs_next(s);
}

static void fact_num(rs_sheet *s, rt_id label, double value, lxw_format *f)
{
    rs_str(s, 0, rx_t(s->x, label), s->x->f.label);
    rs_num(s, 1, value, f);
    rs_next(s);
}

static void summary_facts(rs_sheet *s)
{
    rx *x = s->x;
    const char *instr =
        json_string_value(json_object_get(json_object_get(x->a, "wave"), "instrument"));
    char buf[256];
    if (!instr) {
        snprintf(buf, sizeof buf, "%s@%s", x->in->key, x->in->version);
        instr = buf;
    }
    fact_str(s, RT_ORGANISATION, x->organisation);
    fact_str(s, RT_WAVE, x->wave_name);
    fact_str(s, RT_INSTRUMENT, instr);
    double sub = count_total(x, "submitted"), inv = count_total(x, "invited");
    fact_num(s, RT_SUBMITTED, sub, x->f.int0);
    fact_num(s, RT_INVITED_TOTAL, inv, x->f.int0);
    fact_num(s, RT_RATE_TOTAL, inv > 0 ? sub / inv : NAN, x->f.pct1);
    fact_str(s, RT_GENERATED, x->r->generated_at);
    rs_next(s);
}

/* "Management → Partners": the ends of the theme's links. */
static void chain_span(const rx *x, json_t *theme, char *buf, size_t size)
{
    json_t *links = json_object_get(theme, "links");
    size_t n = json_array_size(links);
    buf[0] = '\0';
    if (n == 0) return;
    const char *from = json_string_value(json_object_get(json_array_get(links, 0), "from"));
    const char *to = json_string_value(json_object_get(json_array_get(links, n - 1), "to"));
    if (rx_layer_suppressed(x, from) || rx_layer_suppressed(x, to)) return;
    snprintf(buf, size, "%s → %s", rx_layer_label(x, from), rx_layer_label(x, to));
}

static void thermo_row(rs_sheet *s, json_t *theme)
{
    rx *x = s->x;
    const char *key = json_string_value(json_object_get(theme, "theme"));
    json_t *th = json_object_get(theme, "thermometer");
    int b = rx_band(json_string_value(json_object_get(th, "band")));
    rs_str(s, 0, rx_theme_label(x, key), x->f.text);
    if (json_is_number(json_object_get(th, "temperature")))
        rs_jnum(s, 1, json_object_get(th, "temperature"), b >= 0 ? x->f.band_num[b] : x->f.num1);
    /* else blank: the chart draws no bar */
    rs_jnum(s, 2, json_object_get(th, "grade"), b >= 0 ? x->f.band_num[b] : x->f.num1);
    rs_str(s, 3, b >= 0 ? rx_t(x, band_words[b]) : "–", b >= 0 ? x->f.band_text[b] : x->f.dash);
    rs_jnum(s, 4, json_object_get(theme, "carry"), x->f.num1);
    char span[200];
    chain_span(x, theme, span, sizeof span);
    rs_str(s, 5, span[0] ? span : "–", span[0] ? x->f.text : x->f.dash);
    rs_str(s, 6,
           rx_t(x, strcmp(rx_carry_measure(x, key), "knowledge") == 0 ? RT_KNOWLEDGE : RT_SCORE),
           x->f.text);
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
    chart_series_set_labels_num_format(ser, "0.0");

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

/* A theme-level gap that may go into a sentence. */
typedef struct gap_pick {
    json_t *theme, *gap;
    double diff;
} gap_pick;

/* Whether gap g of theme is a first-to-last gap: another gap of the same
 * measure starts at the same layer and ends nearer. */
static int gap_is_span(const rx *x, json_t *theme, json_t *g)
{
    const char *m = json_string_value(json_object_get(g, "measure"));
    const char *from = json_string_value(json_object_get(g, "from"));
    int to = rx_layer(x, json_string_value(json_object_get(g, "to")));
    size_t i;
    json_t *o;
    int pos_to = -1;
    for (size_t c = 0; c < x->n_chain; c++)
        if (x->chain[c] == to) pos_to = (int)c;
    json_array_foreach(json_object_get(theme, "gaps"), i, o)
    {
        const char *om = json_string_value(json_object_get(o, "measure"));
        const char *of = json_string_value(json_object_get(o, "from"));
        int oto = rx_layer(x, json_string_value(json_object_get(o, "to")));
        if (o == g || !om || !m || !of || !from || strcmp(om, m) || strcmp(of, from)) continue;
        for (size_t c = 0; c < x->n_chain; c++)
            if (x->chain[c] == oto && (int)c < pos_to) return 1;
    }
    return 0;
}

static int same_pair(json_t *a, json_t *b)
{
    const char *af = json_string_value(json_object_get(a, "from"));
    const char *at = json_string_value(json_object_get(a, "to"));
    const char *bf = json_string_value(json_object_get(b, "from"));
    const char *bt = json_string_value(json_object_get(b, "to"));
    return af && at && bf && bt && !strcmp(af, bf) && !strcmp(at, bt);
}

/* When a pick for the same theme and link has a smaller difference, removes
 * it (the caller then inserts the larger one) and returns 1; else 0. */
static int replaces(gap_pick *out, size_t *n, const json_t *theme, json_t *g, double diff)
{
    for (size_t k = 0; k < *n; k++) {
        if (out[k].theme != theme || !same_pair(out[k].gap, g)) continue;
        if (out[k].diff >= diff) return 0;
        memmove(&out[k], &out[k + 1], (*n - k - 1) * sizeof *out);
        (*n)--;
        return 1;
    }
    return 1;
}

/* The three largest significant losses between successive layers, at most
 * one per theme and link (the larger of score and knowledge). */
static size_t gaps_pick(const rx *x, gap_pick *out)
{
    size_t n = 0, i, j;
    json_t *t, *g;
    json_array_foreach(json_object_get(x->a, "themes"), i, t)
    {
        json_array_foreach(json_object_get(t, "gaps"), j, g)
        {
            double p = rx_dbl(g, "p_holm"), diff = rx_dbl(g, "diff");
            if (isnan(p) || p >= 0.05 || isnan(diff) || diff <= 0) continue;
            if (rx_layer_suppressed(x, json_string_value(json_object_get(g, "from"))) ||
                rx_layer_suppressed(x, json_string_value(json_object_get(g, "to"))) ||
                gap_is_span(x, t, g))
                continue;
            int dup = 0; /* the same link of the same theme on the other measure */
            for (size_t k = 0; k < n; k++)
                dup |= out[k].theme == t && same_pair(out[k].gap, g);
            if (dup && !replaces(out, &n, t, g, diff)) continue;
            size_t at = n < 3 ? n : 3;
            while (at > 0 && out[at - 1].diff < diff) {
                if (at < 3) out[at] = out[at - 1];
                at--;
            }
            if (at < 3) {
                out[at] = (gap_pick){t, g, diff};
                if (n < 3) n++;
            }
        }
    }
    return n;
}

/* The sentence about picked gap i (rx_fill: valid until x's scratch is used
 * again), or NULL with x->err set. */
static const char *gap_sentence(rx *x, const gap_pick *picks, size_t i)
{
    json_t *t = picks[i].theme, *g = picks[i].gap;
    int first = 1;
    for (size_t j = 0; j < i; j++)
        if (picks[j].theme == t) first = 0;
    const char *from = json_string_value(json_object_get(g, "from"));
    const char *to = json_string_value(json_object_get(g, "to"));
    const char *m = json_string_value(json_object_get(g, "measure"));
    json_t *links = json_object_get(t, "links");
    const char *last =
        json_string_value(json_object_get(json_array_get(links, json_array_size(links) - 1), "to"));
    double carry = rx_dbl(t, "carry");
    char theme[160], f[80], to_s[80], last_s[80], carry_s[32], diff_s[32];
    rt_lower(theme, sizeof theme,
             rx_theme_label(x, json_string_value(json_object_get(t, "theme"))));
    rt_lower(f, sizeof f, rx_layer_label(x, from));
    rt_lower(to_s, sizeof to_s, rx_layer_label(x, to));
    rt_number(carry_s, sizeof carry_s, carry, 0, x->lang);
    rt_number(diff_s, sizeof diff_s, picks[i].diff, 1, x->lang);
    int with_carry = first && !isnan(carry) && last && !rx_layer_suppressed(x, last);
    if (with_carry) rt_layer_phrase(last_s, sizeof last_s, last, rx_layer_label(x, last), x->lang);
    const tm_text_var vars[] = {
        {"theme", theme},
        {"carry", carry_s},
        {"last", with_carry ? last_s : ""},
        {"from", f},
        {"to", to_s},
        {"measure", rx_t(x, m && strcmp(m, "knowledge") == 0 ? RT_KNOWLEDGE : RT_SCORE)},
        {"diff", diff_s},
        {NULL, NULL}};
    rt_id tmpl = !first ? RT_GAP_MORE : with_carry ? RT_GAP_FIRST : RT_GAP_FIRST_NOCARRY;
    return rx_fill(x, rx_t(x, tmpl), vars);
}

static void sentence_row(rs_sheet *s, const char *text, lxw_format *f)
{
    double width = 0;
    for (lxw_col_t c = 0; c <= SUM_LAST_COL; c++)
        width += s->width[c];
    size_t per_line = (size_t)(width * (f == s->x->f.note ? 1.6 : 1.3));
    rs_height(s, (f == s->x->f.note ? 12.0 : 15.0) * (double)(strlen(text) / per_line + 1) + 3);
    rs_merge(s, 0, SUM_LAST_COL, text, f);
    rs_next(s);
}

static int summary_gaps(rs_sheet *s)
{
    rx *x = s->x;
    gap_pick picks[3];
    size_t n = gaps_pick(x, picks);
    rs_str(s, 0, rx_t(x, RT_SUM_GAPS), x->f.section);
    rs_next(s);
    if (n == 0) sentence_row(s, rx_t(x, RT_GAP_NONE), x->f.wrap);
    for (size_t i = 0; i < n; i++) {
        const char *text = gap_sentence(x, picks, i);
        if (!text) return -1;
        sentence_row(s, text, x->f.wrap);
    }
    sentence_row(s, rx_t(x, RT_GAP_FOOT), x->f.note);
    rs_next(s);
    return 0;
}

static int summary_note(rs_sheet *s)
{
    char goed[32], aandacht[32];
    rt_number(goed, sizeof goed, s->x->in->band_goed, 0, s->x->lang);
    rt_number(aandacht, sizeof aandacht, s->x->in->band_aandacht, 0, s->x->lang);
    const tm_text_var vars[] = {{"goed", goed}, {"aandacht", aandacht}, {NULL, NULL}};
    const char *note = rx_fill(s->x, rx_t(s->x, RT_SUM_NOTE), vars);
    if (!note) return -1;
    sentence_row(s, note, s->x->f.note);
    rs_next(s);
    return 0;
}

int rx_sheet_summary(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_SUMMARY) < 0) return -1;
    rs_width(&s, 0, 0, 30, NULL);
    rs_width(&s, 1, 2, 14, NULL);
    rs_width(&s, 3, 3, 12, NULL);
    rs_width(&s, 4, 4, 20, NULL);
    rs_width(&s, 5, 5, 28, NULL);
    rs_width(&s, 6, 6, 12, NULL);
    char title[200];
    snprintf(title, sizeof title, "%s: %s", rx_t(x, RT_REPORT), rx_t(x, RT_SUM_TITLE));
    rs_title(&s, title, NULL, SUM_LAST_COL);
    summary_facts(&s);

    json_t *themes = json_object_get(x->a, "themes"), *t;
    rs_str(&s, 0, rx_t(x, RT_SUM_THERMO), x->f.section);
    rs_next(&s);
    rt_id heads[] = {RT_THEME, RT_TEMPERATURE, RT_GRADE,        RT_BAND,
                     RT_CARRY, RT_CHAIN_SPAN,  RT_CARRY_MEASURE};
    rs_height(&s, 30);
    for (lxw_col_t c = 0; c <= SUM_LAST_COL; c++)
        rs_str(&s, c, rx_t(x, heads[c]), c == 0 || c >= 5 ? x->f.head : x->f.head_num);
    rs_next(&s);
    lxw_row_t first = s.row;
    size_t i;
    json_array_foreach(themes, i, t)
    {
        thermo_row(&s, t);
    }
    lxw_row_t last = s.row - 1;
    if (summary_note(&s) < 0 || summary_gaps(&s) < 0) return -1;
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

/* Whether any shown layer of the theme has measure m (a value or "< k"). */
static int theme_has_measure(const rx *x, json_t *theme, const char *m)
{
    for (size_t a = 0; a < x->n_active; a++) {
        json_t *e =
            rx_find(json_object_get(theme, "layers"), "layer", x->in->layers[x->active[a]].key);
        if (rx_cell_state(x, json_object_get(e, m)) != RX_ABSENT) return 1;
    }
    return 0;
}

static void means_row(rs_sheet *s, json_t *theme, const char *m, rt_id label, int first)
{
    rx *x = s->x;
    const char *key = json_string_value(json_object_get(theme, "theme"));
    if (first) rs_str(s, 0, rx_theme_label(x, key), x->f.bold);
    rs_str(s, 1, rx_t(x, label), x->f.text);
    for (size_t a = 0; a < x->n_active; a++) {
        json_t *e =
            rx_find(json_object_get(theme, "layers"), "layer", x->in->layers[x->active[a]].key);
        lxw_col_t col = (lxw_col_t)(CH_FIRST_LAYER_COL + a);
        if (m) {
            rs_stat(s, col, json_object_get(e, m), "mean", x->f.num1);
        } else if (rx_cell_state(x, json_object_get(e, "score")) == RX_SUPPRESSED ||
                   rx_cell_state(x, json_object_get(e, "knowledge")) == RX_SUPPRESSED) {
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
    json_array_foreach(themes, i, t)
    {
        int has_s = theme_has_measure(x, t, "score"), has_k = theme_has_measure(x, t, "knowledge");
        if (has_s) means_row(s, t, "score", RT_SCORE, 1);
        if (has_k) means_row(s, t, "knowledge", RT_KNOWLEDGE, !has_s);
        if (has_s && has_k) means_row(s, t, NULL, RT_PERCEPTION, 0);
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
    rs_merge(s, 0, (lxw_col_t)(CH_FIRST_LAYER_COL + x->n_active), rx_t(x, RT_LINKS_NOTE),
             x->f.note);
    rs_next(s);
    rs_str(s, 0, rx_t(x, RT_THEME), x->f.head);
    rs_str(s, 1, "", x->f.head);
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
        rs_str(s, 0, rx_theme_label(x, json_string_value(json_object_get(t, "theme"))), x->f.text);
        for (size_t p = 0; p < np; p++) {
            json_t *link = rx_pair_find(x, json_object_get(t, "links"), pairs[p], NULL);
            rs_jnum(s, (lxw_col_t)(CH_FIRST_LAYER_COL + p), json_object_get(link, "ratio"),
                    x->f.pct1);
        }
        rs_next(s);
    }
    rs_next(s);
}

/* The chart's data: per theme the means of its carry measure, blank where a
 * value cannot be shown; then the line chart below it. */
static void chain_chart(rs_sheet *s, json_t *themes)
{
    rx *x = s->x;
    if (x->n_active == 0 || json_array_size(themes) == 0) return;
    lxw_row_t breaks[2] = {s->row, 0}; /* data and chart on a page of their own */
    rs_check(s, worksheet_set_h_pagebreaks(s->ws, breaks), 0);
    rs_str(s, 0, rx_t(x, RT_CHART_DATA), x->f.section);
    rs_next(s);
    lxw_row_t head = s->row;
    rs_str(s, 0, rx_t(x, RT_THEME), x->f.head);
    rs_str(s, 1, rx_t(x, RT_MEASURE), x->f.head);
    for (size_t a = 0; a < x->n_active; a++)
        rs_str(s, (lxw_col_t)(CH_FIRST_LAYER_COL + a),
               rx_layer_label(x, x->in->layers[x->active[a]].key), x->f.head_num);
    rs_next(s);
    lxw_row_t first = s->row;
    size_t i;
    json_t *t;
    json_array_foreach(themes, i, t)
    {
        const char *key = json_string_value(json_object_get(t, "theme"));
        const char *m = rx_carry_measure(x, key);
        rs_str(s, 0, rx_theme_label(x, key), x->f.text);
        rs_str(s, 1, rx_t(x, strcmp(m, "knowledge") == 0 ? RT_KNOWLEDGE : RT_SCORE), x->f.text);
        for (size_t a = 0; a < x->n_active; a++) {
            json_t *e =
                rx_find(json_object_get(t, "layers"), "layer", x->in->layers[x->active[a]].key);
            json_t *stat = json_object_get(e, m);
            if (rx_cell_state(x, stat) == RX_OK)
                rs_jnum_or_blank(s, (lxw_col_t)(CH_FIRST_LAYER_COL + a),
                                 json_object_get(stat, "mean"), x->f.num1);
        }
        rs_next(s);
    }
    lxw_row_t last = s->row - 1;
    rs_next(s);

    lxw_chart *c = rs_new_chart(s, LXW_CHART_LINE);
    if (!c) return;
    lxw_col_t c0 = CH_FIRST_LAYER_COL, c1 = (lxw_col_t)(CH_FIRST_LAYER_COL + x->n_active - 1);
    for (lxw_row_t r = first; r <= last; r++) {
        lxw_chart_series *ser = chart_add_series(c, NULL, NULL);
        if (!ser) {
            rs_check(s, LXW_ERROR_MEMORY_MALLOC_FAILED, 0);
            return;
        }
        chart_series_set_categories(ser, s->name, head, c0, head, c1);
        chart_series_set_values(ser, s->name, r, c0, r, c1);
        chart_series_set_name_range(ser, s->name, r, 0);
        chart_series_set_marker_type(ser, LXW_CHART_MARKER_CIRCLE);
        chart_series_set_marker_size(ser, 6);
    }
    chart_title_set_name(c, rx_t(x, RT_CHART_CHAIN));
    chart_axis_set_min(c->y_axis, 0);
    chart_axis_set_max(c->y_axis, 100);
    chart_axis_set_major_unit(c->y_axis, 20);
    chart_axis_set_name(c->x_axis, rx_t(x, RT_LAYER));
    chart_legend_set_position(c, LXW_CHART_LEGEND_RIGHT);
    chart_show_blanks_as(c, LXW_CHART_BLANKS_AS_GAP);
    rs_chart(s, s->row, 0, c, 820, 340);
}

int rx_sheet_chain(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_CHAIN) < 0) return -1;
    lxw_col_t carry = (lxw_col_t)(CH_FIRST_LAYER_COL + x->n_active);
    lxw_col_t last = carry > 5 ? carry : 5;
    rs_width(&s, 0, 0, 26, NULL);
    rs_width(&s, 1, 1, 16, NULL);
    if (x->n_active) rs_width(&s, CH_FIRST_LAYER_COL, carry - 1, 14, NULL);
    rs_width(&s, carry, carry, 20, NULL); /* also the links table's columns beyond */
    rs_width(&s, carry + 1, carry + 8, 14, NULL);
    rs_title(&s, rx_t(x, RT_CHAIN_TITLE), rx_t(x, RT_CHAIN_NOTE), last);
    if (rs_suppressed_note(&s, last) < 0) return -1;
    json_t *themes = json_object_get(x->a, "themes");
    chain_means(&s, themes);
    chain_links(&s, themes);
    chain_chart(&s, themes);
    return rs_close(&s);
}
