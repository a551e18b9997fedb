/* report_fixtures.c - `make fixtures`: the analysis JSON the report tests read
 * (tests/fixtures/report-*.json), computed by the project's own analysis
 * (method 2) from a synthetic but realistic municipality.
 *
 *   report_fixtures INSTRUMENT_FILE OUT_DIR
 *
 * The answers come from a model like the demo's (server/app/demo.c): each
 * layer has a level of how much of the intent reached it, each theme an
 * offset, each respondent a tendency, and GSL draws the noise from fixed
 * seeds, so every run writes the same files. Unlike the demo, the wave sets
 * its own keys for the local knowledge questions and lists eight local rules
 * that layers rate differently (two conflicts between beleid and uitvoering),
 * so every part of a report has something to show. Writes:
 *
 *   report-shown.json     Meting 2026: every layer shown (bestuur 7 of 12),
 *                         with trend (Meting 2025) and benchmark (6 peers)
 *   report-hidden.json    the same wave with bestuur at 4 of 12 completed:
 *                         bestuur suppressed (k = 5), every other respondent
 *                         the same, so its figures are the sentinels the
 *                         report tests look for
 *   report-progress.json  invited / started / submitted / imported per layer
 *                         of the hidden wave (report-shown's progress is its
 *                         "response")
 *   report-open.json      open answers per item and layer (no bestuur)
 *
 * A tool, not a test: it judges nothing; it fails only when it cannot
 * compute or write.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/answers.h"
#include "core/instrument.h"
#include "reports/analysis/analysis.h"

#define N_LAYERS 5
#define N_PEERS 6

/* How much of the intent reaches each layer (bestuur first). */
static const double layer_carry[N_LAYERS] = {0.97, 0.88, 0.78, 0.64, 0.50};
static const int invited[N_LAYERS] = {12, 18, 30, 80, 45};
static const int started[N_LAYERS] = {9, 16, 25, 61, 31};
static const int answered[N_LAYERS] = {7, 14, 22, 52, 26};

static const analysis_rule rules[] = {
    {"loket", "Elke aanvraag gaat via het centrale loket.", NULL},
    {"indicatie-jaar", "Een indicatie voor huishoudelijke hulp geldt hooguit een jaar.", NULL},
    {"maatwerk-akkoord", "Maatwerk boven de norm vraagt vooraf akkoord van de teamleider.", NULL},
    {"budgetcursus", "Bij schulden volgt eerst een budgetcursus.", NULL},
    {"een-plan", "Eén plan per huishouden, met één regisseur.", NULL},
    {"raamcontract", "Zorg wordt alleen ingekocht via raamcontracten.", NULL},
    {"keukentafel", "Binnen twee weken na een melding is er een keukentafelgesprek.", NULL},
    {"registratie", "Elk contact staat binnen 24 uur in het cliëntsysteem.", NULL},
};
#define N_RULES (sizeof rules / sizeof rules[0])

/* Per rule and layer: the chance of helpt, of belemmert, of ken ik niet
 * (the rest is neutraal). */
static const double rule_model[N_RULES][N_LAYERS][3] = {
    {{.6, .1, 0}, {.6, .1, 0}, {.7, .1, .05}, {.4, .3, .05}, {.4, .2, .1}},
    {{.6, .1, .1}, {.6, .2, .1}, {.75, .05, .1}, {.1, .75, .05}, {.2, .5, .1}},
    {{.5, .2, .2}, {.6, .2, 0}, {.5, .2, .1}, {.3, .5, 0}, {.3, .3, .3}},
    {{.4, .2, .3}, {.4, .2, .2}, {.4, .2, .1}, {.4, .3, .1}, {.3, .2, .3}},
    {{.8, 0, 0}, {.8, .1, 0}, {.8, .1, 0}, {.75, .1, .05}, {.7, .1, .1}},
    {{.3, .1, .4}, {.5, .2, .1}, {.7, .05, .1}, {.3, .4, .2}, {.1, .75, .1}},
    {{.7, 0, .2}, {.7, .1, 0}, {.6, .1, .1}, {.65, .15, 0}, {.6, .1, .2}},
    {{.2, .1, .6}, {.4, .3, .1}, {.4, .3, .1}, {.2, .6, 0}, {.3, .4, .2}},
};

