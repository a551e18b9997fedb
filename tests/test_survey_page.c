/* test_survey_page.c - the respondent's form as a respondent meets it: the
 * right questions for the layer, in the instrument's order, labelled,
 * pre-filled, with problems explained in the page's language, every value
 * escaped; and the posted form decoded into the answers answers_check takes.
 * Needs no database or server. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/answers.h"
#include "core/instrument.h"
#include "core/strbuf.h"
#include "core/html.h"
#include "server/web/survey_page.h"

#define INSTRUMENT "survey-defs/thermometer-sociaal-domein-v1.json"
#define HOSTILE "<script>alert(1)</script>\"'&"

static instrument *load(void)
{
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(INSTRUMENT, &err);
    cr_assert_not_null(in, "cannot load %s: %s", INSTRUMENT, err.message);
    return in;
}

/* A change to the shipped instrument: item key's field set to value. */
typedef struct item_change {
    const char *key, *field;
    json_t *value;
} item_change;

/* The shipped instrument with n changes made; takes the values' references. */
static instrument *load_changed(const item_change *changes, size_t n)
{
    json_error_t je;
    tm_error err = TM_ERROR_INIT;
    json_t *def = json_load_file(INSTRUMENT, 0, &je);
    cr_assert_not_null(def, "%s", je.text);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(def, "items"), i, item)
    {
        const char *key = json_string_value(json_object_get(item, "key"));
        for (size_t c = 0; c < n; c++)
            if (!strcmp(key, changes[c].key)) {
                json_object_set(item, changes[c].field, changes[c].value); /* key may go */
                break;
            }
    }
    for (size_t c = 0; c < n; c++)
        json_decref(changes[c].value);
    instrument *in = instrument_load(def, &err);
    json_decref(def);
    cr_assert_not_null(in, "the changed instrument does not load: %s", err.message);
    return in;
}

/* The shipped instrument with ek-eff-1 required and achtergrond-jaren a
 * multiple choice, which the shipped file does not use. */
static instrument *load_variant(void)
{
    const item_change changes[] = {{"ek-eff-1", "required", json_true()},
                                   {"achtergrond-jaren", "multiple", json_true()}};
    return load_changed(changes, 2);
}

static survey_page page_for(const instrument *in, const char *layer)
{
    survey_page p = {0};
    p.in = in;
    p.layer = instrument_layer_index(in, layer);
    cr_assert_geq(p.layer, 0);
    p.lang = "nl";
    p.action = "/s/abc123";
    p.min_group_size = 5;
    p.wave_name = "Meting 2025";
    p.organisation = "Gemeente Voorbeeld";
    return p;
}

static char *render(const survey_page *p)
{
    char *html = survey_page_render(p);
    cr_assert_not_null(html);
    return html;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *s = hay; (s = strstr(s, needle)); s += strlen(needle))
        n++;
    return n;
}

static char *escaped(const char *s)
{
    strbuf b = STRBUF_INIT(1 << 20);
    html_escape(&b, s);
    return strbuf_detach(&b, NULL);
}

/* The markup of one item, from its id to the next item (caller frees). */
static char *item_html(const char *html, const char *key)
{
    char id[128];
    snprintf(id, sizeof id, "id=\"item-%s\"", key);
    const char *start = strstr(html, id);
    cr_assert_not_null(start, "item %s is not on the page", key);
    const char *end = strstr(start + 1, "id=\"item-");
    const char *form_end = strstr(start, "</form>");
    if (!end || (form_end && form_end < end)) end = form_end;
    return strndup(start, (size_t)(end - start));
}

static int asked_count(const instrument *in, int layer)
{
    int n = 0;
    for (size_t i = 0; i < in->n_items; i++)
        n += instrument_item_asked(&in->items[i], layer);
    return n;
}

/* ---- rendering -------------------------------------------------------- */

