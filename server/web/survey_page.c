/* survey_page.c - see survey_page.h.
 *
 * The page is written front to back into a strbuf. Every text that comes
 * from outside this file (instrument texts, answers, names, the action path)
 * goes through html_escape, and so do the page's own strings, which costs
 * nothing and keeps the rule simple: strbuf_adds and strbuf_addf are for
 * markup and numbers.
 */
#include "server/web/survey_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/answers.h"
#include "core/text.h"
#include "core/utf8.h"
#include "server/web/formdata.h"
#include "core/html.h"

/* ---- the page's own wording ------------------------------------------- */

typedef enum ui_key {
    UI_LANG_NAME, /* the name of the other language, in that language */
    UI_LANG_CODE, /* the code of the other language */
    UI_PROMISE,
    UI_PROGRESS,
    UI_PART,
    UI_ABOUT_YOU,
    UI_DONT_KNOW,
    UI_REQUIRED,
    UI_MAX_CHARS,
    UI_SAVE,
    UI_SUBMIT,
    UI_SAVE_HINT,
    UI_ERRORS_TITLE,
    UI_ERROR_PREFIX,
    UI_ERR_REQUIRED,
    UI_ERR_CHOOSE_ONE,
    UI_ERR_CHOOSE_SOME,
    UI_ERR_GRADE,
    UI_ERR_TEXT,
    UI_ERR_FOREIGN,
    UI_MORE_NEEDED,
    UI_DURATION,
    UI_RULES_TITLE,
    UI_COUNT
} ui_key;

/* Placeholders stand for numbers only; see put_ui_numbers. */
static const tm_text ui_text[UI_COUNT] = {
    [UI_LANG_NAME] = {"English", "Nederlands"},
    [UI_LANG_CODE] = {"en", "nl"},
    [UI_PROMISE] = {"Uw antwoorden zijn anoniem. Uitkomsten worden alleen getoond voor groepen "
                    "van minstens {k} personen; niemand kan uw antwoorden tot u herleiden.",
                    "Your answers are anonymous. Results are only shown for groups of at least {k} "
                    "people; no one can trace your answers back to you."},
    [UI_PROGRESS] = {"{answered} van {asked} vragen beantwoord",
                     "{answered} of {asked} questions answered"},
    [UI_PART] = {"Deel {part} van {parts}:", "Part {part} of {parts}:"},
    [UI_ABOUT_YOU] = {"Over u", "About you"},
    [UI_DONT_KNOW] = {"Weet niet", "Don't know"},
    [UI_REQUIRED] = {"(verplicht)", "(required)"},
    [UI_MAX_CHARS] = {"Maximaal {max} tekens.", "At most {max} characters."},
    [UI_SAVE] = {"Tussentijds opslaan", "Save for later"},
    [UI_SUBMIT] = {"Versturen", "Submit"},
    [UI_SAVE_HINT] =
        {"Met \u2018Tussentijds opslaan\u2019 bewaart u uw antwoorden en gaat u later "
         "verder via dezelfde link. Na \u2018Versturen\u2019 kunt u uw antwoorden niet "
         "meer wijzigen.",
         "\u2018Save for later\u2019 keeps your answers so you can continue later "
         "with the same link. After \u2018Submit\u2019 you can no longer change "
         "your answers."},
    [UI_ERRORS_TITLE] = {"Controleer uw antwoorden", "Please check your answers"},
    [UI_ERROR_PREFIX] = {"Fout: ", "Error: "},
    [UI_ERR_REQUIRED] = {"Dit antwoord is verplicht.", "This answer is required."},
    [UI_ERR_CHOOSE_ONE] = {"Kies \u00e9\u00e9n van de antwoorden.", "Choose one of the answers."},
    [UI_ERR_CHOOSE_SOME] = {"Kies een of meer van de antwoorden.",
                            "Choose one or more of the answers."},
    [UI_ERR_GRADE] = {"Kies een cijfer van 1 tot en met 10.", "Choose a mark from 1 to 10."},
    [UI_ERR_TEXT] = {"Gebruik maximaal {max} tekens.", "Use at most {max} characters."},
    [UI_ERR_FOREIGN] = {"Een antwoord hoort niet bij deze vragenlijst.",
                        "An answer does not belong to this questionnaire."},
    [UI_MORE_NEEDED] = {"Beantwoord nog {more} vragen om te kunnen versturen. Om mee te tellen "
                        "beantwoordt u minstens {needed} van de vragen met antwoordknoppen; "
                        "\u2018Weet niet\u2019 telt ook als antwoord. Tussentijds opslaan kan "
                        "altijd.",
                        "Answer {more} more questions to be able to submit. To count, at least "
                        "{needed} of the questions with answer buttons need an answer; "
                        "\u2018Don't know\u2019 counts as an answer too. Saving for later is "
                        "always possible."},
    [UI_DURATION] = {"Invullen duurt voor u ongeveer {minutes} minuten.",
                     "Filling this in takes you about {minutes} minutes."},
    [UI_RULES_TITLE] = {"Regels van onze gemeente", "Rules of our municipality"},
};

