/* collection.c - see collection.h. */
#include "server/app/collection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/import.h"
#include "server/app/auth.h"
#include "server/store/invitations.h"
#include "server/store/responses.h"

/* What creating invitations and creating a link share: the wave open to
 * them, a layer of its instrument and a count within bounds. */
typedef struct layer_count {
    const instrument *in;
    int layer;
    int count;
} layer_count;

/* The layer index named by body.layer; -1 with err 422 listing the layers. */
static int layer_of_body(const instrument *in, json_t *body, tm_error *err)
{
    const char *key = json_string_value(json_object_get(body, "layer"));
    int layer = instrument_layer_index(in, key);
    if (layer >= 0) return layer;
    tm_error_set(err, 422, "unknown layer");
    char known[256] = "";
    for (size_t i = 0; i < in->n_layers; i++) {
        size_t len = strlen(known);
        snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "", in->layers[i].key);
    }
    tm_error_add_json(err, json_pack("{s:s, s:s+}", "field", "layer", "error",
                                     "must be one of the instrument's layers: ", known));
    return -1;
}

/* body.field as a whole number from lo to hi; -1 with err 422 naming it. */
static int count_of_body(json_t *body, const char *field, int lo, int hi, tm_error *err)
{
    json_t *v = json_object_get(body, field);
    if (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi)
        return (int)json_integer_value(v);
    char msg[96];
    snprintf(msg, sizeof msg, "must be a whole number from %d to %d", lo, hi);
    tm_error_set(err, 422, "the request cannot be accepted");
    tm_error_add_json(err, json_pack("{s:s, s:s}", "field", field, "error", msg));
    return -1;
}

static int layer_count_check(app *a, PGconn *c, const wave_info *w, json_t *body,
                             const char *count_name, int count_max, const char *what,
                             layer_count *lc, tm_error *err)
{
    if (!(lc->in = app_instrument(a, c, w->instrument_id, err)) ||
        (lc->layer = layer_of_body(lc->in, body, err)) < 0 ||
        (lc->count = count_of_body(body, count_name, 1, count_max, err)) < 0)
        return -1;
    if (!strcmp(w->status, "closed"))
        return tm_error_set(err, 409, "the wave is closed: no new %s", what);
    if (strcmp(w->collection, "online"))
        return tm_error_set(err, 409,
                            "wave %lld was made for import (\"collection\": \"import\"): it has no "
                            "%s; answers reach it only by bulk import",
                            w->id, what);
    return 0;
}

json_t *collection_invitations(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err)
{
    layer_count lc;
    if (layer_count_check(a, c, w, body, "count", 10000, "invitations", &lc, err) != 0) return NULL;
    char(*hashes)[TOKEN_HASH_HEX] = malloc((size_t)lc.count * sizeof *hashes);
    const char **refs = malloc((size_t)lc.count * sizeof *refs);
    json_t *list = json_array();
    if (!hashes || !refs || !list) {
        free(hashes);
        free(refs);
        json_decref(list);
        tm_error_set(err, 500, "out of memory creating invitations");
        return NULL;
    }
    for (int i = 0; i < lc.count; i++) {
        char token[TOKEN_TEXT_MAX];
        auth_token_new(token, hashes[i]);
        refs[i] = hashes[i];
        json_array_append_new(
            list, json_pack("{s:s, s:s++}", "token", token, "url", app_base_url(a), "/s/", token));
    }
    int rc = store_invitations_insert(c, w->id, lc.layer, refs, (size_t)lc.count, err);
    free(hashes);
    free(refs);
    if (rc != 0) {
        json_decref(list);
        return NULL;
    }
    return json_pack("{s:s, s:o, s:s}", "layer", lc.in->layers[lc.layer].key, "invitations", list,
                     "warning", COLLECTION_TOKEN_WARNING);
}

json_t *collection_link(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err)
{
    layer_count lc;
    if (layer_count_check(a, c, w, body, "max_responses", 100000, "links", &lc, err) != 0)
        return NULL;
    char token[TOKEN_TEXT_MAX], hash[TOKEN_HASH_HEX];
    auth_token_new(token, hash);
    long long id;
    if (store_invitations_link_insert(c, w->id, lc.layer, hash, lc.count, &id, err) != 0)
        return NULL;
    return json_pack("{s:I, s:s, s:s++, s:i, s:s}", "id", (json_int_t)id, "token", token, "url",
                     app_base_url(a), "/s/", token, "max_responses", lc.count, "layer",
                     lc.in->layers[lc.layer].key);
}

/* ---- bulk import -------------------------------------------------------- */

struct collection_import {
    import_parser *parser;
    const instrument *in;
    long long wave;
    long long batch; /* the stored batch, once finished */
};

collection_import *collection_import_open(app *a, PGconn *c, const wave_info *w,
                                          const char *content_type, tm_error *err)
{
    if (strcmp(w->collection, "import")) {
        tm_error_set(err, 409, COLLECTION_ONLINE_NO_IMPORT, w->id);
        return NULL;
    }
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    if (!in) return NULL;
    collection_import *im = calloc(1, sizeof *im);
    if (im) im->parser = import_parser_new(in, import_format_from_content_type(content_type));
    if (!im || !im->parser) {
        free(im);
        tm_error_set(err, 500, "out of memory reading the import");
        return NULL;
    }
    import_parser_require_core(im->parser);
    im->in = in;
    im->wave = w->id;
    return im;
}

void collection_import_feed(collection_import *im, const char *data, size_t len)
{
    import_parser_feed(im->parser, data, len);
}

static int import_row(void *ctx, size_t i, int *layer, const int16_t **scores, json_t **extra)
{
    const import_parser *p = ctx;
    *layer = import_parser_layer(p, i);
    *scores = import_parser_scores(p, i);
    *extra = import_parser_extra(p, i);
    return *scores ? 0 : -1;
}

int collection_import_finish(app *a, PGconn *c, collection_import *im, size_t *rows, tm_error *err)
{
    if (import_parser_finish(im->parser, err) != 0) return -1;
    size_t n = import_parser_rows(im->parser);
    if (store_responses_import(c, im->wave, n, im->in->n_items, import_row, im->parser, &im->batch,
                               err) != 0)
        return -1;
    app_count_submissions(a, (long)n);
    *rows = n;
    return 0;
}

int collection_invite_answered(PGconn *c, long long wave, int layer, int invited, int answered,
                               tm_error *err)
{
    char(*hashes)[TOKEN_HASH_HEX] = calloc((size_t)invited + 1, sizeof *hashes);
    const char **refs = calloc((size_t)invited + 1, sizeof *refs);
    int rc = hashes && refs ? 0 : tm_error_set(err, 500, "out of memory");
    for (int i = 0; rc == 0 && i < invited; i++) {
        char token[TOKEN_TEXT_MAX];
        auth_token_new(token, hashes[i]);
        refs[i] = hashes[i];
    }
    if (rc == 0) rc = store_invitations_insert(c, wave, layer, refs, (size_t)invited, err);
    if (rc == 0) rc = store_invitations_mark_submitted(c, wave, layer, answered, err);
    free(hashes);
    free(refs);
    return rc;
}

long long collection_import_batch(const collection_import *im)
{
    return im ? im->batch : 0;
}

void collection_import_free(collection_import *im)
{
    if (!im) return;
    import_parser_free(im->parser);
    free(im);
}
