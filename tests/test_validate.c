/* test_validate.c - the instrument validator: the shipped instruments (v1
 * and v2) pass, and broken copies are refused with messages that name the
 * file, the JSON path and the problem; v2's limits each have a test that
 * breaks them and expects the exact message. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/instrument.h"
#include "th.h"

#define INSTRUMENT "survey-defs/thermometer-sociaal-domein.json" /* v2, the latest */
#define INSTRUMENT_V1 "survey-defs/thermometer-sociaal-domein-v1.json"

static json_t *load_def(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    cr_assert_not_null(j, "cannot read %s: %s", path, e.text);
    return j;
}

static json_t *load_shipped(void)
{
    return load_def(INSTRUMENT);
}

/* Writes def to a temporary file and returns its path (caller frees). */
static char *write_temp(json_t *def)
{
    char *path;
    cr_assert(asprintf(&path, "%s/instrument-%d.json",
                       getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp", (int)getpid()) > 0);
    cr_assert_eq(json_dump_file(def, path, JSON_INDENT(2)), 0);
    return path;
}

/* Loads the file and returns all problem lines joined (caller frees); NULL
 * when the file is valid. */
static char *problems_of(const char *path)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(path, &err);
    if (in) {
        instrument_free(in);
        return NULL;
    }
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    fprintf(f, "%s\n", err.message);
    size_t i;
    json_t *d;
    json_array_foreach(err.details, i, d) fprintf(f, "%s\n", json_string_value(d));
    fclose(f);
    tm_error_clear(&err);
    return out;
}

static json_t *item_by_key(json_t *def, const char *key)
{
    size_t i;
    json_t *it;
    json_array_foreach(
        json_object_get(def, "items"), i,
        it) if (!strcmp(json_string_value(json_object_get(it, "key")), key)) return it;
    return NULL;
}

static size_t first_of_type(json_t *def, const char *type)
{
    size_t i;
    json_t *it;
    json_array_foreach(
        json_object_get(def, "items"), i,
        it) if (!strcmp(json_string_value(json_object_get(it, "type")), type)) return i;
    cr_assert_fail("no %s item", type);
    return 0;
}

Test(validate, shipped_v1_is_valid_and_meets_the_v1_content_rules)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(INSTRUMENT_V1, &err);
    cr_assert_not_null(in, "%s", err.message);
    cr_expect_str_eq(in->key, "thermometer-sociaal-domein");
    cr_expect_str_eq(in->version, "1.0.0", "existing waves keep their instrument");
    cr_expect_eq(in->major, 1);
    cr_expect_null(instrument_rules(in));
    cr_expect_eq(instrument_item(in, "fin-eff-kn-1")->intended, INTENDED_TOP_LAYER,
                 "v1's top-layer is read as such (analysis treats it as local)");
    cr_assert_eq(in->n_layers, 5);
    const char *chain[] = {"bestuur", "management", "beleid", "uitvoering", "partners"};
    for (int i = 0; i < 5; i++)
        cr_expect_str_eq(in->layers[i].key, chain[i]);
    cr_expect_geq(in->n_items, 60);
    cr_expect_geq(in->n_themes, 5);
    cr_expect_eq(in->n_domains, 4);
    /* Every theme x domain cell: at least two likert items asked to all layers. */
    for (size_t t = 0; t < in->n_themes; t++)
        for (size_t d = 0; d < in->n_domains; d++) {
            int n = 0;
            for (size_t i = 0; i < in->n_items; i++) {
                const tm_item *it = &in->items[i];
                n += it->type == ITEM_LIKERT && it->theme == (int)t && it->domain == (int)d &&
                     it->layers == 0x1f;
            }
            cr_expect_geq(n, 2, "cell %s x %s has %d likert items for all layers",
                          in->themes[t].key, in->domains[d].key, n);
        }
    /* Every theme: at least two intent items with "weet niet". */
    for (size_t t = 0; t < in->n_themes; t++) {
        int n = 0;
        for (size_t i = 0; i < in->n_items; i++)
            n += in->items[i].type == ITEM_INTENT && in->items[i].theme == (int)t &&
                 in->items[i].dont_know && in->items[i].n_options >= 3;
        cr_expect_geq(n, 2, "theme %s has %d intent items", in->themes[t].key, n);
    }
    const tm_item *it = instrument_item(in, in->items[3].key);
    cr_expect_eq(it, &in->items[3]);
    cr_expect_null(instrument_item(in, "no-such-item"));
    cr_expect_eq(strlen(in->sha256), 64);
    instrument_free(in);
}

