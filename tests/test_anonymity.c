/* test_anonymity.c - issue 10: the anonymity attacks a hostile consultant
 * (or a viewer, or anyone with an API key) can try with the API alone, each
 * run as the attacker would and required to fail. The database reader's
 * attack (linking an invitation to its response) is in test_mixing.c.
 *
 * Each test says in its failure messages what the attack obtained, so that
 * a regression reads as the leak it is.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "th.h"
#include "th_wave.h"

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
    cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly");
    free(admin);
    free(db);
}

TestSuite(anonymity, .init = start, .fini = stop, .timeout = 240);

/* ---- helpers ---------------------------------------------------------------- */

/* method path with key and an optional JSON body; the status goes to *status
 * and the parsed body is returned (new reference; NULL when not JSON). */
static json_t *call(const char *key, const char *method, const char *path, const char *body,
                    long *status)
{
    th_response r = th_request(srv, method, path, key, body ? "application/json" : NULL, body,
                               body ? strlen(body) : 0);
    *status = r.status;
    json_t *j = th_json(&r);
    th_response_free(&r);
    return j;
}

static json_t *call_ok(const char *key, const char *method, const char *path, const char *body,
                       long want)
{
    long status;
    json_t *j = call(key, method, path, body, &status);
    cr_assert_eq(status, want, "%s %s: %ld %s", method, path, status,
                 j ? json_dumps(j, JSON_COMPACT) : "");
    return j;
}

static void close_wave(const char *key, long long wave)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
    json_decref(call_ok(key, "POST", path, "{}", 200));
}

static json_t *analysis(const char *key, long long wave, long *status)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/analysis", wave);
    return call(key, "GET", path, NULL, status);
}

/* POSTs rows (stolen) as a JSON import into wave with key; returns the status. */
static long import_rows(const char *key, long long wave, json_t *rows, char **body)
{
    char *text = json_dumps(rows, JSON_COMPACT);
    json_decref(rows);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", wave);
    th_response r = th_post_json(srv, path, key, text);
    free(text);
    long status = r.status;
    if (body) *body = strdup(r.body);
    th_response_free(&r);
    return status;
}

/* n import rows of layer, each th_answers(layer, v, opt). New reference. */
static json_t *rows_of(const char *layer, int n, int v, const char *opt)
{
    json_t *rows = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(
            rows, json_pack("{s:s, s:o}", "layer", layer, "answers", th_answers(layer, v, opt)));
    return rows;
}

/* The element of arr whose field is value, or NULL. Borrowed. */
static json_t *find(json_t *arr, const char *field, const char *value)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        const char *v = json_string_value(json_object_get(e, field));
        if (v && !strcmp(v, value)) return e;
    }
    return NULL;
}

static int layer_suppressed(json_t *an, const char *layer)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(an, "suppressed_layers"), i, l)
    {
        if (!strcmp(json_string_value(l), layer)) return 1;
    }
    return 0;
}

/* The cell {n, mean, ...} of unit (a theme, domain, cell or item entry) for
 * layer and measure, or NULL when it is not shown. Borrowed. */
static json_t *shown_cell(json_t *unit, const char *layer, const char *measure)
{
    json_t *l = find(json_object_get(unit, "layers"), "layer", layer);
    json_t *c = json_object_get(l, measure);
    return json_is_number(json_object_get(c, "n")) ? c : NULL;
}

/* Downloads the report of wave (variant) with key into a temporary file; the
 * status is returned, the path written to path. */
