/* seal.h - the server key that seals a submission while it waits to be
 * mixed (mixer.h), and the sealing itself.
 *
 * A submission is first written to pending_responses, by the same statement
 * that marks its invitation submitted: anyone who reads the database can tie
 * those two rows together (one transaction), so the answers there are sealed
 * with crypto_secretbox_easy (XSalsa20-Poly1305, a random nonce each) under
 * a key the database never holds. The mixer opens them when it moves them,
 * shuffled, into responses.
 *
 * The key: SEAL_KEY (64 hex digits) or SEAL_KEY_FILE (a file holding them).
 * The database keeps only the key's id: the first 8 bytes of its fingerprint,
 * a BLAKE2b hash keyed with the key over a constant, next to each waiting
 * row, so that a server started with another key leaves those rows alone and
 * says so instead of losing them.
 *
 * The sealed payload is JSON, so that later versions can carry more than
 * scores and open answers (the wave's rule ratings) without a new format:
 *   {"v": 1, "wave": W, "layer": L, "scores": "{0,4,-1,...}", "extra": {...}}
 * "scores" is the smallint[] literal of answers_scores_literal, one entry
 * per item of the instrument.
 * "extra" is absent when the submission has no text or multiple-choice
 * answer. seal_open refuses a payload whose wave or layer is not the row's,
 * so a sealed row moved by hand to another layer is not counted there.
 */
#ifndef TM_SEAL_H
#define TM_SEAL_H

#include <jansson.h>
#include <stddef.h>

#include "core/answers.h"
#include "core/error.h"

#define SEAL_KEY_BYTES 32
#define SEAL_ID_HEX 17 /* the key id as hex, with its NUL */
#define SEAL_VERSION 1

typedef struct seal_key {
    unsigned char k[SEAL_KEY_BYTES];
    char id[SEAL_ID_HEX]; /* hex of the first 8 bytes of the fingerprint */
} seal_key;

/* Reads the key from hex (64 hex digits, surrounding white space allowed).
 * 0, or -1 with err (400) saying what is wrong. */
int seal_key_parse(seal_key *k, const char *hex, tm_error *err);

/* The key from SEAL_KEY or SEAL_KEY_FILE. Returns 1 with k filled, 0 when
 * neither is set, or -1 with err (400: a malformed key, an unreadable file). */
int seal_key_from_env(seal_key *k, tm_error *err);

/* What serve says when no key is set: how to make one. Static text. */
const char *seal_key_howto(void);

/* Seals the answers a of a respondent of wave and layer: the hex of
 * nonce || box (caller frees), or NULL when memory runs out. */
char *seal_answers(const seal_key *k, long long wave, int layer, const answer_set *a);

/* Opens a sealed payload (raw bytes) of a row of wave and layer: the payload
 * object (new reference), or NULL with err (500) when it does not open
 * under k, is not a payload of a known version, or names another wave or
 * layer. */
json_t *seal_open(const seal_key *k, const unsigned char *sealed, size_t len, long long wave,
                  int layer, tm_error *err);

#endif
