"""Generic table parsing: header rows → column labels, body rows → typed cells. Family parsers build
on these helpers."""

from __future__ import annotations

import re

from ..documents import Row, Table
from ..numbers import clean, is_empty_mark, parse_number
from ..readers.raw import RawCell, RawTable
from .cells import column_kind, make_cell, unit_from_text


def is_numeric_text(text: str) -> bool:
    return parse_number(text) is not None


def header_depth(rows: list[list[RawCell]], max_depth: int = 5) -> int:
    """Return how many leading rows are headers: rows before the first row that carries a number in a
    non-first column (栏次 rows of 1, 2, 3 … count as header)."""
    for i, row in enumerate(rows[:max_depth]):
        texts = [c.text for c in row]
        nums = [t for t in texts[1:] if is_numeric_text(t)]
        non_empty = [t for t in texts if t.strip()]
        if nums and not _is_column_number_row(texts):
            return i
        if not non_empty:
            continue
    return min(len(rows), 1)


def _is_column_number_row(texts: list[str]) -> bool:
    """True for a 栏次 row: “栏次 1 2 3” or a bare run of small integers."""
    vals = [clean(t) for t in texts if clean(t)]
    if not vals:
        return False
    if any(v in ("栏次", "行次", "栏 次") for v in vals):
        return True
    ints = [v for v in vals if re.fullmatch(r"\d{1,2}", v)]
    return len(ints) >= 2 and len(ints) >= len(vals) - 3 and all(not re.search(r"\.", v) for v in vals)


def column_labels(header_rows: list[list[RawCell]], ncols: int) -> list[str]:
    """Merge stacked header rows into one label per column (spanning cells fill to the right)."""
    labels = [""] * ncols
    for row in header_rows:
        texts = [c.text for c in row] + [""] * (ncols - len(row))
        if _is_column_number_row(texts):
            continue
        for j in range(ncols):
            t = re.sub(r"\s+", "", texts[j])
            if t and t not in labels[j]:
                labels[j] = (labels[j] + "/" + t) if labels[j] else t
    # name unnamed columns by position
    return [lab or f"列{j + 1}" for j, lab in enumerate(labels)]


def table_unit(raw: RawTable) -> str | None:
    for c in reversed(raw.context):
        u = unit_from_text(c)
        if u:
            return u
    for row in raw.rows[:3]:
        for c in row:
            u = unit_from_text(c.text)
            if u:
                return u
    return None


def parse_generic(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    """Given a raw table, return a Table with header-derived columns and typed cells."""
    ncols = raw.ncols
    depth = header_depth(raw.rows)
    labels = column_labels(raw.rows[:depth], ncols)
    unit = table_unit(raw)
    kinds = [column_kind(lab, unit) for lab in labels]
    rows: list[Row] = []
    for raw_row in raw.rows[depth:]:
        texts = [c.text for c in raw_row]
        if not any(t.strip() for t in texts) or _is_column_number_row(texts):
            continue
        label = next((t for t in texts if t.strip() and not is_numeric_text(t) and not is_empty_mark(t)), "")
        row = Row(label=label.strip(), page=raw_row[0].page if raw_row else None,
                  line=raw_row[0].line if raw_row else None)
        for j, rc in enumerate(raw_row):
            if j >= ncols:
                break
            row.cells[labels[j]] = make_cell(rc, document=doc_id, table=table_id, row=row.label,
                                             column=labels[j], kind_hint=kinds[j], unit=unit)
        rows.append(row)
    return Table(id=table_id, kind=kind, title=title, unit=unit, columns=labels, rows=rows, page=raw.page,
                 page_end=raw.page_end, line=raw.line)
