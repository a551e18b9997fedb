/* test_route_roles.c - every route x every role x scope, with the route
 * table (route_table, server/web/routes.c) as the source: a route without a
 * row in this file's expectations fails the first test, so a new route
 * cannot be added without saying who may use it (issue 16 item 5).
 *
 * The roles: no key, admin, consultant of organisation A (in scope),
 * consultant of B only (out of scope), viewer of A, viewer of B, and a
 * consultant key of both B and A. Every target is A's. The API's routes are
 * asked with keys; the console's (a session route, or one whose refusal is
 * the console's page) with signed-in people of the same roles, their forms
 * carrying the CSRF token from the page.
 *
 * Each answer is checked against the row's status for the role: exact for
 * a refusal (401, 403, 404; the console sends a missing session to the
 * sign-in page, 303) and for the API's successes; a console change that is
 * let through answers a page or a redirect (2xx/3xx), or says what is wrong
 * with the form (400, 409, 422), but is never refused for the role. A
 * refused write must change nothing: every table's rows compared before
 * and after (the keys', sessions' and sign-in failures' bookkeeping by
 * count only). A route that changes what it touches (open, close, delete,
 * revoke) gets a fresh target for every role.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/web/console.h"
#include "server/web/routes.h"
#include "th.h"
#include "th_console.h"
#include "th_wave.h"

#define PASSWORD "Een fietstocht langs de Vecht"

enum { NONE, ADMIN, CIN, COUT, VIN, VOUT, MULTI, NROLES };
static const char *const role_names[NROLES] = {
    "no key",      "admin",       "consultant of A",      "consultant of B",
    "viewer of A", "viewer of B", "consultant of B and A"};

/* A console change let through: 2xx/3xx, or the form's own complaint. */
#define ALLOW 1

#define ALL(x)                                                                                     \
    {                                                                                              \
        x, x, x, x, x, x, x                                                                        \
    }
#define KEYS(x)                                                                                    \
    {                                                                                              \
        401, x, x, x, x, x, x                                                                      \
    }
#define IN_A(x)                                                                                    \
    {                                                                                              \
        401, x, x, 404, x, 404, x                                                                  \
    }
#define WRITE_A(x)                                                                                 \
    {                                                                                              \
        401, x, x, 404, 403, 403, x                                                                \
    }
#define ADMIN_ONLY(x)                                                                              \
    {                                                                                              \
        401, x, 403, 403, 403, 403, 403                                                            \
    }
#define CREATE(x)                                                                                  \
    {                                                                                              \
        401, x, x, x, 403, 403, x                                                                  \
    }
/* the console: no session is the sign-in page */
#define P_ALL(x)                                                                                   \
    {                                                                                              \
        303, x, x, x, x, x, x                                                                      \
    }
#define P_IN_A(x)                                                                                  \
    {                                                                                              \
        303, x, x, 404, x, 404, x                                                                  \
    }
#define P_WRITE_A(x)                                                                               \
    {                                                                                              \
        303, x, x, 404, 403, 403, x                                                                \
    }
#define P_ADMIN(x)                                                                                 \
    {                                                                                              \
        303, x, 403, 403, 403, 403, 403                                                            \
    }
#define P_CREATE(x)                                                                                \
    {                                                                                              \
        303, x, x, x, 403, 403, x                                                                  \
    }

/* ---- the world ------------------------------------------------------------ */

static char *db;
static th_server *srv;
static char *keys[NROLES];
static th_browser people[NROLES];
static long long org_a, org_b, wave_open, wave_draft, wave_import, wave_closed, user_a;
static char token_open[64], share_token[64];
static int serial;

static long long post_id(const char *path, const char *body)
{
    th_response r = th_post_json(srv, path, keys[ADMIN], body);
    cr_assert(r.status == 201 || r.status == 200, "POST %s: %ld %s", path, r.status, r.body);
    json_t *j = th_json(&r);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    th_response_free(&r);
    cr_assert_gt(id, 0, "POST %s: no id", path);
    return id;
}

static long long draft_of(long long org)
{
    char body[200];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein@1.0.0\","
             " \"name\": \"Concept %d\"}",
             org, ++serial);
    return post_id("/api/v1/waves", body);
}

