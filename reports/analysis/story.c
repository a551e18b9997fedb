/* story.c - see story.h. The facts are picked from the analysis JSON only;
 * the words are templates for core/text.h, Dutch first. */
#include "reports/analysis/story.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/analysis/measures.h"

/* ------------------------------------------------------------------------
 * Reading the analysis
 * ------------------------------------------------------------------------ */

static double num(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* Whether a gap's diff is a drop to tell. Two layers that answered alike
 * can differ by 1e-14 in the last bits of their sums, depending on the order
 * their rows were added (the mixer releases them in a random order): that is
 * rounding, not a drop ("daalt van 42 naar 42"). */
static int is_drop(double d)
{
    return !isnan(d) && d > 1e-9;
}

int story_k(json_t *analysis)
{
    double k = num(json_object_get(analysis, "wave"), "min_group_size");
    if (isnan(k)) k = num(analysis, "min_group_size");
    return isnan(k) ? 5 : k < 3 ? 3 : (int)k;
}

static int in_array(json_t *arr, const char *key)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (json_is_string(e) && key && !strcmp(json_string_value(e), key)) return 1;
    }
    return 0;
}

int story_layer_shown(json_t *analysis, const char *key)
{
    return key && in_array(json_object_get(analysis, "chain"), key) &&
           !in_array(json_object_get(analysis, "suppressed_layers"), key);
}

/* Position of key in the chain, or -1. */
static int chain_pos(json_t *analysis, const char *key)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(analysis, "chain"), i, e)
    {
        if (key && json_is_string(e) && !strcmp(json_string_value(e), key)) return (int)i;
    }
    return -1;
}

static json_t *find(json_t *arr, const char *field, const char *key)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        const char *v = str(e, field);
        if (v && key && !strcmp(v, key)) return e;
    }
    return NULL;
}

double story_mean(json_t *analysis, json_t *theme, const char *layer, int m)
{
    if (!story_layer_shown(analysis, layer) || !measure_key(m)) return NAN;
    json_t *e = find(json_object_get(theme, "layers"), "layer", layer);
    if (!e || json_is_true(json_object_get(e, "suppressed"))) return NAN;
    json_t *c = json_object_get(e, measure_key(m));
    if (!json_is_object(c) || json_is_true(json_object_get(c, "suppressed"))) return NAN;
    double n = num(c, "n");
    if (isnan(n) || n < story_k(analysis)) return NAN;
    return num(c, "mean");
}

/* Whether gap g of theme is between two shown layers that are neighbours
 * among the shown layers ("adjacent" in the analysis' own sense) and whose
 * means of its measure may both be shown (a sentence gives them). */
static int gap_adjacent_shown(json_t *analysis, json_t *theme, json_t *g)
{
    int m = measure_from_key(str(g, "measure"));
    return json_is_true(json_object_get(g, "adjacent")) &&
           !isnan(story_mean(analysis, theme, str(g, "from"), m)) &&
           !isnan(story_mean(analysis, theme, str(g, "to"), m));
}

static int significant(double p)
{
    return !isnan(p) && p < STORY_ALPHA;
}

/* ------------------------------------------------------------------------
 * Picking facts
 * ------------------------------------------------------------------------ */

static story_fact loss_fact(json_t *analysis, json_t *theme, json_t *g, story_kind kind)
{
    int m = measure_from_key(str(g, "measure"));
    story_fact f = {.kind = kind,
                    .measure = m,
                    .theme = theme,
                    .src = g,
                    .from = str(g, "from"),
                    .to = str(g, "to"),
                    .diff = num(g, "diff"),
                    .p_holm = num(g, "p_holm")};
    f.a = story_mean(analysis, theme, f.from, m);
    f.b = story_mean(analysis, theme, f.to, m);
    return f;
}

/* The largest significant drop in beleving between adjacent shown layers. */
static int pick_loss_most(json_t *analysis, story_fact *out)
{
    size_t i, j;
    json_t *t, *g;
    double best = 0;
    int found = 0;
    json_array_foreach(json_object_get(analysis, "themes"), i, t)
    {
        json_array_foreach(json_object_get(t, "gaps"), j, g)
        {
            double d = num(g, "diff");
            if (measure_from_key(str(g, "measure")) != MEASURE_SCORE ||
                !gap_adjacent_shown(analysis, t, g) || !is_drop(d) ||
                !significant(num(g, "p_holm")) || (found && d <= best))
                continue;
            *out = loss_fact(analysis, t, g, STORY_LOSS_MOST);
            best = d;
            found = 1;
        }
    }
    if (!found) *out = (story_fact){.kind = STORY_NO_LOSS, .measure = MEASURE_SCORE};
    return 1;
}

static int pick_carry_least(json_t *analysis, story_fact *out)
{
    size_t i;
    json_t *t;
    int found = 0;
    json_array_foreach(json_object_get(analysis, "themes"), i, t)
    {
        double c = num(t, "carry");
        const char *from = str(t, "carry_from"), *to = str(t, "carry_to");
        int m = measure_from_key(str(t, "carry_measure"));
        if (isnan(c) || m < 0 || !story_layer_shown(analysis, from) ||
            !story_layer_shown(analysis, to) || (found && c >= out->a))
            continue;
        *out = (story_fact){.kind = STORY_CARRY_LEAST,
                            .measure = m,
                            .theme = t,
                            .from = from,
                            .to = to,
                            .a = c,
                            .b = NAN,
                            .diff = NAN,
                            .p_holm = NAN};
        found = 1;
    }
    return found;
}

