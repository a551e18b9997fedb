#!/usr/bin/env python3
"""summary_check.py - reads the council summary web page (reports/html) with
Python's own HTML parser and checks it against the analysis it was rendered
from. Run by tests/test_summary.c; exit status 0 when every check passes,
1 otherwise (each failure printed), 2 on bad usage.

  summary_check.py --file PAGE.html --fixture A.json --instrument I.json
                   --progress P.json|none --lang nl|en

What is checked:
  - the page is one document with three page sections, no script, no style
    attribute, no inline event handler (the CSP allows none), one linked
    style sheet;
  - page 1: the title, organisation and wave, the response line (counts of
    the progress, the rate never above 100%), the note when the top layer is
    not shown, the chain chart (an SVG with a title, one line per theme with
    beleving, the shown layers as its categories, no suppressed layer), the
    thermometer per theme (temperature, grade and band as the analysis
    gives them, rounded), 3 to 5 sentences;
  - page 2: beleving and kennis per theme and shown layer, rounded, empty
    where a cell may not be shown; the rules in short: at most three, those
    two shown layers are divided on first (largest difference first), then
    those a shown layer says hinder (lowest net first), or a sentence that
    there are none; nothing about rules for a wave without;
  - page 3: the response per layer, the reading guide;
  - nothing of a suppressed layer but its name and counts.
"""
import argparse
import json
import math
import re
import sys
from html.parser import HTMLParser

MEASURE = {"nl": {"score": "beleving", "knowledge": "kennis"},
           "en": {"score": "perceived alignment", "knowledge": "knowledge"}}
BANDS = {"nl": {"goed": "goed", "aandacht": "vraagt aandacht", "zorg": "zorgelijk"},
         "en": {"goed": "good", "aandacht": "needs attention", "zorg": "of concern"}}
WORDS = {"nl": {"title": "Thermometer sociaal domein: samenvatting voor de raad",
                "chart": "De bedoeling langs de keten: beleving per laag (0–100)",
                "response": "Respons:", "of": "van de %d uitgenodigden", "hidden": "minder dan",
                "rules": "Regels die helpen of belemmeren", "calm": "Over geen van de regels"},
         "en": {"title": "Social Domain Thermometer: summary for the council",
                "chart": "The intent along the chain: perceived alignment per layer (0–100)",
                "response": "Response:", "of": "of the %d people invited", "hidden": "Fewer than",
                "rules": "Rules that help or hinder", "calm": "The layers are not far apart"}}

failures, passed = [], [0]


def ok(cond, msg):
    if cond:
        passed[0] += 1
    else:
        failures.append(msg)
    return cond


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag=None, cls=None):
        out = []
        for c in self.children:
            if isinstance(c, Node):
                if (tag is None or c.tag == tag) and (cls is None or cls in c.attrs.get("class", "").split()):
                    out.append(c)
                out.extend(c.find_all(tag, cls))
        return out


VOID = {"meta", "link", "br", "img", "input", "hr"}


class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.cur = self.root
        self.attrs_seen = []

    def handle_starttag(self, tag, attrs):
        self.attrs_seen.extend(a for a, _ in attrs)
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.attrs_seen.extend(a for a, _ in attrs)
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def rule_points(fx, shown):
    """The rules a summary tells, in its order: (rule, kind) for the rules
    two shown layers are divided on (largest difference first), then the
    rules without one that a shown layer rates below 0 (lowest net first)."""
    splits, hinders = [], []
    for r in fx.get("rules", []):
        cs = [c for c in r["conflicts"] if c["from"] in shown and c["to"] in shown]
        if cs:
            splits.append((-max(abs(c["diff"]) for c in cs), r))
            continue
        nets = [l["rating"]["net"] for l in r["layers"]
                if l["layer"] in shown and not l["rating"].get("suppressed")
                and isinstance(l["rating"].get("net"), (int, float)) and l["rating"]["net"] < 0]
        if nets:
            hinders.append((min(nets), r))
    splits.sort(key=lambda e: e[0])
    hinders.sort(key=lambda e: e[0])
    return [(r, "split") for _, r in splits] + [(r, "hinders") for _, r in hinders]


