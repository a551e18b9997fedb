/* measures.h - the measures of the gap analysis, named once.
 *
 * The analysis computes two measures per respondent and item group (see
 * docs/method.md): "score", the perceived alignment from likert and grade
 * answers, and "knowledge", the share of intent questions answered as the
 * intent says. Their JSON names and their names in reports live here only:
 * the analysis writes measure_key(), a report sheet shows measure_label().
 *
 *   for (int m = 0; m < MEASURE_COUNT; m++)
 *       printf("%s: %s\n", measure_key(m), measure_label(m, "nl"));
 */
#ifndef TM_MEASURES_H
#define TM_MEASURES_H

#include "core/instrument.h"

/* X(id, JSON key, Dutch label, English label, Dutch description, English
 * description). The order is the order of the JSON and of every report. */
#define MEASURES(X)                                                                                \
    X(MEASURE_SCORE, "score", "beleving", "perceived alignment",                                   \
      "hoe goed men vindt dat de bedoeling aankomt (stellingen en rapportcijfers, 0-100)",         \
      "how well people feel the intent reaches them (statements and grades, 0-100)")               \
    X(MEASURE_KNOWLEDGE, "knowledge", "kennis", "knowledge",                                       \
      "het percentage kennisvragen dat men beantwoordt zoals de bedoeling is",                     \
      "the percentage of knowledge questions answered as the intent says")

typedef enum measure {
#define MEASURE_ENUM(id, key, nl, en, dnl, den) id,
    MEASURES(MEASURE_ENUM)
#undef MEASURE_ENUM
        MEASURE_COUNT
} measure;

/* The JSON key of m ("score", "knowledge"); NULL when m is out of range.
 * Static: never free it. */
const char *measure_key(int m);

/* The measure with this JSON key, or -1 (key may be NULL). */
int measure_from_key(const char *key);

/* The short name of m for a reader, in lang ("en" English, else Dutch);
 * NULL when m is out of range. Static. */
const char *measure_label(int m, const char *lang);

/* One line saying what m measures, in lang; NULL when m is out of range.
 * Static. */
const char *measure_description(int m, const char *lang);

#endif
