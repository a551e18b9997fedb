/* test_report.c - Criterion tests for the Excel report (reports/xlsx).
 *
 * The workbooks are opened with real readers, not only written:
 *
 *  - tests/report_check.py (Debian: python3-openpyxl) reads both variants
 *    in both languages back: every figure a reader sees is the fixture's
 *    number at full precision and stored as a number, suppressed cells read
 *    "< 5", the sentences name the right theme, layers and figures (one
 *    measure each), the council variant has no statistics, the rates never
 *    pass 100%, the trend is coloured only where p_holm < 0.05, conflicts
 *    in the rules map are highlighted, nothing of the suppressed layer is
 *    there (see that file);
 *  - LibreOffice (Debian: libreoffice-calc-nogui) converts them to PDF
 *    headless: the council summary is at most four pages with the chain
 *    chart on page 1 (poppler-utils: pdfinfo, pdftotext).
 *
 * Fixtures (tests/fixtures/, written by `make fixtures`, tools/report_fixtures.c:
 * method-2 analyses of a synthetic municipality by the project's own code):
 *   report-hidden.json    bestuur suppressed (4 of 12 completed, k = 5),
 *                         with trend, benchmark (6 peers) and 8 rules
 *   report-shown.json     the same wave with bestuur at 7: its figures are
 *                         the sentinels; the reader must find them in its
 *                         workbooks and in no other
 *   report-progress.json  invited/started/submitted/imported per layer
 *   report-open.json      open answers (no bestuur entries)
 *
 * The row source of the Data sheet deliberately also yields bestuur rows and
 * the open answers get a bestuur entry, both carrying the text sentinel
 * BESTUUR-GEHEIM-7123: the report must drop them when bestuur is suppressed.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/answers.h"
#include "core/instrument.h"
#include "reports/xlsx/report_xlsx.h"
#include "th.h"

#define INSTRUMENT "survey-defs/thermometer-sociaal-domein.json"
#define FIXTURES "tests/fixtures/"
#define FIX_MAIN FIXTURES "report-hidden.json"
#define FIX_DECOY FIXTURES "report-shown.json"
#define FIX_PROGRESS FIXTURES "report-progress.json"
#define FIX_OPEN FIXTURES "report-open.json"
#define SECRET "BESTUUR-GEHEIM-7123"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static json_t *load_json(const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    cr_assert_not_null(j, "%s: %s (line %d)", path, je.text, je.line);
    return j;
}

static instrument *load_instrument(void)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(INSTRUMENT, &err);
    cr_assert_not_null(in, "instrument: %s", err.message);
    return in;
}

/* A fresh directory for this test's files (caller frees). */
static char *test_dir(const char *name)
{
    const char *base = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp";
    char *dir;
    cr_assert(asprintf(&dir, "%s/report-%s-%d", base, name, (int)getpid()) > 0);
    cr_assert(mkdir(dir, 0700) == 0 || errno == EEXIST, "mkdir %s", dir);
    return dir;
}

