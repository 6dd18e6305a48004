"""Narrative statements: the figures of one sentence with their subject and role.

“（一）一般公共服务支出（类）年初预算数 1537.62 万元，决算数 3861.57 万元，完成年初预算的 251.14%”
→ subject 一般公共服务支出, budget 1537.62, actual 3861.57, completion 251.14.

Each number's role comes from the words just before it (比上年增加 → change, 增长 → growth, 占 → share,
完成…预算的 → completion, 年初预算数 → budget, 决算数 → actual); its subject is the nearest noun phrase
before it in the sentence, inherited by later numbers of the same sentence, and — for a sentence with
none — from the paragraph's last subject (“…行政运行（项）。主要用于…年初预算为 … 万元”).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..documents import Document, Paragraph
from ..numbers import decimals_of

_NUM = re.compile(r"(?<![\dA-Za-z.])(\d[\d,]*(?:\.\d+)?)\s*(万元|亿元|元|%|％)")
_SENT = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
_UNIT = {"万元": Decimal(1), "亿元": Decimal(10000), "元": Decimal("0.0001")}

_CHANGE = re.compile(r"(增加|减少|增长|下降|减|增)了?\s*$")
_BUDGET = re.compile(r"(年初预算数|年初预算为|年初预算|全年预算数|全年预算为|全年预算|调整预算数?|预算数|预算为)\s*$")
_ACTUAL = re.compile(r"(决算数|决算为|支出决算为|支出决算数|实际支出|执行数|决算)\s*(为|是)?\s*$")
_SHARE = re.compile(r"占([^，,；;。]{0,20}?)的?\s*$")
_COMPLETION = re.compile(r"完成(年初|全年)?(预算|调整预算)?的?\s*$")
_LEADING = re.compile(r"^[\s，,、：:；;（(）)。]*(其中[:：]?|分别为[:：]?|具体为[:：]?|主要用于以下方面[:：]?)?")
_NOISE = re.compile(r"(本部门|本单位|上海市[^\s，,]{0,20}?局|\d{4}\s*年度?|本年度|决算数|年初预算数|全年预算数|"
                    r"比上年|与上年相比|较上年|与\d{4}年度?相比|比\d{4}年度?|主要用于以下方面|主要用于|共计|合计为|总额为|为$|"
                    r"的具体构成|具体构成|[（(][一二三四五六七八九十\d]+[)）]|^[一二三四五六七八九十\d]+[、.．]|[:：，,、]|\s)")


@dataclass(frozen=True)
class Num:
    """One printed number of a sentence with its role and subject."""

    value: Decimal  # 万元 for amounts, percent points for percents
    text: str
    unit: str  # 万元 / % (amounts normalised)
    half_ulp: Decimal
    role: str  # value | change | growth | share | completion | budget | actual
    subject: str
    direction: int = 0
    budget_kind: str = ""  # 年初 | 全年 | ""
    share_base: str = ""
    start: int = 0


@dataclass
class Sentence:
    text: str
    paragraph: Paragraph
    nums: list[Num] = field(default_factory=list)


def clean_subject(s: str) -> str:
    """Return the noun phrase of a prefix: numbering, years, 本部门 and role words dropped."""
    pieces = [p for p in re.split(r"[，,；;：:。]", s) if p.strip()]
    t = pieces[-1] if pieces else ""
    t = re.sub(r"^\s*[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]", "", t)
    t = _LEADING.sub("", t)
    t = re.sub(r"[（(](类|款|项)[)）]", "", t)
    t = t.replace("“", "").replace("”", "").replace('"', "")
    prev = None
    while prev != t:
        prev = t
        t = _NOISE.sub("", t)
    t = re.sub(r"(的?支出)?(为|是)$", r"\1", t)
    return t.strip()


def _half(text: str, unit: str) -> Decimal:
    d = decimals_of(text)
    h = Decimal(5) * Decimal(10) ** (-(d + 1))
    return h * _UNIT.get(unit, Decimal(1))


def parse_sentence(text: str, para: Paragraph, carry: str) -> tuple[Sentence, str]:
    """Given a sentence and the paragraph's current subject, return the sentence's numbers."""
    sent = Sentence(text=text, paragraph=para)
    subject = ""
    last = 0
    for m in _NUM.finditer(text):
        raw, unit = m.group(1), m.group(2)
        prefix = text[last:m.start()]
        last = m.end()
        try:
            v = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            continue
        pct = unit in ("%", "％")
        role, direction, bkind, base = "value", 0, "", ""
        if pct:
            if (mm := _COMPLETION.search(prefix)) is not None:
                role, bkind = "completion", mm.group(1) or ""
            elif (mm := _SHARE.search(prefix)) is not None:
                role, base = "share", clean_subject(mm.group(1))
            elif (mm := _CHANGE.search(prefix)) is not None:
                role, direction = "growth", (1 if mm.group(1) in ("增加", "增长", "增") else -1)
            else:
                role = "percent"
        else:
            if (mm := _CHANGE.search(prefix)) is not None:
                role, direction = "change", (1 if mm.group(1) in ("增加", "增长", "增") else -1)
            elif (mm := _BUDGET.search(prefix)) is not None:
                role, bkind = "budget", ("年初" if "年初" in mm.group(1) else "全年" if "全年" in mm.group(1) else "")
            elif _ACTUAL.search(prefix) is not None:
                role = "actual"
        # a new subject: the noun phrase before the role words
        head = prefix
        for pat in (_COMPLETION, _SHARE, _CHANGE, _BUDGET, _ACTUAL):
            head = pat.sub("", head)
        cand = clean_subject(head)
        if cand and re.search(r"[\u4e00-\u9fff]{2,}", cand) and not re.fullmatch(r"(其中|比上年|较上年)", cand):
            subject = cand
        subj = subject or carry
        val = v * _UNIT[unit] if not pct else v
        sent.nums.append(Num(value=val, text=raw, unit="%" if pct else "万元", half_ulp=_half(raw, "%" if pct else unit),
                             role=role, subject=subj, direction=direction, budget_kind=bkind, share_base=base,
                             start=m.start()))
    # the paragraph's subject for later sentences without one: an explicit (项)/(款)/(类) name wins
    named = re.findall(r"([\u4e00-\u9fff（）()]{2,40}?)[（(](项|款|类)[)）]", text)
    new_carry = carry
    if named:
        new_carry = clean_subject(named[-1][0])
    elif subject:
        new_carry = subject
    return sent, new_carry


def sentences(doc: Document, section_pattern: str | None = None) -> list[Sentence]:
    """All narrative sentences with numbers, in order (optionally only sections matching a pattern)."""
    out: list[Sentence] = []
    pat = re.compile(section_pattern) if section_pattern else None
    for para in doc.paragraphs:
        if pat is not None and not pat.search(para.section or ""):
            continue
        if not _NUM.search(para.text):
            continue
        carry = ""
        for m in _SENT.finditer(para.text):
            s, carry = parse_sentence(m.group(0), para, carry)
            if s.nums:
                out.append(s)
    return out
