"""Tab 审核意见: select findings → formal draft (editable, optionally LLM-polished) → .docx / .xlsx."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr

from .. import review
from .common import ALL, doc_choices, handler, scope, toast
from .render import SEVERITY_NAMES


def finding_choices(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    out = []
    for f in findings:
        msg = str(f.get("message", ""))
        msg = msg if len(msg) <= 70 else msg[:70] + "…"
        sev = SEVERITY_NAMES.get(f.get("severity", ""), f.get("severity", ""))
        out.append((f"[{sev}] {f.get('document', '')} · {f.get('rule', '')} · {msg}", f["id"]))
    return out


def build(services: Any, llm_factory: Any, export_dir: Path) -> SimpleNamespace:
    """Build the tab; ``llm_factory()`` returns a chat model or None; exports are written under export_dir."""
    with gr.Row():
        doc_pick = gr.Dropdown(choices=doc_choices(services), value=ALL, label="文档", elem_id="review-doc")
        sev_pick = gr.CheckboxGroup(choices=[("严重", "error"), ("一般", "warning"), ("提示", "info")],
                                    value=["error", "warning"], label="严重程度")
        refresh = gr.Button("刷新问题", size="sm")
    picks = gr.CheckboxGroup(choices=[], value=[], label="选择要写入审核意见的问题", elem_id="review-picks")
    with gr.Row():
        all_btn = gr.Button("全选", size="sm", elem_id="review-all")
        none_btn = gr.Button("全不选", size="sm")
        polish = gr.Checkbox(label="用大模型润色（需已配置）", value=False, elem_id="review-polish")
        draft_btn = gr.Button("生成审核意见草稿", variant="primary", elem_id="review-draft-btn")
    draft = gr.Textbox(label="审核意见草稿（可直接编辑）", lines=18, max_lines=40, elem_id="review-draft",
                       interactive=True)
    with gr.Row():
        docx_btn = gr.Button("导出 Word（.docx）", elem_id="export-docx")
        xlsx_btn = gr.Button("导出 Excel 底稿（.xlsx）", elem_id="export-xlsx")
    out_file = gr.File(label="下载", interactive=False, elem_id="review-download")

    @handler
    def load(doc, sevs, current=None):
        found = [f for f in services.findings(scope(doc)) if not sevs or f.get("severity") in sevs]
        ids = {f["id"] for f in found}
        return gr.update(choices=finding_choices(found), value=[i for i in current or [] if i in ids])

    def select_all(doc, sevs):
        found = [f for f in services.findings(scope(doc)) if not sevs or f.get("severity") in sevs]
        return gr.update(value=[f["id"] for f in found])

    def _selected(ids: list[str]) -> list[dict[str, Any]]:
        if not ids:
            raise gr.Error("请先勾选至少一个问题。", title="未选择问题")
        by_id = {f["id"]: f for f in services.findings()}
        chosen = [by_id[i] for i in ids if i in by_id]
        if not chosen:
            raise gr.Error("所选问题已不在资料库中（文档可能已被移除），请刷新后重新选择。", title="问题已失效")
        return chosen

    @handler
    def make_draft(ids, use_llm):
        text = review.draft_review(_selected(ids))
        if use_llm:
            llm = llm_factory()
            if llm is None:
                gr.Warning("未配置大模型（AUDIT_LLM_PROVIDER=none），已使用模板草稿。")
            else:
                text, note = review.polish_draft(text, llm)
                if note:
                    gr.Info(toast(note))
        return text

    def _path(suffix: str) -> Path:
        d = Path(tempfile.mkdtemp(prefix="review-", dir=export_dir))
        return d / f"审核意见_{time.strftime('%Y%m%d_%H%M%S')}{suffix}"

    @handler
    def export_docx(ids, text):
        chosen = _selected(ids)
        if not (text or "").strip():
            text = review.draft_review(chosen)
        return str(review.export_docx(text, chosen, _path(".docx")))

    @handler
    def export_xlsx(ids, text):
        chosen = _selected(ids)
        return str(review.export_xlsx(chosen, _path(".xlsx"), draft=text or review.draft_review(chosen)))

    inputs = [doc_pick, sev_pick, picks]
    doc_pick.change(load, inputs, [picks])
    sev_pick.change(load, inputs, [picks])
    refresh.click(lambda: gr.update(choices=doc_choices(services)), None, [doc_pick]).then(load, inputs, [picks])
    all_btn.click(select_all, [doc_pick, sev_pick], [picks])
    none_btn.click(lambda: gr.update(value=[]), None, [picks])
    draft_btn.click(make_draft, [picks, polish], [draft])
    docx_btn.click(export_docx, [picks, draft], [out_file])
    xlsx_btn.click(export_xlsx, [picks, draft], [out_file])
    return SimpleNamespace(doc_pick=doc_pick, load=load, inputs=inputs, picks=picks)
