/* cmd_accounts.c - apikey and user: the keys of the API and the accounts of
 * the console, from the command line. Both go through the services the API
 * and the console use (server/app/apikeys.h, users.h), and every change is
 * written to the audit log as made by "cli".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "server/app/apikeys.h"
#include "server/app/audit.h"
#include "server/app/users.h"

#define MAX_ORGS 64

static int usage_apikey(void)
{
    fprintf(stderr, "usage: thermometer apikey create --name NAME --role admin|consultant|viewer "
                    "[--organisation ID]... [--expires TIME] | list | revoke ID\n");
    return 2;
}

static int usage_user(void)
{
    fprintf(stderr, "usage: thermometer user create --email ADDRESS --name NAME --role "
                    "admin|consultant|viewer [--organisation ID]... | list | disable ID|ADDRESS "
                    "| reset ID|ADDRESS\n");
    return 2;
}

/* An organisation id argument; -1 after saying what is wrong. */
static long long org_arg(const char *cmd, const char *v)
{
    char *end;
    long long id = strtoll(v, &end, 10);
    if (*end || id <= 0) {
        fprintf(stderr, "thermometer %s: --organisation needs an organisation id, not '%s'\n", cmd,
                v);
        return -1;
    }
    return id;
}

/* Runs a change and its audit entry as one transaction. */
static int audited(PGconn *c, int rc, const char *action, const char *type, long long id,
                   json_t *detail, tm_error *err)
{
    if (rc != 0) {
        json_decref(detail);
        audit_abort(c);
        return -1;
    }
    return audit_commit(c, NULL, action, type, id, detail, err);
}

static int apikey_create(int argc, char **argv)
{
    json_t *body = json_object(), *orgs = json_array();
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            json_decref(body);
            json_decref(orgs);
            fprintf(stderr, "thermometer apikey: %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "--name"))
            json_object_set_new(body, "name", json_string(v));
        else if (!strcmp(a, "--role"))
            json_object_set_new(body, "role", json_string(v));
        else if (!strcmp(a, "--expires"))
            json_object_set_new(body, "expires_at", json_string(v));
        else if (!strcmp(a, "--organisation")) {
            long long id = org_arg("apikey", v);
            if (id < 0 || json_array_size(orgs) >= MAX_ORGS) {
                json_decref(body);
                json_decref(orgs);
                return 2;
            }
            json_array_append_new(orgs, json_integer(id));
        } else {
            json_decref(body);
            json_decref(orgs);
            fprintf(stderr, "thermometer apikey: unexpected argument '%s' (see --help)\n", a);
            return 2;
        }
        i++;
    }
    json_object_set_new(body, "organisations", orgs);
    PGconn *c;
    app *a = cli_app_open("apikey", &c);
    if (!a) {
        json_decref(body);
        return 1;
    }
    tm_error err = TM_ERROR_INIT;
    json_t *k = audit_begin(c, &err) == 0 ? apikeys_create(c, body, &err) : NULL;
    json_decref(body);
    long long id = json_integer_value(json_object_get(k, "id"));
    int rc = audited(c, k ? 0 : -1, "key.create", "key", id,
                     k ? json_pack("{s:O, s:O}", "name", json_object_get(k, "name"), "role",
                                   json_object_get(k, "role"))
                       : NULL,
                     &err);
    cli_app_close(a, c);
    if (rc != 0) {
        json_decref(k);
        return cli_fail("apikey", &err);
    }
    fprintf(stderr,
            "Created API key %lld (%s, role %s). It is shown only now; only its hash is stored.\n",
            id, json_string_value(json_object_get(k, "name")),
            json_string_value(json_object_get(k, "role")));
    printf("%s\n", json_string_value(json_object_get(k, "key")));
    json_decref(k);
    return 0;
}

static const char *or_dash(json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : "-";
}

