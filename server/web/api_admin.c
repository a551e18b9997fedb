/* api_admin.c - the admin API: organisations, waves, invitations, open
 * links, progress and the bulk import.
 *
 * Role rules (the route table's ROUTE_WRITE): a viewer may only read;
 * writes by a viewer are 403. Anything outside a key's organisations is
 * 404, for reads and writes alike, so a key never learns that another
 * organisation's data exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/audit.h"
#include "server/app/collection.h"
#include "server/app/organisations.h"
#include "server/app/wave_settings.h"
#include "server/app/waves.h"
#include "server/web/routes.h"

/* A change and its audit entry are one transaction (server/app/audit.h):
 * begin, make the change, then audited() commits both, or rolls back when
 * the change failed. Returns result, or NULL with err. detail is stolen. */
static int audit_start(http_request *req, tm_error *err)
{
    return audit_begin(req->db, err);
}

static json_t *audited(http_request *req, json_t *result, const char *action, const char *type,
                       long long id, json_t *detail, tm_error *err)
{
    return audit_result(req->db, &req->who, result, action, type, id, detail, err);
}

void route_organisations_create(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *o = NULL;
    if (audit_start(req, &err) == 0) {
        o = organisations_create(req->db, &req->who,
                                 json_string_value(json_object_get(req->json, "name")),
                                 json_string_value(json_object_get(req->json, "code")), &err);
        o = audited(req, o, "organisation.create", "organisation", 0,
                    o ? json_pack("{s:O}", "name", json_object_get(o, "name")) : NULL, &err);
    }
    http_respond_result(res, 201, o, &err);
}

void route_organisations_list(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *list = organisations_list(req->db, &req->who, &err);
    http_respond_result(res, 200, list ? json_pack("{s:o}", "organisations", list) : NULL, &err);
}

void route_organisation_update(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    http_respond_result(
        res, 200, organisations_patch(req->db, &req->who, http_param_id(req, 0), req->json, &err),
        &err);
}

void route_organisation_waves(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *list = organisations_waves(req->db, &req->who, http_param_id(req, 0), &err);
    http_respond_result(res, 200, list ? json_pack("{s:o}", "waves", list) : NULL, &err);
}

void route_waves_create(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *w = NULL;
    if (audit_start(req, &err) == 0) {
        w = waves_create(req->db, &req->who, req->json, &err);
        w = audited(req, w, "wave.create", "wave", 0,
                    w ? json_pack("{s:O}", "name", json_object_get(w, "name")) : NULL, &err);
    }
    http_respond_result(res, 201, w, &err);
}

void route_wave_get(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    http_respond_result(res, 200, waves_json(req->db, req->wave.id, &err), &err);
}

static void wave_status(http_request *req, http_response *res, const char *status)
{
    tm_error err = TM_ERROR_INIT;
    json_t *w = NULL;
    if (audit_start(req, &err) == 0)
        w = audited(req, waves_set_status(req->app, req->db, &req->wave, status, &err),
                    !strcmp(status, "open") ? "wave.open" : "wave.close", "wave", req->wave.id,
                    NULL, &err);
    if (w && !strcmp(status, "closed")) waves_release_closed(req->app, req->db, req->wave.id);
    http_respond_result(res, 200, w, &err);
}

void route_wave_open(http_request *req, http_response *res)
{
    wave_status(req, res, "open");
}

void route_wave_close(http_request *req, http_response *res)
{
    wave_status(req, res, "closed");
}

void route_wave_intended(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *w = NULL;
    if (audit_start(req, &err) == 0)
        w = audited(req, wave_settings_put_intended(req->app, req->db, &req->wave, req->json, &err),
                    "wave.intended", "wave", req->wave.id,
                    json_pack("{s:I}", "items", (json_int_t)json_object_size(req->json)), &err);
    http_respond_result(res, 200, w, &err);
}

void route_wave_rules(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *w = NULL;
    if (audit_start(req, &err) == 0)
        w = audited(req, wave_settings_put_rules(req->app, req->db, &req->wave, req->json, &err),
                    "wave.rules", "wave", req->wave.id,
                    json_pack("{s:I}", "rules", (json_int_t)json_array_size(req->json)), &err);
    http_respond_result(res, 200, w, &err);
}

