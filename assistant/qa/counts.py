"""Count questions: “年末编制内实有几个人”, “公务接待了多少人次”, “评为优的有几个”, “得分低于90分的项目有几个”,
“区党群工作部有几个项目”.

Two sources, in this order:

1. **Rows of a typed list** (评价结果公开表 / 项目清单) meeting a condition the question states — a grade
   (评为优), a threshold on a numeric column (得分低于90分, 执行率不到80%), or a 主管部门 the question names.
   The count is recomputed from the rows, and the answer lists what it counted and where.
2. **A count stated in the prose** (“本部门年末编制内实有人员 25 人”, “列明公务接待 2 批次、26 人次”): the
   narrative figure of kind ``count`` whose unit is the one the question asks for (人/名, 人次, 批次, 个/项 …)
   and whose subject matches the question's words, cited by its sentence.

A money figure never answers a count question (“公务接待了多少人次” is not 公务接待费).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from .answer import Answer, Fig
from .entities import display_name, squash

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine, Scope

# the unit a count question asks for → the units a stated count may carry
_UNIT_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("人次", ("人次",)), ("批次", ("批次", "批")), ("人数", ("人", "名")), ("个人", ("人", "名")), ("位", ("人", "名")),
    ("名", ("人", "名")), ("人", ("人", "名")), ("批", ("批次", "批")), ("辆", ("辆",)), ("台", ("台", "套")),
    ("套", ("套", "台")), ("条", ("条",)), ("页", ("页",)), ("份", ("份",)), ("场", ("场",)), ("件", ("件",)), ("张", ("张",)), ("天", ("天",)), ("亩", ("亩",)), ("家", ("家", "户")), ("户", ("户", "家")), ("个数", ("个", "项")),
    ("个", ("个", "项")), ("项", ("项", "个")),
]
COUNT_Q_RE = re.compile(r"(?:几|多少)个?(个人|人次|批次|位|名|批|辆|台|套|件|家|户|条|页|份|场|张|天|亩|人)|(?:几|多少)(个(?!百分点|点)|项(?!目[的得预执]))|"
                        r"(人数|人次|批次|个数|数量)")
_COUNT_STRIP = re.compile(r"(一共|总共|共|合计)?(有|是|为|了)?(几|多少)\s*(个人|人次|批次|位|名|批|辆|台|套|件|家|户|条|页|份|场|张|天|亩|个|项|人)|"
                          r"(的)?(人数|个数|数量)(是|为|有)?(多少|几)?")
_TIME_WORDS = re.compile(r"^(年末|年底|年初|全年|本年|当年|截至年末|截止年末)")
_GRADES = {"优秀": "优", "优": "优", "良好": "良", "良": "良", "中等": "中", "中": "中", "合格": "合格",
           "不合格": "不合格", "差": "差"}
_GRADE_Q = re.compile(r"(被评为|评为|评成|评了|评的|评价为|等级为|等级是|结果为|评级为|定为|获评|是|为)?[“\"「]?(不合格|优秀|良好|中等|合格|优|良|中|差)"
                      r"[”\"」]?(等级|级|的|等)")
_THRESH_Q = re.compile(r"(得分|总分|分数|执行率|预算)?(低于|少于|不足|不到|小于|高于|超过|大于|多于|以上|以下|及以上|及以下|"
                       r"未达到|达到|等于|得了?|为|是|打了?|)\s*(\d+(?:\.\d+)?)\s*(分|%|万元|万)(以上|以下)?(?!项|个)")
_LIST_KINDS = ("results_list", "project_list")


def asked_units(q: str) -> tuple[str, ...] | None:
    """The units a count question asks for, or None when the question asks no count."""
    s = squash(q)
    # the unit asked (“…数量实际完成了多少页”) before a bare count word (数量) that stands earlier
    m = next((x for x in COUNT_Q_RE.finditer(s) if x.group(1)), None) or COUNT_Q_RE.search(s)
    if not m:
        return None
    after = s[m.end():]
    if m.group(3):  # “实有人数一共多少”: the count noun is the subject, “一共多少” asks for it
        after = re.sub(r"^(一共|总共|合计|共计)?(是|有|为)?多少", "", after)
    if re.search(r"平均|多少分|几分|得分多少|金额|预算|比例|占比|合计|加起来|一共多少(?!个)", after):
        return None  # “那几个项目，平均得分多少”: the count words name the rows, the question asks a figure
    word = next(g for g in m.groups() if g)
    units: tuple[str, ...] = ("个", "项")
    for w, us in _UNIT_WORDS:
        if word.startswith(w):
            units = us
            break
    if units == ("个", "项") and re.search(r"人员|职工|干部|工作人员|在编", s[:m.start()]):
        units = ("人", "名")  # “其他人员有几个”
    return units


def is_count_question(q: str) -> bool:
    return asked_units(q) is not None


def group_answer(eng: Engine, q: str, scope: Scope) -> Answer | None:
    """“区党群工作部那几个项目预算加起来一共多少”, “…项目平均得分”: an aggregate over the list rows of a
    主管部门 (or grade, or threshold) the question names."""
    if not re.search(r"加起来|合计|总共|一共|之和|总和|总额|共计|加总|平均", squash(q)):
        return None
    return _list_count(eng, q, scope, need_list_word=False)


def list_answer(eng: Engine, q: str, scope: Scope) -> Answer | None:
    """“得分低于80分的项目有哪些”, “评为良的项目有哪些”: the rows meeting the condition, counted and named."""
    s = squash(q)
    if not (_GRADE_Q.search(s) or _threshold(s)):
        return None
    return _list_count(eng, q, scope, need_list_word=False)


def count_answer(eng: Engine, q: str, scope: Scope) -> Answer | None:
    units = asked_units(q)
    if units is None:
        return None
    s = squash(q)
    by_condition = bool(_GRADE_Q.search(s) or _threshold(s))
    if not by_condition:
        # “对几个部门整体支出开展了评价”: a count the report states beats counting a department's rows
        ans = _stated_count(eng, q, scope, units)
        if ans is not None:
            return ans
    ans = _list_count(eng, q, scope)
    if ans is not None:
        return ans
    if by_condition:
        ans = _stated_count(eng, q, scope, units)
        if ans is not None:
            return ans
    ans = _structure_count(q, scope)
    if ans is not None:
        return ans
    return _indicator_count(eng, q, scope)


_UNDER_RE = re.compile(r"(下面|底下|下边|之下|以下|下属|下|里面|里|中)(一共|总共|共)?(列了?|有|包括|包含|分了?|设了?)?"
                       r"(几|多少)(个|项|款|类|条)?(明细|具体|下级)?(科目|项|款|类|个|条)")


def _structure_count(q: str, scope: Scope) -> Answer | None:
    """“基本支出表里资本性支出底下列了几个明细科目”, “303 对个人和家庭的补助下面有几款”: the rows a table lists under
    the row named (by 科目编码, one level down), counted and named. “决算表一共有几张”: the tables of the report."""
    s = squash(q)
    if len(scope.docs) != 1:
        return None
    doc = scope.docs[0]
    if re.search(r"(几|多少)张", s) and re.search(r"表", s):
        tabs = [t for t in doc.tables if t.kind.startswith("final_")]
        if not tabs:
            return None
        names = "、".join(f"{t.title or t.kind_name}（第{t.page}页）" if t.page else (t.title or t.kind_name) for t in tabs)
        fig = Fig(value=Decimal(len(tabs)), unit="张", label="决算表张数", doc=doc, computed=True,
                  formula=f"数出{len(tabs)}张", text=str(len(tabs)))
        return Answer(f"{display_name(doc)}列有{len(tabs)}张部门决算表：{names}。", True, [fig], route="compute",
                      formula=fig.formula)
    m = _UNDER_RE.search(s)
    if not m or re.search(r"最多|最少|最高|最低|最大|最小|哪个|哪一个|哪项", s):
        return None  # (“下面几个项级科目哪个最多” asks a ranking, not a count)
    head = s[:m.start()]
    from .entities import normalize

    order = ["final_06", "final_05", "final_03", "final_02", "final_04", "final_01"]
    tables = sorted(doc.tables, key=lambda t: order.index(t.kind) if t.kind in order else 99)
    if "基本支出" in head:
        tables = sorted(tables, key=lambda t: 0 if "基本支出" in (t.title or "") else 1)
    for t in tables:
        coded = [r for r in t.rows if getattr(r, "code", None)]
        if not coded:
            continue
        parent = max((r for r in coded if (len(normalize(r.label)) >= 3 and normalize(r.label) in head)
                      or re.search(rf"(?<!\d){re.escape(str(r.code))}(?!\d)", head)),
                     key=lambda r: len(r.label), default=None)
        if parent is None:
            continue
        pc = str(parent.code)
        kids = [r for r in coded if str(r.code).startswith(pc) and len(str(r.code)) > len(pc)]
        if not kids:
            continue
        ml = min(len(str(r.code)) for r in kids)
        kids = [r for r in kids if len(str(r.code)) == ml]
        seen: dict[str, object] = {}
        for r in kids:
            seen.setdefault(str(r.code), r)
        kids = list(seen.values())
        n = len(kids)
        names = "、".join(f"{r.code} {r.label}" for r in kids)
        fig = Fig(value=Decimal(n), unit="个", label=f"“{parent.label}”下的科目数", doc=doc, computed=True,
                  formula=f"编码以{pc}开头的下一级科目共{n}个", text=str(n))
        return Answer(f"{display_name(doc)}《{t.title or t.kind_name}》中，“{pc} {parent.label}”下列有{n}个明细科目："
                      f"{names}（第{t.page}页）。" if t.page else
                      f"{display_name(doc)}《{t.title or t.kind_name}》中，“{pc} {parent.label}”下列有{n}个明细科目：{names}。",
                      True, [fig], route="compute", formula=fig.formula)
    return None


def _indicator_count(eng: Engine, q: str, scope: Scope) -> Answer | None:
    """“档案专项经费全年整理归档了多少页”: the 实际完成值 of the named project's output indicator."""
    projects = [p for p in eng._resolve_projects(q, scope) if p.kind == "self_eval"]
    if len({p.name for p in projects}) != 1:
        return None
    p = projects[0]
    units = asked_units(q) or ()
    s = squash(q)
    from .entities import lcs_len

    cands = []
    for r in p.table.rows:
        if r.role != "indicator":
            continue
        target = (r.cells.get("年度指标值").text if r.cells.get("年度指标值") is not None else "") or ""
        n, _sub = lcs_len(s, squash(r.label))
        if n >= 2 and any(u in target for u in units):  # the indicator measured in the unit asked (页, 人次 …)
            cands.append((n, r))
    ind = max(cands, key=lambda x: x[0])[1] if cands else None
    if ind is None:
        return None
    if re.search(r"目标值|指标值|年度指标|计划|目标是|要求", s):
        # “大厅窗口数量目标值是多少”: the target, not what was achieved
        tc = ind.cells.get("年度指标值")
        if tc is not None and tc.text.strip():
            fig = Fig.from_cell(tc, f"{p.name}·{ind.label}年度指标值", p.doc, p.table)
            done = ind.cells.get("实际完成值")
            extra = f"（实际完成值{done.text}）" if done is not None and done.text else ""
            return Answer(f"{fig.label}为“{tc.text.strip()}”{extra}（{fig.where()}）。", True, [fig], route="figure")
    cell = ind.cells.get("实际完成值")
    if cell is None or not cell.is_number:
        return None
    fig = Fig.from_cell(cell, f"{p.name}·{ind.label}实际完成值", p.doc, p.table)
    target = ind.cells.get("年度指标值")
    extra = f"（年度指标值{target.text}）" if target is not None and target.text else ""
    return Answer(f"{fig.label}为{fig.shown()}{extra}（{fig.where()}）。", True, [fig], route="figure")


