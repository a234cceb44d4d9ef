"""Measure the labeling loop: audit precision on flipped labels, and suggest vs random.

Usage::

    python benchmarks/labeling_loop.py

1. Flip 5% of data/labels.csv to another label (seed 0) and run the audit on
   the noisy file: precision and recall of its top-k flags (k = flipped).
2. On the seed folds of dimtag.learn.cv (one seed document held out, the other
   four documents the unlabeled pool), a model trained on 30% of the written items gets 40
   suggested or 40 random pool sentences (seed 0); macro-F1 on the held-out
   document, per fold and on average.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from dimtag import Tagger
from dimtag.dimensions import LABELS
from dimtag.fitting import Config
from dimtag.learn import cv
from dimtag.learn.curation import audit, pick_uncertain
from dimtag.learn.labels import read_labels

REPO = Path(__file__).resolve().parents[1]
CONFIG = Config()


def fit(train):
    return Tagger(**CONFIG.to_dict()).fit([i.text for i in train], [i.dimension for i in train])


def main() -> None:
    items = read_labels(REPO / "data" / "labels.csv")
    rng = random.Random(0)
    flipped = set(rng.sample(range(len(items)), len(items) // 20))
    noisy = [replace(it, dimension=rng.choice([d for d in LABELS if d != it.dimension])) if i in flipped else it for i, it in enumerate(items)]
    ranked = audit(noisy, CONFIG)
    flipped_texts = {items[i].text for i in flipped}
    k = len(flipped)
    hits = sum(r.item.text in flipped_texts for r in ranked[:k])
    print(f"audit: {k} labels flipped; {len(ranked)} flagged; top-{k} precision {hits / k:.3f}; "
          f"recall in all flags {sum(r.item.text in flipped_texts for r in ranked) / k:.3f}")
    authored = [it for it in items if it.origin == "authored"]
    base = [it for n, it in enumerate(authored) if random.Random(n).random() < 0.3]
    gains = []
    seed = cv.tested_by(items, "seed")
    for fold in cv.folds(items):
        if not seed[fold.test].any():
            continue
        held_out = items[fold.test[0]].source
        test = [items[i] for i in fold.test if items[i].dimension != "none"]
        pool = [items[i] for i in fold.train if seed[i]]
        by_text = {it.text: it for it in pool}
        suggested = [by_text[r["text"]] for r in pick_uncertain([{"text": i.text, "source": i.source} for i in pool], 40, base, fit(base))]
        randomly = random.Random(0).sample(pool, len(suggested))
        truth = [it.dimension for it in test]
        f = [f1_score(truth, [str(d) for d in fit(base + extra).tag([i.text for i in test])], average="macro") for extra in (suggested, randomly)]
        gains.append(f)
        print(f"suggest vs random, held out {held_out[:3]}: macro-F1 {f[0]:.3f} vs {f[1]:.3f}")
    mean = np.mean(gains, axis=0)
    print(f"suggest vs random, mean of {len(gains)} grouped folds: {mean[0]:.3f} vs {mean[1]:.3f} (gain {mean[0] - mean[1]:+.3f})")


if __name__ == "__main__":
    sys.exit(main())
