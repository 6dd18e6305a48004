"""评分表 / 得分一览表: weights and scores add up the hierarchy, 得分 ≤ 分值, the same score wherever
printed, “X% 权重分 Y 分”, recomputation from 评分标准, and the grade stated for a total score."""

from __future__ import annotations

import re
from decimal import Decimal

from ..documents import Paragraph, Row, Table
from .context import RuleContext, Val, table_label
from .findings import Location, fmt
from .registry import rule
from .tables import key

SCORE_KINDS = ("score_table", "score_summary")


def _attr(r: Row, level: str) -> str:
    return key(r.attrs.get(level, ""))


def _children(t: Table, parent: Row) -> list[Row]:
    """Rows one level below ``parent`` in a score table (by the 一级/二级 attributes)."""
    if parent.level == "二级":
        return [r for r in t.rows if r.role == "indicator" and _attr(r, "一级指标") == _attr(parent, "一级指标")
                and _attr(r, "二级指标") == _attr(parent, "二级指标")]
    if parent.level == "一级":
        subs = [r for r in t.rows if r.role == "subtotal" and r.level == "二级" and _attr(r, "一级指标") == _attr(parent, "一级指标")]
        inds = [r for r in t.rows if r.role == "indicator" and _attr(r, "一级指标") == _attr(parent, "一级指标")]
        if subs:
            covered = {_attr(s, "二级指标") for s in subs}
            orphans = [r for r in inds if _attr(r, "二级指标") not in covered]
            return subs + orphans
        return inds
    return []


def _top(t: Table) -> list[Row]:
    tops = [r for r in t.rows if r.role == "subtotal" and r.level == "一级"]
    return tops or [r for r in t.rows if r.role == "indicator"]


def _group_key(r: Row) -> str:
    return f"{r.level or r.role}:{key(r.label)}"


def _reference_groups(ctx: RuleContext, t: Table, col: str) -> dict[str, int]:
    """Groups of the other score tables that add up: key → number of children."""
    out: dict[str, int] = {}
    for o in [o for k in SCORE_KINDS for o in ctx.doc.tables_of(k)]:
        if o is t or col not in o.columns:
            continue
        for r in o.rows:
            if r.role != "subtotal":
                continue
            kids = _children(o, r)
            pv = r.value(col)
            vals = [k.value(col) for k in kids]
            if pv is None or not kids or any(v is None for v in vals):
                continue
            if abs(sum(v for v in vals if v is not None) - pv) <= Decimal("0.01"):
                out[_group_key(r)] = len(kids)
    return out


def _check_group(ctx: RuleContext, t: Table, parent: Row, kids: list[Row], col: str, what: str,
                 refs: dict[str, int] | None = None) -> None:
    pv = ctx.val(t, parent, col, f"{parent.label}·{col}", empty_as_zero=False)
    if pv is None or not kids:
        return
    ref = (refs or {}).get(_group_key(parent))
    kid_vals = [k.value(col) for k in kids]
    adds_up = all(v is not None for v in kid_vals) and abs(sum(v for v in kid_vals if v is not None) - pv.value) <= \
        Decimal(len(kids)) * pv.half_ulp
    if ref is not None and ref != len(kids) and not adds_up:
        ctx.skip(f"{table_label(t)}“{parent.label}”的下级归属与另一评分表不同（{len(kids)} 项 vs {ref} 项，"
                 f"疑为跨页合并单元格丢失），{what}未核对", pv.loc)
        return
    vals = [ctx.val(t, k, col, f"{k.label}", empty_as_zero=False) for k in kids]
    if any(v is None for v in vals):
        missing = [k.label for k, v in zip(kids, vals, strict=True) if v is None]
        ctx.skip(f"{table_label(t)}“{parent.label}”的下级“{'、'.join(missing[:3])}”缺少{col}，{what}未核对",
                 pv.loc)
        return
    ctx.compare_sum(pv, [v for v in vals if v is not None], what=f"{table_label(t)}“{parent.label}”{col} ≠ 下级{col}之和")


@rule("SC-HIER-01", family="scoring", needs=SCORE_KINDS, any_of=True)
def weight_hierarchy(ctx: RuleContext) -> None:
    """指标权重（分值）层级合计不符

    Formula: Σ 三级分值 = 所属二级分值；Σ 二级 = 一级；Σ 一级 = 合计 = 100
    Tolerance: n × 半个末位单位 → 尾数误差
    """
    _hierarchy(ctx, "分值")


