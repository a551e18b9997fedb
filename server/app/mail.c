/* mail.c - see mail.h. */
#include "server/app/mail.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/mail_address.h"
#include "core/text.h"
#include "server/app/mail_compose.h"
#include "server/app/mail_sender.h"
#include "server/store/db.h"
#include "server/store/mail.h"

#define TESTS_PER_MINUTE 10
#define STATUS_FAILED_MAX 1000 /* failed addresses listed; the count covers all */

struct mail_service {
    mail_settings settings;
    mail_sender *sender;  /* sends when mail is set up; deletes addresses at closing always */
    pthread_mutex_t lock; /* guards the test mail count */
    time_t test_minute;
    int tests;
};

static const char *const langs[] = {"nl", "en"};
static const char *const kinds[] = {"invitation", "reminder"};
static const char *const count_names[] = {"recipients",     "not_sent", "queued",
                                          "invited",        "failed",   "declined",
                                          "reminders_sent", "retrying", "cancelled"};

int mail_start(app *a, tm_error *err)
{
    if (smtp_global_init(err) != 0) return -1;
    mail_service *m = calloc(1, sizeof *m);
    if (!m) return tm_error_set(err, 500, "out of memory starting mail");
    pthread_mutex_init(&m->lock, NULL);
    if (mail_settings_from_env(&m->settings, app_seal_key(a), err) != 0) {
        pthread_mutex_destroy(&m->lock);
        free(m);
        smtp_global_cleanup();
        return -1;
    }
    app_set_mail(a, m);
    const mail_settings *s = &m->settings;
    m->sender = mail_sender_start(a, s, err);
    if (!m->sender) return -1;
    if (!s->configured)
        fprintf(stderr, "mail: not set up (SMTP_URL is not set): invitations go by CSV mail "
                        "merge (POST /api/v1/waves/{id}/invitations, Accept: text/csv)\n");
    else if (s->rate)
        fprintf(stderr, "mail: relay %s (TLS: %s), from %s, at most %d a minute\n", s->relay.shown,
                smtp_tls_name(s->relay.tls), s->from, s->rate);
    else
        fprintf(stderr, "mail: relay %s (TLS: %s), from %s, no rate limit\n", s->relay.shown,
                smtp_tls_name(s->relay.tls), s->from);
    return 0;
}

void mail_stop_soon(app *a)
{
    mail_service *m = app_mail(a);
    if (m) mail_sender_stop_soon(m->sender);
}

void mail_stop(app *a)
{
    mail_service *m = app_mail(a);
    if (!m) return;
    app_set_mail(a, NULL);
    mail_sender_stop(m->sender);
    sodium_memzero(&m->settings, sizeof m->settings); /* the key and the relay's password */
    pthread_mutex_destroy(&m->lock);
    free(m);
    smtp_global_cleanup();
}

/* The service, or NULL with err 503 when mail is not set up. */
static mail_service *configured(app *a, const wave_info *w, tm_error *err)
{
    mail_service *m = app_mail(a);
    if (m && m->settings.configured) return m;
    tm_error_set(err, 503,
                 "mail is not set up on this server (SMTP_URL is not set); send the invitations "
                 "with a mail merge instead: POST /api/v1/waves/%lld/invitations with Accept: "
                 "text/csv gives a link per person",
                 w->id);
    return NULL;
}

static int wave_is_open(const wave_info *w, const char *what, tm_error *err)
{
    if (!strcmp(w->status, "open")) return 1;
    if (!strcmp(w->status, "closed"))
        tm_error_set(err, 409, "the wave is closed: no %s", what);
    else
        tm_error_set(err, 409,
                     "the wave is not open: open it first (POST /api/v1/waves/%lld/open), or the "
                     "links would show \"not open yet\"; no %s",
                     w->id, what);
    return 0;
}

/* Invitations by e-mail are invitations: a wave made for import has none
 * (collection.h), so that no known rows and no real respondents meet. */
