"""部门决算 across tables: 01 ↔ 02/03, 01 ↔ 04, 04 ↔ 05/07, 06 ↔ 05, 03 ↔ 05 per 科目."""

from __future__ import annotations

import re
from decimal import Decimal

from ..documents import Row, Table
from .context import RuleContext, Val, table_label
from .findings import Location
from .registry import rule
from .tables import (
    INCOME_TOTAL,
    SPEND_TOTAL,
    amount_column,
    coded_rows,
    find_row,
    key,
    rows_before,
    total_row,
)

FA = ("final_accounts",)


def _one(ctx: RuleContext, kind: str) -> Table | None:
    return ctx.doc.table(kind)


def _v01(ctx: RuleContext, t: Table, label: str, side: str) -> Val | None:
    col = amount_column(t, "决算数", "金额")
    r = find_row(t, label, side=side)
    return ctx.val(t, r, col, f"{table_label(t)}·{label}") if col and r else None


@rule("FA-X-01", family="final_cross", needs=("final_01", "final_02"), expected_in=FA)
def income_01_02(ctx: RuleContext) -> None:
    """收入支出决算总表本年收入合计与收入决算表合计不一致

    Formula: 公开01表 本年收入合计 = 公开02表 合计·本年收入合计
    Tolerance: 两个印出数各 ±半个末位单位 → 尾数误差
    """
    t1, t2 = _one(ctx, "final_01"), _one(ctx, "final_02")
    assert t1 and t2
    r2 = total_row(t2)
    col = INCOME_TOTAL if INCOME_TOTAL in t2.columns else amount_column(t2)
    severity, what = "error", "本年收入合计两表不一致"
    if r2 is None and col is not None and t2.rows and not t2.rows[0].label.strip() and not t2.rows[0].code \
            and any(r.code for r in t2.rows[1:]):
        # the 合计 label lost (a garbled export): the unnamed first data row above every 科目 is the total —
        # compared, but as a warning since the row is identified by position only
        r2 = t2.rows[0]
        severity, what = "warning", "本年收入合计两表不一致（02表合计行无名称，按位于各科目之前的首行识别）"
    if r2 is None or col is None:
        ctx.skip(f"{table_label(t2)}未找到“合计”行或“本年收入合计”列")
        return
    ctx.compare_equal(_v01(ctx, t1, INCOME_TOTAL, "收入"), ctx.val(t2, r2, col, f"{table_label(t2)}·合计"),
                      what=what, severity=severity)


@rule("FA-X-02", family="final_cross", needs=("final_01", "final_03"), expected_in=FA)
def spend_01_03(ctx: RuleContext) -> None:
    """收入支出决算总表本年支出合计与支出决算表合计不一致

    Formula: 公开01表 本年支出合计 = 公开03表 合计·本年支出合计
    Tolerance: 两个印出数各 ±半个末位单位 → 尾数误差
    """
    t1, t3 = _one(ctx, "final_01"), _one(ctx, "final_03")
    assert t1 and t3
    r3 = total_row(t3)
    if r3 is None or SPEND_TOTAL not in t3.columns:
        ctx.skip(f"{table_label(t3)}未找到“合计”行或“本年支出合计”列")
        return
    ctx.compare_equal(_v01(ctx, t1, SPEND_TOTAL, "支出"), ctx.val(t3, r3, SPEND_TOTAL, f"{table_label(t3)}·合计"),
                      what="本年支出合计两表不一致")


def _class_map(t: Table, side: str | None = None) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for r in t.rows:
        if side is not None and r.side not in (side, None):
            continue
        if r.code and len(r.code) == 3 or (not r.code and r.level == "类"):
            out.setdefault(key(r.label), r)
    return out


