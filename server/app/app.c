/* app.c - see app.h. */
#include "server/app/app.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/metrics.h"
#include "server/app/ratelimit.h"
#include "server/store/instruments.h"
#include "server/store/migrate.h"

/* Parsed instruments by database id. Entries are never evicted or changed,
 * so a borrowed pointer stays valid for the life of the app. */
typedef struct cached_instrument {
    int id;
    instrument *in;
} cached_instrument;

struct app {
    db_pool *pool;
    pthread_mutex_t lock; /* guards the instrument cache */
    cached_instrument *instruments;
    size_t n_instruments, cap_instruments;
    char base_url[256];
    metrics *metrics; /* may be NULL */
    int limiter;      /* count failed token look-ups (ratelimit.h) */
    seal_key seal;
    int has_seal;
    int metrics_elsewhere;
    mail_service *mail; /* may be NULL; owned by server/app/mail.c */
};

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

const char *app_conninfo_from_env(void)
{
    return env_or("DATABASE_URL", NULL);
}

int app_prepare_database(const char *conninfo, int *migrations, int *instruments, tm_error *err)
{
    PGconn *c = db_connect(conninfo, err);
    if (!c) return -1;
    int rc = migrate_run(c, env_or("SQL_DIR", "sql"), migrations, err);
    if (rc == 0)
        rc = store_instruments_sync_dir(c, env_or("INSTRUMENTS_DIR", "survey-defs"), instruments,
                                        err);
    db_close(c);
    return rc;
}

app *app_open(const app_config *cfg, tm_error *err)
{
    app *a = calloc(1, sizeof *a);
    if (!a) {
        tm_error_set(err, 500, "out of memory starting");
        return NULL;
    }
    pthread_mutex_init(&a->lock, NULL);
    if (cfg->base_url) app_set_base_url(a, cfg->base_url);
    if (cfg->seal) {
        a->seal = *cfg->seal;
        a->has_seal = 1;
    }
    a->pool = db_pool_create(cfg->conninfo, cfg->pool_size, err);
    if (!a->pool) {
        app_close(a);
        return NULL;
    }
    if (cfg->metrics) a->metrics = metrics_create();
    a->limiter = cfg->limiter;
    if (cfg->metrics && !a->metrics) {
        app_close(a);
        tm_error_set(err, 500, "out of memory starting");
        return NULL;
    }
    return a;
}

void app_close(app *a)
{
    if (!a) return;
    db_pool_destroy(a->pool);
    for (size_t i = 0; i < a->n_instruments; i++)
        instrument_free(a->instruments[i].in);
    free(a->instruments);
    metrics_free(a->metrics);
    pthread_mutex_destroy(&a->lock);
    sodium_memzero(&a->seal, sizeof a->seal);
    free(a);
}

PGconn *app_db_acquire(app *a, tm_error *err)
{
    return db_pool_acquire(a->pool, err);
}

void app_db_release(app *a, PGconn *c)
{
    db_pool_release(a->pool, c);
}

void app_set_base_url(app *a, const char *url)
{
    snprintf(a->base_url, sizeof a->base_url, "%s", url);
    size_t n = strlen(a->base_url);
    if (n && a->base_url[n - 1] == '/') a->base_url[n - 1] = '\0';
}

const seal_key *app_seal_key(const app *a)
{
    return a->has_seal ? &a->seal : NULL;
}

const char *app_base_url(const app *a)
{
    return a->base_url;
}

void app_set_mail(app *a, mail_service *m)
{
    a->mail = m;
}

mail_service *app_mail(const app *a)
{
    return a->mail;
}

int app_health(app *a, tm_error *err)
{
    PGconn *c = db_pool_acquire(a->pool, err);
    int rc = c ? db_exec(c, "SELECT 1", 0, NULL, err) : -1;
    db_pool_release(a->pool, c);
    return rc;
}

void app_set_metrics_elsewhere(app *a, int elsewhere)
{
    a->metrics_elsewhere = elsewhere;
}

int app_metrics_elsewhere(const app *a)
{
    return a->metrics_elsewhere;
}

void app_observe_request(app *a, const char *route, int status, double seconds)
{
    metrics_observe_request(a->metrics, route, status, seconds);
}

void app_count_submissions(app *a, long n)
{
    metrics_add_submissions(a->metrics, n);
}

char *app_metrics_text(app *a, tm_error *err)
{
    if (!a->metrics) {
        tm_error_set(err, 404, "metrics are not enabled");
        return NULL;
    }
    char *text = metrics_render(a->metrics, db_pool_in_use(a->pool), db_pool_size(a->pool));
    if (!text) tm_error_set(err, 500, "out of memory rendering metrics");
    return text;
}

int app_token_failed(app *a, PGconn *c, const char *client, const char *token, tm_error *err)
{
    return a->limiter ? ratelimit_failed(c, client, token, err) : 0;
}

/* ---- instruments ------------------------------------------------------- */

static instrument *cache_find(app *a, int id)
{
    for (size_t i = 0; i < a->n_instruments; i++)
        if (a->instruments[i].id == id) return a->instruments[i].in;
    return NULL;
}

const instrument *app_instrument(app *a, PGconn *c, int id, tm_error *err)
{
    pthread_mutex_lock(&a->lock);
    instrument *in = cache_find(a, id);
    pthread_mutex_unlock(&a->lock);
    if (in) return in;

    instrument *loaded = store_instruments_load(c, id, err);
    if (!loaded) return NULL;
    pthread_mutex_lock(&a->lock);
    in = cache_find(a, id); /* another thread may have been quicker */
    if (!in && a->n_instruments == a->cap_instruments) {
        size_t cap = a->cap_instruments ? a->cap_instruments * 2 : 8;
        cached_instrument *grown = realloc(a->instruments, cap * sizeof *grown);
        if (grown) {
            a->instruments = grown;
            a->cap_instruments = cap;
        }
    }
    if (!in && a->n_instruments < a->cap_instruments) {
        a->instruments[a->n_instruments].id = id;
        a->instruments[a->n_instruments].in = loaded;
        a->n_instruments++;
        in = loaded;
        loaded = NULL;
    }
    pthread_mutex_unlock(&a->lock);
    if (loaded && !in) {
        instrument_free(loaded);
        tm_error_set(err, 500, "out of memory caching instrument %d", id);
        return NULL;
    }
    instrument_free(loaded);
    return in;
}

const instrument *app_instrument_find(app *a, PGconn *c, const char *ref, tm_error *err)
{
    int id = 0;
    const instrument *in = NULL;
    if (store_instruments_resolve(c, ref, &id, err) == 0) in = app_instrument(a, c, id, err);
    if (!in && err->status == 422) tm_error_set(err, 404, "no instrument \"%s\"", ref);
    return in;
}

json_t *app_instruments_list(PGconn *c, tm_error *err)
{
    return store_instruments_list(c, err);
}
