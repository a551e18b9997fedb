/* store.c - see store.h. */
#include "server/store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"

#define WAVE_COLUMNS                                                                               \
    "w.id, w.organisation_id, w.instrument_id,"                                                    \
    " CASE WHEN w.status = 'open' AND w.closes_at IS NOT NULL AND w.closes_at <= now()"            \
    "  THEN 'closed' ELSE w.status END,"                                                           \
    " (w.status = 'open' AND (w.opens_at IS NULL OR w.opens_at <= now())"                          \
    "  AND (w.closes_at IS NULL OR w.closes_at > now())),"                                         \
    " w.min_group_size, coalesce(w.previous_wave_id, 0), w.name, o.name,"                          \
    " i.key || '@' || i.version"

#define WAVE_FROM                                                                                  \
    " FROM waves w JOIN organisations o ON o.id = w.organisation_id"                               \
    " JOIN instruments i ON i.id = w.instrument_id"

#define ACCEPTING_WAVE                                                                             \
    " w.status = 'open' AND (w.opens_at IS NULL OR w.opens_at <= now())"                           \
    " AND (w.closes_at IS NULL OR w.closes_at > now())"

/* The scope condition: $N is the key's role, $N+1 its id. */
#define IN_SCOPE(role_param, key_param)                                                            \
    " (" role_param " = 'admin' OR EXISTS (SELECT 1 FROM api_key_organisations g"                  \
    "  WHERE g.api_key_id = " key_param "::bigint AND g.organisation_id = o.id))"

static void wave_from_row(PGresult *r, int row, int col, wave_info *w)
{
    w->id = strtoll(PQgetvalue(r, row, col), NULL, 10);
    w->organisation_id = strtoll(PQgetvalue(r, row, col + 1), NULL, 10);
    w->instrument_id = atoi(PQgetvalue(r, row, col + 2));
    snprintf(w->status, sizeof w->status, "%s", PQgetvalue(r, row, col + 3));
    w->accepting = PQgetvalue(r, row, col + 4)[0] == 't';
    w->min_group_size = atoi(PQgetvalue(r, row, col + 5));
    w->previous_wave_id = strtoll(PQgetvalue(r, row, col + 6), NULL, 10);
    snprintf(w->name, sizeof w->name, "%s", PQgetvalue(r, row, col + 7));
    snprintf(w->organisation, sizeof w->organisation, "%s", PQgetvalue(r, row, col + 8));
    snprintf(w->instrument, sizeof w->instrument, "%s", PQgetvalue(r, row, col + 9));
}

static void id_text(long long id, char buf[24])
{
    snprintf(buf, 24, "%lld", id);
}

static const char *who_role(const auth_context *who)
{
    return who ? role_name(who->role) : "admin";
}

static const char *who_key(const auth_context *who)
{
    return who && who->key_id_text[0] ? who->key_id_text : "0";
}

/* ---- organisations ------------------------------------------------------ */

static int code_valid(const char *code)
{
    if (!code || strlen(code) != 6 || strncmp(code, "GM", 2) != 0) return 0;
    for (int i = 2; i < 6; i++)
        if (code[i] < '0' || code[i] > '9') return 0;
    return 1;
}

json_t *store_organisation_create(PGconn *c, const auth_context *who, const char *name,
                                  const char *code, tm_error *err)
{
    if (!name || !*name || strlen(name) > 200)
        tm_error_add_json(err, json_pack("{s:s, s:s}", "field", "name", "error",
                                         "is required: 1 to 200 characters"));
    if (!code_valid(code))
        tm_error_add_json(err, json_pack("{s:s, s:s}", "field", "code", "error",
                                         "must be a CBS municipality code like \"GM0171\""));
    if (tm_error_count(err) > 0) {
        tm_error_set(err, 422, "the organisation cannot be created");
        return NULL;
    }
    int own;
    if (db_begin(c, &own, err) != 0) return NULL;
    const char *p[] = {name, code};
    PGresult *r = db_query(c,
                           "INSERT INTO organisations (name, code) VALUES ($1, $2)"
                           " RETURNING id, name, code, to_char(created_at AT TIME ZONE 'UTC', "
                           "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
                           2, p, err);
    if (!r) {
        if (err->status == 409)
            tm_error_set(err, 409, "an organisation with code %s exists already", code);
        return NULL;
    }
    if (who && who->role == ROLE_CONSULTANT) {
        const char *g[] = {who->key_id_text, PQgetvalue(r, 0, 0)};
        if (db_exec(c,
                    "INSERT INTO api_key_organisations (api_key_id, organisation_id)"
                    " VALUES ($1, $2)",
                    2, g, err) != 0) {
            PQclear(r);
            return NULL;
        }
    }
    if (db_commit(c, own, err) != 0) {
        PQclear(r);
        return NULL;
    }
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s}", "id", (json_int_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10), "name",
        PQgetvalue(r, 0, 1), "code", PQgetvalue(r, 0, 2), "created_at", PQgetvalue(r, 0, 3));
    PQclear(r);
    return o;
}

