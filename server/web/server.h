/* server.h - `thermometer serve`: prepares the database and opens the
 * application (server/app: pool, instruments, metrics, limiter), serves the
 * route table until SIGINT/SIGTERM, then stops accepting, lets requests in
 * flight finish, and closes the application.
 */
#ifndef TM_SERVER_H
#define TM_SERVER_H

#include "core/error.h"
#include "server/web/guard.h"
#include "server/app/seal.h"

typedef struct serve_options {
    const char *conninfo;  /* libpq connection string (DATABASE_URL) */
    const char *bind;      /* BIND, default 127.0.0.1 */
    int port;              /* PORT, default 8080; 0 = any free port */
    int threads;           /* THREADS, default 16 */
    int pool_size;         /* DB_POOL_SIZE, default = threads */
    const char *port_file; /* if set, the listening port is written there once ready */
    const char *base_url;  /* BASE_URL for invitation links; default http://BIND:PORT */
    int quiet;             /* no request log */
    int trust_proxy;       /* TRUST_PROXY=1: the client address is X-Real-IP (set by our proxy) */
    int max_connections;   /* MAX_CONNECTIONS, default 4000 */
    int connections_per_address; /* MAX_CONNECTIONS_PER_ADDRESS, default 256 (0 behind a proxy) */
    int heavy_workers;           /* HEAVY_WORKERS, default 2: analyses, reports, imports */
    int heavy_queue;             /* HEAVY_QUEUE, default 8: heavy requests admitted at once */
    guard_config guard;          /* HEADER_TIMEOUT, BODY_MIN_RATE, BODIES_PER_ADDRESS,
                                    BODY_MEMORY_MB (server/web/guard.h) */
    seal_key seal;               /* SEAL_KEY or SEAL_KEY_FILE: required */
    char metrics_bind[64]; /* METRICS_BIND's address, "" = the metrics on the public address */
    int metrics_port;      /* ... and its port */
} serve_options;

/* Fills options from the environment (DATABASE_URL, BIND, PORT, THREADS,
 * DB_POOL_SIZE, BASE_URL, PORT_FILE, TRUST_PROXY, the limits above, SEAL_KEY
 * or SEAL_KEY_FILE, METRICS_BIND as ADDRESS:PORT). Returns 0, or -1 with err
 * naming a variable that does not parse, or saying how to make a seal key
 * when there is none. */
int server_options_from_env(serve_options *o, tm_error *err);

/* Prepares the database (app_prepare_database), refuses to start when
 * submissions wait sealed under another key, starts the mixer
 * (server/app/mixer.h) and serves until a stop signal. Returns 0 after a
 * clean stop, or -1 with err when it could not start. */
int server_run(const serve_options *o, tm_error *err);

#endif
