/* test_mail_message.c - the pure parts of mail: a message built from a
 * template (core/mail_message.h), read back by Python's e-mail parser
 * (tests/smtp_relay.py --parse) as a mail program would read it; and the
 * addresses and lists a coordinator uploads (core/mail_address.h).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mail_address.h"
#include "core/mail_message.h"
#include "th.h"

static const char *python(void)
{
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

/* Writes the message to a file and returns what Python read (new reference). */
static json_t *parse(const char *message, size_t len)
{
    char path[256], *cmd, *out = NULL;
    const char *dir = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp";
    snprintf(path, sizeof path, "%s/message.%d.eml", dir, (int)getpid());
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(message, 1, len, f);
    fclose(f);
    cr_assert(asprintf(&cmd, "%s tests/smtp_relay.py --parse %s", python(), path) > 0);
    int rc = th_run(cmd, &out);
    free(cmd);
    cr_assert_eq(rc, 0, "the parser failed (python3-aiosmtpd installed?): %s", out);
    json_t *j = json_loads(out, 0, NULL);
    cr_assert_not_null(j, "%s", out);
    free(out);
    unlink(path);
    return j;
}

/* Builds a message from t with vars and returns it parsed; *raw (may be
 * NULL) receives the message text (caller frees). */
static json_t *build(const mail_template *t, const char *lang, const tm_text_var *vars,
                     const char *from_name, char **raw)
{
    const char *const links[] = {"link", "afmelden", NULL};
    strbuf subject = STRBUF_INIT(1 << 16), text = STRBUF_INIT(1 << 20), html = STRBUF_INIT(1 << 20);
    cr_assert_geq(mail_render(t, lang, vars, links, &subject, &text, &html), 0);
    mail_message m = {from_name,
                      "enquete@proefstad.nl",
                      "jan@proefstad.nl",
                      subject.buf,
                      text.buf,
                      html.buf,
                      lang,
                      "abc123@proefstad.nl",
                      1780000000,
                      "https://enquete.proefstad.nl/s/TOKEN/afmelden"};
    strbuf out = STRBUF_INIT(1 << 21);
    cr_assert_eq(mail_message_write(&out, &m), 0);
    json_t *j = parse(out.buf, out.len);
    if (raw)
        *raw = strbuf_detach(&out, NULL);
    else
        strbuf_release(&out);
    strbuf_release(&subject);
    strbuf_release(&text);
    strbuf_release(&html);
    return j;
}

