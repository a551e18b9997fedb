/* survey_page.c - see survey_page.h.
 *
 * The page is written front to back into an html_buf. Every text that comes
 * from outside this file (instrument texts, answers, names, the action path)
 * goes through html_append_escaped, and so do the page's own strings, which
 * costs nothing and keeps the rule simple: raw html_append is for markup.
 */
#include "server/web/survey_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/web/html.h"

/* ---- the page's own wording ------------------------------------------- */

/* {1} and {2} in a text stand for numbers; see put_ui. */
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
    UI_COUNT
} ui_key;

static const struct {
    const char *nl, *en;
} ui_text[UI_COUNT] = {
    [UI_LANG_NAME] = {"English", "Nederlands"},
    [UI_LANG_CODE] = {"en", "nl"},
    [UI_PROMISE] = {"Uw antwoorden zijn anoniem. Uitkomsten worden alleen getoond voor groepen "
                    "van minstens {1} personen; niemand kan uw antwoorden tot u herleiden.",
                    "Your answers are anonymous. Results are only shown for groups of at least {1} "
                    "people; no one can trace your answers back to you."},
    [UI_PROGRESS] = {"{1} van {2} vragen beantwoord", "{1} of {2} questions answered"},
    [UI_PART] = {"Deel {1} van {2}:", "Part {1} of {2}:"},
    [UI_ABOUT_YOU] = {"Over u", "About you"},
    [UI_DONT_KNOW] = {"Weet niet", "Don't know"},
    [UI_REQUIRED] = {"(verplicht)", "(required)"},
    [UI_MAX_CHARS] = {"Maximaal {1} tekens.", "At most {1} characters."},
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
    [UI_ERR_TEXT] = {"Gebruik maximaal {1} tekens.", "Use at most {1} characters."},
    [UI_ERR_FOREIGN] = {"Een antwoord hoort niet bij deze vragenlijst.",
                        "An answer does not belong to this questionnaire."},
};

static int is_en(const char *lang)
{
    return lang && !strcmp(lang, "en");
}

static const char *ui(const char *lang, ui_key k)
{
    return is_en(lang) ? ui_text[k].en : ui_text[k].nl;
}

/* Writes text k escaped, with {1} and {2} replaced by a and b. The table's
 * texts take their numbers this way rather than as printf formats so that the
 * compiler can check every printf format in the program. */
