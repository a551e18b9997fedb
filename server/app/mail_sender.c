/* mail_sender.c - see mail_sender.h. */
#include "server/app/mail_sender.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/store/mail.h"

#define IDLE_SECONDS 1.0               /* look for work this often when there is none */
#define HOUSEKEEPING_SECONDS 1.0       /* reminder rounds and closed waves */
#define IDLE_HOUSEKEEPING_SECONDS 60.0 /* closed waves only, without a relay */
#define DB_WAIT_SECONDS 2.0            /* after the database failed */
#define LOG_REPEAT_SECONDS 60.0        /* the same relay problem is logged again after this */
#define CONTEXTS 16                    /* waves' contexts kept by the sender */
#define CONTEXT_SECONDS 2.0            /* ... for this long: a new wording shows within it */

/* A wave's context for one language and kind of mail, as read at `at`. */
typedef struct cached_context {
    int used;
    long long wave;
    char lang[4];
    int reminder;
    double at;
    store_mail_context ctx;
} cached_context;

/* One thread, with its own connection to the relay. */
typedef struct worker {
    mail_sender *m;
    int index; /* 0 also keeps house */
    pthread_t thread;
    int started;
    cached_context contexts[CONTEXTS];
} worker;

struct mail_sender {
    app *app;
    const mail_settings *settings;
    worker *workers;
    int n_workers;
    volatile int stop;
    pthread_mutex_t lock; /* guards the fields below and the wake-up */
    pthread_cond_t wake;
    unsigned long wakes; /* moves on with every wake-up */
    double next_send;    /* MAIL_RATE: no message leaves before this */
    long sent;
    time_t last_sent_at;
    char relay_error[256]; /* "" while the relay answers */
    time_t relay_error_since;
    int relay_failures; /* in a row */
};

/* What happened to one look at the outbox. */
typedef enum step { STEP_IDLE, STEP_DONE, STEP_RELAY_DOWN, STEP_DB_DOWN } step;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double mail_backoff(double backoff, int tries)
{
    int doublings = tries - 1 < 0 ? 0 : tries - 1 > 6 ? 6 : tries - 1;
    return backoff * (double)(1 << doublings);
}

/* Waits up to seconds, or until woken or stopped. */
static void nap(mail_sender *m, double seconds)
{
    if (seconds <= 0) return;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    long long ns = (long long)(seconds * 1e9) + until.tv_nsec;
    until.tv_sec += (time_t)(ns / 1000000000LL);
    until.tv_nsec = (long)(ns % 1000000000LL);
    pthread_mutex_lock(&m->lock);
    unsigned long seen = m->wakes;
    while (m->wakes == seen && !m->stop)
        if (pthread_cond_timedwait(&m->wake, &m->lock, &until) == ETIMEDOUT) break;
    pthread_mutex_unlock(&m->lock);
}

/* Seconds this thread must wait for its turn under MAIL_RATE; 0 when it
 * may send now, and then the turn is taken. */
static double rate_wait(mail_sender *m)
{
    if (m->settings->rate <= 0) return 0;
    pthread_mutex_lock(&m->lock);
    double t = now_seconds(), wait = m->next_send - t;
    if (wait <= 0) m->next_send = t + 60.0 / m->settings->rate;
    pthread_mutex_unlock(&m->lock);
    return wait > 0 ? wait : 0;
}

static void relay_down(mail_sender *m, const char *reason)
{
    pthread_mutex_lock(&m->lock);
    int changed = strcmp(m->relay_error, reason) != 0;
    int first = !m->relay_error[0];
    if (first) m->relay_error_since = time(NULL);
    snprintf(m->relay_error, sizeof m->relay_error, "%s", reason);
    m->relay_failures++;
    int failures = m->relay_failures;
    pthread_mutex_unlock(&m->lock);
    double wait = mail_backoff(m->settings->backoff, failures);
    /* Logged when it starts or changes, and then about once a minute. */
    static __thread double last_log;
    double t = now_seconds();
    if (first || changed || t - last_log >= LOG_REPEAT_SECONDS) {
        fprintf(stderr, "mail: the relay %s: %s; nothing is lost, trying again in %.1f s\n",
                m->settings->relay.shown, reason, wait);
        last_log = t;
    }
}

