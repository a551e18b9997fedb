/* test_faults.c - the server under faults: PostgreSQL killed with SIGKILL in
 * the middle of a stream of submissions and started again; SIGTERM while
 * requests are in flight; two `serve` processes on one database.
 *
 * Every load here goes to 127.0.0.1 only, is bounded in requests and in time,
 * and stops by itself.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "th.h"
#include "th_wave.h"

/* What a test leaves running, for the suite's fini to end should the test
 * stop at a failed assertion: servers (SIGKILLed) and a private cluster. */
static th_server *live[2];
static char *live_dir;

static void cleanup(void)
{
    for (int k = 0; k < 2; k++)
        if (live[k]) {
            kill(live[k]->pid, SIGKILL);
            waitpid(live[k]->pid, NULL, 0);
            free(live[k]);
            live[k] = NULL;
        }
    if (live_dir) {
        th_cluster_destroy(live_dir);
        live_dir = NULL;
    }
}

TestSuite(faults, .fini = cleanup);

/* A count from SQL (test-owned text) as a number; -1 when it fails. */
static long long sql_count(const char *conninfo, const char *sql)
{
    char *v = th_sql(conninfo, sql);
    long long n = v ? strtoll(v, NULL, 10) : -1;
    free(v);
    return n;
}

/* Whether pid has not exited; reaps it (into *status) when it has. */
static int still_running(pid_t pid, int *status)
{
    return waitpid(pid, status, WNOHANG) == 0;
}

static size_t collect(char *ptr, size_t size, size_t n, void *userdata)
{
    size_t add = size * n;
    char *buf = userdata; /* a fixed 1 KiB buffer: the head of the body is enough here */
    size_t have = strlen(buf);
    size_t room = 1023 - have;
    memcpy(buf + have, ptr, add < room ? add : room);
    buf[have + (add < room ? add : room)] = '\0';
    return add;
}

/* ---- 1. PostgreSQL killed (-9) in the middle of submissions ------------- */

#define KILL_TOKENS 400
#define KILL_WORKERS 4
#define KILL_AFTER_ACKED 100
#define KILL_DEADLINE_MS 45000.0

enum outcome {
    PENDING,
    ACKED,          /* 201 */
    STORED_UNACKED, /* 409 on a retry after a 503 / connection error */
    WRONG,          /* 409 on the first try, a second 201, or another status */
};

typedef struct kill_run {
    const th_server *srv;
    char **tokens;
    pthread_mutex_t lock;
    int queue[KILL_TOKENS * 2]; /* ring of token indices still to try */
    int qhead, qcount, in_flight;
    enum outcome outcome[KILL_TOKENS];
    int failures[KILL_TOKENS]; /* 503s and connection errors, per token */
    int acked, n503, n503_not_json, conn_errors, others;
    long other_status;
    char other_body[256];
    double max_ms;
    double deadline;
} kill_run;

static void kill_requeue(kill_run *k, int i)
{
    k->queue[(k->qhead + k->qcount) % (KILL_TOKENS * 2)] = i;
    k->qcount++;
}