Test(survey_page, document_frame)
{
    instrument *in = load();
    survey_page p = page_for(in, "uitvoering");
    char *html = render(&p);
    cr_assert(!strncmp(html, "<!doctype html>\n<html lang=\"nl\">", 32));
    cr_assert_not_null(strstr(html, "<meta name=\"viewport\""));
    cr_assert_not_null(
        strstr(html, "<title>Thermometer sociaal domein \u2013 Gemeente Voorbeeld</title>"));
    cr_assert_not_null(strstr(html, "<link rel=\"stylesheet\" href=\"/assets/survey.css\">"));
    cr_assert_null(strstr(html, "<script"), "no JavaScript");
    cr_assert_null(strstr(html, "style="), "no inline styles (CSP)");
    cr_assert_null(strstr(html, "<style"), "no inline styles (CSP)");
    cr_assert_not_null(strstr(html, "<h1>Thermometer sociaal domein</h1>"));
    cr_assert_not_null(strstr(html, "<p>Met deze vragenlijst brengt uw gemeente in beeld"));
    cr_assert_not_null(strstr(html, "Gemeente Voorbeeld"));
    cr_assert_not_null(strstr(html, "Meting 2025"));
    cr_assert_not_null(strstr(html, "alleen getoond voor groepen van minstens 5 personen"));
    cr_assert_not_null(strstr(html, "href=\"/s/abc123?lang=en\""));
    cr_assert_not_null(strstr(html, "<form method=\"post\" action=\"/s/abc123\""));
    cr_assert_not_null(strstr(html, "name=\"action\" value=\"save\""));
    cr_assert_not_null(strstr(html, ">Tussentijds opslaan</button>"));
    cr_assert_not_null(strstr(html, "name=\"action\" value=\"submit\""));
    cr_assert_not_null(strstr(html, ">Versturen</button>"));
    cr_assert_null(strstr(html, "role=\"alert\""), "no error summary without errors");
    free(html);
    instrument_free(in);
}

Test(survey_page, promise_uses_the_waves_group_size)
{
    instrument *in = load();
    survey_page p = page_for(in, "beleid");
    p.min_group_size = 8;
    char *html = render(&p);
    cr_assert_not_null(strstr(html, "groepen van minstens 8 personen"));
    free(html);
    instrument_free(in);
}

Test(survey_page, exactly_the_items_asked_to_the_layer)
{
    instrument *in = load();
    for (size_t l = 0; l < in->n_layers; l++) {
        survey_page p = page_for(in, in->layers[l].key);
        char *html = render(&p);
        for (size_t i = 0; i < in->n_items; i++) {
            const tm_item *it = &in->items[i];
            char id[128], name[128];
            snprintf(id, sizeof id, "id=\"item-%s\"", it->key);
            snprintf(name, sizeof name, "name=\"q.%s\"", it->key);
            if (instrument_item_asked(it, (int)l)) {
                cr_assert_eq(count(html, id), 1, "%s: %s missing", in->layers[l].key, it->key);
                cr_assert_not_null(strstr(html, name));
                char *text = escaped(tm_text_get(it->text, "nl"));
                cr_assert_not_null(strstr(html, text), "text of %s missing", it->key);
                free(text);
            } else {
                cr_assert_null(strstr(html, id), "%s: %s not asked", in->layers[l].key, it->key);
                cr_assert_null(strstr(html, name));
            }
        }
        free(html);
    }
    /* The shipped instrument: a frontline-only item and a management-only one. */
    survey_page p = page_for(in, "uitvoering");
    char *html = render(&p);
    cr_assert_not_null(strstr(html, "id=\"item-int-bel-5\""));
    cr_assert_not_null(strstr(html, "id=\"item-achtergrond-rol-uitvoering\""));
    cr_assert_null(strstr(html, "id=\"item-int-bel-4\""));
    cr_assert_null(strstr(html, "achtergrond-rol-management"));
    free(html);
    instrument_free(in);
}

Test(survey_page, sections_follow_the_domain_order)
{
    instrument *in = load();
    survey_page p = page_for(in, "uitvoering");
    char *html = render(&p);
    const char *heads[] = {
        "<span class=\"part-no\">Deel 1 van 5:</span> Effecten</h2>",
        "<span class=\"part-no\">Deel 2 van 5:</span> Beleid</h2>",
        "<span class=\"part-no\">Deel 3 van 5:</span> Opdrachten</h2>",
        "<span class=\"part-no\">Deel 4 van 5:</span> Dienstverlening</h2>",
        "<span class=\"part-no\">Deel 5 van 5:</span> Over u</h2>",
    };
    const char *prev = html;
    for (size_t i = 0; i < 5; i++) {
        const char *at = strstr(html, heads[i]);
        cr_assert_not_null(at, "missing heading %s", heads[i]);
        cr_assert_gt(at, prev, "heading %zu out of order", i + 1);
        prev = at;
    }
    cr_assert_eq(count(html, "<section "), 5);
    /* Each item sits in its domain's section; background items in the last. */
    const char *s3 = strstr(html, heads[2]), *s4 = strstr(html, heads[3]);
    const char *s5 = strstr(html, heads[4]);
    const char *opd = strstr(html, "id=\"item-ek-opd-3\"");
    cr_assert(opd > s3 && opd < s4);
    cr_assert_gt(strstr(html, "id=\"item-achtergrond-jaren\""), s5);
    cr_assert_not_null(strstr(html, "Welke effecten wil de gemeente in de samenleving bereiken?"));
    free(html);
    instrument_free(in);
}

