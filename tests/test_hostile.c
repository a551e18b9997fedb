/* test_hostile.c - hostile input: oversized, deep, malformed and non-object
 * bodies; odd methods; SQL and path traversal in every place a client can
 * put text; huge ids; token guessing; secrets at rest; many connections.
 *
 * Each test has a server and a database of its own (so the per-address
 * token limiter starts empty). Every request goes to 127.0.0.1 and every
 * loop is bounded.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "th.h"
#include "th_wave.h"

static char *db;
static th_server *srv;
static char *admin;

static void start(void)
{
    db = th_db_create();
    srv = th_server_start(db, NULL);
    admin = th_api_key(db, "admin", NULL, 0);
}

static void stop(void)
{
    cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly after hostile input");
    free(admin);
    free(db);
}

TestSuite(hostile, .init = start, .fini = stop);

/* ---- helpers -------------------------------------------------------------- */

/* A body made up on the fly, counting what curl took. Either prefix, then
 * spaces, then suffix (unit 0); or a JSON import: "[", rows of unit bytes
 * each (the text of row, then spaces, then a comma; the last row takes what
 * is left and has no comma), "]". total bytes in all. */
typedef struct gen {
    const char *prefix, *suffix; /* prefix = the row when unit > 0 */
    curl_off_t unit, total, pos;
} gen;

static char gen_byte(const gen *g, curl_off_t p)
{
    curl_off_t plen = (curl_off_t)strlen(g->prefix), slen = (curl_off_t)strlen(g->suffix);
    if (!g->unit) {
        if (p < plen) return g->prefix[p];
        if (p >= g->total - slen) return g->suffix[p - (g->total - slen)];
        return ' ';
    }
    if (p == 0) return '[';
    if (p == g->total - 1) return ']';
    curl_off_t q = p - 1, inner = g->total - 2;
    curl_off_t units = (inner + g->unit - 1) / g->unit, u = q / g->unit, off = q % g->unit;
    curl_off_t len = u == units - 1 ? inner - u * g->unit : g->unit;
    if (off < plen) return g->prefix[off];
    if (off == len - 1 && u != units - 1) return ',';
    return ' ';
}

static size_t gen_read(char *out, size_t size, size_t n, void *userdata)
{
    gen *g = userdata;
    size_t want = size * n, i = 0;
    for (; i < want && g->pos < g->total; i++, g->pos++)
        out[i] = gen_byte(g, g->pos);
    return i;
}

/* Rows in an import of total bytes made of unit-byte rows. */
static long long gen_rows(curl_off_t total, curl_off_t unit)
{
    return (long long)((total - 2 + unit - 1) / unit);
}

typedef struct upload_result {
    long status;
    CURLcode rc;
    curl_off_t sent; /* bytes curl read from the generator */
    th_buf body;
} upload_result;

/* POSTs a generated body of total bytes to path; declared: send a
 * Content-Length (else chunked). */
static upload_result upload_gen(const char *path, const char *key, const char *ctype, gen g,
                                int declared)
{
    upload_result u = {0};
    curl_off_t total = g.total;
    CURL *c = curl_easy_init();
    char url[512], auth[256], ct[128];
    snprintf(url, sizeof url, "%s%s", srv->base, path);
    struct curl_slist *h =
        curl_slist_append(NULL, "Expect: 100-continue"); /* as curl does for large bodies: a refusal
                                                            arrives before the body is sent */
    if (key) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
        h = curl_slist_append(h, auth);
    }
    snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
    h = curl_slist_append(h, ct);
    if (!declared) h = curl_slist_append(h, "Transfer-Encoding: chunked");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, gen_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &g);
    if (declared) curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, total);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, th_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &u.body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    u.rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &u.status);
    u.sent = g.pos;
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (!u.body.data) u.body.data = strdup("");
    return u;
}

/* POSTs prefix + spaces + suffix, total bytes. */
static upload_result upload(const char *path, const char *key, const char *ctype,
                            const char *prefix, const char *suffix, curl_off_t total, int declared)
{
    gen g = {prefix, suffix, 0, total, 0};
    return upload_gen(path, key, ctype, g, declared);
}

/* POSTs a JSON import of unit-byte copies of row, total bytes. */
static upload_result upload_rows(const char *path, const char *row, curl_off_t unit,
                                 curl_off_t total)
{
    gen g = {row, "", unit, total, 0};
    return upload_gen(path, admin, "application/json", g, 1);
}

/* A request with the path sent exactly as written (no ../ squashing) and
 * optionally from another loopback source address. */
static th_response request_as_is(const char *method, const char *path, const char *key,
                                 const char *body, const char *source)
{
    th_response r = {0};
    th_buf b = {0}, hb = {0};
    CURL *c = curl_easy_init();
    char url[4096], auth[512];
    snprintf(url, sizeof url, "%s%s", srv->base, path);
    struct curl_slist *h =
        curl_slist_append(NULL, "Expect: 100-continue"); /* as curl does for large bodies: a refusal
                                                            arrives before the body is sent */
    if (key) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
        h = curl_slist_append(h, auth);
    }
    if (body) h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, th_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, th_collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hb);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    if (source) curl_easy_setopt(c, CURLOPT_INTERFACE, source);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    r.body = b.data ? b.data : strdup("");
    r.len = b.len;
    r.headers = hb.data ? hb.data : strdup("");
    return r;
}

/* Whether the body is JSON {"error": "..."}; optionally containing text. */
static int json_error_with(const th_response *r, const char *text)
{
    json_t *j = th_json(r);
    const char *e = json_string_value(json_object_get(j, "error"));
    int ok = e && (!text || strstr(r->body, text));
    json_decref(j);
    return ok;
}

static long long count_sql(const char *sql)
{
    char *v = th_sql(db, sql);
    long long n = v ? strtoll(v, NULL, 10) : -1;
    free(v);
    return n;
}

/* The respondent's path for a token. */
static void survey_path(char *out, size_t n, const char *token)
{
    snprintf(out, n, "/api/v1/survey/%s", token);
}

/* One open wave with one invitation; returns its token (caller frees). */
static char *one_token(const char *code, long long *wave_out)
{
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, code));
    char **t = th_invitations(srv, admin, wave, "beleid", 1);
    char *tok = t[0];
    free(t);
    if (wave_out) *wave_out = wave;
    return tok;
}

/* "HTTP/1.1 413" at the start of a raw answer. */
static int raw_status(const char *answer)
{
    int status = 0;
    if (sscanf(answer, "HTTP/1.%*d %d", &status) != 1) return 0;
    return status;
}

/* ---- sizes --------------------------------------------------------------- */

/* A JSON endpoint refuses a body over 1 MiB with 413 before reading it:
 * announced by Content-Length, the refusal comes with no body byte sent at
 * all (raw socket), before the API key is even looked at, also on the public
 * respondent endpoint (with a real invitation, too); a 2 MiB upload from
 * curl gets 413 with a JSON error, to the admin API and to the respondent's;
 * a chunked body without a length is cut off at the limit with 413 too.
 * Nothing is stored: the database is the same afterwards, row for row (no
 * organisation, no draft). */
