"""When does `dimtag tag --jobs -1` beat one process? The size behind ``dimtag.cli.workers.PARALLEL_MIN_BYTES``.

Usage::

    python benchmarks/jobs.py                 # folders of 2 to 400 documents
    python benchmarks/jobs.py 10 100 1000     # other numbers of documents

Each folder holds generated documents of about 9 KB (the eight example materials, shuffled). For each
folder, in the same session, two fresh `dimtag tag --format jsonl` processes run: one process
(``--jobs 1``) and all cores (``--jobs -1``, with the size threshold switched off so that the workers
really start). The ratio of their wall times is what counts (over 1: the workers are slower); the
absolute times depend on the machine. The threshold is the smallest size from which the workers win.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MATERIALS = REPO / "examples" / "materials"
# Runs the CLI with the threshold off, so that --jobs -1 always starts its workers.
_FORCED = "import sys, dimtag.cli as c, dimtag.cli.workers as w; w.PARALLEL_MIN_BYTES = 0; sys.exit(c.main(sys.argv[1:]))"


def make_folder(folder: Path, n: int, seed: int = 0) -> int:
    """Write ``n`` documents of shuffled example paragraphs; return their total bytes."""
    rng = random.Random(seed)
    paragraphs = [p for f in sorted(MATERIALS.glob("*.txt")) for p in f.read_text(encoding="utf-8").splitlines() if p.strip()]
    total = 0
    for i in range(n):
        text = "\n".join(rng.sample(paragraphs, min(40, len(paragraphs))))
        path = folder / f"{i:05}.txt"
        path.write_text(text, encoding="utf-8")
        total += path.stat().st_size
    return total


def wall(args: list[str], forced: bool) -> float:
    command = [sys.executable, "-c", _FORCED, *args] if forced else [sys.executable, "-m", "dimtag", *args]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    return time.perf_counter() - start


def main(sizes: list[int]) -> None:
    print(f"{os.cpu_count()} cores; wall seconds of one run each, same session")
    print(f"{'documents':>9} {'KB':>8} {'--jobs 1':>9} {'--jobs -1':>10} {'ratio -1/1':>11}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            size = make_folder(folder, n)
            args = ["tag", "--format", "jsonl", "--no-progress", str(folder)]
            one = wall([*args, "--jobs", "1"], forced=False)
            many = wall([*args, "--jobs", "-1"], forced=True)
            print(f"{n:>9} {size / 1024:>8.0f} {one:>9.2f} {many:>10.2f} {many / one:>11.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2, 10, 50, 100, 200, 400])
