"""The answering engine: resolve entities, route the question, compose a deterministic Chinese answer
from table cells, recomputations and the check engine's findings — every figure with its source.

Routes: ``findings`` (有哪些不一致), ``check`` (复核…), ``compare`` (哪个项目得分最低), ``compute``
(相差/占比/合计/倍), ``figure`` (a cell), ``passage`` (extractive, hybrid retrieval), ``not_found``.
The engine never guesses: when the library has no cell, finding or passage for the question it says so.

The routes live in mixin modules, one per route family: :mod:`.figures` (cells), :mod:`.compute`
(recomputations), :mod:`.prose` (figures stated in the text), :mod:`.ranking` (extremes),
:mod:`.findings_routes` (findings and checks) and :mod:`.passages` (extractive passages); the shared regexes
and :class:`Scope` are in :mod:`.patterns`. This module keeps the entry (``ask``), the router and the
resolution of the question's scope and entities.
"""

from __future__ import annotations

import re
import threading
from decimal import InvalidOperation

from ..documents import Document
from .answer import Answer
from .compute import ComputeRoutes, split_operands
from .counts import asked_units, count_answer, count_not_found, group_answer, list_answer
from .entities import (
    DocProfile,
    Metric,
    ProjectRef,
    all_projects,
    core_department,
    display_name,
    doc_profile,
    document_orgs,
    document_rows,
    explicit_years,
    filter_by_type,
    find_metrics,
    lcs_len,
    match_documents,
    match_projects,
    relative_year,
    squash,
)
from .figures import FigureRoutes
from .findings_routes import CheckRoutes
from .passages import PassageRoutes, asked_entity
from .patterns import (
    BUDGET_WORD_RE,
    CHANGE_Q_RE,
    CHECK_RE,
    COMPARE_RE,
    FINDINGS_ASK_RE,
    FINDINGS_RE,
    GENERIC_TERMS,
    GRADE_Q_RE,
    GRADE_SENT_RE,
    GROWTH_WHY_RE,
    IMPLIED_REMAIN_RE,
    NOT_FOUND_PREFIX,
    NUMERIC_Q_RE,
    OP_DIFF,
    OP_RATIO,
    OP_SHARE,
    OP_SUM,
    OP_WORDS_RE,
    ORG_RE,
    RANK_ROWS_RE,
    SECTION_ASKS,
    SECTION_INLINE,
    USAGE_RE,
    WHICH_OF_TWO_RE,
    WHY_RE,
    Scope,
)
from .prose import ProseRoutes
from .ranking import RankingRoutes

# names other modules import from here (the regexes and Scope moved to .patterns, split_operands to .compute)
__all__ = [
    "Engine",
    "FINDINGS_RE",
    "FINDINGS_ASK_RE",
    "CHECK_RE",
    "COMPARE_RE",
    "OP_SHARE",
    "OP_RATIO",
    "OP_SUM",
    "OP_DIFF",
    "ORG_RE",
    "NOT_FOUND_PREFIX",
    "CHANGE_Q_RE",
    "GENERIC_TERMS",
    "NUMERIC_Q_RE",
    "WHICH_OF_TWO_RE",
    "IMPLIED_REMAIN_RE",
    "RANK_ROWS_RE",
    "GROWTH_WHY_RE",
    "WHY_RE",
    "BUDGET_WORD_RE",
    "GRADE_Q_RE",
    "GRADE_SENT_RE",
    "SECTION_INLINE",
    "SECTION_ASKS",
    "OP_WORDS_RE",
    "Scope",
    "split_operands",
]


