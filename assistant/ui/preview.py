"""Source preview: a citation or finding location → the PDF page with the cell highlighted, or the text
source's lines with the cited lines highlighted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..documents import Document, Table, normalize_label
from .render import esc, pdf_text_boxes, render_pdf_page, text_preview_html, where


@dataclass
class Preview:
    """What the preview panel shows: an image (PDF page) or HTML (text lines), and a caption."""

    image: Any | None
    html: str
    caption: str


_TABLE_ID = re.compile(r"[（(]([A-Za-z]+\d+)[）)]\s*$")


def table_ref(label: str | None) -> str | None:
    """Return the table id in a location's table label (“支出决算表（T4）” → “T4”), else the label."""
    if not label:
        return None
    m = _TABLE_ID.search(label)
    return m.group(1) if m else label


def _find_table(doc: Document, key: str | None) -> Table | None:
    key = table_ref(key)
    if not key:
        return None
    for t in doc.tables:
        if key in (t.id, t.kind, t.title, t.kind_name):
            return t
    return None


def locate(doc: Document, loc: dict[str, Any]) -> tuple[int | None, list[list[float]], list[int]]:
    """Given a location (page/line/table/row/column/text, optional bbox), return
    (page, boxes on that page, highlighted lines) by resolving the cell in the document when needed."""
    page = loc.get("page")
    boxes: list[list[float]] = [list(loc["bbox"])] if loc.get("bbox") else []
    lines: list[int] = [int(loc["line"])] if loc.get("line") else []
    table = _find_table(doc, loc.get("table"))
    if table is not None and not boxes:
        rows = table.find_rows(loc["row"]) if loc.get("row") else []
        cols = [loc["column"]] if loc.get("column") else []
        for r in rows[:1]:
            cells = [r.cells[c] for c in cols if c in r.cells] or []
            if not cells and loc.get("text"):
                cells = [c for c in r.cells.values() if c.text == loc["text"]]
            for c in cells:
                if c.source.bbox:
                    boxes.append(list(c.source.bbox))
                    page = page or c.source.page
                if c.source.line and not lines:
                    lines.append(c.source.line)
            if not cells:
                if r.page and not page:
                    page = r.page
                if r.line and not lines:
                    lines.append(r.line)
        if page is None:
            page = table.page
        if not lines and table.line:
            lines.append(table.line)
    if not boxes and page and loc.get("text"):
        boxes = _boxes_for_text(doc, int(page), str(loc["text"]))
    return page, boxes, lines


_NUMBER = re.compile(r"\d[\d,]*\.\d+|\d{1,3}(?:,\d{3})+|\d{3,}")


def _boxes_for_text(doc: Document, page: int, text: str, limit: int = 3) -> list[list[float]]:
    """Return boxes of the cells on ``page`` whose text is the cited text, or else one of the amounts the
    cited text states (“本年收入合计：2,946.25万元” → the cell printing 2,946.25)."""
    cells = [c for t in doc.tables for c in t.cells() if c.source.page == page and c.source.bbox and c.text]
    want = normalize_label(text)
    exact = [list(c.source.bbox) for c in cells if normalize_label(c.text) == want]
    if exact:
        return exact[:1]
    numbers = {n.replace(",", "") for n in _NUMBER.findall(text)}
    hits = [list(c.source.bbox) for c in cells if c.is_number and c.text.replace(",", "") in numbers]
    return hits[:limit]


def build_preview(services: Any, loc: dict[str, Any]) -> Preview:
    """Return the preview of a location in a stored document."""
    doc_key = loc.get("document_id") or loc.get("doc_id") or loc.get("document")
    if not doc_key:
        return Preview(None, "<p>该引用没有注明文档。</p>", "")
    doc = services.document(doc_key)
    path = services.source_file(doc_key)
    page, boxes, lines = locate(doc, loc)
    caption = f"{doc.name} · {where({**loc, 'page': page})}"
    if doc.source_format == "pdf" and path.suffix.lower() == ".pdf":
        if not page:
            return Preview(None, f"<p>{esc(caption)}：没有页码，无法预览。</p>", caption)
        if not boxes and loc.get("text"):
            boxes = pdf_text_boxes(path, int(page), str(loc["text"]))
        img = render_pdf_page(path, int(page), boxes)
        note = "（黄色高亮处为引用的内容）" if boxes else "（未能在页面上定位引用内容，显示整页）"
        return Preview(img, f'<div class="preview-title">{esc(caption)} {esc(note)}</div>', caption)
    text_lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return Preview(None, text_preview_html(text_lines, lines, title=caption), caption)
