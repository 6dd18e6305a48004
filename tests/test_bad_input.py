"""The bad-input catalogue at the reader level: each file gets a clear Chinese message naming it."""

from __future__ import annotations

import io

import pytest
from conftest import PDF

from assistant.errors import UnreadableDocument
from assistant.pipeline import load_document
from assistant.readers import read_file
from assistant.settings import Settings


def _blank_pdf(path, pages: int) -> None:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    with open(path, "wb") as fh:
        w.write(fh)


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    src = PdfReader(str(PDF["shegong"]))
    w = PdfWriter()
    w.add_page(src.pages[0])
    w.encrypt(user_password="secret", owner_password="owner")
    p = tmp_path / "加密 报告.pdf"
    with open(p, "wb") as fh:
        w.write(fh)
    with pytest.raises(UnreadableDocument, match="加密") as exc:
        read_file(p)
    assert "加密 报告.pdf" in str(exc.value)


def test_zero_page_pdf(tmp_path):
    p = tmp_path / "零页.pdf"
    _blank_pdf(p, 0)
    with pytest.raises(UnreadableDocument, match="0 页"):
        read_file(p)


def test_truncated_pdf(tmp_path):
    data = PDF["shegong"].read_bytes()
    p = tmp_path / "截断.pdf"
    p.write_bytes(data[: len(data) // 50])
    with pytest.raises(UnreadableDocument) as exc:
        load_document(p, Settings(ocr=False))
    assert "截断.pdf" in str(exc.value)


def test_page_limit(tmp_path):
    p = tmp_path / "三百页.pdf"
    _blank_pdf(p, 300)
    with pytest.raises(UnreadableDocument, match="300 页"):
        read_file(p, max_pages=200)


def test_size_limit(tmp_path):
    p = tmp_path / "大文件.txt"
    p.write_text("收入\t1\n" * 200_000, encoding="utf-8")
    with pytest.raises(UnreadableDocument, match="超过上限"):
        read_file(p, max_bytes=1024 * 1024)


def test_image_only_pdf_is_reported_without_ocr(tmp_path):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(img).rectangle((50, 50, 550, 120), outline="black")
    p = tmp_path / "扫描件.pdf"
    buf = io.BytesIO()
    img.save(buf, format="PDF")
    p.write_bytes(buf.getvalue())
    raw = read_file(p, ocr=False)
    assert raw.pages_without_text == [1]
    assert any("没有文字层" in w for w in raw.warnings)


def test_wrong_extension_text_named_pdf(tmp_path):
    p = tmp_path / "其实是文本.pdf"
    p.write_text("收入决算表\n", encoding="utf-8")
    with pytest.raises(UnreadableDocument, match="不是 PDF"):
        read_file(p)


def test_pdf_with_txt_extension_is_read_as_pdf(tmp_path):
    p = tmp_path / "报告 （全角）.txt"
    p.write_bytes(PDF["shegong"].read_bytes())
    raw = read_file(p)
    assert raw.source_format == "pdf" and raw.page_count == 24


def test_whitespace_only_text(tmp_path):
    p = tmp_path / "空白.txt"
    p.write_text("   \n\n \t \n", encoding="utf-8")
    with pytest.raises(UnreadableDocument, match="没有任何文字"):
        read_file(p)
