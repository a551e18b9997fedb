/* test_raad_page.c - the council summary for a signed-in person, GET
 * /raad/{wave}: the page a share link opens (/raad/s/{token}), without a
 * link, for a viewer, consultant or admin whose scope holds the wave; 404
 * for a wave out of scope, 409 before the wave closes, the sign-in page
 * without a session; names escaped; the console's wave page links to it once
 * the wave is closed.
 */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"
#include "th_console.h"
#include "th_wave.h"

#define PASSWORD "Een fietstocht langs de Vecht"
/* An organisation name a careless page would turn into markup. */
#define HOSTILE_NAME "Gemeente <b>Vet</b> & \"Zo\" <script>alert(1)</script>"
#define HOSTILE_ESCAPED "Gemeente &lt;b&gt;Vet&lt;/b&gt; &amp; "

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

TestSuite(raad_page, .init = start, .fini = stop, .timeout = 180);

static long long org_named(const char *name, const char *code)
{
    json_t *o = json_pack("{s:s, s:s}", "name", name, "code", code);
    char *body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    th_response r = th_post_json(srv, "/api/v1/organisations", admin, body);
    free(body);
    cr_assert_eq(r.status, 201, "POST /api/v1/organisations: %ld %s", r.status, r.body);
    json_t *j = th_json(&r);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    th_response_free(&r);
    return id;
}

/* An import wave of org with five rows in every layer (answers 1..5 by
 * layer); closed when close is set. */
static long long wave_of(long long org, int close)
{
    long long wave = th_wave_import(srv, admin, org);
    const char *layers[] = {"bestuur", "management", "beleid", "uitvoering", "partners"};
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", wave);
    for (int l = 0; l < 5; l++) {
        json_t *rows = json_array();
        for (int i = 0; i < 5; i++)
            json_array_append_new(rows, json_pack("{s:s, s:o}", "layer", layers[l], "answers",
                                                  th_answers(layers[l], 1 + (l + i) % 5, "b")));
        char *text = json_dumps(rows, JSON_COMPACT);
        json_decref(rows);
        th_response r = th_post_json(srv, path, admin, text);
        free(text);
        cr_assert_eq(r.status, 201, "import %s: %ld %s", layers[l], r.status, r.body);
        th_response_free(&r);
    }
    if (close) {
        snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
        th_response r = th_post_json(srv, path, admin, "{}");
        cr_assert_eq(r.status, 200, "close: %ld %s", r.status, r.body);
        th_response_free(&r);
    }
    return wave;
}

static th_browser signed_in(const char *email, const char *role, const long long *orgs, size_t n)
{
    th_console_user(db, email, role, orgs, n, PASSWORD);
    th_browser b = {.s = srv};
    cr_assert_eq(th_console_login(&b, email, PASSWORD), 303, "sign-in of %s", email);
    return b;
}

/* The page without its time stamp ("2026-12-01 10:45"), which moves with
 * the minute. New string. */
static char *unstamped(const char *html)
{
    regex_t re;
    cr_assert_eq(regcomp(&re, "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}", REG_EXTENDED), 0);
    char *out = strdup(html);
    regmatch_t m;
    for (char *p = out; regexec(&re, p, 1, &m, 0) == 0; p += m.rm_so + 1)
        memset(p + m.rm_so, '#', (size_t)(m.rm_eo - m.rm_so));
    regfree(&re);
    return out;
}

/* The share link's page of wave (made with the admin key), as text. */
static char *shared_page(long long wave, const char *lang)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/share", wave);
    th_response r = th_post_json(srv, path, admin, "{\"expires_in_days\": 2}");
    cr_assert_eq(r.status, 201, "share: %ld %s", r.status, r.body);
    json_t *j = th_json(&r);
    th_response_free(&r);
    snprintf(path, sizeof path, "/raad/s/%s?lang=%s",
             json_string_value(json_object_get(j, "token")), lang);
    json_decref(j);
    r = th_get(srv, path, NULL);
    cr_assert_eq(r.status, 200, "GET /raad/s/...: %ld", r.status);
    char *out = unstamped(r.body);
    th_response_free(&r);
    return out;
}

Test(raad_page, in_scope_it_is_the_share_links_page)
{
    long long org = org_named("Gemeente Raadstad", "GM2301");
    long long wave = wave_of(org, 1);
    char *nl = shared_page(wave, "nl"), *en = shared_page(wave, "en");
    cr_assert(strstr(nl, "Gemeente Raadstad") && strstr(nl, "<svg"),
              "the shared page is the summary");
    th_browser people[] = {signed_in("viewer@raadstad.nl", "viewer", &org, 1),
                           signed_in("consultant@raadstad.nl", "consultant", &org, 1),
                           signed_in("admin@raadstad.nl", "admin", NULL, 0)};
    char path[96];
    for (size_t i = 0; i < sizeof people / sizeof *people; i++) {
        for (int e = 0; e < 2; e++) {
            snprintf(path, sizeof path, "/raad/%lld?lang=%s", wave, e ? "en" : "nl");
            th_response r = th_console_get(&people[i], path);
            cr_assert_eq(r.status, 200, "person %zu: GET %s: %ld %s", i, path, r.status, r.body);
            char ctype[128] = "";
            th_header(&r, "Content-Type", ctype, sizeof ctype);
            cr_expect_str_eq(ctype, "text/html; charset=utf-8");
            char *page = unstamped(r.body);
            cr_expect_str_eq(page, e ? en : nl,
                             "person %zu: /raad/%lld (%s) is not the page of its"
                             " share link",
                             i, wave, e ? "en" : "nl");
            free(page);
            th_response_free(&r);
        }
    }
    free(nl);
    free(en);
}

