/* mail_compose.c - see mail_compose.h. */
#include "server/app/mail_compose.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mail_address.h"
#include "core/mail_message.h"
#include "core/text.h"
#include "core/utf8.h"

#define TOKEN_KEY_CONTEXT "tm-mail1" /* crypto_kdf context: 8 characters */
#define TOKEN_KEY_ID 1
#define TOKEN_BYTES 18 /* as many as auth_token_new's: 24 characters */
#define SUBJECT_MAX 200
#define BODY_MAX 10000
#define DEFAULT_RATE 600
#define DEFAULT_BACKOFF 60.0
#define DEFAULT_CONNECTIONS 2

/* ---- settings ----------------------------------------------------------- */

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

/* MAIL_FROM: "Name <address>" or an address. */
static int parse_from(mail_settings *s, const char *v, tm_error *err)
{
    const char *lt = strchr(v, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    const char *addr = v, *end = v + strlen(v);
    if (lt) {
        if (!gt || gt[1]) return tm_error_set(err, 400, "MAIL_FROM=%s: write Name <address>", v);
        addr = lt + 1;
        end = gt;
        const char *n = v, *ne = lt;
        while (n < ne && (*n == ' ' || *n == '"'))
            n++;
        while (ne > n && (ne[-1] == ' ' || ne[-1] == '"'))
            ne--;
        snprintf(s->from_name, sizeof s->from_name, "%.*s", (int)(ne - n), n);
        utf8_cut_tail(s->from_name);
        if (!utf8_valid(s->from_name, strlen(s->from_name)))
            return tm_error_set(err, 400, "MAIL_FROM: the name is not UTF-8");
    }
    while (addr < end && *addr == ' ')
        addr++;
    while (end > addr && end[-1] == ' ')
        end--;
    const char *why = mail_address_problem(addr, (size_t)(end - addr));
    if (why) return tm_error_set(err, 400, "MAIL_FROM=%s: the address %s", v, why);
    snprintf(s->from, sizeof s->from, "%.*s", (int)(end - addr), addr);
    snprintf(s->domain, sizeof s->domain, "%s", strchr(s->from, '@') + 1);
    return 0;
}

int mail_settings_from_env(mail_settings *s, const seal_key *key, tm_error *err)
{
    memset(s, 0, sizeof *s);
    s->rate = DEFAULT_RATE;
    s->backoff = DEFAULT_BACKOFF;
    s->connections = DEFAULT_CONNECTIONS;
    const char *conns = env_or("MAIL_CONNECTIONS", NULL);
    const char *rate = env_or("MAIL_RATE", NULL), *backoff = env_or("MAIL_BACKOFF", NULL);
    char *end;
    if (rate) {
        long r = strtol(rate, &end, 10);
        if (*end || r < 0 || r > 1000000)
            return tm_error_set(err, 400,
                                "MAIL_RATE=%s is not a number of messages per minute (0 = no "
                                "limit)",
                                rate);
        s->rate = (int)r;
    }
    if (backoff) {
        double b = strtod(backoff, &end);
        if (*end || !(b >= 0.05 && b <= 3600))
            return tm_error_set(
                err, 400, "MAIL_BACKOFF=%s is not a number of seconds from 0.05 to 3600", backoff);
        s->backoff = b;
    }
    if (conns) {
        long k = strtol(conns, &end, 10);
        if (*end || k < 1 || k > 16)
            return tm_error_set(
                err, 400, "MAIL_CONNECTIONS=%s is not a number of connections from 1 to 16", conns);
        s->connections = (int)k;
    }
    /* A key of its own for tokens (crypto_kdf, a context of its own), so
     * that sealing and tokens never share key material. */
    if (key) {
        crypto_kdf_derive_from_key(s->token_key, sizeof s->token_key, TOKEN_KEY_ID,
                                   TOKEN_KEY_CONTEXT, key->k);
        s->have_key = 1;
    }
    const char *from = env_or("MAIL_FROM", NULL);
    if (from && parse_from(s, from, err) != 0) return -1;
    int relay = smtp_relay_from_env(&s->relay, s->domain, err);
    if (relay < 0) return -1;
    s->configured = relay;
    if (!relay) return 0;
    if (!from)
        return tm_error_set(err, 400,
                            "SMTP_URL is set but MAIL_FROM is not: the address invitations come "
                            "from, e.g. MAIL_FROM=\"Gemeente Voorbeeld <enquete@voorbeeld.nl>\"");
    if (!s->have_key)
        return tm_error_set(err, 400,
                            "SMTP_URL is set but no seal key: the links in e-mails are derived "
                            "from it; %s",
                            seal_key_howto());
    return 0;
}

/* ---- tokens ------------------------------------------------------------- */

void mail_salt_new(char salt_hex[MAIL_SALT_HEX])
{
    unsigned char salt[MAIL_SALT_BYTES];
    randombytes_buf(salt, sizeof salt);
    sodium_bin2hex(salt_hex, MAIL_SALT_HEX, salt, sizeof salt);
}

int mail_token(const mail_settings *s, const char *salt_hex, char token[TOKEN_TEXT_MAX],
               char hash[TOKEN_HASH_HEX])
{
    unsigned char salt[MAIL_SALT_BYTES], raw[TOKEN_BYTES];
    size_t got = 0;
    if (sodium_hex2bin(salt, sizeof salt, salt_hex, strlen(salt_hex), NULL, &got, NULL) != 0 ||
        got != sizeof salt)
        return -1;
    crypto_generichash(raw, sizeof raw, salt, sizeof salt, s->token_key, sizeof s->token_key);
    sodium_bin2base64(token, TOKEN_TEXT_MAX, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    auth_token_hash(token, hash);
    sodium_memzero(raw, sizeof raw);
    return 0;
}

/* ---- wording ------------------------------------------------------------ */

const char *mail_kind(int round)
{
    return round == 0 ? "invitation" : "reminder";
}

static const tm_text subject_invitation = {
    "Uitnodiging: {{meting}} van {{organisatie}}",
    "Invitation: {{meting}} by {{organisatie}}",
};

static const tm_text subject_reminder = {
    "Herinnering: {{meting}} van {{organisatie}}",
    "Reminder: {{meting}} by {{organisatie}}",
};

static const tm_text body_invitation = {
    "Goedendag,\n"
    "\n"
    "{{organisatie}} wil weten hoe de bedoeling van het sociaal domein doorwerkt: van het "
    "bestuur via management en beleid tot de uitvoering en de partners. Daarom vragen wij u mee "
    "te doen aan de meting \"{{meting}}\". Uw antwoorden laten zien waar die bedoeling goed "
    "aankomt en waar zij onderweg verloren gaat, zodat we gericht kunnen verbeteren.\n"
    "\n"
    "Uw antwoorden zijn anoniem: ze worden nergens aan uw naam of e-mailadres gekoppeld, en "
    "uitkomsten worden alleen per groep getoond, nooit per persoon.\n"
    "\n"
    "Het invullen duurt ongeveer {{minuten}} minuten. U kunt tussendoor opslaan en later verder "
    "gaan met dezelfde link. U kunt meedoen tot {{sluitdatum}}.\n"
    "\n"
    "Naar de vragenlijst:\n"
    "{{link}}\n"
    "\n"
    "Deze link is alleen voor u; stuur hem niet door.\n"
    "\n"
    "Met vriendelijke groet,\n"
    "{{organisatie}}\n",

    "Hello,\n"
    "\n"
    "{{organisatie}} wants to know how the intent of its social domain carries through: from "
    "the council and management through policy to frontline work and partners. That is why we "
    "ask you to take part in the survey \"{{meting}}\". Your answers show where that intent "
    "arrives well and where it gets lost on the way, so that we can improve where it matters.\n"
    "\n"
    "Your answers are anonymous: they are never linked to your name or e-mail address, and "
    "results are only shown per group, never per person.\n"
    "\n"
    "It takes about {{minuten}} minutes. You can save in between and continue later with the "
    "same link. You can take part until {{sluitdatum}}.\n"
    "\n"
    "To the questionnaire:\n"
    "{{link}}\n"
    "\n"
    "This link is for you alone; please do not forward it.\n"
    "\n"
    "Kind regards,\n"
    "{{organisatie}}\n",
};

static const tm_text body_reminder = {
    "Goedendag,\n"
    "\n"
    "Onlangs nodigden wij u uit voor de meting \"{{meting}}\" van {{organisatie}}. Uw "
    "antwoorden hebben wij nog niet ontvangen. Iedere deelnemer telt: hoe meer mensen meedoen, "
    "hoe beter we zien waar de bedoeling van het sociaal domein goed aankomt en waar niet.\n"
    "\n"
    "Uw antwoorden zijn anoniem: ze worden nergens aan uw naam of e-mailadres gekoppeld, en "
    "uitkomsten worden alleen per groep getoond, nooit per persoon.\n"
    "\n"
    "Het invullen duurt ongeveer {{minuten}} minuten; wat u al hebt opgeslagen, staat voor u "
    "klaar. U kunt meedoen tot {{sluitdatum}}.\n"
    "\n"
    "Naar de vragenlijst:\n"
    "{{link}}\n"
    "\n"
    "Met vriendelijke groet,\n"
    "{{organisatie}}\n",

    "Hello,\n"
    "\n"
    "Recently we invited you to take part in the survey \"{{meting}}\" by {{organisatie}}. We "
    "have not received your answers yet. Every participant counts: the more people take part, "
    "the better we see where the intent of the social domain arrives well and where it does "
    "not.\n"
    "\n"
    "Your answers are anonymous: they are never linked to your name or e-mail address, and "
    "results are only shown per group, never per person.\n"
    "\n"
    "It takes about {{minuten}} minutes; anything you saved is waiting for you. You can take "
    "part until {{sluitdatum}}.\n"
    "\n"
    "To the questionnaire:\n"
    "{{link}}\n"
    "\n"
    "Kind regards,\n"
    "{{organisatie}}\n",
};

/* Under every message: the way out, which no wave's wording can drop. */
static const tm_text footer = {
    "Wilt u niet meedoen? Laat het ons weten via deze link, dan ontvangt u geen herinneringen "
    "meer:\n{{afmelden}}",
    "Would you rather not take part? Let us know through this link and you will receive no "
    "more reminders:\n{{afmelden}}",
};

static const tm_text example_note = {
    "[Voorbeeld: de links in dit bericht openen geen vragenlijst.]",
    "[Example: the links in this message open no questionnaire.]",
};

const char *mail_default_subject(const char *kind, const char *lang)
{
    return tm_text_get(!strcmp(kind, "reminder") ? subject_reminder : subject_invitation, lang);
}

const char *mail_default_body(const char *kind, const char *lang)
{
    return tm_text_get(!strcmp(kind, "reminder") ? body_reminder : body_invitation, lang);
}

typedef struct placeholder {
    const char *name;
    tm_text meaning;
} placeholder;

static const placeholder placeholders[] = {
    {"link",
     {"de persoonlijke link naar de vragenlijst (verplicht)",
      "the personal link to the questionnaire (required)"}},
    {"sluitdatum",
     {"wanneer de meting sluit, zoals \"31 december 2026 om 17:00\"",
      "when the survey closes, such as \"31 December 2026 at 17:00\""}},
    {"organisatie", {"de naam van de organisatie", "the organisation's name"}},
    {"meting", {"de naam van de meting", "the survey's name"}},
    {"minuten",
     {"de geschatte invultijd in minuten voor de laag van de ontvanger",
      "the estimated minutes the form takes for the recipient's layer"}},
};

json_t *mail_placeholders(const char *lang)
{
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++)
        json_object_set_new(o, placeholders[i].name,
                            json_string(tm_text_get(placeholders[i].meaning, lang)));
    return o;
}

static int known_placeholder(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++)
        if (strlen(placeholders[i].name) == n && !memcmp(placeholders[i].name, name, n)) return 1;
    return 0;
}