/* The lowest knowledge mean of any shown cell, leaving out theme `skip`. */
static int pick_knowledge_least(json_t *analysis, const json_t *skip, story_fact *out)
{
    size_t i, j;
    json_t *t, *l;
    int found = 0;
    json_array_foreach(json_object_get(analysis, "themes"), i, t)
    {
        if (t == skip) continue;
        json_array_foreach(json_object_get(t, "layers"), j, l)
        {
            const char *layer = str(l, "layer");
            double m = story_mean(analysis, t, layer, MEASURE_KNOWLEDGE);
            if (isnan(m) || (found && m >= out->a)) continue;
            *out = (story_fact){.kind = STORY_KNOWLEDGE_LEAST,
                                .measure = MEASURE_KNOWLEDGE,
                                .theme = t,
                                .to = layer,
                                .a = m,
                                .b = NAN,
                                .diff = NAN,
                                .p_holm = NAN};
            found = 1;
        }
    }
    return found;
}

/* Themes by temperature, highest first, into out (insertion sort). */
static size_t warmest(json_t *analysis, story_fact *out, size_t max, story_kind kind)
{
    size_t n = 0, i;
    json_t *t;
    json_array_foreach(json_object_get(analysis, "themes"), i, t)
    {
        double temp = num(json_object_get(t, "thermometer"), "temperature");
        if (isnan(temp)) continue;
        size_t at = n < max ? n : max;
        while (at > 0 && out[at - 1].a < temp) {
            if (at < max) out[at] = out[at - 1];
            at--;
        }
        if (at < max) {
            out[at] = (story_fact){.kind = kind,
                                   .measure = -1,
                                   .theme = t,
                                   .a = temp,
                                   .b = NAN,
                                   .diff = NAN,
                                   .p_holm = NAN};
            if (n < max) n++;
        }
    }
    return n;
}

/* A rule's largest conflict (by |diff|) between shown layers, or NULL. */
static json_t *rule_conflict(json_t *analysis, json_t *rule)
{
    size_t i;
    json_t *c, *best = NULL;
    json_array_foreach(json_object_get(rule, "conflicts"), i, c)
    {
        if (!story_layer_shown(analysis, str(c, "from")) ||
            !story_layer_shown(analysis, str(c, "to")) || isnan(num(c, "diff")))
            continue;
        if (!best || fabs(num(c, "diff")) > fabs(num(best, "diff"))) best = c;
    }
    return best;
}

static story_fact split_fact(json_t *rule, json_t *c)
{
    return (story_fact){.kind = STORY_RULE_SPLIT,
                        .measure = -1,
                        .src = rule,
                        .from = str(c, "from"),
                        .to = str(c, "to"),
                        .a = num(c, "net_from"),
                        .b = num(c, "net_to"),
                        .diff = num(c, "diff"),
                        .p_holm = NAN};
}

/* Inserts f into out (n entries, capacity max) ordered by key descending. */
static size_t insert_by(story_fact *out, size_t n, size_t max, story_fact f, double key,
                        double *keys)
{
    size_t at = n < max ? n : max;
    while (at > 0 && keys[at - 1] < key) {
        if (at < max) {
            out[at] = out[at - 1];
            keys[at] = keys[at - 1];
        }
        at--;
    }
    if (at < max) {
        out[at] = f;
        keys[at] = key;
        if (n < max) n++;
    }
    return n;
}

size_t story_rules(json_t *analysis, story_fact *out, size_t max)
{
    double keys[64];
    if (max > 64) max = 64;
    size_t n = 0, i, j;
    json_t *r, *l;
    json_t *rules = json_object_get(analysis, "rules");
    json_array_foreach(rules, i, r)
    {
        json_t *c = rule_conflict(analysis, r);
        if (c) n = insert_by(out, n, max, split_fact(r, c), 1000 + fabs(num(c, "diff")), keys);
    }
    /* then the rules a layer says hinder most, for rules without a conflict */
    json_array_foreach(rules, i, r)
    {
        if (rule_conflict(analysis, r)) continue;
        json_t *worst = NULL;
        json_array_foreach(json_object_get(r, "layers"), j, l)
        {
            json_t *rating = json_object_get(l, "rating");
            double net = num(rating, "net");
            if (!story_layer_shown(analysis, str(l, "layer")) ||
                json_is_true(json_object_get(rating, "suppressed")) || isnan(net) || net >= 0)
                continue;
            if (!worst || net < num(json_object_get(worst, "rating"), "net")) worst = l;
        }
        if (!worst) continue;
        double net = num(json_object_get(worst, "rating"), "net");
        story_fact f = {.kind = STORY_RULE_HINDERS,
                        .measure = -1,
                        .src = r,
                        .to = str(worst, "layer"),
                        .a = net,
                        .b = NAN,
                        .diff = NAN,
                        .p_holm = NAN};
        n = insert_by(out, n, max, f, -net, keys);
    }
    return n;
}

