/* instrument_store.h - instruments in the database, and a cache of them.
 *
 * At start the server loads every instrument file in survey-defs/ into the instruments
 * table as an immutable version (key, version, SHA-256 of the canonical text).
 * Waves refer to one stored version by id, so a wave's instrument never
 * changes under it, even when a newer file is deployed. The registry keeps
 * parsed instruments in memory by id; entries are never evicted or changed,
 * so a borrowed pointer stays valid for the life of the registry.
 */
#ifndef TM_INSTRUMENT_STORE_H
#define TM_INSTRUMENT_STORE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/error.h"
#include "core/instrument.h"

typedef struct instrument_registry instrument_registry;

/* Loads every instrument file (*.json but schema.json) in dir into the
 * database. A new (key, version) is inserted; a known one with the same
 * content is left alone; a known one with different content is refused
 * (status 409) with a message that names the file and asks for a new
 * version. Invalid files are refused (422, one detail per problem).
 * *loaded (may be NULL) receives the number of new versions. */
int instrument_store_sync_dir(PGconn *conn, const char *dir, int *loaded, tm_error *err);

/* The directory holding instrument files: INSTRUMENTS_DIR, else "survey-defs". */
const char *instrument_dir_from_env(void);

/* Resolves "key" (latest version) or "key@version" to the stored id.
 * Returns 0, or -1 with err 422 naming the unknown instrument. */
int instrument_store_resolve(PGconn *conn, const char *ref, int *id, tm_error *err);

/* All instruments, latest version of each: [{key, version, title, sha256}].
 * Returns a new reference, or NULL with err. */
json_t *instrument_store_list(PGconn *conn, tm_error *err);

/* Creates an empty registry; NULL on allocation failure. */
instrument_registry *instrument_registry_create(void);

/* Frees the registry and every instrument in it. */
void instrument_registry_free(instrument_registry *reg);

/* The instrument with database id `id`, loaded from conn on first use.
 * Borrowed: valid until instrument_registry_free. Thread-safe.
 * Returns NULL with err (404 when no such id). */
const instrument *instrument_registry_get(instrument_registry *reg, PGconn *conn, int id,
                                          tm_error *err);

#endif
