/* analysis_service.h - a wave's analysis, assembled: loads the answers from
 * the store, runs the statistics (reports/analysis), adds trend against the
 * previous wave and the benchmark against other organisations' closed waves
 * of the same instrument. The API, `thermometer analyse` and the Excel
 * report all come through here, so they show the same numbers.
 */
#ifndef TM_ANALYSIS_SERVICE_H
#define TM_ANALYSIS_SERVICE_H

#include <jansson.h>

#include "core/error.h"
#include "server/app/app.h"
#include "server/store/waves.h"

/* The whole analysis JSON of wave w (already found in the caller's scope,
 * e.g. by waves_get). Returns a new reference or NULL with err. */
json_t *analysis_service_run(app *a, PGconn *c, const wave_info *w, tm_error *err);

#endif
