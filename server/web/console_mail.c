/* console_mail.c - "Uitnodigen per e-mail": invitations and reminders by
 * e-mail in the console (issue 15). Each form calls one service of
 * server/app/mail.h, as the API does; this file only reads forms and
 * writes the page.
 *
 *   GET  /beheer/metingen/{id}/email              counts, failed addresses, the forms below
 *   POST /beheer/metingen/{id}/email/adressen     a list of addresses (a file or pasted)
 *   POST /beheer/metingen/{id}/email/teksten      the wording, Dutch and English
 *   POST /beheer/metingen/{id}/email/test         a test mail to oneself
 *   POST /beheer/metingen/{id}/email/versturen    send the invitations
 *   POST /beheer/metingen/{id}/email/herinneren   a reminder round now
 *   POST /beheer/metingen/{id}/email/schema       the reminder schedule
 *
 * Addresses appear on the page only where the coordinator needs one (a bad
 * line of an upload, an address the relay refused); the audit log records
 * counts, never an address. Nothing here says who has answered. Without
 * SMTP_URL the page says so and offers the mail merge instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/audit.h"
#include "server/app/mail.h"
#include "server/web/console.h"
#include "server/web/console_routes.h"
#include "server/web/formdata.h"

static const char *const langs[] = {"nl", "en"};
static const char *const kinds[] = {"invitation", "reminder"};

/* What a failed form leaves for the page: its problems and what was typed. */
typedef struct mail_form {
    const tm_error *err; /* NULL: no problem */
    const char *list;    /* the pasted addresses of a failed upload */
    json_t *wording;     /* the wording of a failed save (borrowed), as mail_templates_get */
    const char *to;      /* the address of a failed test mail */
    const char *layer;   /* the layer chosen for a failed upload */
} mail_form;

static tm_text kind_label(const char *lang, const char *kind)
{
    int inv = !strcmp(kind, "invitation");
    if (!strcmp(lang, "en"))
        return inv ? TX("Uitnodiging, Engels", "Invitation, English")
                   : TX("Herinnering, Engels", "Reminder, English");
    return inv ? TX("Uitnodiging, Nederlands", "Invitation, Dutch")
               : TX("Herinnering, Nederlands", "Reminder, Dutch");
}

static long long count_of(json_t *o, const char *name)
{
    return (long long)json_integer_value(json_object_get(o, name));
}

/* ---- problems and notices ----------------------------------------------- */

/* A failed upload names every bad line with its address: the summary
 * console_errors gives other forms has no place for either. */
static int put_list_problems(console_page *p, const tm_error *err)
{
    json_t *first = json_array_get(err ? err->details : NULL, 0);
    if (!json_is_integer(json_object_get(first, "line"))) return 0;
    strbuf *b = &p->b;
    strbuf_adds(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">\n"
                   "<h2>");
    console_t(p, TX("De lijst is niet opgeslagen", "The list was not stored"));
    strbuf_adds(b, "</h2>\n<p>");
    console_error_text(b, p->lang, err->message);
    strbuf_adds(b, "</p>\n<ul>\n");
    size_t i;
    json_t *d;
    json_array_foreach(err->details, i, d)
    {
        strbuf_adds(b, "<li>");
        json_t *line = json_object_get(d, "line");
        if (json_is_integer(line))
            strbuf_addf(b, "%s %lld: <strong>", tm_text_get(TX("Regel", "Line"), p->lang),
                        (long long)json_integer_value(line));
        else
            strbuf_adds(b, "<strong>");
        console_esc(p, json_string_value(json_object_get(d, "email")));
        strbuf_adds(b, "</strong> ");
        /* The problem follows the address: in English as the service says it. */
        const char *why = json_string_value(json_object_get(d, "error"));
        if (!strcmp(p->lang, "en"))
            console_esc(p, why);
        else
            console_error_text(b, p->lang, why);
        strbuf_adds(b, "</li>\n");
    }
    strbuf_adds(b, "</ul>\n</div>\n");
    return 1;
}

typedef struct done_notice {
    const char *code;
    tm_text one;  /* for ?n=1 */
    tm_text many; /* {n}: the number in ?n= */
} done_notice;

static const done_notice notices[] = {
    {"adressen",
     {"1 adres toegevoegd. Er is nog niets verstuurd: bekijk de tekst en verstuur dan de "
      "uitnodiging.",
      "1 address added. Nothing has been sent yet: check the wording, then send the "
      "invitation."},
     {"{n} adressen toegevoegd. Er is nog niets verstuurd: bekijk de tekst en verstuur dan de "
      "uitnodigingen.",
      "{n} addresses added. Nothing has been sent yet: check the wording, then send the "
      "invitations."}},
    {"teksten", {NULL, NULL}, {"De teksten zijn opgeslagen.", "The wording has been saved."}},
    {"test",
     {NULL, NULL},
     {"De testmail is verstuurd. Kijk in uw postvak.", "The test mail has been sent. Check your "
                                                       "inbox."}},
    {"verstuurd",
     {"1 uitnodiging staat klaar en gaat nu de deur uit.", "1 invitation is queued and going "
                                                           "out now."},
     {"{n} uitnodigingen staan klaar en gaan nu de deur uit.",
      "{n} invitations are queued and going out now."}},
    {"herinnerd",
     {"1 herinnering staat klaar en gaat nu de deur uit.", "1 reminder is queued and going out "
                                                           "now."},
     {"{n} herinneringen staan klaar en gaan nu de deur uit.",
      "{n} reminders are queued and going out now."}},
    {"schema",
     {NULL, NULL},
     {"Het schema voor herinneringen is opgeslagen.", "The reminder schedule has been saved."}},
};

