#!/usr/bin/env python3
"""report_check.py - reads an Excel report written by reports/xlsx with
openpyxl (Debian: python3-openpyxl) and checks it against the analysis
fixture it was written from. Run by tests/test_report.c; exit status 0 when
every check passes, 1 otherwise (each failure is printed), 2 on bad usage.

  report_check.py --file F.xlsx --fixture A.json --main A.json --decoy D.json
                  --instrument I.json --progress P.json|none --open O.json
                  --variant full|council --lang nl|en
                  [--sentinels absent|present] [--absent-number X]
  report_check.py --file F.xlsx --sheets Name1,Name2,...

What is checked, for the variant and language:
  - sheet names and their order;
  - every figure the reader sees equals the fixture's value within 1e-12
    relative and is a numeric cell; a cell with n < k (or flagged
    suppressed) reads "< k"; null reads "-"; a value that may not be shown
    in chart data is an empty cell;
  - full: Samenvatting (thermometer, carry with its interval and its
    layers, the response line, the import notice, the loss sentences: one
    measure each), Gesprek (losses, strengths, rules, each with the
    question), Doorfluisteren, Kloven, Per vraag, Regelkaart (nets,
    conflicts bold and boxed, counts), Respons (imported apart, rates never
    above 100%), Trend (coloured only where p_holm < 0.05), Benchmark
    (the peer group named), Open antwoorden, Verantwoording, Data;
  - council: page 1 (title, organisation and wave, response line, the
    thermometer, 3 to 5 sentences, each about one measure, the first naming
    the largest significant loss, the note when the chain does not start at
    the top), Per thema (the chart's data, the per-theme sentences, at
    most three rules: those shown layers are divided on, then those a
    shown layer says hinder),
    Respons en uitleg; no p-values, no statistics' names, no per-item data;
    each sheet fit to one page; the chain chart on page 1 draws beleving
    per layer, one line per theme;
  - no string cell holds a number; page setup, properties, charts;
  - sentinels: the numbers only the decoy fixture has (its bestuur figures)
    and the text BESTUUR-GEHEIM-7123 must be absent from a workbook of the
    suppressed fixture and present in one of the decoy.
"""
import argparse
import bisect
import json
import math
import re
import sys
import warnings
import zipfile

import openpyxl

# openpyxl does not know the data bars' 2010 extension; it need not
warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")

SECRET = "BESTUUR-GEHEIM-7123"
SHEETS = {
    ("full", "nl"): ["Samenvatting", "Gesprek", "Doorfluisteren", "Kloven", "Per vraag",
                     "Regelkaart", "Respons", "Trend", "Benchmark", "Open antwoorden",
                     "Verantwoording", "Data"],
    ("full", "en"): ["Summary", "Dialogue", "Carry-through", "Gaps", "Per item", "Rules map",
                     "Response", "Trend", "Benchmark", "Open answers", "Method", "Data"],
    ("council", "nl"): ["Samenvatting", "Per thema", "Respons en uitleg"],
    ("council", "en"): ["Summary", "Per theme", "Response and guide"],
}
# measures.h: the measures' names for readers
MEASURE = {"nl": {"score": "beleving", "knowledge": "kennis"},
           "en": {"score": "perceived alignment", "knowledge": "knowledge"}}
BANDS = {"nl": {"goed": "goed", "aandacht": "vraagt aandacht", "zorg": "zorgelijk"},
         "en": {"goed": "good", "aandacht": "needs attention", "zorg": "of concern"}}
PHRASE = {"nl": {"bestuur": "het bestuur", "management": "het management", "beleid": "beleid",
                 "uitvoering": "de uitvoering", "partners": "de partners"},
          "en": {"bestuur": "the council and executive", "management": "management",
                 "beleid": "policy staff", "uitvoering": "frontline staff",
                 "partners": "the partners"}}
WORDS = {
    "nl": {"theme": "Thema", "measure": "Maat", "themes": "Thema's", "domains": "Onderwerpen",
           "item_text": "Vraagtekst", "gaps_head": "Waar gaat de bedoeling verloren?",
           "none": "geen", "layer": "Laag", "no": "nee", "yes": "ja", "perception": "perceptiekloof",
           "carry": "Doorfluisterindex (%)", "suppressed_layers": "Onderdrukte lagen",
           "k": "Minimale groepsgrootte (k)", "question": "Herkent u dit? Wat is hier nodig?",
           "council_title": "Thermometer sociaal domein: samenvatting voor de raad",
           "response": "Respons", "findings": "Wat valt op?",
           "chart_chain": "De bedoeling langs de keten: beleving per laag (0–100)",
           "import": "ingelezen uit een bestand", "invited_of": "van de %d uitgenodigden",
           "top_hidden": "Van het bestuur zijn minder dan", "starts_at": "begint daarom bij",
           "rules_head": "Regel", "conflicts": "Tegenstellingen", "peer": "vergelijkingsgroep",
           "method": "Rekenmethode", "reading": "Zo leest u dit", "not_comparable": "nee: sleutel",
           "council_rules": "Regels die helpen of belemmeren", "rules_calm": "Over geen van de regels"},
    "en": {"theme": "Theme", "measure": "Measure", "themes": "Themes", "domains": "Subjects",
           "item_text": "Item text", "gaps_head": "Where is the intent lost?",
           "none": "none", "layer": "Layer", "no": "no", "yes": "yes",
           "perception": "perception gap",
           "carry": "Carry-through index (%)", "suppressed_layers": "Suppressed layers",
           "k": "Minimum group size (k)", "question": "Do you recognise this? What is needed here?",
           "council_title": "Social Domain Thermometer: summary for the council",
           "response": "Response", "findings": "What stands out?",
           "chart_chain": "The intent along the chain: perceived alignment per layer (0–100)",
           "import": "read in from a file", "invited_of": "of the %d people invited",
           "top_hidden": "Fewer than", "starts_at": "therefore starts at",
           "rules_head": "Rule", "conflicts": "Conflicts", "peer": "peer group",
           "method": "Method of calculation", "reading": "How to read this",
           "not_comparable": "no: key",
           "council_rules": "Rules that help or hinder", "rules_calm": "The layers are not far apart"},
}
# words a council member should never meet
STATISTICS = re.compile(r"(\bp\s*[(=<]|p \(Holm\)|ANOVA|Hedges|Welch|eta²|\bsd\b|rwg|95%)")
NUMBER_TEXT = re.compile(r"^\s*[-+−]?\d+([.,]\d+)?\s*%?\s*$")

failures = []
passed = [0]


def fail(msg):
    failures.append(msg)


def ok(cond, msg):
    if cond:
        passed[0] += 1
    else:
        fail(msg)
    return cond


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def close(a, b):
    if not is_num(a):
        return False
    if b == 0:
        return a == 0
    return abs(a - b) <= 1e-12 * abs(b)


def rnd(v):
    """Rounded as the sentences and a spreadsheet's number format round: half
    away from zero."""
    r = math.floor(abs(v) + 0.5)
    return "%d" % (r if v >= 0 or r == 0 else -r)


