/* test_collection.c - organisations, waves, invitations, links, progress,
 * the respondent's JSON API and the bulk import, end to end over HTTP. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

TestSuite(collection, .init = start, .fini = stop);

/* POSTs json and returns the parsed body, asserting the status. */
static json_t *post_ok(const char *path, const char *json, long want)
{
    th_response r = th_post_json(srv, path, admin, json);
    cr_assert_eq(r.status, want, "POST %s: %ld %s", path, r.status, r.body);
    json_t *j = th_json(&r);
    th_response_free(&r);
    return j;
}

static long long make_org(const char *code)
{
    char body[128];
    snprintf(body, sizeof body, "{\"name\": \"Gemeente %s\", \"code\": \"%s\"}", code, code);
    json_t *j = post_ok("/api/v1/organisations", body, 201);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    return id;
}

/* A wave of instrument v1: the tests below post its item keys. */
static long long make_wave(long long org, int open)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein@1.0.0\","
             " \"name\": \"Meting 2026\"}",
             org);
    json_t *j = post_ok("/api/v1/waves", body, 201);
    long long id = json_integer_value(json_object_get(j, "id"));
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "draft");
    cr_assert_eq(json_integer_value(json_object_get(j, "min_group_size")), 5);
    json_decref(j);
    if (open) {
        char path[64];
        snprintf(path, sizeof path, "/api/v1/waves/%lld/open", id);
        json_decref(post_ok(path, "{}", 200));
    }
    return id;
}

/* An open wave made for import ("collection": "import"). */
static long long make_import_wave(long long org)
{
    return th_wave_import(srv, admin, org);
}

/* {"answers": th_answers(layer, v, "b") with overrides (a JSON object text
 * or NULL), "submit": submit} as text (caller frees). */
static char *full_body(const char *layer, int v, const char *overrides, int submit)
{
    json_t *a = th_answers(layer, v, "b");
    if (overrides) {
        json_t *o = json_loads(overrides, 0, NULL);
        cr_assert_not_null(o, "%s", overrides);
        json_object_update(a, o);
        json_decref(o);
    }
    json_t *body = json_pack("{s:o, s:b}", "answers", a, "submit", submit);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return text;
}

/* csv with "%H" replaced by sep and the key of every other core item
 * (beside ek-eff-1 and ek-eff-2, which the tests write themselves) and
 * "%V" by sep and an answer to each: every row then answers the half of
 * the core items a row needs. Caller frees. */
static char *csv_widen(const char *csv, char sep)
{
    json_t *core = th_core_items(), *vals = th_answers("uitvoering", 3, "a");
    th_buf h = {0}, v = {0};
    size_t i;
    json_t *k;
    json_array_foreach(core, i, k)
    {
        const char *key = json_string_value(k);
        if (!strcmp(key, "ek-eff-1") || !strcmp(key, "ek-eff-2")) continue;
        json_t *x = json_object_get(vals, key);
        char cell[96];
        int n = snprintf(cell, sizeof cell, "%c%s", sep, key);
        th_collect(cell, 1, (size_t)n, &h);
        n = json_is_integer(x)
                ? snprintf(cell, sizeof cell, "%c%lld", sep, (long long)json_integer_value(x))
                : snprintf(cell, sizeof cell, "%c%s", sep, json_string_value(x));
        th_collect(cell, 1, (size_t)n, &v);
    }
    json_decref(core);
    json_decref(vals);
    th_buf out = {0};
    for (const char *c = csv; *c; c++) {
        if (c[0] == '%' && (c[1] == 'H' || c[1] == 'V')) {
            th_buf *b = c[1] == 'H' ? &h : &v;
            th_collect(b->data, 1, b->len, &out);
            c++;
        } else {
            th_collect((char *)c, 1, 1, &out);
        }
    }
    free(h.data);
    free(v.data);
    return out.data;
}

