/* routes.c - every address the server answers, in one table, with what
 * each needs (enum route_need in http.h). */
#include "server/web/routes.h"

#include "server/web/console.h"
#include "server/web/console_routes.h"

#define READ (ROUTE_KEY | ROUTE_DB)
#define WRITE (ROUTE_KEY | ROUTE_WRITE | ROUTE_DB)
#define WAVE ROUTE_WAVE
#define JSON ROUTE_JSON
#define TOKEN (ROUTE_TOKEN | ROUTE_DB)
#define MAIL_LIST_LIMIT (4 * 1024 * 1024)         /* a list of e-mail addresses */
#define MAIL_UPLOAD (MAIL_LIST_LIMIT + 64 * 1024) /* the same as a form: its parts' headers */
#define ADMIN (ROUTE_KEY | ROUTE_WRITE | ROUTE_ADMIN | ROUTE_DB)
/* The console: a page needs a session; a form that changes something also
 * its CSRF token; most changes a role that may write. */
#define PAGE (ROUTE_SESSION | ROUTE_DB)
#define FORM (ROUTE_SESSION | ROUTE_FORM | ROUTE_DB)
#define CHANGE (FORM | ROUTE_WRITE)
#define UPLOAD (32 * 1024 * 1024) /* the console's import form */
#define C console_refuse
#define HEAVY ROUTE_HEAVY /* on the heavy workers, behind their bounded queue */

