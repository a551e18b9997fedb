/* audit.h - the audit log: every change, who made it (a person, an API key
 * or the command line), to which object, and when.
 *
 * A change and its entry are one transaction: audit_begin, the service
 * call (the store's statements join the transaction), then audit_commit
 * writes the entry and commits; audit_abort rolls back. So there is never a
 * change without its entry, nor an entry for a change that did not happen.
 *
 *   audit_begin(c, &err);
 *   json_t *w = waves_create(c, who, body, &err);
 *   if (!w || audit_commit(c, who, "wave.create", "wave", id, NULL, &err) != 0)
 *       audit_abort(c);
 *
 * Details hold names, counts, roles and the like; never an answer, a token,
 * a key or a password.
 */
#ifndef TM_AUDIT_H
#define TM_AUDIT_H

#include <jansson.h>

#include "core/error.h"
#include "core/role.h"
#include "server/store/db.h"

int audit_begin(PGconn *c, tm_error *err);

/* Writes the entry (detail stolen; may be NULL) and commits. who NULL: the
 * command line. On failure the transaction is rolled back. */
int audit_commit(PGconn *c, const caller *who, const char *action, const char *object_type,
                 long long object_id, json_t *detail, tm_error *err);

void audit_abort(PGconn *c);

/* The end of a change begun with audit_begin, for a service that returns
 * its result: NULL result (the change failed, err set) rolls back; else the
 * entry is written (object_id <= 0: result's "id") and committed. Returns
 * result, or NULL with err when the commit failed (result then freed).
 * Both result and detail are stolen. */
json_t *audit_result(PGconn *c, const caller *who, json_t *result, const char *action,
                     const char *object_type, long long object_id, json_t *detail, tm_error *err);

/* One entry on its own (a change that needs no transaction of its own, such
 * as signing in). detail stolen. */
int audit_note(PGconn *c, const caller *who, const char *action, const char *object_type,
               long long object_id, json_t *detail, tm_error *err);

/* Up to limit entries before entry id before (0: the newest), newest first
 * (new). */
json_t *audit_list(PGconn *c, int limit, long long before, tm_error *err);

#endif
