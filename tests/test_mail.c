/* test_mail.c - invitations and reminders by e-mail, end to end: the
 * server sends through a real SMTP relay on loopback (tests/smtp_relay.py,
 * Debian's python3-aiosmtpd), and the tests read what arrived as Python's
 * e-mail parser reads it.
 *
 * Plain SMTP to 127.0.0.1; STARTTLS with a login and a throwaway
 * certificate on 127.0.0.2 (not localhost to the server, so TLS is
 * required there); TLS from the first byte (smtps). 1,000 invitations to
 * three layers arrive once each with a working link; reminders go only to
 * those who have not submitted or declined; a relay that answers 451 first
 * and a relay that is down lose nothing and send nothing twice; two servers
 * send each mail once; a 550 fails the address and names it; the addresses
 * are gone after the wave closes; and no token or address is left where a
 * reader of the database or the log could find it.
 *
 * MAIL_BACKOFF=0.2 keeps the retries fast: the waits double from 0.2 s to
 * 12.8 s, the same steps as from 1 minute to 64 at the default.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "th.h"
#include "th_smtp.h"
#include "th_wave.h"

#define FROM "MAIL_FROM=Gemeente Proefstad <enquete@proefstad.nl>"
#define WAVE_NAME "Meting 2026 \u2013 voorjaar"
#define WAIT_MS 120000

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

TestSuite(mail, .init = setup, .fini = teardown, .timeout = 240);

/* A server that sends through relay r (NULL: mail not set up), with more
 * environment entries in extra (NULL-terminated; may be NULL). */
static th_server *server_for(const th_relay *r, const char *const *extra)
{
    char url[128];
    const char *env[24] = {seal, FROM, "MAIL_RATE=0", "MAIL_BACKOFF=0.2"};
    int n = 4;
    if (r) env[n++] = th_relay_env(r, url, sizeof url);
    for (const char *const *e = extra; e && *e && n < 23; e++)
        env[n++] = *e;
    env[n] = NULL;
    return th_server_start(db, env);
}

static json_t *expect_json(th_response r, long want, const char *what)
{
    cr_assert_eq(r.status, want, "%s: %ld %s", what, r.status, r.body);
    json_t *j = th_json(&r);
    th_response_free(&r);
    cr_assert_not_null(j, "%s: no JSON", what);
    return j;
}

/* An organisation and an open wave of instrument v1 (closing at the end of
 * 2026, Amsterdam time): its id. */
static long long open_wave(const th_server *s, const char *code)
{
    long long org = th_org(s, admin, code);
    char body[300], path[96];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein@1.0.0\","
             " \"name\": \"%s\", \"closes_at\": \"2026-12-31T16:00:00Z\"}",
             org, WAVE_NAME);
    json_t *w = expect_json(th_post_json(s, "/api/v1/waves", admin, body), 201, "wave");
    long long id = json_integer_value(json_object_get(w, "id"));
    json_decref(w);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", id);
    json_decref(expect_json(th_post_json(s, path, admin, "{}"), 200, "open"));
    return id;
}

static th_response upload(const th_server *s, long long wave, const char *query, const char *csv)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/recipients%s", wave, query ? query : "");
    return th_request(s, "POST", path, admin, "text/csv", csv, strlen(csv));
}

static json_t *wave_post(const th_server *s, long long wave, const char *what, long want)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/%s", wave, what);
    return expect_json(th_post_json(s, path, admin, NULL), want, what);
}

static json_t *status(const th_server *s, long long wave)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/mail", wave);
    return expect_json(th_get(s, path, admin), 200, "mail status");
}

static long long total(json_t *st, const char *field)
{
    return json_integer_value(json_object_get(json_object_get(st, "totals"), field));
}

/* The status once totals.field reaches want (the sender records as the
 * relay answers), or after 10 s as it is then. */
static json_t *status_when(const th_server *s, long long wave, const char *field, long long want)
{
    json_t *st = status(s, wave);
    for (int i = 0; i < 100 && total(st, field) != want; i++) {
        usleep(100000);
        json_decref(st);
        st = status(s, wave);
    }
    return st;
}

/* The CSV of n addresses user<i>@<domain>, layers in turn from layers (a
 * NULL-terminated list), every tenth in English. Caller frees. */
static char *addresses_csv(int n, const char *domain, const char *const *layers)
{
    size_t nl = 0;
    while (layers[nl])
        nl++;
    char *csv = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&csv, &len);
    fputs("email;layer;lang\r\n", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "user%04d@%s;%s;%s\r\n", i, domain, layers[(size_t)i % nl],
                i % 10 == 9 ? "en" : "nl");
    fclose(f);
    return csv;
}

/* The message sent to address among msgs, with how many there were. */
static json_t *message_to(json_t *msgs, const char *address, int round_reminder, int *count)
{
    json_t *found = NULL;
    *count = 0;
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        const char *to = json_string_value(json_array_get(json_object_get(m, "rcpt"), 0));
        const char *subject = json_string_value(json_object_get(m, "subject"));
        int reminder = subject && (strstr(subject, "Herinnering") || strstr(subject, "Reminder"));
        if (to && !strcasecmp(to, address) && reminder == round_reminder) {
            (*count)++;
            found = m;
        }
    }
    return found;
}

static int count_subject(json_t *msgs, const char *part)
{
    int n = 0;
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m) n +=
        strstr(json_string_value(json_object_get(m, "subject")), part) != NULL;
    return n;
}

/* Every message of msgs arrived once per address: no address twice. */
static void assert_each_once(json_t *msgs, size_t want)
{
    cr_assert_eq(json_array_size(msgs), want, "%zu messages arrived, expected %zu",
                 json_array_size(msgs), want);
    char **seen = calloc(want + 1, sizeof *seen);
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        const char *to = json_string_value(json_array_get(json_object_get(m, "rcpt"), 0));
        for (size_t k = 0; k < i; k++)
            cr_assert(strcmp(seen[k], to), "%s received two messages", to);
        seen[i] = (char *)to;
    }
    free(seen);
}

static void assert_log_clean(const th_server *s, const char *address, const char *token)
{
    char *log = th_server_log(s);
    cr_assert_not_null(log);
    cr_expect_null(strstr(log, address), "the server log names an address: %s", address);
    if (token) cr_expect_null(strstr(log, token), "the server log holds a token");
    free(log);
}

/* ---- 1,000 invitations -------------------------------------------------- */

