/* test_share.c - share links to a closed wave's council summary, over HTTP
 * against the server, and the summary page in Chromium.
 *
 * The wave is the demo's (`thermometer demo`: Meting 2026 of Gemeente
 * Voorbeeldstad, closed). Checked: a link needs an expiry and a closed wave;
 * only admins and consultants of the wave's organisation make, list and
 * revoke links; the database keeps the token's hash, never the token, and
 * the log never shows it; the page carries the security headers and no
 * script; a revoked or expired link shows a readable 410 page, an unknown
 * one 404, and unknown links count towards the per-address limit. Then
 * Chromium opens the page (tests/e2e/summary.spec.mjs) and prints it: at
 * most four A4 pages with the chain chart on page 1.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/app/auth.h"
#include "th.h"
#include "th_wave.h"

#define CHROMIUM "/usr/bin/chromium"
#define E2E_DIR "tests/e2e"
#define CHART_NL "De bedoeling langs de keten: beleving per laag (0–100)"
#define CHART_EN "The intent along the chain: perceived alignment per layer (0–100)"

static char *db;
static th_server *srv;
static char *admin;

static void stop(void)
{
    if (srv) cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly");
    srv = NULL;
    free(admin);
    admin = NULL;
    free(db);
    db = NULL;
}

TestSuite(share, .fini = stop);

/* A database with the demo in it and a server on it; returns the demo's
 * closed wave. */
static long long demo_wave(void)
{
    db = th_db_create();
    char *cmd, *out = NULL;
    cr_assert(asprintf(&cmd, "DATABASE_URL='%s' SQL_DIR=sql timeout 240 %s demo", db,
                       getenv("THERMOMETER_BIN") ? getenv("THERMOMETER_BIN")
                                                 : "bin/thermometer-asan") > 0);
    int st = th_run(cmd, &out);
    cr_assert_eq(st, 0, "thermometer demo failed (exit %d):\n%s", st, out ? out : "");
    free(out);
    free(cmd);
    char *id = th_sql(db, "SELECT w.id FROM waves w JOIN organisations o ON o.id ="
                          " w.organisation_id WHERE o.code = 'GM9001' AND w.name = 'Meting 2026'");
    cr_assert_not_null(id, "the demo has no Meting 2026");
    long long wave = atoll(id);
    free(id);
    srv = th_server_start(db, NULL);
    admin = th_api_key(db, "admin", NULL, 0);
    return wave;
}

static th_response post(const char *key, const char *path, const char *body)
{
    return th_post_json(srv, path, key, body);
}

/* POST .../share with body; asserts status want and returns the JSON. */
static json_t *share(const char *key, long long wave, const char *body, long want)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/share", wave);
    th_response r = post(key, path, body);
    cr_assert_eq(r.status, want, "POST %s %s: %ld %s", path, body, r.status, r.body);
    json_t *j = th_json(&r);
    cr_assert_not_null(j, "not JSON: %s", r.body);
    th_response_free(&r);
    return j;
}

/* The path part of a link's url ("/raad/s/TOKEN"). */
static const char *path_of(json_t *link)
{
    const char *url = json_string_value(json_object_get(link, "url"));
    cr_assert_not_null(url);
    const char *p = strstr(url, "/raad/s/");
    cr_assert_not_null(p, "url %s", url);
    return p;
}