Test(validate, syntax_error_names_line_and_column)
{
    char *path;
    cr_assert(asprintf(&path, "%s/broken-%d.json",
                       getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp", (int)getpid()) > 0);
    FILE *f = fopen(path, "w");
    fputs("{\n  \"key\": \"x\",\n  \"version\": 1.0.0\n}\n", f);
    fclose(f);
    char *p = problems_of(path);
    cr_assert_not_null(p);
    cr_expect(strstr(p, path) != NULL, "names the file: %s", p);
    cr_expect(strstr(p, "line 3") != NULL, "names the line: %s", p);
    cr_expect(strstr(p, "column") != NULL, "names the column: %s", p);
    free(p);
    free(path);
}

Test(validate, schema_errors_name_the_json_path)
{
    json_t *def = load_shipped();
    json_object_del(def, "version");
    json_t *item = json_array_get(json_object_get(def, "items"), 2);
    json_object_set_new(item, "type", json_string("slider"));
    char *path = write_temp(def);
    char *p = problems_of(path);
    cr_assert_not_null(p);
    cr_expect(strstr(p, "$: required property \"version\" is missing") != NULL, "%s", p);
    cr_expect(strstr(p, "$.items[2].type: must be one of") != NULL, "%s", p);
    free(p);
    free(path);
    json_decref(def);
}

Test(validate, unknown_references_are_named)
{
    json_t *def = load_shipped();
    json_t *item = json_array_get(json_object_get(def, "items"), 0);
    json_object_set_new(item, "theme", json_string("armoede"));
    json_object_set_new(item, "layers", json_pack("[s]", "wethouders"));
    char *path = write_temp(def);
    char *p = problems_of(path);
    cr_assert_not_null(p);
    cr_expect(strstr(p, "$.items[0].theme: unknown theme \"armoede\"") != NULL, "%s", p);
    cr_expect(strstr(p, "$.items[0].layers[0]: unknown layer \"wethouders\"") != NULL, "%s", p);
    free(p);
    free(path);
    json_decref(def);
}

Test(validate, intended_must_be_an_option)
{
    json_t *def = load_shipped();
    size_t i = first_of_type(def, "intent");
    json_t *item = json_array_get(json_object_get(def, "items"), i);
    json_object_set_new(item, "intended", json_string("zz"));
    char *path = write_temp(def);
    char *p = problems_of(path);
    char expect[128];
    snprintf(expect, sizeof expect,
             "$.items[%zu].intended: \"zz\" is not one of the item's option keys", i);
    cr_assert_not_null(p);
    cr_expect(strstr(p, expect) != NULL, "%s", p);
    free(p);
    free(path);
    json_decref(def);
}

Test(validate, an_intent_needs_two_options)
{
    json_t *def = load_shipped();
    size_t i = first_of_type(def, "intent");
    json_t *item = json_array_get(json_object_get(def, "items"), i);
    json_t *opts = json_object_get(item, "options");
    json_object_set_new(item, "intended",
                        json_incref(json_object_get(json_array_get(opts, 0), "key")));
    while (json_array_size(opts) > 1)
        json_array_remove(opts, 1);
    char *path = write_temp(def);
    char *p = problems_of(path);
    char expect[128];
    snprintf(expect, sizeof expect, "$.items[%zu].options: needs at least 2 entries, has 1", i);
    cr_assert_not_null(p);
    cr_expect(strstr(p, expect) != NULL, "%s", p);
    free(p);
    free(path);
    json_decref(def);
}

Test(validate, duplicate_item_keys_are_refused)
{
    json_t *def = load_shipped();
    json_t *items = json_object_get(def, "items");
    json_t *first = json_array_get(items, 0);
    json_object_set(json_array_get(items, 5), "key", json_object_get(first, "key"));
    char *path = write_temp(def);
    char *p = problems_of(path);
    cr_assert_not_null(p);
    cr_expect(strstr(p, "$.items[5].key: key") != NULL && strstr(p, "is used twice") != NULL, "%s",
              p);
    free(p);
    free(path);
    json_decref(def);
}

Test(validate, v1_a_cell_asked_to_one_layer_cannot_measure_a_gap)
{
    json_t *def = load_def(INSTRUMENT_V1);
    /* Ask every scored item of eigen-kracht x effecten to bestuur only. */
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(def, "items"), i, it)
    {
        const char *t = json_string_value(json_object_get(it, "theme"));
        const char *d = json_string_value(json_object_get(it, "domain"));
        if (t && d && !strcmp(t, "eigen-kracht") && !strcmp(d, "effecten"))
            json_object_set_new(it, "layers", json_pack("[s]", "bestuur"));
    }
    char *path = write_temp(def);
    char *p = problems_of(path);
    cr_assert_not_null(p);
    cr_expect(strstr(p, "theme \"eigen-kracht\" x domain \"effecten\"") != NULL &&
                  strstr(p, "no gap can be measured") != NULL,
              "%s", p);
    free(p);
    free(path);
    json_decref(def);
}

Test(validate, likert_labels_must_match_the_points)
{
    json_t *def = load_shipped();
    size_t i = first_of_type(def, "likert");
    json_t *item = json_array_get(json_object_get(def, "items"), i);
    json_object_set_new(item, "points", json_integer(4));
    json_object_set_new(
        item, "labels",
        json_pack("{s:[s,s,s], s:[s,s,s,s]}", "nl", "a", "b", "c", "en", "a", "b", "c", "d"));
    char *path = write_temp(def);
    char *p = problems_of(path);
    char expect[128];
    snprintf(expect, sizeof expect, "$.items[%zu].labels.nl: has 3 labels for a 4-point scale", i);
    cr_assert_not_null(p);
    cr_expect(strstr(p, expect) != NULL, "%s", p);
    free(p);
    free(path);
    json_decref(def);
}

Test(validate, cli_exit_status_and_messages)
{
    char *out = NULL;
    cr_expect_eq(th_run("bin/thermometer validate " INSTRUMENT, &out), 0, "%s", out);
    cr_expect(strstr(out, "ok (thermometer-sociaal-domein 2.0.0") != NULL, "%s", out);
    free(out);
    cr_expect_eq(th_run("bin/thermometer validate " INSTRUMENT_V1, &out), 0, "%s", out);
    cr_expect(strstr(out, "ok (thermometer-sociaal-domein 1.0.0") != NULL, "%s", out);
    free(out);

    json_t *def = load_shipped();
    json_t *item = item_by_key(def, json_string_value(json_object_get(
                                        json_array_get(json_object_get(def, "items"), 1), "key")));
    json_object_set_new(item, "domain", json_string("wonen"));
    char *path = write_temp(def);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "bin/thermometer validate %s", path);
    cr_expect_eq(th_run(cmd, &out), 1);
    char expect[600];
    snprintf(expect, sizeof expect, "%s: $.items[1].domain: unknown domain \"wonen\"", path);
    cr_expect(strstr(out, expect) != NULL, "%s", out);
    free(out);
    free(path);
    json_decref(def);
}