class Ctx:
    def __init__(self, args):
        self.args = args
        self.fx = json.load(open(args.fixture))
        self.instr = json.load(open(args.instrument))
        self.lang = args.lang
        self.w = WORDS[self.lang]
        self.m = MEASURE[self.lang]
        self.k = self.fx["wave"].get("min_group_size", 5)
        self.supp_text = "< %d" % self.k
        self.wb = openpyxl.load_workbook(args.file)
        self.suppressed = self.suppressed_layers()
        self.chain = self.fx.get("chain") or [l["key"] for l in self.instr["layers"]]
        self.active = [l for l in self.chain if l not in self.suppressed]
        self.progress = None
        if args.progress and args.progress != "none":
            self.progress = json.load(open(args.progress))

    def label(self, kind, key):
        for e in self.instr[kind]:
            if e["key"] == key:
                return e["label"].get(self.lang) or e["label"]["nl"]
        return key

    def layer(self, key):
        return self.label("layers", key)

    def theme(self, key):
        return self.label("themes", key)

    def item(self, key):
        for it in self.instr["items"]:
            if it["key"] == key:
                return it
        return None

    def suppressed_layers(self):
        out = set(self.fx.get("suppressed_layers") or [])
        for grp in ("themes", "domains"):
            for g in self.fx.get(grp, []):
                for e in g.get("layers", []):
                    if e.get("suppressed") is True:
                        out.add(e["layer"])
        for e in self.fx.get("response", []):
            if e.get("suppressed") is True or e.get("submitted", self.k) < self.k:
                out.add(e["layer"])
        return out

    def cell_state(self, stat):
        if not isinstance(stat, dict):
            return "absent"
        if stat.get("suppressed") is True:
            return "suppressed"
        if is_num(stat.get("n")) and stat["n"] < self.k:
            return "suppressed"
        return "ok"

    def mean(self, theme, layer, m):
        if layer in self.suppressed:
            return None
        e = next((x for x in theme["layers"] if x["layer"] == layer), {})
        st = e.get(m)
        return st["mean"] if self.cell_state(st) == "ok" else None

    def phrase(self, layer):
        return PHRASE[self.lang].get(layer, self.layer(layer).lower())

    def theme_phrase(self, key):
        lab = self.theme(key)
        return "the theme " + lab if self.lang == "en" else lab[0].lower() + lab[1:]

    def response_layers(self):
        if self.progress:
            return {e["layer"]: e for e in self.progress["layers"]}
        return {e["layer"]: e for e in self.fx.get("response", [])}


def expect_value(where, got, want):
    """want: a number, None (null: '–' or empty) or 'SUPP'."""
    if want == "SUPP":
        ok(got == CTX.supp_text, "%s: expected %r, got %r" % (where, CTX.supp_text, got))
    elif want is None:
        ok(got in (None, "–", ""), "%s: expected '–' for null, got %r" % (where, got))
    else:
        ok(is_num(got), "%s: expected a numeric cell holding %r, got %r (%s)"
           % (where, want, got, type(got).__name__))
        if is_num(got):
            ok(close(got, want), "%s: expected %r, got %r" % (where, want, got))


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def find_row(rows, pred, start=0):
    for i in range(start, len(rows)):
        if pred(rows[i]):
            return i
    return -1


def cell(row, c):
    return row[c] if row is not None and c < len(row) else None


def texts(rows):
    return [c for r in rows for c in r if isinstance(c, str)]


def one_measure(sentence):
    """How many of the measures' names a sentence uses."""
    s = sentence.lower()
    return sum(1 for name in CTX.m.values() if re.search(r"\b%s\b" % re.escape(name), s))


# ------------------------------------------------------------ the story, again
def shown_adjacent(g, t):
    return (g.get("adjacent") is True and CTX.mean(t, g["from"], g["measure"]) is not None
            and CTX.mean(t, g["to"], g["measure"]) is not None)


def significant(g):
    return is_num(g.get("p_holm")) and g["p_holm"] < 0.05


def largest_score_loss():
    best = None
    for t in CTX.fx["themes"]:
        for g in t["gaps"]:
            if (g["measure"] == "score" and shown_adjacent(g, t) and is_num(g["diff"])
                    and g["diff"] > 0 and significant(g) and (best is None or g["diff"] > best[1]["diff"])):
                best = (t, g)
    return best


def losses(n):
    out = []
    for t in CTX.fx["themes"]:
        for g in t["gaps"]:
            if not (shown_adjacent(g, t) and is_num(g["diff"]) and g["diff"] > 0):
                continue
            other = [o for o in t["gaps"] if o is not g and shown_adjacent(o, t) and
                     o["from"] == g["from"] and o["to"] == g["to"]]
            if any(o["diff"] > g["diff"] for o in other):
                continue
            out.append(((1000 if significant(g) else 0) + g["diff"], t, g))
    out.sort(key=lambda e: -e[0])
    return [(t, g) for _, t, g in out[:n]]


def strengths(n):
    ts = [t for t in CTX.fx["themes"] if is_num(t["thermometer"].get("temperature"))]
    ts.sort(key=lambda t: -t["thermometer"]["temperature"])
    return ts[:n]


def lowest_carry():
    best = None
    for t in CTX.fx["themes"]:
        if is_num(t.get("carry")) and t.get("carry_from") in CTX.active and t.get("carry_to") in CTX.active:
            if best is None or t["carry"] < best["carry"]:
                best = t
    return best


def check_loss_sentence(where, s, t, g):
    ok(isinstance(s, str) and CTX.theme_phrase(t["theme"]) in s,
       "%s: %r should name the theme %r" % (where, s, CTX.theme_phrase(t["theme"])))
    if not isinstance(s, str):
        return
    ok(CTX.phrase(g["from"]) in s and CTX.phrase(g["to"]) in s,
       "%s: %r should name %s and %s" % (where, s, g["from"], g["to"]))
    a, b = CTX.mean(t, g["from"], g["measure"]), CTX.mean(t, g["to"], g["measure"])
    ok(a is not None and b is not None and (" %s" % rnd(a)) in s and (" %s" % rnd(b)) in s,
       "%s: %r should give %s and %s" % (where, s, a, b))
    ok(CTX.m[g["measure"]] in s and one_measure(s) == 1,
       "%s: %r should be about %s only" % (where, s, CTX.m[g["measure"]]))


# ---------------------------------------------------------------- sheets
def check_names():
    names = CTX.wb.sheetnames
    want = list(SHEETS[(CTX.args.variant, CTX.lang)])
    if CTX.args.variant == "full":
        if not CTX.fx.get("trend"):
            want.remove("Trend")
        if not CTX.fx.get("benchmark"):
            want.remove("Benchmark")
        if CTX.args.no_data:
            want.remove("Data")
    ok(names == want, "sheet names: expected %s, got %s" % (want, names))
    return names


