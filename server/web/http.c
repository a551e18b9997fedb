/* http.c - see http.h. */
#include "server/web/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/app/auth.h"
#include "server/web/session.h"

#define MAX_JSON_DEPTH 32
#define PATH_MAX_LEN 2048
/* An unknown token over its limit is answered this late (no thread waits). */
#define TARPIT_MS 1000
/* Heavy handlers yield the CPU to those serving respondents. */
#define HEAVY_NICE 10

typedef struct request_state request_state;

/* Handlers block on the database, so they do not run on libmicrohttpd's
 * I/O threads: a finished request is suspended and queued for a worker, and
 * resumed with its response. Otherwise every connection that happened to be
 * accepted by the same I/O thread would wait behind one slow handler. */
typedef struct work_queue {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    request_state **items; /* ring of cap entries */
    size_t cap, head, count;
    int stopping;
    pthread_t *threads;
    int n_threads;
    int nice; /* the threads' nice value (heavy workers yield to the others) */
    http_server *server;
} work_queue;

/* The heavy routes' own workers and their bound: a ticket is taken in the
 * head step (before a body is read) and given back when the handler is
 * done, so at most max requests run, wait or upload at once. */
typedef struct heavy_state {
    work_queue work;
    atomic_int admitted, running, running_peak;
    atomic_long refused;
    int max;
    pthread_mutex_t lock; /* avg_ms */
    double avg_ms;        /* how long a heavy handler takes, on average */
} heavy_state;

struct http_server {
    struct MHD_Daemon *daemon;
    app *app;
    const route *routes;
    int quiet;
    int trust_proxy;
    atomic_int active; /* requests between first callback and completion */
    work_queue work;
    heavy_state heavy;
    guard *guard;
    atomic_long bodies_refused, tarpitted;
};

/* Where a request is, from the first callback to MHD's completion notice.
 * Reading: the body comes in (or is about to). With a worker: the
 * connection is suspended while a worker does the head step or the
 * handler. Done: a response waits in res, to be sent when MHD calls next. */
enum phase { PHASE_READING, PHASE_HEAD, PHASE_HEAD_DONE, PHASE_WORK, PHASE_DONE };

/* Per-request state, from the first callback to MHD's completion notice. */
struct request_state {
    http_request req;
    http_server *server;
    struct timespec started;
    char path_copy[PATH_MAX_LEN];
    char log_path[256];
    int early_status; /* a response decided on the I/O thread: 404, 405, 413, 414 */
    char allow[32];   /* for 405 */
    size_t limit;
    size_t received;
    size_t cap;
    int has_body; /* the request announced one (Content-Length > 0 or chunked) */
    int responded;
    int answer_now;    /* unrouted, with a body over the limit: answer before it */
    size_t discarded;  /* body bytes dropped after an early answer was decided */
    enum phase phase;  /* touched by a worker only while the connection is suspended */
    http_response res; /* the worker's response, sent when resumed */
    struct MHD_Connection *mhd;
    guard_conn *conn;     /* the connection's record in the guard */
    long long length;     /* Content-Length, or -1 */
    int body_admitted;    /* counted in the guard's bodies in flight */
    size_t body_reserved; /* bytes of it counted against the buffers */
    int heavy_ticket;     /* holds a place in the heavy queue */
    int to_heavy;         /* the head step passed a heavy request on */
    int late_ms;          /* answer this much later (a token guesser) */
};

/* ---- small helpers ------------------------------------------------------ */

const char *http_query(http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->mhd, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->mhd, MHD_HEADER_KIND, name);
}

long long http_param_id(http_request *req, int i)
{
    if (i >= req->n_params) return -1;
    const char *s = req->params[i];
    size_t n = strlen(s);
    if (n == 0 || n > 15) return -1; /* ids stay far below 10^15 */
    long long v = 0;
    for (size_t k = 0; k < n; k++)
        v = v * 10 + (s[k] - '0');
    return v > 0 ? v : -1;
}

/* Nesting depth of a JSON text, outside strings; stops counting at limit+1.
 * Jansson accepts 2048 levels; a survey answer never needs more than a few. */
static int json_depth(const char *s, size_t n)
{
    int depth = 0, max = 0, in_string = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"')
            in_string = 1;
        else if (c == '{' || c == '[') {
            if (++depth > max) max = depth;
            if (max > MAX_JSON_DEPTH) return max;
        } else if (c == '}' || c == ']')
            depth--;
    }
    return max;
}

/* The request body parsed as a JSON object (new reference), or NULL with err
 * (400 naming the position of the syntax error, or "expected an object"). */