@rule("SC-HIER-02", family="scoring", needs=SCORE_KINDS, any_of=True)
def score_hierarchy(ctx: RuleContext) -> None:
    """指标得分层级合计不符

    Formula: Σ 三级得分 = 所属二级得分；Σ 二级 = 一级；合计 = Σ 一级
    Tolerance: n × 半个末位单位 → 尾数误差
    """
    _hierarchy(ctx, "得分")


def _hierarchy(ctx: RuleContext, col: str) -> None:
    for t in [t for k in SCORE_KINDS for t in ctx.doc.tables_of(k)]:
        if col not in t.columns:
            continue
        refs = ctx.memo(f"refs:{id(t)}:{col}", lambda t=t: _reference_groups(ctx, t, col))
        for r in t.rows:
            if r.role == "subtotal":
                _check_group(ctx, t, r, _children(t, r), col, "层级", refs)
        tot = next((r for r in t.rows if r.role == "total"), None)
        tops = _top(t)
        if tot is not None and tops and any(r.value(col) is None for r in tops):
            leaves = [r for r in t.rows if r.role == "indicator"]
            if leaves and all(r.value(col) is not None for r in leaves):
                tops = leaves  # 一级 rows print no 得分: the total is the sum of the scored leaves
        if tot is not None:
            _check_group(ctx, t, tot, tops, col, "合计")
        elif col == "分值" and tops:
            vals = [ctx.val(t, r, col, r.label, empty_as_zero=False) for r in tops]
            if all(v is not None for v in vals):
                first = vals[0]
                assert first is not None
                full = Val(ctx.config.total_points, Decimal(0), first.loc, "满分")
                ctx.compare_sum(full, [v for v in vals if v], what=f"{table_label(t)}一级指标分值合计 ≠ 100")


@rule("SC-MAX-01", family="scoring", needs=SCORE_KINDS, any_of=True)
def score_le_weight(ctx: RuleContext) -> None:
    """指标得分超过其分值

    Formula: 得分 ≤ 分值（每个指标、每个小计）
    Tolerance: 无
    """
    for t in [t for k in SCORE_KINDS for t in ctx.doc.tables_of(k)]:
        for r in t.rows:
            s, w = ctx.val(t, r, "得分", empty_as_zero=False), ctx.val(t, r, "分值", empty_as_zero=False)
            if s is not None and w is not None and s.usable and w.usable and s.value > w.value:
                ctx.emit("error", f"{table_label(t)}“{r.label}”得分 {fmt(s.value)} 超过分值 {fmt(w.value)}", reported=s.value,
                         expected=w.value, difference=s.value - w.value, formula=f"{fmt(s.value)} ≤ {fmt(w.value)}",
                         locations=[s.loc, w.loc])


def _scored_first(ctx: RuleContext) -> list[Table]:
    """Score tables, those that print 得分 first (the annex 评分表 before a bare 指标体系)."""
    ts = ctx.doc.tables_of("score_table")
    return sorted(ts, key=lambda t: not any(r.value("得分") is not None for r in t.rows))


def _indicator_rows(ctx: RuleContext) -> dict[str, tuple[Table, Row]]:
    return ctx.memo("indicator_rows", lambda: _make_indicator_rows(ctx))


def _make_indicator_rows(ctx: RuleContext) -> dict[str, tuple[Table, Row]]:
    out: dict[str, tuple[Table, Row]] = {}
    for t in _scored_first(ctx):
        for r in t.rows:
            if r.role == "indicator":
                out.setdefault(key(r.label), (t, r))
    return out


def _indicator_in_section(ctx: RuleContext, name: str, section: str) -> tuple[Table, Row] | None:
    """Among same-named indicators, the one whose 二级 appears in the paragraph's section path."""
    rows = [(t, r) for t in _scored_first(ctx) for r in t.rows
            if r.role == "indicator" and key(r.label) == name]
    sec = key(section)
    for t, r in rows:
        two = _attr(r, "二级指标")
        if two and two in sec:
            return t, r
    return rows[0] if rows else None


def _match_name(text: str, names: dict[str, tuple[Table, Row]]) -> str | None:
    head = key(re.sub(r"[（(]\s*\d+(\.\d+)?\s*分\s*[)）]", "", text))
    head = re.sub(r"^[①-⑩\d.、]+", "", head)
    if head in names:
        return head
    cands = [n for n in names if len(n) >= 3 and (n in head or (len(head) >= 3 and head in n))]
    return max(cands, key=len) if cands else None