static void relay_up(mail_sender *m, int sent)
{
    pthread_mutex_lock(&m->lock);
    int was_down = m->relay_error[0] != '\0';
    m->relay_error[0] = '\0';
    m->relay_failures = 0;
    if (sent) {
        m->sent++;
        m->last_sent_at = time(NULL);
    }
    pthread_mutex_unlock(&m->lock);
    if (was_down) fprintf(stderr, "mail: the relay answers again\n");
}

/* The context of job's wave, language and kind: kept a moment, so that a
 * run of messages of one wave reads it once a while. Borrowed, valid until
 * the next call; NULL with err. */
static const store_mail_context *context_for(worker *w, PGconn *c, const store_mail_job *job,
                                             tm_error *err)
{
    cached_context *contexts = w->contexts;
    double t = now_seconds();
    int reminder = job->round > 0;
    cached_context *slot = NULL;
    for (int i = 0; i < CONTEXTS && !slot; i++) {
        cached_context *e = &contexts[i];
        if (e->used && e->wave == job->wave && e->reminder == reminder &&
            !strcmp(e->lang, job->lang)) {
            if (t - e->at < CONTEXT_SECONDS) return &e->ctx;
            slot = e;
        }
    }
    for (int i = 0; i < CONTEXTS && !slot; i++)
        if (!contexts[i].used) slot = &contexts[i];
    if (!slot) { /* the oldest */
        slot = &contexts[0];
        for (int i = 1; i < CONTEXTS; i++)
            if (contexts[i].at < slot->at) slot = &contexts[i];
    }
    if (slot->used) store_mail_context_clear(&slot->ctx);
    slot->used = 0;
    if (store_mail_context_get(c, job->wave, job->lang, mail_kind(job->round), &slot->ctx, err) !=
        0)
        return NULL;
    slot->used = 1;
    slot->wave = job->wave;
    slot->reminder = reminder;
    slot->at = t;
    snprintf(slot->lang, sizeof slot->lang, "%s", job->lang);
    return &slot->ctx;
}

/* The message of job, or NULL with err. */
static char *make_message(mail_sender *m, PGconn *c, const store_mail_job *job,
                          const store_mail_context *ctx, const char *token, size_t *len,
                          tm_error *err)
{
    mail_request q = {ctx, mail_kind(job->round), job->lang, job->layer, token, job->email, NULL};
    return mail_compose(m->app, c, m->settings, &q, len, err);
}

/* Ends a claimed job that will not be sent now; returns the step. */
static step settle(mail_sender *m, PGconn *c, const store_mail_job *job, const smtp_result *res)
{
    tm_error err = TM_ERROR_INIT;
    int rc = 0;
    if (res->outcome == SMTP_LATER && job->attempts + 1 < MAIL_SEND_ATTEMPTS) {
        rc = store_mail_job_retry(c, job, mail_backoff(m->settings->backoff, job->attempts + 1),
                                  res->reply, &err);
    } else {
        char why[300];
        snprintf(why, sizeof why, "%s%s",
                 res->outcome == SMTP_LATER ? "the relay kept deferring it: " : "", res->reply);
        rc = store_mail_job_fail(c, job, why, &err);
        fprintf(stderr, "mail: a message of wave %lld (round %d) failed: %s\n", job->wave,
                job->round, res->reason);
    }
    if (rc != 0) fprintf(stderr, "mail: %s\n", err.message);
    tm_error_clear(&err);
    return rc == 0 ? STEP_DONE : STEP_DB_DOWN;
}

