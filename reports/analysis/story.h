/* story.h - what an analysis says, in words: the few facts a council member
 * or a consultant's dialogue session starts from, and the plain sentences
 * (Dutch at language level B1, or English) that tell them.
 *
 * Both council summaries (the workbook, reports/xlsx, and the web page,
 * reports/html) and the consultant's Gesprek sheet pick their facts and
 * words here, so the two summaries say the same thing in the same words.
 * Every number in a sentence is a figure of the analysis JSON
 * (docs/method.md), rounded for reading; every sentence is about one
 * measure. Only layers and cells the analysis shows are ever named.
 *
 *   story_fact f[STORY_COUNCIL_MAX];
 *   size_t n = story_council(analysis, f, STORY_COUNCIL_MAX);
 *   strbuf sb = STRBUF_INIT(4096);
 *   for (size_t i = 0; i < n; i++) {
 *       strbuf_reset(&sb);
 *       story_sentence(&f[i], analysis, in, "nl", &sb);   // sb.buf: one sentence
 *   }
 */
#ifndef TM_STORY_H
#define TM_STORY_H

#include <jansson.h>
#include <stddef.h>

#include "core/instrument.h"
#include "core/strbuf.h"
#include "core/text.h"

/* Significance level a sentence needs to call a difference a loss. */
#define STORY_ALPHA 0.05
#define STORY_COUNCIL_MAX 5
/* The rules the council summary's second page tells (story_rules). */
#define STORY_COUNCIL_RULES 3

typedef enum story_kind {
    STORY_LOSS_MOST,       /* the largest significant drop in beleving between adjacent layers */
    STORY_NO_LOSS,         /* no drop in beleving between adjacent layers is significant */
    STORY_LOSS,            /* a drop between adjacent layers, any measure (lists) */
    STORY_CARRY_LEAST,     /* the theme whose carry-through index is lowest */
    STORY_CARRY,           /* a theme's carry-through index */
    STORY_KNOWLEDGE_LEAST, /* the layer that answers a theme's knowledge questions worst */
    STORY_STRENGTH_MOST,   /* the warmest theme */
    STORY_STRENGTH,        /* a warm theme (lists) */
    STORY_RULE_SPLIT,      /* a rule two layers rate far apart (a conflict) */
    STORY_RULE_HINDERS,    /* a rule a layer says hinders more than it helps */
} story_kind;

/* One fact. Pointers are borrowed from the analysis. */
typedef struct story_fact {
    story_kind kind;
    int measure;           /* MEASURE_* (measures.h) the figures are of; -1 for the
                              temperature and for rules */
    json_t *theme;         /* the theme entry, NULL for a rule */
    json_t *src;           /* the gap, the rule, or NULL */
    const char *from, *to; /* layer keys (from the upper layer); NULL when not about layers */
    double a, b;           /* LOSS: from's and to's mean; CARRY: carry, -; KNOWLEDGE: the
                              mean, -; STRENGTH: temperature, -; RULE_SPLIT: the nets of
                              from and to; RULE_HINDERS: the net, - */
    double diff;           /* LOSS: the gap's diff; RULE_SPLIT: the conflict's diff */
    double p_holm;         /* LOSS: the gap's p_holm (NAN when none) */
} story_fact;

/* The sentences of the council summary, 3 to 5 (fewer only for an analysis
 * without themes): where the intent is lost most (or that no loss is sure),
 * the theme with the lowest carry, the layer that knows a theme's intent
 * least (when knowledge is measured, about another theme than the carry
 * sentence), the warmest theme, and the rule the layers disagree on most
 * (when there is a conflict). Returns the count written to out (max
 * entries). */
size_t story_council(json_t *analysis, story_fact *out, size_t max);

/* The largest drops between adjacent shown layers on any measure, at most
 * one per theme and pair of layers (the larger measure), significant ones
 * (p_holm < STORY_ALPHA) first, each group by size. Only positive drops.
 * Returns the count. */
size_t story_losses(json_t *analysis, story_fact *out, size_t max);

/* A theme in short (the council's "per theme" block): its thermometer
 * (STORY_STRENGTH), its carry-through index (STORY_CARRY) when it has one,
 * and its largest significant drop between adjacent shown layers
 * (STORY_LOSS) when there is one. Returns the count (at most 3). */
size_t story_theme(json_t *analysis, json_t *theme, story_fact *out, size_t max);

/* The warmest themes (highest temperature first). Returns the count. */
size_t story_strengths(json_t *analysis, story_fact *out, size_t max);

