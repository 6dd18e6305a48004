"""Text/markdown exports → RawDocument.

Handles tab-separated rows, one-cell-per-line rows (a leading tab, rows separated by blank lines),
markdown pipe tables, ``<p>`` HTML remnants and LaTeX remnants (``\\geq``, ``$\\geq 90\\%$``), and
tables broken by blank lines or page breaks. Text exports have no pages: provenance is the line.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..errors import UnreadableDocument
from .raw import RawCell, RawDocument, RawLine, RawTable, file_sha256

_LATEX = [
    (re.compile(r"\\text\{([^}]*)\}"), r"\1"),
    (re.compile(r"\\geq?\b|\\geqslant\b"), "≥"),
    (re.compile(r"\\leq?\b|\\leqslant\b"), "≤"),
    (re.compile(r"\\times\b"), "×"),
    (re.compile(r"\\div\b"), "÷"),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\left|\\right"), ""),
    (re.compile(r"\\frac\{([^}]*)\}\{([^}]*)\}"), r"(\1)/(\2)"),
]
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_TAG = re.compile(r"</?(p|br|span|div|td|tr|th|b|i|strong|em)\b[^>]*>", re.I)


def decode_bytes(data: bytes, name: str) -> str:
    """Return the text of an export in UTF-8 (with or without BOM), UTF-16 or GB18030/GBK."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(f"文件“{name}”含有二进制内容，不是文本导出文件，也不是 PDF。")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return text
    raise UnreadableDocument(f"文件“{name}”的文字编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）。")


def clean_line(text: str) -> str:
    """Given one line of an export, return it with HTML and LaTeX remnants turned into plain text."""
    s = text
    if "<" in s:
        s = _TAG.sub(" ", s)
    if "&" in s:
        s = html.unescape(s)
    if "\\" in s or "$" in s:
        for pat, rep in _LATEX:
            s = pat.sub(rep, s)
        s = s.replace("$", "")
        s = re.sub(r"\\[a-zA-Z]+", "", s)
    return s


def _is_toc_row(cells: list[str]) -> bool:
    # a 目录 line is “heading<TAB>page”; a table row with blank cells (“3.公务接待费\t6\t\t\t”) is not
    if len(cells) > 3:
        return False
    nonempty = [c for c in cells if c.strip()]
    return len(nonempty) == 2 and re.fullmatch(r"\d{1,3}", nonempty[-1].strip()) is not None and re.fullmatch(
        r"[\d.,%]+", nonempty[0].strip()) is None and re.search(r"[\u4e00-\u9fff]", nonempty[0]) is not None


def _split_row(line: str) -> list[str] | None:
    if line.lstrip().startswith("|") and line.rstrip().endswith("|") and line.count("|") >= 3:
        parts = [p.strip() for p in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", p) for p in parts if p):
            return []  # markdown separator row
        return parts
    if "\t" in line:
        return [p.strip() for p in line.split("\t")]
    return None


def read_text(path: Path) -> RawDocument:
    """Given a text export path, return its RawDocument with lines and tables in order."""
    data = path.read_bytes()
    text = decode_bytes(data, path.name)
    if not text.strip():
        raise UnreadableDocument(f"文件“{path.name}”没有任何文字内容。")
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    doc = RawDocument(path=str(path), name=path.name, sha256=file_sha256(path), source_format="text",
                      page_count=1)
    items: list[RawLine | RawTable] = []
    recent: list[str] = []
    i = 0
    n = len(raw_lines)
    while i < n:
        line = clean_line(raw_lines[i])
        cells = _split_row(line)
        if cells is None or _is_toc_row(cells):
            stripped = _MD_HEADING.sub("", line.strip())
            if stripped:
                items.append(RawLine(text=stripped, line=i + 1))
                recent.append(stripped)
                recent = recent[-8:]
            i += 1
            continue
        # a table starts here
        table = RawTable(rows=[], line=i + 1, context=list(recent))
        single_cell_mode = sum(1 for c in cells if c) <= 1 and line.startswith("\t")
        current: list[RawCell] = []
        blank_run = 0
        j = i
        while j < n:
            ln = clean_line(raw_lines[j])
            if not ln.strip():
                blank_run += 1
                if single_cell_mode and current:
                    table.rows.append(current)
                    current = []
                if blank_run > 2:
                    break
                j += 1
                continue
            cs = _split_row(ln)
            if cs is None:
                break
            if _is_toc_row(cs):
                break
            blank_run = 0
            if cs == []:
                j += 1
                continue
            if single_cell_mode and sum(1 for c in cs if c) <= 1 and ln.startswith("\t"):
                current.append(RawCell(text=next((c for c in cs if c), ""), line=j + 1))
            else:
                if current:
                    table.rows.append(current)
                    current = []
                table.rows.append([RawCell(text=c, line=j + 1) for c in cs])
            j += 1
        if current:
            table.rows.append(current)
        # trailing blank lines are not part of the table
        if items and isinstance(items[-1], RawTable) and not recent:
            # only blank lines since the previous table: the same table continued after a page break
            items[-1].rows.extend(table.rows)
            i = j
            continue
        items.append(table)
        recent = []
        i = j
    doc.items = items
    return doc