class Engine(FigureRoutes, ComputeRoutes, ProseRoutes, RankingRoutes, PassageRoutes, CheckRoutes):
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
        self._rows_of: dict[str, frozenset[str]] = {}
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
                rows_of: dict[str, frozenset[str]] = {}
                if hasattr(self.library, "entity_index"):
                    # the entity records stored at ingest: headers, projects, units; no tables in memory
                    for handle, rec in self.library.entity_index():
                        docs.append(handle)
                        projects.extend(ProjectRef(name, handle, None, row_label, table_index=ti, kind=kind,
                                                   unit=unit)
                                        for name, ti, row_label, kind, unit in rec.get("projects", ()))
                        orgs.update(rec.get("orgs", ()))
                        rows_of[handle.id] = frozenset(rec.get("rows", ()))
                else:  # a library object without records (tests' stand-ins): full documents
                    docs = self.library.all_documents()
                    projects = all_projects(docs)
                    for d in docs:
                        orgs.update(document_orgs(d))
                        rows_of[d.id] = frozenset(document_rows(d))
                self._rows_of = rows_of
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
        if "“去年”按报告年度理解" in scope.note and ans.found and len(scope.docs) == 1 and scope.docs[0].year:
            # “去年” may also mean the year before the report's: say what the report gives for that year too
            yr = scope.docs[0].year
            alt = self._prior_year(re.sub(r"去年", f"{yr - 1}年", q), Scope(scope.docs, True, prior_of=yr))
            if alt is not None and alt.found and alt.figures:
                f = alt.figures[0]
                how = f"（{f.formula}）" if f.formula else f"（{f.where()}）" if f.source else ""
                ans.answer += f"\n若“去年”指{yr - 1}年：{f.label}为{f.shown()}{how}。"
                ans.extra_figures = list(ans.extra_figures or []) + [f.to_dict()]
        return ans

    def _route(self, q: str, scope: Scope) -> Answer:
        s = squash(q)
        try:
            if self._is_findings(s):
                return self._findings(q, scope)
            if asked_entity(s) and not re.search(r"多少|几(个|辆|人|项|家|次|批|台)|金额|数额", s) and not COMPARE_RE.search(s):
                return self._passage(q, scope)  # “那4辆公务用车分别是什么品牌”: a name asked, checked there
            ans = self._prior_year(q, scope)  # “去年的收入合计（按增加额倒推）”: last year's figure
            if ans is not None:
                return ans
            if scope.prior_of:
                d = scope.docs[0]
                return Answer(f"{NOT_FOUND_PREFIX}{display_name(d)}{scope.prior_of - 1}年的这一数：资料库中{display_name(d)}"
                              f"的报告年度为{scope.prior_of}年，报告没有写明上年的数，也没有写明可推算的比上年增减额。",
                              False, route="not_found")
            ans = self._rule_figure(q, scope)  # “每下降1个百分点扣几分”: the number a scoring rule states
            if ans is not None:
                return ans
            ans = self._indicator_group(q, scope)  # a first-level indicator's score: its rows added up
            if ans is not None:
                return ans
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
            if re.search(r"为什么|为何|为啥|咋会|咋就|原因|咋回事|怎么回事|怎么解释|如何解释|怎么说明|怎么表述|如何表述|怎么说的|怎么写的|"
                         r"怎么讲|要不要|需不需要|是否需要|还要不要|该不该|怎么处理|如何处理|怎么填|如何填报|怎么写|如何写|放不放|"
                         r"怎么打分|如何打分|怎么评分|如何评分|怎么扣分|怎么算分|打分标准|评分标准是", s) \
                    or USAGE_RE.search(s):
                # a why-question asks for the report's explanation, not a recomputation of the gap
                ind = self._indicator_reason(q, scope)  # an indicator's 偏差原因 in its self-evaluation table
                if ind is not None:
                    return ind
                if GROWTH_WHY_RE.search(s):
                    g = self._growth_passage(q, scope)
                    if g is not None:
                        return g
                return self._passage(q, scope)
            if CHANGE_Q_RE.search(s) or re.search(r"比(20\d{2}|\d{2})年", s):
                ans = self._year_series(q, scope)  # “2022年提供的就业岗位比去年多几个”: a series stated year by year
                if ans is not None:
                    return ans
            if CHANGE_Q_RE.search(s) and not (COMPARE_RE.search(s) or WHICH_OF_TWO_RE.search(s) and "还是" not in s):
                narr = self._narrative_answer(q, scope)
                if narr is not None and any(getattr(f, "sentence_text", None) for f in narr.figures):
                    return narr
            if WHICH_OF_TWO_RE.search(s) and not re.search(r"最|前[三五十]|排名", s):
                ans = self._which_of_two(q, scope)
                if ans is not None:
                    return ans
            if COMPARE_RE.search(s) and not self._two_operands(q, scope) \
                    and re.search(r"最|前[三五十]|后[三五]|排名|排第|第一|垫底|倒数|高|低|多|少|大|小|好|差",
                                  re.sub(r"多少|大小|高低|多大|减少|缩小|扣减", "", s)):
                # (“哪些项目被扣减了预算” names no order: it is no ranking)
                ans = self._rank_lost(q, scope)  # “哪个二级指标丢分最多”: 分值 − 得分 of each indicator
                if ans is not None:
                    return ans
                ans = self._rank_listed(q, scope)  # “货物、工程、服务三类里哪类最少”: the items listed
                if ans is not None:
                    return ans
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
            if ans is not None and ans.found and re.search(r"单价|每台|一台多少|每个多少|每人多少", s) \
                    and not any(re.search(r"单价|每", f.label) for f in ans.figures):
                ans = None  # “平板电脑单价多少钱一台”: a total is not a unit price
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
            rate = self._row_rate(q, scope)  # “事业单位医疗的预算执行率”: 决算 ÷ 全年预算 of that row
            if rate is not None:
                return rate
            if ans is not None and "longer_term" in ans.flags:
                return self._numeric_passage(q, scope)
            if ans is not None:
                return ans
        except (InvalidOperation, ZeroDivisionError) as exc:  # pragma: no cover - defensive
            return Answer(f"无法计算：{exc}", False, route="not_found")
        return self._numeric_passage(q, scope)

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
        if exact and named and not has_proj_metric and not any(p.doc.id == d.doc.id for p in exact for d in named_docs):
            # “昌南党政办政务服务中心软硬件提升项目…”: the report named by the words outside the project's own name
            q_wo = squash(q)
            for p in exact:
                q_wo = q_wo.replace(squash(p.name), "|")
            ids = {p.doc.id for p in exact}
            moved = [pr for pr in profiles if pr.doc.id in ids and match_documents(q_wo, [pr])[1]]
            if moved:
                named_docs = moved
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
        if not named and not document and len(profiles) > 1:
            # “赣服通5.0那个项目的部门评价…”: a project that only one report has decides the report
            cands = match_projects(self._strip_docs(q, metrics=True), self._projects_in(Scope([p.doc for p in profiles], False)))
            if cands:
                top = cands[0][0]
                best = [p for sc, p in cands if sc >= top - 1e-9]
                ids = {p.doc.id for p in best}
                if len(ids) == 1 and top >= 5:
                    chosen = [pr for pr in profiles if pr.doc.id in ids]
                    named = top >= 100  # a fuzzy project name may still yield to a 科目 named exactly
        if not named and not document and len(profiles) > 1:
            # “城乡社区规划与管理（项）…”: a 科目 that only one report lists decides the report
            sq = re.sub(r"[（(](类|款|项)[)）]", "", squash(q))
            best_len, ids = 0, set()
            for pr in profiles:
                n = max((len(r) for r in self._rows_of.get(pr.doc.id, ()) if r in sq), default=0)
                if n > best_len:
                    best_len, ids = n, {pr.doc.id}
                elif n == best_len and n:
                    ids.add(pr.doc.id)
            if best_len >= 5 and len(ids) == 1:
                chosen = [pr for pr in profiles if pr.doc.id in ids]
            named = len(chosen) < len(profiles)
        # years
        years = explicit_years(q)
        rel = relative_year(q)
        note = ""
        if years:
            sel = [p for p in chosen if p.doc.year in years]
            prior = [p for p in chosen if p.doc.year and p.doc.year - 1 in years] if named and len(years) == 1 else []
            if not sel and len({p.doc.id for p in prior}) == 1:
                # “2023年三公经费决算是多少” of the 2024 report: last year's figure, stated or derived from the change
                return Scope(docs=[prior[0].doc], named=True, note=note, prior_of=prior[0].doc.year)
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
        s = squash(re.sub(r"[“\"「][^”\"」]{2,30}[”\"」]", "|", q))  # a quoted name is a heading or an item, not a unit
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
            org = re.sub(r"^(测试问题版本?|测试版本?|正式版本?|公开版本?|的)+", "", org)  # “测试版普陀区财政局”
            org = re.split(r"这张表|那张表|表里|表中|里面|名下|这|那|里|的|是|为|给|对|向|把|被", org)[-1]  # “区这张表里区党群工作部”
            # “城管分局和机关事务中心”, “赣服通执行率比大厅”: the unit named after the conjunction
            org = re.split(r"和|与|及|跟|比|还是", org)[-1] if not any(org in a for p in self._profiles
                                                                 for a in p.aliases) else org
            if len(org) < 3 or re.search(r"(党工委|党委|党组|党支部|工会|团委|纪委|纪工委|评价组|专家组|工作组)$", org):
                continue  # (“集聚区党工委组建的…”: a body inside the unit, not another unit)
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

    # ------------------------------------------------------------------ helpers: entities
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
