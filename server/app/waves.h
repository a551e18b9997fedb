/* waves.h - a wave's life: created (its fields checked here), opened,
 * closed, and its progress per layer. A caller sees only the waves of its
 * organisations: any other is 404, for reads and writes alike, so a key
 * never learns that another organisation's wave exists.
 */
#ifndef TM_WAVES_H
#define TM_WAVES_H

#include <jansson.h>

#include "core/error.h"
#include "core/role.h"
#include "server/app/app.h"
#include "server/store/waves.h"

/* Reads wave id as seen by who (NULL: every wave, the command line). 404
 * "wave N does not exist" when it is not there for who, "no such wave" when
 * id <= 0 (an address that named no id). */
int waves_get(PGconn *c, const caller *who, long long id, wave_info *w, tm_error *err);

/* The wave as API JSON (new reference). */
json_t *waves_json(PGconn *c, long long id, tm_error *err);

/* Creates a wave from the API's fields (body, borrowed): organisation_id,
 * instrument ("key" or "key@version"), name, and optional min_group_size
 * (default 5, at least 3), previous_wave_id, opens_at and closes_at (ISO
 * 8601 with an offset; closes_at after opens_at and in the future),
 * collection ("online", the default: invitations and open links; "import":
 * the bulk import only; never both, see collection.h) and test (true: the wave
 * may be deleted later with everything in it). 422 naming each bad or
 * unknown field, 404 when the organisation is not there for who. Returns the
 * new wave's JSON (new reference). */
json_t *waves_create(PGconn *c, const caller *who, json_t *body, tm_error *err);

/* Opens or closes wave w (status "open" or "closed") and returns its JSON
 * afterwards (new reference); 409 when a closed wave would change. */
json_t *waves_set_status(PGconn *c, const wave_info *w, const char *status, tm_error *err);

/* After a close has been committed (not inside the transaction that closes:
 * the mixer's barrier must see the close), releases every submission of the
 * wave still waiting to be mixed (mixer_flush_wave), so that the closed
 * wave's rows are all in responses at once. A failure is logged; the mixer
 * and every computation of the results try again. */
void waves_release_closed(app *a, PGconn *c, long long wave);

/* Per layer of w's instrument: invited, started, submitted (counts only):
 * {"layers": [...], "wave_id"} (new reference). */
json_t *waves_progress(app *a, PGconn *c, const wave_info *w, tm_error *err);

#endif
