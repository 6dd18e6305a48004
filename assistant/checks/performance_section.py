"""预算绩效情况说明: stated number of self-evaluated projects and 优/良/中/差 counts vs each other and
vs the published 自评表; 涉及资金 vs 项目支出; the 部门评价 project and score vs the attached report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..documents import Paragraph
from .context import RuleContext, table_label
from .findings import Location, fmt
from .registry import rule
from .self_eval import project, table_grades
from .tables import total_row

_SECTION = re.compile(r"预算绩效|绩效管理|绩效自评情况|绩效评价情况")
_N_STATED = [
    re.compile(r"(\d+)\s*个[^，。；]{0,12}?(全面)?开展(了)?绩效自评"),
    re.compile(r"二级项目\s*(\d+)\s*个"),
    re.compile(r"绩效自评的[^，。；]{0,15}?项目\s*(\d+)\s*个"),
    re.compile(r"对\s*(\d+)\s*个项目(开展|进行)(了)?(绩效)?自评"),
]
_GRADE_A = re.compile(r"(\d+)\s*个项目评\s*价?\s*结果为\s*[“\"]?(优|良|中|差)")
_GRADE_B = re.compile(r"绩效评级为\s*[“\"]?(优|良|中|差|合格|不合格)[”\"]?\s*的项目\s*(\d+)\s*个")
_GRADE_GARBLED = re.compile(r"个项目评\s*价?\s*结果为\s*(\d+)\s*[“\"](优|良|中|差)")


@dataclass
class PerfText:
    text: str
    paras: list[Paragraph]

    def loc(self, ctx: RuleContext, start: int, snippet: str) -> Location:
        pos = 0
        for p in self.paras:
            if pos + len(p.text) >= start:
                return Location(document=ctx.doc.name, page=p.page, line=p.line, table=None,
                                row=(p.section.split(" / ")[-1] if p.section else None), text=snippet)
            pos += len(p.text)
        p = self.paras[-1]
        return Location(document=ctx.doc.name, page=p.page, line=p.line, text=snippet)


_TOP = re.compile(r"^#*\s*([一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")


def perf_text(ctx: RuleContext) -> PerfText | None:
    """The 预算绩效 section: by heading path, or (markdown exports) from its heading line to the next one."""
    return ctx.memo("perf_text", lambda: _perf_text(ctx))


def _perf_text(ctx: RuleContext) -> PerfText | None:
    paras: list[Paragraph] = []
    seen: set[int] = set()
    inside = False
    for p in ctx.doc.paragraphs:
        t = p.text.strip()
        if _TOP.match(t):
            inside = bool(_SECTION.search(t)) and "评价报告" not in t
        by_section = bool(_SECTION.search(p.section or "")) and not re.search(r"评价报告", p.section or "")
        if (inside or by_section) and id(p) not in seen:
            seen.add(id(p))
            paras.append(p)
    if not paras:
        return None
    return PerfText("".join(p.text for p in paras), paras)


def stated_count(pt: PerfText) -> tuple[int, int, str] | None:
    for pat in _N_STATED:
        m = pat.search(pt.text)
        if m:
            return int(m.group(1)), m.start(), m.group(0)
    return None


def grade_counts(ctx: RuleContext, pt: PerfText) -> dict[str, tuple[int, int, str]]:
    out: dict[str, tuple[int, int, str]] = {}
    for m in _GRADE_A.finditer(pt.text):
        out.setdefault(m.group(2), (int(m.group(1)), m.start(), m.group(0)))
    for m in _GRADE_B.finditer(pt.text):
        g = ctx.config.canonical_grade(m.group(1))
        out.setdefault(g, (int(m.group(2)), m.start(), m.group(0)))
    for m in _GRADE_GARBLED.finditer(pt.text):
        out.setdefault(m.group(2), (int(m.group(1)), m.start(), m.group(0)))
    return out


@rule("PERF-CNT-01", family="performance_section")
def counts_add_up(ctx: RuleContext) -> None:
    """各等级项目个数之和不等于自评项目总数

    Formula: 自评项目个数 N = 优 + 良 + 中 + 差 个数
    Tolerance: 无
    """
    pt = perf_text(ctx)
    if pt is None:
        return
    n, gc = stated_count(pt), grade_counts(ctx, pt)
    if n is None or not gc:
        return
    total = sum(v[0] for v in gc.values())
    if total != n[0]:
        terms = " + ".join(f"{g} {v[0]}" for g, v in gc.items())
        ctx.emit("error", f"自评项目共 {n[0]} 个，各等级个数之和为 {total}（{terms}）", reported=n[0], expected=total,
                 difference=n[0] - total, formula=f"{terms} = {total}",
                 locations=[pt.loc(ctx, n[1], n[2])] + [pt.loc(ctx, v[1], v[2]) for v in gc.values()])


@rule("PERF-CNT-02", family="performance_section", needs=("self_eval",))
def count_vs_tables(ctx: RuleContext) -> None:
    """说明中的自评项目个数与公开的自评表张数不一致

    Formula: 自评项目个数 N = 本文件公开的项目支出绩效自评表数（按项目名称去重）
    Tolerance: 无
    """
    pt = perf_text(ctx)
    n = stated_count(pt) if pt else None
    if pt is None or n is None:
        ctx.skip("未找到说明中的自评项目个数")
        return
    names = {project(t) for t in ctx.doc.tables_of("self_eval")}
    if len(names) != n[0]:
        first = ctx.doc.tables_of("self_eval")[0]
        ctx.emit("error", f"说明称 {n[0]} 个项目开展自评，文中公开自评表 {len(names)} 张", reported=n[0], expected=len(names),
                 difference=n[0] - len(names), formula=f"自评表数 = {len(names)}",
                 locations=[pt.loc(ctx, n[1], n[2]), Location(document=ctx.doc.name, page=first.page, line=first.line,
                                                              table=table_label(first))])


@rule("PERF-CNT-03", family="performance_section", needs=("self_eval",))
def grades_vs_tables(ctx: RuleContext) -> None:
    """说明中的各等级项目个数与自评表总分推出的等级个数不一致

    Formula: 等级“X”的个数 = 自评表中总分落在 X 档的表数（分档见 rules/*.yaml）
    Tolerance: 无
    """
    pt = perf_text(ctx)
    if pt is None:
        return
    gc = grade_counts(ctx, pt)
    if not gc:
        return
    tg = table_grades(ctx)
    counts: dict[str, int] = {}
    for _, _, g in tg:
        counts[g] = counts.get(g, 0) + 1
    for g in sorted(set(gc) | set(counts)):
        stated = gc.get(g, (0, 0, ""))[0]
        actual = counts.get(g, 0)
        if stated != actual:
            loc = pt.loc(ctx, gc[g][1], gc[g][2]) if g in gc else pt.loc(ctx, 0, "")
            ctx.emit("error", f"说明称“{g}”{stated} 个，自评表总分为“{g}”的有 {actual} 个", reported=stated, expected=actual,
                     difference=stated - actual, formula=f"count(总分∈{g}) = {actual}", locations=[loc])


@rule("PERF-FUND-01", family="performance_section", needs=("final_03",))
def funds_share(ctx: RuleContext) -> None:
    """自评涉及资金占项目支出总额的比例与金额不符

    Formula: 占比 = 涉及资金 ÷ 项目支出（公开03表合计） × 100%
    Tolerance: 按印出精度取区间 → 尾数误差
    """
    pt = perf_text(ctx)
    t3 = ctx.doc.table("final_03")
    if pt is None or t3 is None:
        return
    m = re.search(r"涉及资金\s*(\d[\d,]*(?:\.\d+)?)\s*万元[，,]?\s*占项目支出总额的\s*(\d+(?:\.\d+)?)\s*%", pt.text)
    r = total_row(t3)
    if not m or r is None:
        return
    proj = ctx.val(t3, r, "项目支出", "项目支出合计")
    if proj is None or proj.value == 0:
        return
    amount = Decimal(m.group(1).replace(",", ""))
    stated = Decimal(m.group(2))
    exp = (amount / proj.value * 100).quantize(Decimal("0.01"))
    if abs(exp - stated) <= Decimal("0.5"):
        return
    ctx.emit("error", f"涉及资金 {m.group(1)} 万元称占项目支出总额 {m.group(2)}%，项目支出合计 {fmt(proj.value)} 万元，应为 {exp}%",
             reported=stated, expected=exp, difference=stated - exp,
             formula=f"{m.group(1)} ÷ {fmt(proj.value)} × 100% = {exp}%", locations=[pt.loc(ctx, m.start(), m.group(0)), proj.loc])


_REPORT_TITLE = re.compile(r"^(.{2,60}?)(项目)?(支出)?(部门)?(绩效)?评价报告$")
_STATED_EVAL = re.compile(r"开展(了)?部门评价[，,]?\s*(分别)?为[:：]\s*([^。；]+)")


def _norm_name(s: str) -> str:
    s = re.sub(r"[“”\"'《》\s]", "", s)
    s = re.sub(r"^(.*?(党政办|中心|局|委|办|部))(?=.{4,})", "", s)
    return re.sub(r"(专项资金|专项经费|经费|资金|项目|支出)+$", "", s)


def report_titles(ctx: RuleContext) -> list[Paragraph]:
    return [p for p in ctx.doc.paragraphs if len(p.text) < 70 and _REPORT_TITLE.match(p.text.strip())
            and "自评" not in p.text and not p.text.startswith(("项目部门评价报告见", "（"))]


@rule("PERF-EVAL-01", family="performance_section")
def evaluated_project(ctx: RuleContext) -> None:
    """说明中的部门评价项目与所附部门评价报告不是同一项目

    Formula: 说明“开展了部门评价，为：P”中的 P = 所附评价报告的项目名称
    Tolerance: 名称去掉单位前缀、引号和“专项资金/经费/项目”后相互包含即视为一致
    """
    pt = perf_text(ctx)
    if pt is None:
        return
    m = _STATED_EVAL.search(pt.text)
    titles = report_titles(ctx)
    if not m or not titles:
        return
    stated = [s for s in re.split(r"[、，,和及]", m.group(3)) if s.strip()]
    report_names = [(p, _REPORT_TITLE.match(p.text.strip()).group(1)) for p in titles]  # type: ignore[union-attr]
    for s in stated:
        ns = _norm_name(s)
        if not ns:
            continue
        if any(ns in _norm_name(rn) or _norm_name(rn) in ns for _, rn in report_names):
            continue
        p0, rn0 = report_names[0]
        ctx.emit("error", f"说明称部门评价项目为“{s.strip()}”，所附评价报告为“{rn0}”", reported=s.strip(), expected=rn0,
                 formula="说明中的项目 = 报告项目",
                 locations=[pt.loc(ctx, m.start(), m.group(0)[:60]),
                            Location(document=ctx.doc.name, page=p0.page, line=p0.line, text=p0.text.strip())])


_STATED_SCORE = re.compile(r"(总分|得分|评分)分?\s*(为)?\s*(\d+(?:\.\d+)?)\s*分")
_REPORT_SCORE = re.compile(r"(评价得分|综合得分|总得分|最终得分|评分结果为|得分为)\s*(为)?\s*(\d+(?:\.\d+)?)\s*分")


@rule("PERF-EVAL-02", family="performance_section")
def evaluated_score(ctx: RuleContext) -> None:
    """说明中的部门评价得分与所附评价报告不一致

    Formula: 说明中的部门评价总分 = 所附评价报告的评价得分（仅一个部门评价项目时核对）
    Tolerance: 无（得分按印出值比较）
    """
    pt = perf_text(ctx)
    titles = report_titles(ctx)
    if pt is None or len(titles) != 1:
        return
    m = _STATED_EVAL.search(pt.text)
    if not m:
        return
    sm = _STATED_SCORE.search(pt.text, m.end())
    if not sm or sm.start() - m.end() > 200:
        return
    start = ctx.doc.paragraphs.index(titles[0])
    for p in ctx.doc.paragraphs[start:]:
        rm = _REPORT_SCORE.search(p.text)
        if rm:
            a, b = Decimal(sm.group(3)), Decimal(rm.group(3))
            if a != b:
                ctx.emit("error", f"说明中部门评价得分 {sm.group(3)} 分，所附评价报告为 {rm.group(3)} 分", reported=a, expected=b,
                         difference=a - b, formula=f"{sm.group(3)} = {rm.group(3)}",
                         locations=[pt.loc(ctx, sm.start(), sm.group(0)),
                                    Location(document=ctx.doc.name, page=p.page, line=p.line, text=rm.group(0))])
            return

