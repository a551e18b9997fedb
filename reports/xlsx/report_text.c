/* report_text.c - the words of the Excel report, in Dutch and English.
 *
 * See report_text.h. The short texts live in the RT_TEXTS table of the
 * header; the definitions of the Verantwoording sheet are here.
 */
#include "reports/xlsx/report_text.h"

#include <stdio.h>
#include <string.h>

static const tm_text texts[RT__COUNT] = {
#define RT_TEXT(id, nl, en) [id] = {nl, en},
    RT_TEXTS(RT_TEXT)
#undef RT_TEXT
};

const char *rt_get(rt_id id, const char *lang)
{
    if ((int)id < 0 || id >= RT__COUNT) return "";
    return tm_text_get(texts[id], lang);
}

static const rt_def definitions[] = {
    {{"Score (ervaren afstemming)", "Score (perceived alignment)"},
     {"Per respondent het gemiddelde van zijn antwoorden op de stellingen en "
      "rapportcijfers van een thema of onderwerp, omgerekend naar 0–100: een stelling "
      "als 100 · (antwoord − 1) / (aantal punten − 1), een rapportcijfer als 100 · "
      "(cijfer − 1) / 9.",
      "Per respondent the mean of their answers to the statements and grades of a theme or "
      "subject, rescaled to 0–100: a statement as 100 · (answer − 1) / (points − "
      "1), a grade as 100 · (grade − 1) / 9."}},
    {{"Kennis", "Knowledge"},
     {"Per respondent het percentage juiste antwoorden op de kennisvragen van een thema of "
      "onderwerp. Het juiste antwoord ligt vast in het instrument, of is het meest gekozen "
      "antwoord van de eerste getoonde laag van de keten.",
      "Per respondent the percentage of correct answers to the knowledge questions of a "
      "theme or subject. The correct answer is fixed in the instrument, or is the answer "
      "chosen most often by the first layer of the chain that is shown."}},
    {{"Half beantwoord", "Half answered"},
     {"Een respondent telt bij een thema of onderwerp alleen mee als hij minstens de helft "
      "(naar boven afgerond) van de stellingen en cijfers, of van de kennisvragen, "
      "beantwoordde.",
      "A respondent counts for a theme or subject only if they answered at least half "
      "(rounded up) of its statements and grades, or of its knowledge questions."}},
    {{"Weet niet", "Don't know"},
     {"Bij kennis telt ‘weet niet’ als beantwoord en fout (0). Bij de score telt "
      "‘weet niet’ niet mee: het is geen oordeel over de stelling. Het aandeel ‘weet "
      "niet’ staat per vraag op het blad Per vraag.",
      "For knowledge, ‘don't know’ counts as answered and wrong (0). For the score it "
      "is left out: it is no opinion on the statement. The share of ‘don't know’ per "
      "item is on the Per item sheet."}},
    {{"Gemiddelde, sd, 95%-BI", "Mean, sd, 95% CI"},
     {"De standaarddeviatie (sd) met n − 1 in de noemer; het "
      "95%-betrouwbaarheidsinterval is gemiddelde ± t(0,975; n − 1) · sd / √n.",
      "The standard deviation (sd) with n − 1 in the denominator; the 95% confidence "
      "interval is mean ± t(0.975; n − 1) · sd / √n."}},
    {{"Kloof", "Gap"},
     {"Het verschil tussen twee lagen: het gemiddelde van de hogere laag min dat van de "
      "lagere laag, voor elk paar opeenvolgende getoonde lagen en voor de eerste tegen de "
      "laatste laag. Positief: de bedoeling gaat onderweg verloren.",
      "The difference between two layers: the mean of the upper layer minus that of the "
      "lower layer, for every pair of successive layers shown and for the first against "
      "the last layer. Positive: intent is lost along the way."}},
    {{"Welch-toets", "Welch test"},
     {"Toetst of een kloof groter is dan toeval kan verklaren, zonder gelijke spreiding "
      "aan te nemen: t = verschil / √(s₁²/n₁ + s₂²/n₂), vrijheidsgraden "
      "volgens Welch–Satterthwaite, p tweezijdig.",
      "Tests whether a gap is larger than chance explains, without assuming equal spread: "
      "t = difference / √(s₁²/n₁ + s₂²/n₂), degrees of freedom after "
      "Welch–Satterthwaite, p two-sided."}},
    {{"Hedges' g", "Hedges' g"},
     {"De grootte van een kloof in standaarddeviaties (de gepoolde sd van beide lagen), "
      "gecorrigeerd voor kleine groepen. Vuistregel: 0,2 klein, 0,5 middel, 0,8 groot.",
      "The size of a gap in standard deviations (the pooled sd of both layers), corrected "
      "for small groups. Rule of thumb: 0.2 small, 0.5 medium, 0.8 large."}},
    {{"Holm-correctie", "Holm correction"},
     {"Omdat veel kloven tegelijk worden getoetst, zijn de p-waarden aangepast volgens "
      "Holm–Bonferroni: apart over alle kloven in score en over alle kloven in kennis op "
      "themaniveau. Een kloof heet significant als de aangepaste p kleiner is dan 0,05.",
      "Because many gaps are tested at once, p-values are adjusted after "
      "Holm–Bonferroni: separately over all theme-level gaps in score and over all "
      "theme-level gaps in knowledge. A gap is called significant when the adjusted p is "
      "below 0.05."}},
    {{"ANOVA", "ANOVA"},
     {"Eenweg-variantieanalyse over alle getoonde lagen: toetst of de lagen onderling "
      "verschillen. F met vrijheidsgraden df1 = lagen − 1 en df2 = respondenten − "
      "lagen, p, en eta² = het deel van de spreiding dat door de laag wordt verklaard.",
      "One-way analysis of variance over all layers shown: tests whether the layers "
      "differ. F with degrees of freedom df1 = layers − 1 and df2 = respondents − "
      "layers, p, and eta² = the share of the spread explained by the layer."}},
    {{"Doorfluisterindex", "Carry-through index"},
     {"100 · gemiddelde van de laatste laag / gemiddelde van de eerste laag, op kennis "
      "als het thema kennisvragen heeft en anders op score. 100% betekent dat de bedoeling "
      "volledig doorkomt.",
      "100 · mean of the last layer / mean of the first layer, on knowledge when the "
      "theme has knowledge questions and on score otherwise. 100% means the intent carries "
      "through fully."}},
    {{"Doorgifte per schakel", "Carry-through per link"},
     {"Dezelfde verhouding voor elk paar opeenvolgende lagen (lagere laag gedeeld door "
      "hogere).",
      "The same ratio for every pair of successive layers (lower layer divided by upper)."}},
    {{"Perceptiekloof", "Perception gap"},
     {"Score min kennis van een laag. Positief: men denkt de bedoeling te kennen, maar de "
      "kennisvragen laten minder zien.",
      "Score minus knowledge of a layer. Positive: people believe they know the intent, "
      "but the knowledge questions show less."}},
    {{"Temperatuur", "Temperature"},
     {"Het gemiddelde van de laaggemiddelden (op de maat van de doorfluisterindex) min de "
      "helft van het verschil tussen de hoogste en de laagste laag, begrensd tot 0–100. "
      "Een thema is pas warm als de bedoeling in alle lagen leeft.",
      "The mean of the layer means (on the measure of the carry-through index) minus half "
      "the difference between the highest and the lowest layer, clamped to 0–100. A "
      "theme is only warm when the intent lives in every layer."}},
    {{"Rapportcijfer", "Grade"},
     {"De temperatuur als cijfer: 1 + 9 · temperatuur / 100, op één decimaal.",
      "The temperature as a Dutch report mark: 1 + 9 · temperature / 100, one decimal."}},
    {{"Oordeel", "Rating"},
     {"Goed bij een temperatuur vanaf {goed}, aandacht vanaf {aandacht}, zorg daaronder.",
      "Good at a temperature from {goed}, attention from {aandacht}, concern below."}},
    {{"rwg", "rwg"},
     {"Overeenstemming binnen een laag bij een stelling: 1 − (variantie van de "
      "antwoorden / variantie bij willekeurig antwoorden), begrensd tot 0–1. Dicht bij "
      "1: de laag is het eens.",
      "Agreement within a layer on a statement: 1 − (variance of the answers / variance "
      "of random answers), clamped to 0–1. Close to 1: the layer agrees."}},
    {{"Anonimiteit", "Anonymity"},
     {"Resultaten worden alleen getoond voor groepen van minstens {k} personen. Een laag "
      "met minder dan {k} ingevulde vragenlijsten blijft overal weg (alleen de aantallen "
      "uitgenodigd en ingevuld worden genoemd); een cel met minder dan {k} antwoorden "
      "toont ‘< {k}’. Totalen gaan alleen over getoonde respondenten, zodat niets door "
      "aftrekken terug te rekenen is.",
      "Results are shown only for groups of at least {k} people. A layer with fewer than "
      "{k} completed questionnaires is left out everywhere (only the numbers invited and "
      "completed are given); a cell with fewer than {k} answers reads ‘< {k}’. Totals "
      "cover shown respondents only, so nothing can be recovered by subtraction."}},
    {{"Trend", "Trend"},
     {"Per thema, laag en maat het gemiddelde van de vorige meting, van deze meting, het "
      "verschil en de p-waarde van de Welch-toets.",
      "Per theme, layer and measure the mean of the previous round, of this round, the "
      "difference and the p-value of the Welch test."}},
    {{"Benchmark", "Benchmark"},
     {"Per thema, laag en maat de mediaan van de laaggemiddelden van andere organisaties "
      "met hetzelfde instrument en het percentiel van deze organisatie; alleen als "
      "minstens vijf organisaties bijdragen.",
      "Per theme, layer and measure the median of the layer means of other organisations "
      "with the same instrument and this organisation's percentile; only when at least "
      "five organisations contribute."}},
    {{"Data", "Data"},
     {"Alleen in het volledige rapport: één rij per respondent van een getoonde laag, "
      "met de laag en de antwoorden (getallen bij stellingen en cijfers, de sleutel van de "
      "gekozen optie, de tekst); geen tijdstippen of andere gegevens die naar een persoon "
      "wijzen.",
      "Full report only: one row per respondent of a layer that is shown, with the layer "
      "and the answers (numbers for statements and grades, the key of the chosen option, "
      "the text); no times or other data that point to a person."}},
    {{"Weergave", "Display"},
     {"Cellen bevatten de getallen van de analyse in volle precisie; de weergave is "
      "afgerond. ‘–’ betekent: niet te berekenen.",
      "Cells hold the analysis figures at full precision; the display is rounded. "
      "‘–’ means: cannot be computed."}},
};