/* n invitation tokens for layer; caller frees each and the array. */
static char **invite(long long wave, const char *layer, int n)
{
    char path[64], body[128];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", wave);
    snprintf(body, sizeof body, "{\"layer\": \"%s\", \"count\": %d}", layer, n);
    json_t *j = post_ok(path, body, 201);
    json_t *list = json_object_get(j, "invitations");
    cr_assert_eq(json_array_size(list), (size_t)n);
    char **tokens = calloc((size_t)n, sizeof *tokens);
    for (int i = 0; i < n; i++)
        tokens[i] =
            strdup(json_string_value(json_object_get(json_array_get(list, (size_t)i), "token")));
    json_decref(j);
    return tokens;
}

static th_response survey_post(const char *token, const char *json)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/survey/%s", token);
    return th_post_json(srv, path, NULL, json);
}

static json_t *progress_layer(long long wave, const char *layer)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/progress", wave);
    th_response r = th_get(srv, path, admin);
    cr_assert_eq(r.status, 200, "%s", r.body);
    json_t *j = th_json(&r);
    th_response_free(&r);
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(j, "layers"), i,
                       l) if (!strcmp(json_string_value(json_object_get(l, "layer")), layer))
    {
        json_incref(l);
        json_decref(j);
        return l;
    }
    cr_assert_fail("layer %s not in progress", layer);
    return NULL;
}

static long long count_of(json_t *l, const char *field)
{
    return json_integer_value(json_object_get(l, field));
}

Test(collection, organisations_create_validate_and_list)
{
    long long id = make_org("GM0171");
    cr_expect_gt(id, 0);
    th_response r = th_post_json(srv, "/api/v1/organisations", admin,
                                 "{\"name\": \"Dubbel\", \"code\": \"GM0171\"}");
    cr_expect_eq(r.status, 409, "%s", r.body);
    th_response_free(&r);
    r = th_post_json(srv, "/api/v1/organisations", admin, "{\"name\": \"\", \"code\": \"0171\"}");
    cr_expect_eq(r.status, 422);
    cr_expect(strstr(r.body, "\"field\":\"code\"") && strstr(r.body, "\"field\":\"name\""), "%s",
              r.body);
    th_response_free(&r);
    r = th_get(srv, "/api/v1/organisations", admin);
    cr_expect_eq(r.status, 200);
    cr_expect(strstr(r.body, "\"code\":\"GM0171\"") != NULL, "%s", r.body);
    th_response_free(&r);
}

Test(collection, waves_lifecycle_and_validation)
{
    long long org = make_org("GM0200");
    long long wave = make_wave(org, 0);
    char path[96], body[256];

    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein@1.0.0\","
             " \"name\": \"x\", \"min_group_size\": 2}",
             org);
    th_response r = th_post_json(srv, "/api/v1/waves", admin, body);
    cr_expect_eq(r.status, 422);
    cr_expect(strstr(r.body, "min_group_size") != NULL, "%s", r.body);
    th_response_free(&r);

    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"onbekend\", \"name\": \"x\"}", org);
    r = th_post_json(srv, "/api/v1/waves", admin, body);
    cr_expect_eq(r.status, 422);
    cr_expect(strstr(r.body, "instrument") != NULL, "%s", r.body);
    th_response_free(&r);

    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", wave);
    json_t *j = post_ok(path, "{}", 200);
    cr_expect_str_eq(json_string_value(json_object_get(j, "status")), "open");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
    j = post_ok(path, "{}", 200);
    cr_expect_str_eq(json_string_value(json_object_get(j, "status")), "closed");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", wave);
    r = th_post_json(srv, path, admin, "{}");
    cr_expect_eq(r.status, 409, "a closed wave stays closed: %s", r.body);
    th_response_free(&r);

    /* previous_wave_id must be of the same organisation. */
    long long other = make_org("GM0201");
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"y\", \"previous_wave_id\": %lld}",
             other, wave);
    r = th_post_json(srv, "/api/v1/waves", admin, body);
    cr_expect_eq(r.status, 422, "%s", r.body);
    th_response_free(&r);

    snprintf(path, sizeof path, "/api/v1/organisations/%lld/waves", org);
    r = th_get(srv, path, admin);
    cr_expect_eq(r.status, 200);
    j = th_json(&r);
    cr_expect_eq(json_array_size(json_object_get(j, "waves")), 1);
    json_decref(j);
    th_response_free(&r);

    r = th_get(srv, "/api/v1/waves/999999999", admin);
    cr_expect_eq(r.status, 404);
    th_response_free(&r);
    r = th_get(srv, "/api/v1/waves/99999999999999999999999", admin);
    cr_expect_eq(r.status, 404, "a huge id is 404, not an error: %s", r.body);
    th_response_free(&r);
}

