/* console.c - see console.h: the page frame, texts, errors, times. */
#include "server/web/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/web/session.h"

#define PAGE_MAX (8u << 20)

const char *console_lang(http_request *req)
{
    const char *q = http_query(req, "lang");
    if (q && (!strcmp(q, "en") || !strcmp(q, "nl"))) return tm_text_lang(q);
    char c[8];
    if (session_cookie(req, SESSION_LANG_COOKIE, c, sizeof c) == 0) return tm_text_lang(c);
    return "nl";
}

void console_t(console_page *p, tm_text t)
{
    html_escape(&p->b, tm_text_get(t, p->lang));
}

void console_esc(console_page *p, const char *s)
{
    html_escape(&p->b, s);
}

void console_tf(console_page *p, tm_text t, const tm_text_var *vars)
{
    strbuf text = STRBUF_INIT(64 * 1024);
    if (tm_text_fill(&text, tm_text_get(t, p->lang), vars) < 0) strbuf_fail(&p->b, text.status);
    html_escapen(&p->b, text.buf, text.len);
    strbuf_release(&text);
}

void console_h1(console_page *p, tm_text t)
{
    strbuf_adds(&p->b, "<h1>");
    console_t(p, t);
    strbuf_adds(&p->b, "</h1>\n");
}

void console_csrf(console_page *p)
{
    strbuf_adds(&p->b, "<input type=\"hidden\" name=\"" SESSION_CSRF_FIELD "\" value=\"");
    console_esc(p, p->req->session.csrf);
    strbuf_adds(&p->b, "\">\n");
}

void console_notice(console_page *p, tm_text t)
{
    strbuf_adds(&p->b, "<p class=\"notice\" role=\"status\">");
    console_t(p, t);
    strbuf_adds(&p->b, "</p>\n");
}

int console_field_errors(console_page *p, const char *id, const tm_error *err)
{
    int n = 0;
    size_t i;
    json_t *d;
    json_array_foreach(err ? err->details : NULL, i, d)
    {
        const char *f = json_string_value(json_object_get(d, "field"));
        if (!f || strcmp(f, id) != 0) continue;
        strbuf_adds(&p->b, "<p class=\"field-error\" id=\"e-");
        console_esc(p, id);
        strbuf_addf(&p->b, "%s\">", n ? "-more" : "");
        console_error_text(&p->b, p->lang, json_string_value(json_object_get(d, "error")));
        strbuf_adds(&p->b, "</p>");
        n++;
    }
    return n;
}

void console_input(console_page *p, const char *id, const char *type, tm_text label,
                   const tm_text *hint, const char *value, const char *extra, const tm_error *err)
{
    strbuf *b = &p->b;
    strbuf_adds(b, "<div class=\"field\"><label for=\"f-");
    console_esc(p, id);
    strbuf_adds(b, "\">");
    console_t(p, label);
    strbuf_adds(b, "</label>");
    if (hint) {
        strbuf_adds(b, "<span class=\"hint\" id=\"h-");
        console_esc(p, id);
        strbuf_adds(b, "\">");
        console_t(p, *hint);
        strbuf_adds(b, "</span>");
    }
    int bad = console_field_errors(p, id, err);
    strbuf_adds(b, "<input type=\"");
    strbuf_adds(b, type);
    strbuf_adds(b, "\" id=\"f-");
    console_esc(p, id);
    strbuf_adds(b, "\" name=\"");
    console_esc(p, id);
    strbuf_adds(b, "\"");
    if (bad || hint) {
        strbuf_adds(b, " aria-describedby=\"");
        if (hint) {
            strbuf_adds(b, "h-");
            console_esc(p, id);
        }
        if (bad) {
            strbuf_adds(b, hint ? " e-" : "e-");
            console_esc(p, id);
        }
        strbuf_adds(b, "\"");
    }
    if (bad) strbuf_adds(b, " aria-invalid=\"true\"");
    if (value) {
        strbuf_adds(b, " value=\"");
        console_esc(p, value);
        strbuf_adds(b, "\"");
    }
    if (extra) {
        strbuf_addch(b, ' ');
        strbuf_adds(b, extra);
    }
    strbuf_adds(b, "></div>\n");
}

