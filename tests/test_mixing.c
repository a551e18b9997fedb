/* test_mixing.c - issue 10 item 3: whoever can read the database, and holds
 * the mail-merge list (which token went to whom), must not be able to tell
 * which response is whose. Submissions wait sealed in pending_responses and
 * a mixer releases them into responses in shuffled batches of at least k
 * per layer, with random ids (server/app/mixer.c).
 *
 * The attack: 2,000 submissions from eight concurrent clients across four
 * layers of one wave, the wave closed, then SQL over invitations, the
 * holding table and responses that pairs each invitation with a response
 * by xmin, by ctid, by id and by batch order. It must pair no better than
 * chance. Also: every acknowledged submission is stored once, nothing of
 * the answers is readable while they wait, acknowledged means durable
 * across a restart, and the server refuses to start with the wrong key.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (srv) cr_expect_eq(th_server_stop(srv), 0, "the server exits cleanly");
    free(admin);
    free(db);
}

TestSuite(mixing, .init = start, .fini = stop, .timeout = 600);

#define LAYERS 4
#define PER_LAYER 500
#define N (LAYERS * PER_LAYER)
#define CLIENTS 8
#define FP_ITEMS 6 /* 5^6 = 15625 > PER_LAYER distinct fingerprints */

static const char *const layer_keys[LAYERS] = {"management", "beleid", "uitvoering", "partners"};
static const int layer_index[LAYERS] = {1, 2, 3, 4}; /* in the instrument's chain */

typedef struct job {
    char *token;
    json_t *answers;
    long status;
} job;

static job jobs[N];

static void *client(void *arg)
{
    long c = (long)arg;
    for (int i = (int)c; i < N; i += CLIENTS)
        jobs[i].status = th_submit(srv, jobs[i].token, jobs[i].answers, 1, NULL);
    return NULL;
}

/* The SQL expression of a response's fingerprint: sum over the FP_ITEMS
 * items of (score - 1) * 5^j, read from responses.scores (r). */
static void fingerprint_sql(json_t *fp_keys, char *out, size_t n)
{
    size_t len = (size_t)snprintf(out, n, "(0");
    size_t j;
    json_t *k;
    json_array_foreach(fp_keys, j, k)
    {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(th_v1(), "items"), i, it)
        {
            if (strcmp(json_string_value(json_object_get(it, "key")), json_string_value(k)))
                continue;
            len += (size_t)snprintf(out + len, n - len, " + (r.scores[%zu] - 1) * %d", i + 1,
                                    (int)pow(5, (double)j));
        }
    }
    snprintf(out + len, n - len, ")");
}

/* The number the query returns; -1 when it fails (the expectations that
 * use it then fail and say so). */
static long long count_sql(const char *sql)
{
    char *v = th_sql(db, sql);
    cr_expect_not_null(v, "the query failed: %s", sql);
    long long n = v ? strtoll(v, NULL, 10) : -1;
    free(v);
    return n;
}

