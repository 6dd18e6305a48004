"""The answering engine: resolve entities, route the question, compose a deterministic Chinese answer
from table cells, recomputations and the check engine's findings — every figure with its source.

Routes: ``findings`` (有哪些不一致), ``check`` (复核…), ``compare`` (哪个项目得分最低), ``compute``
(相差/占比/合计/倍), ``figure`` (a cell), ``passage`` (extractive, hybrid retrieval), ``not_found``.
The engine never guesses: when the library has no cell, finding or passage for the question it says so.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..documents import Cell, Document, Row, Table
from .answer import Answer, Fig, fmt_num, places_of
from .counts import asked_units, count_answer, count_not_found, group_answer, list_answer
from .entities import (
    METRICS,
    DocProfile,
    Metric,
    ProjectRef,
    all_projects,
    core_department,
    display_name,
    doc_profile,
    document_orgs,
    explicit_years,
    filter_by_type,
    find_columns,
    find_metrics,
    lcs_len,
    match_documents,
    match_projects,
    mentions_project,
    normalize,
    relative_year,
    squash,
)

FINDINGS_RE = re.compile(r"(不一致|问题|错误|差错|异常|疑点|矛盾|有误|不符|对不上|勾稽)")
FINDINGS_ASK_RE = re.compile(r"(哪些|什么|有没有|有无|是否|列出|几处|多少处|几个|存在)")
CHECK_RE = re.compile(r"(复核|核对|核实|核算|验证|校验|对不对|是否正确|算得对|算对|重新计算|复算)")
COMPARE_RE = re.compile(r"(最高|最低|最多|最少|最大|最小|垫底|倒数第一|最差|最好|排第一|第一名|排名|排第|前[三五十]|后[三五]|哪个项目|哪些项目|哪一个|哪项)")
OP_SHARE = re.compile(r"(占比|占.{0,12}(比例|比重|百分之|多少%|的%|几成)|比重|比例)")
OP_RATIO = re.compile(r"(几倍|多少倍|倍数|是.{0,10}的.{0,3}倍)")
OP_SUM = re.compile(r"(加起来|加一块|加一起|加在一起|合在一起|加上|总共|之和|总和|一共|共计|合起来|加总|相加|两项合计|合计是多少|合计多少|合计$|合计为多少|总计$)")
OP_DIFF = re.compile(r"(相差|差额|差多少|差几|差了?多大|(增加|减少|增长|下降|变化|变动)了?多少|差了|多多少|少多少|高多少|低多少|多了|少了|差距|超出|节约|结余多少|还剩|没花完|没用完|"
                     r"没执行|未执行|尚未执行|没花|未花|剩余多少|剩下多少|比.{1,20}(多|少|高|低))")
ORG_RE = re.compile(r"([\u4e00-\u9fff]{2,10}?(局|委(?![员托])|办(?![公理法事])|(?<![全内外总])部(?![门分署])|中心|厅|管委会|开发区|"
                    r"高新区|新区))")

NOT_FOUND_PREFIX = "资料库中没有找到"
CHANGE_Q_RE = re.compile(r"(比|较|与|跟|和)(上年|去年|上一年度?|上年度)|同比|上年(多|少|增|减)")
GENERIC_TERMS = ("支出", "收入", "资金", "经费")  # operand words that name no subject of their own
NUMERIC_Q_RE = re.compile(r"多少|几(个|项|人|批|次|家|辆|位|名|场|成|分)|是几|百分之几|占比|比例|比重|金额|总额|数额|万元|几$")
WHICH_OF_TWO_RE = re.compile(r"(哪个|哪一个|哪项|哪一项|哪块|哪一块|哪边|谁)(的)?([\u4e00-\u9fff]{0,4}?)(更|比较)?(高|低|多|少|大|小)|"
                             r"(高|低|多|少|大|小)还是(高|低|多|少|大|小)")
# “还有多少没执行”, “预算还剩多少没花”: budget minus what was spent, the two columns implied
IMPLIED_REMAIN_RE = re.compile(r"(没用掉|没花出去|没花掉|未用掉|结余了?多少|余下|没执行|未执行|尚未执行|没有执行|还剩|剩下|剩余|没花|未花|没有花|没用完|未用完|没支出|未支出)")
RANK_ROWS_RE = re.compile(r"哪(一|个|些)?(类|项|种|款|笔|科目|资产|支出)|什么(支出|资产|科目)")
GROWTH_WHY_RE = re.compile(r"(翻了?一?番|翻了?[一两二几]?倍|增长了?一倍|增加了?一倍|成倍)")
WHY_RE = re.compile(r"(为什么|为何|原因|理由|措施|建议|哪些问题|什么问题|怎么|如何|做法|经验)")
BUDGET_WORD_RE = re.compile(r"(?<!一般公共)(?<!基金)(?<!资本经营)预算(?!执行率|完成率)")
GRADE_Q_RE = re.compile(r"(评级|评价等级|等级|评价结果|评定为|定级)")
GRADE_SENT_RE = re.compile(r"(绩效评级|评价等级|评价级别|评级|等级|评价结果)\s*(?:为|是|评定为|：|:)\s*[“\"「]?\s*(优秀|优|良好|良|中等|中|合格|不合格|差)\s*[”\"」]?")
SECTION_INLINE = {
    "problem": r"(存在的?(主要)?问题|主要问题|问题及原因)\s*[:：]",
    "measure": r"(改进措施|整改措施|有关建议|意见建议|改进建议|对策建议)[^。；]{0,8}[:：]",
}
# questions that ask for one part of an evaluation (its problems, its measures): (question words, heading words,
# headings to skip, extra query words)
SECTION_ASKS = {
    "problem": (r"问题|不足|短板|薄弱", r"问题|不足", r"整改|建议|措施|对策", "存在的问题 主要问题 问题及原因分析"),
    "measure": (r"措施|建议|改进|对策|整改|怎么改|如何改|下一步|打算怎么|准备怎么", r"措施|建议|改进|对策|整改", r"问题",
                "改进措施 意见建议 下一步 对策"),
}
OP_WORDS_RE = re.compile(r"(多还是少|少还是多|高还是低|低还是高|大还是小|小还是大|还是|一共|合计|加起来|之和|总和|共计|合起来|加总|相加|相差|差额|差多少|差了|多多少|少多少|高多少|低多少|"
                         r"减掉|减去|还剩多少|还剩|剩多少|两类|三类|几类|花得|用得|花的|没花出去|没花掉|没用掉|未用掉|保留[一两二三四0-9]位小数|保留整数|四舍五入|精确到[^，,。？?]{0,4}|比重|两块|三块|几块|这几项|三项|之间|差几个点|差几个百分点|差多少个百分点|差几分|差多少|差了?多少|差几|高几个百分点|低几个百分点|高了|低了|多了|少了|多|少|高|低|几个百分点|百分点|是多少|多少|几倍|"
                         r"的比例|比例|占比|百分之几|两项|两个|项目)")


@dataclass
class Scope:
    docs: list[Document]
    named: bool
    note: str = ""


class Engine:
    """Deterministic question answering over a :class:`index.library.Library`."""

    # reports a question is answered from at most when it names none (or names a large family); at least the ten
    # sample reports, so that a small library is never narrowed
    MAX_SCOPE_DOCS = 12

    def __init__(self, library, retriever=None) -> None:
        self.library = library
        if retriever is None:
            from index.retriever import HybridRetriever

            retriever = HybridRetriever(library)
        self.retriever = retriever
        self._lock = threading.Lock()
        self._gen = None
        # light records only: the documents are lazy handles whose tables are read on demand through the
        # library's bounded cache (index.library.DocumentHandle)
        self._docs: list[Document] = []
        self._profiles: list[DocProfile] = []
        self._projects: list[ProjectRef] = []
        self._orgs: set[str] = set()
        settings = getattr(library, "settings", None)
        # a question whose scope holds more reports than this is narrowed to its best candidates first
        self.max_scope_docs = max(1, int(getattr(settings, "qa_max_documents", 0) or self.MAX_SCOPE_DOCS))

    # ------------------------------------------------------------------ state
    def _refresh(self) -> None:
        gen = self.library.generation
        with self._lock:
            if gen != self._gen:
                docs: list[Document] = []
                projects: list[ProjectRef] = []
                orgs: set[str] = set()
                if hasattr(self.library, "entity_index"):
                    # the entity records stored at ingest: headers, projects, units; no tables in memory
                    for handle, rec in self.library.entity_index():
                        docs.append(handle)
                        projects.extend(ProjectRef(name, handle, None, row_label, table_index=ti, kind=kind,
                                                   unit=unit)
                                        for name, ti, row_label, kind, unit in rec.get("projects", ()))
                        orgs.update(rec.get("orgs", ()))
                else:  # a library object without records (tests' stand-ins): full documents
                    docs = self.library.all_documents()
                    projects = all_projects(docs)
                    for d in docs:
                        orgs.update(document_orgs(d))
                self._docs = docs
                self._profiles = [doc_profile(d) for d in docs]
                self._projects = projects
                self._orgs = {o for o in orgs if len(o) >= 2}
                self._gen = gen

    # ------------------------------------------------------------------ entry
    def ask(self, question: str, document: str | None = None) -> Answer:
        from .narrative_lookup import expand_abbrev

        q = expand_abbrev((question or "").strip())  # 社保就业 → 社会保障和就业, 运维 → 运行维护 …
        if not q:
            return Answer("请输入问题。", False, route="not_found")
        self._refresh()
        if not self._docs:
            return Answer("资料库为空：请先导入报告，再提问。", False, route="not_found")
        scope = self._scope(q, document)
        if isinstance(scope, Answer):
            return scope
        ans = self._route(q, scope)
        if scope.note and ans.found and scope.note not in ans.answer:
            ans.answer += f"\n{scope.note}"
        return ans

    def _route(self, q: str, scope: Scope) -> Answer:
        s = squash(q)
        try:
            if self._is_findings(s):
                return self._findings(q, scope)
            units = asked_units(q)
            if CHECK_RE.search(s) and units is None:  # “做了多少个项目的自评复核” asks a count, not a check
                return self._check(q, scope)
            if units is not None:
                ans = count_answer(self, q, scope)
                if ans is not None:
                    return ans
            else:
                ans = group_answer(self, q, scope)
                if ans is not None:
                    return ans
                if re.search(r"哪些|有什么|列出|列一下|都有谁|名单", s):
                    ans = list_answer(self, q, scope)  # “得分低于80分的项目有哪些”
                    if ans is not None:
                        return ans
            if re.search(r"为什么|为何|原因|咋回事|怎么回事|怎么解释|如何解释|怎么说明|怎么表述|如何表述|怎么说的|怎么写的|"
                         r"花在哪|用在哪|用到哪|用于什么|用途|干什么用|做什么用|花在了?什么|用在了?什么|"
                         r"怎么讲|要不要|需不需要|是否需要|还要不要|该不该|怎么处理|如何处理|怎么填|如何填报", s):
                # a why-question asks for the report's explanation, not a recomputation of the gap
                if GROWTH_WHY_RE.search(s):
                    g = self._growth_passage(q, scope)
                    if g is not None:
                        return g
                return self._passage(q, scope)
            if CHANGE_Q_RE.search(s) and not (COMPARE_RE.search(s) or WHICH_OF_TWO_RE.search(s) and "还是" not in s):
                narr = self._narrative_answer(q, scope)
                if narr is not None and any(getattr(f, "sentence_text", None) for f in narr.figures):
                    return narr
            if WHICH_OF_TWO_RE.search(s) and not re.search(r"最|前[三五十]|排名", s):
                ans = self._which_of_two(q, scope)
                if ans is not None:
                    return ans
            if COMPARE_RE.search(s) and not self._two_operands(q, scope):
                if re.search(r"完成.{0,6}(预算|比例|率)|完成率|增长率|增幅|降幅", s):
                    ans = self._rank_stated(q, scope)  # a rate the prose states, not a table column
                    if ans is not None:
                        return ans
                ans = self._rank_rows(q, scope)
                if ans is not None:
                    return ans
                ans = self._compare(q, scope)
                if ans is not None:
                    return ans
                ans = self._rank_stated(q, scope)
                if ans is not None:
                    return ans
            if self._is_compute(q):
                ans = self._compute(q, scope)
                if ans is not None:
                    return ans
            if re.search(r"情况说明|文字说明|说明里|说明中|正文里|正文中|文字里|报告里写|写的是|写了多少", s):
                # “情况说明里财政拨款收入支出总计写的是多少”: the figure the prose states, not the table's
                narr = self._narrative_answer(q, scope)
                if narr is not None:
                    return narr
            ans = self._figure(q, scope)
            if ans is not None and ans.found and units is not None and units != ("个", "项") \
                    and any(f.unit in ("元", "万元", "亿元") for f in ans.figures):
                ans = None  # “公务接待了多少人次” is a count, never the 公务接待费 amount
            if ans is not None and ans.found:
                return ans
            if units is not None:
                nf = count_not_found(self, q, scope, units)
                if nf is not None:
                    return nf
            if GROWTH_WHY_RE.search(s):
                g = self._growth_passage(q, scope)
                if g is not None:
                    return g
            if WHY_RE.search(s):
                return ans if ans is not None else self._passage(q, scope)
            if GRADE_Q_RE.search(s) and not re.search(r"几个|多少个|几项|多少项|数量|个数", s):
                g = self._grade_sentence(q, scope)
                if g is not None:
                    return g
            narr = self._narrative_answer(q, scope) or self._project_narrative(q, scope)
            if narr is not None:
                return narr
            if ans is not None and "longer_term" in ans.flags:
                return self._numeric_passage(q, scope)
            if ans is not None:
                return ans
        except (InvalidOperation, ZeroDivisionError) as exc:  # pragma: no cover - defensive
            return Answer(f"无法计算：{exc}", False, route="not_found")
        return self._numeric_passage(q, scope)

    def _numeric_passage(self, q: str, scope: Scope) -> Answer:
        """The last resort. A question that asks for a number (多少, 几个, 比例 …) and found no cell, stated figure
        or computation is answered “not found” — the nearest passage is shown as a lead, never as the answer."""
        p = self._passage(q, scope)
        s = squash(q)
        if not p.found or not NUMERIC_Q_RE.search(s) or WHY_RE.search(s):
            return p
        lead = p.answer.replace("根据报告原文", "可能相关的原文", 1)
        return Answer(f"{NOT_FOUND_PREFIX}所问的数值：报告的表格、文字说明中没有与问题对应的数。\n{lead}", False,
                      citations=p.citations, route="not_found", retrieved=p.retrieved, flags=["lead_only"])

    @staticmethod
    def _is_findings(s: str) -> bool:
        if COMPARE_RE.search(s) or not FINDINGS_RE.search(s):
            return False
        strong = re.search(r"不一致|错误|差错|异常|矛盾|有误|不符|对不上|勾稽|疑点", s)
        data = re.search(r"数据|数字|金额|表|复核|审核|核对|检查|勾稽", s)
        if re.search(r"主要问题|存在的问题|存在问题|问题及原因|原因分析", s) and not strong:
            return False
        return bool((strong or data) and (FINDINGS_ASK_RE.search(s) or CHECK_RE.search(s)))

    # ------------------------------------------------------------------ scope
    def _scope(self, q: str, document: str | None) -> Scope | Answer:
        profiles = self._profiles
        if document:
            doc_id = self.library.resolve_id(document)
            profiles = [p for p in profiles if p.doc.id == doc_id]
            if not profiles:
                return Answer(f"{NOT_FOUND_PREFIX}文档“{document}”。", False, route="not_found")
        named_docs, named = match_documents(q, profiles)
        in_scope = {pr.doc.id for pr in profiles}
        exact = [p for sc, p in match_projects(q, [x for x in self._projects if x.doc.id in in_scope]) if sc >= 100]
        has_proj_metric = any(m.scope == "project" for _, m, _ in find_metrics(q))
        if exact and named and has_proj_metric and not any(p.doc.id == d.doc.id for p in exact for d in named_docs):
            # a project named exactly in another report moves the scope only when that report is also named
            # by the question (another report of the same family); an explicitly named department wins
            ids = {p.doc.id for p in exact}
            q_wo = squash(q)
            for p in exact:
                q_wo = q_wo.replace(squash(p.name), "|")
            if not match_documents(q_wo, profiles)[1]:
                # the department words stand inside the project's own name: the project decides
                named_docs = [pr for pr in profiles if pr.doc.id in ids]
            else:
                moved = [pr for pr in profiles if pr.doc.id in ids and match_documents(q_wo, [pr])[1]]
                if moved:
                    named_docs = moved
        if not document:
            unknown = self._unknown_org(q, named_docs)
            if unknown:
                return Answer(f"{NOT_FOUND_PREFIX}“{unknown}”的报告：资料库中的报告来自"
                              f"{self._dept_list()}。", False, route="not_found")
        chosen = named_docs if named else profiles
        # years
        years = explicit_years(q)
        rel = relative_year(q)
        note = ""
        if years:
            sel = [p for p in chosen if p.doc.year in years]
            if not sel:
                have = "、".join(sorted({f"{p.doc.year}年" for p in chosen if p.doc.year}))
                who = self._who(chosen, named)
                return Answer(f"{NOT_FOUND_PREFIX}{who}{'、'.join(str(y) for y in years)}年的报告"
                              f"（资料库中{who}的报告年度为：{have or '未知'}）。", False, route="not_found")
            chosen = sel
        elif rel is not None:
            if rel == -1:
                sel = chosen  # 去年 = the report year (reports are read the year after)
                note = "（“去年”按报告年度理解）"
            elif rel == 0 and len({p.doc.year for p in chosen if p.doc.year}) == 1 \
                    and all(p.doc.year for p in chosen):
                # 今年 with reports of a single year only: take that year and say so
                yr = chosen[0].doc.year
                sel = chosen
                note = f"（资料库中{self._who(chosen, named) or '相关报告'}只有{yr}年度的报告，“今年”按{yr}年度理解）"
            else:
                who = self._who(chosen, named)
                target = "今年" if rel == 0 else "前年"
                years_have = "、".join(sorted({f"{p.doc.year}年" for p in chosen if p.doc.year}))
                return Answer(f"{NOT_FOUND_PREFIX}{who}{target}的数据：报告按年度编制，资料库中{who}的报告为"
                              f"{years_have or '年度未知'}报告。", False, route="not_found")
            chosen = sel
        if len(chosen) > 1:
            chosen = filter_by_type(q, chosen)
        if len(chosen) > self.max_scope_docs and not document:
            sq = squash(q)
            if not (self._is_findings(sq) or CHECK_RE.search(sq)):  # findings and checks read SQLite only
                total = len(chosen)
                chosen = self._narrow(q, chosen, named)
                note = (note + "\n" if note else "") + (
                    f"（资料库中有{total}份报告符合问题的范围，只查看了其中最相关的{len(chosen)}份；"
                    f"可在问题中写明报告名称或年度以缩小范围。）")
        return Scope(docs=[p.doc for p in chosen], named=named or bool(document), note=note)

    def _narrow(self, q: str, profiles: list[DocProfile], named: bool) -> list[DocProfile]:
        """At most ``max_scope_docs`` of ``profiles`` (kept in library order), so that a question over a large
        library never reads every report: the reports of the projects the question names (exact names first,
        then the best fuzzy matches), then — no report named — the reports of its best BM25 passages, then
        the first reports of the library. Only the light records and the lexical index are read."""
        limit = self.max_scope_docs
        ids = {p.doc.id for p in profiles}
        ranked: dict[str, None] = {}
        matches = match_projects(q, [p for p in self._projects if p.doc.id in ids])
        for sc, p in matches:
            if sc >= 100:
                ranked.setdefault(p.doc.id)
        fuzzy = 0
        for sc, p in matches:
            if sc < 100 and p.doc.id not in ranked and fuzzy < limit // 2:
                ranked[p.doc.id] = None
                fuzzy += 1
        if not named and len(ranked) < limit:
            try:
                hits = self.library.lexical().search(q, 10 * limit)
            except Exception:  # pragma: no cover - no lexical index: library order decides
                hits = []
            for cid, _score in hits:
                doc_id = cid.rsplit(":", 1)[0]
                if doc_id in ids:
                    ranked.setdefault(doc_id)
                if len(ranked) >= limit:
                    break
        for p in profiles:
            if len(ranked) >= limit:
                break
            ranked.setdefault(p.doc.id)
        keep = set(list(ranked)[:limit])
        return [p for p in profiles if p.doc.id in keep]

    def _who(self, profiles: list[DocProfile], named: bool) -> str:
        if named and profiles:
            return display_name(profiles[0].doc)
        return ""

    def _dept_list(self) -> str:
        names = []
        for p in self._profiles:
            n = display_name(p.doc)
            if n and n not in names:
                names.append(n)
        return "、".join(names[:12])

    def _unknown_org(self, q: str, named_docs: list[DocProfile]) -> str | None:
        s = squash(q)
        exact = False
        for _sc, p in match_projects(q, self._projects):
            if _sc >= 100:
                s = s.replace(squash(p.name), "|")
                exact = True
        if exact:
            return None  # “区疾控中心那个实验室建设及运行经费”: the project named exactly decides the report
        for m in ORG_RE.finditer(s):
            org = m.group(1)
            org = re.sub(r"^(请问|请|帮我|查一下|查询|看看|那个|这个|关于)", "", org)
            org = re.sub(r"^(年度?|底|末|初|截至|截止)+", "", org)  # “23年经开区财政局”: the year is not the name
            # “城管分局和机关事务中心”, “赣服通执行率比大厅”: the unit named after the conjunction
            org = re.split(r"和|与|及|跟|比|还是", org)[-1] if not any(org in a for p in self._profiles
                                                                 for a in p.aliases) else org
            if len(org) < 3:
                continue
            full = org
            org = core_department(org)
            if len(org) < 2:
                continue
            loc = full[: len(full) - len(org)].replace("中共", "")
            if len(loc) >= 2 and not any(loc in squash((p.doc.department or "") + (p.doc.title or "")) or
                                         any(loc in a for a in p.aliases) for p in self._profiles):
                return full
            covered = False
            for p in self._profiles:
                for a in p.aliases:
                    if org in a or a in org:
                        covered = True
                        break
                    n, _ = lcs_len(org, a)
                    if n >= max(3, len(org) - 1):
                        covered = True
                        break
                if covered:
                    break
            # a project, or a unit named in the tables (主管部门/实施单位), is not an unknown organisation
            if not covered and any(org in o or o in full for o in getattr(self, "_orgs", ())):
                covered = True
            if not covered and any(org in squash(pr.name) for pr in self._projects):
                covered = True
            if not covered:
                return org
        return None

    # ------------------------------------------------------------------ helpers: cells
    @staticmethod
    def _num(cell: Cell | None) -> bool:
        return cell is not None and cell.is_number

    def _doc_metric_figs(self, doc: Document, m: Metric, column: str | None) -> list[tuple[Fig, Table, Row]]:
        """Figures for a document-level metric, primary table first."""
        out: list[tuple[Fig, Table, Row]] = []
        wanted_rows = {normalize(r) for r in m.rows}
        for kind in m.kinds:
            for t in doc.tables_of(kind):
                for r in t.rows:
                    lab = normalize(r.label)
                    if lab not in wanted_rows and not (r.role == "total" and "合计" in wanted_rows and kind != "final_01"):
                        continue
                    if m.side and r.side and r.side != m.side:
                        continue
                    if kind == "final_01" and m.side and r.side is None:
                        continue
                    cols = [c for c in (column, m.default_column if kind != "final_01" else None, "决算数",
                                        "本年支出合计" if m.key == "本年支出合计" else None) if c]
                    if kind in ("final_03", "final_05") and m.key in ("基本支出", "项目支出"):
                        cols = [m.key]
                    if column and kind == "final_09":
                        cols = [column]
                    cell = next((r.cells[c] for c in cols if c in r.cells), None)
                    if cell is None:
                        continue
                    label = m.key if not column or column == m.default_column else f"{m.key}{column}"
                    if kind == "final_09" and (column or m.default_column):
                        label = f"{m.key}{column or m.default_column}"
                    out.append((Fig.from_cell(cell, label, doc, t), t, r))
                    break
        return out

    @staticmethod
    def _narrative_figs(doc: Document, m: Metric, column: str | None) -> list[Fig]:
        def core(x: str) -> str:
            x = squash(x).replace("财政拨款", "").replace("部门", "")
            return x[:-2] if x.endswith("支出") and len(x) > 4 and "经费" in x else x

        want = core(m.key)
        col = column or m.default_column
        out = []
        for f in doc.figures:
            if f.kind != "amount" or core(f.subject) != want:
                continue
            if col in ("年初预算数", "全年预算数"):
                if f.relation != "budget" or col[:4] not in squash(f.text):
                    continue
            elif f.relation != "value":
                continue
            fig = Fig(value=f.value, unit=f.unit or "万元", label=f"{m.key}{col if col != m.key else ''}", doc=doc,
                      source=f.source, text=format(f.value, "f"))
            fig.sentence_text = f.text  # type: ignore[attr-defined]
            out.append(fig)
        return out

    def _project_cells(self, p: ProjectRef, m: Metric, q: str) -> list[tuple[Fig, Row]]:
        t = p.table
        s = squash(q)
        if p.kind == "self_eval":
            ind = self._indicator_row(t, q, p.name)
            if m.key == "指标" and ind is None:
                return []
            if ind is not None and (m.key in ("得分", "预算", "指标") or re.search(r"指标值|目标值|完成值|实际完成|分值|权重", s)):
                col = "得分"
                if re.search(r"指标值|目标值|年度指标", s):
                    col = "年度指标值"
                elif re.search(r"完成值|实际完成|完成了多少|实际值", s):
                    col = "实际完成值"
                elif re.search(r"分值|权重|满分", s):
                    col = "分值"
                cell = ind.cells.get(col)
                if cell is not None:
                    lab = f"{p.name}·{ind.label}{col}"
                    if cell.kind == "text":
                        return [(Fig(value=Decimal(0), unit=None, label=lab, doc=p.doc, source=cell.source,
                                     text=cell.text, table=t), ind)]
                    return [(Fig.from_cell(cell, lab, p.doc, t), ind)] if cell.is_number else []
            funds = next((r for r in t.rows if r.role == "funds" and "总额" in r.label),
                         next((r for r in t.rows if r.role == "funds"), None))
            total = next((r for r in t.rows if r.role == "total"), None)
            key = m.key
            if key == "得分":
                row, col = total, "得分"
            elif key == "执行率得分":
                row, col = funds, "得分"
            elif key == "预算":
                row, col = funds, "全年预算数"
            elif key == "等级":
                return []
            else:
                row, col = funds, key
            if re.search(r"分值|满分", s) and key == "得分":
                col = "分值"
            if row is None or col not in row.cells:
                return []
            cell = row.cells[col]
            return [(Fig.from_cell(cell, f"{p.name}{'执行率得分' if key == '执行率得分' else col}", p.doc, t), row)] \
                if cell.is_number else []
        # results_list / project_list: every row with that name
        colmap = {
            "results_list": {"得分": "得分", "等级": "等级", "预算": "预算", "年初预算数": "预算"},
            "project_list": {"执行率": "跟踪期执行率", "全年执行数": "跟踪期执行数", "预算": "批复金额",
                             "年初预算数": "年初预算数", "全年预算数": "批复金额"},
        }.get(p.kind, {})
        col = colmap.get(m.key)
        if not col:
            return []
        out = []
        for r in t.rows:
            if r.label != p.row_label:
                continue
            cell = r.cells.get(col)
            if cell is None:
                continue
            lab = f"{p.name}{'评价等级' if col == '等级' else col}"
            if col == "等级":
                out.append((Fig(value=Decimal(0), unit=None, label=lab, doc=p.doc, source=cell.source,
                                text=cell.text, table=t), r))
            elif cell.is_number:
                out.append((Fig.from_cell(cell, lab, p.doc, t), r))
        return out

    @staticmethod
    def _indicator_row(t: Table, q: str, project: str = "") -> Row | None:
        s = squash(q)
        pn = squash(project)
        n_p, sub_p = lcs_len(s, pn)
        if n_p >= 2:  # the project's own name is not an indicator mention
            s = s.replace(sub_p, "|")
        s = re.sub(r"得分|分值|多少|指标值|完成值|实际|项目|经费", "|", s)
        best, best_n = None, 0
        for r in t.rows:
            if r.role != "indicator":
                continue
            lab = squash(r.label)
            attrs = [squash(v) for k, v in (r.attrs or {}).items() if k in ("二级指标", "一级指标") and v]
            if len(lab) >= 2 and lab in s:
                n = len(lab) + 10
            elif any(a in s for a in attrs if len(a) >= 3):
                n = 5
            else:
                n, _ = lcs_len(s, lab)
                if n < 3:
                    continue
            if n > best_n:
                best, best_n = r, n
        return best

    def _projects_in(self, scope: Scope) -> list[ProjectRef]:
        ids = {d.id for d in scope.docs}
        return [p for p in self._projects if p.doc.id in ids]

    def _strip_docs(self, q: str, metrics: bool = False) -> str:
        s = squash(q)
        if metrics:
            for _, m, a in find_metrics(q):
                if m.scope == "document":
                    s = s.replace(squash(a), "|")
        for p in self._profiles:
            for a in p.aliases:
                if len(a) >= 2 and a in s:
                    s = s.replace(a, "|")
        return s

    def _resolve_projects(self, q: str, scope: Scope, metric: Metric | None = None) -> list[ProjectRef]:
        projects = self._projects_in(scope)
        exact = [(sc, p) for sc, p in match_projects(q, projects) if sc >= 100]
        cands = exact or match_projects(self._strip_docs(q, metrics=True), projects)
        if not cands:
            return []
        top = cands[0][0]
        best = [p for sc, p in cands if sc >= top - 1e-9]
        if metric is not None:
            pref = [p for p in best if p.kind in metric.kinds]
            best = pref or best
        # the same name in a self-evaluation table and a list: prefer by metric kinds order
        if metric is not None and len(best) > 1:
            order = {k: i for i, k in enumerate(metric.kinds)}
            best.sort(key=lambda p: order.get(p.kind, 99))
            first_kind = best[0].kind
            best = [p for p in best if p.kind == first_kind]
        return best

    # ------------------------------------------------------------------ routes
    def _longer_term(self, q: str, scope: Scope, mets) -> Answer | None:
        """A metric alias inside a longer term the report itself uses (“财政拨款收入” inside
        “财政拨款收入支出总计”): the longer term wins."""
        if not mets or len(scope.docs) > 3:
            return None
        from .narrative_lookup import clean_subject

        s = self._strip_docs(q)
        spans = [squash(a) for _, m, a in mets if m.scope == "document"]
        if not spans:
            return None
        own = {re.sub(r"\([^()]*\)", "", squash(x)) for _, m, _ in mets for x in (m.key,) + m.aliases + m.rows}
        longest_alias = max(len(a) for a in spans)
        best = ""
        for d in scope.docs:
            al = self._aliases_of([d]).get(d.id, [])
            for f in d.figures:
                subj = clean_subject(f.subject, al)
                if subj in own or re.sub(r"(支出|费用)$", "", subj) in own:
                    continue  # the metric's own name, printed with its brackets: the table answers
                if len(subj) > max(longest_alias, len(best)) and subj in s and any(a in subj for a in spans):
                    best = subj
            for t in d.tables:
                for r in t.rows:
                    lab = normalize(r.label)
                    if re.sub(r"\([^()]*\)", "", lab) in own:
                        continue
                    if len(lab) > max(longest_alias, len(best)) and lab in s and any(a in lab for a in spans):
                        best = lab
        if not best:
            return None
        ans = self._row_lookup(q, scope)
        if ans is not None and any(best in squash(f.label) for f in ans.figures):
            return ans
        narr = self._narrative_answer(q, scope, term=best)
        if narr is not None:
            return narr
        # never fall back to the shorter metric inside the term the question uses
        return Answer(f"{NOT_FOUND_PREFIX}“{best}”的相应数值。", False, route="not_found", flags=["longer_term"])

    def _figure(self, q: str, scope: Scope) -> Answer | None:
        mets = find_metrics(q)
        cols = find_columns(q)
        longer = self._longer_term(q, scope, mets)
        if longer is not None:
            return longer
        sq = squash(q)
        doc_mets = [m for _, m, a in mets if m.scope == "document"]
        named_table = [m for _, m, a in mets if m.scope == "document" and re.search(re.escape(squash(a)) + r"[^，,。]{0,4}表", sq)]
        if named_table and len(doc_mets) > len(named_table):
            # “三公经费表上公务接待费的预算数”: 三公经费 names the table, 公务接待费 the figure
            doc_mets = [m for m in doc_mets if m not in named_table]
        inside = [a for _, m, a in mets if m.scope == "document" and re.search(re.escape(squash(a)) + r"(里面|里|中|当中|之中|下)", sq)]
        if inside and len(scope.docs) <= 3:
            # “基本支出里商品和服务支出决算多少”: a row inside the metric's table
            q_rest = sq
            for a in inside:
                q_rest = q_rest.replace(squash(a), "|")
            row = self._row_lookup(q_rest, scope) or self._narrative_answer(q_rest, scope)
            if row is not None and row.found:
                return row
        proj_mets = [m for _, m, _ in mets if m.scope == "project"]
        projects = self._resolve_projects(q, scope, proj_mets[0] if proj_mets else None)
        if projects and proj_mets:
            return self._project_figure(q, projects, proj_mets[0], scope)
        if doc_mets:
            m = doc_mets[0]
            qual = self._unlisted_qualifier(q, mets)
            if qual:
                # “国有土地使用权出让收入多少”: a kind of income the question names that no table row or
                # sentence states — never answered with the total (本年收入合计)
                ans = self._row_lookup(q, scope) or self._narrative_answer(q, scope)
                if ans is not None and ans.found:
                    return ans
                return Answer(f"{NOT_FOUND_PREFIX}“{qual}”的数值：{self._who([doc_profile(d) for d in scope.docs], scope.named)}"
                              f"报告的表格和文字说明中没有这一项。", False, route="not_found")
            column = None
            if cols:
                column = cols[0][1]
                if column == "全年执行数":
                    column = "决算数"
            elif BUDGET_WORD_RE.search(squash(q)):
                # “三公经费预算”: the table's budget column, never its 决算数
                bcols = {c for d in scope.docs for k in m.kinds for t in d.tables_of(k) for c in t.columns
                         if c in ("全年预算数", "年初预算数", "预算数")}
                column = next((c for c in ("全年预算数", "年初预算数", "预算数") if c in bcols), None)
                if column is None:
                    narr = self._narrative_answer(q, scope)
                    if narr is not None:
                        return narr
                    return Answer(f"{NOT_FOUND_PREFIX}{m.key}的预算数：{self._who([doc_profile(d) for d in scope.docs], scope.named)}"
                                  f"报告的相关表格只列决算数，文字说明中也没有写明预算数。", False, route="not_found")
            return self._document_figure(q, scope, m, column)
        if not mets:
            ans = self._row_lookup(q, scope)
            if ans is not None:
                return ans
        name = mentions_project(q)
        if name and proj_mets and not self._score_indicator(q, scope):
            narr = self._narrative_answer(q, scope)
            if narr is not None:
                return narr
            return Answer(f"{NOT_FOUND_PREFIX}名为“{name}”的项目。", False, route="not_found")
        # a whole-report score (绩效评价报告的总得分) or one indicator of its scoring table
        if proj_mets and proj_mets[0].key == "得分":
            ans = self._score_indicator(q, scope)
            if ans is not None:
                return ans
            return self._report_score(q, scope)
        name = mentions_project(q)
        if name and proj_mets:
            return Answer(f"{NOT_FOUND_PREFIX}名为“{name}”的项目。", False, route="not_found")
        return None

    GENERIC_ALIASES = ("收入是多少", "收入多少", "全年收入", "全年支出", "总收入", "总支出")

    def _unlisted_qualifier(self, q: str, mets) -> str | None:
        """The qualifier in front of a generic alias (“国有土地使用权出让” + “收入多少”), when it names a
        specific kind of income/expenditure rather than the whole (本年, 全年, 部门 …)."""
        doc = [(pos, m, a) for pos, m, a in mets if m.scope == "document"]
        if not doc or doc[0][2] not in self.GENERIC_ALIASES:
            return None
        s = self._strip_docs(q)
        a = squash(doc[0][2])
        i = s.find(a)
        if i <= 0:
            return None
        head = s[:i].split("|")[-1]
        head = re.sub(r"(20\d{2}|\d{2})年度?|去年|今年|本年度?|全年|当年|上年|年度|部门|单位|的|总|一共|合计|共|"
                      r"请问|帮我|查一下|看看|那个|这个", "", head)
        if len(head) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", head):
            return head + a[:2]
        return None

    ROW_TABLE_ORDER = ("final_03", "final_01", "final_05", "final_04", "final_02", "final_06", "final_07",
                       "final_08", "final_10")
    ROW_DEFAULT_COLS = ("本年支出合计", "决算数", "合计", "本年收入合计")

    def _row_lookup(self, q: str, scope: Scope) -> Answer | None:
        """A 决算 row named in the question (一般公共服务支出, 住房公积金 …): the primary table's cell, and
        every other table that prints the same row with a different amount."""
        s = self._strip_docs(q)
        if len(scope.docs) > 3:
            return None
        cols = [c for _, c in find_columns(q)]
        lines: list[str] = []
        figs: list[Fig] = []
        for doc in scope.docs:
            found: list[tuple[Fig, Table]] = []
            best_len = 0
            for kind in self.ROW_TABLE_ORDER:
                for t in doc.tables_of(kind):
                    for r in t.rows:
                        lab = normalize(r.label)
                        if len(lab) < 4 or lab not in s or len(lab) < best_len:
                            continue
                        cell = next((r.cells[c] for c in list(cols) + list(self.ROW_DEFAULT_COLS)
                                     if c in r.cells and r.cells[c].is_number), None)
                        if cell is None:
                            continue
                        if len(lab) > best_len:
                            found, best_len = [], len(lab)
                        if all(t.kind != x[1].kind for x in found):
                            found.append((Fig.from_cell(cell, f"{r.label}{cell.source.column or ''}", doc, t), t))
            if not found:
                continue
            prim, pt = found[0]
            figs.append(prim)
            lines.append(f"{display_name(doc)}{doc.year or ''}年{pt.kind_name}中{prim.label}为{prim.shown()}"
                         f"（{prim.where()}）。")
            for f, t in found[1:]:
                if f.wan != prim.wan:
                    figs.append(f)
                    lines.append(f"注意：{t.kind_name}中同一科目列示{f.shown()}（{f.where()}），与{pt.kind_name}不一致，"
                                 f"相差{fmt_num(abs(prim.wan - f.wan))}{prim.unit or ''}。")
        if not figs:
            return self._any_table_row(q, scope)
        return Answer("\n".join(lines), True, figs, route="figure")

    def _any_table_row(self, q: str, scope: Scope) -> Answer | None:
        """A row of any other typed table (固定资产一览表 …) named in the question, with the column the
        question names (原值/净值/累计折旧 …) — or the only numeric column."""
        if len(scope.docs) > 3:
            return None
        s = self._strip_docs(q)
        figs: list[Fig] = []
        for doc in scope.docs:
            best = None
            for t in doc.tables:
                if t.kind in self.RANK_SKIP_KINDS or t.kind in self.ROW_TABLE_ORDER:
                    continue
                num_cols = [c for c in t.columns if any(r.cells.get(c) is not None and r.cells[c].is_number
                                                        and r.cells[c].kind in ("amount", "percent")
                                                        for r in t.rows)]
                named = [c for c in num_cols if len(squash(c)) >= 2 and squash(c) in s]
                col = max(named, key=len) if named else (num_cols[0] if len(num_cols) == 1 else None)
                if col is None:
                    continue
                for r in t.rows:
                    lab = normalize(r.label)
                    if len(lab) < 2 or lab not in s:
                        continue
                    c = r.cells.get(col)
                    if c is None or not c.is_number:
                        continue
                    if best is None or len(lab) > best[0]:
                        best = (len(lab), Fig.from_cell(c, f"{r.label}{col}", doc, t), t)
            if best is not None:
                figs.append(best[1])
        if not figs:
            return None
        lines = [f"{display_name(f.doc)}{f.doc.year or ''}年{f.table.title or f.table.kind_name}中{f.label}为{f.shown()}"
                 f"（{f.where()}）。" for f in figs]
        return Answer("\n".join(lines), True, figs, route="figure")

    def _document_figure(self, q: str, scope: Scope, m: Metric, column: str | None) -> Answer:
        lines: list[str] = []
        figs: list[Fig] = []
        extra_notes: list[str] = []
        empty_where: list[str] = []
        for doc in scope.docs:
            hits = self._doc_metric_figs(doc, m, column)
            if not hits:
                continue
            numeric = [(f, t, r) for f, t, r in hits if f.value is not None and (f.source is not None)]
            numeric = [(f, t, r) for f, t, r in numeric if r.cells and f.text and f.value is not None
                       and _is_num_text(f.text)]
            narr = self._narrative_figs(doc, m, column)
            if not numeric:
                if narr:
                    f = narr[0]
                    figs.append(f)
                    who = display_name(doc)
                    yr = f"{doc.year}年" if doc.year else ""
                    t = hits[0][1]
                    lines.append(f"{who}{yr}{f.label}为{f.shown()}（见情况说明：{f.where()}“{getattr(f, 'sentence_text', f.text)}”；"
                                 f"{t.kind_name}中该栏为空）。")
                    continue
                t = hits[0][1]
                empty_where.append(f"《{doc.name}》{t.kind_name}“{m.key}”{column or m.default_column}栏为空")
                continue
            prim, pt, _ = numeric[0]
            for f in narr[:1]:
                if f.wan != prim.wan:
                    figs.append(f)
                    extra_notes.append(f"注意：情况说明中写作{f.shown()}（{f.where()}：“{f.sentence_text}”），"
                                       f"与{pt.kind_name}的{prim.shown()}不一致，相差"
                                       f"{fmt_num(abs(prim.wan - f.wan))}{prim.unit or ''}。")
            figs.append(prim)
            who = display_name(doc)
            yr = f"{doc.year}年" if doc.year else ""
            lines.append(f"{who}{yr}{prim.label}为{prim.shown()}（{prim.where()}）。")
            for f, t, _r in numeric[1:]:
                if t.kind == pt.kind:
                    continue
                if f.wan != prim.wan:
                    figs.append(f)
                    extra_notes.append(f"注意：同一报告中{t.kind_name}列示{f.label}为{f.shown()}（{f.where()}），"
                                       f"与{pt.kind_name}的{prim.shown()}不一致，相差"
                                       f"{fmt_num(abs(prim.wan - f.wan))}{prim.unit or ''}。")
        if not figs:
            if empty_where:
                return Answer(f"{NOT_FOUND_PREFIX}{m.key}的数值：" + "；".join(empty_where) + "。", False,
                              route="not_found")
            who = self._who([doc_profile(d) for d in scope.docs], scope.named)
            return Answer(f"{NOT_FOUND_PREFIX}{who}{m.key}{column or ''}的数据。", False, route="not_found")
        if len(scope.docs) > 1 and not scope.named and len(figs) > 1:
            lines.insert(0, "问题未指明报告，以下为资料库中各报告的数据：")
        text = "\n".join(lines + extra_notes) + (scope.note and f"\n{scope.note}" or "")
        return Answer(text, True, figs, route="figure")

    def _project_figure(self, q: str, projects: list[ProjectRef], m: Metric, scope: Scope) -> Answer:
        figs: list[Fig] = []
        lines: list[str] = []
        for p in projects:
            metric = m
            hits = self._project_cells(p, metric, q)
            if not hits and m.key == "预算" and p.kind == "self_eval":
                continue
            for f, _row in hits:
                figs.append(f)
                lines.append(f"{f.label}为{f.shown()}（{f.where()}）。")
        if not figs:
            names = "、".join(dict.fromkeys(p.name for p in projects))
            return Answer(f"{NOT_FOUND_PREFIX}“{names}”的{m.key}。", False, route="not_found")
        if len(figs) > 1 and len({f.wan for f in figs if f.text and _is_num_text(f.text)}) > 1 \
                and len({f.label for f in figs}) == 1:
            lines.append("注意：同名项目在报告中出现多次，数值不同，请核对各处出处。")
        return Answer("\n".join(lines), True, figs, route="figure")

    def _score_indicator(self, q: str, scope: Scope) -> Answer | None:
        s = squash(q)
        want = "分值" if re.search(r"分值|权重|满分", s) else "得分"
        best: tuple[int, Fig] | None = None
        for doc in scope.docs:
            for kind in ("score_summary", "score_table"):
                for t in doc.tables_of(kind):
                    for r in t.rows:
                        if r.role not in ("indicator", "subtotal") or want not in r.cells:
                            continue
                        lab = squash(r.label)
                        n = len(lab) + 10 if lab and lab in s else 0
                        if n and r.cells[want].is_number and (best is None or n > best[0]):
                            best = (n, Fig.from_cell(r.cells[want], f"“{r.label}”{want}", doc, t))
        if best is None:
            return None
        f = best[1]
        return Answer(f"《{f.doc.name}》{f.label}为{f.shown()}（{f.where()}）。", True, [f], route="figure")

    def _report_score(self, q: str, scope: Scope) -> Answer | None:
        figs = []
        for doc in scope.docs:
            for kind in ("score_summary", "score_table"):
                for t in doc.tables_of(kind):
                    total = next((r for r in t.rows if r.role == "total" and "得分" in r.cells), None)
                    if total is not None and total.cells["得分"].is_number:
                        figs.append(Fig.from_cell(total.cells["得分"], "评价总得分", doc, t))
                        break
                if figs and figs[-1].doc is doc:
                    break
        if not figs:
            return None
        lines = [f"《{f.doc.name}》{f.label}为{f.shown()}（{f.where()}）。" for f in figs]
        return Answer("\n".join(lines), True, figs, route="figure")

    # ------------------------------------------------------------------ compute
    def _is_compute(self, q: str) -> bool:
        s = squash(q)
        m = re.search(r"(人员经费|公用经费|本年收入|本年支出|收入|支出|基本支出|项目支出|经费)合计", s)
        if m and not re.search(r"和|与|及|、|加", s[:m.start()]):
            s = s[:m.start()] + s[m.end():]  # “人员经费合计是多少”: a printed row, not a sum to compute
        for _, _m, a in find_metrics(q):
            s = s.replace(squash(a), "")
        return bool(OP_SHARE.search(s) or OP_RATIO.search(s) or OP_SUM.search(s) or OP_DIFF.search(s)
                    or IMPLIED_REMAIN_RE.search(s))

    def _two_operands(self, q: str, scope: Scope) -> bool:
        s = squash(q)
        return bool(OP_DIFF.search(s) and re.search(r"相差|差额|差多少", s))

    def _operands(self, q: str, scope: Scope) -> list[Fig] | Answer:
        ops = self._operands_tables(q, scope)
        if isinstance(ops, list) and len(ops) < 2:
            narr = self._narrative_operands(q, scope)
            if len(narr) >= 2:
                return narr
            parts = self._part_operands(q, scope)
            if len(parts) >= 2:
                return parts
        return ops

    def _part_operands(self, q: str, scope: Scope) -> list[Fig]:
        """Each operand resolved on its own — a table row, a metric or a stated figure: “信息化建设和财政委托业务支出
        哪个决算大”, “工资福利支出占基本支出的比重”, “政府采购货物加服务一共多少” (服务 takes 政府采购 from its partner)."""
        if len(scope.docs) != 1 or CHANGE_Q_RE.search(squash(q)) or re.search(r"上年|去年|同比", squash(q)):
            return []  # a change against last year is a stated figure, not two operands
        s = self._strip_docs(q)
        s = re.sub(r"(20\d{2}|\d{2})年度?|去年|今年|本年度|测试问题版本|测试版本?|正式版本?|模板", "|", s)
        ctx = ""
        m = re.match(r"^\|*([\u4e00-\u9fff]{2,8}?)(里面|里|当中|之中)", s)
        if m:  # “政府采购里货物和服务”: the words before 里 qualify every operand
            ctx, s = m.group(1), s[m.end():]
        s = OP_WORDS_RE.sub("|", s)
        parts = [x.strip("|的里中，,？?") for x in split_operands(s, r"比|和|与|及|、|跟|同|占|除以|减去|加上|加|相比|，|,|\|")]
        parts = [x for x in parts if len(re.sub(r"[^\u4e00-\u9fff]", "", x)) >= 2 and not re.fullmatch(r"[里中的]+|哪块|哪个", x)
                 and not re.fullmatch(r"(支出)?(决算数?|年初预算数?|全年预算数?|预算数?|执行数)", x)]  # a column word qualifies
        if not 2 <= len(parts) <= 4:
            return []
        figs: list[Fig] = []
        for i, part in enumerate(parts):
            f = self._one_operand(part, scope)
            if f is None and ctx:
                f = self._one_operand(ctx + part, scope)
            if f is None and i > 0 and len(part) <= 3 and len(parts[0]) > len(part) + 1:
                f = self._one_operand(parts[0][: -len(part)] + part, scope)
            if f is None and len(part) <= 2:
                continue  # a leftover word (“花得”, “两者”), not an operand
            if f is None:
                return []
            figs.append(f)
        if len(figs) < 2:
            return []
        if len({(f.source.page, f.source.line, f.value) if f.source else id(f) for f in figs}) < len(figs):
            return []  # two parts resolved to the same figure: not two operands
        return figs

    def _one_operand(self, part: str, scope: Scope) -> Fig | None:
        if len(part) <= 3:  # “奖金”, “办公费”: a row named exactly
            for t in scope.docs[0].tables:
                for r in t.rows:
                    if normalize(r.label) == part:
                        c = next((r.cells[k] for k in self.ROW_DEFAULT_COLS if k in r.cells and r.cells[k].is_number), None)
                        if c is not None:
                            return Fig.from_cell(c, f"{r.label}{c.source.column or ''}", scope.docs[0], t)
        row = self._row_lookup(part, scope)
        if row is not None and row.found and row.figures:
            return row.figures[0]
        mets = [m for _, m, a in find_metrics(part) if m.scope == "document" and len(squash(a)) >= len(part) - 2]
        if mets:  # (an alias inside a longer term — 支出总额 in 政府采购支出总额 — is not that metric)
            cols = find_columns(part)
            hits = self._doc_metric_figs(scope.docs[0], mets[0], cols[0][1] if cols else None)
            nums = [f for f, _, _ in hits if _is_num_text(f.text)]
            if nums:
                return nums[0]
        best = self._narrative_matches(part, scope)
        if len(best) == 1:
            return self._narr_fig(best[0])
        return None

    def _implied_remain(self, q: str, scope: Scope) -> list[Fig] | None:
        """“还有多少钱没执行” = 预算 − 执行数; “预算还剩多少没花” = 预算数 − 决算数 (the columns are implied)."""
        mets = find_metrics(q)
        doc_mets = [m for _, m, _ in mets if m.scope == "document"]
        projects = self._resolve_projects(q, scope)
        if projects and not doc_mets:
            p = projects[0]
            bm = next(x for x in METRICS if x.key == "预算")
            em = next(x for x in METRICS if x.key == "全年执行数")
            b = self._project_cells(p, bm, "")
            e = self._project_cells(p, em, "")
            if b and e:
                return [b[0][0], e[0][0]]
        if doc_mets:
            m = doc_mets[0]
            for d in scope.docs[:1]:
                for t in (t for k in m.kinds for t in d.tables_of(k)):
                    bcol = next((c for c in ("全年预算数", "年初预算数", "预算数") if c in t.columns), None)
                    if bcol is None or "决算数" not in t.columns:
                        continue
                    hits_b = self._doc_metric_figs(d, m, bcol)
                    hits_e = self._doc_metric_figs(d, m, "决算数")
                    nb = [f for f, _, _ in hits_b if _is_num_text(f.text)]
                    ne = [f for f, _, _ in hits_e if _is_num_text(f.text)]
                    if nb and ne:
                        return [nb[0], ne[0]]
        # prose: the budget and the spending of the subject asked about
        from .narrative_lookup import question_terms

        term, _ = question_terms(IMPLIED_REMAIN_RE.sub("", q), [a for v in self._aliases_of(scope.docs).values()
                                                               for a in v])
        term = re.sub(r"还有|还|完了?$|完", "", term)
        if len(term) < 2 and (scope.named or len(scope.docs) == 1):
            # “全年预算还有多少没花完”: no subject, the report's own first budget-and-spending statement
            pair = self._narrative_pair(q, scope, ["budget", "value"], [q, "决算"])
            if len(pair) == 2:
                return pair
        if len(term) >= 2 and (scope.named or len(scope.docs) == 1):
            b = self._narrative_matches(q, scope, term=term, relation="budget")
            if len(b) == 1:
                from .narrative_lookup import match_figures

                # the spending stated in the same sentence as that budget
                allv = [m for m in match_figures(q, [b[0].doc], self._aliases_of([b[0].doc]), term=term,
                                                 relation="value") if m.fig.relation == "value" and m.fig is not b[0].fig]
                src = b[0].fig.source
                v = [m for m in allv if m.fig.sentence == b[0].fig.sentence] or \
                    [m for m in allv if (m.fig.source.page, m.fig.source.line) == (src.page, src.line)]
                if v:
                    fb, fv = self._narr_fig(b[0]), self._narr_fig(v[0])
                    if not re.search(r"预算", fb.label):
                        fb.label += "预算数"
                    if not re.search(r"决算|执行|实际|支出数", fv.label):
                        fv.label += "决算数"
                    return [fb, fv]
        return None

    def _partial_projects(self, q: str, scope: Scope) -> list[ProjectRef]:
        """Several projects named by parts of their names (“无纸化和信访两个项目”)."""
        s = self._strip_docs(q, metrics=True)
        for _, _m, a in find_metrics(q):
            s = s.replace(squash(a), "|")
        s = OP_WORDS_RE.sub("|", s)
        segs = [x for x in split_operands(s, r"和|与|及|、|跟|同|比|\|") if len(x) >= 2]
        if len(segs) < 2:
            return []
        projects = self._projects_in(scope)
        out: list[ProjectRef] = []
        for seg in segs:
            inside = {squash(p.name): p for p in projects if len(seg) >= 2 and seg in squash(p.name)}
            if len(inside) == 1:
                p = next(iter(inside.values()))
                if all(x.name != p.name for x in out):
                    out.append(p)
                continue
            cands = match_projects(seg, projects)
            if not cands:
                continue
            top = cands[0][0]
            names = {squash(p.name) for sc, p in cands if sc >= top - 1e-9}
            if len(names) != 1 or (top < 100 and top < 4):
                return []
            p = cands[0][1]
            if all(x.name != p.name for x in out):
                out.append(p)
        return out if len(out) >= 2 else []

    def _operands_tables(self, q: str, scope: Scope) -> list[Fig] | Answer:
        if IMPLIED_REMAIN_RE.search(squash(q)) and len([1 for _, m, _ in find_metrics(q) if m.key not in
                                                        ("预算", "全年执行数", "全年预算数", "年初预算数")]) <= 1:
            imp = self._implied_remain(q, scope)
            if imp:
                return imp
        mets = find_metrics(q)
        cols = find_columns(q)
        doc_mets = [(pos, m) for pos, m, _ in mets if m.scope == "document"]
        proj_mets = [(pos, m) for pos, m, _ in mets if m.scope == "project"]
        # project-level columns named as metrics (全年执行数 vs 全年预算数 of one project)
        projects_all = [(sc, p) for sc, p in match_projects(q, self._projects_in(scope)) if sc >= 100] or \
            match_projects(self._strip_docs(q, metrics=True), self._projects_in(scope))
        if projects_all:
            top = projects_all[0][0]
            distinct: list[ProjectRef] = []
            for sc, p in projects_all:
                if sc >= 100 or (sc >= top - 1 and len(distinct) == 0) or sc >= 100:
                    if all(d.name != p.name for d in distinct):
                        distinct.append(p)
            sq = squash(q)

            def _pos(p: ProjectRef) -> int:
                i = sq.find(squash(p.name))
                if i < 0:
                    _n, sub = lcs_len(sq, squash(p.name))
                    i = sq.find(sub) if sub else 999
                return i

            distinct.sort(key=_pos)
            if len(distinct) < 2 and proj_mets:
                distinct = self._partial_projects(q, scope) or distinct
                distinct.sort(key=_pos)
            if len(distinct) >= 2 and proj_mets:
                m = proj_mets[0][1]
                out = []
                for p in distinct[:4]:
                    hits = self._project_cells(p, m, q)
                    if not hits:  # the same name in another table that has the metric (项目清单 vs 评价结果表)
                        for twin in self._projects_in(scope):
                            if twin is not p and squash(twin.name) == squash(p.name) and twin.kind in m.kinds:
                                hits = self._project_cells(twin, m, q)
                                if hits:
                                    break
                    if not hits:
                        return Answer(f"{NOT_FOUND_PREFIX}“{p.name}”的{m.key}。", False, route="not_found")
                    out.append(hits[0][0])
                return out
            if distinct and len(proj_mets) >= 2:
                p = distinct[0]
                out = []
                for _, m in proj_mets[:3]:
                    hits = self._project_cells(p, m, q)
                    if not hits:
                        return Answer(f"{NOT_FOUND_PREFIX}“{p.name}”的{m.key}。", False, route="not_found")
                    out.append(hits[0][0])
                return out
        if not doc_mets:
            return []
        doc_cols = [c for _, c in cols if c in ("年初预算数", "全年预算数", "决算数")]
        docs = scope.docs
        if len(doc_mets) == 1 and doc_mets[0][1].key[:2] in ("年末", "年初"):
            # “年末结转和结余比年初多了多少”: the symmetric metric is implied
            key = doc_mets[0][1].key
            other = ("年初" if key.startswith("年末") else "年末") + key[2:]
            if other[:2] in squash(q).replace(key, ""):
                om = next((x for x in METRICS if x.key == other), None)
                if om is not None:
                    doc_mets.append((999, om))
        if len(doc_mets) >= 2:
            column = doc_cols[0] if doc_cols else None
            pairs = [(m, column) for _, m in doc_mets[:4]]
        elif len(doc_cols) >= 2:
            pairs = [(doc_mets[0][1], c) for c in doc_cols[:2]]
        else:
            # one metric, several documents
            if len(docs) >= 2 and scope.named:
                out = []
                for d in docs[:4]:
                    hits = self._doc_metric_figs(d, doc_mets[0][1], doc_cols[0] if doc_cols else None)
                    nums = [f for f, _, _ in hits if _is_num_text(f.text)]
                    if not nums:
                        return Answer(f"{NOT_FOUND_PREFIX}《{d.name}》的{doc_mets[0][1].key}。", False,
                                      route="not_found")
                    out.append(nums[0])
                return out
            return []
        if len(docs) > 1:
            docs = [d for d in docs if all(self._doc_metric_figs(d, m, c) for m, c in pairs)][:1] or docs[:1]
        out = []
        for m, c in pairs:
            hits = self._doc_metric_figs(docs[0], m, c)
            nums = [f for f, _, _ in hits if _is_num_text(f.text)]
            if not nums:
                return Answer(f"{NOT_FOUND_PREFIX}《{docs[0].name}》中{m.key}{c or ''}的数值（表中该栏为空）。",
                              False, route="not_found")
            out.append(nums[0])
        return out

    def _compute(self, q: str, scope: Scope) -> Answer | None:
        ops = self._operands(q, scope)
        if isinstance(ops, Answer):
            return ops
        if len(ops) < 2:
            return None
        s = squash(q)
        for _, _m, a in find_metrics(q):
            s = s.replace(squash(a), "")
        vals = [f.wan if f.unit in ("元", "万元", "亿元") else f.value for f in ops]
        unit = ops[0].unit if ops[0].unit not in ("元", "亿元") else "万元"
        pl = max(places_of(f.text) for f in ops)
        if OP_SHARE.search(s) and len(ops) == 2:
            # “基本支出中人员经费占比”: the whole is named first, the part stands before 占
            sq = squash(q)

            def _pos(f: Fig) -> int:
                _n, sub = lcs_len(sq, squash(f.label))
                return sq.find(sub) if sub else -1

            pa, pb = _pos(ops[0]), _pos(ops[1])
            zhan = sq.find("占")

            def _whole(f: Fig) -> bool:  # “A在B里占比”: B, followed by 里/中, is the whole
                _n, sub = lcs_len(sq, squash(f.label))
                i = sq.find(sub) if sub else -1
                return i >= 0 and bool(re.match(r"[^，,。占]{0,4}?(里面|里|之中|当中|中)", sq[i + len(sub):]))

            wa, wb = _whole(ops[0]), _whole(ops[1])
            if wa != wb:
                if wa:
                    ops, vals = [ops[1], ops[0]], [vals[1], vals[0]]
            elif 0 <= pa < pb and zhan > pb:
                # “三公经费决算里，公务接待费占了百分之多少”: both stand before 占, the nearer one is the part
                ops = [ops[1], ops[0]]
                vals = [vals[1], vals[0]]
        a, b = ops[0], ops[1]
        if OP_SHARE.search(s):
            if vals[1] == 0:
                return Answer(f"{b.label}为0，无法计算占比。", False, route="not_found")
            r = (vals[0] / vals[1] * 100).quantize(Decimal("0.01"))
            formula = f"{a.label} ÷ {b.label} × 100% = {fmt_num(vals[0])} ÷ {fmt_num(vals[1])} × 100% = {fmt_num(r)}%"
            res = Fig(value=r, unit="%", label=f"{a.label}占{b.label}的比例", computed=True, formula=formula,
                      text=fmt_num(r))
            text = f"{a.label}占{b.label}的比例为{fmt_num(r)}%。\n计算：{formula}。"
        elif OP_RATIO.search(s):
            if vals[1] == 0:
                return Answer(f"{b.label}为0，无法计算倍数。", False, route="not_found")
            r = (vals[0] / vals[1]).quantize(Decimal("0.01"))
            formula = f"{a.label} ÷ {b.label} = {fmt_num(vals[0])} ÷ {fmt_num(vals[1])} = {fmt_num(r)}"
            res = Fig(value=r, unit="倍", label=f"{a.label}是{b.label}的倍数", computed=True, formula=formula,
                      text=fmt_num(r))
            text = f"{a.label}是{b.label}的{fmt_num(r)}倍。\n计算：{formula}。"
        elif OP_SUM.search(s) and not OP_DIFF.search(s):
            total = sum(vals, Decimal(0)).quantize(Decimal(1).scaleb(-pl))
            formula = " + ".join(fmt_num(v) for v in vals) + f" = {fmt_num(total)}"
            label = "、".join(f.label for f in ops) + "合计"
            res = Fig(value=total, unit=unit, label=label, computed=True, formula=formula, text=fmt_num(total))
            text = f"{label}为{fmt_num(total)}{_u(unit)}。\n计算：{formula}。"
        else:
            if unit == "%":
                unit = "个百分点"
            d = (vals[0] - vals[1]).quantize(Decimal(1).scaleb(-pl))
            formula = f"{a.label} − {b.label} = {fmt_num(vals[0])} − {fmt_num(vals[1])} = {fmt_num(d)}"
            word = "多" if d > 0 else ("少" if d < 0 else "持平")
            if unit in ("个百分点", "分") or "得分" in a.label or "率" in a.label:
                word = "高" if d > 0 else ("低" if d < 0 else "持平")
            res = Fig(value=abs(d), unit=unit, label=f"{a.label}与{b.label}之差", computed=True, formula=formula,
                      text=fmt_num(abs(d)))
            if d == 0:
                text = f"{a.label}与{b.label}相等（均为{fmt_num(vals[0])}{_u(unit)}）。\n计算：{formula}。"
            else:
                text = (f"{a.label}比{b.label}{word}{fmt_num(abs(d))}{_u(unit)}。\n计算：{formula}。")
        src = "；".join(f"{f.label}{f.shown()}见{f.where()}" for f in ops)
        text += f"\n出处：{src}。"
        notes = list(dict.fromkeys(getattr(f, "note", "") for f in ops if getattr(f, "note", "")))
        if notes:
            text += "\n（" + "；".join(notes) + "。）"
        if any(getattr(f, "sentence_text", None) for f in ops):
            text += "\n（运算数取自报告的文字说明。）"
        return Answer(text, True, [res] + list(ops), route="compute", formula=res.formula)


    def _which_of_two(self, q: str, scope: Scope) -> Answer | None:
        """“城管分局和机关事务中心整体支出哪个分高”, “赣服通执行率比大厅日常运维高还是低”: two operands, the
        gap, and which one is higher — stated in words."""
        def _what(m: re.Match) -> str:
            if m.group(6):
                return "相差多少"
            w = m.group(3) or ""
            return ("得分" if w in ("分", "分数") else w) + "相差多少"

        q2 = WHICH_OF_TWO_RE.sub(_what, squash(q))
        ans = self._compute(q2, scope)
        if ans is None or not ans.found or ans.route != "compute" or len(ans.figures) != 3:
            return None
        res, a, b = ans.figures
        va, vb = (a.wan, b.wan) if a.unit in ("元", "万元", "亿元") else (a.value, b.value)
        if va == vb:
            return ans
        hi, lo = (a, b) if va > vb else (b, a)
        word = "高" if re.search(r"高|低|分|率", squash(q)) else "多"
        unit = _u(res.unit) or ("分" if "得分" in a.label else "")
        head = f"{hi.label}更{word}：{hi.label}为{hi.shown()}，{lo.label}为{lo.shown()}，" \
               f"{word}出{fmt_num(res.value)}{unit}。"
        if re.search(r"(高|低|多|少|大|小)还是", squash(q)):
            first_hi = hi is a
            head = f"{a.label}比{b.label}{('高' if first_hi else '低') if word == '高' else ('多' if first_hi else '少')}" \
                   f"{fmt_num(res.value)}{unit}（{a.shown()}对{b.shown()}）。"
        ans.answer = head + "\n" + "\n".join(ans.answer.split("\n")[1:])
        ans.route = "compare"
        return ans

    # ------------------------------------------------------------------ narrative figures
    def _aliases_of(self, docs: list[Document]) -> dict[str, list[str]]:
        ids = {d.id for d in docs}
        return {p.doc.id: p.aliases for p in self._profiles if p.doc.id in ids}

    @staticmethod
    def _narr_fig(m, label: str | None = None) -> Fig:
        f = m.fig
        lab = label or _narr_label(f)
        fig = Fig(value=f.value, unit=f.unit if f.kind != "score" else "分", label=lab, doc=m.doc, source=f.source,
                  text=format(f.value, "f"))
        fig.sentence_text = f.sentence  # type: ignore[attr-defined]
        return fig

    def _narrative_matches(self, q: str, scope: Scope, term: str | None = None, relation: str | None = None):
        from .narrative_lookup import best_figures, match_figures

        docs = scope.docs
        if len(docs) > 8:
            return []
        return best_figures(match_figures(q, docs, self._aliases_of(docs), term=term, relation=relation))

    def _narrative_answer(self, q: str, scope: Scope, term: str | None = None) -> Answer | None:
        """A figure stated only in the report's prose, cited by its sentence."""
        best = self._narrative_matches(q, scope, term)
        if not best:
            return None
        if not scope.named and len({m.doc.id for m in best}) > 1 and len(scope.docs) > 1:
            head = ["问题未指明报告，以下为资料库中各报告原文中的数：" ]
        else:
            head = []
        lines, figs = list(head), []
        per_doc: dict[str, list] = {}
        for m in best:
            per_doc.setdefault(m.doc.id, []).append(m)
        for ms in per_doc.values():
            for m in ms[:3]:
                f = self._narr_fig(m)
                figs.append(f)
                who = display_name(m.doc)
                yr = f"{m.doc.year}年" if m.doc.year else ""
                sep = "" if re.search(r"(增加|减少|增长|下降)$", f.label) else "为"
                lines.append(f"{who}{yr}{f.label}{sep}{f.shown()}（见报告原文：{f.where()}“{_cut(m.fig.sentence)}”）。")
            if len(ms) > 1:
                lines.append("注意：报告原文中有多处表述与问题相符且数值不同，请按上面的原句核对所问的是哪一个。")
            if all(m.fig.relation == "budget" for m in ms) and not re.search(r"预算", q):
                lines.append("注意：报告文字中写明的是预算数，没有写明实际支出数。")
        lines.append("（该数取自报告的文字说明，不是表格单元格。）")
        return Answer("\n".join(lines), True, figs, route="figure")

    def _topic_filter(self, q: str, scope: Scope):
        """(question without the project's words, figure filter) when the question names one project of a
        single report: only the prose about that project answers (see narrative_lookup.topic_points)."""
        from .narrative_lookup import topic_at, topic_points

        if len(scope.docs) > 12:
            return None
        projects = self._resolve_projects(q, scope)
        names = {p.name for p in projects}
        if len(names) != 1 or len({p.doc.id for p in projects}) != 1:
            return None
        name = next(iter(names))
        doc = projects[0].doc  # an unnamed report: the one whose project the question names
        cache = self.__dict__.setdefault("_topic_cache", {})
        key = (doc.id, self._gen)
        if key not in cache:
            cache[key] = topic_points(doc, [p.name for p in self._projects_in(Scope([doc], True))])
        points = cache[key]
        if not any(n == name for _, n in points):
            return None
        s = self._strip_docs(q)
        n, sub = lcs_len(s, squash(name))
        if n < 2:
            return None
        rest = s.replace(sub, "|", 1)

        def keep(d, f) -> bool:
            return d.id == doc.id and topic_at(points, f.source.page, f.source.line) == name

        return rest, keep, name, doc

    def _project_narrative(self, q: str, scope: Scope) -> Answer | None:
        """“昌南发展中心租金及物业费那个部门评价报告里满意度是多少”: a figure from the prose about the project."""
        from .narrative_lookup import best_figures, match_figures

        tf = self._topic_filter(q, scope)
        if tf is None:
            return None
        rest, keep, name, doc = tf
        docs = [doc]
        best = best_figures(match_figures(rest, docs, self._aliases_of(docs), keep=keep))
        if len(best) != 1:
            return None
        m = best[0]
        f = self._narr_fig(m)
        yr = f"{m.doc.year}年" if m.doc.year else ""
        text = (f"{display_name(m.doc)}{yr}关于“{name}”的文字中，{f.label}为{f.shown()}（见报告原文：{f.where()}"
                f"“{_cut(m.fig.sentence)}”）。\n（该数取自报告的文字说明，不是表格单元格。）")
        return Answer(text, True, [f], route="figure")

    def _narrative_operands(self, q: str, scope: Scope) -> list[Fig]:
        """Two (or more) operands named in the question and stated only in the prose:
        “工程采购和服务采购一共多少”, “企业满意度比群众满意度高几个百分点”, “全年预算数比决算数多多少”."""
        if not scope.named and len(scope.docs) > 1:
            return []
        s = self._strip_docs(q)
        s = re.sub(r"(20\d{2}|\d{2})年度?|去年|今年|本年度|测试问题版本|测试版本?|正式版本?|\((类|款|项)\)", "", s)
        s = OP_WORDS_RE.sub("|", s)
        parts = [x.strip("|的") for x in split_operands(s, r"比|和|与|及|、|跟|同|占|除以|减去|减掉|加上|相比|，|,|？|\?|\|")]
        parts = [x for x in parts if not re.fullmatch(r"(多少)?(万元|万|元|亿元|亿)?[？?]?", x)]
        names = "|".join(squash((p.doc.department or "") + (p.doc.title or "")) + "|" + "|".join(p.aliases)
                         for p in self._profiles)
        parts = [x for x in parts if len(x) >= 2 and (x not in names or re.search(r"预算|决算|执行|支出|收入", x))]
        # (location words such as 普陀, 蓉江 are dropped; column words such as 决算 are operands)
        from .narrative_lookup import question_terms

        if len(parts) == 1 and scope.named and 2 <= len(scope.docs) <= 4:
            # one subject, several named reports (“规资局政府采购金额比财政局多多少”)
            term, rel = question_terms(parts[0], [])
            figs = []
            sq = squash(q)

            def _at(doc: Document) -> int:
                al = next((p.aliases for p in self._profiles if p.doc.id == doc.id), [])
                return min((sq.find(a) for a in al if a and a in sq), default=999)

            for d in sorted(scope.docs, key=_at):
                best = self._narrative_matches(parts[0], Scope([d], True), term=term, relation=rel)
                if len(best) != 1:
                    return []
                figs.append(self._narr_fig(best[0]))
                figs[-1].label = f"{display_name(d)}{figs[-1].label}"
            return figs
        if len(parts) < 2:
            return []
        tf = self._topic_filter(q, scope)
        if tf is not None:
            # “惠企政策兑现资金实际到位的和实际支出的差多少”: both operands from the prose about that project
            rest, keep, _name, tdoc = tf
            from .narrative_lookup import best_figures, match_figures

            scope = Scope([tdoc], True)
            rparts = [x.strip("|的") for x in split_operands(OP_WORDS_RE.sub("|", rest),
                                                             r"比|和|与|及|、|跟|同|占|除以|减去|加上|相比|\|")]
            rparts = [x for x in rparts if len(x) >= 2]
            if len(rparts) == 2:
                figs = []
                for part in rparts:
                    best = best_figures(match_figures(part, scope.docs, self._aliases_of(scope.docs), keep=keep))
                    if len(best) != 1:
                        break
                    figs.append(self._narr_fig(best[0]))
                if len(figs) == 2:
                    return figs

        out: list[Fig] = []
        rels = []
        relabel = False
        for part in parts[:4]:
            term, rel = question_terms(part, [])
            rels.append((term, rel, part))
        if all(len(t) < 2 for t, _, _ in rels):
            # bare column words (全年预算数 / 决算数): one subject that states both in one sentence
            return self._narrative_pair(q, scope, [r for _, r, _ in rels], [p for _, _, p in rels])
        named = [t for t, _, _ in rels if len(t) >= 2 and t not in GENERIC_TERMS]
        if not named and len(rels) == 2:
            rels = [("", r, p) for _, r, p in rels]  # “支出决算比全年预算少了多少”: no subject at all
            return self._narrative_pair(q, scope, [r for _, r, _ in rels], [p for _, _, p in rels])
        if len(named) == 1 and len(rels) == 3:
            # “一般公共预算财政拨款支出，决算比年初预算少了多少”: the subject, then its two columns
            head = next(r for r in rels if len(r[0]) >= 2 and r[0] not in GENERIC_TERMS)
            bare = [r for r in rels if len(r[0]) < 2 or r[0] in GENERIC_TERMS]
            if head[1] is None and len(bare) == 2:
                rels = bare
        if len(named) == 1 and len(rels) == 2:
            # “一般公共预算财政拨款支出比年初预算少了多少”, “X年初预算和决算差了多少”: the bare column word
            # takes the subject of the other operand
            filled = []
            for term, rel, part in rels:
                if len(term) < 2 or term in GENERIC_TERMS:
                    term = named[0]
                    sp = squash(part)
                    rel = "budget" if "预算" in sp else ("value" if re.search(r"决算|支出|执行|实际|花", sp) else rel)
                filled.append((term, rel, part))
            relabel = True
            if filled[0][1] != filled[1][1]:
                if filled[0][1] is None:
                    filled[0] = (filled[0][0], "value", filled[0][2])
                if filled[1][1] is None:
                    filled[1] = (filled[1][0], "value", filled[1][2])
                rels = filled
        for term, rel, part in rels:
            if len(term) < 2:
                return []
            best = self._narrative_matches(part, scope, term=term, relation=rel)
            if len(best) != 1:
                return []
            fig = self._narr_fig(best[0])
            if len(term) > len(squash(fig.label)) and squash(fig.label) in term and best[0].fig.relation == "value":
                fig.label = term  # “企业满意度”: the subject is 满意度, the sentence says whose
            if relabel and best[0].fig.relation == "value" and not re.search(r"决算|执行|实际", fig.label):
                fig.label += "决算数"  # the spending of a subject compared with its own budget
            out.append(fig)
        return out

    def _narrative_pair(self, q: str, scope: Scope, rels: list[str | None], parts: list[str]) -> list[Fig]:
        if len(parts) != 2:
            return []
        want = ["budget" if r == "budget" else "value" for r in rels]
        if want[0] == want[1]:
            return []
        pairs = []
        for d in scope.docs[:2]:
            figs = [f for f in d.figures if f.kind == "amount"]
            for i, f in enumerate(figs):
                if f.relation != "budget":
                    continue
                col = next((w for w in ("年初", "全年", "调整") if w in squash(" ".join(parts))), None)
                if col and col not in squash(f.text):
                    continue
                g = next((x for x in figs[i + 1:i + 3] if x.relation == "value" and x.subject == f.subject
                          and x.sentence == f.sentence), None)
                if g is not None:
                    pairs.append((d, f, g))
        if not pairs or len({p[0].id for p in pairs}) != 1:
            return []
        from .narrative_lookup import Match

        # the question names no subject: the first subject stating both (the report's own total comes
        # before its item breakdown); the answer names it
        d, f, g = pairs[0]
        fb = self._narr_fig(Match(0, f, d))
        fv = self._narr_fig(Match(0, g, d))
        fb.note = fv.note = f"问题未指明科目，按报告中首个同时写明预算与决算的表述（{f.subject}）计算"  # type: ignore[attr-defined]
        return [fb, fv] if want[0] == "budget" else [fv, fb]

    def _growth_passage(self, q: str, scope: Scope) -> Answer | None:
        """“为什么翻了一倍多”: the narrative growth figure of at least 100% for the subject asked about, with
        the sentence that explains it."""
        from .narrative_lookup import question_terms

        term, _ = question_terms(GROWTH_WHY_RE.sub("", q).replace("为什么", "").replace("为何", ""),
                                 [a for v in self._aliases_of(scope.docs).values() for a in v])
        if not scope.named or len(term) < 2:
            return None
        cands = []
        for d in scope.docs:
            for f in d.figures:
                if f.relation == "growth" and f.kind == "percent" and f.direction >= 0 and f.value >= 100:
                    n, _ = lcs_len(term, squash(f.subject))
                    if n >= 2:
                        cands.append((n, d, f))
        if not cands:
            return None
        cands.sort(key=lambda x: -x[0])
        top = cands[0][0]
        chosen = [c for c in cands if c[0] == top]
        # prefer the subject named most exactly (支出 → 本年支出合计 over 本年收入合计)
        n, d, f = chosen[0]
        sent = f.sentence
        lines = [f"根据报告原文（《{d.name}》{_src_where(f.source)}）：", f"“{sent}”",
                 f"（{f.subject}增长{format(f.value, 'f')}%，即增长了一倍以上；原因见原句。）"]
        raw = self.retriever.search(sent[:80], k=5, filters={"doc_id": [d.id]})
        cites = [{"document": d.name, "page": f.source.page, "line": f.source.line, "text": sent}]
        return Answer("\n".join(lines), True, citations=cites, route="passage", retrieved=[h.id for h in raw])

    def _grade_sentence(self, q: str, scope: Scope) -> Answer | None:
        """A grade stated in the prose (“绩效评级为‘良’”) for a report named in the question."""
        from ..documents import Source

        if not scope.named or len(scope.docs) > 2 or self._resolve_projects(q, scope):
            return None
        found = []
        for d in scope.docs:
            for para in d.paragraphs:
                for m in GRADE_SENT_RE.finditer(para.text.replace("*", "")):
                    found.append((d, para, m))
        if not found:
            return None
        # whole-report grades first (整体/部门/总得分 in the same sentence), then reading order
        found.sort(key=lambda x: 0 if re.search(r"整体|部门|总得?分|总体|最终", x[1].text) else 1)
        grades = list(dict.fromkeys(m.group(2) for _, _, m in found[:1] + [x for x in found[1:]
                                                                           if x[0].id == found[0][0].id][:0]))
        d, para, m = found[0]
        src = Source(document=d.id, page=para.page, line=para.line)
        fig = Fig(value=Decimal(0), unit=None, label=f"{m.group(1)}", doc=d, source=src, text=m.group(2))
        lines = [f"{display_name(d)}{d.year or ''}年{m.group(1)}为“{m.group(2)}”（见报告原文：{fig.where()}"
                 f"“{_cut(para.text.replace('*', ''))}”）。"]
        others = {x[2].group(2) for x in found if x[0].id == d.id} - set(grades)
        if others:
            lines.append(f"注意：报告中另有评级/等级表述（{'、'.join(sorted(others))}），可能针对单个项目或指标。")
        return Answer("\n".join(lines), True, [fig], route="figure")

    # ------------------------------------------------------------------ rankings over typed rows
    RANK_SKIP_KINDS = ("self_eval", "results_list", "project_list", "score_table", "score_summary")

    def _rank_rows(self, q: str, scope: Scope) -> Answer | None:
        """“哪一类支出最多”, “商品和服务支出里哪一项最多”, “哪项资产原值最高”: rank the rows of a typed table
        (by 类 level, or the children of a named row), never subtotals or totals."""
        s = self._strip_docs(q)
        if not RANK_ROWS_RE.search(s) or re.search(r"项目", s):
            return None
        if len(scope.docs) != 1:
            return None
        doc = scope.docs[0]
        want_low = bool(re.search(r"最低|最少|最小|垫底|最差|后[三五]|倒数", s))
        best = None
        for t in doc.tables:
            if t.kind in self.RANK_SKIP_KINDS:
                continue
            num_cols = [c for c in t.columns if sum(1 for r in t.rows if r.cells.get(c) is not None
                                                     and r.cells[c].is_number) >= 2]
            if not num_cols:
                continue
            score = 0
            col = max((c for c in num_cols if len(squash(c)) >= 2 and squash(c) in s), key=len, default=None)
            if col:
                score += 5
            parent = max((r for r in t.rows if len(normalize(r.label)) >= 3 and normalize(r.label) in s
                          and getattr(r, "code", None)), key=lambda r: len(r.label), default=None)
            items = [r for r in t.rows if r.role not in ("total", "subtotal", "header")
                     and not re.search(r"合计|小计|总计", r.label)]
            if parent is not None:
                pc = str(parent.code)
                kids = [r for r in items if getattr(r, "code", None) and str(r.code).startswith(pc)
                        and len(str(r.code)) > len(pc)]
                if not kids:
                    continue
                ml = min(len(str(r.code)) for r in kids)
                rows = [r for r in kids if len(str(r.code)) == ml]
                score += 10
                what = f"“{parent.label}”下的{len(rows)}项"
            elif re.search(r"资产|原值|净值|折旧|设备", s):
                if t.kind != "asset" and not col:
                    continue
                rows = items
                score += 4 if t.kind == "asset" else 0
                what = f"{len(rows)}项资产"
            elif re.search(r"类|支出", s):
                if t.kind not in ("final_03", "final_05", "final_01", "final_02"):
                    continue
                lvl = "款" if re.search(r"哪一?款", s) else "类"
                levels = [r for r in items if getattr(r, "level", None) == lvl]
                if levels:
                    rows = levels
                elif t.kind == "final_01":
                    rows = [r for r in items if r.side == "支出" and r.label.endswith("支出")]
                else:
                    continue
                score += {"final_03": 4, "final_05": 3, "final_01": 2, "final_02": 1}[t.kind]
                what = f"{len(rows)}{'款' if lvl == '款' else '类'}支出（功能分类）"
            else:
                continue
            use = col or next((c for c in ("本年支出合计", "决算数", "合计", "原值", "本年收入合计") if c in num_cols),
                              num_cols[0])
            vals = [(r, r.cells[use]) for r in rows if r.cells.get(use) is not None and r.cells[use].is_number]
            if len(vals) < 2:
                continue
            if best is None or score > best[0]:
                best = (score, t, vals, use, what)
        if best is None:
            return None
        _, t, vals, use, what = best
        vals.sort(key=lambda x: x[1].value, reverse=not want_low)
        word = "最少" if want_low else "最多"
        if re.search(r"最高|最低", s):
            word = "最低" if want_low else "最高"
        figs = [Fig.from_cell(c, f"{r.label}{use}", doc, t) for r, c in vals[:3]]
        top = [f for (r, c), f in zip(vals, figs, strict=False) if c.value == vals[0][1].value]
        names = "、".join(f"“{r.label}”" for (r, c) in vals if c.value == vals[0][1].value)
        lines = [f"{display_name(doc)}{doc.year or ''}年{t.kind_name}中，{what}按{use}比较，{word}的是{names}，"
                 f"为{figs[0].shown()}（{figs[0].where()}）。"]
        if len(vals) > len(top):
            r2, c2 = vals[len(top)]
            f2 = Fig.from_cell(c2, f"{r2.label}{use}", doc, t)
            lines.append(f"其次是“{r2.label}”，为{f2.shown()}（{f2.where()}）。")
            top = top + [f2]
        lines.append("（比较不含合计、小计行。）")
        return Answer("\n".join(lines), True, top, route="compare")

    def _rank_stated(self, q: str, scope: Scope) -> Answer | None:
        """“各项级科目里，完成年初预算比例最低的是哪个”, “哪一项增长最快”: the extreme among the rates the prose
        states for the report's items (完成预算的 C%, 增长 B%)."""
        s = squash(q)
        rel = "completion" if re.search(r"完成.{0,6}(预算|比例|率)|完成率", s) else \
            ("growth" if re.search(r"增长|增幅|下降|降幅", s) else None)
        if rel is None or len(scope.docs) != 1:
            return None
        doc = scope.docs[0]
        cands = [f for f in doc.figures if f.relation == rel and f.kind == "percent"
                 and (rel != "growth" or f.direction >= 0 or re.search(r"下降|降幅", s))]
        if re.search(r"年初", s):
            cands = [f for f in cands if "年初" in f.text] or cands
        elif re.search(r"全年", s):
            cands = [f for f in cands if "全年" in f.text] or cands
        if re.search(r"项级|各项|(项)", s):
            cands = [f for f in cands if not re.search(r"合计|总计|财政拨款支出$|支出总计", f.subject)] or cands
        if len(cands) < 2:
            return None
        want_low = bool(re.search(r"最低|最少|最小|最差|垫底|最慢", s))
        ordered = sorted(cands, key=lambda f: f.value, reverse=not want_low)
        edge = ordered[0].value
        top = [f for f in ordered if f.value == edge]
        figs = []
        for f in top[:3]:
            fig = Fig(value=f.value, unit="%", label=f"{f.subject}{'完成预算比例' if rel == 'completion' else '增长率'}",
                      doc=doc, source=f.source, text=format(f.value, "f"))
            fig.sentence_text = f.sentence  # type: ignore[attr-defined]
            figs.append(fig)
        word = "最低" if want_low else "最高"
        names = "、".join(f"“{f.subject}”" for f in top)
        lines = [f"{display_name(doc)}{doc.year or ''}年文字说明列出的{len(cands)}项中，{figs[0].label[len(top[0].subject):]}{word}的是"
                 f"{names}，为{figs[0].shown()}（见报告原文：{figs[0].where()}“{_cut(top[0].sentence)}”）。"]
        if len(ordered) > len(top):
            nxt = ordered[len(top)]
            lines.append(f"其次是“{nxt.subject}”，为{format(nxt.value, 'f')}%。")
        lines.append("（比较的是报告文字中写明的比例，不含合计。）")
        return Answer("\n".join(lines), True, figs, route="compare")

    # ------------------------------------------------------------------ compare
    def _compare(self, q: str, scope: Scope) -> Answer | None:
        s = squash(q)
        mets = [m for _, m, _ in find_metrics(q) if m.scope == "project"]
        m = mets[0] if mets else next(x for x in METRICS if x.key == "得分")
        if m.key == "等级":
            m = next(x for x in METRICS if x.key == "得分")
        want_low = bool(re.search(r"最低|最少|最小|最差|垫底|后[三五]|倒数", s))
        n = 1
        mm = re.search(r"[前后]([三五十二])", s)
        if mm:
            n = {"二": 2, "三": 3, "五": 5, "十": 10}[mm.group(1)]
        projects = self._projects_in(scope)
        unit = max((o for o in getattr(self, "_orgs", ()) if o in s and len(o) >= 3), key=len, default=None)
        if unit:
            in_unit = [p for p in self._projects if _project_unit(p) == unit]
            if in_unit:
                projects = in_unit
        # prefer one project family: the metric's kinds in order
        groups: dict[str, list[ProjectRef]] = {}
        for p in projects:
            groups.setdefault(p.kind, []).append(p)
        cands: list[tuple[Decimal, Fig]] = []
        for kind in m.kinds:
            for p in groups.get(kind, []):
                for f, _r in self._project_cells(p, m, "") if kind != "self_eval" else self._project_cells(p, m, ""):
                    if f.text and _is_num_text(f.text):
                        cands.append((f.wan if f.unit in ("元", "万元", "亿元") else f.value, f))
            if cands:
                break
        if not cands:
            if "项目" in s:
                return Answer(f"{NOT_FOUND_PREFIX}可比较{m.key}的项目。", False, route="not_found")
            return None
        # dedupe identical (doc, label)
        seen = set()
        uniq = []
        for v, f in cands:
            key = (f.doc.id if f.doc else "", f.label, v)
            if key not in seen:
                seen.add(key)
                uniq.append((v, f))
        uniq.sort(key=lambda x: x[0], reverse=not want_low)
        edge = uniq[0][0]
        winners = [f for v, f in uniq if v == edge] if n == 1 else [f for _, f in uniq[:n]]
        word = "最低" if want_low else "最高"
        metric_name = m.key if m.key != "预算" else "预算金额"
        lines = []
        if n == 1:
            names = "、".join(_proj_name(f.label, metric_name) for f in winners)
            lines.append(f"在{len(uniq)}个项目中，{metric_name}{word}的是{names}，为{winners[0].shown()}。")
        else:
            lines.append(f"在{len(uniq)}个项目中，{metric_name}{'最低' if want_low else '最高'}的{n}个：")
            for i, f in enumerate(winners, 1):
                lines.append(f"{i}. {_proj_name(f.label, metric_name)}：{f.shown()}")
        for f in winners:
            lines.append(f"出处：{f.where()}。")
        if len({f.doc.id for _, f in uniq if f.doc}) > 1:
            lines.append("（比较范围跨多份报告；可在问题中指明报告。）")
        return Answer("\n".join(lines), True, winners, route="compare")

    # ------------------------------------------------------------------ checks & findings
    def _findings(self, q: str, scope: Scope) -> Answer:
        findings: list[dict[str, Any]] = []
        not_checked = 0
        avail = False
        for d in scope.docs:
            findings.extend(self.library.findings(d.id))
            not_checked += len(self.library.not_checked(d.id))
            avail = avail or self.library.checks_available(d.id)
        if not avail:
            return Answer("这些报告尚未经过复核引擎检查（复核模块不可用），无法列出不一致之处。", False,
                          route="not_found")
        projects = self._resolve_projects(q, scope)
        if projects:
            findings = [f for f in findings if _finding_about(f, projects[0])]
        order = {"error": 0, "warning": 1, "info": 2}
        findings.sort(key=lambda f: order.get(f.get("severity"), 3))
        if not findings:
            text = (f"已对{len(scope.docs)}份报告逐项复核，未发现不一致。"
                    + (f"另有{not_checked}项因缺表或无法解析未核对。" if not_checked else ""))
            return Answer(text, True, route="findings")
        cnt = {k: sum(1 for f in findings if f.get("severity") == k) for k in order}
        lines = [f"共发现{len(findings)}处问题（错误{cnt['error']}、警告{cnt['warning']}、提示{cnt['info']}）："]
        cites = []
        for i, f in enumerate(findings[:15], 1):
            loc = "；".join(_loc_text(x) for x in (f.get("locations") or [])[:3])
            sev = {"error": "错误", "warning": "警告", "info": "提示"}.get(f.get("severity"), f.get("severity"))
            line = f"{i}. 【{sev}】{f.get('message', '')}"
            if f.get("formula"):
                line += f"（{f['formula']}）"
            if loc:
                line += f"　位置：{loc}"
            lines.append(line)
            for x in (f.get("locations") or [])[:2]:
                cites.append({"document": x.get("document") or f.get("document"), "page": x.get("page"),
                              "line": x.get("line"), "text": x.get("text") or f.get("message", "")})
        if len(findings) > 15:
            lines.append(f"……其余{len(findings) - 15}处见“问题清单”。")
        if not_checked:
            lines.append(f"另有{not_checked}项未核对（缺表或无法解析）。")
        return Answer("\n".join(lines), True, citations=cites, route="findings", findings=findings)

    def _check(self, q: str, scope: Scope) -> Answer:
        projects = [p for p in self._resolve_projects(q, scope) if p.kind == "self_eval"] or \
            self._resolve_projects(q, scope)
        if not projects:
            ans = self._findings(q, scope)
            ans.route = "check"
            return ans
        p = projects[0]
        lines: list[str] = []
        figs: list[Fig] = []
        if p.kind == "self_eval":
            t = p.table
            funds = next((r for r in t.rows if r.role == "funds" and "总额" in r.label),
                         next((r for r in t.rows if r.role == "funds"), None))
            total = next((r for r in t.rows if r.role == "total"), None)
            inds = [r for r in t.rows if r.role == "indicator" and r.cells.get("得分") is not None
                    and r.cells["得分"].is_number]
            if total is not None and self._num(total.cells.get("得分")):
                parts: list[tuple[str, Decimal]] = []
                if funds is not None and self._num(funds.cells.get("得分")):
                    parts.append(("执行率得分", funds.cells["得分"].value))
                    figs.append(Fig.from_cell(funds.cells["得分"], f"{p.name}执行率得分", p.doc, t))
                for r in inds:
                    parts.append((r.label, r.cells["得分"].value))
                expect = sum((v for _, v in parts), Decimal(0))
                printed = total.cells["得分"].value
                figs.insert(0, Fig.from_cell(total.cells["得分"], f"{p.name}总分", p.doc, t))
                formula = " + ".join(fmt_num(v) for _, v in parts) + f" = {fmt_num(expect)}"
                ok = expect == printed
                lines.append(f"复核“{p.name}”总分：表列{fmt_num(printed)}分，按执行率得分与各指标得分加总为"
                             f"{fmt_num(expect)}分（{formula}），" + ("一致。" if ok else
                                                                  f"不一致，相差{fmt_num(abs(printed - expect))}分。"))
                figs.append(Fig(value=expect, unit=None, label=f"{p.name}总分（复算）", computed=True, formula=formula,
                                text=fmt_num(expect)))
            if funds is not None and self._num(funds.cells.get("全年预算数")) and self._num(funds.cells.get("全年执行数")) \
                    and self._num(funds.cells.get("执行率")):
                a = funds.cells["全年执行数"].value
                b = funds.cells["全年预算数"].value
                if b:
                    r = (a / b * 100).quantize(Decimal("0.01"))
                    printed = funds.cells["执行率"].value
                    formula = f"{fmt_num(a)} ÷ {fmt_num(b)} × 100% = {fmt_num(r)}%"
                    diff = abs(r - printed)
                    ok = diff <= Decimal("0.01") * 2
                    lines.append(f"执行率：表列{fmt_num(printed)}%，按全年执行数÷全年预算数复算为{fmt_num(r)}%"
                                 f"（{formula}），" + ("一致。" if ok else f"相差{fmt_num(diff)}个百分点。"))
                    figs.append(Fig.from_cell(funds.cells["执行率"], f"{p.name}执行率", p.doc, t))
        fs = [f for f in self.library.findings(p.doc.id) if _finding_about(f, p)]
        if fs:
            lines.append(f"复核引擎对该项目发现{len(fs)}处问题：")
            for i, f in enumerate(fs[:10], 1):
                loc = "；".join(_loc_text(x) for x in (f.get("locations") or [])[:2])
                lines.append(f"{i}. {f.get('message', '')}" + (f"（{f['formula']}）" if f.get("formula") else "")
                             + (f"　位置：{loc}" if loc else ""))
        elif self.library.checks_available(p.doc.id):
            lines.append("复核引擎未对该项目报告问题。")
        if not lines:
            return Answer(f"{NOT_FOUND_PREFIX}可复核的“{p.name}”数据。", False, route="not_found")
        return Answer("\n".join(lines), True, figs, route="check", findings=fs)

    # ------------------------------------------------------------------ passages
    def _passage(self, q: str, scope: Scope) -> Answer:
        from index.lexical import tokenize

        filters = {"doc_id": [d.id for d in scope.docs]} if scope.named or len(scope.docs) < len(self._docs) else {}
        query = self._strip_docs(q) if filters else q
        q = re.sub(r"[（(](类|款|项)[）)]", "", q)
        tf = self._topic_filter(q, scope)
        if tf is not None and len(scope.docs) > 1 and not scope.named:
            scope = Scope([tf[3]], True, scope.note)  # the report whose project the question names
            filters = {"doc_id": [tf[3].id]}
            query = self._strip_docs(q)
        sq = squash(q)
        why = bool(re.search(r"为什么|为何|原因|咋回事|怎么回事|怎么解释|如何解释|怎么表述|如何表述|怎么说的|怎么写的", sq))
        usage = bool(re.search(r"花在哪|用在哪|用到哪|用于什么|用途|干什么用|做什么用|花在了?什么|用在了?什么|主要用于", sq))
        topic_of = None
        if tf is not None:  # “赣服通系统建设部门评价发现了什么问题”: the passages about that project first
            from .narrative_lookup import topic_at

            points = self.__dict__.get("_topic_cache", {}).get((tf[3].id, self._gen), [])
            topic_of = (tf[2], points, topic_at)
        raw = self.retriever.search(query.replace("|", " ") + (" 主要原因" if why else "") + (" 主要用于" if usage else ""),
                                    k=25, filters=filters)
        kind = next((k for k, (ask, _sec, _excl, _words) in SECTION_ASKS.items() if re.search(ask, sq)), None)
        if kind == "problem" and re.search(r"哪些问题已|整改", q):
            kind = None
        ids_in: set[str] = set()
        if kind is not None:
            # problem / measure questions: passages under a matching heading (“存在的问题”, “改进措施”) first
            _ask, sec_re, excl_re, words = SECTION_ASKS[kind]
            inline_re = SECTION_INLINE[kind]

            def _inline(h) -> bool:  # “存在问题：……” written inside the passage itself
                return bool(re.search(inline_re, re.sub(r"^【[^】]*】", "", (h.text or "").strip())))

            def _in_sec(h) -> bool:
                return _section_matches(h, sec_re, excl_re) or _inline(h)

            def _depth(h) -> int:
                return 99 if _inline(h) else _section_depth(h, sec_re)

            extra = self.retriever.search(words + " " + _strip_question(query).replace("|", " "), k=25, filters=filters)
            seen_ids = {h.id for h in raw}
            in_raw = [h for h in raw if _in_sec(h)] + [h for h in extra if h.id not in seen_ids and _in_sec(h)]
            # passages with body text before bare headings (“五、……改进措施” alone answers nothing)
            # and the more specific heading first (“五、…改进措施 / （二）改进措施” over “五、…改进措施 / （一）…”)
            in_raw.sort(key=lambda h: (-_depth(h), 0 if _body_len(h) >= 30 else 1))
            if not filters and raw:  # no report named: stay with the report the best passage comes from
                top_doc = raw[0].meta.get("doc_id")
                in_raw = [h for h in in_raw if h.meta.get("doc_id") == top_doc]
            ids_in = {h.id for h in in_raw}
            raw = in_raw + [h for h in raw if h.id not in ids_in]
        hits, per_table = [], {}
        for h in raw:  # diversify: table rows repeat their table's title and would crowd out the prose
            key = (h.meta.get("doc_id"), h.meta.get("table")) if h.meta.get("kind") != "narrative" else None
            if key is not None:
                per_table[key] = per_table.get(key, 0) + 1
                if per_table[key] > 2:
                    continue
            hits.append(h)
            if len(hits) >= 5:
                break
        content = self._strip_docs(_strip_question(q))
        content = re.sub(r"(20\d{2}|\d{2})年度?|去年|今年|本年度|报告|部门|单位|情况", "|", content)
        if usage:
            content = re.sub(r"花在哪|用在哪|用到哪|用于什么|用途|干什么用|做什么用|都|主要|了", "|", content)
        if why:  # the subject decides which reason is meant, not the words every reason sentence repeats
            content = re.sub(r"那条|这条|给的|给出|说|等于|大于|小于|为什么|为何|原因|没有|没|未|完成|花完|用完|年初|全年|预算数?|决算数?|执行|测试问题版本|测试版本?|"
                             r"正式版本?|那一?项|这一?项|那块|这块|差异|差别|表述|说法|解释|写的|怎么|如何|是啥|什么|钱", "|", content)
        qtok = {t for t in tokenize(content) if len(t) >= 2}
        if not hits or not qtok:
            return Answer(f"{NOT_FOUND_PREFIX}与该问题相关的内容。", False, route="not_found")
        cands: list = []
        for rank, h in enumerate(hits):
            sents = _sentences(h.text)
            for si, sent in enumerate(sents):
                st = set(tokenize(sent))
                overlap = len(qtok & st)
                if not overlap:
                    continue
                ratio = overlap / len(qtok)
                heading = len(sent) < 30 and not sent.endswith(("。", "；"))
                score = ratio - 0.05 * rank - (0.1 if heading else 0) - (0.3 if sent.startswith("-") else 0) \
                    - (0.15 if h.meta.get("kind") != "narrative" else 0)
                if h.id in ids_in:
                    score += 0.5
                    ratio = max(ratio, 0.3)
                if why and "原因" in "".join(sents[si:si + 2]):
                    score += 0.25  # a why-question: the sentence that gives (or leads to) the reason
                if kind is not None and re.search(SECTION_INLINE[kind], sent):
                    score += 0.6  # “存在问题：……” — the sentence that starts the part asked for
                if usage and "用于" in "".join(sents[si:si + 2]):
                    score += 0.25  # “花在哪了”: the sentence saying what it was used for
                if topic_of is not None:
                    name, points, at = topic_of
                    if at(points, h.meta.get("page") or None, h.meta.get("line") or None) == name:
                        score += 0.3
                cands.append((score, ratio, si, sents, h))
            if h.id in ids_in and sents and not any(c[4] is h for c in cands):
                first = next((i for i, x in enumerate(sents) if not _is_heading(x)), None)
                if first is not None:
                    cands.append((0.5 - 0.05 * rank, 0.3, first, sents, h))
        cands.sort(key=lambda c: -c[0])
        chosen = None
        for _score, ratio, si, sents, h in cands:
            if ratio < 0.3:
                continue
            picked = []
            total = 0
            for sent in sents[si:]:
                if _is_heading(sent) and picked:
                    break
                if not _is_heading(sent):
                    picked.append(sent)
                    total += len(sent)
                if total >= 160 or len(picked) >= 4:
                    break
            if sum(len(x) for x in picked) >= 15:
                chosen = (picked, h)
                break
        if chosen is None:
            return Answer(f"{NOT_FOUND_PREFIX}与该问题相关的内容。", False, route="not_found",
                          retrieved=[x.id for x in hits])
        picked, h = chosen
        lines = ["根据报告原文（" + _hit_where(h) + "）：", "“" + "".join(x if x.endswith(("。", "；", "：")) else x + "。"
                                                          for x in picked) + "”"]
        cites = [_hit_cite(h, "".join(picked))]
        for other in hits:
            c = _hit_cite(other, other.text[:160])
            if all(c["chunk"] != x["chunk"] for x in cites):
                cites.append(c)
        return Answer("\n".join(lines), True, citations=cites, route="passage", retrieved=[x.id for x in hits])