Test(share, links_expire_are_revocable_and_keep_only_a_hash)
{
    long long wave = demo_wave();

    /* an expiry is required, and must lie ahead, within a year */
    json_t *e = share(admin, wave, "{}", 422);
    char *text = json_dumps(e, 0);
    cr_expect(strstr(text, "expires_at") != NULL, "the error names expires_at: %s", text);
    free(text);
    json_decref(e);
    json_decref(share(admin, wave, "{\"expires_in_days\": 0}", 422));
    json_decref(share(admin, wave, "{\"expires_in_days\": 400}", 422));
    json_decref(share(admin, wave, "{\"expires_at\": \"2001-01-01T00:00:00Z\"}", 422));
    json_decref(share(admin, wave, "{\"expires_at\": \"morgen\"}", 422));
    json_decref(share(admin, wave, "{\"expires_in_days\": 7, \"expires_at\": \"x\"}", 422));
    e = share(admin, wave, "{\"expires_in_days\": 7, \"wave\": 1}", 422);
    text = json_dumps(e, 0);
    cr_expect(strstr(text, "\"wave\"") != NULL, "the error names the unknown field: %s", text);
    free(text);
    json_decref(e);

    /* only a closed wave is shared */
    char *org_s = th_sql(db, "SELECT id FROM organisations WHERE code = 'GM9001'");
    long long org = atoll(org_s);
    free(org_s);
    long long open_wave = th_wave_open(srv, admin, org);
    json_decref(share(admin, open_wave, "{\"expires_in_days\": 7}", 409));

    /* who may make one */
    char *viewer = th_api_key(db, "viewer", &org, 1);
    json_decref(share(viewer, wave, "{\"expires_in_days\": 7}", 403));
    long long other = th_org(srv, admin, "GM0777");
    char *stranger = th_api_key(db, "consultant", &other, 1);
    json_decref(share(stranger, wave, "{\"expires_in_days\": 7}", 404));
    char *consultant = th_api_key(db, "consultant", &org, 1);
    json_t *link = share(consultant, wave, "{\"expires_in_days\": 30}", 201);
    const char *token = json_string_value(json_object_get(link, "token"));
    cr_assert_not_null(token);
    cr_expect(json_is_true(json_object_get(link, "active")));
    cr_expect_str_eq(path_of(link) + strlen("/raad/s/"), token);

    /* the database keeps the hash, not the token */
    char hash[TOKEN_HASH_HEX], sql[512];
    auth_token_hash(token, hash);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM share_links WHERE token_hash = decode('%s', 'hex')", hash);
    char *n = th_sql(db, sql);
    cr_expect_str_eq(n, "1", "the token's hash is stored");
    free(n);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM share_links s WHERE position(convert_to('%s', 'UTF8') in "
             "s.token_hash) > 0 OR s::text LIKE '%%%s%%'",
             token, token);
    n = th_sql(db, sql);
    cr_expect_str_eq(n, "0", "the token itself is in the database");
    free(n);

    /* the page */
    th_response r = th_get(srv, path_of(link), NULL);
    cr_assert_eq(r.status, 200, "%s: %ld %s", path_of(link), r.status, r.body);
    char ct[128], csp[512], ref[64];
    cr_expect(th_header(&r, "Content-Type", ct, sizeof ct) && strstr(ct, "text/html"), "%s", ct);
    cr_expect(th_header(&r, "Content-Security-Policy", csp, sizeof csp) &&
                  strstr(csp, "default-src 'none'") && strstr(csp, "style-src 'self'"),
              "CSP %s", csp);
    cr_expect(th_header(&r, "Referrer-Policy", ref, sizeof ref) && !strcmp(ref, "no-referrer"),
              "the token must not leave in a Referer");
    cr_expect(strstr(r.body, "Gemeente Voorbeeldstad (demo)") != NULL, "the organisation");
    cr_expect(strstr(r.body, CHART_NL) != NULL, "the chain chart");
    cr_expect(strstr(r.body, "<svg") != NULL, "an inline SVG");
    cr_expect(strstr(r.body, "href=\"/assets/raad.css\"") != NULL, "the style sheet");
    cr_expect_null(strstr(r.body, "<script"), "no script");
    th_response_free(&r);
    char en[160];
    snprintf(en, sizeof en, "%s?lang=en", path_of(link));
    r = th_get(srv, en, NULL);
    cr_expect_eq(r.status, 200);
    cr_expect(strstr(r.body, CHART_EN) != NULL, "the English page");
    th_response_free(&r);
    r = th_get(srv, "/assets/raad.css", NULL);
    cr_expect_eq(r.status, 200);
    cr_expect(th_header(&r, "Content-Type", ct, sizeof ct) && strstr(ct, "text/css"), "%s", ct);
    cr_expect(strstr(r.body, "@page { size: A4 landscape;") != NULL);
    th_response_free(&r);

    /* the list shows no tokens */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/shares", wave);
    r = th_get(srv, path, consultant);
    cr_expect_eq(r.status, 200, "%s", r.body);
    cr_expect(strstr(r.body, token) == NULL, "the list shows a token");
    cr_expect(strstr(r.body, "\"expires_at\"") != NULL, "%s", r.body);
    th_response_free(&r);
    r = th_get(srv, path, viewer);
    cr_expect_eq(r.status, 403, "a viewer lists no links");
    th_response_free(&r);

    /* revoked: a readable 410 page; revoking again keeps it revoked */
    long long id = json_integer_value(json_object_get(link, "id"));
    snprintf(path, sizeof path, "/api/v1/waves/%lld/shares/%lld/revoke", wave, id);
    r = post(viewer, path, "{}");
    cr_expect_eq(r.status, 403);
    th_response_free(&r);
    r = post(consultant, path, "{}");
    cr_expect_eq(r.status, 200, "%s", r.body);
    cr_expect(strstr(r.body, "\"active\":false") != NULL, "%s", r.body);
    th_response_free(&r);
    r = th_get(srv, path_of(link), NULL);
    cr_expect_eq(r.status, 410);
    cr_expect(strstr(r.body, "ingetrokken") != NULL, "%s", r.body);
    cr_expect_null(strstr(r.body, CHART_NL), "a revoked link shows the summary");
    th_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/shares/%lld/revoke", open_wave, id);
    r = post(admin, path, "{}");
    cr_expect_eq(r.status, 404, "a link of another wave");
    th_response_free(&r);

    /* expired */
    json_t *link2 = share(admin, wave, "{\"expires_in_days\": 1}", 201);
    snprintf(sql, sizeof sql,
             "UPDATE share_links SET created_at = now() - interval '2 days', expires_at = now() - "
             "interval '1 day' WHERE id = %lld RETURNING id",
             (long long)json_integer_value(json_object_get(link2, "id")));
    free(th_sql(db, sql));
    r = th_get(srv, path_of(link2), NULL);
    cr_expect_eq(r.status, 410);
    cr_expect(strstr(r.body, "verlopen") != NULL, "%s", r.body);
    th_response_free(&r);

    /* unknown and malformed tokens */
    r = th_get(srv, "/raad/s/AAAAAAAAAAAAAAAAAAAAAAAA", NULL);
    cr_expect_eq(r.status, 404);
    cr_expect(strstr(r.body, "Onbekende link") != NULL, "%s", r.body);
    th_response_free(&r);

    /* the log never shows a token */
    char *log = th_server_log(srv);
    cr_expect(log && strstr(log, token) == NULL, "the server's log shows a share token");
    cr_expect(log && strstr(log, json_string_value(json_object_get(link2, "token"))) == NULL,
              "the server's log shows a share token");
    free(log);

    json_decref(link2);
    json_decref(link);
    free(consultant);
    free(stranger);
    free(viewer);
}