Test(collection, a_wave_past_closes_at_is_closed)
{
    long long org = make_org("GM0202");
    char body[300];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"kort\", \"closes_at\": \"%s\"}",
             org, "2099-01-01T00:00:00Z");
    json_t *j = post_ok("/api/v1/waves", body, 201);
    long long wave = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", wave);
    json_decref(post_ok(path, "{}", 200));
    char **t = invite(wave, "beleid", 1);
    /* Move closes_at into the past, as time would. */
    char sql[160];
    snprintf(sql, sizeof sql,
             "UPDATE waves SET closes_at = now() - interval '1 second' WHERE id = %lld", wave);
    th_sql(db, sql);
    snprintf(path, sizeof path, "/api/v1/waves/%lld", wave);
    th_response r = th_get(srv, path, admin);
    j = th_json(&r);
    cr_expect_str_eq(json_string_value(json_object_get(j, "status")), "closed");
    json_decref(j);
    th_response_free(&r);
    r = survey_post(t[0], "{\"answers\": {}, \"submit\": true}");
    cr_expect_eq(r.status, 410, "%s", r.body);
    th_response_free(&r);
    free(t[0]);
    free(t);
}

Test(collection, invitations_tokens_and_csv)
{
    long long wave = make_wave(make_org("GM0300"), 1);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", wave);
    char **t = invite(wave, "uitvoering", 3);
    for (int i = 0; i < 3; i++) {
        cr_expect_geq(strlen(t[i]), 22);
        cr_expect_eq(
            strspn(t[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            strlen(t[i]), "URL-safe: %s", t[i]);
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM invitations WHERE position('%s' in encode(token_hash, "
                 "'escape')) > 0",
                 t[i]);
        char *n = th_sql(db, sql);
        cr_expect_str_eq(n, "0", "the token itself is not stored");
        free(n);
        free(t[i]);
    }
    free(t);

    th_response r = th_post_json(srv, path, admin, "{\"layer\": \"beleid\", \"count\": 2}");
    cr_expect_eq(r.status, 201);
    th_response_free(&r);

    r = th_post_json(srv, path, admin, "{\"layer\": \"wethouders\", \"count\": 2}");
    cr_expect_eq(r.status, 422);
    cr_expect(strstr(r.body, "layer") != NULL, "%s", r.body);
    th_response_free(&r);
    r = th_post_json(srv, path, admin, "{\"layer\": \"beleid\", \"count\": 0}");
    cr_expect_eq(r.status, 422);
    th_response_free(&r);
    r = th_post_json(srv, path, admin, "{\"layer\": \"beleid\", \"count\": 10001}");
    cr_expect_eq(r.status, 422);
    cr_expect(strstr(r.body, "1 to 10000") != NULL, "%s", r.body);
    th_response_free(&r);
}

Test(collection, invitations_as_csv)
{
    long long wave = make_wave(make_org("GM0301"), 1);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", wave);
    /* th_request has no Accept header parameter: use a raw curl via th_run. */
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd,
             "curl -s -X POST -H 'Authorization: Bearer %s' -H 'Accept: text/csv'"
             " -H 'Content-Type: application/json' -d '{\"layer\":\"beleid\",\"count\":3}' %s%s",
             admin, srv->base, path);
    cr_assert_eq(th_run(cmd, &out), 0);
    cr_expect(strncmp(out, "layer,token,url\r\n", 17) == 0, "%s", out);
    int lines = 0;
    for (char *p = out; (p = strstr(p, "\r\n")); p += 2)
        lines++;
    cr_expect_eq(lines, 4, "header + 3 rows: %s", out);
    cr_expect(strstr(out, "beleid,") && strstr(out, "/s/"), "%s", out);
    free(out);
}

Test(collection, respondent_save_submit_and_progress)
{
    long long wave = make_wave(make_org("GM0400"), 1);
    char **t = invite(wave, "uitvoering", 3);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/survey/%s", t[0]);
    th_response r = th_get(srv, path, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    json_t *j = th_json(&r);
    cr_expect_str_eq(json_string_value(json_object_get(j, "layer")), "uitvoering");
    cr_expect_gt(json_array_size(json_object_get(j, "items")), 50);
    cr_expect_eq(json_object_size(json_object_get(j, "answers")), 0);
    json_decref(j);
    th_response_free(&r);

    r = survey_post(
        t[0], "{\"answers\": {\"ek-eff-1\": 4, \"ek-eff-2\": \"dont_know\"}, \"submit\": false}");
    cr_expect_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = th_get(srv, path, NULL);
    j = th_json(&r);
    json_t *a = json_object_get(j, "answers");
    cr_expect_eq(json_integer_value(json_object_get(a, "ek-eff-1")), 4, "%s", r.body);
    cr_expect_str_eq(json_string_value(json_object_get(a, "ek-eff-2")), "dont_know");
    json_decref(j);
    th_response_free(&r);

    /* Bad answers: each named. */
    r = survey_post(t[0], "{\"answers\": {\"ek-eff-1\": 7, \"nonsense\": 1, \"ek-eff-2\": 2.5},"
                          " \"submit\": true}");
    cr_expect_eq(r.status, 422, "%s", r.body);
    cr_expect(strstr(r.body, "\"item\":\"ek-eff-1\"") && strstr(r.body, "\"item\":\"nonsense\"") &&
                  strstr(r.body, "\"item\":\"ek-eff-2\""),
              "%s", r.body);
    th_response_free(&r);
    r = survey_post(t[0], "{\"answers\": {\"ek-eff-1\": 4,}");
    cr_expect_eq(r.status, 400);
    th_response_free(&r);

    char *full = full_body("uitvoering", 5, NULL, 1);
    r = survey_post(t[0], full);
    cr_expect_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);
    r = survey_post(t[0], full);
    cr_expect_eq(r.status, 409);
    th_response_free(&r);
    free(full);
    r = th_get(srv, path, NULL);
    cr_expect_eq(r.status, 409);
    th_response_free(&r);

    r = survey_post(t[1], "{\"answers\": {\"ek-eff-1\": 3}, \"submit\": false}");
    th_response_free(&r);
    json_t *l = progress_layer(wave, "uitvoering");
    cr_expect_eq(count_of(l, "invited"), 3);
    cr_expect_eq(count_of(l, "started"), 2);
    cr_expect_eq(count_of(l, "submitted"), 1);
    cr_expect_eq(count_of(l, "imported"), 0, "an online submission is not imported");
    json_decref(l);
    l = progress_layer(wave, "bestuur");
    cr_expect_eq(count_of(l, "invited"), 0);
    json_decref(l);

    /* The response row carries no link to the invitation. An imported row
     * names its import batch (so that a batch can be undone); a submitted
     * one has none. */
    char *cols = th_sql(db, "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
                            "information_schema.columns WHERE table_name = 'responses'");
    cr_expect_str_eq(cols, "id,wave_id,layer,scores,extra,imported,import_batch_id");
    free(cols);
    cols = th_sql(db, "SELECT count(*) FROM responses WHERE NOT imported AND import_batch_id IS NOT"
                      " NULL");
    cr_expect_str_eq(cols, "0", "a submitted response belongs to no batch");
    free(cols);

    r = th_get(srv, "/api/v1/survey/AAAAAAAAAAAAAAAAAAAAAAAA", NULL);
    cr_expect_eq(r.status, 404);
    th_response_free(&r);

    /* Closing forgets the drafts: they hang on rows the mail merge ties to names. */
    char path2[96], sql[160];
    snprintf(path2, sizeof path2, "/api/v1/waves/%lld/close", wave);
    json_decref(post_ok(path2, "{}", 200));
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM invitations WHERE wave_id = %lld AND draft IS NOT NULL", wave);
    char *drafts = th_sql(db, sql);
    cr_expect_str_eq(drafts, "0");
    free(drafts);
    for (int i = 0; i < 3; i++)
        free(t[i]);
    free(t);
}

Test(collection, an_item_not_asked_to_the_layer_is_refused)
{
    long long wave = make_wave(make_org("GM0401"), 1);
    /* Find an item not asked to bestuur from the instrument itself. */
    th_response r =
        th_get(srv, "/api/v1/instruments/thermometer-sociaal-domein?version=1.0.0", admin);
    json_t *def = th_json(&r);
    th_response_free(&r);
    const char *key = NULL;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(def, "items"), i, it)
    {
        json_t *layers = json_object_get(it, "layers");
        if (!layers) continue;
        int has = 0;
        size_t k;
        json_t *lv;
        json_array_foreach(layers, k, lv) has |= !strcmp(json_string_value(lv), "bestuur");
        if (!has) {
            key = json_string_value(json_object_get(it, "key"));
            break;
        }
    }
    cr_assert_not_null(key, "the instrument has an item not asked to bestuur");
    char **t = invite(wave, "bestuur", 1);
    char body[256];
    snprintf(body, sizeof body, "{\"answers\": {\"%s\": 1}, \"submit\": false}", key);
    r = survey_post(t[0], body);
    cr_expect_eq(r.status, 422);
    cr_expect(strstr(r.body, "is not asked to layer") != NULL, "%s", r.body);
    th_response_free(&r);
    json_decref(def);
    free(t[0]);
    free(t);
}

/* One of two submissions of the same token: connected beforehand, sent the
 * moment both threads are at the barrier. */
typedef struct race_arg {
    const char *token;
    pthread_barrier_t *go;
    int status;
    char answer[160];
} race_arg;

static char *race_body; /* a complete submission of beleid */

static void *race_submit(void *p)
{
    race_arg *a = p;
    const char *body = race_body;
    char req[8192];
    int n = snprintf(req, sizeof req,
                     "POST /api/v1/survey/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     a->token, strlen(body), body);
    int fd = th_connect(srv->port);
    pthread_barrier_wait(a->go);
    char *ans = th_raw_exchange_fd(fd, req, (size_t)n, 10000, NULL);
    if (sscanf(ans, "HTTP/1.%*d %d", &a->status) != 1) a->status = 0;
    snprintf(a->answer, sizeof a->answer, "%s", ans);
    free(ans);
    return NULL;
}

/* The same token is submitted twice at the same moment, 16 times over: both
 * connections are open before a barrier releases the two requests together.
 * Each time exactly one is 201 and the other 409 ("already submitted"), and
 * each token is stored once. */
Test(collection, one_token_submitted_twice_at_once_is_stored_once)
{
    enum { N = 16 };
    long long wave = make_wave(make_org("GM0500"), 1);
    char **t = invite(wave, "beleid", N);
    race_body = full_body("beleid", 2, NULL, 1);
    for (int k = 0; k < N; k++) {
        pthread_barrier_t go;
        pthread_barrier_init(&go, NULL, 2);
        race_arg a = {t[k], &go, 0, ""}, b = {t[k], &go, 0, ""};
        pthread_t x, y;
        pthread_create(&x, NULL, race_submit, &a);
        pthread_create(&y, NULL, race_submit, &b);
        pthread_join(x, NULL);
        pthread_join(y, NULL);
        pthread_barrier_destroy(&go);
        cr_expect((a.status == 201 && b.status == 409) || (a.status == 409 && b.status == 201),
                  "token %d: one 201 and one 409, got %d and %d:\n%s\n%s", k + 1, a.status,
                  b.status, a.answer, b.answer);
        free(t[k]);
    }
    free(t);
    free(race_body);
    /* Stored: mixed into responses, or still waiting to be. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT (SELECT count(*) FROM responses WHERE wave_id = %lld)"
             " + (SELECT count(*) FROM pending_responses WHERE wave_id = %lld)",
             wave, wave);
    char *n = th_sql(db, sql);
    cr_expect_str_eq(n, "16", "each token stored once");
    free(n);
}

Test(collection, open_link_gives_each_visitor_a_token)
{
    long long wave = make_wave(make_org("GM0600"), 1);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/links", wave);
    json_t *j = post_ok(path, "{\"layer\": \"partners\", \"max_responses\": 2}", 201);
    char *link = strdup(json_string_value(json_object_get(j, "token")));
    json_decref(j);

    th_response r = survey_post(link, "{\"answers\": {\"ek-eff-1\": 3}, \"submit\": false}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    j = th_json(&r);
    const char *mine_ = json_string_value(json_object_get(j, "token"));
    cr_assert_not_null(mine_, "a save on a link hands out a personal token: %s", r.body);
    char mine[64];
    snprintf(mine, sizeof mine, "%s", mine_);
    cr_expect_str_neq(mine, link);
    char mypath[128];
    snprintf(mypath, sizeof mypath, "/api/v1/survey/%s", mine);
    th_response_free(&r);
    r = th_get(srv, mypath, NULL);
    cr_expect_eq(r.status, 200);
    cr_expect(strstr(r.body, "\"ek-eff-1\":3") != NULL, "the draft is under the personal token: %s",
              r.body);
    th_response_free(&r);
    json_decref(j);

    /* A second visitor of the same link starts empty. */
    char linkpath[128];
    snprintf(linkpath, sizeof linkpath, "/api/v1/survey/%s", link);
    r = th_get(srv, linkpath, NULL);
    json_t *fresh = th_json(&r);
    cr_expect_eq(json_object_size(json_object_get(fresh, "answers")), 0);
    json_decref(fresh);
    th_response_free(&r);
    /* Two places: the saved draft used none (test_anonymity.c); two
     * submissions use both. */
    char *full = full_body("partners", 1, NULL, 1);
    r = survey_post(link, full);
    cr_expect_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);
    r = survey_post(mine, full); /* the first visitor sends the draft's token */
    cr_expect_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);
    r = survey_post(link, full);
    cr_expect_eq(r.status, 410, "max_responses reached: %s", r.body);
    th_response_free(&r);
    free(full);
    free(link);
}

