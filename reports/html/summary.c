/* summary.c - see summary.h. The facts and words come from
 * reports/analysis/story.h, as the council workbook's do. */
#include "reports/html/summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"
#include "reports/analysis/measures.h"
#include "reports/analysis/story.h"
#include "reports/html/svg_bar.h"
#include "reports/html/svg_lines.h"

#define MAX_LAYERS INSTRUMENT_MAX_LAYERS
#define MAX_THEMES 64
#define PAGES 3

/* One page being written. */
typedef struct page {
    const summary_input *s;
    json_t *a;
    const char *lang;
    int k;
    const char *shown[MAX_LAYERS]; /* the shown layers' keys, chain order */
    size_t n_shown;
    strbuf *b;
    strbuf tmp; /* a word or sentence being built */
} page;

static const char *const band_colours[3] = {"#63BE7B", "#FFC000", "#E0565B"};

static int band_index(const char *band)
{
    if (!band) return -1;
    if (!strcmp(band, "goed")) return 0;
    if (!strcmp(band, "aandacht")) return 1;
    if (!strcmp(band, "zorg")) return 2;
    return -1;
}

/* A word of the summary (story.h), escaped onto the page. */
static void word(page *p, story_word_id id, const tm_text_var *vars)
{
    strbuf_reset(&p->tmp);
    story_word(id, p->s->in, p->k, p->lang, vars, &p->tmp);
    html_escape(p->b, p->tmp.buf);
}

/* The same into p->tmp, for an attribute or a later use. */
static const char *word_tmp(page *p, story_word_id id, const tm_text_var *vars)
{
    strbuf_reset(&p->tmp);
    story_word(id, p->s->in, p->k, p->lang, vars, &p->tmp);
    return p->tmp.buf;
}

static void number(page *p, double v, int decimals)
{
    char buf[32];
    strbuf_adds(p->b, story_number(v, decimals, p->lang, buf, sizeof buf));
}

static const char *theme_key(json_t *t)
{
    return json_string_value(json_object_get(t, "theme"));
}

/* ------------------------------------------------------------------------
 * Page 1
 * ------------------------------------------------------------------------ */

static void front_head(page *p)
{
    json_t *wave = json_object_get(p->a, "wave");
    strbuf *b = p->b;
    strbuf_adds(b, "<header class=\"page-head\"><p class=\"org\">");
    html_escape(b, json_string_value(json_object_get(wave, "organisation")));
    strbuf_adds(b, " · ");
    html_escape(b, json_string_value(json_object_get(wave, "name")));
    strbuf_adds(b, "</p><h1 id=\"title\">");
    word(p, SW_TITLE, NULL);
    strbuf_adds(b, "</h1><p class=\"response\"><strong>");
    word(p, SW_RESPONSE, NULL);
    strbuf_adds(b, ":</strong> ");
    strbuf_reset(&p->tmp);
    story_response_line(p->a, p->s->progress, p->lang, &p->tmp);
    html_escape(b, p->tmp.buf);
    strbuf_adds(b, "</p>");
    strbuf_reset(&p->tmp);
    if (story_reference_note(p->a, p->s->in, p->lang, &p->tmp) > 0) {
        strbuf_adds(b, "<p class=\"note\">");
        html_escape(b, p->tmp.buf);
        strbuf_adds(b, "</p>");
    }
    strbuf_adds(b, "</header>");
}

/* The chain chart: beleving per shown layer, one line per theme that has
 * a value to show. */
