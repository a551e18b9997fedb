/* console_collect.c - see console_collect.h.
 *
 *   POST /beheer/metingen/{id}/uitnodigingen    N invitations of a layer: the CSV itself
 *   POST /beheer/metingen/{id}/links            an open link, shown once on the page
 *   GET  /beheer/metingen/{id}/voortgang        progress, refreshed every 30 s by script
 *   GET/POST /beheer/metingen/{id}/import       upload CSV or JSON; every bad row named
 *   POST /beheer/metingen/{id}/import/ongedaan  undo one import batch
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/app/audit.h"
#include "server/app/collection.h"
#include "server/app/wave_admin.h"
#include "server/web/console_collect.h"
#include "server/web/console_routes.h"

/* ---- progress ----------------------------------------------------------- */

/* A number cell; label is its column's heading, which a phone shows in
 * front of it (the table stacks there: see .stack in console_assets.c). */
static void put_count(console_page *p, tm_text label, json_int_t n)
{
    strbuf_adds(&p->b, "<td class=\"num\" data-label=\"");
    console_t(p, label);
    strbuf_addf(&p->b, "\">%lld</td>", (long long)n);
}

/* The table of counts per layer: invited, started, submitted, the rate
 * (submitted of invited: never above 100 %), imported apart. */
static void put_progress(console_page *p, const wave_details *d)
{
    tm_error err = TM_ERROR_INIT;
    json_t *counts = wave_admin_counts(p->req->app, p->req->db, &d->info, &err);
    const instrument *in =
        counts ? app_instrument(p->req->app, p->req->db, d->info.instrument_id, &err) : NULL;
    strbuf *b = &p->b;
    if (!in) {
        strbuf_adds(b, "<p>");
        console_error_text(b, p->lang, err.message);
        strbuf_adds(b, "</p>");
        tm_error_clear(&err);
        json_decref(counts);
        return;
    }
    strbuf_adds(b, "<div class=\"table\"><table class=\"stack\">\n<caption>");
    console_t(p, TX("Respons per laag", "Response per layer"));
    strbuf_adds(b, "</caption>\n<thead><tr><th scope=\"col\">");
    console_t(p, TX("Laag", "Layer"));
    static const tm_text heads[] = {{"Uitgenodigd", "Invited"},
                                    {"Begonnen", "Started"},
                                    {"Verstuurd", "Submitted"},
                                    {"Respons", "Response rate"},
                                    {"Ge\u00efmporteerd", "Imported"}};
    for (size_t i = 0; i < 5; i++) {
        strbuf_adds(b, "</th><th scope=\"col\" class=\"num\">");
        console_t(p, heads[i]);
    }
    strbuf_adds(b, "</th></tr></thead>\n<tbody>\n");
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(counts, "layers"), i, l)
    {
        json_int_t inv = json_integer_value(json_object_get(l, "invited"));
        json_int_t sub = json_integer_value(json_object_get(l, "submitted"));
        strbuf_adds(b, "<tr><th scope=\"row\">");
        console_esc(
            p, console_layer_label(in, json_string_value(json_object_get(l, "layer")), p->lang));
        strbuf_adds(b, "</th>");
        put_count(p, heads[0], inv);
        put_count(p, heads[1], json_integer_value(json_object_get(l, "started")));
        put_count(p, heads[2], sub);
        strbuf_adds(b, "<td class=\"num\" data-label=\"");
        console_t(p, heads[3]);
        strbuf_adds(b, "\">");
        if (inv > 0)
            strbuf_addf(b, "%lld%%", (long long)(sub >= inv ? 100 : sub * 100 / inv));
        else
            strbuf_adds(b, "\u2013");
        strbuf_adds(b, "</td>");
        put_count(p, heads[4], json_integer_value(json_object_get(l, "imported")));
        strbuf_adds(b, "</tr>\n");
    }
    strbuf_adds(b, "</tbody></table></div>\n");
    json_decref(counts);
}

