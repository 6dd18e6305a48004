"""Lexical retrieval: jieba tokens plus Chinese character bigrams, scored by bm25s, persisted on disk."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import numpy as np

_JIEBA_READY = False
DOMAIN_WORDS = [
    "三公经费", "因公出国（境）费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费", "公务接待费",
    "基本支出", "项目支出", "本年收入合计", "本年支出合计", "年初预算数", "全年预算数", "全年执行数", "决算数",
    "执行率", "得分", "分值", "绩效目标", "绩效指标", "满意度", "机关运行经费", "政府采购", "国有资产",
    "一般公共预算", "政府性基金", "财政拨款", "无纸化办公", "年末结转和结余", "年初结转和结余", "评价等级",
    "自评", "部门决算", "偏差原因", "整改", "改进措施", "存在问题",
]
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?")
STOP = set("的 了 和 与 及 是 在 为 对 等 中 有 多少 什么 哪些 哪个 怎么 如何 吗 呢 请 一下 情况 是否 这个 那个".split())


def _init_jieba() -> None:
    global _JIEBA_READY
    if _JIEBA_READY:
        return
    import jieba

    jieba.setLogLevel(logging.WARNING)
    for w in DOMAIN_WORDS:
        jieba.add_word(w, freq=20000)
    _JIEBA_READY = True


def tokenize(text: str) -> list[str]:
    """jieba search-mode words plus Chinese bigrams (robust to segmentation differences)."""
    import jieba

    _init_jieba()
    text = (text or "").lower()
    toks: list[str] = []
    for w in jieba.lcut_for_search(text):
        w = w.strip()
        if w and _WORD.fullmatch(w) and w not in STOP:
            toks.append(w)
    for run in _CJK.findall(text):
        toks.extend(run[i:i + 2] for i in range(len(run) - 1))
    return toks


class LexicalIndex:
    def __init__(self, ids: list[str], model, generation: int) -> None:
        self.ids = ids
        self.model = model
        self.generation = generation
        self._pos = {cid: i for i, cid in enumerate(ids)}

    @classmethod
    def build(cls, ids: list[str], texts: list[str], generation: int,
              tokens: list[list[str] | str | None] | None = None) -> LexicalIndex:
        """Index ``texts``; ``tokens[i]`` (when given and not None) are the stored tokens of ``texts[i]`` (a list,
        or one space-joined string). Tokens become vocabulary ids one document at a time, so a rebuild of a
        large library never holds every token as a string."""
        import bm25s

        model = None
        if ids:
            model = bm25s.BM25()
            toks = tokens if tokens is not None and len(tokens) == len(texts) else [None] * len(texts)
            vocab: dict[str, int] = {}
            doc_ids: list[list[int]] = []
            for t, tk in zip(texts, toks, strict=True):
                words = (tk.split(" ") if tk else None) if isinstance(tk, str) else tk
                if words is None:
                    words = tokenize(t)
                doc_ids.append([vocab.setdefault(w, len(vocab)) for w in (words or ["_"])])
            model.index((doc_ids, vocab), show_progress=False)
        return cls(list(ids), model, generation)

    def save(self, path: Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        tmp = path / "ids.json.tmp"
        if self.model is not None:
            self.model.save(str(path), show_progress=False)
        tmp.write_text(json.dumps({"generation": self.generation, "ids": self.ids}, ensure_ascii=False), "utf-8")
        tmp.replace(path / "ids.json")  # the marker is written last: a torn save is rebuilt on load

    @classmethod
    def load(cls, path: Path) -> LexicalIndex | None:
        import bm25s

        path = Path(path)
        try:
            info = json.loads((path / "ids.json").read_text("utf-8"))
            model = bm25s.BM25.load(str(path), show_progress=False) if info["ids"] else None
            return cls(info["ids"], model, int(info["generation"]))
        except Exception:
            return None

    def scores(self, query: str) -> np.ndarray:
        if self.model is None or not self.ids:
            return np.zeros(len(self.ids))
        toks = tokenize(query)
        if not toks:
            return np.zeros(len(self.ids))
        return np.asarray(self.model.get_scores(toks), dtype=float)

    def search(self, query: str, k: int = 20, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        s = self.scores(query)
        order = np.argsort(-s)
        out = []
        for i in order:
            if s[i] <= 0:
                break
            cid = self.ids[i]
            if allowed is not None and cid not in allowed:
                continue
            out.append((cid, float(s[i])))
            if len(out) >= k:
                break
        return out
