/* guard.c - see guard.h. */
#include "server/web/guard.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define SWEEP_MS 100 /* how often the sweeper wakes (the later functions' precision) */
/* Under pressure (connections past this share of the cap) a connection
 * waiting for a head is given this long instead of header_timeout. */
#define PRESSURE_SHARE 0.75
#define PRESSURE_TIMEOUT_MS 1000
#define ADDRESS_BUCKETS 1024

enum conn_state { CONN_IDLE, CONN_BUSY, CONN_BODY };

struct guard_conn {
    int fd;
    enum conn_state state; /* under the registry lock */
    long long since_ms;    /* idle: waiting since; body: the current window's start */
    long long mark;        /* body: received at the window's start */
    long long seen;        /* body: received when the sweeper last looked */
    long long moved_ms;    /* body: when it last saw it grow */
    long long length;      /* body: announced length, or -1 */
    atomic_llong received; /* body bytes so far */
    guard_conn *prev, *next;
};

/* Bodies in flight of one client address. */
typedef struct address_count {
    char addr[64];
    int bodies;
    struct address_count *next;
} address_count;

typedef struct later_item {
    long long due_ms;
    void (*fn)(void *);
    void *arg;
    struct later_item *next;
} later_item;

struct guard {
    guard_config cfg;
    pthread_mutex_t lock; /* the registry, the later list, the address table */
    pthread_cond_t wake;
    guard_conn *conns;
    int n_conns;
    later_item *later;
    int flushed, stopping;
    address_count *addresses[ADDRESS_BUCKETS];
    size_t body_bytes; /* admitted, not yet done */
    atomic_long cut;
    pthread_t thread;
};

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void guard_config_defaults(guard_config *cfg)
{
    cfg->header_timeout_s = 10;
    cfg->body_min_rate = 1024;
    cfg->body_window_s = 10;
    cfg->bodies_per_address = 16;
    cfg->body_memory = (size_t)128 << 20;
    cfg->connection_cap = 0;
}

/* ---- the sweeper --------------------------------------------------------- */

/* Whether c is too late; moves a body's window on when it passed. Under the
 * lock. */
static int conn_late(guard *g, guard_conn *c, long long now)
{
    if (c->state == CONN_IDLE) {
        long long timeout = (long long)g->cfg.header_timeout_s * 1000;
        if (g->cfg.connection_cap > 0 && g->n_conns > g->cfg.connection_cap * PRESSURE_SHARE &&
            timeout > PRESSURE_TIMEOUT_MS)
            timeout = PRESSURE_TIMEOUT_MS;
        return now - c->since_ms > timeout;
    }
    if (c->state != CONN_BODY) return 0;
    long long window = (long long)g->cfg.body_window_s * 1000;
    long long got = atomic_load(&c->received);
    if (got != c->seen) {
        c->seen = got;
        c->moved_ms = now;
    }
    /* Stalled for a whole window: no need to wait for the window's end. */
    if (now - c->moved_ms > window) return 1;
    if (now - c->since_ms < window) return 0;
    long long need = (long long)g->cfg.body_min_rate * g->cfg.body_window_s;
    if (c->length >= 0 && c->length - c->mark < need) need = c->length - c->mark;
    if (got - c->mark < need) return 1;
    c->since_ms = now;
    c->mark = got;
    return 0;
}

/* Takes the later functions that are due off the list (all when flushing). */
static later_item *later_due(guard *g, long long now)
{
    later_item *due = NULL, **p = &g->later;
    while (*p) {
        later_item *it = *p;
        if (g->flushed || it->due_ms <= now) {
            *p = it->next;
            it->next = due;
            due = it;
        } else {
            p = &it->next;
        }
    }
    return due;
}

static void later_run(later_item *due)
{
    while (due) {
        later_item *next = due->next;
        due->fn(due->arg);
        free(due);
        due = next;
    }
}

static void *sweep_loop(void *arg)
{
    guard *g = arg;
    long long last_sweep = 0;
    pthread_mutex_lock(&g->lock);
    while (!g->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += SWEEP_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g->wake, &g->lock, &until);
        long long now = now_ms();
        if (now - last_sweep >= 250) {
            last_sweep = now;
            /* The socket is shut, not closed: libmicrohttpd still owns the
             * descriptor, and closes it only after its notice, which waits
             * for this lock. */
            for (guard_conn *c = g->conns; c; c = c->next)
                if (c->fd >= 0 && conn_late(g, c, now)) {
                    shutdown(c->fd, SHUT_RDWR);
                    c->state = CONN_BUSY; /* once */
                    atomic_fetch_add(&g->cut, 1);
                }
        }
        later_item *due = later_due(g, now);
        pthread_mutex_unlock(&g->lock);
        later_run(due);
        pthread_mutex_lock(&g->lock);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

guard *guard_start(const guard_config *cfg)
{
    guard *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->cfg = *cfg;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->wake, NULL);
    if (pthread_create(&g->thread, NULL, sweep_loop, g) != 0) {
        pthread_mutex_destroy(&g->lock);
        pthread_cond_destroy(&g->wake);
        free(g);
        return NULL;
    }
    return g;
}

