"""Readers on every sample and on bad input."""

from __future__ import annotations

import pytest
from conftest import ALL, PDF, TEXT

from assistant.errors import UnreadableDocument
from assistant.readers import read_file


@pytest.mark.parametrize("key", sorted(ALL))
def test_every_sample_reads(key):
    raw = read_file(ALL[key])
    assert raw.items, key
    assert raw.tables, key


@pytest.mark.parametrize("key", sorted(PDF))
def test_pdf_pages_and_lines_carry_page_numbers(key):
    raw = read_file(PDF[key])
    assert raw.page_count >= 20
    assert all(ln.page is not None and ln.bbox is not None for ln in raw.lines)
    for t in raw.tables:
        assert all(c.bbox is not None for r in t.rows for c in r if c.text)


def test_pdf_table_continued_across_pages_is_joined():
    raw = read_file(PDF["caizheng"])
    income = [t for t in raw.tables if any("收入决算表" in c for c in t.context)][0]
    assert (income.page, income.page_end) == (8, 9)
    labels = [c.text for r in income.rows for c in r]
    assert "购房补贴" in labels and "合计" in labels


def test_text_lines_carry_line_numbers():
    raw = read_file(TEXT["changnan"])
    t01 = [t for t in raw.tables if any("公开 01 表" in c for c in t.context)][0]
    assert t01.line == 70
    first = t01.rows[0][0]
    assert first.line == 70 and first.text == "收入"


def test_latex_and_html_remnants_are_cleaned():
    raw = read_file(TEXT["changnan"])
    texts = [c.text for t in raw.tables for r in t.rows for c in r]
    assert "≥90%" in [t.replace(" ", "") for t in texts]
    assert not any("\\geq" in t or "$" in t for t in texts)
    raw4 = read_file(TEXT["qingyunpu"])
    assert not any("<p>" in c.text for t in raw4.tables for r in t.rows for c in r)


def test_one_cell_per_line_rows(tmp_path):
    raw = read_file(TEXT["results"])
    (table,) = raw.tables
    assert len(table.rows) == 51
    assert [c.text for c in table.rows[1]] == ["1", "区党群工作部整体支出", "区党群工作部", "13127.43", "75.7", "中"]


@pytest.mark.parametrize(
    "content,needle",
    [
        (b"", "空文件"),
        (b"%PDF-1.4\n garbage that is not a pdf", "损坏"),
        (b"\x00\x01\x02binary", "二进制"),
    ],
)
def test_bad_files_raise_chinese_errors(tmp_path, content, needle):
    p = tmp_path / "坏 文件.pdf"
    p.write_bytes(content)
    with pytest.raises(UnreadableDocument) as exc:
        read_file(p)
    assert needle in str(exc.value) or "不是 PDF" in str(exc.value)
    assert "坏 文件.pdf" in str(exc.value)


def test_gbk_text_export(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("收入决算表\n项目\t金额\n合计\t1,234.50\n".encode("gbk"))
    raw = read_file(p)
    assert raw.tables[0].rows[1][1].text == "1,234.50"


def _chromium_pdf(html: str, path) -> None:
    import shutil

    if not shutil.which("chromium") and not __import__("os").path.exists("/usr/bin/chromium"):
        pytest.skip("Debian chromium 未安装")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        pg = b.new_page()
        pg.set_content(html)
        pg.pdf(path=str(path))
        b.close()


def test_unruled_pdf_table_uses_text_fallback(tmp_path):
    html = """<html><head><meta charset="utf-8"><style>td{padding:2px 16px}</style></head>
    <body style="font-size:12px">
    <p>收入决算表</p><p>单位：万元</p>
    <table><tr><td>项目</td><td>本年收入合计</td><td>财政拨款收入</td><td>其他收入</td></tr>
    <tr><td>合计</td><td>1,234.50</td><td>1,200.00</td><td>34.50</td></tr>
    <tr><td>一般公共服务支出</td><td>1,000.00</td><td>980.00</td><td>20.00</td></tr>
    <tr><td>教育支出</td><td>234.50</td><td>220.00</td><td>14.50</td></tr></table>
    <p>本年收入合计1234.50万元。</p></body></html>"""
    p = tmp_path / "无框线.pdf"
    _chromium_pdf(html, p)
    raw = read_file(p)
    (table,) = raw.tables
    assert not table.ruled
    assert table.texts()[1] == ["合计", "1,234.50", "1,200.00", "34.50"]
    assert table.context[-1] == "单位：万元"
    assert any("本年收入合计1234.50万元" in ln.text for ln in raw.lines)
