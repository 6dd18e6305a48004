"""Parsing printed numbers: “4,032.79”, “79.6%”, “---”, “（12.5）”, full-width digits. Decimal only."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－％", "0123456789.,-%")
_NUM_RE = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
EMPTY_MARKS = {"", "-", "--", "---", "----", "—", "——", "/", "－", "-----", "……", "…"}
_CODE_RE = re.compile(r"^\d{3}(\d{2}){0,6}$")


def clean(text: str | None) -> str:
    """Return text with full-width digits folded and all whitespace removed."""
    if text is None:
        return ""
    return re.sub(r"\s+", "", str(text).translate(_FULLWIDTH))


def is_empty_mark(text: str | None) -> bool:
    """True for a blank cell or a dash placeholder (“---”): no value, which is not zero."""
    return clean(text) in EMPTY_MARKS


def parse_number(text: str | None) -> Decimal | None:
    """Given printed text, return its Decimal value, or None when it is not a plain number.

    Accepts thousands separators, a trailing ``%`` (value stays in percent points), parentheses for
    negatives; rejects anything with letters or Chinese characters.
    """
    s = clean(text)
    if not s or s in EMPTY_MARKS:
        return None
    neg = False
    if s.startswith("(") and s.endswith(")"):
        s, neg = s[1:-1], True
    if s.endswith("%"):
        s = s[:-1]
    if not _NUM_RE.match(s):
        return None
    try:
        v = Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None
    return -v if neg else v


def is_subject_code(text: str | None) -> bool:
    """True for a 科目编码 such as 201, 20103, 2010301 (3 digits + pairs)."""
    s = clean(text)
    return bool(_CODE_RE.match(s))


def code_level(code: str) -> str | None:
    """Return 类/款/项 for a 3/5/7-digit 科目编码 (longer codes are 细项)."""
    n = len(code)
    return {3: "类", 5: "款", 7: "项"}.get(n, "细项" if n > 7 else None)


_AMOUNT_IN_TEXT = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def first_number(text: str | None) -> Decimal | None:
    """Return the first number found inside free text (e.g. “≥90%” → 90), or None."""
    s = clean(text)
    m = _AMOUNT_IN_TEXT.search(s)
    if not m:
        return None
    try:
        return Decimal(m.group(0).replace(",", ""))
    except InvalidOperation:
        return None


def quantize2(v: Decimal) -> Decimal:
    return v.quantize(Decimal("0.01"))


def decimals_of(text: str | None) -> int:
    """Return how many decimals a printed number carries (used for rounding tolerance)."""
    s = clean(text).rstrip("%")
    if "." not in s:
        return 0
    return len(s.split(".", 1)[1])
