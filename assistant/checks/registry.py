"""The rule registry: one rule = one small function with a stable code, registered by decorator.

A rule's docstring is its contract: the first line is the message an auditor reads, then
``Formula:`` and ``Tolerance:`` lines. ``needs`` lists the table kinds the rule reads; when one is
missing in a document type where it is expected, the rule is listed as “not checked”.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .context import RuleContext

RuleFunc = Callable[["RuleContext"], None]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its code, family, the tables it needs and the function that runs it."""

    code: str
    family: str
    func: RuleFunc
    needs: tuple[str, ...] = ()
    expected_in: tuple[str, ...] = ()
    any_of: bool = False

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()

    @property
    def title(self) -> str:
        """The first docstring line: the message an auditor reads."""
        return self.doc.splitlines()[0].strip() if self.doc else self.code

    def _field(self, name: str) -> str:
        m = re.search(rf"^\s*{name}:\s*(.+?)(?=^\s*\w+:|\Z)", self.doc, re.M | re.S)
        return re.sub(r"\s+", " ", m.group(1)).strip() if m else ""

    @property
    def formula(self) -> str:
        return self._field("Formula")

    @property
    def tolerance(self) -> str:
        return self._field("Tolerance")


RULES: dict[str, Rule] = {}
_CODE = re.compile(r"^[A-Z]{2,4}(-[A-Z0-9]{1,6}){1,2}-\d{2}$")


def rule(code: str, *, family: str, needs: tuple[str, ...] = (), expected_in: tuple[str, ...] = (),
         any_of: bool = False) -> Callable[[RuleFunc], RuleFunc]:
    """Register ``func`` under ``code`` (e.g. ``FA-BAL-01``). Codes are stable and unique."""

    def deco(func: RuleFunc) -> RuleFunc:
        if not _CODE.match(code):
            raise ValueError(f"规则编号“{code}”格式无效（应如 FA-BAL-01）")
        if code in RULES and RULES[code].func is not func:
            raise ValueError(f"规则编号“{code}”重复注册")
        RULES[code] = Rule(code=code, family=family, func=func, needs=tuple(needs),
                           expected_in=tuple(expected_in), any_of=any_of)
        return func

    return deco


def load_rules() -> dict[str, Rule]:
    """Import every rule family (their decorators register the rules) and return the registry."""
    from . import (  # noqa: F401
        assets,
        final_accounts,
        final_cross,
        formulas,
        narrative,
        performance_section,
        remnants,
        results_list,
        scoring,
        self_eval,
    )

    return RULES