static void import_rows(long long wave, const char *layer)
{
    json_t *rows = json_array();
    for (int i = 0; i < 5; i++)
        json_array_append_new(rows, json_pack("{s:s, s:o}", "layer", layer, "answers",
                                              th_answers(layer, 1 + i % 5, "b")));
    char *text = json_dumps(rows, JSON_COMPACT), path[96];
    json_decref(rows);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", wave);
    th_response r = th_post_json(srv, path, keys[ADMIN], text);
    free(text);
    cr_assert_eq(r.status, 201, "import: %ld %s", r.status, r.body);
    th_response_free(&r);
}

static long long closed_of(long long org)
{
    long long w = th_wave_import(srv, keys[ADMIN], org);
    const char *layers[] = {"bestuur", "management", "beleid", "uitvoering", "partners"};
    for (int l = 0; l < 5; l++)
        import_rows(w, layers[l]);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", w);
    th_response r = th_post_json(srv, path, keys[ADMIN], "{}");
    cr_assert_eq(r.status, 200, "close: %ld %s", r.status, r.body);
    th_response_free(&r);
    return w;
}

static void token_of(long long wave, const char *layer, char *out, size_t n)
{
    char **t = th_invitations(srv, keys[ADMIN], wave, layer, 1);
    snprintf(out, n, "%s", t[0]);
    th_tokens_free(t, 1);
}

static void start(void)
{
    db = th_db_create();
    srv = th_server_start(db, NULL);
    keys[ADMIN] = th_api_key(db, "admin", NULL, 0);
    org_a = th_org(srv, keys[ADMIN], "GM3001");
    org_b = th_org(srv, keys[ADMIN], "GM3002");
    long long both[] = {org_b, org_a};
    keys[CIN] = th_api_key(db, "consultant", &org_a, 1);
    keys[COUT] = th_api_key(db, "consultant", &org_b, 1);
    keys[VIN] = th_api_key(db, "viewer", &org_a, 1);
    keys[VOUT] = th_api_key(db, "viewer", &org_b, 1);
    keys[MULTI] = th_api_key(db, "consultant", both, 2);
    wave_open = th_wave_open(srv, keys[ADMIN], org_a);
    wave_draft = draft_of(org_a);
    wave_import = th_wave_import(srv, keys[ADMIN], org_a);
    wave_closed = closed_of(org_a);
    token_of(wave_open, "beleid", token_open, sizeof token_open);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/share", wave_closed);
    th_response r = th_post_json(srv, path, keys[ADMIN], "{\"expires_in_days\": 3}");
    cr_assert_eq(r.status, 201);
    json_t *j = th_json(&r);
    snprintf(share_token, sizeof share_token, "%s", json_string_value(json_object_get(j, "token")));
    json_decref(j);
    th_response_free(&r);
}

static void stop(void)
{
    cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly");
    for (int i = 0; i < NROLES; i++)
        free(keys[i]);
    free(db);
}

static void sign_in(int who)
{
    static const char *const emails[NROLES] = {NULL,
                                               "admin@rollen.nl",
                                               "cin@rollen.nl",
                                               "cout@rollen.nl",
                                               "vin@rollen.nl",
                                               "vout@rollen.nl",
                                               "multi@rollen.nl"};
    people[who] = (th_browser){.s = srv};
    if (who == NONE) return;
    cr_assert_eq(th_console_login(&people[who], emails[who], PASSWORD), 303, "sign-in of %s",
                 role_names[who]);
}

static void start_console(void)
{
    start();
    long long both[] = {org_b, org_a};
    user_a = th_console_user(db, "admin@rollen.nl", "admin", NULL, 0, PASSWORD);
    th_console_user(db, "cin@rollen.nl", "consultant", &org_a, 1, PASSWORD);
    th_console_user(db, "cout@rollen.nl", "consultant", &org_b, 1, PASSWORD);
    th_console_user(db, "vin@rollen.nl", "viewer", &org_a, 1, PASSWORD);
    th_console_user(db, "vout@rollen.nl", "viewer", &org_b, 1, PASSWORD);
    th_console_user(db, "multi@rollen.nl", "consultant", both, 2, PASSWORD);
    for (int i = 0; i < NROLES; i++)
        sign_in(i);
}

/* ---- targets: each fills the path (and the body) for one request ---------- */

typedef void (*target_fn)(const char *pattern, char *path, size_t n, char *body, size_t bn);

/* the pattern with each {id} replaced by ids[i] in turn, {token} and {key}
 * by text */
