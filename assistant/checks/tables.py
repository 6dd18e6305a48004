"""Small lookups over typed 决算 tables shared by the rule families (rows by label, side, code)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..documents import Row, Table, normalize_label

INCOME_TOTAL = "本年收入合计"
SPEND_TOTAL = "本年支出合计"


@lru_cache(maxsize=65536)
def key(label: str) -> str:
    """Normalise a label for matching: numbering, spaces, brackets and “（类）” dropped."""
    s = normalize_label(label)
    s = re.sub(r"\((类|款|项)\)", "", s)
    s = s.replace('"', "").replace("“", "").replace("”", "")
    return s


def find_row(t: Table | None, *labels: str, side: str | None = None) -> Row | None:
    """Return the first row whose label matches one of ``labels`` (normalised), optionally on ``side``."""
    if t is None:
        return None
    keys = [key(lb) for lb in labels]
    for k in keys:
        for r in t.rows:
            if key(r.label) == k and (side is None or r.side in (side, None)):
                return r
    return None


def rows_before(t: Table, side: str | None, stop_labels: tuple[str, ...]) -> list[Row]:
    """Item rows of ``side`` listed before the first row labelled one of ``stop_labels``."""
    stops = {key(s) for s in stop_labels}
    out: list[Row] = []
    for r in t.rows:
        if side is not None and r.side != side:
            continue
        if key(r.label) in stops:
            break
        if r.role == "total" or not r.label.strip():
            continue
        out.append(r)
    return out


def amount_column(t: Table, *preferred: str) -> str | None:
    """Return the first of ``preferred`` present in the table, else its first amount column."""
    for p in preferred:
        if p in t.columns:
            return p
    for c in t.columns:
        for r in t.rows:
            cell = r.get(c)
            if cell is not None and cell.kind == "amount":
                return c
    return None


def total_row(t: Table) -> Row | None:
    """The 合计 row of a coded table (02/03/05/07/08): role total or label 合计."""
    for r in t.rows:
        if r.role == "total" and key(r.label) in ("合计", "总计", "") and not r.code:
            return r
    return find_row(t, "合计", "总计")


def coded_rows(t: Table) -> list[Row]:
    return [r for r in t.rows if r.code and r.code.isdigit()]


def children(t: Table, parent: Row) -> list[Row]:
    """Rows one level below ``parent`` (code + 2 digits) in the same table and side."""
    assert parent.code
    n = len(parent.code) + 2
    return [r for r in coded_rows(t) if len(r.code or "") == n and (r.code or "").startswith(parent.code)
            and r.side == parent.side]


def class_rows(t: Table, side: str | None = None) -> list[Row]:
    return [r for r in coded_rows(t) if len(r.code or "") == 3 and (side is None or r.side == side)]


def numeric_columns(t: Table) -> list[str]:
    """Columns holding amounts in at least one row."""
    cols = []
    for c in t.columns:
        if any((r.get(c) is not None and r.get(c).kind == "amount") for r in t.rows):  # type: ignore[union-attr]
            cols.append(c)
    return cols
