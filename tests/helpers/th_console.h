/* th_console.h - a small browser for the console's tests: keeps the session
 * cookie and the CSRF token, and sends forms with or without them.
 *
 *   th_console_user(db, "a@b.nl", "admin", NULL, 0, "Een lang wachtwoord");
 *   th_browser b = {srv};
 *   cr_assert_eq(th_console_login(&b, "a@b.nl", "Een lang wachtwoord"), 303);
 *   th_response r = th_console_post(&b, "/beheer/organisaties", "name=X&code=GM0001", 1, NULL);
 */
#ifndef TM_TH_CONSOLE_H
#define TM_TH_CONSOLE_H

#include <stddef.h>

#include "th.h"

typedef struct th_browser {
    const th_server *s;
    char cookie[128]; /* the session's secret, "" before signing in */
    char csrf[96];    /* the session's CSRF token */
    char origin[96];  /* this server's origin: sent as Origin with forms */
} th_browser;

/* An account with a known password (no change asked at sign-in); its id. */
long long th_console_user(const char *conninfo, const char *email, const char *role_text,
                          const long long *orgs, size_t n, const char *password);

/* Signs in as a browser does (the sign-in page, then its form); returns the
 * status of the form's answer (303 when signed in). */
long th_console_login(th_browser *b, const char *email, const char *password);

/* GET path with the session cookie. */
th_response th_console_get(th_browser *b, const char *path);

/* POST form (urlencoded, without the token) to path; with_csrf adds the
 * session's token; origin: the Origin header (NULL: this server's, "":
 * none). */
th_response th_console_post(th_browser *b, const char *path, const char *form, int with_csrf,
                            const char *origin);

/* The value of the first cookie name set by r ("" when none) into out. */
int th_set_cookie(const th_response *r, const char *name, char *out, size_t n);

#endif
