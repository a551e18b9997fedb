/* http.h - the HTTP layer: requests in, responses out, nothing else.
 *
 * libmicrohttpd runs the sockets on an internal thread pool. This module
 * collects each request (headers, path parameters, a size-limited body),
 * finds its route, checks the API key where the route asks for one, calls the
 * route's handler, adds the security headers every response carries, and
 * logs one line per request (with any token cut out of the path). Handlers
 * see only http_request and fill an http_response; they never touch
 * libmicrohttpd.
 */
#ifndef TM_HTTP_H
#define TM_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "server/app/app.h"
#include "server/app/auth.h"
#include "core/error.h"

#define HTTP_BODY_LIMIT (1024 * 1024)             /* default per request */
#define HTTP_IMPORT_BODY_LIMIT (64 * 1024 * 1024) /* the bulk import */
#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 6

typedef struct http_request http_request;
typedef struct http_response http_response;
typedef struct route route;

/* A streaming body consumer, for routes whose bodies are too large to hold
 * twice (the bulk import). chunk() is called for each piece as it arrives and
 * may set an error to stop; the handler then runs with the sink's state. */
typedef struct body_sink {
    void *(*open)(http_request *req); /* returns the sink state */
    int (*chunk)(void *state, const char *data, size_t len, tm_error *err);
    void (*close)(void *state); /* frees the state */
} body_sink;

typedef void (*route_handler)(http_request *req, http_response *res);

typedef enum route_auth { ROUTE_PUBLIC, ROUTE_API_KEY } route_auth;

struct route {
    const char *method;  /* "GET", "POST" */
    const char *pattern; /* "/api/v1/waves/{id}/open": {id} digits, {token} URL-safe */
    route_handler handler;
    route_auth auth;
    size_t body_limit;     /* 0 = HTTP_BODY_LIMIT */
    const body_sink *sink; /* NULL = the body is collected into req->body */
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
    auth_context auth; /* who is asking (API routes) */
    char client_ip[64];
    void *conn; /* the libmicrohttpd connection; private */
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

/* The request body parsed as a JSON object (new reference), or NULL with err
 * (400 naming the position of the syntax error, or "expected an object"). */
json_t *http_body_json(http_request *req, tm_error *err);

/* Path parameter i parsed as a positive id; -1 when it does not fit. */
long long http_param_id(http_request *req, int i);

/* Fill the response. These take ownership: http_respond_json steals body. */
void http_respond_json(http_response *res, int status, json_t *body);
void http_respond_error(http_response *res, const tm_error *err);
void http_respond_message(http_response *res, int status, const char *message);
void http_respond_body(http_response *res, int status, const char *content_type, char *body,
                       size_t len);
/* Answers with the contents of an open file (fd is stolen and closed after
 * sending): large downloads stream from disk instead of memory. */
void http_respond_file(http_response *res, int status, const char *content_type, int fd,
                       size_t size);

/* Adds a header; name must be a static string, value is copied. */
void http_respond_header(http_response *res, const char *name, const char *value);

typedef struct http_server http_server;

typedef struct http_config {
    const char *bind; /* address to listen on, e.g. "127.0.0.1" */
    int port;         /* 0 = any free port */
    int threads;      /* size of the worker pool */
    int quiet;        /* no request log lines */
} http_config;

/* Starts serving routes (a table ending with a NULL method, borrowed for the
 * life of the server). Returns NULL with err. */
http_server *http_server_start(app *a, const route *routes, const http_config *cfg, tm_error *err);

/* The port actually listened on (useful with port 0). */
int http_server_port(http_server *s);

/* Stops accepting new connections, waits up to grace_ms for requests in
 * flight, then stops and frees the server. */
void http_server_stop(http_server *s, int grace_ms);

/* JSON for a double: a real, or null when it is NaN/inf (the analysis's
 * "cannot be computed"). New reference. */
json_t *json_number_or_null(double x);

#endif