/* Debian's python3 (which python3-openpyxl installs into), else any. */
static const char *python(void)
{
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

static void require_openpyxl(void)
{
    char *cmd, *out = NULL;
    cr_assert(asprintf(&cmd, "%s -c 'import openpyxl'", python()) > 0);
    int st = th_run(cmd, &out);
    free(cmd);
    cr_assert_eq(st, 0,
                 "the report tests need openpyxl: install the Debian package python3-openpyxl "
                 "(apt-get install -y python3-openpyxl)\n%s",
                 out ? out : "");
    free(out);
}

static void require_libreoffice(void)
{
    int st = th_run("command -v libreoffice || command -v soffice", NULL);
    cr_assert_eq(st, 0,
                 "the report tests need LibreOffice: install the Debian package "
                 "libreoffice-calc-nogui (apt-get install -y --no-install-recommends "
                 "libreoffice-calc-nogui)");
}

/* The Data sheet's rows: `count[l]` respondents per layer (bestuur too, to
 * prove the report's own guard), answers from a fixed pseudo-random stream. */
typedef struct rows_ctx {
    const instrument *in;
    int count[INSTRUMENT_MAX_LAYERS];
    size_t layer;
    int done;
    uint64_t rng;
    int16_t *scores;
    json_t *extra;
    int fail_after; /* > 0: return -1 after this many rows */
    int rows;
} rows_ctx;

static unsigned rnd(rows_ctx *c, unsigned n)
{
    c->rng = c->rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((c->rng >> 33) % n);
}

static void fill_answers(rows_ctx *c, int layer)
{
    const instrument *in = c->in;
    json_decref(c->extra);
    c->extra = json_object();
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        c->scores[i] = SCORE_UNANSWERED;
        if (!instrument_item_asked(it, layer) || rnd(c, 20) == 0) continue;
        switch (it->type) {
        case ITEM_LIKERT:
        case ITEM_INTENT:
            c->scores[i] =
                rnd(c, 12) == 0 ? SCORE_DONT_KNOW : (int16_t)(1 + rnd(c, (unsigned)it->points));
            break;
        case ITEM_GRADE:
            c->scores[i] = (int16_t)(1 + rnd(c, 10));
            break;
        case ITEM_CHOICE:
            if (it->multiple)
                json_object_set_new(
                    c->extra, it->key,
                    json_pack("[s]", it->options[rnd(c, (unsigned)it->n_options)].key));
            else
                c->scores[i] = (int16_t)(1 + rnd(c, (unsigned)it->n_options));
            break;
        case ITEM_TEXT:
            json_object_set_new(c->extra, it->key,
                                json_string(strcmp(in->layers[layer].key, "bestuur") == 0
                                                ? SECRET " wat de raad echt vindt"
                                                : "Meer tijd voor het gesprek met de inwoner."));
            break;
        }
    }
}

static int rows_next(void *ctx, int *layer, const int16_t **scores, json_t **extra)
{
    rows_ctx *c = ctx;
    if (c->fail_after > 0 && c->rows == c->fail_after) return -1;
    while (c->layer < c->in->n_layers && c->done >= c->count[c->layer]) {
        c->layer++;
        c->done = 0;
    }
    if (c->layer >= c->in->n_layers) return 0;
    fill_answers(c, (int)c->layer);
    c->done++;
    c->rows++;
    *layer = (int)c->layer;
    *scores = c->scores;
    *extra = c->extra;
    return 1;
}

static void rows_init(rows_ctx *c, const instrument *in, json_t *progress)
{
    memset(c, 0, sizeof *c);
    c->in = in;
    c->rng = 20261124;
    c->scores = calloc(in->n_items, sizeof *c->scores);
    cr_assert_not_null(c->scores);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(progress, "layers"), i, e)
    {
        int l = instrument_layer_index(in, json_string_value(json_object_get(e, "layer")));
        if (l >= 0) c->count[l] = (int)json_integer_value(json_object_get(e, "submitted"));
    }
}

static void rows_free(rows_ctx *c)
{
    free(c->scores);
    json_decref(c->extra);
}

/* The open answers of the fixture plus a bestuur entry that must never be
 * shown while bestuur is suppressed. New reference. */
static json_t *open_answers(void)
{
    json_t *o = load_json(FIX_OPEN);
    json_array_append_new(o, json_pack("{s:s, s:s, s:[s]}", "item", "open-goed", "layer", "bestuur",
                                       "answers", SECRET " (open antwoord van het bestuur)"));
    return o;
}

/* Writes one workbook from the analysis in `fixture` and the progress in
 * `progress` (a path; NULL: the report takes the analysis' "response");
 * returns its path (caller frees). */