static int apikey_list(void)
{
    PGconn *c;
    app *a = cli_app_open("apikey", &c);
    if (!a) return 1;
    tm_error err = TM_ERROR_INIT;
    json_t *list = apikeys_list(c, &err);
    cli_app_close(a, c);
    if (!list) return cli_fail("apikey", &err);
    printf("%-5s %-24s %-10s %-16s %-20s %-20s %-20s %s\n", "ID", "NAME", "ROLE", "ORGANISATIONS",
           "CREATED", "LAST USED", "EXPIRES", "STATE");
    size_t i, j;
    json_t *k, *o;
    json_array_foreach(list, i, k)
    {
        char orgs[128] = "-";
        size_t len = 0;
        json_array_foreach(json_object_get(k, "organisations"), j, o)
        {
            len += (size_t)snprintf(orgs + len, len < sizeof orgs ? sizeof orgs - len : 0, "%s%lld",
                                    j ? "," : "",
                                    (long long)json_integer_value(json_object_get(o, "id")));
        }
        const char *state = json_is_true(json_object_get(k, "active"))         ? "active"
                            : json_is_string(json_object_get(k, "revoked_at")) ? "revoked"
                                                                               : "expired";
        printf("%-5lld %-24s %-10s %-16s %-20s %-20s %-20s %s\n",
               (long long)json_integer_value(json_object_get(k, "id")),
               *json_string_value(json_object_get(k, "name"))
                   ? json_string_value(json_object_get(k, "name"))
                   : "-",
               json_string_value(json_object_get(k, "role")), orgs,
               or_dash(json_object_get(k, "created_at")),
               or_dash(json_object_get(k, "last_used_at")),
               or_dash(json_object_get(k, "expires_at")), state);
    }
    json_decref(list);
    return 0;
}

static int apikey_revoke(int argc, char **argv)
{
    char *end;
    long long id = argc == 3 ? strtoll(argv[2], &end, 10) : 0;
    if (argc != 3 || *end || id <= 0) return usage_apikey();
    PGconn *c;
    app *a = cli_app_open("apikey", &c);
    if (!a) return 1;
    tm_error err = TM_ERROR_INIT;
    int rc = audit_begin(c, &err) == 0 ? apikeys_revoke(c, id, &err) : -1;
    rc = audited(c, rc, "key.revoke", "key", id, NULL, &err);
    cli_app_close(a, c);
    if (rc != 0) return cli_fail("apikey", &err);
    fprintf(stderr, "API key %lld is revoked: it is refused from now on.\n", id);
    return 0;
}

int cmd_apikey(int argc, char **argv)
{
    if (argc < 2) return usage_apikey();
    if (!strcmp(argv[1], "create")) return apikey_create(argc, argv);
    if (!strcmp(argv[1], "list") && argc == 2) return apikey_list();
    if (!strcmp(argv[1], "revoke")) return apikey_revoke(argc, argv);
    return usage_apikey();
}

/* ---- user --------------------------------------------------------------- */

static int user_create(int argc, char **argv)
{
    users_new u = {0};
    long long orgs[MAX_ORGS];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "thermometer user: %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "--email"))
            u.email = v;
        else if (!strcmp(a, "--name"))
            u.name = v;
        else if (!strcmp(a, "--role"))
            u.role = v;
        else if (!strcmp(a, "--organisation")) {
            long long id = org_arg("user", v);
            if (id < 0 || u.n_orgs == MAX_ORGS) return 2;
            orgs[u.n_orgs++] = id;
        } else {
            fprintf(stderr, "thermometer user: unexpected argument '%s' (see --help)\n", a);
            return 2;
        }
        i++;
    }
    u.orgs = orgs;
    PGconn *c;
    app *a = cli_app_open("user", &c);
    if (!a) return 1;
    tm_error err = TM_ERROR_INIT;
    char one_time[USERS_ONE_TIME_MAX];
    long long id = 0;
    int rc = audit_begin(c, &err) == 0 ? users_create(c, &u, one_time, &id, &err) : -1;
    rc = audited(c, rc, "user.create", "user", id,
                 rc == 0 ? json_pack("{s:s, s:s}", "name", u.name, "role", u.role) : NULL, &err);
    cli_app_close(a, c);
    if (rc != 0) return cli_fail("user", &err);
    fprintf(stderr,
            "Created account %lld for %s (role %s). Its one-time password is shown only now;\n"
            "it must be changed at the first sign-in at /beheer.\n",
            id, u.email, u.role);
    printf("%s\n", one_time);
    return 0;
}