static json_t *body_json(http_request *req, tm_error *err)
{
    if (!req->body || req->body_len == 0) {
        tm_error_set(err, 400, "the request needs a JSON body");
        return NULL;
    }
    if (json_depth(req->body, req->body_len) > MAX_JSON_DEPTH) {
        tm_error_set(err, 400, "the JSON body is nested deeper than %d levels", MAX_JSON_DEPTH);
        return NULL;
    }
    json_error_t jerr;
    json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        tm_error_set(err, 400, "the body is not valid JSON: %s (line %d, column %d)", jerr.text,
                     jerr.line, jerr.column);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        tm_error_set(err, 400, "the body must be a JSON object");
        return NULL;
    }
    return j;
}

void http_respond_body(http_response *res, int status, const char *content_type, char *body,
                       size_t len)
{
    free(res->body);
    res->status = status;
    res->content_type = content_type;
    res->body = body;
    res->len = len;
}

void http_respond_json(http_response *res, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(body);
    if (!text) {
        http_respond_message(res, 500, "the response could not be encoded");
        return;
    }
    http_respond_body(res, status, "application/json; charset=utf-8", text, strlen(text));
}

void http_respond_error(http_response *res, const tm_error *err)
{
    int status = err->status >= 400 && err->status <= 599 ? err->status : 500;
    http_respond_json(res, status, tm_error_to_json(err));
}

void http_respond_result(http_response *res, int status, json_t *json, tm_error *err)
{
    if (json)
        http_respond_json(res, status, json);
    else
        http_respond_error(res, err);
    tm_error_clear(err);
}

void http_respond_message(http_response *res, int status, const char *message)
{
    json_t *body = json_pack("{s:s, s:[]}", "error", message, "details");
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    http_respond_body(res, status, "application/json; charset=utf-8", text,
                      text ? strlen(text) : 0);
}

void http_respond_file(http_response *res, int status, const char *content_type, int fd,
                       size_t size)
{
    free(res->body);
    res->body = NULL;
    res->len = 0;
    res->status = status;
    res->content_type = content_type;
    res->fd = fd;
    res->fd_size = size;
}

void http_respond_header(http_response *res, const char *name, const char *value)
{
    if (res->n_headers >= HTTP_MAX_HEADERS) return;
    res->header_names[res->n_headers] = name;
    res->header_values[res->n_headers] = strdup(value);
    res->n_headers++;
}

/* ---- routing ------------------------------------------------------------ */

static int segment_ok(const char *kind, const char *seg, size_t n)
{
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = seg[i];
        int digit = c >= '0' && c <= '9';
        int b64 = digit || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
        if (!strncmp(kind, "{id}", 4) ? !digit : !b64) return 0;
    }
    return n <= 64;
}

/* Matches path against pattern; on success fills params (pointing into
 * path_copy, which is split in place) and returns 1. */
static int pattern_match(const char *pattern, const char *path, char *copy, size_t copy_size,
                         const char **params, int *n_params)
{
    *n_params = 0;
    const char *p = pattern, *s = path;
    char *out = copy;
    while (*p && *s) {
        if (*p == '{') {
            const char *pend = strchr(p, '}');
            size_t n = strcspn(s, "/");
            if (!pend || !segment_ok(p, s, n) || *n_params >= HTTP_MAX_PARAMS) return 0;
            if ((size_t)(out - copy) + n + 1 > copy_size) return 0;
            memcpy(out, s, n);
            out[n] = '\0';
            params[(*n_params)++] = out;
            out += n + 1;
            p = pend + 1;
            s += n;
        } else if (*p++ != *s++) {
            return 0;
        }
    }
    return *p == '\0' && *s == '\0';
}

static const route *find_route(const route *routes, const char *method, const char *path,
                               request_state *st)
{
    int path_known = 0;
    const char *params[HTTP_MAX_PARAMS];
    int n = 0;
    st->allow[0] = '\0';
    for (const route *r = routes; r->method; r++) {
        if (!pattern_match(r->pattern, path, st->path_copy, sizeof st->path_copy, params, &n))
            continue;
        if (!strcmp(r->method, method)) {
            memcpy(st->req.params, params, sizeof params);
            st->req.n_params = n;
            return r;
        }
        path_known = 1;
        size_t len = strlen(st->allow);
        snprintf(st->allow + len, sizeof st->allow - len, "%s%s", len ? ", " : "", r->method);
    }
    st->early_status = path_known ? 405 : 404;
    return NULL;
}

/* The path as it may appear in a log: tokens replaced, unknown paths cut to
 * their first segment (a mistyped link still holds most of a token). */
