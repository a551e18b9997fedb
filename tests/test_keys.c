/* test_keys.c - API keys that can be named, listed, given an expiry and
 * revoked (issue 10 item 8): over the API (admin only), on the command line,
 * refused at once once revoked or expired, last use noted at most once a
 * minute.
 */
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
    if (srv) cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly");
    srv = NULL;
    free(db);
    free(admin);
}

TestSuite(keys, .init = start, .fini = stop, .timeout = 120);

static char *sql1(const char *q)
{
    char *v = th_sql(db, q);
    return v ? v : strdup("(null)");
}

/* A new key over the API: its text (caller frees) and id. */
static char *create(const char *json, long long *id)
{
    th_response r = th_post_json(srv, "/api/v1/keys", admin, json);
    cr_assert_eq(r.status, 201, "%s", r.body);
    json_t *j = th_json(&r);
    char *key = strdup(json_string_value(json_object_get(j, "key")));
    *id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    th_response_free(&r);
    return key;
}

static long status_of(const char *key)
{
    th_response r = th_get(srv, "/api/v1/organisations", key);
    long s = r.status;
    th_response_free(&r);
    return s;
}

Test(keys, created_listed_and_revoked_at_once)
{
    th_response o = th_post_json(srv, "/api/v1/organisations", admin,
                                 "{\"name\": \"Testdam\", \"code\": \"GM0900\"}");
    json_t *oj = th_json(&o);
    long long org = json_integer_value(json_object_get(oj, "id"));
    json_decref(oj);
    th_response_free(&o);
    char body[256];
    snprintf(body, sizeof body,
             "{\"name\": \"koppeling\", \"role\": \"consultant\", \"organisations\": [%lld],"
             " \"expires_at\": \"2040-04-01T17:00:00+02:00\"}",
             org);
    long long id;
    char *key = create(body, &id);
    cr_expect_eq(status_of(key), 200, "the new key works");

    th_response r = th_get(srv, "/api/v1/keys", admin);
    cr_assert_eq(r.status, 200);
    json_t *doc = th_json(&r), *list = json_object_get(doc, "keys");
    json_t *k = NULL, *e;
    size_t i;
    json_array_foreach(list, i, e)
    {
        if (json_integer_value(json_object_get(e, "id")) == id) k = e;
    }
    cr_assert_not_null(k, "listed: %s", r.body);
    cr_expect_str_eq(json_string_value(json_object_get(k, "name")), "koppeling");
    cr_expect_str_eq(json_string_value(json_object_get(k, "role")), "consultant");
    cr_expect_str_eq(json_string_value(json_object_get(k, "expires_at")), "2040-04-01T15:00:00Z");
    cr_expect(json_is_string(json_object_get(k, "created_at")));
    cr_expect(json_is_string(json_object_get(k, "last_used_at")), "its use is noted");
    cr_expect_eq(json_integer_value(
                     json_object_get(json_array_get(json_object_get(k, "organisations"), 0), "id")),
                 org);
    cr_expect(!strstr(r.body, key + 5), "the list never holds a secret");
    json_decref(doc);
    th_response_free(&r);

    /* A consultant may not manage keys. */
    r = th_get(srv, "/api/v1/keys", key);
    cr_expect_eq(r.status, 403, "keys are an admin's");
    th_response_free(&r);

    char path[64];
    snprintf(path, sizeof path, "/api/v1/keys/%lld", id);
    r = th_request(srv, "DELETE", path, admin, NULL, NULL, 0);
    cr_expect_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    cr_expect_eq(status_of(key), 401, "revoked: refused on the very next request");
    r = th_request(srv, "DELETE", path, admin, NULL, NULL, 0);
    cr_expect_eq(r.status, 409, "revoked already");
    th_response_free(&r);
    r = th_request(srv, "DELETE", "/api/v1/keys/999999", admin, NULL, NULL, 0);
    cr_expect_eq(r.status, 404);
    th_response_free(&r);
    char *a = sql1("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log");
    cr_expect_str_eq(a, "organisation.create,key.create,key.revoke", "audited");
    free(a);
    free(key);
}

Test(keys, an_expired_key_is_refused)
{
    long long id;
    char *key = create("{\"name\": \"kort\", \"role\": \"admin\","
                       " \"expires_at\": \"2040-01-01T00:00:00Z\"}",
                       &id);
    cr_expect_eq(status_of(key), 200);
    char q[128];
    snprintf(q, sizeof q,
             "UPDATE api_keys SET expires_at = now() - interval '1 second'"
             " WHERE id = %lld RETURNING 1",
             id);
    free(sql1(q));
    cr_expect_eq(status_of(key), 401, "expired: refused at once");
    free(key);
}

