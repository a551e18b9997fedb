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
    "SELECT t.invitation_id, t.link_id, t.layer, t.state, t.draft::text, " WAVE_COLUMNS
    " FROM (SELECT inv.id AS invitation_id, 0::bigint AS link_id, inv.layer, inv.state,"
    "  inv.draft, inv.wave_id FROM invitations inv WHERE inv.token_hash = decode($1, 'hex')"
    "  UNION ALL"
    "  SELECT 0, l.id, l.layer, 0::smallint, NULL::jsonb, l.wave_id"
    "  FROM open_links l WHERE l.token_hash = decode($1, 'hex')"
    "  LIMIT 1) t"
    " JOIN waves w ON w.id = t.wave_id JOIN organisations o ON o.id = w.organisation_id"
    " JOIN instruments i ON i.id = w.instrument_id";

const char store_respondents_submit_sql[] =
    "WITH inv AS (UPDATE invitations inv SET state = 2, draft = NULL"
    "  FROM waves w WHERE inv.id = $1 AND inv.state < 2"
    "  AND w.id = inv.wave_id AND" ACCEPTING_WAVE "  RETURNING inv.wave_id, inv.layer)"
    " INSERT INTO responses (wave_id, layer, scores, extra)"
    " SELECT wave_id, layer, $2::smallint[], $3::jsonb FROM inv"
    " RETURNING id";

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
    store_sql_wave_row(r, 0, 5, &resp->wave);
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

int store_respondents_submit(PGconn *c, const respondent *resp, const answer_set *a, tm_error *err)
{
    char it[24];
    store_sql_id(resp->invitation_id, it);
    char *scores = answers_scores_literal(a);
    char *extra = a->extra ? json_dumps(a->extra, JSON_COMPACT) : NULL;
    const char *p[] = {it, scores, extra};
    PGresult *r = scores ? db_run(c, &submit_stmt, p, err) : NULL;
    free(scores);
    free(extra);
    if (!r) return -1;
    int ok = PQntuples(r) == 1;
    PQclear(r);
    return ok ? 0 : explain_refusal(c, resp, err);
}

int store_respondents_claim_link(PGconn *c, const respondent *resp, const char *new_hash,
                                 json_t *draft, const answer_set *submit, tm_error *err)
{
    char lt[24];
    store_sql_id(resp->link_id, lt);
    char *scores = submit ? answers_scores_literal(submit) : NULL;
    char *extra = submit && submit->extra ? json_dumps(submit->extra, JSON_COMPACT) : NULL;
    char *drafttext = !submit && draft ? json_dumps(draft, JSON_COMPACT) : NULL;
    const char *p[] = {lt, new_hash, submit ? "2" : "1", drafttext, scores, extra};
    static const db_stmt claim = {
        "respondents_claim_link",
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
        6};
    PGresult *r = db_run(c, &claim, p, err);
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
    return 0;
}