/* A JSON import row of layer: th_answers(layer, 3, "a") with overrides
 * (a JSON object text). New reference. */
static json_t *import_row(const char *layer, const char *overrides)
{
    json_t *a = th_answers(layer, 3, "a");
    json_t *o = json_loads(overrides, 0, NULL);
    cr_assert_not_null(o, "%s", overrides);
    json_object_update(a, o);
    json_decref(o);
    return json_pack("{s:s, s:o}", "layer", layer, "answers", a);
}

static th_response import_json(long long wave, json_t *rows)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", wave);
    char *body = json_dumps(rows, JSON_COMPACT);
    json_decref(rows);
    th_response r = th_post_json(srv, path, admin, body);
    free(body);
    return r;
}

Test(collection, bulk_import_json_is_all_or_nothing)
{
    long long wave = make_import_wave(make_org("GM0700"));
    th_response r = import_json(
        wave, json_pack("[o, {s:s, s:{}}, o]", import_row("beleid", "{\"ek-eff-1\": 4}"), "layer",
                        "wethouder", "answers", import_row("beleid", "{\"ek-eff-1\": 9}")));
    cr_expect_eq(r.status, 422, "%s", r.body);
    cr_expect(strstr(r.body, "\"row\":2") && strstr(r.body, "\"row\":3"), "%s", r.body);
    cr_expect(strstr(r.body, "\"row\":1") == NULL, "%s", r.body);
    th_response_free(&r);
    json_t *l = progress_layer(wave, "beleid");
    cr_expect_eq(count_of(l, "submitted"), 0, "nothing stored after a bad row");
    json_decref(l);

    r = import_json(wave, json_pack("[o, o]",
                                    import_row("beleid", "{\"ek-eff-1\": 4, \"ek-eff-2\": "
                                                         "\"dont_know\"}"),
                                    import_row("beleid", "{\"ek-eff-1\": 2}")));
    cr_expect_eq(r.status, 201, "%s", r.body);
    cr_expect_str_eq(r.body, "{\"imported\":2}");
    th_response_free(&r);
    l = progress_layer(wave, "beleid");
    cr_expect_eq(count_of(l, "submitted"), 2);
    /* imported rows stand for no invitation: a report counts them apart
     * from the response rate (submitted - imported of invited) */
    cr_expect_eq(count_of(l, "imported"), 2);
    cr_expect_eq(count_of(l, "invited"), 0);
    json_decref(l);
}

