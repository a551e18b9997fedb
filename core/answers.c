/* answers.c - see answers.h. */
#include "core/answers.h"

#include "core/strbuf.h"
#include "core/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void problem(tm_error *err, const char *item, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(tm_error *err, const char *item, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tm_error_add_json(err, json_pack("{s:s, s:s}", "item", item, "error", msg));
}

static int is_dont_know(json_t *v)
{
    return json_is_string(v) && !strcmp(json_string_value(v), "dont_know");
}

/* Checks a whole number in [lo, hi]; 2.0 counts, 2.5 does not. */
static int whole_in(json_t *v, int lo, int hi, int *out)
{
    double d;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < lo || i > hi) return 0;
        *out = (int)i;
        return 1;
    }
    if (!json_is_real(v)) return 0;
    d = json_real_value(v);
    /* The range first: (int)d is undefined for a d outside int's range. */
    if (!(d >= lo && d <= hi) || d != (double)(int)d) return 0;
    *out = (int)d;
    return 1;
}

static void options_list(const tm_item *it, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < it->n_options; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s", i ? ", " : "", it->options[i].key);
    }
}

/* One value: fills *score or adds to extra; reports problems. */
static void check_value(const tm_item *it, json_t *v, answer_set *out, tm_error *err)
{
    int16_t *score = &out->scores[it->ordinal];
    char opts[512];
    if (is_dont_know(v)) {
        if (!it->dont_know)
            problem(err, it->key, "does not offer \"dont_know\" (weet niet)");
        else
            *score = SCORE_DONT_KNOW;
        return;
    }
    switch (it->type) {
    case ITEM_LIKERT:
    case ITEM_GRADE: {
        int lo = 1, hi = it->points, x;
        if (whole_in(v, lo, hi, &x))
            *score = (int16_t)x;
        else
            problem(err, it->key, "must be a whole number from %d to %d%s", lo, hi,
                    it->dont_know ? ", or \"dont_know\"" : "");
        return;
    }
    case ITEM_INTENT:
    case ITEM_CHOICE:
        if (it->multiple) {
            if (!json_is_array(v)) {
                options_list(it, opts, sizeof opts);
                problem(err, it->key, "must be a list of option keys (%s)", opts);
                return;
            }
            size_t i;
            json_t *o;
            json_array_foreach(v, i, o)
            {
                if (instrument_option_index(it, json_string_value(o)) < 0) {
                    options_list(it, opts, sizeof opts);
                    problem(err, it->key, "has an unknown option at position %zu (allowed: %s)",
                            i + 1, opts);
                    return;
                }
                for (size_t j = 0; j < i; j++)
                    if (json_equal(o, json_array_get(v, j))) {
                        problem(err, it->key, "names option \"%s\" twice", json_string_value(o));
                        return;
                    }
            }
            if (json_array_size(v) == 0) return; /* nothing picked = unanswered */
            if (!out->extra) out->extra = json_object();
            json_object_set(out->extra, it->key, v);
            return;
        }
        {
            int idx = instrument_option_index(it, json_string_value(v));
            if (idx < 0) {
                options_list(it, opts, sizeof opts);
                problem(err, it->key, "must be one of the option keys (%s)%s", opts,
                        it->dont_know ? " or \"dont_know\"" : "");
            } else {
                *score = (int16_t)(idx + 1);
            }
        }
        return;
    case ITEM_TEXT:
        if (!json_is_string(v)) {
            problem(err, it->key, "must be a text");
        } else if (utf8_length(json_string_value(v)) > (size_t)it->max_length) {
            problem(err, it->key, "is longer than %d characters", it->max_length);
        } else {
            /* An answer of only white space is no answer. */
            const char *s = json_string_value(v);
            if (s[strspn(s, " \t\r\n")] == '\0') return;
            if (!out->extra) out->extra = json_object();
            json_object_set(out->extra, it->key, v);
        }
        return;
    }
}

