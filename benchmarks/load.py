"""Load test of the workspace: many chat sessions and uploads at the same time against one app.

The app runs as a child process on 127.0.0.1 (a fresh data dir with the sample reports ingested by the
CLI first); the load comes from ``gradio_client`` sessions through the app's own API, exactly the
endpoints the browser uses (``/respond`` for chat, ``/do_ingest`` for uploads). No traffic leaves the
machine.

Usage: .venv/bin/python benchmarks/load.py [--chats 8] [--uploads 2] [--seconds 60] [--max-requests 400]
                                           [--dense] [--upload-format text|pdf] [--name load]
Writes benchmarks/results/<name>.json and benchmarks/results/<name>.md (default name: load).
The app reads uploads in its upload worker process; ``AUDIT_UPLOAD_WORKER=0`` in the environment makes
it read them in the server's threads (the behaviour before the worker), for a comparison.

Measured: errors (exceptions, HTTP errors, an answer without the expected figure, an upload not
imported; target 0), latency p50/p95/max per kind, requests per second, the app's peak RSS (VmHWM of
the server process), the RSS of its child processes (the upload worker that reads uploaded files, and
multiprocessing's resource tracker) and the library afterwards (every uploaded file present once).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import yaml
from qa_eval import (
    pct,  # the one percentile of the benchmarks (benchmarks/ is on the path when run as a script)
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results"
SAMPLES = Path(os.environ.get("AUDIT_SAMPLES", ROOT.parent / "shared" / "samples"))
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def proc_memory(pid: int) -> dict[str, float]:
    """Current and peak resident set size of a process in MiB (Linux /proc)."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, val = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(val.split()[0]) / 1024
    except OSError:
        pass
    return out