void console_action(console_page *p, const char *action, tm_text label, const char *cls,
                    const char *name, const char *value)
{
    strbuf_adds(&p->b, "<form method=\"post\" action=\"");
    console_esc(p, action);
    strbuf_adds(&p->b, "\">");
    console_csrf(p);
    if (name) {
        strbuf_adds(&p->b, "<input type=\"hidden\" name=\"");
        console_esc(p, name);
        strbuf_adds(&p->b, "\" value=\"");
        console_esc(p, value);
        strbuf_adds(&p->b, "\">");
    }
    strbuf_adds(&p->b, "<button type=\"submit\"");
    if (cls) strbuf_addf(&p->b, " class=\"%s\"", cls);
    strbuf_adds(&p->b, ">");
    console_t(p, label);
    strbuf_adds(&p->b, "</button></form>\n");
}

void console_status(console_page *p, const char *status, int is_test)
{
    tm_text t = !strcmp(status, "open")     ? TX("open", "open")
                : !strcmp(status, "closed") ? TX("gesloten", "closed")
                                            : TX("concept", "draft");
    strbuf_addf(&p->b, "<span class=\"status %s\">", status);
    console_t(p, t);
    strbuf_adds(&p->b, "</span>");
    if (is_test) {
        strbuf_adds(&p->b, " <span class=\"status test\">");
        console_t(p, TX("test", "test"));
        strbuf_adds(&p->b, "</span>");
    }
}

/* ---- the frame ---------------------------------------------------------- */

typedef struct nav_item {
    const char *path;
    tm_text label;
    int admin; /* shown to admins only */
} nav_item;

static const nav_item nav[] = {
    {"/beheer", {"Overzicht", "Overview"}, 0},
    {"/beheer/sleutels", {"API-sleutels", "API keys"}, 1},
    {"/beheer/gebruikers", {"Gebruikers", "Users"}, 1},
    {"/beheer/logboek", {"Logboek", "Audit log"}, 1},
};

static int nav_current(const char *path, const char *item)
{
    if (!strcmp(item, "/beheer"))
        return !strcmp(path, "/beheer") || !strncmp(path, "/beheer/organisaties", 20) ||
               !strncmp(path, "/beheer/metingen", 16);
    return !strncmp(path, item, strlen(item));
}

/* The current address with its query, for the language switch to return to. */
static void put_back_link(console_page *p, const char *other)
{
    strbuf_adds(&p->b, "/beheer/taal?naar=");
    strbuf_adds(&p->b, other);
    strbuf_adds(&p->b, "&amp;terug=");
    const char *path = p->req->path;
    for (const char *s = path; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '/' || c == '-' || c == '_' || c == '.')
            strbuf_addch(&p->b, (char)c);
        else
            strbuf_addf(&p->b, "%%%02X", c);
    }
}

void console_begin(console_page *p, http_request *req, tm_text title)
{
    p->req = req;
    p->lang = console_lang(req);
    strbuf_init(&p->b, PAGE_MAX);
    strbuf *b = &p->b;
    int en = !strcmp(p->lang, "en");
    strbuf_adds(b, "<!doctype html>\n<html lang=\"");
    strbuf_adds(b, p->lang);
    strbuf_adds(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"robots\" content=\"noindex\">\n<title>");
    console_t(p, title);
    strbuf_adds(b, en ? " \u2013 Thermometer console" : " \u2013 Thermometer beheer");
    strbuf_adds(b, "</title>\n<link rel=\"stylesheet\" href=\"/assets/console.css\">\n"
                   "<script src=\"/assets/console.js\" defer></script>\n</head>\n<body>\n");
    strbuf_adds(b, "<a class=\"skip\" href=\"#main\">");
    console_t(p, TX("Naar de inhoud", "Skip to content"));
    strbuf_adds(b, "</a>\n<header class=\"top\">\n<div class=\"wrap\">\n<p class=\"brand\">"
                   "<a href=\"/beheer\">Thermometer</a> <span>");
    console_t(p, TX("beheer", "console"));
    strbuf_adds(b, "</span></p>\n");
    const console_session *s = &req->session;
    if (s->user_id && !s->must_change_password) {
        strbuf_adds(b, "<nav aria-label=\"");
        console_t(p, TX("Hoofdmenu", "Main menu"));
        strbuf_adds(b, "\"><ul>");
        for (size_t i = 0; i < sizeof nav / sizeof *nav; i++) {
            if (nav[i].admin && s->role != ROLE_ADMIN) continue;
            strbuf_addf(b, "<li><a href=\"%s\"%s>", nav[i].path,
                        nav_current(req->path, nav[i].path) ? " aria-current=\"page\"" : "");
            console_t(p, nav[i].label);
            strbuf_adds(b, "</a></li>");
        }
        strbuf_adds(b, "</ul></nav>\n");
    }
    strbuf_adds(b, "<div class=\"who\">");
    if (s->user_id) {
        strbuf_adds(b, "<a href=\"/beheer/wachtwoord\" class=\"me\">");
        console_esc(p, s->name);
        strbuf_adds(b, "</a>");
    }
    strbuf_adds(b, "<a href=\"");
    put_back_link(p, en ? "nl" : "en");
    strbuf_adds(b, en ? "\" lang=\"nl\" hreflang=\"nl\">Nederlands</a>"
                      : "\" lang=\"en\" hreflang=\"en\">English</a>");
    if (s->user_id) {
        strbuf_adds(b, "<form method=\"post\" action=\"/beheer/uitloggen\">");
        console_csrf(p);
        strbuf_adds(b, "<button type=\"submit\" class=\"link\">");
        console_t(p, TX("Uitloggen", "Sign out"));
        strbuf_adds(b, "</button></form>");
    }
    strbuf_adds(b,
                "</div>\n</div>\n</header>\n<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n");
}