size_t story_council(json_t *analysis, story_fact *out, size_t max)
{
    if (max == 0 || json_array_size(json_object_get(analysis, "themes")) == 0) return 0;
    size_t n = 0;
    story_fact f;
    pick_loss_most(analysis, &out[n++]);
    json_t *carry_theme = NULL;
    int carry_knowledge = 0;
    if (n < max && pick_carry_least(analysis, &f)) {
        carry_theme = f.theme;
        carry_knowledge = f.measure == MEASURE_KNOWLEDGE;
        out[n++] = f;
    }
    if (n < max && pick_knowledge_least(analysis, carry_knowledge ? carry_theme : NULL, &f))
        out[n++] = f;
    if (n < max && warmest(analysis, &f, 1, STORY_STRENGTH_MOST) == 1) out[n++] = f;
    if (n < max && story_rules(analysis, &f, 1) == 1 && f.kind == STORY_RULE_SPLIT) out[n++] = f;
    return n;
}

size_t story_losses(json_t *analysis, story_fact *out, size_t max)
{
    double keys[64];
    if (max > 64) max = 64;
    size_t n = 0, i, j;
    json_t *t, *g, *o;
    json_array_foreach(json_object_get(analysis, "themes"), i, t)
    {
        json_array_foreach(json_object_get(t, "gaps"), j, g)
        {
            double d = num(g, "diff");
            if (!gap_adjacent_shown(analysis, t, g) || !is_drop(d) ||
                measure_from_key(str(g, "measure")) < 0)
                continue;
            /* the same pair of the same theme on the other measure: keep the larger */
            size_t k;
            int larger_known = 0;
            json_array_foreach(json_object_get(t, "gaps"), k, o)
            {
                if (o != g && gap_adjacent_shown(analysis, t, o) &&
                    !strcmp(str(o, "from"), str(g, "from")) &&
                    !strcmp(str(o, "to"), str(g, "to")) &&
                    (num(o, "diff") > d || (num(o, "diff") == d && k < j)))
                    larger_known = 1;
            }
            if (larger_known) continue;
            double key = (significant(num(g, "p_holm")) ? 1000 : 0) + d;
            n = insert_by(out, n, max, loss_fact(analysis, t, g, STORY_LOSS), key, keys);
        }
    }
    return n;
}

size_t story_theme(json_t *analysis, json_t *theme, story_fact *out, size_t max)
{
    size_t n = 0;
    double temp = num(json_object_get(theme, "thermometer"), "temperature");
    if (n < max && !isnan(temp))
        out[n++] = (story_fact){.kind = STORY_STRENGTH,
                                .measure = -1,
                                .theme = theme,
                                .a = temp,
                                .b = NAN,
                                .diff = NAN,
                                .p_holm = NAN};
    double c = num(theme, "carry");
    const char *from = str(theme, "carry_from"), *to = str(theme, "carry_to");
    int m = measure_from_key(str(theme, "carry_measure"));
    if (n < max && !isnan(c) && m >= 0 && story_layer_shown(analysis, from) &&
        story_layer_shown(analysis, to))
        out[n++] = (story_fact){.kind = STORY_CARRY,
                                .measure = m,
                                .theme = theme,
                                .from = from,
                                .to = to,
                                .a = c,
                                .b = NAN,
                                .diff = NAN,
                                .p_holm = NAN};
    size_t j;
    json_t *g, *best = NULL;
    json_array_foreach(json_object_get(theme, "gaps"), j, g)
    {
        double d = num(g, "diff");
        if (!gap_adjacent_shown(analysis, theme, g) || !is_drop(d) ||
            measure_from_key(str(g, "measure")) < 0 || !significant(num(g, "p_holm")))
            continue;
        if (!best || d > num(best, "diff")) best = g;
    }
    if (n < max && best) out[n++] = loss_fact(analysis, theme, best, STORY_LOSS);
    return n;
}

size_t story_strengths(json_t *analysis, story_fact *out, size_t max)
{
    return warmest(analysis, out, max, STORY_STRENGTH);
}

/* ------------------------------------------------------------------------
 * Words
 * ------------------------------------------------------------------------ */

static const tm_text t_loss_most = {
    "De bedoeling gaat het meest verloren bij {theme}, tussen {from} en {to}: de {measure} "
    "daalt daar van {a}{unit} naar {b}{unit}{scale}.",
    "The intent is lost most in {theme}, between {from} and {to}: {measure} falls there from "
    "{a}{unit} to {b}{unit}{scale}."};
static const tm_text t_no_loss = {
    "Tussen twee opeenvolgende lagen is geen verschil in {measure} zo groot dat het geen toeval "
    "kan zijn.",
    "No difference in {measure} between two successive layers is so large that it cannot be "
    "chance."};
static const tm_text t_loss = {
    "Bij {theme} daalt de {measure} tussen {from} en {to} van {a}{unit} naar {b}{unit}{scale}.",
    "In {theme}, {measure} falls between {from} and {to} from {a}{unit} to {b}{unit}{scale}."};
