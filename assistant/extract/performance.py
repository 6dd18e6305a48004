"""自评表, 评分表/得分一览表, 评价结果公开表, asset tables, project lists, staffing: typed parsing.

Canonical names (what the check engine reads):

- ``self_eval`` 项目支出绩效自评表: ``meta`` 项目名称 / 主管部门 / 实施单位 / 年度 / 预期目标 / 实际完成情况;
  rows role ``funds`` (label 年度资金总额, 政府预算资金, 财政拨款, 上年结转资金, 其他资金 …) with cells
  年初预算数, 全年预算数, 全年执行数 (amount, 万元), 分值, 得分 (number), 执行率 (percent points);
  rows role ``indicator`` with attrs 一级指标/二级指标/三级指标 (merged cells carried forward), optional
  attrs 指标方向 (≤ ≥ = ≈) and 指标单位, cells 年度指标值 (text), 实际完成值, 分值, 得分, 偏差原因;
  one row role ``total`` (label 总分) with 分值 and 得分.
- ``score_table`` / ``score_summary`` (评分表, 指标体系, 得分一览表): rows role ``indicator`` (attrs
  一级指标/二级指标/三级指标, cells 分值, 得分, 指标解释, 评分标准, 评分过程), role ``subtotal`` for a
  一级/二级 weight or score (``Row.level`` 一级/二级), role ``total`` (合计/总分).
- ``results_list``: rows role ``item``, label = project name, cells 序号, 编码 (code), 主管部门, 预算
  (amount), 得分 (number), 等级 (text).
- ``project_list``: label = project name, cells 年度 (number, never an amount), 批复金额, 年初预算数,
  跟踪期执行数 … (amounts, header unit), 执行率 columns as percent.
- ``asset``: label 资产分类, cells 序号, 原值, 累计折旧, 净值 (amount in the header unit, usually 元), 数量
  (number); 合计/总计 row role ``total``.
- ``staffing``: label = unit, cells 编制数, 在职人数, 实有人数 … (number); 合计 row role ``total``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..documents import Cell, Row, Source, Table
from ..numbers import clean, is_empty_mark, parse_number
from ..readers.raw import RawCell, RawLine, RawTable
from . import register
from .cells import make_cell, unit_from_text
from .generic import table_unit

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _n(text: str | None) -> str:
    """Normalised cell text: whitespace removed, full-width digits folded."""
    return clean(text or "")


def _t(text: str | None) -> str:
    """Display text: runs of whitespace collapsed; spaces between CJK characters removed."""
    s = re.sub(r"\s+", " ", (text or "").strip())
    return re.sub(r"(?<=[\u4e00-\u9fff，。；、：）（])\s+(?=[\u4e00-\u9fff，。；、：（）])", "", s)


def _new_table(raw: RawTable, *, table_id: str, kind: str, title: str, unit: str | None,
               columns: list[str]) -> Table:
    return Table(id=table_id, kind=kind, title=title, unit=unit, columns=columns, rows=[], page=raw.page,
                 page_end=raw.page_end, line=raw.line)


def _cell(rc: RawCell | None, *, doc_id: str, table_id: str, row: str, column: str, kind: str,
          unit: str | None = None, text: str | None = None) -> Cell:
    return make_cell(rc, document=doc_id, table=table_id, row=row, column=column, kind_hint=kind, unit=unit,
                     text=text)


def _text_cell(rc: RawCell | None, *, doc_id: str, table_id: str, row: str, column: str,
               text: str | None = None) -> Cell:
    t = _t(text if text is not None else (rc.text if rc else ""))
    src = Source(document=doc_id, page=rc.page if rc else None, line=rc.line if rc else None, table=table_id,
                 row=row, column=column, bbox=rc.bbox if rc else None,
                 ocr_confidence=rc.confidence if rc else None)
    if is_empty_mark(t):
        return Cell(text=t, value=None, unit=None, kind="empty", source=src)
    return Cell(text=t, value=None, unit=None, kind="text", source=src)


def _row_pos(raw_row: list[RawCell]) -> tuple[int | None, int | None]:
    first = next((c for c in raw_row if c.text.strip()), raw_row[0] if raw_row else None)
    return (first.page if first else None), (first.line if first else None)


def _nonempty(raw_row: list[RawCell]) -> list[tuple[int, RawCell]]:
    return [(j, c) for j, c in enumerate(raw_row) if _n(c.text)]


def _is_num(text: str | None) -> bool:
    return parse_number(text) is not None


# ---------------------------------------------------------------------------------------------------
# 项目支出绩效自评表
# ---------------------------------------------------------------------------------------------------

_FUNDS_COLS = [
    ("年初预算数", re.compile(r"^年初预算")),
    ("全年预算数", re.compile(r"^全年预算|^调整后预算|^预算数")),
    ("全年执行数", re.compile(r"^全年执行|^执行数|^实际支出")),
    ("分值", re.compile(r"^分值")),
    ("执行率", re.compile(r"^执行率")),
    ("得分", re.compile(r"^得分")),
]
_FUNDS_KIND = {"年初预算数": "amount", "全年预算数": "amount", "全年执行数": "amount", "分值": "number",
               "执行率": "percent", "得分": "number"}
_IND_COLS = [
    ("一级指标", re.compile(r"^一级指标")),
    ("二级指标", re.compile(r"^二级指标")),
    ("三级指标", re.compile(r"^三级指标")),
    ("年度指标值", re.compile(r"^年度指标|^指标值|^目标值")),
    ("实际完成值", re.compile(r"^实际完成|^完成值|^实际值")),
    ("分值", re.compile(r"^分值|^权重")),
    ("得分", re.compile(r"^得分")),
    ("偏差原因", re.compile(r"^偏差|^原因|^未完成原因")),
]
_LEVEL1 = re.compile(r"^(产出|效益|成本|满意度|过程|决策|效果)指标$")
_LEVEL2 = re.compile(r"(指标|满意度)$")
_SE_COLUMNS = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "年度指标值", "实际完成值",
               "偏差原因"]


def _header_positions(raw_row: list[RawCell], spec) -> dict[str, int]:
    pos: dict[str, int] = {}
    for j, c in enumerate(raw_row):
        t = _n(c.text)
        if not t:
            continue
        for name, pat in spec:
            if name not in pos and pat.search(t):
                pos[name] = j
                break
    return pos


def _target_attrs(text: str) -> dict[str, str]:
    """Direction and unit of a 年度指标值 such as “≤ 105348 元”, “≥90%”, “=44 台”."""
    s = _n(text)
    out: dict[str, str] = {}
    m = re.match(r"^(≤|≥|≦|≧|<=|>=|=|≈|<|>|＜|＞)", s)
    if m:
        out["指标方向"] = {"≦": "≤", "≧": "≥", "<=": "≤", ">=": "≥", "＜": "<", "＞": ">"}.get(m.group(1), m.group(1))
    m = re.search(r"\d(?:[\d.,]*)\s*(万元|亿元|元|%|％|[\u4e00-\u9fff]{1,3})$", s)
    if m:
        out["指标单位"] = "%" if m.group(1) == "％" else m.group(1)
    return out


@register("self_eval")
def parse_self_eval(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    """Given one 项目支出绩效自评表 grid (merged cells as blanks, shifted rows), return the typed table."""
    unit = table_unit(raw) or "万元"
    table = _new_table(raw, table_id=table_id, kind="self_eval", title=title or "项目支出绩效自评表", unit=unit,
                       columns=list(_SE_COLUMNS))
    for c in raw.context:
        m = re.search(r"(20\d{2})\s*年\s*度?", c)
        if m and len(_n(c)) <= 14:
            table.meta["年度"] = m.group(1)
    mode = ""
    funds_pos: dict[str, int] = {}
    ind_pos: dict[str, int] = {}
    carry1 = carry2 = ""
    goals: list[str] = []
    for raw_row in raw.rows:
        ne = _nonempty(raw_row)
        if not ne:
            continue
        texts = [_n(c.text) for c in raw_row]
        first = ne[0][1]
        f = _n(first.text)
        joined = "".join(texts)
        page, line = _row_pos(raw_row)
        if f.startswith("项目名称") and "项目名称" not in table.meta:
            val = f[4:].lstrip(":：") or (ne[1][1].text if len(ne) > 1 else "")
            table.meta["项目名称"] = _t(val)
            continue
        if "主管部门" in joined and ("实施单位" in joined or mode == ""):
            for k, (_j, c) in enumerate(ne):
                t = _n(c.text)
                for key in ("主管部门", "实施单位"):
                    if t.startswith(key):
                        val = t[len(key):].lstrip(":：")
                        if not val and k + 1 < len(ne):
                            val = ne[k + 1][1].text
                        table.meta[key] = _t(val)
            continue
        if re.search(r"年初预算数?", joined) and re.search(r"全年(预算|执行)", joined):
            funds_pos = _header_positions(raw_row, _FUNDS_COLS)
            mode = "funds"
            continue
        if "一级指标" in joined and "二级指标" in joined:
            ind_pos = _header_positions(raw_row, _IND_COLS)
            mode = "indicators"
            continue
        if f.startswith("年度总体目标") or ("预期目标" in joined and "实际完成情况" in joined):
            mode = "goals"
            rest = [c.text for j, c in ne[1:] if _n(c.text) not in ("预期目标", "实际完成情况")]
            goals.extend(_t(x) for x in rest)
            continue
        if f.startswith("总分") or f in ("合计", "总计"):
            nums = [(j, c) for j, c in ne if _is_num(c.text)]
            row = Row(label="总分", role="total", page=page, line=line)
            for name, (_j, c) in zip(("分值", "得分"), nums, strict=False):
                row.cells[name] = _cell(c, doc_id=doc_id, table_id=table_id, row="总分", column=name, kind="number")
            table.rows.append(row)
            mode = "done"
            continue
        if mode == "funds":
            table.rows.append(_funds_row(raw_row, ne, funds_pos, doc_id, table_id, unit, page, line))
            continue
        if mode == "goals":
            goals.extend(_t(c.text) for j, c in ne)
            continue
        if mode == "indicators":
            row, carry1, carry2 = _indicator_row(raw_row, ne, ind_pos, carry1, carry2, doc_id, table_id)
            if row is not None:
                row.page, row.line = page, line
                table.rows.append(row)
            continue
    if goals:
        table.meta["预期目标"] = goals[0]
        if len(goals) > 1:
            table.meta["实际完成情况"] = goals[1]
        if len(goals) > 2:
            table.meta["实际完成情况"] = " ".join(goals[1:])
    if "项目名称" not in table.meta:
        table.warnings.append("自评表未找到“项目名称”。")
    if not any(r.role == "indicator" for r in table.rows):
        table.warnings.append("自评表未读到绩效指标行。")
    if not any(r.role == "total" for r in table.rows):
        table.warnings.append("自评表未读到“总分”行。")
    return table


def _funds_label(text: str) -> str:
    t = _n(text)
    t = re.sub(r"^其中[:：]?", "", t)
    return t


def _funds_row(raw_row, ne, pos, doc_id, table_id, unit, page, line) -> Row:
    # the label: first non-numeric cell
    label_idx = next((k for k, (j, c) in enumerate(ne) if not _is_num(c.text) and not is_empty_mark(c.text)), 0)
    lj, lc = ne[label_idx]
    label = _funds_label(lc.text)
    row = Row(label=label, role="funds", page=page, line=line)
    after = [(j, c) for j, c in enumerate(raw_row) if j > lj]
    values = [(j, c) for j, c in after if _n(c.text)]
    cols = sorted(pos.items(), key=lambda kv: kv[1])
    positional = {name: (raw_row[j] if j < len(raw_row) else None) for name, j in cols}
    hits = sum(1 for name, rc in positional.items() if rc is not None and _n(rc.text))
    use_seq = len(values) == len(cols) and hits < len(values)
    for k, (name, j) in enumerate(cols):
        rc = values[k][1] if use_seq else positional[name]
        if rc is None or j <= lj and not use_seq:
            continue
        row.cells[name] = _cell(rc, doc_id=doc_id, table_id=table_id, row=label, column=name,
                                kind=_FUNDS_KIND[name], unit=unit if _FUNDS_KIND[name] == "amount" else None)
    return row


def _indicator_row(raw_row, ne, pos, carry1, carry2, doc_id, table_id):
    """Return (row or None, carry1, carry2) for one 绩效指标 line."""
    h1, h2, h3 = pos.get("一级指标", 1), pos.get("二级指标", 2), pos.get("三级指标", 3)
    cells = [c.text for c in raw_row]
    k = next((j for j, c in ne if _n(c.text) not in ("绩效指标",)), None)
    if k is None:
        return None, carry1, carry2
    fk = _n(cells[k])
    if _LEVEL1.match(fk):
        off = k - h1
    elif _LEVEL2.search(fk) and not _is_num(fk):
        off = k - h2
    else:
        off = k - h3

    def at(p: int) -> RawCell | None:
        q = p + off
        return raw_row[q] if 0 <= q < len(raw_row) else None

    c1, c2, c3 = at(h1), at(h2), at(h3)
    l1 = _n(c1.text) if c1 else ""
    l2 = _n(c2.text) if c2 else ""
    l3 = _t(c3.text) if c3 else ""
    if l1:
        carry1, carry2 = l1, ""
    if l2:
        carry2 = l2
    if not _n(l3):
        return None, carry1, carry2
    label = _n(l3)
    row = Row(label=label, role="indicator", attrs={"一级指标": carry1, "二级指标": carry2, "三级指标": label})
    names = ["年度指标值", "实际完成值", "分值", "得分", "偏差原因"]
    slots = {n: at(pos[n]) if n in pos else None for n in names}
    # guard against a shifted row: 分值 must be a number; else read the cells after 三级指标 in order
    if slots["分值"] is None or not _is_num(slots["分值"].text):
        q3 = h3 + off
        rest = [c for c in raw_row[q3 + 1:] if _n(c.text)]
        slots = dict(zip(names, rest + [None] * 5, strict=False))
    for n in names:
        rc = slots.get(n)
        if n == "年度指标值":
            row.cells[n] = _text_cell(rc, doc_id=doc_id, table_id=table_id, row=label, column=n)
            row.attrs.update(_target_attrs(rc.text if rc else ""))
        elif n == "偏差原因":
            if rc is not None and _n(rc.text):
                row.cells[n] = _text_cell(rc, doc_id=doc_id, table_id=table_id, row=label, column=n)
        else:
            row.cells[n] = _cell(rc, doc_id=doc_id, table_id=table_id, row=label, column=n,
                                 kind="number", text=_t(rc.text) if rc else "")
    return row, carry1, carry2


# ---------------------------------------------------------------------------------------------------
# 评价结果公开表 / 自评结论表
# ---------------------------------------------------------------------------------------------------

_RESULT_COLS = [
    ("序号", re.compile(r"^序号$|^序号"), "code"),
    ("编码", re.compile(r"编码|编号|代码"), "code"),
    ("主管部门", re.compile(r"主管部门|主管单位|部门$|单位$"), "text"),
    ("名称", re.compile(r"名称"), "label"),
    ("预算", re.compile(r"预算|金额|资金"), "amount"),
    ("得分", re.compile(r"得分|分数|评分"), "number"),
    ("等级", re.compile(r"等级|结论|结果"), "text"),
]


def _find_header(raw: RawTable, must: re.Pattern[str]) -> int:
    for i, r in enumerate(raw.rows[:6]):
        if must.search("".join(_n(c.text) for c in r)):
            return i
    return 0


def _map_columns(header: list[RawCell], spec) -> dict[int, tuple[str, str, str]]:
    """Map column index → (canonical, kind, printed header)."""
    out: dict[int, tuple[str, str, str]] = {}
    used: set[str] = set()
    for j, c in enumerate(header):
        h = _n(c.text)
        if not h:
            continue
        for name, pat, kind in spec:
            if name in used:
                continue
            if pat.search(h):
                if name == "主管部门" and "名称" in h and "部门" not in h:
                    continue
                out[j] = (name, kind, h)
                used.add(name)
                break
    return out


@register("results_list")
def parse_results_list(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    """Given a 评价结果公开表 / 自评结论 grid, return rows role item: label = project, 得分, 等级 …"""
    hi = _find_header(raw, re.compile(r"名称"))
    header = raw.rows[hi]
    cols = _map_columns(header, _RESULT_COLS)
    unit = None
    for name, _k, h in cols.values():
        if name == "预算":
            unit = unit_from_text(h) or table_unit(raw) or "万元"
    table = _new_table(raw, table_id=table_id, kind="results_list", title=title or "评价结果公开表", unit=unit,
                       columns=[v[0] for _, v in sorted(cols.items()) if v[0] != "名称"])
    label_col = next((j for j, v in cols.items() if v[0] == "名称"), None)
    for raw_row in raw.rows[hi + 1:]:
        ne = _nonempty(raw_row)
        if not ne:
            continue
        texts = [_n(c.text) for c in raw_row]
        if label_col is not None and label_col < len(raw_row) and texts[label_col]:
            label = _t(raw_row[label_col].text)
        else:
            label = next((_t(c.text) for j, c in ne if not _is_num(c.text)), "")
        if not label or set("".join(texts)) <= set("-—"):
            continue
        page, line = _row_pos(raw_row)
        role = "total" if re.fullmatch(r"(合计|总计)", _n(label)) else "item"
        row = Row(label=label, role=role, page=page, line=line)
        for j, (name, k, _h) in cols.items():
            if name == "名称" or j >= len(raw_row):
                continue
            rc = raw_row[j]
            if k == "text":
                row.cells[name] = _text_cell(rc, doc_id=doc_id, table_id=table_id, row=label, column=name)
            else:
                row.cells[name] = _cell(rc, doc_id=doc_id, table_id=table_id, row=label, column=name, kind=k,
                                        unit=unit if k == "amount" else None)
        table.rows.append(row)
    return table


# ---------------------------------------------------------------------------------------------------
# 项目清单 (年度 / 项目名称 / 批复金额 / 年初预算数 / 执行数 / 执行率)
# ---------------------------------------------------------------------------------------------------


def _canon_header(h: str) -> str:
    s = re.sub(r"[（(][^）)]*[)）]", "", _n(h))
    return s or _n(h)


@register("project_list")
def parse_project_list(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    """Given a project list grid, return one row per project: label = 项目名称; 年度 is a number."""
    hi = _find_header(raw, re.compile(r"项目名称|名称"))
    header = raw.rows[hi]
    unit = table_unit(raw)
    labels: list[tuple[int, str, str, str | None]] = []
    label_col = None
    for j, c in enumerate(header):
        h = _n(c.text)
        if not h:
            continue
        if label_col is None and "名称" in h:
            label_col = j
            continue
        name = _canon_header(h)
        u = unit_from_text(h) or unit
        if re.search(r"序号|编码|编号|代码", h):
            k = "code"
        elif re.search(r"年度|年份", h):
            k = "number"
        elif re.search(r"率|%|％|比例", h):
            k = "percent"
        elif re.search(r"元", h) or (u and re.search(r"金额|预算|执行数|资金|支出|决算", h)):
            k = "amount"
        elif re.search(r"金额|预算|执行数|资金|支出|决算", h):
            k, u = "amount", u or "万元"
        else:
            k = "text"
        labels.append((j, name, k, u))
    table = _new_table(raw, table_id=table_id, kind="project_list", title=title or "项目清单",
                       unit=next((u for _, _, k, u in labels if k == "amount" and u), unit),
                       columns=[n for _, n, _, _ in labels])
    for raw_row in raw.rows[hi + 1:]:
        ne = _nonempty(raw_row)
        if not ne:
            continue
        if label_col is not None and label_col < len(raw_row) and _n(raw_row[label_col].text):
            label = _t(raw_row[label_col].text)
        else:
            label = next((_t(c.text) for j, c in ne if not _is_num(c.text)), "")
        page, line = _row_pos(raw_row)
        role = "total" if re.fullmatch(r"(合计|总计)", _n(label)) else "item"
        row = Row(label=label, role=role, page=page, line=line)
        for j, name, k, u in labels:
            rc = raw_row[j] if j < len(raw_row) else None
            if k == "text":
                row.cells[name] = _text_cell(rc, doc_id=doc_id, table_id=table_id, row=label, column=name)
            else:
                row.cells[name] = _cell(rc, doc_id=doc_id, table_id=table_id, row=label, column=name, kind=k,
                                        unit=u if k == "amount" else None)
        table.rows.append(row)
    return table


# ---------------------------------------------------------------------------------------------------
# 资产表
# ---------------------------------------------------------------------------------------------------

_ASSET_COLS = [
    ("序号", re.compile(r"序号"), "code"),
    ("原值", re.compile(r"原值"), "amount"),
    ("累计折旧", re.compile(r"折旧"), "amount"),
    ("净值", re.compile(r"净值|账面价值"), "amount"),
    ("数量", re.compile(r"数量|面积|件数|台|个数"), "number"),
]


@register("asset")
def parse_asset(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    """Given an asset list (原值/累计折旧/净值/数量), return amounts in the header unit (usually 元)."""
    hi = _find_header(raw, re.compile(r"原值|净值"))
    header = raw.rows[hi]
    cols = _map_columns(header, _ASSET_COLS)
    units = {j: unit_from_text(header[j].text) for j in cols}
    default_unit = next((u for u in units.values() if u), None) or table_unit(raw) or "元"
    label_col = next((j for j, c in enumerate(header) if j not in cols and _n(c.text)), None)
    table = _new_table(raw, table_id=table_id, kind="asset", title=title or "资产表", unit=default_unit,
                       columns=[v[0] for _, v in sorted(cols.items())])
    for raw_row in raw.rows[hi + 1:]:
        ne = _nonempty(raw_row)
        if not ne:
            continue
        if label_col is not None and label_col < len(raw_row) and _n(raw_row[label_col].text):
            label = _t(raw_row[label_col].text)
        else:
            label = next((_t(c.text) for j, c in ne if not _is_num(c.text)), "")
        label = label.replace(" ", "") if _CJK.search(label) else label
        page, line = _row_pos(raw_row)
        role = "total" if re.fullmatch(r"(合计|总计|小计)", _n(label)) else "item"
        row = Row(label=label, role=role, page=page, line=line)
        for j, (name, k, _h) in cols.items():
            rc = raw_row[j] if j < len(raw_row) else None
            row.cells[name] = _cell(rc, doc_id=doc_id, table_id=table_id, row=label, column=name, kind=k,
                                    unit=(units.get(j) or default_unit) if k == "amount" else None)
        table.rows.append(row)
    return table


# ---------------------------------------------------------------------------------------------------
# 人员编制表
# ---------------------------------------------------------------------------------------------------


@register("staffing")
def parse_staffing(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    """Given a staffing table (单位 / 编制数 / 在职人数 …), return counts per unit."""
    hi = _find_header(raw, re.compile(r"编制|在职|实有"))
    header = raw.rows[hi]
    cols: list[tuple[int, str, str]] = []
    label_col = None
    for j, c in enumerate(header):
        h = _n(c.text)
        if not h:
            continue
        if re.search(r"序号", h):
            cols.append((j, "序号", "code"))
        elif re.search(r"编制|在职|实有|人数|离退休|空编|超编|职数", h):
            cols.append((j, _canon_header(h), "number"))
        elif label_col is None:
            label_col = j
    table = _new_table(raw, table_id=table_id, kind="staffing", title=title or "人员编制表", unit=None,
                       columns=[n for _, n, _ in cols])
    for raw_row in raw.rows[hi + 1:]:
        ne = _nonempty(raw_row)
        if not ne:
            continue
        if label_col is not None and label_col < len(raw_row) and _n(raw_row[label_col].text):
            label = _t(raw_row[label_col].text)
        else:
            label = next((_t(c.text) for j, c in ne if not _is_num(c.text)), "")
        page, line = _row_pos(raw_row)
        role = "total" if re.fullmatch(r"(合计|总计)", _n(label)) else "item"
        row = Row(label=label, role=role, page=page, line=line)
        for j, name, k in cols:
            rc = raw_row[j] if j < len(raw_row) else None
            row.cells[name] = _cell(rc, doc_id=doc_id, table_id=table_id, row=label, column=name, kind=k)
        table.rows.append(row)
    return table


# ---------------------------------------------------------------------------------------------------
# 评分表 / 指标体系 / 得分一览表
# ---------------------------------------------------------------------------------------------------

_WEIGHT = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_LEVEL1_SCORE = re.compile(r"^(部门|项目)?(决策|管理|过程|产出|效益|效果)(指标)?$")
_RULE = re.compile(r"得满分|不得分|扣.{0,8}分|得\s*\d+(\.\d+)?\s*分|权重分|扣完为止|×|得分$|否则")
_PROCESS = re.compile(r"根据评分|依据评分|根据评分表|经查看|经核查|经随机|经对比|通过.{0,6}调研")
_LEAD_NUM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+(\S.{6,})$", re.S)


def _split_label(text: str) -> tuple[str, Decimal | None]:
    t = _n(text)
    m = _WEIGHT.search(t)
    w = Decimal(m.group(1)) if m else None
    name = _WEIGHT.sub("", t).strip()
    return name, w


def _is_label(text: str) -> bool:
    t = _n(text)
    if not t or _is_num(t) or not _CJK.search(t):
        return False
    if re.search(r"[，。；;,:：①②③=]", t):
        return False
    return len(_WEIGHT.sub("", t)) <= 24


def _score_kinds(header: list[str]) -> dict[str, bool]:
    h = "".join(header)
    return {
        "分值": bool(re.search(r"分值|权重", h)),
        "指标解释": bool(re.search(r"指标解释|指标说明|指标内涵", h)),
        "评分标准": bool(re.search(r"评分标准|评分细则|评分办法", h)),
        "得分": "得分" in h,
        "评分过程": bool(re.search(r"评分过程|得分说明|评分依据|扣分原因|得分依据", h)),
    }


@register("score_table", "score_summary")
def parse_score_table(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    """Given an indicator table (指标体系 / 评分表 / 得分一览表), return indicator, subtotal and total rows.

    Rows are read by the kind of each cell, not by position: leading short labels are the indicator
    names (a “(N分)” suffix is that level's weight), then numbers (分值 before the texts, 得分 after the
    评分标准) and texts (指标解释, 评分标准, 评分过程). Continuation rows (text only) extend the previous
    indicator; rows that cannot be placed are reported in ``warnings``.
    """
    hi = _find_header(raw, re.compile(r"一级指标|二级指标|指标名称"))
    header = [_n(c.text) for c in raw.rows[hi]] if raw.rows else []
    has = _score_kinds(header)
    depth = 3 if any("三级指标" in h for h in header) else (2 if any("二级指标" in h for h in header) else 1)
    kind = kind if kind in ("score_table", "score_summary") else "score_table"
    cols = ["分值", "得分"] + [n for n in ("指标解释", "评分标准", "评分过程") if has[n]]
    table = _new_table(raw, table_id=table_id, kind=kind, title=title, unit=None, columns=cols)
    levels = ["一级指标", "二级指标", "三级指标"][:depth]
    carry = {lv: "" for lv in levels}
    seen_sub: set[tuple[str, str]] = set()
    last: Row | None = None
    for raw_row in raw.rows[hi + 1:]:
        ne = _nonempty(raw_row)
        if not ne:
            continue
        page, line = _row_pos(raw_row)
        items: list[tuple[str, RawCell, str]] = []  # (type, cell, text): label / num / text
        started = False
        for _j, c in ne:
            t = c.text
            if not started and _is_label(t):
                items.append(("label", c, t))
                continue
            started = True
            if _is_num(t):
                items.append(("num", c, t))
                continue
            m = _LEAD_NUM.match(_t(t))
            if m and _CJK.search(m.group(2)) and Decimal(m.group(1)) <= 100 and not re.match(
                    r"[年月日个项%％万元]", m.group(2)):
                items.append(("num", c, m.group(1)))
                items.append(("text", c, m.group(2)))
                continue
            items.append(("text", c, t))
        labels = [(c, t) for typ, c, t in items if typ == "label"]
        nums = [(c, t) for typ, c, t in items if typ == "num"]
        texts = [(c, t) for typ, c, t in items if typ == "text"]
        first_label = _split_label(labels[0][1])[0] if labels else ""
        if first_label in ("合计", "总计", "总分", "得分合计") or (
                len(labels) >= 1 and _split_label(labels[-1][1])[0] in ("合计", "总计", "总分")):
            row = Row(label="合计", role="total", page=page, line=line)
            names = ["分值", "得分"] if len(nums) >= 2 else ["得分"]
            for name, (c, t) in zip(names, nums, strict=False):
                row.cells[name] = _cell(c, doc_id=doc_id, table_id=table_id, row="合计", column=name,
                                        kind="number", text=t)
            table.rows.append(row)
            last = None
            continue
        if not labels and not nums:
            if last is not None and texts:
                _append_texts(last, texts, has)
            continue
        # assign labels to levels
        assigned: dict[str, tuple[str, Decimal | None, RawCell]] = {}
        parsed = [(_split_label(t), c) for c, t in labels]
        if has["分值"] and depth == 3:
            weighted = [(p, c) for p, c in parsed if p[1] is not None]
            plain = [(p, c) for p, c in parsed if p[1] is None]
            for p, c in plain[-1:]:
                assigned["三级指标"] = (p[0], p[1], c)
            if len(weighted) >= 2:
                assigned["一级指标"] = (weighted[0][0][0], weighted[0][0][1], weighted[0][1])
                assigned["二级指标"] = (weighted[-1][0][0], weighted[-1][0][1], weighted[-1][1])
            elif weighted:
                (nm, w), c = weighted[0]
                lv = "一级指标" if _LEVEL1_SCORE.match(nm) else "二级指标"
                assigned[lv] = (nm, w, c)
        else:
            rest = list(parsed)
            if rest and _LEVEL1_SCORE.match(rest[0][0][0]) and len(rest) < depth:
                (nm, w), c = rest.pop(0)
                assigned["一级指标"] = (nm, w, c)
            slots = levels[-len(rest):] if rest else []
            for lv, ((nm, w), c) in zip(slots, rest, strict=False):
                assigned[lv] = (nm, w, c)
        for i, lv in enumerate(levels):
            if lv in assigned:
                carry[lv] = assigned[lv][0]
                for lower in levels[i + 1:]:
                    if lower not in assigned:
                        carry[lower] = ""
        # subtotal rows for weighted upper levels (printed as “部门决策 (15 分)”)
        for lv in levels[:-1]:
            if lv in assigned and assigned[lv][1] is not None:
                nm, w, c = assigned[lv]
                key = (lv, nm)
                if key not in seen_sub:
                    seen_sub.add(key)
                    sub = Row(label=nm, role="subtotal", level=lv[:2], page=c.page or page, line=c.line or line,
                              attrs={k: carry[k] for k in levels[:levels.index(lv) + 1]})
                    sub.cells["分值"] = _cell(c, doc_id=doc_id, table_id=table_id, row=nm, column="分值",
                                             kind="number", text=str(w))
                    table.rows.append(sub)
        deepest = levels[-1]
        if deepest not in assigned:
            if nums or texts:
                if labels and depth > 1 and not assigned.get(deepest):
                    # an upper-level row carrying its own numbers (e.g. a 二级 score line)
                    upper = max((lv for lv in levels if lv in assigned), key=levels.index, default=None)
                    if upper is not None and nums and not texts:
                        nm = assigned[upper][0]
                        sub = Row(label=nm, role="subtotal", level=upper[:2], page=page, line=line,
                                  attrs={k: carry[k] for k in levels[:levels.index(upper) + 1]})
                        _put_numbers(sub, nums, [], has, doc_id, table_id)
                        table.rows.append(sub)
                        continue
                if not labels:
                    label = "（缺少指标名称）"
                    carry[deepest] = ""
                    table.warnings.append(f"第{line or page}行的指标行没有印出指标名称，已按位置读取分值/得分。")
                else:
                    table.warnings.append(
                        f"第{line or page}行只有上级指标“{first_label}”和零散内容，未能归入具体指标。")
                    continue
            else:
                continue
        else:
            label = assigned[deepest][0]
        row = Row(label=label, role="indicator", page=page, line=line,
                  attrs={lv: carry[lv] for lv in levels})
        if deepest in assigned and assigned[deepest][1] is not None:
            nm, w, c = assigned[deepest]
            row.cells["分值"] = _cell(c, doc_id=doc_id, table_id=table_id, row=label, column="分值",
                                     kind="number", text=str(w))
        score_at = _put_numbers(row, nums, texts, has, doc_id, table_id)
        _put_texts(row, items, score_at, has, doc_id, table_id)
        if label == "（缺少指标名称）":
            # the formula in the rule often names the indicator: “固定资产利用率=(…)”
            rule = row.cells.get("评分标准")
            m = re.match(r"^[①\s]*([\u4e00-\u9fff“”\"]{2,16}?(?:率|性|数))\s*=", rule.text if rule else "")
            if m:
                row.label = row.attrs[deepest] = m.group(1)
                table.warnings[-1] += f"按评分标准中的公式推定为“{m.group(1)}”。"
        table.rows.append(row)
        last = row
    return table


def _put_numbers(row: Row, nums, texts, has, doc_id, table_id) -> int | None:
    """Place the row's numbers as 分值/得分; return the position (in ``nums``) of the 得分 number."""
    label = row.label
    if not nums:
        return None
    if len(nums) >= 2:
        names = ["分值", "得分"]
    elif "分值" in row.cells or not has["分值"]:
        names = ["得分"] if has["得分"] else ["分值"]
    else:
        # one number: 得分 when it follows the 评分标准 text, else 分值
        names = ["得分"] if texts and any(_RULE.search(_n(t)) for c, t in texts[:2]) else ["分值"]
    score_at = None
    for k, (name, (c, t)) in enumerate(zip(names, nums, strict=False)):
        if name in row.cells:
            continue
        row.cells[name] = _cell(c, doc_id=doc_id, table_id=table_id, row=label, column=name, kind="number", text=t)
        if name == "得分":
            score_at = k
    return score_at


