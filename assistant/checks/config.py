"""Locality scoring rules (grade cut-offs, 执行率 bands, …) loaded from YAML under ``checks/rules``.

Later files override earlier ones key by key; a malformed file raises :class:`RuleConfigError`
naming the file and the bad value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..errors import RuleConfigError

RULES_DIR = Path(__file__).with_name("rules")
SCHEMES = ("proportional", "bands")


@dataclass(frozen=True)
class Band:
    min: Decimal
    share: Decimal


@dataclass
class CheckConfig:
    """Validated scoring rules plus the rounding tolerance per printed item."""

    grades: list[tuple[str, Decimal]] = field(default_factory=list)
    grade_aliases: dict[str, str] = field(default_factory=dict)
    exec_scheme: str = "proportional"
    exec_bands: list[Band] = field(default_factory=list)
    exec_decimals: int = 2
    total_points: Decimal = Decimal(100)
    result_categories: dict[str, list[str]] = field(default_factory=dict)
    rounding_per_item: Decimal = Decimal("0.005")

    def grade_of(self, score: Decimal) -> str:
        """Return the grade for a total score (cut-offs from the YAML)."""
        for name, low in self.grades:
            if score >= low:
                return name
        return self.grades[-1][0] if self.grades else ""

    def canonical_grade(self, text: str) -> str:
        t = (text or "").strip().strip("“”\"'")
        return self.grade_aliases.get(t, t)

    def band_share(self, rate: Decimal) -> Decimal:
        for b in self.exec_bands:
            if rate >= b.min:
                return b.share
        return Decimal(0)


def _dec(value: Any, where: str, name: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise RuleConfigError(f"规则文件 {where} 中 {name} 的值“{value}”不是数字。") from exc


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleConfigError(f"规则文件 {path.name} 不是有效的 YAML：{exc}") from exc
    except OSError as exc:
        raise RuleConfigError(f"规则文件 {path} 无法读取：{exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RuleConfigError(f"规则文件 {path.name} 的顶层应为键值映射，实际为 {type(data).__name__}。")
    return data


def config_from_dict(data: dict[str, Any], where: str = "<dict>") -> CheckConfig:
    """Given merged YAML data, return a validated CheckConfig (RuleConfigError on bad values)."""
    cfg = CheckConfig()
    grades = data.get("grades", [])
    if not isinstance(grades, list) or not grades:
        raise RuleConfigError(f"规则文件 {where} 中 grades 应为非空列表，例如 [{{grade: 优, min: 90}}]。")
    for g in grades:
        if not isinstance(g, dict) or "grade" not in g or "min" not in g:
            raise RuleConfigError(f"规则文件 {where} 中 grades 的条目“{g}”缺少 grade 或 min。")
        cfg.grades.append((str(g["grade"]), _dec(g["min"], where, "grades.min")))
    cfg.grades.sort(key=lambda x: x[1], reverse=True)
    aliases = data.get("grade_aliases", {}) or {}
    if not isinstance(aliases, dict):
        raise RuleConfigError(f"规则文件 {where} 中 grade_aliases 应为映射。")
    cfg.grade_aliases = {str(k): str(v) for k, v in aliases.items()}
    ex = data.get("execution_rate", {}) or {}
    if not isinstance(ex, dict):
        raise RuleConfigError(f"规则文件 {where} 中 execution_rate 应为映射。")
    scheme = ex.get("scheme", "proportional")
    if scheme not in SCHEMES:
        raise RuleConfigError(f"规则文件 {where} 中 execution_rate.scheme 取值“{scheme}”无效，可选：{', '.join(SCHEMES)}。")
    cfg.exec_scheme = scheme
    for b in ex.get("bands", []) or []:
        if not isinstance(b, dict) or "min" not in b or "share" not in b:
            raise RuleConfigError(f"规则文件 {where} 中 execution_rate.bands 的条目“{b}”缺少 min 或 share。")
        share = _dec(b["share"], where, "bands.share")
        if not Decimal(0) <= share <= Decimal(1):
            raise RuleConfigError(f"规则文件 {where} 中 bands.share 取值“{share}”应在 0 到 1 之间。")
        cfg.exec_bands.append(Band(_dec(b["min"], where, "bands.min"), share))
    cfg.exec_bands.sort(key=lambda b: b.min, reverse=True)
    cfg.exec_decimals = int(ex.get("decimals", 2))
    cfg.total_points = _dec(data.get("total_points", 100), where, "total_points")
    cats = data.get("result_categories", {}) or {}
    if not isinstance(cats, dict):
        raise RuleConfigError(f"规则文件 {where} 中 result_categories 应为映射。")
    cfg.result_categories = {str(k): [str(x) for x in (v or [])] for k, v in cats.items()}
    if "rounding_per_item" in data:
        cfg.rounding_per_item = _dec(data["rounding_per_item"], where, "rounding_per_item")
    return cfg


def load_config(paths: list[Path] | None = None) -> CheckConfig:
    """Load ``rules/*.yaml`` (sorted; ``default.yaml`` first) or the given files, merged key by key."""
    files = paths if paths is not None else sorted(RULES_DIR.glob("*.yaml"), key=lambda p: (p.name != "default.yaml", p.name))
    merged: dict[str, Any] = {}
    for p in files:
        merged.update(_read(Path(p)))
    return config_from_dict(merged, ", ".join(Path(p).name for p in files) or "<空>")