def count_not_found(eng: Engine, q: str, scope: Scope, units: tuple[str, ...]) -> Answer | None:
    """A question for a number of people / visits / vehicles that no sentence states: say so, never
    answer with a passage that holds some other number."""
    if units in (("个", "项"), ("项", "个")):
        return None
    who = display_name(scope.docs[0]) if scope.named and scope.docs else ""
    term = count_term(q, [a for v in eng._aliases_of(scope.docs).values() for a in v]) or "所问数量"
    return Answer(f"资料库中没有找到{who}“{term}”的数量：报告的文字说明和表格中没有写明。", False, route="not_found")


# ---------------------------------------------------------------------- rows of a list
def _threshold(s: str) -> re.Match | None:
    """A condition on a number: “得分低于80分”, “执行率不到50%”, “得90分”, “执行率100%”; “没拿满分” is
    “低于100分”, “满分的” is “为100分”."""
    s = re.sub(r"(没拿|没有拿|没得|未得|未拿|不是|没拿到|未达到|没有)满分", "低于100分", s)
    s = re.sub(r"(预算)?执行率?(满格|拉满|满了)|钱?全(部)?花完|花光", "执行率为100%", s)
    s = re.sub(r"(拿了?|得了?|是)?满分", "为100分", s)
    s = re.sub(r"\((含|包含|包括)\)(以上|以下)", r"\2", s)  # “95分（含）以上”: 以上 includes the number
    s = re.sub(r"没(有)?(达到|到|够|上|过)|未到|不够|没满", "不到", s)  # “得分没到100分”
    s = re.sub(r"(只|仅|都)?(拿了|拿到|拿|得到|评了|打了)(?=\d)", "得", s)  # “只拿了90分的”
    for m in _THRESH_Q.finditer(s):
        if m.group(2) or m.group(1) or m.group(5):  # (“95分以上”: the condition follows the number)
            return m
    return None


