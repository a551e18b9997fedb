/* th_console.c - see th_console.h. */
#include "th_console.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/app/users.h"

long long th_console_user(const char *conninfo, const char *email, const char *role_text,
                          const long long *orgs, size_t n, const char *password)
{
    if (sodium_init() < 0) cr_assert_fail("sodium_init");
    PGconn *c = PQconnectdb(conninfo);
    tm_error err = TM_ERROR_INIT;
    char one_time[USERS_ONE_TIME_MAX], hash[crypto_pwhash_STRBYTES];
    long long id = 0;
    users_new u = {email, "Test Persoon", role_text, orgs, n};
    if (users_create(c, &u, one_time, &id, &err) != 0)
        cr_assert_fail("user %s: %s", email, err.message);
    cr_assert_eq(users_password_hash(password, hash, &err), 0);
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", id);
    const char *p[] = {hash, idt};
    PGresult *r = PQexecParams(c,
                               "UPDATE users SET password_hash = $1, must_change_password = false"
                               " WHERE id = $2",
                               2, NULL, p, NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return id;
}

int th_set_cookie(const th_response *r, const char *name, char *out, size_t n)
{
    out[0] = '\0';
    size_t nl = strlen(name);
    for (const char *h = r->headers; h && (h = strcasestr(h, "\nSet-Cookie:")); h++) {
        const char *v = h + 12;
        while (*v == ' ')
            v++;
        if (!strncmp(v, name, nl) && v[nl] == '=') {
            size_t len = strcspn(v + nl + 1, ";\r\n");
            if (len >= n) return 0;
            memcpy(out, v + nl + 1, len);
            out[len] = '\0';
            return 1;
        }
    }
    return 0;
}

static void find_csrf(const char *html, char *out, size_t n)
{
    const char *m = html ? strstr(html, "name=\"csrf\" value=\"") : NULL;
    out[0] = '\0';
    if (!m) return;
    m += strlen("name=\"csrf\" value=\"");
    size_t len = strcspn(m, "\"");
    if (len < n) {
        memcpy(out, m, len);
        out[len] = '\0';
    }
}

static th_response browser_send(th_browser *b, const char *method, const char *path,
                                const char *cookie, const char *body, const char *origin)
{
    th_response r = {0};
    th_buf bodybuf = {0}, headbuf = {0};
    CURL *c = curl_easy_init();
    char url[4096], line[512];
    snprintf(url, sizeof url, "%s%s", b->s->base, path);
    struct curl_slist *h = NULL;
    if (cookie && *cookie) {
        snprintf(line, sizeof line, "Cookie: %s", cookie);
        h = curl_slist_append(h, line);
    }
    if (origin && *origin) {
        snprintf(line, sizeof line, "Origin: %s", origin);
        h = curl_slist_append(h, line);
    }
    if (body) h = curl_slist_append(h, "Content-Type: application/x-www-form-urlencoded");
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, th_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &bodybuf);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, th_collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &headbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    r.body = bodybuf.data ? bodybuf.data : strdup("");
    r.len = bodybuf.len;
    r.headers = headbuf.data ? headbuf.data : strdup("");
    return r;
}

static char *url_encode(const char *s)
{
    CURL *c = curl_easy_init();
    char *e = curl_easy_escape(c, s, 0);
    char *out = strdup(e);
    curl_free(e);
    curl_easy_cleanup(c);
    return out;
}

long th_console_login(th_browser *b, const char *email, const char *password)
{
    snprintf(b->origin, sizeof b->origin, "%s", b->s->base);
    th_response page = browser_send(b, "GET", "/beheer/inloggen", NULL, NULL, NULL);
    char pre[128], csrf[96], cookie[200];
    th_set_cookie(&page, "tm_signin", pre, sizeof pre);
    find_csrf(page.body, csrf, sizeof csrf);
    th_response_free(&page);
    char *e = url_encode(email), *p = url_encode(password), *body = NULL;
    if (asprintf(&body, "csrf=%s&email=%s&password=%s", csrf, e, p) < 0) body = NULL;
    snprintf(cookie, sizeof cookie, "tm_signin=%s", pre);
    th_response r = browser_send(b, "POST", "/beheer/inloggen", cookie, body, b->origin);
    free(e);
    free(p);
    free(body);
    long status = r.status;
    th_set_cookie(&r, "tm_session", b->cookie, sizeof b->cookie);
    th_response_free(&r);
    if (status == 303 && b->cookie[0]) {
        th_response o = th_console_get(b, "/beheer/wachtwoord");
        find_csrf(o.body, b->csrf, sizeof b->csrf);
        th_response_free(&o);
    }
    return status;
}

th_response th_console_get(th_browser *b, const char *path)
{
    char cookie[200];
    snprintf(cookie, sizeof cookie, "tm_session=%s", b->cookie);
    return browser_send(b, "GET", path, b->cookie[0] ? cookie : NULL, NULL, NULL);
}

th_response th_console_post(th_browser *b, const char *path, const char *form, int with_csrf,
                            const char *origin)
{
    char cookie[200], *body = NULL;
    snprintf(cookie, sizeof cookie, "tm_session=%s", b->cookie);
    if (asprintf(&body, "%s%s%s%s", form ? form : "", form && *form ? "&" : "",
                 with_csrf ? "csrf=" : "x=1", with_csrf ? b->csrf : "") < 0)
        body = NULL;
    th_response r = browser_send(b, "POST", path, b->cookie[0] ? cookie : NULL, body,
                                 origin ? origin : b->origin);
    free(body);
    return r;
}
