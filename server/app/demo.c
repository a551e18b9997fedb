/* demo.c - see demo.h.
 *
 * The answers come from a simple model, not from people: each layer has a
 * "carry" level (how much of the intent reached it), each theme an offset,
 * each respondent a personal tendency; GSL draws the noise from a fixed seed,
 * so every run makes the same data.
 */
#include "server/app/demo.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/answers.h"
#include "server/app/collection.h"
#include "server/app/organisations.h"
#include "server/app/waves.h"
#include "server/store/organisations.h"
#include "server/store/responses.h"

/* How much of the intent reaches each layer of the chain (bestuur first). */
static const double layer_carry[] = {0.95, 0.86, 0.78, 0.60, 0.50};
/* Respondents per layer in a municipality of ~60,000 inhabitants. */
static const int layer_size[] = {9, 16, 28, 70, 36};
static const double response_rate[] = {0.75, 0.8, 0.7, 0.62, 0.45};

static const char *const open_answers[] = {
    "Meer tijd voor het gesprek aan de keukentafel zou helpen.",
    "De regels voor maatwerk zijn niet altijd duidelijk; we lossen het per geval op.",
    "Beleid en uitvoering zouden vaker samen casussen moeten bespreken.",
    "De administratie rond beschikkingen kost veel tijd die ik liever aan inwoners besteed.",
    "Het is niet altijd helder waarom bepaalde voorzieningen zijn ingekocht.",
    "Goede samenwerking met het wijkteam, maar de lijnen met beleid zijn lang.",
    "Ik mis terugkoppeling over wat er met onze signalen gebeurt.",
    "Inwoners weten de algemene voorzieningen nog te weinig te vinden.",
};

typedef struct demo_wave {
    const instrument *in;
    gsl_rng *rng;
    double theme_offset[32];
    double improvement; /* added to every layer's carry */
    size_t n;
    int *layers;
    int16_t *scores;
    json_t **extras;
} demo_wave;

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static int16_t draw_scale(demo_wave *d, double level, int points)
{
    double x = 1 + (points - 1) * clamp01(level + gsl_ran_gaussian(d->rng, 0.16));
    int v = (int)lround(x);
    return (int16_t)(v < 1 ? 1 : v > points ? points : v);
}

static int16_t draw_answer(demo_wave *d, const tm_item *it, int layer, double person)
{
    double carry = layer_carry[layer] + d->improvement;
    double theme = it->theme >= 0 ? d->theme_offset[it->theme] : 0;
    double level = clamp01(0.2 + 0.65 * carry + theme + person);
    if (gsl_rng_uniform(d->rng) < 0.03) return SCORE_UNANSWERED;
    switch (it->type) {
    case ITEM_LIKERT:
        if (it->dont_know && gsl_rng_uniform(d->rng) < 0.02 + 0.10 * (1 - carry))
            return SCORE_DONT_KNOW;
        /* a reverse-worded statement ("I often have to follow rules that do
         * not fit") is agreed with where the intent is lost */
        return draw_scale(d, it->reverse ? 1 - level : level, it->points);
    case ITEM_GRADE:
        return draw_scale(d, level, 10);
    case ITEM_INTENT: {
        /* "top-layer" intents: the demo's bestuur mostly picks the first option. */
        int intended = it->intended >= 0 ? it->intended : 0;
        if (gsl_rng_uniform(d->rng) < clamp01(0.1 + 0.85 * carry + theme + person))
            return (int16_t)(intended + 1);
        if (gsl_rng_uniform(d->rng) < 0.35 * (1 - carry)) return SCORE_DONT_KNOW;
        int other = (int)gsl_rng_uniform_int(d->rng, it->n_options - 1);
        return (int16_t)((other >= intended ? other + 1 : other) + 1);
    }
    case ITEM_CHOICE:
        if (it->multiple) return SCORE_UNANSWERED;
        return (int16_t)(gsl_rng_uniform_int(d->rng, it->n_options) + 1);
    default:
        return SCORE_UNANSWERED;
    }
}

static void draw_respondent(demo_wave *d, size_t r, int layer)
{
    const instrument *in = d->in;
    double person = gsl_ran_gaussian(d->rng, 0.08);
    int16_t *row = d->scores + r * in->n_items;
    d->layers[r] = layer;
    d->extras[r] = NULL;
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        row[i] =
            instrument_item_asked(it, layer) ? draw_answer(d, it, layer, person) : SCORE_UNANSWERED;
        if (it->type == ITEM_TEXT && instrument_item_asked(it, layer) &&
            gsl_rng_uniform(d->rng) < 0.2) {
            if (!d->extras[r]) d->extras[r] = json_object();
            size_t pick = gsl_rng_uniform_int(d->rng, sizeof open_answers / sizeof *open_answers);
            json_object_set_new(d->extras[r], it->key, json_string(open_answers[pick]));
        }
    }
}

static int demo_row(void *ctx, size_t i, int *layer, const int16_t **scores, json_t **extra)
{
    demo_wave *d = ctx;
    *layer = d->layers[i];
    *scores = d->scores + i * d->in->n_items;
    *extra = d->extras[i];
    return 0;
}

static void demo_wave_free(demo_wave *d)
{
    for (size_t i = 0; d->extras && i < d->n; i++)
        json_decref(d->extras[i]);
    free(d->extras);
    free(d->layers);
    free(d->scores);
}

