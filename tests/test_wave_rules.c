/* test_wave_rules.c - issue 12: a wave's own intent keys and rules over
 * HTTP. PUT .../intended and PUT .../rules name every bad field (422), work
 * only on a draft without answers (409), show in GET .../waves/{id}; a wave
 * with a local knowledge question still unkeyed does not open (409 naming
 * it); rule ratings travel sealed through the mixer into the analysis
 * ("rules": counts, net, suppression, conflicts). The attacks: a rule
 * changed after answers came in (two publications differing by one rule's
 * text could be subtracted) and a rule cell rated by fewer than k.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"
#include "th_console.h"
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
    cr_expect_eq(th_server_stop(srv), 0);
    free(admin);
    free(db);
}

TestSuite(wave_rules, .init = start, .fini = stop, .timeout = 240);

static json_t *call(const char *method, const char *path, const char *body, long want)
{
    th_response r = th_request(srv, method, path, admin, body ? "application/json" : NULL, body,
                               body ? strlen(body) : 0);
    cr_assert_eq(r.status, want, "%s %s: %ld %.600s", method, path, r.status, r.body);
    json_t *j = th_json(&r);
    th_response_free(&r);
    return j;
}

/* A draft wave of a new organisation with instrument v2 (the latest). */
static long long v2_wave(int code, const char *collection, int k)
{
    char body[300];
    snprintf(body, sizeof body, "{\"name\": \"Gemeente %d\", \"code\": \"GM%04d\"}", code, code);
    json_t *o = call("POST", "/api/v1/organisations", body, 201);
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"Meting 2026\", \"collection\": \"%s\", \"min_group_size\": %d}",
             (long long)json_integer_value(json_object_get(o, "id")), collection, k);
    json_decref(o);
    json_t *w = call("POST", "/api/v1/waves", body, 201);
    long long id = json_integer_value(json_object_get(w, "id"));
    json_decref(w);
    return id;
}

static char *path_of(long long wave, const char *tail)
{
    char *p = NULL;
    cr_assert(asprintf(&p, "/api/v1/waves/%lld%s", wave, tail) > 0);
    return p;
}

static json_t *put(long long wave, const char *tail, const char *body, long want)
{
    char *p = path_of(wave, tail);
    json_t *j = call("PUT", p, body, want);
    free(p);
    return j;
}

static json_t *post(long long wave, const char *tail, const char *body, long want)
{
    char *p = path_of(wave, tail);
    json_t *j = call("POST", p, body, want);
    free(p);
    return j;
}

static const char keys_ok[] =
    "{\"fin-eff-kn-1\": \"preventie\", \"bi-eff-kn-1\": \"omzien\", \"ek-bel-kn-1\": \"afstand\","
    " \"zd-bel-kn-2\": \"school\", \"int-opd-kn-1\": \"wijkteam\", \"rr-opd-kn-1\": \"zelf\"}";

/* Five valid rules: r1 .. r5. */
static const char rules_ok[] =
    "[{\"key\": \"r1\", \"text\": \"Elke aanvraag gaat via het loket.\"},"
    " {\"key\": \"r2\", \"text\": \"Een indicatie geldt hoogstens een jaar.\","
    "  \"text_en\": \"An assessment is valid for one year at most.\"},"
    " {\"key\": \"r3\", \"text\": \"Huishoudelijke hulp is hoogstens 2,5 uur per week.\"},"
    " {\"key\": \"r4\", \"text\": \"Bijzondere bijstand voor witgoed is een lening.\"},"
    " {\"key\": \"r5\", \"text\": \"Een jeugdtraject wordt na zes maanden geevalueerd.\"}]";

static size_t count_in(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The detail of err (an API error body) whose "field" is field, or NULL. */
static json_t *detail(json_t *err, const char *field)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(err, "details"), i, d)
    {
        const char *f = json_string_value(json_object_get(d, "field"));
        if (f && !strcmp(f, field)) return d;
    }
    return NULL;
}

