/* wave_admin.c - see wave_admin.h. */
#include "server/app/wave_admin.h"

#include <stdio.h>
#include <string.h>

#include "core/isotime.h"
#include "server/store/imports.h"
#include "server/store/invitations.h"

static void field_problem(tm_error *err, const char *field, const char *msg)
{
    tm_error_add_json(err, json_pack("{s:s, s:s}", "field", field, "error", msg));
}

/* One time: its form, then whether the date exists. 1 when usable, 0 with
 * a problem noted, -1 with err. */
static int time_usable(PGconn *c, const char *field, const char *s, tm_error *err)
{
    if (!isotime_valid(s)) {
        field_problem(err, field,
                      "must be ISO 8601 with a time and an offset, such as "
                      "2027-04-01T17:00:00+02:00");
        return 0;
    }
    int valid = store_waves_time_valid(c, s, err);
    if (valid < 0) return -1;
    if (!valid) field_problem(err, field, "is not a date and time that exist");
    return valid;
}

int wave_admin_times_check(PGconn *c, const char *opens, const char *closes, tm_error *err)
{
    size_t before = tm_error_count(err);
    int o = opens ? time_usable(c, "opens_at", opens, err) : 1;
    int cl = o < 0 ? -1 : closes ? time_usable(c, "closes_at", closes, err) : 1;
    if (o < 0 || cl < 0) return -1;
    if (o > 0 && cl > 0 && closes) {
        int bits = store_waves_times_order(c, opens, closes, err);
        if (bits < 0) return -1;
        if (bits & 1) field_problem(err, "closes_at", "must be after opens_at");
        if (bits & 2) field_problem(err, "closes_at", "must be in the future");
    }
    return (int)(tm_error_count(err) - before);
}

int wave_admin_local_time(PGconn *c, const char *field, const char *date, const char *time,
                          const char *time_default, char out[24], tm_error *err)
{
    out[0] = '\0';
    if (!date || !*date) {
        if (time && *time) field_problem(err, field, "has a time but no date");
        return time && *time ? 1 : 0;
    }
    if (!time || !*time) time = time_default;
    if (!isotime_local_valid(date, time)) {
        field_problem(err, field, "must be a date (2027-04-01) and a time (17:00)");
        return 1;
    }
    int ok = store_waves_local_to_utc(c, date, time, out, err);
    if (ok < 0) return -1;
    if (!ok) field_problem(err, field, "is not a date that exists");
    return ok ? 0 : 1;
}

int wave_admin_details(PGconn *c, const wave_info *w, wave_details *d, tm_error *err)
{
    return store_waves_details(c, w->id, d, err);
}

int wave_admin_update(PGconn *c, const wave_info *w, const wave_admin_fields *f, tm_error *err)
{
    if (!f->name || !*f->name || strlen(f->name) > 200)
        field_problem(err, "name", "is required: 1 to 200 characters");
    if (f->min_group_size < 3 || f->min_group_size > 1000)
        field_problem(err, "min_group_size",
                      "must be a whole number of at least 3: smaller groups could be traced to "
                      "a person");
    if (!f->collection || (strcmp(f->collection, "online") && strcmp(f->collection, "import")))
        field_problem(err, "collection", "must be \"online\" or \"import\"");
    if (f->previous_wave_id == w->id)
        field_problem(err, "previous_wave_id", "cannot be the wave itself");
    else if (f->previous_wave_id) {
        int fits = store_waves_previous_fits(c, f->previous_wave_id, w->organisation_id,
                                             w->instrument, err);
        if (fits < 0) return -1;
        if (!fits)
            field_problem(err, "previous_wave_id",
                          "must be a wave of the same organisation and instrument");
    }
    if (wave_admin_times_check(c, f->opens_at, f->closes_at, err) < 0) return -1;
    if (tm_error_count(err)) return tm_error_set(err, 422, "the wave cannot be changed");
    wave_edit e = {f->name,       f->opens_at, f->closes_at, f->min_group_size, f->previous_wave_id,
                   f->collection, f->is_test};
    return store_waves_update(c, w->id, &e, err);
}

int wave_admin_delete(PGconn *c, const wave_info *w, const char *confirm, tm_error *err)
{
    if (!confirm || strcmp(confirm, w->name) != 0) {
        field_problem(err, "confirm", "must be the wave's name, exactly as it is written");
        return tm_error_set(err, 422, "the wave was not deleted");
    }
    return store_waves_delete(c, w->id, err);
}

json_t *wave_admin_counts(app *a, PGconn *c, const wave_info *w, tm_error *err)
{
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    if (!in) return NULL;
    const char *keys[INSTRUMENT_MAX_LAYERS];
    for (size_t i = 0; i < in->n_layers; i++)
        keys[i] = in->layers[i].key;
    return store_invitations_counts(c, w->id, keys, in->n_layers, err);
}

json_t *wave_admin_links(app *a, PGconn *c, const wave_info *w, tm_error *err)
{
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    json_t *list = in ? store_invitations_links(c, w->id, err) : NULL;
    size_t i;
    json_t *l;
    json_array_foreach(list, i, l)
    {
        json_int_t layer = json_integer_value(json_object_get(l, "layer"));
        if (layer >= 0 && (size_t)layer < in->n_layers)
            json_object_set_new(l, "layer", json_string(in->layers[layer].key));
    }
    return list;
}

json_t *wave_admin_imports(PGconn *c, const wave_info *w, tm_error *err)
{
    return store_imports_list(c, w->id, err);
}

int wave_admin_import_undo(PGconn *c, const wave_info *w, long long batch, long long *rows,
                           tm_error *err)
{
    if (batch <= 0) return tm_error_set(err, 404, "no such import");
    return store_imports_undo(c, w->id, batch, rows, err);
}
