/* survey_page.h - the respondent's form: rendering and decoding.
 *
 * The questionnaire is one HTML page without JavaScript (the CSP allows
 * neither scripts nor inline styles): the expected time for the layer at
 * the top, the items asked to the respondent's layer in that layer's
 * wording, grouped per domain in the instrument's order, the wave's rules
 * block where the instrument places it (every rule with the four answers of
 * its scale), with background items last, pre-filled from a draft or from what was just posted, and
 * with any problems found by answers_check shown next to the items and summarised at the top. The
 * form posts application/x-www-form-urlencoded: one field per answer, named SURVEY_FORM_ITEM_PREFIX
 * and the item key ("q.ek-eff-1"), and the form's own fields, a button action=save|submit and a
 * hidden lang. The prefix keeps the two apart, so an item may have any key the instrument format
 * allows. survey_form_decode turns that body back into the JSON answers object that answers_check
 * takes.
 *
 * Dutch is the default language; "en" gives English. The page's own wording
 * lives in one table (core/text.h) in survey_page.c; the questions come from
 * the instrument. Nothing here does HTTP or SQL: the routes call these
 * functions.
 */
#ifndef TM_SURVEY_PAGE_H
#define TM_SURVEY_PAGE_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "core/instrument.h"

#define SURVEY_FORM_MAX_FIELDS 2000
#define SURVEY_FORM_ITEM_PREFIX "q."      /* an answer's field: "q." and the item key */
#define SURVEY_PAGE_MAX_BYTES (16u << 20) /* a page larger than this is not made */

typedef struct survey_page {
    const instrument *in;
    int layer;          /* respondent's layer index */
    const char *lang;   /* "nl" (default) or "en" */
    const char *action; /* form action path, e.g. "/s/TOKEN" */
    json_t *answers;    /* borrowed: current answers {"item": value}; may be NULL */
    json_t *errors; /* borrowed: [{"item": key, "error": text}] from answers_check; may be NULL */
    const char *notice;       /* optional status line, already in the page's language */
    int min_group_size;       /* the wave's k, for the anonymity promise */
    const char *wave_name;    /* shown in the header; may be NULL */
    const char *organisation; /* shown in the header; may be NULL */
    int more_needed;          /* > 0: a submission was refused for too few answers: how many
                                 more are needed, shown next to the send button */
    int needed;               /* ... of how many that count (answers_core_count) */
    json_t *rules;   /* borrowed: the wave's rules [{"key", "text", "text_en"?}]; NULL or []:
                        no rules block */
    json_t *ratings; /* borrowed: current ratings {"rule key": scale key}; may be NULL */
    double seconds;  /* expected seconds for this layer's form (wave_settings_layer_seconds);
                        0: not shown */
} survey_page;

/* The whole minutes a form of seconds takes as the page says them: rounded
 * up, at least 1. */
int survey_page_minutes(double seconds);

/* A rating of rule KEY is posted as SURVEY_FORM_RULE_PREFIX KEY; decoded,
 * it is the answer ANSWERS_RULE_PREFIX KEY (core/answers.h), which
 * answers_take_rules moves out of the answers. */
#define SURVEY_FORM_RULE_PREFIX "r."

/* The whole HTML document for p (borrowed). The form also carries a hidden
 * field lang (which survey_form_decode ignores), and the language switch links
 * to p->action with ?lang=en or ?lang=nl added. Returns a string the caller
 * frees, or NULL when out of memory (or past SURVEY_PAGE_MAX_BYTES). */
char *survey_page_render(const survey_page *p);

/* A plain full page with a heading and a text (blank lines separate
 * paragraphs): thank you, already submitted, closed, unknown link, too many
 * attempts. lang as in survey_page; title and text in that language. Returns a
 * string the caller frees, or NULL when out of memory. */
char *survey_page_message(const char *lang, const char *title, const char *text);

/* A page as survey_page_message's with one button that posts an empty form
 * to action (a path of this server; NULL: no button): for a step that must
 * not happen by merely opening a link, as mail scanners open every link of
 * a mail. Returns a string the caller frees, or NULL when out of memory. */
char *survey_page_confirm(const char *lang, const char *title, const char *text, const char *action,
                          const char *button);

/* Decodes a posted form body (len bytes, need not be NUL-terminated) into
 * *answers (a new JSON object the caller decrefs) and action ("save" or
 * "submit"; "save" when the field is absent).
 *
 * Each field named SURVEY_FORM_ITEM_PREFIX + key is an answer to item key.
 * Likert and grade values of digits become integers; anything else (including
 * "dont_know") stays a string; a multiple-choice item gives an array of its
 * repeated fields; text keeps its line breaks as "\n". Empty values count as
 * unanswered and are left out. Nothing is judged here that answers_check
 * judges: unknown keys, items not asked to the layer, values out of range and
 * fields repeated for a single-answer item (passed on as an array) are all
 * passed through for it to report. layer is that of the respondent; decoding
 * does not depend on it today.
 *
 * Returns 0, or -1 with err (400) for a body that is not a well-formed form:
 * a bad percent escape, text that is not UTF-8 or contains NUL, an action
 * other than save/submit, a field that is neither an answer nor one of the
 * form's own, or more than SURVEY_FORM_MAX_FIELDS fields. The message names
 * the field. *answers is NULL on failure. */
int survey_form_decode(const instrument *in, int layer, const char *body, size_t len,
                       json_t **answers, char action[16], tm_error *err);

/* The style sheet for these pages, served at GET /assets/survey.css
 * (text/css). NUL-terminated. */
extern const char survey_css[];

#endif
