/* console_routes.h - the console's route handlers (console_*.c), listed in
 * the route table (routes.c) under /beheer. */
#ifndef TM_CONSOLE_ROUTES_H
#define TM_CONSOLE_ROUTES_H

#include "server/web/console.h"
#include "server/web/http.h"

/* console_login.c */
void route_console_login_get(http_request *req, http_response *res);
void route_console_login_post(http_request *req, http_response *res);
void route_console_logout(http_request *req, http_response *res);
void route_console_password_get(http_request *req, http_response *res);
void route_console_password_post(http_request *req, http_response *res);
void route_console_language(http_request *req, http_response *res);

/* console_overview.c */
void route_console_overview(http_request *req, http_response *res);

/* console_org.c */
void route_console_org_new(http_request *req, http_response *res);
void route_console_org_create(http_request *req, http_response *res);
void route_console_org(http_request *req, http_response *res);
void route_console_org_update(http_request *req, http_response *res);
void route_console_org_access(http_request *req, http_response *res);
void route_console_org_benchmark(http_request *req, http_response *res);

/* console_wave.c */
void route_console_wave_new(http_request *req, http_response *res);
void route_console_wave_create(http_request *req, http_response *res);
void route_console_wave(http_request *req, http_response *res);
void route_console_wave_edit(http_request *req, http_response *res);
void route_console_wave_update(http_request *req, http_response *res);
void route_console_wave_open(http_request *req, http_response *res);
void route_console_wave_close_ask(http_request *req, http_response *res);
void route_console_wave_close(http_request *req, http_response *res);
void route_console_wave_delete_ask(http_request *req, http_response *res);
void route_console_wave_delete(http_request *req, http_response *res);
/* The edit page again after a change of it failed: status, err's problems
 * at their fields, posted_rules (may be NULL) kept in the rules field. */
void console_wave_edit_again(http_request *req, http_response *res, int status, const tm_error *err,
                             const char *posted_rules);

/* console_wave_settings.c: a draft's own intent keys and rules */
void route_console_wave_intended(http_request *req, http_response *res);
void route_console_wave_rules(http_request *req, http_response *res);
/* The edit page's forms for them (a draft only). */
void console_wave_settings_forms(console_page *p, const char *posted_rules, const tm_error *err);
/* On the wave's page (a draft only): the knowledge questions still without
 * a key, and how many rules the wave lists. */
void console_wave_settings_summary(console_page *p);

/* console_collect.c */
void route_console_invitations(http_request *req, http_response *res);
void route_console_links(http_request *req, http_response *res);
void route_console_progress(http_request *req, http_response *res);
void route_console_import_page(http_request *req, http_response *res);
void route_console_import(http_request *req, http_response *res);
void route_console_import_undo(http_request *req, http_response *res);

/* console_mail.c: invitations and reminders by e-mail */
void route_console_mail(http_request *req, http_response *res);
void route_console_mail_upload(http_request *req, http_response *res);
void route_console_mail_templates(http_request *req, http_response *res);
void route_console_mail_test(http_request *req, http_response *res);
void route_console_mail_send(http_request *req, http_response *res);
void route_console_mail_remind(http_request *req, http_response *res);
void route_console_mail_schedule(http_request *req, http_response *res);

/* console_results.c */
void route_console_results(http_request *req, http_response *res);
void route_console_report(http_request *req, http_response *res);
void route_console_raad(http_request *req, http_response *res);

/* console_admin.c */
void route_console_keys(http_request *req, http_response *res);
void route_console_key_create(http_request *req, http_response *res);
void route_console_key_revoke(http_request *req, http_response *res);
void route_console_users(http_request *req, http_response *res);
void route_console_user_create(http_request *req, http_response *res);
void route_console_user(http_request *req, http_response *res);
void route_console_user_update(http_request *req, http_response *res);
void route_console_audit(http_request *req, http_response *res);

#endif
