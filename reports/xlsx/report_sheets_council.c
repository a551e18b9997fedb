/* report_sheets_council.c - the council summary: three sheets, one A4
 * landscape page each, in plain words and without statistics.
 *
 * Samenvatting (page 1): the title, organisation and wave, the response in
 * one line, the chain chart (beleving per layer, one line per theme), the
 * thermometer per theme (temperature with a bar in its band's colour, grade,
 * band) and 3 to 5 sentences from reports/analysis/story.h, each about one
 * measure; a note when the chain does not start at its top layer.
 *
 * Per thema (page 2): beleving and kennis per layer (the chain chart's data:
 * a value that may not be shown is an empty cell, never text) and per theme
 * a few sentences.
 *
 * Respons en uitleg (page 3): the response per layer and how to read the
 * summary (the chain, beleving, kennis, the thermometer, the carry-through
 * index, chance, k).
 *
 * The words are shared with the web page of the summary (reports/html), so
 * both say the same.
 */
#define REPORT_XLSX_INTERNAL
#include "reports/xlsx/report_xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Page 1: columns A..F hold the chart (G a gap), H..K the thermometer. */
#define CF_LAST 10
#define CF_THERMO 7
#define CF_CHART_W 630
#define CF_CHART_H 400

/* Page 2: theme, then the shown layers. */
#define CT_FIRST_LAYER 1

/* Where the chain chart's data lies on page 2. */
typedef struct chart_data {
    lxw_row_t head, first, last; /* header row (layer names), theme rows */
} chart_data;

static json_t *layer_entry(const rx *x, json_t *theme, size_t a)
{
    return rx_find(json_object_get(theme, "layers"), "layer", x->in->layers[x->active[a]].key);
}

static int theme_has(const rx *x, json_t *theme, int m)
{
    for (size_t a = 0; a < x->n_active; a++)
        if (rx_cell_state(x, json_object_get(layer_entry(x, theme, a), measure_key(m))) == RX_OK)
            return 1;
    return 0;
}

/* Page 2's first rows: its title (rs_title: title, note, blank), then the
 * beleving table's title and header. Page 1 is written first and its chart
 * points at that table, so both pages take the rows from here. */
#define CT_SCORE_HEAD 4

static chart_data score_layout(const rx *x)
{
    chart_data d = {CT_SCORE_HEAD, CT_SCORE_HEAD + 1, CT_SCORE_HEAD};
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(x->a, "themes"), i, t) d.last +=
        theme_has(x, t, MEASURE_SCORE);
    return d;
}

/* ------------------------------------------------------------------------
 * Page 1
 * ------------------------------------------------------------------------ */

static int front_head(rs_sheet *s)
{
    rx *x = s->x;
    rs_height(s, 26);
    rs_merge(s, 0, CF_LAST, rx_word(x, SW_TITLE, NULL), x->f.title);
    rs_next(s);
    char line[600];
    snprintf(line, sizeof line, "%s · %s", x->organisation, x->wave_name);
    rs_height(s, 18);
    rs_merge(s, 0, CF_LAST, line, x->f.subtitle);
    rs_next(s);
    strbuf_reset(&x->scratch);
    if (story_word(SW_RESPONSE, x->in, x->k, x->lang, NULL, &x->scratch) < 0) return rx_oom(x);
    strbuf_adds(&x->scratch, ": ");
    if (story_response_line(x->a, x->r->progress, x->lang, &x->scratch) < 0) return rx_oom(x);
    rs_wrapped(s, CF_LAST, x->scratch.buf, x->f.text, 11);
    strbuf_reset(&x->scratch);
    int said = story_reference_note(x->a, x->in, x->lang, &x->scratch);
    if (said < 0) return rx_oom(x);
    if (said) rs_wrapped(s, CF_LAST, x->scratch.buf, x->f.note, 9);
    rs_height(s, 6);
    rs_next(s);
    return 0;
}

/* The data bar of a temperature cell, in its band's colour, 0..100. */
static void thermo_bar(rs_sheet *s, lxw_col_t col, int band)
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

/* The thermometer table at columns H..K, beside the chart; returns the rows
 * it used. Every row beside the chart keeps the default height: in
 * constant-memory mode libxlsxwriter places a chart as if every row had it,
 * so a taller row would stretch the chart. */
