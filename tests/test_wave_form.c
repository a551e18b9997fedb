/* test_wave_form.c - issue 12 on the respondent's side: the form of a v2
 * wave with its own rules shows the expected time for the layer at the top,
 * each question in the layer's wording and a rules block with the four
 * answers; rule ratings are saved in the draft, checked on submit and sent.
 * The JSON survey API says the same. And the time it shows is true: a
 * scripted respondent reads every word of the rendered page's questions,
 * options and texts at 200 words a minute (a repeated answer scale once, as
 * a reader stops reading it) and spends 3 s per answer; the minutes the
 * page shows must lie within 20% of that, for every layer, in Dutch and in
 * English. The estimate here counts words from the HTML, not from the
 * instrument (instrument_layer_seconds is not called).
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"
#include "th_wave.h"

static char *db;
static th_server *srv;
static char *admin;
static long long wave;

static const char *const layers[] = {"bestuur", "management", "beleid", "uitvoering", "partners"};
#define N_LAYERS 5
static char **tokens[N_LAYERS];

static json_t *call(const char *method, const char *path, const char *body, long want)
{
    th_response r = th_request(srv, method, path, admin, body ? "application/json" : NULL, body,
                               body ? strlen(body) : 0);
    cr_assert_eq(r.status, want, "%s %s: %ld %.600s", method, path, r.status, r.body);
    json_t *j = th_json(&r);
    th_response_free(&r);
    return j;
}

/* The eight rules of the example wave of issue 12 (tests/fixtures). */
static json_t *example_wave(void)
{
    json_t *ex = json_load_file("tests/fixtures/example-wave.json", 0, NULL);
    cr_assert_not_null(ex, "tests/fixtures/example-wave.json");
    return ex;
}

static void start(void)
{
    db = th_db_create();
    srv = th_server_start(db, NULL);
    admin = th_api_key(db, "admin", NULL, 0);
    long long org = th_org(srv, admin, "GM1210");
    char body[300];
    snprintf(body, sizeof body,
             "{\"organisation_id\": %lld, \"instrument\": \"thermometer-sociaal-domein\","
             " \"name\": \"Meting 2026\", \"min_group_size\": 3}",
             org);
    json_t *w = call("POST", "/api/v1/waves", body, 201);
    wave = json_integer_value(json_object_get(w, "id"));
    json_decref(w);
    json_t *ex = example_wave();
    char path[80];
    snprintf(path, sizeof path, "/api/v1/waves/%lld/intended", wave);
    char *text = json_dumps(json_object_get(ex, "intended"), 0);
    json_decref(call("PUT", path, text, 200));
    free(text);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/rules", wave);
    text = json_dumps(json_object_get(ex, "rules"), 0);
    json_decref(call("PUT", path, text, 200));
    free(text);
    json_decref(ex);
    snprintf(path, sizeof path, "/api/v1/waves/%lld/open", wave);
    json_decref(call("POST", path, "{}", 200));
    for (int l = 0; l < N_LAYERS; l++)
        tokens[l] = th_invitations(srv, admin, wave, layers[l], 2);
}

static void stop(void)
{
    for (int l = 0; l < N_LAYERS; l++)
        th_tokens_free(tokens[l], 2);
    cr_expect_eq(th_server_stop(srv), 0);
    free(admin);
    free(db);
}

TestSuite(wave_form, .init = start, .fini = stop, .timeout = 180);

