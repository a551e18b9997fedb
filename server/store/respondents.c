/* respondents.c - see respondents.h. */
#include "server/store/respondents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "server/store/sql.h"

/* One statement, planned once per connection (db_run): the token's hash is
 * probed in the unique index of invitations and, only when no invitation
 * has it (LIMIT 1 stops the Append at the first row), in that of open links;
 * then the wave and its organisation and instrument by primary key. */
const char store_respondents_find_sql[] =
    "SELECT t.invitation_id, t.link_id, t.layer, t.state, t.draft::text, t.from_link, " WAVE_COLUMNS
    " FROM (SELECT inv.id AS invitation_id, 0::bigint AS link_id, inv.layer, inv.state,"
    "  inv.draft, coalesce(inv.link_id, 0) AS from_link, inv.wave_id"
    "  FROM invitations inv WHERE inv.token_hash = decode($1, 'hex')"
    "  UNION ALL"
    "  SELECT 0, l.id, l.layer, 0::smallint, NULL::jsonb, 0::bigint, l.wave_id"
    "  FROM open_links l WHERE l.token_hash = decode($1, 'hex')"
    "  LIMIT 1) t"
    " JOIN waves w ON w.id = t.wave_id JOIN organisations o ON o.id = w.organisation_id"
    " JOIN instruments i ON i.id = w.instrument_id";

/* The invitation is marked submitted and the sealed answers wait in
 * pending_responses, in one statement: nothing readable shares the
 * invitation's transaction. An invitation made from an open link takes
 * the transaction below instead (its link counts the submission). */
const char store_respondents_submit_sql[] =
    "WITH inv AS (UPDATE invitations inv SET state = 2, draft = NULL"
    "  FROM waves w WHERE inv.id = $1 AND inv.state < 2 AND inv.link_id IS NULL"
    "  AND w.id = inv.wave_id AND" ACCEPTING_WAVE_NOW "  RETURNING inv.wave_id, inv.layer)"
    " INSERT INTO pending_responses (wave_id, layer, key_id, sealed)"
    " SELECT wave_id, layer, decode($2, 'hex'), decode($3, 'hex') FROM inv"
    " RETURNING 1";

static const db_stmt find_stmt = {"respondents_find", store_respondents_find_sql, 1};
static const db_stmt submit_stmt = {"respondents_submit", store_respondents_submit_sql, 3};

void store_respondents_clear(respondent *r)
{
    json_decref(r->draft);
    r->draft = NULL;
}

int store_respondents_find(PGconn *c, const char *hash, respondent *resp, tm_error *err)
{
    memset(resp, 0, sizeof *resp);
    const char *p[] = {hash};
    PGresult *r = db_run(c, &find_stmt, p, err);
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
    resp->from_link = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
    store_sql_wave_row(r, 0, 6, &resp->wave);
    resp->wave_id = resp->wave.id;
    PQclear(r);
    return 0;
}

/* Why an invitation could not be written: submitted (409) or wave closed (410). */
static int explain_refusal(PGconn *c, const respondent *resp, tm_error *err)
{
    char it[24];
    store_sql_id(resp->invitation_id, it);
    const char *p[] = {it};
    static const db_stmt find_state = {"respondents_state",
                                       "SELECT state FROM invitations WHERE id = $1", 1};
    PGresult *r = db_run(c, &find_state, p, err);
    if (!r) return -1;
    int state = PQntuples(r) ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (state == 2) return tm_error_set(err, 409, "this survey has already been submitted");
    return tm_error_set(err, 410, "this survey is closed");
}

int store_respondents_save_draft(PGconn *c, const respondent *resp, json_t *answers, tm_error *err)
{
    char it[24];
    store_sql_id(resp->invitation_id, it);
    char *text = json_dumps(answers, JSON_COMPACT);
    const char *p[] = {it, text};
    static const db_stmt save = {"respondents_save_draft",
                                 "UPDATE invitations inv SET draft = $2::jsonb, state = 1"
                                 " FROM waves w WHERE inv.id = $1 AND inv.state < 2"
                                 " AND w.id = inv.wave_id AND" ACCEPTING_WAVE " RETURNING inv.id",
                                 2};
    PGresult *r = text ? db_run(c, &save, p, err) : NULL;
    free(text);
    if (!r) return -1;
    int ok = PQntuples(r) == 1;
    PQclear(r);
    return ok ? 0 : explain_refusal(c, resp, err);
}

/* Submits an invitation made from an open link: the link counts it, and
 * refuses it (410) once max_responses submissions have been counted. One
 * transaction: the invitation and its sealed answers as for any invitation,
 * then the link's count. */
