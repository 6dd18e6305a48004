"""``python -m assistant ingest FILE_OR_DIR... --library DIR [--workers N]`` (idempotent)."""

from __future__ import annotations

import json
import os
import sys
import time
from argparse import Namespace
from typing import TextIO


class ProgressBar:
    """``[37/1000] 3.7% 文件名：已加入 · 12.0 s, ~310 s left`` on stderr: one line rewritten in place on a
    terminal, one line per file otherwise (logs, CI). A progress callback for :meth:`Library.ingest`."""

    def __init__(self, stream: TextIO, width: int = 100) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.width = width
        self.t0 = time.perf_counter()
        self._first: tuple[int, float] | None = None
        self._open = False

    def __call__(self, done: int, total: int, msg: str) -> None:
        now = time.perf_counter()
        if self._first is None:
            self._first = (done, now)
        pct = 100.0 * done / total if total else 100.0
        line = f"[{done}/{total}] {pct:.1f}% {msg}"
        d0, t1 = self._first
        eta = ""
        if total and done > d0 and done < total:
            eta = f"，约剩 {(now - t1) / (done - d0) * (total - done):.0f} 秒"
        line += f" · {now - self.t0:.1f} 秒{eta}"
        if self.tty:
            self.stream.write("\r" + line[:self.width].ljust(self.width))
            self._open = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False


def main(args: Namespace) -> int:
    from pathlib import Path

    from assistant.settings import Settings

    from .library import Library

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print("错误：找不到文件或目录：" + "、".join(missing), file=sys.stderr)
        return 2
    settings = Settings.from_env(data_dir=args.library)
    lib = Library(settings)
    workers = args.workers if args.workers else (os.cpu_count() or 1)
    bar = ProgressBar(sys.stderr)

    try:
        results = lib.ingest(args.paths, progress=bar, workers=workers)
        bar.close()
        status = lib.status()
    except KeyboardInterrupt:
        bar.close()
        n = len(lib.document_ids())
        print(f"已中断：资料库中现有 {n} 份报告（已提交的不会丢失）。重新运行同一命令即可从中断处继续。",
              file=sys.stderr)
        return 130
    finally:
        lib.close()
    summary = {s: sum(1 for r in results if r.status == s) for s in ("added", "replaced", "unchanged", "error")}
    print(json.dumps({"results": [r.to_dict() for r in results], "summary": summary,
                      "embedding_model": status.get("embedding_model"), "message": status.get("message")},
                     ensure_ascii=False, indent=2))
    return 2 if summary["error"] and not (summary["added"] or summary["replaced"] or summary["unchanged"]) else 0
