"""Export a fitted scikit-learn pipeline to a numpy-only :class:`~dimtag.linear_model.LinearTextModel`.

The export is checked: :func:`check_export` refuses a model whose
:meth:`~dimtag.linear_model.LinearTextModel.predict` differs from the
pipeline's, or whose probabilities differ beyond a tolerance.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..features import WORD_TOKENIZERS, FeatureBlock, cached_jieba_words, prepare
from ..linear_model import LinearTextModel

__all__ = ["from_pipeline", "check_export", "PROBA_TOLERANCE"]

#: Largest difference allowed between the pipeline's and the export's probabilities.
PROBA_TOLERANCE = 1e-9
_TOKENIZER_NAMES = {**{fn: name for name, fn in WORD_TOKENIZERS.items()}, cached_jieba_words: "jieba"}


def _block_from_vectorizer(vec: Any) -> FeatureBlock:
    analyzer = "char" if vec.analyzer == "char" else "word"
    if analyzer == "word" and vec.tokenizer not in _TOKENIZER_NAMES:
        raise ValueError("only dimtag's jieba tokenizers can be exported")
    if vec.preprocessor is not prepare or vec.lowercase or vec.norm != "l2" or not vec.use_idf:
        raise ValueError("vectorizer settings not supported by the exporter")
    terms = np.empty(len(vec.vocabulary_), dtype=object)
    for term, j in vec.vocabulary_.items():
        terms[j] = term
    return FeatureBlock(
        analyzer=analyzer,
        ngram_range=tuple(vec.ngram_range),
        sublinear_tf=bool(vec.sublinear_tf),
        terms=terms.astype(str),
        idf=np.asarray(vec.idf_, dtype=np.float64),
        tokenizer=_TOKENIZER_NAMES.get(vec.tokenizer, "jieba"),
    )


def _two_sided(coef: np.ndarray, intercept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # A binary linear model keeps one row, for the second class; the first
    # class gets the negated row.
    return np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])


def from_pipeline(pipeline: Any) -> LinearTextModel:
    """Export a fitted ``Pipeline([features, classifier])``.

    ``features`` is a TfidfVectorizer or a FeatureUnion of them, built with
    ``preprocessor=prepare`` and either ``analyzer="char"`` or one of
    dimtag's jieba tokenizers. ``classifier`` is a LogisticRegression or a
    ``CalibratedClassifierCV(LinearSVC, method="sigmoid", ensemble=False)``.
    Two-class models are exported too.
    """
    features, clf = pipeline.steps[0][1], pipeline.steps[-1][1]
    vectorizers = [t for _, t in features.transformer_list] if hasattr(features, "transformer_list") else [features]
    blocks = [_block_from_vectorizer(v) for v in vectorizers]
    name = type(clf).__name__
    classes = [str(c) for c in clf.classes_]
    if name == "LogisticRegression":
        coef, intercept = clf.coef_, clf.intercept_
        if len(classes) == 2:
            # softmax([-z/2, z/2]) is expit(z), the binary model's probability.
            coef, intercept = _two_sided(coef / 2, intercept / 2)
        return LinearTextModel(blocks, coef, intercept, classes)
    if name == "CalibratedClassifierCV" and clf.method == "sigmoid" and len(clf.calibrated_classifiers_) == 1:
        calibrated = clf.calibrated_classifiers_[0]
        base = calibrated.estimator
        if [str(c) for c in base.classes_] != classes:
            raise ValueError("calibrated classes differ from the estimator's")
        a = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
        b = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)
        coef, intercept, scale, shift = base.coef_, base.intercept_, -a, -b
        if len(classes) == 2:
            coef, intercept = _two_sided(coef, intercept)
            scale, shift = np.concatenate([scale, scale]), np.concatenate([-shift, shift])
        return LinearTextModel(blocks, coef, intercept, classes, link="sigmoid", scale=scale, shift=shift)
    raise ValueError(f"cannot export classifier {name}")


def check_export(pipeline: Any, model: LinearTextModel, texts: Sequence[str]) -> None:
    """Refuse an export that predicts differently from the pipeline.

    Predictions are compared with :meth:`LinearTextModel.predict`, the one
    prediction rule; probabilities to :data:`PROBA_TOLERANCE`.

    Raises
    ------
    RuntimeError
        On any difference.
    """
    texts = list(texts)
    expected = pipeline.predict_proba(texts)
    got = model.predict_proba(texts)
    worst = float(np.abs(expected - got).max()) if len(texts) else 0.0
    if worst > PROBA_TOLERANCE:
        raise RuntimeError(f"exported model probabilities differ from the pipeline's by up to {worst:.2e}")
    pipeline_pred = np.asarray([str(c) for c in pipeline.classes_], dtype=object)[expected.argmax(axis=1)]
    bad = np.flatnonzero(pipeline_pred != model.predict(texts))
    if bad.size:
        raise RuntimeError(f"exported model disagrees with the pipeline on {bad.size} items, e.g. {texts[bad[0]]!r}")