static const char *ui(const char *lang, ui_key k)
{
    return tm_text_get(ui_text[k], lang);
}

/* Writes text k, escaped. */
static void put_ui(strbuf *b, const char *lang, ui_key k)
{
    html_escape(b, ui(lang, k));
}

/* Writes text k, escaped, with {name1} and {name2} (NULL: none) filled with
 * the numbers v1 and v2. The texts take numbers this way rather than as
 * printf formats so that the compiler can check every printf format. */
static void put_ui_numbers(strbuf *b, const char *lang, ui_key k, const char *name1, int v1,
                           const char *name2, int v2)
{
    char n1[16], n2[16];
    snprintf(n1, sizeof n1, "%d", v1);
    snprintf(n2, sizeof n2, "%d", v2);
    const tm_text_var vars[] = {{name1, n1}, {name2, n2}, {NULL, NULL}};
    strbuf text = STRBUF_INIT(4096);
    if (tm_text_fill(&text, ui(lang, k), vars) < 0) strbuf_fail(b, text.status);
    html_escapen(b, text.buf, text.len);
    strbuf_release(&text);
}

/* ---- answers and errors ----------------------------------------------- */

/* Whether v is an answer (the same rule answers_check uses: null, blank text
 * and an empty list are not). */
static int has_answer(json_t *v)
{
    if (!v || json_is_null(v)) return 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        return s[strspn(s, " \t\r\n")] != '\0';
    }
    if (json_is_array(v)) return json_array_size(v) > 0;
    return 1;
}

/* Whether the answer v selects the form value val: v is that string, the
 * number it spells, or a list that contains it. */
static int selects(json_t *v, const char *val)
{
    char num[32];
    if (json_is_string(v)) return !strcmp(json_string_value(v), val);
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return !strcmp(num, val);
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d < -1e9 || d > 1e9 || d != (double)(long long)d) return 0;
        snprintf(num, sizeof num, "%lld", (long long)d);
        return !strcmp(num, val);
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            if (json_is_string(e) && !strcmp(json_string_value(e), val)) return 1;
        }
    }
    return 0;
}

static json_t *answer_of(const survey_page *p, const char *key)
{
    return json_is_object(p->answers) ? json_object_get(p->answers, key) : NULL;
}

/* The English error answers_check gave for item key, or NULL. */
static const char *error_of(const survey_page *p, const char *key)
{
    size_t i;
    json_t *e;
    json_array_foreach(p->errors, i, e)
    {
        const char *item = json_string_value(json_object_get(e, "item"));
        if (item && !strcmp(item, key)) return json_string_value(json_object_get(e, "error"));
    }
    return NULL;
}

/* The respondent's wording for an error answers_check reported in English.
 * The English text is for API clients; here only its kind matters, and the
 * item's type says what the respondent should do instead. */
static void put_error_message(strbuf *b, const char *lang, const tm_item *it, const char *error)
{
    if (!it) {
        put_ui(b, lang, UI_ERR_FOREIGN);
    } else if (error && strstr(error, "is required")) {
        put_ui(b, lang, UI_ERR_REQUIRED);
    } else if (it->type == ITEM_TEXT) {
        put_ui_numbers(b, lang, UI_ERR_TEXT, "max", it->max_length, NULL, 0);
    } else if (it->type == ITEM_GRADE) {
        put_ui(b, lang, UI_ERR_GRADE);
    } else if (it->type == ITEM_CHOICE && it->multiple) {
        put_ui(b, lang, UI_ERR_CHOOSE_SOME);
    } else {
        put_ui(b, lang, UI_ERR_CHOOSE_ONE);
    }
}

/* ---- pieces of the document ------------------------------------------- */

/* text split into <p> paragraphs at blank lines. */
static void put_paragraphs(strbuf *b, const char *text)
{
    while (text && *text) {
        text += strspn(text, " \t\r\n");
        if (!*text) break;
        const char *end = strstr(text, "\n\n");
        size_t n = end ? (size_t)(end - text) : strlen(text);
        strbuf_adds(b, "<p>");
        html_escapen(b, text, n);
        strbuf_adds(b, "</p>\n");
        text += n;
    }
}

static void put_head(strbuf *b, const char *lang, const char *title_prefix, const char *title,
                     const char *title_suffix)
{
    strbuf_adds(b, "<!doctype html>\n<html lang=\"");
    strbuf_adds(b, tm_text_lang(lang));
    strbuf_adds(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"robots\" content=\"noindex\">\n<title>");
    html_escape(b, title_prefix);
    html_escape(b, title);
    if (title_suffix && *title_suffix) {
        strbuf_adds(b, " \u2013 ");
        html_escape(b, title_suffix);
    }
    strbuf_adds(b, "</title>\n<link rel=\"stylesheet\" href=\"/assets/survey.css\">\n"
                   "</head>\n<body>\n");
}

