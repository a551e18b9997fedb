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
    {{"{Score}", "{Score}"},
     {"{Score_description}. Per respondent het gemiddelde van zijn antwoorden op de stellingen "
      "en rapportcijfers van een thema of onderwerp, omgerekend naar 0–100: een stelling als "
      "100 · (antwoord − 1) / (aantal punten − 1), een rapportcijfer als 100 · (cijfer − 1) / 9. "
      "Een omgekeerd geformuleerde stelling telt als 100 min die waarde.",
      "{Score_description}. Per respondent the mean of their answers to the statements and "
      "grades of a theme or subject, rescaled to 0–100: a statement as 100 · (answer − 1) / "
      "(points − 1), a grade as 100 · (grade − 1) / 9. A reverse-worded statement counts as 100 "
      "minus that value."}},
    {{"{Knowledge}", "{Knowledge}"},
     {"{Knowledge_description}. Per respondent het percentage juiste antwoorden op de "
      "kennisvragen van een thema of onderwerp. Het juiste antwoord is de sleutel die de meting "
      "zelf zette (de bedoeling van deze gemeente), anders de vaste sleutel van het instrument; "
      "een kennisvraag zonder sleutel telt nergens mee.",
      "{Knowledge_description}. Per respondent the percentage of correct answers to the "
      "knowledge questions of a theme or subject. The correct answer is the key the round set "
      "itself (this municipality's intent), else the instrument's fixed key; a knowledge "
      "question without a key counts nowhere."}},
    {{"Kernvragen", "Core items"},
     {"Alleen vragen die aan alle lagen gesteld zijn tellen mee in thema's en onderwerpen, zodat "
      "lagen op dezelfde vragen worden vergeleken. Een vraag met minder dan {k} antwoorden in "
      "een laag telt in die laag nergens mee.",
      "Only items asked of every layer count in themes and subjects, so that layers are "
      "compared on the same questions. An item with fewer than {k} answers in a layer counts "
      "nowhere in that layer."}},
    {{"Half beantwoord", "Half answered"},
     {"Een respondent telt bij een thema of onderwerp alleen mee als hij minstens de helft "
      "(naar boven afgerond) van de stellingen en cijfers, of van de kennisvragen, "
      "beantwoordde.",
      "A respondent counts for a theme or subject only if they answered at least half "
      "(rounded up) of its statements and grades, or of its knowledge questions."}},
    {{"Weet niet", "Don't know"},
     {"Bij {knowledge} telt ‘weet niet’ als beantwoord en fout (0). Bij {score} telt "
      "‘weet niet’ niet mee: het is geen oordeel over de stelling. Het aandeel ‘weet "
      "niet’ staat per vraag op het blad Per vraag.",
      "For {knowledge}, ‘don't know’ counts as answered and wrong (0). For {score} it "
      "is left out: it is no opinion on the statement. The share of ‘don't know’ per "
      "item is on the Per item sheet."}},
    {{"Gemiddelde, sd, 95%-BI", "Mean, sd, 95% CI"},
     {"De standaarddeviatie (sd) met n − 1 in de noemer; het 95%-betrouwbaarheidsinterval is "
      "gemiddelde ± t(0,975; n − 1) · sd / √n, begrensd tot 0–100. Voor het percentage juist "
      "van één kennisvraag is het het Wilson-interval, dat ook bij 0% of 100% juist een breedte "
      "heeft.",
      "The standard deviation (sd) with n − 1 in the denominator; the 95% confidence interval "
      "is mean ± t(0.975; n − 1) · sd / √n, clamped to 0–100. For the share correct of one "
      "knowledge question it is the Wilson interval, which keeps a width at 0% or 100% "
      "correct."}},
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
      "Holm–Bonferroni, per familie: de kloven in {score} en die in {knowledge}, elk apart op "
      "het niveau van thema's, onderwerpen, thema × onderwerp en vragen; in de trend per maat. "
      "Een verschil heet significant als de aangepaste p kleiner is dan 0,05.",
      "Because many gaps are tested at once, p-values are adjusted after Holm–Bonferroni, per "
      "family: the gaps in {score} and those in {knowledge}, each separately at the level of "
      "themes, subjects, theme × subject and items; in the trend per measure. A difference is "
      "called significant when the adjusted p is below 0.05."}},
    {{"ANOVA", "ANOVA"},
     {"Eenweg-variantieanalyse over alle getoonde lagen: toetst of de lagen onderling "
      "verschillen. F met vrijheidsgraden df1 = lagen − 1 en df2 = respondenten − "
      "lagen, p, en eta² = het deel van de spreiding dat door de laag wordt verklaard.",
      "One-way analysis of variance over all layers shown: tests whether the layers "
      "differ. F with degrees of freedom df1 = layers − 1 and df2 = respondents − "
      "layers, p, and eta² = the share of the spread explained by the layer."}},
    {{"Doorfluisterindex", "Carry-through index"},
     {"100 · gemiddelde van de laatste getoonde laag / gemiddelde van de eerste getoonde laag, "
      "op {knowledge} als het thema kennisvragen met een sleutel heeft die in minstens twee "
      "lagen te tonen zijn, anders op {score}. 100% betekent dat de bedoeling volledig doorkomt. "
      "Het 95%-interval is berekend op de logschaal. Begint de vergelijking niet bij de bovenste "
      "laag (te weinig antwoorden daar), dan staat dat in de kolom Van → tot.",
      "100 · mean of the last layer shown / mean of the first layer shown, on {knowledge} when "
      "the theme has knowledge questions with a key that can be shown in at least two layers, "
      "else on {score}. 100% means the intent carries through fully. The 95% interval is "
      "computed on the log scale. When the comparison does not start at the top layer (too few "
      "answers there), the From → to column says so."}},
    {{"Doorgifte per schakel", "Carry-through per link"},
     {"Dezelfde verhouding voor elk paar opeenvolgende lagen (lagere laag gedeeld door "
      "hogere).",
      "The same ratio for every pair of successive layers (lower layer divided by upper)."}},
    {{"Perceptiekloof", "Perception gap"},
     {"{Score} min {knowledge} van een laag. Positief: men denkt de bedoeling te kennen, maar "
      "de kennisvragen laten minder zien.",
      "{Score} minus {knowledge} of a layer. Positive: people believe they know the intent, "
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
    {{"Beoordeling", "Rating"},
     {"Goed bij een temperatuur vanaf {goed}, vraagt aandacht vanaf {aandacht}, zorgelijk "
      "daaronder.",
      "Good at a temperature from {goed}, needs attention from {aandacht}, of concern below."}},
    {{"Regelkaart", "Rules map"},
     {"Elke laag beoordeelde de eigen regels van de gemeente: helpt, maakt niet uit, "
      "belemmert of ken ik niet. Saldo = 100 · (helpt − belemmert) / beoordelingen. Twee lagen "
      "waarvan de saldo's 50 punten of meer verschillen, zijn een tegenstelling. Een cel met "
      "minder dan {k} beoordelingen wordt niet getoond.",
      "Every layer rated the municipality's own rules: helps, makes no difference, hinders or "
      "don't know it. Net = 100 · (helps − hinders) / ratings. Two layers whose nets differ by "
      "50 points or more are a conflict. A cell with fewer than {k} ratings is not shown."}},
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
      "toont ‘< {k}’. Er staan geen totalen over lagen in het rapport, zodat niets door "
      "aftrekken terug te rekenen is.",
      "Results are shown only for groups of at least {k} people. A layer with fewer than "
      "{k} completed questionnaires is left out everywhere (only the numbers invited and "
      "completed are given); a cell with fewer than {k} answers reads ‘< {k}’. The report "
      "has no totals over layers, so nothing can be recovered by subtraction."}},
    {{"Trend", "Trend"},
     {"Per thema, laag en maat het gemiddelde van de vorige meting, van deze meting, het "
      "verschil, de p-waarde van de Welch-toets en die na Holm-correctie. {Knowledge} is niet "
      "vergelijkbaar als de sleutel van een kennisvraag van het thema veranderde.",
      "Per theme, layer and measure the mean of the previous round, of this round, the "
      "difference, the p-value of the Welch test and after Holm correction. {Knowledge} is not "
      "comparable when the key of a knowledge question of the theme changed."}},
    {{"Benchmark", "Benchmark"},
     {"Per thema, laag en maat de mediaan van de laaggemiddelden van de vergelijkingsgroep: "
      "organisaties die de beheerder daarvoor aanwees, met hetzelfde instrument; alleen als "
      "minstens vijf van hen bijdragen.",
      "Per theme, layer and measure the median of the layer means of the peer group: "
      "organisations the administrator marked as peers, with the same instrument; only when "
      "at least five of them contribute."}},
    {{"Data", "Data"},
     {"Alleen in het volledige rapport: één rij per respondent van een getoonde laag, "
      "met de laag en de antwoorden (getallen bij stellingen en cijfers, de sleutel van de "
      "gekozen optie); geen open antwoorden, tijdstippen of andere gegevens die naar een "
      "persoon wijzen, en leeg waar een cel minder dan {k} antwoorden heeft.",
      "Full report only: one row per respondent of a layer that is shown, with the layer "
      "and the answers (numbers for statements and grades, the key of the chosen option); no "
      "open answers, times or other data that point to a person, and blank where a cell has "
      "fewer than {k} answers."}},
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