static const char *error_of(json_t *err, const char *field)
{
    json_t *d = detail(err, field);
    return d ? json_string_value(json_object_get(d, "error")) : "";
}

Test(wave_rules, intended_names_every_bad_item_and_shows_on_the_wave)
{
    long long w = v2_wave(1201, "online", 5);
    json_t *e = put(w, "/intended",
                    "{\"no-such-item\": \"a\", \"ek-eff-1\": \"a\", \"zd-opd-kn-1\": \"school\","
                    " \"fin-eff-kn-1\": \"ergens\", \"bi-eff-kn-1\": \"omzien\"}",
                    422);
    cr_expect_eq(json_array_size(json_object_get(e, "details")), 4, "four bad, one good");
    cr_expect(strstr(error_of(e, "no-such-item"), "is not an item"));
    cr_expect(strstr(error_of(e, "ek-eff-1"), "not a knowledge question"));
    cr_expect(strstr(error_of(e, "zd-opd-kn-1"), "fixed by the instrument"));
    cr_expect(strstr(error_of(e, "zd-opd-kn-1"), "law anchor"));
    cr_expect(strstr(error_of(e, "fin-eff-kn-1"), "preventie, toegang, inkoop, budget"),
              "names the options: %s", error_of(e, "fin-eff-kn-1"));
    json_decref(e);
    /* nothing half-stored */
    char *p = path_of(w, "");
    json_t *g = call("GET", p, NULL, 200);
    cr_expect_eq(json_object_size(json_object_get(g, "intended")), 0);
    json_decref(g);

    json_decref(put(w, "/intended", keys_ok, 200));
    g = call("GET", p, NULL, 200);
    cr_expect_str_eq(
        json_string_value(json_object_get(json_object_get(g, "intended"), "rr-opd-kn-1")), "zelf");
    cr_expect_eq(json_object_size(json_object_get(g, "intended")), 6);
    json_decref(g);
    free(p);
}

Test(wave_rules, a_wave_does_not_open_while_a_local_key_is_missing)
{
    long long w = v2_wave(1202, "online", 5);
    json_decref(put(w, "/intended", "{\"fin-eff-kn-1\": \"preventie\"}", 200));
    json_t *e = post(w, "/open", "{}", 409);
    const char *msg = json_string_value(json_object_get(e, "error"));
    cr_expect(strstr(msg, "5 knowledge question(s)"), "%s", msg);
    const char *missing[] = {"bi-eff-kn-1", "ek-bel-kn-1", "zd-bel-kn-2", "int-opd-kn-1",
                             "rr-opd-kn-1"};
    for (size_t i = 0; i < 5; i++) {
        cr_expect(strstr(msg, missing[i]), "names %s: %s", missing[i], msg);
        cr_expect_not_null(detail(e, missing[i]));
    }
    cr_expect_null(strstr(msg, "fin-eff-kn-1"), "the keyed one is not named");
    json_decref(e);
    json_decref(put(w, "/intended", keys_ok, 200));
    json_t *o = post(w, "/open", "{}", 200);
    cr_expect_str_eq(json_string_value(json_object_get(o, "status")), "open");
    json_decref(o);
    /* open: keys and rules are frozen */
    e = put(w, "/intended", keys_ok, 409);
    cr_expect(strstr(json_string_value(json_object_get(e, "error")), "no longer a draft"));
    json_decref(e);
    json_decref(put(w, "/rules", rules_ok, 409));
}

