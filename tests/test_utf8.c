/* test_utf8.c - the one UTF-8 module (core/utf8.h): what counts as valid
 * (RFC 3629, as jansson), counting characters, and mending text that was cut
 * or is not UTF-8 at all so that it can still become a JSON string.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/utf8.h"

static size_t decode(const char *s, uint32_t *cp)
{
    *cp = 0xDEAD;
    return utf8_decode(s, strlen(s), cp);
}

Test(utf8, decodes_each_length)
{
    uint32_t cp;
    cr_assert_eq(decode("a", &cp), 1);
    cr_assert_eq(cp, 'a');
    cr_assert_eq(decode("\xC3\xA9t\xC3\xA9", &cp), 2);
    cr_assert_eq(cp, 0xE9, "é");
    cr_assert_eq(decode("\xE2\x86\x92", &cp), 3);
    cr_assert_eq(cp, 0x2192, "→");
    cr_assert_eq(decode("\xF0\x9F\x8C\xA1", &cp), 4);
    cr_assert_eq(cp, 0x1F321, "🌡");
    cr_assert_eq(decode("\xF4\x8F\xBF\xBF", &cp), 4);
    cr_assert_eq(cp, 0x10FFFF, "the last code point");
    cr_assert_eq(utf8_decode("", 0, &cp), 0);
}

Test(utf8, refuses_what_jansson_refuses)
{
    const char *bad[] = {
        "\x80",             /* a continuation byte alone */
        "\xC0\xAF",         /* overlong '/' */
        "\xC1\xBF",         /* overlong */
        "\xE0\x80\xAF",     /* overlong, three bytes */
        "\xF0\x80\x80\xAF", /* overlong, four bytes */
        "\xED\xA0\x80",     /* a UTF-16 surrogate */
        "\xF4\x90\x80\x80", /* above U+10FFFF */
        "\xF5\x80\x80\x80", /* no such lead byte */
        "\xFF",
        "\xC3",         /* cut off */
        "\xE2\x86",     /* cut off */
        "\xC3\x28",     /* a lead byte without its continuation */
        "\xE2\x28\xA1", /* idem */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint32_t cp;
        cr_assert_eq(utf8_decode(bad[i], strlen(bad[i]), &cp), 0, "bad[%zu] decoded", i);
        cr_assert_not(utf8_valid(bad[i], strlen(bad[i])), "bad[%zu] valid", i);
        json_t *j = json_stringn(bad[i], strlen(bad[i]));
        cr_assert_null(j, "bad[%zu]: jansson agrees it is not UTF-8", i);
    }
    cr_assert(utf8_valid("a\0b", 3), "NUL is valid UTF-8");
    cr_assert(utf8_valid("", 0));
}

/* Long text takes the eight-bytes-at-a-time path; a bad byte at any place
 * in it, before, inside or after a block of eight, is found. */
Test(utf8, finds_a_bad_byte_anywhere_in_long_text)
{
    char text[64];
    memset(text, 'a', sizeof text);
    cr_assert(utf8_valid(text, sizeof text));
    for (size_t at = 0; at < sizeof text; at++) {
        char t[64];
        memcpy(t, text, sizeof t);
        t[at] = (char)0xFF;
        cr_assert_not(utf8_valid(t, sizeof t), "0xFF at %zu", at);
        if (at + 2 <= sizeof t) {
            memcpy(t + at, "\xC3\xA9", 2);
            cr_assert(utf8_valid(t, sizeof t), "é at %zu", at);
        }
    }
    cr_assert_not(utf8_valid("aaaaaaa\xC3", 8), "cut off at the end of a block");
}

Test(utf8, counts_characters_not_bytes)
{
    cr_assert_eq(utf8_length(""), 0);
    cr_assert_eq(utf8_length("abc"), 3);
    cr_assert_eq(utf8_length("café"), 4);
    cr_assert_eq(utf8_length("Súdwest-Fryslân"), 15);
    cr_assert_eq(utf8_length("→🌡"), 2);
}

Test(utf8, scrub_marks_every_byte_that_is_not_text)
{
    char a[] = "caf\xC3\xA9 \xFF ok \xC0\xAF \xED\xA0\x80 tail\xC3";
    utf8_scrub(a);
    cr_assert_str_eq(a, "caf\xC3\xA9 ? ok ?? ??? tail?");
    cr_assert(utf8_valid(a, strlen(a)));
    char b[] = "al goed: é → 🌡";
    utf8_scrub(b);
    cr_assert_str_eq(b, "al goed: é → 🌡", "valid text is left alone");
}

Test(utf8, cut_tail_drops_only_a_character_cut_in_half)
{
    char s[16];
    const char *full = "Café\xF0\x9F\x8C\xA1"; /* "Café🌡": 3 + 2 + 4 bytes */
    size_t len = strlen(full);
    const char *want[] = {"", "C", "Ca", "Caf", "Caf", "Café", "Café", "Café", "Café", "Café🌡"};
    for (size_t n = 0; n <= len; n++) {
        snprintf(s, sizeof s, "%.*s", (int)n, full);
        utf8_cut_tail(s);
        cr_assert_str_eq(s, want[n], "cut at %zu bytes", n);
    }
    char bad[] = "x\x80\x80\x80\x80"; /* not UTF-8 at all: left to utf8_scrub */
    utf8_cut_tail(bad);
    cr_assert_str_eq(bad, "x\x80\x80\x80\x80");
}

/* The mending where it matters: an error message cut inside a character by
 * its fixed size still becomes the API's JSON error. */
Test(utf8, a_cut_error_message_is_still_json)
{
    char name[600];
    size_t n = 0;
    while (n + 2 < sizeof name) {
        memcpy(name + n, "\xC3\xA9", 2); /* é */
        n += 2;
    }
    name[n] = '\0';
    for (int shift = 0; shift < 2; shift++) {
        tm_error err = TM_ERROR_INIT;
        tm_error_set(&err, 422, "%.*sunknown layer \"%s\"", shift, "x", name);
        cr_assert(utf8_valid(err.message, strlen(err.message)), "shift %d", shift);
        tm_error_add(&err, "%.*s%s%s", shift, "x", name, name);
        cr_assert_eq(tm_error_count(&err), 1, "a detail cut inside a character is kept");
        json_t *j = tm_error_to_json(&err);
        cr_assert_not_null(j, "shift %d: the error is JSON", shift);
        json_decref(j);
        tm_error_clear(&err);
    }
}

Test(utf8, an_error_naming_a_file_that_is_no_utf8_is_still_json)
{
    tm_error err = TM_ERROR_INIT;
    tm_error_set(&err, 400, "%s: cannot read the file", "/tmp/caf\xE9.json"); /* Latin-1 name */
    cr_assert_str_eq(err.message, "/tmp/caf?.json: cannot read the file");
    json_t *j = tm_error_to_json(&err);
    cr_assert_not_null(j);
    json_decref(j);
    tm_error_clear(&err);
}
