"""``python -m assistant check FILE... --format json|md|xlsx [--output PATH]``.

Exit codes: 0 no error findings, 1 at least one finding of severity error, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import AssistantError
from .findings import CheckReport

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


def check_files(files: list[str]) -> tuple[list[CheckReport], list[str]]:
    """Load and check each file; return the reports and the Chinese messages of files that failed."""
    from ..pipeline import load_document
    from ..settings import Settings
    from . import run_checks

    settings = Settings.from_env()
    reports, problems = [], []
    for f in files:
        if not Path(f).exists():
            problems.append(f"文件“{f}”不存在。")
            continue
        try:
            doc = load_document(f, settings)
        except AssistantError as exc:
            problems.append(f"文件“{f}”无法读取：{exc}")
            continue
        reports.append(run_checks(doc))
    return reports, problems


def to_json(reports: list[CheckReport]) -> str:
    return json.dumps({"documents": [r.to_dict() for r in reports]}, ensure_ascii=False, indent=2)


def to_markdown(reports: list[CheckReport]) -> str:
    out: list[str] = []
    for r in reports:
        c = r.counts()
        out.append(f"# {r.document}\n")
        out.append(f"类型：{r.type}；错误 {c['error']}，警告 {c['warning']}，提示 {c['info']}，未核对 {len(r.not_checked)}\n")
        if not r.findings:
            out.append("已核对，未发现不一致。\n")
        for f in r.findings:
            where = "；".join(loc.where() for loc in f.locations if loc.where())
            out.append(f"- **{SEVERITY_NAMES[f.severity]}** `{f.rule}` {f.message}")
            if f.formula:
                out.append(f"  - 公式：{f.formula}")
            if where:
                out.append(f"  - 位置：{where}")
        if r.not_checked:
            out.append("\n## 未核对\n")
            for n in r.not_checked:
                out.append(f"- `{n.rule}` {n.reason}" + (f"（{n.location.where()}）" if n.location else ""))
        out.append("")
    return "\n".join(out)


def to_xlsx(reports: list[CheckReport], path: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "发现"
    ws.append(["文件", "规则", "级别", "说明", "印出值", "应为", "差额", "公式", "位置"])
    for r in reports:
        for f in r.findings:
            ws.append([r.document, f.rule, SEVERITY_NAMES[f.severity], f.message, f.reported, f.expected, f.difference,
                       f.formula, "；".join(loc.where() for loc in f.locations)])
    nc = wb.create_sheet("未核对")
    nc.append(["文件", "规则", "原因", "位置"])
    for r in reports:
        for n in r.not_checked:
            nc.append([r.document, n.rule, n.reason, n.location.where() if n.location else ""])
    wb.save(path)


def main(args: argparse.Namespace) -> int:
    """Run the checks on ``args.files`` and print/write the report; return the exit code."""
    fmt = getattr(args, "format", "md") or "md"
    if fmt == "xlsx" and not getattr(args, "output", None):
        print("错误：--format xlsx 需要用 --output 指定输出文件路径。", file=sys.stderr)
        return 2
    reports, problems = check_files(list(args.files))
    for p in problems:
        print(f"错误：{p}", file=sys.stderr)
    if fmt == "json":
        text = to_json(reports)
    elif fmt == "xlsx":
        to_xlsx(reports, args.output)
        text = f"已写入 {args.output}"
    else:
        text = to_markdown(reports)
    if getattr(args, "output", None) and fmt != "xlsx":
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        print(text)
    if problems:
        return 2
    return 1 if any(r.has_errors for r in reports) else 0