# ---------------------------------------------------------------------- helpers
# names that contain a conjunction: never split into two operands
_AND_TERMS = ("体育与传媒", "规划与管理", "监督与管理", "资源与", "交通与", "社会保障和就业", "商品和服务", "结转和结余", "规划和自然资源", "住房和城乡", "对个人和家庭", "卫生和计划生育",
              "工资和福利", "资本性支出和", "文化和旅游", "交通和运输", "农业和农村", "科学和技术")


def split_operands(s: str, seps: str) -> list[str]:
    """Split the question's operand words at the conjunctions, keeping “社会保障和就业” whole."""
    for t in _AND_TERMS:
        s = s.replace(t, t.replace("和", "\x00").replace("与", "\x01"))
    return [x.replace("\x00", "和").replace("\x01", "与") for x in re.split(seps, s)]


def _u(unit: str | None) -> str:
    if unit in (None, "", "分"):
        return ""
    return unit


def _body_len(h) -> int:
    t = re.sub(r"^【[^】]*】", "", (h.text or "").strip())
    return len([x for x in _sentences(t) if not _is_heading(x)] and "".join(x for x in _sentences(t) if not _is_heading(x)))


def _section_depth(h, sec_re: str) -> int:
    parts = str(h.meta.get("section") or "").split(" / ")
    return max((i for i, x in enumerate(parts) if re.search(sec_re, x)), default=-1)


