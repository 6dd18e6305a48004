"""Tab 问题清单: findings with filters, location preview, and the “not checked” list beside."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gradio as gr

from ..review import location_text
from .common import ALL, doc_choices, handler, preview_updates, scope
from .render import SEVERITY_NAMES, esc, severity_badge
from .services import rule_family

FINDING_HEADERS = ["严重程度", "规则", "问题", "列示数", "复核数", "差异", "文档"]
FINDING_WIDTHS = ["72px", "110px", "46%", "90px", "90px", "80px", "22%"]
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
FAMILY_NAMES = {"final_accounts": "决算表内核对", "final_cross": "决算表间核对", "narrative": "情况说明与表格核对",
                "performance": "绩效评价核对", "self_eval": "自评表核对", "results_list": "评价结果公开表核对"}
SEVERITY_CHOICES = [("严重", "error"), ("一般", "warning"), ("提示", "info")]


def filter_findings(findings: list[dict[str, Any]], severities: list[str] | None, family: str | None):
    """Return the findings whose severity is selected and whose rule family matches."""
    sev = set(severities or [])
    return [f for f in findings if (not sev or f.get("severity") in sev)
            and (not family or family == ALL or rule_family(f.get("rule", "")) == family)]


def finding_row(f: dict[str, Any]) -> list[Any]:
    return [SEVERITY_NAMES.get(f.get("severity", ""), f.get("severity", "")), f.get("rule", ""),
            f.get("message", ""), f.get("reported", ""), f.get("expected", ""), f.get("difference", ""),
            f.get("document", "")]


def finding_detail(f: dict[str, Any]) -> str:
    """Return the escaped detail card of one finding: message, formula, values, locations."""
    rows = [("问题", f.get("message")), ("复核公式", f.get("formula")),
            ("列示 / 复核 / 差异", f"{f.get('reported') or '—'} / {f.get('expected') or '—'} / {f.get('difference') or '—'}"),
            ("位置", location_text(f)), ("文档", f.get("document")), ("规则", f.get("rule"))]
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows if v)
    return f'<div class="finding-card">{severity_badge(f.get("severity", ""))}<table class="grid">{body}</table></div>'



def family_choices(services: Any) -> list[tuple[str, str]]:
    fams = sorted({rule_family(f.get("rule", "")) for f in services.findings()} - {""})
    return [("全部规则", ALL)] + [(FAMILY_NAMES.get(f, f), f) for f in fams]


def build(services: Any) -> SimpleNamespace:
    """Build the tab; return its components and a refresh function."""
    shown = gr.State([])
    with gr.Row():
        doc_pick = gr.Dropdown(choices=doc_choices(services), value=ALL, label="文档", elem_id="findings-doc")
        sev_pick = gr.CheckboxGroup(choices=SEVERITY_CHOICES, value=["error", "warning", "info"], label="严重程度")
        fam_pick = gr.Dropdown(choices=family_choices(services), value=ALL, label="规则类别")
        refresh = gr.Button("刷新", size="sm", elem_id="findings-refresh")
    summary = gr.Markdown("")
    with gr.Row():
        with gr.Column(scale=3):
            table = gr.Dataframe(headers=FINDING_HEADERS, value=[], interactive=False, wrap=True,
                                 label="发现的问题（点击一行查看位置）", elem_id="findings-table", max_height=420,
                                 column_widths=FINDING_WIDTHS)
        with gr.Column(scale=1):
            nc_table = gr.Dataframe(headers=["未核查项", "原因", "文档"], value=[], interactive=False, wrap=True,
                                    label="未核查事项（无法核对的规则及原因）", elem_id="not-checked-table",
                                    max_height=420, column_widths=["90px", "60%", "30%"])
    detail = gr.HTML("", elem_id="finding-detail")
    img = gr.Image(label="位置预览", interactive=False, visible=False, elem_id="findings-preview-img", format="png")
    info = gr.HTML("<p>点击一条问题即可在此查看原文位置。</p>", elem_id="findings-preview")

    @handler
    def load(doc, sevs, fam):
        found = filter_findings(services.findings(scope(doc)), sevs, fam)
        found.sort(key=lambda f: (SEVERITY_RANK.get(f.get("severity", ""), 3), f.get("document", "")))
        nc = services.not_checked(scope(doc))
        counts = {s: sum(1 for f in found if f.get("severity") == s) for s in ("error", "warning", "info")}
        text = (f"共 {len(found)} 个问题：严重 {counts['error']}，一般 {counts['warning']}，提示 {counts['info']}；"
                f"未核查事项 {len(nc)} 项。")
        nc_rows = [[n.get("rule", "") or n.get("check", ""), n.get("reason", "") or n.get("message", ""),
                    n.get("document", "")] for n in nc]
        return [finding_row(f) for f in found], nc_rows, text, found

    @handler
    def select(found, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        if row is None or row >= len(found):
            return gr.update(), gr.update(), gr.update()
        f = found[row]
        locs = f.get("locations") or []
        if not locs:
            return finding_detail(f), gr.update(visible=False), "<p>该问题没有记录原文位置。</p>"
        loc = {**locs[0], "document_id": f.get("document_id"), "document": f.get("document")}
        return finding_detail(f), *preview_updates(services, loc)

    def refresh_choices():
        return gr.update(choices=doc_choices(services)), gr.update(choices=family_choices(services))

    inputs = [doc_pick, sev_pick, fam_pick]
    outs = [table, nc_table, summary, shown]
    for comp in (doc_pick, sev_pick, fam_pick):
        comp.change(load, inputs, outs)
    refresh.click(refresh_choices, None, [doc_pick, fam_pick]).then(load, inputs, outs)
    table.select(select, [shown], [detail, img, info])
    return SimpleNamespace(doc_pick=doc_pick, fam_pick=fam_pick, load=load, inputs=inputs, outputs=outs,
                           refresh_choices=refresh_choices)
