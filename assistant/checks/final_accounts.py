"""部门决算 tables on their own: balance (01, 04), composition, hierarchy 类 = Σ款 = Σ项, row identities
(02, 03, 04, 05, 07), 三公 (09), and the set of tables a 部门决算 must publish."""

from __future__ import annotations

import re

from ..documents import FINAL_KINDS, Table
from .context import RuleContext, table_label
from .findings import Location
from .registry import rule
from .tables import (
    INCOME_TOTAL,
    SPEND_TOTAL,
    amount_column,
    children,
    coded_rows,
    find_row,
    numeric_columns,
    rows_before,
    total_row,
)

FA = ("final_accounts",)
F04_COLS = ("合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")


def _tables(ctx: RuleContext, *kinds: str) -> list[Table]:
    return [t for k in kinds for t in ctx.doc.tables_of(k)]


def _spend_cols(t: Table) -> list[str]:
    if t.kind == "final_04":
        cols = [c for c in F04_COLS if c in t.columns]
        return cols or [c for c in [amount_column(t, "决算数")] if c]
    c = amount_column(t, "决算数", "金额")
    return [c] if c else []


def _income_col(t: Table) -> str | None:
    return amount_column(t, "决算数", "金额")


@rule("FA-SET-01", family="final_accounts", expected_in=FA)
def required_tables(ctx: RuleContext) -> None:
    """部门决算缺少必须公开的决算表

    Formula: 公开01、02、03、04、05、06、09表 each present (07、08、10 may be omitted when empty)
    Tolerance: none
    """
    if ctx.doc.doc_type != "final_accounts":
        return
    for kind in ("final_01", "final_02", "final_03", "final_04", "final_05", "final_06", "final_09"):
        if not ctx.doc.tables_of(kind):
            name = FINAL_KINDS[kind]
            ctx.emit("warning", f"未找到{name}（公开{kind[-2:]}表）",
                     reported="缺失", expected="应公开", formula=f"{name} 存在", locations=[_toc_location(ctx, name)])


def _toc_location(ctx: RuleContext, name: str) -> Location:
    """Where the missing table is announced (the 目录 line naming it), else the first table's page."""
    for p in ctx.doc.paragraphs:
        t = p.text.strip()
        if name in t and len(t) < 40 and not re.search(r"财政拨款" + re.escape(name), t):
            return Location(document=ctx.doc.name, page=p.page, line=p.line, text=t)
    first = ctx.doc.tables[0] if ctx.doc.tables else None
    return Location(document=ctx.doc.name, page=first.page if first else None, line=first.line if first else None,
                    text=name)


@rule("FA-BAL-01", family="final_accounts", needs=("final_01", "final_04"), expected_in=FA, any_of=True)
def totals_balance(ctx: RuleContext) -> None:
    """收入总计与支出总计不相等

    Formula: 总计（收入） = 总计（支出）
    Tolerance: 两个印出数各 ±半个末位单位
    """
    for t in _tables(ctx, "final_01", "final_04"):
        ic, sc = _income_col(t), _spend_cols(t)
        inc, out = find_row(t, "总计", side="收入"), find_row(t, "总计", side="支出")
        if ic is None or not sc or inc is None or out is None:
            ctx.skip(f"{table_label(t)}未找到收入、支出两侧的“总计”行", None)
            continue
        ctx.compare_equal(ctx.val(t, inc, ic, "总计（收入）"), ctx.val(t, out, sc[0], "总计（支出）"),
                          what=f"{table_label(t)}收支总计不平衡")


@rule("FA-BAL-02", family="final_accounts", needs=("final_01", "final_04"), expected_in=FA, any_of=True)
def income_grand_total(ctx: RuleContext) -> None:
    """收入总计不等于本年收入合计加结转结余

    Formula: 总计（收入） = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余
    Tolerance: n × 0.005（n 为加项个数，按印出精度）→ 尾数误差
    """
    for t in _tables(ctx, "final_01", "final_04"):
        ic = _income_col(t)
        tot, cur = find_row(t, "总计", side="收入"), find_row(t, INCOME_TOTAL, side="收入")
        if ic is None or tot is None or cur is None:
            continue
        extra = [find_row(t, lb, side="收入") for lb in ("使用非财政拨款结余（含专用结余）", "使用非财政拨款结余",
                                                       "年初结转和结余", "年初财政拨款结转和结余")]
        items = [ctx.val(t, cur, ic, INCOME_TOTAL)] + [ctx.val(t, r, ic, r.label) for r in extra if r is not None]
        ctx.compare_sum(ctx.val(t, tot, ic, "总计（收入）"), [i for i in items if i is not None],
                        what=f"{table_label(t)}收入总计 ≠ 本年收入合计 + 结余 + 年初结转")