static long download_report(const char *key, long long wave, const char *variant, char *path,
                            size_t n)
{
    char url[128];
    snprintf(url, sizeof url, "/api/v1/waves/%lld/report.xlsx?variant=%s", wave, variant);
    th_response r = th_get(srv, url, key);
    long status = r.status;
    snprintf(path, n, "%s/anon-%d-%lld-%s.xlsx",
             getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp", (int)getpid(), wave, variant);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(r.body, 1, r.len, f);
    fclose(f);
    th_response_free(&r);
    return status;
}

static const char *python(void)
{
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

/* Whether the text occurs anywhere inside the workbook (any part of the zip). */
static int workbook_holds(const char *path, const char *text)
{
    char *cmd, *out = NULL;
    cr_assert(asprintf(&cmd,
                       "%s -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]);"
                       " print(any(sys.argv[2].encode() in z.read(n) for n in z.namelist()))'"
                       " '%s' '%s'",
                       python(), path, text) > 0);
    int rc = th_run(cmd, &out);
    free(cmd);
    cr_assert_eq(rc, 0, "reading the workbook: %s", out);
    int found = strstr(out, "True") != NULL;
    free(out);
    return found;
}

/* ---- 1. un-suppressing a layer by adding known rows ------------------------- */

/* One alderman answers; the consultant of the municipality (a consultant key
 * for it) adds five rows with known answers by bulk import into the same
 * wave, and five empty forms with invitation tokens it holds (mail merge).
 * On the old code bestuur then had n = 6: its distributions minus the five
 * known rows gave the alderman's answers, and the report printed the
 * alderman's open answer. Now the import into an online wave is a 409, an
 * empty form a 422, and bestuur stays suppressed. */
Test(anonymity, attack1_known_rows_unsuppress_a_layer)
{
    long long org = th_org(srv, admin, "GM1101");
    long long wave = th_wave_open(srv, admin, org);
    char *consultant = th_api_key(db, "consultant", &org, 1);

    char **alderman = th_invitations(srv, admin, wave, "bestuur", 1);
    json_t *a = th_answers("bestuur", 1, "a");
    json_object_set_new(a, "open-eff", json_string("WETHOUDER-GEHEIM-4471"));
    cr_assert_eq(th_submit(srv, alderman[0], a, 1, NULL), 201);
    json_decref(a);

    char *body = NULL;
    long st = import_rows(consultant, wave, rows_of("bestuur", 5, 5, "b"), &body);
    cr_expect_eq(st, 409, "five known rows imported into the alderman's online wave: %ld %s", st,
                 body);
    cr_expect(st != 409 || strstr(body, "online"), "the 409 says why: %s", body);
    free(body);

    char **held = th_invitations(srv, consultant, wave, "bestuur", 5);
    json_t *empty = json_object();
    for (int i = 0; i < 5; i++) {
        st = th_submit(srv, held[i], empty, 1, &body);
        cr_expect_eq(st, 422, "an empty form was accepted as a respondent: %ld %s", st, body);
        free(body);
    }
    json_decref(empty);

    close_wave(consultant, wave);
    json_t *an = analysis(consultant, wave, &st);
    cr_assert_eq(st, 200);
    json_t *item = find(json_object_get(an, "items"), "item", "ek-eff-1");
    json_t *cell = shown_cell(item, "bestuur", "score");
    cr_expect(layer_suppressed(an, "bestuur"),
              "bestuur is shown: ek-eff-1 %s minus the five known 5s gives the alderman's 1",
              cell ? json_dumps(json_object_get(cell, "distribution"), JSON_COMPACT) : "(hidden)");
    json_decref(an);

    char path[512];
    cr_assert_eq(download_report(consultant, wave, "full", path, sizeof path), 200);
    cr_expect(!workbook_holds(path, "WETHOUDER-GEHEIM-4471"),
              "the alderman's open answer is in the consultant's report");
    unlink(path);
    th_tokens_free(alderman, 1);
    th_tokens_free(held, 5);
    free(consultant);
}

/* A form that answers fewer than half of the core items its layer is asked
 * is no respondent: 422 naming how many are answered and needed. A draft
 * stays free. */
Test(anonymity, attack1_thin_submission_is_refused)
{
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM1102"));
    char **t = th_invitations(srv, admin, wave, "uitvoering", 1);
    json_t *core = th_core_items(), *full = th_answers("uitvoering", 3, "b");
    size_t m = json_array_size(core), need = (m + 1) / 2, last = 0;
    json_t *some = json_object();
    for (size_t i = 0; i < m && json_object_size(some) + 1 < need; i++) {
        const char *key = json_string_value(json_array_get(core, i));
        /* "weet niet" on every knowledge question counts as answered */
        json_object_set_new(some, key,
                            strstr(key, "-kn-") ? json_string("dont_know")
                                                : json_incref(json_object_get(full, key)));
        last = i;
    }
    char *body = NULL;
    cr_expect_eq(th_submit(srv, t[0], some, 0, &body), 200, "a draft is free: %s", body);
    free(body);
    long st = th_submit(srv, t[0], some, 1, &body);
    cr_expect_eq(st, 422, "%s", body);
    json_t *j = json_loads(body, 0, NULL);
    json_t *d = json_array_get(json_object_get(j, "details"), 0);
    cr_expect_eq(json_integer_value(json_object_get(d, "answered")), (json_int_t)(need - 1), "%s",
                 body);
    cr_expect_eq(json_integer_value(json_object_get(d, "needed")), (json_int_t)need, "%s", body);
    json_decref(j);
    free(body);
    /* One more makes it. */
    const char *next = json_string_value(json_array_get(core, last + 1));
    json_object_set(some, next, json_object_get(full, next));
    cr_expect_eq(th_submit(srv, t[0], some, 1, &body), 201, "%s", body);
    free(body);
    json_decref(some);
    json_decref(full);
    json_decref(core);
    th_tokens_free(t, 1);
}

/* ---- 2. differencing over time -------------------------------------------- */

/* A live analysis at n = 5, then the closed wave's at n = 6: on the old code
 * the two distributions differed by the sixth person's answers. Now nothing
 * of the results exists before the close. */
Test(anonymity, attack2_snapshot_then_close)
{
    long long org = th_org(srv, admin, "GM1201");
    long long wave = th_wave_open(srv, admin, org);
    char *consultant = th_api_key(db, "consultant", &org, 1);
    char **t = th_invitations(srv, admin, wave, "uitvoering", 6);
    for (int i = 0; i < 5; i++) {
        json_t *a = th_answers("uitvoering", 2 + i % 2, "a");
        cr_assert_eq(th_submit(srv, t[i], a, 1, NULL), 201);
        json_decref(a);
    }
    long st;
    json_t *before = analysis(consultant, wave, &st);
    cr_expect_eq(st, 409, "an analysis of an open wave was published (n = 5)");
    cr_expect_str_eq(json_string_value(json_object_get(before, "error")),
                     "results appear when the wave closes");
    char path[512];
    cr_expect_eq(download_report(consultant, wave, "full", path, sizeof path), 409);
    unlink(path);
    cr_expect_eq(download_report(consultant, wave, "council", path, sizeof path), 409);
    unlink(path);
    /* The command line says the same. */
    char cmd[700], *out = NULL;
    snprintf(cmd, sizeof cmd, "DATABASE_URL='%s' bin/thermometer analyse --wave %lld", db, wave);
    cr_expect_neq(th_run(cmd, &out), 0, "thermometer analyse on an open wave: %s", out);
    cr_expect(strstr(out, "results appear when the wave closes") != NULL, "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "DATABASE_URL='%s' bin/thermometer report --wave %lld -o %s/x.xlsx",
             db, wave, getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp");
    cr_expect_neq(th_run(cmd, &out), 0, "thermometer report on an open wave: %s", out);
    cr_expect(strstr(out, "results appear when the wave closes") != NULL, "%s", out);
    free(out);
    /* Only counts during collection. */
    char ppath[64];
    snprintf(ppath, sizeof ppath, "/api/v1/waves/%lld/progress", wave);
    json_t *p = call_ok(consultant, "GET", ppath, NULL, 200);
    json_t *u = find(json_object_get(p, "layers"), "layer", "uitvoering");
    cr_expect_eq(json_integer_value(json_object_get(u, "submitted")), 5);
    json_decref(p);

    json_t *a = th_answers("uitvoering", 5, "c");
    cr_assert_eq(th_submit(srv, t[5], a, 1, NULL), 201);
    json_decref(a);
    close_wave(consultant, wave);
    json_t *after = analysis(consultant, wave, &st);
    cr_assert_eq(st, 200);
    if (before && json_object_get(before, "items")) {
        json_t *b = shown_cell(find(json_object_get(before, "items"), "item", "ek-eff-1"),
                               "uitvoering", "score");
        json_t *c = shown_cell(find(json_object_get(after, "items"), "item", "ek-eff-1"),
                               "uitvoering", "score");
        cr_expect_fail("ek-eff-1 went from %s to %s: the difference is the sixth person's answer",
                       b ? json_dumps(json_object_get(b, "distribution"), JSON_COMPACT) : "-",
                       c ? json_dumps(json_object_get(c, "distribution"), JSON_COMPACT) : "-");
    }
    json_decref(before);
    json_decref(after);
    th_tokens_free(t, 6);
    free(consultant);
}

/* ---- 4. an item cell through its theme x domain cell, over HTTP ------------ */

/* A closed online wave: six uitvoering respondents answer everything; only
 * the first answers ek-eff-2, with v. Five more in beleid. */
static long long wave_with_lone_item(const char *code, int v)
{
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, code));
    char **t = th_invitations(srv, admin, wave, "uitvoering", 6);
    for (int i = 0; i < 6; i++) {
        json_t *a = th_answers("uitvoering", 2 + i % 3, "b");
        if (i == 0)
            json_object_set_new(a, "ek-eff-2", json_integer(v));
        else
            json_object_del(a, "ek-eff-2");
        cr_assert_eq(th_submit(srv, t[i], a, 1, NULL), 201);
        json_decref(a);
    }
    th_tokens_free(t, 6);
    close_wave(admin, wave);
    return wave;
}

/* Whether a and b are the same JSON, numbers equal to 1e-9 relative (the
 * order in which the mixer released the rows changes the last bits of a
 * sum, nothing more). */
static int json_near(json_t *a, json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        double x = json_number_value(a), y = json_number_value(b);
        return fabs(x - y) <= 1e-9 * (fabs(x) > 1 ? fabs(x) : 1);
    }
    if (json_typeof(a) != json_typeof(b)) return 0;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!json_near(json_array_get(a, i), json_array_get(b, i))) return 0;
        return 1;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b)) return 0;
        const char *k;
        json_t *v;
        json_object_foreach(a, k, v) if (!json_near(v, json_object_get(b, k))) return 0;
        return 1;
    }
    return json_equal(a, b);
}

