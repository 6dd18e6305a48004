"""Route ``compare``: rankings — the rows of a typed table (哪一类支出最多), the rates the prose states (完成预算比例
最低的是哪个), and projects by a metric (哪个项目得分最低, 前三). Mixed into :class:`assistant.qa.engine.Engine`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .answer import Answer, Fig, fmt_num
from .entities import METRICS, ProjectRef, display_name, find_metrics, normalize, squash
from .patterns import NOT_FOUND_PREFIX, RANK_ROWS_RE, Scope, _cut, _is_num_text


class RankingRoutes:
    """Extremes over rows, stated rates and projects; mixin of ``Engine``."""

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
                # “下面几个项级科目哪个最多”: the 项 level (the longest codes), else the level right under the row
                ml = (max if re.search(r"项级|项一级|[的个]项(科目)?哪", s) else min)(len(str(r.code)) for r in kids)
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
    def _rank_lost(self, q: str, scope: Scope) -> Answer | None:
        """“得分一览表里哪个二级指标丢分最多”: 分值 − 得分 of every indicator row, the largest (or smallest) shown
        with its computation."""
        s = squash(q)
        if not re.search(r"丢分|扣分|失分|扣了|丢了|扣得|丢得|被扣", s):
            return None
        want_low = bool(re.search(r"最少|最低|最小", s))
        for doc in scope.docs[:4]:
            for kind in ("score_summary", "score_table"):
                for t in doc.tables_of(kind):
                    rows = [r for r in t.rows if r.role == "indicator" and all(
                        r.cells.get(c) is not None and r.cells[c].is_number for c in ("分值", "得分"))]
                    if len(rows) < 2:
                        continue
                    lost = sorted(((r.cells["分值"].value - r.cells["得分"].value, r) for r in rows),
                                  key=lambda x: x[0], reverse=not want_low)
                    v, r = lost[0]
                    tied = [x for x in lost if x[0] == v]
                    fw = Fig.from_cell(r.cells["分值"], f"{r.label}分值", doc, t)
                    fs = Fig.from_cell(r.cells["得分"], f"{r.label}得分", doc, t)
                    formula = f"{r.label}：分值 {fmt_num(fw.value)} − 得分 {fmt_num(fs.value)} = {fmt_num(v)}"
                    res = Fig(value=v, unit="分", label=f"{r.label}丢分", computed=True, formula=formula, text=fmt_num(v))
                    names = "、".join(f"“{x[1].label}”" for x in tied)
                    word = "最少" if want_low else "最多"
                    others = "；".join(f"{x[1].label} {fmt_num(x[0])}" for x in lost[len(tied):len(tied) + 3])
                    text = (f"《{doc.name}》{t.kind_name}中，丢分{word}的是{names}，丢了{fmt_num(v)}分（分值{fmt_num(fw.value)}，"
                            f"得分{fmt_num(fs.value)}，{fs.where()}）。\n计算：{formula}。"
                            + (f"\n其次：{others}。" if others else ""))
                    return Answer(text, True, [res, fw, fs], route="compare", formula=formula)
        return None

    def _rank_listed(self, q: str, scope: Scope) -> Answer | None:
        """“政府采购货物、工程、服务三类里，哪类金额最少”: the items the question lists, each resolved on its own
        (a row, a metric or a stated figure), then the extreme among them."""
        s = squash(q)
        m = re.search(r"([^，,。？?]{2,40}?、[^，,。？?]{1,40}?)(这|那)?[两三四五六七八九几]?(类|项|个|块|种|笔)?(里面|里|中|当中|之中|之间)", s) \
            or re.search(r"([^，,。？?]{2,40}?、[^，,。？?]{1,40}?)(这|那)?[两三四五六七八九几](类|项|个|块|种|笔)(?=[，,]?(哪|谁))", s)
        if not m or len(scope.docs) != 1:
            return None
        listing = m.group(1)
        if listing.count("、") + listing.count("和") < 1:
            return None
        figs = self._part_operands(listing + "一共多少", scope)
        if len(figs) < 2 or len({f.unit for f in figs}) != 1 or any(not _is_num_text(f.text) for f in figs):
            return None
        want_low = bool(re.search(r"最低|最少|最小|最差|垫底|倒数", s))
        ranked = sorted(figs, key=lambda f: f.value, reverse=not want_low)
        top = ranked[0]
        word = ("最低" if want_low else "最高") if re.search(r"最高|最低", s) else ("最少" if want_low else "最多")
        lines = [f"所列{len(figs)}项中，{word}的是{top.label}，为{top.shown()}（{top.where()}）。",
                 "各项：" + "；".join(f"{f.label}{f.shown()}（{f.where()}）" for f in ranked) + "。"]
        if any(getattr(f, "sentence_text", None) for f in figs):
            lines.append("（数取自报告的文字说明。）")
        return Answer("\n".join(lines), True, [top] + [f for f in ranked if f is not top], route="compare")

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
        if not scope.named and len({p.doc.id for p in projects}) > 1:
            # no report named: words the question shares with some project names (“部门整体支出”) or a column
            # only some lists have (“跟踪期执行率”) pick the projects meant
            q_core = re.sub(r"最高|最低|最多|最少|垫底|哪个|哪家|哪一个|项目|得分|多少|评价|的|里|中", "|", s)
            best_w = ""
            names = [squash(p.name) for p in projects]
            blob = "|".join(names)  # one C-speed test before counting the names one by one
            for i in range(len(q_core)):
                for j in range(i + 4, min(len(q_core), i + 10) + 1):
                    w = q_core[i:j]
                    if "|" in w or len(w) <= len(best_w) or blob.count(w) < 2:
                        continue
                    if sum(1 for n in names if w in n) >= 2:
                        best_w = w
            if best_w:
                projects = [p for p in projects if best_w in squash(p.name)]
            col_kinds = {p.kind for p in projects if any(len(squash(c)) >= 5 and squash(c) in s for c in p.table.columns)}
            if col_kinds:
                projects = [p for p in projects if p.kind in col_kinds
                            and any(len(squash(c)) >= 5 and squash(c) in s for c in p.table.columns)]
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


# ---------------------------------------------------------------------- helpers
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