int answers_check(const instrument *in, int layer, json_t *answers, answers_mode mode,
                  answer_set *out, tm_error *err)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(answers))
        return tm_error_set(err, 422, "\"answers\" must be an object of item keys and values");
    if (layer < 0 || (size_t)layer >= in->n_layers) return tm_error_set(err, 422, "unknown layer");
    out->n = in->n_items;
    out->scores = calloc(in->n_items ? in->n_items : 1, sizeof *out->scores);
    if (!out->scores) return tm_error_set(err, 500, "out of memory checking answers");

    size_t before = tm_error_count(err);
    const char *key;
    json_t *v;
    json_object_foreach(answers, key, v)
    {
        const tm_item *it = instrument_item(in, key);
        if (!it) {
            problem(err, key, "is not an item of this survey");
            continue;
        }
        if (!instrument_item_asked(it, layer)) {
            problem(err, key, "is not asked to layer \"%s\"", in->layers[layer].key);
            continue;
        }
        if (json_is_null(v)) continue;
        check_value(it, v, out, err);
    }
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        int answered = out->scores[i] != SCORE_UNANSWERED ||
                       (out->extra && json_object_get(out->extra, it->key));
        out->answered += answered;
        if (mode == ANSWERS_SUBMIT && it->required && instrument_item_asked(it, layer) && !answered)
            problem(err, it->key, "is required");
    }
    size_t answered, needed, short_by = 0;
    if (mode == ANSWERS_SUBMIT &&
        (short_by = answers_core_count(in, layer, out->scores, &answered, &needed)) > 0)
        answers_too_few(err, answered, needed);
    size_t found = tm_error_count(err) - before;
    if (found > 0) {
        answers_free(out);
        if (found == 1 && short_by) return -1; /* answers_too_few's message says it all */
        return tm_error_set(err, 422, "%zu answer(s) cannot be accepted", found);
    }
    return 0;
}

size_t answers_core_count(const instrument *in, int layer, const int16_t *scores, size_t *answered,
                          size_t *needed)
{
    size_t asked = 0, got = 0;
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        if (!it->core || !instrument_item_scored(it) || !instrument_item_asked(it, layer)) continue;
        asked++;
        got += scores[i] != SCORE_UNANSWERED;
    }
    *answered = got;
    *needed = (asked + 1) / 2;
    return got < *needed ? *needed - got : 0;
}

int answers_too_few(tm_error *err, size_t answered, size_t needed)
{
    char msg[300];
    snprintf(msg, sizeof msg,
             "answers %zu of the questions that count; at least %zu are needed to send "
             "(%zu more; \"weet niet\" counts as an answer)",
             answered, needed, needed - answered);
    tm_error_add_json(err, json_pack("{s:s, s:I, s:I, s:I}", "error", msg, "answered",
                                     (json_int_t)answered, "needed", (json_int_t)needed, "missing",
                                     (json_int_t)(needed - answered)));
    return tm_error_set(err, 422, "%s", msg);
}

void answers_free(answer_set *a)
{
    if (!a) return;
    free(a->scores);
    json_decref(a->extra);
    memset(a, 0, sizeof *a);
}

json_t *answers_to_json(const instrument *in, const int16_t *scores, json_t *extra)
{
    json_t *o = json_object();
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        int16_t s = scores[i];
        if (s == SCORE_DONT_KNOW) {
            json_object_set_new(o, it->key, json_string("dont_know"));
        } else if (s > 0) {
            if (it->type == ITEM_LIKERT || it->type == ITEM_GRADE)
                json_object_set_new(o, it->key, json_integer(s));
            else if ((size_t)s <= it->n_options)
                json_object_set_new(o, it->key, json_string(it->options[s - 1].key));
        }
    }
    const char *key;
    json_t *v;
    json_object_foreach(extra, key, v) json_object_set(o, key, v);
    return o;
}

char *answers_scores_literal(const answer_set *a)
{
    strbuf sb = STRBUF_INIT(a->n * 7 + 2); /* at most "-32768," a score, and the braces */
    strbuf_grow(&sb, a->n * 3 + 2);        /* enough for the usual "-1," or "4," at once */
    strbuf_addch(&sb, '{');
    for (size_t i = 0; i < a->n; i++)
        strbuf_addf(&sb, "%s%d", i ? "," : "", a->scores[i]);
    strbuf_addch(&sb, '}');
    return strbuf_detach(&sb, NULL);
}

int answers_scores_parse(const char *text, int16_t *scores, size_t n)
{
    const char *p = text;
    if (*p++ != '{') return -1;
    for (size_t i = 0; i < n; i++) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < -32768 || v > 32767) return -1;
        scores[i] = (int16_t)v;
        p = end;
        if (*p == ',') p++;
    }
    return *p == '}' ? 0 : -1;
}