Test(mail, thousand_invitations_to_three_layers_arrive_once_with_working_links)
{
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0301");
    const char *layers[] = {"beleid", "uitvoering", "management", NULL};
    char *csv = addresses_csv(1000, "proefstad.nl", layers);
    json_t *added = expect_json(upload(s, wave, NULL, csv), 201, "upload");
    free(csv);
    cr_assert_eq(json_integer_value(json_object_get(added, "added")), 1000);
    json_decref(added);

    /* Uploading sends nothing; the coordinator sends. */
    json_t *st = status(s, wave);
    cr_assert_eq(total(st, "recipients"), 1000);
    cr_assert_eq(total(st, "not_sent"), 1000);
    json_decref(st);
    usleep(1500000);
    json_t *none = th_relay_messages(r);
    cr_assert_eq(json_array_size(none), 0, "mail went out before anyone sent it");
    json_decref(none);

    json_t *q = wave_post(s, wave, "mail/send", 202);
    cr_assert_eq(json_integer_value(json_object_get(q, "queued")), 1000);
    json_decref(q);
    json_t *msgs = th_relay_wait(r, 1000, WAIT_MS);
    usleep(1000000); /* anything sent twice would arrive now */
    json_decref(msgs);
    msgs = th_relay_messages(r);
    assert_each_once(msgs, 1000);

    /* Every message: proper MIME, a link of its own that the server knows. */
    char tokens_seen[1000][64];
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        const char *to = json_string_value(json_array_get(json_object_get(m, "rcpt"), 0));
        cr_assert_str_eq(json_string_value(json_object_get(m, "content_type")),
                         "multipart/alternative");
        json_t *parts = json_object_get(m, "parts");
        cr_assert_eq(json_array_size(parts), 2);
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(parts, 0), "type")),
                         "text/plain");
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(parts, 1), "type")),
                         "text/html");
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(parts, 0), "charset")),
                         "utf-8");
        cr_assert_eq(json_array_size(json_object_get(m, "defects")), 0,
                     "Python's e-mail parser found defects in the message to %s", to);
        cr_assert_leq(json_integer_value(json_object_get(m, "max_line")), 78);
        cr_assert(json_is_false(json_object_get(m, "bare_lf")));
        cr_assert(json_is_false(json_object_get(m, "eight_bit")), "8-bit bytes in a 7-bit message");
        int english = atoi(strstr(to, "user") + 4) % 10 == 9;
        char want[160];
        snprintf(want, sizeof want,
                 english ? "Invitation: %s by Gemeente GM0301"
                         : "Uitnodiging: %s van Gemeente GM0301",
                 WAVE_NAME);
        cr_assert_str_eq(json_string_value(json_object_get(m, "subject")), want);
        cr_assert(
            strstr(json_string_value(json_object_get(m, "header_block")), "Subject: =?UTF-8?B?"),
            "the subject (with an en dash) is not RFC 2047 encoded");
        cr_assert_str_eq(json_string_value(json_object_get(m, "from")),
                         "Gemeente Proefstad <enquete@proefstad.nl>");
        cr_assert(strlen(json_string_value(json_object_get(m, "message_id"))) > 10);
        cr_assert(strlen(json_string_value(json_object_get(m, "date"))) > 10);
        const char *text = json_string_value(json_object_get(m, "text"));
        const char *html = json_string_value(json_object_get(m, "html"));
        cr_assert(strstr(text, english ? "31 December 2026 at 17:00" : "31 december 2026 om 17:00"),
                  "closing time missing: %s", text);
        cr_assert(th_mail_token(m, tokens_seen[i]), "no link in %s", text);
        char anchor[200];
        snprintf(anchor, sizeof anchor, "<a href=\"%s/s/%s%s\">", s->base, tokens_seen[i],
                 english ? "?lang=en" : "");
        cr_assert(strstr(html, anchor), "the HTML has no anchor %s", anchor);
        for (size_t k = 0; k < i; k++)
            cr_assert(strcmp(tokens_seen[k], tokens_seen[i]), "two addresses got one link");
        char hash[65], sql[200];
        th_token_hash_hex(tokens_seen[i], hash);
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM invitations WHERE token_hash = decode('%s', 'hex')", hash);
        char *c = th_sql(db, sql);
        cr_assert_str_eq(c, "1", "the link of %s opens no invitation", to);
        free(c);
        char unsub[200];
        snprintf(unsub, sizeof unsub, "<%s/s/%s/afmelden>", s->base, tokens_seen[i]);
        cr_assert_str_eq(json_string_value(json_object_get(m, "list_unsubscribe")), unsub);
    }

    /* Follow one link: the form opens, for the layer of its address. */
    char path[128];
    snprintf(path, sizeof path, "/s/%s", tokens_seen[0]);
    th_response f = th_get(s, path, NULL);
    cr_assert_eq(f.status, 200, "%s", f.body);
    cr_assert(strstr(f.body, "<form"), "the link does not open the form");
    th_response_free(&f);

    st = status(s, wave);
    cr_assert_eq(total(st, "invited"), 1000);
    cr_assert_eq(total(st, "queued"), 0);
    json_t *ls = json_object_get(st, "layers");
    cr_assert_eq(json_array_size(ls), 3);
    long long per[3] = {0, 0, 0};
    json_array_foreach(ls, i, m)
    {
        const char *l = json_string_value(json_object_get(m, "layer"));
        int k = !strcmp(l, "beleid") ? 0 : !strcmp(l, "uitvoering") ? 1 : 2;
        per[k] = json_integer_value(json_object_get(m, "invited"));
    }
    cr_assert_eq(per[0], 334);
    cr_assert_eq(per[1], 333);
    cr_assert_eq(per[2], 333);
    json_decref(st);

    /* No token is kept anywhere a reader of the database could find it, and
     * neither log holds an address or a token. */
    cr_assert_eq(th_db_contains(db, tokens_seen[0]), 0, "the database holds a link's token");
    cr_assert_eq(th_db_contains(db, tokens_seen[999]), 0, "the database holds a link's token");
    assert_log_clean(s, "user0000@proefstad.nl", tokens_seen[0]);
    json_decref(msgs);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

/* ---- the list ----------------------------------------------------------- */