/* The bar with the organisation, the wave and the language switch. */
static void put_masthead(strbuf *b, const survey_page *p)
{
    const char *other = ui(p->lang, UI_LANG_CODE);
    const char *action = p->action ? p->action : "";
    strbuf_adds(b, "<header class=\"top\">\n<div class=\"wrap\">\n<p class=\"org\">");
    html_escape(b, p->organisation);
    if (p->wave_name && *p->wave_name) {
        strbuf_adds(b, p->organisation && *p->organisation ? " <span class=\"wave\">\u00b7 "
                                                           : " <span class=\"wave\">");
        html_escape(b, p->wave_name);
        strbuf_adds(b, "</span>");
    }
    strbuf_adds(b, "</p>\n<a class=\"lang\" href=\"");
    html_escape(b, action);
    strbuf_adds(b, strchr(action, '?') ? "&amp;lang=" : "?lang=");
    strbuf_adds(b, other);
    strbuf_adds(b, "\" hreflang=\"");
    strbuf_adds(b, other);
    strbuf_adds(b, "\" lang=\"");
    strbuf_adds(b, other);
    strbuf_adds(b, "\">");
    html_escape(b, ui(p->lang, UI_LANG_NAME));
    strbuf_adds(b, "</a>\n</div>\n</header>\n");
}

static const char *rule_text(const survey_page *p, json_t *rule);

/* The wave's rule with key, or NULL (key NULL, or not a rule of the page). */
static json_t *rule_of(const survey_page *p, const char *key)
{
    size_t i;
    json_t *r;
    json_array_foreach(p->rules, i, r)
    {
        const char *k = json_string_value(json_object_get(r, "key"));
        if (key && k && !strcmp(k, key)) return r;
    }
    return NULL;
}

static void put_error_summary(strbuf *b, const survey_page *p)
{
    if (json_array_size(p->errors) == 0) return;
    strbuf_adds(b, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"errors-title\">\n"
                   "<h2 id=\"errors-title\">");
    put_ui(b, p->lang, UI_ERRORS_TITLE);
    strbuf_adds(b, "</h2>\n<ul>\n");
    size_t i;
    json_t *e;
    json_array_foreach(p->errors, i, e)
    {
        const char *key = json_string_value(json_object_get(e, "item"));
        const tm_item *it = key ? instrument_item(p->in, key) : NULL;
        if (it && !instrument_item_asked(it, p->layer)) it = NULL; /* not on this page */
        json_t *rule = rule_of(p, json_string_value(json_object_get(e, "rule")));
        if (rule) {
            strbuf_adds(b, "<li><a href=\"#rule-");
            html_escape(b, json_string_value(json_object_get(rule, "key")));
            strbuf_adds(b, "\">");
            html_escape(b, rule_text(p, rule));
            strbuf_adds(b, "</a> ");
            put_ui(b, p->lang, UI_ERR_CHOOSE_ONE);
            strbuf_adds(b, "</li>\n");
            continue;
        }
        strbuf_adds(b, "<li>");
        if (it) {
            strbuf_adds(b, "<a href=\"#item-");
            html_escape(b, it->key);
            strbuf_adds(b, "\">");
            html_escape(b, instrument_item_text(p->in, it, p->layer, p->lang));
            strbuf_adds(b, "</a> ");
        }
        put_error_message(b, p->lang, it, json_string_value(json_object_get(e, "error")));
        strbuf_adds(b, "</li>\n");
    }
    strbuf_adds(b, "</ul>\n</div>\n");
}

static void put_progress(strbuf *b, const survey_page *p)
{
    int asked = 0, answered = 0;
    for (size_t i = 0; i < p->in->n_items; i++) {
        const tm_item *it = &p->in->items[i];
        if (!instrument_item_asked(it, p->layer)) continue;
        asked++;
        answered += has_answer(answer_of(p, it->key));
    }
    strbuf_adds(b, "<div class=\"progress\">\n<p id=\"progress-text\">");
    put_ui_numbers(b, p->lang, UI_PROGRESS, "answered", answered, "asked", asked);
    strbuf_addf(b,
                "</p>\n<progress max=\"%d\" value=\"%d\" aria-labelledby=\"progress-text\">"
                "</progress>\n</div>\n",
                asked > 0 ? asked : 1, answered);
}

/* aria-describedby for an item: its help, hint and error paragraphs. */
static void put_describedby(strbuf *b, const tm_item *it, int help, int hint, int error)
{
    if (!help && !hint && !error) return;
    const char *sep = "";
    strbuf_adds(b, " aria-describedby=\"");
    if (help) {
        strbuf_adds(b, "help-");
        html_escape(b, it->key);
        sep = " ";
    }
    if (hint) {
        strbuf_adds(b, sep);
        strbuf_adds(b, "hint-");
        html_escape(b, it->key);
        sep = " ";
    }
    if (error) {
        strbuf_adds(b, sep);
        strbuf_adds(b, "err-");
        html_escape(b, it->key);
    }
    strbuf_adds(b, "\"");
}

