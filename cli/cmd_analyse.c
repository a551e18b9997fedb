/* cmd_analyse.c - `thermometer analyse --wave ID`: the analysis JSON of the
 * API on standard output, for scripts and for checking a wave by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/analysis_service.h"
#include "cli/commands.h"
#include "server/store/db.h"

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
    const char *conninfo = db_conninfo_from_env();
    if (!conninfo) {
        fprintf(stderr, "thermometer analyse: DATABASE_URL is not set\n");
        return 1;
    }
    tm_error err = TM_ERROR_INIT;
    PGconn *c = db_connect(conninfo, &err);
    instrument_registry *reg = instrument_registry_create();
    json_t *a = c && reg ? analysis_service_run(c, reg, NULL, wave, NULL, &err) : NULL;
    int rc = 0;
    if (a) {
        json_dumpf(a, stdout, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_REAL_PRECISION(17));
        fputc('\n', stdout);
        json_decref(a);
    } else {
        fprintf(stderr, "thermometer analyse: %s\n", err.message[0] ? err.message : "failed");
        rc = 1;
    }
    tm_error_clear(&err);
    instrument_registry_free(reg);
    if (c) PQfinish(c);
    return rc;
}
