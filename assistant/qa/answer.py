"""The answer object (DESIGN contract) and the figures it cites."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..documents import Cell, Document, Source, Table


def fmt_num(v: Decimal | None, places: int | None = None) -> str:
    """Format a Decimal for Chinese text: thousands separators, no exponent."""
    if v is None:
        return "—"
    if places is not None:
        v = v.quantize(Decimal(1).scaleb(-places))
    s = format(v, "f")
    if "." in s:
        ip, fp = s.split(".")
    else:
        ip, fp = s, ""
    neg = ip.startswith("-")
    ip = ip.lstrip("-")
    ip = f"{int(ip):,}" if ip else "0"
    return ("-" if neg else "") + ip + (("." + fp) if fp else "")


def places_of(text: str) -> int:
    t = (text or "").replace(",", "").rstrip("%％").strip()
    return len(t.split(".", 1)[1]) if "." in t else 0


@dataclass
class Fig:
    """One figure shown in an answer: value, unit, what it is, and where it stands."""

    value: Decimal
    unit: str | None
    label: str
    doc: Document | None = None
    source: Source | None = None
    text: str = ""
    table: Table | None = None
    computed: bool = False
    formula: str = ""

    @classmethod
    def from_cell(cls, cell: Cell, label: str, doc: Document, table: Table | None = None) -> Fig:
        if cell.kind == "amount":
            unit = cell.unit or "万元"
            value = cell.value
        elif cell.kind == "percent":
            unit, value = "%", cell.value
        else:
            unit, value = cell.unit, cell.value
            if value is None or (not cell.is_number and value == 0):
                # a target written with its comparison (“=100”, “≥75000 页”, “≤50000 元”): the one number it holds
                nums = re.findall(r"\d+(?:\.\d+)?", (cell.text or "").replace(",", ""))
                if len(nums) == 1:
                    value = Decimal(nums[0])
        return cls(value=value, unit=unit, label=label, doc=doc, source=cell.source, text=cell.text, table=table)

    @property
    def wan(self) -> Decimal:
        from ..documents import UNIT_TO_WAN

        if self.unit in UNIT_TO_WAN:
            return self.value * UNIT_TO_WAN[self.unit]
        return self.value

    def shown(self) -> str:
        """The value as printed, with its unit (“8.77万元”, “79.6%”, “90分”)."""
        txt = (self.text or "").strip() or fmt_num(self.value)
        txt = txt.rstrip("%％")
        if self.unit == "%":
            return f"{txt}%"
        if self.unit:
            return f"{txt}{self.unit}"
        if self.label.endswith(("得分", "分值", "总分", "总分（复算）")):
            return f"{txt}分"
        return txt

    def where(self) -> str:
        if self.source is None:
            return ""
        s = self.source
        parts = []
        if self.doc is not None:
            parts.append(f"《{self.doc.name}》")
        if s.page is not None:
            parts.append(f"第{s.page}页")
        elif s.line is not None:
            parts.append(f"第{s.line}行")
        if self.table is not None:
            parts.append(f"{self.table.kind_name}")
        if s.row:
            parts.append(f"“{s.row}”行")
        if s.column:
            parts.append(f"“{s.column}”列")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        src: dict[str, Any] = {}
        if self.source is not None:
            src = self.source.to_dict()
        if self.doc is not None:
            src["document"] = self.doc.name
            src["doc_id"] = self.doc.id
        if self.table is not None:
            src["table"] = self.table.id
            src["table_title"] = self.table.title or self.table.kind_name
        d: dict[str, Any] = {"value": format(self.value, "f"), "unit": self.unit, "label": self.label,
                             "text": self.text, "source": src}
        if self.computed:
            d["computed"] = True
            d["formula"] = self.formula
        return d

    def citation(self) -> dict[str, Any]:
        s = self.source
        return {
            "document": self.doc.name if self.doc else (s.document if s else ""),
            "page": s.page if s else None,
            "line": s.line if s else None,
            "text": f"{self.label}：{self.shown()}" + (f"（{self.table.title or self.table.kind_name}）" if self.table else ""),
        }


@dataclass
class Answer:
    answer: str
    found: bool
    figures: list[Fig] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    route: str = ""
    formula: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    extra_figures: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)  # chunk ids of the passages retrieved (top 5)
    deterministic: str = ""  # the engine's own wording when an LLM rephrased ``answer``

    def to_dict(self) -> dict[str, Any]:
        cites = list(self.citations)
        seen = {(c.get("document"), c.get("page"), c.get("line"), c.get("text")) for c in cites}
        for f in self.figures:
            if f.source is None:
                continue
            c = f.citation()
            key = (c["document"], c["page"], c["line"], c["text"])
            if key not in seen:
                seen.add(key)
                cites.append(c)
        d: dict[str, Any] = {
            "answer": self.answer,
            "found": self.found,
            "figures": [f.to_dict() for f in self.figures] + list(self.extra_figures),
            "citations": cites,
            "route": self.route,
        }
        if self.formula:
            d["formula"] = self.formula
        if self.findings:
            d["findings"] = self.findings
        if self.flags:
            d["flags"] = self.flags
        if self.retrieved:
            d["retrieved"] = list(self.retrieved)
        if self.deterministic:
            d["deterministic_answer"] = self.deterministic
        return d