def check_response_line(text, where):
    counts = CTX.response_layers()
    inv = sum(e.get("invited", 0) for e in counts.values())
    sub = sum(e.get("submitted", 0) for e in counts.values())
    imp = sum(e.get("imported", 0) for e in counts.values())
    if CTX.fx["wave"].get("collection") == "import":
        ok(CTX.w["import"] in text and str(sub) in text,
           "%s: an import wave must say so: %r" % (where, text))
        return
    ok((CTX.w["invited_of"] % inv) in text and str(sub - imp) in text,
       "%s: %r should give %d of %d" % (where, text, sub - imp, inv))
    if inv:
        ok("(%s%%)" % rnd(100.0 * (sub - imp) / inv) in text, "%s: rate in %r" % (where, text))


def check_reference_note(all_text, where):
    top = CTX.chain[0]
    if top in CTX.suppressed:
        ok(CTX.w["top_hidden"] in all_text and CTX.phrase(CTX.active[0]) in all_text,
           "%s: no note that the chain starts at %s" % (where, CTX.active[0]))


def check_summary(ws):
    rows = rows_of(ws)
    for t in CTX.fx["themes"]:
        lab = CTX.theme(t["theme"])
        r = find_row(rows, lambda row: row[0] == lab)
        if not ok(r >= 0, "Samenvatting: no row for theme %r" % lab):
            continue
        row = rows[r]
        th = t.get("thermometer") or {}
        where = "Samenvatting %s" % lab
        if is_num(th.get("temperature")):
            expect_value(where + " temperature", row[1], th["temperature"])
        expect_value(where + " grade", row[2], th.get("grade"))
        if th.get("band"):
            ok(row[3] == BANDS[CTX.lang][th["band"]], "%s band: %r" % (where, row[3]))
        ok(row[4] == CTX.m[t["carry_measure"]], "%s: based on %r" % (where, row[4]))
        expect_value(where + " carry", row[5], t.get("carry"))
        ci = t.get("carry_ci95") or [None, None]
        expect_value(where + " carry ci low", row[6], ci[0])
        expect_value(where + " carry ci high", row[7], ci[1])
        if t.get("carry_from") in CTX.active:
            ok(row[8] == "%s → %s" % (CTX.layer(t["carry_from"]), CTX.layer(t["carry_to"])),
               "%s: span %r" % (where, row[8]))
    alltext = " ".join(texts(rows))
    r = find_row(rows, lambda row: row[0] == CTX.w["response"])
    if ok(r >= 0, "Samenvatting: no response line"):
        check_response_line(rows[r][1], "Samenvatting")
    check_reference_note(alltext, "Samenvatting")
    h = find_row(rows, lambda row: row[0] == CTX.w["gaps_head"])
    if ok(h >= 0, "Samenvatting: no section %r" % CTX.w["gaps_head"]):
        want = [(t, g) for t, g in losses(3) if significant(g)]
        got = [rows[i][0] for i in range(h + 1, h + 1 + max(len(want), 1))]
        for i, (t, g) in enumerate(want):
            check_loss_sentence("Samenvatting sentence %d" % (i + 1), got[i], t, g)
        if not want:
            ok(isinstance(got[0], str) and len(got[0]) > 40, "Samenvatting: the no-gap sentence")


def check_talk(ws):
    rows = rows_of(ws)
    q = [r for r in rows if cell(r, 9) == CTX.w["question"]]
    want_losses = losses(3)
    want_strengths = strengths(3)
    ok(len(q) >= len(want_losses) + len(want_strengths),
       "Gesprek: %d rows with the question, expected at least %d" % (len(q), len(want_losses) + len(want_strengths)))
    i = 0
    for t, g in want_losses:
        row = q[i] if i < len(q) else [None] * 11
        where = "Gesprek loss %d" % (i + 1)
        ok(row[1] == CTX.theme(t["theme"]), "%s: theme %r" % (where, row[1]))
        ok(row[3] == CTX.m[g["measure"]], "%s: measure %r" % (where, row[3]))
        expect_value(where + " from", row[4], CTX.mean(t, g["from"], g["measure"]))
        expect_value(where + " to", row[5], CTX.mean(t, g["to"], g["measure"]))
        expect_value(where + " diff", row[6], g["diff"])
        expect_value(where + " p_holm", row[7], g.get("p_holm"))
        check_loss_sentence(where, row[8], t, g)
        i += 1
    for t in want_strengths:
        row = q[i] if i < len(q) else [None] * 11
        where = "Gesprek strength %s" % t["theme"]
        ok(row[1] == CTX.theme(t["theme"]), "%s: theme %r" % (where, row[1]))
        expect_value(where + " temperature", row[4], t["thermometer"]["temperature"])
        expect_value(where + " grade", row[5], t["thermometer"]["grade"])
        i += 1
    # the rules map's points: conflicts first, by size
    splits = []
    for r in CTX.fx.get("rules", []):
        cs = [c for c in r["conflicts"] if c["from"] in CTX.active and c["to"] in CTX.active]
        if cs:
            c = max(cs, key=lambda c: abs(c["diff"]))
            splits.append((abs(c["diff"]), r, c))
    splits.sort(key=lambda e: -e[0])
    for _, r, c in splits[:5]:
        row = q[i] if i < len(q) else [None] * 11
        where = "Gesprek rule %s" % r["rule"]
        ok(row[1] == r["text"], "%s: text %r" % (where, row[1]))
        expect_value(where + " net from", row[4], c["net_from"])
        expect_value(where + " net to", row[5], c["net_to"])
        expect_value(where + " diff", row[6], c["diff"])
        i += 1
    if not CTX.fx.get("rules"):
        ok(len(q) == len(want_losses) + len(want_strengths), "Gesprek: rule rows without rules")


def check_chain(ws):
    rows = rows_of(ws)
    h = find_row(rows, lambda row: row[0] == CTX.w["theme"] and cell(row, 1) == CTX.w["measure"])
    if not ok(h >= 0, "Doorfluisteren: no means table"):
        return
    head = rows[h]
    labels = [c for c in head[2:] if c]
    want = [CTX.layer(l) for l in CTX.active] + [CTX.w["carry"]]
    ok(labels == want, "Doorfluisteren: columns %s, expected %s" % (labels, want))
    col = {CTX.active[i]: 2 + i for i in range(len(CTX.active))}
    carry_col = 2 + len(CTX.active)
    themes = {CTX.theme(t["theme"]): t for t in CTX.fx["themes"]}
    words = {CTX.m["score"]: "score", CTX.m["knowledge"]: "knowledge", CTX.w["perception"]: None}
    theme, seen = None, 0
    for row in rows[h + 1:]:
        if not row or (row[0] is None and cell(row, 1) is None):
            break
        if row[0]:
            theme = themes.get(row[0])
        if not ok(theme is not None and row[1] in words, "Doorfluisteren: row %r" % row[:3]):
            continue
        m = words[row[1]]
        for layer, c in col.items():
            e = next((x for x in theme["layers"] if x["layer"] == layer), {})
            where = "Doorfluisteren %s %s %s" % (theme["theme"], row[1], layer)
            if m:
                st = CTX.cell_state(e.get(m))
                expect_value(where, cell(row, c), "SUPP" if st == "suppressed" else
                             None if st == "absent" else e[m]["mean"])
            else:
                supp = any(CTX.cell_state(e.get(x)) == "suppressed" for x in ("score", "knowledge"))
                expect_value(where, cell(row, c), "SUPP" if supp else e.get("perception_gap"))
            seen += 1
        if m and cell(row, carry_col) is not None:
            ok(m == theme["carry_measure"], "Doorfluisteren %s: carry on %s" % (theme["theme"], m))
            expect_value("Doorfluisteren %s carry" % theme["theme"], row[carry_col], theme.get("carry"))
    ok(seen > 0, "Doorfluisteren: no values checked")
    h = find_row(rows, lambda row: any(isinstance(c, str) and "→" in c for c in row[2:]), h)
    if ok(h >= 0, "Doorfluisteren: no links table"):
        pairs = {c: v for c, v in enumerate(rows[h]) if isinstance(v, str) and "→" in v}
        for row in rows[h + 1:]:
            if not row or row[0] not in themes:
                break
            t = themes[row[0]]
            for c, lab in pairs.items():
                fr, to = [s.strip() for s in lab.split("→")]
                link = next((l for l in t.get("links", []) if CTX.layer(l["from"]) == fr
                             and CTX.layer(l["to"]) == to), None)
                expect_value("Doorfluisteren link %s %s" % (t["theme"], lab), row[c],
                             link["ratio"] if link else None)