static const char *const open_texts[] = {
    "Meer tijd voor het gesprek aan de keukentafel zou helpen.",
    "De regels voor maatwerk zijn niet altijd duidelijk; we lossen het per geval op.",
    "Beleid en uitvoering zouden vaker samen casussen moeten bespreken.",
    "De administratie rond beschikkingen kost veel tijd die ik liever aan inwoners besteed.",
    "Goede samenwerking met het wijkteam, maar de lijnen met beleid zijn lang.",
    "Ik mis terugkoppeling over wat er met onze signalen gebeurt.",
};

typedef struct sim {
    const instrument *in;
    gsl_rng *rng;
    double shift; /* added to every layer's carry: a better or worse organisation */
    int count[N_LAYERS];
    size_t n;
    uint8_t *layer;
    int16_t *scores;
    uint8_t *ratings;
    int *intended; /* the wave's keys */
} sim;

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* How much of the layers' loss a theme suffers (1: all of it), and its
 * offset: eigen kracht carries well, integraliteit badly. */
static void theme_model(const instrument *in, int theme, double *slope, double *offset)
{
    *slope = 1.0;
    *offset = 0.0;
    if (theme < 0) return;
    const char *k = in->themes[theme].key;
    if (!strcmp(k, "eigen-kracht")) *slope = 0.35, *offset = 0.04;
    if (!strcmp(k, "zorg-dichtbij")) *slope = 0.6, *offset = 0.02;
    if (!strcmp(k, "bewonersinitiatieven")) *slope = 0.8;
    if (!strcmp(k, "financien")) *slope = 1.0, *offset = -0.03;
    if (!strcmp(k, "integraliteit")) *slope = 1.25, *offset = -0.06;
    if (!strcmp(k, "ruimte-en-regels")) *slope = 0.9, *offset = -0.02;
}

static int16_t draw_answer(sim *s, const tm_item *it, int layer, double person)
{
    double slope, theme;
    theme_model(s->in, it->theme, &slope, &theme);
    double carry = 1 - slope * (1 - layer_carry[layer]) + s->shift;
    double level = clamp01(0.12 + 0.72 * carry + theme + person);
    if (gsl_rng_uniform(s->rng) < 0.03) return SCORE_UNANSWERED;
    switch (it->type) {
    case ITEM_LIKERT:
    case ITEM_GRADE: {
        int points = it->type == ITEM_GRADE ? 10 : it->points;
        if (it->dont_know && gsl_rng_uniform(s->rng) < 0.02 + 0.08 * (1 - carry))
            return SCORE_DONT_KNOW;
        double l = it->reverse ? 1 - level : level;
        double x = 1 + (points - 1) * clamp01(l + gsl_ran_gaussian(s->rng, 0.17));
        int v = (int)lround(x);
        return (int16_t)(v < 1 ? 1 : v > points ? points : v);
    }
    case ITEM_INTENT: {
        int key = s->intended[it->ordinal] >= 0 ? s->intended[it->ordinal]
                  : it->intended >= 0           ? it->intended
                                                : 0;
        if (gsl_rng_uniform(s->rng) < clamp01(0.05 + 0.9 * carry + theme + person))
            return (int16_t)(key + 1);
        if (it->dont_know && gsl_rng_uniform(s->rng) < 0.3 * (1 - carry)) return SCORE_DONT_KNOW;
        int other = (int)gsl_rng_uniform_int(s->rng, it->n_options - 1);
        return (int16_t)((other >= key ? other + 1 : other) + 1);
    }
    case ITEM_CHOICE:
        if (it->multiple) return SCORE_UNANSWERED;
        return (int16_t)(gsl_rng_uniform_int(s->rng, it->n_options) + 1);
    default:
        return SCORE_UNANSWERED;
    }
}

static uint8_t draw_rating(sim *s, size_t q, int layer)
{
    if (gsl_rng_uniform(s->rng) < 0.03) return RULE_UNANSWERED;
    const double *p = rule_model[q][layer];
    double u = gsl_rng_uniform(s->rng);
    if (u < p[0]) return RULE_HELPT;
    if (u < p[0] + p[1]) return RULE_BELEMMERT;
    if (u < p[0] + p[1] + p[2]) return RULE_ONBEKEND;
    return RULE_NEUTRAAL;
}

