/* console_admin.c - what only admins see in the console: API keys, the
 * people with an account, and the audit log.
 *
 *   GET/POST /beheer/sleutels               keys: list (last used), create (shown once)
 *   POST     /beheer/sleutels/{id}/intrekken  revoke (refused from the next request on)
 *   GET/POST /beheer/gebruikers             accounts: list, invite (a one-time password)
 *   GET/POST /beheer/gebruikers/{id}        role and organisations, disable, new password
 *   GET      /beheer/logboek                the audit log, newest first (?voor=ID)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/apikeys.h"
#include "server/app/audit.h"
#include "server/app/organisations.h"
#include "server/app/users.h"
#include "server/app/wave_admin.h"
#include "server/web/console.h"
#include "server/web/console_routes.h"

static const tm_text role_texts[3] = {
    {"beheerder (admin): alles, alle organisaties", "admin: everything, every organisation"},
    {"adviseur (consultant): de eigen organisaties beheren",
     "consultant: runs its own organisations"},
    {"kijker (viewer): de uitkomsten van \u00e9\u00e9n organisatie zien",
     "viewer: sees the results of one organisation"},
};
static const char *const role_keys[3] = {"admin", "consultant", "viewer"};

static void put_role_choice(console_page *p, const char *current, const tm_error *err)
{
    strbuf_adds(&p->b, "<fieldset class=\"field\" id=\"f-role\"><legend>");
    console_t(p, TX("Rol", "Role"));
    strbuf_adds(&p->b, "</legend>");
    console_field_errors(p, "role", err);
    for (int i = 0; i < 3; i++) {
        strbuf_addf(&p->b,
                    "<div class=\"choice\"><input type=\"radio\" id=\"f-role-%s\" name=\"role\" "
                    "value=\"%s\"%s><label for=\"f-role-%s\">",
                    role_keys[i], role_keys[i],
                    current && !strcmp(current, role_keys[i]) ? " checked" : "", role_keys[i]);
        console_t(p, role_texts[i]);
        strbuf_adds(&p->b, "</label></div>");
    }
    strbuf_adds(&p->b, "</fieldset>\n");
}

/* Check boxes of the organisations; checked: those in chosen (ids). */
static void put_org_choice(console_page *p, json_t *orgs, json_t *chosen, const tm_error *err)
{
    strbuf_adds(&p->b, "<fieldset class=\"field\" id=\"f-organisations\"><legend>");
    console_t(p, TX("Organisaties", "Organisations"));
    strbuf_adds(&p->b, "</legend><p class=\"hint\">");
    console_t(p, TX("Geen voor een beheerder; precies \u00e9\u00e9n voor een kijker.",
                    "None for an admin; exactly one for a viewer."));
    strbuf_adds(&p->b, "</p>");
    console_field_errors(p, "organisations", err);
    size_t i, j;
    json_t *o, *c;
    json_array_foreach(orgs, i, o)
    {
        json_int_t id = json_integer_value(json_object_get(o, "id"));
        int on = 0;
        json_array_foreach(chosen, j, c)
        {
            on |= json_integer_value(json_is_object(c) ? json_object_get(c, "id") : c) == id;
        }
        strbuf_addf(&p->b,
                    "<div class=\"choice\"><input type=\"checkbox\" id=\"f-org-%lld\" "
                    "name=\"organisation\" value=\"%lld\"%s><label for=\"f-org-%lld\">",
                    (long long)id, (long long)id, on ? " checked" : "", (long long)id);
        console_esc(p, json_string_value(json_object_get(o, "name")));
        strbuf_adds(&p->b, " (");
        console_esc(p, json_string_value(json_object_get(o, "code")));
        strbuf_adds(&p->b, ")</label></div>");
    }
    strbuf_adds(&p->b, "</fieldset>\n");
}

/* The organisation fields of the form as ids (new array). */
static json_t *posted_orgs(const form_data *f)
{
    json_t *ids = json_array();
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->fields[i].name, "organisation"))
            json_array_append_new(ids, json_integer(strtoll(f->fields[i].value, NULL, 10)));
    return ids;
}

