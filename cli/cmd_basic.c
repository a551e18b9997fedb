/* cmd_basic.c - serve, migrate, validate and apikey. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/instrument.h"
#include "server/app/auth.h"
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

int cmd_apikey(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "create") != 0) {
        fprintf(stderr, "usage: thermometer apikey create --role admin|consultant|viewer "
                        "[--organisation ID]...\n");
        return 2;
    }
    role r = ROLE_NONE;
    long long orgs[64];
    size_t n = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--role") && v) {
            if (role_parse(v, &r) != 0) {
                fprintf(stderr,
                        "thermometer apikey: unknown role '%s' (admin, consultant or "
                        "viewer)\n",
                        v);
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--organisation") && v) {
            char *end;
            long long id = strtoll(v, &end, 10);
            if (*end || id <= 0 || n == sizeof orgs / sizeof *orgs) {
                fprintf(stderr,
                        "thermometer apikey: --organisation needs an organisation id, "
                        "not '%s'\n",
                        v);
                return 2;
            }
            orgs[n++] = id;
            i++;
        } else {
            fprintf(stderr, "thermometer apikey: unexpected argument '%s' (see --help)\n", a);
            return 2;
        }
    }
    if (r == ROLE_NONE) {
        fprintf(stderr, "thermometer apikey: --role is required\n");
        return 2;
    }
    PGconn *c;
    app *a = cli_app_open("apikey", &c);
    if (!a) return 1;
    tm_error err = TM_ERROR_INIT;
    char *key = NULL;
    int rc = auth_key_create(c, r, orgs, n, &key, &err);
    cli_app_close(a, c);
    if (rc != 0) return cli_fail("apikey", &err);
    fprintf(stderr,
            "Created an API key with role %s. It is shown only now; only its hash is stored.\n",
            role_name(r));
    printf("%s\n", key);
    free(key);
    return 0;
}
