/* db.c - see db.h. */
#include "server/store/db.h"

#include <errno.h>
#include <libpq-events.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL_WAIT_MS 2000

struct db_pool {
    char *conninfo;
    int size;
    PGconn **conns; /* size slots; NULL = not yet opened */
    int *busy;
    int in_use;
    pthread_mutex_t lock;
    pthread_cond_t freed;
};

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* NOTICEs (e.g. "relation exists, skipping") are not for the log */
}

/* ---- prepared statements ------------------------------------------------ */

/* The statements a connection has prepared, kept as its libpq instance
 * data: it lives and dies with the connection, and a reset (PQreset, after
 * which the server has forgotten them) empties it. */
typedef struct prepared_set {
    const db_stmt **items;
    size_t n, cap;
} prepared_set;

static int prepared_events(PGEventId id, void *info, void *pass)
{
    (void)pass;
    if (id == PGEVT_REGISTER) {
        PGconn *c = ((PGEventRegister *)info)->conn;
        prepared_set *set = calloc(1, sizeof *set);
        if (set && PQsetInstanceData(c, prepared_events, set)) return 1;
        free(set);
        return 0;
    }
    if (id == PGEVT_CONNRESET) {
        prepared_set *set = PQinstanceData(((PGEventConnReset *)info)->conn, prepared_events);
        if (set) set->n = 0;
    } else if (id == PGEVT_CONNDESTROY) {
        prepared_set *set = PQinstanceData(((PGEventConnDestroy *)info)->conn, prepared_events);
        if (set) free(set->items);
        free(set);
    }
    return 1;
}

static int prepared_has(const prepared_set *set, const db_stmt *s)
{
    for (size_t i = 0; i < set->n; i++)
        if (set->items[i] == s) return 1;
    return 0;
}

static void prepared_forget(prepared_set *set, const db_stmt *s)
{
    for (size_t i = 0; i < set->n; i++)
        if (set->items[i] == s) set->items[i--] = set->items[--set->n];
}

static int result_error(PGconn *conn, PGresult *r, tm_error *err);

static const char *sqlstate(const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return state ? state : "";
}

/* Prepares s on c and notes it. */
static int prepare(PGconn *c, prepared_set *set, const db_stmt *s, tm_error *err)
{
    for (size_t i = 0; i < set->n; i++)
        if (!strcmp(set->items[i]->name, s->name))
            return tm_error_set(err, 500, "two statements are named \"%s\"", s->name);
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        const db_stmt **grown = realloc(set->items, cap * sizeof *grown);
        if (!grown) return tm_error_set(err, 500, "out of memory preparing a statement");
        set->items = grown;
        set->cap = cap;
    }
    PGresult *r = PQprepare(c, s->name, s->sql, s->nparams, NULL);
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    /* Already there (a reset that libpq did not report): the same text. */
    if (!ok && !strcmp(sqlstate(r), "42P05") && PQtransactionStatus(c) == PQTRANS_IDLE) ok = 1;
    if (!ok) {
        result_error(c, r, err);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    set->items[set->n++] = s;
    return 0;
}

PGresult *db_run_bin(PGconn *c, const db_stmt *s, const char *const *params, const int *lengths,
                     const int *formats, int result_binary, tm_error *err)
{
    prepared_set *set = PQinstanceData(c, prepared_events);
    if (!set) /* not a connection of db_connect's */
        return db_query_bin(c, s->sql, s->nparams, params, lengths, formats, result_binary, err);
    for (int attempt = 0;; attempt++) {
        if (!prepared_has(set, s) && prepare(c, set, s, err) != 0) return NULL;
        PGresult *r =
            PQexecPrepared(c, s->name, s->nparams, params, lengths, formats, result_binary);
        ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
        /* The server no longer knows the statement (DISCARD ALL, a pooler
         * in between) or its plan no longer fits a table that changed: once,
         * prepare it again and retry; not inside a transaction, which the
         * error has ended. */
        const char *state = sqlstate(r);
        if (attempt == 0 && PQtransactionStatus(c) == PQTRANS_IDLE &&
            (!strcmp(state, "26000") || !strcmp(state, "0A000"))) {
            PQclear(r);
            prepared_forget(set, s);
            char *name = PQescapeIdentifier(c, s->name, strlen(s->name));
            if (name) {
                char sql[256];
                snprintf(sql, sizeof sql, "DEALLOCATE %s", name);
                PQclear(PQexec(c, sql)); /* fails harmlessly when it is gone already */
                PQfreemem(name);
            }
            continue;
        }
        result_error(c, r, err);
        PQclear(r);
        return NULL;
    }
}

