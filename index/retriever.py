"""Hybrid retrieval: reciprocal rank fusion of dense (Chroma) and lexical (BM25) rankings, with
metadata filters applied to both. Only chunks present in the SQLite library are returned."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

RRF_K = 60
FALLBACK_DENSE_WEIGHT = 0.01


@dataclass
class Hit:
    id: str
    text: str
    meta: dict[str, Any]
    score: float
    ranks: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "meta": self.meta, "score": round(self.score, 6),
                "ranks": self.ranks}


def _match(meta: dict[str, Any], filters: dict[str, Any]) -> bool:
    for k, v in filters.items():
        if v is None:
            continue
        mv = meta.get(k)
        if isinstance(v, (list, tuple, set)):
            if mv not in v:
                return False
        elif mv != v:
            return False
    return True


def _chroma_where(filters: dict[str, Any]) -> dict[str, Any] | None:
    clauses = []
    for k, v in filters.items():
        if v is None:
            continue
        if isinstance(v, (list, tuple, set)):
            clauses.append({k: {"$in": list(v)}})
        else:
            clauses.append({k: v})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class HybridRetriever:
    """``search(query, k, filters)`` over a :class:`index.library.Library`."""

    def __init__(self, library, dense_weight: float | None = None, lexical_weight: float = 1.0) -> None:
        self.library = library
        self.dense_weight = dense_weight
        self.lexical_weight = lexical_weight

    def search(self, query: str, k: int = 5, filters: dict[str, Any] | None = None, depth: int = 50) -> list[Hit]:
        filters = {k_: v for k_, v in (filters or {}).items() if v is not None}
        # only the chunks needed are read from SQLite (never every chunk's text and metadata)
        allowed: set[str] | None
        if not filters:
            allowed = None  # every chunk BM25 holds is one SQLite knows (BM25 follows the library generation)
        elif set(filters) == {"doc_id"}:  # the engine's scope: look the documents' chunks up
            want = filters["doc_id"]
            want = want if isinstance(want, (list, tuple, set)) else [want]
            allowed = set(self.library.chunk_ids(want))
        else:
            allowed = self._matching(filters)
        if allowed is not None and not allowed:
            return []
        fused: dict[str, float] = {}
        ranks: dict[str, dict[str, int]] = {}
        for r, (cid, _) in enumerate(self.library.lexical().search(query, depth, allowed)):
            fused[cid] = fused.get(cid, 0.0) + self.lexical_weight / (RRF_K + r + 1)
            ranks.setdefault(cid, {})["bm25"] = r + 1
        for r, cid in enumerate(self._dense(query, depth, filters, allowed)):
            fused[cid] = fused.get(cid, 0.0) + self._dense_w() / (RRF_K + r + 1)
            ranks.setdefault(cid, {})["dense"] = r + 1
        chunks = self.library.chunks_by_ids(fused)
        order = sorted((c for c in fused if c in chunks), key=lambda c: (-fused[c], c))[:k]
        return [Hit(c, chunks[c][0], chunks[c][1], fused[c], ranks.get(c, {})) for c in order]

    def _matching(self, filters: dict[str, Any]) -> set[str]:
        """Chunk ids whose metadata match ``filters`` (narrowed by doc_id first when it is one of them)."""
        if "doc_id" in filters:
            want = filters["doc_id"]
            ids = self.library.chunk_ids(want if isinstance(want, (list, tuple, set)) else [want])
        else:
            ids = self.library.chunk_ids()
        out: set[str] = set()
        for i in range(0, len(ids), 2000):
            for cid, (_, meta) in self.library.chunks_by_ids(ids[i:i + 2000]).items():
                if _match(meta, filters):
                    out.add(cid)
        return out

    def _dense_w(self) -> float:
        if self.dense_weight is not None:
            return self.dense_weight
        emb = self.library.embedder
        # the fallback model (English-only) is noise on Chinese text: it only breaks ties between BM25 ranks
        return FALLBACK_DENSE_WEIGHT if emb is not None and emb.fallback else 1.0

    def _dense(self, query: str, depth: int, filters: dict[str, Any], allowed: set[str] | None) -> list[str]:
        col = self.library.collection()
        if col is None:
            return []
        try:
            n = min(depth, max(1, col.count()))
            res = col.query(query_embeddings=[self.library.embedder.embed_query(query)], n_results=n,
                            where=_chroma_where(filters), include=["distances"])
        except Exception as exc:
            log.debug("dense query failed: %s", exc)
            return []
        ids = (res.get("ids") or [[]])[0]
        if allowed is None:  # a half-written vector index may hold chunks SQLite no longer knows
            known = self.library.chunks_by_ids(ids)
            return [cid for cid in ids if cid in known]
        return [cid for cid in ids if cid in allowed]
