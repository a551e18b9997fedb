/* test_report_download.c - the report download end to end over HTTP
 * (GET /api/v1/waves/{id}/report.xlsx?variant=full|council&lang=nl|en),
 * issue 16 item 1.
 *
 * The wave is an online wave of instrument v1 whose answers come in through
 * the respondents' API and wait sealed until the close releases them:
 * bestuur has 2 submissions (below k = 5: a small layer), uitvoering 7 of
 * which only 2 answer SMALL_ITEM (a small item cell in a shown layer), and
 * the open question open-bel is answered by 2 of uitvoering (fewer than k:
 * not shown) while open-eff is answered by all 7 (shown).
 *
 * Checked: the status for every role (admin, consultant of the
 * organisation and of another, viewer of the organisation and of another,
 * a key covering several organisations, no key), variant and language; the
 * refusals' JSON naming the bad parameter; 409 before the close; the
 * Content-Type and the file name. The workbooks are read back with openpyxl
 * (tests/report_download_check.py; tests/report_check.py for the council
 * page's values against the analysis JSON of the same wave), and two waves
 * that differ only in the small groups' answers must give the same cells.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "th.h"
#include "th_wave.h"

#define XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define V1 "survey-defs/thermometer-sociaal-domein-v1.json"
#define SMALL_ITEM "zd-eff-1"
#define SMALL_LAYER "bestuur"
#define ROWS "management=6,beleid=6,uitvoering=7,partners=5"

static char *db;
static th_server *srv;
static char *admin;

static void start(void)
{
    db = th_db_create();
    srv = th_server_start(db, NULL);
    admin = th_api_key(db, "admin", NULL, 0);
}

static void stop(void)
{
    cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly");
    free(admin);
    free(db);
}

TestSuite(report_download, .init = start, .fini = stop, .timeout = 300);

/* ---- the wave ------------------------------------------------------------ */

/* n submissions of layer through the respondents' API; respondent i
 * answers th_answers(layer, 1 + (3i + off) % 5, opt) (off < 0: all 1s),
 * then edit(i, answers) when given. Each layer has an offset of its own,
 * so that no two layers tie by construction. */
static void submit_layer(long long wave, const char *layer, int n, int off, const char *opt,
                         void (*edit)(const char *, int, json_t *, int), int variant)
{
    char **tokens = th_invitations(srv, admin, wave, layer, n);
    for (int i = 0; i < n; i++) {
        json_t *a = th_answers(layer, off < 0 ? 1 : 1 + (3 * i + off) % 5, opt);
        if (edit) edit(layer, i, a, variant);
        char *body = NULL;
        long st = th_submit(srv, tokens[i], a, 1, &body);
        cr_assert_eq(st, 201, "submission %d of %s: %ld %s", i, layer, st, body);
        free(body);
        json_decref(a);
    }
    th_tokens_free(tokens, n);
}

/* The texts and the small cell; variant 0 or 1 changes only what the small
 * groups say (bestuur's answers are set by the caller). */
static void edit_answers(const char *layer, int i, json_t *a, int variant)
{
    char text[64];
    if (!strcmp(layer, SMALL_LAYER)) {
        snprintf(text, sizeof text, "BESTUUR-KLEIN-%d-%d", variant, i);
        json_object_set_new(a, "open-eff", json_string(text));
        return;
    }
    if (strcmp(layer, "uitvoering") != 0) return;
    snprintf(text, sizeof text, "UITVOERING-EFF-%d", i);
    json_object_set_new(a, "open-eff", json_string(text));
    if (i < 2) {
        snprintf(text, sizeof text, "UITVOERING-BEL-%d-%d", variant, i);
        json_object_set_new(a, "open-bel", json_string(text));
        json_object_set_new(a, SMALL_ITEM, json_integer(variant ? 5 : 1));
    } else {
        json_object_del(a, SMALL_ITEM);
    }
}

static void close_wave(long long wave)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
    th_response r = th_post_json(srv, path, admin, "{}");
    cr_assert_eq(r.status, 200, "close: %ld %s", r.status, r.body);
    th_response_free(&r);
}

/* The wave described at the top, of a new organisation code; variant 0
 * or 1 differ only in the small groups' answers. Left open. */
