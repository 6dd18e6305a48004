"""情况说明 vs the tables: every stated amount equals its table cell; stated growth, completion and
shares recompute; “决算数大于/小于/等于预算数” agrees with the two amounts it compares."""

from __future__ import annotations

import dataclasses
import re
from decimal import ROUND_DOWN, Decimal

from ..documents import Document, Row, Table
from .context import RuleContext, Val, table_label
from .findings import Location, fmt
from .registry import rule
from .statements import Num, Sentence, sentences
from .tables import INCOME_TOTAL, SPEND_TOTAL, find_row, key, rows_before, total_row

NARR = r"情况说明|决算说明|第三部分|其他重要事项|预算绩效"
_NARR_RE = re.compile(NARR)
Target = tuple[Table, Row, str]


def _loc(ctx: RuleContext, s: Sentence, n: Num) -> Location:
    p = s.paragraph
    return Location(document=ctx.doc.name, page=p.page, line=p.line, table=None,
                    row=(p.section.split(" / ")[-1] if p.section else None), column=n.subject or None,
                    text=s.text.strip()[:120])


def _nval(ctx: RuleContext, s: Sentence, n: Num, label: str | None = None) -> Val:
    return Val(n.value, n.half_ulp, _loc(ctx, s, n), label or f"叙述“{n.subject}”{n.text}")


def _class_target(doc: Document, name: str, section: str) -> Target | None:
    """A functional class (类) by name: 05 in 一般公共预算 sections, 04 合计 in 财政拨款 ones, else 01."""
    if re.search(r"一般公共预算", section):
        t = doc.table("final_05")
        r = next((r for r in (t.rows if t else []) if (r.level == "类" or len(r.code or "") == 3)
                  and key(r.label) == key(name)), None)
        return (t, r, SPEND_TOTAL) if t and r else None
    if re.search(r"财政拨款", section):
        t = doc.table("final_04")
        r = find_row(t, name, side="支出")
        return (t, r, "合计") if t and r and "合计" in t.columns else None
    t = doc.table("final_01")
    r = find_row(t, name, side="支出")
    return (t, r, "决算数") if t and r else None


def _item_target(doc: Document, name: str) -> Target | None:
    """A 款/项 of the 一般公共预算 table (05) by its name, when unique."""
    t = doc.table("final_05")
    if t is None:
        return None
    rows = [r for r in t.rows if r.code and len(r.code) in (5, 7) and key(r.label) == key(name)]
    return (t, rows[0], SPEND_TOTAL) if len(rows) == 1 else None


_SANGONG = [
    (r"公务用车购置及运行(维护)?费", "公务用车购置及运行维护费"),
    (r"公务用车运行(维护)?费", "公务用车运行维护费"),
    (r"公务用车购置(费)?$", "公务用车购置费"),
    (r"因公出国", "因公出国（境）费"),
    (r"公务接待费", "公务接待费"),
    (r"三公", "合计"),
]