def _section_matches(h, sec_re: str, excl_re: str) -> bool:
    """Whether the passage stands under a heading matching ``sec_re`` (its own heading not ``excl_re``)."""
    sec = str(h.meta.get("section") or "")
    parts = sec.split(" / ") if sec else []
    # the deepest heading that speaks to either side decides (“…原因和改进措施 / （一）存在的主要问题” is a
    # problem section, “…存在问题及改进措施 / （二）改进措施” a measures section)
    deepest = next((x for x in reversed(parts) if re.search(sec_re, x) or (excl_re and re.search(excl_re, x))), None)
    return deepest is not None and bool(re.search(sec_re, deepest))


def _cut(text: str, n: int = 120) -> str:
    t = re.sub(r"\s+", " ", text or "").strip()
    return t if len(t) <= n else t[:n] + "……"


def _src_where(src) -> str:
    if src is None:
        return ""
    if src.page is not None:
        return f"第{src.page}页"
    if src.line is not None:
        return f"第{src.line}行"
    return ""


def _narr_label(f) -> str:

    subj = re.sub(r"[“”\"]", "", f.subject)
    subj = re.sub(r"（[^（）]{1,12}）$|\([^()]{1,12}\)$", "", subj) or f.subject
    if f.relation == "budget":
        t = squash(f.text)
        col = "年初预算数" if "年初" in t else "全年预算数" if ("全年" in t or "调整" in t) else "预算数"
        return subj + col
    if f.relation == "change":
        return subj + ("比上年增加" if f.direction > 0 else "比上年减少" if f.direction < 0 else "变动额")
    if f.relation == "growth":
        return subj + ("增长率" if f.direction >= 0 else "下降率")
    if f.relation == "share":
        return subj + "占比"
    if f.relation == "completion":
        return subj + "预算完成率"
    return subj