static void fill(const char *pattern, char *path, size_t n, const long long *ids, const char *text)
{
    size_t o = 0, k = 0;
    for (const char *p = pattern; *p && o + 1 < n;) {
        if (!strncmp(p, "{id}", 4)) {
            o += (size_t)snprintf(path + o, n - o, "%lld", ids[k++]);
            p += 4;
        } else if (!strncmp(p, "{token}", 7) || !strncmp(p, "{key}", 5)) {
            o += (size_t)snprintf(path + o, n - o, "%s", text);
            p += p[1] == 't' ? 7 : 5;
        } else {
            path[o++] = *p++;
        }
    }
    path[o < n ? o : n - 1] = '\0';
}

static void t_plain(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    (void)bn;
    snprintf(path, n, "%s", pat);
    body[0] = '\0';
}
static void t_instrument(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    (void)bn;
    fill(pat, path, n, NULL, "thermometer-sociaal-domein");
    body[0] = '\0';
}
static void t_org_new(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    snprintf(path, n, "%s", pat);
    serial++;
    snprintf(body, bn, "{\"name\": \"Nieuw %d\", \"code\": \"GM%04d\"}", serial, 4000 + serial);
}
static void t_org_a(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    fill(pat, path, n, &org_a, NULL);
    snprintf(body, bn, "{\"benchmark\": false}");
}
static void t_wave_new(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    snprintf(path, n, "%s", pat);
    snprintf(body, bn,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein@1.0.0\","
             " \"name\": \"Nieuw %d\"}",
             org_a, ++serial);
}
static void t_open(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    fill(pat, path, n, &wave_open, NULL);
    body[0] = '\0';
    if (strstr(pat, "invitations")) snprintf(body, bn, "{\"layer\": \"beleid\", \"count\": 1}");
    if (strstr(pat, "links")) snprintf(body, bn, "{\"layer\": \"partners\", \"max_responses\": 5}");
}
static void t_fresh_draft(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    long long w = draft_of(org_a);
    fill(pat, path, n, &w, NULL);
    snprintf(body, bn, "{}");
}
/* the wave's own keys and rules, on a fresh draft: none of either */
static void t_fresh_settings(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    long long w = draft_of(org_a);
    fill(pat, path, n, &w, NULL);
    snprintf(body, bn, "%s", strstr(pat, "rules") ? "[]" : "{}");
}
/* the mail of the open (online) wave; no relay is set up in this test, so
 * what would reach one answers 503 "mail is not set up" */
static void t_mail(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    char p2[256];
    fill(pat, p2, sizeof p2, &wave_open, NULL);
    body[0] = '\0';
    if (strstr(pat, "recipients")) {
        snprintf(path, n, "%s?layer=beleid", p2);
        snprintf(body, bn, "adres%d@rollen.nl\n", ++serial);
        return;
    }
    if (strstr(pat, "preview")) {
        snprintf(path, n, "%s?lang=nl&kind=invitation&layer=beleid", p2);
        return;
    }
    snprintf(path, n, "%s", p2);
    if (strstr(pat, "/test")) snprintf(body, bn, "{\"to\": \"proef@rollen.nl\"}");
    if (strstr(pat, "schedule")) snprintf(body, bn, "{\"after_days\": [7, 12]}");
    if (strstr(pat, "templates")) snprintf(body, bn, "{}");
}
static void t_fresh_open(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    long long w = th_wave_open(srv, keys[ADMIN], org_a);
    fill(pat, path, n, &w, NULL);
    snprintf(body, bn, "{}");
}
static void t_import(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    fill(pat, path, n, &wave_import, NULL);
    json_t *rows = json_array();
    for (int i = 0; i < 5; i++)
        json_array_append_new(rows, json_pack("{s:s, s:o}", "layer", "beleid", "answers",
                                              th_answers("beleid", 1 + i % 5, "a")));
    char *text = json_dumps(rows, JSON_COMPACT);
    snprintf(body, bn, "%s", text);
    free(text);
    json_decref(rows);
}
static void t_closed(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    fill(pat, path, n, &wave_closed, NULL);
    snprintf(body, bn, "{\"expires_in_days\": 1}");
}
static void t_fresh_share(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    char p[96];
    snprintf(p, sizeof p, "/api/v1/waves/%lld/share", wave_closed);
    long long ids[] = {wave_closed, post_id(p, "{\"expires_in_days\": 1}")};
    fill(pat, path, n, ids, NULL);
    snprintf(body, bn, "{}");
}
static void t_share_token(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    (void)bn;
    fill(pat, path, n, NULL, share_token);
    body[0] = '\0';
}
static void t_token(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    (void)bn;
    fill(pat, path, n, NULL, token_open);
    body[0] = '\0';
}
static void t_fresh_token(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    char token[64];
    token_of(wave_open, "beleid", token, sizeof token);
    fill(pat, path, n, NULL, token);
    if (!strncmp(pat, "/api/", 5)) {
        json_t *o = json_pack("{s:o, s:b}", "answers", th_answers("beleid", 3, "a"), "submit", 1);
        char *text = json_dumps(o, JSON_COMPACT);
        snprintf(body, bn, "%s", text);
        free(text);
        json_decref(o);
    } else {
        snprintf(body, bn, "q.ek-eff-1=3&action=save");
    }
}
static void t_key_new(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    snprintf(path, n, "%s", pat);
    if (!strncmp(pat, "/api/", 5))
        snprintf(body, bn, "{\"role\": \"viewer\", \"organisations\": [%lld], \"name\": \"raad\"}",
                 org_a);
    else
        snprintf(body, bn, "name=raad&role=viewer&organisations=%lld", org_a);
}
static void t_fresh_key(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    char b[160];
    snprintf(b, sizeof b, "{\"role\": \"viewer\", \"organisations\": [%lld], \"name\": \"weg\"}",
             org_a);
    long long id = post_id("/api/v1/keys", b);
    fill(pat, path, n, &id, NULL);
    body[0] = '\0';
    (void)bn;
}

