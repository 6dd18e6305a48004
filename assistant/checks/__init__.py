"""The deterministic check engine: rules recompute printed figures from other printed figures.

``run_checks(doc)`` runs every registered rule that applies to the document and returns a
:class:`CheckReport` with the findings and the “not checked” list. An empty findings list means
“checked and consistent”: whatever could not be checked is listed with its reason.
"""

from __future__ import annotations

import time

from ..documents import Document
from .config import CheckConfig, load_config
from .context import RuleContext, table_label
from .findings import CheckReport, Finding, Location, NotChecked
from .registry import RULES, Rule, load_rules

__all__ = ["CheckReport", "Finding", "Location", "NotChecked", "RULES", "Rule", "run_checks", "load_rules"]

_CONFIG: CheckConfig | None = None


def default_config() -> CheckConfig:
    global _CONFIG
    if _CONFIG is None:
        _CONFIG = load_config()
    return _CONFIG


def _applies(r: Rule, doc: Document) -> tuple[bool, str | None]:
    """Whether rule ``r`` runs on ``doc``; else the not-checked reason (None: not applicable)."""
    if not r.needs:
        return True, None
    present = [k for k in r.needs if doc.tables_of(k)]
    if (r.any_of and present) or len(present) == len(r.needs):
        return True, None
    missing = [k for k in r.needs if k not in present]
    if present or doc.doc_type in r.expected_in:
        from ..documents import TABLE_KINDS

        names = "、".join(TABLE_KINDS.get(k, k) for k in (r.needs if r.any_of else missing))
        return False, f"缺少{names}，无法核对"
    return False, None


def _document_level(doc: Document) -> list[NotChecked]:
    out = [NotChecked(rule="EXTRACT", reason=w, location=None) for w in doc.warnings]
    for p in doc.pages_without_text:
        if p not in doc.ocr_pages:
            out.append(NotChecked(rule="EXTRACT", reason=f"第{p}页没有文字层且未做 OCR，其中的数字未核对",
                                  location=Location(document=doc.name, page=p)))
    for t in doc.tables:
        for w in t.warnings:
            out.append(NotChecked(rule="EXTRACT", reason=f"{table_label(t)}：{w}",
                                  location=Location(document=doc.name, page=t.page, line=t.line, table=table_label(t))))
    return out


def _uncovered_tables(doc: Document, registry: dict[str, Rule]) -> list[NotChecked]:
    """Tables with numbers that no rule reads: listed so that “no findings” never hides them."""
    covered = {k for r in registry.values() for k in r.needs}
    out = []
    for t in doc.tables:
        if t.kind in covered:
            continue
        if not any(c.kind in ("amount", "percent", "number") for c in t.cells()):
            continue
        out.append(NotChecked(rule="COVERAGE", reason=f"{table_label(t)}{('“' + t.title + '”') if t.title else ''}"
                              f"没有适用的核对规则，其中数字未核对",
                              location=Location(document=doc.name, page=t.page, line=t.line, table=table_label(t))))
    return out


def run_checks(doc: Document, config: CheckConfig | None = None, rules: list[str] | None = None) -> CheckReport:
    """Given an extracted Document, run the applicable rules; return findings and not-checked entries."""
    cfg = config or default_config()
    registry = load_rules()
    t0 = time.perf_counter()
    report = CheckReport(document=doc.name, type=doc.doc_type)
    report.not_checked.extend(_document_level(doc))
    report.not_checked.extend(_uncovered_tables(doc, registry))
    cache: dict = {}
    for code in sorted(registry):
        if rules is not None and code not in rules:
            continue
        r = registry[code]
        ok, reason = _applies(r, doc)
        if not ok:
            if reason:
                report.not_checked.append(NotChecked(rule=code, reason=reason))
            continue
        ctx = RuleContext(doc=doc, config=cfg, rule=code, title=r.title, cache=cache)
        try:
            r.func(ctx)
        except Exception as exc:  # a rule bug must not hide the other rules' results
            ctx.skip(f"规则执行出错（{type(exc).__name__}: {exc}），未核对")
        report.findings.extend(_group_same_cause(_dedupe(ctx.findings)))
        report.not_checked.extend(ctx.not_checked)
    report.elapsed_ms = (time.perf_counter() - t0) * 1000
    return report


# Rules whose mismatches propagate along the 科目 chain or across columns: 221 住房保障支出 off by 22.00 in
# 03 vs 05 shows up for 221, 22102, 2210201 × 本年支出合计, 基本支出 — one cause, six lines. Such repeats
# (same rule, same severity, same non-zero difference) are folded into the first finding, which keeps
# every location and names the others, so the auditor sees the cause once.
_GROUPED_PREFIXES = ("FA-", "NA-VAL-")


def _group_same_cause(findings: list[Finding]) -> list[Finding]:
    if not findings or not findings[0].rule.startswith(_GROUPED_PREFIXES):
        return findings
    groups: dict[tuple, list[Finding]] = {}
    order: list[tuple] = []
    for i, f in enumerate(findings):
        diff = f.difference
        if f.severity == "info" or not diff or diff.strip("-0.") == "":
            k: tuple = ("single", i)
        else:
            k = (f.severity, diff.lstrip("-"))
        if k not in groups:
            groups[k] = []
            order.append(k)
        groups[k].append(f)
    out = []
    for k in order:
        fs = groups[k]
        if len(fs) == 1:
            out.append(fs[0])
            continue
        first = fs[0]
        others = []
        for f in fs[1:]:
            loc = f.locations[0] if f.locations else None
            others.append("·".join(x for x in ((loc.row if loc else None), (loc.column if loc else None)) if x)
                          or f.message[:30])
        locs = list(first.locations)
        for f in fs[1:]:
            locs.extend(loc for loc in f.locations if loc not in locs)
        msg = (f"{first.message}（同一差额 {first.difference.lstrip('-')} 另见 {len(fs) - 1} 处，疑为同一原因："
               f"{'；'.join(others)}）")
        out.append(Finding(rule=first.rule, severity=first.severity, message=msg, reported=first.reported,
                           expected=first.expected, difference=first.difference,
                           formula=first.formula + "".join(f"\n{f.formula}" for f in fs[1:]),
                           locations=tuple(locs)))
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    out = []
    for f in findings:
        k = (f.rule, f.message, tuple((loc.table, loc.row, loc.column, loc.line, loc.page) for loc in f.locations))
        if k in seen:
            continue
        seen.add(k)
        out.append(f)
    return out
