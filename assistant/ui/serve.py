"""Start the workspace: settings → services → (sample reports on first start) → Gradio launch."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from ..errors import SettingsError

log = logging.getLogger("assistant.ui")
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"


def sample_files(root: Path | None = None) -> list[Path]:
    """Return the sample reports (text exports first, then PDFs)."""
    root = Path(os.environ.get("AUDIT_SAMPLES", root or SAMPLES))
    files: list[Path] = []
    for sub in ("text", "pdf"):
        d = root / sub
        if d.is_dir():
            files.extend(sorted(p for p in d.iterdir() if p.suffix.lower() in (".txt", ".md", ".pdf")))
    return files


def parse_auth(value: str) -> tuple[str, str] | None:
    """Return (user, password) from “user:password”, None when empty."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise SettingsError("AUDIT_AUTH 的格式应为“用户名:密码”。")
    return user, password


def create(settings, no_samples: bool = False, dense: bool | None = None):
    """Return (demo, services) for the settings; ingest the samples first when the library is empty.
    ``dense=False`` skips the embedding model (tests)."""
    from .services import build_services
    from .workspace import build_app

    services = build_services(settings, dense=dense)
    if not no_samples and services.is_empty():
        files = sample_files()
        if files:
            print(f"资料库为空：正在后台导入 {len(files)} 份示例报告（“状态”页显示进度）。", flush=True)
            services.ingest_in_background(files)

    def llm_factory():
        """Return the configured chat model (for polishing drafts), or None."""
        try:
            from ..qa.llm import build_chat_model
        except ImportError:
            return None
        return build_chat_model(settings)

    demo = build_app(services, llm_factory=llm_factory, max_file_mb=settings.max_file_mb)
    return demo, services


def serve(args: argparse.Namespace) -> int:
    """Entry point of ``python -m assistant serve`` / ``python app.py``."""
    from ..settings import Settings

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env(data_dir=getattr(args, "library", None), port=getattr(args, "port", None))
    auth = parse_auth(settings.auth)
    demo, services = create(settings, no_samples=getattr(args, "no_samples", False))
    try:
        launch(demo, settings, auth=auth)
    finally:
        services.close()  # stops the upload worker process
    return 0


def launch(demo, settings, auth: tuple[str, str] | None = None, **kwargs):
    """Launch the workspace with the settings' host, port, limits and the export folder allowed."""
    demo.queue(default_concurrency_limit=2)
    return demo.launch(server_name=settings.host, server_port=settings.port, auth=auth,
                       auth_message="请输入审核助手的用户名和密码。" if auth else None,
                       allowed_paths=[str(Path(settings.data_dir) / "exports")], css=demo.workspace_css,
                       footer_links=[], max_file_size=f"{settings.max_file_mb}mb", show_error=False, **kwargs)


main = serve
