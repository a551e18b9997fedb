/* api_system.c - health, metrics and the instruments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/web/routes.h"

void route_healthz(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    if (app_health(req->app, &err) == 0)
        http_respond_json(res, 200, json_pack("{s:s}", "status", "ok"));
    else
        http_respond_json(res, 503,
                          json_pack("{s:s, s:s, s:[s]}", "status", "unavailable", "error",
                                    "the database does not answer", "details", err.message));
    tm_error_clear(&err);
}

/* The metrics on the public address: an admin key only (they show what is
 * being answered when), and not at all when they have an address of their
 * own (METRICS_BIND). */
void route_metrics(http_request *req, http_response *res)
{
    if (app_metrics_elsewhere(req->app)) {
        http_respond_message(res, 404, "there is nothing at this address");
        return;
    }
    if (req->who.role != ROLE_ADMIN) {
        http_respond_message(res, 403, "the metrics are for an admin key");
        return;
    }
    route_metrics_open(req, res);
}

/* The metrics address's only route: reachable only where METRICS_BIND
 * listens (a private network), so without a key. */
void route_metrics_open(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    char *text = app_metrics_text(req->app, &err);
    if (text)
        http_respond_body(res, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
    else
        http_respond_message(res, err.status, err.message);
    tm_error_clear(&err);
}

void route_instruments_list(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *list = app_instruments_list(req->db, &err);
    http_respond_result(res, 200, list ? json_pack("{s:o}", "instruments", list) : NULL, &err);
}

void route_instrument_get(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    const char *version = http_query(req, "version");
    char ref[200];
    snprintf(ref, sizeof ref, "%s%s%s", req->params[0], version ? "@" : "", version ? version : "");
    const instrument *in = app_instrument_find(req->app, req->db, ref, &err);
    http_respond_result(res, 200, in ? json_incref(in->definition) : NULL, &err);
}
