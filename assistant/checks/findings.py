"""What a check reports: a :class:`Finding` (a recomputed figure that disagrees) or a
:class:`NotChecked` entry (a check that could not run, with the reason). Small frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Location:
    """Where one figure used by a check stands (document, page or line, table, row, column, text)."""

    document: str
    page: int | None = None
    line: int | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "page": self.page,
            "line": self.line,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "text": self.text,
        }

    def where(self) -> str:
        """Return a short Chinese location: “第3页 表公开03 行‘合计’ 列‘基本支出’”."""
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        elif self.line is not None:
            parts.append(f"第{self.line}行")
        if self.table:
            parts.append(self.table)
        if self.row:
            parts.append(f"“{self.row}”")
        if self.column:
            parts.append(f"“{self.column}”")
        return " ".join(parts)


def fmt(v: Decimal | int | str | None) -> str | None:
    """Format a Decimal for a finding: no exponent, no trailing noise beyond what was computed."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return str(v)
    s = format(v, "f")
    if "." in s and len(s.split(".")[1]) > 4:
        s = format(v.quantize(Decimal("0.0001")).normalize(), "f")
    return s


@dataclass(frozen=True)
class Finding:
    """A recomputation that disagrees with what is printed."""

    rule: str
    severity: str
    message: str
    reported: str | None = None
    expected: str | None = None
    difference: str | None = None
    formula: str = ""
    locations: tuple[Location, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity “{self.severity}” 无效，可选：{', '.join(SEVERITIES)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "reported": self.reported,
            "expected": self.expected,
            "difference": self.difference,
            "formula": self.formula,
            "locations": [loc.to_dict() for loc in self.locations],
        }


@dataclass(frozen=True)
class NotChecked:
    """A check that could not run: the rule, why, and where (None when the whole document)."""

    rule: str
    reason: str
    location: Location | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "reason": self.reason,
                "location": None if self.location is None else self.location.to_dict()}


@dataclass
class CheckReport:
    """All findings and not-checked entries for one document."""

    document: str
    type: str
    findings: list[Finding] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)
    elapsed_ms: float = 0.0

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            out[f.severity] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "type": self.type,
            "findings": [f.to_dict() for f in self.findings],
            "not_checked": [n.to_dict() for n in self.not_checked],
        }