static void front_chart(page *p)
{
    json_t *themes = json_object_get(p->a, "themes"), *t;
    size_t n_t = json_array_size(themes), i, n = 0;
    if (n_t > MAX_THEMES) n_t = MAX_THEMES;
    double *values = calloc(n_t * (p->n_shown ? p->n_shown : 1) + 1, sizeof *values);
    svg_line lines[MAX_THEMES];
    const char *cats[MAX_LAYERS];
    if (!values) {
        strbuf_fail(p->b, STRBUF_NO_MEMORY);
        return;
    }
    for (size_t l = 0; l < p->n_shown; l++)
        cats[l] = story_layer_label(p->s->in, p->shown[l], p->lang);
    json_array_foreach(themes, i, t)
    {
        if (i >= n_t) break;
        double *v = values + n * p->n_shown;
        int any = 0;
        for (size_t l = 0; l < p->n_shown; l++) {
            v[l] = story_mean(p->a, t, p->shown[l], MEASURE_SCORE);
            any |= !isnan(v[l]);
        }
        if (!any) continue;
        lines[n++] = (svg_line){story_theme_label(p->s->in, theme_key(t), p->lang), v};
    }
    const tm_text_var vars[] = {{"measure", measure_label(MEASURE_SCORE, p->lang)}, {NULL, NULL}};
    char *title = strdup(word_tmp(p, SW_CHART_CHAIN, vars));
    if (!title) {
        free(values);
        strbuf_fail(p->b, STRBUF_NO_MEMORY);
        return;
    }
    strbuf_adds(p->b, "<figure class=\"chain\"><figcaption>");
    html_escape(p->b, title);
    strbuf_adds(p->b, "</figcaption>");
    svg_lines_chart c = {.id = "chain",
                         .title = title,
                         .cats = cats,
                         .n_cats = p->n_shown,
                         .lines = lines,
                         .n_lines = n,
                         .min = 0,
                         .max = 100,
                         .step = 20,
                         .lang = p->lang};
    svg_lines(p->b, &c);
    strbuf_adds(p->b, "</figure>");
    free(title);
    free(values);
}

static void thermo_row(page *p, json_t *t)
{
    strbuf *b = p->b;
    json_t *th = json_object_get(t, "thermometer");
    const char *band = json_string_value(json_object_get(th, "band"));
    int bi = band_index(band);
    json_t *temp = json_object_get(th, "temperature");
    const char *label = story_band_label(band, p->lang);
    strbuf_addf(b, "<tr class=\"band-%s\"><th scope=\"row\">", bi >= 0 ? band : "none");
    html_escape(b, story_theme_label(p->s->in, theme_key(t), p->lang));
    /* on a phone the band goes under the theme's name, its column hidden */
    strbuf_adds(b, "<span class=\"band band-inline\">");
    html_escape(b, label ? label : "–");
    strbuf_adds(b, "</span></th><td class=\"temp\">");
    svg_bar(b, json_is_number(temp) ? json_number_value(temp) : NAN, 100,
            bi >= 0 ? band_colours[bi] : "#a6a6a6");
    strbuf_adds(b, "<span class=\"num\">");
    number(p, json_is_number(temp) ? json_number_value(temp) : NAN, 0);
    strbuf_adds(b, "</span></td><td class=\"num grade\">");
    json_t *grade = json_object_get(th, "grade");
    number(p, json_is_number(grade) ? json_number_value(grade) : NAN, 1);
    strbuf_adds(b, "</td><td class=\"band-cell\"><span class=\"band\">");
    html_escape(b, label ? label : "–");
    strbuf_adds(b, "</span></td></tr>");
}

static void front_thermo(page *p)
{
    strbuf *b = p->b;
    strbuf_adds(b, "<div class=\"thermo\"><h2>");
    word(p, SW_THERMO, NULL);
    strbuf_adds(b, "</h2><div class=\"table-wrap\"><table class=\"thermo-table\"><thead><tr><th "
                   "scope=\"col\">");
    word(p, SW_THEME, NULL);
    strbuf_adds(b, "</th><th scope=\"col\" class=\"num\">");
    word(p, SW_TEMPERATURE, NULL);
    strbuf_adds(b, "</th><th scope=\"col\" class=\"num\">");
    word(p, SW_GRADE, NULL);
    strbuf_adds(b, "</th><th scope=\"col\" class=\"band-cell\">");
    word(p, SW_BAND, NULL);
    strbuf_adds(b, "</th></tr></thead><tbody>");
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(p->a, "themes"), i, t) thermo_row(p, t);
    strbuf_adds(b, "</tbody></table></div><p class=\"bands\">");
    strbuf_reset(&p->tmp);
    story_bands_line(p->s->in, p->lang, &p->tmp);
    html_escape(b, p->tmp.buf);
    strbuf_adds(b, "</p></div>");
}

