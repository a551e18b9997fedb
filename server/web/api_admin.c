/* routes_admin.c - the admin API: organisations, waves, invitations, open
 * links, progress and the bulk import.
 *
 * Role rules: a viewer may only read; writes by a viewer are 403. Anything
 * outside a key's organisations is 404, for reads and writes alike, so a key
 * never learns that another organisation's data exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"
#include "core/import.h"
#include "server/app/metrics.h"
#include "server/web/routes.h"
#include "server/store/store.h"

/* Borrows a connection or answers 503. */
static PGconn *conn_or_503(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    PGconn *c = db_pool_acquire(req->app->pool, &err);
    if (!c) http_respond_error(res, &err);
    tm_error_clear(&err);
    return c;
}

static int may_write(http_request *req, http_response *res)
{
    if (req->auth.role == ROLE_ADMIN || req->auth.role == ROLE_CONSULTANT) return 1;
    http_respond_message(res, 403, "this API key may only read (role viewer)");
    return 0;
}

/* Answers with json (stolen) or with err. */
static void reply(http_response *res, int status, json_t *json, tm_error *err)
{
    if (json)
        http_respond_json(res, status, json);
    else
        http_respond_error(res, err);
    tm_error_clear(err);
}

/* The wave of path parameter 0 as seen by the key; answers 404 itself. */
static int wave_of_request(http_request *req, http_response *res, PGconn *c, wave_info *w)
{
    tm_error err = TM_ERROR_INIT;
    long long id = http_param_id(req, 0);
    if (id <= 0) {
        http_respond_message(res, 404, "no such wave");
        return -1;
    }
    if (store_wave_get(c, &req->auth, id, w, &err) != 0) {
        http_respond_error(res, &err);
        tm_error_clear(&err);
        return -1;
    }
    return 0;
}

void handle_organisations_create(http_request *req, http_response *res)
{
    if (!may_write(req, res)) return;
    tm_error err = TM_ERROR_INIT;
    json_t *body = http_body_json(req, &err);
    if (!body) {
        reply(res, 0, NULL, &err);
        return;
    }
    PGconn *c = conn_or_503(req, res);
    if (c) {
        json_t *o = store_organisation_create(
            c, &req->auth, json_string_value(json_object_get(body, "name")),
            json_string_value(json_object_get(body, "code")), &err);
        reply(res, 201, o, &err);
    }
    db_pool_release(req->app->pool, c);
    json_decref(body);
}

void handle_organisations_list(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    PGconn *c = conn_or_503(req, res);
    if (!c) return;
    json_t *list = store_organisations_list(c, &req->auth, &err);
    db_pool_release(req->app->pool, c);
    reply(res, 200, list ? json_pack("{s:o}", "organisations", list) : NULL, &err);
}

void handle_organisation_waves(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    long long org = http_param_id(req, 0);
    if (org <= 0) {
        http_respond_message(res, 404, "no such organisation");
        return;
    }
    PGconn *c = conn_or_503(req, res);
    if (!c) return;
    json_t *list = store_waves_of_organisation(c, &req->auth, org, &err);
    db_pool_release(req->app->pool, c);
    reply(res, 200, list ? json_pack("{s:o}", "waves", list) : NULL, &err);
}

void handle_waves_create(http_request *req, http_response *res)
{
    if (!may_write(req, res)) return;
    tm_error err = TM_ERROR_INIT;
    json_t *body = http_body_json(req, &err);
    if (!body) {
        reply(res, 0, NULL, &err);
        return;
    }
    PGconn *c = conn_or_503(req, res);
    if (c) reply(res, 201, store_wave_create(c, &req->auth, body, &err), &err);
    db_pool_release(req->app->pool, c);
    json_decref(body);
}

void handle_wave_get(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    PGconn *c = conn_or_503(req, res);
    if (!c) return;
    wave_info w;
    if (wave_of_request(req, res, c, &w) == 0)
        reply(res, 200, store_wave_json(c, w.id, &err), &err);
    db_pool_release(req->app->pool, c);
}

static void wave_transition(http_request *req, http_response *res, const char *status)
{
    if (!may_write(req, res)) return;
    tm_error err = TM_ERROR_INIT;
    PGconn *c = conn_or_503(req, res);
    if (!c) return;
    wave_info w;
    if (wave_of_request(req, res, c, &w) == 0) {
        if (store_wave_set_status(c, w.id, status, &err) == 0)
            reply(res, 200, store_wave_json(c, w.id, &err), &err);
        else
            reply(res, 0, NULL, &err);
    }
    db_pool_release(req->app->pool, c);
}

void handle_wave_open(http_request *req, http_response *res)
{
    wave_transition(req, res, "open");
}

void handle_wave_close(http_request *req, http_response *res)
{
    wave_transition(req, res, "closed");
}

