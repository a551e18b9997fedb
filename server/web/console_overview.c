/* console_overview.c - GET /beheer: the organisations one may see, each
 * with its waves: status, dates and the response per layer at a glance. */
#include <stdio.h>
#include <string.h>

#include "server/app/organisations.h"
#include "server/app/wave_admin.h"
#include "server/app/waves.h"
#include "server/web/console.h"
#include "server/web/console_routes.h"

/* The notices a redirect after a change asks for (?klaar=...). */
typedef struct done_notice {
    const char *code;
    tm_text text;
} done_notice;

static const done_notice notices[] = {
    {"wachtwoord", {"Uw wachtwoord is opgeslagen.", "Your password has been saved."}},
    {"verwijderd", {"De meting is verwijderd.", "The wave has been deleted."}},
};

/* "bestuur 8 van 10, ..." as a short list. */
static void put_response(console_page *p, app *a, PGconn *c, long long wave_id)
{
    tm_error err = TM_ERROR_INIT;
    wave_info w;
    json_t *counts =
        waves_get(c, NULL, wave_id, &w, &err) == 0 ? wave_admin_counts(a, c, &w, &err) : NULL;
    const instrument *in = counts ? app_instrument(a, c, w.instrument_id, &err) : NULL;
    if (!in) {
        json_decref(counts);
        tm_error_clear(&err);
        strbuf_adds(&p->b, "\u2013");
        return;
    }
    strbuf_adds(&p->b, "<ul class=\"plain\">");
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(counts, "layers"), i, l)
    {
        json_int_t inv = json_integer_value(json_object_get(l, "invited"));
        json_int_t sub = json_integer_value(json_object_get(l, "submitted"));
        json_int_t imp = json_integer_value(json_object_get(l, "imported"));
        strbuf_adds(&p->b, "<li>");
        console_esc(
            p, console_layer_label(in, json_string_value(json_object_get(l, "layer")), p->lang));
        if (imp && !inv)
            strbuf_addf(&p->b, ": %lld %s", (long long)imp,
                        tm_text_get(TX("ge\u00efmporteerd", "imported"), p->lang));
        else
            strbuf_addf(&p->b, ": %lld %s %lld", (long long)sub,
                        tm_text_get(TX("van", "of"), p->lang), (long long)inv);
        strbuf_adds(&p->b, "</li>");
    }
    strbuf_adds(&p->b, "</ul>");
    json_decref(counts);
}

static void put_waves(console_page *p, app *a, PGconn *c, json_t *waves)
{
    strbuf *b = &p->b;
    if (!json_array_size(waves)) {
        strbuf_adds(b, "<p class=\"hint\">");
        console_t(p, TX("Nog geen metingen.", "No waves yet."));
        strbuf_adds(b, "</p>\n");
        return;
    }
    strbuf_adds(b, "<div class=\"table\"><table>\n<thead><tr><th scope=\"col\">");
    console_t(p, TX("Meting", "Wave"));
    strbuf_adds(b, "</th><th scope=\"col\">");
    console_t(p, TX("Status", "Status"));
    strbuf_adds(b, "</th><th scope=\"col\">");
    console_t(p, TX("Open van", "Opens"));
    strbuf_adds(b, "</th><th scope=\"col\">");
    console_t(p, TX("Sluit", "Closes"));
    strbuf_adds(b, "</th><th scope=\"col\">");
    console_t(p, TX("Respons per laag", "Response per layer"));
    strbuf_adds(b, "</th></tr></thead>\n<tbody>\n");
    size_t i;
    json_t *w;
    json_array_foreach(waves, i, w)
    {
        long long id = json_integer_value(json_object_get(w, "id"));
        strbuf_addf(b, "<tr><th scope=\"row\"><a href=\"/beheer/metingen/%lld\">", id);
        console_esc(p, json_string_value(json_object_get(w, "name")));
        strbuf_adds(b, "</a></th><td>");
        console_status(p, json_string_value(json_object_get(w, "status")), 0);
        strbuf_adds(b, "</td><td>");
        console_time(b, p->lang, json_string_value(json_object_get(w, "opens_at")));
        strbuf_adds(b, "</td><td>");
        console_time(b, p->lang, json_string_value(json_object_get(w, "closes_at")));
        strbuf_adds(b, "</td><td>");
        put_response(p, a, c, id);
        strbuf_adds(b, "</td></tr>\n");
    }
    strbuf_adds(b, "</tbody></table></div>\n");
}

void route_console_overview(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *orgs = organisations_list(req->db, &req->who, &err);
    if (!orgs) {
        console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    console_page p;
    console_begin(&p, req, TX("Overzicht", "Overview"));
    console_h1(&p, TX("Overzicht", "Overview"));
    const char *done = http_query(req, "klaar");
    for (size_t i = 0; done && i < sizeof notices / sizeof *notices; i++)
        if (!strcmp(done, notices[i].code)) console_notice(&p, notices[i].text);
    strbuf_adds(&p.b, "<p>");
    console_t(&p, TX("Hier ziet u de organisaties en hun metingen. Kies een meting om "
                     "uitnodigingen te maken, de voortgang te volgen of de uitkomsten te zien.",
                     "Here are the organisations and their waves. Choose a wave to make "
                     "invitations, follow its progress or see its results."));
    strbuf_adds(&p.b, "</p>\n");
    if (role_may_write(req->who.role)) {
        strbuf_adds(&p.b, "<p class=\"actions\"><a class=\"button\" "
                          "href=\"/beheer/organisaties/nieuw\">");
        console_t(&p, TX("Nieuwe organisatie", "New organisation"));
        strbuf_adds(&p.b, "</a></p>\n");
    }
    if (!json_array_size(orgs)) {
        strbuf_adds(&p.b, "<p class=\"hint\">");
        console_t(&p, TX("U hebt nog geen organisaties.", "You have no organisations yet."));
        strbuf_adds(&p.b, "</p>\n");
    }
    size_t i;
    json_t *o;
    json_array_foreach(orgs, i, o)
    {
        long long id = json_integer_value(json_object_get(o, "id"));
        strbuf_addf(&p.b,
                    "<section class=\"card\" aria-labelledby=\"org-%lld\">\n"
                    "<h2 id=\"org-%lld\"><a href=\"/beheer/organisaties/%lld\">",
                    id, id, id);
        console_esc(&p, json_string_value(json_object_get(o, "name")));
        strbuf_adds(&p.b, "</a> <span class=\"meta\">");
        console_esc(&p, json_string_value(json_object_get(o, "code")));
        strbuf_adds(&p.b, "</span></h2>\n");
        json_t *waves = organisations_waves(req->db, &req->who, id, &err);
        put_waves(&p, req->app, req->db, waves);
        json_decref(waves);
        tm_error_clear(&err);
        strbuf_adds(&p.b, "</section>\n");
    }
    json_decref(orgs);
    console_end(&p, res, 200);
}
