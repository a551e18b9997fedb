/* mail.c - see mail.h. */
#include "server/store/mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "server/store/db.h"
#include "server/store/sql.h"

#define LIST_CAP (64u << 20)

/* The wave takes new mail: open (or a draft, for adding addresses) and
 * not past its closing time. */
#define MAIL_WAVE_OPEN " w.status = 'open' AND (w.closes_at IS NULL OR w.closes_at > now())"
#define MAIL_WAVE_CLOSED                                                                           \
    " (w.status = 'closed' OR (w.closes_at IS NOT NULL AND w.closes_at <= now()))"

/* The closing time as a reader in the Netherlands reads it. */
#define CLOSES_LOCAL                                                                               \
    "coalesce(to_char(w.closes_at AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD HH24:MI'), '')"

/* The invitation has been submitted. */
#define SUBMITTED(inv) " " inv ".state >= 2"

/* Joins field `f` of n items into one comma-separated text parameter: the
 * values (hex, digits, checked addresses) hold no comma. */
static char *joined(const store_mail_new *r, size_t n, int field)
{
    strbuf b = STRBUF_INIT(LIST_CAP);
    for (size_t i = 0; i < n; i++) {
        if (i) strbuf_addch(&b, ',');
        switch (field) {
        case 0:
            strbuf_addf(&b, "%d", r[i].layer);
            break;
        case 1:
            strbuf_adds(&b, r[i].lang);
            break;
        case 2:
            strbuf_adds(&b, r[i].email);
            break;
        case 3:
            strbuf_adds(&b, r[i].salt_hex);
            break;
        default:
            strbuf_adds(&b, r[i].hash_hex);
        }
    }
    return strbuf_detach(&b, NULL);
}

/* The wave's row held for an upload: 409 when closed. */
static int hold_wave(PGconn *c, const char *wt, tm_error *err)
{
    const char *p[] = {wt};
    PGresult *r =
        db_query(c, "SELECT" MAIL_WAVE_CLOSED " FROM waves w WHERE w.id = $1 FOR SHARE", 1, p, err);
    if (!r) return -1;
    int closed = PQntuples(r) != 1 || PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (closed) return tm_error_set(err, 409, "the wave is closed: no new addresses");
    if (db_exec(c, "INSERT INTO mail_waves (wave_id) VALUES ($1) ON CONFLICT DO NOTHING", 1, p,
                err) != 0)
        return -1;
    return db_exec(c, "SELECT 1 FROM mail_waves WHERE wave_id = $1 FOR UPDATE", 1, p, err);
}

static int find_existing(PGconn *c, const char *wt, const char *emails, json_t **existing,
                         tm_error *err)
{
    const char *p[] = {wt, emails};
    PGresult *r = db_query(c,
                           "SELECT lower(email) FROM mail_recipients WHERE wave_id = $1"
                           " AND lower(email) = ANY (string_to_array(lower($2), ','))",
                           2, p, err);
    if (!r) return -1;
    *existing = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(*existing, json_string(PQgetvalue(r, i, 0)));
    PQclear(r);
    return 0;
}

int store_mail_recipients_add(PGconn *c, long long wave, const store_mail_new *r, size_t n,
                              json_t **existing, tm_error *err)
{
    *existing = NULL;
    char wt[24];
    store_sql_id(wave, wt);
    char *cols[5];
    for (int k = 0; k < 5; k++)
        cols[k] = joined(r, n, k);
    int rc = 0, own = 0;
    if (!cols[0] || !cols[1] || !cols[2] || !cols[3] || !cols[4])
        rc = tm_error_set(err, 500, "out of memory storing the addresses");
    if (rc == 0) rc = db_begin(c, &own, err);
    if (rc == 0) rc = hold_wave(c, wt, err);
    if (rc == 0) rc = find_existing(c, wt, cols[2], existing, err);
    if (rc == 0 && json_array_size(*existing) > 0) rc = 1;
    if (rc == 0) {
        const char *p[] = {wt, cols[0], cols[1], cols[2], cols[3], cols[4]};
        rc = db_exec(
            c,
            "WITH u AS (SELECT * FROM unnest(string_to_array($2, ',')::smallint[],"
            "   string_to_array($3, ','), string_to_array($4, ','),"
            "   string_to_array($5, ','), string_to_array($6, ','))"
            "   AS u(layer, lang, email, salt, hash)),"
            " inv AS (INSERT INTO invitations (wave_id, layer, token_hash)"
            "   SELECT $1, layer, decode(hash, 'hex') FROM u RETURNING id, token_hash)"
            " INSERT INTO mail_recipients (wave_id, invitation_id, layer, lang, email, salt)"
            " SELECT $1, inv.id, u.layer, u.lang, u.email, decode(u.salt, 'hex')"
            " FROM u JOIN inv ON inv.token_hash = decode(u.hash, 'hex')",
            6, p, err);
    }
    if (rc == 0)
        rc = db_commit(c, own, err);
    else
        db_rollback(c, own);
    for (int k = 0; k < 5; k++)
        free(cols[k]);
    if (rc != 1 && *existing) {
        json_decref(*existing);
        *existing = NULL;
    }
    return rc;
}