/* Only real respondents: a row that answers fewer than half of its layer's
 * core items is a bad row, named; nothing is stored. */
Test(collection, bulk_import_rows_must_answer_half_of_the_core_items)
{
    long long wave = make_import_wave(make_org("GM0705"));
    th_response r = import_json(
        wave, json_pack("[o, {s:s, s:{s:i, s:s}}]", import_row("beleid", "{}"), "layer", "beleid",
                        "answers", "ek-eff-1", 4, "ek-eff-kn-1", "dont_know"));
    cr_expect_eq(r.status, 422, "%s", r.body);
    cr_expect(strstr(r.body, "\"row\":2") && strstr(r.body, "answers 2 of the core questions") &&
                  strstr(r.body, "at least 33"),
              "%s", r.body);
    cr_expect(strstr(r.body, "\"row\":1") == NULL, "%s", r.body);
    th_response_free(&r);
    json_t *l = progress_layer(wave, "beleid");
    cr_expect_eq(count_of(l, "submitted"), 0);
    json_decref(l);
}

/* An online wave takes no import (409 before the body is read), an import
 * wave no invitations and no links. */
Test(collection, online_and_import_waves_keep_apart)
{
    long long org = make_org("GM0706");
    long long online = make_wave(org, 1), imported = make_import_wave(org);
    th_response r = import_json(online, json_pack("[o]", import_row("beleid", "{}")));
    cr_expect_eq(r.status, 409, "%s", r.body);
    cr_expect(strstr(r.body, "collects answers online") != NULL, "%s", r.body);
    th_response_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", imported);
    r = th_post_json(srv, path, admin, "{\"layer\": \"beleid\", \"count\": 1}");
    cr_expect_eq(r.status, 409, "%s", r.body);
    cr_expect(strstr(r.body, "made for import") != NULL, "%s", r.body);
    th_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/links", imported);
    r = th_post_json(srv, path, admin, "{\"layer\": \"beleid\", \"max_responses\": 5}");
    cr_expect_eq(r.status, 409, "%s", r.body);
    th_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/waves/%lld", imported);
    r = th_get(srv, path, admin);
    cr_expect(strstr(r.body, "\"collection\":\"import\"") != NULL, "%s", r.body);
    th_response_free(&r);
    r = th_post_json(srv, "/api/v1/waves", admin,
                     "{\"organisation_id\": 1, \"instrument\": \"thermometer-sociaal-domein\","
                     " \"name\": \"x\", \"collection\": \"paper\"}");
    cr_expect_eq(r.status, 422, "%s", r.body);
    cr_expect(strstr(r.body, "\"field\":\"collection\"") != NULL, "%s", r.body);
    th_response_free(&r);
}

