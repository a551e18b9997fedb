/* mail_address.h - e-mail addresses as a coordinator uploads them: one
 * address judged, and a list read from CSV with a layer (and optionally a
 * language) per address. Pure: layers are names here; whether the
 * instrument has them is the caller's question.
 *
 * An address the server sends to is what relays take without SMTPUTF8:
 * ASCII, local@domain, the local part a dot-atom (RFC 5322: letters, digits
 * and !#$%&'*+-/=?^_`{|}~, dots between), the domain a host name of at least
 * two labels; at most 254 characters, the local part at most 64. Quoted
 * local parts and address literals are refused: nobody's work address needs
 * them, and every character they would allow is one more for a header.
 *
 * The list is text (UTF-8, a BOM, CRLF and blank lines are fine) with one
 * address per line and fields separated by ';' or ',' (the first one
 * decides, as Excel writes either) or a tab, optionally quoted with "".
 * Columns: email;layer[;lang], or only email when the caller gives the
 * layer of the whole upload. A first line naming the columns (email or
 * e-mail, layer or laag, lang or taal) is read as a header and may order
 * them differently.
 */
#ifndef TM_MAIL_ADDRESS_H
#define TM_MAIL_ADDRESS_H

#include <stddef.h>

#include "core/error.h"

#define MAIL_ADDRESS_MAX 254
#define MAIL_LIST_MAX 20000    /* addresses in one upload */
#define MAIL_LIST_PROBLEMS 500 /* problems named one by one; the rest are counted */

/* Why s (n bytes) is not an address the server sends to, as a phrase that
 * follows the address ("has no @"), or NULL when it is one. Static. */
const char *mail_address_problem(const char *s, size_t n);

typedef struct mail_entry {
    const char *email; /* as written, trimmed */
    const char *layer; /* the layer's name as written, or the default layer */
    const char *lang;  /* "nl" or "en" */
    size_t line;       /* 1-based line of the upload */
} mail_entry;

typedef struct mail_list {
    mail_entry *entries; /* the good lines, in order */
    size_t n;
    char *text; /* owns the entries' strings */
} mail_list;

/* Reads an uploaded list. default_layer names the layer of every address
 * when the lines carry none (NULL: each line must name its own);
 * default_lang is the language of a line without one (NULL: "nl"). Every
 * bad line is named in err's details as {"line", "email", "error"}: a bad
 * address, a missing or extra column, a language other than nl or en, an
 * address that appears twice (case does not count: the first is kept, each
 * later one named with the line of the first). Returns 0 with every line
 * good, or -1 with err (422, or 413 for more than MAIL_LIST_MAX addresses;
 * 500 out of memory); l holds the good lines either way (free it with
 * mail_list_free), so that a caller can add problems of its own. */
int mail_list_parse(const char *text, size_t len, const char *default_layer,
                    const char *default_lang, mail_list *l, tm_error *err);

void mail_list_free(mail_list *l);

/* Adds a problem of line line about email to err's details, as
 * mail_list_parse does (only the first MAIL_LIST_PROBLEMS are named; later
 * ones are counted in a last detail). */
void mail_list_problem(tm_error *err, size_t line, const char *email, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