/* clang-format off */
const route route_table[] = {
    /* method  pattern                               handler                     needs         body limit              sink                refusal */
    {"GET",  "/healthz",                            route_healthz,              0,            0,                      NULL,               NULL, NULL},
    {"GET",  "/metrics",                            route_metrics,              READ,         0,                      NULL,               NULL, NULL},
    {"GET",  "/api/v1/instruments",                 route_instruments_list,     READ,         0,                      NULL,               NULL, NULL},
    {"GET",  "/api/v1/instruments/{key}",           route_instrument_get,       READ,         0,                      NULL,               NULL, NULL},

    {"POST", "/api/v1/organisations",               route_organisations_create, WRITE | JSON, 0,                      NULL,               NULL, NULL},
    {"GET",  "/api/v1/organisations",               route_organisations_list,   READ,         0,                      NULL,               NULL, NULL},
    {"PATCH", "/api/v1/organisations/{id}",         route_organisation_update,  WRITE | JSON, 0,                      NULL,               NULL, NULL},
    {"GET",  "/api/v1/organisations/{id}/waves",    route_organisation_waves,   READ,         0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves",                       route_waves_create,         WRITE | JSON, 0,                      NULL,               NULL, NULL},
    {"GET",  "/api/v1/waves/{id}",                  route_wave_get,             READ | WAVE,  0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/open",             route_wave_open,            WRITE | WAVE, 0,                      NULL,               NULL, NULL},
    {"PUT",  "/api/v1/waves/{id}/intended",         route_wave_intended,        WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},
    {"PUT",  "/api/v1/waves/{id}/rules",            route_wave_rules,           WRITE | WAVE | JSON | ROUTE_JSON_LIST, 0, NULL,           NULL, NULL},
    {"POST", "/api/v1/waves/{id}/close",            route_wave_close,           WRITE | WAVE, 0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/invitations",      route_invitations_create,   WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/links",            route_links_create,         WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},
    {"GET",  "/api/v1/waves/{id}/progress",         route_progress,             READ | WAVE,  0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/responses",        route_import,               WRITE | WAVE | HEAVY, HTTP_IMPORT_BODY_LIMIT, &route_import_sink, NULL, NULL},

    {"GET",  "/api/v1/waves/{id}/mail",             route_mail_status,          READ | WAVE,  0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/recipients",       route_mail_recipients,      WRITE | WAVE, MAIL_LIST_LIMIT,        NULL,               NULL, NULL},
    {"GET",  "/api/v1/waves/{id}/mail/templates",   route_mail_templates_get,   READ | WAVE,  0,                      NULL,               NULL, NULL},
    {"PUT",  "/api/v1/waves/{id}/mail/templates",   route_mail_templates_put,   WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},
    {"GET",  "/api/v1/waves/{id}/mail/preview",     route_mail_preview,         READ | WAVE,  0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/mail/test",        route_mail_test,            WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/mail/send",        route_mail_send,            WRITE | WAVE, 0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/mail/reminders",   route_mail_remind,          WRITE | WAVE, 0,                      NULL,               NULL, NULL},
    {"PUT",  "/api/v1/waves/{id}/mail/schedule",    route_mail_schedule,        WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},

    {"GET",  "/api/v1/waves/{id}/analysis",         route_analysis,             READ | WAVE | HEAVY, 0,               NULL,               NULL, NULL},
    {"GET",  "/api/v1/waves/{id}/report.xlsx",      route_report,               READ | WAVE | HEAVY, 0,               NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/share",            route_share_create,         WRITE | WAVE | JSON, 0,               NULL,               NULL, NULL},
    {"GET",  "/api/v1/waves/{id}/shares",           route_shares_list,          WRITE | WAVE, 0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/waves/{id}/shares/{id}/revoke", route_share_revoke,       WRITE | WAVE, 0,                      NULL,               NULL, NULL},
    {"GET",  "/raad/s/{token}",                     route_raad_share,           ROUTE_DB,     0,                      NULL,               NULL, NULL},

    {"GET",  "/api/v1/survey/{token}",              route_survey_get,           TOKEN,        0,                      NULL,               NULL, NULL},
    {"POST", "/api/v1/survey/{token}",              route_survey_post,          TOKEN | JSON, 0,                      NULL,               NULL, NULL},
    {"GET",  "/s/{token}",                          route_form_get,             TOKEN,        0,                      NULL,               route_form_refuse, NULL},
    {"POST", "/s/{token}",                          route_form_post,            TOKEN,        0,                      NULL,               route_form_refuse, NULL},
    {"GET",  "/s/{token}/afmelden",                 route_decline_get,          TOKEN,        0,                      NULL,               route_form_refuse, NULL},
    {"POST", "/s/{token}/afmelden",                 route_decline_post,         TOKEN,        0,                      NULL,               route_form_refuse, NULL},
    {"GET",  "/assets/survey.css",                  route_css,                  0,            0,                      NULL,               NULL, NULL},
    {"GET",  "/assets/raad.css",                    route_raad_css,             0,            0,                      NULL,               NULL, NULL},
    {"GET",  "/favicon.ico",                        route_favicon,              0,            0,                      NULL,               NULL, NULL},

    {"GET",    "/api/v1/keys",                      route_keys_list,            ADMIN,        0,                      NULL,               NULL, NULL},
    {"POST",   "/api/v1/keys",                      route_keys_create,          ADMIN | JSON, 0,                      NULL,               NULL, NULL},
    {"DELETE", "/api/v1/keys/{id}",                 route_key_revoke,           ADMIN,        0,                      NULL,               NULL, NULL},

    {"GET",  "/assets/console.css",                 route_console_css,          0,            0,                      NULL,               NULL, NULL},
    {"GET",  "/assets/console.js",                  route_console_js,           0,            0,                      NULL,               NULL, NULL},
    {"GET",  "/beheer/inloggen",                    route_console_login_get,    0,            0,                      NULL,               C,    NULL},
    {"POST", "/beheer/inloggen",                    route_console_login_post,   ROUTE_FORM | ROUTE_DB, 0,             NULL,               C,    NULL},
    {"POST", "/beheer/uitloggen",                   route_console_logout,       FORM,         0,                      NULL,               C,    NULL},
    {"GET",  "/beheer/taal",                        route_console_language,     0,            0,                      NULL,               C,    NULL},
    {"GET",  "/beheer/wachtwoord",                  route_console_password_get, PAGE,         0,                      NULL,               C,    NULL},
    {"POST", "/beheer/wachtwoord",                  route_console_password_post, FORM,        0,                      NULL,               C,    NULL},
    {"GET",  "/beheer",                             route_console_overview,     PAGE,         0,                      NULL,               C,    NULL},
    {"GET",  "/beheer/organisaties/nieuw",          route_console_org_new,      PAGE | ROUTE_WRITE, 0,                NULL,               C,    NULL},
    {"POST", "/beheer/organisaties",                route_console_org_create,   CHANGE,       0,                      NULL,               C,    NULL},
    {"GET",  "/beheer/organisaties/{id}",           route_console_org,          PAGE,         0,                      NULL,               C,    NULL},
    {"POST", "/beheer/organisaties/{id}",           route_console_org_update,   CHANGE,       0,                      NULL,               C,    NULL},
    {"POST", "/beheer/organisaties/{id}/toegang",   route_console_org_access,   CHANGE | ROUTE_ADMIN, 0,              NULL,               C,    NULL},
    {"POST", "/beheer/organisaties/{id}/benchmark", route_console_org_benchmark, CHANGE | ROUTE_ADMIN, 0,             NULL,               C,    NULL},
    {"GET",  "/beheer/organisaties/{id}/metingen/nieuw", route_console_wave_new, PAGE | ROUTE_WRITE, 0,               NULL,               C,    NULL},
    {"POST", "/beheer/organisaties/{id}/metingen",  route_console_wave_create,  CHANGE,       0,                      NULL,               C,    NULL},
    {"GET",  "/beheer/metingen/{id}",               route_console_wave,         PAGE | WAVE,  0,                      NULL,               C,    NULL},
    {"GET",  "/beheer/metingen/{id}/bewerken",      route_console_wave_edit,    PAGE | WAVE | ROUTE_WRITE, 0,         NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/bewerken",      route_console_wave_update,  CHANGE | WAVE, 0,                     NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/bedoeling",     route_console_wave_intended, CHANGE | WAVE, 0,                    NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/regels",        route_console_wave_rules,   CHANGE | WAVE, 0,                     NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/openen",        route_console_wave_open,    CHANGE | WAVE, 0,                     NULL,               C,    NULL},
    {"GET",  "/beheer/metingen/{id}/sluiten",       route_console_wave_close_ask, PAGE | WAVE | ROUTE_WRITE, 0,       NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/sluiten",       route_console_wave_close,   CHANGE | WAVE, 0,                     NULL,               C,    NULL},
    {"GET",  "/beheer/metingen/{id}/verwijderen",   route_console_wave_delete_ask, PAGE | WAVE | ROUTE_WRITE, 0,      NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/verwijderen",   route_console_wave_delete,  CHANGE | WAVE, 0,                     NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/uitnodigingen", route_console_invitations,  CHANGE | WAVE, 0,                     NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/links",         route_console_links,        CHANGE | WAVE, 0,                     NULL,               C,    NULL},
    {"GET",  "/beheer/metingen/{id}/email",         route_console_mail,         PAGE | WAVE | ROUTE_WRITE, 0,         NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/email/adressen", route_console_mail_upload, CHANGE | WAVE, MAIL_UPLOAD,           NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/email/teksten", route_console_mail_templates, CHANGE | WAVE, 0,                   NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/email/test",    route_console_mail_test,    CHANGE | WAVE, 0,                     NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/email/versturen", route_console_mail_send,  CHANGE | WAVE, 0,                     NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/email/herinneren", route_console_mail_remind, CHANGE | WAVE, 0,                   NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/email/schema",  route_console_mail_schedule, CHANGE | WAVE, 0,                    NULL,               C,    NULL},
    {"GET",  "/beheer/metingen/{id}/voortgang",     route_console_progress,     PAGE | WAVE,  0,                      NULL,               C,    NULL},
    {"GET",  "/beheer/metingen/{id}/import",        route_console_import_page,  PAGE | WAVE | ROUTE_WRITE, 0,         NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/import",        route_console_import,       CHANGE | WAVE | HEAVY, UPLOAD,                NULL,               C,    NULL},
    {"POST", "/beheer/metingen/{id}/import/ongedaan", route_console_import_undo, CHANGE | WAVE, 0,                    NULL,               C,    NULL},
    {"GET",  "/beheer/metingen/{id}/uitkomsten",    route_console_results,      PAGE | WAVE | HEAVY, 0,                      NULL,               C,    NULL},
    {"GET",  "/beheer/metingen/{id}/rapport",       route_console_report,       PAGE | WAVE | HEAVY, 0,                      NULL,               C,    NULL},
    {"GET",  "/raad/{id}",                          route_console_raad,         PAGE | WAVE | HEAVY, 0,                      NULL,               C,    NULL},
    {"GET",  "/beheer/sleutels",                    route_console_keys,         PAGE | ROUTE_ADMIN, 0,                NULL,               C,    NULL},
    {"POST", "/beheer/sleutels",                    route_console_key_create,   FORM | ROUTE_ADMIN, 0,                NULL,               C,    NULL},
    {"POST", "/beheer/sleutels/{id}/intrekken",     route_console_key_revoke,   FORM | ROUTE_ADMIN, 0,                NULL,               C,    NULL},
    {"GET",  "/beheer/gebruikers",                  route_console_users,        PAGE | ROUTE_ADMIN, 0,                NULL,               C,    NULL},
    {"POST", "/beheer/gebruikers",                  route_console_user_create,  FORM | ROUTE_ADMIN, 0,                NULL,               C,    NULL},
    {"GET",  "/beheer/gebruikers/{id}",             route_console_user,         PAGE | ROUTE_ADMIN, 0,                NULL,               C,    NULL},
    {"POST", "/beheer/gebruikers/{id}",             route_console_user_update,  FORM | ROUTE_ADMIN, 0,                NULL,               C,    NULL},
    {"GET",  "/beheer/logboek",                     route_console_audit,        PAGE | ROUTE_ADMIN, 0,                NULL,               C,    NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL},
};
/* clang-format on */

/* clang-format off */
const route metrics_route_table[] = {
    {"GET",  "/metrics",                            route_metrics_open,         0,            0,                      NULL,               NULL, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL},
};
/* clang-format on */
