/* strbuf.h - the program's one growable string, with a size cap, in the
 * manner of git's strbuf and curl's dynbuf.
 *
 * Text is appended front to back and is always NUL-terminated: sb.buf is a
 * valid (empty) string from the start, so it can be read at any time. The cap,
 * given at init, is the most bytes the contents may hold (the NUL not
 * counted); it keeps a page, a row or a message that grows from outside input
 * from taking all memory.
 *
 * Failure is sticky. An append past the cap fails as running out of memory
 * does: it appends nothing, every later append does nothing, and
 * strbuf_detach returns NULL, so callers write a run of appends and check
 * once at the end (sb.status says which of the two happened).
 *
 *   strbuf sb = STRBUF_INIT(64 * 1024);
 *   strbuf_adds(&sb, "<p>");
 *   strbuf_addf(&sb, "%d items", n);
 *   char *s = strbuf_detach(&sb, NULL); // the caller owns s and frees it; NULL on failure
 *
 * A strbuf reused in a loop: strbuf_reset between rounds (keeps the memory),
 * strbuf_release at the end.
 */
#ifndef TM_STRBUF_H
#define TM_STRBUF_H

#include <stddef.h>

typedef enum strbuf_status {
    STRBUF_OK,
    STRBUF_TOO_LARGE, /* an append would have passed the cap */
    STRBUF_NO_MEMORY, /* an allocation failed */
} strbuf_status;

typedef struct strbuf {
    char *buf;            /* the contents, NUL-terminated; never NULL */
    size_t len;           /* bytes in buf, the NUL not counted */
    size_t alloc;         /* bytes allocated for buf; 0 while buf is the shared "" */
    size_t max;           /* the cap on len */
    strbuf_status status; /* the first failure; STRBUF_OK while there is none */
} strbuf;

/* What buf points to before the first append: "" (never written to). */
extern char strbuf_empty[1];

#define STRBUF_INIT(cap)                                                                           \
    {                                                                                              \
        strbuf_empty, 0, 0, (cap), STRBUF_OK                                                       \
    }

/* Sets sb up empty with a cap of max bytes, as STRBUF_INIT(max) does. */
void strbuf_init(strbuf *sb, size_t max);

/* Makes room for n more bytes (and the NUL). Returns 0, or -1 with the
 * failure recorded. The appends call it; callers need not. */
int strbuf_grow(strbuf *sb, size_t n);

/* Appends n bytes of data (which may hold NULs). Returns 0, or -1 when this or
 * an earlier append failed. */
int strbuf_add(strbuf *sb, const void *data, size_t n);

/* Appends the string s; NULL appends nothing. Returns as strbuf_add. */
int strbuf_adds(strbuf *sb, const char *s);

/* Appends printf-style output. Returns as strbuf_add. */
int strbuf_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends one byte; inline, for byte-at-a-time parsers. Returns as strbuf_add. */
static inline int strbuf_addch(strbuf *sb, char c)
{
    /* alloc never exceeds max + 1, so room in the allocation is room under
     * the cap; a failed buffer has no room that the fast path could use. */
    if (sb->alloc - sb->len < 2 || sb->status != STRBUF_OK)
        if (strbuf_grow(sb, 1) < 0) return -1;
    sb->buf[sb->len++] = c;
    sb->buf[sb->len] = '\0';
    return 0;
}

/* Records a failure as a failed append would (the first one counts), for a
 * caller whose own part failed, such as text prepared in a buffer of its own
 * for sb: the check at the end then sees it. Returns -1. */
int strbuf_fail(strbuf *sb, strbuf_status why);

/* Hands the contents over: a NUL-terminated string that the caller now owns
 * and frees ("" when nothing was appended), and its length in *len when len is
 * not NULL. Returns NULL when an append failed; the contents are then freed.
 * Either way sb is left empty, without a failure, with its cap, ready to be
 * used again. */
char *strbuf_detach(strbuf *sb, size_t *len);

/* Empties sb and forgets a failure, keeping the memory for the next round. */
void strbuf_reset(strbuf *sb);

/* Frees the memory; sb is left empty, without a failure, with its cap. Safe
 * on a buffer that never grew. */
void strbuf_release(strbuf *sb);

#endif