/* Tokens as CSV for a mail merge: layer,token,url. */
static char *invitations_csv(json_t *batch)
{
    const char *layer = json_string_value(json_object_get(batch, "layer"));
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f) return NULL;
    fputs("layer,token,url\r\n", f);
    size_t i;
    json_t *inv;
    json_array_foreach(json_object_get(batch, "invitations"), i, inv)
        fprintf(f, "%s,%s,%s\r\n", layer, json_string_value(json_object_get(inv, "token")),
                json_string_value(json_object_get(inv, "url")));
    fclose(f);
    return out;
}

void route_invitations_create(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *batch = NULL;
    if (audit_start(req, &err) == 0) {
        batch = collection_invitations(req->app, req->db, &req->wave, req->json, &err);
        batch = audited(
            req, batch, "invitations.create", "wave", req->wave.id,
            batch ? json_pack("{s:O, s:I}", "layer", json_object_get(batch, "layer"), "count",
                              (json_int_t)json_array_size(json_object_get(batch, "invitations")))
                  : NULL,
            &err);
    }
    const char *accept = http_header(req, "Accept");
    if (!batch || !accept || !strstr(accept, "text/csv")) {
        http_respond_result(res, 201, batch, &err);
        return;
    }
    char *csv = invitations_csv(batch);
    char warning[512];
    snprintf(warning, sizeof warning, "%s", json_string_value(json_object_get(batch, "warning")));
    json_decref(batch);
    if (!csv) {
        http_respond_message(res, 500, "out of memory writing the CSV");
        return;
    }
    http_respond_body(res, 201, "text/csv; charset=utf-8", csv, strlen(csv));
    http_respond_header(res, "Content-Disposition", "attachment; filename=\"invitations.csv\"");
    /* The mail merge is where a consultant holds every token: say it there too. */
    http_respond_header(res, "X-Token-Warning", warning);
}

void route_links_create(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *link = NULL;
    if (audit_start(req, &err) == 0) {
        link = collection_link(req->app, req->db, &req->wave, req->json, &err);
        link = audited(req, link, "link.create", "wave", req->wave.id,
                       link ? json_pack("{s:O, s:O}", "layer", json_object_get(link, "layer"),
                                        "max_responses", json_object_get(link, "max_responses"))
                            : NULL,
                       &err);
    }
    http_respond_result(res, 201, link, &err);
}

void route_progress(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    http_respond_result(res, 200, waves_progress(req->app, req->db, &req->wave, &err), &err);
}

/* ---- bulk import -------------------------------------------------------- */

/* The body streams into the import as it arrives; nothing is stored until
 * every row has been read and checked. Opened in the head step, once the
 * key, its role and the wave have passed. */
static void *import_open(http_request *req, tm_error *err)
{
    return collection_import_open(req->app, req->db, &req->wave, http_header(req, "Content-Type"),
                                  err);
}

static int import_chunk(void *state, const char *data, size_t len, tm_error *err)
{
    (void)err; /* syntax errors are reported at the end, with row numbers */
    collection_import_feed(state, data, len);
    return 0;
}

static void import_close(void *state)
{
    collection_import_free(state);
}

const body_sink route_import_sink = {import_open, import_chunk, import_close};

void route_import(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    size_t n = 0;
    if (audit_start(req, &err) != 0 ||
        collection_import_finish(req->app, req->db, req->sink_state, &n, &err) != 0) {
        audit_abort(req->db);
        http_respond_result(res, 0, NULL, &err);
        return;
    }
    long long batch = collection_import_batch(req->sink_state);
    if (audit_commit(req->db, &req->who, "import.create", "wave", req->wave.id,
                     json_pack("{s:I, s:I}", "batch", (json_int_t)batch, "rows", (json_int_t)n),
                     &err) != 0) {
        http_respond_result(res, 0, NULL, &err);
        return;
    }
    /* The batch is in the audit log and on the console's import page. */
    http_respond_json(res, 201, json_pack("{s:I}", "imported", (json_int_t)n));
}
