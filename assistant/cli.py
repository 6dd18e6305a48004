"""Command line: python -m assistant extract | check | ingest | ask | serve.

Exit codes: 0 ok, 1 findings of severity error (check only), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from .errors import AssistantError


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


def cmd_extract(args: argparse.Namespace) -> int:
    from .pipeline import load_document
    from .settings import Settings

    settings = Settings.from_env(ocr=args.ocr)
    out = []
    rc = 0
    for f in args.files:
        try:
            doc = load_document(f, settings)
        except AssistantError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            rc = 2
            continue
        out.append(doc.to_dict() if args.format == "json" else doc.summary())
    if args.format == "json":
        print(_dump({"documents": out}))
    else:
        for s in out:
            kinds = "，".join(f"{k}×{v}" for k, v in s["table_kinds"].items())
            print(f"{s['name']}：{s['type_name']}，{s['year'] or '年度未知'}，{s['pages']}页，"
                  f"{s['tables']}张表（{kinds}），{s['figures']}个叙述数字")
    return rc


def _command_from(module: str, name: str):
    def run(args: argparse.Namespace) -> int:
        import importlib

        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            print(f"错误：命令“{name}”尚未可用（{exc}）。", file=sys.stderr)
            return 2
        return int(mod.main(args))

    return run


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m assistant", description="财政报告审核助手")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("extract", help="读取报告并输出表格与叙述数字（文档模型）")
    e.add_argument("files", nargs="+")
    e.add_argument("--format", choices=["json", "text"], default="text")
    e.add_argument("--no-ocr", dest="ocr", action="store_false", help="不对无文字层页面做 OCR")
    e.set_defaults(func=cmd_extract)

    c = sub.add_parser("check", help="复核报告中的数字，输出发现的问题")
    c.add_argument("files", nargs="+")
    c.add_argument("--format", choices=["json", "md", "xlsx"], default="md")
    c.add_argument("--output", "-o", help="xlsx 输出路径")
    c.set_defaults(func=_command_from("assistant.checks.cli", "check"))

    i = sub.add_parser("ingest", help="把报告加入资料库（幂等）")
    i.add_argument("paths", nargs="+")
    i.add_argument("--library", required=True)
    i.add_argument("--workers", type=int, default=None, help="并行读取的进程数（默认：CPU 核数）")
    i.set_defaults(func=_command_from("index.cli", "ingest"))

    a = sub.add_parser("ask", help="就资料库提问")
    a.add_argument("question")
    a.add_argument("--library", required=True)
    a.add_argument("--document", default=None)
    a.add_argument("--format", choices=["json", "text"], default="text")
    a.set_defaults(func=_command_from("assistant.qa.cli", "ask"))

    s = sub.add_parser("serve", help="启动浏览器界面")
    s.add_argument("--library", default=None)
    s.add_argument("--port", type=int, default=None)
    s.add_argument("--no-samples", action="store_true")
    s.set_defaults(func=_command_from("assistant.ui.serve", "serve"))
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except AssistantError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