def resolve(doc: Document, subject: str, role: str, budget_kind: str, section: str) -> list[Target] | None:
    """Given a narrative subject and role, return the table cells it restates (None: no counterpart)."""
    s = key(subject)
    s = re.sub(r"^(本部门|本单位)", "", s)
    if not s:
        return None
    if "三公" in s or re.search(r"因公出国|公务用车|公务接待", s):
        t = doc.table("final_09")
        if t is None:
            return []
        for pat, label in _SANGONG:
            if re.search(pat, s):
                r = find_row(t, label)
                if role == "budget":
                    col = "全年预算数" if budget_kind == "全年" else "年初预算数"
                else:
                    col = "决算数"
                return [(t, r, col)] if r and col in t.columns else []
        return None
    if role == "budget":
        return None  # 年初预算 is not printed in the 决算 tables
    t1, t4 = doc.table("final_01"), doc.table("final_04")
    simple01 = {
        "收入总计": ("总计", "收入"), "收入支出总计": ("总计", "收入"), "支出总计": ("总计", "支出"),
        "本年收入合计": (INCOME_TOTAL, "收入"), "本年支出合计": (SPEND_TOTAL, "支出"),
        "年初结转和结余": ("年初结转和结余", "收入"), "年末结转和结余": ("年末结转和结余", "支出"),
        "结余分配": ("结余分配", "支出"), "使用非财政拨款结余(含专用结余)": ("使用非财政拨款结余（含专用结余）", "收入"),
        "事业收入": ("事业收入", "收入"), "经营收入": ("经营收入", "收入"), "上级补助收入": ("上级补助收入", "收入"),
        "附属单位上缴收入": ("附属单位上缴收入", "收入"), "其他收入": ("其他收入", "收入"),
    }
    if s in simple01:
        if t1 is None:
            return []
        label, side = simple01[s]
        r = find_row(t1, label, side=side)
        return [(t1, r, "决算数")] if r else []
    if s == "财政拨款收入支出总计":
        r = find_row(t4, "总计", side="收入")
        return [(t4, r, "决算数")] if t4 and r else []
    if s == "财政拨款收入":
        if t1 is None:
            return []
        rows = [r for r in rows_before(t1, "收入", (INCOME_TOTAL,)) if "财政拨款" in r.label]
        return [(t1, r, "决算数") for r in rows]
    if s in ("一般公共预算财政拨款支出", "一般公共预算财政拨款本年支出"):
        t5 = doc.table("final_05")
        r = total_row(t5) if t5 else None
        return [(t5, r, SPEND_TOTAL)] if t5 and r else []
    if s in ("一般公共预算财政拨款基本支出",) or (s == "基本支出" and re.search(r"一般公共预算财政拨款基本支出", section)):
        t5 = doc.table("final_05")
        r = total_row(t5) if t5 else None
        return [(t5, r, "基本支出")] if t5 and r else []
    if s in ("基本支出", "项目支出", "经营支出", "上缴上级支出", "对附属单位补助支出"):
        t3 = doc.table("final_03")
        r = total_row(t3) if t3 else None
        return [(t3, r, s)] if t3 and r and s in t3.columns else []
    if s in ("人员经费", "公用经费"):
        t6 = doc.table("final_06")
        r = find_row(t6, s + "合计") if t6 else None
        return [(t6, r, "决算数")] if t6 and r else []
    if re.fullmatch(r"(工资福利支出|商品和服务支出|对个人和家庭的?补助(支出)?|资本性支出)", s):
        t6 = doc.table("final_06")
        if t6 is None:
            return []
        name = "对个人和家庭的补助" if s.startswith("对个人") else s
        r = next((r for r in t6.rows if len(r.code or "") == 3 and key(r.label).startswith(key(name)[:6])), None)
        return [(t6, r, "决算数")] if r else []
    if t1 is not None and find_row(t1, s, side="支出") is not None and s.endswith("支出"):
        tg = _class_target(doc, s, section)
        return [tg] if tg else []
    it = _item_target(doc, s)
    if it is not None and re.search(r"一般公共预算", section):
        return [it]
    return None


def _targets_value(ctx: RuleContext, targets: list[Target], label: str) -> Val | None:
    vals = [ctx.val(t, r, c, f"{table_label(t)}·{r.label}·{c}") for t, r, c in targets]
    if not vals or any(v is None for v in vals):
        return None
    if len(vals) == 1:
        return vals[0]
    total = sum((v.value for v in vals if v), Decimal(0))
    return Val(total, sum((v.half_ulp for v in vals if v), Decimal(0)), vals[0].loc, label,  # type: ignore[union-attr]
               usable=all(v.usable for v in vals if v))


@rule("NA-VAL-01", family="narrative", expected_in=("final_accounts",))
def narrative_amounts(ctx: RuleContext) -> None:
    """情况说明中的金额与决算表不一致

    Formula: 叙述金额（收入总计、本年收入合计、基本支出、各类决算数、人员经费、“三公”各项预算数与决算数 …） = 对应表格单元格
    Tolerance: 两个印出数各 ±半个末位单位 → 尾数误差
    """
    if not ctx.doc.tables_of("final_01") and not ctx.doc.tables_of("final_05"):
        return
    missing: set[str] = set()
    unmatched = 0
    for s in ctx.memo("sentences:narr", lambda: [x for x in ctx.memo("sentences", lambda: sentences(ctx.doc))
                                           if _NARR_RE.search(x.paragraph.section or "")]):
        section = s.paragraph.section + " " + s.text
        for n in s.nums:
            if n.unit != "万元" or n.role not in ("value", "actual", "budget"):
                continue
            targets = resolve(ctx.doc, n.subject, n.role, n.budget_kind, section)
            if targets is None:
                unmatched += 1
                continue
            if not targets:
                missing.add(n.subject)
                continue
            tv = _targets_value(ctx, targets, f"表中{n.subject}")
            ctx.compare_equal(_nval(ctx, s, n), tv, what=f"叙述“{n.subject}”与表格不一致")
    for subj in sorted(missing):
        ctx.skip(f"叙述“{subj}”对应的决算表或行未找到，未核对")
    if unmatched:
        ctx.skip(f"{unmatched} 个叙述金额（如机关运行经费、政府采购）没有对应的决算表单元格，未与表格核对")


