"""Prompt templates as plain files in ``prompts/``, loaded by name, with named variables.

``load_prompt("qa_phrase.user")`` reads ``prompts/qa_phrase.user.txt``; ``render(name, **vars)``
fills ``{variable}`` placeholders and raises :class:`PromptError` when the file or a variable is missing.
"""

from __future__ import annotations

import os
import re
import string
from pathlib import Path

from ..errors import PromptError

PROMPT_DIR = Path(os.environ.get("AUDIT_PROMPT_DIR", Path(__file__).resolve().parents[2] / "prompts"))


def prompt_path(name: str, directory: Path | None = None) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", name or ""):
        raise PromptError(f"提示词名称“{name}”无效。")
    d = Path(directory or PROMPT_DIR)
    for cand in (d / f"{name}.txt", d / f"{name}.md", d / name):
        if cand.is_file():
            return cand
    raise PromptError(f"找不到提示词文件“{name}”（目录：{d.name}）。")


def load_prompt(name: str, directory: Path | None = None) -> str:
    return prompt_path(name, directory).read_text("utf-8")


def variables(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def render(name: str, directory: Path | None = None, **values: object) -> str:
    """Fill the named template; every placeholder must be given (extra values are ignored)."""
    tpl = load_prompt(name, directory)
    missing = sorted(variables(tpl) - set(values))
    if missing:
        raise PromptError(f"提示词“{name}”缺少变量：{'、'.join(missing)}。")
    try:
        return tpl.format(**{k: values[k] for k in variables(tpl)})
    except (KeyError, IndexError, ValueError) as exc:
        raise PromptError(f"提示词“{name}”格式错误：{exc}") from exc
