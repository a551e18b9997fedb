/* th_wave.h - shared helpers for the fault and hostile-input tests: an
 * organisation, an open wave and its invitations made over HTTP with an
 * admin key; several servers started at the same moment; a private
 * PostgreSQL cluster; raw sockets and token hashes.
 *
 *   long long org = th_org(srv, admin, "GM0100");
 *   long long wave = th_wave_open(srv, admin, org);
 *   char **tokens = th_invitations(srv, admin, wave, "beleid", 400);
 *   ...
 *   th_tokens_free(tokens, 400);
 *
 * Every helper aborts the test (cr_assert) when the server does not answer
 * as expected, so call them from the test's own thread only.
 */
#ifndef TM_TH_WAVE_H
#define TM_TH_WAVE_H

#include <stddef.h>

#include "th.h"

/* POST /api/v1/organisations {name, code}; asserts 201, returns the id. */
long long th_org(const th_server *s, const char *key, const char *code);

/* POST /api/v1/waves for org with instrument v1 (thermometer-sociaal-domein
 * @1.0.0: the callers post its item keys), then POST .../open; asserts both,
 * returns the wave id. */
long long th_wave_open(const th_server *s, const char *key, long long org);

/* The same with "collection": "import": a wave for answers collected
 * elsewhere (the bulk import), opened. */
long long th_wave_import(const th_server *s, const char *key, long long org);

/* The instrument the helpers post (thermometer-sociaal-domein@1.0.0), as
 * its JSON definition (borrowed; loaded once). */
json_t *th_v1(void);

/* Answers for a respondent of layer of instrument v1 (new reference):
 * every likert item asked of the layer v (1..5), every grade 2v, every
 * intent item option opt ("a", "b", "dont_know" ...); choice and text items
 * unanswered. Enough for the server's rule that half of the core items be
 * answered. */
json_t *th_answers(const char *layer, int v, const char *opt);

/* The core scored (likert, grade, intent) item keys of v1 in instrument
 * order, as a new JSON array of strings. */
json_t *th_core_items(void);

/* POST /api/v1/survey/{token} with {"answers": answers (borrowed), "submit":
 * submit}; returns the status and, when body is not NULL, the answer's
 * body (caller frees). */
long th_submit(const th_server *s, const char *token, json_t *answers, int submit, char **body);

/* n invitation tokens (n may exceed the API's 10000 per request) for layer;
 * the caller frees them with th_tokens_free. */
char **th_invitations(const th_server *s, const char *key, long long wave, const char *layer,
                      int n);
void th_tokens_free(char **tokens, int n);

/* Starts n servers against conninfo at the same moment (all forked before
 * any is waited for), each as th_server_start would; stop each with
 * th_server_stop. */
void th_servers_start(const char *conninfo, const char *const *extra_env, int n, th_server **out);

/* A private PostgreSQL cluster (scripts/pg.sh) under TEST_TMPDIR/name-PID:
 * started (initdb on first use); returns the directory (caller frees). */
char *th_cluster_start(const char *name);
/* Its libpq connection string for database dbname (caller frees). */
char *th_cluster_conninfo(const char *dir, const char *dbname);
/* SIGKILL the postmaster (pg.sh kill); 0 on success. Its backends live on
 * until they notice, finishing what they were doing. */
int th_cluster_kill(const char *dir);
/* SIGKILL the postmaster and every backend at once (pg.sh crash), as a
 * machine or container dying would; 0 on success. */
int th_cluster_crash(const char *dir);
/* Start again after a kill -9: retries while leftover backends still hold
 * the shared memory. Returns 0 when it accepts connections within
 * timeout_ms. */
int th_cluster_restart(const char *dir, int timeout_ms);
/* Stop and remove the directory. */
void th_cluster_destroy(const char *dir);

/* A TCP connection to 127.0.0.1:port: the socket, or -1 with errno set. */
int th_connect(int port);
/* The same from source, another loopback address such as "127.0.0.2" (Linux
 * routes all of 127.0.0.0/8 to lo): a second client address in a test. */
int th_connect_from(const char *source, int port);

/* How a raw exchange ended. */
typedef enum th_raw_end {
    TH_RAW_ANSWERED, /* one whole response (head and Content-Length of body) came */
    TH_RAW_CLOSED,   /* the server closed or reset the connection first */
    TH_RAW_TIMEOUT,  /* neither within the time given */
    TH_RAW_NOCONN    /* no connection */
} th_raw_end;

/* Sends raw bytes on a new connection to the server, then reads until one
 * whole response is in, the server closes or timeout_ms passes; returns what
 * was read (caller frees; NUL-terminated, never NULL) and, when end is not
 * NULL, how it ended. */
char *th_raw_exchange_end(int port, const char *request, size_t len, int timeout_ms,
                          th_raw_end *end);
/* The same when how it ended does not matter. */
char *th_raw_exchange(int port, const char *request, size_t len, int timeout_ms);
/* The same on a socket already connected (th_connect), which it closes: to
 * connect first and send at a moment of one's choosing. */
char *th_raw_exchange_fd(int fd, const char *request, size_t len, int timeout_ms, th_raw_end *end);

/* The BLAKE2b-256 of a token, as the server stores it, in lowercase hex. */
void th_token_hash_hex(const char *token, char out[65]);

/* Monotonic clock in milliseconds. */
double th_now_ms(void);

#endif
