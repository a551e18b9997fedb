/* text.h - Dutch and English: one type for a text in both languages, one
 * lookup by language, one filler for templates.
 *
 * Dutch is the product's language and the default; English is offered
 * wherever a person reads something. Each module that shows words keeps its
 * own messages as data, a table of tm_text (usually indexed by an enum of its
 * own: the form's in server/web/survey_page.c, the report's in
 * reports/xlsx/report_text.h; the instrument's texts come from its file), and
 * reads them only through tm_text_get and tm_text_fill.
 *
 * A language is "en" for English; anything else, NULL included, is Dutch.
 *
 * Templates name their values. A placeholder is {name} or {{name}} (both are
 * filled alike: the single braces are the texts' own style, the double ones
 * the style people know from mail templates); a name is letters, digits, '_'
 * and '-'. Any other brace is text.
 *
 *   static const tm_text greeting = {"Welkom, {naam}.", "Welcome, {naam}."};
 *   const tm_text_var vars[] = {{"naam", name}, {NULL, NULL}};
 *   tm_text_fill(&sb, tm_text_get(greeting, lang), vars);
 */
#ifndef TM_TEXT_H
#define TM_TEXT_H

#include "core/strbuf.h"

/* A text in both languages; either may be NULL where it is optional. */
typedef struct tm_text {
    const char *nl;
    const char *en;
} tm_text;

/* A value for a template: {name} becomes value (NULL counts as ""). */
typedef struct tm_text_var {
    const char *name;
    const char *value;
} tm_text_var;

/* The code of the language lang selects: "en" or "nl". Static. */
const char *tm_text_lang(const char *lang);

/* t in lang; Dutch when lang is not English or t has no English. NULL only
 * when t has neither. Borrowed from t. */
const char *tm_text_get(tm_text t, const char *lang);

/* Appends tmpl to out with each placeholder replaced by the value of its name
 * in vars (an array ended by an entry whose name is NULL; vars may be NULL).
 * A placeholder whose name vars lacks stays as it stands, so that a reader
 * sees what is missing rather than a silent gap. Returns the number of such
 * missing placeholders (0: every one filled), or -1 when out has failed
 * (which is sticky, see strbuf.h). */
int tm_text_fill(strbuf *out, const char *tmpl, const tm_text_var *vars);

/* The first placeholder in s, as tm_text_fill reads them: where it starts,
 * or NULL when s has none; *name[0..*n) is its name and *len its whole
 * length (braces included), so that the next search starts at the return
 * value + *len. For a template to be checked before anyone reads it. */
const char *tm_text_placeholder(const char *s, const char **name, size_t *n, size_t *len);

#endif
