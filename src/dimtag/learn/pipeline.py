"""One training configuration: the scikit-learn pipeline it builds, and a fit that exports.

:class:`Config` with no arguments is the configuration that ships.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..errors import LabelsError
from ..features import cached_jieba_words, plain_jieba_words, prepare
from ..linear_model import LinearTextModel
from .export import check_export, from_pipeline

__all__ = [
    "Config", "FEATURE_SETS", "CLASSIFIERS", "MIN_ITEMS_PER_LABEL", "build_pipeline", "check_trainable", "fit_pipeline",
    "fit_model",
]

#: Feature set name -> list of (analyzer or tokenizer, n-gram range).
FEATURE_SETS: dict[str, list[tuple[str, tuple[int, int]]]] = {
    "char12": [("char", (1, 2))],
    "char13": [("char", (1, 3))],
    "char14": [("char", (1, 4))],
    "word": [("word", (1, 1))],
    "word-nodict": [("word-nodict", (1, 1))],
    "char13+word": [("char", (1, 3)), ("word", (1, 1))],
}
#: ``svc``: sigmoid-calibrated LinearSVC; ``lr``: multinomial LogisticRegression.
CLASSIFIERS = ("svc", "lr")


@dataclass(frozen=True)
class Config:
    """One point of the model-selection grid; the defaults are the shipped model's."""

    features: str = "char13"
    clf: str = "svc"
    C: float = 1.0
    class_weight: str | None = "balanced"

    def __post_init__(self) -> None:
        if self.features not in FEATURE_SETS:
            raise ValueError(f"unknown features {self.features!r} (allowed: {', '.join(FEATURE_SETS)})")
        if self.clf not in CLASSIFIERS:
            raise ValueError(f"unknown clf {self.clf!r} (allowed: {', '.join(CLASSIFIERS)})")
        if not self.C > 0:
            raise ValueError(f"C must be positive, got {self.C!r}")
        if self.class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight must be None or 'balanced', got {self.class_weight!r}")

    @classmethod
    def from_dict(cls, params: Mapping[str, Any]) -> Config:
        return cls(**{k: v for k, v in params.items() if k in ("features", "clf", "C", "class_weight")})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def label(self) -> str:
        return f"{self.clf} {self.features} C={self.C:g} cw={self.class_weight or 'none'}"


def _vectorizer(analyzer: str, ngram_range: tuple[int, int]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    common: dict[str, Any] = dict(
        preprocessor=prepare, lowercase=False, sublinear_tf=True, ngram_range=ngram_range, dtype=np.float64
    )
    if analyzer == "char":
        return TfidfVectorizer(analyzer="char", **common)
    tokenizer = plain_jieba_words if analyzer == "word-nodict" else cached_jieba_words
    return TfidfVectorizer(analyzer="word", tokenizer=tokenizer, token_pattern=None, **common)


def build_pipeline(config: Config, n_labels: int = 7) -> Any:
    """The unfitted scikit-learn pipeline of a configuration."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    vecs = [_vectorizer(a, r) for a, r in FEATURE_SETS[config.features]]
    features = vecs[0] if len(vecs) == 1 else FeatureUnion([(f"f{i}", v) for i, v in enumerate(vecs)])
    if config.clf == "lr":
        clf: Any = LogisticRegression(C=config.C, class_weight=config.class_weight, max_iter=5000)
    else:
        svc = LinearSVC(C=config.C, class_weight=config.class_weight, random_state=0)
        clf = CalibratedClassifierCV(svc, method="sigmoid", cv=5, ensemble=False)
    return Pipeline([("features", features), ("clf", clf)])


#: Items a label needs in any training set: the calibrated SVM splits each label's items five ways.
MIN_ITEMS_PER_LABEL = 5


def check_trainable(labels: Sequence[str], where: str = "") -> None:
    """Refuse training labels that cannot fit, saying what is missing.

    Parameters
    ----------
    labels : sequence of str
        The label of each training item.
    where : str
        Which training set this is, for the message (for example the fold).

    Raises
    ------
    LabelsError
        Fewer than two labels, or a label with fewer than
        :data:`MIN_ITEMS_PER_LABEL` items.
    """
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    prefix = f"{where}: " if where else ""
    if len(counts) < 2:
        raise LabelsError(f"{prefix}training needs items of at least two labels, got {', '.join(sorted(counts)) or 'no items'}")
    thin = sorted((label, n) for label, n in counts.items() if n < MIN_ITEMS_PER_LABEL)
    if thin:
        raise LabelsError(
            f"{prefix}every label needs at least {MIN_ITEMS_PER_LABEL} items to train on; too few for: "
            + ", ".join(f"{label} ({n})" for label, n in thin)
        )


def fit_pipeline(texts: Sequence[str], labels: Sequence[str], config: Config) -> Any:
    """Fit the configuration's scikit-learn pipeline.

    Raises
    ------
    LabelsError
        Fewer than two labels, a label with fewer than five items, or texts
        that yield no features at all; the message says what is missing.
    """
    check_trainable(labels)
    pipeline = build_pipeline(config)
    try:
        return pipeline.fit(list(texts), list(labels))
    except ValueError as exc:
        if "empty vocabulary" in str(exc):
            raise LabelsError("the texts hold no characters to learn from (empty vocabulary)") from None
        raise


def fit_model(texts: Sequence[str], labels: Sequence[str], config: Config | Mapping[str, Any]) -> LinearTextModel:
    """Fit and export, checking that the export predicts as the pipeline does."""
    config = config if isinstance(config, Config) else Config.from_dict(config)
    pipeline = fit_pipeline(texts, labels, config)
    model = LinearTextModel.from_arrays(from_pipeline(pipeline).to_arrays())
    check_export(pipeline, model, texts)
    return model