static long long build_wave(const char *code, int variant, long long *org_out)
{
    long long org = th_org(srv, admin, code);
    long long wave = th_wave_open(srv, admin, org);
    submit_layer(wave, SMALL_LAYER, 2, variant ? 4 : -1, variant ? "b" : "a", edit_answers,
                 variant);
    submit_layer(wave, "management", 6, 0, "a", NULL, variant);
    submit_layer(wave, "beleid", 6, 1, "b", NULL, variant);
    submit_layer(wave, "uitvoering", 7, 2, "a", edit_answers, variant);
    submit_layer(wave, "partners", 5, 3, "b", NULL, variant);
    if (org_out) *org_out = org;
    return wave;
}

/* ---- downloads ----------------------------------------------------------- */

static const char *python(void)
{
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

static th_response report(const char *key, long long wave, const char *query)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/report.xlsx%s%s", wave, *query ? "?" : "",
             query);
    return th_get(srv, path, key);
}

/* Writes body to a file under TEST_TMPDIR named by tag; returns the path
 * (caller frees). */
static char *save(const th_response *r, const char *tag)
{
    char *path;
    cr_assert(asprintf(&path, "%s/rd-%d-%s.xlsx",
                       getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp", (int)getpid(),
                       tag) > 0);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(r->body, 1, r->len, f), r->len);
    fclose(f);
    return path;
}

/* The status and, for a 200, the headers; for a refusal, the JSON error
 * naming what it must. */
static void expect_download(const char *who, const char *key, long long wave, const char *query,
                            long want, const char *names)
{
    th_response r = report(key, wave, query);
    cr_expect_eq(r.status, want, "%s, ?%s: %ld, expected %ld: %.300s", who, query, r.status, want,
                 r.status == 200 ? "(a workbook)" : r.body);
    char ctype[160] = "", disp[300] = "";
    th_header(&r, "Content-Type", ctype, sizeof ctype);
    if (r.status == 200) {
        cr_expect_str_eq(ctype, XLSX, "%s, ?%s: Content-Type", who, query);
        cr_expect(r.len > 1000 && !memcmp(r.body, "PK", 2), "%s, ?%s: not a workbook", who, query);
        cr_expect(th_header(&r, "Content-Disposition", disp, sizeof disp), "%s: no file name", who);
        cr_expect_str_eq(disp, names, "%s, ?%s: Content-Disposition", who, query);
    } else if (r.status == want && want != 401) {
        cr_expect(!strncmp(ctype, "application/json", 16), "%s, ?%s: refusal as %s", who, query,
                  ctype);
        json_t *j = th_json(&r);
        const char *e = json_string_value(json_object_get(j, "error"));
        cr_expect(e && (!names || strstr(e, names)), "%s, ?%s: the error %s does not name \"%s\"",
                  who, query, r.body, names ? names : "");
        cr_expect(!strstr(r.body, "PK\003\004"), "%s: a refusal carries a workbook", who);
        json_decref(j);
    }
    th_response_free(&r);
}

