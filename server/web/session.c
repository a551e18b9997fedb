/* session.c - see session.h. */
#include "server/web/session.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int session_cookie(http_request *req, const char *name, char *out, size_t n)
{
    const char *h = http_header(req, "Cookie");
    size_t nl = strlen(name);
    while (h && *h) {
        h += strspn(h, " ;");
        size_t len = strcspn(h, ";");
        if (len > nl && !strncmp(h, name, nl) && h[nl] == '=') {
            size_t vl = len - nl - 1;
            while (vl && h[nl + 1 + vl - 1] == ' ')
                vl--;
            if (vl + 1 > n) return -1;
            memcpy(out, h + nl + 1, vl);
            out[vl] = '\0';
            return 0;
        }
        h += len;
    }
    return -1;
}

/* "scheme://host[:port]" of url, into out; "" when it has none. */
static void origin_of(const char *url, char *out, size_t n)
{
    out[0] = '\0';
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p) return;
    size_t len = (size_t)(p + 3 - url) + strcspn(p + 3, "/?#");
    if (len < n) snprintf(out, n, "%.*s", (int)len, url);
}

static int is_https(http_request *req)
{
    const char *base = app_base_url(req->app);
    return base && !strncasecmp(base, "https://", 8);
}

int session_origin_ok(http_request *req)
{
    const char *origin = http_header(req, "Origin");
    if (!origin) return 1; /* not sent (an old browser, a tool): the CSRF token decides */
    char own[256];
    origin_of(app_base_url(req->app), own, sizeof own);
    if (own[0] && !strcasecmp(origin, own)) return 1;
    const char *host = http_header(req, "Host");
    if (!host || strlen(host) > 200) return 0;
    snprintf(own, sizeof own, "%s://%s", is_https(req) ? "https" : "http", host);
    return !strcasecmp(origin, own);
}

int session_route_check(http_request *req, tm_error *err)
{
    char cookie[SESSIONS_COOKIE_MAX];
    if (session_cookie(req, SESSION_COOKIE, cookie, sizeof cookie) != 0) cookie[0] = '\0';
    if (sessions_check(req->db, cookie, &req->who, &req->session, err) != 0) return -1;
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0 &&
        !session_origin_ok(req))
        return tm_error_set(err, 403, "this form was sent from another site");
    if (req->session.must_change_password && strcmp(req->path, "/beheer/wachtwoord") != 0 &&
        strcmp(req->path, "/beheer/uitloggen") != 0)
        return tm_error_set(err, 428, "please choose a password of your own first");
    return 0;
}

int session_form_check(http_request *req, tm_error *err)
{
    if (!session_origin_ok(req))
        return tm_error_set(err, 403, "this form was sent from another site");
    if (formdata_parse(&req->form, http_header(req, "Content-Type"), req->body, req->body_len,
                       err) != 0)
        return -1;
    const char *cookie = req->session.cookie;
    char pre[SESSIONS_COOKIE_MAX]; /* cppcheck-suppress variableScope ; cookie may point here */
    if (!(req->route->needs & ROUTE_SESSION))
        cookie = session_cookie(req, SESSION_PRE_COOKIE, pre, sizeof pre) == 0 ? pre : "";
    if (!sessions_csrf_ok(cookie, formdata_get(&req->form, SESSION_CSRF_FIELD)))
        return tm_error_set(err, 403,
                            "this form has expired or was not sent from this site: open the page "
                            "again and repeat");
    return 0;
}

void session_set_cookie(http_request *req, http_response *res, const char *name, const char *value,
                        int max_age, int strict)
{
    char line[256], age[32] = "";
    if (max_age >= 0) snprintf(age, sizeof age, "; Max-Age=%d", max_age);
    snprintf(line, sizeof line, "%s=%s; Path=/; HttpOnly; SameSite=%s%s%s", name, value,
             strict ? "Strict" : "Lax", is_https(req) ? "; Secure" : "", age);
    http_respond_header(res, "Set-Cookie", line);
}
