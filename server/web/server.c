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
    if (env_int("PORT", 8080, 0, 65535, &o->port, err) ||
        env_int("THREADS", 16, 1, 512, &o->threads, err) ||
        env_int("DB_POOL_SIZE", o->threads, 1, 512, &o->pool_size, err))
        return -1;
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
    app_config ac = {o->conninfo, o->pool_size, 1, 1, base_url};
    app *a = app_open(&ac, err);
    if (!a) return -1;
    http_server *s = NULL;
    int rc = -1;
    if (mail_start(a, err) != 0) goto done;
    http_config cfg = {o->bind, o->port, o->threads, o->quiet, o->trust_proxy};
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
    mail_stop(a);
    app_close(a);
    return rc;
}
