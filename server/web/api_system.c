/* api_system.c - health, metrics and the instruments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
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

/* Appends the HTTP layer's own figures: how its limits were used. */
static void http_metrics_add(http_request *req, strbuf *sb)
{
    http_stats st;
    http_stats_get(req, &st);
    static const char *const help[][3] = {
        {"connections_cut_total", "counter",
         "Connections closed for sending a head or a body too slowly."},
        {"bodies_refused_total", "counter",
         "Bodies refused: too many in flight from one address, or the buffers full."},
        {"tokens_answered_late_total", "counter",
         "Unknown tokens over the guessing limit, answered late."},
        {"heavy_running", "gauge", "Analyses, reports and imports running."},
        {"heavy_admitted", "gauge",
         "Analyses, reports and imports admitted (running, waiting or uploading)."},
        {"heavy_running_peak", "gauge", "The most analyses, reports and imports that ran at once."},
        {"heavy_refused_total", "counter", "Analyses, reports and imports refused with 503."},
    };
    const long values[] = {st.connections_cut, st.bodies_refused, st.tarpitted,
                           st.heavy_running,   st.heavy_admitted, st.heavy_running_peak,
                           st.heavy_refused};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++)
        strbuf_addf(sb, "# HELP thermometer_%s %s\n# TYPE thermometer_%s %s\nthermometer_%s %ld\n",
                    help[i][0], help[i][2], help[i][0], help[i][1], help[i][0], values[i]);
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
    if (!text) {
        http_respond_message(res, err.status, err.message);
        tm_error_clear(&err);
        return;
    }
    strbuf sb = STRBUF_INIT(1 << 20);
    strbuf_adds(&sb, text);
    free(text);
    http_metrics_add(req, &sb);
    size_t len = 0;
    char *all = strbuf_detach(&sb, &len);
    if (all)
        http_respond_body(res, 200, "text/plain; version=0.0.4; charset=utf-8", all, len);
    else
        http_respond_message(res, 500, "out of memory rendering metrics");
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
