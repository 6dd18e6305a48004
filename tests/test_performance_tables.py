"""Typed performance tables: 自评表, 评价结果公开表, 项目清单, 评分表/得分一览表, 资产表.

Every expected value below was read by hand from the sample text (line numbers in the comments).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest


def _by_name(doc, name):
    for t in doc.tables_of("self_eval"):
        if t.meta.get("项目名称") == name:
            return t
    raise AssertionError(f"no 自评表 {name}")


def _row(table, label, role=None):
    for r in table.rows:
        if r.label.replace(" ", "") == label.replace(" ", "") and (role is None or r.role == role):
            return r
    raise AssertionError(f"no row {label} in {table.id}")


def _v(row, col):
    c = row.get(col)
    assert c is not None, (row.label, col)
    return c.value


# ------------------------------------------------------------------ table kinds per document

def test_table_kinds_per_document(docs):
    assert docs("results").summary()["table_kinds"] == {"results_list": 1}
    assert docs("xinfeng").summary()["table_kinds"] == {"project_list": 1, "results_list": 1}
    k001 = docs("changnan").summary()["table_kinds"]
    assert k001["self_eval"] == 23
    assert "generic" not in k001
    assert docs("rongjiang").summary()["table_kinds"]["self_eval"] == 2
    k004 = docs("qingyunpu").summary()["table_kinds"]
    assert k004["asset"] == 1 and k004["score_summary"] == 1
    # 表3 指标体系 + the annex 评分表, whose page pieces (lines 637–723) are joined into one table
    assert k004["score_table"] == 2
    assert "staffing" not in k004
    assert k004.get("generic", 0) == 3  # 表1 科室职能, 表5 跟进项目, 表6 重大项目


# ------------------------------------------------------------------ 000 评价结果公开表

def test_results_list_000(docs):
    t = docs("results").table("results_list")
    items = [r for r in t.rows if r.role == "item"]
    assert len(items) == 50
    r = _row(t, "区党群工作部整体支出")  # lines 15–20
    assert r.get("序号").kind == "code" and r.get("序号").text == "1"
    assert r.get("主管部门").text == "区党群工作部"
    assert _v(r, "预算") == D("13127.43") and r.get("预算").unit == "万元"
    assert _v(r, "得分") == D("75.7") and r.get("得分").kind == "number"
    assert r.get("等级").text == "中"
    r = _row(t, "赣州经济技术开发区蟠龙镇棚户区改造水韵安居小区（四期）项目")  # lines 64–69
    assert (_v(r, "预算"), _v(r, "得分"), r.get("等级").text) == (D("26900"), D("89.2"), "良")
    r = _row(t, "招工就业奖补")  # lines 92–97 (a row of small integers, not a 栏次 row)
    assert (_v(r, "预算"), _v(r, "得分"), r.get("等级").text) == (D("490"), D("90"), "优")
    r = _row(t, "城乡居民养老保险基金")  # lines 99–104
    assert _v(r, "预算") == D("1123.52") and r.get("主管部门").text == "区人社服务中心"
    r = _row(t, "村庄长效管护资金（区级配套）")  # lines 190–195
    assert (_v(r, "预算"), _v(r, "得分")) == (D("122"), D("90"))
    r = _row(t, "松材线虫病防治经费")  # lines 197–202
    assert (_v(r, "预算"), _v(r, "得分"), r.get("等级").text) == (D("176.4366"), D("96.8"), "优")
    r = _row(t, "消防大队营房设施维护费")  # lines 358–363
    assert r.get("序号").text == "50" and r.get("主管部门").text == "经济建设科实拨单位"
    assert (_v(r, "预算"), _v(r, "得分"), r.get("等级").text) == (D("103.5"), D("80"), "良")
    assert r.line == 358


# ------------------------------------------------------------------ 002 项目清单 + 自评结论

def test_project_list_002(docs):
    t = docs("xinfeng").table("project_list")
    assert len(t.rows) == 31  # the text announces 33 projects (line 108)
    r = t.rows[1]  # line 112
    assert r.label == "征地拆迁及报批专项资金" and r.line == 112
    assert r.get("年度").kind == "number" and r.get("年度").value == D("2023")
    assert _v(r, "批复金额") == D("17588") and r.get("批复金额").unit == "万元"
    assert _v(r, "跟踪期执行数") == D("11188.5276")
    assert r.get("跟踪期执行率").kind == "percent" and _v(r, "跟踪期执行率") == D("63.61")
    r = _row(t, "PPP 项目")  # line 113
    assert (_v(r, "年初预算数"), _v(r, "跟踪期执行数"), _v(r, "跟踪期执行率")) == (D("10000"), D("2199.77"), D("21.99"))
    r = _row(t, "信丰高新区 2023 年其他资金")  # line 122: 批复 804.12859 vs 年初 804.1285
    assert (_v(r, "批复金额"), _v(r, "年初预算数")) == (D("804.12859"), D("804.1285"))
    r = _row(t, "高强纸品回收款")  # line 136
    assert (_v(r, "批复金额"), _v(r, "年初预算数"), _v(r, "跟踪期执行数")) == (D("1960"), D("760"), D("760"))
    r = _row(t, "专项工作经费")  # line 141
    assert (_v(r, "批复金额"), _v(r, "年初预算数"), _v(r, "跟踪期执行率")) == (D("240"), D("150"), D("6.73"))
    assert all(c.kind != "amount" for r in t.rows for k, c in r.cells.items() if k == "年度")


def test_self_eval_conclusions_002(docs):
    t = docs("xinfeng").table("results_list")
    assert len(t.rows) == 33  # lines 218–251
    r = t.rows[0]
    assert r.label == "一般债券工程"
    assert r.get("编码").kind == "code" and r.get("编码").text == "360722238888030005222"
    assert (_v(r, "得分"), r.get("等级").text) == (D("100"), "优")
    r = _row(t, "关于下达 2022 年第四批省级基本建设专项(信丰县 5G 产业示范园区项目)")  # line 229
    assert _v(r, "得分") == D("90") and r.get("序号").text == "12"
    assert _v(_row(t, "高新区 23 年工作经费"), "得分") == D("95")  # line 222
    assert _v(_row(t, "产业发展引导资金"), "得分") == D("95")  # line 244
    r = t.rows[-1]  # line 251
    assert (r.label, _v(r, "得分"), r.line) == ("高新区 2023 年园区基础设施建设", D("97"), 251)


# ------------------------------------------------------------------ 001 自评表 (23)

def test_self_eval_001_counts(docs):
    tables = docs("changnan").tables_of("self_eval")
    assert len(tables) == 23
    n_ind = [len([r for r in t.rows if r.role == "indicator"]) for t in tables]
    assert sum(n_ind) == 139  # 22 tables × 6 indicators + 网格化管理专项经费 with 7
    assert all(len([r for r in t.rows if r.role == "total"]) == 1 for t in tables)
    assert all(not t.warnings for t in tables)
    assert all(t.meta["主管部门"] == "景德镇市昌南新区党政办" for t in tables)


def test_self_eval_001_paperless_office(docs):
    t = _by_name(docs("changnan"), "无纸化办公经费")  # lines 462–484
    assert t.meta["实施单位"] == "景德镇市昌南新区党政办" and t.meta["年度"] == "2024"
    f = _row(t, "年度资金总额", "funds")
    assert (_v(f, "年初预算数"), _v(f, "全年预算数"), _v(f, "全年执行数")) == (D("10.535"), D("10.535"), D("8.386"))
    assert f.get("全年执行数").unit == "万元"
    assert (_v(f, "分值"), _v(f, "执行率"), _v(f, "得分")) == (D("10"), D("79.6"), D("5"))
    assert f.get("执行率").kind == "percent"
    g = _row(t, "政府预算资金", "funds")
    assert _v(g, "全年执行数") == D("8.38569") and g.get("得分").kind == "empty"
    r = _row(t, "无纸化办公成本", "indicator")
    assert r.attrs["一级指标"] == "成本指标" and r.attrs["二级指标"] == "经济成本指标"
    assert r.get("年度指标值").text == "≤ 105348 元" and r.get("年度指标值").kind == "text"
    assert r.attrs["指标方向"] == "≤" and r.attrs["指标单位"] == "元"
    assert (_v(r, "实际完成值"), _v(r, "分值"), _v(r, "得分")) == (D("83856.9"), D("20"), D("20"))
    r = _row(t, "无纸化笔记本电脑", "indicator")
    assert r.attrs["一级指标"] == "产出指标"  # line 477
    assert (r.get("年度指标值").text, _v(r, "实际完成值"), _v(r, "得分")) == ("=44 台", D("0"), D("0"))
    r = _row(t, "使用者满意", "indicator")  # line 483, shifted one column left
    assert r.attrs["一级指标"] == "满意度指标" and r.attrs["二级指标"] == "服务对象满意度"
    assert (_v(r, "分值"), _v(r, "得分")) == (D("10"), D("10"))
    tot = _row(t, "总分", "total")
    assert (_v(tot, "分值"), _v(tot, "得分")) == (D("100"), D("90"))
    assert t.meta["预期目标"].startswith("目标 1: 实行无纸化办公")


def test_self_eval_001_other_tables(docs):
    d = docs("changnan")
    t = _by_name(d, "综治信访维稳专项经费")  # lines 486–508
    f = _row(t, "年度资金总额", "funds")
    assert (_v(f, "全年执行数"), _v(f, "执行率")) == (D("9.958"), D("66.38"))
    r = _row(t, "提升社会综合治理能力", "indicator")  # line 505: 二级 printed, 一级 carried
    assert r.attrs["一级指标"] == "效益指标" and r.attrs["二级指标"] == "社会效益指标"
    assert (_v(r, "得分"), r.get("偏差原因").text[:8]) == (D("17"), "面对突发事件应对")
    assert _v(_row(t, "总分", "total"), "得分") == D("92")
    t = _by_name(d, "机关干部职工工作餐专项资金")  # lines 630–653, 总分 on its own line
    assert _v(_row(t, "新区干部职工满意度", "indicator"), "得分") == D("8.61")
    assert _v(_row(t, "总分", "total"), "得分") == D("93.61")
    t = _by_name(d, "网格化管理专项经费")  # line 724: a second 社会效益 indicator without 二级 text
    r = _row(t, "提升新区社会综合治理网格化管理能力", "indicator")
    assert r.attrs["二级指标"] == "社会效益指标" and _v(r, "分值") == D("10")
    t = _by_name(d, "见义勇为专项经费")  # line 746: 得分 left blank
    r = _row(t, "见义勇为及时率", "indicator")
    assert r.get("得分").kind == "empty" and _v(r, "分值") == D("20")
    assert _v(_row(t, "总分", "total"), "得分") == D("25")
    t = _by_name(d, "值班值守专项经费")  # lines 783–785: funds columns shifted right
    f = _row(t, "年度资金总额", "funds")
    assert (_v(f, "年初预算数"), _v(f, "全年执行数"), _v(f, "执行率"), _v(f, "得分")) == (
        D("2"), D("1.202"), D("60.1"), D("5"))
    t = _by_name(d, "社会稳定风险评估专项经费")  # line 808
    f = _row(t, "年度资金总额", "funds")
    assert (_v(f, "年初预算数"), _v(f, "全年预算数")) == (D("0"), D("8"))
    t = _by_name(d, "昌南发展中心租金及物业费")  # line 952: “1,879.592”
    assert _v(_row(t, "年度资金总额", "funds"), "全年预算数") == D("1879.592")
    r = _row(t, "昌南发展中心项目成本", "indicator")  # line 957: LaTeX \geq cleaned
    assert r.attrs["指标方向"] == "≥" and r.get("年度指标值").text == "≥ 1879.5922 元"
    t = _by_name(d, "政务服务中心软硬件提升项目")  # line 837
    assert _v(_row(t, "政务大厅软硬件提升成本", "indicator"), "得分") == D("15.19")


# ------------------------------------------------------------------ 003 自评表 (2)

def test_self_eval_003(docs):
    d = docs("rongjiang")
    t = _by_name(d, "大厅日常运行维护经费")  # lines 519–543
    f = _row(t, "年度资金总额", "funds")
    assert (_v(f, "年初预算数"), _v(f, "全年执行数"), _v(f, "执行率"), _v(f, "得分")) == (
        D("198"), D("123.95"), D("62.6"), D("5"))
    assert t.meta["实际完成情况"] == "62.6%"
    assert len([r for r in t.rows if r.role == "indicator"]) == 8
    r = _row(t, "人均月工资", "indicator")
    assert (r.get("年度指标值").text, _v(r, "实际完成值"), _v(r, "分值")) == ("≤5000元", D("3689"), D("20"))
    assert _v(_row(t, "群众好评率", "indicator"), "得分") == D("5")
    assert _v(_row(t, "总分", "total"), "得分") == D("95")
    t = _by_name(d, "政务服务及“赣服通”系统建设")  # lines 545–567
    assert _v(_row(t, "年度资金总额", "funds"), "执行率") == D("75.43")
    r = _row(t, "赣服通系统利用次数", "indicator")  # printed under 社会成本指标
    assert r.attrs["二级指标"] == "社会成本指标" and _v(r, "分值") == D("10")
    assert len([r for r in t.rows if r.role == "indicator"]) == 9


# ------------------------------------------------------------------ 004 资产表, 得分一览表, 评分表

def test_asset_table_004(docs):
    t = docs("qingyunpu").table("asset")  # lines 92–141
    assert t.unit == "元"
    items = [r for r in t.rows if r.role == "item"]
    assert len(items) == 44
    r = _row(t, "LED显示屏")
    assert (r.get("原值").wan, r.get("原值").value, r.get("原值").unit) == (D("49.79"), D("497900.00"), "元")
    assert (r.get("累计折旧").value, r.get("净值").value) == (D("44.44"), D("3155.56"))
    assert r.get("数量").kind == "number" and r.get("数量").value == D("1")
    r = _row(t, "台式机")
    assert (r.get("原值").value, r.get("累计折旧").value, r.get("数量").value) == (D("301419.00"), D("457398.00"), D("52"))
    tot = _row(t, "总计", "total")
    assert tot.get("原值").value == D("14421222.34") and tot.get("累计折旧").value == D("4850489.15")
    assert tot.get("净值").value == D("9570733.19") and tot.get("数量").value == D("254")


def test_score_summary_004(docs):
    t = docs("qingyunpu").table("score_summary")  # lines 320–341
    ind = [r for r in t.rows if r.role == "indicator"]
    assert len(ind) == 17
    r = _row(t, "绩效目标", "indicator")
    assert r.attrs["一级指标"] == "部门决策指标" and (_v(r, "分值"), _v(r, "得分")) == (D("5"), D("1.8"))
    r = _row(t, "政府采购管理", "indicator")
    assert (_v(r, "分值"), _v(r, "得分")) == (D("4"), D("0"))
    assert _v(_row(t, "服务对象满意度", "indicator"), "得分") == D("8")
    sub = _row(t, "部门决策指标", "subtotal")
    assert sub.level == "一级" and _v(sub, "分值") == D("15")
    tot = _row(t, "合计", "total")
    assert (_v(tot, "分值"), _v(tot, "得分")) == (D("100"), D("85.8"))


def test_indicator_system_004(docs):
    tables = docs("qingyunpu").tables_of("score_table")
    system = tables[0]  # 表3, lines 233–278: weights printed in the labels
    assert system.title.startswith("表3")
    ind = [r for r in system.rows if r.role == "indicator"]
    assert len(ind) == 38
    assert sum(_v(r, "分值") for r in ind) == D("100")
    r = _row(system, "中长期规划明确性", "indicator")
    assert r.attrs["二级指标"] == "部门规划计划" and _v(r, "分值") == D("2")
    assert _v(_row(system, "项目签约数量", "indicator"), "分值") == D("2.5")
    r = _row(system, "重大项目建设推进数量", "indicator")  # line 258: only the 三级 label printed
    assert r.attrs["二级指标"] == "产出数量"
    r = _row(system, "群众满意度", "indicator")  # line 278: label in the first column
    assert r.attrs["二级指标"] == "社会公众或服务对象满意度" and _v(r, "分值") == D("5")
    sub = _row(system, "部门效益", "subtotal")
    assert sub.level == "一级" and _v(sub, "分值") == D("30")
    assert "扣完为止" in _row(system, "客商接待规范性", "indicator").get("评分标准").text


def test_scoring_annex_004(docs):
    annex = docs("qingyunpu").tables_of("score_table")[1]  # lines 635–723, printed in 15 pieces
    assert annex.line == 637 and annex.rows[-1].line == 723
    r = _row(annex, "绩效目标合理性", "indicator")  # line 644
    assert (_v(r, "分值"), _v(r, "得分")) == (D("2"), D("1.2"))
    assert _v(_row(annex, "绩效指标明确性", "indicator"), "得分") == D("0.6")  # line 645
    assert _v(_row(annex, "政府采购节支率", "indicator"), "得分") == D("0")  # line 665
    r = _row(annex, "项目签约数量", "indicator")  # line 676: “2.5 依据部门…” in one cell
    assert (_v(r, "分值"), _v(r, "得分")) == (D("2.5"), D("1.5"))
    assert _v(_row(annex, "各项工作完成及时率", "indicator"), "得分") == D("3")  # line 692
    r = _row(annex, "群众满意度", "indicator")  # line 722
    assert (_v(r, "分值"), _v(r, "得分")) == (D("5"), D("3"))
    assert "每下降 1%扣 5%权重分" in r.get("评分标准").text
    assert "满意度为 88%" in r.get("评分过程").text
    r = _row(annex, "固定资产利用率", "indicator")  # line 670: name missing, read from the rule
    assert _v(r, "得分") == D("2")
    assert _v(_row(annex, "合计", "total"), "得分") == D("85.8")
    assert any("第707行" in w for w in annex.warnings)
    # 二级 labels lost to merged cells are taken from 表3 (in order, typos tolerated)
    assert _row(annex, "建设基层党组织数量", "indicator").attrs["二级指标"] == "产出数量"  # line 672
    assert _row(annex, "在职人员控制率", "indicator").attrs["二级指标"] == "产出成本"  # line 696
    assert _row(annex, "管理部门健全性", "indicator").attrs["二级指标"] == "预算管理"  # line 660
    assert _row(annex, "群众满意度", "indicator").attrs["二级指标"] == "社会公众对或服务对象满意度"
    assert any("已按" in w for w in annex.warnings)
    by2 = {}
    for r in annex.rows:
        if r.role == "indicator" and r.get("得分") is not None:
            by2[r.attrs["二级指标"]] = by2.get(r.attrs["二级指标"], D(0)) + r.get("得分").value
    assert by2["产出数量"] == D("9") and by2["绩效目标"] == D("1.8")  # = 表4 (lines 324, 331)


@pytest.mark.parametrize("key", ["results", "changnan", "xinfeng", "rongjiang", "qingyunpu"])
def test_money_is_decimal(docs, key):
    for t in docs(key).tables:
        for c in t.cells():
            assert c.value is None or isinstance(c.value, D)


# ------------------------------------------------------------------ synthetic grids: staffing, joined pieces

def _raw(rows, context=(), line=1):
    from assistant.readers.raw import RawCell, RawTable

    return RawTable(rows=[[RawCell(text=t, line=line + i) for t in r] for i, r in enumerate(rows)], line=line,
                    context=list(context))


def test_staffing_table_is_counts():
    from assistant.extract.classify import classify_table
    from assistant.extract.performance import parse_staffing

    raw = _raw([["单位名称", "编制数", "在职人数", "离退休人数"], ["集聚区管委会", "20", "14", "2"],
                ["人社所", "5", "6", "0"], ["合计", "25", "20", "2"]], context=["表 7 人员编制情况表"])
    kind, title = classify_table(raw)
    assert kind == "staffing"
    t = parse_staffing(raw, doc_id="x", table_id="T1", kind=kind, title=title)
    assert t.columns == ["编制数", "在职人数", "离退休人数"]
    r = t.row("人社所")
    assert (r.get("编制数").value, r.get("在职人数").value, r.get("在职人数").kind) == (D("5"), D("6"), "number")
    assert t.row("合计").role == "total"


def test_split_pieces_join_only_across_running_headers():
    from assistant.extract.performance import join_split_tables
    from assistant.readers.raw import RawLine

    head = ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "得分"]
    a = _raw([head, ["决策 (10 分)", "目标 (10 分)", "目标合理性", "10", "符合得满分，否则不得分", "8"]],
             context=["表 9 评分表"], line=10)
    b = _raw([["", "", "目标明确性", "5", "每缺 1 项扣 1 分", "5"]], line=14)
    c = _raw([["序号", "项目名称"], ["1", "甲"]], line=20)
    items = [a, RawLine(text="某某单位 2022 年度部门整体支出绩效评价报告", line=13), b,
             RawLine(text="表 10 项目明细表", line=19), c]
    out = join_split_tables(items)
    assert out[0] is a and len(a.rows) == 3
    assert b not in out and c in out  # a real title stops the join
