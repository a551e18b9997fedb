/* test_wave_dates.c - a wave's times in the API: strict ISO 8601 with an
 * offset, dates that exist, closing after opening and in the future; 422
 * naming the field for anything else (issue 14: "01-04-2027" was stored as
 * 4 January, "2027-04-01 17:00" as 17:00 UTC).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/isotime.h"
#include "th.h"

static char *db;
static th_server *srv;
static char *admin;
static long long org;

static void start(void)
{
    db = th_db_create();
    srv = th_server_start(db, NULL);
    admin = th_api_key(db, "admin", NULL, 0);
    th_response r = th_post_json(srv, "/api/v1/organisations", admin,
                                 "{\"name\": \"Testdam\", \"code\": \"GM0901\"}");
    json_t *j = th_json(&r);
    org = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    th_response_free(&r);
}

static void stop(void)
{
    if (srv) cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly");
    srv = NULL;
    free(db);
    free(admin);
}

TestSuite(wave_dates, .init = start, .fini = stop, .timeout = 120);

static th_response create(const char *times)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"Meting\"%s%s}",
             org, times[0] ? ", " : "", times);
    return th_post_json(srv, "/api/v1/waves", admin, body);
}

Test(wave_dates, anything_but_iso_8601_with_an_offset_is_refused_by_name)
{
    struct {
        const char *times, *field, *why;
    } cases[] = {
        {"\"closes_at\": \"01-04-2027\"", "closes_at", "a Dutch date"},
        {"\"closes_at\": \"2040-04-01 17:00\"", "closes_at", "no T, no offset"},
        {"\"closes_at\": \"2040-04-01T17:00:00\"", "closes_at", "no offset"},
        {"\"closes_at\": \"2040-04-01\"", "closes_at", "a date alone"},
        {"\"closes_at\": \"2040-02-30T17:00:00+01:00\"", "closes_at", "30 February"},
        {"\"closes_at\": \"2040-13-01T17:00:00Z\"", "closes_at", "month 13"},
        {"\"opens_at\": \"1 april 2040\"", "opens_at", "words"},
        {"\"closes_at\": \"2020-04-01T17:00:00+02:00\"", "closes_at", "in the past"},
        {"\"opens_at\": \"2040-05-01T09:00:00+02:00\", \"closes_at\": "
         "\"2040-04-01T17:00:00+02:00\"",
         "closes_at", "before it opens"},
        {"\"closes_at\": 20400401", "closes_at", "a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        th_response r = create(cases[i].times);
        cr_expect_eq(r.status, 422, "%s: %ld %s", cases[i].why, r.status, r.body);
        char want[64];
        snprintf(want, sizeof want, "\"field\":\"%s\"", cases[i].field);
        cr_expect(strstr(r.body, want) != NULL, "%s names %s: %s", cases[i].why, cases[i].field,
                  r.body);
        th_response_free(&r);
    }
    char *n = th_sql(db, "SELECT count(*) FROM waves");
    cr_expect_str_eq(n, "0", "nothing stored");
    free(n);
}

Test(wave_dates, an_offset_is_honoured)
{
    th_response r = create("\"opens_at\": \"2040-03-01T09:00:00+01:00\","
                           " \"closes_at\": \"2040-04-01T17:00:00+02:00\"");
    cr_assert_eq(r.status, 201, "%s", r.body);
    json_t *j = th_json(&r);
    cr_expect_str_eq(json_string_value(json_object_get(j, "opens_at")), "2040-03-01T08:00:00Z");
    cr_expect_str_eq(json_string_value(json_object_get(j, "closes_at")), "2040-04-01T15:00:00Z",
                     "17:00 in Amsterdam's summer is 15:00 UTC");
    json_decref(j);
    th_response_free(&r);
    r = create("\"closes_at\": \"2040-04-01T15:00:00.250Z\"");
    cr_expect_eq(r.status, 201, "UTC as Z, with a fraction: %s", r.body);
    th_response_free(&r);
}

Test(wave_dates, the_form_check_alone)
{
    cr_expect(isotime_valid("2027-04-01T17:00:00+02:00"));
    cr_expect(isotime_valid("2027-04-01T17:00Z"));
    cr_expect(isotime_valid("2027-04-01T17:00:00.5-05:30"));
    cr_expect(!isotime_valid("2027-04-01T17:00:00+2:00"));
    cr_expect(!isotime_valid("2027-04-01T24:00:00Z"));
    cr_expect(!isotime_valid("2027-04-01T17:00:00+02:00 "));
    cr_expect(!isotime_valid("2027-4-01T17:00:00Z"));
    cr_expect(!isotime_valid(""));
    cr_expect(!isotime_valid(NULL));
    cr_expect(isotime_local_valid("2027-04-01", "17:00"));
    cr_expect(!isotime_local_valid("01-04-2027", "17:00"));
    cr_expect(!isotime_local_valid("2027-04-01", "5pm"));
}