static void template_problem(tm_error *err, const char *where, const char *field, const char *msg)
{
    char at[96];
    snprintf(at, sizeof at, "%s.%s", where, field);
    tm_error_add_json(err, json_pack("{s:s, s:s}", "field", at, "error", msg));
}

/* Names each unknown placeholder of text; returns how many. */
static int unknown_placeholders(const char *where, const char *field, const char *text,
                                tm_error *err)
{
    int bad = 0;
    const char *name;
    size_t n, len;
    for (const char *p = text; (p = tm_text_placeholder(p, &name, &n, &len)); p += len) {
        if (known_placeholder(name, n)) continue;
        char msg[200];
        snprintf(msg, sizeof msg,
                 "{{%.*s}} is not a placeholder; use {{link}}, {{sluitdatum}}, {{organisatie}}, "
                 "{{meting}} or {{minuten}}",
                 (int)(n > 40 ? 40 : n), name);
        template_problem(err, where, field, msg);
        bad++;
    }
    return bad;
}

static int has_link(const char *text)
{
    const char *name;
    size_t n, len;
    for (const char *p = text; (p = tm_text_placeholder(p, &name, &n, &len)); p += len)
        if (n == 4 && !memcmp(name, "link", 4)) return 1;
    return 0;
}

int mail_template_check(const char *where, const char *subject, const char *body, tm_error *err)
{
    int bad = 0;
    if (!subject || !*subject || utf8_length(subject) > SUBJECT_MAX) {
        template_problem(err, where, "subject", "is required: 1 to 200 characters");
        bad++;
    } else if (strpbrk(subject, "\r\n")) {
        template_problem(err, where, "subject", "must be one line");
        bad++;
    } else {
        bad += unknown_placeholders(where, "subject", subject, err);
    }
    if (!body || !*body || utf8_length(body) > BODY_MAX) {
        template_problem(err, where, "body", "is required: 1 to 10,000 characters");
        bad++;
    } else {
        if (!has_link(body)) {
            template_problem(err, where, "body",
                             "must hold {{link}}: without it nobody can open the questionnaire");
            bad++;
        }
        bad += unknown_placeholders(where, "body", body, err);
    }
    return bad;
}