def _op(m: re.Match) -> str:
    return m.group(5) or m.group(2) or "等于"


def _grade_of(text: str) -> str:
    t = squash(text)
    return _GRADES.get(t, t)


def _list_count(eng: Engine, q: str, scope: Scope, need_list_word: bool = True) -> Answer | None:
    s = squash(q)
    if need_list_word and not re.search(r"项目|几个|多少个|几项|多少项", s):
        return None
    grade = None
    gm = _GRADE_Q.search(s)
    if gm and (gm.group(1) or gm.group(3) in ("等级", "级")):
        grade = _GRADES[gm.group(2)]
    th = _threshold(s)
    # the unit as the table writes it (区农办), or without its 区/县/市 prefix (“农办那6个项目”)
    unit = max((o for o in getattr(eng, "_orgs", ()) if len(o) >= 3 and (o in s or (o[0] in "区县市镇" and o[1:] in s))),
               key=len, default=None)
    if unit is not None and any(unit in squash(p.name) and squash(p.name) in s for p in eng._projects_in(scope)):
        unit = None  # “区党群工作部整体支出” names one project, not the department's list
    if grade is None and th is None and unit is None:
        return None
    ex = re.search(r"除(了|去|掉)?(.{2,16}?)(以外|之外|外)", s)
    excl = ex.group(2) if ex else ""  # “除了整体支出以外，另外几个专项”: rows left out
    excl = re.sub(r"^(那个|这个|那些|这些)|的$", "", excl)
    agg = None  # count the rows, or add up / average one of their columns
    if re.search(r"加起来|合计|总共|一共|之和|总和|总额|共计|加总", s) and re.search(r"预算|金额|资金|钱|执行数|支出", s):
        agg = "sum"
    elif re.search(r"平均", s):
        agg = "avg"

    lines: list[str] = []
    figs: list[Fig] = []
    for doc in scope.docs:
        for t in doc.tables:
            if t.kind not in _LIST_KINDS:
                continue
            rows = [r for r in t.rows if r.label and r.role not in ("total", "header", "subtotal")]
            if not rows:
                continue
            cond: list[str] = []
            if excl:
                kept = [r for r in rows if excl not in squash(r.label)]
                if 0 < len(kept) < len(rows):
                    rows = kept
                    cond.append(f"不含“{excl}”")
            if unit is not None:
                col = next((c for c in ("主管部门", "项目主管部门", "实施单位") if c in t.columns), None)
                if col is None:
                    continue
                rows = [r for r in rows if r.cells.get(col) is not None and squash(r.cells[col].text) == unit]
                cond.append(f"{col}为“{unit}”")
            if grade is not None:
                if "等级" not in t.columns:
                    continue
                rows = [r for r in rows if r.cells.get("等级") is not None and _grade_of(r.cells["等级"].text) == grade]
                cond.append(f"等级为“{grade}”")
            if th is not None:
                col = _thresh_column(th.group(1), th.group(4), t.columns)
                if col is None:
                    continue
                op, lim = _op(th), Decimal(th.group(3))
                keep = []
                for r in rows:
                    c = r.cells.get(col)
                    if c is not None and c.is_number and _compare(c.value, op, lim):
                        keep.append(r)
                rows = keep
                cond.append(_cond_text(col, op, th.group(3), th.group(4) if th.group(4) == "%" else ""))
            if agg is not None:
                vcol = _value_column(s, t.columns)
                if vcol is None:
                    continue
                cells = [(r, r.cells[vcol]) for r in rows if r.cells.get(vcol) is not None and r.cells[vcol].is_number]
                if not cells:
                    continue
                figs_rows = [Fig.from_cell(c, f"{r.label}{vcol}", doc, t) for r, c in cells]
                vals = [f.value for f in figs_rows]
                places = max(len(format(v, "f").split(".")[1]) if "." in format(v, "f") else 0 for v in vals)
                total = sum(vals, Decimal(0))
                if agg == "avg":
                    res = (total / len(vals)).quantize(Decimal("0.01"))
                    formula = f"({' + '.join(format(v, 'f') for v in vals)}) ÷ {len(vals)} = {res}"
                    what = "平均"
                else:
                    res = total.quantize(Decimal(1).scaleb(-places))
                    formula = f"{' + '.join(format(v, 'f') for v in vals)} = {res}"
                    what = "合计"
                unit_s = figs_rows[0].unit or ""
                label = f"{'、'.join(cond)}的{len(vals)}个项目{vcol}{what}"
                fig = Fig(value=res, unit=figs_rows[0].unit, label=label, doc=doc, source=None, text=format(res, "f"),
                          table=t, computed=True, formula=formula)
                figs.append(fig)
                figs.extend(figs_rows)
                lines.append(f"{display_name(doc)}{doc.year or ''}年{t.kind_name}中，{label}为{format(res, 'f')}"
                             f"{'分' if vcol == '得分' and not unit_s else unit_s}。")
                lines.append(f"计算：{formula}。")
                lines.append("出处：" + "；".join(f"“{r.label}”{c.text}（{f.where()}）" for (r, c), f
                                                in zip(cells, figs_rows, strict=True)) + "。")
                continue
            n = len(rows)
            src_rows = [r.cells[next(iter(r.cells))].source for r in rows if r.cells]
            where = ""
            if src_rows and src_rows[0] is not None:
                first, last = src_rows[0], src_rows[-1]
                if first.line:
                    where = f"第{first.line}–{last.line}行" if len(src_rows) > 1 else f"第{first.line}行"
                elif first.page:
                    where = f"第{first.page}–{last.page}页" if first.page != last.page else f"第{first.page}页"
            formula = f"计数：{t.title or t.kind_name}中{'、'.join(cond)}的行"
            fig = Fig(value=Decimal(n), unit="个", label=f"{'、'.join(cond)}的项目个数", doc=doc,
                      source=src_rows[0] if src_rows else None, text=str(n), table=t, computed=True,
                      formula=formula)
            figs.append(fig)
            tcol = _thresh_column(th.group(1), th.group(4), t.columns) if th is not None else None
            names = "、".join(f"“{r.label}”" + (f"（{tcol}{r.cells[tcol].text}）" if tcol and r.cells.get(tcol) else "")
                             for r in rows[:12]) + ("等" if n > 12 else "")
            lines.append(f"{display_name(doc)}{doc.year or ''}年{t.kind_name}中，{'、'.join(cond)}的项目共{n}个"
                         + (f"：{names}" if n else "") + "。")
            lines.append(f"计算：逐行计数（《{doc.name}》{t.kind_name}{where}，不含合计行）。")
    if not figs and th is not None and agg is None and grade is None:
        return _self_eval_count(eng, scope, th)
    if not figs:
        return None
    return Answer("\n".join(lines), True, figs, route="compute", formula=figs[0].formula)