static void *kill_worker(void *arg)
{
    kill_run *k = arg;
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    const char *body = "{\"answers\": {\"ek-eff-1\": 3}, \"submit\": true}";
    char body_in[1024];
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body_in);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    for (;;) {
        pthread_mutex_lock(&k->lock);
        if (th_now_ms() > k->deadline || (k->qcount == 0 && k->in_flight == 0)) {
            pthread_mutex_unlock(&k->lock);
            break;
        }
        if (k->qcount == 0) { /* others may still put a token back */
            pthread_mutex_unlock(&k->lock);
            usleep(5000);
            continue;
        }
        int i = k->queue[k->qhead];
        k->qhead = (k->qhead + 1) % (KILL_TOKENS * 2);
        k->qcount--;
        k->in_flight++;
        pthread_mutex_unlock(&k->lock);

        char url[256];
        snprintf(url, sizeof url, "%s/api/v1/survey/%s", k->srv->base, k->tokens[i]);
        curl_easy_setopt(c, CURLOPT_URL, url);
        body_in[0] = '\0';
        double t0 = th_now_ms();
        CURLcode rc = curl_easy_perform(c);
        double ms = th_now_ms() - t0;
        long status = 0;
        if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);

        int retry = 0;
        pthread_mutex_lock(&k->lock);
        if (ms > k->max_ms) k->max_ms = ms;
        if (status == 201) {
            if (k->outcome[i] != PENDING) {
                k->outcome[i] = WRONG; /* acknowledged twice */
            } else {
                k->outcome[i] = ACKED;
                k->acked++;
            }
        } else if (status == 409) {
            k->outcome[i] = k->failures[i] > 0 ? STORED_UNACKED : WRONG;
        } else if (status == 503 || status == 0) {
            if (status == 503) {
                k->n503++;
                json_t *j = json_loads(body_in, 0, NULL);
                if (!json_is_string(json_object_get(j, "error"))) k->n503_not_json++;
                json_decref(j);
            } else {
                k->conn_errors++;
            }
            k->failures[i]++;
            kill_requeue(k, i);
            retry = 1;
        } else {
            k->others++;
            k->other_status = status;
            snprintf(k->other_body, sizeof k->other_body, "%s", body_in);
            k->outcome[i] = WRONG;
        }
        k->in_flight--;
        pthread_mutex_unlock(&k->lock);
        if (retry) usleep(20000); /* a client waits a moment before trying again */
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return NULL;
}

/* PostgreSQL is SIGKILLed while 4 clients submit 400 invitations, one
 * submission each, and is started again. Proves: while the database is away
 * the server answers 503 with a JSON error, fast (no request waits > 5 s),
 * and does not crash; it reconnects by itself; every submission it
 * acknowledged (201) is stored, none is stored twice (a retry of a stored
 * token is 409, and rows == submitted invitations); an API call meanwhile is
 * 503 (not 401); it still exits 0 on SIGTERM. */
