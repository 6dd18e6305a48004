"""Template remnants in the prose: unfilled placeholders, empty 主要原因, garbled count sentences,
duplicated words or headings, and a 决算 year that contradicts the document's own year."""

from __future__ import annotations

import re

from ..documents import Paragraph
from .context import RuleContext
from .findings import Location
from .registry import rule

_PLACEHOLDER = re.compile(
    r"此处请补充内容|请补充内容|请在此处|待补充|请填写|[（(]分项目写[^）)]*[）)]|[（(]?略[）)]|"
    r"(?<![A-Za-z0-9])[XＸ×]{2,}(?![A-Za-z0-9])")
_EMPTY_REASON = re.compile(r"(主要原因|原因|主要是|主要用于)\s*[:：]\s*(?=[。；;，,]|$|[（(]\s*[）)])")
_GARBLED_COUNT = re.compile(r"(^|[，,；;。：:])\s*个项目|为\s*\d+\s*[“\"](优|良|中|差)[”\"]")
_DUP = re.compile(r"(总分分|得分分|的的|。。|，，|、、|；；)")


def _loc(ctx: RuleContext, p: Paragraph, text: str) -> Location:
    return Location(document=ctx.doc.name, page=p.page, line=p.line, table=None,
                    row=(p.section.split(" / ")[-1] if p.section else None), column=None, text=text)


def _snippet(text: str, start: int, end: int, pad: int = 18) -> str:
    return text[max(0, start - pad):end + pad].strip()


_TEMPLATE_PARAS = 15  # paragraphs with placeholders from which a document is an unfilled template


@rule("REM-PH-01", family="remnants")
def placeholders(ctx: RuleContext) -> None:
    """正文残留模板占位符（未填写内容）

    Formula: 正文不得出现“此处请补充内容”“XXX”“（分项目写…）”等模板占位
    Tolerance: 无
    """
    paras = [(p, list(_PLACEHOLDER.finditer(p.text))) for p in ctx.doc.paragraphs]
    paras = [(p, hits) for p, hits in paras if hits]
    if len(paras) >= _TEMPLATE_PARAS:
        # an unfilled template (“上海市 XX 局 … XXX 万元” throughout): one finding, every place listed —
        # dozens of identical errors would only bury the verdict
        total = sum(len(h) for _, h in paras)
        p0, h0 = paras[0]
        ctx.emit("error", f"文件为未填写的模板：{len(paras)} 段共 {total} 处占位（“XX”“XXX”等），"
                 f"如“{_snippet(p0.text, h0[0].start(), h0[0].end())}”；数字与表格核对无意义，应以填报后的文件重新核对",
                 reported=f"{total} 处占位", expected="实际内容", formula="占位符 = 未填写",
                 locations=[_loc(ctx, p, hits[0].group(0)) for p, hits in paras])
        paras = []
    for p, hits in paras:
        m = hits[0]
        more = f"（本段共 {len(hits)} 处）" if len(hits) > 1 else ""
        ctx.emit("error", f"模板占位未填写：“{_snippet(p.text, m.start(), m.end())}”{more}", reported=m.group(0),
                 expected="实际内容", formula="占位符 = 未填写", locations=[_loc(ctx, p, m.group(0))])
    for t in ctx.doc.tables:
        if _PLACEHOLDER.search(t.title or ""):
            ctx.emit("error", f"表题残留模板占位：“{t.title}”", reported=t.title, expected="实际名称",
                     formula="占位符 = 未填写", locations=[Location(document=ctx.doc.name, page=t.page, line=t.line,
                                                                   table=t.title)])


def _continues(p: Paragraph, nxt: Paragraph) -> bool:
    t = nxt.text.strip()
    heading = bool(nxt.section) and nxt.section.split(" / ")[-1] == t
    return bool(t) and not heading and not re.match(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|第.部分)", t)