static void put_notice(console_page *p)
{
    const char *done = http_query(p->req, "klaar");
    const char *n = http_query(p->req, "n");
    char num[24] = "0";
    if (n && strspn(n, "0123456789") == strlen(n) && strlen(n) < sizeof num)
        snprintf(num, sizeof num, "%s", n);
    tm_text_var vars[] = {{"n", num}, {NULL, NULL}};
    for (size_t i = 0; done && i < sizeof notices / sizeof *notices; i++)
        if (!strcmp(done, notices[i].code)) {
            int one = notices[i].one.nl && !strcmp(num, "1");
            strbuf_adds(&p->b, "<p class=\"notice\" role=\"status\">");
            console_tf(p, one ? notices[i].one : notices[i].many, vars);
            strbuf_adds(&p->b, "</p>\n");
        }
}

/* ---- without a relay ---------------------------------------------------- */

static void put_not_set_up(console_page *p, const instrument *in)
{
    strbuf *b = &p->b;
    long long id = p->req->wave.id;
    strbuf_adds(b, "<section class=\"card\" aria-labelledby=\"not-set-up\">\n"
                   "<h2 id=\"not-set-up\">");
    console_t(p, TX("E-mail is niet ingesteld", "Mail is not set up"));
    strbuf_adds(b, "</h2>\n<p>");
    console_t(p, TX("Deze server verstuurt geen e-mail: hij weet niet via welke mailserver. "
                    "Wie de server beheert, stelt dat in met SMTP_URL (de mailserver van de "
                    "gemeente) en MAIL_FROM (het afzendadres) en start de server opnieuw. De "
                    "README legt het uit onder \u201cMail\u201d.",
                    "This server sends no e-mail: it does not know which mail server to use. "
                    "Whoever runs the server sets SMTP_URL (the municipality's mail server) and "
                    "MAIL_FROM (the sender's address) and restarts the server. The README "
                    "explains it under \u201cMail\u201d."));
    strbuf_adds(b, "</p>\n<p>");
    console_t(p, TX("Tot dan kunt u de uitnodigingen als bestand (CSV) maken en zelf samenvoegen "
                    "in een mailing. U krijgt de links maar \u00e9\u00e9n keer: bewaar het "
                    "bestand veilig en verwijder het na de mailing.",
                    "Until then you can make the invitations as a file (CSV) and merge them in a "
                    "mailing yourself. You get the links only once: keep the file safe and "
                    "delete it after the mailing."));
    strbuf_addf(b,
                "</p>\n<form method=\"post\" class=\"stack\" action=\"/beheer/metingen/%lld/"
                "uitnodigingen\">\n",
                id);
    console_csrf(p);
    strbuf_adds(b, "<div class=\"field\"><label for=\"f-layer\">");
    console_t(p, TX("Laag", "Layer"));
    strbuf_adds(b, "</label>");
    console_layer_select(p, in, "f-layer", "layer", NULL);
    strbuf_adds(b, "</div>\n");
    const tm_text hint = TX("Van 1 tot 10.000.", "From 1 to 10,000.");
    console_input(p, "count", "number", TX("Aantal uitnodigingen", "Number of invitations"), &hint,
                  NULL, "required min=\"1\" max=\"10000\" step=\"1\"", NULL);
    strbuf_adds(b, "<button type=\"submit\">");
    console_t(p, TX("CSV voor de mailing downloaden", "Download the CSV for the mailing"));
    strbuf_adds(b, "</button>\n</form>\n</section>\n");
}

/* ---- counts ------------------------------------------------------------- */

static const struct {
    const char *name;
    tm_text head;
} columns[] = {
    {"recipients", {"Adressen", "Addresses"}},
    {"not_sent", {"Nog niet verstuurd", "Not sent yet"}},
    {"queued", {"In de wachtrij", "Queued"}},
    {"invited", {"Verstuurd", "Sent"}},
    {"failed", {"Mislukt", "Failed"}},
    {"declined", {"Afgemeld", "Declined"}},
    {"reminders_sent", {"Herinneringen", "Reminders"}},
};

static void put_count_row(console_page *p, const char *label, json_t *row, int total)
{
    strbuf *b = &p->b;
    strbuf_adds(b, total ? "<tr><th scope=\"row\">" : "<tr><td>");
    console_esc(p, label);
    strbuf_adds(b, total ? "</th>" : "</td>");
    for (size_t k = 0; k < sizeof columns / sizeof *columns; k++)
        strbuf_addf(b, "<td class=\"num\">%lld</td>", count_of(row, columns[k].name));
    strbuf_adds(b, "</tr>\n");
}