Test(faults, postgres_killed_mid_stream_and_restarted)
{
    curl_global_init(CURL_GLOBAL_ALL);
    char *dir = th_cluster_start("f");
    live_dir = dir;
    char *maint = th_cluster_conninfo(dir, "postgres");
    char *none = th_sql(maint, "CREATE DATABASE tm");
    free(none);
    char *db = th_cluster_conninfo(dir, "tm");
    th_server *srv = th_server_start(db, NULL); /* migrates the new database */
    live[0] = srv;
    char *admin = th_api_key(db, "admin", NULL, 0);
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM0901"));

    kill_run *k = calloc(1, sizeof *k);
    k->srv = srv;
    k->tokens = th_invitations(srv, admin, wave, "uitvoering", KILL_TOKENS);
    pthread_mutex_init(&k->lock, NULL);
    for (int i = 0; i < KILL_TOKENS; i++)
        kill_requeue(k, i);
    k->deadline = th_now_ms() + KILL_DEADLINE_MS;

    pthread_t workers[KILL_WORKERS];
    for (int w = 0; w < KILL_WORKERS; w++)
        pthread_create(&workers[w], NULL, kill_worker, k);

    /* Wait for the first hundred acknowledgements, then pull the plug. */
    int acked = 0;
    for (double until = th_now_ms() + 30000; th_now_ms() < until; usleep(2000)) {
        pthread_mutex_lock(&k->lock);
        acked = k->acked;
        pthread_mutex_unlock(&k->lock);
        if (acked >= KILL_AFTER_ACKED) break;
    }
    cr_assert_geq(acked, KILL_AFTER_ACKED, "submissions flow before the fault");
    cr_assert_eq(th_cluster_kill(dir), 0, "pg.sh kill");
    double killed_at = th_now_ms();

    /* About a second without a database: health says 503 with JSON, quickly,
     * and the server stays up. */
    int st = 0, health_503 = 0;
    double health_max = 0;
    while (th_now_ms() - killed_at < 1000) {
        double t0 = th_now_ms();
        th_response r = th_get(srv, "/healthz", NULL);
        double ms = th_now_ms() - t0;
        if (ms > health_max) health_max = ms;
        if (r.status == 503) {
            json_t *j = th_json(&r);
            cr_expect(json_is_string(json_object_get(j, "error")), "503 with a JSON error: %s",
                      r.body);
            json_decref(j);
            health_503++;
        }
        th_response_free(&r);
        usleep(100000);
    }
    cr_expect_gt(health_503, 0, "/healthz reports the database as away");
    /* An API call cannot check its key: 503, never a misleading 401. */
    th_response away = th_get(srv, "/api/v1/organisations", admin);
    cr_expect_eq(away.status, 503, "an API call while the database is away: %s", away.body);
    json_t *aj = th_json(&away);
    cr_expect(json_is_string(json_object_get(aj, "error")), "with a JSON error: %s", away.body);
    json_decref(aj);
    th_response_free(&away);
    cr_expect_lt(health_max, 5000, "/healthz answered within 5 s while the database was away");
    cr_assert(still_running(srv->pid, &st), "the server survived the database's death");

    cr_assert_eq(th_cluster_restart(dir, 30000), 0, "PostgreSQL starts again after kill -9");
    double restarted_at = th_now_ms();

    for (int w = 0; w < KILL_WORKERS; w++)
        pthread_join(workers[w], NULL);
    cr_log_info("kill -9: %d acknowledged, %d answers 503, %d connection errors, "
                "max latency %.0f ms, restart took %.0f ms, all done %.0f ms after",
                k->acked, k->n503, k->conn_errors, k->max_ms, restarted_at - killed_at,
                th_now_ms() - restarted_at);

    cr_expect_eq(k->qcount + k->in_flight, 0, "every token was tried to its end within %.0f s",
                 KILL_DEADLINE_MS / 1000);
    cr_expect_gt(k->n503, 0, "some submissions met the missing database (and got 503)");
    cr_expect_eq(k->n503_not_json, 0, "every 503 carries a JSON {\"error\": ...}");
    cr_expect_eq(k->conn_errors, 0, "no request was dropped or timed out");
    cr_expect_eq(k->others, 0, "no status but 201, 409, 503 (last: %ld %s)", k->other_status,
                 k->other_body);
    cr_expect_lt(k->max_ms, 5000, "no request took more than 5 s (max %.0f ms)", k->max_ms);

    int wrong = 0, unacked = 0;
    for (int i = 0; i < KILL_TOKENS; i++) {
        wrong += k->outcome[i] == WRONG || k->outcome[i] == PENDING;
        unacked += k->outcome[i] == STORED_UNACKED;
    }
    cr_expect_eq(wrong, 0, "each token ends as one 201, or as a 409 only after a failed try");

    /* Every acknowledged token is submitted in the database... */
    size_t cap = 200 + (size_t)KILL_TOKENS * 90;
    char *sql = malloc(cap);
    size_t len = (size_t)snprintf(sql, cap,
                                  "SELECT count(*) FROM invitations WHERE state = 2 AND "
                                  "token_hash IN (decode('00', 'hex')");
    for (int i = 0; i < KILL_TOKENS; i++) {
        if (k->outcome[i] != ACKED) continue;
        char hex[65];
        th_token_hash_hex(k->tokens[i], hex);
        len += (size_t)snprintf(sql + len, cap - len, ", decode('%s', 'hex')", hex);
    }
    snprintf(sql + len, cap - len, ")");
    cr_expect_eq(sql_count(db, sql), k->acked, "every acknowledged token is stored as submitted");
    free(sql);

    /* ... and stored once: one response row per submitted invitation. */
    char q[200];
    snprintf(q, sizeof q, "SELECT count(*) FROM responses WHERE wave_id = %lld", wave);
    long long rows = sql_count(db, q);
    snprintf(q, sizeof q, "SELECT count(*) FROM invitations WHERE wave_id = %lld AND state = 2",
             wave);
    long long submitted = sql_count(db, q);
    cr_expect_eq(rows, submitted,
                 "one response row per submitted invitation (%lld rows, %lld "
                 "submitted)",
                 rows, submitted);
    cr_expect_eq(rows, (long long)k->acked + unacked,
                 "rows = acknowledged (%d) + stored-but-unacknowledged (%d)", k->acked, unacked);
    cr_expect_eq(rows, KILL_TOKENS, "every token ended up submitted exactly once");

    /* A client that retries an acknowledged submission gets 409, no row. */
    int retried = 0;
    for (int i = 0; i < KILL_TOKENS && retried < 20; i++) {
        if (k->outcome[i] != ACKED) continue;
        char path[128];
        snprintf(path, sizeof path, "/api/v1/survey/%s", k->tokens[i]);
        th_response r =
            th_post_json(srv, path, NULL, "{\"answers\": {\"ek-eff-1\": 3}, \"submit\": true}");
        cr_expect_eq(r.status, 409, "a second submit of an acknowledged token: %s", r.body);
        th_response_free(&r);
        retried++;
    }
    snprintf(q, sizeof q, "SELECT count(*) FROM responses WHERE wave_id = %lld", wave);
    cr_expect_eq(sql_count(db, q), rows, "retries stored nothing");

    th_response r = th_get(srv, "/healthz", NULL);
    cr_expect_eq(r.status, 200, "the server reconnected by itself: %s", r.body);
    th_response_free(&r);
    live[0] = NULL;
    cr_expect_eq(th_server_stop(srv), 0, "the server exits 0 on SIGTERM after the fault");

    th_tokens_free(k->tokens, KILL_TOKENS);
    pthread_mutex_destroy(&k->lock);
    free(k);
    free(admin);
    free(db);
    free(maint);
    live_dir = NULL;
    th_cluster_destroy(dir);
    free(dir);
    curl_global_cleanup();
}

