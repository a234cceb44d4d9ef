"""The one grouped cross-validation toolkit: folds, out-of-fold probabilities, scores.

Every labeled item belongs to one group (:attr:`LabeledItem.group`): its
source document for seed (and collected) items, its writer for written
items. A fold holds one group out and trains on all the others, so a
written item is only ever tested against a model that saw none of its
writer's items, and a seed sentence against one that saw none of its
document.

Two schemes read the same out-of-fold probabilities:

- ``seed``: leave-one-seed-document-out, tested on the seed items (real
  documents; the figure closest to what users see);
- ``writer``: leave-one-writer-out, tested on the written items.

Training, evaluation, curation, the notebook and the benchmarks all call
:func:`oof`; nothing else computes folds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..decision import restrict
from ..dimensions import NONE_LABEL
from ..errors import LabelsError
from ..fitting import Config, check_trainable, fit_pipeline
from .labels import LabeledItem

__all__ = ["Fold", "OOF", "Scheme", "SCHEMES", "folds", "check_folds", "oof", "scores", "confusion", "calibration", "tested_by"]

Scheme = Literal["seed", "writer"]
SCHEMES: tuple[Scheme, ...] = ("seed", "writer")


@dataclass(frozen=True)
class Fold:
    """One held-out group: the indices to train on and to test."""

    group: str
    train: np.ndarray
    test: np.ndarray


def folds(items: Sequence[LabeledItem]) -> list[Fold]:
    """One fold per group, in sorted group order."""
    groups = np.array([it.group for it in items])
    return [Fold(g, np.flatnonzero(groups != g), np.flatnonzero(groups == g)) for g in sorted(set(groups.tolist()))]


def check_folds(items: Sequence[LabeledItem], fold_list: Sequence[Fold] | None = None) -> None:
    """Refuse items that cannot be cross-validated, before any fit, saying what is missing.

    Raises
    ------
    LabelsError
        Fewer than two groups to hold out, or a fold whose training part
        lacks a second label or has too few items of one (see
        :func:`~dimtag.fitting.check_trainable`).
    """
    groups = sorted({it.group for it in items})
    if len(groups) < 2:
        found = f"all {len(items)} items are from {groups[0]}" if groups else "there are no items"
        raise LabelsError(
            f"cross-validation holds out one seed document or writer at a time and needs at least two; {found}"
        )
    labels = np.array([it.dimension for it in items])
    for fold in folds(items) if fold_list is None else fold_list:
        check_trainable(labels[fold.train].tolist(), f"with {fold.group} held out")


def tested_by(items: Sequence[LabeledItem], scheme: Scheme) -> np.ndarray:
    """Boolean mask of the items a scheme scores: seed items, or written items."""
    if scheme == "seed":
        return np.array([it.origin == "seed" for it in items], dtype=bool)
    return np.array([it.origin == "authored" for it in items], dtype=bool)


@dataclass(frozen=True)
class OOF:
    """Out-of-fold probabilities of every item.

    Attributes
    ----------
    proba : ndarray of shape (n_items, n_classes)
        Each row from the model of the fold that held the item out.
    classes : list of str
        Column order (sorted labels, ``none`` included).
    labels : ndarray of str
        The items' labels.
    fold_of : ndarray of int
        The fold index of each item.
    models : list
        The fitted fold pipelines, when ``keep_models`` was asked for.
    """

    proba: np.ndarray
    classes: list[str]
    labels: np.ndarray
    fold_of: np.ndarray
    models: list[Any]


def _fit_fold(texts: np.ndarray, labels: np.ndarray, fold: Fold, classes: list[str], config: Config) -> tuple[np.ndarray, Any]:
    pipeline = fit_pipeline(texts[fold.train].tolist(), labels[fold.train].tolist(), config)
    p = np.zeros((len(fold.test), len(classes)))
    p[:, [classes.index(str(c)) for c in pipeline.classes_]] = pipeline.predict_proba(texts[fold.test].tolist())
    return p, pipeline


def oof(
    items: Sequence[LabeledItem],
    config: Config,
    *,
    n_jobs: int = 1,
    only: np.ndarray | None = None,
    keep_models: bool = False,
) -> OOF:
    """Out-of-fold probabilities, one fold per group (see the module docstring).

    Parameters
    ----------
    items : sequence of LabeledItem
    config : Config
    n_jobs : int
        Folds fitted in parallel (joblib); the result does not depend on it.
    only : ndarray of bool, optional
        Fit only the folds that hold out at least one of these items (rows of
        other items stay zero): ``tested_by(items, "seed")`` costs five fits.
    keep_models : bool
        Keep the fold pipelines (for explanations).
    """
    from joblib import Parallel, delayed

    texts = np.array([it.text for it in items], dtype=object)
    labels = np.array([it.dimension for it in items])
    classes = sorted(set(labels.tolist()))
    fold_list = [f for f in folds(items) if only is None or only[f.test].any()]
    check_folds(items, fold_list)
    results = Parallel(n_jobs=n_jobs)(delayed(_fit_fold)(texts, labels, f, classes, config) for f in fold_list)
    proba = np.zeros((len(items), len(classes)))
    fold_of = np.full(len(items), -1)
    models = []
    for i, (fold, (p, pipeline)) in enumerate(zip(fold_list, results)):
        proba[fold.test] = p
        fold_of[fold.test] = i
        models.append(pipeline if keep_models else None)
    return OOF(proba, classes, labels, fold_of, models if keep_models else [])


def _six(result: OOF, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Truth and label-restricted probabilities of the masked items that have a label other than none."""
    dims = [i for i, c in enumerate(result.classes) if c != NONE_LABEL]
    keep = mask & (result.labels != NONE_LABEL) & (result.fold_of >= 0)
    return result.labels[keep], restrict(result.proba[keep], dims), [result.classes[i] for i in dims]


