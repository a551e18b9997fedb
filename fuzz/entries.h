/* entries.h - the fuzz targets' entry functions, shared by the libFuzzer
 * drivers (fuzz/fuzz_*.c, built with clang by fuzz/run.sh) and the replay
 * test (tests/test_fuzz_regressions.c, built with gcc in the ASan test build).
 *
 * Each function takes one input, runs the code under test on it and checks
 * what must always hold (see entries.c). A violated check prints what was
 * violated and the input being replayed (fuzz_current_input, when set) and
 * stops with __builtin_trap(), which libFuzzer reports as a crash and
 * Criterion as a crashed test. The functions return 0.
 *
 * The answers, form and import targets check their input against the real
 * instrument (survey-defs/thermometer-sociaal-domein-v1.json, relative to the
 * working directory; FUZZ_INSTRUMENT overrides it) and against a small
 * variant, fuzz/corpus/instrument/variant.json (FUZZ_VARIANT_INSTRUMENT),
 * that has what the real one lacks: multiple-choice items, a 7- and a
 * 3-point likert scale with and without labels, a short text, items without
 * "weet niet" and required items. Both are loaded once, on first use.
 */
#ifndef TM_FUZZ_ENTRIES_H
#define TM_FUZZ_ENTRIES_H

#include <stddef.h>
#include <stdint.h>

/* The instrument definition (JSON text): instrument_check, instrument_load,
 * and for a loaded instrument its model, a complete set of answers per layer
 * (answers_check, the form round trip) and the rendered page. */
int fuzz_instrument_one(const uint8_t *data, size_t size);

/* A JSON answers object, as the API takes it: answers_check for every layer
 * in both modes, and the stored form back to JSON and through the check again. */
int fuzz_answers_one(const uint8_t *data, size_t size);

/* An application/x-www-form-urlencoded body: survey_form_decode, then
 * answers_check and the page rendered with those answers, as POST /s/TOKEN. */
int fuzz_form_one(const uint8_t *data, size_t size);

/* A bulk import body (CSV or JSON). The first byte steers: bits 0-5 the
 * largest chunk (1 to 64 bytes), bit 6 the variant instrument, bit 7 chunks
 * of exactly that size instead of pseudo-random ones. The rest is the body,
 * parsed once whole and once in chunks; both must give the same outcome. */
int fuzz_import_csv_one(const uint8_t *data, size_t size);
int fuzz_import_json_one(const uint8_t *data, size_t size);

/* An uploaded list of e-mail addresses, and a mail made with it. The first
 * byte steers: bit 0 gives the whole list a layer, bit 1 a default
 * language, bit 2 English mail. The rest is the list for mail_list_parse
 * and, when it is UTF-8 without NUL, the subject, a template and a value of
 * mail_render and mail_message_write. */
int fuzz_mail_one(const uint8_t *data, size_t size);

/* The name of the input being replayed, for the message of a failed check;
 * NULL under libFuzzer (which names the crashing input itself). */
extern const char *fuzz_current_input;

#endif
