"""OCR for pages with no text layer (rapidocr-onnxruntime, Chinese PP-OCR models shipped in its wheel).

Recognised boxes become lines (grouped by baseline) carrying their recognition confidence; a page
rendered at ``scale`` × 72 dpi. Coordinates are mapped back to PDF points so previews can highlight.
"""

from __future__ import annotations

from functools import lru_cache

from .raw import RawLine

SCALE = 2.0


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def render_page(pdf_path: str, page_no: int, scale: float = SCALE):
    """Return a PIL image of one page (1-based) rendered with pypdfium2."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_path)
    try:
        page = pdf[page_no - 1]
        return page.render(scale=scale).to_pil()
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
        out.append(((min(xs), min(ys), max(xs), max(ys)), text, float(conf)))
    return out


def ocr_page(page, page_no: int) -> list[RawLine]:
    """Given a pdfplumber page with no text layer, return its recognised lines in reading order."""
    image = page.to_image(resolution=int(72 * SCALE)).original
    boxes = ocr_image(image)
    boxes.sort(key=lambda b: ((b[0][1] + b[0][3]) / 2, b[0][0]))
    lines: list[RawLine] = []
    for (x0, y0, x1, y1), text, conf in boxes:
        bbox = (x0 / SCALE, y0 / SCALE, x1 / SCALE, y1 / SCALE)
        if lines and lines[-1].bbox and abs((lines[-1].bbox[1] + lines[-1].bbox[3]) / 2 - (bbox[1] + bbox[3]) / 2) < 6:
            prev = lines[-1]
            pb = prev.bbox or bbox
            prev.text = prev.text + " " + text
            prev.bbox = (min(pb[0], bbox[0]), min(pb[1], bbox[1]), max(pb[2], bbox[2]), max(pb[3], bbox[3]))
            prev.confidence = min(prev.confidence or 1.0, conf)
            continue
        lines.append(RawLine(text=text, page=page_no, bbox=bbox, confidence=conf))
    return lines
