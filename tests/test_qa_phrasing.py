"""Answering engine, third round: the phrasing causes a blind question set exposed — counts (人, 人次, 批次,
项目个数), rows of a list counted or added up by a condition, “A和B哪个高” / “A比B多还是少”, spending against
its own budget in the prose, changes against last year, why-questions, a kind of income no report lists,
and figures in the prose about one project. Every expected value was read off the sample reports."""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_qa import _cited, _vals

from tests.conftest import sample_service

CHANGNAN = "001_bfd92035ac8a5750.txt"
JINGKAI = "000_f7c2a4aa874d52b7.txt"
RONGJIANG = "003_00e7fe4b0ab0df23.txt"
XINFENG = "002_4da295ea98932b16.txt"
GUIHUA = "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"


@pytest.fixture(scope="module")
def svc(tmp_path_factory, docs):
    s = sample_service(tmp_path_factory, docs, "qa_phrasing")
    yield s
    s.close()


# ---------------------------------------------------------------- counts stated in the prose
@pytest.mark.parametrize("q, doc, value, unit", [
    ("党政办年末编制内实有人员多少人", CHANGNAN, "25", "人"),
    ("蓉江政务服务中心其他人员有几个", RONGJIANG, "23", "人"),
    ("党政办国内公务接待累计多少人次", CHANGNAN, "541", "人次"),
    ("规资局列明公务接待几批次", GUIHUA, "2", "批次"),
    ("党政办公车保有量几辆", CHANGNAN, "4", "辆"),
])
def test_stated_count_in_the_unit_asked(svc, q, doc, value, unit):
    out = svc.ask(q)
    assert out["found"], out["answer"]
    f = out["figures"][0]
    assert Decimal(f["value"]) == Decimal(value) and f["unit"] == unit
    assert f["source"]["document"] == doc
    _cited(out)


def test_count_question_never_answers_with_money(svc):
    out = svc.ask("规资局公务接待了多少人次")
    assert all(f.get("unit") not in ("万元", "元") for f in out["figures"]), out["answer"]
    if out["found"]:
        assert _vals(out)[0] == Decimal("26")


# ---------------------------------------------------------------- rows of a list: count, sum, average
def test_count_rows_by_grade_recomputed_from_the_list(svc):
    out = svc.ask("经开区评价结果公开表里等级为良的项目有几个")
    assert out["found"] and out["route"] == "compute", out["answer"]
    assert _vals(out)[0] == Decimal("14")
    assert "逐行计数" in out["answer"] and JINGKAI in out["answer"]


def test_count_rows_below_a_score(svc):
    out = svc.ask("经开区得分不到80分的项目有几个")
    assert out["found"] and _vals(out)[0] == Decimal("5"), out["answer"]
    assert "区城管分局整体支出" in out["answer"]  # 77.6


def test_sum_and_average_over_one_departments_projects(svc):
    out = svc.ask("经开区区党群工作部名下项目预算合计多少")
    assert out["found"] and out["route"] == "compute", out["answer"]
    assert _vals(out)[0] == Decimal("14506.43")
    assert "13127.43 + 461 + 140 + 533 + 245" in out["answer"]
    _cited(out)
    avg = svc.ask("经开区区党群工作部的项目平均得分")
    assert avg["found"] and _vals(avg)[0] == Decimal("87.19"), avg["answer"]


def test_one_project_named_with_its_department_is_not_a_group(svc):
    out = svc.ask("经开区区党群工作部整体支出预算和媒体合作经费预算一共多少")
    assert out["found"] and _vals(out)[0] == Decimal("13660.43"), out["answer"]


# ---------------------------------------------------------------- which of two, and by how much
def test_which_of_two_projects_scores_higher(svc):
    out = svc.ask("经开区机关事务中心和城管分局整体支出谁的得分更高")
    assert out["found"] and out["route"] == "compare", out["answer"]
    assert _vals(out)[0] == Decimal("3.2")
    assert out["answer"].startswith("区城管分局整体支出得分更高")
    _cited(out)