/* the console's */
static void c_plain(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    snprintf(path, n, "%s", pat);
    body[0] = '\0';
    if (strstr(pat, "inloggen")) snprintf(body, bn, "email=niemand%%40rollen.nl&password=fout");
    if (strstr(pat, "wachtwoord")) snprintf(body, bn, "current=fout&password=x&again=x");
    if (!strcmp(pat, "/beheer/organisaties")) {
        serial++;
        snprintf(body, bn, "name=Nieuw%d&code=GM%04d", serial, 5000 + serial);
    }
    if (!strcmp(pat, "/beheer/gebruikers"))
        snprintf(body, bn, "email=nieuw%d%%40rollen.nl&name=Nieuw&role=viewer&organisations=%lld",
                 ++serial, org_a);
}
static void c_org_a(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    fill(pat, path, n, &org_a, NULL);
    if (strstr(pat, "metingen"))
        snprintf(body, bn,
                 "name=Nieuw%d&instrument=thermometer-sociaal-domein%%401.0.0&collection=online"
                 "&min_group_size=5",
                 ++serial);
    else if (strstr(pat, "toegang"))
        snprintf(body, bn, "user=%lld&grant=1", user_a);
    else if (strstr(pat, "benchmark"))
        snprintf(body, bn, "benchmark=0");
    else
        snprintf(body, bn, "name=Gemeente%%20GM3001&code=GM3001");
}
static void c_user(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    fill(pat, path, n, &user_a, NULL);
    snprintf(body, bn, "name=Beheerder&role=admin");
}
static void c_wave(const char *pat, char *path, size_t n, char *body, size_t bn, long long w)
{
    fill(pat, path, n, &w, NULL);
    body[0] = '\0';
    if (strstr(pat, "uitnodigingen")) snprintf(body, bn, "layer=beleid&count=1");
    if (strstr(pat, "/links")) snprintf(body, bn, "layer=partners&max_responses=5");
    if (strstr(pat, "bewerken")) snprintf(body, bn, "name=Anders&min_group_size=5");
}
static void c_open(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    c_wave(pat, path, n, body, bn, wave_open);
}
static void c_draft(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    c_wave(pat, path, n, body, bn, wave_draft);
}
static void c_import(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    c_wave(pat, path, n, body, bn, wave_import);
}
/* a batch imported into the import wave a moment ago, to undo */
static void c_fresh_batch(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    import_rows(wave_import, "beleid");
    char q[128];
    snprintf(q, sizeof q, "SELECT max(id) FROM import_batches WHERE wave_id = %lld", wave_import);
    char *batch = th_sql(db, q);
    cr_assert_not_null(batch);
    c_wave(pat, path, n, body, bn, wave_import);
    snprintf(body, bn, "batch=%s", batch);
    free(batch);
}
static void c_closed(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    c_wave(pat, path, n, body, bn, wave_closed);
}
static void c_fresh_draft(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    long long w = draft_of(org_a);
    c_wave(pat, path, n, body, bn, w);
    if (strstr(pat, "verwijderen")) snprintf(body, bn, "confirm=Concept%%20%d", serial);
}
static void c_fresh_open(const char *pat, char *path, size_t n, char *body, size_t bn)
{
    c_wave(pat, path, n, body, bn, th_wave_open(srv, keys[ADMIN], org_a));
}

