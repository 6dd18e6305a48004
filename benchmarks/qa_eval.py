"""QA benchmark: auditors' questions over the ten samples, exact-answer accuracy per kind,
recall@5 for passage questions, latency p50/p95 without an LLM.

    .venv/bin/python benchmarks/qa_eval.py [--library DIR] [--no-dense] [--samples DIR]

Writes benchmarks/results/qa_eval.json and qa_eval.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import yaml  # noqa: E402

from assistant.settings import Settings  # noqa: E402

SET_LABELS = {"dev": "调试集（用于开发）", "holdout": "留出集（开发后编写）"}


def _dec(x) -> Decimal | None:
    try:
        return Decimal(str(x).replace(",", "").rstrip("%"))
    except (InvalidOperation, ValueError):
        return None


def judge(q: dict, out: dict, hits: list[dict] | None) -> tuple[bool, str]:
    exp = q["expect"]
    kind = q["kind"]
    if kind == "not_found":
        return (not out["found"]), ("" if not out["found"] else "应答为“未找到”，却给出了答案")
    if not out["found"]:
        return False, "未找到"
    figs = out.get("figures") or []
    if kind == "passage":
        text = out["answer"] + " ".join(c.get("text", "") for c in out.get("citations", []))
        ok = any(k in text for k in exp["keywords"])
        return ok, "" if ok else "回答未包含关键句"
    if "text" in exp:
        ok = any(f.get("text") == exp["text"] for f in figs)
        return ok, "" if ok else f"等级/文本不符：{[f.get('text') for f in figs]}"
    want = _dec(exp["value"])
    vals = [_dec(f.get("value")) for f in figs]
    if kind == "computation":
        ok = bool(vals) and vals[0] is not None and vals[0] == want
        if not ok:
            return False, f"计算结果 {vals[:1]} ≠ {want}"
        return True, ""
    if kind == "figure":
        # the primary figure must be the expected one
        ok = bool(vals) and vals[0] == want
        if q.get("document") and figs:
            ok = ok and figs[0].get("source", {}).get("document") == q["document"]
        return ok, "" if ok else f"数值 {vals[:2]} ≠ {want}"
    if kind == "comparison":
        ok = bool(vals) and vals[0] == want and exp["contains"] in out["answer"]
        return ok, "" if ok else f"比较结果不符：{out['answer'][:60]}"
    if kind == "check":
        ok = want in vals and exp["contains"] in out["answer"]
        return ok, "" if ok else "复核回答不符"
    return False, "未知题型"


def recall_at_5(q: dict, hits: list[dict]) -> bool:
    """True when one of the five passages the engine retrieved is from the expected document and holds
    one of the expected key phrases."""
    for h in hits[:5]:
        if h["meta"].get("document") == q["document"] and any(k in h["text"] for k in q["expect"]["keywords"]):
            return True
    return False


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return 0.0
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    f, c = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", default=None)
    ap.add_argument("--samples", default=str(ROOT.parent / "shared" / "samples"))
    ap.add_argument("--questions", default=str(ROOT / "benchmarks" / "questions.yaml"))
    ap.add_argument("--no-dense", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = ap.parse_args(argv)

    from assistant.qa.service import AssistantService

    lib_dir = args.library or tempfile.mkdtemp(prefix="qa_eval_")
    settings = Settings.from_env(data_dir=lib_dir, ocr=False, llm_provider="none")
    svc = AssistantService(settings, dense=not args.no_dense)
    t0 = time.perf_counter()
    samples = Path(args.samples)
    svc.ingest([samples / "text", samples / "pdf"], workers=2)
    ingest_s = time.perf_counter() - t0
    questions = yaml.safe_load(Path(args.questions).read_text("utf-8"))["questions"]
    svc.ask("热身")  # load caches once
    rows = []
    lat = []
    for q in questions:
        t = time.perf_counter()
        out = svc.ask(q["question"], use_llm=False)
        ms = (time.perf_counter() - t) * 1000
        lat.append(ms)
        hits = None
        if q["kind"] == "passage":
            chunks = svc.library.chunks_by_ids(out.get("retrieved", []))
            hits = [{"text": chunks[c][0], "meta": chunks[c][1]} for c in out.get("retrieved", []) if c in chunks]
        ok, why = judge(q, out, hits)
        row = {"kind": q["kind"], "set": q.get("set", "dev"), "question": q["question"], "ok": ok, "why": why, "found": out["found"],
               "route": out.get("route"), "answer": out["answer"][:300], "latency_ms": round(ms, 1)}
        if hits is not None:
            row["recall@5"] = recall_at_5(q, hits)
        rows.append(row)
    kinds = sorted({r["kind"] for r in rows})
    per_kind = {k: {"n": sum(1 for r in rows if r["kind"] == k),
                    "correct": sum(1 for r in rows if r["kind"] == k and r["ok"])} for k in kinds}
    for v in per_kind.values():
        v["accuracy"] = round(v["correct"] / v["n"], 4) if v["n"] else None
    by_set = {}
    for name in sorted({r["set"] for r in rows}):
        sub = [r for r in rows if r["set"] == name]
        by_set[name] = {k: {"n": sum(1 for r in sub if r["kind"] == k),
                            "correct": sum(1 for r in sub if r["kind"] == k and r["ok"])}
                        for k in sorted({r["kind"] for r in sub})}
    pas = [r for r in rows if "recall@5" in r]
    status = svc.status()
    result = {
        "questions": len(rows),
        "documents": len(svc.documents()),
        "ingest_seconds": round(ingest_s, 1),
        "embedding_model": status.get("embedding_model"),
        "dense": status.get("dense"),
        "per_kind": per_kind,
        "per_set": by_set,
        "overall_accuracy": round(sum(r["ok"] for r in rows) / len(rows), 4),
        "passage_recall_at_5": round(sum(r["recall@5"] for r in pas) / len(pas), 4) if pas else None,
        "latency_ms": {"p50": round(statistics.median(lat), 1), "p95": round(pct(lat, 0.95), 1),
                       "max": round(max(lat), 1)},
        "llm": "none",
        "failures": [r for r in rows if not r["ok"]],
        "rows": rows,
    }
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "qa_eval.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")
    md = ["# 问答基准（qa_eval）", "",
          f"- 题目：{len(rows)}，文档：{result['documents']}，嵌入模型：{result['embedding_model'] or '无（仅关键词检索）'}",
          f"- 总体准确率：{result['overall_accuracy']:.1%}；段落题 recall@5：{result['passage_recall_at_5']:.1%}",
          f"- 延迟（不含大模型）：p50 {result['latency_ms']['p50']} ms，p95 {result['latency_ms']['p95']} ms",
          "", "| 题型 | 题数 | 正确 | 准确率 |", "|---|---|---|---|"]
    for k, v in per_kind.items():
        md.append(f"| {k} | {v['n']} | {v['correct']} | {v['accuracy']:.1%} |")
    for name, kinds_ in by_set.items():
        md.append("")
        md.append(f"{SET_LABELS.get(name, f'{name} 集')}：" + "，".join(
            f"{k} {v['correct']}/{v['n']}" for k, v in kinds_.items()))
    if result["failures"]:
        md += ["", "## 未通过", ""]
        for r in result["failures"]:
            md.append(f"- [{r['kind']}/{r['set']}] {r['question']} — {r['why']}（route={r['route']}）")
    (out_dir / "qa_eval.md").write_text("\n".join(md) + "\n", "utf-8")
    print("\n".join(md))
    svc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
