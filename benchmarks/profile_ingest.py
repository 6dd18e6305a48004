"""Profile a batch ingest (lexical only, 2 workers) of the first N reports of the generated corpus.

    .venv/bin/python benchmarks/profile_ingest.py [--n 100] [--out benchmarks/results/profile_ingest.json]

cProfile sees the parent process: the writes to SQLite and the index builds (the workers' reading and
extraction shows only as waiting on results). Writes the wall time, the parent's CPU time, peak RSS and
the 15 functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CORPUS = Path(__file__).resolve().parent / ".cache" / "corpus"


_SKIP = ("{built-in method", "<string>", "threading.py", "_bootstrap", "ingest(")


def _top(prof: cProfile.Profile, n: int = 15, skip: tuple[str, ...] = _SKIP) -> list[dict]:
    """The ``n`` functions with the most cumulative time, without the frames that only wrap the work."""
    st = pstats.Stats(prof, stream=io.StringIO())
    rows = []
    for (fn, line, name), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{Path(fn).name}:{line}({name})", "calls": nc, "tottime_s": round(tt, 3),
                     "cumtime_s": round(ct, 3)})
    rows.sort(key=lambda r: -r["cumtime_s"])
    return [r for r in rows if not any(s in r["function"] for s in skip)][:n]


def _profile_queries(lib, settings) -> dict:
    import statistics

    import yaml

    from assistant.qa.service import AssistantService

    svc = AssistantService(settings, dense=False, library=lib)
    svc.ask("热身", use_llm=False)
    qs = yaml.safe_load((ROOT / "benchmarks" / "questions.yaml").read_text("utf-8"))["questions"]
    prof = cProfile.Profile()
    lat = []
    for q in qs:
        t = time.perf_counter()
        prof.enable()
        svc.ask(q["question"], use_llm=False)
        prof.disable()
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    return {"questions": len(lat), "p50_ms_profiled": round(statistics.median(lat), 1),
            "p95_ms_profiled": round(lat[int(0.95 * (len(lat) - 1))], 1), "top_cumulative": _top(prof, 12, _SKIP + ("service.py", "engine.py:1"))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "profile_ingest.json"))
    ap.add_argument("--label", default="")
    ap.add_argument("--queries", action="store_true", help="also ask the question set and profile the answers")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from corpus import build

    from assistant.settings import Settings
    from index.library import Library

    paths = build(args.n, Path(args.corpus))[:args.n]
    settings = Settings.from_env(data_dir=tempfile.mkdtemp(prefix="profile_ingest_"), ocr=False,
                                 llm_provider="none")
    lib = Library(settings, dense=False)
    prof = cProfile.Profile()
    t0, c0 = time.perf_counter(), time.process_time()
    prof.enable()
    lib.ingest(paths, workers=args.workers)
    prof.disable()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool's workers (reaped at the end of ingest)
    workers_cpu = ch.ru_utime + ch.ru_stime
    queries = _profile_queries(lib, settings) if args.queries else None
    lib.close()
    top = _top(prof)
    out = {"label": args.label, "reports": args.n, "workers": args.workers, "wall_s": round(wall, 2),
           "parent_cpu_s": round(cpu, 2), "workers_cpu_s": round(workers_cpu, 2), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
           "top_cumulative": top, "queries": queries}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2), "utf-8")
    print(json.dumps({k: v for k, v in out.items() if k != "top_cumulative"}, ensure_ascii=False))
    for r in top[:10]:
        print(f"{r['cumtime_s']:8.2f}s {r['calls']:8d}  {r['function']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