Test(mail, every_bad_or_duplicate_address_is_named_and_nothing_is_stored)
{
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0302");
    const char *bad = "email;layer\n"
                      "anna@proefstad.nl;beleid\n"
                      "bert@@proefstad.nl;beleid\n"
                      "carla proefstad.nl;uitvoering\n"
                      "ANNA@Proefstad.nl;beleid\n"
                      "dirk@proefstad.nl;raad\n"
                      "eva@proefstad;beleid\n"
                      "fred@proefstad.nl;\n";
    th_response res = upload(s, wave, NULL, bad);
    cr_assert_eq(res.status, 422, "%s", res.body);
    json_t *e = th_json(&res);
    th_response_free(&res);
    json_t *d = json_object_get(e, "details");
    cr_assert_eq(json_array_size(d), 6, "%s", json_dumps(e, 0));
    const char *want[][3] = {
        {"3", "bert@@proefstad.nl", "more than one @"},
        {"4", "carla proefstad.nl", "space"},
        {"5", "ANNA@Proefstad.nl", "twice in the list (first on line 2)"},
        {"6", "dirk@proefstad.nl", "layer \"raad\""},
        {"7", "eva@proefstad", "domain"},
        {"8", "fred@proefstad.nl", "no layer"},
    };
    for (size_t k = 0; k < 6; k++) {
        int found = 0;
        size_t i;
        json_t *p;
        json_array_foreach(
            d, i, p) if (json_integer_value(json_object_get(p, "line")) == atoi(want[k][0]) &&
                         !strcmp(json_string_value(json_object_get(p, "email")), want[k][1]) &&
                         strstr(json_string_value(json_object_get(p, "error")), want[k][2])) found =
            1;
        cr_assert(found, "line %s (%s) is not named with \"%s\": %s", want[k][0], want[k][1],
                  want[k][2], json_dumps(d, 0));
    }
    json_decref(e);
    char *n = th_sql(db, "SELECT count(*) FROM mail_recipients");
    cr_assert_str_eq(n, "0", "a rejected list left addresses behind");
    free(n);

    /* One layer per upload; then an address the wave has already. */
    json_decref(expect_json(
        upload(s, wave, "?layer=beleid", "anna@proefstad.nl\nbob@proefstad.nl\n"), 201, "upload"));
    res = upload(s, wave, "?layer=uitvoering", "cees@proefstad.nl\nBob@Proefstad.nl\n");
    cr_assert_eq(res.status, 422, "%s", res.body);
    cr_assert(strstr(res.body, "Bob@Proefstad.nl") && strstr(res.body, "already"), "%s", res.body);
    th_response_free(&res);
    res = upload(s, wave, "?layer=raad", "cees@proefstad.nl\n");
    cr_assert_eq(res.status, 422);
    cr_assert(strstr(res.body, "bestuur, management, beleid, uitvoering, partners"), "%s",
              res.body);
    th_response_free(&res);
    json_t *st = status(s, wave);
    cr_assert_eq(total(st, "recipients"), 2);
    json_decref(st);
    assert_log_clean(s, "anna@proefstad.nl", NULL);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

/* ---- reminders ---------------------------------------------------------- */

/* The tokens of the 20 invitations, by address index. */
static void tokens_by_address(json_t *msgs, int n, char tokens[][64])
{
    for (int i = 0; i < n; i++) {
        char address[64];
        int count;
        snprintf(address, sizeof address, "user%04d@proefstad.nl", i);
        json_t *m = message_to(msgs, address, 0, &count);
        cr_assert_eq(count, 1, "%s: %d invitations", address, count);
        cr_assert(th_mail_token(m, tokens[i]));
    }
}

static void back_in_time(long long wave, const char *column, const char *by)
{
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE mail_waves SET %s = %s - interval '%s' WHERE wave_id = %lld",
             column, column, by, wave);
    free(th_sql(db, sql));
}

