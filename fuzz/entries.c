/* entries.c - see entries.h.
 *
 * What is checked beyond "no crash, no leak, no undefined behaviour":
 *   instrument  instrument_check counts exactly the problems it lists, the
 *               same with and without a file name; instrument_load succeeds
 *               exactly when the check finds nothing; a loaded instrument
 *               keeps the schema's bounds (points, options, lengths, layer
 *               masks), finds each item by its key, accepts a complete set of
 *               answers for every layer, also when they come through the form,
 *               and renders a page for every layer.
 *   answers     a refusal leaves nothing allocated and says 422; an accepted
 *               set has scores in range for each item's type, nothing for
 *               items not asked to the layer, text and lists only where they
 *               belong, every required item and half the core items under
 *               ANSWERS_SUBMIT; accepted answers survive answers_to_json ->
 *               answers_check and the scores' text form unchanged.
 *   form        a refused body leaves no answers and says 400; a decoded one
 *               has no empty values and action save or submit, and held no
 *               NUL; the page rendered with the decoded answers and their
 *               errors holds no markup but the page's own.
 *   import      parsing a body whole and in chunks gives the same outcome;
 *               a body with a NUL byte is refused; a refusal holds no rows; accepted rows have a
 * valid layer and answers as for answers_check above.
 *   mail        a list is accepted exactly when no line is named; every address kept is
 *               one mail_address_problem accepts, in order of its line, none twice (any
 *               case), with a layer and nl or en; a message made from the text has only
 *               7-bit bytes, CRLF line ends and no line over 998 characters.
 */
#include "entries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/answers.h"
#include "core/import.h"
#include "core/instrument.h"
#include "core/jsonschema.h"
#include "core/mail_address.h"
#include "core/mail_message.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "server/web/survey_page.h"

extern const char instrument_schema_json[]; /* survey-defs/schema.json, build/gen/embedded.c */

const char *fuzz_current_input;

#define FUZZ_REAL_INSTRUMENT "survey-defs/thermometer-sociaal-domein-v1.json"
#define FUZZ_VARIANT_INSTRUMENT "fuzz/corpus/instrument/variant.json"

static void fuzz_fail(const char *what, int line)
{
    fprintf(stderr, "fuzz check failed: %s (fuzz/entries.c:%d)%s%s\n", what, line,
            fuzz_current_input ? " on input " : "", fuzz_current_input ? fuzz_current_input : "");
    __builtin_trap();
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) fuzz_fail(#cond, __LINE__);                                                   \
    } while (0)

/* ---- the instruments ------------------------------------------------------ */

static const instrument *load_once(const instrument **slot, const char *env, const char *path)
{
    if (!*slot) {
        const char *p = getenv(env);
        tm_error err = TM_ERROR_INIT;
        *slot = instrument_load_file(p && *p ? p : path, &err);
        if (!*slot) {
            fprintf(stderr, "fuzz: cannot load %s: %s (run from the repository root)\n",
                    p && *p ? p : path, err.message);
            abort();
        }
    }
    return *slot;
}

static const instrument *real_instrument(void)
{
    static const instrument *in;
    return load_once(&in, "FUZZ_INSTRUMENT", FUZZ_REAL_INSTRUMENT);
}

static const instrument *variant_instrument(void)
{
    static const instrument *in;
    return load_once(&in, "FUZZ_VARIANT_INSTRUMENT", FUZZ_VARIANT_INSTRUMENT);
}

/* ---- shared checks --------------------------------------------------------- */

static int blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

/* Scores and extra as answers_check leaves them for layer; returns the number
 * of answered items. */