static void put_failed(console_page *p, const instrument *in, json_t *failed)
{
    if (!json_array_size(failed)) return;
    strbuf *b = &p->b;
    strbuf_adds(b, "<h3>");
    console_t(p, TX("Niet bezorgd", "Not delivered"));
    strbuf_adds(b, "</h3>\n<p class=\"hint\">");
    console_t(p, TX("De mailserver weigerde deze adressen. Controleer ze en voeg een verbeterd "
                    "adres opnieuw toe.",
                    "The mail server refused these addresses. Check them and add a corrected "
                    "address again."));
    strbuf_adds(b, "</p>\n<ul class=\"failed\">\n");
    size_t i;
    json_t *f;
    json_array_foreach(failed, i, f)
    {
        strbuf_adds(b, "<li>");
        console_t(p, TX("mislukt", "failed"));
        strbuf_adds(b, ": ");
        console_esc(p, json_string_value(json_object_get(f, "email")));
        strbuf_adds(b, " (");
        console_esc(
            p, console_layer_label(in, json_string_value(json_object_get(f, "layer")), p->lang));
        strbuf_adds(b, ")");
        const char *why = json_string_value(json_object_get(f, "error"));
        if (why && *why) {
            strbuf_adds(b, " \u2013 ");
            console_esc(p, why);
        }
        strbuf_adds(b, "</li>\n");
    }
    strbuf_adds(b, "</ul>\n");
}

static void put_counts(console_page *p, const instrument *in, json_t *st)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<section class=\"card\" aria-labelledby=\"counts\">\n<h2 id=\"counts\">");
    console_t(p, TX("Stand", "Status"));
    strbuf_adds(b, "</h2>\n<p class=\"hint\">");
    console_t(p, TX("Tellingen per laag. Wie de vragenlijst heeft ingevuld, ziet u hier niet: "
                    "dat blijft anoniem.",
                    "Counts per layer. Who has filled in the questionnaire is not shown here: "
                    "that stays anonymous."));
    strbuf_adds(b, "</p>\n");
    const char *relay_error =
        json_string_value(json_object_get(json_object_get(st, "relay"), "relay_error"));
    if (relay_error) {
        strbuf_adds(b, "<p class=\"warning\">");
        console_t(p, TX("De mailserver neemt nu geen berichten aan. Er gaat niets verloren: de "
                        "server probeert het later opnieuw. De mailserver zei: ",
                        "The mail server is not taking messages now. Nothing is lost: the server "
                        "tries again later. The mail server said: "));
        console_esc(p, relay_error);
        strbuf_adds(b, "</p>\n");
    }
    strbuf_adds(b, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
    console_t(p, TX("Laag", "Layer"));
    strbuf_adds(b, "</th>");
    for (size_t k = 0; k < sizeof columns / sizeof *columns; k++) {
        strbuf_adds(b, "<th scope=\"col\" class=\"num\">");
        console_t(p, columns[k].head);
        strbuf_adds(b, "</th>");
    }
    strbuf_adds(b, "</tr></thead><tbody>\n");
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(st, "layers"), i, row) put_count_row(
        p, console_layer_label(in, json_string_value(json_object_get(row, "layer")), p->lang), row,
        0);
    put_count_row(p, tm_text_get(TX("Totaal", "Total"), p->lang), json_object_get(st, "totals"), 1);
    strbuf_adds(b, "</tbody></table></div>\n");
    put_failed(p, in, json_object_get(st, "failed"));
    strbuf_adds(b, "</section>\n");
}

/* ---- the forms ---------------------------------------------------------- */

static void put_upload(console_page *p, const instrument *in, const mail_form *f)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<section class=\"card\" aria-labelledby=\"upload\">\n<h2 id=\"upload\">");
    console_t(p, TX("1. Adressen toevoegen", "1. Add addresses"));
    strbuf_addf(b,
                "</h2>\n<form method=\"post\" class=\"stack\" enctype=\"multipart/form-data\" "
                "action=\"/beheer/metingen/%lld/email/adressen\">\n",
                p->req->wave.id);
    console_csrf(p);
    strbuf_adds(b, "<div class=\"field\"><label for=\"f-file\">");
    console_t(p, TX("Een bestand (CSV)", "A file (CSV)"));
    strbuf_adds(b, "</label><span class=\"hint\" id=\"h-file\">");
    console_t(p, TX("E\u00e9n adres per regel met de laag erachter: "
                    "j.jansen@gemeente.nl;beleid. Een kopregel email;laag mag; een derde "
                    "kolom en stuurt die persoon de Engelse tekst. In Excel: opslaan als "
                    "\u201cCSV UTF-8\u201d.",
                    "One address per line followed by its layer: j.jansen@gemeente.nl;beleid. "
                    "A header line email;laag is fine; a third column en sends that person the "
                    "English text. In Excel: save as \u201cCSV UTF-8\u201d."));
    strbuf_adds(b, "</span><input type=\"file\" id=\"f-file\" name=\"file\" "
                   "accept=\".csv,.txt,text/csv,text/plain\" aria-describedby=\"h-file\"></div>\n");
    strbuf_adds(b, "<div class=\"field\"><label for=\"f-list\">");
    console_t(p, TX("Of plak de adressen van \u00e9\u00e9n laag", "Or paste the addresses of one "
                                                                  "layer"));
    strbuf_adds(b, "</label><span class=\"hint\" id=\"h-list\">");
    console_t(p, TX("E\u00e9n adres per regel.", "One address per line."));
    console_field_errors(p, "list", f->err);
    strbuf_adds(b, "</span><textarea id=\"f-list\" name=\"list\" rows=\"8\" "
                   "aria-describedby=\"h-list\">");
    console_esc(p, f->list);
    strbuf_adds(b, "</textarea></div>\n<div class=\"field\"><label for=\"f-layer\">");
    console_t(p, TX("Laag van de geplakte adressen", "Layer of the pasted addresses"));
    strbuf_adds(b, "</label>");
    console_layer_select(p, in, "f-layer", "layer", f->layer);
    strbuf_adds(b, "</div>\n<div class=\"field\"><label for=\"f-lang\">");
    console_t(p, TX("Taal van de e-mail", "Language of the e-mail"));
    strbuf_adds(b, "</label><select id=\"f-lang\" name=\"lang\"><option value=\"nl\">");
    console_t(p, TX("Nederlands", "Dutch"));
    strbuf_adds(b, "</option><option value=\"en\">");
    console_t(p, TX("Engels", "English"));
    strbuf_adds(b, "</option></select></div>\n<button type=\"submit\">");
    console_t(p, TX("Adressen controleren en toevoegen", "Check and add the addresses"));
    strbuf_adds(b, "</button>\n</form>\n<p class=\"hint\">");
    console_t(p, TX("Toevoegen verstuurt nog niets. Een fout of dubbel adres wordt met zijn "
                    "regel genoemd; dan wordt niets opgeslagen.",
                    "Adding sends nothing yet. A bad or duplicate address is named with its "
                    "line; nothing is stored then."));
    strbuf_adds(b, "</p>\n</section>\n");
}