/* The example in survey-defs/README.md is a valid instrument: documentation
 * that does not validate would teach the wrong format. */
Test(validate, the_readme_example_is_valid)
{
    FILE *f = fopen("survey-defs/README.md", "r");
    cr_assert_not_null(f);
    char *text = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&text, &cap, '\0', f);
    fclose(f);
    cr_assert_gt(n, 0);
    char *start = strstr(text, "```json\n");
    cr_assert_not_null(start, "the README has a JSON example");
    start += 8;
    char *end = strstr(start, "```");
    cr_assert_not_null(end);
    json_error_t e;
    json_t *def = json_loadb(start, (size_t)(end - start), 0, &e);
    cr_assert_not_null(def, "the example is not JSON: line %d: %s", e.line, e.text);
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load(def, &err);
    cr_expect_not_null(in, "%s %s", err.message,
                       err.details ? json_dumps(err.details, JSON_COMPACT) : "");
    cr_expect_eq(in ? in->n_items : 0, 3);
    instrument_free(in);
    tm_error_clear(&err);
    json_decref(def);
    free(text);
}

/* ---- format v2 ----------------------------------------------------------- */

static size_t index_of(json_t *def, const char *key)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(def, "items"), i, it)
    {
        if (!strcmp(json_string_value(json_object_get(it, "key")), key)) return i;
    }
    cr_assert_fail("no item %s", key);
    return 0;
}

