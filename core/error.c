/* error.c - see error.h. */
#include "core/error.h"

#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

/* Every message becomes a JSON string, which must be UTF-8: a character cut
 * by the fixed size is dropped, a byte from a file name or other outside
 * text that is no UTF-8 becomes '?'. */
static void mend(char *message)
{
    utf8_cut_tail(message);
    utf8_scrub(message);
}

int tm_error_set(tm_error *err, int status, const char *fmt, ...)
{
    if (!err) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    mend(err->message);
    err->status = status;
    return -1;
}

void tm_error_add_json(tm_error *err, json_t *detail)
{
    if (!err || !detail) {
        json_decref(detail);
        return;
    }
    if (!err->details) err->details = json_array();
    json_array_append_new(err->details, detail);
}

void tm_error_add(tm_error *err, const char *fmt, ...)
{
    if (!err) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    mend(buf);
    tm_error_add_json(err, json_string(buf));
}

size_t tm_error_count(const tm_error *err)
{
    return err && err->details ? json_array_size(err->details) : 0;
}

void tm_error_clear(tm_error *err)
{
    if (!err) return;
    json_decref(err->details);
    err->details = NULL;
    err->status = 0;
    err->message[0] = '\0';
}

json_t *tm_error_to_json(const tm_error *err)
{
    json_t *details = err->details ? json_deep_copy(err->details) : json_array();
    return json_pack("{s:s, s:o}", "error", err->message[0] ? err->message : "unknown error",
                     "details", details);
}
