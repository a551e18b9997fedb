/* test_browser.c - the respondent's survey page in a real browser.
 *
 * Starts the server, creates an organisation, an open wave and one invitation
 * over the API, and runs tests/e2e/survey.spec.mjs: Debian's headless
 * Chromium, driven by playwright-core, answers on a phone-sized viewport with
 * taps, clicks and the keyboard, saves, finds the draft, submits and sees the
 * thank-you page (see that file); a first "Versturen" with too few answers
 * is refused with the message next to the button. Then, once the wave is
 * closed, the database must hold exactly one response with the values the
 * browser picked.
 *
 * Needs /usr/bin/chromium and tests/e2e/node_modules: without them the test
 * fails (it does not skip) and says how to install them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th.h"

#define CHROMIUM "/usr/bin/chromium"
#define E2E_DIR "tests/e2e"
#define INSTRUMENT_FILE "survey-defs/thermometer-sociaal-domein-v1.json"

static json_t *post_ok(th_server *s, const char *key, const char *path, const char *json, long want)
{
    th_response r = th_post_json(s, path, key, json);
    cr_assert_eq(r.status, want, "POST %s: %ld %s", path, r.status, r.body);
    json_t *j = th_json(&r);
    cr_assert_not_null(j, "POST %s: not JSON: %s", path, r.body);
    th_response_free(&r);
    return j;
}

static long long id_of(json_t *j)
{
    long long id = json_integer_value(json_object_get(j, "id"));
    cr_assert_gt(id, 0);
    json_decref(j);
    return id;
}

/* The item's position in the instrument file: responses.scores[ordinal + 1]. */
static long item_ordinal(json_t *def, const char *key)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(def, "items"), i, it)
    {
        if (!strcmp(json_string_value(json_object_get(it, "key")), key)) return (long)i;
    }
    cr_assert_fail("item %s is not in %s", key, INSTRUMENT_FILE);
    return -1;
}

/* The value of the item as stored, as text: a score, or the extra answer. */
static char *stored(const char *db, long long wave, json_t *def, const char *key, json_t *want)
{
    char sql[512];
    if (json_is_string(want) && strcmp(json_string_value(want), "dont_know") != 0) {
        json_t *it = json_array_get(json_object_get(def, "items"), (size_t)item_ordinal(def, key));
        const char *type = json_string_value(json_object_get(it, "type"));
        if (!strcmp(type, "text"))
            snprintf(sql, sizeof sql, "SELECT extra->>'%s' FROM responses WHERE wave_id = %lld",
                     key, wave);
        else /* a single choice: the option's index + 1 */
            snprintf(sql, sizeof sql, "SELECT scores[%ld] FROM responses WHERE wave_id = %lld",
                     item_ordinal(def, key) + 1, wave);
    } else {
        snprintf(sql, sizeof sql, "SELECT scores[%ld] FROM responses WHERE wave_id = %lld",
                 item_ordinal(def, key) + 1, wave);
    }
    return th_sql(db, sql);
}

/* What the stored text must be for the picked answer want. */
static char *expected(json_t *def, const char *key, json_t *want)
{
    char *out = NULL;
    if (json_is_integer(want)) {
        if (asprintf(&out, "%lld", (long long)json_integer_value(want)) < 0) out = NULL;
    } else if (!strcmp(json_string_value(want), "dont_know")) {
        out = strdup("-1");
    } else {
        json_t *it = json_array_get(json_object_get(def, "items"), (size_t)item_ordinal(def, key));
        if (!strcmp(json_string_value(json_object_get(it, "type")), "text")) {
            out = strdup(json_string_value(want));
        } else {
            size_t i;
            json_t *o;
            json_array_foreach(json_object_get(it, "options"), i, o)
            {
                if (!strcmp(json_string_value(json_object_get(o, "key")), json_string_value(want)))
                    if (asprintf(&out, "%zu", i + 1) < 0) out = NULL;
            }
        }
    }
    cr_assert_not_null(out, "no expected value for %s", key);
    return out;
}

static char *db;
static th_server *srv;
static char *admin;
static char *output;
static json_t *picked, *def;

/* In .fini, so that a failed assertion still stops the server: a server
 * left running keeps scripts/test.sh's pipe open and make test waits forever. */
static void stop(void)
{
    if (srv) cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly");
    srv = NULL;
    free(admin);
    free(db);
    free(output);
    json_decref(picked);
    json_decref(def);
}

TestSuite(browser, .fini = stop);

