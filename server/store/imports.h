/* imports.h - the import_batches table: each bulk import of a wave is one
 * batch (written by store_responses_import), listed and undone as a whole.
 */
#ifndef TM_STORE_IMPORTS_H
#define TM_STORE_IMPORTS_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/error.h"

/* The batches of wave, newest first: [{id, rows, created_at}] (new). */
json_t *store_imports_list(PGconn *c, long long wave, tm_error *err);

/* Deletes batch of wave and its responses, in one transaction with the wave
 * row locked: 409 when the wave is closed (a closed wave never changes),
 * 404 when the batch is not the wave's. *rows receives how many responses
 * went. */
int store_imports_undo(PGconn *c, long long wave, long long batch, long long *rows, tm_error *err);

#endif