Test(wave_rules, rules_are_checked_stored_and_shown)
{
    long long w = v2_wave(1203, "online", 5);
    json_t *e = put(w, "/rules",
                    "[{\"key\": \"Loket\", \"text\": \"Elke aanvraag gaat via het loket.\"},"
                    " {\"key\": \"r2\", \"text\": \"Te kort\"},"
                    " {\"key\": \"r2\", \"text\": \"Een indicatie geldt hoogstens een jaar.\","
                    "  \"kleur\": \"rood\"},"
                    " {\"text\": \"Zonder sleutel kan een regel niet.\"}]",
                    422);
    cr_expect(strstr(error_of(e, "rules"), "5 to 12 rules (it lists 4)"), "%s",
              error_of(e, "rules"));
    cr_expect(strstr(error_of(e, "rules[0].key"), "lowercase"));
    cr_expect(strstr(error_of(e, "rules[1].text"), "10 to 300 characters (it has 7)"));
    cr_expect(strstr(error_of(e, "rules[2].key"), "also the key of rules[1]"));
    cr_expect(strstr(error_of(e, "rules[2].kleur"), "not a field of a rule"));
    cr_expect_not_null(detail(e, "rules[3].key"));
    json_decref(e);
    char *p = path_of(w, "");
    json_t *g = call("GET", p, NULL, 200);
    cr_expect_eq(json_array_size(json_object_get(g, "rules")), 0, "nothing half-stored");
    json_decref(g);
    /* 13 rules: one too many */
    json_t *many = json_array();
    for (int i = 0; i < 13; i++)
        json_array_append_new(many, json_pack("{s:s+, s:s}", "key", "regel-", i < 9 ? "x" : "y",
                                              "text", "Een regel van de gemeente."));
    char *mb = json_dumps(many, 0);
    e = put(w, "/rules", mb, 422);
    cr_expect(strstr(error_of(e, "rules"), "it lists 13"));
    json_decref(e);
    free(mb);
    json_decref(many);
    e = put(w, "/rules", "{\"key\": \"r1\"}", 422);
    cr_expect(strstr(error_of(e, "rules"), "must be a list"));
    json_decref(e);

    json_decref(put(w, "/rules", rules_ok, 200));
    g = call("GET", p, NULL, 200);
    json_t *rules = json_object_get(g, "rules");
    cr_expect_eq(json_array_size(rules), 5);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rules, 1), "text_en")),
                     "An assessment is valid for one year at most.");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rules, 4), "key")), "r5");
    json_decref(g);
    /* An empty list takes the rules away again while a draft. */
    json_decref(put(w, "/rules", "[]", 200));
    g = call("GET", p, NULL, 200);
    cr_expect_eq(json_array_size(json_object_get(g, "rules")), 0);
    json_decref(g);
    free(p);
}

/* Answers of a v2 respondent of layer: every likert item asked v, every
 * intent item its first option; enough core items for a submission. */
static json_t *v2_answers(const char *layer, int v)
{
    static json_t *def;
    if (!def) def = json_load_file("survey-defs/thermometer-sociaal-domein.json", 0, NULL);
    cr_assert_not_null(def);
    json_t *answers = json_object();
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(def, "items"), i, it)
    {
        json_t *layers = json_object_get(it, "layers");
        int asked = !layers;
        size_t k;
        json_t *l;
        json_array_foreach(layers, k, l) asked |= !strcmp(json_string_value(l), layer);
        if (!asked) continue;
        const char *type = json_string_value(json_object_get(it, "type"));
        const char *key = json_string_value(json_object_get(it, "key"));
        if (!strcmp(type, "likert")) json_object_set_new(answers, key, json_integer(v));
        if (!strcmp(type, "intent"))
            json_object_set(
                answers, key,
                json_object_get(json_array_get(json_object_get(it, "options"), 0), "key"));
    }
    return answers;
}

static long submit_rated(const char *token, const char *layer, json_t *ratings, char **body)
{
    json_t *b = json_pack("{s:o, s:O, s:b}", "answers", v2_answers(layer, 4), "rules", ratings,
                          "submit", 1);
    char *text = json_dumps(b, 0);
    json_decref(b);
    char path[160];
    snprintf(path, sizeof path, "/api/v1/survey/%s", token);
    th_response r = th_request(srv, "POST", path, NULL, "application/json", text, strlen(text));
    free(text);
    long st = r.status;
    if (body) *body = strdup(r.body);
    th_response_free(&r);
    return st;
}

