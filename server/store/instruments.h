/* instruments.h - the instruments table: every instrument file, stored as
 * an immutable version (key, version, SHA-256 of the canonical text).
 *
 * At start the instrument files are loaded into the table; waves refer to
 * one stored version by id, so a wave's instrument never changes under it,
 * even when a newer file is deployed.
 */
#ifndef TM_STORE_INSTRUMENTS_H
#define TM_STORE_INSTRUMENTS_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/error.h"
#include "core/instrument.h"

/* Loads every instrument file (*.json but schema.json) in dir into the
 * database. A new (key, version) is inserted; a known one with the same
 * content is left alone; a known one with different content is refused
 * (status 409) with a message that names the file and asks for a new
 * version. Invalid files are refused (422, one detail per problem).
 * *loaded (may be NULL) receives the number of new versions. */
int store_instruments_sync_dir(PGconn *conn, const char *dir, int *loaded, tm_error *err);

/* Resolves "key" (latest version) or "key@version" to the stored id.
 * Returns 0, or -1 with err 422 naming the unknown instrument. */
int store_instruments_resolve(PGconn *conn, const char *ref, int *id, tm_error *err);

/* All instruments, latest version of each: [{key, version, title, sha256}].
 * Returns a new reference, or NULL with err. */
json_t *store_instruments_list(PGconn *conn, tm_error *err);

/* The stored instrument with id, parsed (the caller frees it with
 * instrument_free), or NULL with err (404 when there is no such id). */
instrument *store_instruments_load(PGconn *conn, int id, tm_error *err);

#endif
