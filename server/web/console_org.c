/* console_org.c - organisations in the console.
 *
 *   GET  /beheer/organisaties/nieuw            the form for a new one
 *   POST /beheer/organisaties                  create (a consultant then sees it)
 *   GET  /beheer/organisaties/{id}             name, code, benchmark, who may see
 *                                              it, its waves
 *   POST /beheer/organisaties/{id}             new name and code
 *   POST /beheer/organisaties/{id}/toegang     give or take a person's access (admin)
 *   POST /beheer/organisaties/{id}/benchmark   benchmark peer or not (admin)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/audit.h"
#include "server/app/organisations.h"
#include "server/app/users.h"
#include "server/web/console.h"
#include "server/web/console_routes.h"

static const tm_text code_hint = {"De CBS-code van de gemeente: GM en vier cijfers, zoals GM0171.",
                                  "The municipality's CBS code: GM and four digits, such as "
                                  "GM0171."};

static void org_form(console_page *p, const char *action, const char *name, const char *code,
                     tm_text button, const tm_error *err)
{
    strbuf_adds(&p->b, "<form method=\"post\" class=\"stack card\" action=\"");
    console_esc(p, action);
    strbuf_adds(&p->b, "\">\n");
    console_csrf(p);
    console_input(p, "name", "text", TX("Naam", "Name"), NULL, name,
                  "required maxlength=\"200\" autocomplete=\"organization\"", err);
    console_input(p, "code", "text", TX("CBS-code", "CBS code"), &code_hint, code,
                  "required pattern=\"[Gg][Mm][0-9]{4}\" maxlength=\"6\" autocomplete=\"off\"",
                  err);
    strbuf_adds(&p->b, "<button type=\"submit\">");
    console_t(p, button);
    strbuf_adds(&p->b, "</button>\n</form>\n");
}

static void new_page(http_request *req, http_response *res, int status, const tm_error *err)
{
    console_page p;
    console_begin(&p, req, TX("Nieuwe organisatie", "New organisation"));
    console_h1(&p, TX("Nieuwe organisatie", "New organisation"));
    console_errors(&p, err);
    org_form(&p, "/beheer/organisaties", formdata_get(&req->form, "name"),
             formdata_get(&req->form, "code"), TX("Organisatie maken", "Create organisation"), err);
    console_end(&p, res, status);
}

void route_console_org_new(http_request *req, http_response *res)
{
    new_page(req, res, 200, NULL);
}

void route_console_org_create(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *o = NULL;
    if (audit_begin(req->db, &err) == 0) {
        o = organisations_create(req->db, &req->who, formdata_get(&req->form, "name"),
                                 formdata_get(&req->form, "code"), &err);
        if (!o)
            audit_abort(req->db);
        else if (audit_commit(req->db, &req->who, "organisation.create", "organisation",
                              json_integer_value(json_object_get(o, "id")),
                              json_pack("{s:O}", "name", json_object_get(o, "name")), &err) != 0) {
            json_decref(o);
            o = NULL;
        }
    }
    if (!o) {
        if (err.status == 422 || err.status == 409)
            new_page(req, res, err.status, &err);
        else
            console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    char location[96];
    snprintf(location, sizeof location, "/beheer/organisaties/%lld?klaar=1",
             (long long)json_integer_value(json_object_get(o, "id")));
    json_decref(o);
    console_redirect(res, location);
}

static void put_access(console_page *p, long long org, json_t *members)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<h2>");
    console_t(p, TX("Wie mag deze organisatie zien", "Who may see this organisation"));
    strbuf_adds(b, "</h2>\n<p>");
    console_t(p, TX("Beheerders zien alle organisaties. Adviseurs (consultant) en kijkers "
                    "(viewer, bijvoorbeeld een raadslid) zien alleen de organisaties die hier "
                    "staan.",
                    "Admins see every organisation. Consultants and viewers (for example a "
                    "council member) see only the organisations listed here."));
    strbuf_adds(b, "</p>\n");
    if (!json_array_size(members)) {
        strbuf_adds(b, "<p class=\"hint\">");
        console_t(p, TX("Nog niemand.", "No one yet."));
        strbuf_adds(b, "</p>\n");
    } else {
        strbuf_adds(b, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
        console_t(p, TX("Naam", "Name"));
        strbuf_adds(b, "</th><th scope=\"col\">");
        console_t(p, TX("E-mailadres", "E-mail address"));
        strbuf_adds(b, "</th><th scope=\"col\">");
        console_t(p, TX("Rol", "Role"));
        strbuf_adds(b, "</th><th scope=\"col\"><span class=\"hint\">");
        console_t(p, TX("Actie", "Action"));
        strbuf_adds(b, "</span></th></tr></thead><tbody>\n");
        size_t i;
        json_t *m;
        json_array_foreach(members, i, m)
        {
            strbuf_adds(b, "<tr><td>");
            console_esc(p, json_string_value(json_object_get(m, "name")));
            strbuf_adds(b, "</td><td>");
            console_esc(p, json_string_value(json_object_get(m, "email")));
            strbuf_adds(b, "</td><td>");
            console_esc(p, json_string_value(json_object_get(m, "role")));
            strbuf_adds(b, "</td><td>");
            if (p->req->who.role == ROLE_ADMIN) {
                char action[96], uid[24];
                snprintf(action, sizeof action, "/beheer/organisaties/%lld/toegang", org);
                snprintf(uid, sizeof uid, "%lld",
                         (long long)json_integer_value(json_object_get(m, "id")));
                strbuf_adds(b, "<form method=\"post\" action=\"");
                console_esc(p, action);
                strbuf_adds(b, "\">");
                console_csrf(p);
                strbuf_addf(b,
                            "<input type=\"hidden\" name=\"user\" value=\"%s\">"
                            "<input type=\"hidden\" name=\"grant\" value=\"0\">"
                            "<button type=\"submit\" class=\"secondary\">",
                            uid);
                console_t(p, TX("Toegang afnemen", "Remove access"));
                strbuf_adds(b, "<span class=\"visually-hidden\"> (");
                console_esc(p, json_string_value(json_object_get(m, "name")));
                strbuf_adds(b, ")</span></button></form>");
            }
            strbuf_adds(b, "</td></tr>\n");
        }
        strbuf_adds(b, "</tbody></table></div>\n");
    }
}

static void put_grant_form(console_page *p, long long org, json_t *members, PGconn *c)
{
    tm_error err = TM_ERROR_INIT;
    json_t *all = users_list(c, 0, &err);
    tm_error_clear(&err);
    strbuf *b = &p->b;
    char action[96];
    snprintf(action, sizeof action, "/beheer/organisaties/%lld/toegang", org);
    strbuf_adds(b, "<form method=\"post\" class=\"stack\" action=\"");
    console_esc(p, action);
    strbuf_adds(b, "\">");
    console_csrf(p);
    strbuf_adds(b, "<input type=\"hidden\" name=\"grant\" value=\"1\">"
                   "<div class=\"field\"><label for=\"f-user\">");
    console_t(p, TX("Toegang geven aan", "Give access to"));
    strbuf_adds(b, "</label><select id=\"f-user\" name=\"user\">");
    size_t i, j, n = 0;
    json_t *u, *m;
    json_array_foreach(all, i, u)
    {
        const char *r = json_string_value(json_object_get(u, "role"));
        json_int_t id = json_integer_value(json_object_get(u, "id"));
        int member = 0;
        json_array_foreach(members, j, m) member |=
            json_integer_value(json_object_get(m, "id")) == id;
        if (!strcmp(r, "admin") || member || json_is_true(json_object_get(u, "disabled"))) continue;
        strbuf_addf(b, "<option value=\"%lld\">", (long long)id);
        console_esc(p, json_string_value(json_object_get(u, "name")));
        strbuf_adds(b, " (");
        console_esc(p, r);
        strbuf_adds(b, ")</option>");
        n++;
    }
    strbuf_adds(b, "</select></div><button type=\"submit\"");
    if (!n) strbuf_adds(b, " disabled");
    strbuf_adds(b, ">");
    console_t(p, TX("Toegang geven", "Give access"));
    strbuf_adds(b, "</button></form>\n");
    json_decref(all);
}

static void org_page(http_request *req, http_response *res, int status, const tm_error *form_err)
{
    tm_error err = TM_ERROR_INIT;
    long long id = http_param_id(req, 0);
    json_t *o = organisations_get(req->db, &req->who, id, &err);
    json_t *waves = o ? organisations_waves(req->db, &req->who, id, &err) : NULL;
    json_t *members = waves ? users_of_organisation(req->db, id, &err) : NULL;
    if (!members) {
        console_fail(req, res, &err);
        tm_error_clear(&err);
        json_decref(o);
        json_decref(waves);
        return;
    }
    console_page p;
    strbuf *b = &p.b;
    console_begin(&p, req, TX("Organisatie", "Organisation"));
    strbuf_adds(b, "<p class=\"crumbs\"><a href=\"/beheer\">");
    console_t(&p, TX("Overzicht", "Overview"));
    strbuf_adds(b, "</a></p>\n<h1>");
    console_esc(&p, json_string_value(json_object_get(o, "name")));
    strbuf_adds(b, " <span class=\"meta\">");
    console_esc(&p, json_string_value(json_object_get(o, "code")));
    strbuf_adds(b, "</span></h1>\n");
    if (http_query(req, "klaar")) console_notice(&p, TX("Opgeslagen.", "Saved."));
    console_errors(&p, form_err);
    int write = role_may_write(req->who.role);

    strbuf_adds(b, "<h2>");
    console_t(&p, TX("Metingen", "Waves"));
    strbuf_adds(b, "</h2>\n");
    if (write)
        strbuf_addf(b,
                    "<p class=\"actions\"><a class=\"button\" "
                    "href=\"/beheer/organisaties/%lld/metingen/nieuw\">%s</a></p>\n",
                    id, tm_text_get(TX("Nieuwe meting", "New wave"), p.lang));
    if (!json_array_size(waves)) {
        strbuf_adds(b, "<p class=\"hint\">");
        console_t(&p, TX("Nog geen metingen.", "No waves yet."));
        strbuf_adds(b, "</p>\n");
    } else {
        strbuf_adds(b, "<ul>");
        size_t i;
        json_t *w;
        json_array_foreach(waves, i, w)
        {
            strbuf_addf(b, "<li><a href=\"/beheer/metingen/%lld\">",
                        (long long)json_integer_value(json_object_get(w, "id")));
            console_esc(&p, json_string_value(json_object_get(w, "name")));
            strbuf_adds(b, "</a> ");
            console_status(&p, json_string_value(json_object_get(w, "status")), 0);
            strbuf_adds(b, "</li>\n");
        }
        strbuf_adds(b, "</ul>\n");
    }

    if (write) {
        strbuf_adds(b, "<h2>");
        console_t(&p, TX("Naam en code", "Name and code"));
        strbuf_adds(b, "</h2>\n");
        char action[64];
        snprintf(action, sizeof action, "/beheer/organisaties/%lld", id);
        const char *name = form_err ? formdata_get(&req->form, "name") : NULL;
        const char *code = form_err ? formdata_get(&req->form, "code") : NULL;
        org_form(&p, action, name ? name : json_string_value(json_object_get(o, "name")),
                 code ? code : json_string_value(json_object_get(o, "code")), TX("Opslaan", "Save"),
                 form_err);
    }

    strbuf_adds(b, "<h2>");
    console_t(&p, TX("Vergelijken met andere gemeenten", "Comparison with other municipalities"));
    strbuf_adds(b, "</h2>\n<p>");
    int bench = json_is_true(json_object_get(o, "benchmark"));
    console_t(&p, bench ? TX("Deze organisatie telt mee in de benchmark: haar gesloten metingen "
                             "zijn vergelijkingsmateriaal voor andere gemeenten.",
                             "This organisation counts in the benchmark: its closed waves are "
                             "compared with other municipalities.")
                        : TX("Deze organisatie telt niet mee in de benchmark.",
                             "This organisation does not count in the benchmark."));
    strbuf_adds(b, "</p>\n");
    if (req->who.role == ROLE_ADMIN) {
        char action[96];
        snprintf(action, sizeof action, "/beheer/organisaties/%lld/benchmark", id);
        console_action(&p, action,
                       bench ? TX("Niet meer laten meetellen", "Stop counting it")
                             : TX("Laten meetellen in de benchmark", "Count it in the benchmark"),
                       "secondary", "benchmark", bench ? "0" : "1");
    }

    put_access(&p, id, members);
    if (req->who.role == ROLE_ADMIN) put_grant_form(&p, id, members, req->db);
    console_end(&p, res, status);
    json_decref(o);
    json_decref(waves);
    json_decref(members);
}

void route_console_org(http_request *req, http_response *res)
{
    org_page(req, res, 200, NULL);
}

/* After a change: back to the page, or the page again with the problem. */
static void after(http_request *req, http_response *res, int rc, tm_error *err)
{
    if (rc == 0) {
        char location[96];
        snprintf(location, sizeof location, "/beheer/organisaties/%lld?klaar=1",
                 http_param_id(req, 0));
        console_redirect(res, location);
    } else if (err->status == 422 || err->status == 409) {
        org_page(req, res, err->status, err);
    } else {
        console_fail(req, res, err);
    }
    tm_error_clear(err);
}