/* Guessing tokens is slowed down per address, as for survey links. */
Test(share, unknown_tokens_are_limited_per_address)
{
    db = th_db_create();
    srv = th_server_start(db, NULL);
    long status = 0;
    int tries = 0;
    for (; tries < 200 && status != 429; tries++) {
        char path[64];
        snprintf(path, sizeof path, "/raad/s/guess%019d", tries);
        th_response r = th_get(srv, path, NULL);
        status = r.status;
        if (status == 429) {
            char after[16];
            cr_expect(th_header(&r, "Retry-After", after, sizeof after) && atoi(after) > 0,
                      "a 429 says when to retry");
        } else {
            cr_expect_eq(status, 404, "try %d", tries);
        }
        th_response_free(&r);
    }
    cr_expect_eq(status, 429, "200 unknown share links from one address were all looked up");
}

static int pdf_pages(const char *pdf)
{
    char *cmd, *out = NULL;
    cr_assert(asprintf(&cmd, "pdfinfo %s | sed -n 's/^Pages: *//p'", pdf) > 0);
    cr_assert_eq(th_run(cmd, &out), 0, "pdfinfo %s (Debian: poppler-utils)", pdf);
    int n = atoi(out ? out : "0");
    free(out);
    free(cmd);
    return n;
}

/* Chromium opens the summary and prints it: at most four A4 landscape
 * pages, the chain chart on page 1. */
Test(share, chromium_prints_the_summary_on_at_most_four_pages, .timeout = 300)
{
    cr_assert(
        access(CHROMIUM, X_OK) == 0 && access(E2E_DIR "/node_modules/playwright-core", R_OK) == 0,
        "the browser test needs Debian's Chromium (" CHROMIUM ") and playwright-core in " E2E_DIR
        "/node_modules: run `scripts/install-deps.sh browser && scripts/e2e-setup.sh`");
    long long wave = demo_wave();
    json_t *link = share(admin, wave, "{\"expires_in_days\": 1}", 201);
    const char *tmp = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp";
    char out_dir[256], cmd[1024];
    snprintf(out_dir, sizeof out_dir, "%s/summary-e2e.%d", tmp, (int)getpid());
    snprintf(cmd, sizeof cmd,
             "SUMMARY_URL='%s%s' E2E_OUT='%s' timeout -k 5 150 node " E2E_DIR "/summary.spec.mjs",
             srv->base, path_of(link), out_dir);
    char *output = NULL;
    int rc = th_run(cmd, &output);
    cr_assert_eq(rc, 0, "the browser test failed (exit %d):\n%s", rc, output);
    cr_log_info("summary.spec.mjs:\n%s", output);
    free(output);

    char pdf[320];
    snprintf(pdf, sizeof pdf, "%s/summary.pdf", out_dir);
    int pages = pdf_pages(pdf);
    cr_expect(pages >= 1 && pages <= 4, "%s: %d pages, the summary is at most 4", pdf, pages);
    char *p1 = NULL;
    snprintf(cmd, sizeof cmd, "pdftotext -f 1 -l 1 %s -", pdf);
    cr_assert_eq(th_run(cmd, &p1), 0);
    cr_expect(p1 && strstr(p1, CHART_NL), "the chain chart's title is not on page 1:\n%s", p1);
    cr_expect(p1 && strstr(p1, "Wat valt op?"), "the sentences are not on page 1");
    cr_log_info("%s: %d pages", pdf, pages);
    free(p1);
    json_decref(link);
}
