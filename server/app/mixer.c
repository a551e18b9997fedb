/* mixer.c - see mixer.h. */
#include "server/app/mixer.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/strbuf.h"
#include "server/app/seal.h"
#include "server/store/pending.h"

/* Appends one released row as the release statement takes it, {"s":
 * scores literal, "x": open answers}, from its opened payload (borrowed).
 * The literal holds only digits, signs, commas and braces: no escaping. */
static void release_row(strbuf *sb, json_t *payload)
{
    strbuf_adds(sb, "{\"s\":\"");
    strbuf_adds(sb, json_string_value(json_object_get(payload, "scores")));
    strbuf_addch(sb, '"');
    json_t *extra = json_object_get(payload, "extra");
    char *x = json_is_object(extra) ? json_dumps(extra, JSON_COMPACT) : NULL;
    if (x) {
        strbuf_adds(sb, ",\"x\":");
        strbuf_adds(sb, x);
        sodium_memzero(x, strlen(x));
        free(x);
    } else if (json_is_object(extra)) {
        strbuf_fail(sb, STRBUF_NO_MEMORY);
    }
    strbuf_addch(sb, '}');
}

/* A random order of 0..n-1 (Fisher-Yates with libsodium's randomness);
 * caller frees. */
static size_t *random_order(size_t n)
{
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) return NULL;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = randombytes_uniform((uint32_t)i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    return order;
}

/* The released rows: their ctids as a tid[] literal into ctids and their
 * answers, in the random order, into rows_json (both caller frees). */
static int batch_build(const seal_key *k, const pending_rows *rows, const size_t *order, size_t m,
                       long long wave, int layer, char **ctids, char **rows_json, tm_error *err)
{
    strbuf tids = STRBUF_INIT((size_t)64 << 20), out = STRBUF_INIT((size_t)1 << 30);
    strbuf_addch(&tids, '{');
    strbuf_addch(&out, '[');
    int rc = 0;
    for (size_t j = 0; j < m; j++) {
        size_t i = order[j];
        json_t *payload = seal_open(k, rows->sealed[i], rows->len[i], wave, layer, err);
        if (!payload) {
            rc = -1;
            break;
        }
        if (j) strbuf_addch(&out, ',');
        release_row(&out, payload);
        json_decref(payload);
        strbuf_addf(&tids, "%s\"%s\"", j ? "," : "", rows->ctid[i]);
    }
    strbuf_addch(&tids, '}');
    strbuf_addch(&out, ']');
    *ctids = strbuf_detach(&tids, NULL);
    *rows_json = strbuf_detach(&out, NULL);
    if (rc == 0 && (!*ctids || !*rows_json)) rc = tm_error_set(err, 500, "out of memory mixing");
    if (rc != 0) {
        if (*rows_json) sodium_memzero(*rows_json, strlen(*rows_json));
        free(*ctids);
        free(*rows_json);
        *ctids = *rows_json = NULL;
    }
    return rc;
}

/* One batch of (wave, layer): all but k when at least 2k wait, or all that
 * wait when final. *released receives how many. */
static int release_group(PGconn *c, const seal_key *k, const pending_group *g, int final,
                         long long *released, tm_error *err)
{
    *released = 0;
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    pending_rows rows;
    if (store_pending_take(c, g->wave, g->layer, k->id, &rows, err) != 0) {
        db_rollback(c, own);
        return -1;
    }
    size_t n = rows.n, keep = final ? 0 : (size_t)g->min_group_size;
    if (n == 0 || (!final && n < 2 * keep)) { /* another server's batch came first */
        store_pending_rows_free(&rows);
        db_rollback(c, own);
        return 0;
    }
    size_t *order = random_order(n);
    char *ctids = NULL, *rows_json = NULL;
    int rc =
        order ? batch_build(k, &rows, order, n - keep, g->wave, g->layer, &ctids, &rows_json, err)
              : tm_error_set(err, 500, "out of memory mixing");
    if (rc == 0) rc = store_pending_release(c, g->wave, g->layer, ctids, rows_json, err);
    if (rc == 0) rc = db_commit(c, own, err);
    if (rc != 0) db_rollback(c, own);
    if (rc == 0) *released = (long long)(n - keep);
    if (rows_json) sodium_memzero(rows_json, strlen(rows_json));
    free(rows_json);
    free(ctids);
    free(order);
    store_pending_rows_free(&rows);
    return rc;
}

/* Releases the groups (of one wave, or all for wave 0): during collection
 * those with 2k waiting; of ended waves everything, after the barrier. */