/* ---- counts ------------------------------------------------------------- */

static json_t *layer_entry(json_t *by_layer, int layer)
{
    char key[16];
    snprintf(key, sizeof key, "%d", layer);
    json_t *e = json_object_get(by_layer, key);
    if (!e) {
        e = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "layer", layer,
                      "recipients", 0, "not_sent", 0, "queued", 0, "invited", 0, "failed", 0,
                      "declined", 0, "reminders_sent", 0, "retrying", 0, "cancelled", 0);
        json_object_set_new(by_layer, key, e);
    }
    return e;
}

static void add_count(json_t *e, const char *field, const char *value)
{
    json_object_set_new(
        e, field,
        json_integer(json_integer_value(json_object_get(e, field)) + strtoll(value, NULL, 10)));
}

json_t *store_mail_counts(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *a = db_query(c,
                           "SELECT layer, count(*), count(*) FILTER (WHERE state = 0),"
                           " count(*) FILTER (WHERE state = 1), count(*) FILTER (WHERE declined)"
                           " FROM mail_recipients WHERE wave_id = $1 GROUP BY layer",
                           1, p, err);
    PGresult *b = a ? db_query(c,
                               "SELECT layer,"
                               " count(*) FILTER (WHERE round = 0 AND state = 1),"
                               " count(*) FILTER (WHERE state = 2),"
                               " count(*) FILTER (WHERE round > 0 AND state = 1),"
                               " count(*) FILTER (WHERE state = 0 AND attempts > 0),"
                               " count(*) FILTER (WHERE state = 3)"
                               " FROM mail_outbox WHERE wave_id = $1 GROUP BY layer",
                               1, p, err)
                    : NULL;
    PGresult *k =
        b ? db_query(c, "SELECT declined FROM mail_waves WHERE wave_id = $1", 1, p, err) : NULL;
    json_t *by_layer = k ? json_object() : NULL;
    for (int i = 0; by_layer && i < PQntuples(a); i++) {
        json_t *e = layer_entry(by_layer, atoi(PQgetvalue(a, i, 0)));
        add_count(e, "recipients", PQgetvalue(a, i, 1));
        add_count(e, "not_sent", PQgetvalue(a, i, 2));
        add_count(e, "queued", PQgetvalue(a, i, 3));
        add_count(e, "declined", PQgetvalue(a, i, 4));
    }
    for (int i = 0; by_layer && i < PQntuples(b); i++) {
        json_t *e = layer_entry(by_layer, atoi(PQgetvalue(b, i, 0)));
        add_count(e, "invited", PQgetvalue(b, i, 1));
        add_count(e, "failed", PQgetvalue(b, i, 2));
        add_count(e, "reminders_sent", PQgetvalue(b, i, 3));
        add_count(e, "retrying", PQgetvalue(b, i, 4));
        add_count(e, "cancelled", PQgetvalue(b, i, 5));
    }
    json_t *out = NULL;
    if (by_layer) {
        json_t *layers = json_array();
        const char *key;
        json_t *v;
        json_object_foreach(by_layer, key, v) json_array_append(layers, v);
        out = json_pack("{s:o, s:I}", "layers", layers, "declined_kept",
                        (json_int_t)(PQntuples(k) ? strtoll(PQgetvalue(k, 0, 0), NULL, 10) : 0));
    }
    json_decref(by_layer);
    PQclear(a);
    PQclear(b);
    PQclear(k);
    return out;
}

