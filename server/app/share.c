/* share.c - see share.h. */
#include "server/app/share.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/html/summary.h"
#include "server/app/analysis_service.h"
#include "server/app/auth.h"
#include "server/store/invitations.h"
#include "server/store/share_links.h"

static void field_problem(tm_error *err, const char *field, const char *msg)
{
    tm_error_add_json(err, json_pack("{s:s, s:s}", "field", field, "error", msg));
}

/* The expiry as timestamptz text into buf, from exactly one of the two
 * fields; 0, or -1 with err (422 naming the fields, 503). */
static int expiry_of(PGconn *c, json_t *body, char *buf, size_t size, tm_error *err)
{
    int bad = 0;
    json_t *at = json_object_get(body, "expires_at");
    json_t *days = json_object_get(body, "expires_in_days");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "expires_at") && strcmp(key, "expires_in_days"))
            field_problem(err, key, "is not a field of a share link"), bad = 1;
    }
    if (!at && !days) {
        field_problem(err, "expires_at",
                      "is required (or expires_in_days): a share link must expire");
        bad = 1;
    } else if (at && days) {
        field_problem(err, "expires_in_days", "give either expires_at or expires_in_days");
        bad = 1;
    } else if (days) {
        if (!json_is_integer(days) || json_integer_value(days) < 1 ||
            json_integer_value(days) > SHARE_MAX_DAYS)
            field_problem(err, "expires_in_days", "must be a whole number of days from 1 to 366"),
                bad = 1;
    } else if (!json_is_string(at) || json_string_length(at) == 0 || json_string_length(at) > 64) {
        field_problem(err, "expires_at", "must be a time such as 2026-12-31T17:00:00Z"), bad = 1;
    } else {
        int ok = store_share_links_expiry_valid(c, json_string_value(at), SHARE_MAX_DAYS, err);
        if (ok < 0) return -1;
        if (!ok)
            field_problem(err, "expires_at",
                          "must be a valid time from one minute to 366 days from now (ISO 8601, "
                          "e.g. 2026-12-31T17:00:00Z)"),
                bad = 1;
        else
            snprintf(buf, size, "%s", json_string_value(at));
    }
    if (bad) return tm_error_set(err, 422, "the share link cannot be made");
    if (days) {
        /* days from now, in UTC */
        time_t t = time(NULL) + (time_t)json_integer_value(days) * 86400;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    return 0;
}

json_t *share_create(app *a, PGconn *c, const caller *who, const wave_info *w, json_t *body,
                     tm_error *err)
{
    char expires[80];
    if (expiry_of(c, body, expires, sizeof expires, err) != 0) return NULL;
    if (strcmp(w->status, "closed")) {
        tm_error_set(err, 409,
                     "wave %lld is not closed: its summary can be shared once the wave is "
                     "closed",
                     w->id);
        return NULL;
    }
    char token[TOKEN_TEXT_MAX], hash[TOKEN_HASH_HEX];
    auth_token_new(token, hash);
    json_t *o = store_share_links_insert(c, w->id, hash, expires, who ? who->key_id : 0, err);
    if (!o) return NULL;
    char url[512];
    snprintf(url, sizeof url, "%s/raad/s/%s", app_base_url(a), token);
    json_object_set_new(o, "url", json_string(url));
    json_object_set_new(o, "token", json_string(token));
    return o;
}

json_t *share_list(PGconn *c, const wave_info *w, tm_error *err)
{
    json_t *list = store_share_links_list(c, w->id, err);
    return list ? json_pack("{s:o}", "shares", list) : NULL;
}

json_t *share_revoke(PGconn *c, const wave_info *w, long long id, tm_error *err)
{
    if (id <= 0) {
        tm_error_set(err, 404, "no such share link");
        return NULL;
    }
    return store_share_links_revoke(c, w->id, id, err);
}

/* The wave behind a token, checked; 0 or -1 with err. */
static int share_wave(app *a, PGconn *c, const char *token, const char *client, wave_info *w,
                      int *retry_after, tm_error *err)
{
    /* Unknown links count against the address as unknown survey links do:
     * a valid link is always answered (server/app/ratelimit.h). */
    char hash[TOKEN_HASH_HEX];
    long long wave = 0;
    *retry_after = 0;
    if (!auth_token_well_formed(token)) {
        tm_error_set(err, 404, "this link is not known");
        *retry_after = app_token_failed(a, c, client, token, err);
        return -1;
    }
    auth_token_hash(token, hash);
    if (store_share_links_find(c, hash, &wave, err) != 0) {
        if (err->status == 404) *retry_after = app_token_failed(a, c, client, token, err);
        return -1;
    }
    if (store_waves_get(c, NULL, wave, w, err) != 0) return -1;
    /* a link is made for a closed wave only, and a wave never reopens; this
     * is the second lock on the one-publication rule */
    if (strcmp(w->status, "closed")) return tm_error_set(err, 404, "this link is not known");
    return 0;
}

char *share_summary(app *a, PGconn *c, const wave_info *w, const char *lang, size_t *len,
                    tm_error *err)
{
    if (strcmp(w->status, "closed")) {
        tm_error_set(err, 409, "wave %lld is not closed: its summary is shown once it is closed",
                     w->id);
        return NULL;
    }
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    if (!in) return NULL;
    /* The page is written from the part a viewer may read, as the council's
     * workbook is: whatever it comes to show, nothing per item can slip in. */
    json_t *analysis = analysis_service_read(a, c, w, 1, err);
    if (!analysis) return NULL;
    const char *keys[INSTRUMENT_MAX_LAYERS];
    for (size_t i = 0; i < in->n_layers; i++)
        keys[i] = in->layers[i].key;
    json_t *progress = store_invitations_progress(c, w->id, keys, in->n_layers, err);
    char *html = NULL;
    if (progress) {
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", &tm);
        summary_input s = {.in = in,
                           .analysis = analysis,
                           .progress = progress,
                           .lang = lang,
                           .generated_at = stamp,
                           .css_href = SHARE_CSS_PATH};
        html = summary_render(&s, len, err);
    }
    json_decref(progress);
    json_decref(analysis);
    return html;
}

char *share_page(app *a, PGconn *c, const char *token, const char *client, const char *lang,
                 size_t *len, int *retry_after, tm_error *err)
{
    wave_info w;
    if (share_wave(a, c, token, client, &w, retry_after, err) != 0) return NULL;
    return share_summary(a, c, &w, lang, len, err);
}

const char *share_css(void)
{
    return summary_css;
}
