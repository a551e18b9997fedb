/* metrics.c - see metrics.h. */
#include "server/app/metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 256
static const double bucket_bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                       0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
#define N_BUCKETS (sizeof bucket_bounds / sizeof *bucket_bounds)

typedef struct series {
    const char *route;
    int status;
    unsigned long count;
} series;

struct metrics {
    pthread_mutex_t lock;
    series by_status[MAX_SERIES];
    size_t n_series;
    unsigned long buckets[N_BUCKETS + 1]; /* last: +Inf */
    double seconds_sum;
    unsigned long seconds_count;
    long submissions;
};

metrics *metrics_create(void)
{
    metrics *m = calloc(1, sizeof *m);
    if (m) pthread_mutex_init(&m->lock, NULL);
    return m;
}

void metrics_free(metrics *m)
{
    if (!m) return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void metrics_observe_request(metrics *m, const char *route, int status, double seconds)
{
    pthread_mutex_lock(&m->lock);
    size_t i = 0;
    while (i < m->n_series && !(m->by_status[i].route == route && m->by_status[i].status == status))
        i++;
    if (i == m->n_series && i < MAX_SERIES) {
        m->by_status[i].route = route;
        m->by_status[i].status = status;
        m->n_series++;
    }
    if (i < m->n_series) m->by_status[i].count++;
    size_t b = 0;
    while (b < N_BUCKETS && seconds > bucket_bounds[b])
        b++;
    m->buckets[b]++;
    m->seconds_sum += seconds;
    m->seconds_count++;
    pthread_mutex_unlock(&m->lock);
}

void metrics_add_submissions(metrics *m, long n)
{
    if (!m) return;
    pthread_mutex_lock(&m->lock);
    m->submissions += n;
    pthread_mutex_unlock(&m->lock);
}

char *metrics_render(metrics *m, int pool_in_use, int pool_size)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f) return NULL;
    pthread_mutex_lock(&m->lock);
    fprintf(f, "# HELP thermometer_http_requests_total Requests by route and status.\n"
               "# TYPE thermometer_http_requests_total counter\n");
    for (size_t i = 0; i < m->n_series; i++)
        fprintf(f, "thermometer_http_requests_total{route=\"%s\",status=\"%d\"} %lu\n",
                m->by_status[i].route, m->by_status[i].status, m->by_status[i].count);
    fprintf(f, "# HELP thermometer_http_request_duration_seconds Request latency.\n"
               "# TYPE thermometer_http_request_duration_seconds histogram\n");
    unsigned long cumulative = 0;
    for (size_t b = 0; b < N_BUCKETS; b++) {
        cumulative += m->buckets[b];
        fprintf(f, "thermometer_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
                bucket_bounds[b], cumulative);
    }
    cumulative += m->buckets[N_BUCKETS];
    fprintf(f,
            "thermometer_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n"
            "thermometer_http_request_duration_seconds_sum %.6f\n"
            "thermometer_http_request_duration_seconds_count %lu\n",
            cumulative, m->seconds_sum, m->seconds_count);
    fprintf(f,
            "# HELP thermometer_submissions_stored_total Responses stored (form, API, import).\n"
            "# TYPE thermometer_submissions_stored_total counter\n"
            "thermometer_submissions_stored_total %ld\n",
            m->submissions);
    pthread_mutex_unlock(&m->lock);
    fprintf(f,
            "# HELP thermometer_db_pool_in_use Database connections borrowed.\n"
            "# TYPE thermometer_db_pool_in_use gauge\n"
            "thermometer_db_pool_in_use %d\n"
            "# HELP thermometer_db_pool_size Database connections in the pool.\n"
            "# TYPE thermometer_db_pool_size gauge\n"
            "thermometer_db_pool_size %d\n",
            pool_in_use, pool_size);
    fclose(f);
    return out;
}
