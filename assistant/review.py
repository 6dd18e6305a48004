"""Draft review comments (审核意见) from findings; export Word / Excel workpapers and markdown.

Given selected findings (``Finding.to_dict()`` plus ``document``), :func:`draft_review` writes a formal
Chinese draft grouped by document and severity, each item with 问题描述 / 依据 / 建议, from templates.
:func:`polish_draft` lets a configured LLM rephrase it (never adding figures); without one the template
text stands. :func:`export_docx` / :func:`export_xlsx` / :func:`export_markdown` write the workpapers.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .documents import describe_location

SEVERITY_ORDER = ("error", "warning", "info")
SEVERITY_TITLES = {"error": "严重问题", "warning": "一般问题", "info": "提示事项"}
SEVERITY_NAMES = {"error": "严重", "warning": "一般", "info": "提示"}
CN_NUMS = "一二三四五六七八九十"
ADVICE = {
    "error": "请核实相关报表数据，更正错误并重新公开，确保表内、表间及与说明部分的数据一致。",
    "warning": "请核实该数据的口径与来源，必要时予以更正或在情况说明中补充解释。",
    "info": "建议关注该事项，在今后编报中加以完善。",
}
# advice by rule code prefix (longest prefix wins); severity advice otherwise
ADVICE_BY_RULE = {
    "FA-X": "请核对相关决算表之间的对应数据，确保表间勾稽一致，更正后重新公开。",
    "FA-SET": "请补充公开缺少的决算表；确无数据的，应以空表公开并注明原因。",
    "FA-": "请核实表内合计与明细数据，更正计算或录入错误，确保表内勾稽一致。",
    "NA-": "请核对情况说明中的文字与数字，使其与决算报表一致，更正后重新公开。",
    "REM-": "请删除模板遗留内容，更正年度、单位名称等表述后重新公开。",
    "SE-": "请按评分规则重新计算绩效自评表中的执行率与得分，并更正自评结果。",
}
COLUMNS = ["序号", "文档", "严重程度", "规则", "问题描述", "位置", "列示数", "复核数", "差异", "复核公式"]
POLISH_PROMPT = (
    "你是财政审计人员。请在不改变任何数字、不增删问题条目、不改变结构的前提下，"
    "把下面的审核意见草稿润色为正式、简洁的公文语言，只输出润色后的全文：\n\n{draft}"
)


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUMS[n - 1]
    if n < 20:
        return "十" + CN_NUMS[n - 11]
    tens, ones = divmod(n, 10)
    return CN_NUMS[tens - 1] + "十" + (CN_NUMS[ones - 1] if ones else "")


def location_text(finding: dict[str, Any]) -> str:
    """Return the finding's locations as Chinese text (“第8页 表T4 行“合计” 列“本年支出合计””)."""
    out = [describe_location(loc) for loc in finding.get("locations") or []]
    return "；".join(dict.fromkeys(t for t in out if t))


def _num(v: Any) -> str:
    return "" if v is None or v == "" else str(v)


def basis_text(finding: dict[str, Any]) -> str:
    """Return the 依据 sentence: the formula and the reported / recomputed values."""
    parts = []
    if finding.get("formula"):
        parts.append(f"复核公式：{finding['formula']}")
    rep, exp, diff = _num(finding.get("reported")), _num(finding.get("expected")), _num(finding.get("difference"))
    if rep or exp:
        s = f"报表列示 {rep or '—'}，复核应为 {exp or '—'}"
        if diff:
            s += f"，差异 {diff}"
        parts.append(s)
    if finding.get("rule"):
        parts.append(f"规则 {finding['rule']}")
    return "；".join(parts) + "。" if parts else "见所附问题清单。"


def advice_for(finding: dict[str, Any]) -> str:
    """Return the 建议 sentence for a finding: by rule family for errors and warnings, else by severity."""
    sev = finding.get("severity") if finding.get("severity") in SEVERITY_ORDER else "info"
    if sev != "info":
        rule = str(finding.get("rule") or "")
        for prefix in sorted(ADVICE_BY_RULE, key=len, reverse=True):
            if rule.startswith(prefix):
                return ADVICE_BY_RULE[prefix]
    return ADVICE[sev]


def group_findings(findings: Sequence[dict[str, Any]]) -> list[tuple[str, list[tuple[str, list[dict]]]]]:
    """Group findings by document (in first-seen order), then by severity (error, warning, info)."""
    docs: dict[str, dict[str, list[dict]]] = {}
    for f in findings:
        sev = f.get("severity") if f.get("severity") in SEVERITY_ORDER else "info"
        docs.setdefault(f.get("document") or "未命名文档", {}).setdefault(sev, []).append(f)
    return [(d, [(s, by_sev[s]) for s in SEVERITY_ORDER if s in by_sev]) for d, by_sev in docs.items()]


