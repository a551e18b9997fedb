/* test_http.c - the server basics: health with the database up and down,
 * security headers, unknown paths and methods, API keys, instruments. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly on SIGTERM");
    free(admin);
    free(db);
}

TestSuite(http, .init = start, .fini = stop);

Test(http, healthz_ok_with_security_headers)
{
    th_response r = th_get(srv, "/healthz", NULL);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.body, "{\"status\":\"ok\"}");
    char v[256];
    cr_expect(th_header(&r, "Referrer-Policy", v, sizeof v) && !strcmp(v, "no-referrer"));
    cr_expect(th_header(&r, "X-Content-Type-Options", v, sizeof v) && !strcmp(v, "nosniff"));
    cr_expect(th_header(&r, "X-Frame-Options", v, sizeof v) && !strcmp(v, "DENY"));
    cr_expect(th_header(&r, "Content-Security-Policy", v, sizeof v) &&
              strstr(v, "default-src 'none'"));
    cr_expect(th_header(&r, "Content-Type", v, sizeof v) && strstr(v, "application/json"));
    th_response_free(&r);
}

Test(http, unknown_path_is_404_json)
{
    th_response r = th_get(srv, "/nothing/here", NULL);
    cr_expect_eq(r.status, 404);
    json_t *j = th_json(&r);
    cr_assert_not_null(j);
    cr_expect(json_is_string(json_object_get(j, "error")));
    cr_expect(json_is_array(json_object_get(j, "details")));
    json_decref(j);
    th_response_free(&r);
}

Test(http, wrong_method_is_405_with_allow)
{
    th_response r = th_request(srv, "DELETE", "/healthz", NULL, NULL, NULL, 0);
    cr_expect_eq(r.status, 405);
    char v[64];
    cr_expect(th_header(&r, "Allow", v, sizeof v) && !strcmp(v, "GET"), "Allow: %s", v);
    th_response_free(&r);
}

Test(http, api_needs_a_valid_key)
{
    th_response r = th_get(srv, "/api/v1/instruments", NULL);
    cr_expect_eq(r.status, 401);
    th_response_free(&r);
    r = th_get(srv, "/api/v1/instruments", "tm_1_notthekeyatallbutlongenough");
    cr_expect_eq(r.status, 401);
    th_response_free(&r);
    r = th_get(srv, "/api/v1/instruments", "garbage");
    cr_expect_eq(r.status, 401);
    th_response_free(&r);
    /* Right id, wrong secret. */
    char wrong[128];
    snprintf(wrong, sizeof wrong, "%.*sAAAA", (int)strlen(admin) - 4, admin);
    r = th_get(srv, "/api/v1/instruments", wrong);
    cr_expect_eq(r.status, 401);
    th_response_free(&r);
}

Test(http, instruments_list_and_get)
{
    th_response r = th_get(srv, "/api/v1/instruments", admin);
    cr_assert_eq(r.status, 200, "%s", r.body);
    json_t *j = th_json(&r);
    json_t *first = json_array_get(json_object_get(j, "instruments"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(first, "key")),
                     "thermometer-sociaal-domein");
    cr_expect_str_eq(json_string_value(json_object_get(first, "version")), "2.0.0",
                     "the list names the latest version");
    json_decref(j);
    th_response_free(&r);

    /* Latest is v2 (at most 45 items a layer); v1 stays for its waves. */
    r = th_get(srv, "/api/v1/instruments/thermometer-sociaal-domein", admin);
    cr_assert_eq(r.status, 200);
    j = th_json(&r);
    cr_expect_str_eq(json_string_value(json_object_get(j, "version")), "2.0.0");
    cr_expect_eq(json_array_size(json_object_get(j, "layers")), 5);
    cr_expect_eq(json_array_size(json_object_get(j, "items")), 53);
    cr_expect_not_null(json_object_get(j, "rules"));
    json_decref(j);
    th_response_free(&r);
    r = th_get(srv, "/api/v1/instruments/thermometer-sociaal-domein?version=1.0.0", admin);
    cr_assert_eq(r.status, 200);
    j = th_json(&r);
    cr_expect_str_eq(json_string_value(json_object_get(j, "version")), "1.0.0");
    cr_expect_eq(json_array_size(json_object_get(j, "items")), 80);
    json_decref(j);
    th_response_free(&r);

    /* A wave named by key gets the latest version; key@version pins one. */
    r = th_post_json(srv, "/api/v1/organisations", admin,
                     "{\"name\": \"Gemeente Versiedam\", \"code\": \"GM0990\"}");
    cr_assert_eq(r.status, 201, "%s", r.body);
    j = th_json(&r);
    long long org = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    th_response_free(&r);
    const char *refs[] = {"thermometer-sociaal-domein", "thermometer-sociaal-domein@1.0.0"};
    const char *got[] = {"thermometer-sociaal-domein@2.0.0", "thermometer-sociaal-domein@1.0.0"};
    for (int k = 0; k < 2; k++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"organisation_id\": %lld, \"instrument\": \"%s\", \"name\": \"Meting\"}", org,
                 refs[k]);
        r = th_post_json(srv, "/api/v1/waves", admin, body);
        cr_assert_eq(r.status, 201, "%s", r.body);
        j = th_json(&r);
        cr_expect_str_eq(json_string_value(json_object_get(j, "instrument")), got[k]);
        json_decref(j);
        th_response_free(&r);
    }

    r = th_get(srv, "/api/v1/instruments/thermometer-sociaal-domein?version=9.9", admin);
    cr_expect_eq(r.status, 404);
    th_response_free(&r);
    r = th_get(srv, "/api/v1/instruments/onbekend", admin);
    cr_expect_eq(r.status, 404);
    th_response_free(&r);
}

