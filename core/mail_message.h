/* mail_message.h - an e-mail built from a template: text in, the message
 * as a mail relay receives it out. Pure: the caller brings the values, the
 * Message-ID and the time, so that the same input gives the same bytes.
 *
 * A template (subject, body, footer) holds {{placeholders}} (core/text.h);
 * the body's paragraphs are separated by blank lines. mail_render fills it
 * twice: as plain text, and as HTML in which the template's own text and
 * every value are escaped, paragraphs become <p> and the values named as
 * links become anchors. Nobody writes HTML into a mail.
 *
 * mail_message_write lays out the message (RFC 5322 and MIME):
 * multipart/alternative with the plain text first and the HTML second, both
 * UTF-8 in quoted-printable; a subject or sender name that is not plain
 * ASCII as RFC 2047 encoded words; Message-ID, Date, and List-Unsubscribe
 * with its one-click POST (RFC 8058) when a decline address is given. Every
 * line ends in CRLF and holds at most 78 characters, except a header that
 * holds one unbreakable word longer than that (an address, a URL): those
 * stay within RFC 5322's 998.
 *
 *   const tm_text_var vars[] = {{"link", url}, {"organisatie", org}, {NULL, NULL}};
 *   const char *const links[] = {"link", NULL};
 *   mail_template t = {subject_tmpl, body_tmpl, NULL};
 *   strbuf subject = STRBUF_INIT(4096), text = STRBUF_INIT(1 << 16), html = STRBUF_INIT(1 << 17);
 *   mail_render(&t, "nl", vars, links, &subject, &text, &html);
 *   mail_message m = {.from = "enquete@ede.nl", .to = "jan@ede.nl", .subject = subject.buf,
 *                     .text = text.buf, .html = html.buf, .lang = "nl",
 *                     .message_id = "3f2a...@ede.nl", .date = time(NULL)};
 *   strbuf out = STRBUF_INIT(1 << 18);
 *   mail_message_write(&out, &m);
 */
#ifndef TM_MAIL_MESSAGE_H
#define TM_MAIL_MESSAGE_H

#include <stddef.h>
#include <time.h>

#include "core/strbuf.h"
#include "core/text.h"

/* The longest header or body line written (without CRLF), and the longest
 * a line may ever be (RFC 5322 2.1.1). */
#define MAIL_LINE_MAX 78
#define MAIL_LINE_LIMIT 998

typedef struct mail_template {
    const char *subject; /* one line */
    const char *body;    /* paragraphs separated by blank lines */
    const char *footer;  /* after the body, in small print; may be NULL */
} mail_template;

/* Fills t with vars (an array ended by a NULL name) in language lang ("nl"
 * or "en", for the HTML's lang attribute): the subject (line breaks become
 * spaces) into subject, the plain text into text, a whole HTML document into
 * html. The values of the names in links (ended by NULL; may be NULL) are
 * URLs: anchors in the HTML. Returns the number of placeholders that vars
 * did not fill (they stay as written), or -1 when a buffer failed. */
int mail_render(const mail_template *t, const char *lang, const tm_text_var *vars,
                const char *const *links, strbuf *subject, strbuf *text, strbuf *html);

typedef struct mail_message {
    const char *from_name;   /* the sender's display name, UTF-8; may be NULL */
    const char *from;        /* the sender's address */
    const char *to;          /* the recipient's address */
    const char *subject;     /* UTF-8, one line */
    const char *text;        /* UTF-8, lines end in \n (or \r\n) */
    const char *html;        /* UTF-8 */
    const char *lang;        /* Content-Language; may be NULL */
    const char *message_id;  /* "unique@domain", without angle brackets */
    time_t date;             /* for the Date header, written in UTC */
    const char *unsubscribe; /* the decline address (https://...); may be NULL */
} mail_message;

/* Appends the whole message to out. Returns 0, or -1 when out failed. */
int mail_message_write(strbuf *out, const mail_message *m);

/* Appends s (n bytes) in quoted-printable (RFC 2045 6.7): lines of at most
 * 76 characters with soft breaks, CRLF line ends, a leading "." or "From "
 * escaped so that no transport changes them. Returns as strbuf_add. */
int mail_qp_encode(strbuf *out, const char *s, size_t n);

#endif
