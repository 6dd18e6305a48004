"""The services the browser workspace calls: library, answers, findings, status.

The UI talks to :class:`Services` only, never to storage. When the library + answering facade
(``index`` / ``assistant.qa``) is importable, :func:`build_services` delegates to it; until then a small
local library keeps copies of the uploaded files and their extracted documents under the data dir, runs
the check engine when it exists, and answers figure questions by looking the figure up in the tables.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import pickle
import re
import shutil
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..documents import Document, Row, Source, Table, normalize_label
from ..errors import AssistantError, UnreadableDocument
from ..settings import Settings

Progress = Callable[[int, int, str], None]
SUPPORTED = (".pdf", ".txt", ".md")
SEVERITIES = ("error", "warning", "info")


class UIServiceError(AssistantError):
    """A request from the workspace that cannot be served (unknown document, empty question …)."""


@dataclass
class IngestResult:
    """What happened to one uploaded file: ``added``, ``replaced``, ``unchanged`` or ``error``."""

    file: str
    status: str
    message: str
    document: str | None = None


@dataclass
class _Entry:
    doc_id: str
    name: str
    stored: str
    sha256: str
    findings: list[dict[str, Any]] = field(default_factory=list)
    not_checked: list[dict[str, Any]] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def rule_family(rule: str) -> str:
    """Return the family of a rule code: the part before the first dot or digit (“FA01” → “FA”)."""
    rule = rule or ""
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


def run_checks_for(doc: Document) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Given a document, return (findings, not_checked) from the check engine as plain dicts.

    When the check engine is not installed the document gets one “not checked” entry saying so."""
    try:
        checks = importlib.import_module("assistant.checks")
        run_checks = checks.run_checks
    except (ImportError, AttributeError):
        return [], [{"rule": "—", "reason": "核查引擎尚未安装，本文档未做数字复核。"}]
    report = run_checks(doc)
    findings = [_jsonable(f) for f in getattr(report, "findings", [])]
    not_checked = []
    for n in getattr(report, "not_checked", []):
        n = _jsonable(n)
        not_checked.append(n if isinstance(n, dict) else {"rule": "", "reason": str(n)})
    return findings, not_checked