static long long release_round(PGconn *c, const seal_key *k, long long wave, tm_error *err)
{
    pending_group *g = NULL;
    size_t n = 0;
    if (store_pending_groups(c, k->id, wave, &g, &n, err) != 0) return -1;
    long long total = 0, got;
    int ended = 0;
    for (size_t i = 0; i < n; i++) {
        if (g[i].ended) {
            ended = 1;
            continue;
        }
        if (g[i].waiting < 2LL * g[i].min_group_size) continue;
        if (release_group(c, k, &g[i], 0, &got, err) != 0) goto fail;
        total += got;
    }
    if (ended) {
        /* Only after the barrier is everything of an ended wave in: a
         * submission that passed its check before the end has committed. */
        if (store_pending_barrier(c, err) != 0) goto fail;
        free(g);
        g = NULL;
        if (store_pending_groups(c, k->id, wave, &g, &n, err) != 0) return -1;
        for (size_t i = 0; i < n; i++) {
            if (!g[i].ended) continue;
            if (release_group(c, k, &g[i], 1, &got, err) != 0) goto fail;
            total += got;
        }
    }
    free(g);
    if (total > 0) {
        tm_error ignored = TM_ERROR_INIT; /* the next round vacuums again */
        store_pending_vacuum(c, &ignored);
        tm_error_clear(&ignored);
    }
    return total;
fail:
    free(g);
    return -1;
}

long long mixer_round(app *a, PGconn *c, tm_error *err)
{
    const seal_key *k = app_seal_key(a);
    return k ? release_round(c, k, 0, err) : 0;
}

long long mixer_foreign(app *a, PGconn *c, tm_error *err)
{
    const seal_key *k = app_seal_key(a);
    return store_pending_foreign(c, k ? k->id : "", 0, err);
}

int mixer_flush_wave(app *a, PGconn *c, long long wave, tm_error *err)
{
    const seal_key *k = app_seal_key(a);
    long long foreign = store_pending_foreign(c, k ? k->id : "", wave, err);
    if (foreign < 0) return -1;
    if (foreign > 0)
        return tm_error_set(err, 503,
                            k ? "%lld submissions of wave %lld wait to be mixed, sealed under "
                                "another key than this server's: start a server with that key "
                                "(SEAL_KEY) to release them; its results wait until then"
                              : "%lld submissions of wave %lld wait to be mixed and this process "
                                "has no seal key: set SEAL_KEY or SEAL_KEY_FILE as for the server",
                            foreign, wave);
    if (!k) return 0; /* nothing waits under any key */
    return release_round(c, k, wave, err) < 0 ? -1 : 0;
}

/* ---- the thread ------------------------------------------------------------ */

struct mixer {
    app *a;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop;
};

static void *mixer_main(void *arg)
{
    mixer *m = arg;
    pthread_mutex_lock(&m->lock);
    while (!m->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += MIXER_INTERVAL_MS / 1000;
        until.tv_nsec += (MIXER_INTERVAL_MS % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!m->stop && pthread_cond_timedwait(&m->wake, &m->lock, &until) != ETIMEDOUT)
            ;
        if (m->stop) break;
        pthread_mutex_unlock(&m->lock);
        tm_error err = TM_ERROR_INIT;
        PGconn *c = app_db_acquire(m->a, &err);
        long long released = c ? mixer_round(m->a, c, &err) : -1;
        app_db_release(m->a, c);
        if (released < 0 && c) fprintf(stderr, "mixer: %s\n", err.message);
        tm_error_clear(&err);
        pthread_mutex_lock(&m->lock);
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

mixer *mixer_start(app *a, tm_error *err)
{
    mixer *m = calloc(1, sizeof *m);
    if (!m) {
        tm_error_set(err, 500, "out of memory starting the mixer");
        return NULL;
    }
    m->a = a;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->wake, NULL);
    if (pthread_create(&m->thread, NULL, mixer_main, m) != 0) {
        pthread_mutex_destroy(&m->lock);
        pthread_cond_destroy(&m->wake);
        free(m);
        tm_error_set(err, 500, "cannot start the mixer thread");
        return NULL;
    }
    return m;
}

void mixer_stop(mixer *m)
{
    if (!m) return;
    pthread_mutex_lock(&m->lock);
    m->stop = 1;
    pthread_cond_signal(&m->wake);
    pthread_mutex_unlock(&m->lock);
    pthread_join(m->thread, NULL);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->wake);
    free(m);
}