def gap_lookup(groups, key, label_kind):
    out = {}
    for g in CTX.fx.get(groups, []):
        lab = CTX.label(label_kind, g[key])
        for gap in g.get("gaps", []):
            if gap["from"] in CTX.suppressed or gap["to"] in CTX.suppressed:
                continue
            out[(lab, CTX.m[gap["measure"]], CTX.layer(gap["from"]),
                 CTX.layer(gap["to"]))] = gap
    return out


def check_gaps(ws):
    rows = rows_of(ws)
    expected = gap_lookup("themes", "theme", "themes")
    expected.update(gap_lookup("domains", "domain", "domains"))
    h = find_row(rows, lambda row: cell(row, 8) == "p (Holm)")
    if not ok(h >= 0, "Kloven: no detail table"):
        return
    seen = set()
    for row in rows[h + 1:]:
        if not row or row[0] is None:
            break
        key = tuple(row[:4])
        gap = expected.get(key)
        if not ok(gap is not None, "Kloven: unexpected gap row %r" % (key,)):
            continue
        seen.add(key)
        ci = gap.get("ci95") or [None, None]
        for c, want in zip(range(4, 12), [gap["diff"], gap.get("t"), gap.get("df"), gap.get("p"),
                                          gap.get("p_holm"), gap.get("g"), ci[0], ci[1]]):
            expect_value("Kloven detail %s col %d" % (key, c), row[c], want)
    ok(seen == set(expected), "Kloven: %d gaps missing from the detail table: %s"
       % (len(set(expected) - seen), sorted(set(expected) - seen)[:5]))
    n_matrix = 0
    for grp, key, kind in (("themes", "theme", "themes"), ("domains", "domain", "domains")):
        for m in ("score", "knowledge"):
            title = "%s – %s" % (CTX.w[grp], CTX.m[m])
            t = find_row(rows, lambda row: row[0] == title)
            if t < 0:
                ok(not any(g["measure"] == m for x in CTX.fx.get(grp, []) for g in x["gaps"]),
                   "Kloven: no matrix %r" % title)
                continue
            pairs = {c: v for c, v in enumerate(rows[t + 1]) if isinstance(v, str) and "→" in v}
            for row in rows[t + 3:]:
                if not row or row[0] is None:
                    break
                for c, lab in pairs.items():
                    fr, to = [s.strip() for s in lab.split("→")]
                    gap = expected.get((row[0], CTX.m[m], fr, to))
                    where = "Kloven matrix %s %s %s" % (row[0], m, lab)
                    if gap is None:
                        ok(row[c] == "–", "%s: expected '–', got %r" % (where, row[c]))
                        continue
                    expect_value(where + " diff", row[c], gap["diff"])
                    sig = is_num(gap.get("p_holm")) and gap["p_holm"] < 0.05
                    ok((row[c + 1] == "*") == sig, "%s: significance mark %r" % (where, row[c + 1]))
                    expect_value(where + " g", row[c + 2], gap.get("g"))
                    n_matrix += 1
    ok(n_matrix > 0, "Kloven: no matrix values checked")


def dist_value(dist, it, v):
    if isinstance(dist, list):
        return dist[v] if v < len(dist) else None
    if not isinstance(dist, dict):
        return None
    if it["type"] in ("intent", "choice"):
        opts = it.get("options", [])
        return dist.get(opts[v]["key"]) if v < len(opts) else None
    return dist.get(str(v + 1))


def check_items(ws):
    rows = rows_of(ws)
    h = find_row(rows, lambda row: cell(row, 6) == CTX.w["item_text"])
    if not ok(h >= 0, "Per vraag: no header row"):
        return
    head = rows[h]
    dist_cols = [c for c in range(13, len(head)) if is_num(head[c])]
    rwg_col = dist_cols[-1] + 1 if dist_cols else 13
    ok(head[rwg_col] == "rwg", "Per vraag: rwg header %r" % head[rwg_col])
    ok(ws.freeze_panes == "C%d" % (h + 2), "Per vraag: frozen panes %r" % ws.freeze_panes)
    text_cells = [ws.cell(row=i + 1, column=7) for i in range(h + 1, len(rows)) if rows[i][6]]
    ok(text_cells and all(c.alignment.wrap_text for c in text_cells),
       "Per vraag: question texts do not wrap (they are cut off in print)")
    expected = {}
    for item in CTX.fx.get("items", []):
        for e in item["layers"]:
            if e["layer"] in CTX.suppressed or e.get(item["measure"], 0) is None:
                continue
            expected[(item["item"], CTX.layer(e["layer"]))] = (item, e)
    seen = supp_seen = 0
    for row in rows[h + 1:]:
        if not row or row[0] is None:
            break
        got = expected.pop((row[0], row[1]), None)
        if not ok(got is not None, "Per vraag: unexpected row %r %r" % (row[0], row[1])):
            continue
        item, e = got
        it = CTX.item(item["item"])
        ok(row[5] == (CTX.w["yes"] if item.get("core") else CTX.w["no"]),
           "Per vraag %s: core %r" % (row[0], row[5]))
        st = e.get("score", e.get("knowledge", e))
        where = "Per vraag %s %s" % (row[0], row[1])
        if CTX.cell_state(st) == "suppressed" or (st is not e and e.get("suppressed") is True):
            for c in (7, 8, 9, 10, 11, 12, rwg_col):
                ok(row[c] == CTX.supp_text, "%s col %d: expected %r, got %r"
                   % (where, c, CTX.supp_text, row[c]))
            supp_seen += 1
            continue
        ci = st.get("ci95") or [None, None]
        for c, want in zip(range(7, 12), [st.get("n"), st.get("mean"), st.get("sd"), ci[0], ci[1]]):
            expect_value("%s col %d" % (where, c), row[c], want)
        if is_num(ci[0]):
            ok(0 <= ci[0] <= ci[1] <= 100, "%s: interval %r outside 0-100" % (where, ci))
        dk = st.get("dont_know", e.get("dont_know"))
        if is_num(dk):
            answered = st["n"] if it["type"] == "intent" else st["n"] + dk
            expect_value(where + " weet niet", row[12], dk / answered if answered else None)
        dist = st.get("distribution", e.get("distribution"))
        for i, c in enumerate(dist_cols):
            want = dist_value(dist, it, i)
            if want is None:
                ok(row[c] is None, "%s distribution %d: expected empty, got %r" % (where, i + 1, row[c]))
            else:
                expect_value("%s distribution %d" % (where, i + 1), row[c], want)
        if "rwg" in st:
            expect_value(where + " rwg", row[rwg_col], st["rwg"])
        seen += 1
    ok(not expected, "Per vraag: %d item rows missing, e.g. %s" % (len(expected), list(expected)[:3]))
    ok(seen > 0, "Per vraag: no rows")


