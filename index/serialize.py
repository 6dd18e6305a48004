"""Document ⇄ plain dict (the SQLite library stores ``Document.to_dict()`` and reads it back)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from assistant.documents import Cell, Document, Figure, Paragraph, Row, Source, Table

_new = object.__new__


def _source(d: dict[str, Any] | None, document: str = "") -> Source:
    # a frozen dataclass built by filling its __dict__ (its generated __init__ calls object.__setattr__ per field;
    # a library read puts tens of thousands of sources through here)
    d = d or {}
    src = _new(Source)
    vals = src.__dict__
    vals["document"] = d.get("document", document)
    vals["page"] = d.get("page")
    vals["line"] = d.get("line")
    vals["table"] = d.get("table")
    vals["row"] = d.get("row")
    vals["column"] = d.get("column")
    bbox = d.get("bbox")
    vals["bbox"] = tuple(bbox) if bbox else None
    vals["ocr_confidence"] = d.get("ocr_confidence")
    return src


def _dec(v: Any) -> Decimal | None:
    if v is None or v == "":
        return None
    return Decimal(v) if isinstance(v, str) else Decimal(str(v))


def cell_from_dict(d: dict[str, Any]) -> Cell:
    cell = _new(Cell)
    vals = cell.__dict__
    vals["text"] = d.get("text", "")
    vals["value"] = _dec(d.get("value"))
    vals["unit"] = d.get("unit")
    vals["kind"] = d.get("kind", "text")
    vals["source"] = _source(d.get("source"))
    return cell


def row_from_dict(d: dict[str, Any]) -> Row:
    return Row(label=d.get("label", ""), cells={k: cell_from_dict(c) for k, c in (d.get("cells") or {}).items()},
               role=d.get("role", "item"), code=d.get("code"), level=d.get("level"), side=d.get("side"),
               page=d.get("page"), line=d.get("line"), attrs=dict(d.get("attrs") or {}))


def table_from_dict(d: dict[str, Any]) -> Table:
    return Table(id=d["id"], kind=d.get("kind", "generic"), title=d.get("title", ""), unit=d.get("unit"),
                 columns=list(d.get("columns") or []), rows=[row_from_dict(r) for r in d.get("rows") or []],
                 page=d.get("page"), page_end=d.get("page_end"), line=d.get("line"), meta=dict(d.get("meta") or {}),
                 warnings=list(d.get("warnings") or []))


def figure_from_dict(d: dict[str, Any]) -> Figure:
    return Figure(subject=d.get("subject", ""), value=Decimal(str(d.get("value", "0"))), unit=d.get("unit"),
                  kind=d.get("kind", "amount"), relation=d.get("relation", "value"), text=d.get("text", ""),
                  sentence=d.get("sentence", ""), source=_source(d.get("source")), section=d.get("section", ""),
                  direction=int(d.get("direction") or 0))


def document_from_dict(d: dict[str, Any]) -> Document:
    return Document(
        id=d["id"], name=d.get("name", ""), path=d.get("path", ""), sha256=d.get("sha256", ""),
        source_format=d.get("source_format", "text"), doc_type=d.get("type", d.get("doc_type", "other")),
        title=d.get("title", ""), year=d.get("year"), department=d.get("department", ""),
        page_count=int(d.get("pages", d.get("page_count", 0)) or 0),
        pages_without_text=list(d.get("pages_without_text") or []), ocr_pages=list(d.get("ocr_pages") or []),
        tables=[table_from_dict(t) for t in d.get("tables") or []],
        figures=[figure_from_dict(f) for f in d.get("figures") or []],
        paragraphs=[Paragraph(text=p.get("text", ""), page=p.get("page"), line=p.get("line"),
                              section=p.get("section", "")) for p in d.get("paragraphs") or []],
        warnings=list(d.get("warnings") or []),
    )
