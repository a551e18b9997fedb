/* session.h - the console's session on the HTTP side: the cookies in and
 * out, the Origin check and the CSRF check that the route flags
 * ROUTE_SESSION and ROUTE_FORM stand for (http.h). The session itself
 * (sign-in, expiry, the token's derivation) is server/app/sessions.h's.
 *
 * The session cookie is HttpOnly, SameSite=Lax, Path=/, and Secure when
 * BASE_URL is https; it has no Max-Age (it ends with the browser or
 * sooner, in the database). The sign-in form gets a pre-session cookie of
 * its own (SameSite=Strict), whose CSRF token its form carries.
 */
#ifndef TM_SESSION_H
#define TM_SESSION_H

#include "server/web/http.h"

#define SESSION_COOKIE "tm_session"
#define SESSION_PRE_COOKIE "tm_signin"
#define SESSION_LANG_COOKIE "tm_lang"
#define SESSION_CSRF_FIELD "csrf"

/* Cookie name of req into out (n bytes); 0, or -1 when it is absent or
 * does not fit. */
int session_cookie(http_request *req, const char *name, char *out, size_t n);

/* ROUTE_SESSION: the session of the cookie into req->session and req->who;
 * for a method other than GET, the Origin check. 401 (no session), 403
 * (another origin), 428 (the password must be changed first), 503. */
int session_route_check(http_request *req, tm_error *err);

/* ROUTE_FORM: the body parsed into req->form and its CSRF token checked
 * against the session's (or the pre-session cookie's). 400, 415, 403. */
int session_form_check(http_request *req, tm_error *err);

/* Whether the request's Origin (when it sends one) is this server's: the
 * origin of BASE_URL or of the Host it was sent to. */
int session_origin_ok(http_request *req);

/* Set-Cookie for name=value with this server's attributes; max_age < 0:
 * a browser-session cookie, 0: delete it. strict: SameSite=Strict (else
 * Lax). */
void session_set_cookie(http_request *req, http_response *res, const char *name, const char *value,
                        int max_age, int strict);

#endif