/* Draws count[l] respondents per layer, bestuur first. */
static int sim_draw(sim *s)
{
    const instrument *in = s->in;
    s->n = 0;
    for (int l = 0; l < N_LAYERS; l++)
        s->n += (size_t)s->count[l];
    s->layer = calloc(s->n, 1);
    s->scores = calloc(s->n * in->n_items, sizeof *s->scores);
    s->ratings = calloc(s->n * N_RULES, 1);
    if (!s->layer || !s->scores || !s->ratings) return -1;
    size_t r = 0;
    for (int l = 0; l < N_LAYERS; l++) {
        for (int k = 0; k < s->count[l]; k++, r++) {
            double person = gsl_ran_gaussian(s->rng, 0.08);
            s->layer[r] = (uint8_t)l;
            for (size_t i = 0; i < in->n_items; i++) {
                const tm_item *it = &in->items[i];
                s->scores[r * in->n_items + i] =
                    instrument_item_asked(it, l) ? draw_answer(s, it, l, person) : SCORE_UNANSWERED;
            }
            for (size_t q = 0; q < N_RULES; q++)
                s->ratings[r * N_RULES + q] = draw_rating(s, q, l);
        }
    }
    return 0;
}

static void sim_free(sim *s)
{
    free(s->layer);
    free(s->scores);
    free(s->ratings);
}

static json_t *response_json(const int *count)
{
    json_t *arr = json_array();
    static const char *const keys[N_LAYERS] = {"bestuur", "management", "beleid", "uitvoering",
                                               "partners"};
    for (int l = 0; l < N_LAYERS; l++)
        json_array_append_new(arr, json_pack("{s:s, s:i, s:i}", "layer", keys[l], "invited",
                                             invited[l], "submitted", count[l]));
    return arr;
}

/* The analysis of a simulated wave; keep: how many of the first layer's
 * respondents to keep (the rest of the rows unchanged). New reference. */
static json_t *analyse(sim *s, json_t *wave, int keep_first)
{
    int count[N_LAYERS];
    memcpy(count, s->count, sizeof count);
    size_t skip = (size_t)(count[0] - keep_first);
    count[0] = keep_first;
    size_t ni = s->in->n_items;
    /* drop the last `skip` bestuur rows: they come right before management */
    size_t first_kept = (size_t)keep_first;
    uint8_t *layer = malloc(s->n);
    int16_t *scores = malloc(s->n * ni * sizeof *scores);
    uint8_t *ratings = malloc(s->n * N_RULES);
    size_t n = 0;
    for (size_t r = 0; r < s->n; r++) {
        if (r >= first_kept && r < first_kept + skip) continue;
        layer[n] = s->layer[r];
        memcpy(scores + n * ni, s->scores + r * ni, ni * sizeof *scores);
        memcpy(ratings + n * N_RULES, s->ratings + r * N_RULES, N_RULES);
        n++;
    }
    wave_data w = {.in = s->in,
                   .n = n,
                   .layer = layer,
                   .scores = scores,
                   .min_group_size = 5,
                   .intended = s->intended,
                   .n_rules = N_RULES,
                   .rules = rules,
                   .rule_answers = ratings};
    json_t *resp = response_json(count);
    tm_error err = TM_ERROR_INIT;
    json_t *a = analysis_run(&w, wave, resp, &err);
    if (!a) fprintf(stderr, "report_fixtures: %s\n", err.message);
    tm_error_clear(&err);
    json_decref(resp);
    free(layer);
    free(scores);
    free(ratings);
    return a;
}

static json_t *wave_json(int id, const char *org, const char *name, const instrument *in)
{
    char instr[160];
    snprintf(instr, sizeof instr, "%s@%s", in->key, in->version);
    return json_pack("{s:i, s:s, s:s, s:s, s:i, s:s, s:s}", "id", id, "name", name, "organisation",
                     org, "instrument", instr, "min_group_size", 5, "status", "closed",
                     "collection", "online");
}

/* A whole simulated wave analysed; NULL on failure. */
static json_t *wave_analysis(const instrument *in, int *intended, unsigned long seed, double shift,
                             double scale, int id, const char *org, const char *name)
{
    sim s = {.in = in, .rng = gsl_rng_alloc(gsl_rng_mt19937), .shift = shift, .intended = intended};
    gsl_rng_set(s.rng, seed);
    for (int l = 0; l < N_LAYERS; l++)
        s.count[l] = (int)lround(answered[l] * scale);
    json_t *a = NULL;
    if (sim_draw(&s) == 0) {
        json_t *w = wave_json(id, org, name, in);
        a = analyse(&s, w, s.count[0]);
        json_decref(w);
    }
    sim_free(&s);
    gsl_rng_free(s.rng);
    return a;
}

static int write_json(const char *dir, const char *name, json_t *j)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!j || json_dump_file(j, path, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) != 0) {
        fprintf(stderr, "report_fixtures: cannot write %s\n", path);
        return -1;
    }
    printf("%s\n", path);
    return 0;
}

