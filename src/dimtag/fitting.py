"""One training configuration: the scikit-learn pipeline it builds, and a fit that exports.

:class:`Config` with no arguments is the configuration that ships; it, and
the names of the feature sets and classifiers, live in :mod:`dimtag.params`
(re-exported here).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .errors import LabelsError
from .export import check_export, from_pipeline
from .features import cached_jieba_words, plain_jieba_words, prepare
from .linear_model import LinearTextModel
from .model_file import MAX_MODEL_BYTES
from .params import CLASSIFIERS, FEATURE_SETS, Config

__all__ = [
    "Config", "FEATURE_SETS", "CLASSIFIERS", "MIN_ITEMS_PER_LABEL", "build_pipeline", "check_trainable", "fit_pipeline",
    "fit_model", "check_weight_size", "MAX_WEIGHT_BYTES",
]

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


#: The largest weight matrix training builds, in bytes (n_labels x n_features float64 numbers):
#: 40 times the shipped model's 6 MB. Fitting peaks at about four times its weights (the solver's
#: copy, the fitted estimator, the export; measured peak RSS: 637 MB for 500 labels x 35,000
#: features, 135 MiB of weights; 1,003 MB for 500 x 65,000, 250 MiB), so this bounds training at
#: about 1 GB; a label set past it is refused before the classifier allocates anything. It stays under the loader's own limit on one
#: array (MAX_MODEL_BYTES): training never writes a model that cannot be loaded.
MAX_WEIGHT_BYTES = min(256 * 1024 * 1024, MAX_MODEL_BYTES)


def check_weight_size(n_labels: int, n_features: int) -> None:
    """Refuse a model whose dense weights would exceed :data:`MAX_WEIGHT_BYTES`.

    Raises
    ------
    LabelsError
        Too many labels for the vocabulary, with the size it would take.
    """
    need = n_labels * n_features * 8
    if need > MAX_WEIGHT_BYTES:
        raise LabelsError(
            f"{n_labels:,} labels x {n_features:,} features would need {need / 2**30:.1f} GiB of weights, over the "
            f"limit of {MAX_WEIGHT_BYTES / 2**20:.0f} MiB; train on fewer labels or a smaller feature set (char12)"
        )


def fit_pipeline(texts: Sequence[str], labels: Sequence[str], config: Config) -> Any:
    """Fit the configuration's scikit-learn pipeline.

    The features are fitted first, so that the size of the classifier's
    weights is known, and checked, before it allocates them.

    Raises
    ------
    LabelsError
        Fewer than two labels, a label with fewer than five items, texts
        that yield no features at all, or weights over
        :data:`MAX_WEIGHT_BYTES`; the message says what is wrong.
    """
    labels = list(labels)
    check_trainable(labels)
    pipeline = build_pipeline(config)
    (_, features), (_, clf) = pipeline.steps
    try:
        matrix = features.fit_transform(list(texts))
    except ValueError as exc:
        if "empty vocabulary" in str(exc):
            raise LabelsError("the texts hold no characters to learn from (empty vocabulary)") from None
        raise
    check_weight_size(len(set(labels)), matrix.shape[1])
    clf.fit(matrix, labels)
    return pipeline


def fit_model(texts: Sequence[str], labels: Sequence[str], config: Config | Mapping[str, Any]) -> LinearTextModel:
    """Fit and export, checking that the export predicts as the pipeline does."""
    config = config if isinstance(config, Config) else Config.from_dict(config)
    pipeline = fit_pipeline(texts, labels, config)
    model = LinearTextModel.from_arrays(from_pipeline(pipeline).to_arrays())
    check_export(pipeline, model, texts)
    return model
