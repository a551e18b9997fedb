/* preview.c - `make preview`: the respondent's survey page as files, for
 * looking at in a browser while working on its markup or style sheet.
 *
 *   preview INSTRUMENT_FILE OUT_DIR
 *
 * Renders the form of the layer uitvoering with the server's own code
 * (survey_page_render), in Dutch and in English, as a respondent meets it
 * after saving a draft: some answers filled in (picked from the instrument,
 * so any version works), one problem reported next to its item, the "saved"
 * notice. Writes into OUT_DIR (which must exist):
 *
 *   survey.css              the style sheet the server serves
 *   survey-uitvoering.html  the page as served (links /assets/survey.css)
 *   survey-preview.html     the same page linking survey.css beside it
 *   survey-preview-en.html  the English page, likewise
 *
 * A tool, not a test: it judges nothing and exits non-zero only when it
 * cannot write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "server/web/survey_page.h"

#define SERVED_CSS "href=\"/assets/survey.css\""

/* Writes text to dir/name; prints why not and returns -1 when it cannot. */
static int write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        return -1;
    }
    printf("%s\n", path);
    return 0;
}

/* The page with its style sheet link made relative; caller frees. */
static char *with_local_css(const char *html)
{
    const char *at = strstr(html, SERVED_CSS);
    if (!at) return strdup(html);
    char *out = NULL;
    if (asprintf(&out, "%.*shref=\"survey.css\"%s", (int)(at - html), html,
                 at + strlen(SERVED_CSS)) < 0)
        return NULL;
    return out;
}

/* Sample answers for layer, taken from the instrument so that any version
 * works: the first two likert items answered 4 and 2, the first intent or
 * choice item its second option, the first text item a sentence; the third
 * likert item reported as missing (into *errors). New reference. */
static json_t *sample_answers(const instrument *in, int layer, json_t **errors)
{
    json_t *a = json_object();
    *errors = json_array();
    int likert = 0, option = 0, text = 0;
    for (size_t i = 0; i < in->n_items; i++) {
        const tm_item *it = &in->items[i];
        if (!instrument_item_asked(it, layer)) continue;
        if (it->type == ITEM_LIKERT && likert < 3) {
            if (likert < 2)
                json_object_set_new(a, it->key, json_integer(likert ? 2 : 4));
            else /* answers_check's own text: the page puts it in its language */
                json_array_append_new(
                    *errors, json_pack("{s:s, s:s}", "item", it->key, "error", "is required"));
            likert++;
        } else if ((it->type == ITEM_INTENT || it->type == ITEM_CHOICE) && !option &&
                   it->n_options > 1) {
            json_t *pick = json_string(it->options[1].key);
            json_object_set_new(a, it->key, it->multiple ? json_pack("[o]", pick) : pick);
            option = 1;
        } else if (it->type == ITEM_TEXT && !text) {
            json_object_set_new(a, it->key, json_string("Vaker samen om tafel met beleid."));
            text = 1;
        }
    }
    return a;
}

/* Renders the sample page of layer in lang; caller frees. */
static char *render_sample(const instrument *in, const char *layer, const char *lang)
{
    int en = !strcmp(lang, "en");
    survey_page p = {
        .in = in,
        .layer = instrument_layer_index(in, layer),
        .lang = lang,
        .action = "/s/voorbeeld",
        .notice = en ? "Your answers have been saved." : "Uw antwoorden zijn opgeslagen.",
        .min_group_size = 5,
        .wave_name = "Meting 2025",
        .organisation = "Gemeente Voorbeeld",
    };
    if (p.layer < 0) {
        fprintf(stderr, "preview: the instrument has no layer \"%s\"\n", layer);
        return NULL;
    }
    p.seconds = instrument_layer_seconds(in, p.layer, lang, 0, 0); /* a wave without rules */
    p.answers = sample_answers(in, p.layer, &p.errors);
    char *html = survey_page_render(&p);
    json_decref(p.answers);
    json_decref(p.errors);
    return html;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s INSTRUMENT_FILE OUT_DIR\n", argv[0]);
        return 2;
    }
    tm_error err = TM_ERROR_INIT;
    instrument *in = instrument_load_file(argv[1], &err);
    if (!in) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        tm_error_clear(&err);
        return 1;
    }
    int rc = 0;
    char *nl = render_sample(in, "uitvoering", "nl"), *en = render_sample(in, "uitvoering", "en");
    char *nl_local = nl ? with_local_css(nl) : NULL, *en_local = en ? with_local_css(en) : NULL;
    if (!nl_local || !en_local) {
        fprintf(stderr, "preview: the page could not be rendered\n");
        rc = 1;
    } else if (write_file(argv[2], "survey.css", survey_css, strlen(survey_css)) ||
               write_file(argv[2], "survey-uitvoering.html", nl, strlen(nl)) ||
               write_file(argv[2], "survey-preview.html", nl_local, strlen(nl_local)) ||
               write_file(argv[2], "survey-preview-en.html", en_local, strlen(en_local))) {
        rc = 1;
    }
    free(nl);
    free(en);
    free(nl_local);
    free(en_local);
    instrument_free(in);
    return rc;
}
