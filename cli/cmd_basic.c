/* cmd_basic.c - serve, migrate, validate and apikey. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/instrument.h"
#include "server/web/server.h"

int cli_fail(const char *cmd, tm_error *err)
{
    fprintf(stderr, "thermometer %s: %s\n", cmd, err->message);
    size_t i;
    json_t *d;
    json_array_foreach(err->details, i, d)
    {
        if (json_is_string(d))
            fprintf(stderr, "  %s\n", json_string_value(d));
        else {
            char *s = json_dumps(d, JSON_COMPACT);
            fprintf(stderr, "  %s\n", s ? s : "?");
            free(s);
        }
    }
    tm_error_clear(err);
    return 1;
}

app *cli_app_open(const char *cmd, PGconn **c)
{
    tm_error err = TM_ERROR_INIT;
    *c = NULL;
    const char *conninfo = app_conninfo_from_env();
    if (!conninfo) {
        tm_error_set(&err, 400, "DATABASE_URL is not set");
        cli_fail(cmd, &err);
        return NULL;
    }
    /* A command that releases waiting submissions (analyse, report of a
     * closed wave) needs the server's seal key; others do without. */
    seal_key key;
    int has_key = seal_key_from_env(&key, &err);
    if (has_key < 0) {
        cli_fail(cmd, &err);
        return NULL;
    }
    app_config cfg = {conninfo, 1, 0, 0, NULL, has_key ? &key : NULL};
    app *a = app_open(&cfg, &err);
    sodium_memzero(&key, sizeof key);
    if (a && !(*c = app_db_acquire(a, &err))) {
        app_close(a);
        a = NULL;
    }
    if (!a) cli_fail(cmd, &err);
    return a;
}

void cli_app_close(app *a, PGconn *c)
{
    if (!a) return;
    if (c) app_db_release(a, c);
    app_close(a);
}

int cmd_serve(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr,
                "thermometer serve: unexpected argument '%s' (settings come from the "
                "environment; see --help)\n",
                argv[1]);
        return 2;
    }
    tm_error err = TM_ERROR_INIT;
    serve_options o;
    if (server_options_from_env(&o, &err) != 0 || server_run(&o, &err) != 0)
        return cli_fail("serve", &err);
    return 0;
}

int cmd_migrate(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "thermometer migrate: takes no arguments (see --help)\n");
        return 2;
    }
    tm_error err = TM_ERROR_INIT;
    const char *conninfo = app_conninfo_from_env();
    if (!conninfo) {
        tm_error_set(&err, 400, "DATABASE_URL is not set");
        return cli_fail("migrate", &err);
    }
    int applied = 0, loaded = 0;
    if (app_prepare_database(conninfo, &applied, &loaded, &err) != 0)
        return cli_fail("migrate", &err);
    fprintf(stderr, "database ready: %d migration(s) applied, %d new instrument version(s)\n",
            applied, loaded);
    return 0;
}

int cmd_validate(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: thermometer validate FILE...\n");
        return 2;
    }
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        tm_error err = TM_ERROR_INIT;
        instrument *in = instrument_load_file(argv[i], &err);
        if (in) {
            printf("%s: ok (%s %s: %zu layers, %zu themes, %zu domains, %zu items)\n", argv[i],
                   in->key, in->version, in->n_layers, in->n_themes, in->n_domains, in->n_items);
            instrument_free(in);
            continue;
        }
        bad = 1;
        if (tm_error_count(&err) == 0) {
            fprintf(stderr, "%s\n", err.message);
        } else {
            size_t k;
            json_t *d;
            json_array_foreach(err.details, k, d) fprintf(stderr, "%s\n", json_string_value(d));
        }
        tm_error_clear(&err);
    }
    return bad;
}