/* The file made of def is refused, and one of its problem lines is exactly
 * "FILE: " followed by line. */
static void expect_problem(json_t *def, const char *line)
{
    char *path = write_temp(def);
    char *p = problems_of(path);
    char *want;
    cr_assert(asprintf(&want, "\n%s: %s\n", path, line) > 0);
    cr_expect(p && strstr(p, want), "expected the line\n%s: %s\ngot:\n%s", path, line,
              p ? p : "(valid)");
    free(want);
    free(p);
    free(path);
}

static void expect_valid(json_t *def)
{
    char *path = write_temp(def);
    char *p = problems_of(path);
    cr_expect_null(p, "expected valid, got:\n%s", p);
    free(p);
    free(path);
}

/* A text item asked of one layer, to make a layer's form longer. */
static void add_text_item(json_t *def, const char *key, const char *layer)
{
    json_array_append_new(json_object_get(def, "items"),
                          json_pack("{s:s, s:s, s:s, s:[s], s:{s:s, s:s}}", "key", key, "type",
                                    "text", "domain", "dienstverlening", "layers", layer, "text",
                                    "nl", "Nog een vraag?", "en", "One more question?"));
}

static int has_word(const char *text, const char *word)
{
    char *copy = strdup(text);
    int found = 0;
    for (char *tok = strtok(copy, " ,.;:?!()\"'"); tok && !found;
         tok = strtok(NULL, " ,.;:?!()\"'"))
        found = !strcasecmp(tok, word);
    free(copy);
    return found;
}