def rounded(v, lang, decimals=0):
    """As the page rounds: half away from zero."""
    scale = 10 ** decimals
    r = math.floor(abs(v) * scale + 0.5) / scale
    s = "%.*f" % (decimals, r if v >= 0 else -r)
    if s in ("-0", "-0.0"):
        s = s[1:]
    return s if lang == "en" else s.replace(".", ",")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--instrument", required=True)
    ap.add_argument("--progress", default="none")
    ap.add_argument("--lang", choices=["nl", "en"], required=True)
    a = ap.parse_args()
    html = open(a.file, encoding="utf-8").read()
    fx = json.load(open(a.fixture))
    instr = json.load(open(a.instrument))
    lang, w = a.lang, WORDS[a.lang]
    prog = json.load(open(a.progress))["layers"] if a.progress != "none" else fx["response"]
    k = fx["wave"].get("min_group_size", 5)

    def label(kind, key):
        e = next((x for x in instr[kind] if x["key"] == key), None)
        return (e["label"].get(lang) or e["label"]["nl"]) if e else key

    suppressed = set(fx.get("suppressed_layers") or [])
    shown = [l for l in fx["chain"] if l not in suppressed]

    def mean(t, layer, m):
        if layer in suppressed:
            return None
        e = next((x for x in t["layers"] if x["layer"] == layer), {})
        st = e.get(m)
        if not isinstance(st, dict) or st.get("suppressed") or st.get("n", 0) < k:
            return None
        return st["mean"]

    t = Tree()
    t.feed(html)
    root = t.root
    ok(html.startswith("<!DOCTYPE html>"), "not an HTML5 document")
    ok(not root.find_all("script"), "the page has a script")
    ok("style" not in t.attrs_seen and not any(x.startswith("on") for x in t.attrs_seen),
       "a style attribute or an inline event handler (the CSP forbids both)")
    links = [n for n in root.find_all("link") if n.attrs.get("rel") == "stylesheet"]
    ok(len(links) == 1, "expected one style sheet, found %d" % len(links))
    pages = root.find_all("section", "page")
    if not ok(len(pages) == 3, "expected 3 page sections, found %d" % len(pages)):
        return report(a.file)
    p1, p2, p3 = pages

    # page 1
    h1 = p1.find_all("h1")
    ok(h1 and h1[0].text() == w["title"], "page 1: title %r" % (h1[0].text() if h1 else None))
    org = p1.find_all("p", "org")
    ok(org and org[0].text() == "%s · %s" % (fx["wave"]["organisation"], fx["wave"]["name"]),
       "page 1: organisation and wave %r" % (org[0].text() if org else None))
    resp = p1.find_all("p", "response")
    inv = sum(e.get("invited", 0) for e in prog)
    sub = sum(e.get("submitted", 0) for e in prog)
    imp = sum(e.get("imported", 0) for e in prog)
    if ok(resp, "page 1: no response line"):
        text = resp[0].text()
        ok(text.startswith(w["response"]) and (w["of"] % inv) in text and str(sub - imp) in text,
           "page 1: response line %r" % text)
        if inv:
            ok("(%s%%)" % rounded(100.0 * (sub - imp) / inv, "en") in text, "page 1: rate in %r" % text)
    note = " ".join(n.text() for n in p1.find_all("p", "note"))
    if fx["chain"][0] in suppressed:
        ok(w["hidden"] in note, "page 1: no note that %s is not shown" % fx["chain"][0])
    fig = p1.find_all("figure", "chain")
    if ok(fig, "page 1: no chain chart"):
        cap = fig[0].find_all("figcaption")
        ok(cap and cap[0].text() == w["chart"], "page 1: chart caption %r" % (cap[0].text() if cap else None))
        svg = fig[0].find_all("svg")
        ok(svg and svg[0].attrs.get("role") == "img", "page 1: the chart is not an SVG image")
        if svg:
            title = svg[0].find_all("title")
            ok(title and title[0].text() == w["chart"], "page 1: the SVG has no title")
            texts = [n.text() for n in svg[0].find_all("text")]
            for l in shown:
                ok(label("layers", l) in texts, "page 1: chart lacks layer %s" % l)
            for l in suppressed:
                ok(label("layers", l) not in texts, "page 1: the chart shows suppressed layer %s" % l)
            want = [tt for tt in fx["themes"] if any(mean(tt, l, "score") is not None for l in shown)]
            ok(len(svg[0].find_all("g")) == len(want), "page 1: %d lines, expected %d"
               % (len(svg[0].find_all("g")), len(want)))
            for tt in want:
                ok(label("themes", tt["theme"]) in texts, "page 1: legend lacks %s" % tt["theme"])
            circles = sum(1 for tt in want for l in shown if mean(tt, l, "score") is not None)
            ok(len(svg[0].find_all("circle")) == circles + len(want),
               "page 1: %d markers, expected %d values and %d legend marks"
               % (len(svg[0].find_all("circle")), circles, len(want)))
    rows = p1.find_all("tr")
    for tt in fx["themes"]:
        th = tt["thermometer"]
        row = next((r for r in rows if r.find_all("th") and r.find_all("th")[0].text().startswith(label("themes", tt["theme"]))), None)
        if not ok(row is not None, "page 1: no thermometer row for %s" % tt["theme"]):
            continue
        cells = [c.text() for c in row.find_all("td")]
        ok(cells[0] == rounded(th["temperature"], lang), "page 1 %s: temperature %r" % (tt["theme"], cells[0]))
        ok(cells[1] == rounded(th["grade"], lang, 1), "page 1 %s: grade %r" % (tt["theme"], cells[1]))
        ok(cells[2] == BANDS[lang][th["band"]], "page 1 %s: band %r" % (tt["theme"], cells[2]))
        ok(row.attrs.get("class") == "band-" + th["band"], "page 1 %s: row class %r" % (tt["theme"], row.attrs))
    items = p1.find_all("ul", "findings")
    n = len(items[0].find_all("li")) if items else 0
    ok(3 <= n <= 5, "page 1: %d sentences, expected 3 to 5" % n)
    for li in (items[0].find_all("li") if items else []):
        s = li.text().lower()
        ok(sum(1 for name in MEASURE[lang].values() if re.search(r"\b%s\b" % re.escape(name), s)) <= 1,
           "page 1: a sentence about more than one measure: %r" % s)

    # page 2
    for table in p2.find_all("table", "means"):
        cap = table.find_all("caption")[0].text().lower()
        m = "score" if cap.startswith(MEASURE[lang]["score"]) else "knowledge"
        head = [c.text() for c in table.find_all("thead")[0].find_all("th")][1:]
        ok(head == [label("layers", l) for l in shown], "page 2 %s: columns %r" % (m, head))
        for r in table.find_all("tbody")[0].find_all("tr"):
            name = r.find_all("th")[0].text()
            tt = next(x for x in fx["themes"] if label("themes", x["theme"]) == name)
            cells = [c.text() for c in r.find_all("td")]
            for l, c in zip(shown, cells):
                v = mean(tt, l, m)
                ok(c == ("" if v is None else rounded(v, lang)), "page 2 %s %s %s: %r for %r" % (m, name, l, c, v))
    ok(len(p2.find_all("table", "means")) == 2 - (not any(mean(tt, l, "knowledge") is not None for tt in fx["themes"] for l in shown)),
       "page 2: tables of beleving and kennis")
    dts = [d.text() for d in p2.find_all("dt")]
    ok(dts == [label("themes", tt["theme"]) for tt in fx["themes"]], "page 2: blocks %r" % dts)
    heads = [h for h in p2.find_all("h3") if h.text() == w["rules"]]
    if not fx.get("rules"):
        ok(not heads, "page 2: rules told for a wave without rules")
    elif ok(heads, "page 2: no block on the rules"):
        want = rule_points(fx, shown)[:3]
        said = [li.text() for ul in p2.find_all("ul", "rules") for li in ul.find_all("li")]
        ok(len(said) == len(want), "page 2: %d rules told, expected %d" % (len(said), len(want)))
        for (r, kind), text in zip(want, said):
            ok(r["text"].rstrip(".") in text, "page 2: expected the rule %r (%s), read %r" % (r["text"], kind, text))
        if not want:
            calm = p2.find_all("p", "rules")
            ok(calm and calm[0].text().startswith(w["calm"]), "page 2: no sentence that no rule divides or hinders")

    # page 3
    table = p3.find_all("table", "response")
    if ok(table, "page 3: no response table"):
        body = table[0].find_all("tbody")[0].find_all("tr")
        ok(len(body) == len(fx["chain"]), "page 3: %d layers" % len(body))
        for r, l in zip(body, fx["chain"]):
            e = next((x for x in prog if x["layer"] == l), {})
            cells = [c.text() for c in r.find_all("td")]
            online = e.get("submitted", 0) - e.get("imported", 0)
            ok(cells[0] == str(e.get("invited")) and cells[1] == str(online) and cells[2] == str(e.get("imported", 0)),
               "page 3 %s: counts %r" % (l, cells))
            if e.get("invited"):
                ok(cells[3] == "%s%%" % rounded(100.0 * online / e["invited"], "en"), "page 3 %s: rate %r" % (l, cells[3]))
            rate = re.match(r"(\d+)%", cells[3])
            ok(not rate or int(rate.group(1)) <= 100, "page 3 %s: rate above 100%%" % l)
    ok(len(p3.find_all("dt")) >= 6, "page 3: the reading guide is missing")
    # nothing of a suppressed layer but its name and counts: its label only
    # on page 3 and in the note
    for l in suppressed:
        lab = label("layers", l)
        ok(lab not in p2.text(), "page 2 names suppressed layer %s" % l)
        for tag in p1.find_all("table") + p1.find_all("ul"):
            ok(lab not in tag.text(), "page 1 shows suppressed layer %s" % l)
    return report(a.file)


def report(name):
    for f in failures[:40]:
        print("FAIL:", f)
    print("%s: %d checks passed, %d failed" % (name, passed[0], len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
