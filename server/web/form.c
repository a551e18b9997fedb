/* form.c - the respondent's HTML form: GET and POST /s/{token}, and its
 * style sheet. Works without JavaScript; every page in Dutch unless
 * ?lang=en. The steps are those of the JSON API (respondent_flow.h); a
 * refusal is a readable page with the API's status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/web/routes.h"
#include "server/web/survey_page.h"

static const char *lang_of(http_request *req)
{
    const char *l = http_query(req, "lang");
    return l && !strcmp(l, "en") ? "en" : "nl";
}

static void respond_html(http_response *res, int status, char *html)
{
    if (!html) {
        http_respond_message(res, 500, "out of memory rendering the page");
        return;
    }
    http_respond_body(res, status, "text/html; charset=utf-8", html, strlen(html));
}

typedef struct page_text {
    int status;
    const char *title_nl, *text_nl, *title_en, *text_en;
} page_text;

static const page_text pages[] = {
    {404, "Onbekende link",
     "Deze link is niet (meer) geldig. Controleer of u de volledige link uit de uitnodiging "
     "hebt gebruikt.",
     "Unknown link",
     "This link is not valid. Please check that you used the complete link from the "
     "invitation."},
    {409, "Al verstuurd",
     "Deze vragenlijst is al ingevuld en verstuurd. Antwoorden kunnen daarna niet meer worden "
     "gewijzigd.\n\nBedankt voor uw deelname.",
     "Already submitted",
     "This questionnaire has already been completed and submitted. Answers cannot be changed "
     "after that.\n\nThank you for taking part."},
    {410, "De vragenlijst is gesloten",
     "Deze meting is afgesloten; er kunnen geen antwoorden meer worden gegeven.",
     "The questionnaire is closed", "This measurement has ended; answers can no longer be given."},
    {403, "Nog niet geopend",
     "Deze vragenlijst is nog niet geopend. Probeer het later opnieuw met dezelfde link.",
     "Not open yet",
     "This questionnaire is not open yet. Please try again later with the same link."},
    {429, "Te veel pogingen",
     "Vanaf dit adres zijn te veel onbekende links geprobeerd. Probeer het over een minuut "
     "opnieuw.",
     "Too many attempts",
     "Too many unknown links were tried from this address. Please try again in a minute."},
    {503, "Even niet beschikbaar",
     "De vragenlijst is tijdelijk niet beschikbaar. Wat u eerder hebt opgeslagen, blijft "
     "bewaard. Probeer het over enkele minuten opnieuw.",
     "Temporarily unavailable",
     "The questionnaire is temporarily unavailable. Anything you saved earlier is kept. Please "
     "try again in a few minutes."},
};

/* A readable page for a failed step; the status stays the API's. */
void route_form_refuse(http_request *req, http_response *res, const tm_error *err)
{
    const char *lang = lang_of(req);
    int en = !strcmp(lang, "en");
    int status = err->status ? err->status : 500;
    const page_text *p = NULL;
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++)
        if (pages[i].status == status) p = &pages[i];
    if (!p)
        respond_html(res, status,
                     survey_page_message(lang, en ? "Something went wrong" : "Er ging iets mis",
                                         en ? "Please try again in a few minutes."
                                            : "Probeer het over enkele minuten opnieuw."));
    else
        respond_html(res, status,
                     survey_page_message(lang, en ? p->title_en : p->title_nl,
                                         en ? p->text_en : p->text_nl));
    if (status == 429 && req->retry_after > 0) {
        char secs[16];
        snprintf(secs, sizeof secs, "%d", req->retry_after);
        http_respond_header(res, "Retry-After", secs);
    }
}

static void render_form(http_request *req, http_response *res, const respondent_session *s,
                        int status, json_t *answers, json_t *errors, const char *notice,
                        int more_needed, int needed)
{
    const char *lang = lang_of(req);
    char action[128];
    snprintf(action, sizeof action, "/s/%s%s", req->params[0],
             !strcmp(lang, "en") ? "?lang=en" : "");
    survey_page p = {s->in,
                     s->who.layer,
                     lang,
                     action,
                     answers,
                     errors,
                     notice,
                     s->who.wave.min_group_size,
                     s->who.wave.name,
                     s->who.wave.organisation,
                     more_needed,
                     needed};
    respond_html(res, status, survey_page_render(&p));
}

/* ---- an open link's visitor ------------------------------------------------ */

/* The cookie that gives one browser one token on an open link: the
 * visitor's own token, sent back only to /s/ (Path), never to scripts
 * (HttpOnly) or other sites (SameSite=Strict), only over https when the
 * server is reached that way. */
#define VISIT_COOKIE "tm_visit"

static void set_visit_cookie(http_request *req, http_response *res, const char *token)
{
    char cookie[160];
    int https = !strncmp(app_base_url(req->app), "https://", 8);
    snprintf(cookie, sizeof cookie, VISIT_COOKIE "=%s; Path=/s/; HttpOnly; SameSite=Strict%s",
             token, https ? "; Secure" : "");
    http_respond_header(res, "Set-Cookie", cookie);
}

/* The visitor's own token from the request's cookie, copied into out; 0
 * when there is none. */
static int visit_cookie(http_request *req, char *out, size_t n)
{
    const char *c = http_header(req, "Cookie");
    for (; c && *c; c += strspn(c, "; ")) {
        size_t len = strcspn(c, ";");
        size_t name = strlen(VISIT_COOKIE);
        if (len > name + 1 && !strncmp(c, VISIT_COOKIE "=", name + 1) && len - name - 1 < n) {
            snprintf(out, n, "%.*s", (int)(len - name - 1), c + name + 1);
            return 1;
        }
        c += len;
    }
    return 0;
}