void console_end(console_page *p, http_response *res, int status)
{
    strbuf_adds(&p->b, "</main>\n</body>\n</html>\n");
    size_t len;
    char *html = strbuf_detach(&p->b, &len);
    if (!html) {
        http_respond_message(res, 500, "out of memory rendering the page");
        return;
    }
    http_respond_body(res, status, "text/html; charset=utf-8", html, len);
    /* The form's pages send no referrer at all; with that policy a browser
     * sends "Origin: null" with every form, and the console's Origin check
     * could not tell its own forms from another site's. same-origin still
     * sends nothing to other sites. */
    http_respond_header(res, "Referrer-Policy", "same-origin");
}

void console_redirect(http_response *res, const char *location)
{
    char *body = strdup("");
    http_respond_body(res, 303, "text/plain; charset=utf-8", body, 0);
    http_respond_header(res, "Location", location);
}

/* ---- errors ------------------------------------------------------------- */

/* The service's English messages (or their start, up to a '*') and what the
 * console says instead. */
typedef struct known_error {
    const char *pattern; /* the English message; '*' stands for any text */
    const char *nl;      /* what the console says in Dutch; NULL: as it is */
} known_error;

static const known_error known_errors[] = {
    {"the e-mail address or the password is not right",
     "Het e-mailadres of het wachtwoord klopt niet."},
    {"too many failed sign-ins*", "Te vaak een verkeerd wachtwoord. Wacht even en probeer het "
                                  "dan opnieuw."},
    {"please sign in", "Log eerst in."},
    {"your session has ended*", "U was te lang niet actief of uw sessie is afgelopen. Log opnieuw "
                                "in."},
    {"this form was sent from another site", "Dit formulier kwam van een andere website. Het is "
                                             "niet uitgevoerd."},
    {"this form has expired*", "Dit formulier is verlopen of kwam niet van deze website. Open de "
                               "pagina opnieuw en probeer het nog eens."},
    {"only an admin may do this", "Alleen een beheerder (admin) mag dit doen."},
    {"this account may only read*", "Met uw rol mag u alleen kijken, niet wijzigen."},
    {"organisation * does not exist", "Deze organisatie bestaat niet (of u hebt er geen toegang "
                                      "toe)."},
    {"no such organisation", "Deze organisatie bestaat niet."},
    {"wave * does not exist", "Deze meting bestaat niet (of u hebt er geen toegang toe)."},
    {"no such wave", "Deze meting bestaat niet."},
    {"an organisation with code * exists already", "Er is al een organisatie met deze code."},
    {"the organisation cannot be created", "De organisatie is niet gemaakt. Kijk naar de velden "
                                           "hieronder."},
    {"the organisation cannot be changed", "De organisatie is niet gewijzigd. Kijk naar de velden "
                                           "hieronder."},
    {"the wave cannot be created", "De meting is niet gemaakt. Kijk naar de velden hieronder."},
    {"the wave cannot be changed", "De meting is niet gewijzigd. Kijk naar de velden hieronder."},
    {"the wave was not deleted", "De meting is niet verwijderd."},
    {"wave * is no longer a draft*", "Deze meting is geen concept meer. U kunt haar niet meer "
                                     "wijzigen."},
    {"wave * cannot open: * knowledge question(s) of its own still have no key*",
     "De meting kan nog niet open: niet elke eigen kennisvraag heeft al een goed antwoord. Kies "
     "die onder \u2018Bewerken\u2019."},
    {"has no key yet*", "Heeft nog geen goed antwoord."},
    {"the intent keys cannot be set*", "De goede antwoorden zijn niet opgeslagen. Kijk naar de "
                                       "velden hieronder."},
    {"must be one of its options*", "Kies een van de antwoorden."},
    {"the rules cannot be set*", "De regels zijn niet opgeslagen. Kijk naar het veld hieronder."},
    {"must list * rules (it lists *), or none", "Geef 5 tot 12 regels op (elk op een eigen "
                                                "regel), of geen."},
    {"must be 1 to * lowercase letters, digits or hyphens*",
     "De sleutel voor de dubbele punt mag alleen kleine letters, cijfers en streepjes hebben "
     "(hoogstens 32)."},
    {"\"*\" is also the key of rules*", "Deze sleutel komt al eerder voor; elke regel heeft een "
                                        "eigen sleutel."},
    {"must be a text of * to * characters*", "De tekst van een regel heeft 10 tot 300 tekens."},
    {"wave * has invitations, links or responses already*",
     "Deze meting heeft al uitnodigingen, links of antwoorden. De manier van verzamelen blijft "
     "zoals hij is."},
    {"wave * is neither a draft nor marked as a test*",
     "Alleen een concept of een testmeting kan worden verwijderd."},
    {"wave * is the previous wave of wave*", "Een andere meting gebruikt deze meting als vorige "
                                             "meting. Pas die eerst aan."},
    {"wave * is closed and cannot be opened again", "Deze meting is gesloten. Een gesloten meting "
                                                    "gaat niet meer open."},
    {"wave * is closed and cannot be closed again", "Deze meting is al gesloten."},
    {"wave * is closed: its responses can no longer change",
     "Deze meting is gesloten. De antwoorden kunnen niet meer veranderen."},
    {"the wave is closed: no new*", "Deze meting is gesloten. Er kunnen geen uitnodigingen of "
                                    "links meer bij."},
    {"the request cannot be accepted", "Dit kan zo niet. Kijk naar de velden hieronder."},
    {"unknown layer", "Kies een laag."},
    {"import * is not an import of wave*", "Deze import hoort niet bij deze meting."},
    {"the API key cannot be created", "De sleutel is niet gemaakt. Kijk naar de velden "
                                      "hieronder."},
    {"API key * is revoked already", "Deze sleutel is al ingetrokken."},
    {"API key * does not exist", "Deze sleutel bestaat niet."},
    {"the account cannot be created", "Het account is niet gemaakt. Kijk naar de velden "
                                      "hieronder."},
    {"there is an account with this e-mail address already",
     "Er is al een account met dit e-mailadres."},
    {"the role cannot be changed", "De rol is niet gewijzigd. Kijk naar de velden hieronder."},
    {"this is the last admin*", "Dit is de laatste beheerder. Maak eerst iemand anders "
                                "beheerder."},
    {"you cannot disable your own account", "U kunt uw eigen account niet uitzetten."},
    {"you cannot take away your own admin role", "U kunt uw eigen beheerdersrol niet afnemen."},
    {"user * does not exist", "Deze gebruiker bestaat niet."},
    {"an admin sees every organisation already", "Een beheerder ziet alle organisaties al."},
    {"a viewer may see one organisation only", "Een kijker ziet maar één organisatie."},
    {"the password cannot be changed", "Het wachtwoord is niet gewijzigd. Kijk naar de velden "
                                       "hieronder."},
    {"please choose a password of your own first", "Kies eerst een eigen wachtwoord."},
    /* field problems */
    {"is required: 1 to 200 characters*", "Vul dit in (1 tot 200 tekens)."},
    {"must be a CBS municipality code*", "Gebruik een CBS-gemeentecode, zoals GM0171."},
    {"must be ISO 8601 with a time and an offset*", "Vul een geldige datum en tijd in."},
    {"is not a date and time that exist", "Deze datum bestaat niet."},
    {"is not a date that exists", "Deze datum bestaat niet."},
    {"must be a date (2027-04-01) and a time (17:00)", "Vul een datum en een tijd in."},
    {"has a time but no date", "Vul ook een datum in."},
    {"must be after opens_at", "De sluitdatum moet na de openingsdatum liggen."},
    {"must be in the future", "Deze datum moet in de toekomst liggen."},
    {"must be a whole number of at least 3*", "Vul een heel getal in van minstens 3. Kleinere "
                                              "groepen zijn te herleiden tot personen."},
    {"must be a wave of the same organisation and instrument",
     "Kies een meting van dezelfde organisatie en vragenlijst."},
    {"cannot be the wave itself", "Een meting kan niet haar eigen vorige meting zijn."},
    {"must be the wave's name, exactly as it is written",
     "Typ de naam van de meting precies zoals die er staat."},
    {"must be one of the instrument's layers*", "Kies een van de lagen."},
    {"must be a whole number from *", "Vul een heel getal in dat past."},
    {"must be an e-mail address*", "Vul een e-mailadres in, zoals naam@gemeente.nl."},
    {"must be admin, consultant or viewer", "Kies een rol."},
    {"an admin sees every organisation: choose none", "Een beheerder ziet alle organisaties: "
                                                      "kies er geen."},
    {"a viewer sees exactly one organisation", "Kies voor een kijker precies één organisatie."},
    {"is required: 1 to 200 characters that say what it is for",
     "Geef de sleutel een naam (1 tot 200 tekens) die zegt waarvoor hij is."},
    {"must be \"admin\", \"consultant\" or \"viewer\"", "Kies een rol."},
    {"must be empty for an admin*", "Een beheerderssleutel ziet alle organisaties: kies er geen."},
    {"must hold exactly one organisation for a viewer",
     "Kies voor een kijkersleutel precies één organisatie."},
    {"must be a time in ISO 8601 with an offset*", "Vul een geldige datum in."},
    {"is not your current password", "Dit is niet uw huidige wachtwoord."},
    {"is not the same as the new password", "Dit is niet hetzelfde als het nieuwe wachtwoord."},
    {"is your current password: choose a new one", "Dit is uw huidige wachtwoord. Kies een nieuw "
                                                   "wachtwoord."},
    {"the password is too short*", "Het wachtwoord is te kort. Gebruik minstens 12 tekens."},
    {"this password is on a list of common passwords*",
     "Dit wachtwoord staat op een lijst van veelgebruikte wachtwoorden. Kies een ander."},
    {"this password is a common password with digits*",
     "Dit is een veelgebruikt wachtwoord met cijfers of tekens erachter. Kies een ander."},
    {"this password repeats one short piece*", "Dit wachtwoord herhaalt steeds hetzelfde stukje. "
                                               "Kies een ander."},
    {"the password may not be your e-mail address", "Uw e-mailadres mag niet uw wachtwoord zijn."},
    {"a password is required", "Vul een wachtwoord in."},
    {"results appear when the wave closes", "De uitkomsten verschijnen als de meting is "
                                            "gesloten."},
    {"choose a file with answers", "Kies een bestand met antwoorden."},
    {"this wave collects online*", "Deze meting verzamelt online. Importeren kan alleen in een "
                                   "meting die voor import is gemaakt."},
    {"* rows cannot be imported; nothing was imported",
     "Niet alle rijen kloppen. Er is niets ge\u00efmporteerd. Verbeter de rijen hieronder en "
     "probeer het opnieuw."},
    {"the list was not stored: correct the lines named below",
     "Er is niets opgeslagen. Verbeter de regels hieronder en voeg de lijst opnieuw toe."},
    {"has no @", "heeft geen @."},
    {"appears twice in the list (first on line *)", "staat twee keer in de lijst."},
    {"is on this wave's list already", "staat al op de lijst van deze meting."},
    {"has a domain without a dot (such as example.nl)",
     "heeft een domein zonder punt (zoals gemeente.nl)."},
    {"has layer *, which the instrument does not have*",
     "heeft een laag die de vragenlijst niet kent."},
    {"has no layer: write address;layer*", "heeft geen laag: schrijf adres;laag."},
    {"holds a space or a control character", "bevat een spatie of een onzichtbaar teken."},
    {"choose a file or paste the addresses", "Kies een bestand of plak de adressen."},
    {"mail is not set up on this server*", "Deze server verstuurt geen e-mail (SMTP_URL is niet "
                                           "ingesteld)."},
    {"the wave is not open: open it first*", "Open de meting eerst."},
    {"the wave is closed: *", "De meting is gesloten."},
    {"no invitations have gone out yet: send them first",
     "Er zijn nog geen uitnodigingen verstuurd. Verstuur die eerst."},
    {"all * reminder rounds have been sent*", "Alle herinneringsrondes zijn verstuurd."},
    {"must hold {{link}}*", "Zet {{link}} in de tekst: zonder link kan niemand meedoen."},
    {"the CSV header has * problem*", "De kopregel van het bestand klopt niet. Er is niets "
                                      "ge\u00efmporteerd."},
};

