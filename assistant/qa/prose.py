"""Figures stated only in the report's prose (route ``figure``), the prose about one project (topics), operands
for computations taken from the prose, and the sentence explaining a growth of 100% or more (route
``passage``). Mixed into :class:`assistant.qa.engine.Engine`; the matching itself is
:mod:`assistant.qa.narrative_lookup`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..documents import Document, Figure, Source
from .answer import Answer, Fig, fmt_num
from .compute import split_operands
from .entities import display_name, lcs_len, squash
from .narrative_lookup import Match, clean_subject
from .patterns import CHANGE_Q_RE, GENERIC_TERMS, GROWTH_WHY_RE, OP_WORDS_RE, Scope, _cut


class ProseRoutes:
    """Narrative figures and topics; mixin of ``Engine``."""

    # ------------------------------------------------------------------ narrative figures
    def _aliases_of(self, docs: list[Document]) -> dict[str, list[str]]:
        ids = {d.id for d in docs}
        return {p.doc.id: p.aliases for p in self._profiles if p.doc.id in ids}

    @staticmethod
    def _narr_fig(m, label: str | None = None) -> Fig:
        f = m.fig
        lab = label or getattr(m, "label", "") or _narr_label(f)
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

    def _topic_points(self, doc) -> list:
        """Where the report's prose turns to each of its projects (narrative_lookup.topic_points), once per
        report and library generation."""
        from .narrative_lookup import topic_points

        cache = self.__dict__.setdefault("_topic_cache", {})
        key = (doc.id, self._gen)
        if key not in cache:
            cache[key] = topic_points(doc, [p.name for p in self._projects_in(Scope([doc], True))])
        return cache[key]

    def _topic_filter(self, q: str, scope: Scope):
        """(question without the project's words, figure filter) when the question names one project of a
        single report: only the prose about that project answers (see narrative_lookup.topic_points)."""
        from .narrative_lookup import topic_at

        if len(scope.docs) > 12:
            return None
        projects = self._resolve_projects(q, scope)
        names = {p.name for p in projects}
        if len(names) != 1 or len({p.doc.id for p in projects}) != 1:
            return None
        name = next(iter(names))
        doc = projects[0].doc  # an unnamed report: the one whose project the question names
        points = self._topic_points(doc)
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
        s = re.sub(r"[(（]?(测试问题版本|测试版本?|正式版本?)[)）]?|(20\d{2}|\d{2})年度?|去年|今年|本年度|\((类|款|项)\)|"
                   r"(部门)?(决算|报告|决算报告)(里面|里|中)", "", s)  # “正式版决算里，”: the report, not an operand
        # “政府采购中，货物采购和服务采购…”: the words before 中 and a comma say where, they are no operand
        s = re.sub(r"^\|*[\u4e00-\u9fff]{2,10}?(里面|里|当中|之中|中)[，,](?=.*(和|与|跟|比|、|占))", "|", s)
        if re.search(r"除以|÷", s):  # “X的预算执行率多少？决算除以全年预算”: the rate is the result, not an operand
            s = re.sub(r"的?(预算)?(执行率|完成率|执行进度|完成进度)(是|为)?(多少|几)?", "|", s)
        s = re.sub(r"是(?=[^是，,。？?]{2,30}?的?(几|多少|多少个)?倍)", "|", s)  # “A是B的几倍”: two operands
        s = OP_WORDS_RE.sub("|", s)
        # “项目支出调整后全年预算比年初预算…”: the subject, then the kind of budget, as two parts
        s = re.sub(r"(?<=[\u4e00-\u9fff])(?<![的后整])(调整后的?全年预算|年初预算|全年预算)(?=.{0,3}(比|和|与|跟|减))", r"|\1", s)
        parts = [x.strip("|的") for x in split_operands(s, r"比|和|与|及|、|跟|同|占|除以|减去|减掉|加上|相比|，|,|？|\?|\|")]
        parts = [_FILLER.sub("", x) for x in parts]
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
            rparts = [x.strip("|的，,？?") for x in split_operands(OP_WORDS_RE.sub("|", rest),
                                                                  r"比|和|与|及|、|跟|同|占|除以|减去|减掉|加上|相比|，|,|\|")]
            rparts = [x for x in (_FILLER.sub("", y) for y in rparts) if len(x) >= 2]
            if len(rparts) == 2:
                figs = []
                core = squash(re.sub(r"[（(][^）)]*[）)]", "", _name))
                for part in rparts:
                    best = best_figures(match_figures(part, scope.docs, self._aliases_of(scope.docs), keep=keep))
                    if len(best) != 1:
                        # “预算总额” of “惠企政策兑现…项目支出预算资金总额”: the project's name is part of the subject
                        best = best_figures(match_figures(core + part, scope.docs, self._aliases_of(scope.docs),
                                                          keep=keep))
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
            if rel == "budget" and re.fullmatch(r"调整后的?", term):
                term = ""  # “调整后全年预算”: a kind of budget, no subject
            rels.append((term, rel, part))
        if all(len(t) < 2 for t, _, _ in rels):
            if len(rels) == 2 and all(r == "budget" for _, r, _ in rels) \
                    and _budget_kind(rels[0][2]) != _budget_kind(rels[1][2]):
                return self._budget_kinds_pair(scope, [p for _, _, p in rels])
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
                sp = squash(part)
                own = re.sub(r"调整后的?|全年|年初|预算数?|决算数?|执行数|实际", "", sp)
                d0 = scope.docs[0]
                if (len(term) < 2 or term in GENERIC_TERMS) and len(own) >= 2 and len(sp) >= 4 and any(
                        sp == clean_subject(f.subject, al0) for al0 in [self._aliases_of([d0]).get(d0.id, [])]
                        for f in d0.figures):
                    filled.append((sp, None, part))  # “年初预算收入”: a subject the prose states as such
                    continue
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
            elif filled[0][1] == "budget" and _budget_kind(filled[0][2]) != _budget_kind(filled[1][2]):
                rels = filled  # “项目支出调整后全年预算比年初预算多出多少”: two kinds of budget of one subject
        for term, rel, part in rels:
            if len(term) < 2:
                return []
            best = self._narrative_matches(part, scope, term=term, relation=rel)
            if out and relabel and len(best) != 1 or (out and relabel and best
                                                      and best[0].fig.sentence != getattr(out[0], "sentence_text", None)):
                # the other column of the same subject: the figure stated in the same sentence, when there is one
                from .narrative_lookup import match_figures

                same = [m for m in match_figures(part, scope.docs, self._aliases_of(scope.docs), term=term, relation=rel)
                        if m.fig.sentence == getattr(out[0], "sentence_text", None) and m.fig.relation == (rel or "value")]
                if same:
                    best = same[:1]
            if len(best) != 1:
                return []
            fig = self._narr_fig(best[0])
            if len(term) > len(squash(fig.label)) and squash(fig.label) in term and best[0].fig.relation == "value":
                fig.label = term  # “企业满意度”: the subject is 满意度, the sentence says whose
            from .narrative_lookup import relation_of

            frel = relation_of(best[0].fig)[0]
            if relabel and frel == "budget" and "预算" not in fig.label:
                col = re.search(r"(调整后的?)?(年初|全年)?预算数?", squash(part))
                fig.label += col.group(0) if col else "预算数"  # “项目支出” of “调整后全年预算支出…其中…”
            elif relabel and frel == "value" and not re.search(r"决算|执行|实际|预算", fig.label):
                fig.label += "决算数"  # the spending of a subject compared with its own budget
            out.append(fig)
        return out

    def _prior_year(self, q: str, scope: Scope) -> Answer | None:
        """“去年的收入合计是多少，按增加额倒推”, “2023年三公经费决算是多少（2024年的报告）”: last year's figure —
        stated in the prose when it is, otherwise this year's figure minus the change the prose states."""
        if len(scope.docs) != 1:
            return None
        d = scope.docs[0]
        sq = squash(q)
        derive = bool(re.search(r"倒推|推一下|推算|反推|倒算|推出|算回去|推回去", sq))
        years = {int(y) for y in re.findall(r"(20\d{2})年", sq)} | \
            {2000 + int(y) for y in re.findall(r"(?<![\d])(\d{2})年(?!度?\d)", sq) if int(y) >= 10}
        prior = bool(d.year) and (d.year - 1) in years or bool(scope.prior_of)
        plain = prior and len(years) == 1 and not CHANGE_Q_RE.search(sq) \
            and not re.search(r"(比|较|与|跟|和|对比)(20\d{2}|\d{2})年|增|减|降|涨|变化|变动|百分|率|倍|差", sq)
        if not (derive and (prior or re.search(r"去年|上年|上一年|前一年", sq))) and not plain:
            return None  # (“比2023年下降了百分之几” asks a change, not last year's figure)
        from .narrative_lookup import match_figures, question_terms

        al = self._aliases_of([d])
        base = re.sub(r"[，,。？?][^，,。？?]*(倒推|推一下|推算|反推|倒算|推出|算回去|推回去)[^，,。？?]*", "", q)
        base = re.sub(r"(按|根据|用|拿|照)?[^，,。？?]{0,24}?(倒推|推一下|推算|反推|倒算|推出|算回去|推回去)(一下)?[，,]?", "", base)
        base = re.sub(r"(比|较)?(上年|去年|上一年度?|前一年)(的)?|(比|较)?(20\d{2}|\d{2})年度?|(增加|减少|增长|下降)(额|了)?", "", base)
        base = re.sub(r"[（(]\s*[）)]", "", base)  # “去年（2022年）”: the brackets left empty
        term, _rel = question_terms(base, al.get(d.id, []))
        if len(term) < 2:
            return None
        if d.year:
            # “总产值（2021年）38.87 亿元”: last year's figure the prose states
            py = str(d.year - 1)
            stated = [m for m in match_figures(q, [d], al, term=term) if py in m.fig.subject]
            if stated:
                f = self._narr_fig(stated[0])
                return Answer(f"{display_name(d)}{py}年{f.label}为{f.shown()}（见报告原文：{f.where()}"
                              f"“{stated[0].fig.sentence[:120]}”）。", True, [f], route="figure")
        def _names(f: Figure) -> bool:  # the change of the very subject asked (基本支出 is not 资本性支出)
            subj = re.sub(r"(财政拨款)?(支出)?决算数?$|^财政拨款", "", clean_subject(f.subject, al.get(d.id, [])))
            n, _sub = lcs_len(term, subj)
            return n >= 2 and (n >= len(term) - 1 or n >= len(subj) - 1)

        ch = [m for m in match_figures(base, [d], al, term=term, relation="change")
              if m.fig.relation == "change" and m.fig.kind == "amount" and m.fig.direction and _names(m.fig)]
        if not ch:
            return None
        c = ch[0].fig
        cur = [m for m in match_figures(base, [d], al, term=term, relation=None)
               if m.fig.relation == "value" and m.fig.kind == "amount" and m.fig.sentence == c.sentence
               and m.fig.unit == c.unit]
        if cur:
            now = self._narr_fig(cur[0])
        else:
            fa = self._figure(base, scope)
            if fa is None or not fa.found or not fa.figures or fa.figures[0].unit != c.unit:
                return None
            now = fa.figures[0]
        chg = self._narr_fig(ch[0])
        word = "增加" if c.direction > 0 else "减少"
        chg.label = f"{now.label}比上年{word}额"
        val = now.value - c.value if c.direction > 0 else now.value + c.value
        op = "−" if c.direction > 0 else "+"
        y = f"{d.year - 1}年" if d.year else "上年"
        lab = re.sub(r"^本年度?", "", now.label) or now.label  # “本年收入合计” of last year is its 收入合计
        formula = (f"{y}{lab} = {d.year or '本'}年{lab} {op} {word}额 = "
                   f"{fmt_num(now.value)} {op} {fmt_num(c.value)} = {fmt_num(val)}")
        res = Fig(value=val, unit=now.unit, label=f"{y}{lab}", computed=True, formula=formula, text=fmt_num(val))
        text = (f"{display_name(d)}{y}{lab}为{fmt_num(val)}{now.unit or ''}（报告未直接列出，由本年数和报告所述"
                f"比上年{word}额推算）。\n计算：{formula}。\n出处：{now.label}{now.shown()}见{now.where()}；"
                f"比上年{word}{chg.shown()}见{chg.where()}“{c.sentence[:100]}”。")
        return Answer(text, True, [res, now, chg], route="compute", formula=formula)

    def _year_series(self, q: str, scope: Scope) -> Answer | None:
        """“2022年提供的就业岗位比去年多几个”: a series the prose states year by year (“2020 年提供岗位 200 个，
        2021 年，提供岗位 308 个，2022 年提供岗位 362 个”) — the two years asked, and their difference."""
        if len(scope.docs) != 1:
            return None
        d = scope.docs[0]
        sq = squash(q)
        years = [int(y) if len(y) == 4 else 2000 + int(y) for y in re.findall(r"(?<!\d)(20\d{2}|\d{2})年", sq)]
        if re.search(r"比(去年|上年|上一年)", sq):
            base_year = years[0] if years else d.year
            if not base_year:
                return None
            pair = (base_year, base_year - 1)
        elif len(years) >= 2:
            pair = (years[0], years[1])
        else:
            return None
        from .narrative_lookup import question_terms

        term, _rel = question_terms(re.sub(r"比(去年|上年|上一年)|(20\d{2}|\d{2})年", "", q), self._aliases_of([d]).get(d.id, []))
        term = re.sub(r"提供|新增|实现|完成|多|少|几个|个", "", term)
        if len(term) < 2:
            return None
        um = re.search(r"(?:几|多少)(个|人|家|项|户|次|万元|亿元)", sq)
        unit_q = um.group(1) if um else None
        for p in d.paragraphs:
            t = squash(p.text)
            if t.count("年") < 2:
                continue
            series: dict[int, tuple[str, Decimal, str, str]] = {}
            score: dict[int, float] = {}
            for m in _SERIES.finditer(t):
                subj = m.group(2).lstrip("，,")
                n, _sub = lcs_len(term, subj)
                sc = n + sum(1 for ch in set(subj) if ch in term) * 0.1  # the subject closest to the words asked
                if unit_q and m.group(4) == unit_q:
                    sc += 1  # “多几个”: the series counted in the unit asked
                y = int(m.group(1))
                if n >= 2 and n >= min(len(term), len(subj)) - 2 and sc > score.get(y, 0):
                    series[y], score[y] = (subj, Decimal(m.group(3)), m.group(4), m.group(0)), sc
            if pair[0] in series and pair[1] in series and series[pair[0]][2] == series[pair[1]][2]:
                (sa, va, ua, _ta), (sb, vb, _ub, _tb) = series[pair[0]], series[pair[1]]
                diff = va - vb
                src = Source(document=d.id, page=p.page, line=p.line)
                fa = Fig(value=va, unit=ua, label=f"{pair[0]}年{sa}", doc=d, source=src, text=fmt_num(va))
                fb = Fig(value=vb, unit=ua, label=f"{pair[1]}年{sb}", doc=d, source=src, text=fmt_num(vb))
                formula = f"{fa.label} − {fb.label} = {fmt_num(va)} − {fmt_num(vb)} = {fmt_num(diff)}"
                res = Fig(value=abs(diff), unit=ua, label=f"{pair[0]}年比{pair[1]}年{'增加' if diff >= 0 else '减少'}",
                          computed=True, formula=formula, text=fmt_num(abs(diff)))
                word = "多" if diff >= 0 else "少"
                return Answer(f"{pair[0]}年{sa}比{pair[1]}年{word}{fmt_num(abs(diff))}{ua}（{fmt_num(va)}{ua}对{fmt_num(vb)}{ua}）。"
                              f"\n计算：{formula}。\n出处：{fa.where()}“{_cut(p.text, 160)}”。", True, [res, fa, fb],
                              route="compute", formula=formula)
        return None

    def _budget_kinds_pair(self, scope: Scope, parts: list[str]) -> list[Fig]:
        """“调整后全年预算比年初预算多了多少”, no subject named: the first two prose figures whose subjects are the
        two kinds of budget of the same thing (“年初预算收入” / “调整后全年预算收入”)."""
        if len(scope.docs) != 1:
            return []
        d = scope.docs[0]
        al = self._aliases_of([d]).get(d.id, [])
        kinds = {"年初": r"年初预算(数)?", "调整": r"调整后的?全年预算(数)?", "全年": r"全年预算(数)?"}
        rx = [kinds.get(_budget_kind(p)) for p in parts]
        if not all(rx):
            return []
        found: list[dict[str, Figure]] = [{}, {}]
        for f in d.figures:
            if f.kind != "amount":
                continue
            subj = clean_subject(f.subject, al)
            for i, r in enumerate(rx):
                m = re.search(r, subj)
                if m:
                    found[i].setdefault(subj[:m.start()] + subj[m.end():], f)
        for rest, fa in found[0].items():
            fb = found[1].get(rest)
            if fb is not None and fb is not fa:
                return [self._narr_fig(Match(0.0, fa, d)), self._narr_fig(Match(0.0, fb, d))]
        return []

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


# ---------------------------------------------------------------------- helpers
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


def _budget_kind(part: str) -> str:
    sp = squash(part)
    return "年初" if "年初" in sp else ("调整" if "调整" in sp else ("全年" if "全年" in sp else ""))


# deictic fillers around an operand (“惠企政策兑现那块”, “这个项目的”): never part of its name
_FILLER = re.compile(r"(那块|这块|那个|这个|那项|这项|那边|这边)|(方面|那部分|这部分)$")


# “2021 年，提供岗位 308 个”: a year, the subject, the figure and its unit
_SERIES = re.compile(r"(20\d{2})年[,，]?([\u4e00-\u9fff]{2,12}?)(\d+(?:\.\d+)?)(个|人|家|项|万元|亿元|%|户|次)")
