"""Routes ``findings`` (有哪些不一致: the check engine's findings of the reports in scope) and ``check`` (复核…: a
project's total score and execution rate recomputed, with the findings about it). Mixed into
:class:`assistant.qa.engine.Engine`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..documents import Cell
from .answer import Answer, Fig, fmt_num
from .entities import ProjectRef
from .patterns import NOT_FOUND_PREFIX, Scope


class CheckRoutes:
    """Findings and checks, read from the library's stored findings; mixin of ``Engine``."""

    # ------------------------------------------------------------------ checks & findings
    def _findings(self, q: str, scope: Scope) -> Answer:
        findings: list[dict[str, Any]] = []
        not_checked = 0
        avail = False
        for d in scope.docs:
            findings.extend(self.library.findings(d.id))
            not_checked += len(self.library.not_checked(d.id))
            avail = avail or self.library.checks_available(d.id)
        if not avail:
            return Answer("这些报告尚未经过复核引擎检查（复核模块不可用），无法列出不一致之处。", False,
                          route="not_found")
        projects = self._resolve_projects(q, scope)
        if projects:
            findings = [f for f in findings if _finding_about(f, projects[0])]
        order = {"error": 0, "warning": 1, "info": 2}
        findings.sort(key=lambda f: order.get(f.get("severity"), 3))
        if not findings:
            text = (f"已对{len(scope.docs)}份报告逐项复核，未发现不一致。"
                    + (f"另有{not_checked}项因缺表或无法解析未核对。" if not_checked else ""))
            return Answer(text, True, route="findings")
        cnt = {k: sum(1 for f in findings if f.get("severity") == k) for k in order}
        lines = [f"共发现{len(findings)}处问题（错误{cnt['error']}、警告{cnt['warning']}、提示{cnt['info']}）："]
        cites = []
        for i, f in enumerate(findings[:15], 1):
            loc = "；".join(_loc_text(x) for x in (f.get("locations") or [])[:3])
            sev = {"error": "错误", "warning": "警告", "info": "提示"}.get(f.get("severity"), f.get("severity"))
            line = f"{i}. 【{sev}】{f.get('message', '')}"
            if f.get("formula"):
                line += f"（{f['formula']}）"
            if loc:
                line += f"　位置：{loc}"
            lines.append(line)
            for x in (f.get("locations") or [])[:2]:
                cites.append({"document": x.get("document") or f.get("document"), "page": x.get("page"),
                              "line": x.get("line"), "text": x.get("text") or f.get("message", "")})
        if len(findings) > 15:
            lines.append(f"……其余{len(findings) - 15}处见“问题清单”。")
        if not_checked:
            lines.append(f"另有{not_checked}项未核对（缺表或无法解析）。")
        return Answer("\n".join(lines), True, citations=cites, route="findings", findings=findings)

    def _check(self, q: str, scope: Scope) -> Answer:
        projects = [p for p in self._resolve_projects(q, scope) if p.kind == "self_eval"] or \
            self._resolve_projects(q, scope)
        if not projects:
            ans = self._findings(q, scope)
            ans.route = "check"
            return ans
        p = projects[0]
        lines: list[str] = []
        figs: list[Fig] = []
        if p.kind == "self_eval":
            t = p.table
            funds = next((r for r in t.rows if r.role == "funds" and "总额" in r.label),
                         next((r for r in t.rows if r.role == "funds"), None))
            total = next((r for r in t.rows if r.role == "total"), None)
            inds = [r for r in t.rows if r.role == "indicator" and r.cells.get("得分") is not None
                    and r.cells["得分"].is_number]
            if total is not None and self._num(total.cells.get("得分")):
                parts: list[tuple[str, Decimal]] = []
                if funds is not None and self._num(funds.cells.get("得分")):
                    parts.append(("执行率得分", funds.cells["得分"].value))
                    figs.append(Fig.from_cell(funds.cells["得分"], f"{p.name}执行率得分", p.doc, t))
                for r in inds:
                    parts.append((r.label, r.cells["得分"].value))
                expect = sum((v for _, v in parts), Decimal(0))
                printed = total.cells["得分"].value
                figs.insert(0, Fig.from_cell(total.cells["得分"], f"{p.name}总分", p.doc, t))
                formula = " + ".join(fmt_num(v) for _, v in parts) + f" = {fmt_num(expect)}"
                ok = expect == printed
                lines.append(f"复核“{p.name}”总分：表列{fmt_num(printed)}分，按执行率得分与各指标得分加总为"
                             f"{fmt_num(expect)}分（{formula}），" + ("一致。" if ok else
                                                                  f"不一致，相差{fmt_num(abs(printed - expect))}分。"))
                figs.append(Fig(value=expect, unit=None, label=f"{p.name}总分（复算）", computed=True, formula=formula,
                                text=fmt_num(expect)))
            if funds is not None and self._num(funds.cells.get("全年预算数")) and self._num(funds.cells.get("全年执行数")) \
                    and self._num(funds.cells.get("执行率")):
                a = funds.cells["全年执行数"].value
                b = funds.cells["全年预算数"].value
                if b:
                    r = (a / b * 100).quantize(Decimal("0.01"))
                    printed = funds.cells["执行率"].value
                    formula = f"{fmt_num(a)} ÷ {fmt_num(b)} × 100% = {fmt_num(r)}%"
                    diff = abs(r - printed)
                    ok = diff <= Decimal("0.01") * 2
                    lines.append(f"执行率：表列{fmt_num(printed)}%，按全年执行数÷全年预算数复算为{fmt_num(r)}%"
                                 f"（{formula}），" + ("一致。" if ok else f"相差{fmt_num(diff)}个百分点。"))
                    figs.append(Fig.from_cell(funds.cells["执行率"], f"{p.name}执行率", p.doc, t))
        fs = [f for f in self.library.findings(p.doc.id) if _finding_about(f, p)]
        if fs:
            lines.append(f"复核引擎对该项目发现{len(fs)}处问题：")
            for i, f in enumerate(fs[:10], 1):
                loc = "；".join(_loc_text(x) for x in (f.get("locations") or [])[:2])
                lines.append(f"{i}. {f.get('message', '')}" + (f"（{f['formula']}）" if f.get("formula") else "")
                             + (f"　位置：{loc}" if loc else ""))
        elif self.library.checks_available(p.doc.id):
            lines.append("复核引擎未对该项目报告问题。")
        if not lines:
            return Answer(f"{NOT_FOUND_PREFIX}可复核的“{p.name}”数据。", False, route="not_found")
        return Answer("\n".join(lines), True, figs, route="check", findings=fs)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _num(cell: Cell | None) -> bool:
        return cell is not None and cell.is_number


# ---------------------------------------------------------------------- helpers
def _finding_about(f: dict[str, Any], p: ProjectRef) -> bool:
    tid = f"（{p.table.id}）"
    for loc in f.get("locations") or []:
        if (loc.get("document") in (None, p.doc.name)) and tid in str(loc.get("table") or ""):
            if p.row_label is None or loc.get("row") in (None, p.row_label):
                return True
    return p.name and p.name in str(f.get("message", ""))


def _loc_text(loc: dict[str, Any]) -> str:
    parts = []
    if loc.get("page") is not None:
        parts.append(f"第{loc['page']}页")
    elif loc.get("line") is not None:
        parts.append(f"第{loc['line']}行")
    for k in ("table", "row", "column"):
        if loc.get(k):
            parts.append(str(loc[k]) if k == "table" else f"“{loc[k]}”")
    return " ".join(parts)