def _is_num_text(text: str) -> bool:
    from ..numbers import parse_number

    return parse_number(text) is not None


def _proj_name(label: str, metric: str) -> str:
    for suf in sorted({metric, "得分", "执行率", "跟踪期执行率", "跟踪期执行数", "预算", "批复金额", "全年执行数", "评价等级"},
                      key=len, reverse=True):
        if label.endswith(suf):
            return f"“{label[: -len(suf)]}”"
    return f"“{label}”"


def _project_unit(p: ProjectRef) -> str:
    if p.unit is not None:  # stored with the project's entity record: the document is not read
        return p.unit
    if p.row_label is not None:
        for r in p.table.rows:
            if r.label == p.row_label:
                for col in ("主管部门", "项目主管部门", "实施单位"):
                    c = r.cells.get(col)
                    if c is not None and c.text.strip():
                        return squash(c.text)
        return ""
    return squash(p.table.meta.get("主管部门", "") or p.table.meta.get("实施单位", ""))


def _finding_about(f: dict[str, Any], p: ProjectRef) -> bool:
    tid = f"（{p.table.id}）"
    for loc in f.get("locations") or []:
        if (loc.get("document") in (None, p.doc.name)) and tid in str(loc.get("table") or ""):
            if p.row_label is None or loc.get("row") in (None, p.row_label):
                return True
    return p.name and p.name in str(f.get("message", ""))


