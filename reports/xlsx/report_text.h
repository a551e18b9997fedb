/* report_text.h - the words of the Excel report, in Dutch and English.
 *
 * Every label, heading, note and sentence of the workbook comes from here so
 * that the sheet code holds no language. The texts are data for core/text.h:
 * static, and the few that take values (a sentence about a gap, a definition
 * naming k) are templates with {name} placeholders for tm_text_fill.
 *
 * lang is "en" for English; anything else (NULL included) gives Dutch.
 */
#ifndef TM_REPORT_TEXT_H
#define TM_REPORT_TEXT_H

#include <stddef.h>

#include "core/instrument.h"
#include "core/text.h"

/* X(id, Dutch, English) */
#define RT_TEXTS(X)                                                                                  \
    X(RT_SHEET_SUMMARY, "Samenvatting", "Summary")                                                   \
    X(RT_SHEET_CHAIN, "Doorfluisteren", "Carry-through")                                             \
    X(RT_SHEET_GAPS, "Kloven", "Gaps")                                                               \
    X(RT_SHEET_ITEMS, "Per vraag", "Per item")                                                       \
    X(RT_SHEET_RESPONSE, "Respons", "Response")                                                      \
    X(RT_SHEET_TREND, "Trend", "Trend")                                                              \
    X(RT_SHEET_BENCHMARK, "Benchmark", "Benchmark")                                                  \
    X(RT_SHEET_OPEN, "Open antwoorden", "Open answers")                                              \
    X(RT_SHEET_METHOD, "Verantwoording", "Method")                                                   \
    X(RT_SHEET_DATA, "Data", "Data")                                                                 \
    X(RT_REPORT, "Thermometer sociaal domein", "Social Domain Thermometer")                          \
    X(RT_PAGE, "Pagina", "Page")                                                                     \
    X(RT_OF, "van", "of")                                                                            \
    X(RT_VARIANT_FULL, "volledig rapport", "full report")                                            \
    X(RT_VARIANT_COUNCIL, "samenvatting voor de raad", "summary for the council")                    \
    /* Samenvatting */                                                                               \
    X(RT_SUM_TITLE, "Samenvatting", "Summary")                                                       \
    X(RT_ORGANISATION, "Organisatie", "Organisation")                                                \
    X(RT_WAVE, "Meting", "Survey round")                                                             \
    X(RT_INSTRUMENT, "Instrument", "Instrument")                                                     \
    X(RT_SUBMITTED, "Ingevulde vragenlijsten", "Completed questionnaires")                           \
    X(RT_INVITED_TOTAL, "Uitgenodigd", "Invited")                                                    \
    X(RT_RATE_TOTAL, "Responspercentage", "Response rate")                                           \
    X(RT_GENERATED, "Gemaakt op", "Generated on")                                                    \
    X(RT_SUM_THERMO, "Temperatuur per thema", "Temperature per theme")                               \
    X(RT_THEME, "Thema", "Theme")                                                                    \
    X(RT_DOMAIN, "Onderwerp", "Subject")                                                             \
    X(RT_TEMPERATURE, "Temperatuur (0–100)", "Temperature (0–100)")                                  \
    X(RT_GRADE, "Rapportcijfer", "Grade (1–10)")                                                     \
    X(RT_BAND, "Oordeel", "Rating")                                                                  \
    X(RT_CARRY, "Doorfluisterindex (%)", "Carry-through index (%)")                                  \
    X(RT_CHAIN_SPAN, "Keten (van → tot)", "Chain (from → to)")                                       \
    X(RT_CARRY_MEASURE, "Gemeten op", "Measured on")                                                 \
    X(RT_SUM_GAPS, "Waar gaat de bedoeling verloren?", "Where is the intent lost?")                  \
    X(RT_SUM_NOTE,                                                                                   \
      "Temperatuur: het gemiddelde van de lagen min de halve spreiding tussen de lagen; goed "       \
      "vanaf "                                                                                       \
      "{goed}, aandacht vanaf {aandacht}, daaronder zorg. Doorfluisterindex: hoeveel procent van "   \
      "het niveau van de eerste laag bij de laatste laag aankomt. Zie Verantwoording.",              \
      "Temperature: the mean of the layers minus half the spread between them; good from {goed}, "   \
      "attention from {aandacht}, below that concern. Carry-through index: the percentage of the "   \
      "first layer's level that reaches the last layer. See Method.")                                \
    X(RT_CHART_TEMP, "Temperatuur per thema (0–100)", "Temperature per theme (0–100)")               \
    X(RT_GAP_FIRST,                                                                                  \
      "Bij {theme} komt de bedoeling voor {carry}% aan bij {last}; het grootste verlies zit "        \
      "tussen {from} en {to} ({measure} {diff} punten lager).",                                      \
      "For {theme}, {carry}% of the intent reaches {last}; the largest loss lies between {from} "    \
      "and {to} ({measure} {diff} points lower).")                                                   \
    X(RT_GAP_FIRST_NOCARRY,                                                                          \
      "Bij {theme} zit het grootste verlies van de bedoeling tussen {from} en {to} ({measure} "      \
      "{diff} punten lager).",                                                                       \
      "For {theme}, the largest loss of intent lies between {from} and {to} ({measure} {diff} "      \
      "points lower).")                                                                              \
    X(RT_GAP_MORE,                                                                                   \
      "Bij {theme} gaat ook tussen {from} en {to} een deel van de bedoeling verloren ({measure} "    \
      "{diff} punten lager).",                                                                       \
      "For {theme}, part of the intent is also lost between {from} and {to} ({measure} {diff} "      \
      "points lower).")                                                                              \
    X(RT_GAP_NONE,                                                                                   \
      "Tussen opeenvolgende lagen is geen verschil statistisch significant (Holm-gecorrigeerde p "   \
      "< 0,05): de verschillen in de keten kunnen op toeval berusten.",                              \
      "No difference between successive layers is statistically significant (Holm-adjusted p < "     \
      "0.05): the differences along the chain may be due to chance.")                                \
    X(RT_GAP_FOOT,                                                                                   \
      "De drie grootste verschillen tussen opeenvolgende lagen die significant zijn na "             \
      "Holm-correctie (p < 0,05).",                                                                  \
      "The three largest differences between successive layers that are significant after Holm "     \
      "correction (p < 0.05).")                                                                      \
    /* measures, bands, item types */                                                                \
    X(RT_MEASURE, "Maat", "Measure")                                                                 \
    X(RT_SCORE, "score", "score")                                                                    \
    X(RT_KNOWLEDGE, "kennis", "knowledge")                                                           \
    X(RT_PERCEPTION, "perceptiekloof", "perception gap")                                             \
    X(RT_GOED, "goed", "good")                                                                       \
    X(RT_AANDACHT, "aandacht", "attention")                                                          \
    X(RT_ZORG, "zorg", "concern")                                                                    \
    X(RT_LIKERT, "stelling", "statement")                                                            \
    X(RT_GRADE_ITEM, "rapportcijfer", "grade")                                                       \
    X(RT_INTENT, "kennisvraag", "knowledge question")                                                \
    X(RT_CHOICE, "keuzevraag", "choice")                                                             \
    X(RT_TEXT, "open vraag", "open question")                                                        \
    X(RT_DONT_KNOW, "weet niet", "don't know")                                                       \
    /* Doorfluisteren */                                                                             \
    X(RT_CHAIN_TITLE, "Doorfluisteren: de bedoeling langs de keten",                                 \
      "Carry-through: the intent along the chain")                                                   \
    X(RT_CHAIN_NOTE,                                                                                 \
      "Gemiddelde per laag op een schaal van 0 tot 100. Score: ervaren afstemming (stellingen en "   \
      "rapportcijfers). Kennis: juiste antwoorden op de kennisvragen. Perceptiekloof: score min "    \
      "kennis (positief: men denkt de bedoeling beter te kennen dan blijkt).",                       \
      "Mean per layer on a scale of 0 to 100. Score: perceived alignment (statements and "           \
      "grades). "                                                                                    \
      "Knowledge: correct answers to the knowledge questions. Perception gap: score minus "          \
      "knowledge (positive: people believe they know the intent better than they do).")              \
    X(RT_SUPPRESSED_NOTE,                                                                            \
      "Niet getoond wegens te weinig ingevulde vragenlijsten (minder dan {k}): {layers}.",           \
      "Not shown because too few questionnaires were completed (fewer than {k}): {layers}.")         \
    X(RT_MEANS, "Gemiddelde per laag", "Mean per layer")                                             \
    X(RT_LINKS, "Doorgifte per schakel", "Carry-through per link")                                   \
    X(RT_LINKS_NOTE,                                                                                 \
      "Gemiddelde van de lagere laag gedeeld door dat van de hogere laag, op de maat van de "        \
      "doorfluisterindex; 100% betekent dat alles doorkomt.",                                        \
      "Mean of the lower layer divided by that of the upper layer, on the measure of the "           \
      "carry-through index; 100% means everything carries through.")                                 \
    X(RT_CHART_DATA, "Grafiekgegevens (maat van de doorfluisterindex)",                              \
      "Chart data (measure of the carry-through index)")                                             \
    X(RT_CHART_CHAIN, "De bedoeling langs de keten (0–100)", "The intent along the chain (0–100)")   \
    X(RT_LAYER, "Laag", "Layer")                                                                     \
    /* Kloven */                                                                                     \
    X(RT_GAPS_TITLE, "Kloven tussen lagen", "Gaps between layers")                                   \
    X(RT_GAPS_NOTE,                                                                                  \
      "Verschil: gemiddelde van de hogere laag min dat van de lagere laag, in punten op 0–100; "   \
      "positief betekent dat bedoeling verloren gaat. *: significant na Holm-correctie (p < "        \
      "0,05). g: Hedges' g, de grootte van het verschil (0,2 klein, 0,5 middel, 0,8 groot).",        \
      "Difference: mean of the upper layer minus that of the lower layer, in points on 0–100; "    \
      "positive means intent is lost. *: significant after Holm correction (p < 0.05). g: "          \
      "Hedges' g, the size of the difference (0.2 small, 0.5 medium, 0.8 large).")                   \
    X(RT_GAPS_THEMES, "Thema's", "Themes")                                                           \
    X(RT_GAPS_DOMAINS, "Onderwerpen", "Subjects")                                                    \
    X(RT_DIFF, "Verschil", "Difference")                                                             \
    X(RT_SIG, "Sig.", "Sig.")                                                                        \
    X(RT_G, "g", "g")                                                                                \
    X(RT_ANOVA, "Verschillen over alle lagen (ANOVA)", "Differences across all layers (ANOVA)")      \
    X(RT_DETAILS, "Alle kloven in detail", "All gaps in detail")                                     \
    X(RT_FROM, "Van", "From")                                                                        \
    X(RT_TO, "Naar", "To")                                                                           \
    X(RT_CI_LOW, "95%-BI laag", "95% CI low")                                                        \
    X(RT_CI_HIGH, "95%-BI hoog", "95% CI high")                                                      \
    X(RT_P_HOLM, "p (Holm)", "p (Holm)")                                                             \
    X(RT_NAME, "Naam", "Name")                                                                       \
    /* Per vraag */                                                                                  \
    X(RT_ITEMS_TITLE, "Per vraag", "Per item")                                                       \
    X(RT_ITEMS_NOTE,                                                                                 \
      "Gemiddelde op 0–100 (kennisvragen: percentage juist). Weet niet: aandeel van wie de vraag " \
      "beantwoordde. Verdeling: aantal per antwoord 1, 2, …; bij kennisvragen per optie in de "    \
      "volgorde a, b, c, …. rwg: overeenstemming binnen de laag (0 geen, 1 volledig).",              \
      "Mean on 0–100 (knowledge questions: percentage correct). Don't know: share of those who "   \
      "answered the item. Distribution: count per answer 1, 2, …; for knowledge questions per "    \
      "option in the order a, b, c, …. rwg: agreement within the layer (0 none, 1 complete).")       \
    X(RT_ITEM, "Vraag", "Item")                                                                      \
    X(RT_TYPE, "Soort", "Type")                                                                      \
    X(RT_ITEM_TEXT, "Vraagtekst", "Item text")                                                       \
    X(RT_MEAN, "Gemiddelde", "Mean")                                                                 \
    X(RT_SD, "sd", "sd")                                                                             \
    X(RT_DK_SHARE, "Weet niet", "Don't know")                                                        \
    X(RT_RWG, "rwg", "rwg")                                                                          \
    /* Respons */                                                                                    \
    X(RT_RESP_TITLE, "Respons per laag", "Response per layer")                                       \
    X(RT_RESP_NOTE,                                                                                  \
      "Aantallen mogen voor elke laag getoond worden; de antwoorden van een laag met minder dan "    \
      "{k} ingevulde vragenlijsten blijven overal buiten het rapport.",                              \
      "Counts may be shown for every layer; the answers of a layer with fewer than {k} completed "   \
      "questionnaires are left out of the report everywhere.")                                       \
    X(RT_INVITED, "Uitgenodigd", "Invited")                                                          \
    X(RT_STARTED, "Gestart", "Started")                                                              \
    X(RT_SUBMITTED_COL, "Ingevuld", "Completed")                                                     \
    X(RT_RATE, "Respons (%)", "Response (%)")                                                        \
    X(RT_SHOWN, "In het rapport", "In the report")                                                   \
    X(RT_SHOWN_YES, "ja", "yes")                                                                     \
    X(RT_SHOWN_NO, "nee: minder dan {k} ingevuld", "no: fewer than {k} completed")                   \
    X(RT_TOTAL, "Totaal", "Total")                                                                   \
    X(RT_CHART_RESP, "Uitgenodigd en ingevuld per laag", "Invited and completed per layer")          \
    /* Trend, Benchmark */                                                                           \
    X(RT_TREND_TITLE, "Trend ten opzichte van de vorige meting",                                     \
      "Trend compared with the previous round")                                                      \
    X(RT_TREND_NOTE, "Verschil: deze meting min de vorige, in punten op 0–100; p: Welch-toets.",     \
      "Difference: this round minus the previous one, in points on 0–100; p: Welch test.")           \
    X(RT_PREVIOUS, "Vorige meting", "Previous round")                                                \
    X(RT_CURRENT, "Deze meting", "This round")                                                       \
    X(RT_BENCH_TITLE, "Vergelijking met andere organisaties",                                        \
      "Comparison with other organisations")                                                         \
    X(RT_BENCH_NOTE,                                                                                 \
      "Mediaan: de middelste van de laaggemiddelden van andere organisaties met hetzelfde "          \
      "instrument. Percentiel: het percentage van die organisaties dat lager scoort.",               \
      "Median: the middle one of the layer means of other organisations with the same "              \
      "instrument. Percentile: the percentage of those organisations that score lower.")             \
    X(RT_THIS_ORG, "Deze organisatie", "This organisation")                                          \
    X(RT_MEDIAN, "Mediaan andere", "Median of others")                                               \
    X(RT_PERCENTILE, "Percentiel", "Percentile")                                                     \
    X(RT_ORGS, "Organisaties", "Organisations")                                                      \
    /* Open antwoorden */                                                                            \
    X(RT_OPEN_TITLE, "Open antwoorden", "Open answers")                                              \
    X(RT_OPEN_NOTE,                                                                                  \
      "Letterlijk zoals ingevuld, per vraag en laag; antwoorden van lagen met minder dan {k} "       \
      "ingevulde vragenlijsten staan er niet in.",                                                   \
      "Verbatim as entered, per item and layer; answers of layers with fewer than {k} completed "    \
      "questionnaires are not included.")                                                            \
    X(RT_ANSWER, "Antwoord", "Answer")                                                               \
    X(RT_OPEN_NONE, "Er zijn geen open antwoorden.", "There are no open answers.")                   \
    /* Verantwoording */                                                                             \
    X(RT_METHOD_TITLE, "Verantwoording", "Method")                                                   \
    X(RT_TERM, "Onderdeel", "Topic")                                                                 \
    X(RT_EXPLANATION, "Toelichting", "Explanation")                                                  \
    X(RT_VERSION, "versie", "version")                                                               \
    X(RT_PRODUCT, "Productversie", "Product version")                                                \
    X(RT_K, "Minimale groepsgrootte (k)", "Minimum group size (k)")                                  \
    X(RT_SUPPRESSED_LAYERS, "Onderdrukte lagen", "Suppressed layers")                                \
    X(RT_NONE, "geen", "none")                                                                       \
    X(RT_VARIANT, "Variant", "Variant")