static const char *str(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

/* The part (text or html) as Python decoded it, with CRLF made \n. */
static char *part(json_t *j, const char *which)
{
    char *t = strdup(str(j, which));
    char *o = t;
    for (const char *p = t; *p; p++)
        if (!(p[0] == '\r' && p[1] == '\n')) *o++ = *p;
    *o = '\0';
    return t;
}

static void assert_well_formed(json_t *j)
{
    cr_assert_eq(json_array_size(json_object_get(j, "defects")), 0, "defects: %s",
                 json_dumps(json_object_get(j, "defects"), 0));
    cr_assert_leq(json_integer_value(json_object_get(j, "max_line")), MAIL_LINE_MAX);
    cr_assert(json_is_false(json_object_get(j, "bare_lf")));
    cr_assert(json_is_false(json_object_get(j, "eight_bit")));
    cr_assert_str_eq(str(j, "content_type"), "multipart/alternative");
}

Test(mail_message, subjects_of_every_kind_arrive_as_written)
{
    const char *subjects[] = {
        "Uitnodiging",
        "Uitnodiging: Thermometer sociaal domein 2026 van Gemeente Súdwest-Fryslân \u2013 "
        "voorjaar, met een onderwerp dat veel langer is dan een regel van achtenzeventig tekens",
        "\u00e9\u00e9n \u20ac, \u201caanhalingstekens\u201d en \U0001F600 in een onderwerp dat "
        "over meerdere gecodeerde woorden loopt zodat geen teken wordt gesplitst \u00e9\u00e9n "
        "\u20ac \U0001F600 \u00e9\u00e9n \u20ac \U0001F600",
        "Looks like =?UTF-8?B?SGk=?= but is not",
        "A very long plain ASCII subject that has to be folded at its spaces because it is "
        "well over seventy-eight characters long and then some more words",
    };
    for (size_t i = 0; i < sizeof subjects / sizeof *subjects; i++) {
        mail_template t = {subjects[i], "Tekst {{link}}", NULL};
        const tm_text_var vars[] = {{"link", "https://x.nl/s/T"}, {NULL, NULL}};
        json_t *j = build(&t, "nl", vars, "Gemeente Súdwest-Fryslân", NULL);
        assert_well_formed(j);
        cr_assert_str_eq(str(j, "subject"), subjects[i]);
        cr_assert_str_eq(str(j, "from"), "Gemeente Súdwest-Fryslân <enquete@proefstad.nl>");
        json_decref(j);
    }
}

Test(mail_message, the_body_arrives_as_written_in_both_parts)
{
    const char *body =
        "Beste collega,\n"
        "\n"
        "Een regel met \u00e9\u00e9n accent, een euro \u20ac en een heel lange zin die "
        "veel langer is dan zesenzeventig tekens zodat quoted-printable hem moet "
        "afbreken met zachte regeleinden op de juiste plaatsen.\n"
        ".Een regel die met een punt begint\n"
        "From the start of a line\n"
        "Spaties aan het eind   \n"
        "tab\taan het eind\t\n"
        "Is 1 = 1? Ja: 100%.\n"
        "\n"
        "Link: {{link}}\n";
    mail_template t = {"Onderwerp", body, "Niet meedoen? {{afmelden}}"};
    const tm_text_var vars[] = {{"link", "https://enquete.proefstad.nl/s/AbC-123_xyz"},
                                {"afmelden", "https://enquete.proefstad.nl/s/AbC-123_xyz/afmelden"},
                                {NULL, NULL}};
    char *raw = NULL;
    json_t *j = build(&t, "nl", vars, NULL, &raw);
    assert_well_formed(j);
    char *text = part(j, "text");
    cr_assert(strstr(text, ".Een regel die met een punt begint\nFrom the start of a line\n"
                           "Spaties aan het eind   \ntab\taan het eind\t\n"),
              "%s", text);
    cr_assert(strstr(text, "Link: https://enquete.proefstad.nl/s/AbC-123_xyz\n"));
    cr_assert(strstr(text, "Niet meedoen? https://enquete.proefstad.nl/s/AbC-123_xyz/afmelden"));
    cr_assert(strstr(text, "een euro \u20ac en een heel lange zin die veel langer is dan "
                           "zesenzeventig tekens zodat"));
    /* On the wire: no line starts with "." or "From ". */
    cr_assert_null(strstr(raw, "\r\n.Een"));
    cr_assert_null(strstr(raw, "\r\nFrom the"));
    char *html = part(j, "html");
    cr_assert(strstr(html, "<p>Beste collega,</p>"), "%s", html);
    cr_assert(strstr(html, "Link: <a href=\"https://enquete.proefstad.nl/s/AbC-123_xyz\">"
                           "https://enquete.proefstad.nl/s/AbC-123_xyz</a>"),
              "%s", html);
    cr_assert(strstr(html, "Spaties aan het eind   <br>\ntab\taan het eind\t<br>\nIs 1 = 1? Ja: "
                           "100%.</p>"),
              "%s", html);
    cr_assert(strstr(html, "<html lang=\"nl\">"));
    cr_assert_str_eq(str(j, "message_id"), "<abc123@proefstad.nl>");
    cr_assert_str_eq(str(j, "date"), "Thu, 28 May 2026 20:26:40 +0000");
    cr_assert_str_eq(str(j, "list_unsubscribe"), "<https://enquete.proefstad.nl/s/TOKEN/afmelden>");
    cr_assert_str_eq(str(j, "list_unsubscribe_post"), "List-Unsubscribe=One-Click");
    cr_assert_str_eq(str(j, "content_language"), "nl");
    free(text);
    free(html);
    free(raw);
    json_decref(j);
}

Test(mail_message, values_are_escaped_in_html_and_left_alone_in_text)
{
    mail_template t = {"{{organisatie}}: {{meting}}",
                       "Van {{organisatie}} over {{meting}}: {{link}}", NULL};
    const tm_text_var vars[] = {{"organisatie", "Gemeente <script>alert(1)</script> & Co"},
                                {"meting", "\"Meting\" 'A' > B"},
                                {"link", "https://x.nl/s/T?a=1&b=\"2\""},
                                {NULL, NULL}};
    json_t *j = build(&t, "en", vars, NULL, NULL);
    assert_well_formed(j);
    const char *html = str(j, "html");
    cr_assert_null(strstr(html, "<script>"), "%s", html);
    cr_assert(strstr(html, "Van Gemeente &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co over "
                           "&quot;Meting&quot; &#39;A&#39; &gt; B: <a href=\"https://x.nl/s/T?a=1"
                           "&amp;b=&quot;2&quot;\">"),
              "%s", html);
    cr_assert(strstr(html, "<title>Gemeente &lt;script&gt;"), "%s", html);
    cr_assert(strstr(html, "<html lang=\"en\">"));
    char *text = part(j, "text");
    cr_assert(strstr(text, "Van Gemeente <script>alert(1)</script> & Co over \"Meting\" 'A' > B"));
    cr_assert_str_eq(str(j, "subject"),
                     "Gemeente <script>alert(1)</script> & Co: \"Meting\" 'A' > B");
    free(text);
    json_decref(j);
}

Test(mail_message, a_value_is_never_read_as_a_template)
{
    mail_template t = {"S", "{{meting}} {{link}} {{onbekend}}", NULL};
    const tm_text_var vars[] = {{"meting", "{{link}}"}, {"link", "L"}, {NULL, NULL}};
    strbuf s = STRBUF_INIT(1024), x = STRBUF_INIT(1024), h = STRBUF_INIT(1 << 16);
    cr_assert_eq(mail_render(&t, "nl", vars, NULL, &s, &x, &h), 1, "one placeholder is unknown");
    cr_assert_str_eq(x.buf, "{{link}} L {{onbekend}}\n");
    strbuf_release(&s);
    strbuf_release(&x);
    strbuf_release(&h);
}

Test(mail_message, quoted_printable_keeps_lines_short_and_escapes_what_it_must)
{
    strbuf b = STRBUF_INIT(1 << 16);
    char line[300];
    memset(line, 'a', sizeof line);
    line[299] = '\0';
    mail_qp_encode(&b, line, strlen(line));
    for (char *p = b.buf; *p;) {
        char *e = strstr(p, "\r\n");
        cr_assert_not_null(e);
        cr_assert_leq((size_t)(e - p), 76);
        p = e + 2;
    }
    strbuf_reset(&b);
    const char *tricky = "a=b \xc3\xa9 \n.x\nFrom y\nend ";
    mail_qp_encode(&b, tricky, strlen(tricky));
    cr_assert_str_eq(b.buf, "a=3Db =C3=A9=20\r\n=2Ex\r\n=46rom y\r\nend=20\r\n");
    strbuf_release(&b);
}

/* ---- addresses ---------------------------------------------------------- */

Test(mail_address, addresses_relays_take_and_the_rest)
{
    const char *good[] = {"jan@ede.nl",
                          "j.de.vries@gemeente-ede.nl",
                          "a+b@x.nl",
                          "o'brien@example.co.uk",
                          "x@xn--bcher-kva.example",
                          "UPPER@CASE.NL"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        cr_assert_null(mail_address_problem(good[i], strlen(good[i])), "%s refused", good[i]);
    const char *bad[][2] = {
        {"", "empty"},
        {"jan", "no @"},
        {"jan@@ede.nl", "more than one @"},
        {"jan@ede", "without a dot"},
        {"jan@ede.n1", "top-level"},
        {"@ede.nl", "nothing before"},
        {"jan.@ede.nl", "ends with a dot"},
        {"j..an@ede.nl", "two dots"},
        {"jan@-ede.nl", "hyphen"},
        {"jan@ede..nl", "empty part"},
        {"jan de vries@ede.nl", "space"},
        {"Jan <jan@ede.nl>", "only the address"},
        {"j\xc3\xa1n@ede.nl", "outside ASCII"},
        {"jan@ede.nl\r\nbcc.x@y.nl", "control"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *why = mail_address_problem(bad[i][0], strlen(bad[i][0]));
        cr_assert_not_null(why, "%s accepted", bad[i][0]);
        cr_assert(strstr(why, bad[i][1]), "%s: \"%s\" does not say \"%s\"", bad[i][0], why,
                  bad[i][1]);
    }
    char longest[300];
    memset(longest, 'a', 64);
    snprintf(longest + 64, sizeof longest - 64, "@%0189d.nl", 0); /* 64 + 1 + 192 = 257 */
    for (char *p = longest + 65; *p; p++)
        if (*p == '0') *p = 'b';
    cr_assert_not_null(mail_address_problem(longest, strlen(longest)));
}

Test(mail_address, lists_as_excel_and_people_write_them)
{
    const char *text = "\xEF\xBB\xBF"
                       "Laag;E-mail;Taal\r\n"
                       "beleid;\"anna@ede.nl\";EN\r\n"
                       "\r\n"
                       " uitvoering ; bert@ede.nl ;\r\n"
                       ";;\r\n"
                       "management;carla@ede.nl;nl";
    mail_list l;
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(mail_list_parse(text, strlen(text), NULL, NULL, &l, &err), 0, "%s %s", err.message,
                 err.details ? json_dumps(err.details, 0) : "");
    cr_assert_eq(l.n, 3);
    cr_assert_str_eq(l.entries[0].email, "anna@ede.nl");
    cr_assert_str_eq(l.entries[0].layer, "beleid");
    cr_assert_str_eq(l.entries[0].lang, "en");
    cr_assert_eq(l.entries[0].line, 2);
    cr_assert_str_eq(l.entries[1].email, "bert@ede.nl");
    cr_assert_str_eq(l.entries[1].layer, "uitvoering");
    cr_assert_str_eq(l.entries[1].lang, "nl");
    cr_assert_eq(l.entries[1].line, 4);
    cr_assert_eq(l.entries[2].line, 6);
    mail_list_free(&l);

    /* One layer per upload, commas, a default language. */
    const char *plain_list = "a@ede.nl\nb@ede.nl,nl\nc@ede.nl\n";
    cr_assert_eq(mail_list_parse(plain_list, strlen(plain_list), "bestuur", "en", &l, &err), 0);
    cr_assert_eq(l.n, 3);
    cr_assert_str_eq(l.entries[0].layer, "bestuur");
    cr_assert_str_eq(l.entries[0].lang, "en");
    cr_assert_str_eq(l.entries[1].lang, "nl");
    mail_list_free(&l);
    tm_error_clear(&err);
}

Test(mail_address, every_bad_line_is_named_once)
{
    const char *text = "a@ede.nl;beleid\n"
                       "b@ede.nl\n"
                       "c@ede.nl;beleid;fr\n"
                       "d@ede.nl;beleid;nl;extra\n"
                       "\"e@ede.nl;beleid\n"
                       "A@EDE.NL;uitvoering\n"
                       "a@ede.nl;beleid\n";
    mail_list l;
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(mail_list_parse(text, strlen(text), NULL, NULL, &l, &err), -1);
    cr_assert_eq(err.status, 422);
    cr_assert_eq(l.n, 1, "only the first a@ede.nl is good");
    const char *want[][2] = {
        {"2", "no layer"}, {"3", "language \"fr\""}, {"4", "4 fields"},
        {"5", "quote"},    {"6", "first on line 1"}, {"7", "first on line 1"},
    };
    cr_assert_eq(tm_error_count(&err), 6, "%s", json_dumps(err.details, 0));
    for (size_t k = 0; k < 6; k++) {
        json_t *d = json_array_get(err.details, k);
        cr_assert_eq(json_integer_value(json_object_get(d, "line")), atoi(want[k][0]), "%s",
                     json_dumps(err.details, 0));
        cr_assert(strstr(json_string_value(json_object_get(d, "error")), want[k][1]), "%s",
                  json_dumps(d, 0));
    }
    mail_list_free(&l);
    tm_error_clear(&err);

    cr_assert_eq(mail_list_parse("\xff@x.nl;beleid\n", 15, NULL, NULL, &l, &err), -1);
    cr_assert(strstr(err.message, "UTF-8"));
    mail_list_free(&l);
    tm_error_clear(&err);
    cr_assert_eq(mail_list_parse("\n\n", 2, "beleid", NULL, &l, &err), -1);
    cr_assert(strstr(err.message, "no address"));
    mail_list_free(&l);
    tm_error_clear(&err);
}

Test(mail_address, a_list_too_long_is_refused_whole)
{
    size_t n = MAIL_LIST_MAX + 1;
    char *text = malloc(n * 24 + 1), *p = text;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "u%06zu@ede.nl\n", i);
    mail_list l;
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(mail_list_parse(text, (size_t)(p - text), "beleid", NULL, &l, &err), -1);
    cr_assert_eq(err.status, 413);
    cr_assert_eq(l.n, 0);
    mail_list_free(&l);
    tm_error_clear(&err);
    free(text);
}

Test(mail_address, problems_past_the_cap_are_summed_up)
{
    size_t n = MAIL_LIST_PROBLEMS + 50;
    char *text = malloc(n * 16 + 1), *p = text;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "bad%zu\n", i);
    mail_list l;
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(mail_list_parse(text, (size_t)(p - text), "beleid", NULL, &l, &err), -1);
    cr_assert_eq(tm_error_count(&err), MAIL_LIST_PROBLEMS + 1);
    json_t *last = json_array_get(err.details, MAIL_LIST_PROBLEMS);
    cr_assert(strstr(json_string_value(json_object_get(last, "error")), "more problems"));
    mail_list_free(&l);
    tm_error_clear(&err);
    free(text);
}