def test_higher_or_lower_rate_of_two_projects(svc):
    out = svc.ask("蓉江大厅日常运行维护经费执行率比赣服通高还是低")
    assert out["found"], out["answer"]
    assert _vals(out)[0] == Decimal("12.83") and "低" in out["answer"].split("\n")[0]


# ---------------------------------------------------------------- spending against its own budget
@pytest.mark.parametrize("q, gap, word", [
    ("党政办社保就业支出决算比年初预算多还是少", "17.64", "少"),
    ("规资局行政单位医疗决算和年初预算差多少", "2.38", "少"),
    ("规资局一般公共预算财政拨款支出比年初预算少多少", "463.84", "少"),
])
def test_spending_against_its_own_budget_from_the_prose(svc, q, gap, word):
    out = svc.ask(q)
    assert out["found"], out["answer"]
    assert _vals(out)[0] == Decimal(gap) and word in out["answer"]
    assert "年初预算数" in out["answer"] and "文字说明" in out["answer"]


def test_budget_left_unspent_with_implied_columns(svc):
    out = svc.ask("党政办三公经费全年预算还剩多少")
    assert out["found"] and _vals(out)[0] == Decimal("30.83"), out["answer"]
    assert "39.60 − 8.77" in out["answer"]


def test_change_against_last_year_from_the_prose(svc):
    out = svc.ask("规资局三公经费和上年比是增是减")
    assert out["found"], out["answer"]
    assert _vals(out)[0] == Decimal("0.15") and "减少" in out["answer"]


def test_why_question_gets_the_reason_not_the_gap(svc):
    out = svc.ask("规资局城乡社区规划与管理支出为何没有完成年初预算")
    assert out["route"] == "passage", out["answer"]
    assert "政府采购流程未及时完毕" in out["answer"]


def test_a_kind_of_income_no_report_lists_is_not_the_total(svc):
    out = svc.ask("规资局土地出让收入多少")
    assert not out["found"], out["answer"]
    assert "土地出让收入" in out["answer"]
    assert svc.ask("规资局收入多少")["found"]


# ---------------------------------------------------------------- the prose about one project
def test_figure_in_the_evaluation_report_of_one_project(svc):
    out = svc.ask("党政办昌南发展中心租金及物业费项目的满意度")
    assert out["found"], out["answer"]
    assert _vals(out)[0] == Decimal("95") and out["figures"][0]["source"]["line"] == 1233


def test_two_operands_from_the_prose_about_one_project(svc):
    out = svc.ask("信丰惠企政策兑现实际到位资金比实际支出多多少")
    assert out["found"] and out["route"] == "compute", out["answer"]
    assert _vals(out)[0] == Decimal("1667.87")
    assert {f["source"]["document"] for f in out["figures"] if not f.get("computed")} == {XINFENG}


# ---------------------------------------------------------------- operands one by one, lists, absent counts
def test_rows_of_two_tables_compared_part_by_part(svc):
    out = svc.ask("规资局行政单位医疗和事业单位医疗哪块支出多，多出多少")
    assert out["found"] and out["route"] == "compare", out["answer"]
    first = out["answer"].split("\n")[0]
    assert _vals(out)[0] == Decimal("155.94") and first.startswith("事业单位医疗") and "更多" in first


def test_share_with_the_whole_named_first(svc):
    out = svc.ask("党政办三公经费决算里面，公务接待费占多大比例")
    assert out["found"] and out["route"] == "compute", out["answer"]
    assert _vals(out)[0] == Decimal("58.72")  # 5.15 ÷ 8.77


def test_a_row_inside_a_metric_table(svc):
    out = svc.ask("蓉江政务服务中心基本支出中商品和服务支出是多少")
    assert out["found"] and _vals(out)[0] == Decimal("12.22"), out["answer"]


