/* report_sheets_gaps.c - the Kloven (gaps between layers) and Per vraag
 * (per item and layer) sheets.
 *
 * Kloven: per group (themes, then domains) and measure a matrix of groups x
 * layer pairs with, per pair, the difference (a native three-colour scale:
 * green where the lower layer scores higher, red where intent is lost), a
 * "*" when the Holm-adjusted p is below 0.05 (the difference is then bold)
 * and Hedges' g; then the ANOVA over all layers and every gap in detail.
 *
 * Per vraag: one row per item and shown layer with n, mean, sd, the 95% CI,
 * the share of "weet niet", the distribution and rwg; frozen header and an
 * autofilter.
 */
#define REPORT_XLSX_INTERNAL
#include "reports/xlsx/report_xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Kloven
 * ------------------------------------------------------------------------ */

#define GAPS_LAST_COL 11

typedef struct group_kind {
    const char *array; /* "themes" or "domains" */
    const char *key;   /* "theme" or "domain" */
    rt_id title, column;
} group_kind;

static const group_kind kinds[2] = {{"themes", "theme", RT_GAPS_THEMES, RT_THEME},
                                    {"domains", "domain", RT_GAPS_DOMAINS, RT_DOMAIN}};

static const char *group_label(const rx *x, const group_kind *k, json_t *g)
{
    const char *key = json_string_value(json_object_get(g, k->key));
    return k == &kinds[0] ? rx_theme_label(x, key) : rx_domain_label(x, key);
}

static int significant(json_t *gap)
{
    double p = rx_dbl(gap, "p_holm");
    return !isnan(p) && p < 0.05;
}

static void matrix_head(rs_sheet *s, const group_kind *k, const rx_pair *pairs, size_t np)
{
    rx *x = s->x;
    char label[200];
    rs_height(s, 30);
    rs_str(s, 0, "", x->f.head);
    for (size_t p = 0; p < np; p++)
        rs_merge(s, (lxw_col_t)(1 + 3 * p), (lxw_col_t)(3 + 3 * p),
                 rx_pair_label(x, pairs[p], label, sizeof label), x->f.head_c);
    rs_next(s);
    rs_str(s, 0, rx_t(x, k->column), x->f.head);
    for (size_t p = 0; p < np; p++) {
        rs_str(s, (lxw_col_t)(1 + 3 * p), rx_t(x, RT_DIFF), x->f.head_num);
        rs_str(s, (lxw_col_t)(2 + 3 * p), rx_t(x, RT_SIG), x->f.head_c);
        rs_str(s, (lxw_col_t)(3 + 3 * p), rx_t(x, RT_G), x->f.head_num);
    }
    rs_next(s);
}

static void matrix_row(rs_sheet *s, const group_kind *k, json_t *g, const char *m,
                       const rx_pair *pairs, size_t np)
{
    rx *x = s->x;
    rs_str(s, 0, group_label(x, k, g), x->f.text);
    for (size_t p = 0; p < np; p++) {
        json_t *gap = rx_pair_find(x, json_object_get(g, "gaps"), pairs[p], m);
        lxw_col_t c = (lxw_col_t)(1 + 3 * p);
        if (!gap) {
            rs_str(s, c, "–", x->f.dash);
            continue;
        }
        int sig = significant(gap);
        rs_jnum(s, c, json_object_get(gap, "diff"), sig ? x->f.num1_bold : x->f.num1);
        if (sig) rs_str(s, c + 1, "*", x->f.sig);
        rs_jnum(s, c + 2, json_object_get(gap, "g"), x->f.num2);
    }
    rs_next(s);
}

/* The three-colour scale over the difference columns of rows first..last:
 * green below zero, white at zero, red above (intent lost), full colour at
 * 20 points either way so that a small difference stays pale. */
