/* th.c - see th.h. */
#include "th.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/role.h"
#include "server/app/auth.h"

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

const char *th_cluster_url(void)
{
    const char *url = getenv("TEST_DATABASE_URL");
    if (!url) cr_assert_fail("TEST_DATABASE_URL is not set: run the tests with `make test`");
    return url;
}

char *th_sql(const char *conninfo, const char *sql)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return NULL;
    }
    PGresult *r = PQexec(c, sql);
    char *out = NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        out = strdup(PQgetvalue(r, 0, 0));
    else if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        cr_log_error("th_sql: %s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return out;
}

char *th_db_state(const char *conninfo)
{
    /* One query per table, run by query_to_xml: plain SQL cannot name a
     * table from a column. Every table, so that a new one is covered too. */
    return th_sql(conninfo,
                  "SELECT string_agg(c.relname || '=' || (xpath('/row/f/text()', query_to_xml("
                  "format('SELECT count(*) || '':'' || coalesce(md5(string_agg(t::text, '',''"
                  " ORDER BY t::text)), ''-'') AS f FROM public.%I t', c.relname),"
                  " false, true, '')))[1]::text, ' ' ORDER BY c.relname)"
                  " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                  " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')");
}

char *th_db_create(void)
{
    static int counter;
    char name[64];
    unsigned rnd = randombytes_uniform(1000000);
    snprintf(name, sizeof name, "t_%d_%d_%u", (int)getpid(), counter++, rnd);
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s", name,
             env_or("TEST_TEMPLATE_DB", "thermometer_template"));
    /* The template may be busy for a moment when tests start in parallel. */
    PGconn *c = PQconnectdb(th_cluster_url());
    int ok = 0;
    for (int attempt = 0; attempt < 50 && !ok; attempt++) {
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) usleep(100000);
    }
    if (!ok) cr_assert_fail("cannot create a test database: %s", PQerrorMessage(c));
    PQfinish(c);
    char *conninfo;
    if (asprintf(&conninfo, "%s dbname=%s", th_cluster_url(), name) < 0) cr_assert_fail("oom");
    return conninfo;
}