static int wave_collects_online(const wave_info *w, tm_error *err)
{
    if (!strcmp(w->collection, "online")) return 1;
    tm_error_set(err, 409,
                 "wave %lld was made for import (\"collection\": \"import\"): it has no "
                 "invitations, by e-mail or otherwise; answers reach it only by bulk import",
                 w->id);
    return 0;
}

/* The index of the layer named key (any case), or -1. */
static int layer_index(const instrument *in, const char *key)
{
    for (size_t i = 0; key && i < in->n_layers; i++)
        if (!strcasecmp(in->layers[i].key, key)) return (int)i;
    return -1;
}

static const char *layer_key(const instrument *in, int i)
{
    return i >= 0 && (size_t)i < in->n_layers ? in->layers[i].key : "?";
}

static void layer_names(const instrument *in, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < in->n_layers; i++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", i ? ", " : "", in->layers[i].key);
    }
}

static void field_problem(tm_error *err, const char *field, const char *msg)
{
    tm_error_add_json(err, json_pack("{s:s, s:s}", "field", field, "error", msg));
}

/* ---- status ------------------------------------------------------------- */

static json_t *status_counts(const instrument *in, json_t *counts, json_t *status)
{
    json_t *layers = json_array(), *totals = json_object();
    for (size_t k = 0; k < sizeof count_names / sizeof *count_names; k++)
        json_object_set_new(totals, count_names[k], json_integer(0));
    for (size_t li = 0; li < in->n_layers; li++) {
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(counts, "layers"), i, e)
        {
            if (json_integer_value(json_object_get(e, "layer")) != (json_int_t)li) continue;
            json_t *row = json_pack("{s:s}", "layer", in->layers[li].key);
            for (size_t k = 0; k < sizeof count_names / sizeof *count_names; k++) {
                json_int_t v = json_integer_value(json_object_get(e, count_names[k]));
                json_object_set_new(row, count_names[k], json_integer(v));
                json_object_set_new(
                    totals, count_names[k],
                    json_integer(json_integer_value(json_object_get(totals, count_names[k])) + v));
            }
            json_array_append_new(layers, row);
        }
    }
    /* Declines of a closed wave outlive its addresses, per wave only. */
    json_int_t kept = json_integer_value(json_object_get(counts, "declined_kept"));
    json_object_set_new(
        totals, "declined",
        json_integer(json_integer_value(json_object_get(totals, "declined")) + kept));
    json_object_set_new(status, "layers", layers);
    json_object_set_new(status, "totals", totals);
    return status;
}

static json_t *status_reminders(json_t *row)
{
    json_t *r = json_object();
    int has = json_is_object(row);
    json_object_set_new(r, "after_days",
                        has ? json_incref(json_object_get(row, "reminder_days"))
                            : json_pack("[i, i]", 7, 12));
    json_object_set_new(r, "rounds_sent",
                        json_integer(has ? json_integer_value(json_object_get(row, "rounds")) : 0));
    json_object_set_new(r, "max_rounds", json_integer(STORE_MAIL_ROUNDS));
    const char *times[] = {"first_sent_at", "last_round_at", "next_round_at",
                           "next_manual_round_at"};
    for (size_t i = 0; i < sizeof times / sizeof *times; i++)
        json_object_set_new(r, times[i],
                            has ? json_incref(json_object_get(row, times[i])) : json_null());
    return r;
}

