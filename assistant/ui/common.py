"""Shared pieces of the workspace tabs: error translation, document choices, preview outputs."""

from __future__ import annotations

import functools
import html
import inspect
import logging
from typing import Any

import gradio as gr

from ..errors import AssistantError
from .preview import build_preview

log = logging.getLogger("assistant.ui")
ALL = "__all__"


def toast(text: str) -> str:
    """Return a message safe for Gradio's toasts, which render HTML: file names come from users."""
    return html.escape(str(text), quote=False)


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, gr.Error):
        return exc
    if isinstance(exc, AssistantError):
        return gr.Error(toast(str(exc)), title="无法完成")
    log.exception("workspace handler failed")
    return gr.Error(f"处理时出现内部错误（{type(exc).__name__}），已记录日志；资料库中已有的内容不受影响。", title="内部错误")


def handler(fn):
    """Wrap an event handler (function or generator) so errors reach the user as a Chinese gr.Error."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:
                raise _translate(exc) from exc

        return gen

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise _translate(exc) from exc

    return wrapped


def doc_choices(services: Any, with_all: bool = True) -> list[tuple[str, str]]:
    """Return (label, id) choices for a document dropdown."""
    docs = services.documents()
    out = [("全部文档", ALL)] if with_all else []
    out += [(d["name"], d["id"]) for d in docs]
    return out


def scope(value: str | None) -> str | None:
    return None if not value or value == ALL else value


def preview_updates(services: Any, loc: dict[str, Any] | None):
    """Return (image update, html update) for the preview panel of a location."""
    if not loc:
        return gr.update(value=None, visible=False), gr.update(value="<p>点击一条引用或问题即可在此查看原文。</p>")
    p = build_preview(services, loc)
    if p.image is not None:
        return gr.update(value=p.image, visible=True), gr.update(value=p.html)
    return gr.update(value=None, visible=False), gr.update(value=p.html)
