/* report_sheets_talk.c - the Gesprek (dialogue) and Regelkaart (rules map)
 * sheets of the full report.
 *
 * Gesprek: for the dialogue session after the survey, the three largest
 * losses along the chain, the three strongest points and the rules the
 * layers disagree on or find hindering (reports/analysis/story.h picks
 * them), each with its figures, a plain sentence, the question to discuss
 * ("Herkent u dit? Wat is hier nodig?") and room for notes.
 *
 * Regelkaart: the wave's own rules x the shown layers, each cell the net
 * rating (-100 hinders .. +100 helps, a colour scale from red to green),
 * the cells of a conflict (two layers 50 points or more apart) bold and
 * boxed, the conflicts in words; then every count per rule and layer.
 */
#define REPORT_XLSX_INTERNAL
#include "reports/xlsx/report_xlsx.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Gesprek
 * ------------------------------------------------------------------------ */

enum {
    TK_NR,
    TK_WHAT,   /* theme or rule */
    TK_LAYERS, /* from -> to */
    TK_MEASURE,
    TK_A, /* from's figure; temperature */
    TK_B, /* to's figure; grade */
    TK_C, /* difference; band */
    TK_P, /* p (Holm) */
    TK_SEEN,
    TK_ASK,
    TK_NOTES,
    TK_COLS
};

static void talk_head(rs_sheet *s, const rt_id *heads)
{
    rx *x = s->x;
    rs_height(s, 30);
    for (lxw_col_t c = 0; c < TK_COLS; c++) {
        const char *h = heads[c] == RT__COUNT ? "" : rx_t(x, heads[c]);
        rs_str(s, c, h, c >= TK_A && c <= TK_P ? x->f.head_num : x->f.head);
    }
    rs_next(s);
}

/* The sentence, the question and the row's height; then the next row. */
static int talk_tail(rs_sheet *s, const story_fact *f)
{
    rx *x = s->x;
    const char *seen = rx_story(x, f);
    if (!seen) return -1;
    double h = rs_text_height(seen, s->width[TK_SEEN], 10);
    double h2 = rs_text_height(rx_t(x, RT_TALK_QUESTION), s->width[TK_ASK], 10);
    double h3 =
        rs_text_height(f->src && json_is_object(f->src) ? story_rule_text(f->src, x->lang) : "",
                       s->width[TK_WHAT], 10);
    rs_height(s, fmax(h, fmax(h2, h3)));
    rs_str(s, TK_SEEN, seen, x->f.wrap_pad);
    rs_str(s, TK_ASK, rx_t(x, RT_TALK_QUESTION), x->f.wrap_bold);
    rs_str(s, TK_NOTES, "", x->f.wrap);
    rs_next(s);
    return 0;
}

static void pair_text(const rx *x, const char *from, const char *to, char *buf, size_t size)
{
    snprintf(buf, size, "%s → %s", rx_layer_label(x, from), rx_layer_label(x, to));
}

static int talk_losses(rs_sheet *s)
{
    rx *x = s->x;
    static const rt_id heads[TK_COLS] = {RT_TALK_NR,   RT_THEME,    RT_CHAIN_SPAN, RT_MEASURE,
                                         RT_FROM,      RT_TO,       RT_DIFF,       RT_P_HOLM,
                                         RT_TALK_SEEN, RT_TALK_ASK, RT_TALK_NOTES};
    story_fact f[3];
    size_t n = story_losses(x->a, f, 3);
    rs_str(s, 0, rx_t(x, RT_TALK_LOSSES), x->f.section);
    rs_next(s);
    talk_head(s, heads);
    char pair[200];
    for (size_t i = 0; i < n; i++) {
        rs_num(s, TK_NR, (double)(i + 1), x->f.int_left);
        rs_str(s, TK_WHAT,
               rx_theme_label(x, json_string_value(json_object_get(f[i].theme, "theme"))),
               x->f.wrap);
        pair_text(x, f[i].from, f[i].to, pair, sizeof pair);
        rs_str(s, TK_LAYERS, pair, x->f.wrap);
        rs_str(s, TK_MEASURE, measure_label(f[i].measure, x->lang), x->f.text);
        rs_num(s, TK_A, f[i].a, x->f.num1);
        rs_num(s, TK_B, f[i].b, x->f.num1);
        int sig = !isnan(f[i].p_holm) && f[i].p_holm < STORY_ALPHA;
        rs_jnum(s, TK_C, json_object_get(f[i].src, "diff"), sig ? x->f.num1_bold : x->f.num1);
        rs_jnum(s, TK_P, json_object_get(f[i].src, "p_holm"), x->f.p);
        if (talk_tail(s, &f[i]) < 0) return -1;
    }
    if (n == 0) rs_wrapped(s, TK_NOTES, rx_t(x, RT_TALK_NONE), x->f.note, 9);
    rs_next(s);
    return 0;
}

