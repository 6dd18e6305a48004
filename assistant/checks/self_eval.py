"""项目支出绩效自评表: 执行率 = B/A, 执行率得分 (rule inferred from the document, else YAML), 总分,
得分 ≤ 分值, Σ分值 = 100, 资金来源合计, indicator plausibility and partial-credit recomputation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..documents import Row, Table
from ..numbers import first_number
from .context import RuleContext, Val
from .findings import fmt
from .registry import rule

SE = ("self_eval",)
TOTAL_FUNDS = re.compile(r"年度资金总额|资金总额|合计")


def project(t: Table) -> str:
    return t.meta.get("项目名称") or t.title or t.id


def funds_total(t: Table) -> Row | None:
    rows = [r for r in t.rows if r.role == "funds"]
    return next((r for r in rows if TOTAL_FUNDS.search(r.label)), rows[0] if rows else None)


def indicators(t: Table) -> list[Row]:
    return [r for r in t.rows if r.role == "indicator"]


def total_score_row(t: Table) -> Row | None:
    return next((r for r in t.rows if r.role == "total"), None)


@rule("SE-RATE-01", family="self_eval", needs=SE)
def execution_rate(ctx: RuleContext) -> None:
    """执行率不等于全年执行数除以全年预算数

    Formula: 执行率 = 全年执行数 B ÷ 全年预算数 A × 100%（按印出位数四舍五入）
    Tolerance: 按 A、B 的印出精度取区间 → 尾数误差
    """
    for t in ctx.doc.tables_of("self_eval"):
        for r in [r for r in t.rows if r.role == "funds"]:
            a = ctx.val(t, r, "全年预算数", f"{r.label}·全年预算数A", empty_as_zero=False)
            b = ctx.val(t, r, "全年执行数", f"{r.label}·全年执行数B", empty_as_zero=False)
            c = r.get("执行率")
            if a is None or b is None or c is None or c.value is None or a.value == 0 or not (a.usable and b.usable):
                continue
            expected = b.value / a.value * 100
            d = len(c.text.split(".")[1].rstrip("%").strip()) if "." in c.text else 0
            q = Decimal(1).scaleb(-d)
            if expected.quantize(q) == c.value:
                continue
            lo = (b.value - b.half_ulp) / (a.value + a.half_ulp) * 100
            hi = (b.value + b.half_ulp) / (a.value - a.half_ulp) * 100
            h = Decimal(5) * Decimal(10) ** (-(d + 1))
            sev = "info" if lo - h <= c.value <= hi + h else "error"
            loc = ctx.loc_cell(t, r, "执行率")
            ctx.emit(sev, f"“{project(t)}”{r.label}执行率印 {c.text}%，按 {fmt(b.value)} ÷ {fmt(a.value)} 应为 "
                     f"{expected.quantize(q)}%{'（尾数误差）' if sev == 'info' else ''}",
                     reported=c.value, expected=expected.quantize(q), difference=c.value - expected.quantize(q),
                     formula=f"执行率 = {fmt(b.value)} ÷ {fmt(a.value)} × 100% = {expected.quantize(q)}%",
                     locations=[loc, a.loc, b.loc])


@dataclass(frozen=True)
class RatePoint:
    table: Table
    row: Row
    rate: Decimal
    points: Decimal
    score: Decimal

    @property
    def share(self) -> Decimal:
        return self.score / self.points if self.points else Decimal(0)


def rate_points(ctx: RuleContext) -> list[RatePoint]:
    out = []
    for t in ctx.doc.tables_of("self_eval"):
        r = funds_total(t)
        if r is None:
            continue
        rate, pts, sc = r.value("执行率"), r.value("分值"), r.value("得分")
        if rate is None or pts is None or sc is None or pts == 0:
            continue
        out.append(RatePoint(t, r, rate, pts, sc))
    return out


def _proportional(p: RatePoint) -> Decimal:
    return min(p.rate, Decimal(100)) / 100 * p.points


def _fits_proportional(p: RatePoint) -> bool:
    return abs(_proportional(p) - p.score) <= Decimal("0.5")


def monotone_outliers(points: list[RatePoint]) -> list[tuple[RatePoint, RatePoint]]:
    """Tables whose 执行率得分 share breaks the document's own banding: (outlier, a consistent neighbour)."""
    pts = list(points)
    flagged: list[tuple[RatePoint, RatePoint]] = []
    while True:
        viol = {id(p): 0 for p in pts}
        for p in pts:
            for q in pts:
                if p.rate < q.rate and p.share > q.share:
                    viol[id(p)] += 1
                    viol[id(q)] += 1
        worst = max(pts, key=lambda p: viol[id(p)], default=None)
        if worst is None or viol[id(worst)] == 0:
            break
        pts.remove(worst)
        below = [q for q in pts if q.rate <= worst.rate]
        neighbour = max(below, key=lambda q: q.rate) if below else min(pts, key=lambda q: q.rate)
        flagged.append((worst, neighbour))
    return flagged


