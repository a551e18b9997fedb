/* gen_wave.c - synthetic answers for the benchmarks (bench/run.sh).
 *
 *   gen_wave wave WAVE_ID N ANSWERED SEED
 *       Fills the open import wave WAVE_ID (DATABASE_URL) with N respondents spread
 *       over the layers like a real municipality, each answering ANSWERED of
 *       the scored items asked to their layer (the rest unanswered), through
 *       the server's own bulk path: store_responses_import (one COPY in one
 *       transaction), as server/app/demo.c does. Also creates 1.25 invitations
 *       per respondent and marks one per respondent submitted, so the
 *       response figures look like a real wave.
 *
 *   gen_wave body INSTRUMENT_FILE LAYER COUNT ANSWERED BODIES_FILE SEALED_FILE WAVE
 *       Writes COUNT different submission bodies for a respondent of LAYER,
 *       one JSON object per line ({"answers": {...}, "submit": true}), to
 *       BODIES_FILE, and to SEALED_FILE what the server stores for the first
 *       body as a respondent of WAVE: the seal key's id on the first line and
 *       the sealed answers on the second, both hex (answers_check +
 *       seal_answers under SEAL_KEY: the very functions the server runs),
 *       which pgbench then submits. The server's mixer opens those too.
 *
 *   gen_wave import INSTRUMENT_FILE N ANSWERED SEED FILE
 *       Writes the body of a bulk import of N respondents (a JSON array, one
 *       element per line) to FILE: 100,000 x 60 answers make about 62 MiB.
 *
 * The answers come from the same simple model as the demo: a carry level per
 * layer, a personal tendency, Gaussian noise (GSL, fixed seed), some "weet
 * niet". Printing: a line of figures on stdout for bench/run.sh.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/answers.h"
#include "core/instrument.h"
#include "server/app/app.h"
#include "server/app/collection.h"
#include "server/app/seal.h"
#include "server/app/waves.h"
#include "server/store/responses.h"

/* Bestuur, management, beleid, uitvoering, partners. */
static const double layer_carry[] = {0.95, 0.86, 0.78, 0.60, 0.50};
static const double layer_share[] = {9, 16, 28, 70, 36};

typedef struct gen {
    const instrument *in;
    gsl_rng *rng;
    size_t answered; /* items answered per respondent */
    size_t n;
    int *layers;
    int16_t *scores;
} gen;

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Items that take a single score: everything but text and multiple choice. */
static int single_score(const tm_item *it)
{
    return it->type != ITEM_TEXT && !(it->type == ITEM_CHOICE && it->multiple);
}

/* One answer in the stored encoding (see core/answers.h). */
static int16_t draw(gen *g, const tm_item *it, int layer, double person)
{
    size_t nl = sizeof layer_carry / sizeof *layer_carry;
    double carry = layer_carry[(size_t)layer < nl ? (size_t)layer : nl - 1];
    double level = clamp01(0.2 + 0.65 * carry + person);
    if (it->dont_know && gsl_rng_uniform(g->rng) < 0.02 + 0.08 * (1 - carry))
        return SCORE_DONT_KNOW;
    switch (it->type) {
    case ITEM_LIKERT:
    case ITEM_GRADE: {
        int points = it->type == ITEM_GRADE ? 10 : it->points;
        double x = 1 + (points - 1) * clamp01(level + gsl_ran_gaussian(g->rng, 0.16));
        int v = (int)lround(x);
        return (int16_t)(v < 1 ? 1 : v > points ? points : v);
    }
    case ITEM_INTENT: {
        int intended = it->intended >= 0 ? it->intended : 0;
        if (gsl_rng_uniform(g->rng) < clamp01(0.1 + 0.85 * carry + person))
            return (int16_t)(intended + 1);
        int other = (int)gsl_rng_uniform_int(g->rng, it->n_options - 1);
        return (int16_t)((other >= intended ? other + 1 : other) + 1);
    }
    case ITEM_CHOICE:
        return (int16_t)(gsl_rng_uniform_int(g->rng, it->n_options) + 1);
    default:
        return SCORE_UNANSWERED;
    }
}

/* Fills row (in->n_items scores) for a respondent of layer: a random choice
 * of g->answered of the single-score items asked to the layer. */
static void draw_row(gen *g, int layer, int16_t *row)
{
    const instrument *in = g->in;
    size_t cand[1024], nc = 0;
    memset(row, 0, in->n_items * sizeof *row);
    for (size_t i = 0; i < in->n_items && nc < 1024; i++)
        if (instrument_item_asked(&in->items[i], layer) && single_score(&in->items[i]))
            cand[nc++] = i;
    size_t take = g->answered < nc ? g->answered : nc;
    for (size_t k = 0; k < take; k++) { /* partial Fisher-Yates */
        size_t j = k + gsl_rng_uniform_int(g->rng, nc - k);
        size_t t = cand[k];
        cand[k] = cand[j];
        cand[j] = t;
    }
    double person = gsl_ran_gaussian(g->rng, 0.08);
    for (size_t k = 0; k < take; k++)
        row[cand[k]] = draw(g, &in->items[cand[k]], layer, person);
}