Test(validate, shipped_v2_meets_the_v2_content_rules)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(INSTRUMENT, &err);
    cr_assert_not_null(in, "%s", err.message);
    cr_expect_str_eq(in->key, "thermometer-sociaal-domein", "the same key as v1: a new version");
    cr_expect_str_eq(in->version, "2.0.0");
    cr_expect_eq(in->major, 2);
    cr_assert_eq(in->n_layers, 5);
    cr_expect_str_eq(in->layers[0].key, "bestuur");
    cr_expect_geq(instrument_theme_index(in, "ruimte-en-regels"), 0);

    for (int l = 0; l < 5; l++)
        cr_expect_leq(instrument_layer_items(in, l), l == 0 ? 25 : 45, "layer %s",
                      in->layers[l].key);

    size_t likert = 0, reverse = 0, fixed = 0, local = 0;
    const char *negations[] = {"niet", "geen", "nooit"};
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        if (it->type == ITEM_LIKERT) {
            likert++;
            reverse += it->reverse;
        }
        /* Reverse-worded the natural way, never by a negation. */
        for (int l = -1; it->reverse && l < 5; l++)
            for (int n = 0; n < 3; n++)
                cr_expect(!has_word(instrument_item_text(in, it, l, "nl"), negations[n]),
                          "%s: \"%s\"", it->key, instrument_item_text(in, it, l, "nl"));
        if (it->type == ITEM_GRADE) cr_expect(it->dont_know, "%s offers weet niet", it->key);
        if (it->type != ITEM_INTENT) continue;
        cr_expect(it->dont_know, "%s offers weet niet", it->key);
        cr_expect_geq(it->n_options, 4, "%s: four plausible options", it->key);
        cr_expect_neq(it->intended, INTENDED_TOP_LAYER);
        if (it->intended == INTENDED_LOCAL) {
            local++;
            cr_expect_null(it->law.nl);
            continue;
        }
        fixed++;
        cr_expect(it->law.nl && it->law.en, "%s names its legal basis", it->key);
        cr_expect(it->help.nl && !strncmp(it->help.nl, "Deze vraag gaat over de wet.", 28),
                  "%s says it is about the law: %s", it->key, it->help.nl);
    }
    cr_expect_geq(reverse * 4, likert, "%zu of %zu likert items reverse-worded", reverse, likert);
    cr_expect_leq(fixed, 4);
    cr_expect_gt(local, fixed, "most intent items are local");

    /* Bestuur reads and hears; it has no "werk" or team of its own here. */
    const char *not_bestuur[] = {"mijn werk", "vakgebied", "ik zie", "mijn team",
                                 "mijn leidinggevende"};
    for (size_t i = 0; i < in->n_items; i++) {
        if (!tm_item_asked(&in->items[i], 0)) continue;
        char *t = strdup(instrument_item_text(in, &in->items[i], 0, "nl"));
        for (char *c = t; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        for (int w = 0; w < 5; w++)
            cr_expect(!strstr(t, not_bestuur[w]), "%s for bestuur: %s", in->items[i].key, t);
        free(t);
    }

    const tm_rules *rules = instrument_rules(in);
    cr_assert_not_null(rules);
    cr_expect_eq(rules->min, 5);
    cr_expect_eq(rules->max, 12);
    const char *labels[] = {"Helpt", "Maakt niet uit", "Belemmert", "Ken ik niet"};
    const char *keys[] = {"helpt", "neutraal", "belemmert", "onbekend"};
    for (int a = 0; a < RULE_ANSWERS; a++) {
        cr_expect_str_eq(rules->scale[a].key, keys[a]);
        cr_expect_str_eq(rules->scale[a].label.nl, labels[a]);
    }
    cr_expect_eq(rules->after, instrument_item(in, "zd-opd-kn-1"));
    instrument_free(in);
}

Test(validate, item_text_per_layer)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(INSTRUMENT, &err);
    cr_assert_not_null(in, "%s", err.message);
    const tm_item *it = instrument_item(in, "rr-bel-4");
    int partners = instrument_layer_index(in, "partners");
    int uitvoering = instrument_layer_index(in, "uitvoering");
    cr_expect_str_eq(instrument_item_text(in, it, partners, "nl"),
                     "Wij als partner horen pas van een beleidswijziging als die al besloten is.");
    cr_expect_str_eq(instrument_item_text(in, it, partners, "en"),
                     "We as a partner only hear about a policy change once it has already been "
                     "decided.");
    cr_expect_str_eq(instrument_item_text(in, it, uitvoering, "nl"), it->text.nl);
    cr_expect_str_eq(instrument_item_text(in, it, -1, "nl"), it->text.nl);
    it = instrument_item(in, "ek-eff-1");
    cr_expect_null(it->layer_text);
    cr_expect_str_eq(instrument_item_text(in, it, 0, "en"), it->text.en);
    instrument_free(in);
}

