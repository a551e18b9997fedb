/* report_service.h - a wave's Excel report, assembled: the analysis (the
 * same numbers as the API), the response counts, the open answers and the
 * respondent rows of non-suppressed layers, handed to reports/xlsx.
 */
#ifndef TM_REPORT_SERVICE_H
#define TM_REPORT_SERVICE_H

#include "core/error.h"
#include "server/app/app.h"
#include "server/store/waves.h"

typedef struct report_request {
    int council;      /* 1 = the council summary: nothing per item (analysis_service_council),
                         no open answers, no data */
    const char *lang; /* "nl" or "en" */
    const char *path; /* where to write the workbook */
} report_request;

/* Writes the report of wave w (already found in the caller's scope, e.g. by
 * waves_get) to rq->path. *filename (caller frees; may be NULL) receives
 * the download name. Returns 0, or -1 with err (409 ANALYSIS_NOT_YET while
 * w is open). */
int report_service_write(app *a, PGconn *c, const wave_info *w, const report_request *rq,
                         char **filename, tm_error *err);

#endif
