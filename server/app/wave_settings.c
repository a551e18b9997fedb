/* wave_settings.c - see wave_settings.h. */
#include "server/app/wave_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "server/store/waves.h"

static void field_problem(tm_error *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void field_problem(tm_error *err, const char *field, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tm_error_add_json(err, json_pack("{s:s, s:s}", "field", field, "error", msg));
}

/* The option keys of it as "a, b, c" into out. */
static void option_list(const tm_item *it, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t o = 0; o < it->n_options && len < n; o++)
        len += (size_t)snprintf(out + len, n - len, "%s%s", o ? ", " : "", it->options[o].key);
}

size_t wave_settings_check_intended(const instrument *in, json_t *body, tm_error *err)
{
    if (!json_is_object(body)) {
        field_problem(err, "intended",
                      "must be an object of knowledge question keys and option keys, such as "
                      "{\"fin-eff-kn-1\": \"preventie\"}");
        tm_error_set(err, 422, "the intent keys cannot be set");
        return 1;
    }
    size_t found = 0;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        const tm_item *it = instrument_item(in, key);
        char options[512];
        found++;
        if (!it)
            field_problem(err, key, "is not an item of instrument %s@%s", in->key, in->version);
        else if (it->type != ITEM_INTENT)
            field_problem(err, key,
                          "is not a knowledge question (an intent item): only those have a key");
        else if (it->intended >= 0)
            field_problem(err, key,
                          "has its key fixed by the instrument (%s, \"%s\"%s%s): a wave cannot "
                          "change it",
                          it->law.nl ? "a law anchor" : "a fixed key",
                          it->options[it->intended].key, it->law.nl ? ": " : "",
                          it->law.nl ? it->law.nl : "");
        else if (!json_is_string(v) || instrument_option_index(it, json_string_value(v)) < 0) {
            option_list(it, options, sizeof options);
            field_problem(err, key, "must be one of its options: %s", options);
        } else
            found--;
    }
    if (found) tm_error_set(err, 422, "the intent keys cannot be set: %zu problem(s)", found);
    return found;
}

/* Whether s is a rule key: [a-z0-9-]{1,WAVE_RULE_KEY_MAX}. */
static int rule_key_ok(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");
    return n >= 1 && n <= WAVE_RULE_KEY_MAX && s[n] == '\0';
}

/* One text field of rule i: required (or optional) and of the right length. */
static size_t check_rule_text(json_t *rule, size_t i, const char *name, int required, tm_error *err)
{
    json_t *t = json_object_get(rule, name);
    char field[48];
    snprintf(field, sizeof field, "rules[%zu].%s", i, name);
    if (!t || json_is_null(t)) {
        if (!required) return 0;
        field_problem(err, field, "is required: the rule as respondents will read it");
        return 1;
    }
    size_t len = json_is_string(t) ? utf8_length(json_string_value(t)) : 0;
    if (!json_is_string(t) || len < WAVE_RULE_TEXT_MIN || len > WAVE_RULE_TEXT_MAX) {
        field_problem(err, field, "must be a text of %d to %d characters (it has %zu)",
                      WAVE_RULE_TEXT_MIN, WAVE_RULE_TEXT_MAX, len);
        return 1;
    }
    return 0;
}

size_t wave_settings_check_rules(const instrument *in, json_t *body, tm_error *err)
{
    const tm_rules *r = instrument_rules(in);
    size_t found = 0, n = json_array_size(body);
    if (!json_is_array(body)) {
        field_problem(err, "rules", "must be a list of rules [{\"key\", \"text\"}, ...]");
        found++;
    } else if (!r && n) {
        field_problem(err, "rules", "instrument %s@%s has no rules block: a wave of it lists none",
                      in->key, in->version);
        found++;
    } else if (r && n && (n < (size_t)r->min || n > (size_t)r->max)) {
        field_problem(err, "rules", "must list %d to %d rules (it lists %zu), or none", r->min,
                      r->max, n);
        found++;
    }
    for (size_t i = 0; json_is_array(body) && i < n; i++) {
        json_t *rule = json_array_get(body, i);
        char field[64];
        snprintf(field, sizeof field, "rules[%zu]", i);
        if (!json_is_object(rule)) {
            field_problem(err, field, "must be an object {\"key\", \"text\", \"text_en\"}");
            found++;
            continue;
        }
        const char *key = json_string_value(json_object_get(rule, "key"));
        snprintf(field, sizeof field, "rules[%zu].key", i);
        if (!key || !rule_key_ok(key)) {
            field_problem(err, field,
                          "must be 1 to %d lowercase letters, digits or hyphens, such as "
                          "\"hh-uren\"",
                          WAVE_RULE_KEY_MAX);
            found++;
        } else {
            for (size_t j = 0; j < i; j++)
                if (!strcmp(key, json_string_value(json_object_get(json_array_get(body, j), "key"))
                                     ?: "")) {
                    field_problem(err, field,
                                  "\"%s\" is also the key of rules[%zu]: keys must be unique", key,
                                  j);
                    found++;
                    break;
                }
        }
        found += check_rule_text(rule, i, "text", 1, err);
        found += check_rule_text(rule, i, "text_en", 0, err);
        const char *k;
        json_t *v;
        json_object_foreach(rule, k, v)
        {
            if (!strcmp(k, "key") || !strcmp(k, "text") || !strcmp(k, "text_en")) continue;
            snprintf(field, sizeof field, "rules[%zu].%.20s", i, k);
            field_problem(err, field, "is not a field of a rule (key, text, text_en)");
            found++;
        }
    }
    if (found) tm_error_set(err, 422, "the rules cannot be set: %zu problem(s)", found);
    return found;
}