static int front_thermo(rs_sheet *s)
{
    rx *x = s->x;
    lxw_row_t start = s->row;
    rs_merge(s, CF_THERMO, CF_LAST, rx_word(x, SW_THERMO, NULL), x->f.section);
    rs_next(s);
    story_word_id heads[4] = {SW_THEME, SW_TEMPERATURE, SW_GRADE, SW_BAND};
    for (int c = 0; c < 4; c++)
        rs_str(s, (lxw_col_t)(CF_THERMO + c), rx_word(x, heads[c], NULL),
               c == 0   ? x->f.head
               : c == 3 ? x->f.head_c
                        : x->f.head_num);
    rs_next(s);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(x->a, "themes"), i, t)
    {
        json_t *th = json_object_get(t, "thermometer");
        const char *band = json_string_value(json_object_get(th, "band"));
        int b = rx_band(band);
        rs_str(s, CF_THERMO, rx_theme_label(x, json_string_value(json_object_get(t, "theme"))),
               x->f.text);
        rs_jnum(s, CF_THERMO + 1, json_object_get(th, "temperature"), x->f.num0);
        thermo_bar(s, CF_THERMO + 1, b);
        rs_jnum(s, CF_THERMO + 2, json_object_get(th, "grade"),
                b >= 0 ? x->f.band_num[b] : x->f.num1);
        rs_str(s, CF_THERMO + 3, rx_band_label(x, band), b >= 0 ? x->f.band_text[b] : x->f.dash);
        rs_next(s);
    }
    strbuf_reset(&x->scratch);
    if (story_bands_line(x->in, x->lang, &x->scratch) < 0) return rx_oom(x);
    rs_check(
        s,
        worksheet_merge_range(s->ws, s->row, CF_THERMO, s->row, CF_LAST, x->scratch.buf, x->f.note),
        CF_THERMO);
    rs_next(s);
    return (int)(s->row - start);
}

/* The chain chart: beleving per layer, one line per theme, from page 2. */
static void front_chart(rs_sheet *s, lxw_row_t at)
{
    rx *x = s->x;
    chart_data score_block = score_layout(x);
    if (x->n_active == 0 || score_block.last < score_block.first) return;
    lxw_chart *c = rs_new_chart(s, LXW_CHART_LINE);
    if (!c) return;
    const char *data = rx_t(x, RT_SHEET_THEMES);
    lxw_col_t c0 = CT_FIRST_LAYER, c1 = (lxw_col_t)(CT_FIRST_LAYER + x->n_active - 1);
    for (lxw_row_t r = score_block.first; r <= score_block.last; r++) {
        lxw_chart_series *ser = chart_add_series(c, NULL, NULL);
        if (!ser) {
            rs_check(s, LXW_ERROR_MEMORY_MALLOC_FAILED, 0);
            return;
        }
        chart_series_set_categories(ser, data, score_block.head, c0, score_block.head, c1);
        chart_series_set_values(ser, data, r, c0, r, c1);
        chart_series_set_name_range(ser, data, r, 0);
        chart_series_set_marker_type(ser, LXW_CHART_MARKER_CIRCLE);
        chart_series_set_marker_size(ser, 6);
        lxw_chart_line line = {.width = 2.25};
        chart_series_set_line(ser, &line);
    }
    const tm_text_var vars[] = {{"measure", measure_label(MEASURE_SCORE, x->lang)}, {NULL, NULL}};
    const char *title = rx_word(x, SW_CHART_CHAIN, vars);
    if (title) chart_title_set_name(c, title);
    lxw_chart_font tf = {.size = 12, .bold = LXW_TRUE};
    chart_title_set_name_font(c, &tf);
    chart_axis_set_min(c->y_axis, 0);
    chart_axis_set_max(c->y_axis, 100);
    chart_axis_set_major_unit(c->y_axis, 20);
    chart_legend_set_position(c, LXW_CHART_LEGEND_BOTTOM);
    chart_show_blanks_as(c, LXW_CHART_BLANKS_AS_GAP);
    rs_chart(s, at, 0, c, CF_CHART_W, CF_CHART_H);
}

/* A sentence of the story as a bulleted row across columns 0..last (a
 * strbuf: a rule's text may be long, and a fixed buffer would cut it inside
 * a character). Returns 0 or -1 with x's error. */
