/* console.h - the console (/beheer): what its pages share.
 *
 * The console is server-rendered HTML for the people who run the survey,
 * Dutch first with an English switch (a cookie), usable without JavaScript
 * (one small script, served as a file, refreshes the progress page every
 * 30 s). Every page is built front to back in a strbuf with core/html.h's
 * escaping; its words are tm_text pairs (TX below) in the page's own file.
 * Each route needs ROUTE_SESSION (http.h), so a handler starts with the
 * person signed in (req->session, req->who); a form that changes something
 * needs ROUTE_FORM as well (its CSRF token and Origin checked before the
 * handler runs) and writes its change and the audit entry in one
 * transaction (server/app/audit.h).
 *
 *   console_page p;
 *   console_begin(&p, req, TX("Overzicht", "Overview"));
 *   console_h1(&p, TX("Overzicht", "Overview"));
 *   console_end(&p, res, 200);
 */
#ifndef TM_CONSOLE_H
#define TM_CONSOLE_H

#include "core/html.h"
#include "core/text.h"
#include "server/web/http.h"

#define TX(nl, en) ((tm_text){(nl), (en)})

typedef struct console_page {
    http_request *req;
    strbuf b;
    const char *lang; /* "nl" or "en" */
} console_page;

/* The language of req: ?lang=en|nl, else the language cookie, else Dutch. */
const char *console_lang(http_request *req);

/* Starts a page: the document head (title in the page's language), the
 * header with the navigation and the person signed in, and <main>. */
void console_begin(console_page *p, http_request *req, tm_text title);

/* Ends the page and responds with it. */
void console_end(console_page *p, http_response *res, int status);

/* The text t in the page's language, escaped. */
void console_t(console_page *p, tm_text t);
/* s escaped. */
void console_esc(console_page *p, const char *s);
/* t filled with vars (core/text.h), escaped. */
void console_tf(console_page *p, tm_text t, const tm_text_var *vars);
/* <h1> with t. */
void console_h1(console_page *p, tm_text t);

/* A hidden field with the session's CSRF token (every POST form has one). */
void console_csrf(console_page *p);

/* A notice ("Opgeslagen.") in a status box. */
void console_notice(console_page *p, tm_text t);

/* The problems of err as a summary at the top of a form, in the page's
 * language where the console knows the message; each field problem links to
 * its field (id "f-FIELD"). */
void console_errors(console_page *p, const tm_error *err);

/* The message of err in lang (Dutch where the console knows it). */
void console_error_text(strbuf *b, const char *lang, const char *message);

/* The problems err names for field id, each as <p class="field-error"
 * id="e-ID">; returns how many. */
int console_field_errors(console_page *p, const char *id, const tm_error *err);

/* A field: its label, an optional hint, its problems (from err) and an
 * <input type=type id="f-ID" name="ID">; value may be NULL; extra is more
 * markup for the input ("required min=\"3\"") or NULL. */
void console_input(console_page *p, const char *id, const char *type, tm_text label,
                   const tm_text *hint, const char *value, const char *extra, const tm_error *err);

/* A form of one button that posts to action (with the CSRF token and, when
 * name is not NULL, a hidden field name=value). cls: the button's class or
 * NULL. */
void console_action(console_page *p, const char *action, tm_text label, const char *cls,
                    const char *name, const char *value);

/* A wave's status as a badge: concept, open, gesloten (and test). */
void console_status(console_page *p, const char *status, int is_test);

/* A 303 redirect to location (a path of this site). */
void console_redirect(http_response *res, const char *location);

/* Dispatch's refusals, as the console shows them: 401 goes to the sign-in
 * page, 428 to the password page, others are a page with the message. */
void console_refuse(http_request *req, http_response *res, const tm_error *err);

/* A page with a title and a message for a failure of err (its status). */
void console_fail(http_request *req, http_response *res, const tm_error *err);

/* An ISO 8601 UTC time ("2027-04-01T15:00:00Z") as Europe/Amsterdam local
 * time for people: "1-4-2027 17:00" (Dutch) or "1 Apr 2027 17:00"; "" for
 * NULL or "". */
void console_time(strbuf *b, const char *lang, const char *iso);

/* A <select id=id name=name> of the instrument's layers (key as value,
 * label shown), the layer keyed selected chosen (NULL: the first). */
void console_layer_select(console_page *p, const instrument *in, const char *id, const char *name,
                          const char *selected);

/* The label of an instrument's layer, theme or domain key in lang. */
const char *console_layer_label(const instrument *in, const char *key, const char *lang);

/* Route handlers of the console's own files. */
void route_console_css(http_request *req, http_response *res);
void route_console_js(http_request *req, http_response *res);

#endif