def _para_indicator(ctx: RuleContext, idx: int, names: dict[str, tuple[Table, Row]]) -> str | None:
    """The indicator a body paragraph scores: the nearest preceding short heading naming one."""
    paras = ctx.doc.paragraphs
    for j in range(idx - 1, max(-1, idx - 8), -1):
        t = paras[j].text.strip()
        if len(t) <= 40 and not t.endswith("。"):
            found = _match_name(t, names)
            if found:
                return found
            if re.match(r"^([（(]?\d+[)）.、]|[一二三四五六七八九十]+、)", t):
                return None
    return None


_PLAIN_SCORE = re.compile(r"(?:根据|依据|按照?)评分标准[，,]?\s*得\s*(\d+(?:\.\d+)?)\s*分")
_WEIGHT_SCORE = re.compile(r"得\s*(\d+(?:\.\d+)?)\s*%\s*(?:的)?权重分\s*(\d+(?:\.\d+)?)\s*分")


def body_scores(ctx: RuleContext) -> list[tuple[Paragraph, re.Match[str], str | None]]:
    return ctx.memo("body_scores", lambda: _body_scores(ctx))


def _body_scores(ctx: RuleContext) -> list[tuple[Paragraph, re.Match[str], str | None]]:
    names = _indicator_rows(ctx)
    out = []
    for i, p in enumerate(ctx.doc.paragraphs):
        for m in _WEIGHT_SCORE.finditer(p.text):
            out.append((p, m, _para_indicator(ctx, i, names)))
    return out


def para_loc(ctx: RuleContext, p: Paragraph, text: str) -> Location:
    return Location(document=ctx.doc.name, page=p.page, line=p.line, row=(p.section.split(" / ")[-1] or None),
                    text=text)


@rule("SC-PCT-01", family="scoring", needs=("score_table",))
def weight_percent(ctx: RuleContext) -> None:
    """“得 X% 权重分 Y 分”中 X% × 权重 ≠ Y

    Formula: Y = X% × 该指标分值（分值取评分表；无表时取标题“（N 分）”）
    Tolerance: ±0.01 分（Y 按两位小数印出）
    """
    names = _indicator_rows(ctx)
    for p, m, ind in body_scores(ctx):
        weight = None
        loc_w = None
        if ind is not None:
            t, r = _indicator_in_section(ctx, ind, p.section) or names[ind]
            v = ctx.val(t, r, "分值", empty_as_zero=False)
            if v is not None:
                weight, loc_w = v.value, v.loc
        if weight is None:
            ctx.skip(f"“{m.group(0)}”所属指标或其分值未找到，未核对", para_loc(ctx, p, m.group(0)))
            continue
        x, y = Decimal(m.group(1)), Decimal(m.group(2))
        exp = (x / 100 * weight).quantize(Decimal("0.01"))
        if abs(exp - y) <= Decimal("0.01"):
            continue
        ctx.emit("error", f"“{ind or p.section.split(' / ')[-1]}”得 {m.group(1)}% 权重分应为 {fmt(exp)} 分，文中为 {m.group(2)} 分",
                 reported=y, expected=exp, difference=y - exp, formula=f"{m.group(1)}% × {fmt(weight)} = {fmt(exp)}",
                 locations=[para_loc(ctx, p, m.group(0))] + ([loc_w] if loc_w else []))