static int story_row(rs_sheet *s, lxw_col_t last, const story_fact *f, lxw_format *fmt, double pt)
{
    rx *x = s->x;
    const char *text = rx_story(x, f);
    if (!text) return -1;
    strbuf line = STRBUF_INIT(64 * 1024);
    strbuf_adds(&line, "•  ");
    strbuf_adds(&line, text);
    if (line.status != STRBUF_OK) {
        strbuf_release(&line);
        return rx_oom(x);
    }
    rs_wrapped(s, last, line.buf, fmt, pt);
    strbuf_release(&line);
    return 0;
}

static int front_sentences(rs_sheet *s)
{
    rx *x = s->x;
    story_fact f[STORY_COUNCIL_MAX];
    size_t n = story_council(x->a, f, STORY_COUNCIL_MAX);
    rs_height(s, 20);
    rs_str(s, 0, rx_word(x, SW_FINDINGS, NULL), x->f.section);
    rs_next(s);
    for (size_t i = 0; i < n; i++)
        if (story_row(s, CF_LAST, &f[i], x->f.sentence, 11) < 0) return -1;
    return 0;
}

int rx_sheet_council_front(rx *x)
{
    rs_sheet s;
    if (rs_open_page(x, &s, RT_SHEET_SUMMARY) < 0) return -1;
    rs_width(&s, 0, 5, 14.5, NULL);
    rs_width(&s, 6, 6, 3, NULL);
    rs_width(&s, CF_THERMO, CF_THERMO, 24, NULL);
    rs_width(&s, CF_THERMO + 1, CF_THERMO + 1, 13, NULL);
    rs_width(&s, CF_THERMO + 2, CF_THERMO + 2, 10, NULL);
    rs_width(&s, CF_THERMO + 3, CF_THERMO + 3, 16, NULL);
    if (front_head(&s) < 0) return -1;
    lxw_row_t chart_row = s.row;
    int used = front_thermo(&s);
    if (used < 0) return -1;
    /* default rows down to the chart's bottom edge */
    for (int r = used; r < (int)(CF_CHART_H / (RS_ROW_PT * 4 / 3)) + 1; r++)
        rs_next(&s);
    front_chart(&s, chart_row);
    if (front_sentences(&s) < 0) return -1;
    worksheet_set_first_sheet(s.ws);
    worksheet_activate(s.ws);
    return rs_close(&s);
}

/* ------------------------------------------------------------------------
 * Page 2: per theme
 * ------------------------------------------------------------------------ */

/* A table of measure m per theme and shown layer; returns where it lies. */
static chart_data means_table(rs_sheet *s, int m, lxw_col_t last)
{
    rx *x = s->x;
    chart_data d = {0, 1, 0};
    char label[96];
    snprintf(label, sizeof label, "%s", measure_label(m, x->lang));
    if (label[0] >= 'a' && label[0] <= 'z') label[0] = (char)(label[0] - 'a' + 'A');
    const tm_text_var vars[] = {{"Measure", label}, {NULL, NULL}};
    const char *title = rx_word(x, SW_MEANS_OF, vars);
    if (title) rs_str(s, 0, title, x->f.section);
    rs_next(s);
    d.head = s->row;
    rs_str(s, 0, rx_word(x, SW_THEME, NULL), x->f.head);
    for (size_t a = 0; a < x->n_active; a++)
        rs_str(s, (lxw_col_t)(CT_FIRST_LAYER + a),
               rx_layer_label(x, x->in->layers[x->active[a]].key), x->f.head_num);
    for (lxw_col_t c = (lxw_col_t)(CT_FIRST_LAYER + x->n_active); c <= last; c++)
        rs_str(s, c, "", x->f.head);
    rs_next(s);
    d.first = s->row;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(x->a, "themes"), i, t)
    {
        if (!theme_has(x, t, m)) continue;
        rs_str(s, 0, rx_theme_label(x, json_string_value(json_object_get(t, "theme"))), x->f.text);
        for (size_t a = 0; a < x->n_active; a++) {
            json_t *stat = json_object_get(layer_entry(x, t, a), measure_key(m));
            if (rx_cell_state(x, stat) == RX_OK)
                rs_jnum_or_blank(s, (lxw_col_t)(CT_FIRST_LAYER + a), json_object_get(stat, "mean"),
                                 x->f.num0);
        }
        rs_next(s);
    }
    d.last = s->row - 1;
    rs_height(s, 8);
    rs_next(s);
    return d;
}

