/* app.h - the application: what every request and command shares.
 *
 * One app per process: the database pool, the cache of parsed instruments,
 * the public address for links, the metrics and the limiter that slows
 * token guessing. The web room (server/web) and the command line (cli)
 * reach the database only through the services of this room; they borrow
 * a connection here and hand it to the services, never run SQL on it.
 *
 *   app *a = app_open(&cfg, &err);
 *   PGconn *c = app_db_acquire(a, &err);
 *   json_t *list = organisations_list(c, &who, &err);
 *   app_db_release(a, c);
 *   app_close(a);
 */
#ifndef TM_APP_H
#define TM_APP_H

#include <jansson.h>

#include "core/error.h"
#include "core/instrument.h"
#include "server/app/seal.h"
#include "server/store/db.h" /* PGconn: a borrowed connection passes through */

typedef struct app app;

typedef struct app_config {
    const char *conninfo; /* libpq connection string */
    int pool_size;        /* database connections (1 for a command) */
    int metrics;          /* keep counters for GET /metrics */
    int limiter;          /* slow down token guessing (ratelimit.h) */
    const char *base_url; /* public address for links; may be NULL (app_set_base_url) */
    const seal_key *seal; /* the key submissions wait under (copied); NULL: none (a command
                             that needs none; submissions are then refused) */
} app_config;

/* The connection string to use: DATABASE_URL, else NULL. */
const char *app_conninfo_from_env(void);

/* Applies the migrations (SQL_DIR, default sql) and loads new instrument
 * versions (INSTRUMENTS_DIR, default survey-defs) into the database at
 * conninfo: what `migrate` does and `serve` does first. *migrations and
 * *instruments (may be NULL) receive how many were new. */
int app_prepare_database(const char *conninfo, int *migrations, int *instruments, tm_error *err);

/* Opens the application: the pool (its first connection at once, so that a
 * wrong address is reported here), the instrument cache, and the metrics
 * and limiter when cfg asks for them. NULL with err. */
app *app_open(const app_config *cfg, tm_error *err);

/* Closes the pool and frees everything; connections must have been
 * released. NULL is fine. */
void app_close(app *a);

/* Borrows a database connection (503 when none becomes free within 2 s or
 * the database is away); give it back with app_db_release. */
PGconn *app_db_acquire(app *a, tm_error *err);
void app_db_release(app *a, PGconn *c);

/* The public address invitation links start with ("https://host", no
 * trailing slash); set once before requests arrive. */
void app_set_base_url(app *a, const char *url);
const char *app_base_url(const app *a);

/* The seal key, or NULL when the app has none. */
const seal_key *app_seal_key(const app *a);

/* The mail service (server/app/mail.h), kept by mail_start and dropped
 * by mail_stop; NULL for a command that does not send mail. */
typedef struct mail_service mail_service;
void app_set_mail(app *a, mail_service *m);
mail_service *app_mail(const app *a);

/* Whether the database answers: 0, or -1 with err (503). */
int app_health(app *a, tm_error *err);

/* Whether the metrics have an address of their own (METRICS_BIND): the
 * public address then has none. Set once before requests arrive. */
void app_set_metrics_elsewhere(app *a, int elsewhere);
int app_metrics_elsewhere(const app *a);

/* Counts one finished request of route (a static string). */
void app_observe_request(app *a, const char *route, int status, double seconds);

/* Counts stored submissions (form, JSON or imported rows). */
void app_count_submissions(app *a, long n);

/* The metrics in the Prometheus text format (caller frees), or NULL with
 * err: 404 when the app keeps no metrics, 500 out of memory. */
char *app_metrics_text(app *a, tm_error *err);

/* Counts one unknown token looked up by client (server/app/ratelimit.h:
 * per address and per token prefix, shared by every replica). Returns 0, or
 * the seconds to wait with err set to 429 when either is over its limit.
 * Does nothing without a limiter. */
int app_token_failed(app *a, PGconn *c, const char *client, const char *token, tm_error *err);

/* The instrument with database id, parsed and cached: borrowed, valid until
 * app_close. NULL with err (404 when no such id). Thread-safe. */
const instrument *app_instrument(app *a, PGconn *c, int id, tm_error *err);

/* The instrument "key" (latest version) or "key@version": borrowed as
 * above; 404 naming ref when there is none. */
const instrument *app_instrument_find(app *a, PGconn *c, const char *ref, tm_error *err);

/* Every instrument, the latest version of each: [{key, version, title,
 * sha256}] (new reference), or NULL with err. */
json_t *app_instruments_list(PGconn *c, tm_error *err);

#endif
