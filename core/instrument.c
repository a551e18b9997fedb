/* instrument.c - reading, checking and indexing survey instruments. */
#include "core/instrument.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonschema.h"
#include "core/utf8.h"

extern const char instrument_schema_json[]; /* survey-defs/schema.json, see build/gen */

struct item_index {
    size_t cap; /* power of two */
    int *slot;  /* item ordinal + 1; 0 = empty */
};

/* FNV-1a: short keys, a few hundred of them; no need for more. */
static uint64_t key_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

const char *instrument_type_name(item_type t)
{
    static const char *const names[] = {"likert", "grade", "intent", "choice", "text"};
    return names[t];
}

static int type_parse(const char *s, item_type *out)
{
    for (int t = ITEM_LIKERT; t <= ITEM_TEXT; t++)
        if (s && !strcmp(s, instrument_type_name((item_type)t))) {
            *out = (item_type)t;
            return 0;
        }
    return -1;
}

static tm_text text_of(json_t *obj)
{
    tm_text t = {json_string_value(json_object_get(obj, "nl")),
                 json_string_value(json_object_get(obj, "en"))};
    return t;
}

/* ---- checking ---------------------------------------------------------- */

typedef struct checker {
    const char *file;
    json_t *errors;
    size_t count;
} checker;

static void problem(checker *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(checker *c, const char *path, const char *fmt, ...)
{
    char msg[768], line[1280];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->count++;
    if (c->file)
        snprintf(line, sizeof line, "%s: %s: %s", c->file, path, msg);
    else
        snprintf(line, sizeof line, "%s: %s", path, msg);
    utf8_scrub(line);
    json_array_append_new(c->errors, json_string(line));
}

/* Index of key in an array of {key: ...} objects, or -1. */
static int named_find(json_t *list, const char *key)
{
    size_t i;
    json_t *e;
    if (!key) return -1;
    json_array_foreach(list, i, e)
    {
        const char *k = json_string_value(json_object_get(e, "key"));
        if (k && !strcmp(k, key)) return (int)i;
    }
    return -1;
}

static void check_unique(checker *c, json_t *list, const char *path)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *k = json_string_value(json_object_get(e, "key"));
        int first = named_find(list, k);
        if (k && first >= 0 && (size_t)first < i) {
            char p[256];
            snprintf(p, sizeof p, "%s[%zu].key", path, i);
            problem(c, p, "key \"%s\" is used twice (also at %s[%d])", k, path, first);
        }
    }
}

static void check_label_count(checker *c, json_t *labels, long points, const char *path)
{
    const char *langs[] = {"nl", "en"};
    for (int l = 0; l < 2; l++) {
        json_t *arr = json_object_get(labels, langs[l]);
        if (arr && (long)json_array_size(arr) != points) {
            char p[256];
            snprintf(p, sizeof p, "%s.%s", path, langs[l]);
            problem(c, p, "has %zu labels for a %ld-point scale", json_array_size(arr), points);
        }
    }
}

/* Layers an item is asked to, as a mask; unknown layer keys are reported. */
static uint32_t item_layer_mask(checker *c, json_t *def, json_t *item, const char *path)
{
    json_t *layers = json_object_get(def, "layers");
    json_t *asked = json_object_get(item, "layers");
    size_t n = json_array_size(layers);
    if (!asked) return n >= 32 ? 0xffffffffu : ((1u << n) - 1u);
    uint32_t mask = 0;
    size_t i;
    json_t *l;
    json_array_foreach(asked, i, l)
    {
        int idx = named_find(layers, json_string_value(l));
        if (idx < 0) {
            char p[256];
            snprintf(p, sizeof p, "%s.layers[%zu]", path, i);
            problem(c, p, "unknown layer \"%s\"", json_string_value(l));
        } else {
            mask |= 1u << idx;
        }
    }
    return mask;
}

