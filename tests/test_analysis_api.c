/* test_analysis_api.c - GET /api/v1/waves/{id}/analysis on waves built
 * through the bulk import: suppression leaves nothing of a small layer in
 * the JSON, a hidden item answer moves no figure (method 2), trend follows
 * previous_wave_id, the benchmark appears only from five peer
 * organisations, an open wave has no results, and roles see only their own
 * waves. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"

static char *db;
static th_server *srv;
static char *admin;

static void start(void)
{
    db = th_db_create();
    srv = th_server_start(db, NULL);
    admin = th_api_key(db, "admin", NULL, 0);
}

static void stop(void)
{
    cr_expect_eq(th_server_stop(srv), 0);
    free(admin);
    free(db);
}

TestSuite(analysis_api, .init = start, .fini = stop, .timeout = 120);

static json_t *call(const char *method, const char *path, const char *body, long want)
{
    th_response r = th_request(srv, method, path, admin, body ? "application/json" : NULL, body,
                               body ? strlen(body) : 0);
    cr_assert_eq(r.status, want, "%s %s: %ld %.400s", method, path, r.status, r.body);
    json_t *j = th_json(&r);
    th_response_free(&r);
    return j;
}

static long long new_org(int code)
{
    char body[128];
    snprintf(body, sizeof body, "{\"name\": \"Gemeente %d\", \"code\": \"GM%04d\"}", code, code);
    json_t *j = call("POST", "/api/v1/organisations", body, 201);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    return id;
}

/* An open wave of org with instrument v1, made for import (its items are
 * imported below); previous may be 0. */
static long long new_wave(long long org, long long previous)
{
    char body[300], prev[64] = "";
    if (previous) snprintf(prev, sizeof prev, ", \"previous_wave_id\": %lld", previous);
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein@1.0.0\","
             " \"name\": \"Meting\", \"collection\": \"import\"%s}",
             org, prev);
    json_t *j = call("POST", "/api/v1/waves", body, 201);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", id);
    json_decref(call("POST", path, "{}", 200));
    return id;
}

/* Whether the instrument item (JSON) is asked to layer. */
static int asked(json_t *item, const char *layer)
{
    json_t *layers = json_object_get(item, "layers");
    if (!layers) return 1;
    size_t i;
    json_t *l;
    json_array_foreach(layers, i, l) if (!strcmp(json_string_value(l), layer)) return 1;
    return 0;
}

/* Imports n respondents of layer who answer every likert item asked to them
 * with v or v+1 (alternating, so that sd > 0), every grade with 2v and every
 * intent item with option opt. */
static void import_layer_as(long long wave, const char *layer, int n, int v, const char *opt,
                            int vary)
{
    json_t *def = json_load_file("survey-defs/thermometer-sociaal-domein-v1.json", 0, NULL);
    cr_assert_not_null(def);
    json_t *rows = json_array();
    for (int i = 0; i < n; i++) {
        json_t *answers = json_object();
        size_t k;
        json_t *it;
        json_array_foreach(json_object_get(def, "items"), k, it)
        {
            if (!asked(it, layer)) continue;
            const char *type = json_string_value(json_object_get(it, "type"));
            const char *key = json_string_value(json_object_get(it, "key"));
            int x = v + (vary && i % 2 && v < 5);
            if (!strcmp(type, "likert")) json_object_set_new(answers, key, json_integer(x));
            if (!strcmp(type, "grade")) json_object_set_new(answers, key, json_integer(2 * x));
            if (!strcmp(type, "intent")) json_object_set_new(answers, key, json_string(opt));
        }
        json_array_append_new(rows, json_pack("{s:s, s:o}", "layer", layer, "answers", answers));
    }
    char *body = json_dumps(rows, JSON_COMPACT);
    json_decref(rows);
    json_decref(def);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", wave);
    json_decref(call("POST", path, body, 201));
    free(body);
}

static void import_layer(long long wave, const char *layer, int n, int v, const char *opt)
{
    import_layer_as(wave, layer, n, v, opt, 1);
}