/* attachment; filename="Thermometer_Gemeente-CODE_Meting_<variant>_<lang>_<date>.xlsx" */
static void disposition(char *out, size_t n, const char *code, const char *word, const char *lang)
{
    char date[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    snprintf(out, n, "attachment; filename=\"Thermometer_Gemeente-%s_Meting_%s_%s_%s.xlsx\"", code,
             word, lang, date);
}

/* ---- tests --------------------------------------------------------------- */

Test(report_download, every_role_variant_and_language)
{
    long long org;
    long long wave = build_wave("GM2401", 0, &org);
    long long other = th_org(srv, admin, "GM2402");
    long long both[] = {other, org};
    char *consultant = th_api_key(db, "consultant", &org, 1);
    char *consultant_other = th_api_key(db, "consultant", &other, 1);
    char *viewer = th_api_key(db, "viewer", &org, 1);
    char *viewer_other = th_api_key(db, "viewer", &other, 1);
    char *multi = th_api_key(db, "consultant", both, 2);

    /* Before the close: the results do not exist yet, for anyone who may
     * read them; the others are refused as before. */
    const char *wait = "results appear when the wave closes";
    expect_download("admin", admin, wave, "variant=full&lang=nl", 409, wait);
    expect_download("consultant", consultant, wave, "variant=full&lang=en", 409, wait);
    expect_download("multi-org key", multi, wave, "variant=council&lang=nl", 409, wait);
    expect_download("viewer", viewer, wave, "variant=council&lang=en", 409, wait);
    expect_download("viewer", viewer, wave, "variant=full&lang=nl", 403, "variant=council");
    expect_download("consultant of another", consultant_other, wave, "variant=council", 404, NULL);
    expect_download("no key", NULL, wave, "variant=council", 401, NULL);

    close_wave(wave);
    static const char *const variants[] = {"full", "council"};
    static const char *const words[] = {"volledig", "raad", "full", "council"};
    static const char *const langs[] = {"nl", "en"};
    struct {
        const char *who, *key;
        long full, council; /* the status of each variant */
    } roles[] = {
        {"admin", admin, 200, 200},
        {"consultant of the organisation", consultant, 200, 200},
        {"consultant of another organisation", consultant_other, 404, 404},
        {"viewer of the organisation", viewer, 403, 200},
        {"viewer of another organisation", viewer_other, 404, 404},
        {"consultant key of several organisations", multi, 200, 200},
        {"no key", NULL, 401, 401},
    };
    char query[64], name[256];
    for (size_t r = 0; r < sizeof roles / sizeof *roles; r++) {
        for (int v = 0; v < 2; v++) {
            for (int l = 0; l < 2; l++) {
                long want = v ? roles[r].council : roles[r].full;
                snprintf(query, sizeof query, "variant=%s&lang=%s", variants[v], langs[l]);
                disposition(name, sizeof name, "GM2401", words[2 * l + v], langs[l]);
                expect_download(roles[r].who, roles[r].key, wave, query, want,
                                want == 200   ? name
                                : want == 403 ? "variant=council"
                                              : NULL);
            }
        }
        /* Bad parameters are named, whoever asks (once past the key and
         * the wave's scope). */
        int reads = roles[r].council == 200;
        expect_download(roles[r].who, roles[r].key, wave, "variant=raw&lang=nl",
                        reads ? 400 : roles[r].council, reads ? "variant" : NULL);
        expect_download(roles[r].who, roles[r].key, wave, "variant=council&lang=de",
                        reads ? 400 : roles[r].council, reads ? "lang" : NULL);
        expect_download(roles[r].who, roles[r].key, wave, "variant=&lang=nl",
                        reads ? 400 : roles[r].council, reads ? "variant" : NULL);
    }
    /* Without a variant: the full report, except for a viewer (the
     * council's); without a language: Dutch. */
    disposition(name, sizeof name, "GM2401", "volledig", "nl");
    expect_download("admin", admin, wave, "", 200, name);
    disposition(name, sizeof name, "GM2401", "raad", "nl");
    expect_download("viewer", viewer, wave, "", 200, name);
    disposition(name, sizeof name, "GM2401", "council", "en");
    expect_download("viewer", viewer, wave, "lang=en", 200, name);
    /* An unknown wave reads as one out of scope. */
    expect_download("admin", admin, wave + 1000, "variant=full", 404, NULL);

    free(consultant);
    free(consultant_other);
    free(viewer);
    free(viewer_other);
    free(multi);
}

/* Runs report_download_check.py on the workbook; asserts success. */
static void check_workbook(const char *path, const char *variant, const char *lang)
{
    char *cmd, *out = NULL;
    cr_assert(
        asprintf(&cmd,
                 "timeout 120 %s tests/report_download_check.py --file %s --instrument " V1
                 " --variant %s --lang %s --small-layer " SMALL_LAYER " --cell " SMALL_ITEM
                 ":uitvoering --rows " ROWS " --absent BESTUUR-KLEIN --absent UITVOERING-BEL %s",
                 python(), path, variant, lang,
                 !strcmp(variant, "full") ? "--present UITVOERING-EFF-0 --present UITVOERING-EFF-6"
                                          : "--absent UITVOERING-EFF") > 0);
    int st = th_run(cmd, &out);
    cr_expect_eq(st, 0, "report_download_check.py (%s, %s) failed:\n%s", variant, lang,
                 out ? out : "");
    free(cmd);
    free(out);
}

/* GET path with key into a file; asserts 200; returns the path. */
static char *save_json(const char *key, const char *path, const char *tag)
{
    th_response r = th_get(srv, path, key);
    cr_assert_eq(r.status, 200, "GET %s: %ld %s", path, r.status, r.body);
    char *file;
    cr_assert(asprintf(&file, "%s/rd-%d-%s.json",
                       getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp", (int)getpid(),
                       tag) > 0);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fwrite(r.body, 1, r.len, f);
    fclose(f);
    th_response_free(&r);
    return file;
}

Test(report_download, the_workbooks_hide_small_groups_and_the_council_page_is_the_analysis)
{
    long long org;
    long long wave = build_wave("GM2411", 0, &org);
    close_wave(wave);
    char *viewer = th_api_key(db, "viewer", &org, 1);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/analysis", wave);
    char *council_json = save_json(viewer, path, "council-analysis");
    snprintf(path, sizeof path, "/api/v1/waves/%lld/progress", wave);
    char *progress_json = save_json(admin, path, "progress");

    /* The analysis says what the workbook must hide: bestuur and the cell. */
    snprintf(path, sizeof path, "/api/v1/waves/%lld/analysis", wave);
    th_response r = th_get(srv, path, admin);
    json_t *an = th_json(&r);
    th_response_free(&r);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(an, "suppressed_layers"), 0)),
                     SMALL_LAYER, "the wave's small layer is suppressed");
    json_decref(an);

    static const char *const variants[] = {"full", "council"};
    static const char *const langs[] = {"nl", "en"};
    for (int v = 0; v < 2; v++) {
        for (int l = 0; l < 2; l++) {
            char query[64], tag[32];
            snprintf(query, sizeof query, "variant=%s&lang=%s", variants[v], langs[l]);
            snprintf(tag, sizeof tag, "%s-%s", variants[v], langs[l]);
            th_response x = report(v ? viewer : admin, wave, query);
            cr_assert_eq(x.status, 200, "?%s: %ld %s", query, x.status, x.body);
            char *file = save(&x, tag);
            th_response_free(&x);
            check_workbook(file, variants[v], langs[l]);
            if (v) { /* the council page's figures against the analysis JSON */
                char *cmd, *out = NULL;
                cr_assert(asprintf(&cmd,
                                   "timeout 120 %s tests/report_check.py --file %s --fixture %s "
                                   "--instrument " V1 " --progress %s --variant council --lang %s",
                                   python(), file, council_json, progress_json, langs[l]) > 0);
                int st = th_run(cmd, &out);
                cr_expect_eq(st, 0, "report_check.py (council, %s) against the analysis:\n%s",
                             langs[l], out ? out : "");
                free(cmd);
                free(out);
            }
            unlink(file);
            free(file);
        }
    }
    unlink(council_json);
    unlink(progress_json);
    free(council_json);
    free(progress_json);
    free(viewer);
}