def _loc_text(loc: dict[str, Any]) -> str:
    parts = []
    if loc.get("page") is not None:
        parts.append(f"第{loc['page']}页")
    elif loc.get("line") is not None:
        parts.append(f"第{loc['line']}行")
    for k in ("table", "row", "column"):
        if loc.get(k):
            parts.append(str(loc[k]) if k == "table" else f"“{loc[k]}”")
    return " ".join(parts)


_Q_STRIP = re.compile(r"(请问|请|帮我|一下|是什么|有哪些|有什么|是怎样|怎么样|怎么|怎样|如何|为什么|为何|哪些|什么|多少|"
                      r"提出了|提出|发现的|发现|有何|谁|吗|呢|？|\?|。)")


def _strip_question(q: str) -> str:
    return _Q_STRIP.sub(" ", q)


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[。；！？])|\n", text)
    return [p.strip() for p in parts if len(p.strip()) >= 6]


def _is_heading(sent: str) -> bool:
    t = sent.strip().lstrip("-【").strip()
    return len(t) < 30 and not t.endswith(("。", "；", "！", "？")) or t.endswith("】")


def _hit_where(h) -> str:
    m = h.meta
    parts = [f"《{m.get('document', '')}》"]
    if m.get("page"):
        parts.append(f"第{m['page']}页")
    elif m.get("line"):
        parts.append(f"第{m['line']}行")
    if m.get("section"):
        parts.append(str(m["section"]).split(" / ")[-1])
    return " ".join(parts)


def _hit_cite(h, text: str) -> dict[str, Any]:
    m = h.meta
    return {"document": m.get("document", ""), "page": m.get("page") or None, "line": m.get("line") or None,
            "text": text, "chunk": h.id}