Test(hostile, json_body_over_1_mib_is_413_before_it_is_read)
{
    char *tok = one_token("GM0815", NULL);
    char spath[128];
    survey_path(spath, sizeof spath, tok);
    char *before = th_db_state(db);
    cr_assert_not_null(before);

    char req[1024];
    snprintf(req, sizeof req,
             "POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
             "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
             "Content-Length: 2097152\r\n\r\n",
             admin);
    char *ans = th_raw_exchange(srv->port, req, strlen(req), 3000);
    cr_expect_eq(raw_status(ans), 413, "413 with no body byte sent: %.200s", ans);
    cr_expect(strstr(ans, "1048576 bytes") != NULL, "the limit is named: %.400s", ans);
    free(ans);

    /* Size before key: no key and a bad key get 413 too, as does the public
     * respondent endpoint. */
    const char *heads[] = {
        "POST /api/v1/organisations HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\n",
        "POST /api/v1/waves HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        "tm_1_xxxxxxxxxxxxxxxxxxxxxxxx\r\n"
        "Content-Length: 2097152\r\n\r\n",
        "POST /api/v1/survey/AAAAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nContent-Length: 1048577\r\n\r\n",
        "POST /s/AAAAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 99999999999\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        ans = th_raw_exchange(srv->port, heads[i], strlen(heads[i]), 3000);
        cr_expect_eq(raw_status(ans), 413, "%.60s: %.200s", heads[i], ans);
        free(ans);
    }

    /* curl, streaming 2 MiB from a callback: a valid organisation padded
     * with white space, which would be stored if it were read. */
    const char *org = "{\"name\": \"Gemeente Groot\", \"code\": \"GM0820\"";
    curl_off_t two = 2 * 1024 * 1024;
    upload_result u = upload("/api/v1/organisations", admin, "application/json", org, "}", two, 1);
    cr_expect_eq(u.status, 413, "2 MiB with Content-Length: %ld (%s) %s", u.status,
                 curl_easy_strerror(u.rc), u.body.data);
    th_response as = {u.status, u.body.data, u.body.len, (char *)""};
    cr_expect(json_error_with(&as, "larger than"), "a JSON error: %s", u.body.data);
    cr_log_info("413 after curl handed over %lld of %lld bytes", (long long)u.sent, (long long)two);
    free(u.body.data);

    /* Without a Content-Length (chunked): counted as it arrives. */
    u = upload("/api/v1/organisations", admin, "application/json", org, "}", two, 0);
    cr_expect_eq(u.status, 413, "2 MiB chunked: %ld (%s) %s", u.status, curl_easy_strerror(u.rc),
                 u.body.data);
    free(u.body.data);

    /* Exactly 1 MiB is read whole and judged on its content. */
    u = upload("/api/v1/organisations", admin, "application/json", "{\"name\": \"", "\"}",
               1024 * 1024, 1);
    cr_expect_eq(u.status, 422, "1 MiB exactly is read (then refused for its name): %ld %s",
                 u.status, u.body.data);
    free(u.body.data);

    /* A respondent's submission padded to 2 MiB, to a real invitation:
     * announced, then chunked. */
    snprintf(req, sizeof req,
             "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 1048577\r\n\r\n",
             spath);
    ans = th_raw_exchange(srv->port, req, strlen(req), 3000);
    cr_expect_eq(raw_status(ans), 413, "1 MiB + 1 to a real invitation: %.200s", ans);
    free(ans);
    for (int declared = 1; declared >= 0; declared--) {
        u = upload(spath, NULL, "application/json",
                   "{\"submit\": true, \"answers\": {\"ek-eff-1\": 3}", "}", two, declared);
        cr_expect_eq(u.status, 413, "a 2 MiB submission (%s): %ld (%s) %s",
                     declared ? "Content-Length" : "chunked", u.status, curl_easy_strerror(u.rc),
                     u.body.data);
        free(u.body.data);
    }

    th_response r = th_get(srv, "/healthz", NULL);
    cr_expect_eq(r.status, 200, "the server is fine afterwards");
    th_response_free(&r);
    char *after = th_db_state(db);
    cr_expect_str_eq(after, before, "nothing was stored:\n  before %s\n  after  %s", before, after);
    free(after);
    free(before);
    free(tok);
}

/* A request for an unknown address or with a method the address does not
 * take is refused at once when it announces a body over 1 MiB: the answer
 * (404/405/413) comes without the client sending the body, so such a
 * request cannot make the server read an unbounded body. */
Test(hostile, unrouted_requests_do_not_read_large_bodies)
{
    const char *lines[] = {"PUT /healthz", "POST /nothing/here", "DELETE /api/v1/waves/1"};
    const char *lengths[] = {"2097152", "2097152", "99999999999"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        char head[256];
        snprintf(head, sizeof head, "%s HTTP/1.1\r\nHost: x\r\nContent-Length: %s\r\n\r\n",
                 lines[i], lengths[i]);
        double t0 = th_now_ms();
        char *ans = th_raw_exchange(srv->port, head, strlen(head), 2000);
        int st = raw_status(ans);
        cr_expect(st == 404 || st == 405 || st == 413,
                  "%s with Content-Length %s is answered at once, no body sent (waited %.0f ms "
                  "for: '%.80s')",
                  lines[i], lengths[i], th_now_ms() - t0, ans);
        free(ans);
    }
}

/* The bulk import takes bodies above 1 MiB and up to 64 MiB (a 2 MiB and a
 * 64 MiB import, streamed from a generator, are stored), and refuses
 * anything larger with 413: a Content-Length of 65 MiB is refused before a
 * single body byte, and a 65 MiB stream from curl gets 413 without being
 * taken whole. (A body without a Content-Length meets the same limit check
 * as the JSON endpoints': see json_body_over_1_mib_is_413_before_it_is_read.) */
Test(hostile, import_takes_up_to_64_mib_and_refuses_more)
{
    long long wave = th_wave_import(srv, admin, th_org(srv, admin, "GM0800"));
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", wave);
    json_t *full = json_pack("{s:s, s:o}", "layer", "beleid", "answers",
                             th_answers("beleid", 4, "a")); /* a row that counts */
    char *row = json_dumps(full, JSON_COMPACT);
    json_decref(full);
    const curl_off_t unit = 40000, mib = 1024 * 1024;

    upload_result u = upload_rows(path, row, unit, 2 * mib);
    cr_expect_eq(u.status, 201, "2 MiB import: %ld %s", u.status, u.body.data);
    char want[64];
    snprintf(want, sizeof want, "{\"imported\":%lld}", gen_rows(2 * mib, unit));
    cr_expect_str_eq(u.body.data, want);
    free(u.body.data);

    double t0 = th_now_ms();
    u = upload_rows(path, row, unit, 64 * mib);
    cr_expect_eq(u.status, 201, "64 MiB exactly: %ld %s", u.status, u.body.data);
    cr_expect_eq(u.sent, 64 * mib);
    snprintf(want, sizeof want, "{\"imported\":%lld}", gen_rows(64 * mib, unit));
    cr_expect_str_eq(u.body.data, want);
    cr_log_info("64 MiB import took %.0f ms", th_now_ms() - t0);
    free(u.body.data);

    char req[1024];
    snprintf(req, sizeof req,
             "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
             "Content-Type: application/json\r\nContent-Length: %lld\r\n\r\n",
             path, admin, (long long)(64 * mib + 1));
    char *ans = th_raw_exchange(srv->port, req, strlen(req), 3000);
    cr_expect_eq(raw_status(ans), 413, "64 MiB + 1 announced: %.200s", ans);
    cr_expect(strstr(ans, "67108864 bytes") != NULL, "the limit is named: %.400s", ans);
    free(ans);

    u = upload_rows(path, row, unit, 65 * mib);
    cr_expect_eq(u.status, 413, "65 MiB streamed: %ld (%s) %s", u.status, curl_easy_strerror(u.rc),
                 u.body.data);
    cr_expect_lt(u.sent, 65 * mib, "the server did not take the whole 65 MiB (%lld taken)",
                 (long long)u.sent);
    free(u.body.data);

    char q[128];
    snprintf(q, sizeof q, "SELECT count(*) FROM responses WHERE wave_id = %lld", wave);
    cr_expect_eq(count_sql(q), gen_rows(2 * mib, unit) + gen_rows(64 * mib, unit),
                 "the two accepted imports, nothing from the refused one");
    free(row);
}