static void log_path_build(request_state *st, const char *url)
{
    const route *r = st->req.route;
    if (!r) {
        size_t n = strcspn(url + 1, "/") + 1;
        snprintf(st->log_path, sizeof st->log_path, "%.*s%s", (int)(n > 64 ? 64 : n), url,
                 url[n] ? "/..." : "");
        return;
    }
    char *out = st->log_path;
    size_t left = sizeof st->log_path;
    int param = 0;
    for (const char *p = r->pattern; *p && left > 1;) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            /* Tokens are secrets: never in a log. Ids and keys are not. */
            int is_token = !strncmp(p, "{token}", 7);
            const char *shown =
                is_token || param >= st->req.n_params ? "[token]" : st->req.params[param];
            int w = snprintf(out, left, "%s", shown);
            param++;
            if (w < 0 || (size_t)w >= left) break;
            out += w;
            left -= (size_t)w;
            p = end + 1;
        } else {
            *out++ = *p++;
            left--;
        }
    }
    *out = '\0';
}

/* ---- libmicrohttpd glue ------------------------------------------------- */

static const char *const security_headers[][2] = {
    {"Referrer-Policy", "no-referrer"},
    {"Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
                                "img-src 'self'; connect-src 'self'; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Cache-Control", "no-store"},
};

static enum MHD_Result send_response(struct MHD_Connection *c, request_state *st,
                                     http_response *res)
{
    if (!res->status) http_respond_message(res, 500, "the handler produced no response");
    struct MHD_Response *r =
        res->fd > 0 ? MHD_create_response_from_fd(res->fd_size, res->fd)
                    : MHD_create_response_from_buffer(res->len, res->body, MHD_RESPMEM_MUST_FREE);
    if (!r) return MHD_NO; /* res still owns body and fd: on_completed frees them */
    res->body = NULL;      /* MHD owns it (or the file) now */
    res->fd = 0;
    if (res->content_type) MHD_add_response_header(r, "Content-Type", res->content_type);
    for (size_t i = 0; i < sizeof security_headers / sizeof *security_headers; i++) {
        /* A handler may set one of them itself (the console's pages send
         * Referrer-Policy: same-origin, so that the browser tells their
         * forms' Origin): then its value stands. */
        int own = 0;
        for (int k = 0; k < res->n_headers; k++)
            own |= !strcasecmp(res->header_names[k], security_headers[i][0]);
        if (!own) MHD_add_response_header(r, security_headers[i][0], security_headers[i][1]);
    }
    for (int i = 0; i < res->n_headers; i++) {
        MHD_add_response_header(r, res->header_names[i], res->header_values[i]);
        free(res->header_values[i]);
    }
    res->n_headers = 0;
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)res->status, r);
    MHD_destroy_response(r);
    if (ok == MHD_YES) st->responded = res->status;
    return ok;
}

static void client_ip_of(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "unknown");
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)n);
}

/* Whether a request of this route waits for the head step (on a worker)
 * before its body is read. */
static int needs_head(const route *r)
{
    return (r->needs & (ROUTE_KEY | ROUTE_TOKEN | ROUTE_SESSION)) != 0;
}

static request_state *request_begin(http_server *s, struct MHD_Connection *c, const char *url,
                                    const char *method)
{
    request_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    atomic_fetch_add(&s->active, 1);
    clock_gettime(CLOCK_MONOTONIC, &st->started);
    st->server = s;
    st->req.app = s->app;
    st->req.mhd = c;
    st->req.method = method;
    st->req.path = url;
    client_ip_of(c, st->req.client_ip, sizeof st->req.client_ip);
    /* Behind the reverse proxy every request comes from the proxy; it tells
     * who the client is. Only trusted when configured: anyone can send the
     * header to a server that is reachable directly. */
    const char *real =
        s->trust_proxy ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP") : NULL;
    if (real && *real && strlen(real) < sizeof st->req.client_ip)
        snprintf(st->req.client_ip, sizeof st->req.client_ip, "%s", real);

    if (strlen(url) >= PATH_MAX_LEN) {
        st->early_status = 414;
    } else {
        st->req.route = find_route(s->routes, method, url, st);
    }
    log_path_build(st, url);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    st->length = cl ? (long long)(strtoull(cl, NULL, 10) & 0x7fffffffffffffffULL) : -1;
    st->has_body =
        st->length > 0 || MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
    if (!st->req.route) {
        if (st->length > HTTP_BODY_LIMIT) st->answer_now = 1;
        return st;
    }
    st->limit = st->req.route->body_limit ? st->req.route->body_limit : HTTP_BODY_LIMIT;
    if (st->length > (long long)st->limit) st->early_status = 413;
    return st;
}

static int body_append(request_state *st, const char *data, size_t n)
{
    if (st->received + n > st->limit) {
        st->early_status = 413;
        return -1;
    }
    st->received += n;
    const body_sink *sink = st->req.route->sink;
    if (sink) {
        if (!st->req.sink_error.status &&
            sink->chunk(st->req.sink_state, data, n, &st->req.sink_error) != 0 &&
            !st->req.sink_error.status)
            tm_error_set(&st->req.sink_error, 400, "the request body could not be read");
        return 0;
    }
    if (st->req.body_len + n + 1 > st->cap) {
        size_t cap = st->cap ? st->cap : 16384;
        while (cap < st->req.body_len + n + 1)
            cap *= 2;
        char *grown = realloc(st->req.body, cap);
        if (!grown) {
            st->early_status = 413;
            return -1;
        }
        st->req.body = grown;
        st->cap = cap;
    }
    memcpy(st->req.body + st->req.body_len, data, n);
    st->req.body_len += n;
    st->req.body[st->req.body_len] = '\0';
    return 0;
}

