"""Growing labels.csv: audit suspicious labels, suggest what to label next, merge.

- :func:`audit` finds labels the model finds unlikely, by confident learning
  on out-of-fold probabilities (folds grouped by source document).
- :func:`suggest` picks the sentences of new documents that the model is
  least sure of, spread across dimensions and documents, without near-duplicates.
- :func:`merge` appends confirmed rows and applies confirmed relabels, with
  validation.

Implemented with numpy and scikit-learn only (no cleanlab, which is AGPL).
"""

from __future__ import annotations

import csv
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._atomic import atomic_write
from ..dimensions import LABELS
from ..errors import DocumentError
from ..tagger import Tagger, default_tagger
from . import cv
from .export import from_pipeline
from .extraction import extract_items
from .labels import COLUMNS, LabeledItem, LabelsError, read_labels
from .pipeline import Config

__all__ = ["AuditRow", "audit", "suggest", "pick_uncertain", "merge", "near_duplicate", "near_duplicate_pairs", "NEAR_DUPLICATE", "write_csv", "CONFIRMED_VALUES"]

#: Character-trigram Jaccard at which two texts count as near-duplicates.
NEAR_DUPLICATE = 0.6
#: Values of the ``confirmed`` column that mean yes.
CONFIRMED_VALUES = {"1", "y", "yes", "x", "true", "ok", "✓", "是", "对"}


@dataclass(frozen=True)
class AuditRow:
    """A label the model finds unlikely."""

    item: LabeledItem
    suggested: str
    p_label: float
    p_suggested: float
    why: str


def audit(items: Sequence[LabeledItem], config: Config | None = None, top: int | None = None) -> list[AuditRow]:
    """Rank the labels that are probably wrong (confident learning).

    Per-class thresholds are the mean out-of-fold probability of each class
    over the items labeled with it. An item is flagged when its given label
    falls below that label's threshold while another class reaches its own;
    the suggested label is the most probable such class. Flags are ranked by
    the probability of the given label, lowest first.
    """
    config = config or Config.from_dict(default_tagger().metadata_.config)
    if len({it.group for it in items}) < 2:
        raise LabelsError("audit needs items from at least two groups (seed documents or writers) to hold one out")
    result = cv.oof(items, config, keep_models=True)
    proba, classes = result.proba, result.classes
    fold_taggers = [Tagger.from_model(from_pipeline(m)) for m in result.models]
    given = np.array([classes.index(it.dimension) for it in items])
    thresholds = np.array([proba[given == k, k].mean() if (given == k).any() else 1.0 for k in range(len(classes))])
    rows = []
    for i, it in enumerate(items):
        k = given[i]
        confident = [j for j in range(len(classes)) if j != k and proba[i, j] >= thresholds[j]]
        if proba[i, k] >= thresholds[k] or not confident:
            continue
        j = max(confident, key=lambda c: proba[i, c])
        why = _why(fold_taggers[result.fold_of[i]], it.text)
        rows.append(AuditRow(it, classes[j], float(proba[i, k]), float(proba[i, j]), why))
    rows.sort(key=lambda r: (r.p_label, -r.p_suggested))
    return rows[:top] if top else rows


def _why(tagger: Tagger, text: str) -> str:
    if not text.strip():
        return ""
    e = tagger.explain(text, top=4)
    return " ".join(f"{t}({w:+.2f})" for t, w in e.terms)


def _grams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(max(len(text) - 2, 1))}


def near_duplicate(a: set[str], b: set[str], threshold: float = NEAR_DUPLICATE) -> bool:
    """Character-trigram Jaccard similarity at or above ``threshold``."""
    return bool(a and b) and len(a & b) / len(a | b) >= threshold


def near_duplicate_pairs(texts: Sequence[str], threshold: float = NEAR_DUPLICATE) -> list[tuple[int, int, float]]:
    """All pairs ``(i, j, jaccard)`` with ``i < j`` whose character-trigram Jaccard is at least ``threshold``.

    An inverted index of trigrams finds the candidates, so the cost follows
    the pairs that share trigrams, not the square of the list.
    """
    grams = [_grams(t) for t in texts]
    index: dict[str, list[int]] = defaultdict(list)
    pairs = []
    for j, g in enumerate(grams):
        shared: dict[int, int] = defaultdict(int)
        for gram in g:
            for i in index[gram]:
                shared[i] += 1
            index[gram].append(j)
        for i, n in shared.items():
            # |A ∩ B| / |A ∪ B| ≥ t needs |A ∩ B| ≥ t * max(|A|, |B|).
            if n >= threshold * max(len(grams[i]), len(g)):
                score = n / (len(grams[i]) + len(g) - n)
                if score >= threshold:
                    pairs.append((i, j, round(score, 4)))
    return sorted(pairs)


def suggest(
    sources: Iterable[str | os.PathLike[str]],
    n: int = 50,
    known: Sequence[LabeledItem] = (),
    tagger: Tagger | None = None,
    errors: list[str] | None = None,
) -> list[dict[str, str]]:
    """Pick the ``n`` items of new documents the model is least sure of.

    A document that cannot be read raises :class:`DocumentError`, unless an
    ``errors`` list is given: then its message is appended and it is skipped.

    Returns rows in the labels.csv format, with ``dimension`` pre-filled by
    the model's guess, an empty ``confirmed`` column and the ``entropy``
    (see :func:`pick_uncertain`).
    """
    tagger = tagger or default_tagger()
    rows: list[dict[str, str]] = []
    for source in sources:
        try:
            rows += [r for r in extract_items(Path(source), tagger=tagger, origin="collected") if r["kind"] == "item"]
        except DocumentError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
    return pick_uncertain(rows, n, known, tagger)


