/* test_import.c - the streaming bulk import (core/import.c) against the real
 * instrument: the values JSON and CSV bodies turn into, that any split of a
 * body into chunks gives the same result as one chunk, every way a body or a
 * row can be refused, the limits, and the time for 100,000 rows. No database.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/answers.h"
#include "core/import.h"
#include "core/instrument.h"

#define INSTRUMENT "survey-defs/thermometer-sociaal-domein-v1.json"

/* Layer indexes of the shipped instrument, in chain order. */
enum { BESTUUR, MANAGEMENT, BELEID, UITVOERING, PARTNERS };

/* One valid JSON element. */
#define ROW_OK "{\"layer\":\"beleid\",\"answers\":{\"ek-eff-1\":3}}"

static instrument *load(void)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(INSTRUMENT, &err);
    cr_assert_not_null(in, "%s", err.message);
    return in;
}

/* The shipped instrument with item `key` changed: field set to true. */
static instrument *load_with(const char *key, const char *field)
{
    json_error_t je;
    json_t *def = json_load_file(INSTRUMENT, 0, &je);
    cr_assert_not_null(def, "%s", je.text);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(def, "items"), i, it)
    {
        if (!strcmp(json_string_value(json_object_get(it, "key")), key))
            json_object_set_new(it, field, json_true());
    }
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load(def, &err);
    json_decref(def);
    cr_assert_not_null(in, "%s", err.message);
    return in;
}

/* Feeds body in chunks: chunk 0 = all at once; chunk > 0 = that size;
 * chunk < 0 = random sizes from 1 to -chunk (seeded by seed). Returns the
 * parser after finish; *rc is finish's result and err its error. */
static import_parser *parse(const instrument *in, import_format f, const char *body, size_t len,
                            long chunk, unsigned seed, int *rc, tm_error *err)
{
    import_parser *p = import_parser_new(in, f);
    cr_assert_not_null(p);
    srand(seed);
    size_t off = 0;
    while (off < len) {
        size_t n = chunk == 0  ? len - off
                   : chunk > 0 ? (size_t)chunk
                               : 1 + (size_t)rand() % (size_t)(-chunk);
        if (n > len - off) n = len - off;
        /* A copy of exactly n bytes, so that ASan catches a read past the chunk. */
        char *piece = malloc(n);
        memcpy(piece, body + off, n);
        import_parser_feed(p, piece, n);
        free(piece);
        off += n;
    }
    *rc = import_parser_finish(p, err);
    return p;
}

static import_parser *parse_str(const instrument *in, import_format f, const char *body, int *rc,
                                tm_error *err)
{
    return parse(in, f, body, strlen(body), 0, 0, rc, err);
}

static int16_t score(const instrument *in, const import_parser *p, size_t row, const char *key)
{
    const tm_item *it = instrument_item(in, key);
    cr_assert_not_null(it, "no item %s", key);
    return import_parser_scores(p, row)[it->ordinal];
}

static size_t answered(const instrument *in, const import_parser *p, size_t row)
{
    size_t n = 0;
    for (size_t i = 0; i < in->n_items; i++)
        n += import_parser_scores(p, row)[i] != 0;
    return n;
}

static const char *extra_text(const import_parser *p, size_t row, const char *key)
{
    return json_string_value(json_object_get(import_parser_extra(p, row), key));
}

/* The details as text, for failure messages (caller frees). */
static char *details_text(const tm_error *err)
{
    json_t *j = tm_error_to_json(err);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

/* Whether a detail has this row (0 = no "row"), item (NULL = no "item") and
 * an error containing `has`. */
static int has_detail(const tm_error *err, long row, const char *item, const char *has)
{
    size_t i;
    json_t *d;
    json_array_foreach(err->details, i, d)
    {
        json_t *r = json_object_get(d, "row");
        const char *it = json_string_value(json_object_get(d, "item"));
        const char *e = json_string_value(json_object_get(d, "error"));
        if ((row ? json_integer_value(r) == row : r == NULL) &&
            (item ? it && !strcmp(it, item) : it == NULL) && e && strstr(e, has))
            return 1;
    }
    return 0;
}

static int has_header_detail(const tm_error *err, const char *column, const char *has)
{
    size_t i;
    json_t *d;
    json_array_foreach(err->details, i, d)
    {
        const char *c = json_string_value(json_object_get(d, "column"));
        const char *e = json_string_value(json_object_get(d, "error"));
        if (json_is_true(json_object_get(d, "header")) && c && !strcmp(c, column) && e &&
            strstr(e, has) && !json_object_get(d, "row"))
            return 1;
    }
    return 0;
}

/* Expects a refusal with this status and no rows held. */
#define expect_refused(rc, err, p, want_status)                                                    \
    do {                                                                                           \
        char *t_ = details_text(&(err));                                                           \
        cr_expect_eq((rc), -1, "accepted: %s", t_);                                                \
        cr_expect_eq((err).status, (want_status), "status %d: %s", (err).status, t_);              \
        cr_expect_eq(import_parser_rows(p), 0, "a refused import holds no rows");                  \
        free(t_);                                                                                  \
    } while (0)

/* ---- content type ------------------------------------------------------- */

Test(import, content_type_picks_the_format)
{
    cr_expect_eq(import_format_from_content_type("text/csv"), IMPORT_CSV);
    cr_expect_eq(import_format_from_content_type("text/csv; charset=utf-8"), IMPORT_CSV);
    cr_expect_eq(import_format_from_content_type("Text/CSV;charset=UTF-8"), IMPORT_CSV);
    cr_expect_eq(import_format_from_content_type("application/csv"), IMPORT_CSV);
    cr_expect_eq(import_format_from_content_type("application/json"), IMPORT_JSON);
    cr_expect_eq(import_format_from_content_type("text/csvx"), IMPORT_JSON);
    cr_expect_eq(import_format_from_content_type(""), IMPORT_JSON);
    cr_expect_eq(import_format_from_content_type(NULL), IMPORT_JSON);
}

/* ---- values --------------------------------------------------------------- */

static const char json_two_rows[] =
    "[{\"layer\": \"uitvoering\", \"answers\": {\"ek-eff-1\": 4, \"ek-eff-kn-1\": \"b\",\n"
    "  \"zd-dv-cijfer\": 8, \"ek-eff-2\": \"dont_know\", \"achtergrond-rol-uitvoering\": "
    "\"wmo-jeugd\",\n"
    "  \"open-dv\": \"Prima \\u00e9n \\\"snel\\\" [echt], {ja}\"}},\n"
    " {\"answers\": {\"int-eff-1\": 2.0, \"fin-eff-kn-1\": \"dont_know\", \"ek-eff-1\": null},\n"
    "  \"layer\": \"bestuur\"}]\n";

Test(import, json_rows_become_the_expected_scores)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_JSON, json_two_rows, &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(import_parser_rows(p), 2);

    cr_expect_eq(import_parser_layer(p, 0), UITVOERING);
    cr_expect_eq(score(in, p, 0, "ek-eff-1"), 4);
    cr_expect_eq(score(in, p, 0, "ek-eff-kn-1"), 2); /* option "b": index 1, + 1 */
    cr_expect_eq(score(in, p, 0, "zd-dv-cijfer"), 8);
    cr_expect_eq(score(in, p, 0, "ek-eff-2"), -1);                  /* "weet niet" */
    cr_expect_eq(score(in, p, 0, "achtergrond-rol-uitvoering"), 2); /* wmo-jeugd: 2nd option */
    cr_expect_eq(score(in, p, 0, "open-dv"), 0);                    /* text lives in extra */
    cr_expect_eq(answered(in, p, 0), 5);
    cr_expect_str_eq(extra_text(p, 0, "open-dv"), "Prima \xc3\xa9n \"snel\" [echt], {ja}");

    cr_expect_eq(import_parser_layer(p, 1), BESTUUR);
    cr_expect_eq(score(in, p, 1, "int-eff-1"), 2); /* 2.0 is a whole number */
    cr_expect_eq(score(in, p, 1, "fin-eff-kn-1"), -1);
    cr_expect_eq(score(in, p, 1, "ek-eff-1"), 0); /* null = unanswered */
    cr_expect_eq(answered(in, p, 1), 2);
    cr_expect_null(import_parser_extra(p, 1));
    import_parser_free(p);
    instrument_free(in);
}