def test_rows_meeting_a_condition_are_listed_with_their_values(svc):
    out = svc.ask("经开区得分低于75分的项目有哪些")
    assert out["found"] and _vals(out)[0] == Decimal("2"), out["answer"]
    assert "（得分73）" in out["answer"] and "（得分74.4）" in out["answer"]


def test_a_head_count_no_report_states_is_not_found(svc):
    out = svc.ask("财政局年末在职人员有多少人")
    assert not out["found"] and "人员" in out["answer"], out["answer"]


def test_same_project_name_in_two_tables_uses_the_one_with_the_metric(svc):
    out = svc.ask("信丰高新区23年工作经费跟23年职业年金财政负担部分的跟踪期执行率差多少")
    assert out["found"], out["answer"]
    assert _vals(out)[0] == Decimal("27.81")


def test_stated_count_over_a_department_row_count(svc):
    out = svc.ask("经开区财政局委托第三方对几个部门整体支出做了评价")
    assert out["found"] and _vals(out)[0] == Decimal("10"), out["answer"]


# ---------------------------------------------------------------- round four: lists of tables, passages about a project
def test_count_over_self_evaluation_tables(svc):
    out = svc.ask("党政办的项目支出绩效自评表中执行率是100%的有几个项目")
    assert out["found"] and _vals(out)[0] == Decimal("5"), out["answer"]
    assert "逐表计数" in out["answer"]


def test_count_rows_with_an_exact_score(svc):
    out = svc.ask("信丰评价结果表里得90分的项目有几个")
    assert out["found"] and _vals(out)[0] == Decimal("3"), out["answer"]


def test_stated_count_in_batches(svc):
    out = svc.ask("党政办国内公务接待有多少批")
    assert out["found"] and _vals(out)[0] == Decimal("60") and out["figures"][0]["unit"] == "批", out["answer"]


def test_problems_of_one_project_without_naming_the_report(svc):
    out = svc.ask("赣服通那个项目的部门评价指出了哪些问题")
    assert out["found"] and "群众知晓率较低" in out["answer"], out["answer"]


def test_what_the_money_was_used_for(svc):
    out = svc.ask("社工部其他社会工作事务支出都用在哪了")
    assert out["found"] and "新建部门开办费" in out["answer"], out["answer"]


def test_subject_then_two_columns_separated_by_commas(svc):
    out = svc.ask("规资局城乡社区规划与管理（项），年初预算、决算差多少")
    assert out["found"] and _vals(out)[0] == Decimal("370.58"), out["answer"]


def test_a_number_no_report_states_is_not_found_but_shows_a_lead(svc):
    out = svc.ask("党政办2024年末国有资产总额是多少万元")
    assert not out["found"] and "可能相关的原文" in out["answer"], out["answer"]


def test_extreme_among_stated_completion_rates(svc):
    out = svc.ask("规资局哪一项支出完成年初预算的比例最低")
    assert out["found"] and out["route"] == "compare", out["answer"]
    assert _vals(out)[0] == Decimal("88.08") and "城乡社区规划与管理" in out["answer"]


# ---------------------------------------------------------------- round five: exclusions, Chinese numerals, full marks
def test_group_sum_leaving_one_project_out(svc):
    out = svc.ask("经开区区党群工作部除了整体支出以外其他项目预算一共多少")
    assert out["found"] and _vals(out)[0] == Decimal("1379"), out["answer"]  # 461 + 140 + 533 + 245
    assert "不含“整体支出”" in out["answer"]


def test_chinese_numerals_in_a_condition(svc):
    out = svc.ask("经开区得分低于八十分的项目有几个")
    assert out["found"] and _vals(out)[0] == Decimal("5"), out["answer"]


def test_projects_without_full_marks(svc):
    out = svc.ask("信丰评价结果里没拿满分的项目有几个")
    assert out["found"] and _vals(out)[0] == Decimal("12"), out["answer"]