static const tm_text t_chance = {" Dit verschil kan toeval zijn.",
                                 " This difference may be due to chance."};
static const tm_text t_carry = {
    "Bij {theme} komt het minst van de bedoeling aan: de {measure} bij {to} is {a}% van die bij "
    "{from}.",
    "In {theme} the least of the intent gets through: the {measure} of {to} is {a}% of that of "
    "{from}."};
static const tm_text t_carry_one = {
    "De {measure} bij {to} is {a}% van die bij {from} (de doorfluisterindex).",
    "The {measure} of {to} is {a}% of that of {from} (the carry-through index)."};
static const tm_text t_knowledge = {
    "De kennisvragen over {theme} gaan het slechtst bij {to}: daar is gemiddeld {a}% goed "
    "beantwoord.",
    "The knowledge questions on {theme} go worst with {to}: on average {a}% were answered as "
    "intended."};
static const tm_text t_strength_most = {
    "Het best gaat het bij {theme}: de thermometer staat daar op {a} ({band}).",
    "Things go best in {theme}: the thermometer stands at {a} there ({band})."};
static const tm_text t_strength = {"Bij {theme} staat de thermometer op {a} ({band}).",
                                   "In {theme} the thermometer stands at {a} ({band})."};
static const tm_text t_split = {
    "Over de regel ‘{rule}’ zijn de lagen verdeeld: volgens {from} {vfrom}, volgens {to} {vto}.",
    "The layers are divided on the rule ‘{rule}’: according to {from} {vfrom}, according to {to} "
    "{vto}."};
static const tm_text t_split_more = {
    "Over de regel ‘{rule}’ zijn {from} en {to} het niet eens: volgens {hi} {verb} hij veel "
    "vaker dan volgens {lo}.",
    "{From} and {to} disagree on the rule ‘{rule}’: according to {hi} it {verb} far more often "
    "than according to {lo}."};
static const tm_text t_hinders = {
    "Volgens {to} belemmert de regel ‘{rule}’ meer dan hij helpt (per saldo {a} op een schaal "
    "van −100 tot +100).",
    "According to {to}, the rule ‘{rule}’ hinders more than it helps (net {a} on a scale of "
    "−100 to +100)."};
static const tm_text v_helps = {"helpt hij", "it helps"};
static const tm_text v_hinders = {"belemmert hij", "it hinders"};
static const tm_text v_neutral = {"maakt hij weinig uit", "it makes little difference"};
static const tm_text verb_helps = {"helpt", "helps"};
static const tm_text verb_hinders = {"belemmert", "hinders"};
static const tm_text scale_100 = {" (op een schaal van 0 tot 100)", " (on a scale of 0 to 100)"};

char *story_number(double v, int decimals, const char *lang, char *buf, size_t size)
{
    static const tm_text mark = {",", "."};
    if (size == 0) return buf;
    if (isnan(v)) {
        snprintf(buf, size, "–");
        return buf;
    }
    /* half away from zero, as a spreadsheet's number format rounds (printf
     * rounds an exact half to even: 62.5% would read 62 here and 63 in the
     * workbook's cell beside it) */
    double scale = pow(10, decimals);
    snprintf(buf, size, "%.*f", decimals, round(v * scale) / scale);
    if (!strcmp(buf, "-0") || !strcmp(buf, "-0.0")) memmove(buf, buf + 1, strlen(buf));
    char *dot = strchr(buf, '.');
    if (dot) *dot = *tm_text_get(mark, lang);
    return buf;
}

/* A signed whole number with a real minus sign: "+80", "−60", "0" (half
 * away from zero). */
static char *signed_number(double v, char *buf, size_t size)
{
    long r = lround(v);
    if (r > 0)
        snprintf(buf, size, "+%ld", r);
    else if (r < 0)
        snprintf(buf, size, "−%ld", -r);
    else
        snprintf(buf, size, "0");
    return buf;
}

