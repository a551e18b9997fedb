/* test_console.c - the console over HTTP: signing in and out, the session
 * cookie, expiry, slowing down failed sign-ins, CSRF and Origin, roles,
 * escaping, security headers, a draft wave edited, deleted and refused,
 * an import undone, the audit log. (The browser's view of the same is
 * test_console_browser.c.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"
#include "th_console.h"

#define PASSWORD "Een fietstocht langs de Vecht"

static char *db;
static th_server *srv;
static char *admin_key;

static void stop(void)
{
    if (srv) cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly");
    srv = NULL;
    free(db);
    free(admin_key);
}

static void start(void)
{
    db = th_db_create();
    srv = th_server_start(db, NULL);
    admin_key = th_api_key(db, "admin", NULL, 0);
}

TestSuite(console, .init = start, .fini = stop, .timeout = 120);

static char *sql1(const char *q)
{
    char *v = th_sql(db, q);
    return v ? v : strdup("(null)");
}

static void expect_sql(const char *q, const char *want, const char *what)
{
    char *v = sql1(q);
    cr_expect_str_eq(v, want, "%s (%s)", what, q);
    free(v);
}

static long long post_id(const char *path, const char *json)
{
    th_response r = th_post_json(srv, path, admin_key, json);
    cr_assert_eq(r.status, 201, "POST %s: %ld %s", path, r.status, r.body);
    json_t *j = th_json(&r);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    th_response_free(&r);
    return id;
}

static th_browser signed_in(const char *email, const char *role, const long long *orgs, size_t n)
{
    th_console_user(db, email, role, orgs, n, PASSWORD);
    th_browser b = {.s = srv};
    cr_assert_eq(th_console_login(&b, email, PASSWORD), 303, "sign-in of %s", email);
    cr_assert(b.cookie[0] && b.csrf[0]);
    return b;
}

static char *location(const th_response *r)
{
    static char out[512];
    if (!th_header(r, "Location", out, sizeof out)) out[0] = '\0';
    return out;
}

Test(console, the_session_cookie_is_httponly_lax_and_stored_as_a_hash)
{
    th_console_user(db, "a@testdam.nl", "admin", NULL, 0, PASSWORD);
    th_browser b = {.s = srv};
    cr_assert_eq(th_console_login(&b, "a@testdam.nl", PASSWORD), 303);
    /* The header as sent (log in again to see it). */
    th_response page = th_get(srv, "/beheer/inloggen", NULL);
    char set[512];
    cr_assert(th_header(&page, "Set-Cookie", set, sizeof set));
    cr_expect(strstr(set, "HttpOnly") && strstr(set, "SameSite=Strict"), "pre-session: %s", set);
    th_response_free(&page);
    cr_expect_eq(strlen(b.cookie), 43, "256 random bits as base64url");
    expect_sql("SELECT count(*) FROM sessions WHERE ended_at IS NULL", "1", "one live session");
    char *hash_len = sql1("SELECT length(token_hash) FROM sessions");
    cr_expect_str_eq(hash_len, "32", "the database keeps a 32-byte hash");
    free(hash_len);
    char like[128];
    snprintf(like, sizeof like,
             "SELECT count(*) FROM sessions WHERE encode(token_hash, 'escape') LIKE '%%%.20s%%'",
             b.cookie);
    expect_sql(like, "0", "not the cookie itself");
}

Test(console, login_cookie_attributes_and_secure_behind_https)
{
    th_server_stop(srv);
    const char *env[] = {"BASE_URL=https://thermometer.example", NULL};
    srv = th_server_start(db, env);
    th_console_user(db, "s@testdam.nl", "admin", NULL, 0, PASSWORD);
    th_browser b = {.s = srv};
    /* The origin of BASE_URL is this server's. */
    th_response page = th_get(srv, "/beheer/inloggen", NULL);
    char set[512];
    cr_assert(th_header(&page, "Set-Cookie", set, sizeof set));
    cr_expect(strstr(set, "; Secure") != NULL, "Secure behind https: %s", set);
    th_response_free(&page);
    cr_expect_eq(th_console_login(&b, "s@testdam.nl", PASSWORD), 403,
                 "an http origin is not the https BASE_URL's");
}

