/* console_login.c - signing in and out of the console, choosing a password
 * of one's own, and the language switch.
 *
 *   GET/POST /beheer/inloggen     the sign-in form (CSRF: a pre-session cookie)
 *   POST     /beheer/uitloggen    ends the session in the database
 *   GET/POST /beheer/wachtwoord   one's own password (first: the one-time one)
 *   GET      /beheer/taal         ?naar=en|nl&terug=PATH: the language cookie
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/audit.h"
#include "server/app/users.h"
#include "server/web/console.h"
#include "server/web/console_routes.h"
#include "server/web/session.h"

/* Whether path is a console address we may send someone back to: only
 * /beheer and below, no other host, nothing odd. */
static int safe_back(const char *path)
{
    if (!path || strncmp(path, "/beheer", 7) != 0 || strlen(path) > 200) return 0;
    if (path[7] != '\0' && path[7] != '/') return 0;
    for (const char *s = path; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '/' || *s == '-' || *s == '_'))
            return 0;
    return strstr(path, "//") == NULL;
}

static void login_page(http_request *req, http_response *res, int status, const char *email,
                       const char *back, const tm_error *err, int signed_out)
{
    char pre[SESSIONS_COOKIE_MAX], csrf[SESSIONS_CSRF_MAX];
    sessions_secret_new(pre);
    sessions_csrf(pre, csrf);
    console_page p;
    console_begin(&p, req, TX("Inloggen", "Sign in"));
    console_h1(&p, TX("Inloggen", "Sign in"));
    if (signed_out) console_notice(&p, TX("U bent uitgelogd.", "You have signed out."));
    console_errors(&p, err);
    strbuf_adds(&p.b, "<p>");
    console_t(&p, TX("Log in met uw e-mailadres en wachtwoord. Hebt u nog geen account? Vraag "
                     "het aan de beheerder van de Thermometer in uw organisatie.",
                     "Sign in with your e-mail address and password. No account yet? Ask the "
                     "person who runs the Thermometer in your organisation."));
    strbuf_adds(&p.b, "</p>\n<form method=\"post\" action=\"/beheer/inloggen\" class=\"stack "
                      "card\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
    console_esc(&p, csrf);
    strbuf_adds(&p.b, "\">\n");
    if (back) {
        strbuf_adds(&p.b, "<input type=\"hidden\" name=\"terug\" value=\"");
        console_esc(&p, back);
        strbuf_adds(&p.b, "\">\n");
    }
    console_input(&p, "email", "email", TX("E-mailadres", "E-mail address"), NULL, email,
                  "autocomplete=\"username\" required", NULL);
    console_input(&p, "password", "password", TX("Wachtwoord", "Password"), NULL, NULL,
                  "autocomplete=\"current-password\" required", NULL);
    strbuf_adds(&p.b, "<button type=\"submit\">");
    console_t(&p, TX("Inloggen", "Sign in"));
    strbuf_adds(&p.b, "</button>\n</form>\n");
    console_end(&p, res, status);
    session_set_cookie(req, res, SESSION_PRE_COOKIE, pre, 3600, 1);
}

void route_console_login_get(http_request *req, http_response *res)
{
    const char *back = http_query(req, "terug");
    login_page(req, res, 200, NULL, safe_back(back) ? back : NULL, NULL,
               http_query(req, "uit") != NULL);
}

void route_console_login_post(http_request *req, http_response *res)
{
    const char *email = formdata_get(&req->form, "email");
    const char *password = formdata_get(&req->form, "password");
    const char *back = formdata_get(&req->form, "terug");
    if (!safe_back(back)) back = NULL;
    char cookie[SESSIONS_COOKIE_MAX];
    long long user = 0;
    int retry = 0;
    tm_error err = TM_ERROR_INIT;
    if (sessions_login(req->db, email, password ? password : "", req->client_ip, cookie, &user,
                       &retry, &err) != 0) {
        login_page(req, res,
                   err.status == 503   ? 503
                   : err.status == 429 ? 429
                                       : 401,
                   email, back, &err, 0);
        if (retry > 0) {
            char secs[16];
            snprintf(secs, sizeof secs, "%d", retry);
            http_respond_header(res, "Retry-After", secs);
        }
        tm_error_clear(&err);
        return;
    }
    caller who;
    caller_set_user(&who, ROLE_NONE, user);
    if (audit_note(req->db, &who, "session.login", "user", user, NULL, &err) != 0)
        tm_error_clear(&err); /* the session stands; the note is not a change */
    console_redirect(res, back ? back : "/beheer");
    session_set_cookie(req, res, SESSION_COOKIE, cookie, -1, 0);
    session_set_cookie(req, res, SESSION_PRE_COOKIE, "", 0, 1);
}

void route_console_logout(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    if (sessions_logout(req->db, req->session.cookie, &err) != 0) {
        console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    if (audit_note(req->db, &req->who, "session.logout", "user", req->who.user_id, NULL, &err))
        tm_error_clear(&err);
    console_redirect(res, "/beheer/inloggen?uit=1");
    session_set_cookie(req, res, SESSION_COOKIE, "", 0, 0);
}

static void password_page(http_request *req, http_response *res, int status, const tm_error *err)
{
    console_page p;
    console_begin(&p, req, TX("Wachtwoord", "Password"));
    console_h1(&p, TX("Uw wachtwoord", "Your password"));
    if (req->session.must_change_password) {
        strbuf_adds(&p.b, "<p class=\"warning\">");
        console_t(&p, TX("U bent ingelogd met een wachtwoord dat u eenmalig kreeg. Kies nu een "
                         "eigen wachtwoord.",
                         "You signed in with a one-time password. Please choose a password of "
                         "your own now."));
        strbuf_adds(&p.b, "</p>\n");
    }
    console_errors(&p, err);
    strbuf_adds(&p.b, "<p>");
    console_t(&p, TX("Een goed wachtwoord heeft minstens 12 tekens. Een zin van een paar woorden "
                     "is makkelijk te onthouden en moeilijk te raden. Veelgebruikte wachtwoorden "
                     "kunt u niet kiezen.",
                     "A good password has at least 12 characters. A sentence of a few words is "
                     "easy to remember and hard to guess. Common passwords cannot be chosen."));
    strbuf_adds(&p.b, "</p>\n<form method=\"post\" action=\"/beheer/wachtwoord\" class=\"stack "
                      "card\">\n");
    console_csrf(&p);
    strbuf_adds(&p.b, "<input type=\"text\" name=\"username\" autocomplete=\"username\" "
                      "value=\"");
    console_esc(&p, req->session.email);
    strbuf_adds(&p.b, "\" hidden aria-hidden=\"true\" tabindex=\"-1\">\n");
    const tm_text hint = TX("Minstens 12 tekens.", "At least 12 characters.");
    console_input(&p, "current", "password", TX("Huidig wachtwoord", "Current password"), NULL,
                  NULL, "autocomplete=\"current-password\" required", err);
    console_input(&p, "password", "password", TX("Nieuw wachtwoord", "New password"), &hint, NULL,
                  "autocomplete=\"new-password\" required minlength=\"12\"", err);
    console_input(&p, "again", "password",
                  TX("Nieuw wachtwoord nog een keer", "New password again"), NULL, NULL,
                  "autocomplete=\"new-password\" required", err);
    strbuf_adds(&p.b, "<button type=\"submit\">");
    console_t(&p, TX("Wachtwoord opslaan", "Save password"));
    strbuf_adds(&p.b, "</button>\n</form>\n");
    console_end(&p, res, status);
}

void route_console_password_get(http_request *req, http_response *res)
{
    password_page(req, res, 200, NULL);
}

void route_console_password_post(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    const form_data *f = &req->form;
    int rc = audit_begin(req->db, &err);
    if (rc == 0)
        rc = users_change_password(req->db, req->session.user_id, req->session.email,
                                   formdata_get(f, "current"), formdata_get(f, "password"),
                                   formdata_get(f, "again"), &err);
    if (rc == 0) rc = sessions_end_others(req->db, &req->session, &err);
    if (rc == 0)
        rc = audit_commit(req->db, &req->who, "user.password", "user", req->session.user_id, NULL,
                          &err);
    else
        audit_abort(req->db);
    if (rc != 0) {
        if (err.status == 422)
            password_page(req, res, 422, &err);
        else
            console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    console_redirect(res, "/beheer?klaar=wachtwoord");
}

void route_console_language(http_request *req, http_response *res)
{
    const char *to = http_query(req, "naar");
    const char *back = http_query(req, "terug");
    console_redirect(res, safe_back(back) ? back : "/beheer");
    session_set_cookie(req, res, SESSION_LANG_COOKIE, to && !strcmp(to, "en") ? "en" : "nl",
                       365 * 24 * 3600, 0);
}