Test(keys, bad_fields_are_named)
{
    struct {
        const char *json, *field;
    } cases[] = {
        {"{\"role\": \"admin\"}", "name"},
        {"{\"name\": \"x\", \"role\": \"wethouder\"}", "role"},
        {"{\"name\": \"x\", \"role\": \"admin\", \"expires_at\": \"01-04-2040\"}", "expires_at"},
        {"{\"name\": \"x\", \"role\": \"admin\", \"expires_at\": \"2040-04-01 17:00\"}",
         "expires_at"},
        {"{\"name\": \"x\", \"role\": \"admin\", \"expires_at\": \"2040-04-01T17:00:00\"}",
         "expires_at"},
        {"{\"name\": \"x\", \"role\": \"admin\", \"expires_at\": \"2020-04-01T17:00:00Z\"}",
         "expires_at"},
        {"{\"name\": \"x\", \"role\": \"viewer\"}", "organisations"},
        {"{\"name\": \"x\", \"role\": \"admin\", \"colour\": 1}", "colour"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        th_response r = th_post_json(srv, "/api/v1/keys", admin, cases[i].json);
        cr_expect_eq(r.status, 422, "%s: %s", cases[i].json, r.body);
        char want[64];
        snprintf(want, sizeof want, "\"field\":\"%s\"", cases[i].field);
        cr_expect(strstr(r.body, want) != NULL, "%s names %s: %s", cases[i].json, cases[i].field,
                  r.body);
        th_response_free(&r);
    }
    char *n = sql1("SELECT count(*) FROM api_keys");
    cr_expect_str_eq(n, "1", "nothing stored but the admin's own key");
    free(n);
}

Test(keys, last_use_is_written_at_most_once_a_minute)
{
    long long id;
    char *key = create("{\"name\": \"druk\", \"role\": \"admin\"}", &id);
    char q[200];
    snprintf(q, sizeof q, "SELECT last_used_at IS NULL FROM api_keys WHERE id = %lld", id);
    char *v = sql1(q);
    cr_expect_str_eq(v, "t", "not used yet");
    free(v);
    cr_expect_eq(status_of(key), 200);
    snprintf(q, sizeof q,
             "UPDATE api_keys SET last_used_at = now() - interval '30 seconds' WHERE id = %lld"
             " RETURNING 1",
             id);
    free(sql1(q));
    snprintf(q, sizeof q, "SELECT xmin FROM api_keys WHERE id = %lld", id);
    char *before = sql1(q);
    for (int i = 0; i < 20; i++)
        cr_expect_eq(status_of(key), 200);
    char *after = sql1(q);
    cr_expect_str_eq(after, before, "20 requests within the minute: no write at all");
    free(before);
    free(after);
    snprintf(q, sizeof q,
             "UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = %lld"
             " RETURNING 1",
             id);
    free(sql1(q));
    cr_expect_eq(status_of(key), 200);
    snprintf(q, sizeof q,
             "SELECT last_used_at > now() - interval '10 seconds' FROM api_keys WHERE id = %lld",
             id);
    v = sql1(q);
    cr_expect_str_eq(v, "t", "over a minute old: written again");
    free(v);
    free(key);
}

Test(keys, the_command_line_creates_lists_and_revokes)
{
    char cmd[1024], *out = NULL;
    const char *bin =
        getenv("THERMOMETER_BIN") ? getenv("THERMOMETER_BIN") : "bin/thermometer-asan";
    snprintf(cmd, sizeof cmd,
             "DATABASE_URL='%s' %s apikey create --name 'nachtelijke export' --role admin"
             " --expires 2040-01-01T00:00:00+01:00 2>/dev/null",
             db, bin);
    cr_assert_eq(th_run(cmd, &out), 0, "%s", out);
    const char *key = strstr(out, "\ntm_");
    cr_assert_not_null(key, "the key alone on its last line: %s", out);
    long long id = strtoll(key + 4, NULL, 10);
    free(out);
    snprintf(cmd, sizeof cmd, "DATABASE_URL='%s' %s apikey list", db, bin);
    cr_assert_eq(th_run(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "nachtelijke export") && strstr(out, "2039-12-31T23:00:00Z") &&
                  strstr(out, "active"),
              "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "DATABASE_URL='%s' %s apikey revoke %lld", db, bin, id);
    cr_assert_eq(th_run(cmd, &out), 0, "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "DATABASE_URL='%s' %s apikey list", db, bin);
    th_run(cmd, &out);
    cr_expect(strstr(out, "revoked") != NULL, "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd,
             "DATABASE_URL='%s' %s apikey create --name x --role admin --expires 01-04-2040", db,
             bin);
    cr_expect_neq(th_run(cmd, &out), 0);
    cr_expect(strstr(out, "expires_at") != NULL, "names the field: %s", out);
    free(out);
}