def conflict_layers(rule):
    out = set()
    for c in rule["conflicts"]:
        out.add(c["from"])
        out.add(c["to"])
    return out


def check_rules(ws):
    rows = rows_of(ws)
    rules = CTX.fx.get("rules", [])
    h = find_row(rows, lambda row: row[0] == CTX.w["rules_head"] and cell(row, 1) == CTX.layer(CTX.active[0]))
    if not rules:
        ok(h < 0, "Regelkaart: a map without rules")
        return
    if not ok(h >= 0, "Regelkaart: no map"):
        return
    ok(rows[h][1 + len(CTX.active)] == CTX.w["conflicts"], "Regelkaart: no conflicts column")
    bold_seen = plain_seen = 0
    for i, r in enumerate(rules):
        row = rows[h + 1 + i]
        ok(row[0] == r["text"], "Regelkaart: row %d is %r, expected %r" % (i, row[0], r["text"]))
        inconf = conflict_layers(r)
        for a, layer in enumerate(CTX.active):
            e = next(x for x in r["layers"] if x["layer"] == layer)
            rating = e.get("rating")
            where = "Regelkaart %s %s" % (r["rule"], layer)
            c = ws.cell(row=h + 2 + i, column=2 + a)
            if CTX.cell_state(rating) == "suppressed":
                expect_value(where, row[1 + a], "SUPP")
                continue
            expect_value(where, row[1 + a], rating.get("net"))
            boxed = bool(c.font.b) and c.border.left.style is not None
            ok(boxed == (layer in inconf), "%s: conflict %s but bold/boxed %s" % (where, layer in inconf, boxed))
            bold_seen += boxed
            plain_seen += not boxed
        for cf in r["conflicts"]:
            ok(isinstance(row[1 + len(CTX.active)], str) and
               "%s → %s" % (CTX.layer(cf["from"]), CTX.layer(cf["to"])) in row[1 + len(CTX.active)],
               "Regelkaart %s: conflict %s-%s not named" % (r["rule"], cf["from"], cf["to"]))
    ok(bold_seen > 0 and plain_seen > 0, "Regelkaart: no conflict highlighted (%d) or all (%d)" % (bold_seen, plain_seen))
    # counts
    fields = ["n", "helpt", "neutraal", "belemmert", "onbekend", "net"]
    n = 0
    for row in rows:
        r = next((x for x in rules if x["text"] == row[0]), None)
        layer = next((l for l in CTX.active if CTX.layer(l) == cell(row, 1)), None)
        if not r or not layer:
            continue
        rating = next(x for x in r["layers"] if x["layer"] == layer).get("rating")
        for c, f in enumerate(fields):
            want = "SUPP" if CTX.cell_state(rating) == "suppressed" else rating.get(f)
            expect_value("Regelkaart counts %s %s %s" % (r["rule"], layer, f), row[2 + c], want)
        n += 1
    ok(n == len(rules) * len(CTX.active), "Regelkaart: %d count rows, expected %d" % (n, len(rules) * len(CTX.active)))


def check_response(ws):
    rows = rows_of(ws)
    counts = CTX.response_layers()
    for layer in CTX.chain:
        r = find_row(rows, lambda row: row[0] == CTX.layer(layer))
        if not ok(r >= 0, "Respons: no row for %s" % layer):
            continue
        row = rows[r]
        src = counts.get(layer, {})
        imp = src.get("imported", 0)
        expect_value("Respons %s invited" % layer, row[1], src.get("invited"))
        if "started" in src:
            expect_value("Respons %s started" % layer, row[2], src.get("started"))
        expect_value("Respons %s completed" % layer, row[3], src["submitted"] - imp)
        expect_value("Respons %s imported" % layer, row[4], imp)
        online = src["submitted"] - imp
        if src.get("invited") and online <= src["invited"]:
            expect_value("Respons %s rate" % layer, row[5], online / src["invited"])
        else:
            ok(row[5] in ("–", None), "Respons %s: a rate %r where none can be given" % (layer, row[5]))
        ok(not is_num(row[5]) or row[5] <= 1, "Respons %s: rate %r above 100%%" % (layer, row[5]))
        status = row[6] or ""
        want = CTX.w["no"] if layer in CTX.suppressed else CTX.w["yes"]
        ok(status.startswith(want), "Respons %s: status %r" % (layer, status))


def check_trend(ws):
    rows = rows_of(ws)
    h = find_row(rows, lambda row: row[0] == CTX.w["theme"] and cell(row, 1) == CTX.w["layer"])
    if not ok(h >= 0, "Trend: no header row"):
        return
    want = [e for e in CTX.fx["trend"] if e["layer"] not in CTX.suppressed]
    got = [(i, r) for i, r in enumerate(rows) if i > h and r and r[0] is not None]
    ok(len(got) == len(want), "Trend: %d rows, expected %d" % (len(got), len(want)))
    coloured = plain_sig = 0
    for (i, row), e in zip(got, want):
        where = "Trend %s %s %s" % (e["theme"], e["layer"], e["measure"])
        ok(row[0] == CTX.theme(e["theme"]) and row[1] == CTX.layer(e["layer"]) and row[2] == CTX.m[e["measure"]],
           "%s: row %r" % (where, row[:3]))
        for c, k in ((3, "previous_mean"), (4, "mean"), (5, "diff"), (6, "p"), (7, "p_holm")):
            expect_value("%s %s" % (where, k), row[c], e.get(k))
        fill = ws.cell(row=i + 1, column=6).fill
        has_fill = fill is not None and fill.fill_type == "solid"
        sig = is_num(e.get("p_holm")) and e["p_holm"] < 0.05
        ok(has_fill == sig, "%s: coloured %s with p_holm %r" % (where, has_fill, e.get("p_holm")))
        coloured += has_fill
        plain_sig += (not has_fill) and is_num(e.get("p")) and e["p"] < 0.05
        if e.get("comparable") is False:
            ok(isinstance(row[8], str) and row[8].startswith(CTX.w["not_comparable"]),
               "%s: not comparable but %r" % (where, row[8]))
    print("trend: %d coloured, %d with p < 0.05 left plain" % (coloured, plain_sig))