/* Whether message matches pattern (a '*' matches any run of characters). */
static int matches(const char *pattern, const char *message)
{
    for (; *pattern; pattern++, message++) {
        if (*pattern == '*') {
            if (!pattern[1]) return 1;
            for (const char *m = message; *m; m++)
                if (matches(pattern + 1, m)) return 1;
            return 0;
        }
        if (*pattern != *message) return 0;
    }
    return *message == '\0';
}

void console_error_text(strbuf *b, const char *lang, const char *message)
{
    if (!message) return;
    if (strcmp(lang, "en") != 0)
        for (size_t i = 0; i < sizeof known_errors / sizeof *known_errors; i++)
            if (known_errors[i].nl && matches(known_errors[i].pattern, message)) {
                html_escape(b, known_errors[i].nl);
                return;
            }
    /* English, or a message the console has no words for: as it is, with a
     * capital and a full stop. */
    if (message[0] >= 'a' && message[0] <= 'z') {
        strbuf_addch(b, (char)(message[0] - 32));
        html_escape(b, message + 1);
    } else {
        html_escape(b, message);
    }
    size_t n = strlen(message);
    if (n && message[n - 1] != '.' && message[n - 1] != '?') strbuf_addch(b, '.');
}

void console_errors(console_page *p, const tm_error *err)
{
    if (!err || !err->status) return;
    strbuf *b = &p->b;
    strbuf_adds(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">\n"
                   "<h2>");
    console_t(p, TX("Dat ging niet", "That did not work"));
    strbuf_adds(b, "</h2>\n<p>");
    console_error_text(b, p->lang, err->message);
    strbuf_adds(b, "</p>\n");
    if (json_array_size(err->details)) {
        strbuf_adds(b, "<ul>\n");
        size_t i;
        json_t *d;
        json_array_foreach(err->details, i, d)
        {
            if (i >= 50) break;
            const char *field = json_string_value(json_object_get(d, "field"));
            const char *text = json_is_string(d) ? json_string_value(d)
                                                 : json_string_value(json_object_get(d, "error"));
            strbuf_adds(b, "<li>");
            json_t *row = json_object_get(d, "row");
            const char *item = json_string_value(json_object_get(d, "item"));
            const char *column = json_string_value(json_object_get(d, "column"));
            if (json_is_integer(row))
                strbuf_addf(b, "%s %lld%s", tm_text_get(TX("Rij", "Row"), p->lang),
                            (long long)json_integer_value(row), item ? ", " : ": ");
            if (item || column) {
                html_escape(b, tm_text_get(item ? TX("vraag", "question") : TX("kolom", "column"),
                                           p->lang));
                strbuf_adds(b, " ");
                console_esc(p, item ? item : column);
                strbuf_adds(b, ": ");
            }
            if (field) {
                strbuf_adds(b, "<a href=\"#f-");
                console_esc(p, field);
                strbuf_adds(b, "\">");
            }
            if (text)
                console_error_text(b, p->lang, text);
            else {
                char *s = json_dumps(d, JSON_COMPACT);
                console_esc(p, s);
                free(s);
            }
            if (field) strbuf_adds(b, "</a>");
            strbuf_adds(b, "</li>\n");
        }
        if (json_array_size(err->details) > 50) {
            strbuf_addf(b, "<li>");
            char n[32];
            snprintf(n, sizeof n, "%zu", json_array_size(err->details) - 50);
            const tm_text_var v[] = {{"n", n}, {NULL, NULL}};
            console_tf(p, TX("en nog {n} andere problemen", "and {n} more problems"), v);
            strbuf_adds(b, "</li>\n");
        }
        strbuf_adds(b, "</ul>\n");
    }
    strbuf_adds(b, "</div>\n");
}