Test(survey_page, every_input_has_a_label)
{
    instrument *in = load();
    int layer = instrument_layer_index(in, "uitvoering");
    survey_page p = page_for(in, "uitvoering");
    char *html = render(&p);
    size_t fieldsets = 0, texts = 0;
    for (size_t i = 0; i < in->n_items; i++) {
        if (!instrument_item_asked(&in->items[i], layer)) continue;
        if (in->items[i].type == ITEM_TEXT)
            texts++;
        else
            fieldsets++;
    }
    cr_assert_eq(count(html, "<fieldset"), fieldsets);
    cr_assert_eq(count(html, "<legend>"), fieldsets);
    cr_assert_eq(count(html, "<textarea"), texts);

    size_t inputs = count(html, "<input type=\"radio\"") + count(html, "<input type=\"checkbox\"");
    cr_assert_eq(count(html, "<input "), inputs + 1, "only the lang field is hidden");
    cr_assert_eq(count(html, "<label for=\""), inputs + texts);

    /* Each radio's id is unique and named by exactly one label. */
    for (const char *s = html; (s = strstr(s, "<input type=\"radio\""));) {
        const char *id = strstr(s, " id=\"");
        cr_assert_not_null(id);
        id += 5;
        char want[200], attr[200];
        size_t n = (size_t)(strchr(id, '"') - id);
        cr_assert_lt(n, 150);
        snprintf(want, sizeof want, "<label for=\"%.*s\">", (int)n, id);
        snprintf(attr, sizeof attr, " id=\"%.*s\"", (int)n, id);
        cr_assert_eq(count(html, want), 1, "label for %.*s", (int)n, id);
        cr_assert_eq(count(html, attr), 1, "id %.*s unique", (int)n, id);
        s = id;
    }
    /* Required is never set on inputs: it would block saving a draft. */
    cr_assert_null(strstr(html, " required"));
    cr_assert_null(strstr(html, "aria-required"));
    free(html);
    instrument_free(in);
}

Test(survey_page, scales_and_dont_know)
{
    instrument *in = load();
    survey_page p = page_for(in, "uitvoering");
    char *html = render(&p);

    char *likert = item_html(html, "ek-eff-1");
    cr_assert_not_null(strstr(likert, "<legend>"));
    cr_assert_eq(count(likert, "<input type=\"radio\" name=\"q.ek-eff-1\""), 6);
    cr_assert_not_null(strstr(likert, ">Helemaal oneens</label>"));
    cr_assert_not_null(strstr(likert, ">Helemaal eens</label>"));
    cr_assert_not_null(strstr(likert, "value=\"dont_know\""));
    cr_assert_not_null(strstr(likert, ">Weet niet</label>"));
    free(likert);

    char *grade = item_html(html, "ek-dv-cijfer");
    cr_assert_eq(count(grade, "<input type=\"radio\""), 10);
    cr_assert_not_null(strstr(grade, "value=\"1\""));
    cr_assert_not_null(strstr(grade, ">10</label>"));
    cr_assert_null(strstr(grade, "dont_know"), "grades offer no 'weet niet' here");
    cr_assert_not_null(strstr(grade, "aria-describedby=\"help-ek-dv-cijfer\""));
    cr_assert_not_null(strstr(grade, "id=\"help-ek-dv-cijfer\">1 is heel slecht"));
    free(grade);

    char *intent = item_html(html, "ek-eff-kn-1");
    cr_assert_eq(count(intent, "<input type=\"radio\""), 5);
    cr_assert_not_null(strstr(intent, "value=\"b\""));
    cr_assert_not_null(strstr(intent, "Dat iedereen die kan werken aan het werk komt"));
    cr_assert_not_null(strstr(intent, ">Weet niet</label>"));
    free(intent);

    char *text = item_html(html, "open-eff");
    cr_assert_not_null(strstr(text, "<label for=\"q-open-eff\" class=\"question\">"));
    cr_assert_not_null(strstr(text, "<textarea name=\"q.open-eff\" id=\"q-open-eff\""));
    cr_assert_not_null(strstr(text, "maxlength=\"4000\""));
    cr_assert_not_null(strstr(text, "Maximaal 4000 tekens."));
    free(text);
    free(html);
    instrument_free(in);
}