/* Whether any "score" statistics object in j has a mean of exactly 0. */
static int has_zero_score_mean(json_t *j)
{
    if (json_is_object(j)) {
        json_t *score = json_object_get(j, "score");
        json_t *mean = json_object_get(score, "mean");
        if (json_is_number(mean) && json_number_value(mean) == 0.0) return 1;
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) if (has_zero_score_mean(v)) return 1;
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) if (has_zero_score_mean(v)) return 1;
    }
    return 0;
}

static void close_wave(long long wave)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
    json_decref(call("POST", path, "{}", 200));
}

static json_t *analysis(long long wave)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/analysis", wave);
    return call("GET", path, NULL, 200);
}

/* Every object that names layer (outside "response") must be exactly
 * {"layer": layer, "suppressed": true}. Returns how many were seen. */
static int check_suppressed(json_t *j, const char *layer, const char *where)
{
    int seen = 0;
    if (json_is_object(j)) {
        json_t *l = json_object_get(j, "layer");
        if (json_is_string(l) && !strcmp(json_string_value(l), layer)) {
            seen++;
            cr_expect_eq(json_object_size(j), 2, "%s: %s has more than layer+suppressed: %s", where,
                         layer, json_dumps(j, JSON_COMPACT));
            cr_expect(json_is_true(json_object_get(j, "suppressed")), "%s", where);
        }
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v)
        {
            if (!strcmp(k, "response")) continue; /* counts may be shown */
            const char *from = json_string_value(json_object_get(j, "from"));
            const char *to = json_string_value(json_object_get(j, "to"));
            cr_expect(!(from && !strcmp(from, layer)) && !(to && !strcmp(to, layer)),
                      "a gap or link names the suppressed layer %s", layer);
            seen += check_suppressed(v, layer, k);
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) seen += check_suppressed(v, layer, where);
    }
    return seen;
}

Test(analysis_api, a_small_layer_leaves_no_figure_anywhere)
{
    long long wave = new_wave(new_org(1001), 0);
    import_layer_as(wave, "bestuur", 4, 1, "a", 0); /* 4 < k = 5: suppressed */
    import_layer(wave, "management", 6, 4, "b");
    import_layer(wave, "beleid", 6, 5, "b");
    import_layer(wave, "uitvoering", 7, 3, "c");
    /* partners: nobody */
    close_wave(wave);
    json_t *a = analysis(wave);
    cr_expect_gt(check_suppressed(json_object_get(a, "themes"), "bestuur", "themes"), 0);
    check_suppressed(json_object_get(a, "domains"), "bestuur", "domains");
    check_suppressed(json_object_get(a, "items"), "bestuur", "items");
    check_suppressed(json_object_get(a, "cells"), "bestuur", "cells");
    check_suppressed(json_object_get(a, "themes"), "partners", "themes");
    json_t *sup = json_object_get(a, "suppressed_layers");
    cr_expect_eq(json_array_size(sup), 2);
    /* Only the bestuur answered 1 (a score of 0): no score mean of 0 may exist. */
    cr_expect(!has_zero_score_mean(a), "a score mean of 0 can only be the suppressed layer's");
    /* The chain in the gaps starts at management. */
    json_t *th = json_array_get(json_object_get(a, "themes"), 0);
    json_t *g0 = json_array_get(json_object_get(th, "gaps"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(g0, "from")), "management");
    /* Response counts may be shown, also for the suppressed layer. */
    json_t *r0 = json_array_get(json_object_get(a, "response"), 0);
    cr_expect_eq(json_integer_value(json_object_get(r0, "submitted")), 4);
    json_decref(a);
}

