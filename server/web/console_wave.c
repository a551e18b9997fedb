/* console_wave.c - a wave (meting) in the console: create, look at, edit
 * while it is a draft, open, close (with how many unsent drafts that
 * discards), delete a draft or test wave (typing its name).
 *
 *   GET  /beheer/organisaties/{id}/metingen/nieuw, POST .../metingen
 *   GET  /beheer/metingen/{id}                        the wave's page
 *   GET/POST /beheer/metingen/{id}/bewerken
 *   POST /beheer/metingen/{id}/openen
 *   GET/POST /beheer/metingen/{id}/sluiten
 *   GET/POST /beheer/metingen/{id}/verwijderen
 *
 * The forms take dates and times in Europe/Amsterdam time (the browser's
 * date and time pickers); the services get ISO 8601 with an offset, as the
 * API does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/audit.h"
#include "server/app/organisations.h"
#include "server/app/wave_admin.h"
#include "server/app/waves.h"
#include "server/web/console.h"
#include "server/web/console_collect.h"
#include "server/web/console_routes.h"

/* ---- the form ----------------------------------------------------------- */

/* What the form shows: a wave's current values or what was just posted. */
typedef struct wave_form {
    const char *name, *opens_date, *opens_time, *closes_date, *closes_time, *k, *previous,
        *collection, *instrument;
    int is_test;
} wave_form;

static void form_from_post(const form_data *f, wave_form *w)
{
    w->name = formdata_get(f, "name");
    w->opens_date = formdata_get(f, "opens_date");
    w->opens_time = formdata_get(f, "opens_time");
    w->closes_date = formdata_get(f, "closes_date");
    w->closes_time = formdata_get(f, "closes_time");
    w->k = formdata_get(f, "min_group_size");
    w->previous = formdata_get(f, "previous_wave_id");
    w->collection = formdata_get(f, "collection");
    w->instrument = formdata_get(f, "instrument");
    w->is_test = formdata_get(f, "test") != NULL;
}

static void put_when(console_page *p, const char *field, tm_text legend, const char *date,
                     const char *time, const tm_error *err)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<fieldset class=\"field\"><legend>");
    console_t(p, legend);
    strbuf_adds(b, "</legend>");
    int bad = console_field_errors(p, field, err);
    strbuf_addf(b, "<div class=\"pair\"><div><label for=\"f-%s\">", field);
    console_t(p, TX("Datum", "Date"));
    strbuf_addf(b, "</label><input type=\"date\" id=\"f-%s\" name=\"%.*s_date\"%s value=\"", field,
                (int)strcspn(field, "_"), field, bad ? " aria-invalid=\"true\"" : "");
    console_esc(p, date);
    strbuf_addf(b, "\"></div><div><label for=\"f-%.*s_time\">", (int)strcspn(field, "_"), field);
    console_t(p, TX("Tijd", "Time"));
    strbuf_addf(b, "</label><input type=\"time\" id=\"f-%.*s_time\" name=\"%.*s_time\" value=\"",
                (int)strcspn(field, "_"), field, (int)strcspn(field, "_"), field);
    console_esc(p, time);
    strbuf_adds(b, "\"></div></div><p class=\"hint\">");
    console_t(p, TX("Nederlandse tijd.", "Netherlands time."));
    strbuf_adds(b, "</p></fieldset>\n");
}

static void put_radio(console_page *p, const char *name, const char *value, int checked,
                      tm_text label)
{
    strbuf_addf(&p->b,
                "<div class=\"choice\"><input type=\"radio\" id=\"f-%s-%s\" name=\"%s\" "
                "value=\"%s\"%s><label for=\"f-%s-%s\">",
                name, value, name, value, checked ? " checked" : "", name, value);
    console_t(p, label);
    strbuf_adds(&p->b, "</label></div>");
}

/* The form for a new wave (org: its organisation; instruments to choose
 * from) or an existing draft (w_id > 0). */