json_t *mail_status(app *a, PGconn *c, const wave_info *w, int with_addresses, tm_error *err)
{
    mail_service *m = app_mail(a);
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    if (!in) return NULL;
    json_t *counts = store_mail_counts(c, w->id, err);
    json_t *row = counts ? store_mail_wave(c, w->id, err) : NULL;
    json_t *failed = row ? store_mail_failed(c, w->id, err) : NULL;
    if (!failed) {
        json_decref(counts);
        json_decref(row);
        return NULL;
    }
    json_t *o = json_pack("{s:I, s:b}", "wave_id", (json_int_t)w->id, "configured",
                          m && m->settings.configured);
    if (m && m->settings.configured) {
        const mail_settings *s = &m->settings;
        json_t *relay =
            json_pack("{s:s, s:s, s:s, s:s, s:i, s:f}", "url", s->relay.shown, "tls",
                      smtp_tls_name(s->relay.tls), "from", s->from, "from_name", s->from_name,
                      "rate_per_minute", s->rate, "backoff_seconds", s->backoff);
        json_t *seen = mail_sender_status(m->sender);
        json_object_update(relay, seen);
        json_decref(seen);
        json_object_set_new(o, "relay", relay);
    } else {
        char msg[400];
        snprintf(msg, sizeof msg,
                 "Mail is not set up on this server: SMTP_URL is not set (see the README, "
                 "\"Mail\"). Until it is, make a mail merge: POST /api/v1/waves/%lld/invitations "
                 "{\"layer\", \"count\"} with Accept: text/csv gives a link per person.",
                 w->id);
        json_object_set_new(o, "message", json_string(msg));
        char path[96];
        snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", w->id);
        json_object_set_new(
            o, "mail_merge",
            json_pack("{s:s, s:s, s:s}", "method", "POST", "path", path, "accept", "text/csv"));
    }
    status_counts(in, counts, o);
    json_object_set_new(o, "reminders", status_reminders(row));
    json_object_set_new(o, "addresses_deleted_at",
                        json_is_object(row) ? json_incref(json_object_get(row, "forgotten_at"))
                                            : json_null());
    json_t *shown = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(failed, i, f)
    {
        if (i >= STATUS_FAILED_MAX || !with_addresses) break;
        json_array_append_new(
            shown, json_pack("{s:O, s:s, s:O}", "email", json_object_get(f, "email"), "layer",
                             layer_key(in, (int)json_integer_value(json_object_get(f, "layer"))),
                             "error", json_object_get(f, "error")));
    }
    if (with_addresses)
        json_object_set_new(o, "failed", shown);
    else
        json_decref(shown);
    json_decref(counts);
    json_decref(row);
    json_decref(failed);
    return o;
}

/* ---- recipients --------------------------------------------------------- */

/* Lines of the list by lower-case address, to name the ones the wave has. */
static void name_existing(const mail_list *l, json_t *existing, tm_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        size_t k;
        json_t *e;
        json_array_foreach(existing, k,
                           e) if (!strcasecmp(json_string_value(e), l->entries[i].email))
        {
            mail_list_problem(err, l->entries[i].line, l->entries[i].email,
                              "is on this wave's list already");
            break;
        }
    }
}

/* The entries as rows to store, salts and token hashes made. NULL when
 * memory ran out. */
static store_mail_new *new_rows(const mail_settings *s, const instrument *in, const mail_list *l,
                                char (*salts)[MAIL_SALT_HEX], char (*hashes)[TOKEN_HASH_HEX])
{
    store_mail_new *rows = calloc(l->n ? l->n : 1, sizeof *rows);
    if (!rows) return NULL;
    for (size_t i = 0; i < l->n; i++) {
        char token[TOKEN_TEXT_MAX];
        mail_salt_new(salts[i]);
        mail_token(s, salts[i], token, hashes[i]);
        sodium_memzero(token, sizeof token);
        rows[i] = (store_mail_new){layer_index(in, l->entries[i].layer), l->entries[i].lang,
                                   l->entries[i].email, salts[i], hashes[i]};
    }
    return rows;
}

static json_t *added_summary(const instrument *in, const store_mail_new *rows, size_t n)
{
    json_t *layers = json_array();
    for (size_t li = 0; li < in->n_layers; li++) {
        json_int_t k = 0;
        for (size_t i = 0; i < n; i++)
            k += rows[i].layer == (int)li;
        if (k)
            json_array_append_new(layers,
                                  json_pack("{s:s, s:I}", "layer", in->layers[li].key, "added", k));
    }
    return json_pack("{s:I, s:o, s:s}", "added", (json_int_t)n, "layers", layers, "next",
                     "nothing is sent yet: preview the mail, then send the invitations");
}