Test(import, csv_with_commas_and_lf)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_CSV,
                                 "layer,ek-eff-1,int-bel-5,ek-bel-kn-1,open-bel\n"
                                 "uitvoering,5,3,c,\n"
                                 "management,1,,a,tekst\n",
                                 &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(import_parser_rows(p), 2);
    cr_expect_eq(import_parser_layer(p, 0), UITVOERING);
    cr_expect_eq(score(in, p, 0, "ek-eff-1"), 5);
    cr_expect_eq(score(in, p, 0, "int-bel-5"), 3);
    cr_expect_eq(score(in, p, 0, "ek-bel-kn-1"), 3); /* "c": index 2, + 1 */
    cr_expect_eq(answered(in, p, 0), 3);
    cr_expect_null(import_parser_extra(p, 0)); /* empty text cell: unanswered */
    cr_expect_eq(import_parser_layer(p, 1), MANAGEMENT);
    cr_expect_eq(score(in, p, 1, "ek-eff-1"), 1);
    cr_expect_eq(score(in, p, 1, "int-bel-5"), 0); /* not asked to management, left empty */
    cr_expect_eq(score(in, p, 1, "ek-bel-kn-1"), 1);
    cr_expect_str_eq(extra_text(p, 1, "open-bel"), "tekst");
    import_parser_free(p);
    instrument_free(in);
}

/* As Dutch Excel writes it: BOM, semicolons, CRLF, quotes. */
static const char csv_dutch[] =
    "\xEF\xBB\xBFlayer;ek-eff-1;ek-eff-kn-1;ek-dv-cijfer;open-eff;achtergrond-jaren\r\n"
    "uitvoering;4;b;7;\"Meer uitleg; graag \"\"snel\"\"\r\nen duidelijk\";5-10\r\n"
    "Beleid;weet niet;dont_know;;;\r\n"
    "partners; 2 ;WEET NIET;10;gewoon tekst, met komma;lt2\r\n"
    "\r\n";

Test(import, csv_as_dutch_excel_writes_it)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse(in, IMPORT_CSV, csv_dutch, sizeof csv_dutch - 1, 0, 0, &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(import_parser_rows(p), 3);

    cr_expect_eq(import_parser_layer(p, 0), UITVOERING);
    cr_expect_eq(score(in, p, 0, "ek-eff-1"), 4);
    cr_expect_eq(score(in, p, 0, "ek-eff-kn-1"), 2);
    cr_expect_eq(score(in, p, 0, "ek-dv-cijfer"), 7);
    cr_expect_eq(score(in, p, 0, "achtergrond-jaren"), 3); /* "5-10": 3rd option */
    cr_expect_str_eq(extra_text(p, 0, "open-eff"), "Meer uitleg; graag \"snel\"\r\nen duidelijk");

    cr_expect_eq(import_parser_layer(p, 1), BELEID); /* layer in any case */
    cr_expect_eq(score(in, p, 1, "ek-eff-1"), -1);   /* "weet niet" */
    cr_expect_eq(score(in, p, 1, "ek-eff-kn-1"), -1);
    cr_expect_eq(answered(in, p, 1), 2);
    cr_expect_null(import_parser_extra(p, 1));

    cr_expect_eq(import_parser_layer(p, 2), PARTNERS);
    cr_expect_eq(score(in, p, 2, "ek-eff-1"), 2); /* spaces around a number are fine */
    cr_expect_eq(score(in, p, 2, "ek-eff-kn-1"), -1);
    cr_expect_eq(score(in, p, 2, "ek-dv-cijfer"), 10);
    cr_expect_eq(score(in, p, 2, "achtergrond-jaren"), 1);
    cr_expect_str_eq(extra_text(p, 2, "open-eff"), "gewoon tekst, met komma");
    import_parser_free(p);
    instrument_free(in);
}