static void put_secret(console_page *p, tm_text title, tm_text warning, const char *secret,
                       const char *id)
{
    strbuf_adds(&p->b, "<div class=\"card\" role=\"status\"><h2>");
    console_t(p, title);
    strbuf_adds(&p->b, "</h2><p class=\"warning\">");
    console_t(p, warning);
    strbuf_addf(&p->b, "</p><p class=\"secret\" id=\"%s\">", id);
    console_esc(p, secret);
    strbuf_adds(&p->b, "</p></div>\n");
}

static void put_org_names(console_page *p, json_t *orgs)
{
    size_t j;
    json_t *o;
    json_array_foreach(orgs, j, o)
    {
        if (j) strbuf_adds(&p->b, ", ");
        console_esc(p, json_string_value(json_object_get(o, "name")));
    }
    if (!json_array_size(orgs)) strbuf_adds(&p->b, "\u2013");
}

/* ---- keys --------------------------------------------------------------- */

static void keys_page(http_request *req, http_response *res, int status, const tm_error *form_err,
                      const char *new_key)
{
    tm_error err = TM_ERROR_INIT;
    json_t *keys = apikeys_list(req->db, &err);
    json_t *orgs = keys ? organisations_list(req->db, &req->who, &err) : NULL;
    if (!orgs) {
        json_decref(keys);
        console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    console_page p;
    strbuf *b = &p.b;
    console_begin(&p, req, TX("API-sleutels", "API keys"));
    console_h1(&p, TX("API-sleutels", "API keys"));
    if (http_query(req, "klaar"))
        console_notice(&p, TX("De sleutel is ingetrokken. Hij werkt "
                              "vanaf nu niet meer.",
                              "The key has been revoked. It no longer "
                              "works."));
    if (new_key)
        put_secret(&p, TX("Uw nieuwe sleutel", "Your new key"),
                   TX("Kopieer de sleutel nu. Hij wordt maar \u00e9\u00e9n keer getoond; wij "
                      "bewaren alleen een vingerafdruk ervan.",
                      "Copy the key now. It is shown only once; we keep only a fingerprint of "
                      "it."),
                   new_key, "new-key");
    console_errors(&p, form_err);
    strbuf_adds(b, "<p>");
    console_t(&p, TX("Met een API-sleutel praat een ander systeem met de Thermometer. Geef elke "
                     "sleutel een naam, zodat u weet waarvoor hij is. Trek een sleutel in zodra "
                     "hij niet meer nodig is.",
                     "An API key lets another system talk to the Thermometer. Give each key a "
                     "name, so you know what it is for. Revoke a key as soon as it is no longer "
                     "needed."));
    strbuf_adds(b, "</p>\n<div class=\"table\"><table><caption>");
    console_t(&p, TX("Alle sleutels", "All keys"));
    strbuf_adds(b, "</caption><thead><tr>");
    static const tm_text heads[] = {{"Nr.", "No."},          {"Naam", "Name"},
                                    {"Rol", "Role"},         {"Organisaties", "Organisations"},
                                    {"Gemaakt", "Created"},  {"Laatst gebruikt", "Last used"},
                                    {"Verloopt", "Expires"}, {"Status", "Status"},
                                    {"Actie", "Action"}};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        strbuf_adds(b, "<th scope=\"col\">");
        console_t(&p, heads[i]);
        strbuf_adds(b, "</th>");
    }
    strbuf_adds(b, "</tr></thead><tbody>\n");
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        long long id = json_integer_value(json_object_get(k, "id"));
        const char *name = json_string_value(json_object_get(k, "name"));
        strbuf_addf(b, "<tr><td>%lld</td><td>", id);
        if (name && *name)
            console_esc(&p, name);
        else
            console_t(&p, TX("(zonder naam)", "(no name)"));
        strbuf_adds(b, "</td><td>");
        console_esc(&p, json_string_value(json_object_get(k, "role")));
        strbuf_adds(b, "</td><td>");
        put_org_names(&p, json_object_get(k, "organisations"));
        strbuf_adds(b, "</td><td>");
        console_time(b, p.lang, json_string_value(json_object_get(k, "created_at")));
        strbuf_adds(b, "</td><td>");
        if (json_is_string(json_object_get(k, "last_used_at")))
            console_time(b, p.lang, json_string_value(json_object_get(k, "last_used_at")));
        else
            console_t(&p, TX("nooit", "never"));
        strbuf_adds(b, "</td><td>");
        if (json_is_string(json_object_get(k, "expires_at")))
            console_time(b, p.lang, json_string_value(json_object_get(k, "expires_at")));
        else
            console_t(&p, TX("niet", "never"));
        strbuf_adds(b, "</td><td>");
        int active = json_is_true(json_object_get(k, "active"));
        console_t(&p, active ? TX("actief", "active")
                      : json_is_string(json_object_get(k, "revoked_at"))
                          ? TX("ingetrokken", "revoked")
                          : TX("verlopen", "expired"));
        strbuf_adds(b, "</td><td>");
        if (active) {
            char action[64];
            snprintf(action, sizeof action, "/beheer/sleutels/%lld/intrekken", id);
            strbuf_adds(b, "<form method=\"post\" action=\"");
            console_esc(&p, action);
            strbuf_adds(b, "\">");
            console_csrf(&p);
            strbuf_adds(b, "<button type=\"submit\" class=\"secondary\">");
            console_t(&p, TX("Intrekken", "Revoke"));
            strbuf_adds(b, "<span class=\"visually-hidden\"> ");
            console_esc(&p, name);
            strbuf_adds(b, "</span></button></form>");
        }
        strbuf_adds(b, "</td></tr>\n");
    }
    strbuf_adds(b, "</tbody></table></div>\n<h2>");
    console_t(&p, TX("Nieuwe sleutel", "New key"));
    strbuf_adds(b, "</h2>\n<form method=\"post\" action=\"/beheer/sleutels\" class=\"stack "
                   "card\">\n");
    console_csrf(&p);
    const tm_text name_hint = TX("Waarvoor is de sleutel? Bijvoorbeeld: koppeling "
                                 "zaaksysteem.",
                                 "What is the key for? For example: case system link.");
    console_input(&p, "name", "text", TX("Naam", "Name"), &name_hint,
                  form_err ? formdata_get(&req->form, "name") : NULL,
                  "required maxlength=\"200\" autocomplete=\"off\"", form_err);
    put_role_choice(&p, form_err ? formdata_get(&req->form, "role") : "consultant", form_err);
    json_t *chosen = form_err ? posted_orgs(&req->form) : json_array();
    put_org_choice(&p, orgs, chosen, form_err);
    json_decref(chosen);
    const tm_text exp_hint = TX("Leeg laten: de sleutel verloopt niet. Hij werkt tot het eind "
                                "van deze dag (Nederlandse tijd).",
                                "Leave empty: the key does not expire. It works until the end "
                                "of this day (Netherlands time).");
    console_input(&p, "expires_at", "date",
                  TX("Verloopt op (niet verplicht)", "Expires on (optional)"), &exp_hint,
                  form_err ? formdata_get(&req->form, "expires_at") : NULL, NULL, form_err);
    strbuf_adds(b, "<button type=\"submit\">");
    console_t(&p, TX("Sleutel maken", "Create key"));
    strbuf_adds(b, "</button>\n</form>\n");
    console_end(&p, res, status);
    json_decref(keys);
    json_decref(orgs);
}

