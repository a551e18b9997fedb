/* http.h - the HTTP layer: requests in, responses out.
 *
 * libmicrohttpd runs the sockets on a few I/O threads, which never wait for
 * the database. This module collects each request (headers, path
 * parameters, a size-limited body), finds its route in the route table,
 * provides what the route says it needs (a checked API key, a role that may
 * write, the wave of the address, the respondent of a token, the parsed
 * JSON body, a database connection) or answers for it, calls the route's
 * handler on a worker thread, adds the security headers every response
 * carries, and logs one line per request (with any token cut out of the
 * path). Handlers see only http_request and fill an http_response; they
 * never touch libmicrohttpd and never run SQL: they call server/app.
 *
 * A request is checked before its body is read. When its route needs a key
 * or a token, the connection is suspended on the first callback and a worker
 * does the "head" step (key, role, wave, token, body sink); the body is read
 * only when that passed, so a 401, 403, 404, 405 or 413 costs the server no
 * body. A request without a body is then handled in the same step.
 *
 * No client stalls the others (server/web/guard.h): connections per client
 * address are limited, a request's head must come within seconds and a body
 * at a minimum rate, bodies in flight are limited per address and in bytes,
 * and heavy routes (ROUTE_HEAVY: analyses, reports, imports) run on workers
 * of their own behind a bounded queue, so respondents are served while
 * reports are written; past the bound a heavy request gets 503 with
 * Retry-After before its body is read.
 */
#ifndef TM_HTTP_H
#define TM_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "core/role.h"
#include "server/app/app.h"
#include "server/app/respondent_flow.h"
#include "server/app/sessions.h"
#include "server/app/waves.h"
#include "server/web/formdata.h"
#include "server/web/guard.h"

#define HTTP_BODY_LIMIT (1024 * 1024)             /* default per request */
#define HTTP_IMPORT_BODY_LIMIT (64 * 1024 * 1024) /* the bulk import */
#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 6

typedef struct http_request http_request;
typedef struct http_response http_response;
typedef struct route route;

/* What a route needs before its handler runs. Dispatch provides each one in
 * this order, or answers in the handler's stead:
 *
 *   ROUTE_KEY    a valid API key              401 (503 when the database is away)
 *   ROUTE_WRITE  a role that may write        403 "this API key may only read (role viewer)"
 *   ROUTE_WAVE   path parameter 0 is a wave   404 (also when out of the key's scope)
 *                in the key's scope: req->wave
 *   ROUTE_TOKEN  path parameter 0 is a        429, 404, 409, 410, 403
 *                respondent's token: req->respondent
 *   ROUTE_JSON   a JSON object body           400: req->json
 *   ROUTE_DB     a database connection        503: req->db, one for the handler
 *   ROUTE_SESSION  a console session (cookie)  401: req->who, req->session; a
 *                request that changes something must come from our own
 *                Origin (403)
 *   ROUTE_ADMIN  the caller is an admin         403
 *   ROUTE_FORM   a form body (urlencoded or     400, 415; 403 without the
 *                multipart) with the CSRF       CSRF token: req->form
 *                token of the session (without SESSION: of the sign-in
 *                form's pre-session cookie), from our own Origin
 *   ROUTE_HEAVY  a place in the heavy queue   503 with Retry-After: the handler
 *                (needs KEY)                  runs on the heavy workers
 *
 * KEY, SESSION, WAVE and TOKEN are checked in the head step, before the
 * body is read; WRITE, ADMIN and WAVE need KEY or SESSION. The checks of
 * SESSION and FORM are server/web/session.c's. req->wave and req->respondent are as the head step
 * read them: a statement that must see the current state checks it in its SQL (a submission, the
 * import's lock on the wave row). */
enum route_need {
    ROUTE_KEY = 1 << 0,
    ROUTE_WRITE = 1 << 1,
    ROUTE_WAVE = 1 << 2,
    ROUTE_TOKEN = 1 << 3,
    ROUTE_JSON = 1 << 4,
    ROUTE_DB = 1 << 5,
    ROUTE_SESSION = 1 << 6,
    ROUTE_ADMIN = 1 << 7,
    ROUTE_FORM = 1 << 8,
    ROUTE_HEAVY = 1 << 9,
};

/* A streaming body consumer, for routes whose bodies are too large to hold
 * twice (the bulk import). open() runs in the head step (with req->db and
 * what the route needs) and may refuse; chunk() is called on an I/O thread
 * for each piece as it arrives (no database there) and may set an error to
 * stop; the handler then runs with the sink's state. */
typedef struct body_sink {
    void *(*open)(http_request *req, tm_error *err); /* the state, or NULL with err */
    int (*chunk)(void *state, const char *data, size_t len, tm_error *err);
    void (*close)(void *state); /* frees the state */
} body_sink;

typedef void (*route_handler)(http_request *req, http_response *res);

/* How a route answers a refusal of dispatch (err: 401, 403, 404, 429, 503
 * ...): NULL is the API's JSON error. The respondent's form shows a page. */
typedef void (*route_refusal)(http_request *req, http_response *res, const tm_error *err);