Test(mail, reminders_go_only_to_those_who_have_not_submitted_or_declined)
{
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0303");
    const char *layers[] = {"beleid", NULL};
    char *csv = addresses_csv(20, "proefstad.nl", layers);
    json_decref(expect_json(upload(s, wave, NULL, csv), 201, "upload"));
    free(csv);
    json_t *q = wave_post(s, wave, "mail/reminders", 409);
    json_decref(q); /* nothing to remind of before the invitations */
    json_decref(wave_post(s, wave, "mail/send", 202));
    json_t *msgs = th_relay_wait(r, 20, WAIT_MS);
    char tokens[20][64];
    tokens_by_address(msgs, 20, tokens);
    json_decref(msgs);

    /* 0-5 submit, 6-8 only save a draft, 9-12 decline (one of them through
     * the one-click unsubscribe of the mail program), 13-19 do nothing. */
    json_t *answers = th_answers("beleid", 4, "a");
    for (int i = 0; i < 6; i++) {
        char *body = NULL;
        cr_assert_eq(th_submit(s, tokens[i], answers, 1, &body), 201, "%s", body);
        free(body);
    }
    for (int i = 6; i < 9; i++) {
        char *body = NULL;
        cr_assert_eq(th_submit(s, tokens[i], answers, 0, &body), 200, "%s", body);
        free(body);
    }
    for (int i = 9; i < 13; i++) {
        char path[128];
        snprintf(path, sizeof path, "/s/%s/afmelden", tokens[i]);
        th_response g = th_get(s, path, NULL);
        cr_assert_eq(g.status, 200);
        cr_assert(strstr(g.body, "Ik doe niet mee"), "%s", g.body);
        th_response_free(&g);
        const char *body = i == 12 ? "List-Unsubscribe=One-Click" : "";
        th_response p = th_request(s, "POST", path, NULL, "application/x-www-form-urlencoded", body,
                                   strlen(body));
        cr_assert_eq(p.status, 200, "%s", p.body);
        th_response_free(&p);
    }
    json_t *st = status(s, wave);
    cr_assert_eq(total(st, "declined"), 4);
    json_decref(st);

    q = wave_post(s, wave, "mail/reminders", 202);
    cr_assert_eq(json_integer_value(json_object_get(q, "round")), 1);
    cr_assert_eq(json_integer_value(json_object_get(q, "queued")), 10);
    json_decref(q);
    msgs = th_relay_wait(r, 30, WAIT_MS);
    usleep(1000000);
    json_decref(msgs);
    msgs = th_relay_messages(r);
    cr_assert_eq(json_array_size(msgs), 30);
    for (int i = 0; i < 20; i++) {
        char address[64], token[64];
        int count;
        snprintf(address, sizeof address, "user%04d@proefstad.nl", i);
        json_t *m = message_to(msgs, address, 1, &count);
        int want = (i >= 6 && i <= 8) || i >= 13;
        cr_assert_eq(count, want, "%s: %d reminders, expected %d", address, count, want);
        if (!m) continue;
        cr_assert(th_mail_token(m, token));
        cr_assert_str_eq(token, tokens[i], "a reminder carries another link than the invitation");
    }
    /* A second click sends nothing twice. */
    q = wave_post(s, wave, "mail/reminders", 409);
    cr_assert(strstr(json_string_value(json_object_get(q, "error")), "hour"));
    json_decref(q);

    /* A reader of the database cannot tell who was reminded. */
    char *n = th_sql(db, "SELECT count(*) FROM mail_recipients r JOIN mail_outbox o"
                         " ON o.recipient_id = r.id WHERE o.round > 0");
    cr_assert_str_eq(n, "0", "the database keeps who was reminded");
    free(n);

    /* Two more rounds (an hour apart, moved back here), then no more. */
    cr_assert_eq(th_submit(s, tokens[13], answers, 1, NULL), 201);
    json_decref(answers);
    back_in_time(wave, "last_round_at", "2 hours");
    q = wave_post(s, wave, "mail/reminders", 202);
    cr_assert_eq(json_integer_value(json_object_get(q, "queued")), 9);
    json_decref(q);
    json_decref(th_relay_wait(r, 39, WAIT_MS));
    back_in_time(wave, "last_round_at", "2 hours");
    json_decref(wave_post(s, wave, "mail/reminders", 202));
    json_decref(th_relay_wait(r, 48, WAIT_MS));
    back_in_time(wave, "last_round_at", "2 hours");
    q = wave_post(s, wave, "mail/reminders", 409);
    cr_assert(strstr(json_string_value(json_object_get(q, "error")), "all 3"), "%s",
              json_dumps(q, 0));
    json_decref(q);
    usleep(1000000);
    json_decref(msgs);
    msgs = th_relay_messages(r);
    cr_assert_eq(json_array_size(msgs), 48);
    /* user0019 reads English */
    cr_assert_eq(count_subject(msgs, "Herinnering") + count_subject(msgs, "Reminder"), 28);
    cr_assert_eq(count_subject(msgs, "Reminder"), 3);
    st = status(s, wave);
    cr_assert_eq(total(st, "reminders_sent"), 28);
    cr_assert_eq(
        json_integer_value(json_object_get(json_object_get(st, "reminders"), "rounds_sent")), 3);
    json_decref(st);
    json_decref(msgs);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

Test(mail, scheduled_reminders_go_out_on_their_day)
{
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0304");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/mail/schedule", wave);
    const char *unsorted = "{\"after_days\": [12, 7]}";
    th_response bad = th_request(s, "PUT", path, admin, NULL, unsorted, strlen(unsorted));
    cr_assert_eq(bad.status, 422, "%s", bad.body);
    th_response_free(&bad);
    const char *sched = "{\"after_days\": [3]}";
    json_decref(expect_json(th_request(s, "PUT", path, admin, NULL, sched, strlen(sched)), 200,
                            "schedule"));
    const char *layers[] = {"uitvoering", NULL};
    char *csv = addresses_csv(5, "proefstad.nl", layers);
    json_decref(expect_json(upload(s, wave, NULL, csv), 201, "upload"));
    free(csv);
    json_decref(wave_post(s, wave, "mail/send", 202));
    json_decref(th_relay_wait(r, 5, WAIT_MS));
    usleep(2500000);
    json_t *msgs = th_relay_messages(r);
    cr_assert_eq(json_array_size(msgs), 5, "a reminder went before its day");
    json_decref(msgs);
    /* Three days pass. */
    back_in_time(wave, "first_sent_at", "3 days 1 minute");
    msgs = th_relay_wait(r, 10, 20000);
    cr_assert_eq(json_array_size(msgs), 10, "the scheduled reminders did not go out");
    cr_assert_eq(count_subject(msgs, "Herinnering"), 5);
    json_decref(msgs);
    json_t *st = status(s, wave);
    cr_assert_eq(
        json_integer_value(json_object_get(json_object_get(st, "reminders"), "rounds_sent")), 1);
    json_decref(st);
    usleep(2500000);
    msgs = th_relay_messages(r);
    cr_assert_eq(json_array_size(msgs), 10, "a round of one day went twice");
    json_decref(msgs);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

/* ---- what the relay says ------------------------------------------------ */

Test(mail, relay_that_answers_451_first_gets_every_mail_once)
{
    const char *args[] = {"--defer-first", NULL};
    th_relay *r = th_relay_start("127.0.0.1", 0, args);
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0305");
    const char *layers[] = {"beleid", "partners", NULL};
    char *csv = addresses_csv(100, "proefstad.nl", layers);
    json_decref(expect_json(upload(s, wave, NULL, csv), 201, "upload"));
    free(csv);
    json_decref(wave_post(s, wave, "mail/send", 202));
    json_t *msgs = th_relay_wait(r, 100, WAIT_MS);
    usleep(1500000);
    json_decref(msgs);
    msgs = th_relay_messages(r);
    assert_each_once(msgs, 100);
    json_decref(msgs);
    json_t *st = status(s, wave);
    cr_assert_eq(total(st, "invited"), 100);
    cr_assert_eq(total(st, "retrying"), 0);
    cr_assert_eq(total(st, "failed"), 0);
    json_decref(st);
    /* The 451 answers named the addresses; the log does not. */
    assert_log_clean(s, "user0000@proefstad.nl", NULL);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

Test(mail, relay_that_refuses_an_address_fails_it_and_names_it)
{
    const char *args[] = {"--reject-domain", "weg.example", NULL};
    th_relay *r = th_relay_start("127.0.0.1", 0, args);
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0306");
    json_decref(
        expect_json(upload(s, wave, "?layer=beleid",
                           "a@proefstad.nl\nb@weg.example\nc@proefstad.nl\nd@weg.example\n"),
                    201, "upload"));
    json_decref(wave_post(s, wave, "mail/send", 202));
    json_t *msgs = th_relay_wait(r, 2, WAIT_MS);
    json_t *st = status_when(s, wave, "failed", 2);
    cr_assert_eq(total(st, "failed"), 2);
    cr_assert_eq(total(st, "invited"), 2);
    json_t *failed = json_object_get(st, "failed");
    cr_assert_eq(json_array_size(failed), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(failed, 0), "email")),
                     "b@weg.example");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(failed, 1), "email")),
                     "d@weg.example");
    cr_assert(
        strstr(json_string_value(json_object_get(json_array_get(failed, 0), "error")), "550"));
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(failed, 0), "layer")),
                     "beleid");
    json_decref(st);
    usleep(1000000);
    json_decref(msgs);
    msgs = th_relay_messages(r);
    cr_assert_eq(json_array_size(msgs), 2, "a refused address was tried again");
    json_decref(msgs);
    assert_log_clean(s, "weg.example", NULL);
    /* The API's changes are in the audit log, with counts and no address. */
    char q[200];
    snprintf(q, sizeof q,
             "SELECT string_agg(action || ' ' || detail::text, '|' ORDER BY id) FROM audit_log"
             " WHERE object_id = %lld AND action LIKE 'mail.%%'",
             wave);
    char *audit = th_sql(db, q);
    cr_assert_str_eq(audit, "mail.recipients {\"layers\": [{\"added\": 4, \"layer\": \"beleid\"}]}|"
                            "mail.send {\"queued\": 4}");
    free(audit);
    cr_assert_eq(th_db_contains(db, "weg.example"), 2, "an address outside mail_recipients");
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

