/* instrument.h - a survey instrument: the chain of layers, the domains and
 * themes, and the items, as read from a survey-defs/ JSON file.
 *
 * An instrument is immutable once loaded. It owns its JSON definition and
 * every string in it points into that definition, so one instrument_free()
 * releases everything. Layers, domains, themes and items are addressed by
 * index (their position in the file), which is also how answers are stored
 * compactly: response scores are an array indexed by item ordinal.
 *
 *   tm_error err = TM_ERROR_INIT;
 *   instrument *in = instrument_load_file("survey-defs/thermometer-sociaal-domein.json", &err);
 *   if (!in) { fprintf(stderr, "%s\n", err.message); ... }
 *   const tm_item *it = instrument_item(in, "ek-eff-1");
 *   instrument_free(in);
 */
#ifndef TM_INSTRUMENT_H
#define TM_INSTRUMENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/text.h"

#define INSTRUMENT_MAX_LAYERS 16 /* layer sets are bit masks */

typedef enum item_type { ITEM_LIKERT, ITEM_GRADE, ITEM_INTENT, ITEM_CHOICE, ITEM_TEXT } item_type;

/* A layer, domain or theme. */
typedef struct tm_named {
    const char *key;
    tm_text label;
    tm_text description;
} tm_named;

typedef struct tm_option {
    const char *key;
    tm_text label;
} tm_option;

#define INTENDED_NONE (-1)
#define INTENDED_TOP_LAYER (-2) /* v1 only: method v2 drops it */
#define INTENDED_LOCAL (-3)     /* "local": each wave sets its own key */

typedef struct tm_item {
    const char *key;
    item_type type;
    size_t ordinal;  /* position in the instrument's items */
    int theme;       /* index into themes, -1 when the item has none */
    int domain;      /* index into domains, -1 when none */
    uint32_t layers; /* bit i set: the item is asked to layer i */
    int points;      /* likert: scale points; grade: 10; intent/choice: option count */
    int dont_know;   /* offers "weet niet" */
    int required;    /* must be answered on the respondent's form */
    int multiple;    /* choice: several options may be picked */
    int background;  /* descriptive item about the respondent */
    int max_length;  /* text: characters allowed */
    int intended;    /* intent: option index, INTENDED_LOCAL, INTENDED_TOP_LAYER; else
                        INTENDED_NONE */
    int reverse;     /* likert: reverse-worded, normalised as 100 - score */
    int core;        /* asked of every layer of the chain: only core items enter aggregates */
    tm_text text;
    tm_text help;
    tm_option *options; /* intent and choice; NULL otherwise */
    size_t n_options;
    json_t *labels; /* likert: {"nl": [...], "en": [...]} with `points` entries, or NULL */
} tm_item;

typedef struct item_index item_index;

typedef struct instrument {
    json_t *definition; /* owned */
    const char *key;
    const char *version;
    char sha256[65]; /* hex SHA-256 of the canonical text (sorted keys, compact) */
    tm_text title;
    tm_text description;
    tm_named *layers;
    size_t n_layers;
    tm_named *domains;
    size_t n_domains;
    tm_named *themes;
    size_t n_themes;
    tm_item *items;
    size_t n_items;
    double band_goed;     /* temperature at or above which a theme is "goed" */
    double band_aandacht; /* ... "aandacht"; below it, "zorg" */
    item_index *index;    /* item key -> ordinal */
} instrument;

/* Checks a definition against survey-defs/schema.json (embedded in the binary)
 * and then its meaning: unique keys, known layers/themes/domains, valid intended
 * options, label counts, and that every theme x domain cell is asked to at
 * least two layers per measure (else no gap can be measured). Each problem is
 * appended to errors (borrowed JSON array) as "FILE: $.json.path: message".
 * file may be NULL. Returns the number of problems; 0 means valid. */
size_t instrument_check(json_t *definition, const char *file, json_t *errors);

/* Builds an instrument from a definition (borrowed; the instrument takes its
 * own reference). Returns NULL with err (status 422, one detail per problem)
 * when instrument_check finds anything. The caller owns the result. */
instrument *instrument_load(json_t *definition, tm_error *err);

/* Reads, parses and loads FILE. A JSON syntax error names the line and
 * column; problems of meaning go to err->details as in instrument_load. */
instrument *instrument_load_file(const char *path, tm_error *err);

/* Frees the instrument and everything it points to. NULL is fine. */
void instrument_free(instrument *in);

/* Index of the layer/domain/theme with this key, or -1. */
int instrument_layer_index(const instrument *in, const char *key);
int instrument_domain_index(const instrument *in, const char *key);
int instrument_theme_index(const instrument *in, const char *key);

/* The item with this key, or NULL. Constant time (hash index). */
const tm_item *instrument_item(const instrument *in, const char *key);

/* Index of the option with this key in a choice/intent item, or -1. */
int instrument_option_index(const tm_item *it, const char *key);

/* Whether the item is asked to layer (index). */
int instrument_item_asked(const tm_item *it, int layer);

/* Whether the item is scored in the gap analysis (likert, grade, intent). */
int instrument_item_scored(const tm_item *it);

/* The answer label of likert value v (1..points) in lang ("nl"/"en"):
 * the item's own labels, else the instrument's scale_labels for that number
 * of points, else NULL (the form then shows the number alone). Borrowed. */
const char *instrument_scale_label(const instrument *in, const tm_item *it, int v,
                                   const char *lang);

/* "likert", "grade", ... */
const char *instrument_type_name(item_type t);

#endif
