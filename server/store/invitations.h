/* invitations.h - the invitations and open_links tables: who may answer a
 * wave, by token. Tokens are made by the caller (server/app/auth.c) and
 * arrive here as the hex of their hash: the store never sees a token.
 */
#ifndef TM_STORE_INVITATIONS_H
#define TM_STORE_INVITATIONS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>

#include "core/error.h"

/* Inserts n invitations for layer (index) of wave, one per token hash (hex). */
int store_invitations_insert(PGconn *c, long long wave, int layer, const char *const *hashes,
                             size_t n, tm_error *err);

/* Inserts an open link for layer taking up to max_responses; *id receives
 * its id. */
int store_invitations_link_insert(PGconn *c, long long wave, int layer, const char *hash,
                                  int max_responses, long long *id, tm_error *err);

/* Per layer of the chain: {"layers": [{layer, invited, started, submitted,
 * imported}]} (counts only; new reference), layer_keys naming the n_layers
 * layers. submitted counts every stored response of the layer; imported
 * those of them that no submitted invitation stands for (rows of the
 * import), so submitted - imported <= invited. submitted counts the
 * submissions still waiting to be mixed too (pending_responses). */
json_t *store_invitations_progress(PGconn *c, long long wave, const char *const *layer_keys,
                                   size_t n_layers, tm_error *err);

/* Marks count unused invitations of layer as submitted (the demo and the
 * benchmark use this for imported answers that stand for invited people). */
int store_invitations_mark_submitted(PGconn *c, long long wave, int layer, int count,
                                     tm_error *err);

/* ---- the console (issue 14) --------------------------------------------- */

/* Per layer of the chain, for the progress page: {"layers": [{layer, invited,
 * started, submitted, imported}]} (new). submitted counts invitations used
 * (so never more than invited), imported the responses that came by import. */
json_t *store_invitations_counts(PGconn *c, long long wave, const char *const *layer_keys,
                                 size_t n_layers, tm_error *err);

/* The open links of wave, newest first: [{id, layer (index), max_responses,
 * used, created_at}] (new). */
json_t *store_invitations_links(PGconn *c, long long wave, tm_error *err);

/* Unsent drafts of wave: invitations started and not submitted whose answers
 * closing would discard. -1 with err. */
long long store_invitations_drafts(PGconn *c, long long wave, tm_error *err);

#endif