/* The stored form of body: only the fields a rule has, in a fixed order. */
static char *rules_text(json_t *body)
{
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(body, i, r)
    {
        json_t *o = json_pack("{s:O, s:O}", "key", json_object_get(r, "key"), "text",
                              json_object_get(r, "text"));
        json_t *en = json_object_get(r, "text_en");
        if (json_is_string(en)) json_object_set(o, "text_en", en);
        json_array_append_new(out, o);
    }
    char *s = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    return s;
}

static json_t *put_setting(app *a, PGconn *c, const wave_info *w, json_t *body, int rules,
                           tm_error *err)
{
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    if (!in) return NULL;
    if ((rules ? wave_settings_check_rules(in, body, err)
               : wave_settings_check_intended(in, body, err)) > 0)
        return NULL;
    char *text = rules ? rules_text(body) : json_dumps(body, JSON_COMPACT);
    if (!text) {
        tm_error_set(err, 500, "out of memory storing the wave's settings");
        return NULL;
    }
    int rc = store_waves_set_setting(c, w->id, rules, text, err);
    free(text);
    return rc == 0 ? store_waves_json(c, w->id, err) : NULL;
}

json_t *wave_settings_put_intended(app *a, PGconn *c, const wave_info *w, json_t *body,
                                   tm_error *err)
{
    return put_setting(a, c, w, body, 0, err);
}

json_t *wave_settings_put_rules(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err)
{
    return put_setting(a, c, w, body, 1, err);
}

json_t *wave_settings_missing(const instrument *in, json_t *intended)
{
    json_t *missing = json_array();
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        if (it->type == ITEM_INTENT && it->intended == INTENDED_LOCAL &&
            !json_is_string(json_object_get(intended, it->key)))
            json_array_append_new(missing, json_string(it->key));
    }
    return missing;
}

int wave_settings_open_check(app *a, PGconn *c, const wave_info *w, tm_error *err)
{
    const instrument *in = app_instrument(a, c, w->instrument_id, err);
    if (!in) return -1;
    json_t *intended, *rules;
    if (store_waves_settings(c, w->id, 1, &intended, &rules, err) != 0) return -1;
    json_t *missing = wave_settings_missing(in, intended);
    json_decref(intended);
    json_decref(rules);
    size_t n = json_array_size(missing);
    if (!n) {
        json_decref(missing);
        return 0;
    }
    char list[400] = "";
    size_t len = 0, i;
    json_t *k;
    json_array_foreach(missing, i, k)
    {
        if (len < sizeof list)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                    json_string_value(k));
        tm_error_add_json(err, json_pack("{s:O, s:s}", "field", k, "error",
                                         "has no key yet: set it with PUT "
                                         "/api/v1/waves/{id}/intended before the wave opens"));
    }
    json_decref(missing);
    return tm_error_set(err, 409,
                        "wave %lld cannot open: %zu knowledge question(s) of its own still have "
                        "no key: %s",
                        w->id, n, list);
}

int wave_settings_load(PGconn *c, const instrument *in, long long wave, wave_settings *out,
                       tm_error *err)
{
    memset(out, 0, sizeof *out);
    if (store_waves_settings(c, wave, 0, &out->intended_json, &out->rules_json, err) != 0)
        return -1;
    if (json_object_size(out->intended_json)) {
        out->intended = malloc((in->n_items ? in->n_items : 1) * sizeof *out->intended);
        if (!out->intended) goto oom;
        for (size_t i = 0; i < in->n_items; i++) {
            const tm_item *it = &in->items[i];
            json_t *v = json_object_get(out->intended_json, it->key);
            out->intended[i] = it->type == ITEM_INTENT && json_is_string(v)
                                   ? instrument_option_index(it, json_string_value(v))
                                   : -1;
        }
    }
    out->n_rules = instrument_rules(in) ? json_array_size(out->rules_json) : 0;
    if (out->n_rules) {
        out->rules = calloc(out->n_rules, sizeof *out->rules);
        if (!out->rules) goto oom;
        for (size_t i = 0; i < out->n_rules; i++) {
            json_t *r = json_array_get(out->rules_json, i);
            out->rules[i].key = json_string_value(json_object_get(r, "key"));
            out->rules[i].text = json_string_value(json_object_get(r, "text"));
            out->rules[i].text_en = json_string_value(json_object_get(r, "text_en"));
        }
    }
    return 0;
oom:
    wave_settings_release(out);
    return tm_error_set(err, 500, "out of memory reading the wave's settings");
}

void wave_settings_release(wave_settings *s)
{
    json_decref(s->intended_json);
    json_decref(s->rules_json);
    free(s->intended);
    free(s->rules);
    memset(s, 0, sizeof *s);
}

const char *wave_settings_rule_text(json_t *rule, const char *lang)
{
    const char *en = json_string_value(json_object_get(rule, "text_en"));
    if (lang && !strcmp(lang, "en") && en) return en;
    return json_string_value(json_object_get(rule, "text"));
}

double wave_settings_layer_seconds(const instrument *in, int layer, const char *lang, json_t *rules)
{
    size_t words = 0, i;
    json_t *r;
    json_array_foreach(rules, i, r) words +=
        instrument_count_words(wave_settings_rule_text(r, lang));
    return instrument_layer_seconds(in, layer, lang, words, json_array_size(rules));
}