static void put_template_fields(console_page *p, json_t *wording, const char *lang,
                                const char *kind, const tm_error *err)
{
    strbuf *b = &p->b;
    json_t *t = json_object_get(json_object_get(wording, lang), kind);
    char id[48];
    strbuf_adds(b, "<fieldset><legend>");
    console_t(p, kind_label(lang, kind));
    strbuf_adds(b, "</legend>\n");
    snprintf(id, sizeof id, "%s.%s.subject", lang, kind);
    console_input(p, id, "text", TX("Onderwerp", "Subject"), NULL,
                  json_string_value(json_object_get(t, "subject")), "maxlength=\"200\"", err);
    snprintf(id, sizeof id, "%s.%s.body", lang, kind);
    strbuf_addf(b, "<div class=\"field\"><label for=\"f-%s\">", id);
    console_t(p, TX("Tekst", "Text"));
    strbuf_adds(b, "</label>");
    int bad = console_field_errors(p, id, err);
    strbuf_addf(b, "<textarea id=\"f-%s\" name=\"%s\" rows=\"14\"", id, id);
    if (bad) strbuf_addf(b, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", id);
    strbuf_adds(b, ">");
    console_esc(p, json_string_value(json_object_get(t, "body")));
    strbuf_addf(b,
                "</textarea></div>\n<p><a href=\"/beheer/metingen/%lld/email?voorbeeld=%s-%s"
                "#voorbeeld\">",
                p->req->wave.id, lang, kind);
    console_t(p, TX("Voorbeeld bekijken", "View an example"));
    strbuf_adds(b, "</a></p>\n</fieldset>\n");
}

static void put_wording(console_page *p, json_t *wording, const mail_form *f)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<section class=\"card\" aria-labelledby=\"wording\">\n<h2 id=\"wording\">");
    console_t(p, TX("2. De tekst van de e-mails", "2. The wording of the e-mails"));
    strbuf_adds(b, "</h2>\n<p>");
    console_t(p, TX("U kunt deze invullers gebruiken: {{link}} (de persoonlijke link, verplicht), "
                    "{{sluitdatum}}, {{organisatie}}, {{meting}} en {{minuten}} (hoe lang het "
                    "invullen duurt). Onder elke e-mail zet de server zelf de link \u201cik doe "
                    "niet mee\u201d.",
                    "You can use these placeholders: {{link}} (the personal link, required), "
                    "{{sluitdatum}}, {{organisatie}}, {{meting}} and {{minuten}} (how long it "
                    "takes). The server adds the \u201cnot taking part\u201d link under every "
                    "e-mail itself."));
    strbuf_addf(b, "</p>\n<form method=\"post\" action=\"/beheer/metingen/%lld/email/teksten\">\n",
                p->req->wave.id);
    console_csrf(p);
    for (size_t li = 0; li < 2; li++)
        for (size_t ki = 0; ki < 2; ki++)
            put_template_fields(p, wording, langs[li], kinds[ki], f->err);
    strbuf_adds(b, "<button type=\"submit\">");
    console_t(p, TX("Teksten opslaan", "Save the wording"));
    strbuf_adds(b, "</button>\n</form>\n</section>\n");
}

/* The mail as someone of a layer reads it, placeholders filled for this
 * wave and the link an example, when ?voorbeeld=LANG-KIND asks for it. */