static int check_upload_args(const instrument *in, const char *layer, const char *lang,
                             tm_error *err)
{
    int bad = 0;
    if (layer && layer_index(in, layer) < 0) {
        char names[256], msg[320];
        layer_names(in, names, sizeof names);
        snprintf(msg, sizeof msg, "must be one of the instrument's layers: %s", names);
        field_problem(err, "layer", msg);
        bad = 1;
    }
    if (lang && strcasecmp(lang, "nl") && strcasecmp(lang, "en"))
        field_problem(err, "lang", "must be nl or en"), bad = 1;
    return bad ? tm_error_set(err, 422, "the list cannot be read") : 0;
}

json_t *mail_recipients_add(app *a, PGconn *c, const wave_info *w, const char *text, size_t len,
                            const char *layer, const char *lang, tm_error *err)
{
    mail_service *m = configured(a, w, err);
    if (!m) return NULL;
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    if (!in || check_upload_args(in, layer, lang, err) != 0 || !wave_collects_online(w, err))
        return NULL;
    if (!strcmp(w->status, "closed")) {
        tm_error_set(err, 409, "the wave is closed: no new addresses");
        return NULL;
    }
    mail_list l;
    int parsed = mail_list_parse(text ? text : "", text ? len : 0, layer, lang, &l, err);
    if (parsed != 0 && err->status != 422) {
        mail_list_free(&l);
        return NULL;
    }
    for (size_t i = 0; i < l.n; i++) {
        if (layer_index(in, l.entries[i].layer) >= 0) continue;
        char names[256];
        layer_names(in, names, sizeof names);
        mail_list_problem(err, l.entries[i].line, l.entries[i].email,
                          "has layer \"%.40s\", which the instrument does not have (%s)",
                          l.entries[i].layer, names);
    }
    if (tm_error_count(err) > 0) {
        mail_list_free(&l);
        tm_error_set(err, 422, "the list was not stored: correct the lines named below");
        return NULL;
    }
    char(*salts)[MAIL_SALT_HEX] = calloc(l.n + 1, sizeof *salts);
    char(*hashes)[TOKEN_HASH_HEX] = calloc(l.n + 1, sizeof *hashes);
    store_mail_new *rows = salts && hashes ? new_rows(&m->settings, in, &l, salts, hashes) : NULL;
    json_t *out = NULL, *existing = NULL;
    int rc = rows ? store_mail_recipients_add(c, w->id, rows, l.n, &existing, err)
                  : tm_error_set(err, 500, "out of memory reading the list");
    if (rc == 1) {
        name_existing(&l, existing, err);
        tm_error_set(err, 422, "the list was not stored: correct the lines named below");
    } else if (rc == 0) {
        out = added_summary(in, rows, l.n);
    }
    json_decref(existing);
    free(rows);
    free(salts);
    free(hashes);
    mail_list_free(&l);
    return out;
}

/* ---- wording ------------------------------------------------------------ */

json_t *mail_templates_get(app *a, PGconn *c, const wave_info *w, tm_error *err)
{
    (void)a;
    json_t *stored = store_mail_templates(c, w->id, err);
    if (!stored) return NULL;
    json_t *o = json_object();
    for (size_t li = 0; li < 2; li++) {
        json_t *by_kind = json_object();
        for (size_t ki = 0; ki < 2; ki++) {
            json_t *t = NULL;
            size_t i;
            json_t *s;
            json_array_foreach(
                stored, i,
                s) if (!strcmp(json_string_value(json_object_get(s, "lang")), langs[li]) &&
                       !strcmp(json_string_value(json_object_get(s, "kind")), kinds[ki])) t =
                json_pack("{s:O, s:O, s:b}", "subject", json_object_get(s, "subject"), "body",
                          json_object_get(s, "body"), "default", 0);
            if (!t)
                t = json_pack("{s:s, s:s, s:b}", "subject",
                              mail_default_subject(kinds[ki], langs[li]), "body",
                              mail_default_body(kinds[ki], langs[li]), "default", 1);
            json_object_set_new(by_kind, kinds[ki], t);
        }
        json_object_set_new(o, langs[li], by_kind);
    }
    json_object_set_new(o, "placeholders", mail_placeholders("en"));
    json_decref(stored);
    return o;
}

