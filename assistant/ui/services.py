"""The services the browser workspace calls: library, answers, findings, status.

The UI talks to :class:`Services` only, never to storage. Services sits on the persistent library
(``index.library.Library``: SQLite + Chroma + BM25, findings from the check engine) and the answering
facade (``assistant.qa.service.AssistantService``). It keeps a copy of every uploaded file under
``<data_dir>/workspace/files`` for page previews, turns bad input into Chinese messages, and — only when
the answering engine is not installed — answers figure questions from the tables (:mod:`.lookup`).

Uploads are read, extracted, checked and tokenised (``index.library.prepare``) in one worker process
that the services own (started on the first upload, ``spawn``-started so it never inherits the server's
threads or locks): that pure-Python work then no longer holds the server's GIL while other sessions
chat. Only the commit of the prepared result (``Library.add_prepared``, the index update) runs in the
server. A worker that dies is replaced; where no worker process can be started, or with
``Settings.upload_worker`` off (``AUDIT_UPLOAD_WORKER=0``), files are read in the server's thread.
A script that builds the workspace must do so under ``if __name__ == "__main__":`` (as ``app.py`` and
``python -m assistant serve`` do): a spawned worker imports the main script again.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import multiprocessing
import re
import shutil
import threading
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..documents import Document
from ..errors import AssistantError, UnreadableDocument
from ..settings import Settings

Progress = Callable[[int, int, str], None]
SUPPORTED = (".pdf", ".txt", ".md")
SEVERITIES = ("error", "warning", "info")
WORKER_START_TIMEOUT_S = 120  # a worker that is not ready by then is given up for in-thread reading
WORKER_CRASHED = ("WorkerCrashed:处理该文件的后台进程意外退出（文件可能过大、过于复杂或已损坏），"
                  "资料库未作任何改动；请稍后重试，仍失败时请检查该文件")

log = logging.getLogger(__name__)


class UIServiceError(AssistantError):
    """A request from the workspace that cannot be served (unknown document, empty question …)."""


@dataclass
class IngestResult:
    """What happened to one uploaded file: ``added``, ``replaced``, ``unchanged`` or ``error``."""

    file: str
    status: str
    message: str
    document: str | None = None
    worker_pid: int | None = None  # the process that read the file (None: not read, e.g. unchanged)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_FAMILIES: dict[str, str] | None = None


def _registry_families() -> dict[str, str]:
    global _FAMILIES
    if _FAMILIES is None:
        try:
            rules = importlib.import_module("assistant.checks").load_rules()
            _FAMILIES = {code: r.family for code, r in rules.items()}
        except Exception:
            _FAMILIES = {}
    return _FAMILIES


def rule_family(rule: str) -> str:
    """Return the family of a rule: the check registry's family, else the code's prefix (“FA-X-01” → “FA-X”)."""
    rule = rule or ""
    fam = _registry_families().get(rule)
    if fam:
        return fam
    if "." in rule:
        return rule.split(".", 1)[0]
    m = re.match(r"[A-Za-z_\-]+", rule)
    return (m.group(0).rstrip("_-") if m else rule) or rule


def _jsonable(obj: Any) -> Any:
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, Decimal):
        return str(obj)
    return obj


class Services:
    """Library, answers and findings for the workspace, over the persistent library (``index``).

    Uploaded files are first copied into ``<data_dir>/workspace/files/<sha>/<name>`` so that page
    previews keep working after the browser's temporary upload is gone."""

    def __init__(self, settings: Settings, dense: bool | None = None):
        from index.library import Library

        self.settings = settings
        self.files_dir = Path(settings.data_dir) / "workspace" / "files"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.library = Library(settings, dense=True if dense is None else dense)
        self.answerer = _answer_service(settings, self.library)
        self._lock = threading.RLock()
        self.background: dict[str, Any] = {"running": False}
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._pool_finalizer: weakref.finalize | None = None
        self.worker_pid: int | None = None  # the upload worker's pid while it runs
        self.worker_note = "" if getattr(settings, "upload_worker", True) else "已关闭（AUDIT_UPLOAD_WORKER=0）"

    # ----- the upload worker -----------------------------------------------------------------------
    def _upload_pool(self) -> ProcessPoolExecutor | None:
        """Return the worker pool (one process), starting it on first use; None when files are read in
        this process (turned off, or no worker process can be started here: said once in the log)."""
        with self._pool_lock:
            if self._pool is not None or self.worker_note:
                return self._pool
            from index.library import worker_ready

            pool = None
            try:
                pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
                pid = pool.submit(worker_ready).result(timeout=WORKER_START_TIMEOUT_S)
            except Exception as exc:  # no processes / semaphores here, or the worker cannot start
                if pool is not None:
                    _stop_pool(pool, wait=False)
                self.worker_note = f"无法启动（{type(exc).__name__}: {exc}），在服务进程内读取"
                log.warning("上传文件改在服务进程内读取：无法启动后台读取进程（%s: %s）。", type(exc).__name__, exc)
                return None
            self._pool, self.worker_pid = pool, pid
            self._pool_finalizer = weakref.finalize(self, _stop_pool, pool, False)
            log.info("上传文件在后台进程（pid %s）中读取。", pid)
            return pool

    def _drop_pool(self, pool: ProcessPoolExecutor) -> None:
        """Forget a broken pool (the next upload starts a new worker)."""
        with self._pool_lock:
            if self._pool is pool:
                self._pool, self.worker_pid = None, None
                if self._pool_finalizer is not None:
                    self._pool_finalizer.detach()
                    self._pool_finalizer = None
        _stop_pool(pool, wait=False)

    def _prepare(self, path: str, settings: Settings) -> tuple[Any, int | None]:
        """(Prepared file or error string, pid of the process that read it): in the worker process when
        there is one. A worker that dies is replaced and the file tried once more in the new one; when that
        one dies too, the file is reported as not imported (nothing in the library changed)."""
        from index.library import prepare_in_worker

        for attempt in (1, 2):
            pool = self._upload_pool()
            if pool is None:
                pid, prep = prepare_in_worker(path, settings)
                return prep, pid
            try:
                pid, prep = pool.submit(prepare_in_worker, path, settings).result()
                return prep, pid
            except BrokenProcessPool as exc:
                log.warning("后台读取进程意外退出（%s，第 %d 次）：重新启动。", exc, attempt)
                self._drop_pool(pool)
        return WORKER_CRASHED, None

    def close(self) -> None:
        """Stop the upload worker (waits for a file being read) and close the library."""
        with self._pool_lock:
            pool, self._pool, self.worker_pid = self._pool, None, None
            if self._pool_finalizer is not None:
                self._pool_finalizer.detach()
                self._pool_finalizer = None
        if pool is not None:
            _stop_pool(pool, wait=True)
        if self.answerer is not None and hasattr(self.answerer, "close"):
            self.answerer.close()
        else:
            self.library.close()

    # ----- library ------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], progress: Progress | None = None) -> list[IngestResult]:
        """Given files, add each to the library (same content twice = unchanged; same name with new
        content = replaced); return one result per file. Bad files never affect stored documents."""
        paths = [Path(p) for p in paths]
        results = []
        for i, path in enumerate(paths):
            if progress:
                progress(i, len(paths), path.name)
            try:
                results.append(self._ingest_one(path))
            except AssistantError as exc:
                results.append(IngestResult(path.name, "error", str(exc)))
            except Exception as exc:  # a damaged file must not take the workspace down
                results.append(IngestResult(path.name, "error", f"文件“{path.name}”无法读取（{type(exc).__name__}）。"))
        if progress:
            progress(len(paths), len(paths), "")
        return results

    def ingest_batch(self, paths: Iterable[str | Path], progress: Progress | None = None) -> list[IngestResult]:
        """Add many files in one library pass (one index update at the end): used for the samples."""
        copies = []
        for path in (Path(p) for p in paths):
            if path.is_file() and path.suffix.lower() in SUPPORTED:
                copy = self.files_dir / file_sha256(path)[:16] / path.name
                if not copy.exists():
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, copy)
                copies.append(copy)
        results = self.library.ingest(copies, progress, prepare_with=lambda p, s: self._prepare(p, s)[0])
        return [IngestResult(Path(r.path).name, r.status, r.message, r.doc_id or None) for r in results]

    def ingest_in_background(self, paths: list[Path]) -> threading.Thread:
        """Start adding ``paths`` in a background thread; :meth:`status` reports the progress."""
        self.background = {"running": True, "done": 0, "total": len(paths), "current": ""}

        def progress(i: int, n: int, msg: str) -> None:
            self.background.update(done=i, total=n, current=msg)

        def run() -> None:
            try:
                _ = self.library.embedder  # load the model here, before anything else asks for it
                self.ingest_batch(paths, progress)
            except Exception as exc:  # the workspace stays usable; the status tab says what failed
                self.background["current"] = f"示例报告导入失败：{type(exc).__name__}: {exc}"
            finally:
                self.background["running"] = False

        t = threading.Thread(target=run, name="sample-ingest", daemon=True)
        t.start()
        return t

    def _ingest_one(self, path: Path) -> IngestResult:
        name = path.name
        if path.suffix.lower() not in SUPPORTED:
            raise UnreadableDocument(f"文件“{name}”的类型不受支持，请上传 PDF、TXT 或 MD 文件。")
        if not path.is_file():
            raise UnreadableDocument(f"文件“{name}”不存在或不是普通文件。")
        if path.stat().st_size > self.settings.max_file_mb * 1024 * 1024:
            raise UnreadableDocument(f"文件“{name}”超过 {self.settings.max_file_mb} MB 的上限，未导入。")
        sha = file_sha256(path)
        copy = self.files_dir / sha[:16] / name
        with self._lock:
            if not copy.exists():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, copy)
            before = {d["id"]: d for d in self.library.documents()}
            pids: list[int | None] = []

            def prepare(p: str, settings: Settings) -> Any:
                prep, pid = self._prepare(p, settings)
                pids.append(pid)
                return prep

            r = self.library.ingest([copy], prepare_with=prepare)[0]
            worker = pids[0] if pids else None
            known = {d["sha256"]: d for d in before.values()}
            if r.status == "error":
                if sha not in known:
                    shutil.rmtree(copy.parent, ignore_errors=True)
                msg = r.message or "无法读取"
                return IngestResult(name, "error", f"“{name}”未导入：{msg}", worker_pid=worker)
            if r.status == "unchanged" and sha in known and known[sha]["name"] != name:
                copy.unlink(missing_ok=True)  # same content under another name: keep the stored copy only
            self._cleanup(before)
        doc = self.library.get_document(r.doc_id) if r.doc_id else None
        n_find = len(self.library.findings(r.doc_id)) if r.doc_id else 0
        if r.status == "unchanged":
            return IngestResult(name, "unchanged", f"“{name}”已在资料库中（内容相同），未重复导入。", r.doc_id,
                                worker)
        verb = "已替换旧版本" if r.status == "replaced" else "已导入"
        detail = f"{doc.doc_type_name}，{len(doc.tables)} 张表，{n_find} 个问题。" if doc else ""
        return IngestResult(name, r.status, f"“{name}”{verb}：{detail}", r.doc_id, worker)

    def _cleanup(self, before: dict[str, dict[str, Any]]) -> None:
        """Delete the stored copies of documents that are no longer in the library."""
        now = {d["id"] for d in self.library.documents()}
        for doc_id in set(before) - now:
            self._drop_copy(doc_id, before[doc_id])

    def _drop_copy(self, doc_id: str, summary: dict[str, Any] | None = None) -> None:
        for d in self.files_dir.glob(f"{(summary or {}).get('sha256', '?')[:16]}*"):
            shutil.rmtree(d, ignore_errors=True)

    def replace(self, doc_id: str, path: str | Path) -> IngestResult:
        """Replace document ``doc_id`` by the file at ``path``: the new file is added first and the old
        document is removed only when that succeeded, so a bad file never loses the stored one."""
        old = self.document(doc_id)
        result = self.ingest([path])[0]
        if result.status == "error":
            return result
        if result.document != old.id and any(d["id"] == old.id for d in self.documents()):
            self.remove(old.id)
        result.status = "replaced"
        result.message = f"已用“{Path(path).name}”替换“{old.name}”。"
        return result

    def remove(self, doc_id: str) -> str:
        """Remove a document from the library; return its name."""
        with self._lock:
            summary = next((d for d in self.library.documents() if d["id"] == doc_id or d["name"] == doc_id), None)
            if summary is None or not self.library.remove(summary["id"]):
                raise UIServiceError(f"资料库中没有文档“{doc_id}”，请刷新列表后重试。")
            self._drop_copy(summary["id"], summary)
            return summary["name"]

    def is_empty(self) -> bool:
        return not self.library.document_ids()

    def document(self, doc_id: str) -> Document:
        """Return the extracted document (by id or file name)."""
        doc = self.library.get_document(doc_id)
        if doc is None:
            raise UIServiceError(f"资料库中没有文档“{doc_id}”，请刷新列表后重试。")
        return doc

    def source_file(self, doc_id: str) -> Path:
        """Return the stored copy of the document's file."""
        path = Path(self.document(doc_id).path)
        if not path.is_file():
            raise UIServiceError(f"文档“{self.document(doc_id).name}”的原文件已不在数据目录中，无法预览；请重新上传。")
        return path

    def documents(self) -> list[dict[str, Any]]:
        """Return one summary per document with finding counts by severity and the not-checked count."""
        return sorted(self.library.documents(), key=lambda s: s["name"])

    # ----- findings ------------------------------------------------------------------------------
    def findings(self, document: str | None = None) -> list[dict[str, Any]]:
        """Return findings (each with a stable ``id``, ``document`` and ``document_id``)."""
        out = []
        counters: dict[str, int] = {}
        for f in self.library.findings(document):
            doc_id = f.get("doc_id", "")
            n = counters.get(doc_id, 0)
            counters[doc_id] = n + 1
            out.append({**f, "id": f"{doc_id}:{n}", "document_id": doc_id})
        return out

    def not_checked(self, document: str | None = None) -> list[dict[str, Any]]:
        docs = [d for d in self.documents() if document in (None, d["id"], d["name"])]
        out = []
        for d in docs:
            for n in self.library.not_checked(d["id"]):
                n = n if isinstance(n, dict) else {"rule": "", "reason": str(n)}
                out.append({**n, "document": d["name"]})
        return out

    # ----- answers -------------------------------------------------------------------------------
    def ask(self, question: str, document: str | None = None) -> dict[str, Any]:
        """Answer a question from the library: {answer, found, figures, citations}."""
        question = (question or "").strip()
        if not question:
            raise UIServiceError("问题为空，请输入要查询的内容。")
        if len(question) > 500:
            raise UIServiceError("问题过长（超过 500 字），请精简后再问。")
        if self.is_empty():
            return {"answer": "资料库为空，请先在“资料库”页上传报告。", "found": False, "figures": [], "citations": []}
        if document is not None:
            self.document(document)
        if self.answerer is not None:
            return _jsonable(self.answerer.ask(question, document=document))
        from .lookup import lookup_answer

        docs = [self.document(document)] if document else self.library.all_documents()
        return lookup_answer(question, docs)

    # ----- status --------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        docs = self.documents()
        s = self.settings
        bg = self.background
        # while the background ingest runs, the model/vector-store state is not touched from this thread
        lib = ({"embedding_model": None, "message": "示例报告导入完成后显示", "chunks": "—",
                "checks_available": True} if bg.get("running") else self.library.status())
        llm = "未配置（仅用确定性模板作答）" if s.llm_provider == "none" else f"{s.llm_provider} / {s.llm_model}"
        if s.llm_provider != "none" and self.answerer is not None and not self.answerer.status().get("llm"):
            llm += "（未能连接，仅用确定性模板作答）"
        emb = lib.get("embedding_model")
        emb_text = (f"{emb}{'（后备模型：' + str(lib.get('message') or '') + '）' if lib.get('embedding_fallback') else ''}"
                    if emb
                    else f"无（{lib.get('message') or '关键词检索 + 结构化表格'}）")
        return {
            "engine": ("确定性问答引擎（表格查数、复算、复核结果、段落检索）" if self.answerer is not None
                       else "按表格查数（问答引擎未安装）"),
            "embedding_model": emb_text,
            "llm": llm,
            "documents": len(docs),
            "tables": sum(d.get("tables") or 0 for d in docs),
            "pages": sum(d.get("pages") or 0 for d in docs),
            "chunks": lib.get("chunks", 0),
            "findings": sum(sum(d["findings"].values()) for d in docs),
            "checks": "已启用" if lib.get("checks_available") else "未安装",
            "data_dir": str(s.data_dir),
            "background": _background_text(bg),
        }


def _stop_pool(pool: ProcessPoolExecutor, wait: bool) -> None:
    try:
        pool.shutdown(wait=wait, cancel_futures=True)
    except Exception as exc:  # a pool that cannot stop cleanly must not take the workspace down
        log.debug("后台读取进程未能正常停止：%s", exc)


def _background_text(bg: dict[str, Any]) -> str:
    if bg.get("running"):
        return f"正在导入示例报告（{bg.get('done', 0)}/{bg.get('total', 0)}）：{bg.get('current', '')}"
    return bg.get("current", "") if "失败" in bg.get("current", "") else ""


def _answer_service(settings: Settings, library: Any) -> Any | None:
    """Return the answering service (``assistant.qa.service.AssistantService``) over ``library``, or None
    when the answering engine is not installed (figure lookup in the tables answers then)."""
    try:
        from ..qa.service import AssistantService
    except ImportError:
        return None
    return AssistantService(settings, library=library)


def build_services(settings: Settings, dense: bool | None = None) -> Services:
    """Return the services object for the workspace."""
    return Services(settings, dense=dense)