/* The sentences of facts f[0..n) as a list of class cls (a literal). */
static void fact_list(page *p, const char *cls, const story_fact *f, size_t n)
{
    strbuf *b = p->b;
    strbuf_addf(b, "<ul class=\"%s\">", cls);
    for (size_t i = 0; i < n; i++) {
        strbuf_reset(&p->tmp);
        story_sentence(&f[i], p->a, p->s->in, p->lang, &p->tmp);
        strbuf_adds(b, "<li>");
        html_escape(b, p->tmp.buf);
        strbuf_adds(b, "</li>");
    }
    strbuf_adds(b, "</ul>");
}

static void front_findings(page *p)
{
    story_fact f[STORY_COUNCIL_MAX];
    size_t n = story_council(p->a, f, STORY_COUNCIL_MAX);
    strbuf_adds(p->b, "<h2>");
    word(p, SW_FINDINGS, NULL);
    strbuf_adds(p->b, "</h2>");
    fact_list(p, "findings", f, n);
}

/* ------------------------------------------------------------------------
 * Page 2
 * ------------------------------------------------------------------------ */

static void means_table(page *p, int m)
{
    strbuf *b = p->b;
    json_t *themes = json_object_get(p->a, "themes"), *t;
    size_t i, rows = 0;
    json_array_foreach(themes, i, t)
    {
        for (size_t l = 0; l < p->n_shown; l++)
            if (!isnan(story_mean(p->a, t, p->shown[l], m))) {
                rows++;
                break;
            }
    }
    if (!rows) return;
    char label[96];
    snprintf(label, sizeof label, "%s", measure_label(m, p->lang));
    if (label[0] >= 'a' && label[0] <= 'z') label[0] = (char)(label[0] - 'a' + 'A');
    const tm_text_var vars[] = {{"Measure", label}, {NULL, NULL}};
    strbuf_adds(b, "<div class=\"table-wrap\"><table class=\"means\"><caption>");
    word(p, SW_MEANS_OF, vars);
    strbuf_adds(b, "</caption><thead><tr><th scope=\"col\">");
    word(p, SW_THEME, NULL);
    strbuf_adds(b, "</th>");
    for (size_t l = 0; l < p->n_shown; l++) {
        strbuf_adds(b, "<th scope=\"col\" class=\"num\">");
        html_escape(b, story_layer_label(p->s->in, p->shown[l], p->lang));
        strbuf_adds(b, "</th>");
    }
    strbuf_adds(b, "</tr></thead><tbody>");
    json_array_foreach(themes, i, t)
    {
        int any = 0;
        for (size_t l = 0; l < p->n_shown; l++)
            any |= !isnan(story_mean(p->a, t, p->shown[l], m));
        if (!any) continue;
        strbuf_adds(b, "<tr><th scope=\"row\">");
        html_escape(b, story_theme_label(p->s->in, theme_key(t), p->lang));
        strbuf_adds(b, "</th>");
        for (size_t l = 0; l < p->n_shown; l++) {
            double v = story_mean(p->a, t, p->shown[l], m);
            strbuf_adds(b, "<td class=\"num\">");
            if (!isnan(v)) number(p, v, 0);
            strbuf_adds(b, "</td>");
        }
        strbuf_adds(b, "</tr>");
    }
    strbuf_adds(b, "</tbody></table></div>");
}

static void theme_blocks(page *p)
{
    strbuf *b = p->b;
    strbuf_adds(b, "<h3>");
    word(p, SW_IN_BRIEF, NULL);
    strbuf_adds(b, "</h3><dl class=\"brief\">");
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(p->a, "themes"), i, t)
    {
        story_fact f[3];
        size_t n = story_theme(p->a, t, f, 3);
        strbuf_adds(b, "<dt>");
        html_escape(b, story_theme_label(p->s->in, theme_key(t), p->lang));
        strbuf_adds(b, "</dt><dd>");
        strbuf_reset(&p->tmp);
        for (size_t k = 0; k < n; k++) {
            if (k) strbuf_addch(&p->tmp, ' ');
            story_sentence(&f[k], p->a, p->s->in, p->lang, &p->tmp);
        }
        html_escape(b, p->tmp.buf);
        strbuf_adds(b, "</dd>");
    }
    strbuf_adds(b, "</dl>");
}

