"""The document model: Document → Table → Row → Cell, and narrative Figures, all with provenance.

Every value the product shows traces back to a :class:`Source` (document, page or line, table, row,
column, bbox). Money is ``Decimal``; ``Cell.wan`` normalises an amount to 万元.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

UNIT_TO_WAN: dict[str, Decimal] = {
    "元": Decimal("0.0001"),
    "万元": Decimal("1"),
    "亿元": Decimal("10000"),
}


@dataclass(frozen=True)
class Source:
    """Where a value stands: document, page (PDF, 1-based) or line (text export, 1-based), table, row, column."""

    document: str
    page: int | None = None
    line: int | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    ocr_confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.bbox is not None:
            d["bbox"] = [round(v, 1) for v in self.bbox]
        return {k: v for k, v in d.items() if v is not None}

    def where(self) -> str:
        """Return a short Chinese location such as “第3页 表公开03 行‘合计’ 列‘基本支出’”."""
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        elif self.line is not None:
            parts.append(f"第{self.line}行")
        if self.table:
            parts.append(f"表{self.table}")
        if self.row:
            parts.append(f"行“{self.row}”")
        if self.column:
            parts.append(f"列“{self.column}”")
        return " ".join(parts)


@dataclass(frozen=True)
class Cell:
    """One table cell: the printed text, its parsed value and unit, and where it stands.

    ``kind`` is one of ``amount`` (money), ``percent``, ``number`` (scores, counts, plain numbers),
    ``code`` (科目编码, 行次/栏次, serial numbers — never amounts), ``text`` and ``empty``
    (blank or ``---``: no value, not zero).
    """

    text: str
    value: Decimal | None
    unit: str | None
    kind: str
    source: Source

    @property
    def is_number(self) -> bool:
        return self.value is not None and self.kind in ("amount", "percent", "number")

    @property
    def wan(self) -> Decimal | None:
        """Return the amount in 万元 (None when the cell holds no amount)."""
        if self.value is None or self.kind != "amount":
            return None
        return self.value * UNIT_TO_WAN.get(self.unit or "万元", Decimal(1))

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "value": None if self.value is None else str(self.value),
            "unit": self.unit,
            "kind": self.kind,
            "source": self.source.to_dict(),
        }


@dataclass
class Row:
    """A logical table row. ``cells`` maps canonical column names to cells.

    ``role`` tells what the row is in its table family (``total``, ``item``, ``funds``,
    ``indicator``, ``header`` …); ``code``/``level`` carry the 科目编码 hierarchy (类/款/项).
    ``side`` is ``收入`` or ``支出`` in two-sided tables (公开01/04).
    """

    label: str
    cells: dict[str, Cell] = field(default_factory=dict)
    role: str = "item"
    code: str | None = None
    level: str | None = None
    side: str | None = None
    page: int | None = None
    line: int | None = None
    attrs: dict[str, str] = field(default_factory=dict)

    def get(self, column: str) -> Cell | None:
        return self.cells.get(column)

    def value(self, column: str) -> Decimal | None:
        c = self.cells.get(column)
        if c is None:
            return None
        return c.wan if c.kind == "amount" else c.value

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"label": self.label, "role": self.role}
        for k in ("code", "level", "side", "page", "line"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        if self.attrs:
            d["attrs"] = dict(self.attrs)
        d["cells"] = {k: c.to_dict() for k, c in self.cells.items()}
        return d


# Table kinds. 决算 tables use the number of the national template, whatever the document prints.
FINAL_KINDS = {
    "final_01": "收入支出决算总表",
    "final_02": "收入决算表",
    "final_03": "支出决算表",
    "final_04": "财政拨款收入支出决算总表",
    "final_05": "一般公共预算财政拨款支出决算表",
    "final_06": "一般公共预算财政拨款基本支出决算表",
    "final_07": "政府性基金预算财政拨款收入支出决算表",
    "final_08": "国有资本经营预算财政拨款支出决算表",
    "final_09": "财政拨款“三公”经费支出决算表",
    "final_10": "国有资产占用情况表",
}
OTHER_KINDS = {
    "self_eval": "项目支出绩效自评表",
    "score_table": "绩效评价指标评分表",
    "score_summary": "得分一览表",
    "results_list": "评价结果公开表",
    "project_list": "项目清单",
    "asset": "资产表",
    "staffing": "人员编制表",
    "generic": "表格",
}
TABLE_KINDS = {**FINAL_KINDS, **OTHER_KINDS}


@dataclass
class Table:
    """A typed table. ``columns`` lists canonical column names in order; ``meta`` holds the table's
    own header facts (项目名称, 主管部门, 金额单位 …)."""

    id: str
    kind: str
    title: str
    unit: str | None
    columns: list[str]
    rows: list[Row]
    page: int | None = None
    page_end: int | None = None
    line: int | None = None
    meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def kind_name(self) -> str:
        return TABLE_KINDS.get(self.kind, self.kind)

    def find_rows(self, label: str, side: str | None = None) -> list[Row]:
        key = normalize_label(label)
        return [r for r in self.rows if normalize_label(r.label) == key and (side is None or r.side == side)]

    def row(self, label: str, side: str | None = None) -> Row | None:
        found = self.find_rows(label, side)
        return found[0] if found else None

    def cells(self):
        for r in self.rows:
            yield from r.cells.values()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "kind_name": self.kind_name,
            "title": self.title,
            "unit": self.unit,
            "page": self.page,
            "page_end": self.page_end,
            "line": self.line,
            "meta": dict(self.meta),
            "columns": list(self.columns),
            "rows": [r.to_dict() for r in self.rows],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Figure:
    """A figure stated in the narrative: ``subject`` (“本年收入合计”), ``value`` with ``unit``,
    ``kind`` (amount / percent / count / score), the ``relation`` it expresses (``value``, ``change``,
    ``growth``, ``share``, ``completion``, ``budget``), the ``sentence`` it stands in and its source."""

    subject: str
    value: Decimal
    unit: str | None
    kind: str
    relation: str
    text: str
    sentence: str
    source: Source
    section: str = ""
    direction: int = 0  # +1 增加/增长, -1 减少/下降, 0 none

    @property
    def wan(self) -> Decimal | None:
        if self.kind != "amount":
            return None
        return self.value * UNIT_TO_WAN.get(self.unit or "万元", Decimal(1))

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "value": str(self.value),
            "unit": self.unit,
            "kind": self.kind,
            "relation": self.relation,
            "direction": self.direction,
            "text": self.text,
            "section": self.section,
            "sentence": self.sentence,
            "source": self.source.to_dict(),
        }


@dataclass
class Paragraph:
    """A narrative block with its section heading path and location."""

    text: str
    page: int | None
    line: int | None
    section: str = ""
    bbox: tuple[float, float, float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "page": self.page, "line": self.line, "section": self.section}


DOC_TYPES = {
    "final_accounts": "部门决算",
    "evaluation_report": "绩效评价报告",
    "self_eval_report": "绩效自评报告",
    "results_list": "评价结果公开表",
    "other": "其他",
}


@dataclass
class Document:
    """A read and extracted report."""

    id: str
    name: str
    path: str
    sha256: str
    source_format: str  # pdf | text
    doc_type: str = "other"
    title: str = ""
    year: int | None = None
    department: str = ""
    page_count: int = 0
    pages_without_text: list[int] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def doc_type_name(self) -> str:
        return DOC_TYPES.get(self.doc_type, self.doc_type)

    def tables_of(self, kind: str) -> list[Table]:
        return [t for t in self.tables if t.kind == kind]

    def table(self, kind: str) -> Table | None:
        found = self.tables_of(kind)
        return found[0] if found else None

    def summary(self) -> dict[str, Any]:
        kinds: dict[str, int] = {}
        for t in self.tables:
            kinds[t.kind] = kinds.get(t.kind, 0) + 1
        return {
            "id": self.id,
            "name": self.name,
            "type": self.doc_type,
            "type_name": self.doc_type_name,
            "title": self.title,
            "year": self.year,
            "department": self.department,
            "pages": self.page_count,
            "tables": len(self.tables),
            "table_kinds": kinds,
            "figures": len(self.figures),
            "pages_without_text": list(self.pages_without_text),
        }

    def to_dict(self) -> dict[str, Any]:
        d = self.summary()
        d.update(
            {
                "path": self.path,
                "sha256": self.sha256,
                "source_format": self.source_format,
                "ocr_pages": list(self.ocr_pages),
                "warnings": list(self.warnings),
                "tables": [t.to_dict() for t in self.tables],
                "figures": [f.to_dict() for f in self.figures],
                "paragraphs": [p.to_dict() for p in self.paragraphs],
            }
        )
        return d


def describe_location(loc: dict[str, Any]) -> str:
    """Return a short Chinese location for a finding location or citation dict
    (“第8页 表T4 行“合计” 列“本年支出合计””)."""
    parts = []
    if loc.get("page") is not None:
        parts.append(f"第{loc['page']}页")
    elif loc.get("line") is not None:
        parts.append(f"第{loc['line']}行")
    if loc.get("table"):
        t = str(loc["table"])
        parts.append(t if "表" in t else f"表{t}")
    for key, fmt in (("row", "行“{}”"), ("column", "列“{}”")):
        if loc.get(key):
            parts.append(fmt.format(loc[key]))
    return " ".join(parts)


def normalize_label(label: str) -> str:
    """Return a row/column label stripped of spaces, numbering and punctuation variants for matching."""
    import re

    s = re.sub(r"\s+", "", label or "")
    s = s.replace("（", "(").replace("）", ")").replace("“", '"').replace("”", '"')
    s = re.sub(r"^(其中[:：]?)", "", s)
    s = re.sub(r"^[一二三四五六七八九十]+[、.．]", "", s)
    s = re.sub(r"^\(?[0-9一二三四五六七八九十]+\)[、.．]?", "", s)
    s = re.sub(r"^[0-9]+[、.．]", "", s)
    return s