static int theme_blocks(rs_sheet *s, lxw_col_t last)
{
    rx *x = s->x;
    rs_str(s, 0, rx_word(x, SW_IN_BRIEF, NULL), x->f.section);
    rs_next(s);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(x->a, "themes"), i, t)
    {
        story_fact f[3];
        size_t n = story_theme(x->a, t, f, 3);
        strbuf text = STRBUF_INIT(8192);
        for (size_t k = 0; k < n; k++) {
            if (k) strbuf_addch(&text, ' ');
            story_sentence(&f[k], x->a, x->in, x->lang, &text);
        }
        if (text.status != STRBUF_OK) {
            strbuf_release(&text);
            return rx_oom(x);
        }
        double width = 0;
        for (lxw_col_t c = 1; c <= last; c++)
            width += s->width[c];
        rs_height(s, rs_text_height(text.buf, width, 10));
        rs_str(s, 0, rx_theme_label(x, json_string_value(json_object_get(t, "theme"))),
               x->f.wrap_bold);
        rs_check(s, worksheet_merge_range(s->ws, s->row, 1, s->row, last, text.buf, x->f.wrap), 1);
        rs_next(s);
        strbuf_release(&text);
    }
    return 0;
}

/* The wave's rules in short: the ones the layers are divided on or that a
 * layer says hinder (story_rules), or that none is. Nothing for a wave
 * without rules. */
static int rules_block(rs_sheet *s, lxw_col_t last)
{
    rx *x = s->x;
    if (json_array_size(json_object_get(x->a, "rules")) == 0) return 0;
    rs_height(s, 20);
    rs_str(s, 0, rx_word(x, SW_RULES, NULL), x->f.section);
    rs_next(s);
    story_fact f[STORY_COUNCIL_RULES];
    size_t n = story_rules(x->a, f, STORY_COUNCIL_RULES);
    for (size_t i = 0; i < n; i++)
        if (story_row(s, last, &f[i], x->f.wrap, 10) < 0) return -1;
    if (n == 0) {
        const char *calm = rx_word(x, SW_RULES_CALM, NULL);
        if (!calm) return -1;
        rs_wrapped(s, last, calm, x->f.wrap, 10);
    }
    return 0;
}

int rx_sheet_council_themes(rx *x)
{
    rs_sheet s;
    if (rs_open_page(x, &s, RT_SHEET_THEMES) < 0) return -1;
    lxw_col_t last = (lxw_col_t)(CT_FIRST_LAYER + (x->n_active > 5 ? x->n_active : 5));
    rs_width(&s, 0, 0, 26, NULL);
    rs_width(&s, 1, last, 18, NULL);
    const char *note = rx_word(x, SW_PER_THEME_NOTE, NULL);
    char *copy = note ? strdup(note) : NULL;
    if (!copy) return rx_oom(x);
    rs_title(&s, rx_word(x, SW_PER_THEME, NULL), copy, last);
    free(copy);
    chart_data want = score_layout(x), got = means_table(&s, MEASURE_SCORE, last);
    if (got.head != want.head || got.first != want.first || got.last != want.last)
        return tm_error_set(x->err, 500,
                            "the council summary's chart data is not where its "
                            "chart looks (row %u, expected %u)",
                            (unsigned)got.head, (unsigned)want.head);
    means_table(&s, MEASURE_KNOWLEDGE, last);
    if (theme_blocks(&s, last) < 0) return -1;
    if (rules_block(&s, last) < 0) return -1;
    return rs_close(&s);
}

/* ------------------------------------------------------------------------
 * Page 3: response and how to read this
 * ------------------------------------------------------------------------ */

enum { CR_LAYER, CR_INVITED, CR_SUBMITTED, CR_IMPORTED, CR_RATE, CR_SHOWN, CR_COLS };

