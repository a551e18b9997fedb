/* secret.h - the server's one secret key, and keys derived from it for
 * each use, so that there is one secret to manage.
 *
 * The key is what a reader of the database must not hold: with it the
 * server derives the tokens of e-mailed invitations (server/app/mail.c) and
 * seals submissions while they wait to be mixed (issue 10). It comes from
 * SEAL_KEY (64 hex digits) or SEAL_KEY_FILE (a file holding them, mode
 * 0600); `make run` keeps one in var/seal.key. Each use derives its own key
 * with crypto_kdf_derive_from_key and a context of its own, so no two uses
 * ever share key material.
 *
 * The variables are those of issue 10's seal key (server/app/seal.h on its
 * branch): once both are merged, secret_from_env becomes a call to
 * seal_key_from_env.
 */
#ifndef TM_SECRET_H
#define TM_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define SECRET_BYTES 32

/* The key from SEAL_KEY or SEAL_KEY_FILE. Returns 1 with key filled, 0 when
 * neither is set, or -1 with err (400) naming what is wrong. */
int secret_from_env(unsigned char key[SECRET_BYTES], tm_error *err);

/* What to do when no key is set. Static text. */
const char *secret_howto(void);

/* Derives SECRET_BYTES bytes for one use: context is 8 characters naming
 * the use ("tm-mail1"), id a number within it. */
void secret_derive(const unsigned char key[SECRET_BYTES], const char context[8], uint64_t id,
                   unsigned char out[SECRET_BYTES]);

#endif
