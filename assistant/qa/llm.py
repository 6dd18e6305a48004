"""Optional LLM phrasing through langchain chat models (Ollama, or any OpenAI-compatible server such as
DeepSeek, Qwen, vLLM or a llama.cpp server), chosen in settings.

The LLM only rephrases the deterministic answer. Every number in its output is checked against the
numbers it was given (the deterministic answer, the figures, their pages/lines); an unsupported
number is removed and flagged. Report text goes in as data inside ``<report_text>`` with its markup
neutralised, and the system prompt tells the model to ignore instructions found there.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..settings import Settings
from .answer import Answer
from .prompts import render

log = logging.getLogger(__name__)

_NUM = re.compile(r"(?<![A-Za-z])[-+]?\d[\d,]*(?:\.\d+)?")
REMOVED = "〔未核实数字已删除〕"


def build_chat_model(settings: Settings):
    """Return a langchain chat model for the configured provider, or None for ``llm_provider=none``."""
    prov = settings.llm_provider
    if prov == "none":
        return None
    if prov == "ollama":
        from langchain_ollama import ChatOllama

        kw: dict[str, Any] = {"model": settings.llm_model, "temperature": 0}
        if settings.llm_base_url:
            kw["base_url"] = settings.llm_base_url
        return ChatOllama(**kw)
    if prov == "openai":
        from langchain_openai import ChatOpenAI

        kw = {"model": settings.llm_model, "temperature": 0, "timeout": 60, "max_retries": 1}
        if settings.llm_base_url:
            kw["base_url"] = settings.llm_base_url
        kw["api_key"] = settings.llm_api_key or "not-needed"
        return ChatOpenAI(**kw)
    return None


def _norm(tok: str) -> str | None:
    t = tok.replace(",", "").lstrip("+")
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    d = d.normalize()
    s = format(d, "f")
    return s


def numbers_in(text: str) -> set[str]:
    out = set()
    for m in _NUM.finditer(text or ""):
        n = _norm(m.group(0))
        if n is not None:
            out.add(n)
            if n.startswith("-"):
                out.add(n[1:])
    return out


def allowed_numbers(answer: Answer, question: str = "") -> set[str]:
    d = answer.to_dict()
    allowed = numbers_in(answer.answer) | numbers_in(question)
    for f in d["figures"]:
        allowed |= numbers_in(str(f.get("value", ""))) | numbers_in(str(f.get("text", "")))
        allowed |= numbers_in(str(f.get("formula", "")))
        src = f.get("source") or {}
        for k in ("page", "line"):
            if src.get(k) is not None:
                allowed.add(str(src[k]))
    for c in d["citations"]:
        for k in ("page", "line"):
            if c.get(k) is not None:
                allowed.add(str(c[k]))
    return allowed


def guard_numbers(text: str, allowed: set[str]) -> tuple[str, list[str]]:
    """Remove every number in ``text`` that is not in ``allowed``; return (text, removed numbers)."""
    removed: list[str] = []

    def repl(m: re.Match[str]) -> str:
        n = _norm(m.group(0))
        if n is None or n in allowed or n.lstrip("-") in allowed:
            return m.group(0)
        removed.append(m.group(0))
        return REMOVED

    return _NUM.sub(repl, text), removed


def wrap_report_text(text: str, limit: int = 2000) -> str:
    """Neutralise markup in report text so it cannot close the data block or pose as instructions."""
    t = (text or "")[:limit]
    t = t.replace("<", "＜").replace(">", "＞").replace("{", "｛").replace("}", "｝")
    return t


class Phraser:
    """Rephrase deterministic answers with a chat model, keeping only supported numbers."""

    def __init__(self, model) -> None:
        self.model = model

    @classmethod
    def from_settings(cls, settings: Settings) -> Phraser | None:
        try:
            m = build_chat_model(settings)
        except Exception as exc:
            log.warning("无法创建大模型客户端（%s）：%s；回答将使用确定性措辞。", settings.llm_provider, exc)
            return None
        return cls(m) if m is not None else None

    def phrase(self, question: str, answer: Answer, context: str = "") -> Answer:
        from langchain_core.messages import HumanMessage, SystemMessage

        if not answer.found and not answer.answer:
            return answer
        if answer.route.startswith("passage"):
            # an extractive answer quotes the report verbatim: the quote is data, and auditors want the
            # original wording, so it is never sent to the model outside the data block nor rephrased
            return answer
        nums = sorted(allowed_numbers(answer, question))
        ctx = context or "\n".join(str(c.get("text", "")) for c in answer.to_dict()["citations"][:5])
        try:
            system = render("qa_phrase.system")
            user = render("qa_phrase.user", question=wrap_report_text(question, 500),
                          answer=wrap_report_text(answer.answer, 4000), numbers="、".join(nums) or "（无）",
                          context=wrap_report_text(ctx))
            reply = self.model.invoke([SystemMessage(content=system), HumanMessage(content=user)])
            text = str(getattr(reply, "content", reply) or "").strip()
        except Exception as exc:
            answer.flags.append(f"大模型措辞失败（{type(exc).__name__}），已使用确定性回答。")
            return answer
        if not text:
            return answer
        guarded, removed = guard_numbers(text, set(nums))
        deterministic = answer.answer
        answer.answer = guarded
        answer.route = answer.route + "+llm"
        if removed:
            answer.flags.append("大模型输出中有无出处的数字，已删除：" + "、".join(removed))
        answer.extra_figures = list(answer.extra_figures)
        answer.flags.append("措辞由大模型生成；数字均来自确定性回答。")
        answer.citations = list(answer.citations)
        answer.deterministic = deterministic
        return answer