static int gen_row(void *ctx, size_t i, int *layer, const int16_t **scores, json_t **extra)
{
    gen *g = ctx;
    *layer = g->layers[i];
    *scores = g->scores + i * g->in->n_items;
    *extra = NULL;
    return 0;
}

static int fail(const char *what, tm_error *err)
{
    fprintf(stderr, "gen_wave: %s: %s\n", what, err->message[0] ? err->message : "failed");
    tm_error_clear(err);
    return 1;
}

static int cmd_wave(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: gen_wave wave WAVE_ID N ANSWERED SEED\n");
        return 2;
    }
    long long wave = strtoll(argv[2], NULL, 10);
    size_t n = strtoul(argv[3], NULL, 10);
    size_t answered = strtoul(argv[4], NULL, 10);
    unsigned long seed = strtoul(argv[5], NULL, 10);
    const char *conninfo = app_conninfo_from_env();
    if (!conninfo || wave <= 0 || n == 0) {
        fprintf(stderr, "gen_wave: DATABASE_URL, a wave id and N are needed\n");
        return 2;
    }
    tm_error err = TM_ERROR_INIT;
    app_config cfg = {conninfo, 1, 0, 0, NULL, NULL};
    app *a = app_open(&cfg, &err);
    PGconn *c = a ? app_db_acquire(a, &err) : NULL;
    if (!c) return fail("connect", &err);
    wave_info w;
    if (waves_get(c, NULL, wave, &w, &err) != 0) return fail("wave", &err);
    const instrument *in = app_instrument(a, c, w.instrument_id, &err);
    if (!in) return fail("instrument", &err);

    double t0 = now_s();
    gen g = {in, gsl_rng_alloc(gsl_rng_mt19937), answered, n, NULL, NULL};
    gsl_rng_set(g.rng, seed);
    g.layers = malloc(n * sizeof *g.layers);
    g.scores = malloc(n * in->n_items * sizeof *g.scores);
    if (!g.layers || !g.scores) {
        fprintf(stderr, "gen_wave: out of memory\n");
        return 1;
    }
    size_t nl = in->n_layers < 5 ? in->n_layers : 5;
    double total_share = 0;
    for (size_t l = 0; l < nl; l++)
        total_share += layer_share[l];
    size_t per_layer[5] = {0}, r = 0;
    for (size_t l = 0; l < nl; l++) {
        size_t count =
            l + 1 == nl ? n - r : (size_t)lround((double)n * layer_share[l] / total_share);
        per_layer[l] = count;
        for (size_t k = 0; k < count; k++, r++) {
            g.layers[r] = (int)l;
            draw_row(&g, (int)l, g.scores + r * in->n_items);
        }
    }
    double t1 = now_s();
    long long batch = 0;
    int rc = store_responses_import(c, wave, n, in->n_items, gen_row, &g, &batch, &err);
    if (rc != 0) return fail("import", &err);
    double t2 = now_s();
    for (size_t l = 0; l < nl && rc == 0; l++) {
        int invited = (int)lround((double)per_layer[l] * 1.25);
        if (collection_invite_answered(c, wave, (int)l, invited, (int)per_layer[l], &err) != 0)
            return fail("invitations", &err);
    }
    double t3 = now_s();
    printf("generated %zu respondents x %zu answered items in %.2f s, COPY %.2f s, "
           "invitations %.2f s\n",
           n, answered, t1 - t0, t2 - t1, t3 - t2);
    free(g.layers);
    free(g.scores);
    gsl_rng_free(g.rng);
    app_db_release(a, c);
    app_close(a);
    return 0;
}

/* The answers of a new respondent of layer, as the API takes them. */
static json_t *answers_json(gen *g, int layer, int16_t *row)
{
    const instrument *in = g->in;
    draw_row(g, layer, row);
    json_t *answers = json_object();
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        int16_t v = row[i];
        if (v == SCORE_DONT_KNOW)
            json_object_set_new(answers, it->key, json_string("dont_know"));
        else if (v > 0 && (it->type == ITEM_LIKERT || it->type == ITEM_GRADE))
            json_object_set_new(answers, it->key, json_integer(v));
        else if (v > 0 && (size_t)v <= it->n_options)
            json_object_set_new(answers, it->key, json_string(it->options[v - 1].key));
    }
    return answers;
}