json_t *store_mail_failed(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r = db_query(c,
                           "SELECT email, layer, coalesce(error, '') FROM mail_recipients"
                           " WHERE wave_id = $1 AND state = 3 ORDER BY lower(email)",
                           1, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list,
                              json_pack("{s:s, s:i, s:s}", "email", PQgetvalue(r, i, 0), "layer",
                                        atoi(PQgetvalue(r, i, 1)), "error", PQgetvalue(r, i, 2)));
    PQclear(r);
    return list;
}

static json_t *text_or_null(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? json_null() : json_string(PQgetvalue(r, row, col));
}

json_t *store_mail_wave(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r = db_query(
        c,
        "SELECT array_to_json(m.reminder_days)::text, m.rounds, " UTC_TEXT(
            "m."
            "firs"
            "t_"
            "sent"
            "_at") ", " UTC_TEXT("m.last_round_at") ", " UTC_TEXT("m.forgotten_at") ", " UTC_TEXT("(m.last_round_at + interval '1 "
                                                                                                  "hour')") ", " UTC_TEXT("CASE WHEN "
                                                                                                                          "m.first_"
                                                                                                                          "sent_at IS "
                                                                                                                          "NOT NULL "
                                                                                                                          "AND "
                                                                                                                          "m.rounds < "
                                                                                                                          "cardinality"
                                                                                                                          "(m."
                                                                                                                          "reminder_"
                                                                                                                          "days)"
                                                                                                                          " THEN "
                                                                                                                          "greatest(m."
                                                                                                                          "first_sent_"
                                                                                                                          "at + "
                                                                                                                          "make_"
                                                                                                                          "interval("
                                                                                                                          "days =>"
                                                                                                                          "   "
                                                                                                                          "m.reminder_"
                                                                                                                          "days[m."
                                                                                                                          "rounds + "
                                                                                                                          "1]), "
                                                                                                                          "m.last_"
                                                                                                                          "round_at + "
                                                                                                                          "interval "
                                                                                                                          "'1 hour') "
                                                                                                                          "END") " FRO"
                                                                                                                                 "M "
                                                                                                                                 "mail"
                                                                                                                                 "_wav"
                                                                                                                                 "es "
                                                                                                                                 "m "
                                                                                                                                 "WHER"
                                                                                                                                 "E "
                                                                                                                                 "m."
                                                                                                                                 "wave"
                                                                                                                                 "_id "
                                                                                                                                 "= "
                                                                                                                                 "$1",
        1, p, err);
    if (!r) return NULL;
    json_t *o = json_null();
    if (PQntuples(r) == 1) {
        o = json_pack("{s:o, s:i, s:o, s:o, s:o, s:o, s:o}", "reminder_days",
                      json_loads(PQgetvalue(r, 0, 0), 0, NULL), "rounds", atoi(PQgetvalue(r, 0, 1)),
                      "first_sent_at", text_or_null(r, 0, 2), "last_round_at",
                      text_or_null(r, 0, 3), "forgotten_at", text_or_null(r, 0, 4),
                      "next_manual_round_at", text_or_null(r, 0, 5), "next_round_at",
                      text_or_null(r, 0, 6));
    }
    PQclear(r);
    return o;
}

int store_mail_schedule_set(PGconn *c, long long wave, const int *days, size_t n, tm_error *err)
{
    char wt[24], list[64] = "{";
    store_sql_id(wave, wt);
    for (size_t i = 0; i < n && i < STORE_MAIL_ROUNDS; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%d", i ? "," : "", days[i]);
    }
    strcat(list, "}");
    const char *p[] = {wt, list};
    return db_exec(c,
                   "INSERT INTO mail_waves (wave_id, reminder_days) VALUES ($1, $2::int[])"
                   " ON CONFLICT (wave_id) DO UPDATE SET reminder_days = excluded.reminder_days",
                   2, p, err);
}

json_t *store_mail_templates(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r = db_query(c,
                           "SELECT lang, kind, subject, body FROM mail_templates"
                           " WHERE wave_id = $1 ORDER BY lang, kind",
                           1, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "lang", PQgetvalue(r, i, 0),
                                              "kind", PQgetvalue(r, i, 1), "subject",
                                              PQgetvalue(r, i, 2), "body", PQgetvalue(r, i, 3)));
    PQclear(r);
    return list;
}

