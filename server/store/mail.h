/* mail.h - the tables of invitations by e-mail (sql/007_mail.sql): a
 * wave's schedule and rounds (mail_waves), its wording (mail_templates), the
 * addresses (mail_recipients) and the messages to send (mail_outbox).
 *
 * Addresses come in and go out here only, and no statement joins them to
 * responses. Tokens never arrive: a recipient brings the hex of a random
 * salt and of its token's hash (server/app/mail.c derives the token). A
 * message that is no longer pending forgets its recipient, so the outbox
 * keeps counts per layer and round, not who was reminded.
 *
 * A sender takes one due message at a time: store_mail_claim locks it
 * (FOR UPDATE SKIP LOCKED, so two servers never take the same one) in a
 * transaction that stays open while the relay is asked, and one of the
 * store_mail_job_* calls ends that transaction.
 */
#ifndef TM_STORE_MAIL_H
#define TM_STORE_MAIL_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>

#include "core/error.h"
#include "server/store/waves.h"

#define STORE_MAIL_ROUNDS 3 /* reminder rounds a wave may have */

/* One address to add, with its invitation. */
typedef struct store_mail_new {
    int layer;
    const char *lang;     /* "nl" or "en" */
    const char *email;    /* checked by the caller */
    const char *salt_hex; /* 16 random bytes */
    const char *hash_hex; /* the hash of the token derived from the salt */
} store_mail_new;

/* Adds the n recipients to wave with an invitation each, in one
 * transaction that holds the wave's mail row, so that uploads of one wave
 * come one after the other. 409 when the wave is closed. When addresses are
 * in the wave already (case does not count), nothing is stored: returns 1
 * with *existing a new array of those addresses in lower case. 0 stored. */
int store_mail_recipients_add(PGconn *c, long long wave, const store_mail_new *r, size_t n,
                              json_t **existing, tm_error *err);

/* The wave's counts: {"layers": [{"layer": index, "recipients", "not_sent",
 * "queued", "invited", "failed", "declined", "reminders_sent", "retrying",
 * "cancelled"}], "declined_kept"} (new reference); layers without mail are
 * absent. Counts outlive the addresses: after the wave closed, invitations,
 * reminders and failures come from the outbox, and the declines from the
 * number kept when the addresses were deleted (declined_kept, per wave). */
json_t *store_mail_counts(PGconn *c, long long wave, tm_error *err);

/* The failed addresses: [{"email", "layer": index, "error"}] by address (new
 * reference). */
json_t *store_mail_failed(PGconn *c, long long wave, tm_error *err);

/* The wave's mail row: {"reminder_days": [..], "rounds", "first_sent_at",
 * "last_round_at", "forgotten_at", "next_manual_round_at" (an hour after
 * the last round), "next_round_at" (the next scheduled one)}, or JSON null
 * when the wave has none yet (new reference). Times are ISO 8601 UTC or
 * null. */
json_t *store_mail_wave(PGconn *c, long long wave, tm_error *err);

/* Sets the reminder schedule (days after the first invitations, n <= 3). */
int store_mail_schedule_set(PGconn *c, long long wave, const int *days, size_t n, tm_error *err);

/* A wave's own templates: [{"lang", "kind", "subject", "body"}] (new reference). */
json_t *store_mail_templates(PGconn *c, long long wave, tm_error *err);

/* Stores a template (subject and body) or, with subject NULL, drops it so
 * that the default applies. */
int store_mail_template_set(PGconn *c, long long wave, const char *lang, const char *kind,
                            const char *subject, const char *body, tm_error *err);

/* Queues the invitation of every recipient of wave not yet invited; *n
 * receives how many. Nothing happens unless the wave is open. */
int store_mail_queue_invitations(PGconn *c, long long wave, long long *n, tm_error *err);

/* Starts reminder round `round` (rounds so far + 1) of wave: one message to
 * each recipient whose invitation went out, who has not submitted and has
 * not declined. Returns 1 with *n the messages queued, or 0 when it may not
 * start: the round was started already (by another server, or a moment
 * ago), no invitation went out, 3 rounds were sent, the last round began
 * less than an hour ago, or the wave is not open. */
int store_mail_round_start(PGconn *c, long long wave, int round, long long *n, tm_error *err);

/* Scheduled rounds that are due now: [[wave, round], ...] (new reference). */
json_t *store_mail_rounds_due(PGconn *c, tm_error *err);

/* Waves whose addresses are to be deleted (closed, or past closes_at):
 * [wave, ...] (new reference). */
json_t *store_mail_waves_closed(PGconn *c, tm_error *err);

/* Deletes the addresses of wave (and the messages still waiting for them),
 * keeping the number of declines. */
int store_mail_forget(PGconn *c, long long wave, tm_error *err);

/* Marks the recipient of invitation as declined: returns 1, or 0 when the
 * invitation was not made for an e-mail. */
int store_mail_decline(PGconn *c, long long invitation, tm_error *err);

/* What a message needs besides the address: its wave, the closing time in
 * Dutch local time ("2026-12-31 17:00", "" when none) and the wave's own
 * template for the message's language and kind (NULL: the default). */
typedef struct store_mail_context {
    wave_info wave;
    char closes_at[32];
    char *subject, *body; /* owned */
} store_mail_context;

/* Reads the context of wave for lang and kind ("invitation", "reminder"). */
int store_mail_context_get(PGconn *c, long long wave, const char *lang, const char *kind,
                           store_mail_context *ctx, tm_error *err);
void store_mail_context_clear(store_mail_context *ctx);

/* A message taken by a sender. */
typedef struct store_mail_job {
    long long id;        /* the outbox row */
    long long recipient; /* the mail_recipients row */
    long long wave;
    int round;    /* 0 the invitation, 1..3 a reminder */
    int attempts; /* tries before this one */
    int layer;
    char lang[4];
    char email[256];
    char salt_hex[33];
    char hash_hex[65]; /* the invitation's stored token hash */
    int declined;
    int submitted;
} store_mail_job;

/* Takes the next due message: 1 with job filled and a transaction open on c
 * (end it with one of the calls below), 0 when none is due, -1 with err. */
int store_mail_claim(PGconn *c, store_mail_job *job, tm_error *err);

/* Marks the job sent (and its recipient invited) inside the open
 * transaction, before the relay is asked: after the relay's 250 only the
 * commit is left (store_mail_job_commit). */
int store_mail_job_mark_sent(PGconn *c, const store_mail_job *job, tm_error *err);
int store_mail_job_commit(PGconn *c, tm_error *err);

/* Undoes the mark and records a try that failed for now: the message
 * waits delay seconds; error is the relay's answer. Commits. */
int store_mail_job_retry(PGconn *c, const store_mail_job *job, double delay, const char *error,
                         tm_error *err);

/* Undoes the mark; the message will not go, and its address failed with
 * error. Commits. */
int store_mail_job_fail(PGconn *c, const store_mail_job *job, const char *error, tm_error *err);

/* Undoes the mark; the message is no longer wanted (declined, submitted,
 * closed). Commits. */
int store_mail_job_cancel(PGconn *c, const store_mail_job *job, tm_error *err);

/* Leaves the job as it was (the relay is away): rolls back. */
void store_mail_job_release(PGconn *c);

#endif