/* One submission body for a respondent of layer. */
static json_t *body_json(gen *g, int layer, int16_t *row)
{
    return json_pack("{s:o, s:b}", "answers", answers_json(g, layer, row), "submit", 1);
}

/* An import body of n respondents spread over the layers like a wave, one
 * array element per line, written as it is made. */
static int cmd_import(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: gen_wave import INSTRUMENT_FILE N ANSWERED SEED FILE\n");
        return 2;
    }
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(argv[2], &err);
    if (!in) return fail(argv[2], &err);
    size_t n = strtoul(argv[3], NULL, 10);
    gen g = {in, gsl_rng_alloc(gsl_rng_mt19937), strtoul(argv[4], NULL, 10), n, NULL, NULL};
    gsl_rng_set(g.rng, strtoul(argv[5], NULL, 10));
    FILE *out = fopen(argv[6], "w");
    int16_t *row = calloc(in->n_items, sizeof *row);
    if (!out || !row || n == 0) {
        perror("gen_wave");
        return 1;
    }
    size_t nl = in->n_layers < 5 ? in->n_layers : 5;
    double total_share = 0;
    for (size_t l = 0; l < nl; l++)
        total_share += layer_share[l];
    fputs("[", out);
    for (size_t k = 0; k < n; k++) {
        /* layer by its share: the k-th respondent's place in the cumulative shares */
        double at = (double)k / (double)n * total_share, sum = 0;
        size_t layer = 0;
        while (layer + 1 < nl && at >= sum + layer_share[layer])
            sum += layer_share[layer++];
        json_t *r = json_pack("{s:s, s:o}", "layer", in->layers[layer].key, "answers",
                              answers_json(&g, (int)layer, row));
        char *text = json_dumps(r, JSON_COMPACT);
        fprintf(out, "%s%s\n", k ? "," : "", text);
        free(text);
        json_decref(r);
    }
    fputs("]\n", out);
    free(row);
    gsl_rng_free(g.rng);
    instrument_free(in);
    return fclose(out) == 0 ? 0 : 1;
}

static int cmd_body(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr,
                "usage: gen_wave body INSTRUMENT_FILE LAYER COUNT ANSWERED BODIES SEALED WAVE\n");
        return 2;
    }
    tm_error err = TM_ERROR_INIT;
    seal_key key;
    int found = seal_key_from_env(&key, &err);
    if (found <= 0) {
        if (!found) tm_error_set(&err, 400, "SEAL_KEY is not set");
        return fail("the seal key", &err);
    }
    long long wave = strtoll(argv[8], NULL, 10);
    instrument *in = instrument_load_file(argv[2], &err);
    if (!in) return fail(argv[2], &err);
    int layer = instrument_layer_index(in, argv[3]);
    int count = atoi(argv[4]);
    if (layer < 0 || count < 1) {
        fprintf(stderr, "gen_wave: unknown layer '%s' or bad count\n", argv[3]);
        return 2;
    }
    gen g = {in, gsl_rng_alloc(gsl_rng_mt19937), strtoul(argv[5], NULL, 10), 0, NULL, NULL};
    gsl_rng_set(g.rng, 6);
    FILE *bodies = fopen(argv[6], "w");
    FILE *scores = fopen(argv[7], "w");
    int16_t *row = calloc(in->n_items, sizeof *row);
    if (!bodies || !scores || !row) {
        perror("gen_wave");
        return 1;
    }
    for (int k = 0; k < count; k++) {
        json_t *b = body_json(&g, layer, row);
        char *text = json_dumps(b, JSON_COMPACT);
        fprintf(bodies, "%s\n", text);
        if (k == 0) {
            /* What the server stores for this body: the server's own check. */
            answer_set set;
            if (answers_check(in, layer, json_object_get(b, "answers"), ANSWERS_SUBMIT, &set,
                              &err) != 0)
                return fail("the generated answers", &err);
            char *sealed = seal_answers(&key, wave, layer, &set);
            if (!sealed) return fail("sealing", &err);
            fprintf(scores, "%s\n%s\n", key.id, sealed);
            printf("body: %zu answers, %zu bytes; sealed %zu bytes\n", set.answered, strlen(text),
                   strlen(sealed) / 2);
            free(sealed);
            answers_free(&set);
        }
        free(text);
        json_decref(b);
    }
    free(row);
    fclose(bodies);
    fclose(scores);
    gsl_rng_free(g.rng);
    instrument_free(in);
    return 0;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) return 1;
    if (argc > 1 && !strcmp(argv[1], "wave")) return cmd_wave(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "body")) return cmd_body(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "import")) return cmd_import(argc, argv);
    fprintf(stderr, "usage: gen_wave wave|body|import ... (see bench/gen_wave.c)\n");
    return 2;
}
