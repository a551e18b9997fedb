/* report_service.h - a wave's Excel report, assembled: the analysis (the
 * same numbers as the API), the response counts, the open answers and the
 * respondent rows of non-suppressed layers, handed to reports/report_xlsx.
 */
#ifndef TM_REPORT_SERVICE_H
#define TM_REPORT_SERVICE_H

#include <libpq-fe.h>

#include "server/app/auth.h"
#include "core/error.h"
#include "server/store/instruments.h"

typedef struct report_request {
    long long wave;
    int council;      /* 1 = the council summary (no open answers, no data) */
    const char *lang; /* "nl" or "en" */
    const char *path; /* where to write the workbook */
} report_request;

/* Writes the report of rq->wave as seen by who (NULL = no scope check) to
 * rq->path. *filename (caller frees; may be NULL) receives the download name.
 * Returns 0, or -1 with err (404 out of scope, 500 ...). */
int report_service_write(PGconn *c, instrument_registry *reg, const auth_context *who,
                         const report_request *rq, char **filename, tm_error *err);

#endif