Test(import, csv_semicolon_without_bom_and_last_line_without_newline)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p =
        parse_str(in, IMPORT_CSV, "layer;fin-eff-1;\"open-eff\"\nbestuur;3;\"a,b\"", &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(import_parser_rows(p), 1);
    cr_expect_eq(score(in, p, 0, "fin-eff-1"), 3);
    cr_expect_str_eq(extra_text(p, 0, "open-eff"), "a,b");
    import_parser_free(p);
    instrument_free(in);
}

Test(import, csv_multiple_choice_with_bars)
{
    instrument *in = load_with("achtergrond-jaren", "multiple");
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_CSV,
                                 "layer,achtergrond-jaren\n"
                                 "beleid,lt2|5-10\n"
                                 "beleid, 2-5 | 10plus \n",
                                 &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(import_parser_rows(p), 2);
    json_t *want = json_pack("{s:[s,s]}", "achtergrond-jaren", "lt2", "5-10");
    cr_expect(json_equal(import_parser_extra(p, 0), want));
    json_decref(want);
    want = json_pack("{s:[s,s]}", "achtergrond-jaren", "2-5", "10plus");
    cr_expect(json_equal(import_parser_extra(p, 1), want));
    json_decref(want);
    cr_expect_eq(score(in, p, 0, "achtergrond-jaren"), 0);
    import_parser_free(p);

    p = parse_str(in, IMPORT_CSV, "layer,achtergrond-jaren\nbeleid,lt2|nooit\n", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, "achtergrond-jaren", "unknown option"));
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, required_items_are_not_enforced)
{
    instrument *in = load_with("ek-eff-1", "required");
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(
        in, IMPORT_JSON, "[{\"layer\": \"beleid\", \"answers\": {\"ek-eff-2\": 3}}]", &rc, &err);
    cr_expect_eq(rc, 0, "%s", err.message);
    cr_expect_eq(import_parser_rows(p), 1);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, csv_cells_that_are_not_numbers_are_named)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_CSV,
                                 "layer,ek-eff-1,ek-dv-cijfer,ek-eff-kn-1,fin-eff-1\n"
                                 "beleid,4.0,weet niet,x,-1\n",
                                 &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, "ek-eff-1", "must be a whole number from 1 to 5"));
    cr_expect(has_detail(&err, 1, "ek-dv-cijfer", "does not offer \"dont_know\""));
    cr_expect(has_detail(&err, 1, "ek-eff-kn-1", "must be one of the option keys"));
    cr_expect(has_detail(&err, 1, "fin-eff-1", "must be a whole number"));
    cr_expect_eq(tm_error_count(&err), 4);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

/* ---- streaming: any split gives the same result --------------------------- */

static void expect_same(const import_parser *a, int rc_a, const tm_error *ea,
                        const import_parser *b, int rc_b, const tm_error *eb, const char *what)
{
    cr_assert_eq(rc_a, rc_b, "%s: finish %d vs %d", what, rc_a, rc_b);
    cr_assert_eq(ea->status, eb->status, "%s", what);
    cr_assert_str_eq(ea->message, eb->message, "%s", what);
    cr_assert(json_equal(ea->details, eb->details) || (!ea->details && !eb->details), "%s", what);
    cr_assert_eq(import_parser_rows(a), import_parser_rows(b), "%s", what);
    for (size_t r = 0; r < import_parser_rows(a); r++)
        cr_assert_eq(import_parser_layer(a, r), import_parser_layer(b, r), "%s row %zu", what, r);
}

static void expect_same_split(const instrument *in, import_format f, const char *body, size_t len,
                              const char *name)
{
    tm_error e1 = TM_ERROR_INIT;
    int rc1;
    import_parser *whole = parse(in, f, body, len, 0, 0, &rc1, &e1);
    const long chunks[] = {1, 2, 3, 7, -5, -64, -1500};
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
        unsigned seeds = chunks[c] < 0 ? 40 : 1;
        for (unsigned seed = 1; seed <= seeds; seed++) {
            tm_error e2 = TM_ERROR_INIT;
            int rc2;
            import_parser *split = parse(in, f, body, len, chunks[c], seed, &rc2, &e2);
            char what[96];
            snprintf(what, sizeof what, "%s, chunks %ld, seed %u", name, chunks[c], seed);
            expect_same(whole, rc1, &e1, split, rc2, &e2, what);
            for (size_t r = 0; r < import_parser_rows(whole); r++) {
                cr_assert_eq(memcmp(import_parser_scores(whole, r), import_parser_scores(split, r),
                                    in->n_items * sizeof(int16_t)),
                             0, "%s: scores of row %zu", what, r);
                json_t *x = import_parser_extra(whole, r), *y = import_parser_extra(split, r);
                cr_assert((!x && !y) || json_equal(x, y), "%s: extra of row %zu", what, r);
            }
            tm_error_clear(&e2);
            import_parser_free(split);
        }
    }
    tm_error_clear(&e1);
    import_parser_free(whole);
}