@rule("SE-RSCORE-01", family="self_eval", needs=SE)
def execution_score(ctx: RuleContext) -> None:
    """执行率得分与本文件通行的计分规则不一致

    Formula: 执行率得分 = 规则(执行率) × 分值；规则从本文件各自评表推断（全部按比例 执行率×分值，或一致的分档），不能推断时用 rules/*.yaml
    Tolerance: 比例法 ±0.5 分；分档法须单调（执行率高者得分不低）
    """
    points = rate_points(ctx)
    if not points:
        return
    prop = [p for p in points if _fits_proportional(p)]
    cfg = ctx.config
    if len(points) >= 3 and len(prop) >= 0.8 * len(points):
        for p in points:
            if p not in prop:
                exp = _proportional(p)
                _emit_score(ctx, p, exp, "本文件其余自评表均按 执行率 × 分值 计分")
        return
    if len(points) >= 3:
        for p, nb in monotone_outliers(points):
            exp = nb.share * p.points
            _emit_score(ctx, p, exp, f"本文件自评表分档计分：执行率 {nb.rate}% 得 {fmt(nb.score)} 分，"
                                     f"执行率更高的本表反而得分更低（或更低却更高）")
        return
    for p in points:
        if cfg.exec_scheme == "proportional":
            exp = _proportional(p)
            if abs(exp - p.score) > Decimal("0.5"):
                _emit_score(ctx, p, exp, "按配置规则 执行率 × 分值 计分（本文件自评表不足 3 张，无法推断本地规则）",
                            "warning")
        else:
            exp = cfg.band_share(p.rate) * p.points
            if exp != p.score:
                _emit_score(ctx, p, exp, "按配置的执行率分档计分（本文件自评表不足 3 张，无法推断本地规则）", "warning")


def _emit_score(ctx: RuleContext, p: RatePoint, exp: Decimal, why: str, severity: str = "error") -> None:
    exp_q = exp.quantize(Decimal("0.01"))
    ctx.emit(severity, f"“{project(p.table)}”执行率 {p.rate}% 得 {fmt(p.score)} 分，{why}，应为 {fmt(exp_q)} 分",
             reported=p.score, expected=exp_q, difference=p.score - exp_q,
             formula=f"执行率得分 = f({p.rate}%) × {fmt(p.points)} = {fmt(exp_q)}",
             locations=[ctx.loc_cell(p.table, p.row, "得分"), ctx.loc_cell(p.table, p.row, "执行率")])


@rule("SE-TOTAL-01", family="self_eval", needs=SE)
def total_score(ctx: RuleContext) -> None:
    """自评总分不等于执行率得分加各指标得分

    Formula: 总分 = 执行率得分 + Σ 指标得分
    Tolerance: n × 半个末位单位 → 尾数误差
    """
    for t in ctx.doc.tables_of("self_eval"):
        tot, fr = total_score_row(t), funds_total(t)
        if tot is None:
            ctx.skip(f"“{project(t)}”自评表未找到总分行")
            continue
        items: list[Val] = []
        if fr is not None:
            v = ctx.val(t, fr, "得分", "执行率得分")
            if v is not None:
                items.append(v)
        for r in indicators(t):
            v = ctx.val(t, r, "得分", r.label)
            if v is not None:
                items.append(v)
        ctx.compare_sum(ctx.val(t, tot, "得分", "总分", empty_as_zero=False), items,
                        what=f"“{project(t)}”自评总分 ≠ 执行率得分 + Σ指标得分")


