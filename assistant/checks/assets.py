"""Asset tables (净值 = 原值 − 累计折旧, 累计折旧 ≤ 原值, column totals, text vs table) and staffing
table totals."""

from __future__ import annotations

import re
from decimal import Decimal

from .context import RuleContext, Val, table_label
from .findings import fmt
from .registry import rule
from .scoring import para_loc


@rule("SC-ASSET-01", family="scoring", needs=("asset",))
def asset_net(ctx: RuleContext) -> None:
    """资产净值不等于原值减累计折旧

    Formula: 净值 = 原值 − 累计折旧（逐行）；累计折旧 ≤ 原值
    Tolerance: n × 半个末位单位 → 尾数误差
    """
    for t in ctx.doc.tables_of("asset"):
        if not all(c in t.columns for c in ("原值", "累计折旧", "净值")):
            continue
        body = [r for r in t.rows if r.role not in ("total", "subtotal")]
        bad: list[tuple] = []  # (row, 原值, 累计折旧, 净值, expected net, tolerance)
        for r in body:
            a, d = ctx.val(t, r, "原值", f"{r.label}·原值"), ctx.val(t, r, "累计折旧", f"{r.label}·累计折旧")
            n = ctx.val(t, r, "净值", f"{r.label}·净值")
            if a is None or d is None or n is None or not (a.usable and d.usable and n.usable):
                continue
            exp = a.value - d.value
            tol = max(a.half_ulp, d.half_ulp, n.half_ulp) * 2
            if d.value > a.value or abs(n.value - exp) > tol:
                bad.append((r, a, d, n, exp, tol))
            else:
                ctx.compare_sum(n, [a, d], signs=[1, -1], what=f"{table_label(t)}“{r.label}”净值 ≠ 原值 − 累计折旧")
        if len(bad) >= max(5, len(body) // 4):
            _asset_misaligned(ctx, t, body, bad)
            continue
        for r, a, d, n, exp, _tol in bad:
            over = d.value > a.value
            note = f"；累计折旧 {fmt(d.value)} 超过原值 {fmt(a.value)}" if over else ""
            ctx.emit("error", f"{table_label(t)}“{r.label}”净值 ≠ 原值 − 累计折旧：印 {fmt(n.value)}，应为 {fmt(exp)}，"
                     f"差 {fmt(n.value - exp)}{note}", reported=n.value, expected=exp, difference=n.value - exp,
                     formula=f"{n.label} = {a.label} {fmt(a.value)} − {d.label} {fmt(d.value)} = {fmt(exp)}；表中印 "
                             f"{fmt(n.value)}" + (f"；且 {fmt(d.value)} ≤ {fmt(a.value)} 不成立" if over else ""),
                     locations=[n.loc, a.loc, d.loc])


def _asset_misaligned(ctx: RuleContext, t, body, bad) -> None:
    """Many rows fail 净值 = 原值 − 累计折旧 at once: one finding (a shifted or mis-sorted column is the usual
    cause — one per row would bury it), naming every row."""
    over = [b for b in bad if b[2].value > b[1].value]
    tot = next((r for r in t.rows if r.role == "total"), None)
    col_note = ""
    if tot is not None:
        ta, td, tn = (ctx.val(t, tot, c, f"总计·{c}") for c in ("原值", "累计折旧", "净值"))
        if ta and td and tn and ta.usable and td.usable and tn.usable and \
                abs(ta.value - td.value - tn.value) <= ta.half_ulp + td.half_ulp + tn.half_ulp:
            col_note = (f"；而总计行自洽（{fmt(ta.value)} − {fmt(td.value)} = {fmt(tn.value)}），"
                        "疑为原值列与累计折旧、净值列错行（导出或排序错位），须核对原始资产卡片")
    names = "、".join(f"“{b[0].label}”" for b in bad[:6]) + ("等" if len(bad) > 6 else "")
    ctx.emit("error", f"{table_label(t)}有 {len(bad)}/{len(body)} 行净值 ≠ 原值 − 累计折旧（其中 {len(over)} 行累计折旧超过原值）："
             f"{names}{col_note}", reported=f"{len(bad)} 行不符", expected="每行 净值 = 原值 − 累计折旧",
             difference=None,
             formula="\n".join(f"{b[0].label}：{fmt(b[1].value)} − {fmt(b[2].value)} = {fmt(b[4])}，表中净值 {fmt(b[3].value)}"
                               for b in bad),
             locations=[loc for b in bad for loc in (b[3].loc, b[1].loc, b[2].loc)])


@rule("SC-ASSET-02", family="scoring", needs=("asset", "staffing"), any_of=True)
def column_totals(ctx: RuleContext) -> None:
    """资产（人员）表合计行不等于各行之和

    Formula: 总计行各数值列 = Σ 明细行（原值、累计折旧、净值、数量；编制数、在职人数）
    Tolerance: n × 半个末位单位 → 尾数误差
    """
    for t in ctx.doc.tables_of("asset") + ctx.doc.tables_of("staffing"):
        tot = next((r for r in t.rows if r.role == "total"), None)
        if tot is None:
            continue
        items = [r for r in t.rows if r.role not in ("total", "subtotal")]
        for col in t.columns:
            c = tot.get(col)
            if c is None or c.kind not in ("amount", "number"):
                continue
            vals = [v for v in (ctx.val(t, r, col, r.label) for r in items) if v is not None]
            ctx.compare_sum(ctx.val(t, tot, col, f"总计·{col}"), vals, what=f"{table_label(t)}“{col}”总计 ≠ 各行之和")


@rule("SC-ASSET-03", family="scoring", needs=("asset",))
def asset_text(ctx: RuleContext) -> None:
    """正文中的资产原值、折旧、净值或数量与资产表总计不一致

    Formula: 正文“原值 X 万元、累计折旧 Y 万元、净值 Z 万元、共 N 件” = 资产表总计
    Tolerance: 两个印出数各 ±半个末位单位
    """
    for t in ctx.doc.tables_of("asset"):
        tot = next((r for r in t.rows if r.role == "total"), None)
        if tot is None:
            continue
        for p in ctx.doc.paragraphs:
            if "固定资产" not in p.text:
                continue
            for col, pat in (("原值", r"原值\s*(\d[\d,]*(?:\.\d+)?)\s*(万元|元)"),
                             ("累计折旧", r"累计折旧\s*(\d[\d,]*(?:\.\d+)?)\s*(万元|元)"),
                             ("净值", r"净值\s*(\d[\d,]*(?:\.\d+)?)\s*(万元|元)")):
                m = re.search(pat, p.text)
                tv = ctx.val(t, tot, col, f"{table_label(t)}·总计·{col}")
                if not m or tv is None or "无形资产" in p.text[max(0, m.start() - 30):m.start()]:
                    continue
                unit = m.group(2)
                raw = m.group(1).replace(",", "")
                factor = Decimal(1) if unit == "万元" else Decimal("0.0001")
                d = len(raw.split(".")[1]) if "." in raw else 0
                nv = Val(Decimal(raw) * factor, Decimal(5) * Decimal(10) ** (-(d + 1)) * factor,
                         para_loc(ctx, p, m.group(0)), f"正文{col}")
                ctx.compare_equal(nv, tv, what=f"正文资产{col}与资产表总计不一致")
            m = re.search(r"共有固定资产\s*(\d+)\s*(件|台|项)", p.text) or \
                re.search(r"固定资产[^。]{0,80}?共计\s*(\d+)\s*(件|台|项|台（件）)", p.text)
            nv2 = ctx.val(t, tot, "数量", "总计·数量") if "数量" in t.columns else None
            if m and nv2 is not None:
                ctx.compare_equal(Val(Decimal(m.group(1)), Decimal(0), para_loc(ctx, p, m.group(0)), "正文数量"), nv2,
                                  what="正文固定资产数量与资产表总计不一致")