def _put_texts(row: Row, items, score_at: int | None, has, doc_id, table_id) -> None:
    """Place the row's texts: before the 得分 number 指标解释/评分标准, after it 评分过程."""
    label = row.label
    slots = [n for n in ("指标解释", "评分标准", "评分过程") if has[n]] or ["评分标准"]
    before: list[tuple[RawCell, str]] = []
    after: list[tuple[RawCell, str]] = []
    k_num = -1
    for typ, c, t in items:
        if typ == "num":
            k_num += 1
            continue
        if typ != "text":
            continue
        (after if score_at is not None and k_num >= score_at else before).append((c, t))
    if not before and not after:
        return
    assign: dict[str, list[str]] = {}
    first_cell: dict[str, RawCell] = {}

    def put(name: str, c: RawCell, t: str) -> None:
        assign.setdefault(name, []).append(t)
        first_cell.setdefault(name, c)

    pre = [s for s in slots if s != "评分过程"]
    if len(before) == 1 and len(pre) == 2:
        c, t = before[0]
        put("评分标准" if _RULE.search(_n(t)) else "指标解释", c, t)
    elif len(before) > len(pre) and "评分标准" in pre:
        # more texts than slots (a column printed twice): the last rule-like text is the 评分标准
        ri = max((k for k, (c, t) in enumerate(before) if _RULE.search(_n(t))), default=len(before) - 1)
        for k, (c, t) in enumerate(before):
            put("评分标准" if k == ri else pre[0], c, t)
    else:
        for k, (c, t) in enumerate(before):
            put(pre[k] if k < len(pre) else ("评分过程" if has["评分过程"] else pre[-1]), c, t)
    for c, t in after:
        put("评分过程" if has["评分过程"] else slots[-1], c, t)
    for name, parts in assign.items():
        row.cells[name] = _text_cell(first_cell[name], doc_id=doc_id, table_id=table_id, row=label, column=name,
                                     text=" ".join(_t(p) for p in parts))