static void put_preview(console_page *p, const instrument *in)
{
    const char *which = http_query(p->req, "voorbeeld");
    if (!which) return;
    char lang[4] = "", kind[16] = "";
    if (sscanf(which, "%2[a-z]-%15[a-z]", lang, kind) != 2) return;
    const char *layer = http_query(p->req, "laag");
    tm_error err = TM_ERROR_INIT;
    json_t *pv = mail_preview(p->req->app, p->req->db, &p->req->wave, lang, kind, layer, &err);
    strbuf *b = &p->b;
    strbuf_adds(b, "<section class=\"card\" id=\"voorbeeld\" aria-labelledby=\"preview\">\n"
                   "<h2 id=\"preview\">");
    console_t(p, TX("Voorbeeld", "Example"));
    if (!pv) {
        strbuf_adds(b, "</h2>\n<p class=\"field-error\">");
        console_error_text(b, p->lang, err.message);
        strbuf_adds(b, "</p>\n</section>\n");
        tm_error_clear(&err);
        return;
    }
    strbuf_adds(b, ": ");
    console_t(p, kind_label(lang, kind));
    strbuf_adds(b, "</h2>\n<p class=\"hint\">");
    console_t(p, TX("Zo leest iemand van deze laag de e-mail. De links zijn voorbeelden: ze "
                    "openen geen vragenlijst.",
                    "This is how someone of this layer reads the e-mail. The links are examples: "
                    "they open no questionnaire."));
    strbuf_addf(b, "</p>\n<form method=\"get\" action=\"/beheer/metingen/%lld/email#voorbeeld\">",
                p->req->wave.id);
    strbuf_adds(b, "<input type=\"hidden\" name=\"voorbeeld\" value=\"");
    console_esc(p, which);
    strbuf_adds(b, "\"><div class=\"field\"><label for=\"f-preview-layer\">");
    console_t(p, TX("Laag", "Layer"));
    strbuf_adds(b, "</label>");
    console_layer_select(p, in, "f-preview-layer", "laag",
                         json_string_value(json_object_get(pv, "layer")));
    strbuf_adds(b, "</div><button type=\"submit\" class=\"secondary\">");
    console_t(p, TX("Voorbeeld voor deze laag", "Example for this layer"));
    strbuf_adds(b, "</button></form>\n<dl class=\"facts\"><dt>");
    console_t(p, TX("Van", "From"));
    strbuf_adds(b, "</dt><dd>");
    console_esc(p, json_string_value(json_object_get(pv, "from")));
    strbuf_adds(b, "</dd><dt>");
    console_t(p, TX("Laag", "Layer"));
    strbuf_adds(b, "</dt><dd>");
    console_esc(p,
                console_layer_label(in, json_string_value(json_object_get(pv, "layer")), p->lang));
    strbuf_adds(b, "</dd><dt>");
    console_t(p, TX("Onderwerp", "Subject"));
    strbuf_adds(b, "</dt><dd>");
    console_esc(p, json_string_value(json_object_get(pv, "subject")));
    strbuf_adds(b, "</dd></dl>\n<pre class=\"mail\">");
    console_esc(p, json_string_value(json_object_get(pv, "text")));
    strbuf_adds(b, "</pre>\n</section>\n");
    json_decref(pv);
}

static void put_test(console_page *p, const mail_form *f)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<section class=\"card\" aria-labelledby=\"test\">\n<h2 id=\"test\">");
    console_t(p, TX("3. Een testmail aan uzelf", "3. A test mail to yourself"));
    strbuf_adds(b, "</h2>\n<p>");
    console_t(p, TX("De testmail gaat meteen, met voorbeeldlinks, zodat u ziet hoe hij "
                    "aankomt.",
                    "The test mail goes at once, with example links, so that you see how it "
                    "arrives."));
    strbuf_addf(b,
                "</p>\n<form method=\"post\" class=\"stack\" "
                "action=\"/beheer/metingen/%lld/email/test\">\n",
                p->req->wave.id);
    console_csrf(p);
    console_input(p, "to", "email", TX("Naar", "To"), NULL, f->to ? f->to : p->req->session.email,
                  "required", f->err);
    strbuf_adds(b, "<div class=\"field\"><label for=\"f-which\">");
    console_t(p, TX("Welke e-mail", "Which e-mail"));
    strbuf_adds(b, "</label><select id=\"f-which\" name=\"which\">");
    for (size_t li = 0; li < 2; li++)
        for (size_t ki = 0; ki < 2; ki++) {
            strbuf_addf(b, "<option value=\"%s-%s\">", langs[li], kinds[ki]);
            console_t(p, kind_label(langs[li], kinds[ki]));
            strbuf_adds(b, "</option>");
        }
    strbuf_adds(b, "</select></div>\n<button type=\"submit\" class=\"secondary\">");
    console_t(p, TX("Testmail versturen", "Send the test mail"));
    strbuf_adds(b, "</button>\n</form>\n</section>\n");
}