/* Issue 10 item 4 end to end through the respondents' API: the lone answer
 * (1 or 5) must move no published figure; on method-1 code the cell's n,
 * mean and sd minus ek-eff-1's distribution gave it back. */
Test(anonymity, attack4_item_cell_through_its_group)
{
    long st;
    json_t *a = analysis(admin, wave_with_lone_item("GM1401", 1), &st);
    cr_assert_eq(st, 200);
    json_t *b = analysis(admin, wave_with_lone_item("GM1402", 5), &st);
    cr_assert_eq(st, 200);
    static const char *const parts[] = {"themes", "domains", "cells", "items"};
    for (size_t i = 0; i < 4; i++)
        cr_expect(json_near(json_object_get(a, parts[i]), json_object_get(b, parts[i])),
                  "\"%s\" differs between a lone answer of 1 and of 5", parts[i]);
    json_decref(a);
    json_decref(b);
}

/* ---- 5. benchmark poisoning and extraction --------------------------------- */

/* A closed import wave of org: five respondents in every layer answering v
 * everywhere (intent option b). */
static long long closed_wave(const char *key, long long org, int v)
{
    long long wave = th_wave_import(srv, key, org);
    const char *layers[] = {"bestuur", "management", "beleid", "uitvoering", "partners"};
    for (int l = 0; l < 5; l++) {
        char *body = NULL;
        long st = import_rows(key, wave, rows_of(layers[l], 5, v, "b"), &body);
        cr_assert_eq(st, 201, "%s", body);
        free(body);
    }
    close_wave(key, wave);
    return wave;
}

