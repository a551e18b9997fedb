/* test_demo.c - `thermometer demo` (issue 12): the demo municipality's wave
 * uses instrument v2 with its own keys for the local knowledge questions
 * and eight rules, so its analysis has a rules map with conflicts and the
 * workbook shows it (sheet Regelkaart, read back with openpyxl, each net
 * equal to the analysis's). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th.h"

static char *db;

static void start(void)
{
    db = th_db_create();
}

static void stop(void)
{
    free(db);
}

TestSuite(demo, .init = start, .fini = stop, .timeout = 300);

/* Runs DATABASE_URL=<the test's database> bin/thermometer args; its output
 * (caller frees). */
static char *run(const char *args)
{
    char *cmd = NULL, *out = NULL;
    cr_assert(asprintf(&cmd, "DATABASE_URL='%s' bin/thermometer %s", db, args) > 0);
    int rc = th_run(cmd, &out);
    cr_assert_eq(rc, 0, "%s: %s", cmd, out ? out : "");
    free(cmd);
    return out;
}

Test(demo, the_demo_wave_has_its_own_keys_and_a_rules_map)
{
    free(run("demo"));
    char *wave =
        th_sql(db, "SELECT w.id FROM waves w JOIN organisations o ON o.id ="
                   " w.organisation_id WHERE o.code = 'GM9001' AND w.name = 'Meting 2026'");
    cr_assert_not_null(wave);
    char *inst = th_sql(db, "SELECT i.version FROM waves w JOIN instruments i ON i.id ="
                            " w.instrument_id JOIN organisations o ON o.id = w.organisation_id"
                            " WHERE o.code = 'GM9001' AND w.name = 'Meting 2026'");
    cr_expect_str_eq(inst, "2.0.0", "the demo uses v2");
    free(inst);
    char args[64];
    snprintf(args, sizeof args, "analyse --wave %s", wave);
    char *out = run(args);
    json_t *a = json_loads(out, 0, NULL);
    free(out);
    cr_assert_not_null(a);
    json_t *rules = json_object_get(a, "rules");
    cr_expect_eq(json_array_size(rules), 8, "eight rules");
    size_t i, j, conflicts = 0, shown = 0;
    json_t *r, *l;
    json_array_foreach(rules, i, r)
    {
        conflicts += json_array_size(json_object_get(r, "conflicts"));
        json_array_foreach(json_object_get(r, "layers"), j, l)
        {
            json_t *net = json_object_get(json_object_get(l, "rating"), "net");
            shown += json_is_number(net);
            if (json_is_number(net))
                cr_expect(json_number_value(net) >= -100 && json_number_value(net) <= 100);
        }
    }
    cr_expect_gt(shown, 30, "most layer cells are shown (%zu)", shown);
    cr_expect_gt(conflicts, 0, "beleid and uitvoering disagree on some rule");
    size_t keyed = 0;
    json_array_foreach(json_object_get(a, "items"), i, r)
    {
        const char *src = json_string_value(json_object_get(r, "intended_source"));
        keyed += src && !strcmp(src, "wave");
    }
    cr_expect_eq(keyed, 6, "the six local knowledge questions carry the wave's keys");

    /* The workbook's rules map: each rule's net per layer as the analysis. */
    char *file = NULL, *nets = NULL;
    cr_assert(asprintf(&file, "%s/demo-%d.xlsx", getenv("TEST_TMPDIR"), (int)getpid()) > 0);
    char *cmd = NULL;
    cr_assert(asprintf(&cmd, "DATABASE_URL='%s' bin/thermometer report --wave %s -o %s", db, wave,
                       file) > 0);
    char *log = NULL;
    cr_assert_eq(th_run(cmd, &log), 0, "%s", log ? log : "");
    free(log);
    free(cmd);
    cr_assert(
        asprintf(&cmd,
                 "/usr/bin/python3 -W ignore -c 'import openpyxl,json,sys\n"
                 "ws = openpyxl.load_workbook(sys.argv[1])[\"Regelkaart\"]\n"
                 "print(json.dumps([[c for c in row] for row in ws.iter_rows(values_only=True)"
                 " if row and any(isinstance(c, (int, float)) for c in row[1:7])]))' %s",
                 file) > 0);
    cr_assert_eq(th_run(cmd, &nets), 0, "%s", nets ? nets : "");
    free(cmd);
    json_t *rows = json_loads(nets, 0, NULL);
    cr_assert_not_null(rows, "%s", nets);
    /* the map's rows come first: one per rule, its text in column A */
    size_t matched = 0;
    json_array_foreach(rules, i, r)
    {
        const char *text = json_string_value(json_object_get(r, "text"));
        json_t *row;
        size_t k;
        json_array_foreach(rows, k, row)
        {
            if (!json_is_string(json_array_get(row, 0)) ||
                strcmp(json_string_value(json_array_get(row, 0)), text))
                continue;
            /* the numbers of the row, in the order of the shown layers */
            size_t col = 1;
            json_array_foreach(json_object_get(r, "layers"), j, l)
            {
                if (json_is_true(json_object_get(l, "suppressed"))) continue;
                json_t *net = json_object_get(json_object_get(l, "rating"), "net");
                json_t *cell = json_array_get(row, col++);
                if (json_is_number(net)) /* the workbook keeps 15 significant digits */
                    cr_expect(json_is_number(cell) &&
                                  fabs(json_number_value(cell) - json_number_value(net)) < 1e-9,
                              "%s: net %g in the workbook", text, json_number_value(net));
            }
            matched++;
            break;
        }
    }
    cr_expect_eq(matched, 8, "every rule has its row in Regelkaart");
    json_decref(rows);
    free(nets);
    remove(file);
    free(file);
    json_decref(a);
    free(wave);
}
