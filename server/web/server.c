/* server.c - see server.h. */
#include "server/web/server.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/app.h"
#include "server/app/mail.h"
#include "server/app/mixer.h"
#include "server/web/http.h"
#include "server/web/routes.h"

#define SHUTDOWN_GRACE_MS 10000

static int env_int(const char *name, int def, int min, int max, int *out, tm_error *err)
{
    const char *v = getenv(name);
    if (!v || !*v) {
        *out = def;
        return 0;
    }
    char *end;
    long x = strtol(v, &end, 10);
    if (*end || x < min || x > max)
        return tm_error_set(err, 400, "%s=%s is not a number from %d to %d", name, v, min, max);
    *out = (int)x;
    return 0;
}

int server_options_from_env(serve_options *o, tm_error *err)
{
    memset(o, 0, sizeof *o);
    o->conninfo = app_conninfo_from_env();
    o->bind = getenv("BIND") && *getenv("BIND") ? getenv("BIND") : "127.0.0.1";
    o->base_url = getenv("BASE_URL");
    o->port_file = getenv("PORT_FILE");
    const char *tp = getenv("TRUST_PROXY");
    o->trust_proxy = tp && (!strcmp(tp, "1") || !strcmp(tp, "true") || !strcmp(tp, "yes"));
    /* Behind our own proxy every connection comes from the proxy: the
     * limit per address is the proxy's to keep (docker/nginx.conf). */
    if (env_int("PORT", 8080, 0, 65535, &o->port, err) ||
        env_int("THREADS", 16, 1, 512, &o->threads, err) ||
        env_int("DB_POOL_SIZE", o->threads, 1, 512, &o->pool_size, err) ||
        env_int("MAX_CONNECTIONS", 4000, 16, 1000000, &o->max_connections, err) ||
        env_int("MAX_CONNECTIONS_PER_ADDRESS", o->trust_proxy ? 0 : 256, 0, 1000000,
                &o->connections_per_address, err) ||
        env_int("HEAVY_WORKERS", 2, 1, 64, &o->heavy_workers, err) ||
        env_int("HEAVY_QUEUE", 8, 1, 1000, &o->heavy_queue, err))
        return -1;
    guard_config *g = &o->guard;
    guard_config_defaults(g);
    int memory_mb = 0;
    if (env_int("HEADER_TIMEOUT", g->header_timeout_s, 1, 3600, &g->header_timeout_s, err) ||
        env_int("BODY_MIN_RATE", g->body_min_rate, 1, 1 << 30, &g->body_min_rate, err) ||
        env_int("BODIES_PER_ADDRESS", g->bodies_per_address, 1, 100000, &g->bodies_per_address,
                err) ||
        env_int("BODY_MEMORY_MB", (int)(g->body_memory >> 20), 1, 1 << 20, &memory_mb, err))
        return -1;
    g->body_memory = (size_t)memory_mb << 20;
    const char *mb = getenv("METRICS_BIND");
    if (mb && *mb) {
        const char *colon = strrchr(mb, ':');
        char *end = NULL;
        long port = colon ? strtol(colon + 1, &end, 10) : -1;
        if (!colon || colon == mb || (size_t)(colon - mb) >= sizeof o->metrics_bind || *end ||
            port < 1 || port > 65535)
            return tm_error_set(err, 400,
                                "METRICS_BIND=%s is not ADDRESS:PORT (e.g. 127.0.0.1:9100)", mb);
        snprintf(o->metrics_bind, sizeof o->metrics_bind, "%.*s", (int)(colon - mb), mb);
        o->metrics_port = (int)port;
    }
    int found = seal_key_from_env(&o->seal, err);
    if (found < 0) return -1;
    if (!found)
        return tm_error_set(err, 400,
                            "no seal key: submissions wait sealed under it until they are mixed; "
                            "%s",
                            seal_key_howto());
    return 0;
}

static int write_port_file(const char *path, int port)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    fprintf(f, "%d\n", port);
    if (fclose(f) != 0) return -1;
    return rename(tmp, path); /* readers never see a half-written file */
}

/* Submissions that wait sealed under another key would never be released
 * by this server: it says so rather than start and lose them. */
