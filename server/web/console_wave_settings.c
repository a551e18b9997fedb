/* console_wave_settings.c - a draft wave's own intent keys and rules in the
 * console (issue 12): two forms on the wave's edit page, and on the wave's
 * page what is still missing before it can open.
 *
 *   POST /beheer/metingen/{id}/bedoeling   a select per local knowledge
 *                                          question: the answer meant
 *   POST /beheer/metingen/{id}/regels      a textarea, one rule per line:
 *                                          "sleutel: tekst | English text"
 *
 * Both call the services of the API (server/app/wave_settings.h), in one
 * transaction with their audit entry; their problems are shown next to
 * the field, in Dutch first.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "server/app/audit.h"
#include "server/app/wave_settings.h"
#include "server/app/waves.h"
#include "server/web/console.h"
#include "server/web/console_routes.h"

#define KEY_FIELD_PREFIX "key." /* a select's name: "key." and the item key */

/* The wave's instrument and its API JSON (intended, rules), or a failure
 * page (then NULL). */
static const instrument *wave_and_instrument(http_request *req, http_response *res, json_t **wave)
{
    tm_error err = TM_ERROR_INIT;
    const instrument *in = app_instrument(req->app, req->db, req->wave.instrument_id, &err);
    *wave = in ? waves_json(req->db, req->wave.id, &err) : NULL;
    if (!*wave) {
        if (res) console_fail(req, res, &err);
        tm_error_clear(&err);
        return NULL;
    }
    return in;
}

/* The rules as the textarea shows them: "key: text | text_en" a line. */
static void rules_lines(strbuf *b, json_t *rules)
{
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r)
    {
        strbuf_addf(b, "%s: %s", json_string_value(json_object_get(r, "key")),
                    json_string_value(json_object_get(r, "text")));
        const char *en = json_string_value(json_object_get(r, "text_en"));
        if (en) strbuf_addf(b, " | %s", en);
        strbuf_addch(b, '\n');
    }
}

static void put_intended_form(console_page *p, const instrument *in, json_t *intended,
                              const tm_error *err)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<section class=\"card\" id=\"eigen-bedoeling\"><h2>");
    console_t(p, TX("Goede antwoorden van de eigen kennisvragen",
                    "Answers meant for the questions of your own policy"));
    strbuf_adds(b, "</h2>\n<p class=\"hint\">");
    console_t(p, TX("Deze kennisvragen gaan over het beleid van uw gemeente. Kies bij elke vraag "
                    "het antwoord dat uw beleid bedoelt; zonder goed antwoord kan de meting niet "
                    "open.",
                    "These knowledge questions are about your municipality's own policy. Choose "
                    "the answer your policy means for each; without them the wave cannot open."));
    strbuf_addf(b,
                "</p>\n<form method=\"post\" class=\"stack\" action=\"/beheer/metingen/%lld/"
                "bedoeling\">\n",
                p->req->wave.id);
    console_csrf(p);
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        if (it->type != ITEM_INTENT || it->intended != INTENDED_LOCAL) continue;
        const char *chosen = json_string_value(json_object_get(intended, it->key));
        strbuf_adds(b, "<div class=\"field\"><label for=\"f-");
        console_esc(p, it->key);
        strbuf_adds(b, "\">");
        console_esc(p, tm_text_get(it->text, p->lang));
        strbuf_adds(b, "</label>");
        int bad = console_field_errors(p, it->key, err);
        strbuf_adds(b, "<select id=\"f-");
        console_esc(p, it->key);
        strbuf_adds(b, "\" name=\"" KEY_FIELD_PREFIX);
        console_esc(p, it->key);
        strbuf_adds(b, bad ? "\" aria-invalid=\"true\"><option value=\"\">"
                           : "\"><option value=\"\">");
        console_t(p, TX("\u2014 kies het goede antwoord \u2014",
                        "\u2014 choose the answer meant \u2014"));
        strbuf_adds(b, "</option>");
        for (size_t o = 0; o < it->n_options; o++) {
            strbuf_adds(b, "<option value=\"");
            console_esc(p, it->options[o].key);
            strbuf_adds(b, chosen && !strcmp(chosen, it->options[o].key) ? "\" selected>" : "\">");
            console_esc(p, tm_text_get(it->options[o].label, p->lang));
            strbuf_adds(b, "</option>");
        }
        strbuf_adds(b, "</select></div>\n");
    }
    strbuf_adds(b, "<button type=\"submit\">");
    console_t(p, TX("Goede antwoorden opslaan", "Save the answers meant"));
    strbuf_adds(b, "</button>\n</form>\n</section>\n");
}

