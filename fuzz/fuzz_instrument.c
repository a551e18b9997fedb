/* fuzz_instrument.c - libFuzzer target: the instrument definition (JSON text):
 * instrument_check, instrument_load and what a loaded instrument must allow.
 * The work and the checks are in fuzz_instrument_one (entries.c), which the
 * replay test tests/test_fuzz_regressions.c calls too. Built and run by
 * fuzz/run.sh.
 *
 * Byte-level mutations seldom keep an instrument well-formed JSON, let alone
 * schema-valid, so half of the mutations here work on the parsed document:
 * one value is turned from integer to real or back, replaced by a telling
 * string, a long or non-ASCII string, a scalar or a copy of another value,
 * removed or duplicated, or an object key is renamed. The rest are
 * libFuzzer's own.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_instrument_one(data, size);
}

static uint32_t rng;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return n ? rng % n : 0;
}

/* Strings and keys an instrument's meaning turns on. */
static const char *const words[] = {"lang",
                                    "action",
                                    "top-layer",
                                    "local",
                                    "law",
                                    "layer_text",
                                    "rules",
                                    "after",
                                    "scale",
                                    "helpt",
                                    "onbekend",
                                    "2.0.0",
                                    "reverse",
                                    "dont_know",
                                    "a",
                                    "b",
                                    "x",
                                    "",
                                    "5",
                                    "-",
                                    "key",
                                    "type",
                                    "likert",
                                    "grade",
                                    "intent",
                                    "choice",
                                    "text",
                                    "theme",
                                    "domain",
                                    "layers",
                                    "points",
                                    "labels",
                                    "options",
                                    "intended",
                                    "multiple",
                                    "required",
                                    "background",
                                    "max_length",
                                    "scale_labels",
                                    "bands",
                                    "goed",
                                    "aandacht",
                                    "nl",
                                    "en",
                                    "label",
                                    "description",
                                    "help",
                                    "ek-eff-1",
                                    "bestuur",
                                    "\xC3\xA9",
                                    "<b>&amp;\"'"};
#define N_WORDS (sizeof words / sizeof *words)

typedef struct spot {
    json_t *node, *parent;
    char key[256]; /* when parent is an object */
    size_t index;  /* when parent is an array */
} spot;

/* The target-th value of v in pre-order (v itself is 0); counts them all. */
static void walk(json_t *v, json_t *parent, const char *key, size_t index, size_t *count,
                 size_t target, spot *out)
{
    if (*count == target) {
        out->node = v;
        out->parent = parent;
        snprintf(out->key, sizeof out->key, "%s", key ? key : "");
        out->index = index;
    }
    ++*count;
    const char *k;
    json_t *x;
    size_t i;
    if (json_is_object(v)) json_object_foreach(v, k, x) walk(x, v, k, 0, count, target, out);
    if (json_is_array(v)) json_array_foreach(v, i, x) walk(x, v, NULL, i, count, target, out);
}

static spot pick(json_t *doc, size_t n)
{
    spot s = {0};
    size_t count = 0;
    walk(doc, NULL, NULL, 0, &count, rnd((uint32_t)n), &s);
    return s;
}

static void put(spot *s, json_t *v)
{
    if (!v) return;
    if (json_is_object(s->parent))
        json_object_set_new(s->parent, s->key, v);
    else if (json_is_array(s->parent))
        json_array_set_new(s->parent, s->index, v);
    else
        json_decref(v);
}

static json_t *long_string(const char *base)
{
    size_t reps = 1 + rnd(700), n = strlen(base);
    char *s = malloc(n + 2 * reps + 2);
    if (!s) return NULL;
    size_t len = 0;
    if (rnd(2)) s[len++] = 'a'; /* shifts where a cut falls */
    memcpy(s + len, base, n);
    len += n;
    for (size_t i = 0; i < reps; i++, len += 2)
        memcpy(s + len, "\xC3\xA9", 2);
    s[len] = '\0';
    json_t *v = json_string(s);
    free(s);
    return v;
}

static void mutate(json_t *doc)
{
    size_t n = 0;
    spot dummy = {0};
    walk(doc, NULL, NULL, 0, &n, (size_t)-1, &dummy);
    spot s = pick(doc, n);
    if (!s.node) return;
    json_t *v = s.node;
    switch (rnd(9)) {
    case 0: /* 5 <-> 5.0 */
        if (json_is_integer(v))
            put(&s, json_real((double)json_integer_value(v)));
        else if (json_is_real(v) && json_real_value(v) > -1e15 && json_real_value(v) < 1e15)
            put(&s, json_integer((json_int_t)json_real_value(v)));
        else
            put(&s, json_real(rnd(2) ? 5.0 : 2.5));
        break;
    case 1:
        put(&s, json_string(words[rnd(N_WORDS)]));
        break;
    case 2:
        put(&s, long_string(json_is_string(v) ? json_string_value(v) : ""));
        break;
    case 3: { /* a copy of another value */
        spot o = pick(doc, n);
        if (o.node && o.node != doc) put(&s, json_deep_copy(o.node));
        break;
    }
    case 4: /* remove */
        if (json_is_object(s.parent))
            json_object_del(s.parent, s.key);
        else if (json_is_array(s.parent))
            json_array_remove(s.parent, s.index);
        break;
    case 5: /* duplicate in its array */
        if (json_is_array(s.parent)) json_array_append_new(s.parent, json_deep_copy(v));
        break;
    case 6: {
        static const char *const scalars[] = {"null", "true",  "false", "0",
                                              "-1",   "1",     "11",    "12",
                                              "4001", "1e300", "2.5",   "9223372036854775807"};
        put(&s, json_loads(scalars[rnd(sizeof scalars / sizeof *scalars)], JSON_DECODE_ANY, NULL));
        break;
    }
    case 7: /* rename a key */
        if (json_is_object(s.parent)) {
            json_t *keep = json_incref(v);
            json_object_del(s.parent, s.key);
            json_object_set_new(s.parent, words[rnd(N_WORDS)], keep);
        }
        break;
    default: /* a number nudged */
        if (json_is_integer(v) && json_integer_value(v) > -1000000 &&
            json_integer_value(v) < 1000000)
            put(&s, json_integer(json_integer_value(v) + (int)rnd(5) - 2));
        break;
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    rng = seed ? seed : 1;
    if (rnd(2)) return LLVMFuzzerMutate(data, size, max_size);
    json_t *doc = json_loadb((const char *)data, size, 0, NULL);
    if (!doc) return LLVMFuzzerMutate(data, size, max_size);
    for (uint32_t k = 1 + rnd(3); k > 0; k--)
        mutate(doc);
    char *text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(doc);
    size_t len = text ? strlen(text) : 0;
    if (!text || len > max_size) {
        free(text);
        return LLVMFuzzerMutate(data, size, max_size);
    }
    memcpy(data, text, len);
    free(text);
    return len;
}
