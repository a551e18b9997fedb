/* sessions.c - see sessions.h. */
#include "server/app/sessions.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "server/app/users.h"
#include "server/store/sessions.h"
#include "server/store/users.h"

#define SECRET_BYTES 32

void sessions_secret_new(char out[SESSIONS_COOKIE_MAX])
{
    unsigned char raw[SECRET_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, SESSIONS_COOKIE_MAX, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

static void secret_hash(const char *cookie, unsigned char hash[STORE_SESSION_HASH_BYTES])
{
    crypto_generichash(hash, STORE_SESSION_HASH_BYTES, (const unsigned char *)cookie,
                       strlen(cookie), NULL, 0);
}

/* A well-formed secret: 43 URL-safe base64 characters. Anything else is
 * refused before the database is asked. */
static int secret_well_formed(const char *s)
{
    if (!s || strlen(s) != 43) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return 0;
    return 1;
}

void sessions_csrf(const char *cookie, char out[SESSIONS_CSRF_MAX])
{
    static const char purpose[] = "thermometer csrf v1";
    unsigned char mac[32];
    size_t n = cookie ? strlen(cookie) : 0;
    if (n > crypto_generichash_KEYBYTES_MAX) n = crypto_generichash_KEYBYTES_MAX;
    crypto_generichash(mac, sizeof mac, (const unsigned char *)purpose, sizeof purpose - 1,
                       (const unsigned char *)(cookie ? cookie : ""), n);
    sodium_bin2base64(out, SESSIONS_CSRF_MAX, mac, sizeof mac,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int sessions_csrf_ok(const char *cookie, const char *token)
{
    if (!secret_well_formed(cookie) || !token) return 0;
    char want[SESSIONS_CSRF_MAX];
    sessions_csrf(cookie, want);
    size_t n = strlen(want);
    return strlen(token) == n && sodium_memcmp(want, token, n) == 0;
}

/* ---- slowing down failed sign-ins --------------------------------------- */

static void subject_hash(const char *kind, const char *value,
                         unsigned char out[STORE_SESSION_HASH_BYTES])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, STORE_SESSION_HASH_BYTES);
    crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind));
    crypto_generichash_update(&st, (const unsigned char *)":", 1);
    crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
    crypto_generichash_final(&st, out, STORE_SESSION_HASH_BYTES);
}

/* Seconds still to wait for subject, which has free failures before the
 * waiting starts: 1 s after the first one past them, doubling up to the
 * window. -1 with err. */
static int wait_for(PGconn *c, const unsigned char *subject, int free_failures, tm_error *err)
{
    int failures;
    double since;
    if (store_logins_failures(c, subject, SESSIONS_FAILURE_WINDOW, &failures, &since, err) != 0)
        return -1;
    if (failures < free_failures) return 0;
    int shift = failures - free_failures;
    double delay = shift >= 10 ? SESSIONS_FAILURE_WINDOW : (double)(1 << shift);
    if (delay > SESSIONS_FAILURE_WINDOW) delay = SESSIONS_FAILURE_WINDOW;
    double left = delay - since;
    return left > 0 ? (int)left + 1 : 0;
}

/* A hash to verify against when there is no account: an unknown address
 * then costs the same Argon2id time as a known one. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
    char secret[SESSIONS_COOKIE_MAX];
    sessions_secret_new(secret);
    if (crypto_pwhash_str(dummy_hash, secret, strlen(secret), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0';
}

int sessions_login(PGconn *c, const char *email, const char *password, const char *client,
                   char cookie[SESSIONS_COOKIE_MAX], long long *user, int *retry_after,
                   tm_error *err)
{
    *retry_after = 0;
    char norm[256];
    if (users_email_normalise(email, norm, sizeof norm) != 0)
        snprintf(norm, sizeof norm, "%.255s", email ? email : "");
    unsigned char by_account[STORE_SESSION_HASH_BYTES], by_address[STORE_SESSION_HASH_BYTES];
    subject_hash("email", norm, by_account);
    subject_hash("ip", client ? client : "", by_address);
    int wait_a = wait_for(c, by_account, SESSIONS_FREE_PER_ACCOUNT, err);
    int wait_b = wait_a < 0 ? -1 : wait_for(c, by_address, SESSIONS_FREE_PER_ADDRESS, err);
    if (wait_a < 0 || wait_b < 0) return -1;
    if (wait_a > 0 || wait_b > 0) {
        *retry_after = wait_a > wait_b ? wait_a : wait_b;
        return tm_error_set(err, 429, "too many failed sign-ins: try again in %d seconds",
                            *retry_after);
    }

    store_user_login acc;
    int found = store_users_find_login(c, norm, &acc, err);
    if (found < 0) return -1;
    int ok;
    if (found) {
        ok = users_password_matches(acc.password_hash, password) && !acc.disabled;
    } else {
        pthread_once(&dummy_once, dummy_make);
        users_password_matches(dummy_hash, password ? password : "");
        ok = 0;
    }
    if (!ok) {
        if (store_logins_fail(c, by_account, SESSIONS_FAILURE_WINDOW, err) != 0 ||
            store_logins_fail(c, by_address, SESSIONS_FAILURE_WINDOW, err) != 0)
            return -1;
        return tm_error_set(err, 401, "the e-mail address or the password is not right");
    }
    if (store_logins_clear(c, by_account, err) != 0) return -1;
    sessions_secret_new(cookie);
    unsigned char hash[STORE_SESSION_HASH_BYTES];
    secret_hash(cookie, hash);
    if (store_sessions_insert(c, acc.id, hash, err) != 0) return -1;
    *user = acc.id;
    return 0;
}

int sessions_check(PGconn *c, const char *cookie, caller *who, console_session *s, tm_error *err)
{
    memset(s, 0, sizeof *s);
    if (!secret_well_formed(cookie)) return tm_error_set(err, 401, "please sign in");
    unsigned char hash[STORE_SESSION_HASH_BYTES];
    secret_hash(cookie, hash);
    store_session row;
    int found =
        store_sessions_find(c, hash, SESSIONS_IDLE_SECONDS, SESSIONS_MAX_SECONDS, &row, err);
    if (found < 0) return -1;
    if (!found) return tm_error_set(err, 401, "your session has ended: please sign in again");
    s->id = row.id;
    s->user_id = row.user_id;
    s->role = row.role;
    s->must_change_password = row.must_change_password;
    snprintf(s->name, sizeof s->name, "%s", row.name);
    snprintf(s->email, sizeof s->email, "%s", row.email);
    snprintf(s->cookie, sizeof s->cookie, "%s", cookie);
    sessions_csrf(cookie, s->csrf);
    caller_set_user(who, row.role, row.user_id);
    return 0;
}

int sessions_logout(PGconn *c, const char *cookie, tm_error *err)
{
    if (!secret_well_formed(cookie)) return 0;
    unsigned char hash[STORE_SESSION_HASH_BYTES];
    secret_hash(cookie, hash);
    return store_sessions_end(c, hash, err);
}

int sessions_end_others(PGconn *c, const console_session *s, tm_error *err)
{
    unsigned char hash[STORE_SESSION_HASH_BYTES];
    secret_hash(s->cookie, hash);
    return store_sessions_end_user(c, s->user_id, hash, err);
}