static char *write_report_p(const char *dir, const char *fixture, const char *progress_path,
                            int council, const char *lang, const char *tag)
{
    instrument *in = load_instrument();
    json_t *analysis = load_json(fixture);
    json_t *progress = load_json(progress_path ? progress_path : FIX_PROGRESS);
    json_t *open = open_answers();
    rows_ctx rc;
    rows_init(&rc, in, progress);
    report_row_source src = {&rc, rows_next};
    report_input r = {.in = in,
                      .analysis = analysis,
                      .progress = progress_path ? progress : NULL,
                      .open_answers = open,
                      .rows = council ? NULL : &src,
                      .council = council,
                      .lang = lang,
                      .generated_at = "2026-11-24 10:15",
                      .product_version = "1.0.0-test"};
    /* without progress (the decoy), bestuur's rows follow the analysis */
    if (!progress_path) rc.count[0] = 7;
    char *path;
    cr_assert(asprintf(&path, "%s/%s-%s-%s.xlsx", dir, tag, council ? "council" : "full", lang) >
              0);
    tm_error err = TM_ERROR_INIT;
    int st = report_write_xlsx(&r, path, &err);
    cr_assert_eq(st, 0, "report_write_xlsx: %s", err.message);
    struct stat sb;
    cr_assert(stat(path, &sb) == 0 && sb.st_size > 1000, "%s was not written", path);
    tm_error_clear(&err);
    rows_free(&rc);
    json_decref(open);
    json_decref(progress);
    json_decref(analysis);
    instrument_free(in);
    return path;
}

/* The decoy has bestuur unsuppressed: its counts come from its analysis. */
static char *write_report(const char *dir, const char *fixture, int council, const char *lang,
                          const char *tag)
{
    return write_report_p(dir, fixture, strcmp(fixture, FIX_DECOY) ? FIX_PROGRESS : NULL, council,
                          lang, tag);
}

/* Runs the reader on a workbook; asserts exit status 0 and shows its output
 * otherwise. */
static void check_p(const char *path, const char *fixture, const char *progress, int council,
                    const char *lang, const char *extra)
{
    require_openpyxl();
    char *cmd, *out = NULL;
    cr_assert(
        asprintf(&cmd,
                 "timeout 180 %s tests/report_check.py --file %s --fixture %s --decoy %s --main %s "
                 "--instrument %s --progress %s --open %s --variant %s --lang %s %s",
                 python(), path, fixture, FIX_DECOY, FIX_MAIN, INSTRUMENT,
                 progress ? progress : "none", FIX_OPEN, council ? "council" : "full", lang,
                 extra ? extra : "") > 0);
    int st = th_run(cmd, &out);
    cr_assert_eq(st, 0, "report_check.py failed (exit %d):\n%s\n%s", st, cmd, out ? out : "");
    cr_log_info("%s", out ? out : "");
    free(cmd);
    free(out);
}

static void check(const char *path, const char *fixture, int council, const char *lang,
                  const char *extra)
{
    check_p(path, fixture, strcmp(fixture, FIX_DECOY) ? FIX_PROGRESS : NULL, council, lang, extra);
}

/* ------------------------------------------------------------------------
 * The reader checks, one workbook each
 * ------------------------------------------------------------------------ */

static void check_variant(const char *fixture, int council, const char *lang, const char *extra)
{
    char *dir = test_dir(lang);
    int decoy = strcmp(fixture, FIX_DECOY) == 0;
    char *path = write_report(dir, fixture, council, lang, decoy ? "decoy" : "main");
    check(path, fixture, council, lang, extra);
    free(path);
    free(dir);
}

Test(report, full_nl_matches_analysis_and_leaks_nothing)
{
    check_variant(FIX_MAIN, 0, "nl", "--sentinels absent");
}

Test(report, full_en_matches_analysis_and_leaks_nothing)
{
    check_variant(FIX_MAIN, 0, "en", "--sentinels absent");
}

Test(report, council_nl_is_plain_and_matches_analysis)
{
    check_variant(FIX_MAIN, 1, "nl", "--sentinels absent");
}

Test(report, council_en_is_plain_and_matches_analysis)
{
    check_variant(FIX_MAIN, 1, "en", "--sentinels absent");
}

/* The reader does find the sentinels where bestuur is not suppressed: its
 * "absent" verdicts above are worth something. */
Test(report, decoy_shows_the_sentinels_the_reader_looks_for)
{
    check_variant(FIX_DECOY, 0, "nl", "--sentinels present");
}

