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
        report.findings.extend(_dedupe(ctx.findings))
        report.not_checked.extend(ctx.not_checked)
    report.elapsed_ms = (time.perf_counter() - t0) * 1000
    return report


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
