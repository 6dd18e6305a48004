"""File → Document: the one entry point that reads and extracts a report."""

from __future__ import annotations

from pathlib import Path

from .documents import Document
from .extract import extract_document
from .readers import read_file
from .settings import Settings


def load_document(path: str | Path, settings: Settings | None = None) -> Document:
    """Given a report path, return its extracted Document. Raises UnreadableDocument for bad files."""
    s = settings or Settings()
    raw = read_file(path, max_bytes=s.max_file_mb * 1024 * 1024, max_pages=s.max_pages, ocr=s.ocr)
    return extract_document(raw)