/* The wave's rules in short, as on the workbook's second page. */
static void rules_block(page *p)
{
    if (json_array_size(json_object_get(p->a, "rules")) == 0) return;
    strbuf *b = p->b;
    strbuf_adds(b, "<h3>");
    word(p, SW_RULES, NULL);
    strbuf_adds(b, "</h3>");
    story_fact f[STORY_COUNCIL_RULES];
    size_t n = story_rules(p->a, f, STORY_COUNCIL_RULES);
    if (n == 0) {
        strbuf_adds(b, "<p class=\"rules\">");
        word(p, SW_RULES_CALM, NULL);
        strbuf_adds(b, "</p>");
        return;
    }
    fact_list(p, "rules", f, n);
}

/* ------------------------------------------------------------------------
 * Page 3
 * ------------------------------------------------------------------------ */

static void count_cell(page *p, double v, int decimals, int pct)
{
    strbuf_adds(p->b, "<td class=\"num\">");
    number(p, pct ? 100 * v : v, decimals);
    if (pct && !isnan(v)) strbuf_addch(p->b, '%');
    strbuf_adds(p->b, "</td>");
}

static json_t *response_layers(page *p)
{
    json_t *l = json_object_get(p->s->progress, "layers");
    return json_array_size(l) ? l : json_object_get(p->a, "response");
}

static void response_table(page *p)
{
    strbuf *b = p->b;
    story_word_id heads[] = {SW_LAYER, SW_INVITED, SW_COMPLETED, SW_IMPORTED, SW_RATE, SW_SHOWN};
    strbuf_adds(b, "<div class=\"table-wrap\"><table class=\"response\"><caption>");
    word(p, SW_RESPONSE, NULL);
    strbuf_adds(b, "</caption><thead><tr>");
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        strbuf_adds(b,
                    i == 0 || i == 5 ? "<th scope=\"col\">" : "<th scope=\"col\" class=\"num\">");
        word(p, heads[i], NULL);
        strbuf_adds(b, "</th>");
    }
    strbuf_adds(b, "</tr></thead><tbody>");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(p->a, "chain"), i, c)
    {
        const char *key = json_string_value(c);
        story_response r;
        size_t j;
        json_t *e, *entry = NULL;
        json_array_foreach(response_layers(p), j, e)
        {
            const char *lk = json_string_value(json_object_get(e, "layer"));
            if (lk && key && !strcmp(lk, key)) entry = e;
        }
        story_response_layer(entry, &r);
        strbuf_adds(b, "<tr><th scope=\"row\">");
        html_escape(b, story_layer_label(p->s->in, key, p->lang));
        strbuf_adds(b, "</th>");
        count_cell(p, r.invited, 0, 0);
        count_cell(p, r.online, 0, 0);
        count_cell(p, r.imported, 0, 0);
        count_cell(p, r.rate, 0, 1);
        strbuf_adds(b, "<td>");
        word(p, story_layer_shown(p->a, key) ? SW_YES : SW_NO_K, NULL);
        strbuf_adds(b, "</td></tr>");
    }
    story_response tot;
    story_response_count(p->a, p->s->progress, &tot);
    strbuf_adds(b, "</tbody><tfoot><tr><th scope=\"row\">");
    word(p, SW_TOTAL, NULL);
    strbuf_adds(b, "</th>");
    count_cell(p, tot.invited, 0, 0);
    count_cell(p, tot.online, 0, 0);
    count_cell(p, tot.imported, 0, 0);
    count_cell(p, tot.rate, 0, 1);
    strbuf_adds(b, "<td></td></tr></tfoot></table></div><p>");
    strbuf_reset(&p->tmp);
    story_response_line(p->a, p->s->progress, p->lang, &p->tmp);
    html_escape(b, p->tmp.buf);
    strbuf_adds(b, "</p>");
}

static void reading(page *p)
{
    strbuf *b = p->b;
    strbuf_adds(b, "<h3>");
    word(p, SW_READING, NULL);
    strbuf_adds(b, "</h3><dl class=\"reading\">");
    size_t n;
    const story_term *terms = story_reading(&n);
    for (size_t i = 0; i < n; i++) {
        strbuf_adds(b, "<dt>");
        strbuf_reset(&p->tmp);
        story_reading_term(&terms[i], p->k, p->lang, &p->tmp);
        html_escape(b, p->tmp.buf);
        strbuf_adds(b, "</dt><dd>");
        strbuf_reset(&p->tmp);
        story_reading_text(&terms[i], p->s->in, p->k, p->lang, &p->tmp);
        html_escape(b, p->tmp.buf);
        strbuf_adds(b, "</dd>");
    }
    strbuf_adds(b, "</dl>");
}