Test(analysis_api, trend_and_benchmark)
{
    long long org = new_org(2001);
    long long w1 = new_wave(org, 0);
    const char *layers[] = {"bestuur", "management", "beleid", "uitvoering", "partners"};
    for (int l = 0; l < 5; l++)
        import_layer(w1, layers[l], 5, 5 - l, "b");
    close_wave(w1);
    long long w2 = new_wave(org, w1);
    for (int l = 0; l < 5; l++)
        import_layer(w2, layers[l], 6, 5 - l / 2, "b");
    close_wave(w2);

    json_t *a = analysis(w2);
    json_t *trend = json_object_get(a, "trend");
    cr_expect_gt(json_array_size(trend), 0, "a previous wave gives a trend");
    json_t *prev = analysis(w1);
    /* The trend's previous mean is the previous wave's own layer mean. */
    json_t *t0 = json_array_get(trend, 0);
    const char *theme = json_string_value(json_object_get(t0, "theme"));
    const char *layer = json_string_value(json_object_get(t0, "layer"));
    const char *measure = json_string_value(json_object_get(t0, "measure"));
    size_t i, k;
    json_t *th, *l;
    double prev_mean = -1;
    json_array_foreach(json_object_get(prev, "themes"), i,
                       th) if (!strcmp(json_string_value(json_object_get(th, "theme")), theme))
        json_array_foreach(json_object_get(th, "layers"), k,
                           l) if (!strcmp(json_string_value(json_object_get(l, "layer")), layer))
            prev_mean = json_real_value(json_object_get(json_object_get(l, measure), "mean"));
    cr_expect_float_eq(json_real_value(json_object_get(t0, "previous_mean")), prev_mean, 1e-12);
    json_decref(prev);
    cr_expect_eq(json_array_size(json_object_get(a, "benchmark")), 0, "no other organisations");
    json_decref(a);

    /* Four other organisations with a closed wave: still no benchmark. And
     * only peers count: the sixth is not marked. */
    for (int o = 0; o < 6; o++) {
        long long peer = new_org(3001 + o);
        long long w = new_wave(peer, 0);
        for (int li = 0; li < 5; li++)
            import_layer(w, layers[li], 5, 1 + (o + li) % 5, "b");
        close_wave(w);
        if (o == 5) break;
        char path[64];
        snprintf(path, sizeof path, "/api/v1/organisations/%lld", peer);
        json_decref(call("PATCH", path, "{\"benchmark\": true}", 200));
        a = analysis(w2);
        size_t n = json_array_size(json_object_get(a, "benchmark"));
        if (o < 4) {
            cr_expect_eq(n, 0, "%d organisations must not give a benchmark", o + 1);
        } else {
            cr_expect_gt(n, 0, "5 organisations give a benchmark");
            json_t *b0 = json_array_get(json_object_get(a, "benchmark"), 0);
            cr_expect_eq(json_integer_value(json_object_get(b0, "organisations")), 5);
            cr_expect(json_is_number(json_object_get(b0, "median")));
            cr_expect(json_is_number(json_object_get(b0, "percentile")));
        }
        json_decref(a);
    }
    a = analysis(w2);
    json_t *b0 = json_array_get(json_object_get(a, "benchmark"), 0);
    cr_expect_eq(json_integer_value(json_object_get(b0, "organisations")), 5,
                 "an organisation not marked as a peer does not count");
    json_decref(a);
}

Test(analysis_api, roles_see_only_their_own_analysis)
{
    long long org = new_org(4001), other = new_org(4002);
    long long wave = new_wave(org, 0);
    close_wave(wave);
    char *viewer = th_api_key(db, "viewer", &org, 1);
    char *stranger = th_api_key(db, "consultant", &other, 1);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/analysis", wave);
    th_response r = th_get(srv, path, viewer);
    cr_expect_eq(r.status, 200, "a viewer reads its organisation's analysis: %s", r.body);
    th_response_free(&r);
    r = th_get(srv, path, stranger);
    cr_expect_eq(r.status, 404);
    th_response_free(&r);
    r = th_get(srv, path, NULL);
    cr_expect_eq(r.status, 401);
    th_response_free(&r);
    free(viewer);
    free(stranger);
}

Test(analysis_api, cli_prints_the_same_document)
{
    long long wave = new_wave(new_org(5001), 0);
    import_layer(wave, "beleid", 5, 4, "a");
    import_layer(wave, "uitvoering", 5, 2, "a");
    close_wave(wave);
    json_t *api = analysis(wave);
    char cmd[600], *out = NULL;
    snprintf(cmd, sizeof cmd, "DATABASE_URL='%s' bin/thermometer analyse --wave %lld 2>/dev/null",
             db, wave);
    cr_assert_eq(th_run(cmd, &out), 0, "%s", out);
    json_t *cli = json_loads(out, 0, NULL);
    cr_assert_not_null(cli, "%s", out);
    cr_expect(json_equal(api, cli), "the CLI and the API give the same analysis");
    json_decref(cli);
    json_decref(api);
    free(out);
}

