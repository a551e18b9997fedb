#!/usr/bin/env python3
"""report_download_check.py - reads a report downloaded from the server
(GET /api/v1/waves/{id}/report.xlsx) with openpyxl and checks what a wave
with a small layer and a small item cell may show. Run by
tests/test_report_download.c; exit status 0 when every check passes, 1
otherwise (each failure printed), 2 on bad usage.

  report_download_check.py --file F.xlsx --instrument I.json --variant full|council
        --lang nl|en --small-layer L --cell ITEM:LAYER --rows L=N,L=N,...
        [--absent TEXT]... [--present TEXT]...
  report_download_check.py --file A.xlsx --same-as B.xlsx [--replace OLD=NEW]...

The first form checks:
  - the sheets: full has the Data sheet last; council has exactly its three
    sheets, no Data sheet and none of the full report's statistics sheets;
  - the small layer (fewer than k submissions) has no row in Data, and Data
    holds the rows of each shown layer, as many as --rows says;
  - the small item cell (ITEM answered by fewer than k in LAYER, a layer
    that is shown) is blank in every Data row of LAYER, and filled in the
    rows of the other layers (so the check can tell blank from missing);
  - the council workbook names no item key (nothing per item);
  - every --absent text is nowhere in the workbook (any part of the zip:
    cells, shared strings, comments, charts), every --present one is.

The second form compares two workbooks of waves that differ only in the
small groups' answers: per sheet, the sorted numbers must be equal within
1e-9 relative and the sorted texts (after --replace, with time stamps
masked) the same; a figure that moves with the small groups' answers shows
up as a difference.
"""
import argparse
import json
import re
import sys
import warnings
import zipfile

import openpyxl

warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")

COUNCIL = {"nl": ["Samenvatting", "Per thema", "Respons en uitleg"],
           "en": ["Summary", "Per theme", "Response and guide"]}
# the full report's sheets that a council workbook must not have
STATISTICS = {"nl": ["Gesprek", "Doorfluisteren", "Kloven", "Per vraag", "Regelkaart", "Respons",
                     "Trend", "Benchmark", "Open antwoorden", "Verantwoording", "Data"],
              "en": ["Dialogue", "Carry-through", "Gaps", "Per item", "Rules map", "Response",
                     "Trend", "Benchmark", "Open answers", "Method", "Data"]}
LAYER_HEAD = {"nl": "Laag", "en": "Layer"}
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?")

failures = []
passed = [0]


def ok(cond, msg):
    if cond:
        passed[0] += 1
    else:
        failures.append(msg)
    return cond


def label(instr, key, lang):
    for e in instr["layers"]:
        if e["key"] == key:
            return e["label"].get(lang) or e["label"]["nl"]
    raise SystemExit("unknown layer %s" % key)


def zip_holds(path, text):
    raw = text.encode()
    esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if raw in z.read(n) or esc in z.read(n)]


def check_data(wb, a, instr):
    names = wb.sheetnames
    if not ok(names and names[-1] == "Data", "full: the last sheet is %r, not Data" % names[-1:]):
        return
    rows = [list(r) for r in wb["Data"].iter_rows(values_only=True)]
    head = rows[0]
    ok(head[0] == LAYER_HEAD[a.lang], "Data: header %r" % head[0])
    small = label(instr, a.small_layer, a.lang)
    body = rows[1:]
    ok(not any(r[0] == small for r in body),
       "Data: %d rows of the small layer %s" % (sum(r[0] == small for r in body), small))
    want = dict(x.split("=") for x in a.rows.split(","))
    for layer, n in want.items():
        got = sum(1 for r in body if r[0] == label(instr, layer, a.lang))
        ok(got == int(n), "Data: %d rows of %s, expected %s" % (got, layer, n))
    ok(len(body) == sum(int(n) for n in want.values()),
       "Data: %d rows, expected %d" % (len(body), sum(int(n) for n in want.values())))
    item, layer = a.cell.split(":")
    if not ok(item in head, "Data: no column %s" % item):
        return
    col = head.index(item)
    lab = label(instr, layer, a.lang)
    cell_rows = [r for r in body if r[0] == lab]
    filled = [r[col] for r in cell_rows if r[col] not in (None, "")]
    ok(cell_rows and not filled,
       "Data: the small cell %s x %s shows %d answers: %r" % (item, layer, len(filled), filled))
    others = [r[col] for r in body if r[0] != lab and r[col] not in (None, "")]
    ok(len(others) > 0, "Data: column %s is blank in every layer (cannot tell)" % item)