@rule("SE-POINTS-01", family="self_eval", needs=SE)
def points_sum(ctx: RuleContext) -> None:
    """自评表分值合计不等于 100

    Formula: 执行率分值 + Σ 指标分值 = 总分行分值 = 100
    Tolerance: 无（分值为整数或一位小数）
    """
    for t in ctx.doc.tables_of("self_eval"):
        items: list[Val] = []
        fr = funds_total(t)
        if fr is not None:
            v = ctx.val(t, fr, "分值", "执行率分值")
            if v is not None:
                items.append(v)
        items += [v for v in (ctx.val(t, r, "分值", r.label) for r in indicators(t)) if v is not None]
        if not items:
            continue
        tot = total_score_row(t)
        tv = ctx.val(t, tot, "分值", "总分行分值", empty_as_zero=False) if tot else None
        if tv is None:
            tv = Val(ctx.config.total_points, Decimal(0), ctx.loc_cell(t, indicators(t)[-1] if indicators(t) else fr,  # type: ignore[arg-type]
                                                                       "分值"), "满分100")
        ctx.compare_sum(tv, items, what=f"“{project(t)}”分值合计 ≠ {fmt(tv.value)}")


@rule("SE-MAX-01", family="self_eval", needs=SE)
def score_le_points(ctx: RuleContext) -> None:
    """得分超过分值

    Formula: 每项 得分 ≤ 分值（执行率得分与各指标）
    Tolerance: 无
    """
    for t in ctx.doc.tables_of("self_eval"):
        for r in t.rows:
            if r.role not in ("funds", "indicator", "total"):
                continue
            s, p = ctx.val(t, r, "得分", empty_as_zero=False), ctx.val(t, r, "分值", empty_as_zero=False)
            if s is None or p is None or not (s.usable and p.usable) or s.value <= p.value:
                continue
            ctx.emit("error", f"“{project(t)}”“{r.label}”得分 {fmt(s.value)} 超过分值 {fmt(p.value)}",
                     reported=s.value, expected=p.value, difference=s.value - p.value,
                     formula=f"得分 {fmt(s.value)} ≤ 分值 {fmt(p.value)}", locations=[s.loc, p.loc])


_SOURCE = re.compile(r"财政拨款|政府预算资金|上年结转|其他资金|财政资金|自筹|专项资金|政府性基金")


@rule("SE-FUNDS-01", family="self_eval", needs=SE)
def funds_sum(ctx: RuleContext) -> None:
    """年度资金总额不等于各资金来源之和

    Formula: 年度资金总额 = 财政拨款（政府预算资金） + 上年结转资金 + 其他资金（年初预算数、全年预算数、全年执行数各列）
    Tolerance: n × 半个末位单位 → 尾数误差
    """
    for t in ctx.doc.tables_of("self_eval"):
        tot = funds_total(t)
        if tot is None:
            continue
        src = [r for r in t.rows if r.role == "funds" and r is not tot and _SOURCE.search(r.label)
               and not r.label.startswith("其中")]
        if not src:
            continue
        for col in ("年初预算数", "全年预算数", "全年执行数"):
            items = [v for v in (ctx.val(t, r, col, r.label) for r in src) if v is not None]
            ctx.compare_sum(ctx.val(t, tot, col, f"{tot.label}·{col}", empty_as_zero=False), items,
                            what=f"“{project(t)}”{col}：年度资金总额 ≠ 各来源之和")


