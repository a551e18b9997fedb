/* migrate.h - applies the numbered SQL migrations in sql/.
 *
 * Files named NNN_name.sql are applied in order of their names, each in its
 * own transaction, and recorded in schema_migrations. The whole run holds a
 * PostgreSQL advisory lock, so two servers starting at once never apply one
 * twice: the second waits, then finds nothing left to do. Re-running is a
 * no-op.
 */
#ifndef TM_MIGRATE_H
#define TM_MIGRATE_H

#include <libpq-fe.h>

#include "core/error.h"

/* Applies every migration in dir not yet recorded. *applied (may be NULL)
 * receives how many were applied now. Returns 0, or -1 with err naming the
 * file and the database's complaint; a failed file leaves no trace. */
int migrate_run(PGconn *conn, const char *dir, int *applied, tm_error *err);

#endif