static size_t check_scores(const instrument *in, int layer, const int16_t *scores, json_t *extra)
{
    size_t answered = 0;
    CHECK(layer >= 0 && (size_t)layer < in->n_layers);
    CHECK(extra == NULL || json_is_object(extra));
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        int s = scores[i];
        json_t *x = json_object_get(extra, it->key);
        if (!instrument_item_asked(it, layer)) CHECK(s == SCORE_UNANSWERED && !x);
        if (s == SCORE_DONT_KNOW) {
            CHECK(it->dont_know);
        } else if (s > 0) {
            switch (it->type) {
            case ITEM_LIKERT:
            case ITEM_GRADE:
                CHECK(s <= it->points);
                break;
            case ITEM_INTENT:
            case ITEM_CHOICE:
                CHECK(!it->multiple && (size_t)s <= it->n_options);
                break;
            case ITEM_TEXT:
                CHECK(!"a text item has a score");
                break;
            }
        } else {
            CHECK(s == SCORE_UNANSWERED);
        }
        if (x) {
            CHECK(s == SCORE_UNANSWERED);
            if (it->type == ITEM_TEXT) {
                CHECK(json_is_string(x));
                CHECK(!blank(json_string_value(x)));
                CHECK(utf8_length(json_string_value(x)) <= (size_t)it->max_length);
            } else {
                CHECK(it->multiple && json_is_array(x) && json_array_size(x) > 0);
                for (size_t k = 0; k < json_array_size(x); k++) {
                    json_t *o = json_array_get(x, k);
                    CHECK(instrument_option_index(it, json_string_value(o)) >= 0);
                    for (size_t m = 0; m < k; m++)
                        CHECK(!json_equal(o, json_array_get(x, m)));
                }
            }
        }
        answered += s != SCORE_UNANSWERED || x;
    }
    const char *key;
    json_t *v;
    json_object_foreach(extra, key, v) CHECK(instrument_item(in, key) != NULL);
    return answered;
}

/* Accepted answers, turned back into JSON, are accepted again as the same
 * scores and extra; the scores' PostgreSQL text form reads back the same. */
static void check_round_trip(const instrument *in, int layer, const int16_t *scores, json_t *extra)
{
    json_t *again = answers_to_json(in, scores, extra);
    CHECK(again != NULL);
    answer_set set;
    tm_error err = TM_ERROR_INIT;
    CHECK(answers_check(in, layer, again, ANSWERS_DRAFT, &set, &err) == 0);
    CHECK(memcmp(set.scores, scores, in->n_items * sizeof *scores) == 0);
    CHECK((set.extra == NULL) == (extra == NULL || json_object_size(extra) == 0));
    CHECK(set.extra == NULL || json_equal(set.extra, extra));

    char *text = answers_scores_literal(&set);
    CHECK(text != NULL);
    int16_t *back = calloc(in->n_items ? in->n_items : 1, sizeof *back);
    CHECK(back != NULL);
    CHECK(answers_scores_parse(text, back, in->n_items) == 0);
    CHECK(memcmp(back, scores, in->n_items * sizeof *back) == 0);
    free(back);
    free(text);
    answers_free(&set);
    json_decref(again);
}

/* The error of a refusal: the status (or 500, out of memory) and a message. */
static void check_refusal(const tm_error *err, int status)
{
    CHECK(err->status == status || err->status == 500);
    CHECK(err->message[0] != '\0');
}

/* Every '<' in a rendered page opens (or closes) one of the page's own
 * elements: text from answers and instruments is escaped. */
static void check_markup(const char *html)
{
    static const char *const tags[] = {
        "!doctype", "html",    "head",     "meta",   "title",    "link",     "body",
        "header",   "div",     "p",        "a",      "span",     "main",     "h1",
        "h2",       "ul",      "li",       "form",   "input",    "fieldset", "legend",
        "label",    "section", "textarea", "button", "progress", NULL};
    for (const char *s = strchr(html, '<'); s; s = strchr(s + 1, '<')) {
        const char *name = s + 1 + (s[1] == '/');
        size_t n = strcspn(name, " >\n");
        int known = 0;
        for (const char *const *t = tags; *t && !known; t++)
            known = strlen(*t) == n && !strncmp(*t, name, n);
        CHECK(known);
    }
}

static void render(const instrument *in, int layer, const char *lang, json_t *answers,
                   json_t *errors)
{
    survey_page page = {
        .in = in,
        .layer = layer,
        .lang = lang,
        .action = "/s/T0KEN?x=\"<y>\"&z",
        .answers = answers,
        .errors = errors,
        .notice = "<notice> & \"more\"",
        .min_group_size = 5,
        .wave_name = "wave <1>",
        .organisation = "Gemeente 'X' & <Y>",
    };
    char *html = survey_page_render(&page);
    CHECK(html != NULL);
    check_markup(html);
    free(html);
}