static void put_progress_block(console_page *p, const wave_details *d, int refresh)
{
    strbuf *b = &p->b;
    strbuf_adds(b, refresh ? "<div data-refresh=\"30\">" : "<div>");
    put_progress(p, d);
    strbuf_adds(b, "</div>\n");
    strbuf_adds(b, "<p class=\"hint\">");
    console_t(p, TX("Respons is het deel van de uitgenodigde mensen dat de vragenlijst heeft "
                    "verstuurd. Ge\u00efmporteerde antwoorden tellen apart.",
                    "The response rate is the share of invited people who submitted. Imported "
                    "answers are counted apart."));
    strbuf_adds(b, "</p>\n");
}

void route_console_progress(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    wave_details d;
    if (wave_admin_details(req->db, &req->wave, &d, &err) != 0) {
        console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    console_page p;
    console_begin(&p, req, TX("Voortgang", "Progress"));
    strbuf_addf(&p.b, "<p class=\"crumbs\"><a href=\"/beheer/metingen/%lld\">", d.info.id);
    console_esc(&p, d.info.name);
    strbuf_adds(&p.b, "</a></p>\n");
    console_h1(&p, TX("Voortgang", "Progress"));
    strbuf_adds(&p.b, "<p>");
    console_t(&p, TX("Deze pagina ververst zichzelf elke 30 seconden.",
                     "This page refreshes itself every 30 seconds."));
    strbuf_addf(&p.b, " <a href=\"/beheer/metingen/%lld/voortgang\">", d.info.id);
    console_t(&p, TX("Nu verversen", "Refresh now"));
    strbuf_adds(&p.b, "</a></p>\n<p id=\"refreshed\" class=\"hint\" role=\"status\" data-text=\"");
    console_t(&p, TX("Bijgewerkt om", "Updated at"));
    strbuf_adds(&p.b, "\"></p>\n");
    put_progress_block(&p, &d, 1);
    console_end(&p, res, 200);
}

/* ---- the sections of the wave's page ------------------------------------ */

static void put_layer_select(console_page *p, const instrument *in, const char *id)
{
    strbuf_addf(&p->b, "<div class=\"field\"><label for=\"%s\">", id);
    console_t(p, TX("Laag", "Layer"));
    strbuf_adds(&p->b, "</label>");
    console_layer_select(p, in, id, "layer", NULL);
    strbuf_adds(&p->b, "</div>\n");
}

static void put_invitations(console_page *p, const wave_details *d, const instrument *in)
{
    strbuf *b = &p->b;
    long long id = d->info.id;
    strbuf_adds(b, "<section class=\"card\" aria-labelledby=\"invitations\">\n"
                   "<h2 id=\"invitations\">");
    console_t(p, TX("Uitnodigingen", "Invitations"));
    strbuf_adds(b, "</h2>\n<p>");
    console_t(p, TX("Maak een persoonlijke link voor iedereen die u uitnodigt. U krijgt een "
                    "bestand (CSV) om in een mailing samen te voegen met de namen en adressen.",
                    "Make a personal link for everyone you invite. You get a file (CSV) to merge "
                    "with names and addresses in a mailing."));
    strbuf_adds(b, "</p>\n<p class=\"warning\">");
    console_t(p, TX("Let op: u krijgt de links maar \u00e9\u00e9n keer. Ze worden nergens anders "
                    "bewaard. Bewaar het bestand op een veilige plek en verwijder het na de "
                    "mailing. Wie een link heeft, kan ook de tussentijds opgeslagen antwoorden "
                    "van die link zien.",
                    "Note: you get the links only once. They are not kept anywhere else. Keep "
                    "the file in a safe place and delete it after the mailing. Whoever holds a "
                    "link can also see the answers saved with it."));
    strbuf_adds(b, "</p>\n");
    strbuf_addf(b,
                "<form method=\"post\" class=\"stack\" action=\"/beheer/metingen/%lld/"
                "uitnodigingen\">\n",
                id);
    console_csrf(p);
    put_layer_select(p, in, "f-layer");
    const tm_text hint = TX("Van 1 tot 10.000.", "From 1 to 10,000.");
    console_input(p, "count", "number", TX("Aantal uitnodigingen", "Number of invitations"), &hint,
                  NULL, "required min=\"1\" max=\"10000\" step=\"1\"", NULL);
    strbuf_adds(b, "<button type=\"submit\">");
    console_t(p, TX("Uitnodigingen maken en downloaden", "Make and download invitations"));
    strbuf_adds(b, "</button>\n</form>\n");
    /* By e-mail the tokens are never shown to anyone (console_mail.c). */
    strbuf_adds(b, "<h3>");
    console_t(p, TX("Uitnodigen per e-mail", "Invitations by e-mail"));
    strbuf_adds(b, "</h3>\n<p>");
    console_t(p, TX("Of laat de server de uitnodigingen en herinneringen zelf mailen: dan ziet "
                    "niemand de links, ook u niet.",
                    "Or let the server e-mail the invitations and reminders itself: then nobody "
                    "sees the links, not even you."));
    strbuf_addf(b, " <a href=\"/beheer/metingen/%lld/email\">", id);
    console_t(p, TX("Naar uitnodigen per e-mail", "Go to invitations by e-mail"));
    strbuf_adds(b, "</a>");
    strbuf_adds(b, "</p>\n</section>\n");
}

static void put_links(console_page *p, const wave_details *d, const instrument *in)
{
    strbuf *b = &p->b;
    long long id = d->info.id;
    tm_error err = TM_ERROR_INIT;
    json_t *links = wave_admin_links(p->req->app, p->req->db, &d->info, &err);
    tm_error_clear(&err);
    strbuf_adds(b, "<section class=\"card\" aria-labelledby=\"links\">\n<h2 id=\"links\">");
    console_t(p, TX("Open links", "Open links"));
    strbuf_adds(b, "</h2>\n<p>");
    console_t(p, TX("Een open link is \u00e9\u00e9n link voor een groep, bijvoorbeeld partners "
                    "van wie u de adressen niet hebt. Iedere bezoeker krijgt een eigen "
                    "vragenlijst. Een open link kan niet voorkomen dat iemand twee keer "
                    "antwoordt.",
                    "An open link is one link for a group, for example partners whose addresses "
                    "you do not have. Every visitor gets a questionnaire of their own. An open "
                    "link cannot stop one person from answering twice."));
    strbuf_adds(b, "</p>\n");
    if (json_array_size(links)) {
        strbuf_adds(b, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
        console_t(p, TX("Laag", "Layer"));
        strbuf_adds(b, "</th><th scope=\"col\" class=\"num\">");
        console_t(p, TX("Gebruikt", "Used"));
        strbuf_adds(b, "</th><th scope=\"col\" class=\"num\">");
        console_t(p, TX("Maximaal", "Limit"));
        strbuf_adds(b, "</th><th scope=\"col\">");
        console_t(p, TX("Gemaakt", "Created"));
        strbuf_adds(b, "</th></tr></thead><tbody>\n");
        size_t i;
        json_t *l;
        json_array_foreach(links, i, l)
        {
            strbuf_adds(b, "<tr><td>");
            console_esc(p, console_layer_label(in, json_string_value(json_object_get(l, "layer")),
                                               p->lang));
            strbuf_addf(b, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td>",
                        (long long)json_integer_value(json_object_get(l, "used")),
                        (long long)json_integer_value(json_object_get(l, "max_responses")));
            console_time(b, p->lang, json_string_value(json_object_get(l, "created_at")));
            strbuf_adds(b, "</td></tr>\n");
        }
        strbuf_adds(b, "</tbody></table></div>\n");
    }
    json_decref(links);
    strbuf_addf(
        b, "<form method=\"post\" class=\"stack\" action=\"/beheer/metingen/%lld/links\">\n", id);
    console_csrf(p);
    put_layer_select(p, in, "f-link-layer");
    const tm_text hint = TX("Hoeveel mensen via deze link mogen antwoorden (1 tot 100.000).",
                            "How many people may answer through this link (1 to 100,000).");
    console_input(p, "max_responses", "number", TX("Maximaal aantal", "Limit"), &hint, NULL,
                  "required min=\"1\" max=\"100000\" step=\"1\"", NULL);
    strbuf_adds(b, "<button type=\"submit\">");
    console_t(p, TX("Open link maken", "Make an open link"));
    strbuf_adds(b, "</button>\n</form>\n</section>\n");
}

static void put_import_summary(console_page *p, const wave_details *d)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<section class=\"card\" aria-labelledby=\"import\">\n<h2 id=\"import\">");
    console_t(p, TX("Antwoorden importeren", "Import answers"));
    strbuf_adds(b, "</h2>\n<p>");
    console_t(p, TX("Deze meting krijgt haar antwoorden als bestand: bijvoorbeeld uit een "
                    "papieren vragenlijst of een ander systeem.",
                    "This wave gets its answers as a file: for example from a paper "
                    "questionnaire or another system."));
    strbuf_addf(b, "</p>\n<p><a class=\"button\" href=\"/beheer/metingen/%lld/import\">",
                d->info.id);
    console_t(p, TX("Naar het importeren", "Go to the import"));
    strbuf_adds(b, "</a></p>\n</section>\n");
}