/* <p class=cls id=prefix-KEY>, the start of a paragraph an item points to. */
static void open_note(strbuf *b, const char *cls, const char *prefix, const tm_item *it)
{
    strbuf_adds(b, "<p class=\"");
    strbuf_adds(b, cls);
    strbuf_adds(b, "\" id=\"");
    strbuf_adds(b, prefix);
    html_escape(b, it->key);
    strbuf_adds(b, "\">");
}

/* The help text and the error of an item, in that order under its question. */
static void put_notes(strbuf *b, const survey_page *p, const tm_item *it, const char *error)
{
    const char *help = tm_text_get(it->help, p->lang);
    if (help) {
        open_note(b, "help", "help-", it);
        html_escape(b, help);
        strbuf_adds(b, "</p>\n");
    }
    if (it->type == ITEM_TEXT) {
        open_note(b, "hint", "hint-", it);
        put_ui_numbers(b, p->lang, UI_MAX_CHARS, "max", it->max_length, NULL, 0);
        strbuf_adds(b, "</p>\n");
    }
    if (error) {
        open_note(b, "error", "err-", it);
        strbuf_adds(b, "<span class=\"visually-hidden\">");
        put_ui(b, p->lang, UI_ERROR_PREFIX);
        strbuf_adds(b, "</span>");
        put_error_message(b, p->lang, it, error);
        strbuf_adds(b, "</p>\n");
    }
}

static void put_question(strbuf *b, const survey_page *p, const tm_item *it)
{
    html_escape(b, instrument_item_text(p->in, it, p->layer, p->lang));
    if (it->required) {
        strbuf_adds(b, " <span class=\"req\">");
        put_ui(b, p->lang, UI_REQUIRED);
        strbuf_adds(b, "</span>");
    }
}

/* One radio button or check box with its own label. */
static void put_option(strbuf *b, const survey_page *p, const tm_item *it, const char *value,
                       const char *label, int dont_know)
{
    json_t *v = answer_of(p, it->key);
    strbuf_adds(b, dont_know ? "<div class=\"option dk\">" : "<div class=\"option\">");
    strbuf_adds(b, "<input type=\"");
    strbuf_adds(b, it->multiple && !dont_know ? "checkbox" : "radio");
    strbuf_adds(b, "\" name=\"" SURVEY_FORM_ITEM_PREFIX);
    html_escape(b, it->key);
    /* Keys never contain '.', so q-KEY.VALUE cannot collide between items. */
    strbuf_adds(b, "\" id=\"q-");
    html_escape(b, it->key);
    strbuf_adds(b, ".");
    html_escape(b, value);
    strbuf_adds(b, "\" value=\"");
    html_escape(b, value);
    strbuf_adds(b, v && selects(v, value) ? "\" checked>" : "\">");
    strbuf_adds(b, "<label for=\"q-");
    html_escape(b, it->key);
    strbuf_adds(b, ".");
    html_escape(b, value);
    strbuf_adds(b, "\">");
    html_escape(b, label);
    strbuf_adds(b, "</label></div>\n");
}

static void put_options(strbuf *b, const survey_page *p, const tm_item *it)
{
    char num[16];
    switch (it->type) {
    case ITEM_LIKERT:
        strbuf_adds(b, "<div class=\"options likert\">\n");
        for (int v = 1; v <= it->points; v++) {
            const char *label = instrument_scale_label(p->in, it, v, p->lang);
            snprintf(num, sizeof num, "%d", v);
            put_option(b, p, it, num, label ? label : num, 0);
        }
        break;
    case ITEM_GRADE:
        strbuf_adds(b, "<div class=\"options grade\">\n");
        for (int v = 1; v <= 10; v++) {
            snprintf(num, sizeof num, "%d", v);
            put_option(b, p, it, num, num, 0);
        }
        break;
    default:
        strbuf_adds(b, "<div class=\"options list\">\n");
        for (size_t i = 0; i < it->n_options; i++)
            put_option(b, p, it, it->options[i].key, tm_text_get(it->options[i].label, p->lang), 0);
        break;
    }
    if (it->dont_know) put_option(b, p, it, "dont_know", ui(p->lang, UI_DONT_KNOW), 1);
    strbuf_adds(b, "</div>\n");
}