/* The rating object of rule key in layer of an analysis, or NULL. */
static json_t *rule_cell(json_t *analysis, const char *key, const char *layer)
{
    size_t i, j;
    json_t *r, *l;
    json_array_foreach(json_object_get(analysis, "rules"), i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "rule")), key)) continue;
        json_array_foreach(
            json_object_get(r, "layers"), j,
            l) if (!strcmp(json_string_value(json_object_get(l, "layer")), layer)) return l;
    }
    return NULL;
}

static json_t *rule_of(json_t *analysis, const char *key)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(analysis, "rules"), i,
                       r) if (!strcmp(json_string_value(json_object_get(r, "rule")), key)) return r;
    return NULL;
}

Test(wave_rules, ratings_reach_the_analysis_sealed_and_mixed)
{
    long long w = v2_wave(1204, "online", 3);
    json_decref(put(w, "/intended", keys_ok, 200));
    json_decref(put(w, "/rules", rules_ok, 200));
    json_decref(post(w, "/open", "{}", 200));
    char **beleid = th_invitations(srv, admin, w, "beleid", 4);
    char **uitv = th_invitations(srv, admin, w, "uitvoering", 4);

    /* a bad rating is named, nothing stored */
    char *body = NULL;
    json_t *bad = json_pack("{s:s, s:s}", "r1", "geweldig", "r9", "helpt");
    cr_expect_eq(submit_rated(beleid[0], "beleid", bad, &body), 422);
    cr_expect(strstr(body, "\"rule\": \"r1\"") || strstr(body, "\"rule\":\"r1\""), "%s", body);
    cr_expect(strstr(body, "helpt"), "the scale is named: %s", body);
    cr_expect(strstr(body, "r9"), "%s", body);
    free(body);
    json_decref(bad);

    /* beleid: r1 helps (4 of 4); r2 rated by 2 only (below k = 3), the others
     * do not know it; uitvoering: r1 hinders (4 of 4). */
    for (int i = 0; i < 4; i++) {
        json_t *rb = json_pack("{s:s, s:s, s:s}", "r1", "helpt", "r2", i < 2 ? "helpt" : "onbekend",
                               "r3", "neutraal");
        cr_expect_eq(submit_rated(beleid[i], "beleid", rb, NULL), 201);
        json_decref(rb);
        json_t *ru = json_pack("{s:s, s:s, s:s}", "r1", "belemmert", "r2", "belemmert", "r3",
                               i ? "helpt" : "belemmert");
        cr_expect_eq(submit_rated(uitv[i], "uitvoering", ru, NULL), 201);
        json_decref(ru);
    }
    /* The ratings wait sealed: nothing of a rule key or a scale word is
     * readable in the waiting rows. */
    char *waiting = th_sql(db, "SELECT count(*) FROM pending_responses");
    cr_expect_str_eq(waiting ? waiting : "", "8", "each layer waits below 2k");
    free(waiting);
    char *plain = th_sql(db, "SELECT count(*) FROM pending_responses"
                             " WHERE position(convert_to('helpt', 'UTF8') in sealed) > 0"
                             " OR position(convert_to('neutraal', 'UTF8') in sealed) > 0");
    cr_expect_str_eq(plain ? plain : "", "0");
    free(plain);
    json_decref(post(w, "/close", "{}", 200));
    char *ap = path_of(w, "/analysis");
    json_t *a = call("GET", ap, NULL, 200);
    free(ap);

    cr_expect_eq(json_array_size(json_object_get(a, "rules")), 5);
    cr_expect_str_eq(json_string_value(json_object_get(rule_of(a, "r2"), "text_en")),
                     "An assessment is valid for one year at most.");
    cr_expect_null(json_object_get(rule_of(a, "r1"), "text_en"), "r1 has no English text");
    json_t *r1b = json_object_get(rule_cell(a, "r1", "beleid"), "rating");
    cr_expect_eq(json_integer_value(json_object_get(r1b, "n")), 4);
    cr_expect_eq(json_integer_value(json_object_get(r1b, "helpt")), 4);
    cr_expect_eq(json_number_value(json_object_get(r1b, "net")), 100.0);
    json_t *r1u = json_object_get(rule_cell(a, "r1", "uitvoering"), "rating");
    cr_expect_eq(json_number_value(json_object_get(r1u, "net")), -100.0);
    /* r3 in uitvoering: 3 helpt, 1 belemmert: net = 100 * (3 - 1) / 4 = 50 */
    json_t *r3u = json_object_get(rule_cell(a, "r3", "uitvoering"), "rating");
    cr_expect_eq(json_number_value(json_object_get(r3u, "net")), 50.0);
    /* the conflict: beleid says r1 helps, uitvoering says it hinders */
    json_t *conf = json_array_get(json_object_get(rule_of(a, "r1"), "conflicts"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(conf, "from")), "beleid");
    cr_expect_str_eq(json_string_value(json_object_get(conf, "to")), "uitvoering");
    cr_expect_eq(json_number_value(json_object_get(conf, "diff")), 200.0);
    /* r2 in beleid: two ratings, below k: no count of any kind */
    json_t *r2b = json_object_get(rule_cell(a, "r2", "beleid"), "rating");
    cr_expect(json_is_true(json_object_get(r2b, "suppressed")));
    cr_expect_null(json_object_get(r2b, "onbekend"));
    cr_expect_null(json_object_get(r2b, "n"));
    /* layers with no respondents are suppressed whole */
    cr_expect(json_is_true(json_object_get(rule_cell(a, "r1", "bestuur"), "suppressed")));
    /* the wave's keys count: the local knowledge questions have a key now */
    size_t i;
    json_t *it;
    int keyed = 0;
    json_array_foreach(json_object_get(a, "items"), i, it)
    {
        const char *src = json_string_value(json_object_get(it, "intended_source"));
        keyed += src && !strcmp(src, "wave");
    }
    cr_expect_eq(keyed, 6, "six knowledge questions keyed by the wave");

    /* The council's viewer reads each rule's net per layer and its conflicts,
     * the figures the council summary tells, and no counts. */
    char *wp = path_of(w, "");
    json_t *wj = call("GET", wp, NULL, 200);
    free(wp);
    long long org = json_integer_value(json_object_get(wj, "organisation_id"));
    json_decref(wj);
    char *viewer = th_api_key(db, "viewer", &org, 1);
    ap = path_of(w, "/analysis");
    th_response vr = th_get(srv, ap, viewer);
    free(ap);
    cr_assert_eq(vr.status, 200, "%s", vr.body);
    json_t *va = th_json(&vr);
    th_response_free(&vr);
    cr_assert_eq(json_array_size(json_object_get(va, "rules")), 5);
    static const char *const counts[] = {"n", "helpt", "neutraal", "belemmert", "onbekend"};
    json_t *vrule, *vl;
    size_t j;
    json_array_foreach(json_object_get(va, "rules"), i, vrule)
    {
        json_array_foreach(json_object_get(vrule, "layers"), j, vl)
        {
            const char *layer = json_string_value(json_object_get(vl, "layer"));
            json_t *rating = json_object_get(vl, "rating");
            for (size_t c = 0; c < sizeof counts / sizeof *counts; c++)
                cr_expect_null(json_object_get(rating, counts[c]), "a viewer reads %s of %s in %s",
                               counts[c], json_string_value(json_object_get(vrule, "rule")), layer);
            json_t *full = json_object_get(
                rule_cell(a, json_string_value(json_object_get(vrule, "rule")), layer), "rating");
            json_t *vnet = json_object_get(rating, "net"), *fnet = json_object_get(full, "net");
            cr_expect((!vnet && !fnet) || json_equal(vnet, fnet),
                      "the viewer's net of %s in %s differs",
                      json_string_value(json_object_get(vrule, "rule")), layer);
            cr_expect_eq(json_is_true(json_object_get(rating, "suppressed")),
                         json_is_true(json_object_get(full, "suppressed")));
        }
    }
    /* r2 has two ratings in beleid, below k: suppressed, no net */
    json_t *vr2 = NULL;
    json_array_foreach(json_object_get(rule_of(va, "r2"), "layers"), j, vl)
    {
        if (!strcmp(json_string_value(json_object_get(vl, "layer")), "beleid"))
            vr2 = json_object_get(vl, "rating");
    }
    cr_expect(json_is_true(json_object_get(vr2, "suppressed")), "the viewer's r2 in beleid");
    cr_expect_null(json_object_get(vr2, "net"), "a viewer reads the net of two ratings");
    cr_expect(json_equal(json_object_get(rule_of(va, "r1"), "conflicts"),
                         json_object_get(rule_of(a, "r1"), "conflicts")));
    json_decref(va);
    free(viewer);

    /* The council's page tells, in this order, the conflicts (r1: beleid
     * +100, uitvoering -100; r3: beleid 0, uitvoering +50, a difference of
     * exactly 50) and then a rule a layer says hinders (r2: uitvoering -100;
     * beleid's two ratings are below k). r4 and r5 nobody rated. */
    json_t *link = post(w, "/share", "{\"expires_in_days\": 1}", 201);
    const char *url = json_string_value(json_object_get(link, "url"));
    cr_assert(url && strstr(url, "/raad/s/"), "share url %s", url ? url : "(none)");
    th_response page = th_get(srv, strstr(url, "/raad/s/"), NULL);
    cr_assert_eq(page.status, 200, "%s", page.body);
    const char *rules_at = strstr(page.body, "Regels die helpen of belemmeren");
    cr_assert_not_null(rules_at, "the council page has no block on the rules");
    const char *r1 = strstr(rules_at, "Over de regel ‘Elke aanvraag gaat via het loket’ zijn de "
                                      "lagen verdeeld: volgens beleid helpt hij, volgens de "
                                      "uitvoering belemmert hij.");
    const char *r3 = strstr(rules_at, "Huishoudelijke hulp is hoogstens 2,5 uur per week");
    const char *r2 = strstr(rules_at, "Een indicatie geldt hoogstens een jaar");
    cr_expect(r1 && r3 && r2 && r1 < r3 && r3 < r2,
              "expected r1, r3 and r2 in this order:\n%.2000s", rules_at);
    cr_expect_null(strstr(rules_at, "witgoed"), "r4 is told, which nobody rated");
    /* in English, r2 reads as the wave gave it in English; r1 has no English */
    char *en_path = NULL;
    cr_assert(asprintf(&en_path, "%s?lang=en", strstr(url, "/raad/s/")) > 0);
    th_response en = th_get(srv, en_path, NULL);
    free(en_path);
    cr_assert_eq(en.status, 200, "%s", en.body);
    const char *en_rules = strstr(en.body, "Rules that help or hinder");
    cr_assert_not_null(en_rules, "the English page has no block on the rules");
    cr_expect(strstr(en_rules, "An assessment is valid for one year at most") != NULL,
              "r2 not in English:\n%.2000s", en_rules);
    cr_expect(strstr(en_rules, "Elke aanvraag gaat via het loket") != NULL,
              "r1, which has no English text, is not told in Dutch:\n%.2000s", en_rules);
    th_response_free(&en);
    th_response_free(&page);
    json_decref(link);
    json_decref(a);
    th_tokens_free(beleid, 4);
    th_tokens_free(uitv, 4);
}

