"""Memory that does not grow with the library on the query path: the engine keeps light entity records
(stored at ingest, migrated for older libraries), full documents are read through a bounded LRU, and a
question that names no report over a large library reads only a bounded number of documents."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

QUESTIONS = [
    "党政办去年三公经费花了多少",
    "无纸化那个项目得分多少",
    "无纸化办公经费的执行率",
    "蓉江政务服务中心基本支出是多少",
    "哪个项目得分最低",
    "党政办三公经费全年预算数比决算数多多少",
    "政务服务中心存在哪些问题",
    "有哪些不一致",
    "复核一下无纸化办公经费的执行率",
    "经开区财政重点绩效评价结果中得分最高的项目",
]


def _settings(d, **kw):
    from assistant.settings import Settings

    return Settings(data_dir=d, ocr=False, llm_provider="none", **kw)


@pytest.fixture(scope="module")
def small_lib(tmp_path_factory, docs):
    """Three sample reports in a library directory (reopened by each test with its own settings)."""
    from index.library import Library

    d = tmp_path_factory.mktemp("small")
    lib = Library(_settings(d), dense=False)
    for key in ("changnan", "results", "rongjiang"):
        lib.add_document(docs(key))
    lib.close()
    return d


def _answers(svc, questions=QUESTIONS):
    out = []
    for q in questions:
        a = svc.ask(q, use_llm=False)
        out.append((a["answer"], a["found"], a["route"], [(f.get("value"), f.get("text")) for f in a["figures"]]))
    return out


def test_engine_keeps_light_records_and_lru_is_bounded(small_lib):
    from assistant.qa.service import AssistantService
    from index.library import DocumentHandle

    big = AssistantService(_settings(small_lib), dense=False)
    reference = _answers(big)
    big.close()

    svc = AssistantService(_settings(small_lib, doc_cache_size=1), dense=False)
    lib = svc.library
    svc.engine._refresh()
    assert lib.documents_loaded == 0  # the engine's state comes from the entity records alone
    assert all(isinstance(d, DocumentHandle) for d in svc.engine._docs)
    assert {p.doc.id for p in svc.engine._projects} <= {d.id for d in svc.engine._docs}
    seen = 0
    for _ in range(3):
        for q in QUESTIONS:
            svc.ask(q, use_llm=False)
            seen = max(seen, len(lib.cached_document_ids()))
    assert seen <= 1 and len(lib.cached_document_ids()) <= 1
    assert lib.documents_loaded > 3  # documents were evicted and read again
    # a one-document cache gives the same answers as one that holds the whole library
    assert _answers(svc) == reference
    svc.close()


def test_migration_of_a_library_without_entity_records(small_lib, tmp_path):
    import shutil

    from assistant.qa.service import AssistantService

    old = tmp_path / "old"
    shutil.copytree(small_lib, old)
    with _ctx(small_lib) as ref:
        reference = _answers(ref)
        records = dict(ref.library._db.execute("SELECT doc_id, json FROM doc_entities"))
    # a library written before the records existed: no doc_entities table at all
    con = sqlite3.connect(str(old / "library.sqlite3"))
    con.execute("DROP TABLE doc_entities")
    con.commit()
    con.close()
    svc = AssistantService(_settings(old), dense=False)
    lib = svc.library
    assert dict(lib._db.execute("SELECT doc_id, json FROM doc_entities")) == records
    assert lib.documents_loaded == 0 and not lib.cached_document_ids()  # migrated one at a time, not cached
    assert _answers(svc) == reference
    svc.close()
    # an outdated record version is recomputed on open; an up-to-date one is left alone
    con = sqlite3.connect(str(old / "library.sqlite3"))
    con.execute("UPDATE doc_entities SET version = 0, json = '{}' WHERE rowid = 1")
    con.commit()
    con.close()
    from index.library import Library

    lib = Library(_settings(old), dense=False)
    assert dict(lib._db.execute("SELECT doc_id, json FROM doc_entities")) == records
    assert lib._migrate_entities() == 0
    lib.close()


class _ctx:
    def __init__(self, d):
        from assistant.qa.service import AssistantService

        self.svc = AssistantService(_settings(d), dense=False)

    def __enter__(self):
        return self.svc

    def __exit__(self, *exc):
        self.svc.close()


@pytest.fixture(scope="module")
def many_lib(tmp_path_factory, docs):
    """40 reports: copies of two samples under other names and departments (cheap to build)."""
    from index.chunking import chunk_document
    from index.lexical import tokenize
    from index.library import Library, Prepared

    d = tmp_path_factory.mktemp("many")
    lib = Library(_settings(d), dense=False)
    base = [docs("results"), docs("changnan")]
    tokens = {b.id: [tokenize(c.text) for c in chunk_document(b)] for b in base}
    for i in range(40):
        b = base[i % 2]
        dept = f"{b.department}{i:03d}" if b.department else ""
        doc = dataclasses.replace(b, id=f"{b.id[:10]}-{i:03d}", name=f"copy{i:03d}_{b.name}", sha256=f"{i:064x}",
                                  department=dept, title=f"{dept or b.title}{i:03d}")
        lib.add_prepared(Prepared(doc=doc, chunks=chunk_document(doc), tokens=tokens[b.id]), sync=False)
    lib.sync_indexes()
    lib.close()
    return d


@pytest.mark.parametrize("question", ["哪个项目得分最低", "三公经费是多少", "无纸化办公经费的执行率",
                                      "党政办基本支出是多少", "存在哪些问题", "项目支出是多少"])
def test_unnamed_question_over_many_reports_reads_a_bounded_number(many_lib, question):
    from assistant.qa.service import AssistantService

    svc = AssistantService(_settings(many_lib, doc_cache_size=8, qa_max_documents=4), dense=False)
    lib = svc.library
    assert len(lib.document_ids()) == 40
    out = svc.ask(question, use_llm=False)
    assert lib.documents_loaded <= 4, (question, lib.documents_loaded)
    assert len(lib.cached_document_ids()) <= 8
    if out["found"] and out["route"] != "passage":
        assert "只查看了其中最相关的4份" in out["answer"]
    svc.close()


def test_many_reports_answers_stay_bounded_over_many_questions(many_lib):
    from assistant.qa.service import AssistantService

    svc = AssistantService(_settings(many_lib, doc_cache_size=6, qa_max_documents=4), dense=False)
    lib = svc.library
    for q in QUESTIONS * 2:
        before = lib.documents_loaded
        svc.ask(q, use_llm=False)
        assert lib.documents_loaded - before <= 6, q
        assert len(lib.cached_document_ids()) <= 6
    # a project named exactly decides which reports are read
    out = svc.ask("无纸化办公经费得分多少", use_llm=False)
    assert out["found"] and all(f["source"]["document"].endswith("001_bfd92035ac8a5750.txt") for f in out["figures"])
    # findings questions read SQLite only: every report is counted, none loaded
    before = lib.documents_loaded
    svc.ask("这些报告有哪些数据不一致", use_llm=False)
    assert lib.documents_loaded - before <= 1
    svc.close()


def test_retrieval_reads_only_the_chunks_it_needs(many_lib, monkeypatch):
    from index.library import Library
    from index.retriever import HybridRetriever

    lib = Library(_settings(many_lib), dense=False)

    def _no_chunk_map(self):  # the query path never reads every chunk
        raise AssertionError("chunk_map() on the query path")

    monkeypatch.setattr(Library, "chunk_map", _no_chunk_map)
    r = HybridRetriever(lib)
    hits = r.search("无纸化办公经费 得分", k=5)
    assert hits and all(h.text and h.meta.get("doc_id") for h in hits)
    some = hits[0].meta["doc_id"]
    scoped = r.search("无纸化办公经费 得分", k=5, filters={"doc_id": [some]})
    assert scoped and {h.meta["doc_id"] for h in scoped} == {some}
    typed = r.search("无纸化办公经费", k=5, filters={"doc_id": some, "kind": "row"})
    assert all(h.meta["kind"] == "row" and h.meta["doc_id"] == some for h in typed)
    assert lib.status()["chunks"] == lib.chunk_count() > 0
    lib.close()


def test_stored_document_reads_back_equal(docs, tmp_path):
    from index.library import Library

    lib = Library(_settings(tmp_path), dense=False)
    for key in ("changnan", "results"):  # text exports: no bounding boxes (rounded when stored)
        doc = docs(key)
        lib.add_document(doc, run_checks=False)
        back = lib.load_document(doc.id)
        assert back == doc and back.to_dict() == doc.to_dict()
        cell = next(c for t in back.tables for r in t.rows for c in r.cells.values())
        assert hash(cell) == hash(cell) and cell.source.document
    lib.close()