static int talk_strengths(rs_sheet *s)
{
    rx *x = s->x;
    static const rt_id heads[TK_COLS] = {RT_TALK_NR,    RT_THEME,       RT__COUNT,    RT_BASED_ON,
                                         RT_TEMP_SHORT, RT_GRADE_SHORT, RT_BAND,      RT__COUNT,
                                         RT_TALK_SEEN,  RT_TALK_ASK,    RT_TALK_NOTES};
    story_fact f[3];
    size_t n = story_strengths(x->a, f, 3);
    rs_str(s, 0, rx_t(x, RT_TALK_STRENGTHS), x->f.section);
    rs_next(s);
    talk_head(s, heads);
    for (size_t i = 0; i < n; i++) {
        json_t *t = f[i].theme, *th = json_object_get(t, "thermometer");
        const char *key = json_string_value(json_object_get(t, "theme"));
        const char *band = json_string_value(json_object_get(th, "band"));
        int b = rx_band(band);
        rs_num(s, TK_NR, (double)(i + 1), x->f.int_left);
        rs_str(s, TK_WHAT, rx_theme_label(x, key), x->f.wrap);
        rs_str(s, TK_MEASURE, rx_measure_label(x, rx_carry_measure(x, key)), x->f.text);
        rs_jnum(s, TK_A, json_object_get(th, "temperature"), x->f.num1);
        rs_jnum(s, TK_B, json_object_get(th, "grade"), b >= 0 ? x->f.band_num[b] : x->f.num1);
        rs_str(s, TK_C, rx_band_label(x, band), b >= 0 ? x->f.band_text[b] : x->f.dash);
        if (talk_tail(s, &f[i]) < 0) return -1;
    }
    if (n == 0) rs_wrapped(s, TK_NOTES, rx_t(x, RT_TALK_NONE), x->f.note, 9);
    rs_next(s);
    return 0;
}

static int talk_rules(rs_sheet *s)
{
    rx *x = s->x;
    static const rt_id heads[TK_COLS] = {RT_TALK_NR,   RT_RULE,     RT_CHAIN_SPAN, RT__COUNT,
                                         RT_NET_FROM,  RT_NET_TO,   RT_DIFF,       RT__COUNT,
                                         RT_TALK_SEEN, RT_TALK_ASK, RT_TALK_NOTES};
    story_fact f[5];
    size_t n = story_rules(x->a, f, 5);
    rs_str(s, 0, rx_t(x, RT_TALK_RULES), x->f.section);
    rs_next(s);
    if (json_array_size(json_object_get(x->a, "rules")) == 0) {
        rs_wrapped(s, TK_NOTES, rx_t(x, RT_RULES_NONE), x->f.note, 9);
        return 0;
    }
    talk_head(s, heads);
    char pair[200];
    for (size_t i = 0; i < n; i++) {
        rs_num(s, TK_NR, (double)(i + 1), x->f.int_left);
        rs_str(s, TK_WHAT, story_rule_text(f[i].src, x->lang), x->f.wrap);
        if (f[i].kind == STORY_RULE_SPLIT) {
            pair_text(x, f[i].from, f[i].to, pair, sizeof pair);
            rs_str(s, TK_LAYERS, pair, x->f.wrap);
            rs_num(s, TK_A, f[i].a, x->f.signed0);
            rs_num(s, TK_B, f[i].b, x->f.signed0);
            rs_num(s, TK_C, f[i].diff, x->f.num0);
        } else {
            rs_str(s, TK_LAYERS, rx_layer_label(x, f[i].to), x->f.wrap);
            rs_num(s, TK_B, f[i].a, x->f.signed0);
        }
        if (talk_tail(s, &f[i]) < 0) return -1;
    }
    if (n == 0) rs_wrapped(s, TK_NOTES, rx_t(x, RT_TALK_NONE), x->f.note, 9);
    return 0;
}