/* PostgreSQL is killed and started again while the server is idle, its
 * pool holding open connections. Proves that reconnecting is invisible once
 * the database is back: the first requests after the restart (health, a
 * submission, an admin call) are served, not answered 503 from a pooled
 * connection that died with the old postmaster. */
Test(faults, postgres_restart_while_idle_is_invisible)
{
    curl_global_init(CURL_GLOBAL_ALL);
    char *dir = th_cluster_start("g");
    live_dir = dir;
    char *maint = th_cluster_conninfo(dir, "postgres");
    free(th_sql(maint, "CREATE DATABASE tm"));
    char *db = th_cluster_conninfo(dir, "tm");
    th_server *srv = th_server_start(db, NULL);
    live[0] = srv;
    char *admin = th_api_key(db, "admin", NULL, 0);
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM0904"));
    char **tokens = th_invitations(srv, admin, wave, "beleid", 2);

    /* Open several pooled connections: 16 health checks at once. */
    CURLM *m = curl_multi_init();
    CURL *h[16];
    char url[128];
    snprintf(url, sizeof url, "%s/healthz", srv->base);
    for (int i = 0; i < 16; i++) {
        h[i] = curl_easy_init();
        curl_easy_setopt(h[i], CURLOPT_URL, url);
        curl_easy_setopt(h[i], CURLOPT_TIMEOUT, 10L);
        curl_easy_setopt(h[i], CURLOPT_WRITEFUNCTION, collect);
        char *sink = calloc(1, 1024);
        curl_easy_setopt(h[i], CURLOPT_WRITEDATA, sink);
        curl_easy_setopt(h[i], CURLOPT_PRIVATE, sink);
        curl_multi_add_handle(m, h[i]);
    }
    int running = 1;
    for (double until = th_now_ms() + 15000; running && th_now_ms() < until;) {
        curl_multi_perform(m, &running);
        curl_multi_wait(m, NULL, 0, 50, NULL);
    }
    for (int i = 0; i < 16; i++) {
        long code = 0;
        char *sink = NULL;
        curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &code);
        curl_easy_getinfo(h[i], CURLINFO_PRIVATE, &sink);
        cr_expect_eq(code, 200, "warm-up health check %d", i + 1);
        curl_multi_remove_handle(m, h[i]);
        curl_easy_cleanup(h[i]);
        free(sink);
    }
    curl_multi_cleanup(m);

    cr_assert_eq(th_cluster_kill(dir), 0);
    usleep(300000);
    cr_assert_eq(th_cluster_restart(dir, 30000), 0, "PostgreSQL starts again after kill -9");

    int ok = 0;
    for (int i = 0; i < 6; i++) {
        th_response r = th_get(srv, "/healthz", NULL);
        cr_expect_eq(r.status, 200, "health check %d after the restart: %s", i + 1, r.body);
        ok += r.status == 200;
        th_response_free(&r);
    }
    char path[128];
    snprintf(path, sizeof path, "/api/v1/survey/%s", tokens[0]);
    th_response r =
        th_post_json(srv, path, NULL, "{\"answers\": {\"ek-eff-1\": 3}, \"submit\": true}");
    cr_expect_eq(r.status, 201, "the first submission after the restart: %s", r.body);
    th_response_free(&r);
    r = th_get(srv, "/api/v1/organisations", admin);
    cr_expect_eq(r.status, 200, "the first admin call after the restart: %s", r.body);
    th_response_free(&r);
    cr_log_info("idle restart: %d of 6 health checks right after it were 200", ok);

    live[0] = NULL;
    cr_expect_eq(th_server_stop(srv), 0);
    th_tokens_free(tokens, 2);
    free(admin);
    free(db);
    free(maint);
    live_dir = NULL;
    th_cluster_destroy(dir);
    free(dir);
    curl_global_cleanup();
}

