/* guard.h - keeps one client from stalling the others.
 *
 * What libmicrohttpd does not do by itself, for http.c:
 *
 *  - Slow senders. The head of a request must be in within header_timeout
 *    seconds of the connection's start or of the end of its previous request
 *    (an idle keep-alive connection is closed then too), and a body must keep
 *    coming: in every window of body_window seconds at least body_min_rate
 *    bytes a second, or the rest of it when that is less, and never a whole
 *    window without a byte. libmicrohttpd's own
 *    timeout is one of inactivity, which a byte every few seconds resets for
 *    ever. A sweeper thread looks at every connection a few times a second
 *    and shuts the socket of one that is late; libmicrohttpd then closes it
 *    as any connection the client closed. Connections whose request is with
 *    the server (the head step, a handler) or whose answer is being sent are
 *    not timed here. Under pressure, when more than three quarters of
 *    connection_cap are open (slow clients from many addresses), a
 *    connection waiting for a head is closed after one second instead: a
 *    real client sends its head at once, and reconnects after a keep-alive.
 *
 *  - Bodies in flight: at most bodies_per_address bodies are read at once
 *    for one client address, and all buffered bodies together may hold at
 *    most body_memory bytes (each counted at its announced length), so
 *    unfinished uploads cannot fill the memory; small bodies have a reserve
 *    of their own (GUARD_SMALL_BODY).
 *
 *  - Answers given later: guard_later runs a function after a delay on the
 *    sweeper thread, to answer a token guesser late without holding a
 *    thread (the connection stays suspended meanwhile).
 *
 * Connections are registered by libmicrohttpd's connection notices; the
 * registry's lock is also what keeps a socket open while the sweeper shuts
 * it (libmicrohttpd closes a socket only after its notice, which waits for
 * the lock).
 */
#ifndef TM_GUARD_H
#define TM_GUARD_H

#include <stddef.h>

#include "core/error.h"

typedef struct guard_config {
    int header_timeout_s;   /* a request's head within this, default 10 */
    int body_min_rate;      /* bytes per second, default 1024 */
    int body_window_s;      /* the rate is judged over windows this long, default 10 */
    int bodies_per_address; /* bodies read at once per client address, default 16 */
    size_t body_memory;     /* bytes of buffered bodies at once, default 128 MiB */
    int connection_cap;     /* the server's limit on connections (0: none), see below */
} guard_config;

/* A body of at most this many bytes (a submission) may also use a reserve of
 * an eighth of body_memory: large uploads cannot keep respondents out. */
#define GUARD_SMALL_BODY (64 * 1024)

/* The defaults above. */
void guard_config_defaults(guard_config *cfg);

typedef struct guard guard;

/* Starts the sweeper. NULL when out of memory or threads. */
guard *guard_start(const guard_config *cfg);

/* Runs every pending guard_later function at once, then refuses new ones
 * (they then run at once): before the HTTP daemon stops, so that no
 * suspended connection outlives it. */
void guard_flush(guard *g);

/* Stops the sweeper and frees the guard; every connection must have been
 * closed. NULL is fine. */
void guard_stop(guard *g);

/* ---- connections (called from libmicrohttpd's threads) ------------------ */

typedef struct guard_conn guard_conn;

/* A new connection on socket fd, waiting for its first request's head.
 * NULL when out of memory (the connection is then not timed). */
guard_conn *guard_conn_open(guard *g, int fd);
void guard_conn_close(guard *g, guard_conn *c); /* NULL is fine */

/* Where the connection is: waiting for a request's head; with the server
 * (not timed); reading a body of length bytes (-1 when not announced). */
void guard_conn_idle(guard *g, guard_conn *c);
void guard_conn_busy(guard *g, guard_conn *c);
void guard_conn_body(guard *g, guard_conn *c, long long length);

/* n more body bytes arrived. */
void guard_conn_received(guard_conn *c, size_t n);

/* Connections cut off so far for being too slow (for /metrics and tests). */
long guard_cut_count(guard *g);

/* ---- bodies in flight ------------------------------------------------------ */

/* Admits one body of up to bytes bytes (0 for a streamed body, which holds
 * no buffer) from client address addr. Returns 0, or -1 with err (429: the
 * address has bodies_per_address in flight; 503: the buffers are full) and
 * *retry_after (seconds). Release an admitted body with guard_body_done. */
int guard_body_admit(guard *g, const char *addr, size_t bytes, int *retry_after, tm_error *err);
void guard_body_done(guard *g, const char *addr, size_t bytes);

/* ---- later ----------------------------------------------------------------- */

/* Runs fn(arg) on the sweeper thread after ms milliseconds (at once when
 * out of memory or flushed). */
void guard_later(guard *g, int ms, void (*fn)(void *), void *arg);

#endif