/* ---- composing ---------------------------------------------------------- */

/* "31 december 2026 om 17:00" from "2026-12-31 17:00". */
static void closing_text(const char *closes_at, const char *lang, char *out, size_t size)
{
    static const char *const nl[] = {"januari",   "februari", "maart",    "april",
                                     "mei",       "juni",     "juli",     "augustus",
                                     "september", "oktober",  "november", "december"};
    static const char *const en[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};
    int english = !strcmp(tm_text_lang(lang), "en");
    int y, m, d, hh, mm;
    if (!closes_at || sscanf(closes_at, "%d-%d-%d %d:%d", &y, &m, &d, &hh, &mm) != 5 || m < 1 ||
        m > 12) {
        snprintf(out, size, "%s", english ? "the survey closes" : "de meting sluit");
        return;
    }
    snprintf(out, size, english ? "%d %s %d at %02d:%02d" : "%d %s %d om %02d:%02d", d,
             english ? en[m - 1] : nl[m - 1], y, hh, mm);
}

/* The time the form takes the layer, in whole minutes: rounded up, to
 * fives above ten (an estimate should not look more exact than it is). */
static int form_minutes(const instrument *in, int layer, const char *lang)
{
    double seconds = instrument_layer_seconds(in, layer, lang, 0, 0);
    int minutes = (int)ceil(seconds / 60.0);
    if (minutes < 1) minutes = 1;
    if (minutes > 10) minutes = (minutes + 4) / 5 * 5;
    return minutes;
}