/* ---- JSON shape ------------------------------------------------------------ */

/* body = prefix + depth-1 '[' + depth-1 ']' + suffix: total nesting depth
 * when prefix leaves one object (or array) open. Caller frees. */
static char *nested(const char *prefix, int depth, const char *suffix)
{
    size_t n = strlen(prefix) + 2 * (size_t)depth + strlen(suffix) + 1;
    char *s = malloc(n);
    size_t len = (size_t)sprintf(s, "%s", prefix);
    for (int i = 0; i < depth - 1; i++)
        s[len++] = '[';
    for (int i = 0; i < depth - 1; i++)
        s[len++] = ']';
    strcpy(s + len, suffix);
    return s;
}

/* JSON nested deeper than 32 levels is 400 naming the limit, on the admin
 * API and on the respondent's (a real invitation); 32 levels pass the check
 * (and are judged on content); a 100,000-deep body is refused as quickly;
 * the bulk import refuses a row nested too deep. Nothing is stored: the
 * database is the same afterwards, row for row. Brackets inside strings do
 * not count (that organisation is stored). */
Test(hostile, json_nested_deeper_than_32_is_400)
{
    char *tok = one_token("GM0802", NULL);
    char spath[128], ipath[96];
    survey_path(spath, sizeof spath, tok);
    long long wave = th_wave_import(srv, admin, th_org(srv, admin, "GM0803"));
    snprintf(ipath, sizeof ipath, "/api/v1/waves/%lld/responses", wave);
    char *before = th_db_state(db);
    cr_assert_not_null(before);

    /* Each body would be stored if its depth were let through. */
    char *b = nested("{\"code\": \"GM0801\", \"name\": \"Gemeente Diep\", \"x\": ", 33, "}");
    th_response r = th_post_json(srv, "/api/v1/organisations", admin, b);
    cr_expect_eq(r.status, 400, "33 levels: %s", r.body);
    cr_expect(json_error_with(&r, "nested deeper than 32"), "%s", r.body);
    th_response_free(&r);
    free(b);

    b = nested("{\"name\": ", 32, ", \"code\": \"GM0801\"}");
    r = th_post_json(srv, "/api/v1/organisations", admin, b);
    cr_expect_eq(r.status, 422, "32 levels are parsed; name is not a string: %s", r.body);
    th_response_free(&r);
    free(b);

    b = nested("{\"code\": \"GM0801\", \"name\": \"Gemeente Diep\", \"x\": ", 100000, "}");
    double t0 = th_now_ms();
    r = th_post_json(srv, "/api/v1/organisations", admin, b);
    cr_expect_eq(r.status, 400, "100,000 levels: %s", r.body);
    cr_expect_lt(th_now_ms() - t0, 2000, "refused quickly");
    th_response_free(&r);
    free(b);

    b = nested("{\"submit\": true, \"answers\": {\"ek-eff-1\": 3}, \"x\": ", 33, "}");
    r = th_post_json(srv, spath, NULL, b);
    cr_expect_eq(r.status, 400, "respondent body 33 levels deep: %s", r.body);
    cr_expect(json_error_with(&r, "nested deeper than 32"), "%s", r.body);
    th_response_free(&r);
    free(b);

    b = nested("[{\"layer\": \"beleid\", \"answers\": {\"ek-eff-1\": 3}, \"x\": ", 32, "}]");
    r = th_post_json(srv, ipath, admin, b);
    cr_expect(r.status == 400 || r.status == 422, "import row 33 levels deep: %ld %s", r.status,
              r.body);
    cr_expect(strstr(r.body, "nested deeper than 32") != NULL, "%s", r.body);
    th_response_free(&r);
    free(b);

    char *after = th_db_state(db);
    cr_expect_str_eq(after, before, "nothing was stored:\n  before %s\n  after  %s", before, after);
    free(after);
    free(before);

    char strbody[256];
    snprintf(
        strbody, sizeof strbody,
        "{\"name\": \"[[[[[[[[[[[[[[[[[[[[\\\"[[[[[[[[[[[[[[[[[[[[{{{{\", \"code\": \"GM0801\"}");
    r = th_post_json(srv, "/api/v1/organisations", admin, strbody);
    cr_expect_eq(r.status, 201, "brackets inside a string are text: %s", r.body);
    th_response_free(&r);
    cr_expect_eq(count_sql("SELECT count(*) FROM organisations WHERE code = 'GM0801'"), 1);
    free(tok);
}

/* Invalid UTF-8 (a stray byte, an overlong '/', a UTF-16 surrogate, a cut
 * sequence, a code point above U+10FFFF) and an escaped NUL are 400 on
 * object endpoints and on the JSON import; a CSV import with invalid UTF-8 is
 * refused naming UTF-8; nothing is stored. */
