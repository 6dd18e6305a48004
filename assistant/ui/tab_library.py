"""Tab 资料库: upload reports (progress per file), list documents, remove or replace."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr

from .common import doc_choices, handler, toast

DOC_HEADERS = ["文件", "类型", "年度", "部门", "页数", "表格", "严重", "一般", "提示", "未核查", "文档ID"]
DOC_WIDTHS = ["25%", "9%", "6%", "19%", "5%", "5%", "5%", "5%", "5%", "6%", "10%"]
STATUS_NAMES = {"added": "已导入", "replaced": "已替换", "unchanged": "未变化", "error": "失败", "pending": "等待中",
                "running": "处理中…"}


def document_rows(services: Any) -> list[list[Any]]:
    """Return the rows of the document table."""
    rows = []
    for d in services.documents():
        f = d.get("findings", {})
        rows.append([d["name"], d.get("type_name", ""), d.get("year") or "", d.get("department", ""),
                     d.get("pages", ""), d.get("tables", ""), f.get("error", 0), f.get("warning", 0),
                     f.get("info", 0), d.get("not_checked", 0), d["id"]])
    return rows


def build(services: Any, max_file_mb: int) -> SimpleNamespace:
    """Build the tab inside the current Blocks context; return its components."""
    gr.Markdown("上传一份或多份报告（PDF、TXT、MD）。同名文件再次上传即替换旧版本；内容相同的文件不会重复导入；"
                "新版本文件名不同时，选中旧文档后点“用上传的文件替换所选文档”。")
    with gr.Row():
        upload = gr.File(label="选择报告（可多选）", file_count="multiple", file_types=[".pdf", ".txt", ".md"],
                         elem_id="upload-files", scale=3, height=150)
        with gr.Column(scale=1):
            ingest_btn = gr.Button("导入资料库", variant="primary", elem_id="ingest-btn")
            refresh_btn = gr.Button("刷新列表", size="sm")
    progress_table = gr.Dataframe(headers=["文件", "状态", "说明"], value=[], label="导入进度（逐个文件）",
                                  interactive=False, wrap=True, elem_id="ingest-progress")
    docs_table = gr.Dataframe(headers=DOC_HEADERS, value=document_rows(services), label="资料库中的文档",
                              interactive=False, wrap=True, elem_id="docs-table", column_widths=DOC_WIDTHS)
    with gr.Row():
        remove_pick = gr.Dropdown(choices=doc_choices(services, with_all=False), label="选择要移除或替换的文档",
                                  value=None, scale=3)
        replace_btn = gr.Button("用上传的文件替换所选文档", scale=1, elem_id="replace-btn")
        remove_btn = gr.Button("移除所选文档", variant="stop", scale=1, elem_id="remove-btn")

    @handler
    def do_ingest(files, progress=gr.Progress()):  # noqa: B008 (Gradio injects the tracker)
        if not files:
            raise gr.Error("请先选择要上传的报告文件。", title="没有文件")
        paths = [Path(f if isinstance(f, str) else f.name) for f in files]
        rows = [[p.name, STATUS_NAMES["pending"], ""] for p in paths]
        for i, p in enumerate(paths):
            if p.exists() and p.stat().st_size > max_file_mb * 1024 * 1024:
                rows[i] = [p.name, STATUS_NAMES["error"], f"文件超过 {max_file_mb} MB 的上限，未导入。"]
                continue
            rows[i][1] = STATUS_NAMES["running"]
            progress((i, len(paths)), desc=f"正在读取 {p.name}（{i + 1}/{len(paths)}）")
            yield rows, gr.update(), gr.update(), gr.update()
            result = services.ingest([p])[0]
            rows[i] = [p.name, STATUS_NAMES.get(result.status, result.status), result.message]
            if result.status == "error":
                gr.Warning(toast(result.message))
            yield rows, document_rows(services), gr.update(choices=doc_choices(services, with_all=False)), gr.update()
        ok = sum(1 for r in rows if r[1] in (STATUS_NAMES["added"], STATUS_NAMES["replaced"]))
        if ok:
            gr.Info(f"导入完成：{ok} 个文件已加入资料库。", duration=4)
        else:
            gr.Warning("没有新文件加入资料库，原因见“导入进度”表。", duration=6)
        yield rows, document_rows(services), gr.update(choices=doc_choices(services, with_all=False), value=None), None

    @handler
    def do_remove(doc_id):
        if not doc_id:
            raise gr.Error("请先在下拉框中选择要移除的文档。", title="未选择文档")
        name = services.remove(doc_id)
        gr.Info(toast(f"已从资料库移除“{name}”。"), duration=4)
        return document_rows(services), gr.update(choices=doc_choices(services, with_all=False), value=None)

    @handler
    def do_replace(doc_id, files):
        if not doc_id:
            raise gr.Error("请先在下拉框中选择要替换的文档。", title="未选择文档")
        if not files or len(files) != 1:
            raise gr.Error("替换时请只上传一个新文件。", title="文件数量不对")
        f = files[0]
        result = services.replace(doc_id, Path(f if isinstance(f, str) else f.name))
        if result.status == "error":
            raise gr.Error(toast(f"{result.message} 原文档保持不变。"), title="替换失败")
        gr.Info(toast(result.message), duration=4)
        rows = [[Path(f if isinstance(f, str) else f.name).name, STATUS_NAMES["replaced"], result.message]]
        return rows, document_rows(services), gr.update(choices=doc_choices(services, with_all=False), value=None)

    def do_refresh():
        return document_rows(services), gr.update(choices=doc_choices(services, with_all=False))

    ingest_ev = ingest_btn.click(do_ingest, [upload], [progress_table, docs_table, remove_pick, upload])
    remove_ev = remove_btn.click(do_remove, [remove_pick], [docs_table, remove_pick])
    replace_ev = replace_btn.click(do_replace, [remove_pick, upload], [progress_table, docs_table, remove_pick])
    refresh_ev = refresh_btn.click(do_refresh, None, [docs_table, remove_pick])
    return SimpleNamespace(docs_table=docs_table, remove_pick=remove_pick, refresh=do_refresh,
                           changed=[ingest_ev, remove_ev, replace_ev, refresh_ev])
