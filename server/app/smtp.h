/* smtp.h - handing one message to the mail relay, with libcurl.
 *
 * The relay is the municipality's own (SMTP_URL): smtp://host:587 talks
 * STARTTLS and refuses to go on without it, smtps://host:465 is TLS from
 * the first byte, and plain SMTP is allowed only to localhost, 127.0.0.1 or
 * ::1, where nothing travels over a network. The certificate is checked
 * against the system's authorities, or SMTP_CA_FILE's for a private relay.
 * SMTP_USER and SMTP_PASSWORD log in (never shown or logged).
 *
 * A client keeps its connection from one message to the next. What the
 * relay said decides what happens to a message: 250 sent; a 4xx answer to
 * this recipient or message, later; a 5xx answer to this recipient or
 * message, never (the address failed); anything that is about the relay and
 * not about the message (it cannot be reached, TLS or the login fails, it
 * refuses the sender or closes with 421) leaves the message as it was, for
 * the caller to try again when the relay is back.
 */
#ifndef TM_SMTP_H
#define TM_SMTP_H

#include <stddef.h>

#include "core/error.h"

typedef enum smtp_tls { SMTP_TLS_NONE, SMTP_TLS_STARTTLS, SMTP_TLS_IMPLICIT } smtp_tls;

typedef struct smtp_relay {
    char url[600];   /* as libcurl takes it: scheme://host[:port]/EHLO-domain */
    char shown[600]; /* the same for people: no user, no password */
    smtp_tls tls;
    char user[256];
    char password[256];
    char ca_file[1024]; /* "" = the system's authorities */
} smtp_relay;

/* Reads SMTP_URL, SMTP_USER, SMTP_PASSWORD and SMTP_CA_FILE; ehlo is the
 * name the server greets with when the URL gives none (its path, as in
 * smtp://relay:587/example.nl). Returns 1 with r filled, 0 when SMTP_URL is
 * not set, or -1 with err (400) naming what is wrong. */
int smtp_relay_from_env(smtp_relay *r, const char *ehlo, tm_error *err);

/* "STARTTLS", "TLS" or "none (localhost)": how r talks. Static. */
const char *smtp_tls_name(smtp_tls tls);

typedef enum smtp_outcome {
    SMTP_SENT,       /* the relay took the message (250) */
    SMTP_LATER,      /* a 4xx answer to this recipient or message */
    SMTP_REFUSED,    /* a 5xx answer to this recipient or message */
    SMTP_RELAY_DOWN, /* about the relay, not the message: nothing was sent */
} smtp_outcome;

typedef struct smtp_result {
    smtp_outcome outcome;
    int code;         /* the relay's last answer code; 0 when there was none */
    char reply[256];  /* the relay's last answer line, or why there was none; it may
                         name the recipient: stored with the address, never logged */
    char reason[256]; /* what went wrong, fit for a log: never names the recipient */
} smtp_result;

typedef struct smtp_client smtp_client;

/* Starts libcurl for the process; call once before any client, from one
 * thread. 0, or -1 with err. */
int smtp_global_init(tm_error *err);
void smtp_global_cleanup(void);

/* A client for relay r (copied). *stop (may be NULL) is watched during a
 * transfer: set, the transfer stops (SMTP_RELAY_DOWN). NULL when out of
 * memory. */
smtp_client *smtp_client_new(const smtp_relay *r, const volatile int *stop);
void smtp_client_free(smtp_client *c);

/* Sends message (len bytes, lines ending in CRLF) from the address from to
 * the address to, and says how it went in res. */
void smtp_client_send(smtp_client *c, const char *from, const char *to, const char *message,
                      size_t len, smtp_result *res);

#endif
