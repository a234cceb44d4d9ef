"""Training the shipped model: grouped model selection, fit, export, metadata.

Model selection is leave-one-source-document-out: each fold holds out the
items of one seed document; authored items are always in training and never
tested, because they are not real documents. The best configuration by
macro-F1 on the held-out seed items is refit on every labeled item and
exported to :class:`~dimtag.linear_model.LinearTextModel`.

scikit-learn is imported here only; tagging never loads it.
"""

from __future__ import annotations

import datetime as _dt
import logging
import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata as _metadata
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .dimensions import NONE_LABEL, Dimension
from .features import cached_jieba_words, plain_jieba_words, prepare
from .labels import LabeledItem, file_sha256, read_labels
from .linear_model import LinearTextModel, from_pipeline
from .tagger import Tagger

__all__ = [
    "Config",
    "DEFAULT_GRID",
    "SMALL_GRID",
    "build_pipeline",
    "grouped_oof",
    "cv_scores",
    "select_config",
    "train",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Config:
    """One point of the model-selection grid.

    ``C`` is the inverse regularization for every classifier; for SGD it
    maps to ``alpha = 1 / (C * n_samples)``, the equivalent penalty.
    """

    features: str = "char13"  # key of _FEATURES
    C: float = 30.0
    class_weight: str | None = None
    clf: str = "lr"  # "lr", "svc" (sigmoid-calibrated LinearSVC) or "sgd" (log loss)

    def label(self) -> str:
        return f"{self.clf} {self.features} C={self.C:g} cw={self.class_weight or 'none'}"


# name -> list of (analyzer or tokenizer, ngram_range)
_FEATURES: dict[str, list[tuple[str, tuple[int, int]]]] = {
    "char12": [("char", (1, 2))],
    "char13": [("char", (1, 3))],
    "char14": [("char", (1, 4))],
    "word": [("word", (1, 1))],
    "word-nodict": [("word-nodict", (1, 1))],
    "char13+word": [("char", (1, 3)), ("word", (1, 1))],
}

_WEIGHTS = (None, "balanced")
DEFAULT_GRID: tuple[Config, ...] = (
    tuple(Config(f, C, cw, "lr") for f in _FEATURES for C in (3.0, 10.0, 30.0) for cw in _WEIGHTS)
    + tuple(Config(f, C, cw, "svc") for f in ("char13", "char13+word") for C in (0.1, 0.3, 1.0) for cw in _WEIGHTS)
    + tuple(Config(f, C, cw, "sgd") for f in ("char13", "char13+word") for C in (3.0, 10.0, 30.0) for cw in _WEIGHTS)
)
SMALL_GRID: tuple[Config, ...] = (Config("char13", 30.0, "balanced", "lr"),)


def _vectorizer(analyzer: str, ngram_range: tuple[int, int]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    common = dict(preprocessor=prepare, lowercase=False, sublinear_tf=True, ngram_range=ngram_range, dtype=np.float64)
    if analyzer == "char":
        return TfidfVectorizer(analyzer="char", **common)
    tokenizer = plain_jieba_words if analyzer == "word-nodict" else cached_jieba_words
    return TfidfVectorizer(analyzer="word", tokenizer=tokenizer, token_pattern=None, **common)


def build_pipeline(config: Config, n_samples: int = 1700) -> Any:
    """Return the unfitted scikit-learn pipeline for a configuration."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    parts = _FEATURES[config.features]
    vecs = [_vectorizer(a, r) for a, r in parts]
    features = vecs[0] if len(vecs) == 1 else FeatureUnion([(f"f{i}", v) for i, v in enumerate(vecs)])
    if config.clf == "lr":
        clf: Any = LogisticRegression(C=config.C, class_weight=config.class_weight, max_iter=5000)
    elif config.clf == "svc":
        svc = LinearSVC(C=config.C, class_weight=config.class_weight)
        clf = CalibratedClassifierCV(svc, method="sigmoid", cv=5, ensemble=False)
    elif config.clf == "sgd":
        clf = SGDClassifier(
            loss="log_loss", alpha=1.0 / (config.C * n_samples), class_weight=config.class_weight,
            max_iter=50, tol=None, random_state=0,
        )
    else:
        raise ValueError(f"unknown classifier {config.clf!r}")
    return Pipeline([("features", features), ("clf", clf)])


def grouped_oof(items: Sequence[LabeledItem], config: Config) -> tuple[list[LabeledItem], np.ndarray, list[str]]:
    """Out-of-fold probabilities for seed items, one fold per seed document.

    Authored items are always in training. Returns the tested items, their
    probabilities (n, n_classes) and the class order (``none`` included).
    """
    texts = np.array([it.text for it in items], dtype=object)
    labels = np.array([it.dimension for it in items])
    sources = np.array([it.source for it in items])
    classes = sorted(set(labels))
    seeds = sorted({it.source for it in items if it.origin == "seed"})
    tested: list[LabeledItem] = []
    probas: list[np.ndarray] = []
    for seed in seeds:
        train, test = sources != seed, sources == seed
        model = build_pipeline(config, int(train.sum())).fit(texts[train], labels[train])
        p = np.zeros((int(test.sum()), len(classes)))
        p[:, [classes.index(c) for c in model.classes_]] = model.predict_proba(texts[test])
        probas.append(p)
        tested.extend(it for it, t in zip(items, test) if t)
    return tested, np.vstack(probas), classes


def six_way(tested: Sequence[LabeledItem], proba: np.ndarray, classes: Sequence[str]) -> tuple[list[str], np.ndarray, list[str]]:
    """Restrict to items labeled with a dimension and renormalize over the six.

    This is what :func:`dimtag.tag` answers: the best of the six dimensions.
    """
    dims = [i for i, c in enumerate(classes) if c != NONE_LABEL]
    keep = [i for i, it in enumerate(tested) if it.dimension != NONE_LABEL]
    p = proba[np.ix_(keep, dims)]
    p = p / p.sum(axis=1, keepdims=True)
    return [tested[i].dimension for i in keep], p, [classes[i] for i in dims]


def cv_scores(tested: Sequence[LabeledItem], proba: np.ndarray, classes: Sequence[str]) -> dict[str, Any]:
    """Six-way accuracy, macro-F1 and per-dimension P/R/F1 of OOF predictions,
    and how well ``none`` items (intros, procedure) are recognized."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    truth, p6, dims = six_way(tested, proba, classes)
    pred = [dims[i] for i in p6.argmax(axis=1)]
    p, r, f, s = precision_recall_fscore_support(truth, pred, labels=dims, zero_division=0)
    scores: dict[str, Any] = {
        "n_test": len(truth),
        "accuracy": round(float(accuracy_score(truth, pred)), 4),
        "macro_f1": round(float(f1_score(truth, pred, labels=dims, average="macro", zero_division=0)), 4),
        "per_class": {
            c: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4), "support": int(s[i])}
            for i, c in enumerate(dims)
        },
    }
    if NONE_LABEL in classes:
        is_none = np.array([it.dimension == NONE_LABEL for it in tested])
        said_none = proba.argmax(axis=1) == list(classes).index(NONE_LABEL)
        hits = int((is_none & said_none).sum())
        scores["none"] = {
            "support": int(is_none.sum()),
            "precision": round(hits / max(int(said_none.sum()), 1), 4),
            "recall": round(hits / max(int(is_none.sum()), 1), 4),
        }
    return scores