@rule("SC-SAME-01", family="scoring", needs=SCORE_KINDS, any_of=True)
def same_score_everywhere(ctx: RuleContext) -> None:
    """同一指标的得分在正文、得分一览表和评分表中不一致

    Formula: 正文“权重分 Y 分” = 评分表该指标得分；得分一览表二级得分 = 评分表该二级下三级得分之和；两表合计相等
    Tolerance: 两个印出数各 ±半个末位单位
    """
    names = _indicator_rows(ctx)

    def body_vs_table(p, ind: str, score: str, stated: str) -> None:
        t, r = _indicator_in_section(ctx, ind, p.section) or names[ind]
        v = ctx.val(t, r, "得分", empty_as_zero=False)
        if v is None:
            return
        body = Val(Decimal(score), Decimal("0.005"), para_loc(ctx, p, stated), f"正文“{ind}”")
        ctx.compare_equal(body, v, what=f"“{r.label}”得分正文与评分表不一致")

    for p, m, ind in body_scores(ctx):
        if ind is not None:
            body_vs_table(p, ind, m.group(2), m.group(0))
    # “……根据评分标准得 4 分。” — a score stated without “X% 权重分”
    for i, p in enumerate(ctx.doc.paragraphs):
        for m in _PLAIN_SCORE.finditer(p.text):
            ind = _para_indicator(ctx, i, names)
            if ind is not None:
                body_vs_table(p, ind, m.group(1), m.group(0))
    summary = ctx.doc.table("score_summary")
    annex = next(iter(_scored_first(ctx)), None)
    if summary is None or annex is None or "得分" not in annex.columns:
        return
    for r in summary.rows:
        if r.role != "indicator":
            continue
        k2 = _attr(r, "二级指标") or key(r.label)
        kids = [a for a in annex.rows if a.role == "indicator" and _attr(a, "二级指标") == k2]
        sub = next((a for a in annex.rows if a.role == "subtotal" and a.level == "二级" and _attr(a, "二级指标") == k2), None)
        if sub is not None and not kids:
            kids = _children(annex, sub)
        if not kids:
            continue
        vals = [ctx.val(annex, a, "得分", a.label, empty_as_zero=False) for a in kids]
        sv = ctx.val(summary, r, "得分", f"{table_label(summary)}·{r.label}", empty_as_zero=False)
        if sv is None or any(v is None for v in vals):
            continue
        ctx.compare_sum(sv, [v for v in vals if v], what=f"得分一览表“{r.label}”≠ 评分表该项三级得分之和")


_SLOPE = re.compile(r"[≥>]=?\s*(\d+(?:\.\d+)?)\s*%\s*得\s*(?:100%\s*权重分|满分)[^。；]*?每(?:下降|降低|减少)\s*(\d+(?:\.\d+)?)\s*%\s*"
                    r"扣\s*(\d+(?:\.\d+)?)\s*(%\s*权重分|分)")
_BAND = re.compile(r"(\d+(?:\.\d+)?)\s*%\s*[（(]?含?[)）]?\s*[~～至\-–]\s*(\d+(?:\.\d+)?)\s*%\s*[（(]?[^)）]{0,3}[)）]?\s*得\s*(\d+(?:\.\d+)?)\s*分")
_PROP = re.compile(r"按(?:实际)?[^。；，,]{0,8}?(?:率|比例)\s*[×xX*]\s*(?:指标)?权重(?:分)?\s*得分")
_FORMULA_RESULT = re.compile(r"=\s*(\d+(?:\.\d+)?)\s*%(?!\s*(?:的)?权重)")
_FIGURE = re.compile(r"(?:率|度)\s*(?:为|达到|达|是)?\s*(\d+(?:\.\d+)?)\s*%(?!\s*(?:的)?权重)")


def recompute(standard: str, figure: Decimal, weight: Decimal) -> tuple[Decimal, str] | None:
    """Given a 评分标准, the figure from 评分过程 and the weight, return (score, rule text) or None."""
    s = re.sub(r"\s+", "", standard)
    m = _SLOPE.search(s)
    if m:
        thr, step, ded, unit = Decimal(m.group(1)), Decimal(m.group(2)), Decimal(m.group(3)), m.group(4)
        if figure >= thr:
            return weight, f"{fmt(figure)}% ≥ {fmt(thr)}% 得满分"
        steps = ((thr - figure) / step).to_integral_value(rounding="ROUND_CEILING")
        per = ded / 100 * weight if "%" in unit else ded
        return max(weight - steps * per, Decimal(0)), f"{fmt(weight)} − {fmt(steps)} × {fmt(per)}"
    bands = _BAND.findall(s)
    if bands:
        top = max(Decimal(b[1]) for b in bands)
        full = re.search(r"(?<![\d.~～至\-–])100%\s*得\s*(满分|\d+(?:\.\d+)?分)", s)
        if full and figure >= Decimal(100):
            return (weight if full.group(1) == "满分" else Decimal(full.group(1)[:-1])), f"100% 得{full.group(1)}"
        for lo, hi, pts in bands:
            upper_ok = figure < Decimal(hi) or (figure == Decimal(hi) and (Decimal(hi) == top and not full))
            if Decimal(lo) <= figure and upper_ok:
                return Decimal(pts), f"{lo}%~{hi}% 得 {pts} 分"
        if re.search(r"以下不得分", s):
            return Decimal(0), "低于最低档不得分"
        return None
    if _PROP.search(s):
        return min(figure, Decimal(100)) / 100 * weight, f"{fmt(figure)}% × {fmt(weight)}"
    return None