Test(hostile, invalid_utf8_is_400)
{
    const char *bad[] = {"\xff",     "\xc0\xaf",         "\xed\xa0\x80",
                         "\xe2\x82", "\xf4\x90\x80\x80", "\\u0000"};
    char *tok = one_token("GM0804", NULL);
    char spath[128];
    survey_path(spath, sizeof spath, tok);
    long long wave = th_wave_import(srv, admin, th_org(srv, admin, "GM0805"));
    char ipath[96];
    snprintf(ipath, sizeof ipath, "/api/v1/waves/%lld/responses", wave);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char body[256];
        snprintf(body, sizeof body, "{\"name\": \"Gemeente %s\", \"code\": \"GM0806\"}", bad[i]);
        th_response r = th_post_json(srv, "/api/v1/organisations", admin, body);
        cr_expect_eq(r.status, 400, "organisation name with case %zu: %s", i, r.body);
        cr_expect(json_error_with(&r, NULL), "%s", r.body);
        th_response_free(&r);

        snprintf(body, sizeof body, "{\"answers\": {\"ek-eff-1%s\": 3}, \"submit\": false}",
                 bad[i]);
        r = th_post_json(srv, spath, NULL, body);
        cr_expect_eq(r.status, 400, "answer key with case %zu: %s", i, r.body);
        th_response_free(&r);

        snprintf(body, sizeof body, "[{\"layer\": \"beleid%s\", \"answers\": {}}]", bad[i]);
        r = th_post_json(srv, ipath, admin, body);
        cr_expect_eq(r.status, 400, "JSON import with case %zu: %s", i, r.body);
        th_response_free(&r);
    }
    const char csv[] = "layer;ek-eff-1\r\nbeleid;3\r\nbel\xff\xfeid;4\r\n";
    th_response r = th_request(srv, "POST", ipath, admin, "text/csv", csv, strlen(csv));
    cr_expect(r.status == 400 || r.status == 422, "CSV with invalid UTF-8: %ld %s", r.status,
              r.body);
    cr_expect(strstr(r.body, "UTF-8") != NULL, "the error names UTF-8: %s", r.body);
    th_response_free(&r);
    cr_expect_eq(count_sql("SELECT count(*) FROM organisations WHERE code = 'GM0806'"), 0);
    cr_expect_eq(count_sql("SELECT count(*) FROM responses"), 0);
    free(tok);
}

/* Bodies that are JSON but not an object ([], "x", 1, null, true), an
 * array holding the very object the endpoint takes, and empty or blank
 * bodies are 400 with a JSON error on every object endpoint; nothing is
 * stored: the database is the same afterwards, row for row. */
Test(hostile, non_object_bodies_are_400)
{
    char *tok = one_token("GM0807", NULL);
    long long org = th_org(srv, admin, "GM0808");
    long long wave = th_wave_open(srv, admin, org);
    char spath[128], ipath[96], wrapped_wave[256];
    survey_path(spath, sizeof spath, tok);
    snprintf(ipath, sizeof ipath, "/api/v1/waves/%lld/invitations", wave);
    snprintf(wrapped_wave, sizeof wrapped_wave,
             "[{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"w\"}]",
             org);
    const struct {
        const char *path, *wrapped; /* wrapped: [the object the path takes] */
    } paths[] = {
        {"/api/v1/organisations", "[{\"name\": \"Gemeente Lijst\", \"code\": \"GM0830\"}]"},
        {"/api/v1/waves", wrapped_wave},
        {ipath, "[{\"layer\": \"beleid\", \"count\": 1}]"},
        {spath, "[{\"submit\": true, \"answers\": {\"ek-eff-1\": 3}}]"},
    };
    const char *bodies[] = {"[]", "\"x\"", "1", "null", "true", "[{\"answers\": {}}]",
                            "",   "  \n",  NULL};
    char *before = th_db_state(db);
    cr_assert_not_null(before);
    for (size_t p = 0; p < sizeof paths / sizeof *paths; p++)
        for (size_t b = 0; b < sizeof bodies / sizeof *bodies; b++) {
            const char *body = bodies[b] ? bodies[b] : paths[p].wrapped;
            th_response r = th_request(srv, "POST", paths[p].path, p == 3 ? NULL : admin,
                                       "application/json", body, strlen(body));
            cr_expect_eq(r.status, 400, "POST %s with '%s': %ld %s", paths[p].path, body, r.status,
                         r.body);
            cr_expect(json_error_with(&r, NULL), "a JSON error: %s", r.body);
            th_response_free(&r);
        }
    char *after = th_db_state(db);
    cr_expect_str_eq(after, before, "nothing was stored:\n  before %s\n  after  %s", before, after);
    free(after);
    free(before);
    free(tok);
}

/* A JSON import whose body is not an array is refused with 400 and an error
 * that says an array of responses is expected. */
Test(hostile, import_body_that_is_not_an_array_is_refused_clearly)
{
    long long wave = th_wave_import(srv, admin, th_org(srv, admin, "GM0809"));
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/responses", wave);
    const char *bodies[] = {"{\"layer\": \"beleid\", \"answers\": {\"ek-eff-1\": 3}}", "\"x\"", "1",
                            "null"};
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        th_response r = th_post_json(srv, path, admin, bodies[i]);
        cr_expect(r.status == 400 || r.status == 422, "'%s': %ld %s", bodies[i], r.status, r.body);
        cr_expect(json_error_with(&r, "JSON array"), "the error asks for an array: %s", r.body);
        th_response_free(&r);
    }
    char q[128];
    snprintf(q, sizeof q, "SELECT count(*) FROM responses WHERE wave_id = %lld", wave);
    cr_expect_eq(count_sql(q), 0);
}

/* ---- methods ----------------------------------------------------------------- */

/* Whether two "A, B" method lists hold the same methods, in any order. */
static int same_methods(const char *a, const char *b)
{
    int n = 0;
    for (const char *p = a; *p;) {
        size_t len = strcspn(p, ", ");
        char m[16];
        snprintf(m, sizeof m, "%.*s", (int)len, p);
        const char *hit = strstr(b, m);
        if (!len || !hit || (hit != b && hit[-1] != ' ') || (hit[len] && hit[len] != ',')) return 0;
        n++;
        p += len;
        p += strspn(p, ", ");
    }
    int want = 1;
    for (const char *p = b; *p; p++)
        want += *p == ',';
    return n == want;
}

/* PUT, DELETE, PATCH and an invented BREW on known paths are 405
 * with an Allow header naming the methods the path takes, and a JSON error;
 * no API key is needed to learn that (and none is consulted). */
Test(hostile, unknown_methods_are_405_with_allow)
{
    struct {
        const char *path, *allow;
    } cases[] = {
        {"/healthz", "GET"},
        {"/api/v1/organisations", "POST, GET"},
        {"/api/v1/waves/1", "GET"},
        {"/api/v1/waves/1/open", "POST"},
        {"/api/v1/waves/1/responses", "POST"},
        {"/api/v1/survey/AAAAAAAAAAAAAAAAAAAAAAAA", "GET, POST"},
        {"/s/AAAAAAAAAAAAAAAAAAAAAAAA", "GET, POST"},
        {"/assets/survey.css", "GET"},
    };
    const char *methods[] = {"PUT", "DELETE", "PATCH", "BREW"};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
        for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) {
            th_response r =
                request_as_is(methods[m], cases[c].path, NULL, m == 0 ? "{}" : NULL, NULL);
            cr_expect_eq(r.status, 405, "%s %s: %ld %s", methods[m], cases[c].path, r.status,
                         r.body);
            char allow[64] = "";
            cr_expect(th_header(&r, "Allow", allow, sizeof allow), "%s %s has Allow", methods[m],
                      cases[c].path);
            cr_expect(same_methods(allow, cases[c].allow), "%s %s: Allow: %s, want %s", methods[m],
                      cases[c].path, allow, cases[c].allow);
            cr_expect(json_error_with(&r, NULL), "%s", r.body);
            th_response_free(&r);
        }
}

/* ---- SQL --------------------------------------------------------------------- */

static void expect_tables_intact(void)
{
    cr_expect_eq(count_sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND "
                           "tablename IN ('organisations', 'waves', 'invitations', 'responses',"
                           " 'api_keys', 'instruments', 'open_links', 'schema_migrations')"),
                 8, "every table is still there");
}

