/* routes.c - every address the server answers, in one table. */
#include "server/web/routes.h"

#define API ROUTE_API_KEY
#define PUBLIC ROUTE_PUBLIC

const route app_routes[] = {
    {"GET", "/healthz", handle_healthz, PUBLIC, 0, NULL, NULL},
    {"GET", "/metrics", handle_metrics, PUBLIC, 0, NULL, NULL},
    {"GET", "/api/v1/instruments", handle_instruments_list, API, 0, NULL, NULL},
    {"GET", "/api/v1/instruments/{key}", handle_instrument_get, API, 0, NULL, NULL},

    {"POST", "/api/v1/organisations", handle_organisations_create, API, 0, NULL, NULL},
    {"GET", "/api/v1/organisations", handle_organisations_list, API, 0, NULL, NULL},
    {"GET", "/api/v1/organisations/{id}/waves", handle_organisation_waves, API, 0, NULL, NULL},
    {"POST", "/api/v1/waves", handle_waves_create, API, 0, NULL, NULL},
    {"GET", "/api/v1/waves/{id}", handle_wave_get, API, 0, NULL, NULL},
    {"POST", "/api/v1/waves/{id}/open", handle_wave_open, API, 0, NULL, NULL},
    {"POST", "/api/v1/waves/{id}/close", handle_wave_close, API, 0, NULL, NULL},
    {"POST", "/api/v1/waves/{id}/invitations", handle_invitations_create, API, 0, NULL, NULL},
    {"POST", "/api/v1/waves/{id}/links", handle_links_create, API, 0, NULL, NULL},
    {"GET", "/api/v1/waves/{id}/progress", handle_progress, API, 0, NULL, NULL},
    {"POST", "/api/v1/waves/{id}/responses", handle_import, API, HTTP_IMPORT_BODY_LIMIT,
     &import_sink, NULL},

    {"GET", "/api/v1/waves/{id}/analysis", handle_analysis, API, 0, NULL, NULL},
    {"GET", "/api/v1/waves/{id}/report.xlsx", handle_report, API, 0, NULL, NULL},

    {"GET", "/api/v1/survey/{token}", handle_survey_get, PUBLIC, 0, NULL, NULL},
    {"POST", "/api/v1/survey/{token}", handle_survey_post, PUBLIC, 0, NULL, NULL},
    {"GET", "/s/{token}", handle_form_get, PUBLIC, 0, NULL, NULL},
    {"POST", "/s/{token}", handle_form_post, PUBLIC, 0, NULL, NULL},
    {"GET", "/assets/survey.css", handle_css, PUBLIC, 0, NULL, NULL},
    {"GET", "/favicon.ico", handle_favicon, PUBLIC, 0, NULL, NULL},
    {NULL, NULL, NULL, PUBLIC, 0, NULL, NULL},
};
