/* th_analysis.c - see th_analysis.h. */
#include "th_analysis.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/answers.h"

/* ------------------------------------------------------------------------ */
/* Instruments                                                              */
/* ------------------------------------------------------------------------ */

json_t *th_item(const char *key, const char *intended, const char *layers)
{
    json_t *it = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "key", key, "type",
                           intended ? "intent" : "likert", "theme", "eigen-kracht", "domain",
                           "effecten", "text", "nl", key, "en", key);
    cr_assert(it);
    if (intended) {
        json_object_set_new(it, "intended", json_string(intended));
        json_object_set_new(it, "options",
                            json_pack("[{s:s, s:{s:s, s:s}}, {s:s, s:{s:s, s:s}}, "
                                      "{s:s, s:{s:s, s:s}}]",
                                      "key", "a", "label", "nl", "A", "en", "A", "key", "b",
                                      "label", "nl", "B", "en", "B", "key", "c", "label", "nl", "C",
                                      "en", "C"));
    }
    if (layers) json_object_set_new(it, "layers", json_loads(layers, 0, NULL));
    return it;
}

static json_t *named(const char *key)
{
    return json_pack("{s:s, s:{s:s, s:s}}", "key", key, "label", "nl", key, "en", key);
}

instrument *th_mini(json_t *items)
{
    json_t *def = json_pack("{s:s, s:s, s:{s:s, s:s}, s:[o,o,o], s:[o], s:[o], s:o}", "key", "mini",
                            "version", "1", "title", "nl", "Mini", "en", "Mini", "layers",
                            named("bestuur"), named("management"), named("uitvoering"), "domains",
                            named("effecten"), "themes", named("eigen-kracht"), "items", items);
    cr_assert(def);
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load(def, &err);
    if (!in) {
        char *d = err.details ? json_dumps(err.details, 0) : NULL;
        cr_log_error("instrument: %s %s", err.message, d ? d : "");
        free(d);
    }
    cr_assert(in, "mini instrument does not load");
    json_decref(def);
    tm_error_clear(&err);
    return in;
}

instrument *th_real(void)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(TH_REAL_INSTRUMENT, &err);
    cr_assert(in, "%s: %s", TH_REAL_INSTRUMENT, err.message);
    return in;
}

/* ------------------------------------------------------------------------ */
/* Waves                                                                    */
/* ------------------------------------------------------------------------ */

void th_rows_init(th_rows *w, const instrument *in)
{
    memset(w, 0, sizeof *w);
    w->in = in;
    w->intended = malloc((in->n_items + 1) * sizeof *w->intended);
    cr_assert(w->intended);
    for (size_t i = 0; i < in->n_items; i++)
        w->intended[i] = -1;
}

void th_rows_free(th_rows *w)
{
    free(w->layer);
    free(w->scores);
    free(w->intended);
    free(w->ratings);
    for (size_t q = 0; q < w->n_rules; q++) {
        free((char *)w->rules[q].key);
        free((char *)w->rules[q].text);
    }
}

int16_t *th_rows_new(th_rows *w, int layer)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 16;
        w->layer = realloc(w->layer, w->cap);
        w->scores = realloc(w->scores, w->cap * w->in->n_items * sizeof *w->scores);
        w->ratings = realloc(w->ratings, w->cap * w->n_rules + 1);
        cr_assert(w->layer && w->scores && w->ratings);
    }
    int16_t *row = w->scores + w->n * w->in->n_items;
    memset(row, 0, w->in->n_items * sizeof *row);
    memset(w->ratings + w->n * w->n_rules, 0, w->n_rules);
    w->layer[w->n++] = (uint8_t)layer;
    return row;
}

static int rating_code(const char *t)
{
    static const char codes[] = "-hnbo"; /* RULE_UNANSWERED .. RULE_ONBEKEND */
    const char *p = strlen(t) == 1 ? strchr(codes, *t) : NULL;
    cr_assert(p, "rule rating \"%s\" is not one of h, n, b, o, -", t);
    return (int)(p - codes);
}