def test_a_total_row_is_a_figure_not_a_sum(svc):
    out = svc.ask("蓉江政务服务中心人员经费合计是多少")
    assert out["found"] and out["route"] == "figure" and _vals(out)[0] == Decimal("105.01"), out["answer"]


def test_the_prose_figure_when_the_question_asks_for_it(svc):
    out = svc.ask("测试问题版本财政局情况说明里写的收入支出总计是多少")
    assert out["found"] and _vals(out)[0] == Decimal("0"), out["answer"]  # the planted 0 of the prose
    assert "文字说明" in out["answer"]


# ---------------------------------------------------------------- round six
def test_row_under_a_named_heading(svc):
    out = svc.ask("蓉江政务中心“政府办公厅（室）及相关机构事务”下面，政务公开审批和事业运行哪个支出多")
    assert out["found"] and _vals(out)[0] == Decimal("185.85"), out["answer"]


def test_an_item_no_table_of_the_report_has_is_not_found(svc):
    out = svc.ask("党政办基本支出里办公费决算数是多少")
    assert not out["found"] and "办公费" in out["answer"], out["answer"]


def test_column_named_in_the_question_picks_the_table(svc):
    out = svc.ask("财政局测试问题版本收入决算表里一般行政管理事务的其他收入")
    assert out["found"] and _vals(out)[0] == Decimal("6.19"), out["answer"]
    assert "不一致" not in out["answer"]


def test_change_against_last_year_with_colloquial_wording(svc):
    out = svc.ask("蓉江政务中心工资福利支出比上年少了多少")
    assert out["found"] and _vals(out)[0] == Decimal("26.24"), out["answer"]


def test_why_in_colloquial_wording(svc):
    out = svc.ask("规资局城乡社区规划与管理为啥没完成年初预算")
    assert out["route"] == "passage" and "政府采购流程未及时完毕" in out["answer"], out["answer"]


# ---------------------------------------------------------------- round seven
def test_count_from_a_project_indicator_in_the_unit_asked(svc):
    out = svc.ask("党政办档案专项经费这个项目一年整理了多少页档案")
    assert out["found"] and _vals(out)[0] == Decimal("75765"), out["answer"]  # not the 成本 indicator (元)


def test_explicit_operands_are_not_the_implied_budget_minus_spending(svc):
    out = svc.ask("信丰惠企政策兑现实际到位资金减去全年实际支出是多少")
    assert out["found"] and _vals(out)[0] == Decimal("1667.87"), out["answer"]


def test_the_other_column_from_the_same_sentence(svc):
    out = svc.ask("社工部一般公共预算全年预算和实际决算差多少")
    assert out["found"] and _vals(out)[0] == Decimal("13.20"), out["answer"]


def test_average_of_a_group_is_not_a_count(svc):
    out = svc.ask("普陀区财政局绩效自评的那几个项目平均得分多少")
    assert out["found"] and _vals(out)[0] == Decimal("99.43"), out["answer"]


def test_rows_named_without_their_shared_suffix(svc):
    out = svc.ask("蓉江政务中心科学技术、文化旅游体育与传媒、资源勘探工业信息这三类支出加起来多少")
    assert out["found"] and out["route"] == "compute", out["answer"]
    assert len([f for f in out["figures"] if not f.get("computed")]) == 3


# ---------------------------------------------------------------- round eight: rankings without a report named
def test_ranking_restricted_by_words_the_project_names_share(svc):
    out = svc.ask("各部门整体支出的评价里哪家得分垫底")
    assert out["found"] and _vals(out)[0] == Decimal("74.4") and "区机关事务中心整体支出" in out["answer"], out["answer"]


def test_ranking_restricted_by_a_column_only_one_list_has(svc):
    out = svc.ask("跟踪期执行率最低的是哪个项目")
    assert out["found"] and _vals(out)[0] == Decimal("0.6"), out["answer"]