static json_t *progress_json(const int *count)
{
    json_t *arr = json_array();
    static const char *const keys[N_LAYERS] = {"bestuur", "management", "beleid", "uitvoering",
                                               "partners"};
    for (int l = 0; l < N_LAYERS; l++)
        json_array_append_new(arr, json_pack("{s:s, s:i, s:i, s:i, s:i}", "layer", keys[l],
                                             "invited", invited[l], "started", started[l],
                                             "submitted", count[l], "imported", 0));
    return json_pack("{s:o}", "layers", arr);
}

static json_t *open_json(const instrument *in)
{
    json_t *arr = json_array();
    size_t t = 0;
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        if (it->type != ITEM_TEXT) continue;
        for (int l = 1; l < N_LAYERS; l++) {
            if (!instrument_item_asked(it, l)) continue;
            json_t *answers = json_array();
            for (int k = 0; k < 5; k++)
                json_array_append_new(
                    answers,
                    json_string(open_texts[t++ % (sizeof open_texts / sizeof *open_texts)]));
            json_array_append_new(arr, json_pack("{s:s, s:s, s:o}", "item", it->key, "layer",
                                                 in->layers[l].key, "answers", answers));
        }
    }
    return arr;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: report_fixtures INSTRUMENT_FILE OUT_DIR\n");
        return 2;
    }
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(argv[1], &err);
    if (!in) {
        fprintf(stderr, "report_fixtures: %s\n", err.message);
        return 1;
    }
    if (in->n_layers != N_LAYERS) {
        fprintf(stderr, "report_fixtures: the instrument must have five layers\n");
        return 1;
    }
    /* The wave's keys: the first option of every local knowledge question. */
    int *intended = malloc(in->n_items * sizeof *intended);
    for (size_t i = 0; i < in->n_items; i++)
        intended[i] =
            in->items[i].type == ITEM_INTENT && in->items[i].intended == INTENDED_LOCAL ? 0 : -1;
    const char *org = "Gemeente Voorbeeldstad";
    int rc = 0;

    json_t *previous = wave_analysis(in, intended, 2025, -0.14, 0.95, 6, org, "Meting 2025");
    json_t *peers[N_PEERS];
    for (int p = 0; p < N_PEERS; p++) {
        char name[64];
        snprintf(name, sizeof name, "Vergelijkingsgemeente %c", 'A' + p);
        peers[p] = wave_analysis(in, intended, 4000 + (unsigned long)p, -0.08 + 0.035 * p,
                                 0.8 + 0.15 * p, 100 + p, name, "Meting 2026");
        if (!peers[p]) rc = 1;
    }

    sim s = {.in = in, .rng = gsl_rng_alloc(gsl_rng_mt19937), .shift = 0, .intended = intended};
    gsl_rng_set(s.rng, 2026);
    memcpy(s.count, answered, sizeof s.count);
    if (!previous || rc || sim_draw(&s) != 0) {
        fprintf(stderr, "report_fixtures: could not simulate the waves\n");
        return 1;
    }
    json_t *wave = wave_json(7, org, "Meting 2026", in);
    const char *names[2] = {"report-shown.json", "report-hidden.json"};
    int keep[2] = {answered[0], 4};
    for (int v = 0; v < 2 && rc == 0; v++) {
        json_t *a = analyse(&s, wave, keep[v]);
        if (!a || analysis_add_trend(a, previous, &err) ||
            analysis_add_benchmark(a, peers, N_PEERS, &err)) {
            fprintf(stderr, "report_fixtures: %s\n", err.message);
            rc = 1;
        }
        if (rc == 0 && write_json(argv[2], names[v], a) != 0) rc = 1;
        json_decref(a);
    }
    int hidden_count[N_LAYERS];
    memcpy(hidden_count, answered, sizeof hidden_count);
    hidden_count[0] = 4;
    json_t *progress = progress_json(hidden_count);
    json_t *open = open_json(in);
    if (rc == 0 && (write_json(argv[2], "report-progress.json", progress) != 0 ||
                    write_json(argv[2], "report-open.json", open) != 0))
        rc = 1;
    json_decref(progress);
    json_decref(open);
    json_decref(wave);
    json_decref(previous);
    for (int p = 0; p < N_PEERS; p++)
        json_decref(peers[p]);
    sim_free(&s);
    gsl_rng_free(s.rng);
    free(intended);
    instrument_free(in);
    return rc;
}
