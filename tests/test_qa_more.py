"""Answering engine, second round: figures stated only in the prose, rankings over typed table rows,
implied two-column operations, scope and metric resolution, phrasing and problem passages — over all ten
sample reports. The questions here are our own; none is taken from a benchmark question file."""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_qa import _cited, _vals

from tests.conftest import sample_service


@pytest.fixture(scope="module")
def svc(tmp_path_factory, docs):
    s = sample_service(tmp_path_factory, docs, "qa_more")
    yield s
    s.close()


def _docs_of(out):
    return {f["source"]["document"] for f in out["figures"] if not f.get("computed")}


# ---------------------------------------------------------------- cause 1: figures only in the prose
@pytest.mark.parametrize("q, doc, value", [
    ("党政办机关运行经费多少", "001_bfd92035ac8a5750.txt", "35.72"),
    ("财政局货物采购金额是多少", "上海市普陀区财政局2024年度部门决算.pdf", "4.79"),
    ("规资局项目自评平均得分是多少", "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf", "99.33"),
    ("青云谱集聚区政府采购预算总额是多少", "004_89b4001668206369.txt", "71.5"),
])
def test_narrative_figure_cited_by_its_sentence(svc, q, doc, value):
    out = svc.ask(q)
    assert out["found"] and out["route"] == "figure", out["answer"]
    assert _vals(out)[0] == Decimal(value)
    assert _docs_of(out) == {doc}
    assert "报告原文" in out["answer"] and "文字说明" in out["answer"]
    _cited(out)


def test_rate_is_not_an_amount_and_budget_is_not_spending(svc):
    # the evaluation report states the 三公 budget and a 控制率, never a 三公 决算 amount
    out = svc.ask("青云谱集聚区三公经费决算数")
    assert all(f.get("unit") != "%" for f in out["figures"])
    assert Decimal("9.2") not in _vals(out)
    plain = svc.ask("青云谱集聚区三公经费多少")
    if plain["found"]:
        assert "预算数" in plain["answer"]


def test_table_budget_column_never_answers_with_final_accounts(svc):
    out = svc.ask("规资局三公经费预算多少")
    assert out["found"] and _vals(out)[0] == Decimal("2.85") and "年初预算数" in out["answer"]
    none = svc.ask("社工部本年收入合计预算多少")
    assert not none["found"] and none["figures"] == []


def test_asset_row_by_name_and_column(svc):
    out = svc.ask("青云谱集聚区轿车原值多少")
    assert out["found"] and _vals(out)[0] == Decimal("731422.00") and out["figures"][0]["unit"] == "元"
    assert "原值" in out["answer"]
    _cited(out)


def test_grade_stated_in_prose(svc):
    out = svc.ask("信丰高新区评价等级是什么")
    assert out["found"] and out["figures"][0]["text"] == "优"
    _cited(out)


@pytest.mark.parametrize("q, value, formula", [
    ("规资局货物采购和工程采购一共多少", "1510.15", "122.43 + 1,387.72 = 1,510.15"),
    ("普陀财政局货物采购金额占政府采购金额的比例", "1.91", "4.79 ÷ 251.25"),
    ("规资局政府采购金额比财政局多多少", "2067.96", "2,319.21 − 251.25"),
])
def test_computation_over_prose_figures(svc, q, value, formula):
    out = svc.ask(q)
    assert out["found"] and out["route"] == "compute", out["answer"]
    assert _vals(out)[0] == Decimal(value)
    assert formula in out["answer"] and "文字说明" in out["answer"]
    _cited(out)


# ---------------------------------------------------------------- cause 2: routing
def test_implied_budget_minus_spending(svc):
    out = svc.ask("党政办三公经费还剩多少没花")
    assert out["route"] == "compute" and _vals(out)[0] == Decimal("30.83")
    assert "39.60 − 8.77" in out["answer"]
    proj = svc.ask("无纸化办公经费还有多少没执行")
    assert proj["route"] == "compute" and _vals(proj)[0] == Decimal("2.149")
    assert "全年预算数" in proj["answer"] and "全年执行数" in proj["answer"]
    _cited(proj)


def test_ranking_over_function_classes(svc):
    out = svc.ask("规资局哪一类支出最少")
    assert out["route"] == "compare" and out["found"]
    assert "卫生健康支出" in out["answer"] and _vals(out)[0] == Decimal("236.64")
    assert "不含合计" in out["answer"]
    _cited(out)


def test_ranking_over_children_of_a_named_row(svc):
    out = svc.ask("社工部工资福利支出里哪一项最多")
    assert out["route"] == "compare" and "津贴补贴" in out["answer"] and _vals(out)[0] == Decimal("39.72")
    assets = svc.ask("青云谱集聚区哪项资产净值最高")
    assert assets["route"] == "compare" and "办公用房" in assets["answer"]
    assert _vals(assets)[0] == Decimal("6485389.30")
    # project rankings keep their own route
    proj = svc.ask("蓉江政务服务中心哪个项目得分最低")
    assert proj["route"] == "compare" and "项目" in proj["answer"]


def test_share_between_two_metrics(svc):
    out = svc.ask("社工部公用经费占基本支出的比例")
    assert out["route"] == "compute" and _vals(out)[0] == Decimal("9.69")
    assert "10.23 ÷ 105.58" in out["answer"]