Test(report, decoy_council_shows_the_sentinels)
{
    check_variant(FIX_DECOY, 1, "en", "--sentinels present");
    check_variant(FIX_DECOY, 1, "nl", "--sentinels present");
}

/* A cell with n < k that the producer forgot to flag is still shown as "< 5". */
Test(report, cell_with_n_below_k_is_suppressed_even_unflagged)
{
    char *dir = test_dir("guard");
    json_t *a = load_json(FIX_MAIN);
    json_t *theme = json_array_get(json_object_get(a, "themes"), 1); /* integraliteit */
    json_t *cell = json_object_get(json_array_get(json_object_get(theme, "layers"), 2), "score");
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(theme, "layers"), 2), "layer")),
                     "beleid");
    json_object_set_new(cell, "n", json_integer(3));
    json_object_set_new(cell, "mean", json_real(66.61239));
    char *fix;
    cr_assert(asprintf(&fix, "%s/guard.json", dir) > 0);
    cr_assert_eq(json_dump_file(a, fix, JSON_INDENT(1)), 0);
    json_decref(a);
    for (int council = 0; council < 2; council++) {
        char *path = write_report(dir, fix, council, "nl", "guard");
        check(path, fix, council, "nl", "--absent-number 66.61239");
        free(path);
    }
    free(fix);
    free(dir);
}

/* Imported rows have a column of their own and never raise a response
 * rate: 26 partners of 20 invited, 10 of them read in, is 16 of 20 (80%);
 * a layer with nothing but imported rows and no invitations has no rate. */
Test(report, imported_rows_apart_and_rates_never_above_100)
{
    char *dir = test_dir("imported");
    json_t *p = load_json(FIX_PROGRESS);
    json_t *partners = json_array_get(json_object_get(p, "layers"), 4);
    cr_assert_str_eq(json_string_value(json_object_get(partners, "layer")), "partners");
    json_object_set_new(partners, "invited", json_integer(20));
    json_object_set_new(partners, "started", json_integer(16));
    json_object_set_new(partners, "imported", json_integer(10));
    json_t *beleid = json_array_get(json_object_get(p, "layers"), 2);
    json_object_set_new(beleid, "invited", json_integer(0));
    json_object_set_new(beleid, "started", json_integer(0));
    json_object_set_new(beleid, "imported", json_object_get(beleid, "submitted"));
    json_incref(json_object_get(beleid, "submitted"));
    char *prog;
    cr_assert(asprintf(&prog, "%s/progress-imported.json", dir) > 0);
    cr_assert_eq(json_dump_file(p, prog, JSON_INDENT(1)), 0);
    json_decref(p);
    for (int council = 0; council < 2; council++) {
        char *path = write_report_p(dir, FIX_MAIN, prog, council, "nl", "imported");
        check_p(path, FIX_MAIN, prog, council, "nl", NULL);
        free(path);
    }
    free(prog);
    free(dir);
}

/* A wave made for import says so, on the council's page 1 and in the full
 * report's Samenvatting. */
Test(report, an_import_wave_says_so)
{
    char *dir = test_dir("importwave");
    json_t *a = load_json(FIX_MAIN);
    json_object_set_new(json_object_get(a, "wave"), "collection", json_string("import"));
    json_t *p = load_json(FIX_PROGRESS);
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(p, "layers"), i, l)
    {
        json_object_set_new(l, "invited", json_integer(0));
        json_object_set_new(l, "started", json_integer(0));
        json_object_set(l, "imported", json_object_get(l, "submitted"));
    }
    char *fix, *prog;
    cr_assert(asprintf(&fix, "%s/import.json", dir) > 0);
    cr_assert(asprintf(&prog, "%s/import-progress.json", dir) > 0);
    cr_assert_eq(json_dump_file(a, fix, JSON_INDENT(1)), 0);
    cr_assert_eq(json_dump_file(p, prog, JSON_INDENT(1)), 0);
    json_decref(a);
    json_decref(p);
    const char *langs[2] = {"nl", "en"};
    for (int council = 0; council < 2; council++)
        for (int k = 0; k < 2; k++) {
            char *path = write_report_p(dir, fix, prog, council, langs[k], "import");
            check_p(path, fix, prog, council, langs[k], NULL);
            free(path);
        }
    free(fix);
    free(prog);
    free(dir);
}