@rule("FA-BAL-03", family="final_accounts", needs=("final_01", "final_04"), expected_in=FA, any_of=True)
def spend_grand_total(ctx: RuleContext) -> None:
    """支出总计不等于本年支出合计加结余分配和年末结转

    Formula: 总计（支出） = 本年支出合计 + 结余分配 + 年末结转和结余（公开04表各列）
    Tolerance: n × 0.005 → 尾数误差
    """
    for t in _tables(ctx, "final_01", "final_04"):
        tot, cur = find_row(t, "总计", side="支出"), find_row(t, SPEND_TOTAL, side="支出")
        if tot is None or cur is None:
            continue
        extra = [find_row(t, lb, side="支出") for lb in ("结余分配", "年末结转和结余", "年末财政拨款结转和结余")]
        for col in _spend_cols(t):
            items = [ctx.val(t, cur, col, SPEND_TOTAL)] + [ctx.val(t, r, col, r.label) for r in extra if r]
            ctx.compare_sum(ctx.val(t, tot, col, f"总计（支出）·{col}"), [i for i in items if i is not None],
                            what=f"{table_label(t)}“{col}”支出总计 ≠ 本年支出合计 + 结余分配 + 年末结转")


@rule("FA-BAL-04", family="final_accounts", needs=("final_01",), expected_in=FA)
def current_year_balance(ctx: RuleContext) -> None:
    """没有结转结余时本年收入合计应等于本年支出合计

    Formula: 本年收入合计 = 本年支出合计（使用非财政拨款结余、年初结转和结余、结余分配、年末结转和结余均为 0 时）
    Tolerance: 两个印出数各 ±半个末位单位
    """
    for t in _tables(ctx, "final_01"):
        ic, sc = _income_col(t), _spend_cols(t)
        inc, out = find_row(t, INCOME_TOTAL, side="收入"), find_row(t, SPEND_TOTAL, side="支出")
        if ic is None or not sc or inc is None or out is None:
            continue
        carry = [find_row(t, lb) for lb in ("使用非财政拨款结余（含专用结余）", "使用非财政拨款结余", "年初结转和结余",
                                            "结余分配", "年末结转和结余")]
        vals = [ctx.val(t, r, ic if r.side == "收入" else sc[0]) for r in carry if r is not None]
        if any(v is None or v.value != 0 for v in vals):
            continue
        ctx.compare_equal(ctx.val(t, inc, ic, INCOME_TOTAL), ctx.val(t, out, sc[0], SPEND_TOTAL),
                          what=f"{table_label(t)}无结转结余但收支不等")


@rule("FA-COMP-01", family="final_accounts", needs=("final_01", "final_04"), expected_in=FA, any_of=True)
def income_composition(ctx: RuleContext) -> None:
    """本年收入合计不等于各项收入之和

    Formula: 本年收入合计 = Σ 收入项目（一、一般公共预算财政拨款收入 … 八、其他收入）；年初财政拨款结转和结余 = Σ 其下各项（公开04表）
    Tolerance: n × 0.005 → 尾数误差
    """
    for t in _tables(ctx, "final_01", "final_04"):
        ic = _income_col(t)
        tot = find_row(t, INCOME_TOTAL, side="收入")
        if ic is None or tot is None:
            ctx.skip(f"{table_label(t)}未找到“本年收入合计”行")
            continue
        lines = rows_before(t, "收入", (INCOME_TOTAL,))
        items = [v for v in (ctx.val(t, r, ic, r.label) for r in lines) if v is not None]
        ctx.compare_sum(ctx.val(t, tot, ic, INCOME_TOTAL), items, what=f"{table_label(t)}本年收入合计 ≠ 各项收入之和")
        for parent in [r for r in t.rows if r.side == "收入" and "结转" in r.label]:
            subs = [r for r in t.rows if r.attrs.get("parent") == parent.label]
            vals = [v for v in (ctx.val(t, r, ic, r.label) for r in subs) if v is not None]
            if vals:
                ctx.compare_sum(ctx.val(t, parent, ic, parent.label), vals,
                                what=f"{table_label(t)}{parent.label} ≠ 其下各项之和")


