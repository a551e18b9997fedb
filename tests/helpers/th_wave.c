/* th_wave.c - see th_wave.h. */
#include "th_wave.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

double th_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* POSTs json with key, asserts the status, returns the parsed body. */
static json_t *post_expect(const th_server *s, const char *key, const char *path, const char *json,
                           long want)
{
    th_response r = th_post_json(s, path, key, json);
    cr_assert_eq(r.status, want, "POST %s: %ld %s", path, r.status, r.body);
    json_t *j = th_json(&r);
    th_response_free(&r);
    cr_assert_not_null(j, "POST %s: the answer is JSON", path);
    return j;
}

long long th_org(const th_server *s, const char *key, const char *code)
{
    char body[160];
    snprintf(body, sizeof body, "{\"name\": \"Gemeente %s\", \"code\": \"%s\"}", code, code);
    json_t *j = post_expect(s, key, "/api/v1/organisations", body, 201);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    cr_assert_gt(id, 0);
    return id;
}

long long th_wave_open(const th_server *s, const char *key, long long org)
{
    char body[256], path[96];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein@1.0.0\","
             " \"name\": \"Meting\"}",
             org);
    json_t *j = post_expect(s, key, "/api/v1/waves", body, 201);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    cr_assert_gt(id, 0);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", id);
    json_decref(post_expect(s, key, path, "{}", 200));
    return id;
}

long long th_wave_import(const th_server *s, const char *key, long long org)
{
    char body[256], path[96];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein@1.0.0\","
             " \"name\": \"Meting (import)\", \"collection\": \"import\"}",
             org);
    json_t *j = post_expect(s, key, "/api/v1/waves", body, 201);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    cr_assert_gt(id, 0);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", id);
    json_decref(post_expect(s, key, path, "{}", 200));
    return id;
}

json_t *th_v1(void)
{
    static json_t *def;
    if (!def) def = json_load_file("survey-defs/thermometer-sociaal-domein-v1.json", 0, NULL);
    cr_assert_not_null(def, "survey-defs/thermometer-sociaal-domein-v1.json cannot be read");
    return def;
}

/* Whether the v1 item (JSON) is asked of layer. */
static int v1_asked(json_t *item, const char *layer)
{
    json_t *layers = json_object_get(item, "layers");
    if (!layers) return 1;
    size_t i;
    json_t *l;
    json_array_foreach(layers, i, l) if (!strcmp(json_string_value(l), layer)) return 1;
    return 0;
}

json_t *th_answers(const char *layer, int v, const char *opt)
{
    json_t *answers = json_object();
    size_t k;
    json_t *it;
    json_array_foreach(json_object_get(th_v1(), "items"), k, it)
    {
        if (!v1_asked(it, layer)) continue;
        const char *type = json_string_value(json_object_get(it, "type"));
        const char *key = json_string_value(json_object_get(it, "key"));
        if (!strcmp(type, "likert")) json_object_set_new(answers, key, json_integer(v));
        if (!strcmp(type, "grade")) json_object_set_new(answers, key, json_integer(2 * v));
        if (!strcmp(type, "intent")) json_object_set_new(answers, key, json_string(opt));
    }
    return answers;
}

json_t *th_core_items(void)
{
    json_t *keys = json_array();
    size_t k;
    json_t *it;
    json_array_foreach(json_object_get(th_v1(), "items"), k, it)
    {
        const char *type = json_string_value(json_object_get(it, "type"));
        if (json_object_get(it, "layers") || !strcmp(type, "text") || !strcmp(type, "choice"))
            continue;
        json_array_append(keys, json_object_get(it, "key"));
    }
    return keys;
}

long th_submit(const th_server *s, const char *token, json_t *answers, int submit, char **body)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/survey/%s", token);
    json_t *o = json_pack("{s:O, s:b}", "answers", answers, "submit", submit);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    th_response r = th_post_json(s, path, NULL, text);
    free(text);
    long status = r.status;
    if (body) *body = strdup(r.body);
    th_response_free(&r);
    return status;
}