/* SQL in names is stored and returned verbatim: an organisation named
 * x'); DROP TABLE waves; -- and a wave named '; DELETE FROM responses; --
 * come back as sent, in the answer and in the lists; SQL in a timestamp or
 * a layer is a 422 naming the field. */
Test(hostile, sql_in_names_is_data)
{
    const char *evil = "x'); DROP TABLE waves; --";
    json_t *o = json_pack("{s:s, s:s}", "name", evil, "code", "GM0810");
    char *body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    th_response r = th_post_json(srv, "/api/v1/organisations", admin, body);
    free(body);
    cr_assert_eq(r.status, 201, "%s", r.body);
    json_t *j = th_json(&r);
    cr_expect_str_eq(json_string_value(json_object_get(j, "name")), evil);
    long long org = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    th_response_free(&r);

    r = th_get(srv, "/api/v1/organisations", admin);
    j = th_json(&r);
    int found = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(j, "organisations"), i, it) found +=
        !strcmp(json_string_value(json_object_get(it, "name")), evil);
    cr_expect_eq(found, 1, "listed verbatim: %s", r.body);
    json_decref(j);
    th_response_free(&r);

    const char *evil_wave = "'; DELETE FROM responses; --";
    o = json_pack("{s:I, s:s, s:s}", "organisation_id", (json_int_t)org, "instrument",
                  "thermometer-sociaal-domein", "name", evil_wave);
    body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    r = th_post_json(srv, "/api/v1/waves", admin, body);
    free(body);
    cr_assert_eq(r.status, 201, "%s", r.body);
    j = th_json(&r);
    long long wave = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    th_response_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/waves/%lld", wave);
    r = th_get(srv, path, admin);
    j = th_json(&r);
    cr_expect_str_eq(json_string_value(json_object_get(j, "name")), evil_wave);
    json_decref(j);
    th_response_free(&r);

    char wbody[256];
    snprintf(wbody, sizeof wbody,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"w\", \"opens_at\": \"2026-01-01'); DROP TABLE waves; --\"}",
             org);
    r = th_post_json(srv, "/api/v1/waves", admin, wbody);
    cr_expect_eq(r.status, 422, "%s", r.body);
    cr_expect(strstr(r.body, "\"field\":\"opens_at\"") != NULL, "%s", r.body);
    th_response_free(&r);

    snprintf(path, sizeof path, "/api/v1/waves/%lld/invitations", wave);
    r = th_post_json(srv, path, admin, "{\"layer\": \"beleid' OR '1'='1\", \"count\": 1}");
    cr_expect_eq(r.status, 422, "%s", r.body);
    cr_expect(strstr(r.body, "\"field\":\"layer\"") != NULL, "%s", r.body);
    th_response_free(&r);

    r = th_post_json(srv, "/api/v1/waves", admin,
                     "{\"organisation_id\": 1, \"instrument\": \"x' OR '1'='1\", \"name\": \"w\"}");
    cr_expect_eq(r.status, 422, "%s", r.body);
    cr_expect(strstr(r.body, "instrument") != NULL, "%s", r.body);
    th_response_free(&r);

    expect_tables_intact();
    char q[128];
    snprintf(q, sizeof q, "SELECT name FROM organisations WHERE id = %lld", org);
    char *stored = th_sql(db, q);
    cr_expect_str_eq(stored, evil, "stored verbatim");
    free(stored);
}

/* An answer key carrying SQL is refused with 422 naming exactly that key,
 * in a draft, in a submission and in a CSV import header; nothing is
 * stored and every table is still there. */
Test(hostile, sql_in_answer_keys_is_422_naming_it)
{
    const char *evil = "ek-eff-1'; DROP TABLE responses; --";
    long long wave;
    char *tok = one_token("GM0811", &wave);
    char path[128];
    survey_path(path, sizeof path, tok);
    for (int submit = 0; submit < 2; submit++) {
        json_t *o = json_pack("{s:{s:i}, s:b}", "answers", evil, 3, "submit", submit);
        char *body = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        th_response r = th_post_json(srv, path, NULL, body);
        free(body);
        cr_expect_eq(r.status, 422, "%s", r.body);
        json_t *j = th_json(&r);
        int named = 0;
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(j, "details"), i, d) named +=
            json_is_string(json_object_get(d, "item")) &&
            !strcmp(json_string_value(json_object_get(d, "item")), evil);
        cr_expect_eq(named, 1, "the key is named verbatim: %s", r.body);
        json_decref(j);
        th_response_free(&r);
    }
    char ipath[96];
    snprintf(ipath, sizeof ipath, "/api/v1/waves/%lld/responses",
             th_wave_import(srv, admin, th_org(srv, admin, "GM0815")));
    const char csv[] = "layer;ek-eff-1'; DROP TABLE responses; --\r\nbeleid;3\r\n";
    th_response r = th_request(srv, "POST", ipath, admin, "text/csv", csv, strlen(csv));
    cr_expect_eq(r.status, 422, "%s", r.body);
    cr_expect(strstr(r.body, "DROP TABLE responses") != NULL, "the column is named: %s", r.body);
    th_response_free(&r);

    expect_tables_intact();
    cr_expect_eq(count_sql("SELECT count(*) FROM responses"), 0);
    r = th_get(srv, path, NULL);
    cr_expect_eq(r.status, 200, "the invitation is untouched: %s", r.body);
    th_response_free(&r);
    free(tok);
}

/* SQL in paths, ids, query strings and API keys never reaches SQL as text:
 * each such request is 404 (or 401 for a key), and afterwards every table
 * and every row is still there. */
Test(hostile, sql_in_paths_ids_and_keys_is_4xx)
{
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM0812"));
    (void)wave;
    long long before = count_sql("SELECT count(*) FROM waves");
    const char *paths[] = {
        "/api/v1/waves/1;DROP%20TABLE%20waves",
        "/api/v1/waves/1%20OR%201=1",
        "/api/v1/waves/1'%20OR%20'1'='1",
        "/api/v1/waves/1--",
        "/api/v1/waves/(SELECT%201)",
        "/api/v1/waves/1/progress;DELETE%20FROM%20waves",
        "/api/v1/organisations/1%20OR%201=1/waves",
        "/api/v1/instruments/x'%3B%20DROP%20TABLE%20instruments%3B--",
        "/api/v1/instruments/thermometer-sociaal-domein?version=1.0.0'%20OR%20'1'='1",
        "/api/v1/survey/AAAAAAAAAAAAAAAA'%20OR%20'1'='1",
        "/api/v1/survey/AAAAAAAAAAAAAAAA%27--AAAAAAAA",
        "/s/x'%20OR%20'1'='1",
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        th_response r = request_as_is("GET", paths[i], admin, NULL, NULL);
        cr_expect_eq(r.status, 404, "GET %s: %ld %s", paths[i], r.status, r.body);
        th_response_free(&r);
    }
    /* The literal form, on a raw socket: a malformed request line is 4xx. */
    const char raw[] = "GET /api/v1/waves/1;DROP TABLE waves HTTP/1.1\r\nHost: x\r\n\r\n";
    char *ans = th_raw_exchange(srv->port, raw, strlen(raw), 3000);
    int st = raw_status(ans);
    cr_expect(st >= 400 && st < 500, "raw request line with SQL: %.200s", ans);
    free(ans);

    const char *keys[] = {"tm_1_' OR '1'='1' --aaaaaaaaaaaaaaaa",
                          "tm_1 OR 1=1_aaaaaaaaaaaaaaaaaaaaaaaaaaa",
                          "tm_1;DELETE FROM api_keys_aaaaaaaaaaaaaaaaaaaaaa",
                          "tm_99999999999999999999999_aaaaaaaaaaaaaaaaaaaaaaaa"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        th_response r = th_get(srv, "/api/v1/organisations", keys[i]);
        cr_expect_eq(r.status, 401, "key %s: %ld %s", keys[i], r.status, r.body);
        th_response_free(&r);
    }
    expect_tables_intact();
    cr_expect_eq(count_sql("SELECT count(*) FROM waves"), before, "no wave went away");
    cr_expect_geq(count_sql("SELECT count(*) FROM api_keys"), 1, "the keys are still there");
}