void guard_flush(guard *g)
{
    if (!g) return;
    pthread_mutex_lock(&g->lock);
    g->flushed = 1;
    later_item *due = later_due(g, 0);
    pthread_mutex_unlock(&g->lock);
    later_run(due);
}

void guard_stop(guard *g)
{
    if (!g) return;
    guard_flush(g);
    pthread_mutex_lock(&g->lock);
    g->stopping = 1;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->thread, NULL);
    while (g->conns) { /* none should be left; free rather than leak */
        guard_conn *c = g->conns;
        g->conns = c->next;
        free(c);
    }
    for (size_t i = 0; i < ADDRESS_BUCKETS; i++)
        while (g->addresses[i]) {
            address_count *a = g->addresses[i];
            g->addresses[i] = a->next;
            free(a);
        }
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->wake);
    free(g);
}

long guard_cut_count(guard *g)
{
    return atomic_load(&g->cut);
}

/* ---- connections ----------------------------------------------------------- */

guard_conn *guard_conn_open(guard *g, int fd)
{
    guard_conn *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->fd = fd;
    c->state = CONN_IDLE;
    c->since_ms = now_ms();
    pthread_mutex_lock(&g->lock);
    c->next = g->conns;
    if (g->conns) g->conns->prev = c;
    g->conns = c;
    g->n_conns++;
    pthread_mutex_unlock(&g->lock);
    return c;
}

void guard_conn_close(guard *g, guard_conn *c)
{
    if (!c) return;
    pthread_mutex_lock(&g->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        g->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    g->n_conns--;
    pthread_mutex_unlock(&g->lock);
    free(c);
}

static void conn_set(guard *g, guard_conn *c, enum conn_state state, long long length)
{
    if (!c) return;
    long long now = now_ms();
    pthread_mutex_lock(&g->lock);
    c->state = state;
    c->since_ms = now;
    c->length = length;
    c->mark = 0;
    c->seen = 0;
    c->moved_ms = now;
    atomic_store(&c->received, 0);
    pthread_mutex_unlock(&g->lock);
}

void guard_conn_idle(guard *g, guard_conn *c)
{
    conn_set(g, c, CONN_IDLE, -1);
}

void guard_conn_busy(guard *g, guard_conn *c)
{
    conn_set(g, c, CONN_BUSY, -1);
}

void guard_conn_body(guard *g, guard_conn *c, long long length)
{
    conn_set(g, c, CONN_BODY, length);
}

void guard_conn_received(guard_conn *c, size_t n)
{
    if (c) atomic_fetch_add(&c->received, (long long)n);
}

/* ---- bodies in flight ------------------------------------------------------ */

static address_count **address_slot(guard *g, const char *addr)
{
    unsigned h = 2166136261u;
    for (const char *s = addr; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    address_count **p = &g->addresses[h % ADDRESS_BUCKETS];
    while (*p && strcmp((*p)->addr, addr))
        p = &(*p)->next;
    return p;
}

int guard_body_admit(guard *g, const char *addr, size_t bytes, int *retry_after, tm_error *err)
{
    pthread_mutex_lock(&g->lock);
    address_count **p = address_slot(g, addr);
    int rc = 0;
    if (*p && (*p)->bodies >= g->cfg.bodies_per_address) {
        rc = tm_error_set(err, 429,
                          "%d uploads from this address are already in progress; send this one "
                          "when one of them has finished",
                          (*p)->bodies);
    } else if (g->body_bytes + bytes >
               g->cfg.body_memory + (bytes <= GUARD_SMALL_BODY ? g->cfg.body_memory / 8 : 0)) {
        rc = tm_error_set(err, 503, "the server is receiving too many uploads; try again shortly");
    } else if (!*p && !(*p = calloc(1, sizeof **p))) {
        rc = tm_error_set(err, 503, "the server is out of memory; try again shortly");
    } else {
        if (!(*p)->addr[0]) snprintf((*p)->addr, sizeof(*p)->addr, "%s", addr);
        (*p)->bodies++;
        g->body_bytes += bytes;
    }
    pthread_mutex_unlock(&g->lock);
    /* A body that keeps coming takes at most a window or two. */
    if (rc != 0) *retry_after = g->cfg.body_window_s;
    return rc;
}

void guard_body_done(guard *g, const char *addr, size_t bytes)
{
    pthread_mutex_lock(&g->lock);
    address_count **p = address_slot(g, addr);
    if (*p && --(*p)->bodies <= 0) {
        address_count *gone = *p;
        *p = gone->next;
        free(gone);
    }
    g->body_bytes -= bytes <= g->body_bytes ? bytes : g->body_bytes;
    pthread_mutex_unlock(&g->lock);
}

/* ---- later ----------------------------------------------------------------- */

void guard_later(guard *g, int ms, void (*fn)(void *), void *arg)
{
    later_item *it = calloc(1, sizeof *it);
    pthread_mutex_lock(&g->lock);
    if (it && !g->flushed) {
        it->due_ms = now_ms() + ms;
        it->fn = fn;
        it->arg = arg;
        it->next = g->later;
        g->later = it;
        it = NULL;
        fn = NULL;
    }
    pthread_mutex_unlock(&g->lock);
    free(it);
    if (fn) fn(arg);
}