static void put_rules_form(console_page *p, const instrument *in, json_t *rules, const char *posted,
                           const tm_error *err)
{
    const tm_rules *r = instrument_rules(in);
    if (!r) return;
    strbuf *b = &p->b;
    strbuf_adds(b, "<section class=\"card\" id=\"regels\"><h2>");
    console_t(p, TX("Regels van de gemeente", "The municipality's rules"));
    strbuf_adds(b, "</h2>\n");
    strbuf_addf(b,
                "<form method=\"post\" class=\"stack\" action=\"/beheer/metingen/%lld/regels\">\n",
                p->req->wave.id);
    console_csrf(p);
    strbuf_adds(b, "<div class=\"field\"><label for=\"f-rules\">");
    console_t(p, TX("Regels (elk op een eigen regel)", "Rules (one per line)"));
    strbuf_adds(b, "</label><p class=\"hint\" id=\"h-rules\">");
    char min[16], max[16];
    snprintf(min, sizeof min, "%d", r->min);
    snprintf(max, sizeof max, "%d", r->max);
    const tm_text_var v[] = {{"min", min}, {"max", max}, {NULL, NULL}};
    console_tf(p,
               TX("Geef {min} tot {max} regels, of geen. Elke regel: een korte sleutel, een "
                  "dubbele punt en de tekst zoals medewerkers hem lezen; een Engelse tekst mag "
                  "erachter na \u2018 | \u2019. Bijvoorbeeld: hh-uren: Huishoudelijke hulp is "
                  "hoogstens 2,5 uur per week. Elke laag beoordeelt elke regel: helpt, maakt niet "
                  "uit, belemmert of ken ik niet.",
                  "Give {min} to {max} rules, or none. Each line: a short key, a colon and the "
                  "text as staff read it; an English text may follow after \u2018 | \u2019. For "
                  "example: hh-uren: Household help is at most 2.5 hours a week. Every layer "
                  "rates every rule: helps, makes no difference, hinders or don't know it."),
               v);
    strbuf_adds(b, "</p>");
    int bad = console_field_errors(p, "rules", err);
    strbuf_adds(b, "<textarea id=\"f-rules\" name=\"rules\" rows=\"12\" "
                   "aria-describedby=\"h-rules\"");
    if (bad) strbuf_adds(b, " aria-invalid=\"true\"");
    strbuf_adds(b, ">\n");
    if (posted) {
        console_esc(p, posted);
    } else {
        strbuf lines = STRBUF_INIT(1 << 20);
        rules_lines(&lines, rules);
        if (lines.buf) console_esc(p, lines.buf);
        strbuf_release(&lines);
    }
    strbuf_adds(b, "</textarea></div>\n<button type=\"submit\">");
    console_t(p, TX("Regels opslaan", "Save the rules"));
    strbuf_adds(b, "</button>\n</form>\n</section>\n");
}

void console_wave_settings_forms(console_page *p, const char *posted_rules, const tm_error *err)
{
    if (strcmp(p->req->wave.status, "draft") != 0) return;
    json_t *wave;
    const instrument *in = wave_and_instrument(p->req, NULL, &wave);
    if (!in) return;
    json_t *local = wave_settings_missing(in, NULL); /* every local knowledge question */
    if (json_array_size(local)) put_intended_form(p, in, json_object_get(wave, "intended"), err);
    json_decref(local);
    put_rules_form(p, in, json_object_get(wave, "rules"), posted_rules, err);
    json_decref(wave);
}

void console_wave_settings_summary(console_page *p)
{
    if (strcmp(p->req->wave.status, "draft") != 0) return;
    json_t *wave;
    const instrument *in = wave_and_instrument(p->req, NULL, &wave);
    if (!in) return;
    json_t *missing = wave_settings_missing(in, json_object_get(wave, "intended"));
    strbuf *b = &p->b;
    if (json_array_size(missing)) {
        strbuf_adds(b, "<div class=\"warning\" id=\"missing-keys\"><p>");
        console_t(p, TX("Voordat de meting open kan, kiest u het goede antwoord van deze eigen "
                        "kennisvragen (onder \u2018Bewerken\u2019):",
                        "Before the wave can open, choose the answer meant for these questions of "
                        "your own policy (under \u2018Edit\u2019):"));
        strbuf_adds(b, "</p><ul>");
        size_t i;
        json_t *k;
        json_array_foreach(missing, i, k)
        {
            const tm_item *it = instrument_item(in, json_string_value(k));
            strbuf_adds(b, "<li>");
            console_esc(p, tm_text_get(it->text, p->lang));
            strbuf_adds(b, " <span class=\"muted\">(");
            console_esc(p, it->key);
            strbuf_adds(b, ")</span></li>");
        }
        strbuf_adds(b, "</ul></div>\n");
    }
    if (instrument_rules(in)) {
        char n[16];
        snprintf(n, sizeof n, "%zu", json_array_size(json_object_get(wave, "rules")));
        const tm_text_var v[] = {{"n", n}, {NULL, NULL}};
        strbuf_adds(b, "<p id=\"rules-count\">");
        console_tf(p,
                   TX("Regels van de gemeente in deze meting: {n}.",
                      "The municipality's rules in this wave: {n}."),
                   v);
        strbuf_adds(b, "</p>\n");
    }
    json_decref(missing);
    json_decref(wave);
}