def check_benchmark(ws):
    rows = rows_of(ws)
    note = " ".join(texts(rows[:4]))
    n = max(e["organisations"] for e in CTX.fx["benchmark"])
    ok(CTX.w["peer"] in note and str(n) in note, "Benchmark: the peer group is not named: %r" % note)
    h = find_row(rows, lambda row: row[0] == CTX.w["theme"] and cell(row, 1) == CTX.w["layer"])
    if not ok(h >= 0, "Benchmark: no header row"):
        return
    want = [e for e in CTX.fx["benchmark"] if e["layer"] not in CTX.suppressed]
    got = [r for r in rows[h + 1:] if r and r[0] is not None]
    ok(len(got) == len(want), "Benchmark: %d rows, expected %d" % (len(got), len(want)))
    for row, e in zip(got, want):
        for c, k in enumerate(["mean", "median", "percentile", "organisations"]):
            expect_value("Benchmark %s %s %s" % (e["theme"], e["layer"], k), row[3 + c], e.get(k))


def check_open(ws):
    rows = rows_of(ws)
    opens = json.load(open(CTX.args.open))
    want = sum(len(e["answers"]) for e in opens if e["layer"] not in CTX.suppressed)
    if "bestuur" not in CTX.suppressed:
        want += 1  # the test adds one bestuur answer
    h = find_row(rows, lambda row: cell(row, 2) in ("Antwoord", "Answer"))
    got = [r for r in rows[h + 1:] if r and r[2]]
    ok(len(got) == want, "Open antwoorden: %d answers, expected %d" % (len(got), want))
    ok(all(r[1] != CTX.layer(l) for r in got for l in CTX.suppressed),
       "Open antwoorden: an answer of a suppressed layer")


def check_method(ws):
    rows = rows_of(ws)
    r = find_row(rows, lambda row: row[0] == CTX.w["k"])
    if ok(r >= 0, "Verantwoording: no k row"):
        expect_value("Verantwoording k", rows[r][1], CTX.k)
    r = find_row(rows, lambda row: row[0] == CTX.w["method"])
    if ok(r >= 0, "Verantwoording: no method row"):
        expect_value("Verantwoording method", rows[r][1], CTX.fx.get("method"))
    r = find_row(rows, lambda row: row[0] == CTX.w["suppressed_layers"])
    if ok(r >= 0, "Verantwoording: no suppressed-layers row"):
        want = ", ".join(CTX.layer(l) for l in CTX.chain if l in CTX.suppressed) or CTX.w["none"]
        ok(rows[r][1] == want, "Verantwoording: suppressed layers %r, expected %r" % (rows[r][1], want))
    text = " ".join(str(c) for row in rows for c in row if c)
    ok(CTX.instr["version"] in text and CTX.instr["key"] in text,
       "Verantwoording: instrument key and version missing")
    for word in ("Welch", "Hedges", "Holm", "ANOVA", "rwg", "Wilson"):
        ok(word in text, "Verantwoording: %s is not defined" % word)
    for name in CTX.m.values():
        ok(any(isinstance(row[0], str) and row[0].lower() == name for row in rows),
           "Verantwoording: the measure %r is not defined" % name)
    ok("{" not in text, "Verantwoording: a template was not filled: %r" % text[text.find("{") - 20:text.find("{") + 20])


def check_data(ws):
    rows = rows_of(ws)
    ok(rows[0][0] == WORDS[CTX.lang]["layer"], "Data: header %r" % rows[0][0])
    cols = [it for it in CTX.instr["items"] if it["type"] != "text" and not it.get("background")]
    keys = [it["key"] for it in cols]
    ok(list(rows[0][1:]) == keys, "Data: item columns are not the instrument's items "
       "without open and background questions: %r" % (rows[0][1:6],))
    layers = {r[0] for r in rows[1:]}
    for l in CTX.suppressed:
        ok(CTX.layer(l) not in layers, "Data: rows of suppressed layer %s" % l)
    ok(len(rows) > 100, "Data: only %d rows" % len(rows))
    return layers


# ---------------------------------------------------------------- council
def check_council_front(ws):
    rows = rows_of(ws)
    alltext = " ".join(texts(rows))
    ok(rows[0][0] == CTX.w["council_title"], "page 1: title %r" % rows[0][0])
    ok(rows[1][0] == "%s · %s" % (CTX.fx["wave"]["organisation"], CTX.fx["wave"]["name"]),
       "page 1: organisation and wave %r" % rows[1][0])
    ok(isinstance(rows[2][0], str) and rows[2][0].startswith(CTX.w["response"] + ": "),
       "page 1: response line %r" % rows[2][0])
    check_response_line(rows[2][0], "page 1")
    check_reference_note(alltext, "page 1")
    # the thermometer per theme (columns H..K)
    for t in CTX.fx["themes"]:
        r = find_row(rows, lambda row: cell(row, 7) == CTX.theme(t["theme"]))
        if not ok(r >= 0, "page 1: no thermometer row for %s" % t["theme"]):
            continue
        th = t["thermometer"]
        expect_value("page 1 %s temperature" % t["theme"], rows[r][8], th.get("temperature"))
        expect_value("page 1 %s grade" % t["theme"], rows[r][9], th.get("grade"))
        ok(rows[r][10] == BANDS[CTX.lang].get(th.get("band"), "–"), "page 1 %s band %r" % (t["theme"], rows[r][10]))
    bars = [r for cf in ws.conditional_formatting for r in cf.rules if r.type == "dataBar"]
    ok(len(bars) == len(CTX.fx["themes"]), "page 1: %d thermometer bars, expected %d" % (len(bars), len(CTX.fx["themes"])))
    # the sentences
    h = find_row(rows, lambda row: row[0] == CTX.w["findings"])
    if not ok(h >= 0, "page 1: no sentences"):
        return
    sentences = [r[0][3:] for r in rows[h + 1:] if isinstance(r[0], str) and r[0].startswith("•  ")]
    ok(3 <= len(sentences) <= 5, "page 1: %d sentences, expected 3 to 5" % len(sentences))
    for s in sentences:
        ok(one_measure(s) <= 1, "page 1: a sentence about more than one measure: %r" % s)
    best = largest_score_loss()
    if best and sentences:
        check_loss_sentence("page 1 sentence 1", sentences[0], *best)
    low = lowest_carry()
    if low and len(sentences) > 1:
        s = sentences[1]
        ok(CTX.theme_phrase(low["theme"]) in s and ("%s%%" % rnd(low["carry"])) in s and
           CTX.phrase(low["carry_from"]) in s and CTX.m[low["carry_measure"]] in s,
           "page 1 sentence 2: %r should give %s's carry %s%% from %s" % (s, low["theme"], rnd(low["carry"]), low["carry_from"]))
    warm = strengths(1)
    if warm:
        t = warm[0]
        ok(any(CTX.theme_phrase(t["theme"]) in s and (" %s " % rnd(t["thermometer"]["temperature"])) in s
               for s in sentences), "page 1: no sentence on the warmest theme %s" % t["theme"])