/* The answers decided on an I/O thread, without the database. */
static void early_response(request_state *st, http_response *res)
{
    switch (st->early_status) {
    case 404:
        http_respond_message(res, 404, "there is nothing at this address");
        break;
    case 405:
        http_respond_message(res, 405, "this address does not accept that method");
        http_respond_header(res, "Allow", st->allow);
        break;
    case 413: {
        char msg[128];
        snprintf(msg, sizeof msg, "the request body is larger than the %zu bytes allowed here",
                 st->limit);
        http_respond_message(res, 413, msg);
        break;
    }
    default:
        http_respond_message(res, 414, "the address is too long");
        break;
    }
}

/* ---- dispatch: what a route needs, then its handler (on a worker) ------- */

/* Answers err in the route's way: a JSON error by default (with
 * WWW-Authenticate on 401 and Retry-After on 429), a page for the form. */
static void refuse(http_request *req, http_response *res, const tm_error *err)
{
    if (req->route->refuse) {
        req->route->refuse(req, res, err);
        return;
    }
    http_respond_error(res, err);
    if (err->status == 401) http_respond_header(res, "WWW-Authenticate", "Bearer");
    if ((err->status == 429 || err->status == 503) && req->retry_after > 0) {
        char secs[16];
        snprintf(secs, sizeof secs, "%d", req->retry_after);
        http_respond_header(res, "Retry-After", secs);
    }
}

/* Moves the error of a respondent step into err. */
static int respondent_refused(http_request *req, tm_error *err)
{
    *err = req->respondent.err;
    req->respondent.err = (tm_error)TM_ERROR_INIT;
    req->retry_after = req->respondent.retry_after;
    return -1;
}

/* Seconds until a place in the heavy queue is likely free: the requests
 * ahead, at the average time one takes, over the heavy workers. */
static int heavy_retry_after(heavy_state *h)
{
    pthread_mutex_lock(&h->lock);
    double avg = h->avg_ms > 0 ? h->avg_ms : 5000;
    pthread_mutex_unlock(&h->lock);
    double s = avg * atomic_load(&h->admitted) / (h->work.n_threads > 0 ? h->work.n_threads : 1);
    int secs = (int)(s / 1000) + 1;
    return secs > 300 ? 300 : secs;
}

/* Takes a place in the heavy queue for st, or fails with 503. */
static int heavy_admit(request_state *st, tm_error *err)
{
    heavy_state *h = &st->server->heavy;
    int n = atomic_load(&h->admitted);
    do {
        if (n >= h->max) {
            atomic_fetch_add(&h->refused, 1);
            st->req.retry_after = heavy_retry_after(h);
            return tm_error_set(err, 503,
                                "the server is busy with %d reports, analyses and imports; try "
                                "again in %d seconds",
                                n, st->req.retry_after);
        }
    } while (!atomic_compare_exchange_weak(&h->admitted, &n, n + 1));
    st->heavy_ticket = 1;
    return 0;
}

static void heavy_release(request_state *st)
{
    if (!st->heavy_ticket) return;
    st->heavy_ticket = 0;
    atomic_fetch_sub(&st->server->heavy.admitted, 1);
}

/* What can be known before the body: the key and its role, the wave of the
 * address, the respondent of the token, a place in the heavy queue. Leaves
 * req->db borrowed (on success and failure alike). Returns 0, or -1 with
 * err. */
static int head_check(request_state *st, tm_error *err)
{
    http_request *req = &st->req;
    unsigned needs = req->route->needs;
    if (!(req->db = app_db_acquire(req->app, err))) return -1;
    if ((needs & ROUTE_KEY) &&
        auth_key_check(req->db, http_header(req, "Authorization"), &req->who, err) != 0)
        return -1;
    if ((needs & ROUTE_SESSION) && session_route_check(req, err) != 0) return -1;
    if ((needs & ROUTE_WRITE) && !role_may_write(req->who.role))
        return tm_error_set(err, 403, "this %s may only read (role %s)",
                            req->who.user_id ? "account" : "API key", role_name(req->who.role));
    if ((needs & ROUTE_ADMIN) && req->who.role != ROLE_ADMIN)
        return tm_error_set(err, 403, "only an admin may do this");
    if ((needs & ROUTE_WAVE) &&
        waves_get(req->db, &req->who, http_param_id(req, 0), &req->wave, err) != 0)
        return -1;
    if ((needs & ROUTE_TOKEN) && respondent_begin(req->app, req->db, req->params[0], req->client_ip,
                                                  &req->respondent) != 0) {
        /* An unknown token over the guessing limit is answered late: a
         * guesser waits, no thread does (the connection stays suspended). */
        if (req->respondent.err.status == 429) st->late_ms = TARPIT_MS;
        return respondent_refused(req, err);
    }
    if ((needs & ROUTE_HEAVY) && heavy_admit(st, err) != 0) return -1;
    return 0;
}