void th_row(th_rows *w, const char *layer, const char *answers)
{
    int l = instrument_layer_index(w->in, layer);
    cr_assert(l >= 0, "no layer %s", layer);
    int16_t *row = th_rows_new(w, l);
    uint8_t *ratings = w->ratings + (w->n - 1) * w->n_rules;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", answers);
    size_t i = 0, q = 0;
    int in_rules = 0;
    for (char *save, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (!strcmp(t, "|")) {
            in_rules = 1;
            continue;
        }
        if (in_rules) {
            cr_assert(q < w->n_rules, "too many ratings in \"%s\"", answers);
            ratings[q++] = (uint8_t)rating_code(t);
            continue;
        }
        cr_assert(i < w->in->n_items, "too many answers in \"%s\"", answers);
        if (!strcmp(t, "?"))
            row[i] = SCORE_DONT_KNOW;
        else if (!strcmp(t, "-"))
            row[i] = SCORE_UNANSWERED;
        else if (*t >= 'a' && *t <= 'z')
            row[i] = (int16_t)(*t - 'a' + 1);
        else
            row[i] = (int16_t)atoi(t);
        i++;
    }
    cr_assert(i == w->in->n_items, "%zu answers in \"%s\"", i, answers);
    cr_assert(q == w->n_rules, "%zu ratings in \"%s\"", q, answers);
}

void th_key(th_rows *w, const char *item, const char *option)
{
    const tm_item *it = instrument_item(w->in, item);
    cr_assert(it, "no item %s", item);
    int o = tm_item_option_index(it, option);
    cr_assert(o >= 0, "item %s has no option %s", item, option);
    w->intended[it->ordinal] = o;
}

void th_rules(th_rows *w, size_t n, const char *const *keys)
{
    cr_assert(w->n == 0 && n <= sizeof w->rules / sizeof *w->rules);
    w->n_rules = n;
    for (size_t q = 0; q < n; q++) {
        char *text;
        cr_assert(asprintf(&text, "Regel %s", keys[q]) > 0);
        w->rules[q].key = strdup(keys[q]);
        w->rules[q].text = text;
    }
}

wave_data th_wave_data(const th_rows *w, int k)
{
    return (wave_data){.in = w->in,
                       .n = w->n,
                       .layer = w->layer,
                       .scores = w->scores,
                       .min_group_size = k,
                       .intended = w->intended,
                       .n_rules = w->n_rules,
                       .rules = w->rules,
                       .rule_answers = w->ratings};
}

void th_assert_dumpable(json_t *an)
{
    char *s = json_dumps(an, 0);
    cr_assert(s, "json_dumps failed");
    for (const char *p = s; *p; p++) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1]) p++;
            continue;
        }
        if (!isalpha((unsigned char)*p)) continue;
        if ((*p == 'e' || *p == 'E') && p > s && isdigit((unsigned char)p[-1])) continue;
        size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
        int ok = (len == 4 && (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))) ||
                 (len == 5 && !strncmp(p, "false", 5));
        cr_assert(ok, "non-JSON word in the output: %.*s", (int)len, p);
        p += len - 1;
    }
    free(s);
}

json_t *th_analyse(const th_rows *w, int k)
{
    wave_data wd = th_wave_data(w, k);
    tm_error err = TM_ERROR_INIT;
    json_t *wave = json_pack("{s:i, s:s}", "id", 1, "name", "test");
    json_t *an = analysis_run(&wd, wave, NULL, &err);
    json_decref(wave);
    cr_assert(an, "analysis_run failed: %s", err.message);
    th_assert_dumpable(an);
    return an;
}

/* ------------------------------------------------------------------------ */
/* The JSON                                                                 */
/* ------------------------------------------------------------------------ */

json_t *th_find(json_t *arr, const char *field, const char *key)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        const char *k = json_string_value(json_object_get(e, field));
        if (k && !strcmp(k, key)) return e;
    }
    cr_assert_fail("no element with %s = %s", field, key);
    return NULL;
}