static void diff_scale(rs_sheet *s, lxw_row_t first, lxw_row_t last, size_t np)
{
    char ranges[LXW_MAX_ATTRIBUTE_LENGTH] = "", a[16], b[16];
    for (size_t p = 0; p < np; p++) {
        lxw_col_t c = (lxw_col_t)(1 + 3 * p);
        size_t used = strlen(ranges);
        snprintf(ranges + used, sizeof ranges - used, "%s%s:%s", used ? " " : "",
                 rs_cell_name(a, sizeof a, first, c), rs_cell_name(b, sizeof b, last, c));
    }
    lxw_conditional_format cf = {.type = LXW_CONDITIONAL_3_COLOR_SCALE,
                                 .min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                 .min_value = -20,
                                 .min_color = 0x63BE7B,
                                 .mid_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                 .mid_value = 0,
                                 .mid_color = 0xFFFFFF,
                                 .max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                 .max_value = 20,
                                 .max_color = 0xF8696B,
                                 .multi_range = ranges};
    rs_check(s, worksheet_conditional_format_range(s->ws, first, 1, last, 1, &cf), 1);
}

static void gap_matrix(rs_sheet *s, const group_kind *k, const char *m)
{
    rx *x = s->x;
    json_t *groups = json_object_get(x->a, k->array), *g;
    rx_pair pairs[RX_MAX_PAIRS];
    size_t np = rx_pairs(x, groups, "gaps", m, pairs), i;
    if (np == 0) return;
    char title[200];
    snprintf(title, sizeof title, "%s – %s", rx_t(x, k->title), rx_measure_label(x, m));
    rs_str(s, 0, title, x->f.section);
    rs_next(s);
    matrix_head(s, k, pairs, np);
    lxw_row_t first = s->row;
    json_array_foreach(groups, i, g)
    {
        matrix_row(s, k, g, m, pairs, np);
    }
    if (s->row > first) diff_scale(s, first, s->row - 1, np);
    rs_next(s);
}

static void anova_rows(rs_sheet *s, const group_kind *k)
{
    rx *x = s->x;
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(x->a, k->array), i, g)
    {
        json_t *an = json_object_get(g, "anova");
        for (int m = 0; m < MEASURE_COUNT; m++) {
            if (!json_object_get(an, measure_key(m))) continue;
            json_t *a = json_object_get(an, measure_key(m));
            rs_str(s, 0, group_label(x, k, g), x->f.text);
            rs_str(s, 1, measure_label(m, x->lang), x->f.text);
            rs_jnum(s, 2, json_object_get(a, "f"), x->f.num2);
            rs_jnum(s, 3, json_object_get(a, "df1"), x->f.int0);
            rs_jnum(s, 4, json_object_get(a, "df2"), x->f.int0);
            rs_jnum(s, 5, json_object_get(a, "p"), x->f.p);
            rs_jnum(s, 6, json_object_get(a, "eta2"), x->f.num2);
            rs_next(s);
        }
    }
}

static void anova_table(rs_sheet *s)
{
    rx *x = s->x;
    rs_str(s, 0, rx_t(x, RT_ANOVA), x->f.section);
    rs_next(s);
    const char *heads[] = {rx_t(x, RT_NAME), rx_t(x, RT_MEASURE), "F", "df1", "df2", "p", "eta²"};
    for (lxw_col_t c = 0; c < 7; c++)
        rs_str(s, c, heads[c], c < 2 ? x->f.head : x->f.head_num);
    rs_next(s);
    anova_rows(s, &kinds[0]);
    anova_rows(s, &kinds[1]);
    rs_next(s);
}

static void detail_row(rs_sheet *s, const char *name, json_t *gap)
{
    rx *x = s->x;
    const char *from = json_string_value(json_object_get(gap, "from"));
    const char *to = json_string_value(json_object_get(gap, "to"));
    json_t *ci = json_object_get(gap, "ci95");
    rs_str(s, 0, name, x->f.text);
    rs_str(s, 1, rx_measure_label(x, json_string_value(json_object_get(gap, "measure"))),
           x->f.text);
    rs_str(s, 2, rx_layer_label(x, from), x->f.text);
    rs_str(s, 3, rx_layer_label(x, to), x->f.text);
    rs_jnum(s, 4, json_object_get(gap, "diff"), significant(gap) ? x->f.num1_bold : x->f.num1);
    rs_jnum(s, 5, json_object_get(gap, "t"), x->f.num2);
    rs_jnum(s, 6, json_object_get(gap, "df"), x->f.num1);
    rs_jnum(s, 7, json_object_get(gap, "p"), x->f.p);
    rs_jnum(s, 8, json_object_get(gap, "p_holm"), x->f.p);
    rs_jnum(s, 9, json_object_get(gap, "g"), x->f.num2);
    rs_jnum(s, 10, json_array_get(ci, 0), x->f.num1);
    rs_jnum(s, 11, json_array_get(ci, 1), x->f.num1);
    rs_next(s);
}

