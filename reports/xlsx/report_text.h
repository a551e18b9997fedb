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
    X(RT_SHEET_TALK, "Gesprek", "Dialogue")                                                          \
    X(RT_SHEET_CHAIN, "Doorfluisteren", "Carry-through")                                             \
    X(RT_SHEET_GAPS, "Kloven", "Gaps")                                                               \
    X(RT_SHEET_ITEMS, "Per vraag", "Per item")                                                       \
    X(RT_SHEET_RULES, "Regelkaart", "Rules map")                                                     \
    X(RT_SHEET_RESPONSE, "Respons", "Response")                                                      \
    X(RT_SHEET_TREND, "Trend", "Trend")                                                              \
    X(RT_SHEET_BENCHMARK, "Benchmark", "Benchmark")                                                  \
    X(RT_SHEET_OPEN, "Open antwoorden", "Open answers")                                              \
    X(RT_SHEET_METHOD, "Verantwoording", "Method")                                                   \
    X(RT_SHEET_DATA, "Data", "Data")                                                                 \
    X(RT_SHEET_THEMES, "Per thema", "Per theme")                                                     \
    X(RT_SHEET_READING, "Respons en uitleg", "Response and guide")                                   \
    X(RT_REPORT, "Thermometer sociaal domein", "Social Domain Thermometer")                          \
    X(RT_PAGE, "Pagina", "Page")                                                                     \
    X(RT_OF, "van", "of")                                                                            \
    X(RT_VARIANT_FULL, "volledig rapport", "full report")                                            \
    X(RT_VARIANT_COUNCIL, "samenvatting voor de raad", "summary for the council")                    \
    X(RT_FILE_FULL, "volledig", "full")                                                              \
    X(RT_FILE_COUNCIL, "raad", "council")                                                            \
    X(RT_SUM_TITLE, "Samenvatting", "Summary")                                                       \
    X(RT_ORGANISATION, "Organisatie", "Organisation")                                                \
    X(RT_WAVE, "Meting", "Survey round")                                                             \
    X(RT_INSTRUMENT, "Instrument", "Instrument")                                                     \
    X(RT_COLLECTION, "Verzameld", "Collected")                                                       \
    X(RT_COLLECTION_ONLINE, "online, via uitnodigingen en links van de Thermometer",                 \
      "online, through the Thermometer's invitations and links")                                     \
    X(RT_COLLECTION_IMPORT,                                                                          \
      "ingelezen uit een bestand (import): niet via de Thermometer verzameld",                       \
      "read in from a file (import): not collected by the Thermometer")                              \
    X(RT_RESPONSE, "Respons", "Response")                                                            \
    X(RT_SUBMITTED, "Ingevulde vragenlijsten", "Completed questionnaires")                           \
    X(RT_GENERATED, "Gemaakt op", "Generated on")                                                    \
    X(RT_SUM_THERMO, "De thermometer per thema", "The thermometer per theme")                        \
    X(RT_THEME, "Thema", "Theme")                                                                    \
    X(RT_DOMAIN, "Onderwerp", "Subject")                                                             \
    X(RT_TEMPERATURE, "Temperatuur (0–100)", "Temperature (0–100)")                                  \
    X(RT_GRADE, "Rapportcijfer", "Grade (1–10)")                                                     \
    X(RT_BAND, "Beoordeling", "Rating")                                                              \
    X(RT_TEMP_SHORT, "Temperatuur", "Temperature")                                                   \
    X(RT_GRADE_SHORT, "Cijfer", "Grade")                                                             \
    X(RT_BASED_ON, "Op basis van", "Based on")                                                       \
    X(RT_CARRY, "Doorfluisterindex (%)", "Carry-through index (%)")                                  \
    X(RT_CARRY_CI_LOW, "Index 95%-BI laag", "Index 95% CI low")                                      \
    X(RT_CARRY_CI_HIGH, "Index 95%-BI hoog", "Index 95% CI high")                                    \
    X(RT_CHAIN_SPAN, "Van → tot", "From → to")                                                       \
    X(RT_MEASURES_NOTE,                                                                              \
      "{Score}: {score_description}. {Knowledge}: {knowledge_description}. Temperatuur: het "        \
      "gemiddelde van de lagen min de halve spreiding tussen de lagen; goed vanaf {goed}, "          \
      "vraagt aandacht vanaf {aandacht}, daaronder zorgelijk. Doorfluisterindex: hoeveel "           \
      "procent van het niveau van de eerste laag bij de laatste laag aankomt, met het "              \
      "95%-betrouwbaarheidsinterval. Zie Verantwoording.",                                           \
      "{Score}: {score_description}. {Knowledge}: {knowledge_description}. Temperature: the "        \
      "mean of the layers minus half the spread between them; good from {goed}, needs "              \
      "attention from {aandacht}, below that of concern. Carry-through index: the percentage "       \
      "of the first layer's level that reaches the last layer, with its 95% confidence "             \
      "interval. See Method.")                                                                       \
    X(RT_SUM_GAPS, "Waar gaat de bedoeling verloren?", "Where is the intent lost?")                  \
    X(RT_GAP_NONE,                                                                                   \
      "Tussen opeenvolgende lagen is geen verschil significant na Holm-correctie (p < 0,05): "       \
      "de verschillen in de keten kunnen op toeval berusten.",                                       \
      "No difference between successive layers is significant after Holm correction (p < "           \
      "0.05): the differences along the chain may be due to chance.")                                \
    X(RT_GAP_FOOT,                                                                                   \
      "De grootste verschillen tussen opeenvolgende lagen, significante eerst "                      \
      "(Holm-gecorrigeerde p < 0,05); elke zin gaat over één maat. Alle kloven met toetsen "       \
      "staan op het blad Kloven.",                                                                   \
      "The largest differences between successive layers, significant ones first "                   \
      "(Holm-adjusted p < 0.05); each sentence is about one measure. Every gap with its tests "      \
      "is on the Gaps sheet.")                                                                       \
    X(RT_CHART_TEMP, "Temperatuur per thema (0–100)", "Temperature per theme (0–100)")               \
    X(RT_MEASURE, "Maat", "Measure")                                                                 \
    X(RT_PERCEPTION, "perceptiekloof", "perception gap")                                             \
    X(RT_LIKERT, "stelling", "statement")                                                            \
    X(RT_GRADE_ITEM, "rapportcijfer", "grade")                                                       \
    X(RT_INTENT, "kennisvraag", "knowledge question")                                                \
    X(RT_CHOICE, "keuzevraag", "choice")                                                             \
    X(RT_TEXT, "open vraag", "open question")                                                        \
    X(RT_DONT_KNOW, "weet niet", "don't know")                                                       \
    X(RT_CHAIN_TITLE, "Doorfluisteren: de bedoeling langs de keten",                                 \
      "Carry-through: the intent along the chain")                                                   \
    X(RT_CHAIN_NOTE,                                                                                 \
      "Gemiddelde per laag op een schaal van 0 tot 100. {Score}: {score_description}. "              \
      "{Knowledge}: {knowledge_description}. Perceptiekloof: {score} min {knowledge} "               \
      "(positief: men denkt de bedoeling beter te kennen dan blijkt).",                              \
      "Mean per layer on a scale of 0 to 100. {Score}: {score_description}. {Knowledge}: "           \
      "{knowledge_description}. Perception gap: {score} minus {knowledge} (positive: people "        \
      "believe they know the intent better than they do).")                                          \
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
    X(RT_CHART_DATA, "Grafiekgegevens: {measure} per laag", "Chart data: {measure} per layer")       \
    X(RT_CHART_CHAIN, "De bedoeling langs de keten: {measure} per laag (0–100)",                     \
      "The intent along the chain: {measure} per layer (0–100)")                                     \
    X(RT_CHART_EMPTY_NOTE,                                                                           \
      "Een lege cel: niet te tonen (laag of cel met minder dan {k} antwoorden).",                    \
      "An empty cell: cannot be shown (a layer or cell with fewer than {k} answers).")               \
    X(RT_LAYER, "Laag", "Layer")                                                                     \
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
    X(RT_ITEMS_TITLE, "Per vraag", "Per item")                                                       \
    X(RT_ITEMS_NOTE,                                                                                 \
      "Gemiddelde op 0–100 (kennisvragen: percentage juist, met het Wilson-interval). Weet "       \
      "niet: aandeel van wie de vraag beantwoordde. Verdeling: aantal per antwoord 1, 2, …; "      \
      "bij kennisvragen per optie in de volgorde a, b, c, …. rwg: overeenstemming binnen de "      \
      "laag (0 geen, 1 volledig). Kern: gesteld aan alle lagen; alleen kernvragen tellen mee "       \
      "in thema's en onderwerpen.",                                                                  \
      "Mean on 0–100 (knowledge questions: percentage correct, with the Wilson interval). "        \
      "Don't know: share of those who answered the item. Distribution: count per answer 1, 2, "      \
      "…; for knowledge questions per option in the order a, b, c, …. rwg: agreement within "    \
      "the layer (0 none, 1 complete). Core: asked of every layer; only core items count in "        \
      "themes and subjects.")                                                                        \
    X(RT_ITEM, "Vraag", "Item")                                                                      \
    X(RT_TYPE, "Soort", "Type")                                                                      \
    X(RT_ITEM_TEXT, "Vraagtekst", "Item text")                                                       \
    X(RT_CORE, "Kern", "Core")                                                                       \
    X(RT_YES, "ja", "yes")                                                                           \
    X(RT_NO, "nee", "no")                                                                            \
    X(RT_MEAN, "Gemiddelde", "Mean")                                                                 \
    X(RT_SD, "sd", "sd")                                                                             \
    X(RT_DK_SHARE, "Weet niet", "Don't know")                                                        \
    X(RT_RWG, "rwg", "rwg")                                                                          \
    X(RT_RESP_TITLE, "Respons per laag", "Response per layer")                                       \
    X(RT_RESP_NOTE,                                                                                  \
      "Respons: ingevuld via de uitnodigingen en links van de Thermometer, gedeeld door het "        \
      "aantal uitgenodigden. Ingelezen vragenlijsten (import) staan in een eigen kolom en "          \
      "tellen niet mee in het percentage. Aantallen mogen voor elke laag getoond worden; de "        \
      "antwoorden van een laag met minder dan {k} ingevulde vragenlijsten blijven overal "           \
      "buiten het rapport.",                                                                         \
      "Response: completed through the Thermometer's invitations and links, divided by the "         \
      "number invited. Questionnaires read in (import) have a column of their own and do not "       \
      "count in the percentage. Counts may be shown for every layer; the answers of a layer "        \
      "with fewer than {k} completed questionnaires are left out of the report everywhere.")         \
    X(RT_INVITED, "Uitgenodigd", "Invited")                                                          \
    X(RT_STARTED, "Gestart", "Started")                                                              \
    X(RT_SUBMITTED_COL, "Ingevuld", "Completed")                                                     \
    X(RT_IMPORTED, "Ingelezen", "Read in")                                                           \
    X(RT_RATE, "Respons (%)", "Response (%)")                                                        \
    X(RT_SHOWN, "In het rapport", "In the report")                                                   \
    X(RT_SHOWN_YES, "ja", "yes")                                                                     \
    X(RT_SHOWN_NO, "nee: minder dan {k} ingevuld", "no: fewer than {k} completed")                   \
    X(RT_TOTAL, "Totaal", "Total")                                                                   \
    X(RT_CHART_RESP, "Uitgenodigd en ingevuld per laag", "Invited and completed per layer")          \
    X(RT_TREND_TITLE, "Trend ten opzichte van de vorige meting",                                     \
      "Trend compared with the previous round")                                                      \
    X(RT_TREND_NOTE,                                                                                 \
      "Verschil: deze meting min de vorige, in punten op 0–100; p: Welch-toets; p (Holm): "        \
      "gecorrigeerd voor het aantal vergelijkingen per maat. Alleen een verschil met p (Holm) "      \
      "< 0,05 is gekleurd (groen: hoger, rood: lager); de rest kan toeval zijn. Niet "               \
      "vergelijkbaar: de sleutel van een kennisvraag van het thema is veranderd, dus de kennis "     \
      "meet nu iets anders.",                                                                        \
      "Difference: this round minus the previous one, in points on 0–100; p: Welch test; p "       \
      "(Holm): adjusted for the number of comparisons per measure. Only a difference with p "        \
      "(Holm) < 0.05 is coloured (green: higher, red: lower); the rest may be chance. Not "          \
      "comparable: the key of a knowledge question of the theme changed, so knowledge now "          \
      "measures something else.")                                                                    \
    X(RT_PREVIOUS, "Vorige meting", "Previous round")                                                \
    X(RT_CURRENT, "Deze meting", "This round")                                                       \
    X(RT_COMPARABLE, "Vergelijkbaar", "Comparable")                                                  \
    X(RT_NOT_COMPARABLE, "nee: sleutel gewijzigd ({items})", "no: key changed ({items})")            \
    X(RT_BENCH_TITLE, "Vergelijking met de vergelijkingsgroep", "Comparison with the peer group")    \
    X(RT_BENCH_NOTE,                                                                                 \
      "De vergelijkingsgroep: organisaties die de beheerder als vergelijkingsgroep heeft "           \
      "aangewezen (hier tot {n}), elk met de laatste afgesloten meting met hetzelfde "               \
      "instrument; een rij alleen bij minstens 5 van hen. Mediaan: de middelste van hun "            \
      "laaggemiddelden. Percentiel: het percentage van die organisaties dat lager scoort. "          \
      "{Knowledge} wordt alleen vergeleken bij kennisvragen met de sleutel van het instrument: "     \
      "een eigen sleutel van de gemeente is een andere vraag.",                                      \
      "The peer group: organisations the administrator marked as benchmark peers (here up to "       \
      "{n}), each with its latest closed round of the same instrument; a row only with at "          \
      "least 5 of them. Median: the middle one of their layer means. Percentile: the "               \
      "percentage of those organisations that score lower. {Knowledge} is compared only on "         \
      "knowledge questions with the instrument's key: a municipality's own key is another "          \
      "question.")                                                                                   \
    X(RT_THIS_ORG, "Deze organisatie", "This organisation")                                          \
    X(RT_MEDIAN, "Mediaan groep", "Median of peers")                                                 \
    X(RT_PERCENTILE, "Percentiel", "Percentile")                                                     \
    X(RT_ORGS, "Organisaties in de groep", "Organisations in the group")                             \
    X(RT_OPEN_TITLE, "Open antwoorden", "Open answers")                                              \
    X(RT_OPEN_NOTE,                                                                                  \
      "Letterlijk zoals ingevuld, per vraag en laag; antwoorden van lagen met minder dan {k} "       \
      "ingevulde vragenlijsten staan er niet in.",                                                   \
      "Verbatim as entered, per item and layer; answers of layers with fewer than {k} "              \
      "completed questionnaires are not included.")                                                  \
    X(RT_ANSWER, "Antwoord", "Answer")                                                               \
    X(RT_OPEN_NONE, "Er zijn geen open antwoorden.", "There are no open answers.")                   \
    X(RT_METHOD_TITLE, "Verantwoording", "Method")                                                   \
    X(RT_TERM, "Onderdeel", "Topic")                                                                 \
    X(RT_EXPLANATION, "Toelichting", "Explanation")                                                  \
    X(RT_VERSION, "versie", "version")                                                               \
    X(RT_PRODUCT, "Productversie", "Product version")                                                \
    X(RT_METHOD_VERSION, "Rekenmethode", "Method of calculation")                                    \
    X(RT_K, "Minimale groepsgrootte (k)", "Minimum group size (k)")                                  \
    X(RT_SUPPRESSED_LAYERS, "Onderdrukte lagen", "Suppressed layers")                                \
    X(RT_NONE, "geen", "none")                                                                       \
    X(RT_VARIANT, "Variant", "Variant")                                                              \
    X(RT_TALK_TITLE, "Gesprek: herkent u dit, en wat is hier nodig?",                                \
      "Dialogue: do you recognise this, and what is needed here?")                                   \
    X(RT_TALK_NOTE,                                                                                  \
      "Voor de dialoogsessie na de meting: de grootste verliezen langs de keten, de sterkste "       \
      "punten en de regelkaart. Bespreek bij elk punt de vraag ernaast en noteer de afspraken "      \
      "in de laatste kolom.",                                                                        \
      "For the dialogue session after the survey: the largest losses along the chain, the "          \
      "strongest points and the rules map. Discuss the question beside each point and write "        \
      "down what was agreed in the last column.")                                                    \
    X(RT_TALK_LOSSES, "De grootste verliezen langs de keten",                                        \
      "The largest losses along the chain")                                                          \
    X(RT_TALK_STRENGTHS, "De sterkste punten", "The strongest points")                               \
    X(RT_TALK_RULES, "De regelkaart: waar de lagen verschillen",                                     \
      "The rules map: where the layers differ")                                                      \
    X(RT_TALK_QUESTION, "Herkent u dit? Wat is hier nodig?",                                         \
      "Do you recognise this? What is needed here?")                                                 \
    X(RT_TALK_SEEN, "Wat we zien", "What we see")                                                    \
    X(RT_TALK_ASK, "Om te bespreken", "To discuss")                                                  \
    X(RT_TALK_NOTES, "Aantekeningen", "Notes")                                                       \
    X(RT_TALK_NR, "Nr.", "No.")                                                                      \
    X(RT_TALK_NONE, "Niets om hier te noemen.", "Nothing to list here.")                             \
    X(RT_RULE, "Regel", "Rule")                                                                      \
    X(RT_NET_FROM, "Saldo van", "Net from")                                                          \
    X(RT_NET_TO, "Saldo naar", "Net to")                                                             \
    X(RT_RULES_TITLE, "Regelkaart: welke regels helpen, welke belemmeren?",                          \
      "Rules map: which rules help, which hinder?")                                                  \
    X(RT_RULES_NOTE,                                                                                 \
      "Per regel en laag het saldo: 100 × (helpt − belemmert) / beoordelingen, van −100 "       \
      "(iedereen: belemmert) tot +100 (iedereen: helpt); ‘ken ik niet’ telt niet mee. Omlijnd "  \
      "en vet: een tegenstelling, twee lagen met saldo’s die 50 punten of meer verschillen. ‘< " \
      "{k}’: minder dan {k} beoordelingen.",                                                         \
      "Per rule and layer the net rating: 100 × (helps − hinders) / ratings, from −100 "        \
      "(everyone: hinders) to +100 (everyone: helps); ‘I don't know this rule’ does not count. " \
      "Boxed and bold: a conflict, two layers whose net ratings differ by 50 points or more. "       \
      "‘< {k}’: fewer than {k} ratings.")                                                            \
    X(RT_RULES_NONE, "Deze meting heeft geen eigen regels laten beoordelen.",                        \
      "This round had no local rules rated.")                                                        \
    X(RT_CONFLICTS, "Tegenstellingen", "Conflicts")                                                  \
    X(RT_RULES_COUNTS, "Aantallen per regel en laag", "Counts per rule and layer")                   \
    X(RT_HELPT, "Helpt", "Helps")                                                                    \
    X(RT_NEUTRAAL, "Maakt niet uit", "No difference")                                                \
    X(RT_BELEMMERT, "Belemmert", "Hinders")                                                          \
    X(RT_ONBEKEND, "Ken ik niet", "Don't know it")                                                   \
    X(RT_NET, "Saldo", "Net")                                                                        \
    X(RT_RATINGS, "Beoordelingen", "Ratings")

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

/* The item type as a word ("stelling", "kennisvraag", ...). Static. */
const char *rt_item_type(item_type t, const char *lang);

#endif
