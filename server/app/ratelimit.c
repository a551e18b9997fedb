/* ratelimit.c - see ratelimit.h. */
#include "server/app/ratelimit.h"

#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#include "server/store/token_failures.h"

/* Stale rows are deleted by every this many failures of a process. */
#define PRUNE_EVERY 256

/* BLAKE2b of a kind tag and text: the table never holds an address or a
 * piece of a link. */
static void failure_key(const char *tag, const char *text, size_t len,
                        unsigned char out[TOKEN_FAILURE_KEY_BYTES])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, TOKEN_FAILURE_KEY_BYTES);
    crypto_generichash_update(&h, (const unsigned char *)tag, strlen(tag) + 1);
    crypto_generichash_update(&h, (const unsigned char *)text, len);
    crypto_generichash_final(&h, out, TOKEN_FAILURE_KEY_BYTES);
}

int ratelimit_failed(PGconn *c, const char *client, const char *token, tm_error *err)
{
    static atomic_uint failures;
    unsigned char address[TOKEN_FAILURE_KEY_BYTES], prefix[TOKEN_FAILURE_KEY_BYTES];
    size_t n = strlen(token);
    failure_key("address", client, strlen(client), address);
    failure_key("prefix", token, n < RATELIMIT_PREFIX_CHARS ? n : RATELIMIT_PREFIX_CHARS, prefix);
    tm_error ignored = TM_ERROR_INIT;
    token_failure_counts k;
    int rc = store_token_failures_add(c, address, prefix, RATELIMIT_WINDOW_S, &k, &ignored);
    if (rc == 0 && atomic_fetch_add(&failures, 1) % PRUNE_EVERY == PRUNE_EVERY - 1)
        store_token_failures_prune(c, RATELIMIT_WINDOW_S, &ignored);
    tm_error_clear(&ignored);
    if (rc != 0) return 0;
    int by_address = k.address > RATELIMIT_PER_ADDRESS;
    if (!by_address && k.prefix <= RATELIMIT_PER_PREFIX) return 0;
    int wait = by_address ? k.address_left_s : k.prefix_left_s;
    if (wait < 1) wait = 1;
    if (by_address)
        tm_error_set(err, 429,
                     "too many unknown survey links were tried from this address; try again in "
                     "%d seconds",
                     wait);
    else
        tm_error_set(err, 429,
                     "too many unknown survey links beginning like this one were tried; try "
                     "again in %d seconds",
                     wait);
    return wait;
}