@rule("FA-COMP-02", family="final_accounts", needs=("final_01", "final_04"), expected_in=FA, any_of=True)
def spend_composition(ctx: RuleContext) -> None:
    """本年支出合计不等于各功能分类支出之和

    Formula: 本年支出合计 = Σ 功能分类（一般公共服务支出 … 抗疫特别国债安排的支出），公开04表逐列
    Tolerance: n × 0.005 → 尾数误差
    """
    for t in _tables(ctx, "final_01", "final_04"):
        tot = find_row(t, SPEND_TOTAL, side="支出")
        if tot is None:
            ctx.skip(f"{table_label(t)}未找到“本年支出合计”行")
            continue
        lines = rows_before(t, "支出", (SPEND_TOTAL,))
        for col in _spend_cols(t):
            items = [v for v in (ctx.val(t, r, col, r.label) for r in lines) if v is not None]
            ctx.compare_sum(ctx.val(t, tot, col, f"{SPEND_TOTAL}·{col}"), items,
                            what=f"{table_label(t)}“{col}”本年支出合计 ≠ 各类支出之和")


@rule("FA-ROW-04", family="final_accounts", needs=("final_04",), expected_in=FA)
def f04_row_identity(ctx: RuleContext) -> None:
    """财政拨款支出合计列不等于三类财政拨款之和

    Formula: 合计 = 一般公共预算财政拨款 + 政府性基金预算财政拨款 + 国有资本经营预算财政拨款（公开04表支出各行）
    Tolerance: n × 0.005 → 尾数误差
    """
    for t in _tables(ctx, "final_04"):
        parts = [c for c in F04_COLS[1:] if c in t.columns]
        if "合计" not in t.columns or not parts:
            continue
        for r in t.rows:
            if r.side not in ("支出", None):
                continue
            items = [v for v in (ctx.val(t, r, c, c) for c in parts) if v is not None]
            ctx.compare_sum(ctx.val(t, r, "合计", f"{r.label}·合计"), items,
                            what=f"{table_label(t)}“{r.label}”合计 ≠ 各类财政拨款之和")


_HIER_KINDS = ("final_02", "final_03", "final_05", "final_06", "final_07", "final_08")


@rule("FA-HIER-01", family="final_accounts", needs=_HIER_KINDS, expected_in=FA, any_of=True)
def hierarchy(ctx: RuleContext) -> None:
    """科目层级合计不等于下级科目之和

    Formula: 合计 = Σ 类；类 = Σ 其款；款 = Σ 其项（按科目编码 3/5/7 位，逐列）
    Tolerance: n × 0.005（n 为下级科目个数）→ 尾数误差
    """
    for t in _tables(ctx, *_HIER_KINDS):
        cols = numeric_columns(t)
        coded = coded_rows(t)
        if not coded:
            if any(r.get(c) is not None and r.get(c).kind == "amount" and r.get(c).value  # type: ignore[union-attr]
                   for r in t.rows for c in cols):
                ctx.skip(f"{table_label(t)}没有可识别的科目编码，层级未核对")
            continue
        bad = [r for r in coded if len(r.code or "") not in (3, 5, 7)]
        if bad:
            # 201010101, 20101010101 …: the printed 科目编码 are garbled; prefix “hierarchies” built on them
            # are meaningless, so report the defect once instead of one error per column and pseudo-level
            shown = "、".join(r.code or "" for r in bad[:5]) + ("等" if len(bad) > 5 else "")
            ctx.emit("warning", f"{table_label(t)}有 {len(bad)} 个科目编码位数异常（功能/经济分类科目应为 3/5/7 位）："
                     f"{shown}；该表层级合计无法核对", reported=shown, expected="3/5/7 位科目编码",
                     formula="科目编码位数 ∈ {3, 5, 7}",
                     locations=[Location(document=ctx.doc.name, page=r.page, line=r.line, table=table_label(t),
                                         row=r.label or r.code, column=None, text=r.code) for r in bad])
            ctx.skip(f"{table_label(t)}科目编码位数异常，层级未核对")
            continue
        tot = total_row(t)
        for col in cols:
            if tot is not None and t.kind != "final_06":
                classes = [r for r in coded if len(r.code or "") == 3]
                items = [v for v in (ctx.val(t, r, col, f"{r.code} {r.label}") for r in classes) if v is not None]
                ctx.compare_sum(ctx.val(t, tot, col, f"合计·{col}"), items,
                                what=f"{table_label(t)}“合计”{col} ≠ 各类之和")
            for parent in coded:
                kids = children(t, parent)
                if not kids:
                    continue
                items = [v for v in (ctx.val(t, r, col, f"{r.code} {r.label}") for r in kids) if v is not None]
                ctx.compare_sum(ctx.val(t, parent, col, f"{parent.code} {parent.label}·{col}"), items,
                                what=f"{table_label(t)}“{parent.code} {parent.label}”{col} ≠ 下级科目之和")