def target_of(text: str) -> tuple[str, Decimal] | None:
    """Parse a quantitative 年度指标值 (“≥90%”, “≤15 万元”, “=44 台”) into (direction, number)."""
    s = re.sub(r"\s+", "", text or "")
    m = re.match(r"^(≥|>=|＞=|≤|<=|＜=|=|＝|>|<|＞|＜)?(\d[\d,]*(?:\.\d+)?)", s)
    if not m:
        return None
    op = {">=": "≥", "＞=": "≥", "<=": "≤", "＜=": "≤", "＝": "=", ">": "≥", "<": "≤", "＞": "≥", "＜": "≤"}.get(
        m.group(1) or "=", m.group(1) or "=")
    v = first_number(m.group(2))
    return (op, v) if v is not None else None


def _met(op: str, target: Decimal, actual: Decimal) -> bool:
    return actual >= target if op == "≥" else actual <= target if op == "≤" else actual == target


@rule("SE-PLAUS-01", family="self_eval", needs=SE)
def plausibility(ctx: RuleContext) -> None:
    """指标完成情况与得分不相称

    Formula: 完成目标 ⇒ 得分 = 分值；未完成目标 ⇒ 得分 < 分值；成本指标的目标应为“≤”
    Tolerance: 无（提示性，warning）
    """
    for t in ctx.doc.tables_of("self_eval"):
        for r in indicators(t):
            tc = r.get("年度指标值")
            tgt = target_of(tc.text) if tc else None
            act, sc, pts = r.value("实际完成值"), r.value("得分"), r.value("分值")
            if "成本" in (r.attrs.get("一级指标", "") + r.attrs.get("二级指标", "")) and tgt and tgt[0] == "≥":
                money = bool(re.search(r"元", tc.text if tc else ""))
                ctx.emit("warning", f"“{project(t)}”成本指标“{r.label}”目标为“≥”，成本指标应为“≤”" if money else
                         f"“{project(t)}”成本指标“{r.label}”目标“{(tc.text if tc else '').strip()}”不是金额上限，"
                         "成本指标应为“≤ 金额”（指标归类或方向有误）",
                         reported=tc.text if tc else None, expected="≤", formula="成本指标方向 = ≤",
                         locations=[ctx.loc_cell(t, r, "年度指标值")])
            if tgt is not None and tc is not None and re.search(r"(?<![万亿])元", tc.text) \
                    and not re.search(r"万元|亿元", tc.text):
                funds = [(fr, col, fr.value(col)) for fr in t.rows if fr.role == "funds"
                         for col in ("全年预算数", "全年执行数")]
                hit = next(((fr, col, fv) for fr, col, fv in funds if fv and abs(fv - tgt[1]) <= Decimal("0.01")), None)
                if hit is not None:
                    fr, col, fv = hit
                    ctx.emit("warning", f"“{project(t)}”“{r.label}”指标值 {tc.text.strip()} 与项目资金{col} {fmt(fv)} 万元"
                             f"数值相同，单位疑为“万元”误写为“元”（相差 1 万倍）", reported=tc.text.strip(),
                             expected=f"{fmt(tgt[1])} 万元", formula=f"指标值 {fmt(tgt[1])} = {fr.label}·{col} {fmt(fv)}（万元）",
                             locations=[ctx.loc_cell(t, r, "年度指标值"), ctx.loc_cell(t, fr, col)])
            if tgt is None or act is None or sc is None or pts is None:
                continue
            met = _met(tgt[0], tgt[1], act)
            if met and sc < pts:
                ctx.emit("warning", f"“{project(t)}”“{r.label}”目标 {tc.text if tc else ''} 已完成（实际 {fmt(act)}），"
                         f"却扣分（{fmt(sc)}/{fmt(pts)}）", reported=sc, expected=pts, difference=sc - pts,
                         formula=f"{fmt(act)} {tgt[0]} {fmt(tgt[1])} ⇒ 得分 = {fmt(pts)}",
                         locations=[ctx.loc_cell(t, r, "得分"), ctx.loc_cell(t, r, "实际完成值")])
            elif not met and sc >= pts:
                ctx.emit("warning", f"“{project(t)}”“{r.label}”目标 {tc.text if tc else ''} 未完成（实际 {fmt(act)}），"
                         f"却得满分 {fmt(sc)}", reported=sc, expected=None,
                         formula=f"{fmt(act)} 不满足 {tgt[0]} {fmt(tgt[1])} ⇒ 得分 < {fmt(pts)}",
                         locations=[ctx.loc_cell(t, r, "得分"), ctx.loc_cell(t, r, "实际完成值")])


