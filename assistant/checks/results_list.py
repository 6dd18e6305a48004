"""评价结果公开表: grade vs score thresholds, counts by category vs the introduction, Σ budgets vs
the stated 涉及资金."""

from __future__ import annotations

import re
from decimal import Decimal

from ..documents import Paragraph, Row, Table
from .context import RuleContext, table_label
from .findings import Location, fmt
from .registry import rule

RL = ("results_list",)


def _items(t: Table) -> list[Row]:
    return [r for r in t.rows if r.role not in ("total", "subtotal", "header") and r.label.strip()]


@rule("RL-GRADE-01", family="results_list", needs=RL)
def grade_vs_score(ctx: RuleContext) -> None:
    """评价等级与得分不符

    Formula: 等级 = 优（≥90）/ 良（80–<90）/ 中（60–<80）/ 差（<60），分档见 rules/*.yaml
    Tolerance: 无
    """
    for t in ctx.doc.tables_of("results_list"):
        for r in _items(t):
            s, g = r.value("得分"), r.get("等级")
            if s is None or g is None or not g.text.strip():
                continue
            exp = ctx.config.grade_of(s)
            got = ctx.config.canonical_grade(g.text)
            if got != exp:
                ctx.emit("error", f"“{r.label}”得分 {fmt(s)} 应为“{exp}”，表中为“{g.text.strip()}”", reported=g.text.strip(),
                         expected=exp, formula=f"grade({fmt(s)}) = {exp}",
                         locations=[ctx.loc_cell(t, r, "等级"), ctx.loc_cell(t, r, "得分")])


def _intro(ctx: RuleContext, t: Table) -> list[Paragraph]:
    before = [p for p in ctx.doc.paragraphs if p.line is None or t.line is None or p.line < t.line]
    return before[-8:] if before else ctx.doc.paragraphs[:8]


def categorise(ctx: RuleContext, name: str) -> str:
    for cat, words in ctx.config.result_categories.items():
        if any(w in name for w in words):
            return cat
    return "其他"


_CAT_COUNTS = [
    ("部门整体支出", re.compile(r"(\d+)\s*个部门整体支出")),
    ("专项", re.compile(r"(\d+)\s*个专项支出(?:项目)?")),
    ("专项债", re.compile(r"(\d+)\s*个专项债")),
    ("社保基金", re.compile(r"(\d+)\s*个社保基金")),
    ("自评复核", re.compile(r"(\d+)\s*个项目自评复核")),
]


@rule("RL-CNT-01", family="results_list", needs=RL)
def counts_vs_intro(ctx: RuleContext) -> None:
    """公开表中的项目个数与说明文字不一致

    Formula: 说明中各类个数之和 = 表中项目数；部门整体支出个数 = 表中名称含“整体支出”的项目数（类别关键词见 rules/*.yaml）
    Tolerance: 无
    """
    for t in ctx.doc.tables_of("results_list"):
        intro = _intro(ctx, t)
        text = "".join(p.text for p in intro)
        text = re.sub(r"\s+", "", text)
        stated = {cat: int(m.group(1)) for cat, pat in _CAT_COUNTS if (m := pat.search(text))}
        if not stated:
            continue
        items = _items(t)
        loc = Location(document=ctx.doc.name, page=intro[-1].page if intro else None,
                       line=intro[-1].line if intro else None, text=text[:80])
        total = sum(stated.values())
        if total != len(items):
            ctx.emit("error", f"说明中各类项目合计 {total} 个，公开表列出 {len(items)} 个", reported=total, expected=len(items),
                     difference=total - len(items), formula=" + ".join(f"{k} {v}" for k, v in stated.items()) + f" = {total}",
                     locations=[loc, Location(document=ctx.doc.name, line=t.line, page=t.page, table=table_label(t))])
        if "部门整体支出" in stated:
            n = sum(1 for r in items if categorise(ctx, r.label) == "部门整体支出")
            if n != stated["部门整体支出"]:
                ctx.emit("error", f"说明称部门整体支出 {stated['部门整体支出']} 个，表中名称含“整体支出”的有 {n} 个",
                         reported=stated["部门整体支出"], expected=n, difference=stated["部门整体支出"] - n,
                         formula=f"count(整体支出) = {n}", locations=[loc])


_FUNDS = re.compile(r"涉及(?:财政)?资金\s*(\d+(?:\.\d+)?)\s*(亿|万)元?(余)?")


@rule("RL-SUM-01", family="results_list", needs=RL)
def budget_sum(ctx: RuleContext) -> None:
    """公开表预算合计与说明中的涉及资金不一致

    Formula: Σ 预算（万元） = 说明中的涉及资金；“X 亿余元”要求 X 亿 ≤ Σ < (X+1) 亿
    Tolerance: 精确金额按两数印出精度；“余”按区间
    """
    for t in ctx.doc.tables_of("results_list"):
        text = re.sub(r"\s+", "", "".join(p.text for p in _intro(ctx, t)))
        m = _FUNDS.search(text)
        if not m or "预算" not in t.columns:
            continue
        vals = [v for v in (ctx.val(t, r, "预算", r.label) for r in _items(t)) if v is not None]
        total = sum((v.value for v in vals), Decimal(0))
        unit = Decimal(10000) if m.group(2) == "亿" else Decimal(1)
        stated = Decimal(m.group(1)) * unit
        loc = Location(document=ctx.doc.name, text=m.group(0))
        if m.group(3):
            ok = stated <= total < stated + unit
            exp_txt = f"[{fmt(stated)}, {fmt(stated + unit)}) 万元"
        else:
            tol = sum((v.half_ulp for v in vals), Decimal(0)) + unit / 2 * Decimal("0.01")
            ok = abs(total - stated) <= tol
            exp_txt = f"{fmt(stated)} 万元"
        if not ok:
            ctx.emit("error", f"公开表预算合计 {fmt(total)} 万元，说明称涉及资金{m.group(1)}{m.group(2)}元{m.group(3) or ''}",
                     reported=total, expected=exp_txt, formula=f"Σ 预算 = {fmt(total)} 万元 ∈ {exp_txt}",
                     locations=[loc, Location(document=ctx.doc.name, page=t.page, line=t.line, table=table_label(t),
                                              column="预算")])
