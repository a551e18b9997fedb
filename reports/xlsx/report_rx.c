/* report_rx.c - rx, the report being written: what the sheets look up in
 * the analysis JSON (cells, layers, labels, pairs of layers) and its texts in
 * the report's language (report_text.h, core/text.h).
 */
#define REPORT_XLSX_INTERNAL
#include "reports/xlsx/report_xlsx.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
    return rt_get(id, x->lang);
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

const char *rx_fill(rx *x, const char *tmpl, const tm_text_var *vars)
{
    strbuf_reset(&x->scratch);
    if (tm_text_fill(&x->scratch, tmpl, vars) < 0) {
        rx_oom(x);
        return NULL;
    }
    return x->scratch.buf;
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

static int measure_is(json_t *e, const char *mkey)
{
    const char *m = json_string_value(json_object_get(e, "measure"));
    return !mkey || (m && strcmp(m, mkey) == 0);
}

size_t rx_pairs(const rx *x, json_t *groups, const char *member, const char *mkey, rx_pair *out)
{
    size_t n = 0, i, j;
    json_t *g, *e;
    rx_pair p;
    json_array_foreach(groups, i, g)
    {
        json_array_foreach(json_object_get(g, member), j, e)
        {
            if (measure_is(e, mkey) && entry_pair(x, e, &p)) n = rx_pair_add(x, out, n, p);
        }
    }
    return n;
}

json_t *rx_pair_find(const rx *x, json_t *arr, rx_pair p, const char *mkey)
{
    size_t i;
    json_t *e;
    rx_pair q;
    json_array_foreach(arr, i, e)
    {
        if (measure_is(e, mkey) && entry_pair(x, e, &q) && q.from == p.from && q.to == p.to)
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
    json_t *t = rx_find(json_object_get(x->a, "themes"), "theme", theme);
    const char *m = json_string_value(json_object_get(t, "carry_measure"));
    if (m) return m;
    int ti = theme ? instrument_theme_index(x->in, theme) : -1;
    for (size_t k = 0; ti >= 0 && k < x->in->n_items; k++)
        if (x->in->items[k].theme == ti && x->in->items[k].type == ITEM_INTENT)
            return measure_key(MEASURE_KNOWLEDGE);
    return measure_key(MEASURE_SCORE);
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

const char *rx_measure_label(const rx *x, const char *m)
{
    const char *label = measure_label(measure_from_key(m), x->lang);
    return label ? label : m ? m : "";
}

/* label with an upper-case first letter (ASCII), into buf. */
static char *capital(const char *label, char *buf, size_t size)
{
    snprintf(buf, size, "%s", label ? label : "");
    if (buf[0] >= 'a' && buf[0] <= 'z') buf[0] = (char)(buf[0] - 'a' + 'A');
    return buf;
}

const char *rx_fill_std(rx *x, const char *tmpl, const tm_text_var *vars)
{
    char k[16], goed[32], aandacht[32], score_c[64], knowledge_c[64], sd[256], kd[256];
    snprintf(k, sizeof k, "%d", x->k);
    story_number(x->in->band_goed, 0, x->lang, goed, sizeof goed);
    story_number(x->in->band_aandacht, 0, x->lang, aandacht, sizeof aandacht);
    const tm_text_var std[] = {
        {"k", k},
        {"goed", goed},
        {"aandacht", aandacht},
        {"score", measure_label(MEASURE_SCORE, x->lang)},
        {"Score", capital(measure_label(MEASURE_SCORE, x->lang), score_c, sizeof score_c)},
        {"knowledge", measure_label(MEASURE_KNOWLEDGE, x->lang)},
        {"Knowledge",
         capital(measure_label(MEASURE_KNOWLEDGE, x->lang), knowledge_c, sizeof knowledge_c)},
        {"score_description", measure_description(MEASURE_SCORE, x->lang)},
        {"knowledge_description", measure_description(MEASURE_KNOWLEDGE, x->lang)},
        {"Score_description", capital(measure_description(MEASURE_SCORE, x->lang), sd, sizeof sd)},
        {"Knowledge_description",
         capital(measure_description(MEASURE_KNOWLEDGE, x->lang), kd, sizeof kd)},
        {NULL, NULL}};
    /* the standard values first, then the caller's (whose values, names of
     * items or organisations, are never read as a template themselves) */
    strbuf first = STRBUF_INIT(1u << 20);
    tm_text_fill(&first, tmpl, std);
    const char *out = rx_fill(x, first.buf, vars);
    if (first.status != STRBUF_OK) out = NULL, rx_oom(x);
    strbuf_release(&first);
    return out;
}

const char *rx_story(rx *x, const story_fact *f)
{
    strbuf_reset(&x->scratch);
    if (story_sentence(f, x->a, x->in, x->lang, &x->scratch) < 0) {
        rx_oom(x);
        return NULL;
    }
    return x->scratch.buf;
}

const char *rx_band_label(const rx *x, const char *band)
{
    const char *s = story_band_label(band, x->lang);
    return s ? s : "–";
}

const char *rx_word(rx *x, story_word_id id, const tm_text_var *vars)
{
    strbuf_reset(&x->scratch);
    if (story_word(id, x->in, x->k, x->lang, vars, &x->scratch) < 0) {
        rx_oom(x);
        return NULL;
    }
    return x->scratch.buf;
}
