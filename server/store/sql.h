/* sql.h - what the store's own files share: the columns of a wave, the
 * condition that a wave takes answers, the scope condition of a caller, and
 * small helpers for parameters. Included by the store's own .c files only.
 */
#ifndef TM_STORE_SQL_H
#define TM_STORE_SQL_H

#include <libpq-fe.h>
#include <stddef.h>

#include "core/role.h"
#include "server/store/waves.h"

/* The columns store_sql_wave_row reads, in its order (WAVE_NCOLUMNS). */
#define WAVE_NCOLUMNS 11
#define WAVE_COLUMNS                                                                               \
    "w.id, w.organisation_id, w.instrument_id,"                                                    \
    " CASE WHEN w.status = 'open' AND w.closes_at IS NOT NULL AND w.closes_at <= now()"            \
    "  THEN 'closed' ELSE w.status END,"                                                           \
    " (w.status = 'open' AND (w.opens_at IS NULL OR w.opens_at <= now())"                          \
    "  AND (w.closes_at IS NULL OR w.closes_at > now())),"                                         \
    " w.min_group_size, coalesce(w.previous_wave_id, 0), w.name, o.name,"                          \
    " i.key || '@' || i.version, w.collection"

#define WAVE_FROM                                                                                  \
    " FROM waves w JOIN organisations o ON o.id = w.organisation_id"                               \
    " JOIN instruments i ON i.id = w.instrument_id"

/* The wave w is open, past opens_at and before closes_at. */
#define ACCEPTING_WAVE                                                                             \
    " w.status = 'open' AND (w.opens_at IS NULL OR w.opens_at <= now())"                           \
    " AND (w.closes_at IS NULL OR w.closes_at > now())"

/* The same at the moment the statement runs (clock_timestamp(), not the
 * transaction's start): a submission's statement takes its lock on
 * pending_responses before this is evaluated, so one that passes a time-based
 * close cannot slip in after the mixer's last batch (server/app/mixer.c). */
#define ACCEPTING_WAVE_NOW                                                                         \
    " w.status = 'open' AND (w.opens_at IS NULL OR w.opens_at <= clock_timestamp())"               \
    " AND (w.closes_at IS NULL OR w.closes_at > clock_timestamp())"

/* The scope condition on organisation o: $N is the caller's role, $N+1 its
 * principal, "key:ID" or "user:ID" (store_sql_role and store_sql_key give
 * both); the view principal_organisations holds the grants of both kinds. */
#define IN_SCOPE(role_param, key_param)                                                            \
    " (" role_param " = 'admin' OR EXISTS (SELECT 1 FROM principal_organisations g"                \
    "  WHERE g.principal = " key_param "::text AND g.organisation_id = o.id))"

/* An ISO 8601 UTC time as text, from a timestamptz column. */
#define UTC_TEXT(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Fills w from the WAVE_COLUMNS starting at column col of row. */
void store_sql_wave_row(PGresult *r, int row, int col, wave_info *w);

/* Bytes as a bytea parameter in text form ("\\x" and hex), into out of
 * STORE_SQL_BYTEA_HEX(n) bytes. */
#define STORE_SQL_BYTEA_HEX(n) (2 + 2 * (n) + 1)
void store_sql_bytea(const unsigned char *b, size_t n, char *out);

/* Runs a statement whose failure is an answer (does this text read as a
 * time?), inside a savepoint when a transaction is open so that the
 * transaction goes on. The result, or NULL: with err set (503) when the
 * connection was lost, else with err untouched (the statement failed). */
PGresult *store_sql_probe(PGconn *c, const char *sql, int n, const char *const *params,
                          tm_error *err);

/* id as a text parameter. */
void store_sql_id(long long id, char buf[24]);

/* The caller's role and principal ("key:ID", "user:ID") as parameters of
 * IN_SCOPE; NULL (the command line, the respondent side) sees everything. */
const char *store_sql_role(const caller *who);
const char *store_sql_key(const caller *who);

#endif