def calibration(tested: Sequence[LabeledItem], proba: np.ndarray, classes: Sequence[str], bins: int = 10) -> dict[str, Any]:
    """Reliability of the six-way top score: per-bin accuracy, ECE, abstention threshold.

    The threshold is the upper edge of the highest bin whose out-of-fold
    accuracy is under one half: below it the model is more often wrong than
    right, so documents abstain there.
    """
    truth, p6, dims = six_way(tested, proba, classes)
    top = p6.max(axis=1)
    right = np.array([dims[i] == t for i, t in zip(p6.argmax(axis=1), truth)])
    edges = np.linspace(0.0, 1.0, bins + 1)
    table, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (top >= lo) & ((top < hi) if hi < 1 else (top <= hi))
        if in_bin.any():
            acc, conf = float(right[in_bin].mean()), float(top[in_bin].mean())
            ece += in_bin.mean() * abs(acc - conf)
            table.append({"lo": round(float(lo), 2), "hi": round(float(hi), 2), "n": int(in_bin.sum()), "accuracy": round(acc, 4), "confidence": round(conf, 4)})
    threshold = 0.0
    for row in table:
        if row["accuracy"] < 0.5:
            threshold = row["hi"]
    return {"ece": round(float(ece), 4), "bins": table, "min_score": threshold}


@dataclass
class Selection:
    best: Config
    scores: dict[str, Any]
    calibration: dict[str, Any]
    table: list[dict[str, Any]] = field(default_factory=list)