void route_console_keys(http_request *req, http_response *res)
{
    keys_page(req, res, 200, NULL, NULL);
}

void route_console_key_create(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    const char *date = formdata_get(&req->form, "expires_at");
    char expires[24] = "";
    json_t *k = NULL;
    if (wave_admin_local_time(req->db, "expires_at", date, NULL, "23:59", expires, &err) >= 0) {
        json_t *body = json_pack("{s:s, s:s, s:o}", "name", formdata_get(&req->form, "name") ?: "",
                                 "role", formdata_get(&req->form, "role") ?: "", "organisations",
                                 posted_orgs(&req->form));
        if (expires[0]) json_object_set_new(body, "expires_at", json_string(expires));
        if (!tm_error_count(&err) && audit_begin(req->db, &err) == 0) {
            k = apikeys_create(req->db, body, &err);
            if (!k)
                audit_abort(req->db);
            else if (audit_commit(req->db, &req->who, "key.create", "key",
                                  json_integer_value(json_object_get(k, "id")),
                                  json_pack("{s:O, s:O}", "name", json_object_get(k, "name"),
                                            "role", json_object_get(k, "role")),
                                  &err) != 0) {
                json_decref(k);
                k = NULL;
            }
        } else if (tm_error_count(&err)) {
            tm_error_set(&err, 422, "the API key cannot be created");
        }
        json_decref(body);
    }
    if (!k) {
        keys_page(req, res, err.status == 422 ? 422 : 500, &err, NULL);
        tm_error_clear(&err);
        return;
    }
    keys_page(req, res, 201, NULL, json_string_value(json_object_get(k, "key")));
    json_decref(k);
}

