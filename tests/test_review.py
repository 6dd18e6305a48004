"""Review drafts and workpapers: the exported .docx / .xlsx open and hold the selected findings."""

from __future__ import annotations

import datetime as dt

from assistant import review

FINDINGS = [
    {"rule": "FA-X-01", "severity": "error", "document": "甲单位2024年度部门决算.pdf",
     "message": "收入支出决算总表本年收入合计与收入决算表合计不一致", "reported": "2995.39", "expected": "2946.25",
     "difference": "49.14", "formula": "总表·本年收入合计 = 收入决算表·合计",
     "locations": [{"document": "甲单位2024年度部门决算.pdf", "page": 7, "table": "收入支出决算总表（T2）",
                    "row": "本年收入合计", "column": "决算数", "text": "2,995.39"}]},
    {"rule": "NA-SHARE-01", "severity": "warning", "document": "甲单位2024年度部门决算.pdf",
     "message": "“一般公共服务支出”占比与金额不符", "reported": "71.73", "expected": "71.65", "difference": "0.08",
     "formula": "=2106.66÷2940.05×100%", "locations": [{"page": 19, "row": "（二）结构情况"}]},
    {"rule": "FA-HIER-01", "severity": "info", "document": "乙单位.txt", "message": "科目层级合计尾数差",
     "reported": "10.00", "expected": "10.01", "difference": "-0.01", "formula": "合计 = 各类之和",
     "locations": [{"line": 120, "table": "T3", "row": "合计", "column": "本年收入合计"}]},
]


def test_draft_groups_by_document_and_severity():
    text = review.draft_review(FINDINGS, date=dt.date(2025, 3, 1))
    assert text.startswith("审核意见（草稿）")
    assert text.index("一、《甲单位2024年度部门决算.pdf》") < text.index("二、《乙单位.txt》")
    first = text[text.index("一、"):text.index("二、《")]
    assert first.index("（一）严重问题（1 项）") < first.index("（二）一般问题（1 项）")
    assert "（一）提示事项（1 项）" in text[text.index("二、《"):]
    for f in FINDINGS:
        assert f["message"].rstrip("。") in text
        assert f["rule"] in text
    assert text.count("问题描述：") == 3 and text.count("依据：") == 3 and text.count("建议：") == 3
    assert "第7页 收入支出决算总表（T2） 行“本年收入合计” 列“决算数”" in text
    assert "报表列示 2995.39，复核应为 2946.25，差异 49.14" in text
    assert "2025年3月1日" in text


def test_draft_of_nothing_is_empty():
    assert review.draft_review([]) == ""


def test_docx_export_contains_the_selected_findings(tmp_path):
    from docx import Document

    chosen = FINDINGS[:2]
    draft = review.draft_review(chosen) + "\n审核人补充：请于五日内回复。"
    path = review.export_docx(draft, chosen, tmp_path / "意见.docx")
    doc = Document(str(path))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "审核人补充：请于五日内回复。" in body  # the auditor's edits are what is exported
    assert "问题描述" in body
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0] == review.COLUMNS
    assert [r[3] for r in rows[1:]] == ["FA-X-01", "NA-SHARE-01"]
    assert rows[1][6:9] == ["2995.39", "2946.25", "49.14"]
    assert "FA-HIER-01" not in body + str(rows)


def test_xlsx_export_contains_the_selected_findings_as_text(tmp_path):
    from openpyxl import load_workbook

    path = review.export_xlsx(FINDINGS, tmp_path / "底稿.xlsx", draft=review.draft_review(FINDINGS))
    wb = load_workbook(str(path))
    ws = wb["问题清单"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == review.COLUMNS
    assert [r[3] for r in rows[1:]] == ["FA-X-01", "NA-SHARE-01", "FA-HIER-01"]
    assert rows[1][4] == FINDINGS[0]["message"]
    # a formula printed in a report stays text, never a live spreadsheet formula
    assert rows[2][9] == "=2106.66÷2940.05×100%"
    assert ws.cell(row=3, column=10).data_type == "s"
    assert "审核意见" in wb.sheetnames
    assert wb["审核意见"]["A1"].value == "审核意见（草稿）"


def test_markdown_export_escapes_pipes():
    md = review.export_markdown("草稿", [{**FINDINGS[0], "message": "a|b"}])
    assert "a\\|b" in md


class _FakeLLM:
    def __init__(self, reply):
        self.reply = reply

    def invoke(self, prompt):
        assert "不改变任何数字" in prompt
        return type("Msg", (), {"content": self.reply})()


def test_polish_keeps_template_when_numbers_change():
    draft = review.draft_review(FINDINGS[:1])
    assert review.polish_draft(draft, None) == (draft, "")
    text, note = review.polish_draft(draft, _FakeLLM(draft.replace("2946.25", "2946.26")))
    assert text == draft and "改动了数字" in note
    polished = draft.replace("经对所报资料", "经对报送资料")
    text, note = review.polish_draft(draft, _FakeLLM(polished))
    assert text == polished and "润色" in note


def test_polish_survives_llm_failure():
    class Down:
        def invoke(self, prompt):
            raise ConnectionError("refused")

    draft = review.draft_review(FINDINGS[:1])
    text, note = review.polish_draft(draft, Down())
    assert text == draft and "失败" in note


def test_advice_follows_the_rule_family():
    assert "表间" in review.advice_for(FINDINGS[0])
    assert "情况说明" in review.advice_for(FINDINGS[1])
    assert review.advice_for(FINDINGS[2]) == review.ADVICE["info"]
    assert review.advice_for({"rule": "ZZ-1", "severity": "error"}) == review.ADVICE["error"]