void console_collect_sections(console_page *p, const wave_details *d)
{
    strbuf *b = &p->b;
    tm_error err = TM_ERROR_INIT;
    const instrument *in = app_instrument(p->req->app, p->req->db, d->info.instrument_id, &err);
    tm_error_clear(&err);
    strbuf_adds(b, "<h2>");
    console_t(p, TX("Voortgang", "Progress"));
    strbuf_adds(b, "</h2>\n");
    put_progress_block(p, d, 0);
    strbuf_addf(b, "<p><a href=\"/beheer/metingen/%lld/voortgang\">", d->info.id);
    console_t(p, TX("Voortgang volgen (ververst vanzelf)", "Follow the progress (refreshes "
                                                           "itself)"));
    strbuf_adds(b, "</a></p>\n");
    int write = role_may_write(p->req->who.role);
    if (!in || !write || !strcmp(d->info.status, "closed")) return;
    if (!strcmp(d->collection, "import")) {
        put_import_summary(p, d);
        return;
    }
    put_invitations(p, d, in);
    put_links(p, d, in);
}

/* ---- invitations and links ---------------------------------------------- */

/* The invitations as Dutch Excel opens a CSV: a BOM, ';' between fields,
 * CRLF line ends. Tokens are URL-safe: nothing to quote. */
