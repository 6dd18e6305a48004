"""Figures stated only in the prose (``doc.figures``, see :mod:`assistant.extract.narrative`): find the one a
question asks about — “自评平均分”, “政府采购金额”, “机关运行经费”, “三公经费预算” in an evaluation report,
“X（类）年初预算数” — by matching the question's subject words against each figure's subject, its sentence
and section, and the relation the question asks for (budget / value / change / growth / share).

Matching is deliberately strict: the subject words of the question must be covered (by the figure's subject,
or by its subject plus its own sentence), otherwise nothing is returned and the caller falls back to the
passage route. Ties between different values are reported as ambiguous, never resolved silently."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..documents import Document, Figure
from .entities import lcs_len, squash

# words that ask, not name: stripped before matching
_ASK = re.compile(r"(全部的?|全体|所有的?|整个|打算|准备|想要|给了|安排了|批了|拨了|算出来|算下来|算得|计算出|截至年底|截止年底|年底|有多大|多大|有多高|多高|麻烦看下|麻烦看一下|麻烦查下|麻烦|帮忙看下|帮忙|看下|我想知道|想知道|想问下|想问|是多了还是少了|多了还是少了|增加了还是减少了|调查结果|多还是少|少还是多|增加还是减少|减少还是增加|高还是低|低还是高|是增是减|增还是减|还是|百分之几|百分之多少|百分比|百分之|几成|请问|请|帮我|查一下|查询|看看|一下|告诉我|这次|本次|那个|这个|那份|这份|里面|里|中的|当中|之中|"
                  r"是多少|有多少|为多少|是几|多少钱|多少|几个|几|啥|什么|怎样|如何|写的|写了|列的|列示|填的|"
                  r"那次|这次|那块|这块|那项|这项|那一项|这一项|这批|那批|里头|之间|那边|这边|上面|"
                  r"报告|决算|部门|(?<!行政)(?<!事业)单位|情况|年度|数据|数值|金额是|是|为|呢|吗|的|？|\?|。|，|,)")
_YEARS = re.compile(r"(截至|截止)?(20\d{2}|\d{2})年度?(底|末)?|去年|今年|本年度|上年|当年")
# relation words of the question → wanted relation
_REL_WORDS = [
    (re.compile(r"(完成率|完成.{0,4}预算)"), "completion"),
    (re.compile(r"(年初预算数?|全年预算数?|调整后预算数?|(?<!一般公共)(?<!基金)(?<!资本经营)(预算数|预算安排数?|预算))"),
     "budget"),
    (re.compile(r"(增长率|增幅|下降率|降幅|增长了?百分之|下降了?百分之|增长多少%|变动率)"), "growth"),
    (re.compile(r"(比上年|较上年|比去年|较去年|(和|与|跟)(上年|去年)|上年比|同比|增减|是增是减|增还是减|增加|减少|增长|下降|变化|变动)"),
     "change"),
    (re.compile(r"(占比|比重|占.{0,6}(比例|百分之))"), "share"),
]
_BUDGET_IN_SUBJECT = re.compile(r"(?<!一般公共)(?<!基金)(?<!资本经营)预算")
_VALUE_WORDS = re.compile(r"(决算数?|执行数|支出数|实际支出|花了|用了|支出了)")


# abbreviations auditors type for the functional classification (类) of expenditure
_ABBREV = [("社保和就业", "社会保障和就业"), ("社保就业", "社会保障和就业"), ("社保", "社会保障"), ("卫健", "卫生健康"),
           ("节能环保", "节能环保"), ("城乡社区事务", "城乡社区"), ("文旅", "文化旅游"), ("公车", "公务用车"), ("运维", "运行维护"),
           ("规上", "规模以上")]


_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(t: str) -> int | None:
    """“九十” → 90, “八十五” → 85, “一百” → 100, “十” → 10, “二十四” → 24 (no larger units)."""
    if not t:
        return None
    if t == "一百" or t == "百":
        return 100
    if "百" in t:
        h, _, rest = t.partition("百")
        r = _cn_number(rest.lstrip("零〇")) if rest else 0
        return (_CN_DIGIT.get(h, 1) * 100 + (r or 0)) if h in _CN_DIGIT or h == "" else None
    if "十" in t:
        tens, _, ones = t.partition("十")
        tv = _CN_DIGIT.get(tens, 1) if tens else 1
        ov = _CN_DIGIT.get(ones, 0) if ones else 0
        return tv * 10 + ov
    return _CN_DIGIT.get(t) if len(t) == 1 else None


def cn_numbers(s: str) -> str:
    """Chinese numerals before a unit become digits: “不到九十分” → “不到90分”, “低于八十分”."""
    def _sub(m: re.Match) -> str:
        v = _cn_number(m.group(1))
        return f"{v}{m.group(2)}" if v is not None else m.group(0)
    return re.sub(r"(?<![第几哪每])([一二两三四五六七八九十][零〇一二两三四五六七八九十百]{0,3})(分(?![之点别类配析])|%|个百分点|万元)", _sub, s)


def expand_abbrev(s: str) -> str:
    s = re.sub(r"那一栏|这一栏|那栏|这栏|那一列|这一列", "", s)  # “执行率那一栏得分”: the column is named already
    s = cn_numbers(s)
    for short, full in _ABBREV:
        if short in s and full not in s:
            s = s.replace(short, full)
    return s


def clean_subject(subject: str, aliases: list[str] | None = None) -> str:
    s = squash(subject)
    s = re.sub(r"\([^()]{1,12}\)", "", s)  # （以合同签订为准）
    s = s.replace("“", "").replace("”", "").replace('"', "")
    for a in aliases or ():
        if len(a) >= 3 and a in s and len(s) - len(a) >= 2:
            s = s.replace(a, "")
    s = re.sub(r"^(本部门|本单位|当年度|本年度|年度|目前|当前|现有)", "", s)
    s = re.sub(r"^(因|由于|为)[^，,]{1,8}?(需要|原因)", "", s)  # “因工作需要临聘人员”: the reason is not the subject
    s = re.sub(r"\d+(笔|个|项|家)$", "", s)  # “已审批未兑现资金39笔”: the count is not the subject
    return s


def question_terms(q: str, aliases: list[str]) -> tuple[str, str | None]:
    """(subject words, wanted relation or None) of a question."""
    s = expand_abbrev(squash(q))
    s = re.sub(r"还没有|还没|尚未|没有", "未", s).replace("已经", "已")  # colloquial → the reports' words
    s = re.sub(r"\d+(\.\d+)?(万元|万|亿元|亿|元|%)", "|", s)  # “预算71.5万，…”: the user's own hint, not a subject word
    s = re.sub(r"[“”「」『』\"]", "", s)
    s = re.sub(r"\((万元|亿元|元)\)", "|", s).replace("万元", "|").replace("亿元", "|")
    s = re.sub(r"(实际)?(只|就|才)?(用|花|执行|支出)了?(一小部分|一部分|一点|不多|很少|一些)", "|", s)
    s = re.sub(r"签了|签下", "签约", s)
    s = re.sub(r"(满意度|满意率)(调查|调研|测评|问卷)(结果)?", r"\1", s)  # the survey is how, not what
    s = re.sub(r"(绩效)?(评价报告|自评报告|报告|评价|决算|自评表|评价表|公开表)(里面|里|中)", "|", s)  # where, not what
    s = re.sub(r"\(\s*\)", "", s)
    s = re.sub(r"(工程|货物|服务)类", r"\1", s)
    s = re.sub(r"一共|总共|总计有|共有|共计", "|", s)
    s = re.sub(r"\((类|款|项)\)", "", s)  # “行政运行（项）”: the level marker is not part of the subject
    s = re.sub(r"\((按|以|含|不含|包括|包含)[^()]{1,12}\)|\((万元|元|亿元|%|个|人|分)\)", "", s)
    s = re.sub(r"但(?=未|没|还)|而且|并且", "", s)  # “政府采购金额（按合同签订口径）”: a qualifier the report words differently
    s = re.sub(r"[(（]?(测试问题版本|测试版本?|正式版本?)[)）]?|模板版?|说(?!明)|提到|写到|写着|显示|表明|反映", "|", s)
    s = re.sub(r"(绩效)?(整体支出)?(自评|评价)?报告|出来的?|管委会|管理委员会|还有(?=多少|几)|除了?[^，,|]{1,14}?(以外|之外|外)", "|", s)
    for a in sorted(aliases, key=len, reverse=True):
        if len(a) >= 2:
            s = s.replace(a, "|")
    rel = None
    for rx, name in _REL_WORDS:
        if rx.search(s):
            rel = name
            break
    s = re.sub(r"(比|较|与|和|跟)(上年|去年|上一年度?)(相比|比)?", "|", s)
    s = _YEARS.sub("|", s)
    s = re.sub(r"(完成了?(年初|全年)?预算的?|完成率|年初预算数?|全年预算数?|调整后预算数?|预算数|预算安排数?|增长率|增幅|下降率|降幅|占比|比重|完成率|"
               r"比上年|较上年|同比|增加了?|减少了?|增长了?|下降了?|多了|少了|高了|低了|变化|变动|决算数|执行数|支出数|花了|用了)", "|", s)
    if rel == "budget":
        s = re.sub(r"(?<!一般公共)(?<!基金)(?<!资本经营)预算", "|", s)
    s = _ASK.sub("|", s)
    parts = [x for x in s.split("|") if len(x) >= 2]
    return "".join(parts), rel


@dataclass
class Match:
    score: float
    fig: Figure
    doc: Document
    label: str = ""  # the name the figure is shown with, where it is not its subject (the noun after it)


def relation_of(f: Figure) -> tuple[str, str]:
    """(relation, text naming its kind of budget) of ``f``. An item after 其中 of a budget total is a budget of
    the same kind: “2022 年部门支出预算 7221 万元，其中：…项目支出 6515 万元”, “调整后全年预算支出…其中…”."""
    sent = f.sentence or ""
    if f.relation == "value" and "其中" in sent:
        k = sent.find("其中")
        at = sent.find(f.subject)
        head = sent[:k]
        if at > k and _BUDGET_IN_SUBJECT.search(head) and not re.search(r"决算|执行|实际|支出了|完成", head):
            return "budget", head
    return f.relation, f.text


def _budget_kind_ok(q: str, text: str) -> bool:
    qs = squash(q)
    t = squash(text)
    for w in ("年初", "全年", "调整"):
        if w in qs and any(x in t for x in ("年初", "全年", "调整")) and w not in t:
            return False
    return True


def match_figures(q: str, docs: list[Document], aliases_of: dict[str, list[str]], term: str | None = None,
                  relation: str | None = None, count_units: tuple[str, ...] | None = None,
                  keep=None) -> list[Match]:
    """Narrative figures of ``docs`` matching the question (or ``term``), best first; [] when none is
    convincing. ``count_units``: the question asks a count (人, 人次, 批次, 个 …): only stated counts in
    those units are candidates, and no amount, rate or score."""
    all_aliases = sorted({a for v in aliases_of.values() for a in v}, key=len, reverse=True)
    if term is None:
        term, rel_q = question_terms(q, all_aliases)
        relation = relation or rel_q
    elif relation is None:
        relation = question_terms(q, all_aliases)[1]
    term = squash(term).replace("得分", "分")
    if len(term) < 2:
        return []
    want_pct = bool(re.search(r"率|%|百分|满意度|比例|占比", term + squash(q)))
    want_score = bool(re.search(r"分(?!类|配|析|别)|得分|评分", squash(q))) and not want_pct
    asks_value = bool(_VALUE_WORDS.search(squash(q))) and relation != "budget"
    out: list[Match] = []
    base_term = term
    for d in docs:
        al = aliases_of.get(d.id, [])
        term = base_term
        dept = squash((d.department or "") + "|" + (d.title or ""))
        k = next((k for k in range(min(len(term) - 2, 6), 1, -1) if term[:k] in dept), 0)
        if k:
            term = term[k:]  # “普陀政府采购…”: the place the report comes from is not the subject
        for f in d.figures:
            if keep is not None and not keep(d, f):
                continue
            if count_units is not None:
                if f.kind != "count" or f.unit not in count_units:
                    continue
            elif f.kind not in ("amount", "percent", "score"):
                continue
            # a rate or a score is not an amount: “三公经费” must not answer with “三公经费控制率 0%”
            if f.kind == "percent" and not want_pct and relation not in ("growth", "share", "completion"):
                continue
            if f.kind == "score" and not want_score:
                continue
            frel, kind_text = relation_of(f)
            if asks_value and frel == "budget":
                continue
            subj = clean_subject(f.subject, al).replace("得分", "分")
            if count_units is not None and len(subj) > 4:
                subj = re.sub(r"(人数|个数|数量|户数|家数)$", "", subj)  # the count word was stripped from the term too
            budget_subject = frel == "value" and bool(_BUDGET_IN_SUBJECT.search(subj))
            if relation == "budget" and budget_subject:
                subj = _BUDGET_IN_SUBJECT.sub("", subj)  # “政府采购预算总额 71.5 万元” states a budget as its subject
            if len(subj) < 2 or subj in ("项目", "资金", "支出", "收入", "经费", "金额", "以上项目", "累计", "其中"):
                continue  # a bare generic noun names nothing the question could mean
            n, sub = lcs_len(term, subj)
            shown = ""
            item = _item_prefix(f)
            if item:  # “（其中：都市工业项目 12 个，签约金额 21.4 亿元）”: the item's 签约金额
                n3, sub3 = lcs_len(term, item + subj)
                if n3 > n:
                    subj, n, sub = item + subj, n3, sub3
                    shown = item + f.subject
            alt = _trailing_subject(f)
            if alt:  # “建立不低于 5000 万元的资金池”: the noun after the figure names it
                n2, sub2 = lcs_len(term, alt)
                if n2 > n:
                    subj, n, sub = alt, n2, sub2
                    shown = alt + ("（不低于）" if re.search(r"不低于|不少于|至少", f.text) else "")
            if n < 2:
                continue
            cover_t = n / len(term)
            cover_s = n / len(subj)
            # words in another order (“政府采购货物” / “货物采购金额”): the subject's characters the term has
            chars_s = sum(1 for ch in subj if ch in term) / len(subj)
            extra = sum(1 for ch in set(term.replace(sub, "", 1)) if ch in subj)
            if chars_s >= 0.6 and n >= 2:
                cover_s = max(cover_s, chars_s)
            if cover_s < 0.5:
                # “三公经费” against “三公经费财政拨款支出决算数”: the funding and column words are not the subject
                core = re.sub(r"(财政拨款|支出决算数|决算数|支出决算|支出)", "", subj)
                if len(core) >= 2 and sub in core:
                    cover_s = n / len(core)
            rest = term.replace(sub, "", 1)
            ctx = (squash(f.sentence) + "|" + squash(f.section or "")).replace("得分", "分")
            in_para = False
            if rest and len(rest) >= 2 and rest in ctx:
                cover_t = 1.0  # “自评平均分”: 平均分 is the subject, 自评 stands in its own sentence
            elif rest and len(rest) < len(term):
                # the rest may also be in the sentence, in pieces (“企业满意度”: subject 满意度, sentence 企业…;
                # “项目自评平均分”: “绩效自评的…项目…平均得分”)
                cover_t = (n + _covered(rest, ctx)) / len(term)
                if cover_t < 0.8:
                    # or earlier in its paragraph (“…平台为无形资产，资产原值…。累计折旧…，账面净值 26.3733 万元”)
                    para = _para_before(d, f)
                    if para:
                        c2 = (n + _covered(rest, ctx + "|" + para, 4)) / len(term)
                        if c2 >= 0.8:
                            cover_t, in_para = c2, True
            chars_t = sum(1 for ch in term if ch in subj) / len(term)
            if cover_t < 0.8 and chars_t >= 0.8 and n >= 2 and len(term) >= 4:
                cover_t = 0.8  # the question's words, in another order (“签约新项目” / “新签约项目”)
            if cover_t < (0.5 if count_units is not None else 0.8) or cover_s < 0.5:
                # (a count in the unit asked for is rarer than an amount: half the question's words suffice)
                continue
            # “社会消费品 2022 年零售总额”: the term, whole, in the figure's own clause, the subject its head
            whole = sub == term or (subj in term and term.endswith(subj) and term in _clause_of(f))
            if whole and sub != term and not shown:
                shown = term  # named as the question names it (“建筑业总产值”, not the bare 总产值)
            score = cover_t * 2 + cover_s + (0.5 if whole else 0.0) + 0.01 * n + 0.02 * extra \
                + 0.03 * (term.find(sub) + len(sub)) / len(term) - (0.2 if in_para else 0.0)
            ym = re.search(r"(20\d{2})年", f.subject)
            if ym and ym.group(1) not in q and ym.group(1)[2:] + "年" not in q:
                score -= 0.5  # “总产值（2021年）”: the earlier year's figure, which the question does not ask
            sent = f.sentence or ""
            own = re.sub(r"(金额|预算数?|资金|数额|总额)$", "", subj)
            if "其中" in sent and sent.find(f.subject) > sent.find("其中") >= 0 and len(subj) >= 4:
                if subj[:2] in term and all(ch in term for ch in own):
                    score += 0.15  # “其中：工程采购金额…”: the item the question names by its own word, not the total
                else:
                    score -= 0.1  # an item the question does not name (政府采购货物): the total it belongs to
            # ties: the longer common words, the subject that also carries the question's other words, and the
            # head noun (Chinese puts it last: “政府采购里工程采购” asks for 工程采购)
            if relation:
                if frel == relation or (relation == "budget" and budget_subject):
                    score += 1.0
                    if relation == "budget" and not _budget_kind_ok(q, kind_text):
                        score -= 1.5
                    elif relation == "budget" and any(w in squash(q) and w in squash(kind_text) for w in ("年初", "全年", "调整")):
                        score += 0.3  # the kind of budget the question names (调整后全年预算), stated
                elif relation == "budget":
                    continue
                elif relation in ("change", "growth", "share", "completion") and frel not in ("change", "growth"):
                    continue  # a change / share was asked: the plain value is not the answer
                elif relation in ("change", "growth") and frel in ("change", "growth"):
                    score += 0.5
                else:
                    score -= 0.8
            else:
                if frel == "value":
                    score += 0.6
                elif frel in ("budget",):
                    score -= 0.3
                else:
                    score -= 1.0
            if relation == "growth" or want_pct:
                score += 0.4 if f.kind == "percent" else -0.4
            elif want_score:
                score += 0.4 if f.kind == "score" else -0.4
            elif f.kind == "amount":
                score += 0.2
            if _VALUE_WORDS.search(squash(q)) and frel == "value":
                score += 0.1
            out.append(Match(score, f, d, shown))
    out.sort(key=lambda m: -m.score)
    return out


def _clause_of(f: Figure) -> str:
    """The clause of ``f``'s sentence that holds it, squashed, years left out."""
    sent = f.sentence or ""
    i = sent.find(f.text) if f.text else -1
    if i < 0:
        return ""
    a = max(sent.rfind(c, 0, i) for c in "；;。")
    return re.sub(r"\d{4}年", "", squash(sent[a + 1:i + len(f.text)]))