def child_pids(pid: int) -> list[int]:
    """The descendants of a process (Linux /proc/<pid>/task/*/children)."""
    out: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return out
    for t in tasks:
        try:
            kids = [int(x) for x in (t / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        for k in kids:
            out.append(k)
            out.extend(child_pids(k))
    return out


def children_memory(pid: int) -> dict[str, float]:
    """Summed current RSS and summed peak RSS (VmHWM) of the process's descendants, in MiB."""
    rss = hwm = 0.0
    kids = child_pids(pid)
    for k in kids:
        m = proc_memory(k)
        rss += m.get("VmRSS", 0.0)
        hwm += m.get("VmHWM", 0.0)
    return {"processes": len(kids), "VmRSS": rss, "VmHWM": hwm}


def questions(doc_ids: dict[str, str]) -> list[tuple[str, str, str]]:
    """(question, expected value, scope) for the QA benchmark's one-figure questions. The scope is the
    question's document (as an auditor picks it in the 问答范围 dropdown): the uploads during the test
    are copies of the samples, so an unscoped question could rightly name a copy instead."""
    data = yaml.safe_load((ROOT / "benchmarks" / "questions.yaml").read_text("utf-8"))
    out = []
    for q in data["questions"]:
        exp = q.get("expect") or {}
        if q.get("kind") == "figure" and exp.get("value") and q.get("document") in doc_ids:
            out.append((q["question"], str(exp["value"]), doc_ids[q["document"]]))
    return out


def library_rows(url: str) -> list[list]:
    from gradio_client import Client

    rows = Client(url, verbose=False).predict(api_name="/do_refresh")[0]
    return rows.get("data", []) if isinstance(rows, dict) else rows


def chat_text(history) -> str:
    parts = []
    for m in history or []:
        c = m.get("content") if isinstance(m, dict) else m
        parts.append(c if isinstance(c, str) else json.dumps(c, ensure_ascii=False))
    return "\n".join(parts).replace("\\", "")


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {"chat": [], "upload": []}
        self.errors: list[dict[str, str]] = []
        self.requests = 0

    def take(self, limit: int) -> bool:
        with self.lock:
            if self.requests >= limit:
                return False
            self.requests += 1
            return True

    def ok(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latency[kind].append(seconds)

    def error(self, kind: str, what: str) -> None:
        with self.lock:
            self.errors.append({"kind": kind, "error": what[:300]})


def start_app(data: Path, port: int, dense: bool, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "AUDIT_HOST": HOST, "AUDIT_OCR": "0", "GRADIO_ANALYTICS_ENABLED": "False",
           "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    if not dense:
        env.update(AUDIT_EMBEDDING_MODEL="", AUDIT_EMBEDDING_FALLBACK="")
    log = open(log_path, "wb")
    return subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--library", str(data), "--port", str(port),
                             "--no-samples"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 180) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2) as r:
                if r.status == 200:
                    return time.monotonic() - t0
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("app did not start")


def chat_session(url: str, qs: list[tuple[str, str, str]], offset: int, rec: Recorder, stop: threading.Event,
                 limit: int) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:
        rec.error("chat", f"connect: {type(exc).__name__}: {exc}")
        return
    i = offset
    while not stop.is_set() and rec.take(limit):
        q, want, scope = qs[i % len(qs)]
        i += 1
        t0 = time.perf_counter()
        try:
            _, hist, _ = client.predict(q, [], scope, api_name="/respond")
        except Exception as exc:
            rec.error("chat", f"{type(exc).__name__}: {exc}")
            continue
        dt = time.perf_counter() - t0
        if want.replace(",", "") not in chat_text(hist[-1:]).replace(",", ""):
            rec.error("chat", f"answer to “{q}” lacks {want}")
        rec.ok("chat", dt)


def upload_session(url: str, files: list[Path], rec: Recorder, stop: threading.Event, limit: int,
                   uploaded: list[str]) -> None:
    from gradio_client import Client, handle_file

    try:
        client = Client(url, verbose=False)
    except Exception as exc:
        rec.error("upload", f"connect: {type(exc).__name__}: {exc}")
        return
    for f in files:
        if stop.is_set() or not rec.take(limit):
            return
        t0 = time.perf_counter()
        try:
            progress, *_ = client.predict([handle_file(str(f))], api_name="/do_ingest")
        except Exception as exc:
            rec.error("upload", f"{f.name}: {type(exc).__name__}: {exc}")
            continue
        dt = time.perf_counter() - t0
        rows = progress.get("data", []) if isinstance(progress, dict) else progress
        if not rows or rows[0][1] != "已导入":
            rec.error("upload", f"{f.name}: {rows}")
        else:
            uploaded.append(f.name)
        rec.ok("upload", dt)


def upload_files(d: Path, n: int, tag: str, fmt: str = "text") -> list[Path]:
    """Distinct reports to upload: copies of the text samples with a note appended, or of the PDF samples
    with a PDF comment appended after the end of the file (a new content hash either way)."""
    srcs = sorted((SAMPLES / "pdf").glob("*.pdf")) if fmt == "pdf" else sorted((SAMPLES / "text").glob("*.txt"))
    out = []
    for i in range(n):
        src = srcs[i % len(srcs)]
        p = d / f"负载{tag}-{i:03d}-{src.name}"
        if fmt == "pdf":
            p.write_bytes(src.read_bytes() + f"\n%负载测试副本 {tag}-{i}\n".encode())
        else:
            p.write_text(src.read_text("utf-8") + f"\n附注：负载测试副本 {tag}-{i}。\n", "utf-8")
        out.append(p)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chats", type=int, default=8)
    ap.add_argument("--uploads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--max-requests", type=int, default=400)
    ap.add_argument("--chat-only-seconds", type=float, default=20, help="a first phase of chats without uploads")
    ap.add_argument("--dense", action="store_true", help="use the embedding model (default: lexical + tables)")
    ap.add_argument("--keep", action="store_true", help="keep the tmp data dir")
    ap.add_argument("--upload-format", choices=("text", "pdf"), default="text",
                    help="upload copies of the text samples (default) or of the PDF samples")
    ap.add_argument("--name", default="load", help="results file name (benchmarks/results/<name>.json/.md)")
    args = ap.parse_args()
    upload_worker = os.environ.get("AUDIT_UPLOAD_WORKER", "1").strip().lower() in ("1", "true", "yes", "on")

    tmp = Path(tempfile.mkdtemp(prefix="load-"))
    data = tmp / "library"
    env = {**os.environ, "AUDIT_OCR": "0", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    if not args.dense:
        env.update(AUDIT_EMBEDDING_MODEL="", AUDIT_EMBEDDING_FALLBACK="")
    t0 = time.perf_counter()
    ing = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(SAMPLES / "text"), str(SAMPLES / "pdf"),
                          "--library", str(data), "--workers", "2"], cwd=ROOT, env=env, capture_output=True, text=True)
    ingest_s = time.perf_counter() - t0
    if ing.returncode != 0:
        print(ing.stderr[-2000:], file=sys.stderr)
        return 2
    n_samples = json.loads(ing.stdout)["summary"]["added"]

    port = free_port()
    url = f"http://{HOST}:{port}/"
    log_path = tmp / "app.log"
    proc = start_app(data, port, args.dense, log_path)
    rec = Recorder()
    uploaded: list[str] = []
    rss_samples: list[float] = []
    child_samples: list[float] = []
    child_peak: dict[str, float] = {}
    try:
        startup_s = wait_up(url, proc)
        idle = proc_memory(proc.pid)
        qs = questions({r[0]: r[-1] for r in library_rows(url)})
        # one session alone first: the latency without contention
        base = Recorder()
        chat_session(url, qs, 0, base, threading.Event(), min(10, len(qs)))
        if base.errors:
            rec.errors.extend(base.errors)
        # the chat sessions without uploads: the cost of the queue alone
        chat_only = Recorder()
        chat_stop = threading.Event()
        chat_threads = [threading.Thread(target=chat_session, args=(url, qs, i * 5, chat_only, chat_stop, 10 ** 6))
                        for i in range(args.chats)]
        for t in chat_threads:
            t.start()
        time.sleep(args.chat_only_seconds)
        chat_stop.set()
        for t in chat_threads:
            t.join(120)
        rec.errors.extend(chat_only.errors)
        up_dir = tmp / "uploads"
        up_dir.mkdir()
        stop = threading.Event()
        threads = [threading.Thread(target=chat_session, args=(url, qs, i * 7, rec, stop, args.max_requests),
                                    name=f"chat-{i}") for i in range(args.chats)]
        per_upload = max(1, args.max_requests // 8)
        threads += [threading.Thread(target=upload_session,
                                     args=(url, upload_files(up_dir, per_upload, chr(ord("A") + j), args.upload_format), rec, stop,
                                           args.max_requests, uploaded), name=f"upload-{j}")
                    for j in range(args.uploads)]
        t_start = time.perf_counter()
        for t in threads:
            t.start()
        while time.perf_counter() - t_start < args.seconds and any(t.is_alive() for t in threads):
            rss_samples.append(proc_memory(proc.pid).get("VmRSS", 0.0))
            kids = children_memory(proc.pid)
            child_samples.append(kids["VmRSS"])
            if kids["VmHWM"] >= child_peak.get("VmHWM", 0.0):
                child_peak = kids
            time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(120)
        wall = time.perf_counter() - t_start
        mem = proc_memory(proc.pid)
        kids = children_memory(proc.pid)
        if kids["VmHWM"] >= child_peak.get("VmHWM", 0.0):
            child_peak = kids
        # the library afterwards: every uploaded file is there, once
        names = [r[0] for r in library_rows(url)]
        missing = [n for n in uploaded if names.count(n) != 1]
        if missing:
            rec.error("library", f"uploaded but not listed once: {missing[:5]}")
        if len(names) != n_samples + len(uploaded):
            rec.error("library", f"{len(names)} documents listed, expected {n_samples + len(uploaded)}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    def stats(xs: list[float]) -> dict[str, float]:
        return {"n": len(xs), "p50_s": round(pct(xs, 0.5), 3), "p95_s": round(pct(xs, 0.95), 3),
                "max_s": round(max(xs), 3) if xs else 0.0, "mean_s": round(statistics.fmean(xs), 3) if xs else 0.0}

    result = {
        "config": {"chat_sessions": args.chats, "upload_sessions": args.uploads, "seconds": args.seconds,
                   "max_requests": args.max_requests, "dense": args.dense, "questions": len(qs),
                   "gradio_queue_concurrency": 2, "upload_format": args.upload_format,
                   "upload_worker": upload_worker},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "loadavg_end": [round(x, 2) for x in os.getloadavg()]},
        "setup": {"samples_ingested": n_samples, "ingest_s": round(ingest_s, 1), "app_startup_s": round(startup_s, 1)},
        "wall_s": round(wall, 1),
        "requests": rec.requests,
        "throughput_rps": round((len(rec.latency["chat"]) + len(rec.latency["upload"])) / wall, 2) if wall else 0,
        "chat_single_session": stats(base.latency["chat"]),
        "chat_without_uploads": stats(chat_only.latency["chat"]),
        "chat": stats(rec.latency["chat"]),
        "upload": stats(rec.latency["upload"]),
        "errors": len(rec.errors),
        "error_samples": rec.errors[:20],
        "documents_after": len(names),
        "uploaded": len(uploaded),
        "memory_mib": {"idle_rss": round(idle.get("VmRSS", 0), 1), "peak_rss": round(mem.get("VmHWM", 0), 1),
                       "end_rss": round(mem.get("VmRSS", 0), 1),
                       "max_sampled_rss": round(max(rss_samples), 1) if rss_samples else 0.0,
                       "child_processes": int(child_peak.get("processes", 0)),
                       "children_peak_rss": round(child_peak.get("VmHWM", 0.0), 1),
                       "children_max_sampled_rss": round(max(child_samples), 1) if child_samples else 0.0},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{args.name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    c, u, m, b = result["chat"], result["upload"], result["memory_mib"], result["chat_single_session"]
    co = result["chat_without_uploads"]
    md = [
        "# Load test: concurrent chat sessions and uploads against one app",
        "",
        f"`benchmarks/load.py` — {args.chats} chat sessions + {args.uploads} upload sessions through the app's API "
        f"(gradio_client → `/respond`, `/do_ingest`) on 127.0.0.1, for at most {args.seconds:g} s or "
        f"{args.max_requests} requests. Retrieval: {'dense + lexical' if args.dense else 'lexical + tables'}; "
        f"Gradio queue concurrency 2 per event. {os.cpu_count()} CPUs, Python {platform.python_version()}. "
        f"Uploads: copies of the {'PDF' if args.upload_format == 'pdf' else 'text'} samples, read "
        f"{'in the app’s upload worker process' if upload_worker else 'in the server’s threads (AUDIT_UPLOAD_WORKER=0)'}.",
        "",
        f"Setup: {n_samples} sample reports ingested by the CLI in {result['setup']['ingest_s']} s; "
        f"app ready in {result['setup']['app_startup_s']} s.",
        "",
        "| | requests | p50 (s) | p95 (s) | max (s) |",
        "|---|---:|---:|---:|---:|",
        f"| chat, one session alone (baseline) | {b['n']} | {b['p50_s']} | {b['p95_s']} | {b['max_s']} |",
        f"| chat, {args.chats} sessions, no uploads ({args.chat_only_seconds:g} s) | {co['n']} | {co['p50_s']} | "
        f"{co['p95_s']} | {co['max_s']} |",
        f"| chat, {args.chats} sessions, while {args.uploads} sessions upload (main run) | {c['n']} | {c['p50_s']} | {c['p95_s']} | {c['max_s']} |",
        f"| upload (one report, imported) | {u['n']} | {u['p50_s']} | {u['p95_s']} | {u['max_s']} |",
        "",
        f"- **errors: {result['errors']}** (target 0){'' if not rec.errors else ' — ' + rec.errors[0]['error']}",
        f"- wall {result['wall_s']} s, {result['throughput_rps']} requests/s; machine load average at the end "
        f"{result['machine']['loadavg_end']} (other work on the same CPUs inflates the latencies)",
        "- chat questions are scoped to their document (the 问答范围 dropdown) and each answer is checked for "
        "the expected figure; uploads are copies of the "
        + ("PDF samples with a PDF comment appended" if args.upload_format == "pdf"
           else "text samples with a note appended"),
        "- a chat request streams its answer (about 40 updates) and the app queues 2 requests per event at a "
        "time: without uploads the chat p50 is mostly queue wait (8 sessions / 2 slots × one answer); during "
        "uploads "
        + ("an uploaded file is read, extracted, checked and tokenised in the app's upload worker process "
           "(its own GIL, the other CPU) and the server only commits the result and rebuilds the BM25 index "
           "over the whole library" if upload_worker else
           "the extraction runs in the server's threads and competes for the same 2 CPUs and the GIL"),
        f"- app memory: idle {m['idle_rss']} MiB, **peak RSS {m['peak_rss']} MiB**, end {m['end_rss']} MiB; "
        f"child processes ({m['child_processes']}: the upload worker and multiprocessing's resource tracker) "
        f"peak RSS {m['children_peak_rss']} MiB in all",
        f"- library afterwards: {result['documents_after']} documents "
        f"({n_samples} samples + {result['uploaded']} uploads, each listed once)",
        "",
    ]
    (OUT / f"{args.name}.md").write_text("\n".join(md), "utf-8")
    print("\n".join(md))
    return 0 if not rec.errors else 1


if __name__ == "__main__":
    sys.exit(main())
