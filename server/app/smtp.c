/* smtp.c - see smtp.h. */
#include "server/app/smtp.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONNECT_TIMEOUT_MS 10000L
#define TRANSFER_TIMEOUT_MS 60000L
#define IDLE_REUSE_SECONDS 30L /* relays close idle connections; do not trust older ones */

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

static int copy_env(char *out, size_t size, const char *name, tm_error *err)
{
    const char *v = env_or(name, "");
    if (strlen(v) >= size) return tm_error_set(err, 400, "%s is too long", name);
    snprintf(out, size, "%s", v);
    return 0;
}

/* Plain SMTP stays on this machine. */
static int is_localhost(const char *host)
{
    return !strcasecmp(host, "localhost") || !strcmp(host, "127.0.0.1") || !strcmp(host, "[::1]") ||
           !strcmp(host, "::1");
}

const char *smtp_tls_name(smtp_tls tls)
{
    return tls == SMTP_TLS_IMPLICIT   ? "TLS"
           : tls == SMTP_TLS_STARTTLS ? "STARTTLS"
                                      : "none (localhost)";
}

/* Checks the URL's parts into r; 0 or -1 with err. */
static int relay_parts(smtp_relay *r, CURLU *u, const char *given, const char *ehlo, tm_error *err)
{
    char *scheme = NULL, *host = NULL, *path = NULL, *user = NULL, *query = NULL;
    int rc = 0;
    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(u, CURLUPART_HOST, &host, 0);
    curl_url_get(u, CURLUPART_PATH, &path, 0);
    curl_url_get(u, CURLUPART_USER, &user, 0);
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    if (!scheme || (strcmp(scheme, "smtp") && strcmp(scheme, "smtps")))
        rc = tm_error_set(err, 400,
                          "SMTP_URL=%s: use smtp://host:587 (STARTTLS) or smtps://host:465 (TLS)",
                          given);
    else if (!host || !*host)
        rc = tm_error_set(err, 400, "SMTP_URL=%s names no host", given);
    else if (user)
        rc = tm_error_set(err, 400,
                          "SMTP_URL holds a user name: give it in SMTP_USER and the password in "
                          "SMTP_PASSWORD, so that the URL can be shown");
    else if (query)
        rc = tm_error_set(err, 400, "SMTP_URL=%s: a relay's address takes no query", given);
    if (rc == 0) {
        r->tls = !strcmp(scheme, "smtps") ? SMTP_TLS_IMPLICIT
                 : is_localhost(host)     ? SMTP_TLS_NONE
                                          : SMTP_TLS_STARTTLS;
        /* The path is the name the server greets with (EHLO). */
        if ((!path || !strcmp(path, "/") || !*path) && ehlo && *ehlo) {
            char p[300];
            snprintf(p, sizeof p, "/%s", ehlo);
            curl_url_set(u, CURLUPART_PATH, p, 0);
        }
        char *url = NULL;
        if (curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK || strlen(url) >= sizeof r->url)
            rc = tm_error_set(err, 400, "SMTP_URL=%s cannot be read", given);
        else {
            snprintf(r->url, sizeof r->url, "%s", url);
            snprintf(r->shown, sizeof r->shown, "%s", url);
        }
        curl_free(url);
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(path);
    curl_free(user);
    curl_free(query);
    return rc;
}

int smtp_relay_from_env(smtp_relay *r, const char *ehlo, tm_error *err)
{
    memset(r, 0, sizeof *r);
    const char *given = env_or("SMTP_URL", NULL);
    if (!given) return 0;
    if (copy_env(r->user, sizeof r->user, "SMTP_USER", err) ||
        copy_env(r->password, sizeof r->password, "SMTP_PASSWORD", err) ||
        copy_env(r->ca_file, sizeof r->ca_file, "SMTP_CA_FILE", err))
        return -1;
    if (r->password[0] && !r->user[0])
        return tm_error_set(err, 400, "SMTP_PASSWORD is set but SMTP_USER is not");
    CURLU *u = curl_url();
    if (!u) return tm_error_set(err, 500, "out of memory reading SMTP_URL");
    int rc = 0;
    if (curl_url_set(u, CURLUPART_URL, given, 0) != CURLUE_OK)
        rc = tm_error_set(
            err, 400, "SMTP_URL=%s is not a URL: use smtp://host:587 or smtps://host:465", given);
    else
        rc = relay_parts(r, u, given, ehlo, err);
    curl_url_cleanup(u);
    if (rc == 0 && r->tls == SMTP_TLS_NONE && r->user[0])
        rc = tm_error_set(err, 400,
                          "SMTP_USER is set for a plain connection: a password goes only over "
                          "TLS (use smtp://host:587 or smtps://host:465)");
    if (rc == 0 && r->ca_file[0]) {
        FILE *f = fopen(r->ca_file, "r");
        if (!f) rc = tm_error_set(err, 400, "SMTP_CA_FILE %s cannot be read", r->ca_file);
        if (f) fclose(f);
    }
    return rc == 0 ? 1 : -1;
}

int smtp_global_init(tm_error *err)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return tm_error_set(err, 500, "libcurl could not start");
    return 0;
}

