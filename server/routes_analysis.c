/* routes_analysis.c - GET /api/v1/waves/{id}/analysis (and the reports). The
 * numbers come from analysis_service; this file only shapes the answer. */
#include <stdlib.h>

#include "analysis_service.h"
#include "db.h"
#include "routes.h"

void handle_analysis(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    long long id = http_param_id(req, 0);
    if (id <= 0) {
        http_respond_message(res, 404, "no such wave");
        return;
    }
    PGconn *c = db_pool_acquire(req->app->pool, &err);
    json_t *a = c ? analysis_service_run(c, req->app->instruments, &req->auth, id, NULL, &err)
                  : NULL;
    db_pool_release(req->app->pool, c);
    if (a)
        http_respond_json(res, 200, a);
    else
        http_respond_error(res, &err);
    tm_error_clear(&err);
}