def _partial_expected(op: str, target: Decimal, actual: Decimal, pts: Decimal) -> Decimal | None:
    if op == "≥" and target > 0:
        return min(actual / target, Decimal(1)) * pts
    if op == "≤" and actual > 0:
        return min(target / actual, Decimal(1)) * pts
    return None


@rule("SE-PART-01", family="self_eval", needs=SE)
def partial_credit(ctx: RuleContext) -> None:
    """部分得分与本文件可见的扣分公式不符

    Formula: 正向指标 得分 = 实际值 ÷ 指标值 × 分值；反向指标 得分 = 指标值 ÷ 实际值 × 分值（封顶分值）；仅当本文件其他部分得分都符合该公式时据此判定
    Tolerance: ±0.5 分；公式不可见时列为“未重算”
    """
    cases = []
    for t in ctx.doc.tables_of("self_eval"):
        for r in indicators(t):
            tc = r.get("年度指标值")
            tgt = target_of(tc.text) if tc else None
            act, sc, pts = r.value("实际完成值"), r.value("得分"), r.value("分值")
            if sc is None or pts is None or not (0 < sc < pts):
                continue
            exp = _partial_expected(tgt[0], tgt[1], act, pts) if (tgt and act is not None) else None
            cases.append((t, r, sc, exp))
    fits = [c for c in cases if c[3] is not None and abs(c[3] - c[2]) <= Decimal("0.5")]
    formula_visible = len(fits) >= 2
    for t, r, sc, exp in cases:
        if exp is None or not formula_visible:
            ctx.skip(f"“{project(t)}”“{r.label}”部分得分 {fmt(sc)}：扣分公式不可见，未重算", ctx.loc_cell(t, r, "得分"))
            continue
        if abs(exp - sc) > Decimal("0.5"):
            e = exp.quantize(Decimal("0.01"))
            ctx.emit("error", f"“{project(t)}”“{r.label}”得 {fmt(sc)} 分，按本文件的比例扣分公式应为 {fmt(e)} 分",
                     reported=sc, expected=e, difference=sc - e, formula=f"比例得分 = {fmt(e)}",
                     locations=[ctx.loc_cell(t, r, "得分")])


@rule("SE-GRADE-01", family="self_eval", needs=SE)
def grade(ctx: RuleContext) -> None:
    """自评等级与总分不符

    Formula: 等级 = 优（≥90）/ 良（80–<90）/ 中（60–<80）/ 差（<60），分档见 rules/*.yaml
    Tolerance: 无
    """
    for t in ctx.doc.tables_of("self_eval"):
        g = t.meta.get("等级") or t.meta.get("自评等级") or t.meta.get("评价等级")
        tot = total_score_row(t)
        if not g or tot is None or tot.value("得分") is None:
            continue
        score = tot.value("得分")
        assert score is not None
        exp = ctx.config.grade_of(score)
        if ctx.config.canonical_grade(g) != exp:
            ctx.emit("error", f"“{project(t)}”总分 {fmt(score)} 应为“{exp}”，表中为“{g}”", reported=g, expected=exp,
                     formula=f"grade({fmt(score)}) = {exp}", locations=[ctx.loc_cell(t, tot, "得分")])


def table_grades(ctx: RuleContext) -> list[tuple[Table, Decimal, str]]:
    """(table, 总分, grade) for every self-evaluation table with a total."""
    out = []
    for t in ctx.doc.tables_of("self_eval"):
        tot = total_score_row(t)
        s = tot.value("得分") if tot else None
        if s is not None:
            out.append((t, s, ctx.config.grade_of(s)))
    return out