Test(mail, relay_that_is_down_loses_nothing)
{
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0307");
    th_relay_down(r);
    const char *layers[] = {"beleid", "uitvoering", "management", NULL};
    char *csv = addresses_csv(200, "proefstad.nl", layers);
    json_decref(expect_json(upload(s, wave, NULL, csv), 201, "upload"));
    free(csv);
    json_decref(wave_post(s, wave, "mail/send", 202));
    /* Down through six waits of the backoff (0.2 s doubling to 6.4 s). */
    usleep(10000000);
    json_t *st = status(s, wave);
    cr_assert_eq(total(st, "queued"), 200, "messages were lost while the relay was down");
    json_t *relay = json_object_get(st, "relay");
    cr_assert(json_is_false(json_object_get(relay, "relay_answers")));
    cr_assert(strstr(json_string_value(json_object_get(relay, "relay_error")), "connect"), "%s",
              json_dumps(relay, 0));
    json_decref(st);
    th_relay_restart(r);
    json_t *msgs = th_relay_wait(r, 200, WAIT_MS);
    usleep(1500000);
    json_decref(msgs);
    msgs = th_relay_messages(r);
    assert_each_once(msgs, 200);
    json_decref(msgs);
    st = status(s, wave);
    cr_assert_eq(total(st, "invited"), 200);
    cr_assert(json_is_true(json_object_get(json_object_get(st, "relay"), "relay_answers")));
    json_decref(st);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

Test(mail, two_servers_send_each_mail_once)
{
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    char a_url[128], b_url[128];
    snprintf(a_url, sizeof a_url, "SMTP_URL=smtp://127.0.0.1:%d/server-a.test", r->port);
    snprintf(b_url, sizeof b_url, "SMTP_URL=smtp://127.0.0.1:%d/server-b.test", r->port);
    const char *a_env[] = {a_url, NULL}, *b_env[] = {b_url, NULL};
    th_server *a = server_for(NULL, a_env);
    th_server *b = server_for(NULL, b_env);
    long long wave = open_wave(a, "GM0308");
    const char *layers[] = {"beleid", "uitvoering", "management", NULL};
    char *csv = addresses_csv(600, "proefstad.nl", layers);
    json_decref(expect_json(upload(a, wave, NULL, csv), 201, "upload"));
    free(csv);
    json_decref(wave_post(a, wave, "mail/send", 202));
    json_t *msgs = th_relay_wait(r, 600, WAIT_MS);
    usleep(1500000);
    json_decref(msgs);
    msgs = th_relay_messages(r);
    assert_each_once(msgs, 600);
    int from_a = 0, from_b = 0;
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        const char *ehlo = json_string_value(json_object_get(m, "ehlo"));
        from_a += !strcmp(ehlo, "server-a.test");
        from_b += !strcmp(ehlo, "server-b.test");
    }
    cr_assert_eq(from_a + from_b, 600);
    cr_assert(from_a > 0 && from_b > 0, "one server sent everything (a %d, b %d)", from_a, from_b);
    json_decref(msgs);
    cr_expect_eq(th_server_stop(a), 0);
    cr_expect_eq(th_server_stop(b), 0);
    th_relay_stop(r);
}

/* ---- closing ------------------------------------------------------------ */