def _append_texts(row: Row, texts, has) -> None:
    """A text-only continuation line: extend the previous indicator's texts."""
    slots = [n for n in ("指标解释", "评分标准", "评分过程") if has[n]] or ["评分标准"]
    if len(texts) == 1:
        t = _n(texts[0][1])
        if _PROCESS.search(t) and has["评分过程"]:
            name = "评分过程"
        elif _RULE.search(t) or "评分标准" in row.cells:
            name = "评分标准"
        else:
            name = slots[0]
        targets = [(name, texts[0])]
    else:
        pre = [s for s in slots if s != "评分过程"]
        targets = list(zip(pre + ["评分过程"] * 3, texts, strict=False))
    for name, (c, t) in targets:
        old = row.cells.get(name)
        if old is None:
            row.cells[name] = Cell(text=_t(t), value=None, unit=None, kind="text",
                                   source=Source(document=row.cells[next(iter(row.cells))].source.document
                                                 if row.cells else "", page=c.page, line=c.line,
                                                 table=None, row=row.label, column=name))
        else:
            row.cells[name] = Cell(text=old.text + _t(t), value=None, unit=None, kind="text", source=old.source)


# ---------------------------------------------------------------------------------------------------
# Tables split across pages (or by page headers in text exports): join the pieces
# ---------------------------------------------------------------------------------------------------

