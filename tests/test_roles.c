/* test_roles.c - what each role may do: consultants see only their
 * organisations (404 for the rest, so nothing reveals that it exists), viewers
 * only read (403 for any write), no key or a wrong key is 401. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"

static char *db;
static th_server *srv;
static char *admin, *cons_a, *cons_b, *viewer_a;
static long long org_a, org_b, wave_a;

static long long post_id(const char *key, const char *path, const char *body)
{
    th_response r = th_post_json(srv, path, key, body);
    cr_assert_eq(r.status, 201, "POST %s: %s", path, r.body);
    json_t *j = th_json(&r);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    th_response_free(&r);
    return id;
}

static void start(void)
{
    db = th_db_create();
    srv = th_server_start(db, NULL);
    admin = th_api_key(db, "admin", NULL, 0);
    org_a =
        post_id(admin, "/api/v1/organisations", "{\"name\": \"Gemeente A\", \"code\": \"GM0001\"}");
    org_b =
        post_id(admin, "/api/v1/organisations", "{\"name\": \"Gemeente B\", \"code\": \"GM0002\"}");
    cons_a = th_api_key(db, "consultant", &org_a, 1);
    cons_b = th_api_key(db, "consultant", &org_b, 1);
    viewer_a = th_api_key(db, "viewer", &org_a, 1);
    char body[200];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\", "
             "\"name\": \"M1\"}",
             org_a);
    wave_a = post_id(cons_a, "/api/v1/waves", body);
}

static void stop(void)
{
    cr_expect_eq(th_server_stop(srv), 0);
    free(admin);
    free(cons_a);
    free(cons_b);
    free(viewer_a);
    free(db);
}

TestSuite(roles, .init = start, .fini = stop);

static long status_of(const char *method, const char *path, const char *key, const char *body)
{
    th_response r = th_request(srv, method, path, key, body ? "application/json" : NULL, body,
                               body ? strlen(body) : 0);
    long s = r.status;
    th_response_free(&r);
    return s;
}

Test(roles, consultant_sees_only_granted_organisations)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/waves/%lld", wave_a);
    cr_expect_eq(status_of("GET", path, cons_a, NULL), 200);
    cr_expect_eq(status_of("GET", path, cons_b, NULL), 404);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/progress", wave_a);
    cr_expect_eq(status_of("GET", path, cons_b, NULL), 404);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", wave_a);
    cr_expect_eq(status_of("POST", path, cons_b, "{\"layer\": \"beleid\", \"count\": 1}"), 404);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", wave_a);
    cr_expect_eq(status_of("POST", path, cons_b, "{}"), 404);
    snprintf(path, sizeof path, "/api/v1/organisations/%lld/waves", org_a);
    cr_expect_eq(status_of("GET", path, cons_b, NULL), 404);
    char body[200];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\", "
             "\"name\": \"x\"}",
             org_a);
    cr_expect_eq(status_of("POST", "/api/v1/waves", cons_b, body), 404);

    th_response r = th_get(srv, "/api/v1/organisations", cons_b);
    cr_expect(strstr(r.body, "GM0002") && !strstr(r.body, "GM0001"), "%s", r.body);
    th_response_free(&r);
}

Test(roles, consultant_gets_the_organisation_it_creates)
{
    long long org = post_id(cons_b, "/api/v1/organisations",
                            "{\"name\": \"Gemeente C\", \"code\": \"GM0003\"}");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/organisations/%lld/waves", org);
    cr_expect_eq(status_of("GET", path, cons_b, NULL), 200);
    cr_expect_eq(status_of("GET", path, cons_a, NULL), 404);
}

Test(roles, viewer_reads_but_never_writes)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/waves/%lld", wave_a);
    cr_expect_eq(status_of("GET", path, viewer_a, NULL), 200);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/progress", wave_a);
    cr_expect_eq(status_of("GET", path, viewer_a, NULL), 200);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", wave_a);
    cr_expect_eq(status_of("POST", path, viewer_a, "{}"), 403);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", wave_a);
    cr_expect_eq(status_of("POST", path, viewer_a, "{\"layer\": \"beleid\", \"count\": 1}"), 403);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", wave_a);
    cr_expect_eq(status_of("POST", path, viewer_a, "[]"), 403);
    cr_expect_eq(status_of("POST", "/api/v1/organisations", viewer_a,
                           "{\"name\": \"D\", \"code\": \"GM0004\"}"),
                 403);
    snprintf(path, sizeof path, "/api/v1/organisations/%lld/waves", org_b);
    cr_expect_eq(status_of("GET", path, viewer_a, NULL), 404);
}

Test(roles, no_key_or_wrong_key_is_401)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/waves/%lld", wave_a);
    cr_expect_eq(status_of("GET", path, NULL, NULL), 401);
    cr_expect_eq(status_of("GET", path, "tm_999_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL),
                 401);
    cr_expect_eq(status_of("POST", "/api/v1/organisations", NULL, "{}"), 401);
}
