/* audit.h - the audit_log table: every change, who made it, to which
 * object and when. The caller decides what goes in detail and keeps
 * answers, tokens, keys and passwords out of it (server/app/audit.c).
 */
#ifndef TM_STORE_AUDIT_H
#define TM_STORE_AUDIT_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/error.h"
#include "core/role.h"

/* Appends one entry. who NULL: the command line. detail (borrowed) may be
 * NULL. */
int store_audit_insert(PGconn *c, const caller *who, const char *action, const char *object_type,
                       long long object_id, json_t *detail, tm_error *err);

/* Up to limit entries older than entry before (0: the newest), newest
 * first: [{id, at, actor, actor_name, action, object_type, object_id,
 * detail}] (new). */
json_t *store_audit_list(PGconn *c, int limit, long long before, tm_error *err);

#endif
