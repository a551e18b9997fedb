/* report_text.c - the words of the Excel report, in Dutch and English.
 *
 * See report_text.h. The short texts live in the RT_TEXTS table of the
 * header; the definitions of the Verantwoording sheet are here.
 */
#include "reports/xlsx/report_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const text_nl[RT__COUNT] = {
#define RT_NL(id, nl, en) [id] = nl,
    RT_TEXTS(RT_NL)
#undef RT_NL
};

static const char *const text_en[RT__COUNT] = {
#define RT_EN(id, nl, en) [id] = en,
    RT_TEXTS(RT_EN)
#undef RT_EN
};

static int is_en(const char *lang)
{
    return lang && strcmp(lang, "en") == 0;
}

const char *rt(rt_id id, const char *lang)
{
    if ((int)id < 0 || id >= RT__COUNT) return "";
    return is_en(lang) ? text_en[id] : text_nl[id];
}

static const rt_def defs_nl[] = {
    {"Score (ervaren afstemming)",
     "Per respondent het gemiddelde van zijn antwoorden op de stellingen en rapportcijfers van een "
     "thema of onderwerp, omgerekend naar 0–100: een stelling als 100 · (antwoord − 1) / (aantal "
     "punten − 1), een rapportcijfer als 100 · (cijfer − 1) / 9."},
    {"Kennis",
     "Per respondent het percentage juiste antwoorden op de kennisvragen van een thema of "
     "onderwerp. Het juiste antwoord ligt vast in het instrument, of is het meest gekozen antwoord "
     "van de eerste getoonde laag van de keten."},
    {"Half beantwoord",
     "Een respondent telt bij een thema of onderwerp alleen mee als hij minstens de helft "
     "(naar boven afgerond) van de stellingen en cijfers, of van de kennisvragen, beantwoordde."},
    {"Weet niet",
     "Bij kennis telt ‘weet niet’ als beantwoord en fout (0). Bij de score telt ‘weet niet’ niet "
     "mee: het is geen oordeel over de stelling. Het aandeel ‘weet niet’ staat per vraag op het "
     "blad Per vraag."},
    {"Gemiddelde, sd, 95%-BI",
     "De standaarddeviatie (sd) met n − 1 in de noemer; het 95%-betrouwbaarheidsinterval is "
     "gemiddelde ± t(0,975; n − 1) · sd / √n."},
    {"Kloof", "Het verschil tussen twee lagen: het gemiddelde van de hogere laag min dat van de "
              "lagere laag, "
              "voor elk paar opeenvolgende getoonde lagen en voor de eerste tegen de laatste laag. "
              "Positief: "
              "de bedoeling gaat onderweg verloren."},
    {"Welch-toets",
     "Toetst of een kloof groter is dan toeval kan verklaren, zonder gelijke spreiding aan te "
     "nemen: t = verschil / √(s₁²/n₁ + s₂²/n₂), vrijheidsgraden volgens Welch–Satterthwaite, p "
     "tweezijdig."},
    {"Hedges' g", "De grootte van een kloof in standaarddeviaties (de gepoolde sd van beide "
                  "lagen), gecorrigeerd "
                  "voor kleine groepen. Vuistregel: 0,2 klein, 0,5 middel, 0,8 groot."},
    {"Holm-correctie",
     "Omdat veel kloven tegelijk worden getoetst, zijn de p-waarden aangepast volgens "
     "Holm–Bonferroni: apart over alle kloven in score en over alle kloven in kennis op "
     "themaniveau. Een kloof heet significant als de aangepaste p kleiner is dan 0,05."},
    {"ANOVA",
     "Eenweg-variantieanalyse over alle getoonde lagen: toetst of de lagen onderling verschillen. "
     "F met vrijheidsgraden df1 = lagen − 1 en df2 = respondenten − lagen, p, en eta² = het deel "
     "van de spreiding dat door de laag wordt verklaard."},
    {"Doorfluisterindex",
     "100 · gemiddelde van de laatste laag / gemiddelde van de eerste laag, op kennis als het "
     "thema "
     "kennisvragen heeft en anders op score. 100% betekent dat de bedoeling volledig doorkomt."},
    {"Doorgifte per schakel",
     "Dezelfde verhouding voor elk paar opeenvolgende lagen (lagere laag gedeeld door hogere)."},
    {"Perceptiekloof",
     "Score min kennis van een laag. Positief: men denkt de bedoeling te kennen, maar de "
     "kennisvragen laten minder zien."},
    {"Temperatuur",
     "Het gemiddelde van de laaggemiddelden (op de maat van de doorfluisterindex) min de helft van "
     "het verschil tussen de hoogste en de laagste laag, begrensd tot 0–100. Een thema is pas warm "
     "als de bedoeling in alle lagen leeft."},
    {"Rapportcijfer", "De temperatuur als cijfer: 1 + 9 · temperatuur / 100, op één decimaal."},
    {"Oordeel",
     "Goed bij een temperatuur vanaf {goed}, aandacht vanaf {aandacht}, zorg daaronder."},
    {"rwg",
     "Overeenstemming binnen een laag bij een stelling: 1 − (variantie van de antwoorden / "
     "variantie bij willekeurig antwoorden), begrensd tot 0–1. Dicht bij 1: de laag is het eens."},
    {"Anonimiteit",
     "Resultaten worden alleen getoond voor groepen van minstens {k} personen. Een laag met minder "
     "dan {k} ingevulde vragenlijsten blijft overal weg (alleen de aantallen uitgenodigd en "
     "ingevuld "
     "worden genoemd); een cel met minder dan {k} antwoorden toont ‘< {k}’. Totalen gaan alleen "
     "over getoonde respondenten, zodat niets door aftrekken terug te rekenen is."},
    {"Trend",
     "Per thema, laag en maat het gemiddelde van de vorige meting, van deze meting, het verschil "
     "en de p-waarde van de Welch-toets."},
    {"Benchmark",
     "Per thema, laag en maat de mediaan van de laaggemiddelden van andere organisaties met "
     "hetzelfde instrument en het percentiel van deze organisatie; alleen als minstens vijf "
     "organisaties bijdragen."},
    {"Data",
     "Alleen in het volledige rapport: één rij per respondent van een getoonde laag, met de laag "
     "en "
     "de antwoorden (getallen bij stellingen en cijfers, de sleutel van de gekozen optie, de "
     "tekst); geen tijdstippen of andere gegevens die naar een persoon wijzen."},
    {"Weergave",
     "Cellen bevatten de getallen van de analyse in volle precisie; de weergave is afgerond. "
     "‘–’ betekent: niet te berekenen."},
};