static void wave_form_put(console_page *p, const char *action, const wave_form *w,
                          json_t *instruments, json_t *siblings, long long w_id,
                          const tm_error *err)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<form method=\"post\" class=\"stack card\" action=\"");
    console_esc(p, action);
    strbuf_adds(b, "\">\n");
    console_csrf(p);
    const tm_text name_hint =
        TX("Bijvoorbeeld: Meting voorjaar 2027.", "For example: Spring 2027.");
    console_input(p, "name", "text", TX("Naam van de meting", "Name of the wave"), &name_hint,
                  w->name, "required maxlength=\"200\" autocomplete=\"off\"", err);
    if (instruments) {
        strbuf_adds(b, "<div class=\"field\"><label for=\"f-instrument\">");
        console_t(p, TX("Vragenlijst", "Questionnaire"));
        strbuf_adds(b, "</label>");
        console_field_errors(p, "instrument", err);
        strbuf_adds(b, "<select id=\"f-instrument\" name=\"instrument\">");
        size_t i;
        json_t *in;
        json_array_foreach(instruments, i, in)
        {
            char ref[200];
            snprintf(ref, sizeof ref, "%s@%s", json_string_value(json_object_get(in, "key")),
                     json_string_value(json_object_get(in, "version")));
            strbuf_adds(b, "<option value=\"");
            console_esc(p, ref);
            strbuf_adds(b, "\"");
            if (w->instrument && !strcmp(w->instrument, ref)) strbuf_adds(b, " selected");
            strbuf_adds(b, ">");
            json_t *title = json_object_get(in, "title");
            const char *t = json_string_value(json_object_get(title, p->lang));
            console_esc(p, t ? t : json_string_value(json_object_get(title, "nl")));
            strbuf_adds(b, " (");
            console_esc(p, json_string_value(json_object_get(in, "version")));
            strbuf_adds(b, ")</option>");
        }
        strbuf_adds(b, "</select></div>\n");
    }
    put_when(p, "opens_at", TX("Opent op", "Opens on"), w->opens_date, w->opens_time, err);
    put_when(p, "closes_at", TX("Sluit op", "Closes on"), w->closes_date, w->closes_time, err);
    const tm_text k_hint =
        TX("Groepen kleiner dan dit aantal ziet niemand terug. Minstens 3; meestal 5.",
           "Groups smaller than this are never shown. At least 3; usually 5.");
    console_input(p, "min_group_size", "number", TX("Kleinste groep (k)", "Smallest group (k)"),
                  &k_hint, w->k ? w->k : "5", "required min=\"3\" max=\"1000\" step=\"1\"", err);

    strbuf_adds(b, "<div class=\"field\"><label for=\"f-previous_wave_id\">");
    console_t(
        p, TX("Vorige meting (voor de vergelijking in de tijd)", "Previous wave (for the trend)"));
    strbuf_adds(b, "</label>");
    console_field_errors(p, "previous_wave_id", err);
    strbuf_adds(b, "<select id=\"f-previous_wave_id\" name=\"previous_wave_id\"><option "
                   "value=\"\">");
    console_t(p, TX("Geen", "None"));
    strbuf_adds(b, "</option>");
    size_t i;
    json_t *s;
    json_array_foreach(siblings, i, s)
    {
        long long sid = json_integer_value(json_object_get(s, "id"));
        if (sid == w_id) continue;
        char v[24];
        snprintf(v, sizeof v, "%lld", sid);
        strbuf_addf(b, "<option value=\"%s\"%s>", v,
                    w->previous && !strcmp(w->previous, v) ? " selected" : "");
        console_esc(p, json_string_value(json_object_get(s, "name")));
        strbuf_adds(b, "</option>");
    }
    strbuf_adds(b, "</select></div>\n");

    strbuf_adds(b, "<fieldset class=\"field\" id=\"f-collection\"><legend>");
    console_t(p, TX("Hoe komen de antwoorden binnen?", "How do the answers arrive?"));
    strbuf_adds(b, "</legend>");
    console_field_errors(p, "collection", err);
    int import = w->collection && !strcmp(w->collection, "import");
    put_radio(p, "collection", "online", !import,
              TX("Online: mensen vullen de vragenlijst in via een link",
                 "Online: people answer through a link"));
    put_radio(p, "collection", "import", import,
              TX("Import: u levert antwoorden aan als bestand (CSV of JSON)",
                 "Import: you upload answers as a file (CSV or JSON)"));
    strbuf_adds(b, "</fieldset>\n<div class=\"field\"><div class=\"choice\"><input "
                   "type=\"checkbox\" id=\"f-test\" name=\"test\" value=\"1\"");
    if (w->is_test) strbuf_adds(b, " checked");
    strbuf_adds(b, "><label for=\"f-test\">");
    console_t(p, TX("Dit is een testmeting (mag later met alles erin worden verwijderd)",
                    "This is a test wave (may later be deleted with everything in it)"));
    strbuf_adds(b, "</label></div></div>\n<button type=\"submit\">");
    console_t(p, w_id ? TX("Opslaan", "Save") : TX("Meting maken", "Create wave"));
    strbuf_adds(b, "</button>\n</form>\n");
}