/* ------------------------------------------------------------------------
 * LibreOffice: every variant opens; the council summary is at most four
 * A4 pages with the chain chart on page 1
 * ------------------------------------------------------------------------ */

static int pdf_pages(const char *pdf)
{
    char *cmd, *out = NULL;
    cr_assert(asprintf(&cmd, "pdfinfo %s | sed -n 's/^Pages: *//p'", pdf) > 0);
    cr_assert_eq(th_run(cmd, &out), 0, "pdfinfo %s (Debian: poppler-utils)", pdf);
    int n = atoi(out ? out : "0");
    free(out);
    free(cmd);
    return n;
}

/* The text of page `page` of pdf (caller frees). */
static char *pdf_page_text(const char *pdf, int page)
{
    char *cmd, *out = NULL;
    cr_assert(asprintf(&cmd, "pdftotext -f %d -l %d %s -", page, page, pdf) > 0);
    cr_assert_eq(th_run(cmd, &out), 0, "pdftotext %s", pdf);
    free(cmd);
    return out;
}

Test(report, libreoffice_prints_the_council_summary_on_at_most_four_pages, .timeout = 300)
{
    require_libreoffice();
    char *dir = test_dir("pdf");
    char *files[8];
    const char *langs[2] = {"nl", "en"};
    int n = 0;
    for (int l = 0; l < 2; l++)
        for (int council = 0; council < 2; council++)
            files[n++] = write_report(dir, FIX_MAIN, council, langs[l], "main");
    files[n++] = write_report(dir, FIX_DECOY, 1, "nl", "decoy");
    files[n++] = write_report(dir, FIX_DECOY, 1, "en", "decoy");
    files[n++] = write_report(dir, FIX_DECOY, 0, "nl", "decoy");
    char *cmd = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&cmd, &len);
    fprintf(f,
            "cd %s && HOME=%s timeout 240 libreoffice -env:UserInstallation=file://%s/lo-profile "
            "--headless --convert-to pdf --outdir %s",
            dir, dir, dir, dir);
    for (int i = 0; i < n; i++)
        fprintf(f, " %s", files[i]);
    fclose(f);
    char *out = NULL;
    int st = th_run(cmd, &out);
    cr_assert_eq(st, 0, "libreoffice failed (exit %d):\n%s", st, out ? out : "");
    for (int i = 0; i < n; i++) {
        char *pdf = strdup(files[i]);
        strcpy(pdf + strlen(pdf) - 4, "pdf");
        struct stat sb;
        cr_assert(stat(pdf, &sb) == 0, "no PDF %s:\n%s", pdf, out ? out : "");
        cr_assert_gt(sb.st_size, 10000, "%s is nearly empty", pdf);
        int pages = pdf_pages(pdf);
        int council = strstr(pdf, "-council-") != NULL;
        int en = strstr(pdf, "-en.pdf") != NULL;
        cr_log_info("%s: %d pages", pdf, pages);
        if (council) {
            cr_expect(pages >= 1 && pages <= 4, "%s: %d pages, the council summary is at most 4",
                      pdf, pages);
            char *p1 = pdf_page_text(pdf, 1);
            const char *chart = en ? "The intent along the chain: perceived alignment per layer"
                                   : "De bedoeling langs de keten: beleving per laag";
            const char *sentences = en ? "What stands out?" : "Wat valt op?";
            cr_expect(p1 && strstr(p1, chart), "%s: the chain chart is not on page 1:\n%s", pdf,
                      p1);
            cr_expect(p1 && strstr(p1, sentences), "%s: the sentences are not on page 1", pdf);
            free(p1);
        } else {
            cr_expect_gt(pages, 4, "%s: the full report printed on %d pages only", pdf, pages);
        }
        free(pdf);
        free(files[i]);
    }
    free(out);
    free(cmd);
    free(dir);
}

/* ------------------------------------------------------------------------
 * Without a reader
 * ------------------------------------------------------------------------ */

