"""Batch ingest: parallel, resumable after an interruption, no re-extraction of committed files, BM25
rebuilt from stored tokens, and the CLI's progress bar."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import Settings
from index import library as library_mod
from index.library import Library

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples" / "text"


@pytest.fixture()
def reports(tmp_path: Path) -> list[Path]:
    """Six distinct text reports derived from the samples (the scale corpus's own variation)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from corpus import vary_text
    finally:
        sys.path.pop(0)
    out = tmp_path / "batch"
    out.mkdir()
    texts = sorted(SAMPLES.glob("*.txt"))
    paths = []
    for i in range(6):
        src = texts[[0, 2, 3, 0, 2, 3][i]]  # the smaller samples keep the test fast
        p = out / f"r{i:02d}_{src.stem[:8]}.txt"
        p.write_text(vary_text(src.read_text("utf-8"), i + 1), "utf-8")
        paths.append(p)
    return paths


def _settings(tmp_path: Path) -> Settings:
    return Settings.from_env(data_dir=str(tmp_path / "lib"), ocr=False, llm_provider="none")


def _counting(monkeypatch, log: Path) -> None:
    """Record every extraction and every content hash in ``log`` (works in forked worker processes)."""
    real_prepare, real_sha = library_mod.prepare, library_mod.file_sha256

    def prepare(path, settings):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"extract {Path(path).name}\n")
        return real_prepare(path, settings)

    def sha(path):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"hash {Path(path).name}\n")
        return real_sha(path)

    monkeypatch.setattr(library_mod, "prepare", prepare)
    monkeypatch.setattr(library_mod, "file_sha256", sha)


def _events(log: Path, kind: str) -> list[str]:
    if not log.exists():
        return []
    return [ln.split(" ", 1)[1] for ln in log.read_text("utf-8").splitlines() if ln.startswith(kind + " ")]


def test_interrupted_batch_resumes_without_reextracting(tmp_path, reports, monkeypatch):
    log = tmp_path / "events.log"
    _counting(monkeypatch, log)
    k = 3

    def interrupt_after_k(done: int, total: int, msg: str) -> None:
        if "已加入" in msg and done >= k:
            raise KeyboardInterrupt

    lib = Library(_settings(tmp_path), dense=False)
    with pytest.raises(KeyboardInterrupt):
        lib.ingest([reports[0].parent], progress=interrupt_after_k, workers=2)
    committed = {d["name"] for d in lib.documents()}
    lib.close()
    assert len(committed) == k
    log.unlink()

    lines: list[tuple[int, int, str]] = []
    lib = Library(_settings(tmp_path), dense=False)
    results = lib.ingest([reports[0].parent], progress=lambda d, t, m: lines.append((d, t, m)), workers=2)
    statuses = {Path(r.path).name: r.status for r in results}
    assert [statuses[n] for n in sorted(committed)] == ["unchanged"] * k
    assert sum(s == "added" for s in statuses.values()) == len(reports) - k

    # every report is in the library exactly once
    names = [d["name"] for d in lib.documents()]
    assert sorted(names) == sorted(p.name for p in reports)
    assert len(set(lib.document_ids())) == len(reports)
    # the resumed run neither extracted nor even hashed the committed files (manifest: path, size, mtime)
    assert not committed & set(_events(log, "extract"))
    assert not committed & set(_events(log, "hash"))
    assert set(_events(log, "extract")) == {p.name for p in reports} - committed
    # progress: one call per file, then the index update
    assert [d for d, _, _ in lines[:len(reports)]] == list(range(1, len(reports) + 1))
    assert all(t == len(reports) for _, t, _ in lines)
    # BM25 covers all chunks of all reports, each once
    lex = lib.lexical()
    assert len(lex.ids) == len(set(lex.ids)) == len(lib.chunk_map())
    lib.close()


def test_changed_file_is_hashed_again(tmp_path, reports, monkeypatch):
    lib = Library(_settings(tmp_path), dense=False)
    lib.ingest(reports[:2], workers=1)
    log = tmp_path / "events.log"
    _counting(monkeypatch, log)
    os.utime(reports[0], ns=(1, 1))  # same content, new mtime: hashed, not extracted
    reports[1].write_text(reports[1].read_text("utf-8") + "\n补充说明。\n", "utf-8")  # new content
    res = {Path(r.path).name: r.status for r in lib.ingest(reports[:2], workers=1)}
    assert res == {reports[0].name: "unchanged", reports[1].name: "replaced"}
    assert sorted(_events(log, "hash")) == sorted([reports[0].name, reports[1].name])
    assert _events(log, "extract") == [reports[1].name]
    assert len(lib.document_ids()) == 2
    lib.close()


def test_bm25_rebuild_uses_stored_tokens(tmp_path, reports, monkeypatch):
    import shutil

    from index import lexical

    lib = Library(_settings(tmp_path), dense=False)
    lib.ingest(reports[:2], workers=1)
    before = lib.lexical().search("三公经费", k=5)
    lib.close()
    shutil.rmtree(tmp_path / "lib" / "bm25")  # force a rebuild on open

    calls = []
    real = lexical.tokenize
    monkeypatch.setattr(lexical, "tokenize", lambda t: calls.append(t) or real(t))
    lib = Library(_settings(tmp_path), dense=False)
    idx = lib.lexical()
    assert calls == []  # no chunk re-tokenized
    assert idx.search("三公经费", k=5) == before
    lib.close()


def test_cli_progress_bar_and_resume(tmp_path, reports):
    env = dict(os.environ, AUDIT_OCR="false", AUDIT_LLM_PROVIDER="none", AUDIT_EMBEDDING_MODEL="",
               AUDIT_EMBEDDING_FALLBACK="")
    cmd = [sys.executable, "-m", "assistant", "ingest", str(reports[0].parent), "--library", str(tmp_path / "cli"),
           "--workers", "2"]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "[1/6] 16.7% " in first.stderr and "[6/6] 100.0% " in first.stderr
    assert json.loads(first.stdout)["summary"]["added"] == 6
    again = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["summary"] == {"added": 0, "replaced": 0, "unchanged": 6, "error": 0}
