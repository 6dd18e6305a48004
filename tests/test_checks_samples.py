"""The check engine on the real samples: the inconsistencies they really contain are found, at the
right place, and the clean parts stay quiet."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ALL, load

from assistant.checks import run_checks


def _report(key: str):
    return run_checks(load(key))


def _has(report, rule: str, *needles: str, severity: str | None = None) -> bool:
    for f in report.findings:
        if f.rule != rule or (severity and f.severity != severity):
            continue
        text = f.message + " " + f.formula + " " + " ".join(str(loc.to_dict()) for loc in f.locations)
        if all(n in text for n in needles):
            return True
    return False


@pytest.fixture(scope="module")
def changnan():
    return _report("changnan")


def test_changnan_05_total_row(changnan):
    # 899.74 + 3,143.05 = 4,042.79 ≠ 4,032.79
    assert _has(changnan, "FA-ROW-05", "4032.79", "4042.79", severity="error")


def test_changnan_03_class_vs_01(changnan):
    assert _has(changnan, "FA-X-03", "一般公共服务支出", "3861.57", "3881.57", severity="error")
    assert _has(changnan, "FA-X-03", "住房保障支出", "66.28", "88.28", severity="error")


def test_changnan_03_total_vs_classes(changnan):
    assert _has(changnan, "FA-HIER-01", "支出决算表", "合计", "4040.79", severity="error")


def test_changnan_narrative_basic_vs_05(changnan):
    assert _has(changnan, "NA-VAL-01", "889.74", "899.74", severity="error")


def test_changnan_remnants(changnan):
    assert _has(changnan, "REM-PH-01", "此处请补充内容", severity="error")
    assert _has(changnan, "REM-COUNT-01", "个项目评价结果为1“差”", severity="error")


def test_changnan_performance_section(changnan):
    assert _has(changnan, "PERF-CNT-02", "24", "23", severity="error")
    assert _has(changnan, "PERF-EVAL-01", "机关干部职工工作餐", "昌南发展中心租金", severity="error")
    assert _has(changnan, "PERF-EVAL-02", "93.61", "100", severity="error")


def test_changnan_missing_06_is_reported(changnan):
    assert _has(changnan, "FA-SET-01", "公开06表", severity="warning")
    assert any(n.rule == "FA-X-06" for n in changnan.not_checked)


def test_changnan_rounding_is_info_not_error(changnan):
    # 01: Σ classes = 4,040.80 vs printed 4,040.79 — 尾数误差
    assert _has(changnan, "FA-COMP-02", "4040.79", "4040.80", severity="info")


@pytest.fixture(scope="module")
def caizheng_pair():
    return _report("caizheng"), _report("caizheng_test")


def test_test_version_planted_errors(caizheng_pair):
    published, planted = caizheng_pair
    assert _has(planted, "FA-SET-01", "支出决算表", severity="warning")          # 03 removed
    assert _has(planted, "NA-VAL-01", "收入支出总计", "2995.39", severity="error")  # 总计 0 万元
    assert _has(planted, "NA-VAL-01", "三公", "0.95", severity="error")         # 三公 table emptied
    assert _has(planted, "REM-PH-01", "XX局", severity="error")
    assert sum(1 for f in planted.findings if f.rule == "REM-YEAR-01") >= 2      # 2023 for 2024
    dirs = [f for f in planted.findings if f.rule == "NA-DIR-01"]
    assert len(dirs) == 3                                                       # 大于/大于/等于 reversed
    for rule in ("FA-SET-01", "REM-PH-01", "REM-YEAR-01", "NA-DIR-01"):
        assert not any(f.rule == rule for f in published.findings), rule


def test_published_caizheng_real_errors(caizheng_pair):
    published, _ = caizheng_pair
    assert _has(published, "NA-VAL-01", "财政拨款收入支出总计", "0.3", "2961.68", severity="error")
    assert _has(published, "NA-SHARE-01", "71.73", "71.65", severity="error")


def test_results_list_clean():
    report = _report("results")
    assert [f for f in report.findings if f.severity == "error"] == []


def test_evaluation_report_scoring():
    report = _report("qingyunpu")
    assert _has(report, "SC-REC-01", "群众满意度", "4.50", severity="error")
    assert _has(report, "SC-FORM-01", "1178.07894", severity="error")


def test_check_speed_per_document(changnan):
    assert changnan.elapsed_ms < 500


def test_cli_json_contract(tmp_path):
    out = subprocess.run([sys.executable, "-m", "assistant", "check", str(ALL["results"]), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    doc = data["documents"][0]
    assert set(doc) == {"document", "type", "findings", "not_checked"}


def test_cli_exit_codes(tmp_path):
    bad = subprocess.run([sys.executable, "-m", "assistant", "check", str(tmp_path / "missing.txt"), "--format",
                          "json"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "不存在" in bad.stderr
    xlsx = tmp_path / "out.xlsx"
    err = subprocess.run([sys.executable, "-m", "assistant", "check", str(ALL["changnan"]), "--format", "xlsx",
                          "--output", str(xlsx)], capture_output=True, text=True, timeout=120)
    assert err.returncode == 1 and xlsx.exists()