Test(report, filename_is_ascii_and_differs_per_variant_and_language)
{
    char *f = report_filename("Gemeente Súdwest-Fryslân", "Meting 2026", "2026-11-24", 0, "nl");
    cr_assert_str_eq(
        f, "Thermometer_Gemeente-Sudwest-Fryslan_Meting-2026_volledig_nl_2026-11-24.xlsx");
    free(f);
    f = report_filename("Gemeente X", "Meting 2026", "2026-11-24", 1, "nl");
    cr_assert_str_eq(f, "Thermometer_Gemeente-X_Meting-2026_raad_nl_2026-11-24.xlsx");
    free(f);
    f = report_filename("Gemeente X", "Meting 2026", "2026-11-24", 0, "en");
    cr_assert_str_eq(f, "Thermometer_Gemeente-X_Meting-2026_full_en_2026-11-24.xlsx");
    free(f);
    f = report_filename("Gemeente X", "Meting 2026", "2026-11-24", 1, "en");
    cr_assert_str_eq(f, "Thermometer_Gemeente-X_Meting-2026_council_en_2026-11-24.xlsx");
    free(f);
    f = report_filename("'s-Hertogenbosch \"&\" Ærø; rm -rf /", NULL, "", 0, NULL);
    cr_assert_str_eq(f, "Thermometer_s-Hertogenbosch-AEro-rm-rf_volledig_nl.xlsx");
    free(f);
    f = report_filename(NULL, "★★★", NULL, 1, "en");
    cr_assert_str_eq(f, "Thermometer_council_en.xlsx");
    free(f);
}

Test(report, unwritable_path_is_an_error_not_a_crash)
{
    instrument *in = load_instrument();
    json_t *a = load_json(FIX_MAIN);
    report_input r = {.in = in, .analysis = a, .council = 1, .lang = "nl"};
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(report_write_xlsx(&r, "/nonexistent-dir/x.xlsx", &err), -1);
    cr_assert_eq(err.status, 500);
    cr_assert(strstr(err.message, "/nonexistent-dir/x.xlsx"), "%s", err.message);
    tm_error_clear(&err);
    json_decref(a);
    instrument_free(in);
}

Test(report, bad_input_is_rejected)
{
    instrument *in = load_instrument();
    json_t *a = json_string("not an analysis");
    report_input r = {.in = in, .analysis = a};
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(report_write_xlsx(&r, "/tmp/never.xlsx", &err), -1);
    cr_assert_eq(err.status, 400);
    tm_error_clear(&err);
    json_decref(a);
    a = json_object();
    r.analysis = a;
    cr_assert_eq(report_write_xlsx(&r, "/tmp/never.xlsx", &err), -1);
    cr_assert(strstr(err.message, "themes"), "%s", err.message);
    tm_error_clear(&err);
    json_decref(a);
    instrument_free(in);
}

Test(report, failing_row_source_fails_the_report_and_leaves_no_file)
{
    instrument *in = load_instrument();
    json_t *a = load_json(FIX_MAIN);
    json_t *progress = load_json(FIX_PROGRESS);
    rows_ctx rc;
    rows_init(&rc, in, progress);
    rc.fail_after = 7;
    report_row_source src = {&rc, rows_next};
    report_input r = {.in = in, .analysis = a, .progress = progress, .rows = &src, .lang = "nl"};
    char *dir = test_dir("fail"), *path;
    cr_assert(asprintf(&path, "%s/failed.xlsx", dir) > 0);
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(report_write_xlsx(&r, path, &err), -1);
    cr_assert_eq(err.status, 500);
    cr_assert(strstr(err.message, "Data") || strstr(err.message, "respondents"), "%s", err.message);
    cr_assert_neq(access(path, F_OK), 0, "a failed report left %s behind", path);
    tm_error_clear(&err);
    rows_free(&rc);
    free(path);
    free(dir);
    json_decref(progress);
    json_decref(a);
    instrument_free(in);
}

/* Without trend and benchmark the sheets are left out; an empty analysis
 * still gives a finished workbook. */