def _self_eval_count(eng: Engine, scope: Scope, th: re.Match) -> Answer | None:
    """“自评表里执行率100%的项目有几个”: one 项目支出绩效自评表 per project — its 年度资金总额 row carries the
    执行率, its 合计 row the 得分."""
    from index.chunking import table_project

    col = "执行率" if ("执行率" in (th.group(1) or "") or th.group(4) == "%") else "得分"
    op, lim = _op(th), Decimal(th.group(3))
    lines, figs = [], []
    for doc in scope.docs:
        tables = [t for t in doc.tables if t.kind == "self_eval"]
        if not tables:
            continue
        hits, seen = [], 0
        for t in tables:
            name = table_project(t)
            if col == "执行率":
                row = next((r for r in t.rows if r.role == "funds" and "总额" in r.label),
                           next((r for r in t.rows if r.role == "funds"), None))
            else:
                row = next((r for r in t.rows if r.role == "total"), None)
            c = row.cells.get(col) if row is not None else None
            if c is None or not c.is_number:
                continue
            seen += 1
            if _compare(c.value, op, lim):
                hits.append((name, c, t))
        if not seen:
            continue
        n = len(hits)
        cond = _cond_text(col, op, th.group(3), "%" if col == "执行率" else "分")
        fig = Fig(value=Decimal(n), unit="个", label=f"{cond}的项目个数", doc=doc, source=None, text=str(n),
                  computed=True, formula=f"计数：{seen}张项目支出绩效自评表中{cond}的表")
        figs.append(fig)
        names = "、".join(f"“{nm}”（{c.text}{'%' if col == '执行率' else '分'}，{Fig.from_cell(c, nm, doc, t).where()}）"
                         for nm, c, t in hits[:12]) + ("等" if n > 12 else "")
        lines.append(f"{display_name(doc)}{doc.year or ''}年的{seen}张项目支出绩效自评表中，{cond}的项目共{n}个"
                     + (f"：{names}" if n else "") + "。")
        lines.append(f"计算：逐表计数（每张自评表的{'年度资金总额行' if col == '执行率' else '合计行'}）。")
    if not figs:
        return None
    return Answer("\n".join(lines), True, figs, route="compute", formula=figs[0].formula)


