"""PDF → RawDocument through pdfplumber: text lines outside tables, ruled tables as grids with cell
bboxes, tables continued across pages joined, pages with no text layer detected (and OCRed on request).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import UnreadableDocument
from .raw import RawCell, RawDocument, RawLine, RawTable, file_sha256, in_reading_order

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                  "join_tolerance": 3, "intersection_tolerance": 3}
TEXT_TABLE_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text", "min_words_vertical": 3,
                       "min_words_horizontal": 2}
_MIN_CHARS = 8  # a page with fewer characters than this has no usable text layer


def open_pdf(path: Path):
    """Open a PDF with pdfplumber, translating its failures into Chinese UnreadableDocument errors."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(str(path))
        pages = pdf.pages  # forces the page tree to be read
    except Exception as exc:  # pdfminer raises many types; all mean the same to the user
        msg = str(exc).lower()
        kind = type(exc).__name__
        # pdfplumber wraps pdfminer's PDFPasswordIncorrect in a PdfminerException with an empty message
        inner = " ".join(type(e).__name__ for e in (*exc.args, exc.__cause__, exc.__context__) if e is not None)
        if "password" in msg or "encrypt" in msg or "PDFPassword" in kind or "PDFPassword" in inner:
            raise UnreadableDocument(f"文件“{path.name}”是加密的 PDF，需要密码才能打开，请提供未加密的版本。") from exc
        raise UnreadableDocument(f"文件“{path.name}”不是有效的 PDF 或已损坏，无法打开（{kind}）。") from exc
    if len(pages) == 0:
        pdf.close()
        raise UnreadableDocument(f"文件“{path.name}”是没有任何页面的 PDF（0 页）。")
    return pdf


def _norm_cell(text: str | None) -> str:
    if not text:
        return ""
    # cells wrap inside the grid: join the pieces; keep a space only between two latin/digit runs
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    out = ""
    for p in parts:
        if out and re.match(r"[A-Za-z0-9]", p[:1]) and re.search(r"[A-Za-z0-9%]$", out):
            out += " " + p
        else:
            out += p
    return out


_NUM_TOKEN = re.compile(r"^-?[\d,]+\.\d+%?$|^-?\d{1,3}(,\d{3})+$")


def _numeric_rows(rows: list[list[str | None]]) -> int:
    return sum(1 for r in rows if sum(1 for c in r if c and _NUM_TOKEN.match(c.strip())) >= 2)


def _looks_tabular(page) -> bool:
    """True when a page without ruling lines still prints rows of several numbers (a text-aligned table)."""
    text = page.extract_text() or ""
    return sum(1 for ln in text.split("\n") if len([w for w in ln.split() if _NUM_TOKEN.match(w)]) >= 2) >= 3


def _table_grid(table, page_no: int) -> list[list[RawCell]]:
    rows: list[list[RawCell]] = []
    texts = table.extract()
    for r_idx, row in enumerate(table.rows):
        cells = []
        for c_idx, bbox in enumerate(row.cells):
            t = texts[r_idx][c_idx] if r_idx < len(texts) and c_idx < len(texts[r_idx]) else None
            cells.append(RawCell(text=_norm_cell(t), page=page_no, bbox=tuple(bbox) if bbox else None))
        rows.append(cells)
    return rows


def _lines_outside(page, bboxes, page_no: int) -> list[RawLine]:
    def inside(line) -> bool:
        cx = (line["x0"] + line["x1"]) / 2
        cy = (line["top"] + line["bottom"]) / 2
        return any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in bboxes)

    out = []
    for ln in page.extract_text_lines(layout=False, strip=True, return_chars=False, y_tolerance=5):
        if not ln["text"].strip() or inside(ln):
            continue
        out.append(RawLine(text=ln["text"].strip(), page=page_no,
                           bbox=(ln["x0"], ln["top"], ln["x1"], ln["bottom"])))
    return out