static void put_send(console_page *p, json_t *st)
{
    strbuf *b = &p->b;
    long long id = p->req->wave.id;
    long long waiting = count_of(json_object_get(st, "totals"), "not_sent");
    strbuf_adds(b, "<section class=\"card\" aria-labelledby=\"send\">\n<h2 id=\"send\">");
    console_t(p, TX("4. Versturen", "4. Send"));
    strbuf_adds(b, "</h2>\n<p>");
    char n[24];
    snprintf(n, sizeof n, "%lld", waiting);
    tm_text_var vars[] = {{"n", n}, {NULL, NULL}};
    if (strcmp(p->req->wave.status, "open") != 0) {
        console_t(p, TX("De meting is nog niet open. Open haar eerst; daarna kunt u de "
                        "uitnodigingen versturen.",
                        "The wave is not open yet. Open it first; then you can send the "
                        "invitations."));
        strbuf_adds(b, "</p>\n</section>\n");
        return;
    }
    if (!waiting) {
        console_t(p, TX("Ieder adres heeft zijn uitnodiging.", "Every address has its "
                                                               "invitation."));
        strbuf_adds(b, "</p>\n</section>\n");
        return;
    }
    console_tf(p,
               waiting == 1
                   ? TX("1 adres heeft nog geen uitnodiging.", "1 address has no invitation yet.")
                   : TX("{n} adressen hebben nog geen uitnodiging.",
                        "{n} addresses have no invitation yet."),
               vars);
    strbuf_adds(b, "</p>\n");
    char action[96];
    snprintf(action, sizeof action, "/beheer/metingen/%lld/email/versturen", id);
    console_action(p, action, TX("Uitnodigingen versturen", "Send the invitations"), NULL, NULL,
                   NULL);
    strbuf_adds(b, "</section>\n");
}

static void put_reminders(console_page *p, json_t *st, const mail_form *f)
{
    strbuf *b = &p->b;
    long long id = p->req->wave.id;
    json_t *r = json_object_get(st, "reminders");
    strbuf_adds(b, "<section class=\"card\" aria-labelledby=\"reminders\">\n<h2 id=\"reminders\">");
    console_t(p, TX("5. Herinneringen", "5. Reminders"));
    strbuf_adds(b, "</h2>\n<p>");
    console_t(p, TX("Een herinnering gaat naar wie is uitgenodigd en nog niet heeft ingevuld of "
                    "zich heeft afgemeld, met dezelfde link. Ten hoogste 3 keer.",
                    "A reminder goes to whoever was invited and has neither filled in the "
                    "questionnaire nor declined, with the same link. At most 3 times."));
    strbuf_adds(b, " ");
    char sent[24], max[24];
    snprintf(sent, sizeof sent, "%lld", count_of(r, "rounds_sent"));
    snprintf(max, sizeof max, "%lld", count_of(r, "max_rounds"));
    tm_text_var vars[] = {{"sent", sent}, {"max", max}, {NULL, NULL}};
    console_tf(p, TX("Verstuurd: {sent} van {max} rondes.", "Sent: {sent} of {max} rounds."), vars);
    strbuf_addf(b,
                "</p>\n<form method=\"post\" class=\"stack\" "
                "action=\"/beheer/metingen/%lld/email/schema\">\n",
                id);
    console_csrf(p);
    strbuf_adds(b, "<fieldset><legend>");
    console_t(p, TX("Vanzelf, zoveel dagen na de uitnodiging", "Automatically, so many days "
                                                               "after the invitation"));
    strbuf_adds(b, "</legend>\n");
    console_field_errors(p, "after_days", f->err);
    json_t *days = json_object_get(r, "after_days");
    strbuf_adds(b, "<div class=\"pair\">");
    for (int i = 0; i < 3; i++) {
        char name[8], value[16] = "";
        snprintf(name, sizeof name, "dag%d", i + 1);
        json_t *d = json_array_get(days, (size_t)i);
        if (json_is_integer(d)) snprintf(value, sizeof value, "%lld", json_integer_value(d));
        strbuf_addf(b, "<div><label for=\"f-%s\">", name);
        char label[48];
        snprintf(label, sizeof label, "%s %d", tm_text_get(TX("Ronde", "Round"), p->lang), i + 1);
        console_esc(p, label);
        strbuf_addf(b,
                    "</label> <input type=\"number\" id=\"f-%s\" name=\"%s\" min=\"1\" "
                    "max=\"90\" step=\"1\" value=\"%s\"></div>",
                    name, name, value);
    }
    strbuf_adds(b, "</div>\n<p class=\"hint\">");
    console_t(p, TX("Laat leeg voor minder rondes; alles leeg: alleen met de hand.",
                    "Leave empty for fewer rounds; all empty: by hand only."));
    strbuf_adds(b, "</p>\n</fieldset>\n<button type=\"submit\" class=\"secondary\">");
    console_t(p, TX("Schema opslaan", "Save the schedule"));
    strbuf_adds(b, "</button>\n</form>\n");
    int rounds_left = count_of(r, "rounds_sent") < count_of(r, "max_rounds");
    if (!strcmp(p->req->wave.status, "open") && rounds_left) {
        char action[96];
        snprintf(action, sizeof action, "/beheer/metingen/%lld/email/herinneren", id);
        console_action(p, action, TX("Nu een herinnering sturen", "Send a reminder now"), NULL,
                       NULL, NULL);
    }
    strbuf_adds(b, "</section>\n");
}

/* ---- the page ----------------------------------------------------------- */