static int refuse_foreign_key(app *a, tm_error *err)
{
    PGconn *c = app_db_acquire(a, err);
    if (!c) return -1;
    long long foreign = mixer_foreign(a, c, err);
    app_db_release(a, c);
    if (foreign < 0) return -1;
    if (foreign > 0)
        return tm_error_set(err, 400,
                            "%lld submissions wait to be mixed, sealed under another key than "
                            "this SEAL_KEY (fingerprint %s...): start with the key they were "
                            "sealed under until they are released; nothing is released meanwhile",
                            foreign, app_seal_key(a)->id);
    return 0;
}

int server_run(const serve_options *o, tm_error *err)
{
    if (!o->conninfo)
        return tm_error_set(err, 400,
                            "DATABASE_URL is not set: `make run` starts an embedded database, or "
                            "set DATABASE_URL=postgresql://user@host/db");
    int applied = 0, loaded = 0;
    if (app_prepare_database(o->conninfo, &applied, &loaded, err) != 0) return -1;
    if (!o->quiet)
        fprintf(stderr, "database ready: %d migration(s) applied, %d new instrument version(s)\n",
                applied, loaded);

    /* Signals are taken by sigwait below, never by a worker thread. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* glibc gives each thread a malloc arena of its own and keeps what was
     * freed in it, so large requests (an analysis or a report of 100,000
     * respondents) on different threads would add up. A few shared arenas
     * keep the server's memory near one request's worth. MALLOC_ARENA_MAX in
     * the environment still wins. */
    if (!getenv("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, 4);

    /* The links' address is set before the first request can arrive; only
     * with PORT=0 (tests) does it wait for the port the system chose. */
    char base_url[256] = "";
    if (o->base_url && *o->base_url)
        snprintf(base_url, sizeof base_url, "%s", o->base_url);
    else if (o->port)
        snprintf(base_url, sizeof base_url, "http://%s:%d", o->bind, o->port);
    /* The mixer borrows a pool connection for a moment once a round. */
    app_config ac = {o->conninfo, o->pool_size, 1, 1, base_url, &o->seal};
    app *a = app_open(&ac, err);
    if (!a) return -1;
    http_server *s = NULL, *ms = NULL;
    mixer *mx = NULL;
    int rc = -1;
    if (refuse_foreign_key(a, err) != 0) goto done;
    if (!(mx = mixer_start(a, err))) goto done;
    if (mail_start(a, err) != 0) goto done;
    app_set_metrics_elsewhere(a, o->metrics_bind[0] != '\0');
    if (o->metrics_bind[0]) {
        http_config mcfg = {.bind = o->metrics_bind,
                            .port = o->metrics_port,
                            .threads = 1,
                            .quiet = 1,
                            .max_connections = 64,
                            .heavy_workers = 1,
                            .heavy_queue = 1};
        guard_config_defaults(&mcfg.guard);
        if (!(ms = http_server_start(a, metrics_route_table, &mcfg, err))) goto done;
    }
    http_config cfg = {.bind = o->bind,
                       .port = o->port,
                       .threads = o->threads,
                       .quiet = o->quiet,
                       .trust_proxy = o->trust_proxy,
                       .max_connections = o->max_connections,
                       .connections_per_address = o->connections_per_address,
                       .heavy_workers = o->heavy_workers,
                       .heavy_queue = o->heavy_queue,
                       .guard = o->guard};
    s = http_server_start(a, route_table, &cfg, err);
    if (!s) goto done;
    int port = http_server_port(s);
    if (!base_url[0]) {
        snprintf(base_url, sizeof base_url, "http://%s:%d", o->bind, port);
        app_set_base_url(a, base_url);
    }
    if (o->port_file && write_port_file(o->port_file, port) != 0) {
        tm_error_set(err, 500, "cannot write the port file %s", o->port_file);
        goto done;
    }
    fprintf(stderr, "thermometer: serving on http://%s:%d (%d threads, %d database connections)\n",
            o->bind, port, o->threads, o->pool_size);

    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "thermometer: %s received, finishing requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    mail_stop_soon(a);
    http_server_stop(s, SHUTDOWN_GRACE_MS);
    s = NULL;
    rc = 0;
    fprintf(stderr, "thermometer: stopped\n");
done:
    http_server_stop(s, 0);
    http_server_stop(ms, 0);
    mail_stop(a);
    mixer_stop(mx);
    app_close(a);
    return rc;
}
