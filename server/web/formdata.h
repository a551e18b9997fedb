/* formdata.h - the fields of a posted HTML form: the body of an
 * application/x-www-form-urlencoded or multipart/form-data request (a file
 * upload) as a list of name/value pairs. Values are checked to be UTF-8
 * text without NUL, except a file's content, which is passed on as it came.
 *
 *   form_data f = {0};
 *   if (formdata_parse(&f, content_type, body, len, &err) != 0) ...;
 *   const char *name = formdata_get(&f, "name");   // NULL when absent
 *   formdata_free(&f);
 */
#ifndef TM_FORMDATA_H
#define TM_FORMDATA_H

#include <stddef.h>

#include "core/error.h"

#define FORMDATA_MAX_FIELDS 512

typedef struct form_field {
    char *name;
    char *value; /* NUL-terminated (a file may hold NULs: use len) */
    size_t len;
    char *filename; /* a file part's name as sent, or NULL */
} form_field;

typedef struct form_data {
    form_field *fields;
    size_t n;
} form_data;

/* Parses body (len bytes) by content_type into f (which must be zeroed or
 * freed). Returns 0, or -1 with err 400 naming what is wrong (a bad escape,
 * text that is not UTF-8, too many fields, a multipart body that does not
 * end) or 415 for another content type. */
int formdata_parse(form_data *f, const char *content_type, const char *body, size_t len,
                   tm_error *err);

/* The first field called name: its value, or NULL. Borrowed from f. */
const char *formdata_get(const form_data *f, const char *name);
const form_field *formdata_field(const form_data *f, const char *name);

/* Frees the fields; f is left empty. */
void formdata_free(form_data *f);

/* Decodes n bytes of one urlencoded name or value ('+' is a space, %XX a
 * byte) into a new string (caller frees) and its length. NULL with *bad 1
 * for a bad escape, 2 for text that is not UTF-8 or holds NUL, 0 when out
 * of memory. */
char *formdata_unescape(const char *s, size_t n, size_t *out_len, int *bad);

#endif