Test(mail, addresses_are_gone_after_the_wave_closes)
{
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0309");
    long long other = open_wave(s, "GM0310");
    const char *layers[] = {"beleid", "uitvoering", NULL};
    char *csv = addresses_csv(30, "proefstad.nl", layers);
    json_decref(expect_json(upload(s, wave, NULL, csv), 201, "upload"));
    free(csv);
    json_decref(
        expect_json(upload(s, other, "?layer=beleid", "blijft@elders.nl\n"), 201, "upload"));
    json_decref(wave_post(s, wave, "mail/send", 202));
    json_t *msgs = th_relay_wait(r, 30, WAIT_MS);
    char token[64];
    cr_assert(th_mail_token(json_array_get(msgs, 0), token));
    json_decref(msgs);
    th_response a = th_get(s, "/healthz", NULL);
    th_response_free(&a);
    /* One declines: its count outlives the addresses. */
    char path[128];
    snprintf(path, sizeof path, "/s/%s/afmelden", token);
    th_response p = th_request(s, "POST", path, NULL, NULL, "", 0);
    cr_assert_eq(p.status, 200);
    th_response_free(&p);
    cr_assert_gt(th_db_contains(db, "user0007@proefstad.nl"), 0,
                 "the test looks in the wrong place");

    json_decref(wave_post(s, wave, "close", 200));
    cr_assert_eq(th_db_contains(db, "user0007@proefstad.nl"), 0, "an address outlived the wave");
    cr_assert_eq(th_db_contains(db, "@proefstad.nl"), 0, "an address outlived the wave");
    cr_assert_eq(th_db_contains(db, "blijft@elders.nl"), 1, "another wave's address went too");
    json_t *st = status(s, wave);
    cr_assert_eq(total(st, "recipients"), 0);
    cr_assert_eq(total(st, "invited"), 30, "the counts went with the addresses");
    cr_assert_eq(total(st, "declined"), 1, "the count of declines went with the addresses");
    cr_assert(json_is_string(json_object_get(st, "addresses_deleted_at")));
    json_decref(st);
    th_response u = upload(s, wave, "?layer=beleid", "laat@proefstad.nl\n");
    cr_assert_eq(u.status, 409, "%s", u.body);
    th_response_free(&u);

    /* A wave that closes by its closing time loses its addresses too. */
    char sql[160];
    snprintf(sql, sizeof sql,
             "UPDATE waves SET closes_at = now() - interval '1 second' WHERE id = %lld", other);
    free(th_sql(db, sql));
    for (int i = 0; i < 50 && th_db_contains(db, "blijft@elders.nl"); i++)
        usleep(100000);
    cr_assert_eq(th_db_contains(db, "blijft@elders.nl"), 0,
                 "a wave past its closing time kept its addresses");
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

/* ---- wording, preview, test mail ---------------------------------------- */

Test(mail, templates_are_checked_previewed_escaped_and_used)
{
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0311");
    char path[128];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/mail/templates", wave);
    json_t *t = expect_json(th_get(s, path, admin), 200, "templates");
    json_t *nl = json_object_get(json_object_get(t, "nl"), "invitation");
    cr_assert(json_is_true(json_object_get(nl, "default")));
    const char *body = json_string_value(json_object_get(nl, "body"));
    cr_assert(strstr(body, "{{link}}") && strstr(body, "{{minuten}}") && strstr(body, "anoniem"),
              "the default lacks the link, the time it takes or the anonymity: %s", body);
    json_decref(t);

    const char *bad = "{\"nl\": {\"invitation\": {\"subject\": \"Hallo\\n{{naam}}\","
                      " \"body\": \"Vul in: {{lnk}}\"}}, \"fr\": {}}";
    th_response res = th_request(s, "PUT", path, admin, NULL, bad, strlen(bad));
    cr_assert_eq(res.status, 422, "%s", res.body);
    cr_assert(strstr(res.body, "nl.invitation.subject") && strstr(res.body, "one line"), "%s",
              res.body);
    cr_assert(strstr(res.body, "{{lnk}} is not a placeholder"), "%s", res.body);
    cr_assert(strstr(res.body, "must hold {{link}}"), "%s", res.body);
    cr_assert(strstr(res.body, "\"fr\""), "%s", res.body);
    th_response_free(&res);

    const char *good =
        "{\"nl\": {\"invitation\": {\"subject\": \"Doe mee <nu> & snel: {{meting}}\","
        " \"body\": \"Beste <collega>,\\n\\nKlik: {{link}}\\n\\nTot {{sluitdatum}}."
        " A & B.\"}}}";
    json_t *after =
        expect_json(th_request(s, "PUT", path, admin, NULL, good, strlen(good)), 200, "put");
    cr_assert(json_is_false(
        json_object_get(json_object_get(json_object_get(after, "nl"), "invitation"), "default")));
    cr_assert(json_is_true(
        json_object_get(json_object_get(json_object_get(after, "en"), "invitation"), "default")));
    json_decref(after);

    snprintf(path, sizeof path, "/api/v1/waves/%lld/mail/preview?layer=uitvoering", wave);
    json_t *pv = expect_json(th_get(s, path, admin), 200, "preview");
    const char *html = json_string_value(json_object_get(pv, "html"));
    cr_assert(strstr(html, "Beste &lt;collega&gt;,"), "%s", html);
    cr_assert(strstr(html, "A &amp; B."), "%s", html);
    cr_assert_null(strstr(html, "<collega>"));
    cr_assert(strstr(json_string_value(json_object_get(pv, "text")), "Beste <collega>,"));
    cr_assert_str_eq(json_string_value(json_object_get(pv, "subject")),
                     "Doe mee <nu> & snel: " WAVE_NAME);
    cr_assert(strstr(json_string_value(json_object_get(pv, "text")), "/s/voorbeeldlink"),
              "a preview must not carry a real link");
    json_decref(pv);

    /* The test mail: to oneself, now, with example links. */
    snprintf(path, sizeof path, "/api/v1/waves/%lld/mail/test", wave);
    th_response te = th_post_json(s, path, admin, "{\"to\": \"ik@proefstad\"}");
    cr_assert_eq(te.status, 422, "%s", te.body);
    th_response_free(&te);
    json_t *sent =
        expect_json(th_post_json(s, path, admin, "{\"to\": \"ik@proefstad.nl\", \"lang\": \"en\"}"),
                    200, "test");
    cr_assert(json_is_true(json_object_get(sent, "sent")));
    cr_assert(strstr(json_string_value(json_object_get(sent, "relay_reply")), "250"));
    json_decref(sent);
    json_t *msgs = th_relay_wait(r, 1, 10000);
    cr_assert_eq(json_array_size(msgs), 1);
    json_t *m = json_array_get(msgs, 0);
    cr_assert_str_eq(json_string_value(json_object_get(m, "subject")),
                     "[Test] Invitation: " WAVE_NAME " by Gemeente GM0311");
    char token[64];
    cr_assert(th_mail_token(m, token));
    cr_assert_str_eq(token, "example-link");
    json_decref(msgs);

    /* The wave's own wording goes out. */
    json_decref(expect_json(upload(s, wave, "?layer=beleid", "jan@proefstad.nl\n"), 201, "upload"));
    json_decref(wave_post(s, wave, "mail/send", 202));
    msgs = th_relay_wait(r, 2, WAIT_MS);
    int count;
    m = message_to(msgs, "jan@proefstad.nl", 0, &count);
    cr_assert_eq(count, 1);
    cr_assert_str_eq(json_string_value(json_object_get(m, "subject")),
                     "Doe mee <nu> & snel: " WAVE_NAME);
    cr_assert(strstr(json_string_value(json_object_get(m, "html")), "Beste &lt;collega&gt;,"));
    cr_assert(strstr(json_string_value(json_object_get(m, "text")), "31 december 2026 om 17:00."));
    json_decref(msgs);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

Test(mail, without_a_relay_the_api_says_so_and_offers_the_mail_merge)
{
    th_server *s = server_for(NULL, NULL);
    long long wave = open_wave(s, "GM0312");
    json_t *st = status(s, wave);
    cr_assert(json_is_false(json_object_get(st, "configured")));
    const char *msg = json_string_value(json_object_get(st, "message"));
    cr_assert(msg && strstr(msg, "SMTP_URL") && strstr(msg, "mail merge") &&
                  strstr(msg, "text/csv"),
              "%s", msg ? msg : "(none)");
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(st, "mail_merge"), "accept")),
        "text/csv");
    json_decref(st);
    th_response u = upload(s, wave, "?layer=beleid", "jan@proefstad.nl\n");
    cr_assert_eq(u.status, 503, "%s", u.body);
    cr_assert(strstr(u.body, "mail merge"), "%s", u.body);
    th_response_free(&u);
    json_decref(wave_post(s, wave, "mail/send", 503));
    /* The preview works all the same: the wording can be prepared. */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/mail/preview", wave);
    json_decref(expect_json(th_get(s, path, admin), 200, "preview"));
    cr_expect_eq(th_server_stop(s), 0);
}

