/* test_console_mail.c - "Uitnodigen per e-mail" in the console, over HTTP
 * as a browser uses it (the session cookie, the form's CSRF token and
 * Origin): a coordinator uploads a list and sees every bad and duplicate
 * address named, previews the wording, sends a test mail to themselves,
 * sends the invitations (a real relay on loopback receives each once) and
 * watches the counts move, sees a refused address as "mislukt: adres", sets
 * the reminder schedule and reminds by hand. Without SMTP_URL the page says
 * that mail is not set up and offers the mail merge; a wave made for import
 * has no invitations; the audit log holds no address.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "th.h"
#include "th_console.h"
#include "th_smtp.h"
#include "th_wave.h"

#define PASSWORD "Een fietstocht langs de Vecht"
#define FROM "MAIL_FROM=Gemeente Proefstad <enquete@proefstad.nl>"
#define WAIT_MS 60000

static char *db;
static char *admin;
static char seal[80];

static void setup(void)
{
    db = th_db_create();
    admin = th_api_key(db, "admin", NULL, 0);
    snprintf(seal, sizeof seal, "SEAL_KEY=");
    th_seal_key(seal + strlen(seal));
}

static void teardown(void)
{
    free(admin);
    free(db);
}

TestSuite(console_mail, .init = setup, .fini = teardown);

/* A server that sends through relay r (NULL: mail not set up). */
static th_server *server_for(const th_relay *r)
{
    char url[128];
    const char *env[8] = {seal, FROM, "MAIL_RATE=0", "MAIL_BACKOFF=0.2", NULL, NULL};
    if (r) env[4] = th_relay_env(r, url, sizeof url);
    return th_server_start(db, env);
}

/* Signed in as a new account of role; a consultant's organisation is org. */
static th_browser signed_in(const th_server *s, const char *email, const char *role, long long org)
{
    th_console_user(db, email, role, org ? &org : NULL, org ? 1 : 0, PASSWORD);
    th_browser b = {.s = s};
    cr_assert_eq(th_console_login(&b, email, PASSWORD), 303, "sign-in of %s", email);
    return b;
}

static char *location(const th_response *r)
{
    static char out[512];
    if (!th_header(r, "Location", out, sizeof out)) out[0] = '\0';
    return out;
}

static char *page(th_browser *b, long long wave, const char *query)
{
    char path[160];
    snprintf(path, sizeof path, "/beheer/metingen/%lld/email%s", wave, query ? query : "");
    th_response r = th_console_get(b, path);
    cr_assert_eq(r.status, 200, "GET %s: %ld %s", path, r.status, r.body);
    char *html = strdup(r.body);
    th_response_free(&r);
    return html;
}

static th_response post(th_browser *b, long long wave, const char *what, const char *form)
{
    char path[160];
    snprintf(path, sizeof path, "/beheer/metingen/%lld/email/%s", wave, what);
    return th_console_post(b, path, form, 1, NULL);
}

/* The numbers of the table's "Totaal" row, as the coordinator reads them:
 * addresses, not sent, queued, sent, failed, declined, reminders. */
typedef struct totals {
    long long n[7];
} totals;

static totals read_totals(const char *html)
{
    totals t = {{-1, -1, -1, -1, -1, -1, -1}};
    const char *at = strstr(html, "<th scope=\"row\">Totaal</th>");
    cr_assert_not_null(at, "no totals row: %s", html);
    for (int i = 0; i < 7; i++) {
        at = strstr(at, "<td class=\"num\">");
        cr_assert_not_null(at);
        at += strlen("<td class=\"num\">");
        t.n[i] = strtoll(at, NULL, 10);
    }
    return t;
}

/* The totals once column col reads want (the sender records as the relay
 * answers), or after 15 s as they are then. */
static totals totals_when(th_browser *b, long long wave, int col, long long want)
{
    totals t;
    for (int i = 0; i < 150; i++) {
        char *html = page(b, wave, NULL);
        t = read_totals(html);
        free(html);
        if (t.n[col] == want) break;
        usleep(100000);
    }
    return t;
}

