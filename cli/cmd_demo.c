/* cmd_demo.c - `thermometer demo`: a demo municipality with two closed
 * waves of synthetic answers, plus five benchmark municipalities
 * (server/app/demo.c makes them). */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "server/app/demo.h"

int cmd_demo(int argc, char **argv)
{
    int if_absent = argc > 1 && !strcmp(argv[1], "--if-absent");
    if (argc > 2 || (argc == 2 && !if_absent)) {
        fprintf(stderr, "usage: thermometer demo [--if-absent]\n");
        return 2;
    }
    tm_error err = TM_ERROR_INIT;
    const char *conninfo = app_conninfo_from_env();
    if (!conninfo) {
        tm_error_set(&err, 400, "DATABASE_URL is not set");
        return cli_fail("demo", &err);
    }
    if (app_prepare_database(conninfo, NULL, NULL, &err) != 0) return cli_fail("demo", &err);
    PGconn *c;
    app *a = cli_app_open("demo", &c);
    if (!a) return 1;
    long long org = 0, wave = 0;
    int rc = demo_create(a, c, &org, &wave, &err);
    cli_app_close(a, c);
    if (rc < 0) return cli_fail("demo", &err);
    if (rc == 1) {
        fprintf(stderr,
                "thermometer demo: the demo municipality exists already (organisation "
                "%lld)\n",
                org);
        return if_absent ? 0 : 1;
    }
    printf("Demo ready: organisation %lld (Gemeente Voorbeeldstad), wave %lld (Meting 2026, "
           "closed, with a previous wave and 5 benchmark municipalities).\n"
           "  analysis: GET /api/v1/waves/%lld/analysis\n"
           "  report:   GET /api/v1/waves/%lld/report.xlsx\n",
           org, wave, wave, wave);
    return 0;
}