void console_fail(http_request *req, http_response *res, const tm_error *err)
{
    console_page p;
    int status = err->status >= 400 && err->status <= 599 ? err->status : 500;
    tm_text title = status == 404   ? TX("Niet gevonden", "Not found")
                    : status == 403 ? TX("Niet toegestaan", "Not allowed")
                    : status == 409 ? TX("Kan nu niet", "Not possible now")
                    : status == 503 ? TX("Even niet beschikbaar", "Temporarily unavailable")
                    : status >= 500 ? TX("Er ging iets mis", "Something went wrong")
                                    : TX("Dat ging niet", "That did not work");
    console_begin(&p, req, title);
    console_h1(&p, title);
    strbuf_adds(&p.b, "<p>");
    if (status >= 500 && status != 503)
        console_t(&p, TX("Probeer het over een paar minuten opnieuw.",
                         "Please try again in a few minutes."));
    else
        console_error_text(&p.b, p.lang, err->message);
    strbuf_adds(&p.b, "</p>\n<p><a href=\"/beheer\">");
    console_t(&p, TX("Naar het overzicht", "To the overview"));
    strbuf_adds(&p.b, "</a></p>\n");
    console_end(&p, res, status);
}

void console_refuse(http_request *req, http_response *res, const tm_error *err)
{
    if (err->status == 401) {
        char location[600] = "/beheer/inloggen";
        if (!strcmp(req->method, "GET") && strcmp(req->path, "/beheer") != 0 &&
            strlen(req->path) < 400 && !strpbrk(req->path, "\"<>&?#% "))
            snprintf(location, sizeof location, "/beheer/inloggen?terug=%s", req->path);
        console_redirect(res, location);
        return;
    }
    if (err->status == 428) {
        console_redirect(res, "/beheer/wachtwoord");
        return;
    }
    console_fail(req, res, err);
}