def draft_review(findings: Sequence[dict[str, Any]], title: str = "审核意见", date: _dt.date | None = None) -> str:
    """Given selected findings, return a formal Chinese draft grouped by document and severity."""
    if not findings:
        return ""
    date = date or _dt.date.today()
    lines = [f"{title}（草稿）", "",
             f"经对所报资料的数字逻辑进行复核，共发现 {len(findings)} 个问题，现将审核意见列示如下：", ""]
    for di, (doc, groups) in enumerate(group_findings(findings), start=1):
        lines.append(f"{_cn(di)}、《{doc}》")
        for si, (sev, items) in enumerate(groups, start=1):
            lines.append(f"（{_cn(si)}）{SEVERITY_TITLES[sev]}（{len(items)} 项）")
            for n, f in enumerate(items, start=1):
                where = location_text(f)
                desc = (f.get("message") or "").strip().rstrip("。")
                lines.append(f"{n}. 问题描述：{desc}{'（' + where + '）' if where else ''}。")
                lines.append(f"   依据：{basis_text(f)}")
                lines.append(f"   建议：{advice_for(f)}")
        lines.append("")
    lines += ["请被审核单位于收到本意见后及时核实整改，并将整改情况书面反馈。", "",
              f"审核日期：{date.year}年{date.month}月{date.day}日"]
    return "\n".join(lines)


def polish_draft(draft: str, llm: Any | None) -> tuple[str, str]:
    """Given a draft and a chat model (``invoke(prompt)`` → message/str) or None, return (text, note).

    The LLM only rephrases; when it changes any number, or fails, the template draft is kept."""
    if not draft or llm is None:
        return draft, ""
    try:
        reply = llm.invoke(POLISH_PROMPT.format(draft=draft))
        text = str(getattr(reply, "content", reply)).strip()
    except Exception as exc:  # an unreachable LLM must not lose the draft
        return draft, f"大模型润色失败（{type(exc).__name__}），已保留模板草稿。"
    nums = lambda s: sorted(re.findall(r"\d+(?:\.\d+)?", s))  # noqa: E731
    if not text or nums(text) != nums(draft):
        return draft, "大模型润色结果改动了数字或为空，已保留模板草稿。"
    return text, "已由大模型润色（数字已核对未改动）。"


def finding_rows(findings: Sequence[dict[str, Any]]) -> list[list[str]]:
    """Return one workpaper row per finding, in :data:`COLUMNS` order."""
    rows = []
    for i, f in enumerate(findings, start=1):
        rows.append([str(i), f.get("document") or "", SEVERITY_NAMES.get(f.get("severity", ""), f.get("severity", "")),
                     f.get("rule") or "", f.get("message") or "", location_text(f), _num(f.get("reported")),
                     _num(f.get("expected")), _num(f.get("difference")), f.get("formula") or ""])
    return rows


def export_docx(draft: str, findings: Sequence[dict[str, Any]], path: str | Path) -> Path:
    """Write the (edited) draft and an appendix table of the findings to a Word file; return its path."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    lines = (draft or "").splitlines()
    if lines:
        doc.add_heading(lines[0], level=1)
    for line in lines[1:]:
        if re.match(rf"^[{CN_NUMS}]+、", line):
            doc.add_heading(line, level=2)
        elif re.match(rf"^（[{CN_NUMS}]+）", line):
            doc.add_heading(line, level=3)
        else:
            doc.add_paragraph(line)
    if findings:
        doc.add_heading("附表：问题清单", level=2)
        table = doc.add_table(rows=1, cols=len(COLUMNS))
        table.style = "Table Grid"
        for cell, name in zip(table.rows[0].cells, COLUMNS, strict=True):
            cell.text = name
        for row in finding_rows(findings):
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = value
    path = Path(path)
    doc.save(str(path))
    return path


def _set_text(cell: Any, value: Any) -> None:
    """Store ``value`` as text: report strings such as “=A+B” must not become spreadsheet formulas."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def export_xlsx(findings: Sequence[dict[str, Any]], path: str | Path, draft: str = "") -> Path:
    """Write a workpaper: sheet 问题清单 (one row per finding) and sheet 审核意见 (the draft)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    for j, name in enumerate(COLUMNS, start=1):
        c = ws.cell(row=1, column=j)
        _set_text(c, name)
        c.font = Font(bold=True)
    for i, row in enumerate(finding_rows(findings), start=2):
        for j, value in enumerate(row, start=1):
            c = ws.cell(row=i, column=j)
            _set_text(c, value)
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGHIJ", (6, 28, 8, 12, 48, 30, 12, 12, 10, 36), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    if draft:
        ws2 = wb.create_sheet("审核意见")
        ws2.column_dimensions["A"].width = 120
        for i, line in enumerate(draft.splitlines(), start=1):
            _set_text(ws2.cell(row=i, column=1), line)
    path = Path(path)
    wb.save(str(path))
    return path


def export_markdown(draft: str, findings: Sequence[dict[str, Any]]) -> str:
    """Return the draft followed by a markdown table of the findings."""
    out = [draft, "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in finding_rows(findings):
        out.append("| " + " | ".join(v.replace("|", "\\|").replace("\n", " ") for v in row) + " |")
    return "\n".join(out)