def _compare_classes(ctx: RuleContext, ta: Table, a_rows: list[Row], a_col: str, tb: Table, b_col: str,
                     what: str, skip_keys: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    b_map = _class_map(tb)
    seen: set[str] = set()
    for r in a_rows:
        k = key(r.label)
        if k in skip_keys:
            continue
        va = ctx.val(ta, r, a_col, f"{table_label(ta)}·{r.label}")
        rb = b_map.get(k)
        seen.add(k)
        if rb is None:
            if va is not None and not va.empty and va.value != 0:
                ctx.emit("error", f"{what}：{r.label} 在{table_label(ta)}印 {va.value}，{table_label(tb)}无此类",
                         reported=va.value, expected=Decimal(0), difference=va.value,
                         formula=f"{va.label} {va.value} = {table_label(tb)}·{r.label}（缺）", locations=[va.loc])
            continue
        ctx.compare_equal(va, ctx.val(tb, rb, b_col, f"{table_label(tb)}·{rb.code or ''}{rb.label}"), what=what)
    for k, rb in b_map.items():
        if k in seen or k in skip_keys:
            continue
        vb = ctx.val(tb, rb, b_col, f"{table_label(tb)}·{rb.label}")
        if vb is not None and not vb.empty and vb.value != 0:
            ctx.emit("error", f"{what}：{rb.label} 在{table_label(tb)}印 {vb.value}，{table_label(ta)}无此类",
                     reported=Decimal(0), expected=vb.value, difference=-vb.value,
                     formula=f"{table_label(ta)}·{rb.label}（缺） = {vb.label} {vb.value}", locations=[vb.loc])


@rule("FA-X-03", family="final_cross", needs=("final_01", "final_03"), expected_in=FA)
def classes_01_03(ctx: RuleContext) -> None:
    """收入支出决算总表的功能分类支出与支出决算表同一类不一致

    Formula: 公开01表 各功能分类决算数 = 公开03表 同一“类”本年支出合计
    Tolerance: 两个印出数各 ±半个末位单位 → 尾数误差
    """
    t1, t3 = _one(ctx, "final_01"), _one(ctx, "final_03")
    assert t1 and t3
    col = amount_column(t1, "决算数", "金额")
    if col is None or SPEND_TOTAL not in t3.columns:
        ctx.skip("公开01表或公开03表缺少决算数列")
        return
    _compare_classes(ctx, t1, rows_before(t1, "支出", (SPEND_TOTAL,)), col, t3, SPEND_TOTAL,
                     what="功能分类支出01表与03表不一致")


_GF = "一般公共预算财政拨款"
_FUND = "政府性基金预算财政拨款"


@rule("FA-X-04", family="final_cross", needs=("final_04", "final_05"), expected_in=FA)
def general_04_05(ctx: RuleContext) -> None:
    """财政拨款收入支出决算总表一般公共预算列与一般公共预算财政拨款支出决算表不一致

    Formula: 公开04表 一般公共预算财政拨款·本年支出合计 = 公开05表 合计·本年支出合计；各类同
    Tolerance: 两个印出数各 ±半个末位单位 → 尾数误差
    """
    t4, t5 = _one(ctx, "final_04"), _one(ctx, "final_05")
    assert t4 and t5
    r4, r5 = find_row(t4, SPEND_TOTAL, side="支出"), total_row(t5)
    if _GF not in t4.columns or r4 is None or r5 is None or SPEND_TOTAL not in t5.columns:
        ctx.skip("公开04表缺少一般公共预算财政拨款列或公开05表缺少合计行")
        return
    ctx.compare_equal(ctx.val(t4, r4, _GF, f"{table_label(t4)}·{SPEND_TOTAL}·{_GF}"),
                      ctx.val(t5, r5, SPEND_TOTAL, f"{table_label(t5)}·合计"), what="一般公共预算财政拨款支出04表与05表不一致")
    _compare_classes(ctx, t4, rows_before(t4, "支出", (SPEND_TOTAL,)), _GF, t5, SPEND_TOTAL,
                     what="一般公共预算财政拨款分类支出04表与05表不一致")


@rule("FA-X-05", family="final_cross", needs=("final_04", "final_07"), expected_in=FA)
def fund_04_07(ctx: RuleContext) -> None:
    """财政拨款收入支出决算总表政府性基金列与政府性基金预算财政拨款支出决算表不一致

    Formula: 公开04表 政府性基金预算财政拨款·本年支出合计 = 公开07表 合计·本年支出合计
    Tolerance: 两个印出数各 ±半个末位单位 → 尾数误差
    """
    t4, t7 = _one(ctx, "final_04"), _one(ctx, "final_07")
    assert t4 and t7
    r4, r7 = find_row(t4, SPEND_TOTAL, side="支出"), total_row(t7)
    col7 = SPEND_TOTAL if SPEND_TOTAL in t7.columns else amount_column(t7, "本年支出")
    if _FUND not in t4.columns or r4 is None or r7 is None or col7 is None:
        ctx.skip("公开04表缺少政府性基金列或公开07表缺少合计行")
        return
    ctx.compare_equal(ctx.val(t4, r4, _FUND, f"{table_label(t4)}·{SPEND_TOTAL}·{_FUND}"),
                      ctx.val(t7, r7, col7, f"{table_label(t7)}·合计"), what="政府性基金支出04表与07表不一致")


@rule("FA-X-06", family="final_cross", needs=("final_05", "final_06"), expected_in=FA)
def basic_05_06(ctx: RuleContext) -> None:
    """人员经费与公用经费之和不等于一般公共预算财政拨款基本支出

    Formula: 公开06表 人员经费合计 + 公用经费合计 = 公开05表 合计·基本支出
    Tolerance: n × 0.005 → 尾数误差
    """
    t5, t6 = _one(ctx, "final_05"), _one(ctx, "final_06")
    assert t5 and t6
    col6 = amount_column(t6, "决算数")
    p, g, r5 = find_row(t6, "人员经费合计"), find_row(t6, "公用经费合计"), total_row(t5)
    if col6 is None or p is None or g is None or r5 is None or "基本支出" not in t5.columns:
        ctx.skip("公开06表缺少人员经费合计/公用经费合计，或公开05表缺少基本支出合计")
        return
    items = [v for v in (ctx.val(t6, p, col6, "人员经费合计"), ctx.val(t6, g, col6, "公用经费合计")) if v]
    ctx.compare_sum(ctx.val(t5, r5, "基本支出", f"{table_label(t5)}·合计·基本支出"), items,
                    what="05表基本支出 ≠ 06表人员经费 + 公用经费")


def _only_general_funds(ctx: RuleContext) -> tuple[bool, set[str]]:
    """True when all of 01's income is 一般公共预算 or 政府性基金; the classes funded by 政府性基金."""
    t1, t4 = _one(ctx, "final_01"), _one(ctx, "final_04")
    if t1 is None:
        return False, set()
    col = amount_column(t1, "决算数", "金额")
    for r in rows_before(t1, "收入", (INCOME_TOTAL,)):
        k = key(r.label)
        if re.search(r"一般公共预算|政府性基金", k):
            continue
        v = ctx.val(t1, r, col) if col else None
        if v is not None and v.value != 0:
            return False, set()
    for lb in ("年初结转和结余", "使用非财政拨款结余（含专用结余）"):
        r = find_row(t1, lb, side="收入")
        v = ctx.val(t1, r, col) if (r and col) else None
        if v is not None and v.value != 0:
            return False, set()
    fund: set[str] = set()
    if t4 is not None and _FUND in t4.columns:
        for r in rows_before(t4, "支出", (SPEND_TOTAL,)):
            v = ctx.val(t4, r, _FUND)
            if v is not None and v.value != 0:
                fund.add(key(r.label))
    return True, fund


@rule("FA-X-07", family="final_cross", needs=("final_03", "final_05"), expected_in=FA)
def items_03_05(ctx: RuleContext) -> None:
    """全部为一般公共预算财政拨款时，支出决算表与一般公共预算财政拨款支出决算表同一科目不一致

    Formula: 公开03表 科目 X 的 本年支出合计/基本支出/项目支出 = 公开05表 同一科目（仅当收入全部为财政拨款，政府性基金所涉类除外）
    Tolerance: 两个印出数各 ±半个末位单位 → 尾数误差
    """
    ok, fund_classes = _only_general_funds(ctx)
    if not ok:
        ctx.skip("收入不全是一般公共预算财政拨款，03表与05表不要求逐科目相等")
        return
    t3, t5 = _one(ctx, "final_03"), _one(ctx, "final_05")
    assert t3 and t5
    by_code5 = {r.code: r for r in coded_rows(t5)}
    fund_codes = {r.code for r in coded_rows(t3) if len(r.code or "") == 3 and key(r.label) in fund_classes}
    for r3 in coded_rows(t3):
        if any((r3.code or "").startswith(c) for c in fund_codes if c):
            continue
        r5 = by_code5.get(r3.code)
        if r5 is None:
            continue
        for col in (SPEND_TOTAL, "基本支出", "项目支出"):
            if col in t3.columns and col in t5.columns:
                ctx.compare_equal(ctx.val(t3, r3, col, f"{table_label(t3)}·{r3.code}·{col}"),
                                  ctx.val(t5, r5, col, f"{table_label(t5)}·{r5.code}·{col}"),
                                  what=f"科目 {r3.code} {r5.label} 03表与05表不一致")
    if not fund_codes:
        r3t, r5t = total_row(t3), total_row(t5)
        for col in (SPEND_TOTAL, "基本支出", "项目支出"):
            if r3t and r5t and col in t3.columns and col in t5.columns:
                ctx.compare_equal(ctx.val(t3, r3t, col, f"{table_label(t3)}·合计·{col}"),
                                  ctx.val(t5, r5t, col, f"{table_label(t5)}·合计·{col}"), what="合计 03表与05表不一致")


def _name_key(label: str) -> str:
    return re.sub(r"支出$", "", key(label))


@rule("FA-X-08", family="final_cross", needs=("final_02", "final_03", "final_05"), expected_in=FA, any_of=True)
def code_names(ctx: RuleContext) -> None:
    """同一科目编码在不同决算表中的名称不一致

    Formula: 科目编码相同 ⇒ 科目名称相同（公开02、03、05表；忽略空格、括号全半角和末尾“支出”）
    Tolerance: none
    """
    seen: dict[str, tuple[Table, Row]] = {}
    for kind in ("final_05", "final_03", "final_02"):
        for t in ctx.doc.tables_of(kind):
            for r in coded_rows(t):
                if not r.label.strip() or len(r.code or "") > 7:
                    continue
                prev = seen.get(r.code or "")
                if prev is None:
                    seen[r.code or ""] = (t, r)
                    continue
                pt, pr = prev
                a_, b_ = _name_key(pr.label), _name_key(r.label)
                if a_ != b_ and not (min(len(a_), len(b_)) >= 6 and (a_.startswith(b_) or b_.startswith(a_))):
                    la = ctx.loc_cell(pt, pr, pt.columns[0] if pt.columns else "")
                    lb = ctx.loc_cell(t, r, t.columns[0] if t.columns else "")
                    ctx.emit("warning", f"科目 {r.code}：{table_label(pt)}为“{pr.label}”，{table_label(t)}为“{r.label}”",
                             reported=r.label, expected=pr.label, formula=f"{r.code} 名称相同", locations=[lb, la])


@rule("FA-X-09", family="final_cross", needs=("final_01", "final_04"), expected_in=FA)
def grants_01_04(ctx: RuleContext) -> None:
    """收入支出决算总表的财政拨款收入与财政拨款收入支出决算总表不一致

    Formula: 公开01表 一般公共预算财政拨款收入 = 公开04表 一般公共预算财政拨款（本年收入）；政府性基金、国有资本经营同
    Tolerance: 两个印出数各 ±半个末位单位 → 尾数误差
    """
    t1, t4 = _one(ctx, "final_01"), _one(ctx, "final_04")
    assert t1 and t4
    c1, c4 = amount_column(t1, "决算数", "金额"), amount_column(t4, "决算数", "金额")
    if c1 is None or c4 is None:
        return
    rows4 = rows_before(t4, "收入", (INCOME_TOTAL,))
    for name in ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"):
        r1 = find_row(t1, name + "收入", name, side="收入")
        r4 = next((r for r in rows4 if key(r.label) in (key(name), key(name + "收入"))), None)
        if r1 is None or r4 is None:
            continue
        ctx.compare_equal(ctx.val(t1, r1, c1, f"{table_label(t1)}·{name}收入"),
                          ctx.val(t4, r4, c4, f"{table_label(t4)}·{name}"), what=f"{name}收入01表与04表不一致")


@rule("FA-10-01", family="final_cross", needs=("final_10",))
def vehicles(ctx: RuleContext) -> None:
    """车辆数合计不等于各类车辆之和，或与说明中的车辆数不一致

    Formula: 车辆数合计 = Σ 各类用车（公开10表）；说明“共有车辆 N 辆” = 车辆数合计
    Tolerance: 无（个数）
    """
    for t in ctx.doc.tables_of("final_10"):
        col = t.columns[0] if t.columns else None
        tot = next((r for r in t.rows if "车辆数" in r.label), None)
        if col is None or tot is None:
            continue
        start = t.rows.index(tot) + 1
        kinds = []
        for r in t.rows[start:]:
            if "设备" in r.label or "车辆数" in r.label:
                break
            kinds.append(r)
        items = [v for v in (ctx.val(t, r, col, r.label) for r in kinds) if v is not None]
        total = ctx.val(t, tot, col, "车辆数合计")
        ctx.compare_sum(total, items, what=f"{table_label(t)}车辆数合计 ≠ 各类用车之和")
        for p in ctx.doc.paragraphs:
            m = re.search(r"共有车辆\s*(\d+)\s*辆", p.text)
            if m and total is not None:
                stated = Val(Decimal(m.group(1)), Decimal(0), Location(document=ctx.doc.name, page=p.page, line=p.line,
                                                                      text=m.group(0)), "说明中的车辆数")
                ctx.compare_equal(stated, total, what="说明中的车辆数与公开10表不一致")