def _value_column(s: str, columns: list[str]) -> str | None:
    if re.search(r"得分|分数|评分|几分", s):
        return "得分" if "得分" in columns else None
    if re.search(r"执行数|实际支出|支出了|花了", s):
        return next((c for c in columns if "执行数" in c), None)
    return next((c for c in ("预算", "批复金额", "年初预算数") if c in columns), None)


def _thresh_column(word: str | None, unit: str | None, columns: list[str]) -> str | None:
    w = (word or "") + (unit or "")
    if "执行率" in w or unit == "%":
        return next((c for c in columns if "执行率" in c), None)
    if "预算" in w or unit in ("万元", "万"):
        return next((c for c in ("预算", "批复金额", "年初预算数") if c in columns), None)
    return "得分" if "得分" in columns else None


_EQ_OPS = ("等于", "得", "得了", "为", "是", "打", "打了")


def _cond_text(col: str, op: str, num: str, unit: str) -> str:
    """“得分低于90分”, “得分为90分”, “得分95分及以上”."""
    if op in ("以上", "及以上", "以下", "及以下"):
        return f"{col}{num}{unit}及{op[-2:]}"
    return f"{col}{'为' if op in _EQ_OPS else op}{num}{unit}"


def _compare(v: Decimal, op: str, lim: Decimal) -> bool:
    if op in ("低于", "少于", "不足", "不到", "小于", "未达到"):
        return v < lim
    if op in ("高于", "超过", "大于", "多于"):
        return v > lim
    if op in ("以上", "及以上", "达到"):
        return v >= lim
    if op in ("以下", "及以下"):
        return v <= lim
    if op in ("等于", "得", "得了", "为", "是", "打", "打了"):
        return v == lim
    return False