static void check_item(checker *c, json_t *def, json_t *item, size_t i, uint32_t *score_cells,
                       uint32_t *know_cells)
{
    char path[64];
    snprintf(path, sizeof path, "$.items[%zu]", i);
    char p[128];
    const char *theme = json_string_value(json_object_get(item, "theme"));
    const char *domain = json_string_value(json_object_get(item, "domain"));
    int t = named_find(json_object_get(def, "themes"), theme);
    int d = named_find(json_object_get(def, "domains"), domain);
    if (theme && t < 0) {
        snprintf(p, sizeof p, "%s.theme", path);
        problem(c, p, "unknown theme \"%s\"", theme);
    }
    if (domain && d < 0) {
        snprintf(p, sizeof p, "%s.domain", path);
        problem(c, p, "unknown domain \"%s\"", domain);
    }
    uint32_t mask = item_layer_mask(c, def, item, path);

    item_type type;
    if (type_parse(json_string_value(json_object_get(item, "type")), &type) != 0) return;

    json_t *options = json_object_get(item, "options");
    check_unique(c, options, (snprintf(p, sizeof p, "%s.options", path), p));
    if (type == ITEM_INTENT) {
        const char *intended = json_string_value(json_object_get(item, "intended"));
        if (intended && strcmp(intended, "top-layer") && strcmp(intended, "local") &&
            named_find(options, intended) < 0) {
            snprintf(p, sizeof p, "%s.intended", path);
            problem(c, p, "\"%s\" is not one of the item's option keys", intended);
        }
    }
    if (type == ITEM_LIKERT) {
        json_t *pts = json_object_get(item, "points");
        long points = pts ? (long)json_number_value(pts) : 5; /* 5.0 is an integer too */
        json_t *labels = json_object_get(item, "labels");
        if (labels)
            check_label_count(c, labels, points, (snprintf(p, sizeof p, "%s.labels", path), p));
    }
    size_t n_domains = json_array_size(json_object_get(def, "domains"));
    if (t >= 0 && d >= 0) {
        size_t cell = (size_t)t * n_domains + (size_t)d;
        if (type == ITEM_LIKERT || type == ITEM_GRADE) score_cells[cell] |= mask;
        if (type == ITEM_INTENT) know_cells[cell] |= mask;
    }
}

static int popcount32(uint32_t x)
{
    return __builtin_popcount(x);
}

static void check_cells(checker *c, json_t *def, const uint32_t *score_cells,
                        const uint32_t *know_cells)
{
    json_t *themes = json_object_get(def, "themes");
    json_t *domains = json_object_get(def, "domains");
    size_t nd = json_array_size(domains);
    for (size_t t = 0; t < json_array_size(themes); t++) {
        for (size_t d = 0; d < nd; d++) {
            const char *tk = json_string_value(json_object_get(json_array_get(themes, t), "key"));
            const char *dk = json_string_value(json_object_get(json_array_get(domains, d), "key"));
            uint32_t s = score_cells[t * nd + d], k = know_cells[t * nd + d];
            if (!s && !k)
                problem(c, "$.items",
                        "theme \"%s\" x domain \"%s\" has no scored item (likert, grade or "
                        "intent): nothing can be measured there",
                        tk, dk);
            if (s && popcount32(s) < 2)
                problem(c, "$.items",
                        "theme \"%s\" x domain \"%s\": its likert/grade items are asked to one "
                        "layer only, so no gap can be measured; ask them to at least two layers",
                        tk, dk);
            if (k && popcount32(k) < 2)
                problem(c, "$.items",
                        "theme \"%s\" x domain \"%s\": its intent items are asked to one layer "
                        "only, so no gap can be measured; ask them to at least two layers",
                        tk, dk);
        }
    }
}