static int user_list(void)
{
    PGconn *c;
    app *a = cli_app_open("user", &c);
    if (!a) return 1;
    tm_error err = TM_ERROR_INIT;
    json_t *list = users_list(c, 0, &err);
    cli_app_close(a, c);
    if (!list) return cli_fail("user", &err);
    printf("%-5s %-32s %-24s %-10s %-16s %s\n", "ID", "E-MAIL", "NAME", "ROLE", "ORGANISATIONS",
           "STATE");
    size_t i, j;
    json_t *u, *o;
    json_array_foreach(list, i, u)
    {
        char orgs[128] = "-";
        size_t len = 0;
        json_array_foreach(json_object_get(u, "organisations"), j, o)
        {
            len += (size_t)snprintf(orgs + len, len < sizeof orgs ? sizeof orgs - len : 0, "%s%lld",
                                    j ? "," : "",
                                    (long long)json_integer_value(json_object_get(o, "id")));
        }
        printf("%-5lld %-32s %-24s %-10s %-16s %s\n",
               (long long)json_integer_value(json_object_get(u, "id")),
               json_string_value(json_object_get(u, "email")),
               json_string_value(json_object_get(u, "name")),
               json_string_value(json_object_get(u, "role")), orgs,
               json_is_true(json_object_get(u, "disabled")) ? "disabled" : "active");
    }
    json_decref(list);
    return 0;
}

/* The account named by an id or an address; 0 after saying it is not there. */
static long long user_of(PGconn *c, const char *arg, tm_error *err)
{
    char *end;
    long long id = strtoll(arg, &end, 10);
    if (!*end && id > 0) return id;
    json_t *list = users_list(c, 0, err);
    char norm[256];
    id = 0;
    if (users_email_normalise(arg, norm, sizeof norm) == 0) {
        size_t i;
        json_t *u;
        json_array_foreach(list, i, u)
        {
            if (!strcmp(json_string_value(json_object_get(u, "email")), norm))
                id = json_integer_value(json_object_get(u, "id"));
        }
    }
    json_decref(list);
    if (!id && !err->status) tm_error_set(err, 404, "there is no account %s", arg);
    return id;
}

static int user_change(const char *what, const char *arg)
{
    PGconn *c;
    app *a = cli_app_open("user", &c);
    if (!a) return 1;
    tm_error err = TM_ERROR_INIT;
    char one_time[USERS_ONE_TIME_MAX] = "";
    long long id = user_of(c, arg, &err);
    int reset = !strcmp(what, "reset"), rc = -1;
    if (id > 0 && audit_begin(c, &err) == 0) {
        rc = reset ? users_reset_password(c, id, one_time, &err)
                   : users_set_disabled(c, NULL, id, 1, &err);
        rc = audited(c, rc, reset ? "user.reset" : "user.disable", "user", id, NULL, &err);
    }
    cli_app_close(a, c);
    if (rc != 0) return cli_fail("user", &err);
    if (reset) {
        fprintf(stderr, "Account %lld has a new one-time password (shown only now):\n", id);
        printf("%s\n", one_time);
    } else {
        fprintf(stderr, "Account %lld is disabled; its sessions have ended.\n", id);
    }
    return 0;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 2) return usage_user();
    if (!strcmp(argv[1], "create")) return user_create(argc, argv);
    if (!strcmp(argv[1], "list") && argc == 2) return user_list();
    if ((!strcmp(argv[1], "disable") || !strcmp(argv[1], "reset")) && argc == 3)
        return user_change(argv[1], argv[2]);
    return usage_user();
}