Test(console, a_wrong_password_and_an_unknown_address_read_the_same_and_slow_down)
{
    th_console_user(db, "b@testdam.nl", "consultant", NULL, 0, PASSWORD);
    th_browser x = {.s = srv}, y = {.s = srv};
    cr_expect_eq(th_console_login(&x, "b@testdam.nl", "niet het wachtwoord"), 401);
    cr_expect_eq(th_console_login(&y, "nobody@testdam.nl", "niet het wachtwoord"), 401);
    for (int i = 0; i < 4; i++)
        th_console_login(&x, "b@testdam.nl", "niet het wachtwoord");
    /* Five failures: now the account waits, even with the right password. */
    cr_expect_eq(th_console_login(&x, "b@testdam.nl", PASSWORD), 429, "the account slows down");
    expect_sql("SELECT string_agg(failures::text, ',' ORDER BY failures) FROM login_failures",
               "1,5,6", "per typed address 1 and 5, per client address 6");
    expect_sql("SELECT count(*) FROM login_failures WHERE length(subject) = 32", "3",
               "per account (two addresses typed) and per client address, as hashes");
    /* Waited out: the same password signs in. */
    char *ignored = sql1("UPDATE login_failures SET last_failure = now() - interval '1 hour'"
                         " RETURNING 1");
    free(ignored);
    cr_expect_eq(th_console_login(&x, "b@testdam.nl", PASSWORD), 303);
}

Test(console, a_session_ends_when_idle_too_long_or_too_old_and_at_sign_out)
{
    th_browser b = signed_in("c@testdam.nl", "admin", NULL, 0);
    th_response r = th_console_get(&b, "/beheer");
    cr_expect_eq(r.status, 200);
    th_response_free(&r);
    char *v = sql1("UPDATE sessions SET last_seen_at = now() - interval '31 minutes' RETURNING 1");
    free(v);
    r = th_console_get(&b, "/beheer");
    cr_expect_eq(r.status, 303, "idle for 31 minutes: sign in again");
    cr_expect_str_eq(location(&r), "/beheer/inloggen");
    th_response_free(&r);

    th_browser d = signed_in("d@testdam.nl", "admin", NULL, 0);
    v = sql1("UPDATE sessions SET created_at = now() - interval '12 hours 1 minute'"
             " WHERE ended_at IS NULL AND user_id = (SELECT id FROM users WHERE email ="
             " 'd@testdam.nl') RETURNING 1");
    free(v);
    r = th_console_get(&d, "/beheer/logboek");
    cr_expect_eq(r.status, 303, "twelve hours at most");
    cr_expect_str_eq(location(&r), "/beheer/inloggen?terug=/beheer/logboek");
    th_response_free(&r);

    th_browser e = signed_in("e@testdam.nl", "admin", NULL, 0);
    r = th_console_post(&e, "/beheer/uitloggen", "", 1, NULL);
    cr_expect_eq(r.status, 303);
    char set[256];
    cr_expect(th_set_cookie(&r, "tm_session", set, sizeof set) && set[0] == '\0',
              "the cookie is cleared");
    th_response_free(&r);
    expect_sql("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id"
               " WHERE u.email = 'e@testdam.nl' AND s.ended_at IS NOT NULL",
               "1", "signing out ends the session in the database");
    r = th_console_get(&e, "/beheer");
    cr_expect_eq(r.status, 303, "the old cookie no longer works");
    th_response_free(&r);
}