static int reading_response(rs_sheet *s)
{
    rx *x = s->x;
    story_word_id heads[CR_COLS] = {SW_LAYER,    SW_INVITED, SW_COMPLETED,
                                    SW_IMPORTED, SW_RATE,    SW_SHOWN};
    rs_str(s, 0, rx_word(x, SW_RESPONSE, NULL), x->f.section);
    rs_next(s);
    rs_height(s, 30);
    for (lxw_col_t c = 0; c < CR_COLS; c++)
        rs_str(s, c, rx_word(x, heads[c], NULL),
               c == 0          ? x->f.head
               : c == CR_SHOWN ? x->f.head_pad
                               : x->f.head_num);
    rs_next(s);
    char yes[32];
    snprintf(yes, sizeof yes, "%s", rx_word(x, SW_YES, NULL) ? x->scratch.buf : "");
    const char *no = rx_word(x, SW_NO_K, NULL);
    if (!no) return -1;
    char no_text[128];
    snprintf(no_text, sizeof no_text, "%s", no);
    for (size_t c = 0; c < x->n_chain; c++) {
        const char *key = x->in->layers[x->chain[c]].key;
        story_response r;
        story_response_layer(rx_find(x->progress_layers, "layer", key), &r);
        rs_str(s, CR_LAYER, rx_layer_label(x, key), x->f.text);
        rs_num(s, CR_INVITED, r.invited, x->f.int0);
        rs_num(s, CR_SUBMITTED, r.online, x->f.int0);
        rs_num(s, CR_IMPORTED, r.imported, x->f.int0);
        rs_num(s, CR_RATE, r.rate, x->f.pct0);
        rs_str(s, CR_SHOWN, rx_layer_suppressed(x, key) ? no_text : yes, x->f.pad);
        rs_next(s);
    }
    story_response tot;
    story_response_count(x->a, x->r->progress, &tot);
    rs_str(s, CR_LAYER, rx_word(x, SW_TOTAL, NULL), x->f.total_label);
    rs_num(s, CR_INVITED, tot.invited, x->f.total_int);
    rs_num(s, CR_SUBMITTED, tot.online, x->f.total_int);
    rs_num(s, CR_IMPORTED, tot.imported, x->f.total_int);
    rs_num(s, CR_RATE, tot.rate, x->f.total_pct0);
    rs_str(s, CR_SHOWN, "", x->f.total_label);
    rs_next(s);
    strbuf_reset(&x->scratch);
    if (story_response_line(x->a, x->r->progress, x->lang, &x->scratch) < 0) return rx_oom(x);
    rs_wrapped(s, CR_SHOWN, x->scratch.buf, x->f.text, 11);
    rs_next(s);
    return 0;
}

static int reading_terms(rs_sheet *s)
{
    rx *x = s->x;
    rs_str(s, 0, rx_word(x, SW_READING, NULL), x->f.section);
    rs_next(s);
    size_t n;
    const story_term *terms = story_reading(&n);
    double width = 0;
    for (lxw_col_t c = 1; c <= CR_SHOWN; c++)
        width += s->width[c];
    for (size_t i = 0; i < n; i++) {
        strbuf term = STRBUF_INIT(256), text = STRBUF_INIT(4096);
        story_reading_term(&terms[i], x->k, x->lang, &term);
        story_reading_text(&terms[i], x->in, x->k, x->lang, &text);
        int ok = term.status == STRBUF_OK && text.status == STRBUF_OK;
        if (ok) {
            rs_height(s, rs_text_height(text.buf, width, 10.5));
            rs_str(s, 0, term.buf, x->f.wrap_bold);
            rs_check(s,
                     worksheet_merge_range(s->ws, s->row, 1, s->row, CR_SHOWN, text.buf, x->f.wrap),
                     1);
            rs_next(s);
        }
        strbuf_release(&term);
        strbuf_release(&text);
        if (!ok) return rx_oom(x);
    }
    return 0;
}

int rx_sheet_council_reading(rx *x)
{
    rs_sheet s;
    if (rs_open_page(x, &s, RT_SHEET_READING) < 0) return -1;
    rs_width(&s, 0, 0, 24, NULL);
    rs_width(&s, 1, CR_RATE, 15, NULL);
    rs_width(&s, CR_SHOWN, CR_SHOWN, 46, NULL);
    rs_title(&s, rx_word(x, SW_RESPONSE_GUIDE, NULL), NULL, CR_SHOWN);
    if (reading_response(&s) < 0 || reading_terms(&s) < 0) return -1;
    return rs_close(&s);
}