Test(import, json_in_any_chunks_gives_the_same_rows)
{
    instrument *in = load();
    expect_same_split(in, IMPORT_JSON, json_two_rows, sizeof json_two_rows - 1, "json");
    /* With a BOM, escapes at chunk edges and multi-byte UTF-8 (é, 😀). */
    static const char tricky[] =
        "\xEF\xBB\xBF [ {\"layer\":\"partners\",\"answers\":{\"open-opd\":\"\\\\\\\"]},"
        "\\u00e9 caf\xc3\xa9 \xf0\x9f\x98\x80\",\"bi-opd-1\":5}} ,{\"layer\":\"beleid\","
        "\"answers\":{\"zd-bel-kn-1\":\"d\"}}]  \r\n";
    expect_same_split(in, IMPORT_JSON, tricky, sizeof tricky - 1, "json tricky");
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse(in, IMPORT_JSON, tricky, sizeof tricky - 1, 1, 0, &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_expect_str_eq(extra_text(p, 0, "open-opd"), "\\\"]},\xc3\xa9 caf\xc3\xa9 \xf0\x9f\x98\x80");
    cr_expect_eq(score(in, p, 0, "bi-opd-1"), 5);
    cr_expect_eq(score(in, p, 1, "zd-bel-kn-1"), 4);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, csv_in_any_chunks_gives_the_same_rows)
{
    instrument *in = load();
    expect_same_split(in, IMPORT_CSV, csv_dutch, sizeof csv_dutch - 1, "csv");
    static const char lf[] =
        "layer,ek-eff-1,open-eff\nbeleid,2,\"caf\xc3\xa9 \xf0\x9f\x98\x80\n\"\"x\"\"\"\n"
        "bestuur,1,,\n";
    expect_same_split(in, IMPORT_CSV, lf, sizeof lf - 1, "csv with a bad row");
    instrument_free(in);
}

Test(import, refusals_in_any_chunks_give_the_same_error)
{
    instrument *in = load();
    static const char bad_csv[] =
        "layer;ek-eff-1;ek-eff-kn-1\r\nuitvoering;6;b\r\nwethouder;1;a\r\n"
        "beleid;1;caf\xe9\r\n";
    expect_same_split(in, IMPORT_CSV, bad_csv, sizeof bad_csv - 1, "bad csv");
    static const char bad_json[] = "[{\"layer\":\"beleid\",\"answers\":{\"ek-eff-1\":9}}, 4,"
                                   "{\"layer\":\"x\",\"answers\":{}}, {\"layer\": \"beleid\"}]";
    expect_same_split(in, IMPORT_JSON, bad_json, sizeof bad_json - 1, "bad json");
    static const char broken_json[] = "[{\"layer\":\"beleid\",\"answers\":{\"ek-eff-1\":3}},"
                                      "{\"layer\":\"beleid\",\"answers\":{\"ek-eff-1\":3]}]";
    expect_same_split(in, IMPORT_JSON, broken_json, sizeof broken_json - 1, "broken json");
    instrument_free(in);
}

/* ---- what Excel writes besides UTF-8 CSV ------------------------------------ */

/* CR alone ends a line, as old Mac Excel ("CSV (Macintosh)") writes: the
 * values are read as with CRLF, a CR inside quotes stays text, an empty line
 * (CR CR) is skipped and still numbered, and any split of the body gives the
 * same rows. */
Test(import, csv_with_cr_line_ends)
{
    instrument *in = load();
    static const char cr[] = "layer;ek-eff-1;ek-eff-kn-1;open-eff\r"
                             "beleid;4;b;\"twee\rregels\"\r"
                             "\r"
                             "uitvoering;weet niet;;\r"
                             "bestuur;2;a;laatste regel zonder einde";
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse(in, IMPORT_CSV, cr, sizeof cr - 1, 0, 0, &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(import_parser_rows(p), 3);
    cr_expect_eq(import_parser_layer(p, 0), BELEID);
    cr_expect_eq(score(in, p, 0, "ek-eff-1"), 4);
    cr_expect_eq(score(in, p, 0, "ek-eff-kn-1"), 2);
    cr_expect_str_eq(extra_text(p, 0, "open-eff"), "twee\rregels");
    cr_expect_eq(import_parser_layer(p, 1), UITVOERING);
    cr_expect_eq(score(in, p, 1, "ek-eff-1"), -1);
    cr_expect_eq(answered(in, p, 1), 1);
    cr_expect_eq(import_parser_layer(p, 2), BESTUUR);
    cr_expect_eq(score(in, p, 2, "ek-eff-1"), 2);
    cr_expect_str_eq(extra_text(p, 2, "open-eff"), "laatste regel zonder einde");
    import_parser_free(p);
    expect_same_split(in, IMPORT_CSV, cr, sizeof cr - 1, "csv with CR");

    /* Row numbers count CR-ended lines: the bad row is line 4, row 3. */
    p = parse_str(in, IMPORT_CSV, "layer,ek-eff-1\ruitvoering,3\r\ruitvoering,9\r", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 3, "ek-eff-1", "whole number"), "%s", err.message);
    cr_expect_eq(tm_error_count(&err), 1);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

/* A first line "sep=X" (Excel writes it, and reads it, to name the
 * separator) names the separator and is no header and no row: with ";" a
 * comma in a cell is text; "|" and a tab work as well; row 1 is still the
 * line after the header; it may follow the BOM; any split gives the same
 * rows. */
Test(import, csv_sep_line_names_the_separator)
{
    instrument *in = load();
    static const char semi[] = "\xEF\xBB\xBFsep=;\r\n"
                               "layer;ek-eff-1;open-eff\r\n"
                               "beleid;4;een, twee\r\n"
                               "uitvoering;2;\r\n";
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse(in, IMPORT_CSV, semi, sizeof semi - 1, 0, 0, &rc, &err);
    cr_assert_eq(rc, 0, "%s %s", err.message, details_text(&err));
    cr_assert_eq(import_parser_rows(p), 2);
    cr_expect_eq(import_parser_layer(p, 0), BELEID);
    cr_expect_eq(score(in, p, 0, "ek-eff-1"), 4);
    cr_expect_str_eq(extra_text(p, 0, "open-eff"), "een, twee");
    cr_expect_eq(import_parser_layer(p, 1), UITVOERING);
    cr_expect_eq(score(in, p, 1, "ek-eff-1"), 2);
    import_parser_free(p);
    expect_same_split(in, IMPORT_CSV, semi, sizeof semi - 1, "csv with sep=;");

    const char *others[] = {"sep=|\nlayer|ek-eff-1|open-eff\nbeleid|4|een, twee; drie\n",
                            "SEP=\t\nlayer\tek-eff-1\topen-eff\nbeleid\t4\t\"een, twee; drie\"\n",
                            "sep=,\nlayer,ek-eff-1,open-eff\nbeleid,4,een; twee\n"};
    const char *texts[] = {"een, twee; drie", "een, twee; drie", "een; twee"};
    for (size_t i = 0; i < 3; i++) {
        p = parse_str(in, IMPORT_CSV, others[i], &rc, &err);
        cr_expect_eq(rc, 0, "%s: %s", others[i], err.message);
        cr_expect_eq(import_parser_rows(p), 1, "%s", others[i]);
        if (import_parser_rows(p) == 1) {
            cr_expect_eq(score(in, p, 0, "ek-eff-1"), 4, "%s", others[i]);
            cr_expect_str_eq(extra_text(p, 0, "open-eff"), texts[i], "%s", others[i]);
        }
        tm_error_clear(&err);
        import_parser_free(p);
    }

    p = parse_str(in, IMPORT_CSV, "sep=;\nlayer;ek-eff-1\nbeleid;9\n", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, "ek-eff-1", "whole number"),
              "row 1 is the line after the header");
    tm_error_clear(&err);
    import_parser_free(p);

    /* Only a first line: later, "sep=;" is a row like any other. */
    p = parse_str(in, IMPORT_CSV, "layer;ek-eff-1\nsep=;\n", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, NULL, "unknown layer"), "%s", err.message);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

/* The body in UTF-16 with its byte order mark: little-endian and tabs
 * between the cells (Excel's "Unicode text"), or big-endian. */
static char *utf16(const char *ascii, int big_endian, size_t *len)
{
    size_t n = strlen(ascii);
    char *out = malloc(2 * n + 2);
    out[0] = big_endian ? '\xFE' : '\xFF';
    out[1] = big_endian ? '\xFF' : '\xFE';
    for (size_t i = 0; i < n; i++) {
        out[2 + 2 * i + !big_endian] = '\0';
        out[2 + 2 * i + big_endian] = ascii[i];
    }
    *len = 2 * n + 2;
    return out;
}

/* A body in UTF-16 (with a byte order mark) is refused at once with a
 * message that names the encoding and says how to save the file instead:
 * CSV in little- and big-endian (422), JSON (400); in any split. */
Test(import, utf16_is_refused_naming_the_encoding)
{
    instrument *in = load();
    const struct {
        import_format f;
        const char *text;
        int big_endian, status;
        const char *says;
    } cases[] = {
        {IMPORT_CSV, "layer\tek-eff-1\r\nbeleid\t4\r\n", 0, 422, "UTF-16 (little-endian)"},
        {IMPORT_CSV, "layer;ek-eff-1\r\nbeleid;4\r\n", 1, 422, "UTF-16 (big-endian)"},
        {IMPORT_JSON, "[" ROW_OK "]", 0, 400, "UTF-16 (little-endian)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        char *body = utf16(cases[i].text, cases[i].big_endian, &len);
        tm_error err = TM_ERROR_INIT;
        int rc;
        import_parser *p = parse(in, cases[i].f, body, len, 0, 0, &rc, &err);
        expect_refused(rc, err, p, cases[i].status);
        cr_expect(strstr(err.message, cases[i].says) != NULL, "case %zu: %s", i, err.message);
        cr_expect(strstr(err.message, "UTF-8") != NULL, "case %zu names what is read: %s", i,
                  err.message);
        if (cases[i].f == IMPORT_CSV)
            cr_expect(strstr(err.message, "CSV UTF-8") != NULL, "case %zu says how: %s", i,
                      err.message);
        tm_error_clear(&err);
        import_parser_free(p);
        expect_same_split(in, cases[i].f, body, len, "utf-16");
        free(body);
    }
    instrument_free(in);
}

/* ---- bad rows ---------------------------------------------------------- */

Test(import, three_bad_csv_rows_are_named_with_their_items)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_CSV,
                                 "layer;ek-eff-1;ek-eff-kn-1;ek-dv-cijfer\n"
                                 "uitvoering;4;b;7\n"
                                 "uitvoering;6;b;7\n"
                                 "beleid;1;a;1\n"
                                 "beleid;3;e;5\n"
                                 "bestuur;3;a;4.0\n",
                                 &rc, &err);
    expect_refused(rc, err, p, 422);
    char *t = details_text(&err);
    cr_expect_eq(tm_error_count(&err), 3, "%s", t);
    cr_expect(
        has_detail(&err, 2, "ek-eff-1", "must be a whole number from 1 to 5, or \"dont_know\""),
        "%s", t);
    cr_expect(has_detail(&err, 4, "ek-eff-kn-1", "must be one of the option keys (a, b, c, d)"),
              "%s", t);
    cr_expect(has_detail(&err, 5, "ek-dv-cijfer", "must be a whole number from 1 to 10"), "%s", t);
    cr_expect(strstr(err.message, "3 of 5 rows") != NULL, "%s", err.message);
    free(t);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, three_bad_json_rows_are_named)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_JSON,
                                 "[{\"layer\":\"bestuur\",\"answers\":{\"ek-eff-1\":1}},\n"
                                 " {\"layer\":\"wethouder\",\"answers\":{\"ek-eff-1\":1}},\n"
                                 " {\"layer\":\"bestuur\",\"answers\":{\"ek-eff-1\":2}},\n"
                                 " {\"layer\":\"bestuur\",\"answers\":{\"int-bel-5\":2}},\n"
                                 " {\"layer\":\"beleid\",\"answers\":{\"ek-eff-1\":5}},\n"
                                 " {\"layer\":\"beleid\",\"answers\":{\"ek-eff-1\":\"vier\"}}]",
                                 &rc, &err);
    expect_refused(rc, err, p, 422);
    char *t = details_text(&err);
    cr_expect_eq(tm_error_count(&err), 3, "%s", t);
    /* A row-level problem carries no "item". */
    json_t *want = json_pack("{s:i, s:s}", "row", 2, "error", "unknown layer \"wethouder\"");
    cr_expect(json_equal(json_array_get(err.details, 0), want), "%s", t);
    json_decref(want);
    cr_expect(has_detail(&err, 4, "int-bel-5", "is not asked to layer \"bestuur\""), "%s", t);
    cr_expect(has_detail(&err, 6, "ek-eff-1", "must be a whole number"), "%s", t);
    free(t);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, problems_beyond_1000_are_counted)
{
    instrument *in = load();
    size_t cap = 64 + 1500 * 13;
    char *body = malloc(cap);
    size_t len = (size_t)snprintf(body, cap, "layer,ek-eff-1\n");
    for (int i = 0; i < 1500; i++)
        len += (size_t)snprintf(body + len, cap - len, "beleid,9\n");
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse(in, IMPORT_CSV, body, len, 1400, 0, &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect_eq(tm_error_count(&err), IMPORT_MAX_DETAILS + 1);
    cr_expect(has_detail(&err, 1000, "ek-eff-1", "whole number"));
    json_t *last = json_array_get(err.details, IMPORT_MAX_DETAILS);
    cr_expect_str_eq(json_string_value(json_object_get(last, "error")),
                     "... and 500 more problems");
    cr_expect(strstr(err.message, "1500 of 1500 rows") != NULL, "%s", err.message);
    tm_error_clear(&err);
    import_parser_free(p);
    free(body);
    instrument_free(in);
}

Test(import, a_row_without_answers_is_refused)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(
        in, IMPORT_JSON, "[{\"layer\":\"beleid\",\"answers\":{\"ek-eff-1\":null}}]", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, NULL, "has no answers"));
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