def _interval_ratio(num: Val | Num, den: Val | Num) -> tuple[Decimal, Decimal]:
    nlo, nhi = num.value - num.half_ulp, num.value + num.half_ulp
    dlo, dhi = den.value - den.half_ulp, den.value + den.half_ulp
    if dlo <= 0:
        return Decimal(0), Decimal("Infinity")
    lo = max(nlo, Decimal(0)) / dhi * 100
    hi = nhi / dlo * 100
    return lo, hi


def check_percent(ctx: RuleContext, stated: Num, s: Sentence, num: Val, den: Val, *, what: str, formula: str,
                  extra_locs: list[Location]) -> None:
    """Emit when a stated percentage disagrees with num / den (interval arithmetic for rounding)."""
    if den.value == 0:
        return
    expected = num.value / den.value * 100
    q = Decimal(1).scaleb(-len(stated.text.split(".")[1])) if "." in stated.text else Decimal(1)
    rounded = expected.quantize(q)
    if rounded == stated.value:
        return
    lo, hi = _interval_ratio(num, den)
    truncated = expected.quantize(q, rounding=ROUND_DOWN) == stated.value
    sev = "info" if truncated or (lo - stated.half_ulp) <= stated.value <= (hi + stated.half_ulp) else "error"
    note = "（截尾而非四舍五入）" if truncated else "（尾数误差）" if sev == "info" else ""
    ctx.emit(sev, f"{what}：印 {stated.text}%，按 {fmt(num.value)} ÷ {fmt(den.value)} 应为 {rounded}%{note}",
             reported=stated.value, expected=rounded, difference=stated.value - rounded,
             formula=f"{formula} = {fmt(num.value)} ÷ {fmt(den.value)} × 100% = {rounded}%",
             locations=[_loc(ctx, s, stated)] + extra_locs)


def _earlier(sents: list[Sentence], k: int, i: int, pred) -> tuple[Sentence, Num] | None:
    """The nearest number before position i of sentence k satisfying pred, in the same paragraph."""
    s = sents[k]
    for m in reversed(s.nums[:i]):
        if pred(m):
            return s, m
    for j in range(k - 1, max(-1, k - 6), -1):
        if sents[j].paragraph is not s.paragraph and sents[j].paragraph.section != s.paragraph.section:
            break
        for m in reversed(sents[j].nums):
            if pred(m):
                return sents[j], m
    return None


@rule("NA-GROW-01", family="narrative")
def narrative_growth(ctx: RuleContext) -> None:
    """增减幅度与增减额不符

    Formula: 上年数 = 本年数 ∓ 增减额 A；增减率 B = A ÷ 上年数 × 100%
    Tolerance: 按本年数、A 的印出精度取区间 → 尾数误差
    """
    sents = ctx.memo("sentences", lambda: sentences(ctx.doc))
    for k, s in enumerate(sents):
        for i, n in enumerate(s.nums):
            if n.role != "growth":
                continue
            change = next((m for m in reversed(s.nums[:i]) if m.role == "change"), None)
            found = _earlier(sents, k, i, lambda m, n=n: m.role in ("value", "actual") and m.unit == "万元"
                             and key(m.subject) == key(n.subject))
            if change is None or found is None:
                continue
            cur = found[1]
            if cur.value == 0:
                # “总计 0 万元，减少 56.95 万元，下降 1.87%”: a blank current figure (NA-VAL-01 reports it) must not
                # make a correct rate look wrong — recompute from the table figure it restates when there is one
                targets = resolve(ctx.doc, cur.subject, "value", "", s.paragraph.section or "")
                tv = _targets_value(ctx, targets, cur.subject) if targets else None
                if tv is not None and tv.usable and tv.value != 0:
                    cur = dataclasses.replace(cur, value=tv.value, half_ulp=tv.half_ulp)
            prev_v = cur.value - change.direction * change.value if change.direction else cur.value - change.value
            if prev_v <= 0:
                ctx.skip(f"“{n.subject}”上年数为 0，增长率无定义，未核对", _loc(ctx, s, n))
                continue
            prev = Val(prev_v, cur.half_ulp + change.half_ulp, _loc(ctx, s, cur), "上年数")
            if change.direction and n.direction and change.direction != n.direction:
                ctx.emit("error", f"“{n.subject}”增减方向前后矛盾：金额{'增加' if change.direction > 0 else '减少'}，"
                         f"比率{'增长' if n.direction > 0 else '下降'}", reported=n.text, expected=None,
                         formula="增减额与增减率方向一致", locations=[_loc(ctx, s, n)])
                continue
            check_percent(ctx, n, s, _nval(ctx, s, change, "增减额"), prev, what=f"“{n.subject}”增减率",
                          formula=f"{fmt(change.value)} ÷ ({fmt(cur.value)} {'−' if change.direction >= 0 else '+'} "
                                  f"{fmt(change.value)})", extra_locs=[])