# ---------------------------------------------------------------------- a count stated in the prose
def count_term(q: str, aliases: list[str]) -> str:
    from .narrative_lookup import question_terms

    s = _COUNT_STRIP.sub("|", squash(q)).replace("公车", "公务用车")
    term, _rel = question_terms(s, aliases)
    return term


def _stated_count(eng: Engine, q: str, scope: Scope, units: tuple[str, ...]) -> Answer | None:
    from .narrative_lookup import best_figures, match_figures

    docs = scope.docs
    if len(docs) > 8:
        return None
    aliases = eng._aliases_of(docs)
    all_al = [a for v in aliases.values() for a in v]
    term = count_term(q, all_al)
    best = []
    for t in (term, _TIME_WORDS.sub("", term)):
        if len(t) < 2:
            continue
        best = best_figures(match_figures(q, docs, aliases, term=t, relation=None, count_units=units))
        if best:
            break
    if not best:
        return None
    lines, figs = [], []
    if not scope.named and len({m.doc.id for m in best}) > 1:
        lines.append("问题未指明报告，以下为资料库中各报告原文中的数：")
    for m in best[:3]:
        f = m.fig
        fig = Fig(value=f.value, unit=f.unit, label=f.subject, doc=m.doc, source=f.source, text=format(f.value, "f"))
        fig.sentence_text = f.sentence  # type: ignore[attr-defined]
        figs.append(fig)
        yr = f"{m.doc.year}年" if m.doc.year else ""
        lines.append(f"{display_name(m.doc)}{yr}{f.subject}为{fig.shown()}（见报告原文：{fig.where()}“{f.sentence[:120]}”）。")
    if len({m.doc.id for m in best}) < len(best):
        lines.append("注意：报告原文中有多处表述与问题相符且数值不同，请按上面的原句核对所问的是哪一个。")
    lines.append("（该数取自报告的文字说明。）")
    return Answer("\n".join(lines), True, figs, route="figure")