/* ---- CSV header and rows ------------------------------------------------- */

Test(import, csv_unknown_column_is_named)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_CSV, "layer,ek-eff-1,xyz\nuitvoering,1,2\n", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_header_detail(&err, "xyz", "is not an item of this survey"));
    cr_expect_eq(tm_error_count(&err), 1);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, csv_duplicate_column_is_named)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p =
        parse_str(in, IMPORT_CSV, "layer;ek-eff-1;ek-eff-2;ek-eff-1\nbeleid;1;2;3\n", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_header_detail(&err, "ek-eff-1", "more than once"));
    cr_expect_eq(tm_error_count(&err), 1);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, csv_without_layer_column_is_refused)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_CSV, "ek-eff-1,ek-eff-2\n1,2\n", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_header_detail(&err, "ek-eff-1", "the first column must be \"layer\""));
    tm_error_clear(&err);
    import_parser_free(p);

    p = parse_str(in, IMPORT_CSV, "layer\nbeleid\n", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(strstr(err.message, "header") != NULL, "%s", err.message);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, csv_unnamed_trailing_columns_must_stay_empty)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_CSV, "layer;ek-eff-1;;\nbeleid;2;;\n", &rc, &err);
    cr_expect_eq(rc, 0, "%s", err.message);
    cr_expect_eq(import_parser_rows(p), 1);
    tm_error_clear(&err);
    import_parser_free(p);
    p = parse_str(in, IMPORT_CSV, "layer;ek-eff-1;;\nbeleid;2;;x\n", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, NULL, "column 4, which has no name"));
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, a_row_longer_than_the_limit_is_refused)
{
    instrument *in = load();
    size_t big = IMPORT_MAX_ROW_BYTES + 10;
    char *text = malloc(big + 1);
    memset(text, 'x', big);
    text[big] = '\0';
    char *body;
    cr_assert(asprintf(&body, "layer,open-eff\nbeleid,%s\nbeleid,kort\n", text) > 0);
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse(in, IMPORT_CSV, body, strlen(body), 1400, 0, &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, NULL, "is longer than"));
    cr_expect_eq(tm_error_count(&err), 1);
    tm_error_clear(&err);
    import_parser_free(p);
    free(body);
    cr_assert(asprintf(&body,
                       "[{\"layer\":\"beleid\",\"answers\":{\"open-eff\":\"%s\"}}, " ROW_OK "]",
                       text) > 0);
    p = parse(in, IMPORT_JSON, body, strlen(body), 1400, 0, &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, NULL, "is longer than"));
    cr_expect_eq(tm_error_count(&err), 1);
    tm_error_clear(&err);
    import_parser_free(p);
    free(body);
    free(text);
    instrument_free(in);
}