Test(console, forms_need_the_sessions_token_and_our_origin)
{
    th_browser b = signed_in("f@testdam.nl", "admin", NULL, 0);
    th_response r = th_console_post(&b, "/beheer/organisaties", "name=Zonder&code=GM0101", 0, NULL);
    cr_expect_eq(r.status, 403, "no token");
    th_response_free(&r);
    r = th_console_post(&b, "/beheer/organisaties", "name=Elders&code=GM0102", 1,
                        "http://evil.example");
    cr_expect_eq(r.status, 403, "another origin, even with the token");
    th_response_free(&r);
    r = th_console_post(&b, "/beheer/organisaties", "name=Null&code=GM0103", 1, "null");
    cr_expect_eq(r.status, 403, "Origin: null");
    th_response_free(&r);
    th_browser other = signed_in("g@testdam.nl", "admin", NULL, 0);
    snprintf(b.csrf, sizeof b.csrf, "%s", other.csrf);
    r = th_console_post(&b, "/beheer/organisaties", "name=Vreemd&code=GM0104", 1, NULL);
    cr_expect_eq(r.status, 403, "another session's token");
    th_response_free(&r);
    expect_sql("SELECT count(*) FROM organisations", "0", "nothing was created");
    snprintf(b.csrf, sizeof b.csrf, "%s", "");
    th_browser ok = signed_in("h@testdam.nl", "admin", NULL, 0);
    r = th_console_post(&ok, "/beheer/organisaties", "name=Goed&code=gm0105", 1, NULL);
    cr_expect_eq(r.status, 303, "%s", r.body);
    th_response_free(&r);
    expect_sql("SELECT code FROM organisations", "GM0105", "created, the code in capitals");
    expect_sql("SELECT action || ' ' || (actor LIKE 'user:%') FROM audit_log"
               " WHERE action LIKE 'organisation%'",
               "organisation.create true", "and written to the audit log as the person's");
}

Test(console, roles_decide_what_a_person_sees_and_changes)
{
    long long mine =
        post_id("/api/v1/organisations", "{\"name\": \"Eigen\", \"code\": \"GM0201\"}");
    long long other =
        post_id("/api/v1/organisations", "{\"name\": \"Ander\", \"code\": \"GM0202\"}");
    char body[256];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"Ander meting\"}",
             other);
    long long wave = post_id("/api/v1/waves", body);
    th_browser v = signed_in("viewer@testdam.nl", "viewer", &mine, 1);
    th_response r = th_console_get(&v, "/beheer");
    cr_expect_eq(r.status, 200);
    cr_expect(strstr(r.body, "Eigen") && !strstr(r.body, "Ander"), "only its own organisation");
    cr_expect(!strstr(r.body, "Nieuwe organisatie"), "no button it may not use");
    th_response_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/beheer/metingen/%lld", wave);
    r = th_console_get(&v, path);
    cr_expect_eq(r.status, 404, "another organisation's wave does not exist for it");
    th_response_free(&r);
    r = th_console_post(&v, "/beheer/organisaties", "name=X&code=GM0203", 1, NULL);
    cr_expect_eq(r.status, 403, "a viewer changes nothing");
    th_response_free(&r);
    r = th_console_get(&v, "/beheer/sleutels");
    cr_expect_eq(r.status, 403, "keys are for admins");
    th_response_free(&r);

    th_browser c = signed_in("consultant@testdam.nl", "consultant", &mine, 1);
    r = th_console_post(&c, "/beheer/organisaties", "name=Nieuw&code=GM0204", 1, NULL);
    cr_expect_eq(r.status, 303);
    th_response_free(&r);
    r = th_console_get(&c, "/beheer");
    cr_expect(strstr(r.body, "Nieuw") && strstr(r.body, "Eigen") && !strstr(r.body, "Ander"),
              "a consultant sees what it made and what it was given");
    th_response_free(&r);
}

