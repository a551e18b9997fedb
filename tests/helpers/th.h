/* th.h - test helpers: a fresh database per test, the server as a child
 * process on a free port, and libcurl as the HTTP client.
 *
 * scripts/test.sh provides the environment: TEST_DATABASE_URL (a throwaway
 * cluster), TEST_TEMPLATE_DB (migrated, instruments loaded), TEST_TMPDIR and
 * THERMOMETER_BIN (the sanitizer build of the server).
 *
 *   char *db = th_db_create();                 // a copy of the template
 *   th_server *s = th_server_start(db, NULL);
 *   th_response r = th_get(s, "/healthz", NULL);
 *   cr_assert_eq(r.status, 200);
 *   th_response_free(&r);
 *   th_server_stop(s);                          // asserts a clean exit
 */
#ifndef TM_TH_H
#define TM_TH_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

/* The seal key every server the tests start gets (SEAL_KEY), unless its
 * extra environment names another; scripts/test.sh exports the same for the
 * commands the tests run. */
#define TH_SEAL_KEY "5e615e615e615e615e615e615e615e615e615e615e615e615e615e615e615e61"

/* A new database copied from the template; returns its connection string
 * (caller frees). Aborts the test when it cannot. */
char *th_db_create(void);

/* Connection string of the cluster's maintenance database. Borrowed. */
const char *th_cluster_url(void);

typedef struct th_server {
    pid_t pid;
    int port;
    char base[64]; /* "http://127.0.0.1:PORT" */
    char log[256]; /* file holding the server's stderr */
} th_server;

/* Starts THERMOMETER_BIN serve against conninfo with SEAL_KEY=TH_SEAL_KEY,
 * with extra environment entries ("NAME=value", NULL-terminated; may be
 * NULL). Waits until it listens. Aborts the test on failure. */
th_server *th_server_start(const char *conninfo, const char *const *extra_env);

/* Sends SIGTERM, waits, frees; returns the exit status (0 = clean; 128+N
 * for a signal). */
int th_server_stop(th_server *s);

/* Reads the server's log (caller frees). */
char *th_server_log(const th_server *s);

typedef struct th_response {
    long status;
    char *body; /* NUL-terminated */
    size_t len;
    char *headers; /* raw header block, NUL-terminated */
} th_response;

/* A growing, NUL-terminated buffer, and the libcurl write callback that
 * fills it (CURLOPT_WRITEFUNCTION/HEADERFUNCTION with the buffer as data).
 * The caller frees data. */
typedef struct th_buf {
    char *data;
    size_t len;
} th_buf;
size_t th_collect(char *ptr, size_t size, size_t n, void *userdata);

/* Sends a request. key: API key or NULL; content_type may be NULL (then
 * application/json when there is a body). */
th_response th_request(const th_server *s, const char *method, const char *path, const char *key,
                       const char *content_type, const char *body, size_t len);
/* The same from source, another loopback address such as "127.0.0.2" (Linux
 * routes all of 127.0.0.0/8 to lo): a second client in a test. NULL is
 * 127.0.0.1. */
th_response th_request_from(const th_server *s, const char *source, const char *method,
                            const char *path, const char *key, const char *content_type,
                            const char *body, size_t len);
th_response th_get(const th_server *s, const char *path, const char *key);
th_response th_post_json(const th_server *s, const char *path, const char *key, const char *json);

/* The body as JSON (new reference; NULL when it does not parse). */
json_t *th_json(const th_response *r);

/* The value of header name (case-insensitive), copied into out; 0 if absent. */
int th_header(const th_response *r, const char *name, char *out, size_t n);

void th_response_free(th_response *r);

/* Creates an API key directly in the database (caller frees). role is
 * "admin", "consultant" or "viewer"; orgs may be NULL. */
char *th_api_key(const char *conninfo, const char *role, const long long *orgs, size_t n);

/* Runs a SQL statement (no parameters; test-owned text) and returns the
 * first column of the first row as a new string, or NULL. */
char *th_sql(const char *conninfo, const char *sql);

/* What the database holds, as one line to compare before and after: for
 * every table of the public schema, "name=rows:md5" (the md5 of all its rows
 * as text, in order). New string; NULL when the database cannot be read. */
char *th_db_state(const char *conninfo);

/* Runs a command line and returns its exit status; stdout+stderr go to
 * *output (caller frees) when output is not NULL. */
int th_run(const char *cmd, char **output);

#endif