static void detail_table(rs_sheet *s)
{
    rx *x = s->x;
    rs_str(s, 0, rx_t(x, RT_DETAILS), x->f.section);
    rs_next(s);
    const char *heads[GAPS_LAST_COL + 1] = {rx_t(x, RT_NAME),
                                            rx_t(x, RT_MEASURE),
                                            rx_t(x, RT_FROM),
                                            rx_t(x, RT_TO),
                                            rx_t(x, RT_DIFF),
                                            "t",
                                            "df",
                                            "p",
                                            rx_t(x, RT_P_HOLM),
                                            "g",
                                            rx_t(x, RT_CI_LOW),
                                            rx_t(x, RT_CI_HIGH)};
    rs_height(s, 30);
    for (lxw_col_t c = 0; c <= GAPS_LAST_COL; c++)
        rs_str(s, c, heads[c], c < 4 ? x->f.head : x->f.head_num);
    rs_next(s);
    for (int k = 0; k < 2; k++) {
        size_t i, j;
        json_t *g, *gap;
        json_array_foreach(json_object_get(x->a, kinds[k].array), i, g)
        {
            const char *name = group_label(x, &kinds[k], g);
            json_array_foreach(json_object_get(g, "gaps"), j, gap)
            {
                if (rx_layer_suppressed(x, json_string_value(json_object_get(gap, "from"))) ||
                    rx_layer_suppressed(x, json_string_value(json_object_get(gap, "to"))))
                    continue;
                detail_row(s, name, gap);
            }
        }
    }
}

int rx_sheet_gaps(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_GAPS) < 0) return -1;
    rs_width(&s, 0, 0, 24, NULL);
    rs_width(&s, 1, 1, 18, NULL); /* also the measure of the ANOVA and the details */
    rs_width(&s, 2, 15, 11, NULL);
    rs_title(&s, rx_t(x, RT_GAPS_TITLE), rx_t(x, RT_GAPS_NOTE), GAPS_LAST_COL);
    if (rs_suppressed_note(&s, GAPS_LAST_COL) < 0) return -1;
    for (int k = 0; k < 2; k++)
        for (int m = 0; m < MEASURE_COUNT; m++)
            gap_matrix(&s, &kinds[k], measure_key(m));
    anova_table(&s);
    detail_table(&s);
    return rs_close(&s);
}

/* ------------------------------------------------------------------------
 * Per vraag
 * ------------------------------------------------------------------------ */

enum {
    IT_KEY,
    IT_LAYER,
    IT_THEME,
    IT_DOMAIN,
    IT_TYPE,
    IT_CORE,
    IT_TEXT,
    IT_N,
    IT_MEAN,
    IT_SD,
    IT_CI_LO,
    IT_CI_HI,
    IT_DK,
    IT_DIST /* first distribution column */
};

/* Answer values (or options) of the widest distribution of a scored item. */
static int dist_width(const instrument *in)
{
    int w = 0;
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        int n = it->type == ITEM_INTENT   ? (int)it->n_options
                : it->type == ITEM_GRADE  ? 10
                : it->type == ITEM_LIKERT ? it->points
                                          : 0;
        if (n > w) w = n;
    }
    return w > 16 ? 16 : w;
}

/* The statistics of an item cell: its "score" or "knowledge" object, or
 * the cell itself when the statistics are not nested. */
