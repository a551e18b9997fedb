/* test_seal.c - the seal of a waiting submission (server/app/seal.h): what
 * goes in comes out under the same key, and nothing comes out under another
 * key, after a changed byte, or for another wave or layer; the key is read
 * from SEAL_KEY or SEAL_KEY_FILE, and a bad one is refused saying why. No
 * database. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/app/seal.h"

#define KEY_A "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define KEY_B "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

static void init(void)
{
    cr_assert_geq(sodium_init(), 0);
}

TestSuite(seal, .init = init);

/* scores 4, -1, 0, 2 and an open answer. */
static answer_set sample(int16_t *scores)
{
    scores[0] = 4, scores[1] = -1, scores[2] = 0, scores[3] = 2;
    answer_set a = {scores, 4, json_pack("{s:s}", "open-eff", "Minder regels, meer ruimte"), 3};
    return a;
}

static unsigned char *bytes(const char *hex, size_t *len)
{
    unsigned char *b = malloc(strlen(hex) / 2 + 1);
    cr_assert_eq(sodium_hex2bin(b, strlen(hex) / 2 + 1, hex, strlen(hex), NULL, len, NULL), 0);
    return b;
}

Test(seal, what_goes_in_comes_out_under_the_same_key_only)
{
    seal_key a, b;
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(seal_key_parse(&a, KEY_A, &err), 0, "%s", err.message);
    cr_assert_eq(seal_key_parse(&b, " " KEY_B "\n", &err), 0, "white space around is fine");
    cr_expect_eq(strlen(a.id), 16);
    cr_expect_str_neq(a.id, b.id, "two keys, two ids");
    int16_t scores[4];
    answer_set set = sample(scores);
    char *hex = seal_answers(&a, 42, 3, &set);
    cr_assert_not_null(hex);
    cr_expect(strstr(hex, "4d696e646572") == NULL, "the text is not in the sealed bytes");
    char *again = seal_answers(&a, 42, 3, &set);
    cr_expect_str_neq(hex, again, "a fresh nonce each time: equal answers never look equal");
    free(again);

    size_t len;
    unsigned char *sealed = bytes(hex, &len);
    json_t *p = seal_open(&a, sealed, len, 42, 3, &err);
    cr_assert_not_null(p, "%s", err.message);
    cr_expect_eq(json_integer_value(json_object_get(p, "v")), SEAL_VERSION);
    cr_expect_str_eq(json_string_value(json_object_get(p, "scores")), "{4,-1,0,2}");
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(p, "extra"), "open-eff")),
                     "Minder regels, meer ruimte");
    json_decref(p);

    struct {
        const seal_key *k;
        long long wave;
        int layer;
        int flip;
        const char *why;
    } bad[] = {{&b, 42, 3, -1, "another key"},
               {&a, 43, 3, -1, "another wave"},
               {&a, 42, 2, -1, "another layer"},
               {&a, 42, 3, 30, "a changed byte"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tm_error e = TM_ERROR_INIT;
        if (bad[i].flip >= 0) sealed[bad[i].flip] ^= 1;
        p = seal_open(bad[i].k, sealed, len, bad[i].wave, bad[i].layer, &e);
        cr_expect_null(p, "opened with %s", bad[i].why);
        cr_expect_eq(e.status, 500, "%s: %s", bad[i].why, e.message);
        if (bad[i].flip >= 0) sealed[bad[i].flip] ^= 1;
        json_decref(p);
        tm_error_clear(&e);
    }
    cr_expect_null(seal_open(&a, sealed, 10, 42, 3, &err), "too short");
    tm_error_clear(&err);
    free(sealed);
    free(hex);
    json_decref(set.extra);
}

Test(seal, the_key_comes_from_the_environment_or_a_file)
{
    seal_key k;
    tm_error err = TM_ERROR_INIT;
    unsetenv("SEAL_KEY");
    unsetenv("SEAL_KEY_FILE");
    cr_expect_eq(seal_key_from_env(&k, &err), 0, "none set");
    setenv("SEAL_KEY", "abc", 1);
    cr_expect_eq(seal_key_from_env(&k, &err), -1);
    cr_expect(strstr(err.message, "64 hexadecimal digits") != NULL, "%s", err.message);
    tm_error_clear(&err);
    setenv("SEAL_KEY", KEY_A, 1);
    cr_expect_eq(seal_key_from_env(&k, &err), 1);
    unsetenv("SEAL_KEY");

    char path[256];
    snprintf(path, sizeof path, "%s/seal-%d.key",
             getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp", (int)getpid());
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%s\n", KEY_B);
    fclose(f);
    setenv("SEAL_KEY_FILE", path, 1);
    seal_key b;
    cr_expect_eq(seal_key_from_env(&k, &err), 1, "%s", err.message);
    seal_key_parse(&b, KEY_B, &err);
    cr_expect_str_eq(k.id, b.id, "the file's key");
    unlink(path);
    cr_expect_eq(seal_key_from_env(&k, &err), -1, "a file that is not there");
    cr_expect(strstr(err.message, path) != NULL, "the message names the file: %s", err.message);
    tm_error_clear(&err);
    unsetenv("SEAL_KEY_FILE");
}