/* The rules map's talking points: rules with a conflict (largest
 * difference first, one per rule), then rules some layer says hinder most
 * (lowest net first, net below 0). Returns the count. */
size_t story_rules(json_t *analysis, story_fact *out, size_t max);

/* A rule's text (a rule entry of the analysis, borrowed) in lang: its
 * "text_en" in English when the wave gave one, else its "text", else its
 * key; "" for none. Borrowed from rule. */
const char *story_rule_text(json_t *rule, const char *lang);

/* Appends the sentence of f (in lang: "en" English, else Dutch). Returns 0,
 * or -1 when sb failed. */
int story_sentence(const story_fact *f, json_t *analysis, const instrument *in, const char *lang,
                   strbuf *sb);

/* Appends, when the chain a summary compares does not start at its top
 * layer (the first layer is suppressed, or a theme's carry_from is a later
 * layer), a sentence saying so and from where the comparison starts.
 * Returns 1 when it appended one, 0 when there is nothing to say, -1 when
 * sb failed. */
int story_reference_note(json_t *analysis, const instrument *in, const char *lang, strbuf *sb);

/* Response counts of a wave, summed over layers (counts may be shown for
 * every layer). From progress {"layers": [{invited, started, submitted,
 * imported}]} when given, else from the analysis' "response". */
typedef struct story_response {
    double invited, submitted, imported; /* NAN when unknown */
    double online;                       /* submitted - imported (NAN when unknown) */
    double rate;                         /* online / invited, in [0, 1]; NAN when invited is 0
                                            or the counts do not fit (never above 1) */
    int import_wave;                     /* the wave says "collection": "import" */
} story_response;

void story_response_count(json_t *analysis, json_t *progress, story_response *r);

/* The same for one layer entry of the progress (or of "response"). */
void story_response_layer(json_t *entry, story_response *r);

/* Appends the wave's response in one line ("121 van de 185 uitgenodigden
 * vulden de vragenlijst in (65%)."; an import wave says that its answers
 * were read in). Returns 0 or -1. */
int story_response_line(json_t *analysis, json_t *progress, const char *lang, strbuf *sb);

/* The band of a thermometer ("goed", "aandacht", "zorg") as a reader's
 * word: "goed", "vraagt aandacht", "zorgelijk" (never the bare "zorg", which
 * reads as care next to "Zorg dichtbij"). NULL for an unknown band. Static. */
const char *story_band_label(const char *band, const char *lang);

/* The layer as it reads in a sentence: "het bestuur", "de uitvoering",
 * "beleid"; an unknown key gives its label with a lower-case first letter.
 * Into buf; returns buf. */
char *story_layer_phrase(const instrument *in, const char *key, const char *lang, char *buf,
                         size_t size);

/* A label with a lower-case first letter unless it reads as an
 * abbreviation, into buf; returns buf. */
char *story_lower(const char *label, char *buf, size_t size);

/* v rounded to `decimals` (half away from zero, as a spreadsheet rounds),
 * with a decimal comma unless lang is English, "-0" never. Into buf;
 * returns buf. */
char *story_number(double v, int decimals, const char *lang, char *buf, size_t size);

/* "How to read this": the few terms a council member needs, each a term and
 * a plain explanation (templates with {k}, {goed}, {aandacht}). A measure's
 * term is its label in measures.h. */
typedef struct story_term {
    int measure; /* MEASURE_*, whose label is the term; -1: the term is `term` */
    tm_text term;
    tm_text text;
} story_term;

/* Appends the thermometer's bands in one line ("Goed vanaf 70, vraagt
 * aandacht vanaf 55, daaronder zorgelijk."), the instrument's bounds (70
 * and 55 without one). Returns 0 or -1. */
int story_bands_line(const instrument *in, const char *lang, strbuf *sb);

/* The terms, in the order they are shown; *n gets the count. Static. */
const story_term *story_reading(size_t *n);

/* Appends t's term (capitalised; k filled in). Returns 0 or -1. */
int story_reading_term(const story_term *t, int k, const char *lang, strbuf *sb);

/* Appends t's explanation with k and the instrument's band bounds (70 and
 * 55 without an instrument) filled in. Returns 0 or -1. */
int story_reading_text(const story_term *t, const instrument *in, int k, const char *lang,
                       strbuf *sb);

/* The words of the council summary's pages, shared by the workbook and the
 * web page so that both read the same. Templates may hold {k}, {goed},
 * {aandacht}, {score}, {Score}, {knowledge}, {Knowledge} (measures.h) and
 * the caller's own values. */