static void mail_page(http_request *req, http_response *res, int status, const mail_form *f)
{
    tm_error err = TM_ERROR_INIT;
    const wave_info *w = &req->wave;
    const instrument *in = app_instrument(req->app, req->db, w->instrument_id, &err);
    json_t *st = in ? mail_status(req->app, req->db, w, 1, &err) : NULL;
    json_t *wording = st && !f->wording ? mail_templates_get(req->app, req->db, w, &err) : NULL;
    if (!st || (!f->wording && !wording)) {
        console_fail(req, res, &err);
        tm_error_clear(&err);
        json_decref(st);
        return;
    }
    console_page p;
    strbuf *b = &p.b;
    console_begin(&p, req, TX("Uitnodigen per e-mail", "Invitations by e-mail"));
    strbuf_addf(b, "<p class=\"crumbs\"><a href=\"/beheer/metingen/%lld\">", w->id);
    console_esc(&p, w->name);
    strbuf_adds(b, "</a></p>\n");
    console_h1(&p, TX("Uitnodigen per e-mail", "Invitations by e-mail"));
    put_notice(&p);
    if (!put_list_problems(&p, f->err)) console_errors(&p, f->err);
    if (strcmp(w->collection, "online") != 0) {
        strbuf_adds(b, "<p>");
        console_t(&p, TX("Deze meting krijgt haar antwoorden als bestand (import): ze heeft geen "
                         "uitnodigingen.",
                         "This wave gets its answers as a file (import): it has no "
                         "invitations."));
        strbuf_adds(b, "</p>\n");
    } else if (!json_is_true(json_object_get(st, "configured"))) {
        put_not_set_up(&p, in);
    } else {
        put_counts(&p, in, st);
        if (!strcmp(w->status, "closed")) {
            strbuf_adds(b, "<p>");
            console_t(&p, TX("De meting is gesloten. De e-mailadressen zijn verwijderd; de "
                             "tellingen blijven.",
                             "The wave is closed. The e-mail addresses have been deleted; the "
                             "counts stay."));
            strbuf_adds(b, "</p>\n");
        } else {
            put_upload(&p, in, f);
            put_wording(&p, f->wording ? f->wording : wording, f);
            put_preview(&p, in);
            put_test(&p, f);
            put_send(&p, st);
            put_reminders(&p, st, f);
        }
    }
    json_decref(st);
    json_decref(wording);
    console_end(&p, res, status);
}

void route_console_mail(http_request *req, http_response *res)
{
    mail_form f = {0};
    mail_page(req, res, 200, &f);
}

/* After a change: back to the page with a notice (303), or the page again
 * with the problem (its status) and what was typed. */
static void finish(http_request *req, http_response *res, const char *done, long long n,
                   tm_error *err, mail_form *f)
{
    if (err->status) {
        f->err = err;
        mail_page(req, res, err->status, f);
        tm_error_clear(err);
        return;
    }
    char location[128];
    snprintf(location, sizeof location, "/beheer/metingen/%lld/email?klaar=%s&n=%lld", req->wave.id,
             done, n);
    console_redirect(res, location);
}

/* ---- the changes -------------------------------------------------------- */

/* A change with its audit entry (counts only), or rolled back. */
static json_t *audited(http_request *req, json_t *result, const char *action, json_t *detail,
                       tm_error *err)
{
    return audit_result(req->db, &req->who, result, action, "wave", req->wave.id, detail, err);
}

void route_console_mail_upload(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    mail_form f = {0};
    const form_field *file = formdata_field(&req->form, "file");
    const char *list = formdata_get(&req->form, "list");
    const char *lang = formdata_get(&req->form, "lang");
    int from_file = file && file->len > 0;
    f.list = from_file ? NULL : list;
    f.layer = formdata_get(&req->form, "layer");
    long long added = 0;
    if (!from_file && (!list || !list[strspn(list, " \t\r\n")])) {
        tm_error_set(&err, 422, "the request cannot be accepted");
        tm_error_add_json(&err, json_pack("{s:s, s:s}", "field", "list", "error",
                                          "choose a file or paste the addresses"));
    } else if (audit_begin(req->db, &err) == 0) {
        /* A file names each line's layer; pasted addresses are of the layer
         * chosen beside them. */
        json_t *out =
            mail_recipients_add(req->app, req->db, &req->wave, from_file ? file->value : list,
                                from_file ? file->len : strlen(list),
                                from_file ? NULL : formdata_get(&req->form, "layer"), lang, &err);
        added = out ? (long long)json_integer_value(json_object_get(out, "added")) : 0;
        json_t *detail = out ? json_pack("{s:O}", "layers", json_object_get(out, "layers")) : NULL;
        json_decref(audited(req, out, "mail.recipients", detail, &err));
    }
    finish(req, res, "adressen", added, &err, &f);
}

/* A textarea's text as the templates store it: browsers send CRLF. */
static json_t *text_field(http_request *req, const char *name)
{
    const char *v = formdata_get(&req->form, name);
    if (!v) return NULL;
    char *s = strdup(v), *o = s;
    if (!s) return NULL;
    for (const char *i = v; *i; i++)
        if (!(i[0] == '\r' && i[1] == '\n')) *o++ = *i;
    *o = '\0';
    json_t *j = json_string(s);
    free(s);
    return j;
}

/* The posted wording as mail_templates_put takes it: only the mails whose
 * subject or body differ from what is stored now, so that an unchanged
 * default stays the default. Also the whole wording as posted (*shown), for
 * the page should the save fail. */
