"""Chunking that follows the reports' structure.

* narrative: paragraphs grouped under their section heading (a chunk never spans two sections);
* tables: one chunk per row (a project in a results list, an indicator in a self-evaluation table, a
  科目 in a 决算 table) carrying the table title and the column headers, plus one summary chunk per
  table;
* every chunk carries metadata for filtering: document, doc type, year, department, project, page or
  line, table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.documents import Document, Row, Table

MAX_CHARS = 600


@dataclass
class Chunk:
    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "meta": dict(self.meta)}


def table_project(table: Table) -> str:
    """Return the project a table is about (自评表: 项目名称), or ''."""
    for key in ("项目名称", "project", "项目"):
        v = (table.meta or {}).get(key)
        if v:
            return str(v).strip()
    if table.kind == "self_eval" and table.columns:
        # generic fallback: header “项目名称/…” followed by the name in the next header cell
        first = table.columns[0]
        if first.startswith("项目名称"):
            for col in table.columns[1:3]:
                name = col.split("/")[0]
                if name and not re.match(r"^(列\d+|年初预算数|全年预算数|主管部门)", name):
                    return name
    return ""


def _base_meta(doc: Document) -> dict[str, Any]:
    return {
        "doc_id": doc.id,
        "document": doc.name,
        "doc_type": doc.doc_type,
        "year": int(doc.year or 0),
        "department": doc.department or "",
    }


def _loc(page: int | None, line: int | None) -> dict[str, int]:
    return {"page": int(page or 0), "line": int(line or 0)}


def row_text(table: Table, row: Row, project: str = "") -> str:
    """Render one table row as a self-contained sentence-like chunk."""
    head = f"表：{table.title or table.kind_name}（{table.kind_name}）"
    if project:
        head += f" 项目：{project}"
    if table.unit:
        head += f" 单位：{table.unit}"
    parts = []
    for col, cell in row.cells.items():
        t = (cell.text or "").strip()
        if not t or t == row.label:
            continue
        parts.append(f"{col}：{t}")
    attrs = "；".join(f"{k}：{v}" for k, v in (row.attrs or {}).items() if v and k not in ("printed_label", "parent", "行次"))
    label = row.label or "（无行名）"
    if row.code:
        label = f"{row.code} {label}"
    body = f"行：{label}"
    if attrs:
        body += f"（{attrs}）"
    return f"{head}\n{body}\n" + "；".join(parts)


def chunk_document(doc: Document) -> list[Chunk]:
    """Given a Document, return its chunks in reading order."""
    base = _base_meta(doc)
    chunks: list[Chunk] = []

    def add(text: str, **meta: Any) -> None:
        m = dict(base)
        m.update({k: v for k, v in meta.items() if v is not None})
        chunks.append(Chunk(id=f"{doc.id}:{len(chunks)}", text=text, meta=m))

    # narrative: group paragraphs by section
    cur: list = []
    cur_sec = None

    def flush() -> None:
        if not cur:
            return
        text = "\n".join(p.text for p in cur)
        levels = [x for x in (cur_sec or "").split(" / ") if x]
        heading = " / ".join(levels[-2:])
        if heading and not text.startswith(levels[-1]) or len(levels) >= 2:
            text = f"【{heading}】\n{text}"
        add(text, kind="narrative", section=cur_sec or "", project="", table="", table_kind="",
            **_loc(cur[0].page, cur[0].line))
        cur.clear()

    for p in doc.paragraphs:
        if not p.text.strip():
            continue
        if p.section != cur_sec or sum(len(x.text) for x in cur) + len(p.text) > MAX_CHARS:
            flush()
            cur_sec = p.section
        cur.append(p)
    flush()

    for t in doc.tables:
        project = table_project(t)
        cols = "、".join(c for c in t.columns if not re.fullmatch(r"列\d+", c))
        labels = [r.label for r in t.rows if r.label][:40]
        summary = (f"表：{t.title or t.kind_name}（{t.kind_name}）" + (f" 项目：{project}" if project else "")
                   + (f" 单位：{t.unit}" if t.unit else "") + f"\n栏目：{cols}\n行：" + "、".join(labels))
        add(summary[:1500], kind="table", section="", project=project, table=t.id, table_kind=t.kind,
            **_loc(t.page, t.line))
        for r in t.rows:
            if not any((c.text or "").strip() for c in r.cells.values()):
                continue
            proj = project
            if t.kind == "results_list" and r.label:
                proj = r.label
            add(row_text(t, r, project)[:1500], kind="row", section="", project=proj, table=t.id,
                table_kind=t.kind, row=r.label or "", **_loc(r.page or t.page, r.line or t.line))
    return chunks
