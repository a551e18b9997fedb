/* utf8.h - UTF-8 for the whole program: decoding, checking, counting and
 * mending. Every piece of code that looks inside UTF-8 text comes here.
 *
 * Valid means what RFC 3629 and jansson mean: the shortest form, no UTF-16
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF. NUL (U+0000) is valid
 * UTF-8; callers whose text goes into C strings refuse it themselves.
 *
 * Limits the product states in characters (an answer's max_length, a schema's
 * maxLength) count code points, as utf8_length does.
 */
#ifndef TM_UTF8_H
#define TM_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The sequence at s[0..n): its length (1 to 4) with the code point in *cp, or
 * 0 when the bytes there are not a valid sequence or it runs past n. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Whether s[0..n) is valid UTF-8 from end to end. */
int utf8_valid(const char *s, size_t n);

/* Characters (code points) in a NUL-terminated string; assumes it is valid,
 * as every string from jansson is. */
size_t utf8_length(const char *s);

/* Mends s in place: each byte that is not part of a valid sequence becomes
 * '?', so any text (a file name, a cut message) can become a JSON string. */
void utf8_scrub(char *s);

/* Drops from the end of s a sequence that is cut off: what snprintf or a
 * byte limit leaves when it cuts inside a character. s is otherwise left as
 * it is. */
void utf8_cut_tail(char *s);

#endif