/* ---- instrument ------------------------------------------------------------ */

/* A key as the schema's $defs/key allows: ^[a-z0-9][a-z0-9-]{0,62}$ */
static int key_ok(const char *k)
{
    size_t n = strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789-");
    return n >= 1 && n <= 63 && k[n] == '\0' && k[0] != '-';
}

static void check_named(const tm_named *list, size_t n,
                        int (*lookup)(const instrument *, const char *), const instrument *in)
{
    for (size_t i = 0; i < n; i++) {
        CHECK(list[i].key && list[i].label.nl && list[i].label.en);
        CHECK(key_ok(list[i].key));
        CHECK(lookup(in, list[i].key) == (int)i);
    }
}

static void check_model(const instrument *in)
{
    CHECK(in->key && in->version && in->title.nl && in->title.en);
    CHECK(strlen(in->sha256) == 64);
    CHECK(in->n_layers >= 2 && in->n_layers <= INSTRUMENT_MAX_LAYERS);
    CHECK(in->n_domains >= 1 && in->n_domains <= 32);
    CHECK(in->n_themes >= 1 && in->n_themes <= 32);
    CHECK(in->n_items >= 1 && in->n_items <= 500);
    CHECK(in->band_aandacht < in->band_goed);
    check_named(in->layers, in->n_layers, instrument_layer_index, in);
    check_named(in->domains, in->n_domains, instrument_domain_index, in);
    check_named(in->themes, in->n_themes, instrument_theme_index, in);
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        CHECK(it->key && instrument_item(in, it->key) == it && it->ordinal == i);
        CHECK(key_ok(it->key));
        CHECK(it->text.nl && it->text.en);
        CHECK((int)it->type >= ITEM_LIKERT && (int)it->type <= ITEM_TEXT);
        CHECK(it->layers != 0 && (it->layers >> in->n_layers) == 0);
        CHECK(it->theme >= -1 && it->theme < (int)in->n_themes);
        CHECK(it->domain >= -1 && it->domain < (int)in->n_domains);
        switch (it->type) {
        case ITEM_LIKERT:
            CHECK(it->points >= 2 && it->points <= 11);
            for (int v = 0; v <= it->points + 1; v++) {
                const char *l = instrument_scale_label(in, it, v, v & 1 ? "en" : "nl");
                CHECK(v >= 1 && v <= it->points ? 1 : l == NULL);
            }
            break;
        case ITEM_GRADE:
            CHECK(it->points == 10);
            break;
        case ITEM_INTENT:
        case ITEM_CHOICE:
            CHECK(it->n_options >= 2 && it->n_options <= 30 && it->points == (int)it->n_options);
            for (size_t k = 0; k < it->n_options; k++)
                CHECK(instrument_option_index(it, it->options[k].key) == (int)k);
            break;
        case ITEM_TEXT:
            CHECK(it->max_length >= 1 && it->max_length <= 4000);
            break;
        }
        if (it->type == ITEM_INTENT)
            CHECK(it->intended == INTENDED_TOP_LAYER || it->intended == INTENDED_LOCAL ||
                  (it->intended >= 0 && (size_t)it->intended < it->n_options));
        else
            CHECK(it->intended == INTENDED_NONE);
        if (it->type == ITEM_TEXT) CHECK(!it->dont_know);
        CHECK(!it->law.nl == !it->law.en);
        if (it->law.nl) CHECK(it->type == ITEM_INTENT && it->intended >= 0);
        for (int l = -1; l < (int)in->n_layers; l++) {
            CHECK(instrument_item_text(in, it, l, l & 1 ? "en" : "nl") != NULL);
            if (l >= 0 && it->layer_text && it->layer_text[l].nl)
                CHECK(it->layer_text[l].en && instrument_item_asked(it, l));
        }
        if (in->major >= 2 && (it->type == ITEM_INTENT || it->type == ITEM_GRADE))
            CHECK(it->dont_know);
    }
    const tm_rules *rules = instrument_rules(in);
    if (rules) {
        static const char *const answers[] = {"helpt", "neutraal", "belemmert", "onbekend"};
        CHECK(rules->min >= 1 && rules->min <= rules->max && rules->max <= 30);
        CHECK(rules->text.nl && rules->text.en && !rules->help.nl == !rules->help.en);
        for (int a = 0; a < RULE_ANSWERS; a++)
            CHECK(!strcmp(rules->scale[a].key, answers[a]) && rules->scale[a].label.nl &&
                  rules->scale[a].label.en);
        CHECK(!rules->after ||
              (rules->after == &in->items[rules->after->ordinal] && rules->after->domain >= 0));
    }
    for (int l = -1; l <= (int)in->n_layers; l++) {
        double plain = instrument_layer_seconds(in, l, "nl", 0, 0);
        double listed = instrument_layer_seconds(in, l, "en", 300, 30);
        if (l < 0 || l == (int)in->n_layers) {
            CHECK(plain == 0 && listed == 0);
            continue;
        }
        size_t asked = instrument_layer_items(in, l);
        CHECK(asked >= 1 ? plain >= 3.0 * (double)asked : plain >= 0);
        CHECK(listed >= 0 && plain < 1e7 && listed < 1e7);
        if (in->major >= 2) CHECK(asked <= (l == 0 ? 25u : 45u));
    }
}

