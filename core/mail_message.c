/* mail_message.c - see mail_message.h. */
#include "core/mail_message.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"
#include "core/utf8.h"

#define QP_LINE 76          /* RFC 2045: encoded lines of at most 76 characters */
#define WORD_MAX 75         /* RFC 2047: an encoded word of at most 75 characters */
#define WORD_OVERHEAD 12    /* "=?UTF-8?B?" and "?=" */
#define VALUE_MAX (1 << 16) /* a filled subject, a value as HTML */

/* ---- rendering ---------------------------------------------------------- */

static int is_link(const char *const *links, const char *name)
{
    for (; links && *links; links++)
        if (!strcmp(*links, name)) return 1;
    return 0;
}

/* The values as HTML: escaped, a link as an anchor. Each value is owned by
 * the array (free with html_vars_free). NULL when memory ran out. */
static tm_text_var *html_vars(const tm_text_var *vars, const char *const *links)
{
    size_t n = 0;
    while (vars && vars[n].name)
        n++;
    tm_text_var *out = calloc(n + 1, sizeof *out);
    if (!out) return NULL;
    for (size_t i = 0; i < n; i++) {
        strbuf b = STRBUF_INIT(VALUE_MAX);
        if (is_link(links, vars[i].name)) {
            strbuf_adds(&b, "<a href=\"");
            html_escape(&b, vars[i].value);
            strbuf_adds(&b, "\">");
            html_escape(&b, vars[i].value);
            strbuf_adds(&b, "</a>");
        } else {
            html_escape(&b, vars[i].value);
        }
        out[i].name = vars[i].name;
        out[i].value = strbuf_detach(&b, NULL);
        if (!out[i].value) {
            for (size_t j = 0; j < i; j++)
                free((char *)out[j].value);
            free(out);
            return NULL;
        }
    }
    return out;
}

static void html_vars_free(tm_text_var *vars)
{
    for (size_t i = 0; vars && vars[i].name; i++)
        free((char *)vars[i].value);
    free(vars);
}

/* The length of the paragraph at s: up to a line holding only white space. */
static size_t paragraph_len(const char *s, size_t *skip)
{
    for (const char *p = s; *p; p++) {
        if (*p != '\n') continue;
        const char *q = p + 1;
        while (*q == ' ' || *q == '\t' || *q == '\r')
            q++;
        if (*q == '\n' || !*q) {
            *skip = (size_t)(q - s) + (*q == '\n');
            return (size_t)(p - s);
        }
    }
    *skip = strlen(s);
    return *skip;
}

/* The paragraphs of tmpl as HTML: <p> each, a line break as <br>, the text
 * escaped and then filled with hvars (already HTML). */
static void html_paragraphs(strbuf *html, const char *tmpl, const tm_text_var *hvars,
                            const char *style)
{
    strbuf para = STRBUF_INIT(VALUE_MAX);
    for (const char *s = tmpl; s && *s;) {
        s += strspn(s, " \t\r\n");
        if (!*s) break;
        size_t skip, n = paragraph_len(s, &skip);
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        strbuf_reset(&para);
        for (size_t i = 0; i < n;) {
            size_t run = strcspn(s + i, "\r\n");
            if (run > n - i) run = n - i;
            html_escapen(&para, s + i, run);
            i += run;
            if (i >= n) break;
            i += s[i] == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1; /* one line break */
            strbuf_adds(&para, "<br>\n");
        }
        strbuf_adds(html, style ? style : "<p>");
        if (para.status != STRBUF_OK) strbuf_fail(html, para.status);
        tm_text_fill(html, para.buf, hvars);
        strbuf_adds(html, "</p>\n");
        s += skip;
    }
    strbuf_release(&para);
}

/* The subject filled, on one line. */
static int render_subject(strbuf *subject, const char *tmpl, const tm_text_var *vars)
{
    strbuf b = STRBUF_INIT(VALUE_MAX);
    int missing = tm_text_fill(&b, tmpl ? tmpl : "", vars);
    const char *s = b.buf;
    s += strspn(s, " \t\r\n");
    size_t n = strlen(s);
    while (n && strchr(" \t\r\n", s[n - 1]))
        n--;
    for (size_t i = 0; i < n; i++)
        strbuf_addch(subject, s[i] == '\r' || s[i] == '\n' || s[i] == '\t' ? ' ' : s[i]);
    if (b.status != STRBUF_OK) strbuf_fail(subject, b.status);
    strbuf_release(&b);
    return missing;
}

