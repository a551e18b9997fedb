/* report_service.c - see report_service.h. */
#include "server/app/report_service.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/xlsx/report_xlsx.h"
#include "server/app/analysis_service.h"
#include "server/store/invitations.h"
#include "server/store/responses.h"

#ifndef TM_VERSION
#define TM_VERSION "0.1.0"
#endif

/* Respondent rows for the Data sheet: non-suppressed layers only, grouped by
 * layer in chain order and shuffled within a layer, so that the order of
 * rows says nothing about who answered when. */
typedef struct data_rows {
    const wave_answers *ans;
    size_t *order;
    size_t n, next;
    uint8_t *hidden;  /* n_items x INSTRUMENT_MAX_LAYERS: the analysis suppressed that cell */
    int16_t *scratch; /* one row, with hidden cells blanked */
} data_rows;

static int data_next(void *ctx, int *layer, const int16_t **scores, json_t **extra)
{
    data_rows *d = ctx;
    if (d->next >= d->n) return 0;
    size_t r = d->order[d->next++];
    size_t ni = d->ans->n_items;
    *layer = d->ans->layer[r];
    /* An item cell the analysis suppressed (fewer than k answers in a shown
     * layer) is blank here too: its answers would give back its figures. */
    const int16_t *row = d->ans->scores + r * ni;
    for (size_t i = 0; i < ni; i++)
        d->scratch[i] = d->hidden[i * INSTRUMENT_MAX_LAYERS + (size_t)*layer] ? 0 : row[i];
    *scores = d->scratch;
    /* Open answers go to their own sheet, never beside a respondent's other
     * answers: a text can name its writer's role, which would unmask the row. */
    *extra = NULL;
    return 1;
}

static int order_rows(const wave_answers *ans, uint32_t suppressed, data_rows *d)
{
    d->ans = ans;
    d->order = malloc((ans->n ? ans->n : 1) * sizeof *d->order);
    if (!d->order) return -1;
    d->n = 0;
    for (int layer = 0; layer < INSTRUMENT_MAX_LAYERS; layer++) {
        if (suppressed & (1u << layer)) continue;
        size_t first = d->n;
        for (size_t r = 0; r < ans->n; r++)
            if (ans->layer[r] == layer) d->order[d->n++] = r;
        for (size_t i = d->n; i > first + 1; i--) { /* Fisher-Yates */
            size_t j = first + randombytes_uniform((uint32_t)(i - first));
            size_t t = d->order[i - 1];
            d->order[i - 1] = d->order[j];
            d->order[j] = t;
        }
    }
    d->next = 0;
    return 0;
}

/* Marks, from the analysis, every item x layer cell it shows as suppressed. */
static void hidden_cells(const instrument *in, json_t *analysis, uint8_t *hidden)
{
    size_t i, k;
    json_t *item, *l;
    json_array_foreach(json_object_get(analysis, "items"), i, item)
    {
        const tm_item *it = instrument_item(in, json_string_value(json_object_get(item, "item")));
        const char *measure = json_string_value(json_object_get(item, "measure"));
        if (!it || !measure) continue;
        json_array_foreach(json_object_get(item, "layers"), k, l)
        {
            int layer = instrument_layer_index(in, json_string_value(json_object_get(l, "layer")));
            json_t *cell = json_object_get(l, measure);
            if (layer >= 0 && (json_is_true(json_object_get(l, "suppressed")) ||
                               json_is_true(json_object_get(cell, "suppressed"))))
                hidden[it->ordinal * INSTRUMENT_MAX_LAYERS + (size_t)layer] = 1;
        }
    }
}

static uint32_t suppressed_mask(const instrument *in, json_t *analysis)
{
    uint32_t mask = 0;
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(analysis, "suppressed_layers"), i, l)
    {
        int idx = instrument_layer_index(in, json_string_value(l));
        if (idx >= 0) mask |= 1u << idx;
    }
    return mask;
}

