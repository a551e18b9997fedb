/* jsonschema.c - the subset of JSON Schema the instrument format needs. */
#include "core/jsonschema.h"
#include "core/utf8.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

typedef struct check_ctx {
    json_t *root;   /* the whole schema, for $ref */
    json_t *errors; /* where violations go, or NULL to only count */
    size_t count;
} check_ctx;

static void report(check_ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(check_ctx *c, const char *path, const char *fmt, ...)
{
    c->count++;
    if (!c->errors) return;
    char msg[512], line[1600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s: %s", path, msg);
    utf8_scrub(line);
    json_array_append_new(c->errors, json_string(line));
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}

static int type_matches(const json_t *v, const char *type)
{
    const char *have = type_name(v);
    if (strcmp(type, have) == 0) return 1;
    if (strcmp(type, "number") == 0 && json_is_integer(v)) return 1;
    /* 2.0 is an integer for JSON Schema. */
    if (strcmp(type, "integer") == 0 && json_is_real(v)) {
        double d = json_real_value(v);
        return d == floor(d);
    }
    return 0;
}

static void check(check_ctx *c, json_t *schema, json_t *v, const char *path);

/* Runs a sub-check that only counts, for anyOf/oneOf/not/if. */
static int valid_quietly(check_ctx *c, json_t *schema, json_t *v, const char *path)
{
    check_ctx quiet = {c->root, NULL, 0};
    check(&quiet, schema, v, path);
    return quiet.count == 0;
}

static json_t *resolve_ref(check_ctx *c, const char *ref)
{
    const char *prefix = "#/$defs/";
    if (strncmp(ref, prefix, strlen(prefix)) != 0) return NULL;
    return json_object_get(json_object_get(c->root, "$defs"), ref + strlen(prefix));
}

static int pattern_matches(const char *pattern, const char *s, int *bad_pattern)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
        *bad_pattern = 1;
        return 0;
    }
    int ok = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

static void check_type(check_ctx *c, json_t *type, json_t *v, const char *path)
{
    if (json_is_string(type)) {
        if (!type_matches(v, json_string_value(type)))
            report(c, path, "expected %s, found %s", json_string_value(type), type_name(v));
        return;
    }
    size_t i;
    json_t *t;
    json_array_foreach(type, i, t) if (type_matches(v, json_string_value(t))) return;
    report(c, path, "has the wrong type (%s)", type_name(v));
}

static void check_object(check_ctx *c, json_t *schema, json_t *v, const char *path)
{
    json_t *props = json_object_get(schema, "properties");
    json_t *pattern_props = json_object_get(schema, "patternProperties");
    json_t *additional = json_object_get(schema, "additionalProperties");
    json_t *required = json_object_get(schema, "required");
    char sub[1024];
    size_t i;
    json_t *r;

    json_array_foreach(required, i, r)
    {
        if (!json_object_get(v, json_string_value(r)))
            report(c, path, "required property \"%s\" is missing", json_string_value(r));
    }
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        snprintf(sub, sizeof sub, "%s.%s", path, key);
        int matched = 0;
        json_t *ps = json_object_get(props, key);
        if (ps) {
            check(c, ps, val, sub);
            matched = 1;
        }
        const char *pat;
        json_t *pschema;
        json_object_foreach(pattern_props, pat, pschema)
        {
            int bad = 0;
            if (pattern_matches(pat, key, &bad)) {
                check(c, pschema, val, sub);
                matched = 1;
            }
        }
        if (matched || !additional) continue;
        if (json_is_false(additional))
            report(c, path, "unknown property \"%s\"", key);
        else if (json_is_object(additional))
            check(c, additional, val, sub);
    }
}

static void check_array(check_ctx *c, json_t *schema, json_t *v, const char *path)
{
    size_t n = json_array_size(v);
    json_t *min = json_object_get(schema, "minItems");
    json_t *max = json_object_get(schema, "maxItems");
    if (min && (json_int_t)n < json_integer_value(min))
        report(c, path, "needs at least %lld entries, has %zu", (long long)json_integer_value(min),
               n);
    if (max && (json_int_t)n > json_integer_value(max))
        report(c, path, "allows at most %lld entries, has %zu", (long long)json_integer_value(max),
               n);
    json_t *items = json_object_get(schema, "items");
    char sub[1024];
    for (size_t i = 0; i < n; i++) {
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        if (items) check(c, items, json_array_get(v, i), sub);
        if (json_is_true(json_object_get(schema, "uniqueItems")))
            for (size_t j = 0; j < i; j++)
                if (json_equal(json_array_get(v, i), json_array_get(v, j)))
                    report(c, sub, "repeats entry %zu", j);
    }
}

