/* test_fuzz_regressions.c - replays every input kept for the fuzz targets
 * (fuzz/regressions/TARGET/: inputs that once crashed or broke a check, and
 * fuzz/corpus/TARGET/: the seeds) through the targets' own entry functions,
 * under this build's ASan and UBSan. A failed check in fuzz/entries.c prints
 * the input's file name and traps, which Criterion reports as a crash. The
 * fuzzers themselves run with `make fuzz` (clang, libFuzzer), not here.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/entries.c"

typedef int (*fuzz_entry)(const uint8_t *data, size_t size);

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays each file of dir (sorted by name) through entry; returns how many. */
static size_t replay_dir(const char *dir, fuzz_entry entry)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
            cr_assert_not_null(names);
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, by_name);

    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "cannot open %s", path);
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        cr_assert_geq(len, 0, "cannot read %s", path);
        /* Exactly len bytes, as libFuzzer hands them over: reading past the
         * end is an ASan error here too. */
        uint8_t *data = malloc(len ? (size_t)len : 1);
        cr_assert_not_null(data);
        cr_assert_eq(fread(data, 1, (size_t)len, f), (size_t)len, "cannot read %s", path);
        fclose(f);
        fuzz_current_input = path;
        entry(data, (size_t)len);
        fuzz_current_input = NULL;
        free(data);
        free(names[i]);
    }
    free(names);
    return n;
}

static void replay(const char *target, fuzz_entry entry)
{
    char dir[256];
    snprintf(dir, sizeof dir, "fuzz/corpus/%s", target);
    size_t seeds = replay_dir(dir, entry);
    snprintf(dir, sizeof dir, "fuzz/regressions/%s", target);
    size_t kept = replay_dir(dir, entry);
    cr_log_info("fuzz_%s: %zu seeds and %zu regression inputs replayed", target, seeds, kept);
    cr_assert_gt(seeds, 0, "fuzz/corpus/%s has no seed inputs (run from the repository root)",
                 target);
}

Test(fuzz_regressions, instrument, .timeout = 120)
{
    replay("instrument", fuzz_instrument_one);
}

Test(fuzz_regressions, answers, .timeout = 120)
{
    replay("answers", fuzz_answers_one);
}

Test(fuzz_regressions, form, .timeout = 120)
{
    replay("form", fuzz_form_one);
}

Test(fuzz_regressions, import_csv, .timeout = 120)
{
    replay("import_csv", fuzz_import_csv_one);
}

Test(fuzz_regressions, import_json, .timeout = 120)
{
    replay("import_json", fuzz_import_json_one);
}

Test(fuzz_regressions, mail, .timeout = 120)
{
    replay("mail", fuzz_mail_one);
}

/* Empty input, through the entry functions (their own checks trap on a
 * broken property) and through the real functions, whose answers a user
 * sees: an empty instrument is refused naming the syntax, an empty import
 * is a 400, an empty form is a save of nothing. */
Test(fuzz_regressions, empty_inputs)
{
    static const uint8_t none[1];
    fuzz_instrument_one(none, 0);
    fuzz_answers_one(none, 0);
    fuzz_form_one(none, 0);
    fuzz_import_csv_one(none, 0);
    fuzz_import_json_one(none, 0);
    fuzz_mail_one(none, 0);

    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file("survey-defs/thermometer-sociaal-domein-v1.json", &err);
    cr_assert_not_null(in, "%s", err.message);

    import_parser *ip = import_parser_new(in, IMPORT_CSV);
    cr_assert_not_null(ip);
    cr_expect_eq(import_parser_finish(ip, &err), -1);
    cr_expect_eq(err.status, 400, "an empty import is refused as such: %s", err.message);
    tm_error_clear(&err);
    import_parser_free(ip);

    json_t *answers = NULL;
    char action[16] = "";
    cr_expect_eq(survey_form_decode(in, 0, "", 0, &answers, action, &err), 0, "%s", err.message);
    cr_expect_str_eq(action, "save");
    cr_expect_eq(json_object_size(answers), 0);
    json_decref(answers);
    instrument_free(in);

    json_error_t je;
    cr_expect_null(json_loadb("", 0, 0, &je), "an empty instrument text does not parse");
}