def scores(result: OOF, mask: np.ndarray) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-label P/R/F1 of the best non-none label, and none detection.

    Scores the items of ``mask`` (for example ``tested_by(items, "seed")``).
    """
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    truth, p, dims = _six(result, mask)
    pred = np.asarray(dims)[p.argmax(axis=1)] if len(truth) else np.array([], dtype=str)
    if not len(truth):
        return {"n_test": 0, "accuracy": 0.0, "macro_f1": 0.0, "per_class": {}}
    prec, rec, f1, support = precision_recall_fscore_support(truth, pred, labels=dims, zero_division=0)
    out: dict[str, Any] = {
        "n_test": int(len(truth)),
        "accuracy": round(float(accuracy_score(truth, pred)), 4),
        "macro_f1": round(float(f1_score(truth, pred, labels=dims, average="macro", zero_division=0)), 4),
        "per_class": {
            c: {"precision": round(float(prec[i]), 4), "recall": round(float(rec[i]), 4), "f1": round(float(f1[i]), 4), "support": int(support[i])}
            for i, c in enumerate(dims)
        },
    }
    if NONE_LABEL in result.classes:
        scored = mask & (result.fold_of >= 0)
        is_none = result.labels[scored] == NONE_LABEL
        said_none = result.proba[scored].argmax(axis=1) == result.classes.index(NONE_LABEL)
        hits = int((is_none & said_none).sum())
        out["none"] = {
            "support": int(is_none.sum()),
            "precision": round(hits / max(int(said_none.sum()), 1), 4),
            "recall": round(hits / max(int(is_none.sum()), 1), 4),
        }
    return out


def confusion(result: OOF, mask: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Confusion matrix of the masked items (rows: label, columns: prediction), over the non-none labels."""
    truth, p, dims = _six(result, mask)
    matrix = np.zeros((len(dims), len(dims)), dtype=int)
    for t, k in zip(truth, p.argmax(axis=1)):
        matrix[dims.index(t), k] += 1
    return dims, matrix


def calibration(result: OOF, mask: np.ndarray, bins: int = 10) -> dict[str, Any]:
    """Reliability of the top score: per-bin accuracy, ECE, and the abstention threshold.

    The threshold is the upper edge of the highest bin whose out-of-fold
    accuracy is under one half: below it the model is more often wrong than
    right, so documents abstain there.
    """
    truth, p, dims = _six(result, mask)
    top = p.max(axis=1) if len(p) else np.zeros(0)
    right = np.asarray(dims)[p.argmax(axis=1)] == truth if len(p) else np.zeros(0, dtype=bool)
    edges = np.linspace(0.0, 1.0, bins + 1)
    table, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (top >= lo) & ((top < hi) if hi < 1 else (top <= hi))
        if in_bin.any():
            acc, conf = float(right[in_bin].mean()), float(top[in_bin].mean())
            ece += float(in_bin.mean()) * abs(acc - conf)
            table.append({"lo": round(float(lo), 2), "hi": round(float(hi), 2), "n": int(in_bin.sum()), "accuracy": round(acc, 4), "confidence": round(conf, 4)})
    threshold = 0.0
    for row in table:
        if row["accuracy"] < 0.5:
            threshold = row["hi"]
    return {"ece": round(ece, 4), "bins": table, "min_score": threshold}
