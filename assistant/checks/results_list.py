"""评价结果公开表: grade vs score thresholds, counts by category vs the introduction, Σ budgets vs
the stated 涉及资金."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal

from ..documents import Paragraph, Row, Table
from .context import RuleContext, Val, table_label
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


_PL_INTRO = re.compile(r"(\d+)\s*个项目[，,]?\s*(?:预算资金规模|涉及资金|资金规模|预算金额|涉及金额)\s*(?:为|共)?\s*"
                       r"(\d[\d,]*(?:\.\d+)?)\s*万元")


def _col(t: Table, *words: str) -> str | None:
    for w in words:
        for c in t.columns:
            if w in c:
                return c
    return None


@rule("PL-CNT-01", family="results_list", needs=("project_list",))
def project_list_intro(ctx: RuleContext) -> None:
    """项目清单的项目个数或预算合计与说明文字不一致

    Formula: 说明“N 个项目，预算资金规模 X 万元”：N = 清单行数；X = Σ 批复金额（无此列时 Σ 年初预算数）
    Tolerance: 行数无；金额按各项印出精度累计
    """
    for t in ctx.doc.tables_of("project_list"):
        text = re.sub(r"\s+", "", "".join(p.text for p in _intro(ctx, t)))
        m = _PL_INTRO.search(text)
        if not m:
            continue
        items = _items(t)
        loc = Location(document=ctx.doc.name, line=_intro(ctx, t)[-1].line, page=_intro(ctx, t)[-1].page,
                       text=m.group(0))
        n = int(m.group(1))
        if n != len(items):
            ctx.emit("error", f"说明称 {n} 个项目，清单列出 {len(items)} 个", reported=n, expected=len(items),
                     difference=n - len(items), formula=f"清单行数 = {len(items)}",
                     locations=[loc, Location(document=ctx.doc.name, page=t.page, line=t.line, table=table_label(t))])
        col = _col(t, "批复金额", "年初预算数", "预算")
        if col is None:
            continue
        vals = [v for v in (ctx.val(t, r, col, r.label) for r in items) if v is not None]
        raw = m.group(2).replace(",", "")
        d = len(raw.split(".")[1]) if "." in raw else 0
        stated = Val(Decimal(raw), Decimal(5) * Decimal(10) ** (-(d + 1)), loc, "说明中的预算资金规模")
        hint = ""
        for other in [c for c in t.columns if c != col and any((r.get(c) is not None and r.get(c).kind == "amount")  # type: ignore[union-attr]
                                                                for r in items)]:
            s_other = sum((r.value(other) or Decimal(0) for r in items), Decimal(0))
            if abs(s_other - stated.value) <= Decimal("0.01"):
                hint = f"（说明中的数与清单 Σ{other} 相同）"
        ctx.compare_sum(stated, vals, what=f"说明中的预算资金规模 ≠ 清单 Σ{col}{hint}")


@rule("PL-RATE-01", family="results_list", needs=("project_list",))
def project_list_rate(ctx: RuleContext) -> None:
    """项目清单的执行率不等于执行数除以预算数

    Formula: 执行率 = 执行数 ÷ 年初预算数（无此列时 ÷ 批复金额） × 100%（按印出位数四舍五入）
    Tolerance: 按两数印出精度取区间 → 尾数误差
    """
    for t in ctx.doc.tables_of("project_list"):
        rc, nc = _col(t, "执行率"), _col(t, "执行数")
        dc = _col(t, "年初预算数", "全年预算数", "批复金额")
        if rc is None or nc is None or dc is None:
            continue
        for r in _items(t):
            c = r.get(rc)
            num, den = ctx.val(t, r, nc, nc, empty_as_zero=False), ctx.val(t, r, dc, dc, empty_as_zero=False)
            if c is None or c.value is None or num is None or den is None or den.value == 0 or not (num.usable and den.usable):
                continue
            d = len(c.text.split(".")[1].rstrip("%")) if "." in c.text else 0
            q = Decimal(1).scaleb(-d)
            exp = (num.value / den.value * 100).quantize(q)
            if exp == c.value:
                continue
            lo = (num.value - num.half_ulp) / (den.value + den.half_ulp) * 100
            hi = (num.value + num.half_ulp) / (den.value - den.half_ulp) * 100
            h = q / 2
            trunc = (num.value / den.value * 100).quantize(q, rounding=ROUND_DOWN) == c.value
            sev = "info" if trunc or (lo - h <= c.value <= hi + h) else "error"
            ctx.emit(sev, f"“{r.label}”执行率印 {c.text}%，按 {fmt(num.value)} ÷ {fmt(den.value)} 应为 {exp}%"
                     f"{'（截尾或尾数误差）' if sev == 'info' else ''}", reported=c.value, expected=exp,
                     difference=c.value - exp, formula=f"{fmt(num.value)} ÷ {fmt(den.value)} × 100% = {exp}%",
                     locations=[ctx.loc_cell(t, r, rc), num.loc, den.loc])
