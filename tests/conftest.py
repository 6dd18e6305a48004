"""Shared fixtures: the sample reports from ../shared/samples, extracted once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("AUDIT_SAMPLES", ROOT.parent / "shared" / "samples"))
TEXT = {
    "results": SAMPLES / "text" / "000_f7c2a4aa874d52b7.txt",
    "changnan": SAMPLES / "text" / "001_bfd92035ac8a5750.txt",
    "xinfeng": SAMPLES / "text" / "002_4da295ea98932b16.txt",
    "rongjiang": SAMPLES / "text" / "003_00e7fe4b0ab0df23.txt",
    "qingyunpu": SAMPLES / "text" / "004_89b4001668206369.txt",
}
PDF = {
    "caizheng": SAMPLES / "pdf" / "上海市普陀区财政局2024年度部门决算.pdf",
    "caizheng_test": SAMPLES / "pdf" / "24年普陀区财政局（测试问题版本）.pdf",
    "guihua": SAMPLES / "pdf" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf",
    "shegong": SAMPLES / "pdf" / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf",
    "template": SAMPLES / "pdf" / "附件2：部门决算模板.pdf",
}
ALL = {**TEXT, **PDF}

_cache: dict[str, object] = {}


def load(key: str):
    """Return the extracted Document of sample ``key`` (cached for the session)."""
    if key not in _cache:
        from assistant.pipeline import load_document
        from assistant.settings import Settings

        _cache[key] = load_document(ALL[key], Settings(ocr=False))
    return _cache[key]


@pytest.fixture(scope="session")
def docs():
    return load


def sample_service(tmp_path_factory, docs, name: str, keys=None):
    """An answering service (no LLM, no dense index) over the sample reports ``keys`` (all ten by default),
    for a test module's ``svc`` fixture; close it when the module is done."""
    from assistant.qa.service import AssistantService
    from assistant.settings import Settings

    s = AssistantService(Settings(data_dir=tmp_path_factory.mktemp(name), ocr=False, llm_provider="none"), dense=False)
    for key in keys or ALL:
        s.library.add_document(docs(key))
    return s
