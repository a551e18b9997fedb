/* slow_clients.c - clients that never finish a request, for the benchmark
 * (bench/run.sh, sections 5 and 6): many connections from other loopback
 * addresses (Linux routes all of 127.0.0.0/8 to lo), while the victim uses
 * 127.0.0.1.
 *
 *   slow_clients head PORT SOURCES COUNT SECONDS
 *       COUNT connections spread over SOURCES (addresses separated by
 *       commas, such as 127.0.0.2,127.0.0.3), each sending the head of a
 *       GET /healthz one byte every 3 seconds, never finishing it.
 *
 *   slow_clients body PORT SOURCES COUNT SECONDS PATH
 *       COUNT connections each POSTing to PATH a body announced as 1 MiB:
 *       the head, half a second to hear a refusal, then all of the body but
 *       its last byte as fast as the server takes it; then they wait.
 *
 * Runs at most SECONDS, then closes what is left. Prints "BENCH key value"
 * lines for run.sh:
 *   connected, connect_failed
 *   closed_at_once   the server closed it within 2 s, without an answer
 *   answered_NNN     the server answered NNN before the body (body mode)
 *   held             taken and kept: open 2 s after the start (head mode), or
 *                    open with all but the last byte sent (body mode)
 *   cut              held, then closed by the server
 *   cut_p50_ms, cut_max_ms
 *                    from the connection's start (head) or its last byte
 *                    (body) until the server closed it
 *   open_at_end      still open when SECONDS ran out
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BODY_LENGTH (1024 * 1024)
#define HEAD_INTERVAL_MS 3000
#define MAX_SOURCES 64

typedef struct client {
    int fd;
    double start_ms, last_byte_ms, closed_ms;
    size_t sent; /* head bytes (head mode) or body bytes (body mode) */
    int head_sent, status, held;
} client;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int connect_from(const char *source, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in from = {0}, to = {0};
    from.sin_family = to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (inet_pton(AF_INET, source, &from.sin_addr) != 1 ||
        bind(fd, (struct sockaddr *)&from, sizeof from) != 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Reads what the server sent; marks c closed when it closed. */
static void take_input(client *c, double now)
{
    char buf[4096];
    ssize_t r = recv(c->fd, buf, sizeof buf - 1, 0);
    if (r > 0) {
        buf[r] = '\0';
        int status;
        if (!c->status && sscanf(buf, "HTTP/1.%*d %d", &status) == 1) c->status = status;
        return;
    }
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    close(c->fd);
    c->fd = -1;
    c->closed_ms = now;
}

int main(int argc, char **argv)
{
    int body = argc == 7 && !strcmp(argv[1], "body");
    if (!(argc == 6 && !strcmp(argv[1], "head")) && !body) {
        fprintf(stderr, "usage: slow_clients head PORT SOURCES COUNT SECONDS\n"
                        "       slow_clients body PORT SOURCES COUNT SECONDS PATH\n");
        return 2;
    }
    int port = atoi(argv[2]), count = atoi(argv[4]);
    double seconds = atof(argv[5]);
    char *sources[MAX_SOURCES], *save = NULL;
    int n_sources = 0;
    for (char *s = strtok_r(argv[3], ",", &save); s && n_sources < MAX_SOURCES;
         s = strtok_r(NULL, ",", &save))
        sources[n_sources++] = s;
    client *cl = calloc((size_t)count, sizeof *cl);
    struct pollfd *p = calloc((size_t)count, sizeof *p);
    static char chunk[65536];
    memset(chunk, ' ', sizeof chunk);
    if (!cl || !p || n_sources == 0 || count < 1) return 2;

    char head[512];
    if (body)
        snprintf(head, sizeof head,
                 "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Content-Length: %d\r\n\r\n",
                 argv[6], BODY_LENGTH);
    else
        snprintf(head, sizeof head,
                 "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
    size_t head_len = strlen(head);

    double t0 = now_ms();
    int connected = 0, failed = 0;
    for (int i = 0; i < count; i++) {
        cl[i].fd = connect_from(sources[i % n_sources], port);
        cl[i].start_ms = now_ms();
        if (cl[i].fd < 0) {
            failed++;
            continue;
        }
        connected++;
        /* head mode: the first byte now; body mode: the whole head */
        size_t n = body ? head_len : 1;
        ssize_t w = send(cl[i].fd, head, n, MSG_NOSIGNAL);
        cl[i].sent = w > 0 && !body ? (size_t)w : 0;
        cl[i].head_sent = body && w == (ssize_t)n;
        cl[i].last_byte_ms = cl[i].start_ms;
    }

    for (;;) {
        double now = now_ms();
        if (now - t0 > seconds * 1000) break;
        int open = 0;
        for (int i = 0; i < count; i++) {
            client *c = &cl[i];
            p[i] = (struct pollfd){c->fd, POLLIN, 0};
            if (c->fd < 0) continue;
            open++;
            if (!body && now - c->last_byte_ms >= HEAD_INTERVAL_MS && c->sent < head_len) {
                if (send(c->fd, head + c->sent, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1) c->sent++;
                c->last_byte_ms = now;
            }
            if (body && !c->status && now - c->start_ms >= 500 && c->sent < BODY_LENGTH - 1) {
                size_t left = BODY_LENGTH - 1 - c->sent;
                ssize_t w = send(c->fd, chunk, left < sizeof chunk ? left : sizeof chunk,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
                if (w > 0) {
                    c->sent += (size_t)w;
                    c->last_byte_ms = now;
                }
            }
            if (!c->held && !c->status &&
                (body ? c->sent == BODY_LENGTH - 1 : now - c->start_ms >= 2000))
                c->held = 1;
        }
        if (!open) break;
        if (poll(p, (nfds_t)count, 20) <= 0) continue;
        now = now_ms();
        for (int i = 0; i < count; i++)
            if (cl[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                take_input(&cl[i], now);
    }

    int at_once = 0, held = 0, cut = 0, open_at_end = 0, answered[600] = {0};
    double *cut_ms = calloc((size_t)count, sizeof *cut_ms);
    for (int i = 0; i < count; i++) {
        client *c = &cl[i];
        if (c->status > 0 && c->status < 600) answered[c->status]++;
        if (c->held) held++;
        if (c->fd >= 0) {
            open_at_end++;
            close(c->fd);
        } else if (c->held && c->closed_ms > 0) {
            cut_ms[cut++] = c->closed_ms - (body ? c->last_byte_ms : c->start_ms);
        } else if (!c->status && c->closed_ms > 0 && c->closed_ms - c->start_ms < 2000) {
            at_once++;
        }
    }
    qsort(cut_ms, (size_t)cut, sizeof *cut_ms, by_value);
    printf("BENCH connected %d\nBENCH connect_failed %d\nBENCH closed_at_once %d\n", connected,
           failed, at_once);
    for (int s = 100; s < 600; s++)
        if (answered[s]) printf("BENCH answered_%d %d\n", s, answered[s]);
    printf("BENCH held %d\nBENCH cut %d\nBENCH cut_p50_ms %.0f\nBENCH cut_max_ms %.0f\n"
           "BENCH open_at_end %d\n",
           held, cut, cut ? cut_ms[cut / 2] : 0.0, cut ? cut_ms[cut - 1] : 0.0, open_at_end);
    free(cut_ms);
    free(cl);
    free(p);
    return 0;
}
