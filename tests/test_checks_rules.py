"""Rule cases as data: tests/rule_cases/<RULE>.yaml, each test_pass_* / test_fail_* / test_info_* entry
builds a small document (a named base from _bases.yaml plus patches) and runs one rule on it."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from assistant.checks import load_rules, run_checks
from assistant.checks.fixtures import apply_patches, build_document

CASES = Path(__file__).parent / "rule_cases"
BASES = yaml.safe_load((CASES / "_bases.yaml").read_text(encoding="utf-8"))


def _rule_files() -> dict[str, dict]:
    out = {}
    for f in sorted(CASES.glob("*.yaml")):
        if f.name.startswith("_"):
            continue
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        out[data["rule"]] = data
    return out


RULE_FILES = _rule_files()


def _all_cases() -> list[tuple[str, str]]:
    return [(rule, name) for rule, data in RULE_FILES.items() for name in data if name.startswith("test_")]


def pytest_generate_tests(metafunc):
    if "rule_case" in metafunc.fixturenames:
        cases = _all_cases()
        metafunc.parametrize("rule_case", cases, ids=[f"{r}:{n}" for r, n in cases])


def build_case(rule: str, name: str):
    spec = RULE_FILES[rule][name]
    doc = build_document(copy.deepcopy(BASES[spec["base"]]))
    return apply_patches(doc, spec), spec


def test_rule_case(rule_case):
    rule, name = rule_case
    doc, spec = build_case(rule, name)
    report = run_checks(doc, rules=[rule])
    mine = [f for f in report.findings if f.rule == rule]
    if name.startswith("test_pass"):
        assert mine == [], [f.message for f in mine]
    else:
        want = (spec.get("expect") or {}).get("severity", "error" if name.startswith("test_fail") else "info")
        if name.startswith("test_fail") and "expect" not in spec:
            assert any(f.severity in ("error", "warning") for f in mine), (
                [f.message for f in mine], [n.reason for n in report.not_checked])
        else:
            assert any(f.severity == want for f in mine), [f.message for f in mine]
        for f in mine:
            assert f.message and f.formula and f.locations, f
    crashed = [n.reason for n in report.not_checked if "规则执行出错" in n.reason]
    assert not crashed


def test_every_rule_documented_and_has_cases():
    rules = load_rules()
    assert len(rules) >= 40
    for code, r in rules.items():
        assert r.title and r.title != code, f"{code} 缺少说明"
        assert r.formula, f"{code} 的 docstring 缺少 Formula:"
        assert r.tolerance, f"{code} 的 docstring 缺少 Tolerance:"
        data = RULE_FILES.get(code)
        assert data is not None, f"{code} 没有 tests/rule_cases/{code}.yaml"
        names = [k for k in data if k.startswith("test_")]
        assert any(k.startswith("test_pass") for k in names), f"{code} 缺少 test_pass_* 用例"
        assert any(k.startswith("test_fail") for k in names), f"{code} 缺少 test_fail_* 用例"


def test_no_orphan_case_files():
    rules = load_rules()
    assert set(RULE_FILES) <= set(rules)
