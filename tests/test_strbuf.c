/* test_strbuf.c - the one string buffer (core/strbuf.h): appends of every
 * kind, the cap, the sticky failure a caller checks once, and who owns the
 * text after strbuf_detach. ASan (make test) reports any leak or double free.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

Test(strbuf, starts_as_an_empty_string)
{
    strbuf sb = STRBUF_INIT(100);
    cr_assert_str_eq(sb.buf, "", "readable before the first append");
    cr_assert_eq(sb.len, 0);
    cr_assert_eq(sb.status, STRBUF_OK);
    size_t n = 99;
    char *s = strbuf_detach(&sb, &n);
    cr_assert_str_eq(s, "", "an empty buffer hands over an empty string");
    cr_assert_eq(n, 0);
    free(s); /* the caller's, even when nothing was appended */
}

Test(strbuf, appends_bytes_strings_printf_and_characters)
{
    strbuf sb;
    strbuf_init(&sb, 1000);
    cr_assert_eq(strbuf_adds(&sb, "Deel "), 0);
    cr_assert_eq(strbuf_addf(&sb, "%d van %d", 2, 5), 0);
    cr_assert_eq(strbuf_addch(&sb, ':'), 0);
    cr_assert_eq(strbuf_add(&sb, " x\0y", 4), 0);
    cr_assert_eq(strbuf_adds(&sb, NULL), 0, "NULL appends nothing");
    cr_assert_eq(sb.len, 17);
    cr_assert_eq(memcmp(sb.buf, "Deel 2 van 5: x\0y", 17), 0, "bytes, NUL included");
    cr_assert_eq(sb.buf[17], '\0', "always NUL-terminated");
    strbuf_release(&sb);
    cr_assert_str_eq(sb.buf, "");
    cr_assert_eq(sb.max, 1000, "release keeps the cap");
}

Test(strbuf, grows_through_many_appends)
{
    strbuf sb = STRBUF_INIT(1 << 20);
    for (int i = 0; i < 10000; i++)
        strbuf_addf(&sb, "%04d,", i);
    cr_assert_eq(sb.status, STRBUF_OK);
    cr_assert_eq(sb.len, 50000);
    cr_assert_eq(strncmp(sb.buf, "0000,0001,", 10), 0);
    cr_assert_str_eq(sb.buf + 49995, "9999,");
    /* printf output longer than all the room there is at once */
    strbuf_reset(&sb);
    strbuf_addf(&sb, "%s|%0300d", "start", 7);
    cr_assert_eq(sb.len, 306);
    cr_assert_eq(sb.buf[305], '7');
    strbuf_release(&sb);
}

Test(strbuf, the_cap_is_the_most_the_contents_may_hold)
{
    strbuf sb = STRBUF_INIT(10);
    cr_assert_eq(strbuf_adds(&sb, "0123456789"), 0, "exactly the cap fits");
    cr_assert_eq(sb.len, 10);
    cr_assert_eq(strbuf_addch(&sb, 'x'), -1, "one byte more does not");
    cr_assert_eq(sb.status, STRBUF_TOO_LARGE);
    cr_assert_str_eq(sb.buf, "0123456789", "a failed append appends nothing");
    cr_assert_null(strbuf_detach(&sb, NULL));

    /* byte by byte, the inline path keeps the cap too */
    strbuf_init(&sb, 100);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(strbuf_addch(&sb, 'a'), 0, "byte %d", i);
    cr_assert_eq(strbuf_addch(&sb, 'a'), -1);
    cr_assert_eq(sb.len, 100);
    cr_assert_leq(sb.alloc, 101, "no more memory than the cap needs");
    strbuf_release(&sb);

    strbuf_init(&sb, 0);
    cr_assert_eq(strbuf_adds(&sb, ""), 0, "nothing fits a cap of 0, and nothing is fine");
    cr_assert_eq(strbuf_adds(&sb, "a"), -1);
    strbuf_release(&sb);
}

Test(strbuf, a_failure_sticks_until_reset)
{
    strbuf sb = STRBUF_INIT(8);
    strbuf_adds(&sb, "abc");
    cr_assert_eq(strbuf_addf(&sb, "%s", "too long for it"), -1);
    cr_assert_str_eq(sb.buf, "abc", "a cut-off printf leaves the contents as they were");
    cr_assert_eq(strbuf_adds(&sb, "d"), -1, "a short append after the failure fails too");
    cr_assert_eq(strbuf_addch(&sb, 'd'), -1);
    cr_assert_eq(strbuf_add(&sb, "", 0), -1, "even an empty one reports the failure");
    cr_assert_eq(strbuf_addf(&sb, "%d", 1), -1);
    cr_assert_str_eq(sb.buf, "abc");
    cr_assert_eq(sb.status, STRBUF_TOO_LARGE);

    strbuf_reset(&sb);
    cr_assert_eq(sb.status, STRBUF_OK, "reset forgets the failure");
    cr_assert_str_eq(sb.buf, "");
    cr_assert_eq(strbuf_adds(&sb, "12345678"), 0);
    strbuf_release(&sb);
}

Test(strbuf, a_callers_own_failure_reaches_the_check_at_the_end)
{
    strbuf sb = STRBUF_INIT(100);
    strbuf_adds(&sb, "<p>");
    cr_assert_eq(strbuf_fail(&sb, STRBUF_NO_MEMORY), -1);
    cr_assert_eq(strbuf_fail(&sb, STRBUF_TOO_LARGE), -1);
    cr_assert_eq(sb.status, STRBUF_NO_MEMORY, "the first failure counts");
    cr_assert_eq(strbuf_adds(&sb, "</p>"), -1);
    cr_assert_null(strbuf_detach(&sb, NULL));
    cr_assert_eq(sb.status, STRBUF_OK, "detach leaves the buffer ready for use");
    cr_assert_eq(strbuf_adds(&sb, "again"), 0);
    strbuf_release(&sb);
}

Test(strbuf, detach_hands_the_memory_to_the_caller)
{
    strbuf sb = STRBUF_INIT(1000);
    strbuf_adds(&sb, "Bedankt!");
    char *mem = sb.buf;
    size_t n = 0;
    char *s = strbuf_detach(&sb, &n);
    cr_assert_eq(s, mem, "the text is handed over, not copied");
    cr_assert_eq(n, 8);
    cr_assert_str_eq(sb.buf, "", "the buffer no longer points to it");
    cr_assert_eq(sb.alloc, 0);
    cr_assert_eq(sb.max, 1000);

    /* The buffer is used again; the detached text stays as it was. */
    strbuf_adds(&sb, "Tot ziens");
    cr_assert_neq(sb.buf, s);
    cr_assert_str_eq(s, "Bedankt!");
    strbuf_release(&sb); /* frees only the new text: no double free for ASan to find */
    free(s);
}

Test(strbuf, reset_keeps_the_memory_for_the_next_round)
{
    strbuf sb = STRBUF_INIT(4096);
    strbuf_adds(&sb, "row one, long enough to have grown the buffer past its first size");
    char *mem = sb.buf;
    size_t alloc = sb.alloc;
    strbuf_reset(&sb);
    cr_assert_eq(sb.len, 0);
    cr_assert_str_eq(sb.buf, "");
    cr_assert_eq(sb.buf, mem);
    cr_assert_eq(sb.alloc, alloc);
    strbuf_adds(&sb, "row two");
    cr_assert_eq(sb.buf, mem, "no new allocation for a shorter row");
    cr_assert_str_eq(sb.buf, "row two");
    strbuf_release(&sb);
    strbuf_release(&sb); /* twice is fine */
}