/* The body's needs, then the handler. */
static void handle(request_state *st)
{
    http_request *req = &st->req;
    unsigned needs = req->route->needs;
    tm_error err = TM_ERROR_INIT;
    if (req->sink_error.status)
        refuse(req, &st->res, &req->sink_error);
    else if ((needs & ROUTE_JSON) && !(req->json = body_json(req, &err)))
        refuse(req, &st->res, &err);
    else if ((needs & ROUTE_FORM) && session_form_check(req, &err) != 0)
        refuse(req, &st->res, &err);
    else if ((needs & ROUTE_DB) && !req->db && !(req->db = app_db_acquire(req->app, &err)))
        refuse(req, &st->res, &err);
    else
        req->route->handler(req, &st->res);
    json_decref(req->json);
    req->json = NULL;
    tm_error_clear(&err);
}

static void release_db(http_request *req)
{
    if (req->db) app_db_release(req->app, req->db);
    req->db = NULL;
}

/* The head step. A request without a body is handled at once, with the
 * same connection. One with a body gives its connection back first: it
 * is not held while the client sends (a slow client must not keep one of
 * the pool's few connections), and the handler borrows one again. */
static void run_head(request_state *st)
{
    http_request *req = &st->req;
    tm_error err = TM_ERROR_INIT;
    int ok = head_check(st, &err) == 0;
    if (ok && req->route->sink) ok = (req->sink_state = req->route->sink->open(req, &err)) != NULL;
    if (!ok)
        refuse(req, &st->res, &err);
    else if (!st->has_body && (req->route->needs & ROUTE_HEAVY))
        st->to_heavy = 1; /* the handler runs on a heavy worker */
    else if (!st->has_body)
        handle(st);
    release_db(req);
    tm_error_clear(&err);
}

/* A heavy handler: timed for the Retry-After of those refused meanwhile. */
static void run_heavy(request_state *st)
{
    heavy_state *h = &st->server->heavy;
    int running = atomic_fetch_add(&h->running, 1) + 1;
    for (int peak = atomic_load(&h->running_peak);
         running > peak && !atomic_compare_exchange_weak(&h->running_peak, &peak, running);)
        ;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    handle(st);
    release_db(&st->req);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    pthread_mutex_lock(&h->lock);
    h->avg_ms = h->avg_ms > 0 ? 0.8 * h->avg_ms + 0.2 * ms : ms;
    pthread_mutex_unlock(&h->lock);
    atomic_fetch_sub(&h->running, 1);
    heavy_release(st);
}

static void run_work(request_state *st)
{
    if (st->heavy_ticket) {
        run_heavy(st);
        return;
    }
    handle(st);
    release_db(&st->req);
}

/* ---- the worker pool ---------------------------------------------------- */

static int work_push(work_queue *q, request_state *st)
{
    pthread_mutex_lock(&q->lock);
    if (q->stopping || q->count == q->cap) {
        pthread_mutex_unlock(&q->lock);
        return -1;
    }
    q->items[(q->head + q->count) % q->cap] = st;
    q->count++;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->lock);
    return 0;
}

static void resume(void *arg)
{
    request_state *st = arg;
    MHD_resume_connection(st->mhd);
}

/* Resumes st's connection to send its response: now, or late_ms later. */
static void work_done(request_state *st)
{
    if (st->late_ms > 0) {
        atomic_fetch_add(&st->server->tarpitted, 1);
        guard_later(st->server->guard, st->late_ms, resume, st);
    } else {
        resume(st);
    }
}

/* Passes a request without a body from its head step to a heavy worker, the
 * connection still suspended. -1 when the server is stopping (then st has
 * its answer). */
static int heavy_push(http_server *s, request_state *st)
{
    st->to_heavy = 0;
    st->phase = PHASE_WORK;
    if (work_push(&s->heavy.work, st) == 0) return 0;
    heavy_release(st);
    st->phase = PHASE_DONE;
    http_respond_message(&st->res, 503, "the server is stopping; try again shortly");
    return -1;
}

