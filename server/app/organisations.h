/* organisations.h - the organisations a caller works for: creating one
 * (its fields checked here) and listing them with their waves. A caller
 * sees only the organisations granted to its key (an admin sees all).
 */
#ifndef TM_ORGANISATIONS_H
#define TM_ORGANISATIONS_H

#include <jansson.h>

#include "core/error.h"
#include "core/role.h"
#include "server/store/db.h"

/* Creates an organisation from its name (1..200 characters) and CBS code
 * ("GM" and four digits); a consultant's key is granted it. 422 naming each
 * bad field, 409 when the code is taken. Returns its JSON (new reference). */
json_t *organisations_create(PGconn *c, const caller *who, const char *name, const char *code,
                             tm_error *err);

/* PATCH /api/v1/organisations/{id} {"benchmark": true|false}: marks org as
 * a benchmark peer or not. Admin only (403 for anyone else: a consultant
 * who could mark its own organisations would choose the peers of every
 * municipality's benchmark); 422 for any other field or a value that is
 * not a boolean, and for a demo organisation; 404 when org does not exist.
 * Returns the organisation's JSON (new reference). */
json_t *organisations_patch(PGconn *c, const caller *who, long long org, json_t *body,
                            tm_error *err);

/* The organisations who may see: [{id, name, code, created_at}] (new). */
json_t *organisations_list(PGconn *c, const caller *who, tm_error *err);

/* The waves of organisation org, newest first (new); 404 when org is not
 * there for who (or org <= 0, an address that named no id). */
json_t *organisations_waves(PGconn *c, const caller *who, long long org, tm_error *err);

/* ---- the console (issue 14) --------------------------------------------- */

/* Organisation org as who sees it: {id, name, code, created_at, benchmark,
 * demo} (new); 404 when it is not there for who. */
json_t *organisations_get(PGconn *c, const caller *who, long long org, tm_error *err);

/* Sets the name and code of organisation org (seen by who); the code is
 * taken in capitals ("gm0171" is "GM0171"). 422 naming each bad field, 409
 * when the code is taken, 404. */
int organisations_update(PGconn *c, const caller *who, long long org, const char *name,
                         const char *code, tm_error *err);

/* Marks org as a benchmark peer or not (the caller checks that who is an
 * admin). 404; 422 for a demo organisation, which can never be one. Shared
 * with issue 10. */
int organisations_set_benchmark(PGconn *c, long long org, int benchmark, tm_error *err);

#endif
