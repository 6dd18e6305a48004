"""Uploads through the workspace services are read in a worker process, not in the server's threads: the
pid recorded by the worker differs from the server's, a bad file comes back as the Chinese message (the
worker lives on), a worker that dies is replaced, and where no worker can be started the server reads the
file itself (said in the log)."""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

import pytest
from conftest import PDF, TEXT

from assistant.settings import Settings

KNOWN = ("媒体合作经费得分是多少", "97")


def _settings(d: Path, **kw) -> Settings:
    base = dict(data_dir=d, ocr=False, embedding_model="", embedding_fallback="")
    base.update(kw)
    return Settings(**base)


def _variant(d: Path, tag: str) -> Path:
    """The results sample with a new content hash and a renamed item (媒体合作经费 → 媒体合作经费<tag>)."""
    d.mkdir(parents=True, exist_ok=True)
    p = d / f"{tag}-{TEXT['results'].name}"
    p.write_text(TEXT["results"].read_text("utf-8").replace("媒体合作经费", f"媒体合作经费{tag}"), "utf-8")
    return p


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


def _state(svc) -> tuple:
    docs = sorted((d["id"], d["name"], d["sha256"]) for d in svc.documents())
    files = sorted(p for p in svc.files_dir.rglob("*") if p.is_file())
    return docs, files


def _crash_on_marked(path: str, settings: Settings):
    """Stands in for ``index.library.prepare_in_worker`` in the worker: dies on files named “崩溃…”."""
    import index.library

    if "崩溃" in Path(path).name:
        os._exit(3)
    return index.library.prepare_in_worker(path, settings)


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    from assistant.ui.services import Services

    s = Services(_settings(tmp_path_factory.mktemp("worker")), dense=False)
    yield s
    s.close()


def test_upload_is_read_in_another_process_and_committed_here(svc, tmp_path):
    res = svc.ingest([TEXT["results"]])[0]
    assert res.status == "added", res
    assert res.worker_pid and res.worker_pid != os.getpid() and res.worker_pid == svc.worker_pid
    assert f"PPid:\t{os.getpid()}\n" in Path(f"/proc/{res.worker_pid}/status").read_text()  # our child
    out = svc.ask(KNOWN[0])  # committed in this process: found at once
    assert out["found"] and out["figures"][0]["value"] == KNOWN[1]
    again = svc.ingest([TEXT["results"]])[0]  # idempotent by content hash, not read again
    assert again.status == "unchanged" and again.worker_pid is None
    pdf = svc.ingest([PDF["shegong"]])[0]
    assert pdf.status == "added" and pdf.worker_pid == res.worker_pid, pdf
    assert svc.document(pdf.document).tables


@pytest.mark.parametrize("kind", ["corrupt", "encrypted", "empty"])
def test_bad_file_in_the_worker_is_the_chinese_message_and_the_worker_lives_on(svc, tmp_path, kind):
    from pypdf import PdfReader, PdfWriter

    if not svc.documents():
        svc.ingest([TEXT["results"]])
    pid = svc.worker_pid or svc.ingest([_variant(tmp_path, "预热")])[0].worker_pid
    if kind == "corrupt":
        bad, fragment = tmp_path / "损坏的报告.pdf", "不是有效的 PDF"
        bad.write_bytes(PDF["shegong"].read_bytes()[:2000])
    elif kind == "encrypted":
        bad, fragment = tmp_path / "受保护.pdf", "加密的 PDF"
        w = PdfWriter()
        w.add_page(PdfReader(str(PDF["shegong"])).pages[0])
        w.encrypt(user_password="pw", owner_password="owner")
        with open(bad, "wb") as fh:
            w.write(fh)
    else:
        bad, fragment = tmp_path / "空文件.txt", "空文件"
        bad.write_bytes(b"")
    before = _state(svc)
    res = svc.ingest([bad])[0]
    assert res.status == "error" and bad.name in res.message and fragment in res.message, res
    assert "Traceback" not in res.message
    assert res.worker_pid == pid != os.getpid()  # read (and refused) in the worker, which did not die
    assert _state(svc) == before  # nothing stored, no stray copy
    good = svc.ingest([_variant(tmp_path, kind)])[0]
    assert good.status == "added" and good.worker_pid == pid


def test_a_dead_worker_is_replaced(svc, tmp_path):
    first = svc.ingest([_variant(tmp_path, "甲")])[0]
    old = first.worker_pid
    assert old and _alive(old)
    os.kill(old, signal.SIGKILL)
    for _ in range(100):
        if not _alive(old):
            break
        time.sleep(0.05)
    res = svc.ingest([_variant(tmp_path, "乙")])[0]
    assert res.status == "added", res
    assert res.worker_pid and res.worker_pid not in (old, os.getpid()) and res.worker_pid == svc.worker_pid
    out = svc.ask("媒体合作经费乙得分是多少")
    assert out["found"] and out["figures"][0]["value"] == "97", out


def test_a_file_that_kills_the_worker_is_refused_in_chinese(svc, tmp_path, monkeypatch):
    import index.library

    svc.ingest([_variant(tmp_path, "丙")])
    monkeypatch.setattr(index.library, "prepare_in_worker", _crash_on_marked)
    bad = _variant(tmp_path / "bad", "崩溃")
    before = _state(svc)
    res = svc.ingest([bad])[0]
    assert res.status == "error", res
    assert bad.name in res.message and "后台进程意外退出" in res.message and "未作任何改动" in res.message, res
    assert _state(svc) == before
    good = svc.ingest([_variant(tmp_path, "丁")])[0]  # a new worker reads the next upload
    assert good.status == "added" and good.worker_pid not in (None, os.getpid()), good


def test_close_stops_the_worker(tmp_path):
    from assistant.ui.services import Services

    s = Services(_settings(tmp_path / "lib"), dense=False)
    pid = s.ingest([TEXT["results"]])[0].worker_pid
    assert pid and _alive(pid)
    s.close()
    for _ in range(100):
        if not _alive(pid):
            break
        time.sleep(0.05)
    assert not _alive(pid)


def test_setting_off_reads_in_the_server(tmp_path):
    from assistant.ui.services import Services

    s = Services(_settings(tmp_path / "lib", upload_worker=False), dense=False)
    try:
        res = s.ingest([TEXT["results"]])[0]
        assert res.status == "added" and res.worker_pid == os.getpid()
        assert Settings.from_env({"AUDIT_UPLOAD_WORKER": "0"}).upload_worker is False
    finally:
        s.close()


def test_no_worker_process_falls_back_to_the_server_thread(tmp_path, monkeypatch, caplog):
    from assistant.ui import services as services_mod

    def no_processes(*a, **kw):
        raise OSError("no semaphores here")

    monkeypatch.setattr(services_mod, "ProcessPoolExecutor", no_processes)
    s = services_mod.Services(_settings(tmp_path / "lib"), dense=False)
    try:
        with caplog.at_level(logging.WARNING, logger="assistant.ui.services"):
            res = s.ingest([TEXT["results"]])[0]
            bad = tmp_path / "空文件.txt"
            bad.write_bytes(b"")
            err = s.ingest([bad])[0]
        assert res.status == "added" and res.worker_pid == os.getpid()
        assert err.status == "error" and "空文件" in err.message
        assert any("服务进程内读取" in r.getMessage() for r in caplog.records)
        assert "无法启动" in s.worker_note
    finally:
        s.close()