static void *work_loop(void *arg)
{
    work_queue *q = arg;
    /* Linux takes a thread's id here: only this thread yields. */
    if (q->nice) setpriority(PRIO_PROCESS, (id_t)gettid(), q->nice);
    for (;;) {
        pthread_mutex_lock(&q->lock);
        while (!q->count && !q->stopping)
            pthread_cond_wait(&q->ready, &q->lock);
        if (!q->count) { /* stopping and drained */
            pthread_mutex_unlock(&q->lock);
            return NULL;
        }
        request_state *st = q->items[q->head];
        q->head = (q->head + 1) % q->cap;
        q->count--;
        pthread_mutex_unlock(&q->lock);

        if (st->phase == PHASE_HEAD) {
            run_head(st);
            st->phase = PHASE_HEAD_DONE;
            if (st->to_heavy && heavy_push(q->server, st) == 0) continue;
        } else {
            run_work(st);
            st->phase = PHASE_DONE;
        }
        work_done(st);
    }
}

static int work_start(work_queue *q, http_server *s, int threads, size_t cap, int nice)
{
    memset(q, 0, sizeof *q);
    q->server = s;
    q->nice = nice;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->ready, NULL);
    q->cap = cap;
    q->items = calloc(cap, sizeof *q->items);
    q->threads = calloc((size_t)threads, sizeof *q->threads);
    if (!q->items || !q->threads) return -1;
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&q->threads[i], NULL, work_loop, q) != 0) return -1;
        q->n_threads++;
    }
    return 0;
}

/* Lets the workers finish what is queued, then joins and frees them. */
static void work_stop(work_queue *q)
{
    if (!q->server) return; /* never started, or stopped already */
    pthread_mutex_lock(&q->lock);
    q->stopping = 1;
    pthread_cond_broadcast(&q->ready);
    pthread_mutex_unlock(&q->lock);
    for (int i = 0; i < q->n_threads; i++)
        pthread_join(q->threads[i], NULL);
    free(q->threads);
    free(q->items);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->ready);
    memset(q, 0, sizeof *q);
}

/* Hands st to a worker in phase (PHASE_HEAD or PHASE_WORK), the connection
 * suspended until it is done. When the server is stopping, answers 503
 * here rather than never. */
static void to_worker(http_server *s, struct MHD_Connection *c, request_state *st, enum phase phase)
{
    st->phase = phase;
    st->mhd = c;
    guard_conn_busy(s->guard, st->conn);
    MHD_suspend_connection(c);
    work_queue *q = phase == PHASE_WORK && st->heavy_ticket ? &s->heavy.work : &s->work;
    if (work_push(q, st) != 0) {
        MHD_resume_connection(c);
        st->phase = phase == PHASE_HEAD ? PHASE_HEAD_DONE : PHASE_DONE;
        http_respond_message(&st->res, 503, "the server is stopping; try again shortly");
    }
}

/* Counts st's body among the bodies in flight (per client address, and its
 * announced length against the buffers), or answers for it (429, 503). */
static int body_admit(request_state *st)
{
    tm_error err = TM_ERROR_INIT;
    size_t bytes = st->req.route->sink ? 0 : st->length >= 0 ? (size_t)st->length : st->limit;
    if (guard_body_admit(st->server->guard, st->req.client_ip, bytes, &st->req.retry_after, &err) !=
        0) {
        atomic_fetch_add(&st->server->bodies_refused, 1);
        refuse(&st->req, &st->res, &err);
        tm_error_clear(&err);
        return -1;
    }
    st->body_admitted = 1;
    st->body_reserved = bytes;
    return 0;
}