# ---------------------------------------------------------------- cause 3: entity / metric resolution
def test_named_department_wins_over_project_of_the_same_name(svc):
    out = svc.ask("社工部机关运行经费花了多少")
    assert out["found"] and _vals(out)[0] == Decimal("10.23")
    assert _docs_of(out) == {"中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"}


def test_longest_term_wins_over_an_alias_inside_it(svc):
    out = svc.ask("规资局财政拨款收入支出总计多少")
    assert out["found"] and "财政拨款收入支出总计" in out["figures"][0]["label"]
    assert "一般公共预算财政拨款收入" not in out["answer"]


def test_symmetric_carry_over_metrics(svc):
    assert _vals(svc.ask("规资局年初结转和结余是多少"))[0] == Decimal("112.88")
    out = svc.ask("规资局年末结转和结余比年初少多少")
    assert out["route"] == "compute" and _vals(out)[0] == Decimal("12.88")
    assert "100.00 − 112.88" in out["answer"]


def test_sum_over_partial_project_names(svc):
    out = svc.ask("大厅日常运行和赣服通两个项目得分加起来多少")
    assert out["route"] == "compute" and _vals(out)[0] == Decimal("190")
    assert "95 + 95 = 190" in out["answer"]


# ---------------------------------------------------------------- cause 4: phrasing
def test_phrasing_aliases(svc):
    assert _vals(svc.ask("大厅日常运行维护经费评了几分"))[0] == Decimal("95")
    out = svc.ask("无纸化办公经费执行了多少")
    assert out["found"] and _vals(out)[0] == Decimal("8.386")


def test_this_year_means_the_only_report_year(svc):
    out = svc.ask("规资局今年三公经费决算数")
    assert out["found"] and _vals(out)[0] == Decimal("0.39")
    assert "2024年度" in out["answer"] and "今年" in out["answer"]
    for q in ("规资局2019年三公经费决算数", "规资局前年三公经费决算数"):
        none = svc.ask(q)
        assert not none["found"] and none["figures"] == [], q


# ---------------------------------------------------------------- cause 5: passages
def test_problem_questions_prefer_problem_sections(svc):
    out = svc.ask("党政办评价报告里存在的问题有哪些")
    assert out["route"] == "passage" and out["found"]
    assert "问题" in out["answer"].split("）：")[0] or "不够" in out["answer"]


def test_doubling_question_uses_the_growth_figure(svc):
    out = svc.ask("蓉江政务服务中心收入为什么翻了一番")
    assert out["found"] and out["route"] == "passage"
    assert "102.68%" in out["answer"] and "惠企资金" in out["answer"]
    assert out["citations"][0]["line"]


def test_why_questions_stay_passages(svc):
    out = svc.ask("规资局机关运行经费为什么下降")
    assert out["route"] in ("passage", "not_found")
    assert out["figures"] == []


def test_latency_without_llm(svc):
    import time

    qs = ["党政办机关运行经费多少", "规资局哪一类支出最少", "规资局货物采购和工程采购一共多少",
          "信丰高新区评价等级是什么", "社工部公用经费占基本支出的比例"]
    svc.ask("热身")
    t = time.perf_counter()
    for q in qs:
        svc.ask(q)
    assert (time.perf_counter() - t) / len(qs) < 0.3


# ---------------------------------------------------------------- safety: no confident wrong answers
def test_share_order_follows_the_wording(svc):
    out = svc.ask("规资局基本支出中人员经费占比")
    assert out["route"] == "compute" and _vals(out)[0] == Decimal("90.82")
    assert "4,884.09 ÷ 5,377.64" in out["answer"]


def test_metric_alias_inside_a_longer_prose_term_never_answers(svc):
    # “支出总额” is an alias of 本年支出合计, but the question asks about 政府采购支出总额
    out = svc.ask("党政办政府采购支出总额比上年多多少")
    assert Decimal("4040.79") not in _vals(out)
    assert "本年支出合计" not in out["answer"]


def test_change_question_is_not_answered_with_the_level(svc):
    out = svc.ask("党政办机关运行经费比上年减少多少")
    assert out["found"] and _vals(out)[0] == Decimal("6.60") and "减少" in out["answer"]


def test_completion_rate_from_prose(svc):
    out = svc.ask("规资局城乡社区规划与管理完成年初预算的百分之几")
    assert out["found"] and _vals(out)[0] == Decimal("88.08") and out["figures"][0]["unit"] == "%"


def test_ranking_by_kuan_level(svc):
    out = svc.ask("社工部哪一款支出最多")
    assert out["route"] == "compare" and "社会工作事务" in out["answer"]


def test_count_question_is_not_a_grade(svc):
    out = svc.ask("财政局绩效评级为优的项目有几个")
    assert all(f.get("text") != "优" for f in out["figures"])


def test_measure_questions_prefer_measure_sections(svc):
    out = svc.ask("青云谱集聚区有哪些改进建议")
    assert out["route"] == "passage" and out["found"]
    assert out["citations"][0]["document"] == "004_89b4001668206369.txt"
    assert "建议" in out["answer"] or "应当" in out["answer"]
    # a problem question about the same report does not answer with its measures
    prob = svc.ask("青云谱集聚区评价指出了什么问题")
    assert prob["found"] and "建议集聚区管委会" not in prob["answer"]
