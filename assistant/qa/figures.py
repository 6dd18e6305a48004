"""Route ``figure`` from cells: a document metric (本年支出合计, 三公经费 …), a project's cell (得分, 执行率,
预算 …), a 决算 row or a row of any typed table named in the question, a scoring-table indicator or total, and
a grade stated in the prose. Mixed into :class:`assistant.qa.engine.Engine`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..documents import Document, Row, Table
from .answer import Answer, Fig, fmt_num
from .entities import (
    Metric,
    ProjectRef,
    display_name,
    doc_profile,
    find_columns,
    find_metrics,
    lcs_len,
    mentions_project,
    normalize,
    squash,
)
from .patterns import BUDGET_WORD_RE, GRADE_SENT_RE, NOT_FOUND_PREFIX, Scope, _cut, _is_num_text


class FigureRoutes:
    """Figures looked up in the tables (and the prose grade sentence); mixin of ``Engine``."""

    # ------------------------------------------------------------------ helpers: cells
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
                        # a target written with its comparison (“=100%”, “≥75000 页”): the number it holds
                        nums = re.findall(r"\d+(?:\.\d+)?", cell.text.replace(",", ""))
                        value = Decimal(nums[0]) if len(nums) == 1 else Decimal(0)
                        unit = "%" if len(nums) == 1 and "%" in cell.text else None
                        return [(Fig(value=value, unit=unit, label=lab, doc=p.doc, source=cell.source,
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
        named = self._named_table_row(q, scope)
        if named is not None:
            return named
        mets = find_metrics(q)
        sq0 = squash(q)
        dm0 = [(m, squash(a)) for _, m, a in mets if m.scope == "document"]
        for m1, a1 in dm0:
            for m2, a2 in dm0:
                if m1 is not m2 and re.search(re.escape(a1) + r"(的|中的|里的|之中的)" + re.escape(a2), sq0):
                    # “基本支出的人员经费合计”: the head noun is asked, the first names where it stands
                    mets = [x for x in mets if x[1] is not m1]
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
        elif named_table and len(scope.docs) <= 3:
            # “基本支出决算表里福利费花了多少”: the table is named, the row asked is the rest
            q_rest = sq
            for _, m, a in mets:
                if m in named_table:
                    q_rest = re.sub(re.escape(squash(a)) + r"[^，,。]{0,4}?表(里面|里|中|上|的)?", "|", q_rest)
            rest_words = re.sub(r"(一般公共预算|财政拨款|决算|花了|是|多少|万元|的|里|中|\||，|,|？|\?)", "", q_rest)
            if len(rest_words) >= 2:
                row = self._row_lookup(q_rest, scope)
                if row is not None and row.found:
                    return row
        inside = [a for _, m, a in mets if m.scope == "document" and re.search(re.escape(squash(a)) + r"(决算表|表)?(里面|里|中|当中|之中|下)", sq)]
        if inside and len(scope.docs) <= 3:
            # “基本支出里商品和服务支出决算多少”: a row inside the metric's table
            q_rest = sq
            for a in inside:
                q_rest = re.sub(re.escape(squash(a)) + r"(决算表|表)?", "|", q_rest)
            row = self._row_lookup(q_rest, scope) or self._narrative_answer(q_rest, scope)
            if row is not None and row.found:
                return row
            from .narrative_lookup import question_terms

            item, _rel = question_terms(re.sub(r"(年初|全年)?(预算|决算)数?|执行数|金额", "", q_rest),
                                        [a for v in self._aliases_of(scope.docs).values() for a in v])
            if len(item) >= 2 and not re.fullmatch(r"(合计|总额|总计|一共|多少|情况)+", item):
                # “基本支出里办公费决算数”: the item inside the table is asked, never the table's total
                return Answer(f"{NOT_FOUND_PREFIX}“{item}”的数值：{self._who([doc_profile(d) for d in scope.docs], scope.named)}"
                              f"报告的表格和文字说明中没有这一项。", False, route="not_found")
        proj_mets = [m for _, m, _ in mets if m.scope == "project"]
        projects = self._resolve_projects(q, scope, proj_mets[0] if proj_mets else None)
        if projects and proj_mets:
            return self._project_figure(q, projects, proj_mets[0], scope)
        if doc_mets and len(scope.docs) <= 3:
            # “一般行政管理事务的本年收入合计”: the metric names a column, the row is named before it
            alias = next(squash(a) for _, m0, a in mets if m0 is doc_mets[0])
            if re.search(r"[\u4e00-\u9fff]{4,}(的|之)" + re.escape(alias), sq) and any(
                    alias in (squash(c) for c in t.columns) for d in scope.docs for t in d.tables):
                row = self._row_lookup(q, scope)
                if row is not None and row.found and not any(
                        re.search(r"合计|总计", (f.source.row or "")) for f in row.figures if f.source):
                    return row
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
        if proj_mets and proj_mets[0].key in ("得分", "指标"):
            ans = self._score_indicator(q, scope)  # (“资金管理指标得分”: a row of the scoring table)
            if ans is not None:
                return ans
            if proj_mets[0].key == "得分":
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
        head = re.split(r"[|，,。？?：:]", s[:i])[-1]
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
                        # a column the question names (“其他收入”, “财政拨款收入”) before the default ones
                        named_cols = sorted((c for c in t.columns if len(squash(c)) >= 3 and squash(c) in s
                                             and squash(c) != lab), key=len, reverse=True)
                        cell = next((r.cells[c] for c in named_cols + list(cols) + list(self.ROW_DEFAULT_COLS)
                                     if c in r.cells and r.cells[c].is_number), None)
                        if cell is None:
                            continue
                        if len(lab) > best_len:
                            found, best_len = [], len(lab)
                        if all(t.kind != x[1].kind for x in found):
                            found.append((Fig.from_cell(cell, f"{r.label}{cell.source.column or ''}", doc, t), t,
                                          cell.source.column in named_cols))
            if any(x[2] for x in found):
                found = [x for x in found if x[2]]  # the table with the column the question names
            found = [(f, t) for f, t, _named in found]
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

    def _named_table_row(self, q: str, scope: Scope) -> Answer | None:
        """“基本支出决算表里福利费花了多少”, “收入决算表的其他收入”: the table is named, so a row named by a short
        label (福利费, 奖金) is looked up in that table only."""
        if len(scope.docs) > 3:
            return None
        s = re.sub(r"\((公开)?\d{1,2}表\)", "", self._strip_docs(q))  # “基本支出决算表（公开06表）里”
        m = re.search(r"([\u4e00-\u9fff“”]{2,30}?表)(里面|里|中|上|的)", s)
        if not m:
            return None
        phrase = re.sub(r"^(一般公共预算|一般公共|财政拨款)+", "", m.group(1))
        rest = s[:m.start()] + "|" + s[m.end():]
        cols = [c for _, c in find_columns(q)]
        for doc in scope.docs:
            best: tuple[float, Table] | None = None
            for t in doc.tables:
                title = squash(t.title or "")
                if not title.endswith("表"):
                    continue
                n, _sub = lcs_len(phrase, title)
                score = n / len(phrase) + (0.5 if title.endswith(phrase) else 0)
                if n >= 4 and score >= 0.7 and (best is None or score > best[0]):
                    best = (score, t)
            if best is None:
                continue
            t = best[1]
            rows = [r for r in t.rows if len(normalize(r.label)) >= 2 and normalize(r.label) in rest]
            if not rows:
                continue
            r = max(rows, key=lambda x: len(normalize(x.label)))
            named_cols = sorted((c for c in t.columns if len(squash(c)) >= 2 and squash(c) in rest), key=len, reverse=True)
            cell = next((r.cells[c] for c in named_cols + cols + list(self.ROW_DEFAULT_COLS) + list(t.columns)
                         if c in r.cells and r.cells[c].is_number), None)
            if cell is None:
                continue
            f = Fig.from_cell(cell, f"{r.label}{cell.source.column or ''}", doc, t)
            return Answer(f"{display_name(doc)}{doc.year or ''}年{t.kind_name}中{f.label}为{f.shown()}（{f.where()}）。",
                          True, [f], route="figure")
        return None

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

    def _indicator_group(self, q: str, scope: Scope) -> Answer | None:
        """“部门管理指标下面几个二级指标得分加起来”, “部门效益指标得了多少分”: the first-level indicator prints no
        score of its own, so its score is the sum of its second-level rows — shown with the formula."""
        s = squash(q)
        if not re.search(r"得分|得了|几分|多少分|分数|扣了|扣分", s) or re.search(r"(分值|权重|满分)(是|为|有)?(多少|几)", s) \
                or not re.search(r"指标|一级|二级|类", s):
            return None  # (cheap tests first: the tables are read only for a question about an indicator group)
        for doc in scope.docs:
            for kind in ("score_summary", "score_table"):
                for t in doc.tables_of(kind):
                    rows = t.rows
                    for i, r in enumerate(rows):
                        lab = squash(r.label)
                        if r.role != "subtotal" or len(lab) < 4 or lab not in s:
                            continue
                        if any(squash(x.label) == lab and "得分" in x.cells and x.cells["得分"].is_number
                               for k2 in ("score_summary", "score_table") for t2 in doc.tables_of(k2) for x in t2.rows):
                            continue  # a table prints its own score: the figure route answers
                        kids = []
                        for x in rows[i + 1:]:
                            if x.role in ("subtotal", "total"):
                                break
                            if "得分" in x.cells and x.cells["得分"].is_number:
                                kids.append(x)
                        if len(kids) < 2:
                            continue
                        figs = [Fig.from_cell(x.cells["得分"], f"{x.label}得分", doc, t) for x in kids]
                        total = sum((f.value for f in figs), Decimal(0))
                        formula = " + ".join(f"{x.label} {fmt_num(f.value)}" for x, f in zip(kids, figs, strict=True)) \
                            + f" = {fmt_num(total)}"
                        res = Fig(value=total, unit="分", label=f"“{r.label}”得分合计", computed=True,
                                  formula=formula, text=fmt_num(total))
                        weight = r.cells.get("分值") or r.cells.get("权重")
                        of = f"（该项分值{weight.text}分）" if weight is not None and weight.is_number else ""
                        text = (f"《{doc.name}》{t.kind_name}中，“{r.label}”本行未列得分，其下{len(kids)}项二级指标"
                                f"得分合计为{fmt_num(total)}分{of}。\n计算：{formula}。\n出处：{figs[0].where()}起"
                                f"{len(kids)}行“得分”列。")
                        return Answer(text, True, [res] + figs, route="compute", formula=formula)
        return None

    def _indicator_reason(self, q: str, scope: Scope) -> Answer | None:
        """“无纸化笔记本电脑指标为啥完成值是0”, “软硬件提升项目成本指标为啥被扣分”: the 偏差原因分析及改进措施 the
        self-evaluation table gives for that indicator, with its target, actual value and score."""
        s = squash(q)
        projects = [p for p in self._resolve_projects(q, scope) if p.kind == "self_eval"]
        if len({(p.doc.id, p.name) for p in projects}) != 1:
            return None
        p = projects[0]
        rows = [r for r in p.table.rows if r.role == "indicator"]
        if not rows:
            return None
        rest = s.replace(squash(p.name), "|")

        def _score(r: Row) -> float:
            n, _sub = lcs_len(rest, squash(r.label))
            lost = ("得分" in r.cells and "分值" in r.cells and r.cells["得分"].is_number and r.cells["分值"].is_number
                    and r.cells["得分"].value < r.cells["分值"].value)
            reason = bool(r.cells.get("偏差原因") is not None and r.cells["偏差原因"].text.strip())
            return (n if n >= 2 else 0) * 2 + (1.5 if lost and re.search(r"扣|没得满|失分|丢分", s) else 0) + (1 if reason else 0)

        best = max(rows, key=_score)
        named_ind = lcs_len(rest, squash(best.label))[0] >= 3
        if not named_ind and not re.search(r"指标|扣分|扣了|偏差|完成值|没得满分|失分|丢分", s):
            return None  # (“存在的问题是怎么写的” asks the report's prose, not an indicator's reason)
        if _score(best) < 1 or best.cells.get("偏差原因") is None or not best.cells["偏差原因"].text.strip():
            return None
        reason = best.cells["偏差原因"]
        facts = "，".join(f"{k}{best.cells[k].text}" for k in ("年度指标值", "实际完成值", "分值", "得分")
                          if best.cells.get(k) is not None and best.cells[k].text.strip())
        f = Fig.from_cell(reason, f"{p.name}·{best.label}偏差原因", p.doc, p.table)
        text = (f"{display_name(p.doc)}“{p.name}”项目支出绩效自评表中，指标“{best.label}”（{facts}）的偏差原因分析及改进措施："
                f"“{reason.text.strip()}”（{f.where()}）。")
        cite = {"document": p.doc.name, "page": reason.source.page, "line": reason.source.line,
                "text": reason.text.strip(), "chunk": ""}
        return Answer(text, True, citations=[cite], route="passage")

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