/* The fullest answers layer can give: the top of each scale, the last
 * option, every option of a list, text of exactly max_length characters. */
static json_t *complete_answers(const instrument *in, int layer)
{
    json_t *a = json_object();
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        if (!instrument_item_asked(it, layer)) continue;
        json_t *v = NULL;
        switch (it->type) {
        case ITEM_LIKERT:
        case ITEM_GRADE:
            v = json_integer(it->points);
            break;
        case ITEM_INTENT:
        case ITEM_CHOICE:
            if (it->multiple) {
                v = json_array();
                for (size_t k = 0; k < it->n_options; k++)
                    json_array_append_new(v, json_string(it->options[k].key));
            } else {
                v = json_string(it->options[it->n_options - 1].key);
            }
            break;
        case ITEM_TEXT: {
            size_t n = (size_t)it->max_length;
            char *s = malloc(2 * n + 1);
            CHECK(s != NULL);
            for (size_t k = 0; k < n; k++)
                memcpy(s + 2 * k, "\xC3\xA9", 2); /* é */
            s[2 * n] = '\0';
            v = json_string(s);
            free(s);
            break;
        }
        }
        CHECK(v != NULL);
        json_object_set_new(a, it->key, v);
    }
    return a;
}

/* Appends s percent-encoded, as a browser sends a form field. */
static void url_encode(strbuf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
            strbuf_addch(b, (char)c);
        else
            strbuf_addf(b, "%%%02X", c);
    }
}

/* The form body a browser would post for these answers: one field
 * "q.KEY" per answer (per pick of a list) and the button. */
static char *form_body(json_t *answers, const char *action, size_t *len)
{
    strbuf b = STRBUF_INIT(1u << 24);
    strbuf_adds(&b, "lang=nl");
    const char *key;
    json_t *v;
    json_object_foreach(answers, key, v)
    {
        size_t n = json_is_array(v) ? json_array_size(v) : 1;
        for (size_t k = 0; k < n; k++) {
            json_t *e = json_is_array(v) ? json_array_get(v, k) : v;
            strbuf_adds(&b, "&");
            url_encode(&b, SURVEY_FORM_ITEM_PREFIX);
            url_encode(&b, key);
            strbuf_adds(&b, "=");
            if (json_is_integer(e))
                strbuf_addf(&b, "%lld", (long long)json_integer_value(e));
            else
                url_encode(&b, json_string_value(e));
        }
    }
    strbuf_adds(&b, "&action=");
    url_encode(&b, action);
    char *body = strbuf_detach(&b, len);
    CHECK(body != NULL);
    return body;
}

