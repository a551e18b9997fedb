/* users.c - see users.h. */
#include "server/app/users.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "server/store/sessions.h"
#include "server/store/users.h"

extern const char common_passwords_txt[];    /* data/common-passwords.txt, see build/gen */
extern const char common_passwords_nl_txt[]; /* data/common-passwords-nl.txt */

/* ---- the list of common passwords --------------------------------------- */

static char **common;
static size_t n_common;
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lower_ascii(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* Adds every line of text that is not a "#!comment" to the list, lower case. */
static void common_add(const char *text, size_t *cap)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\r\n");
        if (n > 0 && strncmp(p, "#!", 2) != 0) {
            if (n_common == *cap) {
                size_t ncap = *cap ? *cap * 2 : 4096;
                char **g = realloc(common, ncap * sizeof *g);
                if (!g) return;
                common = g;
                *cap = ncap;
            }
            char *w = strndup(p, n);
            if (!w) return;
            lower_ascii(w);
            common[n_common++] = w;
        }
        p += n;
        p += strspn(p, "\r\n");
    }
}

static void common_load(void)
{
    size_t cap = 0;
    common_add(common_passwords_txt, &cap);
    common_add(common_passwords_nl_txt, &cap);
    qsort(common, n_common, sizeof *common, by_text);
}

static int is_common(const char *lower)
{
    pthread_once(&common_once, common_load);
    return lower[0] && bsearch(&lower, common, n_common, sizeof *common, by_text) != NULL;
}

/* Whether s is one piece repeated ("abcabcabcabc", "aaaaaaaaaaaa"). */
static int is_repetition(const char *s)
{
    size_t n = strlen(s);
    for (size_t unit = 1; unit <= n / 2; unit++) {
        if (n % unit) continue;
        size_t i = unit;
        while (i < n && !memcmp(s, s + i, unit))
            i += unit;
        if (i >= n) return 1;
    }
    return 0;
}

const char *users_password_problem(const char *password, const char *email)
{
    if (!password || !*password) return "a password is required";
    if (!utf8_valid(password, strlen(password))) return "the password is not valid text";
    if (utf8_length(password) < USERS_PASSWORD_MIN)
        return "the password is too short: use at least 12 characters";
    if (strlen(password) > USERS_PASSWORD_MAX) return "the password is too long: at most 256 bytes";
    char lower[USERS_PASSWORD_MAX + 1];
    snprintf(lower, sizeof lower, "%s", password);
    lower_ascii(lower);
    if (is_common(lower)) return "this password is on a list of common passwords: choose another";
    /* A common password with digits and signs after it ("welkom123456!"). */
    size_t n = strlen(lower);
    while (n > 0 && !isalpha((unsigned char)lower[n - 1]) && !((unsigned char)lower[n - 1] & 0x80))
        n--;
    if (n < strlen(lower)) {
        char stem[USERS_PASSWORD_MAX + 1];
        snprintf(stem, sizeof stem, "%.*s", (int)n, lower);
        if (is_common(stem))
            return "this password is a common password with digits or signs added: choose "
                   "another";
    }
    if (is_repetition(lower)) return "this password repeats one short piece: choose another";
    if (email && *email) {
        char local[256];
        snprintf(local, sizeof local, "%.*s", (int)strcspn(email, "@"), email);
        lower_ascii(local);
        if (!strcmp(lower, local) || !strcmp(lower, email))
            return "the password may not be your e-mail address";
    }
    return NULL;
}

int users_password_hash(const char *password, char *out, tm_error *err)
{
    /* The interactive limits (64 MiB, a few tenths of a second): a sign-in
     * stays quick, a stolen hash stays slow to guess. */
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return tm_error_set(err, 500, "out of memory hashing the password");
    return 0;
}

int users_password_matches(const char *hash, const char *password)
{
    return hash && *hash && password &&
           crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* A password to hand over once: 16 characters that cannot be mistaken for
 * one another, in groups of four ("k7mq-2xrt-..."). */
static void one_time_new(char out[USERS_ONE_TIME_MAX])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789"; /* no i, l, o, 0, 1 */
    size_t j = 0;
    for (int i = 0; i < 16; i++) {
        if (i && i % 4 == 0) out[j++] = '-';
        out[j++] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    }
    out[j] = '\0';
}

int users_email_normalise(const char *in, char *out, size_t n)
{
    if (!in) return -1;
    while (*in == ' ' || *in == '\t')
        in++;
    size_t len = strlen(in);
    while (len && (in[len - 1] == ' ' || in[len - 1] == '\t'))
        len--;
    if (len < 3 || len > 254 || len >= n) return -1;
    snprintf(out, n, "%.*s", (int)len, in);
    lower_ascii(out);
    const char *at = strchr(out, '@');
    if (!at || at == out || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.' ||
        out[len - 1] == '.' || strpbrk(out, " \t\r\n<>\"'(),;:\\[]"))
        return -1;
    return utf8_valid(out, len) ? 0 : -1;
}

static void field_problem(tm_error *err, const char *field, const char *msg)
{
    tm_error_add_json(err, json_pack("{s:s, s:s}", "field", field, "error", msg));
}