char **th_invitations(const th_server *s, const char *key, long long wave, const char *layer, int n)
{
    char path[96], body[128];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", wave);
    char **tokens = calloc((size_t)n, sizeof *tokens);
    cr_assert_not_null(tokens);
    for (int done = 0; done < n;) {
        int batch = n - done > 10000 ? 10000 : n - done;
        snprintf(body, sizeof body, "{\"layer\": \"%s\", \"count\": %d}", layer, batch);
        json_t *j = post_expect(s, key, path, body, 201);
        json_t *list = json_object_get(j, "invitations");
        cr_assert_eq(json_array_size(list), (size_t)batch);
        for (int i = 0; i < batch; i++) {
            const char *t =
                json_string_value(json_object_get(json_array_get(list, (size_t)i), "token"));
            cr_assert_not_null(t);
            tokens[done + i] = strdup(t);
        }
        json_decref(j);
        done += batch;
    }
    return tokens;
}

void th_tokens_free(char **tokens, int n)
{
    for (int i = 0; tokens && i < n; i++)
        free(tokens[i]);
    free(tokens);
}

void th_servers_start(const char *conninfo, const char *const *extra_env, int n, th_server **out)
{
    static int counter;
    char portfiles[8][256];
    cr_assert_leq(n, 8);
    for (int k = 0; k < n; k++) {
        th_server *s = calloc(1, sizeof *s);
        cr_assert_not_null(s);
        snprintf(portfiles[k], sizeof portfiles[k], "%s/mport.%d.%d", env_or("TEST_TMPDIR", "/tmp"),
                 (int)getpid(), counter);
        snprintf(s->log, sizeof s->log, "%s/mserver.%d.%d.log", env_or("TEST_TMPDIR", "/tmp"),
                 (int)getpid(), counter++);
        unlink(portfiles[k]);
        out[k] = s;
    }
    for (int k = 0; k < n; k++) {
        pid_t pid = fork();
        cr_assert_geq(pid, 0, "fork");
        if (pid == 0) {
            FILE *log = freopen(out[k]->log, "w", stderr);
            (void)log;
            setenv("DATABASE_URL", conninfo, 1);
            setenv("PORT", "0", 1);
            setenv("PORT_FILE", portfiles[k], 1);
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
        out[k]->pid = pid;
    }
    for (int k = 0; k < n; k++) {
        th_server *s = out[k];
        for (int i = 0; i < 600 && !s->port; i++) {
            FILE *f = fopen(portfiles[k], "r");
            if (f) {
                if (fscanf(f, "%d", &s->port) != 1) s->port = 0;
                fclose(f);
                if (s->port) break;
            }
            int st;
            if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
                char *log = th_server_log(s);
                cr_assert_fail("server %d of %d exited at start: %s", k + 1, n, log ? log : "");
            }
            usleep(50000);
        }
        cr_assert_gt(s->port, 0, "server %d did not start listening within 30 s", k + 1);
        snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    }
}

char *th_cluster_start(const char *name)
{
    char *dir, *cmd, *out = NULL;
    if (asprintf(&dir, "%s/%s-%d", env_or("TEST_TMPDIR", "/tmp"), name, (int)getpid()) < 0)
        cr_assert_fail("oom");
    if (asprintf(&cmd, "scripts/pg.sh start %s", dir) < 0) cr_assert_fail("oom");
    int rc = th_run(cmd, &out);
    cr_assert_eq(rc, 0, "cannot start a private PostgreSQL cluster: %s", out ? out : "");
    free(out);
    free(cmd);
    return dir;
}

char *th_cluster_conninfo(const char *dir, const char *dbname)
{
    char *url;
    if (asprintf(&url, "host=%s user=postgres dbname=%s connect_timeout=5", dir, dbname) < 0)
        cr_assert_fail("oom");
    return url;
}