static void check_string(check_ctx *c, json_t *schema, json_t *v, const char *path)
{
    const char *s = json_string_value(v);
    size_t chars = utf8_length(s);
    json_t *min = json_object_get(schema, "minLength");
    json_t *max = json_object_get(schema, "maxLength");
    if (min && (json_int_t)chars < json_integer_value(min))
        report(c, path, "must be at least %lld characters", (long long)json_integer_value(min));
    if (max && (json_int_t)chars > json_integer_value(max))
        report(c, path, "must be at most %lld characters", (long long)json_integer_value(max));
    json_t *pattern = json_object_get(schema, "pattern");
    if (pattern) {
        int bad = 0;
        if (!pattern_matches(json_string_value(pattern), s, &bad))
            report(c, path, bad ? "schema pattern %s does not compile" : "\"%s\" does not match %s",
                   bad ? json_string_value(pattern) : s, json_string_value(pattern));
    }
}

static void check_number(check_ctx *c, json_t *schema, json_t *v, const char *path)
{
    double x = json_number_value(v);
    json_t *min = json_object_get(schema, "minimum");
    json_t *max = json_object_get(schema, "maximum");
    if (min && x < json_number_value(min))
        report(c, path, "must be at least %g", json_number_value(min));
    if (max && x > json_number_value(max))
        report(c, path, "must be at most %g", json_number_value(max));
}

static void check_combinators(check_ctx *c, json_t *schema, json_t *v, const char *path)
{
    size_t i;
    json_t *s;
    json_t *all = json_object_get(schema, "allOf");
    json_array_foreach(all, i, s) check(c, s, v, path);

    json_t *any = json_object_get(schema, "anyOf");
    if (any) {
        int ok = 0;
        json_array_foreach(any, i, s) ok |= valid_quietly(c, s, v, path);
        if (!ok) report(c, path, "matches none of the allowed forms");
    }
    json_t *one = json_object_get(schema, "oneOf");
    if (one) {
        int matches = 0;
        json_array_foreach(one, i, s) matches += valid_quietly(c, s, v, path);
        if (matches != 1)
            report(c, path, "must match exactly one allowed form, matches %d", matches);
    }
    json_t *not = json_object_get(schema, "not");
    if (not &&valid_quietly(c, not, v, path)) report(c, path, "has a form that is not allowed");

    json_t *cond = json_object_get(schema, "if");
    if (cond) {
        json_t *branch = json_object_get(schema, valid_quietly(c, cond, v, path) ? "then" : "else");
        if (branch) check(c, branch, v, path);
    }
}

static const char *const known_keywords[] = {"$schema",
                                             "$id",
                                             "$defs",
                                             "$ref",
                                             "$comment",
                                             "title",
                                             "description",
                                             "examples",
                                             "default",
                                             "type",
                                             "enum",
                                             "const",
                                             "properties",
                                             "required",
                                             "additionalProperties",
                                             "patternProperties",
                                             "items",
                                             "minItems",
                                             "maxItems",
                                             "uniqueItems",
                                             "minLength",
                                             "maxLength",
                                             "pattern",
                                             "minimum",
                                             "maximum",
                                             "anyOf",
                                             "oneOf",
                                             "allOf",
                                             "not",
                                             "if",
                                             "then",
                                             "else",
                                             NULL};

static void check(check_ctx *c, json_t *schema, json_t *v, const char *path)
{
    if (json_is_true(schema)) return;
    if (json_is_false(schema) || !json_is_object(schema)) {
        report(c, path, "is not allowed here");
        return;
    }
    const char *kw;
    json_t *unused;
    json_object_foreach(schema, kw, unused)
    {
        int known = 0;
        for (const char *const *k = known_keywords; *k && !known; k++)
            known = !strcmp(*k, kw);
        if (!known) report(c, path, "schema keyword \"%s\" is not supported by the checker", kw);
    }
    json_t *ref = json_object_get(schema, "$ref");
    if (ref) {
        json_t *target = resolve_ref(c, json_string_value(ref));
        if (!target)
            report(c, path, "schema reference %s cannot be resolved", json_string_value(ref));
        else
            check(c, target, v, path);
    }
    json_t *type = json_object_get(schema, "type");
    if (type) {
        size_t before = c->count;
        check_type(c, type, v, path);
        if (c->count != before) return; /* the rest would only repeat the type error */
    }
    json_t *en = json_object_get(schema, "enum");
    if (en) {
        size_t i;
        json_t *e;
        int found = 0;
        json_array_foreach(en, i, e) found |= json_equal(e, v);
        if (!found) {
            char *allowed = json_dumps(en, JSON_COMPACT);
            report(c, path, "must be one of %s", allowed ? allowed : "the listed values");
            free(allowed);
        }
    }
    json_t *cst = json_object_get(schema, "const");
    if (cst && !json_equal(cst, v)) report(c, path, "has a value that is not allowed");

    if (json_is_object(v)) check_object(c, schema, v, path);
    if (json_is_array(v)) check_array(c, schema, v, path);
    if (json_is_string(v)) check_string(c, schema, v, path);
    if (json_is_number(v)) check_number(c, schema, v, path);
    check_combinators(c, schema, v, path);
}

size_t jsonschema_check(json_t *schema, json_t *instance, json_t *errors)
{
    check_ctx c = {schema, errors, 0};
    check(&c, schema, instance, "$");
    return c.count;
}