/* A likert, grade, intent or choice item: a fieldset of options. */
static void put_choice_item(strbuf *b, const survey_page *p, const tm_item *it)
{
    const char *error = error_of(p, it->key);
    strbuf_adds(b, "<fieldset class=\"item item-");
    strbuf_adds(b, instrument_type_name(it->type));
    strbuf_adds(b, error ? " invalid\" id=\"item-" : "\" id=\"item-");
    html_escape(b, it->key);
    strbuf_adds(b, "\"");
    put_describedby(b, it, tm_text_get(it->help, p->lang) != NULL, 0, error != NULL);
    if (error) strbuf_adds(b, " aria-invalid=\"true\"");
    strbuf_adds(b, ">\n<legend>");
    put_question(b, p, it);
    strbuf_adds(b, "</legend>\n");
    put_notes(b, p, it, error);
    put_options(b, p, it);
    strbuf_adds(b, "</fieldset>\n");
}

static void put_text_item(strbuf *b, const survey_page *p, const tm_item *it)
{
    const char *error = error_of(p, it->key);
    json_t *v = answer_of(p, it->key);
    strbuf_adds(b, error ? "<div class=\"item item-text invalid\" id=\"item-"
                         : "<div class=\"item item-text\" id=\"item-");
    html_escape(b, it->key);
    strbuf_adds(b, "\">\n<label for=\"q-");
    html_escape(b, it->key);
    strbuf_adds(b, "\" class=\"question\">");
    put_question(b, p, it);
    strbuf_adds(b, "</label>\n");
    put_notes(b, p, it, error);
    strbuf_adds(b, "<textarea name=\"" SURVEY_FORM_ITEM_PREFIX);
    html_escape(b, it->key);
    strbuf_adds(b, "\" id=\"q-");
    html_escape(b, it->key);
    strbuf_addf(b, "\" rows=\"5\" maxlength=\"%d\"", it->max_length);
    put_describedby(b, it, tm_text_get(it->help, p->lang) != NULL, 1, error != NULL);
    if (error) strbuf_adds(b, " aria-invalid=\"true\"");
    /* The parser drops one newline right after the start tag; this one keeps
     * an answer that itself starts with a newline intact. */
    strbuf_adds(b, ">\n");
    if (json_is_string(v)) html_escape(b, json_string_value(v));
    strbuf_adds(b, "</textarea>\n</div>\n");
}

/* ---- the wave's rules -------------------------------------------------- */

static int has_rules(const survey_page *p)
{
    return instrument_rules(p->in) && json_array_size(p->rules) > 0;
}

/* A rule's text in the page's language (English when it has one). */
static const char *rule_text(const survey_page *p, json_t *rule)
{
    const char *en = json_string_value(json_object_get(rule, "text_en"));
    if (!strcmp(tm_text_lang(p->lang), "en") && en) return en;
    return json_string_value(json_object_get(rule, "text"));
}

/* One rule: a fieldset with the four answers of the scale, posted as
 * SURVEY_FORM_RULE_PREFIX + key. */
static void put_rule(strbuf *b, const survey_page *p, json_t *rule)
{
    const tm_rules *r = instrument_rules(p->in);
    const char *key = json_string_value(json_object_get(rule, "key"));
    const char *error = NULL;
    size_t i;
    json_t *e;
    json_array_foreach(p->errors, i, e)
    {
        const char *k = json_string_value(json_object_get(e, "rule"));
        if (k && !strcmp(k, key)) error = json_string_value(json_object_get(e, "error"));
    }
    const char *chosen = json_string_value(json_object_get(p->ratings, key));
    strbuf_adds(b, error ? "<fieldset class=\"item item-rule invalid\" id=\"rule-"
                         : "<fieldset class=\"item item-rule\" id=\"rule-");
    html_escape(b, key);
    strbuf_adds(b, "\">\n<legend>");
    html_escape(b, rule_text(p, rule));
    strbuf_adds(b, "</legend>\n");
    if (error) {
        strbuf_adds(b, "<p class=\"error\"><span class=\"visually-hidden\">");
        put_ui(b, p->lang, UI_ERROR_PREFIX);
        strbuf_adds(b, "</span>");
        put_ui(b, p->lang, UI_ERR_CHOOSE_ONE);
        strbuf_adds(b, "</p>\n");
    }
    strbuf_adds(b, "<div class=\"options list rule-scale\">\n");
    for (int a = 0; a < RULE_ANSWERS; a++) {
        const char *value = r->scale[a].key;
        strbuf_adds(b,
                    a == RULE_ANSWERS - 1 ? "<div class=\"option dk\">" : "<div class=\"option\">");
        strbuf_adds(b, "<input type=\"radio\" name=\"" SURVEY_FORM_RULE_PREFIX);
        html_escape(b, key);
        strbuf_adds(b, "\" id=\"r-");
        html_escape(b, key);
        strbuf_adds(b, ".");
        html_escape(b, value);
        strbuf_adds(b, "\" value=\"");
        html_escape(b, value);
        strbuf_adds(b, chosen && !strcmp(chosen, value) ? "\" checked>" : "\">");
        strbuf_adds(b, "<label for=\"r-");
        html_escape(b, key);
        strbuf_adds(b, ".");
        html_escape(b, value);
        strbuf_adds(b, "\">");
        html_escape(b, tm_text_get(r->scale[a].label, p->lang));
        strbuf_adds(b, "</label></div>\n");
    }
    strbuf_adds(b, "</div>\n</fieldset>\n");
}

