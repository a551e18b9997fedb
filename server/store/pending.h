/* pending.h - the pending_responses table: submissions waiting, sealed, to
 * be released into responses by the mixer (server/app/mixer.h), which
 * decides what to release; this file holds its SQL.
 *
 * A batch is one transaction: store_pending_take locks the (wave, layer)
 * for the caller's transaction (an advisory lock, so two servers on one
 * database never release the same rows or split a batch) and reads its
 * waiting rows; store_pending_release deletes the released ones and inserts
 * their answers into responses in the order given, with random ids, in one
 * statement. Keys are addressed by the hex of their id (server/app/seal.h).
 */
#ifndef TM_STORE_PENDING_H
#define TM_STORE_PENDING_H

#include <libpq-fe.h>
#include <stddef.h>

#include "core/error.h"

/* Waiting submissions of one wave and layer under one key. */
typedef struct pending_group {
    long long wave;
    int layer;
    long long waiting;
    int min_group_size; /* the wave's k */
    int ended;          /* the wave takes no more answers (closed, or past closes_at) */
} pending_group;

/* Every (wave, layer) with waiting rows sealed under key_id (wave 0) or
 * those of one wave. *out (caller frees) and *n receive them. */
int store_pending_groups(PGconn *c, const char *key_id, long long wave, pending_group **out,
                         size_t *n, tm_error *err);

/* How many waiting rows (of wave, or of all waves for 0) were sealed under
 * another key than key_id; -1 with err. */
long long store_pending_foreign(PGconn *c, const char *key_id, long long wave, tm_error *err);

/* Waits until every transaction that may still write to pending_responses
 * has ended, and makes new ones wait meanwhile (LOCK ... IN SHARE MODE in a
 * transaction of its own). Once a wave's end is committed, a submission
 * either committed before this returns or sees the wave ended. */
int store_pending_barrier(PGconn *c, tm_error *err);

/* The rows of one (wave, layer, key) read for release. */
typedef struct pending_rows {
    size_t n;
    char **ctid;            /* n row addresses, "(block,offset)" */
    unsigned char **sealed; /* n sealed payloads */
    size_t *len;            /* their lengths */
} pending_rows;

/* Inside the caller's transaction: takes the (wave, layer) lock (waits for
 * another server's batch to end) and reads the waiting rows under key_id.
 * Free with store_pending_rows_free. */
int store_pending_take(PGconn *c, long long wave, int layer, const char *key_id, pending_rows *rows,
                       tm_error *err);
void store_pending_rows_free(pending_rows *rows);

/* Inside the caller's transaction: deletes the rows whose ctids are in
 * ctids (a PostgreSQL tid[] literal) and inserts rows_json, a JSON array of
 * {"s": scores literal, "x": extra object or absent}, into responses of
 * wave and layer in that order. */
int store_pending_release(PGconn *c, long long wave, int layer, const char *ctids,
                          const char *rows_json, tm_error *err);

/* VACUUM pending_responses (outside a transaction): the space of released
 * rows is reused and their dead versions are gone from the table. */
int store_pending_vacuum(PGconn *c, tm_error *err);

#endif