static json_t *wording_body(http_request *req, json_t *now, json_t **shown)
{
    json_t *body = json_object();
    *shown = json_object();
    for (size_t li = 0; li < 2; li++)
        for (size_t ki = 0; ki < 2; ki++) {
            char name[48];
            snprintf(name, sizeof name, "%s.%s.subject", langs[li], kinds[ki]);
            json_t *subject = text_field(req, name);
            snprintf(name, sizeof name, "%s.%s.body", langs[li], kinds[ki]);
            json_t *text = text_field(req, name);
            if (!subject || !text) {
                json_decref(subject);
                json_decref(text);
                continue;
            }
            json_t *t = json_pack("{s:o, s:o}", "subject", subject, "body", text);
            json_t *was = json_object_get(json_object_get(now, langs[li]), kinds[ki]);
            if (!json_object_get(*shown, langs[li]))
                json_object_set_new(*shown, langs[li], json_object());
            json_object_set(json_object_get(*shown, langs[li]), kinds[ki], t);
            if (json_equal(json_object_get(was, "subject"), subject) &&
                json_equal(json_object_get(was, "body"), text)) {
                json_decref(t);
                continue;
            }
            if (!json_object_get(body, langs[li]))
                json_object_set_new(body, langs[li], json_object());
            json_object_set_new(json_object_get(body, langs[li]), kinds[ki], t);
        }
    return body;
}

void route_console_mail_templates(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    mail_form f = {0};
    json_t *now = mail_templates_get(req->app, req->db, &req->wave, &err), *shown = NULL;
    json_t *body = now ? wording_body(req, now, &shown) : NULL;
    if (body && json_object_size(body) && audit_begin(req->db, &err) == 0) {
        json_t *changed = json_array();
        const char *lang;
        json_t *by_kind;
        json_object_foreach(body, lang, by_kind)
        {
            const char *kind;
            json_t *t;
            json_object_foreach(by_kind, kind, t)
                json_array_append_new(changed, json_sprintf("%s.%s", lang, kind));
        }
        json_t *out = mail_templates_put(req->app, req->db, &req->wave, body, &err);
        json_decref(
            audited(req, out, "mail.templates", json_pack("{s:o}", "changed", changed), &err));
    }
    f.wording = shown;
    finish(req, res, "teksten", 0, &err, &f);
    json_decref(now);
    json_decref(body);
    json_decref(shown);
}

void route_console_mail_test(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    mail_form f = {0};
    const char *to = formdata_get(&req->form, "to");
    char lang[4] = "nl", kind[16] = "invitation";
    const char *which = formdata_get(&req->form, "which");
    if (which && sscanf(which, "%2[a-z]-%15[a-z]", lang, kind) != 2) {
        snprintf(lang, sizeof lang, "nl");
        snprintf(kind, sizeof kind, "invitation");
    }
    f.to = to;
    json_t *body = json_pack("{s:s, s:s, s:s}", "to", to ? to : "", "lang", lang, "kind", kind);
    json_t *out = mail_send_test(req->app, req->db, &req->wave, body, &err);
    json_decref(body);
    /* A test mail changes nothing but is noted, without its address. */
    if (out)
        audit_note(req->db, &req->who, "mail.test", "wave", req->wave.id,
                   json_pack("{s:s, s:s}", "lang", lang, "kind", kind), &err);
    json_decref(out);
    finish(req, res, "test", 0, &err, &f);
}

void route_console_mail_send(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    mail_form f = {0};
    long long n = 0;
    if (audit_begin(req->db, &err) == 0) {
        json_t *out = mail_send_invitations(req->app, req->db, &req->wave, &err);
        n = out ? (long long)json_integer_value(json_object_get(out, "queued")) : 0;
        json_decref(audited(req, out, "mail.send",
                            out ? json_pack("{s:I}", "queued", (json_int_t)n) : NULL, &err));
    }
    finish(req, res, "verstuurd", n, &err, &f);
}

void route_console_mail_remind(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    mail_form f = {0};
    long long n = 0;
    if (audit_begin(req->db, &err) == 0) {
        json_t *out = mail_remind_now(req->app, req->db, &req->wave, &err);
        n = out ? (long long)json_integer_value(json_object_get(out, "queued")) : 0;
        json_decref(audited(req, out, "mail.remind",
                            out ? json_pack("{s:O, s:I}", "round", json_object_get(out, "round"),
                                            "queued", (json_int_t)n)
                                : NULL,
                            &err));
    }
    finish(req, res, "herinnerd", n, &err, &f);
}

void route_console_mail_schedule(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    mail_form f = {0};
    json_t *days = json_array();
    for (int i = 1; i <= 3; i++) {
        char name[8];
        snprintf(name, sizeof name, "dag%d", i);
        const char *v = formdata_get(&req->form, name);
        if (!v || !*v) continue;
        char *end;
        long d = strtol(v, &end, 10);
        /* Not a number: passed on as text, so that the service names it. */
        json_array_append_new(days, *end ? json_string(v) : json_integer(d));
    }
    json_t *body = json_pack("{s:o}", "after_days", days);
    if (audit_begin(req->db, &err) == 0) {
        json_t *out = mail_schedule_set(req->app, req->db, &req->wave, body, &err);
        json_decref(audited(
            req, out, "mail.schedule",
            out ? json_pack("{s:O}", "after_days", json_object_get(body, "after_days")) : NULL,
            &err));
    }
    json_decref(body);
    finish(req, res, "schema", 0, &err, &f);
}
