/* mail_compose.h - what an invitation or reminder by e-mail is made of: the
 * mail settings of the server, the token of an address, the default
 * wording, the checks a wave's own wording must pass, and the message
 * itself. Used by the service (mail.h) and the sender (mail_sender.h).
 *
 * The token of an address is never stored: it is derived when a message is
 * made, as a BLAKE2b hash of the address's random salt keyed with a key of
 * its own derived from the server's seal key (seal.h). The database holds
 * the salt and the token's hash, so its reader can make no link; the server
 * makes the same link for the invitation and every reminder.
 */
#ifndef TM_MAIL_COMPOSE_H
#define TM_MAIL_COMPOSE_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "server/app/app.h"
#include "server/app/auth.h"
#include "server/app/seal.h"
#include "server/app/smtp.h"
#include "server/store/mail.h"

#define MAIL_SALT_BYTES 16
#define MAIL_SALT_HEX (2 * MAIL_SALT_BYTES + 1)
#define MAIL_MESSAGE_MAX (1u << 20) /* a message larger than this is not made */

/* The server's mail settings, read once at start. */
typedef struct mail_settings {
    int configured;      /* SMTP_URL is set */
    smtp_relay relay;    /* when configured */
    char from[256];      /* MAIL_FROM's address */
    char from_name[256]; /* MAIL_FROM's display name; "" = the organisation's name */
    char domain[256];    /* from's domain: Message-IDs and the EHLO name */
    int rate;            /* MAIL_RATE: messages per minute per server; 0 = no limit */
    int connections;     /* MAIL_CONNECTIONS: sender threads, each with a connection */
    double backoff;      /* MAIL_BACKOFF: seconds before the first retry */
    int have_key;        /* a server key is set */
    unsigned char token_key[SEAL_KEY_BYTES]; /* derived from the seal key for tokens only */
} mail_settings;

/* Reads SMTP_URL (smtp.h), MAIL_FROM ("Name <address>" or an address),
 * MAIL_RATE (default 600 a minute), MAIL_BACKOFF (default 60 seconds),
 * MAIL_CONNECTIONS (default 2), and derives the token key from key (the
 * app's seal key; NULL: none). Without SMTP_URL, s->configured is 0 and
 * that is no error. -1 with err (400) for a setting that does not parse, or
 * SMTP_URL without MAIL_FROM or a seal key. */
int mail_settings_from_env(mail_settings *s, const seal_key *key, tm_error *err);

/* A new random salt as hex. */
void mail_salt_new(char salt_hex[MAIL_SALT_HEX]);

/* The token of salt_hex under s's key, and the hex of its hash (what the
 * invitation stores). -1 when salt_hex is not a salt. */
int mail_token(const mail_settings *s, const char *salt_hex, char token[TOKEN_TEXT_MAX],
               char hash[TOKEN_HASH_HEX]);

/* "invitation" for round 0, else "reminder". */
const char *mail_kind(int round);

/* The default wording of kind ("invitation", "reminder") in lang. */
const char *mail_default_subject(const char *kind, const char *lang);
const char *mail_default_body(const char *kind, const char *lang);

/* The placeholders a template may use, as {"name": "what it becomes"} in
 * lang (new reference). */
json_t *mail_placeholders(const char *lang);

/* Checks a wave's own subject and body: lengths, no line break in the
 * subject, {{link}} in the body, every placeholder known. Each problem is
 * added to err's details as {"field": where, "error"}; returns the number
 * of problems. */
int mail_template_check(const char *where, const char *subject, const char *body, tm_error *err);

/* A message to make. token NULL makes an example (preview, test mail):
 * its links open no form. */
typedef struct mail_request {
    const store_mail_context *ctx; /* the wave and its own wording, if any */
    const char *kind;              /* "invitation" or "reminder" */
    const char *lang;              /* "nl" or "en" */
    int layer;                     /* for the time the form takes */
    const char *token;             /* NULL: an example */
    const char *to;                /* the recipient; NULL when only rendered */
    const char *subject_prefix;    /* "[Test] " or NULL */
} mail_request;

/* The message's subject, plain text and HTML (mail_render), appended to
 * the three buffers. -1 with err (500). */
int mail_compose_parts(app *a, PGconn *c, const mail_request *q, strbuf *subject, strbuf *text,
                       strbuf *html, tm_error *err);

/* The whole message for the relay (caller frees; *len its length), with a
 * fresh Message-ID and the time now. NULL with err (500). */
char *mail_compose(app *a, PGconn *c, const mail_settings *s, const mail_request *q, size_t *len,
                   tm_error *err);

#endif