Test(validate, v2_a_layer_gets_at_most_45_items)
{
    json_t *def = load_shipped();
    char key[32];
    for (int k = 0; k < 4; k++) /* uitvoering: 41 + 4 = 45, the limit */
        add_text_item(def, (snprintf(key, sizeof key, "extra-%d", k), key), "uitvoering");
    expect_valid(def);
    add_text_item(def, "extra-4", "uitvoering");
    expect_problem(def, "$.items: layer \"uitvoering\" is asked 46 items; a v2 instrument asks "
                        "any layer at most 45");
    json_decref(def);
}

Test(validate, v2_the_first_layer_gets_at_most_25_items)
{
    json_t *def = load_shipped();
    add_text_item(def, "extra-bestuur", "bestuur"); /* 25 + 1 */
    expect_problem(def, "$.items: layer \"bestuur\" (the first of the chain) is asked 26 items; "
                        "a v2 instrument asks it at most 25");
    json_decref(def);
}

Test(validate, v2_a_quarter_of_the_likert_items_is_reverse_worded)
{
    json_t *def = load_shipped();
    size_t i, likert = 0, reverse = 0;
    json_t *it;
    json_array_foreach(json_object_get(def, "items"), i, it)
    {
        likert += !strcmp(json_string_value(json_object_get(it, "type")), "likert");
        reverse += json_is_true(json_object_get(it, "reverse"));
    }
    cr_assert_eq(likert, 33);
    cr_assert_eq(reverse, 13);
    /* Straighten reverse items until 9 are left: ceil(33 / 4), still enough. */
    json_array_foreach(json_object_get(def, "items"), i, it)
    {
        if (reverse > 9 && json_is_true(json_object_get(it, "reverse"))) {
            json_object_del(it, "reverse");
            reverse--;
        }
    }
    expect_valid(def);
    json_array_foreach(json_object_get(def, "items"), i, it)
    {
        if (reverse > 8 && json_is_true(json_object_get(it, "reverse"))) {
            json_object_del(it, "reverse");
            reverse--;
        }
    }
    expect_problem(def, "$.items: 8 of 33 likert items are reverse-worded (\"reverse\": true); a "
                        "v2 instrument needs at least a quarter: 9");
    json_decref(def);
}

static void make_law_anchor(json_t *def, const char *key)
{
    json_t *it = json_array_get(json_object_get(def, "items"), index_of(def, key));
    json_object_set(it, "intended",
                    json_object_get(json_array_get(json_object_get(it, "options"), 0), "key"));
    json_object_set_new(it, "law", json_pack("{s:s, s:s}", "nl", "Wet X, art. 1", "en", "Act X"));
}

Test(validate, v2_at_most_four_law_anchors)
{
    json_t *def = load_shipped(); /* three anchors */
    make_law_anchor(def, "fin-eff-kn-1");
    expect_valid(def);
    make_law_anchor(def, "bi-eff-kn-1");
    expect_problem(def, "$.items: 5 intent items have a fixed key; a v2 instrument has at most 4 "
                        "law anchors: make the others \"intended\": \"local\"");
    json_decref(def);
}

Test(validate, v2_a_law_anchor_names_its_legal_basis)
{
    json_t *def = load_shipped();
    size_t i = index_of(def, "ek-dv-kn-1");
    json_object_del(json_array_get(json_object_get(def, "items"), i), "law");
    char line[300];
    snprintf(line, sizeof line,
             "$.items[%zu]: an intent with a fixed key is a law anchor in a v2 instrument: give "
             "its legal basis in \"law\" {nl, en}, or make it \"intended\": \"local\"",
             i);
    expect_problem(def, line);
    json_decref(def);

    /* v1 has fixed keys without a legal basis, and still loads. */
    def = load_def(INSTRUMENT_V1);
    expect_valid(def);
    json_decref(def);
}