static json_t *item_stat(json_t *cell)
{
    json_t *m = json_object_get(cell, measure_key(MEASURE_SCORE));
    if (!m) m = json_object_get(cell, measure_key(MEASURE_KNOWLEDGE));
    return m ? m : cell;
}

/* Member key of the statistics object, else of the cell. */
static json_t *item_field(json_t *cell, json_t *stat, const char *key)
{
    json_t *v = json_object_get(stat, key);
    return v ? v : json_object_get(cell, key);
}

static json_t *dist_count(json_t *dist, const tm_item *it, int v)
{
    if (json_is_array(dist)) return json_array_get(dist, (size_t)v);
    char key[16];
    if (it && (it->type == ITEM_INTENT || it->type == ITEM_CHOICE)) {
        if ((size_t)v >= it->n_options) return NULL;
        return json_object_get(dist, it->options[v].key);
    }
    snprintf(key, sizeof key, "%d", v + 1);
    return json_object_get(dist, key);
}

static void item_stats(rs_sheet *s, const tm_item *it, json_t *cell, int width)
{
    rx *x = s->x;
    json_t *st = item_stat(cell);
    json_t *ci = json_object_get(st, "ci95");
    lxw_col_t rwg = (lxw_col_t)(IT_DIST + width);
    rs_jnum(s, IT_N, json_object_get(st, "n"), x->f.int0);
    rs_jnum(s, IT_MEAN, json_object_get(st, "mean"), x->f.num1);
    rs_jnum(s, IT_SD, json_object_get(st, "sd"), x->f.num1);
    rs_jnum(s, IT_CI_LO, json_array_get(ci, 0), x->f.num1);
    rs_jnum(s, IT_CI_HI, json_array_get(ci, 1), x->f.num1);
    double dk = rx_dbl(st, "dont_know"), n = rx_dbl(st, "n");
    if (isnan(dk)) dk = rx_dbl(cell, "dont_know");
    /* intent items count "weet niet" among the answered (n); other items do not */
    double answered = it && it->type == ITEM_INTENT ? n : n + dk;
    rs_num(s, IT_DK, !isnan(dk) && answered > 0 ? dk / answered : NAN, x->f.pct1);
    json_t *dist = item_field(cell, st, "distribution");
    for (int v = 0; v < width; v++)
        rs_jnum_or_blank(s, (lxw_col_t)(IT_DIST + v), dist_count(dist, it, v), x->f.int0);
    json_t *r = item_field(cell, st, "rwg");
    if (r || (it && it->type == ITEM_LIKERT)) rs_jnum(s, rwg, r, x->f.num2);
}

static void item_suppressed(rs_sheet *s, int width)
{
    lxw_col_t cols[] = {
        IT_N, IT_MEAN, IT_SD, IT_CI_LO, IT_CI_HI, IT_DK, (lxw_col_t)(IT_DIST + width)};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        rs_str(s, cols[i], s->x->supp_text, s->x->f.supp);
}

static void item_row(rs_sheet *s, json_t *item, const tm_item *it, json_t *cell, int width)
{
    rx *x = s->x;
    const char *layer = json_string_value(json_object_get(cell, "layer"));
    rs_str(s, IT_KEY, json_string_value(json_object_get(item, "item")), x->f.text);
    if (it) {
        /* the question text wraps in its column, so that it prints whole */
        const char *q = tm_text_get(it->text, x->lang);
        rs_height(s, rs_text_height(q ? q : "", s->width[IT_TEXT], 11));
        if (it->theme >= 0)
            rs_str(s, IT_THEME, rx_theme_label(x, x->in->themes[it->theme].key), x->f.text);
        if (it->domain >= 0)
            rs_str(s, IT_DOMAIN, rx_domain_label(x, x->in->domains[it->domain].key), x->f.text);
        rs_str(s, IT_TYPE, rt_item_type(it->type, x->lang), x->f.text);
        rs_str(s, IT_TEXT, q, x->f.wrap);
    }
    json_t *core = json_object_get(item, "core");
    if (json_is_boolean(core))
        rs_str(s, IT_CORE, rx_t(x, json_is_true(core) ? RT_YES : RT_NO), x->f.text);
    rs_str(s, IT_LAYER, rx_layer_label(x, layer), x->f.text);
    json_t *st = item_stat(cell);
    if (rx_cell_state(x, st) == RX_SUPPRESSED ||
        (st != cell && json_is_true(json_object_get(cell, "suppressed"))))
        item_suppressed(s, width);
    else
        item_stats(s, it, cell, width);
    rs_next(s);
}

