/* th_smtp.h - a real mail relay for the mail tests: tests/smtp_relay.py
 * (Debian's python3-aiosmtpd) as a child process on a loopback address,
 * and what it received, as Python's e-mail parser read it.
 *
 *   th_relay *r = th_relay_start("127.0.0.1", 0, NULL);
 *   ... a server with SMTP_URL=smtp://127.0.0.1:<r->port> sends ...
 *   json_t *msgs = th_relay_wait(r, 1000, 60000); // one object per message
 *   th_relay_stop(r);
 */
#ifndef TM_TH_SMTP_H
#define TM_TH_SMTP_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "th.h"

typedef struct th_relay {
    pid_t pid; /* 0 while stopped */
    char host[32];
    int port;
    char out[256];  /* the JSON lines of the messages received */
    char log[256];  /* the relay's stderr */
    char *args[16]; /* extra arguments, owned */
    int n_args;
} th_relay;

/* Starts the relay on host:port (port 0: a free one) with extra arguments
 * of smtp_relay.py (NULL-terminated; may be NULL). Waits until it listens;
 * aborts the test when it does not. */
th_relay *th_relay_start(const char *host, int port, const char *const *args);

/* Stops the process (the relay goes down) but keeps its port, file and
 * arguments for th_relay_restart. */
void th_relay_down(th_relay *r);
void th_relay_restart(th_relay *r);

/* Stops it if running and frees it. */
void th_relay_stop(th_relay *r);

/* The messages received so far: an array of smtp_relay.py's objects (new
 * reference). */
json_t *th_relay_messages(const th_relay *r);

/* Waits until at least n messages have arrived or timeout_ms passed, and
 * returns them all (new reference). */
json_t *th_relay_wait(const th_relay *r, size_t n, int timeout_ms);

/* "SMTP_URL=smtp://host:port" (static buffer per relay call). */
const char *th_relay_env(const th_relay *r, char *buf, size_t size);

/* A throwaway self-signed certificate for the IP address ip, made with
 * openssl in TEST_TMPDIR: paths into cert and key (256 bytes each). */
void th_tls_cert(const char *ip, char *cert, char *key);

/* The token of the survey link in a message's plain text ("/s/TOKEN");
 * 0 when there is none. */
int th_mail_token(json_t *msg, char token[64]);

/* How many rows of the database's tables hold needle in their text (any
 * case): what a reader of the whole database could find. */
long long th_db_contains(const char *conninfo, const char *needle);

/* A new server key as 64 hex digits into key (65 bytes). */
void th_seal_key(char *key);

#endif
