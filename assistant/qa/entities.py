"""Entity resolution for auditors' questions: documents (by department, type, year), projects (fuzzy
names such as “无纸化那个项目”), years (2024年, 去年/今年 relative to the report), metrics (三公经费,
执行率, 得分, 基本支出 …) and columns (年初预算数, 全年预算数, 决算数 …)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..documents import Document, Table, normalize_label

# ------------------------------------------------------------------ text helpers
_LOCATION_PREFIX = re.compile(
    r"^(中共)?([\u4e00-\u9fff]{1,6}?(省|自治区))?([\u4e00-\u9fff]{1,5}?市)?([\u4e00-\u9fff]{1,6}?(新区|区|县))?(委)?")
GENERIC_PROJECT_WORDS = ("专项经费", "专项资金", "工作经费", "整体支出", "经费", "项目", "资金", "费用", "专项", "工作")
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "〇": 0}


def squash(text: str) -> str:
    """Remove whitespace and fold brackets so “（境）” and “(境)” compare equal."""
    s = re.sub(r"\s+", "", text or "")
    return s.replace("（", "(").replace("）", ")").replace("“", "").replace("”", "").replace('"', "")


def lcs_len(a: str, b: str) -> tuple[int, str]:
    """Longest common substring of a and b: (length, substring); of several, the first one in ``a``.

    Substring tests (C speed) instead of a dynamic programme in Python: a common substring of length
    L implies one of length L−1, so the length grows until no substring of ``b`` of that length is in
    ``a`` (this runs for every project of the library on every question)."""
    if not a or not b:
        return 0, ""
    best = 0
    top = min(len(a), len(b))
    while best < top:
        n = best + 1
        if not any(b[i:i + n] in a for i in range(len(b) - n + 1)):
            break
        best = n
    if not best:
        return 0, ""
    for i in range(len(a) - best + 1):
        if a[i:i + best] in b:
            return best, a[i:i + best]
    return 0, ""  # pragma: no cover - unreachable


def core_department(name: str) -> str:
    """Return the department name without its location prefix (上海市普陀区财政局 → 财政局)."""
    s = squash(name).lstrip("#")
    m = _LOCATION_PREFIX.match(s)
    core = s[m.end():] if m and m.end() < len(s) - 1 else s
    return core or s


def display_name(doc) -> str:
    """A short name for a report: its department, else its title without year and report words."""
    dept = squash(doc.department or "").lstrip("#")
    if dept:
        return dept
    title = squash(doc.title or "").lstrip("#")
    core = re.sub(r"(20\d{2})?年?度?(部门)?(决算|预算|绩效|项目|目录).*$", "", title)
    core = re.sub(r"20\d{2}年?度?.*$", "", core)
    return core or title or doc.name


# ------------------------------------------------------------------ metrics
@dataclass(frozen=True)
class Metric:
    key: str
    aliases: tuple[str, ...]
    kinds: tuple[str, ...]  # table kinds, in priority order
    rows: tuple[str, ...] = ()  # row labels (normalised); empty: the project's own row
    side: str | None = None
    default_column: str = ""
    unit_hint: str = ""
    scope: str = "document"  # document | project


METRICS: list[Metric] = [
    Metric("三公经费", ("三公经费", "三公", "“三公”经费"), ("final_09",), ("合计",), default_column="决算数"),
    Metric("因公出国（境）费", ("因公出国（境）费", "因公出国(境)费", "因公出国", "出国费", "出国（境）费"), ("final_09",),
           ("因公出国(境)费",), default_column="决算数"),
    Metric("公务用车购置费", ("公务用车购置费", "购车费", "车辆购置费"), ("final_09",), ("公务用车购置费",),
           default_column="决算数"),
    Metric("公务用车运行维护费", ("公务用车运行维护费", "运行维护费", "车辆运维费", "公车运维", "公务用车运行维护", "公务用车运维"), ("final_09",),
           ("公务用车运行维护费",), default_column="决算数"),
    Metric("公务用车购置及运行维护费", ("公务用车购置及运行维护费", "公务用车费", "公务用车", "公车"), ("final_09",),
           ("公务用车购置及运行维护费",), default_column="决算数"),
    Metric("公务接待费", ("公务接待费", "公务接待", "接待费"), ("final_09",), ("公务接待费",), default_column="决算数"),
    Metric("本年收入合计", ("本年收入合计", "收入合计", "总收入", "收入总额", "全年收入", "收入是多少", "收入多少"),
           ("final_01",), ("本年收入合计",), side="收入", default_column="决算数"),
    Metric("本年支出合计", ("本年支出合计", "支出合计", "总支出", "支出总额", "全年支出"), ("final_01", "final_03"),
           ("本年支出合计", "合计"), side="支出", default_column="决算数"),
    Metric("收入总计", ("收入总计",), ("final_01",), ("总计",), side="收入", default_column="决算数"),
    Metric("支出总计", ("支出总计",), ("final_01",), ("总计",), side="支出", default_column="决算数"),
    Metric("一般公共预算财政拨款收入", ("一般公共预算财政拨款收入", "一般公共预算收入", "财政拨款收入"), ("final_01",),
           ("一般公共预算财政拨款收入",), side="收入", default_column="决算数"),
    Metric("政府性基金预算财政拨款收入", ("政府性基金预算财政拨款收入", "政府性基金收入", "政府性基金"), ("final_01",),
           ("政府性基金预算财政拨款收入",), side="收入", default_column="决算数"),
    Metric("基本支出", ("基本支出",), ("final_03", "final_05"), ("合计",), default_column="基本支出"),
    Metric("项目支出", ("项目支出",), ("final_03", "final_05"), ("合计",), default_column="项目支出"),
    Metric("年末结转和结余", ("年末结转和结余", "年末结转", "结转结余", "结转和结余"), ("final_01",), ("年末结转和结余",), side="支出",
           default_column="决算数"),
    Metric("年初结转和结余", ("年初结转和结余", "年初结转"), ("final_01",), ("年初结转和结余",), side="收入",
           default_column="决算数"),
    # 基本支出 by economic class (一般公共预算财政拨款基本支出决算表: 人员经费合计 / 公用经费合计)
    Metric("人员经费", ("人员经费",), ("final_06",), ("人员经费合计", "人员经费"), default_column="决算数"),
    Metric("公用经费", ("公用经费",), ("final_06",), ("公用经费合计", "公用经费"), default_column="决算数"),
    # project level (自评表, 结果公开表, 项目清单)
    Metric("执行率", ("执行率", "预算执行率", "资金执行率", "执行进度", "执行得怎么样", "执行情况"), ("self_eval", "project_list"),
           default_column="执行率", scope="project"),
    Metric("执行率得分", ("执行率得分", "预算执行得分", "执行得分"), ("self_eval",), default_column="执行率得分",
           scope="project"),
    Metric("得分", ("自评得分", "评价得分", "总分", "得分", "得了多少分", "多少分", "打分", "打了多少分", "打了几分", "分数", "评分", "评了几分",
                   "评了多少分", "打了几分", "得了几分", "几分"),
           ("self_eval", "results_list", "score_summary"), default_column="得分", scope="project"),
    Metric("指标", ("实际完成值", "完成值", "年度指标值", "指标值", "目标值", "指标分值", "指标得分"), ("self_eval",),
           default_column="得分",
           scope="project"),
    Metric("等级", ("评价等级", "等级", "评级", "评价结果"), ("results_list",), default_column="等级", scope="project"),
    Metric("全年执行数", ("全年执行数", "执行数", "实际支出", "花了多少", "用了多少", "实际执行", "执行了多少",
                                  "执行了", "支付了多少", "支付了", "支付金额", "付了多少", "实际支付", "实际付款", "实际拨付"),
           ("self_eval", "project_list"),
           default_column="全年执行数", scope="project"),
    Metric("全年预算数", ("全年预算数", "全年预算", "调整后预算"), ("self_eval",), default_column="全年预算数",
           scope="project"),
    Metric("年初预算数", ("年初预算数", "年初预算"), ("self_eval", "project_list"), default_column="年初预算数",
           scope="project"),
    Metric("预算", ("预算安排数", "预算安排", "预算金额", "预算数", "预算", "批复金额", "资金规模", "多少钱"),
           ("results_list", "self_eval", "project_list"), default_column="预算", scope="project"),
]

# column words → canonical column
COLUMN_WORDS: list[tuple[str, str]] = [
    ("年初预算数", "年初预算数"), ("年初预算", "年初预算数"), ("全年预算数", "全年预算数"), ("全年预算", "全年预算数"),
    ("调整后预算", "全年预算数"), ("决算数", "决算数"), ("决算", "决算数"), ("实际支出", "决算数"), ("实际花", "决算数"),
    ("全年执行数", "全年执行数"), ("执行数", "全年执行数"),
]


def find_metrics(q: str) -> list[tuple[int, Metric, str]]:
    """Return (position, metric, alias) for every metric named in q, longest alias first, no overlaps."""
    s = squash(q)
    found: list[tuple[int, int, Metric, str]] = []
    for m in METRICS:
        for a in m.aliases:
            a2 = squash(a)
            for mm in re.finditer(re.escape(a2), s):
                if a2.startswith("预算") and re.search(r"(一般公共|政府性基金|基金|资本经营)$", s[:mm.start()]):
                    continue  # “一般公共预算财政拨款支出” names a kind of funds, not a budget figure
                found.append((mm.start(), mm.end(), m, a))
    found.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
    taken: list[tuple[int, int]] = []
    out: list[tuple[int, Metric, str]] = []
    for st, en, m, a in found:
        if any(not (en <= t0 or st >= t1) for t0, t1 in taken):
            continue
        taken.append((st, en))
        out.append((st, m, a))
    out.sort(key=lambda x: x[0])
    if len(out) > 1:
        # “绩效评价结果公开表里…打了多少分”, “三公经费表上公务接待费”: an alias inside a table's name names the table
        named = [x for x in out if re.match(r"[^，,。]{0,3}表", s[x[0] + len(squash(x[2])):])]
        if named and len(named) < len(out):
            out = [x for x in out if x not in named]
    if any(m.key == "等级" and squash(a) == "评价结果" for _, m, a in out) and re.search(r"多少分|几分|得分|评分|分数|打分|分高|分低", s):
        # “评价结果里…评了多少分”: 评价结果 names the list, the score is asked, not the grade
        out = [x for x in out if not (x[1].key == "等级" and squash(x[2]) == "评价结果")]
        if not any(m.key == "得分" for _, m, _ in out):
            score = next(m for m in METRICS if m.key == "得分")
            i = max(s.find("分"), 0)
            out = sorted(out + [(i, score, "得分")], key=lambda x: x[0])
    return out


def find_columns(q: str) -> list[tuple[int, str]]:
    s = squash(q)
    out: list[tuple[int, int, str]] = []
    for w, col in COLUMN_WORDS:
        for mm in re.finditer(re.escape(w), s):
            if w == "决算" and (re.match(r"(里|中|报告|书|表|那份|这份|公开|文件)", s[mm.end():])
                               or re.search(r"(版|部门|年度)$", s[:mm.start()])):
                continue  # “正式版决算里”, “部门决算报告”: the kind of report, not the 决算数 column
            if any(not (mm.end() <= e or mm.start() >= b) for b, e, _ in out):
                continue
            out.append((mm.start(), mm.end(), col))
    out.sort()
    dedup: list[tuple[int, str]] = []
    for b, _, c in out:
        if not dedup or dedup[-1][1] != c:
            dedup.append((b, c))
    return dedup


# ------------------------------------------------------------------ years
def explicit_years(q: str) -> list[int]:
    """The years that select reports. A year that is the other side of a comparison (“比2023年下降”,
    “与2023年相比”) or a value in a table (“竣工时间排到2024年”) selects nothing."""
    s = squash(q)
    s = re.sub(r"(比|较|与|和|跟|同|对比|到|至|排到|截至|截止)(20\d{2}|\d{2})年度?(底|末)?", "|", s)
    s = re.sub(r"(20\d{2}|\d{2})年度?(相比|比较|对比)", "|", s)
    years = [int(y) for y in re.findall(r"(20\d{2})(?:年|年度)?", s)]
    for m in re.finditer(r"(\d{2})年", s):
        v = 2000 + int(m.group(1))
        if m.start() == 0 or not s[m.start() - 1].isdigit():
            if 2010 <= v <= 2040 and v not in years:
                years.append(v)
    for m in re.finditer(r"二[〇零]([一二三四五六七八九〇零])([一二三四五六七八九〇零])年", s):
        years.append(2000 + CN_DIGITS[m.group(1)] * 10 + CN_DIGITS[m.group(2)])
    return years


# (“本年度”, “当年” in a question mean the report's own year, as the reports use them: no filter, no note)
RELATIVE_YEARS = {"今年": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2}


def relative_year(q: str) -> int | None:
    """Return the offset of a relative year word. The anchor is the year a report is read in: a report
    for year N is published and audited in N+1, so “去年” means the report year N and “今年” N+1."""
    s = squash(q)
    for w, off in RELATIVE_YEARS.items():
        if w in s and not re.search(w + r"(相比|对比|比较)", s):
            if w in ("上年", "上一年") and re.search(r"比上年|较上年|上年同期", s):
                continue
            return off
    return None


# ------------------------------------------------------------------ documents
@dataclass
class DocProfile:
    doc: Document
    aliases: list[str] = field(default_factory=list)
    is_variant: bool = False  # a test/template copy


_ABBREV = {
    "规划和自然资源局": ["规划资源局", "规划局", "规土局", "规资局"],
    "社会工作部": ["社工部", "社会工作部"],
    "政务服务中心": ["政务中心", "政务服务中心", "政务服务"],
    "党政办": ["党政办公室", "党政办"],
    "财政局": ["财政局"],
}


def doc_profile(doc: Document) -> DocProfile:
    dept = squash(doc.department or "").lstrip("#")
    title = squash(doc.title or "").lstrip("#")
    aliases: set[str] = set()
    title_core = re.sub(r"(20\d{2})?年?度?(部门)?(决算|预算|绩效|项目|目录).*$", "", title)
    title_core = re.sub(r"20\d{2}年?度?.*$", "", title_core)
    for src in (dept, title_core):
        if len(src) >= 2:
            aliases.add(src)
            core = core_department(src)
            if len(core) >= 2:
                aliases.add(core)
                # strip trailing 管理委员会 etc.
                for suf in ("管理委员会", "管委会", "委员会"):
                    if core.endswith(suf) and len(core) > len(suf) + 1:
                        aliases.add(core[: -len(suf)])
            m = _LOCATION_PREFIX.match(src)
            if m and m.group(5):
                loc = re.sub(r"^([\u4e00-\u9fff]{2,}?市)", "", m.group(5))
                if len(loc) >= 3:
                    aliases.add(loc)
    for full, abbrs in _ABBREV.items():
        if any(full in a for a in aliases):
            aliases.update(abbrs)
    # location words that name a single report family (青云谱, 信丰, 经开区)
    for pat, extra in ((r"青云谱", ["青云谱", "青云谱集聚区", "集聚区管委会", "集聚区"]), (r"信丰", ["信丰高新区", "信丰"]),
                       (r"经济技术开发区|经开区", ["经开区", "赣州经开区", "经济技术开发区"]), (r"蓉江", ["蓉江新区", "蓉江"]),
                       (r"昌南", ["昌南新区", "昌南"])):
        if re.search(pat, dept + title):
            aliases.update(extra)
    variant = bool(re.search(r"测试|模板|样例|XX", doc.name + title))
    return DocProfile(doc=doc, aliases=sorted(aliases, key=len, reverse=True), is_variant=variant)


DOC_TYPE_WORDS = [
    (r"决算", "final_accounts"), (r"评价报告|绩效评价|整体支出绩效", "evaluation_report"),
    (r"自评总报告|自评报告", "self_eval_report"), (r"公开表|评价结果", "results_list"),
]


def match_documents(q: str, profiles: list[DocProfile]) -> tuple[list[DocProfile], bool]:
    """Return (documents the question names, whether it named any). Ties between a report and its
    test/template copy go to the report unless the question mentions 测试/模板."""
    s = squash(q)
    scored: list[tuple[int, DocProfile]] = []
    for p in profiles:
        best = 0
        hits = [a for a in p.aliases if a and a in s]
        if hits:
            best = max(len(a) for a in hits) * 10 + len(hits)
        if best == 0:
            core = core_department(p.doc.department or "")
            n, sub = lcs_len(s, core)
            if n >= 3 and sub not in ("管理委员会", "委员会", "办公室", "服务中心", "中心", "工作部", "务中心", "服务中"):
                best = n * 6
        if re.search(r"测试", s) and "测试" in p.doc.name:
            best += 25
        if re.search(r"模板", s) and "模板" in p.doc.name:
            best += 100  # “普陀区部门决算模板里…”: the template, whatever place the question names
        if best:
            scored.append((best, p))
    if not scored:
        return [], False
    top = max(b for b, _ in scored)
    chosen = [p for b, p in scored if b == top]
    if len(chosen) > 1 and not re.search(r"测试|模板", s):
        real = [p for p in chosen if not p.is_variant]
        if real:
            chosen = real
    return chosen, True


def filter_by_type(q: str, profiles: list[DocProfile]) -> list[DocProfile]:
    s = squash(q)
    for pat, t in DOC_TYPE_WORDS:
        if re.search(pat, s):
            sel = [p for p in profiles if p.doc.doc_type == t]
            if sel:
                return sel
    return profiles


# ------------------------------------------------------------------ projects
class ProjectRef:
    """A project of the library: its name, document, table and (results_list / project_list) row label.

    ``table`` is either given, or resolved on access as ``doc.tables[table_index]`` (the engine keeps
    light references whose document is read from the library only when a table is needed); ``kind``
    and ``unit`` (主管部门/实施单位) may be given so that filtering never loads the document."""

    __slots__ = ("name", "doc", "row_label", "table_index", "_table", "_kind", "unit")

    def __init__(self, name: str, doc: Document, table: Table | None = None, row_label: str | None = None, *,
                 table_index: int | None = None, kind: str | None = None, unit: str | None = None) -> None:
        if table is None and table_index is None:
            raise ValueError("ProjectRef needs a table or a table_index")
        self.name = name
        self.doc = doc
        self.row_label = row_label  # results_list / project_list rows; None for a self_eval table
        self.table_index = table_index
        self._table = table
        self._kind = kind
        self.unit = unit

    @property
    def table(self) -> Table:
        if self._table is not None:
            return self._table
        return self.doc.tables[self.table_index]

    @property
    def kind(self) -> str:
        return self._kind if self._kind is not None else self.table.kind

    def _key(self) -> tuple:
        tkey = self.table_index if self.table_index is not None else self.table.id
        return (self.name, getattr(self.doc, "id", None), tkey, self.row_label)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProjectRef):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"ProjectRef(name={self.name!r}, doc={getattr(self.doc, 'id', None)!r}, "
                f"table_index={self.table_index!r}, row_label={self.row_label!r})")


@functools.lru_cache(maxsize=1 << 16)
def project_core(name: str) -> str:
    s = squash(name)
    s = re.sub(r"^(20\d{2}|\d{2})年度?", "", s)
    for w in GENERIC_PROJECT_WORDS:
        if s.endswith(w) and len(s) > len(w) + 1:
            s = s[: -len(w)]
    return s


def _row_unit(r) -> str:
    for col in ("主管部门", "项目主管部门", "实施单位"):
        c = r.cells.get(col)
        if c is not None and c.text.strip():
            return squash(c.text)
    return ""


def project_entries(doc: Document) -> list[tuple[str, int, str | None, str, str]]:
    """(name, table index, row label or None, table kind, unit) of every project of ``doc``, in order."""
    from index.chunking import table_project

    out: list[tuple[str, int, str | None, str, str]] = []
    for ti, t in enumerate(doc.tables):
        if t.kind == "self_eval":
            name = table_project(t)
            if name:
                out.append((name, ti, None, t.kind,
                            squash(t.meta.get("主管部门", "") or t.meta.get("实施单位", ""))))
        elif t.kind in ("results_list", "project_list"):
            first_unit: dict[str, str] = {}
            for r in t.rows:  # the unit of a list row: the first row of that label that names one
                if not first_unit.get(r.label):
                    first_unit[r.label] = _row_unit(r)
            for r in t.rows:
                if r.label and r.role not in ("total", "header"):
                    out.append((r.label, ti, r.label, t.kind, first_unit.get(r.label, "")))
    return out


def all_projects(docs: list[Document]) -> list[ProjectRef]:
    out: list[ProjectRef] = []
    for d in docs:
        for name, ti, row_label, kind, unit in project_entries(d):
            out.append(ProjectRef(name, d, d.tables[ti], row_label, table_index=ti, kind=kind, unit=unit))
    return out


def document_orgs(doc: Document) -> list[str]:
    """Units named in a document's tables (主管部门/实施单位/项目单位 in the table meta, 主管部门/项目主管部门/
    实施单位 columns), squashed; not unknown organisations when a question names them."""
    orgs: dict[str, None] = {}
    for t in doc.tables:
        for k in ("主管部门", "实施单位", "项目单位"):
            if t.meta.get(k):
                orgs[squash(t.meta[k])] = None
        for r in t.rows:
            for col in ("主管部门", "项目主管部门", "实施单位"):
                c = r.cells.get(col)
                if c is not None and c.text.strip():
                    orgs[squash(c.text)] = None
    return list(orgs)


def document_rows(doc: Document) -> list[str]:
    """The 科目 the report's final-account tables list (coded rows, normalised, four characters or more): a
    question naming “城乡社区规划与管理（项）” with no report is about the report that lists it."""
    rows: dict[str, None] = {}
    for t in doc.tables:
        if not t.kind.startswith("final_"):
            continue
        for r in t.rows:
            lab = normalize(r.label)
            if getattr(r, "code", None) and len(lab) >= 4:
                rows[lab] = None
    return list(rows)


ENTITY_VERSION = 2
HEADER_FIELDS = ("id", "name", "path", "sha256", "source_format", "doc_type", "title", "year", "department",
                 "page_count")


def entity_record(doc: Document) -> dict:
    """The compact per-document record the library stores at ingest: the header, the projects and the
    units named in the tables — what the answering engine needs to resolve entities without the tables."""
    return {"v": ENTITY_VERSION, "header": {k: getattr(doc, k) for k in HEADER_FIELDS},
            "projects": [list(e) for e in project_entries(doc)], "orgs": document_orgs(doc),
            "rows": document_rows(doc)}


_PROJECT_NOISE = re.compile(r"(20)?\d{2}年度?|\d+|年|那个|这个|的|项目|经费|资金|专项|得分|执行率|多少|是|几|分|绩效|评价|等级|预算|复核|"
                            r"一下|核对|支出|整体")


@functools.lru_cache(maxsize=1 << 16)
def _project_keys(name: str) -> tuple[str, str, frozenset[str]]:
    """(squashed name, core, bigrams of the core) of a project name, computed once per name."""
    core = project_core(name).replace("、", "")  # “扫黑、司法专项经费” is asked as 扫黑司法
    return squash(name), core, frozenset(core[i:i + 2] for i in range(len(core) - 1))


def match_projects(q: str, projects: list[ProjectRef]) -> list[tuple[float, ProjectRef]]:
    """Projects named in q, best first: exact names beat fuzzy cores (“无纸化那个项目” → 无纸化办公经费)."""
    s = squash(q)
    grams = {s[i:i + 2] for i in range(len(s) - 1)}
    out: list[tuple[float, ProjectRef]] = []
    for p in projects:
        name, core, core_grams = _project_keys(p.name)
        if len(name) >= 2 and name in s:
            out.append((100.0 + len(name), p))
            continue
        if core_grams.isdisjoint(grams):  # no common bigram: the common substring is shorter than 2
            continue
        n, sub = lcs_len(s, core)
        if n < 2:
            continue
        sub_clean = _PROJECT_NOISE.sub("", sub)
        if len(sub_clean) < 2:
            continue
        cover = n / max(1, len(core))
        part = next((x for x in re.split(r"及|和|与|、", core) if sub in x), "")
        if part and len(part) >= 4:
            cover = max(cover, n / len(part))  # “赣服通” names “政务服务及“赣服通”系统建设” by its own part
        if n >= 4 or (n >= 3 and cover >= 0.3) or (n >= 2 and cover >= 0.6):
            out.append((n + cover * 5, p))
    out.sort(key=lambda x: -x[0])
    return out


def mentions_project(q: str) -> str | None:
    """Return a phrase that looks like a project name (…项目/…经费/…资金) or None."""
    s = squash(q)
    m = re.search(r"([\u4e00-\u9fffA-Za-z0-9“”()（）]{2,30}?(项目|经费|资金|工程))", s)
    if not m:
        return None
    name = re.sub(r"^(请问|请|帮我|查一下|查询|看看|那个|这个|哪个|各|每个|所有)", "", m.group(1))
    name = re.sub(r"^.{0,8}?(那个|这个|那项|这项)(?!项目$)", "", name)  # “经开区那个智慧停车系统建设项目”
    name = re.sub(r"(那个|这个|那项|这项)(?=项目$)", "", name)  # “火星探测那个项目” → 火星探测项目
    if re.fullmatch(r"(哪个|那个|这个|各|每个|所有)?(项目|经费|资金|工程)", name) or len(name) < 3:
        return None
    return name


def normalize(label: str) -> str:
    return squash(normalize_label(label))