Test(collection, bulk_import_csv_as_excel_writes_it)
{
    long long wave = make_import_wave(make_org("GM0701"));
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", wave);
    char *csv = csv_widen("\xEF\xBB\xBFlayer;ek-eff-1;ek-eff-2%H\r\nuitvoering;3;weet niet%V\r\n"
                          "uitvoering;5;%V\r\nmanagement;1;2%V\r\n",
                          ';');
    th_response r =
        th_request(srv, "POST", path, admin, "text/csv; charset=utf-8", csv, strlen(csv));
    free(csv);
    cr_expect_eq(r.status, 201, "%s", r.body);
    cr_expect_str_eq(r.body, "{\"imported\":3}");
    th_response_free(&r);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT string_agg(scores[1]::text || '/' || scores[2]::text, ' ' ORDER BY layer, "
             "scores[1])"
             " FROM responses WHERE wave_id = %lld",
             wave);
    char *s = th_sql(db, sql);
    /* ek-eff-1 and ek-eff-2 are the first two items: management 1/2, uitvoering 3/-1, 5/0 */
    cr_expect_str_eq(s, "1/2 3/-1 5/0");
    free(s);
}

/* "ek-eff-1/ek-eff-2" of every response of wave, by layer (caller frees). */
static char *stored_first_two(long long wave)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT string_agg(scores[1]::text || '/' || scores[2]::text, ' ' ORDER BY layer, "
             "scores[1]) FROM responses WHERE wave_id = %lld",
             wave);
    return th_sql(db, sql);
}

