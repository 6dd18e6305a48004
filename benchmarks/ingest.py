"""Extraction time on the sample PDFs vs raw pdfplumber (text + tables, all pages), same run.

Usage: .venv/bin/python benchmarks/ingest.py [--repeat N]
Writes benchmarks/results/ingest.json and benchmarks/results/ingest.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT.parent / "shared" / "samples" / "pdf"
OUT = ROOT / "benchmarks" / "results"


def raw_pdfplumber(path: Path) -> int:
    """The baseline: pdfplumber text and tables of every page, nothing else."""
    import pdfplumber

    n = 0
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            for t in page.extract_tables():
                n += len(t)
    return n


def ours(path: Path) -> int:
    from assistant.pipeline import load_document
    from assistant.settings import Settings

    doc = load_document(path, Settings(ocr=False))
    return sum(len(t.rows) for t in doc.tables)


def best_of(fn, path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = sorted(SAMPLES.glob("*.pdf"))
    ours(files[0])  # warm imports
    raw_pdfplumber(files[0])
    rows = []
    for f in files:
        import pdfplumber

        with pdfplumber.open(str(f)) as pdf:
            pages = len(pdf.pages)
        base = best_of(raw_pdfplumber, f, args.repeat)
        mine = best_of(ours, f, args.repeat)
        rows.append({"file": f.name, "pages": pages, "raw_pdfplumber_s": round(base, 3), "ours_s": round(mine, 3),
                     "ratio": round(mine / base, 2)})
        print(f"{f.name}: {pages} pages, raw {base:.2f}s, ours {mine:.2f}s, ×{mine / base:.2f}")
    total_base = sum(r["raw_pdfplumber_s"] for r in rows)
    total_ours = sum(r["ours_s"] for r in rows)
    total_pages = sum(r["pages"] for r in rows)
    result = {
        "benchmark": "ingest (read + extract, no OCR, no index) vs raw pdfplumber text+tables",
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
        "repeat": args.repeat,
        "files": rows,
        "total": {"pages": total_pages, "raw_pdfplumber_s": round(total_base, 3), "ours_s": round(total_ours, 3),
                  "ratio": round(total_ours / total_base, 2),
                  "ours_ms_per_page": round(1000 * total_ours / total_pages, 1),
                  "raw_ms_per_page": round(1000 * total_base / total_pages, 1),
                  "median_ratio": statistics.median(r["ratio"] for r in rows)},
        "target": "ratio ≤ 1.5",
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ingest.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    md = ["| file | pages | raw pdfplumber (s) | ours (s) | ratio |", "|---|---:|---:|---:|---:|"]
    md += [f"| {r['file']} | {r['pages']} | {r['raw_pdfplumber_s']} | {r['ours_s']} | {r['ratio']} |" for r in rows]
    t = result["total"]
    md.append(f"| **total** | {t['pages']} | {t['raw_pdfplumber_s']} | {t['ours_s']} | **{t['ratio']}** |")
    (OUT / "ingest.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print(f"total: raw {total_base:.2f}s, ours {total_ours:.2f}s, ratio {total_ours / total_base:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