Test(import, csv_row_with_wrong_cell_count)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_CSV,
                                 "layer,ek-eff-1,ek-eff-2\n"
                                 "uitvoering,1\n"
                                 "uitvoering,1,2,3\n"
                                 "uitvoering,1,2\n",
                                 &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, NULL, "has 2 cells where the header has 3"));
    cr_expect(has_detail(&err, 2, NULL, "has 4 cells where the header has 3"));
    cr_expect_eq(tm_error_count(&err), 2);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, csv_invalid_utf8_is_a_row_error)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    /* Row 1 as Windows-1252 (é = E9), row 2 as UTF-8. */
    import_parser *p = parse_str(in, IMPORT_CSV,
                                 "layer,open-eff\nuitvoering,caf\xe9\nuitvoering,caf\xc3\xa9\n"
                                 "beleid,\xed\xa0\x80\n", /* a surrogate: not UTF-8 either */
                                 &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, NULL, "UTF-8"));
    cr_expect(has_detail(&err, 3, NULL, "UTF-8"));
    cr_expect_eq(tm_error_count(&err), 2);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, csv_blank_lines_are_skipped_and_still_numbered)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    /* Line n + 1 of the file is row n: a blank line, an Excel empty row (",")
     * and a line of spaces count as rows but are skipped. */
    import_parser *p = parse_str(
        in, IMPORT_CSV, "\nlayer,ek-eff-1\n\nuitvoering,3\n,\n  \nuitvoering,9\n\n\n", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 5, "ek-eff-1", "whole number"));
    cr_expect_eq(tm_error_count(&err), 1);
    cr_expect(strstr(err.message, "1 of 2 rows") != NULL, "%s", err.message);
    tm_error_clear(&err);
    import_parser_free(p);

    p = parse_str(in, IMPORT_CSV, "layer,ek-eff-1\r\n\r\nuitvoering,3\r\n,\r\n\r\n", &rc, &err);
    cr_expect_eq(rc, 0, "%s", err.message);
    cr_expect_eq(import_parser_rows(p), 1);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, csv_quote_problems_are_row_errors)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p =
        parse_str(in, IMPORT_CSV,
                  "layer,open-eff\nbeleid,\"abc\"x\nbeleid,ok\nbeleid,\"never closed\n", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, NULL, "after the closing quote"));
    cr_expect(has_detail(&err, 3, NULL, "never closes"));
    cr_expect_eq(tm_error_count(&err), 2);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

