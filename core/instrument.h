/* instrument.h - a survey instrument: the chain of layers, the domains and
 * themes, and the items, as read from a survey-defs/ JSON file.
 *
 * An instrument is immutable once loaded. It owns its JSON definition and
 * every string in it points into that definition, so one instrument_free()
 * releases everything. Layers, domains, themes and items are addressed by
 * index (their position in the file), which is also how answers are stored
 * compactly: response scores are an array indexed by item ordinal.
 *
 * Format v2 (an instrument whose major version is 2 or more) adds the rules
 * block (tm_rules: each wave lists its own rules, every layer rates them),
 * law anchors (`law` on an intent with a fixed key), per-layer wording
 * (`layer_text`) and stricter limits in instrument_check. v1 files load as
 * before. instrument_layer_seconds() estimates the time a layer's form takes.
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

#define INSTRUMENT_MAX_LAYERS 16 /* layer sets are bit masks */

/* Limits of format v2 (major version >= 2), checked by instrument_check. */
#define INSTRUMENT_V2_MAX_ITEMS 45       /* items asked of any one layer */
#define INSTRUMENT_V2_MAX_ITEMS_FIRST 25 /* ... of the first layer of the chain (bestuur) */
#define INSTRUMENT_V2_MAX_LAW_ANCHORS 4  /* intent items with a fixed key */
#define INSTRUMENT_V2_MIN_CORE_SCORED 2  /* core likert/grade items per theme and domain */

/* The reading-time estimate: words per minute and seconds per answer. */
#define INSTRUMENT_WORDS_PER_MINUTE 200.0
#define INSTRUMENT_SECONDS_PER_ANSWER 3.0

typedef enum item_type { ITEM_LIKERT, ITEM_GRADE, ITEM_INTENT, ITEM_CHOICE, ITEM_TEXT } item_type;

/* A text in both languages; either may be NULL when optional and absent. */
typedef struct tm_text {
    const char *nl;
    const char *en;
} tm_text;

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
    tm_text law;         /* intent with a fixed key: its legal basis; both NULL otherwise */
    tm_text *layer_text; /* owned: n_layers entries, the item's wording for that layer
                            (both NULL where it has none); NULL when it has none at all */
    tm_option *options;  /* intent and choice; NULL otherwise */
    size_t n_options;
    json_t *labels; /* likert: {"nl": [...], "en": [...]} with `points` entries, or NULL */
} tm_item;

/* The answers of the rules block, in this order: the analysis counts net =
 * helpt - belemmert over the first three; onbekend is "ken ik niet". */
/* A rule rating as stored (one byte per response and rule): 0 unanswered,
 * else 1 + its index in the scale below. */
enum {
    RULE_UNANSWERED = 0,
    RULE_HELPT = 1,     /* "helpt": the rule helps the work */
    RULE_NEUTRAAL = 2,  /* "maakt niet uit" */
    RULE_BELEMMERT = 3, /* "belemmert": the rule hinders */
    RULE_ONBEKEND = 4,  /* "ken ik niet": the respondent does not know the rule */
};
#define RULE_ANSWERS 4 /* entries of the scale: scale[code - 1] */

/* The rules block: each wave lists min..max of the municipality's own rules
 * (beleidsregels, werkafspraken) and every layer rates each one on scale. */
typedef struct tm_rules {
    int min, max;                  /* rules a wave lists */
    tm_text text;                  /* the question above the list */
    tm_text help;                  /* one line under it; both NULL when absent */
    tm_option scale[RULE_ANSWERS]; /* helpt, neutraal, belemmert, onbekend */
    const tm_item *after;          /* the block stands right after this item's place in the form
                                      (also for a layer not asked that item); NULL: after the last
                                      item of the last domain, before the background items */
} tm_rules;

typedef struct item_index item_index;

typedef struct instrument {
    json_t *definition; /* owned */
    const char *key;
    const char *version;
    int major;       /* first number of version: 1 reads as format v1, 2 or more as v2 */
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
    tm_rules *rules;      /* owned; NULL when the instrument has no rules block */
    item_index *index;    /* item key -> ordinal */
} instrument;

/* Checks a definition against survey-defs/schema.json (embedded in the binary)
 * and then its meaning: unique keys, known layers/themes/domains, valid intended
 * options, label counts, layer_text for asked layers, the rules scale. v1 (major
 * version 1): every theme x domain cell is asked to at least two layers per
 * measure (else no gap can be measured). v2: the limits above (items per layer,
 * a quarter of the likert items reverse-worded, law anchors, "weet niet" on
 * intent and grade items) and INSTRUMENT_V2_MIN_CORE_SCORED core likert/grade
 * items per theme and per domain (only core items enter the scores). Each
 * problem is appended to errors (borrowed JSON array) as
 * "FILE: $.json.path: message". file may be NULL. Returns the number of
 * problems; 0 means valid. survey-defs/README.md lists every check. */
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
int tm_item_option_index(const tm_item *it, const char *key);

/* Whether the item is asked to layer (index). */
int tm_item_asked(const tm_item *it, int layer);

/* Whether the item is scored in the gap analysis (likert, grade, intent). */
int tm_item_scored(const tm_item *it);

/* The answer label of likert value v (1..points) in lang ("nl"/"en"):
 * the item's own labels, else the instrument's scale_labels for that number
 * of points, else NULL (the form then shows the number alone). Borrowed. */
const char *tm_item_scale_label(const instrument *in, const tm_item *it, int v, const char *lang);

/* The text in lang ("en" gives English, anything else Dutch), falling back to
 * Dutch when the English is absent. May return NULL when both are absent. */
const char *tm_text_get(tm_text t, const char *lang);

/* The item's question for layer (index) in lang: its layer_text for that
 * layer, else its text. Borrowed; never NULL for a loaded item. */
const char *instrument_item_text(const instrument *in, const tm_item *it, int layer,
                                 const char *lang);

/* The rules block, or NULL when the instrument has none. Borrowed. */
const tm_rules *instrument_rules(const instrument *in);

/* Items asked of layer (index): what a respondent of that layer gets. */
size_t instrument_layer_items(const instrument *in, int layer);

/* Words in s as a reader counts them: runs of non-space. NULL counts 0. */
size_t instrument_count_words(const char *s);

/* Expected seconds a respondent of layer (index) needs for the form in lang:
 * every word the form shows that layer (the intro, the headings and
 * descriptions of its domains, each question in the layer's wording, help
 * lines, intent and choice options; a repeated answer scale such as the
 * likert labels, "weet niet" and the rules scale once per layer, as a reader
 * stops reading them after the first items) at INSTRUMENT_WORDS_PER_MINUTE,
 * plus INSTRUMENT_SECONDS_PER_ANSWER per item and per rule. When the
 * instrument has a rules block and n_rules > 0, it adds the block's question
 * and help, rule_words (the words of the wave's rule texts together, see
 * instrument_count_words) and the scale. Typing open answers is not counted:
 * they may be skipped. A pure function; 0 for a layer out of range. */
double instrument_layer_seconds(const instrument *in, int layer, const char *lang,
                                size_t rule_words, size_t n_rules);

/* "likert", "grade", ... */
const char *item_type_name(item_type t);

#endif