static const rt_def defs_en[] = {
    {"Score (perceived alignment)",
     "Per respondent the mean of their answers to the statements and grades of a theme or "
     "subject, rescaled to 0–100: a statement as 100 · (answer − 1) / (points − 1), a grade as "
     "100 · (grade − 1) / 9."},
    {"Knowledge",
     "Per respondent the percentage of correct answers to the knowledge questions of a theme or "
     "subject. The correct answer is fixed in the instrument, or is the answer chosen most often "
     "by "
     "the first layer of the chain that is shown."},
    {"Half answered",
     "A respondent counts for a theme or subject only if they answered at least half (rounded up) "
     "of its statements and grades, or of its knowledge questions."},
    {"Don't know",
     "For knowledge, ‘don't know’ counts as answered and wrong (0). For the score it is left out: "
     "it is no opinion on the statement. The share of ‘don't know’ per item is on the Per item "
     "sheet."},
    {"Mean, sd, 95% CI",
     "The standard deviation (sd) with n − 1 in the denominator; the 95% confidence interval is "
     "mean ± t(0.975; n − 1) · sd / √n."},
    {"Gap",
     "The difference between two layers: the mean of the upper layer minus that of the lower "
     "layer, for every pair of successive layers shown and for the first against the last layer. "
     "Positive: intent is lost along the way."},
    {"Welch test",
     "Tests whether a gap is larger than chance explains, without assuming equal spread: t = "
     "difference / √(s₁²/n₁ + s₂²/n₂), degrees of freedom after Welch–Satterthwaite, p two-sided."},
    {"Hedges' g",
     "The size of a gap in standard deviations (the pooled sd of both layers), corrected for small "
     "groups. Rule of thumb: 0.2 small, 0.5 medium, 0.8 large."},
    {"Holm correction",
     "Because many gaps are tested at once, p-values are adjusted after Holm–Bonferroni: "
     "separately over all theme-level gaps in score and over all theme-level gaps in knowledge. A "
     "gap is called significant when the adjusted p is below 0.05."},
    {"ANOVA",
     "One-way analysis of variance over all layers shown: tests whether the layers differ. F with "
     "degrees of freedom df1 = layers − 1 and df2 = respondents − layers, p, and eta² = the share "
     "of the spread explained by the layer."},
    {"Carry-through index",
     "100 · mean of the last layer / mean of the first layer, on knowledge when the theme has "
     "knowledge questions and on score otherwise. 100% means the intent carries through fully."},
    {"Carry-through per link",
     "The same ratio for every pair of successive layers (lower layer divided by upper)."},
    {"Perception gap",
     "Score minus knowledge of a layer. Positive: people believe they know the intent, but the "
     "knowledge questions show less."},
    {"Temperature",
     "The mean of the layer means (on the measure of the carry-through index) minus half the "
     "difference between the highest and the lowest layer, clamped to 0–100. A theme is only warm "
     "when the intent lives in every layer."},
    {"Grade", "The temperature as a Dutch report mark: 1 + 9 · temperature / 100, one decimal."},
    {"Rating", "Good at a temperature from {goed}, attention from {aandacht}, concern below."},
    {"rwg",
     "Agreement within a layer on a statement: 1 − (variance of the answers / variance of random "
     "answers), clamped to 0–1. Close to 1: the layer agrees."},
    {"Anonymity",
     "Results are shown only for groups of at least {k} people. A layer with fewer than {k} "
     "completed questionnaires is left out everywhere (only the numbers invited and completed are "
     "given); a cell with fewer than {k} answers reads ‘< {k}’. Totals cover shown respondents "
     "only, so nothing can be recovered by subtraction."},
    {"Trend",
     "Per theme, layer and measure the mean of the previous round, of this round, the difference "
     "and the p-value of the Welch test."},
    {"Benchmark",
     "Per theme, layer and measure the median of the layer means of other organisations with the "
     "same instrument and this organisation's percentile; only when at least five organisations "
     "contribute."},
    {"Data",
     "Full report only: one row per respondent of a layer that is shown, with the layer and the "
     "answers (numbers for statements and grades, the key of the chosen option, the text); no "
     "times or other data that point to a person."},
    {"Display",
     "Cells hold the analysis figures at full precision; the display is rounded. ‘–’ means: "
     "cannot be computed."},
};

