"""``python -m assistant ingest FILE_OR_DIR... --library DIR [--workers N]`` (idempotent)."""

from __future__ import annotations

import json
import sys
from argparse import Namespace


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

    def progress(done: int, total: int, msg: str) -> None:
        print(f"[{done}/{total}] {msg}", file=sys.stderr)

    try:
        results = lib.ingest(args.paths, progress=progress, workers=args.workers)
        status = lib.status()
    finally:
        lib.close()
    summary = {s: sum(1 for r in results if r.status == s) for s in ("added", "replaced", "unchanged", "error")}
    print(json.dumps({"results": [r.to_dict() for r in results], "summary": summary,
                      "embedding_model": status.get("embedding_model"), "message": status.get("message")},
                     ensure_ascii=False, indent=2))
    return 2 if summary["error"] and not (summary["added"] or summary["replaced"] or summary["unchanged"]) else 0
