/* preview.c - `make preview`: the respondent's survey page as files, for
 * looking at in a browser while working on its markup or style sheet.
 *
 *   preview INSTRUMENT_FILE OUT_DIR
 *
 * Renders the form of the layer uitvoering with the server's own code
 * (survey_page_render), in Dutch and in English, as a respondent meets it
 * after saving a draft: some answers filled in, one problem reported next to
 * its item, the "saved" notice. Writes into OUT_DIR (which must exist):
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

/* Renders the sample page in lang; caller frees. */
static char *render_sample(const instrument *in, const char *lang)
{
    int en = !strcmp(lang, "en");
    json_t *answers = json_pack("{s:i, s:s, s:i, s:s}", "ek-eff-1", 4, "ek-eff-kn-1", "b",
                                "ek-dv-cijfer", 7, "open-eff", "Vaker samen om tafel met beleid.");
    /* answers_check's own text: the page puts it in its language */
    json_t *errors = json_pack("[{s:s, s:s}]", "item", "ek-eff-2", "error", "is required");
    survey_page p = {
        .in = in,
        .layer = instrument_layer_index(in, "uitvoering"),
        .lang = lang,
        .action = "/s/voorbeeld",
        .answers = answers,
        .errors = errors,
        .notice = en ? "Your answers have been saved." : "Uw antwoorden zijn opgeslagen.",
        .min_group_size = 5,
        .wave_name = "Meting 2025",
        .organisation = "Gemeente Voorbeeld",
    };
    char *html = p.layer >= 0 ? survey_page_render(&p) : NULL;
    json_decref(answers);
    json_decref(errors);
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
    char *nl = render_sample(in, "nl"), *en = render_sample(in, "en");
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
