/* app.h - what every request handler shares: the database pool, the
 * instrument cache, the public address for links, metrics and the limiter
 * that slows token guessing. One per server process; handlers borrow it.
 */
#ifndef TM_APP_H
#define TM_APP_H

#include "server/store/db.h"
#include "server/store/instruments.h"

typedef struct metrics metrics;
typedef struct ratelimit ratelimit;

typedef struct app {
    db_pool *pool;
    instrument_registry *instruments;
    char base_url[256]; /* e.g. "https://thermometer.example.nl": invitation links start here */
    metrics *metrics;   /* may be NULL */
    ratelimit *limiter; /* may be NULL */
    int trust_proxy;    /* take the client address from X-Real-IP (behind our own proxy) */
} app;

#endif