/* Local dates of the form as ISO 8601 UTC (problems noted in err under
 * opens_at and closes_at): 0, or -1 with err when the database failed. */
static int form_times(PGconn *c, const wave_form *w, char opens[24], char closes[24], tm_error *err)
{
    if (wave_admin_local_time(c, "opens_at", w->opens_date, w->opens_time, "09:00", opens, err) <
            0 ||
        wave_admin_local_time(c, "closes_at", w->closes_date, w->closes_time, "17:00", closes,
                              err) < 0)
        return -1;
    return 0;
}

/* ---- new ---------------------------------------------------------------- */

static void new_page(http_request *req, http_response *res, int status, const wave_form *w,
                     const tm_error *form_err)
{
    tm_error err = TM_ERROR_INIT;
    long long org = http_param_id(req, 0);
    json_t *o = organisations_get(req->db, &req->who, org, &err);
    json_t *instruments = o ? app_instruments_list(req->db, &err) : NULL;
    json_t *siblings = instruments ? organisations_waves(req->db, &req->who, org, &err) : NULL;
    if (!siblings) {
        console_fail(req, res, &err);
        tm_error_clear(&err);
        json_decref(o);
        json_decref(instruments);
        return;
    }
    console_page p;
    console_begin(&p, req, TX("Nieuwe meting", "New wave"));
    strbuf_addf(&p.b, "<p class=\"crumbs\"><a href=\"/beheer/organisaties/%lld\">", org);
    console_esc(&p, json_string_value(json_object_get(o, "name")));
    strbuf_adds(&p.b, "</a></p>\n");
    console_h1(&p, TX("Nieuwe meting", "New wave"));
    console_errors(&p, form_err);
    char action[96];
    snprintf(action, sizeof action, "/beheer/organisaties/%lld/metingen", org);
    wave_form_put(&p, action, w, instruments, siblings, 0, form_err);
    console_end(&p, res, status);
    json_decref(o);
    json_decref(instruments);
    json_decref(siblings);
}

void route_console_wave_new(http_request *req, http_response *res)
{
    wave_form w = {0};
    new_page(req, res, 200, &w, NULL);
}