/* ---- the expectations ------------------------------------------------------ */

typedef struct expect {
    const char *method, *pattern;
    target_fn target;
    long want[NROLES];
} expect;

/* clang-format off */
static const expect api[] = {
    {"GET",    "/healthz",                              t_plain,       ALL(200)},
    {"GET",    "/metrics",                              t_plain,       ADMIN_ONLY(200)},
    {"GET",    "/api/v1/instruments",                   t_plain,       KEYS(200)},
    {"GET",    "/api/v1/instruments/{key}",             t_instrument,  KEYS(200)},
    {"POST",   "/api/v1/organisations",                 t_org_new,     CREATE(201)},
    {"GET",    "/api/v1/organisations",                 t_plain,       KEYS(200)},
    {"PATCH",  "/api/v1/organisations/{id}",            t_org_a,       ADMIN_ONLY(200)},
    {"GET",    "/api/v1/organisations/{id}/waves",      t_org_a,       IN_A(200)},
    {"POST",   "/api/v1/waves",                         t_wave_new,    WRITE_A(201)},
    {"GET",    "/api/v1/waves/{id}",                    t_open,        IN_A(200)},
    {"POST",   "/api/v1/waves/{id}/open",               t_fresh_draft, WRITE_A(200)},
    {"POST",   "/api/v1/waves/{id}/close",              t_fresh_open,  WRITE_A(200)},
    {"POST",   "/api/v1/waves/{id}/invitations",        t_open,        WRITE_A(201)},
    {"POST",   "/api/v1/waves/{id}/links",              t_open,        WRITE_A(201)},
    {"GET",    "/api/v1/waves/{id}/progress",           t_open,        IN_A(200)},
    {"PUT",    "/api/v1/waves/{id}/intended",           t_fresh_settings, WRITE_A(200)},
    {"PUT",    "/api/v1/waves/{id}/rules",              t_fresh_settings, WRITE_A(200)},
    {"GET",    "/api/v1/waves/{id}/mail",               t_mail,        IN_A(200)},
    {"POST",   "/api/v1/waves/{id}/recipients",         t_mail,        WRITE_A(503)},
    {"GET",    "/api/v1/waves/{id}/mail/templates",     t_mail,        IN_A(200)},
    {"PUT",    "/api/v1/waves/{id}/mail/templates",     t_mail,        WRITE_A(200)},
    {"GET",    "/api/v1/waves/{id}/mail/preview",       t_mail,        IN_A(200)},
    {"POST",   "/api/v1/waves/{id}/mail/test",          t_mail,        WRITE_A(503)},
    {"POST",   "/api/v1/waves/{id}/mail/send",          t_mail,        WRITE_A(503)},
    {"POST",   "/api/v1/waves/{id}/mail/reminders",     t_mail,        WRITE_A(503)},
    {"PUT",    "/api/v1/waves/{id}/mail/schedule",      t_mail,        WRITE_A(200)},
    {"GET",    "/s/{token}/afmelden",                   t_token,       ALL(200)},
    {"POST",   "/s/{token}/afmelden",                   t_fresh_token, ALL(200)},
    {"POST",   "/api/v1/waves/{id}/responses",          t_import,      WRITE_A(201)},
    {"GET",    "/api/v1/waves/{id}/analysis",           t_closed,      IN_A(200)},
    {"GET",    "/api/v1/waves/{id}/report.xlsx",        t_closed,      IN_A(200)},
    {"POST",   "/api/v1/waves/{id}/share",              t_closed,      WRITE_A(201)},
    {"GET",    "/api/v1/waves/{id}/shares",             t_closed,      WRITE_A(200)},
    {"POST",   "/api/v1/waves/{id}/shares/{id}/revoke", t_fresh_share, WRITE_A(200)},
    {"GET",    "/raad/s/{token}",                       t_share_token, ALL(200)},
    {"GET",    "/api/v1/survey/{token}",                t_token,       ALL(200)},
    {"POST",   "/api/v1/survey/{token}",                t_fresh_token, ALL(201)},
    {"GET",    "/s/{token}",                            t_token,       ALL(200)},
    {"POST",   "/s/{token}",                            t_fresh_token, ALL(303)},
    {"GET",    "/assets/survey.css",                    t_plain,       ALL(200)},
    {"GET",    "/assets/raad.css",                      t_plain,       ALL(200)},
    {"GET",    "/favicon.ico",                          t_plain,       ALL(204)},
    {"GET",    "/api/v1/keys",                          t_plain,       ADMIN_ONLY(200)},
    {"POST",   "/api/v1/keys",                          t_key_new,     ADMIN_ONLY(201)},
    {"DELETE", "/api/v1/keys/{id}",                     t_fresh_key,   ADMIN_ONLY(200)},
    {"GET",    "/assets/console.css",                   t_plain,       ALL(200)},
    {"GET",    "/assets/console.js",                    t_plain,       ALL(200)},
};