json_t *store_organisations_list(PGconn *c, const auth_context *who, tm_error *err)
{
    const char *p[] = {who_role(who), who_key(who)};
    PGresult *r =
        db_query(c,
                 "SELECT o.id, o.name, o.code,"
                 " to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                 " FROM organisations o"
                 " WHERE" IN_SCOPE("$1", "$2") " ORDER BY o.name, o.id",
                 2, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list,
                              json_pack("{s:I, s:s, s:s, s:s}", "id",
                                        (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10), "name",
                                        PQgetvalue(r, i, 1), "code", PQgetvalue(r, i, 2),
                                        "created_at", PQgetvalue(r, i, 3)));
    PQclear(r);
    return list;
}

/* ---- waves -------------------------------------------------------------- */

int store_wave_get(PGconn *c, const auth_context *who, long long id, wave_info *w, tm_error *err)
{
    char idt[24];
    id_text(id, idt);
    const char *p[] = {idt, who_role(who), who_key(who)};
    PGresult *r = db_query(
        c, "SELECT " WAVE_COLUMNS WAVE_FROM " WHERE w.id = $1 AND" IN_SCOPE("$2", "$3"), 3, p, err);
    if (!r) return -1;
    int rc = 0;
    if (PQntuples(r) == 0)
        rc = tm_error_set(err, 404, "wave %lld does not exist", id);
    else
        wave_from_row(r, 0, 0, w);
    PQclear(r);
    return rc;
}

static json_t *wave_json_from_row(PGresult *r, int i)
{
    wave_info w;
    wave_from_row(r, i, 0, &w);
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:i}", "id", (json_int_t)w.id,
                          "organisation_id", (json_int_t)w.organisation_id, "organisation",
                          w.organisation, "instrument", w.instrument, "name", w.name, "status",
                          w.status, "min_group_size", w.min_group_size);
    json_object_set_new(o, "accepting_responses", json_boolean(w.accepting));
    json_object_set_new(o, "previous_wave_id",
                        w.previous_wave_id ? json_integer(w.previous_wave_id) : json_null());
    const char *names[] = {"opens_at", "closes_at", "created_at"};
    for (int k = 0; k < 3; k++)
        json_object_set_new(o, names[k],
                            PQgetisnull(r, i, 10 + k) ? json_null()
                                                      : json_string(PQgetvalue(r, i, 10 + k)));
    return o;
}

#define WAVE_JSON_SELECT                                                                           \
    "SELECT " WAVE_COLUMNS ","                                                                     \
    " to_char(w.opens_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"                   \
    " to_char(w.closes_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"                  \
    " to_char(w.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')" WAVE_FROM

json_t *store_wave_json(PGconn *c, long long id, tm_error *err)
{
    char idt[24];
    id_text(id, idt);
    const char *p[] = {idt};
    PGresult *r = db_query(c, WAVE_JSON_SELECT " WHERE w.id = $1", 1, p, err);
    if (!r) return NULL;
    json_t *o = NULL;
    if (PQntuples(r) == 1)
        o = wave_json_from_row(r, 0);
    else
        tm_error_set(err, 404, "wave %lld does not exist", id);
    PQclear(r);
    return o;
}