@rule("NA-CMPL-01", family="narrative")
def narrative_completion(ctx: RuleContext) -> None:
    """预算完成率与预算数、决算数不符

    Formula: 完成率 C = 决算数 ÷ 预算数 × 100%
    Tolerance: 按两数的印出精度取区间 → 尾数误差
    """
    sents = ctx.memo("sentences", lambda: sentences(ctx.doc))
    for k, s in enumerate(sents):
        for i, n in enumerate(s.nums):
            if n.role != "completion":
                continue
            fb = None
            if n.budget_kind:  # “完成年初预算的 C%”: the 年初 figure, not the nearest 全年 one
                fb = _earlier(sents, k, i, lambda m, n=n: m.role == "budget" and m.budget_kind == n.budget_kind
                              and key(m.subject) == key(n.subject))
            fb = fb or _earlier(sents, k, i, lambda m, n=n: m.role == "budget" and key(m.subject) == key(n.subject))
            fa = _earlier(sents, k, i, lambda m, n=n: m.role in ("actual", "value") and m.unit == "万元"
                          and key(m.subject) == key(n.subject))
            if fb is None or fa is None:
                continue
            bud, act = fb[1], fa[1]
            if bud.value == 0:
                if n.value != 0:
                    alt = _earlier(sents, k, i, lambda m, n=n: m.role == "budget" and m.value != 0
                                   and key(m.subject) == key(n.subject))
                    hint = ""
                    if alt is not None and alt[1].value and \
                            abs(act.value / alt[1].value * 100 - n.value) <= n.half_ulp + Decimal("0.01"):
                        hint = f"；所印比率等于 决算数 {fmt(act.value)} ÷ {alt[1].budget_kind or ''}预算数 {fmt(alt[1].value)}，口径写错"
                    ctx.emit("warning", f"“{n.subject}”称完成{n.budget_kind}预算的 {n.text}%，但{n.budget_kind}预算数为 0，"
                             f"完成率无定义{hint}", reported=f"{n.text}%", expected="无定义（预算数为 0）",
                             formula=f"完成率 = 决算数 {fmt(act.value)} ÷ {n.budget_kind}预算数 0",
                             locations=[_loc(ctx, s, n)])
                continue
            check_percent(ctx, n, s, _nval(ctx, s, act, "决算数"), _nval(ctx, s, bud, "预算数"),
                          what=f"“{n.subject}”预算完成率", formula="决算数 ÷ 预算数", extra_locs=[])


def _share_base(ctx: RuleContext, s: Sentence, i: int, sents: list[Sentence], k: int) -> Val | None:
    n = s.nums[i]
    if n.share_base:
        for ss in [s] + sents[max(0, k - 3):k][::-1]:
            for m in ss.nums:
                if m.unit == "万元" and key(m.subject) == key(n.share_base):
                    return _nval(ctx, ss, m, n.share_base)
        targets = resolve(ctx.doc, n.share_base, "value", "", s.paragraph.section)
        if targets:
            return _targets_value(ctx, targets, n.share_base)
        return None
    # “本年收入合计 X 万元，其中：A 万元，占 p%” — the first amount of the sentence/paragraph
    amounts = [m for m in s.nums[:i] if m.unit == "万元" and m.role in ("value", "actual")]
    if len(amounts) >= 2:
        return _nval(ctx, s, amounts[0], amounts[0].subject)
    # the enumeration continues from an earlier sentence of the same paragraph
    for ss in sents[max(0, k - 6):k][::-1]:
        if ss.paragraph is not s.paragraph:
            break
        am = [m for m in ss.nums if m.unit == "万元" and m.role in ("value", "actual")]
        if len(am) >= 2 and any(m.role == "share" for m in ss.nums):
            return _nval(ctx, ss, am[0], am[0].subject)
    txt = s.paragraph.text
    if "三公" in (s.paragraph.section or "") + txt:
        targets = resolve(ctx.doc, "三公经费", "actual", "", "")
        return _targets_value(ctx, targets, "“三公”经费决算数") if targets else None
    if not re.search(r"收入决算情况|支出决算情况|收入支出决算", s.paragraph.section or ""):
        return None
    total = INCOME_TOTAL if re.search(r"收入", txt[:20]) else SPEND_TOTAL if re.search(r"支出", txt[:20]) else None
    if total:
        targets = resolve(ctx.doc, total, "value", "", "")
        if targets:
            return _targets_value(ctx, targets, total)
    return None