/* ---- paths and ids ------------------------------------------------------------- */

/* ../ in every spelling (raw, %2e%2e, ..%2f, double-encoded, behind a real
 * file) under /s/, /assets/ and the root is 404 and never a file of the
 * machine; the style sheet itself is served. */
Test(hostile, path_traversal_is_404)
{
    th_response r = request_as_is("GET", "/assets/survey.css", NULL, NULL, NULL);
    cr_expect_eq(r.status, 200, "the one asset exists");
    th_response_free(&r);
    const char *paths[] = {
        "/s/../../etc/passwd",
        "/assets/../../etc/passwd",
        "/assets/survey.css/../../../../etc/passwd",
        "/assets/../assets/../../../../etc/passwd",
        "/s/%2e%2e/%2e%2e/etc/passwd",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2f..%2fetc%2fpasswd",
        "/s/..%2f..%2f..%2fetc%2fpasswd",
        "/assets/%252e%252e/%252e%252e/etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/../../etc/passwd",
        "/assets/....//....//etc/passwd",
        "/assets/..%5c..%5cetc%5cpasswd",
        "/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/assets//etc/passwd",
        "/assets/survey.css/..",
        "/s/..",
        "/api/v1/instruments/..%2f..%2fetc%2fpasswd",
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        r = request_as_is("GET", paths[i], admin, NULL, NULL);
        cr_expect_eq(r.status, 404, "GET %s: %ld %.200s", paths[i], r.status, r.body);
        cr_expect(strstr(r.body, "root:") == NULL, "GET %s leaked a file", paths[i]);
        th_response_free(&r);
    }
}

/* A draft wave of org (POST /api/v1/waves); returns its id. */
static long long wave_draft(long long org)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"Meting\"}",
             org);
    th_response r = th_post_json(srv, "/api/v1/waves", admin, body);
    cr_assert_eq(r.status, 201, "%s", r.body);
    json_t *j = th_json(&r);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    th_response_free(&r);
    return id;
}

/* The next row of table gets id (its bigserial sequence is set so). */
static void next_id(const char *table, long long id)
{
    char q[128];
    snprintf(q, sizeof q, "SELECT setval('%s_id_seq', %lld, false)", table, id);
    free(th_sql(db, q));
}

/* Organisations and waves 1, 16 and 80 (waves 1 and 16 open, 80 a draft;
 * one invitation in wave 1): the ids a wrong reading of an odd id would
 * reach. */
static void ids_1_16_80(void)
{
    const long long ids[] = {1, 16, 80};
    static const char *codes[] = {"GM0001", "GM0016", "GM0080"};
    for (int i = 0; i < 3; i++) {
        next_id("organisations", ids[i]);
        long long org = th_org(srv, admin, codes[i]);
        cr_assert_eq(org, ids[i]);
        next_id("waves", ids[i]);
        long long wave = i < 2 ? th_wave_open(srv, admin, org) : wave_draft(org);
        cr_assert_eq(wave, ids[i]);
    }
    th_tokens_free(th_invitations(srv, admin, 1, "beleid", 1), 1);
}

/* Organisations and waves 1, 16 and 80 exist. Ids that are not a plain
 * decimal number are 404 on every route with an id (GET and POST, the import
 * too), though a careless reading would find one of those: "+1", " 1",
 * "1.0", "0x10", octal "020" (wave 20: none), "1e1", "0@" and "7:" (which a
 * digit loop taking any byte reads as 16 and 80), numbers past 2^64 that wrap
 * to 1, 16 or 80, digits of other scripts; the database is the same
 * afterwards, row for row. Leading zeros name the same wave ("016" is wave
 * 16, never octal 14). Ids in JSON bodies that overflow are 400, ones
 * that are not a positive integer 422, a large one that exists nowhere 404;
 * none creates anything. */