Test(survey_page, prefilled_answers_and_progress)
{
    instrument *in = load();
    survey_page p = page_for(in, "uitvoering");
    p.answers = json_pack("{s:i, s:s, s:s, s:s, s:i, s:s, s:s}", "ek-eff-1", 4, "ek-eff-2",
                          "dont_know", "ek-eff-kn-1", "b", "open-eff", "mijn antwoord",
                          "ek-dv-cijfer", 7, "achtergrond-jaren", "2-5", "open-bel", "   ");
    char *html = render(&p);
    cr_assert_not_null(strstr(html, "id=\"q-ek-eff-1.4\" value=\"4\" checked>"));
    cr_assert_not_null(strstr(html, "id=\"q-ek-eff-1.3\" value=\"3\">"));
    cr_assert_not_null(strstr(html, "id=\"q-ek-eff-2.dont_know\" value=\"dont_know\" checked>"));
    cr_assert_not_null(strstr(html, "id=\"q-ek-eff-kn-1.b\" value=\"b\" checked>"));
    cr_assert_not_null(strstr(html, "id=\"q-ek-dv-cijfer.7\" value=\"7\" checked>"));
    cr_assert_not_null(strstr(html, "id=\"q-achtergrond-jaren.2-5\" value=\"2-5\" checked>"));
    cr_assert_not_null(strstr(html, ">\nmijn antwoord</textarea>"));
    cr_assert_eq(count(html, " checked>"), 5);

    char progress[96];
    int asked = asked_count(in, p.layer);
    snprintf(progress, sizeof progress, "6 van %d vragen beantwoord", asked);
    cr_assert_not_null(strstr(html, progress), "blank text does not count: %s", progress);
    snprintf(progress, sizeof progress, "<progress max=\"%d\" value=\"6\"", asked);
    cr_assert_not_null(strstr(html, progress));
    json_decref(p.answers);
    free(html);
    instrument_free(in);
}

Test(survey_page, errors_in_dutch_next_to_the_item_and_in_the_summary)
{
    instrument *in = load();
    survey_page p = page_for(in, "uitvoering");
    p.errors =
        json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]", "item", "ek-eff-1", "error",
                  "is required", "item", "open-eff", "error", "is longer than 4000 characters",
                  "item", "ek-dv-cijfer", "error", "must be a whole number from 1 to 10");
    char *html = render(&p);
    cr_assert(!strncmp(strstr(html, "<title>"), "<title>Fout: ", 13));

    const char *summary = strstr(html, "role=\"alert\"");
    cr_assert_not_null(summary);
    cr_assert_lt(summary, strstr(html, "<form"), "the summary comes before the form");
    cr_assert_not_null(strstr(summary, "Controleer uw antwoorden"));
    const char *link = strstr(summary, "<a href=\"#item-ek-eff-1\">");
    cr_assert_not_null(link);
    cr_assert_lt(strstr(link, "Dit antwoord is verplicht."), strstr(link, "</li>"));
    cr_assert_not_null(strstr(summary, "<a href=\"#item-open-eff\">"));

    char *likert = item_html(html, "ek-eff-1");
    cr_assert_not_null(strstr(likert, "aria-invalid=\"true\""));
    cr_assert_not_null(strstr(likert, "aria-describedby=\"err-ek-eff-1\""));
    cr_assert_not_null(strstr(likert, "id=\"err-ek-eff-1\">"));
    cr_assert_not_null(strstr(likert, "Dit antwoord is verplicht."));
    free(likert);

    char *text = item_html(html, "open-eff");
    cr_assert_not_null(strstr(text, "Gebruik maximaal 4000 tekens."));
    cr_assert_not_null(
        strstr(text, "aria-describedby=\"help-open-eff hint-open-eff err-open-eff\" aria-invalid"));
    free(text);

    char *grade = item_html(html, "ek-dv-cijfer");
    cr_assert_not_null(strstr(grade, "Kies een cijfer van 1 tot en met 10."));
    free(grade);

    char *fine = item_html(html, "ek-eff-2");
    cr_assert_null(strstr(fine, "aria-invalid"));
    free(fine);
    cr_assert_null(strstr(html, "is required"), "the English check text is not shown");
    json_decref(p.errors);
    free(html);
    instrument_free(in);
}

