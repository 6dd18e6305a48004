"""``python -m assistant ask --library DIR "question" [--document D] [--format json|text]``."""

from __future__ import annotations

import json
import sys
from argparse import Namespace


def main(args: Namespace) -> int:
    from ..settings import Settings
    from .service import AssistantService

    settings = Settings.from_env(data_dir=args.library)
    from pathlib import Path

    if not (Path(args.library) / "library.sqlite3").exists():
        print(f"错误：资料库“{args.library}”不存在，请先运行 ingest。", file=sys.stderr)
        return 2
    svc = AssistantService(settings)
    try:
        out = svc.ask(args.question, document=getattr(args, "document", None))
    finally:
        svc.close()
    if getattr(args, "format", "text") == "json":
        keep = {k: out[k] for k in ("answer", "found", "figures", "citations")}
        keep.update({k: out[k] for k in ("route", "formula", "flags") if k in out})
        print(json.dumps(keep, ensure_ascii=False, indent=2, default=str))
    else:
        print(out["answer"])
        if out["citations"]:
            print("\n出处：")
            for c in out["citations"][:8]:
                where = f"第{c['page']}页" if c.get("page") else (f"第{c['line']}行" if c.get("line") else "")
                print(f"- 《{c['document']}》{where}：{c['text'][:80]}")
    return 0