/* ---- the two changes ------------------------------------------------------ */

/* The change fn of the posted body, with its audit entry, in one
 * transaction; then back to the wave's page, or the edit page again with
 * the problems. */
static void change(http_request *req, http_response *res, json_t *body, const char *action,
                   json_t *(*fn)(app *, PGconn *, const wave_info *, json_t *, tm_error *),
                   const char *posted_rules)
{
    tm_error err = TM_ERROR_INIT;
    json_t *w = NULL;
    if (audit_begin(req->db, &err) == 0) {
        w = fn(req->app, req->db, &req->wave, body, &err);
        if (!w)
            audit_abort(req->db);
        else if (audit_commit(req->db, &req->who, action, "wave", req->wave.id, NULL, &err) != 0) {
            json_decref(w);
            w = NULL;
        }
    }
    if (!w) {
        size_t i;
        json_t *d;
        json_array_foreach(err.details, i, d)
        {
            const char *f = json_string_value(json_object_get(d, "field"));
            if (!f || strncmp(f, "rules[", 6)) continue;
            json_object_set_new(d, "row", json_integer(atoll(f + 6) + 1));
            json_object_set_new(d, "field", json_string("rules"));
        }
        if (err.status == 422 || err.status == 409)
            console_wave_edit_again(req, res, err.status, &err, posted_rules);
        else
            console_fail(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    json_decref(w);
    char location[80];
    snprintf(location, sizeof location, "/beheer/metingen/%lld?klaar=opgeslagen", req->wave.id);
    console_redirect(res, location);
}

void route_console_wave_intended(http_request *req, http_response *res)
{
    json_t *body = json_object();
    size_t plen = strlen(KEY_FIELD_PREFIX);
    for (size_t i = 0; i < req->form.n; i++) {
        const form_field *f = &req->form.fields[i];
        if (strncmp(f->name, KEY_FIELD_PREFIX, plen) || !f->value[0]) continue;
        json_object_set_new(body, f->name + plen, json_string(f->value));
    }
    change(req, res, body, "wave.intended", wave_settings_put_intended, NULL);
    json_decref(body);
}

/* One line of the textarea as a rule {"key", "text", "text_en"?}: "key:
 * text | English", the key optional (then "regel-N"). Surrounding spaces go. */
static json_t *rule_of_line(char *line, size_t n)
{
    while (*line && isspace((unsigned char)*line))
        line++;
    size_t len = strlen(line);
    while (len && isspace((unsigned char)line[len - 1]))
        line[--len] = '\0';
    char key[40];
    size_t k = strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789-");
    const char *text = line;
    if (k >= 1 && k <= 32 && line[k] == ':') {
        snprintf(key, sizeof key, "%.*s", (int)k, line);
        text = line + k + 1;
        while (*text == ' ')
            text++;
    } else {
        snprintf(key, sizeof key, "regel-%zu", n);
    }
    json_t *r = json_pack("{s:s}", "key", key);
    char *bar = strstr(text, " | ");
    if (bar) {
        *bar = '\0';
        json_object_set_new(r, "text_en", json_string(bar + 3));
    }
    json_object_set_new(r, "text", json_string(text));
    return r;
}

/* The service names rules[i].x; the console shows them all at its one
 * field, with the line they are on. */
void route_console_wave_rules(http_request *req, http_response *res)
{
    const char *text = formdata_get(&req->form, "rules");
    char *copy = strdup(text ? text : "");
    json_t *rules = json_array();
    size_t n = 0;
    for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[strspn(line, " \t\r")] == '\0') continue;
        json_array_append_new(rules, rule_of_line(line, ++n));
    }
    free(copy);
    change(req, res, rules, "wave.rules", wave_settings_put_rules, text ? text : "");
    json_decref(rules);
}
