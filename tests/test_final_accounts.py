"""部门决算 公开01–10表 on the real samples (real readers, real pdfplumber; no mocks).

Every expected value below was read by hand from the source: the text export's line, or the PDF page's
``pdfplumber`` ``extract_text()``. Provenance is checked against the source too: a text cell's line holds
its text, a PDF cell's bbox crops to its text on its page.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pytest
from conftest import ALL

from assistant.extract.final_accounts import canonical_label, missing_final_kinds

ALL_FINAL = {f"final_{i:02d}" for i in range(1, 11)}
SH = ALL_FINAL - {"final_10"}  # 上海 layout: no 国有资产占用情况表

KINDS = {
    "changnan": ALL_FINAL - {"final_06"},
    "rongjiang": ALL_FINAL,
    "caizheng": SH,
    "caizheng_test": SH - {"final_03"},
    "guihua": SH,
    "shegong": SH,
    "template": SH,
}

# (kind, side, label or 科目编码, column, printed text, page for PDFs / line for text exports)
E = {
    "changnan": [
        ("final_01", "收入", "一般公共预算财政拨款收入", "决算数", "4,032.79", 73),
        ("final_01", "收入", "政府性基金预算财政拨款收入", "决算数", "8.00", 74),
        ("final_01", "支出", "一般公共服务支出", "决算数", "3,861.57", 73),
        ("final_01", "支出", "社会保障和就业支出", "决算数", "74.30", 80),
        ("final_01", "支出", "卫生健康支出", "决算数", "30.65", 81),
        ("final_01", "支出", "城乡社区支出", "决算数", "8.00", 83),
        ("final_01", "支出", "住房保障支出", "决算数", "66.28", 91),
        ("final_01", "收入", "本年收入合计", "决算数", "4,040.79", 99),
        ("final_01", "支出", "本年支出合计", "决算数", "4,040.79", 99),
        ("final_01", "收入", "总计", "决算数", "4,040.79", 103),
        ("final_02", None, "201", "本年收入合计", "2,281.87", 124),
        ("final_03", None, "合计", "本年支出合计", "4,040.79", 163),
        ("final_03", None, "合计", "基本支出", "889.74", 163),
        ("final_03", None, "合计", "项目支出", "3,151.05", 163),
        ("final_03", None, "2010301", "本年支出合计", "777.61", 166),
        ("final_03", None, "2010301", "项目支出", "58.34", 166),
        ("final_03", None, "221", "本年支出合计", "88.28", 181),
        ("final_03", None, "20199", "项目支出", "2,479.58", 170),
        ("final_04", "支出", "本年支出合计", "一般公共预算财政拨款", "4,032.79", 227),
        ("final_04", "支出", "本年支出合计", "政府性基金预算财政拨款", "8.00", 227),
        ("final_04", "支出", "城乡社区支出", "政府性基金预算财政拨款", "8.00", 210),
        ("final_04", "收入", "一般公共预算财政拨款", "决算数", "4,032.79", 200),
        ("final_05", None, "合计", "本年支出合计", "4,032.79", 250),
        ("final_05", None, "合计", "基本支出", "899.74", 250),
        ("final_05", None, "合计", "项目支出", "3,143.05", 250),
        ("final_05", None, "20199", "本年支出合计", "2,479.98", 257),
        ("final_05", None, "2010301", "项目支出", "56.34", 253),
        ("final_09", None, "合计", "年初预算数", "39.60", 325),
        ("final_09", None, "合计", "决算数", "8.77", 325),
        ("final_09", None, "公务接待费", "全年预算数", "24.24", 330),
        ("final_09", None, "公务用车运行维护费", "决算数", "3.62", 329),
        ("final_09", None, "公务用车保有量（辆）", "决算数", "4", 338),
        ("final_09", None, "国内公务接待人次（人）", "决算数", "541", 341),
        ("final_10", None, "车辆数合计(台、辆)", "决算数", "4", 361),
        ("final_10", None, "其他用车", "决算数", "4", 369),
    ],
    "rongjiang": [
        ("final_01", "收入", "一般公共预算财政拨款收入", "决算数", "1,112.22", 84),
        ("final_01", "支出", "一般公共服务支出", "决算数", "461.71", 84),
        ("final_01", "支出", "科学技术支出", "决算数", "85.13", 89),
        ("final_01", "支出", "文化旅游体育与传媒支出", "决算数", "32.54", 90),
        ("final_01", "支出", "卫生健康支出", "决算数", "7.92", 92),
        ("final_01", "支出", "资源勘探工业信息等支出", "决算数", "81.03", 97),
        ("final_01", "支出", "住房保障支出", "决算数", "443.88", 102),
        ("final_01", "支出", "本年支出合计", "决算数", "1,112.22", 110),
        ("final_01", "收入", "总计", "决算数", "1,112.22", 114),
        ("final_02", None, "201", "本年收入合计", "461.71", 134),
        ("final_02", None, "2010306", "财政拨款收入", "104.05", 139),
        ("final_03", None, "合计", "基本支出", "117.23", 176),
        ("final_03", None, "合计", "项目支出", "994.99", 176),
        ("final_03", None, "2010350", "基本支出", "5.11", 183),
        ("final_03", None, "2010350", "项目支出", "284.79", 183),
        ("final_03", None, "221", "项目支出", "443.88", 199),
        ("final_04", "收入", "本年收入合计", "决算数", "1,112.22", 246),
        ("final_04", "支出", "住房保障支出", "一般公共预算财政拨款", "443.88", 238),
        ("final_04", "支出", "总计", "合计", "1,112.22", 251),
        ("final_05", None, "合计", "本年支出合计", "1,112.22", 263),
        ("final_05", None, "2010306", "基本支出", "93.97", 270),
        ("final_06", "人员经费", "30101", "决算数", "33.91", 301),
        ("final_06", "公用经费", "30201", "决算数", "5.11", 301),
        ("final_06", "公用经费", "30228", "决算数", "1.67", 322),
        ("final_06", "人员经费", "人员经费合计", "决算数", "105.01", 335),
        ("final_06", "公用经费", "公用经费合计", "决算数", "12.22", 335),
        ("final_10", None, "车辆数合计(台、辆)", "决算数", "0", 413),
    ],
    "guihua": [
        ("final_01", "收入", "一般公共预算财政拨款收入", "决算数", "9746.50", 7),
        ("final_01", "支出", "城乡社区支出", "决算数", "3845.25", 7),
        ("final_01", "支出", "自然资源海洋气象等支出", "决算数", "4461.67", 7),
        ("final_01", "支出", "本年支出合计", "决算数", "9759.38", 7),
        ("final_01", "收入", "年初结转和结余", "决算数", "112.88", 7),
        ("final_01", "支出", "年末结转和结余", "决算数", "100.00", 7),
        ("final_01", "支出", "总计", "决算数", "9859.38", 7),
        ("final_02", None, "合计", "本年收入合计", "9746.50", 8),
        ("final_02", None, "212", "财政拨款收入", "3832.36", 9),
        ("final_03", None, "合计", "基本支出", "5377.64", 10),
        ("final_03", None, "212", "本年支出合计", "3845.24", 11),
        ("final_03", None, "2200150", "项目支出", "2077.09", 11),
        ("final_04", "支出", "城乡社区支出", "合计", "3832.36", 12),
        ("final_04", "支出", "卫生健康支出", "一般公共预算财政拨款", "236.63", 12),
        ("final_05", None, "合计", "基本支出", "5364.75", 15),
        ("final_05", None, "212", "基本支出", "1572.70", 14),
        ("final_06", "人员经费", "人员经费合计", "决算数", "4884.09", 16),
        ("final_06", "公用经费", "公用经费合计", "决算数", "480.66", 16),
        ("final_06", "人员经费", "30107", "决算数", "1594.02", 16),
        ("final_06", "公用经费", "31002", "决算数", "39.76", 16),
        ("final_09", None, "合计", "年初预算数", "2.85", 17),
        ("final_09", None, "合计", "决算数", "0.39", 17),
        ("final_09", None, "公务接待费", "决算数", "0.39", 17),
        ("final_09", None, "因公出国（境）费", "年初预算数", "0.00", 17),
    ],
    "shegong": [
        ("final_01", "收入", "一般公共预算财政拨款收入", "决算数", "307.82", 5),
        ("final_01", "支出", "一般公共服务支出", "决算数", "264.87", 5),
        ("final_01", "支出", "社会保障和就业支出", "决算数", "10.82", 5),
        ("final_01", "支出", "卫生健康支出", "决算数", "2.71", 5),
        ("final_01", "支出", "住房保障支出", "决算数", "29.42", 5),
        ("final_01", "支出", "本年支出合计", "决算数", "307.82", 5),
        ("final_02", None, "2013999", "财政拨款收入", "202.24", 6),
        ("final_02", None, "2101101", "本年收入合计", "2.22", 7),
        ("final_03", None, "合计", "基本支出", "105.58", 8),
        ("final_03", None, "合计", "项目支出", "202.24", 8),
        ("final_03", None, "2013901", "基本支出", "51.32", 8),
        ("final_03", None, "2210203", "本年支出合计", "11.72", 9),
        ("final_04", "支出", "住房保障支出", "一般公共预算财政拨款", "29.42", 11),
        ("final_04", "收入", "一般公共预算财政拨款", "决算数", "307.82", 10),
        ("final_05", None, "合计", "基本支出", "105.58", 12),
        ("final_05", None, "2080506", "本年支出合计", "4.64", 12),
        ("final_06", "人员经费", "人员经费合计", "决算数", "95.36", 13),
        ("final_06", "公用经费", "公用经费合计", "决算数", "10.23", 13),
        ("final_06", "人员经费", "30102", "决算数", "39.72", 13),
        ("final_06", "公用经费", "30239", "决算数", "2.43", 13),
    ],
    "caizheng": [
        ("final_01", "收入", "一般公共预算财政拨款收入", "决算数", "2,940.05", 6),
        ("final_01", "收入", "其他收入", "决算数", "6.20", 6),
        ("final_01", "支出", "社会保障和就业支出", "决算数", "326.71", 6),
        ("final_01", "收入", "本年收入合计", "决算数", "2,946.25", 6),
        ("final_01", "支出", "本年支出合计", "决算数", "2,940.05", 6),
        ("final_01", "收入", "年初结转和结余", "决算数", "49.14", 7),
        ("final_01", "支出", "年末结转和结余", "决算数", "55.34", 7),
        ("final_01", "收入", "总计", "决算数", "2,995.39", 7),
        ("final_02", None, "2010602", "其他收入", "6.19", 8),
        ("final_02", None, "2010601", "本年收入合计", "1,511.90", 8),
        ("final_03", None, "合计", "本年支出合计", "2,940.05", 10),
        ("final_03", None, "合计", "基本支出", "2,336.91", 10),
        ("final_03", None, "208", "本年支出合计", "326.72", 10),
        ("final_03", None, "2010601", "项目支出", "8.37", 10),
        ("final_04", "收入", "年初财政拨款结转和结余", "决算数", "21.63", 13),
        ("final_04", "支出", "总计", "合计", "2,961.68", 13),
        ("final_05", None, "2210203", "基本支出", "258.50", 15),
        ("final_05", None, "合计", "项目支出", "603.14", 15),
        ("final_06", "人员经费", "301", "决算数", "2,082.85", 16),
        ("final_06", "人员经费", "30102", "决算数", "1,238.58", 16),
        ("final_06", "公用经费", "302", "决算数", "171.07", 16),
        ("final_06", "人员经费", "人员经费合计", "决算数", "2,152.26", 17),
        ("final_09", None, "合计", "年初预算数", "0.95", 18),
        ("final_09", None, "公务接待费", "年初预算数", "0.95", 18),
    ],
    "caizheng_test": [
        ("final_01", "收入", "一般公共预算财政拨款收入", "决算数", "2,940.05", 7),
        ("final_01", "支出", "一般公共服务支出", "决算数", "2,106.66", 7),
        ("final_01", "支出", "卫生健康支出", "决算数", "60.99", 7),
        ("final_01", "支出", "住房保障支出", "决算数", "445.69", 7),
        ("final_01", "收入", "本年收入合计", "决算数", "2,946.25", 7),
        ("final_01", "收入", "年初结转和结余", "决算数", "49.14", 7),
        ("final_01", "支出", "总计", "决算数", "2,995.39", 7),
        ("final_02", None, "合计", "本年收入合计", "2,946.25", 8),
        ("final_02", None, "合计", "其他收入", "6.20", 8),
        ("final_02", None, "2080505", "财政拨款收入", "160.75", 8),
        ("final_02", None, "2210203", "本年收入合计", "258.50", 9),
        ("final_04", "支出", "本年支出合计", "一般公共预算财政拨款", "2,940.05", 11),
        ("final_04", "支出", "年末财政拨款结转和结余", "合计", "21.63", 11),
        ("final_04", "收入", "总计", "决算数", "2,961.68", 11),
        ("final_05", None, "2010601", "基本支出", "1,503.52", 12),
        ("final_05", None, "合计", "本年支出合计", "2,940.05", 12),
        ("final_06", "人员经费", "303", "决算数", "69.41", 13),
        ("final_06", "公用经费", "30228", "决算数", "24.42", 13),
        ("final_06", "公用经费", "310", "决算数", "13.58", 13),
        ("final_06", "公用经费", "公用经费合计", "决算数", "184.65", 14),
    ],
}


def _find(doc, kind, side, key, column):
    t = doc.table(kind)
    assert t is not None, f"{kind} missing"
    for r in t.rows:
        if side is not None and r.side != side:
            continue
        if (key.isdigit() and r.code == key) or (not key.isdigit() and r.label == key):
            assert column in r.cells, (kind, key, column, list(r.cells))
            return t, r, r.cells[column]
    raise AssertionError(f"{kind} row {side} {key} not found")


@lru_cache(maxsize=None)
def _text_lines(key):
    return ALL[key].read_text(encoding="utf-8-sig").split("\n")


_pdfs: dict = {}


def _pdf_page(key, page):
    import pdfplumber

    if key not in _pdfs:
        _pdfs[key] = pdfplumber.open(str(ALL[key]))
    return _pdfs[key].pages[page - 1]


@pytest.fixture(scope="module", autouse=True)
def _close_pdfs():
    yield
    for pdf in _pdfs.values():
        pdf.close()
    _pdfs.clear()


@pytest.mark.parametrize("key", sorted(KINDS))
def test_table_kinds_found(docs, key):
    doc = docs(key)
    assert {t.kind for t in doc.tables if t.kind.startswith("final_")} == KINDS[key]
    assert doc.doc_type == "final_accounts"


@pytest.mark.parametrize("key", sorted(E))
def test_hand_verified_cells(docs, key):
    doc = docs(key)
    cases = E[key]
    assert len(cases) >= 20
    for kind, side, label, column, text, _where in cases:
        t, r, c = _find(doc, kind, side, label, column)
        assert c.text.replace(" ", "") == text, (kind, label, column, c.text)
        assert c.value == Decimal(text.replace(",", "")), (kind, label, column)
        counts = kind == "final_10" or r.role == "stat"
        assert c.kind == ("number" if counts else "amount"), (kind, label, column, c.kind)
        if c.kind == "amount":
            assert c.unit == "万元" and c.wan == c.value
        assert c.source.table == t.id and c.source.column == column and c.source.row == (r.label or r.code)
        assert c.source.document == doc.id


@pytest.mark.parametrize("key", sorted(E))
def test_provenance_points_at_the_printed_figure(docs, key):
    doc = docs(key)
    for kind, side, label, column, text, where in E[key]:
        _, _, c = _find(doc, kind, side, label, column)
        if doc.source_format == "text":
            assert c.source.line == where, (kind, label, column, c.source.line)
            assert text in _text_lines(key)[c.source.line - 1]
        else:
            assert c.source.page == where, (kind, label, column, c.source.page)
            assert c.source.bbox is not None
            x0, top, x1, bottom = c.source.bbox
            page = _pdf_page(key, c.source.page)
            crop = page.crop((x0 - 0.5, top - 0.5, x1 + 0.5, bottom + 0.5)).extract_text() or ""
            assert text in crop.replace(" ", "").replace("\n", ""), (kind, label, column, crop)


def test_codes_join_printed_columns_and_levels(docs):
    doc = docs("caizheng")
    t = doc.table("final_03")
    r = next(r for r in t.rows if r.code == "2010601")
    assert r.label == "行政运行" and r.level == "项" and r.attrs["printed_code"] == "201 06 01"
    assert [x.level for x in t.rows if x.code in ("201", "20106")] == ["类", "款"]
    assert t.row("合计").role == "total" and t.row("合计").code is None
    # 科目编码 and 行次 are never cells
    for tb in doc.tables:
        if tb.kind.startswith("final_"):
            for row in tb.rows:
                assert not any(k in col for col in row.cells for k in ("编码", "行次", "栏次")), row.cells.keys()
                assert not {"类", "款", "项"} & set(row.cells)


def test_two_sided_tables(docs):
    doc = docs("changnan")
    t01 = doc.table("final_01")
    assert t01.columns == ["决算数"]
    assert t01.meta["部门"] == "景德镇市昌南新区党政办" and t01.meta["公开表号"] == "公开01表"
    assert t01.unit == "万元"
    r = t01.row("本年收入合计", side="收入")
    assert r.role == "total" and r.attrs["行次"] == "27"
    assert t01.row("一般公共服务支出").attrs["printed_label"] == "一、一般公共服务支出"
    blank = t01.row("国有资本经营预算财政拨款收入", side="收入").cells["决算数"]
    assert blank.kind == "empty" and blank.value is None
    t04 = doc.table("final_04")
    assert t04.columns == ["决算数", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
    sub = [x for x in t04.find_rows("一般公共预算财政拨款", side="收入")]
    assert [x.attrs.get("parent") for x in sub] == [None, "年初财政拨款结转和结余"]


def test_rongjiang_page_break_and_misprints(docs):
    doc = docs("rongjiang")
    t04 = doc.table("final_04")
    # the 04 table continues after three blank lines with shifted columns and no 收入 labels
    r = t04.row("本年收入合计", side="收入")
    assert r.attrs["label_from"] == "行次" and r.attrs["行次"] == "27"
    assert t04.row("本年支出合计", side="支出").cells["合计"].value == Decimal("1112.22")
    assert any("行次27" in w for w in t04.warnings)
    # 05: the 合计 values stand on the 栏次 line (263); the 合计 row gets them, provenance stays on 263
    t05 = doc.table("final_05")
    total = t05.row("合计")
    assert total.cells["基本支出"].value == Decimal("117.23") and total.cells["基本支出"].source.line == 263
    assert sum(1 for x in t05.rows if x.role == "total") == 1
    # 06: “公用支出合计” printed, its value in the third group's column
    t06 = doc.table("final_06")
    pub = t06.row("公用经费合计")
    assert pub.side == "公用经费" and pub.attrs["printed_label"] == "公用支出合计"
    # 09: rows 1–6 look like 目录 lines (“label<TAB>n”) and stay in the table
    t09 = doc.table("final_09")
    assert [x.label for x in t09.rows[:6]] == ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务用车购置费",
                                               "公务用车运行维护费", "公务接待费"]
    assert all(c.kind == "empty" for x in t09.rows for c in x.cells.values())
    assert t09.meta["年度"] == "2023"
    assert doc.table("final_10").unit is None and doc.table("final_10").meta["计量单位"] == "台、辆、套"


def test_sangong_vertical(docs):
    t = docs("changnan").table("final_09")
    assert t.columns == ["年初预算数", "全年预算数", "决算数"]
    stats = [r for r in t.rows if r.role == "stat"]
    assert stats and stats[0].label == "相关统计数"
    assert t.row("国内接待费").attrs["parent"] == "公务接待费"
    assert t.row("国内接待费").cells["年初预算数"].kind == "empty"  # printed ---
    assert t.row("合计").role == "total" and t.row("合计").attrs["printed_label"] == "一、“三公”经费支出"


def test_sangong_horizontal_transposed(docs):
    t = docs("guihua").table("final_09")
    assert [r.label for r in t.rows] == ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务用车购置费",
                                         "公务用车运行维护费", "公务接待费"]
    assert t.columns == ["年初预算数", "决算数"] and "预算数口径" in t.meta
    boxes = {r.cells[c].source.bbox for r in t.rows for c in t.columns}
    assert len(boxes) == 12  # each transposed cell keeps its own bbox
    # 财政局 PDF: title printed as “财政拨款 三公 经费支出决算表” with the quotes on their own line
    tz = docs("caizheng").table("final_09")
    assert tz.row("公务用车运行维护费") is not None  # printed 公务用车运行费
    assert tz.row("合计").cells["决算数"].kind == "empty"
    # 社工部: no 三公 spending, blank value row
    ts = docs("shegong").table("final_09")
    assert all(c.kind == "empty" for r in ts.rows for c in r.cells.values()) and len(ts.rows) == 6


def test_canonical_columns(docs):
    for key in ("caizheng", "guihua", "rongjiang", "changnan"):
        doc = docs(key)
        assert doc.table("final_02").columns == ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
                                                 "附属单位上缴收入", "其他收入"]
        assert doc.table("final_03").columns == ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出",
                                                 "对附属单位补助支出"]
        assert doc.table("final_05").columns == ["本年支出合计", "基本支出", "项目支出"]
    for key in ("caizheng", "guihua", "template"):
        assert docs(key).table("final_07").columns == ["年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出",
                                                       "年末结转和结余"]
    # 昌南 08 prints 资本支出 over 栏次 2: the template's 基本支出, reported
    t08 = docs("changnan").table("final_08")
    assert t08.columns == ["本年支出合计", "基本支出", "项目支出"]
    assert any("资本支出" in w for w in t08.warnings)


def test_missing_03_in_test_version(docs):
    doc = docs("caizheng_test")
    # the 目录 lists 三、支出决算表 but no page prints it (pages 9 → 10 go from 02 to 04)
    assert missing_final_kinds(doc) == {"final_03": "支出决算表"}
    assert missing_final_kinds(docs("caizheng")) == {}
    assert doc.table("final_01").meta["部门"] == "上海市普陀区XX局"


def test_template_placeholders_and_blanks(docs):
    doc = docs("template")
    t02 = doc.table("final_02")
    assert [r.code for r in t02.rows if r.code] == ["205", "20502", "2050205", "207", "20799"]
    assert any("占位" in w for w in t02.warnings)
    for t in doc.tables:
        if t.kind.startswith("final_"):
            assert all(c.kind == "empty" and c.value is None for c in t.cells()), t.kind
    assert doc.table("final_06").row("人员经费合计").role == "total"


def test_canonical_label():
    assert canonical_label("一、一般公共服务支出") == "一般公共服务支出"
    assert canonical_label("（2）公务用车运行维护费") == "公务用车运行维护费"
    assert canonical_label("其中：外事接待费") == "外事接待费"
    assert canonical_label("因 公 出 国 （ 境 ） 费用") == "因公出国（境）费用"
    assert canonical_label("2. 主要负责人用车") == "主要负责人用车"


def test_changnan_garbled_02_is_reported(docs):
    t = docs("changnan").table("final_02")
    # printed header “年初收入合计 … 其他收入 | 其他事项收入 | 其他收入”: the 栏次 1–7 give the template names
    assert t.columns[0] == "本年收入合计" and len(t.columns) == 7
    assert any("栏次3" in w for w in t.warnings)
    # rows without name or code (lines 122–123) and 9–15-digit codes are flagged, not silently trusted
    assert [r.line for r in t.rows if not r.label and not r.code] == [122, 123]
    suspect = [r.code for r in t.rows if r.attrs.get("code_suspect")]
    assert "201010101" in suspect and "2010101" not in suspect
    assert any("位数异常" in w for w in t.warnings)


# 模板 PDF: every value cell is blank. (kind, side, label or 科目编码, column, page) read from the pages;
# each must be an empty cell (no value, not zero) standing on its page with a bbox that crops to nothing.
TEMPLATE_BLANKS = [
    ("final_01", "收入", "一般公共预算财政拨款收入", "决算数", 5),
    ("final_01", "收入", "其他收入", "决算数", 5),
    ("final_01", "支出", "一般公共服务支出", "决算数", 5),
    ("final_01", "支出", "抗疫特别国债安排的支出", "决算数", 5),
    ("final_01", "收入", "本年收入合计", "决算数", 5),
    ("final_01", "支出", "总计", "决算数", 5),
    ("final_02", None, "合计", "本年收入合计", 6),
    ("final_02", None, "205", "财政拨款收入", 6),
    ("final_02", None, "2050205", "其他收入", 6),
    ("final_03", None, "合计", "基本支出", 7),
    ("final_03", None, "20799", "项目支出", 7),
    ("final_04", "收入", "一般公共预算财政拨款", "决算数", 8),
    ("final_04", "支出", "一般公共服务支出", "一般公共预算财政拨款", 8),
    ("final_04", "支出", "总计", "合计", 9),
    ("final_05", None, "合计", "本年支出合计", 10),
    ("final_05", None, "20502", "基本支出", 10),
    ("final_06", "人员经费", "30101", "决算数", 11),
    ("final_06", "公用经费", "31099", "决算数", 11),
    ("final_06", "公用经费", "公用经费合计", "决算数", 11),
    ("final_09", None, "合计", "年初预算数", 12),
    ("final_09", None, "公务接待费", "决算数", 12),
    ("final_07", None, "合计", "基本支出", 13),
]


def test_template_blank_cells_with_provenance(docs):
    doc = docs("template")
    assert len(TEMPLATE_BLANKS) >= 20
    for kind, side, key, column, page in TEMPLATE_BLANKS:
        _, r, c = _find(doc, kind, side, key, column)
        assert c.kind == "empty" and c.value is None and c.wan is None, (kind, key, column, c)
        assert c.source.page == page and c.source.bbox is not None, (kind, key, column, c.source)
        x0, top, x1, bottom = c.source.bbox
        crop = _pdf_page("template", page).crop((x0 + 0.5, top + 0.5, x1 - 0.5, bottom - 0.5)).extract_text()
        # 07: the sub-headers 合计/基本支出/项目支出 share the 合计 row's ruled cells; they are not values
        assert (crop or "").strip() in ("", "基本支出" if kind == "final_07" else ""), (kind, key, column, crop)
    # the department on the table is the unfilled placeholder
    assert doc.table("final_01").meta["部门"] == "上海市XX局"
    assert [r.label for r in doc.table("final_01").rows if r.side == "支出"][23] == "抗疫特别国债安排的支出"
