"""No 行次/栏次/科目编码/序号 value is ever typed as an amount, in any table of any sample (real readers)."""

from __future__ import annotations

import re

import pytest
from conftest import ALL

from assistant.numbers import clean

CODE_COLUMN = re.compile(r"行次|栏次|编码|序号|代码|行号")
SUBJECT_CODE = re.compile(r"^\d{3}(\d{2}){0,3}$")


def _amount_cells(doc):
    for t in doc.tables:
        for r in t.rows:
            for col, c in r.cells.items():
                if c.kind == "amount":
                    yield t, r, col, c


@pytest.mark.parametrize("key", sorted(ALL))
def test_no_amount_in_a_code_column(docs, key):
    doc = docs(key)
    bad = [(t.id, r.label, col, c.text) for t, r, col, c in _amount_cells(doc) if CODE_COLUMN.search(col)]
    assert not bad, f"{key}: amounts in code columns: {bad[:5]}"


@pytest.mark.parametrize("key", sorted(ALL))
def test_no_amount_repeats_its_row_code(docs, key):
    doc = docs(key)
    bad = []
    for t, r, col, c in _amount_cells(doc):
        text = clean(c.text)
        codes = {r.code or "", r.attrs.get("行次", "")} | set(r.attrs.get("printed_code", "").split())
        if text and "." not in text and text in codes:
            bad.append((t.id, r.label, col, c.text))
    assert not bad, f"{key}: 科目编码/行次 read as amounts: {bad[:5]}"


@pytest.mark.parametrize("key", sorted(ALL))
def test_no_column_of_codes_or_row_numbers_typed_as_amount(docs, key):
    doc = docs(key)
    bad = []
    for t in doc.tables:
        cols: dict[str, list[str]] = {}
        for r in t.rows:
            for col, c in r.cells.items():
                if c.kind == "amount":
                    cols.setdefault(col, []).append(clean(c.text))
        for col, texts in cols.items():
            ints = [x for x in texts if re.fullmatch(r"\d+", x)]
            if len(texts) >= 3 and len(ints) == len(texts):
                # a run of 科目编码 (3/5/7 digits, mixed lengths) …
                if all(SUBJECT_CODE.match(x) for x in ints) and len({len(x) for x in ints}) >= 2:
                    bad.append((t.id, col, "科目编码", ints[:5]))
                # … or of 行次 1, 2, 3 …
                nums = [int(x) for x in ints]
                if len(nums) >= 5 and nums == list(range(nums[0], nums[0] + len(nums))):
                    bad.append((t.id, col, "行次", ints[:5]))
    assert not bad, f"{key}: code-like columns typed as amounts: {bad[:5]}"


@pytest.mark.parametrize("key", sorted(ALL))
def test_final_tables_amounts_are_money_in_wan(docs, key):
    """决算 tables print money with decimals in 万元: a bare 3/5/7-digit amount there is a code."""
    doc = docs(key)
    bad = []
    for t in doc.tables:
        if not t.kind.startswith("final_"):
            continue
        for r in t.rows:
            for col, c in r.cells.items():
                if c.kind == "amount":
                    assert c.unit == "万元", (t.id, r.label, col, c.unit)
                    if SUBJECT_CODE.match(clean(c.text)):
                        bad.append((t.id, r.label, col, c.text))
                if c.kind in ("empty",):
                    assert c.value is None
    assert not bad, f"{key}: code-like amounts in 决算 tables: {bad[:5]}"