static void check_layer_complete(const instrument *in, int layer)
{
    json_t *a = complete_answers(in, layer);
    answer_set set;
    tm_error err = TM_ERROR_INIT;
    CHECK(answers_check(in, layer, a, ANSWERS_SUBMIT, &set, &err) == 0);
    CHECK(check_scores(in, layer, set.scores, set.extra) == set.answered);
    check_round_trip(in, layer, set.scores, set.extra);

    /* The same answers posted through the form. */
    size_t len;
    char *body = form_body(a, "submit", &len);
    json_t *decoded = NULL;
    char action[16];
    CHECK(survey_form_decode(in, layer, body, len, &decoded, action, &err) == 0);
    CHECK(!strcmp(action, "submit"));
    answer_set set2;
    CHECK(answers_check(in, layer, decoded, ANSWERS_SUBMIT, &set2, &err) == 0);
    CHECK(memcmp(set.scores, set2.scores, in->n_items * sizeof *set.scores) == 0);
    CHECK((set.extra == NULL) == (set2.extra == NULL));
    CHECK(set.extra == NULL || json_equal(set.extra, set2.extra));
    answers_free(&set2);
    json_decref(decoded);
    free(body);

    render(in, layer, layer & 1 ? "en" : "nl", a, NULL);
    render(in, layer, "nl", NULL, NULL);
    answers_free(&set);
    json_decref(a);
}

int fuzz_instrument_one(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *def = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!def) return 0;

    static json_t *schema;
    if (!schema) schema = json_loads(instrument_schema_json, 0, NULL);
    CHECK(schema != NULL);
    json_t *errors = json_array(), *errors_named = json_array();
    size_t n = instrument_check(def, NULL, errors);
    CHECK(n == json_array_size(errors));
    /* Every schema violation is listed (the meaning is checked only after). */
    size_t violations = jsonschema_check(schema, def, NULL);
    CHECK(violations == 0 || n == violations);
    CHECK(instrument_check(def, "fuzz.json", errors_named) == n);
    CHECK(json_array_size(errors_named) == n);
    for (size_t i = 0; i < n; i++) {
        CHECK(json_is_string(json_array_get(errors, i)));
        CHECK(!strncmp(json_string_value(json_array_get(errors_named, i)), "fuzz.json: ", 11));
    }
    json_decref(errors);
    json_decref(errors_named);

    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load(def, &err);
    json_decref(def); /* the instrument keeps its own reference */
    if (n > 0) {
        CHECK(in == NULL && err.status == 422 && tm_error_count(&err) == n);
    } else {
        CHECK(in != NULL || err.status == 500);
    }
    tm_error_clear(&err);
    if (!in) return 0;

    check_model(in);
    for (size_t l = 0; l < in->n_layers; l++)
        check_layer_complete(in, (int)l);
    instrument_free(in);
    return 0;
}

/* ---- answers --------------------------------------------------------------- */

/* Every detail names its item, except the one that says a submission
 * answers too few core items (answers_too_few), which gives the counts. */
static void check_details(const tm_error *err)
{
    size_t i;
    json_t *d;
    json_array_foreach(err->details, i, d)
    {
        CHECK(json_is_string(json_object_get(d, "error")));
        if (json_object_get(d, "item")) {
            CHECK(json_is_string(json_object_get(d, "item")));
            continue;
        }
        json_int_t answered = json_integer_value(json_object_get(d, "answered"));
        json_int_t needed = json_integer_value(json_object_get(d, "needed"));
        CHECK(answered < needed && json_integer_value(json_object_get(d, "missing")) ==
                                       needed - answered);
    }
}

static void answers_against(const instrument *in, json_t *answers)
{
    for (int layer = -1; layer <= (int)in->n_layers; layer++) {
        int rc[2];
        answer_set set[2];
        for (int m = 0; m < 2; m++) {
            answers_mode mode = m ? ANSWERS_SUBMIT : ANSWERS_DRAFT;
            tm_error err = TM_ERROR_INIT;
            rc[m] = answers_check(in, layer, answers, mode, &set[m], &err);
            if (rc[m] != 0) {
                check_refusal(&err, 422);
                check_details(&err);
                CHECK(set[m].scores == NULL && set[m].extra == NULL);
            } else {
                CHECK(err.status == 0 && tm_error_count(&err) == 0);
                CHECK(json_is_object(answers));
                CHECK(set[m].n == in->n_items);
                CHECK(check_scores(in, layer, set[m].scores, set[m].extra) == set[m].answered);
                size_t answered, needed;
                if (mode == ANSWERS_SUBMIT)
                    CHECK(answers_core_count(in, layer, set[m].scores, &answered, &needed) == 0);
                if (mode == ANSWERS_SUBMIT)
                    for (size_t i = 0; i < in->n_items; i++) {
                        const tm_item *it = &in->items[i];
                        if (it->required && instrument_item_asked(it, layer))
                            CHECK(set[m].scores[i] != SCORE_UNANSWERED ||
                                  json_object_get(set[m].extra, it->key));
                    }
                check_round_trip(in, layer, set[m].scores, set[m].extra);
            }
            tm_error_clear(&err);
        }
        /* Submitting only adds the required-items rule to a draft. */
        if (rc[1] == 0) {
            CHECK(rc[0] == 0);
            CHECK(!memcmp(set[0].scores, set[1].scores, in->n_items * sizeof *set[0].scores));
        }
        answers_free(&set[0]);
        answers_free(&set[1]);
    }
}

