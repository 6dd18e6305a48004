"""Rendering for the workspace: every string that comes from a document is escaped here.

Page previews (pypdfium2 + a highlighted cell box), text-source previews (cited lines highlighted),
and small HTML tables. Nothing from a report is ever emitted as active HTML or markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..documents import describe_location

SEVERITY_NAMES = {"error": "严重", "warning": "一般", "info": "提示"}
SEVERITY_COLORS = {"error": "#b42318", "warning": "#b54708", "info": "#175cd3"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def esc(value: Any) -> str:
    """Return ``value`` as HTML-escaped text (None → empty)."""
    return "" if value is None else html.escape(str(value), quote=True)


def md_text(value: Any) -> str:
    """Return ``value`` safe for a markdown context: HTML-escaped and markdown specials backslashed."""
    if value is None:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False))


def where(loc: dict[str, Any]) -> str:
    """Return a short Chinese location for a finding location or citation."""
    return describe_location(loc)


def severity_badge(sev: str) -> str:
    color = SEVERITY_COLORS.get(sev, "#475467")
    return f'<span class="sev" style="color:{color};font-weight:600">{esc(SEVERITY_NAMES.get(sev, sev))}</span>'


# ----- page preview ------------------------------------------------------------------------------
def render_pdf_page(path: str | Path, page: int, boxes: Sequence[Sequence[float]] = (), scale: float = 1.6):
    """Given a PDF, a 1-based page and pdfplumber-style boxes (x0, top, x1, bottom in points), return a
    PIL image of the page with each box highlighted."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    pdf = pdfium.PdfDocument(str(path))
    try:
        if page < 1 or page > len(pdf):
            raise ValueError(f"页码 {page} 超出范围（共 {len(pdf)} 页）")
        img = pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    if boxes:
        overlay = img.copy()
        draw = ImageDraw.Draw(overlay)
        for b in boxes:
            x0, top, x1, bottom = (float(v) * scale for v in b[:4])
            pad = 2 * scale
            draw.rectangle([x0 - pad, top - pad, x1 + pad, bottom + pad], fill=(255, 221, 0))
        from PIL import Image

        img = Image.blend(img, overlay, 0.35)
        draw = ImageDraw.Draw(img)
        for b in boxes:
            x0, top, x1, bottom = (float(v) * scale for v in b[:4])
            pad = 2 * scale
            draw.rectangle([x0 - pad, top - pad, x1 + pad, bottom + pad], outline=(220, 38, 38), width=3)
    return img


_NUM_TOKEN = re.compile(r"\d[\d,]*\.\d+|\d{3,}")


def pdf_text_boxes(path: str | Path, page: int, text: str, limit: int = 6) -> list[list[float]]:
    """Given a PDF page and a cited text, return boxes (x0, top, x1, bottom in points) of where the page
    prints it: the whole text, else the text without spaces, else the amounts it states."""
    import pypdfium2 as pdfium

    text = (text or "").strip()
    if not text:
        return []
    pdf = pdfium.PdfDocument(str(path))
    try:
        if page < 1 or page > len(pdf):
            return []
        pg = pdf[page - 1]
        height = pg.get_size()[1]
        tp = pg.get_textpage()

        def find(q: str) -> list[list[float]]:
            out: list[list[float]] = []
            searcher = tp.search(q, match_case=False)
            while len(out) < limit:
                occ = searcher.get_next()
                if not occ:
                    break
                for k in range(tp.count_rects(*occ)):
                    left, bottom, right, top = tp.get_rect(k)
                    out.append([left, height - top, right, height - bottom])
            return out

        for q in dict.fromkeys([text, re.sub(r"\s+", "", text)]):
            boxes = find(q)
            if boxes:
                return boxes[:limit]
        boxes = []
        for n in dict.fromkeys(_NUM_TOKEN.findall(text)):
            boxes += find(n)[:2]
        return boxes[:limit]
    finally:
        pdf.close()


def text_preview_html(lines: list[str], highlight: Iterable[int], context: int = 8, title: str = "") -> str:
    """Given a text source's lines and 1-based line numbers to highlight, return an escaped HTML excerpt."""
    marks = sorted({int(n) for n in highlight if n})
    if not marks:
        return f'<div class="preview-text"><p>{esc(title)}：没有可定位的行号。</p></div>'
    lo = max(1, marks[0] - context)
    hi = min(len(lines), marks[-1] + context)
    out = [f'<div class="preview-text"><div class="preview-title">{esc(title)}</div><pre class="src-lines">']
    for n in range(lo, hi + 1):
        text = esc(lines[n - 1].rstrip("\n")) if n - 1 < len(lines) else ""
        cls = ' class="hl"' if n in marks else ""
        out.append(f'<span{cls}><span class="ln">{n:>5}</span> {text}</span>\n')
    out.append("</pre></div>")
    return "".join(out)


# ----- tables ------------------------------------------------------------------------------------
def html_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], cls: str = "grid",
               raw_columns: Iterable[int] = ()) -> str:
    """Return an HTML table; every cell is escaped except the columns listed in ``raw_columns``
    (which callers fill only with markup they built from escaped parts)."""
    raw = set(raw_columns)
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for r in rows:
        tds = "".join(f"<td>{c if i in raw else esc(c)}</td>" for i, c in enumerate(r))
        body.append(f"<tr>{tds}</tr>")
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


CSS = """
.grid {border-collapse: collapse; width: 100%; font-size: 13px}
.grid th, .grid td {border: 1px solid #d0d5dd; padding: 4px 6px; vertical-align: top}
.grid th {background: #f2f4f7}
.grid td.diff, .grid .diff {background: #fee4e2}
.grid .used {background: #e0eaff}
.preview-text pre {white-space: pre-wrap; font-size: 13px; line-height: 1.5; max-height: 520px; overflow: auto}
.preview-text .hl {background: #fff3b0; display: block; font-weight: 600}
.preview-text .ln {color: #98a2b3}
.preview-title {font-weight: 600; margin-bottom: 4px}
.finding-card {border-left: 4px solid #d0d5dd; padding: 4px 10px; margin: 6px 0}
"""