json_t *th_unit(json_t *an, const char *level, const char *field, const char *key)
{
    return th_find(json_object_get(an, level), field, key);
}

json_t *th_cell_unit(json_t *an, const char *theme, const char *domain)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(an, "cells"), i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "theme")), theme) &&
            !strcmp(json_string_value(json_object_get(c, "domain")), domain))
            return c;
    }
    cr_assert_fail("no cell %s x %s", theme, domain);
    return NULL;
}

json_t *th_layer(json_t *unit, const char *layer)
{
    return th_find(json_object_get(unit, "layers"), "layer", layer);
}

json_t *th_cell(json_t *unit, const char *layer, const char *measure)
{
    return json_object_get(th_layer(unit, layer), measure);
}

double th_num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_number(v), "\"%s\" is not a number", key);
    return json_number_value(v);
}

double th_ci(json_t *o, const char *key, size_t i)
{
    json_t *v = json_array_get(json_object_get(o, key), i);
    cr_assert(json_is_number(v), "%s[%zu] is not a number", key, i);
    return json_number_value(v);
}

json_t *th_gap(json_t *unit, const char *measure, const char *from, const char *to)
{
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(unit, "gaps"), i, g)
    {
        if (!strcmp(json_string_value(json_object_get(g, "measure")), measure) &&
            !strcmp(json_string_value(json_object_get(g, "from")), from) &&
            !strcmp(json_string_value(json_object_get(g, "to")), to))
            return g;
    }
    cr_assert_fail("no %s gap %s -> %s", measure, from, to);
    return NULL;
}

size_t th_count_gaps(json_t *unit, const char *measure)
{
    size_t i, n = 0;
    json_t *g;
    json_array_foreach(json_object_get(unit, "gaps"), i, g) n +=
        !strcmp(json_string_value(json_object_get(g, "measure")), measure);
    return n;
}

int th_is_suppressed_cell(json_t *c)
{
    return json_is_object(c) && json_object_size(c) == 1 &&
           json_is_true(json_object_get(c, "suppressed"));
}

void th_assert_cell(json_t *unit, const th_cell_expect *e)
{
    json_t *c = th_cell(unit, e->layer, e->measure);
    char what[128];
    snprintf(what, sizeof what, "%s %s", e->layer, e->measure);
    cr_assert(json_is_object(c), "%s: no statistics", what);
    ASSERT_REL(th_num(c, "n"), e->n, 0, what);
    ASSERT_REL(th_num(c, "mean"), e->mean, TOL_ARITH, what);
    ASSERT_REL(th_num(c, "sd"), e->sd, TOL_ARITH, what);
    ASSERT_REL(th_ci(c, "ci95", 0), e->lo, TOL_GSL, what);
    ASSERT_REL(th_ci(c, "ci95", 1), e->hi, TOL_GSL, what);
}

void th_assert_gap(json_t *unit, const th_gap_expect *e)
{
    json_t *g = th_gap(unit, e->measure, e->from, e->to);
    char what[128];
    snprintf(what, sizeof what, "%s gap %s -> %s", e->measure, e->from, e->to);
    ASSERT_REL(th_num(g, "diff"), e->diff, TOL_ARITH, what);
    ASSERT_REL(th_num(g, "t"), e->t, TOL_ARITH, what);
    ASSERT_REL(th_num(g, "df"), e->df, TOL_ARITH, what);
    ASSERT_REL(th_num(g, "p"), e->p, TOL_GSL, what);
    ASSERT_REL(th_num(g, "g"), e->g, TOL_ARITH, what);
    if (!isnan(e->lo)) {
        ASSERT_REL(th_ci(g, "ci95", 0), e->lo, TOL_GSL, what);
        ASSERT_REL(th_ci(g, "ci95", 1), e->hi, TOL_GSL, what);
    }
    ASSERT_REL(th_num(g, "p_holm"), e->p_holm, TOL_GSL, what);
}
