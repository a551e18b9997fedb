/* organisations.h - the organisations table: the municipalities whose
 * waves are measured, each with its CBS code. What a key may see of them is
 * decided here, next to the SQL that enforces it.
 */
#ifndef TM_STORE_ORGANISATIONS_H
#define TM_STORE_ORGANISATIONS_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/error.h"
#include "core/role.h"

/* Inserts an organisation (name and code checked by the caller); a
 * consultant's key is granted it in the same transaction. 409 when the code
 * is taken. Returns its API JSON {id, name, code, created_at, benchmark,
 * demo} (new). */
json_t *store_organisations_insert(PGconn *c, const caller *who, const char *name, const char *code,
                                   tm_error *err);

/* The organisations who may see, by name: [{id, name, code, created_at,
 * benchmark, demo}]. */
json_t *store_organisations_list(PGconn *c, const caller *who, tm_error *err);

/* Whether who may see organisation org: 1, 0 (it does not exist, or not for
 * who), or -1 with err. */
int store_organisations_visible(PGconn *c, const caller *who, long long org, tm_error *err);

/* Marks organisation org as the demo's (made-up answers; never a peer). */
int store_organisations_mark_demo(PGconn *c, long long org, tm_error *err);

/* The id of the organisation with CBS code, 0 when there is none, -1 on
 * error. */
long long store_organisations_by_code(PGconn *c, const char *code, tm_error *err);

/* ---- the console (issue 14) --------------------------------------------- */

/* Organisation org as who sees it: {id, name, code, created_at, benchmark,
 * demo} (new); 404 when it is not there for who. */
json_t *store_organisations_get(PGconn *c, const caller *who, long long org, tm_error *err);

/* Renames organisation org and sets its code (checked by the caller). 409
 * when the code is taken, 404 when there is no such organisation. */
int store_organisations_update(PGconn *c, long long org, const char *name, const char *code,
                               tm_error *err);

/* Marks organisation org as a benchmark peer or not: only peers count in
 * another organisation's benchmark. Shared with issue 10 (PATCH
 * /api/v1/organisations/{id} {"benchmark"}). 404 when it does not exist,
 * 422 for a demo organisation, which can never be a peer. Who may do this is
 * decided by the caller. */
int store_organisations_set_benchmark(PGconn *c, long long org, int benchmark, tm_error *err);

#endif