Test(validate, law_belongs_to_an_intent_with_a_fixed_key)
{
    json_t *def = load_shipped();
    size_t local = index_of(def, "int-opd-kn-1"), likert = index_of(def, "ek-eff-1");
    json_t *law = json_pack("{s:s, s:s}", "nl", "Wmo 2015", "en", "Wmo 2015");
    json_object_set(json_array_get(json_object_get(def, "items"), local), "law", law);
    json_object_set(json_array_get(json_object_get(def, "items"), likert), "law", law);
    json_decref(law);
    char line[300];
    snprintf(line, sizeof line,
             "$.items[%zu].law: a \"local\" intent has no legal basis: \"law\" belongs to an "
             "intent whose \"intended\" names an option",
             local);
    expect_problem(def, line);
    snprintf(line, sizeof line,
             "$.items[%zu].law: only an intent item with a fixed key has a legal basis", likert);
    expect_problem(def, line);
    json_decref(def);
}

Test(validate, v2_every_intent_offers_weet_niet)
{
    json_t *def = load_shipped();
    size_t i = index_of(def, "int-opd-kn-1");
    json_object_set_new(json_array_get(json_object_get(def, "items"), i), "dont_know",
                        json_false());
    char line[200];
    snprintf(line, sizeof line,
             "$.items[%zu].dont_know: every intent item of a v2 instrument offers \"weet niet\"",
             i);
    expect_problem(def, line);
    json_decref(def);
}

Test(validate, v2_a_grade_item_offers_weet_niet)
{
    json_t *def = load_shipped();
    size_t i = index_of(def, "fin-dv-2"); /* a core likert item without reverse */
    json_t *it = json_array_get(json_object_get(def, "items"), i);
    json_object_set_new(it, "type", json_string("grade"));
    char line[200];
    snprintf(line, sizeof line,
             "$.items[%zu]: a grade item of a v2 instrument offers \"weet niet\": set "
             "\"dont_know\": true",
             i);
    expect_problem(def, line);
    json_object_set_new(it, "dont_know", json_true());
    expect_valid(def);
    json_decref(def);
}

Test(validate, v2_top_layer_is_v1_only)
{
    json_t *def = load_shipped();
    size_t i = index_of(def, "fin-eff-kn-1");
    json_object_set_new(json_array_get(json_object_get(def, "items"), i), "intended",
                        json_string("top-layer"));
    char line[200];
    snprintf(line, sizeof line,
             "$.items[%zu].intended: \"top-layer\" is v1 only (method v2 dropped it): use "
             "\"local\" or an option key",
             i);
    expect_problem(def, line);
    json_decref(def);
}

Test(validate, the_rules_scale_is_helpt_neutraal_belemmert_onbekend)
{
    json_t *def = load_shipped();
    json_t *scale = json_object_get(json_object_get(def, "rules"), "scale");
    json_t *second = json_incref(json_array_get(scale, 1));
    json_array_remove(scale, 1);
    json_array_insert_new(scale, 2, second);
    expect_problem(def, "$.rules.scale: must be exactly the answers helpt, neutraal, belemmert, "
                        "onbekend, in that order (the analysis counts them by key); found helpt, "
                        "belemmert, neutraal, onbekend");
    json_decref(def);

    def = load_shipped();
    scale = json_object_get(json_object_get(def, "rules"), "scale");
    json_array_remove(scale, 3);
    expect_problem(def, "$.rules.scale: must be exactly the answers helpt, neutraal, belemmert, "
                        "onbekend, in that order (the analysis counts them by key); found helpt, "
                        "neutraal, belemmert");
    json_object_set_new(json_array_get(scale, 0), "key", json_string("helpend"));
    json_array_append_new(scale, json_pack("{s:s, s:{s:s, s:s}}", "key", "onbekend", "label", "nl",
                                           "Ken ik niet", "en", "Unknown"));
    expect_problem(def, "$.rules.scale: must be exactly the answers helpt, neutraal, belemmert, "
                        "onbekend, in that order (the analysis counts them by key); found "
                        "helpend, neutraal, belemmert, onbekend");
    json_decref(def);
}