th_server *th_server_start(const char *conninfo, const char *const *extra_env)
{
    th_server *s = calloc(1, sizeof *s);
    char portfile[256];
    static int counter;
    snprintf(portfile, sizeof portfile, "%s/port.%d.%d", env_or("TEST_TMPDIR", "/tmp"),
             (int)getpid(), counter);
    snprintf(s->log, sizeof s->log, "%s/server.%d.%d.log", env_or("TEST_TMPDIR", "/tmp"),
             (int)getpid(), counter++);
    unlink(portfile);
    pid_t pid = fork();
    if (pid == 0) {
        /* The server must not outlive a test that fails half-way, nor hold
         * the test runner's output pipe open. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        FILE *log = freopen(s->log, "w", stderr);
        (void)log;
        if (!freopen("/dev/null", "w", stdout)) _exit(126);
        setenv("DATABASE_URL", conninfo, 1);
        setenv("PORT", "0", 1);
        setenv("PORT_FILE", portfile, 1);
        setenv("THREADS", "4", 1);
        setenv("SEAL_KEY", TH_SEAL_KEY, 1);
        unsetenv("SEAL_KEY_FILE");
        unsetenv("BASE_URL");
        for (const char *const *e = extra_env; e && *e; e++)
            putenv(strdup(*e));
        const char *bin = env_or("THERMOMETER_BIN", "bin/thermometer-asan");
        execl(bin, bin, "serve", (char *)NULL);
        _exit(127);
    }
    s->pid = pid;
    for (int i = 0; i < 600; i++) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            int ok = fscanf(f, "%d", &s->port) == 1;
            fclose(f);
            if (ok) break;
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            char *log = th_server_log(s);
            cr_assert_fail("the server exited at start: %s", log ? log : "");
        }
        usleep(50000);
    }
    if (!s->port) cr_assert_fail("the server did not start listening within 30 s");
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    return s;
}

char *th_server_log(const th_server *s)
{
    FILE *f = fopen(s->log, "r");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&buf, &cap, '\0', f);
    fclose(f);
    if (n < 0) {
        free(buf);
        return strdup("");
    }
    return buf;
}

int th_server_stop(th_server *s)
{
    if (!s) return -1;
    kill(s->pid, SIGTERM);
    int st = 0;
    for (int i = 0; i < 400; i++) {
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) break;
        if (i == 399) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &st, 0);
        }
        usleep(50000);
    }
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (code != 0) {
        char *log = th_server_log(s);
        cr_log_error("server exit status %d; log:\n%s", code, log ? log : "");
        free(log);
    }
    free(s);
    return code;
}

size_t th_collect(char *ptr, size_t size, size_t n, void *userdata)
{
    th_buf *b = userdata;
    size_t add = size * n;
    char *grown = realloc(b->data, b->len + add + 1);
    if (!grown) return 0;
    b->data = grown;
    memcpy(b->data + b->len, ptr, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

th_response th_request(const th_server *s, const char *method, const char *path, const char *key,
                       const char *content_type, const char *body, size_t len)
{
    return th_request_from(s, NULL, method, path, key, content_type, body, len);
}

th_response th_request_from(const th_server *s, const char *source, const char *method,
                            const char *path, const char *key, const char *content_type,
                            const char *body, size_t len)
{
    th_response r = {0};
    th_buf bodybuf = {0}, headbuf = {0};
    CURL *c = curl_easy_init();
    char url[4096], auth[512], ctype[256];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    struct curl_slist *h = NULL;
    if (key) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
        h = curl_slist_append(h, auth);
    }
    if (body || content_type) {
        snprintf(ctype, sizeof ctype, "Content-Type: %s",
                 content_type ? content_type : "application/json");
        h = curl_slist_append(h, ctype);
    }
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, th_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &bodybuf);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, th_collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &headbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (source) curl_easy_setopt(c, CURLOPT_INTERFACE, source);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    r.body = bodybuf.data ? bodybuf.data : strdup("");
    r.len = bodybuf.len;
    r.headers = headbuf.data ? headbuf.data : strdup("");
    return r;
}

th_response th_get(const th_server *s, const char *path, const char *key)
{
    return th_request(s, "GET", path, key, NULL, NULL, 0);
}

th_response th_post_json(const th_server *s, const char *path, const char *key, const char *json)
{
    return th_request(s, "POST", path, key, "application/json", json, json ? strlen(json) : 0);
}

json_t *th_json(const th_response *r)
{
    return json_loadb(r->body, r->len, 0, NULL);
}

int th_header(const th_response *r, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *end = strstr(line, "\r\n");
        if (!end) end = line + strlen(line);
        if ((size_t)(end - line) > nl && !strncasecmp(line, name, nl) && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ')
                v++;
            snprintf(out, n, "%.*s", (int)(end - v), v);
            return 1;
        }
        line = *end ? end + 2 : end;
    }
    return 0;
}

void th_response_free(th_response *r)
{
    free(r->body);
    free(r->headers);
    memset(r, 0, sizeof *r);
}

char *th_api_key(const char *conninfo, const char *role_text, const long long *orgs, size_t n)
{
    if (sodium_init() < 0) cr_assert_fail("sodium_init");
    role r;
    if (role_parse(role_text, &r) != 0) cr_assert_fail("unknown role %s", role_text);
    PGconn *c = PQconnectdb(conninfo);
    tm_error err = TM_ERROR_INIT;
    char *key = NULL;
    auth_key_spec spec = {r, orgs, n, "test", NULL};
    if (auth_key_create(c, &spec, &key, NULL, &err) != 0) cr_assert_fail("apikey: %s", err.message);
    PQfinish(c);
    return key;
}

int th_run(const char *cmd, char **output)
{
    char *full;
    if (asprintf(&full, "%s 2>&1", cmd) < 0) return -1;
    FILE *p = popen(full, "r");
    free(full);
    if (!p) return -1;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&buf, &cap, '\0', p);
    int st = pclose(p);
    if (n < 0) {
        free(buf);
        buf = strdup("");
    }
    if (output)
        *output = buf;
    else
        free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}
