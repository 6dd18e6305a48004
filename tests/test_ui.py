"""The workspace without a browser: services over a real library, escaping, previews, handlers."""

from __future__ import annotations

import gradio as gr
import pytest
from conftest import PDF, TEXT

from assistant.errors import UnreadableDocument
from assistant.settings import Settings
from assistant.ui import render
from assistant.ui.common import handler
from assistant.ui.preview import build_preview, locate, table_ref
from assistant.ui.serve import parse_auth
from assistant.ui.services import Services, UIServiceError, rule_family
from assistant.ui.tab_chat import answer_markdown, sources_of
from assistant.ui.tab_project import project_choices, project_view, recompute_html

EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script>[链接](javascript:alert(3))'


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    s = Services(Settings(data_dir=tmp_path_factory.mktemp("lib"), ocr=False), dense=False)
    results = s.ingest([PDF["shegong"], TEXT["changnan"]])
    assert [r.status for r in results] == ["added", "added"]
    return s


def test_library_lists_documents_with_counts(services):
    docs = {d["name"]: d for d in services.documents()}
    assert set(docs) == {PDF["shegong"].name, TEXT["changnan"].name}
    d = docs[TEXT["changnan"].name]
    assert d["type_name"] == "部门决算" and d["year"] == 2024
    assert set(d["findings"]) >= {"error", "warning", "info"}
    assert isinstance(d["not_checked"], int)


def test_same_file_twice_is_unchanged_and_bad_files_lose_nothing(services, tmp_path):
    before = services.documents()
    again = services.ingest([PDF["shegong"]])[0]
    assert again.status == "unchanged"
    renamed = tmp_path / "同一份换个名.pdf"
    renamed.write_bytes(PDF["shegong"].read_bytes())
    assert services.ingest([renamed])[0].status == "unchanged"
    assert not list(services.files_dir.rglob(renamed.name))
    bad = tmp_path / "坏文件.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    wrong = tmp_path / "表格.xlsx"
    wrong.write_bytes(b"PK")
    res = services.ingest([bad, wrong, tmp_path / "不存在.txt"])
    assert [r.status for r in res] == ["error", "error", "error"]
    assert "坏文件.pdf" in res[0].message and "不受支持" in res[1].message
    assert [d["id"] for d in services.documents()] == [d["id"] for d in before]


def test_replace_by_name_and_remove(tmp_path):
    s = Services(Settings(data_dir=tmp_path / "lib", ocr=False), dense=False)
    f = tmp_path / "报告.txt"
    f.write_text(TEXT["results"].read_text(encoding="utf-8"), encoding="utf-8")
    first = s.ingest([f])[0]
    f.write_text(TEXT["results"].read_text(encoding="utf-8") + "\n附注：更正版。\n", encoding="utf-8")
    second = s.ingest([f])[0]
    assert (first.status, second.status) == ("added", "replaced")
    assert [d["id"] for d in s.documents()] == [second.document]
    assert s.source_file(second.document).read_text(encoding="utf-8").endswith("更正版。\n")
    assert s.remove(second.document) == "报告.txt"
    assert s.is_empty()
    with pytest.raises(UIServiceError, match="没有文档"):
        s.remove(second.document)


def test_ask_returns_cited_figure(services):
    r = services.ask("社会工作部 2024 年支出决算表本年支出合计是多少？")
    assert r["found"] and "307.82" in r["answer"]
    srcs = sources_of(r)
    assert srcs and srcs[0]["loc"]["page"] in (5, 8)
    with pytest.raises(UIServiceError, match="问题为空"):
        services.ask("   ")
    with pytest.raises(UIServiceError, match="没有文档"):
        services.ask("合计", document="不存在的文档")


def test_citation_preview_highlights_the_cell(services):
    r = services.ask("社会工作部 2024 年支出决算表本年支出合计是多少？")
    loc = sources_of(r)[0]["loc"]
    p = build_preview(services, loc)
    assert p.image is not None and p.image.width > 800
    # the highlighted box is tinted yellow: the pixel at the cell centre is no longer white
    x0, top, x1, bottom = loc["bbox"]
    px = p.image.getpixel((int((x0 + x1) / 2 * 1.6), int((top + bottom) / 2 * 1.6) - 6))
    assert px[2] < 200 and px[0] > 200


def test_finding_location_resolves_to_a_box(services):
    doc = services.document(PDF["shegong"].name)
    loc = {"document": doc.name, "page": 8, "table": "支出决算表（T4）", "row": "合计", "column": "本年支出合计"}
    page, boxes, _ = locate(doc, loc)
    assert page == 8 and len(boxes) == 1
    assert table_ref("收入决算表（T3）") == "T3" and table_ref("T3") == "T3"


def test_text_preview_highlights_cited_lines_escaped(services):
    doc = services.document(TEXT["changnan"].name)
    p = build_preview(services, {"document": doc.name, "line": 99})
    assert p.image is None
    assert '<span class="hl"><span class="ln">   99</span>' in p.html
    html = render.text_preview_html(["正常", EVIL], [2], title=EVIL)
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_everything_from_documents_is_escaped():
    assert "<" not in render.esc(EVIL)
    md = render.md_text(EVIL)
    assert "<img" not in md and "\\[链接\\]\\(javascript" in md
    table = render.html_table(["<b>列</b>"], [[EVIL]])
    assert "<script>" not in table and "<b>" not in table
    answer = answer_markdown({"answer": EVIL, "found": True, "figures": [],
                              "citations": [{"document": "<i>x</i>.pdf", "page": 1, "text": EVIL}]})
    assert "<script>" not in answer and "<img" not in answer and "<i>" not in answer


