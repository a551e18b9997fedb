/* ratelimit.c - see ratelimit.h. A small open table of addresses, each with
 * the times of its recent failures in a ring; old entries are reused. */
#include "server/app/ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TABLE_SIZE 4096
#define MAX_RING 256

typedef struct entry {
    char addr[64];
    time_t times[MAX_RING];
    int head, count;
    time_t last;
} entry;

struct ratelimit {
    pthread_mutex_t lock;
    int max_failures, window;
    entry *table;
};

ratelimit *ratelimit_create(int max_failures, int window_seconds)
{
    ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl) return NULL;
    rl->table = calloc(TABLE_SIZE, sizeof *rl->table);
    if (!rl->table) {
        free(rl);
        return NULL;
    }
    rl->max_failures = max_failures < MAX_RING ? max_failures : MAX_RING - 1;
    rl->window = window_seconds;
    pthread_mutex_init(&rl->lock, NULL);
    return rl;
}

void ratelimit_free(ratelimit *rl)
{
    if (!rl) return;
    pthread_mutex_destroy(&rl->lock);
    free(rl->table);
    free(rl);
}

static unsigned addr_hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The entry for addr, or a free/stale slot for it when create is set. */
static entry *lookup(ratelimit *rl, const char *addr, time_t now, int create)
{
    unsigned h = addr_hash(addr);
    entry *oldest = NULL;
    /* The address's own entry first, wherever it sits in its probe run: a
     * free slot before it must not start a fresh count. */
    for (int probe = 0; probe < 16; probe++) {
        entry *e = &rl->table[(h + (unsigned)probe) % TABLE_SIZE];
        if (!strcmp(e->addr, addr)) return e;
    }
    for (int probe = 0; create && probe < 16; probe++) {
        entry *e = &rl->table[(h + (unsigned)probe) % TABLE_SIZE];
        if (e->addr[0] == '\0' || now - e->last > rl->window) {
            memset(e, 0, sizeof *e);
            snprintf(e->addr, sizeof e->addr, "%s", addr);
            return e;
        }
        if (!oldest || e->last < oldest->last) oldest = e;
    }
    /* A full neighbourhood must not let a new guesser go uncounted: take
     * over the entry that has been quiet longest. */
    if (create && oldest) {
        memset(oldest, 0, sizeof *oldest);
        snprintf(oldest->addr, sizeof oldest->addr, "%s", addr);
        return oldest;
    }
    return NULL;
}

/* Drops failures older than the window. */
static void expire(ratelimit *rl, entry *e, time_t now)
{
    while (e->count > 0) {
        int oldest = (e->head - e->count + MAX_RING) % MAX_RING;
        if (now - e->times[oldest] < rl->window) break;
        e->count--;
    }
}

int ratelimit_check(ratelimit *rl, const char *addr)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&rl->lock);
    entry *e = lookup(rl, addr, now, 0);
    int wait = 0;
    if (e) {
        expire(rl, e, now);
        if (e->count >= rl->max_failures) {
            int oldest = (e->head - e->count + MAX_RING) % MAX_RING;
            wait = (int)(rl->window - (now - e->times[oldest]));
            if (wait < 1) wait = 1;
        }
    }
    pthread_mutex_unlock(&rl->lock);
    return wait;
}

void ratelimit_fail(ratelimit *rl, const char *addr)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&rl->lock);
    entry *e = lookup(rl, addr, now, 1);
    if (e) {
        expire(rl, e, now);
        e->times[e->head] = now;
        e->head = (e->head + 1) % MAX_RING;
        if (e->count < MAX_RING) e->count++;
        e->last = now;
    }
    pthread_mutex_unlock(&rl->lock);
}
