/* cmd_analyse.c - `thermometer analyse --wave ID`: the analysis JSON of the
 * API on standard output, for scripts and for checking a wave by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "server/app/analysis_service.h"
#include "server/app/waves.h"

/* Parses --wave ID from argv; returns the id or -1 after printing usage. */
long long parse_wave_arg(int argc, char **argv, int *i, const char *cmd)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "thermometer %s: --wave needs a wave id\n", cmd);
        return -1;
    }
    char *end;
    long long id = strtoll(argv[*i + 1], &end, 10);
    if (*end || id <= 0) {
        fprintf(stderr, "thermometer %s: --wave needs a wave id, not '%s'\n", cmd, argv[*i + 1]);
        return -1;
    }
    (*i)++;
    return id;
}

int cmd_analyse(int argc, char **argv)
{
    long long wave = 0;
    int pretty = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--wave")) {
            if ((wave = parse_wave_arg(argc, argv, &i, "analyse")) < 0) return 2;
        } else if (!strcmp(argv[i], "--pretty")) {
            pretty = 1;
        } else {
            fprintf(stderr, "thermometer analyse: unexpected argument '%s' (see --help)\n",
                    argv[i]);
            return 2;
        }
    }
    if (wave <= 0) {
        fprintf(stderr, "usage: thermometer analyse --wave ID [--pretty]\n");
        return 2;
    }
    PGconn *c;
    app *a = cli_app_open("analyse", &c);
    if (!a) return 1;
    tm_error err = TM_ERROR_INIT;
    wave_info w;
    json_t *analysis =
        waves_get(c, NULL, wave, &w, &err) == 0 ? analysis_service_run(a, c, &w, &err) : NULL;
    cli_app_close(a, c);
    if (!analysis) return cli_fail("analyse", &err);
    json_dumpf(analysis, stdout,
               (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_REAL_PRECISION(17));
    fputc('\n', stdout);
    json_decref(analysis);
    return 0;
}