Test(mail, settings_that_do_not_parse_stop_the_server_at_start)
{
    const char *cases[][3] = {
        {"SMTP_URL=http://relay.example.nl", FROM, "smtp://host:587"},
        {"SMTP_URL=smtp://relay.example.nl:587", "MAIL_FROM=", "MAIL_FROM"},
        {"SMTP_URL=smtp://relay.example.nl:587", "MAIL_FROM=enquete", "MAIL_FROM=enquete"},
        {"SMTP_URL=smtp://jan:geheim@relay.example.nl:587", FROM, "SMTP_USER"},
        {"SMTP_URL=smtp://127.0.0.1:25", FROM, "plain"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *cmd, *out = NULL;
        const char *extra = i == 4 ? "SMTP_USER=jan SMTP_PASSWORD=geheim" : "";
        cr_assert(asprintf(&cmd, "env DATABASE_URL='%s' PORT=0 %s '%s' '%s' %s %s serve", db, seal,
                           cases[i][0], cases[i][1], extra,
                           getenv("THERMOMETER_BIN") ? getenv("THERMOMETER_BIN")
                                                     : "bin/thermometer-asan") > 0);
        int rc = th_run(cmd, &out);
        cr_assert_neq(rc, 0, "%s: the server started", cases[i][0]);
        cr_assert(strstr(out, cases[i][2]), "%s: %s", cases[i][0], out);
        free(cmd);
        free(out);
    }
    /* A relay without a server key: the links could not be derived. */
    char *out = NULL, *cmd;
    cr_assert(asprintf(&cmd,
                       "env -u SEAL_KEY -u SEAL_KEY_FILE DATABASE_URL='%s' PORT=0"
                       " SMTP_URL=smtp://127.0.0.1:25 '%s' %s serve",
                       db, FROM,
                       getenv("THERMOMETER_BIN") ? getenv("THERMOMETER_BIN")
                                                 : "bin/thermometer-asan") > 0);
    cr_assert_neq(th_run(cmd, &out), 0);
    cr_assert(strstr(out, "SEAL_KEY"), "%s", out);
    free(cmd);
    free(out);
}

/* ---- TLS ---------------------------------------------------------------- */

/* 127.0.0.2 is this machine but not "localhost" to the server, so it must
 * speak TLS there, and check the certificate against SMTP_CA_FILE. */
Test(mail, starttls_with_login_and_a_checked_certificate)
{
    char cert[256], key[256], ca[300];
    th_tls_cert("127.0.0.2", cert, key);
    const char *args[] = {"--tls", cert, key, "--auth", "enquete:geheim wachtwoord", NULL};
    th_relay *r = th_relay_start("127.0.0.2", 0, args);
    snprintf(ca, sizeof ca, "SMTP_CA_FILE=%s", cert);
    const char *env[] = {ca, "SMTP_USER=enquete", "SMTP_PASSWORD=geheim wachtwoord", NULL};
    th_server *s = server_for(r, env);
    long long wave = open_wave(s, "GM0313");
    const char *layers[] = {"beleid", "uitvoering", "management", NULL};
    char *csv = addresses_csv(60, "proefstad.nl", layers);
    json_decref(expect_json(upload(s, wave, NULL, csv), 201, "upload"));
    free(csv);
    json_decref(wave_post(s, wave, "mail/send", 202));
    json_t *msgs = th_relay_wait(r, 60, WAIT_MS);
    usleep(1000000);
    json_decref(msgs);
    msgs = th_relay_messages(r);
    assert_each_once(msgs, 60);
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        cr_assert(json_is_true(json_object_get(m, "tls")), "a message went without TLS");
        cr_assert(json_is_true(json_object_get(m, "authenticated")),
                  "a message went without login");
    }
    json_decref(msgs);
    json_t *st = status(s, wave);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(st, "relay"), "tls")),
                     "STARTTLS");
    char *shown = json_dumps(st, 0);
    cr_assert_null(strstr(shown, "geheim"), "the status shows the password");
    free(shown);
    json_decref(st);
    char *log = th_server_log(s);
    cr_assert_null(strstr(log, "geheim"), "the log holds the password");
    free(log);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