Test(console, names_are_escaped_and_pages_carry_the_security_headers)
{
    post_id("/api/v1/organisations",
            "{\"name\": \"<script>alert(1)</script> & \\\"Co\\\"\", \"code\": \"GM0301\"}");
    th_browser b = signed_in("i@testdam.nl", "admin", NULL, 0);
    th_response r = th_console_get(&b, "/beheer");
    cr_assert_eq(r.status, 200);
    cr_expect(strstr(r.body, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;") != NULL,
              "escaped");
    cr_expect(strstr(r.body, "<script>alert") == NULL, "never as markup");
    char v[512];
    cr_expect(th_header(&r, "Content-Security-Policy", v, sizeof v) &&
              strstr(v, "default-src 'none'") && strstr(v, "script-src 'self'") &&
              strstr(v, "frame-ancestors 'none'"));
    cr_expect(th_header(&r, "X-Frame-Options", v, sizeof v) && !strcmp(v, "DENY"));
    cr_expect(th_header(&r, "X-Content-Type-Options", v, sizeof v) && !strcmp(v, "nosniff"));
    cr_expect(th_header(&r, "Cache-Control", v, sizeof v) && !strcmp(v, "no-store"));
    cr_expect(th_header(&r, "Referrer-Policy", v, sizeof v) && !strcmp(v, "same-origin"),
              "same-origin, so that forms carry their Origin: %s", v);
    th_response_free(&r);
    r = th_get(srv, "/assets/console.js", NULL);
    cr_expect_eq(r.status, 200);
    cr_expect(strstr(r.headers, "text/javascript") != NULL);
    th_response_free(&r);
}

Test(console, a_draft_is_edited_in_netherlands_time_and_deleted_by_its_name)
{
    long long org = post_id("/api/v1/organisations", "{\"name\": \"Org\", \"code\": \"GM0401\"}");
    char body[256], path[96];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"Concept\"}",
             org);
    long long wave = post_id("/api/v1/waves", body);
    th_browser b = signed_in("j@testdam.nl", "consultant", &org, 1);
    snprintf(path, sizeof path, "/beheer/metingen/%lld/bewerken", wave);
    th_response r = th_console_post(&b, path,
                                    "name=Voorjaar&opens_date=2031-03-30&opens_time=09%3A00"
                                    "&closes_date=2031-03-29&closes_time=17%3A00"
                                    "&min_group_size=5&previous_wave_id=&collection=online",
                                    1, NULL);
    cr_expect_eq(r.status, 422, "closing before opening");
    cr_expect(strstr(r.body, "De sluitdatum moet na de openingsdatum liggen") != NULL);
    th_response_free(&r);
    r = th_console_post(&b, path,
                        "name=Voorjaar&opens_date=2031-03-30&opens_time=09%3A00"
                        "&closes_date=2031-10-27&closes_time=17%3A00"
                        "&min_group_size=7&previous_wave_id=&collection=import&test=1",
                        1, NULL);
    cr_expect_eq(r.status, 303, "%s", r.body);
    th_response_free(&r);
    char q[256];
    snprintf(
        q, sizeof q,
        "SELECT name || ' ' || min_group_size || ' ' || collection || ' ' || is_test || ' ' ||"
        " to_char(opens_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' ||"
        " to_char(closes_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM waves WHERE id = %lld",
        wave);
    expect_sql(q, "Voorjaar 7 import true 2031-03-30 07:00 2031-10-27 16:00",
               "summer time (+2) in March after the switch, winter time (+1) in late October");

    snprintf(path, sizeof path, "/beheer/metingen/%lld/verwijderen", wave);
    r = th_console_post(&b, path, "confirm=voorjaar", 1, NULL);
    cr_expect_eq(r.status, 422, "the name must be typed exactly");
    th_response_free(&r);
    r = th_console_post(&b, path, "confirm=Voorjaar", 1, NULL);
    cr_expect_eq(r.status, 303);
    th_response_free(&r);
    snprintf(q, sizeof q, "SELECT count(*) FROM waves WHERE id = %lld", wave);
    expect_sql(q, "0", "deleted");

    /* An open wave that is not a test stays. */
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"Echt\"}",
             org);
    long long real = post_id("/api/v1/waves", body);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", real);
    th_response o = th_post_json(srv, path, admin_key, "{}");
    th_response_free(&o);
    snprintf(path, sizeof path, "/beheer/metingen/%lld/verwijderen", real);
    r = th_console_post(&b, path, "confirm=Echt", 1, NULL);
    cr_expect_eq(r.status, 409, "an open wave that is not a test cannot be deleted");
    th_response_free(&r);
    snprintf(path, sizeof path, "/beheer/metingen/%lld/bewerken", real);
    r = th_console_post(&b, path, "name=Anders&min_group_size=5&collection=online", 1, NULL);
    cr_expect_eq(r.status, 409, "an open wave cannot be edited");
    th_response_free(&r);
    expect_sql("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE actor LIKE 'user:%'"
               " AND action LIKE 'wave.%'",
               "wave.update,wave.delete", "the changes, and only those, in the audit log");
}