static int submit_from_link(PGconn *c, const respondent *resp, const char *it, const char *key_id,
                            const char *sealed, tm_error *err)
{
    int own;
    if (db_begin(c, &own, err) != 0) return -1;
    const char *p[] = {it, key_id, sealed};
    PGresult *r = db_query(c,
                           "WITH inv AS (UPDATE invitations inv SET state = 2, draft = NULL"
                           "  FROM waves w WHERE inv.id = $1 AND inv.state < 2"
                           "  AND w.id = inv.wave_id AND" ACCEPTING_WAVE_NOW
                           "  RETURNING inv.wave_id, inv.layer)"
                           " INSERT INTO pending_responses (wave_id, layer, key_id, sealed)"
                           " SELECT wave_id, layer, decode($2, 'hex'), decode($3, 'hex') FROM inv"
                           " RETURNING 1",
                           3, p, err);
    if (!r) {
        db_rollback(c, own);
        return -1;
    }
    int ok = PQntuples(r) == 1;
    PQclear(r);
    if (!ok) {
        db_rollback(c, own);
        return explain_refusal(c, resp, err);
    }
    char lt[24];
    store_sql_id(resp->from_link, lt);
    const char *lp[] = {lt};
    r = db_query(c,
                 "UPDATE open_links SET used = used + 1 WHERE id = $1 AND used < max_responses"
                 " RETURNING 1",
                 1, lp, err);
    ok = r && PQntuples(r) == 1;
    PQclear(r);
    if (!ok) {
        db_rollback(c, own);
        return err->status ? -1
                           : tm_error_set(err, 410,
                                          "this link has reached its maximum number of responses");
    }
    return db_commit(c, own, err);
}

int store_respondents_submit(PGconn *c, const respondent *resp, const char *key_id,
                             const char *sealed, tm_error *err)
{
    char it[24];
    store_sql_id(resp->invitation_id, it);
    if (resp->from_link) return submit_from_link(c, resp, it, key_id, sealed, err);
    const char *p[] = {it, key_id, sealed};
    PGresult *r = db_run(c, &submit_stmt, p, err);
    if (!r) return -1;
    int ok = PQntuples(r) == 1;
    PQclear(r);
    return ok ? 0 : explain_refusal(c, resp, err);
}

int store_respondents_claim_link(PGconn *c, const respondent *resp, const char *new_hash,
                                 json_t *draft, const char *key_id, const char *sealed,
                                 tm_error *err)
{
    char lt[24];
    store_sql_id(resp->link_id, lt);
    PGresult *r;
    if (sealed) {
        /* A submission: the link counts it, and the visitor's invitation is
         * made already submitted, its answers waiting sealed. */
        const char *p[] = {lt, new_hash, key_id, sealed};
        r = db_query(c,
                     "WITH l AS (UPDATE open_links l SET used = used + 1 FROM waves w"
                     "  WHERE l.id = $1 AND l.used < l.max_responses AND w.id = l.wave_id"
                     "  AND" ACCEPTING_WAVE_NOW " RETURNING l.wave_id, l.layer),"
                     " inv AS (INSERT INTO invitations (wave_id, layer, token_hash, state, link_id)"
                     "  SELECT wave_id, layer, decode($2, 'hex'), 2, $1 FROM l"
                     "  RETURNING wave_id, layer)"
                     " INSERT INTO pending_responses (wave_id, layer, key_id, sealed)"
                     " SELECT wave_id, layer, decode($3, 'hex'), decode($4, 'hex') FROM inv"
                     " RETURNING 1",
                     4, p, err);
    } else {
        /* A draft: the visitor's own invitation, which counts against the
         * link only when it is submitted. */
        char *drafttext = draft ? json_dumps(draft, JSON_COMPACT) : NULL;
        const char *p[] = {lt, new_hash, drafttext};
        r = db_query(c,
                     "INSERT INTO invitations (wave_id, layer, token_hash, state, draft, link_id)"
                     " SELECT l.wave_id, l.layer, decode($2, 'hex'), 1, $3::jsonb, l.id"
                     " FROM open_links l JOIN waves w ON w.id = l.wave_id"
                     " WHERE l.id = $1 AND l.used < l.max_responses AND" ACCEPTING_WAVE
                     " RETURNING 1",
                     3, p, err);
        free(drafttext);
    }
    if (!r) return -1;
    int ok = PQntuples(r) == 1;
    PQclear(r);
    if (!ok)
        return tm_error_set(err, 410,
                            resp->wave.accepting
                                ? "this link has reached its maximum number of responses"
                                : "this survey is closed");
    return 0;
}
