/* jsonschema.h - checks a JSON document against a JSON Schema.
 *
 * Debian has no C JSON Schema library, and the instrument format only needs a
 * small part of the standard, so this module implements that part (draft
 * 2020-12 keywords): type, enum, const, properties, required,
 * additionalProperties, patternProperties, items, minItems, maxItems,
 * uniqueItems, minLength, maxLength, pattern, minimum, maximum, anyOf, oneOf,
 * allOf, not, if/then/else and local $ref ("#/$defs/NAME"). A schema that uses
 * a keyword outside that list is reported, so the schema file and the checker
 * cannot drift apart silently.
 */
#ifndef TM_JSONSCHEMA_H
#define TM_JSONSCHEMA_H

#include <jansson.h>

/* Checks instance against schema (both borrowed). Each violation is appended
 * to errors (a JSON array, borrowed) as a string "PATH: message", PATH in the
 * form $.items[3].options. Returns the number of violations (0 = valid).
 *
 *   json_t *errs = json_array();
 *   if (jsonschema_check(schema, doc, errs) > 0) ... print each json_string_value
 */
size_t jsonschema_check(json_t *schema, json_t *instance, json_t *errors);

#endif