def _row_identity(ctx: RuleContext, kind: str, total_col: str, parts: tuple[str, ...], name: str) -> None:
    for t in _tables(ctx, kind):
        cols = [c for c in parts if c in t.columns]
        if total_col not in t.columns or not cols:
            ctx.skip(f"{table_label(t)}缺少“{total_col}”或其组成列")
            continue
        for r in t.rows:
            items = [v for v in (ctx.val(t, r, c, c) for c in cols) if v is not None]
            ctx.compare_sum(ctx.val(t, r, total_col, f"{r.label}·{total_col}"), items,
                            what=f"{table_label(t)}“{r.code + ' ' if r.code else ''}{r.label}”{name}")


@rule("FA-ROW-02", family="final_accounts", needs=("final_02",), expected_in=FA)
def f02_row_identity(ctx: RuleContext) -> None:
    """收入决算表本年收入合计不等于各收入列之和

    Formula: 本年收入合计 = 财政拨款收入 + 上级补助收入 + 事业收入 + 经营收入 + 附属单位上缴收入 + 其他收入（逐行）
    Tolerance: n × 0.005 → 尾数误差
    """
    _row_identity(ctx, "final_02", INCOME_TOTAL,
                  ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"),
                  "本年收入合计 ≠ 各收入列之和")


@rule("FA-ROW-03", family="final_accounts", needs=("final_03",), expected_in=FA)
def f03_row_identity(ctx: RuleContext) -> None:
    """支出决算表本年支出合计不等于各支出列之和

    Formula: 本年支出合计 = 基本支出 + 项目支出 + 上缴上级支出 + 经营支出 + 对附属单位补助支出（逐行）
    Tolerance: n × 0.005 → 尾数误差
    """
    _row_identity(ctx, "final_03", SPEND_TOTAL, ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"),
                  "本年支出合计 ≠ 基本支出 + 项目支出 + 其他支出列")


@rule("FA-ROW-05", family="final_accounts", needs=("final_05",), expected_in=FA)
def f05_row_identity(ctx: RuleContext) -> None:
    """一般公共预算财政拨款支出合计不等于基本支出加项目支出

    Formula: 本年支出合计 = 基本支出 + 项目支出（逐行）
    Tolerance: n × 0.005 → 尾数误差
    """
    _row_identity(ctx, "final_05", SPEND_TOTAL, ("基本支出", "项目支出"), "本年支出合计 ≠ 基本支出 + 项目支出")


@rule("FA-ROW-07", family="final_accounts", needs=("final_07", "final_08"), any_of=True)
def f07_row_identity(ctx: RuleContext) -> None:
    """政府性基金（国有资本经营）支出合计不等于基本支出加项目支出

    Formula: 本年支出合计 = 基本支出 + 项目支出（逐行）
    Tolerance: n × 0.005 → 尾数误差
    """
    for kind in ("final_07", "final_08"):
        for t in _tables(ctx, kind):
            if SPEND_TOTAL in t.columns and "基本支出" in t.columns:
                _row_identity(ctx, kind, SPEND_TOTAL, ("基本支出", "项目支出"), "本年支出合计 ≠ 基本支出 + 项目支出")


@rule("FA-CF-07", family="final_accounts", needs=("final_07",))
def f07_carry_forward(ctx: RuleContext) -> None:
    """年末结转和结余不等于年初结转加本年收入减本年支出

    Formula: 年末结转和结余 = 年初结转和结余 + 本年收入 − 本年支出合计（逐行）
    Tolerance: n × 0.005 → 尾数误差
    """
    cols = ("年初结转和结余", "本年收入", SPEND_TOTAL)
    for t in _tables(ctx, "final_07"):
        if not all(c in t.columns for c in cols + ("年末结转和结余",)):
            continue
        for r in t.rows:
            items = [ctx.val(t, r, c, c) for c in cols]
            if any(i is None for i in items):
                continue
            ctx.compare_sum(ctx.val(t, r, "年末结转和结余", f"{r.label}·年末结转和结余"), items,  # type: ignore[arg-type]
                            signs=[1, 1, -1], what=f"{table_label(t)}“{r.label}”年末结转和结余 ≠ 年初 + 收入 − 支出")


