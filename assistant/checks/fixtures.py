"""Build a small Document from plain data (dicts from YAML): the rule test cases and benchmarks use it.

Spec::

    type: final_accounts
    tables:
      - kind: final_05
        unit: 万元
        columns: [本年支出合计, 基本支出, 项目支出]
        rows:
          - {label: 合计, role: total, cells: {本年支出合计: "100.00", 基本支出: "60.00", 项目支出: "40.00"}}
          - {label: 一般公共服务支出, code: "201", cells: {...}}
    paragraphs:
      - {text: "本年收入合计 100.00 万元……", section: "一、收入决算情况说明"}
"""

from __future__ import annotations

from typing import Any

from ..documents import Document, Paragraph, Row, Table
from ..numbers import code_level
from ..readers.raw import RawCell

_CELL_KINDS = ("amount", "percent", "number", "code", "text", "empty")


def _cell(text: str, *, doc_id: str, table: str, row: str, column: str, unit: str | None, line: int | None,
          kind: str | None, page: int | None):
    from ..extract.cells import column_kind, make_cell

    hint = kind or column_kind(column, unit)
    raw = RawCell(text=text, page=page, line=line)
    c = make_cell(raw, document=doc_id, table=table, row=row, column=column, kind_hint=hint, unit=unit)
    return c


def build_table(spec: dict[str, Any], *, doc_id: str, index: int, line0: int = 0) -> Table:
    tid = spec.get("id") or f"T{index}"
    unit = spec.get("unit", "万元")
    columns = [str(c) for c in spec.get("columns", [])]
    kinds = spec.get("column_kinds", {}) or {}
    rows: list[Row] = []
    for i, rs in enumerate(spec.get("rows", [])):
        label = str(rs.get("label", ""))
        code = rs.get("code")
        code = str(code) if code is not None else None
        line = rs.get("line", line0 + i + 1)
        page = rs.get("page", spec.get("page"))
        row = Row(label=label, role=rs.get("role", "item"), code=code,
                  level=rs.get("level") or (code_level(code) if code else None), side=rs.get("side"),
                  page=page, line=line, attrs={str(k): str(v) for k, v in (rs.get("attrs") or {}).items()})
        for col, text in (rs.get("cells") or {}).items():
            col = str(col)
            if col not in columns:
                columns.append(col)
            row.cells[col] = _cell("" if text is None else str(text), doc_id=doc_id, table=tid, row=label,
                                   column=col, unit=unit, line=line, kind=kinds.get(col), page=page)
        rows.append(row)
    return Table(id=tid, kind=spec.get("kind", "generic"), title=spec.get("title", ""), unit=unit, columns=columns,
                 rows=rows, page=spec.get("page"), line=line0 or None, meta={str(k): str(v) for k, v in
                                                                          (spec.get("meta") or {}).items()})


def build_document(spec: dict[str, Any], name: str = "case.txt") -> Document:
    """Given a plain-data spec, return a Document with typed tables and paragraphs."""
    doc_id = "case"
    doc = Document(id=doc_id, name=spec.get("name", name), path=name, sha256="0" * 64, source_format="text",
                   doc_type=spec.get("type", "final_accounts"), page_count=1)
    for i, ts in enumerate(spec.get("tables", []) or [], start=1):
        doc.tables.append(build_table(ts, doc_id=doc_id, index=i, line0=i * 100))
    for j, ps in enumerate(spec.get("paragraphs", []) or []):
        if isinstance(ps, str):
            ps = {"text": ps}
        doc.paragraphs.append(Paragraph(text=ps["text"], page=ps.get("page"), line=ps.get("line", 5000 + j),
                                        section=ps.get("section", "")))
    doc.year = spec.get("year")
    return doc
