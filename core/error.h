/* error.h - the error a function hands back to its caller.
 *
 * Functions that can fail return a status (0 ok, -1 failed) and fill a
 * tm_error that the caller owns. The message is one sentence a user can act
 * on ("organisation 12 does not exist"); details carry one entry per problem
 * when there are several (every bad item of a submission, every bad row of an
 * import). Nothing deep inside prints or exits: the caller decides whether the
 * error becomes an HTTP response, a line on stderr or an exit status.
 */
#ifndef TM_ERROR_H
#define TM_ERROR_H

#include <jansson.h>
#include <stdarg.h>

typedef struct tm_error {
    int status;        /* HTTP status that fits the failure (400, 404, 422, 503...); 0 = none */
    char message[512]; /* what is wrong, in one sentence */
    json_t *details;   /* NULL, or a JSON array of strings/objects; owned by the error */
} tm_error;

/* A cleared error, ready to be passed down:  tm_error err = TM_ERROR_INIT; */
#define TM_ERROR_INIT                                                                              \
    {                                                                                              \
        0, {0}, NULL                                                                               \
    }

/* Sets status and message (printf-style); keeps any details already added.
 * Returns -1 so that a failing function can `return tm_error_set(err, ...)`.
 * err may be NULL (the error is then dropped). */
int tm_error_set(tm_error *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends one detail string (printf-style) to err->details. */
void tm_error_add(tm_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends a JSON detail; steals the reference to detail. */
void tm_error_add_json(tm_error *err, json_t *detail);

/* Number of details collected so far. */
size_t tm_error_count(const tm_error *err);

/* Frees the details and resets err to TM_ERROR_INIT. Safe on a cleared error. */
void tm_error_clear(tm_error *err);

/* The error as the API's body: {"error": message, "details": [...]}.
 * Returns a new reference; err keeps its own. */
json_t *tm_error_to_json(const tm_error *err);

#endif
