/* test_form.c - the respondent's HTML form over HTTP: the page, a save that
 * redirects, the draft shown again, errors next to the items with the answers
 * kept, too few answers said next to the send button, the thank-you page,
 * and the readable pages for a used, closed or unknown link (with the API's
 * status codes). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"
#include "th_wave.h"

static char *db;
static th_server *srv;
static char *admin;
static long long wave;
static char **tokens;

static void start(void)
{
    db = th_db_create();
    srv = th_server_start(db, NULL);
    admin = th_api_key(db, "admin", NULL, 0);
    wave = th_wave_open(srv, admin, th_org(srv, admin, "GM0810"));
    tokens = th_invitations(srv, admin, wave, "uitvoering", 3);
}

static void stop(void)
{
    th_tokens_free(tokens, 3);
    cr_expect_eq(th_server_stop(srv), 0);
    free(admin);
    free(db);
}

TestSuite(form, .init = start, .fini = stop);

static th_response form_post(const char *token, const char *body, const char *query)
{
    char path[160];
    snprintf(path, sizeof path, "/s/%s%s", token, query ? query : "");
    return th_request(srv, "POST", path, NULL, "application/x-www-form-urlencoded", body,
                      strlen(body));
}

Test(form, page_in_dutch_with_security_headers)
{
    char path[128];
    snprintf(path, sizeof path, "/s/%s", tokens[0]);
    th_response r = th_get(srv, path, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    char v[300];
    cr_expect(th_header(&r, "Content-Type", v, sizeof v) && strstr(v, "text/html"));
    cr_expect(th_header(&r, "Referrer-Policy", v, sizeof v) && !strcmp(v, "no-referrer"));
    cr_expect(th_header(&r, "Content-Security-Policy", v, sizeof v) &&
              strstr(v, "default-src 'none'") && strstr(v, "form-action 'self'"));
    cr_expect(strstr(r.body, "<html lang=\"nl\"") != NULL);
    cr_expect(strstr(r.body, "<form method=\"post\"") != NULL);
    cr_expect(strstr(r.body, "name=\"q.ek-eff-1\"") != NULL, "an item field named q.KEY");
    cr_expect(strstr(r.body, "Weet niet") != NULL);
    cr_expect(strstr(r.body, "<script") == NULL, "no JavaScript");
    th_response_free(&r);

    snprintf(path, sizeof path, "/s/%s?lang=en", tokens[0]);
    r = th_get(srv, path, NULL);
    cr_expect(strstr(r.body, "<html lang=\"en\"") != NULL);
    cr_expect(strstr(r.body, "Don't know") != NULL || strstr(r.body, "Don&#39;t know") != NULL ||
                  strstr(r.body, "don&#39;t know") != NULL || strstr(r.body, "don't know") != NULL,
              "English answer labels");
    th_response_free(&r);
}

Test(form, save_redirects_and_the_draft_comes_back)
{
    th_response r = form_post(tokens[0], "q.ek-eff-1=4&q.ek-eff-2=dont_know&action=save", NULL);
    cr_expect_eq(r.status, 303, "%s", r.body);
    char loc[200], want[200];
    snprintf(want, sizeof want, "/s/%s?saved=1", tokens[0]);
    cr_expect(th_header(&r, "Location", loc, sizeof loc) && !strcmp(loc, want), "Location: %s",
              loc);
    th_response_free(&r);

    r = th_get(srv, want, NULL);
    cr_assert_eq(r.status, 200);
    cr_expect(strstr(r.body, "Uw antwoorden zijn opgeslagen") != NULL);
    cr_expect(strstr(r.body, "value=\"4\" checked") != NULL ||
                  strstr(r.body, "value=\"4\"\nchecked") != NULL,
              "the saved likert answer is checked");
    th_response_free(&r);
}

Test(form, errors_are_shown_and_the_answers_kept)
{
    th_response r =
        form_post(tokens[1], "q.ek-eff-1=9&q.ek-eff-2=3&q.open-eff=mijn+tekst&action=submit", NULL);
    cr_expect_eq(r.status, 422, "%s", r.body);
    cr_expect(strstr(r.body, "role=\"alert\"") != NULL, "an error summary");
    cr_expect(strstr(r.body, "aria-invalid=\"true\"") != NULL, "the item is marked");
    cr_expect(strstr(r.body, "mijn tekst") != NULL, "the typed text is kept");
    th_response_free(&r);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM responses WHERE wave_id = %lld", wave);
    char *n = th_sql(db, sql);
    cr_expect_str_eq(n, "0", "nothing stored");
    free(n);
}

/* A form body answering every scored item asked to uitvoering (th_answers,
 * value v), ek-eff-1 with 5 and open-eff with "Minder regels", then the
 * action (caller frees). */
