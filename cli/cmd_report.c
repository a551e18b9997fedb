/* cmd_report.c - `thermometer report --wave ID [--variant council]
 * [--lang en] -o FILE.xlsx`: the Excel report of the API, to a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "server/store/db.h"
#include "server/app/report_service.h"

int cmd_report(int argc, char **argv)
{
    long long wave = 0;
    const char *out = NULL, *lang = "nl";
    int council = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--wave")) {
            if ((wave = parse_wave_arg(argc, argv, &i, "report")) < 0) return 2;
        } else if (!strcmp(argv[i], "-o") && v) {
            out = v;
            i++;
        } else if (!strcmp(argv[i], "--variant") && v &&
                   (!strcmp(v, "council") || !strcmp(v, "full"))) {
            council = !strcmp(v, "council");
            i++;
        } else if (!strcmp(argv[i], "--lang") && v && (!strcmp(v, "nl") || !strcmp(v, "en"))) {
            lang = v;
            i++;
        } else {
            fprintf(stderr,
                    "thermometer report: unexpected or incomplete argument '%s' (see "
                    "--help)\n",
                    argv[i]);
            return 2;
        }
    }
    if (wave <= 0 || !out) {
        fprintf(stderr, "usage: thermometer report --wave ID [--variant full|council] [--lang "
                        "nl|en] -o FILE.xlsx\n");
        return 2;
    }
    const char *conninfo = db_conninfo_from_env();
    if (!conninfo) {
        fprintf(stderr, "thermometer report: DATABASE_URL is not set\n");
        return 1;
    }
    tm_error err = TM_ERROR_INIT;
    PGconn *c = db_connect(conninfo, &err);
    instrument_registry *reg = instrument_registry_create();
    report_request rq = {wave, council, lang, out};
    int rc = c && reg ? report_service_write(c, reg, NULL, &rq, NULL, &err) : -1;
    if (rc != 0)
        fprintf(stderr, "thermometer report: %s\n", err.message[0] ? err.message : "failed");
    else
        fprintf(stderr, "thermometer report: wrote %s\n", out);
    tm_error_clear(&err);
    instrument_registry_free(reg);
    if (c) PQfinish(c);
    return rc == 0 ? 0 : 1;
}