void route_form_get(http_request *req, http_response *res)
{
    const respondent_session *s = &req->respondent;
    int en = !strcmp(lang_of(req), "en");
    /* The same browser on the same open link continues its own token. */
    char own[TOKEN_TEXT_MAX];
    if (s->who.link_id && visit_cookie(req, own, sizeof own) &&
        respondent_link_visitor(req->app, req->db, s, own, req->client_ip) == 1) {
        char location[160];
        snprintf(location, sizeof location, "/s/%s%s", own, en ? "?lang=en" : "");
        respond_html(res, 303,
                     survey_page_message(lang_of(req), en ? "Continue" : "Verder", location));
        http_respond_header(res, "Location", location);
        return;
    }
    char notice[256] = "";
    size_t answered = json_object_size(s->who.draft);
    if (http_query(req, "saved"))
        snprintf(notice, sizeof notice, "%s",
                 en ? "Your answers have been saved. You can continue later with the same "
                      "link."
                    : "Uw antwoorden zijn opgeslagen. U kunt later verder met dezelfde "
                      "link.");
    else if (answered)
        snprintf(notice, sizeof notice,
                 en ? "Welcome back: you had answered %zu questions. Carry on where you left "
                      "off."
                    : "Welkom terug: u had al %zu vragen beantwoord. Ga verder waar u was "
                      "gebleven.",
                 answered);
    render_form(req, res, s, 200, s->who.draft, NULL, notice[0] ? notice : NULL, 0, 0);
}

void route_form_post(http_request *req, http_response *res)
{
    respondent_session *s = &req->respondent;
    const char *lang = lang_of(req);
    int en = !strcmp(lang, "en");
    json_t *answers = NULL;
    char action[16] = "save";
    tm_error err = TM_ERROR_INIT;
    if (survey_form_decode(s->in, s->who.layer, req->body ? req->body : "", req->body_len, &answers,
                           action, &err) != 0) {
        respond_html(res, 400,
                     survey_page_message(lang,
                                         en ? "The form could not be read"
                                            : "Het formulier kon niet worden gelezen",
                                         err.message));
        tm_error_clear(&err);
        return;
    }
    int submit = !strcmp(action, "submit");
    respondent_outcome out;
    if (respondent_store(req->app, req->db, s, answers, submit, &out) != 0) {
        if (s->err.status == 422) {
            /* Show the page again with the answers as posted and the errors;
             * too few answers is said next to the send button. */
            json_t *errors = json_array();
            int more = 0, needed = 0;
            size_t i;
            json_t *e;
            json_array_foreach(s->err.details, i, e)
            {
                if (json_is_integer(json_object_get(e, "missing"))) {
                    more = (int)json_integer_value(json_object_get(e, "missing"));
                    needed = (int)json_integer_value(json_object_get(e, "needed"));
                } else {
                    json_array_append(errors, e);
                }
            }
            render_form(req, res, s, 422, answers, errors,
                        json_array_size(errors)
                            ? (en ? "Some answers need your attention; nothing has been saved yet."
                                  : "Enkele antwoorden hebben uw aandacht nodig; er is nog niets "
                                    "opgeslagen.")
                            : (en ? "Not sent yet: a few more answers are needed (see at the "
                                    "bottom). Nothing has been saved."
                                  : "Nog niet verstuurd: er zijn nog enkele antwoorden nodig (zie "
                                    "onderaan). Er is niets opgeslagen."),
                        more, needed);
            json_decref(errors);
        } else {
            route_form_refuse(req, res, &s->err);
        }
    } else if (out.submitted) {
        if (out.new_token[0]) set_visit_cookie(req, res, out.new_token);
        respond_html(res, 200,
                     survey_page_message(
                         lang, en ? "Thank you!" : "Bedankt!",
                         en ? "Your answers have been submitted. You can close this window.\n\n"
                              "Results are only shown per group, never per person."
                            : "Uw antwoorden zijn verstuurd. U kunt dit venster sluiten.\n\n"
                              "Uitkomsten worden alleen per groep getoond, nooit per persoon."));
    } else {
        /* Saved: redirect (post/redirect/get), so that a reload does not post
         * the form again. An open link's visitor continues on an address of
         * their own. */
        char location[160];
        snprintf(location, sizeof location, "/s/%s?saved=1%s",
                 out.new_token[0] ? out.new_token : req->params[0], en ? "&lang=en" : "");
        respond_html(res, 303, survey_page_message(lang, en ? "Saved" : "Opgeslagen", location));
        http_respond_header(res, "Location", location);
        if (out.new_token[0]) set_visit_cookie(req, res, out.new_token);
    }
    json_decref(answers);
}

void route_css(http_request *req, http_response *res)
{
    (void)req;
    char *css = strdup(survey_css);
    if (!css) {
        http_respond_message(res, 500, "out of memory");
        return;
    }
    http_respond_body(res, 200, "text/css; charset=utf-8", css, strlen(css));
}

/* Browsers ask for it on every page; an empty answer keeps their consoles
 * (and the logs) free of 404s. */
void route_favicon(http_request *req, http_response *res)
{
    (void)req;
    http_respond_body(res, 204, NULL, NULL, 0);
}
