/* test_head.c - a request is checked before its body is read: the key, its
 * role, the wave of the address and the respondent's token are judged
 * first (the "head" step), and a refusal comes without the client sending
 * one body byte; only a request that passed is asked for its body (an
 * Expect: 100-continue gets its 100 only then). And the route table, which
 * says what each route needs, is consistent. */
#include <criterion/criterion.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/web/routes.h"
#include "th.h"
#include "th_wave.h"

static char *db;
static th_server *srv;
static char *admin, *viewer, *other;
static long long wave, iwave; /* an online wave and one made for import */

static void start(void)
{
    db = th_db_create();
    srv = th_server_start(db, NULL);
    admin = th_api_key(db, "admin", NULL, 0);
    long long org = th_org(srv, admin, "GM0301");
    long long org2 = th_org(srv, admin, "GM0302");
    viewer = th_api_key(db, "viewer", &org, 1);
    other = th_api_key(db, "consultant", &org2, 1);
    wave = th_wave_open(srv, admin, org);
    iwave = th_wave_import(srv, admin, org);
}

static void stop(void)
{
    cr_expect_eq(th_server_stop(srv), 0);
    free(admin);
    free(viewer);
    free(other);
    free(db);
}

TestSuite(head, .init = start, .fini = stop);

static int status_of(const char *answer)
{
    int status = 0;
    if (sscanf(answer, "HTTP/1.%*d %d", &status) != 1) return 0;
    return status;
}

/* The head of a POST announcing a body of length bytes that never comes. */
static char *head_only(const char *path, const char *key, const char *content_type,
                       long long length)
{
    char auth[256] = "";
    if (key) snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", key);
    char *req;
    cr_assert(asprintf(&req,
                       "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: %s\r\n"
                       "Content-Length: %lld\r\n\r\n",
                       path, auth, content_type, length) > 0);
    return req;
}

/* Refusals by key, role, wave and token: each answered at once although the
 * announced body (up to 10 MiB) was never sent, with the API's status and
 * message. A server that read the body first would still be waiting. */
Test(head, refusals_come_before_the_body)
{
    char import[96], invite[96];
    snprintf(import, sizeof import, "/api/v1/waves/%lld/responses", wave);
    snprintf(invite, sizeof invite, "/api/v1/waves/%lld/invitations", wave);
    struct {
        const char *path, *key, *type;
        long long length;
        int status;
        const char *says;
    } cases[] = {
        {import, NULL, "application/json", 10 << 20, 401, "an API key is required"},
        {import, "tm_1_AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "text/csv", 10 << 20, 401, "not valid"},
        {import, viewer, "application/json", 10 << 20, 403, "may only read (role viewer)"},
        {import, other, "application/json", 10 << 20, 404, "does not exist"},
        {"/api/v1/waves/999999/responses", admin, "text/csv", 10 << 20, 404,
         "wave 999999 does not exist"},
        {"/api/v1/organisations", NULL, "application/json", 1000, 401, "an API key is required"},
        {invite, viewer, "application/json", 1000, 403, "may only read (role viewer)"},
        {"/api/v1/survey/AAAAAAAAAAAAAAAAAAAAAAAA", NULL, "application/json", 1000, 404,
         "this survey link is not known"},
        {"/s/AAAAAAAAAAAAAAAAAAAAAAAA", NULL, "application/x-www-form-urlencoded", 1000, 404,
         "Onbekende link"},
        {import, admin, "application/json", 10 << 20, 409, "collects answers online"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *req = head_only(cases[i].path, cases[i].key, cases[i].type, cases[i].length);
        double t0 = th_now_ms();
        char *ans = th_raw_exchange(srv->port, req, strlen(req), 3000);
        cr_expect_eq(status_of(ans), cases[i].status, "POST %s (case %zu), no body sent: '%.300s'",
                     cases[i].path, i, ans);
        cr_expect(strstr(ans, cases[i].says) != NULL, "case %zu names why: %.400s", i, ans);
        cr_expect_lt(th_now_ms() - t0, 2500, "case %zu answered without waiting for the body", i);
        if (cases[i].status == 401)
            cr_expect(strcasestr(ans, "WWW-Authenticate: Bearer") != NULL, "%.300s", ans);
        free(ans);
        free(req);
    }
    char q[128];
    snprintf(q, sizeof q, "SELECT count(*) FROM responses WHERE wave_id = %lld", wave);
    char *n = th_sql(db, q);
    cr_expect_str_eq(n, "0", "nothing was stored");
    free(n);
}

/* Sends head (with Expect: 100-continue), then body once the server asks
 * for it; returns everything the server said (caller frees). */
static char *continue_exchange(const char *head, const char *body)
{
    int fd = th_connect(srv->port);
    cr_assert_geq(fd, 0);
    cr_assert_eq(send(fd, head, strlen(head), MSG_NOSIGNAL), (ssize_t)strlen(head));
    char *buf = calloc(1, 8192);
    size_t got = 0;
    int body_sent = 0;
    for (double until = th_now_ms() + 5000; th_now_ms() < until && got < 8191;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 200) <= 0) continue;
        ssize_t r = recv(fd, buf + got, 8191 - got, 0);
        if (r <= 0) break;
        got += (size_t)r;
        buf[got] = '\0';
        if (!body_sent && strstr(buf, "100 Continue\r\n\r\n")) {
            cr_assert_eq(send(fd, body, strlen(body), MSG_NOSIGNAL), (ssize_t)strlen(body));
            body_sent = 1;
        }
        const char *last = strstr(buf, "\r\n\r\n{");
        if (last && strchr(last, '}')) break;
    }
    close(fd);
    return buf;
}