void smtp_global_cleanup(void)
{
    curl_global_cleanup();
}

/* The command the conversation was at when it ended. */
typedef enum stage { STAGE_NONE, STAGE_MAIL, STAGE_RCPT, STAGE_DATA, STAGE_BODY } stage;

struct smtp_client {
    smtp_relay relay;
    CURL *curl;
    const volatile int *stop;
    const char *msg; /* the message being sent */
    size_t len, sent;
    stage at;
    char last_reply[256]; /* the relay's last answer line */
    char refusal[256];    /* its last answer of 4xx or 5xx: what a later QUIT must not hide */
    char errbuf[CURL_ERROR_SIZE];
};

static size_t read_message(char *buf, size_t size, size_t n, void *data)
{
    smtp_client *c = data;
    size_t room = size * n, left = c->len - c->sent;
    size_t k = left < room ? left : room;
    memcpy(buf, c->msg + c->sent, k);
    c->sent += k;
    return k;
}

/* Follows the conversation: which command was sent last, and the relay's
 * last answer line. Nothing here is logged. */
static int watch(CURL *h, curl_infotype type, char *data, size_t size, void *p)
{
    (void)h;
    smtp_client *c = p;
    if (type == CURLINFO_HEADER_OUT && size >= 4) {
        if (!strncasecmp(data, "MAIL", 4)) c->at = STAGE_MAIL;
        if (!strncasecmp(data, "RCPT", 4)) c->at = STAGE_RCPT;
        if (!strncasecmp(data, "DATA", 4)) c->at = STAGE_DATA;
    } else if (type == CURLINFO_DATA_OUT) {
        c->at = STAGE_BODY;
    } else if (type == CURLINFO_HEADER_IN && size > 0) {
        size_t n = size < sizeof c->last_reply - 1 ? size : sizeof c->last_reply - 1;
        memcpy(c->last_reply, data, n);
        while (n && (c->last_reply[n - 1] == '\n' || c->last_reply[n - 1] == '\r'))
            n--;
        c->last_reply[n] = '\0';
        for (size_t i = 0; i < n; i++) /* a reply is text for a person, not for a terminal */
            if ((unsigned char)c->last_reply[i] < 0x20 || (unsigned char)c->last_reply[i] > 0x7E)
                c->last_reply[i] = '?';
        if (c->last_reply[0] == '4' || c->last_reply[0] == '5')
            memcpy(c->refusal, c->last_reply, sizeof c->refusal);
    }
    return 0;
}

static int progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    const smtp_client *c = p;
    return c->stop && *c->stop ? 1 : 0; /* non-zero aborts the transfer */
}

smtp_client *smtp_client_new(const smtp_relay *r, const volatile int *stop)
{
    smtp_client *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->relay = *r;
    c->stop = stop;
    c->curl = curl_easy_init();
    if (!c->curl) {
        free(c);
        return NULL;
    }
    CURL *h = c->curl;
    curl_easy_setopt(h, CURLOPT_URL, c->relay.url);
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     (long)(c->relay.tls == SMTP_TLS_NONE ? CURLUSESSL_NONE : CURLUSESSL_ALL));
    if (c->relay.ca_file[0]) curl_easy_setopt(h, CURLOPT_CAINFO, c->relay.ca_file);
    if (c->relay.user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->relay.user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->relay.password);
    }
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(h, CURLOPT_READDATA, c);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* for watch(); it writes nowhere */
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, watch);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, c);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, TRANSFER_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_MAXAGE_CONN, IDLE_REUSE_SECONDS);
    return c;
}