def test_project_choices_and_view(services):
    doc = services.document(TEXT["changnan"].name)
    choices = project_choices(doc)
    assert sum(1 for label, _ in choices if label.startswith("项目支出绩效自评表")) >= 20
    key = next(k for label, k in choices if label.startswith("项目支出绩效自评表"))
    figures, issues = project_view(doc, key, services.findings(doc.id))
    assert "<table" in figures and "<script" not in figures
    html = recompute_html(services, doc, key)
    if services.answerer is not None:  # the answering engine recomputes the project's scores
        assert "复算" in html and "总分" in html
    fake = [{"rule": "X", "severity": "error", "message": EVIL, "locations": [{"table": key}]}]
    _, issues = project_view(doc, key, fake)
    assert "&lt;script&gt;" in issues and "<script>" not in issues


def test_findings_carry_ids_and_families(services):
    found = services.findings()
    assert len({f["id"] for f in found}) == len(found)
    assert all(f["document"] and f["document_id"] for f in found)
    assert rule_family("FA-X-01") in ("final_cross", "FA-X")
    assert rule_family("SE.score") == "SE"


def test_handler_turns_errors_into_chinese_messages():
    @handler
    def bad_input():
        raise UnreadableDocument("文件“a.pdf”已加密，无法读取。")

    @handler
    def bug():
        raise KeyError("secret internals")

    with pytest.raises(gr.Error, match="已加密"):
        bad_input()
    with pytest.raises(gr.Error) as exc:
        bug()
    assert "secret internals" not in str(exc.value) and "内部错误" in str(exc.value)

    @handler
    def gen():
        yield 1
        raise UnreadableDocument("坏了")

    with pytest.raises(gr.Error, match="坏了"):
        list(gen())


def test_parse_auth():
    assert parse_auth("") is None
    assert parse_auth("auditor:s3cret:x") == ("auditor", "s3cret:x")
    with pytest.raises(Exception, match="用户名:密码"):
        parse_auth("nopassword")


def test_app_builds(services):
    from assistant.ui.workspace import build_app, status_markdown

    demo = build_app(services)
    assert isinstance(demo, gr.Blocks)
    assert "文档数 | 2" in status_markdown(services)


def test_replace_keeps_the_old_document_when_the_new_file_is_bad(tmp_path):
    s = Services(Settings(data_dir=tmp_path / "lib", ocr=False), dense=False)
    old = s.ingest([TEXT["results"]])[0].document
    bad = tmp_path / "新版.pdf"
    bad.write_bytes(b"%PDF-1.7 broken")
    assert s.replace(old, bad).status == "error"
    assert [d["id"] for d in s.documents()] == [old]
    new = s.replace(old, TEXT["xinfeng"])
    assert new.status == "replaced" and [d["id"] for d in s.documents()] == [new.document]


def test_sources_skip_recomputations_and_dedupe_citations():
    result = {"answer": "总分90", "found": True,
              "figures": [{"label": "总分", "text": "90", "value": "90", "source": {"document": "a.txt", "line": 484}},
                          {"label": "总分（复算）", "value": "90", "source": {}, "computed": True,
                           "formula": "5 + 85 = 90"}],
              "citations": [{"document": "a.txt", "line": 484, "text": "总分 90"},
                            {"document": "a.txt", "line": 12, "text": "说明"}]}
    srcs = sources_of(result)
    assert [s["loc"].get("line") for s in srcs] == [484, 12]
    md = answer_markdown(result)
    assert "复算" in md and "5 \\+ 85 = 90" in md


def test_citation_without_cell_is_located_by_its_amount(services):
    doc = services.document(PDF["shegong"].name)
    page, boxes, _ = locate(doc, {"document": doc.name, "page": 8, "text": "本年支出合计：307.82万元（支出决算表）"})
    assert page == 8 and boxes
    page, boxes, _ = locate(doc, {"document": doc.name, "page": 8, "text": "201 一般公共服务支出"})
    assert boxes == []  # a 科目编码 is not an amount


def test_narrative_text_is_found_on_the_pdf_page():
    boxes = render.pdf_text_boxes(PDF["caizheng_test"], 19, "年初预算为 1560.05 万元，支出决算为 1511.89 万元。")
    assert len(boxes) == 1
    x0, top, x1, bottom = boxes[0]
    assert x0 < x1 and top < bottom < 842
    # spacing differs from the printed text: fall back to the amounts it states
    assert render.pdf_text_boxes(PDF["caizheng_test"], 19, "支出决算为1511.89万元，预算1560.05") != []
    assert render.pdf_text_boxes(PDF["caizheng_test"], 99, "1511.89") == []


def test_table_lookup_fallback_cites_the_cell(services):
    from assistant.ui.lookup import lookup_answer

    docs = [services.document(PDF["shegong"].name), services.document(TEXT["changnan"].name)]
    r = lookup_answer("社会工作部支出决算表合计本年支出合计是多少", docs)
    assert r["found"] and r["figures"][0]["value"] == "307.82" and r["citations"][0]["page"] == 8
    assert lookup_answer("天气怎么样", docs)["found"] is False