/* ---- times -------------------------------------------------------------- */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Seconds since 1970 of the last Sunday of month m in year y, 01:00 UTC:
 * when summer time starts (March) and ends (October) in the EU. */
static long long eu_switch(long y, int m)
{
    long last = days_from_civil(y, m, 31);
    long weekday = (last + 4) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
    return (long long)(last - weekday) * 86400 + 3600;
}

void console_time(strbuf *b, const char *lang, const char *iso)
{
    long y;
    int mo, d, h, mi;
    if (!iso || sscanf(iso, "%ld-%d-%dT%d:%d", &y, &mo, &d, &h, &mi) != 5) return;
    long long t = (long long)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
    /* Europe/Amsterdam: CET (+1), CEST (+2) between the EU's switches. */
    t += t >= eu_switch(y, 3) && t < eu_switch(y, 10) ? 7200 : 3600;
    civil_from_days((long)(t / 86400), &y, &mo, &d);
    int s = (int)(t % 86400);
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (!strcmp(lang, "en"))
        strbuf_addf(b, "%d %s %ld %02d:%02d", d, months[mo - 1], y, s / 3600, s % 3600 / 60);
    else
        strbuf_addf(b, "%d-%d-%ld %02d:%02d", d, mo, y, s / 3600, s % 3600 / 60);
}

void console_layer_select(console_page *p, const instrument *in, const char *id, const char *name,
                          const char *selected)
{
    strbuf_addf(&p->b, "<select id=\"%s\" name=\"%s\">", id, name);
    for (size_t i = 0; i < in->n_layers; i++) {
        strbuf_adds(&p->b, "<option value=\"");
        console_esc(p, in->layers[i].key);
        strbuf_adds(&p->b,
                    selected && !strcmp(selected, in->layers[i].key) ? "\" selected>" : "\">");
        console_esc(p, tm_text_get(in->layers[i].label, p->lang));
        strbuf_adds(&p->b, "</option>");
    }
    strbuf_adds(&p->b, "</select>");
}

const char *console_layer_label(const instrument *in, const char *key, const char *lang)
{
    const tm_named *sets[] = {in->layers, in->themes, in->domains};
    const size_t counts[] = {in->n_layers, in->n_themes, in->n_domains};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < counts[k]; i++)
            if (key && !strcmp(sets[k][i].key, key)) return tm_text_get(sets[k][i].label, lang);
    return key ? key : "";
}