Test(mixing, attack3_link_invitation_to_response_in_database)
{
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM3001"));
    /* The fingerprint items: the first FP_ITEMS core likert items. */
    json_t *core = th_core_items(), *fp_keys = json_array();
    size_t i;
    json_t *k;
    json_array_foreach(core, i, k)
    {
        if (json_array_size(fp_keys) == FP_ITEMS) break;
        if (!strncmp(json_string_value(k), "ek-", 3) && !strstr(json_string_value(k), "kn") &&
            !strstr(json_string_value(k), "cijfer"))
            json_array_append(fp_keys, k);
    }
    json_decref(core);
    cr_assert_eq(json_array_size(fp_keys), FP_ITEMS);

    /* The mail-merge list: token -> (layer, fingerprint), as a table the
     * attacker joins on. */
    free(th_sql(db, "CREATE TABLE merge_list (layer smallint, fp int, token_hash bytea)"));
    for (int l = 0; l < LAYERS; l++) {
        th_buf insert = {0};
        const char head[] = "INSERT INTO merge_list VALUES ";
        th_collect((char *)head, 1, strlen(head), &insert);
        char **tokens = th_invitations(srv, admin, wave, layer_keys[l], PER_LAYER);
        for (int f = 0; f < PER_LAYER; f++) {
            job *jb = &jobs[l * PER_LAYER + f];
            jb->token = tokens[f];
            jb->answers = th_answers(layer_keys[l], 3, "b");
            for (int j = 0, v = f; j < FP_ITEMS; j++, v /= 5)
                json_object_set_new(jb->answers, json_string_value(json_array_get(fp_keys, j)),
                                    json_integer(1 + v % 5));
            char text[48], hash[65], row[160];
            snprintf(text, sizeof text, "FP-%s-%d", layer_keys[l], f);
            json_object_set_new(jb->answers, "open-eff", json_string(text));
            th_token_hash_hex(tokens[f], hash);
            int n = snprintf(row, sizeof row, "%s(%d, %d, decode('%s', 'hex'))", f ? ", " : "",
                             layer_index[l], f, hash);
            th_collect(row, 1, (size_t)n, &insert);
        }
        free(th_sql(db, insert.data));
        free(insert.data);
        free(tokens); /* the strings now belong to the jobs */
    }

    pthread_t t[CLIENTS];
    for (long c = 0; c < CLIENTS; c++)
        cr_assert_eq(pthread_create(&t[c], NULL, client, (void *)c), 0);
    for (int c = 0; c < CLIENTS; c++)
        pthread_join(t[c], NULL);
    int acked = 0;
    for (int j = 0; j < N; j++)
        acked += jobs[j].status == 201;
    cr_assert_eq(acked, N, "every submission is acknowledged (%d of %d)", acked, N);

    /* While they wait, nothing of the answers can be read. */
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pending_responses WHERE wave_id = %lld", wave);
    long long waiting = count_sql(sql);
    cr_expect_geq(waiting, LAYERS * 5, "at least k per layer wait for the next batch");
    cr_expect_eq(count_sql("SELECT count(*) FROM pending_responses WHERE position('FP-'::bytea"
                           " IN sealed) > 0 OR position('scores'::bytea IN sealed) > 0"
                           " OR position('ek-eff'::bytea IN sealed) > 0"),
                 0, "a waiting submission is readable in the database");
    cr_expect_eq(count_sql("SELECT count(*) FROM information_schema.columns WHERE table_name IN"
                           " ('responses', 'pending_responses', 'invitations')"
                           " AND data_type LIKE 'time%'"),
                 0, "a timestamp next to an answer or an invitation");

    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
    th_response r = th_post_json(srv, path, admin, "{}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    cr_expect_eq(count_sql(sql), 0, "the close releases every waiting submission");

    /* Every acknowledged submission is stored, once. */
    char fp[1024];
    fingerprint_sql(fp_keys, fp, sizeof fp);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM responses r WHERE wave_id = %lld", wave);
    cr_expect_eq(count_sql(sql), N, "responses stored");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM merge_list m WHERE (SELECT count(*) FROM responses r"
             " WHERE r.wave_id = %lld AND r.layer = m.layer AND %s = m.fp) <> 1",
             wave, fp);
    cr_expect_eq(count_sql(sql), 0, "a submission is missing or stored twice");

    /* Every batch of a layer holds at least k = 5. */
    snprintf(sql, sizeof sql,
             "SELECT min(c) FROM (SELECT count(*) c FROM responses WHERE wave_id = %lld"
             " GROUP BY layer, xmin::text) b",
             wave);
    cr_expect_geq(count_sql(sql), 5, "a batch of fewer than k");
    snprintf(sql, sizeof sql,
             "SELECT count(DISTINCT (layer, xmin::text)) FROM responses WHERE wave_id = %lld",
             wave);
    long long batches = count_sql(sql);

    /* Attack 1: the same transaction id on the invitation and the response. */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM merge_list m JOIN invitations i ON i.token_hash = m.token_hash"
             " JOIN responses r ON r.wave_id = i.wave_id AND r.xmin = i.xmin");
    long long by_xmin = count_sql(sql);
    cr_expect_eq(by_xmin, 0, "%lld of %d invitations share their transaction with a response",
                 by_xmin, N);

    /* Attacks 2-7: the order of submission (the invitation's xmin or
     * ctid) against the order of the responses (ctid, id, batch then
     * ctid), rank for rank within each layer.
     *
     * The bound: within a batch the rows are in a uniformly random order
     * (libsodium), whatever the batch's members. A rank attack guesses, for
     * each position of a batch, one invitation; it is right with
     * probability at most 1/b for a batch of b, so the expected number of
     * right guesses is at most the number of batches B, and the count of a
     * batch is that of the fixed points of a random permutation (mean 1,
     * variance 1). Over independent batches the total is close to
     * Poisson(B): B + 6 sqrt(B) + 6 is exceeded with probability below
     * 1e-6. On the old code each of these paired every invitation (2,000). */
    const char *inv_keys[] = {"i.xmin::text::bigint, i.ctid", "i.ctid"};
    const char *res_keys[] = {"r.ctid", "r.id", "r.xmin::text::bigint, r.ctid"};
    double bound = (double)batches + 6 * sqrt((double)batches) + 6;
    for (size_t a = 0; a < 2; a++)
        for (size_t b = 0; b < 3; b++) {
            snprintf(sql, sizeof sql,
                     "WITH inv AS (SELECT i.layer, m.fp, row_number() OVER (PARTITION BY i.layer"
                     "   ORDER BY %s) rk FROM invitations i JOIN merge_list m"
                     "   ON m.token_hash = i.token_hash WHERE i.wave_id = %lld),"
                     " res AS (SELECT r.layer, %s AS fp, row_number() OVER (PARTITION BY r.layer"
                     "   ORDER BY %s) rk FROM responses r WHERE r.wave_id = %lld)"
                     " SELECT count(*) FROM inv JOIN res USING (layer, rk) WHERE inv.fp = res.fp",
                     inv_keys[a], wave, fp, res_keys[b], wave);
            long long right = count_sql(sql);
            cr_log_info("rank attack %s against %s: %lld of %d right, %lld batches", inv_keys[a],
                        res_keys[b], right, N, batches);
            cr_expect_leq((double)right, bound,
                          "ordering invitations by %s and responses by %s pairs %lld of %d right "
                          "(chance: about %lld, the number of batches)",
                          inv_keys[a], res_keys[b], right, N, batches);
        }
    cr_log_info("mixing: %lld batches for %d submissions", batches, N);
    for (int j = 0; j < N; j++) {
        free(jobs[j].token);
        json_decref(jobs[j].answers);
    }
    json_decref(fp_keys);
}

