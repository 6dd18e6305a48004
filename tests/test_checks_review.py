"""Independent review of the engine's output on the real samples: consequential duplicates are folded
into one finding, garbled or template input does not produce arithmetic noise, and the real
inconsistencies the first pass missed are reported."""

from __future__ import annotations

import pytest
from conftest import load

from assistant.checks import run_checks


@pytest.fixture(scope="module")
def reports():
    cache: dict = {}

    def get(key: str):
        if key not in cache:
            cache[key] = run_checks(load(key))
        return cache[key]
    return get


def _of(report, rule, severity=None):
    return [f for f in report.findings if f.rule == rule and (severity is None or f.severity == severity)]


def _text(f) -> str:
    return f.message + " " + f.formula + " " + " ".join(str(loc.to_dict()) for loc in f.locations)


def test_changnan_03_vs_05_same_difference_reported_once(reports):
    r = reports("changnan")
    x07 = _of(r, "FA-X-07")
    # 20.00 (201/20103), 2.00 (行政运行), 0.40 (20199/2019999), 22.00 (221/22102/2210201) — four causes
    assert len(x07) == 4, [f.message for f in x07]
    housing = next(f for f in x07 if f.difference == "22.00")
    assert "另见 5 处" in housing.message and "住房公积金" in housing.message
    assert any(loc.row == "住房公积金" and loc.column == "基本支出" for loc in housing.locations)


def test_changnan_garbled_02_codes_one_warning_not_ten_errors(reports):
    r = reports("changnan")
    t2 = [f for f in _of(r, "FA-HIER-01") if "收入决算表" in f.message]
    assert len(t2) == 1 and t2[0].severity == "warning" and "201010101" in t2[0].message


def test_changnan_unit_yuan_vs_wanyuan(reports):
    r = reports("changnan")
    assert any("1879.5922 元" in f.message and "万元" in f.message for f in _of(r, "SE-PLAUS-01", "warning"))


def test_qingyunpu_asset_rows_one_finding(reports):
    r = reports("qingyunpu")
    net = _of(r, "SC-ASSET-01")
    assert len(net) == 1 and net[0].severity == "error"
    assert "33/44" in net[0].message and "错行" in net[0].message


def test_qingyunpu_missed_inconsistencies(reports):
    r = reports("qingyunpu")
    assert any("255" in _text(f) and "254" in _text(f) for f in _of(r, "SC-ASSET-03", "error"))
    assert any("各项工作完成及时率" in f.message and f.reported == "4" for f in _of(r, "SC-SAME-01", "error"))
    assert any("205.58" in f.message for f in _of(r, "SC-REC-01", "warning"))


def test_shegong_completion_on_zero_initial_budget(reports):
    r = reports("shegong")
    f = _of(r, "NA-CMPL-01", "warning")
    assert f and "95.89" in f[0].message and "321.02" in f[0].message


def test_caizheng_test_blank_total_not_reported_twice(reports):
    r = reports("caizheng_test")
    assert any("收入支出总计" in f.message for f in _of(r, "NA-VAL-01", "error"))
    assert not [f for f in _of(r, "NA-GROW-01") if "收入支出总计" in f.message]


def test_guihua_rounding_is_info(reports):
    r = reports("guihua")
    assert all(f.severity == "info" for f in r.findings if f.rule.startswith("FA-X-"))
    # 基本支出 and 人员经费 both 12.89 above the tables: one cause, one finding
    assert len(_of(r, "NA-VAL-01", "error")) == 1


def test_template_one_placeholder_finding_no_arithmetic(reports):
    r = reports("template")
    assert [f.rule for f in r.findings] == ["REM-PH-01"]
    assert "未填写的模板" in r.findings[0].message and len(r.findings[0].locations) > 20


def test_changnan_01_vs_02_income_total_with_unnamed_total_row(reports):
    r = reports("changnan")
    f = _of(r, "FA-X-01", "warning")
    assert f and "4040.79" in f[0].message and "4362.78" in f[0].message


def test_qingyunpu_formula_names_the_two_spellings(reports):
    r = reports("qingyunpu")
    assert any("1178.07894 与 1178.7894" in f.message for f in _of(r, "SC-FORM-01", "error"))