Test(console, an_import_batch_is_undone_while_the_wave_is_open)
{
    long long org = post_id("/api/v1/organisations", "{\"name\": \"Org\", \"code\": \"GM0501\"}");
    char body[256], path[96];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"Papier\", \"collection\": \"import\"}",
             org);
    long long wave = post_id("/api/v1/waves", body);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", wave);
    /* Rows that count: ten of the twenty core items of 2.0.0 answered. */
    const char *csv = "layer;ek-eff-1;zd-eff-1;bi-eff-1;rr-eff-1;int-bel-1;fin-bel-3;rr-bel-1;"
                      "rr-opd-1;rr-opd-2;bi-opd-3\r\nuitvoering;4;3;4;4;4;4;4;4;4;4\r\n"
                      "uitvoering;2;5;2;2;2;2;2;2;2;2\r\n";
    long long batches[2];
    for (int i = 0; i < 2; i++) {
        th_response r = th_request(srv, "POST", path, admin_key, "text/csv", csv, strlen(csv));
        cr_assert_eq(r.status, 201, "%s", r.body);
        th_response_free(&r);
        char q[96];
        snprintf(q, sizeof q, "SELECT max(id) FROM import_batches WHERE wave_id = %lld", wave);
        char *v = sql1(q);
        batches[i] = strtoll(v, NULL, 10);
        free(v);
    }
    cr_expect_gt(batches[1], batches[0]);
    expect_sql("SELECT count(*) FROM responses", "4", "imported twice by mistake");
    th_browser b = signed_in("k@testdam.nl", "admin", NULL, 0);
    char form[64];
    snprintf(path, sizeof path, "/beheer/metingen/%lld/import/ongedaan", wave);
    snprintf(form, sizeof form, "batch=%lld", batches[1]);
    th_response r = th_console_post(&b, path, form, 1, NULL);
    cr_expect_eq(r.status, 303, "%s", r.body);
    th_response_free(&r);
    expect_sql("SELECT count(*) FROM responses", "2", "the second batch is gone, the first stays");
    r = th_console_post(&b, path, form, 1, NULL);
    cr_expect_eq(r.status, 404, "undone once");
    th_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
    r = th_post_json(srv, path, admin_key, "{}");
    th_response_free(&r);
    snprintf(path, sizeof path, "/beheer/metingen/%lld/import/ongedaan", wave);
    snprintf(form, sizeof form, "batch=%lld", batches[0]);
    r = th_console_post(&b, path, form, 1, NULL);
    cr_expect_eq(r.status, 409, "a closed wave never changes");
    th_response_free(&r);
    expect_sql("SELECT count(*) FROM responses", "2", "still there");
    expect_sql(
        "SELECT count(*) FROM audit_log WHERE action = 'import.create' AND actor LIKE 'key:%'", "2",
        "the API's imports are in the audit log too");
}