static char *invitations_csv(json_t *batch, const char *layer_label, size_t *len)
{
    strbuf b = STRBUF_INIT(16u << 20);
    strbuf_adds(&b, "\xEF\xBB\xBFlaag;link\r\n");
    size_t i;
    json_t *inv;
    json_array_foreach(json_object_get(batch, "invitations"), i, inv)
    {
        /* a label with ';' or '"' would break the field: quote it */
        strbuf_addch(&b, '"');
        for (const char *s = layer_label; *s; s++) {
            if (*s == '"') strbuf_addch(&b, '"');
            strbuf_addch(&b, *s);
        }
        strbuf_adds(&b, "\";");
        strbuf_adds(&b, json_string_value(json_object_get(inv, "url")));
        strbuf_adds(&b, "\r\n");
    }
    return strbuf_detach(&b, len);
}

static json_t *form_body(http_request *req, const char *number_field)
{
    const char *v = formdata_get(&req->form, number_field);
    char *end = NULL;
    long long n = v ? strtoll(v, &end, 10) : -1;
    json_t *body = json_pack("{s:s}", "layer", formdata_get(&req->form, "layer") ?: "");
    json_object_set_new(body, number_field,
                        end && !*end && *v ? json_integer(n) : json_string(v ? v : ""));
    return body;
}

