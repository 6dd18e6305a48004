"""Tab 项目核查: pick a document and a project (self-eval table, indicator group, results-list row) → its
figures with the recomputed values side by side, and its findings."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gradio as gr

from ..documents import Document, Row, Table, normalize_label
from .common import doc_choices, handler
from .preview import table_ref
from .render import esc, html_table, severity_badge

PROJECT_KINDS = ("self_eval", "score_table", "score_summary", "results_list", "project_list")


def _table_name(t: Table) -> str:
    name = t.meta.get("项目名称") or t.meta.get("project") or t.title or t.kind_name
    where = f"第{t.page}页" if t.page else (f"第{t.line}行" if t.line else "")
    return f"{t.kind_name}：{name} {where}".strip()


def project_choices(doc: Document) -> list[tuple[str, str]]:
    """Return (label, key) for each project of a document: a self-eval or score table as a whole, each row
    of a results list, and — when the document has none of those — every table."""
    out: list[tuple[str, str]] = []
    for t in doc.tables:
        if t.kind == "results_list":
            for i, r in enumerate(t.rows):
                if r.role not in ("header", "total") and r.label:
                    out.append((f"评价结果公开表：{r.label}", f"{t.id}#{i}"))
        elif t.kind in PROJECT_KINDS:
            out.append((_table_name(t), t.id))
    if not out:
        out = [(f"{t.id} {_table_name(t)}", t.id) for t in doc.tables]
    return out


def _split(key: str, doc: Document) -> tuple[Table, list[Row]]:
    tid, _, idx = key.partition("#")
    table = next((t for t in doc.tables if t.id == tid), None)
    if table is None:
        raise gr.Error(f"文档中没有表“{tid}”，请重新选择项目。", title="项目不存在")
    rows = [table.rows[int(idx)]] if idx else table.rows
    return table, rows


def _matches(loc: dict[str, Any], table: Table, rows: list[Row]) -> bool:
    if table_ref(loc.get("table")) not in (table.id, table.kind, table.title):
        return False
    if len(rows) == len(table.rows) or not loc.get("row"):
        return True
    return any(normalize_label(loc["row"]) == normalize_label(r.label) for r in rows)


def project_view(doc: Document, key: str, findings: list[dict[str, Any]]) -> tuple[str, str]:
    """Return (figures HTML, findings HTML) for one project."""
    table, rows = _split(key, doc)
    mine = [f for f in findings if any(_matches(loc, table, rows) for loc in f.get("locations") or [])]
    recomputed: dict[tuple[str, str], dict[str, Any]] = {}
    used: set[tuple[str, str]] = set()
    for f in mine:
        for i, loc in enumerate(f.get("locations") or []):
            if loc.get("row") and loc.get("column") and _matches(loc, table, rows):
                key = (normalize_label(loc["row"]), loc["column"])
                if i == 0:
                    recomputed[key] = f
                else:
                    used.add(key)
    cols = [c for c in table.columns if any(c in r.cells for r in rows)]
    body = []
    for r in rows:
        cells = [esc(r.label)]
        for c in cols:
            cell = r.cells.get(c)
            text = esc(cell.text) if cell else ""
            key = (normalize_label(r.label), c)
            f = recomputed.get(key)
            if f is not None:
                text = (f'<span class="diff">{text}<br>复核：{esc(f.get("expected"))}'
                        f'（差 {esc(f.get("difference"))}）</span>')
            elif key in used:
                text = f'<span class="used">{text}</span>'
            cells.append(text)
        body.append(cells)
    unit = f"（单位：{esc(table.unit)}）" if table.unit else ""
    head = (f"<h4>{esc(_table_name(table))}{unit}</h4>"
            f"<p>红底：复核不一致的数字（上为报表列示数，下为复核计算值）；蓝底：参与复核计算的数字。</p>")
    figures = head + html_table(["行"] + cols, body, cls="grid project", raw_columns=range(len(cols) + 1))
    if not mine:
        return figures, "<p>该项目未发现问题。</p>"
    rows_html = [[severity_badge(f.get("severity", "")), esc(f.get("rule")), esc(f.get("message")),
                  esc(f.get("formula")), esc(f.get("reported")), esc(f.get("expected")), esc(f.get("difference"))]
                 for f in mine]
    return figures, html_table(["严重程度", "规则", "问题", "复核公式", "列示数", "复核数", "差异"], rows_html,
                               raw_columns=range(7))


def project_name(doc: Document, key: str) -> str | None:
    """Return the project's name for a recomputation question (self-eval table or results-list row)."""
    table, rows = _split(key, doc)
    if table.kind == "results_list" and len(rows) == 1:
        return rows[0].label
    if table.kind == "self_eval":
        return table.meta.get("项目名称") or None
    return None


def recompute_html(services: Any, doc: Document, key: str) -> str:
    """Return the answering engine's recomputation of the project (escaped), or an empty string."""
    name = project_name(doc, key)
    if not name:
        return ""
    try:
        result = services.ask(f"复核一下“{name}”", document=doc.id)
    except Exception:  # the figures and findings above still stand without the recomputation
        return ""
    if not result.get("found"):
        return ""
    lines = "".join(f"<li>{esc(line)}</li>" for line in str(result.get("answer", "")).splitlines() if line.strip())
    return f'<div class="finding-card"><b>复算（确定性引擎）</b><ul>{lines}</ul></div>'


def build(services: Any) -> SimpleNamespace:
    """Build the tab; return its components."""
    with gr.Row():
        doc_pick = gr.Dropdown(choices=doc_choices(services, with_all=False), value=None, label="文档",
                               elem_id="project-doc")
        proj_pick = gr.Dropdown(choices=[], value=None, label="项目 / 指标组 / 表", elem_id="project-pick")
    figures = gr.HTML("<p>先选择文档，再选择项目。</p>", elem_id="project-figures")
    recomputed = gr.HTML("", elem_id="project-recompute")
    gr.Markdown("#### 该项目的问题")
    issues = gr.HTML("", elem_id="project-findings")

    @handler
    def pick_doc(doc_id):
        if not doc_id:
            return gr.update(choices=[], value=None), "<p>先选择文档，再选择项目。</p>", "", ""
        choices = project_choices(services.document(doc_id))
        return gr.update(choices=choices, value=None), f"<p>该文档有 {len(choices)} 个可核查项目。</p>", "", ""

    @handler
    def pick_project(doc_id, key):
        if not doc_id or not key:
            return gr.update(), gr.update(), gr.update()
        doc = services.document(doc_id)
        figs, found = project_view(doc, key, services.findings(doc_id))
        return figs, recompute_html(services, doc, key), found

    doc_pick.change(pick_doc, [doc_pick], [proj_pick, figures, recomputed, issues])
    proj_pick.change(pick_project, [doc_pick, proj_pick], [figures, recomputed, issues])
    return SimpleNamespace(doc_pick=doc_pick)