/* With Expect: 100-continue the client sends its body only when asked. A
 * request whose head passes is asked (100, then 201 for the import); one
 * refused is answered 401/403 instead, never asked for its body. */
Test(head, the_body_is_asked_for_only_after_the_head_passed)
{
    char path[96], head[1024];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", iwave);
    json_t *rows =
        json_pack("[{s:s, s:o}]", "layer", "beleid", "answers", th_answers("beleid", 4, "a"));
    char *body = json_dumps(rows, JSON_COMPACT);
    json_decref(rows);
    snprintf(head, sizeof head,
             "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
             "Content-Type: application/json\r\nExpect: 100-continue\r\n"
             "Content-Length: %zu\r\n\r\n",
             path, admin, strlen(body));
    char *ans = continue_exchange(head, body);
    cr_expect_eq(status_of(ans), 100, "asked for the body: %.300s", ans);
    cr_expect(strstr(ans, " 201 ") && strstr(ans, "{\"imported\":1}"), "then stored: %.500s", ans);
    free(ans);

    snprintf(head, sizeof head,
             "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
             "Content-Type: application/json\r\nExpect: 100-continue\r\n"
             "Content-Length: %zu\r\n\r\n",
             path, viewer, strlen(body));
    ans = continue_exchange(head, body);
    cr_expect_eq(status_of(ans), 403, "refused without asking: %.300s", ans);
    cr_expect(strstr(ans, "100 Continue") == NULL, "never asked for the body: %.300s", ans);
    free(ans);
    free(body);
}

/* What a test of every route x role needs is in the table, and it holds
 * together: a role or a wave is judged by a key or a console session; keys,
 * tokens, sessions and forms are checked against the database; an address
 * with a wave id or a token needs it checked; every API route but none is
 * behind a key or a token; every console page but signing in is behind a
 * session, and every console form that changes something carries its CSRF
 * token. */
Test(head, the_route_table_says_what_each_route_needs)
{
    int n = 0;
    for (const route *r = route_table; r->method; r++, n++) {
        unsigned k = r->needs;
        cr_expect(!(k & (ROUTE_WRITE | ROUTE_WAVE | ROUTE_ADMIN)) ||
                      (k & (ROUTE_KEY | ROUTE_SESSION)),
                  "%s %s", r->method, r->pattern);
        cr_expect(!(k & (ROUTE_KEY | ROUTE_TOKEN | ROUTE_SESSION | ROUTE_FORM)) || (k & ROUTE_DB),
                  "%s %s", r->method, r->pattern);
        int wave_address = strstr(r->pattern, "/waves/{id}") ||
                           strstr(r->pattern, "/metingen/{id}") ||
                           !strcmp(r->pattern, "/raad/{id}");
        cr_expect(!wave_address == !(k & ROUTE_WAVE), "%s %s", r->method, r->pattern);
        /* a respondent's token needs ROUTE_TOKEN; a share link's token
         * (/raad/s/{token}) is looked up by its own service, without a key */
        int share = !strncmp(r->pattern, "/raad/", 6);
        cr_expect(!strstr(r->pattern, "{token}") == !(k & ROUTE_TOKEN) || share, "%s %s", r->method,
                  r->pattern);
        if (share && strstr(r->pattern, "{token}"))
            cr_expect(!(k & (ROUTE_KEY | ROUTE_TOKEN)) && (k & ROUTE_DB), "%s %s", r->method,
                      r->pattern);
        if (!strncmp(r->pattern, "/api/v1/survey/", 15))
            cr_expect(!(k & ROUTE_KEY), "%s %s", r->method, r->pattern);
        else if (!strncmp(r->pattern, "/api/", 5))
            cr_expect(k & ROUTE_KEY, "%s %s needs a key", r->method, r->pattern);
        if (!strcmp(r->method, "POST") && !strncmp(r->pattern, "/api/v1/", 8) &&
            strncmp(r->pattern, "/api/v1/survey/", 15))
            cr_expect(k & ROUTE_WRITE, "%s %s changes data: a viewer may not", r->method,
                      r->pattern);
        if (!strncmp(r->pattern, "/beheer", 7) && strcmp(r->pattern, "/beheer/inloggen") != 0 &&
            strcmp(r->pattern, "/beheer/taal") != 0)
            cr_expect(k & ROUTE_SESSION, "%s %s needs a session", r->method, r->pattern);
        if (!strcmp(r->method, "POST") && !strncmp(r->pattern, "/beheer", 7))
            cr_expect(k & ROUTE_FORM, "%s %s needs its CSRF token", r->method, r->pattern);
        if (!strncmp(r->pattern, "/beheer", 7))
            cr_expect(r->refuse != NULL, "%s %s refuses with a page", r->method, r->pattern);
        /* the council summary behind a login: a signed-in person's page */
        if (!strcmp(r->pattern, "/raad/{id}"))
            cr_expect((k & ROUTE_SESSION) && !(k & ROUTE_KEY) && r->refuse != NULL, "%s %s",
                      r->method, r->pattern);
    }
    cr_expect_gt(n, 20, "the table has its routes (%d)", n);
}