/* The rules block: its question and help, then every rule of the wave. */
static void put_rules(strbuf *b, const survey_page *p)
{
    const tm_rules *r = instrument_rules(p->in);
    strbuf_adds(b, "<section class=\"rules\" id=\"rules\" aria-labelledby=\"rules-title\">\n"
                   "<h3 id=\"rules-title\">");
    put_ui(b, p->lang, UI_RULES_TITLE);
    strbuf_adds(b, "</h3>\n<p class=\"rules-question\">");
    html_escape(b, tm_text_get(r->text, p->lang));
    strbuf_adds(b, "</p>\n");
    const char *help = tm_text_get(r->help, p->lang);
    if (help) {
        strbuf_adds(b, "<p class=\"help\">");
        html_escape(b, help);
        strbuf_adds(b, "</p>\n");
    }
    size_t i;
    json_t *rule;
    json_array_foreach(p->rules, i, rule) put_rule(b, p, rule);
    strbuf_adds(b, "</section>\n");
}

/* Items of domain d (-1: the background items) asked to this layer. */
static int section_size(const survey_page *p, int d)
{
    int n = 0;
    for (size_t i = 0; i < p->in->n_items; i++)
        n += p->in->items[i].domain == d && instrument_item_asked(&p->in->items[i], p->layer);
    return n;
}

static void put_section(strbuf *b, const survey_page *p, int d, int part, int parts)
{
    strbuf_addf(b,
                "<section class=\"part\" aria-labelledby=\"part-%d\">\n<h2 id=\"part-%d\">"
                "<span class=\"part-no\">",
                part, part);
    put_ui_numbers(b, p->lang, UI_PART, "part", part, "parts", parts);
    strbuf_adds(b, "</span> ");
    if (d >= 0) {
        html_escape(b, tm_text_get(p->in->domains[d].label, p->lang));
        strbuf_adds(b, "</h2>\n");
        const char *intro = tm_text_get(p->in->domains[d].description, p->lang);
        if (intro) {
            strbuf_adds(b, "<p class=\"part-intro\">");
            html_escape(b, intro);
            strbuf_adds(b, "</p>\n");
        }
    } else {
        put_ui(b, p->lang, UI_ABOUT_YOU);
        strbuf_adds(b, "</h2>\n");
    }
    const tm_rules *rules = has_rules(p) ? instrument_rules(p->in) : NULL;
    for (size_t i = 0; i < p->in->n_items; i++) {
        const tm_item *it = &p->in->items[i];
        if (it->domain != d) continue;
        if (instrument_item_asked(it, p->layer)) {
            if (it->type == ITEM_TEXT)
                put_text_item(b, p, it);
            else
                put_choice_item(b, p, it);
        }
        /* The block stands at its item's place, asked of this layer or not. */
        if (rules && rules->after == it) put_rules(b, p);
    }
    /* On a phone the form is long: a save at the end of every part spares
     * a busy respondent the scroll to the bottom. */
    if (part < parts) {
        strbuf_adds(b, "<div class=\"part-save\">\n<button type=\"submit\" name=\"action\" "
                       "value=\"save\" class=\"secondary\">");
        put_ui(b, p->lang, UI_SAVE);
        strbuf_adds(b, "</button>\n</div>\n");
    }
    strbuf_adds(b, "</section>\n");
}

static void put_form(strbuf *b, const survey_page *p)
{
    int parts = 0, part = 0;
    for (int d = -1; d < (int)p->in->n_domains; d++)
        parts += section_size(p, d) > 0;

    strbuf_adds(b, "<form method=\"post\" action=\"");
    html_escape(b, p->action);
    strbuf_adds(b, "\" novalidate>\n<input type=\"hidden\" name=\"lang\" value=\"");
    strbuf_adds(b, tm_text_lang(p->lang));
    strbuf_adds(b, "\">\n");
    for (int d = 0; d < (int)p->in->n_domains; d++)
        if (section_size(p, d) > 0) put_section(b, p, d, ++part, parts);
    /* Without a place of its own (or when its place's part is not shown to
     * this layer), the rules block comes before the background items. */
    const tm_rules *rules = has_rules(p) ? instrument_rules(p->in) : NULL;
    if (rules &&
        (!rules->after || rules->after->domain < 0 || section_size(p, rules->after->domain) == 0))
        put_rules(b, p);
    if (section_size(p, -1) > 0) put_section(b, p, -1, ++part, parts);

    /* Save comes first: Enter in a field presses the first button, and
     * keeping a draft is the harmless choice. */
    strbuf_adds(b, "<div class=\"actions\">\n"
                   "<button type=\"submit\" name=\"action\" value=\"save\" class=\"secondary\">");
    put_ui(b, p->lang, UI_SAVE);
    strbuf_adds(b, "</button>\n"
                   "<button type=\"submit\" name=\"action\" value=\"submit\" class=\"primary\">");
    put_ui(b, p->lang, UI_SUBMIT);
    strbuf_adds(b, "</button>\n</div>\n");
    if (p->more_needed > 0) {
        strbuf_adds(b, "<p class=\"more-needed\" id=\"more-needed\" role=\"alert\">");
        put_ui_numbers(b, p->lang, UI_MORE_NEEDED, "more", p->more_needed, "needed", p->needed);
        strbuf_adds(b, "</p>\n");
    }
    strbuf_adds(b, "<p class=\"save-hint\">");
    put_ui(b, p->lang, UI_SAVE_HINT);
    strbuf_adds(b, "</p>\n</form>\n");
}