static th_response page(int layer, int which, const char *query)
{
    char path[200];
    snprintf(path, sizeof path, "/s/%s%s", tokens[layer][which], query ? query : "");
    th_response r = th_get(srv, path, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    return r;
}

/* ---- reading the page as a respondent ------------------------------------ */

/* The text of html[from, to) without tags, entities as one letter. */
static char *plain_text(const char *from, const char *to)
{
    char *out = malloc((size_t)(to - from) + 1), *w = out;
    cr_assert_not_null(out);
    for (const char *p = from; p < to; p++) {
        if (*p == '<') {
            const char *e = memchr(p, '>', (size_t)(to - p));
            if (!e) break;
            p = e;
            *w++ = ' ';
        } else if (*p == '&') {
            const char *e = memchr(p, ';', (size_t)(to - p));
            if (e && e - p < 10) p = e;
            *w++ = 'x';
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    return out;
}

static size_t words_of(const char *s)
{
    size_t n = 0;
    int in = 0;
    for (; *s; s++) {
        int space = isspace((unsigned char)*s);
        if (!space && !in) n++;
        in = !space;
    }
    return n;
}

typedef struct reading {
    size_t words;   /* what a reader reads */
    size_t answers; /* questions and rules to answer */
    char **seen;    /* answer labels already read */
    size_t n_seen;
} reading;

/* Reads every element that starts with open (up to its close tag): a label
 * read before is skipped when repeated (a scale is read once). */
static void read_elements(reading *rd, const char *html, const char *open, const char *close,
                          int once)
{
    for (const char *p = strstr(html, open); p; p = strstr(p + 1, open)) {
        const char *start = strchr(p, '>');
        const char *end = start ? strstr(start, close) : NULL;
        if (!end) break;
        char *t = plain_text(start + 1, end);
        int skip = 0;
        if (once) {
            for (size_t i = 0; i < rd->n_seen && !skip; i++)
                skip = !strcmp(rd->seen[i], t);
            if (!skip) {
                rd->seen = realloc(rd->seen, (rd->n_seen + 1) * sizeof *rd->seen);
                rd->seen[rd->n_seen++] = strdup(t);
            }
        }
        if (!skip) rd->words += words_of(t);
        free(t);
    }
}

/* The page's part headings without their "Deel 1 van 5:" marker. */
static void read_headings(reading *rd, const char *html)
{
    for (const char *p = strstr(html, "<span class=\"part-no\">"); p;
         p = strstr(p + 1, "<span class=\"part-no\">")) {
        const char *start = strstr(p, "</span>");
        const char *end = start ? strstr(start, "</h2>") : NULL;
        if (!end) break;
        char *t = plain_text(start + 7, end);
        if (!strstr(html, "id=\"part-") || strcmp(t, " ")) rd->words += words_of(t);
        free(t);
    }
}

static size_t count(const char *html, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(html, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* What a respondent reads on the page and how many answers they give; the
 * estimate in seconds: 200 words a minute plus 3 s an answer. */
static double read_page(const char *html, size_t *words, size_t *answers)
{
    reading rd = {0, 0, NULL, 0};
    const char *intro = strstr(html, "<div class=\"intro\">");
    cr_assert_not_null(intro);
    const char *intro_end = strstr(intro, "</div>");
    char *t = plain_text(intro, intro_end);
    rd.words += words_of(t);
    free(t);
    read_headings(&rd, html);
    read_elements(&rd, html, "<p class=\"part-intro\"", "</p>", 0);
    read_elements(&rd, html, "<legend", "</legend>", 0);
    read_elements(&rd, html, "class=\"question\"", "</label>", 0);
    read_elements(&rd, html, "<p class=\"help\"", "</p>", 0);
    read_elements(&rd, html, "<p class=\"rules-question\"", "</p>", 0);
    /* every answer label: radio buttons of items and of rules */
    read_elements(&rd, html, "<label for=\"q-", "</label>", 1);
    read_elements(&rd, html, "<label for=\"r-", "</label>", 1);
    rd.answers =
        count(html, "<fieldset class=\"item ") + count(html, "<div class=\"item item-text");
    for (size_t i = 0; i < rd.n_seen; i++)
        free(rd.seen[i]);
    free(rd.seen);
    *words = rd.words;
    *answers = rd.answers;
    return (double)rd.words * 60.0 / 200.0 + 3.0 * (double)rd.answers;
}

/* The minutes the page says ("ongeveer N minuten" / "about N minutes"). */
static int shown_minutes(const char *html)
{
    const char *p = strstr(html, "<p class=\"duration\"");
    cr_assert_not_null(p, "the page shows the expected time");
    const char *n = strpbrk(strchr(p, '>'), "0123456789");
    cr_assert_not_null(n);
    return atoi(n);
}

Test(wave_form, the_shown_time_is_within_20_percent_of_a_reader)
{
    const char *queries[] = {NULL, "?lang=en"};
    for (int lang = 0; lang < 2; lang++)
        for (int l = 0; l < N_LAYERS; l++) {
            th_response r = page(l, 0, queries[lang]);
            size_t words, answers;
            double expected = read_page(r.body, &words, &answers);
            int minutes = shown_minutes(r.body);
            double shown = 60.0 * minutes;
            /* printed for the record: the figures of the report */
            fprintf(stderr,
                    "time %s %-10s words %4zu answers %2zu reader %5.0f s (%.1f min)"
                    " shown %d min ratio %.2f\n",
                    lang ? "en" : "nl", layers[l], words, answers, expected, expected / 60, minutes,
                    shown / expected);
            cr_expect(answers >= 20 && answers <= 45 + 8, "%s: %zu answers", layers[l], answers);
            cr_expect(shown >= 0.8 * expected && shown <= 1.2 * expected,
                      "%s %s: shows %d min, a reader needs %.0f s (%.2f)", lang ? "en" : "nl",
                      layers[l], minutes, expected, shown / expected);
            th_response_free(&r);
        }
}

Test(wave_form, the_page_shows_time_wording_and_rules)
{
    th_response r = page(0, 0, NULL);
    cr_expect(strstr(r.body, "Invullen duurt voor u ongeveer "), "the time at the top");
    cr_expect(strstr(r.body, "id=\"duration\"") < strstr(r.body, "<form"),
              "the time stands above the form");
    /* bestuur reads the bestuur wording of rr-eff-1, not the general one */
    cr_expect(strstr(r.body, "Ik hoor of lees dat management en uitvoering in onze gemeente aan "
                             "verschillende doelen werken."));
    cr_expect_null(strstr(r.body, "In onze gemeente werken management en uitvoering aan "
                                  "verschillende doelen."));
    /* the rules block: every rule of the wave with the four answers */
    cr_expect(strstr(r.body, "Regels van onze gemeente"));
    json_t *ex = example_wave();
    size_t i;
    json_t *rule;
    json_array_foreach(json_object_get(ex, "rules"), i, rule)
    {
        char name[80];
        snprintf(name, sizeof name, "name=\"r.%s\"",
                 json_string_value(json_object_get(rule, "key")));
        cr_expect_eq(count(r.body, name), 4, "%s: four answers", name);
    }
    cr_expect_eq(count(r.body, ">Helpt</label>"), 8);
    cr_expect_eq(count(r.body, ">Maakt niet uit</label>"), 8);
    cr_expect_eq(count(r.body, ">Belemmert</label>"), 8);
    cr_expect_eq(count(r.body, ">Ken ik niet</label>"), 8);
    cr_expect(strstr(r.body, "Huishoudelijke hulp is standaard hoogstens 2,5 uur per week"));
    json_decref(ex);
    th_response_free(&r);

    r = page(0, 0, "?lang=en");
    cr_expect(strstr(r.body, "Filling this in takes you about "));
    cr_expect(strstr(r.body, ">Hinders</label>"));
    cr_expect(strstr(r.body, "Rules of our municipality"));
    /* a rule without English keeps its Dutch text */
    cr_expect(strstr(r.body, "Huishoudelijke hulp is standaard hoogstens 2,5 uur per week"));
    th_response_free(&r);
}

static th_response form_post(int layer, int which, const char *body)
{
    char path[160];
    snprintf(path, sizeof path, "/s/%s", tokens[layer][which]);
    return th_request(srv, "POST", path, NULL, "application/x-www-form-urlencoded", body,
                      strlen(body));
}

Test(wave_form, ratings_are_saved_checked_and_sent)
{
    th_response r =
        form_post(3, 0, "q.rr-eff-1=4&r.hh-uren=belemmert&r.vier-ogen=helpt&action=save");
    cr_expect_eq(r.status, 303, "%s", r.body);
    th_response_free(&r);
    r = page(3, 0, NULL);
    cr_expect(strstr(r.body, "id=\"r-hh-uren.belemmert\" value=\"belemmert\" checked>"),
              "the draft's rating comes back");
    cr_expect(strstr(r.body, "id=\"r-vier-ogen.helpt\" value=\"helpt\" checked>"));
    th_response_free(&r);

    /* the JSON API gives the same draft, the rules and the time */
    char path[160];
    snprintf(path, sizeof path, "/api/v1/survey/%s", tokens[3][0]);
    r = th_get(srv, path, NULL);
    json_t *j = th_json(&r);
    th_response_free(&r);
    cr_expect_str_eq(
        json_string_value(json_object_get(json_object_get(j, "rule_answers"), "hh-uren")),
        "belemmert");
    cr_expect_null(json_object_get(json_object_get(j, "answers"), "rule.hh-uren"));
    cr_expect_eq(json_array_size(json_object_get(json_object_get(j, "rules"), "rules")), 8);
    cr_expect_eq(json_array_size(json_object_get(json_object_get(j, "rules"), "scale")), 4);
    int minutes =
        (int)json_integer_value(json_object_get(json_object_get(j, "expected_minutes"), "nl"));
    r = page(3, 0, NULL);
    cr_expect_eq(minutes, shown_minutes(r.body), "the API and the page say the same time");
    th_response_free(&r);
    json_decref(j);

    /* a rating off the scale is named next to its rule, nothing stored */
    r = form_post(3, 0, "r.hh-uren=soms&action=save");
    cr_expect_eq(r.status, 422);
    cr_expect(strstr(r.body, "href=\"#rule-hh-uren\""), "the summary links to the rule");
    cr_expect(strstr(r.body, "item item-rule invalid\" id=\"rule-hh-uren\""));
    th_response_free(&r);

    /* sent: a whole form with ratings, built from the items the API lists */
    snprintf(path, sizeof path, "/api/v1/survey/%s", tokens[3][1]);
    r = th_get(srv, path, NULL);
    j = th_json(&r);
    th_response_free(&r);
    char *body = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&body, &len);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(j, "items"), i, it)
    {
        const char *type = json_string_value(json_object_get(it, "type"));
        const char *key = json_string_value(json_object_get(it, "key"));
        if (!strcmp(type, "likert")) fprintf(f, "q.%s=2&", key);
        if (!strcmp(type, "intent")) fprintf(f, "q.%s=dont_know&", key);
    }
    json_decref(j);
    fputs("r.hh-uren=belemmert&r.budgetplafond=onbekend&action=submit", f);
    fclose(f);
    r = form_post(3, 1, body);
    free(body);
    cr_expect_eq(r.status, 200, "%.300s", r.body);
    cr_expect(strstr(r.body, "Bedankt!"));
    th_response_free(&r);
    char *waiting = th_sql(db, "SELECT count(*) FROM pending_responses");
    cr_expect_str_eq(waiting ? waiting : "", "1", "sealed, waiting to be mixed");
    free(waiting);
}
