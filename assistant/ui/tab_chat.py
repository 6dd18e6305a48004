"""Tab 问答: chat with streamed answers; every figure and citation opens the cited page."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import gradio as gr

from .common import ALL, doc_choices, handler, preview_updates, scope
from .render import md_text, where

STREAM_CHUNK = 6


def _key(loc: dict[str, Any]) -> tuple:
    return (loc.get("document") or loc.get("doc_id") or loc.get("document_id"), loc.get("page"), loc.get("line"))


def sources_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the clickable sources of an answer: its figures first, then its citations (deduplicated by
    document and page/line). Recomputed figures have no source of their own and are not listed."""
    out: list[dict[str, Any]] = []
    seen = set()
    for f in result.get("figures") or []:
        src = dict(f.get("source") or {})
        if not src.get("document") or (src.get("page") is None and src.get("line") is None):
            continue
        label = f"{f.get('label') or '数字'} {f.get('text') or f.get('value')} {f.get('unit') or ''}".strip()
        out.append({"label": f"{label} — {src['document']} {where(src)}", "loc": src})
        seen.add(_key(src))
    for c in result.get("citations") or []:
        if not c.get("document") or _key(c) in seen:
            continue
        seen.add(_key(c))
        text = str(c.get("text") or "")
        text = text if len(text) <= 40 else text[:40] + "…"
        out.append({"label": f"引用 {c['document']} {where(c)}：{text}", "loc": dict(c)})
    return out


def answer_markdown(result: dict[str, Any]) -> str:
    """Return the answer as safe markdown: escaped answer text, recomputations, numbered sources."""
    parts = [md_text(result.get("answer") or "")]
    computed = [f for f in result.get("figures") or [] if f.get("computed") and f.get("formula")]
    if computed:
        parts.append("\n\n**复算**：")
        for f in computed:
            parts.append(f"\n- {md_text(f.get('label') or '')}：{md_text(f.get('formula'))}")
    srcs = sources_of(result)
    if srcs:
        parts.append("\n\n**来源**（点击下方列表中的条目查看原页）：")
        for i, s in enumerate(srcs, start=1):
            parts.append(f"\n{i}. {md_text(s['label'])}")
    elif result.get("found") is False:
        parts.append("\n\n_未找到依据，未给出数字。_")
    return "".join(parts)


def _radio(sources: list[dict[str, Any]]):
    choices = [(f"[{i}] {s['label']}", i - 1) for i, s in enumerate(sources, start=1)]
    return gr.update(choices=choices, value=None, visible=bool(choices))


def build(services: Any) -> SimpleNamespace:
    """Build the tab; return its components."""
    turns = gr.State([])  # per browser session: [{"question", "result", "sources"}]
    current = gr.State([])  # the sources listed in the radio
    with gr.Row():
        with gr.Column(scale=3):
            scope_pick = gr.Dropdown(choices=doc_choices(services), value=ALL, label="问答范围", elem_id="chat-scope")
            chatbot = gr.Chatbot(label="问答", height=460, elem_id="chatbot", sanitize_html=True,
                                 feedback_options=None, placeholder="例如：社会工作部 2024 年本年支出合计是多少？")
            with gr.Row():
                question = gr.Textbox(placeholder="输入问题，回车发送", show_label=False, scale=5, elem_id="chat-input")
                send = gr.Button("发送", variant="primary", scale=1, elem_id="chat-send")
                clear = gr.Button("清空", scale=1)
            cites = gr.Radio(choices=[], label="本回答的数字与引用（点击查看原页）", visible=False, elem_id="chat-cites")
        with gr.Column(scale=2):
            gr.Markdown("#### 原文预览")
            img = gr.Image(label="原页", interactive=False, visible=False, elem_id="chat-preview-img", format="png")
            info = gr.HTML("<p>点击一条引用即可在此查看原文。</p>", elem_id="chat-preview")

    @handler
    def respond(q, history, turns_v, doc):
        q = (q or "").strip()
        if not q:
            raise gr.Error("请输入问题。", title="问题为空")
        history = list(history or []) + [{"role": "user", "content": md_text(q)},
                                          {"role": "assistant", "content": "正在查找…"}]
        yield "", history, turns_v, gr.update(), []
        result = services.ask(q, document=scope(doc))
        text = answer_markdown(result)
        step = max(STREAM_CHUNK, len(text) // 40)  # about 40 updates, whatever the length
        for end in range(step, len(text) + step, step):
            chunk = text[:end]
            if chunk.endswith("\\"):
                continue
            history[-1] = {"role": "assistant", "content": chunk}
            yield "", history, turns_v, gr.update(), []
            time.sleep(0.01)
        history[-1] = {"role": "assistant", "content": text}
        srcs = sources_of(result)
        turns_v = list(turns_v or []) + [{"question": q, "result": result, "sources": srcs}]
        yield "", history, turns_v, _radio(srcs), srcs

    @handler
    def pick_turn(turns_v, evt: gr.SelectData):
        idx = evt.index if isinstance(evt.index, int) else (evt.index[0] if evt.index else 0)
        turn_no = idx // 2
        if not turns_v or turn_no >= len(turns_v):
            return gr.update(), []
        srcs = turns_v[turn_no]["sources"]
        return _radio(srcs), srcs

    @handler
    def show(choice, srcs):
        if choice is None or not srcs or int(choice) >= len(srcs):
            return gr.update(), gr.update()
        return preview_updates(services, srcs[int(choice)]["loc"])

    def reset():
        return [], [], gr.update(choices=[], value=None, visible=False), [], *preview_updates(services, None)

    outs = [question, chatbot, turns, cites, current]
    question.submit(respond, [question, chatbot, turns, scope_pick], outs)
    send.click(respond, [question, chatbot, turns, scope_pick], outs)
    chatbot.select(pick_turn, [turns], [cites, current])
    cites.change(show, [cites, current], [img, info])
    clear.click(reset, None, [chatbot, turns, cites, current, img, info])
    return SimpleNamespace(scope_pick=scope_pick)
