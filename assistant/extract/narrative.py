"""Narrative figures: every amount, percentage, count and score in the prose, with its subject.

Each :class:`~assistant.documents.Figure` carries

- ``subject``: the nearest preceding noun phrase, cleaned of numbering, the department, the year and
  relation words (“一般公共服务支出（类）年初预算数 1537.62 万元” → ``一般公共服务支出``). A figure whose
  own words name no subject (“决算数 3861.57 万元”, “比上年增加 3022.25 万元”, “占 22.02%”) inherits the
  subject of the sentence (or of the 类/款/项 line before it, or of the indicator heading for scores);
- ``relation``: ``value``, ``change`` (比上年增加/减少 A 万元; ``direction`` ±1), ``growth`` (增长/下降 B%),
  ``share`` (占 X%; also “得 60%权重分”), ``completion`` (完成年初/全年预算的 C%) or ``budget`` (年初预算数,
  全年预算数 …: which one is in ``text``);
- ``kind``: ``amount`` (元/万元/亿元, Decimal, unit kept; ``Figure.wan`` normalises), ``percent`` (points),
  ``count`` (个/项/人/名/辆/台/套/件/批次/人次/家/户) or ``score`` (… 分 after 得/得分/总分/平均分);
- ``text`` (the words that state it, e.g. “完成年初预算的 230.70%”), ``sentence`` (formulas written out in
  the prose stay in it), ``section`` and ``source`` (document, page for PDFs, line for text exports).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..documents import Document, Figure, Paragraph, Source

_UNITS = r"亿余元|万余元|亿元|万元|元|%|％|人次|批次|批(?![复准示])|页|个|项|人|名|辆|台|套|件|家|户|分"
_NUM = re.compile(
    r"(?<![\d.A-Za-z])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(" + _UNITS + r")")
_COUNT_UNITS = {"人次", "批次", "批", "页", "个", "项", "人", "名", "辆", "台", "套", "件", "家", "户"}
_CLAUSE_SEP = re.compile(r"[，,：:；;。！？!?]")
_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")
_ENUM = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|[一二三四五六七八九十]+[、.．]|\d+\s*[、.．](?!\d)|"
                   r"[①②③④⑤⑥⑦⑧⑨⑩]|[-•·]\s)\s*")
_YEAR = re.compile(r"(?:截[止至]\s*)?20\d{2}\s*年\s*(?:度|末|初|底|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?\s*")
_LEAD_WORDS = re.compile(r"^(?:其中[:：]?|本部门|本单位|我部门|我单位|我中心|该单位|本中心|该项目|本项目|本次|另外|此外|"
                         r"同时|共有|拥有|共|合计[:：]|具体为|具体如下|主要是|主要为|即|从)\s*")
_TAIL_WORDS = re.compile(r"(?:为|是|达到|(?<![下到送])达|共计|约|有|共|均为|分别为|实现|完成了|合计为|总计为|对)\s*$")
_CHANGE_CTX = re.compile(r"比上年|较上年|较上一年?度|比上一年?度|与上年|同比|比\s*20\d{2}\s*年度?|较\s*20\d{2}\s*年度?|对比\s*20\d{2}\s*年度?|与\s*20\d{2}\s*年度?相比|较年初")
_UP = re.compile(r"(增加|增长|上升|提高|超支|多)$")
_DOWN = re.compile(r"(减少|下降|降低|节约|节省|少)$")
_BUDGET_END = re.compile(r"(年初预算数?|全年预算数?|调整后?预算数?|年初预算安排数?|预算安排数?|预算数|预算)$")
_VALUE_END = re.compile(r"(决算数?|执行数|完成数|实际完成)$")
_GENERIC = {"", "决算数", "决算", "支出决算", "年初预算数", "全年预算数", "预算数", "预算", "金额", "其中",
            "执行数", "完成数", "总额", "支出", "收入", "合计", "上年", "为", "共", "得", "分别", "本年", "全年"}
_ITEM_PATH = re.compile(r"([\u4e00-\u9fff、“”]+?)[（(](类|款|项)[)）]")


@dataclass
class _Block:
    text: str
    parts: list[tuple[int, Paragraph]]  # (offset in text, paragraph)
    section: str

    def para_at(self, pos: int) -> Paragraph:
        cur = self.parts[0][1]
        for off, p in self.parts:
            if off <= pos:
                cur = p
            else:
                break
        return cur


def _clean(text: str) -> str:
    s = text.replace("**", "").replace("$", "")
    s = re.sub(r"^#+\s*", "", s)
    s = s.replace("％", "%").replace("－", "-").replace("—", "—")
    return s


def _is_heading(p: Paragraph) -> bool:
    from . import heading_level

    last = p.section.split(" / ")[-1] if p.section else ""
    if bool(last) and p.text.strip() == last.strip():
        return True
    return heading_level(re.sub(r"^#+\s*|\*\*", "", p.text.strip())) is not None


def _blocks(paras: list[Paragraph]) -> list[_Block]:
    """Join text-export lines that break mid-sentence (“决算数” ⏎ “443.88 万元”)."""
    out: list[_Block] = []
    for p in paras:
        t = _clean(p.text).strip()
        if not t:
            continue
        prev = out[-1] if out else None
        if (prev is not None and not _is_heading(p) and not _is_heading(prev.parts[-1][1])
                and not re.search(r"[。！？；：:!?;]$", prev.text)
                and p.page == prev.parts[-1][1].page
                and (p.line is None or prev.parts[-1][1].line is None or p.line - prev.parts[-1][1].line <= 2)
                and not _ENUM.match(t) and len(prev.text) >= 10
                and not (_ENUM.match(prev.text) and len(prev.text) < 40)):
            prev.parts.append((len(prev.text), p))
            prev.text += t
            continue
        out.append(_Block(text=t, parts=[(0, p)], section=p.section))
    return out


def _strip_subject(s: str, department: str = "") -> str:
    s = s.strip().strip("、，,；;：: ")
    s = _ENUM.sub("", s)
    if department and department in s:
        s = s[s.index(department) + len(department):]
    ys = list(_YEAR.finditer(s))
    if ys and ys[-1].end() < len(s):
        head, s = s[:ys[-1].start()], s[ys[-1].end():]
        if len(s.strip()) <= 3 and head.rstrip().endswith("的"):
            s = re.split(r"[，,、：:]", head)[-1].strip() + s.strip()  # “编报绩效目标的 2024 年度项目”
    for _ in range(3):
        s2 = _LEAD_WORDS.sub("", s.strip())
        s2 = _ENUM.sub("", s2)
        if s2 == s:
            break
        s = s2
    s = re.sub(r"[（(](类|款|项)[)）]", "", s)
    s = re.sub(r"^[（(][^）)]{0,8}[)）]|[（(][^）)]{0,8}[)）]$", "", s.strip())
    s = _TAIL_WORDS.sub("", s.strip())
    s = s.strip().strip("、，,；;：:\"' ")
    if s.startswith("“") and "”" not in s[1:]:
        s = s[1:]
    if s.endswith("”") and "“" not in s[:-1]:
        s = s[:-1]
    if s.startswith("”"):
        s = s[1:]
    if s[:1] in "（(" and not re.search(r"[)）]", s):
        s = s[1:]
    s = re.sub(r"\s+", "", s)
    return s


def _item_context(text: str) -> str:
    """The 项 (or 款/类) name of a “X（类）Y（款）Z（项）” path in the text, '' when none."""
    found = _ITEM_PATH.findall(re.sub(r"\s+", "", text))
    return found[-1][0].strip("、") if found else ""


def _heading_subject(section: str) -> str:
    """The indicator named by the nearest heading: “（1）中长期规划明确性（2分）” → 中长期规划明确性."""
    for part in reversed([x for x in section.split(" / ") if x]):
        s = _ENUM.sub("", part)
        s = re.sub(r"[（(]\s*\d+(\.\d+)?\s*分\s*[)）]", "", s).strip()
        s = re.sub(r"\s+", "", s)
        if s and not re.search(r"情况|说明|概况|结论|问题|措施|部分$", s):
            return s
        if s:
            return s
    return ""


def _to_decimal(s: str) -> Decimal | None:
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None


def _following_noun(text: str) -> str:
    m = re.match(r"\s*([\u4e00-\u9fff“”][\u4e00-\u9fff“”（）()]*)", text)
    if not m:
        return ""
    s = m.group(1)
    s = re.split(r"开展|进行|全面|评价结果|的|均|共|分别|纳入|实施|完成|已|，|。|为|是|和", s)[0]
    return s.strip("（()）")


def extract_figures(doc: Document) -> list[Figure]:
    """Given an extracted document, return every figure stated in its prose, in reading order."""
    figures: list[Figure] = []
    dept = doc.department or ""
    prev_text = ""
    context_subject = ""
    local_heading = ""
    for block in _blocks(doc.paragraphs):
        text = block.text
        heading_block = _is_heading(block.parts[0][1]) and len(block.parts) == 1
        if heading_block:
            context_subject = ""
            local_heading = ""
        elif _ENUM.match(text) and len(text) < 40 and not re.search(r"[。；;！!？?]$", text):
            local_heading = text  # “（1）中长期规划明确性（2分）” printed as a plain line
            prev_text = text if _ITEM_PATH.search(text) else prev_text
            continue
        indicator = _heading_subject(local_heading) if local_heading else _heading_subject(block.section)
        context_subject = _item_context(prev_text) or context_subject
        found_any = False
        block_subject = ""
        for sm in _SENTENCE.finditer(text):
            sentence = sm.group(0)
            s0 = sm.start()
            main_subject = ""
            prev_end = 0
            first = _NUM.search(sentence)
            item = _item_context(sentence[:first.start()] if first else sentence)
            if item and not (first and _ITEM_PATH.search(sentence[max(0, first.start() - 40):first.start()])
                             and sentence[:first.start()].count("（") <= 1):
                context_subject, block_subject = item, ""
            for m in _NUM.finditer(sentence):
                num, unit = m.group(1), m.group(2)
                start, end = m.start(), m.end()
                before = sentence[:start]
                after = sentence[end:]
                if unit == "%" and re.search(r"[×xX*]\s*$", before):
                    continue  # “× 100%” inside a written-out formula
                if unit in _COUNT_UNITS and re.match(r"\s*(百分点|以上项目)", after):
                    continue
                if unit == "分" and (re.search(r"[（(]\s*$", before) or re.search(r"扣\s*$|权重\s*$|占权重\s*$", before)
                                    or re.match(r"\s*[)）]", after) or re.match(r"[钟]", after)):
                    continue
                if unit == "分" and not re.search(r"得|总分|平均分|评分|分数|分值为", before[-40:]):
                    continue
                if unit in ("个", "项", "件", "台", "套") and re.match(r"[\u4e00-\u9fff]", after[:1] or "") is None \
                        and re.search(r"第\s*$", before):
                    continue
                value = _to_decimal(num)
                if value is None:
                    continue
                if re.search(r"=\s*-\s*$", before):
                    value = -value
                    start = before.rstrip().rfind("-")
                clause_start = max((x.end() for x in _CLAUSE_SEP.finditer(before)), default=0)
                p_from = max(clause_start, prev_end)
                prefix = sentence[p_from:start].strip()
                kind = ("amount" if unit.endswith("元") else "percent" if unit in ("%", "％") else
                        "score" if unit == "分" else "count")
                unit_out = {"亿余元": "亿元", "万余元": "万元", "％": "%"}.get(unit, unit)
                relation, direction = "value", 0
                raw_prefix = prefix
                sub = prefix
                if "=" in sub:
                    sub = sub.split("=")[0]
                    sub = re.split(r"\s+", _TAIL_WORDS.sub("", sub.strip()))[-1] if sub.strip() else ""
                clause_text = sentence[clause_start:start]
                if "=" in raw_prefix:
                    pass  # a written-out formula: “X率 = (a - b) / c × 100% = d%” states X率
                elif kind == "percent" and re.search(r"占", raw_prefix):
                    relation = "share"
                    sub = raw_prefix.split("占")[0]
                elif kind == "percent" and re.search(r"完成.{0,10}预算", raw_prefix):
                    relation = "completion"
                    sub = re.split(r"完成.{0,10}预算", raw_prefix)[0]
                elif kind == "percent" and re.search(r"得\s*$", raw_prefix):
                    relation = "share"  # “得 60%权重分”
                    sub = ""
                elif kind in ("amount", "percent") and (_UP.search(raw_prefix) or _DOWN.search(raw_prefix)):
                    relation = "change" if kind == "amount" else "growth"
                    direction = 1 if _UP.search(raw_prefix) else -1
                    sub = _CHANGE_CTX.sub("", _UP.sub("", _DOWN.sub("", raw_prefix)))
                elif kind == "amount" and _BUDGET_END.search(_strip_subject(raw_prefix, dept) or raw_prefix.strip()):
                    relation = "budget"
                    sub = _BUDGET_END.sub("", _strip_subject(raw_prefix, dept))
                elif kind == "amount" and _VALUE_END.search(_strip_subject(raw_prefix, dept)):
                    sub = _VALUE_END.sub("", _strip_subject(raw_prefix, dept))
                subject = _strip_subject(sub, dept)
                base_year = re.fullmatch(r"(?:对?比|较|与)?(20\d{2})年度?", subject)
                if base_year and main_subject:
                    subject = f"{main_subject}（{base_year.group(1)}年）"  # “对比 2021 年 9.96 亿元”
                    relation = "value"
                subject = _BUDGET_END.sub("", subject) if relation == "budget" else subject
                if kind == "count":
                    noun = _following_noun(after)
                    ev = re.match(r"\s*项目评价结果为\s*[“\"]?(优|良|中|差)", after)
                    if ev:
                        subject = f"评价结果为“{ev.group(1)}”的项目"
                    elif noun and noun not in ("以上", "左右", "以下", "次"):
                        lead = _strip_subject(prefix, dept)
                        act = re.match(r"\s*项目(?:开展了?|进行了?)([\u4e00-\u9fff]{2,8}?)(?:[，。,；;]|$)", after)
                        if noun == "项目" and act:
                            subject = act.group(1) + "项目"
                        elif noun == "项目" and lead and len(lead) <= 12:
                            subject = lead + "的项目"
                        else:
                            subject = noun
                    elif "的" in subject and len(subject.rsplit("的", 1)[-1]) >= 3 and "“" not in subject:
                        subject = subject.rsplit("的", 1)[-1]
                if kind == "score":
                    if re.search(r"总得?分", raw_prefix + clause_text):
                        subject = "总分"
                    elif re.search(r"平均得?分", raw_prefix + clause_text):
                        subject = "平均分"
                    elif not subject or subject in _GENERIC or re.search(r"得|权重分|评分标准", subject):
                        subject = main_subject if main_subject and relation != "value" else ""
                        subject = subject or indicator
                if relation == "share" and kind == "percent" and re.search(r"得\s*$", raw_prefix):
                    subject = indicator or main_subject
                if subject in _GENERIC or not re.search(r"[\u4e00-\u9fff]", subject):
                    subject = main_subject or block_subject or context_subject or (
                        indicator if kind in ("score",) else "")
                elif relation in ("value", "budget") and kind in ("amount", "count") and not base_year:
                    main_subject = subject
                if not main_subject and subject:
                    main_subject = subject
                para = block.para_at(s0 + start)
                figures.append(Figure(
                    subject=subject, value=value, unit=unit_out, kind=kind, relation=relation,
                    text=re.sub(r"\s+", " ", (sentence[p_from:end]).strip().lstrip("，,、：:；; ")),
                    sentence=sentence.strip(), source=Source(document=doc.id, page=para.page, line=para.line),
                    section=block.section, direction=direction))
                prev_end = end
                found_any = True
            block_subject = main_subject or block_subject
        prev_text = text if (not found_any and not heading_block) or _ITEM_PATH.search(text) else ""
        if heading_block and _ITEM_PATH.search(text):
            prev_text = text
    return figures
