"""OCR on image-only PDFs rasterised from the sample PDFs by the test itself."""

from __future__ import annotations

import io

import pytest
from conftest import PDF

from assistant.pipeline import load_document
from assistant.readers import read_file
from assistant.readers.ocr import LOW_CONFIDENCE, render_page
from assistant.settings import Settings

PAGES = [5]  # 收入支出决算总表 of 中共上海市普陀区委社会工作部


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    images = [render_page(str(PDF["shegong"]), n, scale=2.0).convert("RGB") for n in PAGES]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=144)
    p = tmp_path_factory.mktemp("scan") / "扫描版 社会工作部.pdf"
    p.write_bytes(buf.getvalue())
    return p


@pytest.fixture(scope="module")
def ocr_raw(scanned):
    return read_file(scanned, ocr=True)


def test_scanned_pages_are_detected_and_ocred(ocr_raw):
    assert ocr_raw.pages_without_text == [1]
    assert ocr_raw.ocr_pages == [1]
    assert any("收入支出决算总表" in ln.text for ln in ocr_raw.lines)
    assert all(ln.confidence is not None for ln in ocr_raw.lines)


def test_ocr_rebuilds_the_ruled_grid(ocr_raw):
    original = [t for t in read_file(PDF["shegong"]).tables if t.page == 5][0]
    (table,) = ocr_raw.tables
    assert table.ncols == original.ncols
    assert len(table.rows) == len(original.rows)
    agree = total = 0
    for r_o, r_s in zip(original.rows, table.rows, strict=True):
        for c_o, c_s in zip(r_o, r_s, strict=True):
            if c_s.confidence is not None and c_s.confidence >= LOW_CONFIDENCE:
                total += 1
                agree += c_o.text.replace(" ", "") == c_s.text.replace(" ", "")
    assert total >= 40
    assert agree / total >= 0.97, (agree, total)


def test_ocr_cells_carry_confidence_into_the_document(scanned):
    doc = load_document(scanned, Settings(ocr=True))
    cells = [c for t in doc.tables for c in t.cells() if c.is_number]
    assert cells and all(c.source.ocr_confidence is not None for c in cells)
    values = {c.text for c in cells}
    assert "307.82" in values and "264.87" in values