/* One publication: during collection there are no results, not even a
 * snapshot (two publications that differ by fewer than k respondents would
 * give their answers by subtraction); the close publishes them. */
Test(analysis_api, an_open_wave_has_no_results)
{
    long long wave = new_wave(new_org(6001), 0);
    import_layer(wave, "beleid", 5, 4, "a");
    import_layer(wave, "uitvoering", 5, 2, "a");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/analysis", wave);
    json_t *e = call("GET", path, NULL, 409);
    cr_expect_str_eq(json_string_value(json_object_get(e, "error")),
                     "results appear when the wave closes");
    json_decref(e);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/report.xlsx", wave);
    json_decref(call("GET", path, NULL, 409));
    close_wave(wave);
    json_t *a = analysis(wave);
    json_t *r = json_array_get(json_object_get(a, "response"), 3);
    cr_expect_eq(json_integer_value(json_object_get(r, "submitted")), 5);
    cr_expect_null(json_object_get(a, "live"), "no trace of a live view");
    json_decref(a);
}

/* The first likert item asked of every layer (a core item), borrowed. */
static const char *first_core_likert(json_t *def)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(def, "items"), i, it)
    {
        if (!strcmp(json_string_value(json_object_get(it, "type")), "likert") &&
            !json_object_get(it, "layers"))
            return json_string_value(json_object_get(it, "key"));
    }
    return NULL;
}

/* A closed wave: 5 respondents in every layer as import_layer gives them,
 * and 6 in beleid who answer everything except `lone`, which only the
 * first of them answers, with value v. */
static long long wave_with_a_lone_answer(int org_code, int v)
{
    long long wave = new_wave(new_org(org_code), 0);
    const char *layers[] = {"bestuur", "management", "uitvoering", "partners"};
    for (int l = 0; l < 4; l++)
        import_layer(wave, layers[l], 5, 3 + l % 2, "a");
    json_t *def = json_load_file("survey-defs/thermometer-sociaal-domein-v1.json", 0, NULL);
    cr_assert_not_null(def);
    const char *lone = first_core_likert(def);
    cr_assert_not_null(lone);
    json_t *rows = json_array();
    for (int r = 0; r < 6; r++) {
        json_t *answers = json_object();
        size_t k;
        json_t *it;
        json_array_foreach(json_object_get(def, "items"), k, it)
        {
            const char *type = json_string_value(json_object_get(it, "type"));
            const char *key = json_string_value(json_object_get(it, "key"));
            if (!asked(it, "beleid") || (!strcmp(key, lone) && r > 0)) continue;
            int x = !strcmp(key, lone) ? v : 2 + r % 3;
            if (!strcmp(type, "likert")) json_object_set_new(answers, key, json_integer(x));
            if (!strcmp(type, "grade")) json_object_set_new(answers, key, json_integer(2 * x));
            if (!strcmp(type, "intent")) json_object_set_new(answers, key, json_string("b"));
        }
        json_array_append_new(rows, json_pack("{s:s, s:o}", "layer", "beleid", "answers", answers));
    }
    char *body = json_dumps(rows, JSON_COMPACT);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", wave);
    json_decref(call("POST", path, body, 201));
    free(body);
    json_decref(rows);
    json_decref(def);
    close_wave(wave);
    return wave;
}

/* Issue 10, item 4, through the API: six beleid respondents, one answers an
 * item. Its cell is hidden (n 1 < k 5) and, method 2, the item is left out
 * of every beleid figure, so the lone answer (1 or 5) moves nothing in the
 * themes, domains, theme x domain cells or items of the analysis. */
Test(analysis_api, a_hidden_item_answer_moves_no_figure)
{
    json_t *a = analysis(wave_with_a_lone_answer(7001, 1));
    json_t *b = analysis(wave_with_a_lone_answer(7002, 5));
    cr_expect_eq(json_integer_value(json_object_get(a, "method")), 2);
    static const char *const parts[] = {"themes", "domains", "cells", "items"};
    for (size_t i = 0; i < 4; i++)
        cr_expect(json_equal(json_object_get(a, parts[i]), json_object_get(b, parts[i])),
                  "\"%s\" differs: the hidden answer leaks", parts[i]);
    json_decref(a);
    json_decref(b);
}