#define STORY_WORDS(X)                                                                             \
    X(SW_TITLE, "Thermometer sociaal domein: samenvatting voor de raad",                           \
      "Social Domain Thermometer: summary for the council")                                        \
    X(SW_RESPONSE, "Respons", "Response")                                                          \
    X(SW_CHART_CHAIN, "De bedoeling langs de keten: {measure} per laag (0–100)",                   \
      "The intent along the chain: {measure} per layer (0–100)")                                   \
    X(SW_THERMO, "De thermometer per thema", "The thermometer per theme")                          \
    X(SW_THEME, "Thema", "Theme")                                                                  \
    X(SW_TEMPERATURE, "Temperatuur", "Temperature")                                                \
    X(SW_GRADE, "Cijfer", "Grade")                                                                 \
    X(SW_BAND, "Beoordeling", "Rating")                                                            \
    X(SW_FINDINGS, "Wat valt op?", "What stands out?")                                             \
    X(SW_PER_THEME, "Per thema", "Per theme")                                                      \
    X(SW_PER_THEME_NOTE,                                                                           \
      "{Score} en {knowledge} per laag, op een schaal van 0 tot 100. Een lege cel: te weinig "     \
      "antwoorden om te tonen (minder dan {k}). De woorden staan uitgelegd op de laatste "         \
      "pagina.",                                                                                   \
      "{Score} and {knowledge} per layer, on a scale of 0 to 100. An empty cell: too few answers " \
      "to show (fewer than {k}). The words are explained on the last page.")                       \
    X(SW_MEANS_OF, "{Measure} per laag", "{Measure} per layer")                                    \
    X(SW_RULES, "Regels die helpen of belemmeren", "Rules that help or hinder")                    \
    X(SW_RULES_CALM,                                                                               \
      "Over geen van de regels van deze meting lopen de lagen ver uiteen, en geen laag vindt dat " \
      "een regel meer belemmert dan helpt.",                                                       \
      "The layers are not far apart on any of this wave's rules, and no layer finds that a rule "  \
      "hinders more than it helps.")                                                               \
    X(SW_IN_BRIEF, "In het kort", "In brief")                                                      \
    X(SW_RESPONSE_GUIDE, "Respons en uitleg", "Response and guide")                                \
    X(SW_LAYER, "Laag", "Layer")                                                                   \
    X(SW_INVITED, "Uitgenodigd", "Invited")                                                        \
    X(SW_COMPLETED, "Ingevuld", "Completed")                                                       \
    X(SW_IMPORTED, "Ingelezen", "Read in")                                                         \
    X(SW_RATE, "Respons (%)", "Response (%)")                                                      \
    X(SW_SHOWN, "In deze samenvatting", "In this summary")                                         \
    X(SW_YES, "ja", "yes")                                                                         \
    X(SW_NO_K, "nee: minder dan {k} ingevuld", "no: fewer than {k} completed")                     \
    X(SW_TOTAL, "Totaal", "Total")                                                                 \
    X(SW_READING, "Zo leest u dit", "How to read this")                                            \
    X(SW_GENERATED, "Gemaakt op {when}", "Generated on {when}")                                    \
    X(SW_PAGE_NOTE, "Samenvatting voor de raad, {organisation}, {wave}",                           \
      "Summary for the council, {organisation}, {wave}")

typedef enum story_word_id {
#define STORY_WORD_ENUM(id, nl, en) id,
    STORY_WORDS(STORY_WORD_ENUM)
#undef STORY_WORD_ENUM
        SW__COUNT
} story_word_id;

/* Appends word id in lang with the standard values (k, the instrument's
 * bands, the measures' names) and vars (may be NULL) filled in. Returns 0
 * or -1 when sb failed. */
int story_word(story_word_id id, const instrument *in, int k, const char *lang,
               const tm_text_var *vars, strbuf *sb);

/* The wave's minimum group size k from the analysis (5 when absent, never
 * below 3). */
int story_k(json_t *analysis);

/* Whether layer key is shown in the analysis (in the chain and not
 * suppressed). */
int story_layer_shown(json_t *analysis, const char *key);

/* The mean of measure m of theme entry `theme` in layer `layer`, or NAN
 * when the cell is not shown (absent, suppressed, n < k). */
double story_mean(json_t *analysis, json_t *theme, const char *layer, int m);

/* A label of the instrument in lang; the key itself when unlabelled. */
const char *story_theme_label(const instrument *in, const char *key, const char *lang);
const char *story_layer_label(const instrument *in, const char *key, const char *lang);

#endif