int mail_render(const mail_template *t, const char *lang, const tm_text_var *vars,
                const char *const *links, strbuf *subject, strbuf *text, strbuf *html)
{
    int missing = render_subject(subject, t->subject, vars);
    int m = tm_text_fill(text, t->body ? t->body : "", vars);
    missing = missing < 0 || m < 0 ? -1 : missing + m;
    while (text->len && strchr(" \t\r\n", text->buf[text->len - 1]))
        text->buf[--text->len] = '\0';
    if (t->footer) {
        strbuf_adds(text, "\n\n");
        m = tm_text_fill(text, t->footer, vars);
        missing = missing < 0 || m < 0 ? -1 : missing + m;
    }
    strbuf_addch(text, '\n');

    tm_text_var *hvars = html_vars(vars, links);
    if (!hvars) {
        strbuf_fail(html, STRBUF_NO_MEMORY);
        return -1;
    }
    strbuf_adds(html, "<!doctype html>\n<html lang=\"");
    strbuf_adds(html, tm_text_lang(lang));
    strbuf_adds(html, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>");
    html_escape(html, subject->buf);
    strbuf_adds(html, "</title>\n</head>\n"
                      "<body style=\"margin:0;padding:24px;background:#ffffff;color:#1a1a1a;"
                      "font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5\">\n"
                      "<div style=\"max-width:600px\">\n");
    html_paragraphs(html, t->body, hvars, NULL);
    if (t->footer)
        html_paragraphs(html, t->footer, hvars,
                        "<p style=\"margin-top:32px;font-size:13px;color:#555555\">");
    strbuf_adds(html, "</div>\n</body>\n</html>\n");
    html_vars_free(hvars);
    if (subject->status != STRBUF_OK || text->status != STRBUF_OK || html->status != STRBUF_OK)
        return -1;
    return missing;
}

/* ---- encodings ---------------------------------------------------------- */

static const char hex_digits[] = "0123456789ABCDEF";

int mail_qp_encode(strbuf *out, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        size_t len = 0;
        while (s + len < end && s[len] != '\n')
            len++;
        size_t line = len && s[len - 1] == '\r' ? len - 1 : len;
        size_t col = 0;
        for (size_t i = 0; i < line; i++) {
            unsigned char c = (unsigned char)s[i];
            int last = i + 1 == line;
            int literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
            /* A line that starts with "." or "From " may be changed on its
             * way (SMTP's end of data, mbox); encoded, it cannot. */
            int at_start = col == 0;
            if (at_start && (c == '.' || (c == 'F' && line - i >= 5 && !memcmp(s + i, "From ", 5))))
                literal = 0;
            size_t width = literal ? 1 : 3;
            if (col + width > QP_LINE - 1) {
                strbuf_adds(out, "=\r\n");
                col = 0;
                if (c == '.' || (c == 'F' && line - i >= 5 && !memcmp(s + i, "From ", 5)))
                    literal = 0, width = 3;
            }
            if (literal) {
                strbuf_addch(out, (char)c);
            } else {
                char esc[3] = {'=', hex_digits[c >> 4], hex_digits[c & 15]};
                strbuf_add(out, esc, 3);
            }
            col += width;
        }
        strbuf_adds(out, "\r\n");
        s += len;
        if (s < end) s++; /* the \n */
    }
    return out->status == STRBUF_OK ? 0 : -1;
}

/* Whether a header value must be written as encoded words: bytes outside
 * printable ASCII, or text that a reader would take for an encoded word. */
static int needs_words(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7E) return 1;
    return strstr(s, "=?") != NULL;
}

/* Appends s as RFC 2047 encoded words (B encoding, UTF-8), starting at
 * column *col and folding so that no line passes MAIL_LINE_MAX; a word never
 * splits a character. */
static void put_words(strbuf *out, const char *s, size_t *col)
{
    size_t n = strlen(s);
    while (n > 0) {
        size_t room = MAIL_LINE_MAX - *col;
        if (room > WORD_MAX) room = WORD_MAX;
        size_t max_bytes = room > WORD_OVERHEAD ? (room - WORD_OVERHEAD) / 4 * 3 : 0;
        size_t take = 0;
        while (take < n) {
            uint32_t cp;
            size_t k = utf8_decode(s + take, n - take, &cp);
            if (k == 0) k = 1; /* not UTF-8: sent as it is, byte by byte */
            if (take + k > max_bytes) break;
            take += k;
        }
        if (take == 0) {
            strbuf_adds(out, "\r\n ");
            *col = 1;
            continue;
        }
        char b64[WORD_MAX];
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s, take,
                          sodium_base64_VARIANT_ORIGINAL);
        strbuf_adds(out, "=?UTF-8?B?");
        strbuf_adds(out, b64);
        strbuf_adds(out, "?=");
        *col += WORD_OVERHEAD + strlen(b64);
        s += take;
        n -= take;
    }
}