int store_mail_template_set(PGconn *c, long long wave, const char *lang, const char *kind,
                            const char *subject, const char *body, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    if (!subject) {
        const char *p[] = {wt, lang, kind};
        return db_exec(c,
                       "DELETE FROM mail_templates WHERE wave_id = $1 AND lang = $2 AND kind = $3",
                       3, p, err);
    }
    const char *p[] = {wt, lang, kind, subject, body};
    return db_exec(c,
                   "INSERT INTO mail_templates (wave_id, lang, kind, subject, body)"
                   " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (wave_id, lang, kind)"
                   " DO UPDATE SET subject = excluded.subject, body = excluded.body",
                   5, p, err);
}

/* ---- queueing ----------------------------------------------------------- */

int store_mail_queue_invitations(PGconn *c, long long wave, long long *n, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    PGresult *r =
        db_query(c,
                 "WITH q AS (UPDATE mail_recipients r SET state = 1 FROM waves w"
                 "   WHERE r.wave_id = $1 AND r.state = 0 AND NOT r.declined"
                 "   AND w.id = r.wave_id AND" MAIL_WAVE_OPEN " RETURNING r.id, r.layer),"
                 " o AS (INSERT INTO mail_outbox (wave_id, layer, round, recipient_id)"
                 "   SELECT $1, layer, 0, id FROM q ORDER BY id RETURNING 1),"
                 " m AS (UPDATE mail_waves SET first_sent_at = coalesce(first_sent_at, now())"
                 "   WHERE wave_id = $1 AND EXISTS (SELECT 1 FROM q))"
                 " SELECT count(*) FROM o",
                 1, p, err);
    if (!r) return -1;
    *n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return 0;
}

int store_mail_round_start(PGconn *c, long long wave, int round, long long *n, tm_error *err)
{
    char wt[24], rt[24];
    store_sql_id(wave, wt);
    store_sql_id(round, rt);
    const char *p[] = {wt, rt};
    /* The round is taken by the statement that moves mail_waves.rounds on,
     * so two servers (or two clicks) never start it twice. */
    PGresult *r = db_query(
        c,
        "WITH m AS (UPDATE mail_waves m SET rounds = $2, last_round_at = now() FROM waves w"
        "   WHERE m.wave_id = $1 AND m.rounds = $2::int - 1 AND m.rounds < 3"
        "   AND m.first_sent_at IS NOT NULL"
        "   AND (m.last_round_at IS NULL OR m.last_round_at <= now() - interval '1 hour')"
        "   AND w.id = m.wave_id AND" MAIL_WAVE_OPEN " RETURNING m.wave_id),"
        " o AS (INSERT INTO mail_outbox (wave_id, layer, round, recipient_id)"
        "   SELECT r.wave_id, r.layer, $2, r.id FROM m"
        "   JOIN mail_recipients r ON r.wave_id = m.wave_id"
        "   JOIN invitations inv ON inv.id = r.invitation_id"
        "   WHERE r.state = 2 AND NOT r.declined AND NOT" SUBMITTED(
            "inv") " ORDER BY r.id"
                   "   ON CONFLICT DO NOTHING RETURNING 1)"
                   " SELECT (SELECT count(*) FROM m), (SELECT count(*) FROM o)",
        2, p, err);
    if (!r) return -1;
    int started = PQgetvalue(r, 0, 0)[0] == '1';
    *n = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    PQclear(r);
    return started;
}

json_t *store_mail_rounds_due(PGconn *c, tm_error *err)
{
    PGresult *r = db_query(
        c,
        "SELECT m.wave_id, m.rounds + 1 FROM mail_waves m JOIN waves w ON w.id = m.wave_id"
        " WHERE m.forgotten_at IS NULL AND m.first_sent_at IS NOT NULL"
        " AND m.rounds < least(cardinality(m.reminder_days), 3)"
        " AND m.first_sent_at + make_interval(days => m.reminder_days[m.rounds + 1]) <= now()"
        " AND (m.last_round_at IS NULL OR m.last_round_at <= now() - interval '1 hour')"
        " AND" MAIL_WAVE_OPEN,
        0, NULL, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list, json_pack("[I, i]",
                                              (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10),
                                              atoi(PQgetvalue(r, i, 1))));
    PQclear(r);
    return list;
}