def check_council_themes(ws):
    rows = rows_of(ws)
    for m in ("score", "knowledge"):
        title = "%s%s %s" % (CTX.m[m][0].upper(), CTX.m[m][1:], "per laag" if CTX.lang == "nl" else "per layer")
        h = find_row(rows, lambda row: row[0] == title)
        if not ok(h >= 0, "Per thema: no table of %s" % m):
            continue
        head = rows[h + 1]
        ok([c for c in head[1:] if c] == [CTX.layer(l) for l in CTX.active],
           "Per thema: %s columns %r" % (m, head))
        n = 0
        for row in rows[h + 2:]:
            t = next((t for t in CTX.fx["themes"] if CTX.theme(t["theme"]) == row[0]), None)
            if t is None:
                break
            for a, layer in enumerate(CTX.active):
                want = CTX.mean(t, layer, m)
                where = "Per thema %s %s %s" % (m, t["theme"], layer)
                if want is None:
                    ok(row[1 + a] is None, "%s: chart data must be empty, got %r" % (where, row[1 + a]))
                else:
                    expect_value(where, row[1 + a], want)
            n += 1
        want_n = sum(1 for t in CTX.fx["themes"] if any(CTX.mean(t, l, m) is not None for l in CTX.active))
        ok(n == want_n, "Per thema: %d rows of %s, expected %d" % (n, m, want_n))
    for t in CTX.fx["themes"]:
        r = find_row(rows, lambda row: row[0] == CTX.theme(t["theme"]) and isinstance(cell(row, 1), str))
        if ok(r >= 0, "Per thema: no block for %s" % t["theme"]):
            s = rows[r][1]
            ok((" %s " % rnd(t["thermometer"]["temperature"])) in s, "Per thema %s: temperature in %r" % (t["theme"], s))
            if is_num(t.get("carry")) and t.get("carry_from") in CTX.active:
                ok(("%s%%" % rnd(t["carry"])) in s, "Per thema %s: carry in %r" % (t["theme"], s))
    check_council_rules(rows)


def council_rule_points():
    """The rules the council summary tells, in its order: those two shown
    layers are divided on (largest difference first), then those without
    one that a shown layer rates below 0 (lowest net first)."""
    splits, hinders = [], []
    for r in CTX.fx.get("rules", []):
        cs = [c for c in r["conflicts"] if c["from"] in CTX.active and c["to"] in CTX.active]
        if cs:
            splits.append((-max(abs(c["diff"]) for c in cs), r))
            continue
        nets = [l["rating"]["net"] for l in r["layers"]
                if l["layer"] in CTX.active and not l["rating"].get("suppressed")
                and is_num(l["rating"].get("net")) and l["rating"]["net"] < 0]
        if nets:
            hinders.append((min(nets), r))
    splits.sort(key=lambda e: e[0])
    hinders.sort(key=lambda e: e[0])
    return [r for _, r in splits] + [r for _, r in hinders]


def check_council_rules(rows):
    h = find_row(rows, lambda row: row[0] == CTX.w["council_rules"])
    if not CTX.fx.get("rules"):
        ok(h < 0, "Per thema: rules told for a wave without rules")
        return
    if not ok(h >= 0, "Per thema: no block on the rules"):
        return
    said = [r[0] for r in rows[h + 1:] if isinstance(r[0], str) and r[0].startswith("•  ")]
    want = council_rule_points()[:3]
    ok(len(said) == len(want), "Per thema: %d rules told, expected %d" % (len(said), len(want)))
    for r, s in zip(want, said):
        ok(r["text"].rstrip(".") in s, "Per thema: expected the rule %r, read %r" % (r["text"], s))
    if not want:
        ok(isinstance(cell(rows[h + 1], 0), str) and rows[h + 1][0].startswith(CTX.w["rules_calm"]),
           "Per thema: no sentence that no rule divides or hinders")


def check_council_reading(ws):
    rows = rows_of(ws)
    counts = CTX.response_layers()
    for layer in CTX.chain:
        r = find_row(rows, lambda row: row[0] == CTX.layer(layer))
        if not ok(r >= 0, "Respons en uitleg: no row for %s" % layer):
            continue
        src, row = counts.get(layer, {}), rows[r]
        imp = src.get("imported", 0)
        expect_value("uitleg %s invited" % layer, row[1], src.get("invited"))
        expect_value("uitleg %s completed" % layer, row[2], src["submitted"] - imp)
        expect_value("uitleg %s imported" % layer, row[3], imp)
        ok(not is_num(row[4]) or row[4] <= 1, "uitleg %s: rate above 100%%" % layer)
        ok((row[5] or "").startswith(CTX.w["no"] if layer in CTX.suppressed else CTX.w["yes"]),
           "uitleg %s: status %r" % (layer, row[5]))
    alltext = " ".join(texts(rows))
    ok(CTX.w["reading"] in alltext, "uitleg: no reading guide")
    for name in CTX.m.values():
        ok(any(isinstance(r[0], str) and r[0].lower() == name for r in rows), "uitleg: %r not explained" % name)
    ok("k = %d" % CTX.k in alltext and "70" in alltext and "55" in alltext, "uitleg: k or the bands missing")


def check_council_plain():
    for ws in CTX.wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    ok(not STATISTICS.search(v), "%s: a council member meets statistics: %r" % (ws.title, v))
        # 1 is the file format's default, which a writer may leave out
        ok(ws.page_setup.fitToHeight in (None, 1) and ws.page_setup.fitToWidth in (None, 1) and
           ws.sheet_properties.pageSetUpPr.fitToPage,
           "%s: not one page (%r x %r)" % (ws.title, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight))


# ---------------------------------------------------------------- whole workbook
def all_cells():
    for ws in CTX.wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    yield ws.title, c.coordinate, c.value


def json_floats(doc, out):
    if isinstance(doc, float):
        out.add(doc)
    elif isinstance(doc, dict):
        for v in doc.values():
            json_floats(v, out)
    elif isinstance(doc, list):
        for v in doc:
            json_floats(v, out)
    return out


def near(sorted_vals, v):
    i = bisect.bisect_left(sorted_vals, v)
    for j in (i - 1, i, i + 1):
        if 0 <= j < len(sorted_vals) and close(v, sorted_vals[j]):
            return sorted_vals[j]
    return None


