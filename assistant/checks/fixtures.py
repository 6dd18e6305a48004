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


def _select_row(table: Table, sel: str) -> Row:
    side = None
    if ":" in sel and not sel.startswith("code:"):
        side, sel = sel.split(":", 1)
    for r in table.rows:
        if sel.startswith("code:") and r.code == sel[5:]:
            return r
        if r.label == sel and (side is None or r.side == side):
            return r
    raise KeyError(f"行“{sel}”不在表 {table.id}（{table.kind}）中")


def set_cell(doc: Document, kind: str, row: str, column: str, text: str) -> None:
    """Replace one cell's printed text (re-typed the way the extractor types it)."""
    import dataclasses

    from ..numbers import parse_number

    idx = 0
    if "#" in kind:
        kind, n = kind.split("#", 1)
        idx = int(n)
    table = doc.tables_of(kind)[idx]
    r = _select_row(table, row)
    old = r.cells.get(column)
    if old is None:
        r.cells[column] = _cell(text, doc_id=doc.id, table=table.id, row=r.label, column=column, unit=table.unit,
                                line=r.line, kind=None, page=r.page)
        return
    v = parse_number(text)
    kind_ = old.kind if v is not None and old.kind not in ("empty", "text") else ("empty" if not text.strip() else (
        "amount" if v is not None and table.unit else ("number" if v is not None else "text")))
    unit = old.unit or (table.unit if kind_ == "amount" else None)
    r.cells[column] = dataclasses.replace(old, text=text, value=v, kind=kind_, unit=unit if kind_ == "amount" else
                                          (old.unit if kind_ == "percent" else None))


def apply_patches(doc: Document, spec: dict[str, Any]) -> Document:
    """Apply ``set: [[kind, row, column, text], …]`` and ``replace: [[old, new], …]`` to a built document."""
    import dataclasses

    for kind, row, column, text in spec.get("set", []) or []:
        set_cell(doc, str(kind), str(row), str(column), str(text))
    for old, new in spec.get("replace", []) or []:
        hit = False
        for i, p in enumerate(doc.paragraphs):
            if old in p.text:
                doc.paragraphs[i] = dataclasses.replace(p, text=p.text.replace(old, new))
                hit = True
        if not hit:
            raise KeyError(f"段落中没有“{old}”")
    for kind, key_, value in spec.get("meta", []) or []:
        doc.tables_of(kind)[0].meta[key_] = value
    for kind, row, name in spec.get("rename", []) or []:
        r = _select_row(doc.tables_of(kind)[0], str(row))
        r.label = str(name)
    for kind, row, attr, value in spec.get("attrs", []) or []:
        _select_row(doc.tables_of(kind)[0], str(row)).attrs[str(attr)] = str(value)
    drop = set(spec.get("drop", []) or [])
    if drop:
        doc.tables = [t for t in doc.tables if t.kind not in drop]
    return doc
