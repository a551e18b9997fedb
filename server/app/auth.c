/* auth.c - see auth.h. */
#include "server/app/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/db.h"

#define KEY_SECRET_BYTES 32
#define TOKEN_RANDOM_BYTES 18

const char *role_name(role r)
{
    switch (r) {
    case ROLE_ADMIN:
        return "admin";
    case ROLE_CONSULTANT:
        return "consultant";
    case ROLE_VIEWER:
        return "viewer";
    default:
        return "none";
    }
}

int role_parse(const char *s, role *out)
{
    for (role r = ROLE_ADMIN; r <= ROLE_VIEWER; r++)
        if (s && !strcmp(s, role_name(r))) {
            *out = r;
            return 0;
        }
    return -1;
}

static void secret_hash(const char *secret, unsigned char hash[32])
{
    crypto_generichash(hash, 32, (const unsigned char *)secret, strlen(secret), NULL, 0);
}

/* "\\x" followed by hex: a bytea parameter in text form. */
static void bytea_hex(const unsigned char *bin, size_t n, char *out, size_t out_size)
{
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, out_size - 2, bin, n);
}

int auth_key_create(PGconn *conn, role r, const long long *orgs, size_t n, char **key_out,
                    tm_error *err)
{
    if (r == ROLE_ADMIN && n > 0)
        return tm_error_set(err, 422, "an admin key sees every organisation; drop --organisation");
    if (r == ROLE_VIEWER && n != 1)
        return tm_error_set(err, 422, "a viewer key needs exactly one --organisation");

    unsigned char raw[KEY_SECRET_BYTES], hash[32];
    char secret[sodium_base64_ENCODED_LEN(KEY_SECRET_BYTES,
                                          sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(secret, sizeof secret, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    secret_hash(secret, hash);
    char hex[2 + 64 + 1];
    bytea_hex(hash, sizeof hash, hex, sizeof hex);

    if (db_exec(conn, "BEGIN", 0, NULL, err) != 0) return -1;
    const char *p1[] = {role_name(r), hex};
    PGresult *res = db_query(
        conn, "INSERT INTO api_keys (role, secret_hash) VALUES ($1, $2::bytea) RETURNING id", 2, p1,
        err);
    if (!res) return -1;
    char id[24];
    snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    for (size_t i = 0; i < n; i++) {
        char org[24];
        snprintf(org, sizeof org, "%lld", orgs[i]);
        const char *p2[] = {id, org};
        if (db_exec(conn,
                    "INSERT INTO api_key_organisations (api_key_id, organisation_id)"
                    " VALUES ($1, $2)",
                    2, p2, err) != 0) {
            if (err && err->status == 422)
                tm_error_set(err, 422, "organisation %lld does not exist", orgs[i]);
            PQclear(PQexec(conn, "ROLLBACK"));
            return -1;
        }
    }
    if (db_exec(conn, "COMMIT", 0, NULL, err) != 0) return -1;
    if (asprintf(key_out, "tm_%s_%s", id, secret) < 0)
        return tm_error_set(err, 500, "out of memory");
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(secret, sizeof secret);
    return 0;
}

int auth_check(PGconn *conn, const char *authorization, auth_context *ctx, tm_error *err)
{
    memset(ctx, 0, sizeof *ctx);
    const char *prefix = "Bearer ";
    if (!authorization || strncasecmp(authorization, prefix, strlen(prefix)) != 0)
        return tm_error_set(err, 401, "an API key is required: send \"Authorization: Bearer KEY\"");
    const char *key = authorization + strlen(prefix);
    while (*key == ' ')
        key++;

    /* tm_<digits>_<secret> */
    char id[20];
    size_t i = 0;
    if (strncmp(key, "tm_", 3) != 0) goto malformed;
    for (key += 3; *key >= '0' && *key <= '9' && i < sizeof id - 1; key++)
        id[i++] = *key;
    id[i] = '\0';
    if (i == 0 || *key != '_' || strlen(key + 1) < 20 || strlen(key + 1) > 64) goto malformed;

    unsigned char want[32];
    secret_hash(key + 1, want);
    const char *params[] = {id};
    PGresult *r = db_query_bin(conn,
                               "SELECT role, secret_hash FROM api_keys"
                               " WHERE id = $1 AND revoked_at IS NULL",
                               1, params, NULL, NULL, 1, err);
    if (!r) return -1;
    int ok = PQntuples(r) == 1 && PQgetlength(r, 0, 1) == 32 &&
             sodium_memcmp(want, PQgetvalue(r, 0, 1), 32) == 0 &&
             role_parse(PQgetvalue(r, 0, 0), &ctx->role) == 0;
    PQclear(r);
    if (!ok) {
        ctx->role = ROLE_NONE;
        return tm_error_set(err, 401, "the API key is not valid (unknown or revoked)");
    }
    ctx->key_id = strtoll(id, NULL, 10);
    snprintf(ctx->key_id_text, sizeof ctx->key_id_text, "%s", id);
    return 0;

malformed:
    return tm_error_set(err, 401, "the API key is malformed: expected \"Bearer tm_<id>_<secret>\"");
}

int auth_can_see_organisation(PGconn *conn, const auth_context *ctx, long long org, tm_error *err)
{
    if (ctx->role == ROLE_ADMIN) return 1;
    char orgtext[24];
    snprintf(orgtext, sizeof orgtext, "%lld", org);
    const char *params[] = {ctx->key_id_text, orgtext};
    PGresult *r = db_query(conn,
                           "SELECT 1 FROM api_key_organisations"
                           " WHERE api_key_id = $1 AND organisation_id = $2",
                           2, params, err);
    if (!r) return -1;
    int yes = PQntuples(r) > 0;
    PQclear(r);
    return yes;
}

void token_hash(const char *text, unsigned char hash[TOKEN_HASH_BYTES])
{
    crypto_generichash(hash, TOKEN_HASH_BYTES, (const unsigned char *)text, strlen(text), NULL, 0);
}

void token_new(char text[TOKEN_TEXT_MAX], unsigned char hash[TOKEN_HASH_BYTES])
{
    unsigned char raw[TOKEN_RANDOM_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(text, TOKEN_TEXT_MAX, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    token_hash(text, hash);
}

int token_well_formed(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return n >= 16 && n <= 44;
}