void route_console_key_revoke(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    long long id = http_param_id(req, 0);
    int rc = audit_begin(req->db, &err);
    if (rc == 0) rc = apikeys_revoke(req->db, id, &err);
    if (rc == 0)
        rc = audit_commit(req->db, &req->who, "key.revoke", "key", id, NULL, &err);
    else
        audit_abort(req->db);
    if (rc != 0) {
        keys_page(req, res, err.status == 404 || err.status == 409 ? err.status : 500, &err, NULL);
        tm_error_clear(&err);
        return;
    }
    console_redirect(res, "/beheer/sleutels?klaar=1");
}

/* ---- users -------------------------------------------------------------- */

static void users_page(http_request *req, http_response *res, int status, const tm_error *form_err,
                       const char *email, const char *one_time)
{
    tm_error err = TM_ERROR_INIT;
    json_t *users = users_list(req->db, 0, &err);
    json_t *orgs = users ? organisations_list(req->db, &req->who, &err) : NULL;
    if (!orgs) {
        json_decref(users);
        console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    console_page p;
    strbuf *b = &p.b;
    console_begin(&p, req, TX("Gebruikers", "Users"));
    console_h1(&p, TX("Gebruikers", "Users"));
    if (one_time) {
        const tm_text_var v[] = {{"email", email}, {NULL, NULL}};
        strbuf_adds(b, "<div class=\"card\" role=\"status\"><h2>");
        console_t(&p, TX("Account gemaakt", "Account created"));
        strbuf_adds(b, "</h2><p>");
        console_tf(&p,
                   TX("Geef dit eenmalige wachtwoord aan {email}, bijvoorbeeld per telefoon. "
                      "Bij de eerste keer inloggen kiest die persoon een eigen wachtwoord.",
                      "Give this one-time password to {email}, for example by phone. At the "
                      "first sign-in they choose a password of their own."),
                   v);
        strbuf_adds(b, "</p><p class=\"warning\">");
        console_t(&p, TX("Het wachtwoord wordt maar \u00e9\u00e9n keer getoond.",
                         "The password is shown only once."));
        strbuf_adds(b, "</p><p class=\"secret\" id=\"one-time\">");
        console_esc(&p, one_time);
        strbuf_adds(b, "</p></div>\n");
    }
    console_errors(&p, form_err);
    strbuf_adds(b, "<div class=\"table\"><table><caption>");
    console_t(&p, TX("Alle accounts", "All accounts"));
    strbuf_adds(b, "</caption><thead><tr>");
    static const tm_text heads[] = {{"Naam", "Name"},
                                    {"E-mailadres", "E-mail address"},
                                    {"Rol", "Role"},
                                    {"Organisaties", "Organisations"},
                                    {"Status", "Status"}};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        strbuf_adds(b, "<th scope=\"col\">");
        console_t(&p, heads[i]);
        strbuf_adds(b, "</th>");
    }
    strbuf_adds(b, "</tr></thead><tbody>\n");
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        strbuf_addf(b, "<tr><th scope=\"row\"><a href=\"/beheer/gebruikers/%lld\">",
                    (long long)json_integer_value(json_object_get(u, "id")));
        console_esc(&p, json_string_value(json_object_get(u, "name")));
        strbuf_adds(b, "</a></th><td>");
        console_esc(&p, json_string_value(json_object_get(u, "email")));
        strbuf_adds(b, "</td><td>");
        console_esc(&p, json_string_value(json_object_get(u, "role")));
        strbuf_adds(b, "</td><td>");
        put_org_names(&p, json_object_get(u, "organisations"));
        strbuf_adds(b, "</td><td>");
        console_t(&p, json_is_true(json_object_get(u, "disabled")) ? TX("uitgezet", "disabled")
                                                                   : TX("actief", "active"));
        strbuf_adds(b, "</td></tr>\n");
    }
    strbuf_adds(b, "</tbody></table></div>\n<h2>");
    console_t(&p, TX("Iemand uitnodigen", "Invite someone"));
    strbuf_adds(b, "</h2>\n<form method=\"post\" action=\"/beheer/gebruikers\" class=\"stack "
                   "card\">\n");
    console_csrf(&p);
    console_input(&p, "email", "email", TX("E-mailadres", "E-mail address"), NULL,
                  form_err ? formdata_get(&req->form, "email") : NULL,
                  "required autocomplete=\"off\"", form_err);
    console_input(&p, "name", "text", TX("Naam", "Name"), NULL,
                  form_err ? formdata_get(&req->form, "name") : NULL,
                  "required maxlength=\"200\" autocomplete=\"off\"", form_err);
    put_role_choice(&p, form_err ? formdata_get(&req->form, "role") : "consultant", form_err);
    json_t *chosen = form_err ? posted_orgs(&req->form) : json_array();
    put_org_choice(&p, orgs, chosen, form_err);
    json_decref(chosen);
    strbuf_adds(b, "<button type=\"submit\">");
    console_t(&p, TX("Account maken", "Create account"));
    strbuf_adds(b, "</button>\n</form>\n");
    console_end(&p, res, status);
    json_decref(users);
    json_decref(orgs);
}