json_t *store_waves_of_organisation(PGconn *c, const auth_context *who, long long org,
                                    tm_error *err)
{
    char idt[24];
    id_text(org, idt);
    const char *p[] = {idt, who_role(who), who_key(who)};
    PGresult *r = db_query(
        c, "SELECT 1 FROM organisations o WHERE o.id = $1 AND" IN_SCOPE("$2", "$3"), 3, p, err);
    if (!r) return NULL;
    int visible = PQntuples(r) == 1;
    PQclear(r);
    if (!visible) {
        tm_error_set(err, 404, "organisation %lld does not exist", org);
        return NULL;
    }
    r = db_query(
        c, WAVE_JSON_SELECT " WHERE w.organisation_id = $1 ORDER BY w.created_at DESC, w.id DESC",
        1, p, err);
    if (!r) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list, wave_json_from_row(r, i));
    PQclear(r);
    return list;
}

static void field_problem(tm_error *err, const char *field, const char *msg)
{
    tm_error_add_json(err, json_pack("{s:s, s:s}", "field", field, "error", msg));
}

/* An optional timestamp field: NULL when absent or null; else its text
 * (checked by PostgreSQL's timestamptz input below). */
static const char *optional_string(json_t *body, const char *field, tm_error *err, int *bad)
{
    json_t *v = json_object_get(body, field);
    if (!v || json_is_null(v)) return NULL;
    if (!json_is_string(v)) {
        field_problem(err, field, "must be a text (an ISO 8601 time such as 2026-12-01T09:00:00Z)");
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

static int timestamp_valid(PGconn *c, const char *text, tm_error *err)
{
    const char *p[] = {text};
    tm_error ignored = TM_ERROR_INIT;
    PGresult *r = db_query(c, "SELECT $1::timestamptz", 1, p, &ignored);
    tm_error_clear(&ignored);
    if (!r) return PQstatus(c) == CONNECTION_OK ? 0 : tm_error_set(err, 503, "database lost");
    PQclear(r);
    return 1;
}

json_t *store_wave_create(PGconn *c, const auth_context *who, json_t *body, tm_error *err)
{
    int bad = 0;
    json_t *org = json_object_get(body, "organisation_id");
    json_t *instr = json_object_get(body, "instrument");
    json_t *name = json_object_get(body, "name");
    json_t *k = json_object_get(body, "min_group_size");
    json_t *prev = json_object_get(body, "previous_wave_id");
    if (!json_is_integer(org) || json_integer_value(org) <= 0)
        field_problem(err, "organisation_id", "is required: the id of an organisation"), bad = 1;
    if (!json_is_string(instr) || !json_string_length(instr))
        field_problem(err, "instrument", "is required: an instrument key, optionally key@version"),
            bad = 1;
    if (!json_is_string(name) || !json_string_length(name) || json_string_length(name) > 200)
        field_problem(err, "name", "is required: 1 to 200 characters"), bad = 1;
    if (k && !json_is_null(k) &&
        (!json_is_integer(k) || json_integer_value(k) < 3 || json_integer_value(k) > 1000))
        field_problem(err, "min_group_size",
                      "must be a whole number of at least 3 (default 5): smaller groups could "
                      "be traced to a person"),
            bad = 1;
    if (prev && !json_is_null(prev) && (!json_is_integer(prev) || json_integer_value(prev) <= 0))
        field_problem(err, "previous_wave_id", "must be the id of an earlier wave"), bad = 1;
    const char *opens = optional_string(body, "opens_at", err, &bad);
    const char *closes = optional_string(body, "closes_at", err, &bad);
    if (opens && !timestamp_valid(c, opens, err))
        field_problem(err, "opens_at",
                      "is not a valid time (use ISO 8601, e.g. 2026-12-01T09:00:00Z)"),
            bad = 1;
    if (closes && !timestamp_valid(c, closes, err))
        field_problem(err, "closes_at",
                      "is not a valid time (use ISO 8601, e.g. 2026-12-31T17:00:00Z)"),
            bad = 1;
    const char *known[] = {"organisation_id",  "instrument", "name",     "min_group_size",
                           "previous_wave_id", "opens_at",   "closes_at"};
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        int ok = 0;
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            ok |= !strcmp(key, known[i]);
        if (!ok) field_problem(err, key, "is not a field of a wave"), bad = 1;
    }
    if (bad) {
        tm_error_set(err, 422, "the wave cannot be created");
        return NULL;
    }

    char orgt[24];
    id_text(json_integer_value(org), orgt);
    const char *ps[] = {orgt, who_role(who), who_key(who)};
    PGresult *r = db_query(
        c, "SELECT 1 FROM organisations o WHERE o.id = $1 AND" IN_SCOPE("$2", "$3"), 3, ps, err);
    if (!r) return NULL;
    int visible = PQntuples(r) == 1;
    PQclear(r);
    if (!visible) {
        tm_error_set(err, 404, "organisation %s does not exist", orgt);
        return NULL;
    }
    int instrument_id;
    /* resolve the instrument: same SQL as instrument_store, done here to keep one transaction */
    {
        char keybuf[128];
        const char *ref = json_string_value(instr);
        const char *at = strchr(ref, '@');
        size_t klen = at ? (size_t)(at - ref) : strlen(ref);
        if (klen >= sizeof keybuf) klen = sizeof keybuf - 1;
        memcpy(keybuf, ref, klen);
        keybuf[klen] = '\0';
        const char *pi[] = {keybuf, at ? at + 1 : NULL};
        r = db_query(
            c,
            "SELECT id FROM instruments WHERE key = $1 AND ($2::text IS NULL OR version = $2)"
            " ORDER BY version_order DESC LIMIT 1",
            2, pi, err);
        if (!r) return NULL;
        if (PQntuples(r) == 0) {
            PQclear(r);
            field_problem(err, "instrument",
                          "is not a known instrument (see GET /api/v1/instruments)");
            tm_error_set(err, 422, "the wave cannot be created");
            return NULL;
        }
        instrument_id = atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    char prevt[24] = "", kt[24], instt[24];
    if (prev && !json_is_null(prev)) {
        id_text(json_integer_value(prev), prevt);
        const char *pp[] = {prevt, orgt, json_string_value(instr)};
        r = db_query(c,
                     "SELECT 1 FROM waves w JOIN instruments i ON i.id = w.instrument_id"
                     " WHERE w.id = $1 AND w.organisation_id = $2"
                     " AND i.key = split_part($3, '@', 1)",
                     3, pp, err);
        if (!r) return NULL;
        int ok = PQntuples(r) == 1;
        PQclear(r);
        if (!ok) {
            field_problem(err, "previous_wave_id",
                          "must be a wave of the same organisation and instrument");
            tm_error_set(err, 422, "the wave cannot be created");
            return NULL;
        }
    }
    id_text(k && json_is_integer(k) ? json_integer_value(k) : 5, kt);
    id_text(instrument_id, instt);
    const char *pw[] = {orgt,  instt, json_string_value(name), kt, prevt[0] ? prevt : NULL,
                        opens, closes};
    r = db_query(c,
                 "INSERT INTO waves (organisation_id, instrument_id, name, min_group_size,"
                 " previous_wave_id, opens_at, closes_at)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                 7, pw, err);
    if (!r) return NULL;
    long long id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return store_wave_json(c, id, err);
}

int store_wave_set_status(PGconn *c, long long id, const char *status, tm_error *err)
{
    char idt[24];
    id_text(id, idt);
    const char *p[] = {idt, status};
    /* open: from draft (or re-open an open one: no-op); close: from draft or open. */
    PGresult *r =
        db_query(c,
                 "UPDATE waves SET status = $2,"
                 " closes_at = CASE WHEN $2 = 'closed' AND (closes_at IS NULL OR closes_at > now())"
                 "   THEN now() ELSE closes_at END"
                 " WHERE id = $1 AND ("
                 "  ($2 = 'open' AND status IN ('draft', 'open')"
                 "   AND (closes_at IS NULL OR closes_at > now()))"
                 "  OR ($2 = 'closed' AND status IN ('draft', 'open')))"
                 " RETURNING id",
                 2, p, err);
    if (!r) return -1;
    int changed = PQntuples(r) == 1;
    PQclear(r);
    /* Unsubmitted drafts hang on invitation rows, which the mail merge ties
     * to names: once answers can no longer be sent, nothing keeps them. */
    if (changed && !strcmp(status, "closed") &&
        db_exec(c, "UPDATE invitations SET draft = NULL WHERE wave_id = $1 AND draft IS NOT NULL",
                1, p, err) != 0)
        return -1;
    if (!changed)
        return tm_error_set(err, 409, "wave %lld is closed and cannot be %s", id,
                            !strcmp(status, "open") ? "opened again" : "closed again");
    return 0;
}

/* ---- invitations -------------------------------------------------------- */

static void hex_hash(const unsigned char hash[TOKEN_HASH_BYTES], char out[2 * TOKEN_HASH_BYTES + 1])
{
    sodium_bin2hex(out, 2 * TOKEN_HASH_BYTES + 1, hash, TOKEN_HASH_BYTES);
}

json_t *store_invitations_create(PGconn *c, long long wave, int layer, int count,
                                 const char *base_url, tm_error *err)
{
    size_t hexlen = 2 * TOKEN_HASH_BYTES + 1;
    char *hashes = malloc((size_t)count * hexlen + 1);
    json_t *list = json_array();
    if (!hashes || !list) {
        free(hashes);
        json_decref(list);
        tm_error_set(err, 500, "out of memory creating invitations");
        return NULL;
    }
    size_t len = 0;
    for (int i = 0; i < count; i++) {
        char token[TOKEN_TEXT_MAX], hex[2 * TOKEN_HASH_BYTES + 1];
        unsigned char hash[TOKEN_HASH_BYTES];
        token_new(token, hash);
        hex_hash(hash, hex);
        len += (size_t)sprintf(hashes + len, "%s%s", i ? "," : "", hex);
        json_array_append_new(
            list, json_pack("{s:s, s:s++}", "token", token, "url", base_url, "/s/", token));
    }
    char wt[24], lt[24];
    id_text(wave, wt);
    id_text(layer, lt);
    const char *p[] = {wt, lt, hashes};
    int rc = db_exec(c,
                     "INSERT INTO invitations (wave_id, layer, token_hash)"
                     " SELECT $1, $2, decode(h, 'hex') FROM unnest(string_to_array($3, ',')) h",
                     3, p, err);
    free(hashes);
    if (rc != 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

json_t *store_link_create(PGconn *c, long long wave, int layer, int max_responses,
                          const char *base_url, tm_error *err)
{
    char token[TOKEN_TEXT_MAX], hex[2 * TOKEN_HASH_BYTES + 1];
    unsigned char hash[TOKEN_HASH_BYTES];
    token_new(token, hash);
    hex_hash(hash, hex);
    char wt[24], lt[24], mt[24];
    id_text(wave, wt);
    id_text(layer, lt);
    id_text(max_responses, mt);
    const char *p[] = {wt, lt, hex, mt};
    PGresult *r = db_query(c,
                           "INSERT INTO open_links (wave_id, layer, token_hash, max_responses)"
                           " VALUES ($1, $2, decode($3, 'hex'), $4) RETURNING id",
                           4, p, err);
    if (!r) return NULL;
    json_t *o = json_pack("{s:I, s:s, s:s++, s:i}", "id",
                          (json_int_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10), "token", token, "url",
                          base_url, "/s/", token, "max_responses", max_responses);
    PQclear(r);
    return o;
}

json_t *store_progress(PGconn *c, long long wave, const char *const *layer_keys, size_t n_layers,
                       tm_error *err)
{
    char wt[24];
    id_text(wave, wt);
    const char *p[] = {wt};
    PGresult *r = db_query(c,
                           "SELECT l, coalesce(i.invited, 0), coalesce(i.started, 0),"
                           " coalesce(s.submitted, 0)"
                           " FROM generate_series(0, 31) l"
                           " LEFT JOIN (SELECT layer, count(*) invited,"
                           "   count(*) FILTER (WHERE state >= 1) started"
                           "   FROM invitations WHERE wave_id = $1 GROUP BY layer) i ON i.layer = l"
                           " LEFT JOIN (SELECT layer, count(*) submitted FROM responses"
                           "   WHERE wave_id = $1 GROUP BY layer) s ON s.layer = l"
                           " ORDER BY l",
                           1, p, err);
    if (!r) return NULL;
    json_t *layers = json_array();
    for (size_t i = 0; i < n_layers && (int)i < PQntuples(r); i++) {
        long long invited = strtoll(PQgetvalue(r, (int)i, 1), NULL, 10);
        long long started = strtoll(PQgetvalue(r, (int)i, 2), NULL, 10);
        long long submitted = strtoll(PQgetvalue(r, (int)i, 3), NULL, 10);
        json_array_append_new(layers,
                              json_pack("{s:s, s:I, s:I, s:I}", "layer", layer_keys[i], "invited",
                                        (json_int_t)invited, "started", (json_int_t)started,
                                        "submitted", (json_int_t)submitted));
    }
    PQclear(r);
    return json_pack("{s:o}", "layers", layers);
}

/* ---- the respondent ----------------------------------------------------- */

const char store_respondent_sql[] =
    "SELECT inv.id, 0, inv.layer, inv.state, inv.draft::text, " WAVE_COLUMNS
    " FROM invitations inv JOIN waves w ON w.id = inv.wave_id"
    " JOIN organisations o ON o.id = w.organisation_id"
    " JOIN instruments i ON i.id = w.instrument_id WHERE inv.token_hash = decode($1, 'hex')"
    " UNION ALL "
    "SELECT 0, l.id, l.layer, 0, NULL, " WAVE_COLUMNS
    " FROM open_links l JOIN waves w ON w.id = l.wave_id"
    " JOIN organisations o ON o.id = w.organisation_id"
    " JOIN instruments i ON i.id = w.instrument_id WHERE l.token_hash = decode($1, 'hex')";

const char store_submit_sql[] =
    "WITH inv AS (UPDATE invitations inv SET state = 2, draft = NULL"
    "  FROM waves w WHERE inv.id = $1 AND inv.state < 2"
    "  AND w.id = inv.wave_id AND" ACCEPTING_WAVE "  RETURNING inv.wave_id, inv.layer)"
    " INSERT INTO responses (wave_id, layer, scores, extra)"
    " SELECT wave_id, layer, $2::smallint[], $3::jsonb FROM inv"
    " RETURNING id";

void respondent_clear(respondent *r)
{
    json_decref(r->draft);
    r->draft = NULL;
}

int store_respondent_find(PGconn *c, const char *token, respondent *resp, tm_error *err)
{
    memset(resp, 0, sizeof *resp);
    unsigned char hash[TOKEN_HASH_BYTES];
    char hex[2 * TOKEN_HASH_BYTES + 1];
    token_hash(token, hash);
    hex_hash(hash, hex);
    const char *p[] = {hex};
    PGresult *r = db_query(c, store_respondent_sql, 1, p, err);
    if (!r) return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return tm_error_set(err, 404, "this survey link is not known");
    }
    resp->invitation_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    resp->link_id = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    resp->layer = atoi(PQgetvalue(r, 0, 2));
    resp->state = atoi(PQgetvalue(r, 0, 3));
    if (!PQgetisnull(r, 0, 4)) resp->draft = json_loads(PQgetvalue(r, 0, 4), 0, NULL);
    wave_from_row(r, 0, 5, &resp->wave);
    resp->wave_id = resp->wave.id;
    PQclear(r);
    return 0;
}

/* Why an invitation could not be written: submitted (409) or wave closed (410). */
static int explain_refusal(PGconn *c, const respondent *resp, tm_error *err)
{
    char it[24];
    id_text(resp->invitation_id, it);
    const char *p[] = {it};
    PGresult *r = db_query(c, "SELECT state FROM invitations WHERE id = $1", 1, p, err);
    if (!r) return -1;
    int state = PQntuples(r) ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (state == 2) return tm_error_set(err, 409, "this survey has already been submitted");
    return tm_error_set(err, 410, "this survey is closed");
}

int store_draft_save(PGconn *c, const respondent *resp, json_t *answers, tm_error *err)
{
    char it[24];
    id_text(resp->invitation_id, it);
    char *text = json_dumps(answers, JSON_COMPACT);
    const char *p[] = {it, text};
    PGresult *r = text ? db_query(c,
                                  "UPDATE invitations inv SET draft = $2::jsonb, state = 1"
                                  " FROM waves w WHERE inv.id = $1 AND inv.state < 2"
                                  " AND w.id = inv.wave_id AND" ACCEPTING_WAVE " RETURNING inv.id",
                                  2, p, err)
                       : NULL;
    free(text);
    if (!r) return -1;
    int ok = PQntuples(r) == 1;
    PQclear(r);
    return ok ? 0 : explain_refusal(c, resp, err);
}

int store_submit(PGconn *c, const respondent *resp, const answer_set *a, tm_error *err)
{
    char it[24];
    id_text(resp->invitation_id, it);
    char *scores = answers_scores_literal(a);
    char *extra = a->extra ? json_dumps(a->extra, JSON_COMPACT) : NULL;
    const char *p[] = {it, scores, extra};
    PGresult *r = scores ? db_query(c, store_submit_sql, 3, p, err) : NULL;
    free(scores);
    free(extra);
    if (!r) return -1;
    int ok = PQntuples(r) == 1;
    PQclear(r);
    return ok ? 0 : explain_refusal(c, resp, err);
}

int store_link_claim(PGconn *c, const respondent *resp, json_t *draft, const answer_set *submit,
                     char *token_out, tm_error *err)
{
    char token[TOKEN_TEXT_MAX], hex[2 * TOKEN_HASH_BYTES + 1];
    unsigned char hash[TOKEN_HASH_BYTES];
    token_new(token, hash);
    hex_hash(hash, hex);
    char lt[24];
    id_text(resp->link_id, lt);
    char *scores = submit ? answers_scores_literal(submit) : NULL;
    char *extra = submit && submit->extra ? json_dumps(submit->extra, JSON_COMPACT) : NULL;
    char *drafttext = !submit && draft ? json_dumps(draft, JSON_COMPACT) : NULL;
    const char *p[] = {lt, hex, submit ? "2" : "1", drafttext, scores, extra};
    PGresult *r = db_query(c,
                           "WITH l AS (UPDATE open_links l SET used = used + 1 FROM waves w"
                           "  WHERE l.id = $1 AND l.used < l.max_responses AND w.id = l.wave_id"
                           "  AND" ACCEPTING_WAVE " RETURNING l.wave_id, l.layer),"
                           " inv AS (INSERT INTO invitations (wave_id, layer, token_hash, state,"
                           "  draft, link_id)"
                           "  SELECT wave_id, layer, decode($2, 'hex'), $3::smallint, $4::jsonb, $1"
                           "  FROM l RETURNING wave_id, layer),"
                           " resp AS (INSERT INTO responses (wave_id, layer, scores, extra)"
                           "  SELECT wave_id, layer, $5::smallint[], $6::jsonb FROM inv"
                           "  WHERE $5::smallint[] IS NOT NULL RETURNING id)"
                           " SELECT (SELECT count(*) FROM inv), (SELECT count(*) FROM resp)",
                           6, p, err);
    free(scores);
    free(extra);
    free(drafttext);
    if (!r) return -1;
    int ok = atoi(PQgetvalue(r, 0, 0)) == 1;
    PQclear(r);
    if (!ok)
        return tm_error_set(err, 410,
                            resp->wave.accepting
                                ? "this link has reached its maximum number of responses"
                                : "this survey is closed");
    if (token_out) snprintf(token_out, TOKEN_TEXT_MAX, "%s", token);
    return 0;
}

/* ---- import ------------------------------------------------------------- */

/* COPY's text format gives backslash a meaning: double it. JSON from
 * json_dumps holds no raw tabs or newlines (they are escaped). */
static int copy_append_escaped(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t need = *len + 2 * strlen(s) + 1;
    if (need > *cap) {
        size_t ncap = *cap * 2 > need ? *cap * 2 : need;
        char *g = realloc(*buf, ncap);
        if (!g) return -1;
        *buf = g;
        *cap = ncap;
    }
    for (; *s; s++) {
        if (*s == '\\') (*buf)[(*len)++] = '\\';
        (*buf)[(*len)++] = *s;
    }
    return 0;
}

static int copy_rows(PGconn *c, long long wave, size_t n_rows, size_t n_items, import_row_fn row,
                     void *ctx, tm_error *err)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf) return tm_error_set(err, 500, "out of memory importing");
    int rc = 0;
    for (size_t i = 0; i < n_rows && rc == 0; i++) {
        int layer;
        const int16_t *scores;
        json_t *extra;
        if (row(ctx, i, &layer, &scores, &extra) != 0) {
            rc = tm_error_set(err, 500, "import row %zu could not be read", i + 1);
            break;
        }
        char head[64];
        snprintf(head, sizeof head, "%lld\t%d\t{", wave, layer);
        rc = copy_append_escaped(&buf, &len, &cap, head);
        for (size_t k = 0; rc == 0 && k < n_items; k++) {
            char num[16];
            snprintf(num, sizeof num, "%s%d", k ? "," : "", scores[k]);
            rc = copy_append_escaped(&buf, &len, &cap, num);
        }
        char *ej = extra ? json_dumps(extra, JSON_COMPACT) : NULL;
        if (rc == 0) rc = copy_append_escaped(&buf, &len, &cap, "}\t");
        if (rc == 0) rc = copy_append_escaped(&buf, &len, &cap, ej ? ej : "");
        if (rc == 0 && !ej) {
            len--; /* drop nothing; write \N for SQL NULL */
            len++;
            rc = copy_append_escaped(&buf, &len, &cap, "");
            if (len + 3 > cap)
                rc = -1;
            else {
                buf[len++] = '\\';
                buf[len++] = 'N';
            }
        }
        free(ej);
        if (rc == 0) rc = copy_append_escaped(&buf, &len, &cap, "\tt\n");
        if (rc != 0) {
            tm_error_set(err, 500, "out of memory importing");
            break;
        }
        if (len > (1 << 15) || i + 1 == n_rows) {
            if (PQputCopyData(c, buf, (int)len) != 1)
                rc = tm_error_set(err, 503, "the database connection was lost during the import");
            len = 0;
        }
    }
    free(buf);
    return rc;
}

int store_import(PGconn *c, long long wave, size_t n_rows, size_t n_items, import_row_fn row,
                 void *ctx, tm_error *err)
{
    char wt[24];
    id_text(wave, wt);
    const char *p[] = {wt};
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    /* Lock the wave row: a close cannot slip between the check and the insert. */
    PGresult *r =
        db_query(c,
                 "SELECT status = 'closed' OR (closes_at IS NOT NULL AND closes_at <= now())"
                 " FROM waves WHERE id = $1 FOR UPDATE",
                 1, p, err);
    if (!r) return -1;
    int closed = PQntuples(r) == 0 || PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (closed) {
        db_rollback(c, own);
        return tm_error_set(err, 409, "wave %lld is closed: its responses can no longer change",
                            wave);
    }
    r = PQexecParams(c, "COPY responses (wave_id, layer, scores, extra, imported) FROM STDIN", 0,
                     NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        PQclear(r);
        return tm_error_set(err, 500, "the import could not start: %s", PQerrorMessage(c));
    }
    PQclear(r);
    int rc = copy_rows(c, wave, n_rows, n_items, row, ctx, err);
    if (PQputCopyEnd(c, rc == 0 ? NULL : "import aborted") != 1 && rc == 0)
        rc = tm_error_set(err, 503, "the database connection was lost during the import");
    PGresult *res;
    while ((res = PQgetResult(c))) {
        if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = tm_error_set(err, 500, "the import failed: %s",
                              PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
        PQclear(res);
    }
    if (rc != 0) {
        db_rollback(c, own);
        return -1;
    }
    return db_commit(c, own, err);
}

int store_invitations_mark_submitted(PGconn *c, long long wave, int layer, int count, tm_error *err)
{
    char wt[24], lt[24], ct[24];
    id_text(wave, wt);
    id_text(layer, lt);
    id_text(count, ct);
    const char *p[] = {wt, lt, ct};
    return db_exec(c,
                   "UPDATE invitations SET state = 2 WHERE id IN (SELECT id FROM invitations"
                   " WHERE wave_id = $1 AND layer = $2 AND state = 0 ORDER BY id LIMIT $3)",
                   3, p, err);
}

long long store_organisation_by_code(PGconn *c, const char *code, tm_error *err)
{
    const char *p[] = {code};
    PGresult *r = db_query(c, "SELECT id FROM organisations WHERE code = $1", 1, p, err);
    if (!r) return -1;
    long long id = PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    return id;
}