char *survey_page_render(const survey_page *p)
{
    strbuf b = STRBUF_INIT(SURVEY_PAGE_MAX_BYTES);
    const char *title = tm_text_get(p->in->title, p->lang);
    int failed = json_array_size(p->errors) > 0;

    put_head(&b, p->lang, failed ? ui(p->lang, UI_ERROR_PREFIX) : NULL, title, p->organisation);
    put_masthead(&b, p);
    strbuf_adds(&b, "<main class=\"wrap\">\n<h1>");
    html_escape(&b, title);
    strbuf_adds(&b, "</h1>\n");
    if (p->notice && *p->notice) {
        strbuf_adds(&b, "<p class=\"notice\" role=\"status\">");
        html_escape(&b, p->notice);
        strbuf_adds(&b, "</p>\n");
    }
    put_error_summary(&b, p);
    if (p->seconds > 0) {
        strbuf_adds(&b, "<p class=\"duration\" id=\"duration\">");
        put_ui_numbers(&b, p->lang, UI_DURATION, "minutes", survey_page_minutes(p->seconds), NULL,
                       0);
        strbuf_adds(&b, "</p>\n");
    }
    strbuf_adds(&b, "<div class=\"intro\">\n");
    put_paragraphs(&b, tm_text_get(p->in->description, p->lang));
    strbuf_adds(&b, "</div>\n<p class=\"promise\">");
    put_ui_numbers(&b, p->lang, UI_PROMISE, "k", p->min_group_size, NULL, 0);
    strbuf_adds(&b, "</p>\n");
    put_progress(&b, p);
    put_form(&b, p);
    strbuf_adds(&b, "</main>\n</body>\n</html>\n");
    return strbuf_detach(&b, NULL);
}

int survey_page_minutes(double seconds)
{
    int m = (int)(seconds / 60.0);
    if (m * 60.0 < seconds) m++;
    return m < 1 ? 1 : m;
}

char *survey_page_message(const char *lang, const char *title, const char *text)
{
    return survey_page_confirm(lang, title, text, NULL, NULL);
}

char *survey_page_confirm(const char *lang, const char *title, const char *text, const char *action,
                          const char *button)
{
    strbuf b = STRBUF_INIT(SURVEY_PAGE_MAX_BYTES);
    put_head(&b, lang, NULL, title, NULL);
    strbuf_adds(&b, "<main class=\"wrap message\">\n<h1>");
    html_escape(&b, title);
    strbuf_adds(&b, "</h1>\n");
    put_paragraphs(&b, text);
    if (action) {
        strbuf_adds(&b, "<form method=\"post\" action=\"");
        html_escape(&b, action);
        strbuf_adds(&b, "\">\n<button type=\"submit\" class=\"primary\">");
        html_escape(&b, button);
        strbuf_adds(&b, "</button>\n</form>\n");
    }
    strbuf_adds(&b, "</main>\n</body>\n</html>\n");
    return strbuf_detach(&b, NULL);
}

/* ---- decoding ---------------------------------------------------------- */

/* A printable, shortened copy of a raw field name for error messages, which
 * must stay valid UTF-8 whatever the client sent. */
static void describe(const char *raw, size_t n, char out[48])
{
    size_t j = 0;
    for (size_t i = 0; i < n && j < 40; i++) {
        unsigned char c = (unsigned char)raw[i];
        out[j++] = c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? (char)c : '?';
    }
    if (n > 40) out[j++] = '.', out[j++] = '.', out[j++] = '.';
    out[j] = '\0';
}

/* Browsers send line breaks in a textarea as CRLF but count them as one
 * character against maxlength; keeping LF makes answers_check count alike. */
static void crlf_to_lf(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++)
        if (!(r[0] == '\r' && r[1] == '\n')) *w++ = *r;
    *w = '\0';
}

static int all_digits(const char *s)
{
    size_t n = strspn(s, "0123456789");
    return n > 0 && n <= 9 && s[n] == '\0'; /* 9 digits always fit an int */
}