int fuzz_answers_one(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *answers = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!answers) return 0;
    answers_against(real_instrument(), answers);
    answers_against(variant_instrument(), answers);
    json_decref(answers);
    return 0;
}

/* ---- form ------------------------------------------------------------------ */

static void check_decoded(const instrument *in, json_t *answers)
{
    CHECK(json_is_object(answers));
    const char *key;
    json_t *v;
    json_object_foreach(answers, key, v)
    {
        const tm_item *it = instrument_item(in, key);
        if (json_is_array(v)) {
            CHECK(json_array_size(v) >= 1);
            CHECK(json_array_size(v) >= 2 || (it && it->multiple));
        }
        size_t n = json_is_array(v) ? json_array_size(v) : 1;
        for (size_t k = 0; k < n; k++) {
            json_t *e = json_is_array(v) ? json_array_get(v, k) : v;
            CHECK(json_is_integer(e) || (json_is_string(e) && json_string_length(e) > 0));
            if (json_is_integer(e))
                CHECK(it && (it->type == ITEM_LIKERT || it->type == ITEM_GRADE) &&
                      json_integer_value(e) >= 0);
        }
    }
}

static void form_against(const instrument *in, const uint8_t *data, size_t size)
{
    int layer = (int)(size % in->n_layers);
    const char *lang = size & 1 ? "en" : "nl";
    json_t *answers = (json_t *)1;
    char action[16] = "garbage";
    tm_error err = TM_ERROR_INIT;
    if (survey_form_decode(in, layer, (const char *)data, size, &answers, action, &err) != 0) {
        check_refusal(&err, 400);
        CHECK(answers == NULL && !strcmp(action, "save"));
        /* The route shows the message on a page of its own. */
        char *page =
            survey_page_message(lang, "Het formulier kon niet worden gelezen", err.message);
        CHECK(page != NULL);
        check_markup(page);
        free(page);
        tm_error_clear(&err);
        return;
    }
    CHECK(err.status == 0);
    CHECK(!memchr(data, '\0', size)); /* a NUL is never text */
    CHECK(!strcmp(action, "save") || !strcmp(action, "submit"));
    check_decoded(in, answers);

    answer_set set;
    int submit = !strcmp(action, "submit");
    if (answers_check(in, layer, answers, submit ? ANSWERS_SUBMIT : ANSWERS_DRAFT, &set, &err) !=
        0) {
        check_refusal(&err, 422);
        check_details(&err);
        render(in, layer, lang, answers, err.details); /* the form again, with the errors */
    } else {
        CHECK(check_scores(in, layer, set.scores, set.extra) == set.answered);
        check_round_trip(in, layer, set.scores, set.extra);
        json_t *draft = answers_to_json(in, set.scores, set.extra);
        render(in, layer, lang, draft, NULL); /* the saved draft, shown again */
        json_decref(draft);
        answers_free(&set);
    }
    tm_error_clear(&err);
    json_decref(answers);
}

int fuzz_form_one(const uint8_t *data, size_t size)
{
    form_against(real_instrument(), data, size);
    form_against(variant_instrument(), data, size);
    return 0;
}

/* ---- import ---------------------------------------------------------------- */

typedef struct import_run {
    import_parser *p;
    int rc;
    tm_error err;
} import_run;