Test(raad_page, out_of_scope_is_404_and_says_nothing_of_the_wave)
{
    long long mine = org_named("Gemeente Eigenstad", "GM2311");
    long long other = org_named("Gemeente Anderstad", "GM2312");
    long long wave = wave_of(other, 1);
    th_browser people[] = {signed_in("viewer@eigenstad.nl", "viewer", &mine, 1),
                           signed_in("consultant@eigenstad.nl", "consultant", &mine, 1)};
    char path[96];
    snprintf(path, sizeof path, "/raad/%lld", wave);
    for (size_t i = 0; i < sizeof people / sizeof *people; i++) {
        th_response r = th_console_get(&people[i], path);
        cr_expect_eq(r.status, 404, "person %zu: GET %s out of scope: %ld", i, path, r.status);
        cr_expect_null(strstr(r.body, "Anderstad"), "the refusal names the other organisation");
        cr_expect_null(strstr(r.body, "<svg"), "the refusal shows a chart");
        th_response_free(&r);
    }
    /* An unknown wave reads the same as one out of scope. */
    snprintf(path, sizeof path, "/raad/%lld", wave + 1000);
    th_response r = th_console_get(&people[0], path);
    cr_expect_eq(r.status, 404);
    th_response_free(&r);
    /* Without a session: the sign-in page, nothing of the wave. */
    snprintf(path, sizeof path, "/raad/%lld", wave);
    r = th_get(srv, path, NULL);
    char where[256] = "";
    th_header(&r, "Location", where, sizeof where);
    cr_expect_eq(r.status, 303, "GET %s without a session: %ld", path, r.status);
    cr_expect(!strncmp(where, "/beheer/inloggen", 16), "sent to %s", where);
    cr_expect_null(strstr(r.body, "Anderstad"));
    th_response_free(&r);
}

Test(raad_page, before_close_it_is_a_409_page_and_the_wave_page_links_only_when_closed)
{
    long long org = org_named("Gemeente Wachtstad", "GM2321");
    long long wave = wave_of(org, 0);
    th_browser v = signed_in("viewer@wachtstad.nl", "viewer", &org, 1);
    th_browser c = signed_in("consultant@wachtstad.nl", "consultant", &org, 1);
    char path[96], link[64];
    snprintf(path, sizeof path, "/raad/%lld", wave);
    snprintf(link, sizeof link, "href=\"/raad/%lld\"", wave);
    th_response r = th_console_get(&v, path);
    cr_expect_eq(r.status, 409, "GET %s of an open wave: %ld", path, r.status);
    cr_expect_not_null(strstr(r.body, "<h1>"), "the refusal is a page:\n%s", r.body);
    cr_expect_not_null(strstr(r.body, "De uitkomsten verschijnen als de meting is gesloten"),
                       "the refusal says the results come at the close (in Dutch):\n%s", r.body);
    cr_expect_null(strstr(r.body, "<svg"), "an open wave's summary is drawn");
    th_response_free(&r);

    snprintf(path, sizeof path, "/beheer/metingen/%lld", wave);
    r = th_console_get(&c, path);
    cr_assert_eq(r.status, 200);
    cr_expect_null(strstr(r.body, link), "an open wave's page links to its summary");
    th_response_free(&r);

    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
    r = th_post_json(srv, path, admin, "{}");
    cr_assert_eq(r.status, 200);
    th_response_free(&r);
    snprintf(path, sizeof path, "/beheer/metingen/%lld", wave);
    r = th_console_get(&c, path);
    cr_assert_eq(r.status, 200);
    cr_expect_not_null(strstr(r.body, link), "a closed wave's page does not link to its summary");
    th_response_free(&r);
    snprintf(path, sizeof path, "/raad/%lld", wave);
    r = th_console_get(&v, path);
    cr_expect_eq(r.status, 200, "GET %s once closed: %ld", path, r.status);
    th_response_free(&r);
}

Test(raad_page, names_are_escaped)
{
    long long org = org_named(HOSTILE_NAME, "GM2331");
    long long wave = wave_of(org, 1);
    th_browser v = signed_in("viewer@vet.nl", "viewer", &org, 1);
    char path[96];
    snprintf(path, sizeof path, "/raad/%lld", wave);
    th_response r = th_console_get(&v, path);
    cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
    cr_expect_not_null(strstr(r.body, HOSTILE_ESCAPED), "the name is not shown escaped");
    cr_expect_null(strstr(r.body, "<b>Vet"), "the name's markup is in the page");
    cr_expect_null(strstr(r.body, "<script>alert"), "the name's script is in the page");
    th_response_free(&r);
}