int mail_compose_parts(app *a, PGconn *c, const mail_request *q, strbuf *subject, strbuf *text,
                       strbuf *html, tm_error *err)
{
    const instrument *in = app_instrument(a, c, q->ctx->wave.instrument_id, err);
    if (!in) return -1;
    const char *lang = tm_text_lang(q->lang);
    int english = !strcmp(lang, "en");
    char link[512], decline[512], closes[64], minutes[16];
    const char *token = q->token ? q->token : (english ? "example-link" : "voorbeeldlink");
    snprintf(link, sizeof link, "%s/s/%s%s", app_base_url(a), token, english ? "?lang=en" : "");
    snprintf(decline, sizeof decline, "%s/s/%s/afmelden%s", app_base_url(a), token,
             english ? "?lang=en" : "");
    closing_text(q->ctx->closes_at, lang, closes, sizeof closes);
    snprintf(minutes, sizeof minutes, "%d", form_minutes(in, q->layer, lang));
    const tm_text_var vars[] = {{"link", link},
                                {"afmelden", decline},
                                {"sluitdatum", closes},
                                {"organisatie", q->ctx->wave.organisation},
                                {"meting", q->ctx->wave.name},
                                {"minuten", minutes},
                                {NULL, NULL}};
    const char *const links[] = {"link", "afmelden", NULL};
    strbuf body = STRBUF_INIT(2 * BODY_MAX + 4096), subj = STRBUF_INIT(4 * SUBJECT_MAX);
    if (!q->token) {
        strbuf_adds(&body, tm_text_get(example_note, lang));
        strbuf_adds(&body, "\n\n");
    }
    strbuf_adds(&body, q->ctx->body ? q->ctx->body : mail_default_body(q->kind, lang));
    strbuf_adds(&subj, q->subject_prefix);
    strbuf_adds(&subj, q->ctx->subject ? q->ctx->subject : mail_default_subject(q->kind, lang));
    mail_template t = {subj.buf, body.buf, tm_text_get(footer, lang)};
    int rc = subj.status == STRBUF_OK && body.status == STRBUF_OK
                 ? mail_render(&t, lang, vars, links, subject, text, html)
                 : -1;
    strbuf_release(&body);
    strbuf_release(&subj);
    if (rc < 0) return tm_error_set(err, 500, "out of memory writing a message");
    return 0;
}