static void put_ui(html_buf *b, const char *lang, ui_key k, int a, int c)
{
    const char *s = ui(lang, k);
    const char *mark;
    while ((mark = strchr(s, '{')) && (mark[1] == '1' || mark[1] == '2') && mark[2] == '}') {
        html_append_escapedn(b, s, (size_t)(mark - s));
        html_appendf(b, "%d", mark[1] == '1' ? a : c);
        s = mark + 3;
    }
    html_append_escaped(b, s);
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
static void put_error_message(html_buf *b, const char *lang, const tm_item *it, const char *error)
{
    if (!it) {
        put_ui(b, lang, UI_ERR_FOREIGN, 0, 0);
    } else if (error && strstr(error, "is required")) {
        put_ui(b, lang, UI_ERR_REQUIRED, 0, 0);
    } else if (it->type == ITEM_TEXT) {
        put_ui(b, lang, UI_ERR_TEXT, it->max_length, 0);
    } else if (it->type == ITEM_GRADE) {
        put_ui(b, lang, UI_ERR_GRADE, 0, 0);
    } else if (it->type == ITEM_CHOICE && it->multiple) {
        put_ui(b, lang, UI_ERR_CHOOSE_SOME, 0, 0);
    } else {
        put_ui(b, lang, UI_ERR_CHOOSE_ONE, 0, 0);
    }
}

/* ---- pieces of the document ------------------------------------------- */

/* text split into <p> paragraphs at blank lines. */
static void put_paragraphs(html_buf *b, const char *text)
{
    while (text && *text) {
        text += strspn(text, " \t\r\n");
        if (!*text) break;
        const char *end = strstr(text, "\n\n");
        size_t n = end ? (size_t)(end - text) : strlen(text);
        html_append(b, "<p>");
        html_append_escapedn(b, text, n);
        html_append(b, "</p>\n");
        text += n;
    }
}

static void put_head(html_buf *b, const char *lang, const char *title_prefix, const char *title,
                     const char *title_suffix)
{
    html_append(b, "<!doctype html>\n<html lang=\"");
    html_append(b, is_en(lang) ? "en" : "nl");
    html_append(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"robots\" content=\"noindex\">\n<title>");
    html_append_escaped(b, title_prefix);
    html_append_escaped(b, title);
    if (title_suffix && *title_suffix) {
        html_append(b, " \u2013 ");
        html_append_escaped(b, title_suffix);
    }
    html_append(b, "</title>\n<link rel=\"stylesheet\" href=\"/assets/survey.css\">\n"
                   "</head>\n<body>\n");
}

/* The bar with the organisation, the wave and the language switch. */
static void put_masthead(html_buf *b, const survey_page *p)
{
    const char *other = ui(p->lang, UI_LANG_CODE);
    const char *action = p->action ? p->action : "";
    html_append(b, "<header class=\"top\">\n<div class=\"wrap\">\n<p class=\"org\">");
    html_append_escaped(b, p->organisation);
    if (p->wave_name && *p->wave_name) {
        html_append(b, p->organisation && *p->organisation ? " <span class=\"wave\">\u00b7 "
                                                           : " <span class=\"wave\">");
        html_append_escaped(b, p->wave_name);
        html_append(b, "</span>");
    }
    html_append(b, "</p>\n<a class=\"lang\" href=\"");
    html_append_escaped(b, action);
    html_append(b, strchr(action, '?') ? "&amp;lang=" : "?lang=");
    html_append(b, other);
    html_append(b, "\" hreflang=\"");
    html_append(b, other);
    html_append(b, "\" lang=\"");
    html_append(b, other);
    html_append(b, "\">");
    html_append_escaped(b, ui(p->lang, UI_LANG_NAME));
    html_append(b, "</a>\n</div>\n</header>\n");
}

static void put_error_summary(html_buf *b, const survey_page *p)
{
    if (json_array_size(p->errors) == 0) return;
    html_append(b, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"errors-title\">\n"
                   "<h2 id=\"errors-title\">");
    put_ui(b, p->lang, UI_ERRORS_TITLE, 0, 0);
    html_append(b, "</h2>\n<ul>\n");
    size_t i;
    json_t *e;
    json_array_foreach(p->errors, i, e)
    {
        const char *key = json_string_value(json_object_get(e, "item"));
        const tm_item *it = key ? instrument_item(p->in, key) : NULL;
        if (it && !tm_item_asked(it, p->layer)) it = NULL; /* not on this page */
        html_append(b, "<li>");
        if (it) {
            html_append(b, "<a href=\"#item-");
            html_append_escaped(b, it->key);
            html_append(b, "\">");
            html_append_escaped(b, tm_text_get(it->text, p->lang));
            html_append(b, "</a> ");
        }
        put_error_message(b, p->lang, it, json_string_value(json_object_get(e, "error")));
        html_append(b, "</li>\n");
    }
    html_append(b, "</ul>\n</div>\n");
}

static void put_progress(html_buf *b, const survey_page *p)
{
    int asked = 0, answered = 0;
    for (size_t i = 0; i < p->in->n_items; i++) {
        const tm_item *it = &p->in->items[i];
        if (!tm_item_asked(it, p->layer)) continue;
        asked++;
        answered += has_answer(answer_of(p, it->key));
    }
    html_append(b, "<div class=\"progress\">\n<p id=\"progress-text\">");
    put_ui(b, p->lang, UI_PROGRESS, answered, asked);
    html_appendf(b,
                 "</p>\n<progress max=\"%d\" value=\"%d\" aria-labelledby=\"progress-text\">"
                 "</progress>\n</div>\n",
                 asked > 0 ? asked : 1, answered);
}

/* aria-describedby for an item: its help, hint and error paragraphs. */
static void put_describedby(html_buf *b, const tm_item *it, int help, int hint, int error)
{
    if (!help && !hint && !error) return;
    const char *sep = "";
    html_append(b, " aria-describedby=\"");
    if (help) {
        html_append(b, "help-");
        html_append_escaped(b, it->key);
        sep = " ";
    }
    if (hint) {
        html_append(b, sep);
        html_append(b, "hint-");
        html_append_escaped(b, it->key);
        sep = " ";
    }
    if (error) {
        html_append(b, sep);
        html_append(b, "err-");
        html_append_escaped(b, it->key);
    }
    html_append(b, "\"");
}

/* <p class=cls id=prefix-KEY>, the start of a paragraph an item points to. */
static void open_note(html_buf *b, const char *cls, const char *prefix, const tm_item *it)
{
    html_append(b, "<p class=\"");
    html_append(b, cls);
    html_append(b, "\" id=\"");
    html_append(b, prefix);
    html_append_escaped(b, it->key);
    html_append(b, "\">");
}

/* The help text and the error of an item, in that order under its question. */
static void put_notes(html_buf *b, const survey_page *p, const tm_item *it, const char *error)
{
    const char *help = tm_text_get(it->help, p->lang);
    if (help) {
        open_note(b, "help", "help-", it);
        html_append_escaped(b, help);
        html_append(b, "</p>\n");
    }
    if (it->type == ITEM_TEXT) {
        open_note(b, "hint", "hint-", it);
        put_ui(b, p->lang, UI_MAX_CHARS, it->max_length, 0);
        html_append(b, "</p>\n");
    }
    if (error) {
        open_note(b, "error", "err-", it);
        html_append(b, "<span class=\"visually-hidden\">");
        put_ui(b, p->lang, UI_ERROR_PREFIX, 0, 0);
        html_append(b, "</span>");
        put_error_message(b, p->lang, it, error);
        html_append(b, "</p>\n");
    }
}

static void put_question(html_buf *b, const survey_page *p, const tm_item *it)
{
    html_append_escaped(b, tm_text_get(it->text, p->lang));
    if (it->required) {
        html_append(b, " <span class=\"req\">");
        put_ui(b, p->lang, UI_REQUIRED, 0, 0);
        html_append(b, "</span>");
    }
}

/* One radio button or check box with its own label. */
static void put_option(html_buf *b, const survey_page *p, const tm_item *it, const char *value,
                       const char *label, int dont_know)
{
    json_t *v = answer_of(p, it->key);
    html_append(b, dont_know ? "<div class=\"option dk\">" : "<div class=\"option\">");
    html_append(b, "<input type=\"");
    html_append(b, it->multiple && !dont_know ? "checkbox" : "radio");
    html_append(b, "\" name=\"");
    html_append_escaped(b, it->key);
    /* Keys never contain '.', so q-KEY.VALUE cannot collide between items. */
    html_append(b, "\" id=\"q-");
    html_append_escaped(b, it->key);
    html_append(b, ".");
    html_append_escaped(b, value);
    html_append(b, "\" value=\"");
    html_append_escaped(b, value);
    html_append(b, v && selects(v, value) ? "\" checked>" : "\">");
    html_append(b, "<label for=\"q-");
    html_append_escaped(b, it->key);
    html_append(b, ".");
    html_append_escaped(b, value);
    html_append(b, "\">");
    html_append_escaped(b, label);
    html_append(b, "</label></div>\n");
}

static void put_options(html_buf *b, const survey_page *p, const tm_item *it)
{
    char num[16];
    switch (it->type) {
    case ITEM_LIKERT:
        html_append(b, "<div class=\"options likert\">\n");
        for (int v = 1; v <= it->points; v++) {
            const char *label = tm_item_scale_label(p->in, it, v, p->lang);
            snprintf(num, sizeof num, "%d", v);
            put_option(b, p, it, num, label ? label : num, 0);
        }
        break;
    case ITEM_GRADE:
        html_append(b, "<div class=\"options grade\">\n");
        for (int v = 1; v <= 10; v++) {
            snprintf(num, sizeof num, "%d", v);
            put_option(b, p, it, num, num, 0);
        }
        break;
    default:
        html_append(b, "<div class=\"options list\">\n");
        for (size_t i = 0; i < it->n_options; i++)
            put_option(b, p, it, it->options[i].key, tm_text_get(it->options[i].label, p->lang), 0);
        break;
    }
    if (it->dont_know) put_option(b, p, it, "dont_know", ui(p->lang, UI_DONT_KNOW), 1);
    html_append(b, "</div>\n");
}

/* A likert, grade, intent or choice item: a fieldset of options. */
static void put_choice_item(html_buf *b, const survey_page *p, const tm_item *it)
{
    const char *error = error_of(p, it->key);
    html_append(b, "<fieldset class=\"item item-");
    html_append(b, item_type_name(it->type));
    html_append(b, error ? " invalid\" id=\"item-" : "\" id=\"item-");
    html_append_escaped(b, it->key);
    html_append(b, "\"");
    put_describedby(b, it, tm_text_get(it->help, p->lang) != NULL, 0, error != NULL);
    if (error) html_append(b, " aria-invalid=\"true\"");
    html_append(b, ">\n<legend>");
    put_question(b, p, it);
    html_append(b, "</legend>\n");
    put_notes(b, p, it, error);
    put_options(b, p, it);
    html_append(b, "</fieldset>\n");
}

static void put_text_item(html_buf *b, const survey_page *p, const tm_item *it)
{
    const char *error = error_of(p, it->key);
    json_t *v = answer_of(p, it->key);
    html_append(b, error ? "<div class=\"item item-text invalid\" id=\"item-"
                         : "<div class=\"item item-text\" id=\"item-");
    html_append_escaped(b, it->key);
    html_append(b, "\">\n<label for=\"q-");
    html_append_escaped(b, it->key);
    html_append(b, "\" class=\"question\">");
    put_question(b, p, it);
    html_append(b, "</label>\n");
    put_notes(b, p, it, error);
    html_append(b, "<textarea name=\"");
    html_append_escaped(b, it->key);
    html_append(b, "\" id=\"q-");
    html_append_escaped(b, it->key);
    html_appendf(b, "\" rows=\"5\" maxlength=\"%d\"", it->max_length);
    put_describedby(b, it, tm_text_get(it->help, p->lang) != NULL, 1, error != NULL);
    if (error) html_append(b, " aria-invalid=\"true\"");
    /* The parser drops one newline right after the start tag; this one keeps
     * an answer that itself starts with a newline intact. */
    html_append(b, ">\n");
    if (json_is_string(v)) html_append_escaped(b, json_string_value(v));
    html_append(b, "</textarea>\n</div>\n");
}

/* Items of domain d (-1: the background items) asked to this layer. */
static int section_size(const survey_page *p, int d)
{
    int n = 0;
    for (size_t i = 0; i < p->in->n_items; i++)
        n += p->in->items[i].domain == d && tm_item_asked(&p->in->items[i], p->layer);
    return n;
}

static void put_section(html_buf *b, const survey_page *p, int d, int part, int parts)
{
    html_appendf(b,
                 "<section class=\"part\" aria-labelledby=\"part-%d\">\n<h2 id=\"part-%d\">"
                 "<span class=\"part-no\">",
                 part, part);
    put_ui(b, p->lang, UI_PART, part, parts);
    html_append(b, "</span> ");
    if (d >= 0) {
        html_append_escaped(b, tm_text_get(p->in->domains[d].label, p->lang));
        html_append(b, "</h2>\n");
        const char *intro = tm_text_get(p->in->domains[d].description, p->lang);
        if (intro) {
            html_append(b, "<p class=\"part-intro\">");
            html_append_escaped(b, intro);
            html_append(b, "</p>\n");
        }
    } else {
        put_ui(b, p->lang, UI_ABOUT_YOU, 0, 0);
        html_append(b, "</h2>\n");
    }
    for (size_t i = 0; i < p->in->n_items; i++) {
        const tm_item *it = &p->in->items[i];
        if (it->domain != d || !tm_item_asked(it, p->layer)) continue;
        if (it->type == ITEM_TEXT)
            put_text_item(b, p, it);
        else
            put_choice_item(b, p, it);
    }
    /* On a phone the form is long: a save at the end of every part spares
     * a busy respondent the scroll to the bottom. */
    if (part < parts) {
        html_append(b, "<div class=\"part-save\">\n<button type=\"submit\" name=\"action\" "
                       "value=\"save\" class=\"secondary\">");
        put_ui(b, p->lang, UI_SAVE, 0, 0);
        html_append(b, "</button>\n</div>\n");
    }
    html_append(b, "</section>\n");
}

static void put_form(html_buf *b, const survey_page *p)
{
    int parts = 0, part = 0;
    for (int d = -1; d < (int)p->in->n_domains; d++)
        parts += section_size(p, d) > 0;

    html_append(b, "<form method=\"post\" action=\"");
    html_append_escaped(b, p->action);
    html_append(b, "\" novalidate>\n<input type=\"hidden\" name=\"lang\" value=\"");
    html_append(b, is_en(p->lang) ? "en" : "nl");
    html_append(b, "\">\n");
    for (int d = 0; d < (int)p->in->n_domains; d++)
        if (section_size(p, d) > 0) put_section(b, p, d, ++part, parts);
    if (section_size(p, -1) > 0) put_section(b, p, -1, ++part, parts);

    /* Save comes first: Enter in a field presses the first button, and
     * keeping a draft is the harmless choice. */
    html_append(b, "<div class=\"actions\">\n"
                   "<button type=\"submit\" name=\"action\" value=\"save\" class=\"secondary\">");
    put_ui(b, p->lang, UI_SAVE, 0, 0);
    html_append(b, "</button>\n"
                   "<button type=\"submit\" name=\"action\" value=\"submit\" class=\"primary\">");
    put_ui(b, p->lang, UI_SUBMIT, 0, 0);
    html_append(b, "</button>\n</div>\n<p class=\"save-hint\">");
    put_ui(b, p->lang, UI_SAVE_HINT, 0, 0);
    html_append(b, "</p>\n</form>\n");
}

char *survey_page_render(const survey_page *p)
{
    html_buf b = HTML_BUF_INIT;
    const char *title = tm_text_get(p->in->title, p->lang);
    int failed = json_array_size(p->errors) > 0;

    put_head(&b, p->lang, failed ? ui(p->lang, UI_ERROR_PREFIX) : NULL, title, p->organisation);
    put_masthead(&b, p);
    html_append(&b, "<main class=\"wrap\">\n<h1>");
    html_append_escaped(&b, title);
    html_append(&b, "</h1>\n");
    if (p->notice && *p->notice) {
        html_append(&b, "<p class=\"notice\" role=\"status\">");
        html_append_escaped(&b, p->notice);
        html_append(&b, "</p>\n");
    }
    put_error_summary(&b, p);
    html_append(&b, "<div class=\"intro\">\n");
    put_paragraphs(&b, tm_text_get(p->in->description, p->lang));
    html_append(&b, "</div>\n<p class=\"promise\">");
    put_ui(&b, p->lang, UI_PROMISE, p->min_group_size, 0);
    html_append(&b, "</p>\n");
    put_progress(&b, p);
    put_form(&b, p);
    html_append(&b, "</main>\n</body>\n</html>\n");
    return html_take(&b);
}

char *survey_page_message(const char *lang, const char *title, const char *text)
{
    html_buf b = HTML_BUF_INIT;
    put_head(&b, lang, NULL, title, NULL);
    html_append(&b, "<main class=\"wrap message\">\n<h1>");
    html_append_escaped(&b, title);
    html_append(&b, "</h1>\n");
    put_paragraphs(&b, text);
    html_append(&b, "</main>\n</body>\n</html>\n");
    return html_take(&b);
}

/* ---- decoding ---------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF,
 * and no NUL (the text ends up in C strings and JSON object keys). */
static int valid_text(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t more;
        unsigned min, cp;
        if (c == 0) return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1, min = 0x80, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2, min = 0x800, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= more) return 0;
        for (size_t k = 1; k <= more; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += more + 1;
    }
    return 1;
}

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

