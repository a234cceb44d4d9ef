"""Throughput of 3.0 (two heads and the learned decision) against 2.0.0, in one run.

Usage::

    python benchmarks/roles_speed.py

Measures, best of 5 in this process, the two models taking turns (so that a machine slowing down or
speeding up in between does not favour either), on the same inputs:

- sentences: ``tag(list)`` over 20,000 sentences (dimension only, as in 2.0.0);
- sentences with roles: ``tag(list, abstain=True)``, which also reads the role (3.0 only;
  2.0.0's abstention reads its ``none`` class);
- documents: ``tag_document`` over the annotated documents' texts.

Only the ratios mean anything on a shared machine.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import labeled_rows, make_sentences  # noqa: E402
from documents import SOURCES, baseline_tagger  # noqa: E402

from dimtag import Tagger, tag_document  # noqa: E402
from dimtag.learn.documents import read_corpus  # noqa: E402


def _best_pair(old, new, repeats: int = 5) -> tuple[float, float]:
    """Best time of each of two callables, run in turn, so that both see the machine at the same moments."""
    best = [float("inf"), float("inf")]
    for _ in range(repeats):
        for i, fn in enumerate((old, new)):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best[0], best[1]


def main() -> int:
    sentences = make_sentences(labeled_rows())
    texts = [d.text for d in read_corpus(SOURCES)]
    old, new = baseline_tagger(), Tagger.load()
    rows = []
    for name, run in (
        ("sentences: tag(list)", lambda t: t.tag(sentences)),
        ("sentences: tag(list, abstain=True)", lambda t: t.tag(sentences, abstain=True)),
        ("documents: tag_document", lambda t: [tag_document(x, tagger=t) for x in texts]),
    ):
        t_old, t_new = _best_pair(lambda run=run: run(old), lambda run=run: run(new))
        n = len(sentences) if name.startswith("sentences") else len(texts)
        rows.append((name, n / t_old, n / t_new, t_new / t_old))
    print("| workload | 2.0.0 per second | 3.0 per second | time ratio 3.0 / 2.0.0 |")
    print("|---|---:|---:|---:|")
    for name, a, b, ratio in rows:
        print(f"| {name} | {a:,.0f} | {b:,.0f} | {ratio:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
