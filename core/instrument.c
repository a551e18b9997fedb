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

const char *item_type_name(item_type t)
{
    static const char *const names[] = {"likert", "grade", "intent", "choice", "text"};
    return names[t];
}

static int item_type_parse(const char *s, item_type *out)
{
    for (int t = ITEM_LIKERT; t <= ITEM_TEXT; t++)
        if (s && !strcmp(s, item_type_name((item_type)t))) {
            *out = (item_type)t;
            return 0;
        }
    return -1;
}

const char *tm_text_get(tm_text t, const char *lang)
{
    if (lang && !strcmp(lang, "en") && t.en) return t.en;
    return t.nl ? t.nl : t.en;
}

static tm_text text_of(json_t *obj)
{
    tm_text t = {json_string_value(json_object_get(obj, "nl")),
                 json_string_value(json_object_get(obj, "en"))};
    return t;
}

/* The first number of "2.0.1"; 0 when it does not start with one. */
static int version_major(json_t *def)
{
    const char *v = json_string_value(json_object_get(def, "version"));
    return v ? (int)strtol(v, NULL, 10) : 0;
}

static uint32_t every_layer(size_t n_layers)
{
    return n_layers >= 32 ? 0xffffffffu : ((1u << n_layers) - 1u);
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
    if (!asked) return every_layer(json_array_size(layers));
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

/* layer_text names layers that exist and are asked the item. */
static void check_layer_text(checker *c, json_t *def, json_t *item, uint32_t mask, const char *path)
{
    const char *layer;
    json_t *text;
    json_object_foreach(json_object_get(item, "layer_text"), layer, text)
    {
        char p[192];
        snprintf(p, sizeof p, "%s.layer_text.%s", path, layer);
        int idx = named_find(json_object_get(def, "layers"), layer);
        if (idx < 0)
            problem(c, p, "unknown layer \"%s\"", layer);
        else if (!((mask >> idx) & 1u))
            problem(c, p, "layer \"%s\" is not asked this item (see its \"layers\")", layer);
    }
}

/* `law` is the legal basis of an intent's fixed key: nothing else has one. */
static void check_law(checker *c, json_t *item, item_type type, const char *path)
{
    if (!json_object_get(item, "law")) return;
    char p[128];
    snprintf(p, sizeof p, "%s.law", path);
    const char *intended = json_string_value(json_object_get(item, "intended"));
    if (type != ITEM_INTENT)
        problem(c, p, "only an intent item with a fixed key has a legal basis");
    else if (intended && (!strcmp(intended, "local") || !strcmp(intended, "top-layer")))
        problem(c, p,
                "a \"%s\" intent has no legal basis: \"law\" belongs to an intent whose "
                "\"intended\" names an option",
                intended);
}

static void check_item(checker *c, json_t *def, json_t *item, size_t i, uint32_t *mask_out,
                       uint32_t *score_cells, uint32_t *know_cells)
{
    char path[64];
    snprintf(path, sizeof path, "$.items[%zu]", i);
    char p[128];
    const char *key = json_string_value(json_object_get(item, "key"));
    if (key && (!strcmp(key, "action") || !strcmp(key, "lang"))) {
        /* survey_form_decode reads these two fields as the form's own. */
        snprintf(p, sizeof p, "%s.key", path);
        problem(c, p, "\"%s\" is reserved: the survey form posts a field of that name", key);
    }
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
    *mask_out = mask;
    check_layer_text(c, def, item, mask, path);

    item_type type;
    if (item_type_parse(json_string_value(json_object_get(item, "type")), &type) != 0) return;
    check_law(c, item, type, path);

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

static const char *const rule_answer_keys[RULE_ANSWERS] = {"helpt", "neutraal", "belemmert",
                                                           "onbekend"};

/* The rules block: min <= max, the one scale the analysis counts, and a
 * place in the form that exists. */
static void check_rules(checker *c, json_t *def)
{
    json_t *rules = json_object_get(def, "rules");
    if (!rules) return;
    /* 5.0 is an integer too: read numbers, not only JSON integers. */
    if (json_number_value(json_object_get(rules, "max")) <
        json_number_value(json_object_get(rules, "min")))
        problem(c, "$.rules.max", "is below \"min\": a wave could list no valid number of rules");

    json_t *scale = json_object_get(rules, "scale");
    int exact = json_array_size(scale) == RULE_ANSWERS;
    char found[256] = "";
    size_t i, len = 0;
    json_t *e;
    json_array_foreach(scale, i, e)
    {
        const char *k = json_string_value(json_object_get(e, "key"));
        if (i >= RULE_ANSWERS || !k || strcmp(k, rule_answer_keys[i])) exact = 0;
        if (len < sizeof found)
            len += (size_t)snprintf(found + len, sizeof found - len, "%s%s", i ? ", " : "",
                                    k ? k : "?");
    }
    if (!exact)
        problem(c, "$.rules.scale",
                "must be exactly the answers helpt, neutraal, belemmert, onbekend, in that order "
                "(the analysis counts them by key); found %s",
                found);

    const char *after = json_string_value(json_object_get(rules, "after"));
    if (after) {
        json_t *items = json_object_get(def, "items");
        int at = named_find(items, after);
        if (at < 0)
            problem(c, "$.rules.after", "unknown item \"%s\"", after);
        else if (!json_object_get(json_array_get(items, (size_t)at), "domain"))
            problem(c, "$.rules.after",
                    "item \"%s\" has no domain (a background item): the rules block stands "
                    "among the questions of a domain",
                    after);
    }
}

/* Per layer: items asked. The first layer of the chain (bestuur) is the
 * busiest and the smallest group: it gets the shortest form. */
static void check_v2_lengths(checker *c, json_t *def, const uint32_t *masks, size_t n_items)
{
    json_t *layers = json_object_get(def, "layers");
    for (size_t l = 0; l < json_array_size(layers) && l < 32; l++) {
        size_t n = 0;
        for (size_t i = 0; i < n_items; i++)
            n += (masks[i] >> l) & 1u;
        const char *lk = json_string_value(json_object_get(json_array_get(layers, l), "key"));
        if (l == 0 && n > INSTRUMENT_V2_MAX_ITEMS_FIRST)
            problem(c, "$.items",
                    "layer \"%s\" (the first of the chain) is asked %zu items; a v2 instrument "
                    "asks it at most %d",
                    lk, n, INSTRUMENT_V2_MAX_ITEMS_FIRST);
        else if (n > INSTRUMENT_V2_MAX_ITEMS)
            problem(c, "$.items",
                    "layer \"%s\" is asked %zu items; a v2 instrument asks any layer at most %d",
                    lk, n, INSTRUMENT_V2_MAX_ITEMS);
    }
}

/* Intent items: "weet niet" always, no top-layer, few law anchors, each
 * with its legal basis. */
static void check_v2_intents(checker *c, json_t *items)
{
    size_t i, anchors = 0;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *type = json_string_value(json_object_get(it, "type"));
        char p[64];
        if (!strcmp(type, "grade") && !json_is_true(json_object_get(it, "dont_know"))) {
            snprintf(p, sizeof p, "$.items[%zu]", i);
            problem(c, p,
                    "a grade item of a v2 instrument offers \"weet niet\": set "
                    "\"dont_know\": true");
        }
        if (strcmp(type, "intent")) continue;
        if (json_is_false(json_object_get(it, "dont_know"))) {
            snprintf(p, sizeof p, "$.items[%zu].dont_know", i);
            problem(c, p, "every intent item of a v2 instrument offers \"weet niet\"");
        }
        const char *intended = json_string_value(json_object_get(it, "intended"));
        if (!strcmp(intended, "top-layer")) {
            snprintf(p, sizeof p, "$.items[%zu].intended", i);
            problem(c, p,
                    "\"top-layer\" is v1 only (method v2 dropped it): use \"local\" or "
                    "an option key");
        } else if (strcmp(intended, "local")) {
            anchors++;
            if (!json_object_get(it, "law")) {
                snprintf(p, sizeof p, "$.items[%zu]", i);
                problem(c, p,
                        "an intent with a fixed key is a law anchor in a v2 instrument: give "
                        "its legal basis in \"law\" {nl, en}, or make it \"intended\": "
                        "\"local\"");
            }
        }
    }
    if (anchors > INSTRUMENT_V2_MAX_LAW_ANCHORS)
        problem(c, "$.items",
                "%zu intent items have a fixed key; a v2 instrument has at most %d law "
                "anchors: make the others \"intended\": \"local\"",
                anchors, INSTRUMENT_V2_MAX_LAW_ANCHORS);
}

/* Acquiescence (agreeing with whatever is asked) is only visible when some
 * statements are worded the other way round. */
static void check_v2_reverse(checker *c, json_t *items)
{
    size_t i, likert = 0, reverse = 0;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "type")), "likert")) continue;
        likert++;
        reverse += json_is_true(json_object_get(it, "reverse"));
    }
    size_t need = (likert + 3) / 4;
    if (reverse < need)
        problem(c, "$.items",
                "%zu of %zu likert items are reverse-worded (\"reverse\": true); a v2 "
                "instrument needs at least a quarter: %zu",
                reverse, likert, need);
}

