/* mixer.h - moves waiting submissions (pending_responses, sealed: seal.h)
 * into responses in shuffled batches, so that nothing in responses follows
 * a submission's transaction, order or time, and nothing links a response
 * to its invitation better than chance among at least k of its layer.
 *
 * The rule, per wave and layer, with k the wave's minimum group size:
 *   - During collection nothing is released until 2k submissions wait; then
 *     all but k of them, picked at random, go in one batch. So once k have
 *     arrived at least k always wait, and every batch holds at least k.
 *   - Once the wave takes no more answers (closed, or past closes_at), after
 *     a barrier that waits for every submission still in flight (it either
 *     committed or saw the wave end), everything that waits goes in one
 *     last batch: at least k when the layer had k or more submissions at all
 *     (k were waiting), the whole layer when it had fewer (a layer that is
 *     then suppressed in every publication).
 * A batch is one transaction of its own: the waiting rows are opened with
 * the seal key, put in a random order (libsodium), the released ones
 * inserted into responses in that order with random ids (gen_random_uuid())
 * and deleted from pending_responses. After a round that released anything,
 * VACUUM pending_responses. Two servers on one database never release the
 * same rows (a lock per wave and layer, store/pending.h).
 *
 * The server runs a round every MIXER_INTERVAL_MS on a thread of its own
 * (mixer_start). Closing a wave, and every computation of a closed wave's
 * results (the analysis, the report, `thermometer analyse` and `report`),
 * first flushes it (mixer_flush_wave), so a closed wave's results hold every
 * acknowledged submission. Logs say how many were released, never which.
 */
#ifndef TM_MIXER_H
#define TM_MIXER_H

#include "core/error.h"
#include "server/app/app.h"

#define MIXER_INTERVAL_MS 1000

/* Releases everything that waits for wave, which must have ended (closed
 * or past closes_at; a wave still open is given an ordinary round). 0, or
 * -1 with err: 503 when submissions of the wave wait sealed under another
 * key, or this process has no seal key; 500 when one does not open. */
int mixer_flush_wave(app *a, PGconn *c, long long wave, tm_error *err);

/* One round over every waiting layer of every wave, as the thread runs it:
 * the number of submissions released, or -1 with err. */
long long mixer_round(app *a, PGconn *c, tm_error *err);

/* How many waiting submissions (all waves) were sealed under another key
 * than the app's: serve refuses to start when there are any. -1 with err. */
long long mixer_foreign(app *a, PGconn *c, tm_error *err);

typedef struct mixer mixer;

/* Starts the thread (it borrows a pool connection for each round). NULL with
 * err. */
mixer *mixer_start(app *a, tm_error *err);

/* Stops the thread after its current round; NULL is fine. */
void mixer_stop(mixer *m);

#endif
