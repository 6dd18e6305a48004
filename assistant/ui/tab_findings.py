"""Tab 问题清单: findings with filters, location preview, and the “not checked” list beside."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gradio as gr

from ..review import location_text
from .common import ALL, doc_choices, handler, preview_updates, scope
from .render import SEVERITY_NAMES
from .services import rule_family

FINDING_HEADERS = ["严重程度", "规则", "问题", "列示数", "复核数", "差异", "复核公式", "位置", "文档"]
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
            f.get("formula", ""), location_text(f), f.get("document", "")]


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
                                 column_widths=["70px", "100px", "34%", "80px", "80px", "70px", "20%", "12%",
                                                "12%"])
        with gr.Column(scale=1):
            nc_table = gr.Dataframe(headers=["文档", "未核查项", "原因"], value=[], interactive=False, wrap=True,
                                    label="未核查事项", elem_id="not-checked-table", max_height=420)
    img = gr.Image(label="位置预览", interactive=False, visible=False, elem_id="findings-preview-img", format="png")
    info = gr.HTML("<p>点击一条问题即可在此查看原文位置。</p>", elem_id="findings-preview")

    @handler
    def load(doc, sevs, fam):
        found = filter_findings(services.findings(scope(doc)), sevs, fam)
        nc = services.not_checked(scope(doc))
        counts = {s: sum(1 for f in found if f.get("severity") == s) for s in ("error", "warning", "info")}
        text = (f"共 {len(found)} 个问题：严重 {counts['error']}，一般 {counts['warning']}，提示 {counts['info']}；"
                f"未核查事项 {len(nc)} 项。")
        nc_rows = [[n.get("document", ""), n.get("rule", "") or n.get("check", ""),
                    n.get("reason", "") or n.get("message", "")] for n in nc]
        return [finding_row(f) for f in found], nc_rows, text, found

    @handler
    def select(found, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        if row is None or row >= len(found):
            return gr.update(), gr.update()
        f = found[row]
        locs = f.get("locations") or []
        if not locs:
            raise gr.Error("该问题没有记录原文位置。", title="无法定位")
        loc = {**locs[0], "document_id": f.get("document_id"), "document": f.get("document")}
        return preview_updates(services, loc)

    def refresh_choices():
        return gr.update(choices=doc_choices(services)), gr.update(choices=family_choices(services))

    inputs = [doc_pick, sev_pick, fam_pick]
    outs = [table, nc_table, summary, shown]
    for comp in (doc_pick, sev_pick, fam_pick):
        comp.change(load, inputs, outs)
    refresh.click(refresh_choices, None, [doc_pick, fam_pick]).then(load, inputs, outs)
    table.select(select, [shown], [img, info])
    return SimpleNamespace(doc_pick=doc_pick, fam_pick=fam_pick, load=load, inputs=inputs, outputs=outs,
                           refresh_choices=refresh_choices)
