/* organisations.c - see organisations.h. */
#include "server/app/organisations.h"

#include <string.h>

#include "server/store/organisations.h"
#include "server/store/waves.h"

static int code_valid(const char *code)
{
    if (!code || strlen(code) != 6 || strncmp(code, "GM", 2) != 0) return 0;
    for (int i = 2; i < 6; i++)
        if (code[i] < '0' || code[i] > '9') return 0;
    return 1;
}

/* code in capitals into out ("" when it cannot be a code): "gm0171" is
 * "GM0171". */
static void code_upper(const char *code, char out[8])
{
    out[0] = '\0';
    if (!code || strlen(code) >= 8) return;
    size_t i = 0;
    for (; code[i]; i++)
        out[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);
    out[i] = '\0';
}

json_t *organisations_create(PGconn *c, const caller *who, const char *name, const char *raw_code,
                             tm_error *err)
{
    char code[8];
    code_upper(raw_code, code);
    if (!name || !*name || strlen(name) > 200)
        tm_error_add_json(err, json_pack("{s:s, s:s}", "field", "name", "error",
                                         "is required: 1 to 200 characters"));
    if (!code_valid(code))
        tm_error_add_json(err, json_pack("{s:s, s:s}", "field", "code", "error",
                                         "must be a CBS municipality code like \"GM0171\""));
    if (tm_error_count(err) > 0) {
        tm_error_set(err, 422, "the organisation cannot be created");
        return NULL;
    }
    return store_organisations_insert(c, who, name, code, err);
}

json_t *organisations_list(PGconn *c, const caller *who, tm_error *err)
{
    return store_organisations_list(c, who, err);
}

json_t *organisations_waves(PGconn *c, const caller *who, long long org, tm_error *err)
{
    if (org <= 0) {
        tm_error_set(err, 404, "no such organisation");
        return NULL;
    }
    return store_waves_of_organisation(c, who, org, err);
}

/* ---- the console (issue 14) --------------------------------------------- */

json_t *organisations_get(PGconn *c, const caller *who, long long org, tm_error *err)
{
    if (org <= 0) {
        tm_error_set(err, 404, "no such organisation");
        return NULL;
    }
    return store_organisations_get(c, who, org, err);
}

int organisations_update(PGconn *c, const caller *who, long long org, const char *name,
                         const char *code, tm_error *err)
{
    char upper[8];
    code_upper(code, upper);
    if (!name || !*name || strlen(name) > 200)
        tm_error_add_json(err, json_pack("{s:s, s:s}", "field", "name", "error",
                                         "is required: 1 to 200 characters"));
    if (!code_valid(upper))
        tm_error_add_json(err, json_pack("{s:s, s:s}", "field", "code", "error",
                                         "must be a CBS municipality code like \"GM0171\""));
    if (tm_error_count(err) > 0)
        return tm_error_set(err, 422, "the organisation cannot be changed");
    int visible = store_organisations_visible(c, who, org, err);
    if (visible <= 0)
        return visible < 0 ? -1 : tm_error_set(err, 404, "organisation %lld does not exist", org);
    return store_organisations_update(c, org, name, upper, err);
}

int organisations_set_benchmark(PGconn *c, long long org, int benchmark, tm_error *err)
{
    return store_organisations_set_benchmark(c, org, benchmark, err);
}

json_t *organisations_patch(PGconn *c, const caller *who, long long org, json_t *body,
                            tm_error *err)
{
    if (org <= 0) {
        tm_error_set(err, 404, "no such organisation");
        return NULL;
    }
    if (who->role != ROLE_ADMIN) {
        /* Whoever marks peers shapes every other municipality's benchmark. */
        tm_error_set(err, 403, "only an admin key may mark benchmark peers");
        return NULL;
    }
    json_t *peer = json_object_get(body, "benchmark");
    if (!json_is_boolean(peer))
        tm_error_add_json(err, json_pack("{s:s, s:s}", "field", "benchmark", "error",
                                         "is required: true (a benchmark peer) or false"));
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "benchmark"))
            tm_error_add_json(err, json_pack("{s:s, s:s}", "field", key, "error",
                                             "cannot be changed here (only \"benchmark\")"));
    }
    if (tm_error_count(err) > 0) {
        tm_error_set(err, 422, "the organisation cannot be changed");
        return NULL;
    }
    if (store_organisations_set_benchmark(c, org, json_is_true(peer), err) != 0) return NULL;
    return store_organisations_get(c, who, org, err);
}