def check_council(wb, a, instr):
    names = wb.sheetnames
    ok(names == COUNCIL[a.lang], "council: sheets %r, expected %r" % (names, COUNCIL[a.lang]))
    ok("Data" not in names, "council: a Data sheet")
    bad = [n for n in names if n in STATISTICS[a.lang] or n in STATISTICS["nl"]]
    ok(not bad, "council: statistics sheets %r" % bad)
    keys = {it["key"] for it in instr["items"]}
    found = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str) and v in keys:
                    found.add(v)
    ok(not found, "council: item keys in the workbook: %r" % sorted(found)[:5])


def check(a):
    instr = json.load(open(a.instrument))
    wb = openpyxl.load_workbook(a.file)
    if a.variant == "full":
        check_data(wb, a, instr)
    else:
        check_council(wb, a, instr)
    for t in a.absent or []:
        where = zip_holds(a.file, t)
        ok(not where, "%r is in the workbook (%s)" % (t, ", ".join(where)))
    for t in a.present or []:
        ok(zip_holds(a.file, t), "%r is not in the workbook" % t)


def cells(path, replace):
    """Per sheet: the sorted numbers and the sorted texts of every cell."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        nums, strs = [], []
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if v is None:
                    continue
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    nums.append(float(v))
                    continue
                s = v if isinstance(v, str) else repr(v)
                for old, new in replace:
                    s = s.replace(old, new)
                strs.append(STAMP.sub("<time>", s))
        out[ws.title] = (sorted(nums), sorted(strs))
    return out


def near(p, q):
    # The mixer releases rows in a random order and sums run in row order,
    # so two equal figures may differ in their last bits (~1e-15 relative).
    return abs(p - q) <= 1e-9 * max(abs(p), abs(q)) + 1e-12


def compare(a):
    replace = [tuple(r.split("=", 1)) for r in a.replace or []]
    x, y = cells(a.file, replace), cells(a.same_as, replace)
    ok(list(x) == list(y), "sheets differ: %r vs %r" % (list(x), list(y)))
    for name in x:
        if name not in y:
            continue
        (xn, xs), (yn, ys) = x[name], y[name]
        # sorted lists of numbers equal within near() are equal pairwise
        bad = [(p, q) for p, q in zip(xn, yn) if not near(p, q)]
        ok(len(xn) == len(yn) and not bad,
           "%s: %d and %d numbers, %d differ: %r" % (name, len(xn), len(yn), len(bad), bad[:6]))
        ok(xs == ys, "%s: texts differ; only in the first %r, only in the second %r"
           % (name, sorted(set(xs) - set(ys))[:4], sorted(set(ys) - set(xs))[:4]))
    print("compared %d sheets, %d cells" % (len(x), sum(len(v[0]) + len(v[1]) for v in x.values())))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True)
    ap.add_argument("--same-as")
    ap.add_argument("--replace", action="append")
    ap.add_argument("--instrument")
    ap.add_argument("--variant", choices=["full", "council"])
    ap.add_argument("--lang", choices=["nl", "en"])
    ap.add_argument("--small-layer")
    ap.add_argument("--cell")
    ap.add_argument("--rows")
    ap.add_argument("--absent", action="append")
    ap.add_argument("--present", action="append")
    a = ap.parse_args()
    if a.same_as:
        compare(a)
    elif a.instrument and a.variant and a.lang and a.small_layer and a.cell and a.rows:
        check(a)
    else:
        ap.error("give --same-as, or --instrument --variant --lang --small-layer --cell --rows")
    for f in failures[:40]:
        print("FAIL:", f)
    print("%s: %d checks passed, %d failed" % (a.file, passed[0], len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