/* Appends plain ASCII text, folding at its spaces. */
static void put_folded(strbuf *out, const char *s, size_t *col)
{
    int first = 1;
    while (*s) {
        size_t spaces = strspn(s, " ");
        size_t word = strcspn(s + spaces, " ");
        if (word == 0) break;
        if (!first && *col + 1 + word > MAIL_LINE_MAX) {
            strbuf_adds(out, "\r\n");
            *col = 0;
        }
        strbuf_adds(out, " ");
        strbuf_add(out, s + spaces, word);
        *col += 1 + word;
        first = 0;
        s += spaces + word;
    }
}

/* A header with a free-text value (the subject). */
static void put_text_header(strbuf *out, const char *name, const char *value)
{
    strbuf_adds(out, name);
    strbuf_adds(out, ":");
    size_t col = strlen(name) + 1;
    if (needs_words(value)) {
        strbuf_adds(out, " ");
        col++;
        put_words(out, value, &col);
    } else {
        put_folded(out, value, &col);
    }
    strbuf_adds(out, "\r\n");
}

static void put_from(strbuf *out, const char *name, const char *address)
{
    strbuf_adds(out, "From:");
    size_t col = 5;
    if (name && *name) {
        strbuf_adds(out, " ");
        col++;
        if (!needs_words(name)) { /* a quoted string */
            strbuf_addch(out, '"');
            for (const char *p = name; *p; p++) {
                if (*p == '"' || *p == '\\') strbuf_addch(out, '\\'), col++;
                strbuf_addch(out, *p);
                col++;
            }
            strbuf_addch(out, '"');
            col += 2;
        } else {
            put_words(out, name, &col);
        }
        if (col + 3 + strlen(address) > MAIL_LINE_MAX) {
            strbuf_adds(out, "\r\n");
            col = 0;
        }
    }
    strbuf_addf(out, " <%s>\r\n", address);
}

static void put_date(strbuf *out, time_t t)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    gmtime_r(&t, &tm);
    strbuf_addf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
                tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A boundary that cannot occur in quoted-printable text (which never holds
 * "=_"), unique per message. */
static void make_boundary(char out[64], const char *message_id)
{
    size_t j = (size_t)snprintf(out, 64, "=_tm_");
    for (const char *p = message_id; p && *p && j < 60; p++)
        if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
            out[j++] = *p;
    out[j] = '\0';
}

static void put_part(strbuf *out, const char *boundary, const char *type, const char *body)
{
    strbuf_addf(out, "\r\n--%s\r\n", boundary);
    strbuf_addf(out, "Content-Type: %s; charset=UTF-8\r\n", type);
    strbuf_adds(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    mail_qp_encode(out, body ? body : "", body ? strlen(body) : 0);
}

int mail_message_write(strbuf *out, const mail_message *m)
{
    char boundary[64];
    make_boundary(boundary, m->message_id);
    put_date(out, m->date);
    put_from(out, m->from_name, m->from);
    strbuf_addf(out, "To: <%s>\r\n", m->to);
    put_text_header(out, "Subject", m->subject ? m->subject : "");
    strbuf_addf(out, "Message-ID: <%s>\r\n", m->message_id);
    if (m->lang) strbuf_addf(out, "Content-Language: %s\r\n", tm_text_lang(m->lang));
    if (m->unsubscribe) {
        size_t len = strlen("List-Unsubscribe: <>") + strlen(m->unsubscribe);
        strbuf_addf(out, "List-Unsubscribe:%s<%s>\r\n", len > MAIL_LINE_MAX ? "\r\n " : " ",
                    m->unsubscribe);
        strbuf_adds(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
    }
    strbuf_adds(out, "MIME-Version: 1.0\r\n");
    strbuf_addf(out, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n", boundary);
    strbuf_adds(out, "\r\nThis is a message in MIME format: a plain text and an HTML version.\r\n");
    put_part(out, boundary, "text/plain", m->text);
    put_part(out, boundary, "text/html", m->html);
    strbuf_addf(out, "\r\n--%s--\r\n", boundary);
    return out->status == STRBUF_OK ? 0 : -1;
}
