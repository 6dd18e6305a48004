"""Many users on one library: threads ingesting and asking at the same time on one service (no exception,
no lost document, answers stay right), a second process writing the same library (SQLite locking), and
per-session state in the Gradio workspace (two browser sessions' chats and sources are independent)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, TEXT

from assistant.settings import Settings

ASK = {"媒体合作经费得分是多少": "97", "党政办去年三公经费花了多少": "8.77"}


def _settings(d: Path, **kw) -> Settings:
    return Settings(data_dir=d, ocr=False, embedding_model="", embedding_fallback="", **kw)


def _variants(d: Path, n: int, tag: str) -> list[Path]:
    d.mkdir(parents=True, exist_ok=True)
    body = TEXT["results"].read_text("utf-8")
    out = []
    for i in range(n):
        p = d / f"{tag}{i}.txt"
        p.write_text(body.replace("媒体合作经费", f"{tag}合作经费{i}"), "utf-8")
        out.append(p)
    return out


def _run_threads(targets: dict[str, callable], seconds: float = 60) -> dict[str, BaseException]:
    errors: dict[str, BaseException] = {}

    def wrap(name, fn):
        try:
            fn()
        except BaseException as exc:  # collected and asserted by the test
            errors[name] = exc

    threads = [threading.Thread(target=wrap, args=(n, f), name=n) for n, f in targets.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds)
        assert not t.is_alive(), f"{t.name} hangs"
    return errors


@pytest.fixture()
def svc(tmp_path):
    from assistant.qa.service import AssistantService

    s = AssistantService(_settings(tmp_path / "lib"), dense=False)
    s.ingest([TEXT["results"], TEXT["changnan"]])
    yield s
    s.close()


def test_threads_ingest_remove_and_ask_on_one_service(svc, tmp_path):
    a_files = _variants(tmp_path / "a", 4, "甲")
    b_files = _variants(tmp_path / "b", 4, "乙")
    stop = threading.Event()
    answers: list[tuple[str, str]] = []

    def ingester(files):
        def run():
            for f in files:
                r = svc.ingest([f])
                assert r[0]["status"] == "added", r
            # and one removal while others read
            assert svc.remove(files[0].name)
        return run

    def asker():
        while not stop.is_set():
            for q, want in ASK.items():
                out = svc.ask(q)
                assert out["found"] and out["figures"][0]["value"] == want, out
                answers.append((q, out["figures"][0]["value"]))

    def reader():
        while not stop.is_set():
            names = {d["name"] for d in svc.documents()}
            assert {TEXT["results"].name, TEXT["changnan"].name} <= names
            svc.findings()
            svc.status()
            svc.search("合作经费 得分", k=3)

    def writers():
        errs = _run_threads({"ingest-a": ingester(a_files), "ingest-b": ingester(b_files)})
        stop.set()
        if errs:
            raise next(iter(errs.values()))

    errors = _run_threads({"writers": writers, "ask-1": asker, "ask-2": asker, "ask-3": asker, "reader": reader})
    assert not errors, errors
    assert answers
    names = {d["name"] for d in svc.documents()}
    want = {TEXT["results"].name, TEXT["changnan"].name} | {f.name for f in a_files[1:] + b_files[1:]}
    assert names == want
    lib = svc.library
    assert set(lib.lexical().ids) == set(lib.chunk_map())
    for f in a_files[1:] + b_files[1:]:
        out = svc.ask(f"{f.stem[0]}合作经费{f.stem[1:]}得分是多少")
        assert out["found"] and out["figures"][0]["value"] == "97", out


def test_same_file_uploaded_by_two_users_at_once_is_added_once(svc, tmp_path):
    f = _variants(tmp_path / "same", 1, "丙")[0]
    results: list[dict] = []
    errors = _run_threads({f"u{i}": (lambda: results.extend(svc.ingest([f]))) for i in range(4)})
    assert not errors
    assert sorted(r["status"] for r in results) == ["added", "unchanged", "unchanged", "unchanged"]
    assert [d["name"] for d in svc.documents()].count(f.name) == 1


def test_workspace_services_concurrent_uploads_and_questions(tmp_path):
    from assistant.ui.services import Services

    s = Services(_settings(tmp_path / "ui"), dense=False)
    s.ingest([TEXT["results"], TEXT["changnan"]])
    files = _variants(tmp_path / "up", 6, "丁")
    stop = threading.Event()
    got: list[str] = []

    def upload(part):
        def run():
            for f in part:
                r = s.ingest([f])[0]
                assert r.status == "added", r
        return run

    def asker():
        while not stop.is_set():
            out = s.ask("媒体合作经费得分是多少")
            assert out["found"] and out["figures"][0]["value"] == "97"
            got.append(out["figures"][0]["value"])

    def uploads():
        errs = _run_threads({"u1": upload(files[:3]), "u2": upload(files[3:])})
        stop.set()
        if errs:
            raise next(iter(errs.values()))

    errors = _run_threads({"uploads": uploads, "a1": asker, "a2": asker})
    assert not errors, errors
    assert got and len(s.documents()) == 8
    assert all((s.files_dir / sha).is_dir() for sha in {d["sha256"][:16] for d in s.documents()})


def test_a_second_process_writing_the_library_while_the_service_answers(svc, tmp_path):
    """The CLI ingesting into the library a running server holds (SQLite WAL + busy timeout)."""
    files = _variants(tmp_path / "cli", 3, "戊")
    env = {**os.environ, "AUDIT_OCR": "0", "AUDIT_EMBEDDING_MODEL": "", "AUDIT_EMBEDDING_FALLBACK": "",
           "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", *map(str, files), "--library",
                          str(svc.settings.data_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                         text=True)
    n = 0
    while p.poll() is None:
        out = svc.ask("媒体合作经费得分是多少")
        assert out["found"] and out["figures"][0]["value"] == "97"
        n += 1
    out_s, err_s = p.communicate()
    assert p.returncode == 0, err_s
    assert n > 0
    # the service sees the other process's documents and finds them
    names = {d["name"] for d in svc.documents()}
    assert {f.name for f in files} <= names
    out = svc.ask("戊合作经费2得分是多少")
    assert out["found"] and out["figures"][0]["value"] == "97", out


# ----- sessions in the Gradio app -------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from assistant.ui.serve import create, launch

    settings = _settings(tmp_path_factory.mktemp("app"), host="127.0.0.1", port=_free_port())
    demo, services = create(settings, no_samples=True, dense=False)
    services.ingest([TEXT["results"], TEXT["changnan"]])
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{settings.port}/", services
    demo.close()


def _chat_text(history) -> str:
    out = []
    for m in history:
        c = m["content"]
        out.append(c if isinstance(c, str) else " ".join(str(x.get("text", "")) for x in c))
    return "\n".join(out).replace("\\", "")  # markdown escapes (8\\.77) removed


def _html(v) -> str:
    return v.get("value", "") if isinstance(v, dict) else str(v)


def test_two_sessions_have_independent_chats_and_sources(app):
    from gradio_client import Client

    url, _ = app
    a = Client(url, verbose=False)
    b = Client(url, verbose=False)
    _, hist_a, _ = a.predict("媒体合作经费得分是多少", [], "__all__", api_name="/respond")
    _, hist_b, _ = b.predict("党政办去年三公经费花了多少", [], "__all__", api_name="/respond")
    assert "97" in _chat_text(hist_a) and "8.77" not in _chat_text(hist_a)
    assert "8.77" in _chat_text(hist_b) and "媒体合作经费" not in _chat_text(hist_b)
    # each session's “sources” state is its own: source 0 opens that session's document
    html_a = _html(a.predict(0, api_name="/show")[1])
    html_b = _html(b.predict(0, api_name="/show")[1])
    assert TEXT["results"].name in html_a and TEXT["changnan"].name not in html_a
    assert TEXT["changnan"].name in html_b and TEXT["results"].name not in html_b
    # clearing one chat leaves the other alone
    a.predict(api_name="/reset")
    html_b2 = _html(b.predict(0, api_name="/show")[1])
    assert html_b2 == html_b


def test_concurrent_sessions_through_the_app(app):
    from gradio_client import Client

    url, _ = app
    errors: list[BaseException] = []
    seen: list[str] = []

    def session(q, want):
        try:
            c = Client(url, verbose=False)
            for _ in range(2):
                _, hist, _ = c.predict(q, [], "__all__", api_name="/respond")
                text = _chat_text(hist)
                assert want in text, text
                seen.append(want)
        except BaseException as exc:
            errors.append(exc)

    qs = list(ASK.items()) * 4  # 8 sessions
    threads = [threading.Thread(target=session, args=qa) for qa in qs]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(seen) == 2 * len(qs) and time.monotonic() - t0 < 120


def test_upload_named_like_a_path_stays_in_the_library(app, tmp_path):
    """A raw multipart upload named “../../逃逸 a/b.txt” is stored as b.txt inside the data dir, and a client
    cannot make the app ingest a server file it did not upload."""
    import json
    import urllib.request
    import uuid

    from gradio_client import Client

    url, services = app
    body = TEXT["results"].read_text("utf-8").replace("媒体合作经费", "媒体合作经费逃逸")
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="../../逃逸 a/b.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n")
    data = head.encode() + body.encode() + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url + "gradio_api/upload", data=data,
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        uploaded = json.loads(r.read())
    c = Client(url, verbose=False)
    fd = {"path": uploaded[0], "meta": {"_type": "gradio.FileData"}, "orig_name": "../../逃逸 a/b.txt"}
    progress = c.predict([fd], api_name="/do_ingest")[0]
    assert progress["data"][0][1] == "已导入", progress
    doc = next(d for d in services.documents() if "/" not in d["name"] and d["name"].endswith("b.txt"))
    stored = Path(services.document(doc["id"]).path).resolve()
    assert stored.is_relative_to(Path(services.settings.data_dir).resolve())
    services.remove(doc["id"])

    # a FileData naming a server path it did not upload (raw API: gradio_client would upload a local file)
    secret = tmp_path / "服务器上的文件.txt"
    secret.write_text(TEXT["results"].read_text("utf-8"), "utf-8")
    before = [d["id"] for d in services.documents()]
    call = json.dumps({"data": [[{"path": str(secret), "meta": {"_type": "gradio.FileData"}}]]}).encode()
    req = urllib.request.Request(url + "gradio_api/call/do_ingest", data=call,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        event = json.loads(r.read())["event_id"]
    with urllib.request.urlopen(url + f"gradio_api/call/do_ingest/{event}", timeout=60) as r:
        stream = r.read().decode()
    assert "event: error" in stream and "服务器上的文件" not in stream
    assert [d["id"] for d in services.documents()] == before
