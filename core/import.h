/* import.h - bulk import of responses collected elsewhere (paper forms,
 * another survey tool), read as a stream.
 *
 * POST /api/v1/waves/{id}/responses takes up to IMPORT_MAX_ROWS rows in one
 * body of up to 64 MiB. The HTTP layer hands the body over in chunks of any
 * size, split anywhere (inside a UTF-8 sequence, a quoted field, a JSON
 * string, a CRLF). The parser reads each chunk at once, checks every row as
 * soon as it is complete (answers_check in ANSWERS_DRAFT mode: required items
 * are not enforced, everything else is) and keeps only the compact result:
 * one int16 score per item per row in one packed array, plus the optional
 * JSON of text and multiple-choice answers. The raw text of a row is dropped
 * once the row is checked, so memory is the packed rows plus one row of text.
 *
 * Import is all or nothing: import_parser_finish() succeeds only when every
 * row is valid; otherwise its error names every bad row (up to
 * IMPORT_MAX_DETAILS problems) and the caller stores nothing.
 *
 * JSON (application/json):
 *   [{"layer": "uitvoering", "answers": {"ek-eff-1": 4, "ek-eff-kn-1": "b"}}, ...]
 * CSV (text/csv), as Excel writes it: UTF-8 with or without BOM; separator
 * "," or ";" (the first of the two outside quotes in the header line), or the
 * one a first line "sep=X" names (Excel writes and reads it; the line is no
 * row); RFC 4180 quoting; CRLF, LF or CR line ends; blank lines are skipped.
 * A body that starts with a UTF-16 byte order mark (Excel's "Unicode text")
 * is refused at once naming the encoding: 422 for CSV, 400 for JSON. The header
 * is "layer" followed by item keys. Cells: empty = unanswered; likert and
 * grade whole digits; "dont_know" or "weet niet" (any case); an option key;
 * several option keys separated by "|" for a multiple-choice item; text as is.
 * A header column without a name (Excel's trailing separators) is allowed as
 * long as its cells stay empty. A row without any answer is refused, and so
 * is one with too few (import_parser_require_core).
 *
 * Rows are numbered from 1: the n-th element of the JSON array, or the n-th
 * line (record) after the CSV header, counting skipped blank lines, so that
 * row n is line n + 1 of the spreadsheet.
 *
 * Problems, as err->details of import_parser_finish():
 *   {"row": 12, "item": "ek-eff-1", "error": "must be a whole number from 1 to 5, ..."}
 *   {"row": 3, "error": "unknown layer \"wethouder\""}
 *   {"header": true, "column": "ek-eff-99", "error": "is not an item of this survey"}
 *   {"error": "... and 17 more problems"}            (after IMPORT_MAX_DETAILS)
 * Status: 400 when the body is empty or is not well-formed JSON (the parser
 * stops at the first syntax error and names the row); 413 for more than
 * IMPORT_MAX_ROWS rows; 422 for a bad CSV header, for rows that parse but
 * do not fit the instrument and for a body without rows; 500 when memory
 * runs out.
 *
 *   import_parser *p = import_parser_new(in, import_format_from_content_type(ct));
 *   while ((n = read_chunk(buf))) import_parser_feed(p, buf, n);
 *   if (import_parser_finish(p, &err) == 0)
 *       for (size_t i = 0; i < import_parser_rows(p); i++)
 *           store(import_parser_layer(p, i), import_parser_scores(p, i),
 *                 import_parser_extra(p, i));
 *   import_parser_free(p);
 *
 * A parser is used by one thread at a time; different parsers may share the
 * (immutable) instrument.
 */
#ifndef TM_IMPORT_H
#define TM_IMPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/instrument.h"

#define IMPORT_MAX_ROWS 100000
#define IMPORT_MAX_DETAILS 1000
#define IMPORT_MAX_DEPTH 32                       /* JSON nesting; the outer array is level 1 */
#define IMPORT_MAX_ROW_BYTES (4u * 1024u * 1024u) /* text of one row or JSON element */

typedef enum import_format { IMPORT_JSON, IMPORT_CSV } import_format;

typedef struct import_parser import_parser;

/* IMPORT_CSV for "text/csv" or "application/csv" (any case, with or without
 * parameters such as "; charset=utf-8"); IMPORT_JSON for anything else,
 * including NULL. */
import_format import_format_from_content_type(const char *content_type);

/* A new parser for a body in format f. Borrows in, which must outlive the
 * parser. Returns NULL when memory runs out. Free with import_parser_free. */
import_parser *import_parser_new(const instrument *in, import_format f);

/* From now on a row must answer at least half of the core items its layer
 * is asked, as a submission must (answers_core_count); otherwise it is a
 * bad row: {"row": n, "error": "answers 3 of the core questions of layer
 * \"beleid\"; at least 33 are needed ..."}. The server always sets it;
 * without it a row needs one answer. Call before the first feed. */
void import_parser_require_core(import_parser *p);

/* Reads the next len bytes of the body (borrowed; not kept after the call).
 * Returns 0, or -1 once the outcome is settled (a JSON syntax error, a bad
 * CSV header, too many rows, out of memory): the rest of the body is then
 * accepted and ignored, so the caller may stop reading it early or drain it. */
int import_parser_feed(import_parser *p, const char *data, size_t len);

/* Ends the body. Returns 0 when the body held at least one row and every row
 * is valid. Otherwise returns -1 and fills err (owned by the caller, cleared
 * beforehand) with the status, one message and one detail per problem, see
 * above; the parser then holds no rows. Call once; feed is ignored after. */
int import_parser_finish(import_parser *p, tm_error *err);

/* Number of valid rows held. Meaningful after finish returned 0. */
size_t import_parser_rows(const import_parser *p);

/* Row i (0-based, i < import_parser_rows): the layer index of the respondent,
 * the scores (in->n_items entries, as in answer_set; borrowed, valid until
 * import_parser_free) and the text and multiple-choice answers (borrowed,
 * NULL when the row has none; take a reference to keep it longer). */
int import_parser_layer(const import_parser *p, size_t i);
const int16_t *import_parser_scores(const import_parser *p, size_t i);
json_t *import_parser_extra(const import_parser *p, size_t i);

/* Frees the parser, its rows and their extra JSON. NULL is fine. */
void import_parser_free(import_parser *p);

#endif