def _item_prefix(f: Figure) -> str:
    """The item an amount after 其中 belongs to (“其中：都市工业项目 12 个，签约金额 21.4 亿元” → 都市工业项目)."""
    sent = f.sentence or ""
    i = sent.find(f.text) if f.text else -1
    j = sent.rfind("其中", 0, i) if i > 0 else -1
    if j < 0 or i - j > 40:
        return ""
    between = re.sub(r"[：:，,（(）)、]|\d+(\.\d+)?(个|项|人|家|笔)?", "", re.sub(r"\s+", "", sent[j + 2:i]))
    return between if 2 <= len(between) <= 12 else ""


def _trailing_subject(f: Figure) -> str:
    """The noun right after a figure (“不低于 5000 万元的资金池” → 资金池), when the sentence names it there."""
    sent = f.sentence or ""
    i = sent.find(f.text) if f.text else -1
    if i < 0:
        return ""
    m = re.match(r"\s*的([\u4e00-\u9fff]{2,8}?)(?=[，,。；;、）)]|$|用于|确保|主要)", sent[i + len(f.text):])
    return m.group(1) if m else ""


def _covered(rest: str, ctx: str, pieces: int = 3) -> int:
    """How many characters of ``rest`` stand in ``ctx``, in up to ``pieces`` common runs of two or more."""
    got, left = 0, rest
    for _ in range(pieces):
        n2, sub2 = lcs_len(left, ctx)
        if n2 < 2:
            break
        got += n2
        left = left.replace(sub2, "", 1)
    return got