/* One template of a PUT: 1 to store (subject, body set), 0 to return to
 * the default, -1 when it is not a template (named in err). */
static int template_of(json_t *t, const char *where, const char **subject, const char **body,
                       tm_error *err)
{
    *subject = *body = NULL;
    if (json_is_null(t) || json_is_true(json_object_get(t, "default"))) return 0;
    if (!json_is_object(t)) {
        field_problem(err, where, "must be {\"subject\", \"body\"}, or null for the default");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(t, key, v) if (strcmp(key, "subject") && strcmp(key, "body") &&
                                       strcmp(key, "default"))
    {
        char at[96];
        snprintf(at, sizeof at, "%s.%s", where, key);
        field_problem(err, at, "is not a field of a template (subject, body)");
        return -1;
    }
    *subject = json_string_value(json_object_get(t, "subject"));
    *body = json_string_value(json_object_get(t, "body"));
    return mail_template_check(where, *subject, *body, err) ? -1 : 1;
}

json_t *mail_templates_put(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) if (strcmp(key, "nl") && strcmp(key, "en") &&
                                          strcmp(key, "placeholders"))
        field_problem(err, key, "is not a language of the mails (nl, en)");
    for (size_t li = 0; li < 2; li++) {
        json_t *by_kind = json_object_get(body, langs[li]);
        if (!by_kind) continue;
        json_object_foreach(by_kind, key,
                            v) if (strcmp(key, "invitation") && strcmp(key, "reminder"))
        {
            char at[64];
            snprintf(at, sizeof at, "%s.%s", langs[li], key);
            field_problem(err, at, "is not a kind of mail (invitation, reminder)");
        }
        for (size_t ki = 0; ki < 2; ki++) {
            json_t *t = json_object_get(by_kind, kinds[ki]);
            char where[64];
            snprintf(where, sizeof where, "%s.%s", langs[li], kinds[ki]);
            const char *subject, *text;
            if (t) template_of(t, where, &subject, &text, err);
        }
    }
    if (tm_error_count(err) > 0) {
        tm_error_set(err, 422, "the templates were not stored: correct the fields named below");
        return NULL;
    }
    int own, rc = db_begin(c, &own, err);
    for (size_t li = 0; rc == 0 && li < 2; li++)
        for (size_t ki = 0; rc == 0 && ki < 2; ki++) {
            json_t *t = json_object_get(json_object_get(body, langs[li]), kinds[ki]);
            const char *subject, *text;
            if (!t || template_of(t, "", &subject, &text, err) < 0) continue;
            rc = store_mail_template_set(c, w->id, langs[li], kinds[ki], subject, text, err);
        }
    if (rc == 0) rc = db_commit(c, own, err);
    if (rc != 0) {
        db_rollback(c, own);
        return NULL;
    }
    return mail_templates_get(a, c, w, err);
}

/* Checks the lang, kind and layer of a preview or test mail; fills *layer_i. */
static int mail_args(const instrument *in, const char *lang, const char *kind, const char *layer,
                     int *layer_i, tm_error *err)
{
    int bad = 0;
    if (lang && strcmp(lang, "nl") && strcmp(lang, "en"))
        field_problem(err, "lang", "must be nl or en"), bad = 1;
    if (kind && strcmp(kind, "invitation") && strcmp(kind, "reminder"))
        field_problem(err, "kind", "must be invitation or reminder"), bad = 1;
    *layer_i = layer ? layer_index(in, layer) : 0;
    if (*layer_i < 0) {
        char names[256], msg[320];
        layer_names(in, names, sizeof names);
        snprintf(msg, sizeof msg, "must be one of the instrument's layers: %s", names);
        field_problem(err, "layer", msg);
        bad = 1;
    }
    return bad ? tm_error_set(err, 422, "the mail cannot be made") : 0;
}

