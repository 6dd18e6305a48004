"""The bad-input catalogue through the service layer (``AssistantService``, the workspace ``Services``) and
the CLI: every hostile file gets a clear Chinese message naming it, and nothing already in the library
is lost (documents, findings and a known answer are the same before and after)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PDF, ROOT, TEXT

from assistant.settings import Settings

KNOWN = ("媒体合作经费得分是多少", "97")  # a cell of the results list (000_…txt, 评分 column)


# ----- hostile files -------------------------------------------------------------------------------
def _blank_pdf(path: Path, pages: int) -> Path:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    with open(path, "wb") as fh:
        w.write(fh)
    return path


def _encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    w.add_page(PdfReader(str(PDF["shegong"])).pages[0])
    w.encrypt(user_password="pw", owner_password="owner")
    with open(path, "wb") as fh:
        w.write(fh)
    return path


def _image_pdf(path: Path) -> Path:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(img).rectangle((50, 50, 550, 120), outline="black")
    buf = io.BytesIO()
    img.save(buf, format="PDF")
    path.write_bytes(buf.getvalue())
    return path


def hostile(d: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, a fragment the Chinese message must contain). All of these must be refused."""
    d.mkdir(parents=True, exist_ok=True)
    data = PDF["shegong"].read_bytes()
    (d / "损坏的报告.pdf").write_bytes(data[: len(data) // 50])
    (d / "其实是文本.pdf").write_text("收入决算表\n", encoding="utf-8")
    (d / "空文件.txt").write_bytes(b"")
    (d / "表格.xlsx").write_bytes(b"PK\x03\x04 not a report")
    (d / "二进制.txt").write_bytes(b"\x00\x01\x02\x03" * 64)
    (d / "过大.txt").write_text("收入\t1\n" * 200_000, encoding="utf-8")  # > 1 MB
    return {
        "corrupt": (d / "损坏的报告.pdf", "不是有效的 PDF"),
        "encrypted": (_encrypted_pdf(d / "受保护.pdf"), "加密的 PDF"),
        "zero_pages": (_blank_pdf(d / "零页.pdf", 0), "0 页"),
        "too_many_pages": (_blank_pdf(d / "三百页.pdf", 300), "超过页数上限"),
        "wrong_extension": (d / "其实是文本.pdf", "不是 PDF"),
        "empty": (d / "空文件.txt", "空文件"),
        "unsupported": (d / "表格.xlsx", "不支持"),
        "binary": (d / "二进制.txt", "二进制"),
        "too_large": (d / "过大.txt", "超过上限"),
    }


def _settings(d: Path, **kw) -> Settings:
    base = dict(data_dir=d, ocr=False, max_file_mb=1, max_pages=299, embedding_model="", embedding_fallback="")
    base.update(kw)
    return Settings(**base)


def snapshot(svc) -> dict:
    """What must survive bad input: the document list, the findings and a known answer."""
    docs = sorted((d["id"], d["name"], d["sha256"], d["tables"]) for d in svc.documents())
    findings = sorted(json.dumps(f, sort_keys=True, ensure_ascii=False) for f in svc.findings())
    ans = svc.ask(KNOWN[0])
    assert ans["found"] and ans["figures"][0]["value"] == KNOWN[1], ans
    return {"docs": docs, "findings": findings, "answer": ans["answer"]}


# ----- the answering facade ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    from assistant.qa.service import AssistantService

    s = AssistantService(_settings(tmp_path_factory.mktemp("bad-svc")), dense=False)
    res = s.ingest([TEXT["results"], TEXT["changnan"]])
    assert [r["status"] for r in res] == ["added", "added"]
    yield s
    s.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return hostile(tmp_path_factory.mktemp("hostile"))


CASES = ["corrupt", "encrypted", "zero_pages", "too_many_pages", "wrong_extension", "empty", "unsupported",
         "binary", "too_large"]


@pytest.mark.parametrize("case", CASES)
def test_service_refuses_each_bad_file_in_chinese_and_loses_nothing(svc, files, case):
    path, fragment = files[case]
    before = snapshot(svc)
    res = svc.ingest([path])
    assert len(res) == 1 and res[0]["status"] == "error", res
    msg = res[0]["message"]
    assert fragment in msg, msg
    assert any("\u4e00" <= ch <= "\u9fff" for ch in msg) and "Traceback" not in msg
    assert snapshot(svc) == before


def test_bad_files_in_one_batch_do_not_stop_the_good_one(svc, files, tmp_path):
    before = snapshot(svc)
    good = tmp_path / "批量中的好文件.txt"
    good.write_text(TEXT["results"].read_text("utf-8").replace("媒体合作经费", "媒体宣传合作经费"), "utf-8")
    res = svc.ingest([files["corrupt"][0], good, files["empty"][0]])
    assert [r["status"] for r in res] == ["error", "added", "error"]
    after = snapshot(svc)
    assert set(before["docs"]) < set(after["docs"]) and after["answer"] == before["answer"]
    assert svc.remove(good.name)
    assert snapshot(svc) == before


def test_duplicate_upload_is_no_change_and_says_so(svc):
    before = snapshot(svc)
    res = svc.ingest([TEXT["results"]])
    assert res[0]["status"] == "unchanged" and "未变化" in res[0]["message"]
    assert snapshot(svc) == before


def test_gbk_export_reads_like_the_utf8_one(svc, tmp_path):
    gbk = tmp_path / "GBK 导出（全角）.txt"
    gbk.write_bytes(TEXT["results"].read_text("utf-8").encode("gbk"))
    res = svc.ingest([gbk])
    assert res[0]["status"] == "added", res
    ans = svc.ask(KNOWN[0], document=gbk.name)
    assert ans["found"] and ans["figures"][0]["value"] == KNOWN[1]
    assert ans["figures"][0]["source"]["document"] == gbk.name
    assert svc.remove(gbk.name)


def test_page_limit_is_a_setting_300_blank_pages_read_fine_under_it(tmp_path, files):
    from assistant.qa.service import AssistantService

    s = AssistantService(_settings(tmp_path / "lib", max_pages=500, ocr=True), dense=False)
    try:
        res = s.ingest([files["too_many_pages"][0]])
        assert res[0]["status"] == "added", res
        assert s.documents()[0]["pages"] == 300
    finally:
        s.close()


def test_image_only_pdf_without_ocr_is_kept_and_flagged(tmp_path):
    from assistant.qa.service import AssistantService

    s = AssistantService(_settings(tmp_path / "lib"), dense=False)
    try:
        s.ingest([TEXT["results"]])
        before = snapshot(s)
        res = s.ingest([_image_pdf(tmp_path / "扫描件.pdf")])
        assert res[0]["status"] in ("added", "error"), res
        doc = s.document("扫描件.pdf")
        if doc is not None:  # kept: the document says why it has no content
            assert any("文字层" in w for w in doc.warnings), doc.warnings
        assert all(x in snapshot(s)["docs"] for x in before["docs"])
    finally:
        s.close()


# ----- the workspace services (uploads) ------------------------------------------------------------
@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    from assistant.ui.services import Services

    s = Services(_settings(tmp_path_factory.mktemp("bad-ui")), dense=False)
    assert [r.status for r in s.ingest([TEXT["results"]])] == ["added"]
    return s


@pytest.mark.parametrize("case", CASES)
def test_workspace_upload_refuses_in_chinese_and_loses_nothing(ui, files, case):
    path, fragment = files[case]
    before = snapshot(ui)
    stored = sorted(p for p in ui.files_dir.rglob("*") if p.is_file())
    res = ui.ingest([path])[0]
    assert res.status == "error" and path.name in res.message, res
    assert fragment in res.message or "不受支持" in res.message or "超过" in res.message, res.message
    assert snapshot(ui) == before
    assert sorted(p for p in ui.files_dir.rglob("*") if p.is_file()) == stored  # no stray copy left


def test_workspace_duplicate_upload_says_so(ui):
    res = ui.ingest([TEXT["results"]])[0]
    assert res.status == "unchanged" and "已在资料库中" in res.message


@pytest.mark.parametrize("name", ["带 空格 的 报告.txt", "全角（报告）２０２４．txt", "..\\..\\逃逸.txt",
                                  "a\\b 报告.txt", "-rf 报告.txt"])
def test_odd_file_names_stay_inside_the_library(ui, tmp_path, name):
    src = tmp_path / "upload" / name
    src.parent.mkdir(parents=True)
    body = TEXT["results"].read_text("utf-8").replace("媒体合作经费", f"媒体合作经费{len(name)}")
    src.write_text(body, encoding="utf-8")
    before = snapshot(ui)
    res = ui.ingest([src])[0]
    if src.suffix.lower() != ".txt":  # “．txt” (full-width dot) is not a supported extension
        assert res.status == "error" and "不受支持" in res.message
        return
    assert res.status == "added", res
    doc = ui.document(res.document)
    data = Path(ui.settings.data_dir).resolve()
    stored = Path(doc.path).resolve()
    assert stored.is_relative_to(data) and stored.name == name and "/" not in doc.name
    assert not (tmp_path / "逃逸.txt").exists() and not (data.parent / "逃逸.txt").exists()
    ui.remove(res.document)
    assert snapshot(ui) == before


def test_upload_named_like_a_path_cannot_escape(ui, tmp_path):
    """A browser upload arrives as a temporary file; a client-supplied name such as “a/b.txt” or
    “../../x.txt” reaches the services only as a path, whose last part alone names the stored copy."""
    nested = tmp_path / "a" / "b.txt"
    nested.parent.mkdir()
    nested.write_text(TEXT["results"].read_text("utf-8").replace("媒体合作经费", "媒体合作经费乙"), "utf-8")
    sneaky = tmp_path / "a" / ".." / "a" / "b.txt"
    res = ui.ingest([sneaky])[0]
    assert res.status == "added"
    stored = Path(ui.document(res.document).path).resolve()
    assert stored.is_relative_to(ui.files_dir.resolve()) and stored.name == "b.txt"
    ui.remove(res.document)


# ----- the CLI ---------------------------------------------------------------------------------------
def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUDIT_OCR": "0", "AUDIT_EMBEDDING_MODEL": "", "AUDIT_EMBEDDING_FALLBACK": "",
           "AUDIT_MAX_FILE_MB": "1", "AUDIT_MAX_PAGES": "299", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_cli_ingest_and_check_bad_input_exit_2_in_chinese(tmp_path, files):
    lib = tmp_path / "库"
    ok = _cli("ingest", str(TEXT["results"]), "--library", str(lib), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    bad = [str(p) for p, _ in files.values()]
    r = _cli("ingest", *bad, "--library", str(lib), cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    out = json.loads(r.stdout)
    assert out["summary"]["error"] == len(bad) and out["summary"]["added"] == 0
    by_path = {Path(res["path"]).name: res for res in out["results"]}
    for path, fragment in files.values():
        res = by_path[path.name]
        assert res["status"] == "error" and fragment in res["message"], res
    assert "Traceback" not in r.stderr
    for path, _ in files.values():
        if path.suffix == ".pdf" or path.suffix == ".txt":
            assert path.name in r.stderr
    # the library still answers as before
    a = _cli("ask", "--library", str(lib), KNOWN[0], "--format", "json", cwd=tmp_path)
    assert a.returncode == 0 and json.loads(a.stdout)["figures"][0]["value"] == KNOWN[1]
    dup = _cli("ingest", str(TEXT["results"]), "--library", str(lib), cwd=tmp_path)
    assert dup.returncode == 0 and json.loads(dup.stdout)["summary"]["unchanged"] == 1

    c = _cli("check", *bad[:5], "--format", "json", cwd=tmp_path)
    assert c.returncode == 2 and "Traceback" not in c.stderr
    for p in bad[:5]:
        assert Path(p).name in c.stderr
    assert "错误：" in c.stderr
    missing = _cli("ingest", str(tmp_path / "不存在 的 文件.pdf"), "--library", str(lib), cwd=tmp_path)
    assert missing.returncode == 2 and "找不到文件" in missing.stderr


def test_library_replace_with_a_bad_file_keeps_the_old_document(tmp_path, files):
    from index.library import Library

    lib = Library(_settings(tmp_path / "lib"), dense=False)
    try:
        lib.ingest([TEXT["results"]])
        old = lib.document_ids()
        res = lib.replace(TEXT["results"].name, files["corrupt"][0])
        assert res[0].status == "error" and "不是有效的 PDF" in res[0].message
        assert lib.document_ids() == old
        new = tmp_path / "新版本.txt"
        new.write_text(TEXT["results"].read_text("utf-8").replace("媒体合作经费", "媒体合作专项经费"), "utf-8")
        res = lib.replace(TEXT["results"].name, new)
        assert res[0].status == "replaced" and [d["name"] for d in lib.documents()] == [new.name]
    finally:
        lib.close()
