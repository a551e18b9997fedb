/* test_migrate.c - migrations apply once, whether run twice or by two
 * processes at the same moment; instruments load as immutable versions. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "th.h"

/* An empty database (not the migrated template). Caller frees. */
static char *empty_db(void)
{
    char name[64], sql[128];
    snprintf(name, sizeof name, "m_%d_%ld", (int)getpid(), random() % 100000);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    th_sql(th_cluster_url(), sql);
    char *url;
    cr_assert(asprintf(&url, "%s dbname=%s", th_cluster_url(), name) > 0);
    return url;
}

/* Instrument versions shipped: each .json file in survey-defs but the schema. */
static int count_instrument_files(void)
{
    char *out = NULL;
    th_run("ls survey-defs | grep '\\.json$' | grep -vc '^schema\\.json$'", &out);
    int n = atoi(out);
    free(out);
    return n;
}

static int count_sql_files(void)
{
    char *out = NULL;
    th_run("ls sql | grep -c '^[0-9][0-9][0-9]_.*\\.sql$'", &out);
    int n = atoi(out);
    free(out);
    return n;
}

static int migrate(const char *url, const char *extra_env, char **out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "DATABASE_URL='%s' %s bin/thermometer migrate", url,
             extra_env ? extra_env : "");
    return th_run(cmd, out);
}

Test(migrate, twice_is_a_no_op)
{
    char *url = empty_db();
    char *out = NULL;
    cr_assert_eq(migrate(url, NULL, &out), 0, "%s", out);
    char expect[96];
    snprintf(expect, sizeof expect, "%d migration(s) applied, %d new instrument", count_sql_files(),
             count_instrument_files());
    cr_expect(strstr(out, expect) != NULL, "first run: %s", out);
    free(out);
    cr_assert_eq(migrate(url, NULL, &out), 0, "%s", out);
    cr_expect(strstr(out, "0 migration(s) applied, 0 new instrument") != NULL, "second: %s", out);
    free(out);
    char *n = th_sql(url, "SELECT count(*) FROM schema_migrations");
    cr_expect_eq(atoi(n), count_sql_files());
    free(n);
    free(url);
}

Test(migrate, two_at_once_apply_each_migration_once)
{
    char *url = empty_db();
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            char cmd[1024];
            snprintf(cmd, sizeof cmd, "DATABASE_URL='%s' bin/thermometer migrate >/dev/null 2>&1",
                     url);
            _exit(system(cmd) == 0 ? 0 : 1);
        }
    }
    for (int i = 0; i < 2; i++) {
        int st;
        waitpid(kids[i], &st, 0);
        cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "migrate process %d failed", i);
    }
    char *n = th_sql(url, "SELECT count(*) FROM schema_migrations");
    cr_expect_eq(atoi(n), count_sql_files());
    free(n);
    n = th_sql(url, "SELECT count(*) FROM instruments");
    cr_expect_eq(atoi(n), count_instrument_files(), "each instrument version is stored once");
    free(n);
    free(url);
}

Test(migrate, a_changed_instrument_needs_a_new_version)
{
    char *url = empty_db();
    char *out = NULL;
    cr_assert_eq(migrate(url, NULL, &out), 0, "%s", out);
    free(out);

    char dir[256], cmd[1024];
    snprintf(dir, sizeof dir, "%s/defs-%d", getenv("TEST_TMPDIR"), (int)getpid());
    snprintf(
        cmd, sizeof cmd,
        "mkdir -p %s && sed 's/Thermometer sociaal domein/Thermometer sociaal domein (gewijzigd)/' "
        "survey-defs/thermometer-sociaal-domein-v1.json > %s/t.json",
        dir, dir);
    cr_assert_eq(th_run(cmd, NULL), 0);
    char env[400];
    snprintf(env, sizeof env, "INSTRUMENTS_DIR=%s", dir);
    cr_expect_eq(migrate(url, env, &out), 1, "%s", out);
    cr_expect(strstr(out, "version 1.0.0 is already in use with different content") != NULL, "%s",
              out);
    cr_expect(strstr(out, "give the changed file a new \"version\"") != NULL, "%s", out);
    free(out);

    /* With a new version it loads beside the old ones, ordered as numbers
     * (1.10.0 after 1.0.0, before 2.0.0): "latest" follows that order. */
    snprintf(cmd, sizeof cmd,
             "sed -i 's/\"version\": \"1.0.0\"/\"version\": \"1.10.0\"/' %s/t.json", dir);
    cr_assert_eq(th_run(cmd, NULL), 0);
    cr_expect_eq(migrate(url, env, &out), 0, "%s", out);
    free(out);
    char *v = th_sql(url, "SELECT string_agg(version, ',' ORDER BY version_order) FROM instruments"
                          " WHERE key = 'thermometer-sociaal-domein'");
    cr_expect_str_eq(v, "1.0.0,1.10.0,2.0.0");
    free(v);
    free(url);
}

Test(migrate, a_broken_migration_leaves_no_trace)
{
    char *url = empty_db();
    char dir[256], cmd[1024];
    snprintf(dir, sizeof dir, "%s/sql-%d", getenv("TEST_TMPDIR"), (int)getpid());
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s && cp sql/*.sql %s/ && printf 'CREATE TABLE half_done (x int);\\n"
             "SELECT nonsense FROM nowhere;\\n' > %s/999_broken.sql",
             dir, dir, dir);
    cr_assert_eq(th_run(cmd, NULL), 0);
    char env[400], *out = NULL;
    snprintf(env, sizeof env, "SQL_DIR=%s", dir);
    cr_expect_eq(migrate(url, env, &out), 1);
    cr_expect(strstr(out, "migration 999_broken.sql failed") != NULL, "%s", out);
    free(out);
    char *t = th_sql(url, "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'");
    cr_expect_str_eq(t, "0", "the failed migration's table must not exist");
    free(t);
    t = th_sql(url, "SELECT count(*) FROM schema_migrations WHERE version = '999_broken.sql'");
    cr_expect_str_eq(t, "0");
    free(t);
    free(url);
}