Test(validate, the_rules_block_has_a_range_and_a_place)
{
    json_t *def = load_shipped();
    json_t *rules = json_object_get(def, "rules");
    json_object_set_new(rules, "min", json_integer(8));
    json_object_set_new(rules, "max", json_integer(6));
    json_object_set_new(rules, "after", json_string("geen-item"));
    expect_problem(def,
                   "$.rules.max: is below \"min\": a wave could list no valid number of rules");
    expect_problem(def, "$.rules.after: unknown item \"geen-item\"");
    json_object_set_new(rules, "after", json_string("achtergrond-jaren"));
    expect_problem(def, "$.rules.after: item \"achtergrond-jaren\" has no domain (a background "
                        "item): the rules block stands among the questions of a domain");
    json_object_set_new(rules, "min", json_integer(5));
    json_object_del(rules, "after");
    expect_valid(def);
    /* 8.0 is an integer too, and compared as a number. */
    json_object_set_new(rules, "min", json_real(8.0));
    json_object_set_new(rules, "max", json_real(6.0));
    expect_problem(def,
                   "$.rules.max: is below \"min\": a wave could list no valid number of rules");
    json_decref(def);
}

Test(validate, layer_text_names_a_layer_that_is_asked)
{
    json_t *def = load_shipped();
    size_t bestuur_only = index_of(def, "rr-bel-2"), core = index_of(def, "ek-eff-1");
    json_t *text = json_pack("{s:s, s:s}", "nl", "Wij ...", "en", "We ...");
    json_object_set_new(json_array_get(json_object_get(def, "items"), bestuur_only), "layer_text",
                        json_pack("{s:O}", "partners", text));
    json_object_set_new(json_array_get(json_object_get(def, "items"), core), "layer_text",
                        json_pack("{s:O}", "raad", text));
    json_decref(text);
    char line[200];
    snprintf(line, sizeof line,
             "$.items[%zu].layer_text.partners: layer \"partners\" is not asked this item (see "
             "its \"layers\")",
             bestuur_only);
    expect_problem(def, line);
    snprintf(line, sizeof line, "$.items[%zu].layer_text.raad: unknown layer \"raad\"", core);
    expect_problem(def, line);
    json_decref(def);
}

static void ask_all_but_partners(json_t *def, const char *key)
{
    json_object_set_new(json_array_get(json_object_get(def, "items"), index_of(def, key)), "layers",
                        json_pack("[s,s,s,s]", "bestuur", "management", "beleid", "uitvoering"));
}

Test(validate, v2_every_theme_and_domain_has_two_core_score_items)
{
    json_t *def = load_shipped();
    ask_all_but_partners(def, "ek-eff-1"); /* eigen-kracht keeps ek-dv-3 only */
    expect_problem(def, "$.items: theme \"eigen-kracht\" has 1 core likert/grade item(s); a v2 "
                        "instrument needs at least 2 per theme, asked of every layer, for a "
                        "score that compares the layers on the same questions");
    json_decref(def);

    def = load_shipped();
    ask_all_but_partners(def, "rr-opd-1"); /* opdrachten keeps bi-opd-3 only */
    ask_all_but_partners(def, "rr-opd-2");
    expect_problem(def, "$.items: domain \"opdrachten\" has 1 core likert/grade item(s); a v2 "
                        "instrument needs at least 2 per domain, asked of every layer, for a "
                        "score that compares the layers on the same questions");
    json_decref(def);

    /* Module items asked of one layer are fine in v2: reported per item. */
    def = load_shipped();
    json_object_set_new(json_array_get(json_object_get(def, "items"), index_of(def, "rr-bel-7")),
                        "layers", json_pack("[s]", "uitvoering"));
    expect_valid(def);
    json_decref(def);
}
