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
 * (default 5, at least 3), previous_wave_id, opens_at, closes_at and
 * collection ("online", the default: invitations and open links; "import":
 * the bulk import only; never both, see collection.h). 422
 * naming each bad or unknown field, 404 when the organisation is not there
 * for who. Returns the new wave's JSON (new reference). */
json_t *waves_create(PGconn *c, const caller *who, json_t *body, tm_error *err);

/* Opens or closes wave w (status "open" or "closed") and returns its JSON
 * afterwards (new reference); 409 when a closed wave would change. A close
 * releases every submission still waiting to be mixed (mixer.h). */
json_t *waves_set_status(app *a, PGconn *c, const wave_info *w, const char *status, tm_error *err);

/* Per layer of w's instrument: invited, started, submitted (counts only):
 * {"layers": [...], "wave_id"} (new reference). */
json_t *waves_progress(app *a, PGconn *c, const wave_info *w, tm_error *err);

#endif
