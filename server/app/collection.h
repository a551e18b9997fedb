/* collection.h - how answers reach a wave: invitations (one token per
 * invited person), open links (one token for many, each visitor getting a
 * token of their own), and the bulk import of answers collected elsewhere.
 * The respondent's own steps are in respondent_flow.h.
 */
#ifndef TM_COLLECTION_H
#define TM_COLLECTION_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "server/app/app.h"
#include "server/store/waves.h"

/* A wave collects either online (invitations and open links: "collection":
 * "online") or by bulk import ("import"), never both: rows of known answers
 * imported into an online wave would lift a small layer over k. Each way
 * refuses the other with a 409. */
#define COLLECTION_ONLINE_NO_IMPORT                                                                \
    "wave %lld collects answers online (invitations and open links): a bulk import goes only "     \
    "into a wave made for import (\"collection\": \"import\"), never into one with real "          \
    "respondents"

/* The warning the invitations carry: whoever holds a token (in a mail
 * merge, the consultant) can open its draft until it is sent. */
#define COLLECTION_TOKEN_WARNING                                                                   \
    "whoever holds a token can open its survey, and read a saved draft, until it is submitted: "   \
    "give each token only to its respondent and keep no copy"

/* Creates invitations for wave w from the API's fields (body, borrowed):
 * layer (a layer key of the instrument) and count (1..10,000). Returns
 * {"layer": key, "invitations": [{"token", "url"}]} (new reference); only
 * the tokens' hashes are stored. 422 naming a bad field, 409 when w is
 * closed or made for import. The answer carries "warning":
 * COLLECTION_TOKEN_WARNING. */
json_t *collection_invitations(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err);

/* Creates an open link for wave w from body: layer and max_responses
 * (1..100,000). Returns {"id", "token", "url", "max_responses", "layer"}
 * (new reference). Errors as collection_invitations. */
json_t *collection_link(app *a, PGconn *c, const wave_info *w, json_t *body, tm_error *err);

/* A bulk import being read: the body is parsed as it arrives (JSON or CSV,
 * by content type); nothing is stored until every row has been read and
 * checked. */
typedef struct collection_import collection_import;

/* Starts an import into wave w: 409 when w collects online. Every row must
 * answer half of its layer's core items (import_parser_require_core). NULL
 * with err. */
collection_import *collection_import_open(app *a, PGconn *c, const wave_info *w,
                                          const char *content_type, tm_error *err);

/* Feeds the next piece of the body. Syntax errors are reported by finish,
 * with row numbers. */
void collection_import_feed(collection_import *im, const char *data, size_t len);

/* Checks every row and stores them all in one transaction. *rows receives
 * how many. 422 with one detail per bad row (nothing stored), 409 when the
 * wave is closed. */
int collection_import_finish(app *a, PGconn *c, collection_import *im, size_t *rows, tm_error *err);

/* The import batch a finished import stored (imports.h undoes it), or 0. */
long long collection_import_batch(const collection_import *im);

void collection_import_free(collection_import *im);

/* Invites `invited` people of layer (tokens that nobody receives) and marks
 * `answered` of them as submitted: for answers that arrive by import and
 * stand for invited people (the demo, the benchmark), so that the response
 * rate is right. */
int collection_invite_answered(PGconn *c, long long wave, int layer, int invited, int answered,
                               tm_error *err);

#endif
