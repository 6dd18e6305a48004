"""The persistent library: documents, typed tables, figures, findings and chunks.

* SQLite (``library.sqlite3`` in the data dir) is the source of truth. A document is written in one
  transaction (document, tables, cells with provenance, figures, findings, chunks); a crash
  mid-ingest leaves no half document.
* Chroma holds the chunk embeddings (``PersistentClient`` in the data dir, or ``HttpClient`` when
  ``chroma_mode=http``); BM25 (jieba + bm25s) is persisted in the data dir. Both are derived: after
  every change, and when the library is opened, they are reconciled with SQLite (extra chunks
  deleted, missing chunks added, BM25 rebuilt when its generation differs). Retrieval only returns
  chunks that SQLite knows, so a half-written vector index is never visible.
* Idempotent by content: a file whose sha256 is already in the library is skipped. A file with the
  same name but new content replaces the old document.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.documents import Document
from assistant.settings import Settings

from .chunking import Chunk, chunk_document, table_project
from .serialize import document_from_dict

log = logging.getLogger(__name__)

SUPPORTED = (".pdf", ".txt", ".md")
Progress = Callable[[int, int, str], None]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, sha256 TEXT UNIQUE NOT NULL, name TEXT NOT NULL, path TEXT, doc_type TEXT,
    title TEXT, year INTEGER, department TEXT, pages INTEGER, n_tables INTEGER, n_figures INTEGER,
    summary_json TEXT, doc_blob BLOB, not_checked_json TEXT, checks_available INTEGER, ingested_at REAL);
CREATE TABLE IF NOT EXISTS tables (
    doc_id TEXT, table_id TEXT, kind TEXT, title TEXT, unit TEXT, page INTEGER, line INTEGER,
    project TEXT, meta_json TEXT, columns_json TEXT, PRIMARY KEY (doc_id, table_id));
CREATE TABLE IF NOT EXISTS cells (
    doc_id TEXT, table_id TEXT, row_idx INTEGER, row_label TEXT, row_role TEXT, row_code TEXT, side TEXT,
    col TEXT, text TEXT, value TEXT, unit TEXT, kind TEXT, page INTEGER, line INTEGER, bbox TEXT);
CREATE INDEX IF NOT EXISTS cells_doc ON cells(doc_id, table_id);
CREATE TABLE IF NOT EXISTS figures (
    doc_id TEXT, idx INTEGER, subject TEXT, value TEXT, unit TEXT, kind TEXT, relation TEXT,
    sentence TEXT, page INTEGER, line INTEGER, section TEXT);
CREATE TABLE IF NOT EXISTS findings (
    doc_id TEXT, idx INTEGER, rule TEXT, severity TEXT, message TEXT, json TEXT);
CREATE TABLE IF NOT EXISTS chunks (id TEXT PRIMARY KEY, doc_id TEXT, idx INTEGER, text TEXT, meta_json TEXT);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS chunk_tokens (id TEXT PRIMARY KEY, doc_id TEXT, tokens TEXT);
CREATE INDEX IF NOT EXISTS chunk_tokens_doc ON chunk_tokens(doc_id);
CREATE INDEX IF NOT EXISTS documents_name ON documents(name);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha256 TEXT);
CREATE TABLE IF NOT EXISTS doc_entities (doc_id TEXT PRIMARY KEY, version INTEGER, json TEXT);
"""
DEFAULT_DOC_CACHE = 32  # documents kept decompressed in memory (least recently used evicted)


@dataclass
class IngestResult:
    path: str
    status: str  # added | replaced | unchanged | error
    document: str = ""
    doc_id: str = ""
    message: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("path", "status", "document", "doc_id", "message", "seconds")}


@dataclass
class Prepared:
    """A document read, checked and chunked outside the write transaction."""

    doc: Document
    findings: list[dict[str, Any]] = field(default_factory=list)
    not_checked: list[Any] = field(default_factory=list)
    checks_available: bool = False
    chunks: list[Chunk] = field(default_factory=list)
    tokens: list[list[str]] | None = None  # BM25 tokens per chunk (computed in the worker process)
    blob: bytes | None = None  # the gzipped JSON document (serialised in the worker process)


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, directories expanded to their supported files (sorted)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out


def _plain(obj: Any) -> Any:
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return str(obj)


def run_document_checks(doc: Document, settings: Settings | None = None) -> tuple[list[dict], list[Any], bool]:
    """Return (findings, not_checked, available) from ``assistant.checks.run_checks`` when it exists."""
    try:
        from assistant.checks import run_checks  # type: ignore[attr-defined]
    except Exception:
        return [], [], False
    try:
        report = run_checks(doc)
    except Exception as exc:  # a failing rule must not lose the document
        log.warning("文档“%s”复核失败：%s", doc.name, exc)
        return [], [{"rule": "*", "reason": f"复核引擎出错：{exc}"}], True
    if isinstance(report, dict):
        findings, not_checked = report.get("findings", []), report.get("not_checked", [])
    else:
        findings, not_checked = getattr(report, "findings", []), getattr(report, "not_checked", [])
    return [_plain(f) for f in findings], [_plain(n) for n in not_checked], True