void route_console_users(http_request *req, http_response *res)
{
    users_page(req, res, 200, NULL, NULL, NULL);
}

/* The posted organisation ids into ids (at most max); their number. */
static size_t org_ids(const form_data *f, long long *ids, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n && n < max; i++)
        if (!strcmp(f->fields[i].name, "organisation"))
            ids[n++] = strtoll(f->fields[i].value, NULL, 10);
    return n;
}

void route_console_user_create(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    long long ids[256];
    size_t n = org_ids(&req->form, ids, 256);
    users_new u = {formdata_get(&req->form, "email"), formdata_get(&req->form, "name"),
                   formdata_get(&req->form, "role"), ids, n};
    char one_time[USERS_ONE_TIME_MAX];
    long long id = 0;
    int rc = audit_begin(req->db, &err);
    if (rc == 0) rc = users_create(req->db, &u, one_time, &id, &err);
    if (rc == 0)
        rc = audit_commit(req->db, &req->who, "user.create", "user", id,
                          json_pack("{s:s, s:s}", "name", u.name, "role", u.role), &err);
    else
        audit_abort(req->db);
    if (rc != 0) {
        users_page(req, res, err.status == 422 || err.status == 409 ? err.status : 500, &err, NULL,
                   NULL);
        tm_error_clear(&err);
        return;
    }
    users_page(req, res, 201, NULL, u.email, one_time);
}