static long patch_org(const char *key, long long org, const char *body)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/organisations/%lld", org);
    long st;
    json_decref(call(key, "PATCH", path, body, &st));
    return st;
}

/* The benchmark entry of theme/layer/measure, or NULL. Borrowed. */
static json_t *bench_entry(json_t *an, const char *theme, const char *layer, const char *measure)
{
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(an, "benchmark"), i, b)
    {
        if (!strcmp(json_string_value(json_object_get(b, "theme")), theme) &&
            !strcmp(json_string_value(json_object_get(b, "layer")), layer) &&
            !strcmp(json_string_value(json_object_get(b, "measure")), measure))
            return b;
    }
    return NULL;
}

/* The real municipality R (answers 3 everywhere) and five peers an admin
 * marked (answers 1, 2, 4, 5, 4). A consultant creates five organisations of
 * its own with closed waves of known answers (three at 1, two at 5) and
 * reads its own wave's benchmark. On the old code every organisation
 * counted: the consultant's median over the ten others was R's exact mean
 * (R is the sixth of eleven), and R's benchmark moved. Now only marked
 * peers count. */
Test(anonymity, attack5_benchmark_poisoning_and_extraction)
{
    long long real = th_org(srv, admin, "GM1501");
    long long rw = closed_wave(admin, real, 3);
    int peer_v[] = {1, 2, 4, 5, 4};
    for (int i = 0; i < 5; i++) {
        char code[8];
        snprintf(code, sizeof code, "GM15%02d", 2 + i);
        long long p = th_org(srv, admin, code);
        closed_wave(admin, p, peer_v[i]);
        cr_expect_eq(patch_org(admin, p, "{\"benchmark\": true}"), 200);
    }
    cr_expect_eq(patch_org(admin, real, "{\"benchmark\": true}"), 200);
    long st;
    json_t *base = analysis(admin, rw, &st);
    cr_assert_eq(st, 200);

    /* The consultant's own organisations and fake closed waves. */
    char *consultant = th_api_key(db, "consultant", NULL, 0);
    long long own = 0;
    int fake_v[] = {1, 1, 1, 5, 5};
    for (int i = 0; i < 6; i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"name\": \"Nep %d\", \"code\": \"GM16%02d\"}", i, i);
        json_t *o = call_ok(consultant, "POST", "/api/v1/organisations", body, 201);
        long long id = json_integer_value(json_object_get(o, "id"));
        json_decref(o);
        long long w = closed_wave(consultant, id, i < 5 ? fake_v[i] : 3);
        if (i == 5) own = w;
        cr_expect_eq(patch_org(consultant, id, "{\"benchmark\": true}"), 403,
                     "a consultant marked its own organisation a peer");
    }
    json_t *after = analysis(admin, rw, &st);
    cr_assert_eq(st, 200);
    cr_expect(json_equal(json_object_get(base, "benchmark"), json_object_get(after, "benchmark")),
              "the real municipality's benchmark moved: %s -> %s",
              json_dumps(json_object_get(base, "benchmark"), JSON_COMPACT),
              json_dumps(json_object_get(after, "benchmark"), JSON_COMPACT));

    /* The consultant's view: R's exact mean (50) must not be the median. */
    json_t *mine = analysis(consultant, own, &st);
    cr_assert_eq(st, 200);
    json_t *r_cell = json_object_get(
        find(json_object_get(find(json_object_get(base, "themes"), "theme", "eigen-kracht"),
                             "layers"),
             "layer", "uitvoering"),
        "score");
    double r_mean = json_number_value(json_object_get(r_cell, "mean"));
    json_t *b = bench_entry(mine, "eigen-kracht", "uitvoering", "score");
    cr_expect(!b || fabs(json_number_value(json_object_get(b, "median")) - r_mean) > 1e-9,
              "the consultant reads R's exact mean %.1f as the median over %lld organisations",
              r_mean, b ? (long long)json_integer_value(json_object_get(b, "organisations")) : 0);
    json_decref(mine);
    json_decref(after);
    json_decref(base);
    free(consultant);
}