struct route {
    const char *method;  /* "GET", "POST" */
    const char *pattern; /* "/api/v1/waves/{id}/open": {id} digits, {token} URL-safe */
    route_handler handler;
    unsigned needs;        /* enum route_need flags */
    size_t body_limit;     /* 0 = HTTP_BODY_LIMIT */
    const body_sink *sink; /* NULL = the body is collected into req->body */
    route_refusal refuse;  /* NULL = a JSON error */
    const char *log_name;  /* label in logs and metrics; NULL = the pattern */
};

struct http_request {
    app *app;
    const route *route;
    const char *method;
    const char *path;
    const char *params[HTTP_MAX_PARAMS]; /* path parameters, in pattern order */
    int n_params;
    char *body; /* NUL-terminated; NULL when empty or streamed */
    size_t body_len;
    void *sink_state; /* the route's body_sink state, if any */
    tm_error sink_error;
    char client_ip[64];
    int retry_after; /* seconds, for the Retry-After of a 429 or 503 refusal */

    /* What the route needs (enum route_need), provided by dispatch: */
    caller who;                    /* ROUTE_KEY: who is asking */
    wave_info wave;                /* ROUTE_WAVE */
    respondent_session respondent; /* ROUTE_TOKEN */
    json_t *json;                  /* ROUTE_JSON: the body; borrowed */
    console_session session;       /* ROUTE_SESSION: who is signed in (server/web/session.h) */
    form_data form;                /* ROUTE_FORM: the form's fields */
    PGconn *db;                    /* ROUTE_DB: borrowed for the handler; pass it to server/app */

    void *mhd; /* the libmicrohttpd connection; private */
};

struct http_response {
    int status;
    const char *content_type; /* static string */
    char *body;               /* owned; malloc'd */
    size_t len;
    const char *header_names[HTTP_MAX_HEADERS]; /* static strings */
    char *header_values[HTTP_MAX_HEADERS];      /* owned */
    int n_headers;
    int fd; /* > 0: the body is this open file (owned), fd_size bytes */
    size_t fd_size;
};

/* A query-string argument or request header; NULL when absent. Borrowed,
 * valid during the request. */
const char *http_query(http_request *req, const char *name);
const char *http_header(http_request *req, const char *name);

/* Path parameter i parsed as a positive id; -1 when it does not fit. */
long long http_param_id(http_request *req, int i);

/* Fill the response. These take ownership: http_respond_json steals body. */
void http_respond_json(http_response *res, int status, json_t *body);
void http_respond_error(http_response *res, const tm_error *err);
void http_respond_message(http_response *res, int status, const char *message);
void http_respond_body(http_response *res, int status, const char *content_type, char *body,
                       size_t len);
/* Answers with json (stolen) when it is not NULL, else with err; clears err. */
void http_respond_result(http_response *res, int status, json_t *json, tm_error *err);
/* Answers with the contents of an open file (fd is stolen and closed after
 * sending): large downloads stream from disk instead of memory. */
void http_respond_file(http_response *res, int status, const char *content_type, int fd,
                       size_t size);

/* Adds a header; name must be a static string, value is copied. */
void http_respond_header(http_response *res, const char *name, const char *value);

typedef struct http_server http_server;

typedef struct http_config {
    const char *bind;            /* address to listen on, e.g. "127.0.0.1" */
    int port;                    /* 0 = any free port */
    int threads;                 /* size of the worker pool */
    int quiet;                   /* no request log lines */
    int trust_proxy;             /* the client address is X-Real-IP (set by our own proxy) */
    int max_connections;         /* open at once; 0 = 4000 */
    int connections_per_address; /* 0 = no limit (behind a proxy: the proxy's to keep) */
    int heavy_workers;           /* threads for ROUTE_HEAVY handlers; 0 = 2 */
    int heavy_queue;             /* heavy requests admitted at once (running, waiting or
                                    uploading); 0 = 8 */
    guard_config guard;          /* timeouts and body limits (guard.h); zeroed = defaults */
} http_config;

/* What the server has seen of its limits, for /metrics (see route_metrics). */
typedef struct http_stats {
    long connections_cut;   /* too slow sending a head or a body */
    long bodies_refused;    /* too many from one address, or the buffers full */
    int heavy_running;      /* heavy handlers running now */
    int heavy_admitted;     /* heavy requests admitted now (running, waiting, uploading) */
    int heavy_running_peak; /* most heavy handlers that ran at once */
    long heavy_refused;     /* heavy requests refused with 503 */
    long tarpitted;         /* unknown tokens answered late */
} http_stats;

void http_stats_get(http_request *req, http_stats *out);

/* Starts serving routes (a table ending with a NULL method, borrowed for the
 * life of the server). Returns NULL with err, also for a table whose needs
 * do not fit together. */
http_server *http_server_start(app *a, const route *routes, const http_config *cfg, tm_error *err);

/* The port actually listened on (useful with port 0). */
int http_server_port(http_server *s);

/* Stops accepting new connections, waits up to grace_ms for requests in
 * flight, then stops and frees the server. */
void http_server_stop(http_server *s, int grace_ms);

#endif