/* ---- JSON structure ------------------------------------------------------ */

static void expect_json_refused(const char *body, int status, long row, const char *has)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_JSON, body, &rc, &err);
    expect_refused(rc, err, p, status);
    char *t = details_text(&err);
    if (row || err.details)
        cr_expect(has_detail(&err, row, NULL, has), "%s: %s", body, t);
    else
        cr_expect(strstr(err.message, has) != NULL, "%s: %s", body, t);
    free(t);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, json_body_must_be_an_array)
{
    expect_json_refused("{\"layer\":\"beleid\",\"answers\":{\"ek-eff-1\":3}}", 400, 0,
                        "must be a JSON array");
    expect_json_refused("\"x\"", 400, 0, "must be a JSON array");
}

Test(import, json_trailing_garbage_is_refused)
{
    expect_json_refused("[" ROW_OK "] x", 400, 0, "after the closing");
    expect_json_refused("[" ROW_OK "]]", 400, 0, "after the closing");
    expect_json_refused("[" ROW_OK "][]", 400, 0, "after the closing");
}

Test(import, json_syntax_errors_name_the_row)
{
    expect_json_refused("[" ROW_OK "," ROW_OK
                        ",{\"layer\":\"beleid\",\"answers\":{\"ek-eff-1\":3]}]",
                        400, 3, "not valid JSON");
    expect_json_refused("[" ROW_OK ", {\"layer\": beleid}]", 400, 2, "not valid JSON");
    expect_json_refused("[" ROW_OK ",]", 400, 2, "is missing");
    expect_json_refused("[" ROW_OK "," ROW_OK, 400, 0, "before the closing");
    expect_json_refused("[" ROW_OK ", {\"layer\": \"be", 400, 2, "cut off");
    expect_json_refused("[{\"layer\":\"beleid\",\"answers\":{\"open-bel\":\"caf\xe9\"}}]", 400, 1,
                        "UTF-8");
}

Test(import, json_element_that_is_not_an_object)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_JSON, "[" ROW_OK ", 42, \"x\", [1], null]", &rc, &err);
    expect_refused(rc, err, p, 422);
    for (long r = 2; r <= 5; r++)
        cr_expect(has_detail(&err, r, NULL, "must be an object with \"layer\" and \"answers\""),
                  "row %ld", r);
    cr_expect_eq(tm_error_count(&err), 4);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, json_fields_of_an_element)
{
    expect_json_refused("[{\"layer\":\"beleid\",\"answers\":{\"ek-eff-1\":3},\"id\":7}]", 422, 1,
                        "unknown field \"id\"");
    expect_json_refused("[{\"answers\":{\"ek-eff-1\":3}}]", 422, 1, "has no \"layer\"");
    expect_json_refused("[{\"layer\":\"beleid\"}]", 422, 1, "has no \"answers\"");
    expect_json_refused("[{\"layer\":\"beleid\",\"answers\":[3]}]", 422, 1,
                        "\"answers\" must be an object");
    expect_json_refused("[{\"layer\":3,\"answers\":{\"ek-eff-1\":3}}]", 422, 1, "\"layer\"");
}

/* An element whose value nests `levels` arrays inside answers: the outer
 * array, the element and "answers" make three levels more. */
static char *nested(int levels)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    fputs("[{\"layer\":\"beleid\",\"answers\":{\"achtergrond-jaren\":", f);
    for (int i = 0; i < levels; i++)
        fputc('[', f);
    fputs("\"lt2\"", f);
    for (int i = 0; i < levels; i++)
        fputc(']', f);
    fputs("}}, " ROW_OK ", 7]", f);
    fclose(f);
    return s;
}

Test(import, json_nesting_deeper_than_32_is_refused)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    char *deep = nested(30); /* level 33 */
    import_parser *p = parse_str(in, IMPORT_JSON, deep, &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, NULL, "nested deeper than 32 levels"));
    cr_expect(has_detail(&err, 3, NULL, "must be an object")); /* and reading went on */
    cr_expect_eq(tm_error_count(&err), 2);
    tm_error_clear(&err);
    import_parser_free(p);
    free(deep);

    char *ok = nested(29); /* level 32: allowed, but not a valid answer */
    p = parse_str(in, IMPORT_JSON, ok, &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, "achtergrond-jaren", "option"));
    cr_expect_not(has_detail(&err, 1, NULL, "nested"));
    tm_error_clear(&err);
    import_parser_free(p);
    free(ok);

    char *very = nested(100000); /* deep, but read without keeping its text */
    p = parse_str(in, IMPORT_JSON, very, &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(has_detail(&err, 1, NULL, "nested deeper"));
    tm_error_clear(&err);
    import_parser_free(p);
    free(very);
    instrument_free(in);
}

