"""The raw layer between a file and typed extraction: lines and table grids with provenance."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class RawCell:
    text: str
    page: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None


@dataclass
class RawLine:
    text: str
    page: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None


@dataclass
class RawTable:
    rows: list[list[RawCell]]
    page: int | None = None
    page_end: int | None = None
    line: int | None = None
    context: list[str] = field(default_factory=list)  # the lines just before the table (title, 单位 …)
    ruled: bool = False

    @property
    def ncols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def texts(self) -> list[list[str]]:
        return [[c.text for c in r] for r in self.rows]


@dataclass
class RawDocument:
    path: str
    name: str
    sha256: str
    source_format: str  # pdf | text
    page_count: int
    items: list[RawLine | RawTable] = field(default_factory=list)
    pages_without_text: list[int] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[RawLine]:
        return [i for i in self.items if isinstance(i, RawLine)]

    @property
    def tables(self) -> list[RawTable]:
        return [i for i in self.items if isinstance(i, RawTable)]


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def in_reading_order(positioned: list[tuple[float, RawLine | RawTable]]) -> list[RawLine | RawTable]:
    """Given (top, item) pairs of one page, return the items top to bottom, giving each table the
    lines just above it (title, 单位 …) as its context."""
    out: list[RawLine | RawTable] = []
    recent: list[str] = []
    for _, it in sorted(positioned, key=lambda p: p[0]):
        if isinstance(it, RawTable):
            it.context = list(recent)
            recent = []
        else:
            recent = (recent + [it.text])[-8:]
        out.append(it)
    return out