typedef enum rt_id {
#define RT_ENUM(id, nl, en) id,
    RT_TEXTS(RT_ENUM)
#undef RT_ENUM
        RT__COUNT
} rt_id;

/* The text of id in lang. Static; never NULL. */
const char *rt_get(rt_id id, const char *lang);

/* One definition of the Verantwoording sheet: a term and its explanation,
 * the latter a template with {k}, {goed}, {aandacht}. */
typedef struct rt_def {
    tm_text term;
    tm_text text;
} rt_def;

/* The definitions, in the order they are shown; *n gets the count. Static. */
const rt_def *rt_definitions(size_t *n);

/* v with `decimals` decimals, Dutch decimal comma unless lang is "en",
 * into buf (always NUL-terminated). */
void rt_number(char *buf, size_t size, double v, int decimals, const char *lang);

/* The layer as it reads after "bij"/"reaches" in a sentence: "de uitvoering",
 * "het management", "frontline staff"; for an unknown key, label with a
 * lower-case first letter. Written into buf; returns buf. */
char *rt_layer_phrase(char *buf, size_t size, const char *key, const char *label, const char *lang);

/* label with its first letter in lower case (ASCII letters only), into buf;
 * returns buf. */
char *rt_lower(char *buf, size_t size, const char *label);

/* The item type as a word ("stelling", "kennisvraag", ...). Static. */
const char *rt_item_type(item_type t, const char *lang);

#endif