/* Sends the claimed job through smtp. */
static step deliver(worker *w, PGconn *c, smtp_client *smtp, store_mail_job *job)
{
    mail_sender *m = w->m;
    tm_error err = TM_ERROR_INIT;
    const store_mail_context *ctx = context_for(w, c, job, &err);
    if (!ctx) {
        store_mail_job_release(c);
        tm_error_clear(&err);
        return STEP_DB_DOWN;
    }
    /* No longer wanted: the wave closed, the person declined, or (for a
     * reminder) answered meanwhile. */
    if (!strcmp(ctx->wave.status, "closed") || job->declined ||
        (job->round > 0 && job->submitted)) {
        int rc = store_mail_job_cancel(c, job, &err);
        tm_error_clear(&err);
        return rc == 0 ? STEP_DONE : STEP_DB_DOWN;
    }
    char token[TOKEN_TEXT_MAX], hash[TOKEN_HASH_HEX];
    if (mail_token(m->settings, job->salt_hex, token, hash) != 0 || strcmp(hash, job->hash_hex)) {
        smtp_result res = {SMTP_REFUSED, 0,
                           "not sent: the server key (SEAL_KEY) is not the one this address "
                           "was added with, so its link would not open",
                           "the server key changed"};
        return settle(m, c, job, &res);
    }
    size_t len = 0;
    char *message = make_message(m, c, job, ctx, token, &len, &err);
    sodium_memzero(token, sizeof token);
    if (!message) {
        smtp_result res = {SMTP_LATER, 0, "", ""};
        snprintf(res.reply, sizeof res.reply, "not sent: %.200s", err.message);
        snprintf(res.reason, sizeof res.reason, "%.200s", err.message);
        tm_error_clear(&err);
        return settle(m, c, job, &res);
    }
    if (store_mail_job_mark_sent(c, job, &err) != 0) {
        free(message);
        store_mail_job_release(c);
        tm_error_clear(&err);
        return STEP_DB_DOWN;
    }
    smtp_result res;
    smtp_client_send(smtp, m->settings->from, job->email, message, len, &res);
    free(message);
    if (res.outcome == SMTP_SENT) {
        if (store_mail_job_commit(c, &err) != 0) {
            /* The relay has it; the outbox does not know: it goes again. */
            fprintf(stderr,
                    "mail: a message of wave %lld was sent but could not be marked sent (%s); "
                    "it will be sent again\n",
                    job->wave, err.message);
            tm_error_clear(&err);
            return STEP_DB_DOWN;
        }
        relay_up(m, 1);
        return STEP_DONE;
    }
    if (res.outcome == SMTP_RELAY_DOWN) {
        store_mail_job_release(c);
        relay_down(m, res.reason);
        return STEP_RELAY_DOWN;
    }
    relay_up(m, 0);
    return settle(m, c, job, &res);
}

/* One look at the outbox. */
static step send_one(worker *w, smtp_client *smtp)
{
    mail_sender *m = w->m;
    tm_error err = TM_ERROR_INIT;
    PGconn *c = app_db_acquire(m->app, &err);
    if (!c) {
        tm_error_clear(&err);
        return STEP_DB_DOWN;
    }
    store_mail_job job;
    int got = store_mail_claim(c, &job, &err);
    step s = got < 0 ? STEP_DB_DOWN : STEP_IDLE;
    if (got > 0) s = deliver(w, c, smtp, &job);
    app_db_release(m->app, c);
    tm_error_clear(&err);
    return s;
}

/* Reminder rounds that are due, and addresses of waves that closed. */
static void housekeeping(mail_sender *m)
{
    tm_error err = TM_ERROR_INIT;
    PGconn *c = app_db_acquire(m->app, &err);
    if (!c) {
        tm_error_clear(&err);
        return;
    }
    json_t *due = m->settings->configured ? store_mail_rounds_due(c, &err) : NULL;
    size_t i;
    json_t *d;
    int queued = 0;
    json_array_foreach(due, i, d)
    {
        long long wave = json_integer_value(json_array_get(d, 0)), n = 0;
        int round = (int)json_integer_value(json_array_get(d, 1));
        if (store_mail_round_start(c, wave, round, &n, &err) > 0) {
            fprintf(stderr, "mail: wave %lld: reminder round %d, %lld messages\n", wave, round, n);
            queued = 1;
        }
        tm_error_clear(&err);
    }
    json_decref(due);
    json_t *closed = store_mail_waves_closed(c, &err);
    json_t *w;
    json_array_foreach(closed, i, w)
    {
        if (store_mail_forget(c, json_integer_value(w), &err) == 0)
            fprintf(stderr, "mail: wave %lld closed: its addresses are deleted\n",
                    (long long)json_integer_value(w));
        tm_error_clear(&err);
    }
    json_decref(closed);
    tm_error_clear(&err);
    app_db_release(m->app, c);
    if (queued) mail_sender_wake(m);
}