static const expect console[] = {
    {"GET",  "/beheer/inloggen",                        c_plain,       ALL(200)},
    /* without the sign-in page's own token: refused, for anyone */
    {"POST", "/beheer/inloggen",                        c_plain,       ALL(403)},
    {"POST", "/beheer/uitloggen",                       c_plain,       P_ALL(303)},
    {"GET",  "/beheer/taal",                            c_plain,       ALL(303)},
    {"GET",  "/beheer/wachtwoord",                      c_plain,       P_ALL(200)},
    {"POST", "/beheer/wachtwoord",                      c_plain,       P_ALL(ALLOW)},
    {"GET",  "/beheer",                                 c_plain,       P_ALL(200)},
    {"GET",  "/beheer/organisaties/nieuw",              c_plain,       P_CREATE(200)},
    {"POST", "/beheer/organisaties",                    c_plain,       P_CREATE(ALLOW)},
    {"GET",  "/beheer/organisaties/{id}",               c_org_a,       P_IN_A(200)},
    {"POST", "/beheer/organisaties/{id}",               c_org_a,       P_WRITE_A(ALLOW)},
    {"POST", "/beheer/organisaties/{id}/toegang",       c_org_a,       P_ADMIN(ALLOW)},
    {"POST", "/beheer/organisaties/{id}/benchmark",     c_org_a,       P_ADMIN(ALLOW)},
    {"GET",  "/beheer/organisaties/{id}/metingen/nieuw", c_org_a,      P_WRITE_A(200)},
    {"POST", "/beheer/organisaties/{id}/metingen",      c_org_a,       P_WRITE_A(ALLOW)},
    {"GET",  "/beheer/metingen/{id}",                   c_open,        P_IN_A(200)},
    {"GET",  "/beheer/metingen/{id}/bewerken",          c_draft,       P_WRITE_A(200)},
    {"POST", "/beheer/metingen/{id}/bewerken",          c_fresh_draft, P_WRITE_A(ALLOW)},
    {"POST", "/beheer/metingen/{id}/openen",            c_fresh_draft, P_WRITE_A(ALLOW)},
    {"GET",  "/beheer/metingen/{id}/sluiten",           c_open,        P_WRITE_A(200)},
    {"POST", "/beheer/metingen/{id}/sluiten",           c_fresh_open,  P_WRITE_A(ALLOW)},
    {"GET",  "/beheer/metingen/{id}/verwijderen",       c_draft,       P_WRITE_A(200)},
    {"POST", "/beheer/metingen/{id}/verwijderen",       c_fresh_draft, P_WRITE_A(ALLOW)},
    {"POST", "/beheer/metingen/{id}/uitnodigingen",     c_open,        P_WRITE_A(ALLOW)},
    {"POST", "/beheer/metingen/{id}/links",             c_open,        P_WRITE_A(ALLOW)},
    {"GET",  "/beheer/metingen/{id}/voortgang",         c_open,        P_IN_A(200)},
    {"POST", "/beheer/metingen/{id}/bedoeling",         c_fresh_draft, P_WRITE_A(ALLOW)},
    {"POST", "/beheer/metingen/{id}/regels",            c_fresh_draft, P_WRITE_A(ALLOW)},
    {"GET",  "/beheer/metingen/{id}/email",             c_open,        P_WRITE_A(200)},
    {"POST", "/beheer/metingen/{id}/email/adressen",    c_open,        P_WRITE_A(ALLOW)},
    {"POST", "/beheer/metingen/{id}/email/teksten",     c_open,        P_WRITE_A(ALLOW)},
    {"POST", "/beheer/metingen/{id}/email/test",        c_open,        P_WRITE_A(503)},
    {"POST", "/beheer/metingen/{id}/email/versturen",   c_open,        P_WRITE_A(503)},
    {"POST", "/beheer/metingen/{id}/email/herinneren",  c_open,        P_WRITE_A(503)},
    {"POST", "/beheer/metingen/{id}/email/schema",      c_open,        P_WRITE_A(ALLOW)},
    {"GET",  "/beheer/metingen/{id}/import",            c_import,      P_WRITE_A(200)},
    {"POST", "/beheer/metingen/{id}/import",            c_import,      P_WRITE_A(ALLOW)},
    {"POST", "/beheer/metingen/{id}/import/ongedaan",   c_fresh_batch, P_WRITE_A(ALLOW)},
    {"GET",  "/beheer/metingen/{id}/uitkomsten",        c_closed,      P_IN_A(200)},
    {"GET",  "/beheer/metingen/{id}/rapport",           c_closed,      P_IN_A(200)},
    {"GET",  "/raad/{id}",                              c_closed,      P_IN_A(200)},
    {"GET",  "/beheer/sleutels",                        c_plain,       P_ADMIN(200)},
    {"POST", "/beheer/sleutels",                        t_key_new,     P_ADMIN(ALLOW)},
    {"POST", "/beheer/sleutels/{id}/intrekken",         t_fresh_key,   P_ADMIN(ALLOW)},
    {"GET",  "/beheer/gebruikers",                      c_plain,       P_ADMIN(200)},
    {"POST", "/beheer/gebruikers",                      c_plain,       P_ADMIN(ALLOW)},
    {"GET",  "/beheer/gebruikers/{id}",                 c_user,        P_ADMIN(200)},
    {"POST", "/beheer/gebruikers/{id}",                 c_user,        P_ADMIN(ALLOW)},
    {"GET",  "/beheer/logboek",                         c_plain,       P_ADMIN(200)},
};
/* clang-format on */

