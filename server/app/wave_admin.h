/* wave_admin.h - what the console does with a wave beyond the API's
 * create/open/close: everything it shows (details, per-layer counts with
 * imported responses apart, open links, import batches), a draft's fields
 * changed, a draft or test wave deleted, an import batch undone, and the
 * checks of a wave's times that the API's create shares:
 *
 *   times are ISO 8601 with an offset (core/isotime.h), dates that exist,
 *   closes_at after opens_at and in the future; 422 naming the field.
 *
 * The console's forms take Europe/Amsterdam dates and times;
 * wave_admin_local_time turns them into that form.
 */
#ifndef TM_WAVE_ADMIN_H
#define TM_WAVE_ADMIN_H

#include <jansson.h>

#include "core/error.h"
#include "core/role.h"
#include "server/app/app.h"
#include "server/store/waves_edit.h"

/* Checks opens and closes (either may be NULL) as above, noting a problem
 * per field in err's details ({"field", "error"}). Returns the number of
 * problems, or -1 with err when the database could not tell (503). */
int wave_admin_times_check(PGconn *c, const char *opens, const char *closes, tm_error *err);

/* A Europe/Amsterdam date ("2027-04-01") and time ("17:00"; NULL or ""
 * means time_default) as ISO 8601 UTC into out ("" when date is empty);
 * 0, or a problem noted for field (1), or -1 with err. */
int wave_admin_local_time(PGconn *c, const char *field, const char *date, const char *time,
                          const char *time_default, char out[24], tm_error *err);

int wave_admin_details(PGconn *c, const wave_info *w, wave_details *d, tm_error *err);

/* The draft's new fields. */
typedef struct wave_admin_fields {
    const char *name;
    const char *opens_at, *closes_at; /* ISO 8601 with offset, or NULL */
    int min_group_size;
    long long previous_wave_id; /* 0 = none */
    const char *collection;     /* "online", "import" */
    int is_test;
} wave_admin_fields;

/* Changes draft w: 422 naming each bad field, 409 when w is no longer a
 * draft or its collection mode cannot move. */
int wave_admin_update(PGconn *c, const wave_info *w, const wave_admin_fields *f, tm_error *err);

/* Deletes w (a draft, or marked as a test) once confirm is its name
 * exactly: 422 naming "confirm" otherwise, 409 (see store_waves_delete). */
int wave_admin_delete(PGconn *c, const wave_info *w, const char *confirm, tm_error *err);

/* Per layer: invited, started, submitted (invitations used, never above
 * invited), imported (new). */
json_t *wave_admin_counts(app *a, PGconn *c, const wave_info *w, tm_error *err);

/* The open links of w: [{id, layer (key), max_responses, used, created_at}]
 * (new). */
json_t *wave_admin_links(app *a, PGconn *c, const wave_info *w, tm_error *err);

/* The import batches of w (new), and one undone: 409 once w is closed. */
json_t *wave_admin_imports(PGconn *c, const wave_info *w, tm_error *err);
int wave_admin_import_undo(PGconn *c, const wave_info *w, long long batch, long long *rows,
                           tm_error *err);

#endif