_SANGONG_COLS = ("年初预算数", "全年预算数", "决算数", "预算数")


@rule("FA-3G-01", family="final_accounts", needs=("final_09",), expected_in=FA)
def sangong_total(ctx: RuleContext) -> None:
    """“三公”经费合计不等于三项之和

    Formula: 合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费（年初预算数、全年预算数、决算数各列）
    Tolerance: n × 0.005 → 尾数误差
    """
    for t in _tables(ctx, "final_09"):
        tot = find_row(t, "合计", "“三公”经费支出", "三公经费支出", "“三公”经费合计")
        parts = [find_row(t, "因公出国（境）费", "因公出国(境)费"),
                 find_row(t, "公务用车购置及运行维护费", "公务用车购置及运行费"), find_row(t, "公务接待费")]
        if tot is None or any(p is None for p in parts):
            ctx.skip(f"{table_label(t)}未找到“三公”经费合计或其三项")
            continue
        for col in [c for c in t.columns if c in _SANGONG_COLS or c.endswith(_SANGONG_COLS)]:
            items = [v for v in (ctx.val(t, p, col, p.label) for p in parts if p) if v is not None]
            ctx.compare_sum(ctx.val(t, tot, col, f"合计·{col}"), items,
                            what=f"{table_label(t)}“{col}”三公经费合计 ≠ 三项之和")


@rule("FA-3G-02", family="final_accounts", needs=("final_09",), expected_in=FA)
def sangong_cars(ctx: RuleContext) -> None:
    """公务用车购置及运行维护费不等于购置费加运行维护费

    Formula: 公务用车购置及运行维护费 = 公务用车购置费 + 公务用车运行维护费（各列）；公务接待费 = 国内接待费 + 国（境）外接待费（决算数）
    Tolerance: n × 0.005 → 尾数误差
    """
    for t in _tables(ctx, "final_09"):
        rec = find_row(t, "公务接待费")
        subs = [find_row(t, "国内接待费"), find_row(t, "国（境）外接待费")]
        if rec is not None and all(subs):
            for col in ("决算数",):
                if col in t.columns:
                    items = [v for v in (ctx.val(t, p, col, p.label) for p in subs if p) if v is not None]
                    if any(not v.empty for v in items):
                        ctx.compare_sum(ctx.val(t, rec, col, f"公务接待费·{col}"), items,
                                        what=f"{table_label(t)}公务接待费 ≠ 国内接待费 + 国（境）外接待费")
        car = find_row(t, "公务用车购置及运行维护费", "公务用车购置及运行费")
        parts = [find_row(t, "公务用车购置费"), find_row(t, "公务用车运行维护费", "公务用车运行费")]
        if car is None or any(p is None for p in parts):
            continue
        for col in [c for c in t.columns if c in _SANGONG_COLS or c.endswith(_SANGONG_COLS)]:
            items = [v for v in (ctx.val(t, p, col, p.label) for p in parts if p) if v is not None]
            ctx.compare_sum(ctx.val(t, car, col, f"{car.label}·{col}"), items,
                            what=f"{table_label(t)}“{col}”公务用车购置及运行维护费 ≠ 购置费 + 运行维护费")


@rule("FA-COMP-06", family="final_accounts", needs=("final_06",), expected_in=FA)
def f06_composition(ctx: RuleContext) -> None:
    """人员经费（公用经费）合计不等于其各类经济科目之和

    Formula: 人员经费合计 = Σ 人员经费侧各类（301、303 …）；公用经费合计 = Σ 公用经费侧各类（302、310 …）
    Tolerance: n × 0.005 → 尾数误差
    """
    for t in _tables(ctx, "final_06"):
        col = amount_column(t, "决算数")
        if col is None:
            continue
        for side in ("人员经费", "公用经费"):
            tot = find_row(t, f"{side}合计")
            classes = [r for r in coded_rows(t) if len(r.code or "") == 3 and r.side == side]
            if tot is None or not classes:
                continue
            items = [v for v in (ctx.val(t, r, col, f"{r.code} {r.label}") for r in classes) if v is not None]
            ctx.compare_sum(ctx.val(t, tot, col, f"{side}合计"), items, what=f"{table_label(t)}{side}合计 ≠ 各类之和")