static void body_release(request_state *st)
{
    if (!st->body_admitted) return;
    st->body_admitted = 0;
    guard_body_done(st->server->guard, st->req.client_ip, st->body_reserved);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)version;
    http_server *s = cls;
    request_state *st = *req_cls;
    if (!st) {
        st = request_begin(s, c, url, method);
        if (!st) return MHD_NO;
        *req_cls = st;
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        st->conn = ci ? ci->socket_context : NULL;
        /* From here the body, if any, is timed (also one that is dropped
         * after an early answer); the head step and handlers are not. */
        if (st->has_body)
            guard_conn_body(s->guard, st->conn, st->length);
        else
            guard_conn_busy(s->guard, st->conn);
        /* Refusals that must not read the body (its size) answer at once;
         * 404/405 wait for the body (so keep-alive stays in step). */
        if (st->early_status == 413 || st->answer_now) {
            http_response res = {0};
            early_response(st, &res);
            return send_response(c, st, &res);
        }
        if (!st->early_status && st->has_body && body_admit(st) != 0)
            return send_response(c, st, &st->res);
        if (!st->early_status && needs_head(st->req.route)) {
            to_worker(s, c, st, PHASE_HEAD);
            return MHD_YES;
        }
        if (!st->early_status && st->req.route->sink) {
            tm_error err = TM_ERROR_INIT;
            st->req.sink_state = st->req.route->sink->open(&st->req, &err);
            if (!st->req.sink_state) {
                refuse(&st->req, &st->res, &err);
                tm_error_clear(&err);
                return send_response(c, st, &st->res);
            }
        }
        return MHD_YES;
    }
    if (st->phase == PHASE_HEAD_DONE) {
        /* Back from the head step, still before the body: MHD calls again
         * as it did first. A refusal (or a request without a body, already
         * handled) is answered now; otherwise the body may come. */
        if (st->has_body) guard_conn_body(s->guard, st->conn, st->length);
        if (st->res.status) {
            body_release(st); /* it will not be read */
            return send_response(c, st, &st->res);
        }
        st->phase = PHASE_READING;
        return MHD_YES;
    }
    if (st->responded) { /* answered early; drop the rest of the body */
        guard_conn_received(st->conn, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        guard_conn_received(st->conn, *upload_data_size);
        if (!st->early_status) {
            body_append(st, upload_data, *upload_data_size);
        } else {
            /* Decided already (e.g. 413 mid-body): drop the rest, within reason. */
            st->discarded += *upload_data_size;
            if (st->discarded > (size_t)256 * 1024 * 1024) return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES; /* MHD takes a response only before the body or after all of it */
    }
    if (st->phase == PHASE_DONE) return send_response(c, st, &st->res); /* back from a worker */
    if (st->phase != PHASE_READING) return MHD_YES;                     /* still with it */
    if (st->early_status) {
        http_response res = {0};
        early_response(st, &res);
        return send_response(c, st, &res);
    }
    to_worker(s, c, st, PHASE_WORK);
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    http_server *s = cls;
    request_state *st = *req_cls;
    if (!st) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - st->started.tv_sec) * 1e3 +
                (double)(now.tv_nsec - st->started.tv_nsec) / 1e6;
    int status = st->responded ? st->responded : 499;
    if (!s->quiet) {
        char stamp[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(stderr, "%s %s %s %d %.1fms\n", stamp, st->req.method, st->log_path, status, ms);
    }
    app_observe_request(
        s->app,
        st->req.route ? (st->req.route->log_name ? st->req.route->log_name : st->req.route->pattern)
                      : "unmatched",
        status, ms / 1e3);
    body_release(st);
    heavy_release(st);
    guard_conn_idle(s->guard, st->conn); /* until the next request's head */
    if (st->req.route && st->req.route->sink && st->req.sink_state)
        st->req.route->sink->close(st->req.sink_state);
    tm_error_clear(&st->req.sink_error);
    respondent_end(&st->req.respondent);
    formdata_free(&st->req.form);
    /* A worker's response that was never sent (the client went away). */
    free(st->res.body);
    for (int i = 0; i < st->res.n_headers; i++)
        free(st->res.header_values[i]);
    if (st->res.fd > 0) close(st->res.fd);
    free(st->req.body);
    free(st);
    *req_cls = NULL;
    atomic_fetch_sub(&s->active, 1);
}

/* libmicrohttpd's notice of a connection opened or closed: its record in
 * the guard, kept as the connection's socket context. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    http_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = guard_conn_open(s->guard, ci ? ci->connect_fd : -1);
    } else {
        guard_conn_close(s->guard, *socket_context);
        *socket_context = NULL;
    }
}

void http_stats_get(http_request *req, http_stats *out)
{
    const request_state *st = (const request_state *)(const void *)req; /* req comes first */
    http_server *s = st->server;
    out->connections_cut = guard_cut_count(s->guard);
    out->bodies_refused = atomic_load(&s->bodies_refused);
    out->heavy_running = atomic_load(&s->heavy.running);
    out->heavy_admitted = atomic_load(&s->heavy.admitted);
    out->heavy_running_peak = atomic_load(&s->heavy.running_peak);
    out->heavy_refused = atomic_load(&s->heavy.refused);
    out->tarpitted = atomic_load(&s->tarpitted);
}

/* Whether the table's needs fit together: a role or a wave is judged by
 * the key, and a key or a token is checked against the database. */
static int routes_check(const route *routes, tm_error *err)
{
    for (const route *r = routes; r->method; r++) {
        unsigned n = r->needs;
        if ((n & (ROUTE_WRITE | ROUTE_WAVE | ROUTE_ADMIN)) && !(n & (ROUTE_KEY | ROUTE_SESSION)))
            return tm_error_set(err, 500,
                                "route %s %s: a role or a wave needs ROUTE_KEY or ROUTE_SESSION",
                                r->method, r->pattern);
        if ((n & (ROUTE_KEY | ROUTE_TOKEN | ROUTE_SESSION | ROUTE_FORM)) && !(n & ROUTE_DB))
            return tm_error_set(err, 500, "route %s %s: a key or a token needs ROUTE_DB", r->method,
                                r->pattern);
        if ((n & ROUTE_HEAVY) && !(n & (ROUTE_KEY | ROUTE_SESSION))) /* taken in the head step */
            return tm_error_set(err, 500,
                                "route %s %s: ROUTE_HEAVY needs ROUTE_KEY or ROUTE_SESSION",
                                r->method, r->pattern);
    }
    return 0;
}