char *story_lower(const char *label, char *buf, size_t size)
{
    if (size == 0) return buf;
    snprintf(buf, size, "%s", label ? label : "");
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

/* label with an upper-case first letter (ASCII letters only), into buf. */
static char *upper_first(const char *label, char *buf, size_t size)
{
    snprintf(buf, size, "%s", label ? label : "");
    if (buf[0] >= 'a' && buf[0] <= 'z') buf[0] = (char)(buf[0] - 'a' + 'A');
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

const char *story_layer_label(const instrument *in, const char *key, const char *lang)
{
    int i = key && in ? instrument_layer_index(in, key) : -1;
    const char *s = i >= 0 ? tm_text_get(in->layers[i].label, lang) : NULL;
    return s ? s : key ? key : "";
}

const char *story_theme_label(const instrument *in, const char *key, const char *lang)
{
    int i = key && in ? instrument_theme_index(in, key) : -1;
    const char *s = i >= 0 ? tm_text_get(in->themes[i].label, lang) : NULL;
    return s ? s : key ? key : "";
}

char *story_layer_phrase(const instrument *in, const char *key, const char *lang, char *buf,
                         size_t size)
{
    for (size_t i = 0; key && i < sizeof layer_phrases / sizeof layer_phrases[0]; i++) {
        if (!strcmp(layer_phrases[i].key, key)) {
            snprintf(buf, size, "%s", tm_text_get(layer_phrases[i].phrase, lang));
            return buf;
        }
    }
    return story_lower(story_layer_label(in, key, lang), buf, size);
}

const char *story_band_label(const char *band, const char *lang)
{
    static const tm_text goed = {"goed", "good"}, aandacht = {"vraagt aandacht", "needs attention"},
                         zorg = {"zorgelijk", "of concern"};
    if (!band) return NULL;
    if (!strcmp(band, "goed")) return tm_text_get(goed, lang);
    if (!strcmp(band, "aandacht")) return tm_text_get(aandacht, lang);
    if (!strcmp(band, "zorg")) return tm_text_get(zorg, lang);
    return NULL;
}

/* The theme as it reads in a sentence: "integraliteit" (Dutch: the label in
 * lower case), "the theme Integrated approach" (English: a lower-case
 * label reads as a common noun there). */
static char *theme_phrase(const instrument *in, const char *key, const char *lang, char *buf,
                          size_t size)
{
    const char *label = story_theme_label(in, key, lang);
    if (!strcmp(tm_text_lang(lang), "en"))
        snprintf(buf, size, "the theme %s", label);
    else
        story_lower(label, buf, size);
    return buf;
}

/* A rule's text as it reads between quotes: without its final full stop
 * (in a static buffer per call site is not needed: the caller's buffer). */
const char *story_rule_text(json_t *rule, const char *lang)
{
    const char *t = lang && !strcmp(lang, "en") ? str(rule, "text_en") : NULL;
    if (!t || !*t) t = str(rule, "text");
    if (!t || !*t) t = str(rule, "rule");
    return t ? t : "";
}

static const char *rule_text_in(json_t *rule, const char *lang, char *buf, size_t size)
{
    snprintf(buf, size, "%s", story_rule_text(rule, lang));
    size_t n = strlen(buf);
    if (n > 0 && buf[n - 1] == '.') buf[n - 1] = '\0';
    return buf;
}

static const char *verdict(double net, const char *lang)
{
    if (net >= 20) return tm_text_get(v_helps, lang);
    if (net <= -20) return tm_text_get(v_hinders, lang);
    return tm_text_get(v_neutral, lang);
}

static int split_sentence(const story_fact *f, const instrument *in, const char *lang, strbuf *sb)
{
    char from[96], to[96], From[96], rule[512];
    rule_text_in(f->src, lang, rule, sizeof rule);
    story_layer_phrase(in, f->from, lang, from, sizeof from);
    story_layer_phrase(in, f->to, lang, to, sizeof to);
    upper_first(from, From, sizeof From);
    const char *vf = verdict(f->a, lang), *vt = verdict(f->b, lang);
    if (strcmp(vf, vt)) {
        const tm_text_var vars[] = {{"rule", rule}, {"from", from}, {"to", to},
                                    {"vfrom", vf},  {"vto", vt},    {NULL, NULL}};
        return tm_text_fill(sb, tm_text_get(t_split, lang), vars) < 0 ? -1 : 0;
    }
    /* both on the same side: say who is the more outspoken */
    int helps = f->a > 0;
    int from_more = helps ? f->a > f->b : f->a < f->b;
    const tm_text_var vars[] = {{"rule", rule},
                                {"from", from},
                                {"From", From},
                                {"to", to},
                                {"hi", from_more ? from : to},
                                {"lo", from_more ? to : from},
                                {"verb", tm_text_get(helps ? verb_helps : verb_hinders, lang)},
                                {NULL, NULL}};
    return tm_text_fill(sb, tm_text_get(t_split_more, lang), vars) < 0 ? -1 : 0;
}

int story_sentence(const story_fact *f, json_t *analysis, const instrument *in, const char *lang,
                   strbuf *sb)
{
    (void)analysis;
    if (f->kind == STORY_RULE_SPLIT) return split_sentence(f, in, lang, sb);
    char theme[160], from[96], to[96], a[32], b[32], rule[512];
    theme_phrase(in, str(f->theme, "theme"), lang, theme, sizeof theme);
    story_layer_phrase(in, f->from, lang, from, sizeof from);
    story_layer_phrase(in, f->to, lang, to, sizeof to);
    int knowledge = f->measure == MEASURE_KNOWLEDGE;
    const char *mlabel = f->measure >= 0 ? measure_label(f->measure, lang) : "";
    const char *band =
        story_band_label(str(json_object_get(f->theme, "thermometer"), "band"), lang);
    if (f->kind == STORY_RULE_HINDERS)
        signed_number(f->a, a, sizeof a);
    else
        story_number(f->a, 0, lang, a, sizeof a);
    story_number(f->b, 0, lang, b, sizeof b);
    const tm_text_var vars[] = {{"theme", theme},
                                {"from", from},
                                {"to", to},
                                {"measure", mlabel},
                                {"a", a},
                                {"b", b},
                                {"unit", knowledge ? "%" : ""},
                                {"scale", knowledge ? "" : tm_text_get(scale_100, lang)},
                                {"band", band ? band : "–"},
                                {"rule", rule_text_in(f->src, lang, rule, sizeof rule)},
                                {NULL, NULL}};
    const tm_text *t = NULL;
    switch (f->kind) {
    case STORY_LOSS_MOST:
        t = &t_loss_most;
        break;
    case STORY_NO_LOSS:
        t = &t_no_loss;
        break;
    case STORY_LOSS:
        t = &t_loss;
        break;
    case STORY_CARRY_LEAST:
        t = &t_carry;
        break;
    case STORY_CARRY:
        t = &t_carry_one;
        break;
    case STORY_KNOWLEDGE_LEAST:
        t = &t_knowledge;
        break;
    case STORY_STRENGTH_MOST:
        t = &t_strength_most;
        break;
    case STORY_STRENGTH:
        t = &t_strength;
        break;
    case STORY_RULE_HINDERS:
        t = &t_hinders;
        break;
    case STORY_RULE_SPLIT:
        break;
    }
    if (!t || tm_text_fill(sb, tm_text_get(*t, lang), vars) < 0) return -1;
    if (f->kind == STORY_LOSS && !significant(f->p_holm))
        strbuf_adds(sb, tm_text_get(t_chance, lang));
    return sb->status == STRBUF_OK ? 0 : -1;
}

/* ------------------------------------------------------------------------
 * The reference layer, the response
 * ------------------------------------------------------------------------ */

static const tm_text t_top_hidden = {
    "Van {top} zijn minder dan {k} vragenlijsten ingevuld; om de anonimiteit te beschermen staat "
    "{top} niet in deze samenvatting. De vergelijking langs de keten begint daarom bij {first}.",
    "Fewer than {k} questionnaires were completed by {top}; to protect anonymity, {top} is not in "
    "this summary. The comparison along the chain therefore starts at {first}."};
static const tm_text t_later_from = {
    "Bij {themes} begint de vergelijking bij {from}: van de lagen daarboven zijn te weinig "
    "antwoorden om te tonen.",
    "For {themes} the comparison starts at {from}: the layers above have too few answers to "
    "show."};
static const tm_text t_and = {" en ", " and "};

int story_reference_note(json_t *analysis, const instrument *in, const char *lang, strbuf *sb)
{
    json_t *chain = json_object_get(analysis, "chain");
    const char *top = json_string_value(json_array_get(chain, 0));
    const char *first = NULL;
    size_t i;
    json_t *e;
    json_array_foreach(chain, i, e)
    {
        if (story_layer_shown(analysis, json_string_value(e))) {
            first = json_string_value(e);
            break;
        }
    }
    if (!top || !first) return 0;
    int said = 0;
    char themes[512], from_s[96];
    if (strcmp(top, first)) {
        char top_s[96], first_s[96], k[16];
        story_layer_phrase(in, top, lang, top_s, sizeof top_s);
        story_layer_phrase(in, first, lang, first_s, sizeof first_s);
        snprintf(k, sizeof k, "%d", story_k(analysis));
        const tm_text_var vars[] = {{"top", top_s}, {"first", first_s}, {"k", k}, {NULL, NULL}};
        if (tm_text_fill(sb, tm_text_get(t_top_hidden, lang), vars) < 0) return -1;
        said = 1;
    }
    /* themes whose carry starts below the first shown layer, by that layer */
    json_t *t;
    json_array_foreach(chain, i, e)
    {
        const char *from = json_string_value(e);
        if (chain_pos(analysis, from) <= chain_pos(analysis, first)) continue;
        themes[0] = '\0';
        size_t j, count = 0, total = 0;
        json_array_foreach(json_object_get(analysis, "themes"), j, t)
        {
            const char *cf = str(t, "carry_from");
            if (cf && !strcmp(cf, from)) total++;
        }
        json_array_foreach(json_object_get(analysis, "themes"), j, t)
        {
            const char *cf = str(t, "carry_from");
            if (!cf || strcmp(cf, from)) continue;
            char label[160];
            story_lower(story_theme_label(in, str(t, "theme"), lang), label, sizeof label);
            size_t used = strlen(themes);
            snprintf(themes + used, sizeof themes - used, "%s%s",
                     count == 0           ? ""
                     : count + 1 == total ? tm_text_get(t_and, lang)
                                          : ", ",
                     label);
            count++;
        }
        if (!count) continue;
        story_layer_phrase(in, from, lang, from_s, sizeof from_s);
        const tm_text_var vars[] = {{"themes", themes}, {"from", from_s}, {NULL, NULL}};
        if (said) strbuf_addch(sb, ' ');
        if (tm_text_fill(sb, tm_text_get(t_later_from, lang), vars) < 0) return -1;
        said = 1;
    }
    return sb->status == STRBUF_OK ? said : -1;
}

static void response_from(double invited, double submitted, double imported, story_response *r)
{
    r->invited = invited;
    r->submitted = submitted;
    r->imported = isnan(imported) && !isnan(submitted) ? 0 : imported;
    r->online = r->submitted - r->imported;
    /* never above 100%: a rate needs invitations and no more answers online
     * than invitations */
    r->rate =
        r->invited > 0 && r->online >= 0 && r->online <= r->invited ? r->online / r->invited : NAN;
    r->import_wave = 0;
}

void story_response_layer(json_t *e, story_response *r)
{
    response_from(num(e, "invited"), num(e, "submitted"), num(e, "imported"), r);
}

void story_response_count(json_t *analysis, json_t *progress, story_response *r)
{
    json_t *arr = json_object_get(progress, "layers"), *e;
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        arr = json_object_get(analysis, "response");
    double sum[3] = {0, 0, 0};
    int any[3] = {0, 0, 0};
    const char *fields[3] = {"invited", "submitted", "imported"};
    size_t i;
    json_array_foreach(arr, i, e)
    {
        for (int f = 0; f < 3; f++) {
            double v = num(e, fields[f]);
            if (!isnan(v)) sum[f] += v, any[f] = 1;
        }
    }
    response_from(any[0] ? sum[0] : NAN, any[1] ? sum[1] : NAN, any[2] ? sum[2] : NAN, r);
    const char *c = str(json_object_get(analysis, "wave"), "collection");
    r->import_wave = c && !strcmp(c, "import");
}

static const tm_text t_resp = {
    "{online} van de {invited} uitgenodigden vulden de vragenlijst in ({rate}%).",
    "{online} of the {invited} people invited completed the questionnaire ({rate}%)."};
static const tm_text t_resp_no_rate = {"{online} vragenlijsten ingevuld.",
                                       "{online} questionnaires completed."};
static const tm_text t_resp_imported = {" Daarnaast zijn {imported} vragenlijsten ingelezen.",
                                        " Another {imported} questionnaires were read in."};
static const tm_text t_resp_import = {
    "Deze meting is ingelezen uit een bestand: {submitted} vragenlijsten, niet via de "
    "uitnodigingen van de Thermometer verzameld.",
    "This round was read in from a file: {submitted} questionnaires, not collected through the "
    "Thermometer's invitations."};

int story_response_line(json_t *analysis, json_t *progress, const char *lang, strbuf *sb)
{
    story_response r;
    story_response_count(analysis, progress, &r);
    char online[32], invited[32], rate[32], imported[32], submitted[32];
    story_number(r.online, 0, lang, online, sizeof online);
    story_number(r.invited, 0, lang, invited, sizeof invited);
    story_number(100 * r.rate, 0, lang, rate, sizeof rate);
    story_number(r.imported, 0, lang, imported, sizeof imported);
    story_number(r.submitted, 0, lang, submitted, sizeof submitted);
    const tm_text_var vars[] = {{"online", online},     {"invited", invited},     {"rate", rate},
                                {"imported", imported}, {"submitted", submitted}, {NULL, NULL}};
    const tm_text *t = r.import_wave ? &t_resp_import : isnan(r.rate) ? &t_resp_no_rate : &t_resp;
    if (tm_text_fill(sb, tm_text_get(*t, lang), vars) < 0) return -1;
    if (!r.import_wave && r.imported > 0 &&
        tm_text_fill(sb, tm_text_get(t_resp_imported, lang), vars) < 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------------------
 * How to read this
 * ------------------------------------------------------------------------ */

static const story_term reading[] = {
    {-1,
     {"De keten", "The chain"},
     {"De bedoeling van de gemeente gaat van het bestuur via het management, beleid en de "
      "uitvoering naar de partners die de zorg en hulp geven. Elke groep is een laag. De "
      "Thermometer laat zien hoeveel van de bedoeling in elke laag nog leeft.",
      "The municipality's intent travels from the council and executive through management, "
      "policy staff and frontline staff to the partners who deliver care and help. Each group is "
      "a layer. The Thermometer shows how much of the intent still lives in each layer."}},
    {MEASURE_SCORE,
     {NULL, NULL},
     {"Hoe goed mensen zelf vinden dat de bedoeling bij hen aankomt. Zij gaven dat aan met "
      "stellingen, van ‘helemaal oneens’ tot ‘helemaal eens’. Wij rekenen dat om naar een "
      "schaal van 0 tot 100.",
      "How well people themselves feel that the intent reaches them. They said so with "
      "statements, from ‘strongly disagree’ to ‘strongly agree’, which we convert to a scale of "
      "0 to 100."}},
    {MEASURE_KNOWLEDGE,
     {NULL, NULL},
     {"Of mensen de bedoeling echt kennen. Bij elke kennisvraag is één antwoord de bedoeling "
      "van de gemeente. Kennis is het percentage vragen dat goed is beantwoord. Wie ‘weet niet’ "
      "kiest, heeft het niet goed.",
      "Whether people really know the intent. Each knowledge question has one answer that is "
      "the municipality's intent. Knowledge is the percentage of questions answered that way; "
      "‘don't know’ counts as not right."}},
    {-1,
     {"De thermometer", "The thermometer"},
     {"Per thema één getal van 0 tot 100: het gemiddelde van de lagen, min de helft van het "
      "verschil tussen de hoogste en de laagste laag. Een thema is dus alleen warm als de "
      "bedoeling in alle lagen leeft. Vanaf {goed} is het goed, vanaf {aandacht} vraagt het "
      "aandacht, daaronder is het zorgelijk.",
      "One number from 0 to 100 per theme: the mean of the layers, minus half the difference "
      "between the highest and the lowest layer. So a theme is only warm when the intent lives "
      "in every layer. From {goed} it is good, from {aandacht} it needs attention, below that "
      "it is of concern."}},
    {-1,
     {"Doorfluisterindex", "Carry-through index"},
     {"Hoeveel procent van het niveau van de eerste laag bij de laatste laag aankomt. 100% "
      "betekent dat alles aankomt; 50% dat de helft onderweg verloren gaat.",
      "The percentage of the first layer's level that reaches the last layer. 100% means that "
      "everything arrives; 50% that half is lost on the way."}},
    {-1,
     {"Toeval", "Chance"},
     {"In kleine groepen kan een verschil ook toeval zijn. Deze samenvatting noemt een verlies "
      "tussen twee lagen alleen als het zo groot is dat toeval onwaarschijnlijk is.",
      "In small groups a difference can also be chance. This summary only names a loss between "
      "two layers when it is so large that chance is unlikely."}},
    {-1,
     {"Anonimiteit (k = {k})", "Anonymity (k = {k})"},
     {"Uitkomsten staan er alleen in voor groepen van minstens {k} personen. Een laag met minder "
      "dan {k} ingevulde vragenlijsten ontbreekt overal, ook in totalen, zodat niemand is terug "
      "te vinden.",
      "Results are only shown for groups of at least {k} people. A layer with fewer than {k} "
      "completed questionnaires is left out everywhere, totals included, so that no one can be "
      "traced."}},
};

const story_term *story_reading(size_t *n)
{
    *n = sizeof reading / sizeof reading[0];
    return reading;
}

/* Fills t (a template with {k}, {goed}, {aandacht}) onto sb. */
static int reading_fill(tm_text t, const instrument *in, int k, const char *lang, strbuf *sb)
{
    char ks[16], goed[32], aandacht[32];
    snprintf(ks, sizeof ks, "%d", k);
    story_number(in ? in->band_goed : 70, 0, lang, goed, sizeof goed);
    story_number(in ? in->band_aandacht : 55, 0, lang, aandacht, sizeof aandacht);
    const tm_text_var vars[] = {{"k", ks}, {"goed", goed}, {"aandacht", aandacht}, {NULL, NULL}};
    return tm_text_fill(sb, tm_text_get(t, lang), vars) < 0 ? -1 : 0;
}

int story_bands_line(const instrument *in, const char *lang, strbuf *sb)
{
    static const tm_text bands = {
        "Goed vanaf {goed}, vraagt aandacht vanaf {aandacht}, daaronder zorgelijk.",
        "Good from {goed}, needs attention from {aandacht}, of concern below that."};
    return reading_fill(bands, in, 5, lang, sb);
}

int story_reading_term(const story_term *t, int k, const char *lang, strbuf *sb)
{
    if (t->measure >= 0) {
        char label[96];
        return strbuf_adds(sb, upper_first(measure_label(t->measure, lang), label, sizeof label));
    }
    return reading_fill(t->term, NULL, k, lang, sb);
}

int story_reading_text(const story_term *t, const instrument *in, int k, const char *lang,
                       strbuf *sb)
{
    return reading_fill(t->text, in, k, lang, sb);
}

/* ------------------------------------------------------------------------
 * The council's words
 * ------------------------------------------------------------------------ */

static const tm_text words[SW__COUNT] = {
#define STORY_WORD_ROW(id, nl, en) [id] = {nl, en},
    STORY_WORDS(STORY_WORD_ROW)
#undef STORY_WORD_ROW
};

int story_word(story_word_id id, const instrument *in, int k, const char *lang,
               const tm_text_var *vars, strbuf *sb)
{
    if ((int)id < 0 || id >= SW__COUNT) return strbuf_fail(sb, STRBUF_NO_MEMORY);
    char ks[16], goed[32], aandacht[32], sc[64], kc[64];
    snprintf(ks, sizeof ks, "%d", k);
    story_number(in ? in->band_goed : 70, 0, lang, goed, sizeof goed);
    story_number(in ? in->band_aandacht : 55, 0, lang, aandacht, sizeof aandacht);
    const tm_text_var std[] = {
        {"k", ks},
        {"goed", goed},
        {"aandacht", aandacht},
        {"score", measure_label(MEASURE_SCORE, lang)},
        {"Score", upper_first(measure_label(MEASURE_SCORE, lang), sc, sizeof sc)},
        {"knowledge", measure_label(MEASURE_KNOWLEDGE, lang)},
        {"Knowledge", upper_first(measure_label(MEASURE_KNOWLEDGE, lang), kc, sizeof kc)},
        {NULL, NULL}};
    /* the standard values first, then the caller's: a caller's value (an
     * organisation's name) is never read as a template itself */
    strbuf first = STRBUF_INIT(1u << 16);
    tm_text_fill(&first, tm_text_get(words[id], lang), std);
    int rc = first.status == STRBUF_OK && tm_text_fill(sb, first.buf, vars) >= 0 ? 0 : -1;
    strbuf_release(&first);
    if (rc < 0) strbuf_fail(sb, STRBUF_NO_MEMORY);
    return rc;
}