/* ---- 2. SIGTERM with requests in flight ---------------------------------- */

#define TERM_IMPORTS 20
#define TERM_ROWS 5000

typedef struct term_req {
    CURL *c;
    th_buf answer; /* the answer, whole */
    struct curl_slist *h;
} term_req;

/* 20 bulk imports of 5,000 rows are sent at once; SIGTERM arrives when all
 * of them have been sent and before they are all answered. Proves: the
 * listening socket closes at once (a new connection is refused while the
 * process still finishes its work); every request already sent gets a
 * complete answer (no reset, no cut body) when the work fits in the 10 s
 * grace, as it does here; what was acknowledged is stored whole (5,000 rows
 * per 201, nothing partial); the process exits 0 within the grace. */
Test(faults, sigterm_finishes_requests_in_flight)
{
    curl_global_init(CURL_GLOBAL_ALL);
    char *db = th_db_create();
    th_server *srv = th_server_start(db, NULL);
    live[0] = srv;
    char *admin = th_api_key(db, "admin", NULL, 0);
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM0902"));

    /* One body, sent 20 times: 5,000 rows over three layers. */
    const char *layers[] = {"beleid", "uitvoering", "management"};
    size_t cap = (size_t)TERM_ROWS * 96 + 16, len = 0;
    char *import = malloc(cap);
    import[len++] = '[';
    for (int i = 0; i < TERM_ROWS; i++)
        len +=
            (size_t)snprintf(import + len, cap - len,
                             "%s{\"layer\":\"%s\",\"answers\":{\"ek-eff-1\":%d,\"ek-eff-2\":%d}}",
                             i ? "," : "", layers[i % 3], 1 + i % 5, 1 + (i / 5) % 5);
    import[len++] = ']';

    char url[128], auth[256];
    snprintf(url, sizeof url, "%s/api/v1/waves/%lld/responses", srv->base, wave);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", admin);
    CURLM *m = curl_multi_init();
    term_req reqs[TERM_IMPORTS] = {0};
    for (int i = 0; i < TERM_IMPORTS; i++) {
        term_req *t = &reqs[i];
        t->c = curl_easy_init();
        t->h = curl_slist_append(NULL, auth);
        t->h = curl_slist_append(t->h, "Content-Type: application/json");
        t->h = curl_slist_append(t->h, "Expect:");
        curl_easy_setopt(t->c, CURLOPT_URL, url);
        curl_easy_setopt(t->c, CURLOPT_HTTPHEADER, t->h);
        curl_easy_setopt(t->c, CURLOPT_POSTFIELDS, import);
        curl_easy_setopt(t->c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(t->c, CURLOPT_WRITEFUNCTION, th_collect);
        curl_easy_setopt(t->c, CURLOPT_WRITEDATA, &t->answer);
        curl_easy_setopt(t->c, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(t->c, CURLOPT_PRIVATE, t);
        curl_multi_add_handle(m, t->c);
    }

    int running = TERM_IMPORTS, answered = 0, answered_at_term = -1, status = 0, exited = 0;
    int refused = 0, refused_errno = 0, alive_when_refused = 0;
    double term_at = 0, exit_ms = 0, until = th_now_ms() + 60000;
    CURLcode result[TERM_IMPORTS];
    long code[TERM_IMPORTS];
    for (int i = 0; i < TERM_IMPORTS; i++)
        result[i] = CURLE_AGAIN, code[i] = 0;
    while ((running || (term_at > 0 && !exited)) && th_now_ms() < until) {
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            for (int i = 0; i < TERM_IMPORTS; i++)
                if (reqs[i].c == msg->easy_handle) {
                    result[i] = msg->data.result;
                    curl_easy_getinfo(reqs[i].c, CURLINFO_RESPONSE_CODE, &code[i]);
                    answered++;
                }
        }
        if (term_at == 0) {
            /* SIGTERM once every body has been sent whole. */
            int sent = 0;
            for (int i = 0; i < TERM_IMPORTS; i++) {
                curl_off_t up = 0;
                curl_easy_getinfo(reqs[i].c, CURLINFO_SIZE_UPLOAD_T, &up);
                sent += (size_t)up == len || result[i] != CURLE_AGAIN ? 1 : 0;
            }
            if (sent == TERM_IMPORTS) {
                answered_at_term = answered;
                kill(srv->pid, SIGTERM);
                term_at = th_now_ms();
            }
        } else if (!refused && !exited && th_now_ms() - term_at > 100) {
            /* The stop has begun: a new connection must be refused. */
            int fd = th_connect(srv->port);
            refused_errno = fd < 0 ? errno : 0;
            if (fd >= 0) close(fd);
            refused = 1;
            alive_when_refused = still_running(srv->pid, &status) ? 1 : (exited = 1, 0);
            if (exited) exit_ms = th_now_ms() - term_at;
        }
        if (term_at > 0 && !exited && !still_running(srv->pid, &status)) {
            exited = 1;
            exit_ms = th_now_ms() - term_at;
        }
        curl_multi_wait(m, NULL, 0, 10, NULL);
    }
    if (!exited) { /* past every bound: do not leave it behind */
        kill(srv->pid, SIGKILL);
        waitpid(srv->pid, &status, 0);
    }
    live[0] = NULL; /* reaped */
    cr_log_info("SIGTERM: %d of %d answered when it was sent; exit after %.0f ms", answered_at_term,
                TERM_IMPORTS, exit_ms);

    cr_assert_gt(term_at, 0, "every import was sent before the deadline");
    cr_expect_lt(answered_at_term, TERM_IMPORTS, "imports were in flight at SIGTERM");
    cr_expect(alive_when_refused, "the server was still finishing work when it refused a new "
                                  "connection (else the next check proves nothing)");
    cr_expect_eq(refused_errno, ECONNREFUSED,
                 "a new connection after SIGTERM is refused (errno %d)", refused_errno);
    cr_expect(exited, "the server exited");
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status 0 (raw %d)", status);
    cr_expect_lt(exit_ms, 10500, "it exited within the 10 s grace (%.0f ms)", exit_ms);

    /* Within the grace every request already sent is finished; a machine so
     * slow that the grace ran out may cut the rest (that is the bound), but
     * never a response half-way, nor an import half-stored. */
    int within_grace = exited && exit_ms < 9500;
    int ok = 0, cut = 0;
    for (int i = 0; i < TERM_IMPORTS; i++) {
        if (within_grace)
            cr_expect_eq(result[i], CURLE_OK,
                         "import %d sent before SIGTERM got a whole answer: %s", i + 1,
                         curl_easy_strerror(result[i]));
        if (result[i] != CURLE_OK) {
            cr_expect(result[i] != CURLE_PARTIAL_FILE, "import %d: an answer cut mid-body", i + 1);
            cut++;
            continue;
        }
        cr_expect(code[i] == 201, "import %d: %ld %s", i + 1, code[i],
                  reqs[i].answer.data ? reqs[i].answer.data : "");
        json_t *j = reqs[i].answer.data ? json_loads(reqs[i].answer.data, 0, NULL) : NULL;
        cr_expect_not_null(j, "import %d: a complete JSON body: %s", i + 1,
                           reqs[i].answer.data ? reqs[i].answer.data : "(none)");
        if (code[i] == 201 && json_integer_value(json_object_get(j, "imported")) == TERM_ROWS) ok++;
        json_decref(j);
    }
    if (!within_grace) cr_log_warn("the grace ran out: %d import(s) cut", cut);
    char q[160];
    snprintf(q, sizeof q, "SELECT count(*) FROM responses WHERE wave_id = %lld", wave);
    long long rows = sql_count(db, q);
    cr_expect_eq(rows % TERM_ROWS, 0, "no import is stored in part (%lld rows)", rows);
    cr_expect(rows >= (long long)ok * TERM_ROWS && rows <= (long long)(ok + cut) * TERM_ROWS,
              "what was acknowledged is stored whole (%lld rows for %d acknowledged)", rows, ok);
    char *log = th_server_log(srv);
    cr_expect(log && strstr(log, "thermometer: stopped"), "the log tells it stopped: %s", log);
    free(log);

    for (int i = 0; i < TERM_IMPORTS; i++) {
        curl_multi_remove_handle(m, reqs[i].c);
        curl_easy_cleanup(reqs[i].c);
        curl_slist_free_all(reqs[i].h);
        free(reqs[i].answer.data);
    }
    curl_multi_cleanup(m);
    free(import);
    free(srv);
    free(admin);
    free(db);
    curl_global_cleanup();
}

/* ---- 3. two `serve` processes on one database ---------------------------- */

typedef struct race {
    const th_server *srv;
    const char *token;
    pthread_barrier_t *start;
    long status;
    char body[256];
} race;

static void *race_submit(void *arg)
{
    race *r = arg;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/survey/%s", r->token);
    pthread_barrier_wait(r->start);
    th_response res =
        th_post_json(r->srv, path, NULL, "{\"answers\": {\"ek-eff-1\": 4}, \"submit\": true}");
    r->status = res.status;
    snprintf(r->body, sizeof r->body, "%s", res.body);
    th_response_free(&res);
    return NULL;
}

static int migration_files(void)
{
    DIR *d = opendir("sql");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        n += len > 8 && e->d_name[3] == '_' && !strcmp(e->d_name + len - 4, ".sql");
    }
    if (d) closedir(d);
    return n;
}

