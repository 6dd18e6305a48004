"""Route ``compute``: 相差 / 占比 / 合计 / 倍 over two or more operands — table cells of documents or projects,
figures stated in the prose, or each operand resolved on its own — and the “哪个更高” comparison of two
operands (route ``compare``). Mixed into :class:`assistant.qa.engine.Engine`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .answer import Answer, Fig, fmt_num, places_of
from .entities import (
    METRICS,
    ProjectRef,
    find_columns,
    find_metrics,
    lcs_len,
    match_projects,
    normalize,
    squash,
)
from .patterns import (
    CHANGE_Q_RE,
    GENERIC_TERMS,
    IMPLIED_REMAIN_RE,
    NOT_FOUND_PREFIX,
    OP_DIFF,
    OP_RATIO,
    OP_SHARE,
    OP_SUM,
    OP_WORDS_RE,
    WHICH_OF_TWO_RE,
    Scope,
    _is_num_text,
)


class ComputeRoutes:
    """Recomputations over the operands a question names; mixin of ``Engine``."""

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
        lead = re.match(r"^[^，,。？?]{2,30}?(里面|里|当中|之中|中)[，,](?=[^，,。？?]*(占|和|与|跟|比|减|加|除以))", squash(q))
        if lead:
            # “一般公共预算财政拨款支出里，财政委托业务支出占一般公共服务支出的比重”: the clause before the comma
            # says where the operands stand; they are named after it
            inner = self._operands_core(q[len(lead.group(0)):] if squash(q).startswith(lead.group(0)) else
                                        squash(q)[lead.end():], scope)
            if isinstance(inner, list) and len(inner) >= 2:
                return inner
        return self._operands_core(q, scope)

    def _operands_core(self, q: str, scope: Scope) -> list[Fig] | Answer:
        rate_q = bool(re.search(r"(完成|执行|增长|节支)率", squash(q))) and not OP_SHARE.search(squash(q))

        def _fits(figs: list[Fig]) -> bool:  # a rate was asked: every operand is a rate, never an amount
            return not rate_q or all(f.unit == "%" for f in figs)

        sq = squash(q)
        ctx = next((a for _, m, a in find_metrics(q) if m.scope == "document"
                    and re.search(re.escape(squash(a)) + r"(里面|里|当中|之中|中)[，,]?", sq)), None)
        if ctx is not None:
            # “三公经费里，公务接待费全年预算减掉决算”: the metric before 里 names where, the operands follow
            inner = self._operands_tables(re.sub(re.escape(squash(ctx)) + r"(里面|里|当中|之中|中)[，,]?", "", sq), scope)
            if isinstance(inner, list) and len(inner) == 2 and _fits(inner):
                return inner
        ops = self._operands_tables(q, scope)
        if isinstance(ops, list) and not _fits(ops):
            ops = []
        if isinstance(ops, list) and len(ops) >= 2 and len({(f.source.page, f.source.line, f.source.row, f.value)
                                                             if f.source else id(f) for f in ops}) < len(ops):
            ops = []  # two words resolved to one cell: look for the operands another way
        if isinstance(ops, Answer) or len(ops) < 2:
            # (an empty table cell — 项目支出全年预算数 — may still be stated in the prose)
            narr = self._narrative_operands(q, scope)
            if len(narr) >= 2 and len({(f.source.page, f.source.line, f.value) for f in narr}) == len(narr) \
                    and _fits(narr):
                return narr
            parts = self._part_operands(q, scope)
            if len(parts) >= 2 and _fits(parts):
                return parts
        return ops

    def _part_operands(self, q: str, scope: Scope) -> list[Fig]:
        """Each operand resolved on its own — a table row, a metric or a stated figure: “信息化建设和财政委托业务支出
        哪个决算大”, “工资福利支出占基本支出的比重”, “政府采购货物加服务一共多少” (服务 takes 政府采购 from its partner)."""
        if len(scope.docs) != 1 or CHANGE_Q_RE.search(squash(q)) or re.search(r"上年|去年|同比", squash(q)):
            return []  # a change against last year is a stated figure, not two operands
        s = self._strip_docs(q)
        s = re.sub(r"[(（]?(测试问题版本|测试版本?|正式版本?)[)）]?|(20\d{2}|\d{2})年度?|去年|今年|本年度|模板", "|", s)
        ctx = ""
        m = re.match(r"^\|*([\u4e00-\u9fff]{2,8}?)(里面|里|当中|之中|中(?=[，,]))", s)
        if m:  # “政府采购里货物和服务”: the words before 里 qualify every operand
            ctx, s = m.group(1), s[m.end():]
        # “A在B里占比多少”: A is the part, B the whole — two operands
        s = re.sub(r"在([^，,|]{2,20}?)(里面|里|中|当中|之中)(的)?(?=占)", r"|\1|", s)
        s = re.sub(r"是(?=[^是，,。？?]{2,30}?的?(几|多少|多少个)?倍)", "|", s)  # “A是B的几倍”: two operands
        s = OP_WORDS_RE.sub("|", s)
        s = re.sub(r"(?<=[\u4e00-\u9fff])(那块|这块|那个|这个|那项|这项)(?=[\u4e00-\u9fff])", "", s)  # “住房公积金那项年初预算”
        parts = [re.sub(r"(这|那|这些|那些)$", "", x.strip("|的里中，,？?"))
                 for x in split_operands(s, r"比|和|与|及|、|跟|同|占|除以|减去|加上|加|相比|，|,|\|")]
        # “科学技术、文化旅游体育与传媒、资源勘探工业信息这三类支出”: the trailing 支出 belongs to every part
        suffix = next((x for x in reversed(parts) if x in ("支出", "收入", "经费")), "")
        parts = [x for x in parts if x not in ("支出", "收入", "经费")]
        parts = [x for x in parts if len(re.sub(r"[^\u4e00-\u9fff]", "", x)) >= 2
                 and not re.fullmatch(r"[里中的]+|哪块|哪个|(的)?(金额|数额|总额|规模|钱)|(多少)?(万元|亿元|元|万|亿)", x)
                 and not re.fullmatch(r"(支出)?(决算数?|年初预算数?|全年预算数?|预算数?|执行数)", x)]  # a column word qualifies
        names = "|".join(squash((d.department or "") + "|" + (d.title or "")) for d in scope.docs)
        parts = [x for x in parts if not (len(x) <= 4 and x in names)]  # “普陀”: where the report is from
        heads = [x for x in parts if re.search(r"(下面|下边|底下|之下|里面|当中)$", x)]
        if heads and len(parts) - len(heads) >= 2:
            # “‘政府办公厅（室）及相关机构事务’下面，政务公开审批和事业运行”: the heading qualifies, it is no operand
            parts = [x for x in parts if x not in heads]
        # “A和B，全年预算完成率相差多少”: the rate named once qualifies every operand
        rate = next((x for x in parts if re.fullmatch(r"[\u4e00-\u9fff]{0,6}(完成率|执行率|增长率|节支率|进度)|"
                                                        r"完成(年初|全年)?预算的?(比例|百分比)?", x)), "")
        if rate and len(parts) >= 3:
            parts = [x for x in parts if x != rate]
        else:
            rate = ""
        if not 2 <= len(parts) <= 4:
            return []
        figs: list[Fig] = []
        under = re.sub(r"(下面|下边|底下|之下|里面|当中)$", "", heads[0]) if heads else ""
        for i, part in enumerate(parts):
            f = self._child_row(under, part, scope) if under else None
            f = f or (self._one_operand(part + rate, scope) if rate else None)
            if rate and f is not None and f.unit != "%":
                f = None  # a rate was asked: an amount of that row is not it
            if f is None and rate and re.search(r"完成|执行", rate):
                # a row whose rate no table or sentence states: its 决算 ÷ 预算 (“行政单位医疗和事业单位医疗哪个完成率高”)
                rr = self._row_rate(part + ("完成年初预算的比例" if "年初" in squash(q) else "的执行率"), scope)
                if rr is not None:
                    f = rr.figures[0]
                    f.label = f"{part}{'完成年初预算的比例' if '年初' in squash(q) else '预算执行率'}"
            f = f or self._one_operand(part, scope)
            if f is None and ctx:
                f = self._one_operand(ctx + part, scope)
            if f is None and suffix and not part.endswith(suffix):
                f = self._one_operand(part + suffix, scope)
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

    def _child_row(self, heading: str, part: str, scope: Scope) -> Fig | None:
        """The row named ``part`` under the row named ``heading`` (by 科目编码), in the first table that has both."""
        h = squash(heading)
        order = {k: i for i, k in enumerate(self.ROW_TABLE_ORDER)}  # the 支出决算表 first
        for t in sorted(scope.docs[0].tables, key=lambda t: order.get(t.kind, 99)):
            parent = next((r for r in t.rows if getattr(r, "code", None) and len(normalize(r.label)) >= 4
                           and normalize(r.label) in h), None)
            if parent is None:
                continue
            pc = str(parent.code)
            for r in t.rows:
                if normalize(r.label) in (squash(part), re.sub(r"(本年)?(支出|决算数?|预算数?)$", "", squash(part))) \
                        and getattr(r, "code", None) and str(r.code).startswith(pc) \
                        and str(r.code) != pc:
                    f = self._row_fig(r, t, scope.docs[0], prefix=f"{parent.label}·")
                    if f is not None:
                        return f
        return None

    def _row_fig(self, r, t, doc, prefix: str = "") -> Fig | None:
        """A row's figure in its first default column that holds a number (本年支出合计, 决算数, 合计 …)."""
        c = next((r.cells[k] for k in self.ROW_DEFAULT_COLS if k in r.cells and r.cells[k].is_number), None)
        return Fig.from_cell(c, f"{prefix}{r.label}{c.source.column or ''}", doc, t) if c is not None else None

    def _exact_row(self, scope: Scope, named) -> Fig | None:
        """The first row of the report whose normalised label satisfies ``named`` and has a default figure."""
        doc = scope.docs[0]
        for t in doc.tables:
            for r in t.rows:
                if named(normalize(r.label)):
                    f = self._row_fig(r, t, doc)
                    if f is not None:
                        return f
        return None

    def _one_operand(self, part: str, scope: Scope) -> Fig | None:
        if len(part) <= 3:  # “奖金”, “办公费”: a row named exactly
            f = self._exact_row(scope, lambda lab: lab == part)
            if f is not None:
                return f
        row = self._row_lookup(part, scope)
        if row is not None and row.found and row.figures:
            return row.figures[0]
        # “资源勘探工业信息支出” for the row “资源勘探工业信息等支出”
        f = self._exact_row(scope, lambda lab: "等" in lab and lab.replace("等", "") == part)
        if f is not None:
            return f
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
        if not best and len(scope.docs) == 1 and not re.search(r"费|资金|金额|支出|收入|预算|决算|元|率|分", part):
            # “30个基层党组织里非公企业党组织占比”: a count the prose states (组织, 人, 户 …), never an amount
            from .narrative_lookup import best_figures, match_figures

            term = re.sub(r"的?\d+(个|项|人|名|家|户|批|次)", "", part)
            cnt = best_figures(match_figures(part, scope.docs, self._aliases_of(scope.docs), term=term,
                                             count_units=_COUNT_UNITS))
            if len(cnt) == 1:
                return self._narr_fig(cnt[0])
        return None

    def _implied_remain(self, q: str, scope: Scope) -> list[Fig] | None:
        """“还有多少钱没执行” = 预算 − 执行数; “预算还剩多少没花” = 预算数 − 决算数 (the columns are implied)."""
        base = self._named_base_remain(q, scope)
        if base:
            return base
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

    def _named_base_remain(self, q: str, scope: Scope) -> list[Fig] | None:
        """“实际到位的资金里，到年底还有多少没支出”: the base the question names (实际到位资金, a prose figure) minus
        the spending stated with it (全年实际支出) — not the project's budget columns."""
        m = re.match(r"^(.{2,40}?)(里面|里|当中|之中|中)[，,]", squash(q))
        if not m or len(scope.docs) != 1:
            return None
        from .narrative_lookup import match_figures, question_terms

        d = scope.docs[0]
        al = self._aliases_of([d])
        head = re.sub(r"的(?=[\u4e00-\u9fff]{2,4}$)", "", self._strip_docs(m.group(1)))
        term, _ = question_terms(head, al.get(d.id, []))
        if len(term) < 2:
            return None
        cands = [x for x in match_figures(head, [d], al, term=term) if x.fig.kind == "amount"]
        if not cands:
            return None
        b = cands[0]
        # the spending stated in the same paragraph after it (实际支出 / 支出 / 执行 / 支付)
        spent = [f for f in d.figures if f.kind == "amount" and f is not b.fig and f.source.line == b.fig.source.line
                 and f.source.page == b.fig.source.page and re.search(r"支出|执行|支付|使用", f.subject)
                 and f.value <= b.fig.value]
        if not spent:
            return None
        fb, fs = self._narr_fig(b), self._narr_fig(type(b)(0.0, spent[0], d))
        return [fb, fs]

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
        if IMPLIED_REMAIN_RE.search(squash(q)) and not re.search(r"减去|减掉|扣除|扣掉|除以", squash(q)) and len([1 for _, m, _ in find_metrics(q) if m.key not in
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
            # “惠企政策兑现(产业发展引导资金)” names one project, not also “产业发展引导资金” inside its brackets
            sq = squash(q)
            distinct = [p for p in distinct if not any(
                squash(p.name) in squash(o.name) and p.name != o.name
                and squash(p.name) not in sq.replace(squash(o.name), "|") for o in distinct)]

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
        if any(not f.computed and f.text and not _is_num_text(f.text) for f in ops):
            return None  # a grade (良) or a word is no operand: never computed as 0
        s = squash(q)
        for _, _m, a in find_metrics(q):
            s = s.replace(squash(a), "")
        if OP_DIFF.search(s):  # “完成年初预算的比例相差多少”: the 比例 names the rates compared, not a share asked
            s = re.sub(r"完成(年初|全年)?预算的?(比例|百分比)|(执行|完成)的?(比例|百分比)", "", s)
        if len({f.unit for f in ops}) == 1:  # one unit (亿元 and 亿元): computed and shown in it
            vals, unit = [f.value for f in ops], ops[0].unit
        else:
            vals = [f.wan if f.unit in ("元", "万元", "亿元") else f.value for f in ops]
            unit = ops[0].unit if ops[0].unit not in ("元", "亿元") else "万元"
        pl = max(places_of(f.text) for f in ops)
        if OP_SHARE.search(s) and len(ops) == 2:
            # “基本支出中人员经费占比”: the whole is named first, the part stands before 占
            sq = squash(q)

            la, lb = squash(ops[0].label), squash(ops[1].label)
            k = 0
            while k < min(len(la), len(lb)) and la[-1 - k] == lb[-1 - k]:
                k += 1  # “工程采购金额” / “政府采购金额”: the words that tell them apart decide where each stands

            def _pos(label: str, other: str) -> int:
                core = label[:len(label) - k] if len(label) - k >= 2 else label
                # (“都市工业项目签约金额占全部签约金额”: 签约金额 is looked for outside the other's name)
                hay = sq.replace(other, "|" * len(other)) if label in other and label != other else sq
                _n, sub = lcs_len(hay, core)
                return hay.find(sub) if sub else -1

            pa, pb = _pos(la, lb), _pos(lb, la)
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

    def _row_rate(self, q: str, scope: Scope) -> Answer | None:
        """The execution rate of a row no table or sentence states: its 决算 over its 全年预算 (年初预算 where the
        table has no 全年预算), recomputed with the formula shown."""
        s = squash(q)
        m = re.search(r"的?(预算)?(执行率|完成率|执行进度|完成进度)|的?(全年|年初)?预算(执行|完成)了?(几成|多少)|"
                      r"完成(了)?(全年|年初)?预算的?(比例|百分比|几成|百分之几)", s)
        if not m or len(scope.docs) != 1:
            return None
        subject = re.sub(r"[，,]?(全年|年初)$", "", s[:m.start()])
        order = ("年初预算", "全年预算") if "年初" in s else ("全年预算", "年初预算")
        for budget in order:
            ans = self._compute(f"{subject}决算除以{budget}", scope)
            if ans is not None and ans.found and ans.route == "compute" and ans.figures \
                    and ans.figures[0].unit == "%":
                name = re.sub(r"决算数?$", "", ans.figures[1].label) or ans.figures[1].label
                lines = ans.answer.split("\n")
                lines[0] = f"{name}的预算执行率为{fmt_num(ans.figures[0].value)}%（决算数 ÷ {budget}数）。"
                ans.answer = "\n".join(lines) + f"\n（报告未直接列出这一执行率，按决算数 ÷ {budget}数 × 100% 计算。）"
                return ans
        return None

    def _which_of_two(self, q: str, scope: Scope) -> Answer | None:
        """“城管分局和机关事务中心整体支出哪个分高”, “赣服通执行率比大厅日常运维高还是低”: two operands, the
        gap, and which one is higher — stated in words."""
        def _what(m: re.Match) -> str:
            if m.group(6):
                return "相差多少"
            w = m.group(3) or ""
            if re.fullmatch(r"(同比)?(增长|增速|增幅|涨幅)(率)?(更)?", w):
                w = "增长率"  # “哪个同比增长更快”: the growth rates compared
            if w in GENERIC_TERMS or re.fullmatch(r"(的)?(金额|数额|钱|花得|花的|用得|用的)", w):
                w = ""  # “哪个支出多”, “哪个金额大”: no column of its own
            if w.endswith("率") or w.endswith("比例") or w.endswith("百分比"):
                return f"，{w}相差多少"  # its own part: the rate qualifies both operands
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
        if hi is b and a.unit == b.unit and " − " in res.formula:  # the gap written the way the answer states it: larger − smaller
            formula = f"{hi.label} − {lo.label} = {fmt_num(hi.value)} − {fmt_num(lo.value)} = {fmt_num(res.value)}"
            ans.answer = ans.answer.replace(f"计算：{res.formula}。", f"计算：{formula}。")
            res.formula = ans.formula = formula
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


# ---------------------------------------------------------------------- helpers
_COUNT_UNITS = ("个", "项", "人", "名", "家", "户", "批", "批次", "次", "人次", "条", "件", "场", "页", "份", "辆", "台", "套")
# names that contain a conjunction: never split into two operands
_AND_TERMS = ("体育与传媒", "规划与管理", "监督与管理", "资源与", "交通与", "社会保障和就业", "商品和服务", "结转和结余", "规划和自然资源", "住房和城乡", "对个人和家庭", "卫生和计划生育",
              "工资和福利", "资本性支出和", "文化和旅游", "交通和运输", "农业和农村", "科学和技术", "及相关机构", "及其他")


def split_operands(s: str, seps: str) -> list[str]:
    """Split the question's operand words at the conjunctions, keeping “社会保障和就业” whole."""
    for t in _AND_TERMS:
        s = s.replace(t, t.replace("和", "\x00").replace("与", "\x01").replace("及", "\x02"))
    return [x.replace("\x00", "和").replace("\x01", "与").replace("\x02", "及") for x in re.split(seps, s)]


def _u(unit: str | None) -> str:
    if unit in (None, "", "分"):
        return ""
    return unit