@rule("NA-SHARE-01", family="narrative")
def narrative_shares(ctx: RuleContext) -> None:
    """占比与金额不符

    Formula: 占比 = 分项金额 ÷ 基数（句首合计或“占……的”所指金额） × 100%
    Tolerance: 按两数的印出精度取区间 → 尾数误差
    """
    sents = ctx.memo("sentences", lambda: sentences(ctx.doc))
    for k, s in enumerate(sents):
        for i, n in enumerate(s.nums):
            if n.role != "share":
                continue
            part = next((m for m in reversed(s.nums[:i]) if m.unit == "万元"), None)
            if part is None or part.role not in ("value", "actual"):
                continue
            base = _share_base(ctx, s, i, sents, k)
            if base is None or base.value == 0:
                continue
            if base.loc.text == _loc(ctx, s, part).text and base.value == part.value and n.value == 100:
                continue
            check_percent(ctx, n, s, _nval(ctx, s, part, part.subject), base, what=f"“{part.subject}”占比",
                          formula=f"{part.subject} ÷ {base.label}", extra_locs=[base.loc])


_DIR = re.compile(r"决算数?\s*(大于|小于|等于|高于|低于|超过)\s*(年初)?预算数?|决算数?与(年初)?预算数?(基本)?持平")


@rule("NA-DIR-01", family="narrative")
def narrative_direction(ctx: RuleContext) -> None:
    """“决算数大于/小于/等于预算数”的表述与金额不符

    Formula: 大于 ⇔ 决算数 > 预算数；小于 ⇔ 决算数 < 预算数；等于 ⇔ 决算数 = 预算数；基本持平 ⇔ |决算数 − 预算数| ≤ 1% × 预算数
    Tolerance: 等于按两数印出精度；基本持平 1%
    """
    sents = ctx.memo("sentences", lambda: sentences(ctx.doc))
    by_para: dict[int, list[Sentence]] = {}
    for s in sents:
        by_para.setdefault(id(s.paragraph), []).append(s)
    for para in ctx.doc.paragraphs:
        for m in _DIR.finditer(para.text):
            nums = [(s, n) for s in by_para.get(id(para), []) for n in s.nums
                    if para.text.find(s.text) + n.start < m.start()]
            bud = next(((s, n) for s, n in reversed(nums) if n.role == "budget"), None)
            act = next(((s, n) for s, n in reversed(nums) if n.role in ("actual",)), None)
            if bud is None or act is None:
                continue
            b, a = bud[1], act[1]
            word = m.group(1) or "基本持平"
            tol = a.half_ulp + b.half_ulp
            d = a.value - b.value
            ok = {"大于": d > tol, "高于": d > tol, "超过": d > tol, "小于": d < -tol, "低于": d < -tol,
                  "等于": abs(d) <= tol}.get(word)
            if ok is None:
                ok = abs(d) <= max(tol, abs(b.value) / 100)
            if ok:
                continue
            actual_word = "大于" if d > 0 else "小于" if d < 0 else "等于"
            ctx.emit("error", f"叙述称决算数“{word}”预算数，但决算数 {a.text} 万元{actual_word}预算数 {b.text} 万元",
                     reported=word, expected=actual_word, difference=d,
                     formula=f"决算数 {fmt(a.value)} − 预算数 {fmt(b.value)} = {fmt(d)}",
                     locations=[Location(document=ctx.doc.name, page=para.page, line=para.line,
                                         row=para.section.split(" / ")[-1] or None, text=m.group(0)),
                                _loc(ctx, act[0], a), _loc(ctx, bud[0], b)])