/* The PATCH itself: admin only, only "benchmark", a boolean; a demo
 * organisation can never be a peer. */
Test(anonymity, benchmark_peer_flag_rules)
{
    long long org = th_org(srv, admin, "GM1510");
    char *consultant = th_api_key(db, "consultant", &org, 1);
    cr_expect_eq(patch_org(consultant, org, "{\"benchmark\": true}"), 403);
    cr_expect_eq(patch_org(admin, org, "{\"benchmark\": true, \"name\": \"x\"}"), 422);
    cr_expect_eq(patch_org(admin, org, "{\"benchmark\": \"yes\"}"), 422);
    cr_expect_eq(patch_org(admin, org, "{}"), 422);
    cr_expect_eq(patch_org(admin, 999999, "{\"benchmark\": true}"), 404);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/organisations/%lld", org);
    json_t *o = call_ok(admin, "PATCH", path, "{\"benchmark\": true}", 200);
    cr_expect(json_is_true(json_object_get(o, "benchmark")));
    json_decref(o);
    o = call_ok(admin, "PATCH", path, "{\"benchmark\": false}", 200);
    cr_expect(json_is_false(json_object_get(o, "benchmark")));
    json_decref(o);

    char cmd[600], *out = NULL;
    snprintf(cmd, sizeof cmd, "DATABASE_URL='%s' bin/thermometer demo", db);
    cr_assert_eq(th_run(cmd, &out), 0, "%s", out);
    free(out);
    char *demo = th_sql(db, "SELECT id FROM organisations WHERE code = 'GM9001'");
    cr_assert_not_null(demo);
    long long demo_id = strtoll(demo, NULL, 10);
    free(demo);
    cr_expect_eq(patch_org(admin, demo_id, "{\"benchmark\": true}"), 422,
                 "a demo organisation became a peer");
    char *peers = th_sql(db, "SELECT count(*) FROM organisations WHERE code LIKE 'GM90%'"
                             " AND demo AND NOT benchmark");
    cr_expect_str_eq(peers, "6", "the demo's organisations are marked demo, not peers");
    free(peers);
    free(consultant);
}

/* ---- 6. open answers lined up across questions ----------------------------- */

/* The rows of the open-answers sheet as "item<TAB>text" lines (caller frees). */
static char *open_sheet(const char *path)
{
    char *cmd, *out = NULL;
    cr_assert(asprintf(&cmd,
                       "%s -c 'import sys, openpyxl\n"
                       "ws = openpyxl.load_workbook(sys.argv[1])[\"Open antwoorden\"]\n"
                       "for r in ws.iter_rows(values_only=True):\n"
                       "    if r[2] and str(r[2]).startswith(\"R\"): print(str(r[2]))\n' '%s'",
                       python(), path) > 0);
    int rc = th_run(cmd, &out);
    free(cmd);
    cr_assert_eq(rc, 0, "reading the open answers: %s", out);
    return out;
}

/* Position of "R<i>-<tag>" in the lines, or -1. */
static int position(const char *lines, int i, const char *tag)
{
    char want[32];
    snprintf(want, sizeof want, "R%d-%s", i, tag);
    int pos = 0;
    for (const char *l = lines; *l; pos++) {
        const char *end = strchr(l, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l);
        if (n == strlen(want) && !strncmp(l, want, n)) return pos;
        if (!end) break;
        l = end + 1;
    }
    return -1;
}

/* Twelve respondents write "R<i>-eff" and "R<i>-bel" in two text items; two
 * write "R<i>-opd" in a third. On the old code every item's answers came in
 * the same order (md5 of the response id), so respondent i's two texts had
 * the same place in both lists: one person's texts lined up. Now each item
 * has a fresh random order of its own, and the third item, answered by two
 * (< k = 5), is not shown at all. */