static char *full_body(int v, const char *action)
{
    json_t *a = th_answers("uitvoering", v, "b");
    json_object_set_new(a, "ek-eff-1", json_integer(5));
    th_buf b = {0};
    const char *key;
    json_t *val;
    json_object_foreach(a, key, val)
    {
        char field[160];
        int n = json_is_integer(val)
                    ? snprintf(field, sizeof field, "q.%s=%lld&", key,
                               (long long)json_integer_value(val))
                    : snprintf(field, sizeof field, "q.%s=%s&", key, json_string_value(val));
        th_collect(field, 1, (size_t)n, &b);
    }
    json_decref(a);
    char tail[96];
    int n = snprintf(tail, sizeof tail, "q.open-eff=Minder+regels&action=%s", action);
    th_collect(tail, 1, (size_t)n, &b);
    return b.data;
}

/* Too few answers: the form comes back (422) with the answers as posted and,
 * next to the send button, how many more are needed; nothing is stored. */
Test(form, too_few_answers_say_how_many_more)
{
    th_response r = form_post(tokens[1], "q.ek-eff-1=5&q.ek-eff-2=dont_know&action=submit", NULL);
    cr_expect_eq(r.status, 422, "%s", r.body);
    const char *more = strstr(r.body, "class=\"more-needed\"");
    const char *button = strstr(r.body, "value=\"submit\"");
    cr_expect(more && button && more > button, "the message stands next to the send button");
    cr_expect(more && strstr(more, "Beantwoord nog 31 vragen"), "%s", more ? more : r.body);
    cr_expect(strstr(r.body, "value=\"5\" checked") != NULL, "the answers are kept");
    th_response_free(&r);
    r = form_post(tokens[1], "q.ek-eff-1=5&action=save", NULL);
    cr_expect_eq(r.status, 303, "saving a draft stays free: %s", r.body);
    th_response_free(&r);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pending_responses WHERE wave_id = %lld", wave);
    char *n = th_sql(db, sql);
    cr_expect_str_eq(n, "0", "nothing submitted");
    free(n);
}

Test(form, submit_thanks_then_already_submitted)
{
    char *body = full_body(3, "submit");
    th_response r = form_post(tokens[2], body, NULL);
    free(body);
    cr_expect_eq(r.status, 200, "%s", r.body);
    cr_expect(strstr(r.body, "Bedankt") != NULL);
    th_response_free(&r);
    /* It waits, sealed, to be mixed; the close releases it. */
    char sql[200], path[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pending_responses WHERE wave_id = %lld", wave);
    char *n = th_sql(db, sql);
    cr_expect_str_eq(n, "1");
    free(n);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
    r = th_post_json(srv, path, admin, "{}");
    cr_expect_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    snprintf(
        sql, sizeof sql,
        "SELECT scores[1]::text || ' ' || (extra->>'open-eff') FROM responses WHERE wave_id = %lld",
        wave);
    char *row = th_sql(db, sql);
    cr_expect_str_eq(row, "5 Minder regels");
    free(row);

    snprintf(path, sizeof path, "/s/%s", tokens[2]);
    r = th_get(srv, path, NULL);
    cr_expect_eq(r.status, 409);
    cr_expect(strstr(r.body, "Al verstuurd") != NULL, "a readable page");
    th_response_free(&r);
    body = full_body(1, "submit");
    r = form_post(tokens[2], body, NULL);
    free(body);
    cr_expect_eq(r.status, 409);
    th_response_free(&r);
}

Test(form, unknown_closed_and_malformed)
{
    th_response r = th_get(srv, "/s/AAAAAAAAAAAAAAAAAAAAAAAA", NULL);
    cr_expect_eq(r.status, 404);
    cr_expect(strstr(r.body, "Onbekende link") != NULL);
    th_response_free(&r);

    r = form_post(tokens[0], "q.ek-eff-1=%ZZ&action=save", NULL);
    cr_expect_eq(r.status, 400, "a bad percent escape: %s", r.body);
    cr_expect(strstr(r.body, "<html") != NULL, "a page, not JSON");
    th_response_free(&r);

    r = form_post(tokens[0], "ek-eff-1=4&action=save", NULL);
    cr_expect_eq(r.status, 400, "an answer without its q. prefix: %s", r.body);
    cr_expect(strstr(r.body, "field &quot;ek-eff-1&quot; is not a field of this form") != NULL,
              "the page names the field: %s", r.body);
    th_response_free(&r);

    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
    r = th_post_json(srv, path, admin, "{}");
    cr_assert_eq(r.status, 200);
    th_response_free(&r);
    snprintf(path, sizeof path, "/s/%s", tokens[0]);
    r = th_get(srv, path, NULL);
    cr_expect_eq(r.status, 410);
    cr_expect(strstr(r.body, "gesloten") != NULL);
    th_response_free(&r);
}
