/* apikeys.c - see apikeys.h. */
#include "server/app/apikeys.h"

#include <stdlib.h>
#include <string.h>

#include "core/isotime.h"
#include "server/app/auth.h"
#include "server/store/keys.h"
#include "server/store/waves_edit.h"

#define MAX_ORGS 256

static void field_problem(tm_error *err, const char *field, const char *msg)
{
    tm_error_add_json(err, json_pack("{s:s, s:s}", "field", field, "error", msg));
}

/* expires_at: NULL when absent or null, else its text when it is a valid
 * time in the future; a problem noted otherwise (503 as -1 with err). */
static int expiry_of(PGconn *c, json_t *v, const char **out, tm_error *err)
{
    *out = NULL;
    if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v))) return 0;
    const char *s = json_string_value(v);
    if (!s || !isotime_valid(s)) {
        field_problem(err, "expires_at",
                      "must be a time in ISO 8601 with an offset, such as "
                      "2027-04-01T17:00:00+02:00");
        return 0;
    }
    int valid = store_waves_time_valid(c, s, err);
    if (valid < 0) return -1;
    int bits = valid ? store_waves_times_order(c, NULL, s, err) : 0;
    if (bits < 0) return -1;
    if (!valid)
        field_problem(err, "expires_at", "is not a date that exists");
    else if (bits & 2)
        field_problem(err, "expires_at", "must be in the future");
    else
        *out = s;
    return 0;
}

json_t *apikeys_create(PGconn *c, json_t *body, tm_error *err)
{
    json_t *name = json_object_get(body, "name");
    json_t *orgs = json_object_get(body, "organisations");
    role r = ROLE_NONE;
    if (!json_is_string(name) || !json_string_length(name) || json_string_length(name) > 200)
        field_problem(err, "name", "is required: 1 to 200 characters that say what it is for");
    if (role_parse(json_string_value(json_object_get(body, "role")), &r) != 0)
        field_problem(err, "role", "must be \"admin\", \"consultant\" or \"viewer\"");
    long long ids[MAX_ORGS];
    size_t n = 0, i;
    json_t *v;
    if (orgs && !json_is_null(orgs) && (!json_is_array(orgs) || json_array_size(orgs) > MAX_ORGS))
        field_problem(err, "organisations", "must be a list of organisation ids");
    else
        json_array_foreach(orgs, i, v)
        {
            if (!json_is_integer(v) || json_integer_value(v) <= 0) {
                field_problem(err, "organisations", "must be a list of organisation ids");
                break;
            }
            ids[n++] = json_integer_value(v);
        }
    if (r == ROLE_ADMIN && n > 0)
        field_problem(err, "organisations", "must be empty for an admin: it sees every one");
    if (r == ROLE_VIEWER && n != 1)
        field_problem(err, "organisations", "must hold exactly one organisation for a viewer");
    const char *expires = NULL;
    if (expiry_of(c, json_object_get(body, "expires_at"), &expires, err) != 0) return NULL;
    const char *known[] = {"name", "role", "organisations", "expires_at"};
    const char *key;
    json_object_foreach(body, key, v)
    {
        int ok = 0;
        for (size_t k = 0; k < sizeof known / sizeof *known; k++)
            ok |= !strcmp(key, known[k]);
        if (!ok) field_problem(err, key, "is not a field of an API key");
    }
    if (tm_error_count(err)) {
        tm_error_set(err, 422, "the API key cannot be created");
        return NULL;
    }
    auth_key_spec spec = {r, ids, n, json_string_value(name), expires};
    char *text = NULL;
    long long id = 0;
    if (auth_key_create(c, &spec, &text, &id, err) != 0) return NULL;
    json_t *list = store_keys_list(c, err), *out = NULL;
    json_array_foreach(list, i, v)
    {
        if (json_integer_value(json_object_get(v, "id")) == id) out = json_incref(v);
    }
    json_decref(list);
    if (out) json_object_set_new(out, "key", json_string(text));
    free(text);
    if (!out && !err->status) tm_error_set(err, 500, "the new key could not be read back");
    return out;
}

json_t *apikeys_list(PGconn *c, tm_error *err)
{
    return store_keys_list(c, err);
}

int apikeys_revoke(PGconn *c, long long id, tm_error *err)
{
    if (id <= 0) return tm_error_set(err, 404, "no such API key");
    return store_keys_revoke(c, id, err);
}