void route_console_invitations(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *body = form_body(req, "count");
    json_t *batch = NULL;
    if (audit_begin(req->db, &err) == 0) {
        batch = collection_invitations(req->app, req->db, &req->wave, body, &err);
        if (!batch)
            audit_abort(req->db);
        else if (audit_commit(
                     req->db, &req->who, "invitations.create", "wave", req->wave.id,
                     json_pack("{s:O, s:I}", "layer", json_object_get(batch, "layer"), "count",
                               (json_int_t)json_array_size(json_object_get(batch, "invitations"))),
                     &err) != 0) {
            json_decref(batch);
            batch = NULL;
        }
    }
    json_decref(body);
    if (!batch) {
        console_wave_page(req, res, err.status == 409 || err.status == 422 ? err.status : 500, &err,
                          NULL);
        tm_error_clear(&err);
        return;
    }
    const instrument *in = app_instrument(req->app, req->db, req->wave.instrument_id, &err);
    char key[64]; /* the layer key outlives batch: the file's name */
    snprintf(key, sizeof key, "%s", json_string_value(json_object_get(batch, "layer")));
    size_t len = 0;
    char *csv = invitations_csv(batch, in ? console_layer_label(in, key, "nl") : key, &len);
    tm_error_clear(&err);
    json_decref(batch);
    if (!csv) {
        http_respond_message(res, 500, "out of memory writing the CSV");
        return;
    }
    http_respond_body(res, 200, "text/csv; charset=utf-8", csv, len);
    char disposition[160];
    snprintf(disposition, sizeof disposition,
             "attachment; filename=\"uitnodigingen-meting-%lld-%s.csv\"", req->wave.id, key);
    http_respond_header(res, "Content-Disposition", disposition);
}

void route_console_links(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *body = form_body(req, "max_responses");
    json_t *link = NULL;
    if (audit_begin(req->db, &err) == 0) {
        link = collection_link(req->app, req->db, &req->wave, body, &err);
        if (!link)
            audit_abort(req->db);
        else if (audit_commit(req->db, &req->who, "link.create", "wave", req->wave.id,
                              json_pack("{s:O, s:O}", "layer", json_object_get(link, "layer"),
                                        "max_responses", json_object_get(link, "max_responses")),
                              &err) != 0) {
            json_decref(link);
            link = NULL;
        }
    }
    json_decref(body);
    if (!link) {
        console_wave_page(req, res, err.status == 409 || err.status == 422 ? err.status : 500, &err,
                          NULL);
        tm_error_clear(&err);
        return;
    }
    const char *lang = console_lang(req);
    strbuf once = STRBUF_INIT(8192);
    strbuf_adds(&once, "<div class=\"card\" role=\"status\"><h2>");
    html_escape(&once, tm_text_get(TX("Uw nieuwe open link", "Your new open link"), lang));
    strbuf_adds(&once, "</h2><p class=\"warning\">");
    html_escape(&once, tm_text_get(TX("Kopieer deze link nu. Hij wordt maar \u00e9\u00e9n keer "
                                      "getoond en nergens bewaard.",
                                      "Copy this link now. It is shown only once and kept "
                                      "nowhere."),
                                   lang));
    strbuf_adds(&once, "</p><p class=\"secret\" id=\"new-link\">");
    html_escape(&once, json_string_value(json_object_get(link, "url")));
    strbuf_adds(&once, "</p></div>\n");
    char *html = strbuf_detach(&once, NULL);
    json_decref(link);
    console_wave_page(req, res, 201, NULL, html ? html : "");
    free(html);
}

/* ---- the import --------------------------------------------------------- */