Test(mail, a_certificate_that_does_not_check_out_sends_nothing_and_loses_nothing)
{
    char cert[256], key[256], ca[300];
    th_tls_cert("127.0.0.2", cert, key);
    const char *args[] = {"--tls", cert, key, NULL};
    th_relay *r = th_relay_start("127.0.0.2", 0, args);
    th_server *s = server_for(r, NULL); /* the system's authorities know no such certificate */
    long long wave = open_wave(s, "GM0314");
    json_decref(expect_json(upload(s, wave, "?layer=beleid", "a@proefstad.nl\nb@proefstad.nl\n"),
                            201, "upload"));
    json_decref(wave_post(s, wave, "mail/send", 202));
    usleep(3000000);
    json_t *msgs = th_relay_messages(r);
    cr_assert_eq(json_array_size(msgs), 0, "a message went to an unchecked relay");
    json_decref(msgs);
    json_t *st = status(s, wave);
    cr_assert_eq(total(st, "queued"), 2);
    cr_assert_eq(total(st, "failed"), 0);
    const char *why =
        json_string_value(json_object_get(json_object_get(st, "relay"), "relay_error"));
    cr_assert(why && (strstr(why, "certificate") || strstr(why, "SSL")), "%s", why ? why : "-");
    json_decref(st);
    cr_expect_eq(th_server_stop(s), 0);

    /* With the relay's authority the same outbox goes out. */
    snprintf(ca, sizeof ca, "SMTP_CA_FILE=%s", cert);
    const char *env[] = {ca, NULL};
    s = server_for(r, env);
    msgs = th_relay_wait(r, 2, WAIT_MS);
    assert_each_once(msgs, 2);
    json_decref(msgs);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

Test(mail, plain_smtp_away_from_localhost_is_refused)
{
    th_relay *r = th_relay_start("127.0.0.2", 0, NULL); /* offers no STARTTLS */
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0315");
    json_decref(expect_json(upload(s, wave, "?layer=beleid", "a@proefstad.nl\n"), 201, "upload"));
    json_decref(wave_post(s, wave, "mail/send", 202));
    usleep(3000000);
    json_t *msgs = th_relay_messages(r);
    cr_assert_eq(json_array_size(msgs), 0, "a message went without TLS over the network");
    json_decref(msgs);
    json_t *st = status(s, wave);
    cr_assert_eq(total(st, "queued"), 1);
    cr_assert(json_is_string(json_object_get(json_object_get(st, "relay"), "relay_error")));
    json_decref(st);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

Test(mail, smtps_speaks_tls_from_the_first_byte)
{
    char cert[256], key[256], ca[300], url[128];
    th_tls_cert("127.0.0.2", cert, key);
    const char *args[] = {"--tls", cert, key, "--smtps", NULL};
    th_relay *r = th_relay_start("127.0.0.2", 0, args);
    snprintf(ca, sizeof ca, "SMTP_CA_FILE=%s", cert);
    snprintf(url, sizeof url, "SMTP_URL=smtps://127.0.0.2:%d", r->port);
    const char *env[] = {ca, url, NULL};
    th_server *s = server_for(NULL, env);
    long long wave = open_wave(s, "GM0316");
    json_decref(expect_json(upload(s, wave, "?layer=beleid", "a@proefstad.nl\nb@proefstad.nl\n"),
                            201, "upload"));
    json_decref(wave_post(s, wave, "mail/send", 202));
    json_t *msgs = th_relay_wait(r, 2, WAIT_MS);
    assert_each_once(msgs, 2);
    cr_assert(json_is_true(json_object_get(json_array_get(msgs, 0), "tls")));
    json_decref(msgs);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

/* ---- who may see what --------------------------------------------------- */

Test(mail, a_viewer_sees_counts_but_no_address_and_other_organisations_see_nothing)
{
    const char *args[] = {"--reject-domain", "weg.example", NULL};
    th_relay *r = th_relay_start("127.0.0.1", 0, args);
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0317");
    char *o = th_sql(db, "SELECT id FROM organisations WHERE code = 'GM0317'");
    long long org = atoll(o);
    free(o);
    long long other_org = th_org(s, admin, "GM0318");
    char *viewer = th_api_key(db, "viewer", &org, 1);
    char *stranger = th_api_key(db, "consultant", &other_org, 1);
    json_decref(expect_json(upload(s, wave, "?layer=beleid", "a@proefstad.nl\nb@weg.example\n"),
                            201, "upload"));
    json_decref(wave_post(s, wave, "mail/send", 202));
    json_decref(th_relay_wait(r, 1, WAIT_MS));
    json_t *st = status_when(s, wave, "failed", 1);
    cr_assert_eq(json_array_size(json_object_get(st, "failed")), 1, "the coordinator sees it");
    json_decref(st);

    char path[128];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/mail", wave);
    th_response v = th_get(s, path, viewer);
    cr_assert_eq(v.status, 200, "%s", v.body);
    cr_assert_null(strstr(v.body, "@weg.example"), "a viewer sees a failed address: %s", v.body);
    cr_assert_null(strstr(v.body, "a@proefstad.nl"), "a viewer sees an address: %s", v.body);
    json_t *vj = th_json(&v);
    cr_assert_eq(total(vj, "failed"), 1, "a viewer sees the counts");
    json_decref(vj);
    th_response_free(&v);
    char rpath[128];
    snprintf(rpath, sizeof rpath, "/api/v1/waves/%lld/recipients?layer=beleid", wave);
    v = th_request(s, "POST", rpath, viewer, "text/csv", "c@proefstad.nl\n", 15);
    cr_assert_eq(v.status, 403, "a viewer uploaded addresses: %s", v.body);
    th_response_free(&v);

    th_response x = th_get(s, path, stranger);
    cr_assert_eq(x.status, 404, "another organisation's consultant: %ld %s", x.status, x.body);
    th_response_free(&x);
    x = th_request(s, "POST", rpath, stranger, "text/csv", "c@proefstad.nl\n", 15);
    cr_assert_eq(x.status, 404, "%s", x.body);
    th_response_free(&x);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/mail/send", wave);
    x = th_post_json(s, path, stranger, NULL);
    cr_assert_eq(x.status, 404, "%s", x.body);
    th_response_free(&x);
    free(viewer);
    free(stranger);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

Test(mail, mail_rate_holds_a_server_to_so_many_a_minute)
{
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    const char *env[] = {"MAIL_RATE=120", NULL}; /* one each half second */
    th_server *s = server_for(r, env);
    long long wave = open_wave(s, "GM0319");
    json_decref(expect_json(upload(s, wave, "?layer=beleid",
                                   "a@proefstad.nl\nb@proefstad.nl\nc@proefstad.nl\n"
                                   "d@proefstad.nl\ne@proefstad.nl\n"),
                            201, "upload"));
    json_decref(wave_post(s, wave, "mail/send", 202));
    json_t *msgs = th_relay_wait(r, 5, WAIT_MS);
    assert_each_once(msgs, 5);
    double first = 1e18, last = 0;
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        double t = json_real_value(json_object_get(m, "received_at"));
        first = t < first ? t : first;
        last = t > last ? t : last;
    }
    cr_assert_geq(last - first, 1.9, "5 mails at 120 a minute came within %.2f s", last - first);
    json_decref(msgs);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}

/* The links are derived from the server key: a server started with another
 * key must not send links that would not open, and says why. */
Test(mail, another_server_key_sends_no_dead_links)
{
    th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
    th_server *s = server_for(r, NULL);
    long long wave = open_wave(s, "GM0320");
    json_decref(expect_json(upload(s, wave, "?layer=beleid", "a@proefstad.nl\nb@proefstad.nl\n"),
                            201, "upload"));
    cr_expect_eq(th_server_stop(s), 0);
    char other[80] = "SEAL_KEY=";
    th_seal_key(other + strlen(other));
    const char *env[] = {other, NULL}; /* later entries win */
    s = server_for(r, env);
    json_decref(wave_post(s, wave, "mail/send", 202));
    json_t *st = status_when(s, wave, "failed", 2);
    cr_assert_eq(total(st, "failed"), 2);
    cr_assert(strstr(json_string_value(json_object_get(
                         json_array_get(json_object_get(st, "failed"), 0), "error")),
                     "SEAL_KEY"),
              "%s", json_dumps(st, 0));
    json_decref(st);
    json_t *msgs = th_relay_messages(r);
    cr_assert_eq(json_array_size(msgs), 0, "a mail with a link that does not open went out");
    json_decref(msgs);
    cr_expect_eq(th_server_stop(s), 0);
    th_relay_stop(r);
}