/* Frees what a server that is not (or no longer) listening holds. */
static void server_free(http_server *s)
{
    work_stop(&s->work);
    work_stop(&s->heavy.work);
    guard_stop(s->guard);
    pthread_mutex_destroy(&s->heavy.lock);
    free(s);
}

http_server *http_server_start(app *a, const route *routes, const http_config *cfg, tm_error *err)
{
    if (routes_check(routes, err) != 0) return NULL;
    http_server *s = calloc(1, sizeof *s);
    if (!s) {
        tm_error_set(err, 500, "out of memory starting the server");
        return NULL;
    }
    s->app = a;
    s->routes = routes;
    s->quiet = cfg->quiet;
    s->trust_proxy = cfg->trust_proxy;

    struct sockaddr_in6 addr6 = {0};
    struct sockaddr_in addr4 = {0};
    const struct sockaddr *sa;
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    const char *bind = cfg->bind && *cfg->bind ? cfg->bind : "127.0.0.1";
    if (inet_pton(AF_INET, bind, &addr4.sin_addr) == 1) {
        addr4.sin_family = AF_INET;
        addr4.sin_port = htons((uint16_t)cfg->port);
        sa = (const struct sockaddr *)&addr4;
    } else if (inet_pton(AF_INET6, bind, &addr6.sin6_addr) == 1) {
        addr6.sin6_family = AF_INET6;
        addr6.sin6_port = htons((uint16_t)cfg->port);
        sa = (const struct sockaddr *)&addr6;
        flags |= MHD_USE_IPv6;
    } else {
        free(s);
        tm_error_set(err, 400, "BIND=%s is not an IPv4 or IPv6 address", bind);
        return NULL;
    }
    int threads = cfg->threads > 0 ? cfg->threads : 8;
    int heavy_threads = cfg->heavy_workers > 0 ? cfg->heavy_workers : 2;
    s->heavy.max = cfg->heavy_queue > 0 ? cfg->heavy_queue : 8;
    if (s->heavy.max < heavy_threads) s->heavy.max = heavy_threads;
    pthread_mutex_init(&s->heavy.lock, NULL);
    guard_config gc = cfg->guard;
    if (!gc.header_timeout_s) guard_config_defaults(&gc);
    unsigned max_connections = cfg->max_connections > 0 ? (unsigned)cfg->max_connections : 4000;
    gc.connection_cap = (int)max_connections;
    /* Few I/O threads (they never block), `threads` workers for the
     * handlers, which wait on the database, and a few for heavy handlers. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned io_threads = cores > 1 ? (unsigned)(cores < 4 ? cores : 4) : 1;
    if (!(s->guard = guard_start(&gc)) || work_start(&s->work, s, threads, 8192, 0) != 0 ||
        work_start(&s->heavy.work, s, heavy_threads, (size_t)s->heavy.max + 1, HEAVY_NICE) != 0) {
        server_free(s);
        tm_error_set(err, 500, "cannot start the worker threads");
        return NULL;
    }
    s->daemon = MHD_start_daemon(
        flags | MHD_ALLOW_SUSPEND_RESUME, (uint16_t)cfg->port, NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE, io_threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(cfg->connections_per_address > 0 ? cfg->connections_per_address : 0),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!s->daemon) {
        server_free(s);
        tm_error_set(err, 500, "cannot listen on %s port %d (in use?)", bind, cfg->port);
        return NULL;
    }
    return s;
}

int http_server_port(http_server *s)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? (int)info->port : -1;
}

void http_server_stop(http_server *s, int grace_ms)
{
    if (!s) return;
    /* The listening socket leaves the I/O threads' epoll sets with some
     * delay: closing it before MHD_stop_daemon made a thread abort with
     * "Failed to remove listen FD from epoll set" (the manual: "safe to
     * close socket only after MHD_stop_daemon() has been called"). */
    MHD_socket listener = MHD_quiesce_daemon(s->daemon);
    /* Refuse new connections at once all the same: a shut-down socket
     * stops listening but stays a valid descriptor for epoll. */
    if (listener != MHD_INVALID_SOCKET) shutdown(listener, SHUT_RDWR);
    for (int waited = 0; atomic_load(&s->active) > 0 && waited < grace_ms; waited += 10)
        usleep(10000);
    /* Workers finish what is queued and resume those connections before the
     * daemon stops: a suspended connection must not outlive it (nor one
     * waiting to be answered late). The head workers go first: they may
     * still pass requests to the heavy ones. */
    work_stop(&s->work);
    work_stop(&s->heavy.work);
    guard_flush(s->guard);
    MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
    if (listener != MHD_INVALID_SOCKET) close(listener);
    server_free(s);
}