#define N_API (sizeof api / sizeof *api)
#define N_CONSOLE (sizeof console / sizeof *console)

/* A console route: it needs a session, or its refusal is the console's. */
static int is_console(const route *r)
{
    return (r->needs & ROUTE_SESSION) || r->refuse == console_refuse;
}

static const expect *row_of(const char *method, const char *pattern, int *console_row)
{
    for (size_t i = 0; i < N_API; i++)
        if (!strcmp(api[i].method, method) && !strcmp(api[i].pattern, pattern)) {
            *console_row = 0;
            return &api[i];
        }
    for (size_t i = 0; i < N_CONSOLE; i++)
        if (!strcmp(console[i].method, method) && !strcmp(console[i].pattern, pattern)) {
            *console_row = 1;
            return &console[i];
        }
    return NULL;
}

static unsigned needs_of(const expect *e)
{
    for (const route *r = route_table; r->method; r++)
        if (!strcmp(r->method, e->method) && !strcmp(r->pattern, e->pattern)) return r->needs;
    return 0;
}

/* ---- checks ---------------------------------------------------------------- */

/* The database without the bookkeeping that any request may touch (a key's
 * last use, a session's last step, failed sign-ins): those by count. */
static char *state(void)
{
    char *s = th_db_state(db);
    cr_assert_not_null(s);
    static const char *const counted[] = {"api_keys=", "sessions=", "login_failures=", "users="};
    for (size_t i = 0; i < sizeof counted / sizeof *counted; i++) {
        char *p = strstr(s, counted[i]);
        if (!p || (p != s && p[-1] != ' ')) continue;
        char *colon = strchr(p, ':');
        char *end = strchr(p, ' ');
        if (colon && (!end || colon < end))
            memset(colon, '.', (size_t)((end ? end : colon + strlen(colon)) - colon));
    }
    return s;
}

static int allowed(long st)
{
    return (st >= 200 && st < 400) || st == 400 || st == 409 || st == 422;
}