static void import_page(http_request *req, http_response *res, int status, const tm_error *form_err,
                        long long rows)
{
    tm_error err = TM_ERROR_INIT;
    wave_details d;
    json_t *batches = wave_admin_details(req->db, &req->wave, &d, &err) == 0
                          ? wave_admin_imports(req->db, &req->wave, &err)
                          : NULL;
    if (!batches) {
        console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    console_page p;
    strbuf *b = &p.b;
    console_begin(&p, req, TX("Antwoorden importeren", "Import answers"));
    strbuf_addf(b, "<p class=\"crumbs\"><a href=\"/beheer/metingen/%lld\">", d.info.id);
    console_esc(&p, d.info.name);
    strbuf_adds(b, "</a></p>\n");
    console_h1(&p, TX("Antwoorden importeren", "Import answers"));
    if (rows >= 0) {
        char n[24];
        snprintf(n, sizeof n, "%lld", rows);
        const tm_text_var v[] = {{"n", n}, {NULL, NULL}};
        strbuf_adds(b, "<p class=\"notice\" role=\"status\">");
        console_tf(&p, TX("{n} antwoorden ge\u00efmporteerd.", "{n} answers imported."), v);
        strbuf_adds(b, "</p>\n");
    }
    if (http_query(req, "klaar"))
        console_notice(&p, TX("De import is ongedaan gemaakt.", "The import has been undone."));
    console_errors(&p, form_err);
    int closed = !strcmp(d.info.status, "closed");
    if (strcmp(d.collection, "import") != 0) {
        strbuf_adds(b, "<p class=\"warning\">");
        console_t(&p, TX("Deze meting verzamelt online. Importeren kan alleen in een meting die "
                         "voor import is gemaakt.",
                         "This wave collects online. Answers can only be imported into a wave "
                         "made for import."));
        strbuf_adds(b, "</p>\n");
    } else if (closed) {
        strbuf_adds(b, "<p class=\"warning\">");
        console_t(&p, TX("Deze meting is gesloten. Er kan niets meer bij of af.",
                         "This wave is closed. Nothing can be added or removed."));
        strbuf_adds(b, "</p>\n");
    } else {
        strbuf_adds(b, "<p>");
        console_t(&p,
                  TX("Kies een bestand: CSV (zoals Excel het opslaat, met ; of ,) of JSON. "
                     "Elke rij is \u00e9\u00e9n persoon, met een kolom layer en een kolom per "
                     "vraag. Alles wordt eerst gecontroleerd: als \u00e9\u00e9n rij niet klopt, "
                     "wordt niets opgeslagen en ziet u welke rijen u moet verbeteren.",
                     "Choose a file: CSV (as Excel saves it, with ; or ,) or JSON. Each row "
                     "is one person, with a column layer and a column per question. "
                     "Everything is checked first: when one row is wrong, nothing is stored "
                     "and you see which rows to correct."));
        strbuf_addf(b,
                    "</p>\n<form method=\"post\" class=\"stack card\" "
                    "enctype=\"multipart/form-data\" action=\"/beheer/metingen/%lld/import\">\n",
                    d.info.id);
        console_csrf(&p);
        const tm_text hint = TX("Bestanden tot 32 MB.", "Files up to 32 MB.");
        console_input(&p, "file", "file", TX("Bestand", "File"), &hint, NULL,
                      "required accept=\".csv,.json,text/csv,application/json\"", form_err);
        strbuf_adds(b, "<button type=\"submit\">");
        console_t(&p, TX("Importeren", "Import"));
        strbuf_adds(b, "</button>\n</form>\n");
    }
    strbuf_adds(b, "<h2>");
    console_t(&p, TX("Eerdere imports", "Earlier imports"));
    strbuf_adds(b, "</h2>\n");
    if (!json_array_size(batches)) {
        strbuf_adds(b, "<p class=\"hint\">");
        console_t(&p, TX("Nog geen imports.", "No imports yet."));
        strbuf_adds(b, "</p>\n");
    } else {
        strbuf_adds(b, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
        console_t(&p, TX("Import", "Import"));
        strbuf_adds(b, "</th><th scope=\"col\">");
        console_t(&p, TX("Wanneer", "When"));
        strbuf_adds(b, "</th><th scope=\"col\" class=\"num\">");
        console_t(&p, TX("Rijen", "Rows"));
        strbuf_adds(b, "</th><th scope=\"col\"><span class=\"hint\">");
        console_t(&p, TX("Actie", "Action"));
        strbuf_adds(b, "</span></th></tr></thead><tbody>\n");
        size_t i;
        json_t *bt;
        json_array_foreach(batches, i, bt)
        {
            long long id = json_integer_value(json_object_get(bt, "id"));
            strbuf_addf(b, "<tr><td>%lld</td><td>", id);
            console_time(b, p.lang, json_string_value(json_object_get(bt, "created_at")));
            strbuf_addf(b, "</td><td class=\"num\">%lld</td><td>",
                        (long long)json_integer_value(json_object_get(bt, "rows")));
            if (!closed) {
                char action[96], v[24];
                snprintf(action, sizeof action, "/beheer/metingen/%lld/import/ongedaan", d.info.id);
                snprintf(v, sizeof v, "%lld", id);
                console_action(&p, action, TX("Ongedaan maken", "Undo"), "secondary", "batch", v);
            }
            strbuf_adds(b, "</td></tr>\n");
        }
        strbuf_adds(b, "</tbody></table></div>\n");
    }
    json_decref(batches);
    console_end(&p, res, status);
}

void route_console_import_page(http_request *req, http_response *res)
{
    import_page(req, res, 200, NULL, -1);
}

void route_console_import(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    const form_field *file = formdata_field(&req->form, "file");
    wave_details d;
    size_t n = 0;
    int rc = 0;
    if (!file || !file->len) {
        tm_error_set(&err, 422, "the request cannot be accepted");
        tm_error_add_json(
            &err, json_pack("{s:s, s:s}", "field", "file", "error", "choose a file with answers"));
        rc = -1;
    } else if (wave_admin_details(req->db, &req->wave, &d, &err) != 0) {
        rc = -1;
    } else if (strcmp(d.collection, "import") != 0) {
        rc = tm_error_set(&err, 409,
                          "this wave collects online: answers can only be imported into a wave "
                          "made for import");
    }
    if (rc == 0) {
        const char *name = file->filename ? file->filename : "";
        size_t nl = strlen(name);
        const char *type =
            nl > 5 && !strcasecmp(name + nl - 5, ".json") ? "application/json" : "text/csv";
        collection_import *im = collection_import_open(req->app, req->db, &req->wave, type, &err);
        rc = im ? audit_begin(req->db, &err) : -1;
        if (rc == 0) {
            collection_import_feed(im, file->value, file->len);
            rc = collection_import_finish(req->app, req->db, im, &n, &err);
        }
        if (rc == 0)
            rc = audit_commit(req->db, &req->who, "import.create", "wave", req->wave.id,
                              json_pack("{s:I, s:I}", "batch",
                                        (json_int_t)collection_import_batch(im), "rows",
                                        (json_int_t)n),
                              &err);
        else if (im)
            audit_abort(req->db);
        collection_import_free(im);
    }
    if (rc != 0) {
        import_page(req, res, err.status >= 400 && err.status < 500 ? err.status : 500, &err, -1);
        tm_error_clear(&err);
        return;
    }
    import_page(req, res, 201, NULL, (long long)n);
}

void route_console_import_undo(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    const char *v = formdata_get(&req->form, "batch");
    long long batch = v ? strtoll(v, NULL, 10) : 0, rows = 0;
    int rc = audit_begin(req->db, &err);
    if (rc == 0) rc = wave_admin_import_undo(req->db, &req->wave, batch, &rows, &err);
    if (rc == 0)
        rc = audit_commit(
            req->db, &req->who, "import.undo", "wave", req->wave.id,
            json_pack("{s:I, s:I}", "batch", (json_int_t)batch, "rows", (json_int_t)rows), &err);
    else
        audit_abort(req->db);
    if (rc != 0) {
        import_page(req, res, err.status == 404 || err.status == 409 ? err.status : 500, &err, -1);
        tm_error_clear(&err);
        return;
    }
    char location[96];
    snprintf(location, sizeof location, "/beheer/metingen/%lld/import?klaar=1", req->wave.id);
    console_redirect(res, location);
}
