"""OCR for pages with no text layer (rapidocr-onnxruntime, whose wheel ships the Chinese PP-OCR models).

A page is rendered at ``SCALE`` × 72 dpi; ruling lines are found in the image (long runs of dark
pixels), so scanned tables become the same grids pdfplumber gives for text PDFs; recognised boxes are
placed into the grid cells, the rest become lines. Every cell and line carries its recognition
confidence; coordinates are mapped back to PDF points so previews can highlight them.
"""

from __future__ import annotations

from functools import lru_cache

from .raw import RawCell, RawLine, RawTable, in_reading_order

SCALE = 2.0
LOW_CONFIDENCE = 0.85  # below this an OCR cell is not trusted by the checks


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def render_page(pdf_path: str, page_no: int, scale: float = SCALE):
    """Return a PIL image of one page (1-based) rendered with pypdfium2."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_path)
    try:
        return pdf[page_no - 1].render(scale=scale).to_pil()
    finally:
        pdf.close()


def ocr_image(image) -> list[tuple[tuple[float, float, float, float], str, float]]:
    """Given a PIL image, return [(bbox in pixels, text, confidence)]."""
    import numpy as np

    result, _ = _engine()(np.asarray(image.convert("RGB")))
    out = []
    for box, text, conf in result or []:
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        out.append(((min(xs), min(ys), max(xs), max(ys)), str(text), float(conf)))
    return out


def _runs(mask_1d, min_len: int) -> list[tuple[int, int]]:
    """Return (start, end) of runs of True at least ``min_len`` long."""
    runs = []
    start = None
    for i, v in enumerate(mask_1d):
        if v and start is None:
            start = i
        elif not v and start is not None:
            if i - start >= min_len:
                runs.append((start, i))
            start = None
    if start is not None and len(mask_1d) - start >= min_len:
        runs.append((start, len(mask_1d)))
    return runs


def _merge_positions(pos: list[int], gap: int = 4) -> list[int]:
    out: list[list[int]] = []
    for p in sorted(pos):
        if out and p - out[-1][-1] <= gap:
            out[-1].append(p)
        else:
            out.append([p])
    return [sum(g) // len(g) for g in out]


def find_grids(image) -> list[tuple[list[int], list[int]]]:
    """Given a page image, return ruled grids as (row boundaries y, column boundaries x) in pixels."""
    import numpy as np

    a = np.asarray(image.convert("L")) < 140
    h, w = a.shape
    # horizontal rules: rows whose longest dark run spans a good part of the page
    hy: list[tuple[int, int, int]] = []
    for y in range(h):
        row = a[y]
        if row.sum() < w * 0.25:
            continue
        for s, e in _runs(row, int(w * 0.25)):
            hy.append((y, s, e))
    if len(hy) < 2:
        return []
    ys = _merge_positions([y for y, _, _ in hy])
    # group horizontal rules into tables: consecutive rules with a gap under 12 % of page height
    groups: list[list[int]] = [[ys[0]]]
    for y in ys[1:]:
        if y - groups[-1][-1] < h * 0.12:
            groups[-1].append(y)
        else:
            groups.append([y])
    grids = []
    for g in groups:
        if len(g) < 2:
            continue
        top, bottom = g[0], g[-1]
        x0 = min(s for y, s, e in hy if top - 3 <= y <= bottom + 3)
        x1 = max(e for y, s, e in hy if top - 3 <= y <= bottom + 3)
        region = a[top:bottom + 1, :]
        # vertical rules: columns dark over a long stretch of the table height
        col_dark = []
        for x in range(max(0, x0 - 3), min(w, x1 + 4)):
            runs = _runs(region[:, x], max(8, int((bottom - top) * 0.15)))
            if runs:
                col_dark.append(x)
        xs = _merge_positions(col_dark)
        if len(xs) < 2:
            continue
        grids.append((g, xs))
    return grids


def _grid_table(grid, boxes, page_no: int) -> tuple[RawTable, set[int]]:
    ys, xs = grid
    used: set[int] = set()
    cells: dict[tuple[int, int], list[tuple[float, float, str, float]]] = {}
    for k, ((bx0, by0, bx1, by1), text, conf) in enumerate(boxes):
        cy, cx = (by0 + by1) / 2, (bx0 + bx1) / 2
        if not (ys[0] <= cy <= ys[-1] and xs[0] <= cx <= xs[-1]):
            continue
        r = max(i for i in range(len(ys) - 1) if ys[i] <= cy) if cy >= ys[0] else 0
        r = min(r, len(ys) - 2)
        c = max(i for i in range(len(xs) - 1) if xs[i] <= cx) if cx >= xs[0] else 0
        c = min(c, len(xs) - 2)
        cells.setdefault((r, c), []).append((by0, bx0, text, conf))
        used.add(k)
    rows: list[list[RawCell]] = []
    for r in range(len(ys) - 1):
        row = []
        for c in range(len(xs) - 1):
            parts = sorted(cells.get((r, c), []))
            text = "".join(p[2] for p in parts)
            conf = min((p[3] for p in parts), default=None)
            bbox = (xs[c] / SCALE, ys[r] / SCALE, xs[c + 1] / SCALE, ys[r + 1] / SCALE)
            row.append(RawCell(text=text, page=page_no, bbox=bbox, confidence=conf))
        rows.append(row)
    return RawTable(rows=rows, page=page_no, page_end=page_no, ruled=True), used


def ocr_page(page, page_no: int) -> list[RawLine | RawTable]:
    """Given a pdfplumber page with no text layer, return recognised lines and ruled tables in order."""
    image = page.to_image(resolution=int(72 * SCALE)).original
    return ocr_page_image(image, page_no)


def ocr_page_image(image, page_no: int) -> list[RawLine | RawTable]:
    boxes = ocr_image(image)
    positioned: list[tuple[float, RawLine | RawTable]] = []
    used_all: set[int] = set()
    for grid in find_grids(image):
        table, used = _grid_table(grid, boxes, page_no)
        if used and table.ncols >= 2:
            positioned.append((grid[0][0] / SCALE, table))
            used_all |= used
    rest = [b for k, b in enumerate(boxes) if k not in used_all]
    rest.sort(key=lambda b: ((b[0][1] + b[0][3]) / 2, b[0][0]))
    lines: list[RawLine] = []
    for (x0, y0, x1, y1), text, conf in rest:
        bbox = (x0 / SCALE, y0 / SCALE, x1 / SCALE, y1 / SCALE)
        prev = lines[-1] if lines else None
        if prev and prev.bbox and abs((prev.bbox[1] + prev.bbox[3]) / 2 - (bbox[1] + bbox[3]) / 2) < 6:
            pb = prev.bbox
            prev.text = prev.text + " " + text
            prev.bbox = (min(pb[0], bbox[0]), min(pb[1], bbox[1]), max(pb[2], bbox[2]), max(pb[3], bbox[3]))
            prev.confidence = min(prev.confidence or 1.0, conf)
            continue
        lines.append(RawLine(text=text, page=page_no, bbox=bbox, confidence=conf))
    positioned += [(ln.bbox[1], ln) for ln in lines if ln.bbox]
    return in_reading_order(positioned)