/* The layer index named by body.layer, or -1 after answering 422. */
static int layer_of_body(http_request *req, http_response *res, PGconn *c, const wave_info *w,
                         json_t *body, const instrument **in_out)
{
    tm_error err = TM_ERROR_INIT;
    const instrument *in =
        instrument_registry_get(req->app->instruments, c, w->instrument_id, &err);
    if (!in) {
        reply(res, 0, NULL, &err);
        return -1;
    }
    *in_out = in;
    const char *key = json_string_value(json_object_get(body, "layer"));
    int layer = instrument_layer_index(in, key);
    if (layer < 0) {
        tm_error_set(&err, 422, "unknown layer");
        char known[256] = "";
        for (size_t i = 0; i < in->n_layers; i++) {
            size_t len = strlen(known);
            snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "", in->layers[i].key);
        }
        tm_error_add_json(&err, json_pack("{s:s, s:s+}", "field", "layer", "error",
                                          "must be one of the instrument's layers: ", known));
        reply(res, 0, NULL, &err);
        return -1;
    }
    return layer;
}

static int count_field(json_t *body, const char *field, int lo, int hi, http_response *res)
{
    json_t *v = json_object_get(body, field);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        tm_error err = TM_ERROR_INIT;
        tm_error_set(&err, 422, "the request cannot be accepted");
        tm_error_add_json(&err, json_pack("{s:s, s:s}", "field", field, "error",
                                          "must be a whole number in range"));
        char msg[96];
        snprintf(msg, sizeof msg, "must be a whole number from %d to %d", lo, hi);
        json_object_set_new(json_array_get(err.details, 0), "error", json_string(msg));
        reply(res, 0, NULL, &err);
        return -1;
    }
    return (int)json_integer_value(v);
}

/* Tokens as CSV for a mail merge: token,url. */
static char *invitations_csv(json_t *list, const char *layer)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f) return NULL;
    fputs("layer,token,url\r\n", f);
    size_t i;
    json_t *inv;
    json_array_foreach(list, i, inv)
        fprintf(f, "%s,%s,%s\r\n", layer, json_string_value(json_object_get(inv, "token")),
                json_string_value(json_object_get(inv, "url")));
    fclose(f);
    return out;
}

/* What creating invitations and creating a link share: a writable role,
 * a JSON body, the wave (in scope, not closed), a layer of its instrument and
 * a count within bounds. */
typedef struct layer_request {
    json_t *body;
    PGconn *conn;
    wave_info wave;
    const instrument *in;
    int layer;
    int count;
} layer_request;

/* Returns 0 with lr filled, or -1 after answering (lr still to be ended). */
static int layer_request_begin(http_request *req, http_response *res, const char *count_name,
                               int count_max, const char *what, layer_request *lr)
{
    memset(lr, 0, sizeof *lr);
    if (!may_write(req, res)) return -1;
    tm_error err = TM_ERROR_INIT;
    if (!(lr->body = http_body_json(req, &err))) {
        reply(res, 0, NULL, &err);
        return -1;
    }
    if (!(lr->conn = conn_or_503(req, res)) || wave_of_request(req, res, lr->conn, &lr->wave) ||
        (lr->layer = layer_of_body(req, res, lr->conn, &lr->wave, lr->body, &lr->in)) < 0 ||
        (lr->count = count_field(lr->body, count_name, 1, count_max, res)) <= 0)
        return -1;
    if (!strcmp(lr->wave.status, "closed")) {
        char msg[96];
        snprintf(msg, sizeof msg, "the wave is closed: no new %s", what);
        http_respond_message(res, 409, msg);
        return -1;
    }
    return 0;
}

static void layer_request_end(http_request *req, layer_request *lr)
{
    db_pool_release(req->app->pool, lr->conn);
    json_decref(lr->body);
}

void handle_invitations_create(http_request *req, http_response *res)
{
    layer_request lr;
    tm_error err = TM_ERROR_INIT;
    if (layer_request_begin(req, res, "count", 10000, "invitations", &lr) == 0) {
        const char *layer_key = lr.in->layers[lr.layer].key;
        json_t *list = store_invitations_create(lr.conn, lr.wave.id, lr.layer, lr.count,
                                                req->app->base_url, &err);
        const char *accept = http_header(req, "Accept");
        if (list && accept && strstr(accept, "text/csv")) {
            char *csv = invitations_csv(list, layer_key);
            json_decref(list);
            if (csv) {
                http_respond_body(res, 201, "text/csv; charset=utf-8", csv, strlen(csv));
                http_respond_header(res, "Content-Disposition",
                                    "attachment; filename=\"invitations.csv\"");
            } else {
                http_respond_message(res, 500, "out of memory writing the CSV");
            }
        } else {
            reply(res, 201,
                  list ? json_pack("{s:s, s:o}", "layer", layer_key, "invitations", list) : NULL,
                  &err);
        }
    }
    layer_request_end(req, &lr);
}