Test(survey_page, english)
{
    instrument *in = load();
    survey_page p = page_for(in, "uitvoering");
    p.lang = "en";
    p.errors = json_pack("[{s:s, s:s}]", "item", "ek-eff-kn-1", "error",
                         "must be one of the option keys (a, b, c, d) or \"dont_know\"");
    char *html = render(&p);
    cr_assert(!strncmp(html, "<!doctype html>\n<html lang=\"en\">", 32));
    cr_assert_not_null(strstr(html, "<h1>Social Domain Thermometer</h1>"));
    cr_assert_not_null(strstr(html, "<p>With this questionnaire your municipality"));
    cr_assert_not_null(strstr(html, "Results are only shown for groups of at least 5 people"));
    cr_assert_not_null(strstr(html, "Part 1 of 5:</span> Effects</h2>"));
    cr_assert_not_null(strstr(html, "Part 5 of 5:</span> About you</h2>"));
    cr_assert_not_null(strstr(html, ">Strongly disagree</label>"));
    cr_assert_not_null(strstr(html, ">Don&#39;t know</label>"));
    cr_assert_not_null(strstr(html, ">Save for later</button>"));
    cr_assert_not_null(strstr(html, ">Submit</button>"));
    cr_assert_not_null(strstr(html, "Choose one of the answers."));
    cr_assert_not_null(strstr(html, "Please check your answers"));
    char progress[64];
    snprintf(progress, sizeof progress, "0 of %d questions answered", asked_count(in, p.layer));
    cr_assert_not_null(strstr(html, progress));
    char *q = escaped(instrument_item(in, "ek-eff-1")->text.en);
    cr_assert_not_null(strstr(html, q));
    free(q);
    cr_assert_not_null(strstr(html, "href=\"/s/abc123?lang=nl\""));
    cr_assert_not_null(strstr(html, "name=\"lang\" value=\"en\""));
    cr_assert_null(strstr(html, "Weet niet"));
    cr_assert_null(strstr(html, "Versturen"));
    cr_assert_null(strstr(html, "Helemaal oneens"));
    json_decref(p.errors);
    free(html);
    instrument_free(in);
}

Test(survey_page, hostile_values_are_escaped)
{
    instrument *in = load();
    survey_page p = page_for(in, "uitvoering");
    p.action = "/s/x\"><script>alert(2)</script>?a=1&b='";
    p.answers = json_pack("{s:s, s:s}", "open-eff", HOSTILE, "ek-eff-1", HOSTILE);
    p.errors = json_pack("[{s:s, s:s}]", "item", HOSTILE, "error", HOSTILE);
    p.notice = HOSTILE;
    p.organisation = HOSTILE;
    p.wave_name = HOSTILE;
    char *html = render(&p);
    cr_assert_null(strstr(html, HOSTILE));
    cr_assert_null(strstr(html, "<script"));
    cr_assert_not_null(
        strstr(html, ">\n&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;</textarea>"));
    cr_assert_not_null(strstr(
        html, "action=\"/s/x&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;?a=1&amp;b=&#39;\""));
    cr_assert_not_null(strstr(html, "b=&#39;&amp;lang=en\""), "the switch link adds &lang=");
    cr_assert_not_null(strstr(html, "<p class=\"notice\" role=\"status\">&lt;script&gt;"));
    /* An error about a key that is no item has no link, only a message. */
    cr_assert_not_null(strstr(html, "<li>Een antwoord hoort niet bij deze vragenlijst.</li>"));
    json_decref(p.answers);
    json_decref(p.errors);
    free(html);
    instrument_free(in);
}

Test(survey_page, required_and_multiple_choice)
{
    instrument *in = load_variant();
    survey_page p = page_for(in, "uitvoering");
    p.answers = json_pack("{s:[s,s]}", "achtergrond-jaren", "lt2", "5-10");
    char *html = render(&p);
    char *req = item_html(html, "ek-eff-1");
    cr_assert_not_null(strstr(req, "<legend>"));
    cr_assert_not_null(strstr(req, "<span class=\"req\">(verplicht)</span></legend>"));
    cr_assert_null(strstr(req, "required"));
    free(req);
    char *multi = item_html(html, "achtergrond-jaren");
    cr_assert_eq(count(multi, "<input type=\"checkbox\" name=\"q.achtergrond-jaren\""), 4);
    cr_assert_not_null(strstr(multi, "id=\"q-achtergrond-jaren.lt2\" value=\"lt2\" checked>"));
    cr_assert_not_null(strstr(multi, "id=\"q-achtergrond-jaren.5-10\" value=\"5-10\" checked>"));
    cr_assert_not_null(strstr(multi, "id=\"q-achtergrond-jaren.2-5\" value=\"2-5\">"));
    free(multi);
    json_decref(p.answers);
    free(html);
    instrument_free(in);
}

Test(survey_page, message_page)
{
    char *html =
        survey_page_message("nl", "Bedankt!", "Uw antwoorden zijn verstuurd.\n\n<b>Tot ziens</b>");
    cr_assert_not_null(html);
    cr_assert(!strncmp(html, "<!doctype html>\n<html lang=\"nl\">", 32));
    cr_assert_not_null(strstr(html, "<title>Bedankt!</title>"));
    cr_assert_not_null(strstr(html, "<h1>Bedankt!</h1>"));
    cr_assert_not_null(strstr(html, "<p>Uw antwoorden zijn verstuurd.</p>"));
    cr_assert_not_null(strstr(html, "<p>&lt;b&gt;Tot ziens&lt;/b&gt;</p>"));
    cr_assert_not_null(strstr(html, "href=\"/assets/survey.css\""));
    free(html);
    html = survey_page_message("en", "Closed", "This survey is closed.");
    cr_assert(!strncmp(html, "<!doctype html>\n<html lang=\"en\">", 32));
    free(html);
}

