/* test_users.c - console accounts: the password rule (12 characters, not a
 * common password, not one with digits added, not one piece repeated, not
 * the address), Argon2id hashes, `thermometer user create|list|disable|reset`.
 */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app/users.h"
#include "th.h"

Test(users, the_password_rule)
{
    cr_expect_not_null(users_password_problem("kort", NULL), "too short");
    cr_expect_not_null(users_password_problem("elf tekens!", NULL), "11 characters");
    cr_expect_null(users_password_problem("twaalf tekens", NULL), "12 characters will do");
    cr_expect_not_null(users_password_problem("password1234", NULL), "password + digits");
    cr_expect_not_null(users_password_problem("Welkom123456!", NULL), "Dutch stem + digits");
    cr_expect_not_null(users_password_problem("wachtwoord12", NULL));
    cr_expect_not_null(users_password_problem("qwertyqwerty", NULL), "a repeated piece");
    cr_expect_not_null(users_password_problem("aaaaaaaaaaaaaa", NULL));
    cr_expect_not_null(users_password_problem("jan.jansen.nl", "jan.jansen.nl@testdam.nl"),
                       "the address' name");
    cr_expect_null(users_password_problem("Een fietstocht langs de Vecht", "a@b.nl"));
    cr_expect_null(users_password_problem("één twee drie vier", NULL), "counted in characters");
    cr_expect_not_null(users_password_problem("ééééé", NULL), "10 bytes, 5 characters");
}

Test(users, hashes_are_argon2id)
{
    cr_assert(sodium_init() >= 0);
    char hash[crypto_pwhash_STRBYTES];
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(users_password_hash("Een fietstocht langs de Vecht", hash, &err), 0);
    cr_expect(!strncmp(hash, "$argon2id$", 10), "%s", hash);
    cr_expect(users_password_matches(hash, "Een fietstocht langs de Vecht"));
    cr_expect(!users_password_matches(hash, "een fietstocht langs de vecht"));
}

static int run(const char *db, const char *args, char **out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "DATABASE_URL='%s' %s user %s", db,
             getenv("THERMOMETER_BIN") ? getenv("THERMOMETER_BIN") : "bin/thermometer-asan", args);
    return th_run(cmd, out);
}

Test(users, the_command_line, .timeout = 120)
{
    char *db = th_db_create(), *out = NULL;
    cr_assert_eq(run(db,
                     "create --email Eva@Testdam.nl --name 'Eva de Vries' --role admin"
                     " 2>/dev/null",
                     &out),
                 0, "%s", out);
    char pw[64] = "";
    const char *nl = strrchr(out, '\n'), *line = out;
    for (const char *q = out; q < nl; q++) /* the last line holds the password */
        if (*q == '\n') line = q + 1;
    sscanf(line, "%63s", pw);
    free(out);
    cr_expect_eq(strlen(pw), 19, "a one-time password: %s", pw);
    char *hash = th_sql(db, "SELECT password_hash FROM users");
    cr_expect(hash && !strncmp(hash, "$argon2id$", 10) && !strstr(hash, pw));
    free(hash);
    char *v = th_sql(db, "SELECT email || ' ' || must_change_password FROM users");
    cr_expect_str_eq(v, "eva@testdam.nl true",
                     "the address in lower case; change at first sign-in");
    free(v);
    cr_expect_neq(run(db, "create --email eva@testdam.nl --name Eva --role admin", &out), 0);
    cr_expect(strstr(out, "already") != NULL, "the address is taken: %s", out);
    free(out);
    cr_expect_neq(run(db, "create --email x@testdam.nl --name X --role viewer", &out), 0);
    cr_expect(strstr(out, "organisations") != NULL, "a viewer needs one organisation: %s", out);
    free(out);
    cr_expect_eq(run(db, "list", &out), 0);
    cr_expect(strstr(out, "eva@testdam.nl") && strstr(out, "Eva de Vries") && strstr(out, "active"),
              "%s", out);
    free(out);
    cr_expect_neq(run(db, "disable eva@testdam.nl", &out), 0, "the last admin stays");
    free(out);
    cr_assert_eq(run(db, "create --email piet@testdam.nl --name Piet --role admin", &out), 0);
    free(out);
    cr_expect_eq(run(db, "disable eva@testdam.nl", &out), 0, "%s", out);
    free(out);
    cr_expect_eq(run(db, "list", &out), 0);
    cr_expect(strstr(out, "disabled") != NULL, "%s", out);
    free(out);
    v = th_sql(db, "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log");
    cr_expect_str_eq(v, "user.create,user.create,user.disable");
    free(v);
    free(db);
}