static void user_page(http_request *req, http_response *res, int status, const tm_error *form_err,
                      const char *one_time)
{
    tm_error err = TM_ERROR_INIT;
    long long id = http_param_id(req, 0);
    json_t *list = users_list(req->db, id, &err);
    json_t *orgs = list ? organisations_list(req->db, &req->who, &err) : NULL;
    json_t *u = json_array_get(list, 0);
    if (!orgs || !u) {
        if (!err.status) tm_error_set(&err, 404, "user %lld does not exist", id);
        json_decref(list);
        json_decref(orgs);
        console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    console_page p;
    strbuf *b = &p.b;
    console_begin(&p, req, TX("Gebruiker", "User"));
    strbuf_adds(b, "<p class=\"crumbs\"><a href=\"/beheer/gebruikers\">");
    console_t(&p, TX("Gebruikers", "Users"));
    strbuf_adds(b, "</a></p>\n<h1>");
    console_esc(&p, json_string_value(json_object_get(u, "name")));
    strbuf_adds(b, "</h1>\n<p>");
    console_esc(&p, json_string_value(json_object_get(u, "email")));
    strbuf_adds(b, "</p>\n");
    if (http_query(req, "klaar")) console_notice(&p, TX("Opgeslagen.", "Saved."));
    if (one_time)
        put_secret(&p, TX("Nieuw eenmalig wachtwoord", "New one-time password"),
                   TX("Geef dit wachtwoord door. Het wordt maar \u00e9\u00e9n keer getoond.",
                      "Pass this password on. It is shown only once."),
                   one_time, "one-time");
    console_errors(&p, form_err);
    int disabled = json_is_true(json_object_get(u, "disabled"));
    char action[64];
    snprintf(action, sizeof action, "/beheer/gebruikers/%lld", id);
    strbuf_adds(b, "<form method=\"post\" class=\"stack card\" action=\"");
    console_esc(&p, action);
    strbuf_adds(b, "\">\n");
    console_csrf(&p);
    strbuf_adds(b, "<input type=\"hidden\" name=\"do\" value=\"role\">");
    put_role_choice(&p,
                    form_err && formdata_get(&req->form, "role")
                        ? formdata_get(&req->form, "role")
                        : json_string_value(json_object_get(u, "role")),
                    form_err);
    json_t *chosen =
        form_err ? posted_orgs(&req->form) : json_incref(json_object_get(u, "organisations"));
    put_org_choice(&p, orgs, chosen, form_err);
    json_decref(chosen);
    strbuf_adds(b, "<button type=\"submit\">");
    console_t(&p, TX("Rol opslaan", "Save role"));
    strbuf_adds(b, "</button>\n</form>\n<div class=\"actions\">");
    console_action(&p, action, TX("Nieuw eenmalig wachtwoord", "New one-time password"),
                   "secondary", "do", "reset");
    console_action(&p, action,
                   disabled ? TX("Account weer aanzetten", "Enable the account")
                            : TX("Account uitzetten", "Disable the account"),
                   disabled ? "secondary" : "danger", "do", disabled ? "enable" : "disable");
    strbuf_adds(b, "</div>\n");
    console_end(&p, res, status);
    json_decref(list);
    json_decref(orgs);
}

void route_console_user(http_request *req, http_response *res)
{
    user_page(req, res, 200, NULL, NULL);
}

void route_console_user_update(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    long long id = http_param_id(req, 0);
    const char *what = formdata_get(&req->form, "do");
    char one_time[USERS_ONE_TIME_MAX] = "";
    const char *action = NULL;
    int rc = audit_begin(req->db, &err);
    if (rc == 0 && what && !strcmp(what, "role")) {
        long long ids[256];
        size_t n = org_ids(&req->form, ids, 256);
        rc = users_set_role(req->db, &req->who, id, formdata_get(&req->form, "role"), ids, n, &err);
        action = "user.role";
    } else if (rc == 0 && what && (!strcmp(what, "disable") || !strcmp(what, "enable"))) {
        rc = users_set_disabled(req->db, &req->who, id, !strcmp(what, "disable"), &err);
        action = !strcmp(what, "disable") ? "user.disable" : "user.enable";
    } else if (rc == 0 && what && !strcmp(what, "reset")) {
        rc = users_reset_password(req->db, id, one_time, &err);
        action = "user.reset";
    } else if (rc == 0) {
        rc = tm_error_set(&err, 400, "the form was not understood");
    }
    if (rc == 0)
        rc = audit_commit(req->db, &req->who, action, "user", id,
                          !strcmp(action, "user.role")
                              ? json_pack("{s:s}", "role", formdata_get(&req->form, "role"))
                              : NULL,
                          &err);
    else
        audit_abort(req->db);
    if (rc != 0) {
        user_page(req, res, err.status >= 400 && err.status < 500 ? err.status : 500, &err, NULL);
        tm_error_clear(&err);
        return;
    }
    if (one_time[0]) {
        user_page(req, res, 200, NULL, one_time);
        return;
    }
    char location[64];
    snprintf(location, sizeof location, "/beheer/gebruikers/%lld?klaar=1", id);
    console_redirect(res, location);
}

/* ---- the audit log ------------------------------------------------------ */

void route_console_audit(http_request *req, http_response *res)
{
    const char *before_text = http_query(req, "voor");
    long long before = before_text ? strtoll(before_text, NULL, 10) : 0;
    tm_error err = TM_ERROR_INIT;
    json_t *list = audit_list(req->db, 100, before > 0 ? before : 0, &err);
    if (!list) {
        console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    console_page p;
    strbuf *b = &p.b;
    console_begin(&p, req, TX("Logboek", "Audit log"));
    console_h1(&p, TX("Logboek", "Audit log"));
    strbuf_adds(b, "<p>");
    console_t(&p, TX("Elke wijziging: wie, wat, aan welk onderdeel en wanneer. Antwoorden, "
                     "links, sleutels en wachtwoorden staan hier nooit in.",
                     "Every change: who, what, to which object and when. Answers, links, keys "
                     "and passwords are never in it."));
    strbuf_adds(b, "</p>\n<div class=\"table\"><table><thead><tr>");
    static const tm_text heads[] = {{"Wanneer", "When"},
                                    {"Wie", "Who"},
                                    {"Wat", "What"},
                                    {"Onderdeel", "Object"},
                                    {"Details", "Details"}};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        strbuf_adds(b, "<th scope=\"col\">");
        console_t(&p, heads[i]);
        strbuf_adds(b, "</th>");
    }
    strbuf_adds(b, "</tr></thead><tbody>\n");
    size_t i;
    json_t *e;
    long long last = 0;
    json_array_foreach(list, i, e)
    {
        last = json_integer_value(json_object_get(e, "id"));
        strbuf_adds(b, "<tr><td>");
        console_time(b, p.lang, json_string_value(json_object_get(e, "at")));
        strbuf_adds(b, "</td><td>");
        console_esc(&p, json_string_value(json_object_get(e, "actor_name")));
        strbuf_adds(b, "</td><td>");
        console_esc(&p, json_string_value(json_object_get(e, "action")));
        strbuf_adds(b, "</td><td>");
        if (json_is_string(json_object_get(e, "object_type"))) {
            console_esc(&p, json_string_value(json_object_get(e, "object_type")));
            if (json_is_integer(json_object_get(e, "object_id")))
                strbuf_addf(b, " %lld",
                            (long long)json_integer_value(json_object_get(e, "object_id")));
        }
        strbuf_adds(b, "</td><td>");
        json_t *d = json_object_get(e, "detail");
        if (d && !json_is_null(d)) {
            char *s = json_dumps(d, JSON_COMPACT);
            console_esc(&p, s);
            free(s);
        }
        strbuf_adds(b, "</td></tr>\n");
    }
    strbuf_adds(b, "</tbody></table></div>\n");
    if (json_array_size(list) == 100)
        strbuf_addf(b, "<p><a href=\"/beheer/logboek?voor=%lld\">%s</a></p>\n", last,
                    tm_text_get(TX("Oudere wijzigingen", "Older changes"), p.lang));
    json_decref(list);
    console_end(&p, res, 200);
}