/* Puts the texts in a fresh random order of their own (libsodium). */
static void shuffle_texts(json_t *texts)
{
    for (size_t i = json_array_size(texts); i > 1; i--) {
        size_t j = randombytes_uniform((uint32_t)i);
        json_t *a = json_incref(json_array_get(texts, i - 1));
        json_array_set(texts, i - 1, json_array_get(texts, j));
        json_array_set_new(texts, j, a);
    }
}

/* [{"item", "layer", "answers": [...]}] for text items, suppressed layers
 * left out. An item's answers in a layer are shown only when at least k
 * respondents of the layer answered it (fewer would be a few persons'
 * words), and each list is put in a random order of its own: an order
 * shared by two items (the store's, a response id's) would line one
 * person's texts up across them. */
static json_t *open_answers(const instrument *in, json_t *extras, uint32_t suppressed, int k)
{
    json_t *out = json_array();
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        if (it->type != ITEM_TEXT) continue;
        for (size_t layer = 0; layer < in->n_layers; layer++) {
            if (suppressed & (1u << layer) || !instrument_item_asked(it, (int)layer)) continue;
            json_t *texts = json_array();
            size_t n;
            json_t *e;
            json_array_foreach(extras, n, e)
            {
                if ((size_t)json_integer_value(json_object_get(e, "layer")) != layer) continue;
                json_t *t = json_object_get(json_object_get(e, "extra"), it->key);
                if (json_is_string(t)) json_array_append(texts, t);
            }
            if (json_array_size(texts) >= (size_t)k) {
                shuffle_texts(texts);
                json_array_append_new(out, json_pack("{s:s, s:s, s:o}", "item", it->key, "layer",
                                                     in->layers[layer].key, "answers", texts));
            } else {
                json_decref(texts);
            }
        }
    }
    return out;
}

int report_service_write(app *a, PGconn *c, const wave_info *w, const report_request *rq,
                         char **filename, tm_error *err)
{
    /* the council's report shows nothing per item */
    json_t *analysis = analysis_service_read(a, c, w, rq->council, err);
    if (!analysis) return -1;
    int rc = -1;
    json_t *progress = NULL, *extras = NULL, *opens = NULL;
    wave_answers ans = {0};
    data_rows rows = {0};
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    if (!in) goto done;
    uint32_t suppressed = suppressed_mask(in, analysis);
    const char *keys[INSTRUMENT_MAX_LAYERS];
    for (size_t i = 0; i < in->n_layers; i++)
        keys[i] = in->layers[i].key;
    if (!(progress = store_invitations_progress(c, w->id, keys, in->n_layers, err))) goto done;
    /* The analysis exists only for a closed wave (analysis_service_run), so
     * rows and open answers are final. */
    if (!rq->council) {
        if (!(extras = store_responses_extras(c, w->id, err))) goto done;
        opens = open_answers(in, extras, suppressed, w->min_group_size);
        if (store_responses_load(c, w->id, in->n_items, 0, &ans, err) != 0) goto done;
        rows.hidden = calloc(in->n_items * INSTRUMENT_MAX_LAYERS + 1, 1);
        rows.scratch = calloc(in->n_items + 1, sizeof *rows.scratch);
        if (rows.hidden) hidden_cells(in, analysis, rows.hidden);
        if (!rows.hidden || !rows.scratch || order_rows(&ans, suppressed, &rows) != 0) {
            tm_error_set(err, 500, "out of memory ordering the data rows");
            goto done;
        }
    }
    char stamp[32], date[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    report_row_source src = {&rows, data_next};
    report_input in_r = {in,          analysis, progress, opens,     rq->council ? NULL : &src,
                         rq->council, rq->lang, stamp,    TM_VERSION};
    rc = report_write_xlsx(&in_r, rq->path, err);
    if (rc == 0 && filename) {
        *filename = report_filename(w->organisation, w->name, date, rq->council, rq->lang);
        if (!*filename) rc = tm_error_set(err, 500, "out of memory");
    }
done:
    free(rows.order);
    free(rows.hidden);
    free(rows.scratch);
    store_responses_free(&ans);
    json_decref(opens);
    json_decref(extras);
    json_decref(progress);
    json_decref(analysis);
    return rc;
}
