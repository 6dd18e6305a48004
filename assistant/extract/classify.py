"""Recognise a raw table's family by its title and headers (never by its position)."""

from __future__ import annotations

import re

from ..readers.raw import RawTable

# (kind, title pattern) in priority order: the more specific titles first.
_TITLE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("final_04", re.compile(r"财政拨款收入支出决算总表")),
    ("final_01", re.compile(r"收入支出决算总表")),
    ("final_06", re.compile(r"一般公共预算财政拨款基本支出决算")),
    ("final_05", re.compile(r"一般公共预算财政拨款(项目)?支出决算")),
    ("final_07", re.compile(r"政府性基金预算财政拨款(收入)?支出决算")),
    ("final_08", re.compile(r"国有资本经营预算财政拨款(收入)?支出决算")),
    ("final_09", re.compile(r"三公.{0,3}经费支出决算|“\s*”\s*$")),
    ("final_10", re.compile(r"国有资产占用情况表")),
    ("final_02", re.compile(r"^收入决算表|[^入]收入决算表$")),
    ("final_03", re.compile(r"^支出决算表|[^出]支出决算表$")),
    ("self_eval", re.compile(r"项目支出绩效自评表|绩效自评表")),
    ("results_list", re.compile(r"绩效评价.{0,8}(结果|工作情况).{0,4}公开表|评价结果公开")),
    ("score_summary", re.compile(r"得分(一览|汇总|情况)表")),
    ("score_table", re.compile(r"评分表|指标体系|评价指标表|评分标准表")),
    ("asset", re.compile(r"资产.{0,6}(一览表|明细表|情况表)")),
]


def _joined(rows: list[list[str]], n: int) -> str:
    return " ".join(c for r in rows[:n] for c in r if c)


def _final_by_headers(cells: list[str]) -> str | None:
    """Recognise an untitled 部门决算 table by its printed header cells (short cells of the first rows)."""
    head = " ".join(cells)
    exact = set(cells)
    if re.search(r"因公出国", head) and re.search(r"公务接待|公务用车", head) or (
            {"年初预算数", "全年预算数", "决算数"} <= exact):
        return "final_09"
    if re.search(r"车辆数", head) or (re.search(r"单价", head) and re.search(r"设备", head)):
        return "final_10"
    if re.search(r"经济分类", head) and "科目名称" in head or {"人员经费", "公用经费"} <= exact:
        return "final_06"
    if "收入" in exact and "支出" in exact or "收入" in exact and re.search(r"按功能分类", head):
        if "一般公共预算财政拨款" in exact or "政府性基金预算财政拨款" in exact:
            return "final_04"
        return "final_01"
    if re.search(r"收入合计", head) and re.search(r"财政拨款收入", head):
        return "final_02"
    if re.search(r"上缴上级支出|对附属单位补助", head) and re.search(r"基本支出", head):
        return "final_03"
    if re.search(r"年初结转", head):
        return None  # 07 or 08: only the title tells which fund
    if re.search(r"基本支出", head) and re.search(r"项目支出", head) and re.search(r"科目|功能分类", head):
        return "final_05"
    return None


def classify_table(raw: RawTable) -> tuple[str, str]:
    """Given a raw table, return (kind, title). The title is the nearest title-like context line."""
    texts = raw.texts()
    head = re.sub(r"\s+", "", _joined(texts, 4))
    context = [re.sub(r"\s+", "", c) for c in raw.context]
    public_no = None
    for c in context:
        m = re.search(r"公开\s*0?(\d{1,2})\s*表", c)
        if m:
            public_no = int(m.group(1))
    title = ""
    for c in reversed(context):
        # “部门：XX 2023 年度 公开05表” names the department and the number, not the title
        if (re.search(r"表$|表[（(]|公开表|一览表|自评表", c) or re.match(r"^表\d+(-\d+)?[^\d.]", c)) and \
                not re.match(r"^公开\d+表$", c) and not c.startswith("部门"):
            title = c.lstrip("#")
            break
    for kind, pat in _TITLE_RULES:
        if title and pat.search(title):
            return kind, title
    # headers give the family away when there is no title
    if "项目名称" in head and ("全年执行数" in head or "全年预算数" in head):
        return "self_eval", title or "项目支出绩效自评表"
    if re.search(r"一级指标.*二级指标", head) and re.search(r"分值|权重|得分", head):
        return ("score_table" if re.search(r"评分标准|指标解释|评分细则", head) else "score_summary"), title
    if re.search(r"评价得分|得分", head) and re.search(r"评价等级|等级|自评结论", head):
        return "results_list", title
    if re.search(r"原值", head) and re.search(r"折旧|净值", head):
        return "asset", title
    short = [re.sub(r"\s+", "", c) for r in texts[:3] for c in r if 0 < len(re.sub(r"\s+", "", c)) <= 12]
    if any("编制" in c for c in short) and any(re.search(r"在职|实有|人数", c) for c in short):
        return "staffing", title
    if re.search(r"批复金额|执行数|执行率", head) and "项目名称" in head:
        return "project_list", title
    # header cells are short; long cells are body text that may mention any of these words
    final = _final_by_headers([re.sub(r"\s+", "", c) for r in texts[:4] for c in r
                               if 0 < len(re.sub(r"\s+", "", c)) <= 20])
    if final:
        return final, title
    if public_no is not None and 1 <= public_no <= 10:
        return f"final_{public_no:02d}", title
    return "generic", title
