/* seal.c - see seal.h. */
#include "server/app/seal.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FINGERPRINT_CONTEXT "thermometer seal key fingerprint v1"

int seal_key_parse(seal_key *k, const char *hex, tm_error *err)
{
    memset(k, 0, sizeof *k);
    while (*hex && isspace((unsigned char)*hex))
        hex++;
    size_t n = strlen(hex);
    while (n && isspace((unsigned char)hex[n - 1]))
        n--;
    size_t got = 0;
    if (n != 2 * SEAL_KEY_BYTES ||
        sodium_hex2bin(k->k, sizeof k->k, hex, n, NULL, &got, NULL) != 0 || got != SEAL_KEY_BYTES)
        return tm_error_set(err, 400, "the seal key must be 64 hexadecimal digits (32 bytes); %s",
                            seal_key_howto());
    unsigned char fp[32];
    crypto_generichash(fp, sizeof fp, (const unsigned char *)FINGERPRINT_CONTEXT,
                       strlen(FINGERPRINT_CONTEXT), k->k, sizeof k->k);
    sodium_bin2hex(k->id, sizeof k->id, fp, 8);
    return 0;
}

const char *seal_key_howto(void)
{
    return "make one with `od -An -tx1 -N32 /dev/urandom | tr -d ' \\n'` and pass it as SEAL_KEY, "
           "or keep it in a file (mode 0600) named by SEAL_KEY_FILE; `make run` keeps one in "
           "var/seal.key. Keep it: submissions that wait to be mixed open only with it";
}

int seal_key_from_env(seal_key *k, tm_error *err)
{
    const char *hex = getenv("SEAL_KEY");
    if (hex && *hex) return seal_key_parse(k, hex, err) == 0 ? 1 : -1;
    const char *path = getenv("SEAL_KEY_FILE");
    if (!path || !*path) return 0;
    FILE *f = fopen(path, "r");
    if (!f) return tm_error_set(err, 400, "SEAL_KEY_FILE %s cannot be read", path);
    char buf[256] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    int rc = seal_key_parse(k, buf, err);
    sodium_memzero(buf, sizeof buf);
    if (rc != 0) {
        char why[sizeof err->message];
        snprintf(why, sizeof why, "%s", err->message);
        return tm_error_set(err, 400, "SEAL_KEY_FILE %s: %s", path, why);
    }
    return 1;
}

/* The payload of a submission as compact JSON text (caller frees). The
 * scores travel as PostgreSQL's array literal, the form the mixer's insert
 * takes, so neither side builds or reads one number at a time. */
static char *payload_text(long long wave, int layer, const answer_set *a)
{
    char *scores = answers_scores_literal(a);
    json_t *p = scores ? json_pack("{s:i, s:I, s:i, s:s}", "v", SEAL_VERSION, "wave",
                                   (json_int_t)wave, "layer", layer, "scores", scores)
                       : NULL;
    free(scores);
    if (p && a->extra && json_object_size(a->extra)) json_object_set(p, "extra", a->extra);
    char *text = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    return text;
}

char *seal_answers(const seal_key *k, long long wave, int layer, const answer_set *a)
{
    char *text = payload_text(wave, layer, a);
    if (!text) return NULL;
    size_t mlen = strlen(text);
    size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + mlen;
    unsigned char *box = malloc(blen);
    char *hex = malloc(2 * blen + 1);
    if (box && hex) {
        randombytes_buf(box, crypto_secretbox_NONCEBYTES);
        crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)text, mlen,
                              box, k->k);
        sodium_bin2hex(hex, 2 * blen + 1, box, blen);
    } else {
        free(hex);
        hex = NULL;
    }
    sodium_memzero(text, mlen);
    free(text);
    free(box);
    return hex;
}

/* Whether s is a smallint[] literal as answers_scores_literal writes it:
 * "{", integers separated by commas, "}". */
static int scores_literal(const char *s)
{
    if (!s || *s++ != '{') return 0;
    if (*s == '}') return s[1] == '\0';
    for (;;) {
        if (*s == '-') s++;
        if (*s < '0' || *s > '9') return 0;
        while (*s >= '0' && *s <= '9')
            s++;
        if (*s == '}') return s[1] == '\0';
        if (*s++ != ',') return 0;
    }
}

json_t *seal_open(const seal_key *k, const unsigned char *sealed, size_t len, long long wave,
                  int layer, tm_error *err)
{
    if (len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
        tm_error_set(err, 500, "a waiting submission of wave %lld is too short to be sealed", wave);
        return NULL;
    }
    size_t mlen = len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    unsigned char *text = malloc(mlen + 1);
    if (!text) {
        tm_error_set(err, 500, "out of memory opening a waiting submission");
        return NULL;
    }
    json_t *p = NULL;
    if (crypto_secretbox_open_easy(text, sealed + crypto_secretbox_NONCEBYTES,
                                   len - crypto_secretbox_NONCEBYTES, sealed, k->k) != 0) {
        tm_error_set(err, 500, "a waiting submission of wave %lld does not open with this key",
                     wave);
    } else {
        text[mlen] = '\0';
        p = json_loadb((const char *)text, mlen, 0, NULL);
        if (!p || json_integer_value(json_object_get(p, "v")) != SEAL_VERSION ||
            json_integer_value(json_object_get(p, "wave")) != wave ||
            json_integer_value(json_object_get(p, "layer")) != layer ||
            !scores_literal(json_string_value(json_object_get(p, "scores")))) {
            json_decref(p);
            p = NULL;
            tm_error_set(err, 500,
                         "a waiting submission of wave %lld is not a payload of this version "
                         "for its layer",
                         wave);
        }
    }
    sodium_memzero(text, mlen);
    free(text);
    return p;
}