Test(import, after_a_syntax_error_further_data_is_ignored)
{
    instrument *in = load();
    import_parser *p = import_parser_new(in, IMPORT_JSON);
    cr_assert_eq(import_parser_feed(p, "[" ROW_OK, strlen("[" ROW_OK)), 0);
    cr_expect_eq(import_parser_feed(p, "} x", 3), -1);
    cr_expect_eq(import_parser_feed(p, ",{}]", 4), -1);
    tm_error err = TM_ERROR_INIT;
    cr_expect_eq(import_parser_finish(p, &err), -1);
    cr_expect_eq(err.status, 400);
    cr_expect(has_detail(&err, 1, NULL, "unexpected \"}\""));
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

/* ---- empty and limits ---------------------------------------------------- */

Test(import, an_empty_body_is_400)
{
    instrument *in = load();
    const char *bodies[] = {"", "  \r\n", "\xEF\xBB\xBF"};
    for (int f = IMPORT_JSON; f <= IMPORT_CSV; f++)
        for (size_t i = 0; i < 3; i++) {
            tm_error err = TM_ERROR_INIT;
            int rc;
            import_parser *p = parse_str(in, (import_format)f, bodies[i], &rc, &err);
            expect_refused(rc, err, p, 400);
            cr_expect(strstr(err.message, "empty") != NULL, "%s", err.message);
            tm_error_clear(&err);
            import_parser_free(p);
        }
    instrument_free(in);
}

Test(import, a_body_without_rows_is_refused)
{
    instrument *in = load();
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse_str(in, IMPORT_JSON, " [ ] ", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(strstr(err.message, "no rows") != NULL, "%s", err.message);
    tm_error_clear(&err);
    import_parser_free(p);
    p = parse_str(in, IMPORT_CSV, "layer;ek-eff-1\r\n\r\n", &rc, &err);
    expect_refused(rc, err, p, 422);
    cr_expect(strstr(err.message, "no rows") != NULL, "%s", err.message);
    tm_error_clear(&err);
    import_parser_free(p);
    instrument_free(in);
}

Test(import, more_than_100000_rows_are_refused)
{
    instrument *in = load();
    size_t rows = IMPORT_MAX_ROWS + 1, cap = 32 + rows * 14;
    char *body = malloc(cap);
    size_t len = (size_t)snprintf(body, cap, "layer,ek-eff-1\n");
    for (size_t i = 0; i < rows; i++) {
        memcpy(body + len, "uitvoering,3\n", 13);
        len += 13;
    }
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse(in, IMPORT_CSV, body, len, 1400, 0, &rc, &err);
    expect_refused(rc, err, p, 413);
    cr_expect(strstr(err.message, "more than 100000 rows") != NULL, "%s", err.message);
    tm_error_clear(&err);
    import_parser_free(p);

    /* The same in JSON; the feed says early that the rest is not needed. */
    cap = 8 + rows * (sizeof ROW_OK + 1);
    body = realloc(body, cap);
    len = 0;
    body[len++] = '[';
    for (size_t i = 0; i < rows; i++) {
        memcpy(body + len, ROW_OK ",", sizeof ROW_OK);
        len += sizeof ROW_OK;
    }
    body[len - 1] = ']';
    p = import_parser_new(in, IMPORT_JSON);
    cr_expect_eq(import_parser_feed(p, body, len), -1);
    cr_expect_eq(import_parser_finish(p, &err), -1);
    cr_expect_eq(err.status, 413);
    tm_error_clear(&err);
    import_parser_free(p);
    free(body);
    instrument_free(in);
}

/* ---- 100,000 rows ---------------------------------------------------------- */

/* The cell of column c (0-based, after layer) in row r of the generated file,
 * and the score it must give. */
static const char *gen_cell(const tm_item *it, size_t r, size_t c, char *buf, int16_t *want)
{
    size_t k = r + c;
    if (it->dont_know && k % 13 == 0) {
        *want = SCORE_DONT_KNOW;
        return "weet niet";
    }
    if (it->type == ITEM_INTENT) {
        *want = (int16_t)(k % 4 + 1);
        buf[0] = (char)('a' + k % 4);
        buf[1] = '\0';
        return buf;
    }
    int pts = it->type == ITEM_GRADE ? 10 : it->points;
    *want = (int16_t)(k % (size_t)pts + 1);
    snprintf(buf, 8, "%d", *want);
    return buf;
}

Test(import, csv_of_100000_rows_and_60_items, .timeout = 120)
{
    instrument *in = load();
    const tm_item *cols[60];
    size_t n_cols = 0;
    for (size_t i = 0; i < in->n_items && n_cols < 60; i++)
        if (instrument_item_scored(&in->items[i]) &&
            instrument_item_asked(&in->items[i], UITVOERING))
            cols[n_cols++] = &in->items[i];
    cr_assert_eq(n_cols, 60);

    char *body = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&body, &len);
    fputs("layer", f);
    for (size_t c = 0; c < n_cols; c++)
        fprintf(f, ";%s", cols[c]->key);
    fputs("\r\n", f);
    for (size_t r = 0; r < IMPORT_MAX_ROWS; r++) {
        fputs("uitvoering", f);
        for (size_t c = 0; c < n_cols; c++) {
            char buf[8];
            int16_t want;
            fputc(';', f);
            fputs(gen_cell(cols[c], r, c, buf, &want), f);
        }
        fputs("\r\n", f);
    }
    fclose(f);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tm_error err = TM_ERROR_INIT;
    int rc;
    import_parser *p = parse(in, IMPORT_CSV, body, len, 1400, 0, &rc, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_log_info("import: %d rows x %zu items (%.1f MB of CSV) parsed and checked in %.3f s",
                IMPORT_MAX_ROWS, n_cols, (double)len / 1e6, secs);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(import_parser_rows(p), IMPORT_MAX_ROWS);
    const size_t check[] = {0, 1, 12, 4999, 77777, IMPORT_MAX_ROWS - 1};
    for (size_t i = 0; i < sizeof check / sizeof *check; i++) {
        size_t r = check[i];
        cr_assert_eq(import_parser_layer(p, r), UITVOERING);
        for (size_t c = 0; c < n_cols; c++) {
            char buf[8];
            int16_t want;
            gen_cell(cols[c], r, c, buf, &want);
            cr_assert_eq(import_parser_scores(p, r)[cols[c]->ordinal], want, "row %zu %s", r,
                         cols[c]->key);
        }
    }
    /* By hand: row 0, column 0 is ek-eff-1 with k = 0: "weet niet"; column 1
     * (ek-eff-2), k = 1: 1 % 5 + 1 = 2. */
    cr_expect_str_eq(cols[0]->key, "ek-eff-1");
    cr_expect_eq(import_parser_scores(p, 0)[cols[0]->ordinal], -1);
    cr_expect_eq(import_parser_scores(p, 0)[cols[1]->ordinal], 2);
    import_parser_free(p);
    free(body);
    instrument_free(in);
}