@rule("SC-REC-01", family="scoring", needs=("score_table",))
def recompute_scores(ctx: RuleContext) -> None:
    """按评分标准重算的得分与文中得分不符

    Formula: 分档（“90%(含)~100% 得 2 分”）、比例（“率 × 权重得分”）、阈值斜率（“≥90% 得满分，每下降 1% 扣 5% 权重分”）三类评分标准，以正文评分过程中的百分比重算
    Tolerance: ±0.01 分；其他形式列为“未重算”
    """
    names = _indicator_rows(ctx)
    for p, m, ind in body_scores(ctx):
        if ind is None:
            continue
        t, r = _indicator_in_section(ctx, ind, p.section) or names[ind]
        std = r.get("评分标准")
        w = r.value("分值")
        if std is None or w is None:
            continue
        figs = [fm for fm in _FIGURE.finditer(p.text) if fm.end() <= m.start()]
        if not figs:  # “执行率=(a/b)×100%=205.58%”: the result of the written formula
            figs = [fm for fm in _FORMULA_RESULT.finditer(p.text) if fm.end() <= m.start()]
        if figs and re.search(r"执行率|完成率|执行进度", r.label) and Decimal(figs[-1].group(1)) > 100 \
                and Decimal(m.group(2)) >= w:
            ctx.emit("warning", f"“{r.label}”为 {figs[-1].group(1)}%，超过 100%（支出超出预算），却得满分 {m.group(2)} 分；"
                     "评分标准未规定超 100% 的得分，应核实", reported=f"{figs[-1].group(1)}%", expected="≤ 100%",
                     formula=f"{r.label} {figs[-1].group(1)}% > 100%，得分 {m.group(2)} = 分值 {fmt(w)}",
                     locations=[para_loc(ctx, p, figs[-1].group(0)), para_loc(ctx, p, m.group(0)),
                                ctx.loc_cell(t, r, "评分标准")])
            continue
        if not figs:
            ctx.skip(f"“{r.label}”评分过程中没有可用于重算的百分比，未重算", para_loc(ctx, p, m.group(0)))
            continue
        fig = Decimal(figs[-1].group(1))
        res = recompute(std.text, fig, w)
        if res is None:
            ctx.skip(f"“{r.label}”评分标准不是分档/比例/斜率形式，未重算", ctx.loc_cell(t, r, "评分标准"))
            continue
        exp, how = res
        exp = exp.quantize(Decimal("0.01"))
        y = Decimal(m.group(2))
        if abs(exp - y) <= Decimal("0.01"):
            continue
        ctx.emit("error", f"“{r.label}”按评分标准（{how}）应得 {fmt(exp)} 分，文中为 {m.group(2)} 分（依据：{figs[-1].group(0)}）",
                 reported=y, expected=exp, difference=y - exp, formula=f"{how} = {fmt(exp)}",
                 locations=[para_loc(ctx, p, m.group(0)), para_loc(ctx, p, figs[-1].group(0)), ctx.loc_cell(t, r, "评分标准")])


_GRADE_STMT = re.compile(r"(?:得分|总分|评分|综合得分|平均分|平均得分)分?\s*(?:为)?\s*(\d+(?:\.\d+)?)\s*分[^。；]{0,24}?(?:等级|评级|评价结果|结论)\s*(?:为|是)?\s*[“\"]?(优秀|良好|优|良|中|差|合格|不合格)")


@rule("SC-GRADE-01", family="scoring")
def grade_statement(ctx: RuleContext) -> None:
    """文中评价等级与得分不符

    Formula: 等级 = 优（≥90）/ 良（80–<90）/ 中（60–<80）/ 差（<60），分档见 rules/*.yaml
    Tolerance: 无
    """
    alias = {"优秀": "优", "良好": "良"}
    for p in ctx.doc.paragraphs:
        for m in _GRADE_STMT.finditer(p.text):
            score = Decimal(m.group(1))
            if score > ctx.config.total_points:
                continue
            g = ctx.config.canonical_grade(alias.get(m.group(2), m.group(2)))
            exp = ctx.config.grade_of(score)
            if g != exp:
                ctx.emit("error", f"得分 {m.group(1)} 分对应“{exp}”，文中为“{m.group(2)}”", reported=m.group(2), expected=exp,
                         formula=f"grade({m.group(1)}) = {exp}", locations=[para_loc(ctx, p, m.group(0))])