Test(survey_page, stylesheet)
{
    cr_assert_gt(strlen(survey_css), 1000);
    cr_assert_not_null(strstr(survey_css, ":focus-visible"));
    cr_assert_not_null(strstr(survey_css, "max-width: 42rem"));
    cr_assert_not_null(strstr(survey_css, "@media (min-width: 40rem)"));
    cr_assert_not_null(strstr(survey_css, "min-height: 2.875rem"), "44px touch targets");
}

/* ---- decoding --------------------------------------------------------- */

typedef struct decoded {
    int rc;
    json_t *answers;
    char action[16];
    tm_error err;
} decoded;

static decoded decode(const instrument *in, const char *body)
{
    decoded d = {0};
    d.err = (tm_error)TM_ERROR_INIT;
    d.rc = survey_form_decode(in, instrument_layer_index(in, "uitvoering"), body, strlen(body),
                              &d.answers, d.action, &d.err);
    return d;
}

static void decoded_free(decoded *d)
{
    json_decref(d->answers);
    tm_error_clear(&d->err);
}

Test(survey_form, values_by_item_type)
{
    instrument *in = load();
    decoded d = decode(in, "q.ek-eff-1=3&q.ek-eff-2=dont_know&q.ek-dv-cijfer=10&q.ek-eff-kn-1=b"
                           "&q.open-eff=caf%C3%A9+en+ge%C3%ABrgerd&q.int-eff-1=&lang=en"
                           "&q.achtergrond-jaren=2-5&action=submit");
    cr_assert_eq(d.rc, 0, "%s", d.err.message);
    cr_assert_str_eq(d.action, "submit");
    json_t *a = d.answers;
    cr_assert(json_is_integer(json_object_get(a, "ek-eff-1")));
    cr_assert_eq(json_integer_value(json_object_get(a, "ek-eff-1")), 3);
    cr_assert_str_eq(json_string_value(json_object_get(a, "ek-eff-2")), "dont_know");
    cr_assert_eq(json_integer_value(json_object_get(a, "ek-dv-cijfer")), 10);
    cr_assert_str_eq(json_string_value(json_object_get(a, "ek-eff-kn-1")), "b");
    cr_assert_str_eq(json_string_value(json_object_get(a, "open-eff")), "café en geërgerd");
    cr_assert_str_eq(json_string_value(json_object_get(a, "achtergrond-jaren")), "2-5");
    cr_assert_null(json_object_get(a, "int-eff-1"), "an empty value is no answer");
    cr_assert_null(json_object_get(a, "lang"));
    cr_assert_null(json_object_get(a, "action"));
    cr_assert_eq(json_object_size(a), 6);

    /* What the form sends, answers_check accepts (as values: a submission
     * also needs half of the core items, see test_anonymity.c). */
    answer_set set;
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(
        answers_check(in, instrument_layer_index(in, "uitvoering"), a, ANSWERS_DRAFT, &set, &err),
        0, "%s", err.message);
    cr_assert_eq(set.answered, 6);
    answers_free(&set);
    decoded_free(&d);
    instrument_free(in);
}

Test(survey_form, e_with_diaeresis)
{
    instrument *in = load();
    decoded d = decode(in, "q.open-bel=%C3%AB");
    cr_assert_eq(d.rc, 0);
    cr_assert_str_eq(json_string_value(json_object_get(d.answers, "open-bel")), "ë");
    decoded_free(&d);
    instrument_free(in);
}

Test(survey_form, text_line_breaks_and_odd_values_pass_through)
{
    instrument *in = load();
    decoded d = decode(in, "q.open-eff=a%0D%0Ab%0Ac&q.ek-eff-1=abc&q.ek-eff-2=99999999999999"
                           "&q.geen-item=x%2By&q.ek-opd-1=1&q.ek-opd-1=2");
    cr_assert_eq(d.rc, 0, "%s", d.err.message);
    json_t *a = d.answers;
    cr_assert_str_eq(json_string_value(json_object_get(a, "open-eff")), "a\nb\nc");
    cr_assert_str_eq(json_string_value(json_object_get(a, "ek-eff-1")), "abc");
    cr_assert(json_is_string(json_object_get(a, "ek-eff-2")), "too long for a number");
    cr_assert_str_eq(json_string_value(json_object_get(a, "geen-item")), "x+y");
    cr_assert(json_is_array(json_object_get(a, "ek-opd-1")), "repeated single answer");
    cr_assert_str_eq(d.action, "save");

    /* answers_check names each of them. */
    answer_set set;
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(
        answers_check(in, instrument_layer_index(in, "uitvoering"), a, ANSWERS_DRAFT, &set, &err),
        -1);
    cr_assert_eq(tm_error_count(&err), 4);
    tm_error_clear(&err);
    decoded_free(&d);
    instrument_free(in);
}