static int cluster_signal(const char *how, const char *dir)
{
    char *cmd;
    if (asprintf(&cmd, "scripts/pg.sh %s %s", how, dir) < 0) return -1;
    int rc = th_run(cmd, NULL);
    free(cmd);
    return rc;
}

int th_cluster_kill(const char *dir)
{
    return cluster_signal("kill", dir);
}

int th_cluster_crash(const char *dir)
{
    return cluster_signal("crash", dir);
}

int th_cluster_restart(const char *dir, int timeout_ms)
{
    char *cmd;
    if (asprintf(&cmd, "scripts/pg.sh start %s", dir) < 0) return -1;
    double until = th_now_ms() + timeout_ms;
    int rc = -1;
    while (th_now_ms() < until) {
        rc = th_run(cmd, NULL);
        if (rc == 0) break;
        usleep(300000); /* backends of the killed postmaster are still exiting */
    }
    free(cmd);
    return rc;
}

void th_cluster_destroy(const char *dir)
{
    char *cmd;
    if (asprintf(&cmd, "scripts/pg.sh stop %s; rm -rf %s", dir, dir) < 0) return;
    th_run(cmd, NULL);
    free(cmd);
}

int th_connect(int port)
{
    return th_connect_from(NULL, port);
}

int th_connect_from(const char *source, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (source) {
        struct sockaddr_in from = {0};
        from.sin_family = AF_INET;
        if (inet_pton(AF_INET, source, &from.sin_addr) != 1 ||
            bind(fd, (struct sockaddr *)&from, sizeof from) != 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
    }
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

char *th_raw_exchange_end(int port, const char *request, size_t len, int timeout_ms,
                          th_raw_end *end)
{
    return th_raw_exchange_fd(th_connect(port), request, len, timeout_ms, end);
}

char *th_raw_exchange_fd(int fd, const char *request, size_t len, int timeout_ms, th_raw_end *end)
{
    size_t cap = 4096, got = 0;
    char *buf = calloc(1, cap);
    cr_assert_not_null(buf);
    th_raw_end how = TH_RAW_TIMEOUT;
    if (fd < 0) {
        if (end) *end = TH_RAW_NOCONN;
        return buf;
    }
    /* A server that refuses early may close while the request is still
     * going out: the send stops, and what it answered is read all the same. */
    for (size_t sent = 0; sent < len;) {
        ssize_t w = send(fd, request + sent, len - sent, MSG_NOSIGNAL);
        if (w <= 0) break;
        sent += (size_t)w;
    }
    double until = th_now_ms() + timeout_ms;
    for (;;) {
        int left = (int)(until - th_now_ms());
        if (left <= 0) break;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, left) <= 0) break;
        if (got + 2048 + 1 > cap) {
            cap *= 2;
            char *grown = realloc(buf, cap);
            cr_assert_not_null(grown);
            buf = grown;
        }
        ssize_t r = recv(fd, buf + got, cap - got - 1, 0);
        if (r <= 0) { /* an orderly close, or a reset */
            how = TH_RAW_CLOSED;
            break;
        }
        got += (size_t)r;
        buf[got] = '\0';
        /* One whole response (head and Content-Length of body) is enough. */
        const char *head_end = strstr(buf, "\r\n\r\n");
        const char *cl = strcasestr(buf, "\r\nContent-Length:");
        if (head_end && cl && cl < head_end &&
            got >= (size_t)(head_end + 4 - buf) + strtoull(cl + 17, NULL, 10)) {
            how = TH_RAW_ANSWERED;
            break;
        }
    }
    close(fd);
    if (end) *end = how;
    return buf;
}

char *th_raw_exchange(int port, const char *request, size_t len, int timeout_ms)
{
    return th_raw_exchange_end(port, request, len, timeout_ms, NULL);
}

void th_token_hash_hex(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}