Test(http, log_lines_carry_no_key)
{
    th_response r = th_get(srv, "/api/v1/instruments", admin);
    th_response_free(&r);
    usleep(100000);
    char *log = th_server_log(srv);
    cr_expect(strstr(log, "GET /api/v1/instruments 200") != NULL, "%s", log);
    const char *secret = strchr(admin + 3, '_') + 1; /* tm_<id>_<secret>; the secret may hold '_' */
    cr_expect(strstr(log, secret) == NULL, "the log holds the API key");
    free(log);
}

/* The database goes away and comes back: 503 while away, 200 after, with no
 * restart of the server. */
Test(health, database_down_then_back)
{
    char dir[256], cmd[600];
    snprintf(dir, sizeof dir, "%s/hz-%d", getenv("TEST_TMPDIR"), (int)getpid());
    snprintf(cmd, sizeof cmd, "scripts/pg.sh start %s", dir);
    cr_assert_eq(th_run(cmd, NULL), 0);
    char url[400];
    snprintf(url, sizeof url, "host=%s user=postgres dbname=postgres", dir);
    th_server *s = th_server_start(url, NULL);

    th_response r = th_get(s, "/healthz", NULL);
    cr_expect_eq(r.status, 200);
    th_response_free(&r);

    snprintf(cmd, sizeof cmd, "scripts/pg.sh stop %s", dir);
    cr_assert_eq(th_run(cmd, NULL), 0);
    r = th_get(s, "/healthz", NULL);
    cr_expect_eq(r.status, 503, "%s", r.body);
    json_t *j = th_json(&r);
    cr_expect_str_eq(json_string_value(json_object_get(j, "status")), "unavailable");
    json_decref(j);
    th_response_free(&r);

    snprintf(cmd, sizeof cmd, "scripts/pg.sh start %s", dir);
    cr_assert_eq(th_run(cmd, NULL), 0);
    r = th_get(s, "/healthz", NULL);
    cr_expect_eq(r.status, 200, "reconnects by itself: %s", r.body);
    th_response_free(&r);

    cr_expect_eq(th_server_stop(s), 0);
    snprintf(cmd, sizeof cmd, "scripts/pg.sh stop %s; rm -rf %s", dir, dir);
    th_run(cmd, NULL);
}

Test(http, metrics_in_prometheus_text_format)
{
    th_response r = th_get(srv, "/healthz", NULL);
    th_response_free(&r);
    r = th_get(srv, "/nothing", NULL);
    th_response_free(&r);
    r = th_get(srv, "/metrics", admin); /* an admin key: see test_anonymity.c */
    cr_assert_eq(r.status, 200);
    char v[128];
    cr_expect(th_header(&r, "Content-Type", v, sizeof v) && strstr(v, "text/plain"), "%s", v);
    cr_expect(strstr(r.body,
                     "thermometer_http_requests_total{route=\"/healthz\",status=\"200\"} ") != NULL,
              "%s", r.body);
    cr_expect(
        strstr(r.body, "thermometer_http_requests_total{route=\"unmatched\",status=\"404\"} 1") !=
            NULL,
        "%s", r.body);
    cr_expect(strstr(r.body, "thermometer_http_request_duration_seconds_bucket{le=\"+Inf\"}") !=
              NULL);
    cr_expect(strstr(r.body, "thermometer_db_pool_size 4") != NULL, "THREADS=4 in tests: %s",
              r.body);
    cr_expect(strstr(r.body, "thermometer_submissions_stored_total 0") != NULL);
    th_response_free(&r);
}