/* The JSON value of one answer field, by the item's type. */
static json_t *field_value(const tm_item *it, char *value)
{
    if (it && (it->type == ITEM_LIKERT || it->type == ITEM_GRADE) && all_digits(value))
        return json_integer(atoi(value));
    if (it && it->type == ITEM_TEXT) crlf_to_lf(value);
    return json_string(value);
}

/* Adds one answer field to answers: a multiple-choice item collects its
 * fields in a list; any other field repeated becomes a list too, which
 * answers_check then refuses with a message about that item. */
static int add_field(json_t *answers, const tm_item *it, const char *name, json_t *v)
{
    json_t *prev = json_object_get(answers, name);
    if (!v) return -1;
    if (it && it->type == ITEM_CHOICE && it->multiple && !prev)
        return json_object_set_new(answers, name, json_pack("[o]", v));
    if (!prev) return json_object_set_new(answers, name, v);
    if (json_is_array(prev)) return json_array_append_new(prev, v);
    return json_object_set_new(answers, name, json_pack("[O,o]", prev, v));
}

/* Decodes one name=value pair into answers or action. */
static int decode_field(const instrument *in, const char *raw, size_t n, json_t *answers,
                        char action[16], int *have_action, tm_error *err)
{
    const char *eq = memchr(raw, '=', n);
    size_t name_n = eq ? (size_t)(eq - raw) : n, name_len, value_len;
    char what[48];
    int bad, rc = 0;
    describe(raw, name_n, what);

    char *name = formdata_unescape(raw, name_n, &name_len, &bad);
    if (!name) goto fail_name;
    char *value = formdata_unescape(eq ? eq + 1 : "", eq ? n - name_n - 1 : 0, &value_len, &bad);
    if (!value) {
        free(name);
        goto fail_name;
    }
    size_t prefix = strlen(SURVEY_FORM_ITEM_PREFIX);
    size_t rprefix = strlen(SURVEY_FORM_RULE_PREFIX);
    if (!strncmp(name, SURVEY_FORM_RULE_PREFIX, rprefix)) {
        /* A rule's rating rides with the answers under its own prefix. */
        json_t *rk = json_sprintf(ANSWERS_RULE_PREFIX "%s", name + rprefix);
        if (!rk)
            rc = tm_error_set(err, 500, "out of memory decoding the form");
        else if (value_len > 0 &&
                 add_field(answers, NULL, json_string_value(rk), json_string(value)) < 0)
            rc = tm_error_set(err, 500, "out of memory decoding the form");
        json_decref(rk);
    } else if (!strncmp(name, SURVEY_FORM_ITEM_PREFIX, prefix)) {
        const char *key = name + prefix;
        const tm_item *it = instrument_item(in, key);
        if (value_len > 0 && add_field(answers, it, key, field_value(it, value)) < 0)
            rc = tm_error_set(err, 500, "out of memory decoding the form");
    } else if (!strcmp(name, "action")) {
        if (*have_action)
            rc = tm_error_set(err, 400, "field \"action\" is given more than once");
        else if (strcmp(value, "save") && strcmp(value, "submit"))
            rc = tm_error_set(err, 400, "field \"action\" must be \"save\" or \"submit\"");
        else
            snprintf(action, 16, "%s", value);
        *have_action = 1;
    } else if (strcmp(name, "lang")) {
        rc = tm_error_set(err, 400, "field \"%s\" is not a field of this form", what);
    }
    free(name);
    free(value);
    return rc;

fail_name:
    if (bad == 1) return tm_error_set(err, 400, "field \"%s\" has an invalid percent escape", what);
    if (bad == 2) return tm_error_set(err, 400, "field \"%s\" is not valid UTF-8 text", what);
    return tm_error_set(err, 500, "out of memory decoding the form");
}

int survey_form_decode(const instrument *in, int layer, const char *body, size_t len,
                       json_t **answers, char action[16], tm_error *err)
{
    (void)layer; /* see survey_page.h: kept so callers need not change if it starts to matter */
    int have_action = 0, fields = 0;
    *answers = json_object();
    if (!*answers) return tm_error_set(err, 500, "out of memory decoding the form");
    snprintf(action, 16, "save");

    const char *p = body, *end = body ? body + len : body;
    while (p && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if (stop != p) { /* "a=1&&b=2": empty pairs are skipped */
            if (++fields > SURVEY_FORM_MAX_FIELDS) {
                tm_error_set(err, 400, "the form has more than %d fields", SURVEY_FORM_MAX_FIELDS);
                goto fail;
            }
            if (decode_field(in, p, (size_t)(stop - p), *answers, action, &have_action, err) < 0)
                goto fail;
        }
        p = amp ? amp + 1 : end;
    }
    return 0;

fail:
    json_decref(*answers);
    *answers = NULL;
    snprintf(action, 16, "save");
    return -1;
}