char *mail_compose(app *a, PGconn *c, const mail_settings *s, const mail_request *q, size_t *len,
                   tm_error *err)
{
    strbuf subject = STRBUF_INIT(MAIL_MESSAGE_MAX), text = STRBUF_INIT(MAIL_MESSAGE_MAX),
           html = STRBUF_INIT(MAIL_MESSAGE_MAX), out = STRBUF_INIT(MAIL_MESSAGE_MAX);
    char *message = NULL;
    if (mail_compose_parts(a, c, q, &subject, &text, &html, err) == 0) {
        unsigned char rnd[16];
        char hex[33], id[300];
        randombytes_buf(rnd, sizeof rnd);
        sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
        snprintf(id, sizeof id, "%s@%s", hex, s->domain);
        mail_message m = {s->from_name[0] ? s->from_name : q->ctx->wave.organisation,
                          s->from,
                          q->to,
                          subject.buf,
                          text.buf,
                          html.buf,
                          q->lang,
                          id,
                          time(NULL),
                          NULL};
        char unsubscribe[512];
        if (q->token) { /* an example's address opens nothing */
            snprintf(unsubscribe, sizeof unsubscribe, "%s/s/%s/afmelden", app_base_url(a),
                     q->token);
            m.unsubscribe = unsubscribe;
        }
        if (mail_message_write(&out, &m) == 0)
            message = strbuf_detach(&out, len);
        else
            tm_error_set(err, 500, "out of memory writing a message");
    }
    strbuf_release(&subject);
    strbuf_release(&text);
    strbuf_release(&html);
    strbuf_release(&out);
    return message;
}
