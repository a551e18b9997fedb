/* db.h - the one place that talks to PostgreSQL: a connection pool and
 * parameterised queries.
 *
 * Request threads borrow a whole connection (libpq connections are not shared
 * between threads), run their statements with db_query() (always
 * PQexecParams: values travel as parameters, never inside the SQL text) and
 * give it back. A connection that broke (the database restarted) is reset on
 * its next borrowing, so the server reconnects by itself; while the database
 * is away, db_pool_acquire fails with status 503.
 *
 * The statements of every request (a token's look-up, a submission, a key)
 * are db_stmt constants run with db_run(): each is prepared once per
 * connection (PQprepare, on its first use there) and then only executed
 * (PQexecPrepared), so PostgreSQL does not plan it again on every request.
 * This file alone knows which connection has prepared what: a connection
 * that was reset or replaced prepares again, and a statement the server no
 * longer knows (a DISCARD, a changed table) is prepared again and retried.
 *
 *   tm_error err = TM_ERROR_INIT;
 *   PGconn *c = db_pool_acquire(pool, &err);
 *   if (!c) return respond_error(&err);
 *   const char *params[] = {wave_id};
 *   PGresult *r = db_query(c, "SELECT name FROM waves WHERE id = $1", 1, params, &err);
 *   ...
 *   PQclear(r);
 *   db_pool_release(pool, c);
 */
#ifndef TM_DB_H
#define TM_DB_H

#include <libpq-fe.h>

#include "core/error.h"

typedef struct db_pool db_pool;

/* Opens a pool of up to size connections to conninfo (a libpq connection
 * string or URL). Connections are opened lazily; the first one is opened here
 * to report a wrong address at once. Returns NULL with err set. */
db_pool *db_pool_create(const char *conninfo, int size, tm_error *err);

/* Closes every connection and frees the pool. Connections still borrowed must
 * have been released first. NULL is fine. */
void db_pool_destroy(db_pool *pool);

/* Borrows a connection, waiting up to the pool's wait time (2 s) for a free
 * one. Returns NULL with err status 503 when none becomes free or the database
 * cannot be reached. The caller must give it back with db_pool_release. */
PGconn *db_pool_acquire(db_pool *pool, tm_error *err);

/* Gives a connection back. A connection left inside a transaction or with a
 * pending result is rolled back / drained first, so the next borrower gets it
 * clean. */
void db_pool_release(db_pool *pool, PGconn *conn);

/* Connections currently borrowed, and the pool's size (for /metrics). */
int db_pool_in_use(db_pool *pool);
int db_pool_size(db_pool *pool);

/* Runs one statement with text parameters (NULL entries are SQL NULL). Returns
 * the result (caller PQclear()s it) or NULL with err set: 503 when the
 * connection is lost, 409 on a unique or exclusion violation, 422 on a check
 * or foreign-key violation, 500 otherwise. */
PGresult *db_query(PGconn *conn, const char *sql, int nparams, const char *const *params,
                   tm_error *err);

/* Like db_query, with explicit lengths and formats (binary parameters,
 * binary results when result_binary is 1). */
PGresult *db_query_bin(PGconn *conn, const char *sql, int nparams, const char *const *params,
                       const int *lengths, const int *formats, int result_binary, tm_error *err);

/* A statement prepared once per connection. name is the server-side name:
 * unique in the program (a second statement of the same name is refused
 * with 500 naming it). Declare as a static const:
 *
 *   static const db_stmt find = {"keys_find", "SELECT ... WHERE id = $1", 1};
 *   PGresult *r = db_run(c, &find, params, err);
 */
typedef struct db_stmt {
    const char *name;
    const char *sql;
    int nparams;
} db_stmt;

/* Runs s with text parameters (NULL entries are SQL NULL), preparing it on
 * this connection first if it was not yet. Results and errors as db_query. */
PGresult *db_run(PGconn *conn, const db_stmt *s, const char *const *params, tm_error *err);

/* Like db_run, with explicit lengths and formats (binary parameters, binary
 * results when result_binary is 1). */
PGresult *db_run_bin(PGconn *conn, const db_stmt *s, const char *const *params, const int *lengths,
                     const int *formats, int result_binary, tm_error *err);

/* Runs a statement that returns no rows (BEGIN, COMMIT, UPDATE ...). Returns
 * 0, or -1 with err set as in db_query. */
int db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params, tm_error *err);

/* Begins a transaction unless one is open already: then the statements
 * join the caller's, who commits or rolls back. *own tells db_commit and
 * db_rollback whether this call began it. */
int db_begin(PGconn *conn, int *own, tm_error *err);
int db_commit(PGconn *conn, int own, tm_error *err);
/* Rolls back an own transaction; a joined one is left for its owner. */
void db_rollback(PGconn *conn, int own);

/* Opens one connection outside any pool (migrations at start). Returns NULL
 * with err set. Close it with db_close. */
PGconn *db_connect(const char *conninfo, tm_error *err);

/* Closes a connection from db_connect. NULL is fine. */
void db_close(PGconn *conn);

#endif