/* The attack: an import wave takes rows while a draft. Were its rules
 * changeable then, rows rated under one list would be read against
 * another, and two analyses around one edit would differ by one
 * respondent's ratings. The rules and keys freeze with the first row. */
Test(wave_rules, rules_freeze_with_the_first_answer)
{
    long long w = v2_wave(1205, "import", 3);
    json_decref(put(w, "/rules", rules_ok, 200));
    json_t *row = json_pack("[{s:s, s:o}]", "layer", "beleid", "answers", v2_answers("beleid", 3));
    char *body = json_dumps(row, 0);
    json_decref(row);
    json_decref(post(w, "/responses", body, 201));
    free(body);
    json_t *e = put(w, "/rules", "[]", 409);
    cr_expect(strstr(json_string_value(json_object_get(e, "error")), "before any answer"));
    json_decref(e);
    json_decref(put(w, "/intended", keys_ok, 409));
    char *p = path_of(w, "");
    json_t *g = call("GET", p, NULL, 200);
    cr_expect_eq(json_array_size(json_object_get(g, "rules")), 5, "still the rules it had");
    json_decref(g);
    free(p);
}

Test(wave_rules, a_viewer_may_not_set_keys_or_rules)
{
    long long w = v2_wave(1206, "online", 5);
    char *p = path_of(w, "");
    json_t *g = call("GET", p, NULL, 200);
    long long org = json_integer_value(json_object_get(g, "organisation_id"));
    json_decref(g);
    free(p);
    char *viewer = th_api_key(db, "viewer", &org, 1);
    p = path_of(w, "/rules");
    th_response r =
        th_request(srv, "PUT", p, viewer, "application/json", rules_ok, strlen(rules_ok));
    cr_expect_eq(r.status, 403);
    th_response_free(&r);
    free(p);
    free(viewer);
}