def prepare(path: str, settings: Settings) -> Prepared:
    """Read, extract, check and chunk one file (runs in a worker process when workers > 1)."""
    from assistant.pipeline import load_document

    from .lexical import tokenize

    doc = load_document(path, settings)
    findings, not_checked, avail = run_document_checks(doc, settings)
    chunks = chunk_document(doc)
    return Prepared(doc=doc, findings=findings, not_checked=not_checked, checks_available=avail,
                    chunks=chunks, tokens=[tokenize(c.text) for c in chunks], blob=_doc_blob(doc))


def _decode_document(blob: bytes) -> Document:
    """A stored document read back. The garbage collector is paused meanwhile: reading one report creates
    tens of thousands of small acyclic objects, and the collections they trigger (each scanning the long-lived
    heap) cost more than the reading itself."""
    was = gc.isenabled()
    gc.disable()
    try:
        return document_from_dict(json.loads(gzip.decompress(blob).decode("utf-8")))
    finally:
        if was:
            gc.enable()


def _doc_blob(doc: Document) -> bytes:
    return gzip.compress(json.dumps(doc.to_dict(), ensure_ascii=False, default=str).encode("utf-8"))


def _prepare_worker(args: tuple[str, Settings]) -> Prepared | str:
    try:
        return prepare(*args)
    except Exception as exc:
        return f"{type(exc).__name__}:{exc}"


def prepare_in_worker(path: str, settings: Settings) -> tuple[int, Prepared | str]:
    """:func:`_prepare_worker` for a long-lived worker process: (the worker's pid, the Prepared file or the
    error string). A bad file is an error string, never an exception that could break the pool."""
    return os.getpid(), _prepare_worker((path, settings))


def worker_ready() -> int:
    """Run once in a new worker process: import the readers and load jieba's dictionary now, so that the
    first upload does not pay for them; return the worker's pid."""
    import assistant.pipeline  # noqa: F401

    from .lexical import tokenize

    tokenize("预热分词词典")
    return os.getpid()


