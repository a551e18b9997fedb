#!/usr/bin/env python3
"""report_check.py - reads an Excel report written by reports/report_xlsx.c
with openpyxl (Debian: python3-openpyxl) and checks it against the analysis
fixture it was written from. Run by tests/test_report.c; exit status 0 when
every check passes, 1 otherwise (each failure is printed), 2 on bad usage.

  report_check.py --file F.xlsx --fixture A.json --main A.json --decoy D.json
                  --instrument I.json --progress P.json|none --open O.json
                  --variant full|council --lang nl|en
                  [--sentinels absent|present] [--absent-number X]
  report_check.py --file F.xlsx --sheets Name1,Name2,...

What is checked:
  - sheet names and their order for the variant and language;
  - Samenvatting, Doorfluisteren, Kloven and Per vraag: every figure equals
    the fixture's value within 1e-12 relative and is a numeric cell; a cell
    with n < k (or flagged suppressed) reads "< k"; null reads "–";
  - the gap sentences, Respons counts, Trend/Benchmark rows, open answers,
    Verantwoording, the Data sheet's layers;
  - no string cell anywhere holds a number;
  - page setup (landscape, fit to width, header/footer), document
    properties, the native charts and the three-colour scale;
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
import zipfile

import openpyxl

SECRET = "BESTUUR-GEHEIM-7123"
SHEETS = {
    "nl": ["Samenvatting", "Doorfluisteren", "Kloven", "Per vraag", "Respons", "Trend",
           "Benchmark", "Open antwoorden", "Verantwoording", "Data"],
    "en": ["Summary", "Carry-through", "Gaps", "Per item", "Response", "Trend", "Benchmark",
           "Open answers", "Method", "Data"],
}
WORDS = {
    "nl": {"score": "score", "knowledge": "kennis", "perception": "perceptiekloof",
           "goed": "goed", "aandacht": "aandacht", "zorg": "zorg", "theme": "Thema",
           "measure": "Maat", "themes": "Thema's", "domains": "Onderwerpen",
           "item_text": "Vraagtekst", "gaps_head": "Waar gaat de bedoeling verloren?",
           "none": "geen", "layer": "Laag", "no": "nee", "yes": "ja",
           "carry": "Doorfluisterindex (%)", "suppressed_layers": "Onderdrukte lagen",
           "k": "Minimale groepsgrootte (k)", "sentence_start": "Bij ", "between": "tussen"},
    "en": {"score": "score", "knowledge": "knowledge", "perception": "perception gap",
           "goed": "good", "aandacht": "attention", "zorg": "concern", "theme": "Theme",
           "measure": "Measure", "themes": "Themes", "domains": "Subjects",
           "item_text": "Item text", "gaps_head": "Where is the intent lost?",
           "none": "none", "layer": "Layer", "no": "no", "yes": "yes",
           "carry": "Carry-through index (%)", "suppressed_layers": "Suppressed layers",
           "k": "Minimum group size (k)", "sentence_start": "For ", "between": "between"},
}
NUMBER_TEXT = re.compile(r"^\s*[-+]?\d+([.,]\d+)?\s*%?\s*$")

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


class Ctx:
    def __init__(self, args):
        self.args = args
        self.fx = json.load(open(args.fixture))
        self.instr = json.load(open(args.instrument))
        self.lang = args.lang
        self.w = WORDS[self.lang]
        self.k = self.fx["wave"].get("min_group_size", 5)
        self.supp_text = "< %d" % self.k
        self.wb = openpyxl.load_workbook(args.file)
        self.suppressed = self.suppressed_layers()
        chain = self.fx.get("chain") or [l["key"] for l in self.instr["layers"]]
        self.active = [l for l in chain if l not in self.suppressed]

    def label(self, kind, key):
        for e in self.instr[kind]:
            if e["key"] == key:
                return e["label"].get(self.lang) or e["label"]["nl"]
        return key

    def layer(self, key):
        return self.label("layers", key)

    def item(self, key):
        for it in self.instr["items"]:
            if it["key"] == key:
                return it
        return None

    def suppressed_layers(self):
        out = set()
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

    def measure_word(self, m):
        return self.w["knowledge" if m == "knowledge" else "score"]


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
    return row[c] if c < len(row) else None


# ---------------------------------------------------------------- sheets
def check_names():
    names = CTX.wb.sheetnames
    want = list(SHEETS[CTX.lang])
    if not CTX.fx.get("trend"):
        want.remove("Trend")
    if not CTX.fx.get("benchmark"):
        want.remove("Benchmark")
    if CTX.args.variant == "council":
        want = [n for n in want if n not in (SHEETS[CTX.lang][7], "Data")]
    ok(names == want, "sheet names: expected %s, got %s" % (want, names))
    return names


def expected_picks():
    picks = []
    for t in CTX.fx["themes"]:
        for g in t.get("gaps", []):
            p, d = g.get("p_holm"), g.get("diff")
            if not is_num(p) or p >= 0.05 or not is_num(d) or d <= 0:
                continue
            if g["from"] in CTX.suppressed or g["to"] in CTX.suppressed:
                continue
            chain = CTX.fx["chain"]
            span = any(o is not g and o["measure"] == g["measure"] and o["from"] == g["from"]
                       and chain.index(o["to"]) < chain.index(g["to"]) for o in t["gaps"])
            if not span:
                picks.append((d, t, g))
    picks.sort(key=lambda p: -p[0])
    out = []  # one per theme and link: the larger of score and knowledge
    for d, t, g in picks:
        if not any(t is t2 and g["from"] == g2["from"] and g["to"] == g2["to"] for _, t2, g2 in out):
            out.append((d, t, g))
    return out[:3]


def lower_first(s):
    return s[0].lower() + s[1:] if s and s[0].isupper() and not (len(s) > 1 and s[1].isupper()) else s


def check_summary(ws):
    rows = rows_of(ws)
    bands = {"goed": CTX.w["goed"], "aandacht": CTX.w["aandacht"], "zorg": CTX.w["zorg"]}
    for t in CTX.fx["themes"]:
        lab = CTX.label("themes", t["theme"])
        r = find_row(rows, lambda row: row[0] == lab)
        if not ok(r >= 0, "Samenvatting: no row for theme %r" % lab):
            continue
        row = rows[r]
        th = t.get("thermometer") or {}
        if is_num(th.get("temperature")):
            expect_value("Samenvatting %s temperature" % lab, row[1], th["temperature"])
        expect_value("Samenvatting %s grade" % lab, row[2], th.get("grade"))
        if th.get("band"):
            ok(row[3] == bands[th["band"]], "Samenvatting %s band: %r" % (lab, row[3]))
        expect_value("Samenvatting %s carry" % lab, row[4], t.get("carry"))
    # the gap sentences
    h = find_row(rows, lambda row: row[0] == CTX.w["gaps_head"])
    if ok(h >= 0, "Samenvatting: no section %r" % CTX.w["gaps_head"]):
        picks = expected_picks()
        sentences = [rows[i][0] for i in range(h + 1, h + 1 + max(len(picks), 1))]
        if picks:
            for s, (d, t, g) in zip(sentences, picks):
                ok(isinstance(s, str) and s.startswith(CTX.w["sentence_start"]),
                   "Samenvatting: sentence %r" % s)
            d, t, g = picks[0]
            s = sentences[0] or ""
            want = "%s %s " % (CTX.w["between"], lower_first(CTX.layer(g["from"])))
            ok(want in s and lower_first(CTX.label("themes", t["theme"])) in s,
               "Samenvatting: first sentence %r should name %r and the theme" % (s, want))
            if is_num(t.get("carry")):
                ok("%d%%" % round(t["carry"]) in s, "Samenvatting: carry in %r" % s)
        else:
            ok(isinstance(sentences[0], str) and len(sentences[0]) > 40,
               "Samenvatting: the no-gap sentence is missing")


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
    themes = {CTX.label("themes", t["theme"]): t for t in CTX.fx["themes"]}
    words = {CTX.w["score"]: "score", CTX.w["knowledge"]: "knowledge", CTX.w["perception"]: None}
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
            expect_value("Doorfluisteren %s carry" % theme["theme"], row[carry_col], theme.get("carry"))
    ok(seen > 0, "Doorfluisteren: no values checked")
    # links
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
            out[(lab, CTX.measure_word(gap["measure"]), CTX.layer(gap["from"]),
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
    # the matrices
    n_matrix = 0
    for grp, key, kind in (("themes", "theme", "themes"), ("domains", "domain", "domains")):
        for m in ("score", "knowledge"):
            title = "%s – %s" % (CTX.w[grp], CTX.measure_word(m))
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
                    gap = expected.get((row[0], CTX.measure_word(m), fr, to))
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
    scales = [r for cf in ws.conditional_formatting for r in cf.rules if r.type == "colorScale"]
    ok(len(scales) >= 1, "Kloven: no three-colour scale")
    ok(all(len(r.colorScale.cfvo) == 3 for r in scales), "Kloven: colour scale is not 3-colour")


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
    h = find_row(rows, lambda row: cell(row, 5) == CTX.w["item_text"])
    if not ok(h >= 0, "Per vraag: no header row"):
        return
    head = rows[h]
    dist_cols = [c for c in range(12, len(head)) if is_num(head[c])]
    rwg_col = dist_cols[-1] + 1 if dist_cols else 12
    ok(head[rwg_col] == "rwg", "Per vraag: rwg header %r" % head[rwg_col])
    ok(ws.freeze_panes == "C%d" % (h + 2), "Per vraag: frozen panes %r" % ws.freeze_panes)
    ok(bool(ws.auto_filter.ref) and ws.auto_filter.ref.startswith("A%d:" % (h + 1)),
       "Per vraag: autofilter %r" % ws.auto_filter.ref)
    expected = {}
    for item in CTX.fx.get("items", []):
        for e in item["layers"]:
            if e["layer"] not in CTX.suppressed:
                expected[(item["item"], CTX.layer(e["layer"]))] = (item, e)
    seen = 0
    supp_seen = 0
    for row in rows[h + 1:]:
        if not row or row[0] is None:
            break
        got = expected.pop((row[0], row[1]), None)
        if not ok(got is not None, "Per vraag: unexpected row %r %r" % (row[0], row[1])):
            continue
        item, e = got
        it = CTX.item(item["item"])
        st = e.get("score", e.get("knowledge", e))
        where = "Per vraag %s %s" % (row[0], row[1])
        if CTX.cell_state(st) == "suppressed" or (st is not e and e.get("suppressed") is True):
            for c in (6, 7, 8, 9, 10, 11, rwg_col):
                ok(row[c] == CTX.supp_text, "%s col %d: expected %r, got %r"
                   % (where, c, CTX.supp_text, row[c]))
            supp_seen += 1
            continue
        ci = st.get("ci95") or [None, None]
        for c, want in zip(range(6, 11), [st.get("n"), st.get("mean"), st.get("sd"), ci[0], ci[1]]):
            expect_value("%s col %d" % (where, c), row[c], want)
        dk = st.get("dont_know", e.get("dont_know"))
        if is_num(dk):
            answered = st["n"] if it["type"] == "intent" else st["n"] + dk
            expect_value(where + " weet niet", row[11], dk / answered if answered else None)
        dist = st.get("distribution", e.get("distribution"))
        for i, c in enumerate(dist_cols):
            want = dist_value(dist, it, i)
            if want is None:
                ok(row[c] is None, "%s distribution %d: expected empty, got %r" % (where, i + 1, row[c]))
            else:
                expect_value("%s distribution %d" % (where, i + 1), row[c], want)
        rwg = st.get("rwg", e.get("rwg"))
        if "rwg" in st or "rwg" in e:
            expect_value(where + " rwg", row[rwg_col], rwg)
        seen += 1
    ok(not expected, "Per vraag: %d item rows missing, e.g. %s" % (len(expected), list(expected)[:3]))
    ok(seen > 0, "Per vraag: no rows")
    if any(CTX.cell_state(e.get("knowledge", e.get("score"))) == "suppressed"
           for i in CTX.fx.get("items", []) for e in i["layers"] if e["layer"] not in CTX.suppressed):
        ok(supp_seen > 0, "Per vraag: no suppressed cell shown as %r" % CTX.supp_text)


def check_response(ws):
    rows = rows_of(ws)
    prog = None
    if CTX.args.progress and CTX.args.progress != "none":
        prog = {e["layer"]: e for e in json.load(open(CTX.args.progress))["layers"]}
    resp = {e["layer"]: e for e in CTX.fx.get("response", [])}
    for layer in CTX.fx["chain"]:
        r = find_row(rows, lambda row: row[0] == CTX.layer(layer))
        if not ok(r >= 0, "Respons: no row for %s" % layer):
            continue
        row = rows[r]
        src = prog.get(layer) if prog else resp.get(layer)
        for c, f in ((1, "invited"), (2, "started"), (3, "submitted")):
            want = src.get(f) if src else None
            expect_value("Respons %s %s" % (layer, f), row[c], want)
        if src and src.get("invited"):
            expect_value("Respons %s rate" % layer, row[4], src["submitted"] / src["invited"])
        status = row[5] or ""
        want = CTX.w["no"] if layer in CTX.suppressed else CTX.w["yes"]
        ok(status.startswith(want), "Respons %s: status %r" % (layer, status))


def check_series(ws, name, keys):
    rows = rows_of(ws)
    h = find_row(rows, lambda row: row[0] == CTX.w["theme"] and cell(row, 1) == CTX.w["layer"])
    if not ok(h >= 0, "%s: no header row" % name):
        return
    want = [e for e in CTX.fx[name] if e["layer"] not in CTX.suppressed]
    got = [r for r in rows[h + 1:] if r and r[0] is not None]
    ok(len(got) == len(want), "%s: %d rows, expected %d" % (name, len(got), len(want)))
    for row, e in zip(got, want):
        ok(row[0] == CTX.label("themes", e["theme"]) and row[1] == CTX.layer(e["layer"]),
           "%s: row %r for %r" % (name, row[:3], e))
        for c, k in enumerate(keys):
            if CTX.cell_state(e) == "suppressed":
                expect_value("%s %s" % (name, k), row[3 + c], "SUPP")
            else:
                expect_value("%s %s %s %s" % (name, e["theme"], e["layer"], k), row[3 + c], e.get(k))


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
    r = find_row(rows, lambda row: row[0] == CTX.w["suppressed_layers"])
    if ok(r >= 0, "Verantwoording: no suppressed-layers row"):
        want = ", ".join(CTX.layer(l) for l in CTX.fx["chain"] if l in CTX.suppressed) or CTX.w["none"]
        ok(rows[r][1] == want, "Verantwoording: suppressed layers %r, expected %r" % (rows[r][1], want))
    text = " ".join(str(c) for row in rows for c in row if c)
    ok(CTX.instr["version"] in text and CTX.instr["key"] in text,
       "Verantwoording: instrument key and version missing")
    for word in ("Welch", "Hedges", "Holm", "ANOVA", "rwg"):
        ok(word in text, "Verantwoording: %s is not defined" % word)


def check_data(ws):
    rows = rows_of(ws)
    ok(rows[0][0] == CTX.w["layer"], "Data: header %r" % rows[0][0])
    # Open questions and background items are never beside a person's other
    # answers: a text can name its writer, role + years + layer can single one out.
    cols = [it for it in CTX.instr["items"] if it["type"] != "text" and not it.get("background")]
    keys = [it["key"] for it in cols]
    ok(list(rows[0][1:]) == keys, "Data: item columns are not the instrument's items "
       "without open and background questions: %r" % (rows[0][1:6],))
    layers = {r[0] for r in rows[1:]}
    for l in CTX.suppressed:
        ok(CTX.layer(l) not in layers, "Data: rows of suppressed layer %s" % l)
    likert = [1 + i for i, it in enumerate(cols) if it["type"] in ("likert", "grade")]
    bad = [(i, c) for i, r in enumerate(rows[1:]) for c in likert
           if r[c] is not None and not is_num(r[c]) and r[c] not in ("weet niet", "don't know")]
    ok(not bad, "Data: non-numeric likert/grade answers at %s" % bad[:5])
    ok(len(rows) > 100, "Data: only %d rows" % len(rows))
    return layers


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
    if mode:
        decoy = json_floats(json.load(open(CTX.args.decoy)), set())
        main = json_floats(json.load(open(CTX.args.main)), set())
        sentinels = sorted(decoy - main)
        ok(len(sentinels) > 50, "only %d sentinel numbers in the decoy" % len(sentinels))
    found, texts = set(), []
    for sheet, coord, v in all_cells():
        if isinstance(v, str):
            if sheet != "Data":
                ok(not NUMBER_TEXT.match(v), "%s!%s holds a number as text: %r" % (sheet, coord, v))
            texts.append((sheet, coord, v))
        elif is_num(v):
            if sentinels:
                s = near(sentinels, float(v))
                if s is not None:
                    found.add(s)
                    if mode == "absent":
                        fail("%s!%s holds %r, a figure of the suppressed layer" % (sheet, coord, v))
            if CTX.args.absent_number is not None and close(float(v), CTX.args.absent_number):
                fail("%s!%s holds %r, which must not be shown" % (sheet, coord, v))
    secret = [(s, c) for s, c, v in texts if SECRET in v]
    if mode == "absent":
        ok(not found, "%d sentinel numbers found" % len(found))
        ok(not secret, "the suppressed layer's text is in %s" % secret[:3])
        digits = {("%.4f" % s) for s in sentinels}
        digits |= {d.replace(".", ",") for d in digits}
        leaks = [(s, c, v) for s, c, v in texts if any(d in v for d in digits)]
        ok(not leaks, "sentinel figures in text: %s" % leaks[:3])
    elif mode == "present":
        ok(len(found) >= 10, "the reader found only %d sentinel numbers in the decoy" % len(found))
        if CTX.args.variant == "full":
            ok(bool(secret), "the decoy's bestuur text is not in the workbook")
            ok(CTX.layer("bestuur") in (data_layers or set()), "the decoy's bestuur rows are not in Data")
    print("sentinels %s: %d of %d found" % (mode, len(found), len(sentinels)))


def check_print_and_properties():
    org = CTX.fx["wave"]["organisation"]
    for ws in CTX.wb.worksheets:
        ok(ws.page_setup.orientation == "landscape", "%s: not landscape" % ws.title)
        if ws.title == "Data":  # printed across pages with the header row and layer column
            ok((ws.print_title_rows or "").replace("$", "") == "1:1"
               and (ws.print_title_cols or "").replace("$", "") == "A:A",
               "Data: print titles %r %r" % (ws.print_title_rows, ws.print_title_cols))
        else:
            ok(ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage,
               "%s: not fit to page" % ws.title)
            ok(ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0,
               "%s: not fit to width (%r x %r)" % (ws.title, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight))
        ok(org in (ws.oddHeader.left.text or ""), "%s: header without organisation" % ws.title)
        ok("&P" in (ws.oddFooter.center.text or ""), "%s: footer without page number" % ws.title)
    p = CTX.wb.properties
    ok(CTX.fx["wave"]["name"] in (p.title or ""), "properties: title %r" % p.title)
    ok(p.subject == org, "properties: subject %r" % p.subject)
    ok(org in (p.keywords or ""), "properties: keywords %r" % p.keywords)
    with zipfile.ZipFile(CTX.args.file) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(z.read(n).decode() for n in charts)
    ok(len(charts) == 3, "expected 3 charts, found %d" % len(charts))
    ok('<c:barDir val="bar"/>' in xml and "<c:lineChart>" in xml and '<c:barDir val="col"/>' in xml,
       "charts: expected a bar, a line and a column chart")


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
    sheets = dict(zip(SHEETS[args.lang], SHEETS["nl"]))
    by_nl = {sheets.get(n, n): CTX.wb[n] for n in names}
    check_summary(by_nl["Samenvatting"])
    check_chain(by_nl["Doorfluisteren"])
    check_gaps(by_nl["Kloven"])
    check_items(by_nl["Per vraag"])
    check_response(by_nl["Respons"])
    if "Trend" in by_nl:
        check_series(by_nl["Trend"], "trend", ["previous", "current", "diff", "p"])
    if "Benchmark" in by_nl:
        check_series(by_nl["Benchmark"], "benchmark", ["mean", "median", "percentile", "organisations"])
    if "Open antwoorden" in by_nl:
        check_open(by_nl["Open antwoorden"])
    check_method(by_nl["Verantwoording"])
    data_layers = check_data(by_nl["Data"]) if "Data" in by_nl else None
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
