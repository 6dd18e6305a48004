"""The auditor's workspace: one Gradio Blocks app with the tabs 资料库 / 问答 / 问题清单 / 项目核查 /
审核意见 / 状态. It calls the services object only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from . import tab_chat, tab_findings, tab_library, tab_project, tab_review
from .common import doc_choices
from .render import CSS, md_text

TITLE = "财政报告审核助手"


def status_markdown(services: Any) -> str:
    """Return the 状态 tab text."""
    s = services.status()
    busy = f"**{md_text(s['background'])}**\n\n" if s.get("background") else ""
    return busy + "\n".join([
        "| 项目 | 当前 |", "|---|---|",
        f"| 检索 / 问答引擎 | {md_text(s.get('engine', ''))} |",
        f"| 向量模型 | {md_text(s.get('embedding_model') or '无')} |",
        f"| 大模型 | {md_text(s.get('llm') or '无')} |",
        f"| 文档数 | {s.get('documents', 0)} |",
        f"| 页数 | {s.get('pages', 0)} |",
        f"| 表格数 | {s.get('tables', 0)} |",
        f"| 检索片段数 | {s.get('chunks', 0)} |",
        f"| 问题数 | {s.get('findings', 0)} |",
        f"| 数字复核引擎 | {md_text(s.get('checks', ''))} |",
        f"| 数据目录 | {md_text(s.get('data_dir', ''))} |",
    ])


def build_app(services: Any, llm_factory: Any = lambda: None, export_dir: str | Path | None = None,
              max_file_mb: int = 100) -> gr.Blocks:
    """Given the services, return the workspace Blocks (not launched)."""
    export_dir = Path(export_dir or Path(services.settings.data_dir) / "exports")
    export_dir.mkdir(parents=True, exist_ok=True)
    with gr.Blocks(title=TITLE) as demo:
        gr.Markdown(f"## {TITLE}\n每个数字都来自报表单元格或可复核的计算，并注明页码。")
        with gr.Tabs():
            with gr.Tab("资料库", id="library"):
                lib = tab_library.build(services, max_file_mb)
            with gr.Tab("问答", id="chat"):
                chat = tab_chat.build(services)
            with gr.Tab("问题清单", id="findings") as findings_tab:
                fnd = tab_findings.build(services)
            with gr.Tab("项目核查", id="project"):
                proj = tab_project.build(services)
            with gr.Tab("审核意见", id="review") as review_tab:
                rev = tab_review.build(services, llm_factory, export_dir)
            with gr.Tab("状态", id="status") as status_tab:
                status = gr.Markdown(status_markdown(services), elem_id="status-md")
                gr.Button("刷新状态", size="sm").click(lambda: status_markdown(services), None, [status])

        def sync_choices():
            """Refresh every document picker after the library changed."""
            all_docs = doc_choices(services)
            only = doc_choices(services, with_all=False)
            return (gr.update(choices=all_docs), gr.update(choices=all_docs), gr.update(choices=only),
                    gr.update(choices=all_docs), fnd.refresh_choices()[1], status_markdown(services))

        pickers = [chat.scope_pick, fnd.doc_pick, proj.doc_pick, rev.doc_pick, fnd.fam_pick, status]
        for ev in lib.changed:
            ev.then(sync_choices, None, pickers)
        findings_tab.select(fnd.load, fnd.inputs, fnd.outputs)
        review_tab.select(rev.load, rev.inputs, [rev.picks])
        status_tab.select(lambda: status_markdown(services), None, [status])
        demo.load(lib.refresh, None, [lib.docs_table, lib.remove_pick]).then(sync_choices, None, pickers)

        # while the sample reports are being added in the background, refresh the lists every few seconds
        timer = gr.Timer(4, active=bool(getattr(services, "background", {}).get("running")))

        def tick():
            running = bool(services.background.get("running"))
            return (*lib.refresh(), gr.Timer(active=running))

        timer.tick(tick, None, [lib.docs_table, lib.remove_pick, timer]).then(sync_choices, None, pickers)
    demo.workspace_css = CSS  # type: ignore[attr-defined]
    return demo