/* Two waves that differ only in what the small groups said (bestuur all 1s
 * with option a against a spread with option b; the small cell's two
 * answers 1 against 5; their texts): every cell of every sheet is the same,
 * so no figure, row or text of a group below k reaches the workbook, not
 * even through a total, a mean or a count. */
Test(report_download, small_groups_move_nothing_in_the_workbook)
{
    long long a = build_wave("GM2421", 0, NULL);
    long long b = build_wave("GM2422", 1, NULL);
    close_wave(a);
    close_wave(b);
    static const char *const queries[] = {"variant=full&lang=nl", "variant=council&lang=en"};
    for (size_t q = 0; q < 2; q++) {
        th_response x = report(admin, a, queries[q]);
        th_response y = report(admin, b, queries[q]);
        cr_assert_eq(x.status, 200);
        cr_assert_eq(y.status, 200);
        char *fa = save(&x, q ? "same-a-c" : "same-a-f");
        char *fb = save(&y, q ? "same-b-c" : "same-b-f");
        th_response_free(&x);
        th_response_free(&y);
        char *cmd, *out = NULL;
        cr_assert(asprintf(&cmd,
                           "timeout 120 %s tests/report_download_check.py --file %s --same-as %s "
                           "--replace GM2422=GM2421",
                           python(), fa, fb) > 0);
        int st = th_run(cmd, &out);
        cr_expect_eq(st, 0, "?%s: the small groups' answers changed the workbook:\n%s", queries[q],
                     out ? out : "");
        free(cmd);
        free(out);
        unlink(fa);
        unlink(fb);
        free(fa);
        free(fb);
    }
}
