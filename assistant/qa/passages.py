"""Route ``passage``: the extractive answer from hybrid retrieval (the sentences of the best passage, problem /
measure sections first), and the last resort for a numeric question that found no figure (``not_found`` with
the nearest passage as a lead). Mixed into :class:`assistant.qa.engine.Engine`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..documents import Source
from .answer import Answer, Fig
from .entities import squash
from .patterns import NOT_FOUND_PREFIX, NUMERIC_Q_RE, SECTION_ASKS, SECTION_INLINE, USAGE_RE, WHY_RE, Scope


class PassageRoutes:
    """Passages retrieved and cut to the sentences that answer; mixin of ``Engine``."""

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
        why = bool(re.search(r"为什么|为何|为啥|咋会|咋就|原因|咋回事|怎么回事|怎么解释|如何解释|怎么表述|如何表述|怎么说的|怎么写的", sq))
        usage = bool(USAGE_RE.search(sq))
        rule_q = bool(re.search(r"怎么打分|如何打分|怎么评分|如何评分|怎么扣分|怎么算分|打分标准|评分标准|评分规则", sq))
        # “模板里没有三公经费的部门该怎么写”: the template's own instructions (作下述说明, 仍保留该表格式, 依次说明到…)
        howto = "模板" in sq and bool(re.search(r"怎么写|怎么填|如何填|如何写|怎么处理|如何处理|要不要|放不放|要求|说明到|写清楚|"
                                               r"写什么|写啥|让怎么|该怎么|怎么弄|保留|哪一级", sq))
        topic_of = None
        if tf is not None:  # “赣服通系统建设部门评价发现了什么问题”: the passages about that project first
            from .narrative_lookup import topic_at

            points = self._topic_points(tf[3])
            topic_of = (tf[2], points, topic_at)
        if howto:
            query = re.sub(r"没有|没", "无", query)
        raw = self.retriever.search(query.replace("|", " ") + (" 主要原因" if why else "") + (" 主要用于" if usage else "")
                                    + (" 作下述说明 填写 说明" if howto else ""), k=25, filters=filters)
        # “针对资金保障问题提了哪些改进措施”: the kind named last is the one asked (the other is the topic)
        asked = [(max(m.end() for m in re.finditer(ask, sq)), k) for k, (ask, _sec, _excl, _words) in SECTION_ASKS.items()
                 if re.search(ask, sq)]
        kind = max(asked)[1] if asked else None
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
        # “总体结论里指出了哪些问题”: a section the question names by its heading comes first
        sec_m = re.search(r"([\u4e00-\u9fff]{4,10}?)(里面|里|部分里|那段|那节|这段)", sq)
        if sec_m and kind is not None:
            pool = self.retriever.search(sec_m.group(1) + " " + query.replace("|", " "), k=25, filters=filters)
            secs = [str(h.meta.get("section") or "").split(" / ")[-1] for h in pool]
            word = sec_m.group(1)
            # the longest tail of the words before 里 that is itself a heading (“…评价的总体结论里” → 总体结论)
            tail = next((word[i:] for i in range(len(word) - 3) if any(word[i:] in x for x in secs)), "")
            named_sec = [h for h in pool if tail and tail in str(h.meta.get("section") or "").split(" / ")[-1]]
            if named_sec:
                seen_named = {h.id for h in named_sec}
                raw = named_sec + [h for h in raw if h.id not in seen_named]
                ids_in = ids_in | seen_named
        hits, per_table = [], {}
        for h in raw:  # diversify: table rows repeat their table's title and would crowd out the prose
            key = (h.meta.get("doc_id"), h.meta.get("table")) if h.meta.get("kind") != "narrative" else None
            if key is not None:
                per_table[key] = per_table.get(key, 0) + 1
                if per_table[key] > 2:
                    continue
            hits.append(h)
            if len(hits) >= (8 if howto else 5):
                break
        content = self._strip_docs(_strip_question(q))
        content = re.sub(r"(20\d{2}|\d{2})年度?|去年|今年|本年度|报告|部门|单位|情况", "|", content)
        if usage:
            content = re.sub(r"都|主要|了", "|", USAGE_RE.sub("|", content))
        if why:  # the subject decides which reason is meant, not the words every reason sentence repeats
            content = re.sub(r"情况说明|说明里|说明中|说明|(比|较)(20\d{2}|\d{2})年度?|\d+(\.\d+)?%", "|", content)
            content = content.replace("收支", "收入支出")
            content = re.sub(r"那条|这条|给的|给出|说|等于|大于|小于|为什么|为何|为啥|咋会|咋就|原因|没有|没|未|完成|花完|用完|年初|全年|预算数?|决算数?|执行|测试问题版本|测试版本?|"
                             r"正式版本?|那一?项|这一?项|那块|这块|差异|差别|表述|说法|解释|写的|怎么|如何|是啥|什么|钱", "|", content)
        if howto:
            content = re.sub(r"模板|要是|如果|假如|该|让|一分|压根|都|还|写|填", "|", content)
            content = re.sub(r"没有|没", "无", content)
        qtok = {t for t in tokenize(content) if len(t) >= 2}
        # the subject's own words, whole (“信息化建设”): a sentence naming it outranks one sharing its pieces
        runs = [x for x in re.split(r"[|，,。？?\s]|的|是|啥|什么|主要", squash(content)) if len(x) >= 4]
        ask_tok = {t for t in tokenize(runs[-1]) if len(t) >= 2} if howto and len(runs) >= 2 else set()
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
                if sent.lstrip().startswith("【") and sent.rstrip().endswith("】"):
                    # the chunk's heading path matches: the passage under it must speak of the question too
                    body = next((x for x in sents[si + 1:] if not _is_heading(x)), "")
                    if not (qtok & set(tokenize(body))):
                        continue
                score = ratio - 0.05 * rank - (0.1 if heading else 0) - (0.3 if sent.startswith("-") else 0) \
                    - (0.15 if h.meta.get("kind") != "narrative" else 0)
                if runs and any(r in squash(sent) for r in runs):
                    score += 0.15
                if h.id in ids_in:
                    score += 0.5
                    ratio = max(ratio, 0.3)
                if why and "原因" in "".join(sents[si:si + 4]):
                    score += 0.25  # a why-question: the sentence that gives (or leads to) the reason
                if kind is not None and re.search(SECTION_INLINE[kind], sent):
                    score += 0.6  # “存在问题：……” — the sentence that starts the part asked for
                elif kind == "problem" and re.search(r"存在[^。；]{4,80}(等)?问题|不足之处", sent):
                    score += 0.3  # “但存在绩效指标设置不合理、…等问题”: the problems named inside a sentence
                if howto and _HOWTO_RE.search(sent):
                    score += 0.4  # the instruction itself, not the sample text around it
                    score += 0.08 * len(ask_tok & st)  # and the one that answers what is asked (说明到哪一级科目)
                    if re.search(r"表(?!述)", sq) and re.search(r"本表|该表|表格", sent):
                        score += 0.3  # “那张表还要不要放”: the note under the table, not the 情况说明 wording
                    ratio = max(ratio, 0.3) if overlap >= 2 else ratio
                if rule_q and re.search(r"评分标准[:：]|得满分|扣完为止|每.{0,6}扣|权重分", sent):
                    score += 0.3  # “怎么打分”: the scoring rule itself, not its application
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
        want = asked_entity(sq)
        if want and not _states_entity(want, "".join(picked)):
            # “委托哪家第三方机构”, “计划什么时候竣工”: the passage speaks of it but does not say — not found
            lead = "可能相关的原文（" + _hit_where(h) + "）：\n“" + "".join(picked)[:200] + "”"
            what = {"org": "机构或单位的名称", "date": "时间", "names": "名称", "person": "人员姓名"}[want]
            return Answer(f"{NOT_FOUND_PREFIX}所问的{what}：报告原文提到了相关内容，但没有写明。\n{lead}", False,
                          citations=[_hit_cite(h, "".join(picked))], route="not_found",
                          retrieved=[x.id for x in hits], flags=["lead_only"])
        if h.meta.get("kind") != "narrative" and len("".join(picked)) < 80:
            # a table row cut into “；” pieces: the whole row reads better (its rule, its score)
            body = re.sub(r"^\s*【[^】]*】\s*", "", h.text or "").strip()
            if len(body) > len("".join(picked)):
                picked = [body[:300] + ("……" if len(body) > 300 else "")]
        lines = ["根据报告原文（" + _hit_where(h) + "）：", "“" + "".join(x if x.endswith(("。", "；", "：")) else x + "。"
                                                          for x in picked) + "”"]
        cites = [_hit_cite(h, "".join(picked))]
        for other in hits:
            c = _hit_cite(other, other.text[:160])
            if all(c["chunk"] != x["chunk"] for x in cites):
                cites.append(c)
        return Answer("\n".join(lines), True, citations=cites, route="passage", retrieved=[x.id for x in hits])

    # ------------------------------------------------------------------ scoring rules
    def _rule_figure(self, q: str, scope: Scope) -> Answer | None:
        """“企业满意度低于90%时，每下降1个百分点扣百分之几的权重分”: the number a scoring rule states (每下降 1%扣
        5%权重分), from the rule whose subject the question names, cited by its text."""
        from index.lexical import tokenize

        sq = squash(q)
        if not _RULE_Q.search(sq):
            return None
        filters = {"doc_id": [d.id for d in scope.docs]} if scope.named or len(scope.docs) < len(self._docs) else {}
        hits = self.retriever.search(self._strip_docs(q).replace("|", " "), k=12, filters=filters)
        subj = {t for t in tokenize(_RULE_Q.sub(" ", self._strip_docs(_strip_question(q)))) if len(t) >= 2}
        best = None
        for rank, h in enumerate(hits):
            text = re.sub(r"^【[^】]*】", "", h.text or "")
            for m in _RULE.finditer(text):
                before = text[max(0, m.start() - 80):m.start()]
                cut = max(before.rfind("。"), before.rfind("；"))
                before = before[cut + 1:]
                overlap = len(subj & set(tokenize(before)))
                score = overlap - 0.05 * rank
                if best is None or score > best[0]:
                    best = (score, m, h, before)
        if best is None or best[0] < 1:
            return None
        _sc, m, h, before = best
        value, unit = m.group(5), (m.group(6) or "")
        rule = (before + m.group(0)).strip(" ，,")
        doc = next((d for d in scope.docs if d.id == h.meta.get("doc_id")), None)
        src = Source(document=doc.id, page=h.meta.get("page") or None, line=h.meta.get("line") or None) if doc else None
        fig = Fig(value=Decimal(value), unit=unit or None, label=f"每{m.group(1)}{m.group(2)}{m.group(3) or ''}{m.group(4)}",
                  doc=doc, source=src, text=value)
        cite = _hit_cite(h, rule)
        return Answer(f"按评分标准：“{rule}”，即每{m.group(1)}{m.group(2)}{m.group(3) or ''}{m.group(4)}{value}{unit}"
                      f"（{_hit_where(h)}）。", True, [fig], citations=[cite], route="figure")

    # ------------------------------------------------------------------ last resort
    def _numeric_passage(self, q: str, scope: Scope) -> Answer:
        """The last resort. A question that asks for a number (多少, 几个, 比例 …) and found no cell, stated figure
        or computation is answered “not found” — the nearest passage is shown as a lead, never as the answer."""
        p = self._passage(q, scope)
        s = squash(q)
        if not p.found or not NUMERIC_Q_RE.search(s) or WHY_RE.search(s):
            return p
        if re.search(r"哪几类|哪些|哪几种|哪几项|哪几个方面", s) and re.search(r"各(有|是)?(多少|几)|分别(有|是)?(多少|几)", s) \
                and re.search(r"\d", "".join(c.get("text", "") for c in p.citations[:1])):
            return p  # “都评了哪几类、各多少个”: a listing with its counts, which the passage states as such
        lead = p.answer.replace("根据报告原文", "可能相关的原文", 1)
        return Answer(f"{NOT_FOUND_PREFIX}所问的数值：报告的表格、文字说明中没有与问题对应的数。\n{lead}", False,
                      citations=p.citations, route="not_found", retrieved=p.retrieved, flags=["lead_only"])


# ---------------------------------------------------------------------- helpers
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


def asked_entity(sq: str) -> str | None:
    """The kind of thing a question asks to be named: an organisation, a time, or the names of items."""
    if re.search(r"委托.{0,8}哪家|请的?哪家|找的?哪家|哪家(第三方|机构|公司|单位|事务所|律师|会计)|哪个(第三方)?(机构|公司)|(机构|公司)(的)?(名称|名字|叫什么|是谁)|"
                 r"第三方.{0,6}(是谁|叫什么)", sq):
        return "org"
    if re.search(r"什么时候|何时|哪天|几月几[号日]|什么时间|哪一年|哪年|几号", sq):
        return "date"
    if re.search(r"(负责人|局长|主任|书记|部长|领导|联系人)(是|叫)?(谁|哪位|什么名字)|谁(负责|主管|牵头)|姓名", sq):
        return "person"
    if re.search(r"分别(叫|是)(什么|啥|哪)|(叫|是)什么名字|名称分别|都叫什么|都是哪(几|些)个", sq):
        return "names"
    return None


def _states_entity(kind: str, text: str) -> bool:
    t = squash(text)
    if kind == "org":
        return bool(re.search(r"[\u4e00-\u9fff()]{2,30}(有限公司|有限责任公司|事务所|研究院|研究所|咨询|评估中心|大学|学院|集团)", t))
    if kind == "person":
        return bool(re.search(r"(负责人|局长|主任|书记|部长|联系人)[：:为是]\s*[\u4e00-\u9fff]{2,3}(?![\u4e00-\u9fff])|"
                              r"[\u4e00-\u9fff]{2,3}(同志)", t))
    if kind == "date":
        return bool(re.search(r"\d{4}年(\d{1,2}月)?(\d{1,2}[日号])?(前|底|末|以前|之前)?|\d{1,2}月\d{1,2}[日号]|\d{1,2}月(底|前|末)|年底|年末|上半年|下半年|季度", t))
    return bool(re.search(r"分别为|分别是|包括|如下|[“《][^”》]{4,}[”》][^“《]{0,6}[“《][^”》]{4,}[”》]|[\u4e00-\u9fff]{4,}、[\u4e00-\u9fff]{4,}", t))


_RULE_Q = re.compile(r"每(下降|降低|减少|低于?|少|超过?|增加|提高|多|差|延迟|推迟)")
_RULE = re.compile(r"每(下降|降低|减少|低于?|少|超过?|增加|提高|多|差|延迟|推迟)\s*(\d+(?:\.\d+)?)\s*(%|个百分点|分|万元|天|次|项|个|人)?"
                   r"\s*(扣|加|减|得)\s*(\d+(?:\.\d+)?)\s*(%|分)?")
_HOWTO_RE = re.compile(r"作下述说明|仍保留|填写|列明|按上述格式|不用说明|依次说明|说明到|注：|如持平")
_Q_STRIP = re.compile(r"(请问|请|帮我|一下|是什么|有哪些|有什么|是怎样|怎么样|怎么|怎样|如何|为什么|为何|为啥|咋会|咋就|哪些|什么|多少|"
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