Test(browser, answer_save_reload_submit_on_a_phone, .timeout = 300)
{
    cr_assert(
        access(CHROMIUM, X_OK) == 0 && access(E2E_DIR "/node_modules/playwright-core", R_OK) == 0,
        "the browser test needs Debian's Chromium (" CHROMIUM ") and playwright-core in " E2E_DIR
        "/node_modules: run `scripts/install-deps.sh browser && scripts/e2e-setup.sh`");
    cr_assert_eq(th_run("node --version", NULL), 0,
                 "the browser test needs node: run `scripts/install-deps.sh browser`");

    db = th_db_create();
    srv = th_server_start(db, NULL);
    admin = th_api_key(db, "admin", NULL, 0);

    long long org =
        id_of(post_ok(srv, admin, "/api/v1/organisations",
                      "{\"name\": \"Gemeente Browserdam\", \"code\": \"GM0999\"}", 201));
    char body[256], path[96];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein@1.0.0\","
             " \"name\": \"Meting voorjaar 2026\"}",
             org);
    long long wave = id_of(post_ok(srv, admin, "/api/v1/waves", body, 201));
    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", wave);
    json_decref(post_ok(srv, admin, path, "{}", 200));
    snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", wave);
    json_t *inv = post_ok(srv, admin, path, "{\"layer\": \"uitvoering\", \"count\": 1}", 201);
    const char *token = json_string_value(
        json_object_get(json_array_get(json_object_get(inv, "invitations"), 0), "token"));
    cr_assert_not_null(token);

    const char *tmp = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp";
    char out_dir[256];
    snprintf(out_dir, sizeof out_dir, "%s/e2e.%d", tmp, (int)getpid());
    char cmd[1024];
    /* Tokens are URL-safe and the folder is ours: nothing here needs quoting
     * beyond the single quotes. timeout: a hung browser must not hang make test. */
    snprintf(cmd, sizeof cmd,
             "SURVEY_URL='%s/s/%s' E2E_OUT='%s' E2E_LAYER=uitvoering "
             "E2E_INSTRUMENT='" INSTRUMENT_FILE "' timeout -k 5 180 node " E2E_DIR
             "/survey.spec.mjs",
             srv->base, token, out_dir);
    json_decref(inv);
    int rc = th_run(cmd, &output);
    cr_assert_eq(rc, 0, "the browser test failed (exit %d):\n%s", rc, output);
    cr_log_info("survey.spec.mjs (shown with --verbose):\n%s", output);

    /* The submission waits sealed until it is mixed; the close releases it.
     * Then the database holds exactly what the browser picked. */
    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
    json_decref(post_ok(srv, admin, path, "{}", 200));
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM responses WHERE wave_id = %lld", wave);
    char *n = th_sql(db, sql);
    cr_assert_str_eq(n ? n : "(null)", "1", "exactly one response for the wave");
    free(n);

    char picked_file[300];
    snprintf(picked_file, sizeof picked_file, "%s/picked.json", out_dir);
    picked = json_load_file(picked_file, 0, NULL);
    cr_assert_not_null(picked, "the browser test wrote no %s", picked_file);
    def = json_load_file(INSTRUMENT_FILE, 0, NULL);
    cr_assert_not_null(def, "cannot read %s", INSTRUMENT_FILE);
    const char *key;
    json_t *want;
    int compared = 0, scores = 0;
    json_object_foreach(picked, key, want)
    {
        json_t *it = json_array_get(json_object_get(def, "items"), (size_t)item_ordinal(def, key));
        scores += strcmp(json_string_value(json_object_get(it, "type")), "text") != 0;
        char *got = stored(db, wave, def, key, want);
        char *exp = expected(def, key, want);
        cr_expect_str_eq(got ? got : "(null)", exp, "%s: stored %s, the browser picked %s", key,
                         got ? got : "(null)", exp);
        compared++;
        free(got);
        free(exp);
    }
    cr_expect_geq(compared, 5, "the browser reported what it picked");
    cr_expect(strstr(output, "ok - draft: ") != NULL, "the browser saw the draft after saving");
    int dont_know = 0;
    json_object_foreach(picked, key, want)
    {
        dont_know += json_is_string(want) && !strcmp(json_string_value(want), "dont_know");
    }
    cr_expect_eq(dont_know, 1, "one answer was \"weet niet\" (stored as -1)");
    /* Every other item stays unanswered (0). */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FILTER (WHERE s <> 0) FROM responses r, unnest(r.scores) s"
             " WHERE r.wave_id = %lld",
             wave);
    n = th_sql(db, sql);
    char want_n[16];
    snprintf(want_n, sizeof want_n, "%d", scores);
    cr_expect_str_eq(n ? n : "(null)", want_n, "only the %d answered items have a score", scores);
    free(n);
}