/* The console: the edit page of a draft has a select per local knowledge
 * question and a rules field; both post with the CSRF token only; their
 * problems are named in Dutch; the wave's page says what is missing. */
Test(wave_rules, the_console_sets_keys_and_rules_of_a_draft)
{
    long long w = v2_wave(1207, "online", 5);
    th_console_user(db, "c@testdam.nl", "admin", NULL, 0, "Een lang wachtwoord 7");
    th_browser b = {srv, "", "", ""};
    cr_assert_eq(th_console_login(&b, "c@testdam.nl", "Een lang wachtwoord 7"), 303);
    char path[96];
    snprintf(path, sizeof path, "/beheer/metingen/%lld", w);
    th_response r = th_console_get(&b, path);
    cr_expect(strstr(r.body, "id=\"missing-keys\""), "the wave page names what is missing");
    cr_expect(strstr(r.body, "(rr-opd-kn-1)"));
    th_response_free(&r);

    snprintf(path, sizeof path, "/beheer/metingen/%lld/bewerken", w);
    r = th_console_get(&b, path);
    cr_expect_eq(count_in(r.body, "name=\"key."), 6, "a select per local knowledge question");
    cr_expect(strstr(r.body, "<textarea id=\"f-rules\" name=\"rules\""));
    th_response_free(&r);

    snprintf(path, sizeof path, "/beheer/metingen/%lld/regels", w);
    r = th_console_post(&b, path, "rules=r1%3A+Elke+aanvraag+gaat+via+het+loket.", 0, NULL);
    cr_expect_eq(r.status, 403, "no CSRF token, no change");
    th_response_free(&r);
    r = th_console_post(&b, path, "rules=r1%3A+Elke+aanvraag+gaat+via+het+loket.%0Ar2%3A+Kort%0A",
                        1, NULL);
    cr_expect_eq(r.status, 422);
    cr_expect(strstr(r.body, "Geef 5 tot 12 regels"), "in Dutch");
    cr_expect(strstr(r.body, "De tekst van een regel heeft 10 tot 300 tekens."));
    cr_expect(strstr(r.body, "r2: Kort"), "what was posted is kept");
    th_response_free(&r);
    r = th_console_post(&b, path,
                        "rules=r1%3A+Elke+aanvraag+gaat+via+het+loket.%0A"
                        "r2%3A+Een+indicatie+geldt+een+jaar.+%7C+An+assessment+lasts+a+year.%0A"
                        "Huishoudelijke+hulp+is+hoogstens+2%2C5+uur.%0A"
                        "r4%3A+Bijzondere+bijstand+is+een+lening.%0A"
                        "r5%3A+Een+jeugdtraject+wordt+geevalueerd.%0A",
                        1, NULL);
    cr_expect_eq(r.status, 303, "%.300s", r.body);
    th_response_free(&r);
    char *p2 = path_of(w, "");
    json_t *g = call("GET", p2, NULL, 200);
    json_t *rules = json_object_get(g, "rules");
    cr_expect_eq(json_array_size(rules), 5);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rules, 2), "key")), "regel-3",
                     "a line without a key gets one");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rules, 1), "text_en")),
                     "An assessment lasts a year.");
    json_decref(g);

    snprintf(path, sizeof path, "/beheer/metingen/%lld/bedoeling", w);
    r = th_console_post(&b, path,
                        "key.fin-eff-kn-1=preventie&key.bi-eff-kn-1=omzien&key.ek-bel-kn-1=afstand"
                        "&key.zd-bel-kn-2=school&key.int-opd-kn-1=wijkteam&key.rr-opd-kn-1=zelf",
                        1, NULL);
    cr_expect_eq(r.status, 303, "%.300s", r.body);
    th_response_free(&r);
    g = call("GET", p2, NULL, 200);
    cr_expect_eq(json_object_size(json_object_get(g, "intended")), 6);
    json_decref(g);
    free(p2);
    snprintf(path, sizeof path, "/beheer/metingen/%lld/openen", w);
    r = th_console_post(&b, path, "", 1, NULL);
    cr_expect_eq(r.status, 303, "opens now: %.300s", r.body);
    th_response_free(&r);
}

