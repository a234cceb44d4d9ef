"""Does another sentence model read new voices better? Dimension accuracy on held-out writers' speaking items.

Usage::

    python benchmarks/sentence_variants.py            # Markdown table (about ten minutes on 2 cores)

The document figure of issue 18 (``benchmarks/documents.py``) is held back
mostly by the dimension of items under no aspect heading, where the
sentence model decides. This measures the sentence model alone, quickly:
three folds of six document writers each are held out of ``data/labels.csv``
in turn, a tagger is fitted on the rest, and each held-out item whose role
speaks (problem, cause, measure, positive) is read alone; the score is the
share whose best dimension is the writer's. Each row changes one thing of
the shipped configuration (``Config()``) or of its training data.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from dimtag import Tagger
from dimtag.decision import restrict
from dimtag.fitting import Config
from dimtag.learn.labels import LabeledItem, read_labels
from dimtag.roles import OTHER

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "data" / "labels.csv"
#: Three held-out groups of six document writers: the newest round, and two of the earlier ones.
FOLDS = (
    ("w29", "w30", "w31", "w32", "w33", "w34"),
    ("w11", "w12", "w13", "w14", "w15", "w16"),
    ("w17", "w18", "w19", "w20", "w21", "w22"),
)
#: The writers of single sentences (1.0.0 and 2.0.0), before the document writers.
ITEM_WRITERS = frozenset(f"w{i}" for i in range(9))


def _speaks(item: LabeledItem) -> bool:
    return item.role not in ("", OTHER) and item.dimension != "none"


#: name -> (tagger parameters, training-data filter, whether the tagger gets roles)
Variant = tuple[dict[str, object], Callable[[LabeledItem], bool], bool]
VARIANTS: dict[str, Variant] = {
    "shipped (char 1–3, svc, C=1, balanced)": ({}, lambda it: True, True),
    "C=0.3": ({"C": 0.3}, lambda it: True, True),
    "C=0.5": ({"C": 0.5}, lambda it: True, True),
    "C=2": ({"C": 2.0}, lambda it: True, True),
    "char 1–4, C=0.5": ({"features": "char14", "C": 0.5}, lambda it: True, True),
    "char 1–3 + words": ({"features": "char13+word"}, lambda it: True, True),
    "logistic regression, C=10": ({"clf": "lr", "C": 10.0}, lambda it: True, True),
    "logistic regression, C=30": ({"clf": "lr", "C": 30.0}, lambda it: True, True),
    "class weights off": ({"class_weight": None}, lambda it: True, True),
    "trained on speaking items only": ({}, _speaks, False),
    "without the sentence writers w0–w8": ({}, lambda it: it.writer not in ITEM_WRITERS, True),
}


def score(items: Sequence[LabeledItem], variant: Variant) -> list[float]:
    """The variant's accuracy on each fold's held-out speaking items."""
    params, keep, with_roles = variant
    out = []
    for fold in FOLDS:
        train = [it for it in items if it.writer not in fold and keep(it)]
        test = [it for it in items if it.writer in fold and _speaks(it)]
        tagger = Tagger(**{**Config().to_dict(), **params}).fit(
            [it.text for it in train], [it.dimension for it in train], roles=[it.role for it in train] if with_roles else None
        )
        labels = [str(label) for label in tagger.labels_]
        own = restrict(tagger.predict_proba([it.text for it in test]), [tagger.classes_.index(lab) for lab in labels])
        best = np.asarray(labels, dtype=object)[own.argmax(axis=1)]
        out.append(float(np.mean(best == np.asarray([it.dimension for it in test], dtype=object))))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sentence-model variants on held-out writers' speaking items.")
    parser.add_argument("--only", nargs="*", help="only the variants whose name starts with one of these")
    args = parser.parse_args(argv)
    items = read_labels(LABELS)
    lines = ["| variant | " + " | ".join("held out " + f"{f[0]}–{f[-1]}" for f in FOLDS) + " | mean |",
             "|---|" + "---:|" * (len(FOLDS) + 1)]
    for name, variant in VARIANTS.items():
        if args.only and not any(name.startswith(o) for o in args.only):
            continue
        accs = score(items, variant)
        lines.append(f"| {name} | " + " | ".join(f"{a:.3f}" for a in accs) + f" | {np.mean(accs):.3f} |")
        sys.stderr.write(lines[-1] + "\n")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
