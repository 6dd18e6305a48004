"""Extraction: RawDocument → Document with typed tables, paragraphs (with section path) and figures.

Family parsers are registered in ``PARSERS`` by table kind; each takes the raw table and returns a
typed :class:`~assistant.documents.Table`. Unknown families fall back to the generic parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..documents import Document, Paragraph, Table
from ..readers.raw import RawDocument, RawLine, RawTable
from .classify import classify_table
from .generic import parse_generic

Parser = Callable[..., Table]
PARSERS: dict[str, Parser] = {}


def register(*kinds: str):
    def deco(fn: Parser) -> Parser:
        for k in kinds:
            PARSERS[k] = fn
        return fn

    return deco


def _load_family_parsers() -> None:
    # imported for their @register side effects
    from . import final_accounts, performance  # noqa: F401


_HEADING = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[、.．](?!\d))")


def heading_level(text: str) -> int | None:
    """Return 1–4 for a section heading line (第X部分 / 一、 / （一） / 1.), None for body text."""
    s = text.strip()
    if len(s) > 60 or s.endswith(("。", "；", ";")):
        return None
    m = _HEADING.match(s)
    if not m:
        return None
    tok = m.group(1)
    if tok.startswith("第"):
        return 1
    if tok.endswith("、") and not tok[0].isdigit():
        return 2
    if tok.startswith(("（", "(")):
        return 3
    return 4


def document_id(name: str, sha256: str) -> str:
    return sha256[:12]


def _page_right_edges(raw: RawDocument) -> dict[int | None, float]:
    edges: dict[int | None, float] = {}
    for it in raw.items:
        if isinstance(it, RawLine) and it.bbox is not None:
            edges[it.page] = max(edges.get(it.page, 0.0), it.bbox[2])
    return edges


# text that cannot open a paragraph: a level marker or punctuation continuing the line before
_CONTINUES = re.compile(r"[（(](类|款|项)[）)]|[，,。；;、：:）)]")


def build_paragraphs(raw: RawDocument) -> list[Paragraph]:
    """Merge wrapped lines into paragraphs and attach the heading path to each.

    Text exports carry one paragraph per line. PDF lines wrap: a line reaching the right margin
    continues in the next line; a shorter line ends its paragraph; a full-width line is never a heading.
    """
    paras: list[Paragraph] = []
    path: dict[int, str] = {}
    buf: list[RawLine] = []
    right = _page_right_edges(raw)

    def flush() -> None:
        if not buf:
            return
        text = "".join(b.text for b in buf)
        sec = " / ".join(path[k] for k in sorted(path))
        prev = paras[-1] if paras else None
        if (raw.source_format == "pdf" and prev is not None and prev.page != buf[0].page
                and _CONTINUES.match(text.lstrip()) and not re.search(r"[。；！？!?]$", prev.text.rstrip())):
            # “…财政事务（款）信息化建设” at the foot of a page, “（项）。主要用于…” at the top of the next: one item
            prev.text = prev.text.rstrip() + text.lstrip()
            buf.clear()
            return
        paras.append(Paragraph(text=text, page=buf[0].page, line=buf[0].line, section=sec, bbox=buf[0].bbox))
        buf.clear()

    for it in raw.items:
        if isinstance(it, RawTable):
            flush()
            continue
        full = (raw.source_format == "pdf" and it.bbox is not None
                and it.bbox[2] >= right.get(it.page, 0.0) - 16)
        lvl = None if (full or buf) else heading_level(it.text)
        if lvl is not None:
            flush()
            for k in [k for k in path if k >= lvl]:
                del path[k]
            path[lvl] = it.text.strip()
            paras.append(Paragraph(text=it.text.strip(), page=it.page, line=it.line,
                                   section=" / ".join(path[k] for k in sorted(path)), bbox=it.bbox))
            continue
        buf.append(it)
        if raw.source_format != "pdf" or not full:
            flush()
    flush()
    return paras


def detect_doc_type(doc: Document, head_text: str) -> str:
    """Return the report family from the opening text first, then from the table kinds found."""
    kinds = {t.kind for t in doc.tables}
    finals = {k for k in kinds if k.startswith("final_")}
    head = re.sub(r"\s+", "", head_text[:600])
    if "部门决算" in head[:400] or len(finals) >= 3:
        return "final_accounts"
    if re.search(r"自评(总)?报告", head):
        return "self_eval_report"
    if re.search(r"评价结果.{0,12}公开|评价工作情况公开表", head) or ("results_list" in kinds and len(doc.tables) <= 2):
        return "results_list"
    if re.search(r"评价报告|绩效评价", head):
        return "evaluation_report"
    return "other"


def detect_year(text: str) -> int | None:
    m = re.search(r"(20\d{2})\s*年\s*度?", text)
    return int(m.group(1)) if m else None


def _standalone_year(paras: list[Paragraph]) -> int | None:
    for p in paras:
        m = re.fullmatch(r"\s*(20\d{2})\s*", p.text)
        if m:
            return int(m.group(1))
    return None


def detect_department(text: str, doc_type: str) -> str:
    m = re.search(r"部门[:：]\s*(\S+)", text)
    if m:
        return m.group(1)
    m = re.search(r"^(.*?)\s*(20\d{2})\s*年\s*度?", text.strip())
    if m and m.group(1):
        return re.sub(r"\s+", "", m.group(1))
    return ""


def extract_document(raw: RawDocument) -> Document:
    """Given a RawDocument, return the typed Document (tables, paragraphs, narrative figures)."""
    _load_family_parsers()
    from .narrative import extract_figures

    doc_id = document_id(raw.name, raw.sha256)
    doc = Document(id=doc_id, name=raw.name, path=raw.path, sha256=raw.sha256, source_format=raw.source_format,
                   page_count=raw.page_count, pages_without_text=list(raw.pages_without_text),
                   ocr_pages=list(raw.ocr_pages), warnings=list(raw.warnings))
    from .performance import join_split_tables

    raw.items = join_split_tables(raw.items)  # indicator tables split by page headers → one table
    n = 0
    for it in raw.items:
        if not isinstance(it, RawTable) or not it.rows:
            continue
        n += 1
        kind, title = classify_table(it)
        table_id = f"T{n}"
        parser = PARSERS.get(kind)
        table: Table | None = None
        if parser is not None:
            try:
                table = parser(it, doc_id=doc_id, table_id=table_id, kind=kind, title=title)
            except Exception as exc:  # keep the document; report the table
                doc.warnings.append(f"表{table_id}（{title or kind}）按“{kind}”解析失败：{exc}；已按通用表格读取。")
                table = None
        if table is None:
            table = parse_generic(it, doc_id=doc_id, table_id=table_id, kind=kind if parser is None else "generic",
                                  title=title)
        doc.tables.append(table)
    from .performance import reconcile_indicator_tables

    reconcile_indicator_tables(doc.tables)  # a scoring annex's lost 二级 labels, from the 指标体系
    doc.paragraphs = build_paragraphs(raw)
    head = "".join(p.text for p in doc.paragraphs[:12])
    doc.title = next((p.text for p in doc.paragraphs[:6] if len(p.text) >= 6 and not p.text.startswith("目")), "")
    doc.doc_type = detect_doc_type(doc, head)
    doc.year = detect_year(doc.title) or detect_year(head) or _standalone_year(doc.paragraphs[:12])
    doc.department = detect_department(doc.title or head, doc.doc_type)
    doc.figures = extract_figures(doc)
    return doc
