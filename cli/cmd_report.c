/* cmd_report.c - `thermometer report --wave ID [--variant council]
 * [--lang en] -o FILE.xlsx`: the Excel report of the API, to a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "server/app/report_service.h"
#include "server/app/waves.h"

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
    PGconn *c;
    app *a = cli_app_open("report", &c);
    if (!a) return 1;
    tm_error err = TM_ERROR_INIT;
    wave_info w;
    report_request rq = {council, lang, out};
    int rc = waves_get(c, NULL, wave, &w, &err) == 0
                 ? report_service_write(a, c, &w, &rq, NULL, &err)
                 : -1;
    cli_app_close(a, c);
    if (rc != 0) return cli_fail("report", &err);
    fprintf(stderr, "thermometer report: wrote %s\n", out);
    return 0;
}