int rx_sheet_talk(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_TALK) < 0) return -1;
    rs_width(&s, TK_NR, TK_NR, 5, NULL);
    rs_width(&s, TK_WHAT, TK_WHAT, 24, NULL);
    rs_width(&s, TK_LAYERS, TK_LAYERS, 20, NULL);
    rs_width(&s, TK_MEASURE, TK_MEASURE, 18, NULL);
    rs_width(&s, TK_A, TK_B, 12.5, NULL);
    rs_width(&s, TK_C, TK_C, 16, NULL);
    rs_width(&s, TK_P, TK_P, 9, NULL);
    rs_width(&s, TK_SEEN, TK_SEEN, 42, NULL);
    rs_width(&s, TK_ASK, TK_ASK, 20, NULL);
    rs_width(&s, TK_NOTES, TK_NOTES, 26, NULL);
    rs_title(&s, rx_t(x, RT_TALK_TITLE), rx_t(x, RT_TALK_NOTE), TK_NOTES);
    if (rs_suppressed_note(&s, TK_NOTES) < 0) return -1;
    if (talk_losses(&s) < 0 || talk_strengths(&s) < 0 || talk_rules(&s) < 0) return -1;
    return rs_close(&s);
}

/* ------------------------------------------------------------------------
 * Regelkaart
 * ------------------------------------------------------------------------ */

#define RM_FIRST_LAYER_COL 1
#define RM_CONFLICT_COLS 3 /* the conflicts' text is merged over this many columns */

/* Whether layer key of rule r is in one of its conflicts. */
static int in_conflict(json_t *rule, const char *layer)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rule, "conflicts"), i, c)
    {
        const char *f = json_string_value(json_object_get(c, "from"));
        const char *t = json_string_value(json_object_get(c, "to"));
        if (layer && ((f && !strcmp(f, layer)) || (t && !strcmp(t, layer)))) return 1;
    }
    return 0;
}

/* The conflicts of rule r in words ("Beleid → Uitvoering: 140"), "" when
 * none; in x->scratch. */
static const char *conflicts_text(rx *x, json_t *rule)
{
    strbuf_reset(&x->scratch);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rule, "conflicts"), i, c)
    {
        const char *f = json_string_value(json_object_get(c, "from"));
        const char *t = json_string_value(json_object_get(c, "to"));
        if (rx_layer_suppressed(x, f) || rx_layer_suppressed(x, t)) continue;
        char d[32];
        story_number(fabs(rx_dbl(c, "diff")), 0, x->lang, d, sizeof d);
        strbuf_addf(&x->scratch, "%s%s → %s: %s", x->scratch.len ? "; " : "", rx_layer_label(x, f),
                    rx_layer_label(x, t), d);
    }
    return x->scratch.status == STRBUF_OK ? x->scratch.buf : NULL;
}

static void rules_map(rs_sheet *s, json_t *rules)
{
    rx *x = s->x;
    lxw_col_t conflicts_col = (lxw_col_t)(RM_FIRST_LAYER_COL + x->n_active);
    rs_height(s, 30);
    rs_str(s, 0, rx_t(x, RT_RULE), x->f.head);
    for (size_t a = 0; a < x->n_active; a++)
        rs_str(s, (lxw_col_t)(RM_FIRST_LAYER_COL + a),
               rx_layer_label(x, x->in->layers[x->active[a]].key), x->f.head_num);
    rs_merge(s, conflicts_col, (lxw_col_t)(conflicts_col + RM_CONFLICT_COLS - 1),
             rx_t(x, RT_CONFLICTS), x->f.head);
    rs_next(s);
    lxw_row_t first = s->row;
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r)
    {
        const char *text = story_rule_text(r, x->lang);
        const char *conf = conflicts_text(x, r);
        double h = rs_text_height(text ? text : "", s->width[0], 11);
        double cw = 0;
        for (lxw_col_t c = conflicts_col; c < conflicts_col + RM_CONFLICT_COLS; c++)
            cw += c < RS_TRACKED_COLS ? s->width[c] : LXW_DEF_COL_WIDTH;
        rs_height(s, fmax(h, rs_text_height(conf ? conf : "", cw, 11)));
        rs_merge(s, conflicts_col, (lxw_col_t)(conflicts_col + RM_CONFLICT_COLS - 1),
                 conf ? conf : "", x->f.wrap_pad);
        rs_str(s, 0, text ? text : json_string_value(json_object_get(r, "rule")), x->f.wrap);
        for (size_t a = 0; a < x->n_active; a++) {
            const char *lk = x->in->layers[x->active[a]].key;
            json_t *rating =
                json_object_get(rx_find(json_object_get(r, "layers"), "layer", lk), "rating");
            lxw_col_t col = (lxw_col_t)(RM_FIRST_LAYER_COL + a);
            if (rx_cell_state(x, rating) == RX_SUPPRESSED)
                rs_str(s, col, x->supp_text, x->f.supp);
            else
                rs_jnum(s, col, json_object_get(rating, "net"),
                        in_conflict(r, lk) ? x->f.conflict : x->f.signed0);
        }
        rs_next(s);
    }
    if (s->row > first && x->n_active) {
        lxw_conditional_format cf = {.type = LXW_CONDITIONAL_3_COLOR_SCALE,
                                     .min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                     .min_value = -100,
                                     .min_color = 0xF8696B,
                                     .mid_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                     .mid_value = 0,
                                     .mid_color = 0xFFFFFF,
                                     .max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                     .max_value = 100,
                                     .max_color = 0x63BE7B};
        rs_check(s,
                 worksheet_conditional_format_range(s->ws, first, RM_FIRST_LAYER_COL, s->row - 1,
                                                    conflicts_col - 1, &cf),
                 RM_FIRST_LAYER_COL);
    }
    rs_next(s);
}

