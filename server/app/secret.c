/* secret.c - see secret.h. */
#include "server/app/secret.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_hex(unsigned char key[SECRET_BYTES], const char *text, tm_error *err)
{
    while (*text && isspace((unsigned char)*text))
        text++;
    size_t n = strlen(text), got = 0;
    while (n && isspace((unsigned char)text[n - 1]))
        n--;
    if (n != 2 * SECRET_BYTES ||
        sodium_hex2bin(key, SECRET_BYTES, text, n, NULL, &got, NULL) != 0 || got != SECRET_BYTES)
        return tm_error_set(err, 400, "the key must be 64 hexadecimal digits (32 bytes); %s",
                            secret_howto());
    return 0;
}

const char *secret_howto(void)
{
    return "make one with `od -An -tx1 -N32 /dev/urandom | tr -d ' \\n'` and pass it as SEAL_KEY, "
           "or keep it in a file (mode 0600) named by SEAL_KEY_FILE; `make run` keeps one in "
           "var/seal.key";
}

int secret_from_env(unsigned char key[SECRET_BYTES], tm_error *err)
{
    const char *hex = getenv("SEAL_KEY");
    if (hex && *hex) {
        if (parse_hex(key, hex, err) != 0) {
            char why[sizeof err->message];
            snprintf(why, sizeof why, "%s", err->message);
            return tm_error_set(err, 400, "SEAL_KEY: %s", why);
        }
        return 1;
    }
    const char *path = getenv("SEAL_KEY_FILE");
    if (!path || !*path) return 0;
    FILE *f = fopen(path, "r");
    if (!f) return tm_error_set(err, 400, "SEAL_KEY_FILE %s cannot be read", path);
    char buf[256] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    int rc = parse_hex(key, buf, err);
    sodium_memzero(buf, sizeof buf);
    if (rc != 0) {
        char why[sizeof err->message];
        snprintf(why, sizeof why, "%s", err->message);
        return tm_error_set(err, 400, "SEAL_KEY_FILE %s: %s", path, why);
    }
    return 1;
}

void secret_derive(const unsigned char key[SECRET_BYTES], const char context[8], uint64_t id,
                   unsigned char out[SECRET_BYTES])
{
    crypto_kdf_derive_from_key(out, SECRET_BYTES, id, context, key);
}