def read_pdf(path: Path, *, max_pages: int | None = None, ocr: bool = False) -> RawDocument:
    """Given a PDF path, return its RawDocument (lines and ruled tables in reading order)."""
    pdf = open_pdf(path)
    try:
        n = len(pdf.pages)
        if max_pages is not None and n > max_pages:
            raise UnreadableDocument(f"文件“{path.name}”共 {n} 页，超过页数上限 {max_pages} 页。")
        doc = RawDocument(path=str(path), name=path.name, sha256=file_sha256(path), source_format="pdf",
                          page_count=n)
        items: list[RawLine | RawTable] = []
        for page_no, page in enumerate(pdf.pages, start=1):
            try:
                page_items = _read_page(page, page_no)
            except Exception as exc:  # a damaged page is reported, the rest is read
                doc.warnings.append(f"第{page_no}页无法解析（{type(exc).__name__}），已跳过。")
                continue
            if page_items is None:
                doc.pages_without_text.append(page_no)
                if ocr and not _blank(page):
                    from .ocr import ocr_page

                    page_items = ocr_page(page, page_no)
                    doc.ocr_pages.append(page_no)
                else:
                    continue
            items.extend(page_items)
            page.flush_cache() if hasattr(page, "flush_cache") else None
        if doc.pages_without_text and not ocr:
            doc.warnings.append(
                "以下页面没有文字层（可能是扫描件），未做文字识别：第"
                + "、".join(str(p) for p in doc.pages_without_text) + "页。")
        if len(doc.pages_without_text) == n and not ocr:
            doc.warnings.append("整份 PDF 都没有文字层，需要 OCR 才能读取。")
        doc.items = join_continued_tables(items)
        return doc
    finally:
        pdf.close()


def _blank(page) -> bool:
    """True for a page that draws nothing at all (no text, image or vector path): nothing to OCR."""
    try:
        return not (page.chars or page.images or page.curves or page.rects or page.lines)
    except Exception:
        return False


def _read_page(page, page_no: int) -> list[RawLine | RawTable] | None:
    if len(page.chars) < _MIN_CHARS:
        return None
    tables = page.find_tables(TABLE_SETTINGS)
    tables = [t for t in tables if len(t.rows) >= 1 and max(len(r.cells) for r in t.rows) >= 2]
    ruled = True
    if not tables and _looks_tabular(page):
        tables = [t for t in page.find_tables(TEXT_TABLE_SETTINGS) if _numeric_rows(t.extract()) >= 2]
        ruled = False
    bboxes = [t.bbox for t in tables]
    lines = _lines_outside(page, bboxes, page_no)
    positioned: list[tuple[float, RawLine | RawTable]] = [(ln.bbox[1], ln) for ln in lines if ln.bbox]
    for t in tables:
        grid = _table_grid(t, page_no)
        if not ruled:
            grid = [r for r in grid if any(c.text for c in r)]
        positioned.append((t.bbox[1], RawTable(rows=grid, page=page_no, page_end=page_no, ruled=ruled)))
    return in_reading_order(positioned)


_PAGE_NUMBER = re.compile(r"^[-—\s]*\d{1,3}[-—\s]*$|^第\s*\d+\s*页")


def join_continued_tables(items: list[RawLine | RawTable]) -> list[RawLine | RawTable]:
    """Join a table that starts a page with the table that ended the previous page when the column
    count matches and nothing but page furniture (page numbers) stands between them."""
    out: list[RawLine | RawTable] = []
    last_table: RawTable | None = None
    between: list[RawLine] = []
    for it in items:
        if isinstance(it, RawTable):
            if (last_table is not None and it.page is not None and last_table.page_end is not None
                    and it.page == last_table.page_end + 1 and it.ncols == last_table.ncols
                    and all(_PAGE_NUMBER.match(b.text) or (b.page == last_table.page_end) for b in between)
                    and not any(b.page == it.page and not _PAGE_NUMBER.match(b.text) for b in between)):
                last_table.rows.extend(it.rows)
                last_table.page_end = it.page
                # keep the page-number lines out of the narrative
                for b in between:
                    out.append(b)
                between = []
                continue
            out.extend(between)
            between = []
            out.append(it)
            last_table = it
        else:
            if last_table is not None:
                between.append(it)
            else:
                out.append(it)
    out.extend(between)
    return out