static void rules_counts(rs_sheet *s, json_t *rules)
{
    rx *x = s->x;
    static const rt_id heads[8] = {RT_RULE,     RT_LAYER,     RT_RATINGS,  RT_HELPT,
                                   RT_NEUTRAAL, RT_BELEMMERT, RT_ONBEKEND, RT_NET};
    static const char *const fields[6] = {"n", "helpt", "neutraal", "belemmert", "onbekend", "net"};
    rs_str(s, 0, rx_t(x, RT_RULES_COUNTS), x->f.section);
    rs_next(s);
    rs_height(s, 30);
    for (lxw_col_t c = 0; c < 8; c++)
        rs_str(s, c, rx_t(x, heads[c]), c < 2 ? x->f.head : x->f.head_num);
    rs_next(s);
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r)
    {
        const char *text = story_rule_text(r, x->lang);
        for (size_t a = 0; a < x->n_active; a++) {
            const char *lk = x->in->layers[x->active[a]].key;
            json_t *rating =
                json_object_get(rx_find(json_object_get(r, "layers"), "layer", lk), "rating");
            rs_height(s, rs_text_height(text ? text : "", s->width[0], 11));
            rs_str(s, 0, text ? text : json_string_value(json_object_get(r, "rule")), x->f.wrap);
            rs_str(s, 1, rx_layer_label(x, lk), x->f.text);
            for (int f = 0; f < 6; f++) {
                lxw_col_t col = (lxw_col_t)(2 + f);
                if (rx_cell_state(x, rating) == RX_SUPPRESSED)
                    rs_str(s, col, x->supp_text, x->f.supp);
                else
                    rs_jnum(s, col, json_object_get(rating, fields[f]),
                            f == 5 ? x->f.signed0 : x->f.int0);
            }
            rs_next(s);
        }
    }
}

int rx_sheet_rules(rx *x)
{
    rs_sheet s;
    if (rs_open(x, &s, RT_SHEET_RULES) < 0) return -1;
    lxw_col_t conflicts_col = (lxw_col_t)(RM_FIRST_LAYER_COL + x->n_active);
    /* every column but the rules' 13 wide: the map's layers and the counts'
     * figures share them, the conflicts are merged over RM_CONFLICT_COLS */
    rs_width(&s, 0, 0, 46, NULL);
    rs_width(&s, 1, (lxw_col_t)(conflicts_col + RM_CONFLICT_COLS), 13, NULL);
    const char *note = rx_fill_std(x, rx_t(x, RT_RULES_NOTE), NULL);
    if (!note) return -1;
    lxw_col_t last = (lxw_col_t)(conflicts_col + RM_CONFLICT_COLS - 1);
    rs_title(&s, rx_t(x, RT_RULES_TITLE), note, last);
    if (rs_suppressed_note(&s, last) < 0) return -1;
    json_t *rules = json_object_get(x->a, "rules");
    if (json_array_size(rules) == 0) {
        rs_str(&s, 0, rx_t(x, RT_RULES_NONE), x->f.note);
        rs_next(&s);
        return rs_close(&s);
    }
    rules_map(&s, rules);
    rules_counts(&s, rules);
    return rs_close(&s);
}
