"""Peak memory of `dimtag tag` over folders of 200 and 2,000 generated documents.

Usage::

    python benchmarks/memory.py            # 200 and 2000 documents
    python benchmarks/memory.py 200 20000  # other sizes

Each document is built from labeled items in the layout of a real material
(title, part and section headings, enumerated points). Every size runs in a
fresh `dimtag tag --format jsonl` process whose output goes to /dev/null; the
peak RSS of each run is read from the kernel (getrusage of the child). Flat
memory means the ratio between sizes stays near 1.
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NUMS = "一二三四五六"
ZH = ["理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律"]


def _texts() -> list[str]:
    with open(REPO / "data" / "labels.csv", encoding="utf-8", newline="") as fh:
        return [r["text"] for r in csv.DictReader(fh) if r["kind"] == "item" and r["dimension"] != "none"]


def make_documents(folder: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    texts = _texts()
    for i in range(n):
        lines = [f"第{i}号对照检查材料", "一、存在的问题"]
        for k, zh in enumerate(ZH):
            points = "".join(f"{p}是{rng.choice(texts)}" for p in NUMS[: rng.randint(1, 3)])
            lines.append(f"（{NUMS[k]}）在{zh}方面。{points}")
        lines += ["二、原因分析"] + [rng.choice(texts) for _ in range(3)]
        (folder / f"doc{i:06d}.txt").write_text("\n".join(lines), encoding="utf-8")


def _dimtag() -> list[str]:
    return [sys.executable, "-m", "dimtag"]


def peak_rss_mb(folder: Path) -> tuple[float, float]:
    """Run dimtag over a folder in a fresh process; return (peak RSS MB, seconds)."""
    code = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *_dimtag(), "tag", "--format", "jsonl", str(folder)],
                         capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024, time.perf_counter() - start


def main(sizes: list[int]) -> None:
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(f"{'documents':>10} {'sentences':>10} {'peak RSS MB':>12} {'seconds':>8}")
    base = None
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            make_documents(Path(tmp), n)
            rss, secs = peak_rss_mb(Path(tmp))
            sentences = subprocess.run([*_dimtag(), "tag", "--format", "jsonl", tmp], capture_output=True).stdout.count(b"\n")
        base = base or rss
        print(f"{n:>10} {sentences:>10} {rss:>12.1f} {secs:>8.1f}   ratio to first: {rss / base:.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [200, 2000])