_RUNNING_HEAD = re.compile(r"(报告|决算|评价|预算)$|^第?\s*\d+\s*页?$|^-?\s*\d+\s*-?$")


def join_split_tables(items: list) -> list:
    """Given the raw items in reading order, return them with a table's continuation pieces joined to it.

    A piece continues the table before it when only running page headers (the report title, a page
    number) stand between them, it has no header row of its own and the first table is an indicator
    table (评分表/指标体系/自评表/结果公开表). The running headers between the pieces are dropped.
    """
    from .classify import classify_table

    out: list = []
    i = 0
    while i < len(items):
        it = items[i]
        out.append(it)
        if not isinstance(it, RawTable) or not it.rows:
            i += 1
            continue
        kind, _ = classify_table(it)
        if kind not in ("score_table", "self_eval", "results_list", "asset", "project_list", "score_summary"):
            i += 1
            continue
        header = "".join(_n(c.text) for c in it.rows[0])
        j = i + 1
        while j < len(items):
            between: list = []
            k = j
            while k < len(items) and isinstance(items[k], RawLine):
                between.append(items[k])
                k += 1
            if k >= len(items) or len(between) > 2:
                break
            if not all(_RUNNING_HEAD.search(_n(b.text)) and len(_n(b.text)) <= 60
                       and not re.search(r"表\s*\d|表$|表[（(]", _n(b.text)) for b in between):
                break
            nxt = items[k]
            if not nxt.rows:
                break
            nhead = "".join(_n(c.text) for c in nxt.rows[0])
            if nhead == header or re.search(r"一级指标|项目名称|序号", nhead) or re.search(
                    r"^项目支出绩效自评表", "".join(_n(b.text) for b in between)):
                break
            it.rows.extend(nxt.rows)
            if nxt.page_end or nxt.page:
                it.page_end = nxt.page_end or nxt.page
            i = k
            j = k + 1
        i += 1
    return out