def pick_uncertain(
    rows: Sequence[dict[str, str]], n: int, known: Sequence[LabeledItem] = (), tagger: Tagger | None = None
) -> list[dict[str, str]]:
    """Uncertainty sampling spread across dimensions and documents.

    Uncertainty is the entropy of the predicted distribution (``none``
    included); it beat the top-two margin and random picks in a grouped
    experiment (benchmarks/labeling_loop.py). Picks go round-robin over the predicted dimensions, and within
    a dimension to the document whose next candidate is least certain; items
    already labeled, and near-duplicates (character-trigram Jaccard ≥ 0.6) of
    a pick or of a labeled item, are skipped.
    """
    tagger = tagger or default_tagger()
    if not rows:
        return []
    full = tagger.predict_proba([r["text"] for r in rows])
    entropy = -(full * np.log(np.clip(full, 1e-12, 1.0))).sum(axis=1)
    queues: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for i in np.argsort(-entropy, kind="stable"):
        guess = tagger.classes_[int(full[i].argmax())]
        row = {**rows[i], "dimension": guess, "confirmed": "", "entropy": f"{entropy[i]:.4f}"}
        queues[guess][row.get("source", "")].append(row)
    labeled = {it.text for it in known}
    known_grams = [_grams(it.text) for it in known]
    picked: list[dict[str, str]] = []
    picked_grams: list[set[str]] = []
    while len(picked) < n and any(q for docs in queues.values() for q in docs.values()):
        for dim in sorted(queues):
            docs = queues[dim]
            live = [s for s in docs if docs[s]]
            if not live:
                continue
            source = max(live, key=lambda s: float(docs[s][0]["entropy"]))
            while docs[source]:
                row = docs[source].pop(0)
                grams = _grams(row["text"])
                if row["text"] in labeled or any(near_duplicate(grams, g) for g in picked_grams + known_grams):
                    continue
                picked.append(row)
                picked_grams.append(grams)
                break
            if len(picked) >= n:
                break
    return picked


def write_csv(rows: Sequence[dict[str, Any]], path: str | os.PathLike[str] | None, columns: Sequence[str]) -> None:
    """Write rows atomically (temp file, then rename); ``None`` writes to stdout."""
    with atomic_write(path) if path is not None else nullcontext(sys.stdout) as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def merge(labels_path: str | os.PathLike[str], updates_path: str | os.PathLike[str]) -> dict[str, int]:
    """Apply the confirmed rows of an audit or suggest CSV to labels.csv.

    A confirmed row whose text is already labeled sets its ``dimension``
    (a relabel from ``dimtag audit``); any other confirmed row is appended
    (a new item from ``dimtag suggest``). Rows without a confirmation are
    ignored. Everything is validated before labels.csv is rewritten,
    atomically.

    Raises
    ------
    LabelsError
        A missing column, an unknown label, origin or empty text in a
        confirmed row, or a text confirmed twice; labels.csv is untouched.
    """
    labels_path = Path(labels_path)
    items = read_labels(labels_path)
    with open(updates_path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("text", "dimension", "confirmed") if c not in (reader.fieldnames or [])]
        if missing:
            raise LabelsError(f"{updates_path}: missing column(s) {', '.join(missing)}")
        confirmed = [(reader.line_num, row) for row in reader if (row.get("confirmed") or "").strip().lower() in CONFIRMED_VALUES]
    by_text = {it.text: i for i, it in enumerate(items)}
    rows = [{c: getattr(it, c) for c in COLUMNS} for it in items]
    seen: set[str] = set()
    counts = {"relabeled": 0, "unchanged": 0, "appended": 0}
    for line, row in confirmed:
        text, dimension = (row.get("text") or "").strip(), (row.get("dimension") or "").strip()
        if not text:
            raise LabelsError(f"{updates_path}:{line}: empty text")
        if dimension not in LABELS:
            raise LabelsError(f"{updates_path}:{line}: unknown dimension {dimension!r} (allowed: {', '.join(LABELS)})")
        if text in seen:
            raise LabelsError(f"{updates_path}:{line}: text confirmed twice: {text[:40]!r}")
        seen.add(text)
        if text in by_text:
            target = rows[by_text[text]]
            counts["relabeled" if target["dimension"] != dimension else "unchanged"] += 1
            target["dimension"] = dimension
            continue
        origin = (row.get("origin") or "collected").strip()
        source = (row.get("source") or "").strip() or ("authored" if origin == "authored" else "")
        new = {c: (row.get(c) or "").strip() for c in COLUMNS}
        new.update(text=text, dimension=dimension, origin=origin, source=source, kind=new["kind"] or "item")
        rows.append(new)
        counts["appended"] += 1
    # The whole file must still validate before it replaces labels.csv.
    with atomic_write(labels_path, check=read_labels) as fh:
        # csv's default CRLF line ends, as labels.csv has them.
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return counts
