/* wave_settings.h - a wave's own intent keys and rules (issue 12).
 *
 * A knowledge question marked "intended": "local" has no key in the
 * instrument: each wave sets it (PUT /api/v1/waves/{id}/intended), and a
 * wave whose local questions are not all keyed cannot open. A wave may list
 * 5 to 12 of the municipality's own rules (PUT .../rules), which every
 * layer rates. Both change only while the wave is a draft without answers:
 * a rule edited after answers came in would mix ratings of two texts (and
 * two publications differing by one edited rule could be subtracted), a key
 * set later would score answers given before it.
 *
 * The checks name every problem (422, one detail {"field", "error"} each);
 * the same functions serve the API and the console.
 */
#ifndef TM_WAVE_SETTINGS_H
#define TM_WAVE_SETTINGS_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "core/instrument.h"
#include "reports/analysis/analysis.h"
#include "server/app/app.h"
#include "server/store/waves.h"

#define WAVE_RULE_KEY_MAX 32   /* a rule's key: [a-z0-9-]{1,32} */
#define WAVE_RULE_TEXT_MIN 10  /* characters of a rule's text */
#define WAVE_RULE_TEXT_MAX 300 /* ... at most */

/* Checks body (borrowed) as the intent keys of a wave of in: an object
 * {"item key": "option key"} whose every item is a knowledge question
 * without a fixed key and every option one of that item's. Returns the
 * number of problems, each a detail of err ({"field": item key, "error"}),
 * and err 422 when there are any. */
size_t wave_settings_check_intended(const instrument *in, json_t *body, tm_error *err);

/* Checks body (borrowed) as the rules of a wave of in: an array of
 * instrument_rules(in)->min..max objects {"key", "text", "text_en"?}, keys
 * unique and [a-z0-9-]{1,32}, texts WAVE_RULE_TEXT_MIN..MAX characters; no
 * rules at all when the instrument has no rules block. Problems as above,
 * "field" being "rules" or "rules[i].key" and the like. */
size_t wave_settings_check_rules(const instrument *in, json_t *body, tm_error *err);

/* Sets the intent keys / rules of draft wave w from body (borrowed): 422
 * naming every problem, 409 when w is not a draft without answers. Returns
 * the wave's JSON afterwards (new reference). Run inside the caller's
 * audit transaction. */
json_t *wave_settings_put_intended(app *a, PGconn *c, const wave_info *w, json_t *body,
                                   tm_error *err);
json_t *wave_settings_put_rules(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err);

/* The keys of in's local knowledge questions that intended (borrowed, may
 * be NULL) does not key, in instrument order (new array of strings). */
json_t *wave_settings_missing(const instrument *in, json_t *intended);

/* What an open of w must see first: its local knowledge questions all
 * keyed. Locks the wave row for the caller's transaction. 0, or 409 whose
 * message names each item without a key (and details list them). */
int wave_settings_open_check(app *a, PGconn *c, const wave_info *w, tm_error *err);

/* A wave's settings as the analysis takes them (wave_data.intended, .rules):
 * intended has in->n_items entries (-1: none), rules n_rules entries whose
 * strings are borrowed from the json kept here. Free with
 * wave_settings_release. */
typedef struct wave_settings {
    json_t *intended_json; /* owned */
    json_t *rules_json;    /* owned */
    int *intended;         /* owned; NULL when the wave keys nothing */
    analysis_rule *rules;  /* owned; NULL when none */
    size_t n_rules;
} wave_settings;

/* Loads wave w's settings for instrument in. 0, or -1 with err. */
int wave_settings_load(PGconn *c, const instrument *in, long long wave, wave_settings *out,
                       tm_error *err);
void wave_settings_release(wave_settings *s);

/* Expected seconds of layer's form in lang with the wave's rules (borrowed
 * JSON array; their text in lang, Dutch when a rule has no English):
 * instrument_layer_seconds over the rules' words. */
double wave_settings_layer_seconds(const instrument *in, int layer, const char *lang,
                                   json_t *rules);

/* A rule's text in lang ("en": text_en when it has one), borrowed. */
const char *wave_settings_rule_text(json_t *rule, const char *lang);

#endif