Test(hostile, huge_and_odd_ids_are_404)
{
    ids_1_16_80();
    char *before = th_db_state(db);
    cr_assert_not_null(before);

    const char *ids[] = {"+1",
                         "%2B1",
                         "%201",
                         "1%20",
                         "%091",
                         "1.0",
                         "16.0",
                         "80.0",
                         "1,0",
                         "1e0",
                         "1e1",
                         "8e1",
                         "0x10",
                         "0X10",
                         "0x50",
                         "020",
                         "0120",
                         "0@",
                         "7:",
                         "1;",
                         "0",
                         "-0",
                         "-1",
                         "%2d1",
                         "-18446744073709551615",
                         "18446744073709551617",
                         "18446744073709551632",
                         "18446744073709551696",
                         "9223372036854775808",
                         "9223372036854775889",
                         "99999999999999999999999999",
                         "999999999999999",
                         "00000000000000000000000000001",
                         "%EF%BC%91",    /* fullwidth 1 */
                         "%D9%A1%D9%A6", /* Arabic-Indic 16 */
                         "1%2F"};
    struct {
        const char *method, *before, *after, *body;
    } forms[] = {
        {"GET", "/api/v1/organisations/", "/waves", NULL},
        {"GET", "/api/v1/waves/", "", NULL},
        {"GET", "/api/v1/waves/", "/progress", NULL},
        {"GET", "/api/v1/waves/", "/analysis", NULL},
        {"GET", "/api/v1/waves/", "/report.xlsx", NULL},
        {"POST", "/api/v1/waves/", "/open", "{}"},
        {"POST", "/api/v1/waves/", "/close", "{}"},
        {"POST", "/api/v1/waves/", "/invitations", "{\"layer\": \"beleid\", \"count\": 1}"},
        {"POST", "/api/v1/waves/", "/links", "{\"layer\": \"beleid\", \"max_responses\": 5}"},
        {"POST", "/api/v1/waves/", "/responses",
         "[{\"layer\": \"beleid\", \"answers\": {\"ek-eff-1\": 3}}]"},
    };
    for (size_t f = 0; f < sizeof forms / sizeof *forms; f++)
        for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
            char path[256];
            snprintf(path, sizeof path, "%s%s%s", forms[f].before, ids[i], forms[f].after);
            th_response r = request_as_is(forms[f].method, path, admin, forms[f].body, NULL);
            cr_expect_eq(r.status, 404, "%s %s: %ld %s", forms[f].method, path, r.status, r.body);
            cr_expect(json_error_with(&r, NULL), "%s %s: a JSON error", forms[f].method, path);
            th_response_free(&r);
        }
    char *after = th_db_state(db);
    cr_expect_str_eq(after, before, "odd ids changed nothing:\n  before %s\n  after  %s", before,
                     after);
    free(before);
    before = after;

    /* "%31" is "1" written with a percent escape, so it is no odd id: it is
     * wave 1 as is "1"; and leading zeros change nothing. */
    const struct {
        const char *id;
        long long want;
    } same[] = {{"1", 1}, {"%31", 1}, {"01", 1}, {"016", 16}, {"080", 80}, {"0000000000016", 16}};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/waves/%s", same[i].id);
        th_response r = request_as_is("GET", path, admin, NULL, NULL);
        json_t *j = th_json(&r);
        cr_expect_eq(r.status, 200, "GET %s: %ld %s", path, r.status, r.body);
        cr_expect_eq(json_integer_value(json_object_get(j, "id")), same[i].want,
                     "GET %s is wave %lld: %s", path, same[i].want, r.body);
        json_decref(j);
        th_response_free(&r);
    }

    struct {
        const char *org;
        long want;
    } bodies[] = {{"99999999999999999999999", 400},
                  {"1e400", 400},
                  {"-1", 422},
                  {"0", 422},
                  {"1.5", 422},
                  {"1.0", 422},
                  {"\"1\"", 422},
                  {"9223372036854775807", 404}};
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"organisation_id\": %s, \"instrument\": \"thermometer-sociaal-domein\","
                 " \"name\": \"w\"}",
                 bodies[i].org);
        th_response r = th_post_json(srv, "/api/v1/waves", admin, body);
        cr_expect_eq(r.status, bodies[i].want, "organisation_id %s: %ld %s", bodies[i].org,
                     r.status, r.body);
        th_response_free(&r);
    }
    after = th_db_state(db);
    cr_expect_str_eq(after, before,
                     "odd organisation ids in bodies created nothing:\n  before %s\n  after  %s",
                     before, after);
    free(after);
    free(before);
}

/* Sends a raw request and expects, within 2 s, a 4xx answer or (when
 * closing is allowed) the connection closed; a hang fails. */
static void expect_quick_refusal(const char *what, const char *req, size_t len, int may_close)
{
    static const char *ends[] = {"answered", "closed", "no answer within 2 s", "no connection"};
    th_raw_end end;
    double t0 = th_now_ms();
    char *ans = th_raw_exchange_end(srv->port, req, len, 2000, &end);
    double ms = th_now_ms() - t0;
    int st = raw_status(ans);
    int ok = (st >= 400 && st < 500) || (may_close && end == TH_RAW_CLOSED && !st);
    cr_expect(ok, "%s: a 4xx%s, got %s after %.0f ms: '%.120s'", what,
              may_close ? " or a closed connection" : "", ends[end], ms, ans);
    cr_expect_lt(ms, 2000, "%s: refused within 2 s (%.0f ms)", what, ms);
    cr_log_info("%s: %s after %.0f ms, status %d", what, ends[end], ms, st);
    free(ans);
}

/* Addresses longer than the server takes (3,000 and 100,000 characters)
 * and a 200 KB header are refused within 2 s, with a 4xx or (the header) by
 * closing the connection, never left hanging; a Content-Length that is not a
 * number is refused with a 4xx as quickly; the server serves on. */
Test(hostile, oversized_request_lines_and_headers_are_4xx)
{
    size_t sizes[] = {3000, 100000};
    for (size_t k = 0; k < 2; k++) {
        char *req = malloc(sizes[k] + 128);
        int n = sprintf(req, "GET /api/v1/waves/");
        memset(req + n, '1', sizes[k] - (size_t)n + 4);
        n = (int)sizes[k] + 4; /* "GET " + a path of sizes[k] characters */
        n += sprintf(req + n, " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %.60s\r\n\r\n", admin);
        char what[64];
        snprintf(what, sizeof what, "a %zu-character path", sizes[k]);
        expect_quick_refusal(what, req, (size_t)n, 0);
        free(req);
    }
    size_t big = 200 * 1000;
    char *req = malloc(big + 256);
    int n = sprintf(req, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + n, 'a', big);
    strcpy(req + n + big, "\r\n\r\n");
    expect_quick_refusal("a 200 KB header", req, strlen(req), 1);
    free(req);
    const char *bad_lengths[] = {"-1", "1x", "99999999999999999999999999"};
    for (size_t i = 0; i < 3; i++) {
        char head[256], what[64];
        snprintf(head, sizeof head,
                 "POST /api/v1/survey/AAAAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: x\r\n"
                 "Content-Length: %s\r\n\r\n{}",
                 bad_lengths[i]);
        snprintf(what, sizeof what, "Content-Length: %s", bad_lengths[i]);
        expect_quick_refusal(what, head, strlen(head), 0);
    }
    th_response r = th_get(srv, "/healthz", NULL);
    cr_expect_eq(r.status, 200, "the server serves on");
    th_response_free(&r);
}

/* ---- token guessing ------------------------------------------------------------ */

static void random_token(char out[25])
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 24; i++)
        out[i] = alphabet[randombytes_uniform(64)];
    out[24] = '\0';
}

static long guess(const char *source, char *retry_after, size_t n)
{
    char tok[25], path[64];
    random_token(tok);
    survey_path(path, sizeof path, tok);
    th_response r = request_as_is("GET", path, NULL, NULL, source);
    long st = r.status;
    if (retry_after) {
        retry_after[0] = '\0';
        th_header(&r, "Retry-After", retry_after, n);
    }
    th_response_free(&r);
    return st;
}

/* More than 50 failed token look-ups in a minute from one address are
 * refused with 429 and an integer Retry-After (also on the HTML form);
 * look-ups of valid tokens do not count (49 failures, 100 valid look-ups
 * and 1 failure are not limited); another address (a second loopback
 * source, 127.0.0.2) is neither limited nor slowed: its valid token is
 * served and its own failures have their own budget. */
