"""Engine contracts: Finding/NotChecked shapes, YAML scoring rules, not-checked reasons, exit codes."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from assistant.checks import run_checks
from assistant.checks.config import load_config
from assistant.checks.findings import Finding, Location
from assistant.checks.fixtures import build_document
from assistant.errors import RuleConfigError

BASES = yaml.safe_load((Path(__file__).parent / "rule_cases" / "_bases.yaml").read_text(encoding="utf-8"))


def test_finding_to_dict_contract():
    f = Finding(rule="FA-ROW-05", severity="error", message="合计不平", reported="1", expected="2", difference="-1",
                formula="1 = 2", locations=(Location(document="d", page=3, table="T1", row="合计", column="基本支出",
                                                     text="1"),))
    d = f.to_dict()
    assert set(d) == {"rule", "severity", "message", "reported", "expected", "difference", "formula", "locations"}
    assert set(d["locations"][0]) == {"document", "page", "line", "table", "row", "column", "text"}
    with pytest.raises(ValueError):
        Finding(rule="X", severity="fatal", message="")
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.rule = "Y"  # type: ignore[misc]


def test_consistent_document_has_no_findings():
    report = run_checks(build_document(copy.deepcopy(BASES["fa"])))
    assert [f.to_dict() for f in report.findings] == []


def test_bad_yaml_raises_rule_config_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("grades: [\n", encoding="utf-8")
    with pytest.raises(RuleConfigError, match="bad.yaml"):
        load_config([bad])
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("grades: [{grade: 优, min: 90}]\nexecution_rate: {scheme: steps}\n", encoding="utf-8")
    with pytest.raises(RuleConfigError, match="steps"):
        load_config([wrong])


def test_locality_bands_from_yaml(tmp_path):
    default = Path(__file__).resolve().parents[1] / "assistant" / "checks" / "rules" / "default.yaml"
    local = tmp_path / "local.yaml"
    local.write_text("execution_rate:\n  scheme: bands\n  bands: [{min: 100, share: 1}, {min: 80, share: 0.5}, "
                     "{min: 0, share: 0}]\n", encoding="utf-8")
    cfg = load_config([default, local])
    assert cfg.exec_scheme == "bands" and cfg.band_share(Decimal("85")) == Decimal("0.5")
    spec = copy.deepcopy(BASES["perf"])
    doc = build_document(spec)
    # 乙项目 执行率 80% 得 8 分: proportional fits, the configured bands say 5
    report = run_checks(doc, config=cfg, rules=["SE-RSCORE-01"])
    assert any(f.rule == "SE-RSCORE-01" and "5" in (f.expected or "") for f in report.findings)
    assert run_checks(doc, rules=["SE-RSCORE-01"]).findings == []


def test_low_confidence_ocr_cell_is_not_checked():
    doc = build_document(copy.deepcopy(BASES["fa"]))
    t5 = doc.table("final_05")
    row = t5.rows[0]
    c = row.cells["基本支出"]
    row.cells["基本支出"] = dataclasses.replace(c, text="90.00", value=Decimal("90.00"),
                                             source=dataclasses.replace(c.source, ocr_confidence=0.41))
    report = run_checks(doc, rules=["FA-ROW-05"])
    assert not [f for f in report.findings if f.severity == "error"]
    assert any("低置信度" in n.reason for n in report.not_checked)


def test_missing_table_is_listed_not_silently_passed():
    spec = copy.deepcopy(BASES["fa"])
    spec["tables"] = [t for t in spec["tables"] if t["kind"] != "final_03"]
    report = run_checks(build_document(spec))
    reasons = {n.rule: n.reason for n in report.not_checked}
    assert "支出决算表" in reasons["FA-X-02"] and "FA-ROW-03" in reasons


def test_amounts_in_yuan_are_normalised():
    spec = copy.deepcopy(BASES["score"])
    report = run_checks(build_document(spec), rules=["SC-ASSET-03"])
    assert report.findings == []  # 15000.00 元 = 1.5 万元 in the text
