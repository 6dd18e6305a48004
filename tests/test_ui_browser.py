"""The auditor's workspace in a real Chromium (Debian's /usr/bin/chromium through playwright).

One app on a free localhost port (in a thread, tmp data dir, no samples), one browser page, the tests
run in order: upload → ask → citation preview → findings → draft → .docx download. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest
from conftest import PDF, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"
UPLOAD = PDF["caizheng_test"]
TIMEOUT = 60_000

if not CHROMIUM.exists():
    pytest.skip("没有 /usr/bin/chromium（Debian chromium 未安装），跳过浏览器测试", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from assistant.settings import Settings
    from assistant.ui.serve import create, launch

    data = tmp_path_factory.mktemp("library")
    settings = Settings(data_dir=data, ocr=False, host="127.0.0.1", port=_free_port())
    demo, services = create(settings, no_samples=True, dense=False)
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{settings.port}/", services
    demo.close()


@pytest.fixture(scope="module")
def page(app):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN")
        pg = ctx.new_page()
        pg.set_default_timeout(TIMEOUT)
        pg.goto(app[0])
        pg.get_by_role("tab", name="资料库").wait_for()
        yield pg
        browser.close()


def shot(page, name: str) -> None:
    time.sleep(0.4)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def seen(locator):
    """Return the first visible match (Gradio tables keep hidden measuring copies of their cells)."""
    return locator.filter(visible=True).first


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_upload_pdf_row_appears(page):
    page.locator("#upload-files input[type=file]").set_input_files([str(UPLOAD)])
    seen(page.locator("#upload-files").get_by_text(UPLOAD.name)).wait_for()
    page.click("#ingest-btn")
    seen(page.locator("#docs-table").get_by_text(UPLOAD.name)).wait_for()
    seen(page.locator("#ingest-progress").get_by_text("已导入")).wait_for()
    assert "部门决算" in page.locator("#docs-table").inner_text()
    shot(page, "01_library")


def test_bad_file_warns_in_chinese_and_loses_nothing(page, tmp_path):
    bad = tmp_path / "损坏的报告.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj broken")
    page.locator("#upload-files input[type=file]").set_input_files([str(bad)])
    seen(page.locator("#upload-files").get_by_text(bad.name)).wait_for()
    page.click("#ingest-btn")
    seen(page.locator("#ingest-progress").get_by_text("失败")).wait_for()
    toast = seen(page.get_by_test_id("toast-body").filter(has_text="损坏的报告.pdf"))
    toast.wait_for()
    assert "无法读取" in toast.inner_text() or "未导入" in toast.inner_text()
    assert "Traceback" not in page.content()
    assert UPLOAD.name in page.locator("#docs-table").inner_text()
    assert UPLOAD.name not in page.locator("#ingest-progress").inner_text()  # the upload box was emptied
    shot(page, "01b_bad_file")


def test_ask_figure_with_citation(page):
    tab(page, "问答")
    page.fill("#chat-input textarea", "上海市普陀区财政局 2024 年收入决算表本年收入合计是多少？")
    page.click("#chat-send")
    bot = page.locator("#chatbot")
    seen(bot.get_by_text("2,946.25")).wait_for()
    cites = page.locator("#chat-cites")
    cites.wait_for(state="visible")
    assert re.search(r"第\d+页", cites.inner_text())
    shot(page, "02_chat_answer")


def test_citation_opens_page_preview(page):
    page.locator("#chat-cites label").first.click()
    img = page.locator("#chat-preview-img img")
    img.wait_for(state="visible")
    assert re.search(r"第\d+页", page.locator("#chat-preview").inner_text())
    assert img.evaluate("el => el.naturalWidth") > 400
    shot(page, "03_citation_preview")


def test_empty_question_is_refused_politely(page):
    page.fill("#chat-input textarea", "")
    page.click("#chat-send")
    seen(page.get_by_test_id("toast-body").filter(has_text="请输入问题")).wait_for()


def test_user_text_is_never_active_html(page):
    page.fill("#chat-input textarea", "<img src=x onerror=\"window.__xss=1\"> 是多少？")
    page.click("#chat-send")
    seen(page.locator("#chatbot").get_by_text("onerror")).wait_for()
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("#chatbot img[src=x]").count() == 0


def test_findings_list_and_location(page):
    tab(page, "问题清单")
    table = page.locator("#findings-table")
    seen(table.get_by_text("FA-")).wait_for()
    seen(page.locator("#not-checked-table").get_by_text("缺少")).wait_for()
    seen(table.get_by_text("FA-HIER-01")).click()
    page.locator("#findings-preview-img img").wait_for(state="visible")
    assert "复核公式" in page.locator("#finding-detail").inner_text()
    shot(page, "04_findings")


def test_project_drilldown(page):
    tab(page, "项目核查")
    page.locator("#project-doc input").click()
    page.get_by_role("option", name=UPLOAD.name).click()
    page.locator("#project-pick input").click()
    page.get_by_role("option", name="收入决算表").first.click()
    page.locator("#project-figures table").wait_for()
    assert "复核" in page.locator("#project-figures").inner_text()
    seen(page.locator("#project-findings").get_by_text("FA-")).wait_for()
    shot(page, "05_project")


def test_draft_and_docx_download(page, tmp_path):
    from docx import Document

    tab(page, "审核意见")
    page.locator("#review-picks label").first.wait_for()
    page.click("#review-all")
    page.click("#review-draft-btn")
    draft = page.locator("#review-draft textarea")
    page.wait_for_function("() => document.querySelector('#review-draft textarea').value.includes('问题描述')")
    text = draft.input_value()
    assert "依据" in text and "建议" in text and UPLOAD.name in text
    page.click("#export-docx")
    link = page.locator("#review-download a").first
    link.wait_for()
    with page.expect_download() as dl:
        link.click()
    out = tmp_path / "draft.docx"
    dl.value.save_as(out)
    shot(page, "06_review_draft")
    doc = Document(str(out))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "审核意见" in body and "问题描述" in body
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert any(c.startswith("FA-") for c in cells)


def test_status_tab(page):
    tab(page, "状态")
    md = page.locator("#status-md")
    md.get_by_text("文档数").wait_for()
    assert "向量模型" in md.inner_text()
    shot(page, "07_status")