# ---------------------------------------------------------------------------------------------------
# Indicator tables of one document: the full 指标体系 fills the hierarchy a scoring table lost
# ---------------------------------------------------------------------------------------------------


def reconcile_indicator_tables(tables: list[Table]) -> None:
    """Given a document's tables, complete the 一级/二级 of scoring-table indicators from its 指标体系.

    A scoring annex printed with vertically merged cells often loses a 二级 label (the label stands on
    another row, or on the previous page). When the same document prints a complete indicator system
    (every indicator with its 一级 and 二级), the annex rows are aligned to it in order (names may differ
    by a typo) and an empty or displaced 二级 is replaced; each table says so in ``warnings``.
    """
    from difflib import SequenceMatcher

    def full(t: Table) -> bool:
        ind = [r for r in t.rows if r.role == "indicator"]
        return bool(ind) and all(r.attrs.get("一级指标") and r.attrs.get("二级指标") for r in ind)

    scored = [t for t in tables if t.kind in ("score_table", "score_summary")]
    systems = [t for t in scored if full(t) and any("三级指标" in r.attrs for r in t.rows)]
    for t in scored:
        if t in systems or not any("三级指标" in r.attrs for r in t.rows):
            continue
        ref = next((s for s in systems if s is not t), None)
        if ref is None:
            continue
        mine = [r for r in t.rows if r.role == "indicator"]
        theirs = [r for r in ref.rows if r.role == "indicator"]
        a = [_n(r.attrs.get("三级指标", r.label)) for r in mine]
        b = [_n(r.attrs.get("三级指标", r.label)) for r in theirs]
        pairs: list[tuple[int, int]] = []
        sm = SequenceMatcher(a=a, b=b, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        subs2 = {_n(r.label) for r in t.rows if r.role == "subtotal" and r.level == "二级"}
        fixed = 0
        for i, j in pairs:
            r, s = mine[i], theirs[j]
            if SequenceMatcher(a=a[i], b=b[j]).ratio() < 0.6:
                continue
            want2 = s.attrs.get("二级指标", "")
            have2 = r.attrs.get("二级指标", "")
            if not want2 or _n(have2) == _n(want2) or SequenceMatcher(a=_n(have2), b=_n(want2)).ratio() >= 0.8:
                continue  # the same 二级 (perhaps spelled differently)
            name2 = next((x for x in subs2 if x == _n(want2) or _n(want2) in x or x in _n(want2)), want2)
            r.attrs["二级指标"] = name2
            if not r.attrs.get("一级指标"):
                r.attrs["一级指标"] = s.attrs.get("一级指标", "")
            fixed += 1
        if fixed:
            t.warnings.append(f"{fixed} 个指标的二级指标在本表中缺失或因合并单元格错位，已按{ref.title or ref.id}补齐。")
