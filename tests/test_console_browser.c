/* test_console_browser.c - the console in a real browser: a coordinator's
 * whole flow, axe-core on every page, CSRF, keyboard only, screenshots.
 *
 * Starts the server on a fresh database, creates the first admin with
 * `thermometer user create` (as `make run` does) and runs
 * tests/e2e/console.spec.mjs (see that file for every step). Then checks in
 * the database what the browser did: the sessions it ended, the revoked
 * key, the undone import, the audit log without secrets.
 *
 * Needs /usr/bin/chromium and tests/e2e/node_modules (playwright-core and
 * @axe-core/playwright): without them the test fails and says how to
 * install them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th.h"

#define CHROMIUM "/usr/bin/chromium"
#define E2E_DIR "tests/e2e"

static char *db;
static th_server *srv;
static char *output;

static void stop(void)
{
    if (srv) cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly");
    srv = NULL;
    free(db);
    free(output);
}

TestSuite(console_browser, .fini = stop);

static char *sql1(const char *q)
{
    char *v = th_sql(db, q);
    return v ? v : strdup("(null)");
}

Test(console_browser, coordinator_flow_axe_csrf_keyboard, .timeout = 600)
{
    cr_assert(access(CHROMIUM, X_OK) == 0 &&
                  access(E2E_DIR "/node_modules/playwright-core", R_OK) == 0 &&
                  access(E2E_DIR "/node_modules/@axe-core/playwright", R_OK) == 0,
              "the console browser test needs Debian's Chromium (" CHROMIUM ") and "
              "playwright-core and @axe-core/playwright in " E2E_DIR
              "/node_modules: run `scripts/install-deps.sh browser && scripts/e2e-setup.sh`");
    db = th_db_create();
    srv = th_server_start(db, NULL);

    char cmd[2048], *created = NULL;
    snprintf(cmd, sizeof cmd,
             "DATABASE_URL='%s' %s user create --email coordinator@testdam.nl --name "
             "'Co Ordinator' --role admin 2>/dev/null",
             db, getenv("THERMOMETER_BIN") ? getenv("THERMOMETER_BIN") : "bin/thermometer-asan");
    cr_assert_eq(th_run(cmd, &created), 0, "user create: %s", created);
    char password[64] = "";
    const char *nl = strrchr(created, '\n'), *line = created;
    for (const char *q = created; q < nl; q++) /* the last line holds the password */
        if (*q == '\n') line = q + 1;
    sscanf(line, "%63s", password);
    free(created);
    cr_assert_eq(strlen(password), 19, "a one-time password of 16 characters in groups");

    const char *tmp = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp";
    char out_dir[256];
    snprintf(out_dir, sizeof out_dir, "%s/console-e2e.%d", tmp, (int)getpid());
    snprintf(cmd, sizeof cmd,
             "CONSOLE_URL='%s' ADMIN_EMAIL=coordinator@testdam.nl ADMIN_PASSWORD='%s' "
             "E2E_OUT='%s' timeout -k 5 500 node " E2E_DIR "/console.spec.mjs",
             srv->base, password, out_dir);
    int rc = th_run(cmd, &output);
    cr_assert_eq(rc, 0, "the console browser test failed (exit %d):\n%s", rc, output);
    cr_log_info("console.spec.mjs (shown with --verbose):\n%s", output);

    /* What the browser did, as the database holds it. */
    char *v = sql1("SELECT count(*) FROM sessions WHERE ended_at IS NULL AND user_id = "
                   "(SELECT id FROM users WHERE email = 'coordinator@testdam.nl')");
    cr_expect_str_eq(v, "0", "every session of the coordinator was ended by signing out");
    free(v);
    v = sql1("SELECT count(*) FROM api_keys WHERE name = 'koppeling zaaksysteem'"
             " AND revoked_at IS NOT NULL");
    cr_expect_str_eq(v, "1", "the key is revoked in the database");
    free(v);
    v = sql1("SELECT count(*) FROM import_batches");
    cr_expect_str_eq(v, "1", "one import batch left after the undo");
    free(v);
    v = sql1("SELECT count(*) FROM responses WHERE imported");
    cr_expect_str_eq(v, "30", "30 imported responses, not 60");
    free(v);
    v = sql1("SELECT count(*) FROM responses WHERE NOT imported");
    cr_expect_str_eq(v, "2", "the two answers given through the form");
    free(v);
    v = sql1("SELECT count(*) FROM organisations WHERE code IN ('GM0997', 'GM0996', 'GM0995')");
    cr_expect_str_eq(v, "0", "the refused forms created nothing");
    free(v);
    v = sql1("SELECT count(*) FROM audit_log WHERE detail::text ~ "
             "'tm_[0-9]+_|[a-z0-9]{4}-[a-z0-9]{4}-'");
    cr_expect_str_eq(v, "0", "no key and no password in the audit log");
    free(v);
    cr_expect(strstr(output, "axe checked") != NULL, "axe ran");
}