/* The bulk import takes ratings too: a CSV column "rule.KEY", or the same
 * key in a JSON row's answers; an unknown rule or a rating off the scale is
 * named and nothing is stored. */
Test(wave_rules, the_import_takes_rule_ratings)
{
    long long w = v2_wave(1208, "import", 3);
    json_decref(put(w, "/intended", keys_ok, 200));
    json_decref(put(w, "/rules", rules_ok, 200));
    json_decref(post(w, "/open", "{}", 200));
    char *path = path_of(w, "/responses");

    /* CSV: an unknown rule column is a header problem */
    const char *bad_csv = "layer,ek-eff-1,rule.r1,rule.r9\nbeleid,4,helpt,helpt\n";
    th_response r = th_request(srv, "POST", path, admin, "text/csv", bad_csv, strlen(bad_csv));
    cr_expect_eq(r.status, 422);
    cr_expect(strstr(r.body, "rule.r9") && strstr(r.body, "not one of the rules of this wave"),
              "%s", r.body);
    th_response_free(&r);

    /* JSON: rows of beleid with ratings in their answers; one off the scale */
    json_t *rows = json_array();
    for (int i = 0; i < 4; i++) {
        json_t *a = v2_answers("beleid", 3);
        json_object_set_new(a, "rule.r1", json_string(i == 3 ? "soms" : "belemmert"));
        json_object_set_new(a, "rule.r2", json_string("helpt"));
        json_array_append_new(rows, json_pack("{s:s, s:o}", "layer", "beleid", "answers", a));
    }
    char *body = json_dumps(rows, 0);
    json_t *e = call("POST", path, body, 422);
    char *text = json_dumps(e, 0);
    cr_expect(strstr(text, "\"row\": 4") && strstr(text, "rule.r1"), "%s", text);
    free(text);
    json_decref(e);
    free(body);
    char *n = th_sql(db, "SELECT count(*) FROM responses");
    cr_expect_str_eq(n, "0", "all or nothing");
    free(n);
    json_object_set_new(json_object_get(json_array_get(rows, 3), "answers"), "rule.r1",
                        json_string("belemmert"));
    body = json_dumps(rows, 0);
    json_decref(call("POST", path, body, 201));
    free(body);
    json_decref(rows);
    free(path);
    json_decref(post(w, "/close", "{}", 200));
    char *ap = path_of(w, "/analysis");
    json_t *a = call("GET", ap, NULL, 200);
    free(ap);
    json_t *r1 = json_object_get(rule_cell(a, "r1", "beleid"), "rating");
    cr_expect_eq(json_integer_value(json_object_get(r1, "belemmert")), 4);
    cr_expect_eq(json_number_value(json_object_get(r1, "net")), -100.0);
    json_t *r3 = json_object_get(rule_cell(a, "r3", "beleid"), "rating");
    cr_expect(json_is_true(json_object_get(r3, "suppressed")), "nobody rated r3");
    json_decref(a);
}