@rule("REM-REASON-01", family="remnants")
def empty_reasons(ctx: RuleContext) -> None:
    """“主要原因”后没有内容

    Formula: “主要原因：”之后应有说明文字
    Tolerance: 无
    """
    paras = ctx.doc.paragraphs
    for i, p in enumerate(paras):
        for m in _EMPTY_REASON.finditer(p.text):
            if not p.text[m.end():].strip() and i + 1 < len(paras) and _continues(p, paras[i + 1]):
                continue  # the reason is on the next line (a PDF line break after “：”)
            ctx.emit("warning", f"“{m.group(1)}”后为空：“{_snippet(p.text, m.start(), m.end())}”",
                     reported="（空）", expected="原因说明", formula="主要原因 ≠ 空", locations=[_loc(ctx, p, m.group(0))])


@rule("REM-COUNT-01", family="remnants")
def garbled_counts(ctx: RuleContext) -> None:
    """项目个数表述错乱（数字缺失或错位）

    Formula: “N 个项目评价结果为‘X’”中 N 应紧接“个”之前
    Tolerance: 无
    """
    for p in ctx.doc.paragraphs:
        for m in _GARBLED_COUNT.finditer(p.text):
            ctx.emit("error", f"个数表述错乱：“{_snippet(p.text, m.start(), m.end())}”", reported=m.group(0).strip("，,；;。"),
                     expected="N个项目评价结果为“X”", formula="数字应位于“个项目”之前",
                     locations=[_loc(ctx, p, m.group(0))])


@rule("REM-DUP-01", family="remnants")
def duplicates(ctx: RuleContext) -> None:
    """重复的字词、标点或标题

    Formula: 同一字词/标点不应连续重复；同一标题不应连续出现两次
    Tolerance: 无（提示性）
    """
    prev = None
    for p in ctx.doc.paragraphs:
        for m in _DUP.finditer(p.text):
            ctx.emit("info", f"重复字词：“{_snippet(p.text, m.start(), m.end(), 10)}”", reported=m.group(0),
                     expected=m.group(0)[: len(m.group(0)) // 2], formula="不重复", locations=[_loc(ctx, p, m.group(0))])
        is_heading = bool(p.section) and p.section.split(" / ")[-1] == p.text.strip()
        if is_heading and prev is not None and prev.text.strip() == p.text.strip():
            ctx.emit("warning", f"标题重复：“{p.text.strip()}”", reported=p.text.strip(), expected="一次",
                     formula="标题不重复", locations=[_loc(ctx, p, p.text.strip())])
        prev = p if is_heading else None


_YEAR_CLAIMS = [
    re.compile(r"(20\d{2})\s*年\s*度?\s*部门决算"),
    re.compile(r"截[至止]\s*(20\d{2})\s*年\s*12\s*月\s*31\s*日"),
    re.compile(r"(20\d{2})\s*年度?\s*决算(情况)?说明"),
]


@rule("REM-YEAR-01", family="remnants", expected_in=("final_accounts",))
def wrong_year(ctx: RuleContext) -> None:
    """年度与本报告年度不一致

    Formula: “YYYY 年度部门决算”“截至 YYYY 年 12 月 31 日”中的 YYYY = 报告年度
    Tolerance: 无
    """
    if ctx.doc.doc_type != "final_accounts" or not ctx.doc.year:
        return
    for p in ctx.doc.paragraphs:
        for pat in _YEAR_CLAIMS:
            for m in pat.finditer(p.text):
                y = int(m.group(1))
                if y != ctx.doc.year:
                    ctx.emit("error", f"年度写作 {y}，本报告为 {ctx.doc.year} 年度：“{_snippet(p.text, m.start(), m.end(), 8)}”",
                             reported=str(y), expected=str(ctx.doc.year), difference=str(y - ctx.doc.year),
                             formula=f"{y} = {ctx.doc.year}", locations=[_loc(ctx, p, m.group(0))])
