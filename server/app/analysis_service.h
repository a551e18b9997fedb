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

/* One publication: a wave's results exist only once it is closed. Two
 * publications of one wave that differ by fewer than k respondents would
 * give those respondents' answers by subtraction; during collection only
 * response counts are shown (waves_progress). */
#define ANALYSIS_NOT_YET "results appear when the wave closes"

/* 0 when wave w's results may be shown (it is closed), else -1 with err 409
 * ANALYSIS_NOT_YET. */
int analysis_service_published(const wave_info *w, tm_error *err);

/* The whole analysis JSON of wave w (already found in the caller's scope,
 * e.g. by waves_get): 409 ANALYSIS_NOT_YET while w is open. The first
 * computation releases every submission still waiting to be mixed (mixer.h)
 * and keeps the result. Returns a new reference or NULL with err. */
json_t *analysis_service_run(app *a, PGconn *c, const wave_info *w, tm_error *err);

/* What a viewer (the council's key) reads: the part of analysis
 * (borrowed) the council summary shows, and nothing per item: method, wave,
 * chain, min_group_size, suppressed_layers, response, themes (per layer
 * score and knowledge, gaps, ANOVA, carry, links, thermometer), trend and
 * benchmark (per theme), the rules with only their net per layer and their
 * conflicts (no counts), and "council": true. No domains, theme x domain
 * cells or items. New reference, NULL when out of memory. */
json_t *analysis_service_council(json_t *analysis);

/* The analysis of closed wave w as analysis_service_run gives it, or with
 * council set only its council part (analysis_service_council): what the
 * council's reader, workbook and page are made from. New reference, or NULL
 * with err. */
json_t *analysis_service_read(app *a, PGconn *c, const wave_info *w, int council, tm_error *err);

#endif
