/* utf8.h - the little UTF-8 handling the checkers share: counting
 * characters (limits are in characters, not bytes) and mending text that
 * snprintf cut inside a sequence (jansson refuses such a string). */
#ifndef TM_UTF8_H
#define TM_UTF8_H

#include <stddef.h>

/* Characters (code points) in a NUL-terminated UTF-8 string; assumes it is
 * valid, as every string from jansson is. */
size_t utf8_length(const char *s);

/* Replaces, in place, each byte that is not part of a whole UTF-8 sequence
 * with '?', so the text can become a JSON string. */
void utf8_scrub(char *s);

#endif