static void check_meaning(checker *c, json_t *def)
{
    check_unique(c, json_object_get(def, "layers"), "$.layers");
    check_unique(c, json_object_get(def, "domains"), "$.domains");
    check_unique(c, json_object_get(def, "themes"), "$.themes");
    check_unique(c, json_object_get(def, "items"), "$.items");
    if (json_array_size(json_object_get(def, "layers")) > INSTRUMENT_MAX_LAYERS)
        problem(c, "$.layers", "has more than %d layers", INSTRUMENT_MAX_LAYERS);

    json_t *bands = json_object_get(def, "bands");
    if (bands && json_number_value(json_object_get(bands, "aandacht")) >=
                     json_number_value(json_object_get(bands, "goed")))
        problem(c, "$.bands", "\"aandacht\" must be below \"goed\"");

    const char *pts;
    json_t *labels;
    json_object_foreach(json_object_get(def, "scale_labels"), pts, labels)
    {
        char p[64];
        snprintf(p, sizeof p, "$.scale_labels.%s", pts);
        check_label_count(c, labels, strtol(pts, NULL, 10), p);
    }

    size_t cells = json_array_size(json_object_get(def, "themes")) *
                   json_array_size(json_object_get(def, "domains"));
    uint32_t *score_cells = calloc(cells ? cells : 1, sizeof *score_cells);
    uint32_t *know_cells = calloc(cells ? cells : 1, sizeof *know_cells);
    if (!score_cells || !know_cells) {
        problem(c, "$", "out of memory while checking");
    } else {
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(def, "items"), i, item)
            check_item(c, def, item, i, score_cells, know_cells);
        check_cells(c, def, score_cells, know_cells);
    }
    free(score_cells);
    free(know_cells);
}

size_t instrument_check(json_t *definition, const char *file, json_t *errors)
{
    checker c = {file, errors, 0};
    json_error_t jerr;
    json_t *schema = json_loads(instrument_schema_json, 0, &jerr);
    if (!schema) {
        problem(&c, "$", "the built-in schema does not parse (line %d): %s", jerr.line, jerr.text);
        return c.count;
    }
    json_t *found = json_array();
    size_t n = jsonschema_check(schema, definition, found);
    json_decref(schema);
    size_t i;
    json_t *e;
    json_array_foreach(found, i, e)
    {
        c.count++;
        if (file)
            json_array_append_new(errors, json_sprintf("%s: %s", file, json_string_value(e)));
        else
            json_array_append(errors, e);
    }
    json_decref(found);
    /* The meaning is only worth checking on a structurally sound document:
     * otherwise every schema error would echo as a dozen follow-ups. */
    if (n == 0) check_meaning(&c, definition);
    return c.count;
}

/* ---- loading ------------------------------------------------------------ */

static int named_load(json_t *list, tm_named **out, size_t *n)
{
    *n = json_array_size(list);
    *out = calloc(*n ? *n : 1, sizeof **out);
    if (!*out) return -1;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        (*out)[i].key = json_string_value(json_object_get(e, "key"));
        (*out)[i].label = text_of(json_object_get(e, "label"));
        (*out)[i].description = text_of(json_object_get(e, "description"));
    }
    return 0;
}

static int item_index_build(instrument *in)
{
    in->index = calloc(1, sizeof *in->index);
    if (!in->index) return -1;
    size_t cap = 16;
    while (cap < in->n_items * 2)
        cap *= 2;
    in->index->cap = cap;
    in->index->slot = calloc(cap, sizeof *in->index->slot);
    if (!in->index->slot) return -1;
    for (size_t i = 0; i < in->n_items; i++) {
        size_t h = key_hash(in->items[i].key) & (cap - 1);
        while (in->index->slot[h])
            h = (h + 1) & (cap - 1);
        in->index->slot[h] = (int)i + 1;
    }
    return 0;
}