/* ------------------------------------------------------------------------
 * The document
 * ------------------------------------------------------------------------ */

static void page_foot(page *p, int n)
{
    json_t *wave = json_object_get(p->a, "wave");
    const tm_text_var vars[] = {
        {"organisation", json_string_value(json_object_get(wave, "organisation"))},
        {"wave", json_string_value(json_object_get(wave, "name"))},
        {NULL, NULL}};
    strbuf_adds(p->b, "<footer class=\"page-foot\"><span>");
    word(p, SW_PAGE_NOTE, vars);
    strbuf_addf(p->b, "</span><span>%d / %d</span>", n, PAGES);
    if (p->s->generated_at) {
        const tm_text_var when[] = {{"when", p->s->generated_at}, {NULL, NULL}};
        strbuf_adds(p->b, "<span>");
        word(p, SW_GENERATED, when);
        strbuf_adds(p->b, "</span>");
    }
    strbuf_adds(p->b, "</footer>");
}

static void document(page *p)
{
    strbuf *b = p->b;
    json_t *wave = json_object_get(p->a, "wave");
    strbuf_addf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">",
                strcmp(p->lang, "en") ? "nl" : "en");
    strbuf_adds(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<meta name=\"robots\" content=\"noindex\"><title>");
    word(p, SW_TITLE, NULL);
    strbuf_adds(b, " – ");
    html_escape(b, json_string_value(json_object_get(wave, "organisation")));
    strbuf_adds(b, "</title><link rel=\"stylesheet\" href=\"");
    html_escape(b, p->s->css_href);
    strbuf_adds(b, "\"></head><body><main>");

    strbuf_adds(b, "<section class=\"page page-1\" aria-labelledby=\"title\">");
    front_head(p);
    strbuf_adds(b, "<div class=\"front\">");
    front_chart(p);
    front_thermo(p);
    strbuf_adds(b, "</div>");
    front_findings(p);
    page_foot(p, 1);
    strbuf_adds(b, "</section>");

    strbuf_adds(b, "<section class=\"page page-2\" aria-labelledby=\"per-theme\"><h2 "
                   "id=\"per-theme\">");
    word(p, SW_PER_THEME, NULL);
    strbuf_adds(b, "</h2><p class=\"note\">");
    word(p, SW_PER_THEME_NOTE, NULL);
    strbuf_adds(b, "</p><div class=\"tables\">");
    means_table(p, MEASURE_SCORE);
    means_table(p, MEASURE_KNOWLEDGE);
    strbuf_adds(b, "</div>");
    theme_blocks(p);
    rules_block(p);
    page_foot(p, 2);
    strbuf_adds(b, "</section>");

    strbuf_adds(b, "<section class=\"page page-3\" aria-labelledby=\"guide\"><h2 id=\"guide\">");
    word(p, SW_RESPONSE_GUIDE, NULL);
    strbuf_adds(b, "</h2>");
    response_table(p);
    reading(p);
    page_foot(p, 3);
    strbuf_adds(b, "</section></main></body></html>\n");
}

char *summary_render(const summary_input *s, size_t *len, tm_error *err)
{
    if (!s || !s->in || !json_is_object(s->analysis) ||
        !json_is_array(json_object_get(s->analysis, "themes"))) {
        tm_error_set(err, 400, "the summary needs an analysis with a \"themes\" array");
        return NULL;
    }
    strbuf b = STRBUF_INIT(8u << 20);
    page p = {.s = s, .a = s->analysis, .lang = tm_text_lang(s->lang), .b = &b};
    strbuf_init(&p.tmp, 1u << 20);
    p.k = story_k(s->analysis);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(s->analysis, "chain"), i, c)
    {
        const char *key = json_string_value(c);
        if (p.n_shown < MAX_LAYERS && story_layer_shown(s->analysis, key))
            p.shown[p.n_shown++] = key;
    }
    document(&p);
    if (p.tmp.status != STRBUF_OK) strbuf_fail(&b, p.tmp.status);
    strbuf_release(&p.tmp);
    char *out = strbuf_detach(&b, len);
    if (!out) tm_error_set(err, 500, "out of memory rendering the summary page");
    return out;
}