Test(anonymity, attack6_open_answers_line_up)
{
    enum { N = 12 };
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM1601"));
    char **t = th_invitations(srv, admin, wave, "uitvoering", N);
    for (int i = 0; i < N; i++) {
        json_t *a = th_answers("uitvoering", 1 + i % 5, "a");
        char text[32];
        snprintf(text, sizeof text, "R%d-eff", i);
        json_object_set_new(a, "open-eff", json_string(text));
        snprintf(text, sizeof text, "R%d-bel", i);
        json_object_set_new(a, "open-bel", json_string(text));
        if (i < 2) {
            snprintf(text, sizeof text, "R%d-opd", i);
            json_object_set_new(a, "open-opd", json_string(text));
        }
        cr_assert_eq(th_submit(srv, t[i], a, 1, NULL), 201);
        json_decref(a);
    }
    th_tokens_free(t, N);
    close_wave(admin, wave);
    char path[512];
    cr_assert_eq(download_report(admin, wave, "full", path, sizeof path), 200);
    char *first = open_sheet(path);
    unlink(path);
    cr_assert_eq(download_report(admin, wave, "full", path, sizeof path), 200);
    char *second = open_sheet(path);
    unlink(path);

    int same = 0, moved = 0, se = 1 << 30, sb = 1 << 30;
    for (int i = 0; i < N; i++) {
        int pe = position(first, i, "eff"), pb = position(first, i, "bel");
        cr_assert(pe >= 0 && pb >= 0, "R%d's texts are in the report:\n%s", i, first);
        se = pe < se ? pe : se;
        sb = pb < sb ? pb : sb;
    }
    for (int i = 0; i < N; i++) {
        int pe = position(first, i, "eff") - se, pb = position(first, i, "bel") - sb;
        same += pe == pb;
        moved += position(second, i, "eff") - se != pe;
    }
    /* Under independent random orders the number of respondents whose two
     * texts share a place is the number of fixed points of a random
     * permutation of 12 (mean 1); 7 or more happens with probability
     * below 1e-4 (sum over j >= 7 of 1/(j! e)). The old code: 12 of 12. */
    cr_expect_lt(same, 7, "%d of %d respondents' texts line up across the two items", same, N);
    cr_expect_gt(moved, 0, "two downloads list the answers in the same order");
    cr_expect(position(first, 0, "opd") < 0 && position(first, 1, "opd") < 0,
              "a text item answered by 2 (< k) is shown:\n%s", first);
    free(first);
    free(second);
}

/* ---- 7. open links ----------------------------------------------------------- */

