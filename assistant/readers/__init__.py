"""Readers: file → RawDocument (lines and raw table grids in reading order, with provenance).

``read_file`` picks the reader by content, not by extension, and raises ``UnreadableDocument`` with a
Chinese message naming the file and the problem.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UnreadableDocument
from .raw import RawDocument, file_sha256

__all__ = ["read_file", "RawDocument", "file_sha256"]


def read_file(path: str | Path, *, max_bytes: int | None = None, max_pages: int | None = None,
              ocr: bool = False) -> RawDocument:
    """Given a path to a PDF or text export, return its RawDocument."""
    p = Path(path)
    name = p.name
    if not p.exists():
        raise UnreadableDocument(f"文件“{name}”不存在。")
    if p.is_dir():
        raise UnreadableDocument(f"“{name}”是文件夹，不是报告文件。")
    size = p.stat().st_size
    if size == 0:
        raise UnreadableDocument(f"文件“{name}”是空文件（0 字节），没有可读取的内容。")
    if max_bytes is not None and size > max_bytes:
        raise UnreadableDocument(
            f"文件“{name}”大小 {size / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB。")
    with p.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" in head:
        from .pdf import read_pdf

        return read_pdf(p, max_pages=max_pages, ocr=ocr)
    if p.suffix.lower() == ".pdf":
        raise UnreadableDocument(f"文件“{name}”扩展名为 .pdf，但内容不是 PDF（缺少 %PDF 文件头），文件可能已损坏或类型错误。")
    from .text import read_text

    return read_text(p)
