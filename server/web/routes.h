/* routes.h - the route table and the handlers behind it, grouped by
 * resource (api_*.c, form.c). The table says what each route needs (see
 * enum route_need in http.h); dispatch provides it, so a handler starts
 * with a checked caller, its wave, its JSON body and a connection, calls
 * a service of server/app and shapes the answer. Handlers hold no SQL and
 * no statistics.
 */
#ifndef TM_ROUTES_H
#define TM_ROUTES_H

#include "server/web/http.h"

/* The whole table, ending with a NULL method: every address the server
 * answers, with its method, pattern and needs. */
extern const route route_table[];

/* The table of the metrics address (METRICS_BIND): GET /metrics without a
 * key, nothing else. */
extern const route metrics_route_table[];

/* api_system.c */
void route_healthz(http_request *req, http_response *res);
void route_metrics(http_request *req, http_response *res);
void route_metrics_open(http_request *req, http_response *res);
void route_instruments_list(http_request *req, http_response *res);
void route_instrument_get(http_request *req, http_response *res);

/* api_admin.c */
void route_organisations_create(http_request *req, http_response *res);
void route_organisations_list(http_request *req, http_response *res);
void route_organisation_update(http_request *req, http_response *res);
void route_organisation_waves(http_request *req, http_response *res);
void route_waves_create(http_request *req, http_response *res);
void route_wave_get(http_request *req, http_response *res);
void route_wave_open(http_request *req, http_response *res);
void route_wave_intended(http_request *req, http_response *res);
void route_wave_rules(http_request *req, http_response *res);
void route_wave_close(http_request *req, http_response *res);
void route_invitations_create(http_request *req, http_response *res);
void route_links_create(http_request *req, http_response *res);
void route_progress(http_request *req, http_response *res);
void route_import(http_request *req, http_response *res);
extern const body_sink route_import_sink;

/* api_keys.c: API keys (admin) */
void route_keys_list(http_request *req, http_response *res);
void route_keys_create(http_request *req, http_response *res);
void route_key_revoke(http_request *req, http_response *res);

/* api_survey.c: the respondent, as JSON */
void route_survey_get(http_request *req, http_response *res);
void route_survey_post(http_request *req, http_response *res);

/* api_results.c: analysis and reports */
void route_analysis(http_request *req, http_response *res);
void route_report(http_request *req, http_response *res);

/* api_mail.c: invitations and reminders by e-mail, and the decline page */
void route_mail_status(http_request *req, http_response *res);
void route_mail_recipients(http_request *req, http_response *res);
void route_mail_templates_get(http_request *req, http_response *res);
void route_mail_templates_put(http_request *req, http_response *res);
void route_mail_preview(http_request *req, http_response *res);
void route_mail_test(http_request *req, http_response *res);
void route_mail_send(http_request *req, http_response *res);
void route_mail_remind(http_request *req, http_response *res);
void route_mail_schedule(http_request *req, http_response *res);
void route_decline_get(http_request *req, http_response *res);
void route_decline_post(http_request *req, http_response *res);

/* api_share.c: share links and the council summary page */
void route_share_create(http_request *req, http_response *res);
void route_shares_list(http_request *req, http_response *res);
void route_share_revoke(http_request *req, http_response *res);
void route_raad_share(http_request *req, http_response *res);
void route_raad_css(http_request *req, http_response *res);

/* form.c: the respondent, as an HTML form */
void route_form_get(http_request *req, http_response *res);
void route_form_post(http_request *req, http_response *res);
void route_form_refuse(http_request *req, http_response *res, const tm_error *err);
void route_css(http_request *req, http_response *res);
void route_favicon(http_request *req, http_response *res);

#endif