static int messages_to(json_t *msgs, const char *address)
{
    int n = 0;
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        const char *to = json_string_value(json_array_get(json_object_get(m, "rcpt"), 0));
        n += to && !strcasecmp(to, address);
    }
    return n;
}

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

Test(console_mail, a_coordinator_uploads_previews_tests_sends_and_sees_the_counts_move)
{
    const char *args[] = {"--reject-domain", "weg.example", NULL};
    th_relay *r = th_relay_start("127.0.0.1", 0, args);
    th_server *s = server_for(r);
    long long org = th_org(s, admin, "GM0401");
    long long wave = th_wave_open(s, admin, org);
    th_browser b = signed_in(s, "coordinator@testdam.nl", "consultant", org);

    char *html = page(&b, wave, NULL);
    cr_assert(strstr(html, "Uitnodigen per e-mail</h1>"), "%s", html);
    cr_assert(strstr(html, "Adressen controleren en toevoegen"));
    totals t = read_totals(html);
    cr_assert_eq(t.n[0], 0);
    free(html);

    /* One bad address and one duplicate (in another case): both named with
     * their line, and nothing stored. */
    th_response res = post(&b, wave, "adressen",
                           "list=a%40proefstad.nl%0Ageen-apenstaart.nl%0Ab%40proefstad.nl%0A"
                           "A%40Proefstad.nl%0A&layer=beleid&lang=nl");
    cr_assert_eq(res.status, 422, "%s", res.body);
    cr_assert(strstr(res.body, "Regel 2: <strong>geen-apenstaart.nl</strong> heeft geen @."),
              "the bad address is not named: %s", res.body);
    cr_assert(strstr(res.body, "Regel 4: <strong>A@Proefstad.nl</strong> staat twee keer in de "
                               "lijst."),
              "the duplicate is not named: %s", res.body);
    cr_assert(strstr(res.body, "De lijst is niet opgeslagen"));
    cr_assert(strstr(res.body, "a@proefstad.nl\ngeen-apenstaart.nl\n"),
              "the list typed is not shown again to correct");
    th_response_free(&res);
    expect_sql("SELECT count(*) FROM mail_recipients", "0", "a list with a bad line stored lines");

    /* Without the session's token, or from another origin: refused. */
    char path[160];
    snprintf(path, sizeof path, "/beheer/metingen/%lld/email/adressen", wave);
    res = th_console_post(&b, path, "list=x%40proefstad.nl&layer=beleid", 0, NULL);
    cr_assert_eq(res.status, 403, "no CSRF token: %ld", res.status);
    th_response_free(&res);
    res = th_console_post(&b, path, "list=x%40proefstad.nl&layer=beleid", 1,
                          "https://elders.example");
    cr_assert_eq(res.status, 403, "another origin: %ld", res.status);
    th_response_free(&res);
    expect_sql("SELECT count(*) FROM mail_recipients", "0", "a refused form stored addresses");

    res = post(&b, wave, "adressen",
               "list=a%40proefstad.nl%0D%0Ab%40proefstad.nl%0D%0Ac%40proefstad.nl%0D%0A"
               "weiger%40weg.example&layer=beleid&lang=nl");
    cr_assert_eq(res.status, 303, "%s", res.body);
    char want[160];
    snprintf(want, sizeof want, "/beheer/metingen/%lld/email?klaar=adressen&n=4", wave);
    cr_assert_str_eq(location(&res), want);
    th_response_free(&res);
    html = page(&b, wave, "?klaar=adressen&n=4");
    cr_assert(strstr(html, "4 adressen toegevoegd. Er is nog niets verstuurd"), "%s", html);
    t = read_totals(html);
    cr_assert_eq(t.n[0], 4, "addresses");
    cr_assert_eq(t.n[1], 4, "not sent yet");
    cr_assert(strstr(html, "4 adressen hebben nog geen uitnodiging."));
    free(html);

    /* An address the wave has already. */
    res = post(&b, wave, "adressen", "list=B%40proefstad.nl&layer=beleid&lang=nl");
    cr_assert_eq(res.status, 422);
    cr_assert(strstr(res.body, "<strong>B@proefstad.nl</strong> staat al op de lijst van deze "
                               "meting."),
              "%s", res.body);
    th_response_free(&res);

    /* The preview: this wave's words filled in, the link an example. */
    html = page(&b, wave, "?voorbeeld=nl-invitation&laag=beleid");
    cr_assert(strstr(html, "<dd>Uitnodiging: Meting van Gemeente GM0401</dd>"), "%s", html);
    cr_assert(strstr(html, "/s/voorbeeldlink"), "the preview shows no example link");
    cr_assert(strstr(html, "Gemeente GM0401"), "the organisation is not filled in");
    cr_assert_null(strstr(html, "{{link}}</pre>"));
    free(html);

    /* The wording: a body without {{link}} is refused and named; a good one
     * is kept, and the preview shows it. */
    html = page(&b, wave, NULL);
    free(html);
    res = post(&b, wave, "teksten",
               "nl.invitation.subject=Doe+mee&nl.invitation.body=Geen+link+hier");
    cr_assert_eq(res.status, 422, "%s", res.body);
    cr_assert(strstr(res.body, "Zet {{link}} in de tekst"), "%s", res.body);
    cr_assert(strstr(res.body, ">Geen link hier</textarea>"), "what was typed is gone");
    th_response_free(&res);
    res = post(&b, wave, "teksten",
               "nl.invitation.subject=Doe+mee+%7B%7Bmeting%7D%7D&nl.invitation.body="
               "Beste+collega%2C%0D%0A%0D%0AKlik+%7B%7Blink%7D%7D%0D%0A");
    cr_assert_eq(res.status, 303, "%s", res.body);
    th_response_free(&res);
    html = page(&b, wave, "?voorbeeld=nl-invitation");
    cr_assert(strstr(html, "Beste collega,\n\nKlik "), "%s", html);
    free(html);

    /* A test mail to oneself, now. */
    res = post(&b, wave, "test", "to=coordinator%40proefstad.nl&which=nl-invitation");
    cr_assert_eq(res.status, 303, "%s", res.body);
    th_response_free(&res);
    json_t *msgs = th_relay_wait(r, 1, WAIT_MS);
    cr_assert_eq(messages_to(msgs, "coordinator@proefstad.nl"), 1);
    json_decref(msgs);

    /* Send: each address gets its invitation once; the refused one shows as
     * failed, by its address. */
    res = post(&b, wave, "versturen", "");
    cr_assert_eq(res.status, 303, "%s", res.body);
    snprintf(want, sizeof want, "/beheer/metingen/%lld/email?klaar=verstuurd&n=4", wave);
    cr_assert_str_eq(location(&res), want);
    th_response_free(&res);
    msgs = th_relay_wait(r, 4, WAIT_MS);
    t = totals_when(&b, wave, 4, 1);
    cr_assert_eq(t.n[3], 3, "sent");
    cr_assert_eq(t.n[4], 1, "failed");
    cr_assert_eq(t.n[1], 0, "not sent yet");
    usleep(500000);
    json_decref(msgs);
    msgs = th_relay_messages(r);
    cr_assert_eq(json_array_size(msgs), 4, "the test mail and three invitations");
    cr_assert_eq(messages_to(msgs, "a@proefstad.nl"), 1);
    cr_assert_eq(messages_to(msgs, "b@proefstad.nl"), 1);
    cr_assert_eq(messages_to(msgs, "c@proefstad.nl"), 1);
    json_decref(msgs);
    html = page(&b, wave, NULL);
    cr_assert(strstr(html, "<li>mislukt: weiger@weg.example (Beleid)"), "%s", html);
    cr_assert(strstr(html, "Ieder adres heeft zijn uitnodiging."));
    free(html);

    /* The schedule: rising days only; then kept. A reminder by hand goes to
     * the three invited. */
    res = post(&b, wave, "schema", "dag1=9&dag2=4&dag3=");
    cr_assert_eq(res.status, 422, "%s", res.body);
    th_response_free(&res);
    res = post(&b, wave, "schema", "dag1=4&dag2=9&dag3=");
    cr_assert_eq(res.status, 303, "%s", res.body);
    th_response_free(&res);
    html = page(&b, wave, NULL);
    cr_assert(strstr(html, "name=\"dag1\" min=\"1\" max=\"90\" step=\"1\" value=\"4\""), "%s",
              html);
    cr_assert(strstr(html, "name=\"dag2\" min=\"1\" max=\"90\" step=\"1\" value=\"9\""));
    cr_assert(strstr(html, "name=\"dag3\" min=\"1\" max=\"90\" step=\"1\" value=\"\""));
    free(html);
    res = post(&b, wave, "herinneren", "");
    cr_assert_eq(res.status, 303, "%s", res.body);
    snprintf(want, sizeof want, "/beheer/metingen/%lld/email?klaar=herinnerd&n=3", wave);
    cr_assert_str_eq(location(&res), want);
    th_response_free(&res);
    json_decref(th_relay_wait(r, 7, WAIT_MS));
    t = totals_when(&b, wave, 6, 3);
    cr_assert_eq(t.n[6], 3, "reminders");
    html = page(&b, wave, NULL);
    cr_assert(strstr(html, "Verstuurd: 1 van 3 rondes."), "%s", html);
    free(html);

    /* The audit log: every action, counts only, no address. */
    char q[200];
    snprintf(q, sizeof q,
             "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE action LIKE "
             "'mail.%%' AND object_id = %lld",
             wave);
    expect_sql(q, "mail.recipients,mail.templates,mail.test,mail.send,mail.schedule,mail.remind",
               "the audit log");
    expect_sql("SELECT count(*) FROM audit_log WHERE strpos(lower(audit_log::text), 'proefstad')"
               " > 0 OR strpos(audit_log::text, 'weg.example') > 0",
               "0", "an address in the audit log");
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

Test(console_mail, without_a_relay_the_page_says_so_and_offers_the_mail_merge)
{
    th_server *s = server_for(NULL);
    long long wave = th_wave_open(s, admin, th_org(s, admin, "GM0402"));
    th_browser b = signed_in(s, "k@testdam.nl", "admin", 0);
    char *html = page(&b, wave, NULL);
    cr_assert(strstr(html, "E-mail is niet ingesteld"), "%s", html);
    cr_assert(strstr(html, "SMTP_URL") && strstr(html, "MAIL_FROM") && strstr(html, "README"),
              "the page does not say what to set");
    char action[128];
    snprintf(action, sizeof action, "action=\"/beheer/metingen/%lld/uitnodigingen\"", wave);
    cr_assert(strstr(html, action), "no mail merge offered: %s", html);
    cr_assert_null(strstr(html, "Adressen controleren"), "an upload form without a relay");
    free(html);

    /* The mail merge it offers works from there. */
    char path[128];
    snprintf(path, sizeof path, "/beheer/metingen/%lld/uitnodigingen", wave);
    th_response res = th_console_post(&b, path, "layer=beleid&count=2", 1, NULL);
    cr_assert_eq(res.status, 200, "%s", res.body);
    cr_assert(strstr(res.body, "laag;link"), "%s", res.body);
    th_response_free(&res);

    /* A form posted anyway says why in plain words. */
    res = post(&b, wave, "adressen", "list=a%40proefstad.nl&layer=beleid");
    cr_assert_eq(res.status, 503, "%s", res.body);
    cr_assert(strstr(res.body, "Deze server verstuurt geen e-mail"), "%s", res.body);
    th_response_free(&res);
    expect_sql("SELECT count(*) FROM mail_recipients", "0", "stored without a relay");

    /* The wave's own page points to it. */
    snprintf(path, sizeof path, "/beheer/metingen/%lld", wave);
    res = th_console_get(&b, path);
    snprintf(action, sizeof action, "href=\"/beheer/metingen/%lld/email\"", wave);
    cr_assert(strstr(res.body, action), "the wave's page has no way to the mail page");
    th_response_free(&res);
    cr_expect_eq(th_server_stop(s), 0);
}

Test(console_mail, an_import_wave_has_no_invitations_and_a_viewer_no_page)
{
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    th_server *s = server_for(r);
    long long org = th_org(s, admin, "GM0403");
    long long wave = th_wave_import(s, admin, org);
    th_browser b = signed_in(s, "k@testdam.nl", "admin", 0);
    char *html = page(&b, wave, NULL);
    cr_assert(strstr(html, "ze heeft geen uitnodigingen"), "%s", html);
    free(html);
    th_response res = post(&b, wave, "adressen", "list=a%40proefstad.nl&layer=beleid");
    cr_assert_eq(res.status, 409, "%s", res.body);
    th_response_free(&res);
    expect_sql("SELECT count(*) FROM mail_recipients", "0", "addresses in an import wave");

    long long online = th_wave_open(s, admin, org);
    th_console_user(db, "kijker@testdam.nl", "viewer", &org, 1, PASSWORD);
    th_browser viewer = {.s = s};
    cr_assert_eq(th_console_login(&viewer, "kijker@testdam.nl", PASSWORD), 303);
    char path[128];
    snprintf(path, sizeof path, "/beheer/metingen/%lld/email", online);
    res = th_console_get(&viewer, path);
    cr_assert_eq(res.status, 403, "a viewer sees the mail page: %ld", res.status);
    th_response_free(&res);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

/* The page in Debian's Chromium, axe on every state of it, and its forms
 * with JavaScript off (tests/e2e/mail.spec.mjs): two servers on one
 * database, one with a relay and one without. */
Test(console_mail, the_page_in_a_browser_passes_axe_and_works_without_javascript)
{
    cr_assert(access("/usr/bin/chromium", X_OK) == 0 &&
                  access("tests/e2e/node_modules/@axe-core/playwright", R_OK) == 0,
              "needs Debian's Chromium and tests/e2e/node_modules: run `scripts/install-deps.sh "
              "browser && scripts/e2e-setup.sh`");
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    th_server *s = server_for(r);
    th_server *plain = server_for(NULL);
    long long org = th_org(s, admin, "GM0404");
    long long wave = th_wave_open(s, admin, org);
    th_console_user(db, "coordinator@testdam.nl", "consultant", &org, 1, PASSWORD);
    char cmd[1024], *output = NULL;
    snprintf(cmd, sizeof cmd,
             "CONSOLE_URL='%s' PLAIN_URL='%s' EMAIL=coordinator@testdam.nl PASSWORD='%s' "
             "WAVE=%lld timeout -k 5 250 node tests/e2e/mail.spec.mjs",
             s->base, plain->base, PASSWORD, wave);
    int rc = th_run(cmd, &output);
    cr_assert_eq(rc, 0, "mail.spec.mjs failed (exit %d):\n%s", rc, output);
    cr_assert(strstr(output, "ok - axe: no violations on the e-mail page without a relay"), "%s",
              output);
    free(output);
    json_t *msgs = th_relay_wait(r, 3, WAIT_MS);
    cr_assert_eq(messages_to(msgs, "a@proefstad.nl"), 1);
    cr_assert_eq(messages_to(msgs, "b@proefstad.nl"), 1);
    cr_assert_eq(messages_to(msgs, "c@proefstad.nl"), 1);
    json_decref(msgs);
    cr_expect_eq(th_server_stop(plain), 0);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}