def check_cells_and_sentinels(data_layers):
    mode = CTX.args.sentinels
    sentinels = []
    main = []
    if mode:
        # the decoy's own figures: not whole numbers (counts, ranks) and not
        # within 1e-12 of a figure the main fixture has too
        decoy = json_floats(json.load(open(CTX.args.decoy)), set())
        main = sorted(json_floats(json.load(open(CTX.args.main)), set()))
        sentinels = sorted(v for v in decoy if v != int(v) and near(main, v) is None)
        ok(len(sentinels) > 50, "only %d sentinel numbers in the decoy" % len(sentinels))
    found, strs = set(), []
    for sheet, coord, v in all_cells():
        if isinstance(v, str):
            if sheet != "Data":
                ok(not NUMBER_TEXT.match(v), "%s!%s holds a number as text: %r" % (sheet, coord, v))
            strs.append((sheet, coord, v))
        elif is_num(v):
            if sentinels:
                s = near(sentinels, float(v))
                if s is not None and near(main, float(v)) is None:
                    found.add(s)
                    if mode == "absent":
                        fail("%s!%s holds %r, a figure of the suppressed layer" % (sheet, coord, v))
            if CTX.args.absent_number is not None and close(float(v), CTX.args.absent_number):
                fail("%s!%s holds %r, which must not be shown" % (sheet, coord, v))
    secret = [(s, c) for s, c, v in strs if SECRET in v]
    if mode == "absent":
        ok(not found, "%d sentinel numbers found" % len(found))
        ok(not secret, "the suppressed layer's text is in %s" % secret[:3])
        digits = {("%.4f" % s) for s in sentinels}
        digits |= {d.replace(".", ",") for d in digits}
        leaks = [(s, c, v) for s, c, v in strs if any(d in v for d in digits)]
        ok(not leaks, "sentinel figures in text: %s" % leaks[:3])
        ok(not any(CTX.phrase("bestuur") in v and ("helpt" in v or "helps" in v) for _, _, v in strs
                   if "bestuur" in CTX.suppressed),
           "a sentence says what the suppressed bestuur thinks of a rule")
    elif mode == "present":
        ok(len(found) >= 10, "the reader found only %d sentinel numbers in the decoy" % len(found))
        if CTX.args.variant == "full" and not CTX.args.no_data:
            ok(bool(secret), "the decoy's bestuur text is not in the workbook")
            ok(CTX.layer("bestuur") in (data_layers or set()), "the decoy's bestuur rows are not in Data")
    print("sentinels %s: %d of %d found" % (mode, len(found), len(sentinels)))


def charts():
    with zipfile.ZipFile(CTX.args.file) as z:
        names = z.namelist()
        out = {}
        for n in names:
            m = re.match(r"xl/worksheets/_rels/sheet(\d+)\.xml\.rels", n)
            if not m:
                continue
            rels = z.read(n).decode()
            for d in re.findall(r'Target="\.\./drawings/(drawing\d+\.xml)"', rels):
                drels = z.read("xl/drawings/_rels/%s.rels" % d).decode()
                for c in re.findall(r'Target="\.\./charts/(chart\d+\.xml)"', drels):
                    out.setdefault(int(m.group(1)), []).append(z.read("xl/charts/" + c).decode())
        return out


def check_print_and_properties():
    org = CTX.fx["wave"]["organisation"]
    for ws in CTX.wb.worksheets:
        ok(ws.page_setup.orientation == "landscape", "%s: not landscape" % ws.title)
        if ws.title == "Data":
            ok((ws.print_title_rows or "").replace("$", "") == "1:1"
               and (ws.print_title_cols or "").replace("$", "") == "A:A",
               "Data: print titles %r %r" % (ws.print_title_rows, ws.print_title_cols))
        else:
            ok(ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage,
               "%s: not fit to page" % ws.title)
        ok(org in (ws.oddHeader.left.text or ""), "%s: header without organisation" % ws.title)
        ok("&P" in (ws.oddFooter.center.text or ""), "%s: footer without page number" % ws.title)
    p = CTX.wb.properties
    ok(CTX.fx["wave"]["name"] in (p.title or ""), "properties: title %r" % p.title)
    ok(p.subject == org, "properties: subject %r" % p.subject)
    by_sheet = charts()
    xml = "".join(x for v in by_sheet.values() for x in v)
    if CTX.args.variant == "council":
        first = by_sheet.get(1, [])
        ok(len(first) == 1 and "<c:lineChart>" in first[0], "page 1: the chain chart is not there")
        if first:
            ok(CTX.w["chart_chain"] in first[0], "page 1: the chart's title is not %r" % CTX.w["chart_chain"])
            series = re.findall(r"<c:val><c:numRef><c:f>([^<]*)</c:f>", first[0])
            n = sum(1 for t in CTX.fx["themes"] if any(CTX.mean(t, l, "score") is not None for l in CTX.active))
            ok(len(series) == n, "page 1: %d lines, one per theme with beleving expected (%d)" % (len(series), n))
        ok(sum(len(v) for v in by_sheet.values()) == 1, "council: expected one chart")
    else:
        ok(sum(len(v) for v in by_sheet.values()) == 4, "full: expected 4 charts, found %d"
           % sum(len(v) for v in by_sheet.values()))
        ok('<c:barDir val="bar"/>' in xml and xml.count("<c:lineChart>") == 2 and '<c:barDir val="col"/>' in xml,
           "charts: expected a bar, two line and a column chart")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True)
    ap.add_argument("--sheets")
    ap.add_argument("--fixture")
    ap.add_argument("--main")
    ap.add_argument("--decoy")
    ap.add_argument("--instrument")
    ap.add_argument("--progress")
    ap.add_argument("--open")
    ap.add_argument("--variant", choices=["full", "council"])
    ap.add_argument("--lang", choices=["nl", "en"])
    ap.add_argument("--sentinels", choices=["absent", "present"])
    ap.add_argument("--absent-number", type=float)
    ap.add_argument("--no-data", action="store_true", help="the workbook was written without rows")
    args = ap.parse_args()
    if args.sheets is not None:
        names = openpyxl.load_workbook(args.file).sheetnames
        want = args.sheets.split(",")
        if names != want:
            print("sheet names: expected %s, got %s" % (want, names))
            return 1
        print("ok: sheets %s" % names)
        return 0
    if not (args.fixture and args.instrument and args.variant and args.lang):
        ap.error("--fixture, --instrument, --variant and --lang are required")
    global CTX
    CTX = Ctx(args)
    names = check_names()
    nl = dict(zip(SHEETS[(args.variant, args.lang)], SHEETS[(args.variant, "nl")]))
    by_nl = {nl.get(n, n): CTX.wb[n] for n in names}
    data_layers = None
    if args.variant == "full":
        check_summary(by_nl["Samenvatting"])
        check_talk(by_nl["Gesprek"])
        check_chain(by_nl["Doorfluisteren"])
        check_gaps(by_nl["Kloven"])
        check_items(by_nl["Per vraag"])
        check_rules(by_nl["Regelkaart"])
        check_response(by_nl["Respons"])
        if "Trend" in by_nl:
            check_trend(by_nl["Trend"])
        if "Benchmark" in by_nl:
            check_benchmark(by_nl["Benchmark"])
        check_open(by_nl["Open antwoorden"])
        check_method(by_nl["Verantwoording"])
        data_layers = check_data(by_nl["Data"]) if "Data" in by_nl else None
    else:
        check_council_front(by_nl["Samenvatting"])
        check_council_themes(by_nl["Per thema"])
        check_council_reading(by_nl["Respons en uitleg"])
        check_council_plain()
    check_cells_and_sentinels(data_layers)
    check_print_and_properties()
    for f in failures[:60]:
        print("FAIL:", f)
    if len(failures) > 60:
        print("... and %d more failures" % (len(failures) - 60))
    print("%s: %d checks passed, %d failed" % (args.file, passed[0], len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