json_t *store_mail_waves_closed(PGconn *c, tm_error *err)
{
    PGresult *r = db_query(c,
                           "SELECT m.wave_id FROM mail_waves m JOIN waves w ON w.id = m.wave_id"
                           " WHERE m.forgotten_at IS NULL AND" MAIL_WAVE_CLOSED,
                           0, NULL, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list, json_integer(strtoll(PQgetvalue(r, i, 0), NULL, 10)));
    PQclear(r);
    return list;
}

int store_mail_forget(PGconn *c, long long wave, tm_error *err)
{
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt};
    return db_exec(c,
                   "WITH d AS (DELETE FROM mail_recipients WHERE wave_id = $1 RETURNING declined)"
                   " UPDATE mail_waves SET forgotten_at = now(),"
                   " declined = declined + (SELECT count(*) FROM d WHERE declined)"
                   " WHERE wave_id = $1",
                   1, p, err);
}

int store_mail_decline(PGconn *c, long long invitation, tm_error *err)
{
    char it[24];
    store_sql_id(invitation, it);
    const char *p[] = {it};
    PGresult *r = db_query(c,
                           "UPDATE mail_recipients SET declined = true WHERE invitation_id = $1"
                           " RETURNING 1",
                           1, p, err);
    if (!r) return -1;
    int n = PQntuples(r);
    PQclear(r);
    return n > 0;
}

/* ---- a message's context ------------------------------------------------ */

/* The columns after WAVE_COLUMNS that fill a context. */
#define CONTEXT_COLUMNS " " CLOSES_LOCAL ", t.subject, t.body"

static char *strdup_or_null(PGresult *r, int col)
{
    return PQgetisnull(r, 0, col) ? NULL : strdup(PQgetvalue(r, 0, col));
}

static void context_row(PGresult *r, int col, store_mail_context *ctx)
{
    store_sql_wave_row(r, 0, col, &ctx->wave);
    int k = col + WAVE_NCOLUMNS; /* CONTEXT_COLUMNS start here */
    snprintf(ctx->closes_at, sizeof ctx->closes_at, "%s", PQgetvalue(r, 0, k));
    ctx->subject = strdup_or_null(r, k + 1);
    ctx->body = strdup_or_null(r, k + 2);
}

int store_mail_context_get(PGconn *c, long long wave, const char *lang, const char *kind,
                           store_mail_context *ctx, tm_error *err)
{
    memset(ctx, 0, sizeof *ctx);
    char wt[24];
    store_sql_id(wave, wt);
    const char *p[] = {wt, lang, kind};
    PGresult *r = db_query(c,
                           "SELECT " WAVE_COLUMNS "," CONTEXT_COLUMNS WAVE_FROM
                           " LEFT JOIN mail_templates t ON t.wave_id = w.id AND t.lang = $2"
                           " AND t.kind = $3 WHERE w.id = $1",
                           3, p, err);
    if (!r) return -1;
    int rc = 0;
    if (PQntuples(r) != 1)
        rc = tm_error_set(err, 404, "wave %lld does not exist", wave);
    else
        context_row(r, 0, ctx);
    PQclear(r);
    return rc;
}

void store_mail_context_clear(store_mail_context *ctx)
{
    free(ctx->subject);
    free(ctx->body);
    ctx->subject = ctx->body = NULL;
}

/* ---- sending ------------------------------------------------------------ */