static int commit(http_request *req, int rc, const char *action, json_t *detail, tm_error *err)
{
    if (rc != 0) {
        json_decref(detail);
        audit_abort(req->db);
        return rc;
    }
    return audit_commit(req->db, &req->who, action, "organisation", http_param_id(req, 0), detail,
                        err);
}

void route_console_org_update(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    const char *name = formdata_get(&req->form, "name");
    int rc = audit_begin(req->db, &err);
    if (rc == 0)
        rc = organisations_update(req->db, &req->who, http_param_id(req, 0), name,
                                  formdata_get(&req->form, "code"), &err);
    rc = commit(req, rc, "organisation.update", rc == 0 ? json_pack("{s:s}", "name", name) : NULL,
                &err);
    after(req, res, rc, &err);
}

void route_console_org_access(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    long long org = http_param_id(req, 0);
    const char *u = formdata_get(&req->form, "user");
    long long user = u ? strtoll(u, NULL, 10) : 0;
    int grant =
        formdata_get(&req->form, "grant") && !strcmp(formdata_get(&req->form, "grant"), "1");
    json_t *o = organisations_get(req->db, &req->who, org, &err);
    int rc = o ? audit_begin(req->db, &err) : -1;
    json_decref(o);
    if (rc == 0) rc = users_grant(req->db, user, org, grant, &err);
    rc = commit(req, rc, grant ? "organisation.grant" : "organisation.revoke",
                rc == 0 ? json_pack("{s:I}", "user", (json_int_t)user) : NULL, &err);
    after(req, res, rc, &err);
}

void route_console_org_benchmark(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    long long org = http_param_id(req, 0);
    int on = formdata_get(&req->form, "benchmark") &&
             !strcmp(formdata_get(&req->form, "benchmark"), "1");
    int rc = audit_begin(req->db, &err);
    if (rc == 0) rc = organisations_set_benchmark(req->db, org, on, &err);
    rc = commit(req, rc, "organisation.benchmark",
                rc == 0 ? json_pack("{s:b}", "benchmark", on) : NULL, &err);
    after(req, res, rc, &err);
}