void route_console_wave_create(http_request *req, http_response *res)
{
    wave_form w;
    form_from_post(&req->form, &w);
    tm_error err = TM_ERROR_INIT;
    char opens[24], closes[24];
    json_t *created = NULL;
    if (form_times(req->db, &w, opens, closes, &err) == 0) {
        json_t *body =
            json_pack("{s:I, s:s, s:s}", "organisation_id", (json_int_t)http_param_id(req, 0),
                      "instrument", w.instrument ? w.instrument : "", "name", w.name ? w.name : "");
        char *end = NULL;
        long k = w.k ? strtol(w.k, &end, 10) : 5;
        json_object_set_new(body, "min_group_size",
                            end && *end ? json_string(w.k) : json_integer(k));
        if (w.previous && *w.previous)
            json_object_set_new(body, "previous_wave_id",
                                json_integer(strtoll(w.previous, NULL, 10)));
        if (opens[0]) json_object_set_new(body, "opens_at", json_string(opens));
        if (closes[0]) json_object_set_new(body, "closes_at", json_string(closes));
        json_object_set_new(body, "collection", json_string(w.collection ? w.collection : ""));
        json_object_set_new(body, "test", json_boolean(w.is_test));
        if (tm_error_count(&err)) {
            /* the date problems, and whatever else the service finds */
            tm_error more = TM_ERROR_INIT;
            json_decref(waves_create(req->db, &req->who, body, &more));
            tm_error_set(&err, 422, "the wave cannot be created");
            size_t i;
            json_t *d;
            json_array_foreach(more.details, i, d)
            {
                const char *f = json_string_value(json_object_get(d, "field"));
                if (!f || (strcmp(f, "opens_at") && strcmp(f, "closes_at")))
                    tm_error_add_json(&err, json_incref(d));
            }
            tm_error_clear(&more);
        } else if (audit_begin(req->db, &err) == 0) {
            created = waves_create(req->db, &req->who, body, &err);
            if (!created)
                audit_abort(req->db);
            else if (audit_commit(req->db, &req->who, "wave.create", "wave",
                                  json_integer_value(json_object_get(created, "id")),
                                  json_pack("{s:O}", "name", json_object_get(created, "name")),
                                  &err) != 0) {
                json_decref(created);
                created = NULL;
            }
        }
        json_decref(body);
    }
    if (!created) {
        if (err.status == 422 || err.status == 409)
            new_page(req, res, err.status, &w, &err);
        else
            console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    char location[64];
    snprintf(location, sizeof location, "/beheer/metingen/%lld?klaar=gemaakt",
             (long long)json_integer_value(json_object_get(created, "id")));
    json_decref(created);
    console_redirect(res, location);
}

/* ---- the wave's page ---------------------------------------------------- */

typedef struct done_notice {
    const char *code;
    tm_text text;
} done_notice;

static const done_notice notices[] = {
    {"gemaakt",
     {"De meting is gemaakt. Ze is nog een concept: u kunt alles nog aanpassen.",
      "The wave has been created. It is still a draft: you can change everything."}},
    {"opgeslagen", {"Opgeslagen.", "Saved."}},
    {"geopend", {"De meting is open.", "The wave is open."}},
    {"gesloten",
     {"De meting is gesloten. De uitkomsten staan klaar.",
      "The wave is closed. The results are ready."}},
    {"import-ongedaan", {"De import is ongedaan gemaakt.", "The import has been undone."}},
};

static void put_fact(console_page *p, tm_text term)
{
    strbuf_adds(&p->b, "<dt>");
    console_t(p, term);
    strbuf_adds(&p->b, "</dt><dd>");
}

static int wave_details_or_fail(http_request *req, http_response *res, wave_details *d)
{
    tm_error err = TM_ERROR_INIT;
    if (wave_admin_details(req->db, &req->wave, d, &err) == 0) return 0;
    console_fail(req, res, &err);
    tm_error_clear(&err);
    return -1;
}

void console_wave_page(http_request *req, http_response *res, int status, const tm_error *form_err,
                       const char *shown_once_html)
{
    wave_details d;
    if (wave_details_or_fail(req, res, &d) != 0) return;
    const wave_info *w = &d.info;
    console_page p;
    strbuf *b = &p.b;
    console_begin(&p, req, TX("Meting", "Wave"));
    strbuf_addf(b, "<p class=\"crumbs\"><a href=\"/beheer/organisaties/%lld\">",
                w->organisation_id);
    console_esc(&p, w->organisation);
    strbuf_adds(b, "</a></p>\n<h1>");
    console_esc(&p, w->name);
    strbuf_adds(b, "</h1>\n<p>");
    console_status(&p, w->status, d.is_test);
    strbuf_adds(b, "</p>\n");
    const char *done = http_query(req, "klaar");
    for (size_t i = 0; done && i < sizeof notices / sizeof *notices; i++)
        if (!strcmp(done, notices[i].code)) console_notice(&p, notices[i].text);
    console_errors(&p, form_err);
    if (shown_once_html) strbuf_adds(b, shown_once_html);

    strbuf_adds(b, "<dl class=\"facts\">");
    put_fact(&p, TX("Vragenlijst", "Questionnaire"));
    console_esc(&p, w->instrument);
    strbuf_adds(b, "</dd>");
    put_fact(&p, TX("Antwoorden via", "Answers by"));
    console_t(&p, !strcmp(d.collection, "import") ? TX("import van een bestand", "file import")
                                                  : TX("online links", "online links"));
    strbuf_adds(b, "</dd>");
    put_fact(&p, TX("Kleinste groep (k)", "Smallest group (k)"));
    strbuf_addf(b, "%d</dd>", w->min_group_size);
    put_fact(&p, TX("Opent", "Opens"));
    if (d.opens_at[0])
        console_time(b, p.lang, d.opens_at);
    else
        console_t(&p, TX("zodra u haar opent", "when you open it"));
    strbuf_adds(b, "</dd>");
    put_fact(&p, TX("Sluit", "Closes"));
    if (d.closes_at[0])
        console_time(b, p.lang, d.closes_at);
    else
        console_t(&p, TX("zodra u haar sluit", "when you close it"));
    strbuf_adds(b, "</dd>");
    if (w->previous_wave_id) {
        put_fact(&p, TX("Vorige meting", "Previous wave"));
        strbuf_addf(b, "<a href=\"/beheer/metingen/%lld\">%lld</a></dd>", w->previous_wave_id,
                    w->previous_wave_id);
    }
    strbuf_adds(b, "</dl>\n");
    console_wave_settings_summary(&p);

    int write = role_may_write(req->who.role);
    strbuf_adds(b, "<div class=\"actions\">");
    if (write && !strcmp(w->status, "draft")) {
        char path[96];
        strbuf_addf(b, "<a class=\"button secondary\" href=\"/beheer/metingen/%lld/bewerken\">",
                    w->id);
        console_t(&p, TX("Bewerken", "Edit"));
        strbuf_adds(b, "</a>");
        snprintf(path, sizeof path, "/beheer/metingen/%lld/openen", w->id);
        console_action(&p, path, TX("Meting openen", "Open the wave"), NULL, NULL, NULL);
    }
    if (write && !strcmp(w->status, "open")) {
        strbuf_addf(b, "<a class=\"button secondary\" href=\"/beheer/metingen/%lld/sluiten\">",
                    w->id);
        console_t(&p, TX("Meting sluiten", "Close the wave"));
        strbuf_adds(b, "</a>");
    }
    if (!strcmp(w->status, "closed")) {
        strbuf_addf(b, "<a class=\"button\" href=\"/beheer/metingen/%lld/uitkomsten\">", w->id);
        console_t(&p, TX("Uitkomsten bekijken", "See the results"));
        strbuf_adds(b, "</a>");
        strbuf_addf(b, "<a class=\"button secondary\" href=\"/raad/%lld\">", w->id);
        console_t(&p, TX("Samenvatting voor de raad", "Summary for the council"));
        strbuf_adds(b, "</a>");
    }
    if (write && (!strcmp(w->status, "draft") || d.is_test)) {
        strbuf_addf(b, "<a class=\"button secondary\" href=\"/beheer/metingen/%lld/verwijderen\">",
                    w->id);
        console_t(&p, TX("Verwijderen", "Delete"));
        strbuf_adds(b, "</a>");
    }
    strbuf_adds(b, "</div>\n");

    console_collect_sections(&p, &d);
    console_end(&p, res, status);
}

void route_console_wave(http_request *req, http_response *res)
{
    console_wave_page(req, res, 200, NULL, NULL);
}

/* ---- edit --------------------------------------------------------------- */

static void edit_page(http_request *req, http_response *res, int status, const wave_form *wf,
                      const tm_error *form_err, const char *posted_rules)
{
    tm_error err = TM_ERROR_INIT;
    json_t *siblings = organisations_waves(req->db, &req->who, req->wave.organisation_id, &err);
    if (!siblings) {
        console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    console_page p;
    console_begin(&p, req, TX("Meting bewerken", "Edit wave"));
    strbuf_addf(&p.b, "<p class=\"crumbs\"><a href=\"/beheer/metingen/%lld\">", req->wave.id);
    console_esc(&p, req->wave.name);
    strbuf_adds(&p.b, "</a></p>\n");
    console_h1(&p, TX("Meting bewerken", "Edit wave"));
    if (strcmp(req->wave.status, "draft") != 0) {
        strbuf_adds(&p.b, "<p class=\"warning\">");
        console_t(&p, TX("Deze meting is geen concept meer. Ze kan niet meer worden gewijzigd.",
                         "This wave is no longer a draft. It cannot be changed any more."));
        strbuf_adds(&p.b, "</p>\n");
    }
    console_errors(&p, form_err);
    char action[64];
    snprintf(action, sizeof action, "/beheer/metingen/%lld/bewerken", req->wave.id);
    wave_form_put(&p, action, wf, NULL, siblings, req->wave.id, form_err);
    console_wave_settings_forms(&p, posted_rules, form_err);
    console_end(&p, res, status);
    json_decref(siblings);
}

void console_wave_edit_again(http_request *req, http_response *res, int status, const tm_error *err,
                             const char *posted_rules)
{
    wave_details d;
    if (wave_details_or_fail(req, res, &d) != 0) return;
    char k[16], prev[24];
    snprintf(k, sizeof k, "%d", d.info.min_group_size);
    snprintf(prev, sizeof prev, "%lld", d.info.previous_wave_id);
    wave_form wf = {d.info.name, d.opens_date, d.opens_time, d.closes_date,     d.closes_time,
                    k,           prev,         d.collection, d.info.instrument, d.is_test};
    edit_page(req, res, status, &wf, err, posted_rules);
}

void route_console_wave_edit(http_request *req, http_response *res)
{
    console_wave_edit_again(req, res, 200, NULL, NULL);
}

void route_console_wave_update(http_request *req, http_response *res)
{
    wave_form wf;
    form_from_post(&req->form, &wf);
    tm_error err = TM_ERROR_INIT;
    char opens[24], closes[24];
    int rc = form_times(req->db, &wf, opens, closes, &err);
    if (rc == 0) {
        char *end = NULL;
        long k = wf.k ? strtol(wf.k, &end, 10) : 0;
        wave_admin_fields f = {wf.name,
                               opens[0] ? opens : NULL,
                               closes[0] ? closes : NULL,
                               end && !*end ? (int)k : 0,
                               wf.previous ? strtoll(wf.previous, NULL, 10) : 0,
                               wf.collection,
                               wf.is_test};
        size_t date_problems = tm_error_count(&err);
        rc = audit_begin(req->db, &err);
        if (rc == 0) rc = wave_admin_update(req->db, &req->wave, &f, &err);
        if (rc == 0 && date_problems) rc = tm_error_set(&err, 422, "the wave cannot be changed");
        if (rc == 0)
            rc = audit_commit(req->db, &req->who, "wave.update", "wave", req->wave.id,
                              json_pack("{s:s}", "name", wf.name), &err);
        else
            audit_abort(req->db);
    }
    if (rc != 0) {
        if (err.status == 422 || err.status == 409)
            edit_page(req, res, err.status, &wf, &err, NULL);
        else
            console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    char location[80];
    snprintf(location, sizeof location, "/beheer/metingen/%lld?klaar=opgeslagen", req->wave.id);
    console_redirect(res, location);
}

/* ---- open, close, delete ------------------------------------------------ */

static void status_change(http_request *req, http_response *res, const char *status,
                          const char *done)
{
    tm_error err = TM_ERROR_INIT;
    json_t *w = NULL;
    if (audit_begin(req->db, &err) == 0) {
        w = waves_set_status(req->app, req->db, &req->wave, status, &err);
        if (!w)
            audit_abort(req->db);
        else if (audit_commit(req->db, &req->who,
                              !strcmp(status, "open") ? "wave.open" : "wave.close", "wave",
                              req->wave.id, NULL, &err) != 0) {
            json_decref(w);
            w = NULL;
        }
    }
    if (!w) {
        console_wave_page(req, res, err.status == 409 ? 409 : 500, &err, NULL);
        tm_error_clear(&err);
        return;
    }
    json_decref(w);
    if (!strcmp(status, "closed")) waves_release_closed(req->app, req->db, req->wave.id);
    char location[80];
    snprintf(location, sizeof location, "/beheer/metingen/%lld?klaar=%s", req->wave.id, done);
    console_redirect(res, location);
}

void route_console_wave_open(http_request *req, http_response *res)
{
    status_change(req, res, "open", "geopend");
}

void route_console_wave_close_ask(http_request *req, http_response *res)
{
    wave_details d;
    if (wave_details_or_fail(req, res, &d) != 0) return;
    console_page p;
    console_begin(&p, req, TX("Meting sluiten", "Close the wave"));
    strbuf_addf(&p.b, "<p class=\"crumbs\"><a href=\"/beheer/metingen/%lld\">", d.info.id);
    console_esc(&p, d.info.name);
    strbuf_adds(&p.b, "</a></p>\n");
    console_h1(&p, TX("Meting sluiten?", "Close the wave?"));
    strbuf_adds(&p.b, "<p>");
    console_t(&p, TX("Na het sluiten kan niemand meer antwoorden en gaat de meting niet meer "
                     "open. Daarna ziet u de uitkomsten.",
                     "After closing, no one can answer any more and the wave never opens again. "
                     "Then you see the results."));
    strbuf_adds(&p.b, "</p>\n<p class=\"warning\">");
    char n[24];
    snprintf(n, sizeof n, "%lld", d.drafts);
    const tm_text_var v[] = {{"n", n}, {NULL, NULL}};
    if (d.drafts == 0)
        console_t(&p, TX("Er zijn geen tussentijds opgeslagen antwoorden die nog niet zijn "
                         "verstuurd.",
                         "There are no saved answers that have not been submitted."));
    else
        console_tf(&p,
                   d.drafts == 1
                       ? TX("1 persoon heeft antwoorden opgeslagen maar nog niet verstuurd. Die "
                            "antwoorden worden gewist.",
                            "1 person saved answers but did not submit them. Those answers will "
                            "be deleted.")
                       : TX("{n} personen hebben antwoorden opgeslagen maar nog niet verstuurd. "
                            "Die antwoorden worden gewist.",
                            "{n} people saved answers but did not submit them. Those answers "
                            "will be deleted."),
                   v);
    strbuf_adds(&p.b, "</p>\n<div class=\"actions\">");
    char path[80];
    snprintf(path, sizeof path, "/beheer/metingen/%lld/sluiten", d.info.id);
    console_action(&p, path, TX("Ja, meting sluiten", "Yes, close the wave"), "danger", NULL, NULL);
    strbuf_addf(&p.b, "<a href=\"/beheer/metingen/%lld\">", d.info.id);
    console_t(&p, TX("Nee, terug", "No, go back"));
    strbuf_adds(&p.b, "</a></div>\n");
    console_end(&p, res, 200);
}

void route_console_wave_close(http_request *req, http_response *res)
{
    status_change(req, res, "closed", "gesloten");
}

static void delete_page(http_request *req, http_response *res, int status, const tm_error *err)
{
    console_page p;
    console_begin(&p, req, TX("Meting verwijderen", "Delete the wave"));
    strbuf_addf(&p.b, "<p class=\"crumbs\"><a href=\"/beheer/metingen/%lld\">", req->wave.id);
    console_esc(&p, req->wave.name);
    strbuf_adds(&p.b, "</a></p>\n");
    console_h1(&p, TX("Meting verwijderen?", "Delete the wave?"));
    console_errors(&p, err);
    strbuf_adds(&p.b, "<p class=\"warning\">");
    console_t(&p, TX("De meting wordt verwijderd met alle uitnodigingen, links en antwoorden. Dit "
                     "kan niet ongedaan worden gemaakt.",
                     "The wave is deleted with all its invitations, links and answers. This "
                     "cannot be undone."));
    strbuf_adds(&p.b, "</p>\n<form method=\"post\" class=\"stack card\" action=\"");
    strbuf_addf(&p.b, "/beheer/metingen/%lld/verwijderen\">", req->wave.id);
    console_csrf(&p);
    char label[600];
    snprintf(label, sizeof label, "%s", req->wave.name);
    const tm_text_var v[] = {{"naam", label}, {NULL, NULL}};
    strbuf_adds(&p.b, "<div class=\"field\"><label for=\"f-confirm\">");
    console_tf(&p,
               TX("Typ de naam van de meting om te bevestigen: {naam}",
                  "Type the name of the wave to confirm: {naam}"),
               v);
    strbuf_adds(&p.b, "</label>");
    int bad = console_field_errors(&p, "confirm", err);
    strbuf_addf(&p.b,
                "<input type=\"text\" id=\"f-confirm\" name=\"confirm\" autocomplete=\"off\" "
                "required%s></div>\n<button type=\"submit\" class=\"danger\">",
                bad ? " aria-invalid=\"true\" aria-describedby=\"e-confirm\"" : "");
    console_t(&p, TX("Definitief verwijderen", "Delete for good"));
    strbuf_adds(&p.b, "</button>\n</form>\n");
    console_end(&p, res, status);
}

void route_console_wave_delete_ask(http_request *req, http_response *res)
{
    delete_page(req, res, 200, NULL);
}

void route_console_wave_delete(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    int rc = audit_begin(req->db, &err);
    if (rc == 0)
        rc = wave_admin_delete(req->db, &req->wave, formdata_get(&req->form, "confirm"), &err);
    if (rc == 0)
        rc = audit_commit(req->db, &req->who, "wave.delete", "wave", req->wave.id,
                          json_pack("{s:s}", "name", req->wave.name), &err);
    else
        audit_abort(req->db);
    if (rc != 0) {
        if (err.status == 422 || err.status == 409)
            delete_page(req, res, err.status, &err);
        else
            console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    char location[80];
    snprintf(location, sizeof location, "/beheer/organisaties/%lld?klaar=1",
             req->wave.organisation_id);
    console_redirect(res, location);
}
