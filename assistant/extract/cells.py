"""Typing one printed cell: amount, percent, number, code, text or empty — with its provenance."""

from __future__ import annotations

import re

from ..documents import Cell, Source
from ..numbers import is_empty_mark, parse_number
from ..readers.raw import RawCell

CODE_HEADER = re.compile(r"行次|栏次|序号|编码|编号|代码|科目代码|^类$|^款$|^项$|行号|^No")
PERCENT_HEADER = re.compile(r"率|%|％|比例|占比|百分比|权重")
SCORE_HEADER = re.compile(r"分值|得分|评分|权重分|分数|总分")
COUNT_HEADER = re.compile(r"人数|个数|数量|\(个|（个|（人|\(人|人次|批次|辆|台|套|件|面积|年度$|^年度|年份")
MONEY_UNITS = ("万元", "元", "亿元")


def unit_from_text(text: str) -> str | None:
    """Return the money unit named in a title/header text (单位：万元 / 金额单位：元 / （万元）)."""
    m = re.search(r"(?:金额)?单位[:：]\s*(万元|亿元|元)", text)
    if m:
        return m.group(1)
    m = re.search(r"[（(]\s*(万元|亿元|元)\s*[)）]", text)
    if m:
        return m.group(1)
    return None


def column_kind(header: str, table_unit: str | None) -> str:
    """Given a column's header, return the kind of its numeric cells: code, percent, number or amount."""
    h = re.sub(r"\s+", "", header or "")
    if CODE_HEADER.search(h):
        return "code"
    if PERCENT_HEADER.search(h) and not re.search(r"万元|元\)|元）", h):
        return "percent"
    if SCORE_HEADER.search(h):
        return "number"
    if COUNT_HEADER.search(h) and not re.search(r"万元|元", h):
        return "number"
    if unit_from_text(h) or table_unit in MONEY_UNITS:
        return "amount"
    return "number"


def make_cell(raw: RawCell | None, *, document: str, table: str, row: str, column: str, kind_hint: str,
              unit: str | None, text: str | None = None) -> Cell:
    """Given a raw cell and the column's kind, return a typed Cell; dashes and blanks are ``empty``."""
    t = (text if text is not None else (raw.text if raw else "")) or ""
    src = Source(
        document=document,
        page=raw.page if raw else None,
        line=raw.line if raw else None,
        table=table,
        row=row,
        column=column,
        bbox=raw.bbox if raw else None,
        ocr_confidence=raw.confidence if raw else None,
    )
    if is_empty_mark(t):
        return Cell(text=t, value=None, unit=None, kind="empty", source=src)
    value = parse_number(t)
    if value is None:
        return Cell(text=t, value=None, unit=None, kind="text", source=src)
    if kind_hint == "code":
        return Cell(text=t, value=None, unit=None, kind="code", source=src)
    if t.strip().endswith(("%", "％")) or kind_hint == "percent":
        return Cell(text=t, value=value, unit="%", kind="percent", source=src)
    if kind_hint == "amount":
        return Cell(text=t, value=value, unit=unit or "万元", kind="amount", source=src)
    return Cell(text=t, value=value, unit=None, kind="number", source=src)
