/* test_pool.c - the connection pool: bounded, waits then answers 503,
 * hands back clean connections, and reconnects after a lost connection. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server/store/db.h"
#include "th.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

Test(pool, bounded_and_waits_before_503)
{
    char *url = th_db_create();
    tm_error err = TM_ERROR_INIT;
    db_pool *p = db_pool_create(url, 2, &err);
    cr_assert_not_null(p, "%s", err.message);
    PGconn *a = db_pool_acquire(p, &err), *b = db_pool_acquire(p, &err);
    cr_assert(a && b && a != b);
    cr_expect_eq(db_pool_in_use(p), 2);
    double t0 = now_s();
    PGconn *c = db_pool_acquire(p, &err);
    double waited = now_s() - t0;
    cr_expect_null(c);
    cr_expect_eq(err.status, 503);
    cr_expect(waited >= 1.9 && waited < 5.0, "waited %.2f s", waited);
    tm_error_clear(&err);
    db_pool_release(p, a);
    c = db_pool_acquire(p, &err);
    cr_expect_eq(c, a, "the released connection is handed out again");
    db_pool_release(p, b);
    db_pool_release(p, c);
    cr_expect_eq(db_pool_in_use(p), 0);
    db_pool_destroy(p);
    free(url);
}

Test(pool, an_open_transaction_is_rolled_back_on_release)
{
    char *url = th_db_create();
    tm_error err = TM_ERROR_INIT;
    db_pool *p = db_pool_create(url, 1, &err);
    PGconn *c = db_pool_acquire(p, &err);
    cr_assert_eq(db_exec(c, "BEGIN", 0, NULL, &err), 0);
    cr_assert_eq(db_exec(c, "CREATE TABLE pool_probe (x int)", 0, NULL, &err), 0);
    db_pool_release(p, c);
    c = db_pool_acquire(p, &err);
    cr_expect_eq(PQtransactionStatus(c), PQTRANS_IDLE);
    PGresult *r =
        db_query(c, "SELECT count(*) FROM pg_tables WHERE tablename = 'pool_probe'", 0, NULL, &err);
    cr_assert_not_null(r);
    cr_expect_str_eq(PQgetvalue(r, 0, 0), "0");
    PQclear(r);
    db_pool_release(p, c);
    db_pool_destroy(p);
    free(url);
}

/* Ends the backend pid of the database at url, as a restart would. */
static void terminate_backend(const char *url, int pid)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", pid);
    char *ok = th_sql(url, sql);
    cr_assert_str_eq(ok, "t");
    free(ok);
}

Test(pool, reconnects_after_the_connection_is_killed)
{
    char *url = th_db_create();
    tm_error err = TM_ERROR_INIT;
    db_pool *p = db_pool_create(url, 1, &err);
    PGconn *c = db_pool_acquire(p, &err);
    int pid = PQbackendPID(c);
    db_pool_release(p, c);
    terminate_backend(url, pid);

    /* The backend's goodbye reaches the idle connection's socket; the next
     * borrower must get a working connection at once (the pool looks for
     * it before handing the connection out), not a failed first request. */
    usleep(300000);
    c = db_pool_acquire(p, &err);
    cr_assert_not_null(c, "%s", err.message);
    cr_expect_eq(db_exec(c, "SELECT 1", 0, NULL, &err), 0, "the first statement works: %s",
                 err.message);
    cr_expect_neq(PQbackendPID(c), pid, "a new backend serves it");
    db_pool_release(p, c);

    /* Killed while borrowed: that request fails with 503, the next is fine. */
    c = db_pool_acquire(p, &err);
    pid = PQbackendPID(c);
    terminate_backend(url, pid);
    for (int i = 0; i < 50 && db_exec(c, "SELECT 1", 0, NULL, &err) == 0; i++)
        usleep(20000);
    cr_expect_eq(err.status, 503, "%s", err.message);
    tm_error_clear(&err);
    db_pool_release(p, c);
    c = db_pool_acquire(p, &err);
    cr_assert_not_null(c, "%s", err.message);
    cr_expect_eq(db_exec(c, "SELECT 1", 0, NULL, &err), 0, "%s", err.message);
    cr_expect_neq(PQbackendPID(c), pid);
    db_pool_release(p, c);
    db_pool_destroy(p);
    free(url);
}

Test(pool, an_unreachable_database_is_a_503)
{
    tm_error err = TM_ERROR_INIT;
    db_pool *p = db_pool_create("host=/nonexistent-dir user=postgres connect_timeout=2", 2, &err);
    cr_expect_null(p);
    cr_expect_eq(err.status, 503);
    cr_expect(strstr(err.message, "cannot be reached") != NULL, "%s", err.message);
    tm_error_clear(&err);
}

/* How many statements the server side of c holds prepared. */
static int server_prepared(PGconn *c)
{
    tm_error err = TM_ERROR_INIT;
    PGresult *r = db_query(c, "SELECT count(*) FROM pg_prepared_statements", 0, NULL, &err);
    cr_assert_not_null(r, "%s", err.message);
    int n = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}

/* A db_stmt is prepared once per connection and then only executed; after
 * the backend is replaced (a restart, a reconnect) or has forgotten it
 * (DEALLOCATE ALL, as a pooler in between may do), it is prepared again
 * without the caller noticing; two statements may not share a name. */
Test(pool, statements_are_prepared_once_per_connection_and_again_after_a_reconnect)
{
    char *url = th_db_create();
    tm_error err = TM_ERROR_INIT;
    db_pool *p = db_pool_create(url, 1, &err);
    static const db_stmt twice = {"pool_twice", "SELECT $1::int * 2", 1};
    const char *seven[] = {"7"};
    PGconn *c = db_pool_acquire(p, &err);
    cr_assert_eq(server_prepared(c), 0);
    for (int i = 0; i < 3; i++) {
        PGresult *r = db_run(c, &twice, seven, &err);
        cr_assert_not_null(r, "run %d: %s", i + 1, err.message);
        cr_expect_str_eq(PQgetvalue(r, 0, 0), "14");
        PQclear(r);
    }
    cr_expect_eq(server_prepared(c), 1, "prepared once for three runs");

    /* Forgotten by the server: prepared again, the caller sees a result. */
    cr_assert_eq(db_exec(c, "DEALLOCATE ALL", 0, NULL, &err), 0);
    PGresult *r = db_run(c, &twice, seven, &err);
    cr_expect_not_null(r, "after DEALLOCATE ALL: %s", err.message);
    PQclear(r);
    cr_expect_eq(server_prepared(c), 1);

    /* A new backend behind the same pool slot. */
    int pid = PQbackendPID(c);
    db_pool_release(p, c);
    terminate_backend(url, pid);
    usleep(300000);
    c = db_pool_acquire(p, &err);
    cr_assert_not_null(c, "%s", err.message);
    cr_expect_neq(PQbackendPID(c), pid);
    r = db_run(c, &twice, seven, &err);
    cr_expect_not_null(r, "after a reconnect: %s", err.message);
    if (r) cr_expect_str_eq(PQgetvalue(r, 0, 0), "14");
    PQclear(r);
    cr_expect_eq(server_prepared(c), 1, "prepared again on the new backend");

    static const db_stmt clash = {"pool_twice", "SELECT 1", 0};
    r = db_run(c, &clash, NULL, &err);
    cr_expect_null(r, "a second statement of the same name is refused");
    cr_expect_eq(err.status, 500);
    cr_expect(strstr(err.message, "pool_twice") != NULL, "naming it: %s", err.message);
    tm_error_clear(&err);
    db_pool_release(p, c);
    db_pool_destroy(p);
    free(url);
}