static void *sender_main(void *arg)
{
    worker *w = arg;
    mail_sender *m = w->m;
    smtp_client *smtp = NULL;
    if (m->settings->configured && !(smtp = smtp_client_new(&m->settings->relay, &m->stop)))
        fprintf(stderr, "mail: out of memory starting a sender; it sends nothing\n");
    double next_housekeeping = 0;
    while (!m->stop) {
        double t = now_seconds();
        if (w->index == 0 && t >= next_housekeeping) {
            housekeeping(m);
            next_housekeeping = t + (smtp ? HOUSEKEEPING_SECONDS : IDLE_HOUSEKEEPING_SECONDS);
        }
        if (!smtp) { /* mail is not set up: addresses left from before still go at closing */
            nap(m, next_housekeeping - now_seconds());
            continue;
        }
        double wait = rate_wait(m);
        if (wait > 0) {
            nap(m, wait);
            continue;
        }
        switch (send_one(w, smtp)) {
        case STEP_DONE:
            break;
        case STEP_IDLE:
            nap(m, IDLE_SECONDS);
            break;
        case STEP_RELAY_DOWN: {
            pthread_mutex_lock(&m->lock);
            int failures = m->relay_failures;
            pthread_mutex_unlock(&m->lock);
            nap(m, mail_backoff(m->settings->backoff, failures));
            break;
        }
        case STEP_DB_DOWN:
            nap(m, DB_WAIT_SECONDS);
            break;
        }
    }
    smtp_client_free(smtp);
    for (int i = 0; i < CONTEXTS; i++)
        if (w->contexts[i].used) store_mail_context_clear(&w->contexts[i].ctx);
    return NULL;
}

mail_sender *mail_sender_start(app *a, const mail_settings *s, tm_error *err)
{
    mail_sender *m = calloc(1, sizeof *m);
    int n = s->configured ? s->connections : 1; /* without a relay: one to keep house */
    worker *workers = m ? calloc((size_t)n, sizeof *workers) : NULL;
    if (!workers) {
        free(m);
        tm_error_set(err, 500, "out of memory starting the mail sender");
        return NULL;
    }
    m->app = a;
    m->settings = s;
    m->workers = workers;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->wake, NULL);
    for (int i = 0; i < n; i++) {
        workers[i].m = m;
        workers[i].index = i;
        if (pthread_create(&workers[i].thread, NULL, sender_main, &workers[i]) != 0) {
            mail_sender_stop(m);
            tm_error_set(err, 500, "cannot start the mail sender threads");
            return NULL;
        }
        workers[i].started = 1;
        m->n_workers = i + 1;
    }
    return m;
}

void mail_sender_wake(mail_sender *m)
{
    if (!m) return;
    pthread_mutex_lock(&m->lock);
    m->wakes++;
    pthread_cond_broadcast(&m->wake);
    pthread_mutex_unlock(&m->lock);
}

static json_t *time_or_null(time_t t)
{
    if (!t) return json_null();
    struct tm tm;
    char buf[32];
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

json_t *mail_sender_status(mail_sender *m)
{
    pthread_mutex_lock(&m->lock);
    json_t *o =
        json_pack("{s:I, s:o, s:b}", "sent_by_this_server", (json_int_t)m->sent, "last_sent_at",
                  time_or_null(m->last_sent_at), "relay_answers", m->relay_error[0] == '\0');
    if (m->relay_error[0]) {
        json_object_set_new(o, "relay_error", json_string(m->relay_error));
        json_object_set_new(o, "relay_error_since", time_or_null(m->relay_error_since));
    }
    pthread_mutex_unlock(&m->lock);
    return o;
}

void mail_sender_stop_soon(mail_sender *m)
{
    if (!m) return;
    pthread_mutex_lock(&m->lock);
    m->stop = 1;
    pthread_cond_broadcast(&m->wake);
    pthread_mutex_unlock(&m->lock);
}

void mail_sender_stop(mail_sender *m)
{
    if (!m) return;
    mail_sender_stop_soon(m);
    for (int i = 0; i < m->n_workers; i++)
        if (m->workers[i].started) pthread_join(m->workers[i].thread, NULL);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->wake);
    free(m->workers);
    free(m);
}
