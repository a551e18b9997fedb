/* analysis_service.h - a wave's analysis, assembled: loads the answers from
 * the store, runs the statistics (reports/analysis.c), adds trend against the
 * previous wave and the benchmark against other organisations' closed waves
 * of the same instrument. The API, `thermometer analyse` and the Excel
 * report all come through here, so they show the same numbers.
 */
#ifndef TM_ANALYSIS_SERVICE_H
#define TM_ANALYSIS_SERVICE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "server/app/auth.h"
#include "core/error.h"
#include "server/store/instruments.h"
#include "server/store/store.h"

/* The whole analysis JSON of wave id as seen by who (NULL = no scope check:
 * the command line). 404 when the wave is out of scope. Returns a new
 * reference or NULL with err. *wave_out (may be NULL) receives the wave. */
json_t *analysis_service_run(PGconn *c, instrument_registry *reg, const auth_context *who,
                             long long wave, wave_info *wave_out, tm_error *err);

#endif