class Library:
    """A persistent library in ``settings.data_dir``. Thread-safe for one process."""

    def __init__(self, settings: Settings | None = None, *, dense: bool = True) -> None:
        self.settings = settings or Settings.from_env()
        self.dir = Path(self.settings.data_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = _LockedDB(sqlite3.connect(str(self.dir / "library.sqlite3"), check_same_thread=False,
                                             isolation_level=None), self._lock)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        # full documents are read on demand through a bounded LRU; the engine keeps only light records
        self._docs_cache: OrderedDict[str, Document] = OrderedDict()
        self.doc_cache_size = max(1, int(getattr(self.settings, "doc_cache_size", 0) or DEFAULT_DOC_CACHE))
        self.documents_loaded = 0  # documents decompressed so far (a counter for tests and benchmarks)
        self._chunk_cache: tuple[int, dict[str, tuple[str, dict[str, Any]]]] | None = None
        self._dense_enabled = dense
        self._embedder = None
        self._embedder_loaded = False
        self._chroma = None
        self._collection = None
        self._chroma_error = ""
        self._bm25 = None
        self._migrate_entities()

    # ----------------------------------------------------------------- basics
    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def generation(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    @property
    def library_id(self) -> str:
        """A random id given to this library on first use (names its collection on a shared Chroma server)."""
        self._db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES('library_id', ?)", (uuid.uuid4().hex[:12],))
        return self._db.execute("SELECT value FROM meta WHERE key='library_id'").fetchone()[0]

    def _bump(self) -> None:
        self._db.execute("INSERT INTO meta(key, value) VALUES('generation', ?) ON CONFLICT(key) DO UPDATE SET "
                         "value=CAST(value AS INTEGER)+1", ("1",))

    # ----------------------------------------------------------------- ingest
    def ingest(self, paths: Iterable[str | Path], progress: Progress | None = None,
               workers: int | None = None,
               prepare_with: Callable[[str, Settings], Prepared | str] | None = None) -> list[IngestResult]:
        """Add files (or directories) to the library; returns one result per file. Idempotent and resumable.

        Each document is committed on its own, so an interrupted batch (Ctrl-C, a killed process) keeps
        what it committed; the next run skips those files by content hash. A file whose path, size and
        mtime match the manifest of committed files is skipped without being read again. Worker processes
        read, extract, check, chunk and tokenize; the parent alone writes. Chroma and BM25 are
        reconciled once at the end of the batch (or at the start of the next run after an interruption).

        ``prepare_with(path, settings)`` replaces the in-thread :func:`prepare` when no pool of ``workers``
        is used: it returns the :class:`Prepared` file or the error string of :func:`_prepare_worker` (the
        workspace passes one that runs :func:`prepare` in its long-lived worker process).
        """
        files = expand_paths(paths)
        total = len(files)
        results: list[IngestResult] = []
        todo: list[tuple[Path, str]] = []
        manifest = {p: (size, mt, sha) for p, size, mt, sha in self._db.execute(
            "SELECT f.path, f.size, f.mtime_ns, f.sha256 FROM files f JOIN documents d ON d.sha256 = f.sha256")}
        known_sha = None
        for f in files:
            if not f.exists() or not f.is_file():
                results.append(IngestResult(str(f), "error", f.name, message=f"文件不存在：{f.name}"))
                continue
            if f.suffix.lower() not in SUPPORTED:
                results.append(IngestResult(str(f), "error", f.name, message=f"不支持的文件类型：{f.suffix}"))
                continue
            st = f.stat()
            key = _path_key(f)
            m = manifest.get(key)
            if m is not None and m[0] == st.st_size and m[1] == st.st_mtime_ns:
                sha = m[2]  # committed before and unchanged on disk: not read again
            else:
                sha = file_sha256(f)
            if known_sha is None:
                known_sha = dict(self._db.execute("SELECT sha256, id FROM documents"))
            if sha in known_sha:
                results.append(IngestResult(str(f), "unchanged", f.name, known_sha[sha], "内容未变化，已跳过。"))
                if m is None or m[2] != sha or m[0] != st.st_size or m[1] != st.st_mtime_ns:
                    self._remember_file(f, sha)
                if progress:
                    progress(len(results), total, f"{f.name}：已在资料库中，跳过")
                continue
            todo.append((f, sha))
        nworkers = max(1, int(workers or 1))
        prepared: Iterable[tuple[Path, Prepared | str, float]]
        if nworkers > 1 and len(todo) > 1:
            # worker processes only read and extract; the parent alone writes the library. The embedding
            # model and Chroma are loaded lazily, after the workers have been started.
            npool = min(nworkers, len(todo))
            pool = ProcessPoolExecutor(max_workers=npool)

            def _pooled():
                # a bounded window of submitted files: memory stays flat and an interrupt cancels the rest
                window = 4 * npool
                pending: list[tuple[Path, Any, float]] = []
                it = iter(todo)
                while True:
                    while len(pending) < window:
                        nxt = next(it, None)
                        if nxt is None:
                            break
                        pending.append((nxt[0], pool.submit(_prepare_worker, (str(nxt[0]), self.settings)),
                                        time.perf_counter()))
                    if not pending:
                        return
                    f, fut, t0 = pending.pop(0)
                    res = fut.result()
                    yield f, res, time.perf_counter() - t0
        else:
            pool = None

            def _serial():
                for f, _ in todo:
                    t = time.perf_counter()
                    prep = (_prepare_worker((str(f), self.settings)) if prepare_with is None
                            else prepare_with(str(f), self.settings))
                    yield f, prep, time.perf_counter() - t

        prepared = _pooled() if pool is not None else _serial()
        changed = False
        try:
            for f, prep, secs in prepared:
                if isinstance(prep, str):
                    kind, _, msg = prep.partition(":")
                    results.append(IngestResult(str(f), "error", f.name, message=f"无法读取：{msg}", seconds=secs))
                    if progress:
                        progress(len(results), total, f"{f.name}：读取失败（{msg}）")
                    continue
                res = self.add_prepared(prep, path=str(f), sync=False)
                res.seconds = round(secs, 3)
                if res.status in ("added", "replaced", "unchanged"):
                    self._remember_file(f, prep.doc.sha256)
                changed = changed or res.status in ("added", "replaced")
                results.append(res)
                if progress:
                    progress(len(results), total, f"{f.name}：{_STATUS_CN.get(res.status, res.status)}")
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        if changed or self._index_dirty():
            if progress:
                progress(total, total, "正在更新检索索引……")
            self.sync_indexes(progress=progress)
        return results

    def _remember_file(self, f: Path, sha: str) -> None:
        """Record path, size and mtime of a committed file, so a later batch skips it without reading it."""
        try:
            st = f.stat()
        except OSError:
            return
        self._db.execute("INSERT INTO files(path, size, mtime_ns, sha256) VALUES(?,?,?,?) ON CONFLICT(path) DO "
                         "UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns, sha256=excluded.sha256",
                         (_path_key(f), st.st_size, st.st_mtime_ns, sha))

    def _index_dirty(self) -> bool:
        """True when a batch was interrupted before Chroma was reconciled (BM25 follows the generation)."""
        if not self._dense_enabled:
            return False
        row = self._db.execute("SELECT value FROM meta WHERE key='indexed_generation'").fetchone()
        return (int(row[0]) if row else 0) != self.generation

    def add_document(self, doc: Document, *, run_checks: bool = True) -> IngestResult:
        """Add an already extracted Document (used by tests and the UI)."""
        findings, not_checked, avail = run_document_checks(doc, self.settings) if run_checks else ([], [], False)
        prep = Prepared(doc=doc, findings=findings, not_checked=not_checked, checks_available=avail,
                        chunks=chunk_document(doc))
        return self.add_prepared(prep, path=doc.path)

    def add_prepared(self, prep: Prepared, path: str = "", sync: bool = True) -> IngestResult:
        doc = prep.doc
        with self._lock:
            if prep.tokens is None:
                from .lexical import tokenize

                prep.tokens = [tokenize(c.text) for c in prep.chunks]
            if self._db.execute("SELECT 1 FROM documents WHERE sha256=?", (doc.sha256,)).fetchone():
                return IngestResult(path, "unchanged", doc.name, doc.id, "内容未变化，已跳过。")
            old = [r[0] for r in self._db.execute("SELECT id FROM documents WHERE name=?", (doc.name,))]
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for oid in old:
                    self._delete_rows(oid)
                self._insert(prep)
                self._bump()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._docs_cache.clear()
            self._chunk_cache = None
        if sync:
            self.sync_indexes()
        status = "replaced" if old else "added"
        msg = f"已替换旧版本（{len(old)}份）。" if old else f"已加入：{len(doc.tables)}张表，{len(prep.chunks)}个检索片段。"
        return IngestResult(path, status, doc.name, doc.id, msg)

    def _insert(self, prep: Prepared) -> None:
        doc = prep.doc
        db = self._db
        blob = prep.blob if prep.blob is not None else _doc_blob(doc)
        db.execute(
            "INSERT INTO documents(id, sha256, name, path, doc_type, title, year, department, pages, n_tables,"
            " n_figures, summary_json, doc_blob, not_checked_json, checks_available, ingested_at)"
            " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, doc.sha256, doc.name, doc.path, doc.doc_type, doc.title, doc.year, doc.department,
             doc.page_count, len(doc.tables), len(doc.figures), json.dumps(doc.summary(), ensure_ascii=False),
             blob, json.dumps(prep.not_checked, ensure_ascii=False, default=str), int(prep.checks_available),
             time.time()))
        self._put_entities(doc)
        for t in doc.tables:
            db.execute("INSERT INTO tables VALUES(?,?,?,?,?,?,?,?,?,?)",
                       (doc.id, t.id, t.kind, t.title, t.unit, t.page, t.line, table_project(t),
                        json.dumps(t.meta, ensure_ascii=False), json.dumps(t.columns, ensure_ascii=False)))
            rows = []
            for ri, r in enumerate(t.rows):
                for col, c in r.cells.items():
                    s = c.source
                    rows.append((doc.id, t.id, ri, r.label, r.role, r.code, r.side, col, c.text,
                                 None if c.value is None else str(c.value), c.unit, c.kind, s.page, s.line,
                                 json.dumps(list(s.bbox)) if s.bbox else None))
            db.executemany("INSERT INTO cells VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        db.executemany("INSERT INTO figures VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                       [(doc.id, i, f.subject, str(f.value), f.unit, f.kind, f.relation, f.sentence, f.source.page,
                         f.source.line, f.section) for i, f in enumerate(doc.figures)])
        db.executemany("INSERT INTO findings VALUES(?,?,?,?,?,?)",
                       [(doc.id, i, str(f.get("rule", "")), str(f.get("severity", "")), str(f.get("message", "")),
                         json.dumps(f, ensure_ascii=False, default=str)) for i, f in enumerate(prep.findings)])
        db.executemany("INSERT INTO chunks VALUES(?,?,?,?,?)",
                       [(c.id, doc.id, i, c.text, json.dumps(c.meta, ensure_ascii=False))
                        for i, c in enumerate(prep.chunks)])
        if prep.tokens is not None and len(prep.tokens) == len(prep.chunks):
            db.executemany("INSERT OR REPLACE INTO chunk_tokens VALUES(?,?,?)",
                           [(c.id, doc.id, " ".join(t)) for c, t in zip(prep.chunks, prep.tokens, strict=True)])

    def _delete_rows(self, doc_id: str) -> None:
        for tbl in ("tables", "cells", "figures", "findings", "chunks", "chunk_tokens", "doc_entities"):
            self._db.execute(f"DELETE FROM {tbl} WHERE doc_id=?", (doc_id,))
        self._db.execute("DELETE FROM documents WHERE id=?", (doc_id,))

    def resolve_id(self, ref: str) -> str | None:
        """Return the id of the document named or identified by ``ref`` (id, id prefix, name or sha256)."""
        ref = str(ref).strip()
        for sql in ("SELECT id FROM documents WHERE id=?", "SELECT id FROM documents WHERE name=?",
                    "SELECT id FROM documents WHERE sha256=?", "SELECT id FROM documents WHERE path=?"):
            row = self._db.execute(sql, (ref,)).fetchone()
            if row:
                return row[0]
        rows = self._db.execute("SELECT id FROM documents WHERE id LIKE ? OR name LIKE ?",
                                (ref + "%", "%" + ref + "%")).fetchall()
        return rows[0][0] if len(rows) == 1 else None

    def remove(self, ref: str) -> bool:
        """Remove a document (by id, name or sha256). Returns False when it is not in the library."""
        with self._lock:
            doc_id = self.resolve_id(ref)
            if not doc_id:
                return False
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._delete_rows(doc_id)
                self._bump()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._docs_cache.clear()
            self._chunk_cache = None
        self.sync_indexes()
        return True

    def replace(self, ref: str, path: str | Path) -> list[IngestResult]:
        """Replace document ``ref`` by the file at ``path``: the file is ingested first and ``ref`` removed only
        when that succeeded, so a bad file never loses the stored document."""
        old = self.resolve_id(ref)
        results = self.ingest([path])
        if old and results and results[0].status in ("added", "replaced") and results[0].doc_id != old:
            self.remove(old)
            results[0].status = "replaced"
        return results

    # ----------------------------------------------------------------- reads
    def documents(self) -> list[dict[str, Any]]:
        """Summaries for the library view: type, year, department, pages, tables, findings by severity."""
        out = []
        for row in self._db.execute(
                "SELECT id, name, doc_type, title, year, department, pages, n_tables, n_figures, summary_json,"
                " not_checked_json, checks_available, sha256, ingested_at FROM documents ORDER BY ingested_at, name"):
            (doc_id, name, doc_type, title, year, dept, pages, n_tables, n_figures, summary_json, nc_json,
             avail, sha, ts) = row
            sev: dict[str, int] = {"error": 0, "warning": 0, "info": 0}
            for s, n in self._db.execute("SELECT severity, COUNT(*) FROM findings WHERE doc_id=? GROUP BY severity",
                                         (doc_id,)):
                sev[s] = n
            summary = json.loads(summary_json or "{}")
            out.append({
                "id": doc_id, "name": name, "type": doc_type, "type_name": summary.get("type_name", doc_type),
                "title": title, "year": year, "department": dept, "pages": pages, "tables": n_tables,
                "table_kinds": summary.get("table_kinds", {}), "figures": n_figures, "findings": sev,
                "not_checked": len(json.loads(nc_json or "[]")), "checked": bool(avail), "sha256": sha,
                "ingested_at": ts,
            })
        return out

    def document_ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT id FROM documents ORDER BY ingested_at, name")]

    def get_document(self, ref: str) -> Document | None:
        doc_id = self.resolve_id(ref)
        if not doc_id:
            return None
        return self.load_document(doc_id)

    def load_document(self, doc_id: str) -> Document | None:
        """The full document ``doc_id`` (exact id), through a bounded LRU of ``doc_cache_size`` documents."""
        with self._lock:
            doc = self._docs_cache.get(doc_id)
            if doc is not None:
                self._docs_cache.move_to_end(doc_id)
                return doc
            row = self._db.execute("SELECT doc_blob FROM documents WHERE id=?", (doc_id,)).fetchone()
            if not row:
                return None
            doc = _decode_document(row[0])
            self.documents_loaded += 1
            self._docs_cache[doc_id] = doc
            while len(self._docs_cache) > self.doc_cache_size:
                self._docs_cache.popitem(last=False)
            return doc

    def cached_document_ids(self) -> list[str]:
        """Ids of the documents held decompressed in memory now (least recently used first)."""
        with self._lock:
            return list(self._docs_cache)

    def all_documents(self) -> list[Document]:
        """Every document, fully loaded (memory grows with the library: the engine uses :meth:`entity_index`)."""
        return [d for d in (self.load_document(i) for i in self.document_ids()) if d is not None]

    # ----------------------------------------------------------------- entity records
    def _put_entities(self, doc: Document) -> None:
        from assistant.qa.entities import ENTITY_VERSION, entity_record

        self._db.execute("INSERT OR REPLACE INTO doc_entities(doc_id, version, json) VALUES(?,?,?)",
                         (doc.id, ENTITY_VERSION, json.dumps(entity_record(doc), ensure_ascii=False, default=str)))

    def _migrate_entities(self) -> int:
        """Compute the entity record of every document that lacks one (a library written before the records
        existed, or by an older record version): from the stored document, one document at a time."""
        from assistant.qa.entities import ENTITY_VERSION

        todo = [r[0] for r in self._db.execute(
            "SELECT d.id FROM documents d LEFT JOIN doc_entities e ON e.doc_id = d.id "
            "WHERE e.doc_id IS NULL OR e.version IS NOT ? ORDER BY d.ingested_at, d.name", (ENTITY_VERSION,))]
        done = 0
        for doc_id in todo:
            with self._lock:
                row = self._db.execute("SELECT doc_blob FROM documents WHERE id=?", (doc_id,)).fetchone()
                if not row or row[0] is None:
                    continue
                try:
                    doc = _decode_document(row[0])
                except Exception as exc:  # an unreadable blob: the document stays without a record
                    log.warning("文档 %s 无法读取，未生成实体索引：%s", doc_id, exc)
                    continue
                try:
                    if self._db.execute("SELECT 1 FROM documents WHERE id=?", (doc_id,)).fetchone():
                        self._put_entities(doc)
                        done += 1
                except sqlite3.OperationalError as exc:  # e.g. another process holds the write lock: next time
                    log.warning("实体索引暂未补建（%s），稍后重试。", exc)
                    break
                del doc
        if done:
            log.info("已为%d份文档补建实体索引。", done)
        return done

    def entity_index(self) -> list[tuple[DocumentHandle, dict[str, Any]]]:
        """(lazy document, entity record) for every document, in library order: the header and projects stay
        in memory, the tables are read through the bounded document cache when they are used."""
        rows = self._db.execute(
            "SELECT d.id, e.json FROM documents d LEFT JOIN doc_entities e ON e.doc_id = d.id "
            "ORDER BY d.ingested_at, d.name")
        if any(js is None for _, js in rows):  # written meanwhile by an older process: fill the gaps
            self._migrate_entities()
            rows = self._db.execute(
                "SELECT d.id, e.json FROM documents d LEFT JOIN doc_entities e ON e.doc_id = d.id "
                "ORDER BY d.ingested_at, d.name")
        out = []
        for doc_id, js in rows:
            if js is None:  # could not be stored (a locked database): computed for this process only
                from assistant.qa.entities import entity_record

                doc = self.load_document(doc_id)
                if doc is None:
                    continue
                rec = json.loads(json.dumps(entity_record(doc), ensure_ascii=False, default=str))
            else:
                rec = json.loads(js)
            out.append((DocumentHandle(self, rec["header"]), rec))
        return out

    def findings(self, ref: str | None = None) -> list[dict[str, Any]]:
        """Findings of one document (or all), each with ``document`` and ``doc_id`` added."""
        names = dict(self._db.execute("SELECT id, name FROM documents"))
        if ref is None:
            rows = self._db.execute("SELECT doc_id, json FROM findings ORDER BY doc_id, idx").fetchall()
        else:
            doc_id = self.resolve_id(ref)
            if not doc_id:
                return []
            rows = self._db.execute("SELECT doc_id, json FROM findings WHERE doc_id=? ORDER BY idx",
                                    (doc_id,)).fetchall()
        out = []
        for doc_id, js in rows:
            f = json.loads(js)
            f.setdefault("doc_id", doc_id)
            f.setdefault("document", names.get(doc_id, ""))
            out.append(f)
        return out

    def not_checked(self, ref: str) -> list[Any]:
        doc_id = self.resolve_id(ref)
        row = self._db.execute("SELECT not_checked_json FROM documents WHERE id=?", (doc_id,)).fetchone()
        return json.loads(row[0] or "[]") if row else []

    def checks_available(self, ref: str) -> bool:
        doc_id = self.resolve_id(ref)
        row = self._db.execute("SELECT checks_available FROM documents WHERE id=?", (doc_id,)).fetchone()
        return bool(row and row[0])

    def cells(self, ref: str, table_id: str | None = None) -> list[dict[str, Any]]:
        """Structured cells with provenance (for drill-down views)."""
        doc_id = self.resolve_id(ref)
        sql = ("SELECT table_id, row_idx, row_label, row_role, row_code, side, col, text, value, unit, kind, page,"
               " line FROM cells WHERE doc_id=?")
        args: list[Any] = [doc_id]
        if table_id:
            sql += " AND table_id=?"
            args.append(table_id)
        keys = ("table", "row_idx", "row", "role", "code", "side", "column", "text", "value", "unit", "kind",
                "page", "line")
        return [dict(zip(keys, r, strict=True)) for r in self._db.execute(sql, args)]

    def chunks_by_ids(self, ids: Iterable[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """The chunks with these ids that SQLite knows: id → (text, meta)."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, tuple[str, dict[str, Any]]] = {}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            for cid, text, meta in self._db.execute(
                    f"SELECT id, text, meta_json FROM chunks WHERE id IN ({','.join('?' * len(part))})", part):
                out[cid] = (text, json.loads(meta))
        return out

    def chunk_ids(self, doc_ids: Iterable[str] | None = None) -> list[str]:
        """Ids of the chunks of these documents (all chunks when None), in library order."""
        if doc_ids is None:
            return [r[0] for r in self._db.execute("SELECT id FROM chunks ORDER BY doc_id, idx")]
        doc_ids = list(dict.fromkeys(doc_ids))
        out: list[str] = []
        for i in range(0, len(doc_ids), 500):
            part = doc_ids[i:i + 500]
            out.extend(r[0] for r in self._db.execute(
                f"SELECT id FROM chunks WHERE doc_id IN ({','.join('?' * len(part))}) ORDER BY doc_id, idx", part))
        return out

    def chunk_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def chunk_map(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """All chunks known to SQLite: id → (text, meta). Cached per generation. Memory grows with the library
        (about 0.7 GB at 221,000 chunks): the query path uses :meth:`chunks_by_ids` / :meth:`chunk_ids`."""
        gen = self.generation
        with self._lock:
            if self._chunk_cache is None or self._chunk_cache[0] != gen:
                m = {cid: (text, json.loads(meta)) for cid, text, meta in
                     self._db.execute("SELECT id, text, meta_json FROM chunks ORDER BY doc_id, idx")}
                self._chunk_cache = (gen, m)
            return self._chunk_cache[1]

    # ----------------------------------------------------------------- derived indexes
    @property
    def embedder(self):
        if not self._embedder_loaded:
            self._embedder_loaded = True
            if self._dense_enabled:
                from .embeddings import load_embedder

                self._embedder = load_embedder(self.settings.embedding_model, self.settings.embedding_fallback)
        return self._embedder

    def collection(self):
        """The Chroma collection for the current embedding model, or None (no model / no server)."""
        if self._collection is not None or self.embedder is None:
            return self._collection
        try:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            cs = ChromaSettings(anonymized_telemetry=False)
            if self.settings.chroma_mode == "http":
                self._chroma = chromadb.HttpClient(host=self.settings.chroma_host, port=int(self.settings.chroma_port),
                                                   settings=cs)
            else:
                self._chroma = chromadb.PersistentClient(path=str(self.dir / "chroma"), settings=cs)
            name = f"chunks-{self.embedder.slug}"
            if self.settings.chroma_mode == "http":  # a shared server: each library reconciles only its own
                name += f"-{self.library_id}"
            self._collection = self._chroma.get_or_create_collection(
                name=name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
        except Exception as exc:
            self._chroma_error = f"向量库不可用（{self.settings.chroma_mode}）：{exc}"
            log.warning(self._chroma_error)
            self._collection = None
        return self._collection

    def sync_indexes(self, progress: Progress | None = None) -> dict[str, int]:
        """Reconcile Chroma and BM25 with SQLite. Returns counts of chunks added/deleted in Chroma."""
        stats = {"dense_added": 0, "dense_deleted": 0}
        with self._lock:
            self._sync_bm25()
            col = self.collection()
            if col is None:
                return stats
            try:
                known = self.chunk_ids()
                have = set(col.get(include=[])["ids"])
                extra = sorted(have - set(known))
                for i in range(0, len(extra), 500):
                    col.delete(ids=extra[i:i + 500])
                missing = [cid for cid in known if cid not in have]
                del known
                for i in range(0, len(missing), 64):
                    ids = missing[i:i + 64]
                    chunks = self.chunks_by_ids(ids)
                    ids = [c for c in ids if c in chunks]
                    texts = [chunks[c][0] for c in ids]
                    col.add(ids=ids, embeddings=self.embedder.embed(texts), documents=texts,
                            metadatas=[_chroma_meta(chunks[c][1]) for c in ids])
                    if progress:
                        done = min(i + 64, len(missing))
                        progress(done, len(missing), f"语义向量 {done}/{len(missing)}")
                stats = {"dense_added": len(missing), "dense_deleted": len(extra)}
                self._db.execute("INSERT INTO meta(key, value) VALUES('indexed_generation', ?) ON CONFLICT(key) "
                                 "DO UPDATE SET value=excluded.value", (str(self.generation),))
            except Exception as exc:
                self._chroma_error = f"向量库同步失败：{exc}"
                log.warning(self._chroma_error)
        return stats

    def _sync_bm25(self) -> None:
        from .lexical import LexicalIndex

        gen = self.generation
        if self._bm25 is not None and self._bm25.generation == gen:
            return
        idx = LexicalIndex.load(self.dir / "bm25")
        if idx is None or idx.generation != gen or set(idx.ids) != set(self.chunk_ids()):
            # tokens were computed once per chunk at ingest (in the worker processes) and stored in SQLite:
            # a rebuild only re-counts them instead of re-running jieba over the whole library (a chunk's text
            # is read only when it has no stored tokens)
            rows = self._db.execute(
                "SELECT c.id, t.tokens, CASE WHEN t.tokens IS NULL THEN c.text ELSE '' END FROM chunks c "
                "LEFT JOIN chunk_tokens t ON t.id = c.id ORDER BY c.doc_id, c.idx")
            ids = [r[0] for r in rows]
            texts = [r[2] for r in rows]
            tokens = [r[1] for r in rows]
            del rows
            idx = LexicalIndex.build(ids, texts, gen, tokens=tokens)
            del texts, tokens
            idx.save(self.dir / "bm25")
        self._bm25 = idx

    def lexical(self):
        if self._bm25 is None or self._bm25.generation != self.generation:
            with self._lock:
                self._sync_bm25()
        return self._bm25

    def status(self) -> dict[str, Any]:
        from .embeddings import embedding_status

        emb = self.embedder
        col = self.collection() if emb is not None else None
        n_dense = 0
        if col is not None:
            try:
                n_dense = col.count()
            except Exception:
                n_dense = 0
        st = embedding_status()
        return {
            "data_dir": str(self.dir),
            "documents": len(self.document_ids()),
            "chunks": self.chunk_count(),
            "embedding_model": emb.name if emb else None,
            "embedding_fallback": bool(emb and emb.fallback),
            "dense": col is not None,
            "dense_chunks": n_dense,
            "chroma_mode": self.settings.chroma_mode,
            "chroma_error": self._chroma_error,
            "message": st.get("message") if self._dense_enabled else "语义检索已关闭，使用关键词检索与结构化表格。",
            "checks_available": _checks_importable(),
        }


class DocumentHandle:
    """A document of the library by its header (id, name, title, department, year, type …), held in memory;
    any other attribute (tables, figures, paragraphs, tables_of …) is read from the library's bounded
    document cache on access, so a handle behaves like the :class:`~assistant.documents.Document`."""

    __slots__ = ("_library", "id", "name", "path", "sha256", "source_format", "doc_type", "title", "year",
                 "department", "page_count", "__weakref__")

    def __init__(self, library: Library, header: dict[str, Any]) -> None:
        self._library = library
        self.id = header["id"]
        self.name = header.get("name", "")
        self.path = header.get("path", "")
        self.sha256 = header.get("sha256", "")
        self.source_format = header.get("source_format", "")
        self.doc_type = header.get("doc_type") or "other"
        self.title = header.get("title") or ""
        self.year = header.get("year")
        self.department = header.get("department") or ""
        self.page_count = header.get("page_count") or 0

    @property
    def doc_type_name(self) -> str:
        from assistant.documents import DOC_TYPES

        return DOC_TYPES.get(self.doc_type, self.doc_type)

    def load(self) -> Document:
        doc = self._library.load_document(self.id)
        if doc is None:
            raise LookupError(f"文档“{self.name}”已不在资料库中。")
        return doc

    def __getattr__(self, attr: str) -> Any:  # called only for what the header does not hold
        if attr.startswith("__") or attr == "_library":
            raise AttributeError(attr)
        return getattr(self.load(), attr)

    def __repr__(self) -> str:
        return f"DocumentHandle(id={self.id!r}, name={self.name!r})"


class _Rows(list):
    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


class _LockedDB:
    """One SQLite connection shared by the UI's threads: every statement runs under the library lock
    and its rows are fetched before the lock is released."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock) -> None:
        self._conn = conn
        self._lock = lock

    def execute(self, sql: str, args: Any = ()) -> _Rows:
        with self._lock:
            return _Rows(self._conn.execute(sql, args).fetchall())

    def executemany(self, sql: str, rows: Any) -> None:
        with self._lock:
            self._conn.executemany(sql, rows)

    def executescript(self, sql: str) -> None:
        with self._lock:
            self._conn.executescript(sql)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


_STATUS_CN = {"added": "已加入", "replaced": "已替换", "unchanged": "未变化，跳过", "error": "失败"}


def _checks_importable() -> bool:
    try:
        from assistant.checks import run_checks  # type: ignore[attr-defined]  # noqa: F401
    except Exception:
        return False
    return True


def _chroma_meta(meta: dict[str, Any]) -> dict[str, Any]:
    keep = ("doc_id", "doc_type", "year", "department", "project", "table", "table_kind", "kind", "page", "line")
    out: dict[str, Any] = {}
    for k in keep:
        v = meta.get(k)
        if isinstance(v, (str, int, float, bool)):
            out[k] = v
    return out


def _path_key(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:
        return str(path)