void smtp_client_free(smtp_client *c)
{
    if (!c) return;
    if (c->curl) curl_easy_cleanup(c->curl);
    sodium_memzero(c->relay.password, sizeof c->relay.password);
    free(c);
}

/* One attempt; returns libcurl's code, with c->at and c->last_reply set. */
static CURLcode attempt(smtp_client *c, const char *from, const char *to, int fresh)
{
    char mail_from[300], rcpt[300];
    snprintf(mail_from, sizeof mail_from, "<%s>", from);
    snprintf(rcpt, sizeof rcpt, "<%s>", to);
    struct curl_slist *list = curl_slist_append(NULL, rcpt);
    if (!list) return CURLE_OUT_OF_MEMORY;
    c->sent = 0;
    c->at = STAGE_NONE;
    c->last_reply[0] = c->refusal[0] = '\0';
    c->errbuf[0] = '\0';
    curl_easy_setopt(c->curl, CURLOPT_MAIL_FROM, mail_from);
    curl_easy_setopt(c->curl, CURLOPT_MAIL_RCPT, list);
    curl_easy_setopt(c->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)c->len);
    curl_easy_setopt(c->curl, CURLOPT_FRESH_CONNECT, (long)fresh);
    CURLcode rc = curl_easy_perform(c->curl);
    curl_easy_setopt(c->curl, CURLOPT_MAIL_RCPT, NULL);
    curl_slist_free_all(list);
    return rc;
}

void smtp_client_send(smtp_client *c, const char *from, const char *to, const char *message,
                      size_t len, smtp_result *res)
{
    memset(res, 0, sizeof *res);
    c->msg = message;
    c->len = len;
    CURLcode rc = attempt(c, from, to, 0);
    long reused_connects = -1;
    curl_easy_getinfo(c->curl, CURLINFO_NUM_CONNECTS, &reused_connects);
    /* A kept connection that the relay has closed meanwhile fails before
     * any message went out: once more on a new one. */
    if (rc != CURLE_OK && reused_connects == 0 && c->at <= STAGE_MAIL && !(c->stop && *c->stop))
        rc = attempt(c, from, to, 1);
    long code = 0;
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
    res->code = (int)code;
    snprintf(res->reply, sizeof res->reply, "%s",
             rc != CURLE_OK && c->refusal[0] ? c->refusal
             : c->last_reply[0]              ? c->last_reply
                                             : curl_easy_strerror(rc));
    const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_OK) {
        res->outcome = SMTP_SENT;
        snprintf(res->reason, sizeof res->reason, "sent");
        return;
    }
    int answered = code >= 400 && code <= 599;
    int about_message = c->at == STAGE_RCPT || c->at == STAGE_DATA || c->at == STAGE_BODY;
    if (answered && code != 421 && (about_message || (c->at == STAGE_MAIL && code < 500))) {
        res->outcome = code < 500 ? SMTP_LATER : SMTP_REFUSED;
        snprintf(res->reason, sizeof res->reason, "the relay answered %ld to %s", code,
                 c->at == STAGE_RCPT   ? "the recipient"
                 : c->at == STAGE_MAIL ? "the sender"
                                       : "the message");
        return;
    }
    res->outcome = SMTP_RELAY_DOWN;
    if (c->stop && *c->stop)
        snprintf(res->reason, sizeof res->reason, "stopped: the server is shutting down");
    else if (answered && about_message) /* 421: the reply may name the recipient */
        snprintf(res->reason, sizeof res->reason, "the relay answered %ld and closed", code);
    else if (answered)
        snprintf(res->reason, sizeof res->reason, "the relay answered %ld (%s): %.160s", code,
                 c->at == STAGE_MAIL ? "to the sender address" : "before any message",
                 c->refusal[0] ? c->refusal : c->last_reply);
    else
        snprintf(res->reason, sizeof res->reason, "%s", why);
}
