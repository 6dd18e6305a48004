"""Planted-error benchmark for the check engine.

Loads the sample reports, plants one error at a time into the extracted Document (a changed table
cell, a total off by more than rounding, a changed narrative figure, a changed score, a wrong grade),
runs the engine and compares with the unmodified baseline:

- recall: the planted error is found — a finding that is new or changed (rule, locations, reported,
  expected) names the planted location;
- precision: of the new or changed findings, the share that name the planted location (anything
  else is a false alarm caused by the plant);
- time: milliseconds per ``run_checks`` call on the unmodified documents.

Usage: ``python -m benchmarks.planted_errors [--per-doc N] [--seed S]``; writes
``benchmarks/results/planted_errors.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.checks import run_checks  # noqa: E402
from assistant.checks.context import table_label  # noqa: E402
from assistant.checks.findings import CheckReport, Finding  # noqa: E402
from assistant.checks.narrative import NARR, resolve  # noqa: E402
from assistant.checks.statements import sentences  # noqa: E402
from assistant.documents import Cell, Document, Paragraph, Row, Table  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
CACHE = ROOT / "benchmarks" / ".cache"
OUT = ROOT / "benchmarks" / "results"
GRADES = ["优", "良", "中", "差"]


@dataclass
class Plant:
    kind: str  # cell | total | narrative | score | grade
    document: str
    where: str
    old: str
    new: str
    loc_key: tuple
    apply: object = field(repr=False, default=None)
    undo: object = field(repr=False, default=None)


def load_docs() -> list[Document]:
    from assistant.pipeline import load_document
    from assistant.settings import Settings

    CACHE.mkdir(parents=True, exist_ok=True)
    files = sorted((SAMPLES / "text").glob("*.txt")) + sorted((SAMPLES / "pdf").glob("*.pdf"))
    docs = []
    for f in files:
        if "模板" in f.name:
            continue  # the blank template has no figures to plant into
        cached = CACHE / (f.name + ".pkl")
        if cached.exists() and cached.stat().st_mtime > f.stat().st_mtime:
            docs.append(pickle.loads(cached.read_bytes()))
            continue
        doc = load_document(f, Settings(ocr=False))
        cached.write_bytes(pickle.dumps(doc))
        docs.append(doc)
    return docs


def finding_key(f: Finding) -> tuple:
    return (f.rule, f.reported, f.expected,
            tuple((loc.table, loc.row, loc.column, loc.line, loc.page) for loc in f.locations))


def names_location(f: Finding, key: tuple) -> bool:
    if key[0] == "cell":
        _, table, row, column = key
        return any(loc.table == table and loc.row == row and loc.column == column for loc in f.locations)
    _, page, line = key
    return any(loc.page == page and loc.line == line and loc.table is None for loc in f.locations)


def fmt_like(old_text: str, value: Decimal) -> str:
    d = len(old_text.split(".")[1]) if "." in old_text else 0
    q = Decimal(1).scaleb(-d)
    s = f"{value.quantize(q):f}"
    if "," in old_text:
        ip, _, fp = s.partition(".")
        s = f"{int(ip):,}" + (("." + fp) if fp else "")
    return s


def _cell_plant(doc: Document, t: Table, r: Row, col: str, new_value: Decimal, kind: str) -> Plant:
    old: Cell = r.cells[col]
    new_text = fmt_like(old.text, new_value)
    new = dataclasses.replace(old, text=new_text, value=Decimal(new_text.replace(",", "")))

    def apply() -> None:
        r.cells[col] = new

    def undo() -> None:
        r.cells[col] = old

    return Plant(kind, doc.name, f"{table_label(t)} “{r.label}” “{col}”", old.text, new_text,
                 ("cell", table_label(t), r.label, col), apply, undo)


_AMOUNT_KINDS = {f"final_{i:02d}" for i in range(1, 10)} | {"asset", "project_list"}


def cell_plants(doc: Document, rng: random.Random) -> list[Plant]:
    out = []
    for t in doc.tables:
        if t.kind not in _AMOUNT_KINDS:
            continue
        for r in t.rows:
            if r.role == "stat":
                continue
            for col, c in r.cells.items():
                if c.kind != "amount" or c.value is None:
                    continue
                step = Decimal(1) if "." in c.text else Decimal(10)
                delta = step * rng.choice([1, 2, 3, 5, 7, 11, -1, -2, -3]) * (Decimal("1.37") if "." in c.text else 1)
                kind = "total" if r.role == "total" else "cell"
                out.append(_cell_plant(doc, t, r, col, c.value + delta, kind))
    return out


def score_plants(doc: Document, rng: random.Random) -> list[Plant]:
    out = []
    for t in doc.tables:
        if t.kind in ("self_eval", "score_table", "score_summary"):
            for r in t.rows:
                c = r.cells.get("得分")
                if c is None or c.value is None or r.role not in ("indicator", "funds", "total", "subtotal"):
                    continue
                delta = Decimal(rng.choice([1, 2, 3, -1, -2]))
                if c.value + delta < 0:
                    delta = -delta
                out.append(_cell_plant(doc, t, r, "得分", c.value + delta, "score"))
        if t.kind == "results_list":
            for r in t.rows:
                c = r.cells.get("得分")
                if c is None or c.value is None:
                    continue
                # move the score into another grade band: the printed grade then disagrees
                target = rng.choice([Decimal("95"), Decimal("85"), Decimal("70"), Decimal("50")])
                if _grade(target) == _grade(c.value):
                    target = Decimal("50") if c.value >= 60 else Decimal("95")
                out.append(_cell_plant(doc, t, r, "得分", target, "score"))
    return out


def _grade(v: Decimal) -> str:
    return "优" if v >= 90 else "良" if v >= 80 else "中" if v >= 60 else "差"


def grade_plants(doc: Document, rng: random.Random) -> list[Plant]:
    out = []
    for t in doc.tables_of("results_list"):
        for r in t.rows:
            c = r.cells.get("等级")
            if c is None or c.text.strip() not in GRADES:
                continue
            new_text = rng.choice([g for g in GRADES if g != c.text.strip()])
            old, new = c, dataclasses.replace(c, text=new_text)

            def apply(r=r, new=new) -> None:
                r.cells["等级"] = new

            def undo(r=r, old=old) -> None:
                r.cells["等级"] = old

            out.append(Plant("grade", doc.name, f"{table_label(t)} “{r.label}” “等级”", c.text, new_text,
                             ("cell", table_label(t), r.label, "等级"), apply, undo))
    for i, p in enumerate(doc.paragraphs):
        for m in re.finditer(r"(等级|评价结果)为\s*[“\"](优|良|中|差)[”\"]", p.text):
            if not re.search(r"\d+(\.\d+)?\s*分[^。；]{0,24}$", p.text[:m.start()]):
                continue
            new_g = rng.choice([g for g in GRADES if g != m.group(2)])
            out.append(_text_plant(doc, i, m.start(2), m.end(2), new_g, "grade"))
    return out


def _text_plant(doc: Document, idx: int, start: int, end: int, new_text: str, kind: str) -> Plant:
    p: Paragraph = doc.paragraphs[idx]
    new_p = dataclasses.replace(p, text=p.text[:start] + new_text + p.text[end:])

    def apply() -> None:
        doc.paragraphs[idx] = new_p

    def undo() -> None:
        doc.paragraphs[idx] = p

    return Plant(kind, doc.name, f"第{p.page or p.line}{'页' if p.page else '行'} “{p.text[max(0, start - 12):end + 6]}”",
                 p.text[start:end], new_text, ("text", p.page, p.line), apply, undo)


def narrative_plants(doc: Document, rng: random.Random, baseline: CheckReport | None = None) -> list[Plant]:
    """Numbers of the 情况说明 that a rule recomputes: amounts with a table counterpart, and the
    percentages of growth, completion and share sentences."""
    out = []
    index = {id(p): i for i, p in enumerate(doc.paragraphs)}
    zero_base = {(n.location.page, n.location.line) for n in (baseline.not_checked if baseline else [])
                 if n.rule == "NA-GROW-01" and n.location is not None and "上年数为 0" in n.reason}
    for s in sentences(doc, NARR):
        idx = index[id(s.paragraph)]
        base = s.paragraph.text.find(s.text)
        if base < 0:
            continue
        for n in s.nums:
            ok = False
            if n.role in ("growth", "completion", "share") and n.value != 0:
                ok = not (n.role == "growth" and (s.paragraph.page, s.paragraph.line) in zero_base)
                if n.role == "growth":
                    change = next((m for m in s.nums if m.role == "change" and m.start < n.start), None)
                    if change is not None and any(m.role in ("value", "actual") and m.value == change.value
                                                  for m in s.nums if m.start < change.start):
                        ok = False  # growth from a zero base: no defined rate, reported as not checked
            elif n.unit == "万元" and n.role in ("value", "actual", "budget") and n.value > 1:
                targets = resolve(doc, n.subject, n.role, n.budget_kind, s.paragraph.section + " " + s.text)
                ok = bool(targets)
            if not ok:
                continue
            start = base + n.start
            m = re.match(r"\d[\d,]*(?:\.\d+)?", s.paragraph.text[start:])
            if not m:
                continue
            old = m.group(0)
            v = Decimal(old.replace(",", ""))
            new_v = v + (Decimal(rng.choice([3, 5, -4, 7])) if n.unit == "%" else max(v * Decimal("0.07"), Decimal(2)))
            if new_v <= 0:
                new_v = v + 3
            out.append(_text_plant(doc, idx, start, start + len(old), fmt_like(old, new_v), "narrative"))
    return out


def evaluate(doc: Document, baseline: CheckReport, plant: Plant) -> dict:
    base_keys = {finding_key(f) for f in baseline.findings}
    plant.apply()  # type: ignore[operator]
    try:
        rep = run_checks(doc)
    finally:
        plant.undo()  # type: ignore[operator]
    new = [f for f in rep.findings if finding_key(f) not in base_keys]
    hits = [f for f in new if names_location(f, plant.loc_key)]
    return {
        "kind": plant.kind, "document": plant.document, "where": plant.where, "old": plant.old, "new": plant.new,
        "found": bool(hits), "rules": sorted({f.rule for f in hits}),
        "new_findings": len(new), "false_alarms": [f.message for f in new if f not in hits][:3],
        "false_alarm_count": len(new) - len(hits),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-doc", type=int, default=45, help="plants per document and kind group (sampled)")
    ap.add_argument("--seed", type=int, default=20241122)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    docs = load_docs()
    results, timings = [], {}
    for doc in docs:
        t0 = time.perf_counter()
        baseline = run_checks(doc)
        runs = [baseline.elapsed_ms]
        for _ in range(4):
            runs.append(run_checks(doc).elapsed_ms)
        timings[doc.name] = {"median_ms": round(statistics.median(runs), 1), "max_ms": round(max(runs), 1)}
        groups = [cell_plants(doc, rng), score_plants(doc, rng), grade_plants(doc, rng),
                  narrative_plants(doc, rng, baseline)]
        for g in groups:
            rng.shuffle(g)
            for plant in g[: args.per_doc]:
                results.append(evaluate(doc, baseline, plant))
        print(f"{doc.name}: {sum(1 for r in results if r['document'] == doc.name)} plants "
              f"({time.perf_counter() - t0:.1f}s)", file=sys.stderr)
    n = len(results)
    found = sum(r["found"] for r in results)
    new_total = sum(r["new_findings"] for r in results)
    false_total = sum(r["false_alarm_count"] for r in results)
    by_kind: dict[str, dict] = {}
    for r in results:
        k = by_kind.setdefault(r["kind"], {"planted": 0, "found": 0, "new_findings": 0, "false_alarms": 0})
        k["planted"] += 1
        k["found"] += int(r["found"])
        k["new_findings"] += r["new_findings"]
        k["false_alarms"] += r["false_alarm_count"]
    for k in by_kind.values():
        k["recall"] = round(k["found"] / k["planted"], 4)
        k["precision"] = round(1 - k["false_alarms"] / k["new_findings"], 4) if k["new_findings"] else 1.0
    summary = {
        "planted": n, "found": found, "recall": round(found / n, 4) if n else None,
        "new_findings": new_total, "false_alarms": false_total,
        "precision": round(1 - false_total / new_total, 4) if new_total else None,
        "plants_with_any_false_alarm": sum(1 for r in results if r["false_alarm_count"]),
        "by_kind": by_kind, "ms_per_document": timings,
        "slowest_median_ms_per_document": max(t["median_ms"] for t in timings.values()),
        "max_ms_per_document": max(t["max_ms"] for t in timings.values()),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "planted_errors.json").write_text(json.dumps({"summary": summary, "plants": results}, ensure_ascii=False,
                                                        indent=1), encoding="utf-8")
    lines = ["# Planted-error benchmark", "",
             f"{n} single errors planted into {len(docs)} sample documents (seed {args.seed}).", "",
             f"- recall: **{summary['recall']:.1%}** ({found}/{n})",
             f"- precision: **{summary['precision']:.1%}** ({new_total - false_total}/{new_total} new or changed findings "
             f"name the planted figure)",
             f"- time: slowest document {summary['slowest_median_ms_per_document']} ms per run_checks (median of 5 runs; "
             f"single worst run {summary['max_ms_per_document']} ms, on a shared 2-core machine)", "",
             "## Method", "",
             "- Each plant changes one figure of an extracted document in place (then restores it): `cell` a numeric "
             "cell of a 决算/资产 table (±1–11 units of its printed precision × 1.37), `total` the same on a 合计/总计 row, "
             "`score` a 得分 in a 自评表/评分表/得分一览表 (±1–3) or a 结果公开表 score moved into another grade band, "
             "`grade` a printed 等级 (table or sentence), `narrative` an amount with a table counterpart or a "
             "growth/completion/share percentage in the 情况说明 text.",
             "- Plant population: figures some rule reads; statistics rows (车辆数, 接待批次), 偏差原因 text and growth "
             "rates from a zero base (undefined, listed as not checked) are excluded.",
             "- Found: a finding that is new or changed versus the unmodified baseline (rule, locations, reported, "
             "expected) and names the planted cell (table, row, column) or paragraph (page/line).",
             "- Precision: share of new or changed findings that name the planted figure.", "",
             "| kind | planted | found | recall | precision |", "|---|---|---|---|---|"]
    for kind, k in sorted(by_kind.items()):
        lines.append(f"| {kind} | {k['planted']} | {k['found']} | {k['recall']:.1%} | {k['precision']:.1%} |")
    lines += ["", "| document | median ms | max ms |", "|---|---|---|"]
    for name, t in timings.items():
        lines.append(f"| {name} | {t['median_ms']} | {t['max_ms']} |")
    missed = [r for r in results if not r["found"]]
    if missed:
        lines += ["", "## Missed plants", ""]
        lines += [f"- {r['kind']} · {r['document']} · {r['where']}: {r['old']} → {r['new']}" for r in missed[:60]]
    (OUT / "planted_errors.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "ms_per_document"}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