static void feed_copy(import_parser *p, const uint8_t *s, size_t n, int *settled)
{
    /* A buffer of exactly n bytes, so that reading past the chunk is caught. */
    char *chunk = malloc(n ? n : 1);
    CHECK(chunk != NULL);
    memcpy(chunk, s, n);
    int rc = import_parser_feed(p, chunk, n);
    free(chunk);
    CHECK(rc == 0 || rc == -1);
    if (*settled) CHECK(rc == -1);
    if (rc < 0) *settled = 1;
}

/* chunk 0: the body in one piece; else pieces of 1..chunk bytes, pseudo-random
 * from seed, or all of chunk bytes when fixed. */
static void import_parse(import_run *r, const instrument *in, import_format f, const uint8_t *body,
                         size_t n, size_t chunk, int fixed, uint32_t seed)
{
    r->p = import_parser_new(in, f);
    CHECK(r->p != NULL);
    memset(&r->err, 0, sizeof r->err);
    int settled = 0;
    size_t at = 0;
    while (at < n) {
        size_t len = n - at;
        if (chunk) {
            seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
            size_t want = fixed ? chunk : 1 + seed % chunk;
            if (want < len) len = want;
        }
        feed_copy(r->p, body + at, len, &settled);
        at += len;
    }
    if (seed & 1) feed_copy(r->p, body, 0, &settled); /* an empty chunk changes nothing */
    r->rc = import_parser_finish(r->p, &r->err);
}

static void check_import(const instrument *in, import_run *r)
{
    size_t rows = import_parser_rows(r->p);
    if (r->rc != 0) {
        CHECK(r->rc == -1);
        CHECK(r->err.status == 400 || r->err.status == 413 || r->err.status == 422 ||
              r->err.status == 500);
        CHECK(r->err.message[0] != '\0');
        CHECK(rows == 0);
        return;
    }
    CHECK(r->err.status == 0);
    CHECK(rows >= 1 && rows <= IMPORT_MAX_ROWS);
    for (size_t i = 0; i < rows; i++) {
        int layer = import_parser_layer(r->p, i);
        const int16_t *scores = import_parser_scores(r->p, i);
        json_t *extra = import_parser_extra(r->p, i);
        CHECK(layer >= 0 && (size_t)layer < in->n_layers);
        CHECK(check_scores(in, layer, scores, extra) > 0);
        check_round_trip(in, layer, scores, extra);
    }
}

static void check_same_outcome(const instrument *in, import_run *a, import_run *b)
{
    CHECK(a->rc == b->rc);
    CHECK(a->err.status == b->err.status);
    CHECK(!strcmp(a->err.message, b->err.message));
    CHECK((a->err.details == NULL) == (b->err.details == NULL));
    CHECK(a->err.details == NULL || json_equal(a->err.details, b->err.details));
    size_t rows = import_parser_rows(a->p);
    CHECK(rows == import_parser_rows(b->p));
    for (size_t i = 0; i < rows; i++) {
        CHECK(import_parser_layer(a->p, i) == import_parser_layer(b->p, i));
        CHECK(!memcmp(import_parser_scores(a->p, i), import_parser_scores(b->p, i),
                      in->n_items * sizeof(int16_t)));
        json_t *xa = import_parser_extra(a->p, i), *xb = import_parser_extra(b->p, i);
        CHECK((xa == NULL) == (xb == NULL));
        CHECK(xa == NULL || json_equal(xa, xb));
    }
}

static int fuzz_import_one(const uint8_t *data, size_t size, import_format f)
{
    uint8_t ctl = size ? data[0] : 0;
    const uint8_t *body = size ? data + 1 : data;
    size_t n = size ? size - 1 : 0;
    const instrument *in = ctl & 0x40 ? variant_instrument() : real_instrument();
    size_t chunk = (size_t)(ctl & 0x3F) + 1;
    uint32_t seed = 0x9E3779B9u ^ ((uint32_t)ctl << 24) ^ (uint32_t)n;

    import_run whole, pieces;
    import_parse(&whole, in, f, body, n, 0, 0, seed);
    import_parse(&pieces, in, f, body, n, chunk, ctl & 0x80, seed);
    check_import(in, &whole);
    check_import(in, &pieces);
    if (memchr(body, '\0', n)) CHECK(whole.rc != 0); /* a NUL is never text: refused */
    check_same_outcome(in, &whole, &pieces);
    import_parser_free(whole.p);
    import_parser_free(pieces.p);
    tm_error_clear(&whole.err);
    tm_error_clear(&pieces.err);
    return 0;
}