static int matches(long want, long got)
{
    return want == ALLOW ? allowed(got) : got == want;
}

/* One request of route row e as role who; asserts the status and, for a refused
 * write, that nothing changed. Returns 1 when it matched. */
static int try_one(const expect *e, int who, int console_row)
{
    char path[512], body[8192];
    e->target(e->pattern, path, sizeof path, body, sizeof body);
    int write = strcmp(e->method, "GET") != 0;
    long want = e->want[who];
    int refusal = want >= 400 || (console_row && want == 303 && who == NONE);
    char *before = write && refusal ? state() : NULL;
    th_response r;
    if (console_row && !write)
        r = th_console_get(&people[who], path);
    else if (console_row)
        r = th_console_post(&people[who], path, body, who != NONE, NULL);
    else
        r = th_request(srv, e->method, path, keys[who],
                       *body ? (!strncmp(path, "/s/", 3) ? "application/x-www-form-urlencoded"
                                                         : "application/json")
                             : NULL,
                       *body ? body : NULL, strlen(body));
    int ok = matches(want, r.status);
    char expected[64];
    if (want == ALLOW)
        snprintf(expected, sizeof expected, "2xx/3xx or the form's 400/409/422");
    else
        snprintf(expected, sizeof expected, "%ld", want);
    cr_expect(ok, "%s %s (%s) as %s: %ld, expected %s: %.200s", e->method, e->pattern, path,
              role_names[who], r.status, expected, r.headers);
    if (console_row && who == NONE && want == 303 && (needs_of(e) & ROUTE_SESSION)) {
        char where[256] = "";
        th_header(&r, "Location", where, sizeof where);
        cr_expect(!strncmp(where, "/beheer/inloggen", 16), "%s %s without a session: sent to %s",
                  e->method, e->pattern, where);
    }
    if (before) {
        char *after = state();
        cr_expect_str_eq(after, before, "%s %s refused for %s (%ld) changed the database",
                         e->method, e->pattern, role_names[who], r.status);
        free(after);
        free(before);
    }
    th_response_free(&r);
    return ok;
}

/* ---- tests ------------------------------------------------------------------ */

TestSuite(route_roles, .timeout = 600);

/* Every route of the table has its row here, and every row a route. */
Test(route_roles, every_route_has_a_row)
{
    size_t n = 0;
    for (const route *r = route_table; r->method; r++, n++) {
        int console_row = 0;
        const expect *e = row_of(r->method, r->pattern, &console_row);
        cr_expect_not_null(e, "route %s %s has no row in test_route_roles.c: say who may use it",
                           r->method, r->pattern);
        if (e)
            cr_expect_eq(console_row, is_console(r),
                         "route %s %s: its row is in the %s table, the route is %s", r->method,
                         r->pattern, console_row ? "console's" : "API's",
                         is_console(r) ? "the console's" : "the API's");
    }
    cr_expect_eq(n, N_API + N_CONSOLE, "%zu routes, %zu rows: a row names no route", n,
                 N_API + N_CONSOLE);
    for (size_t i = 0; i < N_API + N_CONSOLE; i++) {
        const expect *e = i < N_API ? &api[i] : &console[i - N_API];
        int found = 0;
        for (const route *r = route_table; r->method && !found; r++)
            found = !strcmp(r->method, e->method) && !strcmp(r->pattern, e->pattern);
        cr_expect(found, "row %s %s names no route", e->method, e->pattern);
    }
}

Test(route_roles, api_routes_with_keys, .init = start, .fini = stop)
{
    int bad = 0, tried = 0;
    for (size_t i = 0; i < N_API; i++)
        for (int who = 0; who < NROLES; who++, tried++)
            bad += !try_one(&api[i], who, 0);
    cr_log_info("%d requests, %d not as expected", tried, bad);
}

Test(route_roles, console_routes_with_sessions, .init = start_console, .fini = stop)
{
    int bad = 0, tried = 0;
    for (size_t i = 0; i < N_CONSOLE; i++) {
        for (int who = 0; who < NROLES; who++, tried++) {
            bad += !try_one(&console[i], who, 1);
            if (!strcmp(console[i].pattern, "/beheer/uitloggen")) sign_in(who); /* again */
        }
    }
    cr_log_info("%d requests, %d not as expected", tried, bad);
}