Test(survey_form, multiple_choice_collects_a_list)
{
    instrument *in = load_variant();
    decoded d = decode(in, "q.achtergrond-jaren=lt2&q.ek-eff-1=2&q.achtergrond-jaren=5-10");
    cr_assert_eq(d.rc, 0);
    json_t *list = json_object_get(d.answers, "achtergrond-jaren");
    cr_assert(json_is_array(list));
    cr_assert_eq(json_array_size(list), 2);
    cr_assert_str_eq(json_string_value(json_array_get(list, 0)), "lt2");
    cr_assert_str_eq(json_string_value(json_array_get(list, 1)), "5-10");
    decoded_free(&d);

    d = decode(in, "q.achtergrond-jaren=lt2");
    cr_assert(json_is_array(json_object_get(d.answers, "achtergrond-jaren")), "one pick: a list");
    decoded_free(&d);
    instrument_free(in);
}

Test(survey_form, action)
{
    instrument *in = load();
    decoded d = decode(in, "q.ek-eff-1=3");
    cr_assert_eq(d.rc, 0);
    cr_assert_str_eq(d.action, "save", "absent means save");
    decoded_free(&d);

    d = decode(in, "");
    cr_assert_eq(d.rc, 0);
    cr_assert_eq(json_object_size(d.answers), 0);
    cr_assert_str_eq(d.action, "save");
    decoded_free(&d);

    d = decode(in, "&&q.ek-eff-1=3&&action=submit&");
    cr_assert_eq(d.rc, 0, "empty pairs are skipped");
    cr_assert_eq(json_object_size(d.answers), 1);
    cr_assert_str_eq(d.action, "submit");
    decoded_free(&d);

    d = decode(in, "action=save&q.ek-eff-1=3");
    cr_assert_str_eq(d.action, "save");
    decoded_free(&d);

    d = decode(in, "q.ek-eff-1=3&action=delete");
    cr_assert_eq(d.rc, -1);
    cr_assert_eq(d.err.status, 400);
    cr_assert_not_null(strstr(d.err.message, "action"));
    cr_assert_null(d.answers);
    decoded_free(&d);

    d = decode(in, "action=save&action=submit");
    cr_assert_eq(d.rc, -1);
    cr_assert_eq(d.err.status, 400);
    decoded_free(&d);
    instrument_free(in);
}

Test(survey_form, a_field_that_is_no_answer_and_not_the_forms_is_400)
{
    instrument *in = load();
    decoded d = decode(in, "q.ek-eff-1=3&ek-eff-2=4&action=save");
    cr_assert_eq(d.rc, -1, "an answer field without its prefix is refused");
    cr_assert_eq(d.err.status, 400);
    cr_assert_str_eq(d.err.message, "field \"ek-eff-2\" is not a field of this form");
    cr_assert_null(d.answers);
    decoded_free(&d);

    d = decode(in, "q.ek-eff-1=3&lang=en&action=save");
    cr_assert_eq(d.rc, 0, "lang is the form's own: %s", d.err.message);
    cr_assert_eq(json_object_size(d.answers), 1);
    decoded_free(&d);
    instrument_free(in);
}

/* The shipped instrument with two items keyed as the form's own fields. */
static instrument *load_form_named_keys(void)
{
    const item_change changes[] = {{"ek-eff-1", "key", json_string("action")},
                                   {"open-eff", "key", json_string("lang")}};
    return load_changed(changes, 2);
}

Test(survey_form, items_may_bear_the_names_of_the_forms_own_fields)
{
    instrument *in = load_form_named_keys();
    survey_page p = page_for(in, "uitvoering");
    char *html = render(&p);
    cr_assert_eq(count(html, "<input type=\"radio\" name=\"q.action\""), 6);
    cr_assert_not_null(strstr(html, "<textarea name=\"q.lang\" id=\"q-lang\""));
    cr_assert_eq(count(html, "name=\"action\""), count(html, "<button"), "buttons only");
    cr_assert_eq(count(html, "name=\"lang\""), 1, "the hidden field only");
    free(html);

    decoded d = decode(in, "lang=nl&q.action=4&q.lang=in+het+Nederlands&action=submit");
    cr_assert_eq(d.rc, 0, "%s", d.err.message);
    cr_assert_str_eq(d.action, "submit");
    cr_assert_eq(json_integer_value(json_object_get(d.answers, "action")), 4);
    cr_assert_str_eq(json_string_value(json_object_get(d.answers, "lang")), "in het Nederlands");
    answer_set set;
    tm_error err = TM_ERROR_INIT;
    cr_assert_eq(answers_check(in, instrument_layer_index(in, "uitvoering"), d.answers,
                               ANSWERS_DRAFT, &set, &err),
                 0, "%s", err.message);
    cr_assert_eq(set.answered, 2);
    answers_free(&set);
    decoded_free(&d);
    instrument_free(in);
}

