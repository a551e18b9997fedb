/* metrics.h - counters for GET /metrics in the Prometheus text format:
 * requests by route and status, a latency histogram, submissions stored.
 * Thread-safe; route names must be static strings (the route table's).
 */
#ifndef TM_METRICS_H
#define TM_METRICS_H

typedef struct metrics metrics;

/* A new, zeroed set of counters; NULL on allocation failure. */
metrics *metrics_create(void);
void metrics_free(metrics *m);

/* Counts one finished request of route (a static string) with its status
 * and duration in seconds. */
void metrics_observe_request(metrics *m, const char *route, int status, double seconds);

/* Counts one stored submission (web form, JSON or imported row). */
void metrics_add_submissions(metrics *m, long n);

/* The exposition text, with the pool gauges given; caller frees. */
char *metrics_render(metrics *m, int pool_in_use, int pool_size);

#endif
