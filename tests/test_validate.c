/* test_validate.c - the instrument validator: the shipped instrument passes,
 * and broken copies are refused with messages that name the file, the JSON
 * path and the problem. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/instrument.h"
#include "th.h"

#define INSTRUMENT "survey-defs/thermometer-sociaal-domein.json"

static json_t *load_shipped(void)
{
    json_error_t e;
    json_t *j = json_load_file(INSTRUMENT, 0, &e);
    cr_assert_not_null(j, "cannot read %s: %s", INSTRUMENT, e.text);
    return j;
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

Test(validate, shipped_instrument_is_valid_and_meets_the_content_rules)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(INSTRUMENT, &err);
    cr_assert_not_null(in, "%s", err.message);
    cr_expect_str_eq(in->key, "thermometer-sociaal-domein");
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

Test(validate, a_cell_asked_to_one_layer_cannot_measure_a_gap)
{
    json_t *def = load_shipped();
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
    cr_expect(strstr(out, "ok") != NULL, "%s", out);
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