/* Acknowledged means durable: seven submissions wait (fewer than 2k, so no
 * batch yet), the server stops, another starts with the same key, the wave
 * is closed: all seven are there. */
Test(mixing, waiting_submissions_survive_a_restart)
{
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM3002"));
    char **tokens = th_invitations(srv, admin, wave, "beleid", 7);
    json_t *a = th_answers("beleid", 4, "a");
    for (int j = 0; j < 7; j++)
        cr_assert_eq(th_submit(srv, tokens[j], a, 1, NULL), 201);
    json_decref(a);
    th_tokens_free(tokens, 7);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pending_responses WHERE wave_id = %lld", wave);
    cr_expect_eq(count_sql(sql), 7, "seven (< 2k) wait");
    cr_assert_eq(th_server_stop(srv), 0);
    srv = th_server_start(db, NULL);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/close", wave);
    th_response r = th_post_json(srv, path, admin, "{}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/analysis", wave);
    r = th_get(srv, path, admin);
    cr_assert_eq(r.status, 200, "%s", r.body);
    json_t *an = th_json(&r);
    th_response_free(&r);
    json_t *resp = json_object_get(an, "response");
    size_t i;
    json_t *l;
    json_array_foreach(resp, i, l)
    {
        if (!strcmp(json_string_value(json_object_get(l, "layer")), "beleid"))
            cr_expect_eq(json_integer_value(json_object_get(l, "submitted")), 7);
    }
    char *suppressed = json_dumps(json_object_get(an, "suppressed_layers"), 0);
    cr_expect(!suppressed || !strstr(suppressed, "beleid"), "beleid (7 >= k) is shown");
    free(suppressed);
    json_decref(an);
    cr_expect_eq(count_sql(sql), 0);
}

/* The key: without one, serve refuses and says how to make one; with
 * another key than the one waiting submissions were sealed under, it
 * refuses rather than lose them. */
Test(mixing, the_server_refuses_a_missing_or_wrong_key)
{
    long long wave = th_wave_open(srv, admin, th_org(srv, admin, "GM3003"));
    char **tokens = th_invitations(srv, admin, wave, "beleid", 1);
    json_t *a = th_answers("beleid", 2, "a");
    cr_assert_eq(th_submit(srv, tokens[0], a, 1, NULL), 201);
    json_decref(a);
    th_tokens_free(tokens, 1);

    char cmd[800], *out = NULL;
    snprintf(cmd, sizeof cmd,
             "env -u SEAL_KEY -u SEAL_KEY_FILE DATABASE_URL='%s' PORT=0 timeout 20 %s serve", db,
             getenv("THERMOMETER_BIN") ? getenv("THERMOMETER_BIN") : "bin/thermometer-asan");
    cr_expect_neq(th_run(cmd, &out), 0, "serve without a key: %s", out);
    cr_expect(strstr(out, "SEAL_KEY") != NULL, "the message names SEAL_KEY: %s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "SEAL_KEY=%s DATABASE_URL='%s' PORT=0 timeout 20 %s serve",
             "1111111111111111111111111111111111111111111111111111111111111111", db,
             getenv("THERMOMETER_BIN") ? getenv("THERMOMETER_BIN") : "bin/thermometer-asan");
    cr_expect_neq(th_run(cmd, &out), 0, "serve with another key: %s", out);
    cr_expect(strstr(out, "another key") != NULL, "%s", out);
    free(out);
}