void handle_links_create(http_request *req, http_response *res)
{
    layer_request lr;
    tm_error err = TM_ERROR_INIT;
    if (layer_request_begin(req, res, "max_responses", 100000, "links", &lr) == 0) {
        json_t *link =
            store_link_create(lr.conn, lr.wave.id, lr.layer, lr.count, req->app->base_url, &err);
        if (link) json_object_set_new(link, "layer", json_string(lr.in->layers[lr.layer].key));
        reply(res, 201, link, &err);
    }
    layer_request_end(req, &lr);
}

void handle_progress(http_request *req, http_response *res)
{
    tm_error err = TM_ERROR_INIT;
    PGconn *c = conn_or_503(req, res);
    if (!c) return;
    wave_info w;
    if (wave_of_request(req, res, c, &w) == 0) {
        const instrument *in =
            instrument_registry_get(req->app->instruments, c, w.instrument_id, &err);
        const char *keys[INSTRUMENT_MAX_LAYERS];
        for (size_t i = 0; in && i < in->n_layers; i++)
            keys[i] = in->layers[i].key;
        json_t *p = in ? store_progress(c, w.id, keys, in->n_layers, &err) : NULL;
        if (p) json_object_set_new(p, "wave_id", json_integer(w.id));
        reply(res, 200, p, &err);
    }
    db_pool_release(req->app->pool, c);
}

/* ---- bulk import -------------------------------------------------------- */

/* The body streams into an import_parser as it arrives; nothing is stored
 * until every row has been read and checked. */
typedef struct import_state {
    import_parser *parser;
    const instrument *in;
    wave_info wave;
    tm_error setup_error; /* the wave could not be found, etc. */
} import_state;

static void *import_open(http_request *req)
{
    import_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    if (req->auth.role == ROLE_VIEWER) { /* refuse before parsing anything */
        tm_error_set(&st->setup_error, 403, "this API key may only read (role viewer)");
        return st;
    }
    PGconn *c = db_pool_acquire(req->app->pool, &st->setup_error);
    long long id = http_param_id(req, 0);
    if (c && id > 0 && store_wave_get(c, &req->auth, id, &st->wave, &st->setup_error) == 0)
        st->in = instrument_registry_get(req->app->instruments, c, st->wave.instrument_id,
                                         &st->setup_error);
    else if (c && id <= 0)
        tm_error_set(&st->setup_error, 404, "no such wave");
    db_pool_release(req->app->pool, c);
    if (st->in)
        st->parser = import_parser_new(
            st->in, import_format_from_content_type(http_header(req, "Content-Type")));
    return st;
}

static int import_chunk(void *state, const char *data, size_t len, tm_error *err)
{
    (void)err;
    import_state *st = state;
    if (st && st->parser) import_parser_feed(st->parser, data, len);
    return 0; /* syntax errors are reported at the end, with row numbers */
}

static void import_close(void *state)
{
    import_state *st = state;
    if (!st) return;
    import_parser_free(st->parser);
    tm_error_clear(&st->setup_error);
    free(st);
}

const body_sink import_sink = {import_open, import_chunk, import_close};

static int import_row(void *ctx, size_t i, int *layer, const int16_t **scores, json_t **extra)
{
    const import_parser *p = ctx;
    *layer = import_parser_layer(p, i);
    *scores = import_parser_scores(p, i);
    *extra = import_parser_extra(p, i);
    return *scores ? 0 : -1;
}

void handle_import(http_request *req, http_response *res)
{
    import_state *st = req->sink_state;
    if (!st) {
        http_respond_message(res, 500, "out of memory reading the import");
        return;
    }
    if (st->setup_error.status) {
        http_respond_error(res, &st->setup_error);
        return;
    }
    if (!may_write(req, res)) return;
    tm_error err = TM_ERROR_INIT;
    if (!st->parser) {
        http_respond_message(res, 500, "out of memory reading the import");
        return;
    }
    if (import_parser_finish(st->parser, &err) != 0) {
        reply(res, 0, NULL, &err);
        return;
    }
    size_t n = import_parser_rows(st->parser);
    PGconn *c = conn_or_503(req, res);
    if (!c) return;
    if (store_import(c, st->wave.id, n, st->in->n_items, import_row, st->parser, &err) == 0) {
        metrics_add_submissions(req->app->metrics, (long)n);
        http_respond_json(res, 201, json_pack("{s:I}", "imported", (json_int_t)n));
    } else {
        reply(res, 0, NULL, &err);
    }
    db_pool_release(req->app->pool, c);
}