static char *make_link(long long wave, int max)
{
    char path[64], body[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/links", wave);
    snprintf(body, sizeof body, "{\"layer\": \"partners\", \"max_responses\": %d}", max);
    json_t *j = call_ok(admin, "POST", path, body, 201);
    char *link = strdup(json_string_value(json_object_get(j, "token")));
    json_decref(j);
    return link;
}

/* A link for two partners. Two visitors save empty forms; on the old code
 * each save used up a place, so the real partners were turned away (410).
 * Now a place is used only by a submission that counts; a thin submission
 * (fewer than half of the core items) is refused and uses nothing. */
Test(anonymity, attack7_link_used_up_by_empty_saves)
{
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM1701"));
    char *link = make_link(wave, 2);
    json_t *empty = json_object();
    char *body = NULL;
    for (int i = 0; i < 2; i++) {
        cr_expect_eq(th_submit(srv, link, empty, 0, &body), 200, "%s", body);
        free(body);
    }
    cr_expect_eq(th_submit(srv, link, empty, 1, &body), 422, "%s", body);
    free(body);
    json_decref(empty);
    json_t *full = th_answers("partners", 4, "b");
    for (int i = 0; i < 2; i++) {
        long st = th_submit(srv, link, full, 1, &body);
        cr_expect_eq(st, 201, "partner %d turned away after empty saves: %ld %s", i + 1, st, body);
        free(body);
    }
    cr_expect_eq(th_submit(srv, link, full, 1, &body), 410, "a third submission: %s", body);
    free(body);
    json_decref(full);
    free(link);
}

/* A visitor's own token, saved by a draft through the link, comes back as a
 * cookie; the link visited again from the same browser continues it. */
Test(anonymity, open_link_cookie_continues_the_same_token)
{
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM1702"));
    char *link = make_link(wave, 5);
    char path[128];
    snprintf(path, sizeof path, "/s/%s", link);
    const char form[] = "q.ek-eff-1=4&action=save";
    th_response r = th_request(srv, "POST", path, NULL, "application/x-www-form-urlencoded", form,
                               strlen(form));
    cr_assert_eq(r.status, 303, "%s", r.body);
    char cookie[512] = "", location[256] = "";
    cr_assert(th_header(&r, "Set-Cookie", cookie, sizeof cookie), "no cookie: %s", r.headers);
    th_header(&r, "Location", location, sizeof location);
    th_response_free(&r);
    cr_expect(strstr(cookie, "HttpOnly") && strstr(cookie, "SameSite=Strict") &&
                  strstr(cookie, "Path=/s/"),
              "%s", cookie);
    cr_expect(strstr(cookie, "Secure") == NULL, "Secure only behind https: %s", cookie);
    char own[128] = "";
    cr_assert_eq(sscanf(location, "/s/%127[^?]", own), 1, "%s", location);
    cr_expect(strstr(cookie, own) != NULL, "the cookie holds the visitor's token: %s", cookie);

    /* The same browser opens the link again: it continues its own token. */
    char value[300];
    snprintf(value, sizeof value, "%.*s", (int)strcspn(cookie, ";"), cookie);
    char *hdr;
    cr_assert(asprintf(&hdr, "Cookie: %s", value) > 0);
    char *cmd, *out = NULL;
    cr_assert(asprintf(&cmd,
                       "curl -s -o /dev/null -w '%%{http_code} %%{redirect_url}' -H '%s' %s%s", hdr,
                       srv->base, path) > 0);
    cr_assert_eq(th_run(cmd, &out), 0, "%s", out);
    cr_expect(strncmp(out, "303 ", 4) == 0 && strstr(out, own) != NULL,
              "a second visit does not continue the same token: %s", out);
    free(out);
    free(cmd);
    /* A cookie with another link's token (or garbage) is ignored. */
    cr_assert(asprintf(&cmd,
                       "curl -s -o /dev/null -w '%%{http_code}' -H 'Cookie: tm_visit=abc' %s%s",
                       srv->base, path) > 0);
    cr_assert_eq(th_run(cmd, &out), 0, "%s", out);
    cr_expect_str_eq(out, "200");
    free(out);
    free(cmd);
    free(hdr);
    free(link);
}

/* ---- 8. smaller leaks ---------------------------------------------------------- */

Test(anonymity, attack8_metrics_need_an_admin_key)
{
    th_response r = th_get(srv, "/metrics", NULL);
    cr_expect_eq(r.status, 401, "the metrics are open to anyone: %.200s", r.body);
    th_response_free(&r);
    long long org = th_org(srv, admin, "GM1801");
    char *consultant = th_api_key(db, "consultant", &org, 1);
    r = th_get(srv, "/metrics", consultant);
    cr_expect_eq(r.status, 403, "%s", r.body);
    th_response_free(&r);
    r = th_get(srv, "/metrics", admin);
    cr_expect_eq(r.status, 200, "%s", r.body);
    cr_expect(strstr(r.body, "thermometer_") != NULL, "%.200s", r.body);
    th_response_free(&r);
    free(consultant);
}

/* A free TCP port on 127.0.0.1 (it may be taken again before use; tests only). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t n = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &n);
    close(fd);
    return ntohs(a.sin_port);
}

/* METRICS_BIND: the metrics on an address of their own, without a key, and
 * nothing else there; the public address then has no /metrics. */
Test(anonymity, metrics_on_a_separate_address)
{
    int port = free_port();
    char env[64];
    snprintf(env, sizeof env, "METRICS_BIND=127.0.0.1:%d", port);
    const char *extra[] = {env, NULL};
    th_server *s = th_server_start(db, extra);
    th_server m = *s;
    m.port = port;
    snprintf(m.base, sizeof m.base, "http://127.0.0.1:%d", port);
    th_response r = th_get(&m, "/metrics", NULL);
    cr_expect_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = th_get(&m, "/api/v1/organisations", admin);
    cr_expect_eq(r.status, 404, "the metrics address serves only /metrics");
    th_response_free(&r);
    r = th_get(s, "/metrics", admin);
    cr_expect_eq(r.status, 404, "with METRICS_BIND the public address has no /metrics");
    th_response_free(&r);
    cr_expect_eq(th_server_stop(s), 0);
}

/* A database error reaches the client as "internal error"; its text (here
 * a trigger's message standing for any PostgreSQL message) only the log. */
Test(anonymity, attack8_database_error_text_never_in_a_response)
{
    free(th_sql(db, "CREATE FUNCTION leak() RETURNS trigger LANGUAGE plpgsql AS"
                    " $$BEGIN RAISE EXCEPTION 'GEHEIME-DATABASETEKST table responses'; END$$"));
    free(th_sql(db, "CREATE TRIGGER leak BEFORE INSERT ON organisations"
                    " FOR EACH ROW EXECUTE FUNCTION leak()"));
    th_response r = th_post_json(srv, "/api/v1/organisations", admin,
                                 "{\"name\": \"Lek\", \"code\": \"GM1802\"}");
    cr_expect_eq(r.status, 500);
    cr_expect(strstr(r.body, "GEHEIME") == NULL, "the database's text reached the client: %s",
              r.body);
    cr_expect(strstr(r.body, "internal error") != NULL, "%s", r.body);
    th_response_free(&r);
    char *log = th_server_log(srv);
    cr_expect(log && strstr(log, "GEHEIME-DATABASETEKST"), "the log has the detail");
    free(log);
    free(th_sql(db, "DROP TRIGGER leak ON organisations"));
}

/* A viewer (the council's key) gets what the council summary shows: the
 * themes per layer, response counts and the thermometer; nothing per item,
 * per domain or per cell; the full report is 403. */
Test(anonymity, attack8_viewer_gets_the_council_summary_only)
{
    long long org = th_org(srv, admin, "GM1803");
    long long wave = th_wave_import(srv, admin, org);
    const char *layers[] = {"bestuur", "management", "beleid", "uitvoering", "partners"};
    for (int l = 0; l < 5; l++)
        cr_assert_eq(import_rows(admin, wave, rows_of(layers[l], 5, 1 + l, "b"), NULL), 201);
    close_wave(admin, wave);
    char *viewer = th_api_key(db, "viewer", &org, 1);
    long st;
    json_t *an = analysis(viewer, wave, &st);
    cr_assert_eq(st, 200);
    static const char *const absent[] = {"items", "cells", "domains"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        cr_expect_null(json_object_get(an, absent[i]), "a viewer reads \"%s\"", absent[i]);
    /* The rules a viewer reads only as the council summary tells them (a
     * net per layer, no counts): test_wave_rules, on a wave with ratings. */
    json_t *th = json_array_get(json_object_get(an, "themes"), 0);
    cr_expect_not_null(json_object_get(th, "thermometer"));
    cr_expect_not_null(json_object_get(an, "response"));
    cr_expect_eq(json_object_get(an, "council") != NULL, 1, "the subset says what it is");
    json_decref(an);
    char path[512];
    cr_expect_eq(download_report(viewer, wave, "full", path, sizeof path), 403);
    unlink(path);
    cr_expect_eq(download_report(viewer, wave, "council", path, sizeof path), 200);
    unlink(path);
    free(viewer);
}

/* ---- 9. the token holder ----------------------------------------------------- */

Test(anonymity, invitations_warn_that_a_token_opens_its_draft)
{
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM1901"));
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", wave);
    json_t *j = call_ok(admin, "POST", path, "{\"layer\": \"beleid\", \"count\": 1}", 201);
    const char *w = json_string_value(json_object_get(j, "warning"));
    cr_expect(w && strstr(w, "draft"), "%s", w ? w : "(no warning)");
    json_decref(j);
    /* The mail merge's CSV carries it as a header. */
    const char *body = "{\"layer\": \"beleid\", \"count\": 1}";
    char *cmd, *out = NULL;
    cr_assert(asprintf(&cmd,
                       "curl -s -D - -o /dev/null -H 'Authorization: Bearer %s' -H 'Accept: "
                       "text/csv' -H 'Content-Type: application/json' --data '%s' %s%s",
                       admin, body, srv->base, path) > 0);
    cr_assert_eq(th_run(cmd, &out), 0, "%s", out);
    cr_expect(strcasestr(out, "X-Token-Warning: whoever holds a token") != NULL, "%s", out);
    free(out);
    free(cmd);
}

/* ---- 10. differencing across items ------------------------------------------ */

/* Six uitvoering respondents; five answer everything, one (the "skipper")
 * skips ek-eff-1 and answers ek-eff-2 with 5. With the theme x domain cell
 * eigen-kracht x effecten (items ek-eff-1 and ek-eff-2) and both item cells
 * shown, 2 x (cell sum) - (ek-eff-1 sum) - (ek-eff-2 sum) is the skipper's
 * ek-eff-2 on 0-100 (docs/method.md 10.7), every cell involved with n >= 5.
 * The council's key (a viewer) tried it on the old code and read 100. Now a
 * viewer reads the council summary: no item, no cell, no domain, so the
 * attack has nothing to work with. (A consultant still has the item and
 * cell figures, and the report's Data sheet, which shows that respondent's
 * row anyway: method.md 10.7 says what remains and why no suppression rule
 * is applied.) */
Test(anonymity, attack10_differencing_across_items)
{
    long long org = th_org(srv, admin, "GM2001");
    long long wave = th_wave_open(srv, admin, org);
    char **t = th_invitations(srv, admin, wave, "uitvoering", 6);
    for (int i = 0; i < 6; i++) {
        json_t *a = th_answers("uitvoering", 1 + i % 4, "a");
        if (i == 5) {
            json_object_del(a, "ek-eff-1");
            json_object_set_new(a, "ek-eff-2", json_integer(5));
        }
        cr_assert_eq(th_submit(srv, t[i], a, 1, NULL), 201);
        json_decref(a);
    }
    th_tokens_free(t, 6);
    close_wave(admin, wave);
    char *viewer = th_api_key(db, "viewer", &org, 1);
    long st;
    json_t *an = analysis(viewer, wave, &st);
    free(viewer);
    cr_assert_eq(st, 200);
    json_t *cell = NULL;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(an, "cells"), i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "theme")), "eigen-kracht") &&
            !strcmp(json_string_value(json_object_get(c, "domain")), "effecten"))
            cell = shown_cell(c, "uitvoering", "score");
    }
    json_t *c1 =
        shown_cell(find(json_object_get(an, "items"), "item", "ek-eff-1"), "uitvoering", "score");
    json_t *c2 =
        shown_cell(find(json_object_get(an, "items"), "item", "ek-eff-2"), "uitvoering", "score");
    if (cell && c1 && c2) {
        double sum = 0;
        json_t *parts[] = {cell, c1, c2};
        double w[] = {2, -1, -1};
        for (int k = 0; k < 3; k++)
            sum += w[k] * (double)json_integer_value(json_object_get(parts[k], "n")) *
                   json_number_value(json_object_get(parts[k], "mean"));
        cr_expect_fail("2 x cell - item 1 - item 2 = %.6g: the skipper's ek-eff-2 (100)", sum);
    }
    json_decref(an);
}