/* Creates one closed wave of org with synthetic answers; returns its id. */
static long long make_wave(PGconn *c, const instrument *in, long long org, const char *name,
                           long long previous, double improvement, double scale, unsigned long seed,
                           tm_error *err)
{
    json_t *body = json_pack("{s:I, s:s, s:s, s:s}", "organisation_id", (json_int_t)org,
                             "instrument", DEMO_INSTRUMENT, "name", name, "collection", "import");
    if (previous) json_object_set_new(body, "previous_wave_id", json_integer(previous));
    json_t *w = waves_create(c, NULL, body, err);
    json_decref(body);
    if (!w) return -1;
    long long id = json_integer_value(json_object_get(w, "id"));
    json_decref(w);

    demo_wave d = {in, gsl_rng_alloc(gsl_rng_mt19937), {0}, improvement, 0, NULL, NULL, NULL};
    gsl_rng_set(d.rng, seed);
    /* Integraliteit and financiën lose most on the way; eigen kracht least. */
    for (size_t t = 0; t < in->n_themes && t < 32; t++) {
        const char *k = in->themes[t].key;
        d.theme_offset[t] = !strcmp(k, "integraliteit")  ? -0.10
                            : !strcmp(k, "financien")    ? -0.06
                            : !strcmp(k, "eigen-kracht") ? 0.05
                                                         : 0.0;
    }
    int invited[5], answered[5];
    size_t total = 0;
    for (int l = 0; l < 5; l++) {
        invited[l] = (int)lround(layer_size[l] * scale);
        answered[l] = (int)lround(invited[l] * response_rate[l]);
        total += (size_t)answered[l];
    }
    d.n = total;
    d.layers = calloc(total, sizeof *d.layers);
    d.scores = calloc(total * in->n_items, sizeof *d.scores);
    d.extras = calloc(total, sizeof *d.extras);
    int rc = d.layers && d.scores && d.extras ? 0 : tm_error_set(err, 500, "out of memory");
    size_t r = 0;
    for (int l = 0; rc == 0 && l < 5; l++)
        for (int k = 0; k < answered[l]; k++)
            draw_respondent(&d, r++, l);
    for (int l = 0; rc == 0 && l < 5; l++) {
        rc = collection_invite_answered(c, id, l, invited[l], answered[l], err);
    }
    if (rc == 0) rc = store_waves_set_status(c, id, "open", err);
    long long batch = 0;
    if (rc == 0) rc = store_responses_import(c, id, total, in->n_items, demo_row, &d, &batch, err);
    if (rc == 0) rc = store_waves_set_status(c, id, "closed", err);
    demo_wave_free(&d);
    gsl_rng_free(d.rng);
    return rc == 0 ? id : -1;
}

static long long make_org(PGconn *c, const char *name, const char *code, tm_error *err)
{
    json_t *o = organisations_create(c, NULL, name, code, err);
    if (!o) return -1;
    long long id = json_integer_value(json_object_get(o, "id"));
    json_decref(o);
    /* Made-up answers: never a benchmark peer of a real municipality. */
    return store_organisations_mark_demo(c, id, err) == 0 ? id : -1;
}

static int build_demo(PGconn *c, const instrument *in, long long *org_out, long long *wave_out,
                      tm_error *err)
{
    long long org = make_org(c, "Gemeente Voorbeeldstad (demo)", DEMO_CODE, err);
    if (org < 0) return -1;
    long long w1 = make_wave(c, in, org, "Meting 2025", 0, 0.0, 1.0, 2025, err);
    if (w1 < 0) return -1;
    long long w2 = make_wave(c, in, org, "Meting 2026", w1, 0.05, 1.1, 2026, err);
    if (w2 < 0) return -1;
    /* Five other municipalities, so that the benchmark has enough to show. */
    for (int i = 0; i < 5; i++) {
        char name[64], code[8], wave[32];
        snprintf(name, sizeof name, "Benchmarkgemeente %c (demo)", 'A' + i);
        snprintf(code, sizeof code, "GM90%02d", 2 + i);
        snprintf(wave, sizeof wave, "Meting 2026");
        long long o = make_org(c, name, code, err);
        if (o < 0 || make_wave(c, in, o, wave, 0, -0.04 + 0.03 * i, 1.0 + 0.2 * i,
                               (unsigned long)(3000 + i), err) < 0)
            return -1;
    }
    *org_out = org;
    *wave_out = w2;
    return 0;
}

int demo_create(app *a, PGconn *c, long long *org, long long *wave, tm_error *err)
{
    *org = *wave = 0;
    long long found = store_organisations_by_code(c, DEMO_CODE, err);
    if (found != 0) {
        *org = found;
        return found > 0 ? 1 : -1;
    }
    const instrument *in = app_instrument_find(a, c, DEMO_INSTRUMENT, err);
    if (!in) return -1;
    /* One transaction for the whole demo (the store functions join it), so a
     * failure leaves no half-built demo that --if-absent would keep. */
    int own = 0;
    if (db_begin(c, &own, err) != 0) return -1;
    if (build_demo(c, in, org, wave, err) != 0 || db_commit(c, own, err) != 0) {
        db_rollback(c, own);
        return -1;
    }
    return 0;
}