static int item_load(instrument *in, json_t *j, size_t ordinal)
{
    tm_item *it = &in->items[ordinal];
    it->key = json_string_value(json_object_get(j, "key"));
    type_parse(json_string_value(json_object_get(j, "type")), &it->type);
    it->ordinal = ordinal;
    it->theme = instrument_theme_index(in, json_string_value(json_object_get(j, "theme")));
    it->domain = instrument_domain_index(in, json_string_value(json_object_get(j, "domain")));
    json_t *layers = json_object_get(j, "layers");
    if (!layers) {
        it->layers = in->n_layers >= 32 ? 0xffffffffu : ((1u << in->n_layers) - 1u);
    } else {
        size_t i;
        json_t *l;
        json_array_foreach(layers, i, l) it->layers |=
            1u << instrument_layer_index(in, json_string_value(l));
    }
    uint32_t every = in->n_layers >= 32 ? 0xffffffffu : ((1u << in->n_layers) - 1u);
    it->core = (it->layers & every) == every;
    json_t *dk = json_object_get(j, "dont_know");
    it->dont_know = dk ? json_is_true(dk) : (it->type == ITEM_LIKERT || it->type == ITEM_INTENT);
    it->required = json_is_true(json_object_get(j, "required"));
    it->multiple = json_is_true(json_object_get(j, "multiple"));
    it->background = json_is_true(json_object_get(j, "background"));
    json_t *ml = json_object_get(j, "max_length");
    it->max_length = it->type == ITEM_TEXT ? (ml ? (int)json_number_value(ml) : 4000) : 0;
    it->text = text_of(json_object_get(j, "text"));
    it->help = text_of(json_object_get(j, "help"));
    it->labels = json_object_get(j, "labels");

    json_t *options = json_object_get(j, "options");
    it->n_options = json_array_size(options);
    if (it->n_options) {
        it->options = calloc(it->n_options, sizeof *it->options);
        if (!it->options) return -1;
        size_t i;
        json_t *o;
        json_array_foreach(options, i, o)
        {
            it->options[i].key = json_string_value(json_object_get(o, "key"));
            it->options[i].label = text_of(json_object_get(o, "label"));
        }
    }
    switch (it->type) {
    case ITEM_LIKERT: {
        json_t *pts = json_object_get(j, "points");
        it->points = pts ? (int)json_number_value(pts) : 5; /* 5.0 is an integer too */
        break;
    }
    case ITEM_GRADE:
        it->points = 10;
        break;
    default:
        it->points = (int)it->n_options;
        break;
    }
    it->intended = INTENDED_NONE;
    if (it->type == ITEM_INTENT) {
        const char *intended = json_string_value(json_object_get(j, "intended"));
        it->intended = !strcmp(intended, "top-layer") ? INTENDED_TOP_LAYER
                       : !strcmp(intended, "local")   ? INTENDED_LOCAL
                                                      : instrument_option_index(it, intended);
    }
    it->reverse = it->type == ITEM_LIKERT && json_is_true(json_object_get(j, "reverse"));
    return 0;
}

static int canonical_sha256(json_t *def, char out[65])
{
    char *text = json_dumps(def, JSON_SORT_KEYS | JSON_COMPACT);
    if (!text) return -1;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)text, strlen(text));
    free(text);
    sodium_bin2hex(out, 65, digest, sizeof digest);
    return 0;
}

instrument *instrument_load(json_t *definition, tm_error *err)
{
    json_t *problems = json_array();
    if (instrument_check(definition, NULL, problems) > 0) {
        tm_error_set(err, 422, "the instrument definition has %zu problem(s)",
                     json_array_size(problems));
        size_t i;
        json_t *p;
        json_array_foreach(problems, i, p) tm_error_add_json(err, json_incref(p));
        json_decref(problems);
        return NULL;
    }
    json_decref(problems);

    instrument *in = calloc(1, sizeof *in);
    if (!in) {
        tm_error_set(err, 500, "out of memory loading an instrument");
        return NULL;
    }
    in->definition = json_incref(definition);
    in->key = json_string_value(json_object_get(definition, "key"));
    in->version = json_string_value(json_object_get(definition, "version"));
    in->title = text_of(json_object_get(definition, "title"));
    in->description = text_of(json_object_get(definition, "description"));
    json_t *bands = json_object_get(definition, "bands");
    in->band_goed = bands ? json_number_value(json_object_get(bands, "goed")) : 70.0;
    in->band_aandacht = bands ? json_number_value(json_object_get(bands, "aandacht")) : 55.0;

    json_t *items = json_object_get(definition, "items");
    in->n_items = json_array_size(items);
    int failed = named_load(json_object_get(definition, "layers"), &in->layers, &in->n_layers) ||
                 named_load(json_object_get(definition, "domains"), &in->domains, &in->n_domains) ||
                 named_load(json_object_get(definition, "themes"), &in->themes, &in->n_themes) ||
                 !(in->items = calloc(in->n_items, sizeof *in->items)) ||
                 canonical_sha256(definition, in->sha256);
    for (size_t i = 0; !failed && i < in->n_items; i++)
        failed = item_load(in, json_array_get(items, i), i);
    if (!failed) failed = item_index_build(in);
    if (failed) {
        instrument_free(in);
        tm_error_set(err, 500, "out of memory loading an instrument");
        return NULL;
    }
    return in;
}