Test(survey_form, malformed_bodies_are_400_naming_the_field)
{
    instrument *in = load();
    const char *bad[] = {"q.ek-eff-1=3&q.open-eff=50%",
                         "q.open-eff=%G1",
                         "q.open-eff=%4",
                         "q.open-eff=%FF",
                         "q.open-eff=%C3",
                         "q.open-eff=%C0%AF",
                         "q.open-eff=%ED%A0%80",
                         "q.open-eff=a%00b"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        decoded d = decode(in, bad[i]);
        cr_assert_eq(d.rc, -1, "%s accepted", bad[i]);
        cr_assert_eq(d.err.status, 400);
        cr_assert_not_null(strstr(d.err.message, "\"q.open-eff\""), "%s: %s", bad[i],
                           d.err.message);
        cr_assert_null(d.answers);
        decoded_free(&d);
    }
    decoded d = decode(in, "q.open-eff=%FF");
    cr_assert_not_null(strstr(d.err.message, "UTF-8"));
    decoded_free(&d);
    d = decode(in, "q.open-eff=%zz");
    cr_assert_not_null(strstr(d.err.message, "percent"));
    decoded_free(&d);

    /* A bad field name is named in printable form. */
    d = decode(in, "%FF%FE=1");
    cr_assert_eq(d.rc, -1);
    cr_assert_not_null(strstr(d.err.message, "\"%FF%FE\""));
    decoded_free(&d);
    instrument_free(in);
}

Test(survey_form, field_limit)
{
    instrument *in = load();
    size_t n = SURVEY_FORM_MAX_FIELDS + 1;
    char *body = malloc(n * 6 + 1), *w = body;
    for (size_t i = 0; i < n; i++)
        w += sprintf(w, "q.x=1&");
    *w = '\0';
    decoded d = decode(in, body);
    cr_assert_eq(d.rc, -1);
    cr_assert_eq(d.err.status, 400);
    decoded_free(&d);
    body[(n - 1) * 6] = '\0'; /* exactly the limit */
    d = decode(in, body);
    cr_assert_eq(d.rc, 0, "%s", d.err.message);
    cr_assert_eq(json_array_size(json_object_get(d.answers, "x")), SURVEY_FORM_MAX_FIELDS);
    decoded_free(&d);
    free(body);
    instrument_free(in);
}

Test(survey_form, body_need_not_end_in_nul)
{
    instrument *in = load();
    const char body[] = "q.ek-eff-1=3&q.ek-eff-2=4";
    json_t *answers = NULL;
    char action[16];
    tm_error err = TM_ERROR_INIT;
    /* Only the first field is in range of len. */
    cr_assert_eq(survey_form_decode(in, 3, body, 12, &answers, action, &err), 0);
    cr_assert_eq(json_object_size(answers), 1);
    json_decref(answers);
    instrument_free(in);
}

/* ---- html escaping ------------------------------------------------------ */

Test(html, escapes_markup_and_quotes_for_content_and_attributes)
{
    strbuf b = STRBUF_INIT(1024);
    strbuf_adds(&b, "<p title=\"");
    html_escape(&b, "a&b<c>d\"e'f");
    strbuf_adds(&b, "\">");
    html_escapen(&b, "<b>bold</b> and more", 11);
    html_escape(&b, NULL);
    strbuf_adds(&b, "</p>");
    char *s = strbuf_detach(&b, NULL);
    cr_assert_str_eq(s, "<p title=\"a&amp;b&lt;c&gt;d&quot;e&#39;f\">&lt;b&gt;bold&lt;/b&gt;</p>");
    free(s);
}

Test(html, escaping_counts_against_the_cap)
{
    strbuf b = STRBUF_INIT(16);
    cr_assert_eq(html_escape(&b, "<<<<"), 0, "four entities are exactly 16 bytes");
    cr_assert_str_eq(b.buf, "&lt;&lt;&lt;&lt;");
    strbuf_reset(&b);
    strbuf_adds(&b, "x");
    cr_assert_eq(html_escape(&b, "<<<<"), -1, "one byte more does not fit");
    cr_assert_null(strbuf_detach(&b, NULL), "no half page");
}
