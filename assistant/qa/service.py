"""The service facade the UI and the CLI use: one object over the library, the engine and the LLM."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


class AssistantService:
    """``ingest`` / ``documents`` / ``remove`` / ``ask`` / ``findings`` / ``status`` over one library.

    Thread-safe for the Gradio server (one process). ``dense=False`` skips the embedding model (BM25 and
    the structured tables still answer); ``llm`` overrides the chat model built from settings (tests
    pass a fake one).
    """

    def __init__(self, settings: Settings | None = None, *, dense: bool = True, llm: Any = None,
                 library: Any = None) -> None:
        from index.library import Library

        from .engine import Engine
        from .llm import Phraser

        self.settings = settings or Settings.from_env()
        self.library = library or Library(self.settings, dense=dense)
        self.engine = Engine(self.library)
        self.phraser = Phraser(llm) if llm is not None else Phraser.from_settings(self.settings)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ library
    def ingest(self, paths: Iterable[str | Path], progress: Progress | None = None,
               workers: int | None = None) -> list[dict[str, Any]]:
        """Add files or folders; ``progress(done, total, message)`` is called per file. Idempotent."""
        with self._lock:
            return [r.to_dict() for r in self.library.ingest(paths, progress=progress, workers=workers)]

    def documents(self) -> list[dict[str, Any]]:
        """One dict per document: id, name, type, type_name, title, year, department, pages, tables,
        table_kinds, figures, findings {error, warning, info}, not_checked (count), checked, sha256."""
        return self.library.documents()

    def document(self, ref: str):
        """The extracted :class:`~assistant.documents.Document` (tables, figures, paragraphs) or None."""
        return self.library.get_document(ref)

    def remove(self, ref: str) -> bool:
        with self._lock:
            return self.library.remove(ref)

    def findings(self, document: str | None = None) -> list[dict[str, Any]]:
        """Findings (Finding.to_dict plus ``document``/``doc_id``) of one document, or of all."""
        return self.library.findings(document)

    def not_checked(self, document: str) -> list[Any]:
        return self.library.not_checked(document)

    def cells(self, document: str, table: str | None = None) -> list[dict[str, Any]]:
        return self.library.cells(document, table)

    # ------------------------------------------------------------------ questions
    def ask(self, question: str, document: str | None = None, use_llm: bool | None = None) -> dict[str, Any]:
        """Answer a question: {"answer", "found", "figures", "citations", "route", …, "latency_ms"}."""
        t0 = time.perf_counter()
        ans = self.engine.ask(question, document=document)
        if self.phraser is not None and (use_llm is None or use_llm) and ans.found:
            ans = self.phraser.phrase(question, ans)
        d = ans.to_dict()
        d["latency_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        return d

    def search(self, query: str, k: int = 5, document: str | None = None) -> list[dict[str, Any]]:
        filters = {"doc_id": self.library.resolve_id(document)} if document else None
        return [h.to_dict() for h in self.engine.retriever.search(query, k=k, filters=filters)]

    # ------------------------------------------------------------------ status
    def status(self) -> dict[str, Any]:
        """Library and model status for the UI: documents, chunks, embedding_model (None: lexical only),
        message (Chinese), dense, chroma_mode, llm_provider, llm_model, checks_available."""
        st = self.library.status()
        st["llm_provider"] = self.settings.llm_provider
        st["llm_model"] = self.settings.llm_model if self.phraser is not None else ""
        st["llm"] = self.phraser is not None
        return st

    def close(self) -> None:
        self.library.close()
