/* measures.c - see measures.h. */
#include "reports/analysis/measures.h"

#include <string.h>

typedef struct measure_info {
    const char *key;
    tm_text label;
    tm_text description;
} measure_info;

static const measure_info measures[MEASURE_COUNT] = {
#define MEASURE_ROW(id, key, nl, en, dnl, den) [id] = {key, {nl, en}, {dnl, den}},
    MEASURES(MEASURE_ROW)
#undef MEASURE_ROW
};

static const measure_info *measure_info_get(int m)
{
    return m >= 0 && m < MEASURE_COUNT ? &measures[m] : NULL;
}

const char *measure_key(int m)
{
    const measure_info *mi = measure_info_get(m);
    return mi ? mi->key : NULL;
}

int measure_from_key(const char *key)
{
    for (int m = 0; key && m < MEASURE_COUNT; m++)
        if (!strcmp(measures[m].key, key)) return m;
    return -1;
}

const char *measure_label(int m, const char *lang)
{
    const measure_info *mi = measure_info_get(m);
    return mi ? tm_text_get(mi->label, lang) : NULL;
}

const char *measure_description(int m, const char *lang)
{
    const measure_info *mi = measure_info_get(m);
    return mi ? tm_text_get(mi->description, lang) : NULL;
}
