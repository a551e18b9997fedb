/* api_share.c - share links to a closed wave's council summary and the
 * summary page behind them:
 *
 *   POST /api/v1/waves/{id}/share                  make a link (admin, consultant)
 *   GET  /api/v1/waves/{id}/shares                 the wave's links, without tokens
 *   POST /api/v1/waves/{id}/shares/{id}/revoke     withdraw a link
 *   GET  /raad/s/{token}                           the summary page (?lang=en)
 *   GET  /assets/raad.css                          its style sheet
 *
 * The services are server/app/share.h's; a refused page is a readable page
 * with the service's status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/share.h"
#include "server/web/routes.h"
#include "server/web/survey_page.h"

void route_share_create(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    http_respond_result(
        res, 201, share_create(req->app, req->db, &req->who, &req->wave, req->json, &err), &err);
}

void route_shares_list(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    http_respond_result(res, 200, share_list(req->db, &req->wave, &err), &err);
}

void route_share_revoke(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    http_respond_result(res, 200, share_revoke(req->db, &req->wave, http_param_id(req, 1), &err),
                        &err);
}

typedef struct refusal {
    int status;
    const char *title_nl, *text_nl, *title_en, *text_en;
} refusal;

static const refusal refusals[] = {
    {404, "Onbekende link",
     "Deze link naar de samenvatting is niet bekend. Controleer of u de "
     "volledige link hebt gebruikt.",
     "Unknown link",
     "This link to the summary is not known. Please check that you used the "
     "complete link."},
    {410, "Deze link werkt niet meer",
     "Deze link naar de samenvatting is verlopen of "
     "ingetrokken. Vraag wie hem stuurde om een nieuwe.",
     "This link no longer works",
     "This link to the summary has expired or was withdrawn. Ask "
     "whoever sent it for a new one."},
    {429, "Te veel pogingen",
     "Vanaf dit adres zijn te veel onbekende links geprobeerd. Probeer "
     "het over een minuut opnieuw.",
     "Too many attempts",
     "Too many unknown links were tried from this address. Please try "
     "again in a minute."},
    {503, "Even niet beschikbaar",
     "De samenvatting is tijdelijk niet beschikbaar. Probeer het "
     "over enkele minuten opnieuw.",
     "Temporarily unavailable",
     "The summary is temporarily unavailable. Please try again in a "
     "few minutes."},
};

static void respond_page(http_response *res, int status, char *html, size_t len)
{
    if (!html) {
        http_respond_message(res, 500, "out of memory rendering the page");
        return;
    }
    http_respond_body(res, status, "text/html; charset=utf-8", html, len);
}

void route_raad_share(http_request *req, http_response *res)
{
    const char *l = http_query(req, "lang");
    const char *lang = l && !strcmp(l, "en") ? "en" : "nl";
    int en = !strcmp(lang, "en");
    tm_error err = TM_ERROR_INIT;
    size_t len = 0;
    int retry = 0;
    char *html =
        share_page(req->app, req->db, req->params[0], req->client_ip, lang, &len, &retry, &err);
    if (html) {
        respond_page(res, 200, html, len);
        return;
    }
    int status = err.status ? err.status : 500;
    const refusal *r = NULL;
    for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++)
        if (refusals[i].status == status) r = &refusals[i];
    char *page =
        r ? survey_page_message(lang, en ? r->title_en : r->title_nl, en ? r->text_en : r->text_nl)
          : survey_page_message(lang, en ? "Something went wrong" : "Er ging iets mis",
                                en ? "Please try again in a few minutes."
                                   : "Probeer het over enkele minuten opnieuw.");
    respond_page(res, status, page, page ? strlen(page) : 0);
    if (status == 429 && retry > 0) {
        char s[16];
        snprintf(s, sizeof s, "%d", retry);
        http_respond_header(res, "Retry-After", s);
    }
    tm_error_clear(&err);
}

void route_raad_css(http_request *req, http_response *res)
{
    (void)req;
    char *css = strdup(share_css());
    if (!css) {
        http_respond_message(res, 500, "out of memory");
        return;
    }
    http_respond_body(res, 200, "text/css; charset=utf-8", css, strlen(css));
}