static json_t *from_text(const mail_settings *s, const wave_info *w)
{
    char buf[600];
    if (!s || !s->from[0])
        snprintf(buf, sizeof buf, "%s <MAIL_FROM>", w->organisation);
    else
        snprintf(buf, sizeof buf, "%s <%s>", s->from_name[0] ? s->from_name : w->organisation,
                 s->from);
    return json_string(buf);
}

json_t *mail_preview(app *a, PGconn *c, const wave_info *w, const char *lang, const char *kind,
                     const char *layer, tm_error *err)
{
    mail_service *m = app_mail(a);
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    int li;
    if (!in || mail_args(in, lang, kind, layer, &li, err) != 0) return NULL;
    lang = lang ? lang : "nl";
    kind = kind ? kind : "invitation";
    store_mail_context ctx;
    if (store_mail_context_get(c, w->id, lang, kind, &ctx, err) != 0) return NULL;
    mail_request q = {&ctx, kind, lang, li, NULL, NULL, NULL};
    strbuf subject = STRBUF_INIT(MAIL_MESSAGE_MAX), text = STRBUF_INIT(MAIL_MESSAGE_MAX),
           html = STRBUF_INIT(MAIL_MESSAGE_MAX);
    json_t *out = NULL;
    if (mail_compose_parts(a, c, &q, &subject, &text, &html, err) == 0)
        out = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "lang", lang, "kind", kind, "layer",
                        in->layers[li].key, "from", from_text(m ? &m->settings : NULL, &ctx.wave),
                        "subject", subject.buf, "text", text.buf, "html", html.buf);
    strbuf_release(&subject);
    strbuf_release(&text);
    strbuf_release(&html);
    store_mail_context_clear(&ctx);
    return out;
}

/* Counts a test mail; 0 when one more is allowed this minute. */
static int test_allowed(mail_service *m)
{
    time_t minute = time(NULL) / 60;
    pthread_mutex_lock(&m->lock);
    if (m->test_minute != minute) m->test_minute = minute, m->tests = 0;
    int ok = m->tests < TESTS_PER_MINUTE;
    if (ok) m->tests++;
    pthread_mutex_unlock(&m->lock);
    return ok;
}

json_t *mail_send_test(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err)
{
    mail_service *m = configured(a, w, err);
    if (!m) return NULL;
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    if (!in) return NULL;
    const char *to = json_string_value(json_object_get(body, "to"));
    const char *lang = json_string_value(json_object_get(body, "lang"));
    const char *kind = json_string_value(json_object_get(body, "kind"));
    const char *layer = json_string_value(json_object_get(body, "layer"));
    const char *why = to ? mail_address_problem(to, strlen(to)) : "is required";
    if (why) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s%s", to ? "the address " : "", why);
        field_problem(err, "to", msg);
    }
    int li;
    if (mail_args(in, lang, kind, layer, &li, err) != 0 || why) {
        tm_error_set(err, 422, "the test mail cannot be sent");
        return NULL;
    }
    if (!test_allowed(m)) {
        tm_error_set(err, 429, "at most %d test mails a minute; try again in a minute",
                     TESTS_PER_MINUTE);
        return NULL;
    }
    lang = lang ? lang : "nl";
    kind = kind ? kind : "invitation";
    store_mail_context ctx;
    if (store_mail_context_get(c, w->id, lang, kind, &ctx, err) != 0) return NULL;
    mail_request q = {&ctx, kind, lang, li, NULL, to, "[Test] "};
    size_t len = 0;
    char *message = mail_compose(a, c, &m->settings, &q, &len, err);
    store_mail_context_clear(&ctx);
    if (!message) return NULL;
    smtp_client *smtp = smtp_client_new(&m->settings.relay, NULL);
    smtp_result res;
    if (smtp)
        smtp_client_send(smtp, m->settings.from, to, message, len, &res);
    else
        res = (smtp_result){SMTP_RELAY_DOWN, 0, "out of memory", "out of memory"};
    smtp_client_free(smtp);
    free(message);
    if (res.outcome == SMTP_SENT)
        return json_pack("{s:b, s:s, s:s}", "sent", 1, "to", to, "relay_reply", res.reply);
    if (res.outcome == SMTP_RELAY_DOWN)
        tm_error_set(err, 502, "the test mail was not sent: the relay %s: %s",
                     m->settings.relay.shown, res.reason);
    else
        tm_error_set(err, 502, "the test mail was not sent: the relay answered: %s", res.reply);
    return NULL;
}

