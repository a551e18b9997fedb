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

#include "server/app/collection.h"
#include "server/app/organisations.h"
#include "server/app/waves.h"
#include "server/web/routes.h"

void route_organisations_create(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    json_t *o = organisations_create(req->db, &req->who,
                                     json_string_value(json_object_get(req->json, "name")),
                                     json_string_value(json_object_get(req->json, "code")), &err);
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
        res, 200, organisations_update(req->db, &req->who, http_param_id(req, 0), req->json, &err),
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
    http_respond_result(res, 201, waves_create(req->db, &req->who, req->json, &err), &err);
}

void route_wave_get(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    http_respond_result(res, 200, waves_json(req->db, req->wave.id, &err), &err);
}

void route_wave_open(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    http_respond_result(res, 200, waves_set_status(req->app, req->db, &req->wave, "open", &err),
                        &err);
}

void route_wave_close(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    http_respond_result(res, 200, waves_set_status(req->app, req->db, &req->wave, "closed", &err),
                        &err);
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
    json_t *batch = collection_invitations(req->app, req->db, &req->wave, req->json, &err);
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
    http_respond_result(res, 201, collection_link(req->app, req->db, &req->wave, req->json, &err),
                        &err);
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
    if (collection_import_finish(req->app, req->db, req->sink_state, &n, &err) != 0) {
        http_respond_result(res, 0, NULL, &err);
        return;
    }
    http_respond_json(res, 201, json_pack("{s:I}", "imported", (json_int_t)n));
}
