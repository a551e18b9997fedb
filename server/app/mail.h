/* mail.h - invitations and reminders by e-mail, through the
 * municipality's own relay: the services that the API (and the console)
 * call, one per action a coordinator takes.
 *
 *   upload a list       mail_recipients_add   (addresses per layer; nothing is sent yet)
 *   word the mails      mail_templates_get / mail_templates_put, mail_preview
 *   try it              mail_send_test        (to oneself; example links)
 *   send                mail_send_invitations (queues one invitation per new address)
 *   remind              mail_schedule_set     (after 7 and 12 days, say), mail_remind_now
 *   watch               mail_status           (counts; failed addresses; the relay)
 *
 * The people invited never see a token other than their own, and nobody
 * else sees theirs: the token of an address exists only in its e-mails
 * (mail_compose.h). Each mail carries a "niet meedoen" link: mail_decline.
 * The addresses are deleted when the wave closes (mail_forget_wave, which
 * the close calls, and the sender for a wave past its closing time); they
 * are never logged, and the API shows counts and failed addresses only,
 * never who has answered.
 *
 * Without SMTP_URL mail is not set up: mail_status says so and points to
 * the CSV mail merge (POST /api/v1/waves/{id}/invitations), and the calls
 * that would send refuse with 503.
 */
#ifndef TM_MAIL_H
#define TM_MAIL_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "server/app/app.h"
#include "server/store/respondents.h"
#include "server/store/waves.h"

/* Reads the mail settings (mail_compose.h), keeps them with the app and,
 * when mail is set up, starts the sender thread. Without SMTP_URL that is
 * no error: the app then says that mail is not set up. -1 with err for a
 * setting that does not parse. */
int mail_start(app *a, tm_error *err);

/* Tells the sender to stop, without waiting: at the start of a shutdown,
 * so that it winds down while requests in flight finish. */
void mail_stop_soon(app *a);

/* Stops the sender (waiting for it) and frees the service; before
 * app_close. */
void mail_stop(app *a);

/* The wave's mail: whether it is set up (or how to do without), the
 * counts per layer and in all (recipients, not_sent, queued, invited,
 * failed, declined, reminders_sent, retrying, cancelled), the reminder
 * schedule and rounds, what this server knows of the relay and, when
 * with_addresses (a caller who may write: a viewer sees no address), the
 * failed addresses with the relay's answer. New reference, or NULL with
 * err. */
json_t *mail_status(app *a, PGconn *c, const wave_info *w, int with_addresses, tm_error *err);

/* Adds the addresses of an uploaded list (core/mail_address.h: CSV
 * email;layer[;lang], or one address per line with layer given) to wave w,
 * each with its invitation. All or nothing: 422 naming every bad, unknown
 * layer or duplicate address (also one the wave has already), 409 when w is
 * closed, 503 when mail is not set up. Returns {"added", "layers": [{layer,
 * added}]} (new reference). */
json_t *mail_recipients_add(app *a, PGconn *c, const wave_info *w, const char *text, size_t len,
                            const char *layer, const char *lang, tm_error *err);

/* The wording of w's mails: {"nl": {"invitation": {"subject", "body",
 * "default": bool}, "reminder": {...}}, "en": {...}, "placeholders": {...}}
 * (new reference). */
json_t *mail_templates_get(app *a, PGconn *c, const wave_info *w, tm_error *err);

/* Stores the templates in body (the shape of mail_templates_get; any part
 * may be left out; null returns a template to the default). 422 naming
 * every problem (mail_template_check), nothing stored then. Returns the
 * wording afterwards. */
json_t *mail_templates_put(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err);

/* A mail as a person of layer (a layer key; NULL the first) would read it,
 * with example links: {"lang", "kind", "layer", "from", "subject", "text",
 * "html"} (new reference). lang "nl"/"en", kind "invitation"/"reminder". */
json_t *mail_preview(app *a, PGconn *c, const wave_info *w, const char *lang, const char *kind,
                     const char *layer, tm_error *err);

/* Sends one mail with example links to body.to (optional lang, kind,
 * layer) now, and says what the relay answered: {"sent": true, "to",
 * "relay_reply"}; 502 with the relay's answer when it refused or could not
 * be reached, 429 after 10 test mails a minute. */
json_t *mail_send_test(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err);

/* Queues the invitation of every address of w not yet invited:
 * {"queued": n} (new reference). 409 unless w is open; 503 without mail. */
json_t *mail_send_invitations(app *a, PGconn *c, const wave_info *w, tm_error *err);

/* Starts the next reminder round of w now: one reminder to each address
 * invited that has not submitted or declined. {"round", "queued"}; 409 when
 * no invitation went out yet, 3 rounds were sent, or the last round started
 * less than an hour ago (a second click sends nothing twice). */
json_t *mail_remind_now(app *a, PGconn *c, const wave_info *w, tm_error *err);

/* Sets the reminder schedule from body {"after_days": [7, 12]}: at most 3
 * whole days from 1 to 90, rising; [] sends reminders by hand only. Returns
 * the status. */
json_t *mail_schedule_set(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err);

/* The person of r declines: no more reminders. Returns 1, 0 when r's
 * invitation was not made for an e-mail (nothing to stop), -1 with err. */
int mail_decline(PGconn *c, const respondent *r, tm_error *err);

/* Deletes the addresses of wave (its counts stay). What closing a wave
 * calls. */
int mail_forget_wave(PGconn *c, long long wave, tm_error *err);

#endif