instrument *instrument_load_file(const char *path, tm_error *err)
{
    json_error_t jerr;
    json_t *def = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!def) {
        if (jerr.line < 1)
            tm_error_set(err, 400, "%s: cannot read the file: %s", path, jerr.text);
        else
            tm_error_set(err, 400, "%s: line %d, column %d: invalid JSON: %s", path, jerr.line,
                         jerr.column, jerr.text);
        return NULL;
    }
    json_t *problems = json_array();
    size_t n = instrument_check(def, path, problems);
    if (n > 0) {
        tm_error_set(err, 422, "%s: %zu problem(s) in the instrument", path, n);
        size_t i;
        json_t *p;
        json_array_foreach(problems, i, p) tm_error_add_json(err, json_incref(p));
        json_decref(problems);
        json_decref(def);
        return NULL;
    }
    json_decref(problems);
    instrument *in = instrument_load(def, err);
    json_decref(def);
    return in;
}

void instrument_free(instrument *in)
{
    if (!in) return;
    for (size_t i = 0; in->items && i < in->n_items; i++)
        free(in->items[i].options);
    free(in->items);
    free(in->layers);
    free(in->domains);
    free(in->themes);
    if (in->index) free(in->index->slot);
    free(in->index);
    json_decref(in->definition);
    free(in);
}

static int named_index(const tm_named *list, size_t n, const char *key)
{
    if (!key) return -1;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i].key, key)) return (int)i;
    return -1;
}

int instrument_layer_index(const instrument *in, const char *key)
{
    return named_index(in->layers, in->n_layers, key);
}

int instrument_domain_index(const instrument *in, const char *key)
{
    return named_index(in->domains, in->n_domains, key);
}

int instrument_theme_index(const instrument *in, const char *key)
{
    return named_index(in->themes, in->n_themes, key);
}

const tm_item *instrument_item(const instrument *in, const char *key)
{
    if (!key || !in->index) return NULL;
    size_t cap = in->index->cap;
    for (size_t h = key_hash(key) & (cap - 1);; h = (h + 1) & (cap - 1)) {
        int slot = in->index->slot[h];
        if (!slot) return NULL;
        if (!strcmp(in->items[slot - 1].key, key)) return &in->items[slot - 1];
    }
}

int instrument_option_index(const tm_item *it, const char *key)
{
    if (!key) return -1;
    for (size_t i = 0; i < it->n_options; i++)
        if (!strcmp(it->options[i].key, key)) return (int)i;
    return -1;
}

int instrument_item_asked(const tm_item *it, int layer)
{
    return layer >= 0 && layer < 32 && (it->layers >> layer) & 1u;
}

int instrument_item_scored(const tm_item *it)
{
    return it->type == ITEM_LIKERT || it->type == ITEM_GRADE || it->type == ITEM_INTENT;
}

const char *instrument_scale_label(const instrument *in, const tm_item *it, int v, const char *lang)
{
    if (it->type != ITEM_LIKERT || v < 1 || v > it->points) return NULL;
    const char *l = tm_text_lang(lang);
    json_t *labels = it->labels;
    if (!labels) {
        char pts[8];
        snprintf(pts, sizeof pts, "%d", it->points);
        labels = json_object_get(json_object_get(in->definition, "scale_labels"), pts);
    }
    return json_string_value(json_array_get(json_object_get(labels, l), (size_t)v - 1));
}
