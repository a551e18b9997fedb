/* routes_system.c - health, metrics and the instruments. */
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/app/metrics.h"
#include "server/web/routes.h"

void handle_healthz(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    PGconn *c = db_pool_acquire(req->app->pool, &err);
    int ok = c && db_exec(c, "SELECT 1", 0, NULL, &err) == 0;
    db_pool_release(req->app->pool, c);
    if (ok)
        http_respond_json(res, 200, json_pack("{s:s}", "status", "ok"));
    else
        http_respond_json(res, 503,
                          json_pack("{s:s, s:s, s:[s]}", "status", "unavailable", "error",
                                    "the database does not answer", "details", err.message));
    tm_error_clear(&err);
}

void handle_metrics(http_request *req, http_response *res)
{
    app *a = req->app;
    if (!a->metrics) {
        http_respond_message(res, 404, "metrics are not enabled");
        return;
    }
    char *text = metrics_render(a->metrics, db_pool_in_use(a->pool), db_pool_size(a->pool));
    if (!text) {
        http_respond_message(res, 500, "out of memory rendering metrics");
        return;
    }
    http_respond_body(res, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
}

void handle_instruments_list(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    PGconn *c = db_pool_acquire(req->app->pool, &err);
    json_t *list = c ? instrument_store_list(c, &err) : NULL;
    db_pool_release(req->app->pool, c);
    if (list)
        http_respond_json(res, 200, json_pack("{s:o}", "instruments", list));
    else
        http_respond_error(res, &err);
    tm_error_clear(&err);
}

void handle_instrument_get(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    const char *version = http_query(req, "version");
    char ref[200];
    snprintf(ref, sizeof ref, "%s%s%s", req->params[0], version ? "@" : "", version ? version : "");
    PGconn *c = db_pool_acquire(req->app->pool, &err);
    int id = 0;
    const instrument *in = NULL;
    if (c && instrument_store_resolve(c, ref, &id, &err) == 0)
        in = instrument_registry_get(req->app->instruments, c, id, &err);
    db_pool_release(req->app->pool, c);
    if (in) {
        http_respond_json(res, 200, json_incref(in->definition));
    } else {
        if (err.status == 422) tm_error_set(&err, 404, "no instrument \"%s\"", ref);
        http_respond_error(res, &err);
    }
    tm_error_clear(&err);
}
