"""What a rule sees: the document, the scoring config, and helpers that turn cells into figures with
their rounding tolerance and emit findings with every figure's location.

Tolerance (CHECKS.md): a sum of n printed items may differ from its printed total by up to
n × half a unit of the printed precision (0.005 for 0.01 万元); such a difference is ``info``
(尾数误差), anything larger an ``error``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ..documents import UNIT_TO_WAN, Cell, Document, Row, Table
from ..numbers import decimals_of
from .config import CheckConfig
from .findings import Finding, Location, NotChecked, fmt

LOW_OCR_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Val:
    """A printed figure: value (万元 for amounts), half a unit of its printed precision, where it stands."""

    value: Decimal
    half_ulp: Decimal
    loc: Location
    label: str
    empty: bool = False
    usable: bool = True  # False: text or low-confidence OCR — any comparison using it is not checked


@lru_cache(maxsize=65536)
def half_ulp_of(text: str, unit: str | None = None, kind: str = "amount") -> Decimal:
    """Half a unit of the printed precision of ``text``, in 万元 for amounts."""
    d = decimals_of(text)
    if kind == "number" and d == 0:
        return Decimal(0)  # counts and whole scores are exact
    h = Decimal(5) * Decimal(10) ** (-(d + 1))
    if kind == "amount":
        h *= UNIT_TO_WAN.get(unit or "万元", Decimal(1))
    return h


def _presentation_only(printed: Val, exact: Decimal) -> bool:
    """True when ``printed`` is just ``exact`` shown with fewer decimals (10.535 for 10.5348)."""
    if printed.empty or printed.half_ulp == 0:
        return False
    step = printed.half_ulp * 2
    return abs(printed.value - exact) <= printed.half_ulp and (exact / step) != (exact / step).to_integral_value()


def table_label(t: Table) -> str:
    return f"{t.kind_name}（{t.id}）"


@dataclass
class RuleContext:
    """Per-rule view of a document; rules call :meth:`emit`, :meth:`compare` and :meth:`skip`."""

    doc: Document
    config: CheckConfig
    rule: str = ""
    title: str = ""
    findings: list[Finding] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)
    cache: dict = field(default_factory=dict)  # shared by the rules of one run (parsed sentences …)

    def memo(self, name: str, make):
        """Return ``make()`` computed once per run under ``name``."""
        if name not in self.cache:
            self.cache[name] = make()
        return self.cache[name]

    # ---- locations and values -------------------------------------------------------------
    def loc_cell(self, table: Table, row: Row, column: str, cell: Cell | None = None) -> Location:
        c = cell if cell is not None else row.get(column)
        src = c.source if c is not None else None
        return Location(document=self.doc.name, page=(src.page if src else row.page),
                        line=(src.line if src else row.line), table=table_label(table), row=row.label,
                        column=column, text=(c.text if c is not None else None))

    def loc_text(self, text: str, page: int | None, line: int | None, section: str = "") -> Location:
        return Location(document=self.doc.name, page=page, line=line, table=None, row=section or None,
                        column=None, text=text)

    def val(self, table: Table, row: Row | None, column: str, label: str | None = None,
            *, empty_as_zero: bool = True) -> Val | None:
        """Return the cell as a figure (万元 for amounts); None when absent or unusable.

        Blank/“---” cells count as 0 when ``empty_as_zero`` (a sum item with nothing printed);
        text or low-confidence OCR cells are reported as not checked and return None.
        """
        if row is None:
            return None
        c = row.get(column)
        name = label or f"{row.label}·{column}"
        if c is None:
            return None
        loc = self.loc_cell(table, row, column, c)
        if c.kind == "empty" or (c.kind == "text" and not c.text.strip()):
            if not empty_as_zero:
                return None
            return Val(Decimal(0), Decimal(0), loc, name, empty=True)
        if c.source.ocr_confidence is not None and c.source.ocr_confidence < LOW_OCR_CONFIDENCE:
            self.skip(f"单元格“{c.text}”为低置信度识别结果（{c.source.ocr_confidence:.2f}），涉及它的核对未做", loc)
            return Val(Decimal(0), Decimal(0), loc, name, usable=False)
        if c.kind == "code":
            return None
        if c.value is None or c.kind == "text":
            self.skip(f"单元格“{c.text}”不是数字，涉及它的核对未做", loc)
            return Val(Decimal(0), Decimal(0), loc, name, usable=False)
        v = c.wan if c.kind == "amount" else c.value
        assert v is not None
        return Val(v, half_ulp_of(c.text, c.unit, c.kind), loc, name)

    # ---- emitting ---------------------------------------------------------------------------
    def emit(self, severity: str, detail: str, *, reported: Decimal | str | None = None,
             expected: Decimal | str | None = None, difference: Decimal | str | None = None,
             formula: str = "", locations: list[Location] | tuple[Location, ...] = ()) -> None:
        msg = detail or self.title
        self.findings.append(Finding(rule=self.rule, severity=severity, message=msg, reported=fmt(reported),
                                     expected=fmt(expected), difference=fmt(difference), formula=formula,
                                     locations=tuple(locations)))

    def skip(self, reason: str, location: Location | None = None) -> None:
        self.not_checked.append(NotChecked(rule=self.rule, reason=reason, location=location))

    def judge(self, diff: Decimal, tol: Decimal) -> str | None:
        if diff == 0:
            return None
        return "info" if abs(diff) <= tol else "error"

    def compare_sum(self, total: Val | None, items: list[Val], *, what: str, op: str = "+",
                    signs: list[int] | None = None, severity: str = "error") -> str | None:
        """Check ``total = Σ items`` (or with ``signs``); emit a finding when they differ.

        Returns the severity emitted (None when consistent or not comparable).
        """
        if total is None or not items:
            return None
        if not total.usable or not all(i.usable for i in items):
            return None
        if total.empty and all(i.empty or i.value == 0 for i in items):
            return None
        sg = signs or [1] * len(items)
        expected = sum((s * i.value for s, i in zip(sg, items, strict=True)), Decimal(0))
        used = [i for i in items if not i.empty]
        n = max(1, len(used))
        ulp = max([i.half_ulp for i in used] + [total.half_ulp])
        tol = Decimal(n) * ulp
        diff = total.value - expected
        if _presentation_only(total, expected):
            return None
        sev = self.judge(diff, tol)
        if sev is None:
            return None
        if sev == "error":
            sev = severity
        terms = " ".join(("+ " if s > 0 else "− ") + f"{i.label} {fmt(i.value)}" for s, i in zip(sg, items, strict=True)
                         if not i.empty)
        terms = terms[2:] if terms.startswith("+ ") else terms
        formula = f"{total.label} = {terms or '0'} = {fmt(expected)}；表中印 {fmt(total.value)}"
        note = "（尾数误差）" if sev == "info" else ""
        self.emit(sev, f"{what}：印 {fmt(total.value)}，应为 {fmt(expected)}，差 {fmt(diff)}{note}",
                  reported=total.value, expected=expected, difference=diff, formula=formula,
                  locations=[total.loc] + [i.loc for i in items if not i.empty])
        return sev

    def compare_equal(self, a: Val | None, b: Val | None, *, what: str, severity: str = "error") -> str | None:
        """Check that the same figure printed in two places agrees (tolerance: both roundings)."""
        if a is None or b is None or not a.usable or not b.usable:
            return None
        if a.empty and b.empty:
            return None
        diff = a.value - b.value
        if _presentation_only(a, b.value) or _presentation_only(b, a.value):
            return None
        tol = a.half_ulp + b.half_ulp
        sev = self.judge(diff, tol)
        if sev is None:
            return None
        if sev == "error":
            sev = severity
        note = "（尾数误差）" if sev == "info" else ""
        self.emit(sev, f"{what}：{a.label} 印 {fmt(a.value)}，{b.label} 印 {fmt(b.value)}，差 {fmt(diff)}{note}",
                  reported=a.value, expected=b.value, difference=diff,
                  formula=f"{a.label} {fmt(a.value)} = {b.label} {fmt(b.value)}",
                  locations=[a.loc, b.loc])
        return sev