_PARA_CACHE: dict[tuple[str, int], dict] = {}


def _para_before(d: Document, f: Figure) -> str:
    """The text of ``f``'s paragraph before its own sentence (squashed), or ""."""
    key = (d.id, id(d))
    by_pos = _PARA_CACHE.get(key)
    if by_pos is None:
        if len(_PARA_CACHE) > 64:
            _PARA_CACHE.clear()
        by_pos = {}
        for p in d.paragraphs:
            by_pos.setdefault((p.page, p.line), []).append(squash(p.text))
        _PARA_CACHE[key] = by_pos
    sent = squash(f.sentence or "")[:12]
    if not sent:
        return ""
    for t in by_pos.get((f.source.page, f.source.line), []):
        i = t.find(sent)
        if i > 0:
            return t[:i]
    return ""


def best_figures(matches: list[Match]) -> list[Match]:
    """The top matches: one per document, plus equally good matches with other values (ambiguity)."""
    if not matches:
        return []
    top = matches[0].score
    best = [m for m in matches if m.score >= top - 1e-9]
    seen: set[tuple[str, str]] = set()
    uniq = []
    for m in best:
        key = (m.doc.id, format(m.fig.value, "f") + (m.fig.unit or ""))
        if key not in seen:
            seen.add(key)
            uniq.append(m)
    return uniq


