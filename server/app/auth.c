/* auth.c - see auth.h. */
#include "server/app/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/keys.h"

#define KEY_SECRET_BYTES 32
#define TOKEN_RANDOM_BYTES 18

static void secret_hash(const char *secret, unsigned char hash[STORE_KEY_HASH_BYTES])
{
    crypto_generichash(hash, STORE_KEY_HASH_BYTES, (const unsigned char *)secret, strlen(secret),
                       NULL, 0);
}

int auth_key_create(PGconn *c, const auth_key_spec *spec, char **key_out, long long *id_out,
                    tm_error *err)
{
    if (spec->role == ROLE_ADMIN && spec->n_orgs > 0)
        return tm_error_set(err, 422, "an admin key sees every organisation; drop --organisation");
    if (spec->role == ROLE_VIEWER && spec->n_orgs != 1)
        return tm_error_set(err, 422, "a viewer key needs exactly one --organisation");

    unsigned char raw[KEY_SECRET_BYTES], hash[STORE_KEY_HASH_BYTES];
    char secret[sodium_base64_ENCODED_LEN(KEY_SECRET_BYTES,
                                          sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(secret, sizeof secret, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    secret_hash(secret, hash);
    long long id = 0;
    store_key_new k = {spec->role, hash, spec->orgs, spec->n_orgs, spec->name, spec->expires_at};
    int rc = store_keys_insert(c, &k, &id, err);
    if (rc == 0 && asprintf(key_out, "tm_%lld_%s", id, secret) < 0)
        rc = tm_error_set(err, 500, "out of memory");
    if (rc == 0 && id_out) *id_out = id;
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(secret, sizeof secret);
    return rc;
}

int auth_key_check(PGconn *c, const char *authorization, caller *who, tm_error *err)
{
    memset(who, 0, sizeof *who);
    const char *prefix = "Bearer ";
    if (!authorization || strncasecmp(authorization, prefix, strlen(prefix)) != 0)
        return tm_error_set(err, 401, "an API key is required: send \"Authorization: Bearer KEY\"");
    const char *key = authorization + strlen(prefix);
    while (*key == ' ')
        key++;

    /* tm_<digits>_<secret> */
    char id[20];
    size_t i = 0;
    if (strncmp(key, "tm_", 3) != 0) goto malformed;
    for (key += 3; *key >= '0' && *key <= '9' && i < sizeof id - 1; key++)
        id[i++] = *key;
    id[i] = '\0';
    if (i == 0 || *key != '_' || strlen(key + 1) < 20 || strlen(key + 1) > 64) goto malformed;

    unsigned char want[STORE_KEY_HASH_BYTES], stored[STORE_KEY_HASH_BYTES];
    secret_hash(key + 1, want);
    role r = ROLE_NONE;
    int stale = 0;
    int found = store_keys_find(c, strtoll(id, NULL, 10), &r, stored, &stale, err);
    if (found < 0) return -1;
    if (!found || sodium_memcmp(want, stored, sizeof want) != 0)
        return tm_error_set(err, 401, "the API key is not valid (unknown, revoked or expired)");
    caller_set_key(who, r, strtoll(id, NULL, 10));
    return stale ? store_keys_touch(c, who->key_id, err) : 0;

malformed:
    return tm_error_set(err, 401, "the API key is malformed: expected \"Bearer tm_<id>_<secret>\"");
}

void auth_token_hash(const char *text, char hash[TOKEN_HASH_HEX])
{
    unsigned char bin[TOKEN_HASH_BYTES];
    crypto_generichash(bin, TOKEN_HASH_BYTES, (const unsigned char *)text, strlen(text), NULL, 0);
    sodium_bin2hex(hash, TOKEN_HASH_HEX, bin, TOKEN_HASH_BYTES);
}

void auth_token_new(char text[TOKEN_TEXT_MAX], char hash[TOKEN_HASH_HEX])
{
    unsigned char raw[TOKEN_RANDOM_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(text, TOKEN_TEXT_MAX, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    auth_token_hash(text, hash);
}

int auth_token_well_formed(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return n >= 16 && n <= 44;
}