PGresult *db_run(PGconn *c, const db_stmt *s, const char *const *params, tm_error *err)
{
    return db_run_bin(c, s, params, NULL, NULL, 0, err);
}

/* ---- connections ----------------------------------------------------------- */

PGconn *db_connect(const char *conninfo, tm_error *err)
{
    PGconn *c = PQconnectdb(conninfo);
    if (!c) {
        tm_error_set(err, 503, "cannot allocate a database connection");
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
        msg[strcspn(msg, "\n")] = '\0';
        tm_error_set(err, 503, "the database cannot be reached: %s", msg);
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, quiet_notices, NULL);
    if (!PQregisterEventProc(c, prepared_events, "prepared statements", NULL)) {
        PQfinish(c);
        tm_error_set(err, 500, "out of memory opening a database connection");
        return NULL;
    }
    return c;
}

void db_close(PGconn *conn)
{
    if (conn) PQfinish(conn);
}

db_pool *db_pool_create(const char *conninfo, int size, tm_error *err)
{
    if (size < 1) size = 1;
    db_pool *p = calloc(1, sizeof *p);
    if (!p) {
        tm_error_set(err, 500, "out of memory creating the connection pool");
        return NULL;
    }
    p->conninfo = strdup(conninfo);
    p->size = size;
    p->conns = calloc((size_t)size, sizeof *p->conns);
    p->busy = calloc((size_t)size, sizeof *p->busy);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    if (!p->conninfo || !p->conns || !p->busy) {
        db_pool_destroy(p);
        tm_error_set(err, 500, "out of memory creating the connection pool");
        return NULL;
    }
    p->conns[0] = db_connect(conninfo, err);
    if (!p->conns[0]) {
        db_pool_destroy(p);
        return NULL;
    }
    return p;
}

void db_pool_destroy(db_pool *p)
{
    if (!p) return;
    for (int i = 0; p->conns && i < p->size; i++)
        if (p->conns[i]) PQfinish(p->conns[i]);
    free(p->conns);
    free(p->busy);
    free(p->conninfo);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    free(p);
}

/* Makes sure slot i holds a working connection; called without the lock
 * held, on a slot the caller has reserved. */
static int slot_ready(db_pool *p, int i, tm_error *err)
{
    PGconn *c = p->conns[i];
    if (c && PQstatus(c) == CONNECTION_OK) {
        /* libpq notices a closed connection only when an operation fails. An
         * idle pooled connection has nothing to read; if it has, the server
         * closed it (a restart) or sent a notice: reset rather than fail the
         * request that borrows it. */
        struct pollfd pf = {PQsocket(c), POLLIN, 0};
        if (poll(&pf, 1, 0) == 0) return 0;
    }
    if (c) {
        PQreset(c);
        if (PQstatus(c) == CONNECTION_OK) return 0;
    }
    /* The slot is reserved by this thread, but release() reads every slot's
     * pointer under the lock: swap it under the lock too. */
    PGconn *fresh = db_connect(p->conninfo, err);
    pthread_mutex_lock(&p->lock);
    p->conns[i] = fresh;
    pthread_mutex_unlock(&p->lock);
    if (c) PQfinish(c);
    return fresh ? 0 : -1;
}

