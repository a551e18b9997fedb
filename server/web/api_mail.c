/* api_mail.c - invitations and reminders by e-mail over the API (each
 * handler calls one service of server/app/mail.h), and the page behind the
 * "ik doe niet mee" link of every mail.
 *
 * Addresses travel only in the upload's body and in the answers that name
 * failed or refused ones; the request log holds paths, never bodies, and
 * the decline page's path has its token cut out like the form's. Each
 * change is in the audit log with counts only, as the console's are
 * (console_mail.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/audit.h"
#include "server/app/mail.h"
#include "server/web/routes.h"
#include "server/web/survey_page.h"

/* The change's result with its audit entry (detail: counts only; stolen). */
static json_t *audited(http_request *req, json_t *result, const char *action, json_t *detail,
                       tm_error *err)
{
    return audit_result(req->db, &req->who, result, action, "wave", req->wave.id, detail, err);
}

void route_mail_status(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *st = mail_status(req->app, req->db, &req->wave, role_may_write(req->who.role), &err);
    http_respond_result(res, 200, st, &err);
}

/* The body is the list itself (text/csv or text/plain); ?layer= gives the
 * layer of every line, ?lang= the language of a line that names none. */
void route_mail_recipients(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *out = NULL;
    if (audit_begin(req->db, &err) == 0) {
        out = mail_recipients_add(req->app, req->db, &req->wave, req->body, req->body_len,
                                  http_query(req, "layer"), http_query(req, "lang"), &err);
        json_t *detail = out ? json_pack("{s:O}", "layers", json_object_get(out, "layers")) : NULL;
        out = audited(req, out, "mail.recipients", detail, &err);
    }
    http_respond_result(res, 201, out, &err);
}

void route_mail_templates_get(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    http_respond_result(res, 200, mail_templates_get(req->app, req->db, &req->wave, &err), &err);
}

void route_mail_templates_put(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *out = NULL;
    if (audit_begin(req->db, &err) == 0)
        out = audited(req, mail_templates_put(req->app, req->db, &req->wave, req->json, &err),
                      "mail.templates", NULL, &err);
    http_respond_result(res, 200, out, &err);
}

void route_mail_preview(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *out = mail_preview(req->app, req->db, &req->wave, http_query(req, "lang"),
                               http_query(req, "kind"), http_query(req, "layer"), &err);
    http_respond_result(res, 200, out, &err);
}

void route_mail_test(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *out = mail_send_test(req->app, req->db, &req->wave, req->json, &err);
    /* It changes nothing; noted without its address. */
    tm_error note = TM_ERROR_INIT;
    if (out) audit_note(req->db, &req->who, "mail.test", "wave", req->wave.id, NULL, &note);
    tm_error_clear(&note);
    http_respond_result(res, 200, out, &err);
}

void route_mail_send(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *out = NULL;
    if (audit_begin(req->db, &err) == 0) {
        out = mail_send_invitations(req->app, req->db, &req->wave, &err);
        out = audited(req, out, "mail.send",
                      out ? json_pack("{s:O}", "queued", json_object_get(out, "queued")) : NULL,
                      &err);
    }
    http_respond_result(res, 202, out, &err);
}

void route_mail_remind(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *out = NULL;
    if (audit_begin(req->db, &err) == 0) {
        out = mail_remind_now(req->app, req->db, &req->wave, &err);
        out = audited(req, out, "mail.remind", out ? json_deep_copy(out) : NULL, &err);
    }
    http_respond_result(res, 202, out, &err);
}

void route_mail_schedule(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *out = NULL;
    if (audit_begin(req->db, &err) == 0) {
        out = mail_schedule_set(req->app, req->db, &req->wave, req->json, &err);
        out = audited(
            req, out, "mail.schedule",
            out ? json_pack("{s:O}", "after_days", json_object_get(req->json, "after_days")) : NULL,
            &err);
    }
    http_respond_result(res, 200, out, &err);
}

/* ---- "ik doe niet mee" -------------------------------------------------- */

static int english(http_request *req)
{
    const char *l = http_query(req, "lang");
    return l && !strcmp(l, "en");
}

static void respond_page(http_response *res, int status, char *html)
{
    if (!html) {
        http_respond_message(res, 500, "out of memory rendering the page");
        return;
    }
    http_respond_body(res, status, "text/html; charset=utf-8", html, strlen(html));
}

/* Opening the link asks; only the button declines, so that a mail scanner
 * that opens every link declines nobody. */
void route_decline_get(http_request *req, http_response *res)
{
    int en = english(req);
    const wave_info *w = &req->respondent.who.wave;
    char text[1200], action[128];
    snprintf(text, sizeof text,
             en ? "You were invited to the survey \"%s\" by %s. If you would rather not take "
                  "part, press the button: you will receive no more reminders about it.\n\n"
                  "Should you change your mind, the link in the invitation keeps working until "
                  "the survey closes."
                : "U bent uitgenodigd voor de meting \"%s\" van %s. Wilt u niet meedoen, druk "
                  "dan op de knop: u ontvangt er dan geen herinneringen meer over.\n\n"
                  "Bedenkt u zich later, dan werkt de link in de uitnodiging nog tot de meting "
                  "sluit.",
             w->name, w->organisation);
    snprintf(action, sizeof action, "/s/%s/afmelden%s", req->params[0], en ? "?lang=en" : "");
    respond_page(res, 200,
                 survey_page_confirm(en ? "en" : "nl", en ? "Not taking part" : "Niet meedoen",
                                     text, action,
                                     en ? "I will not take part" : "Ik doe niet mee"));
}

/* The button, or a mail program's one-click unsubscribe (RFC 8058), which
 * posts "List-Unsubscribe=One-Click" here: either way the body says
 * nothing more. */
void route_decline_post(http_request *req, http_response *res)
{
    int en = english(req);
    tm_error err = TM_ERROR_INIT;
    int rc = mail_decline(req->db, &req->respondent.who, &err);
    if (rc < 0) {
        route_form_refuse(req, res, &err);
        tm_error_clear(&err);
        return;
    }
    respond_page(
        res, 200,
        survey_page_message(
            en ? "en" : "nl", en ? "You are not taking part" : "U doet niet mee",
            en ? "Thank you for letting us know. You will receive no more reminders about this "
                 "survey.\n\nShould you change your mind, you can still fill in the "
                 "questionnaire through the link in the invitation until the survey closes."
               : "Bedankt dat u het liet weten. U ontvangt geen herinneringen meer over deze "
                 "meting.\n\nBedenkt u zich, dan kunt u de vragenlijst nog invullen via de link "
                 "in de uitnodiging, tot de meting sluit."));
}