Test(console, progress_never_shows_a_rate_above_100_and_imports_apart)
{
    long long org = post_id("/api/v1/organisations", "{\"name\": \"Org\", \"code\": \"GM0601\"}");
    char body[256], path[96];
    /* An online wave: two invited, one submitted (waiting to be mixed still
     * counts); an import wave: three rows, which no invitation stands for.
     * A wave is one or the other, never both (issue 10). */
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"Online\"}",
             org);
    long long wave = post_id("/api/v1/waves", body);
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"Papier\", \"collection\": \"import\"}",
             org);
    long long paper = post_id("/api/v1/waves", body);
    long long waves[2] = {wave, paper};
    for (int w = 0; w < 2; w++) {
        snprintf(path, sizeof path, "/api/v1/waves/%lld/open", waves[w]);
        th_response o = th_post_json(srv, path, admin_key, "{}");
        th_response_free(&o);
    }
    snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", wave);
    th_response r = th_post_json(srv, path, admin_key, "{\"layer\": \"beleid\", \"count\": 2}");
    json_t *inv = th_json(&r);
    th_response_free(&r);
    const char *token = json_string_value(
        json_object_get(json_array_get(json_object_get(inv, "invitations"), 0), "token"));
    cr_assert_not_null(token);
    snprintf(path, sizeof path, "/api/v1/survey/%s", token);
    r = th_post_json(srv, path, NULL,
                     "{\"submit\": true, \"answers\": {\"ek-eff-1\": 4, \"zd-eff-1\": 4,"
                     " \"bi-eff-1\": 4, \"rr-eff-1\": 4, \"int-bel-1\": 4, \"fin-bel-3\": 4,"
                     " \"rr-bel-1\": 4, \"rr-opd-1\": 4, \"rr-opd-2\": 4, \"bi-opd-3\": 4}}");
    cr_expect_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);
    json_decref(inv);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", paper);
    const char *csv = "layer;ek-eff-1;zd-eff-1;bi-eff-1;rr-eff-1;int-bel-1;fin-bel-3;rr-bel-1;"
                      "rr-opd-1;rr-opd-2;bi-opd-3\r\nbeleid;4;4;4;4;4;4;4;4;4;4\r\n"
                      "beleid;3;3;3;3;3;3;3;3;3;3\r\nbeleid;2;2;2;2;2;2;2;2;2;2\r\n";
    r = th_request(srv, "POST", path, admin_key, "text/csv", csv, strlen(csv));
    cr_expect_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);
    th_browser b = signed_in("l@testdam.nl", "admin", NULL, 0);
    const char *want[2][5] = {{"\"Uitgenodigd\">2<", "\"Begonnen\">1<", "\"Verstuurd\">1<",
                               "\"Respons\">50%<", "\"Ge\u00efmporteerd\">0<"},
                              {"\"Uitgenodigd\">0<", "\"Begonnen\">0<", "\"Verstuurd\">0<",
                               "\"Respons\">\u2013<", "\"Ge\u00efmporteerd\">3<"}};
    for (int w = 0; w < 2; w++) {
        snprintf(path, sizeof path, "/beheer/metingen/%lld/voortgang", waves[w]);
        r = th_console_get(&b, path);
        cr_assert_eq(r.status, 200);
        const char *row = strstr(r.body, "<th scope=\"row\">Beleid</th>");
        cr_assert_not_null(row);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)strcspn(row, "\n"), row);
        for (size_t i = 0; i < 5; i++)
            cr_expect(strstr(line, want[w][i]) != NULL, "wave %d: %s in %s", w + 1, want[w][i],
                      line);
        cr_expect(strstr(r.body, "data-refresh=\"30\"") && strstr(r.body, "/assets/console.js"),
                  "refreshes itself where scripts run");
        th_response_free(&r);
    }
}
