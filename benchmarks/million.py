"""Tag a million sentences through Tagger.iter_tag and show that memory stays flat.

Usage::

    python benchmarks/million.py            # 100,000 then 1,000,000 sentences

Sentences are generated on the fly (never held in a list), tagged in chunks,
and counted; each size runs in a fresh process whose peak RSS is reported.
"""

from __future__ import annotations

import subprocess
import sys

CODE = r"""
import itertools, resource, sys, time
sys.path.insert(0, sys.argv[2])
from bench import labeled_rows
from dimtag import Tagger
rows = [r["text"] for r in labeled_rows()]
n = int(sys.argv[1])
stream = (rows[i % len(rows)] + rows[(i * 7) % len(rows)] for i in range(n))
tagger = Tagger.load()
start = time.perf_counter()
count = sum(1 for _ in tagger.iter_tag(stream))
print(count, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def main(sizes: list[int]) -> None:
    here = str(__import__("pathlib").Path(__file__).resolve().parent)
    print(f"{'sentences':>10} {'seconds':>8} {'sent/s':>8} {'peak RSS MB':>12}")
    first = None
    for n in sizes:
        out = subprocess.run([sys.executable, "-c", CODE, str(n), here], capture_output=True, text=True, check=True).stdout.split()
        count, secs, rss = int(out[0]), float(out[1]), float(out[2])
        first = first or rss
        print(f"{count:>10,} {secs:>8.1f} {count / secs:>8,.0f} {rss:>12.1f}   ratio to first: {rss / first:.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000, 1_000_000])
