"""Figure lookup in the tables: the workspace's answer when the answering engine is not installed.

Given a question, find the table row whose label and column the question names (preferring the document
whose department or file name it names) and return that cell as the answer, with its citation.
"""

from __future__ import annotations

import re
from typing import Any

from ..documents import Document, Row, Source, Table, normalize_label

_ASK_WORDS = re.compile(r"(是多少|多少|是什么|为多少|请问|查询|一下|吗|？|\?|。|，|,|\s)")


def _label_of(row: Row) -> str:
    return normalize_label(row.label)


def _row_score(q: str, label: str) -> int:
    if not label or len(label) < 2:
        return 0
    return len(label) if label in q else 0


def _column_candidates(table: Table, row: Row, q: str) -> list[tuple[int, str]]:
    out = []
    for col, cell in row.cells.items():
        if not cell.is_number or cell.kind == "code":
            continue
        parts = [normalize_label(p) for p in col.split("/") if p]
        score = max((len(p) for p in parts if p and p in q), default=0)
        out.append((score, col))
    return out


def _common_len(a: str, b: str) -> int:
    """Return the length of the longest common substring of a and b."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def lookup_answer(question: str, docs: list[Document]) -> dict[str, Any]:
    """Given a question and documents, return the best-matching table cell as an answer with citation."""
    q = normalize_label(_ASK_WORDS.sub("", question))
    best: tuple[int, Document, Table, Row, str] | None = None
    for doc in docs:
        bonus = 0
        for key in (doc.department, doc.name.rsplit(".", 1)[0]):
            common = _common_len(q, normalize_label(key or ""))
            if common >= 2:
                bonus = max(bonus, 2 * common)
        if doc.year and str(doc.year) in q:
            bonus += 1
        for table in doc.tables:
            title_bonus = 3 if table.title and normalize_label(table.title)[:6] in q else 0
            for row in table.rows:
                rs = _row_score(q, _label_of(row))
                if not rs:
                    continue
                for cs, col in _column_candidates(table, row, q):
                    score = rs * 2 + cs * 2 + bonus + title_bonus
                    if best is None or score > best[0]:
                        best = (score, doc, table, row, col)
    if best is None or best[0] < 6:
        return {"answer": "未在资料库的表格中找到与问题对应的数字。请换用报表中的行名或列名提问，或指定文档。",
                "found": False, "figures": [], "citations": []}
    _, doc, table, row, col = best
    cell = row.cells[col]
    unit = cell.unit or table.unit or ""
    src = cell.source
    where = src.where() or ""
    answer = (f"{doc.department or doc.name}{doc.year or ''}年度 {table.kind_name}中，“{row.label}”的“{col}”为 "
              f"{cell.text} {unit}（{where}）。")
    citation = {"document": doc.name, "document_id": doc.id, "page": src.page, "line": src.line,
                "table": table.id, "row": row.label, "column": col, "text": cell.text,
                "bbox": list(src.bbox) if src.bbox else None}
    figure = {"value": str(cell.value), "unit": unit, "source": {**_source_dict(src), "document": doc.name}}
    return {"answer": answer, "found": True, "figures": [figure], "citations": [citation]}


def _source_dict(src: Source) -> dict[str, Any]:
    return src.to_dict()