const rt_def *rt_definitions(const char *lang, size_t *n)
{
    if (is_en(lang)) {
        *n = sizeof(defs_en) / sizeof(defs_en[0]);
        return defs_en;
    }
    *n = sizeof(defs_nl) / sizeof(defs_nl[0]);
    return defs_nl;
}

/* The value of {name} (name of length len) in vars, or NULL. */
static const char *fill_lookup(const char *const *vars, const char *name, size_t len)
{
    for (size_t i = 0; vars && vars[i] && vars[i + 1]; i += 2)
        if (strlen(vars[i]) == len && memcmp(vars[i], name, len) == 0) return vars[i + 1];
    return NULL;
}

char *rt_fill(const char *tmpl, const char *const *vars)
{
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    if (!f) return NULL;
    for (const char *p = tmpl; *p;) {
        const char *end = p[0] == '{' ? strchr(p + 1, '}') : NULL;
        const char *val = end ? fill_lookup(vars, p + 1, (size_t)(end - p - 1)) : NULL;
        if (val) {
            fputs(val, f);
            p = end + 1;
        } else {
            fputc(*p++, f);
        }
    }
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

void rt_number(char *buf, size_t size, double v, int decimals, const char *lang)
{
    if (size == 0) return;
    snprintf(buf, size, "%.*f", decimals, v);
    if (strcmp(buf, "-0") == 0 || strcmp(buf, "-0.0") == 0) memmove(buf, buf + 1, strlen(buf));
    if (!is_en(lang))
        for (char *p = buf; *p; p++)
            if (*p == '.') *p = ',';
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
    const char *key, *nl, *en;
} layer_phrases[] = {
    {"bestuur", "het bestuur", "the council and executive"},
    {"management", "het management", "management"},
    {"beleid", "beleid", "policy staff"},
    {"uitvoering", "de uitvoering", "frontline staff"},
    {"partners", "de partners", "the partners"},
};

char *rt_layer_phrase(char *buf, size_t size, const char *key, const char *label, const char *lang)
{
    for (size_t i = 0; key && i < sizeof(layer_phrases) / sizeof(layer_phrases[0]); i++) {
        if (strcmp(layer_phrases[i].key, key) == 0) {
            snprintf(buf, size, "%s", is_en(lang) ? layer_phrases[i].en : layer_phrases[i].nl);
            return buf;
        }
    }
    return rt_lower(buf, size, label ? label : key);
}

const char *rt_item_type(item_type t, const char *lang)
{
    switch (t) {
    case ITEM_LIKERT:
        return rt(RT_LIKERT, lang);
    case ITEM_GRADE:
        return rt(RT_GRADE_ITEM, lang);
    case ITEM_INTENT:
        return rt(RT_INTENT, lang);
    case ITEM_CHOICE:
        return rt(RT_CHOICE, lang);
    case ITEM_TEXT:
        return rt(RT_TEXT, lang);
    }
    return "";
}