static void items_head(rs_sheet *s, int width)
{
    rx *x = s->x;
    rt_id heads[IT_DIST] = {RT_ITEM,   RT_LAYER,     RT_THEME,   RT_DOMAIN, RT_TYPE,
                            RT_CORE,   RT_ITEM_TEXT, RT__COUNT,  RT_MEAN,   RT_SD,
                            RT_CI_LOW, RT_CI_HIGH,   RT_DK_SHARE};
    rs_height(s, 30);
    for (lxw_col_t c = 0; c < IT_DIST; c++)
        rs_str(s, c, heads[c] == RT__COUNT ? "n" : rx_t(x, heads[c]),
               c < IT_N ? x->f.head : x->f.head_num);
    for (int v = 0; v < width; v++)
        rs_check(
            s,
            worksheet_write_number(s->ws, s->row, (lxw_col_t)(IT_DIST + v), v + 1, x->f.head_num),
            (lxw_col_t)(IT_DIST + v));
    rs_str(s, (lxw_col_t)(IT_DIST + width), rx_t(x, RT_RWG), x->f.head_num);
    rs_next(s);
}

int rx_sheet_items(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_ITEMS) < 0) return -1;
    int width = dist_width(x->in);
    lxw_col_t last = (lxw_col_t)(IT_DIST + width);
    rs_width(&s, IT_KEY, IT_KEY, 16, NULL);
    rs_width(&s, IT_THEME, IT_THEME, 18, NULL);
    rs_width(&s, IT_DOMAIN, IT_DOMAIN, 14, NULL);
    rs_width(&s, IT_TYPE, IT_TYPE, 18, NULL);
    rs_width(&s, IT_CORE, IT_CORE, 6, NULL);
    rs_width(&s, IT_TEXT, IT_TEXT, 50, NULL);
    rs_width(&s, IT_LAYER, IT_LAYER, 12, NULL);
    rs_width(&s, IT_N, IT_N, 6, NULL);
    rs_width(&s, IT_MEAN, IT_MEAN, 12, NULL);
    rs_width(&s, IT_SD, IT_DK, 10, NULL);
    rs_width(&s, IT_DIST, (lxw_col_t)(IT_DIST + width - 1), 5, NULL);
    rs_width(&s, last, last, 7, NULL);
    rs_title(&s, rx_t(x, RT_ITEMS_TITLE), rx_t(x, RT_ITEMS_NOTE), IT_TEXT);
    if (rs_suppressed_note(&s, IT_TEXT) < 0) return -1;
    lxw_row_t head = s.row;
    items_head(&s, width);
    size_t i, j;
    json_t *item, *cell;
    json_array_foreach(json_object_get(x->a, "items"), i, item)
    {
        const tm_item *it =
            instrument_item(x->in, json_string_value(json_object_get(item, "item")));
        const char *m = json_string_value(json_object_get(item, "measure"));
        json_array_foreach(json_object_get(item, "layers"), j, cell)
        {
            if (rx_layer_suppressed(x, json_string_value(json_object_get(cell, "layer")))) continue;
            /* null: the item is not asked of this layer, a row of dashes */
            if (m && json_is_null(json_object_get(cell, m))) continue;
            item_row(&s, item, it, cell, width);
        }
    }
    worksheet_freeze_panes(s.ws, head + 1, 2);
    rs_check(&s, worksheet_repeat_rows(s.ws, head, head), 0);
    rs_check(&s, worksheet_autofilter(s.ws, head, 0, s.row > head + 1 ? s.row - 1 : head + 1, last),
             0);
    return rs_close(&s);
}
