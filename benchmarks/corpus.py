"""A generated corpus of N reports derived from the samples, for the scale benchmarks (not committed).

Text exports are varied consistently: the department/organisation names get a per-report suffix and
the report year moves by whole years everywhere (a four-digit year standing alone, never inside a
科目编码). Sample PDFs are copied with a per-report document-info entry so that each copy is a distinct
file (different content hash) whose pages are the sample's own.

Usage: .venv/bin/python benchmarks/corpus.py --n 1000 --out benchmarks/.cache/corpus
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples"

_ORG = re.compile(r"(景德镇市昌南新区党政办|赣州蓉江新区政务服务中心|信丰高新区|青云谱新经济产业集聚区|赣州经开区|赣州经济技术开发区)")
_YEAR = re.compile(r"(?<!\d)(20[12]\d)(?=\s*年)")
_DISTRICTS = ["东湖", "西湖", "青山湖", "新建", "南昌", "安义", "进贤", "浔阳", "濂溪", "湘东", "芦溪", "渝水",
              "章贡", "南康", "赣县", "信丰", "大余", "上犹", "崇义", "安远"]


def vary_text(text: str, i: int) -> str:
    """Return the text of report ``i``: names suffixed, years shifted by −(i mod 5)."""
    district = _DISTRICTS[i % len(_DISTRICTS)]
    shift = i % 5
    text = _ORG.sub(lambda m: f"{district}{m.group(1)}{i:04d}", text)
    return _YEAR.sub(lambda m: str(int(m.group(1)) - shift), text)


def vary_pdf(src: Path, dst: Path, i: int) -> None:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(str(src)))
    w.add_metadata({"/Title": f"corpus report {i}", "/Subject": f"variant {i}"})
    with open(dst, "wb") as fh:
        w.write(fh)


def build(n: int, out: Path, pdf_share: float = 0.2) -> list[Path]:
    """Build (or reuse) ``n`` reports under ``out``; return their paths in order."""
    out.mkdir(parents=True, exist_ok=True)
    texts = sorted((SAMPLES / "text").glob("*.txt"))
    pdfs = sorted((SAMPLES / "pdf").glob("*.pdf"))
    n_pdf = int(n * pdf_share)
    paths: list[Path] = []
    k_text = 0
    for i in range(n):
        if i % int(1 / pdf_share) == 0 and n_pdf > 0:
            src = pdfs[(i // int(1 / pdf_share)) % len(pdfs)]
            dst = out / f"r{i:04d}_{src.stem[:10]}.pdf"
            if not dst.exists():
                vary_pdf(src, dst, i)
            n_pdf -= 1
        else:
            src = texts[k_text % len(texts)]
            k_text += 1
            dst = out / f"r{i:04d}_{src.stem[:12]}.txt"
            if not dst.exists():
                dst.write_text(vary_text(src.read_text(encoding="utf-8"), i), encoding="utf-8")
        paths.append(dst)
    return paths


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / ".cache" / "corpus"))
    args = ap.parse_args()
    paths = build(args.n, Path(args.out))
    print(f"{len(paths)} reports in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