const rt_def *rt_definitions(size_t *n)
{
    *n = sizeof definitions / sizeof definitions[0];
    return definitions;
}

void rt_number(char *buf, size_t size, double v, int decimals, const char *lang)
{
    static const tm_text decimal_mark = {",", "."};
    if (size == 0) return;
    snprintf(buf, size, "%.*f", decimals, v);
    if (strcmp(buf, "-0") == 0 || strcmp(buf, "-0.0") == 0) memmove(buf, buf + 1, strlen(buf));
    char *dot = strchr(buf, '.');
    if (dot) *dot = *tm_text_get(decimal_mark, lang);
}

char *rt_lower(char *buf, size_t size, const char *label)
{
    if (size == 0) return buf;
    snprintf(buf, size, "%s", label ? label : "");
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

static const struct {
    const char *key;
    tm_text phrase;
} layer_phrases[] = {
    {"bestuur", {"het bestuur", "the council and executive"}},
    {"management", {"het management", "management"}},
    {"beleid", {"beleid", "policy staff"}},
    {"uitvoering", {"de uitvoering", "frontline staff"}},
    {"partners", {"de partners", "the partners"}},
};

char *rt_layer_phrase(char *buf, size_t size, const char *key, const char *label, const char *lang)
{
    for (size_t i = 0; key && i < sizeof(layer_phrases) / sizeof(layer_phrases[0]); i++) {
        if (strcmp(layer_phrases[i].key, key) == 0) {
            snprintf(buf, size, "%s", tm_text_get(layer_phrases[i].phrase, lang));
            return buf;
        }
    }
    return rt_lower(buf, size, label ? label : key);
}

const char *rt_item_type(item_type t, const char *lang)
{
    switch (t) {
    case ITEM_LIKERT:
        return rt_get(RT_LIKERT, lang);
    case ITEM_GRADE:
        return rt_get(RT_GRADE_ITEM, lang);
    case ITEM_INTENT:
        return rt_get(RT_INTENT, lang);
    case ITEM_CHOICE:
        return rt_get(RT_CHOICE, lang);
    case ITEM_TEXT:
        return rt_get(RT_TEXT, lang);
    }
    return "";
}
