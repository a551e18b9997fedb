/* mail_sender.h - the threads that work through the outbox: MAIL_CONNECTIONS
 * of them per server process (each with its own connection to the relay),
 * started by `serve` (mail_start in mail.h).
 *
 * Each takes one due message at a time (store_mail_claim: FOR UPDATE SKIP
 * LOCKED, so several servers share the outbox and never take the same
 * message), makes it (mail_compose.h), marks it sent inside the
 * transaction that holds its lock, hands it to the relay and commits when
 * the relay answered 250. The one edge: when the server dies between the
 * relay's 250 and the commit (one round trip to the database), the message
 * is still pending and goes again; a mail is sent at least once, and twice
 * only then.
 *
 * A 4xx answer makes the message wait MAIL_BACKOFF seconds, doubling per
 * try up to 64 times that, and fail after MAIL_SEND_ATTEMPTS tries; a 5xx
 * answer fails its address at once. When the relay cannot be reached (or
 * refuses the login or the sender) nothing changes in the outbox: the
 * sender waits, with the same backoff, and tries again. At most MAIL_RATE
 * messages a minute leave one process, whatever its number of threads.
 *
 * Once a second the first thread also starts the reminder rounds that are due and deletes
 * the addresses of waves that have closed (also by passing their closing
 * time). Without a relay (mail not set up) it does only the latter, once a
 * minute, for addresses left from a time when mail was set up.
 */
#ifndef TM_MAIL_SENDER_H
#define TM_MAIL_SENDER_H

#include <jansson.h>

#include "core/error.h"
#include "server/app/app.h"
#include "server/app/mail_compose.h"

#define MAIL_SEND_ATTEMPTS 24 /* tries of a message the relay keeps deferring */

typedef struct mail_sender mail_sender;

/* Starts the threads for the app a with settings s (borrowed; they outlive
 * the sender): MAIL_CONNECTIONS when mail is set up, else one that only
 * deletes the addresses of closed waves. NULL with err. */
mail_sender *mail_sender_start(app *a, const mail_settings *s, tm_error *err);

/* Says there is new work (messages were queued): the thread looks now. */
void mail_sender_wake(mail_sender *m);

/* What this process knows of the relay: {"sent", "last_sent_at",
 * "relay_error", "relay_error_since", "waiting_for_relay"} (new reference). */
json_t *mail_sender_status(mail_sender *m);

/* Tells the threads to stop: they break off a transfer under way (its
 * message stays pending) and take no more work; returns at once. */
void mail_sender_stop_soon(mail_sender *m);

/* Stops the threads (mail_sender_stop_soon, then waits for them) and frees
 * the sender. NULL is fine. */
void mail_sender_stop(mail_sender *m);

/* The wait before try number `tries` + 1 of something that failed `tries`
 * times (tries >= 1): backoff doubled per try, at most 64 times backoff. */
double mail_backoff(double backoff, int tries);

#endif
