"""Start the Gradio app (minimal page until the full workspace lands)."""

from __future__ import annotations

import argparse
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"


def sample_files() -> list[Path]:
    files: list[Path] = []
    for sub in ("text", "pdf"):
        d = SAMPLES / sub
        if d.is_dir():
            files.extend(sorted(p for p in d.iterdir() if p.suffix.lower() in (".txt", ".md", ".pdf")))
    return files


def build_app(files: list[Path]):
    import gradio as gr

    from ..errors import AssistantError
    from ..pipeline import load_document

    rows = []
    for f in files:
        try:
            s = load_document(f).summary()
            rows.append([s["name"], s["type_name"], s["year"], s["pages"], s["tables"], s["figures"]])
        except AssistantError as exc:
            rows.append([f.name, f"无法读取：{exc}", None, None, None, None])
    with gr.Blocks(title="财政报告审核助手") as demo:
        gr.Markdown("# 财政报告审核助手")
        gr.Dataframe(value=rows, headers=["文件", "类型", "年度", "页数", "表格", "叙述数字"], label="资料库")
    return demo


def serve(args: argparse.Namespace) -> int:
    from ..settings import Settings

    settings = Settings.from_env()
    files = [] if getattr(args, "no_samples", False) else sample_files()
    demo = build_app(files)
    demo.launch(server_name=settings.host, server_port=args.port or settings.port)
    return 0


main = serve