/* Instrument versions shipped: each .json file in survey-defs but the schema. */
static int instrument_files(void)
{
    DIR *d = opendir("survey-defs");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        n += len > 5 && !strcmp(e->d_name + len - 5, ".json") && e->d_name[0] != '.' &&
             strcmp(e->d_name, "schema.json") != 0;
    }
    if (d) closedir(d);
    return n;
}

/* Two servers start at the same moment on one empty database, the way the
 * service scales out. Proves: both come up and serve; the migrations ran
 * once (each version once in schema_migrations, and the two start logs
 * together report each migration applied once); each instrument version is
 * loaded once; one token submitted to both servers at the same moment is stored
 * once, with one 201 and one 409, for 50 tokens. */
Test(faults, two_servers_on_one_database)
{
    char name[64], sql[128];
    snprintf(name, sizeof name, "twoserve_%d", (int)getpid());
    snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0", name);
    free(th_sql(th_cluster_url(), sql));
    char *db;
    cr_assert(asprintf(&db, "%s dbname=%s", th_cluster_url(), name) > 0);

    th_server *s[2];
    th_servers_start(db, NULL, 2, s);
    live[0] = s[0];
    live[1] = s[1];
    for (int k = 0; k < 2; k++) {
        th_response r = th_get(s[k], "/healthz", NULL);
        cr_expect_eq(r.status, 200, "server %d serves: %s", k + 1, r.body);
        th_response_free(&r);
    }
    int files = migration_files();
    cr_assert_gt(files, 0);
    cr_expect_eq(sql_count(db, "SELECT count(*) FROM schema_migrations"), files,
                 "each migration recorded once");
    cr_expect_eq(sql_count(db, "SELECT count(DISTINCT version) FROM schema_migrations"), files);
    cr_expect_eq(sql_count(db, "SELECT count(*) FROM instruments"), instrument_files(),
                 "each instrument version is loaded once");
    int applied = 0;
    for (int k = 0; k < 2; k++) {
        char *log = th_server_log(s[k]);
        const char *p = log ? strstr(log, "database ready: ") : NULL;
        cr_expect_not_null(p, "server %d logs its database check: %s", k + 1, log);
        if (p) applied += atoi(p + strlen("database ready: "));
        free(log);
    }
    cr_expect_eq(applied, files, "the two servers together applied each migration once");

    char *admin = th_api_key(db, "admin", NULL, 0);
    long long wave = th_wave_open(s[0], admin, th_org(s[0], admin, "GM0903"));
    enum { N = 50 };
    char **tokens = th_invitations(s[1], admin, wave, "beleid", N);
    int pairs_ok = 0;
    for (int i = 0; i < N; i++) {
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, 2);
        race a = {s[0], tokens[i], &start, 0, ""}, b = {s[1], tokens[i], &start, 0, ""};
        pthread_t x, y;
        pthread_create(&x, NULL, race_submit, &a);
        pthread_create(&y, NULL, race_submit, &b);
        pthread_join(x, NULL);
        pthread_join(y, NULL);
        pthread_barrier_destroy(&start);
        int ok = (a.status == 201 && b.status == 409) || (a.status == 409 && b.status == 201);
        cr_expect(ok, "token %d: one 201 and one 409, got %ld (%s) and %ld (%s)", i + 1, a.status,
                  a.body, b.status, b.body);
        pairs_ok += ok;
    }
    cr_expect_eq(pairs_ok, N);
    char q[160];
    snprintf(q, sizeof q, "SELECT count(*) FROM responses WHERE wave_id = %lld", wave);
    cr_expect_eq(sql_count(db, q), N, "each token stored once");
    snprintf(q, sizeof q, "SELECT count(*) FROM invitations WHERE wave_id = %lld AND state = 2",
             wave);
    cr_expect_eq(sql_count(db, q), N);

    th_tokens_free(tokens, N);
    live[0] = live[1] = NULL;
    for (int k = 0; k < 2; k++)
        cr_expect_eq(th_server_stop(s[k]), 0, "server %d exits 0", k + 1);
    free(admin);
    free(db);
}
