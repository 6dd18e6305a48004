"""Narrative figures: subject, value, relation and location, read by hand from the samples."""

from __future__ import annotations

from decimal import Decimal as D


def fig(doc, subject, value, relation=None, kind=None):
    """The figure with this subject and value (and relation/kind when given)."""
    found = [f for f in doc.figures if f.subject == subject and f.value == D(value)
             and (relation is None or f.relation == relation) and (kind is None or f.kind == kind)]
    assert found, (subject, value, relation, [(f.subject, str(f.value), f.relation) for f in doc.figures
                                              if f.value == D(value)])
    return found[0]


def test_001_income_and_expenditure(docs):
    d = docs("changnan")
    f = fig(d, "收入总计", "4040.79")  # line 380
    assert (f.relation, f.unit, f.kind, f.source.line) == ("value", "万元", "amount", 380)
    assert f.wan == D("4040.79") and f.source.document == d.id
    assert fig(d, "年初结转和结余", "0.00").source.line == 380
    f = fig(d, "本年收入合计", "3022.25", "change")
    assert (f.direction, f.text) == (1, "比上年增加 3022.25 万元")
    assert fig(d, "本年收入合计", "296.72", "growth").direction == 1
    f = fig(d, "基本支出", "889.74")  # line 388
    assert f.source.line == 388
    assert fig(d, "基本支出", "22.02", "share").unit == "%"
    assert fig(d, "项目支出", "77.98", "share").source.line == 388
    f = fig(d, "财政拨款本年支出", "1751.52", "budget")  # line 392
    assert "年初预算数" in f.text
    assert fig(d, "财政拨款本年支出", "230.70", "completion").source.line == 392
    f = fig(d, "一般公共服务支出", "1537.62", "budget")  # line 394 “一般公共服务支出(类)年初预算数”
    assert f.section.endswith("三、财政拨款支出决算情况说明")
    assert fig(d, "一般公共服务支出", "3861.57", "value").source.line == 394
    assert fig(d, "一般公共服务支出", "251.14", "completion").kind == "percent"
    assert fig(d, "住房保障支出", "70.46", "completion").source.line == 402


def test_001_changes_counts_and_scores(docs):
    d = docs("changnan")
    f = fig(d, "商品和服务支出", "3.70", "change")  # line 412 “比上年减少 3.70 万元”
    assert f.direction == -1
    assert fig(d, "商品和服务支出", "9.38", "growth").direction == -1
    f = fig(d, "机关运行经费支出", "6.60", "change")  # line 436 “决算数比上年减少” inherits the subject
    assert (f.direction, f.source.line) == (-1, 436)
    assert fig(d, "财政拨款“三公”经费支出", "39.60", "budget").source.line == 420
    f = fig(d, "二级项目", "24", kind="count")  # line 450
    assert (f.unit, f.source.line) == ("个", 450)
    assert fig(d, "评价结果为“优”的项目", "19", kind="count").source.line == 450
    assert fig(d, "评价结果为“良”的项目", "3", kind="count")
    assert fig(d, "涉及资金", "3286.2995", "value").unit == "万元"
    f = fig(d, "总分", "93.61", kind="score")  # line 454 “总分分93.61分”
    assert f.source.line == 454 and f.sentence == "从评价情况看，总分分93.61分，等级为“优”。"


def test_003_figures(docs):
    d = docs("rongjiang")
    assert fig(d, "收入总计", "1112.22").source.line == 433
    assert fig(d, "本年支出合计", "102.68", "growth").source.line == 439
    assert fig(d, "财政拨款本年支出", "246.78", "completion").source.line == 447
    assert fig(d, "一般公共服务支出", "450.70", "budget").source.line == 449
    f = fig(d, "住房保障支出", "443.88", "value")  # “决算数” ⏎ “443.88 万元” (lines 459/461)
    assert f.source.line == 461
    f = fig(d, "工资福利支出", "26.24", "change")  # line 467
    assert f.direction == -1
    assert fig(d, "工资福利支出", "19.99", "growth").direction == -1
    assert fig(d, "二级项目", "10", kind="count").source.line == 507
    assert fig(d, "评价结果为“优”的项目", "10", kind="count")
    assert fig(d, "项目支出", "89.46", "share").source.line == 443


def test_pdf_figures_carry_pages(docs):
    d = docs("shegong")
    f = fig(d, "收入支出总计", "307.82", "value")
    assert (f.source.page, f.source.line) == (17, None)
    assert fig(d, "收入支出总计", "100.00", "growth").direction == 1
    assert fig(d, "基本支出", "34.30", "share").source.page == 17
    assert fig(d, "一般公共服务支出", "86.05", "share").source.page == 18
    f = fig(d, "一般公共预算财政拨款支出", "321.02", "budget")
    assert f.source.page == 18 and "全年预算" in f.text
    assert fig(d, "一般公共预算财政拨款支出", "95.89", "completion")  # printed as “完成年初预算的”
    assert fig(d, "行政运行", "52.00", "budget").source.page == 18  # subject from “行政运行（项）”
    assert fig(d, "行政运行", "98.69", "completion")
    assert fig(d, "住房公积金", "17.70", "value").source.page == 20
    assert fig(d, "公用经费", "10.23", "value").source.page == 20
    f = fig(d, "机关运行经费支出", "10.23", "change")
    assert (f.direction, f.source.page) == (1, 21)


def test_004_scores_and_formulas(docs):
    d = docs("qingyunpu")
    f = fig(d, "总分", "85.8", kind="score")  # line 318 “**85.8** 分”
    assert f.source.line == 318
    f = fig(d, "绩效目标合理性", "1.2", kind="score")  # line 369
    assert f.source.line == 369
    assert fig(d, "绩效目标合理性", "60", "share").unit == "%"
    assert fig(d, "各项工作完成及时率", "4", kind="score").source.line == 525  # the annex says 3
    f = fig(d, "节支率", "86.05", kind="percent")  # line 411: the formula stays in the sentence
    assert "(71.5 - 9.977) / 71.5 × 100% = 86.05%" in f.sentence
    f = fig(d, "“公用经费”控制率", "-57.44", kind="percent")
    assert "1178.07894" in f.sentence  # the same figure is spelled 1178.7894 elsewhere
    assert not [x for x in d.figures if x.value == D("100") and "× 100%" in x.text[-7:]]
