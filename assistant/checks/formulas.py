"""Formulas written out in the text (“= (a − b) / c × 100% = d%”): recompute them from the printed
operands with Decimal arithmetic."""

from __future__ import annotations

import re
from decimal import Decimal

from .context import RuleContext
from .findings import fmt
from .registry import rule
from .scoring import para_loc

_FORMULA = re.compile(r"=\s*([\(（]?[\d.,]+(?:\s*[-−+×x*/÷]\s*[\(（]?[\d.,]+[\)）]?)+[\)）]?(?:\s*[×x*]\s*100\s*%)?)\s*=\s*(-?[\d.,]+)\s*(%?)")


def _eval(expr: str) -> Decimal | None:
    s = expr.replace("（", "(").replace("）", ")").replace("−", "-").replace("×", "*").replace("x", "*")
    s = s.replace("÷", "/").replace(",", "")
    pct = False
    if re.search(r"\*\s*100\s*%$", s):
        s, pct = re.sub(r"\*\s*100\s*%$", "", s), True
    tokens = re.findall(r"\d+(?:\.\d+)?|[-+*/()]", s)
    if "".join(tokens) != re.sub(r"\s+", "", s):
        return None
    pos = 0

    def expr_() -> Decimal:
        nonlocal pos
        v = term()
        while pos < len(tokens) and tokens[pos] in "+-":
            op = tokens[pos]
            pos += 1
            r = term()
            v = v + r if op == "+" else v - r
        return v

    def term() -> Decimal:
        nonlocal pos
        v = factor()
        while pos < len(tokens) and tokens[pos] in "*/":
            op = tokens[pos]
            pos += 1
            r = factor()
            v = v * r if op == "*" else v / r
        return v

    def factor() -> Decimal:
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            v = expr_()
            pos += 1
            return v
        if tok == "-":
            return -factor()
        return Decimal(tok)

    try:
        v = expr_()
    except (IndexError, ArithmeticError):
        return None
    if pos != len(tokens):
        return None
    return v * 100 if pct else v


@rule("SC-FORM-01", family="scoring")
def written_formulas(ctx: RuleContext) -> None:
    """文中写出的计算式结果不对

    Formula: “= (a − b) / c × 100% = d%” 中按印出的 a、b、c 重算 d
    Tolerance: d 的半个末位单位
    """
    for p in ctx.doc.paragraphs:
        for m in _FORMULA.finditer(p.text):
            v = _eval(m.group(1))
            if v is None:
                continue
            stated_txt = m.group(2).replace(",", "")
            try:
                stated = Decimal(stated_txt)
            except ArithmeticError:
                continue
            d = len(stated_txt.split(".")[1]) if "." in stated_txt else 0
            q = Decimal(1).scaleb(-d)
            exp = v.quantize(q)
            if abs(exp - stated) <= q:
                continue
            ctx.emit("error", f"计算式 {m.group(1).strip()} 应得 {fmt(exp)}{m.group(3)}，文中为 {m.group(2)}{m.group(3)}"
                     f"{_misspelled(m.group(1))}",
                     reported=stated, expected=exp, difference=stated - exp, formula=f"{m.group(1).strip()} = {fmt(exp)}",
                     locations=[para_loc(ctx, p, m.group(0))])


def _misspelled(expr: str) -> str:
    """“1178.07894 … / 1178.7894”: the same figure written two ways (one digit more or less) — say so."""
    nums = sorted(set(re.findall(r"\d[\d,]*\.\d+|\d[\d,]{3,}", expr)))
    for a in nums:
        for b in nums:
            da, db = a.replace(",", "").replace(".", ""), b.replace(",", "").replace(".", "")
            if len(da) == len(db) + 1 and any(da[:i] + da[i + 1:] == db for i in range(len(da))):
                return f"；同一数字写法不一：{a} 与 {b}"
    return ""