PGconn *db_pool_acquire(db_pool *p, tm_error *err)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += POOL_WAIT_MS / 1000;
    deadline.tv_nsec += (POOL_WAIT_MS % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&p->lock);
    int slot = -1;
    while (slot < 0) {
        /* Prefer an open connection; else a slot not yet opened. */
        for (int i = 0; i < p->size && slot < 0; i++)
            if (!p->busy[i] && p->conns[i]) slot = i;
        for (int i = 0; i < p->size && slot < 0; i++)
            if (!p->busy[i]) slot = i;
        if (slot >= 0) break;
        if (pthread_cond_timedwait(&p->freed, &p->lock, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&p->lock);
            tm_error_set(err, 503,
                         "the server is busy: no database connection became free "
                         "within %d ms; try again shortly",
                         POOL_WAIT_MS);
            return NULL;
        }
    }
    p->busy[slot] = 1;
    p->in_use++;
    pthread_mutex_unlock(&p->lock);

    if (slot_ready(p, slot, err) != 0) {
        /* libpq's text (host, socket, user) is for the log, not the client. */
        fprintf(stderr, "database: %s\n", err->message);
        tm_error_set(err, 503, "the database cannot be reached; try again shortly");
        pthread_mutex_lock(&p->lock);
        p->busy[slot] = 0;
        p->in_use--;
        pthread_cond_signal(&p->freed);
        pthread_mutex_unlock(&p->lock);
        return NULL;
    }
    return p->conns[slot];
}

void db_pool_release(db_pool *p, PGconn *conn)
{
    if (!conn) return;
    /* Leave nothing behind for the next borrower. */
    PGresult *r;
    while ((r = PQgetResult(conn)))
        PQclear(r);
    if (PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) != PQTRANS_IDLE)
        PQclear(PQexec(conn, "ROLLBACK"));

    pthread_mutex_lock(&p->lock);
    for (int i = 0; i < p->size; i++) {
        if (p->conns[i] == conn && p->busy[i]) {
            p->busy[i] = 0;
            p->in_use--;
            break;
        }
    }
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

int db_pool_in_use(db_pool *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->in_use;
    pthread_mutex_unlock(&p->lock);
    return n;
}

int db_pool_size(db_pool *p)
{
    return p->size;
}

static int result_error(PGconn *conn, PGresult *r, tm_error *err)
{
    if (PQstatus(conn) != CONNECTION_OK)
        return tm_error_set(err, 503, "the database connection was lost; try again shortly");
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg) msg = PQerrorMessage(conn);
    int status = 500;
    const char *said = "internal error";
    if (state && (!strcmp(state, "23505") || !strcmp(state, "23P01")))
        status = 409, said = "this conflicts with data stored already";
    if (state && (!strcmp(state, "23503") || !strcmp(state, "23514")))
        status = 422, said = "the data do not fit the rules of the database";
    if (state && (!strncmp(state, "08", 2) || !strcmp(state, "57P01") || !strcmp(state, "57P02") ||
                  !strcmp(state, "57P03")))
        status = 503, said = "the database is not available; try again shortly";
    /* The database's own words (table and constraint names, values) go to
     * the log; the client learns the kind of failure only. */
    fprintf(stderr, "database error %s: %s\n", state ? state : "-", msg);
    return tm_error_set(err, status, "%s", said);
}

PGresult *db_query_bin(PGconn *conn, const char *sql, int nparams, const char *const *params,
                       const int *lengths, const int *formats, int result_binary, tm_error *err)
{
    PGresult *r = PQexecParams(conn, sql, nparams, NULL, params, lengths, formats, result_binary);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    result_error(conn, r, err);
    PQclear(r);
    return NULL;
}

PGresult *db_query(PGconn *conn, const char *sql, int nparams, const char *const *params,
                   tm_error *err)
{
    return db_query_bin(conn, sql, nparams, params, NULL, NULL, 0, err);
}

int db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params, tm_error *err)
{
    PGresult *r = db_query(conn, sql, nparams, params, err);
    if (!r) return -1;
    PQclear(r);
    return 0;
}

int db_begin(PGconn *conn, int *own, tm_error *err)
{
    *own = PQtransactionStatus(conn) == PQTRANS_IDLE;
    return *own ? db_exec(conn, "BEGIN", 0, NULL, err) : 0;
}

int db_commit(PGconn *conn, int own, tm_error *err)
{
    return own ? db_exec(conn, "COMMIT", 0, NULL, err) : 0;
}

void db_rollback(PGconn *conn, int own)
{
    if (own) PQclear(PQexec(conn, "ROLLBACK"));
}