/* POSTs a CSV import of len bytes to a new open wave; returns the answer
 * and the wave. */
static th_response import_csv(const char *code, const char *csv, size_t len, long long *wave)
{
    *wave = make_import_wave(make_org(code));
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", *wave);
    return th_request(srv, "POST", path, admin, "text/csv", csv, len);
}

/* What else Excel writes: a first line "sep=;" (the separator, then a
 * comma in a cell is text), CR alone at the end of each line (old Mac
 * Excel) are imported with the values of the cells; a UTF-16 file (Excel's
 * "Unicode text": a byte order mark, tabs) is refused with 422 and an error
 * that names UTF-16 and says to save as "CSV UTF-8", and nothing is stored. */
Test(collection, bulk_import_csv_sep_line_cr_and_utf16)
{
    long long wave;
    char *sep = csv_widen("sep=;\r\nlayer;ek-eff-1;ek-eff-2;open-eff%H\r\n"
                          "uitvoering;3;weet niet;een, twee%V\r\nmanagement;1;2;%V\r\n",
                          ';');
    th_response r = import_csv("GM0702", sep, strlen(sep), &wave);
    free(sep);
    cr_expect_eq(r.status, 201, "sep=;: %s", r.body);
    cr_expect_str_eq(r.body, "{\"imported\":2}");
    th_response_free(&r);
    char *s = stored_first_two(wave);
    cr_expect_str_eq(s, "1/2 3/-1", "sep=;: management 1/2, uitvoering 3/weet niet");
    free(s);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT extra->>'open-eff' FROM responses WHERE wave_id = %lld",
             wave);
    s = th_sql(db, sql);
    cr_expect_str_eq(s, "een, twee");
    free(s);

    char *cr = csv_widen("layer,ek-eff-1,ek-eff-2%H\ruitvoering,5,%V\r\rbeleid,2,4%V\r", ',');
    r = import_csv("GM0703", cr, strlen(cr), &wave);
    free(cr);
    cr_expect_eq(r.status, 201, "CR line ends: %s", r.body);
    cr_expect_str_eq(r.body, "{\"imported\":2}");
    th_response_free(&r);
    s = stored_first_two(wave);
    cr_expect_str_eq(s, "2/4 5/0", "CR line ends: beleid 2/4, uitvoering 5/unanswered");
    free(s);

    const char ascii[] = "layer\tek-eff-1\r\nuitvoering\t3\r\n";
    char u16[2 + 2 * sizeof ascii] = {'\xFF', '\xFE'};
    for (size_t i = 0; i + 1 < sizeof ascii; i++)
        u16[2 + 2 * i] = ascii[i]; /* little-endian: the ASCII byte, then 0 */
    r = import_csv("GM0704", u16, 2 + 2 * (sizeof ascii - 1), &wave);
    cr_expect_eq(r.status, 422, "UTF-16: %s", r.body);
    json_t *j = th_json(&r);
    const char *e = json_string_value(json_object_get(j, "error"));
    cr_expect(e && strstr(e, "UTF-16") && strstr(e, "\"CSV UTF-8\""),
              "the error names UTF-16 and the way out: %s", r.body);
    json_decref(j);
    th_response_free(&r);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM responses WHERE wave_id = %lld", wave);
    s = th_sql(db, sql);
    cr_expect_str_eq(s, "0", "nothing stored");
    free(s);
}

Test(collection, bodies_over_the_limit_are_413)
{
    size_t n = 1024 * 1024 + 10;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    th_response r = th_request(srv, "POST", "/api/v1/waves", admin, "application/json", big, n);
    cr_expect_eq(r.status, 413, "%s", r.body);
    th_response_free(&r);
    free(big);
}
