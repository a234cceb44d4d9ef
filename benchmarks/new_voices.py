"""How well does a model trained on some writers read writers it never saw?

Usage::

    python benchmarks/new_voices.py [--train seed,w0]

Trains the shipped configuration on the items of the given writers (default:
``seed`` and ``w0``, the data of dimtag 1.0.0) and scores the best-of-six
answer on every other writer's items (none items left out): accuracy and
macro-F1, overall and per held-out writer.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

from dimtag.decision import restrict
from dimtag.dimensions import NONE_LABEL
from dimtag.fitting import Config, fit_pipeline
from dimtag.learn.labels import read_labels

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", default="seed,w0", help="comma-separated writer ids to train on")
    args = parser.parse_args()
    chosen = set(args.train.split(","))
    items = read_labels(REPO / "data" / "labels.csv")
    train = [it for it in items if it.writer in chosen]
    test = [it for it in items if it.writer not in chosen and it.origin == "authored" and it.dimension != NONE_LABEL]
    pipeline = fit_pipeline([it.text for it in train], [it.dimension for it in train], Config())
    classes = [str(c) for c in pipeline.classes_]
    cols = [i for i, c in enumerate(classes) if c != NONE_LABEL]
    best = restrict(pipeline.predict_proba([it.text for it in test]), cols).argmax(axis=1)
    pred = [classes[cols[i]] for i in best]
    truth = [it.dimension for it in test]
    print(f"trained on {sorted(chosen)} ({len(train)} items); tested on {len(test)} items of other writers")
    print(f"overall: accuracy {accuracy_score(truth, pred):.3f}, macro-F1 {f1_score(truth, pred, average='macro'):.3f}")
    for writer in sorted({it.writer for it in test}):
        idx = [i for i, it in enumerate(test) if it.writer == writer]
        t, p = [truth[i] for i in idx], [pred[i] for i in idx]
        print(f"  {writer}: accuracy {accuracy_score(t, p):.3f}, macro-F1 {f1_score(t, p, average='macro'):.3f} ({len(idx)} items)")


if __name__ == "__main__":
    main()