int store_mail_claim(PGconn *c, store_mail_job *job, tm_error *err)
{
    memset(job, 0, sizeof *job);
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    /* Few tables, so that planning stays cheap: the wave's context comes
     * from store_mail_context_get (the sender keeps it a moment). */
    PGresult *r =
        db_query(c,
                 "SELECT q.id, q.round, q.attempts, r.id, r.wave_id, r.layer, r.lang, r.email,"
                 " encode(r.salt, 'hex'), encode(inv.token_hash, 'hex'), r.declined," SUBMITTED(
                     "inv") " FROM mail_outbox q JOIN mail_recipients r ON r.id = q.recipient_id"
                            " JOIN invitations inv ON inv.id = r.invitation_id"
                            " WHERE q.state = 0 AND q.next_attempt_at <= now()"
                            " ORDER BY q.next_attempt_at, q.id LIMIT 1 FOR UPDATE OF q SKIP LOCKED",
                 0, NULL, err);
    if (!r) {
        db_rollback(c, own);
        return -1;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        db_rollback(c, own);
        return 0;
    }
    job->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    job->round = atoi(PQgetvalue(r, 0, 1));
    job->attempts = atoi(PQgetvalue(r, 0, 2));
    job->recipient = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
    job->wave = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
    job->layer = atoi(PQgetvalue(r, 0, 5));
    snprintf(job->lang, sizeof job->lang, "%s", PQgetvalue(r, 0, 6));
    snprintf(job->email, sizeof job->email, "%s", PQgetvalue(r, 0, 7));
    snprintf(job->salt_hex, sizeof job->salt_hex, "%s", PQgetvalue(r, 0, 8));
    snprintf(job->hash_hex, sizeof job->hash_hex, "%s", PQgetvalue(r, 0, 9));
    job->declined = PQgetvalue(r, 0, 10)[0] == 't';
    job->submitted = PQgetvalue(r, 0, 11)[0] == 't';
    PQclear(r);
    /* What the relay's answer may undo. */
    if (db_exec(c, "SAVEPOINT claimed", 0, NULL, err) != 0) {
        db_rollback(c, 1);
        return -1;
    }
    return 1;
}

int store_mail_job_mark_sent(PGconn *c, const store_mail_job *job, tm_error *err)
{
    char it[24], rt[24];
    store_sql_id(job->id, it);
    store_sql_id(job->recipient, rt);
    const char *p[] = {it, rt};
    return db_exec(c,
                   "WITH q AS (UPDATE mail_outbox SET state = 1, recipient_id = NULL,"
                   "   last_error = NULL, attempts = attempts + 1 WHERE id = $1 RETURNING round)"
                   " UPDATE mail_recipients SET state = 2, error = NULL"
                   " WHERE id = $2 AND (SELECT round FROM q) = 0",
                   2, p, err);
}

int store_mail_job_commit(PGconn *c, tm_error *err)
{
    return db_exec(c, "COMMIT", 0, NULL, err);
}

/* Back to the savepoint, one statement, commit; all rolled back on failure. */
static int job_end(PGconn *c, const char *sql, int n, const char *const *p, tm_error *err)
{
    int rc = db_exec(c, "ROLLBACK TO SAVEPOINT claimed", 0, NULL, err);
    if (rc == 0) rc = db_exec(c, sql, n, p, err);
    if (rc == 0) rc = db_exec(c, "COMMIT", 0, NULL, err);
    if (rc != 0) db_rollback(c, 1);
    return rc;
}

int store_mail_job_retry(PGconn *c, const store_mail_job *job, double delay, const char *error,
                         tm_error *err)
{
    char it[24], seconds[32];
    store_sql_id(job->id, it);
    snprintf(seconds, sizeof seconds, "%.3f", delay);
    const char *p[] = {it, error, seconds};
    return job_end(c,
                   "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2,"
                   " next_attempt_at = now() + make_interval(secs => $3::float8) WHERE id = $1",
                   3, p, err);
}

int store_mail_job_fail(PGconn *c, const store_mail_job *job, const char *error, tm_error *err)
{
    char it[24], rt[24];
    store_sql_id(job->id, it);
    store_sql_id(job->recipient, rt);
    const char *p[] = {it, rt, error};
    return job_end(c,
                   "WITH q AS (UPDATE mail_outbox SET state = 2, recipient_id = NULL,"
                   "   last_error = NULL, attempts = attempts + 1 WHERE id = $1)"
                   " UPDATE mail_recipients SET state = 3, error = $3 WHERE id = $2",
                   3, p, err);
}

int store_mail_job_cancel(PGconn *c, const store_mail_job *job, tm_error *err)
{
    char it[24];
    store_sql_id(job->id, it);
    const char *p[] = {it};
    return job_end(c,
                   "UPDATE mail_outbox SET state = 3, recipient_id = NULL, last_error = NULL"
                   " WHERE id = $1",
                   1, p, err);
}

void store_mail_job_release(PGconn *c)
{
    db_rollback(c, 1);
}