/* ---- sending ------------------------------------------------------------ */

json_t *mail_send_invitations(app *a, PGconn *c, const wave_info *w, tm_error *err)
{
    mail_service *m = configured(a, w, err);
    if (!m || !wave_collects_online(w, err) || !wave_is_open(w, "invitations are sent", err))
        return NULL;
    long long n = 0;
    if (store_mail_queue_invitations(c, w->id, &n, err) != 0) return NULL;
    mail_sender_wake(m->sender);
    return json_pack("{s:I}", "queued", (json_int_t)n);
}

json_t *mail_remind_now(app *a, PGconn *c, const wave_info *w, tm_error *err)
{
    mail_service *m = configured(a, w, err);
    if (!m || !wave_is_open(w, "reminders are sent", err)) return NULL;
    json_t *row = store_mail_wave(c, w->id, err);
    if (!row) return NULL;
    int round =
        json_is_object(row) ? (int)json_integer_value(json_object_get(row, "rounds")) + 1 : 1;
    long long n = 0;
    int started = json_is_object(row) && !json_is_null(json_object_get(row, "first_sent_at"))
                      ? store_mail_round_start(c, w->id, round, &n, err)
                      : 0;
    json_t *out = NULL;
    if (started > 0) {
        mail_sender_wake(m->sender);
        out = json_pack("{s:i, s:I}", "round", round, "queued", (json_int_t)n);
    } else if (started == 0) {
        if (!json_is_object(row) || json_is_null(json_object_get(row, "first_sent_at")))
            tm_error_set(err, 409, "no invitations have gone out yet: send them first");
        else if (round > STORE_MAIL_ROUNDS)
            tm_error_set(err, 409, "all %d reminder rounds have been sent; nobody gets more",
                         STORE_MAIL_ROUNDS);
        else
            tm_error_set(err, 409,
                         "a reminder round started less than an hour ago; the next may start "
                         "from %s (UTC)",
                         json_string_value(json_object_get(row, "next_manual_round_at")));
    }
    json_decref(row);
    return out;
}

json_t *mail_schedule_set(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err)
{
    json_t *days = json_object_get(body, "after_days");
    int list[STORE_MAIL_ROUNDS],
        n = 0, bad = !json_is_array(days) || json_array_size(days) > STORE_MAIL_ROUNDS;
    size_t i;
    json_t *d;
    json_array_foreach(days, i, d)
    {
        if (bad) break;
        json_int_t v = json_integer_value(d);
        if (!json_is_integer(d) || v < 1 || v > 90 || (n && v <= list[n - 1]))
            bad = 1;
        else
            list[n++] = (int)v;
    }
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) if (strcmp(key, "after_days"))
        field_problem(err, key, "is not a field of the schedule (after_days)");
    if (bad)
        field_problem(err, "after_days",
                      "must be a list of at most 3 whole days from 1 to 90, rising, such as "
                      "[7, 12]; [] sends reminders by hand only");
    if (tm_error_count(err) > 0) {
        tm_error_set(err, 422, "the schedule was not stored");
        return NULL;
    }
    if (!strcmp(w->status, "closed")) {
        tm_error_set(err, 409, "the wave is closed: no more reminders");
        return NULL;
    }
    if (store_mail_schedule_set(c, w->id, list, (size_t)n, err) != 0) return NULL;
    return mail_status(a, c, w, 1, err);
}

int mail_decline(PGconn *c, const respondent *r, tm_error *err)
{
    if (r->invitation_id <= 0) return 0;
    return store_mail_decline(c, r->invitation_id, err);
}

int mail_forget_wave(PGconn *c, long long wave, tm_error *err)
{
    return store_mail_forget(c, wave, err);
}