/* Decodes n bytes of one name or value into a new string (caller frees),
 * or returns NULL with *bad set when the escapes or the text are invalid. */
static char *form_unescape(const char *s, size_t n, size_t *out_len, int *bad)
{
    char *out = malloc(n + 1);
    size_t j = 0;
    *bad = 0;
    if (!out) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[j++] = ' ';
        } else if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = hi >= 0 ? hexval(s[i + 2]) : -1;
            if (lo < 0) {
                free(out);
                *bad = 1;
                return NULL;
            }
            out[j++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    if (!valid_text((const unsigned char *)out, j)) {
        free(out);
        *bad = 2;
        return NULL;
    }
    *out_len = j;
    return out;
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

    char *name = form_unescape(raw, name_n, &name_len, &bad);
    if (!name) goto fail_name;
    char *value = form_unescape(eq ? eq + 1 : "", eq ? n - name_n - 1 : 0, &value_len, &bad);
    if (!value) {
        free(name);
        goto fail_name;
    }
    if (!strcmp(name, "action")) {
        if (*have_action)
            rc = tm_error_set(err, 400, "field \"action\" is given more than once");
        else if (strcmp(value, "save") && strcmp(value, "submit"))
            rc = tm_error_set(err, 400, "field \"action\" must be \"save\" or \"submit\"");
        else
            snprintf(action, 16, "%s", value);
        *have_action = 1;
    } else if (strcmp(name, "lang") && value_len > 0) {
        const tm_item *it = instrument_item(in, name);
        if (add_field(answers, it, name, field_value(it, value)) < 0)
            rc = tm_error_set(err, 500, "out of memory decoding the form");
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