/* Method v2 scores themes and domains on core items only (asked of every
 * layer): each needs a few of them for a score that compares all layers on
 * the same questions. Module items (some layers) are reported per item. */
static void check_v2_core(checker *c, json_t *def, const uint32_t *masks)
{
    json_t *items = json_object_get(def, "items");
    uint32_t every = every_layer(json_array_size(json_object_get(def, "layers")));
    const char *kinds[] = {"theme", "domain"};
    const char *lists[] = {"themes", "domains"};
    for (int k = 0; k < 2; k++) {
        json_t *list = json_object_get(def, lists[k]);
        size_t g;
        json_t *named;
        json_array_foreach(list, g, named)
        {
            const char *key = json_string_value(json_object_get(named, "key"));
            size_t n = 0, i;
            json_t *it;
            json_array_foreach(items, i, it)
            {
                const char *type = json_string_value(json_object_get(it, "type"));
                const char *of = json_string_value(json_object_get(it, kinds[k]));
                n += of && !strcmp(of, key) && (masks[i] & every) == every &&
                     (!strcmp(type, "likert") || !strcmp(type, "grade"));
            }
            if (n < INSTRUMENT_V2_MIN_CORE_SCORED)
                problem(c, "$.items",
                        "%s \"%s\" has %zu core likert/grade item(s); a v2 instrument needs at "
                        "least %d per %s, asked of every layer, for a score that compares the "
                        "layers on the same questions",
                        kinds[k], key, n, INSTRUMENT_V2_MIN_CORE_SCORED, kinds[k]);
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

    check_rules(c, def);

    json_t *items = json_object_get(def, "items");
    size_t n_items = json_array_size(items);
    size_t cells = json_array_size(json_object_get(def, "themes")) *
                   json_array_size(json_object_get(def, "domains"));
    uint32_t *score_cells = calloc(cells ? cells : 1, sizeof *score_cells);
    uint32_t *know_cells = calloc(cells ? cells : 1, sizeof *know_cells);
    uint32_t *masks = calloc(n_items ? n_items : 1, sizeof *masks);
    if (!score_cells || !know_cells || !masks) {
        problem(c, "$", "out of memory while checking");
    } else {
        size_t i;
        json_t *item;
        json_array_foreach(items, i, item)
            check_item(c, def, item, i, &masks[i], score_cells, know_cells);
        if (version_major(def) >= 2) {
            check_v2_lengths(c, def, masks, n_items);
            check_v2_reverse(c, items);
            check_v2_intents(c, items);
            check_v2_core(c, def, masks);
        } else {
            check_cells(c, def, score_cells, know_cells);
        }
    }
    free(score_cells);
    free(know_cells);
    free(masks);
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
    item_type_parse(json_string_value(json_object_get(j, "type")), &it->type);
    it->ordinal = ordinal;
    it->theme = instrument_theme_index(in, json_string_value(json_object_get(j, "theme")));
    it->domain = instrument_domain_index(in, json_string_value(json_object_get(j, "domain")));
    json_t *layers = json_object_get(j, "layers");
    if (!layers) {
        it->layers = every_layer(in->n_layers);
    } else {
        size_t i;
        json_t *l;
        json_array_foreach(layers, i, l) it->layers |=
            1u << instrument_layer_index(in, json_string_value(l));
    }
    uint32_t every = every_layer(in->n_layers);
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
    it->law = text_of(json_object_get(j, "law"));
    it->labels = json_object_get(j, "labels");
    json_t *layer_text = json_object_get(j, "layer_text");
    if (json_object_size(layer_text)) {
        it->layer_text = calloc(in->n_layers, sizeof *it->layer_text);
        if (!it->layer_text) return -1;
        const char *layer;
        json_t *t;
        json_object_foreach(layer_text, layer, t)
            it->layer_text[instrument_layer_index(in, layer)] = text_of(t);
    }

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
                                                      : tm_item_option_index(it, intended);
    }
    it->reverse = it->type == ITEM_LIKERT && json_is_true(json_object_get(j, "reverse"));
    return 0;
}

static int rules_load(instrument *in, json_t *j)
{
    if (!j) return 0;
    tm_rules *r = in->rules = calloc(1, sizeof *in->rules);
    if (!r) return -1;
    r->min = (int)json_number_value(json_object_get(j, "min")); /* 5.0 is an integer too */
    r->max = (int)json_number_value(json_object_get(j, "max"));
    r->text = text_of(json_object_get(j, "text"));
    r->help = text_of(json_object_get(j, "help"));
    for (size_t i = 0; i < RULE_ANSWERS; i++) {
        json_t *o = json_array_get(json_object_get(j, "scale"), i);
        r->scale[i].key = json_string_value(json_object_get(o, "key"));
        r->scale[i].label = text_of(json_object_get(o, "label"));
    }
    r->after = instrument_item(in, json_string_value(json_object_get(j, "after")));
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
    in->major = version_major(definition);
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
    if (!failed) failed = rules_load(in, json_object_get(definition, "rules"));
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
    for (size_t i = 0; in->items && i < in->n_items; i++) {
        free(in->items[i].options);
        free(in->items[i].layer_text);
    }
    free(in->rules);
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

int tm_item_option_index(const tm_item *it, const char *key)
{
    if (!key) return -1;
    for (size_t i = 0; i < it->n_options; i++)
        if (!strcmp(it->options[i].key, key)) return (int)i;
    return -1;
}

int tm_item_asked(const tm_item *it, int layer)
{
    return layer >= 0 && layer < 32 && (it->layers >> layer) & 1u;
}

int tm_item_scored(const tm_item *it)
{
    return it->type == ITEM_LIKERT || it->type == ITEM_GRADE || it->type == ITEM_INTENT;
}

const char *tm_item_scale_label(const instrument *in, const tm_item *it, int v, const char *lang)
{
    if (it->type != ITEM_LIKERT || v < 1 || v > it->points) return NULL;
    const char *l = lang && !strcmp(lang, "en") ? "en" : "nl";
    json_t *labels = it->labels;
    if (!labels) {
        char pts[8];
        snprintf(pts, sizeof pts, "%d", it->points);
        labels = json_object_get(json_object_get(in->definition, "scale_labels"), pts);
    }
    return json_string_value(json_array_get(json_object_get(labels, l), (size_t)v - 1));
}

const char *instrument_item_text(const instrument *in, const tm_item *it, int layer,
                                 const char *lang)
{
    if (it->layer_text && layer >= 0 && (size_t)layer < in->n_layers) {
        const char *t = tm_text_get(it->layer_text[layer], lang);
        if (t) return t;
    }
    return tm_text_get(it->text, lang);
}

const tm_rules *instrument_rules(const instrument *in)
{
    return in->rules;
}

size_t instrument_layer_items(const instrument *in, int layer)
{
    size_t n = 0;
    for (size_t i = 0; i < in->n_items; i++)
        n += tm_item_asked(&in->items[i], layer);
    return n;
}

size_t instrument_count_words(const char *s)
{
    size_t n = 0;
    for (int in_word = 0; s && *s; s++) {
        int space = *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r';
        n += !space && !in_word;
        in_word = !space;
    }
    return n;
}

static size_t text_words(tm_text t, const char *lang)
{
    return instrument_count_words(tm_text_get(t, lang));
}

/* "Weet niet" and "Don't know", the form's label for dont_know. */
#define DONT_KNOW_WORDS 2

/* Words of the likert labels of it, or 0 when a set the layer has already
 * seen (the instrument's default labels for that number of points). */
static size_t likert_label_words(const instrument *in, const tm_item *it, const char *lang,
                                 uint32_t *defaults_seen)
{
    if (!it->labels) {
        if (*defaults_seen & (1u << it->points)) return 0;
        *defaults_seen |= 1u << it->points;
    }
    size_t n = 0;
    for (int v = 1; v <= it->points; v++)
        n += instrument_count_words(tm_item_scale_label(in, it, v, lang));
    return n;
}

double instrument_layer_seconds(const instrument *in, int layer, const char *lang,
                                size_t rule_words, size_t n_rules)
{
    if (layer < 0 || (size_t)layer >= in->n_layers) return 0;
    size_t words = text_words(in->description, lang), answers = 0;
    uint32_t defaults_seen = 0;
    int dont_know_seen = 0;
    for (size_t d = 0; d < in->n_domains; d++) {
        int shown = 0;
        for (size_t i = 0; i < in->n_items && !shown; i++)
            shown = in->items[i].domain == (int)d && tm_item_asked(&in->items[i], layer);
        if (shown)
            words += text_words(in->domains[d].label, lang) +
                     text_words(in->domains[d].description, lang);
    }
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        if (!tm_item_asked(it, layer)) continue;
        answers++;
        words += instrument_count_words(instrument_item_text(in, it, layer, lang)) +
                 text_words(it->help, lang);
        for (size_t o = 0; o < it->n_options; o++)
            words += text_words(it->options[o].label, lang);
        if (it->type == ITEM_LIKERT) words += likert_label_words(in, it, lang, &defaults_seen);
        if (it->dont_know && it->type != ITEM_TEXT && !dont_know_seen) {
            words += DONT_KNOW_WORDS;
            dont_know_seen = 1;
        }
    }
    if (in->rules && n_rules > 0) {
        words += text_words(in->rules->text, lang) + text_words(in->rules->help, lang) + rule_words;
        for (size_t a = 0; a < RULE_ANSWERS; a++)
            words += text_words(in->rules->scale[a].label, lang);
        answers += n_rules;
    }
    return (double)words * 60.0 / INSTRUMENT_WORDS_PER_MINUTE +
           (double)answers * INSTRUMENT_SECONDS_PER_ANSWER;
}