def _score_config(items: Sequence[LabeledItem], config: Config) -> tuple[dict[str, Any], dict[str, Any]]:
    tested, proba, classes = grouped_oof(items, config)
    return cv_scores(tested, proba, classes), calibration(tested, proba, classes)


#: Configurations within this macro-F1 of the best (about one held-out item)
#: are treated as tied; the tie goes to the best-calibrated one.
F1_TIE = 0.005


def select_config(items: Sequence[LabeledItem], grid: Sequence[Config], n_jobs: int = -1) -> Selection:
    """Score every configuration by grouped CV and pick one.

    The winner has the best macro-F1, except that among configurations
    within :data:`F1_TIE` of the best the one with the lowest expected
    calibration error wins, since ``scores()`` must read as probabilities.
    Configurations are scored in parallel (joblib, ``n_jobs`` processes);
    the result does not depend on ``n_jobs``.
    """
    from joblib import Parallel, delayed

    results = Parallel(n_jobs=n_jobs)(delayed(_score_config)(items, c) for c in grid)
    if not results:
        raise ValueError("empty model-selection grid")
    table = []
    for config, (scores, calib) in zip(grid, results):
        table.append({"config": config.label(), "accuracy": scores["accuracy"], "macro_f1": scores["macro_f1"], "ece": calib["ece"]})
        log.info("%-32s accuracy=%.3f macro_f1=%.3f ece=%.3f", config.label(), scores["accuracy"], scores["macro_f1"], calib["ece"])
    top = max(scores["macro_f1"] for scores, _ in results)
    tied = [i for i, (scores, _) in enumerate(results) if scores["macro_f1"] >= top - F1_TIE]
    best = min(tied, key=lambda i: (results[i][1]["ece"], -results[i][0]["macro_f1"], i))
    return Selection(grid[best], results[best][0], results[best][1], table)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("dimtag", "scikit-learn", "numpy", "jieba", "joblib"):
        try:
            out[dist] = _metadata.version(dist)
        except _metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def train(
    labels_path: str | Path, out_dir: str | Path, grid: Sequence[Config] = DEFAULT_GRID, n_jobs: int = -1
) -> dict[str, Any]:
    """Select, fit and write the model and its metadata.

    Parameters
    ----------
    labels_path : str or Path
        The labels CSV.
    out_dir : str or Path
        Directory that receives ``dimtag.npz`` and ``metadata.json``.
    grid : sequence of Config
        Configurations to compare by grouped cross-validation.
    n_jobs : int
        Processes for model selection (joblib convention; -1 = all cores).

    Returns
    -------
    dict
        The metadata written beside the model.
    """
    items = read_labels(labels_path)
    missing = {d.value for d in Dimension} - {it.dimension for it in items}
    if missing:
        raise ValueError(f"{labels_path}: no items for {', '.join(sorted(missing))}; every dimension needs examples")
    selection = select_config(items, grid, n_jobs=n_jobs)
    texts = [it.text for it in items]
    pipeline = build_pipeline(selection.best, len(texts)).fit(texts, [it.dimension for it in items])
    model = LinearTextModel.from_arrays(from_pipeline(pipeline).to_arrays())
    _check_export(pipeline, model, [it.text for it in items])

    counts: dict[str, dict[str, int]] = {}
    for it in items:
        counts.setdefault(it.dimension, {}).setdefault(it.origin, 0)
        counts[it.dimension][it.origin] += 1
    meta = {
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "data": {"file": Path(labels_path).name, "sha256": file_sha256(labels_path), "counts": counts},
        "versions": _versions(),
        "classes": list(model.classes),
        "config": asdict(selection.best),
        "cv": {"scheme": "leave-one-seed-document-out; authored items always in training", **selection.scores},
        "calibration": selection.calibration,
        "min_score": selection.calibration["min_score"],
        "grid": selection.table,
    }
    tagger = Tagger(model, meta)
    tagger.save(out_dir)
    return tagger.metadata


def _check_export(pipeline: Any, model: LinearTextModel, texts: list[str]) -> None:
    """Refuse to write an export whose predictions differ from the pipeline's."""
    expected = pipeline.predict(texts)
    got = np.array(model.classes)[model.decision_function(texts).argmax(axis=1)]
    bad = np.flatnonzero(expected != got)
    if bad.size:
        raise RuntimeError(f"exported model disagrees with the pipeline on {bad.size} items, e.g. {texts[bad[0]]!r}")
    if not np.allclose(pipeline.predict_proba(texts), model.predict_proba(texts), atol=1e-9):
        raise RuntimeError("exported model probabilities differ from the pipeline's")