/* The role and organisations a person may have: consultant any number,
 * viewer exactly one, admin none. Problems noted in err. */
static void role_orgs_check(const char *role_text, role *r, size_t n, tm_error *err)
{
    if (role_parse(role_text, r) != 0)
        field_problem(err, "role", "must be admin, consultant or viewer");
    else if (*r == ROLE_ADMIN && n > 0)
        field_problem(err, "organisations", "an admin sees every organisation: choose none");
    else if (*r == ROLE_VIEWER && n != 1)
        field_problem(err, "organisations", "a viewer sees exactly one organisation");
}

int users_create(PGconn *c, const users_new *u, char one_time[USERS_ONE_TIME_MAX], long long *id,
                 tm_error *err)
{
    char email[256];
    role r = ROLE_NONE;
    if (users_email_normalise(u->email, email, sizeof email) != 0)
        field_problem(err, "email", "must be an e-mail address such as naam@gemeente.nl");
    if (!u->name || !*u->name || strlen(u->name) > 200 || !utf8_valid(u->name, strlen(u->name)))
        field_problem(err, "name", "is required: 1 to 200 characters");
    role_orgs_check(u->role, &r, u->n_orgs, err);
    if (tm_error_count(err)) return tm_error_set(err, 422, "the account cannot be created");
    one_time_new(one_time);
    char hash[crypto_pwhash_STRBYTES];
    if (users_password_hash(one_time, hash, err) != 0) return -1;
    store_user_new nu = {email, u->name, r, hash, 1, u->orgs, u->n_orgs};
    return store_users_insert(c, &nu, id, err);
}

json_t *users_list(PGconn *c, long long id, tm_error *err)
{
    return store_users_list(c, id, err);
}

int users_set_role(PGconn *c, const caller *actor, long long id, const char *role_text,
                   const long long *orgs, size_t n, tm_error *err)
{
    role r = ROLE_NONE;
    role_orgs_check(role_text, &r, n, err);
    if (tm_error_count(err)) return tm_error_set(err, 422, "the role cannot be changed");
    if (r != ROLE_ADMIN) {
        if (actor && actor->user_id == id)
            return tm_error_set(err, 409, "you cannot take away your own admin role");
        long long others = store_users_other_admins(c, id, err);
        if (others < 0) return -1;
        if (others == 0)
            return tm_error_set(err, 409, "this is the last admin: make someone else admin first");
    }
    return store_users_set_role(c, id, r, orgs, n, err);
}

int users_set_disabled(PGconn *c, const caller *actor, long long id, int disabled, tm_error *err)
{
    if (disabled) {
        if (actor && actor->user_id == id)
            return tm_error_set(err, 409, "you cannot disable your own account");
        json_t *list = store_users_list(c, id, err);
        if (!list) return -1;
        int admin = !strcmp(
            json_string_value(json_object_get(json_array_get(list, 0), "role")) ?: "", "admin");
        json_decref(list);
        long long others = admin ? store_users_other_admins(c, id, err) : 1;
        if (others < 0) return -1;
        if (others == 0)
            return tm_error_set(err, 409, "this is the last admin: make someone else admin first");
    }
    return store_users_set_disabled(c, id, disabled, err);
}

int users_reset_password(PGconn *c, long long id, char one_time[USERS_ONE_TIME_MAX], tm_error *err)
{
    char old[STORE_PWHASH_MAX];
    int found = store_users_password_hash(c, id, old, err);
    if (found <= 0) return found < 0 ? -1 : tm_error_set(err, 404, "user %lld does not exist", id);
    one_time_new(one_time);
    char hash[crypto_pwhash_STRBYTES];
    if (users_password_hash(one_time, hash, err) != 0) return -1;
    if (store_users_set_password(c, id, hash, 1, err) != 0) return -1;
    return store_sessions_end_user(c, id, NULL, err);
}

int users_change_password(PGconn *c, long long id, const char *email, const char *current,
                          const char *fresh, const char *again, tm_error *err)
{
    char old[STORE_PWHASH_MAX];
    int found = store_users_password_hash(c, id, old, err);
    if (found <= 0) return found < 0 ? -1 : tm_error_set(err, 404, "user %lld does not exist", id);
    if (!users_password_matches(old, current))
        field_problem(err, "current", "is not your current password");
    const char *problem = users_password_problem(fresh, email);
    if (problem)
        field_problem(err, "password", problem);
    else if (!again || strcmp(fresh, again) != 0)
        field_problem(err, "again", "is not the same as the new password");
    else if (users_password_matches(old, fresh))
        field_problem(err, "password", "is your current password: choose a new one");
    if (tm_error_count(err)) return tm_error_set(err, 422, "the password cannot be changed");
    char hash[crypto_pwhash_STRBYTES];
    if (users_password_hash(fresh, hash, err) != 0) return -1;
    return store_users_set_password(c, id, hash, 0, err);
}

int users_grant(PGconn *c, long long user, long long org, int grant, tm_error *err)
{
    return store_users_grant(c, user, org, grant, err);
}

json_t *users_of_organisation(PGconn *c, long long org, tm_error *err)
{
    return store_users_of_organisation(c, org, err);
}
