/* th_smtp.c - see th_smtp.h. */
#include "th_smtp.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *tmpdir(void)
{
    const char *t = getenv("TEST_TMPDIR");
    return t && *t ? t : "/tmp";
}

/* Debian's python3, which python3-aiosmtpd installs into, else any. */
static const char *python(void)
{
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

static void relay_spawn(th_relay *r)
{
    char portfile[300], port[16];
    snprintf(portfile, sizeof portfile, "%s.port", r->out);
    snprintf(port, sizeof port, "%d", r->port);
    unlink(portfile);
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive the test */
        if (!freopen(r->log, "a", stderr) || !freopen("/dev/null", "w", stdout)) _exit(126);
        const char *argv[40] = {python(),      "tests/smtp_relay.py",
                                "--out",       r->out,
                                "--port-file", portfile,
                                "--host",      r->host,
                                "--port",      port};
        int n = 10;
        for (int i = 0; i < r->n_args && n < 39; i++)
            argv[n++] = r->args[i];
        argv[n] = NULL;
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    r->pid = pid;
    for (int i = 0; i < 200; i++) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            int ok = fscanf(f, "%d", &r->port) == 1;
            fclose(f);
            if (ok) return;
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            char cmd[400], *log = NULL;
            snprintf(cmd, sizeof cmd, "cat %s", r->log);
            th_run(cmd, &log);
            cr_assert_fail("the SMTP relay exited at start (is python3-aiosmtpd installed? "
                           "scripts/install-deps.sh test installs it): %s",
                           log ? log : "");
        }
        usleep(50000);
    }
    cr_assert_fail("the SMTP relay did not listen within 10 s");
}

th_relay *th_relay_start(const char *host, int port, const char *const *args)
{
    static int counter;
    th_relay *r = calloc(1, sizeof *r);
    cr_assert_not_null(r);
    snprintf(r->host, sizeof r->host, "%s", host);
    r->port = port;
    snprintf(r->out, sizeof r->out, "%s/relay.%d.%d.jsonl", tmpdir(), (int)getpid(), counter);
    snprintf(r->log, sizeof r->log, "%s/relay.%d.%d.log", tmpdir(), (int)getpid(), counter++);
    unlink(r->out);
    for (const char *const *a = args; a && *a && r->n_args < 16; a++)
        r->args[r->n_args++] = strdup(*a);
    relay_spawn(r);
    return r;
}

void th_relay_down(th_relay *r)
{
    if (!r->pid) return;
    kill(r->pid, SIGTERM);
    int st;
    for (int i = 0; i < 100 && waitpid(r->pid, &st, WNOHANG) != r->pid; i++) {
        if (i == 99) {
            kill(r->pid, SIGKILL);
            waitpid(r->pid, &st, 0);
        }
        usleep(50000);
    }
    r->pid = 0;
}

void th_relay_restart(th_relay *r)
{
    th_relay_down(r);
    relay_spawn(r);
}

void th_relay_stop(th_relay *r)
{
    if (!r) return;
    th_relay_down(r);
    for (int i = 0; i < r->n_args; i++)
        free(r->args[i]);
    free(r);
}

json_t *th_relay_messages(const th_relay *r)
{
    json_t *list = json_array();
    FILE *f = fopen(r->out, "r");
    if (!f) return list;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *m = json_loads(line, 0, NULL);
        if (m) json_array_append_new(list, m); /* a line being written is read next time */
    }
    free(line);
    fclose(f);
    return list;
}

json_t *th_relay_wait(const th_relay *r, size_t n, int timeout_ms)
{
    for (int waited = 0;; waited += 100) {
        json_t *m = th_relay_messages(r);
        if (json_array_size(m) >= n || waited >= timeout_ms) return m;
        json_decref(m);
        usleep(100000);
    }
}

const char *th_relay_env(const th_relay *r, char *buf, size_t size)
{
    snprintf(buf, size, "SMTP_URL=smtp://%s:%d", r->host, r->port);
    return buf;
}

void th_tls_cert(const char *ip, char *cert, char *key)
{
    static int counter;
    snprintf(cert, 256, "%s/cert.%d.%d.pem", tmpdir(), (int)getpid(), counter);
    snprintf(key, 256, "%s/key.%d.%d.pem", tmpdir(), (int)getpid(), counter++);
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=%s"
             " -addext subjectAltName=IP:%s -keyout %s -out %s",
             ip, ip, key, cert);
    int rc = th_run(cmd, &out);
    cr_assert_eq(rc, 0, "openssl could not make a certificate: %s", out ? out : "");
    free(out);
}

int th_mail_token(json_t *msg, char token[64])
{
    const char *text = json_string_value(json_object_get(msg, "text"));
    const char *s = text ? strstr(text, "/s/") : NULL;
    if (!s) return 0;
    s += 3;
    size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    if (n == 0 || n >= 64) return 0;
    memcpy(token, s, n);
    token[n] = '\0';
    return 1;
}

long long th_db_contains(const char *conninfo, const char *needle)
{
    for (const char *p = needle; *p; p++)
        cr_assert(*p != '\'' && *p != '\\', "th_db_contains: a plain needle, please");
    char *sql;
    cr_assert(asprintf(&sql,
                       "SELECT coalesce(sum((xpath('/row/n/text()', query_to_xml(format("
                       "'SELECT count(*) AS n FROM public.%%I t"
                       " WHERE strpos(lower(t::text), lower(%%L)) > 0', c.relname, '%s'),"
                       " false, true, '')))[1]::text::bigint), 0)"
                       " FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace"
                       " WHERE s.nspname = 'public' AND c.relkind = 'r'",
                       needle) > 0);
    char *v = th_sql(conninfo, sql);
    free(sql);
    cr_assert_not_null(v, "th_db_contains: the query failed");
    long long n = strtoll(v, NULL, 10);
    free(v);
    return n;
}

void th_seal_key(char *key)
{
    unsigned char k[32];
    randombytes_buf(k, sizeof k);
    sodium_bin2hex(key, 65, k, sizeof k);
}