# ---------------------------------------------------------------------- what a passage is about
def _pos(page: int | None, line: int | None) -> tuple[int, int]:
    return (page or 0, line or 0)


def topic_points(doc: Document, names: list[str]) -> list[tuple[tuple[int, int], str]]:
    """Where the prose turns to one of ``names`` (projects of the report): (position, name), in reading
    order. A figure belongs to the project named last before it — the evaluation report of one project
    (“昌南发展中心租金及物业费专项资金项目部门评价报告”) keeps its figures even where its sentences no longer
    repeat the project's name."""
    from .entities import project_core

    keys = []
    for n in dict.fromkeys(names):
        core = project_core(n)
        # the name, its core, and its parts around 及/和/与 (“政务服务及“赣服通”系统建设” → 赣服通系统建设)
        alts = {squash(n)} | ({core} if len(core) >= 4 else set())
        alts |= {x for x in re.split(r"及|和|与|、", squash(n)) if len(x) >= 5}
        keys.append((n, alts))
    out: list[tuple[tuple[int, int], str]] = []
    for p in doc.paragraphs:
        t = expand_abbrev(squash(p.text))
        hit = max((n for n, alts in keys if any(a in t for a in alts)), key=len, default=None)
        if hit is not None and (not out or out[-1][1] != hit):
            out.append((_pos(p.page, p.line), hit))
    return out


def topic_at(points: list[tuple[tuple[int, int], str]], page: int | None, line: int | None) -> str | None:
    at = _pos(page, line)
    cur = None
    for pos, name in points:
        if pos <= at:
            cur = name
        else:
            break
    return cur