Test(hostile, token_guessing_is_429_per_address)
{
    char *tok = one_token("GM0813", NULL);
    char valid[128];
    survey_path(valid, sizeof valid, tok);
    for (int i = 0; i < 49; i++)
        cr_assert_eq(guess(NULL, NULL, 0), 404, "failure %d", i + 1);
    for (int i = 0; i < 100; i++) {
        th_response r = th_get(srv, valid, NULL);
        cr_assert_eq(r.status, 200, "valid look-up %d is served: %s", i + 1, r.body);
        th_response_free(&r);
    }
    cr_assert_eq(guess(NULL, NULL, 0), 404, "the 50th failure is still answered");

    char ra[32];
    long st = guess(NULL, ra, sizeof ra);
    cr_expect_eq(st, 429, "the 51st look-up after 50 failures in a minute");
    char *end = NULL;
    long secs = strtol(ra, &end, 10);
    cr_expect(ra[0] && *end == '\0' && secs >= 1 && secs <= 60,
              "Retry-After is whole seconds within the minute: '%s'", ra);
    st = guess(NULL, NULL, 0);
    cr_expect_eq(st, 429, "and the next");
    th_response r = request_as_is("GET", "/s/AAAAAAAAAAAAAAAAAAAAAAAA", NULL, NULL, NULL);
    cr_expect_eq(r.status, 429, "the HTML form shares the limit: %.200s", r.body);
    th_response_free(&r);

    /* Another address: not slowed. */
    double t0 = th_now_ms();
    r = request_as_is("GET", valid, NULL, NULL, "127.0.0.2");
    double ms = th_now_ms() - t0;
    cr_expect_eq(r.status, 200, "a valid token from 127.0.0.2 is served: %s", r.body);
    cr_expect_lt(ms, 2000, "promptly (%.0f ms)", ms);
    th_response_free(&r);
    cr_expect_eq(guess("127.0.0.2", NULL, 0), 404, "127.0.0.2 has a budget of its own");
    json_t *o = json_pack("{s:o, s:b}", "answers", th_answers("beleid", 3, "a"), "submit", 1);
    char *full = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    r = request_as_is("POST", valid, NULL, full, "127.0.0.2");
    free(full);
    cr_expect_eq(r.status, 201, "and can submit: %s", r.body);
    th_response_free(&r);
    free(tok);
}

/* ---- secrets at rest -------------------------------------------------------------- */

/* API keys and invitation tokens are stored only as their 32-byte BLAKE2b
 * hashes: the hash matches, and a dump of the whole database holds neither
 * a key's secret nor any token; a key with the right id and a wrong secret
 * (of the same length, differing in the first or the last character) is
 * 401. The comparison itself (sodium_memcmp of two hashes) is constant in
 * time by construction; no timing is measured here. */
Test(hostile, keys_and_tokens_are_stored_only_as_hashes)
{
    const char *secret = strchr(admin + 3, '_') + 1; /* tm_<id>_<secret>: the secret may hold _ */
    long long id = strtoll(admin + 3, NULL, 10);
    char q[256], want[65];
    snprintf(q, sizeof q,
             "SELECT length(secret_hash) || ' ' || encode(secret_hash, 'hex') FROM "
             "api_keys WHERE id = %lld",
             id);
    char *row = th_sql(db, q);
    th_token_hash_hex(secret, want);
    char expect[80];
    snprintf(expect, sizeof expect, "32 %s", want);
    cr_expect_str_eq(row, expect, "the key is kept as BLAKE2b-256 of its secret");
    free(row);

    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM0814"));
    enum { N = 5 };
    char **t = th_invitations(srv, admin, wave, "beleid", N);
    for (int i = 0; i < N; i++) {
        th_token_hash_hex(t[i], want);
        snprintf(q, sizeof q,
                 "SELECT count(*) FROM invitations WHERE length(token_hash) = 32 AND "
                 "token_hash = decode('%s', 'hex')",
                 want);
        cr_expect_eq(count_sql(q), 1, "token %d is kept as its hash", i + 1);
    }
    /* Use a token so that a draft exists, then look at everything. */
    char path[128];
    survey_path(path, sizeof path, t[0]);
    th_response r =
        th_post_json(srv, path, NULL, "{\"answers\": {\"ek-eff-1\": 2}, \"submit\": false}");
    cr_expect_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);

    char *cmd, *dump = NULL;
    cr_assert(asprintf(&cmd, "/usr/lib/postgresql/15/bin/pg_dump --data-only -d '%s'", db) > 0);
    cr_assert_eq(th_run(cmd, &dump), 0, "pg_dump: %s", dump ? dump : "");
    free(cmd);
    cr_expect_gt(strlen(dump), 1000, "the dump has the data");
    cr_expect(strstr(dump, secret) == NULL, "the dump holds the API key's secret");
    for (int i = 0; i < N; i++)
        cr_expect(strstr(dump, t[i]) == NULL, "the dump holds token %d", i + 1);
    free(dump);
    char *log = th_server_log(srv);
    for (int i = 0; i < N; i++)
        cr_expect(strstr(log, t[i]) == NULL, "the server log holds token %d", i + 1);
    free(log);

    char wrong[160];
    size_t n = strlen(admin);
    for (int where = 0; where < 2; where++) {
        snprintf(wrong, sizeof wrong, "%s", admin);
        char *c = where ? &wrong[n - 1] : &wrong[secret - admin];
        *c = *c == 'A' ? 'B' : 'A';
        r = th_get(srv, "/api/v1/organisations", wrong);
        cr_expect_eq(r.status, 401, "a secret wrong in its %s character", where ? "last" : "first");
        th_response_free(&r);
    }
    th_tokens_free(t, N);
}

/* ---- many connections ------------------------------------------------------------ */

/* 200 connections are opened and held at once; each sends GET /healthz and
 * gets 200, then sends a second request on the same connection (keep-alive)
 * and gets 200 again. */
Test(hostile, two_hundred_concurrent_keep_alive_connections)
{
    enum { N = 200 };
    int fd[N];
    for (int i = 0; i < N; i++) {
        fd[i] = th_connect(srv->port);
        cr_assert_geq(fd[i], 0, "connection %d: %s", i + 1, strerror(errno));
    }
    const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < N; i++)
            cr_assert_eq(send(fd[i], req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
        char got[N][512];
        size_t len[N];
        int done[N], finished = 0, ok = 0;
        memset(done, 0, sizeof done);
        memset(len, 0, sizeof len);
        double until = th_now_ms() + 20000;
        while (finished < N && th_now_ms() < until) {
            struct pollfd p[N];
            for (int i = 0; i < N; i++)
                p[i] = (struct pollfd){done[i] ? -1 : fd[i], POLLIN, 0};
            if (poll(p, N, 200) <= 0) continue;
            for (int i = 0; i < N; i++) {
                if (done[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                ssize_t r = recv(fd[i], got[i] + len[i], sizeof got[i] - 1 - len[i], 0);
                if (r <= 0) {
                    done[i] = 1, finished++;
                    continue;
                }
                len[i] += (size_t)r;
                got[i][len[i]] = '\0';
                /* complete once the head and its Content-Length of body are in */
                char *head_end = strstr(got[i], "\r\n\r\n");
                char *cl = strcasestr(got[i], "Content-Length:");
                if (head_end && cl &&
                    len[i] >= (size_t)(head_end + 4 - got[i]) + (size_t)strtol(cl + 15, NULL, 10)) {
                    done[i] = 1;
                    finished++;
                    ok += raw_status(got[i]) == 200 && strstr(head_end, "{\"status\":\"ok\"}");
                }
            }
        }
        cr_expect_eq(ok, N, "round %d: every one of %d connections got 200 (%d did)", round + 1, N,
                     ok);
    }
    for (int i = 0; i < N; i++)
        close(fd[i]);
    th_response r = th_get(srv, "/healthz", NULL);
    cr_expect_eq(r.status, 200);
    th_response_free(&r);
}
