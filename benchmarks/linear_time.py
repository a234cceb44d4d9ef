"""Time of clean() and segment() against input size, for normal and pathological text.

Usage: ``python benchmarks/linear_time.py [--max-mb 10] [--out benchmarks/LINEAR_TIME.md]``

Each input is built to a size (UTF-8 bytes) of 10 KB, 100 KB, 1 MB and 10 MB
by repeating a unit. Linear time shows as a constant time per MB down each
column. Before the rewrite, "学" + "," * 16,000 (16 KB) took 36 s in
clean(), and 200,000 一是 points took 131 s in segment().
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from dimtag.cleaning import clean  # noqa: E402
from dimtag.segmentation import segment  # noqa: E402

# A small document written for this benchmark, repeated for the normal case.
NORMAL = (
    "关于开展专题组织生活会的个人对照检查材料\n"
    "按照支部安排，我认真对照要求查摆问题，现报告如下：\n"
    "一、存在的问题\n"
    "（一）理论学习方面\n"
    "一是学习的系统性不强，满足于读报纸、看通知，读原著少。二是学用结合不紧，遇到难题很少想到从理论中找方法。\n"
    "（二）工作作风方面\n"
    "2.调查研究不够深入。下基层时间少，听汇报多，和群众面对面交流少，了解情况不够全面。\n"
    "宗旨意识淡薄。\n"
    "对群众反映的问题有时拖着不办，解释工作做得不细，个别群众因此多次来访，影响了单位的形象。\n"
    "以上发言，请同志们批评指正。\n"
)
SHAPES: dict[str, str] = {
    "normal document": NORMAL,
    "学 + commas (one line)": ",",
    "一是 points (one line)": "一是学习不够。",
    "一是 points (one a line)": "一是学习不够。\n",
    "spaces and commas": " , ",
    "one line, no punctuation": "学习",
    "headings only": "（一）理论学习方面\n",
    "nested markers": "1.（1）①一是第一，",
    "blank lines": "\n\n\n学\n",
    "pinyin annotations": "学（xué）习（xí）",
    "promotion words": "关注微信公众号下载",
}
SIZES = [10_000, 100_000, 1_000_000, 10_000_000]


def build(unit: str, size: int, shape: str) -> str:
    """Repeat ``unit`` up to about ``size`` UTF-8 bytes."""
    n = max(1, size // len(unit.encode("utf-8")))
    text = unit * n
    return "学" + text if shape.startswith("学") else text


def timed(fn, arg) -> tuple[float, object]:
    """CPU seconds of one call: the machine is shared, and wall time would measure the neighbours."""
    start = time.process_time()
    out = fn(arg)
    return time.process_time() - start, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-mb", type=float, default=10.0, help="largest input, in MB")
    parser.add_argument("--out", help="also write the Markdown table here")
    args = parser.parse_args(argv)
    sizes = [s for s in SIZES if s <= args.max_mb * 1_000_000]
    header = "| input | " + " | ".join(f"{s // 1000:,} KB" for s in sizes) + " | s/MB at the largest |"
    lines = [
        f"Command: `python benchmarks/linear_time.py` · {platform.machine()}, Python {platform.python_version()}",
        "",
        "CPU seconds of clean() / segment() (process time; the machine is shared):",
        "",
        header,
        "|" + "---|" * (len(sizes) + 2),
    ]
    print("\n".join(lines), flush=True)
    for shape, unit in SHAPES.items():
        cells = []
        per_mb = 0.0
        for size in sizes:
            raw = build(unit, size, shape)
            t_clean, cleaned = timed(clean, raw)
            t_seg, _ = timed(segment, cleaned)
            cells.append(f"{t_clean:.2f} / {t_seg:.2f}")
            per_mb = (t_clean + t_seg) / (len(raw.encode("utf-8")) / 1e6)
        row = f"| {shape} | " + " | ".join(cells) + f" | {per_mb:.2f} |"
        lines.append(row)
        print(row, flush=True)
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
