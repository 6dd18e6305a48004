"""部门决算 公开01–10表: typed parsing (科目编码 hierarchy, two-sided totals tables, 三公).

Canonical contract (checks and QA rely on it; keep it exactly)
---------------------------------------------------------------
Table kinds ``final_01`` … ``final_10`` use the national template's numbering whatever the document
prints (recognised by title and headers in :mod:`.classify`).

Rows
  ``Row.label``  the printed item name with whitespace and leading numbering (“一、”, “1.”, “（1）”,
                 “其中：”) removed: "一般公共服务支出", "本年收入合计", "总计", "行政运行".
  ``Row.code``   科目编码 digits joined without spaces ("2010601" even when printed “201 | 06 | 01”).
  ``Row.level``  类/款/项 from :func:`assistant.numbers.code_level` (3/5/7 digits; longer: 细项).
  ``Row.role``   "total" for 合计/总计/本年收入合计/本年支出合计/人员经费合计/公用经费合计 (any label ending
                 in 合计, or 总计), "stat" for the 三公 statistics rows (the “相关统计数” heading
                 included), "item" otherwise (coded rows are always "item").
  ``Row.side``   "收入"/"支出" in final_01 and final_04; "人员经费"/"公用经费" in final_06.
  ``Row.attrs``  "行次" (printed row number, 01/04), "printed_code" ("201 06 01" when printed in columns),
                 "code_suspect" = "位数异常" for a 功能分类 code that is not 3/5/7 digits (also in warnings), "parent" (e.g. the 04 carry-over sub-rows under
                 年初财政拨款结转和结余, the 接待费 sub-rows under 公务接待费), "printed_label" when the label
                 was canonicalised, "label_from" = "行次" when a missing label was restored from the
                 national template's row number. A data row printed without name or code keeps label "" and
                 is reported in ``Table.warnings`` (昌南 公开02表).
  Row order follows the print; in 01/04 each printed line gives its 收入 row, then its 支出 row.

Columns (``Row.cells`` keys)
  final_01  both sides: "决算数" (a side's single value column, printed 决算数 or 金额; were a side to
            print several value columns, the others keep their printed header).
  final_04  收入 side: "决算数"; 支出 side: "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
            "国有资本经营预算财政拨款".
  final_02  "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入".
  final_03  "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出".
  final_05  "本年支出合计", "基本支出", "项目支出" (printed 合计/小计 → "本年支出合计").
  final_06  "决算数" (printed 决算数/金额); rows carry side, code, label; totals "人员经费合计" and
            "公用经费合计" (printed 公用支出合计 is canonicalised) with role "total".
  final_07, final_08  "年初结转和结余", "本年收入", "本年支出合计" (printed 小计/合计 under 本年支出),
            "基本支出", "项目支出", "年末结转和结余" — those present.
  final_09  rows "合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费",
            "公务接待费" (sub-rows such as "国内接待费" are items with parent "公务接待费"; statistics rows
            such as "公务用车保有量（辆）" have role "stat" and kind "number"); columns "年初预算数",
            "全年预算数", "决算数". A horizontal layout (items as columns, 上海 style) is transposed into this
            shape, each cell keeping its own page/bbox; its printed “预算数” is the 年初预算数 (the
            narrative says “年初预算为…”), noted in ``Table.meta["预算数口径"]``.
  final_10  "决算数" (counts: kind "number").

Where a 栏次 row numbers the value columns 1…n and n matches the national template of the table, the
template's names are used (a garbled header such as 资本支出 for 基本支出 is then reported in
``Table.warnings``).

Cells: amounts in 万元 (or the printed unit) are kind "amount"; "---" and blanks are "empty" (no value,
not zero); counts are "number". 行次/栏次 and 科目编码 are never cells (they live in ``Row.code`` and
``Row.attrs["行次"]``). Every cell keeps its Source (document, page or line, table id, row label,
canonical column, bbox).

Table.meta: "部门" (from a printed “部门：…” line, or the “XX局 2024 年度部门决算表” heading printed
above the first table), "公开表号" (“公开05表”), "年度" when printed,
"计量单位" for non-money tables, "预算数口径" for horizontal 三公 tables. Table.unit from 金额单位.

:func:`missing_final_kinds` compares the tables a document's 目录 lists with the tables found (the
测试问题版本 PDF lists 三、支出决算表 but prints no 支出决算表).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..documents import Cell, Row, Table
from ..numbers import clean, code_level, is_empty_mark, parse_number
from ..readers.raw import RawCell, RawTable
from . import register
from .cells import make_cell
from .generic import table_unit

# ---------------------------------------------------------------------------------------------------
# small helpers

_WS = re.compile(r"\s+")
_NUMBERING = re.compile(
    r"^(其中[:：]?|[一二三四五六七八九十]+[、.．]|[（(][0-9一二三四五六七八九十]+[)）][、.．]?|[0-9]+[、.．](?!\d))")
_CODE_FULL = re.compile(r"^\d{3}(\d{2}){0,6}$")
_CODE_PREFIX = re.compile(r"^(\d{3}(?:\d{2}){0,6})\s*(\D.*)$")
_HEADER_WORDS = {"类", "款", "项", "栏次", "行次", "项目", "科目名称", "细项"}
_PLACEHOLDER = re.compile(r"^[…．.·XxＸ]+$")
_INT = re.compile(r"^\d{1,3}$")


def _squash(text: str | None) -> str:
    return _WS.sub("", text or "").replace("\xa0", "")


def canonical_label(text: str | None) -> str:
    """Return a printed row name without whitespace and leading numbering (“一、”, “1.”, “（1）”, “其中：”)."""
    s = _squash(text)
    for _ in range(2):  # “其中：1.” style double prefixes
        s2 = _NUMBERING.sub("", s)
        if s2 == s:
            break
        s = s2
    return s


def _role(label: str) -> str:
    return "total" if (label.endswith("合计") or label == "总计") else "item"


def _is_decimal_amount(text: str) -> bool:
    t = clean(text)
    return parse_number(t) is not None and "." in t


def _row_has_value(raw_row: list[RawCell], cols: Iterable[int]) -> bool:
    return any(j < len(raw_row) and parse_number(raw_row[j].text) is not None for j in cols)


def _cell(raw_row: list[RawCell], j: int | None) -> RawCell | None:
    if j is None or j >= len(raw_row) or j < 0:
        return None
    return raw_row[j]


def _text(raw_row: list[RawCell], j: int | None) -> str:
    c = _cell(raw_row, j)
    return c.text if c else ""


def _row_pos(raw_row: list[RawCell]) -> tuple[int | None, int | None]:
    for c in raw_row:
        if c.page is not None or c.line is not None:
            return c.page, c.line
    return None, None


def _is_column_number_row(texts: list[str]) -> bool:
    vals = [clean(t) for t in texts if clean(t)]
    if not vals:
        return False
    if any(v in ("栏次", "行次") for v in vals) and not any(_is_decimal_amount(v) for v in vals):
        return True
    ints = [v for v in vals if re.fullmatch(r"\d{1,2}", v)]
    rest = [v for v in vals if v not in ints]
    return len(ints) >= 2 and all(v in _HEADER_WORDS for v in rest)


def _column_numbers(texts: list[str]) -> dict[int, int]:
    """Given a 栏次 row, return {column index: printed column number}."""
    out = {}
    for j, t in enumerate(texts):
        v = clean(t)
        if re.fullmatch(r"\d{1,2}", v):
            out[j] = int(v)
    return out


def _meta_from_context(raw: RawTable) -> dict[str, str]:
    meta: dict[str, str] = {}
    for c in raw.context:
        s = c.replace("\xa0", " ")
        m = re.search(r"部门[:：]\s*([^\s]+)", s)
        if m and "部门" not in meta:
            meta["部门"] = m.group(1)
        m = re.search(r"公开\s*0?(\d{1,2})\s*表", s)
        if m:
            meta["公开表号"] = f"公开{int(m.group(1)):02d}表"
        m = re.search(r"(20\d{2})\s*年度", s)
        if m and "年度" not in meta:
            meta["年度"] = m.group(1)
        m = re.match(r"^(?:第.部分)?\s*(\S.*?)\s*(?:20\d{2}\s*)?年度部门决算表$", s.strip())
        if m and not any(re.search(r"部门[:：]", x) for x in raw.context) and re.search(
                r"[\u4e00-\u9fff]", m.group(1)) and "部门" not in meta:
            # 上海 style: “上海市规划和自然资源局 2024 年度部门决算表” printed above 公开01表
            meta["部门"] = _squash(m.group(1))
        m = re.search(r"单位[:：]\s*([^\s]+)", s)
        if m and not re.search(r"元", m.group(1)):
            meta["计量单位"] = m.group(1)
    return meta


_TITLE_OF = {
    "final_01": r"收入支出决算总表",
    "final_02": r"收入决算表",
    "final_03": r"支出决算表",
    "final_04": r"财政拨款收入支出决算总表",
    "final_05": r"一般公共预算财政拨款(项目)?支出决算表",
    "final_06": r"一般公共预算财政拨款基本支出决算表",
    "final_07": r"政府性基金预算财政拨款(收入)?支出决算表",
    "final_08": r"国有资本经营预算财政拨款(收入)?支出决算表",
    "final_09": r"三公.{0,3}经费支出决算表",
    "final_10": r"国有资产占用情况表",
}


def _title(raw: RawTable, kind: str, given: str) -> str:
    pat = re.compile(_TITLE_OF[kind])
    for c in reversed(raw.context):
        s = _squash(c).lstrip("#")
        if pat.search(s) and not s.startswith("部门"):
            return s
    return _squash(given).lstrip("#") or ""


def _new_table(raw: RawTable, *, table_id: str, kind: str, title: str, unit: str | None,
               columns: list[str], rows: list[Row], meta: dict[str, str], warnings: list[str]) -> Table:
    return Table(id=table_id, kind=kind, title=_title(raw, kind, title), unit=unit, columns=columns, rows=rows,
                 page=raw.page, page_end=raw.page_end, line=raw.line, meta=meta, warnings=warnings)


def _amount(rc: RawCell | None, *, doc_id: str, table_id: str, row: str, column: str, unit: str | None,
            kind_hint: str = "amount") -> Cell:
    return make_cell(rc, document=doc_id, table=table_id, row=row, column=column, kind_hint=kind_hint,
                     unit=unit)


# ---------------------------------------------------------------------------------------------------
# canonical column names


_COLUMN_RULES: dict[str, list[tuple[str, str]]] = {
    "final_02": [(r"收入合计|^合计$|^小计$", "本年收入合计"), (r"财政拨款", "财政拨款收入"), (r"上级补助", "上级补助收入"),
                 (r"事业收入", "事业收入"), (r"经营收入", "经营收入"), (r"附属单位", "附属单位上缴收入"),
                 (r"其他收入", "其他收入")],
    "final_03": [(r"支出合计|^合计$|^小计$", "本年支出合计"), (r"基本支出", "基本支出"), (r"项目支出", "项目支出"),
                 (r"上缴上级", "上缴上级支出"), (r"经营支出", "经营支出"), (r"附属单位", "对附属单位补助支出")],
    "final_05": [(r"支出合计|^合计$|^小计$", "本年支出合计"), (r"基本支出", "基本支出"), (r"项目支出", "项目支出")],
    "final_07": [(r"年初", "年初结转和结余"), (r"年末", "年末结转和结余"), (r"本年收入", "本年收入"),
                 (r"支出合计|^合计$|^小计$|^本年支出$", "本年支出合计"), (r"基本支出", "基本支出"),
                 (r"项目支出", "项目支出")],
}
_COLUMN_RULES["final_08"] = _COLUMN_RULES["final_07"]

# the national template's value columns in 栏次 order (variants by count)
_TEMPLATE_COLUMNS: dict[str, list[list[str]]] = {
    "final_02": [["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]],
    "final_03": [["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]],
    "final_05": [["本年支出合计", "基本支出", "项目支出"]],
    "final_07": [["年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"]],
    "final_08": [["年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"],
                 ["本年支出合计", "基本支出", "项目支出"]],
}


def _map_column(kind: str, parts: list[str]) -> str | None:
    """Given the stacked header texts of one column (top to bottom), return its canonical name."""
    rules = _COLUMN_RULES.get(kind, [])
    for part in reversed([p for p in parts if p]):
        for pat, name in rules:
            if re.search(pat, part):
                return name
    return None


# ---------------------------------------------------------------------------------------------------
# 02, 03, 05, 07, 08: tables keyed by 功能分类科目编码


def _code_and_label(texts: list[str]) -> tuple[str | None, str, list[str]]:
    """Given the label-area texts of a row, return (code, label, printed code parts)."""
    code_parts: list[str] = []
    label = ""
    for t in texts:
        s = _squash(t)
        if not s or s in _HEADER_WORDS:
            continue
        if re.fullmatch(r"\d{2,}", s):
            # a whole code (“2010601”), its 类 part (“201”), or a 款/项 part (“06”) following it
            if (not code_parts and len(s) >= 3) or (code_parts and len(s) == 2) or len(s) > 7:
                code_parts.append(s)
                continue
        m = _CODE_PREFIX.match(_WS.sub(" ", t.strip()))
        if m and not code_parts:
            code_parts.append(m.group(1))
            s = _squash(m.group(2))
        if not label:
            label = s
    code = "".join(code_parts) or None
    return code, label, code_parts


def _find_header_end(rows: list[list[RawCell]], label_cols_guess: int = 4) -> int:
    """Index of the first data row: a row with a 科目编码, a 合计/总计 label or a decimal amount."""
    for i, row in enumerate(rows):
        texts = [c.text for c in row]
        squashed = [_squash(t) for t in texts]
        if any(_is_decimal_amount(t) for t in texts):
            return i
        if any(s in ("合计", "总计") for s in squashed[:4]) and not any(
                s in ("项目", "科目名称") or s.startswith(("年初结转", "支出功能", "功能分类")) for s in squashed):
            return i
        if any(re.fullmatch(r"\d{3}(\d{2})*", s) and len(s) != 4 for s in squashed[:label_cols_guess]) and not \
                _is_column_number_row(texts):
            return i
        if any(re.match(r"^\d{3}\s*\D", _squash(t)) for t in texts[:label_cols_guess]):
            return i
    return len(rows)


def parse_coded(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    rows = raw.rows
    ncols = raw.ncols
    unit = table_unit(raw) or "万元"
    meta = _meta_from_context(raw)
    warnings: list[str] = []
    hend = _find_header_end(rows)
    header_rows = [r for r in rows[:hend]]
    # stacked header texts per column; the 栏次 row gives printed column numbers
    parts: list[list[str]] = [[] for _ in range(ncols)]
    colnums: dict[int, int] = {}
    for r in header_rows:
        texts = [c.text for c in r] + [""] * (ncols - len(r))
        if _is_column_number_row(texts):
            colnums.update(_column_numbers(texts))
            continue
        for j in range(ncols):
            s = _squash(texts[j])
            if s:
                parts[j].append(s)
    # sub-headers printed inside the first data rows (上海 07/08: “合计 | … | 合计 | 基本支出 | 项目支出”)
    names: list[str | None] = [_map_column(kind, parts[j]) for j in range(ncols)]
    first_amount = next((j for j, n in enumerate(names) if n), None)
    if first_amount is None:
        first_amount = next((j for j in range(ncols) if any(
            _is_decimal_amount(_text(r, j)) for r in rows[hend:])), ncols)
    inline_header_rows: set[int] = set()
    for i in range(hend, min(hend + 3, len(rows))):
        r = rows[i]
        found = False
        for j in range(first_amount, ncols):
            s = _squash(_text(r, j))
            if s and parse_number(s) is None and not is_empty_mark(s) and _map_column(kind, [s]):
                parts[j].append(s)
                found = True
        if found:
            inline_header_rows.add(i)
    names = [_map_column(kind, parts[j]) if j >= first_amount else None for j in range(ncols)]
    # 栏次-numbered value columns follow the national template
    value_cols = sorted(j for j, n in colnums.items() if j >= max(1, first_amount - 1))
    nums = [colnums[j] for j in value_cols]
    for variant in _TEMPLATE_COLUMNS.get(kind, []):
        if nums == list(range(1, len(variant) + 1)):
            for j, name in zip(value_cols, variant, strict=True):
                if names[j] and names[j] != name:
                    warnings.append(f"第{j + 1}列表头“{'/'.join(parts[j])}”与栏次{colnums[j]}（全国模板“{name}”）不一致，"
                                    f"按栏次读作“{name}”。")
                elif not names[j] and parts[j]:
                    warnings.append(f"第{j + 1}列表头“{'/'.join(parts[j])}”按栏次{colnums[j]}读作“{name}”。")
                names[j] = name
            first_amount = min(first_amount, value_cols[0])
            break
    amount_cols = [j for j in range(first_amount, ncols) if names[j]]
    seen: dict[str, int] = {}
    for j in amount_cols:
        n = names[j]
        if n in seen:
            warnings.append(f"第{seen[n] + 1}列和第{j + 1}列都读作“{n}”，只保留前者。")
            names[j] = None
        else:
            seen[n] = j
    amount_cols = [j for j in amount_cols if names[j]]
    columns = [names[j] for j in amount_cols]
    label_cols = list(range(0, first_amount))

    out: list[Row] = []
    bad_codes: list[str] = []
    pending_total_values: list[RawCell] | None = None
    for i in range(hend, len(rows)):
        r = rows[i]
        texts = [c.text for c in r]
        label_texts = [_text(r, j) for j in label_cols]
        code, label, code_parts = _code_and_label(label_texts)
        has_value = _row_has_value(r, amount_cols) and i not in inline_header_rows
        if not code and not label and not has_value:
            continue
        if _is_column_number_row(texts) and not any(_is_decimal_amount(t) for t in texts):
            continue
        if not code and not label and has_value and any(_squash(t) in ("栏次", "行次") for t in label_texts):
            # the 合计 values printed on the 栏次 row (赣州蓉江 公开05表)
            pending_total_values = r
            page, line = _row_pos(r)
            warnings.append(f"数值印在“栏次”行（{'第' + str(line) + '行' if line else '第' + str(page) + '页'}），"
                            "已归入其后的“合计”行。")
            continue
        if not code and _PLACEHOLDER.match(label or "…") and not has_value:
            if "模板占位行" not in " ".join(warnings):
                warnings.append("含模板占位行（“…”），未作为数据行。")
            continue
        source_row = r
        if pending_total_values is not None:
            if label in ("合计", "总计") and not has_value:
                source_row = pending_total_values
            pending_total_values = None
        page, line = _row_pos(r)
        if not label and not code:
            warnings.append(f"{'第' + str(line) + '行' if line else '第' + str(page) + '页'}的数据行没有项目名称和科目编码。")
        row = Row(label=label, code=code, level=code_level(code) if code else None, role=_role(label) if not code
                  else "item", page=page, line=line)
        if code and len(code_parts) > 1:
            row.attrs["printed_code"] = " ".join(code_parts)
        if code and len(code) not in (3, 5, 7):
            row.attrs["code_suspect"] = "位数异常"
            bad_codes.append(code)
        for j, name in zip(amount_cols, columns, strict=True):
            rc = _cell(source_row, j)
            if i in inline_header_rows and source_row is r:
                rc = RawCell(text="", page=rc.page, line=rc.line, bbox=rc.bbox) if rc else None
            row.cells[name] = _amount(rc, doc_id=doc_id, table_id=table_id, row=label or (code or ""), column=name,
                                      unit=unit)
        out.append(row)
    if bad_codes:
        warnings.append(f"{len(bad_codes)}个科目编码位数异常（功能分类科目为3/5/7位）：{'、'.join(bad_codes[:5])}"
                        f"{'等' if len(bad_codes) > 5 else ''}，其层级汇总不可靠。")
    return _new_table(raw, table_id=table_id, kind=kind, title=title, unit=unit, columns=columns, rows=out,
                      meta=meta, warnings=warnings)


# ---------------------------------------------------------------------------------------------------
# 01, 04: two-sided totals tables

_TWO_SIDED_HEADER = re.compile(
    r"^(收入|支出|项目.*|行次|栏次|金额|决算数|合计|小计|一般公共预算.*|政府性基金.*|国有资本.*|\d{1,2})$")

# national template row numbers (行次) of the 收入 side's summary rows, used only to restore a label the
# export lost (赣州蓉江 公开04表 continued after a page break)
_LEFT_ROW_LABELS = {
    "final_01": {27: "本年收入合计", 28: "使用非财政拨款结余", 29: "年初结转和结余", 31: "总计"},
    "final_04": {27: "本年收入合计", 28: "年初财政拨款结转和结余", 29: "一般公共预算财政拨款",
                 30: "政府性基金预算财政拨款", 31: "国有资本经营预算财政拨款", 32: "总计"},
}


def _right_column_name(kind: str, header: str) -> str:
    if kind == "final_04":
        if re.search(r"一般公共预算", header):
            return "一般公共预算财政拨款"
        if re.search(r"政府性基金", header):
            return "政府性基金预算财政拨款"
        if re.search(r"国有资本", header):
            return "国有资本经营预算财政拨款"
        if re.search(r"合计|小计", header):
            return "合计"
    return "决算数"


def parse_two_sided(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    rows = raw.rows
    unit = table_unit(raw) or "万元"
    meta = _meta_from_context(raw)
    warnings: list[str] = []
    hend = 0
    for i, r in enumerate(rows):
        vals = [_squash(c.text) for c in r if _squash(c.text)]
        if vals and all(_TWO_SIDED_HEADER.match(v) for v in vals):
            hend = i + 1
            continue
        if not vals and i == hend:
            hend = i + 1
            continue
        break
    header = rows[:hend]
    hlen = max((len(r) for r in header), default=raw.ncols)
    texts = [[_squash(_text(r, j)) for j in range(hlen)] for r in header]
    split = None
    for t in texts:
        for j in range(1, hlen):
            if t[j] == "支出":
                split = j
                break
        if split:
            break
    if split is None:  # second “项目” column
        for t in texts:
            idx = [j for j in range(hlen) if t[j].startswith("项目")]
            if len(idx) >= 2:
                split = idx[1]
                break
    if split is None:
        raise ValueError("未找到“收入/支出”两侧的分界列")
    col_head = ["/".join(t[j] for t in texts if t[j]) for j in range(hlen)]

    def side_layout(lo: int, hi: int) -> tuple[int, int | None, list[int]]:
        rowno = next((j for j in range(lo, hi) if re.search(r"行次", col_head[j])), None)
        amounts = [j for j in range(lo + 1, hi) if j != rowno]
        return lo, rowno, amounts

    l_label, l_no, l_amts = side_layout(0, split)
    r_label, r_no, r_amts = side_layout(split, hlen)
    def plain_names(cols: list[int]) -> list[str]:
        # one value column is the 决算数 whatever its header (金额/决算数); several are told apart by header
        if len(cols) == 1:
            return ["决算数"]
        out = []
        for j in cols:
            last = col_head[j].split("/")[-1] if col_head[j] else f"列{j + 1}"
            out.append("决算数" if re.search(r"决算|金额", last) and "决算数" not in out else last)
        return out

    l_names = plain_names(l_amts)
    r_names = plain_names(r_amts) if kind == "final_01" else [_right_column_name(kind, col_head[j]) for j in r_amts]
    columns: list[str] = []
    for n in l_names + r_names:
        if n not in columns:
            columns.append(n)

    out: list[Row] = []
    left_parent: str | None = None
    for i in range(hend, len(rows)):
        r = rows[i]
        if not any(_squash(c.text) for c in r):
            continue
        if len(r) == hlen:
            left = (_cell(r, l_label), _cell(r, l_no), [_cell(r, j) for j in l_amts])
            right = (_cell(r, r_label), _cell(r, r_no), [_cell(r, j) for j in r_amts])
        else:
            left, right = _anchor_split(r, len(l_amts), len(r_amts))
        for side, (lab_c, no_c, amt_cs), names in (("收入", left, l_names), ("支出", right, r_names)):
            label = canonical_label(lab_c.text if lab_c else "")
            rowno = clean(no_c.text) if no_c else ""
            has_value = any(c is not None and parse_number(c.text) is not None for c in amt_cs)
            attrs: dict[str, str] = {}
            if rowno and re.fullmatch(r"\d{1,3}", rowno):
                attrs["行次"] = rowno
            if not label and has_value and attrs.get("行次") and side == "收入":
                guess = _LEFT_ROW_LABELS.get(kind, {}).get(int(attrs["行次"]))
                if guess:
                    label = guess
                    attrs["label_from"] = "行次"
                    warnings.append(f"收入侧行次{attrs['行次']}缺少项目名称，按全国模板行次补为“{guess}”。")
            if not label:
                if has_value:
                    pos = _row_pos(r)
                    warnings.append(f"{side}侧一行有数值但没有项目名称（{'第' + str(pos[1]) + '行' if pos[1] else '第' + str(pos[0]) + '页'}）。")
                else:
                    continue
            printed = _squash(lab_c.text) if lab_c else ""
            if side == "收入":
                if label in ("年初财政拨款结转和结余", "年初结转和结余"):
                    left_parent = label
                elif label in ("本年收入合计", "总计"):
                    left_parent = None
                elif left_parent and kind == "final_04" and label.endswith("财政拨款"):
                    attrs["parent"] = left_parent
            if printed and printed != label:
                attrs["printed_label"] = printed
            page, line = _row_pos(r)
            row = Row(label=label, role=_role(label), side=side, page=page, line=line, attrs=attrs)
            for name, c in zip(names, amt_cs, strict=False):
                if name in row.cells:
                    continue
                row.cells[name] = _amount(c, doc_id=doc_id, table_id=table_id, row=label, column=name, unit=unit)
            out.append(row)
    return _new_table(raw, table_id=table_id, kind=kind, title=title, unit=unit, columns=columns, rows=out,
                      meta=meta, warnings=warnings)


def _anchor_split(r: list[RawCell], n_left: int, n_right: int):
    """Split a row whose cells do not line up with the header by its two 行次 numbers."""
    ints = [j for j, c in enumerate(r) if _INT.match(clean(c.text))]
    empty = RawCell(text="")
    if len(ints) < 2:
        raise ValueError("行次无法对齐")
    a, b = ints[0], ints[1]
    l_label = next((r[j] for j in range(0, a) if _squash(r[j].text)), None)
    # the 支出 label is the last text cell before the second 行次
    r_label_idx = next((j for j in range(b - 1, a, -1) if _squash(r[j].text) and parse_number(r[j].text) is None),
                       None)
    mid_end = r_label_idx if r_label_idx is not None else b
    l_vals = [r[j] for j in range(a + 1, mid_end) if _squash(r[j].text)]
    l_amts = (l_vals + [RawCell(text="", page=r[a].page, line=r[a].line)] * n_left)[:n_left]
    r_amts = [r[j] if j < len(r) else RawCell(text="", page=r[b].page, line=r[b].line)
              for j in range(b + 1, b + 1 + n_right)]
    left = (l_label or empty, r[a], l_amts)
    right = (r[r_label_idx] if r_label_idx is not None else empty, r[b], r_amts)
    return left, right


# ---------------------------------------------------------------------------------------------------
# 06: 基本支出 by economic class, in two or three side-by-side groups

_PERSONNEL_PREFIXES = ("301", "303")


def parse_basic(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    rows = raw.rows
    ncols = raw.ncols
    unit = table_unit(raw) or "万元"
    meta = _meta_from_context(raw)
    warnings: list[str] = []
    hend = _find_header_end(rows, label_cols_guess=ncols)
    head = ["/".join(_squash(_text(r, j)) for r in rows[:hend] if _squash(_text(r, j))) for j in range(ncols)]
    name_cols = [j for j in range(ncols) if "科目名称" in head[j]]
    if not name_cols:
        raise ValueError("未找到“科目名称”列")
    groups: list[tuple[list[int], int, int | None]] = []
    start = 0
    for k, n in enumerate(name_cols):
        nxt = name_cols[k + 1] if k + 1 < len(name_cols) else ncols + 1
        amt = next((j for j in range(n + 1, min(nxt, ncols)) if re.search(r"决算数|金额|合计", head[j])), None)
        if amt is None and n + 1 < ncols and n + 1 < nxt:
            amt = n + 1
        groups.append((list(range(start, n)), n, amt))
        start = (amt + 1) if amt is not None else n + 1

    out: list[Row] = []
    for i in range(hend, len(rows)):
        r = rows[i]
        pending_total: Row | None = None
        for code_cols, name_col, amt_col in groups:
            parts = [_squash(_text(r, j)) for j in code_cols]
            parts = [p for p in parts if p and p not in _HEADER_WORDS]
            code = "".join(p for p in parts if p.isdigit()) or None
            printed = _squash(_text(r, name_col)) or next((p for p in parts if not p.isdigit()), "")
            rc = _cell(r, amt_col)
            has_value = rc is not None and parse_number(rc.text) is not None
            if not printed and not code:
                if has_value and pending_total is not None and not pending_total.cells["决算数"].is_number:
                    # 赣州蓉江: “公用支出合计” printed in one group, its value in the next group's column
                    col = "决算数"
                    pending_total.cells[col] = _amount(rc, doc_id=doc_id, table_id=table_id,
                                                       row=pending_total.label, column=col, unit=unit)
                    warnings.append(f"“{pending_total.attrs.get('printed_label', pending_total.label)}”的数值印在"
                                    "右侧另一组的决算数列，已归入该合计行。")
                continue
            label = canonical_label(printed)
            attrs: dict[str, str] = {}
            if label.startswith("人员") and label.endswith("合计"):
                side, label = "人员经费", "人员经费合计"
            elif label.startswith("公用") and label.endswith("合计"):
                side, label = "公用经费", "公用经费合计"
            elif code:
                side = "人员经费" if code.startswith(_PERSONNEL_PREFIXES) else "公用经费"
            else:
                side = None
            if printed and printed != label:
                attrs["printed_label"] = printed
            page, line = _row_pos(r)
            row = Row(label=label, code=code, level=code_level(code) if code else None,
                      role="total" if label.endswith("合计") else "item", side=side, page=page, line=line,
                      attrs=attrs)
            row.cells["决算数"] = _amount(rc, doc_id=doc_id, table_id=table_id, row=label, column="决算数",
                                       unit=unit)
            out.append(row)
            if row.role == "total":
                pending_total = row
    return _new_table(raw, table_id=table_id, kind=kind, title=title, unit=unit, columns=["决算数"], rows=out,
                      meta=meta, warnings=warnings)


# ---------------------------------------------------------------------------------------------------
# 09: 三公 — vertical (items as rows) or horizontal (items as columns)

_SANGONG_ITEMS = [
    (r"三公.{0,3}经费(支出)?$|^合计$", "合计"),
    (r"因公出国", "因公出国（境）费"),
    (r"购置及运行", "公务用车购置及运行维护费"),
    (r"公务用车购置费", "公务用车购置费"),
    (r"公务用车运行", "公务用车运行维护费"),
    (r"^公务接待费$", "公务接待费"),
]
_SANGONG_STAT = re.compile(r"相关统计数|团组数|人次|购置数|保有量|批次|（个）|（人）|（辆）|\(个\)|\(人\)|\(辆\)")
_SANGONG_COLUMNS = ["年初预算数", "全年预算数", "决算数"]


def _sangong_item(label: str) -> str | None:
    for pat, name in _SANGONG_ITEMS:
        if re.search(pat, label):
            return name
    return None


def _sangong_column(header: str) -> str | None:
    h = _squash(header)
    if "年初" in h:
        return "年初预算数"
    if "全年" in h or "调整" in h:
        return "全年预算数"
    if "决算" in h:
        return "决算数"
    if "预算" in h:
        return "年初预算数"
    return None


def parse_sangong(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    rows = raw.rows
    flat = [[_squash(c.text) for c in r] for r in rows]
    # horizontal when a header row carries several 预算数/决算数 pairs
    for i, t in enumerate(flat):
        if sum(1 for v in t if v in ("预算数", "决算数", "年初预算数", "全年预算数")) >= 4:
            return _parse_sangong_horizontal(raw, i, doc_id=doc_id, table_id=table_id, kind=kind, title=title)
    return _parse_sangong_vertical(raw, doc_id=doc_id, table_id=table_id, kind=kind, title=title)


def _parse_sangong_vertical(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    rows = raw.rows
    unit = table_unit(raw) or "万元"
    meta = _meta_from_context(raw)
    warnings: list[str] = []
    cols: dict[int, str] = {}
    hend = 0
    for i, r in enumerate(rows[:4]):
        for j, c in enumerate(r):
            n = _sangong_column(c.text)
            if n and j not in cols and j > 0:
                cols[j] = n
        if _is_column_number_row([c.text for c in r]) or any(_sangong_column(c.text) for c in r):
            hend = i + 1
    out: list[Row] = []
    in_stats = False
    parent: str | None = None
    for r in rows[hend:]:
        printed = _squash(_text(r, 0))
        if not printed:
            continue
        label = canonical_label(printed)
        attrs: dict[str, str] = {}
        if "相关统计数" in label:
            in_stats = True
        item = None if in_stats else _sangong_item(label)
        if not item and _SANGONG_STAT.search(label):
            in_stats = True  # 统计数 rows (团组数（个）, 保有量（辆）…) even without a “相关统计数” heading
        role = "stat" if in_stats else "item"
        if item:
            label = item
            parent = "公务接待费" if item == "公务接待费" else None
            if item == "合计":
                role = "total"
        elif not in_stats and parent:
            attrs["parent"] = parent
        if printed != label:
            attrs["printed_label"] = printed
        page, line = _row_pos(r)
        row = Row(label=label, role=role, page=page, line=line, attrs=attrs)
        for j, name in sorted(cols.items()):
            row.cells[name] = _amount(_cell(r, j), doc_id=doc_id, table_id=table_id, row=label, column=name,
                                      unit=unit, kind_hint="number" if in_stats else "amount")
        out.append(row)
    columns = [n for n in _SANGONG_COLUMNS if n in cols.values()]
    return _new_table(raw, table_id=table_id, kind=kind, title=title, unit=unit, columns=columns, rows=out,
                      meta=meta, warnings=warnings)


def _parse_sangong_horizontal(raw: RawTable, hrow: int, *, doc_id: str, table_id: str, kind: str,
                              title: str) -> Table:
    rows = raw.rows
    unit = table_unit(raw) or "万元"
    meta = _meta_from_context(raw)
    warnings: list[str] = []
    ncols = len(rows[hrow])
    # item of each column: the deepest header text at or left of it within its parent's span
    levels = [[_squash(_text(r, j)) for j in range(ncols)] for r in rows[:hrow]]
    item_of: dict[int, str] = {}
    for j in range(ncols):
        parent_name, parent_col = None, -1
        for lv in levels:
            k = next((x for x in range(j, -1, -1) if lv[x]), None)
            if k is None:
                continue
            text = lv[k]
            if k < parent_col:
                continue
            if text == "小计" and parent_name:
                continue
            if _sangong_item(canonical_label(text)) or text in ("合计", "小计"):
                parent_name, parent_col = text, k
        if parent_name:
            item_of[j] = _sangong_item(canonical_label(parent_name)) or parent_name
    value_row = next((r for r in rows[hrow + 1:] if any(_squash(c.text) for c in r)), None)
    if value_row is None:
        value_row = rows[hrow + 1] if hrow + 1 < len(rows) else None
    if "预算数" in [_squash(_text(rows[hrow], j)) for j in range(ncols)]:
        meta["预算数口径"] = "年初预算数（表中印“预算数”）"
    by_item: dict[str, Row] = {}
    order = ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费", "公务接待费"]
    for j in range(ncols):
        item = item_of.get(j)
        col = _sangong_column(_text(rows[hrow], j))
        if not item or not col:
            continue
        rc = _cell(value_row, j) if value_row else None
        if rc is None:
            rc = RawCell(text="", page=rows[hrow][j].page, bbox=None)
        row = by_item.get(item)
        if row is None:
            page, _ = _row_pos(value_row or rows[hrow])
            row = Row(label=item, role="total" if item == "合计" else "item", page=page)
            by_item[item] = row
        if col in row.cells:
            continue
        row.cells[col] = _amount(rc, doc_id=doc_id, table_id=table_id, row=item, column=col, unit=unit)
    out = [by_item[k] for k in order if k in by_item] + [r for k, r in by_item.items() if k not in order]
    missing = [k for k in order if k not in by_item]
    if missing:
        warnings.append("三公经费表缺少：" + "、".join(missing) + "。")
    columns = [c for c in _SANGONG_COLUMNS if any(c in r.cells for r in out)]
    return _new_table(raw, table_id=table_id, kind=kind, title=title, unit=unit, columns=columns, rows=out,
                      meta=meta, warnings=warnings)


# ---------------------------------------------------------------------------------------------------
# 10: 国有资产占用情况 (counts)


def parse_assets(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    rows = raw.rows
    meta = _meta_from_context(raw)
    warnings: list[str] = []
    head = rows[0] if rows else []
    val_col = next((j for j, c in enumerate(head) if re.search(r"决算数|数量|金额", _squash(c.text))), None)
    if val_col is None:
        val_col = len(head) - 1
    out: list[Row] = []
    for r in rows[1:]:
        printed = _squash(_text(r, 0))
        if not printed or _is_column_number_row([c.text for c in r]):
            continue
        label = canonical_label(printed)
        page, line = _row_pos(r)
        attrs = {"printed_label": printed} if printed != label else {}
        row = Row(label=label, role=_role(re.sub(r"[（(].*$", "", label)), page=page, line=line, attrs=attrs)
        row.cells["决算数"] = _amount(_cell(r, val_col), doc_id=doc_id, table_id=table_id, row=label,
                                   column="决算数", unit=None, kind_hint="number")
        out.append(row)
    return _new_table(raw, table_id=table_id, kind=kind, title=title, unit=None, columns=["决算数"], rows=out,
                      meta=meta, warnings=warnings)


# ---------------------------------------------------------------------------------------------------
# registration


@register("final_01", "final_04")
def _parse_01_04(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    return parse_two_sided(raw, doc_id=doc_id, table_id=table_id, kind=kind, title=title)


@register("final_02", "final_03", "final_05", "final_07", "final_08")
def _parse_coded(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    return parse_coded(raw, doc_id=doc_id, table_id=table_id, kind=kind, title=title)


@register("final_06")
def _parse_06(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    return parse_basic(raw, doc_id=doc_id, table_id=table_id, kind=kind, title=title)


@register("final_09")
def _parse_09(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    return parse_sangong(raw, doc_id=doc_id, table_id=table_id, kind=kind, title=title)


@register("final_10")
def _parse_10(raw: RawTable, *, doc_id: str, table_id: str, kind: str, title: str) -> Table:
    return parse_assets(raw, doc_id=doc_id, table_id=table_id, kind=kind, title=title)


# ---------------------------------------------------------------------------------------------------
# tables a document announces but does not print

_TOC_ITEM = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*(.+?表)\s*\d*$")


def listed_final_kinds(paragraphs) -> dict[str, str]:
    """Given a document's paragraphs, return {kind: printed title} for the 决算 tables its 目录 lists."""
    from .classify import _TITLE_RULES

    out: dict[str, str] = {}
    for p in paragraphs:
        text = p.text if hasattr(p, "text") else str(p)
        m = _TOC_ITEM.match(_squash(text))
        if not m:
            continue
        t = m.group(1)
        for kind, pat in _TITLE_RULES:
            if kind.startswith("final_") and pat.search(t):
                out.setdefault(kind, t)
                break
    return out


def missing_final_kinds(doc) -> dict[str, str]:
    """Given an extracted Document, return {kind: title} of 决算 tables listed in its 目录 but not found."""
    found = {t.kind for t in doc.tables}
    return {k: t for k, t in listed_final_kinds(doc.paragraphs).items() if k not in found}
