/* routes.c - every address the server answers, in one table, with what
 * each needs (enum route_need in http.h). */
#include "server/web/routes.h"

#define READ (ROUTE_KEY | ROUTE_DB)
#define WRITE (ROUTE_KEY | ROUTE_WRITE | ROUTE_DB)
#define WAVE ROUTE_WAVE
#define JSON ROUTE_JSON
#define TOKEN (ROUTE_TOKEN | ROUTE_DB)
#define MAIL_LIST_LIMIT (4 * 1024 * 1024) /* a list of e-mail addresses */

/* clang-format off */
const route route_table[] = {
    /* method  pattern                               handler                     needs         body limit              sink                refusal */
    {"GET",  "/healthz",                            route_healthz,              0,            0,                      NULL,               NULL, NULL},
    {"GET",  "/metrics",                            route_metrics,              0,            0,                      NULL,               NULL, NULL},
    {"GET",  "/api/v1/instruments",                 route_instruments_list,     READ,         0,                      NULL,               NULL, NULL},
    {"GET",  "/api/v1/instruments/{key}",           route_instrument_get,       READ,         0,                      NULL,               NULL, NULL},

    {"POST", "/api/v1/organisations",               route_organisations_create, WRITE | JSON, 0,                      NULL,               NULL, NULL},
    {"GET",  "/api/v1/organisations",               route_organisations_list,   READ,         0,                      NULL,               NULL, NULL},
    {"GET",  "/api/v1/organisations/{id}/waves",    route_organisation_waves,   READ,         0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves",                       route_waves_create,         WRITE | JSON, 0,                      NULL,               NULL, NULL},
    {"GET",  "/api/v1/waves/{id}",                  route_wave_get,             READ | WAVE,  0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/open",             route_wave_open,            WRITE | WAVE, 0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/close",            route_wave_close,           WRITE | WAVE, 0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/invitations",      route_invitations_create,   WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/links",            route_links_create,         WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},
    {"GET",  "/api/v1/waves/{id}/progress",         route_progress,             READ | WAVE,  0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/responses",        route_import,               WRITE | WAVE, HTTP_IMPORT_BODY_LIMIT, &route_import_sink, NULL, NULL},

    {"GET",  "/api/v1/waves/{id}/mail",             route_mail_status,          READ | WAVE,  0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/recipients",       route_mail_recipients,      WRITE | WAVE, MAIL_LIST_LIMIT,        NULL,               NULL, NULL},
    {"GET",  "/api/v1/waves/{id}/mail/templates",   route_mail_templates_get,   READ | WAVE,  0,                      NULL,               NULL, NULL},
    {"PUT",  "/api/v1/waves/{id}/mail/templates",   route_mail_templates_put,   WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},
    {"GET",  "/api/v1/waves/{id}/mail/preview",     route_mail_preview,         READ | WAVE,  0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/mail/test",        route_mail_test,            WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/mail/send",        route_mail_send,            WRITE | WAVE, 0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/mail/reminders",   route_mail_remind,          WRITE | WAVE, 0,                      NULL,               NULL, NULL},
    {"PUT",  "/api/v1/waves/{id}/mail/schedule",    route_mail_schedule,        WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},

    {"GET",  "/api/v1/waves/{id}/analysis",         route_analysis,             READ | WAVE,  0,                      NULL,               NULL, NULL},
    {"GET",  "/api/v1/waves/{id}/report.xlsx",      route_report,               READ | WAVE,  0,                      NULL,               NULL, NULL},

    {"GET",  "/api/v1/survey/{token}",              route_survey_get,           TOKEN,        0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/survey/{token}",              route_survey_post,          TOKEN | JSON, 0,                      NULL,               NULL, NULL},
    {"GET",  "/s/{token}",                          route_form_get,             TOKEN,        0,                      NULL,               route_form_refuse, NULL},
    {"POST", "/s/{token}",                          route_form_post,            TOKEN,        0,                      NULL,               route_form_refuse, NULL},
    {"GET",  "/s/{token}/afmelden",                 route_decline_get,          TOKEN,        0,                      NULL,               route_form_refuse, NULL},
    {"POST", "/s/{token}/afmelden",                 route_decline_post,         TOKEN,        0,                      NULL,               route_form_refuse, NULL},
    {"GET",  "/assets/survey.css",                  route_css,                  0,            0,                      NULL,               NULL, NULL},
    {"GET",  "/favicon.ico",                        route_favicon,              0,            0,                      NULL,               NULL, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL},
};
/* clang-format on */
