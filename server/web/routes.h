/* routes.h - the route table and the handlers behind it, grouped by
 * resource (routes_*.c). Handlers validate the request, call the store
 * modules and shape the JSON or HTML; they do no statistics and hold no SQL.
 */
#ifndef TM_ROUTES_H
#define TM_ROUTES_H

#include "server/web/http.h"

/* The whole table, ending with a NULL method. */
extern const route app_routes[];

/* routes_system.c */
void handle_healthz(http_request *req, http_response *res);
void handle_metrics(http_request *req, http_response *res);
void handle_instruments_list(http_request *req, http_response *res);
void handle_instrument_get(http_request *req, http_response *res);

/* routes_admin.c */
void handle_organisations_create(http_request *req, http_response *res);
void handle_organisations_list(http_request *req, http_response *res);
void handle_organisation_waves(http_request *req, http_response *res);
void handle_waves_create(http_request *req, http_response *res);
void handle_wave_get(http_request *req, http_response *res);
void handle_wave_open(http_request *req, http_response *res);
void handle_wave_close(http_request *req, http_response *res);
void handle_invitations_create(http_request *req, http_response *res);
void handle_links_create(http_request *req, http_response *res);
void handle_progress(http_request *req, http_response *res);
void handle_import(http_request *req, http_response *res);
extern const body_sink import_sink;

/* routes_survey.c: the respondent, as JSON */
void handle_survey_get(http_request *req, http_response *res);
void handle_survey_post(http_request *req, http_response *res);

/* routes_analysis.c: analysis and reports */
void handle_analysis(http_request *req, http_response *res);
void handle_report(http_request *req, http_response *res);

/* routes_form.c: the respondent, as an HTML form */
void handle_form_get(http_request *req, http_response *res);
void handle_form_post(http_request *req, http_response *res);
void handle_css(http_request *req, http_response *res);
void handle_favicon(http_request *req, http_response *res);

#endif