Test(report, trend_and_benchmark_only_when_present)
{
    char *dir = test_dir("minimal");
    json_t *a = load_json(FIX_MAIN);
    json_object_set_new(a, "trend", json_array());
    json_object_del(a, "benchmark");
    char *fix;
    cr_assert(asprintf(&fix, "%s/no-trend.json", dir) > 0);
    cr_assert_eq(json_dump_file(a, fix, JSON_INDENT(1)), 0);
    json_decref(a);
    char *path = write_report(dir, fix, 0, "nl", "notrend");
    check(path, fix, 0, "nl", "--sentinels absent");
    free(path);

    /* nothing but a wave and empty arrays */
    instrument *in = load_instrument();
    a = json_pack("{s:{s:s, s:s, s:i}, s:[], s:[], s:[]}", "wave", "name", "Leeg", "organisation",
                  "Gemeente Leeg", "min_group_size", 5, "themes", "domains", "items");
    report_input r = {.in = in, .analysis = a, .lang = "en"};
    tm_error err = TM_ERROR_INIT;
    cr_assert(asprintf(&path, "%s/empty.xlsx", dir) > 0);
    cr_assert_eq(report_write_xlsx(&r, path, &err), 0, "%s", err.message);
    char *cmd, *out = NULL;
    require_openpyxl();
    cr_assert(asprintf(&cmd,
                       "timeout 180 %s tests/report_check.py --file %s --sheets Summary,Dialogue,"
                       "Carry-through,Gaps,Per\\ item,Rules\\ map,Response,Open\\ answers,Method",
                       python(), path) > 0);
    cr_assert_eq(th_run(cmd, &out), 0, "%s", out);
    free(out);
    free(cmd);
    free(path);
    json_decref(a);
    instrument_free(in);
    free(fix);
    free(dir);
}

/* A multiple-choice answer is written as its option keys joined by ", ". */
static int multi_next(void *ctx, int *layer, const int16_t **scores, json_t **extra)
{
    rows_ctx *c = ctx;
    if (c->rows == 6) return 0;
    memset(c->scores, 0, c->in->n_items * sizeof *c->scores);
    json_decref(c->extra);
    c->extra = json_pack("{s:[s,s]}", "contact-uitvoering", "week", "jaar");
    c->rows++;
    *layer = 3; /* uitvoering */
    *scores = c->scores;
    *extra = c->extra;
    return 1;
}

Test(report, multiple_choice_answers_are_joined)
{
    json_t *def = load_json(INSTRUMENT);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(def, "items"), i, it)
    {
        /* A multiple-choice item that is not a background question (those
         * stay out of the Data sheet). */
        if (strcmp(json_string_value(json_object_get(it, "key")), "contact-uitvoering") == 0) {
            json_object_set_new(it, "multiple", json_true());
            json_object_del(it, "background");
        }
    }
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load(def, &err);
    cr_assert_not_null(in, "%s", err.message);
    json_t *a = load_json(FIX_MAIN);
    rows_ctx rc;
    memset(&rc, 0, sizeof rc);
    rc.in = in;
    rc.scores = calloc(in->n_items, sizeof *rc.scores);
    report_row_source src = {&rc, multi_next};
    report_input r = {.in = in, .analysis = a, .rows = &src, .lang = "nl"};
    char *dir = test_dir("multi"), *path, *cmd, *out = NULL;
    cr_assert(asprintf(&path, "%s/multi.xlsx", dir) > 0);
    cr_assert_eq(report_write_xlsx(&r, path, &err), 0, "%s", err.message);
    cr_assert(asprintf(&cmd,
                       "%s -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
                       "sys.exit(0 if any(b'<t>week, jaar</t>' in z.read(n) for n in "
                       "z.namelist()) else 1)\" %s",
                       python(), path) > 0);
    cr_assert_eq(th_run(cmd, &out), 0, "the joined answer is not in the Data sheet: %s", out);
    free(out);
    free(cmd);
    free(path);
    free(dir);
    rows_free(&rc);
    json_decref(a);
    instrument_free(in);
    json_decref(def);
}