class Services:
    """Library, answers and findings for the workspace (local implementation)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = Path(settings.data_dir) / "workspace"
        self.files_dir = self.root / "files"
        self.cache_dir = self.root / "documents"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._entries: dict[str, _Entry] = {}
        self._docs: dict[str, Document] = {}
        self._load_manifest()

    # ----- storage of the local library -------------------------------------------------------
    @property
    def _manifest(self) -> Path:
        return self.root / "manifest.json"

    def _load_manifest(self) -> None:
        if not self._manifest.exists():
            return
        try:
            data = json.loads(self._manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        for d in data.get("documents", []):
            e = _Entry(**d)
            if Path(e.stored).exists():
                self._entries[e.doc_id] = e

    def _save_manifest(self) -> None:
        data = {"documents": [e.__dict__ for e in self._entries.values()]}
        tmp = self._manifest.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        tmp.replace(self._manifest)

    # ----- library ------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], progress: Progress | None = None,
               names: Iterable[str] | None = None) -> list[IngestResult]:
        """Given files, add each to the library (same content twice = unchanged; same name with new
        content = replaced); return one result per file. Bad files never affect stored documents."""
        paths = [Path(p) for p in paths]
        names = list(names) if names is not None else [p.name for p in paths]
        results = []
        for i, (path, name) in enumerate(zip(paths, names, strict=False)):
            if progress:
                progress(i, len(paths), name)
            try:
                results.append(self._ingest_one(path, name))
            except AssistantError as exc:
                results.append(IngestResult(name, "error", str(exc)))
            except Exception as exc:  # a damaged file must not take the workspace down
                results.append(IngestResult(name, "error", f"文件“{name}”无法读取：{type(exc).__name__}"))
        if progress:
            progress(len(paths), len(paths), "")
        return results

    def _ingest_one(self, path: Path, name: str) -> IngestResult:
        if path.suffix.lower() not in SUPPORTED:
            raise UnreadableDocument(f"文件“{name}”的类型不受支持，请上传 PDF、TXT 或 MD 文件。")
        if not path.is_file():
            raise UnreadableDocument(f"文件“{name}”不存在或不是普通文件。")
        sha = file_sha256(path)
        with self._lock:
            for e in self._entries.values():
                if e.sha256 == sha:
                    return IngestResult(name, "unchanged", f"“{name}”已在资料库中（内容相同），未重复导入。", e.doc_id)
        from ..pipeline import load_document

        tmp = self.files_dir / f".incoming-{sha[:12]}{path.suffix.lower()}"
        shutil.copyfile(path, tmp)
        try:
            doc = load_document(tmp, self.settings)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        doc.name = name
        findings, not_checked = run_checks_for(doc)
        for f in findings:
            for loc in f.get("locations", []) or []:
                loc.setdefault("document", name)
        stored = self.files_dir / f"{doc.id}{path.suffix.lower()}"
        tmp.replace(stored)
        doc.path = str(stored)
        with self._lock:
            replaced = [e for e in self._entries.values() if e.name == name and e.doc_id != doc.id]
            for e in replaced:
                self._drop(e.doc_id)
            self._entries[doc.id] = _Entry(doc.id, name, str(stored), sha, findings, not_checked)
            self._docs[doc.id] = doc
            with open(self.cache_dir / f"{doc.id}.pkl", "wb") as fh:
                pickle.dump(doc, fh)
            self._save_manifest()
        status = "replaced" if replaced else "added"
        verb = "已替换旧版本" if replaced else "已导入"
        return IngestResult(name, status, f"“{name}”{verb}：{doc.doc_type_name}，{len(doc.tables)} 张表，"
                                          f"{len(findings)} 个问题。", doc.id)

    def _drop(self, doc_id: str) -> None:
        e = self._entries.pop(doc_id, None)
        self._docs.pop(doc_id, None)
        if e is not None:
            Path(e.stored).unlink(missing_ok=True)
        (self.cache_dir / f"{doc_id}.pkl").unlink(missing_ok=True)

    def remove(self, doc_id: str) -> str:
        """Remove a document from the library; return its name."""
        with self._lock:
            e = self._entry(doc_id)
            self._drop(e.doc_id)
            self._save_manifest()
            return e.name

    def is_empty(self) -> bool:
        return not self._entries

    def _entry(self, doc_id: str) -> _Entry:
        e = self._entries.get(doc_id)
        if e is None:
            for cand in self._entries.values():
                if cand.name == doc_id:
                    return cand
            raise UIServiceError(f"资料库中没有文档“{doc_id}”，请刷新列表后重试。")
        return e

    def document(self, doc_id: str) -> Document:
        """Return the extracted document (by id or file name)."""
        e = self._entry(doc_id)
        doc = self._docs.get(e.doc_id)
        if doc is None:
            cache = self.cache_dir / f"{e.doc_id}.pkl"
            try:
                with open(cache, "rb") as fh:
                    doc = pickle.load(fh)
            except Exception:
                from ..pipeline import load_document

                doc = load_document(e.stored, self.settings)
                doc.name = e.name
            self._docs[e.doc_id] = doc
        return doc

    def source_file(self, doc_id: str) -> Path:
        return Path(self._entry(doc_id).stored)

    def documents(self) -> list[dict[str, Any]]:
        """Return one summary per document with finding counts by severity and the not-checked count."""
        out = []
        for e in list(self._entries.values()):
            try:
                s = self.document(e.doc_id).summary()
            except AssistantError:
                continue
            s["name"] = e.name
            counts = {sev: 0 for sev in SEVERITIES}
            for f in e.findings:
                counts[f.get("severity", "info")] = counts.get(f.get("severity", "info"), 0) + 1
            s["findings"] = counts
            s["not_checked"] = len(e.not_checked)
            out.append(s)
        return sorted(out, key=lambda s: s["name"])

    # ----- findings ------------------------------------------------------------------------------
    def findings(self, document: str | None = None) -> list[dict[str, Any]]:
        """Return findings (each with ``id`` and ``document``), of one document or all."""
        entries = [self._entry(document)] if document else list(self._entries.values())
        out = []
        for e in sorted(entries, key=lambda e: e.name):
            for i, f in enumerate(e.findings):
                out.append({**f, "id": f"{e.doc_id}:{i}", "document": e.name, "document_id": e.doc_id})
        return out

    def not_checked(self, document: str | None = None) -> list[dict[str, Any]]:
        entries = [self._entry(document)] if document else list(self._entries.values())
        return [{**n, "document": e.name} for e in entries for n in e.not_checked]

    # ----- answers -------------------------------------------------------------------------------
    def ask(self, question: str, document: str | None = None) -> dict[str, Any]:
        """Answer a question from the library: {answer, found, figures, citations}."""
        question = (question or "").strip()
        if not question:
            raise UIServiceError("问题为空，请输入要查询的内容。")
        if len(question) > 500:
            raise UIServiceError("问题过长（超过 500 字），请精简后再问。")
        docs = [self.document(document)] if document else [self.document(e) for e in list(self._entries)]
        if not docs:
            return {"answer": "资料库为空，请先在“资料库”页上传报告。", "found": False, "figures": [], "citations": []}
        return lookup_answer(question, docs)

    # ----- status --------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        docs = self.documents()
        s = self.settings
        llm = "未配置（仅用确定性模板作答）" if s.llm_provider == "none" else f"{s.llm_provider} / {s.llm_model}"
        return {
            "engine": "本地资料库（检索引擎尚未接入，按表格查数作答）",
            "embedding_model": "未使用（按表格查数，无需向量模型）",
            "llm": llm,
            "documents": len(docs),
            "tables": sum(d["tables"] for d in docs),
            "pages": sum(d["pages"] or 0 for d in docs),
            "findings": sum(sum(d["findings"].values()) for d in docs),
            "data_dir": str(s.data_dir),
        }


# ----- figure lookup (used until the answering engine lands) -------------------------------------
_ASK_WORDS = re.compile(r"(是多少|多少|是什么|为多少|请问|查询|一下|吗|？|\?|。|，|,|\s)")


def _label_of(row: Row) -> str:
    return normalize_label(row.label)


def _row_score(q: str, label: str) -> int:
    if not label or len(label) < 2:
        return 0
    return len(label) if label in q else 0


def _column_candidates(table: Table, row: Row, q: str) -> list[tuple[int, str]]:
    out = []
    for col, cell in row.cells.items():
        if not cell.is_number or cell.kind == "code":
            continue
        parts = [normalize_label(p) for p in col.split("/") if p]
        score = max((len(p) for p in parts if p and p in q), default=0)
        out.append((score, col))
    return out


def lookup_answer(question: str, docs: list[Document]) -> dict[str, Any]:
    """Given a question and documents, return the best-matching table cell as an answer with citation."""
    q = normalize_label(_ASK_WORDS.sub("", question))
    best: tuple[int, Document, Table, Row, str] | None = None
    for doc in docs:
        bonus = 0
        for key in (doc.department, doc.name.rsplit(".", 1)[0]):
            k = normalize_label(key or "")
            if k and (k in q or any(part in q for part in re.split(r"[市区县委局部办]", k) if len(part) >= 3)):
                bonus = 5
        if doc.year and str(doc.year) in q:
            bonus += 1
        for table in doc.tables:
            title_bonus = 3 if table.title and normalize_label(table.title)[:6] in q else 0
            for row in table.rows:
                rs = _row_score(q, _label_of(row))
                if not rs:
                    continue
                for cs, col in _column_candidates(table, row, q):
                    score = rs * 2 + cs * 2 + bonus + title_bonus
                    if best is None or score > best[0]:
                        best = (score, doc, table, row, col)
    if best is None or best[0] < 6:
        return {"answer": "未在资料库的表格中找到与问题对应的数字。请换用报表中的行名或列名提问，或指定文档。",
                "found": False, "figures": [], "citations": []}
    _, doc, table, row, col = best
    cell = row.cells[col]
    unit = cell.unit or table.unit or ""
    src = cell.source
    where = src.where() or ""
    answer = (f"{doc.department or doc.name}{doc.year or ''}年度 {table.kind_name}中，“{row.label}”的“{col}”为 "
              f"{cell.text} {unit}（{where}）。")
    citation = {"document": doc.name, "document_id": doc.id, "page": src.page, "line": src.line,
                "table": table.id, "row": row.label, "column": col, "text": cell.text,
                "bbox": list(src.bbox) if src.bbox else None}
    figure = {"value": str(cell.value), "unit": unit, "source": {**_source_dict(src), "document": doc.name}}
    return {"answer": answer, "found": True, "figures": [figure], "citations": [citation]}


def _source_dict(src: Source) -> dict[str, Any]:
    return src.to_dict()


def build_services(settings: Settings) -> Services:
    """Return the services object for the workspace (the library facade when available)."""
    facade = _load_facade()
    if facade is not None:
        from .facade import FacadeServices

        return FacadeServices(settings, facade)
    return Services(settings)


def _load_facade() -> Any | None:
    """Return the library facade class if the retrieval/answering package provides one, else None."""
    for module, attr in (("assistant.qa.service", "LibraryService"), ("assistant.qa", "LibraryService")):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        cls = getattr(mod, attr, None)
        if cls is not None:
            return cls
    return None