int fuzz_import_csv_one(const uint8_t *data, size_t size)
{
    return fuzz_import_one(data, size, IMPORT_CSV);
}

int fuzz_import_json_one(const uint8_t *data, size_t size)
{
    return fuzz_import_one(data, size, IMPORT_JSON);
}

/* ---- mail ----------------------------------------------------------------- */

static void check_mail_list(const uint8_t *body, size_t n, uint8_t ctl)
{
    mail_list l;
    tm_error err = TM_ERROR_INIT;
    int rc = mail_list_parse((const char *)body, n, ctl & 1 ? "beleid" : NULL,
                             ctl & 2 ? "en" : NULL, &l, &err);
    CHECK(rc == 0 || rc == -1);
    CHECK((rc == 0) == (err.status == 0));
    CHECK(rc != 0 || tm_error_count(&err) == 0);
    CHECK(rc == 0 || err.status == 422 || err.status == 413 || err.status == 500);
    CHECK(l.n <= MAIL_LIST_MAX);
    for (size_t i = 0; i < l.n; i++) {
        const mail_entry *e = &l.entries[i];
        CHECK(mail_address_problem(e->email, strlen(e->email)) == NULL);
        CHECK(e->layer && *e->layer);
        CHECK(!strcmp(e->lang, "nl") || !strcmp(e->lang, "en"));
        CHECK(i == 0 || e->line > l.entries[i - 1].line);
        for (size_t k = 0; k < i; k++)
            CHECK(strcasecmp(e->email, l.entries[k].email) != 0);
    }
    mail_list_free(&l);
    tm_error_clear(&err);
}

static void check_mail_message(const char *text, uint8_t ctl)
{
    const tm_text_var vars[] = {{"link", "https://x.nl/s/T"}, {"naam", text}, {NULL, NULL}};
    const char *const links[] = {"link", NULL};
    mail_template t = {text, "{{naam}}\n\n{{link}}", text};
    strbuf subject = STRBUF_INIT(1 << 20), plain = STRBUF_INIT(1 << 20),
           html = STRBUF_INIT(1 << 22), out = STRBUF_INIT(1 << 24);
    int missing = mail_render(&t, ctl & 4 ? "en" : "nl", vars, links, &subject, &plain, &html);
    CHECK(missing >= 0);
    mail_message m = {text, "a@b.nl", "c@d.nl", subject.buf, plain.buf, html.buf, "nl", "id@b.nl",
                      0, "https://x.nl/s/T/afmelden"};
    CHECK(mail_message_write(&out, &m) == 0);
    size_t col = 0;
    for (size_t i = 0; i < out.len; i++) {
        unsigned char c = (unsigned char)out.buf[i];
        CHECK(c < 0x80 && c != 0);
        if (c == '\r') {
            CHECK(i + 1 < out.len && out.buf[i + 1] == '\n');
            continue;
        }
        if (c == '\n') {
            CHECK(i > 0 && out.buf[i - 1] == '\r');
            col = 0;
            continue;
        }
        CHECK(++col <= MAIL_LINE_LIMIT);
    }
    CHECK(out.len >= 2 && !memcmp(out.buf + out.len - 2, "\r\n", 2));
    strbuf_release(&subject);
    strbuf_release(&plain);
    strbuf_release(&html);
    strbuf_release(&out);
}

int fuzz_mail_one(const uint8_t *data, size_t size)
{
    uint8_t ctl = size ? data[0] : 0;
    const uint8_t *body = size ? data + 1 : data;
    size_t n = size ? size - 1 : 0;
    check_mail_list(body, n, ctl);
    if (utf8_valid((const char *)body, n) && !memchr(body, '\0', n)) {
        char *text = malloc(n + 1);
        CHECK(text != NULL);
        memcpy(text, body, n);
        text[n] = '\0';
        check_mail_message(text, ctl);
        free(text);
    }
    return 0;
}
